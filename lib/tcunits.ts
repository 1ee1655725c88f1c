/**
 * Traffic-control vocabulary below the tc families: handles (`'1:'`,
 * `'1:10'`, `'root'`, `'ingress'`), rates, sizes, times and percentages as
 * `tc` writes them, and the kernel's scheduler clock (`/proc/net/psched`)
 * with the transmission-time arithmetic and rate tables (`TCA_*_RTAB`)
 * computed the way `tc` computes them, so the bytes sent are the same.
 *
 * Units of plain numbers: rates in bits per second, sizes in bytes, times in
 * microseconds (netem's 64-bit times are kept in nanoseconds on the wire).
 * @module
 */
import { readFileSync } from 'node:fs';
import { custom, show, type Check } from './validate.js';

// ---------------------------------------------------------------------------
// Handles (linux/pkt_sched.h TC_H_*)

/** TC_H_ROOT: the root of a link's egress. */
export const TC_H_ROOT = 0xffffffff;
/** TC_H_INGRESS (= TC_H_CLSACT): where the ingress/clsact qdisc sits. */
export const TC_H_INGRESS = 0xfffffff1;
/** TC_H_MIN_INGRESS / TC_H_MIN_EGRESS: the clsact hooks filters attach to (`tc filter add … ingress|egress`). */
export const TC_H_MIN_INGRESS = 0xfff2;
export const TC_H_MIN_EGRESS = 0xfff3;

/** A tc handle or class id: `'1:'`, `'1:10'`, `':10'`, `'root'`, `'ingress'`, `'clsact'`, `'egress'`, `'none'`, or its 32-bit number. */
export type TcHandle = string | number;

const HEX = /^[0-9a-fA-F]{1,4}$/;

/** Where a handle is written: a qdisc's `handle` (major only), a `parent` of a qdisc or class, a filter's `parent`, a class id. */
export type HandleRole = 'qdisc' | 'parent' | 'filterParent' | 'classid';

/**
 * Parses a handle as `tc` does for `role`. Names: `root` (TC_H_ROOT) for
 * parents; `ingress`/`clsact` (ffff:fff1) for a qdisc's parent; for a filter's
 * parent `ingress` is ffff:fff2 and `egress` ffff:fff3 (the clsact hooks, as
 * `tc filter add dev D ingress`); `none` is 0.
 */
export function parseHandle(v: unknown, path: string, role: HandleRole): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`${path} must be a 32-bit handle (0..0xffffffff) or a string such as '1:10', got ${show(v)}`);
    if (role === 'qdisc' && v & 0xffff) throw new RangeError(`${path}: a qdisc handle has a major number only (such as '1:' = 0x10000), got 0x${v.toString(16)}`);
    return v;
  }
  if (typeof v !== 'string') throw new TypeError(`${path} must be a handle such as '1:', '1:10' or 'root' (or its number), got ${show(v)}`);
  const named = NAMES[role];
  if (Object.prototype.hasOwnProperty.call(named, v)) return named[v];
  const m = /^([0-9a-fA-F]{0,4}):([0-9a-fA-F]{0,4})$/.exec(v);
  if (m) {
    const [, maj, min] = m;
    if (maj !== '' && !HEX.test(maj)) throw new RangeError(`${path}: major number '${maj}' is not 1..4 hex digits`);
    if (role === 'qdisc' && min !== '' && parseInt(min, 16) !== 0) throw new RangeError(`${path}: a qdisc handle has a major number only ('${maj}:'), got ${show(v)}`);
    if (role === 'qdisc' && maj === '') throw new RangeError(`${path}: a qdisc handle needs its major number (such as '1:'), got ${show(v)}`);
    return ((maj === '' ? 0 : parseInt(maj, 16)) * 0x10000 + (min === '' ? 0 : parseInt(min, 16))) >>> 0;
  }
  // `tc qdisc … handle 1` (no colon) is a major number too.
  if (role === 'qdisc' && HEX.test(v)) return parseInt(v, 16) * 0x10000;
  const words = Object.keys(named);
  throw new RangeError(`${path} must be a handle such as '1:'${role === 'qdisc' ? '' : " or '1:10'"}${words.length ? ` or one of ${words.map((w) => `'${w}'`).join(', ')}` : ''} (hex numbers), got ${show(v)}`);
}

const NAMES: Record<HandleRole, Record<string, number>> = {
  qdisc: { none: 0 },
  parent: { root: TC_H_ROOT, ingress: TC_H_INGRESS, clsact: TC_H_INGRESS, none: 0 },
  filterParent: { root: TC_H_ROOT, ingress: 0xfffffff2, egress: 0xfffffff3, none: 0 },
  classid: { root: TC_H_ROOT, none: 0 },
};

/** Formats a handle as `tc` prints it: `root`, `1:`, `1:10`, `:10`, `none` (hex numbers). */
export function formatHandle(h: number): string {
  if (h === TC_H_ROOT) return 'root';
  if (h === 0) return 'none';
  const maj = h >>> 16;
  const min = h & 0xffff;
  if (maj === 0) return `:${min.toString(16)}`;
  if (min === 0) return `${maj.toString(16)}:`;
  return `${maj.toString(16)}:${min.toString(16)}`;
}

/** A check of a handle in `role` (returns its number). */
export function handleCheck(role: HandleRole): Check<number> {
  const wrong: unknown[] = ['1:2:3', 'x', '', '10000:', -1, 2 ** 32, 1.5, null, {}, true];
  if (role === 'qdisc') wrong.push('1:10', ':1');
  return custom(`a handle such as '1:'${role === 'qdisc' ? '' : ", '1:10' or 'root'"} (or its number)`, wrong, (v, path) => parseHandle(v, path, role));
}

// ---------------------------------------------------------------------------
// Rates, sizes, times (tc's suffixes, case-insensitive)

const RATE_SUFFIX: Record<string, number> = {
  bit: 1, kibit: 1024, kbit: 1000, mibit: 1024 ** 2, mbit: 1e6, gibit: 1024 ** 3, gbit: 1e9, tibit: 1024 ** 4, tbit: 1e12,
  bps: 8, kibps: 8 * 1024, kbps: 8000, mibps: 8 * 1024 ** 2, mbps: 8e6, gibps: 8 * 1024 ** 3, gbps: 8e9, tibps: 8 * 1024 ** 4, tbps: 8e12,
};
const SIZE_SUFFIX: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, kbit: 128, mbit: 1024 ** 2 / 8, gbit: 1024 ** 3 / 8 };
const TIME_SUFFIX_US: Record<string, number> = { '': 1, s: 1e6, sec: 1e6, secs: 1e6, ms: 1e3, msec: 1e3, msecs: 1e3, us: 1, usec: 1, usecs: 1, ns: 1e-3, nsec: 1e-3, nsecs: 1e-3 };

const NUM = /^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([a-zA-Z%]*)$/;

function split(v: string, path: string, what: string): [number, string] {
  const m = NUM.exec(v);
  if (!m) throw new TypeError(`${path} must be ${what}, got ${show(v)}`);
  return [Number(m[1]), m[2].toLowerCase()];
}

/** Largest rate the kernel takes (u64 bytes per second, kept exact in a double). */
const MAX_RATE_BPS = Number.MAX_SAFE_INTEGER;

/**
 * A rate: a number of bits per second, or a string as `tc` writes it
 * (`'10mbit'`, `'1gbit'`, `'100kbps'` = kilobytes per second, `'8Kibit'`).
 * Returns bytes per second (what the kernel takes), truncated as `tc` does.
 */
export function parseRate(v: unknown, path: string, opts: { positive?: boolean } = {}): number {
  let bits: number;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${path} must be a rate of 0 or more bits per second, got ${show(v)}`);
    bits = v;
  } else if (typeof v === 'string') {
    const [n, suffix] = split(v, path, "a rate such as '10mbit', '1gbit' or '100kbps' (or bits per second as a number)");
    const scale = Object.prototype.hasOwnProperty.call(RATE_SUFFIX, suffix) ? RATE_SUFFIX[suffix] : suffix === '' ? 1 : undefined;
    if (scale === undefined) throw new RangeError(`${path}: unknown rate unit '${suffix}' in ${show(v)} (bit, kbit, mbit, gbit, tbit, Kibit…, bps, kbps, mbps… = bytes per second)`);
    bits = n * scale;
  } else throw new TypeError(`${path} must be a rate: bits per second as a number, or a string such as '10mbit', got ${show(v)}`);
  const bytes = Math.floor(bits / 8);
  if (bytes > MAX_RATE_BPS) throw new RangeError(`${path} is too large (${show(v)})`);
  if (opts.positive && bytes <= 0) throw new RangeError(`${path} must be a positive rate (at least 8 bit/s), got ${show(v)}`);
  return bytes;
}

/** A size: a number of bytes, or a string as `tc` writes it (`'64kb'` = 65536, `'1500b'`, `'1mbit'` = 131072 bytes). */
export function parseSize(v: unknown, path: string, max = 0xffffffff): number {
  let bytes: number;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${path} must be a whole number of bytes (0 or more), got ${show(v)}`);
    bytes = v;
  } else if (typeof v === 'string') {
    const [n, suffix] = split(v, path, "a size such as '64kb', '1500b' or '1mb' (or bytes as a number)");
    const scale = Object.prototype.hasOwnProperty.call(SIZE_SUFFIX, suffix) ? SIZE_SUFFIX[suffix] : undefined;
    if (scale === undefined) throw new RangeError(`${path}: unknown size unit '${suffix}' in ${show(v)} (b, k/kb, m/mb, g/gb, kbit, mbit, gbit)`);
    bytes = n * scale;
    if (bytes !== Math.floor(bytes)) throw new RangeError(`${path} must come to whole bytes, got ${show(v)} = ${bytes} bytes`);
  } else throw new TypeError(`${path} must be a size: bytes as a number, or a string such as '64kb', got ${show(v)}`);
  if (bytes > max) throw new RangeError(`${path} must be at most ${max} bytes, got ${show(v)}`);
  return bytes;
}

/**
 * A time: a number of microseconds, or a string as `tc` writes it (`'20ms'`,
 * `'1s'`, `'500us'`, `'100ns'`). Returns microseconds (fractions kept, for
 * the nanosecond forms); negative times are a RangeError.
 */
export function parseTime(v: unknown, path: string): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${path} must be a time of 0 or more microseconds, got ${show(v)}`);
    return v;
  }
  if (typeof v !== 'string') throw new TypeError(`${path} must be a time: microseconds as a number, or a string such as '20ms', got ${show(v)}`);
  if (/^\s*-/.test(v)) throw new RangeError(`${path} must not be negative, got ${show(v)}`);
  const [n, suffix] = split(v, path, "a time such as '20ms', '1s' or '500us' (or microseconds as a number)");
  const scale = Object.prototype.hasOwnProperty.call(TIME_SUFFIX_US, suffix) ? TIME_SUFFIX_US[suffix] : undefined;
  if (scale === undefined) throw new RangeError(`${path}: unknown time unit '${suffix}' in ${show(v)} (s, ms, us, ns)`);
  return n * scale;
}

/** A time in whole microseconds that fits a u32 (what the 32-bit tc fields take). */
export function parseTimeU32(v: unknown, path: string): number {
  const us = Math.floor(parseTime(v, path));
  if (us > 0xffffffff) throw new RangeError(`${path} must be at most 4294967295 µs (about 71 minutes), got ${show(v)}`);
  return us;
}

/** A time in nanoseconds (netem's 64-bit fields), as `tc` rounds it down. */
export function parseTimeNs(v: unknown, path: string): number {
  const ns = Math.floor(parseTime(v, path) * 1000 + 1e-6);
  if (ns > Number.MAX_SAFE_INTEGER) throw new RangeError(`${path} is too large (${show(v)})`);
  return ns;
}

/** A percentage: a number 0..100 or a string `'20%'` / `'0.5%'`. Returns the fraction 0..1. */
export function parsePercent(v: unknown, path: string): number {
  let p: number;
  if (typeof v === 'number') p = v;
  else if (typeof v === 'string') {
    const m = /^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*%?\s*$/.exec(v);
    if (!m) throw new TypeError(`${path} must be a percentage such as 20 or '20%' (0..100), got ${show(v)}`);
    p = Number(m[1]);
  } else throw new TypeError(`${path} must be a percentage: a number 0..100 or a string such as '20%', got ${show(v)}`);
  if (!Number.isFinite(p) || p < 0 || p > 100) throw new RangeError(`${path} must be a percentage in 0..100, got ${show(v)}`);
  return p / 100;
}

/** A fraction 0..1 as the kernel's u32 probability (`tc`'s rounding: 0.2 → 858993459). */
export function probability(fraction: number): number {
  // tc: percent → u32 by `p * UINT32_MAX` rounded as C's rint(): to nearest, ties to even
  // (0.3 × UINT32_MAX is exactly …188.5 in doubles: rint gives …188, Math.round …189).
  const v = fraction * 0xffffffff;
  const f = Math.floor(v);
  const d = v - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r > 0xffffffff ? 0xffffffff : r;
}

/** The kernel's u32 probability as a percentage (0..100). */
export function percentOf(p: number): number {
  return Math.round((p / 0xffffffff) * 100 * 1e6) / 1e6;
}

// ---------------------------------------------------------------------------
// The scheduler clock and rate tables

interface Psched {
  /** Scheduler ticks per microsecond (`tick_in_usec`: 15.625 on today's kernels). */
  tickInUsec: number;
  /** Kernel time units per tc time unit (`clock_factor`). */
  clockFactor: number;
  /** `get_hz()`: the clock rate tc derives default bursts from. */
  hz: number;
}

let psched: Psched | undefined;

/**
 * `/proc/net/psched`, read once: it belongs to the kernel, not to a
 * namespace. Without it (a restricted /proc) tc's defaults apply: one tick
 * per microsecond, HZ 100.
 */
export function schedClock(): Psched {
  if (psched) return psched;
  let words: number[] = [];
  try {
    words = readFileSync('/proc/net/psched', 'latin1').trim().split(/\s+/).map((w) => parseInt(w, 16));
  } catch {
    /* tc's defaults */
  }
  let [t2us, us2t, clockRes, hzWord] = words;
  if (words.length < 3 || !us2t) return (psched = { tickInUsec: 1, clockFactor: 1, hz: 100 });
  if (clockRes === 1e9) t2us = us2t;
  const clockFactor = clockRes / 1e6;
  psched = { tickInUsec: (t2us / us2t) * clockFactor, clockFactor, hz: clockRes === 1e6 && hzWord ? hzWord : 100 };
  return psched;
}

/** C's conversion of a non-negative double to `unsigned int` (truncation; saturated instead of undefined). */
const toU32 = (v: number): number => (v >= 0xffffffff ? 0xffffffff : Math.trunc(v));

/**
 * Ticks to send `size` bytes at `rate` bytes/s, as iproute2 6.1's
 * `tc_calc_xmittime` computes it (the tc on Debian 12): the time is
 * truncated to whole microseconds, then to whole ticks. (Later iproute2
 * rounds up instead; the bytes of this machine's tc are the reference.)
 */
export function xmitTime(rate: number, size: number): number {
  return toU32(toU32(1e6 * (size / rate)) * schedClock().tickInUsec);
}

/** Bytes sent in `ticks` at `rate` bytes/s (iproute2 6.1's `tc_calc_xmitsize`, truncating likewise). */
export function xmitSize(rate: number, ticks: number): number {
  return toU32((rate * toU32(ticks / schedClock().tickInUsec)) / 1e6);
}

/** Ticks to microseconds (`tc_core_tick2time`). */
export function tickToTime(ticks: number): number {
  return ticks / schedClock().tickInUsec;
}

/** Microseconds to ticks (`tc_core_time2tick`, truncated to an integer as tc's callers store it). */
export function timeToTick(us: number): number {
  return Math.floor(us * schedClock().tickInUsec);
}

/** Link layers of a rate spec (TC_LINKLAYER_*). */
export const LINKLAYER = { ethernet: 1, atm: 2 } as const;
/** A link layer name. */
export type LinkLayer = keyof typeof LINKLAYER;

const ATM_CELL_PAYLOAD = 48;
const ATM_CELL_SIZE = 53;

function adjustSize(size: number, mpu: number, linklayer: number): number {
  if (size < mpu) size = mpu;
  if (linklayer === LINKLAYER.atm) return Math.ceil(size / ATM_CELL_PAYLOAD) * ATM_CELL_SIZE;
  return size;
}

/** A rate specification (struct tc_ratespec) as the encoders fill it. */
export interface RateSpec {
  cellLog: number;
  linklayer: number;
  overhead: number;
  cellAlign: number;
  mpu: number;
  /** Bytes per second, capped at 2^32-1 (the 64-bit value goes in its own attribute). */
  rate: number;
}

/**
 * The rate table of `tc_calc_rtable`: the time to send (i+1) << cellLog bytes
 * for i in 0..255, as 256 u32s, and the spec's cell fields. `cellLog` < 0:
 * the smallest one that covers `mtu` (2047 when 0) in 256 cells.
 */
export function rateTable(rate: number, opts: { cellLog?: number; mtu?: number; mpu?: number; overhead?: number; linklayer?: number }): { spec: RateSpec; table: Buffer } {
  const mtu = opts.mtu || 2047;
  let cellLog = opts.cellLog ?? -1;
  if (cellLog < 0) {
    cellLog = 0;
    while (mtu >> cellLog > 255) cellLog++;
  }
  const linklayer = opts.linklayer ?? LINKLAYER.ethernet;
  const mpu = opts.mpu ?? 0;
  const table = Buffer.alloc(1024);
  for (let i = 0; i < 256; i++) table.writeUInt32LE(xmitTime(rate, adjustSize((i + 1) << cellLog, mpu, linklayer)), i * 4);
  if (!LE) for (let i = 0; i < 256; i++) table.writeUInt32BE(table.readUInt32LE(i * 4), i * 4);
  return { spec: { cellLog, linklayer: linklayer & 0x0f, overhead: opts.overhead ?? 0, cellAlign: -1, mpu, rate: Math.min(rate, 0xffffffff) }, table };
}

const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A size with an optional cell (`'10kb/8'`: burst 10 KiB, cell 8 bytes) as tc's `get_size_and_cell`. */
export function parseSizeAndCell(v: unknown, path: string): { size: number; cellLog?: number } {
  if (typeof v === 'string' && v.includes('/')) {
    const [s, c] = v.split('/');
    const cell = Number(c);
    const log = Math.log2(cell);
    if (!Number.isInteger(log) || log < 0 || log > 31) throw new RangeError(`${path}: the cell after '/' must be a power of two, got ${show(c)}`);
    return { size: parseSize(s, path), cellLog: log };
  }
  return { size: parseSize(v, path) };
}
