/**
 * Neighbours: ARP and NDP entries (`ip neigh add|replace|del|show|flush|get`)
 * and bridge forwarding-database entries (`bridge fdb add|del|show`, family
 * `'bridge'`) over RTM_NEWNEIGH/RTM_DELNEIGH/RTM_GETNEIGH.
 *
 * Every call checks its whole input first (the schemas below) and then looks
 * up what only the kernel knows (a link's index from its name, the length of
 * its link-layer address), all before its request: nothing is sent for a
 * wrong input, and a flush needs a filter.
 * @module
 */
import { prefixMatch, type Decoded, type UnknownAttrs, type Writer } from './codec.js';
import { NetlinkError } from './errors.js';
import { registerEvents, type EventDecoder } from './events.js';
import { NLM_F } from './protocol.js';
import { streaming, type Op, type Request } from './request.js';
import { dumpNamed, getLinkRequest, linkIndex, lookupMissing, namesFor, resolveDev, type NameSource } from './resolve.js';
import { AF, checkIfname, parseIp, parseMac, parsePrefix, type LinkRef, type ParsedIp, type Prefix } from './types.js';
import { bool, custom, ifindex, int, isPlain, nameOrInt, object, oneOf, s32, show, u16, u32, type Check, type Snapshot } from './validate.js';
import { allCheck, linkRefCheck, protocolName, protocolNumber, RTPROT, type RouteProtocol } from './vocab.js';
import { ifinfomsg, linkAttrs } from './wire/link.js';
import { ndmsg, neighAttrs, type NdaAttrs, type NdaCacheinfo, type NdMsg } from './wire/neigh.js';
import { RTM } from './wire/rtm.js';

export type { NdMsg } from './wire/neigh.js';

/** Neighbour states (`NUD_*`), as `ip neigh … nud STATE` names them. */
export const NUD = {
  incomplete: 0x01, reachable: 0x02, stale: 0x04, delay: 0x08, probe: 0x10, failed: 0x20, noarp: 0x40, permanent: 0x80,
} as const;
/** A neighbour state: a `NUD_*` name (linux/neighbour.h, lower case), or `none` (no state bit). */
export type NeighState = keyof typeof NUD | 'none';
const nudNames = Object.entries(NUD) as [keyof typeof NUD, number][];

/** Neighbour flags (`NTF_*`) as booleans of a {@link Neighbour}. */
const NTF = { use: 0x01, self: 0x02, master: 0x04, proxy: 0x08, extLearned: 0x10, offloaded: 0x20, sticky: 0x40, router: 0x80 } as const;
/** Extended flags (`NTF_EXT_*`, NDA_FLAGS_EXT). */
const NTF_EXT = { managed: 0x1, locked: 0x2, extValidated: 0x4 } as const;

/** A family of neighbour entries: ARP (`inet`), NDP (`inet6`), or the bridge FDB (`bridge`). */
export type NeighFamily = 'inet' | 'inet6' | 'bridge';

/** Flags of `ip neigh`/`bridge fdb` entries, as booleans (a listed entry has those that are set). */
export interface NeighFlags {
  /** `router` (NTF_ROUTER; IPv6). */
  router?: boolean;
  /** `proxy` — a proxy ARP/NDP entry (NTF_PROXY). */
  proxy?: boolean;
  /** `self` — the entry belongs to the device itself (NTF_SELF; bridge FDB). */
  self?: boolean;
  /** `extern_learn` (NTF_EXT_LEARNED). */
  extLearned?: boolean;
  /** `sticky` (NTF_STICKY; bridge FDB). */
  sticky?: boolean;
  /** `offloaded` (NTF_OFFLOADED; reported). */
  offloaded?: boolean;
  /** `use` (NTF_USE; on add: mark the entry as used). */
  use?: boolean;
  /** `managed` (NTF_EXT_MANAGED). */
  managed?: boolean;
  /** `locked` (NTF_EXT_LOCKED; bridge FDB, reported). */
  locked?: boolean;
  /** `extValidated` (NTF_EXT_EXT_VALIDATED). */
  extValidated?: boolean;
}

/**
 * What `neigh.add`/`replace`/`del`/`get` take: `ip neigh add ADDR [lladdr MAC]
 * [nud STATE] [router] dev DEV`, or `bridge fdb add MAC dev DEV [master|self]
 * [dst IP] [vlan N] …`. An entry that `list` returned may be passed back
 * (to `del`, `get`): the fields only `list` reports are accepted and ignored.
 */
export interface NeighOptions extends NeighFlags {
  /**
   * `dev DEV`: the link (bridge FDB: the port, or the vxlan device). With
   * `index` too (a listed entry carries both), both must name the same link:
   * a name is looked up and compared, a number compared; a mismatch is a TypeError.
   */
  dev?: LinkRef;
  /** The link's index (what `list` returns); an alternative to `dev`. */
  index?: number;
  /** The neighbour's IP address (ARP/NDP; NDA_DST), without a zone (`%…`). */
  address?: string;
  /**
   * `lladdr MAC` (ARP/NDP), or the FDB key (`bridge fdb add MAC`): exactly as
   * long as the link's own address (ARP/NDP on add/replace: looked up, so
   * `lladdr` costs one RTM_GETLINK when `dev` is an index), 6 bytes for the
   * bridge FDB. On `del`/`get` of an ARP/NDP entry it is not a selector (the
   * kernel matches address and link): checked, not sent.
   */
  lladdr?: string;
  /** `'inet'`/`'inet6'` (from `address`), or `'bridge'` for an FDB entry. */
  family?: NeighFamily;
  /**
   * `nud STATE` (default `permanent`, none beside `managed`, as `ip neigh
   * add`; bridge FDB default `permanent`+`noarp`, as `bridge fdb add`). On
   * `del`/`get`: not a selector (checked; an FDB delete sends it, default
   * `permanent`+`noarp` as `bridge fdb del` does, which a `self` entry of the
   * kernel's default FDB requires).
   */
  state?: NeighState | NeighState[];
  /**
   * Bridge FDB: `master` — the entry goes to the master (bridge) of `dev`.
   * A listed entry carries the master's name (or index) here: `del`/`get`
   * take that as `master` (unless the entry is `self`); `add`/`replace` take
   * a boolean only.
   */
  master?: boolean | LinkRef;
  /** Bridge FDB: `dst IP` — the remote of a vxlan entry. */
  dst?: string;
  /** Bridge FDB: `vlan N` (1..4094). */
  vlan?: number;
  /** Bridge FDB: `port N` (vxlan UDP port). */
  port?: number;
  /** Bridge FDB: `vni N` (vxlan, 24 bits). */
  vni?: number;
  /** Bridge FDB: `src_vni N` (vxlan, 24 bits). */
  srcVni?: number;
  /** Bridge FDB: `via DEV` — the vxlan remote's outgoing link. */
  via?: LinkRef;
  /** `protocol P` (add/replace). */
  protocol?: RouteProtocol;
  /** Bridge FDB: `nhid N` (add/replace; a vxlan entry's nexthop group). */
  nhid?: number;
  /** Reported by `list`; ignored on input. */
  probes?: number;
  /** Reported by `list`; ignored on input. */
  linkNetnsid?: number;
  /** Reported by `list`; ignored on input. */
  cacheinfo?: NdaCacheinfo;
}

/** A neighbour as `neigh.list`/`get` return it (`ip -j neigh show`, `bridge -j fdb show`). */
export interface Neighbour extends NeighFlags {
  /** Attributes the kernel sent that no table of the library knows (a newer kernel's): type → payload as hex ({@link UnknownAttrs}). */
  unknown?: UnknownAttrs;
  family: NeighFamily;
  /** The link's index. */
  index: number;
  /** The link's name, when known. */
  dev?: string;
  /** The IP address (ARP/NDP). */
  address?: string;
  /** `lladdr` (bridge FDB: the key). */
  lladdr?: string;
  /** `state`: one name, `none`, or several names when several bits are set. */
  state: NeighState | NeighState[];
  /** Bridge FDB: the bridge (its name, or index when unknown). */
  master?: string | number;
  /** Bridge FDB: the vxlan remote. */
  dst?: string;
  vlan?: number;
  port?: number;
  vni?: number;
  srcVni?: number;
  /** Bridge FDB: the vxlan remote's outgoing link (name, or index when unknown). */
  via?: string | number;
  probes?: number;
  protocol?: RouteProtocol;
  nhid?: number;
  linkNetnsid?: number;
  /** Ages in clock ticks (1/100 s): `confirmed`, `used`, `updated`, and `refcnt`. */
  cacheinfo?: NdaCacheinfo;
}

/** Filters of `neigh.list`/`stream` (`ip neigh show [dev D] [nud S] [proxy] [to PREFIX]`, `bridge fdb show [br B] [brport D]`). */
export interface NeighFilter {
  /** `dev D` / `brport D` (filtered in the kernel). */
  dev?: LinkRef;
  /** `master D` / `br B`: entries of the links enslaved to it (filtered in the kernel). */
  master?: LinkRef;
  /** `'inet'`, `'inet6'` (both IP families by default), or `'bridge'` for the FDB. */
  family?: NeighFamily;
  /** `nud S…`: entries in any of these states (`'all'`: every state, as with no `state`). */
  state?: NeighState | 'all' | (NeighState | 'all')[];
  /** `proxy`: the proxy entries instead of the neighbour cache. */
  proxy?: boolean;
  /** `to PREFIX`: addresses inside this prefix (ARP/NDP; its family must agree with `family`). */
  to?: string;
  /** Bridge FDB (family `'bridge'`): `vlan N`. */
  vlan?: number;
}

/**
 * What `neigh.flush` takes: a {@link NeighFilter} that selects something
 * (`dev`, `master`, `family`, `state`, `to`, `vlan` or `proxy: true`), or
 * `{ all: true }` — `ip neigh flush all`: every link, both IP families.
 */
export interface NeighFlushFilter extends NeighFilter {
  /** Flush every entry the other fields allow, on every link (`ip neigh flush all`). */
  all?: true;
}

// ---------------------------------------------------------------------------
// Input: the checks of each field, then the schemas of the calls

/** `dev`, `via`, filter `dev`/`master`: a link by name or index (vocab's check, shared by the families). */
const linkRef = linkRefCheck;

/** An address of one host: IPv4 or IPv6, no prefix length, no zone. */
const ipAddress = custom<ParsedIp & { text: string }>('an IPv4 or IPv6 address (no prefix length, no zone)', ['10.0.0.300', '10.0.0.1/24', 'fe80::1%va', 'x', '', 42, null], (v, path) => {
  if (typeof v === 'string' && v.includes('%')) throw new TypeError(`${path} must be an address without a zone ('%…': the link is dev), got ${show(v)}`);
  return { ...parseIp(v, path), text: v as string };
});

/** MAX_ADDR_LEN (linux/netdevice.h): no link has a longer address. */
const MAX_ADDR_LEN = 32;
const LLADDR = `a link-layer address such as "02:00:00:00:00:01" (1..${MAX_ADDR_LEN} bytes)`;
const lladdr = custom<Buffer>(LLADDR, ['02:00:00:00:00:zz', '02:00:00:00:00:01:', '', '0x02', 42, null, 'a\0b', Array(MAX_ADDR_LEN + 1).fill('02').join(':')], (v, path) => {
  const b = parseMac(v, path);
  if (b.length > MAX_ADDR_LEN) throw new RangeError(`${path} must be ${LLADDR}, got ${b.length} bytes`);
  return b;
});

/** One state name or a non-empty array of them (own names only: never `'constructor'`). */
function states<E extends string>(extra: readonly E[]): Check<NeighState | E | (NeighState | E)[]> {
  const one = oneOf<NeighState | E>([...(Object.keys(NUD) as NeighState[]), 'none', ...extra]);
  const expects = `${one.expects}, or a non-empty array of them`;
  return custom(expects, ['constructor', 'toString', 'sleepy', [], ['constructor'], 42, null, {}], (v, path) => {
    if (!Array.isArray(v)) return one(v, path);
    if (!v.length) throw new RangeError(`${path} must be ${expects}, got an empty array`);
    return v.map((s, i) => one(s, `${path}[${i}]`));
  });
}

const MASTER = "a boolean (or, as list reports it, the master link's name or index)";
const master = custom<boolean | LinkRef>(MASTER, ['', 'a\0b', 0, -1, 1.5, null, {}, 'yes please'], (v, path) => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' || typeof v === 'string') return linkRef(v, path);
  throw new TypeError(`${path} must be ${MASTER}, got ${show(v)}`);
});

/** `to PREFIX` of a filter (no zone). */
const prefix = custom<Prefix>("a prefix such as '10.0.0.0/24'", ['10.0.0.0/33', 'fe80::%va/64', 'x', '', 42, null], (v, path) => {
  if (typeof v === 'string' && v.includes('%')) throw new TypeError(`${path} must be a prefix without a zone ('%…'), got ${show(v)}`);
  return parsePrefix(v, path);
});

const family = oneOf<NeighFamily>(['inet', 'inet6', 'bridge']);
const vlan = int(1, 4094);
const vni = int(0, 0xffffff);

const neighFields = {
  dev: linkRef,
  index: ifindex,
  address: ipAddress,
  lladdr,
  family,
  state: states([]),
  master,
  dst: ipAddress,
  vlan,
  port: u16,
  vni,
  srcVni: vni,
  via: linkRef,
  protocol: nameOrInt(Object.keys(RTPROT) as (keyof typeof RTPROT)[], 0, 255),
  nhid: int(1, 0xffffffff),
  router: bool,
  proxy: bool,
  self: bool,
  extLearned: bool,
  sticky: bool,
  offloaded: bool,
  use: bool,
  managed: bool,
  locked: bool,
  extValidated: bool,
  // reported by list, accepted so that a listed entry can be passed back
  probes: u32,
  linkNetnsid: s32,
  cacheinfo: object({ confirmed: u32, used: u32, updated: u32, refcnt: u32 }),
};
const filterFields = { dev: linkRef, master: linkRef, family, state: states(['all'] as const), proxy: bool, to: prefix, vlan };
const all = allCheck;

/** The schemas the neighbour calls apply to their input (the property test corrupts their fields). */
export const neighSchemas = {
  /** `neigh.add` / `replace` / `del` / `get` (path `neigh`). */
  neigh: object(neighFields),
  /** `neigh.list` / `stream` (path `filter`). */
  filter: object(filterFields),
  /** `neigh.flush` (path `filter`). */
  flushFilter: object({ ...filterFields, all }),
};

type NeighInput = Snapshot<typeof neighFields>;
type FilterInput = Snapshot<typeof filterFields> & { all?: true };

function stateBits(v: string | readonly string[]): number {
  let bits = 0;
  for (const s of typeof v === 'string' ? [v] : v) {
    if (s === 'all') return 0xff;
    if (s !== 'none') bits |= NUD[s as keyof typeof NUD];
  }
  return bits;
}

function stateValue(bits: number): NeighState | NeighState[] {
  if (bits === 0) return 'none';
  const names = nudNames.filter(([, v]) => bits & v).map(([k]) => k);
  return names.length === 1 ? names[0] : names;
}

const AF_OF = { inet: AF.INET, inet6: AF.INET6, bridge: AF.BRIDGE } as const;
/** Fields the kernel reads for bridge FDB entries only (it would ignore them on an ARP/NDP entry). */
const BRIDGE_ONLY = ['dst', 'vlan', 'port', 'vni', 'srcVni', 'via', 'nhid'] as const;
const BRIDGE_FLAGS = ['self', 'sticky', 'locked'] as const;

/** A checked entry: its header (the link still to resolve), attributes, and what the lookups must check. */
interface Checked {
  h: NdMsg;
  /** NDA_DST: the IP address (ARP/NDP), or the vxlan remote (bridge FDB). */
  dst?: Buffer;
  /** NDA_LLADDR, when it is sent. */
  lladdr?: Buffer;
  attrs: Partial<NdaAttrs>;
  dev?: LinkRef;
  index?: number;
  via?: LinkRef;
  /** ARP/NDP add: the lladdr must be as long as the link's address (known after the lookup). */
  lladdrOfLink?: Buffer;
}

/** Checks the whole input of add/replace/del/get (schema, then what the fields say together). */
function checkNeigh(input: unknown, op: 'add' | 'del' | 'get'): Checked {
  const o: NeighInput = neighSchemas.neigh(input, 'neigh');
  if (o.dev === undefined && o.index === undefined) throw new TypeError('neigh.dev is required (the link, by name or index; or index, as list reports it)');
  if (typeof o.dev === 'number' && o.index !== undefined && o.dev !== o.index)
    throw new TypeError(`neigh.dev (${o.dev}) and neigh.index (${o.index}) name different links`);
  const c: Checked = { h: { family: 0, ifindex: 0, state: 0, flags: 0, type: 0 }, attrs: {}, dev: o.dev, index: o.index };
  const a = c.attrs;
  let fam = o.family === undefined ? undefined : AF_OF[o.family];
  if (fam === AF.BRIDGE) {
    if (o.address !== undefined) throw new TypeError(`neigh.address is for ARP/NDP entries; a bridge FDB entry's key is lladdr (and dst its vxlan remote)`);
    if (o.lladdr === undefined) throw new TypeError(`neigh.lladdr (the MAC address) is required for a bridge FDB entry`);
    if (o.lladdr.length !== 6) throw new RangeError(`neigh.lladdr must be a 6-byte MAC address for a bridge FDB entry, got ${o.lladdr.length} bytes`);
    c.lladdr = o.lladdr;
    c.dst = o.dst?.bytes;
    Object.assign(a, { vlan: o.vlan, port: o.port, vni: o.vni, srcVni: o.srcVni });
    c.via = o.via;
  } else {
    if (o.address === undefined) throw new TypeError(`neigh.address (the neighbour's IP address) is required`);
    const f = AF_OF[o.address.family];
    if (fam !== undefined && fam !== f) throw new TypeError(`neigh.family is '${o.family}' but neigh.address ${o.address.text} is ${o.address.family}`);
    fam = f;
    c.dst = o.address.bytes;
    for (const k of BRIDGE_ONLY) if (o[k] !== undefined) throw new TypeError(`neigh.${k} applies to bridge FDB entries (family 'bridge') only`);
    for (const k of BRIDGE_FLAGS) if (o[k]) throw new TypeError(`neigh.${k} applies to bridge FDB entries (family 'bridge') only`);
    if (o.master !== undefined && o.master !== false) throw new TypeError(`neigh.master applies to bridge FDB entries (family 'bridge') only`);
    if (o.lladdr !== undefined && op === 'add') c.lladdrOfLink = c.lladdr = o.lladdr;
  }
  c.h.family = fam;
  let flags = 0;
  for (const [k, bit] of Object.entries(NTF) as [keyof typeof NTF, number][]) if (k !== 'master' && o[k]) flags |= bit;
  if (o.master !== undefined && o.master !== false) {
    if (op === 'add' && o.master !== true) throw new TypeError(`neigh.master must be a boolean on add and replace (the bridge is dev's master), got ${show(o.master)}`);
    // a listed entry names its bridge here; a self entry is deleted as self
    if (o.master === true || !o.self) flags |= NTF.master;
  }
  if (fam === AF.BRIDGE && op !== 'get' && !(flags & (NTF.self | NTF.master))) flags |= NTF.self; // as `bridge fdb add`
  if (op === 'get' && fam !== AF.BRIDGE) flags &= NTF.proxy;
  c.h.flags = flags;
  // an FDB delete carries bridge's add default as bridge sends it: the kernel's default FDB (ndo_dflt_fdb_del, a `self` entry) refuses one without NUD_PERMANENT
  if (op === 'del' && fam === AF.BRIDGE) c.h.state = o.state !== undefined ? stateBits(o.state) : NUD.permanent | NUD.noarp;
  if (op === 'add') {
    let ext = 0;
    for (const [k, bit] of Object.entries(NTF_EXT) as [keyof typeof NTF_EXT, number][]) if (o[k]) ext |= bit;
    if (ext) a.flagsExt = ext;
    // ip's defaults: permanent (FDB: permanent+noarp); none beside `managed`, which the kernel resolves itself (and refuses permanent with)
    c.h.state = o.state !== undefined ? stateBits(o.state) : fam === AF.BRIDGE ? NUD.permanent | NUD.noarp : ext & NTF_EXT.managed ? 0 : NUD.permanent;
    if (o.protocol !== undefined) a.protocol = protocolNumber(o.protocol, 'neigh.protocol');
    a.nhid = o.nhid; // bridge FDB only (checked above)
  }
  return c;
}

/** IFLA_ADDRESS alone, to learn a link's address length. */
const linkAddress = linkAttrs.pick('link', ['address']);

/** A link message as `[index, length of its link-layer address]` (0: it has none). */
function linkAddrLen(b: Buffer, off: number, end: number): readonly [number, number] {
  const h = ifinfomsg.header(b, off, end, 'link');
  const { address } = linkAddress.decode(b, off + ifinfomsg.size, end) as { address?: string };
  return [h.index, address ? (address.length + 1) / 3 : 0];
}

/**
 * The entry's link index: a number as given, a name looked up (one
 * RTM_GETLINK); compared with `index` when both are given; and, for an
 * ARP/NDP add with lladdr, the lladdr's length checked against the link's.
 */
function* linkOf(c: Checked): Op<number> {
  const ref = c.dev ?? (c.index as number);
  if (typeof ref === 'number' && !c.lladdrOfLink) return ref;
  const where = c.dev !== undefined ? 'neigh.dev' : 'neigh.index';
  let found: readonly [number, number];
  try {
    [found] = (yield getLinkRequest(ref, false, linkAddrLen)) as (readonly [number, number])[];
  } catch (e) {
    if (e instanceof NetlinkError && e.code === 'ENODEV') throw new NetlinkError(19, 'RTM_GETLINK', {}, `${where}: no link ${typeof ref === 'number' ? `with index ${ref}` : `named '${ref}'`}`);
    throw e;
  }
  const [index, len] = found;
  if (c.index !== undefined && index !== c.index) throw new TypeError(`neigh.dev '${ref}' is the link with index ${index}, but neigh.index is ${c.index}: they name different links`);
  const ll = c.lladdrOfLink;
  if (ll && ll.length !== len)
    throw new RangeError(len ? `neigh.lladdr must be a ${len}-byte address (as long as ${where} ${show(ref)}'s own), got ${ll.length} bytes` : `neigh.lladdr: ${where} ${show(ref)} has no link-layer address`);
  return index;
}

function writeNeigh(w: Writer, c: Checked, ifindex: number, via: number | undefined, attrs = c.attrs): void {
  ndmsg.encode(w, { ...c.h, ifindex }, 'neigh');
  if (c.dst) neighAttrs.encodeBytes(w, 'dst', c.dst);
  if (c.lladdr) neighAttrs.encodeBytes(w, 'lladdr', c.lladdr);
  neighAttrs.encode(w, via === undefined ? attrs : { ...attrs, ifindex: via }, 'neigh');
}

function* modify(input: unknown, type: number, flags: number, op: 'add' | 'del'): Op<void> {
  const c = checkNeigh(input, op);
  const ifindex = yield* linkOf(c);
  const via = c.via === undefined ? undefined : yield* linkIndex(c.via, 'neigh.via');
  yield { type, flags, body: (w: Writer) => writeNeigh(w, c, ifindex, via) } satisfies Request;
}

interface Compiled {
  family: number;
  ifindex: number;
  master: number;
  proxy: boolean;
  state?: number;
  to?: { family: number; bytes: Buffer; len: number };
  vlan?: number;
}

/** What a filter's fields say together (before any lookup). */
function checkFilter(f: FilterInput): void {
  if (f.to && f.family !== undefined && f.family !== f.to.family)
    throw new TypeError(`filter.to ${f.to.address}/${f.to.prefixlen} is ${f.to.family}, but filter.family is '${f.family}' (bridge FDB entries have no address: their remote is dst)`);
  if (f.vlan !== undefined && f.family !== 'bridge') throw new TypeError("filter.vlan applies to bridge FDB entries: add family: 'bridge'");
}

/** Decodes one RTM_NEWNEIGH payload; `undefined` when the filter rejects it. */
function parseNeigh(b: Buffer, off: number, end: number, c?: Compiled): Neighbour | undefined {
  const h = ndmsg.header(b, off, end, 'neigh');
  const { family, state, flags, ifindex: index } = h;
  if (family !== AF.INET && family !== AF.INET6 && family !== AF.BRIDGE) return undefined;
  if (c) {
    if (c.family && c.family !== family) return undefined;
    if (c.ifindex && c.ifindex !== index) return undefined;
    if (c.state !== undefined && !(state & c.state) && !(c.state === 0 && state === 0)) return undefined;
  }
  const raw = neighAttrs.decode(b, off + ndmsg.size, end, undefined, 'neigh') as Decoded<NdaAttrs>;
  if (c) {
    if (c.vlan !== undefined && raw.vlan !== c.vlan) return undefined;
    if (c.to) {
      if (raw.dst === undefined || c.to.family !== family) return undefined;
      if (!prefixMatch(parseIp(raw.dst).bytes, 0, c.to.bytes, c.to.len)) return undefined;
    }
  }
  const n: Neighbour = { family: family === AF.INET ? 'inet' : family === AF.INET6 ? 'inet6' : 'bridge', index, state: stateValue(state) };
  if (raw.dst !== undefined) {
    if (family === AF.BRIDGE) n.dst = raw.dst;
    else n.address = raw.dst;
  }
  if (raw.lladdr !== undefined) n.lladdr = raw.lladdr;
  for (const [k, bit] of Object.entries(NTF)) if (flags & bit && k !== 'master') (n as unknown as Record<string, unknown>)[k] = true;
  if (raw.flagsExt) for (const [k, bit] of Object.entries(NTF_EXT)) if (raw.flagsExt & bit) (n as unknown as Record<string, unknown>)[k] = true;
  if (raw.master !== undefined) n.master = raw.master;
  else if (flags & NTF.master) n.master = index;
  if (raw.vlan !== undefined) n.vlan = raw.vlan;
  if (raw.port !== undefined) n.port = raw.port;
  if (raw.vni !== undefined) n.vni = raw.vni;
  if (raw.srcVni !== undefined) n.srcVni = raw.srcVni;
  if (raw.ifindex !== undefined) n.via = raw.ifindex;
  if (raw.probes !== undefined) n.probes = raw.probes;
  if (raw.protocol !== undefined) n.protocol = protocolName(raw.protocol);
  if (raw.nhid !== undefined) n.nhid = raw.nhid;
  if (raw.linkNetnsid !== undefined) n.linkNetnsid = raw.linkNetnsid;
  if (raw.cacheinfo !== undefined) n.cacheinfo = raw.cacheinfo;
  if (raw.unknown !== undefined) n.unknown = raw.unknown;
  return n;
}

function neighDump(c: Compiled): Request<Neighbour> {
  return {
    type: RTM.GETNEIGH,
    flags: NLM_F.DUMP,
    body(w) {
      ndmsg.encode(w, { family: c.family, ifindex: 0, state: 0, flags: c.proxy ? NTF.proxy : 0, type: 0 }, 'filter');
      if (c.ifindex) neighAttrs.encodeOne(w, 'ifindex', c.ifindex, 'filter.dev');
      if (c.master) neighAttrs.encodeOne(w, 'master', c.master, 'filter.master');
    },
    parse: (b, off, end) => parseNeigh(b, off, end, c),
  };
}

function* neighLinks(n: Neighbour): Generator<number> {
  yield n.index;
  if (typeof n.master === 'number') yield n.master;
  if (typeof n.via === 'number') yield n.via;
}

function nameNeigh(n: Neighbour, names: Map<number, string>): void {
  const d = names.get(n.index);
  if (d !== undefined) n.dev = d;
  if (typeof n.master === 'number') n.master = names.get(n.master) ?? n.master;
  if (typeof n.via === 'number') n.via = names.get(n.via) ?? n.via;
}

/** Resolves a checked filter's links (dev, master) and compiles it. */
function* resolveFilter(f: FilterInput): Op<{ c: Compiled; names: NameSource }> {
  checkFilter(f);
  const { index, names } = yield* resolveDev(f.dev, 'filter.dev');
  const master = f.master === undefined ? 0 : yield* linkIndex(f.master, 'filter.master');
  const c: Compiled = { family: f.family === undefined ? AF.UNSPEC : AF_OF[f.family], ifindex: index ?? 0, master, proxy: f.proxy ?? false, vlan: f.vlan };
  if (f.state !== undefined) c.state = stateBits(f.state);
  if (f.to) c.to = { family: AF_OF[f.to.family], bytes: f.to.bytes, len: f.to.prefixlen };
  return { c, names };
}

function* list(f: FilterInput): Op<Neighbour[]> {
  const { c, names } = yield* resolveFilter(f);
  return yield* dumpNamed(neighDump(c), names, neighLinks, nameNeigh);
}

/** A delete of exactly this listed entry. */
function delRequest(n: Neighbour): Request {
  const o: NeighOptions = { index: n.index, family: n.family, proxy: n.proxy };
  if (n.family === 'bridge') Object.assign(o, { lladdr: n.lladdr, dst: n.dst, vlan: n.vlan, vni: n.vni, port: n.port, self: n.self, master: n.master !== undefined && !n.self });
  else o.address = n.address;
  const c = checkNeigh(o, 'del');
  return { type: RTM.DELNEIGH, body: (w: Writer) => writeNeigh(w, c, n.index, undefined) };
}

/** Whether a flush filter selects anything short of everything (or says `all`). */
const narrows = (f: FilterInput): boolean =>
  f.all === true || f.proxy === true || [f.dev, f.master, f.family, f.state, f.to, f.vlan].some((v) => v !== undefined);

/** The neighbour operations, written once and run async or sync by a handle. */
export const neighOps = {
  /**
   * Adds an entry. Equivalent to `ip neigh add ADDR [lladdr MAC] [nud STATE]
   * [router] [proxy] dev DEV` (default `nud permanent`), or, with family
   * `'bridge'`, `bridge fdb add MAC dev DEV [self|master] [dst IP] [vlan N]
   * [port N] [vni N] [via DEV]`. EEXIST if present.
   */
  add(options: NeighOptions): Op<void> {
    return modify(options, RTM.NEWNEIGH, NLM_F.CREATE | NLM_F.EXCL, 'add');
  },

  /** Adds or updates an entry. Equivalent to `ip neigh replace …` / `bridge fdb replace …`. */
  replace(options: NeighOptions): Op<void> {
    return modify(options, RTM.NEWNEIGH, NLM_F.CREATE | NLM_F.REPLACE, 'add');
  },

  /**
   * Changes an existing entry; ENOENT if there is none. Equivalent to
   * `ip neigh change …` / `bridge fdb change …` (NLM_F_REPLACE without NLM_F_CREATE).
   */
  change(options: NeighOptions): Op<void> {
    return modify(options, RTM.NEWNEIGH, NLM_F.REPLACE, 'add');
  },

  /**
   * Adds a bridge FDB entry beside those with the same MAC (family `'bridge'`
   * only: a VXLAN device keeps one entry per remote `dst`, so one MAC can flood
   * to many). Equivalent to `bridge fdb append MAC dev DEV [dst IP] [vni N] …`
   * (NLM_F_CREATE|NLM_F_APPEND).
   */
  *append(options: NeighOptions): Op<void> {
    if (isPlain(options) && (options as { family?: unknown }).family !== 'bridge')
      throw new TypeError(`neigh.family must be 'bridge' for append (bridge fdb append MAC dev DEV …); an IP neighbour has one entry per address: use add or replace`);
    return yield* modify(options, RTM.NEWNEIGH, NLM_F.CREATE | NLM_F.APPEND, 'add');
  },

  /** Removes an entry. Equivalent to `ip neigh del ADDR dev DEV` / `bridge fdb del MAC dev DEV …`; a listed entry deletes itself. */
  del(options: NeighOptions): Op<void> {
    return modify(options, RTM.DELNEIGH, 0, 'del');
  },

  /**
   * Lists entries. Equivalent to `ip neigh show nud all [dev D] [master D]
   * [proxy] [to PREFIX]` (every state unless `state` says; both IP families
   * unless `family` says), or `bridge fdb show [brport D] [br B]` with family
   * `'bridge'`. Link and master are filtered in the kernel.
   */
  *list(filter: NeighFilter = {}): Op<Neighbour[]> {
    return yield* list(neighSchemas.filter(filter, 'filter'));
  },

  /** Streams the neighbour dump; same filters as `list`. */
  stream: streaming(function* (filter: NeighFilter = {}): Op<Request<Neighbour>> {
    const { c } = yield* resolveFilter(neighSchemas.filter(filter, 'filter'));
    const map = yield* namesFor({ all: true });
    return {
      ...neighDump(c),
      parse(b: Buffer, off: number, end: number) {
        const n = parseNeigh(b, off, end, c);
        if (n) nameNeigh(n, map);
        return n;
      },
    };
  }),

  /**
   * Removes matching entries; resolves with how many went. Equivalent to
   * `ip neigh flush [dev D] [nud S] [to PREFIX]`: without `state`, permanent
   * and noarp entries stay, as with `ip`. A filter that selects nothing in
   * particular (`{}`, `{ proxy: false }`) is refused, as `ip neigh flush`
   * refuses no arguments; `{ all: true }` is `ip neigh flush all`.
   */
  *flush(filter: NeighFlushFilter): Op<number> {
    const f: FilterInput = filter === undefined ? {} : neighSchemas.flushFilter(filter, 'filter');
    if (!narrows(f)) throw new TypeError('neigh.flush needs a filter (e.g. { dev }, or { all: true } for every entry), as `ip neigh flush` does');
    const keep = f.state === undefined ? NUD.permanent | NUD.noarp : 0;
    let count = 0;
    for (let round = 0; round < 4; round++) {
      const found = (yield* list(f)).filter((n) => !(stateBits(n.state) & keep) && !(n.family === 'bridge' && n.self && n.state === 'permanent' && !f.state));
      if (!found.length) return count;
      count += found.length;
      try {
        yield found.map(delRequest);
        return count;
      } catch (e) {
        if (!(e instanceof NetlinkError) || e.code !== 'ENOENT') throw e;
      }
    }
    return count;
  },

  /**
   * Looks one entry up in the kernel. Equivalent to `ip neigh get ADDR dev DEV
   * [proxy]`, or `bridge fdb get MAC dev DEV [vlan N] [self|master]` with
   * family `'bridge'`. ENOENT when there is none.
   */
  *get(options: NeighOptions): Op<Neighbour> {
    const c = checkNeigh(options, 'get');
    const ifindex = yield* linkOf(c);
    const { vlan, vni } = c.attrs;
    const bridge = c.h.family === AF.BRIDGE;
    const req: Request<Neighbour | undefined> = {
      type: RTM.GETNEIGH,
      // the kernel takes the key only (strict checking refuses other attributes): MAC, vlan, vni / address
      body: (w: Writer) => writeNeigh(w, bridge ? { ...c, dst: undefined } : c, ifindex, undefined, bridge ? { vlan, vni } : {}),
      parse: (b: Buffer, off: number, end: number) => parseNeigh(b, off, end),
    };
    const [n] = (yield req) as Neighbour[];
    const names = new Map<number, string>();
    if (typeof c.dev === 'string') names.set(ifindex, c.dev);
    yield* lookupMissing([n], names, neighLinks);
    nameNeigh(n, names);
    return n;
  },
};

// Notifications decode exactly like the lists (events.ts, read by monitor.ts).
registerEvents('neigh', RTM.NEWNEIGH, RTM.DELNEIGH, ((b, off, end) => parseNeigh(b, off, end)) as EventDecoder);
