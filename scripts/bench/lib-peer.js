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
// the worst event-loop lag of every step. Counts are checked with the library
// and cross-checked with iproute2 (`nsenter --net=… ip`), outside the clock.
// Prints { steps: { name: { n, ms, lagMs } | { missing } }, checks: { … } }.
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
let lagMax = 0;
let last = performance.now();
const lagTimer = setInterval(() => {
  const t = performance.now();
  const lag = t - last - 1;
  if (lag > lagMax) lagMax = lag;
  last = t;
}, 1);

async function timed(name, n, fn, optional = false) {
  // Let the lag timer run once so a previous step's blocking is not counted here.
  await new Promise((r) => setTimeout(r, 2));
  lagMax = 0;
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
  steps[name] = { n: typeof r === 'number' ? r : n, ms, lagMs: Math.max(0, lagMax) };
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
if (workload === 'W5' && !nsApi) notes.push('netns.add/del not in the library yet: named namespaces made with native.netnsCreateAt/umount');
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

let failure;
try {
  if (workload === 'W1') await w1(N, N2 >= 0 && N2 < N ? N2 : N - 1);
  else if (workload === 'W2') await w2(N);
  else if (workload === 'W3') await w3(N);
  else if (workload === 'W4') await w4(N, N2 > 0 ? N2 : 20);
  else if (workload === 'W5') await w5(N);
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
