/**
 * What a caller does not say ends as `ip` leaves it: for each link kind, the
 * request of `link.add` equals the one iproute2 sends for the same words
 * (captured with strace; seq/pid masked, sibling attributes in one order),
 * defaults included (iproute2 sends some explicitly, and the kernel's own
 * differ: ip6tnl hop limit 64 / encap limit 4, ipip `mode any`, vxlan
 * `learning`, …). Where the kernel has the kind, the two links it made are
 * then compared as `ip -d -j link show` prints them (names, indexes and
 * link-layer addresses aside). Kinds this kernel lacks are compared by bytes
 * here (iproute2 sends before the kernel refuses) and by state in
 * ../shared/kernel-vm (`scripts/test-vm.sh test/link-defaults.test.ts`).
 */
import { describe, expect, it } from 'vitest';
import { NetlinkError, type LinkAddOptions } from '../lib/index.js';
import { captureLib, captureTool, haveStrace, hex } from './golden.js';
import { haveIp, ipJson, withNs, type TestNetns, why } from './helpers.js';
import { sorted } from './sorted.js';

interface DefaultsCase {
  /** The words after `ip link add`. */
  ip: string[];
  /** The library's call for the same words. */
  lib: LinkAddOptions;
}

const A = (ip: string, lib: LinkAddOptions): DefaultsCase => ({ ip: ip.split(' '), lib });

/** Per kind, the smallest words that make `ip` send its defaults, and a few options beside them. */
const cases: DefaultsCase[] = [
  // vxlan: learning (off with external), dstport 4790 with gpe
  A('t0 type vxlan id 5', { name: 't0', kind: 'vxlan', info: { id: 5 } }),
  A('t0 type vxlan id 5 dstport 4789 remote 10.0.0.1', { name: 't0', kind: 'vxlan', info: { id: 5, dstport: 4789, remote: '10.0.0.1' } }),
  A('t0 type vxlan id 5 group 239.1.1.1 dev v0 dstport 0', { name: 't0', kind: 'vxlan', info: { id: 5, group: '239.1.1.1', dev: 'v0', dstport: 0 } }),
  A('t0 type vxlan id 5 local fd00::1 nolearning dstport 4789', { name: 't0', kind: 'vxlan', info: { id: 5, local: 'fd00::1', learning: false, dstport: 4789 } }),
  A('t0 type vxlan external', { name: 't0', kind: 'vxlan', info: { external: true } }),
  A('t0 type vxlan external gpe', { name: 't0', kind: 'vxlan', info: { external: true, gpe: true } }),
  A('t0 type vxlan external vnifilter dstport 4789', { name: 't0', kind: 'vxlan', info: { external: true, vnifilter: true, dstport: 4789 } }),
  // geneve: id (0 with external), label, ttl, tos
  A('t0 type geneve id 5 remote 10.0.0.1', { name: 't0', kind: 'geneve', info: { id: 5, remote: '10.0.0.1' } }),
  A('t0 type geneve id 5 remote fd00::1 dstport 6082', { name: 't0', kind: 'geneve', info: { id: 5, remote: 'fd00::1', dstport: 6082 } }),
  A('t0 type geneve external', { name: 't0', kind: 'geneve', info: { external: true } }),
  // gre family: keys, flags, pmtudisc, tos, ttl, fwmark, encap (IPv6: hop limit 64, encap limit 4, encap-udp6-csum, erspan_ver 1)
  A('t0 type gre remote 10.0.0.1 local 10.0.0.2', { name: 't0', kind: 'gre', info: { remote: '10.0.0.1', local: '10.0.0.2' } }),
  A('t0 type gre remote 239.0.0.1 local 10.0.0.2', { name: 't0', kind: 'gre', info: { remote: '239.0.0.1', local: '10.0.0.2' } }),
  A('t0 type gre remote 10.0.0.1 key 7 csum ttl 9 dev v0', { name: 't0', kind: 'gre', info: { remote: '10.0.0.1', key: 7, csum: true, ttl: 9, dev: 'v0' } }),
  A('t0 type gre external', { name: 't0', kind: 'gre', info: { external: true } }),
  A('t0 type gretap remote 10.0.0.1', { name: 't0', kind: 'gretap', info: { remote: '10.0.0.1' } }),
  A('t0 type gretap remote 10.0.0.1 ikey 3 oseq nopmtudisc', { name: 't0', kind: 'gretap', info: { remote: '10.0.0.1', ikey: 3, oseq: true, pmtudisc: false } }),
  A('t0 type erspan remote 10.0.0.1 seq key 1', { name: 't0', kind: 'erspan', info: { remote: '10.0.0.1', seq: true, key: 1 } }),
  A('t0 type erspan remote 10.0.0.1 seq key 1 erspan_ver 1 erspan 3', { name: 't0', kind: 'erspan', info: { remote: '10.0.0.1', seq: true, key: 1, erspanVer: 1, erspanIndex: 3 } }),
  A('t0 type erspan remote 10.0.0.1 seq key 1 erspan_ver 2', { name: 't0', kind: 'erspan', info: { remote: '10.0.0.1', seq: true, key: 1, erspanVer: 2 } }),
  A('t0 type erspan remote 10.0.0.1 seq key 1 erspan_ver 2 erspan_dir egress erspan_hwid 7', { name: 't0', kind: 'erspan', info: { remote: '10.0.0.1', seq: true, key: 1, erspanVer: 2, erspanDir: 'egress', erspanHwid: 7 } }),
  A('t0 type erspan external', { name: 't0', kind: 'erspan', info: { external: true } }),
  A('t0 type ip6gre remote fd00::1', { name: 't0', kind: 'ip6gre', info: { remote: 'fd00::1' } }),
  A('t0 type ip6gre remote fd00::1 local fd00::2 key 9 hoplimit 5', { name: 't0', kind: 'ip6gre', info: { remote: 'fd00::1', local: 'fd00::2', key: 9, ttl: 5 } }),
  A('t0 type ip6gretap remote fd00::1', { name: 't0', kind: 'ip6gretap', info: { remote: 'fd00::1' } }),
  A('t0 type ip6erspan remote fd00::1 seq key 1', { name: 't0', kind: 'ip6erspan', info: { remote: 'fd00::1', seq: true, key: 1 } }),
  A('t0 type ip6erspan remote fd00::1 seq key 1 erspan_ver 2 erspan_dir egress erspan_hwid 7', { name: 't0', kind: 'ip6erspan', info: { remote: 'fd00::1', seq: true, key: 1, erspanVer: 2, erspanDir: 'egress', erspanHwid: 7 } }),
  A('t0 type ip6erspan external', { name: 't0', kind: 'ip6erspan', info: { external: true } }),
  // ipip/sit/ip6tnl: mode any, pmtudisc, tos, ttl, link, fwmark, encap (ip6tnl: hop limit 64, encap limit 4, encap-udp6-csum)
  A('t0 type ipip remote 10.0.0.1', { name: 't0', kind: 'ipip', info: { remote: '10.0.0.1' } }),
  A('t0 type ipip remote 10.0.0.1 local 10.0.0.2 mode ipip ttl 3', { name: 't0', kind: 'ipip', info: { remote: '10.0.0.1', local: '10.0.0.2', mode: 'ipip', ttl: 3 } }),
  A('t0 type ipip external', { name: 't0', kind: 'ipip', info: { external: true } }),
  A('t0 type sit remote 10.0.0.1', { name: 't0', kind: 'sit', info: { remote: '10.0.0.1' } }),
  A('t0 type sit remote 10.0.0.1 mode ip6ip isatap', { name: 't0', kind: 'sit', info: { remote: '10.0.0.1', mode: 'ip6ip', isatap: true } }),
  A('t0 type ip6tnl remote fd00::1', { name: 't0', kind: 'ip6tnl', info: { remote: 'fd00::1' } }),
  A('t0 type ip6tnl remote fd00::1 local fd00::2 mode ip6ip6 hoplimit 3', { name: 't0', kind: 'ip6tnl', info: { remote: 'fd00::1', local: 'fd00::2', mode: 'ip6ip6', ttl: 3 } }),
  A('t0 type ip6tnl external', { name: 't0', kind: 'ip6tnl', info: { external: true } }),
  // ipvlan/ipvtap: the flags (bridge) whenever an option is given
  A('t0 link v0 type ipvlan mode l2', { name: 't0', link: 'v0', kind: 'ipvlan', info: { mode: 'l2' } }),
  A('t0 link v0 type ipvlan private', { name: 't0', link: 'v0', kind: 'ipvlan', info: { flags: 'private' } }),
  A('t0 link v0 type ipvtap mode l3s', { name: 't0', link: 'v0', kind: 'ipvtap', info: { mode: 'l3s' } }),
  // kinds for which iproute2 sends only what it is told (no defaults): the same bytes all the same
  A('t0 link v0 type ipvlan', { name: 't0', link: 'v0', kind: 'ipvlan' }),
  A('t0 type gre', { name: 't0', kind: 'gre', info: {} }),
  A('t0 type ip6tnl', { name: 't0', kind: 'ip6tnl' }),
  A('t0 type bridge stp_state 0', { name: 't0', kind: 'bridge', info: { stpState: 0 } }),
  A('t0 type bridge', { name: 't0', kind: 'bridge' }),
  A('t0 link v0 type macvlan mode bridge', { name: 't0', link: 'v0', kind: 'macvlan', info: { mode: 'bridge' } }),
  A('t0 link v0 type macvlan', { name: 't0', link: 'v0', kind: 'macvlan' }),
  A('t0 link v0 type macvtap mode vepa', { name: 't0', link: 'v0', kind: 'macvtap', info: { mode: 'vepa' } }),
  A('t0 link v0 type vlan id 5', { name: 't0', link: 'v0', kind: 'vlan', info: { id: 5 } }),
  A('t0 link v0 type vlan id 5 protocol 802.1ad', { name: 't0', link: 'v0', kind: 'vlan', info: { id: 5, protocol: '802.1ad' } }),
  A('t0 type bond mode active-backup', { name: 't0', kind: 'bond', info: { mode: 'active-backup' } }),
  A('t0 type bond', { name: 't0', kind: 'bond' }),
  A('t0 link v0 type macsec port 5', { name: 't0', link: 'v0', kind: 'macsec', info: { port: 5 } }),
  A('t0 link v0 type macsec', { name: 't0', link: 'v0', kind: 'macsec' }),
  A('t0 type vrf table 10', { name: 't0', kind: 'vrf', info: { table: 10 } }),
  A('t0 type veth peer name t1', { name: 't0', kind: 'veth', info: { peer: { name: 't1' } } }),
  A('t0 type vxcan peer name t1', { name: 't0', kind: 'vxcan', info: { peer: { name: 't1' } } }),
  A('t0 type team', { name: 't0', kind: 'team' }),
  A('t0 type dummy', { name: 't0', kind: 'dummy' }),
  A('t0 type ifb', { name: 't0', kind: 'ifb' }),
  A('t0 type vcan', { name: 't0', kind: 'vcan' }),
  A('t0 type nlmon', { name: 't0', kind: 'nlmon' }),
  A('t0 type wireguard', { name: 't0', kind: 'wireguard' }),
  A('t0 link v0 type ipoib', { name: 't0', link: 'v0', kind: 'ipoib' }),
];

/** A fresh namespace as both sides start: veth v0/v1, same indexes and MACs on both sides (a macsec SCI comes from its lower MAC). */
async function base(ns: TestNetns): Promise<void> {
  await ns.nl.link.add({ name: 'v0', kind: 'veth', address: '02:00:00:00:00:10', info: { peer: { name: 'v1', address: '02:00:00:00:00:11' } } });
}

/** Runs `ip -d -j link show dev t0`, or undefined when there is no t0 (the kernel lacks the kind). */
function shown(ns: TestNetns): Record<string, unknown> | undefined {
  try {
    const [l] = ipJson(ns, '-d', 'link', 'show', 'dev', 't0');
    return l;
  } catch {
    return undefined;
  }
}

/** `ip -d -j` of a link without what differs between two links made alike: names, indexes, link-layer addresses. */
function comparable(l: Record<string, unknown>): Record<string, unknown> {
  const { ifindex: _i, ifname: _n, address: _a, broadcast: _b, permaddr: _p, ...rest } = l;
  return rest;
}

const unknownKind = (e: unknown) => e instanceof NetlinkError && e.code === 'EOPNOTSUPP';

describe.skipIf(!haveStrace() || !haveIp())('link.add sends what `ip link add` sends, defaults included' + why(!haveStrace() || !haveIp(), "strace or iproute2's ip/nsenter missing"), () => {
  for (const c of cases)
    it(`ip link add ${c.ip.join(' ')}`, async (ctx) => {
      const theirs = await withNs(async (ns) => {
        await base(ns);
        const r = captureTool(ns, 'ip', ['link', 'add', ...c.ip]);
        return { messages: r.messages, status: r.status, stderr: r.stderr, link: r.status === 0 ? shown(ns) : undefined };
      });
      const ours = await withNs(async (ns) => {
        await base(ns);
        const r = await captureLib(ns, () => ns.nl.link.add(c.lib));
        return { ...r, link: r.error === undefined ? shown(ns) : undefined };
      });
      expect(theirs.messages.length, `ip sent no request (${theirs.stderr.trim()})`).toBe(1);
      // (a) the same request
      expect(ours.messages.map((m) => hex(sorted(m))), `ip link add ${c.ip.join(' ')}`).toEqual(theirs.messages.map((m) => hex(sorted(m))));
      // the kernel's answer is the same too
      expect(ours.error === undefined, `ip: ${theirs.status === 0 ? 'ok' : theirs.stderr.trim()}; library: ${String(ours.error ?? 'ok')}`).toBe(theirs.status === 0);
      if (ours.error !== undefined && !unknownKind(ours.error)) expect(theirs.stderr).toMatch(/Error|RTNETLINK/);
      // (b) the same link
      if (theirs.status !== 0) ctx.skip(`the kernel refused the kind's link (${theirs.stderr.trim().split('\n').pop()}): bytes compared only`);
      expect(ours.link, 'library-made t0').toBeDefined();
      expect(comparable(ours.link!)).toEqual(comparable(theirs.link!));
    });
});
