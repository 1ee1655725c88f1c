import { open } from 'rtnetlink';

await using nl = await open();
await nl.link.add({ name: 'veth0', kind: 'veth', info: { peer: { name: 'veth1' } } });
await nl.address.add({ dev: 'veth0', address: 'fd00::1/64' });
await nl.link.set('veth1', { up: true });
await nl.link.set('veth0', { up: true });
const a = await nl.waitFor('address', (a) => a.address === 'fd00::1' && !a.flags.includes('tentative'), { timeout: 5000 });
console.log(a.address, a.flags);                      // DAD done: no longer tentative
