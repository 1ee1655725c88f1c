/**
 * The link family: get/list and their filters, every `set` option, loopback,
 * kernel errors with their extack text, bad input refused before anything is
 * sent, bulk delete, and the synchronous API. Each test works in namespaces it
 * made itself.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { native } from '../lib/native.js';
import { NetlinkError, openSync, type Handle, type Link } from '../lib/index.js';
import { withNs, haveIp, ipJson, makeNetns, toolEnv, type TestNetns } from './helpers.js';

const pair = (nl: Handle, a: string, b: string) => nl.link.add({ name: a, kind: 'veth', info: { peer: { name: b } } });

/** Counts the requests a handle sends (async and sync paths: every message the connection encodes). */
function countRequests(nl: Handle): { count: () => number; restore: () => void } {
  const conn = nl.conn;
  const prev = conn.tap;
  let n = 0;
  conn.tap = (m) => {
    n++;
    prev?.(m);
  };
  return {
    count: () => n,
    restore: () => {
      conn.tap = prev;
    },
  };
}

const summary = (links: Link[]) => links.map((l) => `${l.index}:${l.name}:${l.mtu}:${l.group ?? 0}:${l.up}`).sort();

describe('get and list', () => {
  it('gets by name and by index; ENODEV when missing', async () => {
    await withNs(async (ns) => {
      await pair(ns.nl, 'va', 'vb');
      const byName = await ns.nl.link.get('va');
      const byIndex = await ns.nl.link.get(byName.index);
      expect(byIndex.name).toBe('va');
      expect(byName).toMatchObject({ kind: 'veth', linkType: 'ether', up: false, operstate: 'DOWN' });
      expect(byName.stats64).toMatchObject({ rxPackets: 0, txBytes: 0 });
      await expect(ns.nl.link.get('nope')).rejects.toMatchObject({ code: 'ENODEV', errno: -19, syscall: 'RTM_GETLINK' });
      await expect(ns.nl.link.get(9999)).rejects.toMatchObject({ code: 'ENODEV' });
    });
  });

  it('filters by name, kind, master, up/down and group', async () => {
    await withNs(async (ns) => {
      const nl = ns.nl.link;
      await pair(ns.nl, 'va', 'vb');
      await pair(ns.nl, 'vc', 'vd');
      await nl.add({ name: 'br0', kind: 'bridge' });
      await nl.add({ name: 'ifb0', kind: 'ifb', group: 7 });
      await nl.set('va', { master: 'br0' });
      await nl.set('vc', { master: 'br0', group: 7 });
      await nl.set('lo', { up: true });
      await nl.set('br0', { up: true });
      const names = (ls: Link[]) => ls.map((l) => l.name).sort();
      expect(names(await nl.list())).toEqual(['br0', 'ifb0', 'lo', 'va', 'vb', 'vc', 'vd']);
      expect(names(await nl.list({ name: 'vb' }))).toEqual(['vb']);
      expect(await nl.list({ name: 'missing' })).toEqual([]);
      expect(names(await nl.list({ kind: 'veth' }))).toEqual(['va', 'vb', 'vc', 'vd']);
      expect(names(await nl.list({ kind: 'bridge' }))).toEqual(['br0']);
      expect(names(await nl.list({ master: 'br0' }))).toEqual(['va', 'vc']);
      expect(names(await nl.list({ master: (await nl.get('br0')).index, kind: 'veth' }))).toEqual(['va', 'vc']);
      expect(names(await nl.list({ up: true }))).toEqual(['br0', 'lo']);
      expect(names(await nl.list({ up: false, kind: 'veth' }))).toEqual(['va', 'vb', 'vc', 'vd']);
      expect(names(await nl.list({ group: 7 }))).toEqual(['ifb0', 'vc']);
      expect(names(await nl.list({ group: 0, master: 'br0' }))).toEqual(['va']);
      expect(names(await nl.list({ name: 'va', master: 'br0' }))).toEqual(['va']);
      expect(names(await nl.list({ name: 'vb', master: 'br0' }))).toEqual([]);
      expect((await nl.list({ stats: false })).every((l) => l.stats64 === undefined)).toBe(true);
      const streamed: string[] = [];
      for await (const l of nl.stream({ kind: 'veth' })) streamed.push(l.name);
      expect(streamed.sort()).toEqual(['va', 'vb', 'vc', 'vd']);
      await expect(nl.list({ master: 'nobody' })).rejects.toMatchObject({ code: 'ENODEV' });
    });
  });

  it('brings lo up in a fresh namespace; its 127.0.0.1 shows', async (ctx) => {
    await withNs(async (ns) => {
      const lo = await ns.nl.link.get('lo');
      expect(lo).toMatchObject({ index: 1, up: false, linkType: 'loopback', flags: ['LOOPBACK'] });
      await ns.nl.link.set('lo', { up: true });
      const up = await ns.nl.link.get('lo');
      expect(up.up).toBe(true);
      expect(up.flags).toEqual(expect.arrayContaining(['UP', 'LOOPBACK', 'RUNNING', 'LOWER_UP']));
      expect(up.operstate).toBe('UNKNOWN');
      if (!haveIp()) ctx.skip('ip/nsenter missing: cannot show lo addresses with ip');
      const addrs = ipJson(ns, 'addr', 'show', 'dev', 'lo')[0].addr_info as { family: string; local: string; prefixlen: number }[];
      expect(addrs).toEqual(expect.arrayContaining([expect.objectContaining({ family: 'inet', local: '127.0.0.1', prefixlen: 8 })]));
    });
  });
});

describe('set', () => {
  it('up/down, mtu, name, address, alias, txqueuelen, promisc, group, arp, multicast, allmulticast', async () => {
    await withNs(async (ns) => {
      const nl = ns.nl.link;
      await pair(ns.nl, 'va', 'vb');
      const index = (await nl.get('va')).index;

      await nl.set('va', { up: true });
      expect((await nl.get('va')).up).toBe(true);
      await nl.set('va', { up: false });
      expect((await nl.get('va')).up).toBe(false);

      await nl.set('va', { mtu: 9000 });
      expect((await nl.get('va')).mtu).toBe(9000);

      await nl.set('va', { name: 'veth-a' });
      expect((await nl.get(index)).name).toBe('veth-a');
      await nl.set(index, { name: 'va' });
      expect((await nl.get(index)).name).toBe('va');

      await nl.set('va', { address: '02:11:22:33:44:55' });
      expect((await nl.get('va')).address).toBe('02:11:22:33:44:55');

      await nl.set('va', { alias: 'uplink to nowhere' });
      expect((await nl.get('va')).alias).toBe('uplink to nowhere');
      const long = 'x'.repeat(255);
      await nl.set('va', { alias: long });
      expect((await nl.get('va')).alias).toBe(long);
      await nl.set('va', { alias: '' });
      expect((await nl.get('va')).alias).toBeUndefined();

      await nl.set('va', { txqlen: 42 });
      expect((await nl.get('va')).txqlen).toBe(42);

      await nl.set('va', { promisc: true });
      let l = await nl.get('va');
      expect(l.flags).toContain('PROMISC');
      expect(l.promiscuity).toBe(1);
      await nl.set('va', { promisc: false });
      l = await nl.get('va');
      expect(l.flags).not.toContain('PROMISC');
      expect(l.promiscuity).toBe(0);

      await nl.set('va', { group: 12 });
      expect((await nl.get('va')).group).toBe(12);

      await nl.set('va', { arp: false, multicast: false, allmulticast: true });
      l = await nl.get('va');
      expect(l.flags).toEqual(expect.arrayContaining(['NOARP', 'ALLMULTI']));
      expect(l.flags).not.toContain('MULTICAST');
      await nl.set('va', { arp: true, multicast: true, allmulticast: false });
      l = await nl.get('va');
      expect(l.flags).toContain('MULTICAST');
      expect(l.flags).not.toContain('NOARP');
      expect(l.flags).not.toContain('ALLMULTI');

      // Several at once, in one request.
      await nl.set('va', { mtu: 1400, txqlen: 100, alias: 'both', up: true, group: 3 });
      expect(await nl.get('va')).toMatchObject({ mtu: 1400, txqlen: 100, alias: 'both', up: true, group: 3 });
    });
  });

  it('master and nomaster; bridge options and bridge port options', async () => {
    await withNs(async (ns) => {
      const nl = ns.nl.link;
      await pair(ns.nl, 'va', 'vb');
      await nl.add({ name: 'br0', kind: 'bridge' });
      const br = await nl.get('br0');
      await nl.set('va', { master: 'br0' });
      let va = await nl.get('va');
      expect(va.master).toBe(br.index);
      expect(va.slaveKind).toBe('bridge');
      await nl.set('va', { master: null });
      va = await nl.get('va');
      expect(va.master).toBeUndefined();
      expect(va.slaveKind).toBeUndefined();
      // Master by index, together with port options (two requests: the kernel wants the master first).
      await nl.set('va', { master: br.index, slaveKind: 'bridge', slaveInfo: { cost: 19, priority: 3 } });
      expect(await nl.get('va')).toMatchObject({ master: br.index, slaveKind: 'bridge', slaveInfo: { cost: 19, priority: 3 } });
      // Port options without naming the master's kind.
      await nl.set('vb', { master: 'br0', slaveInfo: { learning: false } });
      expect((await nl.get('vb')).slaveInfo).toMatchObject({ learning: false });
      // Kind options (`ip link set br0 type bridge forward_delay 800 ageing_time 100`).
      await nl.set('br0', { kind: 'bridge', info: { forwardDelay: 800, ageingTime: 100, stpState: 1 } });
      expect((await nl.get('br0')).info).toMatchObject({ forwardDelay: 800, ageingTime: 100, stpState: 1 });
      // Port options and nomaster in one request: the kernel applies the options first.
      await nl.set('vb', { slaveInfo: { cost: 1 }, master: null });
      expect((await nl.get('vb')).master).toBeUndefined();
      await expect(nl.set('vb', { slaveInfo: { cost: 1 } })).rejects.toThrow(/not a port/);
    });
  });

  it('moves a link to another namespace by fd, path and pid (with a rename on the way)', async () => {
    await withNs(async (ns) => {
      const other = makeNetns();
      const child = spawn('unshare', ['--net', 'sleep', '30'], { stdio: 'ignore', env: toolEnv() });
      try {
        for (const n of ['a', 'b', 'c']) await pair(ns.nl, `v${n}0`, `v${n}1`);
        await ns.nl.link.set('va0', { netns: { fd: other.fd } });
        await ns.nl.link.set('vb0', { netns: { path: other.path }, name: 'moved' });
        expect(await other.nl.link.get('va0')).toMatchObject({ kind: 'veth' });
        expect(await other.nl.link.get('moved')).toMatchObject({ kind: 'veth' });
        expect((await ns.nl.link.list()).map((l) => l.name).sort()).toEqual(['lo', 'va1', 'vb1', 'vc0', 'vc1']);
        // A pid names the namespace that process lives in.
        await new Promise((r) => setTimeout(r, 150));
        expect(child.pid).toBeDefined();
        await ns.nl.link.set('vc0', { netns: { pid: child.pid! } });
        const there = openSync({ netns: { pid: child.pid! } });
        try {
          expect((await there.link.get('vc0')).kind).toBe('veth');
        } finally {
          await there.close();
        }
        await expect(ns.nl.link.set('vc1', { netns: { path: '/nonexistent/ns' } })).rejects.toMatchObject({ code: 'ENOENT' });
      } finally {
        child.kill();
        await other.close();
      }
    });
  });

  it('moves a link to a named namespace (/run/netns/NAME)', async (ctx) => {
    // Only where /run is this test's own (rootless: `unshare --mount` + a tmpfs on /run);
    // on the host it would add a namespace to the machine's /run/netns.
    // A user namespace of our own (rootless) with a tmpfs mounted on /run by the test wrapper.
    const uidMap = readFileSync('/proc/self/uid_map', 'utf8').trim().split(/\s+/);
    const ownUserNs = !(uidMap[0] === '0' && uidMap[1] === '0' && uidMap[2] === '4294967295');
    const runMounted = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === '/run');
    if (!ownUserNs || !runMounted) ctx.skip("/run is the machine's (real root): the name form runs rootless, with a tmpfs on /run");
    await withNs(async (ns) => {
      const name = `rtnl-test-${process.pid}`;
      const path = `/run/netns/${name}`;
      mkdirSync('/run/netns', { recursive: true });
      writeFileSync(path, '');
      native.netnsCreateAt(path);
      try {
        await pair(ns.nl, 'va', 'vb');
        await ns.nl.link.set('va', { netns: name });
        const there = openSync({ netns: name });
        try {
          expect((await there.link.get('va')).kind).toBe('veth');
        } finally {
          await there.close();
        }
      } finally {
        native.umount(path, 2 /* MNT_DETACH */);
        rmSync(path);
      }
    });
  });
});

describe('kernel errors', () => {
  it('EEXIST on a duplicate, ENODEV on a missing link', async () => {
    await withNs(async (ns) => {
      await pair(ns.nl, 'va', 'vb');
      const dup = await ns.nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vz' } } }).catch((e) => e);
      expect(dup).toBeInstanceOf(NetlinkError);
      expect(dup).toMatchObject({ code: 'EEXIST', errno: -17, syscall: 'RTM_NEWLINK' });
      expect(dup.message).toMatch(/EEXIST/);
      await expect(ns.nl.link.add({ name: 'br', kind: 'bridge', address: '02:00:00:00:00:01' }).then(() => ns.nl.link.add({ name: 'br', kind: 'bridge' }))).rejects.toMatchObject({ code: 'EEXIST' });
      await expect(ns.nl.link.set('nope', { up: true })).rejects.toMatchObject({ code: 'ENODEV', errno: -19, syscall: 'RTM_NEWLINK' });
      await expect(ns.nl.link.del('nope')).rejects.toMatchObject({ code: 'ENODEV', syscall: 'RTM_DELLINK' });
      await expect(ns.nl.link.del(4242)).rejects.toMatchObject({ code: 'ENODEV' });
      await expect(ns.nl.link.set('va', { master: 'nope' })).rejects.toMatchObject({ code: 'ENODEV' });
      expect(() => ns.nl.sync.link.get('nope')).toThrow(expect.objectContaining({ code: 'ENODEV', errno: -19 }));
    });
  });

  it('carries the kernel\'s extack text, mapped to the field it points at', async () => {
    await withNs(async (ns) => {
      await pair(ns.nl, 'va', 'vb');
      const mtu = await ns.nl.link.set('va', { mtu: 10 }).catch((e) => e);
      expect(mtu).toMatchObject({ code: 'EINVAL', syscall: 'RTM_NEWLINK' });
      expect(typeof mtu.extack).toBe('string');
      expect(mtu.extack.length).toBeGreaterThan(0);
      expect(mtu.extack).toMatch(/mtu/i);

      await ns.nl.link.add({ name: 'vx0', kind: 'vxlan', info: { id: 1, dstport: 4789 } });
      const vni = await ns.nl.link.set('vx0', { kind: 'vxlan', info: { id: 2 } }).catch((e) => e);
      expect(vni).toMatchObject({ code: 'EOPNOTSUPP' });
      expect(vni.extack).toMatch(/VNI/);

      // An invalid vxlan combination: the kernel points at the attribute.
      const range = await ns.nl.link.add({ name: 'vx1', kind: 'vxlan', info: { id: 3, portRange: { low: 2000, high: 1000 } } }).catch((e) => e);
      expect(range).toMatchObject({ code: 'EINVAL', syscall: 'RTM_NEWLINK', field: 'info.portRange' });
      expect(range.extack).toMatch(/port range/i);
      expect(range.extackOffset).toBeGreaterThan(0);

      const family = await ns.nl.link.add({ name: 'vx2', kind: 'vxlan', info: { id: 4, remote: '10.0.0.1', local: '2001:db8::1' } }).catch((e) => e);
      expect(family).toMatchObject({ code: 'EINVAL' });
      expect(family.extack).toMatch(/family/);
    });
  });
});

describe('bad input is refused before anything is sent', () => {
  const bad: [string, (nl: Handle) => Promise<unknown>, ErrorConstructor, RegExp?][] = [
    ['name longer than 15 bytes', (nl) => nl.link.add({ name: 'a-very-long-name', kind: 'bridge' }), RangeError, /15 bytes/],
    ['name longer than 15 bytes (multibyte)', (nl) => nl.link.add({ name: 'ééééééééé', kind: 'bridge' }), RangeError],
    ["name with '/'", (nl) => nl.link.add({ name: 'a/b', kind: 'bridge' }), TypeError],
    ['name with a space', (nl) => nl.link.add({ name: 'a b', kind: 'bridge' }), TypeError],
    ['empty name', (nl) => nl.link.add({ name: '', kind: 'bridge' }), TypeError],
    ['bad MAC', (nl) => nl.link.add({ name: 'br0', kind: 'bridge', address: '02:00:zz:00:00:01' }), TypeError, /link-layer address/],
    ['bad MAC on set', (nl) => nl.link.set('lo', { address: 'nope' }), TypeError],
    ['MTU 0', (nl) => nl.link.set('lo', { mtu: 0 }), RangeError],
    ['MTU 2^31', (nl) => nl.link.set('lo', { mtu: 2 ** 31 }), RangeError],
    ['MTU not an integer', (nl) => nl.link.set('lo', { mtu: 1500.5 }), RangeError],
    ['unknown kind', (nl) => nl.link.add({ name: 'x0', kind: 'bogus' as 'bridge' }), TypeError, /unknown link kind 'bogus'/],
    ['missing kind', (nl) => nl.link.add({ name: 'x0' } as never), TypeError],
    ['veth without peer', (nl) => nl.link.add({ name: 'va', kind: 'veth' }), TypeError, /peer/],
    ['veth peer without a name', (nl) => nl.link.add({ name: 'va', kind: 'veth', info: { peer: { mtu: 1400 } } }), TypeError, /peer\.name/],
    ['veth peer name too long', (nl) => nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'x'.repeat(16) } } }), RangeError],
    ['veth peer up (the kernel cannot)', (nl) => nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb', up: true } as never } }), TypeError],
    ['unknown kind option', (nl) => nl.link.add({ name: 'br0', kind: 'bridge', info: { stpp: 1 } as never }), TypeError, /unknown field 'stpp'/],
    ['kind option of the wrong type', (nl) => nl.link.add({ name: 'br0', kind: 'bridge', info: { forwardDelay: 'slow' as never } }), TypeError],
    ['vxlan without id', (nl) => nl.link.add({ name: 'vx0', kind: 'vxlan', info: { dstport: 4789 } }), TypeError, /id is required/],
    ['vxlan VNI out of range', (nl) => nl.link.add({ name: 'vx0', kind: 'vxlan', info: { id: 1 << 24 } }), RangeError],
    ['vxlan group and remote', (nl) => nl.link.add({ name: 'vx0', kind: 'vxlan', info: { id: 1, group: '239.0.0.1', remote: '10.0.0.1' } }), TypeError],
    ['vxlan bad address', (nl) => nl.link.add({ name: 'vx0', kind: 'vxlan', info: { id: 1, remote: '10.0.0.300' } }), TypeError],
    ['macvlan bad mode', (nl) => nl.link.add({ name: 'mv0', kind: 'macvlan', link: 'lo', info: { mode: 'wide' as never } }), TypeError],
    ['unknown attribute', (nl) => nl.link.add({ name: 'br0', kind: 'bridge', colour: 'red' } as never), TypeError, /unknown option 'colour'/],
    ['read-only attribute', (nl) => nl.link.set('lo', { index: 3 } as never), TypeError, /read only/],
    ['read-only kind option', (nl) => nl.link.set('lo', { kind: 'bridge', info: { bridgeId: '8000.00:00:00:00:00:00' } }), TypeError, /read only/],
    ['info without kind on set', (nl) => nl.link.set('lo', { info: { stpState: 1 } } as never), TypeError],
    ['bad master name', (nl) => nl.link.set('lo', { master: 'a b' }), TypeError],
    ['bad netns', (nl) => nl.link.set('lo', { netns: { pid: -1 } }), RangeError],
    ['bad netns name', (nl) => nl.link.set('lo', { netns: '../x' }), TypeError],
    ['tun over rtnetlink', (nl) => nl.link.add({ name: 'tun0', kind: 'tun' as 'bridge' }), TypeError, /ioctl/],
    ['port options of an unknown master kind', (nl) => nl.link.set('lo', { slaveKind: 'vlan' as 'bridge', slaveInfo: {} }), TypeError],
    ['unknown port option', (nl) => nl.link.set('lo', { slaveKind: 'bridge', slaveInfo: { colour: 1 } as never }), TypeError],
    ['bad dev', (nl) => nl.link.set('x'.repeat(20), { up: true }), RangeError],
    ['bad index', (nl) => nl.link.get(-1), RangeError],
    ['bad filter', (nl) => nl.link.list({ colour: 1 } as never), TypeError],
    ['empty delete filter', (nl) => nl.link.del({}), TypeError, /every link/],
    ['bad name in a delete list', (nl) => nl.link.del(['va', 'a/b']), TypeError],
  ];
  for (const [title, call, type, msg] of bad) {
    it(title, async () => {
      await withNs(async (ns) => {
        await pair(ns.nl, 'va', 'vb');
        const before = summary(await ns.nl.link.list());
        const spy = countRequests(ns.nl);
        let err: unknown;
        try {
          await call(ns.nl);
        } catch (e) {
          err = e;
        }
        spy.restore();
        expect(err).toBeInstanceOf(type);
        if (msg) expect((err as Error).message).toMatch(msg);
        expect(spy.count()).toBe(0);
        expect(summary(await ns.nl.link.list())).toEqual(before);
      });
    });
  }
  it('the sync API throws the same errors, and sends nothing either', async () => {
    await withNs(async (ns) => {
      const spy = countRequests(ns.nl);
      expect(() => ns.nl.sync.link.add({ name: 'a-very-long-name', kind: 'bridge' })).toThrow(RangeError);
      expect(() => ns.nl.sync.link.add({ name: 'va', kind: 'veth' })).toThrow(TypeError);
      expect(() => ns.nl.sync.link.set('lo', { mtu: -5 })).toThrow(RangeError);
      spy.restore();
      expect(spy.count()).toBe(0);
    });
  });
});

describe('checks that need the link itself: one lookup, then refused before any change', () => {
  it('a new address or broadcast must be as long as the link\'s own (issue 14: a 7-byte MAC was sent and cut)', async () => {
    await withNs(async (ns) => {
      await pair(ns.nl, 'va', 'vb');
      const before = await ns.nl.link.get('va');
      for (const [changes, msg] of [
        [{ address: '02:00:00:00:00:01:07' }, /changes\.address must be a 6-byte link-layer address, got 7 bytes/],
        [{ address: '02:00:00:00:01' }, /changes\.address must be a 6-byte link-layer address, got 5 bytes/],
        [{ broadcast: 'ff:ff:ff:ff:ff:ff:ff', mtu: 1400 }, /changes\.broadcast must be a 6-byte/],
      ] as const) {
        const spy = countRequests(ns.nl);
        const err = await ns.nl.link.set('va', changes).catch((e) => e);
        spy.restore();
        expect(err).toBeInstanceOf(RangeError);
        expect(err.message).toMatch(msg);
        expect(spy.count()).toBe(1); // the RTM_GETLINK that tells the length
      }
      expect(() => ns.nl.sync.link.set('va', { address: '02:00:00:00:00:01:07' })).toThrow(RangeError);
      const after = await ns.nl.link.get('va');
      expect([after.address, after.broadcast, after.mtu]).toEqual([before.address, before.broadcast, before.mtu]);
      // The right length goes through.
      await ns.nl.link.set('va', { address: '02:00:00:00:00:42' });
      expect((await ns.nl.link.get('va')).address).toBe('02:00:00:00:00:42');
    });
  });

  it('port options under a new master are checked against its kind before the link joins it', async () => {
    await withNs(async (ns) => {
      await pair(ns.nl, 'va', 'vb');
      await pair(ns.nl, 'vc', 'vd');
      const err = await ns.nl.link.set('va', { master: 'vc', slaveInfo: { cost: 5 } }).catch((e) => e);
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toMatch(/changes\.slaveInfo: the new master 'vc' has no port options/);
      expect((await ns.nl.link.get('va')).master).toBeUndefined();
      await ns.nl.link.add({ name: 'br0', kind: 'bridge' });
      await ns.nl.link.set('va', { master: 'br0', slaveInfo: { cost: 5 } });
      expect(await ns.nl.link.get('va')).toMatchObject({ slaveKind: 'bridge', slaveInfo: { cost: 5 } });
    });
  });

  it('a kind filter the kernel does not know matches nothing (the kernel would send every link)', async () => {
    await withNs(async (ns) => {
      await pair(ns.nl, 'va', 'vb');
      const kinds = new Set((await ns.nl.link.list()).map((l) => l.kind));
      // A kind this kernel lacks, or one no link here has.
      for (const kind of ['dummy', 'no-such-kind']) {
        expect(kinds.has(kind as never)).toBe(false);
        expect(await ns.nl.link.list({ kind })).toEqual([]);
        const streamed = [];
        for await (const l of ns.nl.link.stream({ kind })) streamed.push(l);
        expect(streamed).toEqual([]);
        expect(ns.nl.sync.link.stream({ kind })).toEqual([]);
      }
      expect((await ns.nl.link.list({ kind: 'veth' })).map((l) => l.name).sort()).toEqual(['va', 'vb']);
    });
  });
});

describe('bulk delete', () => {
  it('1000 veth pairs: by group, by array, by filter, by predicate — all gone', async () => {
    await withNs(async (ns) => {
      const nl = ns.nl.link;
      const N = 1000;
      const make = (prefix: string, n: number, group?: number) =>
        Promise.all(Array.from({ length: n }, (_, i) => nl.add({ name: `${prefix}${i}a`, kind: 'veth', group, info: { peer: { name: `${prefix}${i}b`, group } } })));
      const count = async () => (await nl.list({ stats: false })).length;

      await make('g', N, 77);
      expect(await count()).toBe(2 * N + 1);
      let t0 = performance.now();
      await nl.del({ group: 77 });
      const tGroup = performance.now() - t0;
      expect(await count()).toBe(1);

      await make('a', N);
      const names = Array.from({ length: N }, (_, i) => `a${i}a`);
      t0 = performance.now();
      await nl.del(names);
      const tArray = performance.now() - t0;
      expect(await count()).toBe(1);

      await make('k', 300);
      await nl.add({ name: 'br0', kind: 'bridge' });
      t0 = performance.now();
      await nl.del({ kind: 'veth' });
      const tFilter = performance.now() - t0;
      expect((await nl.list()).map((l) => l.name).sort()).toEqual(['br0', 'lo']);

      await make('p', 300);
      await nl.del((l) => l.name.startsWith('p') && l.name.endsWith('b'));
      expect((await nl.list()).map((l) => l.name).sort()).toEqual(['br0', 'lo']);
      console.log(
        `bulk delete of ${N} veth pairs: group ${tGroup.toFixed(0)} ms (${((N / tGroup) * 1000).toFixed(0)} pairs/s), ` +
          `array ${tArray.toFixed(0)} ms (${((N / tArray) * 1000).toFixed(0)} pairs/s, incl. dump + group moves); 300 by kind filter ${tFilter.toFixed(0)} ms`,
      );
    });
  });

  it('documents the group change: links are moved to a fresh group, then the group is deleted', async () => {
    await withNs(async (ns) => {
      const nl = ns.nl.link;
      await pair(ns.nl, 'va', 'vb');
      await pair(ns.nl, 'vc', 'vd');
      await nl.add({ name: 'keep', kind: 'ifb', group: 5 });
      const seen: number[] = [];
      const conn = ns.nl.conn;
      conn.tap = (m) => seen.push(m.readUInt16LE(4));
      await nl.del(['va', 'vc']);
      conn.tap = undefined;
      // dump, 2 × RTM_SETLINK (group), dump (check), one RTM_DELLINK
      expect(seen).toEqual([18, 19, 19, 18, 17]);
      expect((await nl.list()).map((l) => `${l.name}:${l.group ?? 0}`).sort()).toEqual(['keep:5', 'lo:0']);
    });
  });

  it('refuses undeletable or missing links before changing anything', async () => {
    await withNs(async (ns) => {
      const nl = ns.nl.link;
      await pair(ns.nl, 'va', 'vb');
      await nl.set('va', { group: 4 });
      const before = summary(await nl.list());
      await expect(nl.del(['va', 'lo'])).rejects.toMatchObject({ code: 'EOPNOTSUPP', message: expect.stringMatching(/lo cannot be deleted.*nothing was deleted/) });
      await expect(nl.del(['va', 'ghost', 'vb'])).rejects.toMatchObject({ code: 'ENODEV', message: expect.stringMatching(/ghost.*nothing was deleted/) });
      await expect(nl.del({ up: false })).rejects.toMatchObject({ code: 'EOPNOTSUPP' }); // lo is down too
      expect(summary(await nl.list())).toEqual(before);
      // The kernel refuses a group with lo in it as a whole.
      const g0 = await nl.del({ group: 0 }).catch((e) => e);
      expect(g0).toBeInstanceOf(NetlinkError);
      expect(g0.syscall).toBe('RTM_DELLINK');
      expect(['EOPNOTSUPP', 'EPERM']).toContain(g0.code); // 6.18 answers EPERM, older kernels EOPNOTSUPP
      expect(summary(await nl.list())).toEqual(before);
      // Nothing matched, nothing done.
      await nl.del({ kind: 'bridge' });
      await nl.del([]);
      expect(summary(await nl.list())).toEqual(before);
      // `ip link del group N` of an empty group: the kernel answers ENODEV.
      await expect(nl.del({ group: 999 })).rejects.toMatchObject({ code: 'ENODEV', syscall: 'RTM_DELLINK' });
    });
  });

  it('restores the groups when a move fails half-way, and reports it', async () => {
    await withNs(async (ns) => {
      const nl = ns.nl.link;
      for (let i = 0; i < 6; i++) await nl.add({ name: `v${i}a`, kind: 'veth', group: 10 + i, info: { peer: { name: `v${i}b` } } });
      const before = summary(await nl.list());
      // Fault injection: the kernel "refuses" the 4th group move.
      type R = { type: number; body: (w: { pos: number; buf: Buffer }) => void };
      const conn = ns.nl.conn as unknown as { requestMany: (r: R[], c?: unknown) => Promise<unknown>[] };
      const origMany = conn.requestMany.bind(conn);
      let moves = 0;
      // Fault injection: the 4th group move names a link that does not exist, so the kernel refuses it for real.
      conn.requestMany = (rs, c) =>
        origMany(
          rs.map((r) =>
            r.type === 19 && ++moves === 4
              ? { ...r, body: (w) => { const at = w.pos; r.body(w); w.buf.writeInt32LE(0x7ffffff0, at + 4); } }
              : r,
          ),
          c,
        );
      const err = await nl.del(['v0a', 'v1a', 'v2a', 'v3a', 'v4a', 'v5a']).catch((e) => e);
      conn.requestMany = origMany;
      expect(err).toBeInstanceOf(NetlinkError);
      expect(err).toMatchObject({ code: 'ENODEV' });
      expect(err.message).toMatch(/nothing was deleted; the \d moved links were returned to their groups/);
      expect(summary(await nl.list())).toEqual(before);
    });
  });

  it('a veth peer dies with its pair, even in another namespace', async () => {
    await withNs(async (ns) => {
      const other = makeNetns();
      try {
        for (let i = 0; i < 5; i++) await ns.nl.link.add({ name: `v${i}`, kind: 'veth', info: { peer: { name: `p${i}`, netns: { fd: other.fd } } } });
        expect(await other.nl.link.list({ kind: 'veth' })).toHaveLength(5);
        await ns.nl.link.del({ kind: 'veth' });
        expect(await ns.nl.link.list({ kind: 'veth' })).toHaveLength(0);
        expect(await other.nl.link.list({ kind: 'veth' })).toHaveLength(0);
      } finally {
        await other.close();
      }
    });
  });
});

describe('sync API', () => {
  it('does what the promise API does, blocking', async () => {
    await withNs(async (ns) => {
      const s = ns.nl.sync.link;
      s.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb', mtu: 1300 } } });
      s.add({ name: 'br0', kind: 'bridge', info: { forwardDelay: 300 } });
      s.set('va', { up: true, master: 'br0', mtu: 1400, alias: 'sync' });
      expect(s.get('va')).toMatchObject({ up: true, mtu: 1400, alias: 'sync', slaveKind: 'bridge' });
      expect(s.get('vb').mtu).toBe(1300);
      expect(s.list({ master: 'br0' }).map((l) => l.name)).toEqual(['va']);
      expect(s.list({ kind: 'veth' })).toHaveLength(2);
      expect(s.stream().length).toBe(4);
      expect(() => s.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vz' } } })).toThrow(expect.objectContaining({ code: 'EEXIST', errno: -17, syscall: 'RTM_NEWLINK' }));
      for (let i = 0; i < 20; i++) s.add({ name: `x${i}`, kind: 'veth', info: { peer: { name: `y${i}` } } });
      s.del(Array.from({ length: 20 }, (_, i) => `x${i}`));
      s.del('br0');
      s.del({ kind: 'veth' });
      expect(s.list().map((l) => l.name)).toEqual(['lo']);
      expect(existsSync(ns.path)).toBe(true);
    });
  });
});
