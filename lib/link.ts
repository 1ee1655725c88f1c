/**
 * Links: `ip link show|add|set|del` over RTM_NEWLINK/RTM_SETLINK/RTM_DELLINK/RTM_GETLINK.
 * @module
 */
import { NLA_TYPE_MASK, Writer, align4, flagNames, rd, type AttrTable, type UnknownAttrs } from './codec.js';
import { NetlinkError } from './errors.js';
import { registerEvents, type EventDecoder } from './events.js';
import { NLM_F } from './protocol.js';
import { streaming, type Op, type Request } from './request.js';
import { checkNetnsRef, closeNs, netnsRef, getLinkRequest as lookupRequest, linkIndex, openNetns, type NsTarget } from './resolve.js';
import { checkIfname, parseMac, type LinkAttributes, type LinkPeer, type LinkRef, type NetnsRef } from './types.js';
import { arrayOf, bool, closest, custom, ifindex, int, isPlain, nameOrInt, object, oneOf, own, show, str, u32, type Check } from './validate.js';
import {
  encodeKindData,
  kindNames,
  kinds,
  type KindSpec,
  linkinfoAttrs,
  type BondInfo,
  type BondSlaveInfo,
  type BridgeInfo,
  type BridgePortInfo,
  type ErspanInfo,
  type GeneveInfo,
  type GreInfo,
  type IpipInfo,
  type Ip6erspanInfo,
  type Ip6greInfo,
  type Ip6tnlInfo,
  type IpoibInfo,
  type IpvlanInfo,
  type MacsecInfo,
  type MacvlanInfo,
  type SitInfo,
  type TunInfo,
  type VethInfo,
  type VethPeer,
  type VlanInfo,
  type VrfInfo,
  type VrfSlaveInfo,
  type VxcanInfo,
  type VxlanInfo,
} from './wire/kinds.js';
import { ifinfomsg, linkAttrs, linkAttrsNoStats, linkRequestAttrs, RTEXT_FILTER, type LinkStats, type OperState } from './wire/link.js';
import { addrGenModes, afSpecAttrs, inet6AfAttrs, linkAfSpecAttrs, linkTableFor, vfLinkStates, type AddrGenMode, type Inet6Cacheinfo } from './wire/link.js';
import { NLMSG_HDRLEN, RTM } from './wire/rtm.js';

export type { AddrGenMode, IfInfoMsg, Inet6Cacheinfo, LinkStats, OperState } from './wire/link.js';
export type { LinkAttributes, LinkPeer } from './types.js';

/** Interface flags (`IFF_*`, linux/if.h), named as `ip link` prints them. */
export const IFF = {
  UP: 0x1, BROADCAST: 0x2, DEBUG: 0x4, LOOPBACK: 0x8, POINTOPOINT: 0x10, NOTRAILERS: 0x20,
  RUNNING: 0x40, NOARP: 0x80, PROMISC: 0x100, ALLMULTI: 0x200, MASTER: 0x400, SLAVE: 0x800,
  MULTICAST: 0x1000, PORTSEL: 0x2000, AUTOMEDIA: 0x4000, DYNAMIC: 0x8000, LOWER_UP: 0x10000,
  DORMANT: 0x20000, ECHO: 0x40000,
} as const;
/** A name of {@link IFF}. */
export type LinkFlag = keyof typeof IFF;

/** ARPHRD_* link types, named as `ip -j` prints `link_type`. */
const linkTypes: Record<number, string> = {
  1: 'ether', 772: 'loopback', 776: 'sit', 768: 'ipip', 778: 'gre', 823: 'ip6gre', 769: 'tunnel6',
  65534: 'none', 65535: 'void', 280: 'can', 824: 'netlink', 32: 'infiniband', 519: 'ieee802.1q',
};

/**
 * The `info` of a kind that takes no options (`ifb`, `dummy`, `team`, …):
 * empty (`{}`) or left out.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface NoKindOptions {}

/**
 * Kind-specific options by kind: the `info` of each `kind`
 * (`ip link add … type KIND [options]`, read back from `ip -d link show`).
 */
export interface LinkKindInfo {
  veth: VethInfo;
  vxcan: VxcanInfo;
  bridge: BridgeInfo;
  macvlan: MacvlanInfo;
  macvtap: MacvlanInfo;
  vxlan: VxlanInfo;
  geneve: GeneveInfo;
  vlan: VlanInfo;
  ipvlan: IpvlanInfo;
  ipvtap: IpvlanInfo;
  bond: BondInfo;
  macsec: MacsecInfo;
  vrf: VrfInfo;
  ipoib: IpoibInfo;
  gre: GreInfo;
  gretap: GreInfo;
  erspan: ErspanInfo;
  ip6gre: Ip6greInfo;
  ip6gretap: Ip6greInfo;
  ip6erspan: Ip6erspanInfo;
  ipip: IpipInfo;
  sit: SitInfo;
  ip6tnl: Ip6tnlInfo;
  /** Listed only: tun/tap links are made with an ioctl. */
  tun: TunInfo;
  ifb: NoKindOptions;
  dummy: NoKindOptions;
  /**
   * Created bare (`ip link add NAME type team`); ports join with
   * `link.set(port, { master: team })`. The team's own configuration (runner,
   * port options) is generic netlink's, teamd's: not rtnetlink.
   */
  team: NoKindOptions;
  vcan: NoKindOptions;
  nlmon: NoKindOptions;
  /** Created bare; keys and peers are configured over generic netlink (`wg`). */
  wireguard: NoKindOptions;
}
/** A link kind this library has a table for. */
export type LinkKind = keyof LinkKindInfo;
/** A kind `link.add` can create (`ip link add … type KIND`). */
export type CreatableLinkKind = Exclude<LinkKind, 'tun'>;
/**
 * Other kinds the kernel may report in a list, without decoded options
 * (their `info` holds nothing). Reported as the kernel names them.
 */
export type OtherLinkKind =
  | 'hsr' | 'prp' | 'netkit' | 'xfrm' | 'vti' | 'vti6' | 'bareudp' | 'amt'
  | 'batadv' | 'gtp' | 'ppp' | 'can' | 'virt_wifi' | 'rmnet' | 'ovpn' | 'netdevsim' | 'openvswitch'
  | 'lowpan' | 'wpan' | 'caif' | 'pfcp' | 'dsa';

/** `kind` with its typed `info`: one member per kind (a discriminated union). */
export type LinkKindOptions = { [K in CreatableLinkKind]: { kind: K; info?: LinkKindInfo[K] } }[CreatableLinkKind];

/** Port options by the master's kind (`type bridge_slave …`, `type bond_slave …`). */
export interface LinkSlaveInfo {
  bridge: BridgePortInfo;
  bond: BondSlaveInfo;
  vrf: VrfSlaveInfo;
}
/** A master kind whose ports have options. */
export type SlaveKind = keyof LinkSlaveInfo;

/** The fields of a {@link Link} that do not depend on its kind. */
export interface LinkBase extends LinkAttributes {
  /** Attributes the kernel sent that no table of the library knows (a newer kernel's), IFLA_* at the top: type → payload as hex ({@link UnknownAttrs}). */
  unknown?: UnknownAttrs;
  /** IFLA_INFO_* ids of IFLA_LINKINFO no table knows; those of a kind's data are in `info.unknown` (and `slaveInfo.unknown`). */
  linkinfoUnknown?: UnknownAttrs;
  index: number;
  name: string;
  /** `up`: IFF_UP is set (administratively up). */
  up: boolean;
  /** All IFF_* flags that are set (`ip` hides RUNNING and shows NO-CARRIER instead). */
  flags: (LinkFlag | number)[];
  /** `link_type` (ARPHRD_*): 'ether', 'loopback', 'none', … */
  linkType: string | number;
  /** `operstate`. */
  operstate?: OperState | number;
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
  /** `carrier_up_count`. */
  carrierUpCount?: number;
  /** `carrier_down_count`. */
  carrierDownCount?: number;
  /** `qdisc`. */
  qdisc?: string;
  /** `min_mtu`. */
  minMtu?: number;
  /** `max_mtu`. */
  maxMtu?: number;
  /** `tso_max_size`. */
  tsoMaxSize?: number;
  /** `tso_max_segs`. */
  tsoMaxSegs?: number;
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
  /** Per-family settings, with `afSpec: true` in the list filter. */
  afSpec?: LinkAfSpec;
  /** `num_vf`, with `vf: true` in the list filter. */
  numVf?: number;
  /** The virtual functions, with `vf: true` in the list filter. */
  vfinfoList?: VfInfo[];
}

/** Port data as a list reports it: `slaveKind` names the master's kind. */
export type LinkSlaveState =
  | { slaveKind?: undefined; slaveInfo?: undefined }
  | { [K in SlaveKind]: { slaveKind: K; slaveInfo: LinkSlaveInfo[K] } }[SlaveKind];

/** Kind data as a list reports it. */
export type LinkKindState =
  | { kind?: undefined; info?: undefined }
  | { [K in LinkKind]: { kind: K; info: LinkKindInfo[K] } }[LinkKind]
  /** A kind without a table here: `info` is `{ raw: hex of IFLA_INFO_DATA }` (or `{}` when the kernel sent none). */
  | { kind: OtherLinkKind; info: Record<string, unknown> };

/**
 * A link as `link.list`/`link.get` return it (`ip -d -s link show`). Narrow
 * on `kind` to get its typed `info`, on `slaveKind` for port options.
 */
export type Link = LinkBase & LinkKindState & LinkSlaveState;

/** Options shared by `add` and `set` that are not plain attributes. */
export interface LinkControl {
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
  /**
   * `link DEV` — the lower device, at creation only (required by vlan,
   * macvlan, macvtap, ipvlan, ipvtap, macsec and ipoib; no other kind takes
   * one: tunnels name their underlay in `info.dev`).
   */
  link?: LinkRef;
  /** `netns NS` — create in / move into another namespace (a name, `{ path }`, `{ pid }` or `{ fd }`). */
  netns?: NetnsRef;
  /** `addrgenmode eui64|none|stable_secret|random` — how IPv6 link-local addresses are made (IFLA_AF_SPEC, AF_INET6). */
  addrgenmode?: AddrGenMode;
}

/** What `link.add` requires in the `info` of some kinds. */
export interface RequiredKindInfo {
  veth: { peer: VethPeer };
  vxcan: { peer: VethPeer };
  /** A VNI, unless `external` (collect metadata) or `vnifilter`. */
  vxlan: { id: number } | { external: true } | { vnifilter: true };
  /** A VNI, unless `external`. */
  geneve: { id: number } | { external: true };
  vlan: { id: number };
  vrf: { table: number };
}
/** Kinds made on top of a lower device (`ip link add link DEV NAME type KIND`): `link` is required. */
export type LowerKind = 'vlan' | 'macvlan' | 'macvtap' | 'ipvlan' | 'ipvtap' | 'macsec' | 'ipoib';

/** `kind` and `info` of `link.add`, with what each kind requires. */
export type LinkAddKindOptions = {
  [K in CreatableLinkKind]: (K extends keyof RequiredKindInfo ? { kind: K; info: LinkKindInfo[K] & RequiredKindInfo[K] } : { kind: K; info?: LinkKindInfo[K] }) &
    (K extends LowerKind ? { link: LinkRef } : { link?: undefined });
}[CreatableLinkKind];

/**
 * `ip link add NAME … type KIND …`. No `alias` or `protoDown` (the kernel
 * ignores them when it creates a link: set them with `link.set` afterwards),
 * no `addrgenmode` (the kernel refuses it then).
 */
export type LinkAddOptions = Omit<LinkAttributes, 'alias' | 'protoDown'> & Omit<LinkControl, 'link' | 'addrgenmode'> & { name: string } & LinkAddKindOptions;

/** Kind options of `link.set` (`ip link set DEV type KIND …`); a veth/vxcan peer cannot be changed. */
export type LinkSetKindOptions =
  | { kind?: undefined; info?: undefined }
  | { [K in CreatableLinkKind]: { kind: K; info?: K extends 'veth' | 'vxcan' ? undefined : LinkKindInfo[K] } }[CreatableLinkKind];

/**
 * Port options of `link.set` (`ip link set DEV type bridge_slave|bond_slave …`).
 * Without `slaveKind`, the master's kind is looked up first (one RTM_GETLINK).
 */
export type LinkSetSlaveOptions =
  | { slaveKind?: undefined; slaveInfo?: BridgePortInfo | BondSlaveInfo }
  | { [K in SlaveKind]: { slaveKind: K; slaveInfo: LinkSlaveInfo[K] } }[SlaveKind];

/**
 * `ip link set DEV …`: any subset, at least one field. Not the queue counts
 * or `link` (fixed when a link is made: the kernel ignores them here).
 */
export type LinkSetOptions = Omit<LinkAttributes, 'numTxQueues' | 'numRxQueues'> & Omit<LinkControl, 'link'> & ((LinkSetKindOptions & LinkSetSlaveOptions) | LinkSetPortWords);

/**
 * Port options in `ip`'s words: `{ kind: 'bridge_slave', info: { cost: 5 } }`
 * is `ip link set DEV type bridge_slave cost 5`, the same as
 * `{ slaveKind: 'bridge', slaveInfo: { cost: 5 } }` (sent as
 * IFLA_INFO_SLAVE_KIND + IFLA_INFO_SLAVE_DATA).
 */
export type LinkSetPortWords = { [K in SlaveKind]: { kind: `${K}_slave`; info?: LinkSlaveInfo[K]; slaveKind?: undefined; slaveInfo?: undefined } }[SlaveKind];

/** The links `link.set` changes all at once: every link of a group (`ip link set group N …`). */
export interface LinkGroupTarget {
  group: number;
}

/**
 * What `link.set({ group }, changes)` takes: what the kernel applies to each
 * link of the group (not a name, address, kind, port options, group or namespace).
 */
export type LinkGroupSetOptions = Omit<LinkAttributes, 'numTxQueues' | 'numRxQueues' | 'address' | 'broadcast' | 'group' | 'targetNetnsid'> &
  Omit<LinkControl, 'link' | 'netns'>;

/** Filters of `link.list` (`ip link show [dev NAME] [master DEV] [type KIND] [up] [group N]`). */
export interface LinkListFilter {
  /** Only this link (one RTM_GETLINK by name, not a dump). */
  name?: string;
  /** `type KIND` (filtered in the kernel where it knows the kind, and here). */
  kind?: LinkKind | OtherLinkKind | (string & {});
  /** `master DEV` (filtered in the kernel). */
  master?: LinkRef;
  /** `up` (true) or down (false) only. */
  up?: boolean;
  /** `group N`. */
  group?: number;
  /** Include the IFLA_STATS64 counters (default true; false skips decoding them, and VF counters). */
  stats?: boolean;
  /**
   * Decode the per-family settings of IFLA_AF_SPEC into `afSpec` (IPv4 and
   * IPv6 devconf by their DEVCONF names, the IPv6 token and addrgenmode), as
   * `ip -d link show` and `sysctl net.ipv{4,6}.conf.DEV` see them (default false).
   */
  afSpec?: boolean;
  /** Ask for the SR-IOV virtual functions (IFLA_EXT_MASK RTEXT_FILTER_VF) and decode them into `vfinfoList` (default false). */
  vf?: boolean;
}

/** One SR-IOV virtual function as a list reports it (`ip link show` `vf N …` lines). */
export interface VfInfo {
  vf: number;
  /** `link/ether MAC`. */
  mac?: string;
  /** `vlan N` (0: none) and `qos N`. */
  vlan?: number;
  qos?: number;
  /** `tx rate` (Mbit/s; the old single rate). */
  txRate?: number;
  /** `min_tx_rate` / `max_tx_rate` (Mbit/s). */
  minTxRate?: number;
  maxTxRate?: number;
  /** `spoof checking on|off` (absent: the driver does not say). */
  spoofchk?: boolean;
  /** `link-state auto|enable|disable`. */
  linkState?: keyof typeof vfLinkStates | number;
  /** `trust on|off`. */
  trust?: boolean;
  /** `query_rss on|off`. */
  rssQueryEn?: boolean;
  /** `-s` counters of the VF. */
  stats?: { rxPackets?: number; txPackets?: number; rxBytes?: number; txBytes?: number; broadcast?: number; multicast?: number; rxDropped?: number; txDropped?: number };
}

/** Per-family settings (IFLA_AF_SPEC), when a list asks for them with `afSpec: true`. */
export interface LinkAfSpec {
  /** IPv4: the devconf values (`net.ipv4.conf.DEV.*`), named after IPV4_DEVCONF_* in camelCase (`rpFilter`, `forwarding`, …). */
  inet?: { conf?: Record<string, number> };
  /** IPv6: flags, devconf (DEVCONF_* in camelCase: `disableIpv6`, `acceptRa`, …), cache times, token, addrgenmode. */
  inet6?: { flags?: number; conf?: Record<string, number>; cacheinfo?: Inet6Cacheinfo; token?: string; addrGenMode?: AddrGenMode | number; raMtu?: number };
}

/** A filter of `link.del`: the links that `link.list(filter)` would return. */
export type LinkDelFilter = Omit<LinkListFilter, 'stats'>;

/**
 * What `link.del` deletes: one link by name or index, a list of them, every
 * link of a group (`{ group: N }` alone), the links matching a
 * {@link LinkListFilter}, or those a predicate accepts.
 */
export type LinkDelTarget = LinkRef | readonly LinkRef[] | LinkDelFilter | ((link: Link) => boolean);

/** Decodes one RTM_NEWLINK message payload into a {@link Link}. */
export function parseLink(b: Buffer, off: number, end: number): Link {
  return decodeLink(b, off, end, linkAttrs);
}

/** {@link parseLink} without the counters. */
export function parseLinkNoStats(b: Buffer, off: number, end: number): Link {
  return decodeLink(b, off, end, linkAttrsNoStats);
}

/** SETTING values that say "the driver does not report it" (~0u). */
const UNSET = 0xffffffff;

/** Flattens the raw IFLA_VF_* structs of one VF into a {@link VfInfo}. */
function vfInfo(raw: Record<string, any>): VfInfo {
  const v: VfInfo = { vf: raw.mac?.vf ?? raw.vlan?.vf ?? raw.txRate?.vf ?? 0 };
  if (raw.mac) v.mac = raw.mac.mac;
  if (raw.vlan) Object.assign(v, { vlan: raw.vlan.vlan, qos: raw.vlan.qos });
  if (raw.txRate) v.txRate = raw.txRate.rate;
  if (raw.rate) Object.assign(v, { minTxRate: raw.rate.minTxRate, maxTxRate: raw.rate.maxTxRate });
  if (raw.spoofchk && raw.spoofchk.setting !== UNSET) v.spoofchk = raw.spoofchk.setting !== 0;
  if (raw.linkState) v.linkState = (Object.keys(vfLinkStates) as (keyof typeof vfLinkStates)[]).find((k) => vfLinkStates[k] === raw.linkState.linkState) ?? raw.linkState.linkState;
  if (raw.trust && raw.trust.setting !== UNSET) v.trust = raw.trust.setting !== 0;
  if (raw.rssQueryEn && raw.rssQueryEn.setting !== UNSET) v.rssQueryEn = raw.rssQueryEn.setting !== 0;
  if (raw.stats) v.stats = raw.stats;
  return v;
}

/** A link parser for what a list asked for (counters, AF_SPEC, VFs). */
export function linkParser(stats: boolean, afSpec: boolean, vf: boolean): (b: Buffer, off: number, end: number) => Link {
  if (!afSpec && !vf) return stats ? parseLink : parseLinkNoStats;
  const table = linkTableFor(stats, afSpec, vf);
  return (b, off, end) => {
    const l = decodeLink(b, off, end, table as typeof linkAttrs);
    if (l.vfinfoList) l.vfinfoList = (l.vfinfoList as unknown as Record<string, unknown>[]).map(vfInfo);
    return l;
  };
}

function decodeLink(b: Buffer, off: number, end: number, table: typeof linkAttrs): Link {
  const h = ifinfomsg.header(b, off, end, 'link');
  const l: Record<string, unknown> = { index: h.index };
  table.decode(b, off + ifinfomsg.size, end, l, 'link');
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
const control = new Set(['up', 'promisc', 'arp', 'multicast', 'allmulticast', 'master', 'link', 'netns', 'kind', 'info', 'slaveKind', 'slaveInfo', 'name', 'addrgenmode']);
/** Fields the kernel reports but that cannot be sent. */
const readOnlyAttrs = new Set(['index', 'flags', 'linkType', 'operstate', 'qdisc', 'stats64', 'promiscuity', 'allmulti', 'carrier',
  'carrierChanges', 'carrierUpCount', 'carrierDownCount', 'linkNetnsid', 'minMtu', 'maxMtu', 'altnames', 'permAddress',
  'parentDevName', 'parentDevBusName', 'tsoMaxSize', 'tsoMaxSegs', 'afSpec', 'numVf', 'vfinfoList']);

// ---------------------------------------------------------------------------
// Input checks: every call's whole input, before its first request

/** MAX_ADDR_LEN (linux/netdevice.h): no link-layer address is longer. */
const MAX_ADDR_LEN = 32;
/** ETH_ALEN: the address length of the Ethernet-like kinds (most of them). */
const ETH_ALEN = 6;
/** The longest kind name the kernel reads whole (MODULE_NAME_LEN - 1 on 64-bit). */
const KIND_MAX = 55;

/** A link by name or index (`dev`, `master`, filter fields). */
const linkRef: Check<LinkRef> = custom(
  'a link name or an index (1..2147483647)',
  ['', 'a\0b', 'a b', 'x'.repeat(16), 0, -1, 1.5, 2 ** 31, NaN, null, true, 1n, {}],
  (v, path) => {
    if (typeof v === 'number') return ifindex(v, path);
    if (typeof v === 'string') return checkIfname(v, path);
    throw new TypeError(`${path} must be a link name or an index (1..2147483647), got ${show(v)}`);
  },
);

/** A link named in kind or port options: a name, an index, or 0 for none (`backupPort: 0` removes it). */
const optionLinkRef: Check<LinkRef> = custom('a link name or an index (0: none)', ['a\0b', 'x'.repeat(16), -1, 1.5, 2 ** 31, null, true], (v, path) =>
  typeof v === 'number' ? int(0, 0x7fffffff)(v, path) : linkRef(v, path),
);

/** An interface name (`name`, a peer's name, a filter's name). */
const ifname: Check<string> = custom('an interface name (1..15 bytes; no NUL, "/", ":" or whitespace)', ['', 'a\0b', 'a b', 'a/b', 'x'.repeat(16), '..', 42, null], (v, path) =>
  checkIfname(v, path),
);

/** A link-layer address; its exact length depends on the link (checked where that is known). */
const lladdr: Check<string> = custom(
  'a link-layer address such as "02:00:00:00:00:01"',
  ['nope', '02:00:zz:00:00:01', '', '02::01', 42, null, Array(MAX_ADDR_LEN + 1).fill('00').join(':')],
  (v, path) => {
    if (parseMac(v, path).length > MAX_ADDR_LEN) throw new RangeError(`${path} is longer than ${MAX_ADDR_LEN} bytes, the longest link-layer address`);
    return v as string;
  },
);

/** `master DEV`, or `null` for `nomaster`. */
const masterRef: Check<LinkRef | null> = custom(
  `${linkRef.expects}, or null (nomaster)`,
  linkRef.wrong.filter((x) => x !== null),
  (v, path) => (v === null ? null : linkRef(v, path)),
);

/** A field that is always refused, saying why (read-only fields, options of another call). */
const refused = (why: string): Check<never> =>
  custom(`nothing (it ${why})`, ['x', 0, true], (_v, path) => {
    throw new TypeError(`${path} ${why}`);
  });

/** A name of a kind `link.add` can create (own names only: `'constructor'` is no kind). */
const creatableKind: Check<string> = custom(`one of the link kinds ${kindNames().join(', ')}`, ['bogus', 'constructor', 'toString', '__proto__', 'tun', 'VETH', '', 42, null], (v, path) => {
  if (typeof v !== 'string') throw new TypeError(`${path} must be a link kind (${kindNames().join(', ')}), got ${show(v)}`);
  const spec = own(kinds, v);
  if (spec?.noCreate) throw new TypeError(`${path}: ${spec.noCreate}`);
  if (spec) return v;
  const near = closest(v, kindNames());
  throw new TypeError(`${path}: unknown link kind '${v.replace(/\0/g, '\\0')}'${near ? ` (did you mean '${near}'?)` : ''}; known: ${kindNames().join(', ')}`);
});

/** The kinds of masters whose ports have options (`type bridge_slave|bond_slave …`). */
const portKinds = Object.keys(kinds).filter((k) => kinds[k].slaveData);

/** A kind name in a filter: any kind the kernel may report (the library's or another), without NUL. */
const kindFilter = str({ nonEmpty: true, maxBytes: KIND_MAX });

/**
 * A copy of plain data, each property read once: plain objects and arrays
 * are copied (a getter that throws is a TypeError naming its field), other
 * values kept as they are for their own checks (a namespace object, a Buffer;
 * a Map or Date is refused by the codec of the field it stands in).
 */
function plainData(v: unknown, path: string, depth = 0): unknown {
  if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) return v;
  if (depth > 8) throw new TypeError(`${path} is nested too deeply`);
  const read = (k: string | number, at: string): unknown => {
    try {
      return (v as Record<string | number, unknown>)[k];
    } catch (e) {
      throw new TypeError(`${at} could not be read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  };
  if (Array.isArray(v)) return Array.from({ length: v.length }, (_, i) => plainData(read(i, `${path}[${i}]`), `${path}[${i}]`, depth + 1));
  if (!isPlain(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = plainData(read(k, `${path}.${k}`), `${path}.${k}`, depth + 1);
  return out;
}

/** `info` / `slaveInfo`: a plain object, copied; its fields are checked by the kind's table. */
const kindOptions: Check<Record<string, unknown>> = custom('a plain object (the options of the kind)', [null, 'x', 42, true, [], new Map(), new Date(0)], (v, path) => {
  if (!isPlain(v)) throw new TypeError(`${path} must be a plain object (the options of the kind), got ${show(v)}`);
  return plainData(v, path) as Record<string, unknown>;
});

/** `addrgenmode MODE` (own names only). */
const addrgenmodeCheck = oneOf(Object.keys(addrGenModes) as AddrGenMode[]);

/** Attributes `link.add`, `link.set` and a veth peer share (IFLA_*). */
const attributeFields = {
  mtu: int(1, 0x7fffffff),
  address: lladdr,
  broadcast: lladdr,
  txqlen: u32,
  group: u32,
  // IF_LINK_MODE_DEFAULT, _DORMANT, _TESTING (linux/if.h)
  linkmode: nameOrInt(['DEFAULT', 'DORMANT'], 0, 2),
  gsoMaxSize: u32,
  // GSO_MAX_SEGS
  gsoMaxSegs: int(0, 0xffff),
  groMaxSize: u32,
  gsoIpv4MaxSize: u32,
  groIpv4MaxSize: u32,
};
/** The queue counts a link is made with (the kernel takes 1..4096, and only at creation). */
const queueFields = { numTxQueues: int(1, 4096), numRxQueues: int(1, 4096) };
const flagFields = { up: bool, promisc: bool, arp: bool, multicast: bool, allmulticast: bool };
/** What a list reports but no call takes. */
const readOnlyFields = Object.fromEntries([...readOnlyAttrs].map((k) => [k, refused('is read only (the kernel reports it; it cannot be set)')]));
const atCreation = (what: string) => refused(`cannot be given to link.add: the kernel ignores ${what} when it creates a link; set it with link.set afterwards`);
/** An nsid (IFLA_TARGET_NETNSID): act in the namespace with that id. */
const nsid = int(0, 0x7fffffff);

/** The peer of a new veth/vxcan pair (VETH_INFO_PEER). */
const peerSchema = object(
  {
    name: { check: ifname, required: true },
    ...attributeFields,
    ...queueFields,
    netns: netnsRef,
    alias: atCreation('IFLA_IFALIAS'),
    protoDown: atCreation('IFLA_PROTO_DOWN'),
    targetNetnsid: refused('is not taken by a peer (the kernel ignores it there): give the peer a netns'),
    ...Object.fromEntries(
      ['up', 'promisc', 'arp', 'multicast', 'allmulticast', 'master', 'link'].map((k) => [
        k,
        refused('is not taken by the peer, only attributes are (the kernel cannot change its flags or master while the pair is made; use link.set on the peer afterwards)'),
      ]),
    ),
    ...readOnlyFields,
  },
  { what: 'a plain object { name, mtu?, address?, netns?, … }' },
);

/** `link.add(options)`. */
const addSchema = object(
  {
    name: { check: ifname, required: true },
    kind: { check: creatableKind, required: true },
    info: kindOptions,
    ...attributeFields,
    ...queueFields,
    ...flagFields,
    alias: atCreation('IFLA_IFALIAS'),
    protoDown: atCreation('IFLA_PROTO_DOWN'),
    targetNetnsid: nsid,
    master: masterRef,
    link: linkRef,
    netns: netnsRef,
    addrgenmode: refused('cannot be given to link.add: the kernel refuses IFLA_AF_SPEC for a link it is creating (EAFNOSUPPORT, as for ip link add … addrgenmode); set it with link.set afterwards'),
    slaveKind: refused('cannot be given to link.add: set port options with link.set once the link has its master'),
    slaveInfo: refused('cannot be given to link.add: set port options with link.set once the link has its master'),
    ...readOnlyFields,
  },
  { what: 'a plain object of options { name, kind, … }' },
);

/** `link.set(dev, changes)`. */
const setSchema = object(
  {
    name: ifname,
    kind: creatableKind,
    info: kindOptions,
    ...attributeFields,
    alias: str({ maxBytes: 255 }),
    protoDown: bool,
    targetNetnsid: nsid,
    ...flagFields,
    master: masterRef,
    netns: netnsRef,
    addrgenmode: addrgenmodeCheck,
    slaveKind: oneOf(portKinds),
    slaveInfo: kindOptions,
    numTxQueues: refused('can only be given to link.add: the kernel ignores it on an existing link'),
    numRxQueues: refused('can only be given to link.add: the kernel ignores it on an existing link'),
    link: refused('cannot be changed: the lower device is chosen when the link is made (the kernel ignores IFLA_LINK here)'),
    ...readOnlyFields,
  },
  { what: 'a plain object of changes' },
);

/** `link.list(filter)`. */
const listSchema = object({ name: ifname, kind: kindFilter, master: linkRef, up: bool, group: u32, stats: bool, afSpec: bool, vf: bool }, { what: 'a filter object { name?, kind?, master?, up?, group?, stats?, afSpec?, vf? }' });
/** `link.stream(filter)`: what the kernel filters (`up`/`group` would need the whole link, `name` is no dump). */
const streamSchema = object({ kind: kindFilter, master: linkRef, stats: bool, afSpec: bool, vf: bool }, { what: 'a filter object { kind?, master?, stats?, afSpec?, vf? }' });
/** `link.del(filter)`. */
const delSchema = object({ name: ifname, kind: kindFilter, master: linkRef, up: bool, group: u32 }, { what: 'a filter object { name?, kind?, master?, up?, group? }' });

/** The object schemas of the link calls (for the property test). */
export const linkSchemas = { add: addSchema, set: setSchema, list: listSchema, stream: streamSchema, del: delSchema, peer: peerSchema };

type AddSnapshot = AnyOptions & { name: string; kind: string; info?: Record<string, unknown> };

/** Checks what depends on the kind of a new link: its options, peer, lower device and address lengths. */
function checkAddKind(o: AddSnapshot): void {
  const spec = kinds[o.kind];
  const info = o.info ?? {};
  if (spec.peer) {
    for (const k of Object.keys(info))
      if (k !== 'peer') throw new TypeError(`link.info: unknown field '${k}'${closest(k, ['peer']) ? " (did you mean 'peer'?)" : ''}; a ${o.kind} takes only peer`);
    if (info.peer === undefined) throw new TypeError(`link.info.peer is required for kind '${o.kind}' (ip link add NAME type ${o.kind} peer name PEER)`);
    const peer = peerSchema(info.peer, 'link.info.peer');
    checkAddressLength(peer, spec, o.kind, 'link.info.peer');
    o.info = { peer };
  } else {
    const exempt = spec.requiredUnless?.find((k) => info[k] === true);
    if (!exempt)
      for (const req of spec.required ?? [])
        if (info[req] === undefined)
          throw new TypeError(`link.info.${req} is required for kind '${o.kind}'${spec.requiredUnless ? ` (unless ${spec.requiredUnless.map((k) => `${k}: true`).join(' or ')})` : ''}`);
  }
  if (spec.needsLink && o.link === undefined) throw new TypeError(`link.link is required for kind '${o.kind}': the lower device (ip link add link DEV NAME type ${o.kind} …)`);
  if (!spec.needsLink && o.link !== undefined)
    throw new TypeError(`link.link: a ${o.kind} link has no lower device (the kernel ignores IFLA_LINK for it)${spec.linkFields?.includes('dev') ? '; its underlay is info.dev' : ''}`);
  checkAddressLength(o, spec, o.kind, 'link');
  if (o.netns !== undefined && o.targetNetnsid !== undefined) throw new TypeError('link.netns and link.targetNetnsid cannot be combined (both say where the link goes)');
}

/** `address`/`broadcast` of a new link: exactly as long as the kind's (the kernel would cut or pad another length). */
function checkAddressLength(o: { address?: string; broadcast?: string }, spec: KindSpec, kind: string, where: string): void {
  for (const f of ['address', 'broadcast'] as const) {
    const v = o[f];
    if (v === undefined) continue;
    if (spec.noAddress) throw new TypeError(`${where}.${f} cannot be given for kind '${kind}': ${spec.noAddress}`);
    const len = spec.addrLen ?? ETH_ALEN;
    if (len === 0) throw new TypeError(`${where}.${f}: a ${kind} link has no link-layer address`);
    parseMac(v, `${where}.${f}`, len);
  }
}

/** `address`/`broadcast` of an existing link: as long as its own (what the kernel reports it has). */
function checkAddressOf(link: Link, c: AnyOptions, dev: LinkRef): void {
  const len = link.address === undefined ? 0 : (link.address.length + 1) / 3;
  for (const f of ['address', 'broadcast'] as const) {
    const v = c[f];
    if (v === undefined) continue;
    if (len === 0) throw new TypeError(`changes.${f}: '${dev}' has no link-layer address (link type ${link.linkType})`);
    parseMac(v, `changes.${f}`, len);
  }
}

/** The link fields of kind or port options: names or indexes, checked before any lookup. */
function checkLinkFields(o: Record<string, unknown> | undefined, fields: readonly string[] | undefined, where: string): void {
  if (o && fields) for (const f of fields) if (o[f] !== undefined && o[f] !== null) optionLinkRef(o[f], `${where}.${f}`);
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

/** Everything resolved for one link message: names turned into indexes, fds opened. */
interface Resolved {
  master?: number;
  link?: number;
  ns?: NsTarget;
  peerNs?: NsTarget;
  /** Kind options with their link fields resolved (and merged with the current ones for mergeOnSet kinds). */
  info?: Record<string, unknown>;
  /** Port options with link fields resolved. */
  slaveInfo?: Record<string, unknown>;
  /** The port kind (given, or looked up). */
  slaveKind?: string;
}

type AnyOptions = LinkAttributes & LinkControl & { kind?: string; info?: unknown; slaveKind?: string; slaveInfo?: unknown };

/** Writes the IFLA attributes of add/set (everything after ifinfomsg). */
function writeLinkBody(w: Writer, o: AnyOptions, r: Resolved, where: string, withName: boolean, withKind = true, withSlave = true, create = false): void {
  const plain: Record<string, unknown> = {};
  for (const k in o) if (!control.has(k)) plain[k] = (o as Record<string, unknown>)[k];
  if (withName && o.name !== undefined && !create) plain.name = o.name;
  linkAttrs.encode(w, plain, where);
  if (create) {
    // iproute2's order for `ip link add`: the attributes of the words, then IFLA_LINK, then IFLA_IFNAME.
    if (r.master !== undefined) linkAttrs.encodeOne(w, 'master', r.master);
    nsAttr(w, r.ns);
    if (r.link !== undefined) linkAttrs.encodeOne(w, 'link', r.link);
    if (withName && o.name !== undefined) linkAttrs.encodeOne(w, 'name', o.name, `${where}.name`);
  } else {
    if (r.link !== undefined) linkAttrs.encodeOne(w, 'link', r.link);
    if (r.master !== undefined) linkAttrs.encodeOne(w, 'master', r.master);
    nsAttr(w, r.ns);
  }
  if (o.addrgenmode !== undefined) writeAddrGenMode(w, o.addrgenmode, where);
  const kind = withKind ? o.kind : undefined;
  const slaveKind = withSlave ? r.slaveKind : undefined;
  if (kind !== undefined || slaveKind !== undefined) writeLinkinfo(w, kind, r.info, slaveKind, r.slaveInfo, r, where, create);
}

/** IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_ADDR_GEN_MODE } }, as `ip link set DEV addrgenmode MODE` writes it. */
function writeAddrGenMode(w: Writer, mode: AddrGenMode, where: string): void {
  const a = linkAfSpecAttrs.beginNest(w, 'afSpec');
  const i6 = afSpecAttrs.beginNest(w, 'inet6');
  inet6AfAttrs.encodeOne(w, 'addrGenMode', mode, `${where}.addrgenmode`);
  w.endAttr(i6);
  w.endAttr(a);
}

function nsAttr(w: Writer, ns: NsTarget | undefined): void {
  if (ns?.fd !== undefined) linkRequestAttrs.encodeOne(w, 'netnsFd', ns.fd);
  if (ns?.pid !== undefined) linkRequestAttrs.encodeOne(w, 'netnsPid', ns.pid);
}

function writeLinkinfo(
  w: Writer,
  kind: string | undefined,
  info: Record<string, unknown> | undefined,
  slaveKind: string | undefined,
  slaveInfo: Record<string, unknown> | undefined,
  r: Resolved,
  where: string,
  create = false,
): void {
  const li = linkAttrs.beginNest(w, 'linkinfo');
  if (kind !== undefined) {
    const spec = kinds[kind];
    linkinfoAttrs.encodeOne(w, 'kind', kind, `${where}.kind`);
    if (info && Object.keys(info).some((k) => info[k] !== undefined)) {
      if (!spec.data) throw new TypeError(`${where}.info: kind '${kind}' takes no options`);
      const d = linkinfoAttrs.beginNest(w, 'info');
      if (spec.peer) {
        for (const k in info) if (k !== 'peer' && info[k] !== undefined) throw new TypeError(`${where}.info: unknown field '${k}'`);
        writePeer(w, spec.data, info.peer as LinkPeer | undefined, r, `${where}.info.peer`);
      } else encodeKindData(w, kind, info, `${where}.info`, create);
      w.endAttr(d);
    }
  }
  if (slaveKind !== undefined) {
    const spec = kinds[slaveKind];
    if (!spec?.slaveData) throw new TypeError(`${where}.slaveKind: no port options for '${slaveKind}'; known: ${Object.keys(kinds).filter((k) => kinds[k].slaveData).join(', ')}`);
    linkinfoAttrs.encodeOne(w, 'slaveKind', slaveKind, `${where}.slaveKind`);
    const d = linkinfoAttrs.beginNest(w, 'slaveInfo');
    const o = spec.slavePre ? spec.slavePre(slaveInfo ?? {}, `${where}.slaveInfo`) : (slaveInfo ?? {});
    spec.slaveData.encode(w, o, `${where}.slaveInfo`);
    w.endAttr(d);
  }
  w.endAttr(li);
}

/** VETH_INFO_PEER / VXCAN_INFO_PEER: a whole ifinfomsg + attributes for the other end. */
function writePeer(w: Writer, table: NonNullable<(typeof kinds)[string]['data']>, peer: LinkPeer | undefined, r: Resolved, where: string): void {
  const at = table.beginNest(w, 'peer');
  ifinfomsg.encode(w, { family: 0, type: 0, index: 0, flags: 0, change: 0 }, where);
  if (peer) {
    const plain: Record<string, unknown> = {};
    for (const k in peer) if (k !== 'netns') plain[k] = (peer as Record<string, unknown>)[k];
    linkAttrs.encode(w, plain, where);
    nsAttr(w, r.peerNs);
  }
  w.endAttr(at);
}

/** A RTM_GETLINK by name or index, read as a whole {@link Link} (never a dump; `ip link show dev DEV`). */
export function getLinkRequest(ref: LinkRef, stats = true): Request<Link> {
  return lookupRequest(ref, stats, stats ? parseLink : parseLinkNoStats);
}

/** {@link getLinkRequest} without counters, in the namespace of `targetNetnsid` when one is given (IFLA_TARGET_NETNSID). */
function lookupLink(ref: LinkRef, targetNetnsid: number | undefined): Request<Link> {
  const req = getLinkRequest(ref, false);
  if (targetNetnsid === undefined) return req;
  return {
    ...req,
    body(w) {
      req.body(w);
      linkAttrs.encodeOne(w, 'targetNetnsid', targetNetnsid);
    },
  };
}

/** Writes ifinfomsg identifying a link by index, or index 0 plus IFLA_IFNAME. */
function linkHeader(w: Writer, ref: LinkRef, flags: number, change: number, nameAttr: boolean): void {
  ifinfomsg.encode(w, { family: 0, type: 0, index: typeof ref === 'number' ? ref : 0, flags, change }, 'link');
  if (typeof ref === 'string' && nameAttr) linkAttrs.encodeOne(w, 'name', ref, 'dev');
}

/** Resolves the link fields of kind/port options (names → indexes). */
function* resolveFields(o: Record<string, unknown> | undefined, fields: readonly string[] | undefined, where: string): Op<Record<string, unknown> | undefined> {
  if (!o || !fields) return o;
  let out = o;
  for (const f of fields) {
    const v = o[f];
    if (typeof v === 'string') {
      if (out === o) out = { ...o };
      out[f] = yield* linkIndex(v, `${where}.${f}`);
    }
  }
  return out;
}

function* resolve(o: AnyOptions, where: string): Op<Resolved> {
  const r: Resolved = {};
  if (o.master === null) r.master = 0;
  else if (o.master !== undefined) r.master = yield* linkIndex(o.master, `${where}.master`);
  if (o.link !== undefined) r.link = yield* linkIndex(o.link, `${where}.link`);
  if (o.kind !== undefined) r.info = yield* resolveFields(o.info as Record<string, unknown> | undefined, kinds[o.kind].linkFields, `${where}.info`);
  if (o.slaveKind !== undefined) {
    r.slaveKind = o.slaveKind;
    r.slaveInfo = yield* resolveFields(o.slaveInfo as Record<string, unknown> | undefined, kinds[o.slaveKind]?.slaveLinkFields, `${where}.slaveInfo`);
  }
  return r;
}

/** Opens the namespace fds a message needs (closed by {@link closeTargets}). */
function openTargets(o: AnyOptions, r: Resolved, where: string): void {
  if (o.netns !== undefined) r.ns = openNetns(o.netns, `${where}.netns`);
  const peer = o.kind !== undefined && kinds[o.kind]?.peer ? (o.info as VethInfo | undefined)?.peer : undefined;
  if (peer?.netns !== undefined) {
    try {
      r.peerNs = openNetns(peer.netns, `${where}.info.peer.netns`);
    } catch (e) {
      closeNs(r.ns);
      throw e;
    }
  }
}

function closeTargets(r: Resolved): void {
  closeNs(r.ns);
  closeNs(r.peerNs);
}

/** Resolution stand-ins for a dry-run encode (validation before anything is sent). */
function placeholders(o: AnyOptions, where: string): Resolved {
  const zeroFields = (v: unknown, fields: readonly string[] | undefined, where: string) => {
    if (!v || typeof v !== 'object' || !fields) return v as Record<string, unknown> | undefined;
    checkLinkFields(v as Record<string, unknown>, fields, where);
    const c = { ...(v as Record<string, unknown>) };
    for (const f of fields) if (typeof c[f] === 'string') c[f] = 0;
    return c;
  };
  const spec = o.kind !== undefined ? kinds[o.kind] : undefined;
  return {
    master: o.master === undefined ? undefined : 0,
    link: o.link === undefined ? undefined : 0,
    info: zeroFields(o.info, spec?.linkFields, `${where}.info`),
    slaveKind: o.slaveKind,
    slaveInfo: zeroFields(o.slaveInfo, o.slaveKind ? kinds[o.slaveKind]?.slaveLinkFields : undefined, `${where}.slaveInfo`),
    ns: o.netns === undefined ? undefined : { fd: 0, owned: false },
    peerNs: { fd: 0, owned: false },
  };
}

const scratch = new Writer(4096);
/** Encodes a body into a scratch buffer: every TypeError/RangeError of the codecs surfaces here, before any request. */
function dryRun(fn: (w: Writer) => void): void {
  scratch.pos = 0;
  fn(scratch);
  scratch.pos = 0;
}

/** Maps an extended-ack offset back to the caller's field, from a copy of the message that was sent. */
function fieldAt(msg: Buffer, offset: number, kind: string | undefined, slaveKind: string | undefined): string | undefined {
  const path: string[] = [];
  const walk = (off: number, end: number, name: (type: number) => string | undefined, inner: (type: number, p: number, l: number) => boolean): boolean => {
    while (off + 4 <= end) {
      const len = rd.u16(msg, off);
      if (len < 4 || off + len > end) return false;
      const type = rd.u16(msg, off + 2) & NLA_TYPE_MASK;
      if (offset >= off && offset < off + align4(len)) {
        const n = name(type);
        if (n) path.push(n);
        if (offset > off && inner(type, off + 4, len - 4)) return true;
        return true;
      }
      off += align4(len);
    }
    return false;
  };
  const tableName = (table: AttrTable<any> | undefined) => (type: number) => table?.byId[type]?.[0] ?? `attribute ${type}`;
  const LINKINFO = linkAttrs.idOf('linkinfo');
  const DATA = linkinfoAttrs.idOf('info');
  const SLAVE_DATA = linkinfoAttrs.idOf('slaveInfo');
  const nsIds = [linkRequestAttrs.idOf('netnsFd'), linkRequestAttrs.idOf('netnsPid')];
  const top = (type: number) => (type === LINKINFO ? undefined : nsIds.includes(type) ? 'netns' : linkAttrs.byId[type]?.[0] ?? `attribute ${type}`);
  walk(NLMSG_HDRLEN + ifinfomsg.size, msg.length, top, (type, p, l) => {
    if (type !== LINKINFO) return false;
    return walk(p, p + l, (it) => linkinfoAttrs.byId[it]?.[0], (it, ip, il) => {
      if (it === DATA && kind) {
        const spec = kinds[kind];
        if (spec?.peer) {
          path.push('peer');
          return walk(ip + 4 + ifinfomsg.size, ip + il, top, () => false);
        }
        return walk(ip, ip + il, tableName(spec?.data), () => false);
      }
      if (it === SLAVE_DATA && slaveKind) return walk(ip, ip + il, tableName(kinds[slaveKind]?.slaveData), () => false);
      return false;
    });
  });
  return path.length ? path.join('.') : undefined;
}

/** A modifying link request whose extack offsets map back to field names. */
function linkRequest(type: number, flags: number, kind: string | undefined, slaveKind: string | undefined, body: (w: Writer) => void): Request {
  let copy: Buffer | undefined;
  return {
    type,
    flags,
    body(w) {
      const start = w.pos - 16;
      body(w);
      copy = Buffer.from(w.buf.subarray(start, w.pos));
    },
    field: (offset) => (copy ? fieldAt(copy, offset, kind, slaveKind) : undefined),
  };
}

/** Drops what a list reports but `set` cannot take, for kinds whose options are replaced as a whole. */
function writable(kind: string, info: Record<string, unknown>): Record<string, unknown> {
  const ro = new Set(kinds[kind].readOnly ?? []);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(info)) if (!ro.has(k) && v !== undefined) out[k] = v;
  return out;
}

/** An RTM_SETLINK changing only the group of a link (the bulk delete's first step). */
function setGroupRequest(index: number, group: number): Request {
  return {
    type: RTM.SETLINK,
    body(w) {
      ifinfomsg.encode(w, { family: 0, type: 0, index, flags: 0, change: 0 }, 'link');
      linkAttrs.encodeOne(w, 'group', group);
    },
  };
}

/** `ip link del group N`: RTM_DELLINK with ifi_index 0 and IFLA_GROUP. */
function delGroupRequest(group: number): Request {
  return {
    type: RTM.DELLINK,
    body(w) {
      ifinfomsg.encode(w, { family: 0, type: 0, index: 0, flags: 0, change: 0 }, 'link');
      linkAttrs.encodeOne(w, 'group', group);
    },
  };
}

function delOneRequest(dev: LinkRef): Request {
  return { type: RTM.DELLINK, body: (w: Writer) => linkHeader(w, dev, 0, 0, true) };
}

const describe = (links: readonly Link[], max = 5) =>
  links.slice(0, max).map((l) => l.name).join(', ') + (links.length > max ? ` and ${links.length - max} more` : '');

/**
 * Deletes many links with one group delete: moves them into a group no link
 * uses, checks that exactly they are in it, then `RTM_DELLINK` of the group.
 * Restores their groups if anything goes wrong before the delete.
 */
function* bulkDelete(targets: Link[], all: Link[]): Op<void> {
  const unique = [...new Map(targets.map((l) => [l.index, l])).values()];
  if (unique.length === 0) return;
  const fixed = unique.filter((l) => !l.kind);
  if (fixed.length)
    throw new NetlinkError(95, 'RTM_DELLINK', {}, `${describe(fixed)} cannot be deleted (no link kind: loopback or hardware devices); nothing was deleted`);
  if (unique.length === 1) {
    try {
      yield delOneRequest(unique[0].index);
    } catch (e) {
      if (!(e instanceof NetlinkError && e.code === 'ENODEV')) throw e; // gone meanwhile: done
    }
    return;
  }
  const used = new Set(all.map((l) => l.group ?? 0));
  let group: number;
  do group = 0x10000000 + Math.floor(Math.random() * 0xefffffff);
  while (used.has(group));

  const original = new Map(unique.map((l) => [l.index, l.group ?? 0]));
  let moveError: unknown;
  try {
    yield unique.map((l) => setGroupRequest(l.index, group));
  } catch (e) {
    moveError = e;
  }
  // What the group holds now: exactly the targets still alive, or something went wrong.
  const after = (yield linkDump({ stats: false }, undefined)) as Link[];
  const now = new Map(after.map((l) => [l.index, l]));
  const inGroup = after.filter((l) => l.group === group);
  const foreign = inGroup.filter((l) => !original.has(l.index));
  const stuck = unique.filter((l) => now.has(l.index) && now.get(l.index)!.group !== group);

  const restore = function* (what: string, cause: unknown): Op<never> {
    const mine = inGroup.filter((l) => original.has(l.index));
    let note = mine.length ? `; the ${mine.length} moved links were returned to their groups` : '';
    try {
      if (mine.length) yield mine.map((l) => setGroupRequest(l.index, original.get(l.index)!));
    } catch (e) {
      note = `; returning the moved links to their groups FAILED (${e instanceof Error ? e.message : String(e)}): links of group ${group} may remain`;
    }
    const ne = cause instanceof NetlinkError ? cause : undefined;
    throw new NetlinkError(ne ? -ne.errno : 16, ne?.syscall ?? 'RTM_DELLINK', { message: ne?.extack }, `bulk delete: ${what}; nothing was deleted${note}`);
  };

  if (foreign.length) yield* restore(`group ${group} chosen for it was taken meanwhile by ${describe(foreign)}`, undefined);
  if (stuck.length) yield* restore(`moving ${describe(stuck)} (${stuck.length} of ${unique.length}) into group ${group} failed`, moveError);
  if (inGroup.length === 0) return; // all gone meanwhile
  try {
    yield delGroupRequest(group);
  } catch (e) {
    yield* restore(`the group delete failed`, e);
  }
}

/** The link operations, written once and run async or sync by a handle. */
export const linkOps = {
  /**
   * Lists links. Equivalent to `ip -d -s link show [dev NAME] [master DEV] [type KIND] [up] [group N]`.
   * Kind and master are filtered in the kernel; a name is one RTM_GETLINK.
   */
  *list(filter: LinkListFilter = {}): Op<Link[]> {
    const f = listSchema(filter, 'filter') as LinkListFilter;
    if (f.name !== undefined) {
      try {
        const links = (yield f.afSpec || f.vf ? namedLinkRequest(f) : getLinkRequest(f.name, f.stats !== false)) as Link[];
        const master = f.master !== undefined ? yield* linkIndex(f.master, 'filter.master') : undefined;
        return links.filter((l) => match(l, f) && (master === undefined || l.master === master));
      } catch (e) {
        if (e instanceof NetlinkError && e.code === 'ENODEV') return [];
        throw e;
      }
    }
    const master = f.master !== undefined ? yield* linkIndex(f.master, 'filter.master') : undefined;
    const links = (yield linkDump(f, master)) as Link[];
    return f.up === undefined && f.group === undefined ? links : links.filter((l) => match(l, f));
  },

  /**
   * Streams the link dump (bounded memory). Equivalent to `ip link show [master DEV] [type KIND]` piped.
   * Master is filtered in the kernel, kind in the kernel where it has the kind and here.
   */
  stream: streaming(function* (filter: Omit<LinkListFilter, 'name' | 'up' | 'group'> = {}): Op<Request<Link>> {
    const f = streamSchema(filter, 'filter') as LinkListFilter;
    const master = f.master !== undefined ? yield* linkIndex(f.master, 'filter.master') : undefined;
    return linkDump(f, master);
  }),

  /** One link by name or index; ENODEV if absent. Equivalent to `ip -d -s link show dev DEV`. */
  *get(dev: LinkRef): Op<Link> {
    const [l] = (yield getLinkRequest(linkRef(dev, 'dev'))) as Link[];
    return l;
  },

  /**
   * Creates a link. Equivalent to `ip link add [link DEV] NAME [options] type KIND [kind options]`,
   * e.g. `{ name: 'va', kind: 'veth', info: { peer: { name: 'vb', netns: 'blue' } } }`.
   */
  *add(options: LinkAddOptions): Op<void> {
    const o = addSchema(options, 'link') as AddSnapshot;
    checkAddKind(o);
    const { flags, change } = flagChange(o);
    const body = (w: Writer, r: Resolved) => {
      ifinfomsg.encode(w, { family: 0, type: 0, index: 0, flags, change }, 'link');
      writeLinkBody(w, o, r, 'link', true, true, true, true);
    };
    dryRun((w) => body(w, placeholders(o, 'link')));
    const r = yield* resolve(o, 'link');
    openTargets(o, r, 'link');
    try {
      yield linkRequest(RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL, o.kind, undefined, (w) => body(w, r));
    } finally {
      closeTargets(r);
    }
  },

  /**
   * Changes a link. Equivalent to `ip link set dev DEV [up|down] [mtu N] [name NEW]
   * [address MAC] [master DEV|nomaster] [alias TEXT] [txqueuelen N] [promisc on|off]
   * [group N] [netns NS] [type KIND …] [type bridge_slave|bond_slave …]`.
   * Port options go in `slaveInfo` (with `slaveKind`, or looked up), or in
   * `ip`'s words as `{ kind: 'bridge_slave', info }`. With `dev` = `{ group: N }`
   * it is `ip link set group N …`: one request, every link of the group changed
   * (see {@link LinkGroupSetOptions}).
   *
   * Kinds whose kernel driver replaces all options on change (the IP tunnels)
   * are read first and the changes merged in, as `ip` does. Joining a master
   * and setting port options in one call sends two requests (master first).
   * A new `address`/`broadcast` must be as long as the link's own: the link
   * is looked up first (one RTM_GETLINK) unless it is read anyway.
   */
  *set(dev: LinkRef | LinkGroupTarget, changes: LinkSetOptions | LinkGroupSetOptions): Op<void> {
    if (isPlain(dev)) return yield* setGroup(dev, changes);
    const ref = linkRef(dev, 'dev');
    const c = setSchema(portWords(changes), 'changes') as AnyOptions;
    if (Object.keys(c).length === 0) throw new TypeError(`changes: nothing to change; give at least one of ${Object.keys(setSchema.fields).filter((k) => !readOnlyAttrs.has(k)).slice(0, 12).join(', ')}, …`);
    if (c.info !== undefined && c.kind === undefined) throw new TypeError('changes.kind is required with changes.info (ip link set DEV type KIND …)');
    if (c.kind !== undefined && kinds[c.kind].peer && c.info !== undefined) throw new TypeError(`changes.info: a ${c.kind} peer cannot be changed; set the peer link itself`);
    if (c.netns !== undefined && c.targetNetnsid !== undefined) throw new TypeError('changes.netns and changes.targetNetnsid cannot be combined (both say which namespace)');
    const withSlave = c.slaveInfo !== undefined || c.slaveKind !== undefined;
    // The kernel applies port options before a master change: they go in a second message then.
    const split = withSlave && c.master !== undefined && c.master !== null;
    if (split && c.netns !== undefined) throw new TypeError('changes: port options and a namespace move cannot be combined');
    const { flags, change } = flagChange(c);
    const renaming = c.name !== undefined && c.name !== ref;
    const main = (w: Writer, target: LinkRef, r: Resolved) => {
      linkHeader(w, target, flags, change, !renaming);
      writeLinkBody(w, c, r, 'changes', renaming, true, !split);
    };
    const port = (w: Writer, target: LinkRef, r: Resolved) => {
      linkHeader(w, target, 0, 0, true);
      writeLinkinfo(w, undefined, undefined, r.slaveKind, r.slaveInfo, r, 'changes');
    };

    // Everything that can be checked is checked before the first request.
    const p = placeholders(c, 'changes');
    dryRun((w) => main(w, renaming ? 1 : ref, { ...p, slaveKind: split ? undefined : c.slaveKind }));
    const portCheck = (k: string) => dryRun((w) => port(w, 1, { ...p, slaveKind: k, slaveInfo: placeholders({ slaveKind: k, slaveInfo: c.slaveInfo }, 'changes').slaveInfo }));
    if (withSlave) {
      let first: unknown;
      const ok = (c.slaveKind !== undefined ? [c.slaveKind] : portKinds).some((k) => {
        try {
          portCheck(k);
          return true;
        } catch (e) {
          first ??= e;
          return false;
        }
      });
      if (!ok) throw first;
    }

    // Then the lookups: the link itself (merged kind options, its master's kind, its address length), a new master's kind.
    const tgt = c.targetNetnsid;
    const mergeKind = c.kind !== undefined && !!kinds[c.kind].mergeOnSet && c.info !== undefined;
    const newAddress = c.address !== undefined || c.broadcast !== undefined;
    let target: LinkRef = ref;
    let current: Link | undefined;
    // A rename names the link by index (its name attribute is the new name).
    if (mergeKind || newAddress || (withSlave && c.slaveKind === undefined && !split) || (renaming && typeof ref === 'string')) {
      [current] = (yield lookupLink(ref, tgt)) as Link[];
      target = current.index;
      if (newAddress) checkAddressOf(current, c, ref);
    }
    let slaveKind = c.slaveKind;
    if (split && slaveKind === undefined) {
      // Port options under a new master: its kind says which they are (known before anything changes).
      const [m] = (yield lookupLink(c.master!, tgt)) as Link[];
      if (!m.kind || !kinds[m.kind]?.slaveData) throw new TypeError(`changes.slaveInfo: the new master '${c.master}' has no port options (a ${m.kind ?? 'kindless'} link); known: ${portKinds.join(', ')}`);
      portCheck(m.kind);
      slaveKind = m.kind;
    }
    const r = yield* resolve({ ...c, slaveKind }, 'changes');
    if (mergeKind && current && current.kind === c.kind) r.info = { ...writable(c.kind!, (current.info ?? {}) as Record<string, unknown>), ...r.info };
    if (r.info) {
      r.info = { ...r.info };
      for (const k of Object.keys(r.info)) if (r.info[k] === null) delete r.info[k];
    }
    if (withSlave && !split && r.slaveKind === undefined) {
      if (!current?.slaveKind || !kinds[current.slaveKind]?.slaveData)
        throw new TypeError(`changes.slaveInfo: '${ref}' is not a port of a master with port options; give changes.slaveKind`);
      portCheck(current.slaveKind);
      r.slaveKind = current.slaveKind;
      r.slaveInfo = yield* resolveFields(c.slaveInfo as Record<string, unknown>, kinds[r.slaveKind].slaveLinkFields, 'changes.slaveInfo');
    }
    openTargets(c, r, 'changes');
    try {
      // A move to another namespace waits for the kernel's RCU grace periods: never sent inline.
      yield { ...linkRequest(RTM.NEWLINK, 0, c.kind, split ? undefined : r.slaveKind, (w) => main(w, target, r)), slow: r.ns !== undefined };
    } finally {
      closeTargets(r);
    }
    if (split) {
      // The link keeps its index; a rename changed its name.
      const self: LinkRef = typeof target === 'number' ? target : (c.name ?? target);
      yield linkRequest(RTM.NEWLINK, 0, undefined, r.slaveKind, (w) => port(w, self, r));
    }
  },

  /**
   * Deletes links. Equivalent to `ip link del dev DEV` (one name or index) and
   * `ip link del group N` (`{ group: N }` alone: one request, the kernel deletes
   * the whole group at once).
   *
   * Given several links (an array, a {@link LinkListFilter} such as
   * `{ kind: 'veth' }` or `{ master: 'br0' }`, or a predicate over {@link Link}),
   * it deletes them all with a single group delete, which pays the kernel's
   * per-delete RCU wait (~16 ms) once instead of once per link (measured on
   * 6.18: 1000 veth pairs in ~0.3 s, against ~18 ms per pair one by one: 60×
   * and more). To do so it first moves the links
   * into a fresh group number that no link of the namespace uses (pipelined
   * RTM_SETLINKs): **their `group` changes just before they are deleted**. It
   * then checks that the group holds exactly those links and deletes it; if a
   * move fails, the group was taken meanwhile, or the delete is refused, the
   * moved links are returned to their groups and a {@link NetlinkError} says
   * what happened — nothing is deleted. Names that do not exist fail with
   * ENODEV before anything changes; links that vanish meanwhile count as done.
   * A veth (or vxcan) dies with its pair: deleting one end deletes its peer,
   * wherever it lives. A filter or predicate matching nothing deletes nothing;
   * an empty filter `{}` is refused (it would mean every link). `{ group: N }`
   * of a group no link is in fails with ENODEV, as `ip link del group N` does.
   */
  *del(target: LinkDelTarget): Op<void> {
    if (typeof target === 'string' || typeof target === 'number') {
      yield delOneRequest(linkRef(target, 'dev'));
      return;
    }
    if (Array.isArray(target)) {
      const refs = arrayOf(linkRef)(target, 'dev');
      if (refs.length === 0) return;
      if (refs.length === 1) return void (yield delOneRequest(refs[0]));
      const all = (yield linkDump({ stats: false }, undefined)) as Link[];
      const byName = new Map(all.map((l) => [l.name, l]));
      const byIndex = new Map(all.map((l) => [l.index, l]));
      const missing: LinkRef[] = [];
      const targets: Link[] = [];
      for (const r of refs) {
        const l = typeof r === 'number' ? byIndex.get(r) : byName.get(r);
        if (l) targets.push(l);
        else missing.push(r);
      }
      if (missing.length)
        throw new NetlinkError(19, 'RTM_DELLINK', {}, `no link ${missing.slice(0, 5).map((m) => `'${m}'`).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}; nothing was deleted`);
      yield* bulkDelete(targets, all);
      return;
    }
    if (typeof target === 'function') {
      const all = (yield linkDump({ stats: false }, undefined)) as Link[];
      yield* bulkDelete(all.filter((l) => target(l)), all);
      return;
    }
    if (!isPlain(target)) throw new TypeError(`target must be a link name or index, an array of them, a filter object or a predicate, got ${show(target)}`);
    const f = delSchema(target, 'filter') as LinkDelFilter;
    if (Object.keys(f).length === 0) throw new TypeError('filter: an empty filter would match every link; give at least one of name, kind, master, up, group');
    if (Object.keys(f).length === 1 && f.group !== undefined) {
      yield delGroupRequest(f.group);
      return;
    }
    // One full dump: the kind filter is applied here because the group choice needs every link anyway.
    const all = (yield linkDump({ stats: false }, undefined)) as Link[];
    let master: number | undefined;
    if (f.master !== undefined) {
      master = typeof f.master === 'number' ? f.master : all.find((l) => l.name === f.master)?.index;
      if (master === undefined) throw new NetlinkError(19, 'RTM_GETLINK', {}, `filter.master: no link named '${f.master}'`);
    }
    const hits = all.filter((l) => match(l, f) && (f.name === undefined || l.name === f.name) && (master === undefined || l.master === master));
    yield* bulkDelete(hits, all);
  },
};

/** IFLA_EXT_MASK of a list: counters skipped when not wanted, VFs only when asked for. */
const extMaskOf = (f: LinkListFilter) => (f.stats === false ? RTEXT_FILTER.SKIP_STATS : 0) | (f.vf ? RTEXT_FILTER.VF : 0);

/** `link.list({ name, afSpec?, vf? })`: one RTM_GETLINK by name with the list's mask and parser. */
function namedLinkRequest(f: LinkListFilter): Request<Link> {
  return {
    type: RTM.GETLINK,
    body(w) {
      ifinfomsg.encode(w, { family: 0, type: 0, index: 0, flags: 0, change: 0 }, 'filter');
      linkAttrs.encodeOne(w, 'name', f.name, 'filter.name');
      linkRequestAttrs.encodeOne(w, 'extMask', extMaskOf(f));
    },
    parse: linkParser(f.stats !== false, f.afSpec === true, f.vf === true),
  };
}

/** `kind: 'bridge_slave', info` (ip's words) → `slaveKind: 'bridge', slaveInfo` (likewise `slaveKind: 'bridge_slave'`). */
function portWords(changes: unknown): unknown {
  if (!isPlain(changes)) return changes;
  const c = changes as Record<string, unknown>;
  const base = (v: unknown) => (typeof v === 'string' && v.endsWith('_slave') && portKinds.includes(v.slice(0, -6)) ? v.slice(0, -6) : undefined);
  const k = base(c.kind);
  if (k !== undefined) {
    if (c.slaveKind !== undefined || c.slaveInfo !== undefined)
      throw new TypeError(`changes.kind '${String(c.kind)}' names port options (ip link set DEV type ${String(c.kind)} …): give them in changes.info, not also changes.slaveKind/slaveInfo`);
    const { kind: _k, info, ...rest } = c;
    return { ...rest, slaveKind: k, slaveInfo: info ?? {} };
  }
  const sk = base(c.slaveKind);
  return sk !== undefined ? { ...c, slaveKind: sk } : c;
}

/** `link.set({ group }, changes)`: what may not be given for a whole group, and why. */
const groupRefused: Record<string, string> = {
  name: 'cannot rename a whole group (names are unique)',
  address: 'cannot be given for a whole group (one address for every link)',
  broadcast: 'cannot be given for a whole group',
  group: 'cannot be given here: the group is the target (move links one by one, or give them a group on add)',
  kind: 'cannot be given for a whole group (kind options are per link)',
  info: 'cannot be given for a whole group (kind options are per link)',
  slaveKind: 'cannot be given for a whole group (port options are per link)',
  slaveInfo: 'cannot be given for a whole group (port options are per link)',
  netns: 'cannot be given for a whole group (the kernel moves links one by one)',
  targetNetnsid: 'cannot be given for a whole group',
};

/**
 * `ip link set group N [up|down] [mtu N] [txqueuelen N] [master DEV|nomaster] …`:
 * one RTM_NEWLINK with ifi_index 0 and IFLA_GROUP; the kernel applies the
 * changes to every link of the group. A group no link is in changes nothing
 * (no error, as with `ip`).
 */
function* setGroup(target: object, changes: unknown): Op<void> {
  const t = object({ group: { check: u32, required: true } }, { what: 'a group target { group }' })(target, 'dev') as LinkGroupTarget;
  if (isPlain(changes)) for (const k of Object.keys(changes)) if (Object.hasOwn(groupRefused, k)) throw new TypeError(`changes.${k} ${groupRefused[k]}`);
  const c = setSchema(changes, 'changes') as AnyOptions;
  if (Object.keys(c).length === 0) throw new TypeError('changes: nothing to change (ip link set group N needs at least one change)');
  const { flags, change } = flagChange(c);
  const body = (w: Writer, r: Resolved) => {
    ifinfomsg.encode(w, { family: 0, type: 0, index: 0, flags, change }, 'link');
    linkAttrs.encodeOne(w, 'group', t.group, 'dev.group');
    writeLinkBody(w, c, r, 'changes', false, false, false);
  };
  dryRun((w) => body(w, placeholders(c, 'changes')));
  const r = yield* resolve(c, 'changes');
  yield linkRequest(RTM.NEWLINK, 0, undefined, undefined, (w) => body(w, r));
}

function linkDump(filter: LinkListFilter, master: number | undefined): Request<Link> {
  const parse = linkParser(filter.stats !== false, filter.afSpec === true, filter.vf === true);
  return {
    type: RTM.GETLINK,
    flags: NLM_F.DUMP,
    body(w) {
      ifinfomsg.encode(w, { family: 0, type: 0, index: 0, flags: 0, change: 0 }, 'filter');
      linkRequestAttrs.encodeOne(w, 'extMask', extMaskOf(filter));
      if (master !== undefined) linkAttrs.encodeOne(w, 'master', master);
      if (filter.kind !== undefined) {
        const li = linkAttrs.beginNest(w, 'linkinfo');
        linkinfoAttrs.encodeOne(w, 'kind', filter.kind, 'filter.kind');
        w.endAttr(li);
      }
    },
    // A kind the kernel does not have is not filtered there (it sends every link): filter here too.
    parse: filter.kind === undefined ? parse : (b, off, end) => {
      const l = parse(b, off, end);
      return l.kind === filter.kind ? l : undefined;
    },
  };
}

function match(l: Link, f: LinkListFilter): boolean {
  if (f.up !== undefined && l.up !== f.up) return false;
  if (f.group !== undefined && (l.group ?? 0) !== f.group) return false;
  if (f.kind !== undefined && l.kind !== f.kind) return false;
  return true;
}

// Notifications decode exactly like the lists (events.ts, read by monitor.ts).
registerEvents('link', RTM.NEWLINK, RTM.DELLINK, parseLink as unknown as EventDecoder);
