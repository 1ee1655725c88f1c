/**
 * rtnetlink for Node: `ip link`, `ip addr`, `ip route`, `ip rule`, `ip neigh`,
 * `ip netns` and `tc` (qdiscs, classes, filters, actions) over a native
 * NETLINK_ROUTE socket, without forking.
 *
 * ```ts
 * import { open } from 'rtnetlink';
 * await using nl = await open();
 * await nl.link.add({ name: 'veth0', kind: 'veth', info: { peer: { name: 'veth1' } } });
 * await nl.link.set('veth0', { up: true });
 * console.log(await nl.link.list({ kind: 'veth' }));
 * ```
 * @module
 */
export { Handle, open, openSync, type OpenOptions } from './handle.js';
export type { CallOptions, CloseOptions } from './netlink.js';

export * from './errors.js';
export { monitor, type Monitor, type MonitorEvent, type MonitorFamily, type MonitorOptions } from './monitor.js';
export { BatchSkippedError, type BatchBuilder, type BatchOptions, type BatchResult } from './batch.js';
export * from './types.js';
export type * from './link.js';
export type * from './wire/kinds.js';
export type * from './address.js';
export type * from './route.js';
export type * from './rule.js';
export type * from './neigh.js';
export type * from './bridge.js';
export type * from './token.js';
export type * from './tc.js';
export type { PodAddOptions, PodInfo, PodOps } from './pod.js';
export type * from './tuntap.js';
export { ETH_P } from './tc.js';
export { IFF } from './link.js';
/** Network namespaces: `ip netns add|del|list|attach|identify|exec`, sockets and processes inside them. */
export * as netns from './netns.js';

