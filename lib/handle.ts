/**
 * The handle: one netlink connection (in this or another namespace) with every
 * object family bound to it, as promises (`nl.link.add(…)`) and synchronously
 * (`nl.sync.link.add(…)`). Both run the same operation code.
 * @module
 */
import type { Connection } from './netlink.js';
import { isStream, type Op, type Request, type StreamOp } from './request.js';
import { addressOps } from './address.js';
import { linkOps } from './link.js';
import { neighOps } from './neigh.js';
import { netnsOps } from './nsid.js';
import { routeOps } from './route.js';
import { ruleOps } from './rule.js';

type Ops = Record<string, (...args: any[]) => Op<any>>;

/** A family's operations as promises (streams as async iterators). */
export type AsyncOps<O extends Ops> = {
  [K in keyof O]: O[K] extends (...a: infer A) => StreamOp<infer T>
    ? (...a: A) => AsyncGenerator<T>
    : O[K] extends (...a: infer A) => Op<infer R>
      ? (...a: A) => Promise<R>
      : never;
};
/** A family's operations as blocking calls (streams return arrays). */
export type SyncOps<O extends Ops> = {
  [K in keyof O]: O[K] extends (...a: infer A) => StreamOp<infer T>
    ? (...a: A) => T[]
    : O[K] extends (...a: infer A) => Op<infer R>
      ? (...a: A) => R
      : never;
};


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

/** The families, by the name `ip` gives them. */
export const families = { link: linkOps, address: addressOps, route: routeOps, rule: ruleOps, neigh: neighOps, netns: netnsOps };

/** Promise API of every family. */
export type Families = { [K in keyof typeof families]: AsyncOps<(typeof families)[K]> };
/** Blocking API of every family. */
export type SyncFamilies = { [K in keyof typeof families]: SyncOps<(typeof families)[K]> };
