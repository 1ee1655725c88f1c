import { open } from 'rtnetlink';

await using nl = await open();                       // or open({ netns: 'blue' }) = ip -n blue …
await nl.link.add({ name: 'br0', kind: 'bridge', up: true, info: { stpState: 0 } }); // ip link add br0 up type bridge stp_state 0
await nl.link.add({ name: 'veth0', kind: 'veth', info: { peer: { name: 'veth1' } } });
await nl.link.set('veth0', { master: 'br0', up: true, mtu: 1400 });        // ip link set veth0 master br0 up mtu 1400
await nl.address.add({ dev: 'br0', address: '10.0.0.1/24' });              // ip addr add 10.0.0.1/24 dev br0
await nl.route.add({ dst: '10.9.0.0/16', via: '10.0.0.254' });             // ip route add 10.9.0.0/16 via 10.0.0.254
console.log(await nl.route.get('10.9.1.1'));                               // ip route get 10.9.1.1
for (const l of await nl.link.list({ kind: 'veth' })) console.log(l.name, l.operstate, l.master);
await nl.link.del({ kind: 'veth' });                                       // bulk: one group delete
