import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeNetns, type TestNetns } from './helpers.js';
import { AbortError, BatchSkippedError, ClosedError, NetlinkError, OutcomeUnknownError, openSync } from '../lib/index.js';

let ns: TestNetns;
beforeAll(() => {
  ns = makeNetns();
});
afterAll(async () => {
  await ns?.close();
});

describe('batch', () => {
  it('runs many operations with a result each, in call order', async () => {
    const results = await ns.nl.batch((b) => {
      for (let i = 0; i < 50; i++) b.link.add({ name: `ba${i}`, kind: 'veth', info: { peer: { name: `bb${i}` } } });
      b.link.add({ name: 'ba0', kind: 'veth', info: { peer: { name: 'bx' } } }); // duplicate
      b.link.set('ba1', { mtu: 1300 });
    });
    expect(results).toHaveLength(52);
    expect(results.slice(0, 50).every((r) => r.ok)).toBe(true);
    const dup = results[50];
    expect(dup.ok).toBe(false);
    expect(!dup.ok && dup.error).toBeInstanceOf(NetlinkError);
    expect(!dup.ok && (dup.error as NetlinkError).code).toBe('EEXIST');
    expect(results[51].ok).toBe(true);
    expect((await ns.nl.link.get('ba1')).mtu).toBe(1300);
    expect((await ns.nl.link.list({ kind: 'veth' })).length).toBe(100);
  });

  it('returned tokens give a typed tuple of results; tokens that are not every call in order are refused, nothing sent', async () => {
    const [made, got, missing] = await ns.nl.batch((b) => [
      b.link.add({ name: 'tk0', kind: 'veth', info: { peer: { name: 'tk1' } } }),
      b.link.get('tk1'),
      b.link.get('tk-none'),
    ]);
    expect(made.ok).toBe(true);
    expect(got.ok && got.value.name).toBe('tk1');
    expect(!missing.ok && (missing.error as NetlinkError).code).toBe('ENODEV');
    const before = (await ns.nl.link.list()).length;
    await expect(ns.nl.batch((b) => [b.link.add({ name: 'tk2', kind: 'veth', info: { peer: { name: 'tk3' } } }), b.link.del('tk0')].reverse())).rejects.toThrow(/tokens for 2 queued calls/);
    await expect(ns.nl.batch((b) => { const t = b.link.del('tk0'); b.link.del('tk1'); return [t]; })).rejects.toThrow(TypeError);
    expect((await ns.nl.link.list()).length).toBe(before);
  });

  it('throws on bad input anywhere and sends nothing', async () => {
    const before = (await ns.nl.link.list()).length;
    await expect(
      ns.nl.batch((b) => {
        b.link.add({ name: 'ok0', kind: 'veth', info: { peer: { name: 'ok1' } } });
        b.link.add({ name: 'this-name-is-far-too-long', kind: 'veth', info: { peer: { name: 'x' } } });
      }),
    ).rejects.toThrow(RangeError);
    expect((await ns.nl.link.list()).length).toBe(before);
  });

  it('stops at the first failing window with stopOnError', async () => {
    const results = await ns.nl.batch(
      (b) => {
        b.link.set('nosuchlink', { mtu: 1400 });
        for (let i = 0; i < 10; i++) b.link.add({ name: `sa${i}`, kind: 'veth', info: { peer: { name: `sb${i}` } } });
      },
      { stopOnError: true, window: 1 },
    );
    expect(results[0].ok).toBe(false);
    expect(results.slice(1).every((r) => !r.ok && r.skipped && r.error instanceof BatchSkippedError)).toBe(true);
    expect(await ns.nl.link.list({ name: 'sa0' })).toEqual([]);
  });

  describe('large batches, abort and close', () => {
    const v4 = (i: number) => `10.${60 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    const routes = async () => new Set((await ns.nl.route.list({ table: 'main', family: 'inet' })).map((r) => r.dst));
    beforeAll(async () => {
      await ns.nl.link.add({ name: 'rb0', kind: 'veth', info: { peer: { name: 'rb1' } } });
      await ns.nl.link.set('rb0', { up: true });
      await ns.nl.link.set('rb1', { up: true });
    });

    it('a batch across many windows: each result in call order, the kernel holds exactly the successes', async () => {
      const n = 3000;
      const index = (await ns.nl.link.get('rb0')).index;
      // by name (a lookup step first) and by index (one request) in turn
      const results = await ns.nl.batch((b) => {
        for (let i = 0; i < n; i++) b.route.add({ dst: `${v4(i % 2900)}/32`, dev: i % 2 ? 'rb0' : index });
      });
      expect(results).toHaveLength(n);
      // the last 100 repeat the first 100: EEXIST each
      for (let i = 0; i < n; i++) {
        const r = results[i];
        if (i < 2900) expect(r.ok, `result ${i}`).toBe(true);
        else expect(!r.ok && (r.error as NetlinkError).code, `result ${i}`).toBe('EEXIST');
      }
      const have = await routes();
      for (let i = 0; i < 2900; i++) expect(have.has(v4(i))).toBe(true);
      const left = await ns.nl.batch((b) => {
        for (let i = 0; i < 2900; i++) b.route.del({ dst: `${v4(i)}/32`, dev: 'rb0' });
      });
      expect(left.every((r) => r.ok)).toBe(true);
      expect([...(await routes())].filter((d) => d?.startsWith('10.60.'))).toEqual([]);
    });

    it('aborted while in flight: every operation settles once, each failure says whether it was sent, and the kernel agrees', async () => {
      const ac = new AbortController();
      const n = 4000;
      const p = ns.nl.batch(
        (b) => {
          for (let i = 0; i < n; i++) b.route.add({ dst: `${v4(10000 + i)}/32`, dev: 'rb0' });
        },
        { signal: ac.signal },
      );
      setImmediate(() => ac.abort());
      const results = await p;
      expect(results).toHaveLength(n);
      const have = await routes();
      let aborted = 0;
      for (let i = 0; i < n; i++) {
        const r = results[i];
        const dst = v4(10000 + i);
        if (r.ok) expect(have.has(dst), dst).toBe(true);
        else {
          expect(r.error).toBeInstanceOf(AbortError);
          aborted++;
          if ((r.error as AbortError).sent === false) expect(have.has(dst), dst).toBe(false);
        }
      }
      expect(aborted).toBeGreaterThan(0);
      await ns.nl.batch((b) => {
        for (let i = 0; i < n; i++) b.route.del({ dst: `${v4(10000 + i)}/32`, dev: 'rb0' });
      });
    });

    it('its handle closed while in flight: the batch resolves, each failure is ClosedError (not sent) or OutcomeUnknownError, and the kernel agrees', async () => {
      const h = openSync({ netns: { fd: ns.fd } });
      const n = 4000;
      const p = h.batch((b) => {
        for (let i = 0; i < n; i++) b.route.add({ dst: `${v4(20000 + i)}/32`, dev: 'rb0' });
      });
      setImmediate(() => void h.close());
      const results = await p;
      expect(results).toHaveLength(n);
      const have = await routes();
      let failed = 0;
      for (let i = 0; i < n; i++) {
        const r = results[i];
        const dst = v4(20000 + i);
        if (r.ok) expect(have.has(dst), dst).toBe(true);
        else {
          failed++;
          expect([ClosedError, OutcomeUnknownError].some((c) => r.error instanceof c), String(r.error)).toBe(true);
          if (r.error instanceof ClosedError) expect(have.has(dst), dst).toBe(false);
        }
      }
      expect(failed).toBeGreaterThan(0);
    });
  });
});
