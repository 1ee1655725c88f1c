/**
 * The object families, by the name `ip` gives them, and the shapes a handle
 * gives their operations (promises, or blocking calls).
 * @module
 */
import { addressOps } from './address.js';
import { linkOps } from './link.js';
import { neighOps } from './neigh.js';
import { netnsOps } from './nsid.js';
import type { CallOptions } from './netlink.js';
import type { Op, StreamOp } from './request.js';
import { routeOps } from './route.js';
import { ruleOps } from './rule.js';

/** @internal */
export type Ops = Record<string, (...args: any[]) => Op<any>>;

/** A family's operations as promises (streams as async iterators). */
export type AsyncOps<O extends Ops> = {
  [K in keyof O]: O[K] extends (...a: infer A) => StreamOp<infer T>
    ? (...a: [...A, CallOptions?]) => AsyncGenerator<T>
    : O[K] extends (...a: infer A) => Op<infer R>
      ? (...a: [...A, CallOptions?]) => Promise<R>
      : never;
};
/** A family's operations as blocking calls (streams return arrays). */
export type SyncOps<O extends Ops> = {
  [K in keyof O]: O[K] extends (...a: infer A) => StreamOp<infer T>
    ? (...a: [...A, CallOptions?]) => T[]
    : O[K] extends (...a: infer A) => Op<infer R>
      ? (...a: [...A, CallOptions?]) => R
      : never;
};

/** The families, by the name `ip` gives them. */
export const families = { link: linkOps, address: addressOps, route: routeOps, rule: ruleOps, neigh: neighOps, netns: netnsOps };

/** Promise API of every family. */
export type Families = { [K in keyof typeof families]: AsyncOps<(typeof families)[K]> };
/** Blocking API of every family. */
export type SyncFamilies = { [K in keyof typeof families]: SyncOps<(typeof families)[K]> };

