// Demo: inside a network namespace it makes itself, build a small topology
// with the library (a bridge, three veth pairs as ports, links up), print it
// as a table, then tear it all down. Runs as root or rootless:
//   npm run demo
//   unshare --user --map-root-user --net --mount npm run demo
import { netns } from '../dist/index.js';

const ns = await netns.create(); // an anonymous namespace: only lo, down; gone when closed
const nl = ns.open(); // a handle whose socket lives inside it (ip -n …)
const t0 = performance.now();
try {
  await nl.link.set('lo', { up: true });
  await nl.link.add({ name: 'br0', kind: 'bridge', up: true, info: { stpState: 0, forwardDelay: 0 } });
  await Promise.all(
    [1, 2, 3].map((i) =>
      nl.link.add({ name: `host${i}`, kind: 'veth', mtu: 1400, up: true, info: { peer: { name: `port${i}`, mtu: 1400 } } }),
    ),
  );
  await Promise.all([1, 2, 3].map((i) => nl.link.set(`port${i}`, { master: 'br0', up: true })));
  await Promise.all([1, 2, 3].map((i) => nl.address.add({ dev: `host${i}`, address: `10.0.0.${i}/24` })));
  await nl.address.add({ dev: 'br0', address: '10.0.0.254/24' });
  const built = performance.now() - t0;

  const links = await nl.link.list();
  const byIndex = new Map(links.map((l) => [l.index, l.name]));
  const addrs = await nl.address.list();
  const rows = links.map((l) => ({
    index: String(l.index),
    name: l.name + (l.link ? `@${byIndex.get(l.link) ?? l.link}` : ''),
    kind: l.kind ?? (l.linkType === 'loopback' ? 'loopback' : ''),
    state: l.operstate ?? '',
    mtu: String(l.mtu),
    master: l.master ? byIndex.get(l.master) ?? String(l.master) : '',
    mac: l.address ?? '',
    addresses: addrs.filter((a) => a.index === l.index).map((a) => `${a.address}/${a.prefixlen}`).join(' '),
  }));
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (r) => cols.map((c, i) => r[c].padEnd(width[i])).join('  ');
  console.log(line(Object.fromEntries(cols.map((c) => [c, c.toUpperCase()]))));
  for (const r of rows) console.log(line(r));
  console.log(`\nbuilt in ${built.toFixed(1)} ms inside a private network namespace`);
} finally {
  // One bulk delete (a group delete in the kernel), then the namespace itself.
  const t1 = performance.now();
  await nl.link.del((l) => l.name !== 'lo').catch((e) => console.error(e.message));
  console.log(`torn down in ${(performance.now() - t1).toFixed(1)} ms`);
  await ns.close();
}
