/**
 * The connection: one handle's sockets (lib/native.ts) driven by the protocol
 * machine (lib/protocol.ts). Requests made in one tick are encoded into one
 * buffer and handed over together; replies settle their promises; every
 * request settles exactly once with what is known (see lib/errors.ts).
 * @module
 */
import { Writer } from './codec.js';
import { abortSignal, int, object } from './validate.js';
import { AbortError, ClosedError, NetlinkError, OutcomeUnknownError, TimeoutError } from './errors.js';
import { native, type NativeSocket } from './native.js';
import { ACK_COST, Exchange, NLM_F, Protocol, REPLY_COST, type Action, type Handler, type Outcome } from './protocol.js';
import type { Op, Request } from './request.js';
import { isGetRequest, RTM, rtmName } from './wire/rtm.js';
import { requestStart, traceEnd, traceStart, type RequestTrace } from './trace.js';

const HDR = 16;
/**
 * Requests the kernel answers inside sendmsg() without waiting for RCU grace
 * periods (deletions of links and tc objects do; namespace moves are marked
 * `slow`): sent inline when the handle is idle.
 */
const INLINE_TYPES = new Set<number>([
  RTM.NEWLINK, RTM.SETLINK, RTM.NEWADDR, RTM.DELADDR, RTM.NEWROUTE, RTM.DELROUTE, RTM.GETROUTE, RTM.NEWNEIGH, RTM.DELNEIGH, RTM.GETNEIGH,
  RTM.NEWRULE, RTM.DELRULE, RTM.GETLINK, RTM.GETNSID, RTM.NEWNSID, RTM.NEWNEXTHOP, RTM.DELNEXTHOP, RTM.GETNEXTHOP,
]);
/** At most this many same-tick requests go inline; more are pipelined by the I/O thread. */
const INLINE_MAX = 8;
/**
 * Three inline exchanges in a row whose sendmsg() took longer than this
 * (rtnl contended; single ones wait for an RCU grace period now and then)
 * send everything through the I/O thread for {@link INLINE_BACKOFF_MS};
 * then inline is tried again.
 */
const INLINE_BUDGET_MS = 5;
const INLINE_BACKOFF_MS = 50;
/**
 * Inline work per turn of the event loop, for all handles of this thread:
 * a chain of awaited calls settles in microtasks, so past this the next
 * ones wait for the next turn (timers and I/O run first), then go on inline.
 */
const INLINE_TURN_MS = 2;
/** Operations started (checked, encoded) per turn of the loop, in milliseconds of work. */
const START_SLICE_MS = 1;
let inlineUsed = 0;
let inlineReset: ReturnType<typeof setImmediate> | undefined;
const resetInline = (): void => {
  inlineUsed = 0;
  inlineReset = undefined;
};
/** Bytes encoded in one tick after which they are handed over without waiting for the tick's end. */
const EARLY_FLUSH = 64 << 10;
/** Default time a request may wait for its answer, in milliseconds. */
export const DEFAULT_TIMEOUT = 60_000;

/** Options of {@link Connection}. */
export interface ConnectionOptions {
  /** An fd open on the network namespace the sockets must live in. */
  netnsFd?: number;
  /** Multicast groups to join: an event socket (a monitor) instead of a request socket. */
  groups?: number[];
  /** An event socket that also hears the namespaces with an nsid here (NETLINK_LISTEN_ALL_NSID); events then carry it. */
  allNsid?: boolean;
  /** Receive buffer size in bytes (default 8 MiB for requests where allowed; capped by rmem_max without CAP_NET_ADMIN). */
  rcvbuf?: number;
  /** Default reply timeout in milliseconds (0: none). */
  timeout?: number;
  /** @internal Tests: the window in bytes instead of one sized from the receive buffer. */
  window?: number;
  /** Send small requests made while the handle is idle from the calling thread (default true); see {@link Connection}. */
  inline?: boolean;
}

/** What every call takes besides its own arguments. */
export interface CallOptions {
  /** Aborts the call: it rejects with an `AbortError` that says whether the request was sent. */
  signal?: AbortSignal;
  /** Milliseconds to wait for the answer (default: the handle's `timeout`; 0: no limit). */
  timeout?: number;
}

/** Options of {@link Handle.close}. */
export interface CloseOptions {
  /** Do not wait for the answers of requests already made: sent ones reject with `ERR_OUTCOME_UNKNOWN`, others with `ERR_HANDLE_CLOSED`. */
  force?: boolean;
  /** Longest wait for those answers in milliseconds, after which it closes as with `force` (default: no bound beyond each request's own timeout). */
  timeout?: number;
}

const TIMED_OUT = Symbol('timeout');
const CLOSING = Symbol('closing');

/** Closes the sockets of connections that were dropped without `close()`. */
const reclaim = new FinalizationRegistry<NativeSocket>((sock) => {
  try {
    sock.destroy();
  } catch {
    // nothing left to release
  }
});

/** Connections with work under way, kept reachable until it settles (their callers hold only promises). */
const busy = new Set<Connection>();
/** Connections closed and not yet told so by the engine (see finalize). */
const closing = new Set<Connection>();

/** The native callback must not hold the connection: a dropped handle has to be collectable. */
function deliverTo(weak: WeakRef<Connection>): (block: Buffer | null) => void {
  return (block) => weak.deref()?.onBlock(block);
}

/** One request in flight: its exchange with the machine, collecting its replies, mapping its outcome to a value or an error. */
class Pending extends Exchange implements Handler {
  /** Replies parsed so far (made on the first: an ack-only request, the usual one, never needs it while in flight). */
  results: unknown[] | undefined = undefined;
  deadline = 0;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  done = false;
  /** The operation this request is a step of: its outcome continues it directly (no promise per request). */
  owner: Start | undefined = undefined;
  constructor(
    readonly conn: Connection,
    readonly req: Request<any>,
    readonly resolve: (v: unknown[]) => void,
    readonly reject: (e: unknown) => void,
    readonly sink: ((v: unknown) => void) | undefined,
    readonly signal: AbortSignal | undefined,
    readonly timeout: number,
    bytes: Uint8Array,
    seq: number,
    dump: boolean,
    read: boolean,
  ) {
    super(bytes, seq, dump, dump ? 0 : req.parse ? REPLY_COST : ACK_COST, undefined, read);
    // Observability (lib/trace.ts): one check while nobody listens.
    this.trace = requestStart.hasSubscribers ? traceStart(this) : undefined;
  }
  readonly trace: RequestTrace | undefined;

  /** The exchange (the request is its own). */
  get ex(): Exchange {
    return this;
  }

  get retryable(): boolean {
    return this.sink === undefined;
  }

  message(b: Buffer, off: number, len: number, type: number): void {
    const v = this.req.parse?.(b, off + HDR, off + len, type);
    if (v === undefined) return;
    if (this.sink) this.sink(v);
    else (this.results ??= []).push(v);
  }

  restart(): void {
    this.results = undefined;
  }

  settle(o: Outcome): void {
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
    const error = o.kind === 'ok' ? undefined : this.failure(o);
    const results = this.results ?? [];
    if (this.trace !== undefined) traceEnd(this.trace, this, o, error);
    if (this.owner !== undefined) this.conn.resume(this.owner, o.kind === 'ok' ? results : error, o.kind !== 'ok');
    else if (o.kind === 'ok') this.resolve(results);
    else this.reject(error);
    this.conn.settled();
  }

  private failure(o: Exclude<Outcome, { kind: 'ok' }>): unknown {
    const syscall = rtmName(this.req.type);
    switch (o.kind) {
      case 'kernel': {
        const field = o.ack.offset !== undefined ? this.req.field?.(o.ack.offset) : undefined;
        const e = new NetlinkError(o.errno, syscall, o.ack, undefined, field);
        e.sent = true;
        return e;
      }
      case 'intr': {
        const e = new NetlinkError(4, syscall, {}, `dump interrupted by concurrent changes ${o.tries} time${o.tries > 1 ? 's' : ''}${this.sink ? '; the items streamed may be inconsistent' : ''}`);
        e.sent = true;
        e.partial = this.results ?? [];
        return e;
      }
      case 'error':
        return o.error;
      case 'sendFailed': {
        const e = new NetlinkError(o.errno, syscall, {}, 'sendmsg failed; the request was not sent');
        e.sent = false;
        return e;
      }
      case 'lost':
        if (this.ex.readOnly) {
          // A read changes nothing: its lost answer is a plain failure.
          const e = new NetlinkError(105, syscall, {}, 'the kernel dropped the answer (receive buffer overrun); nothing was changed');
          e.sent = false;
          return e;
        }
        return new OutcomeUnknownError(syscall, o.reason);
      case 'unsent':
        return new ClosedError();
      case 'aborted':
        if (o.reason === TIMED_OUT) return new TimeoutError(o.sent, this.timeout, syscall);
        if (o.reason === CLOSING) return o.sent ? new OutcomeUnknownError(syscall, 'closed') : new ClosedError();
        return new AbortError(o.sent, o.reason);
    }
  }
}

/** An operation started by {@link Connection.run} (its generator and the caller's promise) or by a batch. */
export interface Start {
  op: Op<unknown>;
  call: CallOptions | undefined;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

const ignore = (): void => {};

/** The call options every call takes last: `{ signal, timeout }`. */
export const callOptions = object({ signal: abortSignal, timeout: int(0, 2 ** 31 - 1) });

function checkCall(call: CallOptions | undefined): void {
  if (call !== undefined) callOptions(call, 'options');
}

/**
 * A handle's netlink sockets. Requests made in the same tick are encoded
 * together and pipelined; replies resolve their promises.
 */
export class Connection {
  private readonly sock: NativeSocket;
  private readonly proto: Protocol;
  private sync: Protocol | undefined;
  /** @internal Tests record every request's bytes here (golden-byte comparisons with iproute2). */
  tap?: (message: Buffer) => void;
  private readonly w = new Writer(1 << 16);
  private readonly sw = new Writer(1 << 12);
  private scheduled = false;
  private refd = false;
  private keep = 0;
  private userRef: boolean | undefined;
  private closing = false;
  private destroyed = false;
  private drained: (() => void) | undefined;
  private closedResolve!: () => void;
  private readonly deadlines: Pending[] = [];
  private deadlineHead = 0;
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly streams = new Set<Pending>();
  /** Operations called and not started yet (see {@link Connection.run}). */
  private starts: Start[] = [];
  /** Inside a request's continuation (a reply being delivered): no early flush from there. */
  private delivering = 0;
  private startHead = 0;
  private startScheduled = false;
  /** Requests made this tick, launched (or sent inline) at its end. */
  private fresh: Pending[] = [];
  /** Whether small requests may be sent inline (see {@link ConnectionOptions.inline}). */
  readonly inline: boolean;
  private inlineOffUntil = 0;
  private inlineStrikes = 0;
  readonly timeout: number;
  /** Resolves once the sockets are closed (the I/O thread has let go of them). */
  readonly closed: Promise<void>;
  /** Called with each message of an event socket (payload offsets, as a family's parser takes them). */
  onEvent?: (b: Buffer, off: number, end: number, type: number, nsid?: number) => void;
  /** Called when an event socket reports lost messages (ENOBUFS) or another socket error. */
  onError?: (err: NetlinkError) => void;

  constructor(opts: ConnectionOptions = {}) {
    this.closed = new Promise((r) => (this.closedResolve = r));
    this.timeout = opts.timeout ?? DEFAULT_TIMEOUT;
    this.inline = opts.inline ?? true;
    const events = opts.groups !== undefined;
    // The blocking socket (inline requests, sync calls) comes with the request socket: a
    // namespace is entered once for both. Dump channels are opened when a dump needs one.
    this.sock = new native.Socket(
      { netnsFd: opts.netnsFd, rcvbuf: opts.rcvbuf, events, groups: opts.groups, allNsid: opts.allNsid === true, syncSocket: !events && this.inline },
      deliverTo(new WeakRef(this)),
    );
    const { rcvbuf, sndbuf } = this.sock.info();
    this.proto = new Protocol({
      window: opts.window ?? windowOf(rcvbuf),
      maxChunk: Math.max(4096, Math.min(sndbuf - 1024, 1 << 20)),
      // An event socket runs its dumps on itself (channel 0): replies and events then arrive in
      // the kernel's order, which is what a monitor's listExisting/resync reconcile by.
      dumpChannels: !events,
      ...(events
        ? {
            onEvent: (b, off, len, type, nsid) => this.onEvent?.(b, off + HDR, off + len, type, nsid),
            onEventError: (errno) =>
              this.onError?.(new NetlinkError(errno, 'recvmsg', {}, errno === 105 ? 'the kernel dropped messages: receive buffer overrun' : undefined)),
          }
        : {}),
    });
    reclaim.register(this, this.sock, this);
  }

  /** True once {@link Connection.close} was called. */
  get isClosed(): boolean {
    return this.closing;
  }

  /** @internal Counts at the native boundary: chunks handed over, sendmsg() calls made, blocking sends. */
  stats(): { submitted: number; sent: number; syncSent: number } {
    return this.sock.stats();
  }

  /**
   * @internal A new fd of the namespace the handle works in (the caller
   * closes it), or -1 when that is the process's own (TUN/TAP devices are
   * opened there: a device is born in its opener's namespace).
   */
  netnsFd(): number {
    if (this.closing || this.destroyed) throw Object.assign(new Error('the handle is closed'), { code: 'ERR_HANDLE_CLOSED' });
    return this.sock.dupNetns();
  }

  /** @internal What the machine and the socket hold now (for diagnosing a stuck test). */
  debugState(): Record<string, unknown> {
    const p = this.proto as unknown as Record<string, any>;
    return {
      closing: this.closing,
      destroyed: this.destroyed,
      unsettled: this.proto.unsettled,
      waiting: this.proto.waiting,
      window: this.proto.window,
      inflightCost: p.inflightCost,
      busyChannels: [...p.busy.keys()],
      idleChannels: [...p.idle],
      barrier: p.barrier !== undefined,
      inFlight: [...p.bySeq.values()].slice(0, 8).map((e: Exchange) => ({ seq: e.seq, state: e.state, channel: e.channel, chunk: e.chunk, dump: e.dump })),
      streams: this.streams.size,
      fresh: this.fresh.length,
      starts: this.starts.length - this.startHead,
      drainWaited: this.drained !== undefined,
      deadlines: this.deadlines.length - this.deadlineHead,
      stats: this.destroyed ? undefined : this.sock.stats(),
    };
  }

  /** Writes one complete message into `w` and returns it; rolls back on bad input. */
  private encode(w: Writer, req: Request<any>, seq: number, dump: boolean, keep: boolean): Uint8Array {
    const start = w.pos;
    try {
      w.ensure(HDR);
      w.pos += HDR;
      req.body(w);
    } catch (e) {
      w.pos = start;
      throw e;
    }
    const flags = NLM_F.REQUEST | (req.flags ?? 0) | (dump ? 0 : NLM_F.ACK);
    w.setU32(start, w.pos - start);
    w.setU16(start + 4, req.type);
    w.setU16(start + 6, flags);
    w.setU32(start + 8, seq);
    w.setU32(start + 12, 0);
    const end = w.pos;
    this.tap?.(Buffer.from(w.buf.subarray(start, end)));
    w.pad();
    // A read's bytes are kept to send it again (DUMP_INTR, a dropped answer); the writer's buffer is reused.
    return keep ? Buffer.from(w.buf.subarray(start, end)) : w.buf.subarray(start, end);
  }

  /** Sends one request; resolves with its parsed reply messages. */
  request<T>(req: Request<T>, call?: CallOptions): Promise<T[]> {
    return new Promise<T[]>((resolve, reject) => {
      const signal = this.admit(call);
      const p = this.make(req, resolve as (v: unknown[]) => void, reject, undefined, signal, call?.timeout ?? this.timeout);
      this.fresh.push(p);
      this.flushSoon();
    });
  }

  /**
   * Sends many requests at once, atomically with respect to bad input: if any
   * fails to encode, none is sent and the error is thrown.
   */
  requestMany(reqs: readonly Request<any>[], call?: CallOptions): Promise<unknown[]>[] {
    const signal = this.admit(call);
    const timeout = call?.timeout ?? this.timeout;
    const start = this.w.pos;
    const made: Pending[] = [];
    const promises: Promise<unknown[]>[] = [];
    try {
      for (const req of reqs)
        promises.push(new Promise<unknown[]>((resolve, reject) => made.push(this.make(req, resolve, reject, undefined, signal, timeout))));
    } catch (e) {
      this.w.pos = start;
      throw e;
    }
    for (const p of made) this.fresh.push(p);
    this.flushSoon();
    return promises;
  }

  /** What every new request passes first: an open handle, valid call options, a signal not aborted yet. */
  private admit(call: CallOptions | undefined): AbortSignal | undefined {
    if (this.closing) throw new ClosedError();
    checkCall(call);
    const signal = call?.signal;
    if (signal?.aborted) throw new AbortError(false, signal.reason);
    return signal;
  }

  /** Encodes one request into this tick's buffer (its bytes stay there until handed over). */
  private make(req: Request<any>, resolve: (v: unknown[]) => void, reject: (e: unknown) => void, sink: ((v: unknown) => void) | undefined, signal: AbortSignal | undefined, timeout: number): Pending {
    const dump = ((req.flags ?? 0) & NLM_F.DUMP) === NLM_F.DUMP;
    const read = dump || isGetRequest(req.type);
    const seq = this.proto.nextSeq();
    const bytes = this.encode(this.w, req, seq, dump, read);
    return new Pending(this, req, resolve, reject, sink, signal, timeout, bytes, seq, dump, read);
  }

  private launch(p: Pending): void {
    this.proto.add(p);
    this.arm(p);
  }

  /** Requests, made or settled (those of this tick included). */
  private get outstanding(): number {
    return this.proto.unsettled + this.fresh.length;
  }

  /**
   * This tick's requests: inline when the handle is otherwise idle and they
   * are few and quick (the kernel answers inside sendmsg(), so the answer is
   * read at once: no hand-off to the I/O thread and back), else launched
   * into the machine for the I/O thread.
   */
  private launchFresh(): void {
    const batch = this.fresh;
    this.fresh = [];
    const live: Pending[] = [];
    for (const p of batch) {
      // Aborted in the tick it was made: never sent.
      if (p.signal?.aborted) p.settle({ kind: 'aborted', reason: p.signal.reason, sent: false });
      else live.push(p);
    }
    if (this.inline && !this.closing && this.proto.unsettled === 0 && live.length > 0 && live.length <= INLINE_MAX && this.inlineOffUntil <= performance.now()) {
      if (live.every((p) => !p.dump && !p.req.slow && INLINE_TYPES.has(p.req.type))) {
        if (inlineUsed >= INLINE_TURN_MS) {
          // This turn had its share: let timers and I/O run, then go on inline
          // (cheaper than two thread hand-offs); calls made meanwhile queue behind.
          this.fresh = live.concat(this.fresh);
          this.scheduled = true;
          setImmediate(this.pumpTask);
          return;
        }
        if (this.runInline(live)) return;
      }
    }
    for (const p of live) this.launch(p);
  }

  /** Runs requests to their end on the blocking socket (see {@link launchFresh}); false: not possible, nothing sent. */
  private runInline(batch: Pending[]): boolean {
    let m: Protocol;
    try {
      m = this.syncMachine();
    } catch {
      return false;
    }
    const t0 = performance.now();
    for (const p of batch) m.add(p);
    // The kernel's time (inside sendmsg()) says whether it is slow; a GC pause meanwhile does not count.
    let timeout = Infinity;
    for (const p of batch) if (p.timeout > 0 && p.timeout < timeout) timeout = p.timeout;
    const kernel = this.exchangeSync(m, batch, t0 + timeout);
    const t1 = performance.now();
    if (kernel <= INLINE_BUDGET_MS) this.inlineStrikes = 0;
    else if (++this.inlineStrikes >= 3) {
      this.inlineStrikes = 0;
      this.inlineOffUntil = t1 + INLINE_BACKOFF_MS;
    }
    inlineUsed += t1 - t0;
    if (inlineReset === undefined) {
      inlineReset = setImmediate(resetInline);
      inlineReset.unref();
    }
    return true;
  }

  private syncMachine(): Protocol {
    return (this.sync ??= new Protocol({ window: windowOf(this.sock.openSync()), maxChunk: 1 << 16, dumpChannels: false }));
  }

  /**
   * Sends what `m` asks on the blocking socket and reads until every one of
   * `pend` settled (or `deadline`). Returns the milliseconds spent in sendmsg().
   */
  private exchangeSync(m: Protocol, pend: readonly Pending[], deadline: number): number {
    let sending = 0;
    while (pend.some((p) => !p.done)) {
      for (const a of m.pull()) {
        if (a.kind !== 'send') continue;
        const s0 = performance.now();
        const err = this.sock.sendSync(a.bytes);
        sending += performance.now() - s0;
        if (err) m.sendFailed(a.chunk, err);
      }
      if (!pend.some((p) => !p.done)) break;
      const left = deadline - performance.now();
      const block = left > 0 ? this.sock.recvSync(Math.min(Math.ceil(left), 2 ** 31 - 1)) : null;
      if (block === null) {
        for (const p of pend) if (!p.done) m.abort(p.ex, TIMED_OUT, () => false);
        break;
      }
      walkRecords(block, m);
    }
    return sending;
  }

  /** Hands this tick's requests over at its end (or now, past 64 KiB, so the I/O thread works meanwhile). */
  private flushSoon(): void {
    this.hold();
    if (this.w.pos >= EARLY_FLUSH && this.delivering === 0) this.pump();
    else if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.pumpTask);
    }
  }

  private readonly pumpTask = (): void => this.pump();

  /** Timers and signal listeners of one request. */
  private arm(p: Pending): void {
    if (p.signal) {
      p.onAbort = () => this.abort(p, p.signal!.reason);
      p.signal.addEventListener('abort', p.onAbort, { once: true });
    }
    if (p.sink || p.timeout <= 0) return;
    if (p.timeout === this.timeout) {
      // One timer for all requests with the handle's timeout: their deadlines come in order.
      p.deadline = performance.now() + p.timeout;
      this.deadlines.push(p);
      if (this.deadlineTimer === undefined) this.armDeadlines();
    } else {
      p.timer = setTimeout(() => this.abort(p, TIMED_OUT), p.timeout);
      p.timer.unref?.();
    }
  }

  private armDeadlines(): void {
    while (this.deadlineHead < this.deadlines.length && this.deadlines[this.deadlineHead].done) this.deadlineHead++;
    if (this.deadlineHead >= this.deadlines.length) {
      this.deadlines.length = 0;
      this.deadlineHead = 0;
      this.deadlineTimer = undefined;
      return;
    }
    const wait = Math.max(1, this.deadlines[this.deadlineHead].deadline - performance.now());
    this.deadlineTimer = setTimeout(() => this.expire(), wait);
    this.deadlineTimer.unref?.();
  }

  private expire(): void {
    const now = performance.now();
    while (this.deadlineHead < this.deadlines.length && this.deadlines[this.deadlineHead].deadline <= now) {
      const p = this.deadlines[this.deadlineHead++];
      if (!p.done) this.abort(p, TIMED_OUT);
    }
    if (this.deadlineHead > 1024 && this.deadlineHead * 2 > this.deadlines.length) {
      this.deadlines.splice(0, this.deadlineHead);
      this.deadlineHead = 0;
    }
    this.armDeadlines();
  }

  private abort(p: Pending, reason: unknown): void {
    if (p.done) return;
    this.proto.abort(p.ex, reason, (chunk, offset, bytes) => !this.destroyed && this.sock.patch(chunk, offset, bytes));
    this.pump();
  }

  /** Carries out what the machine asks: open channels, send chunks, close channels. */
  private pump(): void {
    this.scheduled = false;
    if (this.destroyed) return;
    if (this.fresh.length) this.launchFresh();
    for (;;) {
      const actions = this.proto.pull();
      if (!actions.length) break;
      for (const a of actions) this.act(a);
    }
    // Requests still waiting for room (or for their turn inline) keep views of the writer's buffer: leave it to them.
    if (this.proto.waiting > 0) this.w.detach();
    else if (this.fresh.length === 0) this.w.pos = 0;
  }

  private act(a: Action): void {
    if (a.kind === 'send') this.sock.submit(a.channel, a.chunk, a.bytes);
    else if (a.kind === 'open') {
      try {
        this.sock.openChannel(a.channel);
      } catch (e) {
        this.proto.channelFailed(a.channel, e);
      }
    } else this.sock.closeChannel(a.channel);
  }

  /** Streams a dump: yields each parsed message as it arrives (bounded memory, paused while unread). */
  async *stream<T>(req: Request<T>, call?: CallOptions, highWater = 4096): AsyncGenerator<T> {
    const queue: T[] = [];
    let done = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    let paused = false;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const signal = this.admit(call);
    const p = this.make(
      req,
      () => {
        done = true;
        notify();
      },
      (e) => {
        failure = e;
        done = true;
        notify();
      },
      (v) => {
        queue.push(v as T);
        if (!paused && queue.length >= highWater && p.channel > 0) {
          paused = true;
          this.sock.pause(p.channel, true);
        }
        notify();
      },
      signal,
      call?.timeout ?? this.timeout,
    );
    this.launch(p);
    this.flushSoon();
    this.streams.add(p);
    const timeout = call?.timeout ?? this.timeout;
    try {
      for (;;) {
        while (queue.length) {
          const batch = queue.splice(0, queue.length);
          if (paused) {
            paused = false;
            if (!p.done) this.sock.pause(p.ex.channel, false);
          }
          for (const item of batch) yield item;
        }
        if (done) break;
        // Waiting for the kernel (not for the consumer): that is what the timeout bounds.
        const timer = timeout > 0 ? setTimeout(() => this.abort(p, TIMED_OUT), timeout) : undefined;
        timer?.unref?.();
        await new Promise<void>((r) => (wake = r));
        if (timer) clearTimeout(timer);
      }
      if (failure) throw failure;
    } finally {
      this.streams.delete(p);
      // Left early: the rest of the dump is dropped in the kernel, not parsed into a dead queue.
      if (!p.done) this.abort(p, new Error('stream abandoned'));
    }
  }

  /** The blocking path: the same machine, on a socket of its own, waited for on this thread. */
  requestSync<T>(req: Request<T>, call?: CallOptions): T[] {
    return this.requestManySync([req], call)[0] as T[];
  }

  /** Several requests pipelined on the blocking path; throws the first failure once all have ended. */
  requestManySync(reqs: readonly Request<any>[], call?: CallOptions): unknown[][] {
    if (this.closing) throw new ClosedError();
    checkCall(call);
    if (call?.signal?.aborted) throw new AbortError(false, call.signal.reason);
    const m = this.syncMachine();
    const timeout = call?.timeout ?? this.timeout;
    const results: unknown[][] = [];
    const errors: unknown[] = [];
    const pend: Pending[] = [];
    this.sw.pos = 0;
    reqs.forEach((req, i) => {
      const dump = ((req.flags ?? 0) & NLM_F.DUMP) === NLM_F.DUMP;
      const seq = m.nextSeq();
      const bytes = this.encode(this.sw, req, seq, dump, true);
      pend.push(new Pending(this, req, (v) => (results[i] = v), (e) => (errors[i] ??= e), undefined, undefined, timeout, bytes, seq, dump, dump || isGetRequest(req.type)));
    });
    for (const p of pend) m.add(p);
    this.exchangeSync(m, pend, timeout > 0 ? performance.now() + timeout : Infinity);
    const first = errors.find((e) => e !== undefined);
    if (first !== undefined) throw first;
    return results;
  }

  /**
   * Runs a multi-step operation asynchronously. Its first step runs now, so
   * bad input throws synchronously, before anything is sent.
   */
  run<T>(op: Op<T>, call?: CallOptions): Promise<T> {
    // Checked and encoded at the end of the tick, in slices: a tick that makes
    // 100k calls does not hold the loop for all of their work at once.
    return new Promise<T>((resolve, reject) => {
      this.starts.push({ op, call, resolve: resolve as (v: unknown) => void, reject });
      if (!this.startScheduled) {
        this.startScheduled = true;
        queueMicrotask(this.startTask);
      }
    });
  }

  /** Starts queued operations (their first step: checking, encoding) for about {@link START_SLICE_MS}, then yields a turn. */
  private readonly startTask = (sliceMs = START_SLICE_MS): void => {
    const q = this.starts;
    const t0 = performance.now();
    let i = this.startHead;
    for (; i < q.length; i++) {
      if ((i & 31) === 31 && performance.now() - t0 > sliceMs) break;
      const s = q[i];
      q[i] = undefined as never;
      let first: IteratorResult<Request<any> | Request<any>[], unknown>;
      try {
        first = s.op.next();
      } catch (e) {
        s.reject(e);
        continue;
      }
      this.advance(s, first);
    }
    if (i < q.length) {
      this.startHead = i;
      setImmediate(this.startTask, START_SLICE_MS);
    } else {
      this.starts = [];
      this.startHead = 0;
      this.startScheduled = false;
    }
  };

  /**
   * Continues a started operation from `step` until it ends or waits for the
   * kernel. A single request's outcome continues it from {@link Pending.settle}
   * (see {@link resume}): no async function and no promise per request.
   */
  private advance(s: Start, step: IteratorResult<Request<any> | Request<any>[], unknown>): void {
    for (;;) {
      if (step.done) return s.resolve(step.value);
      const v = step.value;
      try {
        if (Array.isArray(v)) {
          Promise.all(this.requestMany(v, s.call)).then(
            (r) => this.resume(s, r, false),
            (e) => this.resume(s, e, true),
          );
        } else {
          const signal = this.admit(s.call);
          const p = this.make(v, ignore, ignore, undefined, signal, s.call?.timeout ?? this.timeout);
          p.owner = s;
          this.fresh.push(p);
          this.flushSoon();
        }
        return;
      } catch (e) {
        try {
          step = s.op.throw(e);
        } catch (e2) {
          return s.reject(e2);
        }
      }
    }
  }

  /**
   * @internal Starts operations whose first steps have run (a batch's window).
   * Their first requests are encoded together: if one fails to encode, none
   * is sent and the error is thrown (the caller ends the operations). Each then
   * goes on alone, as {@link run}'s do, its outcome handed to its `Start`.
   */
  startMany(ss: readonly Start[], firsts: readonly IteratorYieldResult<Request<any> | Request<any>[]>[], call: CallOptions | undefined): void {
    const signal = this.admit(call);
    const timeout = call?.timeout ?? this.timeout;
    const start = this.w.pos;
    const before = this.fresh.length;
    // No early flush while the window is encoded: a failure must find nothing sent.
    this.delivering++;
    try {
      for (let i = 0; i < ss.length; i++) {
        const s = ss[i];
        const v = firsts[i].value;
        if (Array.isArray(v)) {
          Promise.all(this.requestMany(v, call)).then(
            (r) => this.resume(s, r, false),
            (e) => this.resume(s, e, true),
          );
        } else {
          const p = this.make(v, ignore, ignore, undefined, signal, timeout);
          p.owner = s;
          this.fresh.push(p);
        }
      }
    } catch (e) {
      // Made but not handed over: dropped (a multi-request step's promises then never settle; nobody holds them).
      this.w.pos = start;
      this.fresh.length = before;
      this.settled();
      throw e;
    } finally {
      this.delivering--;
    }
    this.flushSoon();
  }

  /** @internal The outcome of the step `s` waits on: continues it (called while a reply is delivered). */
  resume(s: Start, value: unknown, failed: boolean): void {
    let step: IteratorResult<Request<any> | Request<any>[], unknown>;
    this.delivering++;
    try {
      try {
        step = failed ? s.op.throw(value) : s.op.next(value);
      } catch (e) {
        return s.reject(e);
      }
      this.advance(s, step);
    } finally {
      this.delivering--;
    }
  }

  /** Runs a multi-step operation synchronously. */
  runSync<T>(op: Op<T>, call?: CallOptions): T {
    let step = op.next();
    while (!step.done) {
      let reply: unknown;
      try {
        const v = step.value;
        reply = Array.isArray(v) ? this.requestManySync(v, call) : this.requestSync(v, call);
      } catch (e) {
        step = op.throw(e);
        continue;
      }
      step = op.next(reply);
    }
    return step.value;
  }

  /** @internal A request settled: drop references and the loop's hold when nothing is left. */
  settled(): void {
    // Settled requests leave the deadline queue from its head (they mostly settle in
    // order): a long burst must not keep every finished request reachable until it ends.
    const d = this.deadlines;
    let h = this.deadlineHead;
    while (h < d.length && d[h].done) h++;
    if (h > 1024 && h * 2 > d.length) {
      d.splice(0, h);
      h = 0;
    }
    this.deadlineHead = h;
    if (this.outstanding === 0) {
      // An armed timer would keep a dropped handle reachable: none while idle.
      if (this.deadlineTimer !== undefined) {
        clearTimeout(this.deadlineTimer);
        this.deadlineTimer = undefined;
        this.deadlines.length = 0;
        this.deadlineHead = 0;
      }
      this.release();
      const d = this.drained;
      this.drained = undefined;
      d?.();
    }
  }

  private wantRef(): boolean {
    if (this.userRef !== undefined) return this.userRef && !this.destroyed;
    return !this.destroyed && (this.outstanding > 0 || this.keep > 0);
  }

  private hold(): void {
    busy.add(this);
    if (!this.refd && this.wantRef()) {
      this.refd = true;
      this.sock.ref();
    }
  }

  private release(): void {
    if (this.outstanding === 0 && this.keep === 0) busy.delete(this);
    if (this.refd && !this.wantRef()) {
      this.refd = false;
      this.sock.unref();
    }
  }

  /** Keeps the process alive while events are awaited (a monitor's pending `next()`). */
  keepAlive(on: boolean): void {
    this.keep += on ? 1 : -1;
    if (on) this.hold();
    else this.release();
  }

  /**
   * `ref()`: keep the process alive while this handle is open, even idle.
   * `unref()`: never keep it alive, even with requests in flight (as `net.Socket`).
   * By default it is kept alive exactly while requests are in flight.
   */
  setRef(on: boolean | undefined): void {
    this.userRef = on;
    this.hold();
    this.release();
  }

  /** Stops (or resumes) reading channel 0 (an event socket): the kernel queues, then drops with ENOBUFS. */
  pause(on: boolean): void {
    if (!this.destroyed) this.sock.pause(0, on);
  }

  /** Blocks that arrived while one was handled this turn: one block per turn, so a long dump never holds the loop. */
  private blocks: Buffer[] = [];
  private blockBusy = false;

  /** @internal One block of records from the reactor (null: the sockets are closed). Never throws into the native callback. */
  onBlock(block: Buffer | null): void {
    if (block === null) {
      this.blocks = [];
      closing.delete(this);
      return this.closedResolve();
    }
    if (this.destroyed) return;
    if (this.blockBusy) this.blocks.push(block);
    else this.handleBlock(block);
  }

  private handleBlock(block: Buffer): void {
    this.blockBusy = true;
    setImmediate(this.nextBlock);
    // Credit first: the I/O thread reads the next block while this one is decoded (the
    // blocks out stay bounded by the credits; this thread takes one per turn).
    this.sock.credit();
    try {
      walkRecords(block, this.proto);
      this.pump();
      // The machine's own requests (an ENOBUFS barrier) settle without a Pending.
      if (this.outstanding === 0) this.settled();
    } catch (e) {
      // A bug of ours, not the kernel's: say so without taking the host down.
      process.emitWarning(`rtnetlink: internal error while reading replies: ${e instanceof Error ? e.stack : String(e)}`, 'RtnetlinkWarning');
    }
  }

  private readonly nextBlock = (): void => {
    this.blockBusy = false;
    if (this.destroyed) {
      this.blocks = [];
      return;
    }
    const b = this.blocks.shift();
    if (b !== undefined) this.handleBlock(b);
  };

  /**
   * Closes the handle. New requests are refused at once; by default the
   * answers of requests already made are waited for (see {@link CloseOptions}).
   * Streams end with `ERR_HANDLE_CLOSED`. Resolves when the sockets are
   * closed. Idempotent.
   */
  close(opts: CloseOptions = {}): Promise<void> {
    if (!this.closing) {
      // Calls made before close() are sent (and answered) as if started at once.
      if (this.startScheduled) this.startTask(Infinity);
      this.closing = true;
      for (const p of [...this.streams]) this.abort(p, CLOSING);
      if (this.scheduled) this.pump();
    }
    if (this.destroyed) return this.closed;
    if (opts.force || this.outstanding === 0) this.finalize();
    else {
      const wait = new Promise<void>((r) => (this.drained = r));
      const bound = opts.timeout !== undefined ? new Promise<void>((r) => setTimeout(r, opts.timeout).unref?.()) : undefined;
      void (bound ? Promise.race([wait, bound]) : wait).then(() => this.finalize());
    }
    return this.closed;
  }

  private finalize(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    reclaim.unregister(this);
    // The engine reports the sockets closed through a weak reference: held until it has,
    // or a close() awaited by a caller that keeps no other reference never resolves.
    closing.add(this);
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    const taken = this.sock.destroy();
    for (const p of this.fresh.splice(0)) this.proto.add(p);
    this.proto.closed(taken);
    this.sync?.closed(Infinity);
    busy.delete(this);
    this.refd = false;
  }
}

/** The window of a socket: the replies in flight must fit its receive buffer (as the kernel counts it). */
function windowOf(rcvbuf: number): number {
  return Math.max(ACK_COST, Math.floor(rcvbuf * 0.75));
}

/** Feeds a block of records (native/reactor.h; host order, and every supported target is little-endian) to a machine. */
function walkRecords(b: Buffer, m: Protocol): void {
  let off = 0;
  const end = b.length;
  while (off + 8 <= end) {
    const len = b.readUInt32LE(off);
    const chan = b.readUInt16LE(off + 4);
    const kind = b.readUInt16LE(off + 6);
    const p = off + 8;
    if (p + len > end) break;
    if (kind === 0 || kind === 1) m.receive(chan, b, p, p + len, kind === 1);
    else if (kind === 4) m.receive(chan, b, p + 4, p + len, false, b.readInt32LE(p));
    else if (kind === 2) m.socketError(chan, b.readInt32LE(p));
    else if (kind === 3) m.sendFailed(b.readDoubleLE(p), b.readInt32LE(p + 8));
    off = p + ((len + 3) & ~3);
  }
}
