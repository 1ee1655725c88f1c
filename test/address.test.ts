import { release } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetlinkError, type Address } from '../lib/index.js';
import { clean, agree, haveIp, ip, ipJson, makeNetns, type TestNetns } from './helpers.js';

const FOREVER = 4294967295;
const [kMajor, kMinor] = release().split('.').map(Number);
const kernelAtLeast = (major: number, minor: number) => kMajor > major || (kMajor === major && kMinor >= minor);

/** `ip -j address show` reshaped into what `address.list` returns (DAD-timing flags left out). */
function ipAddresses(ns: TestNetns): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const l of ipJson(ns, 'address', 'show'))
    for (const a of l.addr_info) {
      const flags = ['secondary', 'temporary', 'nodad', 'home', 'deprecated', 'mngtmpaddr', 'noprefixroute', 'autojoin']
        .filter((f) => a[f])
        .concat(a.dynamic ? [] : ['permanent'])
        .concat(a['stable-privacy'] ? ['stablePrivacy'] : []);
      out.push(
        clean({
          index: l.ifindex,
          dev: l.ifname,
          family: a.family,
          address: a.local,
          prefixlen: a.prefixlen,
          peer: a.address,
          broadcast: a.broadcast,
          label: a.label,
          scope: a.scope,
          metric: a.metric,
          validLft: a.valid_life_time === FOREVER ? 'forever' : a.valid_life_time,
          preferredLft: a.preferred_life_time === FOREVER ? 'forever' : a.preferred_life_time,
          flags: flags.sort(),
        }),
      );
    }
  return sortAddrs(out);
}

function ours(list: Address[]): Record<string, unknown>[] {
  return sortAddrs(
    list.map((a) =>
      clean({
        index: a.index,
        dev: a.dev,
        family: a.family,
        address: a.address,
        prefixlen: a.prefixlen,
        peer: a.peer,
        broadcast: a.broadcast,
        label: a.label,
        scope: a.scope,
        metric: a.metric,
        validLft: a.validLft,
        preferredLft: a.preferredLft,
        flags: a.flags.filter((f) => f !== 'tentative' && f !== 'dadfailed' && f !== 'optimistic').map(String).sort(),
      }),
    ),
  );
}

function sortAddrs(l: Record<string, unknown>[]): Record<string, unknown>[] {
  const key = (a: Record<string, unknown>) => `${String(a.index).padStart(6)} ${a.family} ${a.address}/${a.prefixlen}`;
  return l.sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

async function vethPair(ns: TestNetns, a = 'va', b = 'vb', up = true): Promise<number> {
  await ns.nl.link.add({ name: a, kind: 'veth', info: { peer: { name: b } } });
  if (up) await ns.nl.link.set(a, { up: true });
  return (await ns.nl.link.get(a)).index;
}

/** Waits until `n` links have their kernel-made fe80:: address (it comes a moment after carrier). */
async function linkLocals(ns: TestNetns, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await ns.nl.address.list({ family: 'inet6', scope: 'link' })).length >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no IPv6 link-local addresses appeared');
}

describe('address', () => {
  let ns: TestNetns;
  beforeAll(async () => {
    ns = makeNetns();
    await ns.nl.link.set('lo', { up: true });
    await vethPair(ns);
    await ns.nl.link.set('vb', { up: true }); // carrier: IPv6 gives va and vb their link-local addresses
    await linkLocals(ns, 2);
  });
  afterAll(async () => {
    await ns?.close();
  });

  it('round-trips IPv4 options: what was set lists back equal', async () => {
    const nl = ns.nl;
    const set = [
      { dev: 'va', address: '10.0.0.1/24' },
      { dev: 'va', address: '10.0.0.2/24', label: 'va:1' },
      { dev: 'va', address: '10.9.0.1', peer: '10.9.0.2/32' },
      { dev: 'va', address: '10.8.0.1/24', broadcast: '+', validLft: 100, preferredLft: 50, metric: 7 },
      { dev: 'va', address: '10.7.0.1/16', broadcast: '10.7.255.254', scope: 'link', flags: ['noprefixroute'] },
    ] as const;
    for (const o of set) await nl.address.add(o);
    const got = await nl.address.list({ dev: 'va', family: 'inet' });
    const by = (a: string) => got.find((x) => x.address === a)!;
    expect(by('10.0.0.1')).toMatchObject({ family: 'inet', dev: 'va', prefixlen: 24, scope: 'global', label: 'va', validLft: 'forever', preferredLft: 'forever' });
    expect(by('10.0.0.1').flags).toEqual(['permanent']);
    expect(by('10.0.0.2')).toMatchObject({ prefixlen: 24, label: 'va:1' });
    expect(by('10.0.0.2').flags).toContain('secondary');
    expect(by('10.9.0.1')).toMatchObject({ prefixlen: 32, peer: '10.9.0.2' });
    expect(by('10.8.0.1')).toMatchObject({ prefixlen: 24, broadcast: '10.8.0.255', metric: 7 });
    expect(by('10.8.0.1').validLft).toBeGreaterThan(95);
    expect(by('10.8.0.1').preferredLft).toBeLessThanOrEqual(50);
    expect(by('10.8.0.1').flags).not.toContain('permanent');
    expect(by('10.7.0.1')).toMatchObject({ prefixlen: 16, broadcast: '10.7.255.254', scope: 'link' });
    expect(by('10.7.0.1').flags).toContain('noprefixroute');
    // noprefixroute: no 10.7.0.0/16 route was made
    expect((await nl.route.list({ dev: 'va', family: 'inet' })).map((r) => r.dst)).not.toContain('10.7.0.0/16');
    const idx = (await nl.link.get('va')).index;
    expect(got.every((a) => a.index === idx && a.local === a.address)).toBe(true);
    expect(got).toHaveLength(set.length);
  });

  it('round-trips IPv6 options', async () => {
    const nl = ns.nl;
    await nl.address.add({ dev: 'va', address: '2001:db8::1/64', flags: ['nodad'] });
    await nl.address.add({ dev: 'va', address: '2001:db8:1::1/64', flags: ['nodad', 'noprefixroute', 'home'], validLft: 600, preferredLft: 300 });
    await nl.address.add({ dev: 'va', address: '2001:db8:2::1', peer: '2001:db8:2::2/128', flags: ['nodad'] });
    const got = await nl.address.list({ dev: 'va', family: 'inet6', scope: 'global' });
    const by = (a: string) => got.find((x) => x.address === a)!;
    expect(by('2001:db8::1')).toMatchObject({ family: 'inet6', prefixlen: 64, scope: 'global', validLft: 'forever', dev: 'va' });
    expect(by('2001:db8::1').flags.sort()).toEqual(['nodad', 'permanent']);
    expect(by('2001:db8:1::1').flags.sort()).toEqual(['home', 'nodad', 'noprefixroute']);
    expect(by('2001:db8:1::1').validLft).toBeGreaterThan(590);
    expect(by('2001:db8:1::1').preferredLft).toBeLessThanOrEqual(300);
    expect(by('2001:db8:2::1')).toMatchObject({ prefixlen: 128, peer: '2001:db8:2::2' });
    expect(got).toHaveLength(3);
    // link-scope filter: the kernel's own fe80:: address
    const ll = await nl.address.list({ dev: 'va', family: 'inet6', scope: 'link' });
    expect(ll.length).toBe(1);
    expect(ll[0].address.startsWith('fe80::')).toBe(true);
  });

  it.skipIf(!haveIp())('lists what `ip -j address show` shows', async () => {
    const [a, b] = await agree(async () => ours(await ns.nl.address.list()), () => ipAddresses(ns));
    expect(a).toEqual(b);
  });

  it('filters: family, scope, label glob, prefix, flags', async () => {
    const nl = ns.nl;
    expect((await nl.address.list({ family: 'inet' })).every((a) => a.family === 'inet')).toBe(true);
    expect((await nl.address.list({ scope: 'host' })).map((a) => a.address).sort()).toEqual(['127.0.0.1', '::1']);
    expect((await nl.address.list({ label: 'va:*' })).map((a) => a.address)).toEqual(['10.0.0.2']);
    expect((await nl.address.list({ to: '10.0.0.0/8' })).map((a) => a.address).sort()).toEqual(['10.0.0.1', '10.0.0.2', '10.7.0.1', '10.8.0.1', '10.9.0.1']);
    expect((await nl.address.list({ to: '2001:db8:1::/48' })).map((a) => a.address)).toEqual(['2001:db8:1::1']);
    expect((await nl.address.list({ flags: ['secondary'] })).map((a) => a.address)).toEqual(['10.0.0.2']);
    // label globs as fnmatch: classes, and a lone '[' taken literally (it used to be a RegExp SyntaxError)
    expect((await nl.address.list({ label: 'va[:]1' })).map((a) => a.address)).toEqual(['10.0.0.2']);
    expect((await nl.address.list({ label: 'v[!x]:?' })).map((a) => a.address)).toEqual(['10.0.0.2']);
    expect(await nl.address.list({ label: 'va[' })).toEqual([]);
    expect((await nl.address.list({ dev: 'lo' })).map((a) => a.dev)).toEqual(['lo', 'lo']);
    const lo = (await nl.link.get('lo')).index;
    expect((await nl.address.list({ dev: lo })).map((a) => a.dev)).toEqual(['lo', 'lo']);
  });

  it('streams the dump and runs synchronously', async () => {
    // lifetimes tick and DAD ends between two dumps: compare what stays put
    const steady = (l: Address[]) => l.map((a) => ({ ...a, validLft: 0, preferredLft: 0, flags: a.flags.filter((f) => f !== 'tentative') }));
    const streamed: Address[] = [];
    for await (const a of ns.nl.address.stream({ dev: 'va' })) streamed.push(a);
    const listed = await ns.nl.address.list({ dev: 'va' });
    expect(steady(streamed)).toEqual(steady(listed));
    expect(steady(ns.nl.sync.address.list({ dev: 'va' }))).toEqual(steady(listed));
    expect(steady(ns.nl.sync.address.stream({ dev: 'va', family: 'inet' }))).toEqual(steady(listed.filter((a) => a.family === 'inet')));
  });

  it('replaces in place (lifetimes) and deletes with or without a prefix length', async () => {
    const nl = ns.nl;
    await nl.address.replace({ dev: 'va', address: '10.8.0.1/24', validLft: 'forever', preferredLft: 'forever' });
    const [a] = await nl.address.list({ to: '10.8.0.1/32' });
    expect(a).toMatchObject({ validLft: 'forever', preferredLft: 'forever' });
    expect(a.flags).toContain('permanent');
    // IPv4 without a length deletes whatever length it has, as `ip address del` does
    await nl.address.del({ dev: 'va', address: '10.8.0.1' });
    await nl.address.del({ dev: 'va', address: '10.9.0.1', peer: '10.9.0.2/32' });
    await nl.address.del({ dev: 'va', address: '2001:db8:2::1/128', peer: '2001:db8:2::2' });
    // a listed object deletes exactly itself
    const [b] = await nl.address.list({ to: '10.7.0.1/32' });
    await nl.address.del(b);
    const left = (await nl.address.list({ dev: 'va', scope: 'global' })).map((x) => x.address).sort();
    expect(left).toEqual(['10.0.0.1', '10.0.0.2', '2001:db8:1::1', '2001:db8::1']);
    const err = await nl.address.del({ dev: 'va', address: '10.66.0.1/24' }).catch((e) => e);
    expect(err).toBeInstanceOf(NetlinkError);
    expect(err).toMatchObject({ code: 'EADDRNOTAVAIL', errno: -99, syscall: 'RTM_DELADDR' });
  });

  it('flushes by filter, primaries with their secondaries', async () => {
    const nl = ns.nl;
    for (let i = 1; i <= 5; i++) await nl.address.add({ dev: 'va', address: `10.50.0.${i}/24` });
    expect(await nl.address.flush({ dev: 'va', to: '10.50.0.0/16' })).toBe(5);
    expect(await nl.address.list({ to: '10.50.0.0/16' })).toEqual([]);
    expect(await nl.address.flush({ dev: 'va', family: 'inet6', scope: 'global' })).toBe(2);
    expect(await nl.address.flush({ dev: 'va' })).toBeGreaterThanOrEqual(3); // 10.0.0.1, 10.0.0.2, fe80::…
    expect(await nl.address.list({ dev: 'va' })).toEqual([]);
    expect((await nl.address.list({ dev: 'lo' })).length).toBe(2);
    // a filter that leaves every address selected needs the explicit word (issue 14)
    await nl.address.add({ dev: 'vb', address: '10.51.0.1/24' });
    await expect(nl.address.flush({ family: 'inet' })).rejects.toThrow(/filter\.all: true/);
    expect(await nl.address.flush({ family: 'inet', all: true })).toBe(2); // 10.51.0.1 on vb and lo's 127.0.0.1
    expect(await nl.address.list({ family: 'inet' })).toEqual([]);
    await nl.address.add({ dev: 'lo', address: '127.0.0.1/8' });
  });

  it('dev and index given together must name the same link (issue 14)', async () => {
    const nl = ns.nl;
    const va = (await nl.link.get('va')).index;
    const vb = (await nl.link.get('vb')).index;
    // a name is looked up and compared before anything else is sent
    const e = await nl.address.add({ dev: 'va', index: vb, address: '10.52.0.1/24' }).catch((x) => x);
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(new RegExp(`address\\.index ${vb} and address\\.dev "va" \\(index ${va}\\) name different links`));
    expect(await nl.address.list({ to: '10.52.0.0/16' })).toEqual([]);
    // agreeing, they work; a listed address (which carries both) deletes itself
    await nl.address.add({ dev: 'va', index: va, address: '10.52.0.1/24' });
    const [a] = await nl.address.list({ to: '10.52.0.0/16' });
    expect(a).toMatchObject({ dev: 'va', index: va });
    const wrong = await nl.address.del({ ...a, index: vb }).catch((x) => x);
    expect(wrong).toBeInstanceOf(TypeError);
    await nl.address.del(a);
    expect(await nl.address.list({ to: '10.52.0.0/16' })).toEqual([]);
  });
});

describe('address: errors', () => {
  let ns: TestNetns;
  beforeAll(async () => {
    ns = makeNetns();
    await vethPair(ns);
  });
  afterAll(async () => {
    await ns?.close();
  });

  it('refuses bad input before anything is sent', async () => {
    const nl = ns.nl;
    const bad: [unknown, new (...a: any[]) => Error, RegExp][] = [
      [{ dev: 'va', address: '10.0.0.300/24' }, TypeError, /IPv4 or IPv6/],
      [{ dev: 'va', address: '10.0.0.1/33' }, RangeError, /out of range 0..32/],
      [{ dev: 'va', address: '2001:db8::1/129' }, RangeError, /0..128/],
      [{ dev: 'va', address: '10.0.0.1/2x' }, TypeError, /prefix length/],
      [{ dev: 'va', address: 'nonsense' }, TypeError, /address/],
      [{ dev: 'va', address: '10.0.0.1/24', peer: '2001:db8::2' }, TypeError, /peer/],
      [{ dev: 'va', address: '2001:db8::1/64', broadcast: '+' }, TypeError, /IPv4/],
      [{ dev: 'va', address: '10.0.0.1/24', validLft: 10, preferredLft: 20 }, RangeError, /preferredLft/],
      [{ dev: 'va', address: '10.0.0.1/24', validLft: 0 }, RangeError, /validLft/],
      [{ dev: 'va', address: '10.0.0.1/24', scope: 'galaxy' }, TypeError, /scope/],
      [{ dev: 'va', address: '10.0.0.1/24', flags: ['fast'] }, TypeError, /unknown flag/],
      [{ dev: 'va', address: '10.0.0.1/24', label: 'a-label-that-is-too-long' }, RangeError, /label/],
      [{ dev: 'va', address: '10.0.0.1/24', brd: '+' }, TypeError, /unknown option 'brd'/],
      [{ address: '10.0.0.1/24' }, TypeError, /dev/],
      [{ dev: 'a/b', address: '10.0.0.1/24' }, TypeError, /interface name/],
    ];
    for (const [o, cls, re] of bad) {
      const e = await nl.address.add(o as never).catch((x) => x);
      expect(e, JSON.stringify(o)).toBeInstanceOf(cls);
      expect(String(e.message), JSON.stringify(o)).toMatch(re);
    }
    // a flush without any selector is refused, as `ip address flush` refuses it
    await expect(nl.address.flush({})).rejects.toThrow(TypeError);
    await expect(nl.address.flush()).rejects.toThrow(/needs a filter/);
    expect(await nl.address.list({ dev: 'va', family: 'inet' })).toEqual([]);
  });

  it('an unknown link is ENODEV from the name lookup', async () => {
    const e = await ns.nl.address.add({ dev: 'nosuch0', address: '10.0.0.1/24' }).catch((x) => x);
    expect(e).toBeInstanceOf(NetlinkError);
    expect(e).toMatchObject({ code: 'ENODEV', errno: -19, syscall: 'RTM_GETLINK' });
    expect(e.message).toMatch(/nosuch0/);
    const f = await ns.nl.address.list({ dev: 'nosuch0' }).catch((x) => x);
    expect(f).toMatchObject({ code: 'ENODEV' });
  });

  it('kernel refusals carry code, errno, request and extack', async () => {
    const nl = ns.nl;
    await nl.address.add({ dev: 'va', address: '10.1.0.1/24' });
    const e = await nl.address.add({ dev: 'va', address: '10.1.0.1/24' }).catch((x) => x);
    expect(e).toBeInstanceOf(NetlinkError);
    expect(e).toMatchObject({ code: 'EEXIST', errno: -17, syscall: 'RTM_NEWADDR' });
    // an ifindex that does not exist (6.18 also says so in its extended ack)
    const f = await nl.address.add({ dev: 9999, address: '10.2.0.1/24' }).catch((x) => x);
    expect(f).toBeInstanceOf(NetlinkError);
    expect(f).toMatchObject({ code: 'ENODEV', errno: -19, syscall: 'RTM_NEWADDR' });
    // mngtmpaddr wants a /64: the kernel refuses, with its reason in the extended ack
    const g = await nl.address.add({ dev: 'va', address: '2001:db8::1/80', flags: ['mngtmpaddr'] }).catch((x) => x);
    expect(g).toBeInstanceOf(NetlinkError);
    expect(g).toMatchObject({ code: 'EINVAL', errno: -22, syscall: 'RTM_NEWADDR' });
    if (kernelAtLeast(6, 18) || g.extack !== undefined) {
      // 6.18 says why in its extended ack (6.1 sends only the errno)
      expect(g.extack).toMatch(/64/);
      expect(g.message).toContain(g.extack);
    }
  });
});

describe('address: lifetimes', () => {
  it('90 addresses with 1–3 s lifetimes are gone a few seconds later', async () => {
    const ns = makeNetns();
    try {
      const nl = ns.nl;
      await nl.link.set('lo', { up: true });
      // as the kernel's rtnetlink selftest (kci_test_addrlft) does, on lo
      await Promise.all(
        Array.from({ length: 90 }, (_, i) => {
          const lft = 1 + (i % 3);
          return nl.address.add({ dev: 'lo', address: `10.23.11.${i + 10}/32`, preferredLft: lft, validLft: lft + 1 });
        }),
      );
      const before = await nl.address.list({ dev: 'lo', to: '10.23.11.0/24' });
      expect(before).toHaveLength(90);
      expect(before.every((a) => typeof a.validLft === 'number' && a.validLft <= 4)).toBe(true);
      let left = before.length;
      const t0 = Date.now();
      while (left > 0 && Date.now() - t0 < 10_000) {
        await new Promise((r) => setTimeout(r, 250));
        const now = await nl.address.list({ dev: 'lo', to: '10.23.11.0/24' });
        left = now.length;
      }
      expect(left).toBe(0);
      const took = (Date.now() - t0) / 1000;
      console.log(`90 addresses with 2-4 s valid lifetimes: all expired after ${took.toFixed(1)} s`);
      expect((await nl.address.list({ dev: 'lo' })).map((a) => a.address).sort()).toEqual(['127.0.0.1', '::1']);
    } finally {
      await ns.close();
    }
  });

  it('an address past its preferred lifetime is deprecated', async () => {
    const ns = makeNetns();
    try {
      const nl = ns.nl;
      await nl.link.set('lo', { up: true });
      await nl.address.add({ dev: 'lo', address: '2001:db8::5/128', flags: ['nodad'], preferredLft: 1, validLft: 30 });
      const t0 = Date.now();
      let flags: unknown[] = [];
      while (Date.now() - t0 < 8000) {
        await new Promise((r) => setTimeout(r, 250));
        flags = (await nl.address.list({ to: '2001:db8::5/128' }))[0].flags;
        if (flags.includes('deprecated')) break;
      }
      expect(flags).toContain('deprecated');
    } finally {
      await ns.close();
    }
  });
});

describe('address: seeds', () => {
  it.skipIf(!haveIp())('a second loopback-like address: an "alter ego" of 127.0.0.1 on another link is delivered locally (seed 000)', async () => {
    const ns = makeNetns();
    try {
      const nl = ns.nl;
      await nl.link.set('lo', { up: true });
      // The seed uses a dummy interface; where the kernel has none (this one), a veth plays it.
      const made = await nl.link.add({ name: 'dummy0', kind: 'dummy' }).catch((e) => e);
      if (made instanceof NetlinkError && made.code === 'EOPNOTSUPP') await vethPair(ns, 'dummy0', 'dummy0p', false);
      else if (made) throw made;
      await nl.link.set('dummy0', { up: true });
      // `ifconfig dummy vlite; route add vlite`
      await nl.address.add({ dev: 'dummy0', address: '191.72.1.65/32' });
      await nl.route.add({ dst: '191.72.1.65', dev: 'dummy0' });
      expect((await nl.route.list({ dev: 'dummy0', family: 'inet' })).map((r) => `${r.dst} ${r.scope} ${r.protocol}`)).toEqual(['191.72.1.65 link boot']);
      // the kernel marks the address local in the local table…
      const local = await nl.route.list({ table: 'local', family: 'inet', type: 'local' });
      expect(local.map((r) => `${r.dst} ${r.dev}`)).toContain('191.72.1.65 dummy0');
      // …so every datagram for it is delivered through loopback, like 127.0.0.1
      const r = await nl.route.get('191.72.1.65');
      expect(r).toMatchObject({ type: 'local', dev: 'lo', prefsrc: '191.72.1.65' });
      expect(r.cache).toContain('local');
      const [j] = ipJson(ns, 'route', 'get', '191.72.1.65');
      expect(j).toMatchObject({ type: 'local', dev: r.dev, prefsrc: r.prefsrc });
      expect((await nl.route.get('127.0.0.1')).dev).toBe('lo');
    } finally {
      await ns.close();
    }
  });

  it.skipIf(!haveIp())("widening lo's netmask (127.0.0.1/8 → /16 by del+add) sends 127.1.1.1 to the default route (seed 002)", async () => {
    const ns = makeNetns();
    try {
      const nl = ns.nl;
      await nl.link.set('lo', { up: true });
      await vethPair(ns, 'eth0', 'eth0p');
      await nl.link.set('eth0p', { up: true });
      await nl.address.add({ dev: 'eth0', address: '172.16.22.130/24' });
      await nl.route.add({ dst: 'default', via: '172.16.22.2' });
      const before = await nl.route.get('127.1.1.1');
      expect(before).toMatchObject({ type: 'local', dev: 'lo' });

      await nl.address.del({ dev: 'lo', address: '127.0.0.1/8' });
      await nl.address.add({ dev: 'lo', address: '127.0.0.1/16' });
      const [lo4] = await nl.address.list({ dev: 'lo', family: 'inet' });
      expect(lo4).toMatchObject({ address: '127.0.0.1', prefixlen: 16, scope: 'host', label: 'lo' });
      expect(ip(ns, '-4', 'address', 'show', 'dev', 'lo')).toMatch(/inet 127\.0\.0\.1\/16 scope host lo/);

      const after = await nl.route.get('127.1.1.1');
      expect(after).toMatchObject({ type: 'unicast', gateway: '172.16.22.2', dev: 'eth0', prefsrc: '172.16.22.130' });
      const [j] = ipJson(ns, 'route', 'get', '127.1.1.1');
      expect({ gateway: j.gateway, dev: j.dev, prefsrc: j.prefsrc, dst: j.dst }).toEqual({ gateway: after.gateway, dev: after.dev, prefsrc: after.prefsrc, dst: after.dst });
      // the local table now holds 127.0.0.0/16
      const local = (await nl.route.list({ table: 'local', dev: 'lo', family: 'inet' })).map((r) => `${r.type} ${r.dst}`);
      expect(local).toEqual(['local 127.0.0.0/16', 'local 127.0.0.1', 'broadcast 127.0.255.255']);
    } finally {
      await ns.close();
    }
  });
});

describe('address: rates', () => {
  it('10,000 addresses on one link through the promise API', async () => {
    const ns = makeNetns();
    try {
      const nl = ns.nl;
      const index = await vethPair(ns);
      const N = 10_000;
      const addr = (i: number, base: number) => `10.${base + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`;
      // warm-up (JIT), so that the figures are the steady state
      await Promise.all(Array.from({ length: 1000 }, (_, i) => nl.address.add({ dev: index, address: addr(i, 140) })));
      await nl.address.list({ dev: index, family: 'inet' });
      await nl.address.flush({ dev: index, family: 'inet' });

      let t = performance.now();
      await Promise.all(Array.from({ length: N }, (_, i) => nl.address.add({ dev: index, address: addr(i, 100) })));
      const addAll = (performance.now() - t) / 1000;

      t = performance.now();
      const listed = await nl.address.list({ dev: index, family: 'inet' });
      const list = (performance.now() - t) / 1000;
      expect(listed).toHaveLength(N);

      t = performance.now();
      expect(await nl.address.flush({ dev: index, family: 'inet' })).toBe(N);
      const flush = (performance.now() - t) / 1000;

      t = performance.now();
      for (let i = 0; i < N; i++) await nl.address.add({ dev: index, address: addr(i, 120) });
      const addSeq = (performance.now() - t) / 1000;
      expect(await nl.address.list({ dev: index, family: 'inet' })).toHaveLength(N);

      const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')}/s (${s.toFixed(2)} s)`;
      console.log(
        `addresses, 10,000 on one link (after a 1,000-address warm-up): add with Promise.all ${rate(N, addAll)}; add awaited one at a time ${rate(N, addSeq)}; ` +
          `list ${rate(N, list)}; flush ${rate(N, flush)}`,
      );
    } finally {
      await ns.close();
    }
  });
});
