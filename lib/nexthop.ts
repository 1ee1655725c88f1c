/**
 * Nexthop objects and groups: `ip nexthop add|replace|del|get|show|flush`
 * over RTM_NEWNEXTHOP/RTM_DELNEXTHOP/RTM_GETNEXTHOP (linux/nexthop.h). A
 * route uses one by id (`ip route add PREFIX nhid N`: `nhid` of the route
 * family).
 *
 * Every call checks its whole input first (the schemas below): nothing is
 * sent for a wrong input, and `flush` needs a selector or `all: true`.
 * @module
 */
import { flagNames, type Decoded, type UnknownAttrs, type Writer } from './codec.js';
import { NetlinkError } from './errors.js';
import { registerEvents, type EventDecoder } from './events.js';
import { NLM_F } from './protocol.js';
import { type Op, type Request } from './request.js';
import { dumpNamed, lookupMissing, resolveDev } from './resolve.js';
import { AF, type Family, type LinkRef, type ParsedIp } from './types.js';
import { arrayOf, bool, custom, int, object, oneOf, show, type Snapshot } from './validate.js';
import {
  allCheck,
  familyCheck,
  flagsCheck,
  ipCheck,
  linkOf,
  linkRefCheck,
  protocolCheck,
  protocolName,
  requireSelector,
  scopeCheck,
  scopeName,
  type RouteProtocol,
  type Scope,
} from './vocab.js';
import { encapCheck, encapIn, encapLinks, encapOut, type OtherEncap, type RouteEncap } from './encap.js';
import { NEXTHOP_GRP_TYPE, nexthopAttrs, nhmsg, RTNH_F, type NhaAttrs, type NhMsg } from './wire/nexthop.js';
import { writeEncap, type EncapIn } from './wire/route.js';
import { RTM } from './wire/rtm.js';

/** Flags a nexthop reports (`RTNH_F_*`): `onlink` (set with `onlink`), `dead`, `linkdown`, `offload`, `trap`, … */
export type NexthopFlag = keyof typeof RTNH_F;
/** A group's type (`type mpath|resilient`; mpath, hash-threshold, is the kernel's default). */
export type NexthopGroupType = keyof typeof NEXTHOP_GRP_TYPE;
const groupTypeNames = new Map<number, NexthopGroupType>(Object.entries(NEXTHOP_GRP_TYPE).map(([k, v]) => [v, k as NexthopGroupType]));

/** One member of a group: `ID[,WEIGHT]` of `group ID[,WEIGHT][/ID[,WEIGHT]…]` (`group 1/2,3`: 1, and 2 with weight 3). */
export interface NexthopGroupMember {
  /** The member nexthop's id (it must exist, and not be a group). */
  id: number;
  /** `,WEIGHT` (1..256, default 1). */
  weight?: number;
}

/**
 * What `nexthop.add`/`replace` take: the words of `ip nexthop add id N …`.
 * One of: a gateway and/or a device (`via ADDR dev DEV [onlink]`),
 * `blackhole`, `fdb` with a gateway, or a `group` (with `fdb` for an FDB group).
 */
export interface NexthopOptions {
  /** `id N` (1..2^32-1); the kernel picks one when absent (add only: replace needs it). */
  id?: number;
  /** `-4`/`-6`; taken from the gateway when there is one, else `'inet'`. Groups have none. */
  family?: Family;
  /** `via ADDR` — the gateway. */
  via?: string;
  /** The same as `via` (what `list` returns, as `ip -j` names it). */
  gateway?: string;
  /** `dev DEV` — the output link. */
  dev?: LinkRef;
  /** `onlink` — the gateway is on the link even if no prefix says so. */
  onlink?: boolean;
  /** `blackhole` — drop what is sent here (no gateway, device or fdb). */
  blackhole?: boolean;
  /**
   * `encap mpls|ip|ip6|seg6|seg6local …` — the nexthop's lightweight-tunnel
   * encapsulation (NHA_ENCAP, NHA_ENCAP_TYPE), the same object a route's
   * `encap` is (`ip nexthop add id N encap mpls 100 via ADDR dev DEV`).
   * Not on a group, a blackhole or an fdb nexthop.
   */
  encap?: RouteEncap;
  /** `fdb` — a nexthop (or group) for bridge FDB entries (vxlan), not for routes. */
  fdb?: boolean;
  /** `protocol P` — who installed it. */
  protocol?: RouteProtocol;
  /** `group ID[,W][/ID[,W]…]` — a group of other nexthops, in this order. */
  group?: NexthopGroupMember[];
  /** `type mpath|resilient` of a group (default mpath). */
  type?: NexthopGroupType;
  /** `buckets N` of a resilient group (1..65535; required when adding one). */
  buckets?: number;
  /** `idle_timer SECONDS` of a resilient group. */
  idleTimer?: number;
  /** `unbalanced_timer SECONDS` of a resilient group. */
  unbalancedTimer?: number;
  /** Reported by `list` (`nh_scope`); ignored on input. */
  scope?: Scope;
  /** Reported by `list`; on input only `onlink` counts (the same as `onlink: true`). */
  flags?: (NexthopFlag | number)[];
  /** Reported by `list` for a resilient group (seconds it has been unbalanced); ignored on input. */
  unbalancedTime?: number;
}

/** A nexthop as `nexthop.list`/`get` return it (`ip -j nexthop show`). */
export interface NexthopObject extends Omit<NexthopOptions, 'via' | 'dev' | 'group' | 'flags' | 'encap'> {
  /** Its encapsulation as `add` takes it (a type the library does not decode: its type alone). */
  encap?: RouteEncap | OtherEncap;
  /** Attributes the kernel sent that no table of the library knows (a newer kernel's): type → payload as hex ({@link UnknownAttrs}). */
  unknown?: UnknownAttrs;
  id: number;
  /** The output link's name (its index when it has none this handle could see). */
  dev?: string | number;
  group?: Required<NexthopGroupMember>[];
  flags: (NexthopFlag | number)[];
}

/** Filters of `nexthop.list` (`ip [-4|-6] nexthop show [id N] [dev DEV] [master DEV] [groups] [fdb] [protocol P]`). */
export interface NexthopFilter {
  /** `-4` / `-6`: single nexthops of that family only (no groups). */
  family?: Family;
  /** `id N`: that one (a lookup, not a dump); an empty list when it does not exist. */
  id?: number;
  /** `dev DEV`: nexthops using that link (filtered in the kernel). */
  dev?: LinkRef;
  /** `master DEV`: nexthops whose link has that master (filtered in the kernel). */
  master?: LinkRef;
  /** `groups`: groups only (in the kernel); `false`: no groups. */
  groups?: boolean;
  /** `fdb`: FDB nexthops only (in the kernel); `false`: no FDB nexthops. */
  fdb?: boolean;
  /** `protocol P`. */
  protocol?: RouteProtocol;
}

/** What `nexthop.flush` takes: a {@link NexthopFilter}, or `{ all: true }` for every nexthop (`ip nexthop flush`). */
export interface NexthopFlushFilter extends NexthopFilter {
  /** Flush every nexthop the rest of the filter leaves (required when nothing else selects). */
  all?: true;
}

/** One bucket of a resilient group, as `nexthop.buckets` returns it (`ip -j nexthop bucket show`). */
export interface NexthopBucket {
  /** The group's id. */
  id: number;
  /** The bucket's index (0..buckets-1). */
  index: number;
  /** Seconds since the bucket was last used. */
  idleTime: number;
  /** The member nexthop the bucket holds. */
  nhid: number;
}

/** Filters of `nexthop.buckets` (`ip nexthop bucket show [id ID] [nhid ID] [dev DEV] [master DEV]`), all applied in the kernel. */
export interface NexthopBucketFilter {
  /** `id ID`: the buckets of that group. */
  id?: number;
  /** `nhid ID`: buckets holding that member. */
  nhid?: number;
  /** `dev DEV`: buckets whose member uses that link. */
  dev?: LinkRef;
  /** `master DEV`: buckets whose member's link has that master. */
  master?: LinkRef;
}

/** What `nexthop.del` takes: the id (an object `list` returned will do). */
export type NexthopDelOptions = { id: number } & Omit<NexthopOptions, 'id'>;

// ---------------------------------------------------------------------------
// Input

const id = int(1, 0xffffffff);
const seconds = custom<number>('a number of seconds in 0..42949672 (kept in 1/100 s)', [-1, NaN, Infinity, 42949673, '1', null, true], (v, path) => {
  if (typeof v !== 'number') throw new TypeError(`${path} must be a number of seconds, got ${show(v)}`);
  if (!Number.isFinite(v) || v < 0 || Math.round(v * 100) > 0xffffffff) throw new RangeError(`${path} must be a number of seconds in 0..42949672 (kept in 1/100 s), got ${v}`);
  return v;
});
const member = object({ id: { check: id, required: true }, weight: int(1, 256) }, { what: 'a group member { id, weight }' });

const nexthopFields = {
  id,
  family: familyCheck,
  via: ipCheck,
  gateway: ipCheck,
  dev: linkRefCheck,
  onlink: bool,
  blackhole: bool,
  encap: encapCheck,
  fdb: bool,
  protocol: protocolCheck,
  group: arrayOf(member, { min: 1 }),
  type: oneOf(Object.keys(NEXTHOP_GRP_TYPE) as NexthopGroupType[]),
  buckets: int(1, 0xffff),
  idleTimer: seconds,
  unbalancedTimer: seconds,
  scope: scopeCheck,
  flags: flagsCheck(RTNH_F),
  unbalancedTime: custom<number>('a non-negative number (reported; ignored)', [-1, NaN, '1', null], (v, path) => {
    if (typeof v !== 'number' || !(v >= 0)) throw new TypeError(`${path} must be a non-negative number (reported by list; ignored), got ${show(v)}`);
    return v;
  }),
};
const filterFields = { family: familyCheck, id, dev: linkRefCheck, master: linkRefCheck, groups: bool, fdb: bool, protocol: protocolCheck };
const bucketFields = { id, nhid: id, dev: linkRefCheck, master: linkRefCheck };

/** The schemas the nexthop calls apply to their input (the property test corrupts their fields). */
export const nexthopSchemas = {
  /** `nexthop.add` / `replace` / `del` (path `nexthop`). */
  nexthop: object(nexthopFields, { what: 'a nexthop object { id, via, dev, group, … }' }),
  /** `nexthop.list` (path `filter`). */
  filter: object(filterFields),
  /** `nexthop.flush` (path `filter`). */
  flushFilter: object({ ...filterFields, all: allCheck }),
  /** `nexthop.buckets` (path `filter`). */
  bucketFilter: object(bucketFields),
};

type NexthopInput = Snapshot<typeof nexthopFields>;

/** A checked add/replace: the header, the attributes in `ip`'s order, and the link still to resolve. */
interface Checked {
  h: NhMsg;
  id?: number;
  group?: { id: number; weight: number }[];
  resGroup?: { buckets?: number; idleTimer?: number; unbalancedTimer?: number };
  groupType?: number;
  blackhole: boolean;
  gateway?: ParsedIp;
  dev?: LinkRef;
  fdb: boolean;
  encap?: EncapIn;
}

/** Checks the whole input of add/replace (schema, then what the fields say together). */
function checkNexthop(input: unknown, op: 'add' | 'replace'): Checked {
  const o: NexthopInput = nexthopSchemas.nexthop(input, 'nexthop');
  if (o.via && o.gateway && (o.via.family !== o.gateway.family || Buffer.compare(Buffer.from(o.via.bytes), Buffer.from(o.gateway.bytes)) !== 0))
    throw new TypeError(`nexthop.via and nexthop.gateway name the same field and differ (${show(input && (input as Record<string, unknown>).via)} vs ${show(input && (input as Record<string, unknown>).gateway)}): give one`);
  const gw = o.via ?? o.gateway;
  const gwName = o.via ? 'via' : 'gateway';
  if (op === 'replace' && o.id === undefined) throw new TypeError('nexthop.id is required by replace (the kernel replaces by id)');
  const onlink = o.onlink || o.flags?.some((f) => f === 'onlink' || (typeof f === 'number' && f & RTNH_F.onlink)) || false;
  const grouped = o.type !== undefined || o.buckets !== undefined || o.idleTimer !== undefined || o.unbalancedTimer !== undefined;
  if (o.group) {
    for (const k of ['family', 'dev', 'blackhole'] as const)
      if (o[k] !== undefined && o[k] !== false) throw new TypeError(`nexthop.${k} does not apply to a group (nexthop.group): a group takes its members' paths`);
    if (gw) throw new TypeError(`nexthop.${gwName} does not apply to a group (nexthop.group): a group takes its members' paths`);
    if (onlink) throw new TypeError('nexthop.onlink does not apply to a group (nexthop.group)');
    const res = o.type === 'resilient';
    if (!res) for (const k of ['buckets', 'idleTimer', 'unbalancedTimer'] as const) if (o[k] !== undefined) throw new TypeError(`nexthop.${k} applies to a resilient group only (type: 'resilient')`);
    if (res && o.buckets === undefined) throw new TypeError("nexthop.buckets is required for a resilient group (type: 'resilient'): the kernel needs the number of buckets");
  } else {
    if (grouped) {
      const k = (['type', 'buckets', 'idleTimer', 'unbalancedTimer'] as const).find((x) => o[x] !== undefined)!;
      throw new TypeError(`nexthop.${k} applies to a group only (nexthop.group)`);
    }
    if (o.blackhole) {
      for (const k of ['dev', 'fdb'] as const) if (o[k] !== undefined && o[k] !== false) throw new TypeError(`nexthop.${k} and nexthop.blackhole exclude each other`);
      if (gw) throw new TypeError(`nexthop.${gwName} and nexthop.blackhole exclude each other`);
      if (onlink) throw new TypeError('nexthop.onlink and nexthop.blackhole exclude each other');
    } else if (o.fdb) {
      if (o.dev !== undefined) throw new TypeError('nexthop.dev and nexthop.fdb exclude each other (an FDB nexthop has a gateway only)');
      if (!gw) throw new TypeError('nexthop.fdb needs nexthop.via (an FDB nexthop is a gateway: the remote VTEP)');
    } else if (o.dev === undefined) {
      throw new TypeError(
        `nexthop.dev is required${gw ? ` with nexthop.${gwName}` : ''} (the kernel wants a device for every nexthop that is not a blackhole, an fdb nexthop or a group), ` +
          'as `ip nexthop add id N via ADDR dev DEV` has it',
      );
    }
    if (onlink && !gw) throw new TypeError('nexthop.onlink needs nexthop.via (it says the gateway is on the link)');
  }
  let family: number = AF.UNSPEC;
  if (!o.group) {
    const gf = gw ? (gw.family === 'inet' ? AF.INET : AF.INET6) : undefined;
    const ff = o.family === undefined ? undefined : o.family === 'inet' ? AF.INET : AF.INET6;
    if (gf !== undefined && ff !== undefined && gf !== ff) throw new TypeError(`nexthop.${gwName} is ${gw!.family}, but nexthop.family is ${o.family} (address family mismatch)`);
    family = gf ?? ff ?? AF.INET;
  }
  if (o.encap !== undefined)
    for (const k of ['group', 'blackhole', 'fdb'] as const) if (o[k] !== undefined && o[k] !== false) throw new TypeError(`nexthop.encap does not apply to ${k === 'group' ? 'a group (nexthop.group)' : `nexthop.${k}`}`);
  const c: Checked = {
    h: { family, scope: 0, protocol: o.protocol ?? 0, flags: onlink ? RTNH_F.onlink : 0 },
    id: o.id,
    blackhole: o.blackhole === true,
    gateway: gw,
    dev: o.dev,
    fdb: o.fdb === true,
  };
  if (o.encap !== undefined) c.encap = encapIn(o.encap, family, 'nexthop.encap');
  if (o.group) {
    c.group = o.group.map((m) => ({ id: m.id!, weight: m.weight ?? 1 }));
    if (o.type !== undefined) c.groupType = NEXTHOP_GRP_TYPE[o.type];
    if (o.type === 'resilient') c.resGroup = { buckets: o.buckets, idleTimer: o.idleTimer, unbalancedTimer: o.unbalancedTimer };
  }
  return c;
}

/** Writes a nexthop in the order `ip nexthop add` writes it. */
function writeNexthop(w: Writer, c: Checked, oif: number | undefined): void {
  nhmsg.encode(w, c.h, 'nexthop');
  if (c.id !== undefined) nexthopAttrs.encodeOne(w, 'id', c.id);
  if (c.group) nexthopAttrs.encodeOne(w, 'group', c.group, 'nexthop.group');
  if (c.resGroup) nexthopAttrs.encodeOne(w, 'resGroup', c.resGroup, 'nexthop');
  if (c.groupType !== undefined) nexthopAttrs.encodeOne(w, 'groupType', c.groupType);
  if (c.blackhole) nexthopAttrs.encodeOne(w, 'blackhole', true);
  if (c.encap) writeEncap(w, c.encap, 'nexthop.encap', nexthopAttrs);
  if (c.gateway) nexthopAttrs.encodeBytes(w, 'gateway', c.gateway.bytes);
  if (oif !== undefined) nexthopAttrs.encodeOne(w, 'oif', oif);
  if (c.fdb) nexthopAttrs.encodeOne(w, 'fdb', true);
}

function* modify(input: unknown, flags: number, op: 'add' | 'replace'): Op<void> {
  const c = checkNexthop(input, op);
  const oif = yield* linkOf(c.dev, undefined, 'nexthop');
  yield* encapLinks(c.encap, 'nexthop.encap');
  yield { type: RTM.NEWNEXTHOP, flags, body: (w: Writer) => writeNexthop(w, c, oif) } satisfies Request;
}

/** The request that names one nexthop by id (del, get). */
function byId(type: number, nhid: number): Request<NexthopObject> {
  return {
    type,
    body(w) {
      nhmsg.encode(w, { family: AF.UNSPEC, scope: 0, protocol: 0, flags: 0 }, 'nexthop');
      nexthopAttrs.encodeOne(w, 'id', nhid);
    },
    parse: type === RTM.GETNEXTHOP ? (b, off, end) => parseNexthop(b, off, end) : undefined,
  };
}

// ---------------------------------------------------------------------------
// Output

/** Decodes one RTM_NEWNEXTHOP payload (`dev` is the link's index; lists name it). */
export function parseNexthop(b: Buffer, off: number, end: number): NexthopObject | undefined {
  const h = nhmsg.header(b, off, end, 'nexthop');
  const a = nexthopAttrs.decode(b, off + nhmsg.size, end, undefined, 'nexthop') as Decoded<NhaAttrs>;
  if (a.id === undefined) return undefined;
  const n: NexthopObject = { id: a.id, flags: flagNames(RTNH_F, h.flags) };
  if (h.family === AF.INET || h.family === AF.INET6) n.family = h.family === AF.INET ? 'inet' : 'inet6';
  if (a.group !== undefined) {
    n.group = a.group;
    n.type = groupTypeNames.get(a.groupType ?? 0) ?? (a.groupType as never);
    if (a.resGroup) {
      const r = a.resGroup;
      if (r.buckets !== undefined) n.buckets = r.buckets;
      if (r.idleTimer !== undefined) n.idleTimer = r.idleTimer;
      if (r.unbalancedTimer !== undefined) n.unbalancedTimer = r.unbalancedTimer;
      if (r.unbalancedTime !== undefined) n.unbalancedTime = r.unbalancedTime;
    }
  }
  if (a.gateway !== undefined) n.gateway = a.gateway;
  if (a.oif !== undefined) n.dev = a.oif;
  if (a.blackhole) n.blackhole = true;
  if (a.fdb) n.fdb = true;
  if (a.encap !== undefined && a.encapType !== undefined) n.encap = encapOut(a.encapType, a.encap, 'nexthop.encap') as unknown as RouteEncap | OtherEncap;
  if (h.flags & RTNH_F.onlink) n.onlink = true;
  if (h.protocol) n.protocol = protocolName(h.protocol);
  if (a.group === undefined) n.scope = scopeName(h.scope);
  if (a.unknown !== undefined) n.unknown = a.unknown;
  return n;
}

interface Compiled {
  family: number;
  id?: number;
  oif?: number;
  master?: number;
  groups?: boolean;
  fdb?: boolean;
  protocol?: number;
}

function matches(n: NexthopObject, c: Compiled): boolean {
  if (c.family && n.family !== (c.family === AF.INET ? 'inet' : 'inet6')) return false;
  if (c.groups !== undefined && (n.group !== undefined) !== c.groups) return false;
  if (c.fdb !== undefined && (n.fdb === true) !== c.fdb) return false;
  if (c.protocol !== undefined && (n.protocol === undefined ? 0 : protocolCheck(n.protocol, 'protocol')) !== c.protocol) return false;
  return true;
}

/** The dump, with the filters the kernel applies (family, NHA_OIF, NHA_MASTER, NHA_GROUPS, NHA_FDB); the rest per message. */
function nexthopDump(c: Compiled): Request<NexthopObject> {
  return {
    type: RTM.GETNEXTHOP,
    flags: NLM_F.DUMP,
    body(w) {
      nhmsg.encode(w, { family: c.family, scope: 0, protocol: 0, flags: 0 }, 'filter');
      if (c.oif !== undefined) nexthopAttrs.encodeOne(w, 'oif', c.oif);
      if (c.groups) nexthopAttrs.encodeOne(w, 'groups', true);
      if (c.master !== undefined) nexthopAttrs.encodeOne(w, 'master', c.master);
      if (c.fdb) nexthopAttrs.encodeOne(w, 'fdb', true);
    },
    parse(b, off, end) {
      const n = parseNexthop(b, off, end);
      return n && matches(n, c) ? n : undefined;
    },
  };
}

const devIndex = (n: NexthopObject): number => (typeof n.dev === 'number' ? n.dev : 0);
function nameDev(n: NexthopObject, names: Map<number, string>): void {
  if (typeof n.dev === 'number') n.dev = names.get(n.dev) ?? n.dev;
}

function* listChecked(f: Snapshot<typeof filterFields>): Op<NexthopObject[]> {
  const c: Compiled = { family: f.family === undefined ? AF.UNSPEC : f.family === 'inet' ? AF.INET : AF.INET6, groups: f.groups, fdb: f.fdb, protocol: f.protocol };
  const { index, names } = yield* resolveDev(f.dev, 'filter.dev');
  c.oif = index;
  if (f.master !== undefined) c.master = (yield* linkOf(f.master, undefined, 'filter', 'master'))!;
  if (f.id !== undefined) {
    let found: NexthopObject[];
    try {
      found = (yield byId(RTM.GETNEXTHOP, f.id)) as NexthopObject[];
    } catch (e) {
      if (e instanceof NetlinkError && e.code === 'ENOENT') return [];
      throw e;
    }
    // the kernel's dump filters, applied to the one answer
    found = found.filter((n) => matches(n, c) && (c.oif === undefined || n.dev === c.oif));
    if (c.master !== undefined && found.length) {
      const under = (yield* listChecked({ ...f, id: undefined })) as NexthopObject[];
      found = found.filter((n) => under.some((u) => u.id === n.id));
    }
    return yield* nameAll(found);
  }
  return yield* dumpNamed(nexthopDump(c), names, devIndex, nameDev);
}

/** Names the links of nexthops already read (one RTM_GETLINK per link). */
function* nameAll(items: NexthopObject[]): Op<NexthopObject[]> {
  const names = new Map<number, string>();
  yield* lookupMissing(items, names, devIndex);
  for (const n of items) nameDev(n, names);
  return items;
}

/** Decodes one RTM_NEWNEXTHOPBUCKET payload. */
export function parseNexthopBucket(b: Buffer, off: number, end: number): NexthopBucket | undefined {
  nhmsg.header(b, off, end, 'nexthop');
  const a = nexthopAttrs.decode(b, off + nhmsg.size, end, undefined, 'nexthop') as Decoded<NhaAttrs>;
  const k = a.resBucket;
  if (a.id === undefined || k?.index === undefined || k.nhid === undefined) return undefined;
  return { id: a.id, index: k.index, idleTime: k.idleTime ?? 0, nhid: k.nhid };
}

/** The nexthop operations, written once and run async or sync by a handle. */
export const nexthopOps = {
  /**
   * Adds a nexthop or a group. Equivalent to `ip [-6] nexthop add [id N]
   * { via ADDR dev DEV [onlink] | dev DEV | blackhole | via ADDR fdb |
   * group ID[,W]/… [type mpath|resilient [buckets N] [idle_timer S]
   * [unbalanced_timer S]] [fdb] } [protocol P]`. EEXIST if the id is taken.
   */
  add(options: NexthopOptions): Op<void> {
    return modify(options, NLM_F.CREATE | NLM_F.EXCL, 'add');
  },

  /** Adds the nexthop or replaces the one with its id. Equivalent to `ip nexthop replace id N …` (the id is required). */
  replace(options: NexthopOptions & { id: number }): Op<void> {
    return modify(options, NLM_F.CREATE | NLM_F.REPLACE, 'replace');
  },

  /**
   * Deletes a nexthop by id; routes that use it go with it, and a group
   * loses it as a member. Equivalent to `ip nexthop del id N`; an object that
   * `list` returned deletes that nexthop. ENOENT when there is none.
   */
  *del(options: NexthopDelOptions): Op<void> {
    const o = nexthopSchemas.nexthop(options, 'nexthop');
    if (o.id === undefined) throw new TypeError('nexthop.id is required (`ip nexthop del id N`): the kernel deletes by id');
    yield byId(RTM.DELNEXTHOP, o.id);
  },

  /** One nexthop by id. Equivalent to `ip nexthop get id N`; rejects with ENOENT when there is none. */
  *get(nhid: number): Op<NexthopObject> {
    id(nhid, 'id');
    const [n] = (yield byId(RTM.GETNEXTHOP, nhid)) as NexthopObject[];
    if (!n) throw new NetlinkError(2, 'RTM_GETNEXTHOP', {}, `no nexthop with id ${nhid}`);
    return (yield* nameAll([n]))[0];
  },

  /**
   * Lists nexthops and groups. Equivalent to `ip [-4|-6] nexthop show [id N]
   * [dev DEV] [master DEV] [groups] [fdb] [protocol P]`; family, dev, master,
   * groups and fdb are filtered in the kernel.
   */
  *list(filter: NexthopFilter = {}): Op<NexthopObject[]> {
    return yield* listChecked(nexthopSchemas.filter(filter, 'filter'));
  },

  /**
   * Deletes the nexthops that match the filter, groups first (pipelined,
   * then listed again until none is left); resolves with how many went. Equivalent to `ip nexthop flush [dev DEV] [groups] [fdb] …`.
   * A selector is required: `{ all: true }` is `ip nexthop flush`, every nexthop.
   */
  *flush(filter: NexthopFlushFilter): Op<number> {
    requireSelector(filter, 'nexthop', '{ dev: "eth0" } or { all: true }', (f) => Object.keys(f).some((k) => k !== 'family' && f[k] !== undefined));
    const { all: _all, ...f } = nexthopSchemas.flushFilter(filter, 'filter');
    const seen = new Set<number>();
    for (let round = 0; round < 8; round++) {
      const found = (yield* listChecked(f)) as NexthopObject[];
      if (!found.length) return seen.size;
      for (const n of found) seen.add(n.id);
      // groups first (deleting a member changes its groups, the last member removes them), each set pipelined
      for (const part of [found.filter((n) => n.group), found.filter((n) => !n.group)]) {
        if (!part.length) continue;
        try {
          yield part.map((n) => byId(RTM.DELNEXTHOP, n.id));
        } catch (e) {
          // one went away meanwhile (with its device, or deleted elsewhere): the next round looks again
          if (!(e instanceof NetlinkError) || e.code !== 'ENOENT') throw e;
        }
      }
    }
    const left = (yield* listChecked(f)) as NexthopObject[];
    if (left.length) throw new NetlinkError(16, 'RTM_DELNEXTHOP', {}, `nexthop.flush: ${left.length} nexthops kept reappearing`);
    return seen.size;
  },

  /**
   * Lists the buckets of resilient groups. Equivalent to `ip nexthop bucket
   * show [id ID] [nhid ID] [dev DEV] [master DEV]`; every filter is applied
   * in the kernel.
   */
  *buckets(filter: NexthopBucketFilter = {}): Op<NexthopBucket[]> {
    const f = nexthopSchemas.bucketFilter(filter, 'filter');
    const oif = yield* linkOf(f.dev, undefined, 'filter');
    const master = yield* linkOf(f.master, undefined, 'filter', 'master');
    return (yield {
      type: RTM.GETNEXTHOPBUCKET,
      flags: NLM_F.DUMP,
      body(w: Writer) {
        nhmsg.encode(w, { family: AF.UNSPEC, scope: 0, protocol: 0, flags: 0 }, 'filter');
        if (oif !== undefined) nexthopAttrs.encodeOne(w, 'oif', oif);
        if (master !== undefined) nexthopAttrs.encodeOne(w, 'master', master);
        if (f.id !== undefined) nexthopAttrs.encodeOne(w, 'id', f.id);
        if (f.nhid !== undefined) nexthopAttrs.encodeOne(w, 'resBucket', { nhid: f.nhid }, 'filter');
      },
      parse: parseNexthopBucket,
    } satisfies Request<NexthopBucket>) as NexthopBucket[];
  },
};

// Notifications decode exactly like the lists (events.ts, read by monitor.ts); `dev` is the link's index.
registerEvents('nexthop', RTM.NEWNEXTHOP, RTM.DELNEXTHOP, ((b, off, end) => parseNexthop(b, off, end)) as EventDecoder);
