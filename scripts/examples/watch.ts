import { open } from 'rtnetlink';

await using nl = await open();
await nl.link.add({ name: 'veth0', kind: 'veth', info: { peer: { name: 'veth1' } } });
await using w = await nl.watch();                     // links, addresses, routes, neighbours, rules
w.get('link', 'veth0');                               // by name or index
w.list('route', { dev: 'veth0', table: 'all' });      // the families' filters, from memory
w.on('delete', (c) => console.log(c.table, c.key, c.cause));   // 'add', 'change' (c.previous), 'delete'
console.log(await w.verify());                        // re-dumps: [] when nothing drifted
