/**
 * Links: `ip link show|add|set|del` over RTM_NEWLINK/RTM_DELLINK/RTM_GETLINK.
 * @module
 */
import { openSync, closeSync } from 'node:fs';
import { AttrTable, attrs, enumOf, flagNames, forEachAttr, struct, t, type ValueCodec, type Writer } from './codec.js';
import { NetlinkError } from './errors.js';
import { kinds, setPeerCodec, type BridgeInfo, type BridgePortInfo, type IpvlanInfo, type MacvlanInfo, type VethInfo, type VlanInfo, type VxlanInfo } from './kinds.js';
import { NLM_F, RTM, streaming, type Op, type Request } from './netlink.js';
import { checkIfname, checkInt, parseMac, type LinkRef, type NetnsRef } from './types.js';

/** struct ifinfomsg (linux/rtnetlink.h). */
export interface IfInfoMsg {
  family: number;
  type: number;
  index: number;
  flags: number;
  change: number;
}
export const ifinfomsg = struct<IfInfoMsg>([
  ['family', 'u8'],
  ['_pad', 'pad8'],
  ['type', 'u16'],
  ['index', 's32'],
  ['flags', 'u32'],
  ['change', 'u32'],
]);

/** Interface flags (`IFF_*`, linux/if.h), named as `ip link` prints them. */
export const IFF = {
  UP: 0x1, BROADCAST: 0x2, DEBUG: 0x4, LOOPBACK: 0x8, POINTOPOINT: 0x10, NOTRAILERS: 0x20,
  RUNNING: 0x40, NOARP: 0x80, PROMISC: 0x100, ALLMULTI: 0x200, MASTER: 0x400, SLAVE: 0x800,
  MULTICAST: 0x1000, PORTSEL: 0x2000, AUTOMEDIA: 0x4000, DYNAMIC: 0x8000, LOWER_UP: 0x10000,
  DORMANT: 0x20000, ECHO: 0x40000,
} as const;
/** A name of {@link IFF}. */
export type LinkFlag = keyof typeof IFF;

/** RFC 2863 operational states (IF_OPER_*), as `ip` prints them. */
export type OperState = 'UNKNOWN' | 'NOTPRESENT' | 'DOWN' | 'LOWERLAYERDOWN' | 'TESTING' | 'DORMANT' | 'UP';
const operstates = { UNKNOWN: 0, NOTPRESENT: 1, DOWN: 2, LOWERLAYERDOWN: 3, TESTING: 4, DORMANT: 5, UP: 6 } as const;

/** ARPHRD_* link types, named as `ip -j` prints `link_type`. */
const linkTypes: Record<number, string> = {
  1: 'ether', 772: 'loopback', 776: 'sit', 768: 'ipip', 778: 'gre', 823: 'ip6gre', 769: 'tunnel6',
  65534: 'none', 65535: 'void', 280: 'can', 824: 'netlink', 32: 'infiniband', 519: 'ieee802.1q',
};

/** The 64-bit counters of IFLA_STATS64 (struct rtnl_link_stats64). */
export interface LinkStats {
  rxPackets: number; txPackets: number; rxBytes: number; txBytes: number;
  rxErrors: number; txErrors: number; rxDropped: number; txDropped: number;
  multicast: number; collisions: number;
  rxLengthErrors: number; rxOverErrors: number; rxCrcErrors: number; rxFrameErrors: number;
  rxFifoErrors: number; rxMissedErrors: number; txAbortedErrors: number; txCarrierErrors: number;
  txFifoErrors: number; txHeartbeatErrors: number; txWindowErrors: number;
  rxCompressed: number; txCompressed: number; rxNohandler: number;
}
const stats64 = struct<LinkStats>(
  ([
    'rxPackets', 'txPackets', 'rxBytes', 'txBytes', 'rxErrors', 'txErrors', 'rxDropped', 'txDropped',
    'multicast', 'collisions', 'rxLengthErrors', 'rxOverErrors', 'rxCrcErrors', 'rxFrameErrors',
    'rxFifoErrors', 'rxMissedErrors', 'txAbortedErrors', 'txCarrierErrors', 'txFifoErrors',
    'txHeartbeatErrors', 'txWindowErrors', 'rxCompressed', 'txCompressed', 'rxNohandler',
  ] as const).map((n) => [n, 'u64'] as const),
);

/** Kind-specific options by kind: the `info` of each `kind`. */
export interface LinkKindInfo {
  veth: VethInfo;
  bridge: BridgeInfo;
  macvlan: MacvlanInfo;
  macvtap: MacvlanInfo;
  vxlan: VxlanInfo;
  vlan: VlanInfo;
  ipvlan: IpvlanInfo;
  ipvtap: IpvlanInfo;
  ifb: Record<string, never>;
  dummy: Record<string, never>;
}
/** A link kind this library can create (`ip link add … type KIND`). */
export type LinkKind = keyof LinkKindInfo;

/** `kind` with its typed `info`: one member per kind (a discriminated union). */
export type LinkKindOptions = { [K in LinkKind]: { kind: K; info?: LinkKindInfo[K] } }[LinkKind];

/** Port options by the master's kind (`type bridge_slave …`). */
export interface LinkSlaveInfo {
  bridge: BridgePortInfo;
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
  /** `alias` (IFLA_IFALIAS). */
  alias?: string;
  /** `numtxqueues`. */
  numTxQueues?: number;
  /** `numrxqueues`. */
  numRxQueues?: number;
  /** `gso_max_size`. */
  gsoMaxSize?: number;
  /** `gso_max_segs`. */
  gsoMaxSegs?: number;
  /** `protodown on|off`. */
  protoDown?: boolean;
}

/** A link as `link.list`/`link.get` return it (`ip -d -s link show`). */
export type Link = LinkAttributes & {
  index: number;
  name: string;
  /** `up`: IFF_UP is set (administratively up). */
  up: boolean;
  /** All IFF_* flags that are set. */
  flags: (LinkFlag | number)[];
  /** `link_type` (ARPHRD_*): 'ether', 'loopback', 'none', … */
  linkType: string | number;
  /** `operstate`. */
  operstate?: OperState | number;
  /** `linkmode` (0 default, 1 dormant). */
  linkmode?: number;
  /** `master` — the index of the master (bridge, bond, vrf). */
  master?: number;
  /** `link` — the index of the lower or peer device (`veth0@veth1`). */
  link?: number;
  /** `link-netnsid` — the nsid of the namespace that `link` is in. */
  linkNetnsid?: number;
  /** `promiscuity` count. */
  promiscuity?: number;
  /** `allmulti` count. */
  allmulti?: number;
  /** Carrier (IFLA_CARRIER). */
  carrier?: boolean;
  /** `carrier_changes`. */
  carrierChanges?: number;
  /** `qdisc`. */
  qdisc?: string;
  /** `min_mtu`. */
  minMtu?: number;
  /** `max_mtu`. */
  maxMtu?: number;
  /** `permaddr`. */
  permAddress?: string;
  /** `parentdev`. */
  parentDevName?: string;
  /** `parentbus`. */
  parentDevBusName?: string;
  /** `altname`s. */
  altnames?: string[];
  /** `-s` counters (IFLA_STATS64). */
  stats64?: LinkStats;
  /** IFLA_INFO_SLAVE_KIND: the master's kind when this link is a port. */
  slaveKind?: string;
  /** IFLA_INFO_SLAVE_DATA: port options. */
  slaveInfo?: Record<string, unknown>;
} & ({ kind?: undefined; info?: undefined } | { [K in LinkKind]: { kind: K; info: LinkKindInfo[K] } }[LinkKind] | { kind: string; info?: Record<string, unknown> });

/** What the veth peer may carry (`peer name NAME address … mtu … netns …`). */
export interface LinkPeer extends LinkAttributes {
  /** Name of the peer. */
  name?: string;
  /** Create the peer directly inside this namespace. */
  netns?: NetnsRef;
}

/** Options shared by `add` and `set` that are not plain attributes. */
interface LinkControl {
  /** `up` / `down`. */
  up?: boolean;
  /** `promisc on|off`. */
  promisc?: boolean;
  /** `arp on|off` (clears/sets IFF_NOARP). */
  arp?: boolean;
  /** `multicast on|off`. */
  multicast?: boolean;
  /** `allmulticast on|off`. */
  allmulticast?: boolean;
  /** `master DEV`; `null` is `nomaster`. */
  master?: LinkRef | null;
  /** `link DEV` — the lower device (vlan, macvlan, ipvlan parents). */
  link?: LinkRef;
  /** `netns NS` — create in / move into another namespace. */
  netns?: NetnsRef;
}

/** `ip link add NAME … type KIND …`. */
export type LinkAddOptions = LinkAttributes & LinkControl & { name: string } & LinkKindOptions;

/** `ip link set DEV …`: any subset; `kind`+`info` change kind options (`type bridge …`). */
export type LinkSetOptions = LinkAttributes &
  LinkControl & {
    kind?: LinkKind;
    info?: LinkKindInfo[LinkKind];
    /** Port options; needs `slaveKind` (e.g. `'bridge'` for `type bridge_slave`). */
    slaveKind?: keyof LinkSlaveInfo;
    slaveInfo?: BridgePortInfo;
  };

/** Filters of `link.list` (`ip link show [master DEV] [type KIND] [up]`). */
export interface LinkListFilter {
  /** Only this link (one RTM_GETLINK by name, not a dump). */
  name?: string;
  /** `type KIND` (filtered in the kernel). */
  kind?: string;
  /** `master DEV` (filtered in the kernel). */
  master?: LinkRef;
  /** `up` (true) or down (false) only. */
  up?: boolean;
  /** `group N`. */
  group?: number;
  /** Include IFLA_STATS64 counters (default true; false is a lighter dump). */
  stats?: boolean;
}

const RTEXT_FILTER_SKIP_STATS = 1 << 3;

/** IFLA_LINKINFO: kind, then the kind's own table for IFLA_INFO_DATA. */
const linkinfo: ValueCodec<Record<string, unknown>> = {
  encode() {
    throw new Error('linkinfo is encoded by writeLinkinfo');
  },
  decode(b, off, len) {
    const out: Record<string, unknown> = {};
    let data: [number, number] | undefined;
    let slave: [number, number] | undefined;
    forEachAttr(b, off, off + len, (type, p, l) => {
      if (type === 1) out.kind = t.string.decode(b, p, l);
      else if (type === 2) data = [p, l];
      else if (type === 4) out.slaveKind = t.string.decode(b, p, l);
      else if (type === 5) slave = [p, l];
    });
    const spec = typeof out.kind === 'string' ? kinds[out.kind] : undefined;
    if (spec?.data && data) {
      out.info = spec.data.decode(b, data[0], data[0] + data[1]);
      spec.post?.(out.info as Record<string, unknown>);
    } else if (out.kind) out.info = {};
    const sspec = typeof out.slaveKind === 'string' ? kinds[out.slaveKind]?.slaveData : undefined;
    if (sspec && slave) out.slaveInfo = sspec.decode(b, slave[0], slave[0] + slave[1]);
    return out;
  },
};

const IFLA_NET_NS_PID = 19;
const IFLA_NET_NS_FD = 28;
const IFLA_EXT_MASK = 29;
const IFLA_LINKINFO = 18;
const IFLA_MASTER = 10;
const IFLA_LINK = 5;
const IFLA_IFNAME = 3;

/** IFLA_* (linux/if_link.h): the link table shared by add, set and list. */
export const linkAttrs: AttrTable<Record<string, unknown>> = attrs<Record<string, unknown>>('link', {
  address: [1, t.mac],
  broadcast: [2, t.mac],
  name: [3, t.string],
  mtu: [4, t.u32],
  link: [5, t.u32],
  qdisc: [6, t.string],
  master: [10, t.u32],
  txqlen: [13, t.u32],
  operstate: [16, enumOf(t.u8, operstates)],
  linkmode: [17, t.u8],
  linkinfo: [18, linkinfo],
  alias: [20, t.string],
  stats64: [23, stats64],
  group: [27, t.u32],
  promiscuity: [30, t.u32],
  numTxQueues: [31, t.u32],
  numRxQueues: [32, t.u32],
  carrier: [33, t.bool],
  carrierChanges: [35, t.u32],
  linkNetnsid: [37, t.s32],
  protoDown: [39, t.bool],
  gsoMaxSegs: [40, t.u32],
  gsoMaxSize: [41, t.u32],
  targetNetnsid: [46, t.s32],
  minMtu: [50, t.u32],
  maxMtu: [51, t.u32],
  altnames: { id: 52, codec: { encode() {}, decode: (b, o, l) => altnames(b, o, l) } },
  permAddress: [54, t.mac],
  parentDevName: [56, t.string],
  parentDevBusName: [57, t.string],
  allmulti: [61, t.u32],
});

function altnames(b: Buffer, off: number, len: number): string[] {
  const names: string[] = [];
  forEachAttr(b, off, off + len, (type, p, l) => {
    if (type === 53) names.push(t.string.decode(b, p, l));
  });
  return names;
}

/** Decodes one RTM_NEWLINK message payload into a {@link Link}. */
export function parseLink(b: Buffer, off: number, end: number): Link {
  const h = ifinfomsg.decode(b, off, ifinfomsg.size);
  const l = linkAttrs.decode(b, off + ifinfomsg.size, end, { index: h.index }) as Record<string, unknown>;
  l.up = (h.flags & IFF.UP) !== 0;
  l.flags = flagNames(IFF, h.flags);
  l.linkType = linkTypes[h.type] ?? h.type;
  const info = l.linkinfo as Record<string, unknown> | undefined;
  if (info) {
    delete l.linkinfo;
    Object.assign(l, info);
  }
  return l as unknown as Link;
}

/** Fields of add/set that are not IFLA attributes of the table. */
const control = new Set(['up', 'promisc', 'arp', 'multicast', 'allmulticast', 'master', 'link', 'netns', 'kind', 'info', 'slaveKind', 'slaveInfo', 'index', 'name']);

/** Checks what can be checked before anything is sent. */
function validate(o: LinkAttributes & LinkControl, where: string): void {
  if (o.name !== undefined) checkIfname(o.name, `${where}.name`);
  if (o.mtu !== undefined) checkInt(o.mtu, `${where}.mtu`, 68, 65535 * 16);
  if (o.txqlen !== undefined) checkInt(o.txqlen, `${where}.txqlen`, 0, 0xffffffff);
  if (o.group !== undefined) checkInt(o.group, `${where}.group`, 0, 0xffffffff);
  if (o.address !== undefined) parseMac(o.address, `${where}.address`);
  if (o.broadcast !== undefined) parseMac(o.broadcast, `${where}.broadcast`);
  if (o.alias !== undefined && (typeof o.alias !== 'string' || Buffer.byteLength(o.alias) > 255))
    throw new RangeError(`${where}.alias must be a string of at most 255 bytes`);
  for (const k of ['up', 'promisc', 'arp', 'multicast', 'allmulticast'] as const)
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new TypeError(`${where}.${k} must be a boolean`);
}

/** Computes ifi_flags/ifi_change from the boolean controls. */
function flagChange(o: LinkControl): { flags: number; change: number } {
  let flags = 0;
  let change = 0;
  const set = (bit: number, on: boolean | undefined, inverted = false) => {
    if (on === undefined) return;
    change |= bit;
    if (on !== inverted) flags |= bit;
  };
  set(IFF.UP, o.up);
  set(IFF.PROMISC, o.promisc);
  set(IFF.NOARP, o.arp, true);
  set(IFF.MULTICAST, o.multicast);
  set(IFF.ALLMULTI, o.allmulticast);
  return { flags, change };
}

/** An fd (or pid) for IFLA_NET_NS_*, opened for the request and closed after. */
interface NsTarget {
  fd?: number;
  pid?: number;
  owned: boolean;
}

/** Where a named namespace lives (iproute2's convention). */
export const NETNS_RUN_DIR = '/run/netns';

/** Opens what a {@link NetnsRef} names. */
export function openNetns(ref: NetnsRef, where = 'netns'): NsTarget {
  if (typeof ref === 'string') {
    if (ref.includes('/') || ref === '.' || ref === '..' || ref === '') throw new TypeError(`${where}: bad namespace name '${ref}'`);
    return { fd: openNsFile(`${NETNS_RUN_DIR}/${ref}`, where), owned: true };
  }
  if (ref && typeof ref === 'object') {
    if ('fd' in ref) return { fd: checkInt(ref.fd, `${where}.fd`, 0, 0x7fffffff), owned: false };
    if ('pid' in ref) return { pid: checkInt(ref.pid, `${where}.pid`, 1, 0x7fffffff), owned: false };
    if ('path' in ref && typeof ref.path === 'string') return { fd: openNsFile(ref.path, where), owned: true };
  }
  throw new TypeError(`${where} must be a namespace name, { path }, { pid } or { fd }`);
}

function openNsFile(path: string, where: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw Object.assign(new Error(`${where}: cannot open ${path}: ${err.code}`), { code: err.code, errno: err.errno, path });
  }
}

function closeNs(ns: NsTarget | undefined): void {
  if (ns?.owned && ns.fd !== undefined) closeSync(ns.fd);
}

/** Everything resolved for one link message: names turned into indexes, fds opened. */
interface Resolved {
  master?: number;
  link?: number;
  ns?: NsTarget;
  peerNs?: NsTarget;
  infoDev?: number;
}

/** Writes the IFLA attributes of add/set (everything after ifinfomsg). */
function writeLinkBody(w: Writer, o: LinkSetOptions & { name?: string }, r: Resolved, where: string, withName: boolean): void {
  const plain: Record<string, unknown> = {};
  for (const k in o) if (!control.has(k)) plain[k] = (o as Record<string, unknown>)[k];
  if (withName && o.name !== undefined) plain.name = o.name;
  linkAttrs.encode(w, plain, where);
  if (r.link !== undefined) u32attr(w, IFLA_LINK, r.link);
  if (r.master !== undefined) u32attr(w, IFLA_MASTER, r.master);
  if (r.ns?.fd !== undefined) u32attr(w, IFLA_NET_NS_FD, r.ns.fd);
  if (r.ns?.pid !== undefined) u32attr(w, IFLA_NET_NS_PID, r.ns.pid);
  if (o.kind !== undefined || o.slaveKind !== undefined) writeLinkinfo(w, o, r, where);
}

function u32attr(w: Writer, id: number, v: number): void {
  const at = w.beginAttr(id);
  w.u32(v);
  w.endAttr(at);
}

function writeLinkinfo(w: Writer, o: LinkSetOptions, r: Resolved, where: string): void {
  const li = w.beginAttr(IFLA_LINKINFO);
  if (o.kind !== undefined) {
    const spec = kinds[o.kind];
    if (!spec) throw new TypeError(`${where}.kind: unknown link kind '${o.kind}'; known: ${Object.keys(kinds).join(', ')}`);
    const k = w.beginAttr(1);
    t.string.encode(w, o.kind, `${where}.kind`);
    w.endAttr(k);
    const info = { ...(o.info ?? {}) } as Record<string, unknown>;
    if (r.infoDev !== undefined) info.dev = r.infoDev;
    if (Object.keys(info).length) {
      if (!spec.data) throw new TypeError(`${where}.info: kind '${o.kind}' takes no options`);
      const d = w.beginAttr(2);
      if (o.kind === 'veth') writeVethPeer(w, info.peer as LinkPeer | undefined, r, `${where}.info.peer`);
      else spec.data.encode(w, info, `${where}.info`);
      w.endAttr(d);
    }
  }
  if (o.slaveKind !== undefined) {
    const sspec = kinds[o.slaveKind]?.slaveData;
    if (!sspec) throw new TypeError(`${where}.slaveKind: no port options for '${o.slaveKind}'`);
    const k = w.beginAttr(4);
    t.string.encode(w, o.slaveKind, `${where}.slaveKind`);
    w.endAttr(k);
    const d = w.beginAttr(5);
    sspec.encode(w, (o.slaveInfo ?? {}) as Record<string, unknown>, `${where}.slaveInfo`);
    w.endAttr(d);
  }
  w.endAttr(li);
}

/** VETH_INFO_PEER: a whole ifinfomsg + attributes for the other end. */
function writeVethPeer(w: Writer, peer: LinkPeer | undefined, r: Resolved, where: string): void {
  const at = w.beginAttr(1);
  const { flags, change } = flagChange(peer as LinkControl ?? {});
  ifinfomsg.encode(w, { family: 0, type: 0, index: 0, flags, change }, where);
  if (peer) {
    const plain: Record<string, unknown> = {};
    for (const k in peer) if (!control.has(k) || k === 'name') plain[k] = (peer as Record<string, unknown>)[k];
    linkAttrs.encode(w, plain, where);
    if (r.peerNs?.fd !== undefined) u32attr(w, IFLA_NET_NS_FD, r.peerNs.fd);
    if (r.peerNs?.pid !== undefined) u32attr(w, IFLA_NET_NS_PID, r.peerNs.pid);
  }
  w.endAttr(at);
}

setPeerCodec({
  encode() {
    throw new Error('the veth peer is encoded by writeVethPeer');
  },
  decode: (b, off, len) => parseLink(b, off, off + len),
});

/** A RTM_GETLINK by name or index (never a dump). */
export function getLinkRequest(ref: LinkRef, stats = true): Request<Link> {
  return {
    type: RTM.GETLINK,
    body(w) {
      ifinfomsg.encode(w, { family: 0, type: 0, index: typeof ref === 'number' ? ref : 0, flags: 0, change: 0 }, 'link');
      if (typeof ref === 'string') {
        const at = w.beginAttr(IFLA_IFNAME);
        t.string.encode(w, ref, 'name');
        w.endAttr(at);
      }
      u32attr(w, IFLA_EXT_MASK, stats ? 0 : RTEXT_FILTER_SKIP_STATS);
    },
    parse: parseLink,
  };
}

function checkRef(ref: unknown, where: string): LinkRef {
  if (typeof ref === 'number') return checkInt(ref, where, 1, 0x7fffffff);
  return checkIfname(ref, where);
}

/** Resolves a link name to its index (one RTM_GETLINK); numbers pass through. */
export function* linkIndex(ref: LinkRef, where = 'dev'): Op<number> {
  if (typeof ref === 'number') return ref;
  checkIfname(ref, where);
  try {
    const [l] = (yield getLinkRequest(ref, false)) as Link[];
    return l.index;
  } catch (e) {
    if (e instanceof NetlinkError && e.code === 'ENODEV') throw new NetlinkError(19, 'RTM_GETLINK', {}, `${where}: no link named '${ref}'`);
    throw e;
  }
}

/** Writes ifinfomsg identifying a link by index, or index 0 plus IFLA_IFNAME. */
function linkHeader(w: Writer, ref: LinkRef, flags: number, change: number, nameAttr: boolean): void {
  ifinfomsg.encode(w, { family: 0, type: 0, index: typeof ref === 'number' ? ref : 0, flags, change }, 'link');
  if (typeof ref === 'string' && nameAttr) {
    const at = w.beginAttr(IFLA_IFNAME);
    t.string.encode(w, ref, 'dev');
    w.endAttr(at);
  }
}

function* resolve(o: LinkSetOptions & { kind?: string; info?: unknown }, where: string): Generator<any, Resolved, any> {
  const r: Resolved = {};
  if (o.master === null) r.master = 0;
  else if (o.master !== undefined) r.master = yield* linkIndex(o.master, `${where}.master`);
  if (o.link !== undefined) r.link = yield* linkIndex(o.link, `${where}.link`);
  const info = o.info as Record<string, unknown> | undefined;
  if (o.kind === 'vxlan' && info?.dev !== undefined) r.infoDev = yield* linkIndex(info.dev as LinkRef, `${where}.info.dev`);
  return r;
}

function openTargets(o: LinkSetOptions, r: Resolved, where: string): void {
  if (o.netns !== undefined) r.ns = openNetns(o.netns, `${where}.netns`);
  const peer = (o.kind === 'veth' ? (o.info as VethInfo | undefined)?.peer : undefined);
  if (peer?.netns !== undefined) {
    try {
      r.peerNs = openNetns(peer.netns, `${where}.info.peer.netns`);
    } catch (e) {
      closeNs(r.ns);
      throw e;
    }
  }
}

function checkAdd(o: LinkAddOptions): void {
  if (!o || typeof o !== 'object') throw new TypeError('link.add needs an options object');
  checkIfname(o.name, 'link.name');
  validate(o, 'link');
  if (typeof o.kind !== 'string') throw new TypeError(`link.kind is required; known kinds: ${Object.keys(kinds).join(', ')}`);
  const spec = kinds[o.kind];
  if (!spec) throw new TypeError(`link.kind: unknown link kind '${o.kind}'; known: ${Object.keys(kinds).join(', ')}`);
  const info = (o.info ?? {}) as Record<string, unknown>;
  for (const req of spec.required ?? []) if (info[req] === undefined) throw new TypeError(`link.info.${req} is required for kind '${o.kind}'`);
  if (o.kind === 'veth') {
    const peer = (o.info as VethInfo | undefined)?.peer;
    if (!peer || typeof peer !== 'object' || peer.name === undefined)
      throw new TypeError("link.info.peer.name is required for kind 'veth' (ip link add A type veth peer name B)");
    validate(peer, 'link.info.peer');
  }
}

/** The link operations, written once and run async or sync by a handle. */
export const linkOps = {
  /**
   * Lists links. Equivalent to `ip -d -s link show [dev NAME] [master DEV] [type KIND] [up]`.
   * Kind and master are filtered in the kernel; a name is one RTM_GETLINK.
   */
  *list(filter: LinkListFilter = {}): Op<Link[]> {
    if (filter.name !== undefined) {
      checkIfname(filter.name, 'filter.name');
      try {
        const links = (yield getLinkRequest(filter.name, filter.stats !== false)) as Link[];
        return links.filter((l) => match(l, filter));
      } catch (e) {
        if (e instanceof NetlinkError && e.code === 'ENODEV') return [];
        throw e;
      }
    }
    const master = filter.master !== undefined ? yield* linkIndex(filter.master, 'filter.master') : undefined;
    const links = (yield linkDump(filter, master)) as Link[];
    return links.filter((l) => match(l, filter));
  },

  /**
   * Streams the link dump (bounded memory). Equivalent to `ip link show` piped.
   * Kind and master are filtered in the kernel; `up`/`group` are not applied here.
   */
  stream: streaming(function* (filter: Omit<LinkListFilter, 'name' | 'up' | 'group'> = {}): Op<Request<Link>> {
    const master = filter.master !== undefined ? yield* linkIndex(filter.master, 'filter.master') : undefined;
    return linkDump(filter, master);
  }),

  /** One link by name or index; ENODEV if absent. Equivalent to `ip -d -s link show dev DEV`. */
  *get(dev: LinkRef): Op<Link> {
    const [l] = (yield getLinkRequest(checkRef(dev, 'dev'))) as Link[];
    return l;
  },

  /** Creates a link. Equivalent to `ip link add NAME [options] type KIND [kind options]`. */
  *add(options: LinkAddOptions): Op<void> {
    checkAdd(options);
    const r = yield* resolve(options, 'link');
    openTargets(options, r, 'link');
    const { flags, change } = flagChange(options);
    try {
      yield {
        type: RTM.NEWLINK,
        flags: NLM_F.CREATE | NLM_F.EXCL,
        body: (w: Writer) => {
          ifinfomsg.encode(w, { family: 0, type: 0, index: 0, flags, change }, 'link');
          writeLinkBody(w, options, r, 'link', true);
        },
      } satisfies Request;
    } finally {
      closeNs(r.ns);
      closeNs(r.peerNs);
    }
  },

  /**
   * Changes a link. Equivalent to `ip link set dev DEV [up|down] [mtu N] [name NEW]
   * [address MAC] [master DEV|nomaster] [alias TEXT] [txqueuelen N] [promisc on|off]
   * [group N] [netns NS] [type KIND …]`.
   */
  *set(dev: LinkRef, changes: LinkSetOptions): Op<void> {
    checkRef(dev, 'dev');
    if (!changes || typeof changes !== 'object') throw new TypeError('link.set needs a changes object');
    validate(changes, 'changes');
    if (changes.info !== undefined && changes.kind === undefined) throw new TypeError('changes.kind is required with changes.info (ip link set DEV type KIND …)');
    // A rename needs the index: IFLA_IFNAME then carries the new name.
    const renaming = changes.name !== undefined && changes.name !== dev;
    const target = renaming ? yield* linkIndex(dev) : dev;
    const r = yield* resolve(changes, 'changes');
    openTargets(changes, r, 'changes');
    const { flags, change } = flagChange(changes);
    try {
      yield {
        type: RTM.NEWLINK,
        body: (w: Writer) => {
          linkHeader(w, target, flags, change, !renaming);
          writeLinkBody(w, changes, r, 'changes', renaming);
        },
      } satisfies Request;
    } finally {
      closeNs(r.ns);
    }
  },

  /** Deletes a link. Equivalent to `ip link del dev DEV`. */
  *del(dev: LinkRef): Op<void> {
    checkRef(dev, 'dev');
    yield { type: RTM.DELLINK, body: (w: Writer) => linkHeader(w, dev, 0, 0, true) } satisfies Request;
  },
};

function linkDump(filter: LinkListFilter, master: number | undefined): Request<Link> {
  return {
    type: RTM.GETLINK,
    flags: NLM_F.DUMP,
    body(w) {
      ifinfomsg.encode(w, { family: 0, type: 0, index: 0, flags: 0, change: 0 }, 'filter');
      u32attr(w, IFLA_EXT_MASK, filter.stats === false ? RTEXT_FILTER_SKIP_STATS : 0);
      if (master !== undefined) u32attr(w, IFLA_MASTER, master);
      if (filter.kind !== undefined) {
        if (typeof filter.kind !== 'string') throw new TypeError('filter.kind must be a string');
        const li = w.beginAttr(IFLA_LINKINFO);
        const k = w.beginAttr(1);
        t.string.encode(w, filter.kind, 'filter.kind');
        w.endAttr(k);
        w.endAttr(li);
      }
    },
    parse: parseLink,
  };
}

function match(l: Link, f: LinkListFilter): boolean {
  if (f.up !== undefined && l.up !== f.up) return false;
  if (f.group !== undefined && l.group !== f.group) return false;
  if (f.kind !== undefined && l.kind !== f.kind) return false;
  return true;
}

