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
import { DecodeError } from './errors.js';
import { formatIp, formatMac, parseIp, parseMac, type UnknownAttrs } from './types.js';
export type { UnknownAttrs };

/** What a table's decoder gives: the fields it found, and `unknown` when some id was not in the table. */
export type Decoded<T> = Partial<T> & { unknown?: UnknownAttrs };
import { closest, isPlain, show } from './validate.js';

const LE = endianness() === 'LE';
const NLA_F_NESTED = 0x8000;
/** The type bits of nla_type (without NLA_F_NESTED / NLA_F_NET_BYTEORDER). */
export const NLA_TYPE_MASK = 0x3fff;

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
  s16(v: number): void {
    this.ensure(2);
    this.pos = LE ? this.buf.writeInt16LE(v, this.pos) : this.buf.writeInt16BE(v, this.pos);
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
  // two halves, not a BigInt: the same correctly rounded Number, without the allocation
  u64: LE
    ? (b: Buffer, o: number) => b.readUInt32LE(o) + b.readUInt32LE(o + 4) * 4294967296
    : (b: Buffer, o: number) => b.readUInt32BE(o + 4) + b.readUInt32BE(o) * 4294967296,
};

/** True when the first `len` bits at `b[off]` equal those of `p` (a prefix match on address bytes). */
export function prefixMatch(b: Uint8Array, off: number, p: Uint8Array, len: number): boolean {
  let i = 0;
  for (; len >= 8; len -= 8, i++) if (b[off + i] !== p[i]) return false;
  if (len === 0) return true;
  const mask = (0xff << (8 - len)) & 0xff;
  return (b[off + i] & mask) === (p[i] & mask);
}

// ---------------------------------------------------------------------------
// Decode errors

/** `route.multipath` + `[1]` → `route.multipath[1]`; `link` + `mtu` → `link.mtu`. */
export function pathOf(at: string, name: string): string {
  return name.charCodeAt(0) === 91 /* [ */ ? at + name : `${at}.${name}`;
}

/** Throws the DecodeError of `at.name`. */
export function fail(at: string, name: string | undefined, detail: string): never {
  throw new DecodeError(name === undefined ? at : pathOf(at, name), detail);
}

const bytes = (n: number) => `${n} byte${n === 1 ? '' : 's'}`;

function sizeText(c: ValueCodec<any>): string {
  if (c.sizes) return c.sizes.length === 1 ? `exactly ${bytes(c.sizes[0])}` : `${c.sizes.slice(0, -1).join(', ')} or ${bytes(c.sizes[c.sizes.length - 1])}`;
  return `at least ${bytes(c.min ?? 0)}`;
}

/** The DecodeError of a payload whose length its type does not allow. */
export function badSize(at: string, name: string, len: number, c: ValueCodec<any>): never {
  fail(at, name, `payload of ${bytes(len)}, its type needs ${sizeText(c)}`);
}

/** Throws unless a payload of `len` bytes suits `c` (mnl_attr_validate's rule). */
export function checkSize(c: ValueCodec<any>, len: number, at: string, name: string): void {
  if (c.sizes ? !c.sizes.includes(len) : len < (c.min ?? 0)) badSize(at, name, len, c);
}

/**
 * The DecodeError of a bad attribute header at `off` (its length below 4, or
 * past `end`), naming the attribute when `table` knows its type.
 */
function badHeader(b: Buffer, off: number, end: number, at: string, table?: AttrTable<any>): never {
  const len = rd.u16(b, off);
  const type = rd.u16(b, off + 2) & NLA_TYPE_MASK;
  const name = table?.byId[type]?.[0];
  const what = name === undefined ? `attribute ${type}` : 'attribute';
  if (len < 4) fail(at, name, `${what} has length ${len}, shorter than its own header`);
  fail(at, name, `${what} of length ${len} runs past its parent (${bytes(end - off)} left)`);
}

// ---------------------------------------------------------------------------
// Value codecs

/**
 * How one value is written into and read out of an attribute payload. The
 * decoder is handed only payloads whose length `sizes`/`min` allow (the table
 * checks first, as libmnl's `mnl_attr_validate` does); a codec that finds more
 * wrong inside throws a DecodeError naming `at.name` (see {@link fail}).
 */
export interface ValueCodec<T = unknown> {
  encode(w: Writer, v: T, field: string): void;
  decode(b: Buffer, off: number, len: number, at: string, name: string): T;
  /** The payload lengths the type allows (a fixed-size integer: exactly its size). */
  readonly sizes?: readonly number[];
  /** The least payload length, when any length from there on is fine. */
  readonly min?: number;
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
    sizes: [bits / 8],
    encode(w, v, field) {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new (typeof v === 'number' ? RangeError : TypeError)(`${field} must be an integer, got ${show(v)}`);
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

const boolean = <T>(size: number, write: (w: Writer, v: number) => void, read: (b: Buffer, o: number) => T): ValueCodec<T> => ({
  sizes: [size],
  encode(w, v, field) {
    if (typeof v !== 'boolean') throw new TypeError(`${field} must be a boolean`);
    write(w, v ? 1 : 0);
  },
  decode: read,
});

/** The value types of the attribute tables. */
export const t = {
  u8: int(8, false, (w, v) => w.u8(v), rd.u8),
  u16: int(16, false, (w, v) => w.u16(v), rd.u16),
  s16: int(16, true, (w, v) => w.s16(v), (b, o) => (rd.u16(b, o) << 16) >> 16),
  u32: int(32, false, (w, v) => w.u32(v), rd.u32),
  s32: int(32, true, (w, v) => w.s32(v), rd.s32),
  be16: int(16, false, (w, v) => w.be16(v), (b, o) => b.readUInt16BE(o)),
  be32: int(32, false, (w, v) => w.be32(v), (b, o) => b.readUInt32BE(o)),
  u64: {
    sizes: [8],
    encode(w, v, field) {
      if (typeof v === 'bigint') {
        if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`${field} must be in 0..2^64-1, got ${v}`);
      } else if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
        throw new (typeof v === 'number' ? RangeError : TypeError)(`${field} must be a whole number in 0..2^53-1 (or a BigInt up to 2^64-1), got ${show(v)}`);
      w.u64(v);
    },
    decode: rd.u64,
  } as ValueCodec<number>,
  /** u8 read as a boolean (0/1). */
  bool: boolean(1, (w, v) => w.u8(v), (b, o) => b[o] !== 0),
  /** u32 read as a boolean (0/1). */
  bool32: boolean(4, (w, v) => w.u32(v), (b, o) => rd.u32(b, o) !== 0),
  /** Present-or-absent attribute (NLA_FLAG); a payload, if any, is ignored. */
  flag: {
    encode(_w, v, field) {
      if (typeof v !== 'boolean') throw new TypeError(`${field} must be a boolean`);
    },
    decode: () => true,
  } as ValueCodec<boolean>,
  /** NUL-terminated string. */
  string: {
    encode(w, v, field) {
      noNul(v, field);
      const b = Buffer.from(v, 'utf8');
      w.bytes(b);
      w.u8(0);
    },
    decode: readString,
  } as ValueCodec<string>,
  /** A string sent without its NUL (as iproute2 sends IFLA_INFO_KIND); reads either form. */
  chars: {
    encode(w, v, field) {
      noNul(v, field);
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
  /** An IPv4 or IPv6 address (family from the length: 4 or 16 bytes), as text. */
  ip: {
    sizes: [4, 16],
    encode(w, v, field) {
      w.bytes(parseIp(v, field).bytes);
    },
    decode: (b, off, len) => formatIp(b, off, len),
  } as ValueCodec<string>,
  /** A link-layer address ("aa:bb:cc:dd:ee:ff"; any length: see {@link macOf} where the length is known). */
  mac: {
    encode(w, v, field) {
      w.bytes(parseMac(v, field));
    },
    decode: (b, off, len) => formatMac(b, off, len),
  } as ValueCodec<string>,
};

/** A link-layer address of exactly `bytes` bytes (an Ethernet MAC: 6); the kernel would cut a longer one. */
export function macOf(bytes: number): ValueCodec<string> {
  return {
    sizes: [bytes],
    encode(w, v, field) {
      w.bytes(parseMac(v, field, bytes));
    },
    decode: (b, off, len) => formatMac(b, off, len),
  };
}

/** A string without NUL bytes: the kernel would end it there and act on what comes before. */
function noNul(v: unknown, field: string): asserts v is string {
  if (typeof v !== 'string') throw new TypeError(`${field} must be a string, got ${show(v)}`);
  if (v.includes('\0')) throw new TypeError(`${field} must not contain a NUL byte (the kernel would cut the string there)`);
}

/** An address of one family only, exactly 4 or 16 bytes (tunnel endpoints, RTA_* of a known family). */
export function ipOf(family: 'inet' | 'inet6'): ValueCodec<string> {
  return {
    sizes: [family === 'inet' ? 4 : 16],
    encode(w, v, field) {
      const p = parseIp(v, field);
      if (p.family !== family) throw new TypeError(`${field} must be an ${family === 'inet' ? 'IPv4' : 'IPv6'} address, got ${String(v)}`);
      w.bytes(p.bytes);
    },
    decode: (b, off, len) => formatIp(b, off, len),
  };
}

/** A read-only attribute (the kernel reports it; sending it is a TypeError). */
export function readOnly<C extends ValueCodec<any>>(c: C): C {
  return {
    ...c,
    encode(_w: Writer, _v: unknown, field: string) {
      throw new TypeError(`${field} is read only`);
    },
  };
}

/** Maps names to kernel numbers both ways (u8/u16/u32 enums such as modes). */
export function enumOf<N extends string>(
  base: ValueCodec<number>,
  names: Record<N, number>,
): ValueCodec<N | number> {
  const byValue = new Map<number, N>();
  for (const [k, v] of Object.entries(names) as [N, number][]) if (!byValue.has(v)) byValue.set(v, k);
  return {
    sizes: base.sizes,
    encode(w, v, field) {
      if (typeof v === 'number') return base.encode(w, v, field);
      const n = typeof v === 'string' && Object.hasOwn(names, v) ? names[v as N] : undefined;
      if (n === undefined) {
        const near = typeof v === 'string' ? closest(v, Object.keys(names)) : undefined;
        throw new TypeError(`${field} must be one of ${Object.keys(names).join(', ')}, got ${show(v)}${near ? ` (did you mean '${near}'?)` : ''}`);
      }
      base.encode(w, n, field);
    },
    decode(b, off, len, at, name) {
      const n = base.decode(b, off, len, at, name);
      return byValue.get(n) ?? n;
    },
  };
}

/** A bit set presented as a list of names (unknown bits kept as numbers). */
export function flagsOf<N extends string>(base: ValueCodec<number>, names: Record<N, number>): ValueCodec<(N | number)[]> {
  return {
    sizes: base.sizes,
    encode(w, v, field) {
      if (!Array.isArray(v)) throw new TypeError(`${field} must be an array of flag names`);
      base.encode(w, flagBits(names, v, field), field);
    },
    decode: (b, off, len, at, name) => flagNames(names, base.decode(b, off, len, at, name)),
  };
}

/** Turns a list of flag names into bits. */
export function flagBits<N extends string>(names: Record<N, number>, list: readonly (N | number)[], field: string): number {
  let bits = 0;
  if (!Array.isArray(list)) throw new TypeError(`${field} must be an array of flag names, got ${show(list)}`);
  for (const f of list) {
    if (typeof f === 'number' && !(Number.isInteger(f) && f >= 0 && f <= 0xffffffff)) throw new RangeError(`${field}: a flag given as a number must be an integer in 0..2^32-1, got ${f}`);
    const n = typeof f === 'number' ? f : typeof f === 'string' && Object.hasOwn(names, f) ? names[f as N] : undefined;
    if (n === undefined) throw new TypeError(`${field}: unknown flag ${show(f)}; known: ${Object.keys(names).join(', ')}`);
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

/** The attribute every member of a {@link members} nest is. */
export interface MemberSpec {
  id: number;
  /** Its UAPI constant, e.g. `'IFLA_ALT_IFNAME'`. */
  uapi: string;
}

/** A nest read as an array: {@link members}' codec, with what it holds (for table checks). */
export interface MembersCodec<T> extends ValueCodec<T[]> {
  readonly item: ValueCodec<T>;
  /** The one attribute each member is; absent: an indexed array whose member types count up from `firstId`. */
  readonly member?: MemberSpec;
  readonly firstId: number;
}

/**
 * A nest whose members are all one value type, read as an array: either every
 * member is the same attribute (`member`, e.g. IFLA_ALT_IFNAME in
 * IFLA_PROP_LIST), or the member types are indexes 0, 1, 2, … (`firstId` on).
 * Each member's length is checked against the item type.
 */
export function members<T>(item: ValueCodec<T>, member?: MemberSpec, firstId = 0): MembersCodec<T> {
  return {
    item,
    member,
    firstId,
    encode(w, v, field) {
      if (!Array.isArray(v)) throw new TypeError(`${field} must be an array`);
      v.forEach((x, i) => {
        const at = w.beginAttr(member ? member.id : firstId + i);
        item.encode(w, x, `${field}[${i}]`);
        w.endAttr(at);
      });
    },
    decode(b, off, len, at, name) {
      const out: T[] = [];
      const path = pathOf(at, name);
      const end = off + len;
      while (end - off >= 4) {
        const l = rd.u16(b, off);
        if (l < 4 || l > end - off) badHeader(b, off, end, path);
        const type = rd.u16(b, off + 2) & NLA_TYPE_MASK;
        if (!member || type === member.id) {
          const key = `[${out.length}]`;
          checkSize(item, l - 4, path, key);
          out.push(item.decode(b, off + 4, l - 4, path, key));
        }
        off += align4(l);
      }
      return out;
    },
  };
}

// ---------------------------------------------------------------------------
// Structs

/** Scalar types usable in a fixed struct, with their sizes. */
const fieldTypes = {
  u8: [1, t.u8],
  u16: [2, t.u16],
  s16: [2, t.s16],
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

/** One member of a {@link struct}: the facade's name, its type, and the C member's name. */
export type StructField = readonly [name: string, type: FieldType | Struct<any>, cname: string];

/** The object type a {@link Struct} reads. */
export type StructOf<S> = S extends Struct<infer T> ? T : never;

/** A fixed C struct (message header or struct attribute), described field by field. */
export interface Struct<T> extends ValueCodec<T> {
  /** The C struct's name, e.g. `'ifinfomsg'`. */
  readonly cname: string;
  /** Its size in bytes (padding included). */
  readonly size: number;
  readonly fields: readonly StructField[];
  /**
   * Reads a message's fixed header at `off`: the whole struct, or a
   * DecodeError (`path`) when the message ends before it does.
   */
  header(b: Buffer, off: number, end: number, path: string, out?: T): T;
}

/** JavaScript source that reads a field of type `ty` at `at` (host order unless big-endian). */
function readSource(ty: 'u8' | 'u16' | 's16' | 'u32' | 's32' | 'u64' | 'be16' | 'be32', at: string): string {
  const byte = (i: number) => (i ? `b[${at} + ${i}]` : `b[${at}]`);
  const le16 = (o: number) => `(${byte(o)} | ${byte(o + 1)} << 8)`;
  const be16 = (o: number) => `(${byte(o)} << 8 | ${byte(o + 1)})`;
  const le32 = (o: number) => `(${byte(o)} | ${byte(o + 1)} << 8 | ${byte(o + 2)} << 16 | ${byte(o + 3)} << 24)`;
  const be32 = (o: number) => `(${byte(o)} << 24 | ${byte(o + 1)} << 16 | ${byte(o + 2)} << 8 | ${byte(o + 3)})`;
  switch (ty) {
    case 'u8':
      return byte(0);
    case 'u16':
      return LE ? le16(0) : be16(0);
    case 's16':
      return `(${LE ? le16(0) : be16(0)}) << 16 >> 16`;
    case 'be16':
      return be16(0);
    case 'u32':
      return `${LE ? le32(0) : be32(0)} >>> 0`;
    case 's32':
      return `${LE ? le32(0) : be32(0)} | 0`;
    case 'be32':
      return `${be32(0)} >>> 0`;
    case 'u64':
      return LE ? `((${le32(0)} >>> 0) + (${le32(4)} >>> 0) * 4294967296)` : `((${be32(4)} >>> 0) + (${be32(0)} >>> 0) * 4294967296)`;
  }
}

/**
 * Describes a C struct by its UAPI name and `[name, type, cname]` members in
 * declaration order (natural alignment made explicit with pad fields). Missing
 * fields encode as 0; a struct attribute decodes the fields that fit entirely
 * (newer kernels append fields, older send fewer); a message header must be whole.
 */
export function struct<T extends object>(
  cname: string,
  fields: readonly (readonly [keyof T & string, FieldType | Struct<any>, string] | readonly [`_${string}`, FieldType, string])[],
): Struct<T> {
  const fs = fields as readonly StructField[];
  const K: Struct<any>[] = [];
  const sizeOf = (ty: FieldType | Struct<any>) => (typeof ty === 'string' ? fieldTypes[ty][0] : ty.size);
  const size = fs.reduce((n, [, ty]) => n + sizeOf(ty), 0);
  // Generated once per struct: static property names and inline byte reads keep the hot path monomorphic.
  let pos = 0;
  const whole: string[] = [];
  const into: string[] = [];
  const partial: string[] = [];
  for (const [name, ty] of fs) {
    const n = sizeOf(ty);
    if (!name.startsWith('_')) {
      // a member struct (a tc_ratespec inside tc_htb_opt) reads by its own decoder
      const src = typeof ty === 'string' ? readSource(ty as Exclude<FieldType, `pad${string}`>, `off + ${pos}`) : `K[${K.push(ty) - 1}].decode(b, off + ${pos}, ${ty.size})`;
      whole.push(`${JSON.stringify(name)}: ${src}`);
      into.push(`out[${JSON.stringify(name)}] = ${src};`);
      partial.push(`if (len < ${pos + n}) return o; o[${JSON.stringify(name)}] = ${src};`);
    }
    pos += n;
  }
  const header = new Function(
    'fail',
    'K',
    `return function header(b, off, end, path, out) {
      if (end > b.length || end - off < ${size}) fail(path, undefined, 'message of ' + (end - off) + ' bytes is shorter than its header, struct ${cname} (${size} bytes)');
      if (out !== undefined) { ${into.join(' ')} return out; }
      return { ${whole.join(', ')} };
    };`,
  )(fail, K) as Struct<T>['header'];
  // a whole struct (the usual case) is one object literal; a shorter one, the fields that fit
  const decode = new Function('K', `return function decode(b, off, len) { if (len >= ${size}) return { ${whole.join(', ')} }; const o = {}; ${partial.join(' ')} return o; };`)(K) as Struct<T>['decode'];
  return {
    cname,
    size,
    fields: fs,
    header,
    decode,
    encode: compileStructEncoder(cname, fs),
  };
}

/** The inline check (a value the member's type can hold) and write of each integer member type. */
const fastWrites: Partial<Record<FieldType, string>> = {
  u8: '(x & 0xff) === x',
  u16: '(x & 0xffff) === x',
  be16: '(x & 0xffff) === x',
  u32: '(x >>> 0) === x',
  be32: '(x >>> 0) === x',
  s16: '((x << 16) >> 16) === x',
  s32: '(x | 0) === x',
};

/**
 * Generates a struct's encoder: a member that passes its inline check is
 * written at once; anything else goes through its codec, which throws the
 * error naming `field.member` (the path string is built only then).
 */
function compileStructEncoder(cname: string, fs: readonly StructField[]): Struct<any>['encode'] {
  const C: ValueCodec<unknown>[] = [];
  const body: string[] = [];
  for (const [name, ty] of fs) {
    const lit = JSON.stringify(name);
    const sub = JSON.stringify(`.${name}`);
    if (typeof ty !== 'string') {
      body.push(`C[${C.push(ty) - 1}].encode(w, o[${lit}], field + ${sub});`);
      continue;
    }
    const [n, codec] = fieldTypes[ty];
    if (!codec) {
      body.push(`w.zeros(${n});`);
      continue;
    }
    const slow = `C[${C.push(codec as ValueCodec<unknown>) - 1}].encode(w, x, field + ${sub});`;
    const fast = fastWrites[ty];
    body.push(`x = o[${lit}] ?? 0; ${fast ? `if (${fast}) w.${ty}(x); else ` : ''}${slow}`);
  }
  return new Function(
    'C',
    'E',
    `return function encode_${cname.replace(/\W/g, '_')}(w, v, field) {
      if (v !== undefined && (typeof v !== 'object' || v === null)) throw new TypeError(field + ' must be an object');
      const o = v ?? E;
      let x;
      ${body.join('\n      ')}
    };`,
  )(C, Object.freeze({})) as Struct<any>['encode'];
}

// ---------------------------------------------------------------------------
// Attribute tables

/** One attribute of a table: its id and UAPI name, and its value type or, for nests, the inner table. */
export interface AttrSpec {
  id: number;
  /** The UAPI constant of `id`, e.g. `'IFLA_MTU'` (what table checks compare with the kernel's headers and specs). */
  uapi?: string;
  codec?: ValueCodec<any>;
  nest?: AttrTable<any> | (() => AttrTable<any>);
  /** Set NLA_F_NESTED on encode (some kernels require it, e.g. tc options). */
  nestedFlag?: boolean;
  /** Write only: the decoder skips this attribute (e.g. an fd). */
  writeOnly?: boolean;
  /**
   * Known but not decoded (a counters struct the facade leaves out, a nest
   * only requests carry): the decoder skips it without listing it in
   * `unknown`, and the encoder refuses it. Made by the `ignored` argument of
   * {@link attrs}; its table key is `#` + the UAPI name.
   */
  ignore?: true;
}

/** `name: [id, codec, 'UAPI_NAME']`, the short form of an {@link AttrSpec}. */
export type Shorthand = readonly [id: number, codec: ValueCodec<any>, uapi: string];

/** Decodes the attributes in [off, end) into `out` (a fresh object when absent); `path` names them in errors. */
export type DecodeFn<T> = (b: Buffer, off: number, end: number, out?: Record<string, unknown>, path?: string) => T;

/**
 * A compiled attribute table: name → spec and id → (name, spec), and a
 * decoder generated from it on first use (one `switch` over the ids, the
 * common value types read inline, every length checked before it is read).
 */
export class AttrTable<T = Record<string, unknown>> {
  /** Field name → spec (what encoders look up). */
  readonly byName: Map<string, AttrSpec>;
  /** Attribute id → [field name, spec], write-only specs left out (what decoders look up). */
  readonly byId: (readonly [string, AttrSpec] | undefined)[] = [];
  /** The decoded object's type (compile time only). */
  declare readonly _type: T;
  /**
   * Reads the attributes in [off, end) into `out` (or a fresh object), keyed
   * by field names. An id the table does not know is kept in `out.unknown`
   * ({@link UnknownAttrs}; skipped instead by a table made with
   * `keepUnknown: false`, such as a {@link AttrTable.pick}); a malformed
   * attribute is a DecodeError naming `path.field` (`path` defaults to the
   * table's name).
   */
  decode: DecodeFn<T>;
  /** Whether the decoder keeps unknown ids in `unknown` (false: skips them). */
  readonly keepUnknown: boolean;

  constructor(readonly name: string, specs: Record<string, AttrSpec>, opts: { keepUnknown?: boolean } = {}) {
    this.keepUnknown = opts.keepUnknown ?? true;
    const entries = Object.entries(specs);
    // an ignored id that an entry decodes (a table grown from another) is that entry's
    const decoded = new Set(entries.filter(([, s]) => !s.ignore && !s.writeOnly).map(([, s]) => s.id));
    this.byName = new Map(entries.filter(([, s]) => !(s.ignore && decoded.has(s.id))));
    for (const [k, s] of this.byName) if (!s.writeOnly && !s.ignore) this.byId[s.id] = [k, s];
    this.decode = (b, off, end, out, path) => {
      this.decode = compileDecoder(this);
      return this.decode(b, off, end, out, path);
    };
  }

  /**
   * Sets every field of the table to `undefined` in `o` (a scratch object a
   * hot decoder reuses instead of a fresh one per message; its shape stays the same).
   */
  reset(o: Partial<T>): Partial<T> {
    const keys = [...this.byName].filter(([, s]) => !s.ignore).map(([k]) => k);
    if (this.keepUnknown) keys.push('unknown');
    this.reset = new Function('o', `${keys.map((k) => `o[${JSON.stringify(k)}] = undefined;`).join(' ')} return o;`) as (o: Partial<T>) => Partial<T>;
    return this.reset(o);
  }

  /** Writes every field of `v` that the table knows; unknown fields are a TypeError. */
  encode(w: Writer, v: Partial<T>, path = this.name, skip?: ReadonlySet<string>): void {
    if (!isPlain(v)) throw new TypeError(`${path} must be a plain object, got ${show(v)}`);
    // Own keys only: inherited ones (a prototype trick) are not options.
    for (const key of Object.keys(v)) {
      const value = (v as Record<string, unknown>)[key];
      if (value === undefined || skip?.has(key)) continue;
      const spec = this.byName.get(key);
      if (!spec || spec.ignore) {
        const near = closest(key, [...this.byName].filter(([, s]) => !s.ignore).map(([k]) => k));
        throw new TypeError(`${path}: unknown field '${key}'${near ? ` (did you mean '${near}'?)` : ''}`);
      }
      encodeAttr(w, spec, value, `${path}.${key}`);
    }
  }

  /** The spec of `name`; a missing one is the library's own mistake. */
  spec(name: string): AttrSpec {
    const s = this.byName.get(name);
    if (!s || s.ignore) throw new Error(`table ${this.name} has no attribute '${name}'`);
    return s;
  }

  /** The attribute id of `name`. */
  idOf(name: keyof T & string): number {
    return this.spec(name).id;
  }

  /** Writes one attribute by its field name (through its codec or nest table). */
  encodeOne(w: Writer, name: keyof T & string, value: unknown, path?: string): void {
    // The default path is made once per attribute, not per call (it is read only in errors).
    let e = this.ones.get(name);
    if (e === undefined) this.ones.set(name, (e = { spec: this.spec(name), path: `${this.name}.${name}` }));
    encodeAttr(w, e.spec, value, path ?? e.path);
  }
  private readonly ones = new Map<string, { spec: AttrSpec; path: string }>();

  /** Writes one attribute whose payload the caller has already made (an address parsed earlier). */
  encodeBytes(w: Writer, name: keyof T & string, payload: Uint8Array): void {
    const at = w.beginAttr(this.spec(name).id);
    w.bytes(payload);
    w.endAttr(at);
  }

  /** Opens the nest attribute `name`; close it with `w.endAttr(at)`. */
  beginNest(w: Writer, name: keyof T & string): number {
    const s = this.spec(name);
    return w.beginAttr(s.id | (s.nestedFlag ? NLA_F_NESTED : 0));
  }

  /**
   * A table of some of these attributes (same ids; for a decoder that needs
   * only them). It skips the other ids unless `keepUnknown` (a nest whose
   * place holds only these, such as a path of RTA_MULTIPATH).
   */
  pick<K extends keyof T & string>(name: string, keys: readonly K[], keepUnknown = false): AttrTable<Pick<T, K>> {
    // a partial view: what it leaves out is not unknown (unless the picked ones are all its place can hold)
    return new AttrTable<Pick<T, K>>(name, Object.fromEntries(keys.map((k) => [k, this.spec(k)])), { keepUnknown });
  }

  /** The same table without decoding some attributes (they are then skipped as ignored ones, not listed as unknown). */
  omit<K extends keyof T & string>(keys: readonly K[]): AttrTable<Omit<T, K>> {
    const specs = [...this.byName].map(([k, s]): [string, AttrSpec] =>
      keys.includes(k as K) ? [`#${s.uapi ?? k}`, { id: s.id, uapi: s.uapi, ignore: true }] : [k, s]);
    return new AttrTable<Omit<T, K>>(this.name, Object.fromEntries(specs), { keepUnknown: this.keepUnknown });
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
    if (!isPlain(value)) throw new TypeError(`${path} must be a plain object, got ${show(value)}`);
    nestTable(spec).encode(w, value as Record<string, unknown>, path);
  } else {
    spec.codec!.encode(w, value, path);
  }
  w.endAttr(at);
}

/**
 * Calls `fn(type, payloadOffset, payloadLength)` for each attribute in
 * [off, end), checking each header: a length below 4 or past `end` is a
 * DecodeError naming `path`.
 */
export function forEachAttr(b: Buffer, off: number, end: number, path: string, fn: (type: number, p: number, len: number) => void): void {
  while (end - off >= 4) {
    const len = rd.u16(b, off);
    if (len < 4 || len > end - off) badHeader(b, off, end, path);
    fn(rd.u16(b, off + 2) & NLA_TYPE_MASK, off + 4, len - 4);
    off += align4(len);
  }
}

/** Value types read inline by generated decoders (`q`: payload offset, `l`: its length). */
const inlineReads = new Map<ValueCodec<any>, (q: string) => string>([
  [t.u8, (q) => readSource('u8', q)],
  [t.u16, (q) => readSource('u16', q)],
  [t.u32, (q) => readSource('u32', q)],
  [t.s32, (q) => readSource('s32', q)],
  [t.u64, (q) => readSource('u64', q)],
  [t.be16, (q) => readSource('be16', q)],
  [t.be32, (q) => readSource('be32', q)],
  [t.bool, (q) => `b[${q}] !== 0`],
  [t.bool32, (q) => `(${readSource('u32', q)}) !== 0`],
  [t.flag, () => 'true'],
  [t.string, (q) => `readString(b, ${q}, l)`],
  [t.chars, (q) => `readString(b, ${q}, l)`],
  [t.ip, (q) => `formatIp(b, ${q}, l)`],
  [t.mac, (q) => `formatMac(b, ${q}, l)`],
]);

/** The source of a length check for `c` (empty when any length is fine). */
function sizeCheck(c: ValueCodec<any>, ref: string, nameLit: string): string {
  let cond: string | undefined;
  if (c.sizes) cond = c.sizes.map((n) => `l !== ${n}`).join(' && ');
  else if (c.min) cond = `l < ${c.min}`;
  return cond ? `if (${cond}) badSize(path, ${nameLit}, l, ${ref});` : '';
}

/**
 * Generates a table's decoder: a loop over the attributes with one `case`
 * per id that checks the payload length and reads the value, inline for the
 * common types, by the codec otherwise; nests recurse bounded by their payload.
 */
function compileDecoder<T>(table: AttrTable<T>): DecodeFn<T> {
  const K: unknown[] = [];
  const ref = (v: unknown) => `K[${K.push(v) - 1}]`;
  const cases: string[] = [];
  // known ids that are not decoded (ignored, write only): skipped, not unknown
  const skipped = new Set<number>();
  for (const s of table.byName.values()) if ((s.ignore || s.writeOnly) && !table.byId[s.id]) skipped.add(s.id);
  if (skipped.size) cases.push(`${[...skipped].sort((a, b) => a - b).map((id) => `case ${id}:`).join(' ')} break;`);
  // an unknown id: its payload kept as hex (this branch alone pays for it)
  if (table.keepUnknown) cases.push('default: { const u = out.unknown; (u === undefined ? (out.unknown = {}) : u)[id] = b.toString(\'hex\', q, q + l); break; }');
  table.byId.forEach((entry, id) => {
    if (!entry) return;
    const [name, spec] = entry;
    const nameLit = JSON.stringify(name);
    let body: string;
    if (spec.nest) {
      body = `out[${nameLit}] = ${ref(nestTable(spec))}.decode(b, q, q + l, undefined, pathOf(path, ${nameLit}));`;
    } else {
      const c = spec.codec!;
      const r = ref(c);
      const read = inlineReads.get(c);
      body = `${sizeCheck(c, r, nameLit)} out[${nameLit}] = ${read ? read('q') : `${r}.decode(b, q, l, path, ${nameLit})`};`;
    }
    cases.push(`case ${id}: { ${body} break; }`);
  });
  const src = `return function decode_${table.name.replace(/\W/g, '_')}(b, off, end, out, path) {
    if (out === undefined) out = {};
    if (path === undefined) path = ${JSON.stringify(table.name)};
    while (end - off >= 4) {
      const len = ${readSource('u16', 'off')};
      if (len < 4 || len > end - off) badHeader(b, off, end, path, T);
      const q = off + 4;
      const l = len - 4;
      const id = ${readSource('u16', 'off + 2')} & ${NLA_TYPE_MASK};
      switch (id) {
        ${cases.join('\n        ')}
      }
      off += (len + 3) & -4;
    }
    return out;
  };`;
  return new Function('K', 'T', 'readString', 'formatIp', 'formatMac', 'badSize', 'badHeader', 'pathOf', src)(
    K, table, readString, formatIp, formatMac, badSize, badHeader, pathOf,
  ) as DecodeFn<T>;
}

/**
 * Builds a table from entries `name: [id, codec, 'UAPI_NAME']` for a value,
 * or a full {@link AttrSpec} (with its `uapi`) for nests and special cases.
 * `ignored` (`{ UAPI_NAME: id }`) lists what the kernel sends and the facade
 * deliberately leaves undecoded: skipped, never listed as `unknown`.
 */
export function attrs<T>(
  name: string,
  entries: { [K in keyof T]?: Shorthand | (AttrSpec & { uapi: string }) },
  ignored: Readonly<Record<string, number>> = {},
): AttrTable<T> {
  const specs: Record<string, AttrSpec> = {};
  for (const [k, e] of Object.entries(entries) as [string, Shorthand | AttrSpec][]) {
    specs[k] = Array.isArray(e) ? { id: e[0], codec: e[1], uapi: e[2] } : (e as AttrSpec);
  }
  for (const [uapi, id] of Object.entries(ignored)) specs[`#${uapi}`] = { id, uapi, ignore: true };
  return new AttrTable<T>(name, specs);
}
