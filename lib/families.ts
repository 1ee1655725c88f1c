/**
 * The object families, by the name `ip` gives them, and the shapes a handle
 * gives their operations (promises, or blocking calls).
 * @module
 */
import { addressOps } from './address.js';
import { bridgeLinkOps, bridgeVlanOps } from './bridge.js';
import { addrlabelOps } from './addrlabel.js';
import { linkOps } from './link.js';
import { neighOps } from './neigh.js';
import { netconfOps } from './netconf.js';
import { nexthopOps } from './nexthop.js';
import { netnsOps } from './nsid.js';
import type { ActionApi, AddressApi, AddrlabelApi, BatchBuilder, BridgeLinkApi, BridgeVlanApi, TokenApi, BatchToken, ClassApi, Families, FilterApi, LinkApi, NeighApi, NetconfApi, NetnsIdApi, NexthopApi, QdiscApi, RouteApi, RuleApi, TcApi } from './api.js';
import type { CallOptions } from './netlink.js';
import { callOptions } from './netlink.js';
import type { Op, StreamOp } from './request.js';
import { routeOps } from './route.js';
import { ruleOps } from './rule.js';
import { actionOps, classOps, filterOps, qdiscOps } from './tc.js';
import { tokenOps } from './token.js';

/** @internal A family's runtime operations. */
export type Ops = Record<string, (...args: any[]) => Op<any>>;

/** @internal A family's operations as promises (streams as async iterators): what bindAsync builds. */
export type AsyncOps<O extends Ops> = {
  [K in keyof O]: O[K] extends (...a: infer A) => StreamOp<infer T>
    ? (...a: [...A, CallOptions?]) => AsyncGenerator<T>
    : O[K] extends (...a: infer A) => Op<infer R>
      ? (...a: [...A, CallOptions?]) => Promise<R>
      : never;
};
/** @internal A family's operations as blocking calls (streams return arrays): what bindSync builds. */
export type SyncOps<O extends Ops> = {
  [K in keyof O]: O[K] extends (...a: infer A) => StreamOp<infer T>
    ? (...a: [...A, CallOptions?]) => T[]
    : O[K] extends (...a: infer A) => Op<infer R>
      ? (...a: [...A, CallOptions?]) => R
      : never;
};

/** The families, by the name `ip` gives them. */
export const families = { link: linkOps, address: addressOps, route: routeOps, rule: ruleOps, neigh: neighOps, netns: netnsOps, nexthop: nexthopOps, addrlabel: addrlabelOps, netconf: netconfOps };

/** Traffic control's families, by the name `tc` gives them (`nl.tc.qdisc`, `nl.tc.class`, …). */
export const tcFamilies = { qdisc: qdiscOps, class: classOps, filter: filterOps, action: actionOps };

/** The `bridge` tool's families (`nl.bridge.link`, `nl.bridge.vlan`). */
export const bridgeFamilies = { link: bridgeLinkOps, vlan: bridgeVlanOps };
/** `ip token` (`nl.token`), bound beside the declared families. */
export const tokenFamily = tokenOps;
/** {@link ARITY} of `nl.token`. */
export const TOKEN_ARITY: { readonly [K in keyof typeof tokenOps]: number } = { set: 1, del: 1, get: 1, list: 0 };
/** {@link ARITY} of the bridge families. */
export const BRIDGE_ARITY: { readonly [F in keyof typeof bridgeFamilies]: { readonly [K in keyof (typeof bridgeFamilies)[F]]: number } } = {
  link: { set: 2, list: 1 },
  vlan: { add: 1, del: 1, list: 1 },
};

// The declared interfaces of api.ts are what a handle returns; the runtime binds the ops above
// through AsyncOps/SyncOps. These checks fail to compile when the two differ: a method missing
// on either side, or one whose parameters or result differ (each compared both ways).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Fn = (...a: any[]) => any;
type SameMethods<I, O> = Same<keyof I, keyof O> extends true
  ? { [K in keyof I & keyof O]: I[K] extends Fn ? (O[K] extends Fn ? (Same<Parameters<I[K]>, Parameters<O[K]>> extends true ? Same<ReturnType<I[K]>, ReturnType<O[K]>> : false) : false) : false }[keyof I & keyof O] extends true
    ? true
    : false
  : false;
type Assert<T extends true> = T;
/** What the batch recorder gives each non-stream op: its own arguments (no call options), a token. */
type BatchOps<O extends Ops> = {
  [K in keyof O as O[K] extends (...a: any[]) => StreamOp<any> ? never : K]: O[K] extends (...a: infer A) => Op<infer R> ? (...a: A) => BatchToken<R> : never;
};
/** @internal A compile-time check (no value): every declared family interface equals its bound ops. */
export type ApiMatchesOps = [
  Assert<SameMethods<LinkApi, AsyncOps<typeof linkOps>>>,
  Assert<SameMethods<LinkApi<'sync'>, SyncOps<typeof linkOps>>>,
  Assert<SameMethods<AddressApi, AsyncOps<typeof addressOps>>>,
  Assert<SameMethods<AddressApi<'sync'>, SyncOps<typeof addressOps>>>,
  Assert<SameMethods<RouteApi, AsyncOps<typeof routeOps>>>,
  Assert<SameMethods<RouteApi<'sync'>, SyncOps<typeof routeOps>>>,
  Assert<SameMethods<RuleApi, AsyncOps<typeof ruleOps>>>,
  Assert<SameMethods<RuleApi<'sync'>, SyncOps<typeof ruleOps>>>,
  Assert<SameMethods<NeighApi, AsyncOps<typeof neighOps>>>,
  Assert<SameMethods<NeighApi<'sync'>, SyncOps<typeof neighOps>>>,
  Assert<SameMethods<NetnsIdApi, AsyncOps<typeof netnsOps>>>,
  Assert<SameMethods<NetnsIdApi<'sync'>, SyncOps<typeof netnsOps>>>,
  Assert<SameMethods<NexthopApi, AsyncOps<typeof nexthopOps>>>,
  Assert<SameMethods<NexthopApi<'sync'>, SyncOps<typeof nexthopOps>>>,
  Assert<SameMethods<AddrlabelApi, AsyncOps<typeof addrlabelOps>>>,
  Assert<SameMethods<AddrlabelApi<'sync'>, SyncOps<typeof addrlabelOps>>>,
  Assert<SameMethods<NetconfApi, AsyncOps<typeof netconfOps>>>,
  Assert<SameMethods<NetconfApi<'sync'>, SyncOps<typeof netconfOps>>>,
  Assert<SameMethods<BatchBuilder['nexthop'], BatchOps<typeof nexthopOps>>>,
  Assert<SameMethods<BatchBuilder['addrlabel'], BatchOps<typeof addrlabelOps>>>,
  Assert<SameMethods<BatchBuilder['netconf'], BatchOps<typeof netconfOps>>>,
  Assert<SameMethods<TokenApi, AsyncOps<typeof tokenOps>>>,
  Assert<SameMethods<TokenApi<'sync'>, SyncOps<typeof tokenOps>>>,
  Assert<SameMethods<BridgeLinkApi, AsyncOps<typeof bridgeLinkOps>>>,
  Assert<SameMethods<BridgeLinkApi<'sync'>, SyncOps<typeof bridgeLinkOps>>>,
  Assert<SameMethods<BridgeVlanApi, AsyncOps<typeof bridgeVlanOps>>>,
  Assert<SameMethods<BridgeVlanApi<'sync'>, SyncOps<typeof bridgeVlanOps>>>,
  Assert<SameMethods<QdiscApi, AsyncOps<typeof qdiscOps>>>,
  Assert<SameMethods<QdiscApi<'sync'>, SyncOps<typeof qdiscOps>>>,
  Assert<SameMethods<ClassApi, AsyncOps<typeof classOps>>>,
  Assert<SameMethods<ClassApi<'sync'>, SyncOps<typeof classOps>>>,
  Assert<SameMethods<FilterApi, AsyncOps<typeof filterOps>>>,
  Assert<SameMethods<FilterApi<'sync'>, SyncOps<typeof filterOps>>>,
  Assert<SameMethods<ActionApi, AsyncOps<typeof actionOps>>>,
  Assert<SameMethods<ActionApi<'sync'>, SyncOps<typeof actionOps>>>,
  Assert<SameMethods<BatchBuilder['link'], BatchOps<typeof linkOps>>>,
  Assert<SameMethods<BatchBuilder['address'], BatchOps<typeof addressOps>>>,
  Assert<SameMethods<BatchBuilder['route'], BatchOps<typeof routeOps>>>,
  Assert<SameMethods<BatchBuilder['rule'], BatchOps<typeof ruleOps>>>,
  Assert<SameMethods<BatchBuilder['neigh'], BatchOps<typeof neighOps>>>,
  Assert<SameMethods<BatchBuilder['netns'], BatchOps<typeof netnsOps>>>,
  Assert<SameMethods<BatchBuilder['tc']['qdisc'], BatchOps<typeof qdiscOps>>>,
  Assert<SameMethods<BatchBuilder['tc']['class'], BatchOps<typeof classOps>>>,
  Assert<SameMethods<BatchBuilder['tc']['filter'], BatchOps<typeof filterOps>>>,
  Assert<SameMethods<BatchBuilder['tc']['action'], BatchOps<typeof actionOps>>>,
  // The families of a handle and of its batch builder are exactly these.
  Assert<Same<keyof Families, keyof typeof families | 'tc'>>,
  Assert<Same<keyof TcApi, keyof typeof tcFamilies>>,
  Assert<Same<keyof BatchBuilder, keyof Families>>,
];

/**
 * How many arguments each operation takes before the call options
 * (`{ signal, timeout }`), which may always come last.
 */
export const ARITY: { readonly [F in keyof typeof families]: { readonly [K in keyof (typeof families)[F]]: number } } = {
  link: { list: 1, stream: 1, get: 1, add: 1, set: 2, del: 1 },
  address: { add: 1, replace: 1, change: 1, del: 1, list: 1, stream: 1, flush: 1 },
  route: { add: 1, replace: 1, change: 1, prepend: 1, append: 1, del: 1, list: 1, stream: 1, flush: 1, get: 2 },
  rule: { add: 1, del: 1, list: 1, stream: 1, flush: 1 },
  neigh: { add: 1, replace: 1, change: 1, append: 1, del: 1, list: 1, stream: 1, flush: 1, get: 1 },
  netns: { setId: 2, getId: 1, listIds: 1, list: 0 },
  nexthop: { add: 1, replace: 1, del: 1, get: 1, list: 1, flush: 1, buckets: 1 },
  addrlabel: { add: 1, del: 1, list: 1, flush: 1 },
  netconf: { list: 1, get: 1 },
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
