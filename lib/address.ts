/**
 * Addresses: `ip address add|replace|del|show|flush` over
 * RTM_NEWADDR/RTM_DELADDR/RTM_GETADDR, IPv4 and IPv6.
 * @module
 */
import { flagBits, flagNames, prefixMatch, type Decoded, type UnknownAttrs, type Writer } from './codec.js';
import { NetlinkError } from './errors.js';
import { registerEvents, type EventDecoder } from './events.js';
import { NLM_F } from './protocol.js';
import { streaming, type Op, type Request } from './request.js';
import { dumpNamed, namesFor, resolveDev } from './resolve.js';
import { AF, formatIp, parseIp, type Family, type LinkRef, type ParsedIp } from './types.js';
import { custom, ifindex, int, nameOrInt, object, show, str, u32, type Check, type Snapshot } from './validate.js';
import {
  allCheck,
  checkSameLink,
  familyCheck,
  familyNumber,
  flagsCheck,
  ipCheck,
  linkOf,
  linkRefCheck,
  prefixCheck,
  requireSelector,
  scopeCheck,
  scopeName,
  SCOPES,
  type Scope,
} from './vocab.js';
import { addrAttrs, addressProtos, ifaddrmsg, type AddressProto, type IfaAttrs, type IfAddrMsg } from './wire/address.js';
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
/** A name of `IFA_F_*` (linux/if_addr.h, lower case) (or `temporary`, IPv6's name for bit 0x01). */
export type AddressFlag = keyof typeof IFA_F | 'temporary';

/** A lifetime in seconds, or `'forever'` (the default). */
export type Lifetime = number | 'forever';
const FOREVER = 0xffffffff;

/** An address as `address.list` returns it (one `addr_info` entry of `ip -j address show`). */
export interface Address {
  /** Attributes the kernel sent that no table of the library knows (a newer kernel's): type → payload as hex ({@link UnknownAttrs}). */
  unknown?: UnknownAttrs;
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
  /**
   * `dev` — the link, by name or index. With `index` too (a listed address
   * carries both), both must name the same link: a name is looked up and
   * compared, and a mismatch is a TypeError before the address is sent.
   */
  dev?: LinkRef;
  /** The link's index (what `list` returns); an alternative to `dev`. One of them is required. */
  index?: number;
  /**
   * `ADDRESS[/LEN]`, e.g. `'10.0.0.1/24'` or `'2001:db8::1/64'`. Required,
   * except beside `anycast` alone (`ip addr add anycast ADDRESS dev DEV`:
   * IFA_ANYCAST without IFA_LOCAL/IFA_ADDRESS, as ip sends it).
   */
  address?: string;
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
  /**
   * `home`, `nodad`, `optimistic`, `mngtmpaddr`, `noprefixroute`, `autojoin`;
   * numbers are raw `IFA_F_*` bits, sent as given. The flags the kernel
   * reports and sets itself (`permanent`, `secondary`/`temporary`,
   * `tentative`, `deprecated`, `dadfailed`, `stablePrivacy`) are taken, so
   * that a listed address can be passed back, and not sent.
   */
  flags?: (AddressFlag | number)[];
  /** `valid_lft` seconds (default forever). */
  validLft?: Lifetime;
  /** `preferred_lft` seconds (default forever; at most `validLft`, so a `validLft` alone needs it too, as with `ip`). */
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

/** Filters of `address.flush`: those of `list`, and the explicit word for "every one". */
export interface AddressFlushFilter extends AddressFilter {
  /**
   * `all: true` — needed when nothing else in the filter leaves an address
   * out (`{ all: true }`, `{ family: 'inet', all: true }`).
   */
  all?: true;
}

/** `'forever'` or a whole number of seconds in min..2^32-2 (2^32-1 is the kernel's forever), as the kernel's number. */
function lifetime(min: number): Check<number> {
  const expects = `'forever' or a whole number of seconds in ${min}..${FOREVER - 1}`;
  return custom(expects, ['never', 'Forever', min - 1, FOREVER, 1.5, NaN, Infinity, -Infinity, null, true, '100', 100n], (v, path) => {
    if (v === 'forever') return FOREVER;
    if (typeof v === 'number') {
      if (!Number.isInteger(v) || v < min || v >= FOREVER) throw new RangeError(`${path} must be ${expects}, got ${show(v)}`);
      return v;
    }
    throw new TypeError(`${path} must be ${expects}, got ${show(v)}`);
  });
}

/** `broadcast ADDRESS`, or `'+'` / `'-'` (host bits set / clear). */
const broadcastCheck = custom<ParsedIp | '+' | '-'>(`an IPv4 address, or '+' (host bits set) or '-' (host bits clear)`, ['++', '*', '10.0.0.300', '', 42, null, 'a\0b', {}], (v, path) =>
  v === '+' || v === '-' ? v : ipCheck(v, path),
);

/** Names of `IFA_F_*` (linux/if_addr.h, lower case) that the kernel reports but takes no orders from (accepted so that a listed address can be passed back; not sent). */
const REPORTED = IFA_F.secondary | IFA_F.tentative | IFA_F.permanent | IFA_F.deprecated | IFA_F.dadfailed | IFA_F.stablePrivacy;

const addressFields = {
  dev: linkRefCheck,
  index: ifindex,
  address: prefixCheck(), // required unless anycast is given alone (checkAddress)
  prefixlen: int(0, 128),
  local: ipCheck,
  peer: prefixCheck(),
  broadcast: broadcastCheck,
  anycast: ipCheck,
  label: str({ maxBytes: 15, nonEmpty: true }),
  scope: scopeCheck,
  flags: flagsCheck(IFA_F_IN),
  validLft: lifetime(1),
  preferredLft: lifetime(0),
  metric: u32,
  proto: nameOrInt(Object.keys(addressProtos) as (keyof typeof addressProtos)[], 0, 255),
  family: familyCheck,
};

const filterFields = { dev: linkRefCheck, family: familyCheck, scope: scopeCheck, label: str({ nonEmpty: true }), to: prefixCheck(), flags: flagsCheck(IFA_F_IN) };

/** The object schemas of the address calls (the property test corrupts their fields). */
export const addressSchemas = {
  /** `address.add`/`replace` options. */
  add: object(addressFields, { what: 'an options object { dev, address, … }' }),
  /** `address.del` options: the same fields (a listed address, whose lifetimes may have run down to 0). */
  del: object({ ...addressFields, validLft: lifetime(0) }, { what: 'an options object { dev, address, … }' }),
  /** Filters of `address.list`/`stream`. */
  filter: object(filterFields, { what: 'a filter object { dev, family, scope, label, to, flags }' }),
  /** Filters of `address.flush`: the same, and `all: true` for a filter that selects every address. */
  flushFilter: object({ ...filterFields, all: allCheck }, { what: 'a filter object { dev, family, scope, label, to, flags, all }' }),
};

type AddrInput = Snapshot<typeof addressFields>;

/** Everything of an address message, checked and ready to encode. */
interface AddrMsg {
  family: number;
  prefixlen: number;
  explicitLen: boolean;
  flags: number;
  scope: number;
  /** The address (IFA_LOCAL/IFA_ADDRESS); absent for `anycast ADDRESS` alone. */
  local?: Buffer;
  peer?: Buffer;
  attrs: Partial<IfaAttrs>;
  /** The link: `dev` (a name is looked up) and/or `index`, which must agree. */
  dev?: LinkRef;
  index?: number;
}

/** Checks a whole address.add/replace/del input (no kernel needed) and builds its message. */
function checkAddress(input: unknown, op: 'add' | 'del'): AddrMsg {
  const where = 'address';
  const o: AddrInput = addressSchemas[op](input, where);
  if (o.address === undefined) {
    if (o.anycast === undefined) throw new TypeError(`${where}.address is required (an address such as "10.0.0.1/24"; or anycast alone)`);
    for (const k of ['prefixlen', 'local', 'peer', 'broadcast', 'label'] as const)
      if (o[k] !== undefined) throw new TypeError(`${where}.${k} needs address (anycast alone names no address of the link)`);
  }
  if (o.dev === undefined && o.index === undefined) throw new TypeError(`${where}.dev is required (a link name or index; or give index)`);
  checkSameLink(o.dev, o.index, where);
  // `anycast ADDRESS` alone: that address, prefix length 0, sent as IFA_ANYCAST only
  const pfx = o.address ?? { ...o.anycast!, address: formatIp(o.anycast!.bytes), prefixlen: 0, explicit: false };
  const family = pfx.family === 'inet' ? AF.INET : AF.INET6;
  const max = family === AF.INET ? 32 : 128;
  const text = `${pfx.address}${pfx.explicit ? `/${pfx.prefixlen}` : ''}`;
  if (o.family !== undefined && o.family !== pfx.family) throw new TypeError(`${where}.family is '${o.family}' but address ${text} is ${pfx.family}`);
  let prefixlen = pfx.prefixlen;
  let explicitLen = pfx.explicit;
  if (o.prefixlen !== undefined) {
    if (o.prefixlen > max) throw new RangeError(`${where}.prefixlen must be in 0..${max} for an ${pfx.family === 'inet' ? 'IPv4' : 'IPv6'} address, got ${o.prefixlen}`);
    if (explicitLen && o.prefixlen !== prefixlen) throw new TypeError(`${where}.prefixlen ${o.prefixlen} contradicts address ${text}`);
    prefixlen = o.prefixlen;
    explicitLen = true;
  }
  if (o.local !== undefined && o.local.bytes.compare(pfx.bytes) !== 0) throw new TypeError(`${where}.local must equal address (use peer for the other end)`);
  let peer: Buffer | undefined;
  if (o.peer !== undefined) {
    const p = o.peer;
    if (p.family !== pfx.family) throw new TypeError(`${where}.peer ${p.address} is ${p.family} but the address is ${pfx.family} (address family mismatch)`);
    peer = p.bytes;
    if (p.explicit) {
      if (pfx.explicit && p.prefixlen !== prefixlen) throw new TypeError(`${where}.peer: give the prefix length on address or on peer, not both`);
      if (o.prefixlen !== undefined && p.prefixlen !== prefixlen) throw new TypeError(`${where}.peer /${p.prefixlen} contradicts prefixlen ${o.prefixlen}`);
      prefixlen = p.prefixlen;
      explicitLen = true;
    }
  }
  const a: Partial<IfaAttrs> = {};
  const m: AddrMsg = { family, prefixlen, explicitLen, flags: 0, scope: 0, local: o.address === undefined ? undefined : pfx.bytes, peer, attrs: a, dev: o.dev, index: o.index };
  if (o.label !== undefined) {
    if (family !== AF.INET) throw new TypeError(`${where}.label applies to IPv4 addresses only`);
    a.label = o.label;
  }
  // What a delete does not match on is checked all the same (a listed address carries it), and not sent.
  let broadcast: string | undefined;
  if (o.broadcast !== undefined) {
    if (family !== AF.INET) throw new TypeError(`${where}.broadcast applies to IPv4 addresses only`);
    if (o.broadcast === '+' || o.broadcast === '-') {
      if (prefixlen < 31) {
        const mask = prefixlen === 0 ? 0 : (~0 << (32 - prefixlen)) >>> 0;
        const v = pfx.bytes.readUInt32BE(0);
        const brd = o.broadcast === '+' ? (v | ~mask) >>> 0 : (v & mask) >>> 0;
        broadcast = `${brd >>> 24}.${(brd >>> 16) & 255}.${(brd >>> 8) & 255}.${brd & 255}`;
      }
    } else {
      if (o.broadcast.family !== 'inet') throw new TypeError(`${where}.broadcast must be an IPv4 address`);
      broadcast = formatIp(o.broadcast.bytes);
    }
  }
  if (o.anycast !== undefined && o.anycast.family !== pfx.family) throw new TypeError(`${where}.anycast must be ${pfx.family} like the address (address family mismatch)`);
  const valid = o.validLft ?? FOREVER;
  const preferred = o.preferredLft ?? FOREVER;
  if (op === 'del') {
    if (m.local === undefined) a.anycast = formatIp(o.anycast!.bytes);
    return m; // a delete matches the address, its length, peer and label
  }
  if (preferred > valid)
    throw new RangeError(`${where}.preferredLft (${o.preferredLft ?? "'forever', the default"}) must not exceed validLft (${o.validLft ?? 'forever'})`);
  if (o.validLft !== undefined || o.preferredLft !== undefined) a.cacheinfo = { preferred, valid, cstamp: 0, tstamp: 0 };
  if (broadcast !== undefined) a.broadcast = broadcast;
  if (o.anycast !== undefined) a.anycast = formatIp(o.anycast.bytes);
  if (o.scope !== undefined) m.scope = o.scope;
  else if (family === AF.INET && pfx.bytes[0] === 127) m.scope = SCOPES.host;
  if (o.flags !== undefined) {
    // Flags the kernel reports (permanent, secondary, tentative, …) are its own to set: not sent.
    const names = o.flags.filter((f) => typeof f === 'string');
    const raw = o.flags.filter((f) => typeof f === 'number');
    m.flags = (flagBits(IFA_F_IN, names, `${where}.flags`) & ~REPORTED) | flagBits(IFA_F_IN, raw, `${where}.flags`);
    if (m.flags > 0xff) a.ifaFlags = m.flags;
  }
  if (o.metric !== undefined) a.metric = o.metric;
  if (o.proto !== undefined) a.proto = o.proto;
  return m;
}

function writeAddr(w: Writer, m: AddrMsg, index: number, op: 'add' | 'del'): void {
  ifaddrmsg.encode(w, { family: m.family, prefixlen: m.prefixlen, flags: m.flags & 0xff, scope: m.scope, index }, 'address');
  if (m.local !== undefined) {
    addrAttrs.encodeBytes(w, 'ifaLocal', m.local);
    // A delete without a prefix length matches any length (IFA_LOCAL alone), as `ip` does.
    if (op === 'add' || m.explicitLen || m.peer) addrAttrs.encodeBytes(w, 'ifaAddress', m.peer ?? m.local); // the peer, or the address itself
  }
  addrAttrs.encode(w, m.attrs, 'address');
}

function* modify(o: unknown, type: number, flags: number, op: 'add' | 'del'): Op<void> {
  const m = checkAddress(o, op);
  // By index: nothing to look up, no lookup generator to run.
  let index: number;
  if (typeof m.dev === 'string') index = (yield* linkOf(m.dev, m.index, 'address'))!;
  else index = (m.dev ?? m.index)!; // checkAddress checked that both name the same link
  yield { type, flags, body: (w: Writer) => writeAddr(w, m, index, op) } satisfies Request;
}

/**
 * Compiles a `label` glob the way `ip address show label` matches it
 * (fnmatch: `*`, `?`, `[abc]`, `[!abc]`; anything else literal).
 */
function globber(p: string): (s: string | undefined) => boolean {
  if (!/[*?[]/.test(p)) return (s) => s === p;
  let src = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    const close = c === '[' ? p.indexOf(']', i + 2) : -1;
    if (c === '*') src += '.*';
    else if (c === '?') src += '.';
    else if (close > 0) {
      const body = p.slice(i + 1, close);
      src += `[${body[0] === '!' ? '^' : ''}${(body[0] === '!' ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const re = new RegExp(`^${src}$`, 's');
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

type Filter = Snapshot<typeof filterFields> & { all?: true };

/** Checks a whole filter (no kernel needed) and compiles what is matched per message. */
function checkFilter(input: unknown, flush = false): { f: Filter; c: Compiled } {
  const f: Filter = (flush ? addressSchemas.flushFilter : addressSchemas.filter)(input, 'filter');
  const c: Compiled = { family: f.family === undefined ? AF.UNSPEC : familyNumber(f.family, 'filter.family'), index: 0 };
  if (f.scope !== undefined) c.scope = f.scope;
  if (f.label !== undefined) c.label = globber(f.label);
  if (f.to !== undefined) {
    const p = f.to;
    if (f.family !== undefined && f.family !== p.family) throw new TypeError(`filter.to ${p.address}/${p.prefixlen} is ${p.family} but filter.family is '${f.family}' (address family mismatch)`);
    c.to = { family: p.family === 'inet' ? AF.INET : AF.INET6, bytes: p.bytes, len: p.prefixlen };
  }
  if (f.flags !== undefined) c.flags = flagBits(IFA_F_IN, f.flags, 'filter.flags');
  return { f, c };
}

/** True when a filter leaves out some address (a family alone, `to` of /0 or `label: '*'` do not). */
function narrows(f: Filter): boolean {
  return f.dev !== undefined || f.scope !== undefined || (f.label !== undefined && !/^\**$/.test(f.label)) || (f.to !== undefined && f.to.prefixlen > 0) || !!f.flags?.length;
}

// One message is decoded at a time: the header and attributes land in these
// scratch objects (same shape every time) instead of fresh ones per message.
const H: IfAddrMsg = { family: 0, prefixlen: 0, flags: 0, scope: 0, index: 0 };
const R = addrAttrs.reset({});

/** Flag names per distinct bit value, one cache per family's names; each address gets its own copy. */
const flagCache = [new Map<number, (AddressFlag | number)[]>(), new Map<number, (AddressFlag | number)[]>()];
function flagList(family: number, bits: number): (AddressFlag | number)[] {
  const cache = flagCache[family === AF.INET ? 0 : 1];
  let l = cache.get(bits);
  if (l === undefined) {
    l = family === AF.INET ? flagNames(IFA_F, bits) : flagNames(IFA_F6, bits);
    if (cache.size < 1024) cache.set(bits, l);
  }
  return l.slice();
}

/** Decodes one RTM_NEWADDR payload; `undefined` when the filter rejects it. */
function parseAddr(b: Buffer, off: number, end: number, c: Compiled): Address | undefined {
  const h = ifaddrmsg.header(b, off, end, 'address', H);
  const family = h.family;
  if (family !== AF.INET && family !== AF.INET6) return undefined;
  if (c.scope !== undefined && h.scope !== c.scope) return undefined;
  if (c.index && h.index !== c.index) return undefined;
  const r = addrAttrs.decode(b, off + ifaddrmsg.size, end, addrAttrs.reset(R), 'address') as Decoded<IfaAttrs>;
  const local = r.ifaLocal ?? r.ifaAddress;
  if (local === undefined) return undefined;
  const flags = r.ifaFlags ?? h.flags; // IFA_FLAGS holds all 32 bits; ifa_flags only the low 8
  if (c.flags !== undefined && (flags & c.flags) !== c.flags) return undefined;
  if (c.label && !c.label(r.label)) return undefined;
  if (c.to && (c.to.family !== family || !prefixMatch(parseIp(local).bytes, 0, c.to.bytes, c.to.len))) return undefined;
  const ci = r.cacheinfo;
  const valid = ci?.valid ?? FOREVER;
  const preferred = ci?.preferred ?? FOREVER;
  const a: Address = {
    family: family === AF.INET ? 'inet' : 'inet6',
    index: h.index,
    address: local,
    prefixlen: h.prefixlen,
    local,
    scope: scopeName(h.scope),
    flags: flagList(family, flags),
    validLft: valid === FOREVER ? 'forever' : valid,
    preferredLft: preferred === FOREVER ? 'forever' : preferred,
  };
  if (r.ifaLocal !== undefined && r.ifaAddress !== undefined && r.ifaAddress !== r.ifaLocal) a.peer = r.ifaAddress;
  if (r.broadcast !== undefined) a.broadcast = r.broadcast;
  if (r.anycast !== undefined) a.anycast = r.anycast;
  if (r.label !== undefined) a.label = r.label;
  if (r.metric !== undefined) a.metric = r.metric;
  if (r.proto !== undefined) a.proto = r.proto;
  if (r.unknown !== undefined) a.unknown = r.unknown;
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

const addrLink = (a: Address) => a.index;
const nameAddr = (a: Address, names: Map<number, string>) => {
  const n = names.get(a.index);
  if (n !== undefined) a.dev = n;
};

/** Lists what a checked filter selects (the link named by `dev` is looked up first). */
function* listChecked(f: Filter, c: Compiled): Op<Address[]> {
  const { index, names } = yield* resolveDev(f.dev, 'filter.dev');
  return yield* dumpNamed(addrDump({ ...c, index: index ?? 0 }), names, addrLink, nameAddr);
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
   * Changes an address the link has (lifetimes, flags, …). Equivalent to
   * `ip address change …` (NLM_F_REPLACE without NLM_F_CREATE). The kernel
   * ignores the missing NLM_F_CREATE for addresses (IPv4 and IPv6 alike): one
   * the link has not is added, as with `ip address change`.
   */
  change(options: AddressOptions): Op<void> {
    return modify(options, RTM.NEWADDR, NLM_F.REPLACE, 'add');
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
    const { f, c } = checkFilter(filter);
    return yield* listChecked(f, c);
  },

  /** Streams the address dump (bounded memory); same filters as `list`. Equivalent to `ip address show` piped. */
  stream: streaming(function* (filter: AddressFilter = {}): Op<Request<Address>> {
    const { f, c: checked } = checkFilter(filter);
    const { index, names } = yield* resolveDev(f.dev, 'filter.dev');
    const map = yield* namesFor(names);
    const c = { ...checked, index: index ?? 0 };
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
   * Removes every address that matches; resolves with how many were removed.
   * Equivalent to `ip address flush [dev DEV] [-4|-6] [scope S] [label L] [to PREFIX]`.
   * As with `ip`, a filter is required: `flush()` and `flush({})` are refused,
   * and so is a filter that leaves every address selected — a family alone,
   * `to` of length 0, `label: '*'` — unless it says so with `all: true`
   * (`{ family: 'inet', all: true }` removes every IPv4 address of every
   * link, `lo`'s 127.0.0.1 included).
   */
  *flush(filter: AddressFlushFilter): Op<number> {
    if (filter === undefined) requireSelector(filter, 'address', '{ dev }');
    const { f, c } = checkFilter(filter, true);
    requireSelector(f, 'address', "{ dev: 'eth0' }", narrows);
    const seen = new Set<string>();
    for (let round = 0; round < 8; round++) {
      const found = yield* listChecked(f, c);
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
    const left = yield* listChecked(f, c);
    if (left.length) throw new NetlinkError(16, 'RTM_DELADDR', {}, `address.flush: ${left.length} addresses kept reappearing`);
    return seen.size;
  },
};

// Notifications decode exactly like the lists (events.ts, read by monitor.ts).
const everyAddress: Compiled = { family: AF.UNSPEC, index: 0 };
registerEvents('address', RTM.NEWADDR, RTM.DELADDR, ((b, off, end) => parseAddr(b, off, end, everyAddress)) as EventDecoder);
