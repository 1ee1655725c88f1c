/**
 * A lossy link: two throw-away namespaces joined by a veth pair, netem on the
 * sending end, UDP datagrams sent across and counted on the other side.
 *
 *   npm run example:lossy -- --loss 20
 *   npm run example:lossy -- --slot '80ms 100ms' [--count N] [--delay 10ms] [--interval 2ms]
 *
 * Needs root and a kernel with netem (sch_netem); where it lacks it, run it in
 * the kernel VM (see README, "A lossy link (netem)"). Imports the package as a
 * user would (its built dist), by its own name.
 */
import { parseArgs } from 'node:util';
import { NetlinkError, netns, type Handle } from 'rtnetlink';

const HELP = `usage: npm run example:lossy -- [--loss PCT] [--slot 'MIN [MAX] [packets N] [bytes N]'] [--delay TIME] [--count N] [--interval TIME]
  --loss 20         netem loss 20 % (random)
  --slot '80ms 100ms'  netem slot: packets leave in bursts, one slot every 80..100 ms
  --delay 10ms      netem delay
  --count N         datagrams to send (default 1000)
  --interval TIME   time between two sends (default: 2ms with --slot, else paced batches)`;

let args;
try {
  args = parseArgs({
    options: {
      loss: { type: 'string' },
      slot: { type: 'string' },
      delay: { type: 'string' },
      count: { type: 'string', default: '1000' },
      interval: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (e) {
  console.error(`${(e as Error).message}\n${HELP}`);
  process.exit(2);
}
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

const fail = (msg: string): never => {
  console.error(`lossy: ${msg}`);
  process.exit(2);
};

/** '10ms', '1.5s', '500us', '250' (ms) → milliseconds. */
function ms(v: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(us|usec|ms|msec|s|sec)?$/.exec(v.trim());
  if (!m) return fail(`${what}: a time such as '10ms', got '${v}'`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return unit.startsWith('u') ? n / 1000 : unit.startsWith('s') ? n * 1000 : n;
}

const count = Number(args.count);
if (!Number.isInteger(count) || count < 1 || count > 1_000_000) fail(`--count: a whole number 1..1000000, got '${args.count}'`);
const lossPct = args.loss === undefined ? undefined : Number(args.loss.replace(/%$/, ''));
if (lossPct !== undefined && !(lossPct >= 0 && lossPct <= 100)) fail(`--loss: a percentage 0..100, got '${args.loss}'`);

// --slot 'MIN [MAX] [packets N] [bytes N]', as tc writes it
let slot: { min: string; max?: string; packets?: number; bytes?: number } | undefined;
if (args.slot !== undefined) {
  const t = args.slot.trim().split(/\s+/);
  const min = t.shift();
  if (!min) fail(`--slot: 'MIN [MAX] [packets N] [bytes N]', got '${args.slot}'`);
  slot = { min: min! };
  ms(min!, '--slot MIN');
  if (t[0] && !/^(packets|bytes)$/.test(t[0])) {
    slot.max = t.shift()!;
    ms(slot.max, '--slot MAX');
  }
  while (t.length) {
    const [k, v] = [t.shift(), t.shift()];
    if ((k !== 'packets' && k !== 'bytes') || !v || !/^\d+$/.test(v)) fail(`--slot: 'MIN [MAX] [packets N] [bytes N]', got '${args.slot}'`);
    slot[k as 'packets' | 'bytes'] = Number(v);
  }
}
if (args.delay !== undefined) ms(args.delay, '--delay');
const interval = args.interval !== undefined ? ms(args.interval, '--interval') : slot ? 2 : 0;

const options: Record<string, unknown> = {};
if (args.delay !== undefined) options.delay = args.delay;
if (lossPct !== undefined) options.loss = lossPct;
if (slot) options.slot = slot;
if (!Object.keys(options).length) fail(`nothing to do: give --loss, --slot and/or --delay\n${HELP}`);

const PORT = 9000;
const SIZE = 64; // bytes of UDP payload: seq (u32) + send time (f64 ms) + padding

const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
const now = () => performance.now();
const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const f1 = (x: number) => x.toFixed(1);

await using a = await netns.create().catch((e) => fail(`cannot create a network namespace (${e.code ?? e.message}): run it as root, or under unshare --user --map-root-user --net`));
await using b = await netns.create();
const na: Handle = a.open();
const nb: Handle = b.open();

// ip -n a link add veth-a address … type veth peer name veth-b address … netns b
const macA = '02:00:00:00:0a:01';
const macB = '02:00:00:00:0b:01';
await na.link.add({ name: 'veth-a', kind: 'veth', address: macA, info: { peer: { name: 'veth-b', address: macB, netns: b } } });
await na.address.add({ dev: 'veth-a', address: '10.0.0.1/24' });
await nb.address.add({ dev: 'veth-b', address: '10.0.0.2/24' });
// Static neighbours: no ARP exchange goes through netem (and gets lost) before the datagrams.
await na.neigh.add({ dev: 'veth-a', address: '10.0.0.2', lladdr: macB });
await nb.neigh.add({ dev: 'veth-b', address: '10.0.0.1', lladdr: macA });
await na.link.set('veth-a', { up: true });
await nb.link.set('veth-b', { up: true });

// tc -n a qdisc add dev veth-a root handle 1: netem …
try {
  await na.tc.qdisc.add({ dev: 'veth-a', parent: 'root', handle: '1:', kind: 'netem', options });
} catch (e) {
  if (e instanceof NetlinkError && (e.code === 'ENOENT' || e.code === 'EOPNOTSUPP') && /unknown/i.test(e.extack ?? e.message)) {
    const argv = process.argv.slice(2).map((x) => (/^[\w.%:=/+-]+$/.test(x) ? x : `'${x.replace(/'/g, `'\\''`)}'`));
    fail(
      `this kernel lacks netem: run it in the kernel VM:\n` +
        `  npm run build:examples && ../shared/kernel-vm/run -- node dist-examples/lossy.js ${argv.join(' ')}\n` +
        `(the kernel's answer to RTM_NEWQDISC netem: ${e.code} "${e.extack ?? e.message}")`,
    );
  }
  if (e instanceof RangeError && /unknown qdisc kind .netem/.test(e.message)) fail(`this build of rtnetlink has no netem (${e.message})`);
  throw e;
}
const shown = Object.entries(options)
  .map(([k, v]) => (k === 'slot' ? `slot ${args.slot}` : k === 'loss' ? `loss ${v}%` : `${k} ${v}`))
  .join(', ');
console.log(`netem on veth-a (namespace a → b): ${shown}`);

// The receiver in b, the sender in a.
const rx = await b.udp({ address: '10.0.0.2', port: PORT });
const tx = await a.udp({ address: '10.0.0.1' });
const seen = new Uint8Array(count);
const arrivals: number[] = []; // arrival times (ms), in arrival order
const latencies: number[] = [];
let received = 0;
let duplicates = 0;
rx.on('message', (msg) => {
  const t = now();
  if (msg.length !== SIZE) return;
  const seq = msg.readUInt32BE(0);
  if (seq >= count) return;
  if (seen[seq]) {
    duplicates++;
    return;
  }
  seen[seq] = 1;
  received++;
  arrivals.push(t);
  latencies.push(t - msg.readDoubleBE(4));
});

const netemDrops = async () => (await na.tc.qdisc.list({ dev: 'veth-a', kind: 'netem' }))[0]?.stats?.drops ?? 0;
const send = (seq: number) =>
  new Promise<void>((resolve, reject) => {
    const buf = Buffer.alloc(SIZE);
    buf.writeUInt32BE(seq, 0);
    buf.writeDoubleBE(now(), 4);
    tx.send(buf, PORT, '10.0.0.2', (err) => (err ? reject(err) : resolve()));
  });
/** Waits until every datagram sent is either received or dropped by netem (or `limit` ms pass). */
async function settle(sent: number, limit: number): Promise<void> {
  const until = now() + limit;
  while (received + (await netemDrops()) < sent && now() < until) await sleep(5);
}

const started = now();
if (interval > 0) {
  // One datagram every `interval` ms. After a stall of this process the schedule starts
  // again from now: no catch-up burst that netem would then release all at once.
  let due = started;
  for (let i = 0; i < count; i++) {
    const wait = due - now();
    if (wait > 1) await sleep(wait);
    else if (wait < -interval) due = now();
    await send(i);
    due += interval;
  }
} else {
  // Paced batches: the receiver's socket buffer never overflows, so netem is the only loss.
  const BATCH = 50;
  for (let i = 0; i < count; ) {
    const n = Math.min(BATCH, count - i);
    await Promise.all(Array.from({ length: n }, (_, k) => send(i + k)));
    i += n;
    await settle(i, 2000);
  }
}
const sendTime = now() - started;
// What is still in flight: the delay, a slot's wait, a last burst.
const hold = (args.delay ? ms(args.delay, '') : 0) + (slot ? ms(slot.max ?? slot.min, '') : 0);
await settle(count, 2000 + 4 * hold);
await sleep(50 + 2 * hold);

const drops = await netemDrops();
const lost = count - received;
console.log(`sent      ${count} UDP datagrams (${SIZE} bytes) 10.0.0.1 → 10.0.0.2 in ${f1(sendTime)} ms`);
console.log(`received  ${received}${duplicates ? ` (+${duplicates} duplicates)` : ''}`);
console.log(`lost      ${lost}   (netem's own drop counter: ${drops}${lost > drops ? `; ${lost - drops} lost elsewhere: the receiving socket's buffer was full, this process read too slowly` : ''})`);
const ratio = (100 * lost) / count;
if (lossPct !== undefined) {
  const sigma = 100 * Math.sqrt((lossPct / 100) * (1 - lossPct / 100) / count);
  const z = sigma > 0 ? (ratio - lossPct) / sigma : 0;
  console.log(`loss      ${ratio.toFixed(2)} % measured, ${lossPct} % asked (binomial σ ${sigma.toFixed(2)} %: ${z >= 0 ? '+' : ''}${z.toFixed(2)} σ)`);
} else {
  console.log(`loss      ${ratio.toFixed(2)} % measured, none asked`);
}
if (latencies.length) {
  const s = [...latencies].sort((x, y) => x - y);
  console.log(`latency   min ${f1(s[0])}, median ${f1(median(s))}, max ${f1(s[s.length - 1])} ms (one way, send → receive)`);
}

if (slot && arrivals.length) {
  // A burst: arrivals closer than half the slot's minimum to the one before.
  const gapMs = ms(slot.min, '') / 2;
  const bursts: { at: number; n: number }[] = [];
  let prev = -Infinity;
  for (const t of arrivals) {
    if (t - prev > gapMs) bursts.push({ at: t, n: 0 });
    bursts[bursts.length - 1].n++;
    prev = t;
  }
  const sizes = bursts.map((x) => x.n);
  const gaps = bursts.slice(1).map((x, i) => x.at - bursts[i].at);
  console.log(`arrivals  ${bursts.length} bursts (a burst: arrivals less than ${f1(gapMs)} ms apart); sent one every ${f1(interval)} ms asked, ${f1(sendTime / count)} ms on average`);
  console.log(`  sizes   min ${Math.min(...sizes)}, median ${median(sizes)}, max ${Math.max(...sizes)} datagrams`);
  if (gaps.length) console.log(`  starts  every min ${f1(Math.min(...gaps))}, median ${f1(median(gaps))}, max ${f1(Math.max(...gaps))} ms (slot ${args.slot})`);
  const t0 = bursts[0].at;
  const scale = Math.max(1, Math.ceil(Math.max(...sizes) / 50));
  for (const x of bursts.slice(0, 8)) console.log(`  ${('+' + f1(x.at - t0)).padStart(8)} ms ${String(x.n).padStart(4)} ${'█'.repeat(Math.ceil(x.n / scale))}`);
  if (bursts.length > 8) console.log(`  … ${bursts.length - 8} more`);
}

rx.close();
tx.close();
