/**
 * The object families, by the name `ip` gives them, and the shapes a handle
 * gives their operations (promises, or blocking calls).
 * @module
 */
import { addressOps } from './address.js';
import { bridgeLinkOps, bridgeVlanOps } from './bridge.js';
import { linkOps } from './link.js';
import { neighOps } from './neigh.js';
import { netnsOps } from './nsid.js';
import type { CallOptions } from './netlink.js';
import { callOptions } from './netlink.js';
import type { Op, StreamOp } from './request.js';
import { routeOps } from './route.js';
import { ruleOps } from './rule.js';
import { actionOps, classOps, filterOps, qdiscOps } from './tc.js';
import { tokenOps } from './token.js';

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
export const families = { link: linkOps, address: addressOps, route: routeOps, rule: ruleOps, neigh: neighOps, netns: netnsOps, token: tokenOps };

/** Traffic control's families, by the name `tc` gives them (`nl.tc.qdisc`, `nl.tc.class`, …). */
export const tcFamilies = { qdisc: qdiscOps, class: classOps, filter: filterOps, action: actionOps };

/** Promise API of the tc families. */
export type TcFamilies = { [K in keyof typeof tcFamilies]: AsyncOps<(typeof tcFamilies)[K]> };
/** Blocking API of the tc families. */
export type SyncTcFamilies = { [K in keyof typeof tcFamilies]: SyncOps<(typeof tcFamilies)[K]> };

/** The `bridge` tool's families (`nl.bridge.link`, `nl.bridge.vlan`). */
export const bridgeFamilies = { link: bridgeLinkOps, vlan: bridgeVlanOps };
/** Promise API of the bridge families. */
export type BridgeFamilies = { [K in keyof typeof bridgeFamilies]: AsyncOps<(typeof bridgeFamilies)[K]> };
/** Blocking API of the bridge families. */
export type SyncBridgeFamilies = { [K in keyof typeof bridgeFamilies]: SyncOps<(typeof bridgeFamilies)[K]> };
/** {@link ARITY} of the bridge families. */
export const BRIDGE_ARITY: { readonly [F in keyof typeof bridgeFamilies]: { readonly [K in keyof (typeof bridgeFamilies)[F]]: number } } = {
  link: { set: 2, list: 1 },
  vlan: { add: 1, del: 1, list: 1 },
};

/** Promise API of every family. */
export type Families = { [K in keyof typeof families]: AsyncOps<(typeof families)[K]> };
/** Blocking API of every family. */
export type SyncFamilies = { [K in keyof typeof families]: SyncOps<(typeof families)[K]> };


/**
 * How many arguments each operation takes before the call options
 * (`{ signal, timeout }`), which may always come last.
 */
export const ARITY: { readonly [F in keyof typeof families]: { readonly [K in keyof (typeof families)[F]]: number } } = {
  link: { list: 1, stream: 1, get: 1, add: 1, set: 2, del: 1 },
  address: { add: 1, replace: 1, del: 1, list: 1, stream: 1, flush: 1 },
  route: { add: 1, replace: 1, append: 1, del: 1, list: 1, stream: 1, flush: 1, get: 2 },
  rule: { add: 1, del: 1, list: 1, stream: 1, flush: 1 },
  neigh: { add: 1, replace: 1, del: 1, list: 1, stream: 1, flush: 1, get: 1 },
  netns: { setId: 2, getId: 1, listIds: 1, list: 0 },
  token: { set: 1, del: 1, get: 1, list: 0 },
};

/** {@link ARITY} of the tc families. */
export const TC_ARITY: { readonly [F in keyof typeof tcFamilies]: { readonly [K in keyof (typeof tcFamilies)[F]]: number } } = {
  qdisc: { add: 1, replace: 1, change: 1, link: 1, del: 1, list: 1, stream: 1, get: 1 },
  class: { add: 1, replace: 1, change: 1, del: 1, list: 1, get: 1 },
  filter: { add: 1, replace: 1, change: 1, del: 1, flush: 1, list: 1, get: 1 },
  action: { add: 1, replace: 1, del: 1, get: 1, list: 1 },
};

/** Splits the call options off the arguments of `where` and checks them (and the argument count). */
export function splitCall(args: unknown[], arity: number, where: string): CallOptions | undefined {
  if (args.length <= arity) return undefined;
  if (args.length > arity + 1) throw new TypeError(`${where} takes at most ${arity + 1} arguments (the last: call options { signal, timeout }), got ${args.length}`);
  const call = args.pop();
  if (call === undefined) return undefined;
  return callOptions(call, `${where} options`) as CallOptions;
}
