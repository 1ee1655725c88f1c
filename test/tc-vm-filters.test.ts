/**
 * Filters and actions live where the kernel has them (the full kernel in
 * ../shared/kernel-vm; this machine's kernel lacks most): each filter is
 * added through the library, listed back, and its options must equal what
 * the library's own encode → decode gives for the same input — so the
 * kernel kept and reported exactly what was sent (it may add its defaults). A kind the kernel lacks
 * is skipped with the kernel's own words.
 */
import { describe, expect, it } from 'vitest';
import { NetlinkError } from '../lib/index.js';
import { Writer } from '../lib/codec.js';
import '../lib/wire/tc-kinds.js';
import { filterKinds } from '../lib/wire/tc-filters.js';
import { withNs, type TestNetns } from './helpers.js';

const ETH = { all: 3, ip: 0x800, ipv6: 0x86dd, '802.1q': 0x8100 } as const;

/** What the library itself reads back from what it writes (links by index 2 = v1 in a fresh namespace: looked up below). */
function ownRound(kind: string, options: Record<string, unknown>, protocol: keyof typeof ETH, index: (r: unknown) => number): Record<string, unknown> {
  const k = filterKinds[kind];
  const c = k.check(options, 'filter.options', { protocol: ETH[protocol] });
  const w = new Writer(512);
  k.encode(w, c, { index: index as (r: string | number) => number });
  return k.decode!(w.buf, 4, w.pos, 'filter.options');
}

/** Drops what only the kernel adds to a listed filter or action (counters, refs, times, chosen indexes). */
function stable(o: unknown): unknown {
  if (Array.isArray(o)) return o.map(stable);
  if (o && typeof o === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) if (!['stats', 'tm', 'ref', 'bind', 'index', 'inHwCount', 'flags', 'inHw', 'notInHw', 'notInHwCount', 'offloaded'].includes(k)) out[k] = stable(v);
    return out;
  }
  return o;
}

const mirred = (dev: string) => ({ kind: 'mirred', mirredAction: 'redirect', dev });

const cases: [string, string, keyof typeof ETH, Record<string, unknown>][] = [
  ['matchall with gact drop', 'matchall', 'all', { actions: [{ kind: 'gact', control: 'drop' }] }],
  ['matchall with classid and mirred', 'matchall', 'all', { classid: '1:1', actions: [mirred('v1')] }],
  ['flower ip/tcp ports', 'flower', 'ip', { ipProto: 'tcp', srcIp: '10.0.0.0/24', dstIp: '10.0.1.1', dstPort: 80, actions: [{ kind: 'gact', control: 'pass' }] }],
  ['flower udp port range', 'flower', 'ip', { ipProto: 'udp', dstPort: '1000-2000', actions: [{ kind: 'gact', control: 'drop' }] }],
  ['flower macs', 'flower', 'all', { dstMac: '02:00:00:00:00:01', srcMac: '02:00:00:00:00:00/24', actions: [{ kind: 'gact', control: 'pass' }] }],
  ['flower vlan', 'flower', '802.1q', { vlanId: 100, vlanPrio: 3, vlanEthtype: 'ip', actions: [{ kind: 'gact', control: 'pass' }] }],
  ['flower ipv6', 'flower', 'ipv6', { srcIp: 'fd00::/64', ipProto: 'udp', actions: [{ kind: 'gact', control: 'drop' }] }],
  ['u32 with skbedit mark and priority', 'u32', 'ip', { match: [{ ip: { dst: '10.0.0.0/8' } }], actions: [{ kind: 'skbedit', mark: 7, priority: '1:10' }] }],
  ['u32 with police', 'u32', 'all', { match: [{ u32: 0, mask: 0, at: 0 }], actions: [{ kind: 'police', rate: '1mbit', burst: '10kb', conformExceed: 'drop/pipe' }] }],
  ['u32 with vlan push', 'u32', 'all', { match: [{ u32: 0, mask: 0, at: 0 }], actions: [{ kind: 'vlan', vlanAction: 'push', id: 42 }] }],
  ['u32 with vlan pop', 'u32', 'all', { match: [{ u32: 0, mask: 0, at: 0 }], actions: [{ kind: 'vlan', vlanAction: 'pop' }] }],
  ['u32 with pedit ip src set', 'u32', 'ip', { match: [{ u32: 0, mask: 0, at: 0 }], actions: [{ kind: 'pedit', munge: [{ ip: 'src', set: '192.0.2.1' }] }] }],
  ['u32 with gact random', 'u32', 'all', { match: [{ u32: 0, mask: 0, at: 0 }], actions: [{ kind: 'gact', control: 'pass', random: { type: 'netrand', control: 'drop', value: 10 } }] }],
];

async function setup(ns: TestNetns): Promise<Map<string, number>> {
  await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
  await ns.nl.tc.qdisc.add({ dev: 'v0', kind: 'clsact' });
  return new Map((await ns.nl.link.list()).map((l) => [l.name, l.index]));
}

/** The kernel's words when it lacks a classifier or action module (ENOENT/EOPNOTSUPP, extack says so). */
function lacks(e: unknown): string | undefined {
  if (e instanceof NetlinkError && (e.code === 'ENOENT' || e.code === 'EOPNOTSUPP') && /not found|unknown|failed to load/i.test(e.extack ?? e.message)) return e.extack ?? e.message;
  return undefined;
}

describe('tc filters and actions live (full kernel)', () => {
  for (const [name, kind, protocol, options] of cases)
    it(name, async (t) => {
      await withNs(async (ns) => {
        const links = await setup(ns);
        let added;
        try {
          added = await ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', protocol, pref: 10, kind, options });
        } catch (e) {
          const why = lacks(e);
          if (why) return t.skip(`this kernel lacks it: ${why}`);
          throw e;
        }
        const listed = (await ns.nl.tc.filter.list({ dev: 'v0', parent: 'ingress' })).filter((f) => f.pref === 10 && f.kind === kind);
        const mine = listed.find((f) => f.handle === added.handle) ?? listed[listed.length - 1];
        expect(mine, 'the filter is listed').toBeDefined();
        const expected = ownRound(kind, options, protocol, (r) => (typeof r === 'number' ? r : links.get(r as string)!));
        // list names the mirred target; the own round trip has its index
        const got = stable(mine!.options) as Record<string, unknown>;
        const want = stable(expected) as Record<string, unknown>;
        for (const a of (want.actions as Record<string, unknown>[] | undefined) ?? []) if (typeof a.dev === 'number') a.dev = [...links].find(([, i]) => i === a.dev)![0];
        // every option sent reads back equal; the kernel may add its defaults (police mtu, vlan
        // protocol/priority) and u32 reports the table its node sits in (ht 800:)
        if (kind === 'u32' && got.ht === '800:' && want.ht === undefined) delete got.ht;
        // with a VLAN protocol, flower's eth_type key is the VLAN's inner type in the kernel's dump
        if (kind === 'flower' && ETH[protocol] === ETH['802.1q']) {
          expect(got.ethType).toBe(want.vlanEthtype);
          delete got.ethType;
          delete want.ethType;
        }
        expect(got).toMatchObject(want);
      });
    });
});
