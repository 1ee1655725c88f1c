import { netns } from 'rtnetlink';

await using ns = await netns.create();   // a throw-away namespace; its eth0 is one end of a veth pair
const nl = ns.open();
await nl.link.add({ name: 'eth0', kind: 'veth', up: true, info: { peer: { name: 'eth1' } } });

// tc qdisc add dev eth0 root handle 1: htb default 10
await nl.tc.qdisc.add({ dev: 'eth0', handle: '1:', kind: 'htb', options: { default: 0x10 } });
// tc class add dev eth0 parent 1: classid 1:10 htb rate 10mbit ceil 100mbit burst 15kb
await nl.tc.class.add({ dev: 'eth0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '10mbit', ceil: 100e6, burst: '15kb' } });
// tc filter add dev eth0 parent 1: protocol ip u32 match ip dst 10.0.0.0/24 match ip dport 53 0xffff flowid 1:10
const { pref, handle } = await nl.tc.filter.add({ dev: 'eth0', parent: '1:', protocol: 'ip', kind: 'u32',
  options: { match: [{ ip: { dst: '10.0.0.0/24', dport: 53 } }], flowid: '1:10' } }); // { pref: 49152, handle: '800::800' }
console.log(pref, handle);
console.log(await nl.tc.class.list({ dev: 'eth0' }));                   // tc -s class show dev eth0
