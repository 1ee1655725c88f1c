/**
 * monitor({ listExisting }) and overflow: 'resync': the state and the changes
 * after it, with no gap and no duplicate, checked against list() in a
 * namespace the test made; overflow provoked for real with a small buffer.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveIp, makeNetns, toolEnv, type TestNetns, why } from './helpers.js';
import { monitor, type MonitorEvent, type MonitorSnapshot } from '../lib/index.js';
import { objectKey, type ListableFamily } from '../lib/monitor.js';

let ns: TestNetns;
beforeAll(async () => {
  ns = makeNetns();
  await ns.nl.link.set('lo', { up: true });
});
afterAll(async () => {
  await ns?.close();
});

/** A picture of the tables built from a monitor's snapshots and events. */
class Picture {
  tables = new Map<string, Map<string, unknown>>();
  resyncs: MonitorSnapshot[] = [];
  /** Keys that were both in a snapshot and then yielded as 'new' with the same content before any change. */
  apply(e: MonitorEvent): void {
    if (e.type === 'resync') {
      this.resyncs.push(e.snapshot);
      this.tables.clear();
      for (const [fam, objs] of Object.entries(e.snapshot)) this.tables.set(fam, new Map((objs as object[]).map((o) => [objectKey(fam as ListableFamily, o), o])));
      return;
    }
    let t = this.tables.get(e.type);
    if (!t) this.tables.set(e.type, (t = new Map()));
    const k = objectKey(e.type as ListableFamily, e.data);
    if (e.action === 'new') t.set(k, e.data);
    else t.delete(k);
  }
  keys(fam: string, pick: (o: any) => boolean = () => true): string[] {
    return [...(this.tables.get(fam) ?? new Map()).entries()].filter(([, o]) => pick(o)).map(([k]) => k).sort();
  }
}

const in10 = (a: { address?: string; dst?: string }) => (a.address ?? a.dst ?? '').startsWith('10.');

describe.skipIf(!haveIp())('monitor listExisting' + why(!haveIp(), "iproute2's ip (with -j) or nsenter missing"), () => {
  it('the snapshot and the events after it cover a concurrent burst exactly once', async () => {
    // Another process adds 300 addresses while the monitor lists and follows.
    const lines = Array.from({ length: 300 }, (_, i) => `address add 10.9.${i >> 8}.${i & 255}/32 dev lo`).join('\n') + '\n';
    const child = spawn('nsenter', [`--net=${ns.path}`, 'ip', '-batch', '-'], { env: toolEnv(), stdio: ['pipe', 'ignore', 'inherit'] });
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    child.stdin.end(lines);
    await new Promise((r) => setTimeout(r, 5)); // let it start: the dump then runs during the burst
    const mon = monitor({ netns: { fd: ns.fd }, families: ['address'], listExisting: true });
    const pic = new Picture();
    const seen = new Map<string, number>(); // how often each 10.9 address showed up as existing or new
    try {
      const first = (await mon.next()).value as MonitorEvent;
      expect(first.type).toBe('resync');
      expect(first.type === 'resync' && first.action).toBe('listed');
      pic.apply(first);
      for (const a of (first.type === 'resync' && first.snapshot.address) || []) if (in10(a)) seen.set(a.address, 1);
      expect(await exited).toBe(0);
      // Every address ends up seen exactly once: in the snapshot or as one 'new' event.
      while ([...seen.keys()].length < 300) {
        const e = (await mon.next()).value as MonitorEvent;
        pic.apply(e);
        if (e.type === 'address' && in10(e.data)) {
          expect(e.action).toBe('new');
          seen.set(e.data.address, (seen.get(e.data.address) ?? 0) + 1);
        }
      }
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      const listed = (await ns.nl.address.list({ dev: 'lo' })).map((a) => objectKey('address', a)).sort();
      expect(pic.keys('address', (a) => a.index === 1)).toEqual(listed);
    } finally {
      child.kill();
      await mon.close();
      await ns.nl.address.flush({ dev: 'lo', to: '10.9.0.0/16' } as never).catch(() => undefined);
    }
  }, 30_000);

  it('refuses families it cannot list, naming them', () => {
    expect(() => monitor({ families: ['qdisc'], listExisting: true })).toThrow(/listExisting.*qdisc/);
    expect(() => monitor({ listExisting: 'yes' as never })).toThrow(TypeError);
  });
});

/** Adds `n` routes 10.200.x.y/32 dev lo from the test's handle (another socket than the monitor's). */
async function addRoutes(n: number, base = 0): Promise<void> {
  await ns.nl.batch((b) => {
    for (let i = base; i < base + n; i++) b.route.add({ dst: `10.${200 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`, dev: 'lo' });
  });
}
const ours = (r: any) => r.table === 'main' && typeof r.dst === 'string' && /^10\.2\d\d\./.test(r.dst);

describe('monitor overflow provoked for real', () => {
  it("'throw': 10,000 route adds while the reader sleeps end the iteration with ENOBUFS", async () => {
    const mon = monitor({ netns: { fd: ns.fd }, families: ['route'], highWaterMark: 16, rcvbuf: 65536 });
    try {
      await addRoutes(10_000);
      let err: any;
      try {
        for (let i = 0; i < 20_000; i++) if ((await mon.next()).done) break;
      } catch (e) {
        err = e;
      }
      expect(err?.code).toBe('ENOBUFS');
    } finally {
      await mon.close();
      await ns.nl.route.flush({ protocol: 'boot' } as never).catch(() => undefined);
    }
  }, 60_000);

  it("'resync': a snapshot with the right count, and no event lost after it", async () => {
    await ns.nl.route.flush({ dev: 'lo' } as never).catch(() => undefined);
    const mon = monitor({ netns: { fd: ns.fd }, families: ['route'], highWaterMark: 16, rcvbuf: 65536, overflow: 'resync' });
    const pic = new Picture();
    try {
      await addRoutes(10_000);
      // The reader wakes after the burst. Usually the first resync's dump sees all of it; on a
      // loaded machine the overflow may be handled while the burst still runs: then the rest
      // of the burst follows as events (or as another resync). Either way the picture ends
      // holding exactly the burst, and nothing but resyncs and route events comes.
      const have = new Set<string>();
      while (pic.resyncs.length === 0 || have.size < 10_000) {
        const e = (await mon.next()).value as MonitorEvent;
        pic.apply(e);
        if (e.type === 'resync') {
          expect(e.action).toBe('lost');
          have.clear();
          for (const r of e.snapshot.route ?? []) if (ours(r)) have.add(objectKey('route', r));
        } else {
          expect(e.type).toBe('route');
          if (e.type === 'route' && ours(e.data)) have[e.action === 'new' ? 'add' : 'delete'](objectKey('route', e.data));
        }
      }
      expect(pic.keys('route', ours)).toHaveLength(10_000);
      const last = pic.resyncs[pic.resyncs.length - 1];
      expect(last.route!.filter(ours).length).toBeLessThanOrEqual(10_000);
      // Changes after the snapshot, made while the reader reads: 500 adds and 500 deletions, every one seen.
      let news = 0;
      let dels = 0;
      const reader = (async () => {
        while (news < 500 || dels < 500) {
          const ev = (await mon.next()).value as MonitorEvent;
          expect(ev.type).toBe('route'); // nothing lost after the snapshot
          pic.apply(ev);
          if (ev.type === 'route' && ours(ev.data)) ev.action === 'new' ? news++ : dels++;
        }
      })();
      for (let j = 0; j < 10; j++) {
        await addRoutes(50, 10_000 + j * 50);
        await ns.nl.batch((b) => {
          for (let i = j * 50; i < j * 50 + 50; i++) b.route.del({ dst: `10.200.${i >> 8}.${i & 255}/32`, dev: 'lo' });
        });
      }
      await reader;
      expect([news, dels]).toEqual([500, 500]);
      const listed = (await ns.nl.route.list({ table: 'main' })).filter(ours).map((r) => objectKey('route', r)).sort();
      expect(listed).toHaveLength(10_000);
      expect(pic.keys('route', ours)).toEqual(listed);
    } finally {
      await mon.close();
      await ns.nl.route.flush({ dev: 'lo' } as never).catch(() => undefined);
    }
  }, 60_000);
});

describe('monitor allNsid (NETLINK_LISTEN_ALL_NSID)', () => {
  it("events from a second namespace carry its nsid; this namespace's own carry none", async () => {
    const a = makeNetns();
    const b = makeNetns();
    try {
      const id = await a.nl.netns.setId({ fd: b.fd }, 7);
      expect(id).toBe(7);
      const mon = monitor({ netns: { fd: a.fd }, families: ['link'], allNsid: true });
      const plain = monitor({ netns: { fd: a.fd }, families: ['link'] });
      try {
        await b.nl.link.add({ name: 'fromb', kind: 'veth', info: { peer: { name: 'fromb2' } } });
        await a.nl.link.add({ name: 'froma', kind: 'veth', info: { peer: { name: 'froma2' } } });
        const got: MonitorEvent[] = [];
        while (!got.some((e) => e.type === 'link' && e.data.name === 'froma')) got.push((await mon.next()).value as MonitorEvent);
        const fromB = got.find((e) => e.type === 'link' && e.data.name === 'fromb');
        expect(fromB?.nsid).toBe(7);
        const fromA = got.find((e) => e.type === 'link' && e.data.name === 'froma');
        expect(fromA).toBeDefined();
        expect(fromA!.nsid).toBeUndefined();
        // Without allNsid, the other namespace is not heard at all.
        const own: MonitorEvent[] = [];
        while (!own.some((e) => e.type === 'link' && e.data.name === 'froma')) own.push((await plain.next()).value as MonitorEvent);
        expect(own.filter((e) => e.type === 'link' && e.data.name === 'fromb')).toEqual([]);
      } finally {
        await mon.close();
        await plain.close();
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('with listExisting: the snapshot lists the peers (links, addresses); a peer destroyed yields RTM_DELNSID', async () => {
    const a = makeNetns();
    const b = makeNetns();
    let bOpen = true;
    try {
      await b.nl.link.add({ name: 'lb1', kind: 'veth', info: { peer: { name: 'lb2' } } });
      await b.nl.address.add({ dev: 'lb1', address: '10.61.0.1/24' });
      const id = await a.nl.netns.setId({ fd: b.fd });
      const mon = monitor({ netns: { fd: a.fd }, families: ['link', 'address', 'nsid'], listExisting: true, allNsid: true });
      try {
        const first = (await mon.next()).value as MonitorEvent;
        expect(first.type === 'resync' && first.action).toBe('listed');
        const peers = first.type === 'resync' ? first.snapshot.peers : undefined;
        expect(peers?.map((p) => p.nsid)).toEqual([id]);
        expect(peers![0].link!.map((l) => l.name).sort()).toEqual(['lb1', 'lb2', 'lo']);
        expect(peers![0].address!.map((x) => x.address)).toEqual(['10.61.0.1']);
        expect(first.type === 'resync' && first.snapshot.link!.map((l) => l.name)).toEqual(['lo']); // a's own
        await b.close();
        bOpen = false;
        for (;;) {
          const e = (await mon.next()).value as MonitorEvent;
          if (e.type === 'nsid') {
            expect([e.action, e.data.nsid, e.nsid]).toEqual(['del', id, undefined]);
            break;
          }
        }
      } finally {
        await mon.close();
      }
    } finally {
      await a.close();
      if (bOpen) await b.close();
    }
  });

  it('takes allNsid as a boolean only', () => {
    expect(() => monitor({ allNsid: 1 as never })).toThrow(/allNsid/);
  });
});

describe('every family: add, change, del events in kernel order, equal to what list() returns', () => {
  /** What a list adds (names it resolved) and what moves on its own (counters, ages). */
  const comparable = (o: any) => {
    const { dev: _d, stats64: _s, cacheinfo: _c, probes: _p, ...rest } = o;
    return rest;
  };
  const next = async (m: AsyncIterator<MonitorEvent>, pick: (e: MonitorEvent) => boolean) => {
    for (;;) {
      const e = (await m.next()).value as MonitorEvent;
      if (pick(e)) return e;
    }
  };

  it('link, address, route, neigh, rule', async () => {
    const x = makeNetns();
    const mon = monitor({ netns: { fd: x.fd }, families: ['link', 'address', 'route', 'neigh', 'rule'] });
    try {
      const nl = x.nl;
      await nl.link.add({ name: 'ea', kind: 'veth', info: { peer: { name: 'eb' } } });
      let e = await next(mon, (e) => e.type === 'link' && e.data.name === 'ea');
      expect(e.action).toBe('new');
      await nl.link.set('ea', { mtu: 1400 });
      e = await next(mon, (e) => e.type === 'link' && e.data.name === 'ea' && e.data.mtu === 1400);
      expect(comparable(e.data)).toEqual(comparable((await nl.link.list({ name: 'ea' }))[0]));

      await nl.link.set('eb', { up: true });
      await nl.link.set('ea', { up: true });
      await nl.address.add({ dev: 'ea', address: '10.44.0.1/24' });
      e = await next(mon, (e) => e.type === 'address' && e.data.address === '10.44.0.1');
      expect(e.action).toBe('new');
      expect(comparable(e.data)).toEqual(comparable((await nl.address.list({ dev: 'ea', family: 'inet' }))[0]));

      await nl.route.add({ dst: '10.45.0.0/16', dev: 'ea', metric: 5 });
      e = await next(mon, (e) => e.type === 'route' && e.data.dst === '10.45.0.0/16');
      expect(comparable(e.data)).toEqual(comparable((await nl.route.list({ dev: 'ea' })).find((r) => r.dst === '10.45.0.0/16')));
      await nl.route.replace({ dst: '10.45.0.0/16', dev: 'ea', metric: 5, protocol: 'static' });
      e = await next(mon, (e) => e.type === 'route' && e.data.dst === '10.45.0.0/16');
      expect(e.action).toBe('new');
      expect(e.type === 'route' && e.data.protocol).toBe('static');

      await nl.neigh.add({ dev: 'ea', address: '10.44.0.9', lladdr: '02:00:00:00:00:09' });
      e = await next(mon, (e) => e.type === 'neigh' && e.data.address === '10.44.0.9');
      expect(comparable(e.data)).toEqual(comparable((await nl.neigh.list({ dev: 'ea' })).find((n) => n.address === '10.44.0.9')));

      await nl.rule.add({ priority: 100, table: 100, family: 'inet' } as never);
      e = await next(mon, (e) => e.type === 'rule' && e.data.priority === 100);
      expect(e.data).toEqual((await nl.rule.list({ family: 'inet' } as never)).find((r: any) => r.priority === 100));

      // Deletions, in the order made.
      await nl.rule.del({ priority: 100, table: 100, family: 'inet' } as never);
      await nl.neigh.del({ dev: 'ea', address: '10.44.0.9' });
      await nl.route.del({ dst: '10.45.0.0/16', dev: 'ea', metric: 5 });
      await nl.address.del({ dev: 'ea', address: '10.44.0.1/24' });
      const order: string[] = [];
      while (order.length < 4) {
        const d = (await mon.next()).value as MonitorEvent;
        if (d.action !== 'del') continue;
        if ((d.type === 'rule' && d.data.priority === 100) || (d.type === 'neigh' && d.data.address === '10.44.0.9') || (d.type === 'route' && d.data.dst === '10.45.0.0/16') || (d.type === 'address' && d.data.address === '10.44.0.1'))
          order.push(d.type);
      }
      expect(order).toEqual(['rule', 'neigh', 'route', 'address']);
      await nl.link.del('ea');
      e = await next(mon, (e) => e.type === 'link' && e.action === 'del' && e.data.name === 'ea');
      expect(e.action).toBe('del');
    } finally {
      await mon.close();
      await x.close();
    }
  });
});
