/**
 * The verbs beside add/replace/del, each against iproute2 twice: the request
 * (captured with strace; seq/pid masked, sibling attributes in one order) and
 * the kernel state it leaves (`ip -j … show` after the same steps, one
 * namespace for `ip`, one for the library). Then the kernel's answer when
 * there is nothing to change, and input checks.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { NetlinkError, type Handle } from '../lib/index.js';
import { captureLib, captureTool, haveStrace, hex } from './golden.js';
import { haveIp, toolEnv, withNs, type TestNetns, why } from './helpers.js';
import { sorted } from './sorted.js';

interface VerbCase {
  name: string;
  tool?: 'ip' | 'bridge';
  /** Setup commands, run with `tool` on both sides (after veth v0/v1 up). */
  setup?: string[][];
  words: string[];
  lib: (nl: Handle) => Promise<unknown>;
  /** What is compared afterwards: `TOOL -j ARGS` on both sides. */
  show: { tool?: 'ip' | 'bridge'; args: string[] };
  /** The requests differ on purpose (the reason): state compared only. */
  bytesDiffer?: string;
}

function run(ns: TestNetns, tool: string, args: string[]): string {
  return execFileSync('nsenter', [`--net=${ns.path}`, tool, ...args], { encoding: 'utf8', env: toolEnv() });
}

function showJson(ns: TestNetns, show: VerbCase['show']): unknown {
  const out = run(ns, show.tool ?? 'ip', ['-j', ...show.args]).trim();
  return out ? JSON.parse(out) : [];
}

/** Veth v0/v1, up, addressed; the setup words. */
async function prepare(ns: TestNetns, c: VerbCase): Promise<void> {
  await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
  for (const s of c.setup ?? []) run(ns, c.tool ?? 'ip', s);
}

const vxlan = ['link', 'add', 'vx0', 'type', 'vxlan', 'id', '5', 'dstport', '4789'];
const addressed = [['link', 'set', 'v0', 'up'], ['address', 'add', '10.0.0.1/24', 'dev', 'v0']];

const cases: VerbCase[] = [
  {
    name: 'ip address change (lifetimes of an address the link has)',
    setup: [...addressed],
    words: ['address', 'change', '10.0.0.1/24', 'dev', 'v0', 'valid_lft', '1000', 'preferred_lft', '500'],
    lib: (nl) => nl.address.change({ dev: 'v0', address: '10.0.0.1/24', validLft: 1000, preferredLft: 500 }),
    // lifetimes tick: compared without them (their presence is checked below)
    show: { args: ['-4', 'address', 'show', 'dev', 'v0'] },
  },
  {
    name: 'ip route change (a new next hop for an existing route)',
    setup: [...addressed, ['route', 'add', '10.1.0.0/24', 'via', '10.0.0.2']],
    words: ['route', 'change', '10.1.0.0/24', 'via', '10.0.0.3', 'dev', 'v0'],
    lib: (nl) => nl.route.change({ dst: '10.1.0.0/24', via: '10.0.0.3', dev: 'v0' }),
    show: { args: ['route', 'show'] },
  },
  {
    name: 'ip route prepend (a second route for the prefix, used first)',
    setup: [...addressed, ['route', 'add', '10.1.0.0/24', 'via', '10.0.0.2']],
    words: ['route', 'prepend', '10.1.0.0/24', 'via', '10.0.0.3'],
    lib: (nl) => nl.route.prepend({ dst: '10.1.0.0/24', via: '10.0.0.3' }),
    show: { args: ['route', 'show'] },
  },
  {
    name: 'ip route prepend (IPv6: another path of the route)',
    setup: [['link', 'set', 'v0', 'up'], ['address', 'add', 'fd00::1/64', 'dev', 'v0', 'nodad'], ['-6', 'route', 'add', 'fd01::/64', 'via', 'fd00::2']],
    words: ['-6', 'route', 'prepend', 'fd01::/64', 'via', 'fd00::3'],
    lib: (nl) => nl.route.prepend({ dst: 'fd01::/64', via: 'fd00::3' }),
    show: { args: ['-6', 'route', 'show', 'fd01::/64'] },
  },
  {
    name: 'ip neigh change (a new lladdr and state for an entry)',
    setup: [...addressed, ['neigh', 'add', '10.0.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'v0']],
    words: ['neigh', 'change', '10.0.0.9', 'lladdr', '02:00:00:00:00:0a', 'nud', 'stale', 'dev', 'v0'],
    lib: (nl) => nl.neigh.change({ dev: 'v0', address: '10.0.0.9', lladdr: '02:00:00:00:00:0a', state: 'stale' }),
    show: { args: ['neigh', 'show', 'dev', 'v0', 'nud', 'all'] },
  },
  {
    name: 'bridge fdb append (a VXLAN MAC flooded to two remotes)',
    tool: 'bridge',
    setup: [],
    words: ['fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '10.0.0.3'],
    lib: (nl) => nl.neigh.append({ family: 'bridge', dev: 'vx0', lladdr: '00:00:00:00:00:00', dst: '10.0.0.3' }),
    show: { tool: 'bridge', args: ['fdb', 'show', 'dev', 'vx0'] },
  },
  {
    name: 'ip link set group N mtu M (every link of the group)',
    setup: [['link', 'set', 'v0', 'group', '5'], ['link', 'set', 'v1', 'group', '5']],
    words: ['link', 'set', 'group', '5', 'mtu', '1400'],
    lib: (nl) => nl.link.set({ group: 5 }, { mtu: 1400 }),
    show: { args: ['link', 'show'] },
  },
  {
    name: 'ip link set group N up',
    setup: [['link', 'set', 'v0', 'group', '5'], ['link', 'set', 'v1', 'group', '5']],
    words: ['link', 'set', 'group', '5', 'up'],
    lib: (nl) => nl.link.set({ group: 5 }, { up: true }),
    show: { args: ['link', 'show'] },
  },
  {
    name: 'ip link set DEV type bridge_slave cost N (port options in ip words)',
    setup: [['link', 'add', 'br0', 'type', 'bridge'], ['link', 'set', 'v0', 'master', 'br0'], ['link', 'set', 'v1', 'master', 'br0']],
    words: ['link', 'set', 'v0', 'type', 'bridge_slave', 'cost', '7', 'learning', 'off', 'priority', '3'],
    lib: (nl) => nl.link.set('v0', { kind: 'bridge_slave', info: { cost: 7, learning: false, priority: 3 } }),
    show: { args: ['-d', 'link', 'show', 'v0'] },
    bytesDiffer:
      'ip names the port kind as IFLA_INFO_KIND "bridge_slave" and the link by index; the library sends IFLA_INFO_SLAVE_KIND "bridge" (no module lookup in the kernel) and the name',
  },
  {
    name: 'ip rule add l3mdev pref N',
    setup: [],
    words: ['rule', 'add', 'l3mdev', 'pref', '1000'],
    lib: (nl) => nl.rule.add({ l3mdev: true, priority: 1000 }),
    show: { args: ['rule', 'show'] },
  },
  {
    name: 'ip -6 rule add l3mdev',
    setup: [],
    words: ['-6', 'rule', 'add', 'l3mdev'],
    lib: (nl) => nl.rule.add({ family: 'inet6', l3mdev: true }),
    show: { args: ['-6', 'rule', 'show'] },
  },
];
// The fdb case needs its vxlan on both sides, made with ip (bridge cannot).
const fdb = cases.find((c) => c.tool === 'bridge')!;

/** Drops what differs between two namespaces made alike, or between two moments: indexes are equal; lifetimes tick. */
function steady(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(steady);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !['valid_life_time', 'preferred_life_time', 'address', 'broadcast', 'used', 'updated', 'confirmed', 'bridge_id', 'root_id'].includes(k))
        .map(([k, x]) => [k, steady(x)]),
    );
  return v;
}

describe.skipIf(!haveStrace() || !haveIp())('verbs: the same request and the same kernel state as iproute2' + why(!haveStrace() || !haveIp(), "strace or iproute2's ip/nsenter missing"), () => {
  for (const c of cases)
    it(c.name, async () => {
      const extra = async (ns: TestNetns) => {
        if (c === fdb) run(ns, 'ip', vxlan);
      };
      const theirs = await withNs(async (ns) => {
        await prepare(ns, c);
        await extra(ns);
        if (c === fdb) run(ns, 'bridge', ['fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '10.0.0.2']);
        const r = captureTool(ns, c.tool ?? 'ip', c.words);
        expect(r.status, r.stderr).toBe(0);
        return { messages: r.messages, state: showJson(ns, c.show) };
      });
      const ours = await withNs(async (ns) => {
        await prepare(ns, c);
        await extra(ns);
        if (c === fdb) run(ns, 'bridge', ['fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '10.0.0.2']);
        const r = await captureLib(ns, () => c.lib(ns.nl));
        if (r.error) throw r.error;
        return { messages: r.messages, state: showJson(ns, c.show) };
      });
      expect(theirs.messages.length).toBe(1);
      if (!c.bytesDiffer) expect(ours.messages.map((m) => hex(sorted(m))), `${c.tool ?? 'ip'} ${c.words.join(' ')}`).toEqual(theirs.messages.map((m) => hex(sorted(m))));
      else expect(ours.messages.map(hex), c.bytesDiffer).not.toEqual(theirs.messages.map(hex));
      expect(steady(ours.state)).toEqual(steady(theirs.state));
    });
});

describe('verbs: what the kernel says and what they refuse', () => {
  it('address.change sets the lifetimes of an address the link has, and (the kernel ignores the missing NLM_F_CREATE for addresses) adds one it has not, as ip address change does', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
      await ns.nl.address.add({ dev: 'v0', address: '10.0.0.1/24' });
      await ns.nl.address.change({ dev: 'v0', address: '10.0.0.1/24', validLft: 1000, preferredLft: 500 });
      const [a] = await ns.nl.address.list({ dev: 'v0', family: 'inet' });
      expect(a.validLft).toBeGreaterThan(990);
      expect(a.validLft).toBeLessThanOrEqual(1000);
      expect(a.preferredLft).toBeLessThanOrEqual(500);
      await ns.nl.address.change({ dev: 'v0', address: '10.0.0.2/24' });
      run(ns, 'ip', ['address', 'change', '10.0.0.3/24', 'dev', 'v0']);
      expect((await ns.nl.address.list({ dev: 'v0', family: 'inet' })).map((x) => x.address)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    });
  });

  it('route.change and neigh.change of something absent fail (ENOENT) and create nothing', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
      await ns.nl.link.set('v0', { up: true });
      await ns.nl.address.add({ dev: 'v0', address: '10.0.0.1/24' });
      await expect(ns.nl.route.change({ dst: '10.9.0.0/16', via: '10.0.0.2' })).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(ns.nl.neigh.change({ dev: 'v0', address: '10.0.0.9', lladdr: '02:00:00:00:00:09' })).rejects.toMatchObject({ code: 'ENOENT' });
      expect((await ns.nl.route.list()).filter((r) => r.dst === '10.9.0.0/16').length).toBe(0);
      expect((await ns.nl.neigh.list({ dev: 'v0', to: '10.0.0.9' })).length).toBe(0);
    });
  });

  it('route.prepend puts the new IPv4 route first; route.add of the same key is EEXIST', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
      await ns.nl.link.set('v0', { up: true });
      await ns.nl.address.add({ dev: 'v0', address: '10.0.0.1/24' });
      await ns.nl.route.add({ dst: '10.1.0.0/24', via: '10.0.0.2' });
      await ns.nl.route.prepend({ dst: '10.1.0.0/24', via: '10.0.0.3' });
      expect((await ns.nl.route.list()).filter((r) => r.dst === '10.1.0.0/24').map((r) => r.gateway)).toEqual(['10.0.0.3', '10.0.0.2']);
      await expect(ns.nl.route.add({ dst: '10.1.0.0/24', via: '10.0.0.4' })).rejects.toMatchObject({ code: 'EEXIST' });
    });
  });

  it('neigh.append adds FDB entries beside the one for a MAC (vxlan head-end replication)', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.add({ name: 'vx0', kind: 'vxlan', info: { id: 5, dstport: 4789 } });
      for (const dst of ['10.0.0.2', '10.0.0.3', '10.0.0.4']) await ns.nl.neigh.append({ family: 'bridge', dev: 'vx0', lladdr: '00:00:00:00:00:00', dst });
      const fdb = await ns.nl.neigh.list({ family: 'bridge', dev: 'vx0' });
      expect(fdb.filter((n) => n.lladdr === '00:00:00:00:00:00').map((n) => n.dst).sort()).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4']);
    });
  });

  it('link.set({ group }) changes every link of the group and no other', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.add({ name: 'a0', kind: 'veth', group: 7, info: { peer: { name: 'a1', group: 7 } } });
      await ns.nl.link.add({ name: 'b0', kind: 'veth', info: { peer: { name: 'b1' } } });
      await ns.nl.link.set({ group: 7 }, { mtu: 1300, up: true });
      const links = await ns.nl.link.list({ kind: 'veth' });
      const by = Object.fromEntries(links.map((l) => [l.name, l]));
      expect([by.a0.mtu, by.a1.mtu, by.b0.mtu, by.b1.mtu]).toEqual([1300, 1300, 1500, 1500]);
      expect([by.a0.up, by.a1.up, by.b0.up, by.b1.up]).toEqual([true, true, false, false]);
      // a group no link is in: nothing changes and no error, as with ip
      await ns.nl.link.set({ group: 8 }, { mtu: 1200 });
      expect((await ns.nl.link.list({ kind: 'veth' })).map((l) => l.mtu).sort()).toEqual([1300, 1300, 1500, 1500]);
    });
  });

  it('refuses bad input before sending, naming the field', async () => {
    await withNs(async (ns) => {
      const { nl } = ns;
      await expect(nl.neigh.append({ dev: 'v0', address: '10.0.0.9', lladdr: '02:00:00:00:00:09' })).rejects.toThrow(/family must be 'bridge'/);
      await expect(nl.neigh.append({ family: 'bridge', dev: 'v0', lladdr: 'nope' })).rejects.toThrow(TypeError);
      await expect(nl.address.change({ dev: 'v0', address: '10.0.0.300/24' })).rejects.toThrow(/address/);
      await expect(nl.route.change({ dst: '10.0.0.0/33' })).rejects.toThrow(RangeError);
      await expect(nl.route.prepend({ dst: 'nope' } as never)).rejects.toThrow(/dst/);
      await expect(nl.neigh.change({ dev: 'v0', address: 'nope' } as never)).rejects.toThrow(/address/);
      await expect(nl.link.set({ group: -1 }, { mtu: 1400 })).rejects.toThrow(/dev\.group/);
      await expect(nl.link.set({ grp: 1 } as never, { mtu: 1400 })).rejects.toThrow(/grp/);
      await expect(nl.link.set({ group: 1 }, { name: 'x' } as never)).rejects.toThrow(/changes\.name/);
      await expect(nl.link.set({ group: 1 }, { kind: 'bridge', info: {} } as never)).rejects.toThrow(/changes\.kind/);
      await expect(nl.link.set({ group: 1 }, {})).rejects.toThrow(/nothing to change/);
      await expect(nl.link.set({ group: 1 }, { mtu: 0 })).rejects.toThrow(/changes\.mtu/);
      await expect(nl.link.set('v0', { kind: 'bridge_slave', info: { cost: 1 }, slaveInfo: { cost: 2 } } as never)).rejects.toThrow(/changes\.kind 'bridge_slave'/);
      await expect(nl.link.set('v0', { kind: 'bridge_slave', info: { cots: 1 } } as never)).rejects.toThrow(/cots/);
      await expect(nl.link.set('v0', { kind: 'bogus_slave', info: {} } as never)).rejects.toThrow(/changes\.kind/);
    });
  });
});
