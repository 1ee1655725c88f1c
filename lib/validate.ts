/**
 * The one validation layer every public entry point goes through. A schema
 * is built from small checks; running it on the caller's input returns a
 * snapshot (each field read once, as a plain object) or throws a `TypeError`
 * / `RangeError` whose message starts with the field's path
 * (`route.nexthops[1].via`) and says what was expected. Nothing here knows
 * netlink: the families declare what they take, this checks it.
 *
 * Every check also knows how to make a wrong value of its own kind, so the
 * property test can corrupt one field of a valid input and see it refused
 * before anything is sent.
 * @module
 */

/** A check of one value at `path`: returns it (or its normalised form) or throws. */
export interface Check<T = unknown> {
  (v: unknown, path: string): T;
  /** What it takes, in words ("an integer in 0..255"). */
  readonly expects: string;
  /** Values this check refuses (for the property test). */
  readonly wrong: readonly unknown[];
}

function check<T>(expects: string, wrong: readonly unknown[], fn: (v: unknown, path: string) => T): Check<T> {
  return Object.assign(fn, { expects, wrong });
}

/** How a value looks in a message: short, never throwing. */
export function show(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return `${v}n (a BigInt)`;
  if (typeof v === 'symbol') return 'a Symbol';
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return 'an array';
  const ctor = Object.getPrototypeOf(v)?.constructor?.name;
  return ctor && ctor !== 'Object' ? `a ${ctor}` : 'an object';
}

function fail(path: string, expects: string, v: unknown, range = false): never {
  const E = range ? RangeError : TypeError;
  throw new E(`${path} must be ${expects}, got ${show(v)}`);
}

/** True for `{}`-style objects (Object.prototype or null prototype): not arrays, Maps, Dates or class instances. */
export function isPlain(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** An own property of a lookup table, never an inherited one (`'constructor'`, `'toString'`). */
export function own<V>(table: Readonly<Record<string, V>>, key: unknown): V | undefined {
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** An integer in [min, max]. */
export function int(min: number, max: number): Check<number> {
  const expects = `an integer in ${min}..${max}`;
  return check(expects, [1.5, NaN, Infinity, min - 1, max + 1, '1', 1n, null, true], (v, path) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, expects, v, typeof v === 'number');
    if (v < min || v > max) fail(path, expects, v, true);
    return v;
  });
}

export const u8 = int(0, 0xff);
export const u16 = int(0, 0xffff);
export const u32 = int(0, 0xffffffff);
export const s32 = int(-0x80000000, 0x7fffffff);
/** A link index (the kernel's ifindex is a positive int). */
export const ifindex = int(1, 0x7fffffff);

/** true or false (not 1, not 'yes'). */
export const bool: Check<boolean> = check('a boolean (true or false)', [1, 0, 'true', null, {}], (v, path) => {
  if (typeof v !== 'boolean') fail(path, 'a boolean (true or false)', v);
  return v;
});

/** A string without NUL bytes (the kernel would cut it there), of at most `maxBytes` UTF-8 bytes. */
export function str(opts: { maxBytes?: number; nonEmpty?: boolean } = {}): Check<string> {
  const expects = `a string${opts.nonEmpty ? ' (not empty)' : ''}${opts.maxBytes !== undefined ? ` of at most ${opts.maxBytes} bytes` : ''} without NUL`;
  const wrong: unknown[] = [42, null, 'a\0b', {}];
  if (opts.maxBytes !== undefined) wrong.push('x'.repeat(opts.maxBytes + 1));
  if (opts.nonEmpty) wrong.push('');
  return check(expects, wrong, (v, path) => {
    if (typeof v !== 'string') fail(path, expects, v);
    if (v.includes('\0')) throw new TypeError(`${path} must not contain a NUL byte (the kernel would cut the string there)`);
    if (opts.nonEmpty && v === '') fail(path, expects, v);
    if (opts.maxBytes !== undefined && Buffer.byteLength(v) > opts.maxBytes) throw new RangeError(`${path} is longer than ${opts.maxBytes} bytes: ${show(v)}`);
    return v;
  });
}

/** One of the names of `table` (own properties only). */
export function oneOf<N extends string>(names: readonly N[]): Check<N> {
  const set = new Set<string>(names);
  const expects = `one of ${names.map((n) => `'${n}'`).join(', ')}`;
  return check(expects, ['constructor', '__proto__', 'toString', 42, null, names[0]?.toUpperCase() === names[0] ? 'nope' : (names[0] ?? '').toUpperCase() || 'nope'], (v, path) => {
    if (typeof v !== 'string' || !set.has(v)) {
      const near = typeof v === 'string' ? closest(v, names) : undefined;
      throw new TypeError(`${path} must be ${expects}, got ${show(v)}${near ? ` (did you mean '${near}'?)` : ''}`);
    }
    return v as N;
  });
}

/** A name of `table` or an integer in [min, max] (`'main'` or 254). */
export function nameOrInt<N extends string>(names: readonly N[], min: number, max: number): Check<N | number> {
  const byName = oneOf(names);
  const byNum = int(min, max);
  const expects = `${byName.expects} or ${byNum.expects}`;
  return check(expects, ['constructor', min - 1, max + 1, 1.5, NaN, null, true], (v, path) => {
    if (typeof v === 'number') {
      if (!Number.isInteger(v) || v < min || v > max) fail(path, expects, v, true);
      return v;
    }
    if (typeof v === 'string' && names.includes(v as N)) return v as N;
    const near = typeof v === 'string' ? closest(v, names) : undefined;
    throw new TypeError(`${path} must be ${expects}, got ${show(v)}${near ? ` (did you mean '${near}'?)` : ''}`);
  });
}

/** An array whose items pass `item` (paths `field[i]`). */
export function arrayOf<T>(item: Check<T>, opts: { min?: number; max?: number } = {}): Check<T[]> {
  const expects = `an array${opts.min ? ` of at least ${opts.min}` : ''}${opts.max !== undefined ? ` of at most ${opts.max}` : ''} (items: ${item.expects})`;
  return check(expects, ['x', {}, null, new Map(), [item.wrong[0]]], (v, path) => {
    if (!Array.isArray(v)) fail(path, expects, v);
    if (opts.min !== undefined && v.length < opts.min) fail(path, expects, v, true);
    if (opts.max !== undefined && v.length > opts.max) throw new RangeError(`${path} has ${v.length} items; at most ${opts.max}`);
    const out: T[] = [];
    for (let i = 0; i < v.length; i++) {
      let x: unknown;
      try {
        x = v[i];
      } catch (e) {
        throw new TypeError(`${path}[${i}] could not be read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      out.push(item(x, `${path}[${i}]`));
    }
    return out;
  });
}

/** Either check (tried in order); the message names both. */
export function either<A, B>(a: Check<A>, b: Check<B>, expects = `${a.expects}, or ${b.expects}`): Check<A | B> {
  return check(expects, a.wrong.filter((x) => b.wrong.includes(x)), (v, path) => {
    try {
      return a(v, path);
    } catch {
      try {
        return b(v, path);
      } catch {
        throw new TypeError(`${path} must be ${expects}, got ${show(v)}`);
      }
    }
  });
}

/** A check made by a function of its own (parsers of addresses, prefixes, MACs). */
export function custom<T>(expects: string, wrong: readonly unknown[], fn: (v: unknown, path: string) => T): Check<T> {
  return check(expects, wrong, fn);
}

/** A field of an object schema: its check, and whether it must be there. */
export interface Field<T = unknown> {
  check: Check<T>;
  required?: boolean;
}

type Shape = Record<string, Check | Field>;
type FieldValue<F> = F extends Field<infer T> ? T : F extends Check<infer T> ? T : never;
/** What an object schema returns: the snapshot, typed by its fields. */
export type Snapshot<S extends Shape> = { -readonly [K in keyof S]?: FieldValue<S[K]> };

/** An object schema: a plain object whose own keys are all known and whose fields pass their checks. */
export interface ObjectCheck<S extends Shape> extends Check<Snapshot<S>> {
  readonly fields: { readonly [K in keyof S]: Field };
}

/**
 * A plain object with these fields. Unknown keys are refused with the
 * closest known one; each field is read once (a getter runs once); fields
 * whose value is `undefined` count as absent.
 */
export function object<S extends Shape>(fields: S, opts: { what?: string } = {}): ObjectCheck<S> {
  const norm: Record<string, Field> = {};
  for (const [k, f] of Object.entries(fields)) norm[k] = typeof f === 'function' ? { check: f } : (f as Field);
  const names = Object.keys(norm);
  const required = names.filter((k) => norm[k].required);
  const expects = opts.what ?? 'a plain object';
  const fn = (v: unknown, path: string): Snapshot<S> => {
    if (!isPlain(v)) fail(path, expects, v);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const f = norm[k];
      if (!Object.prototype.hasOwnProperty.call(norm, k)) {
        const near = closest(k, names);
        throw new TypeError(`${path}: unknown option '${k}'${near ? ` (did you mean '${near}'?)` : ''}; known: ${names.join(', ')}`);
      }
      let value: unknown;
      try {
        value = v[k];
      } catch (e) {
        throw new TypeError(`${path}.${k} could not be read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      if (value === undefined) continue;
      out[k] = f.check(value, `${path}.${k}`);
    }
    for (const k of required) if (out[k] === undefined) throw new TypeError(`${path}.${k} is required (${norm[k].check.expects})`);
    return out as Snapshot<S>;
  };
  return Object.assign(check(expects, [null, 'x', 42, [], new Map(), new Date(0)], fn), { fields: norm as { [K in keyof S]: Field } });
}

/** An `AbortSignal`. */
export const abortSignal: Check<AbortSignal> = check('an AbortSignal', [{}, 'x', true, 1, { aborted: false }], (v, path) => {
  if (!(v instanceof AbortSignal)) fail(path, 'an AbortSignal', v);
  return v;
});

/** A function. */
export const func: Check<(...a: any[]) => unknown> = check('a function', [{}, 'x', null, 1], (v, path) => {
  if (typeof v !== 'function') fail(path, 'a function', v);
  return v as (...a: any[]) => unknown;
});

/** `undefined` is allowed (an optional positional argument), else `c`. */
export function optional<T>(c: Check<T>): Check<T | undefined> {
  return check(`${c.expects} (or nothing)`, c.wrong.filter((x) => x !== undefined), (v, path) => (v === undefined ? undefined : c(v, path)));
}

/** The known name closest to `s` (a typo, a case slip), when it is close enough to suggest. */
export function closest(s: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lower = s.toLowerCase();
  for (const n of names) {
    const d = n.toLowerCase() === lower ? 0 : distance(lower, n.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(s.length / 3)) ? best : undefined;
}

/** Edit distance with adjacent transpositions counted as one edit (`nmae` → `name`). */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}
