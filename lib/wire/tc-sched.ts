/**
 * Shaping and AQM qdisc kinds (`tc qdisc add … tbf|prio|sfq|fq_codel|fq|
 * codel|red|cake …`), and the kernel's defaults listed back (pfifo_fast,
 * mq, noqueue). Each kind writes TCA_OPTIONS as iproute2 6.1's tc does (a
 * nest of TCA_<KIND>_*, a bare struct, or a struct followed by a nest) with
 * the values tc computes (rate tables, RED's W/P logs and idle-damping
 * table), and reads it back under the option names.
 * @module
 */
import { attrs, members, pathOf, rd, struct, t, type AttrTable, type StructOf, type ValueCodec, type Writer } from '../codec.js';
import { LINKLAYER, parseRate, parseSize, parseSizeAndCell, parseTime, parseTimeU32, rateTable, xmitSize, xmitTime } from '../tcunits.js';
import { arrayOf, bool, custom, int, isPlain, object, oneOf, show, u32, u8, type Check } from '../validate.js';
import { ratespec, TCA_OPTIONS, type TcKind, type TcRatespec } from './tc.js';
import { optionsNest, registerQdisc } from './tc-qdiscs.js';

const U32_MAX = 0xffffffff;
const LINKLAYER_NAMES: Record<number, string> = { 1: 'ethernet', 2: 'atm' };

// ---------------------------------------------------------------------------
// Shared checks

const rateCheck = (what: { positive?: boolean; u32?: boolean } = {}): Check<number> =>
  custom("a rate (bits per second, or a string such as '10mbit')", [-1, 'fast', '1mbitz', null, {}, ...(what.positive ? [0] : [])], (v, path) => {
    const r = parseRate(v, path, { positive: what.positive });
    if (what.u32 && r > U32_MAX) throw new RangeError(`${path} must be at most 34359738360 bit/s (2^32-1 bytes per second), got ${show(v)}`);
    return r;
  });
const sizeCheck = (max = U32_MAX): Check<number> => custom("a size in bytes (or a string such as '64kb')", [-1, 'x', 1.5, null, max + 1], (v, path) => parseSize(v, path, max));
const sizeCell = custom<{ size: number; cellLog?: number }>("a size in bytes (or a string such as '15kb', '15kb/8')", [-1, 'x', '10kb/3', null], (v, path) => parseSizeAndCell(v, path));
/** A time in whole microseconds (u32), as tc's get_time. */
const timeUs: Check<number> = custom("a time (microseconds, or a string such as '5ms')", [-1, '-5ms', '5 parsecs', null, {}], (v, path) => parseTimeU32(v, path));
const fraction01: Check<number> = custom("a probability 0..1 (or a percentage string such as '2%')", [-0.1, 1.5, '150%', 'x', null], (v, path) => {
  if (typeof v === 'string' && /%\s*$/.test(v)) {
    const n = Number(v.replace(/%\s*$/, ''));
    if (!Number.isFinite(n) || n < 0 || n > 100) throw new RangeError(`${path} must be a percentage 0..100%, got ${show(v)}`);
    return n / 100;
  }
  if (typeof v !== 'number') throw new TypeError(`${path} must be a probability 0..1 (or a string such as '2%'), got ${show(v)}`);
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new RangeError(`${path} must be a probability in 0..1, got ${show(v)}`);
  return v;
});
const positive = int(1, U32_MAX);

/** C's conversion of a double to u32 on x86-64 (through a 64-bit integer, then its low 32 bits). */
const toU32Wrap = (v: number): number => Number(BigInt.asUintN(32, BigInt(Math.trunc(v))));
/** C's conversion of a double to u8 on x86-64 (cvttsd2si to int32, out of range = INT_MIN, then the low byte). */
const toU8Wrap = (v: number): number => (Number.isFinite(v) && Math.abs(v) < 2 ** 31 ? Math.trunc(v) : -(2 ** 31)) & 0xff;

const ratespecOut = (r: TcRatespec, rate64: number | undefined) => (rate64 ?? r.rate) * 8;

// ---------------------------------------------------------------------------
// tbf (struct tc_tbf_qopt, TCA_TBF_*)

const tbfQopt = struct<{ rate: TcRatespec; peakrate: TcRatespec; limit: number; buffer: number; mtu: number }>('tc_tbf_qopt', [
  ['rate', ratespec, 'rate'],
  ['peakrate', ratespec, 'peakrate'],
  ['limit', 'u32', 'limit'],
  ['buffer', 'u32', 'buffer'],
  ['mtu', 'u32', 'mtu'],
]);
interface TbfAttrs {
  parms: StructOf<typeof tbfQopt>;
  rtab: Uint8Array;
  ptab: Uint8Array;
  rate64: number;
  prate64: number;
  burst: number;
  pburst: number;
}
/** The TCA_TBF_* table (`tc qdisc add … tbf`). */
export const tbfAttrs = attrs<TbfAttrs>('tbf', {
  parms: [1, tbfQopt, 'TCA_TBF_PARMS'],
  rtab: [2, t.binary, 'TCA_TBF_RTAB'],
  ptab: [3, t.binary, 'TCA_TBF_PTAB'],
  rate64: [4, t.u64, 'TCA_TBF_RATE64'],
  prate64: [5, t.u64, 'TCA_TBF_PRATE64'],
  burst: [6, t.u32, 'TCA_TBF_BURST'],
  pburst: [7, t.u32, 'TCA_TBF_PBURST'],
}, { TCA_TBF_PAD: 8 });

/**
 * `tc qdisc add … tbf rate R burst B (latency T | limit L) [peakrate R mtu M]
 * [mpu M] [overhead O] [linklayer ethernet|atm|adsl]`. Listed back with
 * `limit` (a latency is turned into a limit when sent), and the burst and
 * mtu as the kernel keeps them (ticks at the rate: a few bytes may differ).
 */
export interface TbfOptions {
  /** `rate R` (required, above 0): bits per second or a string such as '1mbit'. */
  rate: number | string;
  /** `burst B` (also `buffer`, `maxburst`; required): bytes, or '10kb/8' to set the rate table's cell too. */
  burst: number | string;
  /** `latency T`: the longest a packet may wait (tc turns it into a limit). One of latency and limit is required. */
  latency?: number | string;
  /** `limit L`: bytes queued. */
  limit?: number | string;
  /** `peakrate R`: the short-term maximum (needs mtu). */
  peakrate?: number | string;
  /** `mtu M` (also `minburst`): the peak bucket's size, '2kb/8' for a cell. */
  mtu?: number | string;
  /** `mpu M`: the least packet size counted. */
  mpu?: number | string;
  /** `overhead O` bytes per packet. */
  overhead?: number;
  /** `linklayer ethernet|atm|adsl` (adsl = atm). */
  linklayer?: 'ethernet' | 'atm' | 'adsl';
}
const tbfSchema = object({
  rate: { check: rateCheck({ positive: true }), required: true },
  burst: { check: sizeCell, required: true },
  latency: timeUs,
  limit: sizeCheck(),
  peakrate: rateCheck({ positive: true }),
  mtu: sizeCell,
  mpu: sizeCheck(0xffff),
  overhead: int(0, 0xffff),
  linklayer: oneOf(['ethernet', 'atm', 'adsl']),
});
interface TbfChecked {
  opt: StructOf<typeof tbfQopt>;
  burst: number;
  rate64: number;
  rtab: Buffer;
  prate64?: number;
  pburst?: number;
  ptab?: Buffer;
}
const zeroSpec: TcRatespec = { cellLog: 0, linklayer: 0, overhead: 0, cellAlign: 0, mpu: 0, rate: 0 };
const tbf: TcKind<TbfChecked> = {
  check(o, path) {
    if (o === undefined) throw new TypeError(`${path}.rate is required (tbf needs rate, burst and latency or limit)`);
    const v = tbfSchema(o, path);
    const rate64 = v.rate!;
    const burst = v.burst!;
    if (burst.size === 0) throw new RangeError(`${path}.burst must be above 0`);
    if (v.latency === undefined && v.limit === undefined) throw new TypeError(`${path}: tbf needs latency or limit`);
    if (v.latency !== undefined && v.limit !== undefined) throw new TypeError(`${path}: latency and limit together are not allowed (latency is turned into a limit)`);
    if (v.latency === 0 || v.limit === 0) throw new RangeError(`${path}.${v.latency === 0 ? 'latency' : 'limit'} must be above 0`);
    const prate64 = v.peakrate;
    const mtu = v.mtu?.size ?? 0;
    if (prate64 !== undefined && !mtu) throw new TypeError(`${path}.mtu is required with peakrate`);
    const rate = Math.min(rate64, U32_MAX);
    const prate = prate64 === undefined ? 0 : Math.min(prate64, U32_MAX);
    let limit = v.limit;
    if (limit === undefined) {
      let lim = (rate64 * v.latency!) / 1e6 + burst.size;
      if (prate64) {
        const lim2 = (prate64 * v.latency!) / 1e6 + mtu;
        if (lim2 < lim) lim = lim2;
      }
      limit = Math.min(Math.trunc(lim), U32_MAX);
    }
    const common = { mtu, mpu: v.mpu ?? 0, overhead: v.overhead ?? 0, linklayer: v.linklayer === 'atm' || v.linklayer === 'adsl' ? LINKLAYER.atm : LINKLAYER.ethernet };
    const r = rateTable(rate, { ...common, cellLog: burst.cellLog });
    const c: TbfChecked = { opt: { rate: r.spec, peakrate: zeroSpec, limit, buffer: xmitTime(rate, burst.size), mtu: 0 }, burst: burst.size, rate64, rtab: r.table };
    if (prate) {
      const p = rateTable(prate, { ...common, cellLog: v.mtu?.cellLog });
      c.opt.peakrate = p.spec;
      c.opt.mtu = xmitTime(prate, mtu);
      c.prate64 = prate64;
      c.pburst = mtu;
      c.ptab = p.table;
    }
    return c;
  },
  encode(w, c) {
    optionsNest(w, () => {
      tbfAttrs.encodeOne(w, 'parms', c.opt);
      tbfAttrs.encodeOne(w, 'burst', c.burst);
      if (c.rate64 >= 2 ** 32) tbfAttrs.encodeOne(w, 'rate64', c.rate64);
      tbfAttrs.encodeBytes(w, 'rtab', c.rtab);
      if (c.ptab) {
        if (c.prate64! >= 2 ** 32) tbfAttrs.encodeOne(w, 'prate64', c.prate64);
        tbfAttrs.encodeOne(w, 'pburst', c.pburst);
        tbfAttrs.encodeBytes(w, 'ptab', c.ptab);
      }
    });
  },
  decode(b, off, end, path) {
    const a = tbfAttrs.decode(b, off, end, undefined, path) as Partial<TbfAttrs>;
    const p = a.parms;
    if (!p) return {};
    const rate = ratespecOut(p.rate, a.rate64);
    const out: Record<string, unknown> = { rate, burst: a.burst ?? xmitSize(rate / 8, p.buffer), limit: p.limit };
    if (p.peakrate.rate) {
      const prate = ratespecOut(p.peakrate, a.prate64);
      out.peakrate = prate;
      out.mtu = a.pburst ?? xmitSize(prate / 8, p.mtu);
    }
    if (p.rate.mpu) out.mpu = p.rate.mpu;
    if (p.rate.overhead) out.overhead = p.rate.overhead;
    if (p.rate.linklayer && p.rate.linklayer !== LINKLAYER.ethernet) out.linklayer = LINKLAYER_NAMES[p.rate.linklayer] ?? p.rate.linklayer;
    return out;
  },
};

// ---------------------------------------------------------------------------
// prio (struct tc_prio_qopt, then a nest with TCA_PRIO_MQ), pfifo_fast (listed only)

const PRIO_DEFAULT_MAP = [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
const PRIO_QOPT_SIZE = 20;
/** The TCA_PRIO_* table: the nest after struct tc_prio_qopt (`tc … prio multiqueue`; TCA_PRIO_MQ = 1 is defined by tc's own tc_util.h, no longer by the kernel's headers). */
export const prioAttrs = attrs<{ mq: boolean }>('prio', { mq: [1, t.flag, 'TCA_PRIO_MQ'] });

/** `tc qdisc add … prio [bands N] [priomap P0 … P15] [multiqueue]`. */
export interface PrioOptions {
  /** `bands N` (2..16, default 3). */
  bands?: number;
  /** `priomap …`: the band of each of the 16 priorities (fewer: the rest keep tc's default map). */
  priomap?: number[];
  /** `multiqueue`: one band per hardware queue (tc still sends TCA_PRIO_MQ; today's kernels ignore it). */
  multiqueue?: boolean;
}
const prioSchema = object({ bands: int(2, 16), priomap: arrayOf(int(0, 15), { min: 1, max: 16 }), multiqueue: bool });
const prio: TcKind<{ bands: number; priomap: number[]; mq: boolean }> = {
  check(o, path) {
    const v = prioSchema(o ?? {}, path);
    const bands = v.bands ?? 3;
    const priomap = [...PRIO_DEFAULT_MAP];
    (v.priomap ?? []).forEach((band, i) => {
      if (band >= bands) throw new RangeError(`${path}.priomap[${i}] is band ${band}, out of the ${bands} bands`);
      priomap[i] = band;
    });
    const bad = priomap.findIndex((band) => band >= bands);
    if (bad >= 0) throw new RangeError(`${path}.priomap: priority ${bad} keeps tc's default band ${priomap[bad]}, out of the ${bands} bands (give all 16)`);
    return { bands, priomap, mq: v.multiqueue === true };
  },
  encode(w, c) {
    const at = w.beginAttr(TCA_OPTIONS);
    w.s32(c.bands);
    for (const band of c.priomap) w.u8(band);
    // tc's addattr_nest_compat: the struct, then a nest of the same type
    const inner = w.beginAttr(TCA_OPTIONS);
    if (c.mq) prioAttrs.encodeOne(w, 'mq', true);
    w.endAttr(inner);
    w.endAttr(at);
  },
  decode: (b, off, end, path) => prioOut(b, off, end, path),
};
function prioOut(b: Buffer, off: number, end: number, path: string): Record<string, unknown> {
  if (end - off < PRIO_QOPT_SIZE) return {};
  const out: Record<string, unknown> = { bands: rd.s32(b, off), priomap: Array.from(b.subarray(off + 4, off + 20)) };
  let p = off + PRIO_QOPT_SIZE;
  while (end - p >= 4) {
    const len = rd.u16(b, p);
    if (len < 4 || len > end - p) break;
    if ((rd.u16(b, p + 2) & 0x3fff) === TCA_OPTIONS) {
      const a = prioAttrs.decode(b, p + 4, p + len, undefined, path);
      if (a.mq) out.multiqueue = true;
    }
    p += (len + 3) & ~3;
  }
  return out;
}
/** pfifo_fast: the kernel's default qdisc; listed with its bands and priomap (tc cannot add it with options). */
const pfifoFast: TcKind<undefined> = {
  check(o, path) {
    if (o !== undefined && !(isPlain(o) && Object.keys(o).length === 0)) throw new TypeError(`${path}: pfifo_fast takes no options (its bands and priomap are fixed), got ${show(o)}`);
    return undefined;
  },
  encode() {},
  decode: (b, off, end, path) => prioOut(b, off, end, path),
};
/** A kind with no options of its own (mq, noqueue): nothing is sent, anything given is refused. */
function bare(kind: string): TcKind<undefined> {
  return {
    check(o, path) {
      if (o !== undefined && !(isPlain(o) && Object.keys(o).length === 0)) throw new TypeError(`${path}: the ${kind} qdisc takes no options, got ${show(o)}`);
      return undefined;
    },
    encode() {},
    decode: () => ({}),
  };
}

// ---------------------------------------------------------------------------
// RED arithmetic (tc's tc_red_eval_*), shared by red and sfq

/** The EWMA weight log of `tc_red_eval_ewma` (-1: burst too small). */
function redEwma(qmin: number, burst: number, avpkt: number): number {
  let W = 0.5;
  const a = burst + 1 - qmin / avpkt;
  if (a < 1.0) return -1;
  for (let wlog = 1; wlog < 32; wlog++, W /= 2) if (a <= (1 - Math.pow(1 - W, burst)) / W) return wlog;
  return -1;
}
/** The probability log of `tc_red_eval_P` (-1: impossible). */
function redP(qmin: number, qmax: number, prob: number): number {
  let i = qmax - qmin;
  if (!i) return 0;
  if (i < 0) return -1;
  prob /= i;
  for (i = 0; i < 32; i++) {
    if (prob > 1.0) break;
    prob *= 2;
  }
  return i >= 32 ? -1 : i;
}
/** `tc_red_eval_idle_damping`: the cell log and the 256-byte table (TCA_RED_STAB). */
function redIdleDamping(wlog: number, avpkt: number, bps: number): { clog: number; stab: Buffer } | undefined {
  const xmit = xmitTime(bps, avpkt);
  const lW = -Math.log(1.0 - 1.0 / 2 ** wlog) / xmit;
  const maxtime = 31 / lW;
  let clog = 0;
  for (; clog < 32; clog++) if (maxtime / 2 ** clog < 512) break;
  if (clog >= 32) return undefined;
  const stab = Buffer.alloc(256);
  for (let i = 1; i < 255; i++) {
    let s = toU8Wrap(i * 2 ** clog * lW);
    if (s > 31) s = 31;
    stab[i] = s;
  }
  stab[255] = 31;
  return { clog, stab };
}
/** RED's max_P: probability × 2^32 (as a u32, the way tc converts it). */
const maxP = (p: number) => toU32Wrap(p * 2 ** 32);

// ---------------------------------------------------------------------------
// red (TCA_RED_*)

const redQopt = struct<{ limit: number; qthMin: number; qthMax: number; wlog: number; plog: number; scellLog: number; flags: number }>('tc_red_qopt', [
  ['limit', 'u32', 'limit'],
  ['qthMin', 'u32', 'qth_min'],
  ['qthMax', 'u32', 'qth_max'],
  ['wlog', 'u8', 'Wlog'],
  ['plog', 'u8', 'Plog'],
  ['scellLog', 'u8', 'Scell_log'],
  ['flags', 'u8', 'flags'],
]);
const bitfield32 = struct<{ value: number; selector: number }>('nla_bitfield32', [
  ['value', 'u32', 'value'],
  ['selector', 'u32', 'selector'],
]);
interface RedAttrs {
  parms: StructOf<typeof redQopt>;
  stab: Uint8Array;
  maxP: number;
  flags: StructOf<typeof bitfield32>;
  earlyDropBlock: number;
  markBlock: number;
}
/** The TCA_RED_* table (`tc qdisc add … red`). */
export const redAttrs = attrs<RedAttrs>('red', {
  parms: [1, redQopt, 'TCA_RED_PARMS'],
  stab: [2, t.binary, 'TCA_RED_STAB'],
  maxP: [3, t.u32, 'TCA_RED_MAX_P'],
  flags: [4, bitfield32, 'TCA_RED_FLAGS'],
  earlyDropBlock: [5, t.u32, 'TCA_RED_EARLY_DROP_BLOCK'],
  markBlock: [6, t.u32, 'TCA_RED_MARK_BLOCK'],
});
const RED_FLAGS = { ecn: 1, harddrop: 2, adaptive: 4, nodrop: 8 } as const;
const RED_SUPPORTED = 0xf;

/**
 * `tc qdisc add … red limit BYTES avpkt BYTES [min BYTES] [max BYTES]
 * [burst PACKETS] [probability P] [bandwidth RATE] [ecn] [harddrop]
 * [adaptive] [nodrop]`. Listed back: limit, min, max, probability and the
 * flags (avpkt, burst and bandwidth only shape the W/P logs and the idle
 * table the kernel keeps).
 */
export interface RedOptions {
  /** `limit BYTES` (required): the hard queue limit. */
  limit: number | string;
  /** `avpkt BYTES` (required): the average packet size. */
  avpkt: number | string;
  /** `min BYTES` (default max / 3). */
  min?: number | string;
  /** `max BYTES` (default min × 3, or limit / 4). */
  max?: number | string;
  /** `burst PACKETS` (default (2·min + max) / (3·avpkt)). */
  burst?: number;
  /** `probability P`: the marking probability at max, 0..1 (default 0.02). */
  probability?: number | string;
  /** `bandwidth RATE` for the idle calculation (default 10mbit). */
  bandwidth?: number | string;
  /** `ecn`: mark instead of drop. */
  ecn?: boolean;
  /** `harddrop`: drop above max even with ecn. */
  harddrop?: boolean;
  /** `adaptive`: adapt the probability to the load. */
  adaptive?: boolean;
  /** `nodrop`: mark, never drop early. */
  nodrop?: boolean;
}
const redSchema = object({
  limit: { check: sizeCheck(), required: true },
  avpkt: { check: sizeCheck(), required: true },
  min: sizeCheck(),
  max: sizeCheck(),
  burst: u32,
  probability: fraction01,
  bandwidth: rateCheck({ positive: true, u32: true }),
  ecn: bool,
  harddrop: bool,
  adaptive: bool,
  nodrop: bool,
});
const red: TcKind<{ opt: StructOf<typeof redQopt>; stab: Buffer; maxP: number; flags: number }> = {
  check(o, path) {
    if (o === undefined) throw new TypeError(`${path}.limit is required (red needs limit and avpkt)`);
    const v = redSchema(o, path);
    const limit = v.limit!;
    const avpkt = v.avpkt!;
    if (!limit) throw new RangeError(`${path}.limit must be above 0`);
    if (!avpkt) throw new RangeError(`${path}.avpkt must be above 0`);
    let qmax = v.max ?? 0;
    let qmin = v.min ?? 0;
    if (!qmax) qmax = qmin ? (qmin * 3) >>> 0 : Math.floor(limit / 4);
    if (!qmin) qmin = Math.floor(qmax / 3);
    const burst = v.burst || Math.floor(((2 * qmin + qmax) >>> 0) / ((3 * avpkt) >>> 0));
    const prob = v.probability ?? 0.02;
    const wlog = redEwma(qmin, burst, avpkt);
    if (wlog < 0) throw new RangeError(`${path}.burst ${burst} is too small for min ${qmin} and avpkt ${avpkt} (try ${1 + Math.floor(qmin / avpkt)})`);
    const plog = redP(qmin, qmax, prob);
    if (plog < 0) throw new RangeError(`${path}: no probability log fits min ${qmin}, max ${qmax} and probability ${prob} (min must be below max)`);
    const idle = redIdleDamping(wlog, avpkt, v.bandwidth ?? 1250000);
    if (!idle) throw new RangeError(`${path}.bandwidth: the idle damping table cannot be computed for this bandwidth and avpkt`);
    let flags = 0;
    for (const k of Object.keys(RED_FLAGS) as (keyof typeof RED_FLAGS)[]) if (v[k]) flags |= RED_FLAGS[k];
    return { opt: { limit, qthMin: qmin, qthMax: qmax, wlog, plog, scellLog: idle.clog, flags: 0 }, stab: idle.stab, maxP: maxP(prob), flags };
  },
  encode(w, c) {
    optionsNest(w, () => {
      redAttrs.encodeOne(w, 'parms', c.opt);
      redAttrs.encodeBytes(w, 'stab', c.stab);
      redAttrs.encodeOne(w, 'maxP', c.maxP);
      redAttrs.encodeOne(w, 'flags', { value: c.flags, selector: RED_SUPPORTED });
    });
  },
  decode(b, off, end, path) {
    const a = redAttrs.decode(b, off, end, undefined, path) as Partial<RedAttrs>;
    const p = a.parms;
    if (!p) return {};
    const out: Record<string, unknown> = { limit: p.limit, min: p.qthMin, max: p.qthMax };
    if (a.maxP !== undefined) out.probability = a.maxP / 2 ** 32;
    const flags = (a.flags?.value ?? 0) | p.flags;
    for (const [k, bit] of Object.entries(RED_FLAGS)) if (flags & bit) out[k] = true;
    return out;
  },
  xstats: (b, off, end) => redXstats.decode(b, off, end - off, '', ''),
};
const redXstats = struct<{ early: number; pdrop: number; other: number; marked: number }>('tc_red_xstats', [
  ['early', 'u32', 'early'],
  ['pdrop', 'u32', 'pdrop'],
  ['other', 'u32', 'other'],
  ['marked', 'u32', 'marked'],
]);

// ---------------------------------------------------------------------------
// sfq (struct tc_sfq_qopt_v1 as the whole of TCA_OPTIONS)

type SfqQopt = {
  quantum: number;
  perturb: number;
  limit: number;
  divisor: number;
  flows: number;
  depth: number;
  headdrop: number;
  redLimit: number;
  qthMin: number;
  qthMax: number;
  wlog: number;
  plog: number;
  scellLog: number;
  flags: number;
  maxP: number;
};
const sfqQopt = struct<SfqQopt>('tc_sfq_qopt_v1', [
  ['quantum', 'u32', 'v0.quantum'],
  ['perturb', 's32', 'v0.perturb_period'],
  ['limit', 'u32', 'v0.limit'],
  ['divisor', 'u32', 'v0.divisor'],
  ['flows', 'u32', 'v0.flows'],
  ['depth', 'u32', 'depth'],
  ['headdrop', 'u32', 'headdrop'],
  ['redLimit', 'u32', 'limit'],
  ['qthMin', 'u32', 'qth_min'],
  ['qthMax', 'u32', 'qth_max'],
  ['wlog', 'u8', 'Wlog'],
  ['plog', 'u8', 'Plog'],
  ['scellLog', 'u8', 'Scell_log'],
  ['flags', 'u8', 'flags'],
  ['maxP', 'u32', 'max_P'],
  ['_s0', 'pad32', 'stats.prob_drop'],
  ['_s1', 'pad32', 'stats.forced_drop'],
  ['_s2', 'pad32', 'stats.prob_mark'],
  ['_s3', 'pad32', 'stats.forced_mark'],
  ['_s4', 'pad32', 'stats.prob_mark_head'],
  ['_s5', 'pad32', 'stats.forced_mark_head'],
]);

/**
 * `tc qdisc add … sfq [limit N] [perturb SECS] [quantum BYTES] [divisor N]
 * [flows N] [depth N] [headdrop] [redflowlimit BYTES [min B] [max B]
 * [avpkt B] [burst N] [probability P] [ecn] [harddrop]]`.
 */
export interface SfqOptions {
  /** `limit N`: packets (at least 2). */
  limit?: number;
  /** `perturb SECS`: rehash every SECS seconds. */
  perturb?: number;
  /** `quantum BYTES` per round. */
  quantum?: number | string;
  /** `divisor N`: hash table size. */
  divisor?: number;
  /** `flows N`. */
  flows?: number;
  /** `depth N`: packets per flow. */
  depth?: number;
  /** `headdrop`: drop from the head. */
  headdrop?: boolean;
  /** `redflowlimit BYTES`: RED per flow (needed by the RED options below). */
  redflowlimit?: number;
  /** `min BYTES` (default max / 3). */
  min?: number;
  /** `max BYTES` (default redflowlimit / 4). */
  max?: number;
  /** `avpkt BYTES` (default 1000). */
  avpkt?: number | string;
  /** `burst N` packets. */
  burst?: number;
  /** `probability P` 0..1 (default 0.02). */
  probability?: number | string;
  /** `ecn`: mark instead of drop. */
  ecn?: boolean;
  /** `harddrop`: drop above max even with ecn. */
  harddrop?: boolean;
}
const SFQ_RED = ['redflowlimit', 'min', 'max', 'avpkt', 'burst', 'probability', 'ecn', 'harddrop'] as const;
const sfqSchema = object({
  limit: int(2, U32_MAX),
  perturb: int(0, 0x7fffffff),
  quantum: sizeCheck(),
  divisor: u32,
  flows: u32,
  depth: u32,
  headdrop: bool,
  redflowlimit: u32,
  min: u32,
  max: u32,
  avpkt: sizeCheck(),
  burst: u32,
  probability: fraction01,
  ecn: bool,
  harddrop: bool,
});
const sfq: TcKind<SfqQopt | undefined> = {
  check(o, path) {
    const v = sfqSchema(o ?? {}, path);
    if (Object.keys(v).length === 0) return undefined;
    const q: SfqQopt = { quantum: v.quantum ?? 0, perturb: v.perturb ?? 0, limit: v.limit ?? 0, divisor: v.divisor ?? 0, flows: v.flows ?? 0, depth: v.depth ?? 0, headdrop: v.headdrop ? 1 : 0, redLimit: 0, qthMin: 0, qthMax: 0, wlog: 0, plog: 0, scellLog: 0, flags: 0, maxP: 0 };
    if (v.ecn) q.flags |= RED_FLAGS.ecn;
    if (v.harddrop) q.flags |= RED_FLAGS.harddrop;
    if (SFQ_RED.some((k) => v[k] !== undefined)) {
      if (!v.redflowlimit) throw new TypeError(`${path}.redflowlimit is required with the RED options (${SFQ_RED.slice(1).join(', ')})`);
      const avpkt = v.avpkt ?? 1000;
      if (!avpkt) throw new RangeError(`${path}.avpkt must be above 0`);
      q.redLimit = v.redflowlimit;
      q.qthMax = v.max || Math.floor(q.redLimit / 4);
      q.qthMin = v.min || Math.floor(q.qthMax / 3);
      const burst = v.burst || Math.floor(((2 * q.qthMin + q.qthMax) >>> 0) / ((3 * avpkt) >>> 0));
      if (q.qthMax > q.redLimit) throw new RangeError(`${path}.max is larger than redflowlimit`);
      if (q.qthMin >= q.qthMax) throw new RangeError(`${path}.min is not smaller than max`);
      const wlog = redEwma(q.qthMin, burst, avpkt);
      if (wlog < 0) throw new RangeError(`${path}.burst ${burst} is too small for min ${q.qthMin} and avpkt ${avpkt}`);
      const prob = v.probability ?? 0.02;
      const plog = redP(q.qthMin, q.qthMax, prob);
      if (plog < 0) throw new RangeError(`${path}.probability: no probability log fits`);
      q.wlog = wlog;
      q.plog = plog;
      q.maxP = maxP(prob);
    }
    return q;
  },
  encode(w, c) {
    if (!c) return;
    const at = w.beginAttr(TCA_OPTIONS);
    sfqQopt.encode(w, c, 'qdisc.options');
    w.endAttr(at);
  },
  decode(b, off, end) {
    if (end - off < 20) return {};
    const q = sfqQopt.decode(b, off, end - off, '', '') as Partial<SfqQopt>;
    const out: Record<string, unknown> = { limit: q.limit, perturb: q.perturb, quantum: q.quantum, divisor: q.divisor };
    if (q.flows !== undefined) out.flows = q.flows;
    if (q.depth !== undefined) out.depth = q.depth;
    if (q.headdrop) out.headdrop = true;
    if (q.redLimit) {
      Object.assign(out, { redflowlimit: q.redLimit, min: q.qthMin, max: q.qthMax, probability: q.maxP! / 2 ** 32 });
    }
    if (q.flags! & RED_FLAGS.ecn) out.ecn = true;
    if (q.flags! & RED_FLAGS.harddrop) out.harddrop = true;
    return out;
  },
  xstats: (b, off, end) => (end - off >= 4 ? { allot: rd.s32(b, off) } : {}),
};

// ---------------------------------------------------------------------------
// codel and fq_codel (TCA_CODEL_*, TCA_FQ_CODEL_*)

/** The TCA_CODEL_* table (`tc qdisc add … codel`). */
export const codelAttrs = attrs<{ target: number; limit: number; interval: number; ecn: number; ceThreshold: number }>('codel', {
  target: [1, t.u32, 'TCA_CODEL_TARGET'],
  limit: [2, t.u32, 'TCA_CODEL_LIMIT'],
  interval: [3, t.u32, 'TCA_CODEL_INTERVAL'],
  ecn: [4, t.u32, 'TCA_CODEL_ECN'],
  ceThreshold: [5, t.u32, 'TCA_CODEL_CE_THRESHOLD'],
});
interface FqCodelAttrs {
  target: number;
  limit: number;
  interval: number;
  ecn: number;
  flows: number;
  quantum: number;
  ceThreshold: number;
  dropBatch: number;
  memoryLimit: number;
  ceThresholdSelector: number;
  ceThresholdMask: number;
}
/** The TCA_FQ_CODEL_* table (`tc qdisc add … fq_codel`). */
export const fqCodelAttrs = attrs<FqCodelAttrs>('fq_codel', {
  target: [1, t.u32, 'TCA_FQ_CODEL_TARGET'],
  limit: [2, t.u32, 'TCA_FQ_CODEL_LIMIT'],
  interval: [3, t.u32, 'TCA_FQ_CODEL_INTERVAL'],
  ecn: [4, t.u32, 'TCA_FQ_CODEL_ECN'],
  flows: [5, t.u32, 'TCA_FQ_CODEL_FLOWS'],
  quantum: [6, t.u32, 'TCA_FQ_CODEL_QUANTUM'],
  ceThreshold: [7, t.u32, 'TCA_FQ_CODEL_CE_THRESHOLD'],
  dropBatch: [8, t.u32, 'TCA_FQ_CODEL_DROP_BATCH_SIZE'],
  memoryLimit: [9, t.u32, 'TCA_FQ_CODEL_MEMORY_LIMIT'],
  ceThresholdSelector: [10, t.u8, 'TCA_FQ_CODEL_CE_THRESHOLD_SELECTOR'],
  ceThresholdMask: [11, t.u8, 'TCA_FQ_CODEL_CE_THRESHOLD_MASK'],
});

/** `tc qdisc add … codel [limit PACKETS] [target TIME] [interval TIME] [ecn|noecn] [ce_threshold TIME]`. Times in microseconds. */
export interface CodelOptions {
  /** `limit PACKETS`. */
  limit?: number;
  /** `target TIME`: the acceptable standing delay (default 5ms). */
  target?: number | string;
  /** `interval TIME`: the sliding window (default 100ms). */
  interval?: number | string;
  /** `ecn` (true) or `noecn` (false). */
  ecn?: boolean;
  /** `ce_threshold TIME`: mark CE above this sojourn time. */
  ceThreshold?: number | string;
}
/**
 * `tc qdisc add … fq_codel [limit PACKETS] [flows N] [quantum BYTES]
 * [target TIME] [interval TIME] [ecn|noecn] [ce_threshold TIME]
 * [ce_threshold_selector VALUE/MASK] [memory_limit BYTES] [drop_batch N]`.
 */
export interface FqCodelOptions extends CodelOptions {
  /** `flows N`: hash buckets. */
  flows?: number;
  /** `quantum BYTES` per round. */
  quantum?: number;
  /** `ce_threshold_selector VALUE/MASK`: apply ce_threshold only where (tos & mask) == value; `'0x1/0x3'` or `{ value, mask }`. */
  ceThresholdSelector?: string | { value: number; mask: number };
  /** `memory_limit BYTES`. */
  memoryLimit?: number | string;
  /** `drop_batch N`: packets dropped at once. */
  dropBatch?: number;
}
const selectorCheck: Check<{ value: number; mask: number }> = custom("a selector 'VALUE/MASK' (such as '0x1/0x3') or { value, mask } (u8 each)", ['1', '0x100/1', { value: 1 }, null, 42], (v, path) => {
  if (typeof v === 'string') {
    const m = /^\s*(0x[0-9a-f]+|\d+)\s*\/\s*(0x[0-9a-f]+|\d+)\s*$/i.exec(v);
    if (!m) throw new TypeError(`${path} must be ${selectorCheck.expects}, got ${show(v)}`);
    return { value: u8(Number(m[1]), `${path} (value)`), mask: u8(Number(m[2]), `${path} (mask)`) };
  }
  const o = object({ value: { check: u8, required: true }, mask: { check: u8, required: true } })(v, path);
  return { value: o.value!, mask: o.mask! };
});
const codelShape = { limit: positive, target: timeUs, interval: timeUs, ecn: bool, ceThreshold: timeUs };
const codelSchema = object(codelShape);
const fqCodelSchema = object({ ...codelShape, flows: positive, quantum: positive, ceThresholdSelector: selectorCheck, memoryLimit: sizeCheck(), dropBatch: positive });

/** A checked attribute list: written in this order, as tc writes them. */
type AttrList = [string, unknown][];
function writeList(w: Writer, table: { encodeOne(w: Writer, name: string, v: unknown): void }, list: AttrList): void {
  optionsNest(w, () => {
    for (const [k, v] of list) table.encodeOne(w, k, v);
  });
}

const codel: TcKind<AttrList> = {
  check(o, path) {
    const v = codelSchema(o ?? {}, path);
    const l: AttrList = [];
    if (v.limit) l.push(['limit', v.limit]);
    if (v.interval) l.push(['interval', v.interval]);
    if (v.target) l.push(['target', v.target]);
    if (v.ecn !== undefined) l.push(['ecn', v.ecn ? 1 : 0]);
    if (v.ceThreshold !== undefined && v.ceThreshold !== U32_MAX) l.push(['ceThreshold', v.ceThreshold]);
    return l;
  },
  encode: (w, l) => writeList(w, codelAttrs as never, l),
  decode(b, off, end, path) {
    const a = codelAttrs.decode(b, off, end, undefined, path) as Record<string, number>;
    return codelOut(a);
  },
  xstats: (b, off, end) => codelXstats.decode(b, off, end - off, '', ''),
};
function codelOut(a: Record<string, number>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['limit', 'flows', 'quantum', 'target', 'interval']) if (a[k] !== undefined) out[k] = a[k];
  if (a.ecn !== undefined) out.ecn = a.ecn !== 0;
  if (a.ceThreshold !== undefined && a.ceThreshold !== U32_MAX) out.ceThreshold = a.ceThreshold;
  if (a.ceThresholdMask) out.ceThresholdSelector = { value: a.ceThresholdSelector ?? 0, mask: a.ceThresholdMask };
  if (a.memoryLimit !== undefined) out.memoryLimit = a.memoryLimit;
  if (a.dropBatch !== undefined) out.dropBatch = a.dropBatch;
  return out;
}
const codelXstats = struct<{ maxpacket: number; count: number; lastcount: number; ldelay: number; dropNext: number; dropOverlimit: number; ecnMark: number; dropping: number; ceMark: number }>('tc_codel_xstats', [
  ['maxpacket', 'u32', 'maxpacket'],
  ['count', 'u32', 'count'],
  ['lastcount', 'u32', 'lastcount'],
  ['ldelay', 'u32', 'ldelay'],
  ['dropNext', 's32', 'drop_next'],
  ['dropOverlimit', 'u32', 'drop_overlimit'],
  ['ecnMark', 'u32', 'ecn_mark'],
  ['dropping', 'u32', 'dropping'],
  ['ceMark', 'u32', 'ce_mark'],
]);

const fqCodel: TcKind<AttrList> = {
  check(o, path) {
    const v = fqCodelSchema(o ?? {}, path);
    const l: AttrList = [];
    if (v.limit) l.push(['limit', v.limit]);
    if (v.flows) l.push(['flows', v.flows]);
    if (v.quantum) l.push(['quantum', v.quantum]);
    if (v.interval) l.push(['interval', v.interval]);
    if (v.target) l.push(['target', v.target]);
    if (v.ecn !== undefined) l.push(['ecn', v.ecn ? 1 : 0]);
    if (v.ceThreshold !== undefined && v.ceThreshold !== U32_MAX) l.push(['ceThreshold', v.ceThreshold]);
    if (v.ceThresholdSelector) {
      if (v.ceThresholdSelector.value === 0xff) throw new RangeError(`${path}.ceThresholdSelector: a value of 0xff cannot be sent (tc takes it as "none")`);
      l.push(['ceThresholdMask', v.ceThresholdSelector.mask], ['ceThresholdSelector', v.ceThresholdSelector.value]);
    }
    if (v.memoryLimit !== undefined && v.memoryLimit !== U32_MAX) l.push(['memoryLimit', v.memoryLimit]);
    if (v.dropBatch) l.push(['dropBatch', v.dropBatch]);
    return l;
  },
  encode: (w, l) => writeList(w, fqCodelAttrs as never, l),
  decode(b, off, end, path) {
    return codelOut(fqCodelAttrs.decode(b, off, end, undefined, path) as unknown as Record<string, number>);
  },
  xstats(b, off, end) {
    if (end - off < 4) return {};
    const type = rd.u32(b, off);
    if (type === 0) return { type: 'qdisc', ...fqCodelQdStats.decode(b, off + 4, end - off - 4, '', '') };
    if (type === 1) return { type: 'class', ...fqCodelClStats.decode(b, off + 4, end - off - 4, '', '') };
    return { type };
  },
};
const fqCodelQdStats = struct<{ maxpacket: number; dropOverlimit: number; ecnMark: number; newFlowCount: number; newFlowsLen: number; oldFlowsLen: number; ceMark: number; memoryUsage: number; dropOvermemory: number }>('tc_fq_codel_qd_stats', [
  ['maxpacket', 'u32', 'maxpacket'],
  ['dropOverlimit', 'u32', 'drop_overlimit'],
  ['ecnMark', 'u32', 'ecn_mark'],
  ['newFlowCount', 'u32', 'new_flow_count'],
  ['newFlowsLen', 'u32', 'new_flows_len'],
  ['oldFlowsLen', 'u32', 'old_flows_len'],
  ['ceMark', 'u32', 'ce_mark'],
  ['memoryUsage', 'u32', 'memory_usage'],
  ['dropOvermemory', 'u32', 'drop_overmemory'],
]);
const fqCodelClStats = struct<{ deficit: number; ldelay: number; count: number; lastcount: number; dropping: number; dropNext: number }>('tc_fq_codel_cl_stats', [
  ['deficit', 's32', 'deficit'],
  ['ldelay', 'u32', 'ldelay'],
  ['count', 'u32', 'count'],
  ['lastcount', 'u32', 'lastcount'],
  ['dropping', 'u32', 'dropping'],
  ['dropNext', 's32', 'drop_next'],
]);

// ---------------------------------------------------------------------------
// fq (TCA_FQ_*)

interface FqAttrs {
  limit: number;
  flowLimit: number;
  quantum: number;
  initialQuantum: number;
  pacing: number;
  defrate: number;
  maxrate: number;
  bucketsLog: number;
  refillDelay: number;
  orphanMask: number;
  lowRateThreshold: number;
  ceThreshold: number;
  timerSlack: number;
  horizon: number;
  horizonDrop: number;
}
/** The TCA_FQ_* table (`tc qdisc add … fq`). */
export const fqAttrs = attrs<FqAttrs>('fq', {
  limit: [1, t.u32, 'TCA_FQ_PLIMIT'],
  flowLimit: [2, t.u32, 'TCA_FQ_FLOW_PLIMIT'],
  quantum: [3, t.u32, 'TCA_FQ_QUANTUM'],
  initialQuantum: [4, t.u32, 'TCA_FQ_INITIAL_QUANTUM'],
  pacing: [5, t.u32, 'TCA_FQ_RATE_ENABLE'],
  defrate: [6, t.u32, 'TCA_FQ_FLOW_DEFAULT_RATE'],
  maxrate: [7, t.u32, 'TCA_FQ_FLOW_MAX_RATE'],
  bucketsLog: [8, t.u32, 'TCA_FQ_BUCKETS_LOG'],
  refillDelay: [9, t.u32, 'TCA_FQ_FLOW_REFILL_DELAY'],
  orphanMask: [10, t.u32, 'TCA_FQ_ORPHAN_MASK'],
  lowRateThreshold: [11, t.u32, 'TCA_FQ_LOW_RATE_THRESHOLD'],
  ceThreshold: [12, t.u32, 'TCA_FQ_CE_THRESHOLD'],
  timerSlack: [13, t.u32, 'TCA_FQ_TIMER_SLACK'],
  horizon: [14, t.u32, 'TCA_FQ_HORIZON'],
  horizonDrop: [15, t.u8, 'TCA_FQ_HORIZON_DROP'],
});

/**
 * `tc qdisc add … fq [limit PACKETS] [flow_limit PACKETS] [quantum BYTES]
 * [initial_quantum BYTES] [maxrate RATE] [buckets N] [pacing|nopacing]
 * [refill_delay TIME] [low_rate_threshold RATE] [orphan_mask MASK]
 * [timer_slack TIME] [ce_threshold TIME] [horizon TIME]
 * [horizon_drop|horizon_cap] [defrate RATE]`. Rates in bits per second,
 * times in microseconds (timer_slack is sent in nanoseconds).
 */
export interface FqOptions {
  /** `limit PACKETS`: the queue's length. */
  limit?: number;
  /** `flow_limit PACKETS` per flow. */
  flowLimit?: number;
  /** `quantum BYTES` per round. */
  quantum?: number;
  /** `initial_quantum BYTES` of a new flow. */
  initialQuantum?: number;
  /** `maxrate RATE` per flow. */
  maxrate?: number | string;
  /** `buckets N`: rounded up to a power of two (sent as its log). */
  buckets?: number;
  /** `pacing` (true) or `nopacing` (false). */
  pacing?: boolean;
  /** `refill_delay TIME` after a flow goes idle. */
  refillDelay?: number | string;
  /** `low_rate_threshold RATE`: flows below it are paced per packet. */
  lowRateThreshold?: number | string;
  /** `orphan_mask MASK` for packets without a socket. */
  orphanMask?: number;
  /** `timer_slack TIME` (sent in nanoseconds). */
  timerSlack?: number | string;
  /** `ce_threshold TIME`: mark CE above this delay. */
  ceThreshold?: number | string;
  /** `horizon TIME`: how far ahead a packet's departure time may be. */
  horizon?: number | string;
  /** `horizon_drop` (true) or `horizon_cap` (false). */
  horizonDrop?: boolean;
  /** `defrate RATE` (obsolete in the kernel). */
  defrate?: number | string;
}
const timerSlackCheck: Check<number> = custom("a time (microseconds, or a string such as '10us'; sent in nanoseconds, at most 4.29 s)", [-1, 'x', '5s', null], (v, path) => {
  const ns = Math.floor(parseTime(v, path) * 1000 + 1e-6);
  if (ns > U32_MAX) throw new RangeError(`${path} must be at most 4294967295 ns, got ${show(v)}`);
  return ns;
});
const fqSchema = object({
  limit: u32,
  flowLimit: u32,
  quantum: u32,
  initialQuantum: u32,
  maxrate: rateCheck({ u32: true }),
  buckets: positive,
  pacing: bool,
  refillDelay: timeUs,
  lowRateThreshold: rateCheck({ u32: true }),
  orphanMask: u32,
  timerSlack: timerSlackCheck,
  ceThreshold: timeUs,
  horizon: timeUs,
  horizonDrop: bool,
  defrate: rateCheck({ u32: true }),
});
const ilog2Up = (v: number) => {
  let r = 0;
  for (v = (v - 1) >>> 0; v; v >>>= 1) r++;
  return r;
};
const fq: TcKind<AttrList> = {
  check(o, path) {
    const v = fqSchema(o ?? {}, path);
    const l: AttrList = [];
    if (v.buckets) l.push(['bucketsLog', ilog2Up(v.buckets)]);
    const order = ['limit', 'flowLimit', 'quantum', 'initialQuantum'] as const;
    for (const k of order) if (v[k] !== undefined) l.push([k, v[k]]);
    if (v.pacing !== undefined) l.push(['pacing', v.pacing ? 1 : 0]);
    for (const k of ['maxrate', 'lowRateThreshold', 'defrate', 'refillDelay', 'orphanMask', 'ceThreshold', 'timerSlack', 'horizon'] as const) if (v[k] !== undefined) l.push([k, v[k]]);
    if (v.horizonDrop !== undefined) l.push(['horizonDrop', v.horizonDrop ? 1 : 0]);
    return l;
  },
  encode: (w, l) => writeList(w, fqAttrs as never, l),
  decode(b, off, end, path) {
    const a = fqAttrs.decode(b, off, end, undefined, path) as Partial<FqAttrs>;
    const out: Record<string, unknown> = {};
    for (const k of ['limit', 'flowLimit', 'quantum', 'initialQuantum', 'refillDelay', 'orphanMask', 'horizon'] as const) if (a[k] !== undefined) out[k] = a[k];
    if (a.bucketsLog !== undefined) out.buckets = 2 ** a.bucketsLog;
    if (a.pacing !== undefined) out.pacing = a.pacing !== 0;
    for (const k of ['maxrate', 'lowRateThreshold', 'defrate'] as const) if (a[k] !== undefined && a[k] !== U32_MAX) out[k] = a[k]! * 8;
    if (a.ceThreshold !== undefined && a.ceThreshold !== U32_MAX) out.ceThreshold = a.ceThreshold;
    if (a.timerSlack !== undefined) out.timerSlack = a.timerSlack / 1000;
    if (a.horizonDrop !== undefined) out.horizonDrop = a.horizonDrop !== 0;
    return out;
  },
  xstats: (b, off, end) => fqQdStats.decode(b, off, end - off, '', ''),
};
const fqQdStats = struct<Record<string, number>>('tc_fq_qd_stats', [
  ['gcFlows', 'u64', 'gc_flows'],
  ['highprioPackets', 'u64', 'highprio_packets'],
  ['tcpRetrans', 'u64', 'tcp_retrans'],
  ['throttled', 'u64', 'throttled'],
  ['flowsPlimit', 'u64', 'flows_plimit'],
  ['pktsTooLong', 'u64', 'pkts_too_long'],
  ['allocationErrors', 'u64', 'allocation_errors'],
  ['timeNextDelayedFlow', 'u64', 'time_next_delayed_flow'],
  ['flows', 'u32', 'flows'],
  ['inactiveFlows', 'u32', 'inactive_flows'],
  ['throttledFlows', 'u32', 'throttled_flows'],
  ['unthrottleLatencyNs', 'u32', 'unthrottle_latency_ns'],
  ['ceMark', 'u64', 'ce_mark'],
  ['horizonDrops', 'u64', 'horizon_drops'],
  ['horizonCaps', 'u64', 'horizon_caps'],
]);

// ---------------------------------------------------------------------------
// cake (TCA_CAKE_*)

interface CakeAttrs {
  baseRate64: number;
  diffservMode: number;
  atm: number;
  flowMode: number;
  overhead: number;
  rtt: number;
  target: number;
  autorate: number;
  memory: number;
  nat: number;
  raw: number;
  wash: number;
  mpu: number;
  ingress: number;
  ackFilter: number;
  splitGso: number;
  fwmark: number;
}
/** The TCA_CAKE_* table (`tc qdisc add … cake`). */
export const cakeAttrs = attrs<CakeAttrs>('cake', {
  baseRate64: [2, t.u64, 'TCA_CAKE_BASE_RATE64'],
  diffservMode: [3, t.u32, 'TCA_CAKE_DIFFSERV_MODE'],
  atm: [4, t.u32, 'TCA_CAKE_ATM'],
  flowMode: [5, t.u32, 'TCA_CAKE_FLOW_MODE'],
  overhead: [6, t.s32, 'TCA_CAKE_OVERHEAD'],
  rtt: [7, t.u32, 'TCA_CAKE_RTT'],
  target: [8, t.u32, 'TCA_CAKE_TARGET'],
  autorate: [9, t.u32, 'TCA_CAKE_AUTORATE'],
  memory: [10, t.u32, 'TCA_CAKE_MEMORY'],
  nat: [11, t.u32, 'TCA_CAKE_NAT'],
  raw: [12, t.u32, 'TCA_CAKE_RAW'],
  wash: [13, t.u32, 'TCA_CAKE_WASH'],
  mpu: [14, t.u32, 'TCA_CAKE_MPU'],
  ingress: [15, t.u32, 'TCA_CAKE_INGRESS'],
  ackFilter: [16, t.u32, 'TCA_CAKE_ACK_FILTER'],
  splitGso: [17, t.u32, 'TCA_CAKE_SPLIT_GSO'],
  fwmark: [18, t.u32, 'TCA_CAKE_FWMARK'],
});
const CAKE_DIFFSERV = ['diffserv3', 'diffserv4', 'diffserv8', 'besteffort', 'precedence'] as const;
const CAKE_FLOWS = ['flowblind', 'srchost', 'dsthost', 'hosts', 'flows', 'dual-srchost', 'dual-dsthost', 'triple-isolate'] as const;
const CAKE_ATM = ['noatm', 'atm', 'ptm'] as const;
/** tc's RTT presets: [target, interval] in microseconds. */
const CAKE_PRESETS: Record<string, [number, number]> = {
  datacentre: [5, 100],
  lan: [50, 1000],
  metro: [500, 10000],
  regional: [1500, 30000],
  internet: [5000, 100000],
  oceanic: [15000, 300000],
  satellite: [50000, 1000000],
  interplanetary: [50000000, 1000000000],
};
/** tc's framing keywords: [atm mode, overhead added, mpu]. */
const CAKE_FRAMING: Record<string, { atm?: number; overhead: number; mpu?: number; set?: boolean }> = {
  conservative: { atm: 1, overhead: 48, set: true },
  'ipoa-vcmux': { atm: 1, overhead: 8 },
  'ipoa-llcsnap': { atm: 1, overhead: 16 },
  'bridged-vcmux': { atm: 1, overhead: 24 },
  'bridged-llcsnap': { atm: 1, overhead: 32 },
  'pppoa-vcmux': { atm: 1, overhead: 10 },
  'pppoa-llc': { atm: 1, overhead: 14 },
  'pppoe-vcmux': { atm: 1, overhead: 32 },
  'pppoe-llcsnap': { atm: 1, overhead: 40 },
  'pppoe-ptm': { atm: 2, overhead: 30 },
  'bridged-ptm': { atm: 2, overhead: 22 },
  ethernet: { overhead: 38, mpu: 84 },
  'ether-vlan': { overhead: 4 },
  docsis: { atm: 0, overhead: 18, mpu: 64 },
};

/**
 * `tc qdisc add … cake [bandwidth RATE | unlimited] [autorate-ingress]
 * [rtt TIME | datacentre|lan|metro|regional|internet|oceanic|satellite|
 * interplanetary] [besteffort|diffserv8|diffserv4|diffserv3|precedence]
 * [flowblind|srchost|dsthost|hosts|flows|dual-srchost|dual-dsthost|
 * triple-isolate] [nat|nonat] [wash|nowash] [split-gso|no-split-gso]
 * [ack-filter|ack-filter-aggressive|no-ack-filter] [raw | ptm|atm|noatm
 * overhead N mpu N | framing keywords] [memlimit BYTES] [fwmark MASK]
 * [ingress|egress]`.
 */
export interface CakeOptions {
  /** `bandwidth RATE`: bits per second or a string such as '100mbit'. */
  bandwidth?: number | string;
  /** `unlimited`: no shaping. */
  unlimited?: boolean;
  /** `autorate-ingress`: estimate the bandwidth from the arrival rate. */
  autorateIngress?: boolean;
  /** `rtt TIME` (target becomes rtt / 20). */
  rtt?: number | string;
  /** The AQM target delay (TCA_CAKE_TARGET; tc 6.1 sets it only through rtt, as rtt / 20, or a preset). Listed back. */
  target?: number | string;
  /** An RTT preset word (`internet`: rtt 100ms, target 5ms). */
  preset?: keyof typeof CAKE_PRESETS;
  /** The diffserv mode word. */
  diffserv?: (typeof CAKE_DIFFSERV)[number];
  /** The flow isolation word. */
  flowMode?: (typeof CAKE_FLOWS)[number];
  /** `nat` (true) / `nonat` (false). */
  nat?: boolean;
  /** `wash` / `nowash`. */
  wash?: boolean;
  /** `split-gso` / `no-split-gso`. */
  splitGso?: boolean;
  /** `ack-filter` (true), `ack-filter-aggressive` ('aggressive'), `no-ack-filter` (false). */
  ackFilter?: boolean | 'aggressive';
  /** `raw`: no overhead compensation. */
  raw?: boolean;
  /** `noatm` / `atm` / `ptm`. */
  atm?: (typeof CAKE_ATM)[number];
  /** `overhead N` (-64..256). */
  overhead?: number;
  /** `mpu N` (0..256). */
  mpu?: number;
  /** Framing keywords in order (`['pppoe-ptm', 'ether-vlan']`): each adds its overhead, sets its atm mode and mpu. */
  framing?: (keyof typeof CAKE_FRAMING)[];
  /** `memlimit BYTES`. */
  memlimit?: number | string;
  /** `fwmark MASK`. */
  fwmark?: number;
  /** `ingress` (true) / `egress` (false). */
  ingress?: boolean;
}
const cakeSchema = object({
  bandwidth: rateCheck(),
  unlimited: bool,
  autorateIngress: bool,
  rtt: timeUs,
  target: custom("a time above 0 (microseconds, or a string such as '5ms')", [0, -1, 'x', null], (v, path) => {
    const us = timeUs(v, path);
    if (!us) throw new RangeError(`${path} must be at least 1 µs, got ${show(v)}`);
    return us;
  }),
  preset: oneOf(Object.keys(CAKE_PRESETS)),
  diffserv: oneOf(CAKE_DIFFSERV),
  flowMode: oneOf(CAKE_FLOWS),
  nat: bool,
  wash: bool,
  splitGso: bool,
  ackFilter: custom("true ('ack-filter'), 'aggressive' or false ('no-ack-filter')", ['yes', 1, null], (v, path) => {
    if (v === true || v === false) return v ? 1 : 0;
    if (v === 'aggressive') return 2;
    throw new TypeError(`${path} must be true, false or 'aggressive', got ${show(v)}`);
  }),
  raw: bool,
  atm: oneOf(CAKE_ATM),
  overhead: int(-64, 256),
  mpu: int(0, 256),
  framing: arrayOf(oneOf(Object.keys(CAKE_FRAMING)), { min: 1 }),
  memlimit: sizeCheck(),
  fwmark: u32,
  ingress: bool,
});
const cake: TcKind<AttrList> = {
  check(o, path) {
    const v = cakeSchema(o ?? {}, path);
    if (v.bandwidth !== undefined && v.unlimited) throw new TypeError(`${path}: bandwidth and unlimited together (one or the other)`);
    if (v.rtt !== undefined && v.preset !== undefined) throw new TypeError(`${path}: rtt and preset together (a preset sets the rtt)`);
    if (v.raw && (v.overhead !== undefined || v.framing || v.atm !== undefined)) throw new TypeError(`${path}.raw means no overhead compensation: not with overhead, atm or framing`);
    let atm = v.atm === undefined ? -1 : CAKE_ATM.indexOf(v.atm);
    let overhead = 0;
    let overheadSet = false;
    let mpu = 0;
    for (const f of v.framing ?? []) {
      const fr = CAKE_FRAMING[f];
      if (fr.atm !== undefined) atm = fr.atm;
      overhead = fr.set ? fr.overhead : overhead + fr.overhead;
      overheadSet = true;
      if (fr.mpu !== undefined) mpu = fr.mpu;
    }
    if (v.overhead !== undefined) {
      overhead = v.overhead;
      overheadSet = true;
    }
    if (v.mpu !== undefined) mpu = v.mpu;
    if (v.raw) {
      atm = 0;
      overhead = 0;
      overheadSet = true;
    }
    let interval = 0;
    let target = 0;
    if (v.rtt !== undefined) {
      interval = v.rtt;
      target = Math.floor(interval / 20) || 1;
    } else if (v.preset) [target, interval] = CAKE_PRESETS[v.preset];
    if (v.target !== undefined) target = v.target;
    const l: AttrList = [];
    if (v.bandwidth !== undefined || v.unlimited) l.push(['baseRate64', v.unlimited ? 0 : v.bandwidth]);
    if (v.diffserv) l.push(['diffservMode', CAKE_DIFFSERV.indexOf(v.diffserv)]);
    if (atm !== -1) l.push(['atm', atm]);
    if (v.flowMode) l.push(['flowMode', CAKE_FLOWS.indexOf(v.flowMode)]);
    if (overheadSet) l.push(['overhead', overhead]);
    if (v.raw) l.push(['raw', 0]);
    if (mpu > 0) l.push(['mpu', mpu]);
    if (interval) l.push(['rtt', interval]);
    if (target) l.push(['target', target]);
    const autorate = v.autorateIngress !== undefined ? (v.autorateIngress ? 1 : 0) : v.bandwidth !== undefined || v.unlimited ? 0 : -1;
    if (autorate !== -1) l.push(['autorate', autorate]);
    if (v.memlimit) l.push(['memory', v.memlimit]);
    if (v.fwmark) l.push(['fwmark', v.fwmark]);
    for (const [k, attr] of [['nat', 'nat'], ['wash', 'wash'], ['splitGso', 'splitGso'], ['ingress', 'ingress']] as const) if (v[k] !== undefined) l.push([attr, v[k] ? 1 : 0]);
    if (v.ackFilter !== undefined) l.push(['ackFilter', v.ackFilter]);
    return l;
  },
  encode: (w, l) => writeList(w, cakeAttrs as never, l),
  decode(b, off, end, path) {
    const a = cakeAttrs.decode(b, off, end, undefined, path) as Partial<CakeAttrs>;
    const out: Record<string, unknown> = {};
    if (a.baseRate64 !== undefined) {
      if (a.baseRate64) out.bandwidth = a.baseRate64 * 8;
      else out.unlimited = true;
    }
    if (a.diffservMode !== undefined) out.diffserv = CAKE_DIFFSERV[a.diffservMode] ?? a.diffservMode;
    if (a.atm !== undefined) out.atm = CAKE_ATM[a.atm] ?? a.atm;
    if (a.flowMode !== undefined) out.flowMode = CAKE_FLOWS[a.flowMode & 7] ?? a.flowMode;
    if (a.overhead !== undefined) out.overhead = a.overhead;
    if (a.raw !== undefined) out.raw = true;
    if (a.mpu) out.mpu = a.mpu;
    if (a.rtt !== undefined) out.rtt = a.rtt;
    if (a.target !== undefined) out.target = a.target;
    if (a.autorate !== undefined) out.autorateIngress = a.autorate !== 0;
    if (a.memory) out.memlimit = a.memory;
    if (a.fwmark) out.fwmark = a.fwmark;
    for (const k of ['nat', 'wash', 'splitGso', 'ingress'] as const) if (a[k] !== undefined) out[k] = a[k] !== 0;
    if (a.ackFilter !== undefined) out.ackFilter = a.ackFilter === 2 ? 'aggressive' : a.ackFilter !== 0;
    return out;
  },
};

/** TCA_CAKE_TIN_STATS_*: one tin's statistics (`tc -s qdisc show` of cake, per tin). */
export const cakeTinStatsAttrs = attrs<Record<string, number>>('cake.tin', {
  sentPackets: [2, t.u32, 'TCA_CAKE_TIN_STATS_SENT_PACKETS'],
  sentBytes: [3, t.u64, 'TCA_CAKE_TIN_STATS_SENT_BYTES64'],
  droppedPackets: [4, t.u32, 'TCA_CAKE_TIN_STATS_DROPPED_PACKETS'],
  droppedBytes: [5, t.u64, 'TCA_CAKE_TIN_STATS_DROPPED_BYTES64'],
  acksDroppedPackets: [6, t.u32, 'TCA_CAKE_TIN_STATS_ACKS_DROPPED_PACKETS'],
  acksDroppedBytes: [7, t.u64, 'TCA_CAKE_TIN_STATS_ACKS_DROPPED_BYTES64'],
  ecnMarkedPackets: [8, t.u32, 'TCA_CAKE_TIN_STATS_ECN_MARKED_PACKETS'],
  ecnMarkedBytes: [9, t.u64, 'TCA_CAKE_TIN_STATS_ECN_MARKED_BYTES64'],
  backlogPackets: [10, t.u32, 'TCA_CAKE_TIN_STATS_BACKLOG_PACKETS'],
  backlogBytes: [11, t.u32, 'TCA_CAKE_TIN_STATS_BACKLOG_BYTES'],
  thresholdRate: [12, t.u64, 'TCA_CAKE_TIN_STATS_THRESHOLD_RATE64'],
  targetUs: [13, t.u32, 'TCA_CAKE_TIN_STATS_TARGET_US'],
  intervalUs: [14, t.u32, 'TCA_CAKE_TIN_STATS_INTERVAL_US'],
  wayIndirectHits: [15, t.u32, 'TCA_CAKE_TIN_STATS_WAY_INDIRECT_HITS'],
  wayMisses: [16, t.u32, 'TCA_CAKE_TIN_STATS_WAY_MISSES'],
  wayCollisions: [17, t.u32, 'TCA_CAKE_TIN_STATS_WAY_COLLISIONS'],
  peakDelayUs: [18, t.u32, 'TCA_CAKE_TIN_STATS_PEAK_DELAY_US'],
  avgDelayUs: [19, t.u32, 'TCA_CAKE_TIN_STATS_AVG_DELAY_US'],
  baseDelayUs: [20, t.u32, 'TCA_CAKE_TIN_STATS_BASE_DELAY_US'],
  sparseFlows: [21, t.u32, 'TCA_CAKE_TIN_STATS_SPARSE_FLOWS'],
  bulkFlows: [22, t.u32, 'TCA_CAKE_TIN_STATS_BULK_FLOWS'],
  unresponsiveFlows: [23, t.u32, 'TCA_CAKE_TIN_STATS_UNRESPONSIVE_FLOWS'],
  maxSkblen: [24, t.u32, 'TCA_CAKE_TIN_STATS_MAX_SKBLEN'],
  flowQuantum: [25, t.u32, 'TCA_CAKE_TIN_STATS_FLOW_QUANTUM'],
});
/** A nest read by its table (a tin of the list). */
function nestOf(table: AttrTable<any>): ValueCodec<Record<string, unknown>> {
  return {
    encode() {
      throw new Error('statistics are read only');
    },
    decode: (b, off, len, at, name) => table.decode(b, off, off + len, undefined, pathOf(at, name)),
  };
}
/** TCA_CAKE_STATS_*: cake's extended statistics (`tc -s qdisc show` of cake); `tins` is the per-tin list. */
export const cakeStatsAttrs = attrs<Record<string, unknown>>('cake.stats', {
  capacityEstimate: [2, t.u64, 'TCA_CAKE_STATS_CAPACITY_ESTIMATE64'],
  memoryLimit: [3, t.u32, 'TCA_CAKE_STATS_MEMORY_LIMIT'],
  memoryUsed: [4, t.u32, 'TCA_CAKE_STATS_MEMORY_USED'],
  avgNetoff: [5, t.u32, 'TCA_CAKE_STATS_AVG_NETOFF'],
  minNetlen: [6, t.u32, 'TCA_CAKE_STATS_MIN_NETLEN'],
  maxNetlen: [7, t.u32, 'TCA_CAKE_STATS_MAX_NETLEN'],
  minAdjlen: [8, t.u32, 'TCA_CAKE_STATS_MIN_ADJLEN'],
  maxAdjlen: [9, t.u32, 'TCA_CAKE_STATS_MAX_ADJLEN'],
  tins: [10, members(nestOf(cakeTinStatsAttrs)), 'TCA_CAKE_STATS_TIN_STATS'],
  deficit: [11, t.s32, 'TCA_CAKE_STATS_DEFICIT'],
  cobaltCount: [12, t.u32, 'TCA_CAKE_STATS_COBALT_COUNT'],
  dropping: [13, t.u32, 'TCA_CAKE_STATS_DROPPING'],
  dropNextUs: [14, t.s32, 'TCA_CAKE_STATS_DROP_NEXT_US'],
  pDrop: [15, t.u32, 'TCA_CAKE_STATS_P_DROP'],
  blueTimerUs: [16, t.s32, 'TCA_CAKE_STATS_BLUE_TIMER_US'],
});
(cake as TcKind<AttrList>).xstats = (b, off, end, path) => cakeStatsAttrs.decode(b, off, end, undefined, path) as Record<string, unknown>;

registerQdisc('tbf', { qdisc: tbf });
registerQdisc('prio', { qdisc: prio });
registerQdisc('sfq', { qdisc: sfq });
registerQdisc('red', { qdisc: red });
registerQdisc('codel', { qdisc: codel });
registerQdisc('fq_codel', { qdisc: fqCodel });
registerQdisc('fq', { qdisc: fq });
registerQdisc('cake', { qdisc: cake });
registerQdisc('pfifo_fast', { qdisc: pfifoFast });
registerQdisc('mq', { qdisc: bare('mq') });
registerQdisc('noqueue', { qdisc: bare('noqueue') });
