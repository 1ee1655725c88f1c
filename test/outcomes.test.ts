/**
 * Every request settles exactly once with the truth, checked against the
 * kernel's state: close with work in flight (graceful and forced), ENOBUFS on
 * the request socket, aborts and timeouts before and after sending, streams
 * that are not read or are left early, a paused monitor after overflow, and
 * the errors of the engine's own start-up.
 */
import { openSync as fsOpen, closeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AbortError, ClosedError, NetlinkError, OutcomeUnknownError, TimeoutError, monitor, openSync, type Handle } from '../lib/index.js';
import { Handle as HandleClass } from '../lib/handle.js';
import { Connection } from '../lib/netlink.js';
import { withNs, type TestNetns } from './helpers.js';

const route = (i: number) => `10.${(i >> 8) & 255}.${i & 255}.0/24`;

/** Sorts outcomes into what the kernel state must show. */
async function judge(results: PromiseSettledResult<unknown>[], present: (i: number) => boolean) {
  const tally = { fulfilled: 0, notSent: 0, unknown: 0 };
  const wrong: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') {
      tally.fulfilled++;
      if (!present(i)) wrong.push(`#${i} fulfilled but absent`);
    } else if (r.reason instanceof ClosedError) {
      tally.notSent++;
      if (r.reason.sent !== false) wrong.push(`#${i} ClosedError without sent: false`);
      if (present(i)) wrong.push(`#${i} ERR_HANDLE_CLOSED but applied`);
    } else if (r.reason instanceof OutcomeUnknownError) {
      tally.unknown++;
      if (r.reason.sent !== true) wrong.push(`#${i} unknown without sent: true`);
    } else wrong.push(`#${i} ${String(r.reason)}`);
  });
  return { tally, wrong: wrong.slice(0, 10) };
}

async function routesIn(ns: TestNetns): Promise<Set<string>> {
  return new Set((await ns.nl.route.list({ type: 'blackhole', family: 'inet' })).map((r) => r.dst));
}

const blackholes = (nl: Handle, n: number) => Array.from({ length: n }, (_, i) => nl.route.add({ dst: route(i), type: 'blackhole' }));

describe('close with requests in flight', () => {
  for (const overrun of [false, true]) {
    for (const when of ['same tick', '1 ms', '20 ms'] as const) {
      for (const force of [false, true]) {
        it(`close(${force ? '{ force: true }' : ''}) ${when} after 10,000 route adds${overrun ? ', on a receive buffer they overrun (ENOBUFS)' : ''}: each outcome agrees with the kernel`, async () => {
          await withNs(async (ns) => {
            // The overrun variant sizes the window beyond what the buffer holds on purpose (the default never does).
            const nl = overrun ? new HandleClass(new Connection({ netnsFd: ns.fd, rcvbuf: 4096, window: 1 << 30 })) : openSync({ netns: { fd: ns.fd } });
            const settled = Promise.allSettled(blackholes(nl, 10_000)); // observed at once: some may reject while we wait
            if (when === '1 ms') await new Promise((r) => setTimeout(r, 1));
            if (when === '20 ms') await new Promise((r) => setTimeout(r, 20));
            const closing = nl.close({ force });
            let phase = 'for the outcomes';
            const dog = setTimeout(() => console.error(`still waiting ${phase} after 20 s: ${JSON.stringify(nl.conn.debugState())}`), 20_000);
            const results = await settled;
            phase = 'for close() to resolve';
            await closing;
            clearTimeout(dog);
            const have = await routesIn(ns);
            const { tally, wrong } = await judge(results, (i) => have.has(route(i)));
            console.log(`close(force: ${force}) ${when}${overrun ? ' overrun' : ''}: ${JSON.stringify(tally)}, ${have.size} routes in the kernel`);
            expect(wrong).toEqual([]);
            if (!force && !overrun) expect(tally).toEqual({ fulfilled: 10_000, notSent: 0, unknown: 0 });
            if (!force) expect(tally.notSent).toBe(0); // a graceful close sends what it accepted
          });
        });
      }
    }
  }

  it('a forced close during a slow request: the one being executed is unknown, the ones queued behind were not sent', async () => {
    await withNs(async (ns) => {
      await Promise.all(Array.from({ length: 30 }, (_, i) => ns.nl.link.add({ name: `s${i}`, kind: 'veth', info: { peer: { name: `t${i}` } } })));
      const nl = openSync({ netns: { fd: ns.fd } });
      const dels: Promise<PromiseSettledResult<void>>[] = [];
      for (let i = 0; i < 30; i++) {
        dels.push(nl.link.del(`s${i}`).then((value) => ({ status: 'fulfilled' as const, value }), (reason) => ({ status: 'rejected' as const, reason }))); // each ~16 ms in the kernel; one chunk per tick
        await new Promise((r) => setImmediate(r));
      }
      await new Promise((r) => setTimeout(r, 40));
      await nl.close({ force: true });
      const results = await Promise.all(dels);
      const left = new Set((await ns.nl.link.list({ kind: 'veth' })).map((l) => l.name));
      const { tally, wrong } = await judge(results, (i) => !left.has(`s${i}`));
      console.log(`forced close during 30 slow deletes: ${JSON.stringify(tally)}`);
      expect(wrong).toEqual([]);
      expect(tally.notSent).toBeGreaterThan(0);
    });
  });
});

describe('ENOBUFS on the request socket', () => {
  it('a window too large for a tiny receive buffer overruns it: only sent requests are affected, each outcome agrees with the kernel, and the handle goes on', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.set('lo', { up: true });
      // Sized on purpose beyond what the buffer holds (the default window never is).
      const nl = new HandleClass(new Connection({ netnsFd: ns.fd, rcvbuf: 4096, window: 1 << 30 }));
      const addr = (i: number) => `10.9.${i >> 8}.${i & 255}`;
      // By index: no name lookup first, so every add is in the first burst.
      const calls = Array.from({ length: 2000 }, (_, i) => nl.address.add({ index: 1, address: `${addr(i)}/32` }));
      const results = await Promise.allSettled(calls);
      const have = new Set((await ns.nl.address.list({ dev: 'lo', family: 'inet' })).map((a) => a.address));
      const { tally, wrong } = await judge(results, (i) => have.has(addr(i)));
      const unknown = results.filter((r) => r.status === 'rejected' && r.reason instanceof OutcomeUnknownError);
      console.log(`ENOBUFS forced: ${JSON.stringify(tally)}, ${have.size - 1} addresses in the kernel`);
      expect(wrong).toEqual([]);
      expect(tally.notSent).toBe(0);
      expect(unknown.length).toBeGreaterThan(0); // the overrun did happen
      for (const r of unknown) expect((r as PromiseRejectedResult).reason.reason).toBe('overrun');
      // unknown ones were applied (the kernel ran them; only their acks were dropped)
      expect(have.size - 1).toBe(2000);
      expect(await nl.link.get('lo')).toMatchObject({ name: 'lo' });
      await nl.close();
    });
  });

  it('with the default window a tiny receive buffer never overruns: 2,000 concurrent adds all fulfilled', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.set('lo', { up: true });
      const nl = openSync({ netns: { fd: ns.fd }, rcvbuf: 4096 });
      const results = await Promise.allSettled(Array.from({ length: 2000 }, (_, i) => nl.address.add({ dev: 'lo', address: `10.8.${i >> 8}.${i & 255}/32` })));
      expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      await nl.close();
    });
  });
});

/** 30 veths deleted one per tick keep the I/O thread inside the kernel for ~0.5 s. */
async function busyKernel(ns: TestNetns, nl: Handle): Promise<{ done: Promise<unknown> }> {
  await Promise.all(Array.from({ length: 30 }, (_, i) => ns.nl.link.add({ name: `b${i}`, kind: 'veth', info: { peer: { name: `c${i}` } } })));
  const dels = Promise.allSettled(Array.from({ length: 30 }, (_, i) => nl.link.del(`b${i}`)));
  await new Promise((r) => setImmediate(r)); // that chunk is with the I/O thread now
  await new Promise((r) => setTimeout(r, 5));
  return { done: dels }; // wrapped: an async function would wait for a promise it returns
}

describe('abort and timeout', () => {
  it('a signal aborted before the call: AbortError, sent: false, nothing handed to the kernel', async () => {
    await withNs(async (ns) => {
      const before = ns.nl.conn.stats();
      const err = await ns.nl.route.add({ dst: '10.1.0.0/24', type: 'blackhole' }, { signal: AbortSignal.abort() }).catch((e) => e);
      expect(err).toBeInstanceOf(AbortError);
      expect(err).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', sent: false });
      expect(ns.nl.conn.stats()).toEqual(before);
      expect(() => ns.nl.sync.link.list({}, { signal: AbortSignal.abort() })).toThrow(AbortError);
    });
  });

  it('aborted while queued behind slow work: sent: false, and the kernel never saw it', async () => {
    await withNs(async (ns) => {
      const nl = openSync({ netns: { fd: ns.fd } });
      const slow = (await busyKernel(ns, nl)).done;
      const ac = new AbortController();
      const p = nl.route.add({ dst: '10.2.0.0/24', type: 'blackhole' }, { signal: ac.signal });
      await new Promise((r) => setImmediate(r)); // handed to the I/O thread, which is still busy
      ac.abort(new Error('changed my mind'));
      const err = await p.catch((e) => e);
      await slow;
      expect(err).toBeInstanceOf(AbortError);
      expect(err.sent).toBe(false);
      expect(err.cause).toMatchObject({ message: 'changed my mind' });
      expect((await routesIn(ns)).has('10.2.0.0/24')).toBe(false);
      // the handle goes on
      await nl.route.add({ dst: '10.3.0.0/24', type: 'blackhole' });
      expect((await routesIn(ns)).has('10.3.0.0/24')).toBe(true);
      await nl.close();
    });
  });

  it('aborted while the kernel executes it: sent: true (and it was applied)', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.add({ name: 'x0', kind: 'veth', info: { peer: { name: 'x1' } } });
      const ac = new AbortController();
      const p = ns.nl.link.del('x0', { signal: ac.signal });
      await new Promise((r) => setTimeout(r, 4)); // a veth delete spends ~16 ms inside sendmsg()
      ac.abort();
      const err = await p.catch((e) => e);
      expect(err).toBeInstanceOf(AbortError);
      expect(err.sent).toBe(true);
      await new Promise((r) => setTimeout(r, 50));
      expect(await ns.nl.link.list({ kind: 'veth' })).toEqual([]);
    });
  });

  it('timeouts: a call that waits longer than { timeout } rejects with TimeoutError saying whether it was sent', async () => {
    await withNs(async (ns) => {
      const nl = openSync({ netns: { fd: ns.fd } });
      const slow = (await busyKernel(ns, nl)).done;
      const err = await nl.route.add({ dst: '10.4.0.0/24', type: 'blackhole' }, { timeout: 30 }).catch((e) => e);
      await slow;
      expect(err).toBeInstanceOf(TimeoutError);
      expect(err).toMatchObject({ code: 'ETIMEDOUT', sent: false, timeout: 30 });
      expect((await routesIn(ns)).has('10.4.0.0/24')).toBe(false);
      await nl.close();
    });
  });

  it('the handle default timeout applies to every call; 0 disables it', async () => {
    await withNs(async (ns) => {
      const nl = openSync({ netns: { fd: ns.fd }, timeout: 30 });
      const slow = (await busyKernel(ns, nl)).done;
      const err = await nl.route.add({ dst: '10.5.0.0/24', type: 'blackhole' }).catch((e) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      await slow.catch(() => {}); // those deletes time out too
      const nl0 = openSync({ netns: { fd: ns.fd }, timeout: 0 });
      await nl0.route.add({ dst: '10.6.0.0/24', type: 'blackhole' });
      await Promise.all([nl.close(), nl0.close()]);
    });
  });

  it('a stream aborted by its signal ends with AbortError; one waiting too long with TimeoutError', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.set('lo', { up: true });
      await Promise.all(Array.from({ length: 3000 }, (_, i) => ns.nl.route.add({ dst: route(i), type: 'blackhole' })));
      const ac = new AbortController();
      let n = 0;
      const err = await (async () => {
        for await (const _ of ns.nl.route.stream({ type: 'blackhole' }, { signal: ac.signal })) if (++n === 10) ac.abort();
      })().catch((e) => e);
      expect(err).toBeInstanceOf(AbortError);
      expect(n).toBeGreaterThanOrEqual(10);
      expect(n).toBeLessThan(3000);
      const nl = openSync({ netns: { fd: ns.fd } });
      const slow = (await busyKernel(ns, nl)).done;
      const terr = await (async () => {
        for await (const _ of nl.link.stream({}, { timeout: 30 })) void _;
      })().catch((e) => e);
      await slow;
      expect(terr).toBeInstanceOf(TimeoutError);
      await nl.close();
    });
  });
});

describe('streams', () => {
  it('an unconsumed stream blocks nothing else on the same handle; leaving it early stops its dump', async () => {
    await withNs(async (ns) => {
      await Promise.all(Array.from({ length: 20_000 }, (_, i) => ns.nl.route.add({ dst: route(i), type: 'blackhole' })));
      const it = ns.nl.route.stream({ type: 'blackhole' })[Symbol.asyncIterator]();
      await it.next(); // one item read, then nobody reads
      const t0 = performance.now();
      expect((await ns.nl.link.get('lo')).name).toBe('lo');
      expect(await ns.nl.route.list({ type: 'blackhole' })).toHaveLength(20_000);
      expect(ns.nl.sync.link.list()).toHaveLength(1);
      console.log(`with an unread stream open: a get and a 20k-route list answered in ${(performance.now() - t0).toFixed(1)} ms`);
      const cpu0 = process.cpuUsage();
      await it.return!(undefined);
      await new Promise((r) => setTimeout(r, 300));
      const cpu = process.cpuUsage(cpu0);
      console.log(`after leaving the stream: ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms CPU in 300 ms`);
      expect(cpu.user + cpu.system).toBeLessThan(100_000);
    });
  });
});

describe('monitor', () => {
  it('a paused monitor after overflow uses < 1 % CPU over 2 s, and then reports the overflow', async () => {
    await withNs(async (ns) => {
      const m = monitor({ netns: { fd: ns.fd }, families: ['route'], highWaterMark: 1, rcvbuf: 4096 });
      await Promise.all(Array.from({ length: 3000 }, (_, i) => ns.nl.route.add({ dst: route(i), type: 'blackhole' })));
      await new Promise((r) => setTimeout(r, 100));
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, 2000));
      const cpu = process.cpuUsage(cpu0);
      const share = (cpu.user + cpu.system) / 1000 / (performance.now() - t0);
      console.log(`paused monitor after overflow: ${(share * 100).toFixed(2)} % CPU over 2 s`);
      expect(share).toBeLessThan(0.01);
      const err = await (async () => {
        for await (const _ of m) void _;
      })().catch((e) => e);
      expect(err).toBeInstanceOf(NetlinkError);
      expect(err.code).toBe('ENOBUFS');
    });
  });
});

describe('start-up errors name the failing call', () => {
  it('setns with a bad fd: EBADF from setns; with an fd that is no namespace: EINVAL from setns', () => {
    expect(() => openSync({ netns: { fd: 987_654 } })).toThrow(expect.objectContaining({ code: 'EBADF', errno: -9, syscall: 'setns' }));
    const fd = fsOpen('/dev/null', 'r');
    try {
      expect(() => openSync({ netns: { fd } })).toThrow(expect.objectContaining({ code: 'EINVAL', errno: -22, syscall: 'setns' }));
    } finally {
      closeSync(fd);
    }
  });
});

describe('the blocking path', () => {
  it('after a kernel error, the next call gets its own complete answer', async () => {
    await withNs(async (ns) => {
      const s = ns.nl.sync;
      for (let i = 0; i < 50; i++) s.route.add({ dst: route(i), type: 'blackhole' });
      expect(() => s.route.add({ dst: route(3), type: 'blackhole' })).toThrow(expect.objectContaining({ code: 'EEXIST' }));
      expect(s.route.list({ type: 'blackhole' })).toHaveLength(50);
      expect(() => s.link.del('nope')).toThrow(expect.objectContaining({ code: 'ENODEV' }));
      expect(s.link.list()).toHaveLength(1);
    });
  });
});
