/**
 * Neighbours: ARP and NDP entries (`ip neigh add|replace|del|show|flush|get`)
 * and bridge forwarding-database entries (`bridge fdb add|del|show`, family
 * `'bridge'`) over RTM_NEWNEIGH/RTM_DELNEIGH/RTM_GETNEIGH.
 * @module
 */
import { prefixMatch, type Writer } from './codec.js';
import { NetlinkError } from './errors.js';
import { registerEvents, type EventDecoder } from './events.js';
import { NLM_F } from './protocol.js';
import { streaming, type Op, type Request } from './request.js';
import { dumpNamed, linkIndex, lookupMissing, namesFor, resolveDev, type NameSource } from './resolve.js';
import { AF, checkIfname, checkInt, parseIp, parseMac, parsePrefix, type LinkRef, type ParsedIp } from './types.js';
import { protocolName, protocolNumber, requireSelector, type RouteProtocol } from './vocab.js';
import { ndmsg, neighAttrs, type NdaAttrs, type NdaCacheinfo, type NdMsg } from './wire/neigh.js';
import { RTM } from './wire/rtm.js';

export type { NdMsg } from './wire/neigh.js';

/** Neighbour states (`NUD_*`), as `ip neigh … nud STATE` names them. */
export const NUD = {
  incomplete: 0x01, reachable: 0x02, stale: 0x04, delay: 0x08, probe: 0x10, failed: 0x20, noarp: 0x40, permanent: 0x80,
} as const;
/** A neighbour state: a name of {@link NUD}, or `none` (no state bit). */
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

/** What `neigh.add`/`replace`/`del` take: `ip neigh add ADDR [lladdr MAC] [nud STATE] [router] dev DEV`, or `bridge fdb add MAC dev DEV [master|self] [dst IP] [vlan N] …`. */
export interface NeighOptions extends NeighFlags {
  /** `dev DEV`: the link (bridge FDB: the port, or the vxlan device). */
  dev?: LinkRef;
  /** The link's index (what `list` returns); an alternative to `dev`. */
  index?: number;
  /** The neighbour's IP address (ARP/NDP; NDA_DST). */
  address?: string;
  /** `lladdr MAC` (ARP/NDP), or the FDB key (`bridge fdb add MAC`). */
  lladdr?: string;
  /** `'inet'`/`'inet6'` (from `address`), or `'bridge'` for an FDB entry. */
  family?: NeighFamily;
  /** `nud STATE` (default `permanent`; bridge FDB default `permanent`+`noarp`, as `bridge fdb add`). */
  state?: NeighState | NeighState[];
  /** Bridge FDB: `master` — the entry goes to the master (bridge) of `dev`. A listed entry carries the master's name here. */
  master?: boolean | LinkRef;
  /** Bridge FDB: `dst IP` — the remote of a vxlan entry. */
  dst?: string;
  /** Bridge FDB: `vlan N`. */
  vlan?: number;
  /** Bridge FDB: `port N` (vxlan UDP port). */
  port?: number;
  /** Bridge FDB: `vni N` (vxlan). */
  vni?: number;
  /** Bridge FDB: `src_vni N` (vxlan). */
  srcVni?: number;
  /** Bridge FDB: `via DEV` — the vxlan remote's outgoing link. */
  via?: LinkRef;
  /** `protocol P`. */
  protocol?: RouteProtocol;
  /** `nhid N`. */
  nhid?: number;
}

/** A neighbour as `neigh.list`/`get` return it (`ip -j neigh show`, `bridge -j fdb show`). */
export interface Neighbour extends NeighFlags {
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

/** Filters of `neigh.list`/`stream`/`flush` (`ip neigh show [dev D] [nud S] [proxy] [to PREFIX]`, `bridge fdb show [br B] [brport D]`). */
export interface NeighFilter {
  /** `dev D` / `brport D` (filtered in the kernel). */
  dev?: LinkRef;
  /** `master D` / `br B`: entries of the links enslaved to it (filtered in the kernel). */
  master?: LinkRef;
  /** `'inet'`, `'inet6'` (both IP families by default), or `'bridge'` for the FDB. */
  family?: NeighFamily;
  /** `nud S…`: entries in any of these states. */
  state?: NeighState | NeighState[];
  /** `proxy`: the proxy entries instead of the neighbour cache. */
  proxy?: boolean;
  /** `to PREFIX`: addresses inside this prefix. */
  to?: string;
  /** Bridge FDB: `vlan N`. */
  vlan?: number;
}

function familyOf(f: unknown, field: string): number {
  if (f === 'inet') return AF.INET;
  if (f === 'inet6') return AF.INET6;
  if (f === 'bridge') return AF.BRIDGE;
  throw new TypeError(`${field} must be 'inet', 'inet6' or 'bridge', got ${JSON.stringify(f)}`);
}

function stateBits(v: unknown, field: string): number {
  const list = Array.isArray(v) ? v : [v];
  let bits = 0;
  for (const s of list) {
    if (s === 'none') continue;
    if (s === 'all') return 0xff;
    const n = NUD[s as keyof typeof NUD];
    if (n === undefined) throw new TypeError(`${field} must be ${Object.keys(NUD).join(', ')} or none, got ${JSON.stringify(s)}`);
    bits |= n;
  }
  return bits;
}

function stateValue(bits: number): NeighState | NeighState[] {
  if (bits === 0) return 'none';
  const names = nudNames.filter(([, v]) => bits & v).map(([k]) => k);
  return names.length === 1 ? names[0] : names;
}

const neighKeys = new Set([
  'dev', 'index', 'address', 'lladdr', 'family', 'state', 'master', 'dst', 'vlan', 'port', 'vni', 'srcVni', 'via',
  'protocol', 'nhid', ...Object.keys(NTF), ...Object.keys(NTF_EXT),
  // reported by list, accepted so that a listed entry can be passed back
  'probes', 'linkNetnsid', 'cacheinfo',
]);

interface Checked {
  h: NdMsg;
  dst?: ParsedIp;
  attrs: Partial<NdaAttrs>;
  via?: LinkRef;
}

function checkNeigh(o: NeighOptions, op: 'add' | 'del' | 'get'): Checked {
  const where = 'neigh';
  if (!o || typeof o !== 'object') throw new TypeError(`neigh.${op} needs an options object`);
  const r = o as Record<string, unknown>;
  for (const k in r) if (!neighKeys.has(k) && r[k] !== undefined) throw new TypeError(`${where}: unknown field '${k}'`);
  if (o.dev === undefined && o.index === undefined) throw new TypeError(`${where}.dev is required`);
  let family = o.family !== undefined ? familyOf(o.family, `${where}.family`) : undefined;
  const a: Partial<NdaAttrs> = {};
  const c: Checked = { h: { family: 0, ifindex: 0, state: 0, flags: 0, type: 0 }, attrs: a };
  if (family === AF.BRIDGE) {
    if (o.address !== undefined) throw new TypeError(`${where}.address is for ARP/NDP entries; a bridge FDB entry's key is lladdr (and dst its vxlan remote)`);
    if (o.lladdr === undefined) throw new TypeError(`${where}.lladdr (the MAC address) is required for a bridge FDB entry`);
    if (o.dst !== undefined) a.dst = parseIp(o.dst, `${where}.dst`) && o.dst;
    if (o.vlan !== undefined) a.vlan = checkInt(o.vlan, `${where}.vlan`, 0, 4095);
    if (o.port !== undefined) a.port = checkInt(o.port, `${where}.port`, 0, 65535);
    if (o.vni !== undefined) a.vni = checkInt(o.vni, `${where}.vni`, 0, 0xffffff);
    if (o.srcVni !== undefined) a.srcVni = checkInt(o.srcVni, `${where}.srcVni`, 0, 0xffffff);
    if (o.via !== undefined) c.via = typeof o.via === 'number' ? checkInt(o.via, `${where}.via`, 1, 0x7fffffff) : checkIfname(o.via, `${where}.via`);
  } else {
    const ipText = o.address ?? o.dst;
    if (o.address !== undefined && o.dst !== undefined && o.address !== o.dst) throw new TypeError(`${where}: address and dst name the same thing; give one`);
    if (ipText === undefined) throw new TypeError(`${where}.address (the neighbour's IP address) is required`);
    const ip = parseIp(ipText, `${where}.address`);
    const f = ip.family === 'inet' ? AF.INET : AF.INET6;
    if (family !== undefined && family !== f) throw new TypeError(`${where}.family is '${o.family}' but ${ipText} is ${ip.family}`);
    family = f;
    c.dst = ip;
    for (const k of ['vlan', 'port', 'vni', 'srcVni', 'via'] as const)
      if (o[k] !== undefined) throw new TypeError(`${where}.${k} applies to bridge FDB entries (family 'bridge') only`);
  }
  c.h.family = family;
  if (o.lladdr !== undefined) {
    parseMac(o.lladdr, `${where}.lladdr`);
    a.lladdr = o.lladdr;
  }
  let flags = 0;
  for (const [k, bit] of Object.entries(NTF)) {
    const v = r[k];
    if (v === undefined || v === false) continue;
    if (k === 'master') {
      if (v !== true && typeof v !== 'string' && typeof v !== 'number') throw new TypeError(`${where}.master must be a boolean (or the master link a listed entry carries)`);
      if (family !== AF.BRIDGE && v !== true) continue;
    } else if (v !== true) throw new TypeError(`${where}.${k} must be a boolean`);
    flags |= bit;
  }
  let ext = 0;
  for (const [k, bit] of Object.entries(NTF_EXT)) {
    const v = r[k];
    if (v === undefined || v === false) continue;
    if (v !== true) throw new TypeError(`${where}.${k} must be a boolean`);
    ext |= bit;
  }
  if (family === AF.BRIDGE && op !== 'get' && !(flags & (NTF.self | NTF.master))) flags |= NTF.self; // as `bridge fdb add`
  if (op === 'get' && family !== AF.BRIDGE) flags &= NTF.proxy;
  c.h.flags = flags;
  if (op === 'add') {
    if (ext) a.flagsExt = ext;
    if (o.state !== undefined) c.h.state = stateBits(o.state, `${where}.state`);
    else c.h.state = family === AF.BRIDGE ? NUD.permanent | NUD.noarp : NUD.permanent;
    if (o.protocol !== undefined) a.protocol = protocolNumber(o.protocol, `${where}.protocol`);
    if (o.nhid !== undefined) a.nhid = checkInt(o.nhid, `${where}.nhid`, 1, 0xffffffff);
  }
  return c;
}

function writeNeigh(w: Writer, c: Checked, ifindex: number, via: number | undefined): void {
  ndmsg.encode(w, { ...c.h, ifindex }, 'neigh');
  if (c.dst) neighAttrs.encodeBytes(w, 'dst', c.dst.bytes);
  neighAttrs.encode(w, via === undefined ? c.attrs : { ...c.attrs, ifindex: via }, 'neigh');
}

function* devOf(o: { dev?: LinkRef; index?: number }): Op<number> {
  if (o.dev !== undefined) {
    if (typeof o.dev === 'number') return checkInt(o.dev, 'neigh.dev', 1, 0x7fffffff);
    return yield* linkIndex(checkIfname(o.dev, 'neigh.dev'), 'neigh.dev');
  }
  return checkInt(o.index, 'neigh.index', 1, 0x7fffffff);
}

function* modify(o: NeighOptions, type: number, flags: number, op: 'add' | 'del'): Op<void> {
  const c = checkNeigh(o, op);
  const ifindex = yield* devOf(o);
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

const filterKeys = new Set(['dev', 'master', 'family', 'state', 'proxy', 'to', 'vlan']);

function compileFilter(f: NeighFilter, ifindex?: number, master?: number): Compiled {
  if (!f || typeof f !== 'object') throw new TypeError('filter must be an object');
  for (const k in f) if (!filterKeys.has(k)) throw new TypeError(`filter: unknown field '${k}'`);
  const c: Compiled = {
    family: f.family === undefined ? AF.UNSPEC : familyOf(f.family, 'filter.family'),
    ifindex: ifindex ?? 0,
    master: master ?? 0,
    proxy: false,
  };
  if (f.proxy !== undefined) {
    if (typeof f.proxy !== 'boolean') throw new TypeError('filter.proxy must be a boolean');
    c.proxy = f.proxy;
  }
  if (f.state !== undefined) c.state = stateBits(f.state, 'filter.state');
  if (f.to !== undefined) {
    const p = parsePrefix(f.to, 'filter.to');
    c.to = { family: p.family === 'inet' ? AF.INET : AF.INET6, bytes: p.bytes, len: p.prefixlen };
  }
  if (f.vlan !== undefined) c.vlan = checkInt(f.vlan, 'filter.vlan', 0, 4095);
  return c;
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
  const raw = neighAttrs.decode(b, off + ndmsg.size, end, undefined, 'neigh') as Partial<NdaAttrs>;
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

function* resolveFilter(filter: NeighFilter): Op<{ c: Compiled; names: NameSource }> {
  compileFilter(filter);
  const { index, names } = yield* resolveDev(filter.dev, 'filter.dev');
  const master = filter.master === undefined ? undefined : typeof filter.master === 'number' ? filter.master : yield* linkIndex(filter.master, 'filter.master');
  return { c: compileFilter(filter, index, master), names };
}

function* list(filter: NeighFilter): Op<Neighbour[]> {
  const { c, names } = yield* resolveFilter(filter);
  return yield* dumpNamed(neighDump(c), names, neighLinks, nameNeigh);
}

/** A delete of exactly this listed entry. */
function delRequest(n: Neighbour): Request {
  const o: NeighOptions = { index: n.index, family: n.family, lladdr: n.lladdr, proxy: n.proxy };
  if (n.family === 'bridge') Object.assign(o, { dst: n.dst, vlan: n.vlan, vni: n.vni, port: n.port, self: n.self, master: n.master !== undefined && !n.self });
  else o.address = n.address;
  if (n.family !== 'bridge') delete o.lladdr;
  const c = checkNeigh(o, 'del');
  return { type: RTM.DELNEIGH, body: (w: Writer) => writeNeigh(w, c, n.index, undefined) };
}

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

  /** Removes an entry. Equivalent to `ip neigh del ADDR dev DEV` / `bridge fdb del MAC dev DEV …`. */
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
    return yield* list(filter);
  },

  /** Streams the neighbour dump; same filters as `list`. */
  stream: streaming(function* (filter: NeighFilter = {}): Op<Request<Neighbour>> {
    const { c } = yield* resolveFilter(filter);
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
   * and noarp entries stay, as with `ip`; an empty filter is refused, as with `ip`.
   */
  *flush(filter: NeighFilter): Op<number> {
    requireSelector(filter, 'neigh', "{ dev }");
    const keep = filter.state === undefined ? NUD.permanent | NUD.noarp : 0;
    let count = 0;
    for (let round = 0; round < 4; round++) {
      const found = (yield* list(filter)).filter((n) => !(stateBits(n.state, 'state') & keep) && !(n.family === 'bridge' && n.self && n.state === 'permanent' && !filter.state));
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
    const ifindex = yield* devOf(options);
    const req: Request<Neighbour | undefined> = {
      type: RTM.GETNEIGH,
      body: (w: Writer) => {
        ndmsg.encode(w, { ...c.h, ifindex }, 'neigh');
        if (c.dst) neighAttrs.encodeBytes(w, 'dst', c.dst.bytes);
        const { lladdr, vlan, vni } = c.attrs;
        neighAttrs.encode(w, c.h.family === AF.BRIDGE ? { lladdr, vlan, vni } : {}, 'neigh');
      },
      parse: (b: Buffer, off: number, end: number) => parseNeigh(b, off, end),
    };
    const [n] = (yield req) as Neighbour[];
    const names = new Map<number, string>();
    if (typeof options.dev === 'string') names.set(ifindex, options.dev);
    yield* lookupMissing([n], names, neighLinks);
    nameNeigh(n, names);
    return n;
  },
};

// Notifications decode exactly like the lists (events.ts, read by monitor.ts).
registerEvents('neigh', RTM.NEWNEIGH, RTM.DELNEIGH, ((b, off, end) => parseNeigh(b, off, end)) as EventDecoder);
