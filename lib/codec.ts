/**
 * The table-driven netlink codec.
 *
 * One declarative table per message family (and per link kind, qdisc kind, …)
 * maps a field name of the facade to an attribute id and a value type; the same
 * table encodes what a caller passes and decodes what the kernel returns, so the
 * two always use the same names. Fixed headers (ifinfomsg, rtmsg, …) and struct
 * attributes are described the same way by {@link struct}.
 *
 * Numbers follow the kernel UAPI headers; netlink uses host byte order except
 * where an attribute is marked big-endian (`be16`, `be32`).
 * @module
 */
import { endianness } from 'node:os';
import { formatIp, formatMac, parseIp, parseMac } from './types.js';

const LE = endianness() === 'LE';
const NLA_F_NESTED = 0x8000;
const NLA_TYPE_MASK = 0x3fff;

/** Rounds up to netlink's 4-byte alignment. */
export const align4 = (n: number): number => (n + 3) & ~3;

/** An append-only byte writer that netlink messages and attributes are encoded into. */
export class Writer {
  buf: Buffer;
  pos = 0;
  constructor(size = 16384) {
    this.buf = Buffer.allocUnsafe(size);
  }
  /** Leaves the current buffer to whoever holds views of it and starts a fresh one. */
  detach(): void {
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.pos = 0;
  }
  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  u16(v: number): void {
    this.ensure(2);
    this.pos = LE ? this.buf.writeUInt16LE(v, this.pos) : this.buf.writeUInt16BE(v, this.pos);
  }
  u32(v: number): void {
    this.ensure(4);
    this.pos = LE ? this.buf.writeUInt32LE(v >>> 0, this.pos) : this.buf.writeUInt32BE(v >>> 0, this.pos);
  }
  s32(v: number): void {
    this.ensure(4);
    this.pos = LE ? this.buf.writeInt32LE(v, this.pos) : this.buf.writeInt32BE(v, this.pos);
  }
  u64(v: number | bigint): void {
    this.ensure(8);
    const b = BigInt(v);
    this.pos = LE ? this.buf.writeBigUInt64LE(b, this.pos) : this.buf.writeBigUInt64BE(b, this.pos);
  }
  be16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeUInt16BE(v, this.pos);
  }
  be32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(v >>> 0, this.pos);
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  zeros(n: number): void {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }
  pad(): void {
    const p = align4(this.pos) - this.pos;
    if (p) this.zeros(p);
  }
  /** Patches a u32 written earlier (message and attribute lengths). */
  setU32(at: number, v: number): void {
    if (LE) this.buf.writeUInt32LE(v, at);
    else this.buf.writeUInt32BE(v, at);
  }
  setU16(at: number, v: number): void {
    if (LE) this.buf.writeUInt16LE(v, at);
    else this.buf.writeUInt16BE(v, at);
  }
  /** Starts an attribute; returns its offset for {@link Writer.endAttr}. */
  beginAttr(type: number): number {
    this.ensure(4);
    const at = this.pos;
    this.pos += 4;
    this.setU16(at + 2, type);
    return at;
  }
  endAttr(at: number): void {
    this.setU16(at, this.pos - at);
    this.pad();
  }
}

/** Reads host-order integers from a received buffer. */
export const rd = {
  u8: (b: Buffer, o: number): number => b[o],
  u16: LE ? (b: Buffer, o: number) => b.readUInt16LE(o) : (b: Buffer, o: number) => b.readUInt16BE(o),
  u32: LE ? (b: Buffer, o: number) => b.readUInt32LE(o) : (b: Buffer, o: number) => b.readUInt32BE(o),
  s32: LE ? (b: Buffer, o: number) => b.readInt32LE(o) : (b: Buffer, o: number) => b.readInt32BE(o),
  u64: LE
    ? (b: Buffer, o: number) => Number(b.readBigUInt64LE(o))
    : (b: Buffer, o: number) => Number(b.readBigUInt64BE(o)),
};

/** How one value is written into and read out of an attribute payload. */
export interface ValueCodec<T = unknown> {
  encode(w: Writer, v: T, field: string): void;
  decode(b: Buffer, off: number, len: number): T;
}

const int = (
  bits: 8 | 16 | 32,
  signed: boolean,
  write: (w: Writer, v: number) => void,
  read: (b: Buffer, o: number) => number,
): ValueCodec<number> => {
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  return {
    encode(w, v, field) {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${field} must be an integer, got ${String(v)}`);
      if (v < min || v > max) throw new RangeError(`${field} must be in ${min}..${max}, got ${v}`);
      write(w, v);
    },
    decode: read,
  };
};

/** Reads a string up to its NUL (or the end of the payload). */
function readString(b: Buffer, off: number, len: number): string {
  let end = off;
  const stop = off + len;
  while (end < stop && b[end] !== 0) end++;
  return b.toString('utf8', off, end);
}

/** The value types of the attribute tables. */
export const t = {
  u8: int(8, false, (w, v) => w.u8(v), rd.u8),
  u16: int(16, false, (w, v) => w.u16(v), rd.u16),
  u32: int(32, false, (w, v) => w.u32(v), rd.u32),
  s32: int(32, true, (w, v) => w.s32(v), rd.s32),
  be16: int(16, false, (w, v) => w.be16(v), (b, o) => b.readUInt16BE(o)),
  be32: int(32, false, (w, v) => w.be32(v), (b, o) => b.readUInt32BE(o)),
  u64: {
    encode(w, v, field) {
      if (typeof v !== 'bigint' && (typeof v !== 'number' || !Number.isInteger(v) || v < 0))
        throw new TypeError(`${field} must be a non-negative integer`);
      w.u64(v);
    },
    decode: rd.u64,
  } as ValueCodec<number>,
  /** u8 read as a boolean (0/1). */
  bool: {
    encode(w, v, field) {
      if (typeof v !== 'boolean') throw new TypeError(`${field} must be a boolean`);
      w.u8(v ? 1 : 0);
    },
    decode: (b, o) => b[o] !== 0,
  } as ValueCodec<boolean>,
  /** u32 read as a boolean (0/1). */
  bool32: {
    encode(w, v, field) {
      if (typeof v !== 'boolean') throw new TypeError(`${field} must be a boolean`);
      w.u32(v ? 1 : 0);
    },
    decode: (b, o) => rd.u32(b, o) !== 0,
  } as ValueCodec<boolean>,
  /** Present-or-absent attribute (NLA_FLAG). */
  flag: {
    encode(_w, v, field) {
      if (typeof v !== 'boolean') throw new TypeError(`${field} must be a boolean`);
    },
    decode: () => true,
  } as ValueCodec<boolean>,
  /** NUL-terminated string. */
  string: {
    encode(w, v, field) {
      if (typeof v !== 'string') throw new TypeError(`${field} must be a string`);
      const b = Buffer.from(v, 'utf8');
      w.bytes(b);
      w.u8(0);
    },
    decode: readString,
  } as ValueCodec<string>,
  /** A string sent without its NUL (as iproute2 sends IFLA_INFO_KIND); reads either form. */
  chars: {
    encode(w, v, field) {
      if (typeof v !== 'string') throw new TypeError(`${field} must be a string`);
      w.bytes(Buffer.from(v, 'utf8'));
    },
    decode: readString,
  } as ValueCodec<string>,
  binary: {
    encode(w, v, field) {
      if (!(v instanceof Uint8Array)) throw new TypeError(`${field} must be a Buffer or Uint8Array`);
      w.bytes(v);
    },
    decode: (b, off, len) => Buffer.from(b.subarray(off, off + len)),
  } as ValueCodec<Uint8Array>,
  /** An IPv4 or IPv6 address (family from the length), as text. */
  ip: {
    encode(w, v, field) {
      w.bytes(parseIp(v, field).bytes);
    },
    decode: (b, off, len) => formatIp(b, off, len),
  } as ValueCodec<string>,
  /** A link-layer address ("aa:bb:cc:dd:ee:ff"; any length). */
  mac: {
    encode(w, v, field) {
      w.bytes(parseMac(v, field));
    },
    decode: (b, off, len) => formatMac(b, off, len),
  } as ValueCodec<string>,
};

/** Maps names to kernel numbers both ways (u8/u16/u32 enums such as modes). */
export function enumOf<N extends string>(
  base: ValueCodec<number>,
  names: Record<N, number>,
): ValueCodec<N | number> {
  const byValue = new Map<number, N>();
  for (const [k, v] of Object.entries(names) as [N, number][]) if (!byValue.has(v)) byValue.set(v, k);
  return {
    encode(w, v, field) {
      if (typeof v === 'number') return base.encode(w, v, field);
      const n = names[v as N];
      if (n === undefined)
        throw new TypeError(`${field} must be one of ${Object.keys(names).join(', ')}, got ${String(v)}`);
      base.encode(w, n, field);
    },
    decode(b, off, len) {
      const n = base.decode(b, off, len);
      return byValue.get(n) ?? n;
    },
  };
}

/** A bit set presented as a list of names (unknown bits kept as numbers). */
export function flagsOf<N extends string>(base: ValueCodec<number>, names: Record<N, number>): ValueCodec<(N | number)[]> {
  return {
    encode(w, v, field) {
      if (!Array.isArray(v)) throw new TypeError(`${field} must be an array of flag names`);
      base.encode(w, flagBits(names, v, field), field);
    },
    decode: (b, off, len) => flagNames(names, base.decode(b, off, len)),
  };
}

/** Turns a list of flag names into bits. */
export function flagBits<N extends string>(names: Record<N, number>, list: readonly (N | number)[], field: string): number {
  let bits = 0;
  for (const f of list) {
    const n = typeof f === 'number' ? f : names[f];
    if (n === undefined) throw new TypeError(`${field}: unknown flag ${String(f)}; known: ${Object.keys(names).join(', ')}`);
    bits = (bits | n) >>> 0;
  }
  return bits;
}

const flagEntries = new WeakMap<object, [string, number][]>();

/** Turns bits into flag names, keeping unnamed bits as numbers. */
export function flagNames<N extends string>(names: Record<N, number>, bits: number): (N | number)[] {
  const out: (N | number)[] = [];
  let rest = bits >>> 0;
  if (rest === 0) return out;
  let entries = flagEntries.get(names) as [N, number][] | undefined;
  if (!entries) flagEntries.set(names, (entries = Object.entries(names) as [N, number][]));
  for (const [k, v] of entries) {
    if (v && ((bits & v) >>> 0) === v) {
      out.push(k);
      rest &= ~v >>> 0;
    }
  }
  for (let bit = 1; rest; bit = (bit << 1) >>> 0) {
    if (rest & bit) {
      out.push(bit);
      rest &= ~bit >>> 0;
    }
  }
  return out;
}

/** Scalar types usable in a fixed struct, with their sizes. */
const fieldTypes = {
  u8: [1, t.u8],
  u16: [2, t.u16],
  u32: [4, t.u32],
  s32: [4, t.s32],
  u64: [8, t.u64],
  be16: [2, t.be16],
  be32: [4, t.be32],
  pad8: [1, null],
  pad16: [2, null],
  pad32: [4, null],
} as const;
type FieldType = keyof typeof fieldTypes;

/** A fixed C struct (message header or struct attribute), described field by field. */
export interface Struct<T> extends ValueCodec<T> {
  size: number;
  fields: readonly (readonly [string, FieldType])[];
}

/**
 * Describes a C struct as `[name, type]` pairs in declaration order (UAPI
 * layout, natural alignment made explicit with pad fields). Missing fields
 * encode as 0; a short payload from an older kernel decodes what it holds.
 */
export function struct<T extends object>(fields: readonly (readonly [keyof T & string, FieldType] | readonly [`_${string}`, FieldType])[]): Struct<T> {
  const size = fields.reduce((n, [, ty]) => n + fieldTypes[ty][0], 0);
  return {
    size,
    fields: fields as readonly (readonly [string, FieldType])[],
    encode(w, v, field) {
      const o = (v ?? {}) as Record<string, unknown>;
      for (const [name, ty] of fields) {
        const [n, codec] = fieldTypes[ty];
        if (!codec) w.zeros(n);
        else (codec as ValueCodec<unknown>).encode(w, o[name] ?? 0, `${field}.${name}`);
      }
    },
    decode(b, off, len) {
      const o: Record<string, unknown> = {};
      let p = off;
      for (const [name, ty] of fields) {
        const [n, codec] = fieldTypes[ty];
        if (p + n > off + len) break;
        if (codec) o[name] = codec.decode(b, p, n);
        p += n;
      }
      return o as T;
    },
  };
}

/** One attribute of a table: its id, value type, and for nests the inner table. */
export interface AttrSpec {
  id: number;
  codec?: ValueCodec<any>;
  nest?: AttrTable<any> | (() => AttrTable<any>);
  /** A nest whose members are a list (each member's own id is an index or ignored). */
  list?: boolean;
  /** Set NLA_F_NESTED on encode (some kernels require it, e.g. tc options). */
  nestedFlag?: boolean;
  /** Write only: the decoder skips this attribute (e.g. an fd). */
  writeOnly?: boolean;
}

type Shorthand = ValueCodec<any> | readonly [number, ValueCodec<any>];

/** A compiled attribute table: name → spec and id → (name, spec). */
export class AttrTable<T = Record<string, unknown>> {
  readonly byName: Map<string, AttrSpec>;
  readonly byId: (readonly [string, AttrSpec] | undefined)[] = [];
  declare readonly _type: T;
  constructor(readonly name: string, specs: Record<string, AttrSpec>) {
    this.byName = new Map(Object.entries(specs));
    for (const [k, s] of this.byName) if (!s.writeOnly) this.byId[s.id] = [k, s];
  }

  /** Writes every field of `v` that the table knows; unknown fields are a TypeError. */
  encode(w: Writer, v: Partial<T>, path = this.name, skip?: ReadonlySet<string>): void {
    for (const key in v) {
      const value = (v as Record<string, unknown>)[key];
      if (value === undefined || skip?.has(key)) continue;
      const spec = this.byName.get(key);
      if (!spec) throw new TypeError(`${path}: unknown field '${key}'`);
      encodeAttr(w, spec, value, `${path}.${key}`);
    }
  }

  /** Reads the attributes in [off, end) into an object keyed by field names. */
  decode(b: Buffer, off: number, end: number, out: Record<string, unknown> = {}): T {
    while (off + 4 <= end) {
      const len = rd.u16(b, off);
      if (len < 4 || off + len > end) break;
      const type = rd.u16(b, off + 2) & NLA_TYPE_MASK;
      const entry = this.byId[type];
      if (entry) out[entry[0]] = decodeAttr(entry[1], b, off + 4, len - 4);
      off += align4(len);
    }
    return out as T;
  }
}

function nestTable(spec: AttrSpec): AttrTable<any> {
  const n = spec.nest!;
  return typeof n === 'function' ? n() : n;
}

/** Encodes one attribute (header, value or nest, padding). */
export function encodeAttr(w: Writer, spec: AttrSpec, value: unknown, path: string): void {
  if (spec.codec === t.flag && value === false) return;
  const at = w.beginAttr(spec.id | (spec.nestedFlag ? NLA_F_NESTED : 0));
  if (spec.nest) {
    const table = nestTable(spec);
    if (spec.list) {
      if (!Array.isArray(value)) throw new TypeError(`${path} must be an array`);
      value.forEach((item, i) => {
        const inner = w.beginAttr(i + 1);
        table.encode(w, item, `${path}[${i}]`);
        w.endAttr(inner);
      });
    } else {
      if (typeof value !== 'object' || value === null) throw new TypeError(`${path} must be an object`);
      table.encode(w, value as Record<string, unknown>, path);
    }
  } else {
    spec.codec!.encode(w, value, path);
  }
  w.endAttr(at);
}

/** Decodes one attribute payload by its spec. */
export function decodeAttr(spec: AttrSpec, b: Buffer, off: number, len: number): unknown {
  if (!spec.nest) return spec.codec!.decode(b, off, len);
  const table = nestTable(spec);
  if (!spec.list) return table.decode(b, off, off + len);
  const items: unknown[] = [];
  forEachAttr(b, off, off + len, (_type, p, l) => items.push(table.decode(b, p, p + l)));
  return items;
}

/** Calls `fn(type, payloadOffset, payloadLength)` for each attribute in [off, end). */
export function forEachAttr(b: Buffer, off: number, end: number, fn: (type: number, p: number, len: number) => void): void {
  while (off + 4 <= end) {
    const len = rd.u16(b, off);
    if (len < 4 || off + len > end) break;
    fn(rd.u16(b, off + 2) & NLA_TYPE_MASK, off + 4, len - 4);
    off += align4(len);
  }
}

/**
 * Builds a table from shorthand entries: `name: [id, codec]` for a value,
 * or a full {@link AttrSpec} for nests and special cases.
 */
export function attrs<T>(name: string, entries: { [K in keyof T]?: Shorthand | AttrSpec }): AttrTable<T> {
  const specs: Record<string, AttrSpec> = {};
  for (const [k, e] of Object.entries(entries) as [string, Shorthand | AttrSpec][]) {
    specs[k] = Array.isArray(e) ? { id: e[0], codec: e[1] } : (e as AttrSpec);
  }
  return new AttrTable<T>(name, specs);
}
