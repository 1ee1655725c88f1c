/**
 * `ip`'s vocabulary, shared by the families: scopes (/etc/iproute2/rt_scopes),
 * routing tables (rt_tables), routing protocols (rt_protos), IP protocol
 * names, address families, and the rule that a flush needs a selector.
 * Names map to the kernel's numbers both ways; lookups are by own property only.
 * @module
 */
import { AF, checkInt } from './types.js';

/** Scopes (`RT_SCOPE_*`), named as `ip` prints them (/etc/iproute2/rt_scopes). */
export const SCOPES = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;
/** An address or route scope: a name of {@link SCOPES} (`universe` is `global`) or a number 0–255. */
export type Scope = keyof typeof SCOPES | 'universe' | number;
const scopeNames = new Map<number, keyof typeof SCOPES>(Object.entries(SCOPES).map(([k, v]) => [v, k as keyof typeof SCOPES]));

/** Turns a {@link Scope} into its number, checking it (`ip … scope S`). */
export function scopeNumber(v: unknown, field: string): number {
  if (typeof v === 'number') return checkInt(v, field, 0, 255);
  if (v === 'universe') return 0;
  const n = typeof v === 'string' && Object.hasOwn(SCOPES, v) ? SCOPES[v as keyof typeof SCOPES] : undefined;
  if (n === undefined) throw new TypeError(`${field} must be one of ${Object.keys(SCOPES).join(', ')} or a number 0-255, got ${JSON.stringify(v)}`);
  return n;
}

/** The name of a scope number (or the number when unnamed), as `ip` prints it. */
export function scopeName(n: number): Scope {
  return scopeNames.get(n) ?? n;
}

/** Reserved table ids, by the names `ip` gives them (rt_tables). */
export const TABLES = { unspec: 0, default: 253, main: 254, local: 255 } as const;
/** A routing table: `main`, `local`, `default`, or a number 1–4294967295. */
export type RouteTable = 'main' | 'local' | 'default' | number;
const tableNames = new Map<number, RouteTable>([[253, 'default'], [254, 'main'], [255, 'local']]);

/** Turns a {@link RouteTable} into its id, checking the range (`ip route … table T`). */
export function tableNumber(v: unknown, field: string): number {
  if (typeof v === 'string') {
    const n = Object.hasOwn(TABLES, v) ? TABLES[v as keyof typeof TABLES] : undefined;
    if (n === undefined || v === 'unspec') throw new TypeError(`${field} must be 'main', 'local', 'default' or a number, got ${JSON.stringify(v)}`);
    return n;
  }
  return checkInt(v, field, 1, 0xffffffff);
}

/** The name of a table id (the number itself for tables without a name), as `ip` prints it. */
export function tableName(n: number): RouteTable {
  return tableNames.get(n) ?? n;
}

/** Routing protocols (`RTPROT_*`), named as in iproute2's rt_protos. */
export const RTPROT = {
  unspec: 0, redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10, zebra: 11,
  bird: 12, dnrouted: 13, xorp: 14, ntk: 15, dhcp: 16, mrouted: 17, keepalived: 18, babel: 42,
  openr: 99, bgp: 186, isis: 187, ospf: 188, rip: 189, eigrp: 192,
} as const;
/** Who installed a route (or rule, or neighbour): a name of {@link RTPROT} or a number 0–255. */
export type RouteProtocol = keyof typeof RTPROT | number;
const protoNames = new Map<number, keyof typeof RTPROT>(Object.entries(RTPROT).map(([k, v]) => [v, k as keyof typeof RTPROT]));

/** Turns a {@link RouteProtocol} into its number, checking it (`ip route … proto P`). */
export function protocolNumber(v: unknown, field: string): number {
  if (typeof v === 'number') return checkInt(v, field, 0, 255);
  const n = typeof v === 'string' && Object.hasOwn(RTPROT, v) ? RTPROT[v as keyof typeof RTPROT] : undefined;
  if (n === undefined) throw new TypeError(`${field} must be one of ${Object.keys(RTPROT).join(', ')} or a number 0-255, got ${JSON.stringify(v)}`);
  return n;
}

/** The name of a protocol number (or the number when unnamed), as `ip` prints it. */
export function protocolName(n: number): RouteProtocol {
  return protoNames.get(n) ?? n;
}

/** IP protocols by the names `ip route get … ipproto` and `ip rule … ipproto` take. */
export const IPPROTO = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58, sctp: 132 } as const;
/** An IP protocol: a name of {@link IPPROTO} or a number 0–255. */
export type IpProto = keyof typeof IPPROTO | number;
const ipprotoNames = new Map<number, keyof typeof IPPROTO>(Object.entries(IPPROTO).map(([k, v]) => [v, k as keyof typeof IPPROTO]));

/** Turns an {@link IpProto} into its number, checking it. */
export function ipprotoNumber(v: unknown, field: string): number {
  if (typeof v === 'number') return checkInt(v, field, 0, 255);
  const n = typeof v === 'string' && Object.hasOwn(IPPROTO, v) ? IPPROTO[v as keyof typeof IPPROTO] : undefined;
  if (n === undefined) throw new TypeError(`${field} must be a number or one of ${Object.keys(IPPROTO).join(', ')}, got ${JSON.stringify(v)}`);
  return n;
}

/** The name of an IP protocol number (or the number when unnamed). */
export function ipprotoName(n: number): IpProto {
  return ipprotoNames.get(n) ?? n;
}

/** `'inet'` → AF_INET, `'inet6'` → AF_INET6 (`ip -4` / `ip -6`). */
export function familyNumber(f: unknown, field = 'family'): number {
  if (f === 'inet') return AF.INET;
  if (f === 'inet6') return AF.INET6;
  throw new TypeError(`${field} must be 'inet' or 'inet6', got ${JSON.stringify(f)}`);
}

/**
 * A flush with no selector at all is refused, as `ip … flush` refuses one
 * ("Flush requires arguments"): wiping every object is never a default.
 */
export function requireSelector(filter: unknown, family: string, example: string): void {
  if (!filter || typeof filter !== 'object' || !Object.values(filter).some((v) => v !== undefined))
    throw new TypeError(`${family}.flush needs a filter (e.g. ${example}), as \`ip ${family} flush\` does`);
}
