/**
 * What the decoders do with what they do not know, kernel-free, on
 * hand-made replies: an attribute id no table has (a newer kernel's) is
 * never fatal, leaves the known fields as they were and is kept as
 * `unknown: { [type]: hex of its payload }` (top level and nested, every
 * family that decodes with the codec); an attribute the library knows but
 * deliberately leaves undecoded (IFLA_STATS, …) is not listed; a link kind without
 * a table lists its IFLA_INFO_DATA raw (`info: { raw: hex }`), as a port kind
 * without one lists its IFLA_INFO_SLAVE_DATA; a malformed known attribute is
 * still a DecodeError.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../lib/errors.js';
import { eventKind } from '../lib/events.js';
import '../lib/index.js'; // registers every family's decoders
import { parseAddrlabel } from '../lib/addrlabel.js';
import { parseBridgePort } from '../lib/bridge.js';
import { parseNexthop } from '../lib/nexthop.js';

/** An attribute: header, payload, padding. */
function attr(type: number, payload: Buffer | string | number[]): Buffer {
  const p = typeof payload === 'string' ? Buffer.from(`${payload}\0`) : Buffer.from(payload);
  const b = Buffer.alloc((4 + p.length + 3) & ~3);
  b.writeUInt16LE(4 + p.length, 0);
  b.writeUInt16LE(type, 2);
  p.copy(b, 4);
  return b;
}
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};
const nest = (type: number, ...children: Buffer[]) => attr(type, Buffer.concat(children));

/** A whole message: nlmsghdr, fixed header, attributes. */
function msg(type: number, header: Buffer, ...attrs: Buffer[]): Buffer {
  const body = Buffer.concat([header, ...attrs]);
  const b = Buffer.alloc(16 + body.length);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(type, 4);
  body.copy(b, 16);
  return b;
}

/** A message's buffer, payload offset and end: what a family's parser takes. */
const body = (m: Buffer): [Buffer, number, number] => [m, 16, m.length];

/** Decodes a message with the decoder registered for its type (what a list and a monitor use). */
function decode(m: Buffer): Record<string, any> {
  const type = m.readUInt16LE(4);
  const k = eventKind(type);
  if (!k) throw new Error(`no decoder for type ${type}`);
  const v = k.decode(m, 16, m.length, type);
  if (!v) throw new Error('the decoder dropped the message');
  return (v as { data?: Record<string, any> }).data ?? v;
}

// ifinfomsg: family 0, type ARPHRD_ETHER (1), index 7, flags IFF_UP, change 0
const ifi = Buffer.alloc(16);
ifi.writeUInt16LE(1, 2);
ifi.writeInt32LE(7, 4);
ifi.writeUInt32LE(1, 8);

const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const IFLA_INFO_SLAVE_KIND = 4;
const IFLA_INFO_SLAVE_DATA = 5;
const UNKNOWN = 0x3f0; // no table has it (a future kernel's attribute)

describe('unknown attributes and kinds in replies (kernel-free)', () => {
  it('a link with an unknown top-level attribute keeps its known fields', () => {
    const base = decode(msg(16, ifi, attr(IFLA_IFNAME, 'x0'), attr(IFLA_MTU, u32(1400))));
    const withUnknown = decode(msg(16, ifi, attr(IFLA_IFNAME, 'x0'), attr(UNKNOWN, [1, 2, 3, 4, 5]), attr(IFLA_MTU, u32(1400))));
    expect(base).toMatchObject({ index: 7, name: 'x0', mtu: 1400, up: true });
    expect(base.unknown).toBeUndefined();
    expect(withUnknown).toEqual({ ...base, unknown: { [UNKNOWN]: '0102030405' } });
  });

  it('two unknown ids are both kept, with their bytes', () => {
    const l = decode(msg(16, ifi, attr(IFLA_IFNAME, 'x0'), attr(UNKNOWN, u32(0xdeadbeef)), attr(UNKNOWN + 1, [])));
    expect(l.unknown).toEqual({ [UNKNOWN]: u32(0xdeadbeef).toString('hex'), [UNKNOWN + 1]: '' });
  });

  it('attributes known but deliberately not decoded (IFLA_STATS, IFLA_MAP, IFLA_AF_SPEC, IFLA_XDP, …) are not listed as unknown', () => {
    const l = decode(msg(16, ifi, attr(IFLA_IFNAME, 'x0'), attr(7, Buffer.alloc(96)), attr(14, Buffer.alloc(32)), nest(26, nest(2, attr(1, u32(0)))), nest(43, attr(2, [0])), attr(68, [0, 0])));
    expect(l).toMatchObject({ name: 'x0' });
    expect(l.unknown).toBeUndefined();
  });

  it('an unknown attribute inside IFLA_LINKINFO and inside a known kind\'s data is kept there', () => {
    // bridge: IFLA_BR_STP_STATE (5) = 1, plus an id the bridge table lacks
    const m = msg(16, ifi, attr(IFLA_IFNAME, 'br9'), nest(IFLA_LINKINFO, attr(IFLA_INFO_KIND, 'bridge'), attr(UNKNOWN, u32(9)), nest(IFLA_INFO_DATA, attr(5, u32(1)), attr(UNKNOWN, u32(77)))));
    const l = decode(m);
    expect(l).toMatchObject({ name: 'br9', kind: 'bridge', info: { stpState: 1, unknown: { [UNKNOWN]: u32(77).toString('hex') } } });
    expect(Object.keys(l.info)).toEqual(['stpState', 'unknown']);
    expect(l.linkinfoUnknown).toEqual({ [UNKNOWN]: u32(9).toString('hex') });
    expect(l.unknown).toBeUndefined();
  });

  it('a known kind\'s reported-but-ignored data (vxlan 32/33, bridge 47..49) is not unknown; a port kind\'s unknown is kept', () => {
    const vx = decode(msg(16, ifi, attr(IFLA_IFNAME, 'vx9'), nest(IFLA_LINKINFO, attr(IFLA_INFO_KIND, 'vxlan'), nest(IFLA_INFO_DATA, attr(1, u32(5)), attr(32, u32(0)), attr(33, Buffer.alloc(8))))));
    expect(vx.info).toEqual({ id: 5 });
    const p = decode(msg(16, ifi, attr(IFLA_IFNAME, 'p9'), nest(IFLA_LINKINFO, attr(IFLA_INFO_KIND, 'veth'), attr(IFLA_INFO_SLAVE_KIND, 'bridge'), nest(IFLA_INFO_SLAVE_DATA, attr(3, u32(7)), attr(35, [0]), attr(UNKNOWN, [1, 2])))));
    expect(p.slaveInfo).toMatchObject({ cost: 7, unknown: { [UNKNOWN]: '0102' } });
    expect(Object.keys(p.slaveInfo.unknown)).toEqual([String(UNKNOWN)]);
  });

  it('a kind without a table lists its IFLA_INFO_DATA raw', () => {
    const data = Buffer.concat([attr(1, u32(0x01020304)), attr(2, 'abc')]);
    const l = decode(msg(16, ifi, attr(IFLA_IFNAME, 'hsr0'), nest(IFLA_LINKINFO, attr(IFLA_INFO_KIND, 'frobnicator'), attr(IFLA_INFO_DATA, data))));
    expect(l).toMatchObject({ name: 'hsr0', kind: 'frobnicator', info: { raw: data.toString('hex') } });
  });

  it('a kind without a table and without data lists info {}', () => {
    const l = decode(msg(16, ifi, attr(IFLA_IFNAME, 'z0'), nest(IFLA_LINKINFO, attr(IFLA_INFO_KIND, 'frobnicator'))));
    expect(l).toMatchObject({ kind: 'frobnicator', info: {} });
  });

  it('a port kind without a table lists its IFLA_INFO_SLAVE_DATA raw', () => {
    const sdata = attr(3, u32(42));
    const l = decode(msg(16, ifi, attr(IFLA_IFNAME, 'p0'), nest(IFLA_LINKINFO, attr(IFLA_INFO_KIND, 'veth'), attr(IFLA_INFO_SLAVE_KIND, 'team'), attr(IFLA_INFO_SLAVE_DATA, sdata))));
    expect(l).toMatchObject({ kind: 'veth', slaveKind: 'team', slaveInfo: { raw: sdata.toString('hex') } });
  });

  it('a known attribute of a wrong size is still a DecodeError naming it', () => {
    expect(() => decode(msg(16, ifi, attr(IFLA_IFNAME, 'x0'), attr(IFLA_MTU, [1, 2])))).toThrow(DecodeError);
    expect(() => decode(msg(16, ifi, attr(IFLA_MTU, [1, 2])))).toThrow(/mtu/);
  });

  // ifaddrmsg: AF_INET, /24, flags 0, scope 0, index 7; IFA_ADDRESS (1), IFA_LOCAL (2)
  const ifa = Buffer.from([2, 24, 0, 0, 7, 0, 0, 0]);
  const ip4 = [10, 0, 0, 1];
  it('an address with an unknown attribute keeps its known fields', () => {
    const base = decode(msg(20, ifa, attr(1, ip4), attr(2, ip4)));
    const withUnknown = decode(msg(20, ifa, attr(1, ip4), attr(UNKNOWN, [9, 9, 9]), attr(2, ip4)));
    expect(base).toMatchObject({ family: 'inet', index: 7, address: '10.0.0.1', prefixlen: 24 });
    expect(withUnknown).toEqual({ ...base, unknown: { [UNKNOWN]: '090909' } });
    // the scratch object a hot decoder reuses: the next message has no stale unknown
    expect(decode(msg(20, ifa, attr(1, ip4), attr(2, ip4)))).toEqual(base);
  });

  // rtmsg: AF_INET, dst_len 16, src 0, tos 0, table main, proto boot, scope universe, type unicast; RTA_DST (1), RTA_OIF (4)
  const rtm = Buffer.from([2, 16, 0, 0, 254, 3, 0, 1, 0, 0, 0, 0]);
  it('a route with an unknown attribute (and an unknown metric) keeps its known fields', () => {
    const RTA_METRICS = 8;
    const base = decode(msg(24, rtm, attr(1, [10, 9, 0, 0]), attr(4, u32(7)), nest(RTA_METRICS, attr(2, u32(1400)))));
    const withUnknown = decode(msg(24, rtm, attr(1, [10, 9, 0, 0]), attr(UNKNOWN, u32(1)), attr(4, u32(7)), nest(RTA_METRICS, attr(2, u32(1400)), attr(0x3e, u32(5)))));
    expect(base).toMatchObject({ dst: '10.9.0.0/16', oif: 7 });
    expect(withUnknown).toEqual({ ...base, unknown: { [UNKNOWN]: u32(1).toString('hex') }, metrics: { ...base.metrics, unknown: { 0x3e: u32(5).toString('hex') } } });
    expect(decode(msg(24, rtm, attr(1, [10, 9, 0, 0]), attr(4, u32(7)), nest(RTA_METRICS, attr(2, u32(1400)))))).toEqual(base);
  });

  it('an unknown attribute inside a path of RTA_MULTIPATH is kept on that path', () => {
    const RTA_MULTIPATH = 9;
    const RTA_GATEWAY = 5;
    const path = (ifindex: number, ...a: Buffer[]) => {
      const body = Buffer.concat(a);
      const h = Buffer.alloc(8);
      h.writeUInt16LE(8 + body.length, 0);
      h.writeInt32LE(ifindex, 4);
      return Buffer.concat([h, body]);
    };
    const r = decode(msg(24, rtm, attr(1, [10, 9, 0, 0]), attr(RTA_MULTIPATH, Buffer.concat([path(7, attr(RTA_GATEWAY, [10, 0, 0, 2]), attr(UNKNOWN, [7, 7])), path(8, attr(RTA_GATEWAY, [10, 0, 0, 3]))]))));
    expect(r.nexthops).toMatchObject([{ oif: 7, gateway: '10.0.0.2', unknown: { [UNKNOWN]: '0707' } }, { oif: 8, gateway: '10.0.0.3' }]);
    expect(r.nexthops[1].unknown).toBeUndefined();
    expect(r.unknown).toBeUndefined();
  });

  // ndmsg: AF_INET, index 7, state permanent, flags 0, type 0; NDA_DST (1), NDA_LLADDR (2)
  const ndm = Buffer.from([2, 0, 0, 0, 7, 0, 0, 0, 0x80, 0, 0, 0]);
  it('a neighbour with an unknown attribute keeps its known fields', () => {
    const mac = [2, 0, 0, 0, 0, 9];
    const base = decode(msg(28, ndm, attr(1, ip4), attr(2, mac)));
    const withUnknown = decode(msg(28, ndm, attr(1, ip4), attr(UNKNOWN, [1]), attr(2, mac)));
    expect(base).toMatchObject({ address: '10.0.0.1', lladdr: '02:00:00:00:00:09' });
    expect(withUnknown).toEqual({ ...base, unknown: { [UNKNOWN]: '01' } });
  });

  // fib_rule_hdr: AF_INET, dst_len 0, src_len 8, tos 0, table 100, res 0 0, action to_tbl; FRA_SRC (2), FRA_PRIORITY (6)
  const frh = Buffer.from([2, 0, 8, 0, 100, 0, 0, 1, 0, 0, 0, 0]);
  it('a rule with an unknown attribute keeps its known fields', () => {
    const base = decode(msg(32, frh, attr(2, [10, 0, 0, 0]), attr(6, u32(100))));
    const withUnknown = decode(msg(32, frh, attr(2, [10, 0, 0, 0]), attr(UNKNOWN, u32(3)), attr(6, u32(100))));
    expect(base).toMatchObject({ from: '10.0.0.0/8', priority: 100 });
    expect(withUnknown).toEqual({ ...base, unknown: { [UNKNOWN]: u32(3).toString('hex') } });
  });

  // nhmsg: AF_INET, scope 0, protocol 0, flags 0; NHA_ID (1), NHA_OIF (5); 14..17 (NHA_OP_FLAGS …) are known, not decoded
  const nhm = Buffer.from([2, 0, 0, 0, 0, 0, 0, 0]);
  it('a nexthop object with an unknown attribute keeps its known fields and the unknown one', () => {
    const base = parseNexthop(...body(msg(104, nhm, attr(1, u32(5)), attr(5, u32(7)), attr(16, u32(0)))))!;
    const withUnknown = parseNexthop(...body(msg(104, nhm, attr(1, u32(5)), attr(UNKNOWN, [4, 4]), attr(5, u32(7)))))!;
    expect(base).toMatchObject({ id: 5, dev: 7 });
    expect(base.unknown).toBeUndefined();
    expect(withUnknown).toEqual({ ...base, unknown: { [UNKNOWN]: '0404' } });
    expect(decode(msg(104, nhm, attr(1, u32(5)), attr(UNKNOWN, [4, 4])))).toMatchObject({ id: 5, unknown: { [UNKNOWN]: '0404' } });
  });

  // ifaddrlblmsg: AF_INET6, prefixlen 48, index 0; IFAL_ADDRESS (1), IFAL_LABEL (2)
  const ifal = Buffer.from([10, 0, 48, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  it('an addrlabel with an unknown attribute keeps its known fields and the unknown one', () => {
    const a6 = Buffer.from('20010db8000700000000000000000000', 'hex');
    const base = parseAddrlabel(...body(msg(72, ifal, attr(1, a6), attr(2, u32(99)))))!;
    const withUnknown = parseAddrlabel(...body(msg(72, ifal, attr(1, a6), attr(UNKNOWN, u32(1)), attr(2, u32(99)))))!;
    expect(base).toEqual({ prefix: '2001:db8:7::/48', label: 99 });
    expect(withUnknown).toEqual({ ...base, unknown: { [UNKNOWN]: u32(1).toString('hex') } });
  });

  // netconfmsg: AF_INET (+3 pad); NETCONFA_IFINDEX (1), NETCONFA_FORWARDING (2)
  it('a netconf entry with an unknown attribute keeps its known fields and the unknown one', () => {
    const ncm = Buffer.from([2, 0, 0, 0]);
    const base = decode(msg(80, ncm, attr(1, u32(7)), attr(2, u32(1))));
    const withUnknown = decode(msg(80, ncm, attr(1, u32(7)), attr(UNKNOWN, [5]), attr(2, u32(1))));
    expect(base).toEqual({ family: 'inet', dev: 7, forwarding: true });
    expect(withUnknown).toEqual({ ...base, unknown: { [UNKNOWN]: '05' } });
  });

  // rtgenmsg (+3 pad); NETNSA_NSID (1)
  it('an nsid notification with an unknown attribute keeps it', () => {
    const rtg = Buffer.from([0, 0, 0, 0]);
    expect(decode(msg(88, rtg, attr(1, u32(3)), attr(UNKNOWN, [1, 2, 3])))).toEqual({ nsid: 3, unknown: { [UNKNOWN]: '010203' } });
  });

  // AF_BRIDGE ifinfomsg; IFLA_PROTINFO (12, nested) holds IFLA_BRPORT_*: COST (3), MRP_RING_OPEN (35, known, not decoded)
  it('a bridge port with an unknown IFLA_BRPORT_* attribute keeps it', () => {
    const bifi = Buffer.from(ifi);
    bifi[0] = 7;
    const p = parseBridgePort(...body(msg(16, bifi, attr(IFLA_IFNAME, 'p0'), nest(12 | 0x8000, attr(3, u32(9)), attr(35, [0]), attr(UNKNOWN, [8])))))!;
    expect(p).toMatchObject({ dev: 'p0', cost: 9, unknown: { [UNKNOWN]: '08' } });
    expect(Object.keys(p.unknown!)).toEqual([String(UNKNOWN)]);
  });

  // tcmsg: AF_UNSPEC, index 7, handle 1:, parent root; TCA_KIND (1), TCA_STATS (3, known, not decoded)
  it('a qdisc with an unknown attribute keeps it; the old TCA_STATS is not unknown', () => {
    const tcm = Buffer.alloc(20);
    tcm.writeInt32LE(7, 4);
    tcm.writeUInt32LE(0x10000, 8);
    tcm.writeUInt32LE(0xffffffff, 12);
    const base = decode(msg(36, tcm, attr(1, 'ingress'), attr(3, Buffer.alloc(36))));
    const withUnknown = decode(msg(36, tcm, attr(1, 'ingress'), attr(3, Buffer.alloc(36)), attr(UNKNOWN, [6, 6])));
    expect(base).toMatchObject({ index: 7, kind: 'ingress' });
    expect(base.unknown).toBeUndefined();
    expect(withUnknown).toEqual({ ...base, unknown: { [UNKNOWN]: '0606' } });
  });
});
