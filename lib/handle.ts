/**
 * The handle: one netlink connection (in this or another namespace) with every
 * object family bound to it, as promises (`nl.link.add(…)`) and synchronously
 * (`nl.sync.link.add(…)`). Both run the same operation code.
 * @module
 */
import { closeSync } from 'node:fs';
import { runBatch, type BatchBuilder, type BatchOptions, type BatchResult } from './batch.js';
import { openNetns } from './resolve.js';
import { Connection } from './netlink.js';
import type { NetnsRef } from './types.js';
import { families, type AsyncOps, type Families, type Ops, type SyncFamilies, type SyncOps } from './families.js';
import { isStream, type Op, type Request } from './request.js';

async function* runStream<T>(conn: Connection, op: Op<Request<T>>): AsyncGenerator<T> {
  const req = await conn.run(op);
  yield* conn.stream(req);
}

/** Binds a family's operations to a connection, returning promises. */
export function bindAsync<O extends Ops>(conn: Connection, ops: O): AsyncOps<O> {
  const out: Record<string, unknown> = {};
  for (const [k, fn] of Object.entries(ops))
    out[k] = isStream(fn)
      ? (...a: unknown[]) => runStream(conn, fn(...a))
      : (...a: unknown[]) => {
          try {
            return conn.run(fn(...a));
          } catch (e) {
            return Promise.reject(e);
          }
        };
  return out as AsyncOps<O>;
}

/** Binds a family's operations to a connection, blocking the calling thread. */
export function bindSync<O extends Ops>(conn: Connection, ops: O): SyncOps<O> {
  const out: Record<string, unknown> = {};
  for (const [k, fn] of Object.entries(ops))
    out[k] = isStream(fn)
      ? (...a: unknown[]) => conn.requestSync(conn.runSync(fn(...a)))
      : (...a: unknown[]) => conn.runSync(fn(...a));
  return out as SyncOps<O>;
}

/** Options of {@link open}. */
export interface OpenOptions {
  /** Work inside this network namespace (default: the caller's own). */
  netns?: NetnsRef;
  /** Receive buffer size in bytes (default 8 MiB where allowed). */
  rcvbuf?: number;
}

/**
 * A connection to the kernel's routing subsystem, optionally inside another
 * network namespace, with every object family bound to it. The socket lives
 * on its own I/O thread; the event loop never waits for the kernel.
 */
export class Handle {
  /** @internal */
  readonly conn: Connection;
  /** Links: `ip link`. */
  readonly link: Families['link'];
  /** Addresses: `ip address`. */
  readonly address: Families['address'];
  /** Routes: `ip route`. */
  readonly route: Families['route'];
  /** Policy rules: `ip rule`. */
  readonly rule: Families['rule'];
  /** Neighbours (ARP/NDP, bridge FDB): `ip neigh`. */
  readonly neigh: Families['neigh'];
  /** Namespace ids seen from this handle's namespace: `ip netns set|list-id`. */
  readonly netns: Families['netns'];
  /** The same families as blocking calls, for scripts and tests. */
  readonly sync: SyncFamilies;

  /** @internal Use {@link open}. */
  constructor(conn: Connection) {
    this.conn = conn;
    this.link = bindAsync(conn, families.link);
    this.address = bindAsync(conn, families.address);
    this.route = bindAsync(conn, families.route);
    this.rule = bindAsync(conn, families.rule);
    this.neigh = bindAsync(conn, families.neigh);
    this.netns = bindAsync(conn, families.netns);
    this.sync = Object.fromEntries(Object.entries(families).map(([k, ops]) => [k, bindSync(conn, ops)])) as SyncFamilies;
  }

  /**
   * Runs many operations together: `build` queues calls (`b.route.add(…)`,
   * `b.link.set(…)`, …) and their requests are pipelined in as few sendmsg()
   * calls as the socket allows. Resolves with one result per call, in order.
   * Bad input in any call throws before anything is sent.
   * Equivalent to `ip -batch FILE` (`-force` unless `stopOnError`).
   */
  batch(build: (b: BatchBuilder) => void, options?: BatchOptions): Promise<BatchResult[]> {
    try {
      return runBatch(this.conn, build, options);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** True once closed. */
  get closed(): boolean {
    return this.conn.isClosed;
  }

  /**
   * Closes the handle: requests in flight reject with `ERR_HANDLE_CLOSED`;
   * resolves when the I/O thread has released its socket. Idempotent.
   */
  close(): Promise<void> {
    return this.conn.close();
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
  let ref = options.netns;
  if (ref && typeof ref === 'object' && 'pid' in ref) ref = { path: `/proc/${ref.pid}/ns/net` };
  const ns = ref !== undefined ? openNetns(ref, 'netns') : undefined;
  try {
    return new Handle(new Connection({ netnsFd: ns?.fd, rcvbuf: options.rcvbuf }));
  } finally {
    if (ns?.owned && ns.fd !== undefined) closeSync(ns.fd);
  }
}

/** Promise form of {@link openSync} (opening is a few microseconds of work). */
export async function open(options: OpenOptions = {}): Promise<Handle> {
  return openSync(options);
}
