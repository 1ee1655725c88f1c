/**
 * A live mirror of the kernel's tables (links, addresses, routes, neighbours,
 * rules), kept by a monitor that lists first and follows after (`ip monitor`
 * with a memory). The kernel's silent cascades are modelled: when a link goes
 * (deleted, or moved to another namespace) its addresses, routes and
 * neighbours go from the mirror too; when it goes down its IPv4 routes and
 * neighbours do (the kernel sends no event for those IPv4 routes). Routes are
 * keyed as the kernel tells them apart, and `replace`/`append` are applied as
 * the kernel does (from the notifications' flags). With `allNsid`, the links and
 * addresses of the namespaces with an nsid here too, emptied when the kernel
 * destroys one (RTM_DELNSID). `verify()` re-dumps and reports any drift.
 * @module
 */
import { EventEmitter } from 'node:events';
import { DUMP, ecmpCapable, monitor, objectKey, PENDING, routeGroup, type ListableFamily, type Monitor, type MonitorEvent, type MonitorSnapshot } from './monitor.js';
import { netnsRef } from './resolve.js';
import type { NetnsRef } from './types.js';
import { abortSignal, arrayOf, bool, int, object, oneOf } from './validate.js';
import type { Link } from './link.js';
import type { Address } from './address.js';
import type { Route } from './route.js';
import type { Neighbour } from './neigh.js';
import type { Rule } from './rule.js';

/** The tables a mirror can hold. */
export type WatchTable = ListableFamily;
/** The objects of each table (as a monitor yields them: indexes, no `dev` names). */
export interface WatchObjects {
  link: Link;
  address: Address;
  route: Route;
  neigh: Neighbour;
  rule: Rule;
}

/** Options of {@link watch}. */
export interface WatchOptions {
  /** The tables to mirror (default: all five). */
  tables?: WatchTable[];
  /** Mirror this namespace (`ip -n NS monitor`). */
  netns?: NetnsRef;
  /** Closes the mirror when aborted. */
  signal?: AbortSignal;
  /** The monitor socket's receive buffer (bytes). */
  rcvbuf?: number;
  /**
   * Also mirror the links and addresses of every namespace that has an nsid in this one
   * (`ip monitor all-nsid`, listed by nsid: IFLA_TARGET_NETNSID, IFA_TARGET_NETNSID), each
   * under its nsid (`get`/`list` with `nsid`, changes with `nsid` and `netnsName`). When
   * such a namespace is destroyed (RTM_DELNSID) its objects leave the mirror with
   * 'delete' changes (cause 'cascade'). Their routes, neighbours and rules are not
   * mirrored: the kernel dumps those of this namespace only; nor their links'
   * `linkNetnsid` (an event numbers it in the sender's namespace, a dump in the mirror's).
   */
  allNsid?: boolean;
}

/** A namespace a mirror with `allNsid` holds besides its own. */
export interface WatchPeer {
  /** Its nsid in the mirror's namespace (`ip netns list-id`). */
  nsid: number;
  /** Its name under /run/netns, when it is a named one the mirror knows. */
  netnsName?: string;
}

/** One change of the mirror. */
export interface WatchChange<T extends WatchTable = WatchTable> {
  table: T;
  action: 'add' | 'change' | 'delete';
  key: string;
  /** The object now (for 'delete': the object that went). */
  value: WatchObjects[T];
  /** 'change': the object before. */
  previous?: WatchObjects[T];
  /** Why: a kernel event, a cascade the kernel did silently (or before its own events), or a resync after lost events. */
  cause: 'event' | 'cascade' | 'resync';
  /** With `allNsid`: the nsid of the other namespace the object is in (absent: the mirror's own). */
  nsid?: number;
  /** With `nsid`: that namespace's name under /run/netns, when known. */
  netnsName?: string;
}

/** One difference between the mirror and a fresh dump. */
export interface WatchDrift {
  table: WatchTable;
  /** Of another namespace's object (with `allNsid`): its nsid. */
  nsid?: number;
  key: string;
  kind: 'missing' | 'extra' | 'differs';
  mirror?: unknown;
  kernel?: unknown;
}

/** Filters of {@link Watch.list}: those of the families' `list` that a mirror can answer. */
export interface WatchFilter {
  /** The link (index, or a name the mirror knows): `dev D`. */
  dev?: number | string;
  /** `-4` / `-6` (`'bridge'` for FDB entries). */
  family?: string;
  /** Routes: `table T` (default `main`; `'all'`: every table). */
  table?: string | number;
  /** Routes: `proto P`. */
  protocol?: string | number;
  /** Routes: `type T`. */
  type?: string;
  /** Routes, addresses: `scope S`. */
  scope?: string | number;
  /** Links: `type KIND`. */
  kind?: string;
  /** Links: `up`. */
  up?: boolean;
  /** Links: `dev NAME`. */
  name?: string;
  /** With `allNsid`: the links or addresses of the namespace of this nsid (default: the mirror's own). */
  nsid?: number;
}

const watchOptions = object({
  tables: arrayOf(oneOf(['link', 'address', 'route', 'neigh', 'rule'] as const), { min: 1 }),
  netns: netnsRef,
  signal: abortSignal,
  rcvbuf: int(1024, 0x7fffffff),
  allNsid: bool,
});
const nsidOption = object({ nsid: int(0, 0x7fffffff) });

/** The tables a mirror holds of other namespaces (those the kernel dumps by nsid). */
type PeerTable = 'link' | 'address';
const isPeerTable = (t: string): t is PeerTable => t === 'link' || t === 'address';
/**
 * Another namespace's object as the mirror holds it: a link without `linkNetnsid`, which
 * the kernel numbers in the sender's namespace for an event and in the listener's for a
 * dump by nsid, so that neither number can be kept for both.
 */
function peerForm(table: PeerTable, o: any): any {
  if (table !== 'link' || o.linkNetnsid === undefined) return o;
  const { linkNetnsid: _n, ...rest } = o;
  return rest;
}
interface Peer {
  netnsName?: string;
  tables: Map<PeerTable, Map<string, any>>;
}

/** The fields that change without an event (counters, remaining lifetimes, cache ages). */
function stable(table: WatchTable, o: any): unknown {
  switch (table) {
    case 'link': {
      const { stats64: _s, stats: _t, ...rest } = o;
      return rest;
    }
    case 'address':
      return { ...o, validLft: typeof o.validLft === 'number' ? 'finite' : o.validLft, preferredLft: typeof o.preferredLft === 'number' ? 'finite' : o.preferredLft };
    case 'neigh': {
      const { cacheinfo: _c, probes: _p, ...rest } = o;
      return rest;
    }
    case 'route': {
      // A multipath group's legs: an append's event lists the new leg first, a dump in the kernel's list order.
      const { expires: _e, nexthops, ...rest } = o;
      return nexthops ? { ...rest, nexthops: [...nexthops].map((n) => JSON.stringify(n)).sort() } : rest;
    }
    default:
      return o;
  }
}
/** JSON with every object's keys sorted (two objects built in different orders compare equal). */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));
const same = (t: WatchTable, a: unknown, b: unknown) => {
  const x = stable(t, a), y = stable(t, b);
  return JSON.stringify(x) === JSON.stringify(y) || canonical(x) === canonical(y);
};
const usesLink = (r: Route, index: number) => r.oif === index || (r.nexthops?.some((n) => n.oif === index) ?? false);
/**
 * Not mirrored: FDB entries (the dump of AF_BRIDGE holds every link's own
 * address lists, which change without events) and NOARP neighbours (the
 * kernel makes them for multicast and broadcast destinations without an event).
 */
const unmirrored = (table: WatchTable, o: any) => table === 'neigh' && (o.family === 'bridge' || o.state === 'noarp' || (Array.isArray(o.state) && o.state.includes('noarp')));
const isUp = (l: Link) => (l.flags as string[] | undefined)?.includes('UP') ?? false;

/**
 * A live, queryable mirror. Emits `'add'`, `'change'` and `'delete'` with a
 * {@link WatchChange}, and `'error'` when following ends with an error.
 */
export class Watch extends EventEmitter {
  readonly #tables = new Map<WatchTable, Map<string, any>>();
  /** Routes of one {@link routeGroup}, in the kernel's order (a replace acts on the first). */
  readonly #groups = new Map<string, string[]>();
  /** With allNsid: the other namespaces' links and addresses, by nsid. */
  readonly #peers = new Map<number, Peer>();
  readonly #peerTables: PeerTable[];
  readonly #allNsid: boolean;
  readonly #mon: Monitor;
  #closed = false;
  #error: unknown;
  /** Resolves once the first listing is in the mirror. */
  readonly ready: Promise<void>;
  /** Ends when following ends (closed, or an error). */
  readonly done: Promise<void>;

  /** @internal Use {@link watch}. */
  constructor(options: WatchOptions) {
    super();
    const tables = options.tables ?? ['link', 'address', 'route', 'neigh', 'rule'];
    for (const t of tables) this.#tables.set(t, new Map());
    this.#allNsid = options.allNsid === true;
    this.#peerTables = this.#allNsid ? tables.filter(isPeerTable) : [];
    const mon = monitor({
      families: this.#allNsid ? [...tables, 'nsid'] : tables,
      listExisting: true,
      overflow: 'resync',
      netns: options.netns,
      signal: options.signal,
      rcvbuf: options.rcvbuf,
      allNsid: this.#allNsid,
    });
    this.#mon = mon;
    let ready!: () => void;
    let fail!: (e: unknown) => void;
    this.ready = new Promise<void>((r, j) => ((ready = r), (fail = j)));
    this.done = (async () => {
      let first = true;
      try {
        for await (const e of mon) {
          this.#apply(e, first);
          if (first) ready();
          first = false;
        }
        if (first) fail(new Error('the mirror was closed before it was ready'));
      } catch (e) {
        if (first) fail(e);
        else if (!this.#closed && !options.signal?.aborted) {
          // The mirror no longer follows: say so (verify() throws it too).
          this.#error = e;
          if (this.listenerCount('error')) this.emit('error', e);
        }
      }
    })();
    this.ready.catch(() => undefined);
  }

  #emit(c: WatchChange): void {
    this.emit(c.action, c);
  }

  /** `at`: where a new route goes in its group (the kernel's append, prepend, or the place of the one it replaced). */
  #put(table: WatchTable, o: any, cause: WatchChange['cause'], quiet = false, at: 'front' | 'back' | number = 'back'): void {
    const t = this.#tables.get(table);
    if (!t) return;
    const key = objectKey(table, o);
    const prev = t.get(key);
    t.set(key, o);
    if (table === 'route' && prev === undefined && (o.family === 'inet' || o.family === 'inet6')) {
      const g = routeGroup(o);
      let keys = this.#groups.get(g);
      if (!keys) this.#groups.set(g, (keys = []));
      if (at === 'front') keys.unshift(key);
      else if (at === 'back') keys.push(key);
      else keys.splice(at, 0, key);
    }
    if (quiet) return;
    if (prev === undefined) this.#emit({ table, action: 'add', key, value: o, cause });
    else if (!same(table, prev, o)) this.#emit({ table, action: 'change', key, value: o, previous: prev, cause });
  }

  #drop(table: WatchTable, key: string, cause: WatchChange['cause']): void {
    const t = this.#tables.get(table);
    const prev = t?.get(key);
    if (prev === undefined) return;
    t!.delete(key);
    if (table === 'route') this.#ungroup(prev, key);
    this.#emit({ table, action: 'delete', key, value: prev, cause });
  }

  /** Takes a route out of its group; returns where it was (-1: not there). */
  #ungroup(o: any, key: string): number {
    const g = routeGroup(o);
    const keys = this.#groups.get(g);
    const i = keys?.indexOf(key) ?? -1;
    if (i >= 0) {
      keys!.splice(i, 1);
      if (!keys!.length) this.#groups.delete(g);
    }
    return i;
  }

  /**
   * A RTM_NEWROUTE: where it goes and what it replaced, as the kernel does it.
   * IPv4 (fib_table_insert): `replace` takes the place of the group's first alias,
   * `append` goes last, any other create (add, prepend) first. IPv6
   * (fib6_add_rt2node): `replace` overwrites the entry of the same key, else the
   * group's first entry as able to join a multipath group as the new one is,
   * else its first; whatever else is added goes last. The replaced route gets no
   * event from the kernel: the mirror deletes it (cause 'event').
   */
  #newRoute(r: Route, flags: readonly string[] | undefined): void {
    const t = this.#tables.get('route')!;
    const key = objectKey('route', r);
    if (r.family !== 'inet' && r.family !== 'inet6') return this.#put('route', r, 'event');
    const keys = this.#groups.get(routeGroup(r)) ?? [];
    if (flags?.includes('replace') && keys.length) {
      let victim = keys[0];
      if (r.family === 'inet6') victim = keys.find((k) => ecmpCapable(t.get(k)) === ecmpCapable(r)) ?? victim;
      if (victim === key) return this.#put('route', r, 'event');
      const at = keys.indexOf(victim);
      this.#drop('route', victim, 'event');
      return this.#put('route', r, 'event', false, at);
    }
    if (t.has(key)) return this.#put('route', r, 'event');
    this.#put('route', r, 'event', false, r.family === 'inet' && !flags?.includes('append') && flags?.includes('create') ? 'front' : 'back');
  }

  /**
   * A RTM_DELROUTE. Deleting one leg of an IPv6 multipath group (`ip -6 route del
   * P via G dev D`) names that leg alone; the group stays with the others (as a
   * plain route once one is left), and the kernel sends nothing about it.
   */
  #delRoute(r: Route): void {
    const t = this.#tables.get('route')!;
    const key = objectKey('route', r);
    const m = t.get(key) as Route | undefined;
    if (r.family === 'inet6' && m?.nexthops && !r.nexthops && r.gateway !== undefined) {
      const rest = m.nexthops.filter((n) => !(n.oif === r.oif && n.gateway === r.gateway));
      if (rest.length && rest.length < m.nexthops.length) {
        const { nexthops: _n, ...base } = m;
        const [only] = rest;
        const next: Route =
          rest.length > 1
            ? { ...m, nexthops: rest }
            : ({ ...base, gateway: only.gateway, oif: only.oif, flags: only.flags, ...(only.encap !== undefined ? { encap: only.encap } : {}) } as Route);
        this.#put('route', next, 'event');
        return;
      }
    }
    this.#drop('route', key, 'event');
  }

  #dropWhere(table: WatchTable, pick: (o: any) => boolean): void {
    const t = this.#tables.get(table);
    if (!t) return;
    for (const [k, o] of [...t]) if (pick(o)) this.#drop(table, k, 'cascade');
  }

  #peerEmit(nsid: number, c: WatchChange): void {
    c.nsid = nsid;
    const name = this.#peers.get(nsid)?.netnsName;
    if (name !== undefined) c.netnsName = name;
    this.#emit(c);
  }

  #peer(nsid: number): Peer {
    let p = this.#peers.get(nsid);
    if (!p) this.#peers.set(nsid, (p = { tables: new Map(this.#peerTables.map((t) => [t, new Map()])) }));
    return p;
  }

  #peerPut(nsid: number, table: PeerTable, o: any, cause: WatchChange['cause'], quiet = false): void {
    const t = this.#peer(nsid).tables.get(table);
    if (!t) return;
    o = peerForm(table, o);
    const key = objectKey(table, o);
    const prev = t.get(key);
    t.set(key, o);
    if (quiet) return;
    if (prev === undefined) this.#peerEmit(nsid, { table, action: 'add', key, value: o, cause });
    else if (!same(table, prev, o)) this.#peerEmit(nsid, { table, action: 'change', key, value: o, previous: prev, cause });
  }

  #peerDrop(nsid: number, table: PeerTable, key: string, cause: WatchChange['cause']): void {
    const t = this.#peers.get(nsid)?.tables.get(table);
    const prev = t?.get(key);
    if (prev === undefined) return;
    t!.delete(key);
    this.#peerEmit(nsid, { table, action: 'delete', key, value: prev, cause });
  }

  /** A listing of one other namespace: it replaces what the mirror held of it. */
  #peerListed(nsid: number, snap: { link?: Link[]; address?: Address[] }, name: string | undefined, cause: WatchChange['cause'], quiet: boolean): void {
    const p = this.#peer(nsid);
    if (name !== undefined) p.netnsName = name;
    for (const [table, t] of p.tables) {
      const fresh = new Map<string, any>(((snap[table] ?? []) as any[]).map((o) => [objectKey(table, o), o]));
      for (const [k] of [...t]) if (!fresh.has(k)) this.#peerDrop(nsid, table, k, cause);
      for (const o of fresh.values()) this.#peerPut(nsid, table, o, cause, quiet);
    }
  }

  /** A namespace with an nsid here was destroyed (RTM_DELNSID), or is no longer listed: all of it leaves the mirror. */
  #peerGone(nsid: number, cause: WatchChange['cause']): void {
    const p = this.#peers.get(nsid);
    if (!p) return;
    for (const [table, t] of p.tables) for (const k of [...t.keys()]) this.#peerDrop(nsid, table, k, cause);
    this.#peers.delete(nsid);
  }

  /** An event of another namespace: its links and addresses are mirrored (a link's deletion takes its addresses). */
  #peerEvent(e: MonitorEvent, nsid: number): void {
    if (!isPeerTable(e.type) || !this.#peerTables.includes(e.type)) return;
    const p = this.#peer(nsid);
    if (e.netnsName !== undefined) p.netnsName = e.netnsName;
    if (e.action === 'new') {
      this.#peerPut(nsid, e.type, e.data, 'event');
      // A veth pair made there: the first half's peer index is learnt from the second's event (see #peerOf).
      const l = e.data as Link;
      if (e.type === 'link' && l.kind === 'veth' && l.link && l.linkNetnsid === undefined) {
        const other = p.tables.get('link')!.get(String(l.link)) as Link | undefined;
        if (other && other.kind === 'veth' && !other.link) this.#peerPut(nsid, 'link', { ...other, link: l.index }, 'cascade');
      }
      return;
    }
    this.#peerDrop(nsid, e.type, objectKey(e.type, e.data), 'event');
    if (e.type === 'link') {
      const index = (e.data as Link).index;
      const t = p.tables.get('address');
      if (t) for (const [k, a] of [...t]) if (a.index === index) this.#peerDrop(nsid, 'address', k, 'cascade');
    }
  }

  #apply(e: MonitorEvent, first: boolean): void {
    if (e.type === 'resync' && e.action === 'peer') {
      if (e.nsid !== undefined) this.#peerListed(e.nsid, e.snapshot, e.netnsName, 'resync', false);
      return;
    }
    if (e.nsid !== undefined) return this.#peerEvent(e, e.nsid);
    if (e.type === 'nsid') {
      if (e.action === 'del' && typeof e.data.nsid === 'number') this.#peerGone(e.data.nsid, 'cascade');
      return;
    }
    if (e.type === 'resync') {
      const snap = e.snapshot as MonitorSnapshot;
      if (this.#allNsid) {
        const listed = new Map((snap.peers ?? []).map((p) => [p.nsid, p]));
        for (const n of [...this.#peers.keys()]) if (!listed.has(n)) this.#peerGone(n, 'resync');
        for (const p of listed.values()) this.#peerListed(p.nsid, p, p.netnsName, 'resync', first);
      }
      for (const [table, t] of this.#tables) {
        const fresh = new Map<string, any>(((snap[table] ?? []) as any[]).filter((o) => !unmirrored(table, o)).map((o) => [objectKey(table, o), o]));
        for (const [k] of [...t]) if (!fresh.has(k)) this.#drop(table, k, 'resync');
        for (const o of fresh.values()) this.#put(table, o, 'resync', first);
        if (table === 'route') {
          // The dump lists each group in the kernel's order.
          this.#groups.clear();
          for (const [k, o] of fresh) if (o.family === 'inet' || o.family === 'inet6') {
            const g = routeGroup(o);
            const keys = this.#groups.get(g);
            if (keys) keys.push(k);
            else this.#groups.set(g, [k]);
          }
        }
      }
      return;
    }
    const table = e.type as WatchTable;
    if (!this.#tables.has(table) || unmirrored(table, e.data)) return;
    if (table === 'route') return e.action === 'new' ? this.#newRoute(e.data as Route, e.nlmsgFlags) : this.#delRoute(e.data as Route);
    if (e.action === 'new') {
      const prev = table === 'link' ? this.#tables.get('link')!.get(objectKey('link', e.data)) : undefined;
      this.#put(table, e.data, 'event');
      if (table === 'link') {
        const l = e.data as Link;
        if (prev && isUp(prev) && !isUp(l)) this.#linkDown(l.index);
        else if (prev && prev.carrier !== l.carrier && l.carrier !== undefined) this.#carrier(l.index, l.carrier);
        this.#peerOf(l);
      }
    } else {
      this.#drop(table, objectKey(table, e.data), 'event');
      if (table === 'link') this.#linkGone((e.data as Link).index);
      if (table === 'address' && (e.data as Address).family === 'inet') this.#addressGone(e.data as Address);
    }
  }

  /** A link went down: the kernel flushes its IPv4 routes (but those of type `local`: its addresses stay) and its neighbours without an event. */
  #linkDown(index: number): void {
    this.#dropWhere('route', (r: Route) => r.family === 'inet' && r.type !== 'local' && (r.oif === index || (r.nexthops !== undefined && r.nexthops.every((n) => n.oif === index))));
    this.#dropWhere('neigh', (n: Neighbour) => n.index === index);
  }

  /**
   * A veth's peer is announced before the pair is joined, with `link` 0, and
   * the kernel says nothing when it learns its peer: the second half's event
   * names the first, which then names it back.
   */
  #peerOf(l: Link): void {
    if (l.kind !== 'veth' || !l.link) return;
    if (l.linkNetnsid !== undefined) {
      // Its peer is in the namespace of that nsid: when the mirror holds it, that half was announced first, with `link` 0.
      const other = this.#peers.get(l.linkNetnsid)?.tables.get('link')?.get(String(l.link)) as Link | undefined;
      if (other && other.kind === 'veth' && !other.link) this.#peerPut(l.linkNetnsid, 'link', { ...other, link: l.index }, 'cascade');
      return;
    }
    const peer = this.#tables.get('link')!.get(String(l.link)) as Link | undefined;
    if (peer && peer.kind === 'veth' && !peer.link) this.#put('link', { ...peer, link: l.index }, 'cascade');
  }

  /** Carrier lost or back: the routes through the link gain or lose `linkdown`, without an event. */
  #carrier(index: number, on: boolean): void {
    const t = this.#tables.get('route');
    if (!t) return;
    for (const r of [...t.values()] as Route[]) {
      if (r.oif !== index || (r.family === 'inet' && r.type === 'local')) continue;
      const has = r.flags.includes('linkdown');
      if (on === has) this.#put('route', { ...r, flags: on ? r.flags.filter((f) => f !== 'linkdown') : [...r.flags, 'linkdown'] }, 'cascade');
    }
  }

  /** A link was deleted or left the namespace: everything on it goes (IPv4 routes silently in the kernel). */
  #linkGone(index: number): void {
    this.#dropWhere('address', (a: Address) => a.index === index);
    this.#dropWhere('route', (r: Route) => (r.family === 'inet' ? usesLink(r, index) : r.oif === index));
    this.#dropWhere('neigh', (n: Neighbour) => n.index === index);
  }

  /** An IPv4 address went: routes that used it as their source go too (fib_sync_down_addr), unless another link still has it. */
  #addressGone(a: Address): void {
    const still = [...(this.#tables.get('address')?.values() ?? [])].some((x: Address) => x.family === 'inet' && x.address === a.address);
    if (!still) this.#dropWhere('route', (r: Route) => r.family === 'inet' && r.prefsrc === a.address);
  }

  /** One object by its key fields (a link by index or name; others as `list` returns them). */
  get<T extends WatchTable>(table: T, what: number | string | Partial<WatchObjects[T]>, options: { nsid?: number } = {}): WatchObjects[T] | undefined {
    const { nsid } = nsidOption(options, 'get options');
    const t = this.#table(table, nsid);
    if (table === 'link' && typeof what === 'string') return [...t.values()].find((l: Link) => l.name === what);
    if (table === 'link' && typeof what === 'number') return t.get(String(what));
    if (typeof what !== 'object' || what === null) throw new TypeError(`get: ${table} takes the object's key fields`);
    return t.get(objectKey(table, what));
  }

  /** The mirrored objects that match `filter` (see {@link WatchFilter}; routes default to table `main`). Equivalent to `ip … show` from memory. */
  list<T extends WatchTable>(table: T, filter: WatchFilter = {}): WatchObjects[T][] {
    const { nsid } = nsidOption({ nsid: filter.nsid }, 'list filter');
    const t = this.#table(table, nsid);
    let index: number | undefined;
    if (filter.dev !== undefined) {
      index = typeof filter.dev === 'number' ? filter.dev : (this.get('link', filter.dev, { nsid }) as Link | undefined)?.index;
      if (index === undefined) return [];
    }
    const rt = table === 'route' ? (filter.table ?? 'main') : undefined;
    return [...t.values()].filter((o: any) => {
      if (filter.family !== undefined && o.family !== filter.family) return false;
      if (filter.scope !== undefined && o.scope !== filter.scope) return false;
      switch (table) {
        case 'link':
          return (index === undefined || o.index === index) && (filter.name === undefined || o.name === filter.name) && (filter.kind === undefined || o.kind === filter.kind) && (filter.up === undefined || isUp(o) === filter.up);
        case 'route':
          return (rt === 'all' || o.table === rt) && (filter.protocol === undefined || o.protocol === filter.protocol) && (filter.type === undefined || o.type === filter.type) && (index === undefined || usesLink(o, index));
        case 'rule':
          return filter.table === undefined || o.table === filter.table;
        default:
          return index === undefined || o.index === index;
      }
    });
  }

  /** The namespaces other than its own that the mirror holds (with `allNsid`), by nsid. */
  peers(): WatchPeer[] {
    return [...this.#peers].sort(([a], [b]) => a - b).map(([nsid, p]) => (p.netnsName === undefined ? { nsid } : { nsid, netnsName: p.netnsName }));
  }

  #table(table: WatchTable, nsid?: number): Map<string, any> {
    if (nsid !== undefined) {
      if (!this.#allNsid || !isPeerTable(table) || !this.#peerTables.includes(table)) {
        throw new TypeError(`nsid: a mirror holds the links and addresses of other namespaces only, with allNsid (asked: ${String(table)})`);
      }
      return this.#peers.get(nsid)?.tables.get(table) ?? new Map();
    }
    const t = this.#tables.get(table);
    if (!t) throw new TypeError(`table: '${String(table)}' is not mirrored here (tables: ${[...this.#tables.keys()].join(', ')})`);
    return t;
  }

  /**
   * Re-dumps every mirrored table and reports where the mirror differs
   * (there should be nothing). The dump is taken while no event arrives,
   * retried a few times if the tables keep changing. A difference is
   * reported only when it lasts `settle` ms (default 1500): the kernel
   * announces some changes late (a carrier change waits for its linkwatch
   * work, up to a second, while a dump shows it at once).
   */
  async verify(options: { settle?: number } = {}): Promise<WatchDrift[]> {
    const settle = int(0, 60_000)(options.settle ?? 1500, 'verify options.settle');
    const until = Date.now() + settle;
    for (;;) {
      const drift = await this.#verifyOnce();
      if (drift.length === 0 || Date.now() >= until) return drift;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Why the mirror stopped following, when it was not closed (it is stale from then on). */
  get error(): unknown {
    return this.#error;
  }

  async #verifyOnce(): Promise<WatchDrift[]> {
    await this.ready;
    if (this.#error !== undefined) throw this.#error;
    const idle = async () => {
      while (this.#mon[PENDING] > 0) await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
    };
    for (let tries = 0; ; tries++) {
      await idle();
      const { snapshot, quiet } = await this.#mon[DUMP]();
      await idle();
      if (!quiet && tries < 20) continue;
      const out: WatchDrift[] = [];
      for (const [table, t] of this.#tables) {
        const fresh = new Map<string, any>(((snapshot[table] ?? []) as any[]).filter((o) => !unmirrored(table, o)).map((o) => [objectKey(table, o), o]));
        for (const [k, o] of fresh) {
          const m = t.get(k);
          if (m === undefined) out.push({ table, key: k, kind: 'missing', kernel: o });
          else if (!same(table, m, o)) out.push({ table, key: k, kind: 'differs', mirror: m, kernel: o });
        }
        for (const [k, m] of t) if (!fresh.has(k)) out.push({ table, key: k, kind: 'extra', mirror: m });
      }
      if (this.#allNsid) {
        const listed = new Map((snapshot.peers ?? []).map((p) => [p.nsid, p]));
        for (const n of new Set([...listed.keys(), ...this.#peers.keys()])) {
          const p = listed.get(n);
          for (const table of this.#peerTables) {
            const t = this.#peers.get(n)?.tables.get(table) ?? new Map<string, any>();
            const fresh = new Map<string, any>(((p?.[table] ?? []) as any[]).map((o) => [objectKey(table, o), peerForm(table, o)]));
            for (const [k, o] of fresh) {
              const m = t.get(k);
              if (m === undefined) out.push({ table, nsid: n, key: k, kind: 'missing', kernel: o });
              else if (!same(table, m, o)) out.push({ table, nsid: n, key: k, kind: 'differs', mirror: m, kernel: o });
            }
            for (const [k, m] of t) if (!fresh.has(k)) out.push({ table, nsid: n, key: k, kind: 'extra', mirror: m });
          }
        }
      }
      return out;
    }
  }

  /** Stops following (the mirror keeps its last state). Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#mon.close();
    await this.done;
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
  [Symbol.dispose](): void {
    void this.close();
  }
}

/**
 * Opens a mirror and resolves once it holds the current state. Equivalent to
 * `ip monitor` over `ip -d link show; ip address show; ip route show table all; …`, kept.
 */
export async function watch(options: WatchOptions = {}): Promise<Watch> {
  const w = new Watch(watchOptions(options, 'watch options') as WatchOptions);
  try {
    await w.ready;
  } catch (e) {
    await w.close();
    throw e;
  }
  return w;
}
