// Child of lifecycle.test.ts (run with --expose-gc): COUNT handles dropped
// without close(), some used, some with a request in flight when dropped;
// after gc() their sockets must be gone. Prints fd counts as JSON.
// Usage: node --expose-gc gc.mjs DIST COUNT
import { readdirSync } from 'node:fs';
const [dist, count] = process.argv.slice(2);
const { openSync } = await import(`${dist}/index.js`);
const { native } = await import(`${dist}/native.js`);
const fd = native.netnsCreate();
const fds = () => readdirSync('/proc/self/fd').length;
const threads = () => readdirSync('/proc/self/task').length;
const warm = openSync({ netns: { fd } });
await warm.link.list();
await warm.close();
const base = { fds: fds(), threads: threads() };
let peak = 0;
const inflight = [];
(() => {
  for (let i = 0; i < Number(count); i++) {
    const nl = openSync({ netns: { fd } });
    if (i % 3 === 1) inflight.push(nl.link.get('lo')); // dropped with a request in flight: it must still settle
    if (i % 3 === 2) nl.sync.link.list();
  }
  peak = fds();
})();
const settled = (await Promise.allSettled(inflight)).filter((r) => r.status === 'fulfilled').length;
let after = fds();
for (let i = 0; i < 100 && after > base.fds; i++) {
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 20));
  after = fds();
}
console.log(JSON.stringify({ base, peak, after: { fds: after, threads: threads() }, inflight: inflight.length, settled }));
