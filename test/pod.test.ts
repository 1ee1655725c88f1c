/**
 * nl.pod: a pod's network in one call and its teardown, checked against the
 * kernel with `ip -j` in both namespaces (each test makes its own).
 */
import { closeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { native } from '../lib/native.js';
import { haveIp, ipJson, withNs, type TestNetns } from './helpers.js';

const podNs = (): { fd: number; path: string; close(): void } => {
  const fd = native.netnsCreate();
  return { fd, path: `/proc/${process.pid}/fd/${fd}`, close: () => closeSync(fd) };
};
const asNs = (p: { fd: number; path: string }) => ({ fd: p.fd, path: p.path }) as unknown as TestNetns;

async function withBridge<T>(fn: (host: TestNetns) => Promise<T>): Promise<T> {
  return withNs(async (host) => {
    await host.nl.link.add({ name: 'cni0', kind: 'bridge', up: true });
    await host.nl.address.add({ dev: 'cni0', address: '10.22.0.1/16' });
    return fn(host);
  });
}

describe.skipIf(!haveIp())('pod', () => {
  it('add: veth on the bridge and up, the pod end renamed, addressed, up, default route; del removes both ends', async () => {
    await withBridge(async (host) => {
      const pod = podNs();
      try {
        const info = await host.nl.pod.add({ netns: { fd: pod.fd }, hostIfname: 'vp0', bridge: 'cni0', address: ['10.22.1.5/16', 'fd00::5/64'], gateway: '10.22.0.1', mtu: 1400 });
        const [h] = ipJson(host, '-d', 'link', 'show', 'vp0');
        expect(h).toMatchObject({ ifname: 'vp0', master: 'cni0', mtu: 1400, linkinfo: { info_kind: 'veth' } });
        expect(h.flags).toContain('UP');
        const links = ipJson(asNs(pod), 'link', 'show');
        const eth0 = links.find((l: any) => l.ifname === 'eth0');
        expect(eth0).toMatchObject({ ifindex: info.index, mtu: 1400 });
        expect(eth0.flags).toContain('UP');
        expect(info).toEqual({ hostIfname: 'vp0', ifname: 'eth0', index: eth0.ifindex });
        const addrs = ipJson(asNs(pod), 'address', 'show', 'dev', 'eth0')[0].addr_info.map((a: any) => `${a.local}/${a.prefixlen}`);
        expect(addrs).toEqual(expect.arrayContaining(['10.22.1.5/16', 'fd00::5/64']));
        expect(ipJson(asNs(pod), 'route', 'show', 'default')).toEqual([expect.objectContaining({ dst: 'default', gateway: '10.22.0.1', dev: 'eth0' })]);
        await host.nl.pod.del('vp0');
        expect(ipJson(host, 'link', 'show').map((l: any) => l.ifname)).not.toContain('vp0');
        expect(ipJson(asNs(pod), 'link', 'show').map((l: any) => l.ifname)).toEqual(['lo']);
      } finally {
        pod.close();
      }
    });
  });

  it('a failing step leaves nothing half made (the pair is deleted again) and says why', async () => {
    await withBridge(async (host) => {
      const pod = podNs();
      try {
        // The gateway is on no prefix of the pod: the route fails after the pair exists.
        const e = await host.nl.pod.add({ netns: { fd: pod.fd }, hostIfname: 'vp1', bridge: 'cni0', address: '10.22.1.6/16', gateway: '192.0.2.1' }).catch((x) => x);
        expect(e).toMatchObject({ code: 'ENETUNREACH', syscall: 'RTM_NEWROUTE', sent: true });
        expect(ipJson(host, 'link', 'show').map((l: any) => l.ifname)).not.toContain('vp1');
        expect(ipJson(asNs(pod), 'link', 'show').map((l: any) => l.ifname)).toEqual(['lo']);
      } finally {
        pod.close();
      }
    });
  });

  it('bad input is refused before anything is sent, naming the field', async () => {
    await withBridge(async (host) => {
      const pod = podNs();
      try {
        const before = host.nl.conn.stats();
        const cases: [unknown, RegExp, ErrorConstructor][] = [
          [{ hostIfname: 'vp2' }, /pod\.netns/, TypeError],
          [{ netns: { fd: pod.fd } }, /pod\.hostIfname/, TypeError],
          [{ netns: { fd: pod.fd }, hostIfname: 'x'.repeat(16) }, /pod\.hostIfname/, RangeError],
          [{ netns: { fd: pod.fd }, hostIfname: 'vp2', address: 'nonsense' }, /pod\.address\[0\]/, TypeError],
          [{ netns: { fd: pod.fd }, hostIfname: 'vp2', gateway: '10.0.0.300' }, /pod\.gateway\[0\]/, TypeError],
          [{ netns: { fd: pod.fd }, hostIfname: 'vp2', gateway: ['10.0.0.1', '10.0.0.2'] }, /pod\.gateway\[1\].*at most one gateway per family/, RangeError],
          [{ netns: { fd: pod.fd }, hostIfname: 'vp2', mtu: 10 }, /pod\.mtu/, RangeError],
          [{ netns: { fd: pod.fd }, hostIfname: 'vp2', bridg: 'cni0' }, /pod: unknown option 'bridg'.*did you mean 'bridge'/, TypeError],
        ];
        for (const [input, re, cls] of cases) {
          const e = await host.nl.pod.add(input as any).catch((x) => x);
          expect(e, JSON.stringify(input)).toBeInstanceOf(cls);
          expect(e.message, JSON.stringify(input)).toMatch(re);
        }
        await expect(host.nl.pod.del(['vp3', 'a/b'])).rejects.toThrow(/hostIfname\[1\]/);
        const after = host.nl.conn.stats();
        expect(after.sent + after.syncSent).toBe(before.sent + before.syncSent);
        expect(ipJson(host, 'link', 'show').map((l: any) => l.ifname).sort()).toEqual(['cni0', 'lo']);
      } finally {
        pod.close();
      }
    });
  });

  it('many pods concurrently, then a bulk teardown: one group delete', async () => {
    await withBridge(async (host) => {
      const pods = Array.from({ length: 12 }, podNs);
      try {
        const infos = await Promise.all(pods.map((p, i) => host.nl.pod.add({ netns: { fd: p.fd }, hostIfname: `vq${i}`, bridge: 'cni0', address: `10.22.2.${i + 2}/16`, gateway: '10.22.0.1' })));
        expect(infos.map((x) => x.hostIfname)).toEqual(pods.map((_, i) => `vq${i}`));
        for (const [i, p] of pods.entries()) {
          const r = ipJson(asNs(p), 'route', 'show', 'default');
          expect(r, `pod ${i}`).toEqual([expect.objectContaining({ gateway: '10.22.0.1', dev: 'eth0' })]);
        }
        expect(ipJson(host, 'link', 'show', 'master', 'cni0')).toHaveLength(12);
        await host.nl.pod.del(pods.map((_, i) => `vq${i}`));
        expect(ipJson(host, 'link', 'show').map((l: any) => l.ifname).sort()).toEqual(['cni0', 'lo']);
        for (const p of pods) expect(ipJson(asNs(p), 'link', 'show').map((l: any) => l.ifname)).toEqual(['lo']);
      } finally {
        for (const p of pods) p.close();
      }
    });
  });
});
