// The golden table: each row pairs an `ip`/`bridge` command with the library
// call meant to do the same. scripts/capture-golden.mjs records iproute2's
// request for each row (test/fixtures/golden-ip.json); test/golden-ip.test.ts
// compares the library's request with it. Plain JavaScript so that the capture
// script (plain node) and the test share one table.
//
// A row: { name, cmd, lib, tool?, setup?, differs?, known?, show? }
//   cmd      the tool's arguments (tool: 'ip' unless given)
//   lib      (nl) => the library call for the same thing
//   setup    `ip` argument lists run first on both sides, after BASE_SETUP
//            (a list starting with 'bridge' runs `bridge`)
//   differs  the library deliberately sends other bytes, and why: the test
//            compares the kernel state both leave instead (`ip -j -d SHOW` of
//            each, `show`, default ['link', 'show'])
//   known    a difference that is a bug today: the row runs as `it.fails`
//   peer     the row needs a second namespace: the tool sees it as the named
//            namespace 'peer' (a private /run in a mount namespace of its own,
//            never the machine's /run/netns), and lib is called as
//            lib(nl, pathOfThatNamespace)

/** Run first on both sides: veth v0 (index 3) / v1 (index 2: the kernel registers the peer first) with fixed MACs, both up. */
export const BASE_SETUP = [
  ['link', 'add', 'v0', 'address', '02:00:00:00:00:01', 'type', 'veth', 'peer', 'name', 'v1', 'address', '02:00:00:00:00:02'],
  ['link', 'set', 'v0', 'up'],
  ['link', 'set', 'v1', 'up'],
];

/** @type {Array<{name: string, cmd: string[], lib: (nl: any) => Promise<unknown>, tool?: string, setup?: string[][], differs?: string, known?: string, show?: string[], peer?: boolean}>} */
export const cases = [];
const row = (r) => cases.push(r);


const MAC = '02:00:00:00:00:09';
const BR = [['link', 'add', 'br0', 'type', 'bridge'], ['link', 'set', 'v0', 'master', 'br0']];
const VX = [['link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789']];
const A4 = [['addr', 'add', '10.0.0.1/24', 'dev', 'v0']];
const A6 = [['addr', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad']];
const SLAVE_KIND = 'names the port kind with IFLA_INFO_SLAVE_KIND "bridge"; ip sends IFLA_INFO_KIND "bridge_slave" (the kernel ignores both on a change and uses the master\'s port options)';
const DEFAULT_DST = 'sends no RTA_DST for a /0 destination (ip sends an all-zero one; the kernel reads dst_len 0 the same way)';
const NEIGH_DEL_STATE = 'sends no nud state on delete (ip/bridge send their add default; neighbour, bridge and vxlan deletes ignore ndm_state)';
const IFNAME = 'names the link by IFLA_IFNAME in the request instead of looking its index up first (one request, no race with a rename)';

// ---------------------------------------------------------------------------
// ip link: kinds (lib/wire/kinds.ts), each with its options
const add = (name, kindArgs, opts, extra = {}) =>
  row({ name: `link add ${name}`, cmd: ['link', 'add', ...kindArgs], lib: (nl) => nl.link.add(opts), ...extra });

add('veth', ['va', 'type', 'veth', 'peer', 'name', 'vb'], { name: 'va', kind: 'veth', info: { peer: { name: 'vb' } } });
add('veth peer mtu address txqueuelen', ['va', 'mtu', '1400', 'type', 'veth', 'peer', 'name', 'vb', 'mtu', '1300', 'address', MAC, 'txqueuelen', '500'], { name: 'va', kind: 'veth', mtu: 1400, info: { peer: { name: 'vb', mtu: 1300, address: MAC, txqlen: 500 } } });
add('veth address', ['va', 'address', MAC, 'type', 'veth', 'peer', 'name', 'vb'], { name: 'va', kind: 'veth', address: MAC, info: { peer: { name: 'vb' } } });
add('veth up', ['va', 'up', 'type', 'veth', 'peer', 'name', 'vb'], { name: 'va', kind: 'veth', up: true, info: { peer: { name: 'vb' } } });
add('veth txqueuelen numtxqueues numrxqueues', ['va', 'txqueuelen', '100', 'numtxqueues', '2', 'numrxqueues', '2', 'type', 'veth', 'peer', 'name', 'vb'], { name: 'va', kind: 'veth', txqlen: 100, numTxQueues: 2, numRxQueues: 2, info: { peer: { name: 'vb' } } });
add('veth group', ['va', 'group', '5', 'type', 'veth', 'peer', 'name', 'vb'], { name: 'va', kind: 'veth', group: 5, info: { peer: { name: 'vb' } } });
add('veth master', ['va', 'master', 'br0', 'type', 'veth', 'peer', 'name', 'vb'], { name: 'va', kind: 'veth', master: 'br0', info: { peer: { name: 'vb' } } }, { setup: [BR[0]] });
add('veth peer netns', ['va', 'type', 'veth', 'peer', 'name', 'vb', 'netns', 'peer'], null, { peer: true, lib: (nl, peer) => nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb', netns: { path: peer } } } }), differs: 'opens the namespace itself: the fd number in IFLA_NET_NS_FD is each process\'s own' });
add('vxcan', ['vc0', 'type', 'vxcan', 'peer', 'name', 'vc1'], { name: 'vc0', kind: 'vxcan', info: { peer: { name: 'vc1' } } });
add('vxcan peer txqueuelen', ['vc0', 'type', 'vxcan', 'peer', 'name', 'vc1', 'txqueuelen', '77'], { name: 'vc0', kind: 'vxcan', info: { peer: { name: 'vc1', txqlen: 77 } } });
add('bridge', ['br1', 'type', 'bridge'], { name: 'br1', kind: 'bridge' });
add('bridge stp_state forward_delay hello_time max_age', ['br1', 'type', 'bridge', 'stp_state', '1', 'forward_delay', '400', 'hello_time', '300', 'max_age', '1000'], { name: 'br1', kind: 'bridge', info: { stpState: 1, forwardDelay: 400, helloTime: 300, maxAge: 1000 } });
add('bridge ageing_time priority', ['br1', 'type', 'bridge', 'ageing_time', '20000', 'priority', '4096'], { name: 'br1', kind: 'bridge', info: { ageingTime: 20000, priority: 4096 } });
add('bridge vlan_filtering vlan_protocol vlan_default_pvid', ['br1', 'type', 'bridge', 'vlan_filtering', '1', 'vlan_protocol', '802.1ad', 'vlan_default_pvid', '5'], { name: 'br1', kind: 'bridge', info: { vlanFiltering: true, vlanProtocol: '802.1ad', vlanDefaultPvid: 5 } });
add('bridge group_fwd_mask group_address', ['br1', 'type', 'bridge', 'group_fwd_mask', '8', 'group_address', '01:80:c2:00:00:03'], { name: 'br1', kind: 'bridge', info: { groupFwdMask: 8, groupAddr: '01:80:c2:00:00:03' } });
add('bridge mcast_snooping mcast_querier mcast_router', ['br1', 'type', 'bridge', 'mcast_snooping', '0', 'mcast_querier', '1', 'mcast_router', '2'], { name: 'br1', kind: 'bridge', info: { mcastSnooping: false, mcastQuerier: true, mcastRouter: 2 } });
add('bridge mcast_hash_max mcast_hash_elasticity', ['br1', 'type', 'bridge', 'mcast_hash_max', '1024', 'mcast_hash_elasticity', '16'], { name: 'br1', kind: 'bridge', info: { mcastHashMax: 1024, mcastHashElasticity: 16 } });
add('bridge mcast counts and intervals', ['br1', 'type', 'bridge', 'mcast_last_member_count', '3', 'mcast_startup_query_count', '4', 'mcast_last_member_interval', '200', 'mcast_membership_interval', '26000', 'mcast_querier_interval', '25500', 'mcast_query_interval', '12500', 'mcast_query_response_interval', '1000', 'mcast_startup_query_interval', '3125'], { name: 'br1', kind: 'bridge', info: { mcastLastMemberCnt: 3, mcastStartupQueryCnt: 4, mcastLastMemberIntvl: 200, mcastMembershipIntvl: 26000, mcastQuerierIntvl: 25500, mcastQueryIntvl: 12500, mcastQueryResponseIntvl: 1000, mcastStartupQueryIntvl: 3125 } });
add('bridge mcast_igmp_version mcast_mld_version mcast_stats_enabled', ['br1', 'type', 'bridge', 'mcast_igmp_version', '3', 'mcast_mld_version', '2', 'mcast_stats_enabled', '1'], { name: 'br1', kind: 'bridge', info: { mcastIgmpVersion: 3, mcastMldVersion: 2, mcastStatsEnabled: true } });
add('bridge nf_call_iptables nf_call_ip6tables nf_call_arptables', ['br1', 'type', 'bridge', 'nf_call_iptables', '1', 'nf_call_ip6tables', '0', 'nf_call_arptables', '1'], { name: 'br1', kind: 'bridge', info: { nfCallIptables: true, nfCallIp6tables: false, nfCallArptables: true } });
add('bridge vlan_stats_enabled vlan_stats_per_port', ['br1', 'type', 'bridge', 'vlan_stats_enabled', '1', 'vlan_stats_per_port', '1'], { name: 'br1', kind: 'bridge', info: { vlanStatsEnabled: true, vlanStatsPerPort: true } });
add('bridge mcast_query_use_ifaddr', ['br1', 'type', 'bridge', 'mcast_query_use_ifaddr', '1'], { name: 'br1', kind: 'bridge', info: { mcastQueryUseIfaddr: true } });
add('bridge no_linklocal_learn', ['br1', 'type', 'bridge', 'no_linklocal_learn', '1'], { name: 'br1', kind: 'bridge', info: { noLinklocalLearn: true } });
add('bridge mcast_vlan_snooping', ['br1', 'type', 'bridge', 'mcast_vlan_snooping', '1'], { name: 'br1', kind: 'bridge', info: { mcastVlanSnooping: true } });
add('bridge mtu address', ['br1', 'mtu', '1400', 'address', MAC, 'type', 'bridge'], { name: 'br1', kind: 'bridge', mtu: 1400, address: MAC });
for (const mode of ['private', 'vepa', 'bridge', 'passthru', 'source'])
  for (const kind of ['macvlan', 'macvtap'])
    add(`${kind} mode ${mode}`, ['mv0', 'link', 'v0', 'type', kind, 'mode', mode], { name: 'mv0', kind, link: 'v0', info: { mode } });
add('macvlan passthru nopromisc', ['mv0', 'link', 'v0', 'type', 'macvlan', 'mode', 'passthru', 'nopromisc'], { name: 'mv0', kind: 'macvlan', link: 'v0', info: { mode: 'passthru', flags: ['nopromisc'] } });
add('macvlan bcqueuelen', ['mv0', 'link', 'v0', 'type', 'macvlan', 'mode', 'bridge', 'bcqueuelen', '500'], { name: 'mv0', kind: 'macvlan', link: 'v0', info: { mode: 'bridge', bcqueuelen: 500 } });
add('macvlan address', ['mv0', 'link', 'v0', 'address', MAC, 'type', 'macvlan'], { name: 'mv0', kind: 'macvlan', link: 'v0', address: MAC });
add('macvlan source macaddr add', ['mv0', 'link', 'v0', 'type', 'macvlan', 'mode', 'source', 'macaddr', 'add', MAC], { name: 'mv0', kind: 'macvlan', link: 'v0', info: { mode: 'source', macaddrMode: 'add', macaddr: MAC } });
add('vxlan id', ['vx1', 'type', 'vxlan', 'id', '42'], { name: 'vx1', kind: 'vxlan', info: { id: 42 } });
add('vxlan id dstport', ['vx1', 'type', 'vxlan', 'id', '42', 'dstport', '4789'], { name: 'vx1', kind: 'vxlan', info: { id: 42, dstport: 4789 } });
add('vxlan remote local dev ttl tos', ['vx1', 'type', 'vxlan', 'id', '42', 'remote', '10.0.0.2', 'local', '10.0.0.1', 'dev', 'v0', 'ttl', '5', 'tos', '8', 'dstport', '4789'], { name: 'vx1', kind: 'vxlan', info: { id: 42, remote: '10.0.0.2', local: '10.0.0.1', dev: 'v0', ttl: 5, tos: 8, dstport: 4789 } });
add('vxlan group dev', ['vx1', 'type', 'vxlan', 'id', '43', 'group', '239.1.1.1', 'dev', 'v0', 'dstport', '4789'], { name: 'vx1', kind: 'vxlan', info: { id: 43, group: '239.1.1.1', dev: 'v0', dstport: 4789 } });
add('vxlan nolearning ageing maxaddress', ['vx1', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'nolearning', 'ageing', '120', 'maxaddress', '100'], { name: 'vx1', kind: 'vxlan', info: { id: 42, dstport: 4789, learning: false, ageing: 120, limit: 100 } });
add('vxlan srcport proxy rsc l2miss l3miss', ['vx1', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'nolearning', 'srcport', '1000', '2000', 'proxy', 'rsc', 'l2miss', 'l3miss'], { name: 'vx1', kind: 'vxlan', info: { id: 42, dstport: 4789, learning: false, portRange: { low: 1000, high: 2000 }, proxy: true, rsc: true, l2miss: true, l3miss: true } });
add('vxlan noudpcsum', ['vx1', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'nolearning', 'noudpcsum'], { name: 'vx1', kind: 'vxlan', info: { id: 42, dstport: 4789, learning: false, udpCsum: false } });
add('vxlan ipv6 remote local label udp6zerocsumtx', ['vx1', 'type', 'vxlan', 'id', '44', 'remote', '2001:db8::2', 'local', '2001:db8::1', 'dstport', '4789', 'nolearning', 'flowlabel', '1234', 'udp6zerocsumtx', 'udp6zerocsumrx'], { name: 'vx1', kind: 'vxlan', info: { id: 44, remote: '2001:db8::2', local: '2001:db8::1', dstport: 4789, learning: false, label: 1234, udpZeroCsum6Tx: true, udpZeroCsum6Rx: true } });
add('vxlan external', ['vx1', 'type', 'vxlan', 'external', 'dstport', '4790'], { name: 'vx1', kind: 'vxlan', info: { external: true, dstport: 4790 } });
add('vxlan gbp remcsum', ['vx1', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'nolearning', 'gbp', 'remcsumtx', 'remcsumrx'], { name: 'vx1', kind: 'vxlan', info: { id: 42, dstport: 4789, learning: false, gbp: true, remcsumTx: true, remcsumRx: true } });
add('vxlan ttl inherit df set', ['vx1', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'nolearning', 'ttl', 'inherit', 'df', 'set'], { name: 'vx1', kind: 'vxlan', info: { id: 42, dstport: 4789, learning: false, ttlInherit: true, df: 'set' } });
add('geneve id remote', ['gn0', 'type', 'geneve', 'id', '10', 'remote', '10.0.0.2'], { name: 'gn0', kind: 'geneve', info: { id: 10, remote: '10.0.0.2' } });
add('geneve ttl tos dstport', ['gn0', 'type', 'geneve', 'id', '10', 'remote', '10.0.0.2', 'ttl', '9', 'tos', '16', 'dstport', '6082'], { name: 'gn0', kind: 'geneve', info: { id: 10, remote: '10.0.0.2', ttl: 9, tos: 0x16, dstport: 6082 } });
add('geneve remote6 label', ['gn0', 'type', 'geneve', 'id', '10', 'remote', '2001:db8::2', 'flowlabel', '7'], { name: 'gn0', kind: 'geneve', info: { id: 10, remote: '2001:db8::2', label: 7 } });
add('geneve external', ['gn0', 'type', 'geneve', 'external'], { name: 'gn0', kind: 'geneve', info: { external: true } });
add('vlan id', ['v0.5', 'link', 'v0', 'type', 'vlan', 'id', '5'], { name: 'v0.5', kind: 'vlan', link: 'v0', info: { id: 5 } });
add('vlan protocol 802.1ad', ['v0.5', 'link', 'v0', 'type', 'vlan', 'protocol', '802.1ad', 'id', '5'], { name: 'v0.5', kind: 'vlan', link: 'v0', info: { id: 5, protocol: '802.1ad' } });
add('vlan reorder_hdr off loose_binding on', ['v0.5', 'link', 'v0', 'type', 'vlan', 'id', '5', 'reorder_hdr', 'off', 'loose_binding', 'on'], { name: 'v0.5', kind: 'vlan', link: 'v0', info: { id: 5, reorderHdr: false, looseBinding: true } });
add('vlan gvrp mvrp bridge_binding', ['v0.5', 'link', 'v0', 'type', 'vlan', 'id', '5', 'gvrp', 'on', 'mvrp', 'on', 'bridge_binding', 'on'], { name: 'v0.5', kind: 'vlan', link: 'v0', info: { id: 5, gvrp: true, mvrp: true, bridgeBinding: true } });
add('vlan egress-qos-map ingress-qos-map', ['v0.5', 'link', 'v0', 'type', 'vlan', 'id', '5', 'egress-qos-map', '1:2', '3:4', 'ingress-qos-map', '5:6'], { name: 'v0.5', kind: 'vlan', link: 'v0', info: { id: 5, egressQos: [{ from: 1, to: 2 }, { from: 3, to: 4 }], ingressQos: [{ from: 5, to: 6 }] } });
for (const kind of ['ipvlan', 'ipvtap'])
  for (const mode of ['l2', 'l3', 'l3s'])
    add(`${kind} mode ${mode}`, ['ipv0', 'link', 'v0', 'type', kind, 'mode', mode], { name: 'ipv0', kind, link: 'v0', info: { mode } });
add('ipvlan mode l2 private', ['ipv0', 'link', 'v0', 'type', 'ipvlan', 'mode', 'l2', 'private'], { name: 'ipv0', kind: 'ipvlan', link: 'v0', info: { mode: 'l2', flags: 'private' } });
add('ipvlan mode l3 vepa', ['ipv0', 'link', 'v0', 'type', 'ipvlan', 'mode', 'l3', 'vepa'], { name: 'ipv0', kind: 'ipvlan', link: 'v0', info: { mode: 'l3', flags: 'vepa' } });
add('bond', ['bond0', 'type', 'bond'], { name: 'bond0', kind: 'bond' });
for (const mode of ['balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb'])
  add(`bond mode ${mode}`, ['bond0', 'type', 'bond', 'mode', mode], { name: 'bond0', kind: 'bond', info: { mode } });
add('bond 802.3ad miimon lacp_rate xmit_hash_policy ad_select min_links', ['bond0', 'type', 'bond', 'mode', '802.3ad', 'miimon', '100', 'lacp_rate', 'fast', 'xmit_hash_policy', 'layer3+4', 'ad_select', 'bandwidth', 'min_links', '1'], { name: 'bond0', kind: 'bond', info: { mode: '802.3ad', miimon: 100, adLacpRate: 'fast', xmitHashPolicy: 'layer3+4', adSelect: 'bandwidth', minLinks: 1 } });
add('bond ad_actor_sys_prio ad_actor_system ad_user_port_key', ['bond0', 'type', 'bond', 'mode', '802.3ad', 'ad_actor_sys_prio', '100', 'ad_actor_system', MAC, 'ad_user_port_key', '7'], { name: 'bond0', kind: 'bond', info: { mode: '802.3ad', adActorSysPrio: 100, adActorSystem: MAC, adUserPortKey: 7 } });
add('bond updelay downdelay use_carrier', ['bond0', 'type', 'bond', 'miimon', '100', 'updelay', '200', 'downdelay', '300', 'use_carrier', '0'], { name: 'bond0', kind: 'bond', info: { miimon: 100, updelay: 200, downdelay: 300, useCarrier: false } });
add('bond arp_interval arp_ip_target arp_validate arp_all_targets', ['bond0', 'type', 'bond', 'mode', 'active-backup', 'arp_interval', '100', 'arp_ip_target', '10.0.0.1,10.0.0.2', 'arp_validate', 'all', 'arp_all_targets', 'all'], { name: 'bond0', kind: 'bond', info: { mode: 'active-backup', arpInterval: 100, arpIpTarget: ['10.0.0.1', '10.0.0.2'], arpValidate: 'all', arpAllTargets: 'all' } });
add('bond primary_reselect fail_over_mac', ['bond0', 'type', 'bond', 'mode', 'active-backup', 'primary_reselect', 'better', 'fail_over_mac', 'active'], { name: 'bond0', kind: 'bond', info: { mode: 'active-backup', primaryReselect: 'better', failOverMac: 'active' } });
add('bond resend_igmp num_grat_arp all_slaves_active', ['bond0', 'type', 'bond', 'resend_igmp', '3', 'num_grat_arp', '2', 'all_slaves_active', '1'], { name: 'bond0', kind: 'bond', info: { resendIgmp: 3, numPeerNotif: 2, allSlavesActive: true } });
add('bond lp_interval packets_per_slave', ['bond0', 'type', 'bond', 'mode', 'balance-rr', 'lp_interval', '2', 'packets_per_slave', '5'], { name: 'bond0', kind: 'bond', info: { mode: 'balance-rr', lpInterval: 2, packetsPerSlave: 5 } });
add('bond tlb_dynamic_lb peer_notify_delay', ['bond0', 'type', 'bond', 'mode', 'balance-tlb', 'tlb_dynamic_lb', '0', 'miimon', '100', 'peer_notify_delay', '200'], { name: 'bond0', kind: 'bond', info: { mode: 'balance-tlb', tlbDynamicLb: false, miimon: 100, peerNotifyDelay: 200 } });
add('bond arp_missed_max', ['bond0', 'type', 'bond', 'mode', 'active-backup', 'arp_missed_max', '3'], { name: 'bond0', kind: 'bond', info: { mode: 'active-backup', arpMissedMax: 3 } });
add('bond ns_ip6_target', ['bond0', 'type', 'bond', 'mode', 'active-backup', 'arp_interval', '100', 'ns_ip6_target', '2001:db8::1'], { name: 'bond0', kind: 'bond', info: { mode: 'active-backup', arpInterval: 100, nsIp6Target: ['2001:db8::1'] } });
add('team', ['team0', 'type', 'team'], { name: 'team0', kind: 'team' });
add('dummy', ['d0', 'type', 'dummy'], { name: 'd0', kind: 'dummy' });
add('dummy mtu address txqueuelen', ['d0', 'mtu', '9000', 'address', MAC, 'txqueuelen', '10', 'type', 'dummy'], { name: 'd0', kind: 'dummy', mtu: 9000, address: MAC, txqlen: 10 });
add('dummy up', ['d0', 'up', 'type', 'dummy'], { name: 'd0', kind: 'dummy', up: true });
add('dummy group', ['d0', 'group', '7', 'type', 'dummy'], { name: 'd0', kind: 'dummy', group: 7 });
add('dummy gso_max_size gso_max_segs', ['d0', 'gso_max_size', '32000', 'gso_max_segs', '10', 'type', 'dummy'], { name: 'd0', kind: 'dummy', gsoMaxSize: 32000, gsoMaxSegs: 10 });
add('ifb', ['ifb0', 'type', 'ifb'], { name: 'ifb0', kind: 'ifb' });
add('ifb txqueuelen', ['ifb0', 'txqueuelen', '64', 'type', 'ifb'], { name: 'ifb0', kind: 'ifb', txqlen: 64 });
add('vcan', ['vcan0', 'type', 'vcan'], { name: 'vcan0', kind: 'vcan' });
add('nlmon', ['nlmon0', 'type', 'nlmon'], { name: 'nlmon0', kind: 'nlmon' });
add('wireguard', ['wg0', 'type', 'wireguard'], { name: 'wg0', kind: 'wireguard' });
add('vrf table', ['vrf0', 'type', 'vrf', 'table', '10'], { name: 'vrf0', kind: 'vrf', info: { table: 10 } });
add('vrf table up', ['vrf0', 'up', 'type', 'vrf', 'table', '1000'], { name: 'vrf0', kind: 'vrf', up: true, info: { table: 1000 } });
add('macsec', ['ms0', 'link', 'v0', 'type', 'macsec'], { name: 'ms0', kind: 'macsec', link: 'v0' });
add('macsec port encrypt', ['ms0', 'link', 'v0', 'type', 'macsec', 'port', '11', 'encrypt', 'on'], { name: 'ms0', kind: 'macsec', link: 'v0', info: { port: 11, encrypt: true } });
add('macsec sci cipher icvlen', ['ms0', 'link', 'v0', 'type', 'macsec', 'sci', '0102030405060708', 'cipher', 'gcm-aes-256', 'icvlen', '16'], { name: 'ms0', kind: 'macsec', link: 'v0', info: { sci: '0102030405060708', cipher: 'gcm-aes-256', icvLen: 16 } });
add('macsec send_sci end_station scb protect replay window validate encodingsa', ['ms0', 'link', 'v0', 'type', 'macsec', 'send_sci', 'off', 'end_station', 'on', 'scb', 'off', 'protect', 'on', 'replay', 'on', 'window', '32', 'validate', 'strict', 'encodingsa', '2'], { name: 'ms0', kind: 'macsec', link: 'v0', info: { sendSci: false, endStation: true, scb: false, protect: true, replay: true, window: 32, validate: 'strict', encodingSa: 2 } });
add('ipoib pkey mode umcast', ['ib0.8001', 'link', 'v0', 'type', 'ipoib', 'pkey', '0x8001', 'mode', 'connected', 'umcast', '1'], { name: 'ib0.8001', kind: 'ipoib', link: 'v0', info: { pkey: 0x8001, mode: 'connected', umcast: true } });
add('gre remote local', ['gre1', 'type', 'gre', 'remote', '10.0.0.2', 'local', '10.0.0.1'], { name: 'gre1', kind: 'gre', info: { remote: '10.0.0.2', local: '10.0.0.1' } });
add('gre ttl tos key', ['gre1', 'type', 'gre', 'remote', '10.0.0.2', 'local', '10.0.0.1', 'ttl', '64', 'tos', '16', 'key', '42'], { name: 'gre1', kind: 'gre', info: { remote: '10.0.0.2', local: '10.0.0.1', ttl: 64, tos: 0x16, key: 42 } });
add('gre ikey okey csum seq', ['gre1', 'type', 'gre', 'remote', '10.0.0.2', 'ikey', '1', 'okey', '2', 'csum', 'seq'], { name: 'gre1', kind: 'gre', info: { remote: '10.0.0.2', ikey: 1, okey: 2, csum: true, seq: true } });
add('gre dev nopmtudisc', ['gre1', 'type', 'gre', 'remote', '10.0.0.2', 'dev', 'v0', 'nopmtudisc'], { name: 'gre1', kind: 'gre', info: { remote: '10.0.0.2', dev: 'v0', pmtudisc: false } });
add('gre external', ['gre1', 'type', 'gre', 'external'], { name: 'gre1', kind: 'gre', info: { external: true } });
add('gre fwmark', ['gre1', 'type', 'gre', 'remote', '10.0.0.2', 'fwmark', '5'], { name: 'gre1', kind: 'gre', info: { remote: '10.0.0.2', fwmark: 5 } });
add('gre encap fou', ['gre1', 'type', 'gre', 'remote', '10.0.0.2', 'encap', 'fou', 'encap-sport', '1000', 'encap-dport', '2000', 'encap-csum'], { name: 'gre1', kind: 'gre', info: { remote: '10.0.0.2', encapType: 'fou', encapSport: 1000, encapDport: 2000, encapFlags: ['csum'] } });
add('gretap remote local', ['gt1', 'type', 'gretap', 'remote', '10.0.0.2', 'local', '10.0.0.1'], { name: 'gt1', kind: 'gretap', info: { remote: '10.0.0.2', local: '10.0.0.1' } });
add('gretap key ttl', ['gt1', 'type', 'gretap', 'remote', '10.0.0.2', 'key', '7', 'ttl', '10'], { name: 'gt1', kind: 'gretap', info: { remote: '10.0.0.2', key: 7, ttl: 10 } });
add('gretap ignore-df', ['gt1', 'type', 'gretap', 'remote', '10.0.0.2', 'nopmtudisc', 'ignore-df'], { name: 'gt1', kind: 'gretap', info: { remote: '10.0.0.2', pmtudisc: false, ignoreDf: true } });
add('ip6gre remote local', ['g6', 'type', 'ip6gre', 'remote', '2001:db8::2', 'local', '2001:db8::1'], { name: 'g6', kind: 'ip6gre', info: { remote: '2001:db8::2', local: '2001:db8::1' } });
add('ip6gre hoplimit encaplimit', ['g6', 'type', 'ip6gre', 'remote', '2001:db8::2', 'hoplimit', '10', 'encaplimit', '3'], { name: 'g6', kind: 'ip6gre', info: { remote: '2001:db8::2', ttl: 10, encapLimit: 3 } });
add('ip6gretap remote key', ['g6t', 'type', 'ip6gretap', 'remote', '2001:db8::2', 'key', '9'], { name: 'g6t', kind: 'ip6gretap', info: { remote: '2001:db8::2', key: 9 } });
add('ip6gre external', ['g6', 'type', 'ip6gre', 'external'], { name: 'g6', kind: 'ip6gre', info: { external: true } });
add('ipip remote local', ['ipip1', 'type', 'ipip', 'remote', '10.0.0.2', 'local', '10.0.0.1'], { name: 'ipip1', kind: 'ipip', info: { remote: '10.0.0.2', local: '10.0.0.1' } });
add('ipip ttl tos dev', ['ipip1', 'type', 'ipip', 'remote', '10.0.0.2', 'ttl', '32', 'tos', '8', 'dev', 'v0'], { name: 'ipip1', kind: 'ipip', info: { remote: '10.0.0.2', ttl: 32, tos: 8, dev: 'v0' } });
add('ipip mode mplsip', ['ipip1', 'type', 'ipip', 'remote', '10.0.0.2', 'mode', 'mplsip'], { name: 'ipip1', kind: 'ipip', info: { remote: '10.0.0.2', mode: 'mplsip' } });
add('ipip external', ['ipip1', 'type', 'ipip', 'external'], { name: 'ipip1', kind: 'ipip', info: { external: true } });
add('sit remote local', ['sit1', 'type', 'sit', 'remote', '10.0.0.2', 'local', '10.0.0.1'], { name: 'sit1', kind: 'sit', info: { remote: '10.0.0.2', local: '10.0.0.1' } });
add('sit mode any ttl', ['sit1', 'type', 'sit', 'remote', '10.0.0.2', 'mode', 'any', 'ttl', '20'], { name: 'sit1', kind: 'sit', info: { remote: '10.0.0.2', mode: 'any', ttl: 20 } });
add('ip6tnl remote local', ['t6', 'type', 'ip6tnl', 'remote', '2001:db8::2', 'local', '2001:db8::1'], { name: 't6', kind: 'ip6tnl', info: { remote: '2001:db8::2', local: '2001:db8::1' } });
add('ip6tnl mode ipip6 hoplimit encaplimit', ['t6', 'type', 'ip6tnl', 'mode', 'ipip6', 'remote', '2001:db8::2', 'hoplimit', '10', 'encaplimit', '3'], { name: 't6', kind: 'ip6tnl', info: { mode: 'ipip6', remote: '2001:db8::2', ttl: 10, encapLimit: 3 } });
add('ip6tnl external', ['t6', 'type', 'ip6tnl', 'external'], { name: 't6', kind: 'ip6tnl', info: { external: true } });
add('dummy numtxqueues', ['d1', 'numtxqueues', '4', 'type', 'dummy'], { name: 'd1', kind: 'dummy', numTxQueues: 4 });

// ip link set / del
const set = (name, cmd, opts, extra = {}) => row({ name: `link set ${name}`, cmd: ['link', 'set', ...cmd], lib: (nl) => nl.link.set(3, opts), ...extra });
const setByName = (name, cmd, opts, extra = {}) => row({ name: `link set ${name} (by name)`, cmd: ['link', 'set', ...cmd], lib: (nl) => nl.link.set('v0', opts), differs: IFNAME, ...extra });
set('down', ['v0', 'down'], { up: false });
set('up', ['v0', 'up'], { up: true });
set('mtu', ['v0', 'mtu', '1400'], { mtu: 1400 });
set('address', ['v0', 'address', MAC], { address: MAC });
set('broadcast', ['v0', 'broadcast', '02:ff:ff:ff:ff:ff'], { broadcast: '02:ff:ff:ff:ff:ff' });
set('name', ['v0', 'name', 'v9'], { name: 'v9' });
set('txqueuelen', ['v0', 'txqueuelen', '2000'], { txqlen: 2000 });
set('alias', ['v0', 'alias', 'uplink'], { alias: 'uplink' });
set('group', ['v0', 'group', '5'], { group: 5 });
set('promisc on', ['v0', 'promisc', 'on'], { promisc: true });
set('promisc off', ['v0', 'promisc', 'off'], { promisc: false });
set('arp off', ['v0', 'arp', 'off'], { arp: false });
set('multicast off', ['v0', 'multicast', 'off'], { multicast: false });
set('allmulticast on', ['v0', 'allmulticast', 'on'], { allmulticast: true });
set('mode dormant', ['v0', 'mode', 'dormant'], { linkmode: 'DORMANT' });
set('master', ['v0', 'master', 'br0'], { master: 'br0' }, { setup: [BR[0]] });
set('nomaster', ['v0', 'nomaster'], { master: null }, { setup: BR });
set('up mtu', ['v0', 'up', 'mtu', '1300'], { up: true, mtu: 1300 });
set('protodown', ['v0', 'protodown', 'on'], { protoDown: true });
set('gso_max_size', ['v0', 'gso_max_size', '32000'], { gsoMaxSize: 32000 });
set('gso_max_segs', ['v0', 'gso_max_segs', '100'], { gsoMaxSegs: 100 });
set('gro_max_size', ['v0', 'gro_max_size', '32000'], { groMaxSize: 32000 });
set('netns', ['v0', 'netns', 'peer'], null, { peer: true, lib: (nl, peer) => nl.link.set(3, { netns: { path: peer } }), differs: "opens the namespace itself: the fd number in IFLA_NET_NS_FD is each process's own" });
set('bridge_slave cost priority', ['v0', 'type', 'bridge_slave', 'cost', '10', 'priority', '5'], { slaveKind: 'bridge', slaveInfo: { cost: 10, priority: 5 } }, { setup: BR, differs: SLAVE_KIND });
set('bridge_slave learning flood', ['v0', 'type', 'bridge_slave', 'learning', 'off', 'flood', 'off'], { slaveKind: 'bridge', slaveInfo: { learning: false, flood: false } }, { setup: BR, differs: SLAVE_KIND });
set('bridge_slave hairpin guard root_block fastleave', ['v0', 'type', 'bridge_slave', 'hairpin', 'on', 'guard', 'on', 'root_block', 'on', 'fastleave', 'on'], { slaveKind: 'bridge', slaveInfo: { hairpin: true, guard: true, rootBlock: true, fastleave: true } }, { setup: BR, differs: SLAVE_KIND });
set('bridge_slave proxy_arp mcast_flood bcast_flood', ['v0', 'type', 'bridge_slave', 'proxy_arp', 'on', 'mcast_flood', 'off', 'bcast_flood', 'off'], { slaveKind: 'bridge', slaveInfo: { proxyArp: true, mcastFlood: false, bcastFlood: false } }, { setup: BR, differs: SLAVE_KIND });
set('bridge_slave neigh_suppress isolated', ['v0', 'type', 'bridge_slave', 'neigh_suppress', 'on', 'isolated', 'on'], { slaveKind: 'bridge', slaveInfo: { neighSuppress: true, isolated: true } }, { setup: BR, differs: SLAVE_KIND });
set('bridge_slave state', ['v0', 'type', 'bridge_slave', 'state', '0'], { slaveKind: 'bridge', slaveInfo: { state: 'disabled' } }, { setup: BR, differs: SLAVE_KIND });
set('bridge_slave mcast_router mcast_to_unicast', ['v0', 'type', 'bridge_slave', 'mcast_router', '2', 'mcast_to_unicast', 'on'], { slaveKind: 'bridge', slaveInfo: { multicastRouter: 2, mcastToUnicast: true } }, { setup: BR, differs: SLAVE_KIND });
set('bridge_slave group_fwd_mask', ['v0', 'type', 'bridge_slave', 'group_fwd_mask', '8'], { slaveKind: 'bridge', slaveInfo: { groupFwdMask: 8 } }, { setup: BR, differs: SLAVE_KIND });
set('bridge_slave locked', ['v0', 'type', 'bridge_slave', 'locked', 'on'], { slaveKind: 'bridge', slaveInfo: { locked: true } }, { setup: BR, differs: SLAVE_KIND });
set('bridge_slave vlan_tunnel', ['v0', 'type', 'bridge_slave', 'vlan_tunnel', 'on'], { slaveKind: 'bridge', slaveInfo: { vlanTunnel: true } }, { setup: BR, differs: SLAVE_KIND });
set('bridge options', ['br0', 'type', 'bridge', 'stp_state', '1', 'priority', '8192'], null, { setup: [BR[0]], lib: (nl) => nl.link.set(4, { kind: 'bridge', info: { stpState: 1, priority: 8192 } }) });
set('bridge fdb_flush', ['br0', 'type', 'bridge', 'fdb_flush'], null, { setup: [BR[0]], lib: (nl) => nl.link.set(4, { kind: 'bridge', info: { fdbFlush: true } }) });
set('vxlan ageing', ['vx0', 'type', 'vxlan', 'ageing', '200'], null, { setup: VX, lib: (nl) => nl.link.set(4, { kind: 'vxlan', info: { ageing: 200 } }) });
set('macvlan mode', ['mv0', 'type', 'macvlan', 'mode', 'vepa'], null, { setup: [['link', 'add', 'mv0', 'link', 'v0', 'type', 'macvlan', 'mode', 'bridge']], lib: (nl) => nl.link.set(4, { kind: 'macvlan', info: { mode: 'vepa' } }) });
set('group by name (ip link set group)', ['group', '5', 'mtu', '1400'], null, { lib: (nl) => nl.link.set({ group: 5 }, { mtu: 1400 }) });
setByName('down', ['v0', 'down'], { up: false });
setByName('mtu', ['v0', 'mtu', '1400'], { mtu: 1400 });
setByName('name', ['v0', 'name', 'v9'], { name: 'v9' }, { show: ['link', 'show'] });
setByName('address', ['v0', 'address', MAC], { address: MAC }, { show: ['-s', 'link', 'show'] });
setByName('master', ['v0', 'master', 'br0'], { master: 'br0' }, { setup: [BR[0]] });
row({ name: 'link del', cmd: ['link', 'del', 'v0'], lib: (nl) => nl.link.del(3) });
row({ name: 'link del (by name)', cmd: ['link', 'del', 'v0'], lib: (nl) => nl.link.del('v0'), differs: IFNAME });
row({ name: 'link del dev', cmd: ['link', 'del', 'dev', 'v0'], lib: (nl) => nl.link.del(3) });
row({ name: 'link del group', cmd: ['link', 'del', 'group', '5'], setup: [['link', 'set', 'v0', 'group', '5']], lib: (nl) => nl.link.del({ group: 5 }), differs: 'moves the links it lists into an unused group, then deletes that group (ip sends the group delete directly)' });
row({ name: 'link del bridge', cmd: ['link', 'del', 'br0'], setup: [BR[0]], lib: (nl) => nl.link.del(4) });

// ---------------------------------------------------------------------------
// ip address
const addr = (name, cmd, opts, extra = {}) => row({ name: `addr ${name}`, cmd: ['addr', ...cmd], lib: (nl) => nl.address[extra.verb ?? 'add'](opts), ...extra });
addr('add ipv4', ['add', '10.0.0.1/24', 'dev', 'v0'], { dev: 'v0', address: '10.0.0.1/24' });
addr('add ipv4 on v1', ['add', '10.0.0.1/24', 'dev', 'v1'], { dev: 'v1', address: '10.0.0.1/24' });
addr('add ipv4 /32', ['add', '10.0.0.1', 'dev', 'v0'], { dev: 'v0', address: '10.0.0.1' });
addr('add ipv4 /8', ['add', '10.0.0.1/8', 'dev', 'v0'], { dev: 'v0', address: '10.0.0.1/8' });
addr('add ipv4 broadcast', ['add', '10.0.0.1/24', 'broadcast', '10.0.0.255', 'dev', 'v0'], { dev: 'v0', address: '10.0.0.1/24', broadcast: '10.0.0.255' });
addr('add ipv4 brd +', ['add', '192.168.1.1/30', 'brd', '+', 'dev', 'v0'], { dev: 'v0', address: '192.168.1.1/30', broadcast: '+' });
addr('add ipv4 label', ['add', '10.0.0.1/24', 'dev', 'v0', 'label', 'v0:1'], { dev: 'v0', address: '10.0.0.1/24', label: 'v0:1' });
addr('add ipv4 peer', ['add', '10.0.0.1', 'peer', '10.0.0.2/32', 'dev', 'v0'], { dev: 'v0', address: '10.0.0.1', peer: '10.0.0.2/32' });
addr('add ipv4 peer prefix', ['add', '10.0.0.1', 'peer', '10.0.1.0/24', 'dev', 'v0'], { dev: 'v0', address: '10.0.0.1', peer: '10.0.1.0/24' });
addr('add ipv4 local', ['add', 'local', '10.0.0.1/24', 'dev', 'v0'], { dev: 'v0', local: '10.0.0.1', address: '10.0.0.1/24' });
addr('add ipv4 scope link', ['add', '10.0.0.1/24', 'dev', 'v0', 'scope', 'link'], { dev: 'v0', address: '10.0.0.1/24', scope: 'link' });
addr('add ipv4 scope host', ['add', '10.0.0.1/24', 'dev', 'v0', 'scope', 'host'], { dev: 'v0', address: '10.0.0.1/24', scope: 'host' });
addr('add ipv4 scope 100', ['add', '10.0.0.1/24', 'dev', 'v0', 'scope', '100'], { dev: 'v0', address: '10.0.0.1/24', scope: 100 });
addr('add ipv4 lifetimes', ['add', '10.0.0.1/24', 'dev', 'v0', 'valid_lft', '100', 'preferred_lft', '50'], { dev: 'v0', address: '10.0.0.1/24', validLft: 100, preferredLft: 50 });
addr('add ipv4 forever', ['add', '10.0.0.1/24', 'dev', 'v0', 'valid_lft', 'forever', 'preferred_lft', 'forever'], { dev: 'v0', address: '10.0.0.1/24', validLft: 'forever', preferredLft: 'forever' });
addr('add ipv4 preferred_lft 0', ['add', '10.0.0.1/24', 'dev', 'v0', 'preferred_lft', '0'], { dev: 'v0', address: '10.0.0.1/24', preferredLft: 0 });
addr('add ipv4 metric', ['add', '10.0.0.1/24', 'dev', 'v0', 'metric', '10'], { dev: 'v0', address: '10.0.0.1/24', metric: 10 });
addr('add ipv4 noprefixroute', ['add', '10.0.0.1/24', 'dev', 'v0', 'noprefixroute'], { dev: 'v0', address: '10.0.0.1/24', flags: ['noprefixroute'] });
addr('add ipv4 autojoin', ['add', '224.1.1.1/32', 'dev', 'v0', 'autojoin'], { dev: 'v0', address: '224.1.1.1/32', flags: ['autojoin'] });
addr('add ipv4 by index', ['add', '10.0.0.1/24', 'dev', 'v0'], { index: 3, address: '10.0.0.1/24' });
addr('add ipv6', ['add', '2001:db8::1/64', 'dev', 'v0'], { dev: 'v0', address: '2001:db8::1/64' });
addr('add ipv6 /128', ['add', '2001:db8::1', 'dev', 'v0'], { dev: 'v0', address: '2001:db8::1' });
addr('add ipv6 nodad', ['add', '2001:db8::1/64', 'dev', 'v0', 'nodad'], { dev: 'v0', address: '2001:db8::1/64', flags: ['nodad'] });
addr('add ipv6 optimistic', ['add', '2001:db8::1/64', 'dev', 'v0', 'optimistic'], { dev: 'v0', address: '2001:db8::1/64', flags: ['optimistic'] });
addr('add ipv6 home', ['add', '2001:db8::1/64', 'dev', 'v0', 'home'], { dev: 'v0', address: '2001:db8::1/64', flags: ['home'] });
addr('add ipv6 mngtmpaddr', ['add', '2001:db8::1/64', 'dev', 'v0', 'mngtmpaddr'], { dev: 'v0', address: '2001:db8::1/64', flags: ['mngtmpaddr'] });
addr('add ipv6 noprefixroute nodad', ['add', '2001:db8::1/64', 'dev', 'v0', 'noprefixroute', 'nodad'], { dev: 'v0', address: '2001:db8::1/64', flags: ['noprefixroute', 'nodad'] }, { differs: 'puts the low flag bits in ifa_flags beside IFA_FLAGS (ip fills one or the other; the kernel reads IFA_FLAGS when present)', show: ['addr', 'show', 'dev', 'v0'] });
addr('add ipv6 lifetimes', ['add', '2001:db8::1/64', 'dev', 'v0', 'valid_lft', '300', 'preferred_lft', '200'], { dev: 'v0', address: '2001:db8::1/64', validLft: 300, preferredLft: 200 });
addr('add ipv6 metric', ['add', '2001:db8::1/64', 'dev', 'v0', 'metric', '256'], { dev: 'v0', address: '2001:db8::1/64', metric: 256 });
addr('add ipv6 peer', ['add', '2001:db8::1', 'peer', '2001:db8::2', 'dev', 'v0'], { dev: 'v0', address: '2001:db8::1', peer: '2001:db8::2' });
addr('add ipv6 scope link', ['add', 'fe80::5/64', 'dev', 'v0', 'scope', 'link'], { dev: 'v0', address: 'fe80::5/64', scope: 'link' });
addr('add ipv6 anycast', ['add', 'anycast', '2001:db8::', 'dev', 'v0'], { dev: 'v0', anycast: '2001:db8::' });
addr('replace ipv4', ['replace', '10.0.0.1/24', 'dev', 'v0'], { dev: 'v0', address: '10.0.0.1/24' }, { verb: 'replace' });
addr('replace ipv4 lifetimes', ['replace', '10.0.0.1/24', 'dev', 'v0', 'valid_lft', '60', 'preferred_lft', '30'], { dev: 'v0', address: '10.0.0.1/24', validLft: 60, preferredLft: 30 }, { verb: 'replace', setup: A4 });
addr('replace ipv6', ['replace', '2001:db8::1/64', 'dev', 'v0', 'nodad'], { dev: 'v0', address: '2001:db8::1/64', flags: ['nodad'] }, { verb: 'replace' });
addr('del ipv4', ['del', '10.0.0.1/24', 'dev', 'v0'], { dev: 'v0', address: '10.0.0.1/24' }, { verb: 'del', setup: A4 });
addr('del ipv4 without prefix', ['del', '10.0.0.1', 'dev', 'v0'], { dev: 'v0', address: '10.0.0.1' }, { verb: 'del', setup: [['addr', 'add', '10.0.0.1/32', 'dev', 'v0']] });
addr('del ipv4 label', ['del', '10.0.0.1/24', 'dev', 'v0', 'label', 'v0:1'], { dev: 'v0', address: '10.0.0.1/24', label: 'v0:1' }, { verb: 'del', setup: [['addr', 'add', '10.0.0.1/24', 'dev', 'v0', 'label', 'v0:1']] });
addr('del ipv4 peer', ['del', '10.0.0.1', 'peer', '10.0.0.2/32', 'dev', 'v0'], { dev: 'v0', address: '10.0.0.1', peer: '10.0.0.2/32' }, { verb: 'del', setup: [['addr', 'add', '10.0.0.1', 'peer', '10.0.0.2/32', 'dev', 'v0']] });
addr('del ipv6', ['del', '2001:db8::1/64', 'dev', 'v0'], { dev: 'v0', address: '2001:db8::1/64' }, { verb: 'del', setup: A6 });
addr('change ipv4 lifetimes', ['change', '10.0.0.1/24', 'dev', 'v0', 'valid_lft', '60', 'preferred_lft', '30'], { dev: 'v0', address: '10.0.0.1/24', validLft: 60, preferredLft: 30 }, { verb: 'change', setup: A4 });
addr('change ipv6 flags', ['change', '2001:db8::1/64', 'dev', 'v0', 'nodad', 'noprefixroute'], { dev: 'v0', address: '2001:db8::1/64', flags: ['nodad', 'noprefixroute'] }, { verb: 'change', setup: A6, differs: 'puts the low flag bits in ifa_flags beside IFA_FLAGS (ip fills one or the other; the kernel reads IFA_FLAGS when present)', show: ['addr', 'show', 'dev', 'v0'] });

// ---------------------------------------------------------------------------
// ip route
const RS = [...A4, ...A6];
const route = (name, cmd, opts, extra = {}) => row({ name: `route ${name}`, cmd: ['route', ...cmd], setup: RS, lib: (nl) => nl.route[extra.verb ?? 'add'](opts), ...extra });
route('add via', ['add', '10.9.0.0/16', 'via', '10.0.0.254'], { dst: '10.9.0.0/16', via: '10.0.0.254' });
route('add dev', ['add', '10.9.0.0/16', 'dev', 'v0'], { dst: '10.9.0.0/16', dev: 'v0' });
route('add via dev', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'dev', 'v0'], { dst: '10.9.0.0/16', via: '10.0.0.254', dev: 'v0' });
route('add host', ['add', '10.9.1.1', 'via', '10.0.0.254'], { dst: '10.9.1.1', via: '10.0.0.254' });
route('add default', ['add', 'default', 'via', '10.0.0.254'], { dst: 'default', via: '10.0.0.254' });
route('add 0.0.0.0/0', ['add', '0.0.0.0/0', 'via', '10.0.0.254'], { dst: '0.0.0.0/0', via: '10.0.0.254' }, { differs: DEFAULT_DST, show: ['route', 'show'] });
route('add metric', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'metric', '100'], { dst: '10.9.0.0/16', via: '10.0.0.254', metric: 100 });
route('add table 100', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'table', '100'], { dst: '10.9.0.0/16', via: '10.0.0.254', table: 100 });
route('add table 1000', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'table', '1000'], { dst: '10.9.0.0/16', via: '10.0.0.254', table: 1000 });
route('add table main', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'table', 'main'], { dst: '10.9.0.0/16', via: '10.0.0.254', table: 'main' });
route('add proto static', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'proto', 'static'], { dst: '10.9.0.0/16', via: '10.0.0.254', protocol: 'static' });
route('add proto 99', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'proto', '99'], { dst: '10.9.0.0/16', via: '10.0.0.254', protocol: 99 });
route('add scope link', ['add', '10.9.0.0/16', 'dev', 'v0', 'scope', 'link'], { dst: '10.9.0.0/16', dev: 'v0', scope: 'link' });
route('add src', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'src', '10.0.0.1'], { dst: '10.9.0.0/16', via: '10.0.0.254', src: '10.0.0.1' });
route('add tos', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'tos', '0x10'], { dst: '10.9.0.0/16', via: '10.0.0.254', tos: 0x10 });
route('add realm', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'realm', '5'], { dst: '10.9.0.0/16', via: '10.0.0.254', realm: 5 });
route('add onlink', ['add', '10.9.0.0/16', 'via', '10.1.1.1', 'dev', 'v0', 'onlink'], { dst: '10.9.0.0/16', via: '10.1.1.1', dev: 'v0', onlink: true });
route('add mtu', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'mtu', '1400'], { dst: '10.9.0.0/16', via: '10.0.0.254', metrics: { mtu: 1400 } });
route('add mtu lock', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'mtu', 'lock', '1400'], { dst: '10.9.0.0/16', via: '10.0.0.254', metrics: { mtu: 1400, lock: ['mtu'] } });
route('add advmss window rtt', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'advmss', '1300', 'window', '65535', 'rtt', '100ms'], { dst: '10.9.0.0/16', via: '10.0.0.254', metrics: { advmss: 1300, window: 65535, rtt: 100 } });
route('add initcwnd initrwnd', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'initcwnd', '10', 'initrwnd', '20'], { dst: '10.9.0.0/16', via: '10.0.0.254', metrics: { initcwnd: 10, initrwnd: 20 } });
route('add hoplimit reordering', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'hoplimit', '32', 'reordering', '5'], { dst: '10.9.0.0/16', via: '10.0.0.254', metrics: { hoplimit: 32, reordering: 5 } });
route('add quickack features ecn', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'quickack', '1', 'features', 'ecn'], { dst: '10.9.0.0/16', via: '10.0.0.254', metrics: { quickack: 1, features: ['ecn'] } });
route('add congctl', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'congctl', 'reno'], { dst: '10.9.0.0/16', via: '10.0.0.254', metrics: { ccAlgo: 'reno' } }, { differs: 'writes RTAX_CC_ALGO with its NUL (ip without; the kernel copies it as a bounded string either way)', show: ['route', 'show'] });
route('add rttvar ssthresh cwnd', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'rttvar', '50ms', 'ssthresh', '100', 'cwnd', '10'], { dst: '10.9.0.0/16', via: '10.0.0.254', metrics: { rttvar: 50, ssthresh: 100, cwnd: 10 } });
route('add rto_min fastopen_no_cookie', ['add', '10.9.0.0/16', 'via', '10.0.0.254', 'rto_min', '200', 'fastopen_no_cookie', '1'], { dst: '10.9.0.0/16', via: '10.0.0.254', metrics: { rtoMin: 200, fastopenNoCookie: 1 } });
for (const type of ['blackhole', 'unreachable', 'prohibit', 'throw'])
  route(`add ${type}`, ['add', type, '10.9.0.0/16'], { dst: '10.9.0.0/16', type });
route('add local', ['add', 'local', '10.0.0.5', 'dev', 'v0'], { dst: '10.0.0.5', type: 'local', dev: 'v0' });
route('add local table local', ['add', 'local', '10.0.0.5', 'dev', 'v0', 'table', 'local'], { dst: '10.0.0.5', type: 'local', dev: 'v0', table: 'local' });
route('add broadcast', ['add', 'broadcast', '10.0.0.255', 'dev', 'v0', 'table', 'local'], { dst: '10.0.0.255', type: 'broadcast', dev: 'v0', table: 'local' });
route('add multipath', ['add', '10.9.0.0/16', 'nexthop', 'via', '10.0.0.254', 'weight', '1', 'nexthop', 'via', '10.0.0.253', 'weight', '2'], { dst: '10.9.0.0/16', nexthops: [{ via: '10.0.0.254', weight: 1 }, { via: '10.0.0.253', weight: 2 }] });
route('add multipath dev', ['add', '10.9.0.0/16', 'nexthop', 'via', '10.0.0.254', 'dev', 'v0', 'nexthop', 'dev', 'v1'], { dst: '10.9.0.0/16', nexthops: [{ via: '10.0.0.254', dev: 'v0' }, { dev: 'v1' }] });
route('add multipath onlink', ['add', '10.9.0.0/16', 'nexthop', 'via', '10.1.1.1', 'dev', 'v0', 'onlink', 'nexthop', 'via', '10.0.0.253'], { dst: '10.9.0.0/16', nexthops: [{ via: '10.1.1.1', dev: 'v0', onlink: true }, { via: '10.0.0.253' }] });
route('add via inet6 (RTA_VIA)', ['add', '10.9.0.0/16', 'via', 'inet6', 'fe80::1', 'dev', 'v0'], { dst: '10.9.0.0/16', via: 'fe80::1', dev: 'v0' });
route('add ipv6 via', ['add', '2001:db8:1::/48', 'via', '2001:db8::fe'], { dst: '2001:db8:1::/48', via: '2001:db8::fe' });
route('add ipv6 dev', ['add', '2001:db8:1::/48', 'dev', 'v0'], { dst: '2001:db8:1::/48', dev: 'v0' });
route('add ipv6 default', ['add', 'default', 'via', '2001:db8::fe'], { dst: '::/0', via: '2001:db8::fe' });
route('add -6 default', ['-6', 'add', 'default', 'via', '2001:db8::fe'], { family: 'inet6', dst: 'default', via: '2001:db8::fe' }, { cmd: ['-6', 'route', 'add', 'default', 'via', '2001:db8::fe'], differs: DEFAULT_DST, show: ['-6', 'route', 'show'] });
route('add ipv6 metric', ['add', '2001:db8:1::/48', 'via', '2001:db8::fe', 'metric', '1024'], { dst: '2001:db8:1::/48', via: '2001:db8::fe', metric: 1024 });
route('add ipv6 pref high', ['add', '2001:db8:1::/48', 'via', '2001:db8::fe', 'pref', 'high'], { dst: '2001:db8:1::/48', via: '2001:db8::fe', pref: 'high' });
route('add ipv6 expires', ['add', '2001:db8:1::/48', 'via', '2001:db8::fe', 'expires', '100'], { dst: '2001:db8:1::/48', via: '2001:db8::fe', expires: 100 });
route('add ipv6 from', ['add', '2001:db8:1::/48', 'from', '2001:db8:2::/48', 'via', '2001:db8::fe'], { dst: '2001:db8:1::/48', from: '2001:db8:2::/48', via: '2001:db8::fe' });
route('add ipv6 blackhole', ['add', 'blackhole', '2001:db8:1::/48'], { dst: '2001:db8:1::/48', type: 'blackhole' });
route('add ipv6 table', ['add', '2001:db8:1::/48', 'dev', 'v0', 'table', '200'], { dst: '2001:db8:1::/48', dev: 'v0', table: 200 });
route('add ipv6 mtu', ['add', '2001:db8:1::/48', 'via', '2001:db8::fe', 'mtu', '1400'], { dst: '2001:db8:1::/48', via: '2001:db8::fe', metrics: { mtu: 1400 } });
route('add ipv6 multipath', ['add', '2001:db8:1::/48', 'nexthop', 'via', '2001:db8::fe', 'nexthop', 'via', '2001:db8::fd'], { dst: '2001:db8:1::/48', nexthops: [{ via: '2001:db8::fe' }, { via: '2001:db8::fd' }] });
route('replace', ['replace', '10.9.0.0/16', 'via', '10.0.0.253'], { dst: '10.9.0.0/16', via: '10.0.0.253' }, { verb: 'replace' });
route('replace ipv6', ['replace', '2001:db8:1::/48', 'dev', 'v0'], { dst: '2001:db8:1::/48', dev: 'v0' }, { verb: 'replace' });
route('append ipv6', ['append', '2001:db8:1::/48', 'via', '2001:db8::fd'], { dst: '2001:db8:1::/48', via: '2001:db8::fd' }, { verb: 'append', setup: [...RS, ['route', 'add', '2001:db8:1::/48', 'via', '2001:db8::fe']] });
route('append ipv4', ['append', '10.9.0.0/16', 'via', '10.0.0.253', 'metric', '5'], { dst: '10.9.0.0/16', via: '10.0.0.253', metric: 5 }, { verb: 'append' });
route('del', ['del', '10.9.0.0/16'], { dst: '10.9.0.0/16' }, { verb: 'del', setup: [...RS, ['route', 'add', '10.9.0.0/16', 'via', '10.0.0.254']] });
route('del via', ['del', '10.9.0.0/16', 'via', '10.0.0.254'], { dst: '10.9.0.0/16', via: '10.0.0.254' }, { verb: 'del', setup: [...RS, ['route', 'add', '10.9.0.0/16', 'via', '10.0.0.254']] });
route('del table', ['del', '10.9.0.0/16', 'table', '100'], { dst: '10.9.0.0/16', table: 100 }, { verb: 'del', setup: [...RS, ['route', 'add', '10.9.0.0/16', 'via', '10.0.0.254', 'table', '100']] });
route('del default', ['del', 'default'], { dst: 'default' }, { verb: 'del', setup: [...RS, ['route', 'add', 'default', 'via', '10.0.0.254']] });
route('del metric', ['del', '10.9.0.0/16', 'metric', '100'], { dst: '10.9.0.0/16', metric: 100 }, { verb: 'del', setup: [...RS, ['route', 'add', '10.9.0.0/16', 'via', '10.0.0.254', 'metric', '100']] });
route('del ipv6', ['del', '2001:db8:1::/48'], { dst: '2001:db8:1::/48' }, { verb: 'del', setup: [...RS, ['route', 'add', '2001:db8:1::/48', 'via', '2001:db8::fe']] });
route('del blackhole', ['del', 'blackhole', '10.9.0.0/16'], { dst: '10.9.0.0/16', type: 'blackhole' }, { verb: 'del', setup: [...RS, ['route', 'add', 'blackhole', '10.9.0.0/16']] });
route('change', ['change', '10.9.0.0/16', 'via', '10.0.0.253'], { dst: '10.9.0.0/16', via: '10.0.0.253' }, { verb: 'change', setup: [...RS, ['route', 'add', '10.9.0.0/16', 'via', '10.0.0.254']] });
route('prepend', ['prepend', '10.9.0.0/16', 'via', '10.0.0.253'], { dst: '10.9.0.0/16', via: '10.0.0.253' }, { verb: 'prepend' });

// ---------------------------------------------------------------------------
// ip rule
const rule = (name, cmd, opts, extra = {}) => row({ name: `rule ${name}`, cmd: ['rule', ...cmd], lib: (nl) => nl.rule[extra.verb ?? 'add'](opts), ...extra });
rule('add from table', ['add', 'from', '10.0.0.0/8', 'table', '100'], { from: '10.0.0.0/8', table: 100 });
rule('add to table', ['add', 'to', '10.0.0.0/8', 'table', '100'], { to: '10.0.0.0/8', table: 100 });
rule('add from to', ['add', 'from', '10.0.0.0/8', 'to', '192.168.0.0/16', 'table', '100'], { from: '10.0.0.0/8', to: '192.168.0.0/16', table: 100 });
rule('add priority', ['add', 'table', '100', 'priority', '100'], { table: 100, priority: 100 });
rule('add from all', ['add', 'from', 'all', 'table', '100', 'priority', '100'], { table: 100, priority: 100 }, { differs: 'sends no FRA_SRC for `from all` (ip sends an empty one; the kernel treats both as any source)', show: ['rule', 'show'] });
rule('add pref lookup main', ['add', 'from', '10.0.0.0/8', 'lookup', 'main', 'pref', '50'], { from: '10.0.0.0/8', table: 'main', priority: 50 });
rule('add table 1000', ['add', 'from', '10.0.0.0/8', 'table', '1000'], { from: '10.0.0.0/8', table: 1000 });
rule('add fwmark', ['add', 'fwmark', '0x10', 'table', '100'], { fwmark: 0x10, table: 100 });
rule('add fwmark mask', ['add', 'fwmark', '0x10/0xff', 'table', '100'], { fwmark: 0x10, fwmask: 0xff, table: 100 });
rule('add iif', ['add', 'iif', 'v0', 'table', '100'], { iif: 'v0', table: 100 });
rule('add oif', ['add', 'oif', 'v0', 'table', '100'], { oif: 'v0', table: 100 });
rule('add tos', ['add', 'tos', '0x10', 'table', '100'], { tos: 0x10, table: 100 });
rule('add not', ['add', 'not', 'from', '10.0.0.0/8', 'table', '100'], { not: true, from: '10.0.0.0/8', table: 100 });
for (const action of ['prohibit', 'blackhole', 'unreachable'])
  rule(`add ${action}`, ['add', 'from', '10.0.0.0/8', action], { from: '10.0.0.0/8', action });
rule('add nop', ['add', 'from', '10.0.0.0/8', 'nop'], { from: '10.0.0.0/8', action: 'nop' });
rule('add goto', ['add', 'from', '10.0.0.0/8', 'goto', '200', 'pref', '100'], { from: '10.0.0.0/8', action: 'goto', goto: 200, priority: 100 }, { setup: [['rule', 'add', 'pref', '200', 'table', '100']] });
rule('add suppress_prefixlength', ['add', 'table', '100', 'suppress_prefixlength', '0'], { table: 100, suppressPrefixlen: 0 });
rule('add suppress_ifgroup', ['add', 'table', '100', 'suppress_ifgroup', '5'], { table: 100, suppressIfgroup: 5 });
rule('add realms', ['add', 'from', '10.0.0.0/8', 'realms', '5', 'table', '100'], { from: '10.0.0.0/8', realms: 5, table: 100 });
rule('add tun_id', ['add', 'tun_id', '5', 'table', '100'], { tunId: 5, table: 100 });
rule('add uidrange', ['add', 'uidrange', '100-200', 'table', '100'], { uidrange: [100, 200], table: 100 });
rule('add ipproto tcp', ['add', 'ipproto', 'tcp', 'table', '100'], { ipproto: 'tcp', table: 100 });
rule('add ipproto udp dport', ['add', 'ipproto', 'udp', 'dport', '53', 'table', '100'], { ipproto: 'udp', dport: 53, table: 100 });
rule('add sport range', ['add', 'ipproto', 'tcp', 'sport', '1000-2000', 'table', '100'], { ipproto: 'tcp', sport: [1000, 2000], table: 100 });
rule('add protocol', ['add', 'from', '10.0.0.0/8', 'table', '100', 'protocol', 'static'], { from: '10.0.0.0/8', table: 100, protocol: 'static' });
rule('add l3mdev', ['add', 'l3mdev', 'pref', '1000'], { l3mdev: true, priority: 1000 });
rule('add -6 from', ['-6', 'rule', 'add', 'from', '2001:db8::/32', 'table', '100'], { family: 'inet6', from: '2001:db8::/32', table: 100 }, { cmd: ['-6', 'rule', 'add', 'from', '2001:db8::/32', 'table', '100'] });
rule('add -6 to pref', ['-6', 'rule', 'add', 'to', '2001:db8::/32', 'table', '100', 'pref', '5'], { family: 'inet6', to: '2001:db8::/32', table: 100, priority: 5 }, { cmd: ['-6', 'rule', 'add', 'to', '2001:db8::/32', 'table', '100', 'pref', '5'] });
rule('add -6 fwmark', ['-6', 'rule', 'add', 'fwmark', '1', 'table', '100'], { family: 'inet6', fwmark: 1, table: 100 }, { cmd: ['-6', 'rule', 'add', 'fwmark', '1', 'table', '100'] });
rule('del from table', ['del', 'from', '10.0.0.0/8', 'table', '100'], { from: '10.0.0.0/8', table: 100 }, { verb: 'del', setup: [['rule', 'add', 'from', '10.0.0.0/8', 'table', '100']], differs: 'names the action (FR_ACT_TO_TBL) of a rule it deletes by table; ip leaves it unspecified (any action matches)', show: ['rule', 'show'] });
rule('del pref', ['del', 'pref', '100'], { priority: 100 }, { verb: 'del', setup: [['rule', 'add', 'pref', '100', 'table', '100']] });
rule('del -6 pref', ['-6', 'rule', 'del', 'pref', '100'], { family: 'inet6', priority: 100 }, { verb: 'del', cmd: ['-6', 'rule', 'del', 'pref', '100'], setup: [['-6', 'rule', 'add', 'pref', '100', 'table', '100']] });

// ---------------------------------------------------------------------------
// ip neigh
const neigh = (name, cmd, opts, extra = {}) => row({ name: `neigh ${name}`, cmd: ['neigh', ...cmd], lib: (nl) => nl.neigh[extra.verb ?? 'add'](opts), ...extra });
neigh('add', ['add', '10.0.0.2', 'lladdr', MAC, 'dev', 'v0'], { address: '10.0.0.2', lladdr: MAC, dev: 'v0' });
for (const nud of ['reachable', 'stale', 'noarp', 'permanent', 'delay', 'probe', 'failed', 'incomplete'])
  neigh(`add nud ${nud}`, ['add', '10.0.0.2', 'lladdr', MAC, 'dev', 'v0', 'nud', nud], { address: '10.0.0.2', lladdr: MAC, dev: 'v0', state: nud });
neigh('add ipv6', ['add', '2001:db8::2', 'lladdr', MAC, 'dev', 'v0'], { address: '2001:db8::2', lladdr: MAC, dev: 'v0' });
neigh('add ipv6 router', ['add', '2001:db8::2', 'lladdr', MAC, 'dev', 'v0', 'router'], { address: '2001:db8::2', lladdr: MAC, dev: 'v0', router: true });
neigh('add proxy', ['add', 'proxy', '10.0.0.5', 'dev', 'v0'], { address: '10.0.0.5', dev: 'v0', proxy: true });
neigh('add ipv6 proxy', ['add', 'proxy', '2001:db8::5', 'dev', 'v0'], { address: '2001:db8::5', dev: 'v0', proxy: true });
neigh('add extern_learn', ['add', '10.0.0.2', 'lladdr', MAC, 'dev', 'v0', 'extern_learn'], { address: '10.0.0.2', lladdr: MAC, dev: 'v0', extLearned: true });
neigh('add protocol', ['add', '10.0.0.2', 'lladdr', MAC, 'dev', 'v0', 'protocol', 'static'], { address: '10.0.0.2', lladdr: MAC, dev: 'v0', protocol: 'static' });
neigh('add managed', ['add', '10.0.0.2', 'dev', 'v0', 'managed'], { address: '10.0.0.2', dev: 'v0', managed: true });
neigh('add by index', ['add', '10.0.0.2', 'lladdr', MAC, 'dev', 'v0'], { address: '10.0.0.2', lladdr: MAC, index: 3 });
neigh('replace', ['replace', '10.0.0.2', 'lladdr', MAC, 'dev', 'v0'], { address: '10.0.0.2', lladdr: MAC, dev: 'v0' }, { verb: 'replace' });
neigh('replace nud reachable', ['replace', '10.0.0.2', 'lladdr', MAC, 'dev', 'v0', 'nud', 'reachable'], { address: '10.0.0.2', lladdr: MAC, dev: 'v0', state: 'reachable' }, { verb: 'replace' });
neigh('replace ipv6', ['replace', '2001:db8::2', 'lladdr', MAC, 'dev', 'v0'], { address: '2001:db8::2', lladdr: MAC, dev: 'v0' }, { verb: 'replace' });
neigh('del', ['del', '10.0.0.2', 'dev', 'v0'], { address: '10.0.0.2', dev: 'v0' }, { verb: 'del', setup: [['neigh', 'add', '10.0.0.2', 'lladdr', MAC, 'dev', 'v0']], differs: NEIGH_DEL_STATE, show: ['neigh', 'show'] });
neigh('del ipv6', ['del', '2001:db8::2', 'dev', 'v0'], { address: '2001:db8::2', dev: 'v0' }, { verb: 'del', setup: [['neigh', 'add', '2001:db8::2', 'lladdr', MAC, 'dev', 'v0']], differs: NEIGH_DEL_STATE, show: ['neigh', 'show'] });
neigh('del proxy', ['del', 'proxy', '10.0.0.5', 'dev', 'v0'], { address: '10.0.0.5', dev: 'v0', proxy: true }, { verb: 'del', setup: [['neigh', 'add', 'proxy', '10.0.0.5', 'dev', 'v0']], differs: NEIGH_DEL_STATE, show: ['neigh', 'show', 'proxy'] });
neigh('change', ['change', '10.0.0.2', 'lladdr', MAC, 'dev', 'v0', 'nud', 'stale'], { address: '10.0.0.2', lladdr: MAC, dev: 'v0', state: 'stale' }, { verb: 'change', setup: [['neigh', 'add', '10.0.0.2', 'lladdr', MAC, 'dev', 'v0']] });

// ---------------------------------------------------------------------------
// bridge fdb
const fdb = (name, cmd, opts, extra = {}) => row({ name: `fdb ${name}`, tool: 'bridge', cmd: ['fdb', ...cmd], setup: BR, lib: (nl) => nl.neigh[extra.verb ?? 'add']({ family: 'bridge', ...opts }), ...extra });
fdb('add master', ['add', MAC, 'dev', 'v0', 'master'], { lladdr: MAC, dev: 'v0', master: true });
fdb('add master static', ['add', MAC, 'dev', 'v0', 'master', 'static'], { lladdr: MAC, dev: 'v0', master: true, state: ['noarp', 'reachable'] });
fdb('add master dynamic', ['add', MAC, 'dev', 'v0', 'master', 'dynamic'], { lladdr: MAC, dev: 'v0', master: true, state: 'reachable' });
fdb('add master permanent', ['add', MAC, 'dev', 'v0', 'master', 'permanent'], { lladdr: MAC, dev: 'v0', master: true, state: ['permanent', 'noarp'] });
fdb('add master vlan', ['add', MAC, 'dev', 'v0', 'master', 'vlan', '10'], { lladdr: MAC, dev: 'v0', master: true, vlan: 10 });
fdb('add master sticky', ['add', MAC, 'dev', 'v0', 'master', 'sticky'], { lladdr: MAC, dev: 'v0', master: true, sticky: true });
fdb('add master extern_learn', ['add', MAC, 'dev', 'v0', 'master', 'extern_learn'], { lladdr: MAC, dev: 'v0', master: true, extLearned: true });
fdb('add self', ['add', MAC, 'dev', 'v0', 'self'], { lladdr: MAC, dev: 'v0', self: true });
fdb('add (self by default)', ['add', MAC, 'dev', 'v0'], { lladdr: MAC, dev: 'v0' });
fdb('add self master', ['add', MAC, 'dev', 'v0', 'self', 'master'], { lladdr: MAC, dev: 'v0', self: true, master: true });
fdb('replace master', ['replace', MAC, 'dev', 'v0', 'master'], { lladdr: MAC, dev: 'v0', master: true }, { verb: 'replace' });
fdb('replace master vlan', ['replace', MAC, 'dev', 'v0', 'master', 'vlan', '20', 'static'], { lladdr: MAC, dev: 'v0', master: true, vlan: 20, state: ['noarp', 'reachable'] }, { verb: 'replace' });
fdb('del master', ['del', MAC, 'dev', 'v0', 'master'], { lladdr: MAC, dev: 'v0', master: true }, { verb: 'del', setup: [...BR, ['bridge', 'fdb', 'add', MAC, 'dev', 'v0', 'master']], differs: NEIGH_DEL_STATE, show: ['bridge', 'fdb', 'show'] });
fdb('del self', ['del', MAC, 'dev', 'v0', 'self'], { lladdr: MAC, dev: 'v0', self: true }, { verb: 'del', setup: [...BR, ['bridge', 'fdb', 'add', MAC, 'dev', 'v0', 'self']] });
const VXS = [...BR, ...VX, ...A4];
fdb('add vxlan dst', ['add', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '10.0.0.2'], { lladdr: '00:00:00:00:00:00', dev: 'vx0', dst: '10.0.0.2' }, { setup: VXS });
fdb('add vxlan dst self permanent', ['add', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '10.0.0.2', 'self', 'permanent'], { lladdr: '00:00:00:00:00:00', dev: 'vx0', dst: '10.0.0.2', self: true, state: ['permanent', 'noarp'] }, { setup: VXS });
fdb('add vxlan dst port vni', ['add', MAC, 'dev', 'vx0', 'dst', '10.0.0.2', 'port', '4790', 'vni', '100'], { lladdr: MAC, dev: 'vx0', dst: '10.0.0.2', port: 4790, vni: 100 }, { setup: VXS });
fdb('add vxlan dst via', ['add', MAC, 'dev', 'vx0', 'dst', '10.0.0.2', 'via', 'v0'], { lladdr: MAC, dev: 'vx0', dst: '10.0.0.2', via: 'v0' }, { setup: VXS });
fdb('add vxlan src_vni', ['add', MAC, 'dev', 'vx0', 'dst', '10.0.0.2', 'src_vni', '42'], { lladdr: MAC, dev: 'vx0', dst: '10.0.0.2', srcVni: 42 }, { setup: VXS });
fdb('add vxlan ipv6 dst', ['add', MAC, 'dev', 'vx0', 'dst', '2001:db8::2'], { lladdr: MAC, dev: 'vx0', dst: '2001:db8::2' }, { setup: VXS });
fdb('append vxlan dst', ['append', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '10.0.0.3'], { lladdr: '00:00:00:00:00:00', dev: 'vx0', dst: '10.0.0.3' }, { verb: 'append', setup: [...VXS, ['link', 'set', 'vx0', 'up']] });
fdb('del vxlan dst', ['del', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '10.0.0.2'], { lladdr: '00:00:00:00:00:00', dev: 'vx0', dst: '10.0.0.2' }, { verb: 'del', differs: NEIGH_DEL_STATE, show: ['bridge', 'fdb', 'show'], setup: [...VXS, ['bridge', 'fdb', 'add', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '10.0.0.2']] });

// ---------------------------------------------------------------------------
// ip netns set (namespace ids)
row({ name: 'netns set id', cmd: ['netns', 'set', 'peer', '7'], peer: true, lib: (nl, peer) => nl.netns.setId({ path: peer }, 7), differs: "opens the namespace itself: the fd number in NETNSA_FD is each process's own", show: ['netns', 'list-id'] });
row({ name: 'netns set id auto', cmd: ['netns', 'set', 'peer', 'auto'], peer: true, lib: (nl, peer) => nl.netns.setId({ path: peer }, 'auto'), differs: "opens the namespace itself: the fd number in NETNSA_FD is each process's own", show: ['netns', 'list-id'] });

/**
 * Shell lines that make `path` the named namespace 'peer' for iproute2: a
 * tmpfs on /run (the caller is in a mount namespace of its own), then
 * /run/netns/peer bound to the namespace.
 */
export const PEER_RUN = (path) => [
  'mount -t tmpfs -o mode=755 tmpfs /run',
  'mkdir /run/netns',
  'touch /run/netns/peer',
  `mount --bind ${path} /run/netns/peer`,
];
