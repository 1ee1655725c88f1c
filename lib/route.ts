/**
 * Routes: `ip route add|replace|append|del|show|flush|get` over
 * RTM_NEWROUTE/RTM_DELROUTE/RTM_GETROUTE, IPv4 and IPv6, every table.
 * @module
 */
import { dumpNamed, familyNumber, lookupMissing, namesFor, requireSelector, resolveDev, scopeName, scopeNumber, SCOPES, type Scope } from './address.js';
import { attrs, decodeAttr, enumOf, flagBits, flagNames, rd, struct, t, type ValueCodec, type Writer } from './codec.js';
import { NetlinkError } from './errors.js';
import { linkIndex } from './link.js';
import { NLM_F } from './protocol.js';
import { RTM } from './wire/rtm.js';
import { streaming, type Op, type Request } from './request.js';
import { AF, checkIfname, checkInt, formatIp, parseIp, parsePrefix, type Family, type LinkRef, type ParsedIp } from './types.js';
import { registerEvents } from './monitor.js';

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
export const rtmsg = struct<RtMsg>([
  ['family', 'u8'],
  ['dstLen', 'u8'],
  ['srcLen', 'u8'],
  ['tos', 'u8'],
  ['table', 'u8'],
  ['protocol', 'u8'],
  ['scope', 'u8'],
  ['type', 'u8'],
  ['flags', 'u32'],
]);

/** Route types (`RTN_*`), as `ip route` names them. */
export const RTN = {
  unspec: 0, unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6,
  unreachable: 7, prohibit: 8, throw: 9, nat: 10, xresolve: 11,
} as const;
/** A route type: a name of {@link RTN}. */
export type RouteType = keyof typeof RTN;
const rtnNames = Object.keys(RTN) as RouteType[];

/** Routing protocols (`RTPROT_*`), named as in iproute2's rt_protos. */
export const RTPROT = {
  unspec: 0, redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10, zebra: 11,
  bird: 12, dnrouted: 13, xorp: 14, ntk: 15, dhcp: 16, mrouted: 17, keepalived: 18, babel: 42,
  openr: 99, bgp: 186, isis: 187, ospf: 188, rip: 189, eigrp: 192,
} as const;
/** Who installed a route: a name of {@link RTPROT} or a number 0–255. */
export type RouteProtocol = keyof typeof RTPROT | number;
const protoNames = new Map<number, keyof typeof RTPROT>(Object.entries(RTPROT).map(([k, v]) => [v, k as keyof typeof RTPROT]));

/** Reserved table ids, by the names `ip` gives them. */
export const TABLES = { unspec: 0, default: 253, main: 254, local: 255 } as const;
/** A routing table: `main`, `local`, `default`, or a number 1–4294967295. */
export type RouteTable = 'main' | 'local' | 'default' | number;
const tableNames = new Map<number, RouteTable>([[253, 'default'], [254, 'main'], [255, 'local']]);

/** Turns a {@link RouteTable} into its id, checking the range. */
export function tableNumber(v: unknown, field: string): number {
  if (typeof v === 'string') {
    const n = TABLES[v as keyof typeof TABLES];
    if (n === undefined || v === 'unspec') throw new TypeError(`${field} must be 'main', 'local', 'default' or a number, got ${JSON.stringify(v)}`);
    return n;
  }
  return checkInt(v, field, 1, 0xffffffff);
}

/** The name of a table id (the number itself for tables without a name). */
export function tableName(n: number): RouteTable {
  return tableNames.get(n) ?? n;
}

/** Nexthop flags (`RTNH_F_*`) and route flags (`RTM_F_*`) that dumps report. */
const RTNH_F = { dead: 1, pervasive: 2, onlink: 4, offload: 8, linkdown: 16, unresolved: 32, trap: 64 } as const;
const ROUTE_F = { ...RTNH_F, rtOffload: 0x4000, rtTrap: 0x8000, rtOffloadFailed: 0x20000000 } as const;
/** A flag a route or nexthop reports: `onlink`, `linkdown`, `dead`, `offload`, … */
export type RouteFlag = keyof typeof ROUTE_F;
const RTM_F_CLONED = 0x200;
const RTM_F_LOOKUP_TABLE = 0x1000;
const RTM_F_FIB_MATCH = 0x2000;
/** What `route.get` answers about the cached route (`RTCF_*`, linux/in_route.h), named as `ip route get` prints them. */
const RTCF = {
  notify: 0x00010000, 'dst-direct': 0x00020000, redirected: 0x00040000, tproxy: 0x00080000, fastroute: 0x00200000,
  masq: 0x00400000, 'src-nat': 0x00800000, redirect: 0x01000000, 'src-direct': 0x04000000, 'dst-nat': 0x08000000,
  brd: 0x10000000, mc: 0x20000000, reject: 0x40000000, local: 0x80000000,
} as const;

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

const RTAX = {
  mtu: 2, window: 3, rtt: 4, rttvar: 5, ssthresh: 6, cwnd: 7, advmss: 8, reordering: 9, hoplimit: 10,
  initcwnd: 11, features: 12, rtoMin: 13, initrwnd: 14, quickack: 15, ccAlgo: 16, fastopenNoCookie: 17,
} as const;
const lockBits = Object.fromEntries(Object.entries(RTAX).map(([k, v]) => [k, 1 << v])) as Record<keyof typeof RTAX, number>;

/** A u32 kept by the kernel in 1/`n` units and shown in whole units, as `ip` does for rtt and rttvar. */
function scaled(n: number): ValueCodec<number> {
  return {
    encode(w, v, field) {
      t.u32.encode(w, v * n, field);
    },
    decode: (b, o) => Math.floor(rd.u32(b, o) / n),
  };
}

const metricsTable = attrs<RouteMetrics>('metrics', {
  lock: [1, flagsOf32(lockBits)],
  mtu: [2, t.u32],
  window: [3, t.u32],
  rtt: [4, scaled(8)],
  rttvar: [5, scaled(4)],
  ssthresh: [6, t.u32],
  cwnd: [7, t.u32],
  advmss: [8, t.u32],
  reordering: [9, t.u32],
  hoplimit: [10, t.u32],
  initcwnd: [11, t.u32],
  features: [12, flagsOf32({ ecn: 1, sack: 2, timestamp: 4, allfrag: 8 })],
  rtoMin: [13, t.u32],
  initrwnd: [14, t.u32],
  quickack: [15, t.u32],
  ccAlgo: [16, t.string],
  fastopenNoCookie: [17, t.u32],
});

function flagsOf32<N extends string>(names: Record<N, number>): ValueCodec<(N | number)[]> {
  return {
    encode(w, v, field) {
      if (!Array.isArray(v)) throw new TypeError(`${field} must be an array of names`);
      w.u32(flagBits(names, v, field));
    },
    decode: (b, o) => flagNames(names, rd.u32(b, o)),
  };
}

/** RTA_VIA (struct rtvia): an address of another family than the route's. */
const viaCodec: ValueCodec<string> = {
  encode(w, v, field) {
    const ip = parseIp(v, field);
    w.u16(ip.family === 'inet' ? AF.INET : AF.INET6);
    w.bytes(ip.bytes);
  },
  decode: (b, off, len) => t.ip.decode(b, off + 2, len - 2),
};

interface RtaCacheinfo {
  clntref: number;
  lastuse: number;
  expires: number;
  error: number;
  used: number;
  id: number;
  ts: number;
  tsage: number;
}
const rtaCacheinfo = struct<RtaCacheinfo>([
  ['clntref', 'u32'],
  ['lastuse', 'u32'],
  ['expires', 's32'],
  ['error', 'u32'],
  ['used', 'u32'],
  ['id', 'u32'],
  ['ts', 'u32'],
  ['tsage', 'u32'],
]);

/** IPv6 router preference (RTA_PREF), as `ip -6 route … pref` names it. */
const prefs = { medium: 0, high: 1, low: 3 } as const;

/** A nexthop as decoded from RTA_MULTIPATH (struct rtnexthop + attributes). */
interface RawNexthop {
  gateway?: string;
  via?: string;
  flow?: number;
  oif: number;
  weight: number;
  flags: number;
}

/** RTA_* (linux/rtnetlink.h), by their kernel meaning. */
interface RtaAttrs {
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

const multipathCodec: ValueCodec<RawNexthop[]> = {
  encode() {
    throw new Error('RTA_MULTIPATH is encoded by writeNexthops');
  },
  decode(b, off, len) {
    const out: RawNexthop[] = [];
    const end = off + len;
    while (off + 8 <= end) {
      const l = rd.u16(b, off);
      if (l < 8 || off + l > end) break;
      const inner = routeAttrs.decode(b, off + 8, off + l) as Partial<RtaAttrs>;
      const nh: RawNexthop = { oif: rd.s32(b, off + 4), weight: b[off + 3] + 1, flags: b[off + 2] };
      if (inner.gateway !== undefined) nh.gateway = inner.gateway;
      if (inner.via !== undefined) nh.via = inner.via;
      if (inner.flow !== undefined) nh.flow = inner.flow;
      out.push(nh);
      off += (l + 3) & ~3;
    }
    return out;
  },
};

const routeAttrs = attrs<RtaAttrs>('route', {
  dst: [1, t.ip],
  src: [2, t.ip],
  iif: [3, t.u32],
  oif: [4, t.u32],
  gateway: [5, t.ip],
  priority: [6, t.u32],
  prefsrc: [7, t.ip],
  metrics: { id: 8, nest: metricsTable },
  multipath: [9, multipathCodec],
  flow: [11, t.u32],
  cacheinfo: [12, rtaCacheinfo],
  table: [15, t.u32],
  mark: [16, t.u32],
  via: [18, viaCodec],
  pref: [20, enumOf(t.u8, prefs)],
  encapType: [21, t.u16],
  expires: [23, t.u32],
  uid: [25, t.u32],
  ipproto: [27, t.u8],
  sport: [28, t.be16],
  dport: [29, t.be16],
  nhid: [30, t.u32],
});

/** One path of a multipath route (`nexthop via ADDR dev DEV weight N`). */
export interface Nexthop {
  /** `via ADDR` — the gateway; an IPv6 gateway of an IPv4 route is sent as RTA_VIA. */
  via?: string;
  /** The same as `via` (what `list` returns, as `ip -j` names it). */
  gateway?: string;
  /** `dev DEV`. */
  dev?: LinkRef;
  /** The link's index (what `list` returns); wins over `dev`. */
  oif?: number;
  /** `weight N` (1–256; default 1). */
  weight?: number;
  /** `onlink`. */
  onlink?: boolean;
  /** What the kernel reports: `dead`, `linkdown`, `onlink`, … (ignored on input except `onlink`/`pervasive`). */
  flags?: (RouteFlag | number)[];
  /** `realms` (RTA_FLOW). */
  realm?: number;
}

/** What `route.add`/`replace`/`append`/`del` take: the words of `ip route add …`. */
export interface RouteOptions {
  /** `PREFIX`: `'10.1.0.0/24'`, `'2001:db8::/64'`, a host address, or `'default'`. */
  dst: string;
  /** The family when `dst` is `'default'` and no gateway says (default `'inet'`). */
  family?: Family;
  /** `type` (default `unicast`). */
  type?: RouteType;
  /** `via ADDR` — the gateway; an IPv6 gateway of an IPv4 route is sent as RTA_VIA (`via inet6 ADDR`). */
  via?: string;
  /** The same as `via` (what `list` returns, as `ip -j` names it). */
  gateway?: string;
  /** `dev DEV`. */
  dev?: LinkRef;
  /** The link's index (what `list` returns); wins over `dev`. */
  oif?: number;
  /** `src ADDR` — preferred source address (RTA_PREFSRC). */
  src?: string;
  /** The same as `src` (what `list` returns, as `ip -j` names it). */
  prefsrc?: string;
  /** `from PREFIX` — source prefix (RTA_SRC; IPv6 source routing). */
  from?: string;
  /** `table` (default `main`; `local` for local, broadcast, anycast and nat routes). */
  table?: RouteTable;
  /** `scope` (default `link` for gatewayless unicast IPv4 routes, `host` for local, else `global`). */
  scope?: Scope;
  /** `protocol` (default `boot`). */
  protocol?: RouteProtocol;
  /** `metric N` (RTA_PRIORITY). */
  metric?: number;
  /** The same as `metric` (`ip route … priority N`). */
  priority?: number;
  /** `tos N` (`dsfield`). */
  tos?: number;
  /** `onlink` — the gateway is on the link even if no prefix says so. */
  onlink?: boolean;
  /** `mtu N`, `advmss N`, `window N`, … */
  metrics?: RouteMetrics;
  /** `nexthop via … dev … weight … nexthop …` — a multipath (ECMP) route. */
  nexthops?: Nexthop[];
  /** `pref low|medium|high` (IPv6; or the raw RTA_PREF number). */
  pref?: keyof typeof prefs | number;
  /** `expires N` seconds (IPv6). */
  expires?: number;
  /** `nhid N` — use a nexthop object. */
  nhid?: number;
  /** `realms` (RTA_FLOW). */
  realm?: number;
  /** Reported by `list`; ignored on input except `onlink`/`pervasive`. */
  flags?: (RouteFlag | number)[];
}

/** A route as `route.list` and `route.get` return it (`ip -j -d route show`). */
export interface Route {
  family: Family;
  type: RouteType;
  /** `'default'`, a prefix, or a host address (without `/32`, `/128`). */
  dst: string;
  /** `from` — the source prefix (RTA_SRC). */
  from?: string;
  table: RouteTable;
  protocol: RouteProtocol;
  scope: Scope;
  tos?: number;
  /** `metric` (RTA_PRIORITY). */
  metric?: number;
  /** `gateway` (RTA_GATEWAY, or RTA_VIA when its family differs from the route's). */
  gateway?: string;
  /** The output link's name, when known. */
  dev?: string;
  /** The output link's index. */
  oif?: number;
  /** `prefsrc`. */
  prefsrc?: string;
  flags: (RouteFlag | number)[];
  metrics?: RouteMetrics;
  /** The paths of a multipath route. */
  nexthops?: (Nexthop & { gateway?: string; dev?: string; oif: number; weight: number; flags: (RouteFlag | number)[] })[];
  /** `pref` (IPv6). */
  pref?: keyof typeof prefs | number;
  /** Seconds left before the route expires (IPv6, or a cached route). */
  expires?: number;
  nhid?: number;
  /** `realms` (RTA_FLOW). */
  realm?: number;
  /** The input link's index (`route.get` with `iif`). */
  iif?: number;
  /** The input link's name (`route.get` with `iif`). */
  iifDev?: string;
  /** `route.get`: the mark and uid the lookup used. */
  mark?: number;
  uid?: number;
  /** `route.get`: properties of the cached route (`local`, `brd`, `mc`, …). */
  cache?: (keyof typeof RTCF | number)[];
}

/** Filters of `route.list`/`stream`/`flush` (`ip route show [table T] [proto P] [type T] [dev D] [scope S]`). */
export interface RouteFilter {
  /** `table T` (default `main`); `'all'` is every table (`table all`). */
  table?: RouteTable | 'all';
  /** `-4` / `-6`; both by default. */
  family?: Family;
  /** `proto P` (filtered in the kernel). */
  protocol?: RouteProtocol;
  /** `type T` (filtered in the kernel). */
  type?: RouteType;
  /** `dev D` (filtered in the kernel). */
  dev?: LinkRef;
  /** `scope S`. */
  scope?: Scope;
}

/** Options of `route.get` — the selectors of `ip route get ADDRESS …`. */
export interface RouteGetOptions {
  /** `from ADDR` — the source address. */
  from?: string;
  /** `iif DEV` — look the route up as if a packet came in on this link (needs `from`). */
  iif?: LinkRef;
  /** `oif DEV` — force the output link. */
  oif?: LinkRef;
  /** `mark N` — the fwmark (policy rules may select on it). */
  mark?: number;
  /** `tos N` / `dsfield N`. */
  tos?: number;
  /** `uid N`. */
  uid?: number;
  /** `ipproto P` (a number, or tcp, udp, icmp, icmpv6, sctp). */
  ipproto?: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'sctp' | number;
  /** `sport N`. */
  sport?: number;
  /** `dport N`. */
  dport?: number;
  /** `fibmatch` — answer with the matching FIB entry instead of the resolved route. */
  fibmatch?: boolean;
}

const ipprotos = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58, sctp: 132 } as const;

/** Everything of a route message, checked and ready to encode. */
interface Checked {
  h: RtMsg;
  table: number;
  dst?: ParsedIp;
  src?: ParsedIp;
  gateway?: ParsedIp;
  viaAttr: boolean;
  prefsrc?: ParsedIp;
  dev?: LinkRef;
  oif?: number;
  metric?: number;
  metrics?: RouteMetrics;
  nexthops?: { gateway?: ParsedIp; viaAttr: boolean; dev?: LinkRef; oif?: number; weight: number; flags: number; realm?: number }[];
  pref?: number;
  expires?: number;
  nhid?: number;
  realm?: number;
}

const routeKeys = new Set([
  'dst', 'family', 'type', 'via', 'gateway', 'dev', 'oif', 'src', 'prefsrc', 'from', 'table', 'scope', 'protocol',
  'metric', 'priority', 'tos', 'onlink', 'metrics', 'nexthops', 'pref', 'expires', 'nhid', 'realm', 'flags',
  // reported by list/get, accepted so that a listed route can be passed back
  'cache', 'uid', 'mark', 'iif', 'iifDev',
]);
const nexthopKeys = new Set(['via', 'gateway', 'dev', 'oif', 'weight', 'onlink', 'flags', 'realm']);
const settableFlags = RTNH_F.onlink | RTNH_F.pervasive;

function famName(n: number): Family {
  return n === AF.INET ? 'inet' : 'inet6';
}

function pickAlias<T>(o: Record<string, unknown>, a: string, b: string, where: string): T | undefined {
  const x = o[a];
  const y = o[b];
  if (x !== undefined && y !== undefined && x !== y) throw new TypeError(`${where}: ${a} and ${b} name the same thing; give one`);
  return (x ?? y) as T | undefined;
}

/** Parses a gateway and decides between RTA_GATEWAY and RTA_VIA. */
function checkGateway(v: unknown, family: number, field: string): { gateway: ParsedIp; viaAttr: boolean } {
  const gw = parseIp(v, field);
  const gf = gw.family === 'inet' ? AF.INET : AF.INET6;
  if (gf === family) return { gateway: gw, viaAttr: false };
  if (family === AF.INET) return { gateway: gw, viaAttr: true }; // IPv4 over an IPv6 nexthop (RFC 5549)
  throw new TypeError(`${field} ${String(v)} is IPv4 but the route is IPv6 (address family mismatch)`);
}

function refOf(dev: unknown, oif: unknown, field: string): { dev?: LinkRef; oif?: number } {
  if (oif !== undefined) return { oif: checkInt(oif, `${field}.oif`, 1, 0x7fffffff) };
  if (dev === undefined) return {};
  if (typeof dev === 'number') return { oif: checkInt(dev, `${field}.dev`, 1, 0x7fffffff) };
  return { dev: checkIfname(dev, `${field}.dev`) };
}

function checkRoute(o: RouteOptions, op: 'add' | 'del'): Checked {
  const where = 'route';
  if (!o || typeof o !== 'object') throw new TypeError(`route.${op} needs an options object`);
  const r = o as unknown as Record<string, unknown>;
  for (const k in r) if (!routeKeys.has(k) && r[k] !== undefined) throw new TypeError(`${where}: unknown field '${k}'`);
  if (o.dst === undefined) throw new TypeError(`${where}.dst is required (a prefix, an address or 'default')`);
  const gwText = pickAlias<string>(r, 'via', 'gateway', where);
  const srcText = pickAlias<string>(r, 'src', 'prefsrc', where);
  const metric = pickAlias<number>(r, 'metric', 'priority', where);

  // The family: from dst, else the family option, else the gateway, else IPv4.
  let dst: ParsedIp | undefined;
  let dstLen = 0;
  let family: number;
  if (o.dst === 'default' || o.dst === 'all' || o.dst === 'any') {
    if (o.family !== undefined) family = familyNumber(o.family, `${where}.family`);
    else {
      const nh = o.nexthops?.find((n) => n && (n.via ?? n.gateway) !== undefined);
      const hint = gwText ?? nh?.via ?? nh?.gateway ?? srcText;
      family = hint !== undefined && parseIp(hint, `${where}.via`).family === 'inet6' ? AF.INET6 : AF.INET;
    }
  } else {
    const p = parsePrefix(o.dst, `${where}.dst`);
    family = p.family === 'inet' ? AF.INET : AF.INET6;
    if (o.family !== undefined && familyNumber(o.family, `${where}.family`) !== family) throw new TypeError(`${where}.family is '${o.family}' but dst ${o.dst} is ${p.family}`);
    dstLen = p.prefixlen;
    if (dstLen > 0 || !/^(0\.0\.0\.0|::)\/0$/.test(o.dst)) dst = p;
  }
  const v6 = family === AF.INET6;

  const c: Checked = {
    h: { family, dstLen, srcLen: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0 },
    table: TABLES.main,
    dst,
    viaAttr: false,
  };
  if (gwText !== undefined) Object.assign(c, checkGateway(gwText, family, `${where}.via`));
  if (srcText !== undefined) {
    c.prefsrc = parseIp(srcText, `${where}.src`);
    if (c.prefsrc.family !== famName(family)) throw new TypeError(`${where}.src ${srcText} is not ${famName(family)} like the route (address family mismatch)`);
  }
  if (o.from !== undefined) {
    const p = parsePrefix(o.from, `${where}.from`);
    if (p.family !== famName(family)) throw new TypeError(`${where}.from ${o.from} is not ${famName(family)} like the route (address family mismatch)`);
    c.src = p;
    c.h.srcLen = p.prefixlen;
  }
  Object.assign(c, refOf(o.dev, o.oif, where));
  if (o.type !== undefined) {
    const n = RTN[o.type];
    if (n === undefined || typeof o.type !== 'string') throw new TypeError(`${where}.type must be one of ${rtnNames.join(', ')}, got ${JSON.stringify(o.type)}`);
    c.h.type = n;
  } else if (op === 'add') c.h.type = RTN.unicast;
  if (o.table !== undefined) c.table = tableNumber(o.table, `${where}.table`);
  else if (c.h.type === RTN.local || c.h.type === RTN.broadcast || c.h.type === RTN.anycast || c.h.type === RTN.nat) c.table = TABLES.local;
  c.h.table = c.table < 256 ? c.table : 0;
  if (o.protocol !== undefined) c.h.protocol = protocolNumber(o.protocol, `${where}.protocol`);
  else if (op === 'add') c.h.protocol = RTPROT.boot;
  if (metric !== undefined) c.metric = checkInt(metric, `${where}.metric`, 0, 0xffffffff);
  if (o.tos !== undefined) c.h.tos = checkInt(o.tos, `${where}.tos`, 0, 255);
  if (o.onlink !== undefined && typeof o.onlink !== 'boolean') throw new TypeError(`${where}.onlink must be a boolean`);
  if (o.onlink) c.h.flags |= RTNH_F.onlink;
  if (o.flags !== undefined) c.h.flags |= flagBits(ROUTE_F, o.flags, `${where}.flags`) & settableFlags;
  if (o.metrics !== undefined) {
    if (!o.metrics || typeof o.metrics !== 'object') throw new TypeError(`${where}.metrics must be an object`);
    c.metrics = o.metrics;
  }
  if (o.nexthops !== undefined) {
    if (!Array.isArray(o.nexthops) || o.nexthops.length === 0) throw new TypeError(`${where}.nexthops must be a non-empty array`);
    if (gwText !== undefined || c.dev !== undefined || c.oif !== undefined)
      throw new TypeError(`${where}: give via/dev inside each of nexthops, not beside them`);
    c.nexthops = o.nexthops.map((nh, i) => {
      const f = `${where}.nexthops[${i}]`;
      if (!nh || typeof nh !== 'object') throw new TypeError(`${f} must be an object`);
      for (const k in nh) if (!nexthopKeys.has(k) && (nh as Record<string, unknown>)[k] !== undefined) throw new TypeError(`${f}: unknown field '${k}'`);
      const g = pickAlias<string>(nh as Record<string, unknown>, 'via', 'gateway', f);
      const out: NonNullable<Checked['nexthops']>[number] = {
        viaAttr: false,
        weight: nh.weight === undefined ? 1 : checkInt(nh.weight, `${f}.weight`, 1, 256),
        flags: (nh.onlink ? RTNH_F.onlink : 0) | (nh.flags !== undefined ? flagBits(ROUTE_F, nh.flags, `${f}.flags`) & settableFlags : 0),
        ...refOf(nh.dev, nh.oif, f),
      };
      if (g !== undefined) Object.assign(out, checkGateway(g, family, `${f}.via`));
      if (nh.realm !== undefined) out.realm = checkInt(nh.realm, `${f}.realm`, 0, 0xffffffff);
      return out;
    });
  }
  if (o.pref !== undefined) {
    if (!v6) throw new TypeError(`${where}.pref applies to IPv6 routes only`);
    if (typeof o.pref === 'number') c.pref = checkInt(o.pref, `${where}.pref`, 0, 255);
    else if (typeof o.pref === 'string' && o.pref in prefs) c.pref = prefs[o.pref];
    else throw new TypeError(`${where}.pref must be low, medium or high`);
  }
  if (o.expires !== undefined && op === 'add') {
    if (!v6) throw new TypeError(`${where}.expires applies to IPv6 routes only`);
    c.expires = checkInt(o.expires, `${where}.expires`, 0, 0xffffffff);
  }
  if (o.nhid !== undefined) c.nhid = checkInt(o.nhid, `${where}.nhid`, 1, 0xffffffff);
  if (o.realm !== undefined) c.realm = checkInt(o.realm, `${where}.realm`, 0, 0xffffffff);

  // The scope, as `ip route` chooses it.
  if (o.scope !== undefined) c.h.scope = scopeNumber(o.scope, `${where}.scope`);
  else if (v6) c.h.scope = SCOPES.global;
  else if (c.h.type === RTN.local || c.h.type === RTN.nat) c.h.scope = SCOPES.host;
  else if (c.h.type === RTN.broadcast || c.h.type === RTN.multicast || c.h.type === RTN.anycast) c.h.scope = SCOPES.link;
  else if (c.h.type === RTN.unicast || c.h.type === RTN.unspec) {
    if (op === 'del') c.h.scope = SCOPES.nowhere;
    else if (!c.gateway && !c.nexthops && c.nhid === undefined) c.h.scope = SCOPES.link;
  }
  return c;
}

function protocolNumber(v: unknown, field: string): number {
  if (typeof v === 'number') return checkInt(v, field, 0, 255);
  const n = RTPROT[v as keyof typeof RTPROT];
  if (n === undefined) throw new TypeError(`${field} must be one of ${Object.keys(RTPROT).join(', ')} or a number 0-255, got ${JSON.stringify(v)}`);
  return n;
}

function ipAttr(w: Writer, id: number, ip: ParsedIp): void {
  const at = w.beginAttr(id);
  w.bytes(ip.bytes);
  w.endAttr(at);
}

function u32Attr(w: Writer, id: number, v: number): void {
  const at = w.beginAttr(id);
  w.u32(v);
  w.endAttr(at);
}

function gatewayAttr(w: Writer, gw: ParsedIp, via: boolean): void {
  if (!via) return ipAttr(w, 5, gw);
  const at = w.beginAttr(18); // RTA_VIA
  w.u16(gw.family === 'inet' ? AF.INET : AF.INET6);
  w.bytes(gw.bytes);
  w.endAttr(at);
}

/** Resolved link indexes of a checked route: the top-level one and each nexthop's. */
interface Links {
  oif?: number;
  nh?: (number | undefined)[];
}

function* resolveLinks(c: Checked): Op<Links> {
  const l: Links = {};
  if (c.oif !== undefined) l.oif = c.oif;
  else if (c.dev !== undefined) l.oif = yield* linkIndex(c.dev, 'route.dev');
  if (c.nexthops) {
    l.nh = [];
    for (const [i, nh] of c.nexthops.entries())
      l.nh.push(nh.oif ?? (nh.dev !== undefined ? yield* linkIndex(nh.dev, `route.nexthops[${i}].dev`) : undefined));
  }
  return l;
}

function writeRoute(w: Writer, c: Checked, l: Links): void {
  rtmsg.encode(w, c.h, 'route');
  if (c.table > 255) u32Attr(w, 15, c.table); // RTA_TABLE; smaller ids ride in rtm_table, as ip sends them
  if (c.dst) ipAttr(w, 1, c.dst);
  if (c.src) ipAttr(w, 2, c.src);
  if (c.prefsrc) ipAttr(w, 7, c.prefsrc);
  if (c.gateway) gatewayAttr(w, c.gateway, c.viaAttr);
  if (l.oif !== undefined) u32Attr(w, 4, l.oif);
  if (c.metric !== undefined) u32Attr(w, 6, c.metric);
  if (c.realm !== undefined) u32Attr(w, 11, c.realm);
  if (c.metrics) {
    const at = w.beginAttr(8);
    metricsTable.encode(w, c.metrics, 'route.metrics');
    w.endAttr(at);
  }
  if (c.nexthops) {
    const mp = w.beginAttr(9); // RTA_MULTIPATH
    c.nexthops.forEach((nh, i) => {
      const at = w.pos;
      w.u16(0); // rtnh_len, patched below
      w.u8(nh.flags);
      w.u8(nh.weight - 1);
      w.s32(l.nh?.[i] ?? 0);
      if (nh.gateway) gatewayAttr(w, nh.gateway, nh.viaAttr);
      if (nh.realm !== undefined) u32Attr(w, 11, nh.realm);
      w.setU16(at, w.pos - at);
    });
    w.endAttr(mp);
  }
  if (c.pref !== undefined) {
    const at = w.beginAttr(20);
    w.u8(c.pref);
    w.endAttr(at);
  }
  if (c.expires !== undefined) u32Attr(w, 23, c.expires);
  if (c.nhid !== undefined) u32Attr(w, 30, c.nhid);
}

function* modify(o: RouteOptions, type: number, flags: number, op: 'add' | 'del'): Op<void> {
  const c = checkRoute(o, op);
  const l = c.dev === undefined && !c.nexthops ? { oif: c.oif } : yield* resolveLinks(c);
  yield { type, flags, body: (w: Writer) => writeRoute(w, c, l) } satisfies Request;
}

/** The kernel-side part of a list filter, plus what is checked per message. */
interface Compiled {
  family: number;
  table: number;
  protocol: number;
  type: number;
  oif: number;
  scope?: number;
}

const filterKeys = new Set(['table', 'family', 'protocol', 'type', 'dev', 'scope']);

function compileFilter(f: RouteFilter, oif: number | undefined): Compiled {
  if (!f || typeof f !== 'object') throw new TypeError('filter must be an object');
  for (const k in f) if (!filterKeys.has(k)) throw new TypeError(`filter: unknown field '${k}'`);
  const c: Compiled = {
    family: f.family === undefined ? AF.UNSPEC : familyNumber(f.family, 'filter.family'),
    table: f.table === 'all' ? 0 : f.table === undefined ? TABLES.main : tableNumber(f.table, 'filter.table'),
    protocol: f.protocol === undefined ? 0 : protocolNumber(f.protocol, 'filter.protocol'),
    type: 0,
    oif: oif ?? 0,
  };
  if (f.type !== undefined) {
    if (typeof f.type !== 'string' || RTN[f.type] === undefined) throw new TypeError(`filter.type must be one of ${rtnNames.join(', ')}`);
    c.type = RTN[f.type];
  }
  if (f.scope !== undefined) c.scope = scopeNumber(f.scope, 'filter.scope');
  return c;
}

/** Decodes one RTM_NEWROUTE payload; `undefined` when the filter rejects it. */
export function parseRoute(b: Buffer, off: number, end: number, c?: Compiled): Route | undefined {
  // Tens of thousands of routes come through here: one pass over the RTA_*
  // attributes of routeAttrs, reading values in place; nests go through the table.
  const family = b[off];
  if (family !== AF.INET && family !== AF.INET6) return undefined;
  const dstLen = b[off + 1];
  const srcLen = b[off + 2];
  const tos = b[off + 3];
  const protocol = b[off + 5];
  const scope = b[off + 6];
  const type = b[off + 7];
  const flags = rd.u32(b, off + 8);
  if (c) {
    if (c.family && family !== c.family) return undefined;
    if (c.protocol && protocol !== c.protocol) return undefined;
    if (c.type && type !== c.type) return undefined;
    if (c.scope !== undefined && scope !== c.scope) return undefined;
  }
  let table = b[off + 4];
  let dst: string | undefined;
  let src: string | undefined;
  let gateway: string | undefined;
  let prefsrc: string | undefined;
  let oif: number | undefined;
  let iif: number | undefined;
  let priority: number | undefined;
  let rest: Partial<RtaAttrs> | undefined;
  let p = off + 12;
  while (p + 4 <= end) {
    const len = rd.u16(b, p);
    if (len < 4 || p + len > end) break;
    const q = p + 4;
    const l = len - 4;
    const id = rd.u16(b, p + 2) & 0x3fff;
    switch (id) {
      case 1:
        dst = formatIp(b, q, l);
        break;
      case 2:
        src = formatIp(b, q, l);
        break;
      case 3:
        iif = rd.u32(b, q);
        break;
      case 4:
        oif = rd.u32(b, q);
        break;
      case 5:
        gateway = formatIp(b, q, l);
        break;
      case 6:
        priority = rd.u32(b, q);
        break;
      case 7:
        prefsrc = formatIp(b, q, l);
        break;
      case 15:
        table = rd.u32(b, q);
        break;
      default: {
        const e = routeAttrs.byId[id];
        if (e) (rest ??= {})[e[0] as keyof RtaAttrs] = decodeAttr(e[1], b, q, l) as never;
      }
    }
    p += (len + 3) & ~3;
  }
  if (c?.table && table !== c.table) return undefined;
  const max = family === AF.INET ? 32 : 128;
  const r: Route = {
    family: family === AF.INET ? 'inet' : 'inet6',
    type: rtnNames[type] ?? (type as unknown as RouteType),
    dst: dst === undefined || dstLen === 0 ? 'default' : dstLen === max ? dst : `${dst}/${dstLen}`,
    table: table >= 253 && table <= 255 ? tableNames.get(table)! : table,
    protocol: protoNames.get(protocol) ?? protocol,
    scope: scopeName(scope),
    // A cloned route (a route.get answer) carries RTCF_* bits in the upper half instead.
    flags: flagNames(ROUTE_F, (flags & (flags & RTM_F_CLONED ? 0xff : 0xff | 0x4000 | 0x8000 | 0x20000000)) >>> 0),
  };
  if (src !== undefined && srcLen) r.from = srcLen === max ? src : `${src}/${srcLen}`;
  if (tos) r.tos = tos;
  if (priority !== undefined) r.metric = priority;
  if (gateway !== undefined) r.gateway = gateway;
  if (oif !== undefined) r.oif = oif;
  if (prefsrc !== undefined) r.prefsrc = prefsrc;
  if (iif !== undefined) r.iif = iif;
  if (rest) {
    if (rest.via !== undefined && gateway === undefined) r.gateway = rest.via;
    if (rest.metrics !== undefined) r.metrics = rest.metrics;
    if (rest.multipath !== undefined)
      r.nexthops = rest.multipath.map((nh) => {
        const n: NonNullable<Route['nexthops']>[number] = { oif: nh.oif, weight: nh.weight, flags: flagNames(RTNH_F, nh.flags) };
        const gw = nh.gateway ?? nh.via;
        if (gw !== undefined) n.gateway = gw;
        if (nh.flow !== undefined) n.realm = nh.flow;
        return n;
      });
    if (rest.pref !== undefined) r.pref = rest.pref;
    if (rest.cacheinfo && rest.cacheinfo.expires) r.expires = Math.max(0, Math.round(rest.cacheinfo.expires / 100));
    if (rest.nhid !== undefined) r.nhid = rest.nhid;
    if (rest.flow !== undefined) r.realm = rest.flow;
    if (rest.mark !== undefined) r.mark = rest.mark;
    if (rest.uid !== undefined) r.uid = rest.uid;
  }
  if (flags & RTM_F_CLONED) r.cache = flagNames(RTCF, flags & 0xffff0000);
  return r;
}

function routeDump(c: Compiled): Request<Route> {
  return {
    type: RTM.GETROUTE,
    flags: NLM_F.DUMP,
    body(w) {
      rtmsg.encode(w, { family: c.family, dstLen: 0, srcLen: 0, tos: 0, table: 0, protocol: c.protocol, scope: 0, type: c.type, flags: 0 }, 'filter');
      if (c.table) u32Attr(w, 15, c.table);
      if (c.oif) u32Attr(w, 4, c.oif);
    },
    parse: (b, off, end) => parseRoute(b, off, end, c),
  };
}

function* routeLinks(r: Route): Generator<number> {
  if (r.oif !== undefined) yield r.oif;
  if (r.iif !== undefined) yield r.iif;
  if (r.nexthops) for (const nh of r.nexthops) yield nh.oif;
}

function nameRoute(r: Route, names: Map<number, string>): void {
  if (r.oif !== undefined) {
    const n = names.get(r.oif);
    if (n !== undefined) r.dev = n;
  }
  if (r.iif !== undefined) {
    const n = names.get(r.iif);
    if (n !== undefined) r.iifDev = n;
  }
  if (r.nexthops)
    for (const nh of r.nexthops) {
      const n = names.get(nh.oif);
      if (n !== undefined) nh.dev = n;
    }
}

function* list(filter: RouteFilter): Op<Route[]> {
  compileFilter(filter, undefined); // bad input throws before the name lookup
  const { index, names } = yield* resolveDev(filter.dev, 'filter.dev');
  const c = compileFilter(filter, index);
  try {
    return yield* dumpNamed(routeDump(c), names, routeLinks, nameRoute);
  } catch (e) {
    // A single-family dump of a table that does not exist
    if (e instanceof NetlinkError && e.code === 'ENOENT' && c.table) return [];
    throw e;
  }
}

/** A delete of exactly this listed route (its key, its first hop if single-path). */
function delRequest(r: Route): Request {
  const family = r.family === 'inet' ? AF.INET : AF.INET6;
  const c: Checked = {
    h: { family, dstLen: 0, srcLen: 0, tos: r.tos ?? 0, table: 0, protocol: 0, scope: scopeNumber(r.scope, 'route.scope'), type: RTN[r.type] ?? 0, flags: 0 },
    table: tableNumber(r.table, 'route.table'),
    viaAttr: false,
  };
  c.h.table = c.table < 256 ? c.table : 0;
  if (r.dst !== 'default') {
    const p = parsePrefix(r.dst, 'route.dst');
    c.dst = p;
    c.h.dstLen = p.prefixlen;
  }
  if (r.from !== undefined) {
    const p = parsePrefix(r.from, 'route.from');
    c.src = p;
    c.h.srcLen = p.prefixlen;
  }
  if (r.gateway !== undefined) Object.assign(c, checkGateway(r.gateway, family, 'route.gateway'));
  if (r.metric !== undefined) c.metric = r.metric;
  const l: Links = { oif: r.oif };
  return { type: RTM.DELROUTE, body: (w: Writer) => writeRoute(w, c, l) };
}

function checkGet(dst: unknown, o: RouteGetOptions): { family: number; dst: ParsedIp; from?: ParsedIp } {
  if (typeof dst !== 'string') throw new TypeError(`route.get needs a destination address, got ${JSON.stringify(dst)}`);
  const d = parseIp(dst, 'destination');
  if (!o || typeof o !== 'object') throw new TypeError('route.get options must be an object');
  const keys = ['from', 'iif', 'oif', 'mark', 'tos', 'uid', 'ipproto', 'sport', 'dport', 'fibmatch'];
  for (const k in o) if (!keys.includes(k)) throw new TypeError(`route.get: unknown option '${k}'`);
  const out: { family: number; dst: ParsedIp; from?: ParsedIp } = { family: d.family === 'inet' ? AF.INET : AF.INET6, dst: d };
  if (o.from !== undefined) {
    out.from = parseIp(o.from, 'from');
    if (out.from.family !== d.family) throw new TypeError(`from ${o.from} is not ${d.family} like ${dst} (address family mismatch)`);
  }
  if (o.mark !== undefined) checkInt(o.mark, 'mark', 0, 0xffffffff);
  if (o.tos !== undefined) checkInt(o.tos, 'tos', 0, 255);
  if (o.uid !== undefined) checkInt(o.uid, 'uid', 0, 0xffffffff);
  if (o.sport !== undefined) checkInt(o.sport, 'sport', 0, 65535);
  if (o.dport !== undefined) checkInt(o.dport, 'dport', 0, 65535);
  if (o.ipproto !== undefined && typeof o.ipproto !== 'number' && !(o.ipproto in ipprotos))
    throw new TypeError(`ipproto must be a number or one of ${Object.keys(ipprotos).join(', ')}`);
  if (typeof o.ipproto === 'number') checkInt(o.ipproto, 'ipproto', 0, 255);
  if (o.fibmatch !== undefined && typeof o.fibmatch !== 'boolean') throw new TypeError('fibmatch must be a boolean');
  if (o.iif !== undefined && typeof o.iif !== 'number') checkIfname(o.iif, 'iif');
  if (o.oif !== undefined && typeof o.oif !== 'number') checkIfname(o.oif, 'oif');
  return out;
}

/** The route operations, written once and run async or sync by a handle. */
export const routeOps = {
  /**
   * Adds a route. Equivalent to `ip route add [TYPE] PREFIX [via ADDR] [dev DEV]
   * [src ADDR] [table T] [proto P] [scope S] [metric N] [onlink] [mtu N …]
   * [nexthop via … dev … weight N …]`, with `ip`'s defaults: table main, proto
   * boot, type unicast, scope link when there is no gateway. EEXIST if present.
   */
  add(options: RouteOptions): Op<void> {
    return modify(options, RTM.NEWROUTE, NLM_F.CREATE | NLM_F.EXCL, 'add');
  },

  /** Adds a route or replaces the one with the same key. Equivalent to `ip route replace …`. */
  replace(options: RouteOptions): Op<void> {
    return modify(options, RTM.NEWROUTE, NLM_F.CREATE | NLM_F.REPLACE, 'add');
  },

  /** Adds a route beside existing ones with the same key. Equivalent to `ip route append …`. */
  append(options: RouteOptions): Op<void> {
    return modify(options, RTM.NEWROUTE, NLM_F.CREATE | NLM_F.APPEND, 'add');
  },

  /**
   * Deletes a route. Equivalent to `ip route del [TYPE] PREFIX [via ADDR] [dev DEV]
   * [table T] [metric N] …`: what is given must match; an object that `list`
   * returned deletes that route.
   */
  del(options: RouteOptions): Op<void> {
    return modify(options, RTM.DELROUTE, 0, 'del');
  },

  /**
   * Lists routes. Equivalent to `ip -d route show [table T|all] [proto P] [type T]
   * [dev DEV] [scope S]` (both families unless `family` says; table main unless
   * `table` says). Table, protocol, type and link are filtered in the kernel.
   */
  *list(filter: RouteFilter = {}): Op<Route[]> {
    return yield* list(filter);
  },

  /** Streams the route dump (bounded memory); same filters as `list`. Equivalent to `ip route show` piped. */
  stream: streaming(function* (filter: RouteFilter = {}): Op<Request<Route>> {
    compileFilter(filter, undefined);
    const { index, names } = yield* resolveDev(filter.dev, 'filter.dev');
    void names; // multipath routes may use other links than the filtered one: name them all
    const map = yield* namesFor({ all: true });
    const c = compileFilter(filter, index);
    return {
      ...routeDump(c),
      parse(b: Buffer, off: number, end: number) {
        const r = parseRoute(b, off, end, c);
        if (r) nameRoute(r, map);
        return r;
      },
    };
  }),

  /**
   * Deletes every route that matches; resolves with how many were deleted.
   * Equivalent to `ip route flush [table T|all] [proto P] [type T] [dev DEV] [scope S]`
   * (table main unless `table` says; an empty filter is refused, as `ip route flush` refuses it).
   */
  *flush(filter: RouteFilter): Op<number> {
    requireSelector(filter, 'route', "{ table: 'main' }");
    const seen = new Set<string>();
    for (let round = 0; round < 8; round++) {
      const found = yield* list(filter);
      if (!found.length) return seen.size;
      for (const r of found) seen.add(`${r.family} ${r.table} ${r.dst} ${r.from} ${r.tos} ${r.metric} ${r.type} ${r.oif} ${r.gateway}`);
      try {
        yield found.map(delRequest);
      } catch (e) {
        // A route went away meanwhile (its link went down, its address was removed): look again.
        if (!(e instanceof NetlinkError) || (e.code !== 'ESRCH' && e.code !== 'ENOENT')) throw e;
      }
    }
    const left = yield* list(filter);
    if (left.length) throw new NetlinkError(16, 'RTM_DELROUTE', {}, `route.flush: ${left.length} routes kept reappearing`);
    return seen.size;
  },

  /**
   * Asks the kernel which route a packet would take. Equivalent to
   * `ip route get ADDRESS [from ADDR] [iif DEV] [oif DEV] [mark N] [tos N]
   * [uid N] [ipproto P] [sport N] [dport N] [fibmatch]`: the answer names the
   * table, type, output link, gateway and preferred source.
   */
  *get(destination: string, options: RouteGetOptions = {}): Op<Route> {
    const g = checkGet(destination, options);
    const known = new Map<number, string>();
    let iif: number | undefined;
    let oif: number | undefined;
    if (options.iif !== undefined) {
      iif = yield* linkIndex(options.iif, 'iif');
      if (typeof options.iif === 'string') known.set(iif, options.iif);
    }
    if (options.oif !== undefined) {
      oif = yield* linkIndex(options.oif, 'oif');
      if (typeof options.oif === 'string') known.set(oif, options.oif);
    }
    const max = g.family === AF.INET ? 32 : 128;
    const o = options;
    const req: Request<Route | undefined> = {
      type: RTM.GETROUTE,
      body(w: Writer) {
        rtmsg.encode(w, {
          family: g.family, dstLen: max, srcLen: g.from ? max : 0, tos: o.tos ?? 0, table: 0, protocol: 0, scope: 0, type: 0,
          // IPv4 answers with the main table unless asked for the table the lookup used; IPv6 always says (and refuses the flag)
          flags: (g.family === AF.INET ? RTM_F_LOOKUP_TABLE : 0) | (o.fibmatch ? RTM_F_FIB_MATCH : 0),
        }, 'route.get');
        ipAttr(w, 1, g.dst);
        if (g.from) ipAttr(w, 2, g.from);
        if (iif !== undefined) u32Attr(w, 3, iif);
        if (oif !== undefined) u32Attr(w, 4, oif);
        if (o.mark !== undefined) u32Attr(w, 16, o.mark);
        if (o.uid !== undefined) u32Attr(w, 25, o.uid);
        if (o.ipproto !== undefined) {
          const at = w.beginAttr(27);
          w.u8(typeof o.ipproto === 'number' ? o.ipproto : ipprotos[o.ipproto]);
          w.endAttr(at);
        }
        for (const [id, v] of [[28, o.sport], [29, o.dport]] as const)
          if (v !== undefined) {
            const at = w.beginAttr(id);
            w.be16(v);
            w.endAttr(at);
          }
      },
      parse: (b: Buffer, off: number, end: number) => parseRoute(b, off, end),
    };
    const [r] = (yield req) as Route[];
    yield* lookupMissing([r], known, routeLinks);
    nameRoute(r, known);
    return r;
  },
};

// Notifications decode exactly like the lists (monitor.ts).
registerEvents('route', RTM.NEWROUTE, RTM.DELROUTE, (b, off, end) => parseRoute(b, off, end) as Record<string, unknown> | undefined);
