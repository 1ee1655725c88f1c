/**
 * Shared types and the parsing/formatting of addresses, prefixes and names,
 * with the validation that runs before anything is sent to the kernel.
 * @module
 */
import { isIPv6 } from 'node:net';
import { show } from './validate.js';

/** Address family numbers (`AF_INET`, `AF_INET6`, …) as the kernel uses them. */
export const AF = { UNSPEC: 0, INET: 2, BRIDGE: 7, INET6: 10, MPLS: 28 } as const;

/** `'inet'` or `'inet6'`, as `ip -4` / `ip -6` and `ip -j` name them. */
export type Family = 'inet' | 'inet6';

/** A link given by name (`"eth0"`) or by index (`3`). */
export type LinkRef = string | number;

/**
 * A network namespace: a name under /run/netns (`ip netns`), `{ path }` of a
 * namespace file, `{ pid }` of a process living in it, or `{ fd }` open on it.
 */
export type NetnsRef = string | { path: string } | { pid: number } | { fd: number };

/** Accepts `AbortSignal` on operations that may wait. */
export interface Abortable {
  signal?: AbortSignal;
}

/** Interface names: at most 15 bytes, no '/', no whitespace, not '.' or '..' (as `ip` checks). */
export function checkIfname(name: unknown, field = 'name'): string {
  if (typeof name !== 'string') throw new TypeError(`${field} must be a string, got ${typeof name}`);
  if (name.length === 0) throw new TypeError(`${field} must not be empty`);
  if (Buffer.byteLength(name) > 15) throw new RangeError(`${field} '${name}' is longer than 15 bytes`);
  if (name.includes('\0')) throw new TypeError(`${field} must not contain a NUL byte (the kernel would cut the name there)`);
  if (/[\s/:]/.test(name) || name === '.' || name === '..')
    throw new TypeError(`${field} '${name}' is not a valid interface name (no '/', ':' or whitespace)`);
  return name;
}

/** A parsed IP address. */
export interface ParsedIp {
  family: Family;
  bytes: Buffer;
}

/** Parses an IPv4/IPv6 address string; a TypeError names the field on bad input. */
export function parseIp(v: unknown, field = 'address'): ParsedIp {
  if (typeof v === 'string') {
    const v4 = ipv4Bytes(v);
    if (v4) return { family: 'inet', bytes: v4 };
    const zone = v.indexOf('%');
    const s = zone >= 0 ? v.slice(0, zone) : v;
    if (isIPv6(s)) return { family: 'inet6', bytes: ipv6Bytes(s) };
  }
  throw new TypeError(`${field} must be an IPv4 or IPv6 address, got ${show(v)}`);
}

/** Dotted-quad IPv4 (what `isIPv4` accepts: no leading zeros) without regex or temporary arrays. */
function ipv4Bytes(s: string): Buffer | undefined {
  const n = s.length;
  if (n < 7 || n > 15) return undefined;
  let part = 0;
  let val = 0;
  let digits = 0;
  const out = Buffer.allocUnsafe(4);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part === 3) return undefined;
      out[part++] = val;
      val = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && val === 0) return undefined;
      val = val * 10 + (c - 48);
      if (++digits > 3 || val > 255) return undefined;
    } else return undefined;
  }
  if (part !== 3 || digits === 0) return undefined;
  out[3] = val;
  return out;
}

function ipv6Bytes(s: string): Buffer {
  const out = Buffer.alloc(16);
  let tail = s;
  // an embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups
  const dot = s.lastIndexOf(':');
  if (s.includes('.', dot)) {
    const v4 = s.slice(dot + 1).split('.').map(Number);
    tail = `${s.slice(0, dot + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const [head, rest] = tail.includes('::') ? tail.split('::') : [tail, undefined];
  const h = head ? head.split(':') : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...Array(8 - h.length - r.length).fill('0'), ...r];
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** Decimal text of each byte value (IPv4 formatting without number conversions). */
const DEC = Array.from({ length: 256 }, (_, i) => String(i));
/** Hex text of each byte value, unpadded and padded to 2 digits. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16));
const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Formats 4 or 16 address bytes as text (RFC 5952 for IPv6, as `ip` prints). */
export function formatIp(b: Uint8Array, off = 0, len = b.length - off): string {
  if (len === 4) return DEC[b[off]] + '.' + DEC[b[off + 1]] + '.' + DEC[b[off + 2]] + '.' + DEC[b[off + 3]];
  if (len !== 16) return formatMac(b, off, len);
  // IPv4-mapped addresses print with a dotted tail, as inet_ntop does
  let z = 0;
  while (z < 10 && b[off + z] === 0) z++;
  if (z === 10 && b[off + 10] === 0xff && b[off + 11] === 0xff) return '::ffff:' + formatIp(b, off + 12, 4);
  // the longest run (≥ 2) of zero groups, the first of equals, becomes '::'
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (b[off + 2 * i] | b[off + 2 * i + 1]) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && (b[off + 2 * j] | b[off + 2 * j + 1]) === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s !== '' && i !== best + bestLen) s += ':';
    const hi = b[off + 2 * i];
    s += hi ? HEX[hi] + HEX2[b[off + 2 * i + 1]] : HEX[b[off + 2 * i + 1]];
  }
  return s;
}

/** A parsed prefix: address bytes, family and prefix length. */
export interface Prefix extends ParsedIp {
  address: string;
  prefixlen: number;
  /** The text carried a `/LEN` (else the length is the family's full one). */
  explicit: boolean;
}

/**
 * Parses `"10.0.0.1/24"` (or a bare address, taken as a host prefix). The
 * prefix length must fit the family (0–32 or 0–128); with `strict`, it is
 * decimal without leading zeros (`ip` would read `/024` as octal 20).
 */
export function parsePrefix(v: unknown, field = 'prefix', strict = false): Prefix {
  if (typeof v !== 'string') throw new TypeError(`${field} must be a CIDR string such as "10.0.0.1/24", got ${show(v)}`);
  const slash = v.indexOf('/');
  const addr = slash >= 0 ? v.slice(0, slash) : v;
  const ip = parseIp(addr, field);
  const max = ip.family === 'inet' ? 32 : 128;
  let prefixlen = max;
  if (slash >= 0) {
    // Digits by hand: this runs for every route and address a caller passes.
    const n = v.length - slash - 1;
    let len = 0;
    let ok = n >= 1 && n <= 3;
    for (let i = slash + 1; ok && i < v.length; i++) {
      const c = v.charCodeAt(i) - 48;
      if (c < 0 || c > 9) ok = false;
      else len = len * 10 + c;
    }
    if (!ok) throw new TypeError(`${field}: bad prefix length in ${JSON.stringify(v)}`);
    if (strict && n > 1 && v.charCodeAt(slash + 1) === 48) throw new TypeError(`${field}: bad prefix length in ${JSON.stringify(v)} (a decimal number without leading zeros)`);
    prefixlen = len;
    if (prefixlen > max) throw new RangeError(`${field}: prefix length ${prefixlen} is out of range 0..${max} for ${ip.family}`);
  }
  return { family: ip.family, bytes: ip.bytes, address: addr, prefixlen, explicit: slash >= 0 };
}

/** Parses "aa:bb:cc:dd:ee:ff" (or "aa-bb-…"); any whole number of bytes. */
export function parseMac(v: unknown, field = 'address', bytes?: number): Buffer {
  if (typeof v === 'string' && /^[0-9a-fA-F]{1,2}([:-][0-9a-fA-F]{1,2})*$/.test(v)) {
    const b = Buffer.from(v.split(/[:-]/).map((x) => parseInt(x, 16)));
    if (bytes !== undefined && b.length !== bytes)
      throw new RangeError(`${field} must be a ${bytes}-byte link-layer address, got ${b.length} bytes in ${JSON.stringify(v)}`);
    return b;
  }
  throw new TypeError(`${field} must be a link-layer address such as "02:00:00:00:00:01", got ${typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v}`);
}

/** Formats link-layer address bytes as "aa:bb:…". */
export function formatMac(b: Uint8Array, off = 0, len = b.length - off): string {
  let s = '';
  for (let i = 0; i < len; i++) s += (i ? ':' : '') + (b[off + i] < 16 ? '0' : '') + b[off + i].toString(16);
  return s;
}

/** Checks an integer option against a range before it is sent. */
export function checkInt(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new (typeof v === 'number' ? RangeError : TypeError)(`${field} must be an integer in ${min}..${max}, got ${typeof v === 'bigint' ? `${v}n (a BigInt)` : typeof v === 'symbol' ? 'a Symbol' : JSON.stringify(v) ?? String(v)}`);
  if (v < min || v > max) throw new RangeError(`${field} must be in ${min}..${max}, got ${v}`);
  return v;
}

/** Attributes shared by what you pass to add/set and what list returns. */
export interface LinkAttributes {
  /** `name` (IFLA_IFNAME), at most 15 bytes. */
  name?: string;
  /** `mtu`. */
  mtu?: number;
  /** `address` — the MAC address. */
  address?: string;
  /** `broadcast` — link-layer broadcast address. */
  broadcast?: string;
  /** `txqueuelen` (IFLA_TXQLEN; `ip -j` calls it `txqlen`). */
  txqlen?: number;
  /** `group` — the link group number (0 is `default`). */
  group?: number;
  /** `alias` (IFLA_IFALIAS; `ifalias` in `ip -j`). An empty string removes it. */
  alias?: string;
  /** `mode default|dormant` (`linkmode`). */
  linkmode?: 'DEFAULT' | 'DORMANT' | number;
  /** `numtxqueues` (at creation). */
  numTxQueues?: number;
  /** `numrxqueues` (at creation). */
  numRxQueues?: number;
  /** `gso_max_size`. */
  gsoMaxSize?: number;
  /** `gso_max_segs`. */
  gsoMaxSegs?: number;
  /** `gro_max_size`. */
  groMaxSize?: number;
  /** `gso_ipv4_max_size`. */
  gsoIpv4MaxSize?: number;
  /** `gro_ipv4_max_size`. */
  groIpv4MaxSize?: number;
  /** `protodown on|off`. */
  protoDown?: boolean;
  /**
   * Write only: act in the namespace with this nsid, as seen from the handle's
   * (IFLA_TARGET_NETNSID) — e.g. create a link there without a handle inside it.
   */
  targetNetnsid?: number;
}

/** What a veth/vxcan peer may carry (`peer name NAME address … mtu … netns …`). */
export interface LinkPeer extends LinkAttributes {
  /** Name of the peer (required). */
  name?: string;
  /** Create the peer directly inside this namespace (one request; no move afterwards). */
  netns?: NetnsRef;
}

/**
 * The attributes of a reply that no table entry knows (a newer kernel's),
 * kept as they came: attribute type (NLA_F_* bits masked) → payload as hex,
 * as a kind without a table lists its data (`info: { raw: hex }`). A type
 * that repeats keeps its last payload. Objects that lists, gets and events
 * return carry them as `unknown` (kind options as `info.unknown`, and so on);
 * attributes the library knows but deliberately does not decode never appear.
 * An `ip` equivalent: `ip -d` prints nothing for them either.
 */
export type UnknownAttrs = Record<number, string>;

