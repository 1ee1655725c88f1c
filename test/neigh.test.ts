import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetlinkError, type Neighbour } from '../lib/index.js';
import { clean, agree, haveIp, ipJson, makeNetns, toolEnv, type TestNetns } from './helpers.js';

/** `ip -j neigh show nud all [proxy]` reshaped into what `neigh.list` returns. */
function ipNeighs(ns: TestNetns, ...args: string[]): Record<string, unknown>[] {
  return sortN(
    (ipJson(ns, 'neigh', 'show', ...args) as Record<string, any>[]).map((n) =>
      clean({
        address: n.dst,
        dev: n.dev,
        lladdr: n.lladdr,
        state: n.state === undefined ? undefined : n.state.length === 1 ? n.state[0].toLowerCase() : n.state.map((s: string) => s.toLowerCase()),
        router: 'router' in n ? true : undefined,
        proxy: 'proxy' in n ? true : undefined,
        extLearned: 'extern_learn' in n ? true : undefined,
      }),
    ),
  );
}

function ours(list: Neighbour[], proxy = false): Record<string, unknown>[] {
  return sortN(
    list.map((n) =>
      clean({
        address: n.address,
        dev: n.dev,
        lladdr: n.lladdr,
        // ip prints no state for proxy entries
        state: proxy ? undefined : n.state,
        router: n.router,
        proxy: n.proxy,
        extLearned: n.extLearned,
      }),
    ),
  );
}

/** `bridge -j fdb show` reshaped into what `neigh.list({ family: 'bridge' })` returns. */
function bridgeFdb(ns: TestNetns): Record<string, unknown>[] {
  const out = execFileSync('nsenter', [`--net=${ns.path}`, 'bridge', '-j', 'fdb', 'show'], { encoding: 'utf8', env: toolEnv() });
  return sortN(
    (JSON.parse(out) as Record<string, any>[]).map((f) =>
      clean({
        lladdr: f.mac,
        dev: f.ifname,
        master: f.master,
        dst: f.dst,
        vlan: f.vlan,
        self: f.flags?.includes('self') ? true : undefined,
        sticky: f.flags?.includes('sticky') ? true : undefined,
        extLearned: f.flags?.includes('extern_learn') ? true : undefined,
        // bridge prints NUD_NOARP as "static", reachable as nothing
        state: f.state === 'static' ? 'noarp' : f.state === undefined || f.state === '' ? 'reachable' : f.state,
      }),
    ),
  );
}

function oursFdb(list: Neighbour[]): Record<string, unknown>[] {
  return sortN(
    list.map((n) =>
      clean({
        lladdr: n.lladdr,
        dev: n.dev,
        master: n.master,
        dst: n.dst,
        vlan: n.vlan,
        self: n.self,
        sticky: n.sticky,
        extLearned: n.extLearned,
        // bridge prints the first of permanent/static
        state: Array.isArray(n.state) ? (n.state.includes('permanent') ? 'permanent' : n.state[0]) : n.state,
      }),
    ),
  );
}

function sortN(l: Record<string, unknown>[]): Record<string, unknown>[] {
  const key = (n: Record<string, unknown>) => `${n.dev} ${n.address ?? ''} ${n.lladdr ?? ''} ${n.dst ?? ''} ${n.master ?? ''} ${n.vlan ?? ''}`;
  return l.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

describe('neigh', () => {
  let ns: TestNetns;
  beforeAll(async () => {
    ns = makeNetns();
    const nl = ns.nl;
    await nl.link.set('lo', { up: true });
    await nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } } });
    await nl.link.set('va', { up: true });
    await nl.link.set('vb', { up: true });
    await nl.address.add({ dev: 'va', address: '10.0.0.1/24' });
    await nl.address.add({ dev: 'va', address: '2001:db8::1/64', flags: ['nodad'] });
  });
  afterAll(async () => {
    await ns?.close();
  });

  it('round-trips ARP and NDP entries: states, lladdr, router flag', async () => {
    const nl = ns.nl;
    const set = [
      { dev: 'va', address: '10.0.0.9', lladdr: '02:00:00:00:00:09' },
      { dev: 'va', address: '10.0.0.8', lladdr: '02:00:00:00:00:08', state: 'stale' },
      { dev: 'va', address: '10.0.0.7', lladdr: '02:00:00:00:00:07', state: 'reachable' },
      { dev: 'va', address: '10.0.0.6', state: 'noarp', lladdr: '02:00:00:00:00:06' },
      { dev: 'va', address: '10.0.0.5', lladdr: '02:00:00:00:00:05', state: 'permanent', extLearned: true },
      { dev: 'va', address: '2001:db8::8', lladdr: '02:00:00:00:00:18', state: 'reachable', router: true },
      { dev: 'va', address: '2001:db8::9', lladdr: '02:00:00:00:00:19', state: 'permanent' },
      { dev: 'va', address: 'fe80::9', lladdr: '02:00:00:00:00:29', state: 'stale', router: true },
    ] as const;
    for (const n of set) await nl.neigh.add(n);
    const got = await nl.neigh.list({ dev: 'va' });
    for (const n of set) {
      const l = got.find((x) => x.address === n.address)!;
      expect(l, n.address).toMatchObject({ ...n, state: 'state' in n ? n.state : 'permanent', family: n.address.includes(':') ? 'inet6' : 'inet' });
    }
    expect(got.find((x) => x.address === '10.0.0.9')!.router).toBeUndefined();
    const idx = (await nl.link.get('va')).index;
    expect(got.every((n) => n.index === idx && n.dev === 'va')).toBe(true);
  });

  it('proxy entries', async () => {
    const nl = ns.nl;
    await nl.neigh.add({ dev: 'va', address: '10.0.0.77', proxy: true });
    await nl.neigh.add({ dev: 'va', address: '2001:db8::77', proxy: true });
    const p = await nl.neigh.list({ proxy: true });
    expect(p.map((n) => `${n.address} ${n.dev} ${n.proxy}`).sort()).toEqual(['10.0.0.77 va true', '2001:db8::77 va true']);
    expect((await nl.neigh.list()).some((n) => n.proxy)).toBe(false);
    expect(await nl.neigh.get({ dev: 'va', address: '10.0.0.77', proxy: true })).toMatchObject({ address: '10.0.0.77', proxy: true, dev: 'va' });
  });

  it.skipIf(!haveIp())('lists what `ip -j neigh show` shows', async () => {
    const [a, b] = await agree(async () => ours(await ns.nl.neigh.list()), () => ipNeighs(ns, 'nud', 'all'));
    expect(a).toEqual(b);
    // plain `ip neigh show` leaves noarp entries out: so does a state filter
    const shown = ['permanent', 'reachable', 'stale', 'delay', 'probe', 'failed', 'incomplete'] as const;
    const [c, d] = await agree(async () => ours(await ns.nl.neigh.list({ state: [...shown] })), () => ipNeighs(ns));
    expect(c).toEqual(d);
    expect(ours(await ns.nl.neigh.list({ proxy: true }), true)).toEqual(ipNeighs(ns, 'proxy'));
  });

  it('filters: family, state, prefix, link; stream and sync', async () => {
    const nl = ns.nl;
    expect((await nl.neigh.list({ family: 'inet', dev: 'va' })).map((n) => n.address).sort()).toEqual(['10.0.0.5', '10.0.0.6', '10.0.0.7', '10.0.0.8', '10.0.0.9']);
    expect((await nl.neigh.list({ state: 'stale' })).map((n) => n.address).sort()).toEqual(['10.0.0.8', 'fe80::9']);
    expect((await nl.neigh.list({ to: '2001:db8::/64' })).map((n) => n.address).sort()).toEqual(['2001:db8::8', '2001:db8::9']);
    expect(await nl.neigh.list({ dev: 'lo' })).toEqual([]);
    const streamed: Neighbour[] = [];
    for await (const n of nl.neigh.stream({ dev: 'va', family: 'inet' })) streamed.push(n);
    const listed = await nl.neigh.list({ dev: 'va', family: 'inet' });
    const strip = (l: Neighbour[]) => l.map(({ cacheinfo: _c, ...n }) => n);
    expect(strip(streamed)).toEqual(strip(listed));
    expect(strip(nl.sync.neigh.list({ dev: 'va', family: 'inet' }))).toEqual(strip(listed));
  });

  it('get, replace, del', async () => {
    const nl = ns.nl;
    expect(await nl.neigh.get({ dev: 'va', address: '10.0.0.8' })).toMatchObject({ address: '10.0.0.8', lladdr: '02:00:00:00:00:08', state: 'stale', dev: 'va' });
    expect(await nl.neigh.get({ dev: 'va', address: '2001:db8::8' })).toMatchObject({ router: true, state: 'reachable' });
    const e = await nl.neigh.get({ dev: 'va', address: '10.0.0.99' }).catch((x) => x);
    expect(e).toBeInstanceOf(NetlinkError);
    expect(e).toMatchObject({ code: 'ENOENT', syscall: 'RTM_GETNEIGH' });
    await nl.neigh.replace({ dev: 'va', address: '10.0.0.8', lladdr: '02:00:00:00:00:88', state: 'permanent' });
    expect(await nl.neigh.get({ dev: 'va', address: '10.0.0.8' })).toMatchObject({ lladdr: '02:00:00:00:00:88', state: 'permanent' });
    await nl.neigh.replace({ dev: 'va', address: '10.0.0.4', lladdr: '02:00:00:00:00:04' }); // replace creates
    expect((await nl.neigh.get({ dev: 'va', address: '10.0.0.4' })).state).toBe('permanent');
    const dup = await nl.neigh.add({ dev: 'va', address: '10.0.0.4', lladdr: '02:00:00:00:00:04' }).catch((x) => x);
    expect(dup).toMatchObject({ code: 'EEXIST', errno: -17, syscall: 'RTM_NEWNEIGH' });
    await nl.neigh.del({ dev: 'va', address: '10.0.0.4' });
    const [l] = await nl.neigh.list({ to: '2001:db8::9/128' });
    await nl.neigh.del(l); // a listed entry deletes itself
    await nl.neigh.del({ dev: 'va', address: '10.0.0.77', proxy: true });
    const left = (await nl.neigh.list()).concat(await nl.neigh.list({ proxy: true })).map((n) => n.address);
    for (const a of ['10.0.0.4', '2001:db8::9', '10.0.0.77']) expect(left).not.toContain(a);
    const g = await nl.neigh.del({ dev: 'va', address: '10.0.0.99' }).catch((x) => x);
    expect(g).toMatchObject({ code: 'ENOENT', syscall: 'RTM_DELNEIGH' });
  });

  it('flush keeps permanent and noarp entries unless a state says', async () => {
    const nl = ns.nl;
    const before = await nl.neigh.list({ dev: 'va' });
    const transient = before.filter((n) => n.state !== 'permanent' && n.state !== 'noarp');
    expect(transient.length).toBeGreaterThan(0);
    expect(await nl.neigh.flush({ dev: 'va' })).toBe(transient.length);
    const after = await nl.neigh.list({ dev: 'va' });
    expect(after.every((n) => n.state === 'permanent' || n.state === 'noarp')).toBe(true);
    expect(await nl.neigh.flush({ dev: 'va', state: 'permanent', family: 'inet' })).toBe(after.filter((n) => n.family === 'inet' && n.state === 'permanent').length);
    expect((await nl.neigh.list({ dev: 'va', family: 'inet' })).map((n) => n.state)).toEqual(['noarp']);
  });

  it('refuses bad input before anything is sent', async () => {
    const nl = ns.nl;
    const before = await nl.neigh.list();
    const bad: [unknown, new (...a: any[]) => Error, RegExp][] = [
      [{ dev: 'va', address: '10.0.0.300', lladdr: '02:00:00:00:00:01' }, TypeError, /IPv4 or IPv6/],
      [{ dev: 'va', address: '10.0.0.3', lladdr: '02:00:00:00:00:zz' }, TypeError, /link-layer/],
      [{ dev: 'va', address: '10.0.0.3', family: 'inet6' }, TypeError, /family/],
      [{ dev: 'va', lladdr: '02:00:00:00:00:01' }, TypeError, /address/],
      [{ address: '10.0.0.3' }, TypeError, /dev/],
      [{ dev: 'va', address: '10.0.0.3', state: 'sleepy' }, TypeError, /state/],
      [{ dev: 'va', address: '10.0.0.3', vlan: 5 }, TypeError, /bridge/],
      [{ dev: 'va', address: '10.0.0.3', router: 'yes' }, TypeError, /boolean/],
      [{ dev: 'va', family: 'bridge' }, TypeError, /lladdr/],
      [{ dev: 'va', family: 'bridge', lladdr: '02:00:00:00:00:01', vlan: 5000 }, RangeError, /vlan/],
      [{ dev: 'va', family: 'bridge', lladdr: '02:00:00:00:00:01', vni: 2 ** 24 }, RangeError, /vni/],
      [{ dev: 'va', family: 'bridge', lladdr: '02:00:00:00:00:01', dst: 'far' }, TypeError, /IPv4 or IPv6/],
      [{ dev: 'va', family: 'ipx', address: '10.0.0.3' }, TypeError, /family/],
      [{ dev: 'va', address: '10.0.0.3', mac: '02:00:00:00:00:01' }, TypeError, /unknown option 'mac'/],
      // the link's address is 6 bytes: a shorter or longer lladdr is refused (after the link lookup, before the request)
      [{ dev: 'va', address: '10.0.0.3', lladdr: '02:00' }, RangeError, /neigh\.lladdr must be a 6-byte address/],
      [{ dev: 'va', address: '10.0.0.3', lladdr: '02:00:00:00:00:00:07' }, RangeError, /neigh\.lladdr must be a 6-byte address/],
    ];
    for (const [o, cls, re] of bad) {
      const e = await nl.neigh.add(o as never).catch((x) => x);
      expect(e, JSON.stringify(o)).toBeInstanceOf(cls);
      expect(String(e.message), JSON.stringify(o)).toMatch(re);
    }
    const u = await nl.neigh.add({ dev: 'nosuch0', address: '10.0.0.3', lladdr: '02:00:00:00:00:01' }).catch((x) => x);
    expect(u).toMatchObject({ code: 'ENODEV', errno: -19, syscall: 'RTM_GETLINK' });
    await expect(nl.neigh.flush({})).rejects.toThrow(/needs a filter/);
    // dev and index both given (as a listed entry carries them) must name one link: a name is looked up and compared
    const vb = (await nl.link.get('vb')).index;
    const sent = nl.conn.stats();
    const m = await nl.neigh.del({ dev: 'va', index: vb, address: '10.0.0.9' }).catch((x) => x);
    expect(m).toBeInstanceOf(TypeError);
    expect(m.message).toMatch(/neigh\.dev 'va' is the link with index \d+, but neigh\.index is \d+: they name different links/);
    const after = nl.conn.stats();
    expect(after.sent + after.syncSent - sent.sent - sent.syncSent).toBe(1); // the lookup only (sent inline or by the I/O thread)
    // (the kernel adds multicast noarp entries by itself now and then: leave those out)
    const strip = (l: Neighbour[]) => l.filter((n) => !n.address?.startsWith('ff0')).map(({ cacheinfo: _c, ...n }) => n);
    expect(strip(await nl.neigh.list())).toEqual(strip(before));
  });

  it('kernel refusals carry code, errno, request and extack', async () => {
    const nl = ns.nl;
    // (without lladdr no link lookup is needed: the kernel itself refuses the index)
    const e = await nl.neigh.add({ dev: 9999, address: '10.0.0.3' }).catch((x) => x);
    expect(e).toBeInstanceOf(NetlinkError);
    expect(e).toMatchObject({ code: 'ENODEV', syscall: 'RTM_NEWNEIGH' });
    // with lladdr the link is looked up first (for its address length)
    const l = await nl.neigh.add({ dev: 9999, address: '10.0.0.3', lladdr: '02:00:00:00:00:01' }).catch((x) => x);
    expect(l).toMatchObject({ code: 'ENODEV', syscall: 'RTM_GETLINK' });
    // a valid state without lladdr: refused unless the kernel already knows one for that address
    const f = await nl.neigh.add({ dev: 'va', address: '10.0.0.3', state: 'stale' }).catch((x) => x);
    expect(f).toBeInstanceOf(NetlinkError);
    expect(f).toMatchObject({ code: 'EINVAL', errno: -22, syscall: 'RTM_NEWNEIGH' });
    expect(f.extack).toMatch(/link layer address/i);
  });
});

describe('neigh: bridge FDB', () => {
  let ns: TestNetns;
  beforeAll(async () => {
    ns = makeNetns();
    const nl = ns.nl;
    await nl.link.add({ name: 'br0', kind: 'bridge' });
    await nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } } });
    await nl.link.set('vb', { master: 'br0', up: true });
    await nl.link.set('br0', { up: true });
    await nl.link.add({ name: 'vx0', kind: 'vxlan', info: { id: 42, dstport: 4789, learning: false } });
  });
  afterAll(async () => {
    await ns?.close();
  });

  it('master and self entries on a bridge port', async () => {
    const nl = ns.nl;
    await nl.neigh.add({ family: 'bridge', dev: 'vb', lladdr: '02:00:00:00:00:01', master: true });
    await nl.neigh.add({ family: 'bridge', dev: 'vb', lladdr: '02:00:00:00:00:02', master: true, state: 'noarp', sticky: true });
    // a dynamic entry: 6.18 refuses user-added ones (EPERM) unless externally learned; 6.1 takes them
    const dyn = await nl.neigh.add({ family: 'bridge', dev: 'vb', lladdr: '02:00:00:00:00:03', master: true, state: 'reachable' }).catch((x) => x);
    if (dyn !== undefined) expect(dyn).toMatchObject({ code: 'EPERM', syscall: 'RTM_NEWNEIGH' });
    await nl.neigh.replace({ family: 'bridge', dev: 'vb', lladdr: '02:00:00:00:00:03', master: true, extLearned: true });
    await nl.neigh.add({ family: 'bridge', dev: 'vb', lladdr: '02:00:00:00:00:04' }); // self, as `bridge fdb add`
    const l = await nl.neigh.list({ family: 'bridge', dev: 'vb' });
    const by = (mac: string) => l.find((n) => n.lladdr === mac)!;
    expect(by('02:00:00:00:00:01')).toMatchObject({ family: 'bridge', dev: 'vb', master: 'br0', state: 'permanent' });
    expect(by('02:00:00:00:00:02')).toMatchObject({ master: 'br0', state: 'noarp', sticky: true });
    expect(by('02:00:00:00:00:03')).toMatchObject({ master: 'br0', state: 'reachable', extLearned: true });
    expect(by('02:00:00:00:00:04')).toMatchObject({ self: true, dev: 'vb' });
    expect(by('02:00:00:00:00:04').master).toBeUndefined();
    // the bridge's entries only (br B)
    const ofBr = await nl.neigh.list({ family: 'bridge', master: 'br0' });
    expect(ofBr.every((n) => n.master === undefined || n.master === 'br0')).toBe(true);
    expect(ofBr.some((n) => n.dev === 'va' || n.dev === 'vx0')).toBe(false); // not ports of br0
    expect(ofBr.map((n) => n.lladdr)).toEqual(expect.arrayContaining(['02:00:00:00:00:01', '02:00:00:00:00:02', '02:00:00:00:00:03']));
    expect(await nl.neigh.get({ family: 'bridge', dev: 'vb', lladdr: '02:00:00:00:00:01', master: true })).toMatchObject({ master: 'br0', state: 'permanent' });
  });

  it('vxlan entries: remote, vni, port', async () => {
    const nl = ns.nl;
    await nl.neigh.add({ family: 'bridge', dev: 'vx0', lladdr: '00:00:00:00:00:00', dst: '192.0.2.1', self: true });
    await nl.neigh.add({ family: 'bridge', dev: 'vx0', lladdr: '02:00:00:00:00:05', dst: '192.0.2.2', vni: 43, port: 8472 });
    await nl.neigh.add({ family: 'bridge', dev: 'vx0', lladdr: '02:00:00:00:00:06', dst: '192.0.2.6' });
    // an IPv4 vxlan takes no IPv6 remote
    const v6 = await nl.neigh.add({ family: 'bridge', dev: 'vx0', lladdr: '02:00:00:00:00:07', dst: '2001:db8::2' }).catch((x) => x);
    expect(v6).toMatchObject({ code: 'EAFNOSUPPORT', syscall: 'RTM_NEWNEIGH' });
    const l = await nl.neigh.list({ family: 'bridge', dev: 'vx0' });
    const by = (mac: string) => l.find((n) => n.lladdr === mac)!;
    expect(by('00:00:00:00:00:00')).toMatchObject({ dst: '192.0.2.1', self: true, dev: 'vx0' });
    expect(by('02:00:00:00:00:05')).toMatchObject({ dst: '192.0.2.2', vni: 43, port: 8472, self: true });
    expect(by('02:00:00:00:00:06')).toMatchObject({ dst: '192.0.2.6' });
  });

  it.skipIf(!haveIp())('lists what `bridge -j fdb show` shows', async () => {
    const [a, b] = await agree(async () => oursFdb(await ns.nl.neigh.list({ family: 'bridge' })), () => bridgeFdb(ns));
    expect(a).toEqual(b);
  });

  it('deletes FDB entries (listed ones too) and flushes', async () => {
    const nl = ns.nl;
    await nl.neigh.del({ family: 'bridge', dev: 'vb', lladdr: '02:00:00:00:00:01', master: true });
    // a vxlan remote is named by all of dst, vni and port (else nothing matches and nothing goes)
    await nl.neigh.del({ family: 'bridge', dev: 'vx0', lladdr: '02:00:00:00:00:05', dst: '192.0.2.2' });
    expect((await nl.neigh.list({ family: 'bridge', dev: 'vx0' })).map((n) => n.lladdr)).toContain('02:00:00:00:00:05');
    await nl.neigh.del({ family: 'bridge', dev: 'vx0', lladdr: '02:00:00:00:00:05', dst: '192.0.2.2', vni: 43, port: 8472 });
    const [x] = (await nl.neigh.list({ family: 'bridge', dev: 'vx0' })).filter((n) => n.lladdr === '02:00:00:00:00:06');
    await nl.neigh.del(x);
    const l = (await nl.neigh.list({ family: 'bridge' })).map((n) => n.lladdr);
    for (const m of ['02:00:00:00:00:01', '02:00:00:00:00:05', '02:00:00:00:00:06']) expect(l).not.toContain(m);
    const e = await nl.neigh.del({ family: 'bridge', dev: 'vb', lladdr: '02:00:00:00:00:01', master: true }).catch((x) => x);
    expect(e).toBeInstanceOf(NetlinkError);
    expect(e.syscall).toBe('RTM_DELNEIGH');
    // the dynamic ones (ours, and any the bridge learned from traffic) go; permanent and static ones stay
    const dynamic = (await nl.neigh.list({ family: 'bridge', dev: 'vb' })).filter((n) => n.state === 'reachable' || n.state === 'stale');
    expect(dynamic.map((n) => n.lladdr)).toContain('02:00:00:00:00:03');
    expect(await nl.neigh.flush({ family: 'bridge', dev: 'vb' })).toBe(dynamic.length);
    const after = await nl.neigh.list({ family: 'bridge', dev: 'vb' });
    expect(after.map((n) => n.lladdr)).not.toContain('02:00:00:00:00:03');
    expect(after.map((n) => n.lladdr)).toContain('02:00:00:00:00:02');
  });
});
