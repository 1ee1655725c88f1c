/**
 * The link messages' wire tables: struct ifinfomsg, IFLA_* (linux/if_link.h)
 * and the structs they carry. Each entry is `name: [id, type, 'UAPI_NAME']`;
 * IFLA_LINKINFO's kind-specific contents are in ./kinds.ts.
 * @module
 */
import { attrs, enumOf, members, readOnly, struct, t, type ValueCodec } from '../codec.js';
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
