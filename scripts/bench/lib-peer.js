// Benchmark peer: this library (the compiled dist/), in four styles:
//   await      — one call at a time, each awaited;
//   concurrent — Promise.all over single calls (the engine pipelines them);
//   batch      — nl.batch((b) => …) (many operations, per-operation results);
//   sync       — nl.sync.* (blocking calls).
//
//   node lib-peer.js VARIANT WORKLOAD [N] [N2]
//
// Each run makes its own network namespace (held by an fd) and opens a handle
// inside it with openSync({ netns: { fd } }). A 1 ms interval timer measures
// the event-loop lag of every step (p99 and worst of its ticks). Counts are checked with the library
// and cross-checked with iproute2 (`nsenter --net=… ip`), outside the clock.
// Prints { steps: { name: { n, ms, lagMs, lagP99Ms } | { missing } }, checks: { … } }.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, unlinkSync } from 'node:fs';

const [variant, workload, nArg, n2Arg] = process.argv.slice(2);
const N = Number(nArg ?? 1000);
const N2 = n2Arg === undefined ? -1 : Number(n2Arg);
const steps = {};
const checks = {};
const notes = [];

class Missing extends Error {}

let lib;
let native;
try {
  lib = await import('../../dist/index.js');
  ({ native } = await import('../../dist/native.js'));
} catch (e) {
  console.log(JSON.stringify({ missing: `dist/ does not load (${e.message.split('\n')[0]}); build with npx tsc -p .` }));
  process.exit(0);
}

// ---- event-loop lag ------------------------------------------------------------
// Every tick of a 1 ms interval timer is kept (the lag: how late it fired), so
// each step reports the 99th percentile as well as the worst.
let lags = [];
let last = performance.now();
const lagTimer = setInterval(() => {
  const t = performance.now();
  lags.push(Math.max(0, t - last - 1));
  last = t;
}, 1);

/** Rounds a lag up to its histogram bucket (0.01 ms below 10 ms, 0.1 ms below 100 ms, then 1 ms). */
const bucket = (x) => (x < 10 ? Math.ceil(x * 100) / 100 : x < 100 ? Math.ceil(x * 10) / 10 : Math.ceil(x));

/** A step's lag: the worst tick, the p99 of its ticks, and their histogram ({ bucketMs: count }, for pooling across steps). */
function lagStats(samples) {
  if (!samples.length) return { lagMs: 0, lagP99Ms: 0, lagSamples: 0, lagHist: {} };
  const sorted = Float64Array.from(samples).sort();
  const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];
  const lagHist = {};
  for (const x of sorted) {
    const b = bucket(x);
    lagHist[b] = (lagHist[b] ?? 0) + 1;
  }
  return { lagMs: sorted[sorted.length - 1], lagP99Ms: p99, lagSamples: sorted.length, lagHist };
}

async function timed(name, n, fn, optional = false) {
  // Let the lag timer run once so a previous step's blocking is not counted here.
  await new Promise((r) => setTimeout(r, 2));
  lags = [];
  last = performance.now();
  process.stderr.write(`step ${name}\n`); // the orchestrator names the step of a run that hangs
  const t = performance.now();
  let r;
  try {
    r = await fn();
  } catch (e) {
    if (e instanceof Missing) {
      steps[name] = { missing: e.message };
      if (optional) return undefined;
    }
    throw e;
  }
  const ms = performance.now() - t;
  // One more tick of the timer, so a stall at the very end is seen too.
  await new Promise((r) => setTimeout(r, 2));
  steps[name] = { n: typeof r === 'number' ? r : n, ms, ...lagStats(lags) };
  return r;
}

// ---- namespace and handle -----------------------------------------------------
const nsFd = native.netnsCreate();
const nsPath = `/proc/${process.pid}/fd/${nsFd}`;
const nl = lib.openSync({ netns: { fd: nsFd } });

const ip = (...args) => execFileSync('nsenter', [`--net=${nsPath}`, 'ip', ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
const lines = (s) => s.split('\n').filter((l) => l.trim() !== '').length;
const ipLinks = () => lines(ip('-o', 'link', 'show'));

function need(obj, path) {
  let o = obj;
  for (const k of path.split('.')) {
    o = o?.[k];
    if (o === undefined) throw new Missing(`nl.${path} is not implemented yet`);
  }
  if (typeof o !== 'function') throw new Missing(`nl.${path} is not a function`);
}

/** Runs `count` operations `fam.method(...args(i))` in the variant's style. */
async function many(fam, method, count, args, from = 0) {
  if (variant === 'batch') {
    if (typeof nl.batch !== 'function') throw new Missing('nl.batch is not implemented yet');
    need(nl, `${fam}.${method}`);
    const results = await nl.batch(
      (b) => {
        for (let i = from; i < count; i++) b[fam][method](...args(i));
      },
      { stopOnError: false },
    );
    const bad = results.find((r) => !r.ok);
    if (results.length !== count - from) throw new Error(`batch returned ${results.length} results for ${count - from} operations`);
    if (bad) throw bad.error;
    return;
  }
  if (variant === 'sync') {
    need(nl.sync, `${fam}.${method}`);
    const f = nl.sync[fam][method];
    for (let i = from; i < count; i++) f(...args(i));
    return;
  }
  need(nl, `${fam}.${method}`);
  const f = nl[fam][method];
  if (variant === 'concurrent') {
    const ps = new Array(count - from);
    for (let i = from; i < count; i++) ps[i - from] = f(...args(i));
    await Promise.all(ps);
    return;
  }
  for (let i = from; i < count; i++) await f(...args(i));
}

/** One call in the variant's style (await/concurrent/batch: promise; sync: blocking). */
async function one(fam, method, ...args) {
  if (variant === 'sync') {
    need(nl.sync, `${fam}.${method}`);
    return nl.sync[fam][method](...args);
  }
  need(nl, `${fam}.${method}`);
  return nl[fam][method](...args);
}

const v4 = (i) => {
  const v = (10 << 24) + i + 1;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
};
const veth = (i) => [{ name: `va${i}`, kind: 'veth', info: { peer: { name: `vb${i}` } } }];

/** Setup outside the clock: fastest available way (concurrent promises). */
async function setupVeths(n) {
  const ps = [];
  for (let i = 0; i < n; i++) ps.push(nl.link.add(...veth(i)));
  await Promise.all(ps);
}

async function pairUp() {
  await nl.link.add(...veth(0));
  await nl.link.set('va0', { up: true });
  await nl.link.set('vb0', { up: true });
  const [l] = await nl.link.list({ name: 'va0' });
  return l.index;
}

// ---- workloads ----------------------------------------------------------------
async function w1(n, d) {
  await timed('create', n, () => many('link', 'add', n, veth));
  checks.linksAfterCreate = ipLinks();
  const index = new Map((await nl.link.list({ stats: false })).map((l) => [l.name, l.index]));
  const idx = Array.from({ length: n }, (_, i) => index.get(`va${i}`));
  await timed('delOne', d, () => many('link', 'del', d, (i) => [idx[i]]));
  checks.linksAfterDelOne = ipLinks();
  const rest = idx.slice(d);
  const r = await timed('bulkDel', n - d, async () => {
    try {
      if (variant === 'await') await nl.link.del(rest);
      else if (variant === 'sync') nl.sync.link.del(rest);
      else {
        // Set the group in the variant's style, then one delete by group.
        await many('link', 'set', n, (i) => [idx[i], { group: 77 }], d);
        await nl.link.del({ group: 77 });
      }
    } catch (e) {
      if (e instanceof TypeError) throw new Missing(`bulk delete: ${e.message}`);
      throw e;
    }
  }, true);
  if (steps.bulkDel?.missing) notes.push('bulk delete missing: links left to the namespace teardown');
  else checks.linksAfterBulkDel = ipLinks();
  return r;
}

async function w2(n) {
  const dev = await pairUp();
  const addr = (i) => [{ dev, address: `${v4(i)}/32` }];
  await timed('add', n, () => many('address', 'add', n, addr));
  if (variant === 'await' || variant === 'sync') {
    checks.listed = await timed('list', 0, async () => {
      const l = await one('address', 'list', { dev, family: 'inet' });
      return l.filter((a) => a.family === undefined || a.family === 'inet').length;
    });
  }
  checks.ipListed = lines(ip('-o', '-4', 'addr', 'show', 'dev', 'va0'));
  await timed('del', n, () => many('address', 'del', n, addr));
  checks.afterDel = lines(ip('-o', '-4', 'addr', 'show', 'dev', 'va0'));
}

const isV4 = (r) => r.family === undefined || r.family === 'inet';

async function w3(n) {
  const dev = await pairUp();
  const route = (i) => [{ dst: `${v4(i)}/32`, dev }];
  await timed('add', n, () => many('route', 'add', n, route));
  const filter = { table: 254, family: 'inet' };
  if (variant === 'await' || variant === 'sync') {
    checks.dumped = await timed('dump', 0, async () => {
      const l = await one('route', 'list', filter);
      let c = 0;
      for (const r of l) if (isV4(r)) c++;
      return c;
    });
  }
  if (variant === 'await') {
    checks.streamed = await timed('dumpStream', 0, async () => {
      need(nl, 'route.stream');
      let c = 0;
      for await (const r of nl.route.stream(filter)) if (isV4(r)) c++;
      return c;
    });
  }
  checks.ipDumped = lines(ip('-4', 'route', 'show', 'table', 'main'));
  await timed('del', n, () => many('route', 'del', n, route));
  checks.afterDel = lines(ip('-4', 'route', 'show', 'table', 'main'));
}

async function w4(n, rounds) {
  if (variant === 'batch') throw new Missing('n/a: a dump is not a batch operation');
  await setupVeths(n);
  let min = Infinity;
  let c = 0;
  await timed('dump', rounds, async () => {
    if (variant === 'concurrent') {
      const all = await Promise.all(Array.from({ length: rounds }, () => nl.link.list()));
      for (const l of all) min = Math.min(min, (c = l.length));
    } else {
      for (let r = 0; r < rounds; r++) {
        const l = await one('link', 'list');
        min = Math.min(min, (c = l.length));
      }
    }
  });
  checks.links = c;
  checks.minLinks = min;
  checks.ipLinks = ipLinks();
}

// Named namespaces: the library's netns API where present, else the addon.
const RUN = '/run/netns';
const nsApi = lib.netns && typeof lib.netns.add === 'function' && typeof lib.netns.del === 'function';
if ((workload === 'W5' || workload === 'W6') && !nsApi) notes.push('netns.add/del not in the library yet: named namespaces made with native.netnsCreateAt/umount');
const nsAdd = async (name) => {
  if (nsApi) return variant === 'sync' ? lib.netns.addSync(name) : lib.netns.add(name);
  mkdirSync(RUN, { recursive: true });
  closeSync(openSync(`${RUN}/${name}`, 'wx'));
  native.netnsCreateAt(`${RUN}/${name}`);
};
const nsDel = async (name) => {
  if (nsApi) return variant === 'sync' ? lib.netns.delSync(name) : lib.netns.del(name);
  native.umount(`${RUN}/${name}`, 2);
  unlinkSync(`${RUN}/${name}`);
};

async function w5(n) {
  const cycle = async (i) => {
    await nsAdd(`bench${i}`);
    await one('link', 'add', ...veth(i));
    await one('link', 'set', `vb${i}`, { netns: `bench${i}` });
    await nsDel(`bench${i}`);
  };
  await timed('cycle', n, async () => {
    if (variant === 'concurrent') await Promise.all(Array.from({ length: n }, (_, i) => cycle(i)));
    else if (variant === 'batch') {
      for (let i = 0; i < n; i++) await nsAdd(`bench${i}`);
      if (typeof nl.batch !== 'function') throw new Missing('nl.batch is not implemented yet');
      const results = await nl.batch(
        (b) => {
          for (let i = 0; i < n; i++) {
            b.link.add(...veth(i));
            b.link.set(`vb${i}`, { netns: `bench${i}` });
          }
        },
        { stopOnError: false },
      );
      const bad = results.find((r) => !r.ok);
      if (bad) throw bad.error;
      for (let i = 0; i < n; i++) await nsDel(`bench${i}`);
    } else for (let i = 0; i < n; i++) await cycle(i);
  });
  checks.namedLeft = readdirSync(RUN).length;
  const until = Date.now() + 30000;
  while (ipLinks() > 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  checks.linksSettled = ipLinks();
}

// ---- W6: pod network ------------------------------------------------------------
const podAddr = (i) => `10.22.${1 + (i >> 8)}.${i & 255}/16`;
const podSpec = (i) => ({ netns: `pod${i}`, hostIfname: `veth${i}`, ifname: 'eth0', bridge: 'cni0', address: podAddr(i), gateway: '10.22.0.1' });

function podChecks(when, n, d) {
  const [ready, bare] = execFileSync('sh', ['./podcheck.sh', String(n), String(d)], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
  checks[`podsReady${when}`] = ready;
  checks[`podsBare${when}`] = bare;
  checks[`links${when}`] = ipLinks();
}

/** The per-step calls a user writes without the helper: host side on nl, pod side on a handle opened in the pod. */
const hostVeth = (i) => [{ name: `veth${i}`, kind: 'veth', info: { peer: { name: 'eth0', netns: `pod${i}` } } }];
const hostUp = (i) => [`veth${i}`, { master: 'cni0', up: true }];

async function w6(n, d) {
  // Setup, not measured: the bridge with the gateway address, the named namespaces.
  await nl.link.add({ name: 'cni0', kind: 'bridge', up: true });
  await nl.address.add({ dev: 'cni0', address: '10.22.0.1/16' });
  for (let i = 0; i < n; i++) await nsAdd(`pod${i}`);
  // A handle in each pod's namespace, opened back to back (closed after the clock stops):
  // sync and await open one at a time, concurrent and batch all at once.
  const opened = [];
  await timed('open', n, async () => {
    if (variant === 'sync') for (let i = 0; i < n; i++) opened.push(lib.openSync({ netns: `pod${i}` }));
    else if (variant === 'await') for (let i = 0; i < n; i++) opened.push(await lib.open({ netns: `pod${i}` }));
    else opened.push(...(await Promise.all(Array.from({ length: n }, (_, i) => lib.open({ netns: `pod${i}` })))));
  });
  await Promise.all(opened.map((h) => h.close()));
  const usePod = variant === 'await' || variant === 'concurrent';
  const pod = usePod ? nl.pod : undefined;
  if (usePod && (typeof pod?.add !== 'function' || typeof pod?.del !== 'function')) throw new Missing('nl.pod not in the library yet');

  if (variant === 'await') await timed('addAwait', n, async () => {
    for (let i = 0; i < n; i++) await pod.add(podSpec(i));
  });
  else if (variant === 'concurrent') await timed('addConcurrent', n, () => Promise.all(Array.from({ length: n }, (_, i) => pod.add(podSpec(i)))));
  else if (variant === 'sync') await timed('addAwait', n, async () => {
    const closing = [];
    for (let i = 0; i < n; i++) {
      nl.sync.link.add(...hostVeth(i));
      nl.sync.link.set(...hostUp(i));
      const ph = lib.openSync({ netns: `pod${i}` });
      ph.sync.link.set('eth0', { up: true });
      ph.sync.address.add({ dev: 'eth0', address: podAddr(i) });
      ph.sync.route.add({ dst: 'default', via: '10.22.0.1' });
      closing.push(ph.close());
    }
    await Promise.all(closing);
  });
  else await timed('addConcurrent', n, async () => {
    if (typeof nl.batch !== 'function') throw new Missing('nl.batch is not implemented yet');
    const check = (results, count) => {
      if (results.length !== count) throw new Error(`batch returned ${results.length} results for ${count} operations`);
      const bad = results.find((r) => !r.ok);
      if (bad) throw bad.error;
    };
    // Host side: one batch of every create and every master/up; then one batch per pod, all in flight.
    check(await nl.batch((b) => {
      for (let i = 0; i < n; i++) {
        b.link.add(...hostVeth(i));
        b.link.set(...hostUp(i));
      }
    }, { stopOnError: false }), 2 * n);
    // A batch sends each op's first request together: names resolved inside it (a lookup
    // first) would reach the kernel after the ops that need them, so eth0's index first.
    const handles = await Promise.all(Array.from({ length: n }, (_, i) => lib.open({ netns: `pod${i}` })));
    const eth0 = await Promise.all(handles.map((ph) => ph.link.get('eth0')));
    const results = await Promise.all(handles.map((ph, i) => ph.batch((b) => {
      b.link.set(eth0[i].index, { up: true });
      b.address.add({ dev: eth0[i].index, address: podAddr(i) });
      b.route.add({ dst: 'default', via: '10.22.0.1', dev: eth0[i].index });
    })));
    for (const r of results) check(r, 3);
    await Promise.all(handles.map((ph) => ph.close()));
  });
  podChecks('AfterAdd', n, d);

  const index = new Map((await nl.link.list({ stats: false })).map((l) => [l.name, l.index]));
  const idx = Array.from({ length: n }, (_, i) => index.get(`veth${i}`));
  const names = Array.from({ length: n }, (_, i) => `veth${i}`);
  await timed('delOne', d, async () => {
    if (variant === 'await') for (let i = 0; i < d; i++) await pod.del(names[i]);
    else if (variant === 'concurrent') await Promise.all(names.slice(0, d).map((x) => pod.del(x)));
    else await many('link', 'del', d, (i) => [idx[i]]);
  });
  if (variant === 'concurrent') notes.push('pod delete one by one: Promise.all over single pod.del calls');
  podChecks('AfterDelOne', n, d);
  await timed('bulkDel', n - d, async () => {
    if (usePod) await pod.del(names.slice(d));
    else if (variant === 'sync') nl.sync.link.del(idx.slice(d));
    else {
      await many('link', 'set', n, (i) => [idx[i], { group: 77 }], d);
      await nl.link.del({ group: 77 });
    }
  });
  podChecks('AfterBulkDel', n, d);
  for (let i = 0; i < n; i++) await nsDel(`pod${i}`);
}

let failure;
try {
  if (workload === 'W1') await w1(N, N2 >= 0 && N2 < N ? N2 : N - 1);
  else if (workload === 'W2') await w2(N);
  else if (workload === 'W3') await w3(N);
  else if (workload === 'W4') await w4(N, N2 > 0 ? N2 : 20);
  else if (workload === 'W5') await w5(N);
  else if (workload === 'W6') await w6(N, N2 >= 0 && N2 < N ? N2 : Math.floor(N / 5));
  else throw new Error(`unknown workload ${workload}`);
} catch (e) {
  failure = e;
}
clearInterval(lagTimer);
await nl.close();
closeSync(nsFd);
if (failure instanceof Missing) console.log(JSON.stringify({ missing: failure.message, steps, checks }));
else if (failure) {
  const f = failure;
  console.log(JSON.stringify({ error: `${f.name ?? 'Error'}: ${f.message}${f.code ? ` (${f.code})` : ''}`, steps, checks }));
  process.exitCode = 2;
} else console.log(JSON.stringify({ steps, checks, notes }));
