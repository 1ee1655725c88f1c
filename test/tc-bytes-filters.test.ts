/**
 * Golden bytes for the filter and action kinds: for each case, the request
 * `tc` (iproute2 6.1) sends, captured with strace, and the one the library
 * sends for the same call must be equal (seq and pid masked). This kernel
 * lacks most of these kinds; both sides send their request before it refuses.
 */
import { describe } from 'vitest';
import { bpfObject, captureTool, goldenCases, type TcCase } from './golden.js';
import { inInitialUserns, withNs } from './helpers.js';

const CLSACT = [['qdisc', 'add', 'dev', 'v0', 'clsact']];
const INGRESS = [['qdisc', 'add', 'dev', 'v0', 'ingress']];
const HTB = [['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb'], ['class', 'add', 'dev', 'v0', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '1mbit']];

/** A matchall filter on clsact ingress carrying `tcAction` / `libAction`. */
function withAction(name: string, tcAction: string[], libAction: Record<string, unknown>): TcCase {
  return {
    name: `action ${name}`,
    setup: CLSACT,
    tc: ['filter', 'add', 'dev', 'v0', 'ingress', 'pref', '1', 'handle', '1', 'matchall', 'action', ...tcAction],
    lib: (nl) => nl.tc.filter.add({ dev: 'v0', parent: 'ingress', pref: 1, handle: 1, kind: 'matchall', options: { actions: [libAction] } }),
  };
}

goldenCases('tc bytes: actions in filters', [
  withAction('skbedit mark', ['skbedit', 'mark', '5'], { kind: 'skbedit', mark: 5 }),
  withAction('skbedit mark/mask priority queue_mapping ptype', ['skbedit', 'queue_mapping', '3', 'priority', '1:10', 'mark', '0x5/0xff', 'ptype', 'host'], { kind: 'skbedit', queueMapping: 3, priority: '1:10', mark: '0x5/0xff', ptype: 'host' }),
  withAction('skbedit inheritdsfield pass index', ['skbedit', 'inheritdsfield', 'pass', 'index', '7'], { kind: 'skbedit', inheritDsfield: true, control: 'pass', index: 7 }),
  withAction('police rate burst', ['police', 'rate', '1mbit', 'burst', '10k'], { kind: 'police', rate: '1mbit', burst: '10k' }),
  withAction('police rate burst drop', ['police', 'rate', '1mbit', 'burst', '10k', 'drop'], { kind: 'police', rate: '1mbit', burst: '10k', control: 'drop' }),
  withAction('police conform-exceed drop/pipe', ['police', 'rate', '10mbit', 'burst', '64k', 'conform-exceed', 'drop/pipe'], { kind: 'police', rate: '10mbit', burst: '64k', conformExceed: 'drop/pipe' }),
  withAction('police peakrate mtu', ['police', 'rate', '1mbit', 'burst', '10k', 'mtu', '2k', 'peakrate', '2mbit'], { kind: 'police', rate: '1mbit', burst: '10k', mtu: '2k', peakrate: '2mbit' }),
  withAction('police overhead linklayer atm mpu', ['police', 'rate', '1mbit', 'burst', '10k', 'overhead', '20', 'linklayer', 'atm', 'mpu', '64'], { kind: 'police', rate: '1mbit', burst: '10k', overhead: 20, linklayer: 'atm', mpu: 64 }),
  withAction('police burst with cell', ['police', 'rate', '1mbit', 'burst', '10k/16'], { kind: 'police', rate: '1mbit', burst: '10k/16' }),
  withAction('police rate64', ['police', 'rate', '40gbit', 'burst', '1m'], { kind: 'police', rate: '40gbit', burst: '1m' }),
  withAction('police avrate', ['police', 'avrate', '1mbit', 'drop'], { kind: 'police', avrate: '1mbit', control: 'drop' }),
  withAction('police index', ['police', 'rate', '1mbit', 'burst', '10k', 'index', '4'], { kind: 'police', rate: '1mbit', burst: '10k', index: 4 }),
  withAction('vlan pop', ['vlan', 'pop'], { kind: 'vlan', vlanAction: 'pop' }),
  withAction('vlan push id', ['vlan', 'push', 'id', '100'], { kind: 'vlan', vlanAction: 'push', id: 100 }),
  withAction('vlan push id protocol priority', ['vlan', 'push', 'id', '10', 'protocol', '802.1ad', 'priority', '5'], { kind: 'vlan', vlanAction: 'push', id: 10, protocol: '802.1ad', priority: 5 }),
  withAction('vlan modify id pass', ['vlan', 'modify', 'id', '20', 'pass'], { kind: 'vlan', vlanAction: 'modify', id: 20, control: 'pass' }),
  withAction('pedit munge ip src', ['pedit', 'munge', 'ip', 'src', 'set', '10.0.0.1'], { kind: 'pedit', munge: [{ ip: 'src', set: '10.0.0.1' }] }),
  withAction('pedit munge ip dst + offset u32, pipe', ['pedit', 'munge', 'ip', 'dst', 'set', '192.168.1.2', 'munge', 'offset', '0', 'u32', 'set', '0x11223344', 'pipe'], { kind: 'pedit', munge: [{ ip: 'dst', set: '192.168.1.2' }, { offset: 0, u32: 0x11223344 }], control: 'pipe' }),
  { ...withAction('skbedit then gact drop', ['skbedit', 'mark', '1', 'action', 'drop'], { kind: 'skbedit', mark: 1 }), lib: (nl) => nl.tc.filter.add({ dev: 'v0', parent: 'ingress', pref: 1, handle: 1, kind: 'matchall', options: { actions: [{ kind: 'skbedit', mark: 1 }, { kind: 'gact', control: 'drop' }] } }) },
]);

/** A flower filter: tc's words after `flower`, and the library's options (given in tc's order). */
function flower(name: string, head: { parent?: string; protocol?: string; pref?: number; chain?: number; setup?: string[][] }, words: string[], options: Record<string, unknown>): TcCase {
  const parent = head.parent ?? 'ingress';
  const tcHead = ['filter', 'add', 'dev', 'v0', ...(parent === 'ingress' || parent === 'egress' ? [parent] : ['parent', parent])];
  if (head.protocol) tcHead.push('protocol', head.protocol);
  tcHead.push('pref', String(head.pref ?? 1), 'handle', '1');
  if (head.chain !== undefined) tcHead.push('chain', String(head.chain));
  return {
    name: `flower ${name}`,
    setup: head.setup ?? CLSACT,
    tc: [...tcHead, 'flower', ...words],
    lib: (nl) => nl.tc.filter.add({ dev: 'v0', parent, protocol: head.protocol as any, pref: head.pref ?? 1, handle: 1, chain: head.chain, kind: 'flower', options }),
  };
}

goldenCases('tc bytes: flower', [
  flower('empty', {}, [], {}),
  flower('ip dst_ip src_ip', { protocol: 'ip' }, ['dst_ip', '10.0.0.0/24', 'src_ip', '192.168.1.1'], { dstIp: '10.0.0.0/24', srcIp: '192.168.1.1' }),
  flower('ip_proto tcp dst_port src_port', { protocol: 'ip' }, ['ip_proto', 'tcp', 'dst_port', '80', 'src_port', '1024'], { ipProto: 'tcp', dstPort: 80, srcPort: 1024 }),
  flower('udp port ranges', { protocol: 'ip' }, ['ip_proto', 'udp', 'dst_port', '1000-2000', 'src_port', '53'], { ipProto: 'udp', dstPort: '1000-2000', srcPort: 53 }),
  flower('sctp port', { protocol: 'ipv6' }, ['ip_proto', 'sctp', 'dst_port', '9'], { ipProto: 'sctp', dstPort: 9 }),
  flower('ipv6 prefixes', { protocol: 'ipv6' }, ['src_ip', 'fd00::/64', 'dst_ip', '2001:db8::1'], { srcIp: 'fd00::/64', dstIp: '2001:db8::1' }),
  flower('macs with masks', {}, ['dst_mac', '02:00:00:00:00:01', 'src_mac', '02:00:00:00:00:00/24', 'skip_hw'], { dstMac: '02:00:00:00:00:01', srcMac: '02:00:00:00:00:00/24', skipHw: true }),
  flower('mac mask as mac', {}, ['src_mac', '02:00:00:00:00:00/ff:ff:00:00:00:ff'], { srcMac: '02:00:00:00:00:00/ff:ff:00:00:00:ff' }),
  flower('vlan id prio ethtype + ip', { protocol: '802.1q' }, ['vlan_id', '100', 'vlan_prio', '3', 'vlan_ethtype', 'ip', 'ip_proto', 'udp', 'dst_ip', '10.1.0.0/16'], { vlanId: 100, vlanPrio: 3, vlanEthtype: 'ip', ipProto: 'udp', dstIp: '10.1.0.0/16' }),
  flower('ip_tos ip_ttl', { protocol: 'ip' }, ['ip_tos', '0x10/fc', 'ip_ttl', '64'], { ipTos: '0x10/fc', ipTtl: 64 }),
  flower('tcp_flags', { protocol: 'ip' }, ['ip_proto', 'tcp', 'tcp_flags', '0x2/0x12'], { ipProto: 'tcp', tcpFlags: '0x2/0x12' }),
  flower('icmp type code', { protocol: 'ip' }, ['ip_proto', 'icmp', 'type', '8', 'code', '0'], { ipProto: 'icmp', type: 8, code: 0 }),
  flower('icmpv6 type', { protocol: 'ipv6' }, ['ip_proto', 'icmpv6', 'type', '128/255'], { ipProto: 'icmpv6', type: '128/255' }),
  flower('classid skip_sw indev', { parent: '1:', protocol: 'ip', setup: HTB }, ['classid', '1:10', 'indev', 'v1', 'skip_sw', 'ip_proto', 'tcp'], { classid: '1:10', indev: 'v1', skipSw: true, ipProto: 'tcp' }),
  flower('actions drop', { protocol: 'ip', parent: 'egress' }, ['ip_proto', 'udp', 'action', 'drop'], { ipProto: 'udp', actions: [{ kind: 'gact', control: 'drop' }] }),
  flower('mirred + police on ffff:', { parent: 'ffff:', protocol: 'ip', setup: INGRESS, pref: 7 }, ['dst_ip', '10.0.0.1', 'action', 'police', 'rate', '1mbit', 'burst', '10k', 'conform-exceed', 'drop/pipe', 'action', 'mirred', 'egress', 'redirect', 'dev', 'v1'], { dstIp: '10.0.0.1', actions: [{ kind: 'police', rate: '1mbit', burst: '10k', conformExceed: 'drop/pipe' }, { kind: 'mirred', mirredAction: 'redirect', dev: 'v1' }] }),
  flower('chain 3 pref 20', { protocol: 'ip', chain: 3, pref: 20 }, ['ip_proto', 'tcp', 'action', 'goto', 'chain', '4'], { ipProto: 'tcp', actions: [{ kind: 'gact', control: 'goto chain 4' }] }),
  flower('vlan skbedit/vlan pop', { protocol: '802.1ad' }, ['vlan_id', '5', 'action', 'vlan', 'pop', 'action', 'skbedit', 'priority', '1:2'], { vlanId: 5, actions: [{ kind: 'vlan', vlanAction: 'pop' }, { kind: 'skbedit', priority: '1:2' }] }),
]);

/** A bpf filter: tc's words after `bpf`, and the library's options. */
function bpfCase(name: string, words: string[], options: Record<string, unknown> | (() => Promise<Record<string, unknown>>), head: { parent?: string; setup?: string[][] } = {}): TcCase {
  const parent = head.parent ?? 'ingress';
  return {
    name: `bpf ${name}`,
    setup: head.setup ?? CLSACT,
    tc: ['filter', 'add', 'dev', 'v0', ...(parent === 'ingress' || parent === 'egress' ? [parent] : ['parent', parent]), 'pref', '1', 'handle', '1', 'bpf', ...words],
    lib: async (nl) => nl.tc.filter.add({ dev: 'v0', parent, pref: 1, handle: 1, kind: 'bpf', options: typeof options === 'function' ? await options() : options }),
  };
}

const OBJ = bpfObject();

/**
 * The fd number tc's process gave the program it loaded (TCA_BPF_FD in its
 * request): the library is handed the same number, so the bytes compare.
 * The kernel then refuses the library's request (that number is no program
 * of this process): the bytes are what is compared.
 */
async function tcProgFd(words: string[]): Promise<number> {
  return withNs(async (ns) => {
    await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
    captureTool(ns, 'tc', ['qdisc', 'add', 'dev', 'v0', 'clsact']);
    const [m] = captureTool(ns, 'tc', ['filter', 'add', 'dev', 'v0', 'ingress', 'pref', '1', 'handle', '1', 'bpf', ...words]).messages;
    for (let off = 0; off + 8 <= m.length; off++) if (m.readUInt16LE(off) === 8 && m.readUInt16LE(off + 2) === 6 && m.readUInt16LE(off + 8) > 8 && m.readUInt16LE(off + 10) === 7) return m.readUInt32LE(off + 4);
    throw new Error('no TCA_BPF_FD in tc request');
  });
}

const ACCEPT = '1,6 0 0 4294967295,';
goldenCases('tc bytes: bpf (classic bytecode)', [
  bpfCase('bytecode accept', ['bytecode', ACCEPT], { bytecode: [[6, 0, 0, 0xffffffff]] }),
  bpfCase('bytecode string, classid', ['bytecode', '2,40 0 0 12,6 0 0 0,', 'classid', '1:10'], { bytecode: '2,40 0 0 12,6 0 0 0,', classid: '1:10' }, { parent: '1:', setup: HTB }),
  bpfCase('bytecode direct-action skip_sw', ['bytecode', ACCEPT, 'da', 'skip_sw'], { bytecode: ACCEPT, directAction: true, skipSw: true }),
  bpfCase('bytecode skip_hw action drop', ['bytecode', ACCEPT, 'skip_hw', 'action', 'drop'], { bytecode: ACCEPT, skipHw: true, actions: [{ kind: 'gact', control: 'drop' }] }),
  bpfCase('bytecode classid then mirred, egress', ['classid', '1:1', 'bytecode', ACCEPT, 'action', 'mirred', 'egress', 'mirror', 'dev', 'v1'], { classid: '1:1', bytecode: ACCEPT, actions: [{ kind: 'mirred', mirredAction: 'mirror', dev: 'v1' }] }, { parent: 'egress' }),
]);

// loading an eBPF program (tc does, for these cases) needs the initial user namespace's capabilities
const NO_EBPF = !OBJ ? 'skipped: llc is not installed (it builds the eBPF object)' : !inInitialUserns() ? 'skipped: loading eBPF needs the initial user namespace (EPERM rootless)' : '';
describe.skipIf(!!NO_EBPF)(`bpf object (llc)${NO_EBPF ? ` — ${NO_EBPF}` : ''}`, () => {
  goldenCases('tc bytes: bpf (eBPF fd)', [
    bpfCase('obj da', ['obj', OBJ ?? '', 'sec', 'classifier', 'da'], async () => ({ fd: await tcProgFd(['obj', OBJ!, 'sec', 'classifier', 'da']), name: 'prog.o:[classifier]', directAction: true })),
    bpfCase('obj classid skip_hw', ['obj', OBJ ?? '', 'sec', 'classifier', 'classid', '1:5', 'skip_hw'], async () => ({ fd: await tcProgFd(['obj', OBJ!, 'sec', 'classifier']), name: 'prog.o:[classifier]', classid: '1:5', skipHw: true })),
  ]);
});

/** A u32 filter: the head's words, tc's words after `u32`, and the library's options (in tc's order). */
function u32Case(name: string, head: { parent?: string; protocol?: string; pref?: number; handle?: string; chain?: number; setup?: string[][] }, words: string[], options: Record<string, unknown>): TcCase {
  const parent = head.parent ?? 'ingress';
  const tcHead = ['filter', 'add', 'dev', 'v0', ...(parent === 'ingress' || parent === 'egress' ? [parent] : ['parent', parent])];
  if (head.protocol) tcHead.push('protocol', head.protocol);
  tcHead.push('pref', String(head.pref ?? 1));
  // a handle given: the library would otherwise ask for an echo to learn it (tc does not)
  const handle = head.handle ?? '800::100';
  tcHead.push('handle', handle);
  if (head.chain !== undefined) tcHead.push('chain', String(head.chain));
  return {
    name: `u32 ${name}`,
    setup: head.setup ?? CLSACT,
    tc: [...tcHead, 'u32', ...words],
    lib: (nl) => nl.tc.filter.add({ dev: 'v0', parent, protocol: head.protocol as any, pref: head.pref ?? 1, handle, chain: head.chain, kind: 'u32', options }),
  };
}
const HT = [...CLSACT, ['filter', 'add', 'dev', 'v0', 'ingress', 'pref', '1', 'handle', '1:', 'u32', 'divisor', '256']];

goldenCases('tc bytes: u32 extras', [
  u32Case('hash table divisor', { handle: '2:' }, ['divisor', '16'], { divisor: 16 }),
  u32Case('link + hashkey + offset', { protocol: 'ip', handle: '800::10', setup: HT }, ['link', '1:', 'hashkey', 'mask', '0x000000ff', 'at', '16', 'match', 'ip', 'protocol', '6', '0xff', 'offset', 'at', '0', 'mask', '0f00', 'shift', '6', 'eat'], { link: '1:', hashkey: { mask: 0xff, at: 16 }, match: [{ ip: { protocol: 6 } }], offset: { at: 0, mask: 0x0f00, shift: 6, eat: true } }),
  u32Case('ht + sample ip src', { protocol: 'ip', handle: '1::5', setup: HT }, ['ht', '1:', 'sample', 'ip', 'dst', '10.0.0.7/32', 'match', 'ip', 'dst', '10.0.0.7/32', 'flowid', ':1'], { ht: '1:', sample: { ip: { dst: '10.0.0.7/32' } }, match: [{ ip: { dst: '10.0.0.7/32' } }], flowid: ':1' }),
  u32Case('sample divisor 16', { protocol: 'ip', handle: '1::6', setup: [...CLSACT, ['filter', 'add', 'dev', 'v0', 'ingress', 'pref', '1', 'handle', '1:', 'u32', 'divisor', '16']] }, ['ht', '1:', 'sample', 'u32', '0x00000012', '0x000000ff', 'at', '16', 'divisor', '16', 'match', 'u8', '0', '0', 'at', '0', 'action', 'pass'], { ht: '1:', sample: { u32: 0x12, mask: 0xff, at: 16, divisor: 16 }, match: [{ u8: 0, mask: 0, at: 0 }], actions: [{ kind: 'gact', control: 'pass' }] }),
  u32Case('offset plus', { protocol: 'ip' }, ['match', 'u16', '0x50', '0xffff', 'at', 'nexthdr+2', 'offset', 'plus', '20'], { match: [{ u16: 0x50, mask: 0xffff, at: 2, nexthdr: true }], offset: { plus: 20 } }),
  u32Case('ip tos protocol dport icmp', { protocol: 'ip' }, ['match', 'ip', 'tos', '0x10', '0xff', 'match', 'ip', 'protocol', '17', '0xff', 'match', 'ip', 'dport', '53', '0xffff', 'classid', '1:1'], { match: [{ ip: { tos: 0x10 } }, { ip: { protocol: 17 } }, { ip: { dport: 53 } }], classid: '1:1' }),
  u32Case('ip dsfield mask, ihl, icmp_type code', { protocol: 'ip' }, ['match', 'ip', 'dsfield', '0xb8', '0xfc', 'match', 'ip', 'ihl', '5', '0x0f', 'match', 'ip', 'icmp_type', '8', '0xff', 'match', 'ip', 'icmp_code', '0', '0xff', 'action', 'drop'], { match: [{ ip: { dsfield: [0xb8, 0xfc] } }, { ip: { ihl: [5, 0x0f] } }, { ip: { icmpType: 8 } }, { ip: { icmpCode: 0 } }], actions: [{ kind: 'gact', control: 'drop' }] }),
  u32Case('ip6 src dst priority flowlabel', { protocol: 'ipv6' }, ['match', 'ip6', 'src', 'fd00::/64', 'match', 'ip6', 'dst', '2001:db8::1/128', 'match', 'ip6', 'priority', '0x10', '0xff', 'match', 'ip6', 'flowlabel', '0x12345', '0x000fffff', 'flowid', '1:2'], { match: [{ ip6: { src: 'fd00::/64' } }, { ip6: { dst: '2001:db8::1/128' } }, { ip6: { priority: 0x10 } }, { ip6: { flowlabel: [0x12345, 0xfffff] } }], flowid: '1:2' }),
  u32Case('ip6 protocol sport dport icmp', { protocol: 'ipv6' }, ['match', 'ip6', 'protocol', '58', '0xff', 'match', 'ip6', 'icmp_type', '128', '0xff', 'match', 'ip6', 'icmp_code', '0', '0xff', 'classid', '1:3'], { match: [{ ip6: { protocol: 58 } }, { ip6: { icmpType: 128 } }, { ip6: { icmpCode: 0 } }], classid: '1:3' }),
  u32Case('ip6 ports', { protocol: 'ipv6' }, ['match', 'ip6', 'sport', '1000', '0xffff', 'match', 'ip6', 'dport', '443', '0xffff', 'classid', '1:4'], { match: [{ ip6: { sport: 1000 } }, { ip6: { dport: 443 } }], classid: '1:4' }),
  u32Case('tcp/udp/icmp after nexthdr', { protocol: 'ip' }, ['match', 'tcp', 'dst', '80', '0xffff', 'match', 'tcp', 'src', '1024', '0xfc00', 'classid', '1:5'], { match: [{ tcp: { dst: 80 } }, { tcp: { src: [1024, 0xfc00] } }], classid: '1:5' }),
  u32Case('udp and icmp nexthdr', { protocol: 'ip' }, ['match', 'udp', 'dst', '53', '0xffff', 'match', 'icmp', 'type', '3', '0xff', 'match', 'icmp', 'code', '1', '0xff', 'classid', '1:6'], { match: [{ udp: { dst: 53 } }, { icmp: { type: 3 } }, { icmp: { code: 1 } }], classid: '1:6' }),
  u32Case('indev skip_sw order of attrs', { protocol: 'ip' }, ['indev', 'v1', 'match', 'ip', 'src', '10.1.2.0/24', 'skip_sw', 'classid', '1:7'], { indev: 'v1', match: [{ ip: { src: '10.1.2.0/24' } }], skipSw: true, classid: '1:7' }),
  u32Case('actions before classid', { protocol: 'ip' }, ['match', 'u32', '0', '0', 'action', 'skbedit', 'mark', '3', 'classid', '1:8'], { match: [{ u32: 0, mask: 0, at: 0 }], actions: [{ kind: 'skbedit', mark: 3 }], classid: '1:8' }),
  u32Case('link only, no terminal', { protocol: 'ip', handle: '800::20', setup: HT }, ['match', 'ip', 'protocol', '6', '0xff', 'link', '1:'], { match: [{ ip: { protocol: 6 } }], link: '1:' }),
  u32Case('htb class flowid, pref 3, chain 2', { parent: '1:', protocol: 'ip', pref: 3, chain: 2, setup: HTB }, ['match', 'ip', 'dst', '10.0.0.0/8', 'flowid', '1:10'], { match: [{ ip: { dst: '10.0.0.0/8' } }], flowid: '1:10' }),
  u32Case('ingress ffff: police', { parent: 'ffff:', protocol: 'ip', setup: INGRESS }, ['match', 'ip', 'src', '0.0.0.0/0', 'action', 'police', 'rate', '2mbit', 'burst', '20k', 'drop'], { match: [{ ip: { src: '0.0.0.0/0' } }], actions: [{ kind: 'police', rate: '2mbit', burst: '20k', control: 'drop' }] }),
  u32Case('police (the filter policer)', { protocol: 'ip' }, ['match', 'ip', 'src', '10.0.0.0/8', 'police', 'rate', '1mbit', 'burst', '10k', 'drop', 'flowid', ':1'], { match: [{ ip: { src: '10.0.0.0/8' } }], police: { rate: '1mbit', burst: '10k', control: 'drop' }, flowid: ':1' }),
  u32Case('police conform-exceed then action', { protocol: 'ip' }, ['match', 'u32', '0', '0', 'police', 'rate', '2mbit', 'burst', '20k', 'mtu', '2k', 'peakrate', '4mbit', 'conform-exceed', 'drop/pass', 'action', 'mirred', 'egress', 'mirror', 'dev', 'v1'], { match: [{ u32: 0, mask: 0, at: 0 }], police: { rate: '2mbit', burst: '20k', mtu: '2k', peakrate: '4mbit', conformExceed: 'drop/pass' }, actions: [{ kind: 'mirred', mirredAction: 'mirror', dev: 'v1' }] }),
  u32Case('egress pedit + mirred', { parent: 'egress', protocol: 'ip' }, ['match', 'ip', 'dst', '10.0.0.2', 'action', 'pedit', 'munge', 'ip', 'dst', 'set', '10.0.0.3', 'pipe', 'action', 'mirred', 'egress', 'redirect', 'dev', 'v1'], { match: [{ ip: { dst: '10.0.0.2' } }], actions: [{ kind: 'pedit', munge: [{ ip: 'dst', set: '10.0.0.3' }], control: 'pipe' }, { kind: 'mirred', mirredAction: 'redirect', dev: 'v1' }] }),
]);

/**
 * `tc actions …` on their own (RTM_*ACTION), through nl.tc.action.*.
 * Not compared here: `tc actions get` (tc sends it without NLM_F_ACK, the
 * library's engine asks an ack of every request that is not a dump: the
 * only difference) and `tc actions ls` (tc sends its dump with send(2),
 * which the strace capture does not record); both run live in
 * tc-filter-kinds.test.ts.
 */
goldenCases('tc bytes: standalone actions', [
  { name: 'actions add skbedit index', tc: ['actions', 'add', 'action', 'skbedit', 'mark', '5', 'index', '3'], lib: (nl) => nl.tc.action.add([{ kind: 'skbedit', mark: 5, index: 3 }]) },
  { name: 'actions add police index', tc: ['actions', 'add', 'action', 'police', 'rate', '1mbit', 'burst', '10k', 'drop', 'index', '9'], lib: (nl) => nl.tc.action.add([{ kind: 'police', rate: '1mbit', burst: '10k', control: 'drop', index: 9 }]) },
  { name: 'actions add vlan push + pedit', tc: ['actions', 'add', 'action', 'vlan', 'push', 'id', '7', 'index', '2', 'action', 'pedit', 'munge', 'offset', '12', 'u32', 'set', '0x0a000001', 'index', '4'], lib: (nl) => nl.tc.action.add([{ kind: 'vlan', vlanAction: 'push', id: 7, index: 2 }, { kind: 'pedit', munge: [{ offset: 12, u32: 0x0a000001 }], index: 4 }]) },
  { name: 'actions replace skbedit', tc: ['actions', 'replace', 'action', 'skbedit', 'priority', '1:1', 'index', '3'], lib: (nl) => nl.tc.action.replace([{ kind: 'skbedit', priority: '1:1', index: 3 }]) },
  { name: 'actions add mirred index', tc: ['actions', 'add', 'action', 'mirred', 'egress', 'mirror', 'dev', 'v1', 'index', '5'], lib: (nl) => nl.tc.action.add([{ kind: 'mirred', mirredAction: 'mirror', dev: 'v1', index: 5 }]) },
  { name: 'actions del police', tc: ['actions', 'del', 'action', 'police', 'index', '9'], lib: (nl) => nl.tc.action.del({ kind: 'police', index: 9 }) },
]);

/*
 * Not compared: `tc filter del … handle H flower` — tc runs flower's option
 * parser even with no options and so sends TCA_OPTIONS { TCA_FLOWER_FLAGS 0,
 * TCA_FLOWER_KEY_ETH_TYPE }, which the kernel ignores on delete; the
 * library's del sends the head only (as tc does for u32 and bpf).
 */
goldenCases('tc bytes: replace, change and matchall for the new kinds', [
  {
    name: 'flower replace',
    setup: CLSACT,
    tc: ['filter', 'replace', 'dev', 'v0', 'ingress', 'protocol', 'ip', 'pref', '2', 'handle', '3', 'flower', 'ip_proto', 'udp', 'dst_port', '4789', 'action', 'vlan', 'push', 'id', '9'],
    lib: (nl) => nl.tc.filter.replace({ dev: 'v0', parent: 'ingress', protocol: 'ip', pref: 2, handle: 3, kind: 'flower', options: { ipProto: 'udp', dstPort: 4789, actions: [{ kind: 'vlan', vlanAction: 'push', id: 9 }] } }),
  },
  {
    name: 'flower change',
    setup: CLSACT,
    tc: ['filter', 'change', 'dev', 'v0', 'ingress', 'protocol', 'ipv6', 'pref', '2', 'handle', '3', 'flower', 'dst_ip', 'fd00::1', 'skip_hw'],
    lib: (nl) => nl.tc.filter.change({ dev: 'v0', parent: 'ingress', protocol: 'ipv6', pref: 2, handle: 3, kind: 'flower', options: { dstIp: 'fd00::1', skipHw: true } }),
  },
  {
    name: 'u32 replace with skbedit',
    setup: CLSACT,
    tc: ['filter', 'replace', 'dev', 'v0', 'egress', 'protocol', 'ip', 'pref', '4', 'handle', '800::4', 'u32', 'match', 'ip', 'protocol', '1', '0xff', 'action', 'skbedit', 'queue_mapping', '1'],
    lib: (nl) => nl.tc.filter.replace({ dev: 'v0', parent: 'egress', protocol: 'ip', pref: 4, handle: '800::4', kind: 'u32', options: { match: [{ ip: { protocol: 1 } }], actions: [{ kind: 'skbedit', queueMapping: 1 }] } }),
  },
  {
    name: 'matchall egress police',
    setup: CLSACT,
    tc: ['filter', 'add', 'dev', 'v0', 'egress', 'pref', '9', 'handle', '1', 'matchall', 'action', 'police', 'rate', '100mbit', 'burst', '100k', 'conform-exceed', 'drop'],
    lib: (nl) => nl.tc.filter.add({ dev: 'v0', parent: 'egress', pref: 9, handle: 1, kind: 'matchall', options: { actions: [{ kind: 'police', rate: '100mbit', burst: '100k', conformExceed: 'drop' }] } }),
  },
  {
    name: 'matchall htb classid chain 1',
    setup: HTB,
    tc: ['filter', 'add', 'dev', 'v0', 'parent', '1:', 'pref', '1', 'handle', '2', 'chain', '1', 'matchall', 'classid', '1:10'],
    lib: (nl) => nl.tc.filter.add({ dev: 'v0', parent: '1:', pref: 1, handle: 2, chain: 1, kind: 'matchall', options: { classid: '1:10' } }),
  },
  {
    name: 'bpf on ingress ffff: with police',
    setup: INGRESS,
    tc: ['filter', 'add', 'dev', 'v0', 'parent', 'ffff:', 'pref', '3', 'handle', '1', 'bpf', 'bytecode', '1,6 0 0 65535,', 'action', 'police', 'rate', '1mbit', 'burst', '16k'],
    lib: (nl) => nl.tc.filter.add({ dev: 'v0', parent: 'ffff:', pref: 3, handle: 1, kind: 'bpf', options: { bytecode: [[6, 0, 0, 65535]], actions: [{ kind: 'police', rate: '1mbit', burst: '16k' }] } }),
  },
  withAction('police pkts_rate pkts_burst', ['police', 'pkts_rate', '1000', 'pkts_burst', '100', 'conform-exceed', 'drop/ok'], { kind: 'police', pktsRate: 1000, pktsBurst: 100, conformExceed: 'drop/ok' }),
  flower('tcp port with mask', { protocol: 'ip' }, ['ip_proto', 'tcp', 'dst_port', '0x1000/0xf000', 'src_port', '80/65535'], { ipProto: 'tcp', dstPort: '0x1000/0xf000', srcPort: '80/65535' }),
  flower('ip_flags frag/nofirstfrag', { protocol: 'ip' }, ['ip_flags', 'frag/nofirstfrag', 'ip_proto', 'udp'], { ipFlags: 'frag/nofirstfrag', ipProto: 'udp' }),
  flower('QinQ cvlan', { protocol: '802.1ad' }, ['vlan_id', '10', 'vlan_ethtype', '802.1q', 'cvlan_id', '20', 'cvlan_prio', '2', 'cvlan_ethtype', 'ipv6', 'ip_proto', 'tcp', 'dst_port', '22'], { vlanId: 10, vlanEthtype: '802.1q', cvlanId: 20, cvlanPrio: 2, cvlanEthtype: 'ipv6', ipProto: 'tcp', dstPort: 22 }),
  flower('ip_flags nofrag', { protocol: 'ipv6' }, ['ip_flags', 'nofrag'], { ipFlags: 'nofrag' }),
  flower('udp src port mask', { protocol: 'ipv6' }, ['ip_proto', 'udp', 'src_port', '1024/0xfc00'], { ipProto: 'udp', srcPort: '1024/0xfc00' }),
  bpfCase('bytecode police', ['bytecode', ACCEPT, 'police', 'rate', '1mbit', 'burst', '10k', 'conform-exceed', 'reclassify/ok'], { bytecode: ACCEPT, police: { rate: '1mbit', burst: '10k', conformExceed: 'reclassify/ok' } }),
  withAction('pedit munge ip ttl, tos, protocol', ['pedit', 'munge', 'ip', 'ttl', 'set', '64', 'munge', 'ip', 'tos', 'set', '0x10', 'munge', 'ip', 'protocol', 'set', '17'], { kind: 'pedit', munge: [{ ip: 'ttl', set: 64 }, { ip: 'tos', set: 0x10 }, { ip: 'protocol', set: 17 }] }),
  withAction('pedit munge offset u16 and u8', ['pedit', 'munge', 'offset', '2', 'u16', 'set', '0x1234', 'munge', 'offset', '5', 'u8', 'set', '0xab', 'munge', 'offset', '0', 'u16', 'set', '7'], { kind: 'pedit', munge: [{ offset: 2, u16: 0x1234 }, { offset: 5, u8: 0xab }, { offset: 0, u16: 7 }] }),
  withAction('police mtu only', ['police', 'mtu', '1500', 'drop'], { kind: 'police', mtu: 1500, control: 'drop' }),
  withAction('skbedit cookie', ['skbedit', 'mark', '7', 'cookie', 'a1b2c3'], { kind: 'skbedit', mark: 7, cookie: 'a1b2c3' }),
  withAction('vlan push 802.1q with pipe and index', ['vlan', 'push', 'id', '4095', 'protocol', '802.1q', 'pipe', 'index', '11'], { kind: 'vlan', vlanAction: 'push', id: 4095, protocol: '802.1q', control: 'pipe', index: 11 }),
]);
