/**
 * Every link kind: created, listed, changed, deleted, with its options read
 * back equal to what was set. Kinds this kernel lacks skip with the kernel's
 * own answer (EOPNOTSUPP "Unknown device type"); the same file runs on a full
 * distribution kernel in ../shared/kernel-vm. Ends with a cross-check of
 * `link.list()` against `ip -j -d link show`.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NetlinkError, type Link, type LinkAddOptions, type LinkSetOptions } from '../lib/index.js';
import { kinds } from '../lib/wire/kinds.js';
import { Writer } from '../lib/codec.js';
import { withNs, haveIp, ip, ipJson, makeNetns, toolEnv, type TestNetns } from './helpers.js';

type Ctx = { skip: (note?: string) => never };

/** True when the kernel refused because it has no such kind. */
function unknownKind(e: unknown): e is NetlinkError {
  return e instanceof NetlinkError && e.code === 'EOPNOTSUPP' && /Unknown device type/i.test(e.extack ?? '');
}

/** Adds a link; skips the test when the kernel lacks the kind. */
async function addOrSkip(ctx: Ctx, ns: TestNetns, o: LinkAddOptions): Promise<Link> {
  try {
    await ns.nl.link.add(o);
  } catch (e) {
    if (unknownKind(e)) ctx.skip(`kernel lacks ${o.kind} (RTM_NEWLINK: EOPNOTSUPP "${e.extack}")`);
    throw e;
  }
  return ns.nl.link.get(o.name);
}

/** A veth pair to sit on (lower0 up, lower1 its peer). */
async function lowers(ns: TestNetns): Promise<{ lower0: number; lower1: number }> {
  await ns.nl.link.add({ name: 'lower0', kind: 'veth', address: '02:00:00:00:10:00', info: { peer: { name: 'lower1' } } });
  await ns.nl.link.set('lower0', { up: true });
  return { lower0: (await ns.nl.link.get('lower0')).index, lower1: (await ns.nl.link.get('lower1')).index };
}

interface KindCase {
  /** Test title. */
  title: string;
  /** Builds the add options (given the lower veth indexes when `lower`). */
  add: (l: { lower0: number; lower1: number }) => LinkAddOptions;
  /** Needs the lower veth pair. */
  lower?: boolean;
  /** What `info` must contain after add. */
  expect: (l: { lower0: number; lower1: number }) => Record<string, unknown>;
  /** A kind-option change and what `info` must contain after it. */
  change?: { info: Record<string, unknown>; expect: Record<string, unknown> };
  /** Other checks after add. */
  extra?: (ns: TestNetns, link: Link, l: { lower0: number; lower1: number }) => Promise<void>;
}

/** Kind options without the running timers (they tick between two reads). */
function stable(info: unknown): unknown {
  if (!info || typeof info !== 'object') return info;
  return Object.fromEntries(Object.entries(info).filter(([k]) => !/Timer$/.test(k)));
}

const mac = (n: number) => `02:00:00:00:00:${n.toString(16).padStart(2, '0')}`;

const cases: KindCase[] = [
  {
    title: 'veth (peer name, mtu, address, txqueuelen)',
    add: () => ({ name: 'va', kind: 'veth', mtu: 1400, info: { peer: { name: 'vb', mtu: 1300, address: mac(2), txqlen: 500 } } }),
    expect: () => ({}),
    extra: async (ns, va) => {
      const vb = await ns.nl.link.get('vb');
      expect(vb).toMatchObject({ kind: 'veth', mtu: 1300, address: mac(2), txqlen: 500, link: va.index });
      expect(va).toMatchObject({ mtu: 1400, link: vb.index });
    },
  },
  {
    title: 'vxcan (peer like veth)',
    add: () => ({ name: 'vc0', kind: 'vxcan', info: { peer: { name: 'vc1', txqlen: 77 } } }),
    expect: () => ({}),
    extra: async (ns, vc0) => {
      const vc1 = await ns.nl.link.get('vc1');
      expect(vc1).toMatchObject({ kind: 'vxcan', txqlen: 77, link: vc0.index, linkType: 'can' });
    },
  },
  {
    title: 'bridge (stp_state, forward_delay, ageing_time, hello_time, max_age, priority, mcast options)',
    add: () => ({
      name: 'br0',
      kind: 'bridge',
      info: { stpState: 0, forwardDelay: 400, ageingTime: 20000, helloTime: 300, maxAge: 1000, priority: 4096, mcastSnooping: false, mcastQuerier: true, groupFwdMask: 8, mcastHashMax: 1024, mcastIgmpVersion: 3, nfCallIptables: false },
    }),
    expect: () => ({ stpState: 0, forwardDelay: 400, ageingTime: 20000, helloTime: 300, maxAge: 1000, priority: 4096, mcastSnooping: false, mcastQuerier: true, groupFwdMask: 8, mcastHashMax: 1024, mcastIgmpVersion: 3, groupAddr: '01:80:c2:00:00:00' }),
    change: {
      info: { stpState: 1, forwardDelay: 500, ageingTime: 10000, priority: 8192, noLinklocalLearn: true, mcastLastMemberIntvl: 200 },
      expect: { stpState: 1, forwardDelay: 500, ageingTime: 10000, priority: 8192, noLinklocalLearn: true, mcastLastMemberIntvl: 200 },
    },
    extra: async (ns, br) => {
      expect(br.kind === 'bridge' && br.info.bridgeId).toMatch(/^1000\.([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    },
  },
  ...(['private', 'vepa', 'bridge', 'source'] as const).map<KindCase>((mode) => ({
    title: `macvlan mode ${mode}`,
    lower: true,
    add: () => ({ name: 'mv0', kind: 'macvlan', link: 'lower0', address: mac(5), info: { mode, bcqueuelen: 500 } }),
    expect: () => ({ mode, bcqueuelen: 500 }),
    change: { info: { mode: mode === 'bridge' ? 'vepa' : 'bridge' }, expect: { mode: mode === 'bridge' ? 'vepa' : 'bridge' } },
    extra: async (_ns, mv, l) => expect(mv).toMatchObject({ link: l.lower0, address: mac(5) }),
  })),
  {
    title: 'macvlan mode passthru (flag nopromisc)',
    lower: true,
    add: () => ({ name: 'mv0', kind: 'macvlan', link: 'lower1', info: { mode: 'passthru', flags: ['nopromisc'] } }),
    expect: () => ({ mode: 'passthru', flags: ['nopromisc'] }),
  },
  {
    title: 'macvlan mode source with its MAC list (macaddr set / add)',
    lower: true,
    add: () => ({ name: 'mv0', kind: 'macvlan', link: 'lower0', info: { mode: 'source', macaddrData: [mac(0x31), mac(0x32)] } }),
    expect: () => ({ mode: 'source', macaddrCount: 2 }),
    change: { info: { macaddrMode: 'add', macaddr: mac(0x33) }, expect: { macaddrCount: 3 } },
    extra: async (_ns, mv) => {
      expect(mv.kind === 'macvlan' && [...(mv.info.macaddrData ?? [])].sort()).toEqual([mac(0x31), mac(0x32)]);
    },
  },
  ...(['private', 'vepa', 'bridge', 'passthru', 'source'] as const).map<KindCase>((mode) => ({
    title: `macvtap mode ${mode}`,
    lower: true,
    add: () => ({ name: 'mvt0', kind: 'macvtap', link: 'lower0', info: { mode } }),
    expect: () => ({ mode }),
    ...(mode === 'passthru' ? {} : { change: { info: { mode: mode === 'bridge' ? 'private' : 'bridge' }, expect: { mode: mode === 'bridge' ? 'private' : 'bridge' } } }),
  })),
  {
    title: 'vxlan (id, remote, local, dstport, dev, ttl, learning, ageing, srcport, maxaddress)',
    lower: true,
    add: () => ({
      name: 'vx0',
      kind: 'vxlan',
      info: { id: 42, remote: '10.0.0.2', local: '10.0.0.1', dstport: 4789, dev: 'lower0', ttl: 5, tos: 8, learning: false, ageing: 120, portRange: { low: 1000, high: 2000 }, limit: 100, udpCsum: false, l2miss: true, proxy: true },
    }),
    expect: (l) => ({ id: 42, remote: '10.0.0.2', local: '10.0.0.1', dstport: 4789, dev: l.lower0, ttl: 5, tos: 8, learning: false, ageing: 120, portRange: { low: 1000, high: 2000 }, limit: 100, udpCsum: false, l2miss: true, proxy: true }),
    change: { info: { ttl: 10, learning: true, ageing: 200 }, expect: { id: 42, ttl: 10, learning: true, ageing: 200, remote: '10.0.0.2' } },
  },
  {
    title: 'vxlan multicast group on a dev',
    lower: true,
    add: () => ({ name: 'vx1', kind: 'vxlan', info: { id: 43, group: '239.1.1.1', dev: 'lower0', dstport: 4789 } }),
    expect: (l) => ({ id: 43, group: '239.1.1.1', dev: l.lower0 }),
  },
  {
    title: 'vxlan over IPv6 (remote, local, flowlabel)',
    add: () => ({ name: 'vx6', kind: 'vxlan', info: { id: 44, remote: '2001:db8::2', local: '2001:db8::1', dstport: 4789, label: 1234, udpZeroCsum6Tx: true } }),
    expect: () => ({ id: 44, remote: '2001:db8::2', local: '2001:db8::1', label: 1234, udpZeroCsum6Tx: true }),
  },
  {
    title: 'vxlan external',
    add: () => ({ name: 'vxe', kind: 'vxlan', info: { id: 0, external: true, dstport: 4790 } }),
    expect: () => ({ external: true, dstport: 4790 }),
  },
  {
    title: 'vxlan external without a VNI (learning off by default, as ip gives)',
    add: () => ({ name: 'vxm', kind: 'vxlan', info: { external: true } }),
    expect: () => ({ external: true, learning: false }),
  },
  {
    title: 'vxlan external gpe (dstport 4790 by default, as ip gives)',
    add: () => ({ name: 'vxg', kind: 'vxlan', info: { external: true, gpe: true } }),
    expect: () => ({ external: true, gpe: true, dstport: 4790, learning: false }),
  },
  {
    title: 'vxlan id only: learning on (ip sends it)',
    add: () => ({ name: 'vxl', kind: 'vxlan', info: { id: 9, dstport: 4789 } }),
    expect: () => ({ id: 9, learning: true }),
  },
  {
    title: 'ifb',
    add: () => ({ name: 'ifb0', kind: 'ifb', txqlen: 64 }),
    expect: () => ({}),
    extra: async (_ns, l) => expect(l.txqlen).toBe(64),
  },
  {
    title: 'dummy',
    add: () => ({ name: 'dummy0', kind: 'dummy', address: mac(9) }),
    expect: () => ({}),
    extra: async (_ns, l) => expect(l.address).toBe(mac(9)),
  },
  ...(['802.1Q', '802.1ad'] as const).map<KindCase>((protocol) => ({
    title: `vlan protocol ${protocol} (id, flags, qos maps)`,
    lower: true,
    add: () => ({
      name: 'lower0.5',
      kind: 'vlan',
      link: 'lower0',
      info: { id: 5, protocol, reorderHdr: false, looseBinding: true, egressQos: [{ from: 1, to: 2 }], ingressQos: [{ from: 3, to: 4 }] },
    }),
    expect: () => ({ id: 5, protocol, reorderHdr: false, looseBinding: true, gvrp: false, mvrp: false, egressQos: [{ from: 1, to: 2 }], ingressQos: [{ from: 3, to: 4 }] }),
    change: { info: { reorderHdr: true, egressQos: [{ from: 2, to: 5 }] }, expect: { reorderHdr: true, looseBinding: true, egressQos: [{ from: 1, to: 2 }, { from: 2, to: 5 }] } },
    extra: async (_ns, v, l) => expect(v.link).toBe(l.lower0),
  })),
  ...(['ipvlan', 'ipvtap'] as const).flatMap((kind) =>
    (['l2', 'l3', 'l3s'] as const).map<KindCase>((mode) => ({
      title: `${kind} mode ${mode}`,
      lower: true,
      add: () => ({ name: 'ipv0', kind, link: 'lower0', info: { mode, flags: mode === 'l2' ? 'private' : 'bridge' } }),
      expect: () => ({ mode, flags: mode === 'l2' ? 'private' : 'bridge' }),
      change: { info: { mode: mode === 'l2' ? 'l3' : 'l2' }, expect: { mode: mode === 'l2' ? 'l3' : 'l2' } },
    })),
  ),
  {
    title: 'bond 802.3ad (miimon, lacp_rate, xmit_hash_policy, ad_select, min_links) with a bond_slave port',
    lower: true,
    add: () => ({
      name: 'bond0',
      kind: 'bond',
      info: { mode: '802.3ad', miimon: 100, adLacpRate: 'fast', xmitHashPolicy: 'layer3+4', adSelect: 'bandwidth', minLinks: 1, adActorSysPrio: 100, adActorSystem: mac(0x44) },
    }),
    expect: () => ({ mode: '802.3ad', miimon: 100, adLacpRate: 'fast', xmitHashPolicy: 'layer3+4', adSelect: 'bandwidth', minLinks: 1, adActorSysPrio: 100, adActorSystem: mac(0x44) }),
    change: { info: { miimon: 200, updelay: 400, downdelay: 600, xmitHashPolicy: 'layer2+3' }, expect: { mode: '802.3ad', miimon: 200, updelay: 400, downdelay: 600, xmitHashPolicy: 'layer2+3' } },
    extra: async (ns) => {
      await ns.nl.link.set('lower1', { master: 'bond0' });
      await ns.nl.link.set('lower1', { slaveKind: 'bond', slaveInfo: { queueId: 3 } });
      const port = await ns.nl.link.get('lower1');
      expect(port.slaveKind).toBe('bond');
      expect(port.slaveKind === 'bond' && port.slaveInfo).toMatchObject({ queueId: 3, state: expect.any(String), miiStatus: expect.any(String) });
      // Without slaveKind the master's kind is looked up.
      await ns.nl.link.set('lower1', { slaveInfo: { queueId: 4 } });
      expect((await ns.nl.link.get('lower1')).slaveInfo).toMatchObject({ queueId: 4 });
    },
  },
  {
    title: 'bond active-backup with arp_ip_target and primary',
    lower: true,
    add: () => ({ name: 'bond1', kind: 'bond', info: { mode: 'active-backup', arpInterval: 100, arpIpTarget: ['10.0.0.1', '10.0.0.2'], arpValidate: 'all', failOverMac: 'active', primaryReselect: 'better' } }),
    expect: () => ({ mode: 'active-backup', arpInterval: 100, arpIpTarget: ['10.0.0.1', '10.0.0.2'], arpValidate: 'all', failOverMac: 'active', primaryReselect: 'better' }),
    extra: async (ns, _b, l) => {
      await ns.nl.link.set('lower1', { master: 'bond1' });
      await ns.nl.link.set('bond1', { kind: 'bond', info: { primary: 'lower1' } });
      expect((await ns.nl.link.get('bond1')).info).toMatchObject({ primary: l.lower1 });
    },
  },
  {
    title: 'team (created over rtnetlink) with a port enslaved through master',
    lower: true,
    add: () => ({ name: 'team0', kind: 'team' }),
    expect: () => ({}),
    extra: async (ns, team, l) => {
      // A team port must be down when it joins (lower1 is).
      await ns.nl.link.set('lower1', { master: 'team0' });
      const port = await ns.nl.link.get('lower1');
      expect(port.master).toBe(team.index);
      expect(port.slaveKind).toBe('team');
      expect((await ns.nl.link.list({ master: 'team0' })).map((x) => x.index)).toEqual([l.lower1]);
      await ns.nl.link.set('lower1', { master: null });
      expect((await ns.nl.link.get('lower1')).master).toBeUndefined();
    },
  },
  {
    title: 'macsec (port, cipher, icvlen, encrypt, replay window, validate, send_sci, encodingsa)',
    lower: true,
    add: () => ({
      name: 'ms0',
      kind: 'macsec',
      link: 'lower0',
      info: { port: 11, cipher: 'gcm-aes-256', icvLen: 16, encrypt: true, replay: true, window: 32, validate: 'check', sendSci: true, encodingSa: 2 },
    }),
    expect: () => ({ sci: '020000001000000b', cipher: 'gcm-aes-256', icvLen: 16, encrypt: true, replay: true, window: 32, validate: 'check', sendSci: true, encodingSa: 2 }),
    change: { info: { encrypt: false, validate: 'strict', window: 64 }, expect: { encrypt: false, validate: 'strict', window: 64, cipher: 'gcm-aes-256' } },
  },
  {
    title: 'macsec default cipher reads back as gcm-aes-128',
    lower: true,
    add: () => ({ name: 'ms1', kind: 'macsec', link: 'lower0', info: { sci: '0200000010000042', cipher: 'gcm-aes-128' } }),
    expect: () => ({ sci: '0200000010000042', cipher: 'gcm-aes-128' }),
  },
  {
    title: 'vcan (mtu 72 = CAN FD)',
    add: () => ({ name: 'vcan0', kind: 'vcan' }),
    expect: () => ({}),
    extra: async (ns) => {
      await ns.nl.link.set('vcan0', { mtu: 72 });
      expect((await ns.nl.link.get('vcan0')).mtu).toBe(72);
    },
  },
  {
    title: 'nlmon',
    add: () => ({ name: 'nlmon0', kind: 'nlmon' }),
    expect: () => ({}),
    extra: async (_ns, l) => expect(l.linkType).toBe('netlink'),
  },
  {
    title: 'vrf (table) with a port',
    lower: true,
    add: () => ({ name: 'vrf0', kind: 'vrf', info: { table: 10 } }),
    expect: () => ({ table: 10 }),
    extra: async (ns, vrf) => {
      await ns.nl.link.set('lower1', { master: 'vrf0' });
      const port = await ns.nl.link.get('lower1');
      expect(port).toMatchObject({ master: vrf.index, slaveKind: 'vrf', slaveInfo: { table: 10 } });
    },
  },
  {
    title: 'geneve (id, remote, ttl, tos, dstport, df)',
    add: () => ({ name: 'gnv0', kind: 'geneve', info: { id: 5, remote: '10.0.0.9', ttl: 3, tos: 4, dstport: 6090, df: 'set' } }),
    expect: () => ({ id: 5, remote: '10.0.0.9', ttl: 3, tos: 4, dstport: 6090, df: 'set' }),
    change: { info: { ttl: 9 }, expect: { id: 5, ttl: 9, remote: '10.0.0.9' } },
  },
  {
    title: 'geneve over IPv6 (remote6, flowlabel)',
    add: () => ({ name: 'gnv6', kind: 'geneve', info: { id: 6, remote: '2001:db8::9', label: 1234, udpZeroCsum6Rx: true } }),
    expect: () => ({ id: 6, remote: '2001:db8::9', label: 1234, udpZeroCsum6Rx: true }),
  },
  ...(['gre', 'gretap'] as const).map<KindCase>((kind) => ({
    title: `${kind} (local, remote, ttl, ikey/okey, csum, seq; changes merge)`,
    add: () => ({ name: `${kind}1`, kind, info: { local: '10.0.0.1', remote: '10.0.0.2', ttl: 64, tos: 16, ikey: 5, okey: 6, icsum: true, oseq: true } }),
    expect: () => ({ local: '10.0.0.1', remote: '10.0.0.2', ttl: 64, tos: 16, ikey: 5, okey: 6, icsum: true, ocsum: false, iseq: false, oseq: true, pmtudisc: true }),
    // `extra` runs first: `key 9` replaces both keys, the rest is merged from the current options.
    extra: async (ns) => {
      await ns.nl.link.set(`${kind}1`, { kind: kind as 'gre', info: { key: 9 } });
      expect((await ns.nl.link.get(`${kind}1`)).info).toMatchObject({ ikey: 9, okey: 9, ttl: 64, local: '10.0.0.1', icsum: true, oseq: true });
    },
    change: { info: { ttl: 32, ikey: null }, expect: { local: '10.0.0.1', remote: '10.0.0.2', ttl: 32, okey: 9, icsum: true, oseq: true } },
  })),
  ...(['ip6gre', 'ip6gretap'] as const).map<KindCase>((kind) => ({
    title: `${kind} (local, remote, hoplimit, encaplimit, key)`,
    add: () => ({ name: `${kind}1`, kind, info: { local: '2001:db8::1', remote: '2001:db8::2', ttl: 30, encapLimit: 4, key: 9 } }),
    expect: () => ({ local: '2001:db8::1', remote: '2001:db8::2', ttl: 30, encapLimit: 4, ikey: 9, okey: 9 }),
    change: { info: { ttl: 31 }, expect: { remote: '2001:db8::2', ttl: 31, ikey: 9 } },
  })),
  {
    title: 'ipip (local, remote, ttl, mode)',
    add: () => ({ name: 'ipip1', kind: 'ipip', info: { local: '10.0.0.1', remote: '10.0.0.3', ttl: 20, tos: 4, mode: 'ipip', pmtudisc: true } }),
    expect: () => ({ local: '10.0.0.1', remote: '10.0.0.3', ttl: 20, tos: 4, mode: 'ipip', pmtudisc: true }),
    change: { info: { ttl: 40 }, expect: { local: '10.0.0.1', remote: '10.0.0.3', ttl: 40 } },
  },
  {
    title: 'sit (local, remote, ttl, mode ip6ip, 6rd prefix)',
    add: () => ({
      name: 'sit1',
      kind: 'sit',
      info: { local: '10.0.0.1', remote: '10.0.0.4', ttl: 10, mode: 'ip6ip', sixrdPrefix: '2001:db8::', sixrdPrefixlen: 32, sixrdRelayPrefix: '10.0.0.0', sixrdRelayPrefixlen: 8 },
    }),
    expect: () => ({ local: '10.0.0.1', remote: '10.0.0.4', ttl: 10, mode: 'ip6ip', sixrdPrefix: '2001:db8::', sixrdPrefixlen: 32, sixrdRelayPrefix: '10.0.0.0', sixrdRelayPrefixlen: 8 }),
    change: { info: { ttl: 11 }, expect: { remote: '10.0.0.4', ttl: 11, sixrdPrefixlen: 32 } },
  },
  {
    title: 'ip6tnl (local, remote, hoplimit, encaplimit, mode ip6ip6)',
    add: () => ({ name: 'ip6tnl1', kind: 'ip6tnl', info: { local: '2001:db8::1', remote: '2001:db8::3', ttl: 50, encapLimit: 5, mode: 'ip6ip6' } }),
    expect: () => ({ local: '2001:db8::1', remote: '2001:db8::3', ttl: 50, encapLimit: 5, mode: 'ip6ip6' }),
    change: { info: { mode: 'any' }, expect: { remote: '2001:db8::3', ttl: 50, mode: 'any' } },
  },
  {
    title: 'geneve external (no VNI)',
    add: () => ({ name: 'gnvx', kind: 'geneve', info: { external: true } }),
    expect: () => ({ external: true }),
  },
  {
    title: 'ip6tnl with only remote: hoplimit 64, encaplimit 4, mode any (what ip gives, not the kernel 0/0)',
    add: () => ({ name: 'ip6tnl2', kind: 'ip6tnl', info: { remote: '2001:db8::3' } }),
    expect: () => ({ remote: '2001:db8::3', ttl: 64, encapLimit: 4, mode: 'any' }),
  },
  ...(['ip6gre', 'ip6gretap'] as const).map<KindCase>((kind) => ({
    title: `${kind} with only remote: hoplimit 64, encaplimit 4 (what ip gives)`,
    add: () => ({ name: `${kind}2`, kind, info: { remote: '2001:db8::2' } }),
    expect: () => ({ remote: '2001:db8::2', ttl: 64, encapLimit: 4 }),
  })),
  {
    title: 'ipip with only remote: mode any and pmtudisc (what ip gives; the kernel alone would say mode ipip)',
    add: () => ({ name: 'ipip2', kind: 'ipip', info: { remote: '10.0.0.3' } }),
    expect: () => ({ remote: '10.0.0.3', mode: 'any', pmtudisc: true, ttl: 0 }),
  },
  {
    title: 'erspan version 1 (seq, key, erspan index)',
    add: () => ({ name: 'ers1', kind: 'erspan', info: { local: '10.0.0.1', remote: '10.0.0.2', seq: true, key: 10, erspanVer: 1, erspanIndex: 123 } }),
    expect: () => ({ local: '10.0.0.1', remote: '10.0.0.2', ikey: 10, okey: 10, iseq: true, oseq: true, erspanVer: 1, erspanIndex: 123 }),
    change: { info: { erspanIndex: 456 }, expect: { erspanVer: 1, erspanIndex: 456, remote: '10.0.0.2', ikey: 10 } },
  },
  {
    title: 'erspan version 2 (erspan_dir egress, erspan_hwid)',
    add: () => ({ name: 'ers2', kind: 'erspan', info: { remote: '10.0.0.2', seq: true, key: 11, erspanVer: 2, erspanDir: 'egress', erspanHwid: 7 } }),
    expect: () => ({ remote: '10.0.0.2', ikey: 11, erspanVer: 2, erspanDir: 'egress', erspanHwid: 7 }),
    change: { info: { erspanDir: 'ingress' }, expect: { erspanVer: 2, erspanDir: 'ingress', erspanHwid: 7 } },
  },
  {
    title: 'erspan external',
    add: () => ({ name: 'ers3', kind: 'erspan', info: { external: true } }),
    expect: () => ({ external: true }),
  },
  {
    title: 'ip6erspan version 1 and defaults (hoplimit 64, encaplimit 4)',
    add: () => ({ name: 'ers6a', kind: 'ip6erspan', info: { local: '2001:db8::1', remote: '2001:db8::2', seq: true, key: 12, erspanIndex: 77 } }),
    expect: () => ({ local: '2001:db8::1', remote: '2001:db8::2', ikey: 12, erspanVer: 1, erspanIndex: 77, ttl: 64, encapLimit: 4 }),
  },
  {
    title: 'ip6erspan version 2 (erspan_dir egress, erspan_hwid)',
    add: () => ({ name: 'ers6b', kind: 'ip6erspan', info: { remote: '2001:db8::2', seq: true, key: 13, erspanVer: 2, erspanDir: 'egress', erspanHwid: 5 } }),
    expect: () => ({ remote: '2001:db8::2', ikey: 13, erspanVer: 2, erspanDir: 'egress', erspanHwid: 5 }),
  },
  {
    title: 'ip6erspan external',
    add: () => ({ name: 'ers6c', kind: 'ip6erspan', info: { external: true } }),
    expect: () => ({ external: true }),
  },
  {
    title: 'wireguard (created bare)',
    add: () => ({ name: 'wg0', kind: 'wireguard', mtu: 1380 }),
    expect: () => ({}),
    extra: async (_ns, l) => expect(l.mtu).toBe(1380),
  },
];

describe('link kinds: add, list, change, delete, options read back', () => {
  for (const c of cases) {
    it(c.title, async (ctx) => {
      await withNs(async (ns) => {
        const l = c.lower ? await lowers(ns) : { lower0: 0, lower1: 0 };
        const o = c.add(l);
        const before = (await ns.nl.link.list()).length;
        const link = await addOrSkip(ctx, ns, o);
        expect(link.name).toBe(o.name);
        expect(link.kind).toBe(o.kind);
        expect(link.info).toMatchObject(c.expect(l));

        // Listed: kernel-side kind filter, name filter, and the full dump agree.
        const byKind = await ns.nl.link.list({ kind: o.kind });
        expect(byKind.map((x) => x.name)).toContain(o.name);
        expect(byKind.every((x) => x.kind === o.kind)).toBe(true);
        expect(await ns.nl.link.list({ name: o.name })).toHaveLength(1);
        expect(stable((await ns.nl.link.list()).find((x) => x.index === link.index)?.info)).toEqual(stable(link.info));
        expect(stable(ns.nl.sync.link.get(link.index).info)).toEqual(stable(link.info));

        await c.extra?.(ns, link, l);

        // Changed: kind options, then a generic attribute.
        if (c.change) {
          await ns.nl.link.set(o.name, { kind: o.kind, info: c.change.info } as LinkSetOptions);
          const changed = (await ns.nl.link.get(o.name)).info as Record<string, unknown>;
          expect(changed).toMatchObject(c.change.expect);
          for (const [k, v] of Object.entries(c.change.info)) if (v === null) expect(changed[k], `${k} removed`).toBeUndefined();
        }
        await ns.nl.link.set(o.name, { alias: `a ${o.kind}`, up: true });
        const up = await ns.nl.link.get(o.name);
        expect(up.alias).toBe(`a ${o.kind}`);
        expect(up.up).toBe(true);

        // Deleted.
        await ns.nl.link.del(o.name);
        await expect(ns.nl.link.get(o.name)).rejects.toMatchObject({ code: 'ENODEV' });
        const after = await ns.nl.link.list();
        expect(after.find((x) => x.name === o.name)).toBeUndefined();
        // A peer dies with its pair.
        if (kinds[o.kind].peer) expect(after.length).toBe(before);
      });
    });
  }

  it('veth peer born in another namespace (peer netns by fd, path and pid)', async (ctx) => {
    await withNs(async (ns) => {
      const other = makeNetns();
      try {
        await ns.nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb', netns: { fd: other.fd }, mtu: 1280 } } });
        const vb = await other.nl.link.get('vb');
        expect(vb).toMatchObject({ kind: 'veth', mtu: 1280 });
        const va = await ns.nl.link.get('va');
        expect(va.link).toBe(vb.index);
        expect(va.linkNetnsid).toEqual(expect.any(Number));
        expect((await ns.nl.link.list()).map((l) => l.name)).not.toContain('vb');

        await ns.nl.link.add({ name: 'vc', kind: 'veth', info: { peer: { name: 'vd', netns: { path: other.path } } } });
        expect((await other.nl.link.get('vd')).kind).toBe('veth');

        if (!existsSync('/usr/bin/unshare') && !existsSync('/bin/unshare')) ctx.skip('unshare(1) missing for the pid form');
        const { spawn } = await import('node:child_process');
        const child = spawn('unshare', ['--net', 'sleep', '30'], { stdio: 'ignore', env: toolEnv() });
        try {
          await new Promise((r) => setTimeout(r, 200));
          await ns.nl.link.add({ name: 've', kind: 'veth', info: { peer: { name: 'vf', netns: { pid: child.pid! } } } });
          const { openSync } = await import('../lib/index.js');
          const there = openSync({ netns: { pid: child.pid! } });
          try {
            expect((await there.link.get('vf')).kind).toBe('veth');
          } finally {
            await there.close();
          }
        } finally {
          child.kill();
        }
        // Deleting one end deletes the other, across namespaces.
        await ns.nl.link.del('va');
        await expect(other.nl.link.get('vb')).rejects.toMatchObject({ code: 'ENODEV' });
      } finally {
        await other.close();
      }
    });
  });

  it('bridge with ports: bridge_slave options read back', async () => {
    await withNs(async (ns) => {
      await lowers(ns);
      await ns.nl.link.add({ name: 'br0', kind: 'bridge' });
      await ns.nl.link.set('lower0', { master: 'br0', slaveKind: 'bridge', slaveInfo: { cost: 7, priority: 9, learning: false, flood: false, hairpin: true, guard: true, isolated: true, mcastFlood: false, bcastFlood: false, groupFwdMask: 0 } });
      const p = await ns.nl.link.get('lower0');
      expect(p.master).toBe((await ns.nl.link.get('br0')).index);
      expect(p.slaveKind).toBe('bridge');
      expect(p.slaveInfo).toMatchObject({ cost: 7, priority: 9, learning: false, flood: false, hairpin: true, guard: true, isolated: true, mcastFlood: false, bcastFlood: false, state: expect.any(String) });
      expect(p.slaveKind === 'bridge' && p.slaveInfo.bridgeId).toMatch(/^8000\./);
      await ns.nl.link.set('lower0', { slaveInfo: { cost: 8, proxyArp: true } });
      expect((await ns.nl.link.get('lower0')).slaveInfo).toMatchObject({ cost: 8, proxyArp: true, priority: 9 });
      expect(await ns.nl.link.list({ master: 'br0' })).toHaveLength(1);
    });
  });

  it('bridge vlan_filtering and vlan_protocol', async (ctx) => {
    await withNs(async (ns) => {
      await ns.nl.link.add({ name: 'br0', kind: 'bridge' });
      try {
        await ns.nl.link.set('br0', { kind: 'bridge', info: { vlanFiltering: true, vlanProtocol: '802.1ad', vlanDefaultPvid: 7 } });
      } catch (e) {
        if (e instanceof NetlinkError && e.code === 'EOPNOTSUPP') ctx.skip('kernel built without bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING): EOPNOTSUPP');
        throw e;
      }
      expect((await ns.nl.link.get('br0')).info).toMatchObject({ vlanFiltering: true, vlanProtocol: '802.1ad', vlanDefaultPvid: 7 });
      await ns.nl.link.set('br0', { kind: 'bridge', info: { vlanFiltering: false } });
      expect((await ns.nl.link.get('br0')).info).toMatchObject({ vlanFiltering: false });
    });
  });

  it('tun/tap links (made by ioctl) list with their options', async (ctx) => {
    if (!haveIp()) ctx.skip('ip/nsenter missing (needed to make a tap by ioctl)');
    if (!existsSync('/dev/net/tun')) ctx.skip('/dev/net/tun missing');
    await withNs(async (ns) => {
      ip(ns, 'tuntap', 'add', 'dev', 'tap0', 'mode', 'tap', 'multi_queue');
      const tap = await ns.nl.link.get('tap0');
      expect(tap.kind).toBe('tun');
      expect(tap.info).toMatchObject({ type: 'tap', persist: true, multiQueue: true, pi: false });
      await expect(ns.nl.link.add({ name: 'tun1', kind: 'tun' as 'ifb' })).rejects.toThrow(TypeError);
      await ns.nl.link.set('tap0', { mtu: 1400, up: true });
      expect((await ns.nl.link.get('tap0')).mtu).toBe(1400);
      await ns.nl.link.del('tap0');
      expect(await ns.nl.link.list({ name: 'tap0' })).toEqual([]);
    });
  });

  it('ipoib options encode and decode back (no InfiniBand device exists to create one on)', () => {
    // An ipoib link needs an InfiniBand parent, which neither this machine nor the VM has;
    // the table is checked by a round trip instead.
    const spec = kinds.ipoib;
    const w = new Writer(64);
    spec.data!.encode(w, { pkey: 0x8001, mode: 'connected', umcast: true }, 'info');
    expect(w.buf.subarray(0, w.pos).toString('hex')).toBe('0600010001800000' + '0600020001000000' + '0600030001000000');
    expect(spec.data!.decode(w.buf, 0, w.pos)).toEqual({ pkey: 0x8001, mode: 'connected', umcast: true });
  });
});

/** `ip` prints bridge ids with unpadded MAC bytes (`8000.2:0:0:0:0:a`); the library pads them. */
const brId = (s: string) => {
  const [prio, addr] = s.split('.');
  return `${prio}.${addr.split(':').map((x) => x.padStart(2, '0')).join(':')}`;
};

describe('cross-check with iproute2', () => {
  it.skipIf(!haveIp())('link.list() matches `ip -j -d link show`' + (haveIp() ? '' : ' (skipped: ip/nsenter missing)'), async () => {
    await withNs(async (ns) => {
      const nl = ns.nl.link;
      await nl.set('lo', { up: true });
      await nl.add({ name: 'va', kind: 'veth', address: mac(0xa), info: { peer: { name: 'vb', address: mac(0xb) } } });
      await nl.add({ name: 'br0', kind: 'bridge', info: { forwardDelay: 700, stpState: 0, priority: 100 } });
      await nl.set('va', { master: 'br0', up: true, alias: 'to the bridge', slaveKind: 'bridge', slaveInfo: { cost: 42 } });
      await nl.set('vb', { up: true, txqlen: 333, group: 5, mtu: 1450 });
      await nl.add({ name: 'vx0', kind: 'vxlan', info: { id: 9, remote: '10.1.1.1', local: '10.1.1.2', dstport: 4789, dev: 'vb', ttl: 7, learning: false } });
      await nl.add({ name: 'mv0', kind: 'macvlan', link: 'vb', info: { mode: 'private' } });
      await nl.add({ name: 'ifb0', kind: 'ifb' });
      await nl.set('br0', { up: true, promisc: true });
      // Carrier and operstate settle asynchronously (slowly in the emulated VM): compare a
      // snapshot of ours taken between two identical snapshots of ip's.
      const volatile = (ls: any[]) => JSON.stringify(ls.map((l) => [l.ifname, l.operstate, l.flags]));
      let theirs = ipJson(ns, '-d', 'link', 'show') as any[];
      let mine = await nl.list();
      for (let i = 0; i < 50; i++) {
        const again = ipJson(ns, '-d', 'link', 'show') as any[];
        if (volatile(again) === volatile(theirs)) break;
        await new Promise((r) => setTimeout(r, 100));
        theirs = ipJson(ns, '-d', 'link', 'show') as any[];
        mine = await nl.list();
      }
      expect(mine.map((l) => l.name).sort()).toEqual(theirs.map((l) => l.ifname).sort());
      const nameOf = new Map(mine.map((l) => [l.index, l.name]));
      for (const t of theirs) {
        const m = mine.find((l) => l.index === t.ifindex)!;
        expect(m, t.ifname).toBeDefined();
        expect(m.name).toBe(t.ifname);
        expect(m.mtu).toBe(t.mtu);
        expect(m.address).toBe(t.address);
        expect(m.broadcast).toBe(t.broadcast);
        expect(m.operstate).toBe(t.operstate);
        expect(m.txqlen).toBe(t.txqlen);
        expect(m.qdisc).toBe(t.qdisc);
        expect(m.linkType).toBe(t.link_type);
        expect(m.promiscuity).toBe(t.promiscuity);
        expect(m.minMtu).toBe(t.min_mtu);
        expect(m.maxMtu).toBe(t.max_mtu);
        expect(m.numTxQueues).toBe(t.num_tx_queues);
        expect(m.alias).toBe(t.ifalias);
        expect(m.group ?? 0).toBe(t.group === 'default' ? 0 : Number(t.group));
        expect(m.linkmode).toBe(t.linkmode);
        // ip hides RUNNING and adds NO-CARRIER / M-DOWN markers.
        const flags = new Set(m.flags.filter((f) => f !== 'RUNNING'));
        const ipFlags = new Set((t.flags as string[]).filter((f) => f !== 'NO-CARRIER' && f !== 'M-DOWN'));
        expect(flags, t.ifname).toEqual(ipFlags);
        expect(m.master !== undefined ? nameOf.get(m.master) : undefined).toBe(t.master);
        if (t.link !== undefined) expect(nameOf.get(m.link!)).toBe(t.link);
        expect(m.kind).toBe(t.linkinfo?.info_kind);
        expect(m.slaveKind).toBe(t.linkinfo?.info_slave_kind);
        const d = t.linkinfo?.info_data;
        if (m.kind === 'bridge') {
          expect(m.info).toMatchObject({
            forwardDelay: d.forward_delay, helloTime: d.hello_time, maxAge: d.max_age, ageingTime: d.ageing_time,
            stpState: d.stp_state, priority: d.priority, bridgeId: brId(d.bridge_id), rootId: brId(d.root_id), groupAddr: d.group_addr,
            mcastHashMax: d.mcast_hash_max, mcastQueryIntvl: d.mcast_query_intvl, rootPort: d.root_port,
          });
          expect(m.info.mcastSnooping).toBe(d.mcast_snooping === 1);
        }
        if (m.kind === 'vxlan') {
          expect(m.info).toMatchObject({ id: d.id, remote: d.remote, local: d.local, dstport: d.port, ttl: d.ttl, learning: d.learning, ageing: d.ageing, portRange: d.port_range });
          expect(nameOf.get(m.info.dev as number)).toBe(d.link);
          expect(m.info.udpCsum).toBe(d.udp_csum);
        }
        if (m.kind === 'macvlan') expect(m.info).toMatchObject({ mode: d.mode, bcqueuelen: d.bcqueuelen, usedbcqueuelen: d.usedbcqueuelen });
        if (m.slaveKind === 'bridge') {
          const s = t.linkinfo.info_slave_data;
          expect(m.slaveInfo).toMatchObject({
            state: s.state, priority: s.priority, cost: s.cost, hairpin: s.hairpin, guard: s.guard, rootBlock: s.root_block,
            fastleave: s.fastleave, learning: s.learning, flood: s.flood, designatedPort: s.designated_port,
            designatedCost: s.designated_cost, bridgeId: brId(s.bridge_id), rootId: brId(s.root_id), proxyArp: s.proxy_arp,
            multicastRouter: s.multicast_router, mcastFlood: s.mcast_flood, bcastFlood: s.bcast_flood, isolated: s.isolated,
            neighSuppress: s.neigh_suppress, vlanTunnel: s.vlan_tunnel, mcastToUnicast: s.mcast_to_unicast, locked: s.locked,
          });
          expect(m.slaveInfo.id).toBe(Number(s.id));
          expect(m.slaveInfo.no).toBe(Number(s.no));
        }
      }
      // Counters too (`ip -s`): the same numbers while nothing moves on these links.
      const lo = ipJson(ns, '-s', 'link', 'show', 'dev', 'lo')[0];
      const mlo = await nl.get('lo');
      expect(mlo.stats64?.rxPackets).toBe(lo.stats64.rx.packets);
      expect(mlo.stats64?.txBytes).toBe(lo.stats64.tx.bytes);
    });
  });

  it.skipIf(!haveIp())('kinds of a full kernel match `ip -j -d link show` too' + (haveIp() ? '' : ' (skipped: ip/nsenter missing)'), async (ctx) => {
    await withNs(async (ns) => {
      const nl = ns.nl.link;
      await lowers(ns);
      const made: string[] = [];
      const missing: string[] = [];
      const tryAdd = async (o: LinkAddOptions) => {
        try {
          await nl.add(o);
          made.push(o.name);
        } catch (e) {
          if (!unknownKind(e)) throw e;
          missing.push(o.kind);
        }
      };
      await tryAdd({ name: 'lower0.5', kind: 'vlan', link: 'lower0', info: { id: 5, protocol: '802.1ad' } });
      await tryAdd({ name: 'bond0', kind: 'bond', info: { mode: '802.3ad', miimon: 100, xmitHashPolicy: 'layer3+4' } });
      await tryAdd({ name: 'vrf0', kind: 'vrf', info: { table: 10 } });
      await tryAdd({ name: 'ipv0', kind: 'ipvlan', link: 'lower0', info: { mode: 'l2', flags: 'private' } });
      await tryAdd({ name: 'gnv0', kind: 'geneve', info: { id: 5, remote: '10.0.0.9', ttl: 3, dstport: 6090 } });
      await tryAdd({ name: 'gre1', kind: 'gre', info: { local: '10.0.0.1', remote: '10.0.0.2', ikey: 5, okey: 6, ttl: 64 } });
      if (made.includes('bond0')) await nl.set('lower1', { master: 'bond0' });
      if (made.length === 0) ctx.skip(`kernel lacks ${missing.join(', ')}`);
      const mine = await nl.list();
      const theirs = ipJson(ns, '-d', 'link', 'show') as any[];
      const nameOf = new Map(mine.map((l) => [l.index, l.name]));
      const dotted = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
      for (const t of theirs) {
        const m = mine.find((l) => l.index === t.ifindex)!;
        expect(m.name).toBe(t.ifname);
        expect(m.kind).toBe(t.linkinfo?.info_kind);
        const d = t.linkinfo?.info_data;
        if (m.kind === 'vlan') expect(m.info).toMatchObject({ id: d.id, protocol: d.protocol, reorderHdr: d.flags.includes('REORDER_HDR') });
        if (m.kind === 'bond')
          expect(m.info).toMatchObject({
            mode: d.mode, miimon: d.miimon, updelay: d.updelay, downdelay: d.downdelay, xmitHashPolicy: d.xmit_hash_policy,
            arpAllTargets: d.arp_all_targets, primaryReselect: d.primary_reselect, failOverMac: d.fail_over_mac,
            adLacpRate: d.ad_lacp_rate, adSelect: d.ad_select, adActorSysPrio: d.ad_actor_sys_prio, adActorSystem: d.ad_actor_system,
            numPeerNotif: d.num_peer_notif, minLinks: d.min_links, arpMissedMax: d.arp_missed_max, resendIgmp: d.resend_igmp,
          });
        if (m.kind === 'vrf') expect(m.info).toEqual({ table: d.table });
        if (m.kind === 'ipvlan') expect(m.info).toMatchObject({ mode: d.mode, flags: d.private ? 'private' : d.vepa ? 'vepa' : 'bridge' });
        if (m.kind === 'geneve') expect(m.info).toMatchObject({ id: d.id, remote: d.remote, ttl: d.ttl, dstport: d.port, df: d.df, udpCsum: d.udp_csum });
        if (m.kind === 'gre') {
          expect(m.info).toMatchObject({ local: d.local, remote: d.remote, ttl: d.ttl, pmtudisc: d.pmtudisc });
          expect(dotted(m.info.ikey as number)).toBe(d.ikey);
          expect(dotted(m.info.okey as number)).toBe(d.okey);
        }
        if (m.slaveKind === 'bond') {
          const sd = t.linkinfo.info_slave_data;
          expect(m.slaveInfo).toMatchObject({ state: sd.state, miiStatus: sd.mii_status, linkFailureCount: sd.link_failure_count, permHwaddr: sd.perm_hwaddr, queueId: sd.queue_id });
          expect(nameOf.get(m.master!)).toBe(t.master);
        }
      }
      if (missing.length) console.log(`cross-checked ${made.join(', ')}; kernel lacks ${missing.join(', ')}`);
    });
  });
});

