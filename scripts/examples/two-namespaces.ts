import { netns } from 'rtnetlink';

// Two fresh namespaces (only `lo`, down); both vanish when the block ends.
await using a = await netns.create();
await using b = await netns.create();
const na = a.open(); // a handle inside a  (ip -n a …)
const nb = b.open(); // a handle inside b  (ip -n b …)

// ip -n a link add veth-a type veth peer name veth-b netns b
await na.link.add({ name: 'veth-a', kind: 'veth', info: { peer: { name: 'veth-b', netns: b } } });
// ip -n a addr add 10.0.0.1/24 dev veth-a; ip -n b addr add 10.0.0.2/24 dev veth-b
await na.address.add({ dev: 'veth-a', address: '10.0.0.1/24' });
await nb.address.add({ dev: 'veth-b', address: '10.0.0.2/24' });
// ip -n a link set veth-a up; ip -n b link set veth-b up
await na.link.set('veth-a', { up: true });
await nb.link.set('veth-b', { up: true });

// ip netns exec b <server>: a net.Server listening inside b
const server = await b.listen({ address: '10.0.0.2', port: 8080 }, (sock) => sock.end(`hello ${sock.remoteAddress}\n`));
// ip netns exec a <client>: a net.Socket connected from inside a
const client = await a.connect({ host: '10.0.0.2', port: 8080 });
client.setEncoding('utf8');
for await (const text of client) console.log(text.trim()); // hello 10.0.0.1
server.close();
