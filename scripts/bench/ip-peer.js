// Benchmark peers built on iproute2's `ip`:
//   fork  — one `ip …` process per operation, each awaited (what Node
//           services do today with child_process);
//   batch — one `ip -batch -` process per step, the commands on its stdin.
//
//   node ip-peer.js fork|batch WORKLOAD [N] [N2]   (W6: fork only)
//
// Runs in the namespace it was started in (`unshare -n`). Prints
// { steps: { name: { n, ms } }, checks: { name: count } }.
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const [mode, workload, nArg, n2Arg] = process.argv.slice(2);
const N = Number(nArg ?? 1000);
const N2 = n2Arg === undefined ? -1 : Number(n2Arg);
const steps = {};
const checks = {};
const MAXBUF = 1 << 30;

const v4 = (i) => {
  const v = (10 << 24) + i + 1;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
};

/** `ip ARGS` and its stdout (synchronous: used for checks and setup). */
const ip = (...args) => execFileSync('ip', args, { encoding: 'utf8', maxBuffer: MAXBUF });
const lines = (s) => s.split('\n').filter((l) => l.trim() !== '').length;
const countLinks = () => lines(ip('-o', 'link', 'show'));
const countAddrs = () => lines(ip('-o', '-4', 'addr', 'show', 'dev', 'va0'));
const countRoutes = () => lines(ip('-4', 'route', 'show', 'table', 'main'));

/** Runs the commands: one awaited `ip` per command, or one `ip -batch`. */
async function ops(cmds) {
  if (mode === 'fork') {
    for (const c of cmds) await run('ip', c.split(' '), { maxBuffer: MAXBUF });
    return;
  }
  execFileSync('ip', ['-batch', '-'], { input: cmds.join('\n') + '\n', maxBuffer: MAXBUF, stdio: ['pipe', 'ignore', 'inherit'] });
}

async function timed(name, n, fn) {
  const t = performance.now();
  const r = await fn();
  steps[name] = { n: typeof r === 'number' ? r : n, ms: performance.now() - t };
  return r;
}

const range = (a, b) => Array.from({ length: b - a }, (_, i) => a + i);
const vethCmds = (n) => range(0, n).map((i) => `link add va${i} type veth peer name vb${i}`);

async function w1(n, d) {
  await timed('create', n, () => ops(vethCmds(n)));
  checks.linksAfterCreate = countLinks();
  await timed('delOne', d, () => ops(range(0, d).map((i) => `link del va${i}`)));
  checks.linksAfterDelOne = countLinks();
  await timed('bulkDel', n - d, () => ops([...range(d, n).map((i) => `link set va${i} group 77`), 'link del group 77']));
  checks.linksAfterBulkDel = countLinks();
}

function pairUp() {
  ip('link', 'add', 'va0', 'type', 'veth', 'peer', 'name', 'vb0');
  ip('link', 'set', 'va0', 'up');
  ip('link', 'set', 'vb0', 'up');
}

async function w2(n) {
  pairUp();
  await timed('add', n, () => ops(range(0, n).map((i) => `addr add ${v4(i)}/32 dev va0`)));
  checks.listed = await timed('list', 0, async () => lines((await run('ip', ['-o', '-4', 'addr', 'show', 'dev', 'va0'], { maxBuffer: MAXBUF })).stdout));
  await timed('del', n, () => ops(range(0, n).map((i) => `addr del ${v4(i)}/32 dev va0`)));
  checks.afterDel = countAddrs();
}

async function w3(n) {
  pairUp();
  await timed('add', n, () => ops(range(0, n).map((i) => `route add ${v4(i)}/32 dev va0`)));
  checks.dumped = await timed('dump', 0, async () => lines((await run('ip', ['-4', 'route', 'show', 'table', 'main'], { maxBuffer: MAXBUF })).stdout));
  await timed('del', n, () => ops(range(0, n).map((i) => `route del ${v4(i)}/32 dev va0`)));
  checks.afterDel = countRoutes();
}

async function w4(n, rounds) {
  execFileSync('ip', ['-batch', '-'], { input: vethCmds(n).join('\n') + '\n' });
  let total = 0;
  let min = Infinity;
  await timed('dump', rounds, async () => {
    if (mode === 'fork') {
      for (let r = 0; r < rounds; r++) {
        const c = lines((await run('ip', ['-o', 'link', 'show'], { maxBuffer: MAXBUF })).stdout);
        total += c;
        min = Math.min(min, c);
      }
    } else {
      const out = execFileSync('ip', ['-o', '-batch', '-'], { input: 'link show\n'.repeat(rounds), encoding: 'utf8', maxBuffer: MAXBUF });
      total = lines(out);
      min = total / rounds;
    }
    return rounds;
  });
  checks.links = total / rounds;
  checks.minLinks = min;
}

async function w5(n) {
  await timed('cycle', n, () =>
    ops(range(0, n).flatMap((i) => [`netns add bench${i}`, `link add va${i} type veth peer name vb${i}`, `link set vb${i} netns bench${i}`, `netns del bench${i}`])),
  );
  checks.namedLeft = readdirSync('/run/netns').length;
  const until = Date.now() + 30000;
  while (countLinks() > 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  checks.linksSettled = countLinks();
}

function podChecks(when, n, d) {
  const [ready, bare] = execFileSync('sh', ['./podcheck.sh', String(n), String(d)], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
  checks[`podsReady${when}`] = ready;
  checks[`podsBare${when}`] = bare;
  checks[`links${when}`] = countLinks();
}

const podAddr = (i) => `10.22.${1 + (i >> 8)}.${i & 255}/16`;

async function w6(n, d) {
  // Setup, not measured: the bridge with the gateway address, the named namespaces.
  execFileSync('ip', ['-batch', '-'], {
    input: ['link add cni0 type bridge', 'link set cni0 up', 'addr add 10.22.0.1/16 dev cni0', ...range(0, n).map((i) => `netns add pod${i}`)].join('\n') + '\n',
  });
  await timed('addAwait', n, async () => {
    for (let i = 0; i < n; i++) {
      for (const c of [
        `link add veth${i} type veth peer name eth0 netns pod${i}`,
        `link set veth${i} master cni0 up`,
        `-n pod${i} addr add ${podAddr(i)} dev eth0`,
        `-n pod${i} link set eth0 up`,
        `-n pod${i} route add default via 10.22.0.1`,
      ])
        await run('ip', c.split(' '), { maxBuffer: MAXBUF });
    }
  });
  podChecks('AfterAdd', n, d);
  await timed('delOne', d, () => ops(range(0, d).map((i) => `link del veth${i}`)));
  podChecks('AfterDelOne', n, d);
  await timed('bulkDel', n - d, () => ops([...range(d, n).map((i) => `link set veth${i} group 77`), 'link del group 77']));
  podChecks('AfterBulkDel', n, d);
  execFileSync('ip', ['-batch', '-'], { input: range(0, n).map((i) => `netns del pod${i}`).join('\n') + '\n' });
}

try {
  if (workload === 'W1') await w1(N, N2 >= 0 && N2 < N ? N2 : N - 1);
  else if (workload === 'W2') await w2(N);
  else if (workload === 'W3') await w3(N);
  else if (workload === 'W4') await w4(N, N2 > 0 ? N2 : 20);
  else if (workload === 'W5') await w5(N);
  else if (workload === 'W6') {
    // `ip -batch` takes no `-n NS` per line (iproute2 6.1: Object "-n" is unknown), and
    // `netns exec` forks: the pod side cannot be said in one batch.
    if (mode === 'batch') {
      console.log(JSON.stringify({ missing: 'n/a: `ip -batch` has no per-line `-n NS` (the pod side needs one `ip -n podN` per pod)' }));
      process.exit(0);
    }
    await w6(N, N2 >= 0 && N2 < N ? N2 : Math.floor(N / 5));
  } else throw new Error(`unknown workload ${workload}`);
  console.log(JSON.stringify({ steps, checks }));
} catch (e) {
  console.log(JSON.stringify({ error: String(e?.stderr || e?.message || e).trim().split('\n').slice(0, 3).join(' | ') }));
  process.exitCode = 2;
}
