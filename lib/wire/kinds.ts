/**
 * Link kinds: one table entry per kind (`ip link add … type KIND …`). Each
 * entry's attribute table serves both `link.add`/`link.set` (IFLA_INFO_DATA)
 * and what `link.list` returns in `info`, so the field names you pass are the
 * field names you read back. Adding a kind is adding an entry here and its
 * option interface (plus one line in `LinkKindInfo` in link.ts); numbers come
 * from linux/if_link.h, if_tunnel.h, veth.h, can/vxcan.h and if_macsec.h, each
 * entry written `name: [id, type, 'UAPI_NAME']`. IFLA_LINKINFO itself (kind
 * and data, dispatched on the kind) is {@link linkinfo}.
 *
 * Field names are the camelCase of `ip -d -j link show` keys where `ip` prints
 * them, otherwise of the `ip link add … type KIND` keywords.
 * @module
 */
import { endianness } from 'node:os';
import { AttrTable, attrs, enumOf, flagsOf, ipOf, macOf, members, pathOf, rd, readOnly, struct, t, type Decoded, type Struct, type UnknownAttrs, type ValueCodec, type Writer } from '../codec.js';
import type { LinkPeer, LinkRef } from '../types.js';
import { closest, isPlain, show } from '../validate.js';

/** How a kind's IFLA_INFO_DATA (and its ports' IFLA_INFO_SLAVE_DATA) is coded. */
export interface KindSpec {
  /** IFLA_INFO_DATA table; absent for kinds without options (ifb, dummy, …). */
  data?: AttrTable<any>;
  /** IFLA_INFO_SLAVE_DATA table for ports enslaved to a master of this kind. */
  slaveData?: AttrTable<any>;
  /** Options that must be given on add (checked before sending). */
  required?: readonly string[];
  /** Options that, when true, make {@link KindSpec.required} unnecessary (vxlan/geneve `external`: no VNI). */
  requiredUnless?: readonly string[];
  /**
   * What iproute2 (6.1) sends beside the options given to `ip link add … type
   * KIND OPTIONS…`: called on creation only, on the table fields after
   * {@link KindSpec.pre}, and only when at least one option is given (without
   * options `ip` sends no IFLA_INFO_DATA, and neither does the library).
   * Returns the fields to send, in iproute2's order. The kernel's own defaults
   * differ for some (an ip6tnl made without them gets hop limit 0 and encap
   * limit 0 where `ip` gives 64 and 4; an ipip tunnel gets `mode ipip` where
   * `ip` gives `any`), so the same words end in the same state only this way.
   */
  defaults?(fields: Record<string, unknown>): Record<string, unknown>;
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
  /**
   * The link-layer address length of a new link of this kind (the kernel's
   * `dev->addr_len`): 6 (Ethernet) unless given; 0 for kinds without one.
   * `address`/`broadcast` of `link.add` (and of a veth peer) must have exactly
   * this many bytes: the kernel would cut or pad another length.
   */
  addrLen?: number;
  /** Why `address`/`broadcast` cannot be given to `link.add` (the kernel sets them itself). */
  noAddress?: string;
  /** `link.add` needs `link` (the lower device): the kernel refuses the kind without IFLA_LINK. */
  needsLink?: boolean;
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
  sizes: [2],
  encode(w, v, field) {
    if (typeof v !== 'boolean') throw new TypeError(`${field} must be a boolean`);
    w.u16(v ? 1 : 0);
  },
  decode: (b, o) => rd.u16(b, o) !== 0,
};

/** An address of one family; anything but a string is refused here, naming the field. */
function ipAddr(family: 'inet' | 'inet6'): ValueCodec<string> {
  const c = ipOf(family);
  return {
    sizes: c.sizes,
    decode: c.decode,
    encode(w, v, field) {
      if (typeof v !== 'string') throw new TypeError(`${field} must be an ${family === 'inet' ? 'IPv4' : 'IPv6'} address, got ${show(v)}`);
      c.encode(w, v, field);
    },
  };
}
const ipv4 = ipAddr('inet');
const ipv6 = ipAddr('inet6');

/** An Ethernet MAC (exactly 6 bytes on input: the kernel reads ETH_ALEN bytes); read back at any length. */
const ether: ValueCodec<string> = { encode: macOf(6).encode, decode: t.mac.decode };

/**
 * An integer of `base`'s type limited to [min, max]: the kernel would mask,
 * truncate or reinterpret the rest (a VLAN priority is 3 bits, a flow label 20).
 */
function within(base: ValueCodec<number>, min: number, max: number): ValueCodec<number> {
  return {
    sizes: base.sizes,
    decode: base.decode,
    encode(w, v, field) {
      if (typeof v === 'number' && Number.isInteger(v) && (v < min || v > max)) throw new RangeError(`${field} must be in ${min}..${max}, got ${v}`);
      base.encode(w, v, field);
    },
  };
}

/**
 * A struct given whole: a plain object with exactly its fields (a missing
 * one would be sent as 0, an unknown one ignored), then `check` across them.
 */
function whole<T extends object>(s: Struct<T>, check?: (v: Record<string, number>, field: string) => void): ValueCodec<T> {
  const names = s.fields.map(([n]) => n).filter((n) => !n.startsWith('_'));
  return {
    decode: s.decode,
    encode(w, v, field) {
      if (!isPlain(v)) throw new TypeError(`${field} must be a plain object { ${names.join(', ')} }, got ${show(v)}`);
      for (const k of Object.keys(v)) {
        if (names.includes(k)) continue;
        const near = closest(k, names);
        throw new TypeError(`${field}: unknown field '${k}'${near ? ` (did you mean '${near}'?)` : ''}; known: ${names.join(', ')}`);
      }
      for (const n of names) if (v[n] === undefined) throw new TypeError(`${field}.${n} is required`);
      check?.(v as Record<string, number>, field);
      s.encode(w, v, field);
    },
  };
}

/** struct ifla_bridge_id { u8 prio[2]; u8 addr[6]; }, printed as `ip -d` does: `8000.2e:e9:c5:33:19:b6`. */
const bridgeId: ValueCodec<string> = {
  sizes: [8],
  encode(_w, _v, field) {
    throw new TypeError(`${field} is read only`);
  },
  decode(b, off) {
    let s = b.toString('hex', off, off + 2) + '.';
    for (let i = 2; i < 8; i++) s += (i > 2 ? ':' : '') + b.toString('hex', off + i, off + i + 1);
    return s;
  },
};

/** A source port range (vxlan/geneve; the same layout in both). */
const portRange = whole(
  struct<{ low: number; high: number }>('ifla_vxlan_port_range', [
    ['low', 'be16', 'low'],
    ['high', 'be16', 'high'],
  ]),
);

/** A 64-bit value as 16 hex digits, byte for byte (macsec SCI: MAC address + port, network order). */
const hex64: ValueCodec<string> = {
  sizes: [8],
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
    sizes: [8],
    encode(w, v, field) {
      if (typeof v === 'bigint' && (v < 0n || v > 0xffffffffffffffffn)) throw new RangeError(`${field} must be in 0..2^64-1, got ${v}`);
      const n = typeof v === 'bigint' ? v : typeof v === 'string' && Object.hasOwn(names, v) ? names[v as N] : undefined;
      if (n === undefined) {
        const near = typeof v === 'string' ? closest(v, Object.keys(names)) : undefined;
        throw new TypeError(`${field} must be one of ${Object.keys(names).join(', ')} (or a BigInt), got ${show(v)}${near ? ` (did you mean '${near}'?)` : ''}`);
      }
      w.u64(n);
    },
    decode(b, off) {
      const n = LE ? b.readBigUInt64LE(off) : b.readBigUInt64BE(off);
      return byValue.get(n) ?? n;
    },
  };
}

const qosMapping = struct<{ from: number; to: number }>('ifla_vlan_qos_mapping', [
  ['from', 'u32', 'from'],
  ['to', 'u32', 'to'],
]);
/**
 * IFLA_VLAN_{EGRESS,INGRESS}_QOS: a list of IFLA_VLAN_QOS_MAPPING, each a
 * struct ifla_vlan_qos_mapping. One side is a 3-bit VLAN priority (the
 * kernel keeps only those bits): `to` on egress, `from` on ingress.
 */
const qosMap = (prio: 'from' | 'to') =>
  members(
    whole(qosMapping, (v, field) => {
      if (Number.isInteger(v[prio]) && (v[prio] < 0 || v[prio] > 7)) throw new RangeError(`${field}.${prio} must be a VLAN priority in 0..7, got ${v[prio]}`);
    }),
    { id: 1, uapi: 'IFLA_VLAN_QOS_MAPPING' },
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

/**
 * `fields` with the defaults of `order` filled in, keys in iproute2's order:
 * first the given fields `order` does not name (iproute2 writes those while it
 * parses the words), then each key of `order` (the given value, else the
 * default; `undefined` as default: only when given).
 */
function ordered(fields: Record<string, unknown>, order: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const named = new Set(order.map(([k]) => k));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(fields)) if (!named.has(k) && fields[k] !== undefined) out[k] = fields[k];
  for (const [k, d] of order) {
    const v = fields[k] !== undefined ? fields[k] : d;
    if (v !== undefined) out[k] = v;
  }
  return out;
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
  peer?: VethPeer;
}

/**
 * What the peer of a new veth/vxcan pair takes: a name, the attributes the
 * kernel applies to a link it creates, and `netns`. Not `alias`, `protoDown`
 * or `targetNetnsid` (the kernel ignores them on a peer).
 */
export type VethPeer = Omit<LinkPeer, 'name' | 'alias' | 'protoDown' | 'targetNetnsid'> & { name: string };

/** `ip link add NAME type vxcan peer name PEER` (linux/can/vxcan.h): a CAN tunnel pair. */
export type VxcanInfo = VethInfo;

/** VETH_INFO_PEER / VXCAN_INFO_PEER: a whole ifinfomsg with link attributes, written by link.ts (`beginNest`). */
const peerTable = (kind: string, uapi: string) =>
  attrs<VethInfo>(kind, {
    peer: {
      id: 1,
      uapi,
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
  /** `stp_state`: 0 off, 1 on; reads back 1 (kernel STP) or 2 (user-space STP, when the kernel's helper runs one). */
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
  /** `vlan_default_pvid` (1–4094; 0 none). */
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
const boolopt = struct<{ flags: number; mask: number }>('br_boolopt_multi', [
  ['flags', 'u32', 'optval'],
  ['mask', 'u32', 'optmask'],
]);

const ethProto = enumOf(t.be16, { '802.1Q': 0x8100, '802.1ad': 0x88a8 });
const on = t.bool;

const bridge: KindSpec = {
  data: attrs<BridgeInfo & { multiBoolopt: unknown }>('bridge', {
    forwardDelay: [1, t.u32, 'IFLA_BR_FORWARD_DELAY'],
    helloTime: [2, t.u32, 'IFLA_BR_HELLO_TIME'],
    maxAge: [3, t.u32, 'IFLA_BR_MAX_AGE'],
    ageingTime: [4, t.u32, 'IFLA_BR_AGEING_TIME'],
    stpState: [5, within(t.u32, 0, 1), 'IFLA_BR_STP_STATE'],
    priority: [6, t.u16, 'IFLA_BR_PRIORITY'],
    vlanFiltering: [7, on, 'IFLA_BR_VLAN_FILTERING'],
    vlanProtocol: [8, ethProto, 'IFLA_BR_VLAN_PROTOCOL'],
    groupFwdMask: [9, t.u16, 'IFLA_BR_GROUP_FWD_MASK'],
    rootId: [10, bridgeId, 'IFLA_BR_ROOT_ID'],
    bridgeId: [11, bridgeId, 'IFLA_BR_BRIDGE_ID'],
    rootPort: [12, readOnly(t.u16), 'IFLA_BR_ROOT_PORT'],
    rootPathCost: [13, readOnly(t.u32), 'IFLA_BR_ROOT_PATH_COST'],
    topologyChange: [14, readOnly(t.u8), 'IFLA_BR_TOPOLOGY_CHANGE'],
    topologyChangeDetected: [15, readOnly(t.u8), 'IFLA_BR_TOPOLOGY_CHANGE_DETECTED'],
    helloTimer: [16, readOnly(t.u64), 'IFLA_BR_HELLO_TIMER'],
    tcnTimer: [17, readOnly(t.u64), 'IFLA_BR_TCN_TIMER'],
    topologyChangeTimer: [18, readOnly(t.u64), 'IFLA_BR_TOPOLOGY_CHANGE_TIMER'],
    gcTimer: [19, readOnly(t.u64), 'IFLA_BR_GC_TIMER'],
    groupAddr: [20, ether, 'IFLA_BR_GROUP_ADDR'],
    fdbFlush: [21, t.flag, 'IFLA_BR_FDB_FLUSH'],
    mcastRouter: [22, within(t.u8, 0, 2), 'IFLA_BR_MCAST_ROUTER'],
    mcastSnooping: [23, on, 'IFLA_BR_MCAST_SNOOPING'],
    mcastQueryUseIfaddr: [24, on, 'IFLA_BR_MCAST_QUERY_USE_IFADDR'],
    mcastQuerier: [25, on, 'IFLA_BR_MCAST_QUERIER'],
    mcastHashElasticity: [26, t.u32, 'IFLA_BR_MCAST_HASH_ELASTICITY'],
    mcastHashMax: [27, t.u32, 'IFLA_BR_MCAST_HASH_MAX'],
    mcastLastMemberCnt: [28, t.u32, 'IFLA_BR_MCAST_LAST_MEMBER_CNT'],
    mcastStartupQueryCnt: [29, t.u32, 'IFLA_BR_MCAST_STARTUP_QUERY_CNT'],
    mcastLastMemberIntvl: [30, t.u64, 'IFLA_BR_MCAST_LAST_MEMBER_INTVL'],
    mcastMembershipIntvl: [31, t.u64, 'IFLA_BR_MCAST_MEMBERSHIP_INTVL'],
    mcastQuerierIntvl: [32, t.u64, 'IFLA_BR_MCAST_QUERIER_INTVL'],
    mcastQueryIntvl: [33, t.u64, 'IFLA_BR_MCAST_QUERY_INTVL'],
    mcastQueryResponseIntvl: [34, t.u64, 'IFLA_BR_MCAST_QUERY_RESPONSE_INTVL'],
    mcastStartupQueryIntvl: [35, t.u64, 'IFLA_BR_MCAST_STARTUP_QUERY_INTVL'],
    nfCallIptables: [36, on, 'IFLA_BR_NF_CALL_IPTABLES'],
    nfCallIp6tables: [37, on, 'IFLA_BR_NF_CALL_IP6TABLES'],
    nfCallArptables: [38, on, 'IFLA_BR_NF_CALL_ARPTABLES'],
    vlanDefaultPvid: [39, within(t.u16, 0, 4094), 'IFLA_BR_VLAN_DEFAULT_PVID'],
    vlanStatsEnabled: [41, on, 'IFLA_BR_VLAN_STATS_ENABLED'],
    mcastStatsEnabled: [42, on, 'IFLA_BR_MCAST_STATS_ENABLED'],
    mcastIgmpVersion: [43, within(t.u8, 2, 3), 'IFLA_BR_MCAST_IGMP_VERSION'],
    mcastMldVersion: [44, within(t.u8, 1, 2), 'IFLA_BR_MCAST_MLD_VERSION'],
    vlanStatsPerPort: [45, on, 'IFLA_BR_VLAN_STATS_PER_PORT'],
    multiBoolopt: [46, boolopt, 'IFLA_BR_MULTI_BOOLOPT'],
  }, { IFLA_BR_PAD: 40,
    // reported, not decoded (state and counters `ip -d` shows elsewhere; 48/49 newer than the headers here)
    IFLA_BR_MCAST_QUERIER_STATE: 47, IFLA_BR_FDB_N_LEARNED: 48, IFLA_BR_FDB_MAX_LEARNED: 49,
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
    state: [1, enumOf(t.u8, { disabled: 0, listening: 1, learning: 2, forwarding: 3, blocking: 4 }), 'IFLA_BRPORT_STATE'],
    priority: [2, t.u16, 'IFLA_BRPORT_PRIORITY'],
    cost: [3, t.u32, 'IFLA_BRPORT_COST'],
    hairpin: [4, on, 'IFLA_BRPORT_MODE'],
    guard: [5, on, 'IFLA_BRPORT_GUARD'],
    rootBlock: [6, on, 'IFLA_BRPORT_PROTECT'],
    fastleave: [7, on, 'IFLA_BRPORT_FAST_LEAVE'],
    learning: [8, on, 'IFLA_BRPORT_LEARNING'],
    flood: [9, on, 'IFLA_BRPORT_UNICAST_FLOOD'],
    proxyArp: [10, on, 'IFLA_BRPORT_PROXYARP'],
    learningSync: [11, on, 'IFLA_BRPORT_LEARNING_SYNC'],
    proxyArpWifi: [12, on, 'IFLA_BRPORT_PROXYARP_WIFI'],
    rootId: [13, bridgeId, 'IFLA_BRPORT_ROOT_ID'],
    bridgeId: [14, bridgeId, 'IFLA_BRPORT_BRIDGE_ID'],
    designatedPort: [15, readOnly(t.u16), 'IFLA_BRPORT_DESIGNATED_PORT'],
    designatedCost: [16, readOnly(t.u16), 'IFLA_BRPORT_DESIGNATED_COST'],
    id: [17, readOnly(t.u16), 'IFLA_BRPORT_ID'],
    no: [18, readOnly(t.u16), 'IFLA_BRPORT_NO'],
    topologyChangeAck: [19, readOnly(t.u8), 'IFLA_BRPORT_TOPOLOGY_CHANGE_ACK'],
    configPending: [20, readOnly(t.u8), 'IFLA_BRPORT_CONFIG_PENDING'],
    messageAgeTimer: [21, readOnly(t.u64), 'IFLA_BRPORT_MESSAGE_AGE_TIMER'],
    forwardDelayTimer: [22, readOnly(t.u64), 'IFLA_BRPORT_FORWARD_DELAY_TIMER'],
    holdTimer: [23, readOnly(t.u64), 'IFLA_BRPORT_HOLD_TIMER'],
    flush: [24, t.flag, 'IFLA_BRPORT_FLUSH'],
    multicastRouter: [25, within(t.u8, 0, 3), 'IFLA_BRPORT_MULTICAST_ROUTER'],
    mcastFlood: [27, on, 'IFLA_BRPORT_MCAST_FLOOD'],
    mcastToUnicast: [28, on, 'IFLA_BRPORT_MCAST_TO_UCAST'],
    vlanTunnel: [29, on, 'IFLA_BRPORT_VLAN_TUNNEL'],
    bcastFlood: [30, on, 'IFLA_BRPORT_BCAST_FLOOD'],
    groupFwdMask: [31, t.u16, 'IFLA_BRPORT_GROUP_FWD_MASK'],
    neighSuppress: [32, on, 'IFLA_BRPORT_NEIGH_SUPPRESS'],
    isolated: [33, on, 'IFLA_BRPORT_ISOLATED'],
    backupPort: [34, t.u32, 'IFLA_BRPORT_BACKUP_PORT'],
    mcastEhtHostsLimit: [37, t.u32, 'IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT'],
    mcastEhtHostsCnt: [38, readOnly(t.u32), 'IFLA_BRPORT_MCAST_EHT_HOSTS_CNT'],
    locked: [39, on, 'IFLA_BRPORT_LOCKED'],
    mab: [40, on, 'IFLA_BRPORT_MAB'],
    mcastNGroups: [41, readOnly(t.u32), 'IFLA_BRPORT_MCAST_N_GROUPS'],
    mcastMaxGroups: [42, t.u32, 'IFLA_BRPORT_MCAST_MAX_GROUPS'],
    neighVlanSuppress: [43, on, 'IFLA_BRPORT_NEIGH_VLAN_SUPPRESS'],
    backupNhid: [44, t.u32, 'IFLA_BRPORT_BACKUP_NHID'],
  }, { IFLA_BRPORT_PAD: 26,
    // MRP ring state, reported on every port, not decoded
    IFLA_BRPORT_MRP_RING_OPEN: 35, IFLA_BRPORT_MRP_IN_OPEN: 36,
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
    mode: [1, enumOf(t.u32, { private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 }), 'IFLA_MACVLAN_MODE'],
    flags: [2, flagsOf(t.u16, { nopromisc: 1, nodst: 2 }), 'IFLA_MACVLAN_FLAGS'],
    macaddrMode: { id: 3, uapi: 'IFLA_MACVLAN_MACADDR_MODE', codec: enumOf(t.u32, { add: 0, del: 1, flush: 2, set: 3 }), writeOnly: true },
    macaddr: { id: 4, uapi: 'IFLA_MACVLAN_MACADDR', codec: ether, writeOnly: true },
    macaddrData: [5, members(ether, { id: 4, uapi: 'IFLA_MACVLAN_MACADDR' }), 'IFLA_MACVLAN_MACADDR_DATA'],
    macaddrCount: [6, readOnly(t.u32), 'IFLA_MACVLAN_MACADDR_COUNT'],
    bcqueuelen: [7, t.u32, 'IFLA_MACVLAN_BC_QUEUE_LEN'],
    usedbcqueuelen: [8, readOnly(t.u32), 'IFLA_MACVLAN_BC_QUEUE_LEN_USED'],
    bclim: [9, t.s32, 'IFLA_MACVLAN_BC_CUTOFF'],
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
  /** `flowlabel` (20 bits). */
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
    id: [1, t.u32, 'IFLA_VXLAN_ID'],
    group: [2, ipv4, 'IFLA_VXLAN_GROUP'],
    remote: { id: 2, uapi: 'IFLA_VXLAN_GROUP', codec: ipv4, writeOnly: true },
    dev: [3, t.u32, 'IFLA_VXLAN_LINK'],
    local: [4, ipv4, 'IFLA_VXLAN_LOCAL'],
    ttl: [5, t.u8, 'IFLA_VXLAN_TTL'],
    tos: [6, t.u8, 'IFLA_VXLAN_TOS'],
    learning: [7, on, 'IFLA_VXLAN_LEARNING'],
    ageing: [8, t.u32, 'IFLA_VXLAN_AGEING'],
    limit: [9, t.u32, 'IFLA_VXLAN_LIMIT'],
    portRange: [10, portRange, 'IFLA_VXLAN_PORT_RANGE'],
    proxy: [11, on, 'IFLA_VXLAN_PROXY'],
    rsc: [12, on, 'IFLA_VXLAN_RSC'],
    l2miss: [13, on, 'IFLA_VXLAN_L2MISS'],
    l3miss: [14, on, 'IFLA_VXLAN_L3MISS'],
    dstport: [15, t.be16, 'IFLA_VXLAN_PORT'],
    group6: [16, ipv6, 'IFLA_VXLAN_GROUP6'],
    remote6: { id: 16, uapi: 'IFLA_VXLAN_GROUP6', codec: ipv6, writeOnly: true },
    local6: [17, ipv6, 'IFLA_VXLAN_LOCAL6'],
    udpCsum: [18, on, 'IFLA_VXLAN_UDP_CSUM'],
    udpZeroCsum6Tx: [19, on, 'IFLA_VXLAN_UDP_ZERO_CSUM6_TX'],
    udpZeroCsum6Rx: [20, on, 'IFLA_VXLAN_UDP_ZERO_CSUM6_RX'],
    remcsumTx: [21, on, 'IFLA_VXLAN_REMCSUM_TX'],
    remcsumRx: [22, on, 'IFLA_VXLAN_REMCSUM_RX'],
    gbp: [23, t.flag, 'IFLA_VXLAN_GBP'],
    remcsumNopartial: [24, t.flag, 'IFLA_VXLAN_REMCSUM_NOPARTIAL'],
    external: [25, on, 'IFLA_VXLAN_COLLECT_METADATA'],
    label: [26, within(t.be32, 0, 0xfffff), 'IFLA_VXLAN_LABEL'],
    gpe: [27, t.flag, 'IFLA_VXLAN_GPE'],
    ttlInherit: [28, t.flag, 'IFLA_VXLAN_TTL_INHERIT'],
    df: [29, dfMode, 'IFLA_VXLAN_DF'],
    vnifilter: [30, on, 'IFLA_VXLAN_VNIFILTER'],
    localbypass: [31, on, 'IFLA_VXLAN_LOCALBYPASS'],
  }, {
    // reported on every vxlan, not decoded (newer than the headers and the specs here: linux/if_link.h of 6.13+)
    IFLA_VXLAN_LABEL_POLICY: 32, IFLA_VXLAN_RESERVED_BITS: 33,
  }),
  required: ['id'],
  requiredUnless: ['external', 'vnifilter'],
  linkFields: ['dev'],
  defaults(o) {
    // `ip link add … type vxlan …` sends `learning` (off with `external`), and dstport 4790 with `gpe`;
    // `dstport 0` (the kernel's default port) it leaves out.
    const port = o.dstport === 0 ? undefined : (o.dstport ?? (o.gpe ? 4790 : undefined));
    return ordered({ ...o, dstport: port }, [
      ['id', undefined],
      ['local', undefined],
      ['local6', undefined],
      ['group', undefined],
      ['remote', undefined],
      ['group6', undefined],
      ['remote6', undefined],
      ['learning', !o.external],
      ['dstport', undefined],
    ]);
  },
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
  /** `id` — the VNI (0–16777215). */
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
    id: [1, within(t.u32, 0, 0xffffff), 'IFLA_GENEVE_ID'],
    remote: [2, ipv4, 'IFLA_GENEVE_REMOTE'],
    ttl: [3, t.u8, 'IFLA_GENEVE_TTL'],
    tos: [4, t.u8, 'IFLA_GENEVE_TOS'],
    dstport: [5, t.be16, 'IFLA_GENEVE_PORT'],
    external: [6, t.flag, 'IFLA_GENEVE_COLLECT_METADATA'],
    remote6: [7, ipv6, 'IFLA_GENEVE_REMOTE6'],
    udpCsum: [8, on, 'IFLA_GENEVE_UDP_CSUM'],
    udpZeroCsum6Tx: [9, on, 'IFLA_GENEVE_UDP_ZERO_CSUM6_TX'],
    udpZeroCsum6Rx: [10, on, 'IFLA_GENEVE_UDP_ZERO_CSUM6_RX'],
    label: [11, within(t.be32, 0, 0xfffff), 'IFLA_GENEVE_LABEL'],
    ttlInherit: [12, on, 'IFLA_GENEVE_TTL_INHERIT'],
    df: [13, dfMode, 'IFLA_GENEVE_DF'],
    innerProtoInherit: [14, t.flag, 'IFLA_GENEVE_INNER_PROTO_INHERIT'],
    portRange: [15, portRange, 'IFLA_GENEVE_PORT_RANGE'],
  }),
  required: ['id'],
  requiredUnless: ['external'],
  defaults(o) {
    // `ip link add … type geneve …` sends the VNI (0 with `external`), flow label, ttl and tos; not `dstport 0`.
    if (o.dstport === 0) o = { ...o, dstport: undefined };
    return ordered(o, [
      ['id', 0],
      ['remote', undefined],
      ['remote6', undefined],
      ['label', 0],
      ['ttl', 0],
      ['tos', 0],
      ['dstport', undefined],
      ['external', undefined],
      ['innerProtoInherit', undefined],
      ['udpCsum', undefined],
      ['udpZeroCsum6Tx', undefined],
      ['udpZeroCsum6Rx', undefined],
    ]);
  },
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
  /** `id` (0–4094). */
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

const vlanFlags = struct<{ flags: number; mask: number }>('ifla_vlan_flags', [
  ['flags', 'u32', 'flags'],
  ['mask', 'u32', 'mask'],
]);
const VLAN_FLAG = { reorderHdr: 0x1, gvrp: 0x2, looseBinding: 0x4, mvrp: 0x8, bridgeBinding: 0x10 };

const vlan: KindSpec = {
  data: attrs<Record<string, unknown>>('vlan', {
    id: [1, t.u16, 'IFLA_VLAN_ID'],
    flags: [2, vlanFlags, 'IFLA_VLAN_FLAGS'],
    egressQos: [3, qosMap('to'), 'IFLA_VLAN_EGRESS_QOS'],
    ingressQos: [4, qosMap('from'), 'IFLA_VLAN_INGRESS_QOS'],
    protocol: [5, ethProto, 'IFLA_VLAN_PROTOCOL'],
  }),
  required: ['id'],
  pre(info, where) {
    // VLAN_VID_MASK (4095) itself is reserved: the kernel refuses it.
    if (typeof info.id === 'number' && info.id > 4094) throw new RangeError(`${where}.id must be in 0..4094, got ${String(info.id)}`);
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
    mode: [1, enumOf(t.u16, { l2: 0, l3: 1, l3s: 2 }), 'IFLA_IPVLAN_MODE'],
    flags: [2, enumOf(t.u16, { bridge: 0, private: 1, vepa: 2 }), 'IFLA_IPVLAN_FLAGS'],
  }),
  // `ip link add … type ipvlan …` always sends the flags (bridge: 0).
  defaults: (o) => ordered(o, [['mode', undefined], ['flags', 0]]),
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
    mode: [1, enumOf(t.u8, { 'balance-rr': 0, 'active-backup': 1, 'balance-xor': 2, broadcast: 3, '802.3ad': 4, 'balance-tlb': 5, 'balance-alb': 6 }), 'IFLA_BOND_MODE'],
    activeSlave: [2, t.u32, 'IFLA_BOND_ACTIVE_SLAVE'],
    miimon: [3, t.u32, 'IFLA_BOND_MIIMON'],
    updelay: [4, t.u32, 'IFLA_BOND_UPDELAY'],
    downdelay: [5, t.u32, 'IFLA_BOND_DOWNDELAY'],
    useCarrier: [6, on, 'IFLA_BOND_USE_CARRIER'],
    arpInterval: [7, t.u32, 'IFLA_BOND_ARP_INTERVAL'],
    arpIpTarget: [8, members(ipv4), 'IFLA_BOND_ARP_IP_TARGET'],
    arpValidate: [9, enumOf(t.u32, { none: 0, active: 1, backup: 2, all: 3, filter: 4, filter_active: 5, filter_backup: 6 }), 'IFLA_BOND_ARP_VALIDATE'],
    arpAllTargets: [10, enumOf(t.u32, { any: 0, all: 1 }), 'IFLA_BOND_ARP_ALL_TARGETS'],
    primary: [11, t.u32, 'IFLA_BOND_PRIMARY'],
    primaryReselect: [12, enumOf(t.u8, { always: 0, better: 1, failure: 2 }), 'IFLA_BOND_PRIMARY_RESELECT'],
    failOverMac: [13, enumOf(t.u8, { none: 0, active: 1, follow: 2 }), 'IFLA_BOND_FAIL_OVER_MAC'],
    xmitHashPolicy: [14, enumOf(t.u8, { layer2: 0, 'layer3+4': 1, 'layer2+3': 2, 'encap2+3': 3, 'encap3+4': 4, 'vlan+srcmac': 5 }), 'IFLA_BOND_XMIT_HASH_POLICY'],
    resendIgmp: [15, t.u32, 'IFLA_BOND_RESEND_IGMP'],
    numPeerNotif: [16, t.u8, 'IFLA_BOND_NUM_PEER_NOTIF'],
    allSlavesActive: [17, on, 'IFLA_BOND_ALL_SLAVES_ACTIVE'],
    minLinks: [18, t.u32, 'IFLA_BOND_MIN_LINKS'],
    lpInterval: [19, t.u32, 'IFLA_BOND_LP_INTERVAL'],
    packetsPerSlave: [20, t.u32, 'IFLA_BOND_PACKETS_PER_SLAVE'],
    adLacpRate: [21, enumOf(t.u8, { slow: 0, fast: 1 }), 'IFLA_BOND_AD_LACP_RATE'],
    adSelect: [22, enumOf(t.u8, { stable: 0, bandwidth: 1, count: 2 }), 'IFLA_BOND_AD_SELECT'],
    adInfo: {
      id: 23,
      uapi: 'IFLA_BOND_AD_INFO',
      nest: attrs('bond_ad_info', {
        aggregator: [1, t.u16, 'IFLA_BOND_AD_INFO_AGGREGATOR'],
        numPorts: [2, t.u16, 'IFLA_BOND_AD_INFO_NUM_PORTS'],
        actorKey: [3, t.u16, 'IFLA_BOND_AD_INFO_ACTOR_KEY'],
        partnerKey: [4, t.u16, 'IFLA_BOND_AD_INFO_PARTNER_KEY'],
        partnerMac: [5, t.mac, 'IFLA_BOND_AD_INFO_PARTNER_MAC'],
      }),
    },
    adActorSysPrio: [24, t.u16, 'IFLA_BOND_AD_ACTOR_SYS_PRIO'],
    adUserPortKey: [25, t.u16, 'IFLA_BOND_AD_USER_PORT_KEY'],
    adActorSystem: [26, ether, 'IFLA_BOND_AD_ACTOR_SYSTEM'],
    tlbDynamicLb: [27, on, 'IFLA_BOND_TLB_DYNAMIC_LB'],
    peerNotifyDelay: [28, t.u32, 'IFLA_BOND_PEER_NOTIF_DELAY'],
    adLacpActive: [29, on, 'IFLA_BOND_AD_LACP_ACTIVE'],
    arpMissedMax: [30, t.u8, 'IFLA_BOND_MISSED_MAX'],
    nsIp6Target: [31, members(ipv6), 'IFLA_BOND_NS_IP6_TARGET'],
    coupledControl: [32, on, 'IFLA_BOND_COUPLED_CONTROL'],
  }),
  linkFields: ['activeSlave', 'primary'],
  readOnly: ['adInfo'],
  pre(info, where) {
    // A nest the kernel reports but ignores when sent.
    if (info.adInfo !== undefined) throw new TypeError(`${where}.adInfo is read only`);
    return info;
  },
  slaveData: attrs<BondSlaveInfo>('bond_slave', {
    state: [1, readOnly(enumOf(t.u8, { ACTIVE: 0, BACKUP: 1 })), 'IFLA_BOND_SLAVE_STATE'],
    miiStatus: [2, readOnly(enumOf(t.u8, { UP: 0, FAIL: 1, DOWN: 2, BACK: 3 })), 'IFLA_BOND_SLAVE_MII_STATUS'],
    linkFailureCount: [3, readOnly(t.u32), 'IFLA_BOND_SLAVE_LINK_FAILURE_COUNT'],
    permHwaddr: [4, readOnly(t.mac), 'IFLA_BOND_SLAVE_PERM_HWADDR'],
    queueId: [5, t.u16, 'IFLA_BOND_SLAVE_QUEUE_ID'],
    adAggregatorId: [6, readOnly(t.u16), 'IFLA_BOND_SLAVE_AD_AGGREGATOR_ID'],
    adActorOperPortState: [7, readOnly(t.u8), 'IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE'],
    adPartnerOperPortState: [8, readOnly(t.u16), 'IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE'],
    prio: [9, t.s32, 'IFLA_BOND_SLAVE_PRIO'],
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
    sci: [1, hex64, 'IFLA_MACSEC_SCI'],
    port: { id: 2, uapi: 'IFLA_MACSEC_PORT', codec: t.be16, writeOnly: true },
    icvLen: [3, within(t.u8, 8, 16), 'IFLA_MACSEC_ICV_LEN'],
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
      'IFLA_MACSEC_CIPHER_SUITE',
    ],
    window: [5, t.u32, 'IFLA_MACSEC_WINDOW'],
    encodingSa: [6, within(t.u8, 0, 3), 'IFLA_MACSEC_ENCODING_SA'],
    encrypt: [7, on, 'IFLA_MACSEC_ENCRYPT'],
    protect: [8, on, 'IFLA_MACSEC_PROTECT'],
    sendSci: [9, on, 'IFLA_MACSEC_INC_SCI'],
    endStation: [10, on, 'IFLA_MACSEC_ES'],
    scb: [11, on, 'IFLA_MACSEC_SCB'],
    replay: [12, on, 'IFLA_MACSEC_REPLAY_PROTECT'],
    validate: [13, enumOf(t.u8, { disabled: 0, check: 1, strict: 2 }), 'IFLA_MACSEC_VALIDATION'],
    offload: [15, enumOf(t.u8, { off: 0, phy: 1, mac: 2 }), 'IFLA_MACSEC_OFFLOAD'],
  }, { IFLA_MACSEC_PAD: 14 }),
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
  /**
   * `external` (collect metadata: the tunnel of each packet comes from its
   * metadata). On `link.add`, as with `ip`, the other options are then not
   * sent (the IPIP/SIT/ip6tnl `mode` excepted).
   */
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
export interface Ip6greInfo extends TunnelCommon, GreKeys, ErspanOptions {
  /** `encaplimit`. */
  encapLimit?: number;
  /** `flowlabel`/`tclass` as the raw flowinfo word. */
  flowinfo?: number;
  /** IP6_TNL_F_* flags. */
  flags?: number;
}

/**
 * ERSPAN options (IFLA_GRE_ERSPAN_*). `ip` sends `erspan_ver 1` for every
 * IPv6 GRE kind and for erspan; the IPv6 kinds report it back.
 */
export interface ErspanOptions {
  /** `erspan_ver 0|1|2` (default 1; 0 is plain GRE framing). */
  erspanVer?: 0 | 1 | 2 | number;
  /** `erspan IDX` — the version 1 session index (20 bits). */
  erspanIndex?: number;
  /** `erspan_dir ingress|egress` (version 2). */
  erspanDir?: 'ingress' | 'egress' | number;
  /** `erspan_hwid HWID` (version 2). */
  erspanHwid?: number;
}

/**
 * `type erspan remote ADDR local ADDR seq key N [erspan_ver 1 erspan IDX |
 * erspan_ver 2 erspan_dir ingress|egress erspan_hwid HWID] [external]`
 * (IFLA_GRE_*, IPv4): GRE keys and flags as {@link GreInfo}; the kernel wants
 * `seq` and a key (the session id, 10 bits) unless `external`.
 */
export interface ErspanInfo extends GreInfo, ErspanOptions {}

/** `type ip6erspan remote ADDR local ADDR seq key N [erspan_ver …] …` (IFLA_GRE_*, IPv6). */
export interface Ip6erspanInfo extends Ip6greInfo {}

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

/** Why an IP tunnel (not the Ethernet gretap kinds) takes no `address`: the kernel overwrites it when the link registers. */
const TUNNEL_ADDRESS = "its link-layer address is the tunnel's local address and its broadcast address the remote one (the kernel sets them from info.local and info.remote)";

const encapTypes = enumOf(t.u16, { none: 0, fou: 1, gue: 2, mpls: 3 });
const encapFlags = flagsOf(t.u16, { csum: 1, csum6: 2, remcsum: 4 });
const GRE_CSUM = 0x8000;
const GRE_KEY = 0x2000;
const GRE_SEQ = 0x1000;

const erspanDir = enumOf(t.u8, { ingress: 0, egress: 1 });

/** GRE kinds: gre, gretap, erspan (IPv4), ip6gre, ip6gretap, ip6erspan (IPv6). */
function greKind(kind: 'gre' | 'gretap' | 'erspan' | 'ip6gre' | 'ip6gretap' | 'ip6erspan'): KindSpec {
  const family = kind.startsWith('ip6') ? 'inet6' : 'inet';
  const ip = family === 'inet' ? ipv4 : ipv6;
  const v4Only = family === 'inet';
  // iproute2 sends (and the kernel's IPv6 GRE reports) the ERSPAN attributes for every IPv6 kind, for erspan only in IPv4.
  const withErspan = !v4Only || kind === 'erspan';
  const table: Record<string, unknown> = {
    dev: [1, t.u32, 'IFLA_GRE_LINK'],
    iflags: [2, t.be16, 'IFLA_GRE_IFLAGS'],
    oflags: [3, t.be16, 'IFLA_GRE_OFLAGS'],
    ikey: [4, t.be32, 'IFLA_GRE_IKEY'],
    okey: [5, t.be32, 'IFLA_GRE_OKEY'],
    local: [6, ip, 'IFLA_GRE_LOCAL'],
    remote: [7, ip, 'IFLA_GRE_REMOTE'],
    ttl: [8, t.u8, 'IFLA_GRE_TTL'],
    encapType: [14, encapTypes, 'IFLA_GRE_ENCAP_TYPE'],
    encapFlags: [15, encapFlags, 'IFLA_GRE_ENCAP_FLAGS'],
    encapSport: [16, t.be16, 'IFLA_GRE_ENCAP_SPORT'],
    encapDport: [17, t.be16, 'IFLA_GRE_ENCAP_DPORT'],
    external: [18, t.flag, 'IFLA_GRE_COLLECT_METADATA'],
    fwmark: [20, t.u32, 'IFLA_GRE_FWMARK'],
  };
  if (withErspan)
    Object.assign(table, {
      erspanIndex: [21, within(t.u32, 0, 0xfffff), 'IFLA_GRE_ERSPAN_INDEX'],
      erspanVer: [22, within(t.u8, 0, 2), 'IFLA_GRE_ERSPAN_VER'],
      erspanDir: [23, erspanDir, 'IFLA_GRE_ERSPAN_DIR'],
      erspanHwid: [24, t.u16, 'IFLA_GRE_ERSPAN_HWID'],
    });
  if (v4Only)
    Object.assign(table, {
      tos: [9, t.u8, 'IFLA_GRE_TOS'],
      pmtudisc: [10, on, 'IFLA_GRE_PMTUDISC'],
      ignoreDf: [19, on, 'IFLA_GRE_IGNORE_DF'],
    });
  else
    Object.assign(table, {
      encapLimit: [11, t.u8, 'IFLA_GRE_ENCAP_LIMIT'],
      flowinfo: [12, t.be32, 'IFLA_GRE_FLOWINFO'],
      flags: [13, t.u32, 'IFLA_GRE_FLAGS'],
    });
  /** iproute2's defaults and order (ip/link_gre.c, link_gre6.c): everything but local/remote/dev, unless `external`. */
  const defaults = (o: Record<string, unknown>): Record<string, unknown> => {
    // With `external` iproute2 sends nothing else: the kernel then takes each packet's tunnel from its metadata.
    if (o.external) return { external: true };
    const f = { ...o };
    // A multicast IPv4 remote is also the default key (`ip` does this for a broadcast tunnel).
    if (v4Only && typeof f.remote === 'string' && isMulticast(f.remote)) {
      const a = f.remote.split('.').reduce((n, x) => n * 256 + Number(x), 0);
      for (const d of ['i', 'o'] as const)
        if (!f[`${d}key`]) {
          f[`${d}key`] = a;
          f[`${d}flags`] = ((f[`${d}flags`] as number) ?? 0) | GRE_KEY;
        }
    }
    const ver = (f.erspanVer as number | undefined) ?? 1;
    const erspan: [string, unknown][] = !withErspan
      ? []
      : [
          ['erspanVer', ver],
          ['erspanIndex', ver === 1 && f.erspanIndex ? f.erspanIndex : undefined],
          ['erspanDir', ver === 2 ? 0 : undefined],
          ['erspanHwid', ver === 2 ? 0 : undefined],
        ];
    if (ver !== 1) delete f.erspanIndex;
    if (ver !== 2) {
      delete f.erspanDir;
      delete f.erspanHwid;
    }
    const order: [string, unknown][] = v4Only
      ? [
          ['ikey', 0], ['okey', 0], ['iflags', 0], ['oflags', 0], ['local', undefined], ['remote', undefined],
          ['pmtudisc', true], ['ignoreDf', undefined], ['tos', 0], ['dev', undefined], ['ttl', 0], ['fwmark', 0],
          ...erspan,
          ['encapType', 0], ['encapFlags', []], ['encapSport', 0], ['encapDport', 0],
        ]
      : [
          ['ikey', 0], ['okey', 0], ['iflags', 0], ['oflags', 0], ['local', undefined], ['remote', undefined],
          ['dev', undefined], ['ttl', 64], ['encapLimit', 4], ['flowinfo', 0], ['flags', 0], ['fwmark', 0],
          ...erspan,
          ['encapType', 0], ['encapFlags', ['csum6']], ['encapSport', 0], ['encapDport', 0],
        ];
    return ordered(f, order);
  };
  return {
    data: attrs<Record<string, unknown>>(kind, table as never),
    linkFields: ['dev'],
    mergeOnSet: true,
    noAddress: kind.endsWith('tap') || kind.endsWith('erspan') ? undefined : TUNNEL_ADDRESS,
    defaults,
    pre(info, where) {
      const o: Record<string, unknown> = { ...info };
      if (o.key !== undefined && !(typeof o.key === 'number' && Number.isInteger(o.key) && o.key >= 0 && o.key <= 0xffffffff))
        throw new (typeof o.key === 'number' ? RangeError : TypeError)(`${where}.key must be an integer in 0..4294967295, got ${show(o.key)}`);
      for (const b of ['csum', 'seq', 'icsum', 'ocsum', 'iseq', 'oseq'])
        if (o[b] !== undefined && typeof o[b] !== 'boolean') throw new TypeError(`${where}.${b} must be a boolean (true or false), got ${show(o[b])}`);
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
    dev: [1, t.u32, 'IFLA_IPTUN_LINK'],
    local: [2, ip, 'IFLA_IPTUN_LOCAL'],
    remote: [3, ip, 'IFLA_IPTUN_REMOTE'],
    ttl: [4, t.u8, 'IFLA_IPTUN_TTL'],
    mode: [9, enumOf(t.u8, modes[kind]), 'IFLA_IPTUN_PROTO'],
    encapType: [15, encapTypes, 'IFLA_IPTUN_ENCAP_TYPE'],
    encapFlags: [16, encapFlags, 'IFLA_IPTUN_ENCAP_FLAGS'],
    encapSport: [17, t.be16, 'IFLA_IPTUN_ENCAP_SPORT'],
    encapDport: [18, t.be16, 'IFLA_IPTUN_ENCAP_DPORT'],
    external: [19, t.flag, 'IFLA_IPTUN_COLLECT_METADATA'],
    fwmark: [20, t.u32, 'IFLA_IPTUN_FWMARK'],
  };
  if (kind === 'ip6tnl')
    Object.assign(table, {
      encapLimit: [6, t.u8, 'IFLA_IPTUN_ENCAP_LIMIT'],
      flowinfo: [7, t.be32, 'IFLA_IPTUN_FLOWINFO'],
      flags: [8, t.u32, 'IFLA_IPTUN_FLAGS'],
    });
  else
    Object.assign(table, {
      tos: [5, t.u8, 'IFLA_IPTUN_TOS'],
      pmtudisc: [10, on, 'IFLA_IPTUN_PMTUDISC'],
    });
  if (kind === 'sit')
    Object.assign(table, {
      isatap: [8, bool16, 'IFLA_IPTUN_FLAGS'],
      sixrdPrefix: [11, ipv6, 'IFLA_IPTUN_6RD_PREFIX'],
      sixrdRelayPrefix: [12, ipv4, 'IFLA_IPTUN_6RD_RELAY_PREFIX'],
      sixrdPrefixlen: [13, within(t.u16, 0, 128), 'IFLA_IPTUN_6RD_PREFIXLEN'],
      sixrdRelayPrefixlen: [14, within(t.u16, 0, 32), 'IFLA_IPTUN_6RD_RELAY_PREFIXLEN'],
    });
  /** iproute2's defaults and order (ip/link_iptnl.c, link_ip6tnl.c): the mode (`any`) always, the rest unless `external`. */
  const defaults = (o: Record<string, unknown>): Record<string, unknown> => {
    if (o.external) return { mode: o.mode ?? 0, external: true };
    const order: [string, unknown][] =
      kind === 'ip6tnl'
        ? [
            ['mode', 0], ['local', undefined], ['remote', undefined], ['ttl', 64], ['encapLimit', 4], ['flowinfo', 0], ['flags', 0],
            ['dev', 0], ['fwmark', 0], ['encapType', 0], ['encapFlags', ['csum6']], ['encapSport', 0], ['encapDport', 0],
          ]
        : [
            ['mode', 0], ['local', undefined], ['remote', undefined], ['pmtudisc', true], ['tos', 0], ['ttl', 0],
            ['dev', 0], ['fwmark', 0], ['encapType', 0], ['encapFlags', []], ['encapSport', 0], ['encapDport', 0],
          ];
    if (kind === 'sit')
      order.push(['isatap', false], ['sixrdPrefix', undefined], ['sixrdPrefixlen', undefined], ['sixrdRelayPrefix', undefined], ['sixrdRelayPrefixlen', undefined]);
    return ordered(o, order);
  };
  return {
    data: attrs<Record<string, unknown>>(kind, table as never),
    linkFields: ['dev'],
    mergeOnSet: true,
    post: dropZeroDev,
    noAddress: TUNNEL_ADDRESS,
    defaults,
  };
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

/** The kinds the library knows, by `IFLA_INFO_KIND` (no prototype: a kind named `constructor` is unknown). */
export const kinds: Record<string, KindSpec> = Object.assign(Object.create(null) as Record<string, KindSpec>, {
  veth: { data: peerTable('veth', 'VETH_INFO_PEER'), peer: true },
  // CAN links (ARPHRD_CAN) have no link-layer address.
  vxcan: { data: peerTable('vxcan', 'VXCAN_INFO_PEER'), peer: true, addrLen: 0 },
  bridge,
  macvlan: { ...macvlan, needsLink: true },
  macvtap: { ...macvlan, needsLink: true },
  vxlan,
  geneve,
  vlan: { ...vlan, needsLink: true },
  ipvlan: { ...ipvlan, needsLink: true },
  ipvtap: { ...ipvlan, needsLink: true },
  bond,
  macsec: { ...macsec, needsLink: true },
  vrf: {
    data: attrs<VrfInfo>('vrf', {
      table: [1, t.u32, 'IFLA_VRF_TABLE'],
    }),
    slaveData: attrs<VrfSlaveInfo>('vrf_slave', {
      table: [1, readOnly(t.u32), 'IFLA_VRF_PORT_TABLE'],
    }),
    required: ['table'],
  },
  ipoib: {
    // INFINIBAND_ALEN
    addrLen: 20,
    needsLink: true,
    data: attrs<IpoibInfo>('ipoib', {
      pkey: [1, t.u16, 'IFLA_IPOIB_PKEY'],
      mode: [2, enumOf(t.u16, { datagram: 0, connected: 1 }), 'IFLA_IPOIB_MODE'],
      umcast: [3, bool16, 'IFLA_IPOIB_UMCAST'],
    }),
  },
  gre: greKind('gre'),
  gretap: greKind('gretap'),
  erspan: greKind('erspan'),
  ip6gre: greKind('ip6gre'),
  ip6gretap: greKind('ip6gretap'),
  ip6erspan: greKind('ip6erspan'),
  ipip: iptunKind('ipip'),
  sit: iptunKind('sit'),
  ip6tnl: iptunKind('ip6tnl'),
  tun: {
    data: attrs<TunInfo>('tun', {
      owner: [1, t.u32, 'IFLA_TUN_OWNER'],
      group: [2, t.u32, 'IFLA_TUN_GROUP'],
      type: [3, enumOf(t.u8, { tun: 1, tap: 2 }), 'IFLA_TUN_TYPE'],
      pi: [4, on, 'IFLA_TUN_PI'],
      vnetHdr: [5, on, 'IFLA_TUN_VNET_HDR'],
      persist: [6, on, 'IFLA_TUN_PERSIST'],
      multiQueue: [7, on, 'IFLA_TUN_MULTI_QUEUE'],
      numQueues: [8, t.u32, 'IFLA_TUN_NUM_QUEUES'],
      numDisabledQueues: [9, t.u32, 'IFLA_TUN_NUM_DISABLED_QUEUES'],
    }),
    noCreate: 'tun/tap links are made with ioctl(TUNSETIFF) on /dev/net/tun, not over rtnetlink',
  },
  ifb: {},
  dummy: {},
  team: {},
  // ARPHRD_CAN, ARPHRD_NETLINK, ARPHRD_NONE: no link-layer address.
  vcan: { addrLen: 0 },
  nlmon: { addrLen: 0 },
  wireguard: { addrLen: 0 },
} satisfies Record<string, KindSpec>);

/** Names the kinds this library can create (for error messages). */
export const kindNames = (): string[] => Object.keys(kinds).filter((k) => !kinds[k].noCreate);

/** Writes IFLA_INFO_DATA for a kind: `pre` rewrites, on creation `defaults` fills in what `ip` sends, then the table encodes. */
export function encodeKindData(w: Writer, kind: string, info: Record<string, unknown>, where: string, create = false): void {
  const spec = kinds[kind];
  let o = spec.pre ? spec.pre(info, where) : info;
  if (create && spec.defaults) o = spec.defaults(o);
  spec.data!.encode(w, o, where);
}

// ---------------------------------------------------------------------------
// IFLA_LINKINFO

/** Where IFLA_INFO_DATA or IFLA_INFO_SLAVE_DATA lies in the buffer, until the kind says how to read it. */
interface Span {
  off: number;
  end: number;
}
const span: ValueCodec<Span> = {
  encode() {
    throw new Error('kind data is written by link.ts (beginNest)');
  },
  decode: (_b, off, len) => ({ off, end: off + len }),
};

/** IFLA_INFO_* (linux/if_link.h): the members of IFLA_LINKINFO. */
export const linkinfoAttrs = attrs<{ kind: string; info: Span; slaveKind: string; slaveInfo: Span }>('linkinfo', {
  kind: [1, t.chars, 'IFLA_INFO_KIND'],
  info: [2, span, 'IFLA_INFO_DATA'],
  slaveKind: [4, t.chars, 'IFLA_INFO_SLAVE_KIND'],
  slaveInfo: [5, span, 'IFLA_INFO_SLAVE_DATA'],
}, { IFLA_INFO_XSTATS: 3 }); // per-kind counters, not decoded

/** IFLA_LINKINFO decoded: the kind and its options, the port kind and its options. */
export interface LinkInfo {
  kind?: string;
  slaveKind?: string;
  info?: Record<string, unknown>;
  slaveInfo?: Record<string, unknown>;
  /** IFLA_INFO_* ids no table knows, payloads as hex (see {@link UnknownAttrs}). */
  linkinfoUnknown?: UnknownAttrs;
}

/**
 * Decodes a kind's data by the kind's table, then its `post`. A kind without
 * a table (one this library does not know, or one it only names) lists the
 * data the kernel sent as `{ raw: hex }`, as tc lists the options of kinds it
 * does not write; no data at all is `{}`.
 */
function kindData(b: Buffer, table: AttrTable<any> | undefined, post: ((info: Record<string, unknown>) => void) | undefined, s: Span | undefined, path: string): Record<string, unknown> {
  const info: Record<string, unknown> = {};
  if (table && s) {
    table.decode(b, s.off, s.end, info, path);
    post?.(info);
  } else if (s && s.end > s.off) info.raw = b.toString('hex', s.off, s.end);
  return info;
}

/** The codec of IFLA_LINKINFO: the kind first, then IFLA_INFO_DATA by that kind's table (likewise for the port kind). */
export const linkinfo: ValueCodec<LinkInfo> = {
  encode() {
    throw new Error('IFLA_LINKINFO is written by link.ts');
  },
  decode(b, off, len, at, name) {
    const path = pathOf(at, name);
    const raw = linkinfoAttrs.decode(b, off, off + len, undefined, path) as Decoded<{ kind: string; info: Span; slaveKind: string; slaveInfo: Span }>;
    const out: LinkInfo = {};
    if (raw.kind !== undefined) out.kind = raw.kind;
    if (raw.slaveKind !== undefined) out.slaveKind = raw.slaveKind;
    if (raw.kind !== undefined) {
      const spec = kinds[raw.kind];
      out.info = kindData(b, spec?.data, spec?.post, raw.info, pathOf(path, 'info'));
    }
    if (raw.slaveKind !== undefined) {
      const spec = kinds[raw.slaveKind];
      out.slaveInfo = kindData(b, spec?.slaveData, spec?.slavePost, raw.slaveInfo, pathOf(path, 'slaveInfo'));
    }
    if (raw.unknown !== undefined) out.linkinfoUnknown = raw.unknown;
    return out;
  },
};
