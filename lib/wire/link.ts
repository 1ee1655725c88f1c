/**
 * The link messages' wire tables: struct ifinfomsg, IFLA_* (linux/if_link.h)
 * and the structs they carry. Each entry is `name: [id, type, 'UAPI_NAME']`;
 * IFLA_LINKINFO's kind-specific contents are in ./kinds.ts.
 * @module
 */
import { AttrTable, attrs, enumOf, ipOf, members, pathOf, readOnly, struct, t, type AttrSpec, type ValueCodec } from '../codec.js';
import { formatMac } from '../types.js';
import { linkinfo } from './kinds.js';

/** struct ifinfomsg (linux/rtnetlink.h). */
export interface IfInfoMsg {
  family: number;
  type: number;
  index: number;
  flags: number;
  change: number;
}
/** The fixed header of every link message (what `ip link` sends before its attributes). */
export const ifinfomsg = struct<IfInfoMsg>('ifinfomsg', [
  ['family', 'u8', 'ifi_family'],
  ['_pad', 'pad8', '__ifi_pad'],
  ['type', 'u16', 'ifi_type'],
  ['index', 's32', 'ifi_index'],
  ['flags', 'u32', 'ifi_flags'],
  ['change', 'u32', 'ifi_change'],
]);

/** RFC 2863 operational states (IF_OPER_*, linux/if.h), as `ip` prints them. */
export const operstates = { UNKNOWN: 0, NOTPRESENT: 1, DOWN: 2, LOWERLAYERDOWN: 3, TESTING: 4, DORMANT: 5, UP: 6 } as const;
/** An operational state: an `IF_OPER_*` name (lower case). */
export type OperState = keyof typeof operstates;

/** The 64-bit counters of IFLA_STATS64 (struct rtnl_link_stats64). */
export interface LinkStats {
  rxPackets: number; txPackets: number; rxBytes: number; txBytes: number;
  rxErrors: number; txErrors: number; rxDropped: number; txDropped: number;
  multicast: number; collisions: number;
  rxLengthErrors: number; rxOverErrors: number; rxCrcErrors: number; rxFrameErrors: number;
  rxFifoErrors: number; rxMissedErrors: number; txAbortedErrors: number; txCarrierErrors: number;
  txFifoErrors: number; txHeartbeatErrors: number; txWindowErrors: number;
  rxCompressed: number; txCompressed: number; rxNohandler: number; rxOtherhostDropped: number;
}
/** struct rtnl_link_stats64: every member a u64, named as the kernel names them (rx_packets, …). */
const stats64 = struct<LinkStats>(
  'rtnl_link_stats64',
  ([
    'rxPackets', 'txPackets', 'rxBytes', 'txBytes', 'rxErrors', 'txErrors', 'rxDropped', 'txDropped',
    'multicast', 'collisions', 'rxLengthErrors', 'rxOverErrors', 'rxCrcErrors', 'rxFrameErrors',
    'rxFifoErrors', 'rxMissedErrors', 'txAbortedErrors', 'txCarrierErrors', 'txFifoErrors',
    'txHeartbeatErrors', 'txWindowErrors', 'rxCompressed', 'txCompressed', 'rxNohandler', 'rxOtherhostDropped',
  ] as const).map((n) => [n, 'u64', n.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] as const),
);

/** IFLA_IFALIAS: sent without a NUL (as `ip` does: an empty alias removes it), read as a string. */
const alias: ValueCodec<string> = {
  encode(w, v, field) {
    if (typeof v !== 'string') throw new TypeError(`${field} must be a string`);
    w.bytes(Buffer.from(v, 'utf8'));
  },
  decode: t.string.decode,
};

/** IFLA_* (linux/if_link.h): the link table shared by add, set and list. */
export const linkAttrs = attrs<Record<string, unknown>>('link', {
  address: [1, t.mac, 'IFLA_ADDRESS'],
  broadcast: [2, t.mac, 'IFLA_BROADCAST'],
  name: [3, t.string, 'IFLA_IFNAME'],
  mtu: [4, t.u32, 'IFLA_MTU'],
  link: [5, t.u32, 'IFLA_LINK'],
  qdisc: [6, t.string, 'IFLA_QDISC'],
  master: [10, t.u32, 'IFLA_MASTER'],
  txqlen: [13, t.u32, 'IFLA_TXQLEN'],
  operstate: [16, enumOf(t.u8, operstates), 'IFLA_OPERSTATE'],
  linkmode: [17, enumOf(t.u8, { DEFAULT: 0, DORMANT: 1 }), 'IFLA_LINKMODE'],
  linkinfo: [18, linkinfo, 'IFLA_LINKINFO'],
  alias: [20, alias, 'IFLA_IFALIAS'],
  stats64: [23, stats64, 'IFLA_STATS64'],
  group: [27, t.u32, 'IFLA_GROUP'],
  promiscuity: [30, t.u32, 'IFLA_PROMISCUITY'],
  numTxQueues: [31, t.u32, 'IFLA_NUM_TX_QUEUES'],
  numRxQueues: [32, t.u32, 'IFLA_NUM_RX_QUEUES'],
  carrier: [33, t.bool, 'IFLA_CARRIER'],
  carrierChanges: [35, t.u32, 'IFLA_CARRIER_CHANGES'],
  linkNetnsid: [37, t.s32, 'IFLA_LINK_NETNSID'],
  protoDown: [39, t.bool, 'IFLA_PROTO_DOWN'],
  gsoMaxSegs: [40, t.u32, 'IFLA_GSO_MAX_SEGS'],
  gsoMaxSize: [41, t.u32, 'IFLA_GSO_MAX_SIZE'],
  targetNetnsid: { id: 46, uapi: 'IFLA_TARGET_NETNSID', codec: t.s32, writeOnly: true },
  carrierUpCount: [47, t.u32, 'IFLA_CARRIER_UP_COUNT'],
  carrierDownCount: [48, t.u32, 'IFLA_CARRIER_DOWN_COUNT'],
  minMtu: [50, t.u32, 'IFLA_MIN_MTU'],
  maxMtu: [51, t.u32, 'IFLA_MAX_MTU'],
  altnames: [52, readOnly(members(t.string, { id: 53, uapi: 'IFLA_ALT_IFNAME' })), 'IFLA_PROP_LIST'],
  permAddress: [54, t.mac, 'IFLA_PERM_ADDRESS'],
  parentDevName: [56, t.string, 'IFLA_PARENT_DEV_NAME'],
  parentDevBusName: [57, t.string, 'IFLA_PARENT_DEV_BUS_NAME'],
  groMaxSize: [58, t.u32, 'IFLA_GRO_MAX_SIZE'],
  tsoMaxSize: [59, t.u32, 'IFLA_TSO_MAX_SIZE'],
  tsoMaxSegs: [60, t.u32, 'IFLA_TSO_MAX_SEGS'],
  allmulti: [61, t.u32, 'IFLA_ALLMULTI'],
  gsoIpv4MaxSize: [63, t.u32, 'IFLA_GSO_IPV4_MAX_SIZE'],
  groIpv4MaxSize: [64, t.u32, 'IFLA_GRO_IPV4_MAX_SIZE'],
}, { IFLA_PAD: 42,
  // Reported, deliberately not decoded: the 32-bit counters (IFLA_STATS64 has them), the ifmap,
  // what a list asks for separately (VF info, IFLA_AF_SPEC: linkTableFor), hardware and XDP
  // details, notification-only attributes; 65..69 are newer than the headers here.
  IFLA_STATS: 7, IFLA_MAP: 14, IFLA_NUM_VF: 21, IFLA_VFINFO_LIST: 22, IFLA_VF_PORTS: 24, IFLA_PORT_SELF: 25,
  IFLA_AF_SPEC: 26, IFLA_PHYS_PORT_ID: 34, IFLA_PHYS_SWITCH_ID: 36, IFLA_PHYS_PORT_NAME: 38, IFLA_XDP: 43,
  IFLA_EVENT: 44, IFLA_NEW_NETNSID: 45, IFLA_NEW_IFINDEX: 49, IFLA_PROTO_DOWN_REASON: 55, IFLA_DEVLINK_PORT: 62,
  IFLA_DPLL_PIN: 65, IFLA_MAX_PACING_OFFLOAD_HORIZON: 66, IFLA_NETNS_IMMUTABLE: 67, IFLA_HEADROOM: 68, IFLA_TAILROOM: 69,
});

/** The same table without IFLA_STATS64: the kernel always sends the counters; `stats: false` skips decoding them. */
export const linkAttrsNoStats = linkAttrs.omit(['stats64']);

/** Just the name (IFLA_IFNAME): what a lookup of link names decodes. */
export const linkNameAttrs = linkAttrs.pick('link', ['name']);

/**
 * IFLA_* that only requests carry (not caller fields): where a link goes
 * (IFLA_NET_NS_PID/FD) and what a dump leaves out (IFLA_EXT_MASK).
 */
export const linkRequestAttrs = attrs<{ netnsPid: number; netnsFd: number; extMask: number }>('link', {
  netnsPid: [19, t.u32, 'IFLA_NET_NS_PID'],
  netnsFd: [28, t.u32, 'IFLA_NET_NS_FD'],
  extMask: [29, t.u32, 'IFLA_EXT_MASK'],
});

/** Bits of IFLA_EXT_MASK (RTEXT_FILTER_*, linux/rtnetlink.h). */
export const RTEXT_FILTER = { VF: 1 << 0, BRVLAN: 1 << 1, BRVLAN_COMPRESSED: 1 << 2, SKIP_STATS: 1 << 3 } as const;

// ---------------------------------------------------------------------------
// IFLA_AF_SPEC: per-family link settings (IPv4/IPv6 devconf, IPv6 token and
// address generation mode), and IFLA_VFINFO_LIST (SR-IOV virtual functions)

/** A nest read by its table (a member of a list); never written. */
function nestOf(table: AttrTable<any>): ValueCodec<Record<string, unknown>> {
  return {
    encode(_w, _v, field) {
      throw new TypeError(`${field} is read only`);
    },
    decode: (b, off, len, at, name) => table.decode(b, off, off + len, undefined, pathOf(at, name)),
  };
}

/**
 * A devconf array (IFLA_INET_CONF: u32s whose index 0 is IPV4_DEVCONF 1;
 * IFLA_INET6_CONF: s32s indexed by DEVCONF_*), read as `{ name: value }` by
 * the UAPI enum; entries past the table (a newer kernel's) by their index.
 */
function devconf(names: readonly (readonly [string, string])[], first: number, signed: boolean): ValueCodec<Record<string, number>> {
  return {
    encode(_w, _v, field) {
      throw new TypeError(`${field} is read only (set it with sysctl net.ipv4/ipv6.conf.DEV.*)`);
    },
    decode(b, off, len) {
      const out: Record<string, number> = {};
      for (let i = 0; i + 4 <= len; i += 4) {
        const id = first + i / 4;
        const v = signed ? b.readInt32LE(off + i) : b.readUInt32LE(off + i);
        out[names[i / 4]?.[0] ?? String(id)] = v;
      }
      return out;
    },
  };
}

/** IPV4_DEVCONF_* (linux/ip.h) in order from 1: `[field, UAPI name]` (sysctl net.ipv4.conf.DEV.*). */
export const IPV4_DEVCONF = ([
  'FORWARDING', 'MC_FORWARDING', 'PROXY_ARP', 'ACCEPT_REDIRECTS', 'SECURE_REDIRECTS', 'SEND_REDIRECTS', 'SHARED_MEDIA',
  'RP_FILTER', 'ACCEPT_SOURCE_ROUTE', 'BOOTP_RELAY', 'LOG_MARTIANS', 'TAG', 'ARPFILTER', 'MEDIUM_ID', 'NOXFRM', 'NOPOLICY',
  'FORCE_IGMP_VERSION', 'ARP_ANNOUNCE', 'ARP_IGNORE', 'PROMOTE_SECONDARIES', 'ARP_ACCEPT', 'ARP_NOTIFY', 'ACCEPT_LOCAL',
  'SRC_VMARK', 'PROXY_ARP_PVLAN', 'ROUTE_LOCALNET', 'IGMPV2_UNSOLICITED_REPORT_INTERVAL', 'IGMPV3_UNSOLICITED_REPORT_INTERVAL',
  'IGNORE_ROUTES_WITH_LINKDOWN', 'DROP_UNICAST_IN_L2_MULTICAST', 'DROP_GRATUITOUS_ARP', 'BC_FORWARDING', 'ARP_EVICT_NOCARRIER',
] as const).map((n) => [camel(n), `IPV4_DEVCONF_${n}`] as const);

/** DEVCONF_* (linux/ipv6.h) in order from 0: `[field, UAPI name]` (sysctl net.ipv6.conf.DEV.*). */
export const IPV6_DEVCONF = ([
  'FORWARDING', 'HOPLIMIT', 'MTU6', 'ACCEPT_RA', 'ACCEPT_REDIRECTS', 'AUTOCONF', 'DAD_TRANSMITS', 'RTR_SOLICITS',
  'RTR_SOLICIT_INTERVAL', 'RTR_SOLICIT_DELAY', 'USE_TEMPADDR', 'TEMP_VALID_LFT', 'TEMP_PREFERED_LFT', 'REGEN_MAX_RETRY',
  'MAX_DESYNC_FACTOR', 'MAX_ADDRESSES', 'FORCE_MLD_VERSION', 'ACCEPT_RA_DEFRTR', 'ACCEPT_RA_PINFO', 'ACCEPT_RA_RTR_PREF',
  'RTR_PROBE_INTERVAL', 'ACCEPT_RA_RT_INFO_MAX_PLEN', 'PROXY_NDP', 'OPTIMISTIC_DAD', 'ACCEPT_SOURCE_ROUTE', 'MC_FORWARDING',
  'DISABLE_IPV6', 'ACCEPT_DAD', 'FORCE_TLLAO', 'NDISC_NOTIFY', 'MLDV1_UNSOLICITED_REPORT_INTERVAL',
  'MLDV2_UNSOLICITED_REPORT_INTERVAL', 'SUPPRESS_FRAG_NDISC', 'ACCEPT_RA_FROM_LOCAL', 'USE_OPTIMISTIC', 'ACCEPT_RA_MTU',
  'STABLE_SECRET', 'USE_OIF_ADDRS_ONLY', 'ACCEPT_RA_MIN_HOP_LIMIT', 'IGNORE_ROUTES_WITH_LINKDOWN',
  'DROP_UNICAST_IN_L2_MULTICAST', 'DROP_UNSOLICITED_NA', 'KEEP_ADDR_ON_DOWN', 'RTR_SOLICIT_MAX_INTERVAL', 'SEG6_ENABLED',
  'SEG6_REQUIRE_HMAC', 'ENHANCED_DAD', 'ADDR_GEN_MODE', 'DISABLE_POLICY', 'ACCEPT_RA_RT_INFO_MIN_PLEN', 'NDISC_TCLASS',
  'RPL_SEG_ENABLED', 'RA_DEFRTR_METRIC', 'IOAM6_ENABLED', 'IOAM6_ID', 'IOAM6_ID_WIDE', 'NDISC_EVICT_NOCARRIER',
  'ACCEPT_UNTRACKED_NA', 'ACCEPT_RA_MIN_LFT',
] as const).map((n) => [camel(n), `DEVCONF_${n}`] as const);

function camel(n: string): string {
  return n.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** IN6_ADDR_GEN_MODE_* (linux/if_link.h), as `ip link set DEV addrgenmode MODE` names them. */
export const addrGenModes = { eui64: 0, none: 1, stable_secret: 2, random: 3 } as const;
/** An IPv6 address generation mode (`ip link set DEV addrgenmode eui64|none|stable_secret|random`). */
export type AddrGenMode = keyof typeof addrGenModes;

/** struct ifla_cacheinfo (linux/if_link.h): IFLA_INET6_CACHEINFO. */
export interface Inet6Cacheinfo {
  maxReasmLen: number;
  tstamp: number;
  reachableTime: number;
  retransTime: number;
}
const inet6Cacheinfo = struct<Inet6Cacheinfo>('ifla_cacheinfo', [
  ['maxReasmLen', 'u32', 'max_reasm_len'],
  ['tstamp', 'u32', 'tstamp'],
  ['reachableTime', 'u32', 'reachable_time'],
  ['retransTime', 'u32', 'retrans_time'],
]);

/** IFLA_INET_* (linux/if_link.h): AF_INET's part of IFLA_AF_SPEC. */
export const inetAfAttrs = attrs<{ conf: Record<string, number> }>('inet', {
  conf: [1, readOnly(devconf(IPV4_DEVCONF, 1, false)), 'IFLA_INET_CONF'],
});

/** IFLA_INET6_* (linux/if_link.h): AF_INET6's part of IFLA_AF_SPEC. */
export const inet6AfAttrs = attrs<{ flags: number; conf: Record<string, number>; cacheinfo: Inet6Cacheinfo; token: string; addrGenMode: AddrGenMode | number; raMtu: number }>('inet6', {
  flags: [1, readOnly(t.u32), 'IFLA_INET6_FLAGS'],
  conf: [2, readOnly(devconf(IPV6_DEVCONF, 0, true)), 'IFLA_INET6_CONF'],
  cacheinfo: [5, readOnly(inet6Cacheinfo), 'IFLA_INET6_CACHEINFO'],
  token: [7, ipOf('inet6'), 'IFLA_INET6_TOKEN'],
  addrGenMode: [8, enumOf(t.u8, addrGenModes), 'IFLA_INET6_ADDR_GEN_MODE'],
  raMtu: [9, readOnly(t.u32), 'IFLA_INET6_RA_MTU'],
}, { IFLA_INET6_STATS: 3, IFLA_INET6_MCAST: 4, IFLA_INET6_ICMP6STATS: 6 });

/** IFLA_AF_SPEC of AF_UNSPEC/AF_INET6 link messages: one nest per address family, typed by AF_*. */
export const afSpecAttrs = attrs<{ inet: Record<string, unknown>; inet6: Record<string, unknown> }>('afSpec', {
  inet: { id: 2, uapi: 'AF_INET', nest: inetAfAttrs },
  inet6: { id: 10, uapi: 'AF_INET6', nest: inet6AfAttrs },
});

/** IFLA_AF_SPEC itself (kept out of {@link linkAttrs}: decoded only when a list asks for it). */
export const linkAfSpecAttrs = attrs<{ afSpec: Record<string, unknown> }>('link', {
  afSpec: { id: 26, uapi: 'IFLA_AF_SPEC', nest: afSpecAttrs },
});

/** Reads `{ vf, …rest }` structs of IFLA_VF_*: the struct's members after `vf` (u32s) as named. */
function vfStruct<T extends object>(cname: string, fields: readonly (readonly [keyof T & string, string])[]) {
  return readOnly(struct<T & { vf: number }>(cname, [['vf', 'u32', 'vf'], ...fields.map(([n, c]) => [n, 'u32', c] as const)] as never));
}

/** struct ifla_vf_mac: vf, then 32 bytes of which an Ethernet VF uses 6 (as `ip` prints them). */
const vfMac: ValueCodec<{ vf: number; mac: string }> = readOnly({
  min: 4 + 6,
  encode() {},
  decode: (b, off) => ({ vf: b.readUInt32LE(off), mac: formatMac(b, off + 4, 6) }),
});

/** IFLA_VF_STATS_* (linux/if_link.h): a VF's counters (u64). */
export const vfStatsAttrs = attrs<Record<string, number>>('vfStats', {
  rxPackets: [0, t.u64, 'IFLA_VF_STATS_RX_PACKETS'],
  txPackets: [1, t.u64, 'IFLA_VF_STATS_TX_PACKETS'],
  rxBytes: [2, t.u64, 'IFLA_VF_STATS_RX_BYTES'],
  txBytes: [3, t.u64, 'IFLA_VF_STATS_TX_BYTES'],
  broadcast: [4, t.u64, 'IFLA_VF_STATS_BROADCAST'],
  multicast: [5, t.u64, 'IFLA_VF_STATS_MULTICAST'],
  rxDropped: [7, t.u64, 'IFLA_VF_STATS_RX_DROPPED'],
  txDropped: [8, t.u64, 'IFLA_VF_STATS_TX_DROPPED'],
}, { IFLA_VF_STATS_PAD: 6 });

/** IFLA_VF_LINK_STATE_* (linux/if_link.h), as `ip link set DEV vf N state auto|enable|disable` names them. */
export const vfLinkStates = { auto: 0, enable: 1, disable: 2 } as const;

/** IFLA_VF_* (linux/if_link.h): one IFLA_VF_INFO nest, read as the kernel sends it (each member a struct led by `vf`). */
export const vfInfoAttrs = attrs<Record<string, unknown>>('vfInfo', {
  mac: [1, vfMac, 'IFLA_VF_MAC'],
  vlan: [2, vfStruct<{ vlan: number; qos: number }>('ifla_vf_vlan', [['vlan', 'vlan'], ['qos', 'qos']]), 'IFLA_VF_VLAN'],
  txRate: [3, vfStruct<{ rate: number }>('ifla_vf_tx_rate', [['rate', 'rate']]), 'IFLA_VF_TX_RATE'],
  spoofchk: [4, vfStruct<{ setting: number }>('ifla_vf_spoofchk', [['setting', 'setting']]), 'IFLA_VF_SPOOFCHK'],
  linkState: [5, vfStruct<{ linkState: number }>('ifla_vf_link_state', [['linkState', 'link_state']]), 'IFLA_VF_LINK_STATE'],
  rate: [6, vfStruct<{ minTxRate: number; maxTxRate: number }>('ifla_vf_rate', [['minTxRate', 'min_tx_rate'], ['maxTxRate', 'max_tx_rate']]), 'IFLA_VF_RATE'],
  rssQueryEn: [7, vfStruct<{ setting: number }>('ifla_vf_rss_query_en', [['setting', 'setting']]), 'IFLA_VF_RSS_QUERY_EN'],
  stats: { id: 8, uapi: 'IFLA_VF_STATS', nest: vfStatsAttrs },
  trust: [9, vfStruct<{ setting: number }>('ifla_vf_trust', [['setting', 'setting']]), 'IFLA_VF_TRUST'],
});

/** IFLA_NUM_VF and IFLA_VFINFO_LIST (kept out of {@link linkAttrs}: sent only with RTEXT_FILTER_VF, decoded when asked for). */
export const linkVfAttrs = attrs<{ numVf: number; vfinfoList: Record<string, unknown>[] }>('link', {
  numVf: [21, readOnly(t.u32), 'IFLA_NUM_VF'],
  vfinfoList: [22, readOnly(members(nestOf(vfInfoAttrs), { id: 1, uapi: 'IFLA_VF_INFO' })), 'IFLA_VFINFO_LIST'],
});

const tables = new Map<string, AttrTable<Record<string, unknown>>>();
/** The link table with what a list asked for: counters or not, IFLA_AF_SPEC, VF info (one table per combination, made once). */
export function linkTableFor(stats: boolean, afSpec: boolean, vf: boolean): AttrTable<Record<string, unknown>> {
  if (!afSpec && !vf) return stats ? linkAttrs : linkAttrsNoStats;
  const key = `${+stats}${+afSpec}${+vf}`;
  let table = tables.get(key);
  if (!table) {
    const specs: Record<string, AttrSpec> = Object.fromEntries((stats ? linkAttrs : linkAttrsNoStats).byName);
    if (afSpec) Object.assign(specs, Object.fromEntries(linkAfSpecAttrs.byName));
    if (vf) Object.assign(specs, Object.fromEntries(linkVfAttrs.byName));
    tables.set(key, (table = new AttrTable('link', specs)));
  }
  return table;
}

/** IFLA_PROTINFO of an AF_INET6 link message (`ip token list` reads its IFLA_INET6_* there). */
export const inet6ProtinfoAttrs = attrs<{ protinfo: Record<string, unknown> }>('link', {
  protinfo: { id: 12, uapi: 'IFLA_PROTINFO', nest: inet6AfAttrs },
});
