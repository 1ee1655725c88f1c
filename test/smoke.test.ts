import { describe, expect, it } from 'vitest';
import { makeNetns } from './helpers.js';

describe('smoke', () => {
  it('lists lo and makes a veth', async () => {
    const ns = makeNetns();
    try {
      const links = await ns.nl.link.list();
      expect(links.map((l) => l.name)).toEqual(['lo']);
      await ns.nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } } });
      await ns.nl.link.set('va', { up: true, mtu: 1400 });
      const va = await ns.nl.link.get('va');
      console.log(va);
      expect(va.mtu).toBe(1400);
      console.log(ns.nl.sync.link.list({ kind: 'veth' }).map((l) => l.name));
    } finally {
      await ns.close();
    }
  });
});
