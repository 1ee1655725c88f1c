/**
 * The wire tables against the kernel's UAPI headers (kernel-free): every
 * attribute carries its UAPI name, and where this machine's headers know the
 * name, its number is the table's id. (Names newer than the headers are
 * listed, not failed; the YNL specs are the later check.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AttrTable, type AttrSpec, type MembersCodec } from '../lib/codec.js';
import * as address from '../lib/wire/address.js';
import * as addrlabel from '../lib/wire/addrlabel.js';
import * as kindsModule from '../lib/wire/kinds.js';
import * as link from '../lib/wire/link.js';
import * as neigh from '../lib/wire/neigh.js';
import * as netconf from '../lib/wire/netconf.js';
import * as nexthop from '../lib/wire/nexthop.js';
import * as nsid from '../lib/wire/nsid.js';
import * as route from '../lib/wire/route.js';
import * as rule from '../lib/wire/rule.js';

const INCLUDE = '/usr/include/linux';
const HEADERS = ['if_link.h', 'if_addr.h', 'rtnetlink.h', 'neighbour.h', 'fib_rules.h', 'net_namespace.h', 'veth.h', 'if_tunnel.h', 'if_macsec.h', 'if_bridge.h', 'can/vxcan.h', 'nexthop.h', 'if_addrlabel.h', 'netconf.h', 'lwtunnel.h', 'mpls_iptunnel.h', 'seg6_iptunnel.h', 'seg6_local.h'];

/** Enum members of the UAPI headers (NAME → value), with `#define ALIAS NAME` aliases. */
function uapiNumbers(): Map<string, number> {
  const vals = new Map<string, number>();
  for (const h of HEADERS) {
    const path = `${INCLUDE}/${h}`;
    if (!existsSync(path)) continue;
    const src = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
    for (const m of src.matchAll(/enum\s*\w*\s*\{([^}]*)\}/g)) {
      let v = -1;
      const body = m[1].split('\n').filter((l) => !l.trim().startsWith('#')).join('\n');
      for (const item of body.split(',').map((x) => x.trim()).filter(Boolean)) {
        const [name, expr] = item.split('=').map((x) => x.trim());
        if (expr === undefined) v += 1;
        else if (/^(0x[0-9a-f]+|\d+)$/i.test(expr)) v = Number(expr);
        else if (vals.has(expr)) v = vals.get(expr)!;
        else continue;
        if (!vals.has(name)) vals.set(name, v);
      }
    }
    for (const m of src.matchAll(/^#define\s+(\w+)\s+(\w+)\s*$/gm)) if (vals.has(m[2]) && !vals.has(m[1])) vals.set(m[1], vals.get(m[2])!);
  }
  return vals;
}

/** Every attribute table the wire modules export or hold (nests, kind tables), each once. */
function tables(): AttrTable<any>[] {
  const seen = new Set<AttrTable<any>>();
  const add = (t: unknown) => {
    if (!(t instanceof AttrTable) || seen.has(t)) return;
    seen.add(t);
    for (const s of t.byName.values()) if (s.nest) add(typeof s.nest === 'function' ? s.nest() : s.nest);
  };
  for (const m of [address, kindsModule, link, neigh, nsid, route, rule, nexthop, addrlabel, netconf]) for (const v of Object.values(m)) add(v);
  for (const k of Object.values(kindsModule.kinds)) {
    add(k.data);
    add(k.slaveData);
  }
  return [...seen];
}

/** Every (table, field, id, uapi) the tables write, member attributes of list nests included. */
function entries(): { table: string; field: string; id: number; uapi?: string; writeOnly?: boolean }[] {
  return tables().flatMap((t) =>
    [...t.byName].flatMap(([field, s]: [string, AttrSpec]) => {
      const own = { table: t.name, field, id: s.id, uapi: s.uapi, writeOnly: s.writeOnly };
      const m = (s.codec as MembersCodec<unknown> | undefined)?.member;
      return m ? [own, { table: `${t.name}.${field}`, field: '[]', id: m.id, uapi: m.uapi }] : [own];
    }),
  );
}

describe('wire tables', () => {
  const all = entries();

  it('every attribute carries its UAPI name', () => {
    expect(all.length).toBeGreaterThan(300);
    expect(all.filter((e) => typeof e.uapi !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(e.uapi)).map((e) => `${e.table}.${e.field}`)).toEqual([]);
  });

  it('no table reads two fields from one id (a second spelling is write-only)', () => {
    const clash: string[] = [];
    for (const t of tables()) {
      const byId = new Map<number, string>();
      for (const [field, s] of t.byName) {
        if (s.writeOnly) continue;
        if (byId.has(s.id)) clash.push(`${t.name}: ${byId.get(s.id)} and ${field} are both ${s.id}`);
        byId.set(s.id, field);
      }
    }
    expect(clash).toEqual([]);
  });

  it.skipIf(!existsSync(INCLUDE))(`ids match the UAPI headers${existsSync(INCLUDE) ? '' : ` (skipped: no ${INCLUDE})`}`, () => {
    const uapi = uapiNumbers();
    const wrong = all.filter((e) => uapi.has(e.uapi!) && uapi.get(e.uapi!) !== e.id).map((e) => `${e.table}.${e.field}: ${e.uapi} is ${uapi.get(e.uapi!)}, table says ${e.id}`);
    expect(wrong).toEqual([]);
    const unknown = [...new Set(all.filter((e) => !uapi.has(e.uapi!)).map((e) => e.uapi))];
    if (unknown.length) console.log(`names newer than ${INCLUDE}: ${unknown.join(', ')}`);
    // the headers are older than some attributes, but not by much
    expect(unknown.length).toBeLessThan(all.length / 10);
  });

  it('struct members carry their C names', () => {
    const structs = [link.ifinfomsg, address.ifaddrmsg, route.rtmsg, rule.fibRuleHdr, neigh.ndmsg, nsid.rtgenmsg, nexthop.nhmsg, addrlabel.ifaddrlblmsg, netconf.netconfmsg];
    for (const s of structs) {
      expect(s.cname).toMatch(/^[a-z_0-9]+$/);
      for (const [name, , cname] of s.fields) if (!name.startsWith('_')) expect(cname, `${s.cname}.${name}`).toMatch(/^[a-z_0-9]+$/);
    }
  });
});
