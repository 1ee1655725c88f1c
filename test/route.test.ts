import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetlinkError, type Route } from '../lib/index.js';
import { clean, agree, haveIp, ipJson, makeNetns, type TestNetns } from './helpers.js';

/** `ip -j -d route show …` reshaped into what `route.list` returns. */
function ipRoutes(ns: TestNetns, table: string, family?: '-4' | '-6'): Record<string, unknown>[] {
  // ip leaves the table out when it is the one asked for (or main)
  const dflt = table === 'all' ? 'main' : table;
  return (ipJson(ns, ...(family ? [family] : []), '-d', 'route', 'show', 'table', table) as Record<string, any>[]).map((r) =>
    clean({
      type: r.type,
      dst: r.dst,
      from: r.from ?? r.src,
      table: r.table ?? dflt,
      protocol: r.protocol,
      scope: r.scope,
      metric: r.metric,
      gateway: r.gateway ?? r.via?.host,
      dev: r.dev,
      prefsrc: r.prefsrc,
      flags: r.flags,
      metrics: r.metrics?.[0],
      pref: r.pref,
      nexthops: r.nexthops?.map((n: any) => clean({ gateway: n.gateway ?? n.via?.host, dev: n.dev, weight: n.weight, flags: n.flags })),
    }),
  );
}

function ours(list: Route[]): Record<string, unknown>[] {
  return list.map((r) =>
    clean({
      type: r.type,
      dst: r.dst,
      from: r.from,
      table: String(r.table),
      protocol: String(r.protocol),
      scope: String(r.scope),
      metric: r.metric,
      gateway: r.gateway,
      dev: r.dev,
      prefsrc: r.prefsrc,
      flags: r.flags,
      metrics: r.metrics,
      pref: r.pref,
      nexthops: r.nexthops?.map((n) => clean({ gateway: n.gateway, dev: n.dev, weight: n.weight, flags: n.flags })),
    }),
  );
}

/** The parts of an `ip -j route get` answer, and the same of ours (ip leaves out unicast and main). */
function ipGet(ns: TestNetns, ...args: string[]): Record<string, unknown> {
  const [r] = ipJson(ns, 'route', 'get', ...args);
  return clean({ type: r.type ?? 'unicast', dst: r.dst, table: r.table, gateway: r.gateway ?? r.via?.host, dev: r.dev, prefsrc: r.prefsrc, mark: r.mark, uid: r.uid, cache: r.cache, flags: r.flags });
}
function ourGet(r: Route): Record<string, unknown> {
  // ip prints no table for main (nor for 0, the answer when oif forces the link)
  return clean({ type: r.type, dst: r.dst, table: r.table === 'main' || r.table === 0 ? undefined : String(r.table), gateway: r.gateway, dev: r.dev, prefsrc: r.prefsrc, mark: r.mark, uid: r.uid, cache: r.cache, flags: r.flags });
}

/** A namespace with lo up and a veth pair va/vb up, va holding 10.0.0.1/24 and 2001:db8::1/64. */
async function topology(): Promise<TestNetns> {
  const ns = makeNetns();
  const nl = ns.nl;
  await nl.link.set('lo', { up: true });
  await nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } } });
  await nl.link.set('va', { up: true });
  await nl.link.set('vb', { up: true });
  await nl.address.add({ dev: 'va', address: '10.0.0.1/24' });
  await nl.address.add({ dev: 'va', address: '2001:db8::1/64', flags: ['nodad'] });
  await nl.address.add({ dev: 'vb', address: '10.0.1.1/24' });
  return ns;
}

describe('route', () => {
  let ns: TestNetns;
  beforeAll(async () => {
    ns = await topology();
  });
  afterAll(async () => {
    await ns?.close();
  });

  it('round-trips IPv4 routes: what was set lists back equal', async () => {
    const nl = ns.nl;
    await nl.route.add({ dst: '10.1.0.0/24', via: '10.0.0.254', metric: 5, metrics: { mtu: 1400, advmss: 1300, rtt: 10, hoplimit: 10, lock: ['mtu'] } });
    await nl.route.add({ dst: '10.2.0.0/24', nexthops: [{ via: '10.0.0.253', weight: 2 }, { via: '10.0.1.252', dev: 'vb' }] });
    await nl.route.add({ dst: '10.3.0.0/24', type: 'blackhole' });
    await nl.route.add({ dst: '10.3.1.0/24', type: 'unreachable' });
    await nl.route.add({ dst: '10.3.2.0/24', type: 'prohibit' });
    await nl.route.add({ dst: '10.3.3.0/24', type: 'throw', table: 100 });
    await nl.route.add({ dst: '10.4.0.0/24', via: '2001:db8::2', dev: 'va' });
    await nl.route.add({ dst: '10.5.0.0/16', dev: 'va', table: 1000, protocol: 'static', src: '10.0.0.1', scope: 'link' });
    await nl.route.add({ dst: '10.6.0.0/24', via: '192.168.77.1', dev: 'va', onlink: true, protocol: 'bird', tos: 0x10 });
    await nl.route.add({ dst: '10.7.0.7', dev: 'vb', table: 'default', realm: 3 });
    await nl.route.add({ dst: 'default', via: '10.0.0.254', table: 200 });
    await nl.route.add({ dst: '192.0.2.0/24', type: 'local', dev: 'lo' }); // table local by default, as `ip route add local`

    const all = await nl.route.list({ table: 'all', family: 'inet' });
    const by = (dst: string, table: unknown = 'main') => all.find((r) => r.dst === dst && r.table === table)!;
    expect(by('10.1.0.0/24')).toMatchObject({ family: 'inet', type: 'unicast', gateway: '10.0.0.254', dev: 'va', metric: 5, protocol: 'boot', scope: 'global' });
    expect(by('10.1.0.0/24').metrics).toEqual({ lock: ['mtu'], mtu: 1400, advmss: 1300, rtt: 10, hoplimit: 10 });
    expect(by('10.2.0.0/24').nexthops).toMatchObject([
      { gateway: '10.0.0.253', dev: 'va', weight: 2 },
      { gateway: '10.0.1.252', dev: 'vb', weight: 1 },
    ]);
    expect(by('10.3.0.0/24').type).toBe('blackhole');
    expect(by('10.3.1.0/24').type).toBe('unreachable');
    expect(by('10.3.2.0/24').type).toBe('prohibit');
    expect(by('10.3.3.0/24', 100).type).toBe('throw');
    expect(by('10.4.0.0/24')).toMatchObject({ gateway: '2001:db8::2', dev: 'va' });
    expect(by('10.5.0.0/16', 1000)).toMatchObject({ dev: 'va', protocol: 'static', prefsrc: '10.0.0.1', scope: 'link' });
    expect(by('10.6.0.0/24')).toMatchObject({ gateway: '192.168.77.1', protocol: 'bird', tos: 0x10 });
    expect(by('10.6.0.0/24').flags).toContain('onlink');
    expect(by('10.7.0.7', 'default')).toMatchObject({ dev: 'vb', scope: 'link', realm: 3 });
    expect(by('default', 200)).toMatchObject({ gateway: '10.0.0.254', dev: 'va' });
    expect(by('192.0.2.0/24', 'local')).toMatchObject({ type: 'local', dev: 'lo', scope: 'host' });
  });

  it('round-trips IPv6 routes', async () => {
    const nl = ns.nl;
    await nl.route.add({ dst: '2001:db8:1::/64', via: '2001:db8::3' });
    await nl.route.add({ dst: '2001:db8:2::/64', nexthops: [{ via: '2001:db8::4', dev: 'va' }, { via: '2001:db8::5', dev: 'va', weight: 3 }] });
    await nl.route.add({ dst: '2001:db8:3::/48', dev: 'va', metric: 77, pref: 'high', table: 100, metrics: { mtu: 1350 } });
    await nl.route.add({ dst: '2001:db8:4::/64', type: 'blackhole', protocol: 'static' });
    await nl.route.add({ dst: '2001:db8:5::/64', via: '2001:db8::6', expires: 300 });
    await nl.route.add({ dst: 'default', via: 'fe80::1', dev: 'va' });
    const all = await nl.route.list({ table: 'all', family: 'inet6' });
    const by = (dst: string, table: unknown = 'main') => all.find((r) => r.dst === dst && r.table === table)!;
    expect(by('2001:db8:1::/64')).toMatchObject({ family: 'inet6', gateway: '2001:db8::3', dev: 'va', metric: 1024, protocol: 'boot', pref: 'medium' });
    expect(by('2001:db8:2::/64').nexthops).toMatchObject([
      { gateway: '2001:db8::4', dev: 'va', weight: 1 },
      { gateway: '2001:db8::5', dev: 'va', weight: 3 },
    ]);
    expect(by('2001:db8:3::/48', 100)).toMatchObject({ dev: 'va', metric: 77, pref: 'high', metrics: { mtu: 1350 } });
    expect(by('2001:db8:4::/64')).toMatchObject({ type: 'blackhole', protocol: 'static' });
    expect(by('2001:db8:5::/64').expires).toBeGreaterThan(290);
    expect(by('2001:db8:5::/64').expires).toBeLessThanOrEqual(300);
    expect(by('default')).toMatchObject({ gateway: 'fe80::1', dev: 'va' });
  });

  it.skipIf(!haveIp())('lists what `ip -j -d route show table all` shows', async () => {
    const strip = (l: Record<string, unknown>[]) =>
      l.map((r) => {
        // ip prints locked metrics its own way; compare the rest
        const m = r.metrics as Record<string, unknown> | undefined;
        if (m) delete m.lock;
        return r;
      });
    const [a, b] = await agree(async () => strip(ours(await ns.nl.route.list({ table: 'all' }))), () => strip(ipRoutes(ns, 'all')));
    expect(a).toEqual(b);
    expect(ours(await ns.nl.route.list({ table: 'local', family: 'inet' }))).toEqual(ipRoutes(ns, 'local', '-4'));
    expect(ours(await ns.nl.route.list({ table: 100, family: 'inet6' }))).toEqual(ipRoutes(ns, '100', '-6'));
  });

  it('filters in the kernel: table, protocol, type, link; scope and family here', async () => {
    const nl = ns.nl;
    const main = await nl.route.list();
    expect(main.every((r) => r.table === 'main')).toBe(true);
    expect(main.some((r) => r.family === 'inet6') && main.some((r) => r.family === 'inet')).toBe(true);
    expect((await nl.route.list({ table: 100 })).map((r) => r.dst).sort()).toEqual(['10.3.3.0/24', '2001:db8:3::/48']);
    expect((await nl.route.list({ table: 1000, family: 'inet' })).map((r) => r.dst)).toEqual(['10.5.0.0/16']);
    expect(await nl.route.list({ table: 4242, family: 'inet' })).toEqual([]); // a table that does not exist
    expect(await nl.route.list({ table: 4242 })).toEqual([]);
    expect((await nl.route.list({ protocol: 'static', table: 'all' })).map((r) => r.dst).sort()).toEqual(['10.5.0.0/16', '2001:db8:4::/64']);
    expect((await nl.route.list({ type: 'blackhole' })).map((r) => r.dst).sort()).toEqual(['10.3.0.0/24', '2001:db8:4::/64']);
    expect((await nl.route.list({ dev: 'vb', family: 'inet' })).map((r) => r.dst).sort()).toEqual(['10.0.1.0/24', '10.2.0.0/24']); // ECMP uses vb too
    expect((await nl.route.list({ scope: 'link', family: 'inet' })).every((r) => r.scope === 'link')).toBe(true);
    expect((await nl.route.list({ table: 'local', type: 'local', family: 'inet', dev: 'va' })).map((r) => r.dst)).toEqual(['10.0.0.1']);
    // protocol and type 0 filter exactly (the kernel takes 0 for "any": it used to list every route)
    expect(await nl.route.list({ protocol: 'unspec', table: 'all' })).toEqual([]);
    expect(await nl.route.list({ type: 'unspec', table: 'all' })).toEqual([]);
  });

  it('streams the dump and runs synchronously', async () => {
    const stream = async () => {
      const out: Route[] = [];
      for await (const r of ns.nl.route.stream({ table: 'all' })) out.push(r);
      return out;
    };
    // (the kernel may add a link-local route between two dumps: retry until two agree)
    let streamed: Route[] = [];
    let listed: Route[] = [];
    for (let i = 0; i < 20; i++) {
      streamed = await stream();
      listed = await ns.nl.route.list({ table: 'all' });
      if (JSON.stringify(streamed) === JSON.stringify(listed)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(streamed).toEqual(listed);
    expect(ns.nl.sync.route.stream({ table: 'all' })).toEqual(listed);
    expect(ns.nl.sync.route.stream({ table: 100 })).toEqual(listed.filter((r) => r.table === 100));
  });

  it.skipIf(!haveIp())('route.get answers as `ip -j route get` does', async () => {
    const nl = ns.nl;
    const queries: [string, Record<string, unknown>, string[]][] = [
      ['10.1.0.5', {}, []],
      ['10.0.0.7', {}, []],
      ['10.0.0.1', {}, []],
      ['127.0.0.1', {}, []],
      ['10.4.0.9', {}, []],
      ['10.2.0.9', {}, []],
      ['10.7.9.9', { oif: 'vb' }, ['oif', 'vb']],
      ['10.1.0.5', { from: '10.0.0.1' }, ['from', '10.0.0.1']],
      ['10.0.0.1', { from: '10.0.1.9', iif: 'vb' }, ['from', '10.0.1.9', 'iif', 'vb']],
      ['2001:db8:1::9', {}, []],
      ['2001:db8::1', {}, []],
      ['2001:db8:2::9', {}, []],
      ['10.1.0.5', { mark: 7, uid: 1000 }, ['mark', '7', 'uid', '1000']],
      ['10.1.0.5', { ipproto: 'tcp', sport: 1234, dport: 80 }, ['ipproto', 'tcp', 'sport', '1234', 'dport', '80']],
    ];
    for (const [dst, o, args] of queries) {
      const r = await nl.route.get(dst, o);
      expect(ourGet(r), `${dst} ${args.join(' ')}`).toEqual(ipGet(ns, dst, ...args));
    }
    // fibmatch answers with the route entry itself
    const fm = await nl.route.get('10.1.0.5', { fibmatch: true });
    expect(fm).toMatchObject({ dst: '10.1.0.0/24', gateway: '10.0.0.254', metric: 5 });
    // a blackhole answers EINVAL, as `ip route get` reports
    const e = await nl.route.get('10.3.0.1').catch((x) => x);
    expect(e).toBeInstanceOf(NetlinkError);
    expect(e).toMatchObject({ code: 'EINVAL', syscall: 'RTM_GETROUTE' });
    const u = await nl.route.get('10.3.1.1').catch((x) => x);
    expect(u).toMatchObject({ code: 'EHOSTUNREACH' });
    expect((await nl.route.get('10.0.0.1', { from: '10.0.1.9', iif: 'vb' })).iifDev).toBe('vb');
    expect(nl.sync.route.get('10.1.0.5')).toEqual(await nl.route.get('10.1.0.5'));
  });

  it('replace, append and del', async () => {
    const nl = ns.nl;
    await nl.route.replace({ dst: '10.1.0.0/24', via: '10.0.0.250', metric: 5 });
    expect((await nl.route.list({ family: 'inet' })).find((r) => r.dst === '10.1.0.0/24')).toMatchObject({ gateway: '10.0.0.250' });
    await nl.route.append({ dst: '10.1.0.0/24', via: '10.0.0.251', metric: 5 });
    const two = (await nl.route.list({ family: 'inet' })).filter((r) => r.dst === '10.1.0.0/24');
    expect(two.map((r) => r.gateway)).toEqual(['10.0.0.250', '10.0.0.251']);
    await nl.route.del({ dst: '10.1.0.0/24', via: '10.0.0.251' });
    expect((await nl.route.list({ family: 'inet' })).filter((r) => r.dst === '10.1.0.0/24').map((r) => r.gateway)).toEqual(['10.0.0.250']);
    const e = await nl.route.add({ dst: '10.1.0.0/24', via: '10.0.0.249', metric: 5 }).catch((x) => x);
    expect(e).toMatchObject({ code: 'EEXIST', errno: -17, syscall: 'RTM_NEWROUTE' });
    // a listed route deletes itself, v4 and v6, ECMP included
    const listed = (await nl.route.list({ table: 'all' })).filter((r) => ['10.2.0.0/24', '10.4.0.0/24', '2001:db8:2::/64', '10.5.0.0/16', '192.0.2.0/24'].includes(r.dst));
    expect(listed).toHaveLength(5);
    for (const r of listed) await nl.route.del(r);
    const after = (await nl.route.list({ table: 'all' })).map((r) => r.dst);
    for (const r of listed) expect(after).not.toContain(r.dst);
    const f = await nl.route.del({ dst: '10.99.0.0/24' }).catch((x) => x);
    expect(f).toMatchObject({ code: 'ESRCH', syscall: 'RTM_DELROUTE' });
  });

  it('flushes by filter', async () => {
    const nl = ns.nl;
    expect(await nl.route.flush({ table: 100 })).toBe(2);
    expect(await nl.route.list({ table: 100 })).toEqual([]);
    expect(await nl.route.flush({ type: 'blackhole' })).toBe(2); // 10.3.0.0/24 and 2001:db8:4::/64
    const boot = await nl.route.list({ protocol: 'boot', table: 'all' });
    expect(boot.length).toBeGreaterThan(0);
    expect(await nl.route.flush({ protocol: 'boot', table: 'all' })).toBe(boot.length);
    expect(await nl.route.list({ protocol: 'boot', table: 'all' })).toEqual([]);
    // kernel routes are still there
    expect((await nl.route.list({ family: 'inet' })).map((r) => `${r.dst} ${r.protocol}`).sort()).toEqual(['10.0.0.0/24 kernel', '10.0.1.0/24 kernel', '10.6.0.0/24 bird']);
    // a filter that names only a family selects every route of main: it needs the explicit word (issue 14)
    await expect(nl.route.flush({ family: 'inet' })).rejects.toThrow(/filter\.all: true/);
    expect(await nl.route.flush({ family: 'inet', all: true })).toBe(3);
    expect(await nl.route.list({ family: 'inet' })).toEqual([]);
    expect((await nl.route.list({ table: 'local', family: 'inet' })).length).toBeGreaterThan(0); // main only
  });

  it('dev and oif given together must name the same link (issue 14)', async () => {
    const nl = ns.nl;
    const va = (await nl.link.get('va')).index;
    const vb = (await nl.link.get('vb')).index;
    const e = await nl.route.add({ dst: '10.77.0.0/24', dev: 'va', oif: vb }).catch((x) => x);
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(new RegExp(`route\\.oif ${vb} and route\\.dev "va" \\(index ${va}\\) name different links`));
    const f = await nl.route.add({ dst: '10.77.0.0/24', nexthops: [{ dev: 'vb', oif: va }] }).catch((x) => x);
    expect(f).toBeInstanceOf(TypeError);
    expect(f.message).toMatch(/route\.nexthops\[0\]\.oif/);
    expect((await nl.route.list({ table: 'all' })).map((r) => r.dst)).not.toContain('10.77.0.0/24');
    await nl.route.add({ dst: '10.77.0.0/24', dev: 'va', oif: va });
    const [r] = (await nl.route.list({ family: 'inet' })).filter((x) => x.dst === '10.77.0.0/24');
    expect(r).toMatchObject({ dev: 'va', oif: va });
    await nl.route.del(r); // a listed route carries both
    expect((await nl.route.list({ family: 'inet' })).map((x) => x.dst)).not.toContain('10.77.0.0/24');
  });
});

describe('route: the local table', () => {
  it.skipIf(!haveIp())('addresses marked local are delivered through loopback', async () => {
    const ns = await topology();
    try {
      const nl = ns.nl;
      const local = await nl.route.list({ table: 'local', family: 'inet' });
      const lines = local.map((r) => `${r.type} ${r.dst} dev ${r.dev} scope ${r.scope} src ${r.prefsrc}`);
      expect(lines).toEqual([
        'local 10.0.0.1 dev va scope host src 10.0.0.1',
        'broadcast 10.0.0.255 dev va scope link src 10.0.0.1',
        'local 10.0.1.1 dev vb scope host src 10.0.1.1',
        'broadcast 10.0.1.255 dev vb scope link src 10.0.1.1',
        'local 127.0.0.0/8 dev lo scope host src 127.0.0.1',
        'local 127.0.0.1 dev lo scope host src 127.0.0.1',
        'broadcast 127.255.255.255 dev lo scope link src 127.0.0.1',
      ]);
      expect(local.every((r) => r.protocol === 'kernel' && r.table === 'local')).toBe(true);
      // a packet for a local address, whichever link holds it, leaves through lo
      for (const a of ['10.0.0.1', '10.0.1.1', '127.0.0.1', '127.8.8.8', '2001:db8::1']) {
        const r = await nl.route.get(a);
        expect(r, a).toMatchObject({ type: 'local', dev: 'lo' });
        expect(ourGet(r)).toEqual(ipGet(ns, a));
      }
      expect(ours(local)).toEqual(ipRoutes(ns, 'local', '-4'));
    } finally {
      await ns.close();
    }
  });
});

describe('route: errors', () => {
  let ns: TestNetns;
  beforeAll(async () => {
    ns = await topology();
  });
  afterAll(async () => {
    await ns?.close();
  });

  it('refuses bad input before anything is sent', async () => {
    const nl = ns.nl;
    // The kernel adds IPv6 local routes by itself when DAD completes: compare the rest.
    const mine = async () => (await nl.route.list({ table: 'all' })).filter((r) => r.protocol !== 'kernel');
    const before = await mine();
    const bad: [unknown, new (...a: any[]) => Error, RegExp][] = [
      [{ dst: '10.1.0.0/33', via: '10.0.0.2' }, RangeError, /0\.\.32/],
      [{ dst: '2001:db8::/129' }, RangeError, /0\.\.128/],
      [{ dst: '10.1.0.0/x' }, TypeError, /prefix length/],
      [{ dst: '10.1.0.256/24' }, TypeError, /IPv4 or IPv6/],
      [{ dst: 'nowhere' }, TypeError, /IPv4 or IPv6/],
      [{ via: '10.0.0.2' }, TypeError, /dst is required/],
      [{ dst: '2001:db8:9::/64', via: '10.0.0.2' }, TypeError, /family mismatch/],
      [{ dst: '10.1.0.0/24', src: '2001:db8::1', dev: 'va' }, TypeError, /family mismatch/],
      [{ dst: '10.1.0.0/24', via: '10.0.0.2', family: 'inet6' }, TypeError, /family/],
      [{ dst: '10.1.0.0/24', via: 'not-an-ip' }, TypeError, /IPv4 or IPv6/],
      [{ dst: '10.1.0.0/24', dev: 'va', table: 0 }, RangeError, /table/],
      [{ dst: '10.1.0.0/24', dev: 'va', table: -1 }, RangeError, /table/],
      [{ dst: '10.1.0.0/24', dev: 'va', table: 2 ** 32 }, RangeError, /table/],
      [{ dst: '10.1.0.0/24', dev: 'va', table: 1.5 }, RangeError, /table/],
      [{ dst: '10.1.0.0/24', dev: 'va', table: 'bogus' }, TypeError, /table/],
      [{ dst: '10.1.0.0/24', dev: 'va', type: 'teleport' }, TypeError, /type/],
      [{ dst: '10.1.0.0/24', dev: 'va', protocol: 'carrier-pigeon' }, TypeError, /protocol/],
      [{ dst: '10.1.0.0/24', dev: 'va', scope: 1000 }, RangeError, /scope/],
      [{ dst: '10.1.0.0/24', dev: 'va', metric: -1 }, RangeError, /metric/],
      [{ dst: '10.1.0.0/24', dev: 'va', metrics: { mtu: 'big' } }, TypeError, /mtu/],
      [{ dst: '10.1.0.0/24', dev: 'va', metrics: { mss: 1 } }, TypeError, /route\.metrics: unknown option 'mss'/],
      [{ dst: '10.1.0.0/24', via: '10.0.0.2', nexthops: [{ via: '10.0.0.3' }] }, TypeError, /nexthops/],
      [{ dst: '10.1.0.0/24', nexthops: [{ via: '10.0.0.3', weight: 0 }] }, RangeError, /weight/],
      [{ dst: '10.1.0.0/24', nexthops: [] }, RangeError, /nexthops/], // an empty list is a wrong size (was a TypeError)
      [{ dst: '10.1.0.0/24', dev: 'va', pref: 'high' }, TypeError, /IPv6/],
      [{ dst: '10.1.0.0/24', gw: '10.0.0.2' }, TypeError, /unknown option 'gw'/],
      [{ dst: '10.1.0.0/24', via: '10.0.0.2', gateway: '10.0.0.3' }, TypeError, /give one/],
      [{ dst: '10.1.0.0/24', dev: 'has space' }, TypeError, /interface name/],
    ];
    for (const [o, cls, re] of bad) {
      const e = await nl.route.add(o as never).catch((x) => x);
      expect(e, JSON.stringify(o)).toBeInstanceOf(cls);
      expect(String(e.message), JSON.stringify(o)).toMatch(re);
    }
    for (const [d, o, cls] of [
      ['10.0.0.300', {}, TypeError],
      ['10.0.0.0/24', {}, TypeError],
      ['10.0.0.1', { from: '2001:db8::1' }, TypeError],
      ['10.0.0.1', { mark: -1 }, RangeError],
      ['10.0.0.1', { sport: 70000 }, RangeError],
      ['10.0.0.1', { ipproto: 'smtp' }, TypeError],
      ['10.0.0.1', { color: 'red' }, TypeError],
    ] as const) {
      const e = await nl.route.get(d, o as never).catch((x) => x);
      expect(e, `${d} ${JSON.stringify(o)}`).toBeInstanceOf(cls);
    }
    for (const f of [{ table: 'bogus' }, { family: 'ipx' }, { type: 'x' }, { proto: 'boot' }]) {
      const e = await nl.route.list(f as never).catch((x) => x);
      expect(e, JSON.stringify(f)).toBeInstanceOf(TypeError);
    }
    await expect(nl.route.flush({})).rejects.toThrow(/needs a filter/);
    expect(await mine()).toEqual(before);
  });

  it('an unknown link is ENODEV from the name lookup, before the route is sent', async () => {
    const nl = ns.nl;
    for (const o of [
      { dst: '10.1.0.0/24', dev: 'nosuch0' },
      { dst: '10.1.0.0/24', nexthops: [{ via: '10.0.0.2', dev: 'va' }, { via: '10.0.0.3', dev: 'nosuch1' }] },
    ]) {
      const e = await nl.route.add(o).catch((x) => x);
      expect(e).toBeInstanceOf(NetlinkError);
      expect(e).toMatchObject({ code: 'ENODEV', errno: -19, syscall: 'RTM_GETLINK' });
      expect(e.message).toMatch(/nosuch/);
    }
    expect(await nl.route.get('10.0.0.5', { oif: 'nosuch0' }).catch((x) => x.code)).toBe('ENODEV');
    expect(await nl.route.list({ dev: 'nosuch0' }).catch((x) => x.code)).toBe('ENODEV');
    expect((await nl.route.list({ family: 'inet' })).map((r) => r.dst)).not.toContain('10.1.0.0/24');
  });

  it('kernel refusals carry code, errno, request and extack', async () => {
    const nl = ns.nl;
    const e = await nl.route.add({ dst: '10.1.0.0/24', via: '10.99.0.1' }).catch((x) => x);
    expect(e).toBeInstanceOf(NetlinkError);
    expect(e).toMatchObject({ code: 'ENETUNREACH', errno: -101, syscall: 'RTM_NEWROUTE' });
    expect(e.extack).toMatch(/gateway/i);
    const f = await nl.route.add({ dst: '10.1.0.0/24', dev: 9999 }).catch((x) => x);
    expect(f).toMatchObject({ code: 'ENODEV', syscall: 'RTM_NEWROUTE' });
    const g = await nl.route.add({ dst: '2001:db8:7::/64', via: '2001:db8:99::1' }).catch((x) => x);
    expect(g).toMatchObject({ code: 'EHOSTUNREACH', errno: -113, syscall: 'RTM_NEWROUTE' });
    const h = await nl.route.add({ dst: '2001:db8:7::/64', via: 'fe80::1' }).catch((x) => x);
    expect(h).toMatchObject({ code: 'EINVAL', syscall: 'RTM_NEWROUTE', extack: 'Egress device not specified' });
    const i = await nl.route.add({ dst: '10.1.0.0/24', dev: 'va', metrics: { ccAlgo: 'no-such-algo' } }).catch((x) => x);
    expect(i).toMatchObject({ code: 'EINVAL', extack: 'Unknown tcp congestion algorithm' });
    expect(i.message).toMatch(/RTM_NEWROUTE failed: EINVAL: Unknown tcp congestion algorithm/);
  });
});

describe('route: rates', () => {
  it('10,000 routes added (Promise.all) and listed back with the right count', async () => {
    const ns = await topology();
    try {
      const nl = ns.nl;
      const index = (await nl.link.get('va')).index;
      const N = 10_000;
      const dst = (i: number, base: number) => `${base + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`;
      // warm-up (JIT), so that the figures are the steady state
      await Promise.all(Array.from({ length: 1000 }, (_, i) => nl.route.add({ dst: dst(i, 60), via: '10.0.0.2', dev: index })));
      await nl.route.list({ family: 'inet', protocol: 'boot' });
      await nl.route.flush({ family: 'inet', protocol: 'boot' });

      let t = performance.now();
      await Promise.all(Array.from({ length: N }, (_, i) => nl.route.add({ dst: dst(i, 20), via: '10.0.0.2', dev: index })));
      const addAll = (performance.now() - t) / 1000;

      t = performance.now();
      const listed = await nl.route.list({ family: 'inet', protocol: 'boot' });
      const list = (performance.now() - t) / 1000;
      expect(listed).toHaveLength(N);
      expect(listed.every((r) => r.gateway === '10.0.0.2' && r.dev === 'va')).toBe(true);

      t = performance.now();
      expect(await nl.route.flush({ family: 'inet', protocol: 'boot' })).toBe(N);
      const flush = (performance.now() - t) / 1000;

      t = performance.now();
      for (let i = 0; i < N; i++) await nl.route.add({ dst: dst(i, 40), via: '10.0.0.2', dev: index });
      const addSeq = (performance.now() - t) / 1000;
      expect(await nl.route.list({ family: 'inet', protocol: 'boot' })).toHaveLength(N);

      t = performance.now();
      await Promise.all(Array.from({ length: N }, (_, i) => nl.route.add({ dst: `2001:db8:${(i >> 8).toString(16)}:${(i & 255).toString(16)}::/64`, via: '2001:db8::2', dev: index })));
      const add6 = (performance.now() - t) / 1000;
      t = performance.now();
      const listed6 = await nl.route.list({ family: 'inet6', protocol: 'boot' });
      const list6 = (performance.now() - t) / 1000;
      expect(listed6).toHaveLength(N);

      const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')}/s (${s.toFixed(2)} s)`;
      console.log(
        `routes, 10,000 IPv4 (after a 1,000-route warm-up): add with Promise.all ${rate(N, addAll)}; add awaited one at a time ${rate(N, addSeq)}; ` +
          `list ${rate(N, list)}; flush ${rate(N, flush)}. IPv6: add with Promise.all ${rate(N, add6)}; list ${rate(N, list6)}`,
      );
    } finally {
      await ns.close();
    }
  });
});
