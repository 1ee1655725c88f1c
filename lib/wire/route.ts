/**
 * The route messages' wire tables: struct rtmsg, RTA_* and RTAX_*
 * (linux/rtnetlink.h), struct rtnexthop and rtvia, each entry
 * `name: [id, type, 'UAPI_NAME']`.
 * @module
 */
import { attrs, encodeAttr, enumOf, fail, flagsOf, ipOf, pathOf, rd, struct, t, type AttrTable, type UnknownAttrs, type ValueCodec, type Writer } from '../codec.js';
import { AF, formatIp, parseIp, type ParsedIp } from '../types.js';

/** struct rtmsg (linux/rtnetlink.h). */
export interface RtMsg {
  family: number;
  dstLen: number;
  srcLen: number;
  tos: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  flags: number;
}
/** The rtmsg header codec. */
export const rtmsg = struct<RtMsg>('rtmsg', [
  ['family', 'u8', 'rtm_family'],
  ['dstLen', 'u8', 'rtm_dst_len'],
  ['srcLen', 'u8', 'rtm_src_len'],
  ['tos', 'u8', 'rtm_tos'],
  ['table', 'u8', 'rtm_table'],
  ['protocol', 'u8', 'rtm_protocol'],
  ['scope', 'u8', 'rtm_scope'],
  ['type', 'u8', 'rtm_type'],
  ['flags', 'u32', 'rtm_flags'],
]);

/** Route metrics (`RTA_METRICS` → `RTAX_*`), as `ip route … mtu N advmss N …` sets them. */
export interface RouteMetrics {
  /** `lock M…` — metrics the kernel must not change (e.g. `['mtu']`). */
  lock?: (Exclude<keyof RouteMetrics, 'lock'> | number)[];
  /** `mtu`. */
  mtu?: number;
  /** `window`. */
  window?: number;
  /** `rtt` in milliseconds (the kernel keeps 1/8 ms). */
  rtt?: number;
  /** `rttvar` in milliseconds (the kernel keeps 1/4 ms). */
  rttvar?: number;
  /** `ssthresh`. */
  ssthresh?: number;
  /** `cwnd`. */
  cwnd?: number;
  /** `advmss`. */
  advmss?: number;
  /** `reordering`. */
  reordering?: number;
  /** `hoplimit`. */
  hoplimit?: number;
  /** `initcwnd`. */
  initcwnd?: number;
  /** `features` (`ecn`). */
  features?: ('ecn' | 'sack' | 'timestamp' | 'allfrag' | number)[];
  /** `rto_min` in milliseconds. */
  rtoMin?: number;
  /** `initrwnd`. */
  initrwnd?: number;
  /** `quickack` (0/1). */
  quickack?: number;
  /** `congctl NAME`. */
  ccAlgo?: string;
  /** `fastopen_no_cookie` (0/1). */
  fastopenNoCookie?: number;
}

/** A u32 kept by the kernel in 1/`n` units and shown in whole units, as `ip` does for rtt and rttvar. */
function scaled(n: number): ValueCodec<number> {
  return {
    sizes: [4],
    encode(w, v, field) {
      t.u32.encode(w, v * n, field);
    },
    decode: (b, o) => Math.floor(rd.u32(b, o) / n),
  };
}

/** RTAX_FEATURE_* (the bits of RTAX_FEATURES), by the names `ip route … features` takes. */
export const metricFeatures = { ecn: 1, sack: 2, timestamp: 4, allfrag: 8 } as const;

/** RTAX_* but the lock: RTAX_LOCK's bits are `1 << id` of these. */
const metricEntries = {
  mtu: [2, t.u32, 'RTAX_MTU'],
  window: [3, t.u32, 'RTAX_WINDOW'],
  rtt: [4, scaled(8), 'RTAX_RTT'],
  rttvar: [5, scaled(4), 'RTAX_RTTVAR'],
  ssthresh: [6, t.u32, 'RTAX_SSTHRESH'],
  cwnd: [7, t.u32, 'RTAX_CWND'],
  advmss: [8, t.u32, 'RTAX_ADVMSS'],
  reordering: [9, t.u32, 'RTAX_REORDERING'],
  hoplimit: [10, t.u32, 'RTAX_HOPLIMIT'],
  initcwnd: [11, t.u32, 'RTAX_INITCWND'],
  features: [12, flagsOf(t.u32, metricFeatures), 'RTAX_FEATURES'],
  rtoMin: [13, t.u32, 'RTAX_RTO_MIN'],
  initrwnd: [14, t.u32, 'RTAX_INITRWND'],
  quickack: [15, t.u32, 'RTAX_QUICKACK'],
  ccAlgo: [16, t.string, 'RTAX_CC_ALGO'],
  fastopenNoCookie: [17, t.u32, 'RTAX_FASTOPEN_NO_COOKIE'],
} as const;
/** RTAX_LOCK's bits, by the name of the metric each one locks (`lock mtu`). */
export const metricLockBits = Object.fromEntries(Object.entries(metricEntries).map(([k, [id]]) => [k, 1 << id])) as Record<keyof typeof metricEntries, number>;

/** RTA_METRICS: RTAX_*. */
export const metricsTable = attrs<RouteMetrics>('metrics', {
  lock: [1, flagsOf(t.u32, metricLockBits), 'RTAX_LOCK'],
  ...metricEntries,
});

/** A gateway as the families write it: RTA_GATEWAY bytes, or RTA_VIA when its family differs from the route's. */
export type GatewayIn = ParsedIp;

/** RTA_VIA (struct rtvia: a u16 family, then the address): a gateway of another family than the route's. */
const via: ValueCodec<string> = {
  min: 2,
  encode(w, v, field) {
    const ip = typeof v === 'string' ? parseIp(v, field) : (v as unknown as ParsedIp);
    w.u16(ip.family === 'inet' ? AF.INET : AF.INET6);
    w.bytes(ip.bytes);
  },
  decode(b, off, len, at, name) {
    if (len !== 6 && len !== 18) fail(at, name, `struct rtvia of ${len} bytes holds no IPv4 or IPv6 address`);
    return formatIp(b, off + 2, len - 2);
  },
};


// ---------------------------------------------------------------------------
// Lightweight tunnel encapsulation (RTA_ENCAP_TYPE + RTA_ENCAP) and MPLS labels

/** LWTUNNEL_ENCAP_* (linux/lwtunnel.h): what RTA_ENCAP_TYPE says RTA_ENCAP holds, by the names of `ip route … encap TYPE`. */
export const encapTypes = { mpls: 1, ip: 2, ila: 3, ip6: 4, seg6: 5, bpf: 6, seg6local: 7, rpl: 8, ioam6: 9, xfrm: 10 } as const;
/** An encapsulation type's name. */
export type EncapTypeName = keyof typeof encapTypes;

/** The highest MPLS label (20 bits). */
export const MPLS_LABEL_MAX = 0xfffff;

/**
 * An MPLS label stack (RTA_DST and RTA_NEWDST of AF_MPLS routes,
 * MPLS_IPTUNNEL_DST): one big-endian u32 per label (struct mpls_label,
 * linux/mpls.h: label << 12, the bottom-of-stack bit 0x100 on the last,
 * traffic class and TTL 0), read back as the list of labels.
 */
export const labelStack: ValueCodec<number[]> = {
  min: 4,
  encode(w, v, field) {
    if (!Array.isArray(v) || v.length === 0) throw new TypeError(`${field} must be a non-empty array of MPLS labels`);
    v.forEach((l, i) => {
      if (!Number.isInteger(l) || l < 0 || l > MPLS_LABEL_MAX) throw new RangeError(`${field}[${i}] must be an MPLS label in 0..${MPLS_LABEL_MAX}, got ${String(l)}`);
      w.be32(((l << 12) | (i === v.length - 1 ? 0x100 : 0)) >>> 0);
    });
  },
  decode(b, off, len, at, name) {
    if (len % 4) fail(at, name, `a label stack of ${len} bytes is not a whole number of 4-byte entries`);
    const out: number[] = [];
    for (let i = 0; i < len; i += 4) out.push(b.readUInt32BE(off + i) >>> 12);
    return out;
  },
};

/** MPLS_IPTUNNEL_* (linux/mpls_iptunnel.h): `encap mpls LABEL[/LABEL…] [ttl N]`. */
export interface MplsEncapAttrs {
  labels: number[];
  ttl: number;
}
/** RTA_ENCAP of LWTUNNEL_ENCAP_MPLS. */
export const mplsEncapTable = attrs<MplsEncapAttrs>('encap.mpls', {
  labels: [1, labelStack, 'MPLS_IPTUNNEL_DST'],
  ttl: [2, t.u8, 'MPLS_IPTUNNEL_TTL'],
});

/** A big-endian u64 (LWTUNNEL_IP_ID, the tunnel key): a Number while it is safe, else a BigInt. */
const be64: ValueCodec<number | bigint> = {
  sizes: [8],
  encode(w, v, field) {
    if (typeof v === 'bigint' ? v < 0n || v > 0xffffffffffffffffn : !Number.isSafeInteger(v) || v < 0)
      throw new RangeError(`${field} must be an integer in 0..2^64-1 (a BigInt past 2^53), got ${String(v)}`);
    w.ensure(8);
    w.pos = w.buf.writeBigUInt64BE(BigInt(v), w.pos);
  },
  decode(b, off) {
    const v = b.readBigUInt64BE(off);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  },
};

/** TUNNEL_* (linux/if_tunnel.h, big-endian in LWTUNNEL_IP_FLAGS): `key`, `csum`, `seq`. */
export const tunnelFlags = { csum: 0x01, key: 0x04, seq: 0x08 } as const;

/** LWTUNNEL_IP_* (linux/lwtunnel.h): `encap ip [id ID] [dst ADDR] [src ADDR] [ttl N] [tos N] [key] [csum] [seq]`. */
export interface IpEncapAttrs {
  id: number | bigint;
  dst: string;
  src: string;
  ttl: number;
  tos: number;
  flags: (keyof typeof tunnelFlags | number)[];
}
/** RTA_ENCAP of LWTUNNEL_ENCAP_IP. */
export const ipEncapTable = attrs<IpEncapAttrs>('encap.ip', {
  id: [1, be64, 'LWTUNNEL_IP_ID'],
  dst: [2, ipOf('inet'), 'LWTUNNEL_IP_DST'],
  src: [3, ipOf('inet'), 'LWTUNNEL_IP_SRC'],
  ttl: [4, t.u8, 'LWTUNNEL_IP_TTL'],
  tos: [5, t.u8, 'LWTUNNEL_IP_TOS'],
  flags: [6, flagsOf(t.be16, tunnelFlags), 'LWTUNNEL_IP_FLAGS'],
}, { LWTUNNEL_IP_PAD: 7 });

/** LWTUNNEL_IP6_* (linux/lwtunnel.h): `encap ip6 [id ID] [dst ADDR] [src ADDR] [hoplimit N] [tc N] [key] [csum] [seq]`. */
export interface Ip6EncapAttrs {
  id: number | bigint;
  dst: string;
  src: string;
  hoplimit: number;
  tc: number;
  flags: (keyof typeof tunnelFlags | number)[];
}
/** RTA_ENCAP of LWTUNNEL_ENCAP_IP6. */
export const ip6EncapTable = attrs<Ip6EncapAttrs>('encap.ip6', {
  id: [1, be64, 'LWTUNNEL_IP6_ID'],
  dst: [2, ipOf('inet6'), 'LWTUNNEL_IP6_DST'],
  src: [3, ipOf('inet6'), 'LWTUNNEL_IP6_SRC'],
  hoplimit: [4, t.u8, 'LWTUNNEL_IP6_HOPLIMIT'],
  tc: [5, t.u8, 'LWTUNNEL_IP6_TC'],
  flags: [6, flagsOf(t.be16, tunnelFlags), 'LWTUNNEL_IP6_FLAGS'],
}, { LWTUNNEL_IP6_PAD: 7 });

/** A segment list as `ip … segs A,B,C` gives it: the first segment first; `hmac` a key id (SR6_TLV_HMAC). */
export interface Srh {
  segs: string[];
  hmac?: number;
}

const SRH_HEAD = 8; // struct ipv6_sr_hdr without its segments
const SR6_FLAG1_HMAC = 1 << 3;
const SR6_TLV_HMAC = 5;
const HMAC_TLV = 40; // struct sr6_tlv_hmac: type, len, reserved, key id, 32 bytes of HMAC

/**
 * Writes a struct ipv6_sr_hdr (linux/seg6.h) as iproute2 builds it: the
 * segments last to first, a zero slot 0 first when `slot` (the kernel puts
 * the packet's own destination there), an HMAC TLV when a key id is given.
 */
function writeSrh(w: Writer, v: Srh, slot: boolean, field: string): void {
  const n = v.segs.length + (slot ? 1 : 0);
  const len = SRH_HEAD + 16 * n + (v.hmac !== undefined ? HMAC_TLV : 0);
  if (n > 255 || len > 2048) throw new RangeError(`${field}.segs: ${v.segs.length} segments do not fit a segment routing header`);
  w.u8(0); // nexthdr: the kernel fills it in
  w.u8((len >> 3) - 1); // hdrlen in 8-byte units, the first 8 not counted
  w.u8(4); // type: IPV6_SRCRT_TYPE_4
  w.u8(n - 1); // segments_left
  w.u8(n - 1); // first_segment
  w.u8(v.hmac !== undefined ? SR6_FLAG1_HMAC : 0);
  w.u16(0); // tag
  if (slot) w.zeros(16);
  for (let i = v.segs.length - 1; i >= 0; i--) ipOf('inet6').encode(w, v.segs[i], `${field}.segs[${i}]`);
  if (v.hmac !== undefined) {
    w.u8(SR6_TLV_HMAC);
    w.u8(HMAC_TLV - 2);
    w.u16(0);
    t.be32.encode(w, v.hmac, `${field}.hmac`);
    w.zeros(32);
  }
}

/** Reads a struct ipv6_sr_hdr back into segments (first first); a zero slot 0 is dropped when `slot`. */
function readSrh(b: Buffer, off: number, len: number, slot: boolean, at: string, name: string): Srh {
  if (len < SRH_HEAD) fail(at, name, `a segment routing header of ${len} bytes is shorter than its 8-byte head`);
  const first = b[off + 4];
  if (SRH_HEAD + 16 * (first + 1) > len) fail(at, name, `first_segment ${first} runs past the header's ${len} bytes`);
  const segs: string[] = [];
  for (let i = first; i >= 0; i--) segs.push(formatIp(b, off + SRH_HEAD + 16 * i, 16));
  if (slot && segs.length > 1 && segs[segs.length - 1] === '::') segs.pop();
  const out: Srh = { segs };
  // TLVs after the segments: the HMAC one carries the key id
  const end = Math.min(len, ((b[off + 1] + 1) << 3));
  for (let p = off + SRH_HEAD + 16 * (first + 1); p + 2 <= off + end; p += b[p] === 0 ? 1 : 2 + b[p + 1]) {
    if (b[p] === SR6_TLV_HMAC && p + 8 <= off + end) out.hmac = b.readUInt32BE(p + 4);
  }
  return out;
}

/** SEG6_IPTUN_MODE_* (linux/seg6_iptunnel.h), by `ip route … encap seg6 mode M` names. */
export const seg6Modes = { inline: 0, encap: 1, l2encap: 2, 'encap.red': 3, 'l2encap.red': 4 } as const;
/** A seg6 encapsulation mode. */
export type Seg6Mode = keyof typeof seg6Modes;
const seg6ModeNames = Object.keys(seg6Modes) as Seg6Mode[];

/** struct seg6_iptunnel_encap (linux/seg6_iptunnel.h): an int mode, then the SRH (inline mode keeps slot 0 for the packet's destination). */
const seg6Encap: ValueCodec<Srh & { mode: Seg6Mode | number }> = {
  min: 4 + SRH_HEAD,
  encode(w, v, field) {
    const m = typeof v.mode === 'number' ? v.mode : seg6Modes[v.mode];
    w.s32(m);
    writeSrh(w, v, m === seg6Modes.inline, field);
  },
  decode(b, off, len, at, name) {
    const m = rd.s32(b, off);
    return { mode: seg6ModeNames[m] ?? m, ...readSrh(b, off + 4, len - 4, m === seg6Modes.inline, at, name) };
  },
};

/** SEG6_IPTUNNEL_* (linux/seg6_iptunnel.h). */
export const seg6EncapTable = attrs<{ srh: Srh & { mode: Seg6Mode | number } }>('encap.seg6', {
  srh: [1, seg6Encap, 'SEG6_IPTUNNEL_SRH'],
});

/** SEG6_LOCAL_ACTION_* (linux/seg6_local.h), by `ip route … encap seg6local action A` names. */
export const seg6localActions = {
  End: 1, 'End.X': 2, 'End.T': 3, 'End.DX2': 4, 'End.DX6': 5, 'End.DX4': 6, 'End.DT6': 7, 'End.DT4': 8,
  'End.B6': 9, 'End.B6.Encaps': 10, 'End.BM': 11, 'End.S': 12, 'End.AS': 13, 'End.AM': 14, 'End.BPF': 15, 'End.DT46': 16,
} as const;
/** A seg6local action. */
export type Seg6localAction = keyof typeof seg6localActions;

/** SEG6_LOCAL_SRH to send: `slot: false` for End.B6.Encaps (a new outer header), slot 0 kept free otherwise (End.B6 inserts the SRH), as iproute2 builds it. */
export interface LocalSrhIn extends Srh {
  slot?: boolean;
}

/** SEG6_LOCAL_SRH: a bare SRH. */
const localSrh: ValueCodec<Srh> = {
  min: SRH_HEAD,
  encode: (w, v, field) => writeSrh(w, { segs: v.segs, hmac: v.hmac }, (v as LocalSrhIn).slot !== false, field),
  decode: (b, off, len, at, name) => readSrh(b, off, len, true, at, name),
};

/** SEG6_LOCAL_* (linux/seg6_local.h): `encap seg6local action A [table T] [nh4 A] [nh6 A] [iif D] [oif D] [srh segs …] [vrftable T]`. */
export interface Seg6localAttrs {
  action: Seg6localAction | number;
  srh: Srh;
  table: number;
  nh4: string;
  nh6: string;
  iif: number;
  oif: number;
  vrftable: number;
}
/** RTA_ENCAP of LWTUNNEL_ENCAP_SEG6_LOCAL. */
export const seg6localEncapTable = attrs<Seg6localAttrs>('encap.seg6local', {
  action: [1, enumOf(t.u32, seg6localActions), 'SEG6_LOCAL_ACTION'],
  srh: [2, localSrh, 'SEG6_LOCAL_SRH'],
  table: [3, t.u32, 'SEG6_LOCAL_TABLE'],
  nh4: [4, ipOf('inet'), 'SEG6_LOCAL_NH4'],
  nh6: [5, ipOf('inet6'), 'SEG6_LOCAL_NH6'],
  iif: [6, t.u32, 'SEG6_LOCAL_IIF'],
  oif: [7, t.u32, 'SEG6_LOCAL_OIF'],
  vrftable: [9, t.u32, 'SEG6_LOCAL_VRFTABLE'],
});

/** The table RTA_ENCAP holds for each encapsulation type the library speaks. */
export const encapTables = {
  mpls: mplsEncapTable,
  ip: ipEncapTable,
  ip6: ip6EncapTable,
  seg6: seg6EncapTable,
  seg6local: seg6localEncapTable,
} satisfies Partial<Record<EncapTypeName, AttrTable<any>>>;
/** An encapsulation type the library encodes. */
export type EncapKind = keyof typeof encapTables;

/** An encapsulation to send: its type and its attributes by field name (checked by the family). */
export interface EncapIn {
  type: EncapKind;
  attrs: Record<string, unknown>;
}

/** RTA_ENCAP as received: a view of its payload, read once RTA_ENCAP_TYPE (which the kernel sends after it) is known. */
export interface RawEncap {
  b: Buffer;
  off: number;
  len: number;
}

/** RTA_ENCAP: written from an {@link EncapIn} (its attributes in table order, as iproute2 writes them), read as a {@link RawEncap}. */
export const rawEncap: ValueCodec<RawEncap> = {
  encode(w, v, field) {
    const e = v as unknown as EncapIn;
    const table: AttrTable<any> = encapTables[e.type];
    for (const [k, spec] of table.byName) if (e.attrs[k] !== undefined) encodeAttr(w, spec, e.attrs[k], `${field}.${k}`);
  },
  decode: (b, off, len) => ({ b, off, len }),
};

/**
 * Writes RTA_ENCAP then RTA_ENCAP_TYPE, the order of iproute2 (and of the
 * kernel's dumps); or, given the nexthop table, NHA_ENCAP then NHA_ENCAP_TYPE.
 */
export function writeEncap(w: Writer, e: EncapIn, field: string, table: AttrTable<{ encap: RawEncap; encapType: number }> = routeAttrs as never): void {
  const at = table.beginNest(w, 'encap'); // NLA_F_NESTED, as iproute2 sets it
  rawEncap.encode(w, e as unknown as RawEncap, field);
  w.endAttr(at);
  table.encodeOne(w, 'encapType', encapTypes[e.type]);
}

/** Decodes a received RTA_ENCAP by its RTA_ENCAP_TYPE: the type's name and its attributes, or just the type for one the library does not read. */
export function readEncap(type: number, raw: RawEncap, path: string): { type: EncapTypeName | number; attrs: Record<string, unknown> } {
  const name = (Object.keys(encapTypes) as EncapTypeName[]).find((k) => encapTypes[k] === type);
  const table = name !== undefined && Object.hasOwn(encapTables, name) ? (encapTables as Record<string, AttrTable<any>>)[name] : undefined;
  return { type: name ?? type, attrs: table ? (table.decode(raw.b, raw.off, raw.off + raw.len, undefined, path) as Record<string, unknown>) : {} };
}

/** Cache data of a route (struct rta_cacheinfo). */
export interface RtaCacheinfo {
  clntref: number;
  lastuse: number;
  expires: number;
  error: number;
  used: number;
  id: number;
  ts: number;
  tsage: number;
}
const rtaCacheinfo = struct<RtaCacheinfo>('rta_cacheinfo', [
  ['clntref', 'u32', 'rta_clntref'],
  ['lastuse', 'u32', 'rta_lastuse'],
  ['expires', 's32', 'rta_expires'],
  ['error', 'u32', 'rta_error'],
  ['used', 'u32', 'rta_used'],
  ['id', 'u32', 'rta_id'],
  ['ts', 'u32', 'rta_ts'],
  ['tsage', 'u32', 'rta_tsage'],
]);

/** IPv6 router preference (RTA_PREF, ICMPV6_ROUTER_PREF_*), as `ip -6 route … pref` names it. */
export const prefs = { medium: 0, high: 1, low: 3 } as const;

/** struct rtnexthop: the fixed head of each path in RTA_MULTIPATH (its attributes follow). */
const rtnexthop = struct<{ len: number; flags: number; hops: number; ifindex: number }>('rtnexthop', [
  ['len', 'u16', 'rtnh_len'],
  ['flags', 'u8', 'rtnh_flags'],
  ['hops', 'u8', 'rtnh_hops'],
  ['ifindex', 's32', 'rtnh_ifindex'],
]);

/** A path of RTA_MULTIPATH as decoded. */
export interface RawNexthop {
  gateway?: string;
  via?: string;
  flow?: number;
  encapType?: number;
  encap?: RawEncap;
  newdst?: number[];
  oif: number;
  weight: number;
  flags: number;
  /** RTA_* of the path no table knows. */
  unknown?: UnknownAttrs;
}

/** A path of RTA_MULTIPATH to encode: checked, its link resolved. */
export interface NexthopIn {
  flags: number;
  weight: number;
  ifindex: number;
  gateway?: GatewayIn;
  viaAttr: boolean;
  realm?: number;
  encap?: EncapIn;
  /** `as LABEL…` of an MPLS route's path. */
  newdst?: number[];
}

/** RTA_MULTIPATH: rtnexthop heads, each followed by its own RTA_* (gateway, via, flow). */
const multipath: ValueCodec<RawNexthop[]> = {
  encode(w, v, field) {
    (v as unknown as NexthopIn[]).forEach((nh, i) => {
      const at = w.pos;
      rtnexthop.encode(w, { len: 0, flags: nh.flags, hops: nh.weight - 1, ifindex: nh.ifindex }, `${field}[${i}]`);
      if (nh.newdst !== undefined) nexthopAttrs.encodeOne(w, 'newdst', nh.newdst);
      if (nh.gateway) writeGateway(w, nh.gateway, nh.viaAttr);
      if (nh.realm !== undefined) nexthopAttrs.encodeOne(w, 'flow', nh.realm);
      if (nh.encap !== undefined) writeEncap(w, nh.encap, `${field}[${i}].encap`);
      w.setU16(at, w.pos - at); // rtnh_len covers the head and its attributes
    });
  },
  decode(b, off, len, at, name) {
    const out: RawNexthop[] = [];
    const path = pathOf(at, name);
    const end = off + len;
    while (end - off >= rtnexthop.size) {
      const here = `${path}[${out.length}]`;
      const h = rtnexthop.header(b, off, end, here);
      if (h.len < rtnexthop.size || h.len > end - off) fail(here, undefined, `rtnh_len ${h.len} does not fit (${end - off} bytes left, a head takes ${rtnexthop.size})`);
      const inner = nexthopAttrs.decode(b, off + rtnexthop.size, off + h.len, undefined, here) as Partial<RawNexthop>;
      const nh: RawNexthop = { oif: h.ifindex, weight: h.hops + 1, flags: h.flags };
      if (inner.gateway !== undefined) nh.gateway = inner.gateway;
      if (inner.via !== undefined) nh.via = inner.via;
      if (inner.flow !== undefined) nh.flow = inner.flow;
      if (inner.encap !== undefined) nh.encap = inner.encap;
      if (inner.encapType !== undefined) nh.encapType = inner.encapType;
      if (inner.unknown !== undefined) nh.unknown = inner.unknown;
      if (inner.newdst !== undefined) nh.newdst = inner.newdst;
      out.push(nh);
      off += (h.len + 3) & ~3;
    }
    return out;
  },
};

/** RTA_* (linux/rtnetlink.h), by their kernel meaning. */
export interface RtaAttrs {
  dst: string;
  src: string;
  iif: number;
  oif: number;
  gateway: string;
  priority: number;
  prefsrc: string;
  metrics: RouteMetrics;
  multipath: RawNexthop[];
  flow: number;
  cacheinfo: RtaCacheinfo;
  table: number;
  mark: number;
  via: string;
  pref: keyof typeof prefs | number;
  encapType: number;
  encap: RawEncap;
  newdst: number[];
  expires: number;
  uid: number;
  ipproto: number;
  sport: number;
  dport: number;
  nhid: number;
}

const routeEntries = {
  dst: [1, t.ip, 'RTA_DST'],
  src: [2, t.ip, 'RTA_SRC'],
  iif: [3, t.u32, 'RTA_IIF'],
  oif: [4, t.u32, 'RTA_OIF'],
  gateway: [5, t.ip, 'RTA_GATEWAY'],
  priority: [6, t.u32, 'RTA_PRIORITY'],
  prefsrc: [7, t.ip, 'RTA_PREFSRC'],
  metrics: { id: 8, uapi: 'RTA_METRICS', nest: metricsTable },
  multipath: [9, multipath, 'RTA_MULTIPATH'],
  flow: [11, t.u32, 'RTA_FLOW'],
  cacheinfo: [12, rtaCacheinfo, 'RTA_CACHEINFO'],
  table: [15, t.u32, 'RTA_TABLE'],
  mark: [16, t.u32, 'RTA_MARK'],
  via: [18, via, 'RTA_VIA'],
  pref: [20, enumOf(t.u8, prefs), 'RTA_PREF'],
  newdst: [19, labelStack, 'RTA_NEWDST'],
  encapType: [21, t.u16, 'RTA_ENCAP_TYPE'],
  encap: { id: 22, uapi: 'RTA_ENCAP', codec: rawEncap, nestedFlag: true },
  expires: [23, t.u32, 'RTA_EXPIRES'],
  uid: [25, t.u32, 'RTA_UID'],
  ipproto: [27, t.u8, 'RTA_IP_PROTO'],
  sport: [28, t.be16, 'RTA_SPORT'],
  dport: [29, t.be16, 'RTA_DPORT'],
  nhid: [30, t.u32, 'RTA_NH_ID'],
} as const;
/** The route table. */
export const routeAttrs = attrs<RtaAttrs>('route', routeEntries);

/** The attributes of an AF_MPLS route (`ip -f mpls route`): the same, RTA_DST a label stack (the incoming label). */
export interface MplsRtaAttrs extends Omit<RtaAttrs, 'dst'> {
  dst: number[];
}
/** The route table of AF_MPLS routes. */
export const mplsRouteAttrs = attrs<MplsRtaAttrs>('route', { ...routeEntries, dst: [1, labelStack, 'RTA_DST'] });

/** The RTA_* a path of RTA_MULTIPATH carries. */
const nexthopAttrs = routeAttrs.pick('nexthop', ['gateway', 'via', 'flow', 'newdst', 'encapType', 'encap'], true);

/** Writes a gateway: RTA_GATEWAY, or RTA_VIA for one of the other family (`via inet6 …` on an IPv4 route). */
export function writeGateway(w: Writer, gw: GatewayIn, viaAttr: boolean): void {
  if (viaAttr) routeAttrs.encodeOne(w, 'via', gw);
  else routeAttrs.encodeBytes(w, 'gateway', gw.bytes);
}
