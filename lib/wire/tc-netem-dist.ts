/**
 * netem's delay distribution tables (`tc qdisc add … netem … distribution
 * normal|pareto|paretonormal`), computed here instead of read from tc's
 * `normal.dist`, `pareto.dist` and `paretonormal.dist` files: the same
 * mathematics as the generators shipped with iproute2 (an inverse
 * cumulative distribution sampled in 4096 steps, scaled by
 * NETEM_DIST_SCALE = 8192 and clamped to s16), so the tables sent are the
 * files' numbers, value for value (test/tc-qdisc-kinds.test.ts compares
 * them with the files where tc is installed).
 * @module
 */

/** NETEM_DIST_SCALE (linux/pkt_sched.h): a table value of 8192 is one jitter (`tc … netem delay D JITTER distribution …`). */
export const NETEM_DIST_SCALE = 8192;
/** NETEM_DIST_MAX (linux/pkt_sched.h): the most values a table may hold (tc's MAX_DIST). */
export const NETEM_DIST_MAX = 16384;

/** The distributions tc ships a table for (`tc … netem distribution NAME`). */
export type NetemDistName = 'normal' | 'pareto' | 'paretonormal';

const SAMPLES = 16384;
const S16_MIN = -32768;
const S16_MAX = 32767;

/** C's rint() in the default rounding mode (to nearest, ties to even), as tc and its table generators round. */
export function rint(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

const clampS16 = (v: number): number => (v < S16_MIN ? S16_MIN : v > S16_MAX ? S16_MAX : v);

/**
 * The error function (C's erf(), which tc's normal and paretonormal table generators use). For |x| < 6 by the series
 * erf(x) = 2/√π · e^(−x²) · Σ (2x²)ⁿ · x / (1·3·…·(2n+1)),
 * whose terms are all positive (no cancellation, a few ulps at worst);
 * beyond, erf is ±1 to double precision.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax >= 6) return x < 0 ? -1 : 1;
  if (ax === 0) return x;
  const x2 = ax * ax;
  let term = ax;
  let sum = ax;
  for (let n = 0; n < 400; n++) {
    term *= (2 * x2) / (2 * n + 3);
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  const r = (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
  const v = r > 1 ? 1 : r;
  return x < 0 ? -v : v;
}

/** The standard normal cumulative distribution function. */
const normalCdf = (x: number): number => 0.5 + 0.5 * erf(x / Math.sqrt(2.0));

/**
 * The inverse of the normal CDF on a grid of 16384 cells: for each cell
 * the last x (stepping −10 … 10 by 0.00005, as the generator does) whose
 * CDF rounds to it.
 */
function normalInverse(): Float64Array {
  const table = new Float64Array(SAMPLES + 1);
  for (let x = -10.0; x < 10.05; x += 0.00005) table[rint(SAMPLES * normalCdf(x))] = x;
  return table;
}

/** Pareto (shape 3) at quantile i/65536, shifted and scaled as tc's pareto table. */
function paretoAt(i: number): number {
  let v = i / 65536;
  v = 1.0 / Math.pow(v, 1.0 / 3.0);
  v -= 1.5;
  v *= (4.0 / 3.0) * NETEM_DIST_SCALE;
  if (v > S16_MAX) v = S16_MAX;
  return rint(v);
}

function normalTable(): Int16Array {
  const inv = normalInverse();
  const out = new Int16Array(SAMPLES / 4);
  for (let i = 0, n = 0; i < SAMPLES; i += 4) out[n++] = clampS16(rint(inv[i] * NETEM_DIST_SCALE));
  return out;
}

function paretoTable(): Int16Array {
  const out = new Int16Array(65536 / 16);
  for (let i = 65536, n = 0; i > 0; i -= 16) out[n++] = paretoAt(i);
  return out;
}

/** A quarter normal, three quarters pareto (integer division truncating, as C's). */
function paretoNormalTable(): Int16Array {
  const inv = normalInverse();
  const out = new Int16Array(SAMPLES / 4);
  for (let i = 0, n = 0; i < SAMPLES; i += 4) {
    const norm = rint(inv[i] * NETEM_DIST_SCALE);
    const par = paretoAt(65536 - 4 * i);
    out[n++] = clampS16(Math.trunc((norm + 3 * par) / 4));
  }
  return out;
}

const makers: Record<NetemDistName, () => Int16Array> = { normal: normalTable, pareto: paretoTable, paretonormal: paretoNormalTable };
const cache: Partial<Record<NetemDistName, Int16Array>> = {};

/**
 * The table of a named distribution (`tc … distribution normal|pareto|paretonormal`,
 * the values of tc's `NAME.dist`), computed once and cached. Do not modify it.
 */
export function netemDistTable(name: NetemDistName): Int16Array {
  return (cache[name] ??= makers[name]());
}

/** The name of a table equal to one of the named ones (already computed), if any: how a listed `distribution` reads back as tc's word. */
export function netemDistName(values: ArrayLike<number>): NetemDistName | undefined {
  for (const name of Object.keys(cache) as NetemDistName[]) {
    const t = cache[name]!;
    if (t.length !== values.length) continue;
    let same = true;
    for (let i = 0; i < t.length && same; i++) same = t[i] === values[i];
    if (same) return name;
  }
  return undefined;
}
