/**
 * Netlink framing and the request engine on top of the native socket:
 * sequence numbers, pipelining (every request made in one tick goes out in
 * one submission, many messages per sendmsg()), matching acks, errors and
 * multi-part dumps to their requests, `NLM_F_DUMP_INTR` retries, extended
 * acks, streaming dumps with back-pressure, and the synchronous path.
 * @module
 */
import { AttrTable, Writer, rd, t } from './codec.js';
import { ClosedError, NetlinkError, type ExtAck } from './errors.js';
import { native, type NativeSocket } from './native.js';
import { NLM_F } from './protocol.js';
import type { Op, Request } from './request.js';
import { rtmName } from './wire/rtm.js';

const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const HDR = 16;
const TRUNCATED = 0x8000; // set by native/socket.cc on a synthetic EMSGSIZE
const EXTACK = attrsExtAck();

const NO_REPLIES: unknown[] = Object.freeze([]) as unknown as unknown[];

/** One request in flight (a class: one hidden shape for the hot path). */
class Pending {
  /** Parsed replies; shared and empty until the first one (most requests get only an ack). */
  results: unknown[] = NO_REPLIES;
  bytes: Buffer | undefined = undefined; // a dump's own message, kept to re-run it after DUMP_INTR
  intr = false;
  error: unknown = undefined;
  constructor(
    readonly req: Request<any>,
    readonly dump: boolean,
    public retries: number,
    public resolve: (v: unknown[]) => void,
    public reject: (e: unknown) => void,
    readonly sink: ((v: unknown) => void) | undefined,
  ) {}
}

/** Bytes encoded in one tick after which they are submitted without waiting for the tick's end. */
const EARLY_FLUSH = 64 << 10;

/** How many times a dump that the kernel marks inconsistent (DUMP_INTR) is re-run. */
export const DUMP_RETRIES = 8;

/** Options of {@link Connection}. */
export interface ConnectionOptions {
  /** An fd open on the network namespace the socket must live in. */
  netnsFd?: number;
  /** Multicast groups to join (a monitor socket). */
  groups?: number[];
  /** Receive buffer size in bytes (default 8 MiB; capped by rmem_max without CAP_NET_ADMIN). */
  rcvbuf?: number;
}

/**
 * A NETLINK_ROUTE socket with its I/O thread. Requests made in the same tick
 * are submitted together and pipelined; replies resolve their promises.
 */
export class Connection {
  private readonly sock: NativeSocket;
  private readonly pending = new Map<number, Pending>();
  private seq = (Math.random() * 0x7fffffff) >>> 0;
  private readonly w = new Writer(1 << 16);
  private readonly sw = new Writer(1 << 12);
  private scheduled = false;
  private batching = false; // requestMany is encoding: keep its messages together
  private refd = false;
  private closedFlag = false;
  private closedResolve!: () => void;
  /** Resolves once the I/O thread has exited after {@link Connection.close}. */
  readonly closed: Promise<void>;
  /** Called with each message of a monitor socket (seq 0, unsolicited). */
  onEvent?: (b: Buffer, off: number, end: number, type: number) => void;
  /** Called when the kernel reports lost messages (ENOBUFS) or another socket error. */
  onError?: (err: NetlinkError) => void;

  constructor(opts: ConnectionOptions = {}) {
    this.closed = new Promise((r) => (this.closedResolve = r));
    this.sock = new native.Socket(opts, (data, errno, closed) => this.onData(data, errno, closed));
  }

  /** True once {@link Connection.close} was called. */
  get isClosed(): boolean {
    return this.closedFlag;
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0 || 1;
    return this.seq;
  }

  /** Writes one complete message into `w`; rolls back on bad input. */
  private encode(w: Writer, req: Request<any>, seq: number, dump: boolean): void {
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
  }

  /** Sends one request; resolves with its parsed reply messages. */
  request<T>(req: Request<T>): Promise<T[]> {
    return new Promise<T[]>((resolve, reject) => {
      this.enqueue(req, resolve as (v: unknown[]) => void, reject, undefined);
    });
  }

  /**
   * Sends many requests at once, atomically with respect to bad input: if any
   * fails to encode, none is sent and the error is thrown.
   */
  requestMany(reqs: readonly Request<any>[]): Promise<unknown[]>[] {
    const start = this.w.pos;
    const seqs: number[] = [];
    const promises: Promise<unknown[]>[] = [];
    this.batching = true;
    try {
      for (const req of reqs) {
        let resolve!: (v: unknown[]) => void;
        let reject!: (e: unknown) => void;
        promises.push(new Promise<unknown[]>((a, b) => ((resolve = a), (reject = b))));
        this.enqueue(req, resolve, reject, undefined);
        seqs.push(this.seq);
      }
    } catch (e) {
      this.w.pos = start;
      for (const seq of seqs) this.pending.delete(seq);
      this.release();
      throw e;
    } finally {
      this.batching = false;
    }
    if (this.w.pos >= EARLY_FLUSH) this.flush();
    return promises;
  }

  private enqueue(req: Request<any>, resolve: (v: unknown[]) => void, reject: (e: unknown) => void, sink: ((v: unknown) => void) | undefined): void {
    if (this.closedFlag) throw new ClosedError();
    const dump = ((req.flags ?? 0) & NLM_F.DUMP) === NLM_F.DUMP;
    const seq = this.nextSeq();
    const start = this.w.pos;
    this.encode(this.w, req, seq, dump);
    const entry = new Pending(req, dump, 0, resolve, reject, sink);
    if (dump) entry.bytes = Buffer.from(this.w.buf.subarray(start, this.w.pos));
    this.pending.set(seq, entry);
    this.hold();
    // A caller issuing thousands of requests in one tick should not wait for
    // the tick to end: hand over every 64 KiB so the I/O thread works meanwhile.
    if (this.w.pos >= EARLY_FLUSH && !this.batching) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Hands everything encoded this tick to the I/O thread in one submission. */
  private flush(): void {
    this.scheduled = false;
    if (this.w.pos === 0 || this.closedFlag) return;
    this.sock.submit(this.w.buf.subarray(0, this.w.pos));
    this.w.pos = 0;
  }

  /** Streams a dump: yields each parsed message as it arrives (bounded memory). */
  async *stream<T>(req: Request<T>, highWater = 4096): AsyncGenerator<T> {
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
    this.enqueue(
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
        if (!paused && queue.length >= highWater) {
          paused = true;
          this.sock.pause(true);
        }
        notify();
      },
    );
    try {
      for (;;) {
        while (queue.length) {
          const batch = queue.splice(0, queue.length);
          if (paused) {
            paused = false;
            this.sock.pause(false);
          }
          for (const item of batch) yield item;
        }
        if (done) break;
        await new Promise<void>((r) => (wake = r));
      }
      if (failure) throw failure;
    } finally {
      if (paused) this.sock.pause(false);
    }
  }

  /** The synchronous path: same encoding and parsing, blocking this thread. */
  requestSync<T>(req: Request<T>): T[] {
    if (this.closedFlag) throw new ClosedError();
    const dump = ((req.flags ?? 0) & NLM_F.DUMP) === NLM_F.DUMP;
    for (let attempt = 0; ; attempt++) {
      const seq = this.nextSeq();
      this.sw.pos = 0;
      this.encode(this.sw, req, seq, dump);
      const reply = this.sock.requestSync(this.sw.buf.subarray(0, this.sw.pos));
      const p = new Pending(req, dump, attempt, () => {}, () => {}, undefined);
      let finished = false;
      p.resolve = () => (finished = true);
      p.reject = (e) => {
        finished = true;
        p.error = e;
      };
      walk(reply, (b, off, len, type, flags, s) => {
        if (s === seq && !finished) this.handle(p, b, off, len, type, flags, true);
      });
      if (p.intr && dump && attempt < DUMP_RETRIES) continue;
      if (p.error) throw p.error;
      return p.results as T[];
    }
  }

  /**
   * Runs a multi-step operation asynchronously. Its first step runs now, so
   * bad input throws synchronously, before anything is sent.
   */
  run<T>(op: Op<T>): Promise<T> {
    return this.drive(op, op.next());
  }

  /** Continues an operation from `step`; `inflight` is the reply to it, if already sent. */
  async drive<T>(op: Op<T>, step: IteratorResult<Request<any> | Request<any>[], T>, inflight?: Promise<unknown>): Promise<T> {
    while (!step.done) {
      let reply: unknown;
      try {
        const v = step.value;
        reply = await (inflight ?? (Array.isArray(v) ? Promise.all(v.map((r) => this.request(r))) : this.request(v)));
      } catch (e) {
        inflight = undefined;
        step = op.throw(e);
        continue;
      }
      inflight = undefined;
      step = op.next(reply);
    }
    return step.value;
  }

  /** Runs a multi-step operation synchronously. */
  runSync<T>(op: Op<T>): T {
    let step = op.next();
    while (!step.done) {
      let reply: unknown;
      try {
        const v = step.value;
        reply = Array.isArray(v) ? v.map((r) => this.requestSync(r)) : this.requestSync(v);
      } catch (e) {
        step = op.throw(e);
        continue;
      }
      step = op.next(reply);
    }
    return step.value;
  }

  private hold(): void {
    if (!this.refd) {
      this.refd = true;
      this.sock.ref();
    }
  }

  private release(): void {
    if (this.refd && this.pending.size === 0 && !this.onEvent) {
      this.refd = false;
      this.sock.unref();
    }
  }

  /** Stops (or resumes) reading the socket: the kernel queues, then drops with ENOBUFS. */
  pause(on: boolean): void {
    if (!this.closedFlag) this.sock.pause(on);
  }

  /** Keeps the process alive while events are awaited (monitors). */
  keepAlive(on: boolean): void {
    if (on) this.hold();
    else if (this.refd) {
      this.refd = false;
      this.sock.unref();
    }
  }

  private readonly giveCredit = (): void => {
    if (!this.closedFlag) this.sock.credit();
  };

  private onData(data: Buffer | null, errno: number, closed: boolean): void {
    if (closed) {
      this.closedResolve();
      return;
    }
    if (errno) {
      const err = new NetlinkError(errno, 'recvmsg', {}, errno === 105 ? 'the kernel dropped messages: receive buffer overrun' : undefined);
      if (this.onEvent || this.onError) this.onError?.(err);
      // Requests whose acks were lost would never complete: fail them all.
      if (!this.onEvent) for (const seq of [...this.pending.keys()]) this.fail(seq, err);
      return;
    }
    if (!data) return;
    // The next block may come once timers and I/O had their turn (native flow control).
    setImmediate(this.giveCredit);
    walk(data, (b, off, len, type, flags, seq) => {
      const p = this.pending.get(seq);
      if (p) this.handle(p, b, off, len, type, flags, false, seq);
      // Notifications carry the seq of whichever request caused them (0 for the kernel's own).
      else if (this.onEvent) this.onEvent(b, off + HDR, off + len, type);
    });
    this.release();
  }

  private fail(seq: number, err: unknown): void {
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    p.reject(err);
  }

  /** Applies one reply message to its pending request. */
  private handle(p: Pending, b: Buffer, off: number, len: number, type: number, flags: number, sync: boolean, seq = 0): void {
    if (type === NLMSG_ERROR) {
      const errno = rd.s32(b, off + HDR);
      if (flags & TRUNCATED) {
        p.error = new NetlinkError(-errno, rtmName(p.req.type), {}, 'a reply was larger than the receive buffer');
        return;
      }
      if (errno !== 0 && !p.error) {
        const ack = parseExtAck(b, off, len, flags);
        const field = ack.offset !== undefined ? p.req.field?.(ack.offset) : undefined;
        p.error = new NetlinkError(-errno, rtmName(p.req.type), ack, undefined, field);
      }
      this.finish(p, sync, seq);
      return;
    }
    if (flags & NLM_F.DUMP_INTR) p.intr = true;
    if (type === NLMSG_DONE) {
      const errno = len >= HDR + 4 ? rd.s32(b, off + HDR) : 0;
      if (errno < 0 && !p.error) p.error = new NetlinkError(-errno, rtmName(p.req.type), parseExtAck(b, off, len, flags));
      this.finish(p, sync, seq);
      return;
    }
    const v = p.req.parse?.(b, off + HDR, off + len, type);
    if (v === undefined) return;
    if (p.sink) p.sink(v);
    else if (p.results === NO_REPLIES) p.results = [v];
    else p.results.push(v);
  }

  private finish(p: Pending, sync: boolean, seq: number): void {
    if (sync) {
      if (p.error) p.reject(p.error);
      else p.resolve(p.results);
      return;
    }
    this.pending.delete(seq);
    if (p.intr && !p.error) {
      if (!p.sink && p.retries < DUMP_RETRIES && p.bytes) return this.rerun(p);
      p.error = new NetlinkError(4, rtmName(p.req.type), {}, `dump interrupted by concurrent changes${p.sink ? '; the streamed items may be inconsistent' : ` ${p.retries + 1} times`}`);
    }
    if (p.error) p.reject(p.error);
    else p.resolve(p.results);
  }

  /** Re-runs a dump the kernel marked inconsistent, under a new seq. */
  private rerun(p: Pending): void {
    const seq = this.nextSeq();
    const bytes = p.bytes!;
    p.results = NO_REPLIES;
    p.intr = false;
    p.retries++;
    this.pending.set(seq, p);
    const at = this.w.pos;
    this.w.bytes(bytes);
    this.w.setU32(at + 8, seq);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /**
   * Closes the socket. Requests still in flight reject with a
   * {@link ClosedError}; the returned promise resolves once the I/O thread
   * has released its socket. Idempotent.
   */
  close(): Promise<void> {
    if (!this.closedFlag) {
      this.closedFlag = true;
      this.flush();
      this.sock.close();
      const err = new ClosedError();
      for (const seq of [...this.pending.keys()]) this.fail(seq, err);
    }
    return this.closed;
  }
}

/** Calls `fn` for each complete message in a block of datagrams. */
function walk(b: Buffer, fn: (b: Buffer, off: number, len: number, type: number, flags: number, seq: number) => void): void {
  let off = 0;
  const end = b.length;
  while (off + HDR <= end) {
    const len = rd.u32(b, off);
    if (len < HDR || off + len > end) break;
    fn(b, off, len, rd.u16(b, off + 4), rd.u16(b, off + 6), rd.u32(b, off + 8));
    off += (len + 3) & ~3;
  }
}

function attrsExtAck(): AttrTable<ExtAck> {
  return new AttrTable<ExtAck>('extack', {
    message: { id: 1, codec: t.string },
    offset: { id: 2, codec: t.u32 },
    missingType: { id: 5, codec: t.u32 },
  });
}

/** Reads the extended-ack TLVs after an error (or DONE) payload. */
function parseExtAck(b: Buffer, off: number, len: number, flags: number): ExtAck {
  if (!(flags & NLM_F.ACK_TLVS)) return {};
  // nlmsgerr = error + the request's header; with NETLINK_CAP_ACK (CAPPED) no payload.
  const isError = rd.u16(b, off + 4) === NLMSG_ERROR;
  let start = off + HDR + 4;
  if (isError) start += flags & NLM_F.CAPPED ? HDR : rd.u32(b, off + HDR + 4);
  const ack = EXTACK.decode(b, (start + 3) & ~3, off + len);
  return ack; // ack.offset counts from the start of the request's nlmsghdr
}
