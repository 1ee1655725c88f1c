/**
 * The bridge messages' wire tables (`bridge link`, `bridge vlan`): what
 * RTM_SETLINK/RTM_DELLINK/RTM_GETLINK with ifi_family AF_BRIDGE carry in
 * IFLA_PROTINFO (the port's IFLA_BRPORT_* options, the same table as
 * `type bridge_slave`) and in IFLA_AF_SPEC (IFLA_BRIDGE_*, linux/if_bridge.h).
 * @module
 */
import { attrs, enumOf, struct, t, type AttrTable } from '../codec.js';
import { kinds, type BridgePortInfo } from './kinds.js';

/** IFLA_PROTINFO of an AF_BRIDGE link message: the port's IFLA_BRPORT_* (the `bridge_slave` table). */
export const brportAttrs = (): AttrTable<BridgePortInfo> => kinds.bridge.slaveData as AttrTable<BridgePortInfo>;

/** The IFLA_* of AF_BRIDGE link messages that the bridge calls write or read beside the link table. */
export const bridgeLinkAttrs = attrs<{ protinfo: BridgePortInfo; afSpec: Record<string, unknown> }>('bridge', {
  protinfo: { id: 12, uapi: 'IFLA_PROTINFO', nest: brportAttrs, nestedFlag: true },
  afSpec: { id: 26, uapi: 'IFLA_AF_SPEC', nest: () => bridgeAfAttrs },
});

/** BRIDGE_FLAGS_* (linux/if_bridge.h): which device a request is for. */
export const BRIDGE_FLAGS = { MASTER: 1, SELF: 2 } as const;

/** BRIDGE_VLAN_INFO_* (linux/if_bridge.h): the flags of struct bridge_vlan_info. */
export const BRIDGE_VLAN_INFO = { MASTER: 1, PVID: 2, UNTAGGED: 4, RANGE_BEGIN: 8, RANGE_END: 16, BRENTRY: 32, ONLY_OPTS: 64 } as const;

/** struct bridge_vlan_info (linux/if_bridge.h). */
export interface BridgeVlanInfo {
  flags: number;
  vid: number;
}
/** struct bridge_vlan_info: flags, then the VLAN id. */
export const bridgeVlanInfo = struct<BridgeVlanInfo>('bridge_vlan_info', [
  ['flags', 'u16', 'flags'],
  ['vid', 'u16', 'vid'],
]);

/** One IFLA_BRIDGE_VLAN_TUNNEL_INFO nest: a VLAN mapped to a tunnel id (`bridge vlan add … tunnel_info id N`). */
export interface BridgeVlanTunnel {
  id?: number;
  vid?: number;
  flags?: number;
}
/** IFLA_BRIDGE_VLAN_TUNNEL_* (linux/if_bridge.h). */
export const bridgeVlanTunnelAttrs = attrs<BridgeVlanTunnel>('vlan_tunnel', {
  id: [1, t.u32, 'IFLA_BRIDGE_VLAN_TUNNEL_ID'],
  vid: [2, t.u16, 'IFLA_BRIDGE_VLAN_TUNNEL_VID'],
  flags: [3, t.u16, 'IFLA_BRIDGE_VLAN_TUNNEL_FLAGS'],
});

/** `hwmode` (BRIDGE_MODE_*, linux/if_bridge.h). */
export const bridgeModes = { veb: 0, vepa: 1 } as const;

/**
 * IFLA_BRIDGE_* inside IFLA_AF_SPEC. VLAN_INFO and VLAN_TUNNEL_INFO repeat
 * (one per VLAN or range end): the bridge calls write and read them one by one.
 */
export const bridgeAfAttrs = attrs<{ flags: number; mode: keyof typeof bridgeModes | number; vlanInfo: BridgeVlanInfo; vlanTunnelInfo: BridgeVlanTunnel }>('af_spec', {
  flags: [0, t.u16, 'IFLA_BRIDGE_FLAGS'],
  mode: [1, enumOf(t.u16, bridgeModes), 'IFLA_BRIDGE_MODE'],
  vlanInfo: [2, bridgeVlanInfo, 'IFLA_BRIDGE_VLAN_INFO'],
  vlanTunnelInfo: { id: 3, uapi: 'IFLA_BRIDGE_VLAN_TUNNEL_INFO', nest: bridgeVlanTunnelAttrs },
});
