/**
 * Waiting for a state: the first object, in the current table or in a later
 * event, that a predicate accepts (`ip monitor` until a line matches).
 * @module
 */
import { AbortError, TimeoutError } from './errors.js';
import { LISTABLE, monitor, type ListableFamily, type MonitorSnapshot } from './monitor.js';
import { netnsRef } from './resolve.js';
import type { NetnsRef } from './types.js';
import { abortSignal, int, object, oneOf, str } from './validate.js';

/** The options of {@link waitFor}. */
export interface WaitForOptions {
  /** Milliseconds before it rejects with a `TimeoutError` naming what it waited for (default 10000; 0: no limit). */
  timeout?: number;
  /** Rejects with an AbortError when aborted. */
  signal?: AbortSignal;
  /** Wait inside this namespace (`ip -n NS monitor`). */
  netns?: NetnsRef;
  /** What the timeout error calls the awaited state (default: the predicate's source). */
  what?: string;
}

const waitOptions = object({ timeout: int(0, 2 ** 31 - 1), signal: abortSignal, netns: netnsRef, what: str() });
const familyCheck = oneOf(LISTABLE as ListableFamily[]);

/** What each family's objects are. */
export type WaitObject<F extends ListableFamily> = NonNullable<MonitorSnapshot[F]>[number];

/**
 * Resolves with the first object of `family` that `predicate` accepts: one
 * already there, or one a later change makes (a link whose operstate is up,
 * an IPv6 address that left `tentative`, a route that appeared). Objects are
 * as a monitor yields them (indexes, no `dev` names). The socket is subscribed
 * before the table is read, and both come in the kernel's order (see
 * `monitor({ listExisting })`), so no change between them is missed.
 * Equivalent to `ip monitor FAMILY` until a line matches.
 */
export async function waitFor<F extends ListableFamily>(family: F, predicate: (o: WaitObject<F>) => boolean, options: WaitForOptions = {}): Promise<WaitObject<F>> {
  familyCheck(family, 'family');
  if (typeof predicate !== 'function') throw new TypeError('predicate must be a function');
  const o = waitOptions(options, 'waitFor options') as WaitForOptions;
  const timeout = o.timeout ?? 10_000;
  const what = o.what ?? `a ${family} matching ${String(predicate).slice(0, 120)}`;
  if (o.signal?.aborted) throw new AbortError(false, o.signal.reason, 'waitFor');
  const ac = new AbortController();
  const onAbort = () => ac.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = timeout > 0 ? setTimeout(() => ((timedOut = true), ac.abort()), timeout) : undefined;
  const mon = monitor({ families: [family], listExisting: true, netns: o.netns, signal: ac.signal });
  try {
    for await (const e of mon) {
      if (e.type === 'resync') {
        const hit = (e.snapshot[family] as WaitObject<F>[] | undefined)?.find(predicate);
        if (hit) return hit;
      } else if (e.action === 'new' && predicate(e.data as WaitObject<F>)) return e.data as WaitObject<F>;
    }
    throw new AbortError(false, undefined, 'waitFor');
  } catch (e) {
    if (timedOut) {
      const t = new TimeoutError(false, timeout, 'waitFor');
      t.message = `waitFor: no ${what} within ${timeout} ms`;
      throw t;
    }
    if (e instanceof AbortError) throw new AbortError(false, o.signal?.reason, `waitFor (${what})`);
    throw e;
  } finally {
    if (timer) clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
    await mon.close();
  }
}
