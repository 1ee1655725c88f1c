/**
 * `ip`'s vocabulary, shared by the families: scopes (/etc/iproute2/rt_scopes),
 * routing tables (rt_tables), routing protocols (rt_protos), IP protocol
 * names, address families, links named by name or index, addresses and
 * prefixes, flag lists, and the rule that a flush needs a selector. Names map
 * to the kernel's numbers both ways; lookups are by own property only.
 *
 * Each word comes as a check of the validation layer (`scopeCheck`,
 * `tableCheck`, …: it returns the kernel's number and refuses anything else
 * with the field's path) and, for the families that call them directly, as a
 * function (`scopeNumber(v, field)`, …) that does the same.
 * @module
 */
import { linkIndex } from './resolve.js';
import { AF, checkIfname, formatIp, parseIp, parsePrefix, type Family, type LinkRef, type ParsedIp, type Prefix } from './types.js';
import { closest, custom, ifindex, isPlain, nameOrInt, oneOf, own, show, type Check } from './validate.js';
import type { Op } from './request.js';

/** Values no name-or-number check takes: prototype keys, and what is not a string or a number. */
const protoKeys = ['constructor', '__proto__', 'toString', 'hasOwnProperty'] as const;

/**
 * A name of `table` (own properties only; `aliases` too) or an integer in
 * [min, max], turned into its number. A number out of range or not an
 * integer is a RangeError; anything else a TypeError, with the closest name.
 */
function named(table: Readonly<Record<string, number>>, min: number, max: number, opts: { aliases?: Readonly<Record<string, number>>; except?: readonly string[] } = {}): Check<number> {
  const names = Object.keys(table).filter((n) => !opts.except?.includes(n));
  const byName = nameOrInt(names, min, max);
  const wrong = [...protoKeys, ...(opts.except ?? []), 'nosuch', min - 1, max + 1, 1.5, NaN, Infinity, null, true, 1n, {}];
  return custom(byName.expects, wrong, (v, path) => {
    const alias = opts.aliases && own(opts.aliases, v);
    if (alias !== undefined) return alias;
    const r = byName(v, path);
    return typeof r === 'number' ? r : table[r];
  });
}

// ---------------------------------------------------------------------------
// Scopes

/** Scopes (`RT_SCOPE_*`), named as `ip` prints them (/etc/iproute2/rt_scopes). */
export const SCOPES = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;
/** An address or route scope: an `RT_SCOPE_*` name in lower case (`universe` is `global`) or a number 0–255. */
export type Scope = keyof typeof SCOPES | 'universe' | number;
const scopeNames = new Map<number, keyof typeof SCOPES>(Object.entries(SCOPES).map(([k, v]) => [v, k as keyof typeof SCOPES]));

/** A {@link Scope}, as its number (`ip … scope S`). */
export const scopeCheck: Check<number> = named(SCOPES, 0, 255, { aliases: { universe: 0 } });

/** Turns a {@link Scope} into its number, checking it (`ip … scope S`). */
export function scopeNumber(v: unknown, field: string): number {
  return scopeCheck(v, field);
}

/** The name of a scope number (or the number when unnamed), as `ip` prints it. */
export function scopeName(n: number): Scope {
  return scopeNames.get(n) ?? n;
}

// ---------------------------------------------------------------------------
// Tables

/** Reserved table ids, by the names `ip` gives them (rt_tables). */
export const TABLES = { unspec: 0, default: 253, main: 254, local: 255 } as const;
/** A routing table: `main`, `local`, `default`, or a number 1–4294967295. */
export type RouteTable = 'main' | 'local' | 'default' | number;
const tableNames = new Map<number, RouteTable>([[253, 'default'], [254, 'main'], [255, 'local']]);

/**
 * A {@link RouteTable}, as its id. Table 0 (`unspec`) is refused: the kernel
 * would take it for `main` without a word.
 */
export const tableCheck: Check<number> = named(TABLES, 1, 0xffffffff, { except: ['unspec'] });

/** A {@link RouteTable} or `'all'` (every table, as `ip route show table all`; id 0). */
export const tableOrAllCheck: Check<number> = named({ ...TABLES, all: 0 }, 1, 0xffffffff, { except: ['unspec'] });

/** Turns a {@link RouteTable} into its id, checking the range (`ip route … table T`). */
export function tableNumber(v: unknown, field: string): number {
  return tableCheck(v, field);
}

/** The name of a table id (the number itself for tables without a name), as `ip` prints it. */
export function tableName(n: number): RouteTable {
  return tableNames.get(n) ?? n;
}

// ---------------------------------------------------------------------------
// Protocols

/** Routing protocols (`RTPROT_*`), named as in iproute2's rt_protos. */
export const RTPROT = {
  unspec: 0, redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10, zebra: 11,
  bird: 12, dnrouted: 13, xorp: 14, ntk: 15, dhcp: 16, mrouted: 17, keepalived: 18, babel: 42,
  openr: 99, bgp: 186, isis: 187, ospf: 188, rip: 189, eigrp: 192,
} as const;
/** Who installed a route (or rule, or neighbour): an `RTPROT_*` name (lower case) or a number 0–255. */
export type RouteProtocol = keyof typeof RTPROT | number;
const protoNames = new Map<number, keyof typeof RTPROT>(Object.entries(RTPROT).map(([k, v]) => [v, k as keyof typeof RTPROT]));

/** A {@link RouteProtocol}, as its number (`ip route … proto P`). */
export const protocolCheck: Check<number> = named(RTPROT, 0, 255);

/** Turns a {@link RouteProtocol} into its number, checking it (`ip route … proto P`). */
export function protocolNumber(v: unknown, field: string): number {
  return protocolCheck(v, field);
}

/** The name of a protocol number (or the number when unnamed), as `ip` prints it. */
export function protocolName(n: number): RouteProtocol {
  return protoNames.get(n) ?? n;
}

// ---------------------------------------------------------------------------
// IP protocols

/** IP protocols by the names `ip route get … ipproto` and `ip rule … ipproto` take. */
export const IPPROTO = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58, sctp: 132 } as const;
/** An IP protocol: `icmp`, `tcp`, `udp`, `icmpv6`, `sctp` or a number 0–255. */
export type IpProto = keyof typeof IPPROTO | number;
const ipprotoNames = new Map<number, keyof typeof IPPROTO>(Object.entries(IPPROTO).map(([k, v]) => [v, k as keyof typeof IPPROTO]));

/** An {@link IpProto}, as its number. */
export const ipprotoCheck: Check<number> = named(IPPROTO, 0, 255);

/** Turns an {@link IpProto} into its number, checking it. */
export function ipprotoNumber(v: unknown, field: string): number {
  return ipprotoCheck(v, field);
}

/** The name of an IP protocol number (or the number when unnamed). */
export function ipprotoName(n: number): IpProto {
  return ipprotoNames.get(n) ?? n;
}

// ---------------------------------------------------------------------------
// Families

/** `'inet'` or `'inet6'` (`ip -4` / `ip -6`), as given. */
export const familyCheck: Check<Family> = oneOf(['inet', 'inet6']);

/** `'inet'` → AF_INET, `'inet6'` → AF_INET6 (`ip -4` / `ip -6`). */
export function familyNumber(f: unknown, field = 'family'): number {
  return familyCheck(f, field) === 'inet' ? AF.INET : AF.INET6;
}

// ---------------------------------------------------------------------------
// Links

/** A link by name (`dev eth0`: 1–15 bytes, no NUL, '/', ':' or whitespace) or by index (an integer in 1..2^31-1). */
export const linkRefCheck: Check<LinkRef> = custom(
  `a link name (1-15 bytes without NUL, '/', ':' or whitespace) or index (${ifindex.expects})`,
  [0, -1, 1.5, NaN, Infinity, 2 ** 32, '', 'a\0b', 'a/b', 'a b', 'x'.repeat(16), null, true, 1n, {}, []],
  (v, path) => {
    if (typeof v === 'number') return ifindex(v, path);
    if (typeof v === 'string') return checkIfname(v, path);
    throw new TypeError(`${path} must be a link name or index, got ${show(v)}`);
  },
);

/** A link by name only (1–15 bytes without NUL, '/', ':' or whitespace). */
export const ifnameCheck: Check<string> = custom(`a link name (1-15 bytes without NUL, '/', ':' or whitespace)`, ['', 'a\0b', 'a/b', 'a b', 'x'.repeat(16), 1, null, true, {}], (v, path) => checkIfname(v, path));

/**
 * The index of the link that `dev` and `index` name (`dev` resolved with one
 * RTM_GETLINK when it is a name). Given both — as a listed object carries
 * both — they must name the same link: a name is looked up and compared, and
 * a mismatch is a TypeError before anything else is sent. Neither: undefined.
 * `where` is the path of the object (`address`, `route.nexthops[1]`).
 */
export function* linkOf(dev: LinkRef | undefined, index: number | undefined, where: string, indexName = 'index'): Op<number | undefined> {
  if (dev === undefined) return index;
  const i = typeof dev === 'number' ? dev : yield* linkIndex(dev, `${where}.dev`);
  if (index !== undefined && index !== i)
    throw new TypeError(`${where}.${indexName} ${index} and ${where}.dev ${show(dev)} (index ${i}) name different links: give one, or both of the same link`);
  return i;
}

/** A mismatch of `dev` and `index` that needs no lookup (both numbers). */
export function checkSameLink(dev: LinkRef | undefined, index: number | undefined, where: string, indexName = 'index'): void {
  if (typeof dev === 'number' && index !== undefined && dev !== index)
    throw new TypeError(`${where}.${indexName} ${index} and ${where}.dev ${dev} name different links: give one, or both of the same link`);
}

// ---------------------------------------------------------------------------
// Addresses and prefixes

function noZone(v: unknown, path: string, what: string): string {
  if (typeof v !== 'string') throw new TypeError(`${path} must be ${what}, got ${show(v)}`);
  if (v.includes('%')) throw new TypeError(`${path}: ${show(v)} carries a zone index ('%'), which is not part of an address; name the link with dev`);
  return v;
}

const badAddresses = ['10.0.0.300', '010.0.0.1', '1.2.3', '::ffff:1.2.3', 'fe80::1%va', '1.2.3.4.5', '', 'nonsense', 'a\0b', 42, null, true, 1n, {}];

/** An IPv4 or IPv6 address (no prefix length, no zone index), parsed. */
export const ipCheck: Check<ParsedIp> = custom('an IPv4 or IPv6 address', badAddresses.concat(['10.0.0.1/24']), (v, path) => parseIp(noZone(v, path, 'an IPv4 or IPv6 address'), path));

/**
 * `ADDRESS[/LEN]` (a bare address is a host prefix), parsed. The length is
 * decimal without leading zeros (`ip` would read `/024` as octal 20). With
 * `network`, the host bits must be clear (`10.1.0.0/16`, not `10.1.2.3/16`).
 */
export function prefixCheck(opts: { network?: boolean } = {}): Check<CheckedPrefix> {
  const what = `a ${opts.network ? 'network prefix' : 'prefix'} such as "${opts.network ? '10.1.0.0/16' : '10.0.0.1/24'}"`;
  const wrong = badAddresses.concat(['10.0.0.1/33', '2001:db8::/129', '10.0.0.1/', '/24', '10.0.0.1/024', '10.0.0.1/2x', '10.0.0.1/-1']);
  if (opts.network) wrong.push('10.1.2.3/16', '2001:db8::1/64');
  return custom(what, wrong, (v, path) => {
    const s = noZone(v, path, what);
    const p = parsePrefix(s, path, true);
    if (opts.network && hostBits(p)) throw new TypeError(`${path}: ${show(s)} has host bits set beyond /${p.prefixlen} (the network is ${network(p)})`);
    return p;
  });
}

/** A prefix as {@link prefixCheck} returns it: `explicit` says whether the caller wrote the length. */
export interface CheckedPrefix extends Prefix {
  explicit: boolean;
}

function hostBits(p: Prefix): boolean {
  for (let bit = p.prefixlen; bit < p.bytes.length * 8; bit++) if (p.bytes[bit >> 3] & (0x80 >> (bit & 7))) return true;
  return false;
}

function network(p: Prefix): string {
  const b = Buffer.from(p.bytes);
  for (let bit = p.prefixlen; bit < b.length * 8; bit++) b[bit >> 3] &= ~(0x80 >> (bit & 7));
  return `${formatIp(b)}/${p.prefixlen}`;
}

// ---------------------------------------------------------------------------
// Flags and words

/**
 * A list of flag names of `names` (own properties only) or numbers (raw bits,
 * integers in 0..2^32-1), returned as given. Turn it into bits with
 * `flagBits` of the codec.
 */
export function flagsCheck<N extends string>(names: Readonly<Record<N, number>>): Check<(N | number)[]> {
  const known = Object.keys(names);
  const expects = `an array of flag names (${known.join(', ')}) or numbers`;
  return custom(expects, [known[0], 'x', {}, null, new Map(), ['constructor'], ['toString'], ['nosuch'], [1.5], [-1], [2 ** 32], [null]], (v, path) => {
    if (!Array.isArray(v)) throw new TypeError(`${path} must be ${expects}, got ${show(v)}`);
    const out: (N | number)[] = [];
    for (let i = 0; i < v.length; i++) {
      const f: unknown = v[i];
      if (typeof f === 'number') {
        if (!Number.isInteger(f) || f < 0 || f > 0xffffffff) throw new RangeError(`${path}[${i}]: a flag given as a number must be an integer in 0..4294967295, got ${show(f)}`);
      } else if (typeof f !== 'string' || own(names, f) === undefined) {
        const near = typeof f === 'string' ? closest(f, known) : undefined;
        throw new TypeError(`${path}[${i}]: unknown flag ${show(f)}${near ? ` (did you mean '${near}'?)` : ''}; known: ${known.join(', ')}`);
      }
      out.push(f as N | number);
    }
    return out;
  });
}

/** `all: true`, the explicit word a flush needs to act on everything its filter leaves. */
export const allCheck: Check<true> = custom('true (the explicit word for "every one"), or left out', [false, 1, 0, 'yes', 'true', null, {}], (v, path) => {
  if (v !== true) throw new TypeError(`${path} must be true (the explicit word for "every one"), or left out; got ${show(v)}`);
  return true;
});

/**
 * A flush with no selector at all is refused, as `ip … flush` refuses one
 * ("Flush requires arguments"): wiping every object is never a default.
 * With `narrows`, a filter that it says leaves everything selected (only a
 * family, say) is refused too, unless the filter says `all: true`.
 */
export function requireSelector(filter: unknown, family: string, example: string, narrows?: (filter: Record<string, unknown>) => boolean): void {
  if (!filter || typeof filter !== 'object' || !Object.values(filter).some((v) => v !== undefined))
    throw new TypeError(`${family}.flush needs a filter (e.g. ${example}), as \`ip ${family} flush\` does`);
  if (narrows && isPlain(filter) && filter.all !== true && !narrows(filter))
    throw new TypeError(`${family}.flush: this filter selects every ${family === 'address' ? 'address' : family} it can see; narrow it (e.g. ${example}) or spell it out with filter.all: true`);
}
