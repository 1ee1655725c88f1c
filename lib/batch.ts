/**
 * Batches: many operations of any family submitted together. Their requests
 * leave in as few sendmsg() calls as the socket allows, and every operation
 * gets its own result. Equivalent to `ip -batch FILE` (with `-force` unless
 * `stopOnError`).
 * @module
 */
import type { BatchBuilder, BatchToken } from './api.js';
import { ARITY, families, TC_ARITY, tcFamilies } from './families.js';
import { abortSignal, bool, func, int, object } from './validate.js';
import type { CallOptions, Connection, Start } from './netlink.js';
import { isStream, type Op, type Request } from './request.js';
import { batchStart, traceBatchEnd, traceBatchStart } from './trace.js';

/** The outcome of one batched operation, in call order. */
export type BatchResult<T = unknown> =
  | { ok: true; value: T }
  | { ok: false; error: unknown; skipped?: false }
  | { ok: false; error: Error; skipped: true };

/** Options of {@link Handle.batch}. */
export interface BatchOptions {
  /**
   * Stop at the first failure (`ip -batch` without `-force`). Operations are
   * then sent in windows of {@link BatchOptions.window}; those after the
   * failing window are not sent and report `skipped: true`. Operations of the
   * failing window that follow the failure in call order were already in the
   * kernel's hands and report their own outcome.
   */
  stopOnError?: boolean;
  /** Window size with `stopOnError` (default 64). */
  window?: number;
  /** Aborts the operations not answered yet (each result says whether its request was sent). */
  signal?: AbortSignal;
  /** Milliseconds each operation may wait for its answer (default: the handle's timeout). */
  timeout?: number;
}

export type { BatchBuilder, BatchToken } from './api.js';

/** The value type of a {@link BatchToken}. */
export type TokenValue<K> = K extends BatchToken<infer T> ? T : unknown;
/** The results of a batch whose build function returned `R`: one {@link BatchResult} per token, typed by its call. */
export type BatchResults<R extends readonly unknown[]> = { -readonly [I in keyof R]: BatchResult<TokenValue<R[I]>> };

/** Raised in a `skipped` result of a `stopOnError` batch. */
export class BatchSkippedError extends Error {
  override name = 'BatchSkippedError';
  /** Always `'ERR_BATCH_SKIPPED'`. */
  readonly code = 'ERR_BATCH_SKIPPED';
  constructor() {
    super('not sent: an earlier operation of the batch failed');
  }
}

function recorder(queue: (() => Op<unknown>)[]): BatchBuilder {
  const b: Record<string, Record<string, (...a: unknown[]) => number>> = {};
  b.tc = group(queue, tcFamilies, TC_ARITY, 'tc.') as never;
  Object.assign(b, group(queue, families, ARITY, ''));
  return Object.freeze(b) as unknown as BatchBuilder;
}

function group(queue: (() => Op<unknown>)[], fams: Record<string, object>, arities: Record<string, Record<string, number>>, prefix: string): Record<string, Record<string, (...a: unknown[]) => number>> {
  const b: Record<string, Record<string, (...a: unknown[]) => number>> = {};
  for (const [short, ops] of Object.entries(fams)) {
    const name = prefix + short;
    const fam: Record<string, (...a: unknown[]) => number> = {};
    const arity = arities[short];
    for (const [k, fn] of Object.entries(ops as Record<string, (...a: unknown[]) => Op<unknown>>))
      if (!isStream(fn))
        fam[k] = (...a) => {
          // Call options belong to the batch as a whole: a queued call takes its own arguments only.
          if (a.length > arity[k]) throw new TypeError(`batch ${name}.${k} takes ${arity[k]} argument${arity[k] === 1 ? '' : 's'}; give signal and timeout to batch() itself`);
          return queue.push(() => fn(...a)) - 1; // the call's BatchToken: its place in the batch
        };
    b[short] = Object.freeze(fam);
  }
  return prefix ? Object.freeze(b) : b;
}

/** The options of {@link Handle.batch}. */
export const batchOptions = object({ stopOnError: bool, window: int(1, 1 << 20), signal: abortSignal, timeout: int(0, 2 ** 31 - 1) });

/** Operations handled per turn of the event loop: bounds the loop's lag on huge batches. */
const SLICE = 512;

const turn = () => new Promise<void>((r) => setImmediate(r));

/** A batch's results as its operations end: one slot each, and how many are still running. */
class Tally {
  left = 0;
  private wake: (() => void) | undefined;
  constructor(readonly out: BatchResult[]) {}
  put(i: number, r: BatchResult): void {
    this.out[i] = r;
    if (--this.left === 0 && this.wake !== undefined) {
      const w = this.wake;
      this.wake = undefined;
      w();
    }
  }
  /** Resolves when every operation counted so far has ended. */
  idle(): Promise<void> {
    return this.left === 0 ? Promise.resolve() : new Promise((r) => (this.wake = r));
  }
}

/** One batched operation as the connection drives it: its outcome goes straight into its slot (no promise per operation). */
class Slot implements Start {
  constructor(
    readonly op: Op<unknown>,
    readonly call: CallOptions | undefined,
    readonly tally: Tally,
    readonly i: number,
  ) {}
  resolve(value: unknown): void {
    this.tally.put(this.i, { ok: true, value });
  }
  reject(error: unknown): void {
    this.tally.put(this.i, { ok: false, error });
  }
}

/** Runs a batch on a connection (see {@link Handle.batch}). */
export async function runBatch(conn: Connection, build: (b: BatchBuilder) => unknown, options: BatchOptions = {}): Promise<BatchResult[]> {
  func(build, 'batch build');
  options = batchOptions(options, 'batch options') as BatchOptions;
  const queue: (() => Op<unknown>)[] = [];
  const built: unknown = build(recorder(queue));
  if (built && typeof (built as Promise<unknown>).then === 'function')
    throw new TypeError('batch build must queue its calls synchronously (it returned a promise; calls queued after an await would be lost)');
  // Returned tokens type the results (Handle.batch's overloads): they must be every call's, in order.
  if (Array.isArray(built) && (built.length !== queue.length || built.some((t, i) => t !== i)))
    throw new TypeError(`batch build returned ${built.length} tokens for ${queue.length} queued calls: return every call's token in call order (or return nothing)`);
  // Every operation's checks run first: bad input anywhere means nothing is sent.
  const ops: Op<unknown>[] = [];
  const steps: IteratorResult<Request<any> | Request<any>[], unknown>[] = [];
  try {
    for (let i = 0; i < queue.length; i++) {
      const op = queue[i]();
      ops.push(op);
      steps.push(op.next());
      if (i % SLICE === SLICE - 1) await turn();
    }
  } catch (e) {
    for (const op of ops) op.return(undefined);
    throw e;
  }
  const call = options.signal !== undefined || options.timeout !== undefined ? { signal: options.signal, timeout: options.timeout } : undefined;
  const window = options.stopOnError ? Math.max(1, options.window ?? 64) : SLICE;
  const out: BatchResult[] = new Array(ops.length);
  const tally = new Tally(out);
  const trace = batchStart.hasSubscribers ? traceBatchStart(conn, ops.length, options.stopOnError === true) : undefined;
  for (let i = 0; i < ops.length; i += window) {
    const end = Math.min(ops.length, i + window);
    launch(conn, ops, steps, i, end, tally, call);
    if (options.stopOnError) {
      await tally.idle();
      let failed = false;
      for (let j = i; j < end; j++) if (!out[j].ok) failed = true;
      if (failed) {
        for (let j = end; j < ops.length; j++) {
          ops[j].return(undefined);
          out[j] = { ok: false, error: new BatchSkippedError(), skipped: true };
        }
        break;
      }
    } else if (end < ops.length) await turn(); // let acks of earlier slices be handled
  }
  await tally.idle();
  if (trace !== undefined) traceBatchEnd(trace, out);
  return out;
}

/** Sends the first requests of the window [from, end) together, then lets each op go on alone. */
function launch(conn: Connection, ops: Op<unknown>[], steps: IteratorResult<Request<any> | Request<any>[], unknown>[], from: number, end: number, tally: Tally, call: CallOptions | undefined): void {
  tally.left += end - from;
  const slots: Slot[] = [];
  const firsts: IteratorYieldResult<Request<any> | Request<any>[]>[] = [];
  for (let j = from; j < end; j++) {
    const s = steps[j];
    if (s.done) tally.put(j, { ok: true, value: s.value });
    else {
      slots.push(new Slot(ops[j], call, tally, j));
      firsts.push(s);
    }
  }
  if (slots.length === 0) return;
  try {
    conn.startMany(slots, firsts, call);
  } catch (e) {
    // Nothing of the window was sent: each of its operations reports why.
    for (const sl of slots) {
      sl.op.return(undefined);
      tally.put(sl.i, { ok: false, error: e });
    }
  }
}
