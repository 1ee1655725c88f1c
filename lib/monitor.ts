/**
 * Events: `ip monitor` as an async iterable. Each kernel notification is
 * decoded by the same parser its family's `list` uses, so events and lists
 * carry the same field names.
 * @module
 */
import { closeSync, openSync } from 'node:fs';
import { AbortError, NetlinkError } from './errors.js';
import { eventKind, type MonitorFamily } from './events.js';
import './families.js'; // loads the families, which register their event decoders
import type { Link } from './link.js';
import { Connection } from './netlink.js';
import { abortSignal, arrayOf, bool, int, object, oneOf } from './validate.js';
import { netnsRef, openNetns } from './resolve.js';
import { NLM_F } from './protocol.js';
import type { Request } from './request.js';
import { AF } from './types.js';
import { netnsOps } from './nsid.js';
import { addrAttrs, ifaddrmsg } from './wire/address.js';
import { ifinfomsg, linkAttrs } from './wire/link.js';
import { rtgenmsg } from './wire/nsid.js';
import { ndmsg } from './wire/neigh.js';
import { rtmsg } from './wire/route.js';
import { RTM, RTNLGRP } from './wire/rtm.js';
import { fibRuleHdr } from './wire/rule.js';
import type { Address } from './address.js';
import type { Neighbour } from './neigh.js';
import type { Netconf } from './netconf.js';
import type { NexthopObject } from './nexthop.js';
import type { Route } from './route.js';
import type { Rule } from './rule.js';
import type { Filter, ListedAction, Qdisc, TcClass } from './tc.js';
import type { NetnsRef } from './types.js';

export type { MonitorFamily } from './events.js';

/** One notification: what changed (`action`) and the object as a list would return it. */
export type MonitorEvent = (
  | { type: 'link'; action: 'new' | 'del'; data: Link }
  | { type: 'address'; action: 'new' | 'del'; data: Address }
  | { type: 'route'; action: 'new' | 'del'; data: Route }
  | { type: 'neigh'; action: 'new' | 'del'; data: Neighbour }
  | { type: 'rule'; action: 'new' | 'del'; data: Rule }
  | { type: 'nsid'; action: 'new' | 'del'; data: Record<string, unknown> }
  | { type: 'qdisc'; action: 'new' | 'del'; data: Qdisc }
  | { type: 'class'; action: 'new' | 'del'; data: TcClass }
  | { type: 'filter'; action: 'new' | 'del'; data: Filter }
  | { type: 'action'; action: 'new' | 'del'; data: { actions: ListedAction[] } }
  | { type: 'nexthop'; action: 'new' | 'del'; data: NexthopObject }
  | { type: 'netconf'; action: 'new' | 'del'; data: Netconf }
  /**
   * The whole state of the followed tables (`snapshot`), then the changes from it:
   * first of all with `listExisting` (`action: 'listed'`), and after lost events
   * with `overflow: 'resync'` (`action: 'lost'`: the kernel's ENOBUFS; the snapshot
   * is a fresh dump and replaces whatever the reader held). With `allNsid` and
   * `listExisting`, `action: 'peer'` (with `nsid`) lists a namespace that got an nsid
   * here meanwhile: its `snapshot` holds that namespace's links and addresses and
   * replaces what the reader held of it.
   */
  | { type: 'resync'; action: 'listed' | 'lost' | 'peer'; data: null; snapshot: MonitorSnapshot }
) & {
  /**
   * The notification's request flags (nlmsg_flags), when it has any: how the kernel says a
   * `RTM_NEWROUTE` was made. `ip route add` → `['create', 'excl']`, `append` →
   * `['create', 'append']`, `prepend` → `['create']`, `replace` of an existing route →
   * `['replace']` (the route it replaced gets no `del` event: IPv4 and IPv6 alike).
   */
  nlmsgFlags?: readonly NotificationFlag[];
  /**
   * With `allNsid`: the nsid (as this namespace numbers it, `ip netns list-id`) of the
   * namespace the event came from; absent for this namespace's own events.
   */
  nsid?: number;
  /**
   * With `allNsid`: the name under /run/netns of the namespace of `nsid`, when it is a
   * named one the monitor knows (looked up when the monitor starts and again on each
   * RTM_NEWNSID/RTM_DELNSID: the first events of a namespace just given an id may come
   * without it; absent where /run/netns cannot be read).
   */
  netnsName?: string;
};

/**
 * What a listing holds of another namespace (`allNsid` with `listExisting`): the tables the
 * kernel dumps by nsid (IFLA_TARGET_NETNSID, IFA_TARGET_NETNSID), links and addresses.
 */
export interface MonitorPeerSnapshot {
  /** The namespace's nsid here. */
  nsid: number;
  /** Its name under /run/netns, when it has one. */
  netnsName?: string;
  link?: Link[];
  address?: Address[];
}

/** A request flag a notification carries (NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND). */
export type NotificationFlag = 'replace' | 'excl' | 'create' | 'append';
/** The flag sets of nlmsg_flags bits 8–11, made once: an event takes one by index, no allocation. */
const FLAG_SETS: (readonly NotificationFlag[] | undefined)[] = Array.from({ length: 16 }, (_, bits) => {
  const names = (['replace', 'excl', 'create', 'append'] as const).filter((_, i) => bits & (1 << i));
  return names.length ? Object.freeze(names) : undefined;
});

/** The families whose whole table a monitor can dump (`listExisting`, `resync`). */
export type ListableFamily = 'link' | 'address' | 'route' | 'neigh' | 'rule';
/** Which families can be dumped whole: those of {@link ListableFamily}. */
export const LISTABLE: readonly ListableFamily[] = ['link', 'address', 'route', 'neigh', 'rule'];

/**
 * The tables of the followed families as one dump found them, decoded as events
 * are (no `dev` names: events carry indexes only). `neigh` holds the ARP/NDP
 * caches (bridge FDB entries are not in it, though their events are delivered);
 * tc objects and nsids are not dumped.
 */
export interface MonitorSnapshot {
  link?: Link[];
  address?: Address[];
  route?: Route[];
  neigh?: Neighbour[];
  rule?: Rule[];
  /** With `allNsid`: every namespace with an nsid here, as it was listed. */
  peers?: MonitorPeerSnapshot[];
}

/** Options of {@link monitor}. */
export interface MonitorOptions {
  /** Families to follow (default: all). */
  families?: MonitorFamily[];
  /** Watch inside this namespace (default: the caller's). */
  netns?: NetnsRef;
  /** Ends the iteration (rejecting a pending `next()` with an AbortError). */
  signal?: AbortSignal;
  /** Events queued before reading pauses and the kernel starts dropping (default 4096). */
  highWaterMark?: number;
  /**
   * What lost events mean: `'throw'` (default) ends the iteration with a
   * NetlinkError `ENOBUFS`; `'resync'` yields `{ type: 'resync' }` and then
   * carries on, leaving the caller to re-list what it mirrors.
   */
  overflow?: 'throw' | 'resync';
  /** Socket receive buffer in bytes (default 8 MiB where allowed): how much the kernel holds for a slow reader. */
  rcvbuf?: number;
  /**
   * Start with the current state: the first event is `{ type: 'resync', action:
   * 'listed', snapshot }`, then the changes that came after it (as `ip monitor`
   * after `ip -d link show; ip addr show; …`, without the gap between them).
   * Only the families of {@link ListableFamily} (the default families then).
   *
   * Ordering guarantee: the socket is subscribed before the dump is sent, and the
   * dump runs on the monitor's own socket, so its messages and the notifications
   * arrive in one stream in the kernel's order: an event that arrived before the
   * dumped object of the same key is already in the snapshot and is dropped; one
   * that arrived after it is yielded, after the snapshot. Of a key the dump did not
   * hold, only its last event of the dump's time is yielded, and only when it is a
   * 'new' (an object made and gone meanwhile is in neither). Nothing that happened
   * after the dump read an object is lost; nothing the snapshot shows is yielded again.
   */
  listExisting?: boolean;
  /**
   * Also hear every namespace that has an nsid in this one (NETLINK_LISTEN_ALL_NSID), each
   * event carrying the sender's `nsid` (and `netnsName`). Equivalent to `ip monitor all-nsid`.
   * With `listExisting`, listings and resyncs also list every such namespace's links and
   * addresses (`snapshot.peers`; the kernel dumps no other table by nsid), each on the
   * monitor's own socket with the same ordering guarantee; a namespace given an nsid later
   * is listed when its RTM_NEWNSID arrives (`{ type: 'resync', action: 'peer', nsid }`).
   * When one of them is destroyed the kernel sends RTM_DELNSID (an `nsid` event with
   * `action: 'del'`; followed with or without the `nsid` family). Routes, neighbours and
   * rules of other namespaces are yielded as events but never listed.
   *
   * A namespace can hold an nsid for itself (the kernel makes one when it must number this
   * namespace for another's link, e.g. while listing a veth across by nsid); from then on its
   * own events come with that id. The monitor asks which id is its own (RTM_GETNSID) at the
   * start and on each RTM_NEWNSID, and yields those events as its own (no `nsid`); events
   * that came with it before the answer are repaired by a re-listing (`action: 'lost'`).
   */
  allNsid?: boolean;
}

/** What {@link MonitorOptions.rcvbuf} defaults to (the kernel doubles it; capped at rmem_max without CAP_NET_ADMIN). */
const DEFAULT_RCVBUF = 8 << 20;

const groupsOf: Record<MonitorFamily, number[]> = {
  link: [RTNLGRP.LINK],
  address: [RTNLGRP.IPV4_IFADDR, RTNLGRP.IPV6_IFADDR],
  route: [RTNLGRP.IPV4_ROUTE, RTNLGRP.IPV6_ROUTE],
  neigh: [RTNLGRP.NEIGH],
  rule: [RTNLGRP.IPV4_RULE, RTNLGRP.IPV6_RULE],
  nsid: [RTNLGRP.NSID],
  qdisc: [RTNLGRP.TC],
  class: [RTNLGRP.TC],
  filter: [RTNLGRP.TC],
  action: [RTNLGRP.TC],
  nexthop: [RTNLGRP.NEXTHOP],
  netconf: [RTNLGRP.IPV4_NETCONF, RTNLGRP.IPV6_NETCONF],
};

/** The options of {@link monitor}. */
export const monitorOptions = object({
  families: arrayOf(oneOf(Object.keys(groupsOf) as MonitorFamily[]), { min: 1 }),
  netns: netnsRef,
  signal: abortSignal,
  highWaterMark: int(1, 1 << 24),
  overflow: oneOf(['throw', 'resync'] as const),
  rcvbuf: int(1024, 0x7fffffff),
  listExisting: bool,
  allNsid: bool,
});

const hdr = { dstLen: 0, srcLen: 0, tos: 0, table: 0 };
/** The dump requests of the tables the kernel dumps in another namespace by nsid. */
const peerDumpsOf = {
  link: (nsid: number): Pick<Request, 'type' | 'flags' | 'body'> => ({
    type: RTM.GETLINK,
    flags: NLM_F.DUMP,
    body: (w) => {
      ifinfomsg.encode(w, { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 }, 'dump');
      linkAttrs.encodeOne(w, 'targetNetnsid', nsid);
    },
  }),
  address: (nsid: number): Pick<Request, 'type' | 'flags' | 'body'> => ({
    type: RTM.GETADDR,
    flags: NLM_F.DUMP,
    body: (w) => {
      ifaddrmsg.encode(w, { family: AF.UNSPEC, prefixlen: 0, flags: 0, scope: 0, index: 0 }, 'dump');
      addrAttrs.encodeOne(w, 'targetNetnsid', nsid);
    },
  }),
};
type PeerTable = keyof typeof peerDumpsOf;
const isPeerTable = (f: string): f is PeerTable => f === 'link' || f === 'address';

/** The dump requests of each listable family (headers only; decoded by the events' decoders). */
const dumpsOf: Record<ListableFamily, Pick<Request, 'type' | 'flags' | 'body'>[]> = {
  link: [{ type: RTM.GETLINK, flags: NLM_F.DUMP, body: (w) => ifinfomsg.encode(w, { family: AF.UNSPEC, type: 0, index: 0, flags: 0, change: 0 }, 'dump') }],
  address: [{ type: RTM.GETADDR, flags: NLM_F.DUMP, body: (w) => ifaddrmsg.encode(w, { family: AF.UNSPEC, prefixlen: 0, flags: 0, scope: 0, index: 0 }, 'dump') }],
  route: [AF.INET, AF.INET6].map((family) => ({
    type: RTM.GETROUTE,
    flags: NLM_F.DUMP,
    body: (w) => rtmsg.encode(w, { ...hdr, family, protocol: 0, scope: 0, type: 0, flags: 0 }, 'dump'),
  })),
  neigh: [{ type: RTM.GETNEIGH, flags: NLM_F.DUMP, body: (w) => ndmsg.encode(w, { family: AF.UNSPEC, ifindex: 0, state: 0, flags: 0, type: 0 }, 'dump') }],
  rule: [AF.INET, AF.INET6].map((family) => ({
    type: RTM.GETRULE,
    flags: NLM_F.DUMP,
    body: (w) => fibRuleHdr.encode(w, { ...hdr, family, action: 0, flags: 0 }, 'dump'),
  })),
};

/** A route's next hops as one string: the nexthop object, the multipath legs, or the one hop. */
const hopsOf = (o: any): string =>
  o.nhid !== undefined ? `nh${o.nhid}` : o.nexthops ? o.nexthops.map((n: any) => `${n.oif}/${n.gateway ?? ''}/${n.weight}`).join(',') : `${o.oif ?? ''}/${o.gateway ?? ''}`;

/**
 * Whether an IPv6 route can join a multipath group (the kernel's rt6_qualify_for_ecmp):
 * it has a gateway, is no nexthop object, and was not learnt from a router advertisement.
 */
export const ecmpCapable = (o: any): boolean => o.nhid === undefined && o.protocol !== 'ra' && (o.nexthops !== undefined || o.gateway !== undefined);

/**
 * The kernel's lookup identity of a route, which `replace` and `append` act on:
 * IPv4 (a fib alias group) table, destination, TOS and priority; IPv6 (a fib6
 * node's same-metric run) table, destination, source prefix and metric.
 */
export function routeGroup(o: any): string {
  return o.family === 'inet6' ? `inet6|${o.table}|${o.dst}|${o.from ?? ''}|${o.metric ?? 0}` : `${o.family}|${o.table}|${o.dst}|${o.tos ?? 0}|${o.metric ?? 0}`;
}

/**
 * The identity of an object within its table, as the kernel keys it: a link by
 * index; an address by link, family, address, length and peer; a neighbour by
 * family, link and address (FDB: link, MAC, VLAN); a rule by all its fields.
 * A route by its {@link routeGroup} and then, for IPv4, what tells the aliases
 * `ip route append` makes apart (type and the fib_info: protocol, scope,
 * preferred source, next hops); for IPv6, one entry per multipath group (all
 * gateway routes of one metric are siblings: `ecmp`) or per output link.
 */
export function objectKey(family: ListableFamily, o: any): string {
  switch (family) {
    case 'link':
      return `${o.index}`;
    case 'address':
      return `${o.family}|${o.index}|${o.address}/${o.prefixlen}|${o.peer ?? ''}`;
    case 'route':
      if (o.family === 'inet6') return `${routeGroup(o)}|${ecmpCapable(o) ? 'ecmp' : o.nhid !== undefined ? `nh${o.nhid}` : (o.oif ?? '')}`;
      if (o.family === 'inet') return `${routeGroup(o)}|${o.type}|${o.protocol}|${o.scope}|${o.prefsrc ?? ''}|${hopsOf(o)}`;
      return `${o.family}|${o.table}|${o.dst}|${o.from ?? ''}|${o.tos ?? 0}|${o.metric ?? 0}`;
    case 'neigh':
      return o.family === 'bridge' ? `bridge|${o.index}|${o.lladdr}|${o.vlan ?? ''}|${o.dst ?? ''}` : `${o.family}|${o.index}|${o.address ?? ''}|${o.proxy ? 'proxy' : ''}`;
    case 'rule':
      return JSON.stringify(o);
  }
}

const isListable = (f: string): f is ListableFamily => (LISTABLE as readonly string[]).includes(f);
/** What a listing covers: this namespace's tables (`'all'` only), and those of the peers it listed. */
interface Scope {
  own: boolean;
  peers: Set<number>;
}
/** Of the events a dump covers (FDB entries are not dumped; of other namespaces, links and addresses). */
const covered = (e: MonitorEvent, scope: Scope): boolean =>
  e.nsid === undefined ? scope.own && isListable(e.type) && !(e.type === 'neigh' && e.data.family === 'bridge') : scope.peers.has(e.nsid) && isPeerTable(e.type);
/** An event's object, as a listing keys it (the namespace first). */
const eventKey = (e: MonitorEvent): string => `${e.nsid ?? ''}\0${e.type}\0${objectKey(e.type as ListableFamily, e.data)}`;
/** A peer listing that failed because the namespace is gone (its nsid no longer resolves). */
const gone = (e: unknown): boolean => e instanceof NetlinkError && (e.code === 'EINVAL' || e.code === 'ENOENT' || e.code === 'ENODEV');

/** @internal The monitor's own dump, for a mirror's verify(): the snapshot, and whether no event arrived while it ran. */
export const DUMP = Symbol('dump');
/** @internal Events read from the socket and not yet taken by the reader. */
export const PENDING = Symbol('pending');

/** A running monitor: iterate it with `for await`; `close()` ends it. */
export interface Monitor extends AsyncIterableIterator<MonitorEvent> {
  /** @internal */
  [DUMP](): Promise<{ snapshot: MonitorSnapshot; quiet: boolean }>;
  /** @internal */
  readonly [PENDING]: number;
  /** Stops listening; a pending `next()` resolves as done. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
  [Symbol.dispose](): void;
}

/**
 * Follows kernel notifications. Equivalent to `ip monitor [link] [address] [route] …`
 * (`ip -n NS monitor` with `netns`). The socket is subscribed when this returns,
 * so changes made afterwards are seen. With `listExisting`, the first event is
 * the current state (see {@link MonitorOptions.listExisting} for the ordering guarantee).
 */
export function monitor(options: MonitorOptions = {}): Monitor {
  options = monitorOptions(options, 'monitor options') as MonitorOptions;
  const fams = options.families ?? (options.listExisting ? [...LISTABLE] : (Object.keys(groupsOf) as MonitorFamily[]));
  if (options.listExisting) {
    const bad = fams.filter((f) => !isListable(f) && !(f === 'nsid' && options.allNsid));
    if (bad.length) throw new TypeError(`monitor options.families: listExisting can list ${LISTABLE.join(', ')} (and follow nsid with allNsid), not ${bad.join(', ')}`);
  }
  const listable = fams.filter(isListable);
  /** With allNsid and listExisting: the tables listed in the other namespaces too. */
  const peerTables = options.allNsid && options.listExisting ? listable.filter(isPeerTable) : [];
  const highWater = options.highWaterMark ?? 4096;
  const ns = options.netns !== undefined ? openNetns(options.netns, 'netns') : undefined;
  let conn: Connection;
  /** With allNsid: a request socket beside the event socket, for the names (RTM_GETNSID answered there carried no id on 6.18). */
  let namesConn: Connection | undefined;
  /** With allNsid: an fd of the monitor's namespace, to ask the id it may give itself. */
  let selfFd: number | undefined;
  try {
    // The engine sizes only request sockets by default: an event socket would get the kernel's ~208 KiB.
    conn = new Connection({ netnsFd: ns?.fd, groups: [...new Set([...fams.flatMap((f) => groupsOf[f]), ...(options.allNsid ? [RTNLGRP.NSID] : [])])], rcvbuf: options.rcvbuf ?? DEFAULT_RCVBUF, allNsid: options.allNsid });
    if (options.allNsid) {
      try {
        namesConn = new Connection({ netnsFd: ns?.fd });
        selfFd = openSync(ns === undefined ? '/proc/thread-self/ns/net' : ns.fd !== undefined ? `/proc/self/fd/${ns.fd}` : `/proc/${ns.pid}/ns/net`, 'r');
      } catch (e) {
        void conn.close({ force: true });
        void namesConn?.close({ force: true });
        throw e;
      }
    }
  } finally {
    if (ns?.owned && ns.fd !== undefined) closeSync(ns.fd);
  }
  const wanted = new Set<string>(fams);
  const queue: MonitorEvent[] = [];
  let failure: unknown;
  let done = false;
  let paused = false;
  let wake: (() => void) | undefined;
  /** Decoded events read so far (a verify() dump is quiet when this did not move). */
  let received = 0;
  /** While a listing/resync dump runs: the events read meanwhile, reconciled when it ends. */
  let window: MonitorEvent[] | undefined;
  let lostInWindow = false;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  /** nsid → name under /run/netns (with allNsid): refreshed on start and on each RTM_NEWNSID/RTM_DELNSID. */
  const names = new Map<number, string>();
  let namesGen = 0;
  /**
   * The id this namespace gives itself, if it has one: the kernel makes one when it must
   * number this namespace for another's link (a veth across), and from then on this
   * namespace's own events carry it under NETLINK_LISTEN_ALL_NSID. They are its own.
   */
  let selfId: number | undefined;
  let selfKnown = false;
  const refreshNames = async (): Promise<void> => {
    const gen = ++namesGen;
    if (!namesConn || done) return;
    let self: number | undefined;
    try {
      self = await namesConn.run(netnsOps.getId({ fd: selfFd! }));
    } catch {
      self = selfId;
    }
    let named: { name: string; id?: number }[] = [];
    try {
      named = await namesConn.run(netnsOps.list());
    } catch {
      // /run/netns unreadable (rootless, or absent): names stay unknown
    }
    if (gen !== namesGen || done) return;
    const learnt = selfKnown && self !== undefined && self !== selfId;
    selfId = self;
    selfKnown = true;
    names.clear();
    for (const n of named) if (n.id !== undefined && n.id !== selfId && !names.has(n.id)) names.set(n.id, n.name);
    // Events of this namespace that came with its new id meanwhile were taken for another's: list again.
    if (learnt && peerTables.length) schedule('lost');
  };
  let namesFresh: Promise<void> = options.allNsid ? refreshNames() : Promise.resolve();

  /** One dump on the monitor's socket; each object notes how many events of `into` came before it. */
  const dumpOne = (fam: ListableFamily, d: Pick<Request, 'type' | 'flags' | 'body'>, into: () => number, nsid?: number) =>
    conn
      .request<{ o: Record<string, unknown>; at: number }>({
        ...d,
        parse(b, off, end, type) {
          const k = eventKind(type);
          const o = k?.decode(b, off, end, type);
          return o === undefined ? undefined : { o, at: into() };
        },
      })
      .then((items) => ({ fam, nsid, items }));

  /**
   * Dumps the listable families on the monitor's socket (`scope` 'all': this namespace,
   * and with allNsid every peer; a number: that peer only).
   */
  const dumpAll = async (into: () => number, scope: 'all' | number = 'all') => {
    const own = scope === 'all' ? Promise.all(listable.flatMap((fam) => dumpsOf[fam].map((d) => dumpOne(fam, d, into)))) : Promise.resolve([]);
    let peerParts: Awaited<ReturnType<typeof dumpOne>>[][] = [];
    const listed = new Set<number>();
    try {
      if (peerTables.length) {
        await namesFresh;
        let nsids: number[] = [scope as number];
        if (scope === 'all') {
          const rows = await conn.request<Record<string, unknown>>({ type: RTM.GETNSID, flags: NLM_F.DUMP, body: (w) => rtgenmsg.encode(w, { family: 0 }, 'netns'), parse: (b, off, end, type) => eventKind(type)?.decode(b, off, end, type) });
          nsids = rows.map((r) => r.nsid as number).filter((n) => typeof n === 'number' && n >= 0);
        }
        nsids = nsids.filter((n) => n !== selfId);
        peerParts = await Promise.all(
          nsids.map((n) =>
            Promise.all(peerTables.map((fam) => dumpOne(fam, peerDumpsOf[fam](n), into, n))).then(
              (parts) => (listed.add(n), parts),
              (e) => {
                if (gone(e)) return []; // destroyed meanwhile: its RTM_DELNSID follows
                throw e;
              },
            ),
          ),
        );
      }
    } catch (e) {
      own.catch(() => undefined);
      throw e;
    }
    const parts = [...(await own), ...peerParts.flat()];
    const snapshot: MonitorSnapshot = {};
    const at = new Map<string, number>();
    const tables = new Map<string, Map<string, Record<string, unknown>>>();
    for (const { fam, nsid, items } of parts) {
      const where = `${nsid ?? ''}\0${fam}`;
      let t = tables.get(where);
      if (!t) tables.set(where, (t = new Map()));
      for (const { o, at: p } of items) {
        const k = objectKey(fam, o);
        t.set(k, o);
        at.set(`${where}\0${k}`, p);
      }
    }
    const peers = new Map<number, MonitorPeerSnapshot>();
    for (const n of listed) {
      const p: MonitorPeerSnapshot = { nsid: n };
      const name = names.get(n);
      if (name !== undefined) p.netnsName = name;
      for (const fam of peerTables) (p as unknown as Record<string, unknown>)[fam] = [];
      peers.set(n, p);
    }
    for (const [where, t] of tables) {
      const [ns, fam] = where.split('\0');
      const into = ns === '' ? (snapshot as Record<string, unknown>) : (peers.get(Number(ns)) as unknown as Record<string, unknown>);
      if (into) into[fam] = [...t.values()];
    }
    if (scope === 'all' && peerTables.length) snapshot.peers = [...peers.values()].sort((a, b) => a.nsid - b.nsid);
    else if (scope !== 'all') for (const fam of peerTables) (snapshot as Record<string, unknown>)[fam] = (peers.get(scope) as unknown as Record<string, unknown> | undefined)?.[fam] ?? [];
    return { snapshot, at, scope: { own: scope === 'all', peers: listed } as Scope };
  };

  /** Lists the state, then queues the snapshot and the events of the dump's time that it does not cover. */
  const resync = async (action: 'listed' | 'lost' | 'peer', peer?: number) => {
    // Which id is this namespace's own is known before the listing opens its window.
    if (options.allNsid) await namesFresh;
    if (action === 'peer' && peer === selfId) return;
    for (let tries = 0; ; tries++) {
      window = [];
      lostInWindow = false;
      let result: Awaited<ReturnType<typeof dumpAll>>;
      try {
        result = await dumpAll(() => window!.length, action === 'peer' ? peer! : 'all');
      } catch (e) {
        window = undefined;
        if (!done) failure ??= e;
        notify();
        return;
      }
      const evs = window;
      if (lostInWindow && tries < 8) {
        // events of the dump's time were lost too: list again (all of it: this namespace's were lost as well)
        if (action === 'peer') action = 'lost';
        continue;
      }
      window = undefined;
      if (done) return;
      const { snapshot, at, scope } = result;
      const last = new Map<string, number>();
      evs.forEach((e, i) => covered(e, scope) && last.set(eventKey(e), i));
      const head: MonitorEvent = { type: 'resync', action, data: null, snapshot };
      if (action === 'peer') {
        head.nsid = peer!;
        const name = names.get(peer!);
        if (name !== undefined) head.netnsName = name;
      }
      queue.push(head);
      evs.forEach((e, i) => {
        if (!covered(e, scope)) return void queue.push(e);
        const k = eventKey(e);
        const p = at.get(k);
        if (p !== undefined ? i >= p : last.get(k) === i && e.action === 'new') queue.push(e);
      });
      if (lostInWindow) {
        failure ??= new NetlinkError(105, 'recvmsg', {}, 'events kept being lost while the monitor re-listed');
      }
      checkPause();
      notify();
      return;
    }
  };

  /** Listings run one after another (one window at a time). */
  let listing: Promise<void> = Promise.resolve();
  let listings = 0;
  const schedule = (action: 'listed' | 'lost' | 'peer', peer?: number) => {
    listings++;
    listing = listing.then(() => (done ? undefined : resync(action, peer))).finally(() => void listings--);
  };

  const checkPause = () => {
    if (!paused && window === undefined && queue.length >= highWater) {
      paused = true;
      conn.pause(true);
    }
  };
  const lost = (e: unknown) => {
    if (options.overflow !== 'resync' || listable.length === 0) {
      if (options.overflow === 'resync') queue.push({ type: 'resync', action: 'lost', data: null, snapshot: {} });
      else failure ??= e;
    } else if (window !== undefined) lostInWindow = true;
    else {
      // Read on (unpaused) while the dump runs: its replies come on this socket.
      if (paused) {
        paused = false;
        conn.pause(false);
      }
      schedule('lost');
    }
    notify();
  };

  conn.onEvent = (b, off, end, type, nsid) => {
    const d = eventKind(type);
    if (!d || (!wanted.has(d.family) && !(d.family === 'nsid' && options.allNsid))) return;
    let data: Record<string, unknown> | undefined;
    try {
      data = d.decode(b, off, end, type);
    } catch (e) {
      // An event that cannot be decoded is an event lost: as the kernel's ENOBUFS, it says
      // so (`resync`, or the iteration ends with the DecodeError); it never reaches the socket's callback.
      lost(e);
      return;
    }
    if (data === undefined) return;
    if (nsid !== undefined && (nsid < 0 || nsid === selfId)) nsid = undefined; // this namespace's own
    if (d.family === 'nsid' && options.allNsid && nsid === undefined) {
      // This namespace gave (or took back) an id: names change, and a new peer is listed.
      if (d.action === 'del') names.delete(data.nsid as number);
      namesFresh = refreshNames();
      if (d.action === 'new' && peerTables.length && typeof data.nsid === 'number') schedule('peer', data.nsid);
    }
    if (!wanted.has(d.family)) return;
    received++;
    const ev = { type: d.family, action: d.action, data } as MonitorEvent;
    // nlmsg_flags sit 10 bytes before the payload (struct nlmsghdr: len u32, type u16, flags u16, …).
    const fl = FLAG_SETS[(b.readUInt16LE(off - 10) >> 8) & 15];
    if (fl !== undefined) ev.nlmsgFlags = fl;
    if (nsid !== undefined) {
      ev.nsid = nsid;
      const name = names.get(nsid);
      if (name !== undefined) ev.netnsName = name;
    }
    if (window !== undefined) window.push(ev);
    else queue.push(ev);
    checkPause();
    notify();
  };
  conn.onError = (err: NetlinkError) => {
    if (err.code === 'ENOBUFS') lost(err);
    else {
      failure ??= err;
      notify();
    }
  };

  const close = async () => {
    if (!done) {
      done = true;
      options.signal?.removeEventListener('abort', onAbort);
      notify();
    }
    if (selfFd !== undefined) {
      closeSync(selfFd);
      selfFd = undefined;
    }
    await Promise.all([conn.close({ force: true }), namesConn?.close({ force: true })]);
  };
  const onAbort = () => {
    failure ??= new AbortError(false, options.signal?.reason, 'The monitor');
    void close();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.listExisting && !done) schedule('listed');

  const it: Monitor = {
    async next(): Promise<IteratorResult<MonitorEvent>> {
      for (;;) {
        if (queue.length) {
          const ev = queue.shift()!;
          if (paused && queue.length < highWater / 2) {
            paused = false;
            conn.pause(false);
          }
          return { value: ev, done: false };
        }
        if (failure) {
          const f = failure;
          failure = undefined;
          await close();
          throw f;
        }
        if (done) return { value: undefined, done: true };
        // Someone waits for events: that keeps the process alive (a monitor nobody reads does not).
        conn.keepAlive(true);
        try {
          await new Promise<void>((r) => (wake = r));
        } finally {
          conn.keepAlive(false);
        }
      }
    },
    async return(): Promise<IteratorResult<MonitorEvent>> {
      await close();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return it;
    },
    close,
    [Symbol.asyncDispose]: close,
    [Symbol.dispose]() {
      void close();
    },
    async [DUMP]() {
      const before = received;
      const { snapshot } = await dumpAll(() => 0);
      return { snapshot, quiet: received === before };
    },
    get [PENDING]() {
      return queue.length + listings;
    },
  };
  return it;
}
