/**
 * The rule messages' wire tables: struct fib_rule_hdr and FRA_*
 * (linux/fib_rules.h), each entry `name: [id, type, 'UAPI_NAME']`.
 * @module
 */
import { attrs, rd, struct, t, type ValueCodec } from '../codec.js';
import { checkInt } from '../types.js';

/** struct fib_rule_hdr (linux/fib_rules.h). */
export interface FibRuleHdr {
  family: number;
  dstLen: number;
  srcLen: number;
  tos: number;
  table: number;
  action: number;
  flags: number;
}
/** The fib_rule_hdr header codec. */
export const fibRuleHdr = struct<FibRuleHdr>('fib_rule_hdr', [
  ['family', 'u8', 'family'],
  ['dstLen', 'u8', 'dst_len'],
  ['srcLen', 'u8', 'src_len'],
  ['tos', 'u8', 'tos'],
  ['table', 'u8', 'table'],
  ['_res1', 'pad8', 'res1'],
  ['_res2', 'pad8', 'res2'],
  ['action', 'u8', 'action'],
  ['flags', 'u32', 'flags'],
]);

/** A port or uid range: one number, or `[start, end]`. */
export type RuleRange = number | readonly [number, number];

/** struct fib_rule_port_range (two u16) or fib_rule_uid_range (two u32), as one number when both ends agree. */
function range(kind: 'u16' | 'u32'): ValueCodec<RuleRange> {
  const max = kind === 'u16' ? 0xffff : 0xffffffff;
  const half = kind === 'u16' ? 2 : 4;
  const read = kind === 'u16' ? rd.u16 : rd.u32;
  return {
    sizes: [2 * half],
    encode(w, v, field) {
      const [a, b] = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : [NaN, NaN];
      checkInt(a, `${field}[0]`, 0, max);
      checkInt(b, `${field}[1]`, a, max);
      if (kind === 'u16') {
        w.u16(a);
        w.u16(b);
      } else {
        w.u32(a);
        w.u32(b);
      }
    },
    decode(b, off) {
      const x = read(b, off);
      const y = read(b, off + half);
      return x === y ? x : [x, y];
    },
  };
}

/** A big-endian u64 (FRA_TUN_ID). */
const be64: ValueCodec<number> = {
  sizes: [8],
  encode(w, v, field) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new TypeError(`${field} must be a non-negative integer`);
    w.ensure(8);
    w.pos = w.buf.writeBigUInt64BE(BigInt(v), w.pos);
  },
  decode: (b, o) => b.readUInt32BE(o + 4) + b.readUInt32BE(o) * 4294967296,
};

/** FRA_* (linux/fib_rules.h) that map one to one onto rule fields. */
export interface FraAttrs {
  iif: string;
  goto: number;
  priority: number;
  fwmark: number;
  realms: number;
  tunId: number;
  suppressIfgroup: number;
  suppressPrefixlen: number;
  tableId: number;
  fwmask: number;
  oif: string;
  l3mdev: boolean;
  uidrange: RuleRange;
  /** RTPROT_* number (named by the family). */
  protocol: number;
  /** IPPROTO_* number (named by the family). */
  ipproto: number;
  sport: RuleRange;
  dport: RuleRange;
  dscp: number;
  flowlabel: number;
  flowlabelMask: number;
  sportMask: number;
  dportMask: number;
  dscpMask: number;
  from: string;
  to: string;
}
/** The rule table. */
export const ruleAttrs = attrs<FraAttrs>('rule', {
  to: [1, t.ip, 'FRA_DST'],
  from: [2, t.ip, 'FRA_SRC'],
  iif: [3, t.string, 'FRA_IIFNAME'],
  goto: [4, t.u32, 'FRA_GOTO'],
  priority: [6, t.u32, 'FRA_PRIORITY'],
  fwmark: [10, t.u32, 'FRA_FWMARK'],
  realms: [11, t.u32, 'FRA_FLOW'],
  tunId: [12, be64, 'FRA_TUN_ID'],
  suppressIfgroup: [13, t.u32, 'FRA_SUPPRESS_IFGROUP'],
  suppressPrefixlen: [14, t.u32, 'FRA_SUPPRESS_PREFIXLEN'],
  tableId: [15, t.u32, 'FRA_TABLE'],
  fwmask: [16, t.u32, 'FRA_FWMASK'],
  oif: [17, t.string, 'FRA_OIFNAME'],
  l3mdev: [19, t.bool, 'FRA_L3MDEV'],
  uidrange: [20, range('u32'), 'FRA_UID_RANGE'],
  protocol: [21, t.u8, 'FRA_PROTOCOL'],
  ipproto: [22, t.u8, 'FRA_IP_PROTO'],
  sport: [23, range('u16'), 'FRA_SPORT_RANGE'],
  dport: [24, range('u16'), 'FRA_DPORT_RANGE'],
  dscp: [25, t.u8, 'FRA_DSCP'],
  flowlabel: [26, t.be32, 'FRA_FLOWLABEL'],
  flowlabelMask: [27, t.be32, 'FRA_FLOWLABEL_MASK'],
  sportMask: [28, t.u16, 'FRA_SPORT_MASK'],
  dportMask: [29, t.u16, 'FRA_DPORT_MASK'],
  dscpMask: [30, t.u8, 'FRA_DSCP_MASK'],
}, { FRA_PAD: 18 });
