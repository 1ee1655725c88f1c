/**
 * Link kinds: one table entry per kind (`ip link add … type KIND …`). Each
 * entry's attribute table serves both `link.add`/`link.set` (IFLA_INFO_DATA)
 * and what `link.list` returns in `info`. Adding a kind is adding an entry here
 * and its option interface; numbers come from linux/if_link.h and friends.
 * @module
 */
import { AttrTable, attrs, enumOf, rd, t, type ValueCodec } from './codec.js';

/** How a kind's IFLA_INFO_DATA (and bridge-port style IFLA_INFO_SLAVE_DATA) is coded. */
export interface KindSpec {
  /** IFLA_INFO_DATA table; absent for kinds without options (ifb, dummy). */
  data?: AttrTable<any>;
  /** IFLA_INFO_SLAVE_DATA table for ports enslaved to a master of this kind. */
  slaveData?: AttrTable<any>;
  /** Options that must be given on add (checked before sending). */
  required?: readonly string[];
  /** Adjusts decoded info where one attribute means two things (vxlan group/remote). */
  post?(info: Record<string, unknown>): void;
}

/** Renames `from` to `to` when the decoded address is not multicast. */
function unicastAs(info: Record<string, unknown>, from: string, to: string): void {
  const a = info[from];
  if (typeof a !== 'string') return;
  const multicast = a.includes(':') ? a.toLowerCase().startsWith('ff') : Number(a.split('.')[0]) >= 224 && Number(a.split('.')[0]) < 240;
  if (multicast) return;
  delete info[from];
  if (a !== '0.0.0.0' && a !== '::') info[to] = a;
}

/** `ip link add … type veth peer name NAME …` (linux/veth.h). */
export interface VethInfo {
  /** The other end: `peer name NAME [address …] [mtu …] [netns …]`. */
  peer?: import('./link.js').LinkPeer;
}

/** `type bridge …` (IFLA_BR_*). Times are in the kernel's centiseconds, as `ip -d` prints them. */
export interface BridgeInfo {
  /** `forward_delay` (centiseconds). */
  forwardDelay?: number;
  /** `hello_time` (centiseconds). */
  helloTime?: number;
  /** `max_age` (centiseconds). */
  maxAge?: number;
  /** `ageing_time` (centiseconds). */
  ageingTime?: number;
  /** `stp_state` (0 off, 1 kernel STP, 2 user STP). */
  stpState?: number;
  /** `priority` (bridge priority). */
  priority?: number;
  /** `vlan_filtering` on/off. */
  vlanFiltering?: boolean;
  /** `vlan_protocol` 802.1Q or 802.1ad. */
  vlanProtocol?: '802.1Q' | '802.1ad' | number;
  /** `group_fwd_mask`. */
  groupFwdMask?: number;
  /** `vlan_default_pvid`. */
  vlanDefaultPvid?: number;
  /** `mcast_snooping` on/off. */
  mcastSnooping?: boolean;
  /** `mcast_querier` on/off. */
  mcastQuerier?: boolean;
  /** `vlan_stats_enabled`. */
  vlanStatsEnabled?: boolean;
  /** `group_address`. */
  groupAddress?: string;
  /** Read only: the bridge id `prio.mac`. */
  bridgeId?: string;
  /** Read only: the root bridge id. */
  rootId?: string;
}

/** Bridge port options (`ip link set DEV type bridge_slave …`, IFLA_BRPORT_*). */
export interface BridgePortInfo {
  /** `state` (0 disabled … 3 forwarding, 4 blocking). */
  state?: number;
  /** `priority`. */
  priority?: number;
  /** `cost`. */
  cost?: number;
  /** `guard` (BPDU guard). */
  guard?: boolean;
  /** `hairpin` mode. */
  hairpin?: boolean;
  /** `root_block`. */
  rootBlock?: boolean;
  /** `learning`. */
  learning?: boolean;
  /** `flood` (unicast flooding). */
  flood?: boolean;
  /** `proxy_arp`. */
  proxyArp?: boolean;
  /** `mcast_flood`. */
  mcastFlood?: boolean;
  /** `bcast_flood`. */
  bcastFlood?: boolean;
  /** `isolated`. */
  isolated?: boolean;
}

/** The modes of macvlan/macvtap (`mode private|vepa|bridge|passthru|source`). */
export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru' | 'source';

/** `type macvlan|macvtap mode …` (IFLA_MACVLAN_*). The lower device is the link's `link`. */
export interface MacvlanInfo {
  /** `mode`. */
  mode?: MacvlanMode | number;
  /** `nopromisc` and similar flags (MACVLAN_FLAG_*), as a number. */
  flags?: number;
  /** `bcqueuelen`. */
  bcqueuelen?: number;
}

/** `type vxlan id VNI …` (IFLA_VXLAN_*). The underlay device is `dev`. */
export interface VxlanInfo {
  /** `id` — the VNI (0–16777215). */
  id?: number;
  /** `group` — IPv4 multicast group (use `group6` for IPv6). */
  group?: string;
  /** `group` — IPv6 multicast group. */
  group6?: string;
  /** `remote` — IPv4 unicast peer. `group`/`remote` share one kernel attribute. */
  remote?: string;
  /** `remote` — IPv6 unicast peer. */
  remote6?: string;
  /** `local` — IPv4 source address. */
  local?: string;
  /** `local` — IPv6 source address. */
  local6?: string;
  /** `dev` — underlay link index. */
  dev?: number;
  /** `ttl`. */
  ttl?: number;
  /** `tos`. */
  tos?: number;
  /** `learning` / `nolearning`. */
  learning?: boolean;
  /** `ageing` (seconds). */
  ageing?: number;
  /** `maxaddress`. */
  limit?: number;
  /** `dstport` (UDP destination port). */
  dstport?: number;
  /** `proxy`. */
  proxy?: boolean;
  /** `rsc` (route short circuit). */
  rsc?: boolean;
  /** `l2miss`. */
  l2miss?: boolean;
  /** `l3miss`. */
  l3miss?: boolean;
  /** `udpcsum` / `noudpcsum`. */
  udpCsum?: boolean;
  /** `udp6zerocsumtx`. */
  udpZeroCsum6Tx?: boolean;
  /** `udp6zerocsumrx`. */
  udpZeroCsum6Rx?: boolean;
  /** `external` (collect metadata). */
  external?: boolean;
  /** `gbp`. */
  gbp?: boolean;
  /** `flowlabel`. */
  label?: number;
  /** `srcport MIN MAX`. */
  portRange?: { low: number; high: number };
}

/** `type vlan id ID [protocol 802.1Q|802.1ad]` (IFLA_VLAN_*). The parent is `link`. */
export interface VlanInfo {
  /** `id` (0–4095). */
  id?: number;
  /** `protocol`. */
  protocol?: '802.1Q' | '802.1ad' | number;
  /** `reorder_hdr`, `gvrp`, `mvrp`, `loose_binding` as VLAN_FLAG_* bits. */
  flags?: { flags: number; mask: number };
}

/** `type ipvlan|ipvtap mode l2|l3|l3s [bridge|private|vepa]` (IFLA_IPVLAN_*). */
export interface IpvlanInfo {
  /** `mode`. */
  mode?: 'l2' | 'l3' | 'l3s' | number;
  /** `bridge` (0), `private` (1), `vepa` (2) as IPVLAN_F_* bits. */
  flags?: number;
}

const macvlanModes = { private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 } as const;
const ethProto = enumOf(t.be16, { '802.1Q': 0x8100, '802.1ad': 0x88a8 });

/** struct ifla_bridge_id { u8 prio[2]; u8 addr[6]; } printed as `8000.aabbccddeeff`, as `ip -d` does. */
const bridgeId: ValueCodec<string> = {
  encode() {
    throw new TypeError('bridge ids are read only');
  },
  decode(b, off) {
    const hex = (i: number) => b.toString('hex', off + i, off + i + 1);
    return `${hex(0)}${hex(1)}.${b.toString('hex', off + 2, off + 8)}`;
  },
};

/** Reads a bool that the kernel stores as u8, accepting a boolean on input. */
const on = t.bool;

const macvlan = attrs<MacvlanInfo>('macvlan', {
  mode: [1, enumOf(t.u32, macvlanModes)],
  flags: [2, t.u16],
  bcqueuelen: [7, t.u32],
});

const ipvlan = attrs<IpvlanInfo>('ipvlan', {
  mode: [1, enumOf(t.u16, { l2: 0, l3: 1, l3s: 2 })],
  flags: [2, t.u16],
});

/** The kinds the library knows, by `IFLA_INFO_KIND`. */
export const kinds: Record<string, KindSpec> = {
  veth: {
    data: attrs<VethInfo>('veth', {
      peer: { id: 1, codec: { encode: (w, v, f) => peerCodec().encode(w, v, f), decode: (b, o, l) => peerCodec().decode(b, o, l) } },
    }),
  },
  bridge: {
    data: attrs<BridgeInfo>('bridge', {
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
      groupAddress: [20, t.mac],
      mcastSnooping: [23, on],
      mcastQuerier: [25, on],
      vlanDefaultPvid: [39, t.u16],
      vlanStatsEnabled: [41, on],
    }),
    slaveData: attrs<BridgePortInfo>('bridge_slave', {
      state: [1, t.u8],
      priority: [2, t.u16],
      cost: [3, t.u32],
      hairpin: [4, on],
      guard: [5, on],
      rootBlock: [6, on],
      learning: [8, on],
      flood: [9, on],
      proxyArp: [10, on],
      mcastFlood: [27, on],
      bcastFlood: [30, on],
      isolated: [33, on],
    }),
  },
  macvlan: { data: macvlan },
  macvtap: { data: macvlan },
  vxlan: {
    data: attrs<VxlanInfo>('vxlan', {
      id: [1, t.u32],
      group: [2, t.ip],
      remote: { id: 2, codec: t.ip, writeOnly: true },
      dev: [3, t.u32],
      local: [4, t.ip],
      ttl: [5, t.u8],
      tos: [6, t.u8],
      learning: [7, on],
      ageing: [8, t.u32],
      limit: [9, t.u32],
      portRange: [10, { encode: (w, v: { low: number; high: number }) => (w.be16(v.low), w.be16(v.high)), decode: (b, o) => ({ low: b.readUInt16BE(o), high: b.readUInt16BE(o + 2) }) }],
      proxy: [11, on],
      rsc: [12, on],
      l2miss: [13, on],
      l3miss: [14, on],
      dstport: [15, t.be16],
      group6: [16, t.ip],
      remote6: { id: 16, codec: t.ip, writeOnly: true },
      local6: [17, t.ip],
      udpCsum: [18, on],
      udpZeroCsum6Tx: [19, on],
      udpZeroCsum6Rx: [20, on],
      gbp: [23, t.flag],
      label: [26, t.be32],
      external: [25, on],
    }),
    required: ['id'],
    post(info) {
      unicastAs(info, 'group', 'remote');
      unicastAs(info, 'group6', 'remote6');
    },
  },
  vlan: {
    data: attrs<VlanInfo>('vlan', {
      id: [1, t.u16],
      flags: [2, { encode: (w, v: { flags: number; mask: number }) => (w.u32(v.flags), w.u32(v.mask)), decode: (b, o) => ({ flags: rd.u32(b, o), mask: rd.u32(b, o + 4) }) }],
      protocol: [5, ethProto],
    }),
    required: ['id'],
  },
  ipvlan: { data: ipvlan },
  ipvtap: { data: ipvlan },
  ifb: {},
  dummy: {},
};

let peer: ValueCodec<any> | undefined;
/** The veth peer: a nested ifinfomsg + IFLA attributes (set up by link.ts). */
function peerCodec(): ValueCodec<any> {
  if (!peer) throw new Error('link.ts did not register the veth peer codec');
  return peer;
}

/** Lets link.ts provide the nested-link codec without an import cycle. */
export function setPeerCodec(c: ValueCodec<any>): void {
  peer = c;
}

/** Names the kinds this library can create (for error messages). */
export const kindNames = (): string[] => Object.keys(kinds);
