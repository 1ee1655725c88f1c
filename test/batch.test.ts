import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeNetns, type TestNetns } from './helpers.js';
import { BatchSkippedError, NetlinkError } from '../lib/index.js';

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
});
