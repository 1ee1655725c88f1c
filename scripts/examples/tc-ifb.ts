import { netns } from 'rtnetlink';

await using ns = await netns.create();   // a throw-away namespace; its eth0 is one end of a veth pair
const nl = ns.open();
await nl.link.add({ name: 'eth0', kind: 'veth', up: true, info: { peer: { name: 'eth1' } } });

await nl.link.add({ name: 'ifb0', kind: 'ifb', up: true });                 // ip link add ifb0 up type ifb
await nl.tc.qdisc.add({ dev: 'eth0', kind: 'ingress' });                    // tc qdisc add dev eth0 ingress
// tc filter add dev eth0 parent ffff: protocol all u32 match u32 0 0 action mirred egress redirect dev ifb0
await nl.tc.filter.add({ dev: 'eth0', parent: 'ffff:', protocol: 'all', kind: 'u32',
  options: { match: [{ u32: 0, mask: 0, at: 0 }], actions: [{ kind: 'mirred', direction: 'egress', mirredAction: 'redirect', dev: 'ifb0' }] } });
// tc qdisc add dev ifb0 root handle 1: htb default 10; tc class add dev ifb0 parent 1: classid 1:10 htb rate 20mbit
await nl.tc.qdisc.add({ dev: 'ifb0', handle: '1:', kind: 'htb', options: { default: 0x10 } });
await nl.tc.class.add({ dev: 'ifb0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '20mbit' } });
console.log(await nl.tc.filter.list({ dev: 'eth0', parent: 'ffff:' })); // tc filter show dev eth0 parent ffff:
