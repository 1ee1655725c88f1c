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

describe('stream', () => {
  it('streams links', async () => {
    const ns = makeNetns();
    try {
      await ns.nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } } });
      const names: string[] = [];
      for await (const l of ns.nl.link.stream()) names.push(l.name);
      expect(names.sort()).toEqual(['lo', 'va', 'vb']);
      expect(ns.nl.sync.link.stream().length).toBe(3);
    } finally {
      await ns.close();
    }
  });
});
