import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeNetns, type TestNetns } from './helpers.js';
import { monitor, type MonitorEvent } from '../lib/index.js';

let ns: TestNetns;
beforeAll(() => {
  ns = makeNetns();
});
afterAll(async () => {
  await ns?.close();
});

async function take(it: AsyncIterator<MonitorEvent>, n: number, pred: (e: MonitorEvent) => boolean): Promise<MonitorEvent[]> {
  const out: MonitorEvent[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    if (pred(r.value)) out.push(r.value);
  }
  return out;
}

describe('monitor', () => {
  it('sees links appear, change and go, decoded like link.list', async () => {
    const mon = monitor({ netns: { fd: ns.fd }, families: ['link'] });
    try {
      await ns.nl.link.add({ name: 'mva', kind: 'veth', info: { peer: { name: 'mvb' } } });
      await ns.nl.link.set('mva', { mtu: 1280 });
      await ns.nl.link.del('mva');
      const evs = await take(mon, 3, (e) => e.type === 'link' && e.data.name === 'mva');
      expect(evs[0].action).toBe('new');
      expect(evs.some((e) => e.type === 'link' && e.action === 'new' && e.data.mtu === 1280)).toBe(true);
      expect(evs.at(-1)?.action).toBe('del');
      const first = evs[0];
      expect(first.type === 'link' && first.data.kind).toBe('veth');
    } finally {
      await mon.close();
    }
  });

  it('ends on abort with an AbortError', async () => {
    const ac = new AbortController();
    const mon = monitor({ netns: { fd: ns.fd }, families: ['link'], signal: ac.signal });
    const pending = mon.next();
    ac.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reports lost events (ENOBUFS) instead of hiding them', async () => {
    const mon = monitor({ netns: { fd: ns.fd }, families: ['link'], highWaterMark: 1, overflow: 'resync', rcvbuf: 65536 });
    try {
      // Not reading while many changes happen overruns the monitor's socket buffer.
      await ns.nl.link.set('lo', { up: true });
      await ns.nl.batch((b) => {
        for (let i = 0; i < 2000; i++) b.link.set('lo', { alias: `a${i}` });
      });
      let resync = false;
      let seen = 0;
      for (; seen < 2000 && !resync; seen++) {
        const r = await mon.next();
        if (r.done) break;
        if (r.value.type === 'resync') resync = true;
      }
      expect(resync).toBe(true);
      expect(seen).toBeLessThan(2000); // some events were really lost
    } finally {
      await mon.close();
    }
  });
});

describe('monitor overflow default', () => {
  it('throws ENOBUFS when events were lost and no resync was asked for', async () => {
    const mon = monitor({ netns: { fd: ns.fd }, families: ['link'], highWaterMark: 1, rcvbuf: 65536 });
    try {
      await ns.nl.batch((b) => {
        for (let i = 0; i < 2000; i++) b.link.set('lo', { alias: `b${i}` });
      });
      const drain = async () => {
        for (let i = 0; i < 2000; i++) if ((await mon.next()).done) return 'done';
        return 'no error';
      };
      await expect(drain()).rejects.toMatchObject({ code: 'ENOBUFS' });
    } finally {
      await mon.close();
    }
  });
});

describe('monitor of layer 3', () => {
  it('sees addresses and routes come and go, decoded like their lists', async () => {
    const mon = monitor({ netns: { fd: ns.fd }, families: ['address', 'route'] });
    try {
      await ns.nl.link.add({ name: 'm3a', kind: 'veth', up: true, info: { peer: { name: 'm3b' } } });
      await ns.nl.address.add({ dev: 'm3a', address: '10.77.0.1/24' });
      await ns.nl.route.add({ dst: '10.78.0.0/16', via: '10.77.0.2' });
      await ns.nl.address.del({ dev: 'm3a', address: '10.77.0.1/24' });
      const evs = await take(mon, 3, (e) =>
        (e.type === 'address' && e.data.address === '10.77.0.1') || (e.type === 'route' && e.data.dst === '10.78.0.0/16'),
      );
      expect(evs.map((e) => `${e.type}:${e.action}`)).toEqual(['address:new', 'route:new', 'address:del']);
      const [listed] = await ns.nl.route.list({ table: 'main' }).then((rs) => rs.filter((r) => r.dst === '10.78.0.0/16'));
      expect(listed).toBeUndefined(); // the kernel dropped it with its address, without an event (DESIGN.md)
      const route = evs[1];
      expect(route.type === 'route' && route.data.gateway).toBe('10.77.0.2');
    } finally {
      await mon.close();
    }
  });
});
