/**
 * Requests sent inline (from the JS thread, on the blocking socket) when a
 * handle is idle, and through the I/O thread otherwise: which path a request
 * took is read from the socket counters, the outcome from the kernel.
 */
import { describe, expect, it } from 'vitest';
import { AbortError, openSync } from '../lib/index.js';
import { ipJson, withNs } from './helpers.js';

const sends = (s: { sent: number; syncSent: number }) => ({ io: s.sent, inline: s.syncSent });

describe('inline requests', () => {
  it('an awaited call on an idle handle goes inline; its outcome is the kernel\'s', async () => {
    await withNs(async ({ nl, ...ns }) => {
      await nl.link.set('lo', { up: true });
      const a = sends(nl.conn.stats());
      await nl.route.add({ dst: '10.9.0.0/24', dev: 1 });
      const b = sends(nl.conn.stats());
      expect(b).toEqual({ io: a.io, inline: a.inline + 1 });
      expect(ipJson({ nl, ...ns }, 'route', 'show', '10.9.0.0/24')).toEqual([expect.objectContaining({ dst: '10.9.0.0/24', dev: 'lo' })]);
      // The kernel's refusal comes back the same way, sent: true.
      const e = await nl.route.add({ dst: '10.9.0.0/24', dev: 1 }).catch((x) => x);
      expect(e).toMatchObject({ code: 'EEXIST', syscall: 'RTM_NEWROUTE', sent: true });
      expect(sends(nl.conn.stats())).toEqual({ io: a.io, inline: a.inline + 2 });
    });
  });

  it('many calls in one tick are pipelined by the I/O thread, not sent inline', async () => {
    await withNs(async ({ nl }) => {
      await nl.link.set('lo', { up: true });
      const a = sends(nl.conn.stats());
      await Promise.all(Array.from({ length: 200 }, (_, i) => nl.route.add({ dst: `10.8.${i}.0/24`, dev: 1 })));
      const b = sends(nl.conn.stats());
      expect(b.inline).toBe(a.inline);
      expect(b.io).toBeGreaterThan(a.io);
      expect((await nl.route.list({ table: 254 })).filter((r) => r.dst.startsWith('10.8.'))).toHaveLength(200);
    });
  });

  it('a call aborted in the tick it was made is never sent (sent: false)', async () => {
    await withNs(async ({ nl }) => {
      await nl.link.set('lo', { up: true });
      const a = sends(nl.conn.stats());
      const ac = new AbortController();
      const p = nl.route.add({ dst: '10.7.0.0/24', dev: 1 }, { signal: ac.signal });
      ac.abort();
      const e = await p.catch((x) => x);
      expect(e).toBeInstanceOf(AbortError);
      expect(e).toMatchObject({ sent: false });
      expect(sends(nl.conn.stats())).toEqual(a);
      expect((await nl.route.list({ table: 254 })).filter((r) => r.dst === '10.7.0.0/24')).toEqual([]);
    });
  });

  it('a long chain of awaited inline calls lets timers and immediates run', async () => {
    await withNs(async ({ nl }) => {
      await nl.link.set('lo', { up: true });
      let turns = 0;
      const tick = setInterval(() => turns++, 0);
      try {
        for (let i = 0; i < 3000; i++) await nl.route.add({ dst: `10.6.${i >> 8}.${i & 255}/32`, dev: 1 });
      } finally {
        clearInterval(tick);
      }
      // ≥ 3000 kernel calls take well over the 2 ms inline share of one turn: the loop turned meanwhile.
      expect(turns).toBeGreaterThan(0);
      expect((await nl.route.list({ table: 254 })).filter((r) => r.dst.startsWith('10.6.'))).toHaveLength(3000);
    });
  });

  it('a namespace move is never sent inline; inline: false sends everything through the I/O thread', async () => {
    await withNs(async ({ nl, fd }) => {
      await withNs(async (other) => {
        await nl.link.add({ name: 'mv0', kind: 'veth', info: { peer: { name: 'mv1' } } });
        const a = sends(nl.conn.stats());
        await nl.link.set('mv0', { netns: { fd: other.fd } });
        const b = sends(nl.conn.stats());
        expect(b.inline).toBe(a.inline);
        expect(b.io).toBe(a.io + 1);
        expect((await other.nl.link.list()).map((l) => l.name)).toContain('mv0');
      });
      await nl.link.set('lo', { up: true });
      const h = openSync({ netns: { fd }, inline: false });
      try {
        const a = sends(h.conn.stats());
        await h.route.add({ dst: '10.5.0.0/24', dev: 1 });
        expect(sends(h.conn.stats())).toEqual({ io: a.io + 1, inline: a.inline });
      } finally {
        await h.close();
      }
      expect(() => openSync({ netns: { fd }, inline: 'yes' as never })).toThrow(/inline/);
    });
  });

  it('calls made in one tick start in slices: the loop turns before 20,000 of them are all encoded', async () => {
    await withNs(async ({ nl }) => {
      await nl.link.set('lo', { up: true });
      let encoded = 0;
      nl.conn.tap = () => encoded++;
      let atFirstTurn = -1;
      setImmediate(() => (atFirstTurn = encoded));
      const all = Promise.all(Array.from({ length: 20000 }, (_, i) => nl.route.add({ dst: `10.4.${i >> 8}.${i & 255}/32`, dev: 1 })));
      expect(encoded).toBe(0); // nothing checked or encoded inside the calls themselves
      await all;
      nl.conn.tap = undefined;
      expect(atFirstTurn).toBeGreaterThan(0);
      expect(atFirstTurn).toBeLessThan(20000);
      expect(encoded).toBe(20000);
      expect((await nl.route.list({ table: 254 })).filter((r) => r.dst.startsWith('10.4.'))).toHaveLength(20000);
    });
  });
});
