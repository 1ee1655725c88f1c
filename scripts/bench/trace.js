// The cost of observability (lib/trace.ts): N route adds made concurrently
// (one Promise.all over nl.route.add, as lib-peer.js's "concurrent" style)
// inside a fresh network namespace, in a fresh process per run, in modes:
//   off        — nobody listens, NODE_DEBUG unset (the shipped default);
//   subscribed — a no-op subscriber on rtnetlink:request:start/end/error;
//   debug      — NODE_DEBUG=rtnetlink, its lines written to /dev/null;
//   baseline   — like off, but another build (--baseline=DIR: a checkout whose
//                dist/ has no trace hooks, e.g. the commit before them).
// Modes alternate run by run (off, subscribed, debug, baseline, off, …), so
// a load change on a shared machine spreads over all of them; the medians
// are printed with the load average before and after.
//
//   node scripts/bench/trace.js [--n=20000] [--runs=5] [--modes=off,subscribed,debug] [--baseline=DIR]
//
// The child (--child MODE N DIST) prints { ms, cpu, ok, routes } as JSON: ms
// the wall time of the adds, cpu the process's CPU time meanwhile (all its
// threads, user + system: the kernel's work inside sendmsg() included; less
// sensitive than wall time to other load on the machine), ok the calls that
// resolved, routes what the kernel's table has after (outside the clock).
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);

if (args[0] === '--child') {
  const [, mode, nArg, dist] = args;
  const N = Number(nArg);
  const { openSync } = await import(join(dist, 'index.js'));
  const { native } = await import(join(dist, 'native.js'));
  if (mode === 'subscribed') {
    const dc = await import('node:diagnostics_channel');
    const noop = () => {};
    for (const ch of ['rtnetlink:request:start', 'rtnetlink:request:end', 'rtnetlink:request:error']) dc.subscribe(ch, noop);
  }
  const fd = native.netnsCreate();
  const nl = openSync({ netns: { fd } });
  await nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } }, up: true });
  const dev = (await nl.link.get('va')).index;
  const dst = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`;
  // Warm-up (JIT, the kernel's table): 2000 adds outside the clock, in another /8.
  await Promise.all(Array.from({ length: 2000 }, (_, i) => nl.route.add({ dst: `11.0.${i >> 8}.${i & 255}/32`, dev })));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const results = await Promise.allSettled(Array.from({ length: N }, (_, i) => nl.route.add({ dst: dst(i), dev })));
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1000;
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  const routes = (await nl.route.list()).filter((r) => r.dst.startsWith('10.')).length;
  await nl.close();
  console.log(JSON.stringify({ ms, cpu, ok, routes }));
  process.exit(0);
}

const opt = (name, dflt) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const N = Number(opt('n', 20000));
const runs = Number(opt('runs', 5));
const baseline = opt('baseline', undefined);
const modes = opt('modes', baseline ? 'off,subscribed,debug,baseline' : 'off,subscribed,debug').split(',');
const ownDist = join(here, '..', '..', 'dist');

function child(mode) {
  const env = { ...process.env };
  delete env.NODE_DEBUG;
  if (mode === 'debug') env.NODE_DEBUG = 'rtnetlink';
  const dist = mode === 'baseline' ? join(baseline, 'dist') : ownDist;
  return new Promise((resolve, reject) => {
    // The debug lines go to /dev/null: what is measured is making them, not a terminal.
    const c = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, String(N), dist], { env, stdio: ['ignore', 'pipe', mode === 'debug' ? 'ignore' : 'inherit'], timeout: 300_000 });
    let out = '';
    c.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    c.on('error', reject);
    c.on('close', (code, signal) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1))) : reject(new Error(`${mode}: child exited ${code ?? signal}`))));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const load0 = loadavg();
const times = Object.fromEntries(modes.map((m) => [m, []]));
const cpus = Object.fromEntries(modes.map((m) => [m, []]));
for (let r = 0; r < runs; r++)
  for (const m of modes) {
    const out = await child(m);
    if (out.ok !== N || out.routes !== N) throw new Error(`${m}: ${out.ok} of ${N} resolved, ${out.routes} routes in the table`);
    times[m].push(out.ms);
    cpus[m].push(out.cpu);
    process.stderr.write(`run ${r + 1}/${runs} ${m}: ${out.ms.toFixed(1)} ms, cpu ${out.cpu.toFixed(1)} ms\n`);
  }
const load1 = loadavg();
const fmt = (l) => l.map((x) => x.toFixed(2)).join(' ');
console.log(`${N} concurrent route adds in a namespace, ${runs} runs per mode (alternating); load average ${fmt(load0)} before, ${fmt(load1)} after`);
const rel = (xs, m, med) => (m === 'off' || !xs.off ? '' : ` ${med >= median(xs.off) ? '+' : ''}${(((med - median(xs.off)) / median(xs.off)) * 100).toFixed(1)}%`);
for (const m of modes) {
  const med = median(times[m]);
  const cpu = median(cpus[m]);
  console.log(
    `${m.padEnd(11)} wall median ${med.toFixed(1)} ms (${((med * 1000) / N).toFixed(2)} µs/add)${rel(times, m, med)}` +
      `  cpu median ${cpu.toFixed(1)} ms (${((cpu * 1000) / N).toFixed(2)} µs/add)${rel(cpus, m, cpu)}` +
      `  [wall ${times[m].map((x) => x.toFixed(0)).join(' ')}; cpu ${cpus[m].map((x) => x.toFixed(0)).join(' ')}]`,
  );
}
