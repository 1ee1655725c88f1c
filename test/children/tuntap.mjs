// Child of tuntap.test.ts: TUN/TAP streams at the ends of lives. Workers that
// each read a tap and end by return, throw, process.exit or terminate(); 100
// streams dropped without destroy() and collected (their fds closed); then
// process.exit(0) with a stream still reading. Prints the fd counts.
// Usage: node --expose-gc tuntap.mjs DIST
import { readdirSync, readlinkSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const dist = isMainThread ? process.argv[2] : workerData.dist;
const { openSync } = await import(`${dist}/index.js`);
/** The fds open on /dev/net/tun (worker start-up opens fds of its own: only these are counted). */
const fds = () =>
  readdirSync('/proc/self/fd').filter((f) => {
    try {
      return readlinkSync(`/proc/self/fd/${f}`) === '/dev/net/tun';
    } catch {
      return false;
    }
  }).length;

if (!isMainThread) {
  const nl = openSync({ netns: { fd: workerData.nsFd } });
  const s = await nl.tuntap.open({ name: `w${workerData.i}`, mode: 'tap' });
  s.on('data', () => {});
  parentPort.postMessage('reading');
  const how = workerData.i % 4;
  if (how === 0) process.exit(0);
  if (how === 1) throw new Error('worker ends by throwing');
  if (how === 2) setTimeout(() => {}, 60_000); // terminated by the parent
  // how === 3: returns; the reading stream would keep it alive, so it unrefs
  if (how === 3) s.unref();
} else {
  const { native } = await import(`${dist}/native.js`);
  const nsFd = native.netnsCreate();
  const nl = openSync({ netns: { fd: nsFd } });
  await nl.link.list(); // the handle's own fds, before the baseline
  const base = fds();
  for (let i = 0; i < 20; i++) {
    const w = new Worker(new URL(import.meta.url), { workerData: { dist, nsFd, i } });
    w.on('error', () => {});
    await new Promise((resolve) => w.once('message', resolve));
    if (i % 4 === 2) await w.terminate();
    else await new Promise((resolve) => w.once('exit', resolve));
  }
  const afterWorkers = fds();
  for (let i = 0; i < 100; i++) await nl.tuntap.open({ name: `g${i}`, mode: 'tap' }); // dropped at once
  for (let i = 0; i < 5; i++) {
    global.gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  const afterGc = fds();
  const left = (await nl.link.list({ kind: 'tun' })).map((l) => l.name);
  const s = await nl.tuntap.open({ name: 'last', mode: 'tap' });
  s.on('data', () => {});
  console.log(JSON.stringify({ base, afterWorkers, afterGc, left }));
  setTimeout(() => process.exit(0), 20);
}
