/**
 * Events: `ip monitor` as an async iterable. Each kernel notification is
 * decoded by the same parser its family's `list` uses, so events and lists
 * carry the same field names.
 * @module
 */
import { closeSync } from 'node:fs';
import { AbortError, NetlinkError } from './errors.js';
import { eventKind, type MonitorFamily } from './events.js';
import './families.js'; // loads the families, which register their event decoders
import type { Link } from './link.js';
import { Connection } from './netlink.js';
import { abortSignal, arrayOf, int, object, oneOf } from './validate.js';
import { netnsRef, openNetns } from './resolve.js';
import { RTNLGRP } from './wire/rtm.js';
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
export type MonitorEvent =
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
  /** Events were lost (the kernel's ENOBUFS); what follows with `resync` is a fresh dump. */
  | { type: 'resync'; action: 'lost'; data: null };

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
}

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
});

/** A running monitor: iterate it with `for await`; `close()` ends it. */
export interface Monitor extends AsyncIterableIterator<MonitorEvent> {
  /** Stops listening; a pending `next()` resolves as done. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
  [Symbol.dispose](): void;
}

/**
 * Follows kernel notifications. Equivalent to `ip monitor [link] [address] [route] …`
 * (`ip -n NS monitor` with `netns`). The socket is subscribed when this returns,
 * so changes made afterwards are seen.
 */
export function monitor(options: MonitorOptions = {}): Monitor {
  options = monitorOptions(options, 'monitor options') as MonitorOptions;
  const fams = options.families ?? (Object.keys(groupsOf) as MonitorFamily[]);
  const highWater = options.highWaterMark ?? 4096;
  const ns = options.netns !== undefined ? openNetns(options.netns, 'netns') : undefined;
  let conn: Connection;
  try {
    conn = new Connection({ netnsFd: ns?.fd, groups: [...new Set(fams.flatMap((f) => groupsOf[f]))], rcvbuf: options.rcvbuf });
  } finally {
    if (ns?.owned && ns.fd !== undefined) closeSync(ns.fd);
  }
  const wanted = new Set<string>(fams);
  const queue: MonitorEvent[] = [];
  let failure: unknown;
  let done = false;
  let paused = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  conn.onEvent = (b, off, end, type) => {
    const d = eventKind(type);
    if (!d || !wanted.has(d.family)) return;
    let data: Record<string, unknown> | undefined;
    try {
      data = d.decode(b, off, end, type);
    } catch (e) {
      // An event that cannot be decoded is an event lost: as the kernel's ENOBUFS, it says
      // so (`resync`, or the iteration ends with the DecodeError); it never reaches the socket's callback.
      if (options.overflow === 'resync') queue.push({ type: 'resync', action: 'lost', data: null });
      else failure ??= e;
      notify();
      return;
    }
    if (data === undefined) return;
    queue.push({ type: d.family, action: d.action, data } as MonitorEvent);
    if (!paused && queue.length >= highWater) {
      paused = true;
      conn.pause(true);
    }
    notify();
  };
  conn.onError = (err: NetlinkError) => {
    if (err.code === 'ENOBUFS' && options.overflow === 'resync') queue.push({ type: 'resync', action: 'lost', data: null });
    else failure ??= err;
    notify();
  };

  const close = async () => {
    if (!done) {
      done = true;
      options.signal?.removeEventListener('abort', onAbort);
      notify();
    }
    await conn.close();
  };
  const onAbort = () => {
    failure ??= new AbortError(false, options.signal?.reason, 'The monitor');
    void close();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

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
  };
  return it;
}
