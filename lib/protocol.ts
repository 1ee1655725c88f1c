/**
 * The netlink protocol, kept free of I/O: message framing constants and (below)
 * the state machine that decides what is sent when and what each reply means.
 * @module
 */
import { DecodeError } from './errors.js';

/** nlmsghdr flags (linux/netlink.h). */
export const NLM_F = {
  REQUEST: 0x1,
  MULTI: 0x2,
  ACK: 0x4,
  ECHO: 0x8,
  DUMP_INTR: 0x10,
  DUMP_FILTERED: 0x20,
  ROOT: 0x100,
  MATCH: 0x200,
  DUMP: 0x300,
  REPLACE: 0x100,
  EXCL: 0x200,
  CREATE: 0x400,
  APPEND: 0x800,
  NONREC: 0x100,
  BULK: 0x200,
  CAPPED: 0x100,
  ACK_TLVS: 0x200,
} as const;

/** Control message types (linux/netlink.h). */
export const NLMSG = { NOOP: 1, ERROR: 2, DONE: 3, OVERRUN: 4, MIN_TYPE: 0x10 } as const;

const HDR = 16;
/** NLMSGERR_ATTR_* (linux/netlink.h): the protocol's own attributes after an error or DONE. */
const NLMSGERR_ATTR = { MSG: 1, OFFS: 2, MISS_TYPE: 5 } as const;

/** Receive-buffer budget (kernel truesize, bytes) of a request answered by an ack only (measured: ~830 for a plain ack, more with extack text). */
export const ACK_COST = 1536;
/** Budget of a request answered by a message and an ack (a GET, an ECHO). */
export const REPLY_COST = 16384;
/** How many times a dump that the kernel marks inconsistent (DUMP_INTR) is re-run. */
export const DUMP_RETRIES = 8;
/** How many times a read whose answer the kernel dropped (ENOBUFS) is asked again. */
export const READ_RESENDS = 3;

/** What the kernel said about a failed request, besides the errno. */
export interface KernelAck {
  message?: string;
  offset?: number;
  missingType?: number;
}

/** How a request ended; each exchange gets exactly one. */
export type Outcome =
  /** The kernel's ack (or a dump's DONE) without error. */
  | { kind: 'ok' }
  /** The kernel refused it (positive errno). */
  | { kind: 'kernel'; errno: number; ack: KernelAck }
  /** A dump the kernel marked inconsistent on every try. */
  | { kind: 'intr'; tries: number }
  /** A reply that could not be decoded (or a dump channel that lost data). */
  | { kind: 'error'; error: unknown }
  /** sendmsg() failed (positive errno): the kernel never saw it. */
  | { kind: 'sendFailed'; errno: number }
  /** Sent, but its answer can no longer arrive. */
  | { kind: 'lost'; reason: 'closed' | 'overrun' }
  /** Closed before it was sent. */
  | { kind: 'unsent' }
  /** Aborted (by a signal or a timeout); `sent` says whether the kernel had it. */
  | { kind: 'aborted'; sent: boolean; reason: unknown };

/** The side of a request that consumes its replies. */
export interface Handler {
  /** One reply message (not ERROR or DONE). A throw fails the request when it ends; the rest of its replies are skipped. */
  message(b: Buffer, off: number, len: number, type: number, flags: number): void;
  /** The dump is run again (DUMP_INTR): forget what `message` received. */
  restart(): void;
  /** The outcome; called exactly once. */
  settle(outcome: Outcome): void;
  /** Whether an inconsistent dump may be re-run (a stream that already handed items out may not). */
  readonly retryable: boolean;
}

const QUEUED = 0;
const HANDED = 1;
const GHOST = 2; // settled (aborted), still owed a terminator by the kernel
const DONE = 3;

/** One request's life in the machine. */
export class Exchange {
  state = QUEUED;
  channel = -1;
  chunk = 0;
  offset = 0;
  intr = false;
  error: unknown = undefined;
  tries = 1;
  gotMessage = false;
  suspect = false;
  /** Answers of a read lost to ENOBUFS are asked for again, this many times at most. */
  resends = 0;
  constructor(
    /** The whole encoded message, its sequence number in place. */
    public bytes: Uint8Array,
    public seq: number,
    readonly dump: boolean,
    /** Receive-buffer budget of its replies ({@link ACK_COST}, {@link REPLY_COST}; 0 on a dump channel). */
    readonly cost: number,
    /** Who consumes the replies (default: the exchange itself, for a subclass that is its own handler). */
    handler?: Handler,
    /** It only reads (a GET or a dump): safe to send again; its loss changes nothing. */
    readonly readOnly = dump,
  ) {
    this.handler = handler ?? (this as unknown as Handler);
  }
  readonly handler: Handler;
  /** Settled or finished: nothing more will be reported to its handler. */
  get settled(): boolean {
    return this.state >= GHOST;
  }
}

/** What the driver must do, in order. */
export type Action =
  | { kind: 'open'; channel: number }
  | { kind: 'send'; channel: number; chunk: number; bytes: Uint8Array }
  | { kind: 'close'; channel: number };

/** Options of {@link Protocol}. */
export interface ProtocolOptions {
  /** Receive-buffer bytes the replies of requests in flight on channel 0 may take. */
  window: number;
  /** Largest chunk (one sendmsg) in bytes. */
  maxChunk: number;
  /** Give every dump a channel of its own (true), or run them one at a time on channel 0. */
  dumpChannels: boolean;
  /** Dump channels open at once (default 16). */
  maxDumpChannels?: number;
  /** Idle dump channels kept for reuse (default 2). */
  idleChannels?: number;
  /** First sequence number (default random). */
  seq?: number;
  /** Dump channels the driver opened already (1..n), idle and ready. */
  preopened?: number;
  /** Messages that answer no request (a monitor's events). */
  onEvent?(b: Buffer, off: number, len: number, type: number, nsid?: number): void;
  /** A socket error on channel 0 of an event socket (ENOBUFS: events were lost). */
  onEventError?(errno: number): void;
}

const u16 = (b: Buffer, o: number) => b.readUInt16LE(o);
const u32 = (b: Buffer, o: number) => b.readUInt32LE(o);
const s32 = (b: Buffer, o: number) => b.readInt32LE(o);
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const rd16 = LE ? u16 : (b: Buffer, o: number) => b.readUInt16BE(o);
const rd32 = LE ? u32 : (b: Buffer, o: number) => b.readUInt32BE(o);
const rds32 = LE ? s32 : (b: Buffer, o: number) => b.readInt32BE(o);

/** A NOOP header that the kernel acks: what a cancelled message becomes, and the ENOBUFS barrier. */
export function noopHeader(len: number, seq: number): Buffer {
  const h = Buffer.alloc(HDR);
  if (LE) {
    h.writeUInt32LE(len, 0);
    h.writeUInt16LE(NLMSG.NOOP, 4);
    h.writeUInt16LE(NLM_F.REQUEST | NLM_F.ACK, 6);
    h.writeUInt32LE(seq, 8);
  } else {
    h.writeUInt32BE(len, 0);
    h.writeUInt16BE(NLMSG.NOOP, 4);
    h.writeUInt16BE(NLM_F.REQUEST | NLM_F.ACK, 6);
    h.writeUInt32BE(seq, 8);
  }
  return h;
}

/** Reads the extended-ack TLVs after an error (or DONE) payload. */
export function parseExtAck(b: Buffer, off: number, len: number, type: number, flags: number): KernelAck {
  const ack: KernelAck = {};
  if (!(flags & NLM_F.ACK_TLVS)) return ack;
  const end = off + len;
  // nlmsgerr = error + the request's header (only the header with NETLINK_CAP_ACK)
  let p = off + HDR + 4;
  if (type === NLMSG.ERROR) {
    if (p + HDR > end) return ack;
    p += flags & NLM_F.CAPPED ? HDR : rd32(b, p);
  }
  p = (p + 3) & ~3;
  while (p + 4 <= end) {
    const l = rd16(b, p);
    if (l < 4 || p + l > end) break;
    const t = rd16(b, p + 2) & 0x3fff;
    if (t === NLMSGERR_ATTR.MSG) {
      let q = p + 4;
      while (q < p + l && b[q] !== 0) q++;
      ack.message = b.toString('utf8', p + 4, q);
    } else if (t === NLMSGERR_ATTR.OFFS && l >= 8) ack.offset = rd32(b, p + 4);
    else if (t === NLMSGERR_ATTR.MISS_TYPE && l >= 8) ack.missingType = rd32(b, p + 4);
    p += (l + 3) & ~3;
  }
  return ack;
}

/**
 * The netlink conversation of one handle, without I/O: sequence numbers, the
 * window of requests in flight (sized from the receive buffer so the
 * kernel's acks always fit), one dump per socket, DUMP_INTR re-runs, ENOBUFS
 * recovery, aborts and close. The driver feeds it what the sockets return
 * and carries out the {@link Action}s it asks for; the same machine serves
 * the promise API and the blocking one.
 */
export class Protocol {
  private seq: number;
  private readonly queue: Exchange[] = [];
  private head = 0;
  private readonly bySeq = new Map<number, Exchange>();
  private inflightCost = 0;
  private nextChunk = 1;
  private nextChannel = 1;
  private readonly idle: number[] = [];
  private readonly busy = new Map<number, Exchange>();
  private dumpOnZero: Exchange | undefined;
  private barrier: Exchange | undefined;
  private unsettledCount = 0;
  /** Receive-buffer bytes that replies in flight may take (shrinks after an overrun). */
  window: number;
  private readonly actions: Action[] = [];
  readonly opts: Required<Omit<ProtocolOptions, 'onEvent' | 'onEventError' | 'seq' | 'preopened'>> & ProtocolOptions;

  constructor(opts: ProtocolOptions) {
    this.opts = { maxDumpChannels: 16, idleChannels: 2, ...opts };
    this.window = opts.window;
    for (let c = opts.preopened ?? 0; c >= 1; c--) this.idle.push(c);
    this.nextChannel = (opts.preopened ?? 0) + 1;
    this.seq = opts.seq ?? ((Math.random() * 0xfffffff0) >>> 0);
  }

  /** The next sequence number (never 0: the kernel's own messages carry 0). */
  nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0 || 1;
    return this.seq;
  }

  /** Requests accepted and not settled (ghosts excluded). */
  get unsettled(): number {
    return this.unsettledCount;
  }

  /** Requests waiting for room (not yet handed to the driver). */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Queues a request; its bytes already carry `ex.seq`. */
  add(ex: Exchange): void {
    this.queue.push(ex);
    this.unsettledCount++;
  }

  /** What to do now: channels to open, chunks to send, channels to close. */
  pull(): Action[] {
    this.fill();
    return this.actions.splice(0, this.actions.length);
  }

  private fill(): void {
    let parts: Exchange[] = [];
    let bytes = 0;
    const emit = () => {
      if (!parts.length) return;
      const chunk = this.nextChunk++;
      let off = 0;
      for (const ex of parts) {
        ex.chunk = chunk;
        ex.offset = off;
        off += align(ex.bytes.length);
      }
      this.actions.push({ kind: 'send', channel: 0, chunk, bytes: join(parts, off) });
      parts = [];
      bytes = 0;
    };
    while (this.head < this.queue.length) {
      const ex = this.queue[this.head];
      if (this.barrier && ex !== this.barrier) break; // recovering from ENOBUFS: the barrier first, alone
      if (ex.dump && this.opts.dumpChannels) {
        const channel = this.takeChannel();
        if (channel === undefined) break; // strict order: later requests wait with it
        emit();
        this.head++;
        ex.state = HANDED;
        ex.channel = channel;
        ex.chunk = this.nextChunk++;
        ex.offset = 0;
        this.busy.set(channel, ex);
        this.bySeq.set(ex.seq, ex);
        this.actions.push({ kind: 'send', channel, chunk: ex.chunk, bytes: ex.bytes });
        continue;
      }
      if (ex.dump && this.dumpOnZero) break; // one dump at a time per socket (else EBUSY)
      // The barrier goes past a full window: the room it waits for may never come back.
      if (ex !== this.barrier && this.inflightCost > 0 && this.inflightCost + ex.cost > this.window) break;
      if (bytes > 0 && bytes + align(ex.bytes.length) > this.opts.maxChunk) emit();
      this.head++;
      ex.state = HANDED;
      ex.channel = 0;
      this.inflightCost += ex.cost;
      if (ex.dump) this.dumpOnZero = ex;
      this.bySeq.set(ex.seq, ex);
      parts.push(ex);
      bytes += align(ex.bytes.length);
    }
    emit();
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private takeChannel(): number | undefined {
    const idle = this.idle.pop();
    if (idle !== undefined) return idle;
    if (this.busy.size >= this.opts.maxDumpChannels) return undefined;
    const channel = this.nextChannel++;
    this.actions.push({ kind: 'open', channel });
    return channel;
  }

  private releaseChannel(channel: number, reusable: boolean): void {
    this.busy.delete(channel);
    if (reusable && this.idle.length < this.opts.idleChannels) this.idle.push(channel);
    else this.actions.push({ kind: 'close', channel });
  }

  /** Reads one datagram (or what arrived of one) from `channel`. */
  receive(channel: number, b: Buffer, off: number, end: number, truncated = false, nsid?: number): void {
    while (off + HDR <= end) {
      const len = rd32(b, off);
      const seq = rd32(b, off + 8);
      if (len < HDR || off + len > end) {
        const ex = this.bySeq.get(seq);
        if (ex && ex.channel === channel && ex.error === undefined)
          ex.error = new DecodeError('netlink', truncated ? 'a reply was larger than the 1 MiB receive room and was cut' : `a message of ${len} bytes ends past its datagram`);
        return;
      }
      const type = rd16(b, off + 4);
      const flags = rd16(b, off + 6);
      const ex = this.bySeq.get(seq);
      if (ex === undefined || ex.channel !== channel) {
        if (this.opts.onEvent && channel === 0) this.opts.onEvent(b, off, len, type, nsid);
        // else: an answer to something already finished (its channel was closed): dropped
      } else this.apply(ex, b, off, len, type, flags);
      off += align(len);
    }
  }

  private apply(ex: Exchange, b: Buffer, off: number, len: number, type: number, flags: number): void {
    if (type === NLMSG.ERROR) {
      const errno = len >= HDR + 4 ? -rds32(b, off + HDR) : 0;
      if (errno > 0) this.finish(ex, { kind: 'kernel', errno, ack: parseExtAck(b, off, len, type, flags) });
      else this.finish(ex, { kind: 'ok' });
      return;
    }
    if (flags & NLM_F.DUMP_INTR) ex.intr = true;
    if (type === NLMSG.DONE) {
      const errno = len >= HDR + 4 ? -rds32(b, off + HDR) : 0;
      if (errno > 0) this.finish(ex, { kind: 'kernel', errno, ack: parseExtAck(b, off, len, type, flags) });
      else this.finish(ex, { kind: 'ok' });
      return;
    }
    if (ex.state !== HANDED || ex.error !== undefined) return;
    ex.gotMessage = true;
    try {
      ex.handler.message(b, off, len, type, flags);
    } catch (e) {
      ex.error = e;
    }
  }

  /** Ends an exchange: frees its room, then settles it (or re-runs it). */
  private finish(ex: Exchange, outcome: Outcome): void {
    if (ex.state === DONE) return;
    this.bySeq.delete(ex.seq);
    const ghost = ex.state === GHOST;
    if (ex.channel === 0 && ex.state !== QUEUED) {
      this.inflightCost -= ex.cost;
      if (this.dumpOnZero === ex) this.dumpOnZero = undefined;
    } else if (ex.channel > 0 && this.busy.get(ex.channel) === ex) {
      this.releaseChannel(ex.channel, outcome.kind === 'ok' || outcome.kind === 'kernel');
    }
    ex.state = DONE;
    if (ghost) return;
    if (ex.error !== undefined && (outcome.kind === 'ok' || outcome.kind === 'kernel')) outcome = { kind: 'error', error: ex.error };
    if (outcome.kind === 'ok' && ex.intr && ex.dump) {
      if (ex.handler.retryable && ex.tries <= DUMP_RETRIES) return this.rerun(ex);
      outcome = { kind: 'intr', tries: ex.tries };
    }
    this.settleWith(ex, outcome);
  }

  private settleWith(ex: Exchange, outcome: Outcome): void {
    this.unsettledCount--;
    ex.handler.settle(outcome);
  }

  /** Sends a read again (a dump the kernel marked inconsistent, an answer it dropped), under a new sequence number, ahead of the queue. */
  private rerun(ex: Exchange): void {
    const copy = Buffer.from(ex.bytes);
    ex.seq = this.nextSeq();
    if (LE) copy.writeUInt32LE(ex.seq, 8);
    else copy.writeUInt32BE(ex.seq, 8);
    ex.bytes = copy;
    ex.tries++;
    ex.intr = false;
    ex.error = undefined;
    ex.gotMessage = false;
    ex.state = QUEUED;
    ex.channel = -1;
    ex.handler.restart();
    this.queue.splice(this.head, 0, ex);
  }

  /** recv() reported an error on `channel` (ENOBUFS: the kernel dropped messages). */
  socketError(channel: number, errno: number): void {
    if (this.opts.onEventError && channel === 0) return this.opts.onEventError(errno);
    if (channel > 0) {
      const ex = this.busy.get(channel);
      if (!ex) return;
      const err = Object.assign(new Error(`the kernel dropped replies of this dump (errno ${errno})`), { code: 'ENOBUFS', errno: -errno });
      ex.error ??= err;
      this.busy.delete(channel);
      this.actions.push({ kind: 'close', channel }); // the rest of that dump is not to be trusted
      this.bySeq.delete(ex.seq);
      const ghost = ex.state === GHOST;
      ex.state = DONE;
      if (!ghost) this.settleWith(ex, { kind: 'error', error: ex.error });
      return;
    }
    // Channel 0: some replies of what was sent may be gone. Everything in flight
    // is suspect; a NOOP sent behind them is answered after them (the kernel
    // answers one socket's requests in order), so whatever has no answer when
    // the NOOP's ack arrives never will.
    for (const ex of this.bySeq.values()) if (ex.channel === 0) ex.suspect = true;
    // The window was too large for this socket after all: halve what was in flight (as TCP backs off).
    this.window = Math.max(ACK_COST, Math.min(this.window, Math.floor(this.inflightCost / 2)));
    const seq = this.nextSeq();
    const barrier: Exchange = new Exchange(noopHeader(HDR, seq), seq, false, ACK_COST, {
      message() {},
      restart() {},
      settle: () => this.recovered(barrier),
      retryable: false,
    });
    this.barrier = barrier;
    this.queue.splice(this.head, 0, barrier);
    this.unsettledCount++;
  }

  private recovered(barrier: Exchange): void {
    if (this.barrier !== barrier) return;
    this.barrier = undefined;
    const again: Exchange[] = [];
    for (const ex of [...this.bySeq.values()]) {
      if (ex.channel !== 0 || !ex.suspect) continue;
      if (ex.state === GHOST) {
        this.finish(ex, { kind: 'lost', reason: 'overrun' });
      } else if (ex.gotMessage && ex.cost === REPLY_COST && ex.error === undefined && !ex.dump) {
        // A GET whose reply came and only the ack went missing has its answer.
        this.finish(ex, { kind: 'ok' });
      } else if (ex.readOnly && ex.resends < READ_RESENDS) {
        // A read changes nothing: ask again rather than report a loss.
        this.bySeq.delete(ex.seq);
        this.inflightCost -= ex.cost;
        if (this.dumpOnZero === ex) this.dumpOnZero = undefined;
        ex.resends++;
        again.push(ex);
      } else this.finish(ex, { kind: 'lost', reason: 'overrun' });
    }
    for (const ex of again.reverse()) this.rerun(ex);
  }

  /** sendmsg() of `chunk` failed: none of its messages reached the kernel. */
  sendFailed(chunk: number, errno: number): void {
    for (const ex of [...this.bySeq.values()]) if (ex.chunk === chunk) this.finish(ex, { kind: 'sendFailed', errno });
  }

  /** A channel could not be opened: the dump waiting for it was not sent. */
  channelFailed(channel: number, error: unknown): void {
    const ex = this.busy.get(channel);
    this.busy.delete(channel);
    if (!ex) return;
    this.bySeq.delete(ex.seq);
    ex.state = DONE;
    this.settleWith(ex, { kind: 'error', error });
  }

  /**
   * Aborts `ex`. A request still queued is dropped; one handed to the driver
   * is turned into a NOOP if its chunk was not taken for sending yet
   * (`patch` says), else it was sent and its answer will be ignored.
   */
  abort(ex: Exchange, reason: unknown, patch: (chunk: number, offset: number, bytes: Uint8Array) => boolean): void {
    if (ex.state === QUEUED) {
      const i = this.queue.indexOf(ex, this.head);
      if (i >= 0) this.queue.splice(i, 1);
      ex.state = DONE;
      this.settleWith(ex, { kind: 'aborted', sent: false, reason });
      return;
    }
    if (ex.state !== HANDED) return;
    const header = noopHeader(ex.bytes.length, ex.seq).subarray(4, 8);
    const cancelled = patch(ex.chunk, ex.offset + 4, header);
    ex.state = GHOST;
    // `sent` is about changes: a read that went out changed nothing.
    this.settleWith(ex, { kind: 'aborted', sent: !cancelled && !ex.readOnly, reason });
    if (!cancelled && ex.channel > 0) {
      // A dump under way: closing its socket ends it in the kernel.
      this.bySeq.delete(ex.seq);
      this.busy.delete(ex.channel);
      this.actions.push({ kind: 'close', channel: ex.channel });
      ex.state = DONE;
    }
  }

  /**
   * The driver closed the sockets: chunks up to `takenThrough` were sent, the
   * rest never. Everything unsettled ends now.
   */
  closed(takenThrough: number): void {
    const barrier = this.barrier;
    this.barrier = undefined; // what it would have resolved ends here, as closed
    for (const ex of [...this.bySeq.values()]) {
      if (ex.state !== HANDED) continue;
      this.bySeq.delete(ex.seq);
      ex.state = DONE;
      // A read cut off changes nothing: it did not happen, as far as the kernel's state goes.
      this.settleWith(ex, ex.chunk <= takenThrough && !ex.readOnly ? { kind: 'lost', reason: 'closed' } : { kind: 'unsent' });
    }
    this.bySeq.clear();
    for (let i = this.head; i < this.queue.length; i++) {
      const ex = this.queue[i];
      if (ex.state !== QUEUED) continue;
      ex.state = DONE;
      if (ex === barrier) {
        this.unsettledCount--;
        continue;
      }
      this.settleWith(ex, { kind: 'unsent' });
    }
    this.queue.length = 0;
    this.head = 0;
  }
}

const align = (n: number) => (n + 3) & ~3;

/** The chunk's bytes: a view when the messages sit back to back in one buffer (they usually do), else a copy. */
function join(parts: Exchange[], total: number): Uint8Array {
  const first = parts[0].bytes;
  if (parts.length === 1) return first;
  let contiguous = true;
  for (let i = 1; i < parts.length && contiguous; i++) {
    const prev = parts[i - 1].bytes;
    const cur = parts[i].bytes;
    contiguous = cur.buffer === first.buffer && cur.byteOffset === prev.byteOffset + align(prev.length);
  }
  if (contiguous) return new Uint8Array(first.buffer, first.byteOffset, total - (align(parts[parts.length - 1].bytes.length) - parts[parts.length - 1].bytes.length));
  const out = Buffer.alloc(total);
  let off = 0;
  for (const ex of parts) {
    out.set(ex.bytes, off);
    off += align(ex.bytes.length);
  }
  return out;
}
