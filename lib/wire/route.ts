/**
 * The route messages' wire tables: struct rtmsg, RTA_* and RTAX_*
 * (linux/rtnetlink.h), struct rtnexthop and rtvia, each entry
 * `name: [id, type, 'UAPI_NAME']`.
 * @module
 */
import { attrs, enumOf, fail, flagsOf, pathOf, rd, struct, t, type ValueCodec, type Writer } from '../codec.js';
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
  oif: number;
  weight: number;
  flags: number;
}

/** A path of RTA_MULTIPATH to encode: checked, its link resolved. */
export interface NexthopIn {
  flags: number;
  weight: number;
  ifindex: number;
  gateway?: GatewayIn;
  viaAttr: boolean;
  realm?: number;
}

/** RTA_MULTIPATH: rtnexthop heads, each followed by its own RTA_* (gateway, via, flow). */
const multipath: ValueCodec<RawNexthop[]> = {
  encode(w, v, field) {
    (v as unknown as NexthopIn[]).forEach((nh, i) => {
      const at = w.pos;
      rtnexthop.encode(w, { len: 0, flags: nh.flags, hops: nh.weight - 1, ifindex: nh.ifindex }, `${field}[${i}]`);
      if (nh.gateway) writeGateway(w, nh.gateway, nh.viaAttr);
      if (nh.realm !== undefined) nexthopAttrs.encodeOne(w, 'flow', nh.realm);
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
  expires: number;
  uid: number;
  ipproto: number;
  sport: number;
  dport: number;
  nhid: number;
}

/** The route table. */
export const routeAttrs = attrs<RtaAttrs>('route', {
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
  encapType: [21, t.u16, 'RTA_ENCAP_TYPE'],
  expires: [23, t.u32, 'RTA_EXPIRES'],
  uid: [25, t.u32, 'RTA_UID'],
  ipproto: [27, t.u8, 'RTA_IP_PROTO'],
  sport: [28, t.be16, 'RTA_SPORT'],
  dport: [29, t.be16, 'RTA_DPORT'],
  nhid: [30, t.u32, 'RTA_NH_ID'],
});

/** The RTA_* a path of RTA_MULTIPATH carries. */
const nexthopAttrs = routeAttrs.pick('nexthop', ['gateway', 'via', 'flow']);

/** Writes a gateway: RTA_GATEWAY, or RTA_VIA for one of the other family (`via inet6 …` on an IPv4 route). */
export function writeGateway(w: Writer, gw: GatewayIn, viaAttr: boolean): void {
  if (viaAttr) routeAttrs.encodeOne(w, 'via', gw);
  else routeAttrs.encodeBytes(w, 'gateway', gw.bytes);
}
