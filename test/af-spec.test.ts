/**
 * Per-family link settings (IFLA_AF_SPEC): IPv6 addrgenmode and token set
 * live in a namespace the test made and compared byte for byte with `ip`,
 * and the per-link IPv4/IPv6 devconf decoded on request, checked against the
 * sysctl values of the same namespace.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Handle } from '../lib/index.js';
import { IPV4_DEVCONF, IPV6_DEVCONF } from '../lib/wire/link.js';
import { captureLib, captureTool, haveStrace, hex } from './golden.js';
import { haveIp, toolEnv, withNs, type TestNetns, why } from './helpers.js';

async function veth(nl: Handle): Promise<void> {
  await nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } } });
}

/** Runs a shell command inside the test's namespace (sysctl reads and writes are per namespace). */
function sh(ns: TestNetns, cmd: string): string {
  return execFileSync('nsenter', [`--net=${ns.path}`, 'sh', '-c', cmd], { encoding: 'utf8', env: toolEnv() }).trim();
}

describe('addrgenmode (live)', () => {
  it('link.set addrgenmode none: read back from IFLA_AF_SPEC, and no link-local address appears when the link comes up', async () => {
    await withNs(async (ns) => {
      await veth(ns.nl);
      const before = (await ns.nl.link.list({ name: 'va', afSpec: true }))[0];
      expect(before.afSpec?.inet6?.addrGenMode).toBe('eui64');
      await ns.nl.link.set('va', { addrgenmode: 'none' });
      expect((await ns.nl.link.list({ name: 'va', afSpec: true }))[0].afSpec?.inet6?.addrGenMode).toBe('none');
      await ns.nl.link.set('vb', { addrgenmode: 'random' });
      const all = await ns.nl.link.list({ afSpec: true });
      expect(all.find((l) => l.name === 'vb')?.afSpec?.inet6?.addrGenMode).toBe('random');
      await ns.nl.link.set('va', { up: true });
      await ns.nl.link.set('vb', { up: true });
      // vb (random) gets a link-local address; va (none) gets none
      let vb: unknown[] = [];
      for (let i = 0; i < 100 && !vb.length; i++) {
        vb = await ns.nl.address.list({ dev: 'vb', family: 'inet6' });
        if (!vb.length) await new Promise((r) => setTimeout(r, 10));
      }
      expect(vb.length).toBeGreaterThan(0);
      expect(await ns.nl.address.list({ dev: 'va', family: 'inet6' })).toEqual([]);
      // the kernel refuses it on a link being made (ip link add … addrgenmode: EAFNOSUPPORT): refused before sending
      const { messages, error } = await captureLib(ns, () => ns.nl.link.add({ name: 'vc', kind: 'veth', addrgenmode: 'none', info: { peer: { name: 'vd' } } } as never));
      expect(String(error)).toMatch(/link\.addrgenmode cannot be given to link\.add: .*EAFNOSUPPORT/);
      expect(messages).toEqual([]);
    });
  });

  it('bad modes are refused before sending', async () => {
    await withNs(async (ns) => {
      await veth(ns.nl);
      for (const bad of ['stable', 'EUI64', 'constructor', 1, null]) {
        const { messages, error } = await captureLib(ns, () => ns.nl.link.set('va', { addrgenmode: bad as never }));
        expect(String(error)).toMatch(/changes\.addrgenmode must be one of 'eui64', 'none', 'stable_secret', 'random'/);
        expect(messages).toEqual([]);
      }
    });
  });
});

describe('per-link devconf (IFLA_INET_CONF, IFLA_INET6_CONF)', () => {
  it('only on request; the values are those of sysctl net.ipv4/ipv6.conf.DEV in the same namespace', async () => {
    await withNs(async (ns) => {
      await veth(ns.nl);
      expect((await ns.nl.link.get('va')).afSpec).toBeUndefined();
      expect((await ns.nl.link.list({ name: 'va' }))[0].afSpec).toBeUndefined();
      sh(ns, 'echo 2 > /proc/sys/net/ipv4/conf/va/rp_filter; echo 1 > /proc/sys/net/ipv4/conf/va/forwarding; echo 33 > /proc/sys/net/ipv6/conf/va/hop_limit; echo 2 > /proc/sys/net/ipv6/conf/va/accept_ra');
      const [va] = await ns.nl.link.list({ name: 'va', afSpec: true });
      const v4 = va.afSpec!.inet!.conf!;
      const v6 = va.afSpec!.inet6!.conf!;
      expect(v4).toMatchObject({ rpFilter: 2, forwarding: 1 });
      expect(v6).toMatchObject({ hoplimit: 33, acceptRa: 2 });
      // every name the kernel reports that has a sysctl of the same (lowercase) name agrees with it (read in one shell)
      const sysctls = (fam: 'ipv4' | 'ipv6') =>
        new Map(
          sh(ns, `cd /proc/sys/net/${fam}/conf/va && for f in *; do printf '%s=%s\\n' "$f" "$(cat "$f" 2>/dev/null | head -n 1)"; done`)
            .split('\n')
            .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
        );
      const snake = (c: string) => c.replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`);
      let compared = 0;
      for (const [fam, table, conf] of [['ipv4', IPV4_DEVCONF, v4], ['ipv6', IPV6_DEVCONF, v6]] as const) {
        const values = sysctls(fam);
        for (const [field] of table) {
          const v = values.get(snake(field));
          if (v === undefined || !/^-?\d+$/.test(v) || !(field in conf)) continue;
          // the kernel's arrays are 32-bit; a few sysctls print theirs unsigned (ioam6_id_wide): equal as 32 bits
          expect([field, conf[field] >>> 0]).toEqual([field, Number(v) >>> 0]);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(30);
      // the dump form decodes the same
      const dumped = (await ns.nl.link.list({ afSpec: true, stats: false })).find((l) => l.name === 'va')!;
      expect(dumped.afSpec).toEqual(va.afSpec);
    });
  });
});

describe('ip token', () => {
  it('set, get, list, del (live)', async () => {
    await withNs(async (ns) => {
      await veth(ns.nl);
      expect((await ns.nl.token.get('va')).token).toBe('::');
      await ns.nl.token.set({ dev: 'va', token: '::11:22:33:44/64' });
      expect(await ns.nl.token.get('va')).toMatchObject({ dev: 'va', token: '::11:22:33:44' });
      expect((await ns.nl.token.list()).find((t) => t.dev === 'va')).toMatchObject({ token: '::11:22:33:44' });
      expect((await ns.nl.link.list({ name: 'va', afSpec: true }))[0].afSpec?.inet6?.token).toBe('::11:22:33:44');
      if (haveIp()) expect(sh(ns, 'ip token get dev va')).toBe('token ::11:22:33:44 dev va');
      await ns.nl.token.del('va');
      expect((await ns.nl.token.get('va')).token).toBe('::');
      // the kernel refuses a token on loopback (EINVAL), as for ip
      await expect(ns.nl.token.set({ dev: 'lo', token: '::1' })).rejects.toMatchObject({ code: 'EINVAL' });
    });
  });

  it('refuses bad input before sending', async () => {
    await withNs(async (ns) => {
      await veth(ns.nl);
      const bad: [unknown, RegExp][] = [
        [{ dev: 'va', token: '10.0.0.1' }, /token\.token/],
        [{ dev: 'va', token: '::1/129' }, /token\.token/],
        [{ dev: 'va', token: '::1%va' }, /no zone/],
        [{ dev: 'va' }, /token\.token is required/],
        [{ token: '::1' }, /token\.dev is required/],
        [{ dev: 'va', token: '::1', extra: 1 }, /extra/],
      ];
      for (const [o, re] of bad) {
        const { messages, error } = await captureLib(ns, () => ns.nl.token.set(o as never));
        expect(String(error), JSON.stringify(o)).toMatch(re);
        expect(messages).toEqual([]);
      }
    });
  });
});

describe.skipIf(!haveStrace())('the same bytes as ip (strace)' + why(!haveStrace(), 'strace cannot run here (not installed, or no ptrace)'), () => {
  const cases: { name: string; ip: string[]; lib: (nl: Handle, index: number) => Promise<unknown> }[] = [
    { name: 'ip link set dev va addrgenmode none', ip: ['link', 'set', 'dev', 'va', 'addrgenmode', 'none'], lib: (nl, i) => nl.link.set(i, { addrgenmode: 'none' }) },
    { name: 'ip link set dev va addrgenmode stable_secret', ip: ['link', 'set', 'dev', 'va', 'addrgenmode', 'stable_secret'], lib: (nl, i) => nl.link.set(i, { addrgenmode: 'stable_secret' }) },
    { name: 'ip token set ::1/64 dev va', ip: ['token', 'set', '::1/64', 'dev', 'va'], lib: (nl) => nl.token.set({ dev: 'va', token: '::1/64' }) },
    { name: 'ip token del dev va', ip: ['token', 'del', 'dev', 'va'], lib: (nl) => nl.token.del('va') },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const theirs = await withNs(async (ns) => {
        await veth(ns.nl);
        return captureTool(ns, 'ip', c.ip).messages;
      });
      const ours = await withNs(async (ns) => {
        await veth(ns.nl);
        const index = (await ns.nl.link.get('va')).index;
        return (await captureLib(ns, () => c.lib(ns.nl, index))).messages;
      });
      expect(theirs.length).toBeGreaterThan(0);
      expect(ours.map(hex)).toEqual(theirs.map(hex));
    });
});
