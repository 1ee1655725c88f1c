/**
 * The mirror (nl.watch): kept by events, with the kernel's silent cascades
 * modelled, checked by verify() against fresh dumps after churn made by
 * another process (ip -batch inside the test's namespace).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { haveIp, makeNetns, toolEnv, withNs, type TestNetns, why } from './helpers.js';
import { monitor, openSync, watch, type MonitorEvent, type WatchChange } from '../lib/index.js';

function ipBatch(ns: TestNetns, lines: string[]): Promise<number | null> {
  const child = spawn('nsenter', [`--net=${ns.path}`, 'ip', '-batch', '-'], { env: toolEnv(), stdio: ['pipe', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  child.stdin.end(lines.join('\n') + '\n');
  return exited;
}

function churn(i: number): string[] {
  const a = `c${i}a`, b = `c${i}b`, c = `c${i}c`, d = `c${i}d`;
  return [
    `link add ${a} type veth peer name ${b}`,
    `link add ${c} type veth peer name ${d}`,
    `link set ${a} up`,
    `link set ${b} up`,
    `link set ${c} up`,
    `address add 10.${i}.1.1/24 dev ${a}`,
    `address add 10.${i}.2.1/24 dev ${c}`,
    `address add fd${i}::1/64 dev ${a} nodad`,
    `route add 10.${100 + i}.0.0/16 via 10.${i}.1.2`,
    `route add 10.${100 + i}.1.0/24 dev ${c}`,
    `route add fd${i}:1::/64 dev ${a}`,
    `neigh add 10.${i}.1.9 lladdr 00:11:22:33:44:${(i + 16).toString(16)} dev ${a}`,
    `link set ${c} down`, // its IPv4 routes go without an event
    `link del ${a}`, // its addresses, routes (IPv4: no event), neighbours go
  ];
}

describe.skipIf(!haveIp())('watch under churn' + why(!haveIp(), "iproute2's ip (with -j) or nsenter missing"), () => {
  it('verify() finds 0 differences after each of 20 churn runs by another process', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.set('lo', { up: true });
      await using w = await ns.nl.watch();
      const changes: WatchChange[] = [];
      for (const k of ['add', 'change', 'delete'] as const) w.on(k, (c: WatchChange) => changes.push(c));
      const results: number[] = [];
      for (let i = 1; i <= 20; i++) {
        expect(await ipBatch(ns, churn(i))).toBe(0);
        const drift = await w.verify();
        if (drift.length) console.error(`run ${i}:`, JSON.stringify(drift.slice(0, 5)));
        results.push(drift.length);
      }
      expect(results).toEqual(Array(20).fill(0));
      // The cascades happened and were the mirror's own doing.
      expect(changes.some((c) => c.cause === 'cascade' && c.table === 'route' && (c.value as any).family === 'inet')).toBe(true);
      expect(w.get('link', 'c1a')).toBeUndefined();
      expect(w.get('link', 'c1c')).toMatchObject({ name: 'c1c' });
      expect(w.list('route', { dev: 'c1c' })).toEqual([]);
      // list() answers as the family's list does (the same objects, less the names).
      const kernel = (await ns.nl.link.list()).map((l) => l.index).sort((x, y) => x - y);
      expect(w.list('link').map((l) => l.index).sort((x, y) => x - y)).toEqual(kernel);
    });
  }, 120_000);
});

describe('watch: the kernel cascades, per family', () => {
  it('a link deleted: IPv4 routes go without an event, IPv6 routes with one; the mirror drops both', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.add({ name: 'ka', kind: 'veth', info: { peer: { name: 'kb' } } });
      await ns.nl.link.set('kb', { up: true });
      await ns.nl.link.set('ka', { up: true });
      await ns.nl.address.add({ dev: 'ka', address: '10.5.0.1/24' });
      await ns.nl.route.add({ dst: '10.6.0.0/16', gateway: '10.5.0.2' });
      await ns.nl.route.add({ dst: 'fd05::/64', dev: 'ka' });
      await using w = await ns.nl.watch({ tables: ['link', 'address', 'route'] });
      const raw = monitor({ netns: { fd: ns.fd }, families: ['route', 'link'] });
      const deletes: WatchChange[] = [];
      w.on('delete', (c: WatchChange) => deletes.push(c));
      await ns.nl.link.del('ka');
      const evs: MonitorEvent[] = [];
      for (;;) {
        const e = (await raw.next()).value as MonitorEvent;
        evs.push(e);
        if (e.type === 'link' && e.action === 'del' && e.data.name === 'ka') break;
      }
      // Events that follow the link's deletion within a moment (IPv6's come around it).
      const late = monitorFor(raw, 200);
      evs.push(...(await late));
      await raw.close();
      const routeDels = evs.filter((e) => e.type === 'route' && e.action === 'del').map((e) => (e as any).data.dst);
      expect(routeDels).not.toContain('10.6.0.0/16'); // the kernel said nothing of it
      expect(routeDels).toContain('fd05::/64'); // but it did of the IPv6 one
      const dropped = deletes.filter((c) => c.table === 'route').map((c) => [(c.value as any).dst, c.cause]);
      expect(dropped).toContainEqual(['10.6.0.0/16', 'cascade']);
      expect(dropped.map(([d]) => d)).toContain('fd05::/64');
      expect(w.list('address', { dev: 'ka' })).toEqual([]);
      expect(await w.verify()).toEqual([]);
    });
  });

  it('a link moved to another namespace: its state leaves the mirror', async () => {
    const other = makeNetns();
    try {
      await withNs(async (ns) => {
        await ns.nl.link.add({ name: 'ma', kind: 'veth', info: { peer: { name: 'mb' } } });
        await ns.nl.link.set('mb', { up: true });
        await ns.nl.link.set('ma', { up: true });
        await ns.nl.address.add({ dev: 'ma', address: '10.7.0.1/24' });
        await ns.nl.route.add({ dst: '10.8.0.0/16', gateway: '10.7.0.2' });
        await ns.nl.address.add({ dev: 'mb', address: '10.9.0.1/24' }); // mb stays and loses its carrier: its routes turn linkdown silently
        await using w = await ns.nl.watch();
        const index = w.get('link', 'ma')!.index;
        expect(w.list('route', { dev: index })).not.toEqual([]);
        await ns.nl.link.set('ma', { netns: { fd: other.fd } });
        await ns.nl.waitFor('link', () => true); // a round trip on another socket
        for (let i = 0; i < 50 && w.get('link', index); i++) await new Promise((r) => setTimeout(r, 10));
        expect(w.get('link', index)).toBeUndefined();
        expect(w.list('route', { dev: index, table: 'all' })).toEqual([]);
        expect(w.list('address', { dev: index })).toEqual([]);
        const drift = await w.verify();
        if (drift.length) console.error(JSON.stringify(drift));
        expect(drift).toEqual([]);
      });
    } finally {
      await other.close();
    }
  });

  it('an abort ends the mirror quietly; it keeps its last state', async () => {
    await withNs(async (ns) => {
      const ac = new AbortController();
      const w = await ns.nl.watch({ tables: ['link'], signal: ac.signal });
      const errors: unknown[] = [];
      w.on('error', (e) => errors.push(e));
      ac.abort();
      await w.done;
      expect(errors).toEqual([]);
      expect(w.error).toBeUndefined();
      expect(w.get('link', 'lo')).toMatchObject({ name: 'lo' });
      await w.close();
    });
  });

  it('validates its input', async () => {
    await expect(watch({ tables: ['qdisc' as never] })).rejects.toThrow(/tables/);
    await expect(watch({ tables: [] })).rejects.toThrow(RangeError);
  });
});

async function monitorFor(it: AsyncIterator<MonitorEvent>, ms: number): Promise<MonitorEvent[]> {
  const out: MonitorEvent[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const r = await Promise.race([it.next(), new Promise<null>((r) => setTimeout(() => r(null), end - Date.now()))]);
    if (!r || r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('lifecycle', () => {
  const count = (p: string) => readdirSync(p).length;
  it('a close() awaited by nothing else that holds the handle resolves, even when a GC runs meanwhile', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const settle = (p: Promise<void>) => Promise.race([p.then(() => 'closed'), new Promise((r) => setTimeout(() => r('hung'), 500))]);
    const outcomes: unknown[] = [];
    for (let i = 0; i < 40; i++) {
      const p = i % 2 ? openSync().close() : monitor({ families: ['link'] }).close();
      setImmediate(gc); // between the sockets' destruction and the engine's word that they are closed
      outcomes.push(await settle(p));
    }
    expect(outcomes.filter((o) => o !== 'closed')).toEqual([]);
  });

  it('1,000 monitors and mirrors opened and ended (break, abort, dispose) leave no fd or thread', async () => {
    await withNs(async (ns) => {
      let where = '';
      const dog = setTimeout(() => console.error(`lifecycle: stuck at ${where}`), 30_000);
      const fds0 = count('/proc/self/fd');
      const tasks0 = count('/proc/self/task');
      for (let i = 0; i < 250; i++) {
        where = `break ${i}`;
        const m = monitor({ netns: { fd: ns.fd }, families: ['link'], listExisting: true });
        for await (const _ of m) break;
      }
      for (let i = 0; i < 250; i++) {
        where = `abort ${i}`;
        const ac = new AbortController();
        const m = monitor({ netns: { fd: ns.fd }, families: ['address'], signal: ac.signal });
        const p = m.next();
        ac.abort();
        await p.catch(() => undefined);
      }
      for (let i = 0; i < 250; i++) {
        where = `dispose ${i}`;
        await using _m = monitor({ netns: { fd: ns.fd }, families: ['route'] });
      }
      for (let i = 0; i < 250; i++) {
        where = `watch ${i}`;
        const w = await ns.nl.watch({ tables: i % 2 ? ['link', 'route'] : undefined });
        if (i % 2) await w.close();
        else await w[Symbol.asyncDispose]();
      }
      clearTimeout(dog);
      await new Promise((r) => setTimeout(r, 50));
      expect(count('/proc/self/fd')).toBeLessThanOrEqual(fds0);
      expect(count('/proc/self/task')).toBeLessThanOrEqual(tasks0);
    });
  }, 120_000);
});
