// Benchmark peers of issue 19's workloads (live state), each consuming the
// route adds that another process makes (the raw C peer's `produce` mode,
// pipelined: the same producer for every consumer, so the figures compare
// consumers):
//
//   node --expose-gc live-peer.js lib W7 N RAW                the library's monitor()
//   node live-peer.js ip W7 N RAW                             `ip monitor route`
//   node --expose-gc live-peer.js lib W8 ROUTES LINKS BURST RAW  the library's watch()
//
// W7, monitor: N route adds; the consumer counts the producer's adds it gets
// (lost = N − counted), its events per second (first to last), the time from
// the producer's start to the last event, and (library) the event-loop lag of
// every tick of a 1 ms interval timer.
// W8, mirror: a watch() of links and routes opened on an empty namespace, then
// LINKS links (`ip -batch`, LINKS/2 veth pairs), then ROUTES routes, then a
// burst of BURST more: memory growth per link and per route (RSS after a full
// GC, and the JS heap), time until the mirror holds each batch, verify().
//
// The library's runs make their namespace with native.netnsCreate(); the
// producer and `ip` run in it through nsenter. `ip monitor` runs in the
// namespace it was started in (`unshare -n`).
// Prints { steps: { name: { n, ms, … } }, checks: { name: count } }.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { countRouteLines, ipMonitorErrors, ours, parseProducer } from './live-parse.js';

const [variant, workload, ...rest] = process.argv.slice(2);
const steps = {};
const checks = {};
const notes = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts the producer (in namespace `nsPath`, or this one); resolves with its JSON and the time it exited. */
function produce(raw, n, from, nsPath) {
  const argv = [raw, 'produce', 'pipe', String(n), String(from)];
  const child = nsPath ? spawn('nsenter', [`--net=${nsPath}`, ...argv]) : spawn(argv[0], argv.slice(1));
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => {
      const at = performance.now();
      try {
        resolve({ ...parseProducer(out), exitedAt: at });
      } catch (e) {
        reject(e);
      }
    });
  });
}


// ---- event-loop lag (as lib-peer.js: every tick of a 1 ms timer) ---------------------
// Beside each tick's lag, the time the main thread spent runnable but waiting for a CPU
// meanwhile (/proc/…/schedstat, second field): a late tick on a loaded machine is
// often the scheduler's, not the loop's work. `net` is the lag without that wait.
const schedstat = () => readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
let lags = [];
let nets = [];
let last = performance.now();
let lastSched;
let firstSched;
let lagTimer;
const lagStart = () => {
  lags = [];
  nets = [];
  last = performance.now();
  lastSched = firstSched = schedstat();
  lagTimer = setInterval(() => {
    const t = performance.now();
    const s = schedstat();
    const lag = Math.max(0, t - last - 1);
    lags.push(lag);
    nets.push(Math.max(0, lag - (s[1] - lastSched[1]) / 1e6));
    last = t;
    lastSched = s;
  }, 1);
};
const bucket = (x) => (x < 10 ? Math.ceil(x * 100) / 100 : x < 100 ? Math.ceil(x * 10) / 10 : Math.ceil(x));
const p99 = (sorted) => sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];
function lagStop() {
  clearInterval(lagTimer);
  const s = schedstat();
  const sched = { mainCpuMs: (s[0] - firstSched[0]) / 1e6, mainWaitMs: (s[1] - firstSched[1]) / 1e6 };
  if (!lags.length) return { lagMs: 0, lagP99Ms: 0, lagSamples: 0, lagHist: {}, ...sched };
  const sorted = Float64Array.from(lags).sort();
  const net = Float64Array.from(nets).sort();
  const lagHist = {};
  for (const x of sorted) lagHist[bucket(x)] = (lagHist[bucket(x)] ?? 0) + 1;
  return { lagMs: sorted[sorted.length - 1], lagP99Ms: p99(sorted), lagSamples: sorted.length, lagHist, netLagMs: net[net.length - 1], netLagP99Ms: p99(net), ...sched };
}

// ---- the library ---------------------------------------------------------------------
async function libSetup() {
  const lib = await import('../../dist/index.js');
  const { native } = await import('../../dist/native.js');
  const fd = native.netnsCreate();
  const nl = lib.openSync({ netns: { fd } });
  await nl.link.set('lo', { up: true });
  return { lib, nl, fd, nsPath: `/proc/${process.pid}/fd/${fd}` };
}

async function libMonitor(n, raw) {
  const { lib, nl, fd, nsPath } = await libSetup();
  const mon = lib.monitor({ netns: { fd }, families: ['route'] }); // default highWaterMark and rcvbuf; subscribed on return
  lagStart();
  const t0 = performance.now();
  const prod = produce(raw, n, 0, nsPath);
  let seen = 0;
  let tFirst = 0;
  let tLast = 0;
  let error;
  // Ends when every add is counted, or 3 s after the producer exited with nothing more coming.
  let idle;
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => void mon.close(), 3000);
  };
  prod.then(arm, () => undefined);
  try {
    for await (const e of mon) {
      if (e.type === 'route' && e.action === 'new' && ours(e.data)) {
        tLast = performance.now();
        if (!seen) tFirst = tLast;
        if (idle) arm();
        if (++seen === n) break;
      }
    }
  } catch (e) {
    error = `${e.code ?? e.name}: ${e.message}`;
  }
  const lag = lagStop();
  clearTimeout(idle);
  const p = await prod;
  steps.consume = { n: seen, ms: tLast - t0, lost: n - seen, ratePerS: tLast > tFirst ? seen / ((tLast - tFirst) / 1000) : null, producerMs: p.steps.add.ms, ...lag };
  if (error) notes.push(`monitor ended with ${error}`);
  await mon.close();
  checks.routes = (await nl.route.list({ table: 254, family: 'inet' })).filter(ours).length;
  await nl.close();
}

/** Resident set size of this process (KiB). */
const rssKiB = () => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
const gc = globalThis.gc ?? (() => notes.push('run without --expose-gc: memory figures include garbage'));
const settleGc = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(20);
  }
};

async function libMirror(nRoutes, nLinks, burst, raw) {
  const { nl, nsPath } = await libSetup();
  const w = await nl.watch({ tables: ['link', 'route'] }); // resolves once listed
  // Counts what the mirror takes in, from its own 'add' events (no list() in the loop).
  const got = { link: 0, route: 0 };
  let want;
  let resynced = 0; // objects that came in through a re-dump after lost events (overflow: 'resync')
  w.on('add', (c) => {
    if (c.cause === 'resync') resynced++;
    if (c.table === 'route' ? ours(c.value) : c.table === 'link') got[c.table]++;
    if (want && got[want.table] >= want.count) want.done(performance.now());
  });
  const until = (table, count) =>
    got[table] >= count ? Promise.resolve(performance.now()) : new Promise((r) => (want = { table, count, done: r }));
  const timeout = (p, s, what) => Promise.race([p, sleep(s * 1000).then(() => { throw new Error(`the mirror did not reach ${what} in ${s} s (${JSON.stringify(got)})`); })]);
  await settleGc();
  const r0 = rssKiB();
  const h0 = process.memoryUsage().heapUsed;
  let t = performance.now();
  const links = until('link', nLinks);
  const ip = spawnSync('nsenter', [`--net=${nsPath}`, 'ip', '-batch', '-'], { input: Array.from({ length: nLinks / 2 }, (_, i) => `link add m${i} type veth peer name n${i}\n`).join(''), encoding: 'utf8' });
  if (ip.status !== 0) throw new Error(`ip -batch: ${ip.stderr.trim().split('\n').pop()}`);
  steps.links = { n: nLinks, ms: (await timeout(links, 120, `${nLinks} links`)) - t };
  checks.links = got.link;
  await settleGc();
  const r1 = rssKiB();
  const h1 = process.memoryUsage().heapUsed;
  t = performance.now();
  const routes = until('route', nRoutes);
  const p1 = await produce(raw, nRoutes, 0, nsPath);
  const tr = await timeout(routes, 120, `${nRoutes} routes`);
  steps.routes = { n: nRoutes, ms: tr - t, afterProducerMs: Math.max(0, tr - p1.exitedAt), producerMs: p1.steps.add.ms };
  checks.routes = got.route;
  await settleGc();
  const r2 = rssKiB();
  const h2 = process.memoryUsage().heapUsed;
  t = performance.now();
  const more = until('route', nRoutes + burst);
  const p2 = await produce(raw, burst, nRoutes, nsPath);
  const tb = await timeout(more, 120, `${nRoutes + burst} routes`);
  steps.burst = { n: burst, ms: tb - t, afterProducerMs: Math.max(0, tb - p2.exitedAt), producerMs: p2.steps.add.ms };
  checks.burst = got.route - nRoutes;
  steps.memory = { n: 0, ms: 0, bytesPerLink: ((r1 - r0) * 1024) / nLinks, bytesPerRoute: ((r2 - r1) * 1024) / nRoutes, heapPerLink: (h1 - h0) / nLinks, heapPerRoute: (h2 - h1) / nRoutes, rssKiB: r2 };
  t = performance.now();
  const drift = await w.verify({ settle: 0 });
  steps.verify = { n: 1, ms: performance.now() - t };
  checks.verifyDifferences = drift.length;
  if (resynced) notes.push(`events were lost (ENOBUFS): ${resynced} of the mirror's adds came from its re-dumps (overflow: 'resync')`);
  await w.close();
  await nl.close();
}

// ---- ip monitor ----------------------------------------------------------------------
async function ipMonitor(n, raw) {
  spawnSync('ip', ['link', 'set', 'lo', 'up']);
  const ipmon = spawn('ip', ['monitor', 'route'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const state = { partial: '', count: 0 };
  let errors = '';
  let tLast = 0;
  let tFirst = 0;
  let all;
  const allOut = new Promise((r) => (all = r));
  ipmon.stdout.setEncoding('utf8');
  ipmon.stdout.on('data', (d) => {
    const before = state.count;
    if (countRouteLines(state, d) > before) {
      tLast = performance.now();
      if (!tFirst) tFirst = tLast;
    }
    if (state.count >= n) all();
  });
  ipmon.stderr.on('data', (d) => (errors += d));
  // `ip monitor` gives no sign that it has subscribed: give it time to (it starts in a few ms).
  await sleep(300);
  const t0 = performance.now();
  const p = await produce(raw, n, 0);
  // Until every line is out, or 3 s without a new one after the producer exited.
  for (;;) {
    const seen = state.count;
    const r = await Promise.race([allOut.then(() => 'all'), sleep(3000).then(() => 'idle')]);
    if (r === 'all' || state.count === seen) break;
  }
  ipmon.kill();
  const errs = ipMonitorErrors(errors);
  const enobufs = errs.filter((l) => /No buffer space available/.test(l)).length;
  steps.consume = { n: state.count, ms: tLast - t0, lost: n - state.count, ratePerS: tLast > tFirst ? state.count / ((tLast - tFirst) / 1000) : null, producerMs: p.steps.add.ms, enobufs };
  const other = errs.filter((l) => !/No buffer space available/.test(l));
  if (other.length) notes.push(`ip monitor stderr: ${other.slice(0, 2).join(' | ')}`);
  const ipr = spawnSync('ip', ['-4', 'route', 'show', 'table', 'main'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  checks.routes = ipr.stdout.split('\n').filter((l) => /^10\./.test(l)).length;
}

// ---- main ----------------------------------------------------------------------------
{
  try {
    const num = rest.slice(0, -1).map(Number);
    const raw = rest[rest.length - 1];
    if (variant === 'lib' && workload === 'W7') await libMonitor(num[0], raw);
    else if (variant === 'lib' && workload === 'W8') await libMirror(num[0], num[1], num[2], raw);
    else if (variant === 'ip' && workload === 'W7') await ipMonitor(num[0], raw);
    else throw new Error(`no ${variant} peer for ${workload}`);
    console.log(JSON.stringify({ steps, checks, notes }));
  } catch (e) {
    console.log(JSON.stringify({ error: `${e.code ?? e.name}: ${e.message}`, steps, checks, notes }));
    process.exitCode = 2;
  }
  process.exit();
}
