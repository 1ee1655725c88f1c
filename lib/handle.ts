/**
 * The handle: one netlink connection (in this or another namespace) with every
 * object family bound to it, as promises (`nl.link.add(…)`) and synchronously
 * (`nl.sync.link.add(…)`). Both run the same operation code.
 * @module
 */
import { closeSync } from 'node:fs';
import { runBatch, type BatchBuilder, type BatchOptions, type BatchResult, type BatchResults, type BatchToken } from './batch.js';
import { netnsRef, openNetns } from './resolve.js';
import { bool, int, object } from './validate.js';
import { Connection, type CallOptions, type CloseOptions } from './netlink.js';
import type { NetnsRef } from './types.js';
import { ARITY, BRIDGE_ARITY, bridgeFamilies, families, splitCall, TC_ARITY, tcFamilies, type AsyncOps, type Ops, type SyncOps, TOKEN_ARITY, tokenFamily } from './families.js';
import type { AddressApi, AddrlabelApi, BridgeApi, Families, TokenApi, LinkApi, NeighApi, NetconfApi, NetnsIdApi, NexthopApi, RouteApi, RuleApi, TcApi } from './api.js';
import { isStream, type Op, type Request } from './request.js';
import { podOps, type PodOps } from './pod.js';
import type { tokenOps } from './token.js';
import { tuntapOps, type TuntapOps } from './tuntap.js';
import { labelConnection } from './trace.js';
// NODE_DEBUG=rtnetlink prints requests in ip's words: the families' decoders read them back.
import './describe.js';
import { waitFor, type WaitForOptions, type WaitObject } from './wait.js';
import { watch, type Watch, type WatchOptions } from './watch.js';
import type { ListableFamily } from './monitor.js';

/** The blocking families of a handle (`nl.sync`): the declared ones, and `bridge` and `token`. */
export interface SyncHandleFamilies extends Families<'sync'> {
  /** IPv6 interface tokens: `ip token`. */
  readonly token: TokenApi<'sync'>;
  /** Bridge ports and VLANs: `bridge link`, `bridge vlan`. */
  readonly bridge: BridgeApi<'sync'>;
}

function bindTc(conn: Connection, bind: typeof bindAsync | typeof bindSync): Record<string, unknown> {
  return Object.fromEntries(Object.entries(tcFamilies).map(([k, ops]) => [k, bind(conn, ops, TC_ARITY[k as keyof typeof tcFamilies], `tc.${k}`)]));
}

function bindBridge(conn: Connection, bind: typeof bindAsync | typeof bindSync): Record<string, unknown> {
  return Object.fromEntries(Object.entries(bridgeFamilies).map(([k, ops]) => [k, bind(conn, ops, BRIDGE_ARITY[k as keyof typeof bridgeFamilies], `bridge.${k}`)]));
}

async function* runStream<T>(conn: Connection, op: Op<Request<T>>, call: CallOptions | undefined): AsyncGenerator<T> {
  const req = await conn.run(op, call);
  yield* conn.stream(req, call);
}

/** Binds a family's operations to a connection, returning promises. */
export function bindAsync<O extends Ops>(conn: Connection, ops: O, arity: Record<string, number>, family: string): AsyncOps<O> {
  const out: Record<string, unknown> = {};
  for (const [k, fn] of Object.entries(ops)) {
    const n = arity[k];
    const where = `${family}.${k}`;
    out[k] = isStream(fn)
      ? (...a: unknown[]) => {
          const call = splitCall(a, n, where);
          return runStream(conn, fn(...a) as Op<Request<unknown>>, call);
        }
      : n === 1
        ? // The common shape, `add(options, call?)`: no argument array per call.
          function (this: unknown, a0: unknown, call?: unknown) {
            try {
              if (arguments.length > 1) return conn.run(fn(a0), splitCall([a0, call, ...Array.prototype.slice.call(arguments, 2)], n, where));
              return conn.run(fn(a0));
            } catch (e) {
              return Promise.reject(e);
            }
          }
        : (...a: unknown[]) => {
            try {
              const call = splitCall(a, n, where);
              return conn.run(fn(...a), call);
            } catch (e) {
              return Promise.reject(e);
            }
          };
  }
  return out as AsyncOps<O>;
}

/** Binds a family's operations to a connection, blocking the calling thread. */
export function bindSync<O extends Ops>(conn: Connection, ops: O, arity: Record<string, number>, family: string): SyncOps<O> {
  const out: Record<string, unknown> = {};
  for (const [k, fn] of Object.entries(ops)) {
    const n = arity[k];
    const where = `sync.${family}.${k}`;
    out[k] = isStream(fn)
      ? (...a: unknown[]) => {
          const call = splitCall(a, n, where);
          return conn.requestSync(conn.runSync(fn(...a) as Op<Request<unknown>>, call), call);
        }
      : (...a: unknown[]) => {
          const call = splitCall(a, n, where);
          return conn.runSync(fn(...a), call);
        };
  }
  return out as SyncOps<O>;
}

/** Options of {@link open}. */
export interface OpenOptions {
  /** Work inside this network namespace (default: the caller's own). */
  netns?: NetnsRef;
  /** Receive buffer size in bytes (default 8 MiB where allowed). */
  rcvbuf?: number;
  /**
   * Milliseconds a call waits for the kernel's answer before it rejects with a
   * `TimeoutError` (`code: 'ETIMEDOUT'`, `sent` saying whether the request
   * had gone out). Default 60000; 0 disables it. A call's own `{ timeout }` wins.
   */
  timeout?: number;
  /**
   * Send small requests (addresses, routes, neighbours, rules, link changes
   * that move no namespace, lookups) from the calling thread when the handle
   * is otherwise idle (default true): the kernel answers them inside
   * sendmsg(), so an awaited call costs no hand-off to the I/O thread and
   * back. The loop is held for the kernel's time (µs; a veth pair ~1 ms), at
   * most ~2 ms per turn before it yields, and inline sending pauses when the
   * kernel is slow (rtnl contended). `false`: everything through the I/O thread.
   */
  inline?: boolean;
}

/** The options of {@link open}. */
export const openOptions = object({ netns: netnsRef, rcvbuf: int(1024, 0x7fffffff), timeout: int(0, 2 ** 31 - 1), inline: bool });
const closeOptions = object({ force: bool, timeout: int(0, 2 ** 31 - 1) });

/**
 * A connection to the kernel's routing subsystem, optionally inside another
 * network namespace, with every object family bound to it. Its sockets are
 * served by the process's I/O thread; the event loop never waits for the
 * kernel. Every call takes call options last (`{ signal, timeout }`).
 *
 * Lifetime: an idle handle does not keep the process alive (calls in flight
 * do); a handle dropped without `close()` is reclaimed by the garbage
 * collector (its sockets close); handles still open when the process or a
 * worker thread ends are closed by the runtime's cleanup, safely.
 */
export class Handle {
  /** @internal */
  readonly conn: Connection;
  // Bound on first use: opening a handle costs its socket, not ~100 closures.
  #link?: LinkApi;
  #address?: AddressApi;
  #route?: RouteApi;
  #rule?: RuleApi;
  #neigh?: NeighApi;
  #netns?: NetnsIdApi;
  #tc?: TcApi;
  #sync?: SyncHandleFamilies;
  #token?: TokenApi;
  #bridge?: BridgeApi;
  #nexthop?: NexthopApi;
  #addrlabel?: AddrlabelApi;
  #netconf?: NetconfApi;
  #pod?: PodOps;
  #tuntap?: TuntapOps;

  readonly #where: NetnsRef | undefined;

  /** @internal Use {@link open}. */
  constructor(conn: Connection, netns?: NetnsRef) {
    this.conn = conn;
    this.#where = netns;
  }

  /**
   * A live mirror of this handle's namespace (links, addresses, routes,
   * neighbours, rules): see {@link watch}. Equivalent to `ip monitor`, kept.
   */
  watch(options: Omit<WatchOptions, 'netns'> = {}): Promise<Watch> {
    return watch({ ...options, netns: this.#where });
  }

  /** Waits in this handle's namespace for an object that matches: see {@link waitFor}. Equivalent to `ip monitor` until a line matches. */
  waitFor<F extends ListableFamily>(family: F, predicate: (o: WaitObject<F>) => boolean, options: Omit<WaitForOptions, 'netns'> = {}): Promise<WaitObject<F>> {
    return waitFor(family, predicate, { ...options, netns: this.#where });
  }

  /** Links: `ip link`. */
  get link(): LinkApi {
    return (this.#link ??= bindAsync(this.conn, families.link, ARITY.link, 'link'));
  }
  /** Addresses: `ip address`. */
  get address(): AddressApi {
    return (this.#address ??= bindAsync(this.conn, families.address, ARITY.address, 'address'));
  }
  /** Routes: `ip route`. */
  get route(): RouteApi {
    return (this.#route ??= bindAsync(this.conn, families.route, ARITY.route, 'route'));
  }
  /** Policy rules: `ip rule`. */
  get rule(): RuleApi {
    return (this.#rule ??= bindAsync(this.conn, families.rule, ARITY.rule, 'rule'));
  }
  /** Neighbours (ARP/NDP, bridge FDB): `ip neigh`. */
  get neigh(): NeighApi {
    return (this.#neigh ??= bindAsync(this.conn, families.neigh, ARITY.neigh, 'neigh'));
  }
  /** Namespace ids seen from this handle's namespace: `ip netns set|list-id`. */
  get netns(): NetnsIdApi {
    return (this.#netns ??= bindAsync(this.conn, families.netns, ARITY.netns, 'netns'));
  }
  /** IPv6 interface tokens: `ip token set|get|list|del`. */
  get token(): TokenApi {
    return (this.#token ??= bindAsync(this.conn, tokenFamily, TOKEN_ARITY, 'token'));
  }
  /** Nexthop objects and groups: `ip nexthop` (routes use them with `nhid`). */
  get nexthop(): NexthopApi {
    return (this.#nexthop ??= bindAsync(this.conn, families.nexthop, ARITY.nexthop, 'nexthop'));
  }
  /** IPv6 address labels: `ip addrlabel`. */
  get addrlabel(): AddrlabelApi {
    return (this.#addrlabel ??= bindAsync(this.conn, families.addrlabel, ARITY.addrlabel, 'addrlabel'));
  }
  /** Per-link IPv4/IPv6 settings: `ip netconf`. */
  get netconf(): NetconfApi {
    return (this.#netconf ??= bindAsync(this.conn, families.netconf, ARITY.netconf, 'netconf'));
  }
  /** Traffic control: `tc qdisc`, `tc class`, `tc filter`, `tc actions`. */
  get tc(): TcApi {
    return (this.#tc ??= bindTc(this.conn, bindAsync) as unknown as TcApi);
  }
  /** Bridge ports and VLANs: `bridge link`, `bridge vlan` (`nl.bridge.link.set(…)`, `nl.bridge.vlan.add(…)`). */
  get bridge(): BridgeApi {
    return (this.#bridge ??= bindBridge(this.conn, bindAsync) as unknown as BridgeApi);
  }
  /** The same families as blocking calls, for scripts and tests (`nl.sync.tc.qdisc.add(…)`, `nl.sync.bridge.link.list()` too). */
  get sync(): SyncHandleFamilies {
    return (this.#sync ??= {
      ...Object.fromEntries(Object.entries(families).map(([k, ops]) => [k, bindSync(this.conn, ops, ARITY[k as keyof typeof families], k)])),
      tc: bindTc(this.conn, bindSync),
      bridge: bindBridge(this.conn, bindSync),
      token: bindSync(this.conn, tokenFamily, TOKEN_ARITY, 'token'),
    } as unknown as SyncHandleFamilies);
  }
  /**
   * Pod networks, the way a CNI bridge plugin makes them, in one call each:
   * `nl.pod.add({ netns, hostIfname, bridge, address, gateway })`, and
   * `nl.pod.del(hostIfnames)` for one pod or many (one group delete).
   */
  get pod(): PodOps {
    return (this.#pod ??= podOps(this.conn));
  }
  /**
   * TUN/TAP devices in this handle's namespace: `ip tuntap add|del`, and
   * `open()`, a device's frames as a stream (`nl.tuntap.open({ name: 'tap0', mode: 'tap' })`).
   */
  get tuntap(): TuntapOps {
    return (this.#tuntap ??= tuntapOps(this.conn));
  }

  /**
   * Runs many operations together: `build` queues calls (`b.route.add(…)`,
   * `b.link.set(…)`, …) and their requests are pipelined in as few sendmsg()
   * calls as the socket allows. Resolves with one result per call, in order
   * (`{ ok: true, value }` or `{ ok: false, error }`). Bad input in any call
   * throws before anything is sent. Each queued call returns a token: when
   * `build` returns every token in call order, the results are a tuple typed
   * by each call. Equivalent to `ip -batch FILE` (`-force` unless `stopOnError`).
   * @example
   * const [added, found] = await nl.batch((b) => [b.route.add({ dst: '10.9.0.0/16', dev: 'veth0' }), b.route.get('10.9.1.1')]);
   * if (found.ok) console.log(found.value.dev); // a Route
   */
  batch<const R extends readonly BatchToken<unknown>[]>(build: (b: BatchBuilder) => R, options?: BatchOptions): Promise<BatchResults<R>>;
  /**
   * Runs many operations together (see the overload above); a `build` that
   * returns nothing gets untyped results, one per call, in order.
   * @example
   * const results = await nl.batch((b) => { for (const dst of prefixes) b.route.add({ dst, dev: 'veth0' }); });
   */
  batch(build: (b: BatchBuilder) => void, options?: BatchOptions): Promise<BatchResult[]>;
  batch(build: (b: BatchBuilder) => unknown, options?: BatchOptions): Promise<BatchResult[]> {
    return runBatch(this.conn, build, options);
  }

  /** True once closed. */
  get closed(): boolean {
    return this.conn.isClosed;
  }

  /**
   * Closes the handle. New calls are refused at once (`ERR_HANDLE_CLOSED`);
   * calls already made get their answers first (the kernel's, or a timeout),
   * streams end with `ERR_HANDLE_CLOSED`, then the sockets close. With
   * `{ force: true }` it does not wait: calls whose request was sent reject
   * with `ERR_OUTCOME_UNKNOWN` (`sent: true`: it may have been applied), the
   * others with `ERR_HANDLE_CLOSED` (`sent: false`). `{ timeout }` bounds the
   * wait. Resolves when the sockets are closed. Idempotent.
   */
  close(options: CloseOptions = {}): Promise<void> {
    try {
      return this.conn.close(closeOptions(options, 'close options'));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Keeps the process alive while the handle is open, even with nothing in
   * flight (by default an idle handle does not: a script ends when its work
   * is done, open handles or not). As `net.Socket#ref()`.
   */
  ref(): this {
    this.conn.setRef(true);
    return this;
  }

  /** Never keeps the process alive, even with calls in flight. As `net.Socket#unref()`. */
  unref(): this {
    this.conn.setRef(false);
    return this;
  }

  /** Same as {@link Handle.close}, without waiting. */
  [Symbol.dispose](): void {
    void this.close();
  }

  /** Same as {@link Handle.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Opens a handle. Equivalent to the context `ip` (or `ip -n NS`) runs in.
 * The socket is created by a thread that entered `netns`, so it stays there.
 */
export function openSync(options: OpenOptions = {}): Handle {
  options = openOptions(options, 'open options') as OpenOptions;
  let ref = options.netns;
  if (ref && typeof ref === 'object' && 'pid' in ref) ref = { path: `/proc/${ref.pid}/ns/net` };
  const ns = ref !== undefined ? openNetns(ref, 'netns') : undefined;
  try {
    const conn = new Connection({ netnsFd: ns?.fd, rcvbuf: options.rcvbuf, timeout: options.timeout, inline: options.inline });
    labelConnection(conn, options.netns);
    return new Handle(conn, ref);
  } finally {
    if (ns?.owned && ns.fd !== undefined) closeSync(ns.fd);
  }
}

/** Promise form of {@link openSync} (opening is a few microseconds of work). */
export async function open(options: OpenOptions = {}): Promise<Handle> {
  return openSync(options);
}
