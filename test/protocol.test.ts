/**
 * The protocol machine without a kernel: replies are byte fixtures built here
 * the way the kernel lays them out (linux/netlink.h), actions are what a
 * driver would carry out.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../lib/errors.js';
import { ACK_COST, Exchange, NLM_F, NLMSG, Protocol, REPLY_COST, type Action, type Handler, type Outcome } from '../lib/protocol.js';

const HDR = 16;

/** One netlink message: header + payload (padded). */
function msg(type: number, flags: number, seq: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const len = HDR + payload.length;
  const b = Buffer.alloc((len + 3) & ~3);
  b.writeUInt32LE(len, 0);
  b.writeUInt16LE(type, 4);
  b.writeUInt16LE(flags, 6);
  b.writeUInt32LE(seq, 8);
  payload.copy(b, HDR);
  return b;
}

/** An attribute (TLV). */
function attr(type: number, value: Buffer): Buffer {
  const b = Buffer.alloc((4 + value.length + 3) & ~3);
  b.writeUInt16LE(4 + value.length, 0);
  b.writeUInt16LE(type, 2);
  value.copy(b, 4);
  return b;
}

/** NLMSG_ERROR for `seq` (capped: the request's header only), with extack TLVs when given. */
function ack(seq: number, errno = 0, ext?: { msg?: string; offset?: number }): Buffer {
  const tlvs = ext ? Buffer.concat([...(ext.msg ? [attr(1, Buffer.from(`${ext.msg}\0`))] : []), ...(ext.offset !== undefined ? [attr(2, u32(ext.offset))] : [])]) : Buffer.alloc(0);
  const body = Buffer.alloc(4 + HDR);
  body.writeInt32LE(-errno, 0);
  body.writeUInt32LE(HDR, 4); // the request's header (len only matters here)
  body.writeUInt32LE(seq, 4 + 8);
  return msg(NLMSG.ERROR, NLM_F.CAPPED | (ext ? NLM_F.ACK_TLVS : 0), seq, Buffer.concat([body, tlvs]));
}

function done(seq: number, errno = 0, flags = NLM_F.MULTI): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(-errno, 0);
  return msg(NLMSG.DONE, flags, seq, b);
}

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v, 0);
  return b;
};

/** A data message of a dump (type 16, a u32 payload to tell them apart). */
const item = (seq: number, v: number, flags = NLM_F.MULTI) => msg(16, flags, seq, u32(v));

/** A handler that records what it gets. */
class Rec implements Handler {
  items: number[] = [];
  outcomes: Outcome[] = [];
  restarts = 0;
  constructor(readonly retryable = true, readonly parse?: (v: number) => void) {}
  message(b: Buffer, off: number): void {
    const v = b.readUInt32LE(off + HDR);
    this.parse?.(v);
    this.items.push(v);
  }
  restart(): void {
    this.restarts++;
    this.items = [];
  }
  settle(o: Outcome): void {
    this.outcomes.push(o);
  }
  get outcome(): Outcome | undefined {
    return this.outcomes[0];
  }
}

/** A request message as the connection encodes it. */
function request(m: Protocol, dump: boolean, h: Handler, reply = false, size = 32): Exchange {
  const seq = m.nextSeq();
  const b = Buffer.alloc(size);
  b.writeUInt32LE(size, 0);
  b.writeUInt16LE(dump ? 18 : 16, 4);
  b.writeUInt16LE(NLM_F.REQUEST | (dump ? NLM_F.DUMP : NLM_F.ACK), 6);
  b.writeUInt32LE(seq, 8);
  const ex = new Exchange(b, seq, dump, dump ? 0 : reply ? REPLY_COST : ACK_COST, h);
  m.add(ex);
  return ex;
}

const sends = (a: Action[]) => a.filter((x): x is Extract<Action, { kind: 'send' }> => x.kind === 'send');
/** The sequence numbers carried by a chunk. */
function seqsOf(bytes: Uint8Array): number[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let off = 0; off + HDR <= b.length; off += (b.readUInt32LE(off) + 3) & ~3) out.push(b.readUInt32LE(off + 8));
  return out;
}

const feed = (m: Protocol, channel: number, ...msgs: Buffer[]) => {
  const d = Buffer.concat(msgs);
  m.receive(channel, d, 0, d.length);
};

const machine = (o: Partial<ConstructorParameters<typeof Protocol>[0]> = {}) =>
  new Protocol({ window: 1 << 20, maxChunk: 1 << 16, dumpChannels: true, seq: 100, ...o });

describe('protocol machine', () => {
  it('pipelines requests of one tick into one chunk and settles each by its own ack, in any order', () => {
    const m = machine();
    const hs = [new Rec(), new Rec(), new Rec()];
    const exs = hs.map((h) => request(m, false, h));
    const out = sends(m.pull());
    expect(out).toHaveLength(1);
    expect(out[0].channel).toBe(0);
    expect(seqsOf(out[0].bytes)).toEqual(exs.map((e) => e.seq));
    feed(m, 0, ack(exs[2].seq), ack(exs[0].seq, 17, { msg: 'File exists', offset: 20 }), ack(exs[1].seq));
    expect(hs[2].outcome).toEqual({ kind: 'ok' });
    expect(hs[0].outcome).toEqual({ kind: 'kernel', errno: 17, ack: { message: 'File exists', offset: 20 } });
    expect(hs[1].outcome).toEqual({ kind: 'ok' });
    expect(m.unsettled).toBe(0);
  });

  it('sequence numbers wrap past 2^32 - 1 and never use 0', () => {
    const m = machine({ seq: 0xfffffffe });
    const h = [new Rec(), new Rec()];
    const a = request(m, false, h[0]);
    const b = request(m, false, h[1]);
    expect([a.seq, b.seq]).toEqual([0xffffffff, 1]);
    m.pull();
    feed(m, 0, ack(1), ack(0xffffffff));
    expect(h.map((x) => x.outcome?.kind)).toEqual(['ok', 'ok']);
  });

  it('an ack for a sequence it does not know (stale) is ignored; a later request is not ended by it', () => {
    const m = machine();
    const h = new Rec();
    const ex = request(m, false, h);
    m.pull();
    feed(m, 0, ack(ex.seq + 1000), ack(ex.seq - 1));
    expect(h.outcome).toBeUndefined();
    feed(m, 0, ack(ex.seq));
    expect(h.outcome).toEqual({ kind: 'ok' });
  });

  it('a dump gets a channel of its own; items, then DONE; the channel is reused', () => {
    const m = machine();
    const h = new Rec();
    const ex = request(m, true, h);
    const a = m.pull();
    expect(a[0]).toEqual({ kind: 'open', channel: 1 });
    expect(sends(a)[0].channel).toBe(1);
    feed(m, 1, item(ex.seq, 1), item(ex.seq, 2));
    feed(m, 1, item(ex.seq, 3), done(ex.seq));
    expect(h.items).toEqual([1, 2, 3]);
    expect(h.outcome).toEqual({ kind: 'ok' });
    const h2 = new Rec();
    request(m, true, h2);
    const b = m.pull();
    expect(b.some((x) => x.kind === 'open')).toBe(false);
    expect(sends(b)[0].channel).toBe(1);
  });

  it('DONE carrying an error ends the dump with it (and its extack)', () => {
    const m = machine();
    const h = new Rec();
    const ex = request(m, true, h);
    m.pull();
    feed(m, 1, item(ex.seq, 1), done(ex.seq, 95));
    expect(h.outcome).toEqual({ kind: 'kernel', errno: 95, ack: {} });
  });

  it('DUMP_INTR re-runs the dump under a new sequence number, then reports with the partial result', () => {
    const m = machine();
    const h = new Rec();
    const ex = request(m, true, h);
    let a = sends(m.pull());
    let seq = ex.seq;
    for (let run = 1; run <= 9; run++) {
      expect(seqsOf(a[0].bytes)).toEqual([seq]);
      feed(m, a[0].channel, item(seq, run, NLM_F.MULTI | NLM_F.DUMP_INTR), done(seq));
      if (run < 9) {
        expect(h.outcome).toBeUndefined();
        expect(h.restarts).toBe(run);
        a = sends(m.pull());
        expect(ex.seq).not.toBe(seq);
        seq = ex.seq;
      }
    }
    expect(h.outcome).toEqual({ kind: 'intr', tries: 9 });
    expect(h.items).toEqual([9]);
    // A DUMP_INTR flag on DONE itself counts too; a clean re-run succeeds.
    const h2 = new Rec();
    const e2 = request(m, true, h2);
    let s = sends(m.pull())[0];
    feed(m, s.channel, item(e2.seq, 1), done(e2.seq, 0, NLM_F.MULTI | NLM_F.DUMP_INTR));
    s = sends(m.pull())[0];
    feed(m, s.channel, item(e2.seq, 2), done(e2.seq));
    expect(h2.outcome).toEqual({ kind: 'ok' });
    expect(h2.items).toEqual([2]);
  });

  it('a stream (not retryable) that the kernel marks inconsistent ends with intr at once', () => {
    const m = machine();
    const h = new Rec(false);
    const ex = request(m, true, h);
    m.pull();
    feed(m, 1, item(ex.seq, 1, NLM_F.MULTI | NLM_F.DUMP_INTR), done(ex.seq));
    expect(h.outcome).toEqual({ kind: 'intr', tries: 1 });
  });

  it('without dump channels (the blocking path), dumps run one at a time on channel 0, in order', () => {
    const m = machine({ dumpChannels: false });
    const [d1, r, d2] = [new Rec(), new Rec(), new Rec()];
    const e1 = request(m, true, d1);
    const er = request(m, false, r);
    const e2 = request(m, true, d2);
    let out = sends(m.pull());
    expect(out.map((s) => seqsOf(s.bytes))).toEqual([[e1.seq, er.seq]]); // the second dump waits for the first
    feed(m, 0, item(e1.seq, 1), ack(er.seq), done(e1.seq));
    out = sends(m.pull());
    expect(out.map((s) => seqsOf(s.bytes))).toEqual([[e2.seq]]);
    feed(m, 0, done(e2.seq));
    expect([d1, r, d2].map((x) => x.outcome?.kind)).toEqual(['ok', 'ok', 'ok']);
  });

  it('the window bounds what is in flight by receive-buffer cost, and refills as acks come', () => {
    const m = machine({ window: ACK_COST * 3 });
    const hs = Array.from({ length: 7 }, () => new Rec());
    const exs = hs.map((h) => request(m, false, h));
    expect(seqsOf(sends(m.pull())[0].bytes)).toEqual(exs.slice(0, 3).map((e) => e.seq));
    expect(sends(m.pull())).toEqual([]);
    feed(m, 0, ack(exs[0].seq));
    expect(seqsOf(sends(m.pull())[0].bytes)).toEqual([exs[3].seq]);
    // a request whose reply is a message costs more: alone it still goes (never a deadlock)
    const m2 = machine({ window: 100 });
    const big = request(m2, false, new Rec(), true);
    const next = request(m2, false, new Rec());
    expect(seqsOf(sends(m2.pull())[0].bytes)).toEqual([big.seq]);
    feed(m2, 0, msg(16, 0, big.seq, u32(7)), ack(big.seq));
    expect(seqsOf(sends(m2.pull())[0].bytes)).toEqual([next.seq]);
  });

  it('chunks stay under maxChunk', () => {
    const m = machine({ maxChunk: 100 });
    const exs = Array.from({ length: 7 }, () => request(m, false, new Rec(), false, 32));
    const out = sends(m.pull());
    expect(out.map((s) => seqsOf(s.bytes).length)).toEqual([3, 3, 1]);
    expect(out.flatMap((s) => seqsOf(s.bytes))).toEqual(exs.map((e) => e.seq));
    for (const s of out) expect(s.bytes.length).toBeLessThanOrEqual(100);
  });

  it('a datagram ending mid-message fails the request it belongs to, which still ends at its ack', () => {
    const m = machine();
    const h = new Rec();
    const ex = request(m, false, h, true);
    m.pull();
    const reply = msg(16, 0, ex.seq, Buffer.alloc(64));
    const cut = reply.subarray(0, 40);
    m.receive(0, cut, 0, cut.length, true);
    feed(m, 0, ack(ex.seq));
    expect(h.outcome?.kind).toBe('error');
    expect((h.outcome as { error: unknown }).error).toBeInstanceOf(DecodeError);
    expect(String((h.outcome as { error: Error }).error.message)).toMatch(/larger than the 1 MiB receive room/);
  });

  it('a handler that throws (a decode error) fails only its request; the next one is unaffected', () => {
    const m = machine();
    const bad = new Rec(true, (v) => {
      if (v === 2) throw new DecodeError('link.mtu', 'expected 4 bytes, got 1');
    });
    const good = new Rec();
    const e1 = request(m, true, bad);
    const e2 = request(m, true, good);
    const out = sends(m.pull());
    feed(m, out[0].channel, item(e1.seq, 1), item(e1.seq, 2), item(e1.seq, 3), done(e1.seq));
    feed(m, out[1].channel, item(e2.seq, 1), done(e2.seq));
    expect(bad.outcome?.kind).toBe('error');
    expect(bad.items).toEqual([1]); // the rest of its replies is skipped
    expect(good.outcome).toEqual({ kind: 'ok' });
  });

  it('ENOBUFS: what was sent is suspect; a NOOP barrier tells which answers are lost; unsent requests go after', () => {
    const m = machine({ window: ACK_COST * 4 });
    const hs = Array.from({ length: 6 }, () => new Rec());
    const get = new Rec();
    const exs = hs.map((h) => request(m, false, h));
    const first = sends(m.pull());
    expect(seqsOf(first[0].bytes)).toEqual(exs.slice(0, 4).map((e) => e.seq));
    feed(m, 0, ack(exs[0].seq));
    m.socketError(0, 105);
    // The barrier goes out alone, ahead of what waits.
    const b = sends(m.pull());
    expect(b).toHaveLength(1);
    const [barrier] = seqsOf(b[0].bytes);
    const bb = Buffer.from(b[0].bytes);
    expect(bb.readUInt16LE(4)).toBe(NLMSG.NOOP);
    expect(bb.readUInt16LE(6) & NLM_F.ACK).toBe(NLM_F.ACK);
    // exs[2]'s ack survived; exs[1] and exs[3] were dropped
    feed(m, 0, ack(exs[2].seq), ack(barrier));
    expect(hs.map((h) => h.outcome?.kind)).toEqual(['ok', 'lost', 'ok', 'lost', undefined, undefined]);
    expect(hs[1].outcome).toEqual({ kind: 'lost', reason: 'overrun' });
    // The window was halved (the overrun says it was too large): one at a time now.
    expect(m.window).toBe(Math.floor((ACK_COST * 3) / 2));
    expect(sends(m.pull()).flatMap((s) => seqsOf(s.bytes))).toEqual([exs[4].seq]);
    feed(m, 0, ack(exs[4].seq));
    expect(sends(m.pull()).flatMap((s) => seqsOf(s.bytes))).toEqual([exs[5].seq]);
    feed(m, 0, ack(exs[5].seq));
    // A GET whose reply came but whose ack was dropped has its answer.
    const m2 = machine();
    const eg = request(m2, false, get, true);
    sends(m2.pull());
    feed(m2, 0, msg(16, 0, eg.seq, u32(42)));
    m2.socketError(0, 105);
    const b2 = seqsOf(sends(m2.pull())[0].bytes)[0];
    feed(m2, 0, ack(b2));
    expect(get.outcome).toEqual({ kind: 'ok' });
    expect(get.items).toEqual([42]);
    expect(m.unsettled).toBe(0);
  });

  it('reads whose answers the kernel dropped are asked again, not reported lost', () => {
    const m = machine();
    const h = new Rec();
    const seq = m.nextSeq();
    const b = Buffer.alloc(20);
    b.writeUInt32LE(20, 0);
    b.writeUInt16LE(18, 4);
    b.writeUInt32LE(seq, 8);
    const ex = new Exchange(b, seq, false, REPLY_COST, h, true);
    m.add(ex);
    m.pull();
    m.socketError(0, 105);
    const barrier = seqsOf(sends(m.pull())[0].bytes)[0];
    feed(m, 0, ack(barrier));
    const again = sends(m.pull());
    expect(seqsOf(again[0].bytes)).toEqual([ex.seq]);
    expect(ex.seq).not.toBe(seq);
    feed(m, 0, msg(16, 0, ex.seq, u32(9)), ack(ex.seq));
    expect(h.outcome).toEqual({ kind: 'ok' });
    expect(h.items).toEqual([9]);
  });

  it('ENOBUFS again while recovering: a new barrier; the old one resolves nothing', () => {
    const m = machine();
    const h = new Rec();
    const ex = request(m, false, h);
    m.pull();
    m.socketError(0, 105);
    const b1 = seqsOf(sends(m.pull())[0].bytes)[0];
    m.socketError(0, 105);
    const b2 = seqsOf(sends(m.pull())[0].bytes)[0];
    feed(m, 0, ack(b1));
    expect(h.outcome).toBeUndefined();
    feed(m, 0, ack(ex.seq), ack(b2));
    expect(h.outcome).toEqual({ kind: 'ok' });
  });

  it('sendmsg failing: the chunk was not sent', () => {
    const m = machine();
    const hs = [new Rec(), new Rec()];
    hs.forEach((h) => request(m, false, h));
    const [s] = sends(m.pull());
    m.sendFailed(s.chunk, 90);
    expect(hs.map((h) => h.outcome)).toEqual([
      { kind: 'sendFailed', errno: 90 },
      { kind: 'sendFailed', errno: 90 },
    ]);
  });

  it('abort: queued → not sent; handed and patchable → a NOOP, not sent; taken → sent, its late answer ignored', () => {
    const m = machine({ window: ACK_COST });
    const [a, b, c] = [new Rec(), new Rec(), new Rec()];
    const ea = request(m, false, a);
    const eb = request(m, false, b);
    const [s1] = sends(m.pull()); // only ea fits the window
    m.abort(eb, 'why', () => {
      throw new Error('a queued request needs no patch');
    });
    expect(b.outcome).toEqual({ kind: 'aborted', sent: false, reason: 'why' });
    const patches: [number, number, number[]][] = [];
    m.abort(ea, 'late', (chunk, offset, bytes) => {
      patches.push([chunk, offset, [...bytes]]);
      return true;
    });
    expect(patches).toEqual([[s1.chunk, 4, [NLMSG.NOOP, 0, NLM_F.REQUEST | NLM_F.ACK, 0]]]);
    expect(a.outcome).toEqual({ kind: 'aborted', sent: false, reason: 'late' });
    expect(m.unsettled).toBe(0);
    const ec = request(m, false, c);
    expect(sends(m.pull())).toEqual([]); // the window is still taken by the NOOP
    feed(m, 0, ack(ea.seq)); // the NOOP's ack frees it
    expect(seqsOf(sends(m.pull())[0].bytes)).toEqual([ec.seq]);
    m.abort(ec, 'gone', () => false);
    expect(c.outcome).toEqual({ kind: 'aborted', sent: true, reason: 'gone' });
    feed(m, 0, ack(ec.seq, 17));
    expect(c.outcomes).toHaveLength(1); // exactly once
  });

  it('aborting a dump under way closes its channel; its data is dropped', () => {
    const m = machine();
    const h = new Rec();
    const ex = request(m, true, h);
    const [s] = sends(m.pull());
    feed(m, s.channel, item(ex.seq, 1));
    m.abort(ex, 'stop', () => false);
    expect(m.pull()).toContainEqual({ kind: 'close', channel: s.channel });
    feed(m, s.channel, item(ex.seq, 2), done(ex.seq));
    expect(h.items).toEqual([1]);
    expect(h.outcomes).toEqual([{ kind: 'aborted', sent: false, reason: 'stop' }]); // a read changes nothing
    // the next dump gets a fresh channel
    request(m, true, new Rec());
    const next = m.pull();
    expect(next[0]).toEqual({ kind: 'open', channel: s.channel + 1 });
  });

  it('closed: chunks taken for sending are lost (outcome unknown), later ones and queued ones were never sent', () => {
    const m = machine({ window: ACK_COST * 2 });
    const hs = Array.from({ length: 5 }, () => new Rec());
    const exs = hs.slice(0, 2).map((h) => request(m, false, h));
    const [s1] = sends(m.pull());
    feed(m, 0, ack(exs[0].seq));
    request(m, false, hs[2]);
    const [s2] = sends(m.pull());
    request(m, false, hs[3]);
    request(m, false, hs[4]); // waits for room
    expect(s2.chunk).toBeGreaterThan(s1.chunk);
    m.closed(s1.chunk);
    expect(hs.map((h) => h.outcome)).toEqual([
      { kind: 'ok' },
      { kind: 'lost', reason: 'closed' },
      { kind: 'unsent' },
      { kind: 'unsent' },
      { kind: 'unsent' },
    ]);
    expect(m.unsettled).toBe(0);
  });

  it('extack of an error without the capped header (the whole request echoed) is found after it', () => {
    const m = machine();
    const h = new Rec();
    const ex = request(m, false, h);
    m.pull();
    const body = Buffer.alloc(4 + 32);
    body.writeInt32LE(-22, 0);
    body.writeUInt32LE(32, 4); // echoed request of 32 bytes
    const full = msg(NLMSG.ERROR, NLM_F.ACK_TLVS, ex.seq, Buffer.concat([body, attr(1, Buffer.from('bad\0')), attr(2, u32(36))]));
    feed(m, 0, full);
    expect(h.outcome).toEqual({ kind: 'kernel', errno: 22, ack: { message: 'bad', offset: 36 } });
  });

  it('events: messages no request owns go to onEvent; ENOBUFS on an event socket to onEventError', () => {
    const seen: number[] = [];
    const errs: number[] = [];
    const m = machine({ onEvent: (b, off) => seen.push(b.readUInt32LE(off + HDR)), onEventError: (e) => errs.push(e) });
    feed(m, 0, item(0, 5, 0), item(7, 6, 0));
    m.socketError(0, 105);
    expect(seen).toEqual([5, 6]);
    expect(errs).toEqual([105]);
  });
});
