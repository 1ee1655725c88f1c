/**
 * Addresses: `ip address add|replace|del|show|flush` over
 * RTM_NEWADDR/RTM_DELADDR/RTM_GETADDR, IPv4 and IPv6.
 * @module
 */
import { attrs, enumOf, flagBits, flagNames, rd, struct, t, type Writer } from './codec.js';
import { NetlinkError } from './errors.js';
import { getLinkRequest, linkIndex } from './link.js';
import { NLM_F } from './protocol.js';
import { RTM } from './wire/rtm.js';
import { streaming, type Op, type Request } from './request.js';
import { AF, checkIfname, checkInt, formatIp, parseIp, parsePrefix, type Family, type LinkRef } from './types.js';
import { registerEvents } from './monitor.js';

/** struct ifaddrmsg (linux/if_addr.h). */
export interface IfAddrMsg {
  family: number;
  prefixlen: number;
  flags: number;
  scope: number;
  index: number;
}
/** The ifaddrmsg header codec. */
export const ifaddrmsg = struct<IfAddrMsg>([
  ['family', 'u8'],
  ['prefixlen', 'u8'],
  ['flags', 'u8'],
  ['scope', 'u8'],
  ['index', 'u32'],
]);

/** Scopes (`RT_SCOPE_*`), named as `ip` prints them (/etc/iproute2/rt_scopes). */
export const SCOPES = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;
/** An address or route scope: a name of {@link SCOPES} (`universe` is `global`) or a number 0–255. */
export type Scope = keyof typeof SCOPES | 'universe' | number;
const scopeNames = new Map<number, keyof typeof SCOPES>(Object.entries(SCOPES).map(([k, v]) => [v, k as keyof typeof SCOPES]));

/** Turns a {@link Scope} into its number, checking it. */
export function scopeNumber(v: unknown, field: string): number {
  if (typeof v === 'number') return checkInt(v, field, 0, 255);
  if (v === 'universe') return 0;
  const n = SCOPES[v as keyof typeof SCOPES];
  if (n === undefined) throw new TypeError(`${field} must be one of ${Object.keys(SCOPES).join(', ')} or a number 0-255, got ${JSON.stringify(v)}`);
  return n;
}

/** The name of a scope number (or the number when unnamed). */
export function scopeName(n: number): Scope {
  return scopeNames.get(n) ?? n;
}

/** Address flags (`IFA_F_*`), as `ip address` names them (`secondary` is `temporary` for IPv6). */
export const IFA_F = {
  secondary: 0x01,
  nodad: 0x02,
  optimistic: 0x04,
  dadfailed: 0x08,
  home: 0x10,
  deprecated: 0x20,
  tentative: 0x40,
  permanent: 0x80,
  mngtmpaddr: 0x100,
  noprefixroute: 0x200,
  autojoin: 0x400,
  stablePrivacy: 0x800,
} as const;
const IFA_F6 = { temporary: 0x01, ...IFA_F, secondary: 0 } as const;
const IFA_F_IN = { ...IFA_F, temporary: 0x01 } as const;
/** A name of {@link IFA_F} (or `temporary`, IPv6's name for bit 0x01). */
export type AddressFlag = keyof typeof IFA_F | 'temporary';

/** Address origins (`IFAPROT_*`), as `ip address … proto` names them. */
const protos = { unspec: 0, kernel_lo: 1, kernel_ra: 2, kernel_ll: 3 } as const;
/** `proto`: who configured an address (a name or a number 0–255). */
export type AddressProto = keyof typeof protos | number;

/** A lifetime in seconds, or `'forever'` (the default). */
export type Lifetime = number | 'forever';
const FOREVER = 0xffffffff;

interface IfaCacheinfo {
  preferred: number;
  valid: number;
  cstamp: number;
  tstamp: number;
}
const cacheinfo = struct<IfaCacheinfo>([
  ['preferred', 'u32'],
  ['valid', 'u32'],
  ['cstamp', 'u32'],
  ['tstamp', 'u32'],
]);

/** IFA_* (linux/if_addr.h), by their kernel meaning. */
interface IfaAttrs {
  ifaAddress: string;
  ifaLocal: string;
  label: string;
  broadcast: string;
  anycast: string;
  cacheinfo: IfaCacheinfo;
  multicast: string;
  ifaFlags: number;
  metric: number;
  proto: AddressProto;
}
const addrAttrs = attrs<IfaAttrs>('address', {
  ifaAddress: [1, t.ip],
  ifaLocal: [2, t.ip],
  label: [3, t.string],
  broadcast: [4, t.ip],
  anycast: [5, t.ip],
  cacheinfo: [6, cacheinfo],
  multicast: [7, t.ip],
  ifaFlags: [8, t.u32],
  metric: [9, t.u32],
  proto: [11, enumOf(t.u8, protos)],
});

/** An address as `address.list` returns it (one `addr_info` entry of `ip -j address show`). */
export interface Address {
  family: Family;
  /** The link's index (`ifindex`). */
  index: number;
  /** The link's name (`dev`), when it could be resolved. */
  dev?: string;
  /** The interface's own address, without prefix length (`local`). */
  address: string;
  /** `prefixlen`. */
  prefixlen: number;
  /** IFA_LOCAL: the same as `address` (`ip -j` calls it `local`). */
  local: string;
  /** `peer` — the other end of a point-to-point address (IFA_ADDRESS ≠ IFA_LOCAL). */
  peer?: string;
  /** `brd` (IPv4). */
  broadcast?: string;
  /** `anycast`. */
  anycast?: string;
  /** `label` (IPv4). */
  label?: string;
  /** `scope`. */
  scope: Scope;
  /** Flags: `secondary`/`temporary`, `tentative`, `dadfailed`, `deprecated`, `permanent`, `nodad`, … */
  flags: (AddressFlag | number)[];
  /** `valid_lft` in seconds, or `'forever'`. */
  validLft: Lifetime;
  /** `preferred_lft` in seconds, or `'forever'`. */
  preferredLft: Lifetime;
  /** `metric` of the prefix route (IFA_RT_PRIORITY). */
  metric?: number;
  /** `proto`. */
  proto?: AddressProto;
}

/** What `address.add`/`replace` take: `ip address add ADDRESS/LEN dev DEV …`. */
export interface AddressOptions {
  /** `dev` — the link, by name or index. */
  dev?: LinkRef;
  /** The link's index (what `list` returns); an alternative to `dev`. */
  index?: number;
  /** `ADDRESS[/LEN]`, e.g. `'10.0.0.1/24'` or `'2001:db8::1/64'`. */
  address: string;
  /** The prefix length, when `address` carries none (as `list` returns it). */
  prefixlen?: number;
  /** Accepted for symmetry with `list`; must equal `address` when given. */
  local?: string;
  /** `peer ADDRESS[/LEN]` — point-to-point peer; its length is the prefix length. */
  peer?: string;
  /** `broadcast ADDRESS`, or `'+'` (host bits set) / `'-'` (host bits clear) as `brd +`/`brd -` (IPv4). */
  broadcast?: string;
  /** `anycast ADDRESS`. */
  anycast?: string;
  /** `label NAME` (IPv4; at most 15 bytes, by convention `DEV` or `DEV:tag`). */
  label?: string;
  /** `scope` — default `host` for 127.0.0.0/8, else `global` (as `ip` does). */
  scope?: Scope;
  /** `home`, `nodad`, `optimistic`, `mngtmpaddr`, `noprefixroute`, `autojoin`. */
  flags?: (AddressFlag | number)[];
  /** `valid_lft` seconds (default forever). */
  validLft?: Lifetime;
  /** `preferred_lft` seconds (default forever; at most `validLft`). */
  preferredLft?: Lifetime;
  /** `metric` of the prefix route the kernel adds. */
  metric?: number;
  /** `proto`. */
  proto?: AddressProto;
  /** Accepted for symmetry with `list`; must match the address. */
  family?: Family;
}

/** Which address `address.del` removes: `ip address del ADDRESS[/LEN] dev DEV`. */
export type AddressDelOptions = Pick<AddressOptions, 'dev' | 'index' | 'address' | 'prefixlen' | 'local' | 'peer' | 'label' | 'family'> &
  Partial<Pick<Address, 'scope' | 'flags' | 'validLft' | 'preferredLft' | 'broadcast' | 'anycast' | 'metric' | 'proto'>>;

/** Filters of `address.list`/`flush` (`ip address show [dev DEV] [scope S] [label L] [to PREFIX]`). */
export interface AddressFilter {
  /** `dev DEV` (filtered in the kernel). */
  dev?: LinkRef;
  /** `-4` / `-6` (filtered in the kernel); both by default. */
  family?: Family;
  /** `scope S`. */
  scope?: Scope;
  /** `label PATTERN` (`*` matches any run of characters, as `ip`'s glob). */
  label?: string;
  /** `to PREFIX`: addresses inside this prefix. */
  to?: string;
  /** Only addresses that have every one of these flags (e.g. `['tentative']`). */
  flags?: (AddressFlag | number)[];
}

const IFLA_IFNAME = 3;
const IFLA_EXT_MASK = 29;
const RTEXT_FILTER_SKIP_STATS = 1 << 3;

/** @internal A dump of every link's index and name (stats skipped), for naming the links of other objects. */
export function linkNamesRequest(): Request<readonly [number, string]> {
  return {
    type: RTM.GETLINK,
    flags: NLM_F.DUMP,
    body(w) {
      w.zeros(16); // ifinfomsg
      const at = w.beginAttr(IFLA_EXT_MASK);
      w.u32(RTEXT_FILTER_SKIP_STATS);
      w.endAttr(at);
    },
    parse(b, off, end) {
      const index = rd.s32(b, off + 4);
      let p = off + 16;
      while (p + 4 <= end) {
        const len = rd.u16(b, p);
        if (len < 4) break;
        if ((rd.u16(b, p + 2) & 0x3fff) === IFLA_IFNAME) return [index, t.string.decode(b, p + 4, len - 4)] as const;
        p += (len + 3) & ~3;
      }
      return undefined;
    },
  };
}

/** @internal How a list finds the names of links: known already, one link, or all of them. */
export type NameSource = { known: Map<number, string> } | { one: number } | { all: true };

/**
 * @internal Resolves the `dev` of a filter: the index to filter on in the
 * kernel, and where link names will come from.
 */
export function* resolveDev(dev: LinkRef | undefined, where: string): Op<{ index?: number; names: NameSource }> {
  if (dev === undefined) return { names: { all: true } };
  if (typeof dev === 'number') return { index: checkInt(dev, where, 1, 0x7fffffff), names: { one: dev } };
  const index = yield* linkIndex(dev, where);
  return { index, names: { known: new Map([[index, dev]]) } };
}

/**
 * @internal Runs `dump` beside the name lookup `src` needs, then names the
 * links of each item (`indexes` lists them, `assign` writes the names). Links
 * the first lookup did not cover are looked up afterwards, one by one when few.
 */
export function* dumpNamed<T>(
  dump: Request<T>,
  src: NameSource,
  indexes: (item: T) => Iterable<number>,
  assign: (item: T, names: Map<number, string>) => void,
): Op<T[]> {
  let items: T[];
  let names: Map<number, string>;
  if ('known' in src) {
    items = (yield dump) as T[];
    names = new Map(src.known);
  } else if ('one' in src) {
    const [links, got] = (yield [oneName(src.one), dump]) as [(readonly [number, string])[], T[]];
    items = got;
    names = new Map(links);
  } else {
    const [links, got] = (yield [linkNamesRequest(), dump]) as [(readonly [number, string])[], T[]];
    items = got;
    names = new Map(links);
  }
  if (!('all' in src)) yield* lookupMissing(items, names, indexes);
  for (const it of items) assign(it, names);
  return items;
}

/** @internal Looks up the names of links that `items` mention and `names` lacks. */
export function* lookupMissing<T>(items: readonly T[], names: Map<number, string>, indexes: (item: T) => Iterable<number>): Op<void> {
  const missing = new Set<number>();
  for (const it of items) for (const i of indexes(it)) if (i > 0 && !names.has(i)) missing.add(i);
  if (!missing.size) return;
  if (missing.size > 16) {
    for (const [i, n] of (yield linkNamesRequest()) as [number, string][]) names.set(i, n);
    return;
  }
  try {
    const found = (yield [...missing].map(oneName)) as (readonly [number, string])[][];
    for (const [l] of found) if (l) names.set(l[0], l[1]);
  } catch (e) {
    if (!(e instanceof NetlinkError && e.code === 'ENODEV')) throw e; // a link went away meanwhile
  }
}

/** One RTM_GETLINK by index, read as [index, name]. */
function oneName(index: number): Request<readonly [number, string]> {
  return { ...getLinkRequest(index, false), parse: linkNamesRequest().parse };
}

/** @internal The names `src` needs, looked up before a stream starts. */
export function* namesFor(src: NameSource): Op<Map<number, string>> {
  if ('known' in src) return src.known;
  if ('one' in src) {
    try {
      return new Map((yield oneName(src.one)) as [number, string][]);
    } catch (e) {
      if (e instanceof NetlinkError && e.code === 'ENODEV') return new Map();
      throw e;
    }
  }
  return new Map((yield linkNamesRequest()) as [number, string][]);
}

/**
 * @internal A flush with no selector at all is refused, as `ip … flush`
 * refuses one ("Flush requires arguments"): wiping every object is never a default.
 */
export function requireSelector(filter: unknown, family: string, example: string): void {
  if (!filter || typeof filter !== 'object' || !Object.values(filter).some((v) => v !== undefined))
    throw new TypeError(`${family}.flush needs a filter (e.g. ${example}), as \`ip ${family} flush\` does`);
}

/** `'inet'` → AF_INET and back. */
export function familyNumber(f: unknown, field = 'family'): number {
  if (f === 'inet') return AF.INET;
  if (f === 'inet6') return AF.INET6;
  throw new TypeError(`${field} must be 'inet' or 'inet6', got ${JSON.stringify(f)}`);
}

function lifetime(v: unknown, field: string, min: number): number {
  if (v === undefined || v === 'forever') return FOREVER;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${field} must be a whole number of seconds or 'forever', got ${JSON.stringify(v)}`);
  if (v === Infinity) return FOREVER;
  if (v < min || v >= FOREVER) throw new RangeError(`${field} must be in ${min}..${FOREVER - 1} seconds or 'forever', got ${v}`);
  return v;
}

const addrKeys = new Set([
  'dev', 'index', 'address', 'prefixlen', 'local', 'peer', 'broadcast', 'anycast', 'label', 'scope', 'flags',
  'validLft', 'preferredLft', 'metric', 'proto', 'family',
]);

/** Everything of an address message, checked and ready to encode. */
interface AddrMsg {
  family: number;
  prefixlen: number;
  explicitLen: boolean;
  flags: number;
  scope: number;
  local: Buffer;
  peer?: Buffer;
  attrs: Partial<IfaAttrs>;
}

function checkAddress(o: AddressOptions | AddressDelOptions, op: 'add' | 'del'): AddrMsg {
  const where = 'address';
  if (!o || typeof o !== 'object') throw new TypeError(`address.${op} needs an options object`);
  for (const k in o) if (!addrKeys.has(k) && (o as Record<string, unknown>)[k] !== undefined) throw new TypeError(`${where}: unknown field '${k}'`);
  if (o.dev === undefined && o.index === undefined) throw new TypeError(`${where}.dev is required`);
  const pfx = parsePrefix(o.address, `${where}.address`);
  const family = pfx.family === 'inet' ? AF.INET : AF.INET6;
  const max = family === AF.INET ? 32 : 128;
  if (o.family !== undefined && o.family !== pfx.family) throw new TypeError(`${where}.family is '${o.family}' but ${o.address} is ${pfx.family}`);
  let prefixlen = pfx.prefixlen;
  let explicitLen = o.address.includes('/');
  if (o.prefixlen !== undefined) {
    checkInt(o.prefixlen, `${where}.prefixlen`, 0, max);
    if (explicitLen && o.prefixlen !== prefixlen) throw new TypeError(`${where}: prefixlen ${o.prefixlen} contradicts ${o.address}`);
    prefixlen = o.prefixlen;
    explicitLen = true;
  }
  if (o.local !== undefined && parseIp(o.local, `${where}.local`).bytes.compare(pfx.bytes) !== 0)
    throw new TypeError(`${where}.local must equal address (use peer for the other end)`);
  let peer: Buffer | undefined;
  if (o.peer !== undefined) {
    const p = parsePrefix(o.peer, `${where}.peer`);
    if (p.family !== pfx.family) throw new TypeError(`${where}.peer ${o.peer} is ${p.family} but the address is ${pfx.family}`);
    peer = p.bytes;
    if (o.peer.includes('/')) {
      if (explicitLen && o.address.includes('/') && p.prefixlen !== prefixlen) throw new TypeError(`${where}: give the prefix length on address or on peer, not both`);
      prefixlen = p.prefixlen;
      explicitLen = true;
    }
  }
  const a: Partial<IfaAttrs> = {};
  const m: AddrMsg = { family, prefixlen, explicitLen, flags: 0, scope: 0, local: pfx.bytes, peer, attrs: a };
  if (o.label !== undefined) {
    if (family !== AF.INET) throw new TypeError(`${where}.label applies to IPv4 addresses only`);
    if (typeof o.label !== 'string' || o.label === '' || Buffer.byteLength(o.label) > 15) throw new RangeError(`${where}.label must be a string of 1-15 bytes`);
    a.label = o.label;
  }
  if (op === 'del') return m;
  const ao = o as AddressOptions;
  if (ao.broadcast !== undefined) {
    if (family !== AF.INET) throw new TypeError(`${where}.broadcast applies to IPv4 addresses only`);
    if (ao.broadcast === '+' || ao.broadcast === '-') {
      if (prefixlen < 31) {
        const mask = prefixlen === 0 ? 0 : (~0 << (32 - prefixlen)) >>> 0;
        const v = pfx.bytes.readUInt32BE(0);
        const brd = ao.broadcast === '+' ? (v | ~mask) >>> 0 : (v & mask) >>> 0;
        a.broadcast = `${brd >>> 24}.${(brd >>> 16) & 255}.${(brd >>> 8) & 255}.${brd & 255}`;
      }
    } else {
      if (parseIp(ao.broadcast, `${where}.broadcast`).family !== 'inet') throw new TypeError(`${where}.broadcast must be an IPv4 address`);
      a.broadcast = ao.broadcast;
    }
  }
  if (ao.anycast !== undefined) {
    if (parseIp(ao.anycast, `${where}.anycast`).family !== pfx.family) throw new TypeError(`${where}.anycast must be ${pfx.family}`);
    a.anycast = ao.anycast;
  }
  if (ao.scope !== undefined) m.scope = scopeNumber(ao.scope, `${where}.scope`);
  else if (family === AF.INET && pfx.bytes[0] === 127) m.scope = SCOPES.host;
  if (ao.flags !== undefined) {
    if (!Array.isArray(ao.flags)) throw new TypeError(`${where}.flags must be an array of flag names`);
    m.flags = flagBits(IFA_F_IN, ao.flags, `${where}.flags`);
    if (m.flags > 0xff) a.ifaFlags = m.flags;
  }
  if (ao.validLft !== undefined || ao.preferredLft !== undefined) {
    const valid = lifetime(ao.validLft, `${where}.validLft`, 1);
    const preferred = lifetime(ao.preferredLft, `${where}.preferredLft`, 0);
    if (preferred > valid) throw new RangeError(`${where}.preferredLft (${ao.preferredLft}) must not exceed validLft (${ao.validLft ?? 'forever'})`);
    a.cacheinfo = { preferred, valid, cstamp: 0, tstamp: 0 };
  }
  if (ao.metric !== undefined) a.metric = checkInt(ao.metric, `${where}.metric`, 0, 0xffffffff);
  if (ao.proto !== undefined) {
    if (typeof ao.proto === 'number') checkInt(ao.proto, `${where}.proto`, 0, 255);
    else if (!(ao.proto in protos)) throw new TypeError(`${where}.proto must be one of ${Object.keys(protos).join(', ')} or a number`);
    a.proto = ao.proto;
  }
  return m;
}

function writeAddr(w: Writer, m: AddrMsg, index: number, op: 'add' | 'del'): void {
  ifaddrmsg.encode(w, { family: m.family, prefixlen: m.prefixlen, flags: m.flags & 0xff, scope: m.scope, index }, 'address');
  let at = w.beginAttr(2); // IFA_LOCAL
  w.bytes(m.local);
  w.endAttr(at);
  // A delete without a prefix length matches any length (IFA_LOCAL alone), as `ip` does.
  if (op === 'add' || m.explicitLen || m.peer) {
    at = w.beginAttr(1); // IFA_ADDRESS: the peer, or the address itself
    w.bytes(m.peer ?? m.local);
    w.endAttr(at);
  }
  addrAttrs.encode(w, m.attrs, 'address');
}

function* devIndex(o: { dev?: LinkRef; index?: number }): Op<number> {
  if (o.dev !== undefined) {
    if (typeof o.dev === 'number') return checkInt(o.dev, 'address.dev', 1, 0x7fffffff);
    checkIfname(o.dev, 'address.dev');
    return yield* linkIndex(o.dev, 'address.dev');
  }
  return checkInt(o.index, 'address.index', 1, 0x7fffffff);
}

function* modify(o: AddressOptions | AddressDelOptions, type: number, flags: number, op: 'add' | 'del'): Op<void> {
  const m = checkAddress(o, op);
  const index = yield* devIndex(o);
  yield { type, flags, body: (w: Writer) => writeAddr(w, m, index, op) } satisfies Request;
}

/** Compiles `label` globs (`*`, `?`) the way `ip address show label` matches them. */
function globber(p: string): (s: string | undefined) => boolean {
  if (!/[*?[]/.test(p)) return (s) => s === p;
  const re = new RegExp(`^${p.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return (s) => s !== undefined && re.test(s);
}

interface Compiled {
  family: number;
  index: number;
  scope?: number;
  label?: (s: string | undefined) => boolean;
  to?: { family: number; bytes: Buffer; len: number };
  flags?: number;
}

function compileFilter(f: AddressFilter, index: number | undefined): Compiled {
  const c: Compiled = { family: f.family === undefined ? AF.UNSPEC : familyNumber(f.family, 'filter.family'), index: index ?? 0 };
  if (f.scope !== undefined) c.scope = scopeNumber(f.scope, 'filter.scope');
  if (f.label !== undefined) {
    if (typeof f.label !== 'string') throw new TypeError('filter.label must be a string');
    c.label = globber(f.label);
  }
  if (f.to !== undefined) {
    const p = parsePrefix(f.to, 'filter.to');
    c.to = { family: p.family === 'inet' ? AF.INET : AF.INET6, bytes: p.bytes, len: p.prefixlen };
  }
  if (f.flags !== undefined) c.flags = flagBits(IFA_F_IN, f.flags, 'filter.flags');
  return c;
}

function checkFilter(f: AddressFilter): void {
  if (!f || typeof f !== 'object') throw new TypeError('filter must be an object');
  for (const k in f) if (!['dev', 'family', 'scope', 'label', 'to', 'flags'].includes(k)) throw new TypeError(`filter: unknown field '${k}'`);
}

/** True when the first `len` bits of `a` (at `off`) equal those of `p`. */
export function prefixMatch(b: Buffer, off: number, p: Buffer, len: number): boolean {
  let i = 0;
  for (; len >= 8; len -= 8, i++) if (b[off + i] !== p[i]) return false;
  if (len === 0) return true;
  const mask = (0xff << (8 - len)) & 0xff;
  return (b[off + i] & mask) === (p[i] & mask);
}

const addrProto = enumOf(t.u8, protos);

/**
 * Decodes one RTM_NEWADDR payload; `undefined` when the filter rejects it.
 * Lists of many thousand addresses go through here, so it reads the IFA_*
 * attributes of {@link addrAttrs} in one pass without intermediate objects.
 */
function parseAddr(b: Buffer, off: number, end: number, c: Compiled): Address | undefined {
  const family = b[off];
  if (family !== AF.INET && family !== AF.INET6) return undefined;
  const scope = b[off + 3];
  if (c.scope !== undefined && scope !== c.scope) return undefined;
  const index = rd.u32(b, off + 4);
  if (c.index && index !== c.index) return undefined;
  let flags = b[off + 2];
  let addrAt = -1;
  let addrLen = 0;
  let localAt = -1;
  let localLen = 0;
  let label: string | undefined;
  let broadcast: string | undefined;
  let anycast: string | undefined;
  let valid = FOREVER;
  let preferred = FOREVER;
  let metric: number | undefined;
  let proto: AddressProto | undefined;
  let p = off + 8;
  while (p + 4 <= end) {
    const len = rd.u16(b, p);
    if (len < 4 || p + len > end) break;
    const q = p + 4;
    const l = len - 4;
    switch (rd.u16(b, p + 2) & 0x3fff) {
      case 1: // IFA_ADDRESS
        addrAt = q;
        addrLen = l;
        break;
      case 2: // IFA_LOCAL
        localAt = q;
        localLen = l;
        break;
      case 3:
        label = t.string.decode(b, q, l);
        break;
      case 4:
        broadcast = formatIp(b, q, l);
        break;
      case 5:
        anycast = formatIp(b, q, l);
        break;
      case 6: // IFA_CACHEINFO
        if (l >= 8) {
          preferred = rd.u32(b, q);
          valid = rd.u32(b, q + 4);
        }
        break;
      case 8: // IFA_FLAGS
        if (l >= 4) flags = rd.u32(b, q);
        break;
      case 9:
        if (l >= 4) metric = rd.u32(b, q);
        break;
      case 11:
        proto = addrProto.decode(b, q, l);
        break;
    }
    p += (len + 3) & ~3;
  }
  if (localAt < 0) {
    localAt = addrAt;
    localLen = addrLen;
  }
  if (localAt < 0) return undefined;
  if (c.flags !== undefined && (flags & c.flags) !== c.flags) return undefined;
  if (c.label && !c.label(label)) return undefined;
  if (c.to && (c.to.family !== family || !prefixMatch(b, localAt, c.to.bytes, c.to.len))) return undefined;
  const local = formatIp(b, localAt, localLen);
  const a: Address = {
    family: family === AF.INET ? 'inet' : 'inet6',
    index,
    address: local,
    prefixlen: b[off + 1],
    local,
    scope: scopeName(scope),
    flags: family === AF.INET ? flagNames(IFA_F, flags) : flagNames(IFA_F6, flags),
    validLft: valid === FOREVER ? 'forever' : valid,
    preferredLft: preferred === FOREVER ? 'forever' : preferred,
  };
  if (addrAt >= 0 && addrAt !== localAt && b.compare(b, addrAt, addrAt + addrLen, localAt, localAt + localLen) !== 0)
    a.peer = formatIp(b, addrAt, addrLen);
  if (broadcast !== undefined) a.broadcast = broadcast;
  if (anycast !== undefined) a.anycast = anycast;
  if (label !== undefined) a.label = label;
  if (metric !== undefined) a.metric = metric;
  if (proto !== undefined) a.proto = proto;
  return a;
}

function addrDump(c: Compiled): Request<Address> {
  return {
    type: RTM.GETADDR,
    flags: NLM_F.DUMP,
    body: (w) => ifaddrmsg.encode(w, { family: c.family, prefixlen: 0, flags: 0, scope: 0, index: c.index }, 'filter'),
    parse: (b, off, end) => parseAddr(b, off, end, c),
  };
}

const nameAddr = (a: Address, names: Map<number, string>) => {
  const n = names.get(a.index);
  if (n !== undefined) a.dev = n;
};

function* list(filter: AddressFilter): Op<Address[]> {
  checkFilter(filter);
  compileFilter(filter, undefined); // bad input throws before the name lookup
  const { index, names } = yield* resolveDev(filter.dev, 'filter.dev');
  return yield* dumpNamed(addrDump(compileFilter(filter, index)), names, (a) => [a.index], nameAddr);
}

/** Deletes what `list` found, secondaries first (deleting a primary takes its secondaries along). */
function delRequest(a: Address): Request {
  const m = checkAddress({ index: a.index, address: a.address, prefixlen: a.prefixlen, peer: a.peer, label: a.label }, 'del');
  return { type: RTM.DELADDR, body: (w: Writer) => writeAddr(w, m, a.index, 'del') };
}

/** The address operations, written once and run async or sync by a handle. */
export const addressOps = {
  /**
   * Adds an address. Equivalent to `ip address add ADDRESS/LEN [peer P] [broadcast B|+]
   * [label L] [scope S] [valid_lft N] [preferred_lft N] [metric N] [proto P] [FLAGS…] dev DEV`.
   * EEXIST if the link has it already.
   */
  add(options: AddressOptions): Op<void> {
    return modify(options, RTM.NEWADDR, NLM_F.CREATE | NLM_F.EXCL, 'add');
  },

  /** Adds an address or updates it in place (lifetimes, flags, …). Equivalent to `ip address replace …`. */
  replace(options: AddressOptions): Op<void> {
    return modify(options, RTM.NEWADDR, NLM_F.CREATE | NLM_F.REPLACE, 'add');
  },

  /**
   * Removes an address. Equivalent to `ip address del ADDRESS[/LEN] [peer P] [label L] dev DEV`.
   * An IPv4 address given without a length matches any length, as `ip` does;
   * an object that `list` returned deletes exactly that address.
   */
  del(options: AddressDelOptions): Op<void> {
    return modify(options, RTM.DELADDR, 0, 'del');
  },

  /**
   * Lists addresses. Equivalent to `ip address show [dev DEV] [-4|-6] [scope S]
   * [label L] [to PREFIX]`. Link and family are filtered in the kernel; both
   * families by default.
   */
  *list(filter: AddressFilter = {}): Op<Address[]> {
    return yield* list(filter);
  },

  /** Streams the address dump (bounded memory); same filters as `list`. Equivalent to `ip address show` piped. */
  stream: streaming(function* (filter: AddressFilter = {}): Op<Request<Address>> {
    checkFilter(filter);
    compileFilter(filter, undefined);
    const { index, names } = yield* resolveDev(filter.dev, 'filter.dev');
    const map = yield* namesFor(names);
    const c = compileFilter(filter, index);
    return {
      ...addrDump(c),
      parse(b: Buffer, off: number, end: number) {
        const a = parseAddr(b, off, end, c);
        if (a) nameAddr(a, map);
        return a;
      },
    };
  }),

  /**
   * Removes every address that matches (all of a link's with `{ dev }`);
   * resolves with how many were removed. Equivalent to `ip address flush
   * [dev DEV] [-4|-6] [scope S] [label L] [to PREFIX]`; an empty filter is refused, as with `ip`.
   */
  *flush(filter: AddressFilter): Op<number> {
    requireSelector(filter, 'address', "{ dev }");
    const seen = new Set<string>();
    for (let round = 0; round < 8; round++) {
      const found = yield* list(filter);
      if (!found.length) return seen.size;
      for (const a of found) seen.add(`${a.index} ${a.address}/${a.prefixlen}`);
      found.sort((x, y) => (y.flags.includes('secondary') ? 1 : 0) - (x.flags.includes('secondary') ? 1 : 0));
      try {
        yield found.map(delRequest);
      } catch (e) {
        // Something went away under us (a primary took its secondaries along): look again.
        if (!(e instanceof NetlinkError) || (e.code !== 'EADDRNOTAVAIL' && e.code !== 'ENODEV')) throw e;
      }
    }
    const left = yield* list(filter);
    if (left.length) throw new NetlinkError(16, 'RTM_DELADDR', {}, `address.flush: ${left.length} addresses kept reappearing`);
    return seen.size;
  },
};

// Notifications decode exactly like the lists (monitor.ts).
registerEvents('address', RTM.NEWADDR, RTM.DELADDR, (b, off, end) => parseAddr(b, off, end, { family: AF.UNSPEC, index: 0 }) as Record<string, unknown> | undefined);
