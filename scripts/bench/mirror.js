// Issue 19's mirror figures: memory per route and per link of nl.watch(), time
// to list, and time to converge after a burst made by another socket.
//
//   node --expose-gc scripts/bench/mirror.js [ROUTES=100000] [LINKS=2000]
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { native } = await import(join(root, 'dist', 'native.js'));
const { openSync } = await import(join(root, 'dist', 'index.js'));
const ROUTES = Number(process.argv[2] ?? 100_000);
const LINKS = Number(process.argv[3] ?? 2000);
const gc = globalThis.gc ?? (() => {});
const heap = () => (gc(), gc(), process.memoryUsage().heapUsed);
const fd = native.netnsCreate();
const nl = openSync({ netns: { fd } });
await nl.link.set('lo', { up: true });
const dst = (i) => `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`;
const addRoutes = async (from, n) => {
  for (let b = from; b < from + n; b += 5000) await nl.batch((x) => { for (let i = b; i < Math.min(from + n, b + 5000); i++) x.route.add({ dst: dst(i), dev: 'lo' }); });
};
const result = {};
{
  // links alone: LINKS/2 veth pairs
  await nl.batch((x) => { for (let i = 0; i < LINKS / 2; i++) x.link.add({ name: `m${i}`, kind: 'veth', info: { peer: { name: `n${i}` } } }); });
  const h0 = heap();
  const t0 = performance.now();
  const w = await nl.watch({ tables: ['link'] });
  result.links = { count: w.list('link').length, listMs: Math.round(performance.now() - t0), bytesPerLink: Math.round((heap() - h0) / w.list('link').length) };
  await w.close();
}
{
  await addRoutes(0, ROUTES);
  const h0 = heap();
  const t0 = performance.now();
  const w = await nl.watch({ tables: ['route'] });
  const n = w.list('route').length;
  result.routes = { count: n, listMs: Math.round(performance.now() - t0), bytesPerRoute: Math.round((heap() - h0) / n) };
  // Converge: a burst of 10,000 more by the handle's socket, then until the mirror holds them all.
  let got = 0;
  let done;
  const all = new Promise((r) => (done = r));
  w.on('add', (c) => { if (c.table === 'route' && ++got === 10_000) done(performance.now()); });
  const tb = performance.now();
  await addRoutes(ROUTES, 10_000);
  const tEnd = performance.now();
  const tAll = await all;
  result.burst = { routes: 10_000, burstMs: Math.round(tEnd - tb), convergedAfterBurstMs: Math.round(Math.max(0, tAll - tEnd)) };
  const t1 = performance.now();
  const drift = await w.verify({ settle: 0 });
  result.verify = { differences: drift.length, ms: Math.round(performance.now() - t1) };
  await w.close();
}
console.log(JSON.stringify(result));
await nl.close();
process.exit(0);
