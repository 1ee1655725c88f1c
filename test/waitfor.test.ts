/** waitFor: the first object, now or later, that matches; timeouts name what was awaited. */
import { describe, expect, it } from 'vitest';
import { withNs } from './helpers.js';
import { waitFor } from '../lib/wait.js';

describe('waitFor', () => {
  it('waits for an IPv6 address to leave tentative on a veth that comes up', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.add({ name: 'wa', kind: 'veth', info: { peer: { name: 'wb' } } });
      await ns.nl.address.add({ dev: 'wa', address: 'fd00:77::1/64' });
      const [wa] = await ns.nl.link.list({ name: 'wa' });
      const pred = (a: any) => a.index === wa.index && a.address === 'fd00:77::1' && !a.flags.includes('tentative');
      // Already there, but tentative (the link is down): not yet.
      const listed = await ns.nl.address.list({ dev: 'wa', family: 'inet6' });
      expect(listed.find((a) => a.address === 'fd00:77::1')?.flags).toContain('tentative');
      const t0 = Date.now();
      const waiting = waitFor('address', pred, { netns: { fd: ns.fd }, timeout: 15_000 });
      await ns.nl.link.set('wb', { up: true });
      await ns.nl.link.set('wa', { up: true });
      const a = await waiting;
      expect(a.address).toBe('fd00:77::1');
      expect(a.flags).not.toContain('tentative');
      expect(Date.now() - t0).toBeGreaterThan(200); // DAD took its time: it was a later event, not the state at the start
      // Now it is in the current state: found at once.
      const again = await waitFor('address', pred, { netns: { fd: ns.fd }, timeout: 2000 });
      expect(again.flags).not.toContain('tentative');
      expect((await ns.nl.address.list({ dev: 'wa', family: 'inet6' })).find((x) => x.address === 'fd00:77::1')?.flags).not.toContain('tentative');
    });
  }, 30_000);

  it('rejects with a TimeoutError naming what it waited for; an abort is an AbortError', async () => {
    await withNs(async (ns) => {
      const e = await waitFor('link', (l) => l.name === 'nothere', { netns: { fd: ns.fd }, timeout: 100, what: "link 'nothere'" }).catch((x) => x);
      expect(e).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
      expect(e.message).toContain("link 'nothere'");
      const e2 = await waitFor('route', (r) => r.dst === '10.99.0.0/16', { netns: { fd: ns.fd }, timeout: 100 }).catch((x) => x);
      expect(e2.message).toMatch(/route matching .*10\.99\.0\.0\/16/);
      const ac = new AbortController();
      const p = waitFor('link', () => false, { netns: { fd: ns.fd }, signal: ac.signal, timeout: 0 });
      setTimeout(() => ac.abort(), 20);
      await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    });
  });

  it('resolves with a route that appears later', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.set('lo', { up: true });
      const p = waitFor('route', (r) => r.dst === '10.98.0.0/16', { netns: { fd: ns.fd } });
      await new Promise((r) => setTimeout(r, 20));
      await ns.nl.route.add({ dst: '10.98.0.0/16', dev: 'lo' });
      expect((await p).table).toBe('main');
    });
  });

  it('validates its input before subscribing', async () => {
    await expect(waitFor('qdisc' as never, () => true)).rejects.toThrow(/family/);
    await expect(waitFor('link', 42 as never)).rejects.toThrow(TypeError);
    await expect(waitFor('link', () => true, { timeout: -1 })).rejects.toThrow(/timeout/);
  });
});
