/**
 * Addresses: `ip address add|replace|del|show|flush` over
 * RTM_NEWADDR/RTM_DELADDR/RTM_GETADDR, IPv4 and IPv6.
 * @module
 */
import { flagBits, flagNames, prefixMatch, type Writer } from './codec.js';
import { NetlinkError } from './errors.js';
import { registerEvents, type EventDecoder } from './events.js';
import { NLM_F } from './protocol.js';
import { streaming, type Op, type Request } from './request.js';
import { dumpNamed, linkIndex, namesFor, resolveDev } from './resolve.js';
import { AF, checkIfname, checkInt, parseIp, parsePrefix, type Family, type LinkRef } from './types.js';
import { familyNumber, requireSelector, scopeName, scopeNumber, SCOPES, type Scope } from './vocab.js';
import { addrAttrs, addressProtos, ifaddrmsg, type AddressProto, type IfaAttrs } from './wire/address.js';
import { RTM } from './wire/rtm.js';

export type { AddressProto, IfAddrMsg } from './wire/address.js';
export type { Scope } from './vocab.js';

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

/** A lifetime in seconds, or `'forever'` (the default). */
export type Lifetime = number | 'forever';
const FOREVER = 0xffffffff;

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
    else if (!Object.hasOwn(addressProtos, ao.proto)) throw new TypeError(`${where}.proto must be one of ${Object.keys(addressProtos).join(', ')} or a number`);
    a.proto = ao.proto;
  }
  return m;
}

function writeAddr(w: Writer, m: AddrMsg, index: number, op: 'add' | 'del'): void {
  ifaddrmsg.encode(w, { family: m.family, prefixlen: m.prefixlen, flags: m.flags & 0xff, scope: m.scope, index }, 'address');
  addrAttrs.encodeBytes(w, 'ifaLocal', m.local);
  // A delete without a prefix length matches any length (IFA_LOCAL alone), as `ip` does.
  if (op === 'add' || m.explicitLen || m.peer) addrAttrs.encodeBytes(w, 'ifaAddress', m.peer ?? m.local); // the peer, or the address itself
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

/** Decodes one RTM_NEWADDR payload; `undefined` when the filter rejects it. */
function parseAddr(b: Buffer, off: number, end: number, c: Compiled): Address | undefined {
  const h = ifaddrmsg.header(b, off, end, 'address');
  const family = h.family;
  if (family !== AF.INET && family !== AF.INET6) return undefined;
  if (c.scope !== undefined && h.scope !== c.scope) return undefined;
  if (c.index && h.index !== c.index) return undefined;
  const r = addrAttrs.decode(b, off + ifaddrmsg.size, end, undefined, 'address') as Partial<IfaAttrs>;
  const local = r.ifaLocal ?? r.ifaAddress;
  if (local === undefined) return undefined;
  const flags = r.ifaFlags ?? h.flags; // IFA_FLAGS holds all 32 bits; ifa_flags only the low 8
  if (c.flags !== undefined && (flags & c.flags) !== c.flags) return undefined;
  if (c.label && !c.label(r.label)) return undefined;
  if (c.to && (c.to.family !== family || !prefixMatch(parseIp(local).bytes, 0, c.to.bytes, c.to.len))) return undefined;
  const valid = r.cacheinfo?.valid ?? FOREVER;
  const preferred = r.cacheinfo?.preferred ?? FOREVER;
  const a: Address = {
    family: family === AF.INET ? 'inet' : 'inet6',
    index: h.index,
    address: local,
    prefixlen: h.prefixlen,
    local,
    scope: scopeName(h.scope),
    flags: family === AF.INET ? flagNames(IFA_F, flags) : flagNames(IFA_F6, flags),
    validLft: valid === FOREVER ? 'forever' : valid,
    preferredLft: preferred === FOREVER ? 'forever' : preferred,
  };
  if (r.ifaLocal !== undefined && r.ifaAddress !== undefined && r.ifaAddress !== r.ifaLocal) a.peer = r.ifaAddress;
  if (r.broadcast !== undefined) a.broadcast = r.broadcast;
  if (r.anycast !== undefined) a.anycast = r.anycast;
  if (r.label !== undefined) a.label = r.label;
  if (r.metric !== undefined) a.metric = r.metric;
  if (r.proto !== undefined) a.proto = r.proto;
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

// Notifications decode exactly like the lists (events.ts, read by monitor.ts).
const everyAddress: Compiled = { family: AF.UNSPEC, index: 0 };
registerEvents('address', RTM.NEWADDR, RTM.DELADDR, ((b, off, end) => parseAddr(b, off, end, everyAddress)) as EventDecoder);
