/**
 * TUN/TAP: devices made inside a namespace the test made (never the
 * machine's), their kernel state compared with what `ip tuntap add` makes,
 * and a tap's frames read and written through the stream while the kernel
 * sends and receives UDP over it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeSync, existsSync, openSync } from 'node:fs';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { netns, type Handle, type TunStream } from '../lib/index.js';
import { haveIp, inInitialUserns, toolEnv } from './helpers.js';

/** Why /dev/net/tun cannot be used here (missing, or not ours to open: a rootless run), or undefined. */
function tunMissing(): string | undefined {
  if (!existsSync('/dev/net/tun')) return '/dev/net/tun is missing';
  try {
    closeSync(openSync('/dev/net/tun', 'r+'));
    return undefined;
  } catch (e) {
    return `/dev/net/tun cannot be opened here (${(e as NodeJS.ErrnoException).code}; rootless: the device belongs to the real root)`;
  }
}
const why = tunMissing();

async function withNetns<T>(fn: (ns: netns.Netns, nl: Handle) => Promise<T>): Promise<T> {
  const ns = await netns.create();
  const nl = ns.open();
  try {
    return await fn(ns, nl);
  } finally {
    await nl.close();
    await ns.close();
  }
}

/** Reads frames from a stream until `pick` accepts one (or times out). */
async function frameWhere(s: TunStream, pick: (f: Buffer) => boolean, ms = 5000): Promise<Buffer> {
  const seen: string[] = [];
  return await new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => {
      s.off('data', on);
      reject(new Error(`no matching frame within ${ms} ms; saw ${seen.length}: ${seen.slice(0, 5).join(' | ')}`));
    }, ms);
    const on = (f: Buffer) => {
      if (pick(f)) {
        clearTimeout(timer);
        s.off('data', on);
        s.pause();
        resolve(f);
      } else seen.push(f.subarray(0, 20).toString('hex'));
    };
    s.on('data', on);
  });
}

const mac = (s: string) => Buffer.from(s.split(':').map((x) => parseInt(x, 16)));
const ETH_IPV4 = 0x0800;

/** The 16-bit ones' complement sum of an IPv4 header. */
function ipChecksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < h.length; i += 2) sum += h.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** An Ethernet frame carrying an IPv4 UDP datagram (UDP checksum 0: none, allowed over IPv4). */
function udpFrame(dstMac: Buffer, srcMac: Buffer, src: string, dst: string, sport: number, dport: number, payload: Buffer): Buffer {
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(sport, 0);
  udp.writeUInt16BE(dport, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 17;
  Buffer.from(src.split('.').map(Number)).copy(ip, 12);
  Buffer.from(dst.split('.').map(Number)).copy(ip, 16);
  ip.writeUInt16BE(ipChecksum(ip), 10);
  const eth = Buffer.alloc(14);
  dstMac.copy(eth, 0);
  srcMac.copy(eth, 6);
  eth.writeUInt16BE(ETH_IPV4, 12);
  return Buffer.concat([eth, ip, udp, payload]);
}

describe.skipIf(why !== undefined)(`tuntap (${why ?? '/dev/net/tun usable'})`, () => {
  it('a tap is the far end of a link in userspace: the kernel sends UDP to it, a frame written back reaches a socket', async () => {
    await withNetns(async (ns, nl) => {
      const tap = await nl.tuntap.open({ name: 'tap0', mode: 'tap' });
      try {
        expect(tap.name).toBe('tap0');
        // born in the test's namespace, not the machine's
        expect(existsSync('/sys/class/net/tap0')).toBe(false);
        const link = await nl.link.get('tap0');
        expect(link).toMatchObject({ kind: 'tun', info: { type: 'tap', pi: false, persist: false } });
        const tapMac = mac(link.address!);
        const peerMac = mac('02:00:00:00:00:02');
        await nl.link.set('tap0', { up: true });
        await nl.address.add({ dev: 'tap0', address: '10.9.0.1/24' });
        await nl.neigh.add({ dev: 'tap0', address: '10.9.0.2', lladdr: '02:00:00:00:00:02' });

        const sock = await ns.udp({ address: '10.9.0.1' });
        try {
          const port = sock.address().port;
          sock.send('ping over tap', 9999, '10.9.0.2');
          // the kernel's frame, read from the stream: to the peer's MAC, from the tap's, IPv4/UDP to 10.9.0.2:9999
          const f = await frameWhere(tap, (x) => x.length > 42 && x.readUInt16BE(12) === ETH_IPV4 && x[23] === 17 && x.readUInt16BE(36) === 9999);
          expect(f.subarray(0, 6)).toEqual(peerMac);
          expect(f.subarray(6, 12)).toEqual(tapMac);
          expect([...f.subarray(26, 30)].join('.')).toBe('10.9.0.1');
          expect([...f.subarray(30, 34)].join('.')).toBe('10.9.0.2');
          expect(f.readUInt16BE(34)).toBe(port);
          expect(f.subarray(42).toString()).toBe('ping over tap');

          // a frame written to the stream arrives at the socket as the peer's answer
          const got = once(sock, 'message');
          tap.write(udpFrame(tapMac, peerMac, '10.9.0.2', '10.9.0.1', 9999, port, Buffer.from('pong from userspace')));
          const [msg, rinfo] = (await got) as [Buffer, { address: string; port: number }];
          expect(msg.toString()).toBe('pong from userspace');
          expect(rinfo).toMatchObject({ address: '10.9.0.2', port: 9999 });
          expect((await nl.link.get('tap0')).stats64).toMatchObject({ rxPackets: expect.any(Number) });
          expect((await nl.link.get('tap0')).stats64!.rxPackets).toBeGreaterThanOrEqual(1);
        } finally {
          sock.close();
        }
      } finally {
        tap.destroy();
        await once(tap, 'close');
      }
      // not persistent: the device went with its only fd (the kernel may take a moment to unregister it)
      for (let i = 0; i < 100 && (await nl.link.list({ name: 'tap0' })).length; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await nl.link.list({ name: 'tap0' })).toEqual([]);
    });
  });

  it('a tun carries IP packets (no Ethernet header); pi adds struct tun_pi', async () => {
    await withNetns(async (ns, nl) => {
      const tun = await nl.tuntap.open({ name: 'tun0', mode: 'tun', pi: true });
      try {
        await nl.link.set('tun0', { up: true });
        await nl.address.add({ dev: 'tun0', address: '10.8.0.1/24' });
        const sock = await ns.udp({ address: '10.8.0.1' });
        try {
          sock.send('over tun', 7777, '10.8.0.2');
          // struct tun_pi: flags (2), protocol (2, big-endian ETH_P_IP), then the IPv4 packet
          const f = await frameWhere(tun, (x) => x.length > 32 && x.readUInt16BE(2) === ETH_IPV4 && x[4] >> 4 === 4 && x[4 + 9] === 17);
          expect([...f.subarray(4 + 16, 4 + 20)].join('.')).toBe('10.8.0.2');
          expect(f.subarray(4 + 28).toString()).toBe('over tun');
        } finally {
          sock.close();
        }
      } finally {
        tun.destroy();
      }
    });
  });

  it('add makes a persistent device as ip tuntap add does; del removes it (mode looked up)', async () => {
    await withNetns(async (ns, nl) => {
      // rootless, only uid/gid 0 are mapped in the user namespace (the kernel refuses others with EINVAL)
      const [uid, gid] = inInitialUserns() ? [1234, 5678] : [0, 0];
      if (!inInitialUserns()) {
        await expect(nl.tuntap.add({ name: 'tap1', mode: 'tap', user: 1234 })).rejects.toMatchObject({ code: 'EINVAL', message: /tuntap\.user: .*not mapped/ });
        expect(await nl.link.list({ kind: 'tun' })).toEqual([]); // nothing left behind
      }
      expect(await nl.tuntap.add({ name: 'tap1', mode: 'tap', user: uid, group: gid, multiQueue: true, vnetHdr: true })).toEqual({ name: 'tap1' });
      const ours = await nl.link.get('tap1');
      expect(ours).toMatchObject({ kind: 'tun', info: { type: 'tap', owner: uid, group: gid, persist: true, multiQueue: true, vnetHdr: true, pi: false } });
      if (haveIp()) {
        // the same device made by ip (in the same namespace, another name): the same kernel state
        execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'ip', 'tuntap', 'add', 'dev', 'tap2', 'mode', 'tap', 'user', String(uid), 'group', String(gid), 'multi_queue', 'vnet_hdr'], { env: toolEnv() });
        const theirs = await nl.link.get('tap2');
        expect(ours.info).toEqual(theirs.info);
        await nl.tuntap.del({ name: 'tap2' });
      }
      // a name the kernel numbers
      const { name } = await nl.tuntap.add({ mode: 'tun' });
      expect(name).toMatch(/^tun\d+$/);
      expect((await nl.link.get(name)).info).toMatchObject({ type: 'tun', persist: true });
      await nl.tuntap.del({ name, mode: 'tun' });
      await nl.tuntap.del({ name: 'tap1' });
      expect((await nl.link.list({ kind: 'tun' })).map((l) => l.name)).toEqual([]);
      // the wrong mode is the kernel's EINVAL, named
      await nl.tuntap.add({ name: 'tap3', mode: 'tap' });
      await expect(nl.tuntap.del({ name: 'tap3', mode: 'tun', multiQueue: false })).rejects.toMatchObject({ code: 'EINVAL', message: /tuntap\.del: ioctl\(TUNSETIFF\)/ });
      await expect(nl.tuntap.del({ name: 'lo' })).rejects.toThrow(/not a tun\/tap device/);
      await nl.tuntap.del({ name: 'tap3' });
    });
  });

  it('a persistent device stays when its stream closes and can be reopened; made non-persistent it goes', async () => {
    await withNetns(async (_ns, nl) => {
      const s = await nl.tuntap.open({ name: 'tap4', mode: 'tap', persist: true });
      s.destroy();
      await once(s, 'close');
      expect((await nl.link.get('tap4')).info).toMatchObject({ persist: true });
      // the stream can be reopened on the same device
      const again = await nl.tuntap.open({ name: 'tap4', mode: 'tap', persist: false });
      again.destroy();
      await once(again, 'close');
      for (let i = 0; i < 100 && (await nl.link.list({ name: 'tap4' })).length; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await nl.link.list({ name: 'tap4' })).toEqual([]);
    });
  });
});

describe('tuntap input', () => {
  it('refuses bad input before opening anything', async () => {
    await withNetns(async (_ns, nl) => {
      const bad: [() => Promise<unknown>, RegExp][] = [
        [() => nl.tuntap.add({ name: 'tap0' } as never), /tuntap\.mode is required/],
        [() => nl.tuntap.add({ name: 'tap0', mode: 'tep' as never }), /tuntap\.mode must be one of/],
        [() => nl.tuntap.add({ name: 'x'.repeat(16), mode: 'tap' }), /tuntap\.name/],
        [() => nl.tuntap.add({ name: 'tap0', mode: 'tap', user: -1 }), /tuntap\.user/],
        [() => nl.tuntap.add({ name: 'tap0', mode: 'tap', user: 'no-such-user-here' }), /no user named 'no-such-user-here'/],
        [() => nl.tuntap.add({ name: 'tap0', mode: 'tap', group: 'no-such-group-here' }), /no group named/],
        [() => nl.tuntap.add({ name: 'tap0', mode: 'tap', vnetHdr: 1 as never }), /tuntap\.vnetHdr/],
        [() => nl.tuntap.add({ name: 'tap0', mode: 'tap', persist: true } as never), /persist/],
        [() => nl.tuntap.del({ mode: 'tap' } as never), /tuntap\.name is required/],
        [() => nl.tuntap.open({ name: 'tap0', mode: 'tap', user: 0 } as never), /user/],
      ];
      for (const [call, re] of bad) await expect(call()).rejects.toThrow(re);
      expect(await nl.link.list({ kind: 'tun' })).toEqual([]);
      // a frame must be bytes
      if (why === undefined) {
        const s = await nl.tuntap.open({ name: 'tap9', mode: 'tap' });
        const err = once(s, 'error');
        s.write('not a buffer' as never);
        expect(String((await err)[0])).toMatch(/a frame must be a Buffer/);
        s.destroy();
      }
    });
  });
});

describe.skipIf(why !== undefined)('tuntap lifecycle (child processes)', () => {
  it('workers reading taps end every way, dropped streams are collected, exit with a stream reading: exit code 0, no tun fd left open', { timeout: 120_000 }, async () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..');
    const dist = join(root, 'dist-test');
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', dist], { stdio: 'inherit' });
    const r = spawnSync(process.execPath, ['--expose-gc', join(root, 'test', 'children', 'tuntap.mjs'), dist], { encoding: 'utf8', timeout: 60_000 });
    expect({ status: r.status, signal: r.signal, stderr: r.stderr.replace(/^.*worker ends by throwing.*$/gm, '').trim() ? r.stderr.slice(-2000) : '' }).toEqual({ status: 0, signal: null, stderr: '' });
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    // fds open on /dev/net/tun: none before, none after the workers, none after the collection
    expect(out).toMatchObject({ base: 0, afterWorkers: 0, afterGc: 0 });
    expect(out.left).toEqual([]); // non-persistent devices went with their collected fds
  });
});
