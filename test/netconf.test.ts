import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitor, NetlinkError, type MonitorEvent, type Netconf } from '../lib/index.js';
import { captureAll, captureLib, haveStrace, hex } from './golden.js';
import { clean, haveIp, ip, ipJson, makeNetns, toolEnv, withNs, type TestNetns, why } from './helpers.js';

/** `ip -j [-4|-6] netconf show [dev D]` reshaped into what `netconf.list` returns (the fields ip prints). */
function ipNetconf(ns: TestNetns, ...args: string[]): Record<string, unknown>[] {
  const family = args[0] === '-4' || args[0] === '-6' ? [args.shift()!] : [];
  return (ipJson(ns, ...family, 'netconf', 'show', ...args) as Record<string, any>[]).map((n) =>
    clean({
      family: n.family,
      dev: n.interface,
      forwarding: n.forwarding,
      rpFilter: n.rp_filter,
      mcForwarding: n.mc_forwarding,
      proxyNeigh: n.proxy_neigh,
      ignoreRoutesWithLinkdown: n.ignore_routes_with_linkdown,
    }),
  );
}
/**
 * `ip -4|-6 netconf show dev D` as text: iproute2 6.1 prints that form
 * without JSON even with -j (its single-lookup path has no JSON writer).
 */
function ipNetconfText(ns: TestNetns, family: '-4' | '-6', dev: string): Record<string, unknown>[] {
  const names: Record<string, string> = { rp_filter: 'rpFilter', mc_forwarding: 'mcForwarding', proxy_neigh: 'proxyNeigh', ignore_routes_with_linkdown: 'ignoreRoutesWithLinkdown', forwarding: 'forwarding' };
  return ip(ns, family, 'netconf', 'show', 'dev', dev)
    .trim()
    .split('\n')
    .map((line) => {
      const [fam, d, ...kv] = line.trim().split(/\s+/);
      const o: Record<string, unknown> = { family: fam, dev: d };
      for (let i = 0; i + 1 < kv.length; i += 2) o[names[kv[i]] ?? kv[i]] = kv[i] === 'rp_filter' ? kv[i + 1] : kv[i + 1] === 'on';
      return o;
    });
}

/** What iproute2 6.1 prints of ours (it knows neither input nor bc_forwarding). */
const ours = (l: Netconf[]) => l.map(({ input: _i, bcForwarding: _b, ...rest }) => clean({ ...rest }));

/** Writes a sysctl inside the namespace (`/proc/sys/net` is the namespace's own there). */
function sysctl(ns: TestNetns, key: string, value: string): void {
  execFileSync('nsenter', [`--net=${ns.path}`, 'sh', '-c', `echo ${value} > /proc/sys/net/${key}`], { env: toolEnv() });
}

describe('netconf', () => {
  let ns: TestNetns;
  beforeAll(async () => {
    ns = makeNetns();
    await ns.nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } } });
  });
  afterAll(async () => {
    await ns?.close();
  });

  it('lists every link, all and default, for IPv4 and IPv6', async () => {
    const l = await ns.nl.netconf.list();
    expect(l.map((n) => `${n.family} ${n.dev}`).sort()).toEqual(['inet all', 'inet default', 'inet lo', 'inet va', 'inet vb', 'inet6 all', 'inet6 default', 'inet6 lo', 'inet6 va', 'inet6 vb']);
    const va = l.find((n) => n.family === 'inet' && n.dev === 'va')!;
    expect(va).toMatchObject({ forwarding: false, rpFilter: 'off', mcForwarding: false, proxyNeigh: false, ignoreRoutesWithLinkdown: false });
    expect(l.filter((n) => n.family === 'inet6').every((n) => n.rpFilter === undefined && typeof n.forwarding === 'boolean')).toBe(true);
    expect(ns.nl.sync.netconf.list()).toEqual(l);
  });

  it('reports what sysctl set, as ip netconf shows it', async () => {
    const nl = ns.nl;
    sysctl(ns, 'ipv4/conf/va/forwarding', '1');
    sysctl(ns, 'ipv4/conf/va/rp_filter', '2');
    sysctl(ns, 'ipv4/conf/vb/rp_filter', '1');
    sysctl(ns, 'ipv4/conf/va/proxy_arp', '1');
    sysctl(ns, 'ipv4/conf/va/ignore_routes_with_linkdown', '1');
    sysctl(ns, 'ipv6/conf/va/forwarding', '1');
    sysctl(ns, 'ipv6/conf/va/proxy_ndp', '1');
    expect(await nl.netconf.get({ family: 'inet', dev: 'va' })).toMatchObject({ family: 'inet', dev: 'va', forwarding: true, rpFilter: 'loose', proxyNeigh: true, ignoreRoutesWithLinkdown: true });
    expect(await nl.netconf.get({ family: 'inet', dev: 'vb' })).toMatchObject({ forwarding: false, rpFilter: 'strict', proxyNeigh: false });
    expect(await nl.netconf.get({ family: 'inet6', dev: 'va' })).toMatchObject({ family: 'inet6', dev: 'va', forwarding: true, proxyNeigh: true });
    expect((await nl.netconf.get({ family: 'inet', dev: 'all' })).dev).toBe('all');
    expect((await nl.netconf.get({ family: 'inet6', dev: 'default' })).dev).toBe('default');
    const [va] = await nl.link.list({ name: 'va' });
    expect(await nl.netconf.get({ family: 'inet', dev: va.index })).toEqual(await nl.netconf.get({ family: 'inet', dev: 'va' }));
    if (haveIp()) {
      expect(ours(await nl.netconf.list())).toEqual(ipNetconf(ns));
      expect(ours(await nl.netconf.list({ dev: 'va' }))).toEqual(ipNetconf(ns, 'dev', 'va'));
      expect(ours(await nl.netconf.list({ family: 'inet6' }))).toEqual(ipNetconf(ns, '-6'));
      expect(ours(await nl.netconf.list({ family: 'inet', dev: 'vb' }))).toEqual(ipNetconfText(ns, '-4', 'vb'));
      expect(ours(await nl.netconf.list({ family: 'inet6', dev: 'va' }))).toEqual(ipNetconfText(ns, '-6', 'va'));
    }
  });

  it('a link without IPv6 (MTU below 1280) lists its IPv4 settings only', async () => {
    const nl = ns.nl;
    await nl.link.set('vb', { mtu: 1200 });
    try {
      expect((await nl.netconf.list({ dev: 'vb' })).map((n) => n.family)).toEqual(['inet']);
      const e = await nl.netconf.get({ family: 'inet6', dev: 'vb' }).catch((x) => x);
      expect(e).toBeInstanceOf(NetlinkError);
      expect(e.code).toBe('EINVAL'); // the kernel's answer for a link without an inet6 device
      // asked for by family, the absence is an error
      expect(await nl.netconf.list({ family: 'inet6', dev: 'vb' }).catch((x) => x.code)).toBe('EINVAL');
      if (haveIp()) expect(ours(await nl.netconf.list({ dev: 'vb' }))).toEqual(ipNetconf(ns, 'dev', 'vb'));
    } finally {
      await nl.link.set('vb', { mtu: 1500 });
    }
  });

  it('names missing links and refuses bad input before anything is sent', async () => {
    const nl = ns.nl;
    const e = await nl.netconf.list({ dev: 'nosuch' }).catch((x) => x);
    expect(e).toBeInstanceOf(NetlinkError);
    expect(e.code).toBe('ENODEV');
    const f = await nl.netconf.get({ family: 'inet', dev: 4242 }).catch((x) => x);
    expect(f).toBeInstanceOf(NetlinkError);
    expect(f.code).toBe('ENODEV');
    const bad: [() => Promise<unknown>, new (...a: any[]) => Error, RegExp][] = [
      [() => nl.netconf.list({ family: 'inet4' } as never), TypeError, /filter\.family/],
      [() => nl.netconf.list({ dev: '' }), TypeError, /filter\.dev/],
      [() => nl.netconf.list({ dev: 0 }), RangeError, /filter\.dev/],
      [() => nl.netconf.list({ interface: 'va' } as never), TypeError, /unknown option 'interface'/],
      [() => nl.netconf.list('va' as never), TypeError, /filter must be/],
      [() => nl.netconf.get({ dev: 'va' } as never), TypeError, /netconf\.family is required/],
      [() => nl.netconf.get({ family: 'inet' } as never), TypeError, /netconf\.dev is required/],
      [() => nl.netconf.get({ family: 'inet', dev: 'a/b' }), TypeError, /netconf\.dev/],
    ];
    for (const [call, cls, re] of bad) {
      const { messages, error } = await captureLib(ns, call);
      expect(error, String(call)).toBeInstanceOf(cls);
      expect(String((error as Error).message), String(call)).toMatch(re);
      expect(messages, String(call)).toEqual([]);
    }
    expect(() => nl.sync.netconf.get({ family: 'inet' } as never)).toThrow(TypeError);
  });

  it('a monitor sees netconf changes, decoded as the lists are', async () => {
    const mon = monitor({ netns: { fd: ns.fd }, families: ['netconf'] });
    try {
      sysctl(ns, 'ipv4/conf/va/forwarding', '0');
      let ev: MonitorEvent | undefined;
      for await (const e of mon) {
        if (e.type === 'netconf' && e.data.family === 'inet') {
          ev = e;
          break;
        }
      }
      const [va] = await ns.nl.link.list({ name: 'va' });
      expect(ev).toMatchObject({ type: 'netconf', action: 'new', data: { family: 'inet', dev: va.index, forwarding: false } });
    } finally {
      await mon.close();
    }
  });
});

// Lookups: `ip -4|-6 netconf show dev DEV` (iproute2 sends them with sendto; NLM_F_ACK on both sides).
describe.skipIf(!haveStrace())('netconf: requests against iproute2' + why(!haveStrace(), 'strace cannot run here (not installed, or no ptrace)'), () => {
  const cases: [string[], (ns: TestNetns) => Promise<unknown>][] = [
    [['-4', 'netconf', 'show', 'dev', 'v0'], (ns) => ns.nl.netconf.get({ family: 'inet', dev: 'v0' })],
    [['-6', 'netconf', 'show', 'dev', 'v0'], (ns) => ns.nl.netconf.list({ family: 'inet6', dev: 'v0' })],
    [['netconf', 'show'], (ns) => ns.nl.netconf.list()],
    [['-4', 'netconf', 'show'], (ns) => ns.nl.netconf.list({ family: 'inet' })],
    [['-6', 'netconf', 'show'], (ns) => ns.nl.netconf.list({ family: 'inet6' })],
  ];
  for (const [args, call] of cases)
    it(`ip ${args.join(' ')}`, async () => {
      const prep = (ns: TestNetns) => ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
      const theirs = await withNs(async (ns) => (await prep(ns), captureAll(ns, 'ip', args)));
      const mine = await withNs(async (ns) => (await prep(ns), (await captureLib(ns, () => call(ns))).messages));
      expect(theirs.length).toBeGreaterThan(0);
      expect(mine.map(hex)).toEqual(theirs.map(hex));
    });
});
