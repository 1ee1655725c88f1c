/**
 * rtnetlink for Node: `ip link`, `ip addr`, `ip route`, `ip rule`, `ip neigh`,
 * `ip netns` and `tc` (qdiscs, classes, filters, actions) over a native
 * NETLINK_ROUTE socket, without forking.
 *
 * ```ts
 * import { open } from 'rtnetlink';
 * await using nl = await open();
 * await nl.link.add({ name: 'veth0', kind: 'veth', info: { peer: { name: 'veth1' } } });
 * await nl.link.set('veth0', { up: true });
 * console.log(await nl.link.list({ kind: 'veth' }));
 * ```
 * @module
 */
export { Handle, open, openSync, type OpenOptions, type SyncHandleFamilies } from './handle.js';
export type { CallOptions, CloseOptions } from './netlink.js';
export type * from './api.js';
export type { BatchTrace, RequestTrace } from './trace.js';

export { AbortError, ClosedError, DecodeError, NetlinkError, OutcomeUnknownError, TimeoutError, type ExtAck } from './errors.js';
export { monitor, type ListableFamily, type Monitor, type MonitorEvent, type MonitorFamily, type MonitorOptions, type MonitorPeerSnapshot, type MonitorSnapshot, type NotificationFlag } from './monitor.js';
export { waitFor, type WaitForOptions, type WaitObject } from './wait.js';
export { watch, Watch, type WatchChange, type WatchDrift, type WatchFilter, type WatchObjects, type WatchOptions, type WatchPeer, type WatchTable } from './watch.js';
export { BatchSkippedError, type BatchOptions, type BatchResult, type BatchResults, type TokenValue } from './batch.js';
export type { Abortable, Family, LinkAttributes, LinkPeer, LinkRef, NetnsRef, UnknownAttrs } from './types.js';
export type {
  CreatableLinkKind, Link, LinkAddKindOptions, LinkAddOptions, LinkBase, LinkControl, LinkDelFilter, LinkDelTarget, LinkFlag, LinkKind,
  LinkKindInfo, LinkKindOptions, LinkKindState, LinkListFilter, LinkSetKindOptions, LinkSetOptions, LinkSetSlaveOptions, LinkSlaveInfo,
  LinkSlaveState, LinkStats, LowerKind, LinkSetPortWords, LinkGroupTarget, LinkGroupSetOptions, NoKindOptions, OperState, OtherLinkKind, RequiredKindInfo, SlaveKind,
} from './link.js';
export type {
  BondInfo, BondMode, ErspanInfo, Ip6erspanInfo, BondSlaveInfo, BridgeInfo, BridgePortInfo, BridgePortState, GeneveInfo, GreInfo, GreKeys, Ip6greInfo, Ip6tnlInfo,
  IpipInfo, IpoibInfo, IpvlanInfo, MacsecInfo, MacvlanInfo, MacvlanMode, SitInfo, TunInfo, TunnelCommon, TunnelEncap, VethInfo, VethPeer,
  VlanInfo, VrfInfo, VrfSlaveInfo, VxcanInfo, VxlanInfo,
} from './wire/kinds.js';
export type { Address, AddressDelOptions, AddressFilter, AddressFlag, AddressFlushFilter, AddressOptions, AddressProto, Lifetime, Scope } from './address.js';
export type { Ip6Encap, IpEncap, MplsEncap, Nexthop, OtherEncap, Route, RouteEncap, Seg6Encap, Seg6localEncap, RouteDelOptions, RouteFilter, RouteFlag, RouteFlushFilter, RouteGetOptions, RouteMetrics, RouteOptions, RouteProtocol, RouteTable, RouteType } from './route.js';
export type { Rule, RuleAction, RuleFilter, RuleFlag, RuleFlushFilter, RuleOptions, RuleRange } from './rule.js';
export type { NeighFamily, NeighFilter, NeighFlags, NeighFlushFilter, Neighbour, NeighOptions, NeighState } from './neigh.js';
export type {
  ActionFilter, BpfOptions, CakeOptions, ClassFilter, ClassOptions, CodelOptions, EthProtocol, FifoOptions, Filter, FilterFilter, FilterOptions,
  FlowerOptions, FqCodelOptions, FqOptions, GactAction, HtbClassOptions, HtbQdiscOptions, ListedAction, MatchallOptions, MirredAction,
  NetemDistribution, NetemOptions, NetemPercent, NetemTime, PeditAction, PeditMunge, PoliceAction, PrioOptions, Qdisc, QdiscFilter,
  QdiscOptions, RedOptions, SfqOptions, SkbeditAction, TbfOptions, TcClass, TcControl, TcHandle, TcStats, U32Match, U32Options, VlanAction,
} from './tc.js';
export type { NamedNetns, NetnsId } from './nsid.js';
export type { NdaCacheinfo } from './wire/neigh.js';
export type { Srh } from './wire/route.js';
export type { SockFilter } from './wire/tc-bpf.js';
export type { U32Field } from './wire/tc-filters.js';
export type { NetemDistName } from './wire/tc-netem-dist.js';
export type { ActionListed } from './wire/tc-actions.js';
export type { IpProto } from './vocab.js';
export type {
  NexthopBucket, NexthopBucketFilter, NexthopDelOptions, NexthopFilter, NexthopFlag, NexthopFlushFilter, NexthopGroupMember, NexthopGroupType, NexthopObject, NexthopOptions,
} from './nexthop.js';
export type { Addrlabel, AddrlabelFilter, AddrlabelFlushFilter, AddrlabelOptions } from './addrlabel.js';
export type { Netconf, NetconfDev, NetconfFilter, NetconfGetOptions, RpFilter } from './netconf.js';
export type {
  BridgeLinkFilter, BridgeLinkSetOptions, BridgePort, BridgePortOptions, BridgeVlan, BridgeVlanFilter, BridgeVlanOptions, BridgeVlanPort, BridgeVlanTunnelMap,
} from './bridge.js';
export type { LinkToken, TokenSetOptions } from './token.js';
export type { AddrGenMode, Inet6Cacheinfo, LinkAfSpec, VfInfo } from './link.js';
export type { PodAddOptions, PodInfo, PodOps } from './pod.js';
export type { TunStream, TuntapAddOptions, TuntapDelOptions, TuntapMode, TuntapOps, TuntapOpenOptions } from './tuntap.js';
export { ETH_P } from './tc.js';
export { IFF } from './link.js';
/** Network namespaces: `ip netns add|del|list|attach|identify|exec`, sockets and processes inside them. */
export * as netns from './netns.js';

