/**
 * Traffic control against live traffic, where a full kernel is needed:
 * netem's loss, delay and slots measured on UDP/TCP between two namespaces,
 * htb's rate seen in its class statistics, an IFB redirect, and a round trip
 * (add, list, options read back) of every qdisc kind the library writes.
 *
 * Each test probes its kinds by adding them in its own namespace: a kind this
 * kernel lacks skips with the kernel's answer (ENOENT "Specified qdisc kind is
 * unknown"). This machine's kernel lacks netem and most other kinds; the file
 * runs whole under ../shared/kernel-vm (`bash scripts/test-vm.sh`, .ci/run).
 * Nothing here asserts an upper bound on time: the VM is 10-15x slower.
 */
import type dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { NetlinkError, netns, type Handle, type QdiscOptions } from '../lib/index.js';
import { qdiscKinds } from '../lib/wire/tc-qdiscs.js';

type Ctx = { skip: (note?: string) => never };

/** The kernel's refusal of a qdisc kind it does not have. */
function unknownKind(e: unknown): e is NetlinkError {
  return e instanceof NetlinkError && (e.code === 'ENOENT' || e.code === 'EOPNOTSUPP') && /unknown/i.test(e.extack ?? '');
}

/** Adds a qdisc; skips the test when the kernel lacks the kind (the library must have it: a RangeError fails). */
async function addOrSkip(ctx: Ctx, nl: Handle, o: QdiscOptions): Promise<{ handle: string }> {
  try {
    return await nl.tc.qdisc.add(o);
  } catch (e) {
    if (unknownKind(e)) ctx.skip(`kernel lacks ${o.kind} (RTM_NEWQDISC: ${e.code} "${e.extack}")`);
    throw e;
  }
}

const MAC_A = '02:00:00:00:0a:01';
const MAC_B = '02:00:00:00:0b:01';

interface Pair {
  a: netns.Netns;
  b: netns.Netns;
  na: Handle;
  nb: Handle;
  close(): Promise<void>;
}

/**
 * Two fresh namespaces joined by veth-a (10.0.0.1, in a) and veth-b
 * (10.0.0.2, in b), both up, with static neighbours: no ARP exchange crosses
 * the qdiscs under test (netem would drop or delay it).
 */
async function pair(): Promise<Pair> {
  const a = await netns.create();
  const b = await netns.create();
  const na = a.open();
  const nb = b.open();
  await na.link.add({ name: 'veth-a', kind: 'veth', address: MAC_A, info: { peer: { name: 'veth-b', address: MAC_B, netns: b } } });
  await na.address.add({ dev: 'veth-a', address: '10.0.0.1/24' });
  await nb.address.add({ dev: 'veth-b', address: '10.0.0.2/24' });
  await na.neigh.add({ dev: 'veth-a', address: '10.0.0.2', lladdr: MAC_B });
  await nb.neigh.add({ dev: 'veth-b', address: '10.0.0.1', lladdr: MAC_A });
  await na.link.set('veth-a', { up: true });
  await nb.link.set('veth-b', { up: true });
  return { a, b, na, nb, close: async () => void (await Promise.all([a.close(), b.close()])) };
}

async function withPair<T>(fn: (p: Pair) => Promise<T>): Promise<T> {
  const p = await pair();
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PORT = 9000;

/** A UDP receiver in b (10.0.0.2:9000) and a sender in a: datagrams carry their sequence number. */
async function udpLink(p: Pair, size = 64) {
  const rx = await p.b.udp({ address: '10.0.0.2', port: PORT });
  const tx = await p.a.udp({ address: '10.0.0.1' });
  const arrivals: { seq: number; t: number }[] = [];
  rx.on('message', (m) => {
    if (m.length === size) arrivals.push({ seq: m.readUInt32BE(0), t: performance.now() });
  });
  const send = (seq: number) =>
    new Promise<void>((resolve, reject) => {
      const buf = Buffer.alloc(size);
      buf.writeUInt32BE(seq, 0);
      tx.send(buf, PORT, '10.0.0.2', (err) => (err ? reject(err) : resolve()));
    });
  const close = () => [rx, tx].forEach((s: dgram.Socket) => s.close());
  return { arrivals, send, close };
}

/** Waits until `done()` holds (or `ms` pass). */
async function until(done: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!(await done()) && performance.now() < end) await sleep(5);
}

async function stats(nl: Handle, dev: string, kind: string) {
  const [q] = await nl.tc.qdisc.list({ dev, kind });
  expect(q, `a ${kind} qdisc on ${dev}`).toBeDefined();
  return q.stats!;
}

describe('netem', () => {
  it('loss 20 %: 5,000 UDP datagrams lose a binomial share (within 4.5 σ), all of them counted by netem', async (ctx) => {
    await withPair(async (p) => {
      await addOrSkip(ctx, p.na, { dev: 'veth-a', parent: 'root', handle: '1:', kind: 'netem', options: { loss: 20 } });
      const u = await udpLink(p);
      const N = 5000;
      const drops = async () => (await stats(p.na, 'veth-a', 'netem')).drops;
      try {
        // Paced batches, each settled (received or dropped by netem) before the next: the
        // receiver's socket buffer never overflows, so netem is the only place of loss.
        for (let i = 0; i < N; ) {
          const n = Math.min(100, N - i);
          await Promise.all(Array.from({ length: n }, (_, k) => u.send(i + k)));
          i += n;
          await until(async () => u.arrivals.length + (await drops()) >= i, 5000);
        }
        await sleep(50);
        const received = new Set(u.arrivals.map((x) => x.seq)).size;
        const lost = N - received;
        const sigma = Math.sqrt(N * 0.2 * 0.8);
        expect(u.arrivals.length, 'no duplicates').toBe(received);
        expect(Math.abs(lost - 0.2 * N), `lost ${lost} of ${N} (expected ${0.2 * N} ± ${(4.5 * sigma).toFixed(0)})`).toBeLessThanOrEqual(4.5 * sigma);
        // every loss is netem's (its counter may also hold a stray IPv6 packet of the link's own)
        const d = await drops();
        expect(d).toBeGreaterThanOrEqual(lost);
        expect(d - lost).toBeLessThan(10);
      } finally {
        u.close();
      }
    });
  });

  it('delay 50 ms: a TCP connect across the link takes at least 50 ms', async (ctx) => {
    await withPair(async (p) => {
      const server = await p.b.listen({ address: '10.0.0.2', port: 8080 }, (s) => s.end());
      try {
        // without netem first: the same connect, for the record
        const t0 = performance.now();
        (await p.a.connect({ host: '10.0.0.2', port: 8080 })).destroy();
        const plain = performance.now() - t0;
        await addOrSkip(ctx, p.na, { dev: 'veth-a', parent: 'root', handle: '1:', kind: 'netem', options: { delay: '50ms' } });
        const t1 = performance.now();
        const c = await p.a.connect({ host: '10.0.0.2', port: 8080 });
        const delayed = performance.now() - t1;
        c.destroy();
        // the SYN waits 50 ms in netem on veth-a
        expect(delayed, `connect took ${delayed.toFixed(1)} ms (${plain.toFixed(1)} ms without netem)`).toBeGreaterThanOrEqual(50);
      } finally {
        server.close();
      }
    });
  });

  it('slot 150ms 170ms packets 5: 30 datagrams sent at once leave in bursts of 5, a slot apart', async (ctx) => {
    await withPair(async (p) => {
      await addOrSkip(ctx, p.na, { dev: 'veth-a', parent: 'root', handle: '1:', kind: 'netem', options: { slot: { min: '150ms', max: '170ms', packets: 5 } } });
      const u = await udpLink(p);
      try {
        const N = 30;
        await Promise.all(Array.from({ length: N }, (_, i) => u.send(i)));
        await until(() => u.arrivals.length >= N, 10_000);
        expect(u.arrivals.map((x) => x.seq)).toEqual(Array.from({ length: N }, (_, i) => i));
        // bursts: arrivals less than half a slot apart. Arrival times are when this
        // process read the datagrams: a stall of its event loop (the VM is slow) can only
        // make them later, so the bounds below leave room for one stall up to half a slot.
        const bursts: number[][] = [];
        let prev = -Infinity;
        for (const { t } of u.arrivals) {
          if (t - prev > 75) bursts.push([]);
          bursts[bursts.length - 1].push(t);
          prev = t;
        }
        const sizes = bursts.map((x) => x.length);
        const gaps = bursts.slice(1).map((x, i) => x[0] - bursts[i][0]);
        const pattern = `bursts ${JSON.stringify(sizes)}, ${gaps.map((g) => g.toFixed(0)).join('/')} ms apart`;
        // on: at most 5 per slot (6 bursts of 5 when no stall merges two)
        expect(bursts.length, pattern).toBeGreaterThanOrEqual(5);
        expect([...sizes].sort((x, y) => x - y)[sizes.length >> 1], pattern).toBeLessThanOrEqual(5);
        // off: the slots' waits (5 of at least 150 ms) separate the first arrival from the last
        const span = u.arrivals[N - 1].t - u.arrivals[0].t;
        expect(span, pattern).toBeGreaterThanOrEqual(5 * 150 - 150);
        gaps.sort((x, y) => x - y);
        expect(gaps[gaps.length >> 1], pattern).toBeGreaterThanOrEqual(120);
      } finally {
        u.close();
      }
    });
  });
});

describe('htb', () => {
  it('a 1mbit class holds a burst back: overlimits, a backlog, and bytes in the class statistics', async (ctx) => {
    await withPair(async (p) => {
      await addOrSkip(ctx, p.na, { dev: 'veth-a', parent: 'root', handle: '1:', kind: 'htb', options: { default: 0x10 } });
      await p.na.tc.class.add({ dev: 'veth-a', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '1mbit', ceil: '1mbit' } });
      const SIZE = 1200;
      const WIRE = SIZE + 8 + 20 + 14; // UDP, IPv4, Ethernet headers: what the qdisc counts
      const N = 80; // 80 × 1242 bytes: 0.8 s at 1 mbit/s, and within the sender's socket buffer
      const u = await udpLink(p, SIZE);
      const klass = async () => (await p.na.tc.class.list({ dev: 'veth-a', classid: '1:10' }))[0].stats!;
      try {
        const t0 = performance.now();
        await Promise.all(Array.from({ length: N }, (_, i) => u.send(i)));
        const early = await klass();
        const elapsed = (performance.now() - t0) / 1000;
        // what left so far is bounded by the rate (and the default burst, rate/HZ + mtu)
        expect(early.overlimits, JSON.stringify(early)).toBeGreaterThan(0);
        expect(early.qlen + early.backlog, JSON.stringify(early)).toBeGreaterThan(0);
        expect(early.bytes, JSON.stringify(early)).toBeLessThan(N * WIRE);
        expect(early.bytes, `${JSON.stringify(early)} after ${elapsed.toFixed(3)} s`).toBeLessThanOrEqual(125_000 * elapsed + 2000 + 2 * WIRE);
        // then everything goes through, counted by the class
        await until(() => u.arrivals.length >= N, 20_000);
        expect(u.arrivals.length).toBe(N);
        const late = await klass();
        expect(late.packets).toBeGreaterThanOrEqual(N);
        expect(late.bytes).toBeGreaterThanOrEqual(N * WIRE);
        expect(late.overlimits).toBeGreaterThanOrEqual(early.overlimits);
      } finally {
        u.close();
      }
    });
  });
});

describe('ifb', () => {
  it('ingress of veth-b redirected to ifb0 (u32 + mirred): the packets show in ifb0 qdisc statistics and still arrive', async (ctx) => {
    await withPair(async (p) => {
      try {
        await p.nb.link.add({ name: 'ifb0', kind: 'ifb', up: true });
      } catch (e) {
        if (e instanceof NetlinkError && e.code === 'EOPNOTSUPP') ctx.skip(`kernel lacks ifb (RTM_NEWLINK: ${e.code} "${e.extack}")`);
        throw e;
      }
      // ifb's txqueuelen is 32: a pfifo of its own with room for the test's packets
      await addOrSkip(ctx, p.nb, { dev: 'ifb0', parent: 'root', handle: '1:', kind: 'pfifo', options: { limit: 1000 } });
      await addOrSkip(ctx, p.nb, { dev: 'veth-b', kind: 'ingress' });
      await p.nb.tc.filter.add({ dev: 'veth-b', parent: 'ingress', protocol: 'ip', pref: 10, kind: 'u32', options: { actions: [{ kind: 'mirred', mirredAction: 'redirect', dev: 'ifb0' }] } });
      const redirect = async () => (await p.nb.tc.filter.list({ dev: 'veth-b', parent: 'ingress' })).find((x) => x.options?.actions);
      expect((await redirect())?.options?.actions).toMatchObject([{ kind: 'mirred', mirredAction: 'redirect', dev: 'ifb0' }]);
      const before = await stats(p.nb, 'ifb0', 'pfifo');
      const SIZE = 100;
      const N = 200;
      const u = await udpLink(p, SIZE);
      try {
        for (let i = 0; i < N; i += 20) {
          await Promise.all(Array.from({ length: 20 }, (_, k) => u.send(i + k)));
          await until(() => u.arrivals.length >= i + 20, 5000);
        }
        expect(u.arrivals.length).toBe(N);
        const after = await stats(p.nb, 'ifb0', 'pfifo');
        expect(after.packets - before.packets).toBeGreaterThanOrEqual(N);
        expect(after.bytes - before.bytes).toBeGreaterThanOrEqual(N * (SIZE + 28 + 14));
        // the mirred action counted them too
        const [act] = (await redirect())!.options!.actions as { stats: { packets: number } }[];
        expect(act.stats.packets).toBeGreaterThanOrEqual(N);
      } finally {
        u.close();
      }
    });
  });
});

// ---------------------------------------------------------------------------
// Every qdisc kind: added with options, listed, options read back equal.

interface RoundTrip {
  /** The add options (dev filled in; parent 'root' unless given). */
  add: Omit<QdiscOptions, 'dev'>;
  /** What `options` must contain when listed (default: `add.options`): the kernel's own view, defaults filled in. */
  expect?: Record<string, unknown>;
  /** Options of the veth the qdisc goes on. */
  link?: { numTxQueues?: number };
}

const PRIO_MAP = [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
/** A time the kernel keeps in its own units (codel: 1.024 µs) reads back within a microsecond or two. */
const us = (v: number) => expect.closeTo(v, -1);

const roundTrips: Record<string, RoundTrip> = {
  pfifo: { add: { handle: '1:', kind: 'pfifo', options: { limit: 50 } } },
  pfifo_head_drop: { add: { handle: '1:', kind: 'pfifo_head_drop', options: { limit: 7 } } },
  bfifo: { add: { handle: '1:', kind: 'bfifo', options: { limit: '10kb' } }, expect: { limit: 10240 } },
  htb: { add: { handle: '1:', kind: 'htb', options: { default: 0x10, r2q: 5, directQlen: 100 } } },
  ingress: { add: { kind: 'ingress' }, expect: {} },
  clsact: { add: { kind: 'clsact' }, expect: {} },
  netem: {
    add: { handle: '1:', kind: 'netem', options: { delay: '50ms', jitter: '5ms', loss: 20, duplicate: 1, corrupt: 0.5, reorder: 25, gap: 5, rate: '10mbit', limit: 2000, slot: { min: '80ms', max: '100ms', packets: 10 } } },
    // read back as tc -j shows them: times in µs, rates in bits/s
    expect: { delay: 50_000, jitter: 5000, loss: 20, duplicate: 1, corrupt: 0.5, reorder: 25, gap: 5, rate: 10_000_000, limit: 2000, slot: { min: 80_000, max: 100_000, packets: 10 } },
  },
  tbf: { add: { handle: '1:', kind: 'tbf', options: { rate: '1mbit', burst: '32kbit', latency: '400ms' } }, expect: { rate: 1e6, burst: 4096, limit: 125000 * 0.4 + 4096 } },
  prio: { add: { handle: '1:', kind: 'prio', options: { bands: 4, priomap: [3, 2, 1, 0] } }, expect: { bands: 4, priomap: [3, 2, 1, 0, ...PRIO_MAP.slice(4)] } },
  sfq: { add: { handle: '1:', kind: 'sfq', options: { perturb: 10, quantum: 1514, limit: 100 } }, expect: { limit: 100, perturb: 10, quantum: 1514 } },
  red: {
    add: { handle: '1:', kind: 'red', options: { limit: 400000, min: 30000, max: 90000, avpkt: 1000, burst: 55, ecn: true, harddrop: true } },
    expect: { limit: 400000, min: 30000, max: 90000, probability: expect.closeTo(0.02, 6), ecn: true, harddrop: true },
  },
  codel: { add: { handle: '1:', kind: 'codel', options: { limit: 2000, target: '3ms', interval: 40000, ecn: true, ceThreshold: '1ms' } }, expect: { limit: 2000, target: us(3000), interval: us(40000), ecn: true, ceThreshold: us(1000) } },
  fq_codel: {
    add: { handle: '1:', kind: 'fq_codel', options: { limit: 10240, flows: 2048, quantum: 1514, target: '5ms', interval: '100ms', ecn: true, ceThreshold: '2ms', memoryLimit: '32mb', dropBatch: 32 } },
    expect: { limit: 10240, flows: 2048, quantum: 1514, target: us(5000), interval: us(100000), ecn: true, ceThreshold: us(2000), memoryLimit: 32 * 1024 * 1024, dropBatch: 32 },
  },
  fq: {
    add: { handle: '1:', kind: 'fq', options: { limit: 10000, flowLimit: 100, quantum: 3028, initialQuantum: 15140, maxrate: '1gbit', buckets: 1024, pacing: true, refillDelay: '40ms', lowRateThreshold: '550kbit', orphanMask: 1023, ceThreshold: '4ms', horizon: '10s', horizonDrop: true } },
    expect: { limit: 10000, flowLimit: 100, quantum: 3028, initialQuantum: 15140, maxrate: 1e9, buckets: 1024, refillDelay: 40000, lowRateThreshold: 550000, orphanMask: 1023, ceThreshold: 4000, horizon: 10e6, horizonDrop: true },
  },
  cake: {
    add: { handle: '1:', kind: 'cake', options: { bandwidth: '50mbit', rtt: '30ms', diffserv: 'diffserv8', flowMode: 'dual-dsthost', wash: true, ackFilter: true, splitGso: true, memlimit: '32mb', overhead: 18, mpu: 64 } },
    expect: { bandwidth: 50e6, rtt: 30000, diffserv: 'diffserv8', flowMode: 'dual-dsthost', wash: true, ackFilter: true, splitGso: true, memlimit: 32 * 1024 * 1024, overhead: 18, mpu: 64 },
  },
  // the kinds a kernel attaches by itself, added explicitly
  pfifo_fast: { add: { kind: 'pfifo_fast' }, expect: { bands: 3, priomap: PRIO_MAP } },
  mq: { add: { kind: 'mq' }, expect: {}, link: { numTxQueues: 4 } },
  noqueue: { add: { kind: 'noqueue' }, expect: {} },
};

describe('every qdisc kind: a live round trip', () => {
  it('every kind the library writes has a round-trip case here', () => {
    expect(Object.keys(qdiscKinds).filter((k) => !roundTrips[k])).toEqual([]);
  });
  for (const kind of Object.keys(qdiscKinds).filter((k) => roundTrips[k])) {
    it(`${kind}: add, list, options read back, del`, async (ctx) => {
      const c = roundTrips[kind];
      const ns = await netns.create();
      try {
        const nl = ns.open();
        await nl.link.add({ name: 'v0', kind: 'veth', ...c.link, info: { peer: { name: 'v1' } } });
        const placed = kind === 'ingress' || kind === 'clsact';
        const where = placed ? {} : { parent: c.add.parent ?? 'root' };
        await addOrSkip(ctx, nl, { dev: 'v0', ...where, ...c.add });
        const listed = await nl.tc.qdisc.list({ dev: 'v0', kind });
        expect(listed, JSON.stringify(listed)).toHaveLength(1);
        expect(listed[0].options).toMatchObject(c.expect ?? (c.add.options as Record<string, unknown>));
        if (c.add.handle) expect(listed[0].handle).toBe(c.add.handle);
        await nl.tc.qdisc.del({ dev: 'v0', ...(placed ? { kind } : where) });
        // gone (a veth's own default qdisc is noqueue: deleting that one brings it back)
        if (kind !== 'noqueue') expect(await nl.tc.qdisc.list({ dev: 'v0', kind })).toEqual([]);
      } finally {
        await ns.close();
      }
    });
  }
});
