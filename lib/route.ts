/**
 * Routes: `ip route add|replace|append|del|show|flush|get` over
 * RTM_NEWROUTE/RTM_DELROUTE/RTM_GETROUTE, IPv4 and IPv6, every table.
 * @module
 */
import { flagBits, flagNames, type Decoded, type UnknownAttrs, type Writer } from './codec.js';
import { NetlinkError } from './errors.js';
import { registerEvents, type EventDecoder } from './events.js';
import { NLM_F } from './protocol.js';
import { streaming, type Op, type Request } from './request.js';
import { dumpNamed, linkIndex, lookupMissing, namesFor, resolveDev } from './resolve.js';
import { AF, formatIp, parsePrefix, type Family, type LinkRef, type ParsedIp } from './types.js';
import { arrayOf, bool, custom, ifindex, int, nameOrInt, object, oneOf, show, str, u16, u32, u8, type Check, type Snapshot } from './validate.js';
import {
  allCheck,
  checkSameLink,
  familyCheck,
  familyNumber,
  flagsCheck,
  ifnameCheck,
  ipCheck,
  ipprotoCheck,
  linkOf,
  linkRefCheck,
  prefixCheck,
  protocolCheck,
  protocolName,
  requireSelector,
  RTPROT,
  scopeCheck,
  scopeName,
  scopeNumber,
  SCOPES,
  tableCheck,
  tableName,
  tableNumber,
  tableOrAllCheck,
  TABLES,
  type CheckedPrefix,
  type IpProto,
  type Scope,
} from './vocab.js';
import { encapCheck, encapDelCheck, encapIn, encapLinks, encapOut, type OtherEncap, type RouteEncap } from './encap.js';
import { metricFeatures, metricLockBits, MPLS_LABEL_MAX, mplsRouteAttrs, prefs, routeAttrs, rtmsg, writeEncap, writeGateway, type EncapIn, type NexthopIn, type RouteMetrics, type RtaAttrs, type RtMsg } from './wire/route.js';
import { RTM } from './wire/rtm.js';

export type { RouteMetrics, RtMsg, Seg6localAction, Seg6Mode, Srh } from './wire/route.js';
export type { RouteProtocol, RouteTable } from './vocab.js';
import type { RouteProtocol, RouteTable } from './vocab.js';

/** Route types (`RTN_*`), as `ip route` names them. */
export const RTN = {
  unspec: 0, unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6,
  unreachable: 7, prohibit: 8, throw: 9, nat: 10, xresolve: 11,
} as const;
/** A route type: an `RTN_*` name (linux/rtnetlink.h, lower case). */
export type RouteType = keyof typeof RTN;
const rtnNames = Object.keys(RTN) as RouteType[];

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

/** One path of a multipath route (`nexthop via ADDR dev DEV weight N`). */
export interface Nexthop {
  /** Attributes the kernel sent that no table of the library knows (a newer kernel's): type → payload as hex ({@link UnknownAttrs}). */
  unknown?: UnknownAttrs;
  /** `as LABEL[/LABEL…]` — this path's outgoing labels (MPLS routes). */
  newdst?: number[];
  /** `via ADDR` — the gateway; an IPv6 gateway of an IPv4 route is sent as RTA_VIA. */
  via?: string;
  /** The same as `via` (what `list` returns, as `ip -j` names it). */
  gateway?: string;
  /** `dev DEV`. */
  dev?: LinkRef;
  /** The link's index (what `list` returns). With `dev` too (a listed route carries both) both must name the same link: a name is looked up and compared, and a mismatch is a TypeError before the route is sent. */
  oif?: number;
  /** `weight N` (1–256; default 1). */
  weight?: number;
  /** `onlink`. */
  onlink?: boolean;
  /** What the kernel reports: `dead`, `linkdown`, `onlink`, … (taken on input so that a listed route can be passed back; only `onlink` and `pervasive` are sent). */
  flags?: (RouteFlag | number)[];
  /** `realms` (RTA_FLOW). */
  realm?: number;
  /** `encap …` — this path's own encapsulation (see {@link RouteEncap}). */
  encap?: RouteEncap;
}

export type { Ip6Encap, IpEncap, MplsEncap, OtherEncap, RouteEncap, Seg6Encap, Seg6localEncap } from './encap.js';

/** What `route.add`/`replace`/`append`/`del` take: the words of `ip route add …`. */
export interface RouteOptions {
  /** `PREFIX`: `'10.1.0.0/24'`, `'2001:db8::/64'` (host bits clear: the kernel refuses them for IPv4 and drops them for IPv6), a host address, or `'default'`; for `family: 'mpls'` the incoming label (`100` or `'100'`). */
  dst: string | number;
  /** The family when `dst` is `'default'` and no gateway says (default `'inet'`); `'mpls'` for an MPLS route (`ip -f mpls route add LABEL …`). */
  family?: Family | 'mpls';
  /** `as LABEL[/LABEL…]` — an MPLS route's outgoing labels, outermost first (RTA_NEWDST). */
  newdst?: number[];
  /** `type` (default `unicast`). */
  type?: RouteType;
  /** `via ADDR` — the gateway; an IPv6 gateway of an IPv4 route is sent as RTA_VIA (`via inet6 ADDR`). */
  via?: string;
  /** The same as `via` (what `list` returns, as `ip -j` names it). */
  gateway?: string;
  /** `dev DEV`. */
  dev?: LinkRef;
  /** The link's index (what `list` returns). With `dev` too (a listed route carries both) both must name the same link: a name is looked up and compared, and a mismatch is a TypeError before the route is sent. */
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
  /** Reported by `list`; taken on input so that a listed route can be passed back, and only `onlink` and `pervasive` are sent. */
  flags?: (RouteFlag | number)[];
  /** `encap mpls|ip|ip6|seg6|seg6local …` — lightweight tunnel encapsulation (RTA_ENCAP). */
  encap?: RouteEncap;
}

/** A route as `route.list` and `route.get` return it (`ip -j -d route show`). */
export interface Route {
  /** Attributes the kernel sent that no table of the library knows (a newer kernel's): type → payload as hex ({@link UnknownAttrs}). */
  unknown?: UnknownAttrs;
  family: Family | 'mpls';
  type: RouteType;
  /** `'default'`, a prefix, or a host address (without `/32`, `/128`); an MPLS route's incoming label as text (`'100'`, as `ip -j` shows it). */
  dst: string;
  /** `as LABEL…` — an MPLS route's outgoing labels. */
  newdst?: number[];
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
  /** `encap …` — the route's encapsulation (the same fields `add` takes; seg6local links as indexes). */
  encap?: RouteEncap | OtherEncap;
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
  /** `-4` / `-6` / `-f mpls`; IPv4 and IPv6 by default. */
  family?: Family | 'mpls';
  /** `proto P` (filtered in the kernel). */
  protocol?: RouteProtocol;
  /** `type T` (filtered in the kernel). */
  type?: RouteType;
  /** `dev D` (filtered in the kernel). */
  dev?: LinkRef;
  /** `scope S`. */
  scope?: Scope;
}

/** Filters of `route.flush`: those of `list`, and the explicit word for "every one". */
export interface RouteFlushFilter extends RouteFilter {
  /**
   * `all: true` — needed when the filter names nothing but a family or
   * `table: 'all'` (`{ all: true }` flushes table main, `{ table: 'all', all: true }` every table).
   */
  all?: true;
}

/** What `route.del` takes: a route's key (as `add` takes it), or a route that `list` or `get` returned. */
export type RouteDelOptions = Omit<RouteOptions, 'encap'> & Partial<Pick<Route, 'encap' | 'iif' | 'iifDev' | 'mark' | 'uid' | 'cache'>>;

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
  ipproto?: IpProto;
  /** `sport N`. */
  sport?: number;
  /** `dport N`. */
  dport?: number;
  /** `fibmatch` — answer with the matching FIB entry instead of the resolved route. */
  fibmatch?: boolean;
}


/** Everything of a route message, checked and ready to encode. */
interface Checked {
  h: RtMsg;
  table: number;
  dst?: ParsedIp;
  src?: ParsedIp;
  gateway?: ParsedIp;
  viaAttr: boolean;
  prefsrc?: ParsedIp;
  /** The output link: `dev` (a name is looked up) and/or `oif`, which must agree. */
  dev?: LinkRef;
  oif?: number;
  metric?: number;
  metrics?: RouteMetrics;
  nexthops?: { gateway?: ParsedIp; viaAttr: boolean; dev?: LinkRef; oif?: number; weight: number; flags: number; realm?: number; encap?: EncapIn; newdst?: number[] }[];
  encap?: EncapIn;
  pref?: number;
  expires?: number;
  nhid?: number;
  realm?: number;
  /** An MPLS route: its incoming label and the labels it swaps in (RTA_DST, RTA_NEWDST). */
  mpls?: { dst: number; newdst?: number[] };
}

const settableFlags = RTNH_F.onlink | RTNH_F.pervasive;

/** `dst`: a network prefix, a host address, or `'default'` (`all` and `any` are its other names in `ip`). */
const networkCheck = prefixCheck({ network: true });
/** An MPLS route's `dst`: its incoming label (`ip -f mpls route add 100 …`). */
interface Label {
  label: number;
}
const labelCheck = int(0, MPLS_LABEL_MAX);
const isLabel = (d: unknown): d is Label => typeof d === 'object' && d !== null && 'label' in d;
const dstCheck = custom<CheckedPrefix | 'default' | Label>(`'default' or ${networkCheck.expects}`, networkCheck.wrong, (v, path) => {
  if (typeof v === 'number') return { label: labelCheck(v, path) };
  if (typeof v === 'string' && /^[0-9]+$/.test(v)) return { label: labelCheck(Number(v), path) };
  if (typeof v !== 'string') throw new TypeError(`${path} must be ${dstCheck.expects}, got ${show(v)}`);
  return v === 'default' || v === 'all' || v === 'any' ? 'default' : networkCheck(v, path);
});

const metricsFields = {
  lock: flagsCheck(metricLockBits),
  mtu: u32,
  window: u32,
  rtt: int(0, Math.floor(0xffffffff / 8)), // sent in 1/8 ms
  rttvar: int(0, Math.floor(0xffffffff / 4)), // sent in 1/4 ms
  ssthresh: u32,
  cwnd: u32,
  advmss: u32,
  reordering: u32,
  hoplimit: u8,
  initcwnd: u32,
  features: flagsCheck(metricFeatures),
  rtoMin: u32,
  initrwnd: u32,
  quickack: int(0, 1),
  ccAlgo: str({ maxBytes: 15, nonEmpty: true }), // TCP_CA_NAME_MAX, its NUL included
  fastopenNoCookie: int(0, 1),
};


/** `-f mpls`: a route's family, MPLS besides IPv4 and IPv6. */
const routeFamilyCheck = oneOf(['inet', 'inet6', 'mpls'] as const);
/** `as LABEL[/LABEL…]`: the labels an MPLS route swaps in, outermost first. */
const labelsCheck = arrayOf(labelCheck, { min: 1, max: 30 });

const nexthopFields = { newdst: labelsCheck, via: ipCheck, gateway: ipCheck, dev: linkRefCheck, oif: ifindex, weight: int(1, 256), onlink: bool, flags: flagsCheck(ROUTE_F), realm: u32, encap: encapCheck };
const nexthopSchema = object(nexthopFields, { what: 'a nexthop object { via, dev, weight, … }' });
const metricsSchema = object(metricsFields, { what: 'a metrics object { mtu, advmss, … }' });

const routeFields = {
  dst: { check: dstCheck, required: true },
  family: routeFamilyCheck,
  newdst: labelsCheck,
  type: oneOf(rtnNames),
  via: ipCheck,
  gateway: ipCheck,
  dev: linkRefCheck,
  oif: ifindex,
  src: ipCheck,
  prefsrc: ipCheck,
  from: networkCheck,
  table: tableCheck,
  scope: scopeCheck,
  protocol: protocolCheck,
  metric: u32,
  priority: u32,
  tos: u8,
  onlink: bool,
  metrics: metricsSchema,
  nexthops: arrayOf(nexthopSchema, { min: 1 }),
  pref: nameOrInt(Object.keys(prefs) as (keyof typeof prefs)[], 0, 255),
  expires: u32,
  nhid: int(1, 0xffffffff),
  realm: u32,
  flags: flagsCheck(ROUTE_F),
  encap: encapCheck,
};

/** What a listed or looked-up route carries besides: taken by `del` so that such a route deletes itself, and not sent. */
const reportedFields = { iif: ifindex, iifDev: ifnameCheck, mark: u32, uid: u32, cache: flagsCheck(RTCF) };

const filterFields = { table: tableOrAllCheck, family: routeFamilyCheck, protocol: protocolCheck, type: oneOf(rtnNames), dev: linkRefCheck, scope: scopeCheck };

const getFields = { from: ipCheck, iif: linkRefCheck, oif: linkRefCheck, mark: u32, tos: u8, uid: u32, ipproto: ipprotoCheck, sport: u16, dport: u16, fibmatch: bool };

/** The object schemas of the route calls (the property test corrupts their fields). */
export const routeSchemas = {
  /** `route.add`/`replace`/`append` options. */
  add: object(routeFields, { what: 'a route object { dst, via, dev, … }' }),
  /** `route.del` options: the same, and what a listed route carries besides. */
  del: object({ ...routeFields, ...reportedFields, encap: encapDelCheck }, { what: 'a route object { dst, via, dev, … }' }),
  /** One of `nexthops`. */
  nexthop: nexthopSchema,
  /** `metrics`. */
  metrics: metricsSchema,
  /** Filters of `route.list`/`stream`. */
  filter: object(filterFields, { what: 'a filter object { table, family, protocol, type, dev, scope }' }),
  /** Filters of `route.flush`: the same, and `all: true` for a filter that selects every route of its tables. */
  flushFilter: object({ ...filterFields, all: allCheck }, { what: 'a filter object { table, family, protocol, type, dev, scope, all }' }),
  /** Options of `route.get`. */
  get: object(getFields, { what: 'an options object { from, iif, oif, mark, … }' }),
};

function famName(n: number): Family {
  return n === AF.INET ? 'inet' : 'inet6';
}

/** One of two names of the same field (`via`/`gateway`): at most one value, and which name gave it. */
function alias<T>(o: Record<string, unknown>, a: string, b: string, where: string, same: (x: T, y: T) => boolean): T | undefined {
  const x = o[a] as T | undefined;
  const y = o[b] as T | undefined;
  if (x !== undefined && y !== undefined && !same(x, y)) throw new TypeError(`${where}.${b}: ${a} and ${b} name the same thing; give one`);
  return x !== undefined ? x : y;
}
/** Which of two alias keys the caller used (for messages). */
const aliasKey = (o: Record<string, unknown>, a: string, b: string): string => (o[a] !== undefined ? a : b);
const sameIp = (x: ParsedIp, y: ParsedIp) => x.bytes.equals(y.bytes);
const sameNumber = (x: number, y: number) => x === y;

/** Decides between RTA_GATEWAY (false) and RTA_VIA (true) for a gateway. */
function checkGateway(gw: ParsedIp, family: number, field: string): boolean {
  const gf = gw.family === 'inet' ? AF.INET : AF.INET6;
  if (gf === family) return false;
  if (family === AF.INET) return true; // IPv4 over an IPv6 nexthop (RFC 5549)
  throw new TypeError(`${field} ${formatIp(gw.bytes)} is IPv4 but the route is IPv6 (address family mismatch)`);
}

/** What an MPLS route takes besides its label (the kernel's rtm_to_route_config refuses the rest). */
const mplsFields = new Set(['dst', 'family', 'type', 'newdst', 'via', 'gateway', 'dev', 'oif', 'table', 'protocol', 'nexthops', 'flags']);

/** Checks an MPLS route (`ip -f mpls route add LABEL [as LABEL…] [via inet|inet6 ADDR] [dev DEV]`). */
function checkMpls(o: Snapshot<typeof routeFields> & Record<string, unknown>, op: 'add' | 'del'): Checked {
  const where = 'route';
  if (o.family !== 'mpls') throw new TypeError(`${where}.dst must be ${dstCheck.expects}, got ${show(isLabel(o.dst) ? o.dst.label : o.dst)} (a label is the dst of an MPLS route: add family: 'mpls')`);
  if (!isLabel(o.dst)) throw new TypeError(`${where}.dst of an MPLS route is its incoming label (an integer in 0..${MPLS_LABEL_MAX}), got ${show(o.dst)}`);
  for (const k of Object.keys(o)) if (!mplsFields.has(k)) throw new TypeError(`${where}.${k} does not apply to MPLS routes`);
  if (o.type !== undefined && o.type !== 'unicast') throw new TypeError(`${where}.type of an MPLS route is unicast, got '${o.type}'`);
  if (o.table !== undefined && o.table !== TABLES.main) throw new TypeError(`${where}.table: MPLS routes live in table main only`);
  const gw = alias<ParsedIp>(o, 'via', 'gateway', where, sameIp);
  checkSameLink(o.dev, o.oif, where, 'oif');
  const c: Checked = {
    h: { family: AF.MPLS, dstLen: 20, srcLen: 0, tos: 0, table: TABLES.main, protocol: o.protocol ?? (op === 'add' ? RTPROT.boot : 0), scope: SCOPES.global, type: RTN.unicast, flags: 0 }, // the only type an MPLS route has; ip sends it on del too
    table: TABLES.main,
    viaAttr: true, // an MPLS route's gateway is always RTA_VIA: its family is not the route's
    mpls: { dst: o.dst.label, newdst: o.newdst },
    dev: o.dev,
    oif: o.oif,
  };
  if (gw !== undefined) c.gateway = gw;
  if (o.flags !== undefined) c.h.flags |= flagBits(ROUTE_F, o.flags, `${where}.flags`) & settableFlags;
  if (o.nexthops !== undefined) {
    if (gw !== undefined || o.dev !== undefined || o.oif !== undefined || o.newdst !== undefined)
      throw new TypeError(`${where}.nexthops: give via/dev/newdst inside each of nexthops, not beside them`);
    c.nexthops = o.nexthops.map((nh, i) => {
      const f = `${where}.nexthops[${i}]`;
      for (const k of ['onlink', 'realm', 'encap'] as const) if (nh[k] !== undefined) throw new TypeError(`${f}.${k} does not apply to MPLS routes`);
      const g = alias<ParsedIp>(nh, 'via', 'gateway', f, sameIp);
      checkSameLink(nh.dev, nh.oif, f, 'oif');
      return { viaAttr: true, gateway: g, newdst: nh.newdst, weight: nh.weight ?? 1, flags: nh.flags !== undefined ? flagBits(ROUTE_F, nh.flags, `${f}.flags`) & settableFlags : 0, dev: nh.dev, oif: nh.oif };
    });
  }
  return c;
}

/** Writes an MPLS route: RTA_DST (the label), RTA_NEWDST, RTA_VIA, RTA_OIF or RTA_MULTIPATH, in iproute2's order. */
function writeMpls(w: Writer, c: Checked, l: Links): void {
  rtmsg.encode(w, c.h, 'route');
  mplsRouteAttrs.encodeOne(w, 'dst', [c.mpls!.dst]);
  if (c.mpls!.newdst !== undefined) mplsRouteAttrs.encodeOne(w, 'newdst', c.mpls!.newdst);
  if (c.gateway) writeGateway(w, c.gateway, true);
  if (l.oif !== undefined) routeAttrs.encodeOne(w, 'oif', l.oif);
  if (c.nexthops) routeAttrs.encodeOne(w, 'multipath', c.nexthops.map((nh, i) => ({ ...nh, ifindex: l.nh?.[i] ?? 0 })) satisfies NexthopIn[], 'route.nexthops');
}

/** Checks a whole route.add/replace/append/del input (no kernel needed) and builds its message. */
function checkRoute(input: unknown, op: 'add' | 'del'): Checked {
  const where = 'route';
  const o = routeSchemas[op](input, where);
  if (o.family === 'mpls' || isLabel(o.dst)) return checkMpls(o, op);
  if (o.newdst !== undefined || o.nexthops?.some((n) => n.newdst !== undefined)) throw new TypeError(`${where}.newdst applies to MPLS routes only (family 'mpls')`);
  const r = o as Record<string, unknown>;
  const gw = alias<ParsedIp>(r, 'via', 'gateway', where, sameIp);
  const src = alias<ParsedIp>(r, 'src', 'prefsrc', where, sameIp);
  const metric = alias<number>(r, 'metric', 'priority', where, sameNumber);

  // The family: from dst, else the family option, else the gateway, else IPv4.
  let dst: ParsedIp | undefined;
  let dstLen = 0;
  let family: number;
  if (o.dst === 'default') {
    if (o.family !== undefined) family = familyNumber(o.family, `${where}.family`);
    else {
      const hint = gw ?? o.nexthops?.map((n) => n.via ?? n.gateway).find((g) => g !== undefined) ?? src;
      family = hint?.family === 'inet6' ? AF.INET6 : AF.INET;
    }
  } else {
    const p = o.dst!;
    family = p.family === 'inet' ? AF.INET : AF.INET6;
    if (o.family !== undefined && o.family !== p.family) throw new TypeError(`${where}.family is '${o.family}' but dst ${p.address}/${p.prefixlen} is ${p.family}`);
    dstLen = p.prefixlen;
    if (dstLen > 0) dst = p;
  }
  const v6 = family === AF.INET6;

  const c: Checked = {
    h: { family, dstLen, srcLen: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0 },
    table: TABLES.main,
    dst,
    viaAttr: false,
  };
  if (gw !== undefined) {
    c.viaAttr = checkGateway(gw, family, `${where}.${aliasKey(r, 'via', 'gateway')}`);
    c.gateway = gw;
  }
  if (src !== undefined) {
    if (src.family !== famName(family)) throw new TypeError(`${where}.${aliasKey(r, 'src', 'prefsrc')} ${formatIp(src.bytes)} is not ${famName(family)} like the route (address family mismatch)`);
    c.prefsrc = src;
  }
  if (o.from !== undefined) {
    const p = o.from;
    if (p.family !== famName(family)) throw new TypeError(`${where}.from ${p.address}/${p.prefixlen} is not ${famName(family)} like the route (address family mismatch)`);
    c.src = p;
    c.h.srcLen = p.prefixlen;
  }
  checkSameLink(o.dev, o.oif, where, 'oif');
  c.dev = o.dev;
  c.oif = o.oif;
  if (o.type !== undefined) c.h.type = RTN[o.type];
  else if (op === 'add') c.h.type = RTN.unicast;
  if (o.table !== undefined) c.table = o.table;
  else if (c.h.type === RTN.local || c.h.type === RTN.broadcast || c.h.type === RTN.anycast || c.h.type === RTN.nat) c.table = TABLES.local;
  c.h.table = c.table < 256 ? c.table : 0;
  if (o.protocol !== undefined) c.h.protocol = o.protocol;
  else if (op === 'add') c.h.protocol = RTPROT.boot;
  if (metric !== undefined) c.metric = metric;
  if (o.tos !== undefined) c.h.tos = o.tos;
  if (o.onlink) c.h.flags |= RTNH_F.onlink;
  if (o.flags !== undefined) c.h.flags |= flagBits(ROUTE_F, o.flags, `${where}.flags`) & settableFlags;
  if (o.metrics !== undefined) {
    const m = o.metrics as RouteMetrics;
    // `ip route … rto_min T` locks it too: TCP takes a route's rto_min only when locked.
    c.metrics = m.rtoMin !== undefined && !m.lock?.includes('rtoMin') ? { ...m, lock: [...(m.lock ?? []), 'rtoMin'] } : m;
  }
  if (o.nexthops !== undefined) {
    if (gw !== undefined || o.dev !== undefined || o.oif !== undefined)
      throw new TypeError(`${where}.nexthops: give via/dev inside each of nexthops, not beside them`);
    c.nexthops = o.nexthops.map((nh, i) => {
      const f = `${where}.nexthops[${i}]`;
      const g = alias<ParsedIp>(nh, 'via', 'gateway', f, sameIp);
      checkSameLink(nh.dev, nh.oif, f, 'oif');
      const out: NonNullable<Checked['nexthops']>[number] = {
        viaAttr: false,
        weight: nh.weight ?? 1,
        flags: (nh.onlink ? RTNH_F.onlink : 0) | (nh.flags !== undefined ? flagBits(ROUTE_F, nh.flags, `${f}.flags`) & settableFlags : 0),
        dev: nh.dev,
        oif: nh.oif,
      };
      if (g !== undefined) {
        out.viaAttr = checkGateway(g, family, `${f}.${aliasKey(nh as Record<string, unknown>, 'via', 'gateway')}`);
        out.gateway = g;
      }
      if (nh.realm !== undefined) out.realm = nh.realm;
      if (nh.encap !== undefined) out.encap = encapIn(nh.encap, family, `${f}.encap`);
      return out;
    });
  }
  if (o.pref !== undefined) {
    if (!v6) throw new TypeError(`${where}.pref applies to IPv6 routes only`);
    c.pref = typeof o.pref === 'number' ? o.pref : prefs[o.pref];
  }
  if (o.expires !== undefined && op === 'add') {
    if (!v6) throw new TypeError(`${where}.expires applies to IPv6 routes only`);
    c.expires = o.expires;
  }
  if (o.nhid !== undefined) c.nhid = o.nhid;
  if (o.realm !== undefined) c.realm = o.realm;
  if (o.encap !== undefined) c.encap = encapIn(o.encap, family, `${where}.encap`);

  // The scope, as `ip route` chooses it.
  if (o.scope !== undefined) c.h.scope = o.scope;
  else if (v6) c.h.scope = SCOPES.global;
  else if (c.h.type === RTN.local || c.h.type === RTN.nat) c.h.scope = SCOPES.host;
  else if (c.h.type === RTN.broadcast || c.h.type === RTN.multicast || c.h.type === RTN.anycast) c.h.scope = SCOPES.link;
  else if (c.h.type === RTN.unicast || c.h.type === RTN.unspec) {
    if (op === 'del') c.h.scope = SCOPES.nowhere;
    else if (!c.gateway && !c.nexthops && c.nhid === undefined) c.h.scope = SCOPES.link;
  }
  else if (op === 'del') c.h.scope = SCOPES.nowhere; // blackhole, unreachable, …: ip's initial scope for a delete
  return c;
}

/** Resolved link indexes of a checked route: the top-level one and each nexthop's. */
interface Links {
  oif?: number;
  nh?: (number | undefined)[];
}

/** Looks up the links a route names (none when they are given by index), checking that dev and oif agree. */
function* resolveLinks(c: Checked): Op<Links> {
  const l: Links = { oif: yield* linkOf(c.dev, c.oif, 'route', 'oif') };
  if (c.nexthops) {
    l.nh = [];
    for (const [i, nh] of c.nexthops.entries()) l.nh.push(yield* linkOf(nh.dev, nh.oif, `route.nexthops[${i}]`, 'oif'));
  }
  return l;
}

function writeRoute(w: Writer, c: Checked, l: Links): void {
  if (c.mpls) return writeMpls(w, c, l);
  rtmsg.encode(w, c.h, 'route');
  if (c.table > 255) routeAttrs.encodeOne(w, 'table', c.table); // smaller ids ride in rtm_table, as ip sends them
  if (c.dst) routeAttrs.encodeBytes(w, 'dst', c.dst.bytes);
  if (c.src) routeAttrs.encodeBytes(w, 'src', c.src.bytes);
  if (c.prefsrc) routeAttrs.encodeBytes(w, 'prefsrc', c.prefsrc.bytes);
  if (c.gateway) writeGateway(w, c.gateway, c.viaAttr);
  if (c.encap) writeEncap(w, c.encap, 'route.encap');
  if (l.oif !== undefined) routeAttrs.encodeOne(w, 'oif', l.oif);
  if (c.metric !== undefined) routeAttrs.encodeOne(w, 'priority', c.metric);
  if (c.realm !== undefined) routeAttrs.encodeOne(w, 'flow', c.realm);
  if (c.metrics) routeAttrs.encodeOne(w, 'metrics', c.metrics, 'route.metrics');
  if (c.nexthops) {
    const paths: NexthopIn[] = c.nexthops.map((nh, i) => ({ ...nh, ifindex: l.nh?.[i] ?? 0 }));
    routeAttrs.encodeOne(w, 'multipath', paths, 'route.nexthops');
  }
  if (c.pref !== undefined) routeAttrs.encodeOne(w, 'pref', c.pref);
  if (c.expires !== undefined) routeAttrs.encodeOne(w, 'expires', c.expires);
  if (c.nhid !== undefined) routeAttrs.encodeOne(w, 'nhid', c.nhid);
}

function* modify(o: unknown, type: number, flags: number, op: 'add' | 'del'): Op<void> {
  const c = checkRoute(o, op);
  // By index (or no link): nothing to look up, no generator to run.
  const l = c.nexthops === undefined && typeof c.dev !== 'string' ? { oif: c.dev ?? c.oif } : yield* resolveLinks(c);
  if (c.encap !== undefined) yield* encapLinks(c.encap, 'route.encap');
  if (c.nexthops !== undefined) for (const [i, nh] of c.nexthops.entries()) yield* encapLinks(nh.encap, `route.nexthops[${i}].encap`);
  yield { type, flags, body: (w: Writer) => writeRoute(w, c, l) } satisfies Request;
}

/** The kernel-side part of a list filter, plus what is checked per message (`undefined`: any). */
interface Compiled {
  family: number;
  table: number;
  protocol?: number;
  type?: number;
  oif: number;
  scope?: number;
}

type Filter = Snapshot<typeof filterFields> & { all?: true };

/** Checks a whole filter (no kernel needed) and compiles it (the link is filled in once looked up). */
function checkFilter(input: unknown, flush = false): { f: Filter; c: Compiled } {
  const f: Filter = (flush ? routeSchemas.flushFilter : routeSchemas.filter)(input, 'filter');
  const c: Compiled = {
    family: f.family === undefined ? AF.UNSPEC : f.family === 'mpls' ? AF.MPLS : familyNumber(f.family, 'filter.family'),
    table: f.table ?? TABLES.main,
    protocol: f.protocol,
    type: f.type === undefined ? undefined : RTN[f.type],
    oif: 0,
    scope: f.scope,
  };
  return { f, c };
}

/** True when a filter leaves out some route: a table named (not `'all'`), a protocol, type, link or scope. */
function narrows(f: Filter): boolean {
  return (f.table !== undefined && f.table !== 0) || f.protocol !== undefined || f.type !== undefined || f.dev !== undefined || f.scope !== undefined;
}

// One message is decoded at a time: header and attributes land in these
// scratch objects (same shape every time) instead of fresh ones per message.
const H: RtMsg = { family: 0, dstLen: 0, srcLen: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0 };
const A = routeAttrs.reset({});
const flagCache = new Map<number, Route['flags']>();
/** The names of a route's flag bits, from a cache (each route gets its own copy). */
function routeFlags(bits: number): Route['flags'] {
  let l = flagCache.get(bits);
  if (l === undefined) {
    l = flagNames(ROUTE_F, bits);
    if (flagCache.size < 1024) flagCache.set(bits, l);
  }
  return l.slice();
}

/** Decodes one RTM_NEWROUTE payload; `undefined` when the filter rejects it. */
export function parseRoute(b: Buffer, off: number, end: number, c?: Compiled): Route | undefined {
  // Tens of thousands of routes come through here: the header filters first,
  // then one pass of the table's compiled decoder.
  const h = rtmsg.header(b, off, end, 'route', H);
  const family = h.family;
  if (family === AF.MPLS) return c === undefined || c.family === AF.MPLS ? parseMpls(b, off, end, h, c) : undefined;
  if (family !== AF.INET && family !== AF.INET6) return undefined;
  if (c) {
    if (c.family && family !== c.family) return undefined;
    if (c.protocol !== undefined && h.protocol !== c.protocol) return undefined;
    if (c.type !== undefined && h.type !== c.type) return undefined;
    if (c.scope !== undefined && h.scope !== c.scope) return undefined;
  }
  const a = routeAttrs.decode(b, off + rtmsg.size, end, routeAttrs.reset(A), 'route') as Decoded<RtaAttrs>;
  const table = a.table ?? h.table;
  if (c?.table && table !== c.table) return undefined;
  const max = family === AF.INET ? 32 : 128;
  const { dstLen, srcLen, flags } = h;
  const r: Route = {
    family: family === AF.INET ? 'inet' : 'inet6',
    type: rtnNames[h.type] ?? (h.type as unknown as RouteType),
    dst: a.dst === undefined || dstLen === 0 ? 'default' : dstLen === max ? a.dst : `${a.dst}/${dstLen}`,
    table: tableName(table),
    protocol: protocolName(h.protocol),
    scope: scopeName(h.scope),
    // A cloned route (a route.get answer) carries RTCF_* bits in the upper half instead.
    flags: routeFlags((flags & (flags & RTM_F_CLONED ? 0xff : 0xff | 0x4000 | 0x8000 | 0x20000000)) >>> 0),
  };
  if (a.src !== undefined && srcLen) r.from = srcLen === max ? a.src : `${a.src}/${srcLen}`;
  if (h.tos) r.tos = h.tos;
  if (a.priority !== undefined) r.metric = a.priority;
  if (a.gateway !== undefined) r.gateway = a.gateway;
  if (a.oif !== undefined) r.oif = a.oif;
  if (a.prefsrc !== undefined) r.prefsrc = a.prefsrc;
  if (a.iif !== undefined) r.iif = a.iif;
  if (a.via !== undefined && a.gateway === undefined) r.gateway = a.via;
  if (a.metrics !== undefined) r.metrics = a.metrics;
  if (a.multipath !== undefined)
    r.nexthops = a.multipath.map((nh) => {
      const n: NonNullable<Route['nexthops']>[number] = { oif: nh.oif, weight: nh.weight, flags: flagNames(RTNH_F, nh.flags) };
      const gw = nh.gateway ?? nh.via;
      if (gw !== undefined) n.gateway = gw;
      if (nh.flow !== undefined) n.realm = nh.flow;
      if (nh.encap !== undefined && nh.encapType !== undefined) n.encap = encapOut(nh.encapType, nh.encap, 'route.nexthops.encap') as unknown as RouteEncap; // another type cannot be sent back, but is shown
      if (nh.unknown !== undefined) n.unknown = nh.unknown;
      return n;
    });
  if (a.pref !== undefined) r.pref = a.pref;
  if (a.cacheinfo && a.cacheinfo.expires) r.expires = Math.max(0, Math.round(a.cacheinfo.expires / 100));
  if (a.nhid !== undefined) r.nhid = a.nhid;
  if (a.flow !== undefined) r.realm = a.flow;
  if (a.encap !== undefined && a.encapType !== undefined) r.encap = encapOut(a.encapType, a.encap, 'route.encap') as unknown as RouteEncap | OtherEncap;
  if (a.mark !== undefined) r.mark = a.mark;
  if (a.uid !== undefined) r.uid = a.uid;
  if (flags & RTM_F_CLONED) r.cache = flagNames(RTCF, flags & 0xffff0000);
  if (a.unknown !== undefined) r.unknown = a.unknown;
  return r;
}

/** Decodes an AF_MPLS route (the header already read): `ip -f mpls route show`. */
function parseMpls(b: Buffer, off: number, end: number, h: RtMsg, c?: Compiled): Route | undefined {
  if (c?.protocol !== undefined && h.protocol !== c.protocol) return undefined;
  if (c?.type !== undefined && h.type !== c.type) return undefined;
  const a = mplsRouteAttrs.decode(b, off + rtmsg.size, end, undefined, 'route') as Decoded<RtaAttrs & { dst: number[] }>;
  const r: Route = {
    family: 'mpls',
    type: rtnNames[h.type] ?? (h.type as unknown as RouteType),
    dst: a.dst === undefined ? 'default' : a.dst.join('/'),
    table: tableName(a.table ?? h.table),
    protocol: protocolName(h.protocol),
    scope: scopeName(h.scope),
    flags: routeFlags(h.flags & 0xff),
  };
  if (a.newdst !== undefined) r.newdst = a.newdst;
  if (a.via !== undefined) r.gateway = a.via;
  if (a.oif !== undefined) r.oif = a.oif;
  if (a.multipath !== undefined)
    r.nexthops = a.multipath.map((nh) => {
      const n: NonNullable<Route['nexthops']>[number] = { oif: nh.oif, weight: nh.weight, flags: flagNames(RTNH_F, nh.flags) };
      if (nh.newdst !== undefined) n.newdst = nh.newdst;
      if (nh.via !== undefined) n.gateway = nh.via;
      if (nh.unknown !== undefined) n.unknown = nh.unknown;
      return n;
    });
  if (a.unknown !== undefined) r.unknown = a.unknown;
  return r;
}

function routeDump(c: Compiled): Request<Route> {
  return {
    type: RTM.GETROUTE,
    flags: NLM_F.DUMP,
    body(w) {
      rtmsg.encode(w, { family: c.family, dstLen: 0, srcLen: 0, tos: 0, table: 0, protocol: c.protocol ?? 0, scope: 0, type: c.type ?? 0, flags: 0 }, 'filter');
      if (c.table) routeAttrs.encodeOne(w, 'table', c.table);
      if (c.oif) routeAttrs.encodeOne(w, 'oif', c.oif);
    },
    parse: (b, off, end) => parseRoute(b, off, end, c),
  };
}

/** The links a route names: its `oif` alone as a number (the common case), else a list. */
function routeLinks(r: Route): number | number[] {
  if (r.iif === undefined && r.nexthops === undefined) return r.oif ?? 0;
  const l: number[] = [];
  if (r.oif !== undefined) l.push(r.oif);
  if (r.iif !== undefined) l.push(r.iif);
  if (r.nexthops) for (const nh of r.nexthops) l.push(nh.oif);
  return l;
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

/** Lists what a checked filter selects (the link named by `dev` is looked up first). */
function* listChecked(f: Filter, checked: Compiled): Op<Route[]> {
  const { index, names } = yield* resolveDev(f.dev, 'filter.dev');
  const c = { ...checked, oif: index ?? 0 };
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
  if (r.family === 'mpls') {
    const c = checkMpls({ family: 'mpls', dst: { label: Number(r.dst.split('/')[0]) } } as never, 'del');
    return { type: RTM.DELROUTE, body: (w: Writer) => writeRoute(w, c, {}) };
  }
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
  if (r.gateway !== undefined) Object.assign(c, checkGateway(ipCheck(r.gateway, 'route.gateway'), family, 'route.gateway'));
  if (r.metric !== undefined) c.metric = r.metric;
  const l: Links = { oif: r.oif };
  return { type: RTM.DELROUTE, body: (w: Writer) => writeRoute(w, c, l) };
}

/** Checks a whole route.get call (no kernel needed). */
function checkGet(destination: unknown, options: unknown): { family: number; dst: ParsedIp; o: Snapshot<typeof getFields> } {
  const dst = ipCheck(destination, 'destination');
  const o = routeSchemas.get(options, 'options');
  if (o.from !== undefined && o.from.family !== dst.family)
    throw new TypeError(`options.from ${formatIp(o.from.bytes)} is not ${dst.family} like the destination ${formatIp(dst.bytes)} (address family mismatch)`);
  return { family: dst.family === 'inet' ? AF.INET : AF.INET6, dst, o };
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

  /**
   * Replaces the route with the same key; ENOENT if there is none. Equivalent
   * to `ip route change …` (NLM_F_REPLACE without NLM_F_CREATE).
   */
  change(options: RouteOptions): Op<void> {
    return modify(options, RTM.NEWROUTE, NLM_F.REPLACE, 'add');
  },

  /**
   * Adds a route before existing ones with the same key (IPv4: the new one is
   * used first; IPv6: another path of the same route). Equivalent to
   * `ip route prepend …` (NLM_F_CREATE alone).
   */
  prepend(options: RouteOptions): Op<void> {
    return modify(options, RTM.NEWROUTE, NLM_F.CREATE, 'add');
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
  del(options: RouteDelOptions): Op<void> {
    return modify(options, RTM.DELROUTE, 0, 'del');
  },

  /**
   * Lists routes. Equivalent to `ip -d route show [table T|all] [proto P] [type T]
   * [dev DEV] [scope S]` (both families unless `family` says; table main unless
   * `table` says). Table, protocol, type and link are filtered in the kernel.
   */
  *list(filter: RouteFilter = {}): Op<Route[]> {
    const { f, c } = checkFilter(filter);
    return yield* listChecked(f, c);
  },

  /** Streams the route dump (bounded memory); same filters as `list`. Equivalent to `ip route show` piped. */
  stream: streaming(function* (filter: RouteFilter = {}): Op<Request<Route>> {
    const { f, c: checked } = checkFilter(filter);
    const { index } = yield* resolveDev(f.dev, 'filter.dev');
    const map = yield* namesFor({ all: true }); // multipath routes may use other links than the filtered one: name them all
    const c = { ...checked, oif: index ?? 0 };
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
   * (table main unless `table` says). As with `ip`, a selector is required:
   * `flush()` and `flush({})` are refused, and so is a filter that names
   * nothing but a family or `table: 'all'` — it would delete every route of
   * main (or of every table, the local table's included) — unless it says so
   * with `all: true` (`{ family: 'inet', all: true }`). A table named
   * (`{ table: 100 }`, `{ table: 'main' }`), a protocol, type, link or scope
   * is a selector.
   */
  *flush(filter: RouteFlushFilter): Op<number> {
    if (filter === undefined) requireSelector(filter, 'route', "{ table: 'main' }");
    const { f, c } = checkFilter(filter, true);
    requireSelector(f, 'route', "{ table: 100 } or { protocol: 'static' }", narrows);
    const seen = new Set<string>();
    for (let round = 0; round < 8; round++) {
      const found = yield* listChecked(f, c);
      if (!found.length) return seen.size;
      for (const r of found) seen.add(`${r.family} ${r.table} ${r.dst} ${r.from} ${r.tos} ${r.metric} ${r.type} ${r.oif} ${r.gateway}`);
      try {
        yield found.map(delRequest);
      } catch (e) {
        // A route went away meanwhile (its link went down, its address was removed): look again.
        if (!(e instanceof NetlinkError) || (e.code !== 'ESRCH' && e.code !== 'ENOENT')) throw e;
      }
    }
    const left = yield* listChecked(f, c);
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
    const { family, dst, o } = checkGet(destination, options);
    const known = new Map<number, string>();
    let iif: number | undefined;
    let oif: number | undefined;
    if (o.iif !== undefined) {
      iif = yield* linkIndex(o.iif, 'options.iif');
      if (typeof o.iif === 'string') known.set(iif, o.iif);
    }
    if (o.oif !== undefined) {
      oif = yield* linkIndex(o.oif, 'options.oif');
      if (typeof o.oif === 'string') known.set(oif, o.oif);
    }
    const max = family === AF.INET ? 32 : 128;
    const req: Request<Route | undefined> = {
      type: RTM.GETROUTE,
      body(w: Writer) {
        rtmsg.encode(w, {
          family, dstLen: max, srcLen: o.from ? max : 0, tos: o.tos ?? 0, table: 0, protocol: 0, scope: 0, type: 0,
          // IPv4 answers with the main table unless asked for the table the lookup used; IPv6 always says (and refuses the flag)
          flags: (family === AF.INET ? RTM_F_LOOKUP_TABLE : 0) | (o.fibmatch ? RTM_F_FIB_MATCH : 0),
        }, 'route.get');
        routeAttrs.encodeBytes(w, 'dst', dst.bytes);
        if (o.from) routeAttrs.encodeBytes(w, 'src', o.from.bytes);
        if (iif !== undefined) routeAttrs.encodeOne(w, 'iif', iif);
        if (oif !== undefined) routeAttrs.encodeOne(w, 'oif', oif);
        if (o.mark !== undefined) routeAttrs.encodeOne(w, 'mark', o.mark);
        if (o.uid !== undefined) routeAttrs.encodeOne(w, 'uid', o.uid);
        if (o.ipproto !== undefined) routeAttrs.encodeOne(w, 'ipproto', o.ipproto);
        if (o.sport !== undefined) routeAttrs.encodeOne(w, 'sport', o.sport);
        if (o.dport !== undefined) routeAttrs.encodeOne(w, 'dport', o.dport);
      },
      parse: (b: Buffer, off: number, end: number) => parseRoute(b, off, end),
    };
    const [r] = (yield req) as Route[];
    yield* lookupMissing([r], known, routeLinks);
    nameRoute(r, known);
    return r;
  },
};

// Notifications decode exactly like the lists (events.ts, read by monitor.ts).
registerEvents('route', RTM.NEWROUTE, RTM.DELROUTE, ((b, off, end) => parseRoute(b, off, end)) as EventDecoder);
