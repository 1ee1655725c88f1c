/**
 * The netem qdisc (`tc qdisc add … netem …`): delay, jitter and their
 * distribution, loss (random, 4-state, Gilbert-Elliott), duplication,
 * corruption, reordering, rate emulation and delivery slots.
 *
 * TCA_OPTIONS is struct tc_netem_qopt followed by TCA_NETEM_* attributes
 * (linux/pkt_sched.h), written in the order and with the values iproute2
 * 6.1's tc writes them: delay and jitter in scheduler ticks in the qopt,
 * probabilities as u32 fractions of 2^32-1 (`rint`, ties to even), a
 * correlation struct whenever tc would send one. Distribution tables are
 * computed (./tc-netem-dist.ts), not read from tc's files.
 *
 * Where the bytes differ from tc 6.1's, on purpose: a duplicate
 * correlation alone is sent (tc parses it but sends no TCA_NETEM_CORR
 * unless another correlation is given, so it is lost); a delay or jitter
 * too long for 32-bit ticks (about 274 s) is sent as TCA_NETEM_LATENCY64 /
 * JITTER64 (tc refuses it); `seed` is TCA_NETEM_PRNG_SEED (no tc 6.1 word);
 * a jitter or correlation without its delay is sent as given (tc's
 * positional syntax cannot say it).
 * @module
 */
import { attrs, rd, struct, t, type StructOf, type ValueCodec } from '../codec.js';
import { parsePercent, parseRate, parseSize, parseTime, percentOf, probability, tickToTime, timeToTick } from '../tcunits.js';
import { arrayOf, bool, custom, int, isPlain, object, oneOf, s32, show, u32, type Check } from '../validate.js';
import { TCA_OPTIONS, type TcKind } from './tc.js';
import { NETEM_DIST_MAX, netemDistName, netemDistTable, type NetemDistName } from './tc-netem-dist.js';
import { registerQdisc } from './tc-qdiscs.js';

// ---------------------------------------------------------------------------
// Wire layouts (linux/pkt_sched.h)

/** struct tc_netem_qopt: the head of netem's TCA_OPTIONS (`tc … netem limit N delay T JITTER loss P duplicate P gap N`; latency/jitter in scheduler ticks). */
export const netemQopt = struct<{ latency: number; limit: number; loss: number; gap: number; duplicate: number; jitter: number }>('tc_netem_qopt', [
  ['latency', 'u32', 'latency'],
  ['limit', 'u32', 'limit'],
  ['loss', 'u32', 'loss'],
  ['gap', 'u32', 'gap'],
  ['duplicate', 'u32', 'duplicate'],
  ['jitter', 'u32', 'jitter'],
]);
const netemCorr = struct<{ delayCorr: number; lossCorr: number; dupCorr: number }>('tc_netem_corr', [
  ['delayCorr', 'u32', 'delay_corr'],
  ['lossCorr', 'u32', 'loss_corr'],
  ['dupCorr', 'u32', 'dup_corr'],
]);
const netemProb = (cname: string) =>
  struct<{ probability: number; correlation: number }>(cname, [
    ['probability', 'u32', 'probability'],
    ['correlation', 'u32', 'correlation'],
  ]);
const netemReorder = netemProb('tc_netem_reorder');
const netemCorrupt = netemProb('tc_netem_corrupt');
const netemRate = struct<{ rate: number; packetOverhead: number; cellSize: number; cellOverhead: number }>('tc_netem_rate', [
  ['rate', 'u32', 'rate'],
  ['packetOverhead', 's32', 'packet_overhead'],
  ['cellSize', 'u32', 'cell_size'],
  ['cellOverhead', 's32', 'cell_overhead'],
]);
// the s64 times are never negative here (the kernel clamps them at 0 too)
const netemSlot = struct<{ minDelay: number; maxDelay: number; maxPackets: number; maxBytes: number; distDelay: number; distJitter: number }>('tc_netem_slot', [
  ['minDelay', 'u64', 'min_delay'],
  ['maxDelay', 'u64', 'max_delay'],
  ['maxPackets', 's32', 'max_packets'],
  ['maxBytes', 's32', 'max_bytes'],
  ['distDelay', 'u64', 'dist_delay'],
  ['distJitter', 'u64', 'dist_jitter'],
]);
const netemGi = struct<{ p13: number; p31: number; p32: number; p14: number; p23: number }>('tc_netem_gimodel', [
  ['p13', 'u32', 'p13'],
  ['p31', 'u32', 'p31'],
  ['p32', 'u32', 'p32'],
  ['p14', 'u32', 'p14'],
  ['p23', 'u32', 'p23'],
]);
const netemGe = struct<{ p: number; r: number; h: number; k1: number }>('tc_netem_gemodel', [
  ['p', 'u32', 'p'],
  ['r', 'u32', 'r'],
  ['h', 'u32', 'h'],
  ['k1', 'u32', 'k1'],
]);

/** A distribution table: s16 values in host order (TCA_NETEM_DELAY_DIST, TCA_NETEM_SLOT_DIST). */
const s16Table: ValueCodec<ArrayLike<number>> = {
  encode(w, v) {
    for (let i = 0; i < v.length; i++) w.s16(v[i]);
  },
  decode(b, off, len) {
    const out: number[] = [];
    for (let i = 0; i + 2 <= len; i += 2) out.push((rd.u16(b, off + i) << 16) >> 16);
    return out;
  },
};

/** NETEM_LOSS_* (the TCA_NETEM_LOSS nest: `tc … netem loss state …` and `loss gemodel …`). */
export const netemLossAttrs = attrs<{ gi: StructOf<typeof netemGi>; ge: StructOf<typeof netemGe> }>('netem.loss', {
  gi: [1, netemGi, 'NETEM_LOSS_GI'],
  ge: [2, netemGe, 'NETEM_LOSS_GE'],
});

/** TCA_NETEM_* as the table reads them. */
interface NetemAttrs {
  corr: StructOf<typeof netemCorr>;
  delayDist: number[];
  reorder: StructOf<typeof netemReorder>;
  corrupt: StructOf<typeof netemCorrupt>;
  loss: { gi?: StructOf<typeof netemGi>; ge?: StructOf<typeof netemGe> };
  rate: StructOf<typeof netemRate>;
  ecn: number;
  rate64: number;
  latency64: number;
  jitter64: number;
  slot: StructOf<typeof netemSlot>;
  slotDist: number[];
  prngSeed: number;
}
/** The TCA_NETEM_* table (after struct tc_netem_qopt): what `tc qdisc add … netem …` sends besides the qopt. */
export const netemAttrs = attrs<NetemAttrs>('netem', {
  corr: [1, netemCorr, 'TCA_NETEM_CORR'],
  delayDist: [2, s16Table, 'TCA_NETEM_DELAY_DIST'],
  reorder: [3, netemReorder, 'TCA_NETEM_REORDER'],
  corrupt: [4, netemCorrupt, 'TCA_NETEM_CORRUPT'],
  loss: { id: 5, nest: netemLossAttrs, nestedFlag: true, uapi: 'TCA_NETEM_LOSS' },
  rate: [6, netemRate, 'TCA_NETEM_RATE'],
  ecn: [7, t.u32, 'TCA_NETEM_ECN'],
  rate64: [8, t.u64, 'TCA_NETEM_RATE64'],
  latency64: [10, t.u64, 'TCA_NETEM_LATENCY64'],
  jitter64: [11, t.u64, 'TCA_NETEM_JITTER64'],
  slot: [12, netemSlot, 'TCA_NETEM_SLOT'],
  slotDist: [13, s16Table, 'TCA_NETEM_SLOT_DIST'],
  prngSeed: [14, t.u64, 'TCA_NETEM_PRNG_SEED'],
});

// ---------------------------------------------------------------------------
// Options

/** A netem time (`tc … netem delay TIME`): microseconds as a number, or a tc string ('50ms', '1s', '500us'). */
export type NetemTime = number | string;
/** A netem percentage (`tc … netem loss PERCENT`): 0..100 as a number, or a string such as '20%'. */
export type NetemPercent = number | string;
/** A distribution (`tc … netem distribution NAME`): one of tc's tables by name, `'uniform'` (no table: the kernel's default), or a table of s16 values (NETEM_DIST_SCALE = 8192 is one jitter). */
export type NetemDistribution = 'uniform' | NetemDistName | readonly number[];

/**
 * `tc qdisc add … netem [limit N] [delay T [JITTER [CORR]]] [distribution D]
 * [loss …] [ecn] [duplicate P [CORR]] [corrupt P [CORR]] [reorder P [CORR]
 * [gap N]] [rate R [PKTOVH [CELLSIZE [CELLOVH]]]] [slot …] [seed N]`.
 *
 * Listed back the same way: times in microseconds, percentages as numbers
 * 0..100, the rate in bits per second. What reads back inexactly: delay and
 * jitter are sent in scheduler ticks (64 ns each on today's kernels), so a
 * time that is not a whole number of ticks reads back rounded down to one
 * (1 µs is 15 ticks = 0.96 µs); percentages are u32 fractions of 2^32-1
 * (read back to 6 decimals); rates are whole bytes per second (rate / 8,
 * rounded down); a random loss without correlation reads back as a plain
 * number; the kernel does not report distribution tables.
 */
export interface NetemOptions {
  /** `limit N`: the queue's length in packets (default 1000). */
  limit?: number | string;
  /** `delay T`: the added delay. */
  delay?: NetemTime;
  /** `delay T JITTER`: the random variation around it. */
  jitter?: NetemTime;
  /** `delay T JITTER CORR`: how much each delay depends on the last. */
  delayCorrelation?: NetemPercent;
  /** `distribution normal|pareto|paretonormal` (or a table of your own); `'uniform'`: none (tc's default). Needs delay and jitter. */
  distribution?: NetemDistribution;
  /**
   * `loss random P [CORR]` (a plain percentage is random loss), `loss state
   * P13 [P31 [P32 [P23 P14]]]` (defaults: p31 = 100 − p13, p32 0, p23 100,
   * p14 0), or `loss gemodel P [R [1-H [1-K]]]`: `h` and `k` are what tc
   * takes in those places (its `1-h` and `1-k`; defaults r = 100 − p, h 100, k 0).
   */
  loss?: NetemPercent | { random: NetemPercent; correlation?: NetemPercent } | { state: { p13: NetemPercent; p31?: NetemPercent; p32?: NetemPercent; p23?: NetemPercent; p14?: NetemPercent } } | { gemodel: { p: NetemPercent; r?: NetemPercent; h?: NetemPercent; k?: NetemPercent } };
  /** `ecn`: mark instead of drop (needs a loss). */
  ecn?: boolean;
  /** `duplicate P`. */
  duplicate?: NetemPercent;
  /** `duplicate P CORR`. */
  duplicateCorrelation?: NetemPercent;
  /** `corrupt P`. */
  corrupt?: NetemPercent;
  /** `corrupt P CORR`. */
  corruptCorrelation?: NetemPercent;
  /** `reorder P`: sent at once instead of delayed (needs a delay). */
  reorder?: NetemPercent;
  /** `reorder P CORR`. */
  reorderCorrelation?: NetemPercent;
  /** `gap N`: reorder every Nth packet (needs reorder; default 1 with reorder). */
  gap?: number;
  /** `rate R`: bits per second, or a string such as '10mbit'. */
  rate?: number | string;
  /** `rate R PACKETOVERHEAD`: bytes added to (or, negative, taken from) each packet. */
  packetOverhead?: number;
  /** `rate R PKTOVH CELLSIZE`: the link's cell size in bytes. */
  cellSize?: number;
  /** `rate R PKTOVH CELLSIZE CELLOVERHEAD`: bytes added to each cell. */
  cellOverhead?: number;
  /**
   * `slot MIN [MAX] [packets N] [bytes B]` (MAX defaults to MIN), or `slot
   * distribution D DELAY JITTER [packets N] [bytes B]` (jitter above 0).
   */
  slot?:
    | { min: NetemTime; max?: NetemTime; packets?: number; bytes?: number | string }
    | { distribution: Exclude<NetemDistribution, 'uniform'>; delay: NetemTime; jitter: NetemTime; packets?: number; bytes?: number | string };
  /** `seed N`: the random generator's seed (TCA_NETEM_PRNG_SEED: kernels 6.3 and later; tc 6.1 has no such word). */
  seed?: number | bigint;
}

interface NetemChecked {
  qopt: StructOf<typeof netemQopt>;
  latency64?: number;
  jitter64?: number;
  corr?: StructOf<typeof netemCorr>;
  reorder?: StructOf<typeof netemReorder>;
  ecn: boolean;
  corrupt?: StructOf<typeof netemCorrupt>;
  slot?: StructOf<typeof netemSlot>;
  loss?: { gi?: StructOf<typeof netemGi>; ge?: StructOf<typeof netemGe> };
  rate?: StructOf<typeof netemRate>;
  rate64?: number;
  seed?: number | bigint;
  dist?: ArrayLike<number>;
  slotDist?: ArrayLike<number>;
}

const U32_MAX = 0xffffffff;
const PERCENT = "a percentage (0..100, or a string such as '20%')";
/** A percentage, as a fraction 0..1. */
const fraction: Check<number> = custom(PERCENT, [-1, 101, '120%', 'x%', null, {}], (v, path) => parsePercent(v, path));
/** A percentage as the kernel's u32. */
const percent: Check<number> = custom(PERCENT, fraction.wrong, (v, path) => probability(parsePercent(v, path)));
/** A time, in microseconds (fractions kept). */
const time: Check<number> = custom("a time (microseconds, or a string such as '50ms')", [-1, '-5ms', '5 parsecs', null, {}], (v, path) => parseTime(v, path));
const sizeU31: Check<number> = custom("a size in bytes (such as 1500 or '64kb')", [-1, 'x', 2 ** 31, null], (v, path) => parseSize(v, path, 0x7fffffff));
const limitCheck: Check<number> = custom("a number of packets (or a size-style string such as '1k')", [-1, 1.5, 'x', 2 ** 32, null], (v, path) => parseSize(v, path));
const rateCheck: Check<number> = custom("a rate (bits per second, or a string such as '10mbit')", [-1, 'fast', '1mbitz', null, {}], (v, path) => parseRate(v, path));
const seedCheck: Check<number | bigint> = custom('a seed: a whole number in 0..2^64-1 (a BigInt above 2^53)', [-1, 1.5, 'x', 2n ** 64n, null], (v, path) => {
  if (typeof v === 'bigint') {
    if (v < 0n || v >= 2n ** 64n) throw new RangeError(`${path} must be in 0..2^64-1, got ${v}`);
    return v;
  }
  if (typeof v !== 'number') throw new TypeError(`${path} must be ${seedCheck.expects}, got ${show(v)}`);
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${path} must be ${seedCheck.expects}, got ${show(v)}`);
  return v;
});

const DIST_NAMES = ['uniform', 'normal', 'pareto', 'paretonormal'] as const;
const distTable = arrayOf(int(-32768, 32767), { min: 1, max: NETEM_DIST_MAX });
/** A distribution by name, or a table: returns the values to send (undefined: uniform, none sent). */
function distCheck(uniform: boolean): Check<ArrayLike<number> | undefined> {
  const names = uniform ? DIST_NAMES : DIST_NAMES.slice(1);
  const byName = oneOf(names);
  return custom(`${byName.expects}, or a table of s16 values (at most ${NETEM_DIST_MAX})`, ['gauss', [], [40000], null, 42], (v, path) => {
    if (Array.isArray(v)) return distTable(v, path);
    const n = byName(v, path);
    return n === 'uniform' ? undefined : netemDistTable(n);
  });
}

const stateSchema = object({ p13: { check: fraction, required: true }, p31: fraction, p32: fraction, p23: fraction, p14: fraction });
const geSchema = object({ p: { check: fraction, required: true }, r: fraction, h: fraction, k: fraction });
const randomSchema = object({ random: { check: percent, required: true }, correlation: percent });

type LossChecked = { random: number; correlation?: number } | { gi: StructOf<typeof netemGi> } | { ge: StructOf<typeof netemGe> };
const lossCheck: Check<LossChecked> = custom(`${PERCENT}, or { random }, { state } or { gemodel }`, [-1, 101, { bernoulli: 1 }, { state: {} }, { random: 1, state: { p13: 1 } }, null], (v, path) => {
  if (typeof v === 'number' || typeof v === 'string') return { random: percent(v, path) };
  if (!isPlain(v)) throw new TypeError(`${path} must be ${lossCheck.expects}, got ${show(v)}`);
  const keys = Object.keys(v);
  if (keys.includes('state') || keys.includes('gemodel')) {
    if (keys.length !== 1) throw new TypeError(`${path}: one loss model at a time (state or gemodel, alone), got ${keys.map((k) => `'${k}'`).join(', ')}`);
    if (keys[0] === 'state') {
      const s = stateSchema(v.state, `${path}.state`);
      const p13 = s.p13!;
      return { gi: { p13: probability(p13), p31: probability(s.p31 ?? 1 - p13), p32: probability(s.p32 ?? 0), p23: probability(s.p23 ?? 1), p14: probability(s.p14 ?? 0) } };
    }
    const g = geSchema(v.gemodel, `${path}.gemodel`);
    const p = g.p!;
    // tc takes "1-h" and sends h = 2^32-1 − that; its default (nothing given) is h = 0
    return { ge: { p: probability(p), r: probability(g.r ?? 1 - p), h: g.h === undefined ? 0 : U32_MAX - probability(g.h), k1: probability(g.k ?? 0) } };
  }
  const r = randomSchema(v, path);
  return { random: r.random!, correlation: r.correlation };
});

const slotSchema = object({ min: { check: time, required: true }, max: time, packets: int(0, 0x7fffffff), bytes: sizeU31 });
const slotDistSchema = object({ distribution: { check: distCheck(false), required: true }, delay: { check: time, required: true }, jitter: { check: time, required: true }, packets: int(0, 0x7fffffff), bytes: sizeU31 });
const usToNs = (us: number) => Math.floor(us * 1000 + 1e-6);
const slotCheck: Check<{ slot: StructOf<typeof netemSlot>; dist?: ArrayLike<number> }> = custom('a slot: { min, max?, packets?, bytes? } or { distribution, delay, jitter, packets?, bytes? }', [{}, { min: -1 }, { delay: 1 }, null, 'x'], (v, path) => {
  if (isPlain(v) && 'distribution' in v) {
    const s = slotDistSchema(v, path);
    const jitter = usToNs(s.jitter!);
    if (jitter <= 0) throw new RangeError(`${path}.jitter must be above 0 (at least 1 ns), got ${show(v.jitter)}`);
    return { slot: { minDelay: 0, maxDelay: 0, maxPackets: s.packets ?? 0, maxBytes: s.bytes ?? 0, distDelay: usToNs(s.delay!), distJitter: jitter }, dist: s.distribution };
  }
  const s = slotSchema(v, path);
  const min = usToNs(s.min!);
  const max = s.max === undefined ? min : usToNs(s.max);
  if (max < min) throw new RangeError(`${path}.max must not be below slot.min (${show((v as Record<string, unknown>).max)} < ${show((v as Record<string, unknown>).min)})`);
  return { slot: { minDelay: min, maxDelay: max, maxPackets: s.packets ?? 0, maxBytes: s.bytes ?? 0, distDelay: 0, distJitter: 0 } };
});

const netemSchema = object({
  limit: limitCheck,
  delay: time,
  jitter: time,
  delayCorrelation: percent,
  distribution: distCheck(true),
  loss: lossCheck,
  ecn: bool,
  duplicate: percent,
  duplicateCorrelation: percent,
  corrupt: percent,
  corruptCorrelation: percent,
  reorder: percent,
  reorderCorrelation: percent,
  gap: u32,
  rate: rateCheck,
  packetOverhead: s32,
  cellSize: u32,
  cellOverhead: s32,
  slot: slotCheck,
  seed: seedCheck,
});

/** A time as the qopt's ticks (tc: whole microseconds, then ticks), or, too large for a u32, the 64-bit nanoseconds. */
function ticksOf(us: number): { ticks: number; ns?: number } {
  const ticks = timeToTick(Math.floor(us));
  if (ticks <= U32_MAX) return { ticks };
  return { ticks: U32_MAX, ns: usToNs(us) };
}

const netemQdisc: TcKind<NetemChecked> = {
  check(o, path) {
    const v = netemSchema(o ?? {}, path);
    const delay = ticksOf(v.delay ?? 0);
    const jitter = ticksOf(v.jitter ?? 0);
    const loss = v.loss;
    const random = loss && 'random' in loss ? loss : undefined;
    const qopt = { latency: delay.ticks, limit: v.limit ?? 1000, loss: random?.random ?? 0, gap: v.gap ?? 0, duplicate: v.duplicate ?? 0, jitter: jitter.ticks };
    const reorderP = v.reorder ?? 0;
    if (reorderP) {
      if (qopt.latency === 0) throw new RangeError(`${path}.reorder needs a delay (reordering sends some packets ahead of the delayed ones)`);
      if (qopt.gap === 0) qopt.gap = 1;
    } else if (qopt.gap > 0) throw new RangeError(`${path}.gap needs a reorder percentage above 0`);
    const model = loss && !random ? (loss as { gi: StructOf<typeof netemGi> } | { ge: StructOf<typeof netemGe> }) : undefined;
    if (v.ecn && !model && !qopt.loss) throw new RangeError(`${path}.ecn needs a loss (ECN marks the packets a loss model would drop)`);
    if (v.distribution && (qopt.latency === 0 || qopt.jitter === 0)) throw new RangeError(`${path}.distribution needs a delay and a jitter (of at least one scheduler tick)`);
    const hasRate = v.rate !== undefined;
    for (const k of ['packetOverhead', 'cellSize', 'cellOverhead'] as const) if (v[k] !== undefined && !hasRate) throw new TypeError(`${path}.${k} goes with a rate (tc: rate R [PACKETOVERHEAD [CELLSIZE [CELLOVERHEAD]]])`);
    const c: NetemChecked = { qopt, ecn: v.ecn === true };
    if (delay.ns !== undefined) c.latency64 = delay.ns;
    if (jitter.ns !== undefined) c.jitter64 = jitter.ns;
    // tc sends the correlation struct when any correlation is given (reorder's and corrupt's
    // included, though they travel in their own structs); a duplicate correlation is sent too
    if (v.delayCorrelation !== undefined || random?.correlation !== undefined || v.duplicateCorrelation !== undefined || v.reorderCorrelation !== undefined || v.corruptCorrelation !== undefined)
      c.corr = { delayCorr: v.delayCorrelation ?? 0, lossCorr: random?.correlation ?? 0, dupCorr: v.duplicateCorrelation ?? 0 };
    if (v.reorder !== undefined) c.reorder = { probability: reorderP, correlation: v.reorderCorrelation ?? 0 };
    else if (v.reorderCorrelation !== undefined) throw new TypeError(`${path}.reorderCorrelation goes with reorder`);
    if (v.corrupt !== undefined) c.corrupt = { probability: v.corrupt, correlation: v.corruptCorrelation ?? 0 };
    else if (v.corruptCorrelation !== undefined) throw new TypeError(`${path}.corruptCorrelation goes with corrupt`);
    if (v.slot) {
      c.slot = v.slot.slot;
      if (v.slot.dist) c.slotDist = v.slot.dist;
    }
    if (model) c.loss = model;
    if (hasRate) {
      const rate = v.rate!;
      if (rate >= 2 ** 32) c.rate64 = rate;
      c.rate = { rate: rate >= 2 ** 32 ? U32_MAX : rate, packetOverhead: v.packetOverhead ?? 0, cellSize: v.cellSize ?? 0, cellOverhead: v.cellOverhead ?? 0 };
    }
    if (v.seed !== undefined) c.seed = v.seed;
    if (v.distribution) c.dist = v.distribution;
    // TCA_OPTIONS' length is a u16: both tables at their largest would not fit
    const tables = (c.dist?.length ?? 0) + (c.slotDist?.length ?? 0);
    if (tables * 2 + 512 > 0xffff) throw new RangeError(`${path}.distribution: with slot.distribution the tables hold ${tables} values; together they must fit one attribute (at most ${Math.floor((0xffff - 512) / 2)} values)`);
    return c;
  },
  encode(w, c) {
    const at = w.beginAttr(TCA_OPTIONS);
    netemQopt.encode(w, c.qopt, 'qdisc.options');
    if (c.latency64 !== undefined) netemAttrs.encodeOne(w, 'latency64', c.latency64);
    if (c.jitter64 !== undefined) netemAttrs.encodeOne(w, 'jitter64', c.jitter64);
    if (c.corr) netemAttrs.encodeOne(w, 'corr', c.corr);
    if (c.reorder) netemAttrs.encodeOne(w, 'reorder', c.reorder);
    if (c.ecn) netemAttrs.encodeOne(w, 'ecn', 1);
    if (c.corrupt) netemAttrs.encodeOne(w, 'corrupt', c.corrupt);
    if (c.slot) netemAttrs.encodeOne(w, 'slot', c.slot);
    if (c.loss) netemAttrs.encodeOne(w, 'loss', c.loss);
    if (c.rate64 !== undefined) netemAttrs.encodeOne(w, 'rate64', c.rate64);
    if (c.rate) netemAttrs.encodeOne(w, 'rate', c.rate);
    if (c.seed !== undefined) netemAttrs.encodeOne(w, 'prngSeed', c.seed);
    if (c.dist) netemAttrs.encodeOne(w, 'delayDist', c.dist);
    if (c.slotDist) netemAttrs.encodeOne(w, 'slotDist', c.slotDist);
    w.endAttr(at);
  },
  decode(b, off, end, path) {
    if (end - off < netemQopt.size) return {};
    const q = netemQopt.decode(b, off, netemQopt.size, path, '') as StructOf<typeof netemQopt>;
    const a = netemAttrs.decode(b, off + netemQopt.size, end, undefined, path) as Partial<NetemAttrs>;
    return netemOut(q, a);
  },
};

const pct = (p: number) => percentOf(p);
const nsToUs = (ns: number) => ns / 1000;
const distOut = (d: number[]) => netemDistName(d) ?? d;

function netemOut(q: StructOf<typeof netemQopt>, a: Partial<NetemAttrs>): Record<string, unknown> {
  const out: Record<string, unknown> = { limit: q.limit };
  const delay = a.latency64 !== undefined ? nsToUs(a.latency64) : tickToTime(q.latency);
  const jitter = a.jitter64 !== undefined ? nsToUs(a.jitter64) : tickToTime(q.jitter);
  if (delay) out.delay = delay;
  if (jitter) out.jitter = jitter;
  const corr = a.corr;
  if (corr?.delayCorr) out.delayCorrelation = pct(corr.delayCorr);
  if (a.delayDist) out.distribution = distOut(a.delayDist);
  if (a.loss?.gi) {
    const g = a.loss.gi;
    out.loss = { state: { p13: pct(g.p13), p31: pct(g.p31), p32: pct(g.p32), p23: pct(g.p23), p14: pct(g.p14) } };
  } else if (a.loss?.ge) {
    const g = a.loss.ge;
    out.loss = { gemodel: { p: pct(g.p), r: pct(g.r), h: pct(U32_MAX - g.h), k: pct(g.k1) } };
  } else if (q.loss) out.loss = corr?.lossCorr ? { random: pct(q.loss), correlation: pct(corr.lossCorr) } : pct(q.loss);
  if (a.ecn) out.ecn = true;
  if (q.duplicate) out.duplicate = pct(q.duplicate);
  if (corr?.dupCorr) out.duplicateCorrelation = pct(corr.dupCorr);
  if (a.corrupt?.probability) out.corrupt = pct(a.corrupt.probability);
  if (a.corrupt?.correlation) out.corruptCorrelation = pct(a.corrupt.correlation);
  if (a.reorder?.probability) out.reorder = pct(a.reorder.probability);
  if (a.reorder?.correlation) out.reorderCorrelation = pct(a.reorder.correlation);
  if (q.gap) out.gap = q.gap;
  if (a.rate?.rate) {
    out.rate = (a.rate64 ?? a.rate.rate) * 8;
    if (a.rate.packetOverhead) out.packetOverhead = a.rate.packetOverhead;
    if (a.rate.cellSize) out.cellSize = a.rate.cellSize;
    if (a.rate.cellOverhead) out.cellOverhead = a.rate.cellOverhead;
  }
  const s = a.slot;
  if (s && (s.minDelay || s.maxDelay || s.distJitter)) {
    const slot: Record<string, unknown> =
      s.distJitter > 0
        ? { ...(a.slotDist ? { distribution: distOut(a.slotDist) } : {}), delay: nsToUs(s.distDelay), jitter: nsToUs(s.distJitter) }
        : { min: nsToUs(s.minDelay), max: nsToUs(s.maxDelay) };
    if (s.maxPackets) slot.packets = s.maxPackets;
    if (s.maxBytes) slot.bytes = s.maxBytes;
    out.slot = slot;
  }
  if (a.prngSeed !== undefined) out.seed = a.prngSeed;
  return out;
}

registerQdisc('netem', { qdisc: netemQdisc });
