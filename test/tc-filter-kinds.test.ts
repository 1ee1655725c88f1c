/**
 * Filter and action kinds without the kernel: options → check → encode
 * into a Writer → decode → the same options; bad input refused by `check`
 * with a TypeError/RangeError naming the field. Then, live where this
 * kernel has the kinds (u32, bpf, mirred): a filter added and listed back.
 * Last, every table id against this machine's UAPI headers.
 */
import { describe, expect, it } from 'vitest';
import { Writer } from '../lib/codec.js';
import '../lib/wire/tc-kinds.js';
import { existsSync, readFileSync } from 'node:fs';
import { actionKinds, checkAction, decodeActions, encodeActions, gactAttrs, mirredAttrs } from '../lib/wire/tc-actions.js';
import { peditAttrs, policeAttrs, skbeditAttrs, vlanAttrs } from '../lib/wire/tc-actions-more.js';
import { bpfAttrs } from '../lib/wire/tc-bpf.js';
import { filterKinds, matchallAttrs, u32Attrs } from '../lib/wire/tc-filters.js';
import { flowerAttrs } from '../lib/wire/tc-flower.js';
import { inInitialUserns, withNs } from './helpers.js';

const ETH_P = { all: 3, ip: 0x800, ipv6: 0x86dd, '802.1q': 0x8100, '802.1ad': 0x88a8 } as const;
const ctx = { index: (r: unknown) => (typeof r === 'number' ? r : 7) };

/** check → encode → decode for a filter kind. */
function filterRound(kind: string, options: Record<string, unknown> | undefined, protocol: keyof typeof ETH_P = 'all'): Record<string, unknown> {
  const k = filterKinds[kind];
  const c = k.check(options, 'filter.options', { protocol: ETH_P[protocol] });
  const w = new Writer(256);
  k.encode(w, c, ctx);
  const b = w.buf.subarray(0, w.pos);
  expect(b.readUInt16LE(0)).toBe(b.length); // one TCA_OPTIONS
  expect(b.readUInt16LE(2) & 0x3fff).toBe(2);
  return k.decode!(b, 4, b.length, 'filter.options');
}

/** check → encode (TCA_ACT_TAB list) → decode for actions. */
function actionRound(list: Record<string, unknown>[]): Record<string, unknown>[] {
  const checked = list.map((a, i) => checkAction(a, `actions[${i}]`));
  const w = new Writer(256);
  encodeActions(w, checked, ctx);
  return decodeActions(w.buf, 0, w.pos, 'actions');
}

/** The decoded action without the fields every action lists (index, ref, bind, control when defaulted). */
function core(a: Record<string, unknown>, keep: string[] = []): Record<string, unknown> {
  const out = { ...a };
  for (const k of ['ref', 'bind', 'index', 'control']) if (!keep.includes(k)) delete out[k];
  return out;
}

describe('flower round trip', () => {
  const cases: [string, keyof typeof ETH_P, Record<string, unknown>, Record<string, unknown>?][] = [
    ['ip addresses and ports', 'ip', { ipProto: 'tcp', srcIp: '10.0.0.0/24', dstIp: '10.0.1.1', dstPort: 80, srcPort: 1024 }, { ethType: 'ip' }],
    ['udp port ranges', 'ip', { ipProto: 'udp', dstPort: '1000-2000', srcPort: '5-6' }, { ethType: 'ip' }],
    ['sctp', 'ipv6', { ipProto: 'sctp', dstPort: 9 }, { ethType: 'ipv6' }],
    ['QinQ', '802.1ad', { vlanId: 10, vlanEthtype: '802.1q', cvlanId: 20, cvlanPrio: 2, cvlanEthtype: 'ip', dstIp: '10.0.0.0/8' }, { ethType: '802.1ad' }],
    ['ip flags', 'ip', { ipFlags: 'frag/nofirstfrag' }, { ethType: 'ip' }],
    ['masked ports', 'ip', { ipProto: 'udp', dstPort: '4096/0xf000', srcPort: 53 }, { ethType: 'ip' }],
    ['ipv6 prefixes', 'ipv6', { srcIp: 'fd00::/64', dstIp: '2001:db8::1' }, { ethType: 'ipv6' }],
    ['macs', 'all', { dstMac: '02:00:00:00:00:01', srcMac: '02:00:00:00:00:00/24' }],
    ['mac mask not contiguous', 'all', { srcMac: '02:00:00:00:00:00/ff:00:ff:00:00:00' }],
    ['vlan', '802.1q', { vlanId: 100, vlanPrio: 3, vlanEthtype: 'ip', ipProto: 'udp', dstIp: '10.1.0.0/16' }, { ethType: '802.1q' }],
    ['tos ttl', 'ip', { ipTos: '16/0xfc', ipTtl: 64 }, { ethType: 'ip' }],
    ['tcp flags', 'ip', { ipProto: 'tcp', tcpFlags: '0x2/0x12' }, { ethType: 'ip' }],
    ['tcp flags full mask', 'ip', { ipProto: 'tcp', tcpFlags: 0x12 }, { ethType: 'ip' }],
    ['icmp', 'ip', { ipProto: 'icmp', type: 8, code: '0/0xf' }, { ethType: 'ip' }],
    ['icmpv6', 'ipv6', { ipProto: 'icmpv6', type: 128 }, { ethType: 'ipv6' }],
    ['classid indev skip', 'all', { classid: '1:10', indev: 'v1', skipSw: true }],
    ['ethType option', 'all', { ethType: 'ipv6', ipProto: 58 }, { ipProto: 'icmpv6' }],
    ['actions', 'ip', { ipProto: 'udp', actions: [{ kind: 'gact', control: 'drop' }, { kind: 'skbedit', mark: 3 }] }, { ethType: 'ip' }],
  ];
  for (const [name, proto, opts, extra] of cases)
    it(name, () => {
      const got = filterRound('flower', opts, proto);
      const want: Record<string, unknown> = { ...opts, ...extra };
      if (want.actions) {
        expect((got.actions as Record<string, unknown>[]).map((a) => core(a))).toEqual([{ kind: 'gact' }, { kind: 'skbedit', mark: 3 }]);
        delete got.actions;
        delete want.actions;
      }
      expect(got).toEqual(want);
    });
  it('empty flower: flags only', () => expect(filterRound('flower', {})).toEqual({}));
});

describe('u32 round trip', () => {
  it('field matches come back as raw u32 keys, packed into their words as tc', () => {
    const got = filterRound('u32', { match: [{ ip: { protocol: 6 } }, { ip: { tos: [0x10, 0xfc] } }], classid: '1:1' });
    expect(got).toEqual({ classid: '1:1', match: [{ u32: 0x00060000, mask: 0x00ff0000, at: 8 }, { u32: 0x00100000, mask: 0x00fc0000, at: 0 }] });
  });
  it('hash table, link, hashkey, offset, sample', () => {
    expect(filterRound('u32', { divisor: 16 })).toEqual({ divisor: 16 });
    const got = filterRound('u32', { link: '1:', hashkey: { mask: 0xff, at: 16 }, offset: { at: 0, mask: 0x0f00, shift: 6, eat: true }, match: [{ u32: 0, mask: 0, at: 0 }] });
    expect(got).toEqual({ link: '1:', hashkey: { mask: 0xff, at: 16 }, offset: { at: 0, mask: 0x0f00, shift: 6, eat: true }, match: [{ u32: 0, mask: 0, at: 0 }] });
    expect(filterRound('u32', { ht: '1:', sample: { ip: { dst: '10.0.0.7/32' } }, match: [{ ip: { dst: '10.0.0.7/32' } }] }).ht).toBe('1:7');
    expect(filterRound('u32', { ht: '1:', sample: { u32: 0x12, mask: 0xff, at: 16, divisor: 16 } }).ht).toBe('1:2');
  });
  it('nexthdr matches', () => {
    expect(filterRound('u32', { match: [{ tcp: { dst: 80 } }] }).match).toEqual([{ u32: 80, mask: 0xffff, at: 0, nexthdr: true }]);
  });
  it('the filter policer', () => {
    expect(filterRound('u32', { match: [{ u32: 0, mask: 0, at: 0 }], police: { rate: 8e6, burst: 10000, conformExceed: 'drop/pipe' } }).police).toEqual({ rate: 8e6, burst: 10000, conformExceed: 'drop/pipe' });
    expect(filterRound('bpf', { bytecode: '1,6 0 0 0,', police: { avrate: 8000 } }).police).toEqual({ avrate: 8000, conformExceed: 'reclassify' });
  });
  it('ip6 /0 writes no key', () => {
    expect(filterRound('u32', { match: [{ ip6: { src: '::/0' } }, { u32: 1, mask: 1, at: 4 }] }).match).toEqual([{ u32: 1, mask: 1, at: 4 }]);
  });
});

describe('bpf round trip', () => {
  it('fd and name', () => expect(filterRound('bpf', { fd: 5, name: 'prog.o:[classifier]', directAction: true, skipHw: true, classid: '1:2' })).toEqual({ fd: 5, name: 'prog.o:[classifier]', directAction: true, skipHw: true, classid: '1:2' }));
  it('bytecode as tc string and as list', () => {
    expect(filterRound('bpf', { bytecode: '2,40 0 0 12,6 0 0 0,' })).toEqual({ bytecode: [[40, 0, 0, 12], [6, 0, 0, 0]] });
    expect(filterRound('bpf', { bytecode: [[6, 0, 0, 0xffffffff]], actions: [{ kind: 'gact', control: 'pass' }] }).bytecode).toEqual([[6, 0, 0, 0xffffffff]]);
  });
  it('the layout of TCA_BPF_FD and TCA_BPF_NAME (UAPI)', () => {
    const k = filterKinds.bpf;
    const w = new Writer(64);
    k.encode(w, k.check({ fd: 9, name: 'x' }, 'o'), ctx);
    const b = w.buf.subarray(0, w.pos);
    // TCA_OPTIONS { TCA_BPF_FD(6) u32 9, TCA_BPF_NAME(7) "x\0" }
    expect(b.toString('hex')).toBe('14000200' + '08000600' + '09000000' + '06000700' + '78000000');
  });
});

describe('action round trip', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['skbedit', { kind: 'skbedit', mark: '0x5/0xff', priority: '1:10', queueMapping: 2, ptype: 'host', inheritDsfield: true }, { kind: 'skbedit', mark: '0x5/0xff', priority: '1:10', queueMapping: 2, ptype: 'host', inheritDsfield: true }],
    ['skbedit mark only', { kind: 'skbedit', mark: 5 }, { kind: 'skbedit', mark: 5 }],
    ['vlan push', { kind: 'vlan', vlanAction: 'push', id: 10, protocol: '802.1ad', priority: 5 }, { kind: 'vlan', vlanAction: 'push', id: 10, protocol: '802.1ad', priority: 5 }],
    ['vlan pop', { kind: 'vlan', vlanAction: 'pop' }, { kind: 'vlan', vlanAction: 'pop' }],
    ['pedit', { kind: 'pedit', munge: [{ ip: 'src', set: '10.0.0.1' }, { offset: 0, u32: 0x11223344 }] }, { kind: 'pedit', munge: [{ ip: 'src', set: '10.0.0.1' }, { offset: 0, u32: 0x11223344 }] }],
    ['pedit ttl as a raw word', { kind: 'pedit', munge: [{ ip: 'ttl', set: 64 }] }, { kind: 'pedit', munge: [{ offset: 8, u32: 0x40000000, mask: 0x00ffffff }] }],
    ['police', { kind: 'police', rate: '8mbit', burst: 10000, conformExceed: 'drop/pipe', mtu: 2000, peakrate: '16mbit' }, { kind: 'police', rate: 8e6, burst: 10000, conformExceed: 'drop/pipe', mtu: 2000, peakrate: 16e6 }],
    ['police pkts', { kind: 'police', pktsRate: 1000, pktsBurst: 100, conformExceed: 'drop/pass' }, { kind: 'police', pktsRate: 1000, pktsBurst: 100, conformExceed: 'drop' }],
    ['police avrate', { kind: 'police', avrate: '1mbit', control: 'drop' }, { kind: 'police', avrate: 1e6, conformExceed: 'drop' }],
    ['police overhead atm', { kind: 'police', rate: 8e6, burst: 10000, overhead: 20, linklayer: 'atm', mpu: 64 }, { kind: 'police', rate: 8e6, burst: 10000, overhead: 20, linklayer: 'atm', mpu: 64, conformExceed: 'reclassify' }],
  ];
  for (const [name, input, want] of cases)
    it(name, () => {
      const [got] = actionRound([input]);
      expect(core(got)).toEqual(want);
    });
  it('verdicts and indexes come back', () => {
    const [a, b] = actionRound([{ kind: 'skbedit', mark: 1, control: 'goto chain 3', index: 4 }, { kind: 'vlan', vlanAction: 'modify', id: 1, control: 'pass' }]);
    expect([a.control, a.index, b.control]).toEqual(['goto chain 3', 4, 'pass']);
  });
  it('every registered kind is there', () => expect(Object.keys(actionKinds).sort()).toEqual(['gact', 'mirred', 'pedit', 'police', 'skbedit', 'vlan']));
});

describe('bad input: check refuses it, naming the field', () => {
  const filterBad: [string, string, unknown, keyof typeof ETH_P, RegExp, ErrorConstructor][] = [
    ['flower unknown option (did you mean)', 'flower', { srcIP: '10.0.0.1' }, 'ip', /^filter\.options\.srcIP .*did you mean 'srcIp'/, TypeError],
    ['flower option of u32', 'flower', { match: [] }, 'ip', /^filter\.options\.match is not a flower option/, TypeError],
    ['flower port out of range', 'flower', { ipProto: 'tcp', dstPort: 70000 }, 'ip', /^filter\.options\.dstPort/, RangeError],
    ['flower port 0', 'flower', { ipProto: 'tcp', dstPort: 0 }, 'ip', /^filter\.options\.dstPort/, RangeError],
    ['flower cvlan without inner tag', 'flower', { vlanId: 1, cvlanId: 2 }, '802.1q', /^filter\.options\.cvlanId needs vlanEthtype/, TypeError],
    ['flower ip flag', 'flower', { ipFlags: 'frag/first' }, 'ip', /^filter\.options\.ipFlags: unknown ip flag/, RangeError],
    ['flower port mask too big', 'flower', { ipProto: 'udp', dstPort: '80/0x10000' }, 'ip', /^filter\.options\.dstPort: port and mask are 16-bit/, RangeError],
    ['flower range reversed', 'flower', { ipProto: 'tcp', dstPort: '2000-1000' }, 'ip', /^filter\.options\.dstPort/, RangeError],
    ['flower port without ip_proto', 'flower', { dstPort: 80 }, 'ip', /^filter\.options\.dstPort needs ipProto/, TypeError],
    ['flower vlan id out of range', 'flower', { vlanId: 4096 }, '802.1q', /^filter\.options\.vlanId/, RangeError],
    ['flower vlan id without 802.1q', 'flower', { vlanId: 1 }, 'ip', /^filter\.options\.vlanId needs ethertype/, TypeError],
    ['flower vlan prio 8', 'flower', { vlanPrio: 8 }, '802.1ad', /^filter\.options\.vlanPrio/, RangeError],
    ['flower bad prefix', 'flower', { srcIp: '10.0.0.0/33' }, 'ip', /^filter\.options\.srcIp/, RangeError],
    ['flower v6 prefix on ip', 'flower', { srcIp: 'fd00::/8' }, 'ip', /^filter\.options\.srcIp must be an IPv4 prefix/, TypeError],
    ['flower ip without ethertype', 'flower', { dstIp: '10.0.0.1' }, 'all', /^filter\.options\.dstIp needs ethertype/, TypeError],
    ['flower ip_proto name', 'flower', { ipProto: 'tpc' }, 'ip', /^filter\.options\.ipProto .*did you mean 'tcp'/, RangeError],
    ['flower icmp on ipv6', 'flower', { ipProto: 'icmp' }, 'ipv6', /^filter\.options\.ipProto 'icmp' needs ethertype ip/, TypeError],
    ['flower mac', 'flower', { dstMac: '02:00:00:00:00' }, 'all', /^filter\.options\.dstMac/, RangeError],
    ['flower mac mask bits', 'flower', { dstMac: '02:00:00:00:00:00/49' }, 'all', /^filter\.options\.dstMac/, RangeError],
    ['flower tcp flags too big', 'flower', { ipProto: 'tcp', tcpFlags: 0x1000 }, 'ip', /^filter\.options\.tcpFlags/, RangeError],
    ['flower ethType differs', 'flower', { ethType: 'ipv6' }, 'ip', /^filter\.options\.ethType .*differs/, TypeError],
    ['flower ethType name', 'flower', { ethType: 'ipv7' }, 'all', /^filter\.options\.ethType .*did you mean 'ipv6'/, RangeError],
    ['u32 unknown match (did you mean)', 'u32', { match: [{ ip4: { src: '10.0.0.1' } }] }, 'ip', /^filter\.options\.match\[0\] .*did you mean 'ip'/, TypeError],
    ['u32 option of flower', 'u32', { srcIp: '10.0.0.1' }, 'ip', /^filter\.options: unknown option 'srcIp'/, TypeError],
    ['u32 port out of range', 'u32', { match: [{ ip: { dport: 65536 } }] }, 'ip', /^filter\.options\.match\[0\]\.ip\.dport/, RangeError],
    ['u32 bad prefix', 'u32', { match: [{ ip: { dst: '10.0.0.0/40' } }] }, 'ip', /^filter\.options\.match\[0\]\.ip\.dst/, RangeError],
    ['u32 v6 prefix in ip', 'u32', { match: [{ ip: { dst: 'fd00::/8' } }] }, 'ip', /^filter\.options\.match\[0\]\.ip\.dst must be an IPv4/, TypeError],
    ['u32 divisor 3', 'u32', { divisor: 3 }, 'ip', /^filter\.options\.divisor/, RangeError],
    ['u32 link is a node', 'u32', { link: '1::1' }, 'ip', /^filter\.options\.link must be a hash table/, RangeError],
    ['u32 sample two keys', 'u32', { ht: '1:', sample: { ip: { src: '10.0.0.1', dst: '10.0.0.2' } } }, 'ip', /^filter\.options\.sample must make exactly one key/, TypeError],
    ['u32 hashkey at 2', 'u32', { hashkey: { mask: 0xff, at: 2 } }, 'ip', /^filter\.options\.hashkey\.at/, RangeError],
    ['u32 offset at odd', 'u32', { offset: { at: 3 } }, 'ip', /^filter\.options\.offset\.at/, RangeError],
    ['u32 police with kind', 'u32', { police: { kind: 'police', rate: '1mbit', burst: '1k' } }, 'ip', /^filter\.options\.police takes the police options only/, TypeError],
    ['u32 police without burst', 'u32', { police: { rate: '1mbit' } }, 'ip', /^filter\.options\.police\.burst is required/, TypeError],
    ['u32 skip both', 'u32', { skipSw: true, skipHw: true }, 'ip', /^filter\.options: skipSw and skipHw/, TypeError],
    ['bpf no program', 'bpf', { directAction: true }, 'all', /^filter\.options\.fd is required/, TypeError],
    ['bpf pinned path not absolute', 'bpf', { pinned: 'sys/fs/bpf/x' }, 'all', /^filter\.options\.pinned must be the absolute path/, TypeError],
    ['bpf pinned and fd', 'bpf', { pinned: '/sys/fs/bpf/x', fd: 3 }, 'all', /^filter\.options: give one of fd, pinned/, TypeError],
    ['bpf unknown option', 'bpf', { fd: 3, da: true }, 'all', /^filter\.options\.da is not a bpf option/, TypeError],
    ['bpf bytecode count', 'bpf', { bytecode: '2,6 0 0 0,' }, 'all', /^filter\.options\.bytecode/, RangeError],
    ['bpf bytecode k', 'bpf', { bytecode: [[6, 0, 0, 2 ** 32]] }, 'all', /^filter\.options\.bytecode\[0\]\.k/, RangeError],
    ['bad verdict in a filter action', 'flower', { actions: [{ kind: 'gact', control: 'dorp' }] }, 'all', /^filter\.options\.actions\[0\]\.control .*did you mean 'drop'/, RangeError],
    ['unknown action kind', 'u32', { actions: [{ kind: 'skbedti' }] }, 'all', /^filter\.options\.actions\[0\]\.kind: unknown action kind .*did you mean 'skbedit'/, RangeError],
  ];
  for (const [name, kind, opts, proto, msg, cls] of filterBad)
    it(name, () => {
      let err: unknown;
      try {
        filterKinds[kind].check(opts, 'filter.options', { protocol: ETH_P[proto] });
      } catch (e) {
        err = e;
      }
      expect(err, 'check must throw').toBeInstanceOf(cls);
      expect((err as Error).message).toMatch(msg);
    });
  const actionBad: [string, Record<string, unknown>, RegExp, ErrorConstructor][] = [
    ['skbedit mark', { kind: 'skbedit', mark: '5/x' }, /^a\.mark/, RangeError],
    ['skbedit ptype', { kind: 'skbedit', ptype: 'hots' }, /^a\.ptype/, TypeError],
    ['skbedit queue', { kind: 'skbedit', queueMapping: 70000 }, /^a\.queueMapping/, RangeError],
    ['police without rate', { kind: 'police', burst: '10k' }, /^a\.rate is required/, TypeError],
    ['police pkts without burst', { kind: 'police', pktsRate: 10 }, /^a\.pktsBurst is required/, TypeError],
    ['police rate and pkts', { kind: 'police', rate: '1mbit', burst: '1k', pktsRate: 10, pktsBurst: 1 }, /^a: rate and pktsRate/, TypeError],
    ['police rate without burst', { kind: 'police', rate: '1mbit' }, /^a\.burst is required/, TypeError],
    ['police peakrate without mtu', { kind: 'police', rate: '1mbit', burst: '10k', peakrate: '2mbit' }, /^a\.mtu is required/, TypeError],
    ['police bad conform-exceed', { kind: 'police', rate: '1mbit', burst: '10k', conformExceed: 'drop/pas' }, /^a\.conformExceed .*did you mean 'pass'/, RangeError],
    ['police bad rate', { kind: 'police', rate: '1mbti', burst: '10k' }, /^a\.rate/, RangeError],
    ['vlan push without id', { kind: 'vlan', vlanAction: 'push' }, /^a\.id is required/, TypeError],
    ['vlan id 4096', { kind: 'vlan', vlanAction: 'push', id: 4096 }, /^a\.id/, RangeError],
    ['vlan pop with id', { kind: 'vlan', vlanAction: 'pop', id: 1 }, /^a\.id belongs to push/, TypeError],
    ['vlan bad protocol', { kind: 'vlan', vlanAction: 'push', id: 1, protocol: '802.1x' }, /^a\.protocol/, TypeError],
    ['vlan priority 8', { kind: 'vlan', vlanAction: 'push', id: 1, priority: 8 }, /^a\.priority/, RangeError],
    ['pedit no munge', { kind: 'pedit' }, /^a\.munge/, TypeError],
    ['pedit u16 at the last byte', { kind: 'pedit', munge: [{ offset: 3, u16: 1 }] }, /^a\.munge\[0\]\.offset: a u16 munge/, RangeError],
    ['pedit ttl too big', { kind: 'pedit', munge: [{ ip: 'ttl', set: 256 }] }, /^a\.munge\[0\]\.set/, RangeError],
    ['pedit offset not aligned', { kind: 'pedit', munge: [{ offset: 2, u32: 1 }] }, /^a\.munge\[0\]\.offset must be a multiple of 4/, RangeError],
    ['pedit ipv6 address', { kind: 'pedit', munge: [{ ip: 'src', set: 'fd00::1' }] }, /^a\.munge\[0\]\.set must be an IPv4/, TypeError],
    ['option of another kind', { kind: 'vlan', vlanAction: 'pop', mark: 1 }, /^a: unknown option 'mark'/, TypeError],
    ['bad verdict', { kind: 'skbedit', mark: 1, control: 'jump' }, /^a\.control/, RangeError],
  ];
  for (const [name, a, msg, cls] of actionBad)
    it(`action ${name}`, () => {
      let err: unknown;
      try {
        checkAction(a, 'a');
      } catch (e) {
        err = e;
      }
      expect(err, 'check must throw').toBeInstanceOf(cls);
      expect((err as Error).message).toMatch(msg);
    });
});

// ---------------------------------------------------------------------------
// Live, where this kernel has the kinds: u32, bpf (classic bytecode) and mirred.

async function veth(ns: Awaited<Parameters<Parameters<typeof withNs>[0]>[0]>): Promise<void> {
  await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
  await ns.nl.link.set('v0', { up: true });
  await ns.nl.tc.qdisc.add({ dev: 'v0', kind: 'clsact' });
}

describe('live', () => {
  it('u32 with ip fields and mirred: added, listed back equal', () =>
    withNs(async (ns) => {
      await veth(ns);
      const options = { match: [{ ip: { dst: '10.0.0.0/24' } }, { ip: { protocol: 17 } }, { udp: { dst: 53 } }], classid: '1:1', actions: [{ kind: 'mirred', mirredAction: 'mirror', dev: 'v1' }] };
      await ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', protocol: 'ip', pref: 5, handle: '800::5', kind: 'u32', options });
      const list = await ns.nl.tc.filter.list({ dev: 'v0', parent: 'ingress' });
      const f = list.find((x) => x.handle === '800::5')!;
      expect(f).toBeDefined();
      expect(f.pref).toBe(5);
      expect(f.protocol).toBe('ip');
      const want = filterRound('u32', options, 'ip');
      const got = { ...f.options } as Record<string, unknown>;
      expect(got.classid).toBe(want.classid);
      expect(got.match).toEqual(want.match);
      const [a] = got.actions as Record<string, unknown>[];
      expect([a.kind, a.direction, a.mirredAction, a.dev, a.control]).toEqual(['mirred', 'egress', 'mirror', 'v1', 'pipe']);
    }));

  it('u32 hash table, link and a bucket filter made by sample', () =>
    withNs(async (ns) => {
      await veth(ns);
      await ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', protocol: 'ip', pref: 1, handle: '1:', kind: 'u32', options: { divisor: 256 } });
      await ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', protocol: 'ip', pref: 1, handle: '1::7', kind: 'u32', options: { ht: '1:', sample: { ip: { dst: '10.0.0.7/32' } }, match: [{ ip: { dst: '10.0.0.7/32' } }], classid: '1:7' } });
      await ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', protocol: 'ip', pref: 1, handle: '800::1', kind: 'u32', options: { link: '1:', hashkey: { mask: 0xff, at: 16 }, match: [{ ip: { dst: '10.0.0.0/24' } }] } });
      const list = await ns.nl.tc.filter.list({ dev: 'v0', parent: 'ingress' });
      const table = list.find((x) => x.handle === '1:');
      expect(table?.options).toMatchObject({ divisor: 256 });
      expect(list.find((x) => x.handle === '1:7:7')?.options).toMatchObject({ classid: '1:7', match: [{ u32: 0x0a000007, mask: 0xffffffff, at: 16 }] });
      expect(list.find((x) => x.handle === '800::1')?.options).toMatchObject({ link: '1:', hashkey: { mask: 0xff, at: 16 } });
    }));

  it('bpf classic bytecode with classid: added, listed back', () =>
    withNs(async (ns) => {
      await veth(ns);
      const options = { bytecode: [[6, 0, 0, 0xffffffff]] as [number, number, number, number][], classid: '1:3' };
      await ns.nl.tc.filter.add({ dev: 'v0', parent: 'egress', pref: 2, handle: 1, kind: 'bpf', options });
      const [f] = await ns.nl.tc.filter.list({ dev: 'v0', parent: 'egress' }).then((l) => l.filter((x) => x.handle === 1));
      expect(f.options).toMatchObject({ bytecode: [[6, 0, 0, 0xffffffff]], classid: '1:3' });
    }));

  // standalone actions need CAP_NET_ADMIN in the initial user namespace (EPERM rootless)
  it.skipIf(!inInitialUserns())('standalone mirred: add, get, list, del', () =>
    withNs(async (ns) => {
      await veth(ns);
      await ns.nl.tc.action.add([{ kind: 'mirred', mirredAction: 'redirect', dev: 'v1', index: 12 }]);
      const a = await ns.nl.tc.action.get({ kind: 'mirred', index: 12 });
      expect([a.kind, a.index, a.mirredAction, a.dev]).toEqual(['mirred', 12, 'redirect', 'v1']);
      expect((await ns.nl.tc.action.list({ kind: 'mirred' })).map((x) => x.index)).toEqual([12]);
      await ns.nl.tc.action.del({ kind: 'mirred', index: 12 });
      expect(await ns.nl.tc.action.list({ kind: 'mirred' })).toEqual([]);
    }));

  it('bad input is refused before anything is sent', () =>
    withNs(async (ns) => {
      await veth(ns);
      const sent: Buffer[] = [];
      ns.nl.conn.tap = (m) => sent.push(m);
      try {
        await expect(ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', kind: 'flowr', options: {} })).rejects.toThrow(/^filter\.kind: unknown filter kind ["']flowr["'] \(did you mean 'flower'\?\)/);
        await expect(ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', protocol: 'ip', kind: 'flower', options: { ipProto: 'tcp', dstPort: 65536 } })).rejects.toThrow(RangeError);
        await expect(ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', protocol: 'ipv6', kind: 'flower', options: { srcIp: '10.0.0.1' } })).rejects.toThrow(/^filter\.options\.srcIp/);
        await expect(ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', kind: 'u32', options: { actions: [{ kind: 'police', rate: '1mbit' }] } })).rejects.toThrow(/^filter\.options\.actions\[0\]\.burst is required/);
        await expect(ns.nl.tc.action.add([{ kind: 'vlan', vlanAction: 'push', id: 5000 }])).rejects.toThrow(/^actions\[0\]\.id/);
        await expect(ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', kind: 'bpf', options: { pinned: 'sys/fs/bpf/p' } })).rejects.toThrow(/pinned must be the absolute path/);
      } finally {
        ns.nl.conn.tap = undefined;
      }
      expect(sent.length).toBe(0);
    }));
});

// ---------------------------------------------------------------------------
// The ids of these tables against this machine's UAPI headers.


const TC_HEADERS = ['pkt_cls.h', 'tc_act/tc_skbedit.h', 'tc_act/tc_vlan.h', 'tc_act/tc_pedit.h', 'tc_act/tc_mirred.h', 'tc_act/tc_gact.h'].map((h) => `/usr/include/linux/${h}`);

function enumValues(): Map<string, number> {
  const vals = new Map<string, number>();
  for (const path of TC_HEADERS) {
    if (!existsSync(path)) continue;
    const src = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
    for (const m of src.matchAll(/enum\s*\w*\s*\{([^}]*)\}/g)) {
      let next = 0;
      for (const item of m[1].split(',').map((s) => s.trim()).filter(Boolean)) {
        const [name, value] = item.split('=').map((s) => s.trim());
        if (value !== undefined) next = /^-?\d+$|^0x/.test(value) ? Number(value) : (vals.get(value) ?? next);
        vals.set(name, next++);
      }
    }
  }
  return vals;
}

describe.skipIf(!existsSync(TC_HEADERS[0]))('tc kind tables against the UAPI headers', () => {
  it('every id is the header number of its UAPI name', () => {
    const uapi = enumValues();
    const tables = { bpfAttrs, flowerAttrs, u32Attrs, matchallAttrs, gactAttrs, mirredAttrs, peditAttrs, policeAttrs, skbeditAttrs, vlanAttrs };
    const wrong: string[] = [];
    const unknown: string[] = [];
    let n = 0;
    for (const [t, table] of Object.entries(tables))
      for (const [field, s] of (table as unknown as { byName: Map<string, { id: number; uapi?: string }> }).byName) {
        n++;
        if (!uapi.has(s.uapi!)) unknown.push(`${t}.${field} ${s.uapi}`);
        else if (uapi.get(s.uapi!) !== s.id) wrong.push(`${t}.${field}: ${s.uapi} is ${uapi.get(s.uapi!)}, table says ${s.id}`);
      }
    expect(n).toBeGreaterThan(80);
    expect(wrong).toEqual([]);
    expect(unknown).toEqual([]);
  });
});
