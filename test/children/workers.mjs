// Child of lifecycle.test.ts: 100 worker threads open handles and issue
// requests, and end in every way: return, throw, process.exit() inside, and
// terminate() from here mid-request. Prints thread and fd counts (baseline,
// after) as JSON. Usage: node workers.mjs DIST COUNT
import { Worker } from 'node:worker_threads';
import { readdirSync } from 'node:fs';
const [dist, count] = process.argv.slice(2);
const { openSync } = await import(`${dist}/index.js`);
const { native } = await import(`${dist}/native.js`);
const fd = native.netnsCreate();
const threads = () => readdirSync('/proc/self/task').length;
const fds = () => readdirSync('/proc/self/fd').length;
// The process's I/O and opener threads start on first use: start them before the baseline.
const warm = openSync({ netns: { fd } });
await warm.link.list();
await warm.close();
// Node itself keeps an fd (/dev/null) open after its first worker when stdio is a pipe: not ours, so before the baseline.
await new Promise((resolve) => new Worker('0', { eval: true }).on('exit', resolve));
const base = { threads: threads(), fds: fds() };
const body = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  const { openSync } = await import(workerData.dist + '/index.js');
  const way = workerData.way;
  const handles = [0, 1, 2].map(() => openSync({ netns: { fd: workerData.fd } }));
  const work = handles.flatMap((nl, h) => Array.from({ length: 10 }, (_, j) =>
    nl.link.add({ name: 'w' + workerData.i + 'h' + h + 'j' + j, kind: 'veth', info: { peer: { name: 'x' + workerData.i + 'h' + h + 'j' + j } } }).catch(() => {})));
  parentPort.postMessage('busy');
  if (way === 'terminate') { await new Promise(() => {}); }
  if (way === 'exit') process.exit(3);
  if (way === 'throw') throw new Error('worker fails on purpose');
  if (way === 'close') { await Promise.all(work); await Promise.all(handles.map((h) => h.close())); }
  // 'return': ends with handles open and work in flight
})();
`;
const ways = ['return', 'throw', 'exit', 'terminate', 'close'];
const ends = {};
const N = Number(count);
let running = [];
for (let i = 0; i < N; i++) {
  const way = ways[i % ways.length];
  const w = new Worker(body, { eval: true, workerData: { dist, fd, way, i } });
  const ended = new Promise((resolve) => {
    w.on('error', () => {});
    w.on('exit', (code) => resolve(code));
    w.on('message', () => {
      if (way === 'terminate') setTimeout(() => void w.terminate(), Math.floor(Math.random() * 3));
    });
  });
  running.push(ended.then((code) => (ends[way] = (ends[way] ?? 0) + 1)));
  if (running.length >= 8) {
    await Promise.all(running);
    running = [];
  }
}
await Promise.all(running);
let after = { threads: threads(), fds: fds() };
for (let i = 0; i < 100 && (after.threads > base.threads || after.fds > base.fds); i++) {
  await new Promise((r) => setTimeout(r, 50));
  after = { threads: threads(), fds: fds() };
}
const nl = openSync({ netns: { fd } });
const links = (await nl.link.list()).length;
await nl.close();
console.log(JSON.stringify({ base, after, ends, links }));
