import { open } from 'rtnetlink';

await using nl = await open();
const tap = await nl.tuntap.open({ name: 'tap0', mode: 'tap' });   // /dev/net/tun opened inside the handle's namespace
await nl.link.set('tap0', { up: true });
tap.on('data', (frame: Buffer) => { /* one Ethernet frame per chunk */ void frame; });
tap.write(Buffer.alloc(60));                                       // one frame in, as if it came from the wire
await nl.tuntap.add({ name: 'tap1', mode: 'tap', multiQueue: true }); // ip tuntap add dev tap1 mode tap multi_queue
console.log((await nl.link.list({ kind: 'tun' })).map((l) => l.name));   // [ 'tap0', 'tap1' ]
tap.destroy();
