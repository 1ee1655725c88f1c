/**
 * The wire tables (lib/wire/*) against the kernel's own netlink specs (YNL:
 * Documentation/netlink/specs/rt-*.yaml and tc.yaml, copied verbatim in
 * ../shared/netlink-specs). Kernel-free. Every attribute of every table is
 * looked up by the UAPI name written beside its id; its id, its size class
 * (u8/u16/u32/u64, flag, string, binary) and whether it is a nest must agree
 * with the spec's attribute-sets, and the attributes of a nested table must
 * belong to the set the spec nests there. Where the library deliberately
 * differs, {@link DIFFERENCES} says why; where the spec and the kernel
 * disagree the kernel wins (the UAPI header is cited).
 *
 * YAML is read by {@link parseYaml}, a small parser for the subset these
 * files use (block maps and lists, plain and quoted scalars, flow lists,
 * folded and literal blocks, comments; anchors dropped, aliases left as
 * strings); no package is added.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AttrTable, type AttrSpec } from '../lib/codec.js';

// ---------------------------------------------------------------------------
// A YAML subset parser

type Yaml = string | number | boolean | null | Yaml[] | { [k: string]: Yaml };

interface Line {
  indent: number;
  text: string;
  n: number;
}

/** Parses the YAML subset the kernel's netlink specs use. Throws on anything else. */
export function parseYaml(src: string): Yaml {
  const raw = src.split('\n');
  const lines: Line[] = [];
  for (let n = 0; n < raw.length; n++) {
    const l = raw[n];
    if (/^\s*(#.*)?$/.test(l) || l.trim() === '---') continue;
    const indent = l.length - l.trimStart().length;
    lines.push({ indent, text: stripComment(l.trim()), n });
  }
  let i = 0;
  // block scalars (`>-`, `|`) take the raw lines that are more indented than their key
  const blockScalar = (style: string, keyIndent: number, fromLine: number): string => {
    const parts: string[] = [];
    while (i < lines.length && lines[i].indent > keyIndent) {
      parts.push(raw[lines[i].n].trim());
      i++;
    }
    // blank or comment-looking lines inside a block were skipped: docs only, not checked
    void fromLine;
    return style.startsWith('|') ? parts.join('\n') : parts.join(' ');
  };
  const value = (text: string, keyIndent: number, lineNo: number): Yaml => {
    // an anchor (`&name`) is dropped; an alias (`*name`) stays a plain string (only operations use them)
    text = text.replace(/^&\S+\s*/, '');
    if (text === '') {
      // a nested block, or null
      if (i < lines.length && lines[i].indent > keyIndent) return block(lines[i].indent);
      if (i < lines.length && lines[i].indent === keyIndent && lines[i].text.startsWith('- ')) return block(keyIndent);
      if (i < lines.length && lines[i].indent === keyIndent && lines[i].text === '-') return block(keyIndent);
      return null;
    }
    if (/^[>|][-+]?$/.test(text)) return blockScalar(text, keyIndent, lineNo);
    return scalar(text, lineNo);
  };
  const block = (indent: number): Yaml => {
    if (lines[i].text === '-' || lines[i].text.startsWith('- ')) {
      const out: Yaml[] = [];
      while (i < lines.length && lines[i].indent === indent && (lines[i].text === '-' || lines[i].text.startsWith('- '))) {
        const l = lines[i];
        const rest = l.text === '-' ? '' : l.text.slice(2).trim();
        i++;
        if (rest === '') out.push(i < lines.length && lines[i].indent > indent ? block(lines[i].indent) : null);
        else if (isKey(rest)) {
          // `- key: value` then more keys indented like `key`
          const inner = indent + 2 + (l.text.slice(2).length - l.text.slice(2).trimStart().length);
          lines[--i] = { indent: inner, text: rest, n: l.n };
          out.push(block(inner));
        } else out.push(scalar(rest, l.n));
      }
      return out;
    }
    const out: Record<string, Yaml> = {};
    while (i < lines.length && lines[i].indent === indent) {
      const l = lines[i];
      const m = /^("[^"]*"|'[^']*'|[^\s:][^:]*?):(?:\s+(.*))?$/.exec(l.text);
      if (!m) throw new SyntaxError(`yaml line ${l.n + 1}: expected 'key: value', got ${JSON.stringify(l.text)}`);
      i++;
      let v = value((m[2] ?? '').trim(), indent, l.n);
      // a plain scalar continued on more indented lines (folded into one)
      while (typeof v === 'string' && i < lines.length && lines[i].indent > indent) v += ` ${raw[lines[i++].n].trim()}`;
      out[unquote(m[1])] = v;
    }
    if (i < lines.length && lines[i].indent > indent) throw new SyntaxError(`yaml line ${lines[i].n + 1}: unexpected indentation`);
    return out;
  };
  const result = block(lines[0]?.indent ?? 0);
  if (i < lines.length) throw new SyntaxError(`yaml line ${lines[i].n + 1}: unexpected dedent`);
  return result;
}

function isKey(s: string): boolean {
  return /^("[^"]*"|'[^']*'|[^\s:'"[{][^:]*?):(\s|$)/.test(s);
}
function stripComment(s: string): string {
  // a '#' that starts a comment follows whitespace and is not inside quotes
  let q: string | undefined;
  for (let k = 0; k < s.length; k++) {
    const c = s[k];
    if (q) {
      if (c === q) q = undefined;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '#' && (k === 0 || /\s/.test(s[k - 1]))) return s.slice(0, k).trimEnd();
  }
  return s;
}
function unquote(s: string): string {
  if ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'"))) return s.slice(1, -1);
  return s;
}
function scalar(s: string, n: number): Yaml {
  if (s.startsWith('[')) {
    if (!s.endsWith(']')) throw new SyntaxError(`yaml line ${n + 1}: a flow list must end on its line`);
    const body = s.slice(1, -1).trim();
    return body === '' ? [] : body.split(',').map((x) => scalar(x.trim(), n));
  }
  if (s.startsWith('{')) throw new SyntaxError(`yaml line ${n + 1}: flow maps are not supported`);
  if (s.startsWith('"') || s.startsWith("'")) return unquote(s);
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s === 'null' || s === '~') return null;
  if (/^-?(0x[0-9a-f]+|\d+)$/i.test(s)) return Number(s);
  return s;
}

describe('parseYaml (kernel-free)', () => {
  it('reads maps, lists of maps, flow lists, folded blocks, comments and numbers', () => {
    expect(parseYaml('a: &x\n  - 1\nb: *x')).toEqual({ a: [1], b: '*x' });
    expect(parseYaml('doc: one\n  two\nn: 1')).toEqual({ doc: 'one two', n: 1 });
    const doc = ['# c', '---', 'name: x  # trailing', 'doc: >-', '  two', '  lines', 'list:', '  -', '    name: a', '    value: 0x10', '  - name: b', '    type: u8', 'flow: [ a, 2 ]', 'empty:', 'q: "a: b"'].join('\n');
    expect(parseYaml(doc)).toEqual({ name: 'x', doc: 'two lines', list: [{ name: 'a', value: 16 }, { name: 'b', type: 'u8' }], flow: ['a', 2], empty: null, q: 'a: b' });
  });
  it('reads a list of plain scalars under a key at the same indentation', () => {
    expect(parseYaml('entries:\n- a\n- b\nnext: 1')).toEqual({ entries: ['a', 'b'], next: 1 });
  });
  it('refuses what it does not know', () => {
    expect(() => parseYaml('a: {b: 1}')).toThrow(SyntaxError);
    expect(() => parseYaml('a: 1\n   b: 2')).toThrow(SyntaxError);
  });
});

// ---------------------------------------------------------------------------
// The specs

const SPECS = fileURLToPath(new URL('../../shared/netlink-specs', import.meta.url));
const FILES = ['rt-link', 'rt-addr', 'rt-route', 'rt-rule', 'rt-neigh', 'tc'];
const haveSpecs = FILES.every((f) => existsSync(join(SPECS, `${f}.yaml`)));

/** One attribute of a spec: its set, id, type and the set it nests (if any). */
export interface SpecAttr {
  file: string;
  set: string;
  name: string;
  uapi: string;
  id: number;
  type: string;
  nested?: string;
}

const UPPER = (s: string) => s.toUpperCase().replace(/-/g, '_');

/** Every attribute of every attribute-set, by UAPI name (a name may be in several sets). */
function loadSpecs(): { byUapi: Map<string, SpecAttr[]>; sets: Map<string, SpecAttr[]>; formats: Map<string, string> } {
  const byUapi = new Map<string, SpecAttr[]>();
  const sets = new Map<string, SpecAttr[]>();
  // sub-message formats: 'file:message:selector' → 'file:attribute-set' (a link kind's IFLA_INFO_DATA set, …)
  const formats = new Map<string, string>();
  for (const f of FILES) {
    const doc = parseYaml(readFileSync(join(SPECS, `${f}.yaml`), 'utf8')) as Record<string, any>;
    for (const m of (doc['sub-messages'] ?? []) as Record<string, any>[])
      for (const fm of m.formats ?? []) if (fm['attribute-set']) formats.set(`${f}:${m.name}:${fm.value}`, `${f}:${fm['attribute-set']}`);
    const all = doc['attribute-sets'] as Record<string, any>[];
    const byName = new Map(all.map((s) => [s.name as string, s]));
    for (const s of all) {
      // a subset-of set takes ids and prefix from its parent
      const base = s['subset-of'] ? byName.get(s['subset-of']) : undefined;
      const prefix: string = s['name-prefix'] ?? base?.['name-prefix'] ?? `${s.name}-`;
      const parentIds = new Map<string, number>();
      if (base) {
        let id = 1;
        for (const a of base.attributes ?? []) {
          if (typeof a.value === 'number') id = a.value;
          parentIds.set(a.name, id++);
        }
      }
      let id = 1;
      const list: SpecAttr[] = [];
      for (const a of s.attributes ?? []) {
        if (typeof a.value === 'number') id = a.value;
        const full = { ...(base?.attributes?.find((p: any) => p.name === a.name) ?? {}), ...a };
        const one: SpecAttr = { file: f, set: s.name, name: a.name, uapi: UPPER(prefix + a.name), id: base ? (parentIds.get(a.name) ?? id) : id, type: full.type, nested: full['nested-attributes'] ?? full['sub-message'] };
        id = one.id + 1;
        list.push(one);
        const k = byUapi.get(one.uapi) ?? [];
        k.push(one);
        byUapi.set(one.uapi, k);
      }
      sets.set(`${f}:${s.name}`, list);
    }
  }
  return { byUapi, sets, formats };
}

// ---------------------------------------------------------------------------
// The UAPI headers: the fallback for attributes the specs do not describe

const HEADERS = ['if_link.h', 'if_addr.h', 'rtnetlink.h', 'neighbour.h', 'fib_rules.h', 'pkt_sched.h', 'pkt_cls.h', 'veth.h', 'if_tunnel.h', 'if_macsec.h', 'net_namespace.h', 'if_bridge.h', 'can/vxcan.h', 'tc_act/tc_mirred.h', 'tc_act/tc_gact.h', 'tc_act/tc_skbedit.h', 'tc_act/tc_vlan.h', 'tc_act/tc_pedit.h', 'tc_act/tc_bpf.h', 'tc_act/tc_csum.h', 'tc_act/tc_tunnel_key.h', 'tc_act/tc_nat.h', 'tc_act/tc_connmark.h', 'tc_act/tc_sample.h', 'tc_act/tc_ct.h', 'tc_act/tc_mpls.h', 'tc_act/tc_ctinfo.h', 'tc_act/tc_gate.h', 'tc_act/tc_ife.h', 'tc_act/tc_defact.h', 'nexthop.h', 'if_addrlabel.h', 'netconf.h', 'lwtunnel.h', 'mpls_iptunnel.h', 'seg6_iptunnel.h', 'seg6_local.h', 'if_tun.h'].map((h) => `/usr/include/linux/${h}`);

/**
 * The values of the enum constants (and `#define A B` aliases) in the UAPI
 * headers here, with the header each is in. Enumerators count up from the
 * previous one; `= N` and `= OTHER` set them.
 */
export function headerEnums(files = HEADERS): Map<string, { value: number; header: string }> {
  const out = new Map<string, { value: number; header: string }>();
  for (const f of files) {
    if (!existsSync(f)) continue;
    const text = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const header = f.replace('/usr/include/', '');
    for (const m of text.matchAll(/enum\s*\w*\s*\{([^}]*)\}/g)) {
      let next = 0;
      for (const raw of m[1].split(',')) {
        const e = raw.replace(/#.*$/gm, '').trim();
        if (!e) continue;
        const [name, expr] = e.split('=').map((x) => x.trim());
        if (!/^\w+$/.test(name)) continue;
        let v = next;
        if (expr !== undefined) {
          if (/^(0x[0-9a-f]+|\d+)$/i.test(expr)) v = Number(expr);
          else if (out.has(expr)) v = out.get(expr)!.value;
          else continue;
        }
        out.set(name, { value: v, header });
        next = v + 1;
      }
    }
    for (const m of text.matchAll(/^#define\s+(\w+)\s+(\w+)\s*$/gm)) {
      const to = out.get(m[2]);
      if (to && !out.has(m[1])) out.set(m[1], { value: to.value, header });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// The library's tables

/** Every attribute table a lib/wire module exports (also inside objects such as the kind tables), with nests followed. */
async function libTables(): Promise<Map<AttrTable<any>, string>> {
  const dir = fileURLToPath(new URL('../lib/wire/', import.meta.url));
  const found = new Map<AttrTable<any>, string>();
  const seen = new Set<unknown>();
  const walk = (v: unknown, where: string, depth: number): void => {
    if (!v || typeof v !== 'object' || seen.has(v) || depth > 4) return;
    seen.add(v);
    if (v instanceof AttrTable) {
      if (!found.has(v)) found.set(v, where);
      for (const [k, s] of v.byName) {
        const n = typeof s.nest === 'function' ? s.nest() : s.nest;
        if (n) walk(n, `${where}.${k}`, 0);
        const item = (s.codec as { item?: unknown } | undefined)?.item;
        if (item) walk(item, `${where}.${k}[]`, 0);
      }
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`, depth + 1));
    else for (const [k, x] of Object.entries(v)) walk(x, `${where}.${k}`, depth + 1);
  };
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts')).sort()) {
    const mod = await import(join(dir, f));
    for (const [k, x] of Object.entries(mod)) walk(x, `${f.replace(/\.ts$/, '')}.${k}`, 0);
  }
  return found;
}

type Kind = 'u8' | 'u16' | 'u32' | 'u64' | 'flag' | 'string' | 'binary' | 'nest';
const SIZE: Record<string, Kind> = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' };

/** What a library attribute is on the wire. */
function ourKind(s: AttrSpec, t: { flag: unknown; string: unknown; chars: unknown }): Kind {
  if (s.nest || (s.codec as { item?: unknown } | undefined)?.item) return 'nest';
  const c = s.codec as { sizes?: readonly number[] } | undefined;
  if (!c) return 'binary';
  if (c === t.flag) return 'flag';
  if (c === t.string || c === t.chars) return 'string';
  if (c.sizes?.length === 1 && SIZE[c.sizes[0]]) return SIZE[c.sizes[0]];
  return 'binary';
}

/** What a spec attribute type is on the wire. */
function specKind(type: string): Kind | 'uint' | 'pad' {
  switch (type) {
    case 'u8': case 's8': return 'u8';
    case 'u16': case 's16': return 'u16';
    case 'u32': case 's32': return 'u32';
    case 'u64': case 's64': return 'u64';
    case 'uint': case 'sint': return 'uint';
    case 'flag': return 'flag';
    case 'string': return 'string';
    case 'binary': return 'binary';
    case 'pad': return 'pad';
    case 'bitfield32': return 'binary';
    default: return 'nest'; // nest, indexed-array, nest-type-value, sub-message
  }
}

/** Whether a library attribute of kind `ours` fits a spec attribute of kind `spec`. */
function fits(ours: Kind, spec: Kind | 'uint' | 'pad'): boolean {
  if (ours === spec) return true;
  if (spec === 'uint') return ours === 'u32' || ours === 'u64';
  // a fixed-size value the spec calls binary (addresses, structs), or an int the library reads as raw bytes
  if (spec === 'binary') return ours !== 'nest' && ours !== 'flag';
  if (ours === 'binary') return spec !== 'nest' && spec !== 'flag';
  return false;
}

/** One finding of the comparison: `table.field` (UAPI name) and what disagrees. */
interface Finding {
  where: string;
  uapi: string;
  what: string;
}

async function compare(): Promise<{ findings: Finding[]; checked: number; byHeader: number }> {
  const { t } = await import('../lib/codec.js');
  const { byUapi, formats } = loadSpecs();
  const headers = headerEnums();
  const { kinds } = await import('../lib/wire/kinds.js');
  const tables = await libTables();
  const findings: Finding[] = [];
  let checked = 0;
  let byHeader = 0;
  // the spec set each nested table is expected in, from its parent's match
  const expectSet = new Map<AttrTable<any>, string>();
  // a link kind's tables belong to the set its sub-message format names
  for (const [k, spec] of Object.entries(kinds)) {
    const d = formats.get(`rt-link:linkinfo-data-msg:${k}`);
    if (spec.data && d) expectSet.set(spec.data, d);
    const m = formats.get(`rt-link:linkinfo-member-data-msg:${k}`);
    if (spec.slaveData && m) expectSet.set(spec.slaveData, m);
  }
  const order = [...tables.keys()];
  for (const tbl of order) {
    const where = tables.get(tbl)!;
    for (const [field, s] of tbl.byName) {
      if (!s.uapi) {
        findings.push({ where: `${where}.${field}`, uapi: '', what: 'no UAPI name beside the id' });
        continue;
      }
      checked++;
      const all = byUapi.get(s.uapi);
      if (!all) {
        // the specs have no set for it (a kind they do not describe): the UAPI header decides
        const h = headers.get(s.uapi);
        if (!h) findings.push({ where: `${where}.${field}`, uapi: s.uapi, what: 'in neither the specs nor the UAPI headers' });
        else if (h.value !== s.id) findings.push({ where: `${where}.${field}`, uapi: s.uapi, what: `id ${s.id}, ${h.header} says ${h.value}` });
        else byHeader++;
        continue;
      }
      const want = expectSet.get(tbl);
      const cands = want ? all.filter((a) => `${a.file}:${a.set}` === want) : all;
      if (cands.length === 0) {
        findings.push({ where: `${where}.${field}`, uapi: s.uapi, what: `in ${all.map((a) => `${a.file}:${a.set}`).join(', ')}, not in the nested set ${want}` });
        continue;
      }
      const a = cands.find((x) => x.id === s.id);
      if (!a) {
        findings.push({ where: `${where}.${field}`, uapi: s.uapi, what: `id ${s.id}, spec ${cands.map((x) => `${x.id} (${x.file}:${x.set})`).join(', ')}` });
        continue;
      }
      // an ignored attribute (known, deliberately not decoded) has no value type: its id is what is checked
      if (s.ignore) continue;
      const ours = ourKind(s, t);
      if (!fits(ours, specKind(a.type))) findings.push({ where: `${where}.${field}`, uapi: s.uapi, what: `type ${ours}, spec ${a.type}` });
      const n = typeof s.nest === 'function' ? s.nest() : s.nest;
      if (n && a.nested && !expectSet.has(n)) expectSet.set(n, `${a.file}:${a.nested}`);
    }
  }
  // where a spec id disagrees with the header, the header (the kernel) is what the table must follow
  for (const f of findings) {
    const h = headers.get(f.uapi);
    if (h && f.what.startsWith('id ') && f.what.includes(', spec ')) f.what += ` (${h.header}: ${h.value})`;
  }
  return { findings, checked, byHeader };
}

describe.skipIf(!haveSpecs)(`lib/wire tables against the kernel's YNL specs${haveSpecs ? '' : ` (skipped: ${SPECS} lacks ${FILES.join(', ')}.yaml)`}`, () => {
  it('every spec file parses', () => {
    const { sets } = loadSpecs();
    expect(sets.size).toBeGreaterThan(50);
  });
  it('every attribute agrees (id, type, nesting) or is a listed difference', async () => {
    const { findings, checked, byHeader } = await compare();
    expect(checked).toBeGreaterThan(500);
    console.log(`ynl-spec: ${checked} attributes checked, ${byHeader} of them against the UAPI headers (the specs lack them), ${findings.length} listed differences`);
    expect(byHeader, 'attributes the specs lack, checked against the UAPI headers').toBeGreaterThan(50);
    const key = (f: Finding) => `${f.uapi || f.where}`;
    const unexplained = findings.filter((f) => !(key(f) in DIFFERENCES)).map((f) => `${f.where} ${f.uapi}: ${f.what}`);
    expect(unexplained).toEqual([]);
    // and every listed difference is still one (the list does not rot)
    const stale = Object.keys(DIFFERENCES).filter((k) => !findings.some((f) => key(f) === k));
    expect(stale).toEqual([]);
  });
});

/**
 * Deliberate differences from the specs (and this machine's UAPI headers),
 * by UAPI name: why each is so. Where the spec and the kernel disagree, the
 * kernel wins.
 */
const BRPORT_U8 =
  'the spec types it flag; the kernel reads and reports a u8 0/1 (linux/if_link.h lists it among the IFLA_BRPORT_* attributes; net/bridge/br_netlink.c: NLA_U8 in br_port_policy, nla_put_u8 in br_port_fill_attrs), and `ip link set … type bridge_slave` sends a u8 too (test/golden-ip.test.ts)';
const DISPATCHED = 'a container whose contents the kind selects (the sub-message of the spec): the library decodes it through a codec that dispatches on the kind, not one fixed nested table';
const DIFFERENCES: Record<string, string> = {
  ...Object.fromEntries(
    ['MODE', 'GUARD', 'PROTECT', 'FAST_LEAVE', 'LEARNING', 'UNICAST_FLOOD', 'PROXYARP', 'LEARNING_SYNC', 'PROXYARP_WIFI', 'MCAST_FLOOD', 'MCAST_TO_UCAST', 'VLAN_TUNNEL', 'BCAST_FLOOD', 'NEIGH_SUPPRESS', 'ISOLATED', 'LOCKED', 'MAB', 'NEIGH_VLAN_SUPPRESS'].map((n) => [`IFLA_BRPORT_${n}`, BRPORT_U8]),
  ),
  IFLA_PROTINFO: 'the spec types it string (binary); the kernel nests attributes in it: IFLA_BRPORT_* for AF_BRIDGE (br_fill_ifinfo, net/bridge/br_netlink.c) and IFLA_INET6_* for AF_INET6 (inet6_fill_ifinfo, net/ipv6/addrconf.c); bridge link set sends it nested',
  IFLA_BR_FDB_FLUSH: 'the spec types it binary; the kernel only tests its presence (NLA_FLAG in br_policy, net/bridge/br_netlink.c), and `ip link set … type bridge fdb_flush` sends it empty',
  IFLA_LINKINFO: `IFLA_LINKINFO is a nest in the spec; ${DISPATCHED} (IFLA_INFO_KIND picks IFLA_INFO_DATA's table)`,
  IFLA_INFO_DATA: DISPATCHED,
  IFLA_INFO_SLAVE_DATA: DISPATCHED,
  TCA_OPTIONS: DISPATCHED,
  TCA_XSTATS: DISPATCHED,
  TCA_ACT_OPTIONS: DISPATCHED,
  TCA_STATS_APP: DISPATCHED,
  IFLA_MACVLAN_BC_CUTOFF: 'newer than this machine\'s UAPI headers and absent from the specs (the specs have no macvlan set); id 9 follows IFLA_MACVLAN_BC_QUEUE_LEN_USED = 8 in the kernel\'s linux/if_link.h',
  IFLA_VXLAN_LOCALBYPASS: 'newer than this machine\'s UAPI headers and absent from the specs (no vxlan set); id 31 follows IFLA_VXLAN_VNIFILTER = 30 in the kernel\'s linux/if_link.h',
  IFLA_VXLAN_LABEL_POLICY: 'listed as ignored (reported on every vxlan, not decoded); newer than this machine\'s UAPI headers and absent from the specs (no vxlan set); id 32 follows IFLA_VXLAN_LOCALBYPASS = 31 in the kernel\'s linux/if_link.h (6.13+)',
  IFLA_VXLAN_RESERVED_BITS: 'listed as ignored (reported on every vxlan, not decoded); newer than this machine\'s UAPI headers and absent from the specs (no vxlan set); id 33 follows IFLA_VXLAN_LABEL_POLICY = 32 in the kernel\'s linux/if_link.h (6.14+)',
  ...Object.fromEntries(
    [['NHA_OP_FLAGS', 14], ['NHA_GROUP_STATS', 15], ['NHA_HW_STATS_ENABLE', 16], ['NHA_HW_STATS_USED', 17]].map(([n, id]) => [
      n,
      `listed as ignored (reported, not decoded); no nexthop spec here and newer than this machine's linux/nexthop.h: id ${id} in the kernel's linux/nexthop.h after NHA_RES_BUCKET = 13`,
    ]),
  ),
  TCA_PRIO_MQ: 'in neither the specs nor this machine\'s linux/pkt_sched.h: written only for tc\'s `multiqueue` keyword as tc writes it (attribute 1 after struct tc_prio_qopt); sch_prio reads the struct alone',
};
