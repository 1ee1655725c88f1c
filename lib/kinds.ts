/**
 * Link kinds: one table entry per kind (`ip link add … type KIND …`). Each
 * entry's attribute table serves both `link.add`/`link.set` (IFLA_INFO_DATA)
 * and what `link.list` returns in `info`, so the field names you pass are the
 * field names you read back. Adding a kind is adding an entry here and its
 * option interface (plus one line in `LinkKindInfo` in link.ts); numbers come
 * from linux/if_link.h, if_tunnel.h, veth.h, can/vxcan.h and if_macsec.h.
 *
 * Field names are the camelCase of `ip -d -j link show` keys where `ip` prints
 * them, otherwise of the `ip link add … type KIND` keywords.
 * @module
 */
import { AttrTable, attrs, enumOf, flagsOf, forEachAttr, rd, t, type ValueCodec, type Writer } from './codec.js';
import { endianness } from 'node:os';
import { formatIp, parseIp, type LinkRef } from './types.js';
import type { LinkPeer } from './link.js';

/** How a kind's IFLA_INFO_DATA (and its ports' IFLA_INFO_SLAVE_DATA) is coded. */
export interface KindSpec {
  /** IFLA_INFO_DATA table; absent for kinds without options (ifb, dummy, …). */
  data?: AttrTable<any>;
  /** IFLA_INFO_SLAVE_DATA table for ports enslaved to a master of this kind. */
  slaveData?: AttrTable<any>;
  /** Options that must be given on add (checked before sending). */
  required?: readonly string[];
  /** Option fields that name a link: a name is resolved to its index before sending. */
  linkFields?: readonly string[];
  /** Port option fields that name a link (resolved the same way). */
  slaveLinkFields?: readonly string[];
  /** Fields the kernel reports but never accepts (dropped when options are merged). */
  readOnly?: readonly string[];
  /** The kind carries a peer (`peer name …`): VETH_INFO_PEER / VXCAN_INFO_PEER. */
  peer?: boolean;
  /**
   * The kernel replaces all options on change (ip_tunnel based kinds): `link.set`
   * reads the current options first and merges the changes into them, as `ip` does.
   */
  mergeOnSet?: boolean;
  /** Not creatable over rtnetlink: the reason (tun/tap are made with an ioctl). */
  noCreate?: string;
  /** Rewrites the caller's options into table fields (families, composite flags). */
  pre?(info: Record<string, unknown>, where: string): Record<string, unknown>;
  /** Turns decoded table fields back into the caller's vocabulary. */
  post?(info: Record<string, unknown>): void;
  /** Same as {@link KindSpec.pre}/{@link KindSpec.post} for the port options. */
  slavePre?(info: Record<string, unknown>, where: string): Record<string, unknown>;
  slavePost?(info: Record<string, unknown>): void;
}

// ---------------------------------------------------------------------------
// Value codecs local to the kinds

const LE = endianness() === 'LE';

/** A boolean stored in a u16 (ipoib umcast, sit isatap). */
const bool16: ValueCodec<boolean> = {
  encode(w, v, field) {
    if (typeof v !== 'boolean') throw new TypeError(`${field} must be a boolean`);
    w.u16(v ? 1 : 0);
  },
  decode: (b, o) => rd.u16(b, o) !== 0,
};

/** An address of one family only (tunnel endpoints have a fixed size). */
function ipOf(family: 'inet' | 'inet6'): ValueCodec<string> {
  return {
    encode(w, v, field) {
      const p = parseIp(v, field);
      if (p.family !== family) throw new TypeError(`${field} must be an ${family === 'inet' ? 'IPv4' : 'IPv6'} address, got ${String(v)}`);
      w.bytes(p.bytes);
    },
    decode: (b, off, len) => formatIp(b, off, len),
  };
}
const ipv4 = ipOf('inet');
const ipv6 = ipOf('inet6');

/** struct ifla_bridge_id { u8 prio[2]; u8 addr[6]; }, printed as `ip -d` does: `8000.2e:e9:c5:33:19:b6`. */
const bridgeId: ValueCodec<string> = {
  encode(_w, _v, field) {
    throw new TypeError(`${field} is read only`);
  },
  decode(b, off) {
    let s = b.toString('hex', off, off + 2) + '.';
    for (let i = 2; i < 8; i++) s += (i > 2 ? ':' : '') + b.toString('hex', off + i, off + i + 1);
    return s;
  },
};

/** A read-only attribute (the kernel reports it; sending it is a TypeError). */
function readOnly<T>(c: ValueCodec<T>): ValueCodec<T> {
  return {
    encode(_w, _v, field) {
      throw new TypeError(`${field} is read only`);
    },
    decode: c.decode,
  };
}

/** struct { __be16 low, high; } (vxlan/geneve source port range). */
const portRange: ValueCodec<{ low: number; high: number }> = {
  encode(w, v, field) {
    if (!v || typeof v !== 'object') throw new TypeError(`${field} must be { low, high }`);
    t.be16.encode(w, v.low, `${field}.low`);
    t.be16.encode(w, v.high, `${field}.high`);
  },
  decode: (b, o) => ({ low: b.readUInt16BE(o), high: b.readUInt16BE(o + 2) }),
};

/** A nest whose members are all one value type, their attribute types being 0, 1, 2, … (an indexed array). */
function indexedList<T>(item: ValueCodec<T>, firstId = 0, fixedId?: number): ValueCodec<T[]> {
  return {
    encode(w, v, field) {
      if (!Array.isArray(v)) throw new TypeError(`${field} must be an array`);
      v.forEach((x, i) => {
        const at = w.beginAttr(fixedId ?? firstId + i);
        item.encode(w, x, `${field}[${i}]`);
        w.endAttr(at);
      });
    },
    decode(b, off, len) {
      const out: T[] = [];
      forEachAttr(b, off, off + len, (_type, p, l) => out.push(item.decode(b, p, l)));
      return out;
    },
  };
}

/** A 64-bit value as 16 hex digits, byte for byte (macsec SCI: MAC address + port, network order). */
const hex64: ValueCodec<string> = {
  encode(w, v, field) {
    if (typeof v !== 'string' || !/^[0-9a-fA-F]{16}$/.test(v)) throw new TypeError(`${field} must be 16 hex digits, got ${String(v)}`);
    w.bytes(Buffer.from(v, 'hex'));
  },
  decode: (b, off) => b.toString('hex', off, off + 8),
};

/** A u64 enum whose values exceed 2^53 (macsec cipher suites). */
function enum64<N extends string>(names: Record<N, bigint>, aliases: Record<string, N> = {}): ValueCodec<N | bigint> {
  const byValue = new Map<bigint, N>();
  for (const [k, v] of Object.entries(names) as [N, bigint][]) byValue.set(v, k);
  for (const [v, k] of Object.entries(aliases)) byValue.set(BigInt(v), k);
  return {
    encode(w, v, field) {
      const n = typeof v === 'bigint' ? v : names[v as N];
      if (n === undefined) throw new TypeError(`${field} must be one of ${Object.keys(names).join(', ')}, got ${String(v)}`);
      w.u64(n);
    },
    decode(b, off) {
      const n = LE ? b.readBigUInt64LE(off) : b.readBigUInt64BE(off);
      return byValue.get(n) ?? n;
    },
  };
}

/** struct ifla_vlan_qos_mapping { u32 from, to; } list (IFLA_VLAN_{EGRESS,INGRESS}_QOS). */
const qosMap: ValueCodec<{ from: number; to: number }[]> = indexedList<{ from: number; to: number }>(
  {
    encode(w, v, field) {
      if (!v || typeof v !== 'object') throw new TypeError(`${field} must be { from, to }`);
      t.u32.encode(w, v.from, `${field}.from`);
      t.u32.encode(w, v.to, `${field}.to`);
    },
    decode: (b, o) => ({ from: rd.u32(b, o), to: rd.u32(b, o + 4) }),
  },
  0,
  1, // IFLA_VLAN_QOS_MAPPING
);

/** Booleans packed into one bit-set attribute: input `{ a: true }`, sent as `{ flags, mask }` or plain bits. */
function packBools(info: Record<string, unknown>, bits: Record<string, number>, where: string): { flags: number; mask: number } | undefined {
  let flags = 0;
  let mask = 0;
  let any = false;
  for (const [name, bit] of Object.entries(bits)) {
    const v = info[name];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw new TypeError(`${where}.${name} must be a boolean`);
    delete info[name];
    any = true;
    mask |= bit;
    if (v) flags |= bit;
  }
  return any ? { flags: flags >>> 0, mask: mask >>> 0 } : undefined;
}

function unpackBools(info: Record<string, unknown>, bits: Record<string, number>, value: number, mask = 0xffffffff): void {
  for (const [name, bit] of Object.entries(bits)) if (mask & bit) info[name] = (value & bit) !== 0;
}

function isV6(v: unknown): boolean {
  return typeof v === 'string' && v.includes(':');
}

/** Moves `name` to `name6` when it holds an IPv6 address (kinds with one attribute per family). */
function splitFamily(info: Record<string, unknown>, ...names: string[]): void {
  for (const n of names) {
    if (isV6(info[n])) {
      info[`${n}6`] = info[n];
      delete info[n];
    }
  }
}

/** The reverse of {@link splitFamily} on decode. */
function joinFamily(info: Record<string, unknown>, ...names: string[]): void {
  for (const n of names) {
    const v6 = info[`${n}6`];
    if (v6 === undefined) continue;
    delete info[`${n}6`];
    if (info[n] === undefined || info[n] === '0.0.0.0') info[n] = v6;
  }
}

/** The kernel reports an unset underlay link as index 0; `ip` omits it, and so does the library. */
function dropZeroDev(info: Record<string, unknown>): void {
  if (info.dev === 0) delete info.dev;
}

function isMulticast(a: string): boolean {
  if (a.includes(':')) return a.toLowerCase().startsWith('ff');
  const first = Number(a.split('.')[0]);
  return first >= 224 && first < 240;
}

// ---------------------------------------------------------------------------
// veth, vxcan

/** `ip link add NAME type veth peer name PEER [peer options]` (linux/veth.h). */
export interface VethInfo {
  /**
   * The other end: `peer name NAME [address …] [mtu …] [txqueuelen …] [netns …]`.
   * Write only: the kernel reports a veth's peer as the link's `link` (its
   * index) and `linkNetnsid` (when it is in another namespace), never as options.
   */
  peer?: LinkPeer;
}

/** `ip link add NAME type vxcan peer name PEER` (linux/can/vxcan.h): a CAN tunnel pair. */
export type VxcanInfo = VethInfo;

const peerTable = (kind: string) =>
  attrs<VethInfo>(kind, {
    peer: {
      id: 1,
      writeOnly: true,
      codec: {
        encode() {
          throw new Error('the peer is encoded by link.ts');
        },
        decode: () => ({}),
      },
    },
  });

// ---------------------------------------------------------------------------
// bridge

/** `type bridge …` (IFLA_BR_*). Times are in centiseconds (the kernel's clock_t), as `ip -d` prints them. */
export interface BridgeInfo {
  /** `forward_delay` (centiseconds). */
  forwardDelay?: number;
  /** `hello_time` (centiseconds). */
  helloTime?: number;
  /** `max_age` (centiseconds). */
  maxAge?: number;
  /** `ageing_time` (centiseconds). */
  ageingTime?: number;
  /** `stp_state` (0 off, 1 kernel STP, 2 user-space STP). */
  stpState?: number;
  /** `priority` (bridge priority, 0–65535). */
  priority?: number;
  /** `vlan_filtering` on/off (needs CONFIG_BRIDGE_VLAN_FILTERING). */
  vlanFiltering?: boolean;
  /** `vlan_protocol` 802.1Q or 802.1ad. */
  vlanProtocol?: '802.1Q' | '802.1ad' | number;
  /** `group_fwd_mask`. */
  groupFwdMask?: number;
  /** Read only: `root_id`. */
  rootId?: string;
  /** Read only: `bridge_id` (`prio.mac`). */
  bridgeId?: string;
  /** Read only: `root_port`. */
  rootPort?: number;
  /** Read only: `root_path_cost`. */
  rootPathCost?: number;
  /** Read only: `topology_change`. */
  topologyChange?: number;
  /** Read only: `topology_change_detected`. */
  topologyChangeDetected?: number;
  /** Read only: `hello_timer` (centiseconds). */
  helloTimer?: number;
  /** Read only: `tcn_timer`. */
  tcnTimer?: number;
  /** Read only: `topology_change_timer`. */
  topologyChangeTimer?: number;
  /** Read only: `gc_timer`. */
  gcTimer?: number;
  /** `group_address` (`group_addr` in `ip -j`). */
  groupAddr?: string;
  /** Write only: `fdb_flush`. */
  fdbFlush?: boolean;
  /** `mcast_router` (0 disabled, 1 automatic, 2 permanent). */
  mcastRouter?: number;
  /** `mcast_snooping`. */
  mcastSnooping?: boolean;
  /** `mcast_query_use_ifaddr`. */
  mcastQueryUseIfaddr?: boolean;
  /** `mcast_querier`. */
  mcastQuerier?: boolean;
  /** `mcast_hash_elasticity`. */
  mcastHashElasticity?: number;
  /** `mcast_hash_max`. */
  mcastHashMax?: number;
  /** `mcast_last_member_count`. */
  mcastLastMemberCnt?: number;
  /** `mcast_startup_query_count`. */
  mcastStartupQueryCnt?: number;
  /** `mcast_last_member_interval` (centiseconds). */
  mcastLastMemberIntvl?: number;
  /** `mcast_membership_interval`. */
  mcastMembershipIntvl?: number;
  /** `mcast_querier_interval`. */
  mcastQuerierIntvl?: number;
  /** `mcast_query_interval`. */
  mcastQueryIntvl?: number;
  /** `mcast_query_response_interval`. */
  mcastQueryResponseIntvl?: number;
  /** `mcast_startup_query_interval`. */
  mcastStartupQueryIntvl?: number;
  /** `nf_call_iptables`. */
  nfCallIptables?: boolean;
  /** `nf_call_ip6tables`. */
  nfCallIp6tables?: boolean;
  /** `nf_call_arptables`. */
  nfCallArptables?: boolean;
  /** `vlan_default_pvid`. */
  vlanDefaultPvid?: number;
  /** `vlan_stats_enabled`. */
  vlanStatsEnabled?: boolean;
  /** `mcast_stats_enabled`. */
  mcastStatsEnabled?: boolean;
  /** `mcast_igmp_version` (2 or 3). */
  mcastIgmpVersion?: number;
  /** `mcast_mld_version` (1 or 2). */
  mcastMldVersion?: number;
  /** `vlan_stats_per_port`. */
  vlanStatsPerPort?: boolean;
  /** `no_linklocal_learn` (a bit of IFLA_BR_MULTI_BOOLOPT). */
  noLinklocalLearn?: boolean;
  /** `mcast_vlan_snooping` (IFLA_BR_MULTI_BOOLOPT). */
  mcastVlanSnooping?: boolean;
  /** `mst_enabled` (IFLA_BR_MULTI_BOOLOPT). */
  mstEnabled?: boolean;
}

/** STP port states (BR_STATE_*), as `ip -d` prints them. */
export type BridgePortState = 'disabled' | 'listening' | 'learning' | 'forwarding' | 'blocking';

/** Bridge port options (`ip link set DEV type bridge_slave …`, IFLA_BRPORT_*). */
export interface BridgePortInfo {
  /** `state`. */
  state?: BridgePortState | number;
  /** `priority`. */
  priority?: number;
  /** `cost`. */
  cost?: number;
  /** `hairpin` mode. */
  hairpin?: boolean;
  /** `guard` (BPDU guard). */
  guard?: boolean;
  /** `root_block`. */
  rootBlock?: boolean;
  /** `fastleave`. */
  fastleave?: boolean;
  /** `learning`. */
  learning?: boolean;
  /** `flood` (unicast flooding). */
  flood?: boolean;
  /** `proxy_arp`. */
  proxyArp?: boolean;
  /** `learning_sync`. */
  learningSync?: boolean;
  /** `proxy_arp_wifi`. */
  proxyArpWifi?: boolean;
  /** Read only: `root_id`. */
  rootId?: string;
  /** Read only: `bridge_id`. */
  bridgeId?: string;
  /** Read only: `designated_port`. */
  designatedPort?: number;
  /** Read only: `designated_cost`. */
  designatedCost?: number;
  /** Read only: `id`. */
  id?: number;
  /** Read only: `no`. */
  no?: number;
  /** Read only: `topology_change_ack`. */
  topologyChangeAck?: number;
  /** Read only: `config_pending`. */
  configPending?: number;
  /** Read only: `message_age_timer` (centiseconds). */
  messageAgeTimer?: number;
  /** Read only: `forward_delay_timer`. */
  forwardDelayTimer?: number;
  /** Read only: `hold_timer`. */
  holdTimer?: number;
  /** Write only: `flush` the port's FDB entries. */
  flush?: boolean;
  /** `mcast_router` (`multicast_router` in `ip -j`). */
  multicastRouter?: number;
  /** `mcast_flood`. */
  mcastFlood?: boolean;
  /** `mcast_to_unicast`. */
  mcastToUnicast?: boolean;
  /** `vlan_tunnel`. */
  vlanTunnel?: boolean;
  /** `bcast_flood`. */
  bcastFlood?: boolean;
  /** `group_fwd_mask`. */
  groupFwdMask?: number;
  /** `neigh_suppress`. */
  neighSuppress?: boolean;
  /** `isolated`. */
  isolated?: boolean;
  /** `backup_port DEV` (index when read). */
  backupPort?: LinkRef;
  /** `mcast_eht_hosts_limit`. */
  mcastEhtHostsLimit?: number;
  /** Read only: `mcast_eht_hosts_cnt`. */
  mcastEhtHostsCnt?: number;
  /** `locked`. */
  locked?: boolean;
  /** `mab` (MAC authentication bypass). */
  mab?: boolean;
  /** Read only: `mcast_n_groups`. */
  mcastNGroups?: number;
  /** `mcast_max_groups`. */
  mcastMaxGroups?: number;
  /** `neigh_vlan_suppress`. */
  neighVlanSuppress?: boolean;
  /** `backup_nhid`. */
  backupNhid?: number;
}

const BR_BOOLOPT = { noLinklocalLearn: 1 << 0, mcastVlanSnooping: 1 << 1, mstEnabled: 1 << 2 };
const boolopt: ValueCodec<{ flags: number; mask: number }> = {
  encode(w, v) {
    w.u32(v.flags);
    w.u32(v.mask);
  },
  decode: (b, o) => ({ flags: rd.u32(b, o), mask: rd.u32(b, o + 4) }),
};

const ethProto = enumOf(t.be16, { '802.1Q': 0x8100, '802.1ad': 0x88a8 });
const on = t.bool;

const bridge: KindSpec = {
  data: attrs<BridgeInfo & { multiBoolopt: unknown }>('bridge', {
    forwardDelay: [1, t.u32],
    helloTime: [2, t.u32],
    maxAge: [3, t.u32],
    ageingTime: [4, t.u32],
    stpState: [5, t.u32],
    priority: [6, t.u16],
    vlanFiltering: [7, on],
    vlanProtocol: [8, ethProto],
    groupFwdMask: [9, t.u16],
    rootId: [10, bridgeId],
    bridgeId: [11, bridgeId],
    rootPort: [12, readOnly(t.u16)],
    rootPathCost: [13, readOnly(t.u32)],
    topologyChange: [14, readOnly(t.u8)],
    topologyChangeDetected: [15, readOnly(t.u8)],
    helloTimer: [16, readOnly(t.u64)],
    tcnTimer: [17, readOnly(t.u64)],
    topologyChangeTimer: [18, readOnly(t.u64)],
    gcTimer: [19, readOnly(t.u64)],
    groupAddr: [20, t.mac],
    fdbFlush: [21, t.flag],
    mcastRouter: [22, t.u8],
    mcastSnooping: [23, on],
    mcastQueryUseIfaddr: [24, on],
    mcastQuerier: [25, on],
    mcastHashElasticity: [26, t.u32],
    mcastHashMax: [27, t.u32],
    mcastLastMemberCnt: [28, t.u32],
    mcastStartupQueryCnt: [29, t.u32],
    mcastLastMemberIntvl: [30, t.u64],
    mcastMembershipIntvl: [31, t.u64],
    mcastQuerierIntvl: [32, t.u64],
    mcastQueryIntvl: [33, t.u64],
    mcastQueryResponseIntvl: [34, t.u64],
    mcastStartupQueryIntvl: [35, t.u64],
    nfCallIptables: [36, on],
    nfCallIp6tables: [37, on],
    nfCallArptables: [38, on],
    vlanDefaultPvid: [39, t.u16],
    vlanStatsEnabled: [41, on],
    mcastStatsEnabled: [42, on],
    mcastIgmpVersion: [43, t.u8],
    mcastMldVersion: [44, t.u8],
    vlanStatsPerPort: [45, on],
    multiBoolopt: [46, boolopt],
  }),
  readOnly: ['rootId', 'bridgeId', 'rootPort', 'rootPathCost', 'topologyChange', 'topologyChangeDetected', 'helloTimer', 'tcnTimer', 'topologyChangeTimer', 'gcTimer'],
  pre(info, where) {
    const o = { ...info };
    const packed = packBools(o, BR_BOOLOPT, where);
    if (packed) o.multiBoolopt = packed;
    return o;
  },
  post(info) {
    const m = info.multiBoolopt as { flags: number; mask: number } | undefined;
    if (m) {
      delete info.multiBoolopt;
      unpackBools(info, BR_BOOLOPT, m.flags, m.mask);
    }
  },
  slaveData: attrs<BridgePortInfo>('bridge_slave', {
    state: [1, enumOf(t.u8, { disabled: 0, listening: 1, learning: 2, forwarding: 3, blocking: 4 })],
    priority: [2, t.u16],
    cost: [3, t.u32],
    hairpin: [4, on],
    guard: [5, on],
    rootBlock: [6, on],
    fastleave: [7, on],
    learning: [8, on],
    flood: [9, on],
    proxyArp: [10, on],
    learningSync: [11, on],
    proxyArpWifi: [12, on],
    rootId: [13, bridgeId],
    bridgeId: [14, bridgeId],
    designatedPort: [15, readOnly(t.u16)],
    designatedCost: [16, readOnly(t.u16)],
    id: [17, readOnly(t.u16)],
    no: [18, readOnly(t.u16)],
    topologyChangeAck: [19, readOnly(t.u8)],
    configPending: [20, readOnly(t.u8)],
    messageAgeTimer: [21, readOnly(t.u64)],
    forwardDelayTimer: [22, readOnly(t.u64)],
    holdTimer: [23, readOnly(t.u64)],
    flush: [24, t.flag],
    multicastRouter: [25, t.u8],
    mcastFlood: [27, on],
    mcastToUnicast: [28, on],
    vlanTunnel: [29, on],
    bcastFlood: [30, on],
    groupFwdMask: [31, t.u16],
    neighSuppress: [32, on],
    isolated: [33, on],
    backupPort: [34, t.u32],
    mcastEhtHostsLimit: [37, t.u32],
    mcastEhtHostsCnt: [38, readOnly(t.u32)],
    locked: [39, on],
    mab: [40, on],
    mcastNGroups: [41, readOnly(t.u32)],
    mcastMaxGroups: [42, t.u32],
    neighVlanSuppress: [43, on],
    backupNhid: [44, t.u32],
  }),
  slaveLinkFields: ['backupPort'],
};

// ---------------------------------------------------------------------------
// macvlan, macvtap

/** The modes of macvlan/macvtap (`mode private|vepa|bridge|passthru|source`). */
export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru' | 'source';

/** `type macvlan|macvtap mode MODE …` (IFLA_MACVLAN_*). The lower device is the link's `link`. */
export interface MacvlanInfo {
  /** `mode`. */
  mode?: MacvlanMode | number;
  /** `flag nopromisc|nodst` (MACVLAN_FLAG_*). */
  flags?: ('nopromisc' | 'nodst' | number)[];
  /** Write only: `macaddr add|del|set|flush` — what to do with `macaddr`/`macaddrData` (source mode). */
  macaddrMode?: 'add' | 'del' | 'flush' | 'set' | number;
  /** Write only: the MAC address of `macaddr add|del MAC`. */
  macaddr?: string;
  /** `macaddr set MAC…` on input; the source-mode MAC list when read (`macaddr_data`). */
  macaddrData?: string[];
  /** Read only: `macaddr_count`. */
  macaddrCount?: number;
  /** `bcqueuelen`. */
  bcqueuelen?: number;
  /** Read only: `usedbcqueuelen`. */
  usedbcqueuelen?: number;
  /** `bclim` (broadcast cutoff: multicast frames to more than this many ports are queued). */
  bclim?: number;
}

const macvlan: KindSpec = {
  data: attrs<MacvlanInfo>('macvlan', {
    mode: [1, enumOf(t.u32, { private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 })],
    flags: [2, flagsOf(t.u16, { nopromisc: 1, nodst: 2 })],
    macaddrMode: { id: 3, codec: enumOf(t.u32, { add: 0, del: 1, flush: 2, set: 3 }), writeOnly: true },
    macaddr: { id: 4, codec: t.mac, writeOnly: true },
    macaddrData: [5, indexedList(t.mac, 0, 4)],
    macaddrCount: [6, readOnly(t.u32)],
    bcqueuelen: [7, t.u32],
    usedbcqueuelen: [8, readOnly(t.u32)],
    bclim: [9, t.s32],
  }),
  readOnly: ['macaddrCount', 'usedbcqueuelen'],
  pre(info) {
    // `macaddr set` with a list is MACADDR_MODE=SET + MACADDR_DATA.
    if (info.macaddrData !== undefined && info.macaddrMode === undefined) return { ...info, macaddrMode: 'set' };
    return info;
  },
};

// ---------------------------------------------------------------------------
// vxlan, geneve

/** `type vxlan id VNI …` (IFLA_VXLAN_*). Addresses may be IPv4 or IPv6; the attribute follows the family. */
export interface VxlanInfo {
  /** `id` — the VNI (0–16777215). Cannot be changed later. */
  id?: number;
  /** `group` — multicast group (IPv4 or IPv6). `group` and `remote` share a kernel attribute. */
  group?: string;
  /** `remote` — unicast peer (IPv4 or IPv6). */
  remote?: string;
  /** `local` — source address. */
  local?: string;
  /** `dev` — underlay link (a name is resolved; read back as its index). */
  dev?: LinkRef;
  /** `ttl` (0 inherits). */
  ttl?: number;
  /** `tos`. */
  tos?: number;
  /** `learning` / `nolearning`. */
  learning?: boolean;
  /** `ageing` (seconds). */
  ageing?: number;
  /** `maxaddress`. */
  limit?: number;
  /** `srcport MIN MAX`. */
  portRange?: { low: number; high: number };
  /** `proxy`. */
  proxy?: boolean;
  /** `rsc` (route short circuit). */
  rsc?: boolean;
  /** `l2miss`. */
  l2miss?: boolean;
  /** `l3miss`. */
  l3miss?: boolean;
  /** `dstport` (UDP destination port; `port` in `ip -j`). */
  dstport?: number;
  /** `udpcsum` / `noudpcsum`. */
  udpCsum?: boolean;
  /** `udp6zerocsumtx`. */
  udpZeroCsum6Tx?: boolean;
  /** `udp6zerocsumrx`. */
  udpZeroCsum6Rx?: boolean;
  /** `remcsumtx`. */
  remcsumTx?: boolean;
  /** `remcsumrx`. */
  remcsumRx?: boolean;
  /** `gbp`. */
  gbp?: boolean;
  /** `remcsum nopartial`. */
  remcsumNopartial?: boolean;
  /** `external` (collect metadata). */
  external?: boolean;
  /** `flowlabel`. */
  label?: number;
  /** `gpe`. */
  gpe?: boolean;
  /** `ttl inherit`. */
  ttlInherit?: boolean;
  /** `df unset|set|inherit`. */
  df?: 'unset' | 'set' | 'inherit' | number;
  /** `vnifilter` (with `external`). */
  vnifilter?: boolean;
  /** `localbypass` / `nolocalbypass`. */
  localbypass?: boolean;
}

const dfMode = enumOf(t.u8, { unset: 0, set: 1, inherit: 2 });

const vxlan: KindSpec = {
  data: attrs<Record<string, unknown>>('vxlan', {
    id: [1, t.u32],
    group: [2, ipv4],
    remote: { id: 2, codec: ipv4, writeOnly: true },
    dev: [3, t.u32],
    local: [4, ipv4],
    ttl: [5, t.u8],
    tos: [6, t.u8],
    learning: [7, on],
    ageing: [8, t.u32],
    limit: [9, t.u32],
    portRange: [10, portRange],
    proxy: [11, on],
    rsc: [12, on],
    l2miss: [13, on],
    l3miss: [14, on],
    dstport: [15, t.be16],
    group6: [16, ipv6],
    remote6: { id: 16, codec: ipv6, writeOnly: true },
    local6: [17, ipv6],
    udpCsum: [18, on],
    udpZeroCsum6Tx: [19, on],
    udpZeroCsum6Rx: [20, on],
    remcsumTx: [21, on],
    remcsumRx: [22, on],
    gbp: [23, t.flag],
    remcsumNopartial: [24, t.flag],
    external: [25, on],
    label: [26, t.be32],
    gpe: [27, t.flag],
    ttlInherit: [28, t.flag],
    df: [29, dfMode],
    vnifilter: [30, on],
    localbypass: [31, on],
  }),
  required: ['id'],
  linkFields: ['dev'],
  pre(info, where) {
    if (typeof info.id === 'number' && info.id > 0xffffff) throw new RangeError(`${where}.id (VNI) must be in 0..16777215, got ${info.id}`);
    if (info.group !== undefined && info.remote !== undefined) throw new TypeError(`${where}: give group or remote, not both (one kernel attribute)`);
    if (typeof info.group === 'string' && !isMulticast(info.group)) throw new TypeError(`${where}.group must be a multicast address, got ${info.group}`);
    if (typeof info.remote === 'string' && isMulticast(info.remote)) throw new TypeError(`${where}.remote must be a unicast address (use group), got ${info.remote}`);
    const o = { ...info };
    splitFamily(o, 'group', 'remote', 'local');
    return o;
  },
  post(info) {
    dropZeroDev(info);
    joinFamily(info, 'group', 'local');
    const g = info.group;
    if (typeof g === 'string' && !isMulticast(g)) {
      delete info.group;
      info.remote = g;
    }
  },
};

/** `type geneve id VNI remote ADDR …` (IFLA_GENEVE_*). */
export interface GeneveInfo {
  /** `id` — the VNI. */
  id?: number;
  /** `remote` (IPv4 or IPv6). */
  remote?: string;
  /** `ttl`. */
  ttl?: number;
  /** `tos`. */
  tos?: number;
  /** `dstport` (`port` in `ip -j`). */
  dstport?: number;
  /** `external`. */
  external?: boolean;
  /** `udpcsum`. */
  udpCsum?: boolean;
  /** `udp6zerocsumtx`. */
  udpZeroCsum6Tx?: boolean;
  /** `udp6zerocsumrx`. */
  udpZeroCsum6Rx?: boolean;
  /** `flowlabel`. */
  label?: number;
  /** `ttl inherit`. */
  ttlInherit?: boolean;
  /** `df unset|set|inherit`. */
  df?: 'unset' | 'set' | 'inherit' | number;
  /** `innerprotoinherit`. */
  innerProtoInherit?: boolean;
  /** `srcport MIN MAX`. */
  portRange?: { low: number; high: number };
}

const geneve: KindSpec = {
  data: attrs<Record<string, unknown>>('geneve', {
    id: [1, t.u32],
    remote: [2, ipv4],
    ttl: [3, t.u8],
    tos: [4, t.u8],
    dstport: [5, t.be16],
    external: [6, t.flag],
    remote6: [7, ipv6],
    udpCsum: [8, on],
    udpZeroCsum6Tx: [9, on],
    udpZeroCsum6Rx: [10, on],
    label: [11, t.be32],
    ttlInherit: [12, on],
    df: [13, dfMode],
    innerProtoInherit: [14, t.flag],
    portRange: [15, portRange],
  }),
  required: ['id'],
  pre(info) {
    const o = { ...info };
    splitFamily(o, 'remote');
    return o;
  },
  post(info) {
    joinFamily(info, 'remote');
  },
};

// ---------------------------------------------------------------------------
// vlan, ipvlan

/** `type vlan id ID [protocol 802.1Q|802.1ad] …` (IFLA_VLAN_*). The parent is the link's `link`. */
export interface VlanInfo {
  /** `id` (0–4095). */
  id?: number;
  /** `protocol` (default 802.1Q). */
  protocol?: '802.1Q' | '802.1ad' | number;
  /** `reorder_hdr on|off` (VLAN_FLAG_REORDER_HDR; on by default). */
  reorderHdr?: boolean;
  /** `gvrp on|off`. */
  gvrp?: boolean;
  /** `mvrp on|off`. */
  mvrp?: boolean;
  /** `loose_binding on|off`. */
  looseBinding?: boolean;
  /** `bridge_binding on|off`. */
  bridgeBinding?: boolean;
  /** `egress-qos-map FROM:TO …`. */
  egressQos?: { from: number; to: number }[];
  /** `ingress-qos-map FROM:TO …`. */
  ingressQos?: { from: number; to: number }[];
}

const VLAN_FLAG = { reorderHdr: 0x1, gvrp: 0x2, looseBinding: 0x4, mvrp: 0x8, bridgeBinding: 0x10 };

const vlan: KindSpec = {
  data: attrs<Record<string, unknown>>('vlan', {
    id: [1, t.u16],
    flags: [2, boolopt],
    egressQos: [3, qosMap],
    ingressQos: [4, qosMap],
    protocol: [5, ethProto],
  }),
  required: ['id'],
  pre(info, where) {
    if (typeof info.id === 'number' && info.id > 4095) throw new RangeError(`${where}.id must be in 0..4095, got ${String(info.id)}`);
    const o = { ...info };
    const packed = packBools(o, VLAN_FLAG, where);
    if (packed) o.flags = packed;
    return o;
  },
  post(info) {
    const f = info.flags as { flags: number; mask: number } | undefined;
    if (f) {
      delete info.flags;
      unpackBools(info, VLAN_FLAG, f.flags, f.mask);
    }
  },
};

/** `type ipvlan|ipvtap mode l2|l3|l3s [bridge|private|vepa]` (IFLA_IPVLAN_*). The parent is the link's `link`. */
export interface IpvlanInfo {
  /** `mode` (default l3). */
  mode?: 'l2' | 'l3' | 'l3s' | number;
  /** `bridge` (default), `private` or `vepa` (IPVLAN_F_*). */
  flags?: 'bridge' | 'private' | 'vepa' | number;
}

const ipvlan: KindSpec = {
  data: attrs<IpvlanInfo>('ipvlan', {
    mode: [1, enumOf(t.u16, { l2: 0, l3: 1, l3s: 2 })],
    flags: [2, enumOf(t.u16, { bridge: 0, private: 1, vepa: 2 })],
  }),
};

// ---------------------------------------------------------------------------
// bond

/** Bonding modes (`mode …`). */
export type BondMode = 'balance-rr' | 'active-backup' | 'balance-xor' | 'broadcast' | '802.3ad' | 'balance-tlb' | 'balance-alb';

/** `type bond …` (IFLA_BOND_*). Ports join with `link.set(port, { master: bond })`. */
export interface BondInfo {
  /** `mode`. Changeable only while the bond is down and has no ports. */
  mode?: BondMode | number;
  /** `active_slave DEV` (index when read). */
  activeSlave?: LinkRef;
  /** `miimon` (ms). */
  miimon?: number;
  /** `updelay` (ms). */
  updelay?: number;
  /** `downdelay` (ms). */
  downdelay?: number;
  /** `peer_notify_delay` (ms). */
  peerNotifyDelay?: number;
  /** `use_carrier`. */
  useCarrier?: boolean;
  /** `arp_interval` (ms). */
  arpInterval?: number;
  /** `arp_ip_target ADDR,…` (IPv4). */
  arpIpTarget?: string[];
  /** `arp_validate`. */
  arpValidate?: 'none' | 'active' | 'backup' | 'all' | 'filter' | 'filter_active' | 'filter_backup' | number;
  /** `arp_all_targets`. */
  arpAllTargets?: 'any' | 'all' | number;
  /** `primary DEV` (index when read). */
  primary?: LinkRef;
  /** `primary_reselect`. */
  primaryReselect?: 'always' | 'better' | 'failure' | number;
  /** `fail_over_mac`. */
  failOverMac?: 'none' | 'active' | 'follow' | number;
  /** `xmit_hash_policy`. */
  xmitHashPolicy?: 'layer2' | 'layer3+4' | 'layer2+3' | 'encap2+3' | 'encap3+4' | 'vlan+srcmac' | number;
  /** `resend_igmp`. */
  resendIgmp?: number;
  /** `num_grat_arp` / `num_unsol_na` (`num_peer_notif` in `ip -j`). */
  numPeerNotif?: number;
  /** `all_slaves_active`. */
  allSlavesActive?: boolean;
  /** `min_links`. */
  minLinks?: number;
  /** `lp_interval`. */
  lpInterval?: number;
  /** `packets_per_slave`. */
  packetsPerSlave?: number;
  /** `lacp_rate` (`ad_lacp_rate` in `ip -j`). */
  adLacpRate?: 'slow' | 'fast' | number;
  /** `ad_select`. */
  adSelect?: 'stable' | 'bandwidth' | 'count' | number;
  /** Read only: the 802.3ad aggregator (`ad_info`). */
  adInfo?: { aggregator?: number; numPorts?: number; actorKey?: number; partnerKey?: number; partnerMac?: string };
  /** `ad_actor_sys_prio`. */
  adActorSysPrio?: number;
  /** `ad_user_port_key`. */
  adUserPortKey?: number;
  /** `ad_actor_system MAC`. */
  adActorSystem?: string;
  /** `tlb_dynamic_lb`. */
  tlbDynamicLb?: boolean;
  /** `lacp_active on|off` (`ad_lacp_active`). */
  adLacpActive?: boolean;
  /** `arp_missed_max`. */
  arpMissedMax?: number;
  /** `ns_ip6_target ADDR,…`. */
  nsIp6Target?: string[];
  /** `coupled_control`. */
  coupledControl?: boolean;
}

/** Bond port options (`ip link set DEV type bond_slave …`, IFLA_BOND_SLAVE_*). */
export interface BondSlaveInfo {
  /** Read only: `state`, as `ip -d` prints it. */
  state?: 'ACTIVE' | 'BACKUP' | number;
  /** Read only: `mii_status`, as `ip -d` prints it. */
  miiStatus?: 'UP' | 'FAIL' | 'DOWN' | 'BACK' | number;
  /** Read only: `link_failure_count`. */
  linkFailureCount?: number;
  /** Read only: `perm_hwaddr`. */
  permHwaddr?: string;
  /** `queue_id`. */
  queueId?: number;
  /** Read only: `ad_aggregator_id`. */
  adAggregatorId?: number;
  /** Read only: `ad_actor_oper_port_state`. */
  adActorOperPortState?: number;
  /** Read only: `ad_partner_oper_port_state`. */
  adPartnerOperPortState?: number;
  /** `prio` (for primary reselection). */
  prio?: number;
}

const bond: KindSpec = {
  data: attrs<BondInfo>('bond', {
    mode: [1, enumOf(t.u8, { 'balance-rr': 0, 'active-backup': 1, 'balance-xor': 2, broadcast: 3, '802.3ad': 4, 'balance-tlb': 5, 'balance-alb': 6 })],
    activeSlave: [2, t.u32],
    miimon: [3, t.u32],
    updelay: [4, t.u32],
    downdelay: [5, t.u32],
    useCarrier: [6, on],
    arpInterval: [7, t.u32],
    arpIpTarget: [8, indexedList(ipv4)],
    arpValidate: [9, enumOf(t.u32, { none: 0, active: 1, backup: 2, all: 3, filter: 4, filter_active: 5, filter_backup: 6 })],
    arpAllTargets: [10, enumOf(t.u32, { any: 0, all: 1 })],
    primary: [11, t.u32],
    primaryReselect: [12, enumOf(t.u8, { always: 0, better: 1, failure: 2 })],
    failOverMac: [13, enumOf(t.u8, { none: 0, active: 1, follow: 2 })],
    xmitHashPolicy: [14, enumOf(t.u8, { layer2: 0, 'layer3+4': 1, 'layer2+3': 2, 'encap2+3': 3, 'encap3+4': 4, 'vlan+srcmac': 5 })],
    resendIgmp: [15, t.u32],
    numPeerNotif: [16, t.u8],
    allSlavesActive: [17, on],
    minLinks: [18, t.u32],
    lpInterval: [19, t.u32],
    packetsPerSlave: [20, t.u32],
    adLacpRate: [21, enumOf(t.u8, { slow: 0, fast: 1 })],
    adSelect: [22, enumOf(t.u8, { stable: 0, bandwidth: 1, count: 2 })],
    adInfo: {
      id: 23,
      nest: attrs('bond_ad_info', {
        aggregator: [1, t.u16],
        numPorts: [2, t.u16],
        actorKey: [3, t.u16],
        partnerKey: [4, t.u16],
        partnerMac: [5, t.mac],
      }),
    },
    adActorSysPrio: [24, t.u16],
    adUserPortKey: [25, t.u16],
    adActorSystem: [26, t.mac],
    tlbDynamicLb: [27, on],
    peerNotifyDelay: [28, t.u32],
    adLacpActive: [29, on],
    arpMissedMax: [30, t.u8],
    nsIp6Target: [31, indexedList(ipv6)],
    coupledControl: [32, on],
  }),
  linkFields: ['activeSlave', 'primary'],
  readOnly: ['adInfo'],
  slaveData: attrs<BondSlaveInfo>('bond_slave', {
    state: [1, readOnly(enumOf(t.u8, { ACTIVE: 0, BACKUP: 1 }))],
    miiStatus: [2, readOnly(enumOf(t.u8, { UP: 0, FAIL: 1, DOWN: 2, BACK: 3 }))],
    linkFailureCount: [3, readOnly(t.u32)],
    permHwaddr: [4, readOnly(t.mac)],
    queueId: [5, t.u16],
    adAggregatorId: [6, readOnly(t.u16)],
    adActorOperPortState: [7, readOnly(t.u8)],
    adPartnerOperPortState: [8, readOnly(t.u16)],
    prio: [9, t.s32],
  }),
};

// ---------------------------------------------------------------------------
// macsec

/** `type macsec [port PORT | sci SCI] [cipher …] …` (IFLA_MACSEC_*). The lower device is the link's `link`. */
export interface MacsecInfo {
  /** `sci` — 16 hex digits (MAC address + port); defaults from the lower device's MAC and `port`. */
  sci?: string;
  /** Write only: `port` (folded into the SCI). */
  port?: number;
  /** `icvlen`. */
  icvLen?: number;
  /** `cipher` (the kernel reports `gcm-aes-128` for the default). */
  cipher?: 'gcm-aes-128' | 'gcm-aes-256' | 'gcm-aes-xpn-128' | 'gcm-aes-xpn-256' | bigint;
  /** `window` (with `replay on`). */
  window?: number;
  /** `encodingsa`. */
  encodingSa?: number;
  /** `encrypt on|off`. */
  encrypt?: boolean;
  /** `protect on|off`. */
  protect?: boolean;
  /** `send_sci on|off`. */
  sendSci?: boolean;
  /** `end_station on|off`. */
  endStation?: boolean;
  /** `scb on|off`. */
  scb?: boolean;
  /** `replay on|off`. */
  replay?: boolean;
  /** `validate disabled|check|strict`. */
  validate?: 'disabled' | 'check' | 'strict' | number;
  /** `offload off|phy|mac`. */
  offload?: 'off' | 'phy' | 'mac' | number;
}

const macsec: KindSpec = {
  data: attrs<MacsecInfo>('macsec', {
    sci: [1, hex64],
    port: { id: 2, codec: t.be16, writeOnly: true },
    icvLen: [3, t.u8],
    cipher: [
      4,
      enum64(
        {
          'gcm-aes-128': 0x0080020001000001n,
          'gcm-aes-256': 0x0080c20001000002n,
          'gcm-aes-xpn-128': 0x0080c20001000003n,
          'gcm-aes-xpn-256': 0x0080c20001000004n,
        },
        { [String(0x0080c20001000001n)]: 'gcm-aes-128' },
      ),
    ],
    window: [5, t.u32],
    encodingSa: [6, t.u8],
    encrypt: [7, on],
    protect: [8, on],
    sendSci: [9, on],
    endStation: [10, on],
    scb: [11, on],
    replay: [12, on],
    validate: [13, enumOf(t.u8, { disabled: 0, check: 1, strict: 2 })],
    offload: [15, enumOf(t.u8, { off: 0, phy: 1, mac: 2 })],
  }),
};

// ---------------------------------------------------------------------------
// vrf, ipoib

/** `type vrf table ID` (IFLA_VRF_*). Ports join with `link.set(port, { master: vrf })`. */
export interface VrfInfo {
  /** `table` — the routing table (required; cannot be changed). */
  table?: number;
}
/** Read only: what a VRF port reports (IFLA_VRF_PORT_*). */
export interface VrfSlaveInfo {
  /** The VRF's table. */
  table?: number;
}

/** `type ipoib [pkey PKEY] [mode datagram|connected] [umcast 0|1]` (IFLA_IPOIB_*). The parent is `link`. */
export interface IpoibInfo {
  /** `pkey` (partition key). */
  pkey?: number;
  /** `mode`. */
  mode?: 'datagram' | 'connected' | number;
  /** `umcast`. */
  umcast?: boolean;
}

// ---------------------------------------------------------------------------
// IP tunnels: gre, gretap, ip6gre, ip6gretap, ipip, sit, ip6tnl

/** Encapsulation of IP tunnels (`encap none|fou|gue|mpls`, TUNNEL_ENCAP_*). */
export type TunnelEncap = 'none' | 'fou' | 'gue' | 'mpls';

/** What the IP tunnel kinds share. */
export interface TunnelCommon {
  /** `dev DEV` — the underlay link (index when read). */
  dev?: LinkRef;
  /** `local ADDR`. */
  local?: string;
  /** `remote ADDR`. */
  remote?: string;
  /** `ttl` (`hoplimit` for the IPv6 kinds; 0 inherits). */
  ttl?: number;
  /** `encap none|fou|gue|mpls`. */
  encapType?: TunnelEncap | number;
  /** `encap-csum`, `encap-csum6`, `encap-remcsum` (TUNNEL_ENCAP_FLAG_*). */
  encapFlags?: ('csum' | 'csum6' | 'remcsum' | number)[];
  /** `encap-sport`. */
  encapSport?: number;
  /** `encap-dport`. */
  encapDport?: number;
  /** `external` (collect metadata). */
  external?: boolean;
  /** `fwmark`. */
  fwmark?: number;
}

/** GRE keys and flags: `key`, `ikey`, `okey`, `csum`, `seq` (`icsum`, `ocsum`, `iseq`, `oseq`). */
export interface GreKeys {
  /** Write only: `key N` sets both `ikey` and `okey`. */
  key?: number;
  /** `ikey N` (sets the GRE_KEY flag on input). `null` in `link.set` removes it. */
  ikey?: number | null;
  /** `okey N`. */
  okey?: number | null;
  /** Write only: `csum` sets `icsum` and `ocsum`. */
  csum?: boolean;
  /** `icsum`. */
  icsum?: boolean;
  /** `ocsum`. */
  ocsum?: boolean;
  /** Write only: `seq` sets `iseq` and `oseq`. */
  seq?: boolean;
  /** `iseq`. */
  iseq?: boolean;
  /** `oseq`. */
  oseq?: boolean;
}

/** `type gre|gretap remote ADDR local ADDR [key …] …` (IFLA_GRE_*, IPv4). */
export interface GreInfo extends TunnelCommon, GreKeys {
  /** `tos`. */
  tos?: number;
  /** `pmtudisc` / `nopmtudisc` (on by default). */
  pmtudisc?: boolean;
  /** `ignore-df`. */
  ignoreDf?: boolean;
}

/** `type ip6gre|ip6gretap remote ADDR local ADDR …` (IFLA_GRE_*, IPv6). */
export interface Ip6greInfo extends TunnelCommon, GreKeys {
  /** `encaplimit`. */
  encapLimit?: number;
  /** `flowlabel`/`tclass` as the raw flowinfo word. */
  flowinfo?: number;
  /** IP6_TNL_F_* flags. */
  flags?: number;
}

/** `type ipip remote ADDR local ADDR [mode ipip|mplsip|any]` (IFLA_IPTUN_*, IPv4). */
export interface IpipInfo extends TunnelCommon {
  /** `tos`. */
  tos?: number;
  /** `pmtudisc` / `nopmtudisc`. */
  pmtudisc?: boolean;
  /** `mode` — the inner protocol. */
  mode?: 'ipip' | 'mplsip' | 'any' | number;
}

/** `type sit remote ADDR local ADDR [mode ip6ip|ipip|mplsip|any] [isatap] [6rd-prefix …]` (IFLA_IPTUN_*). */
export interface SitInfo extends TunnelCommon {
  /** `tos`. */
  tos?: number;
  /** `pmtudisc` / `nopmtudisc`. */
  pmtudisc?: boolean;
  /** `mode` — the inner protocol. */
  mode?: 'ip6ip' | 'ipip' | 'mplsip' | 'any' | number;
  /** `isatap`. */
  isatap?: boolean;
  /** `6rd-prefix` (IPv6 address part). */
  sixrdPrefix?: string;
  /** `6rd-prefix` length. */
  sixrdPrefixlen?: number;
  /** `6rd-relay_prefix` (IPv4 address part). */
  sixrdRelayPrefix?: string;
  /** `6rd-relay_prefix` length. */
  sixrdRelayPrefixlen?: number;
}

/** `type ip6tnl remote ADDR local ADDR [mode ip6ip6|ipip6|any] …` (IFLA_IPTUN_*, IPv6). */
export interface Ip6tnlInfo extends TunnelCommon {
  /** `encaplimit`. */
  encapLimit?: number;
  /** `flowlabel`/`tclass` as the raw flowinfo word. */
  flowinfo?: number;
  /** IP6_TNL_F_* flags. */
  flags?: number;
  /** `mode` — the inner protocol. */
  mode?: 'ip6ip6' | 'ipip6' | 'any' | number;
}

const encapTypes = enumOf(t.u16, { none: 0, fou: 1, gue: 2, mpls: 3 });
const encapFlags = flagsOf(t.u16, { csum: 1, csum6: 2, remcsum: 4 });
const GRE_CSUM = 0x8000;
const GRE_KEY = 0x2000;
const GRE_SEQ = 0x1000;

function greKind(family: 'inet' | 'inet6'): KindSpec {
  const ip = family === 'inet' ? ipv4 : ipv6;
  const v4Only = family === 'inet';
  const table: Record<string, unknown> = {
    dev: [1, t.u32],
    iflags: [2, t.be16],
    oflags: [3, t.be16],
    ikey: [4, t.be32],
    okey: [5, t.be32],
    local: [6, ip],
    remote: [7, ip],
    ttl: [8, t.u8],
    encapType: [14, encapTypes],
    encapFlags: [15, encapFlags],
    encapSport: [16, t.be16],
    encapDport: [17, t.be16],
    external: [18, t.flag],
    fwmark: [20, t.u32],
  };
  if (v4Only) Object.assign(table, { tos: [9, t.u8], pmtudisc: [10, on], ignoreDf: [19, on] });
  else Object.assign(table, { encapLimit: [11, t.u8], flowinfo: [12, t.be32], flags: [13, t.u32] });
  return {
    data: attrs<Record<string, unknown>>(family === 'inet' ? 'gre' : 'ip6gre', table as never),
    linkFields: ['dev'],
    mergeOnSet: true,
    pre(info) {
      const o: Record<string, unknown> = { ...info };
      if (o.key !== undefined) o.ikey = o.okey = o.key;
      if (o.csum !== undefined) o.icsum = o.ocsum = o.csum;
      if (o.seq !== undefined) o.iseq = o.oseq = o.seq;
      delete o.key;
      delete o.csum;
      delete o.seq;
      for (const d of ['i', 'o'] as const) {
        const k = o[`${d}key`];
        const bits = (k !== undefined && k !== null ? GRE_KEY : 0) | (o[`${d}csum`] ? GRE_CSUM : 0) | (o[`${d}seq`] ? GRE_SEQ : 0);
        o[`${d}flags`] = bits;
        if (k === null) delete o[`${d}key`];
        delete o[`${d}csum`];
        delete o[`${d}seq`];
      }
      return o;
    },
    post(info) {
      dropZeroDev(info);
      for (const d of ['i', 'o'] as const) {
        const f = (info[`${d}flags`] as number | undefined) ?? 0;
        delete info[`${d}flags`];
        if (!(f & GRE_KEY)) delete info[`${d}key`];
        info[`${d}csum`] = (f & GRE_CSUM) !== 0;
        info[`${d}seq`] = (f & GRE_SEQ) !== 0;
      }
    },
  };
}

/** The IFLA_IPTUN_* table for ipip/sit (IPv4 outer) and ip6tnl (IPv6 outer). */
function iptunKind(kind: 'ipip' | 'sit' | 'ip6tnl'): KindSpec {
  const modes: Record<string, Record<string, number>> = {
    ipip: { ipip: 4, mplsip: 137, any: 0 },
    sit: { ip6ip: 41, ipip: 4, mplsip: 137, any: 0 },
    ip6tnl: { ip6ip6: 41, ipip6: 4, any: 0 },
  };
  const ip = kind === 'ip6tnl' ? ipv6 : ipv4;
  const table: Record<string, unknown> = {
    dev: [1, t.u32],
    local: [2, ip],
    remote: [3, ip],
    ttl: [4, t.u8],
    mode: [9, enumOf(t.u8, modes[kind])],
    encapType: [15, encapTypes],
    encapFlags: [16, encapFlags],
    encapSport: [17, t.be16],
    encapDport: [18, t.be16],
    external: [19, t.flag],
    fwmark: [20, t.u32],
  };
  if (kind === 'ip6tnl') Object.assign(table, { encapLimit: [6, t.u8], flowinfo: [7, t.be32], flags: [8, t.u32] });
  else Object.assign(table, { tos: [5, t.u8], pmtudisc: [10, on] });
  if (kind === 'sit')
    Object.assign(table, {
      isatap: [8, bool16],
      sixrdPrefix: [11, ipv6],
      sixrdRelayPrefix: [12, ipv4],
      sixrdPrefixlen: [13, t.u16],
      sixrdRelayPrefixlen: [14, t.u16],
    });
  return { data: attrs<Record<string, unknown>>(kind, table as never), linkFields: ['dev'], mergeOnSet: true, post: dropZeroDev };
}

// ---------------------------------------------------------------------------
// tun/tap (listed only)

/** What a tun/tap link reports (IFLA_TUN_*). Tun/tap links are made with an ioctl, not `link.add`. */
export interface TunInfo {
  /** `tun` or `tap`. */
  type?: 'tun' | 'tap' | number;
  /** Owning uid (absent: none). */
  owner?: number;
  /** Owning gid. */
  group?: number;
  /** `pi` (packet information header). */
  pi?: boolean;
  /** `vnet_hdr`. */
  vnetHdr?: boolean;
  /** `persist`. */
  persist?: boolean;
  /** `multi_queue`. */
  multiQueue?: boolean;
  /** Queue count. */
  numQueues?: number;
  /** Disabled queue count. */
  numDisabledQueues?: number;
}

// ---------------------------------------------------------------------------

/** The kinds the library knows, by `IFLA_INFO_KIND`. */
export const kinds: Record<string, KindSpec> = {
  veth: { data: peerTable('veth'), peer: true },
  vxcan: { data: peerTable('vxcan'), peer: true },
  bridge,
  macvlan,
  macvtap: macvlan,
  vxlan,
  geneve,
  vlan,
  ipvlan,
  ipvtap: ipvlan,
  bond,
  macsec,
  vrf: {
    data: attrs<VrfInfo>('vrf', { table: [1, t.u32] }),
    slaveData: attrs<VrfSlaveInfo>('vrf_slave', { table: [1, readOnly(t.u32)] }),
    required: ['table'],
  },
  ipoib: {
    data: attrs<IpoibInfo>('ipoib', {
      pkey: [1, t.u16],
      mode: [2, enumOf(t.u16, { datagram: 0, connected: 1 })],
      umcast: [3, bool16],
    }),
  },
  gre: greKind('inet'),
  gretap: greKind('inet'),
  ip6gre: greKind('inet6'),
  ip6gretap: greKind('inet6'),
  ipip: iptunKind('ipip'),
  sit: iptunKind('sit'),
  ip6tnl: iptunKind('ip6tnl'),
  tun: {
    data: attrs<TunInfo>('tun', {
      owner: [1, t.u32],
      group: [2, t.u32],
      type: [3, enumOf(t.u8, { tun: 1, tap: 2 })],
      pi: [4, on],
      vnetHdr: [5, on],
      persist: [6, on],
      multiQueue: [7, on],
      numQueues: [8, t.u32],
      numDisabledQueues: [9, t.u32],
    }),
    noCreate: 'tun/tap links are made with ioctl(TUNSETIFF) on /dev/net/tun, not over rtnetlink',
  },
  ifb: {},
  dummy: {},
  team: {},
  vcan: {},
  nlmon: {},
  wireguard: {},
};

/** Names the kinds this library can create (for error messages). */
export const kindNames = (): string[] => Object.keys(kinds).filter((k) => !kinds[k].noCreate);

/** Writes IFLA_INFO_DATA for a kind: `pre` rewrites, then the table encodes. */
export function encodeKindData(w: Writer, kind: string, info: Record<string, unknown>, where: string): void {
  const spec = kinds[kind];
  const o = spec.pre ? spec.pre(info, where) : info;
  spec.data!.encode(w, o, where);
}
