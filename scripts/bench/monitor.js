// Issue 19's benchmark: a monitor consuming the events of N route adds made by
// another process (another socket), and `ip monitor route` beside it in the
// same run. Prints events/s, events lost, event-loop lag, and the time until
// `ip monitor` printed all its lines.
//
//   node scripts/bench/monitor.js [N=100000]
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { native } = await import(join(root, 'dist', 'native.js'));
const { openSync, monitor } = await import(join(root, 'dist', 'index.js'));
const N = Number(process.argv[2] ?? 100_000);
const fd = native.netnsCreate();
const path = `/proc/${process.pid}/fd/${fd}`;
const nl = openSync({ netns: { fd } });
await nl.link.set('lo', { up: true });

const dst = (i) => `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`;
const ours = (r) => r.table === 'main' && /^10\.1\d\d\./.test(r.dst);

// ip monitor, started first: it counts its route lines.
let ipLines = 0;
let ipDone;
const ipAll = new Promise((r) => (ipDone = r));
const ipmon = spawn('nsenter', [`--net=${path}`, 'ip', 'monitor', 'route'], { stdio: ['ignore', 'pipe', 'inherit'] });
createInterface({ input: ipmon.stdout }).on('line', (l) => {
  if (/^10\.1\d\d\./.test(l) && ++ipLines === N) ipDone(performance.now());
});

const mon = monitor({ netns: { fd }, families: ['route'], ...(process.env.HWM ? { highWaterMark: Number(process.env.HWM) } : {}), ...(process.env.RCVBUF ? { rcvbuf: Number(process.env.RCVBUF) } : {}) });
const lag = monitorEventLoopDelay({ resolution: 1 });
await new Promise((r) => setTimeout(r, 300)); // ip monitor subscribed
lag.enable();
const t0 = performance.now();
const producer = spawn(
  process.execPath,
  ['--input-type=module', '-e', `
    const { openSync } = await import(${JSON.stringify(join(root, 'dist', 'index.js'))});
    const nl = openSync({ netns: { path: ${JSON.stringify(path)} } });
    const dst = ${dst.toString()};
    for (let b = 0; b < ${N}; b += 5000) await nl.batch((x) => { for (let i = b; i < Math.min(${N}, b + 5000); i++) x.route.add({ dst: dst(i), dev: 'lo' }); });
    await nl.close();
  `],
  { stdio: 'inherit' },
);
const produced = new Promise((r) => producer.on('exit', () => r(performance.now())));
let seen = 0;
let lost = 'none';
let tFirst = 0;
let tLast = 0;
try {
  for await (const e of mon) {
    if (e.type === 'route' && e.action === 'new' && ours(e.data)) {
      if (!seen) tFirst = performance.now();
      tLast = performance.now();
      if (++seen === N) break;
    }
  }
} catch (e) {
  lost = `${e.code}: ${e.message}`;
}
lag.disable();
const tProd = await produced;
const tIp = await Promise.race([ipAll, new Promise((r) => setTimeout(() => r(undefined), 30_000))]);
ipmon.kill();
const ms = (v) => `${v.toFixed(0)} ms`;
console.log(JSON.stringify({
  routes: N,
  producerMs: Math.round(tProd - t0),
  monitor: { seen, lost: N - seen, error: lost, eventsPerSecond: Math.round(seen / ((tLast - tFirst) / 1000)), untilLastMs: Math.round(tLast - t0) },
  loopLag: { p99: ms(lag.percentile(99) / 1e6), max: ms(lag.max / 1e6) },
  ipMonitor: { lines: ipLines, untilLastMs: tIp === undefined ? null : Math.round(tIp - t0) },
}, null, 1));
await mon.close();
await nl.close();
process.exit(0);
