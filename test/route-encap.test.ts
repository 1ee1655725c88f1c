/**
 * Route encapsulation (`ip route add … encap mpls|ip|ip6|seg6|seg6local …`):
 * iproute2's request bytes for each form, the kernel's own state where this
 * kernel has the encapsulation (ip and ip6 here; mpls, seg6 and seg6local
 * are refused with EOPNOTSUPP by a kernel built without them), and input
 * refused before anything is sent.
 */
import { describe, expect, it } from 'vitest';
import { NetlinkError, type Handle, type Route } from '../lib/index.js';
import { parseNexthop } from '../lib/nexthop.js';
import { parseRoute } from '../lib/route.js';
import { captureLib, captureTool, haveStrace, hex, type TcCase } from './golden.js';
import { haveIp, ipJson, withNs, type TestNetns, why } from './helpers.js';

/**
 * Zeroes the padding after each attribute of a route request (ip leaves
 * whatever its buffer held there; the kernel never reads it), walking the
 * nests (NLA_F_NESTED) and RTA_MULTIPATH's rtnexthop entries.
 */
function maskPads(msg: Buffer, header = 12): Buffer {
  const b = Buffer.from(msg);
  const walk = (off: number, end: number, top: boolean) => {
    while (end - off >= 4) {
      const len = b.readUInt16LE(off);
      const type = b.readUInt16LE(off + 2);
      if (len < 4 || len > end - off) return;
      const padEnd = Math.min(end, off + ((len + 3) & ~3));
      b.fill(0, off + len, padEnd);
      if (type & 0x8000) walk(off + 4, off + len, false);
      else if (top && type === 9 /* RTA_MULTIPATH */)
        for (let p = off + 4; p + 8 <= off + len; ) {
          const l = b.readUInt16LE(p);
          if (l < 8) break;
          walk(p + 8, p + l, false);
          p += (l + 3) & ~3;
        }
      off = padEnd;
    }
  };
  walk(16 + header, b.length, true); // nlmsghdr, rtmsg (nhmsg: 8)
  return b;
}

/** A case, and what list() must read back from iproute2's own request (an RTM_NEWROUTE reads like a dump message). */
interface EncapCase extends TcCase {
  /** The route's `encap` as decoded (default: the one passed, `want: null` for none), or the nexthops' encaps. */
  want?: unknown;
  nexthops?: unknown[];
  /** Instead: fields the decoded route must have (MPLS routes). */
  route?: Record<string, unknown>;
}

/**
 * Like golden.ts' goldenCases, the padding masked on both sides: each case in
 * two fresh namespaces with veth v0/v1 up. Then iproute2's request is decoded
 * by parseRoute, so the decoder is checked against bytes this library did not write.
 */
function goldenCases(title: string, cases: EncapCase[]): void {
  describe.skipIf(!haveStrace())(title, () => {
    for (const c of cases)
      it(c.name, async () => {
        const prepare = async (ns: TestNetns) => {
          await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
          await ns.nl.link.set('v0', { up: true });
          await ns.nl.link.set('v1', { up: true });
          for (const s of c.setup ?? []) captureTool(ns, 'ip', s);
        };
        const theirs = await withNs(async (ns) => (await prepare(ns), captureTool(ns, 'ip', c.tc).messages));
        const ours = await withNs(async (ns) => (await prepare(ns), (await captureLib(ns, () => c.lib(ns.nl as Handle))).messages));
        expect(theirs.length, `ip sent no request for: ip ${c.tc.join(' ')}`).toBeGreaterThan(0);
        expect(ours.map((m) => hex(maskPads(m))), `ip ${c.tc.join(' ')}`).toEqual(theirs.map((m) => hex(maskPads(m))));
        const m = theirs[theirs.length - 1];
        const r = parseRoute(m, 16, m.length)!;
        if (c.route) expect(r).toMatchObject(c.route);
        else if (c.nexthops) expect(r.nexthops?.map((n) => n.encap)).toEqual(c.nexthops);
        else expect(r.encap).toEqual(c.want);
      });
  });
}

const ADDR = ['addr', 'add', '10.0.0.1/24', 'dev', 'v0'];
const ADDR6 = ['addr', 'add', '2001:db8:ff::1/64', 'dev', 'v0', 'nodad'];

goldenCases('route encap: iproute2 bytes', [
  {
    name: 'encap mpls with ttl',
    tool: 'ip',
    setup: [ADDR],
    tc: ['route', 'add', '10.2.0.0/24', 'via', '10.0.0.2', 'encap', 'mpls', '100/200', 'ttl', '5', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '10.2.0.0/24', via: '10.0.0.2', dev: 'v0', encap: { type: 'mpls', labels: [100, 200], ttl: 5 } }),
    want: { type: 'mpls', labels: [100, 200], ttl: 5 },
  },
  {
    name: 'encap mpls, one label',
    tool: 'ip',
    setup: [ADDR],
    tc: ['route', 'add', '10.2.0.0/24', 'encap', 'mpls', '1048575', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '10.2.0.0/24', dev: 'v0', encap: { type: 'mpls', labels: [1048575] } }),
    want: { type: 'mpls', labels: [1048575] },
  },
  {
    name: 'encap ip, every field and flag',
    tool: 'ip',
    setup: [ADDR],
    tc: ['route', 'add', '10.1.0.0/24', 'encap', 'ip', 'id', '5', 'dst', '10.0.0.9', 'src', '10.0.0.1', 'ttl', '10', 'tos', '4', 'key', 'csum', 'seq', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '10.1.0.0/24', dev: 'v0', encap: { type: 'ip', id: 5, dst: '10.0.0.9', src: '10.0.0.1', ttl: 10, tos: 4, key: true, csum: true, seq: true } }),
    want: { type: 'ip', id: 5, dst: '10.0.0.9', src: '10.0.0.1', ttl: 10, tos: 4, key: true, csum: true, seq: true },
  },
  {
    name: 'encap ip, a 64-bit id',
    tool: 'ip',
    setup: [ADDR],
    tc: ['route', 'add', '10.1.0.0/24', 'encap', 'ip', 'id', '18446744073709551615', 'dst', '10.0.0.9', 'key', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '10.1.0.0/24', dev: 'v0', encap: { type: 'ip', id: 0xffffffffffffffffn, dst: '10.0.0.9', key: true } }),
    want: { type: 'ip', id: 0xffffffffffffffffn, dst: '10.0.0.9', key: true },
  },
  {
    name: 'encap ip6 on an IPv6 route',
    tool: 'ip',
    setup: [ADDR6],
    tc: ['-6', 'route', 'add', '2001:db8:1::/64', 'encap', 'ip6', 'id', '7', 'dst', '2001:db8:9::1', 'src', '2001:db8:ff::1', 'hoplimit', '20', 'tc', '8', 'csum', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '2001:db8:1::/64', dev: 'v0', encap: { type: 'ip6', id: 7, dst: '2001:db8:9::1', src: '2001:db8:ff::1', hoplimit: 20, tc: 8, csum: true } }),
    want: { type: 'ip6', id: 7, dst: '2001:db8:9::1', src: '2001:db8:ff::1', hoplimit: 20, tc: 8, csum: true },
  },
  {
    name: 'encap seg6 mode encap',
    tool: 'ip',
    setup: [ADDR6],
    tc: ['-6', 'route', 'add', '2001:db8:2::/64', 'encap', 'seg6', 'mode', 'encap', 'segs', '2001:db8::1,2001:db8::2,2001:db8::3', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '2001:db8:2::/64', dev: 'v0', encap: { type: 'seg6', mode: 'encap', segs: ['2001:db8::1', '2001:db8::2', '2001:db8::3'] } }),
    want: { type: 'seg6', mode: 'encap', segs: ['2001:db8::1', '2001:db8::2', '2001:db8::3'] },
  },
  {
    name: 'encap seg6 mode inline (slot 0 left for the destination)',
    tool: 'ip',
    setup: [ADDR6],
    tc: ['-6', 'route', 'add', '2001:db8:2::/64', 'encap', 'seg6', 'mode', 'inline', 'segs', '2001:db8::1,2001:db8::2', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '2001:db8:2::/64', dev: 'v0', encap: { type: 'seg6', mode: 'inline', segs: ['2001:db8::1', '2001:db8::2'] } }),
    want: { type: 'seg6', mode: 'inline', segs: ['2001:db8::1', '2001:db8::2'] },
  },
  {
    name: 'encap seg6 mode l2encap.red with hmac',
    tool: 'ip',
    setup: [ADDR6],
    tc: ['-6', 'route', 'add', '2001:db8:2::/64', 'encap', 'seg6', 'mode', 'l2encap.red', 'segs', '2001:db8::1', 'hmac', '7', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '2001:db8:2::/64', dev: 'v0', encap: { type: 'seg6', mode: 'l2encap.red', segs: ['2001:db8::1'], hmac: 7 } }),
    want: { type: 'seg6', mode: 'l2encap.red', segs: ['2001:db8::1'], hmac: 7 },
  },
  {
    name: 'encap seg6 on an IPv4 route',
    tool: 'ip',
    setup: [ADDR],
    tc: ['route', 'add', '10.6.0.0/24', 'encap', 'seg6', 'mode', 'encap.red', 'segs', '2001:db8::1', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '10.6.0.0/24', dev: 'v0', encap: { type: 'seg6', mode: 'encap.red', segs: ['2001:db8::1'] } }),
    want: { type: 'seg6', mode: 'encap.red', segs: ['2001:db8::1'] },
  },
  {
    name: 'encap seg6local End',
    tool: 'ip',
    setup: [ADDR6],
    tc: ['-6', 'route', 'add', '2001:db8:3::/64', 'encap', 'seg6local', 'action', 'End', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '2001:db8:3::/64', dev: 'v0', encap: { type: 'seg6local', action: 'End' } }),
    want: { type: 'seg6local', action: 'End' },
  },
  {
    name: 'encap seg6local End.X nh6 oif',
    tool: 'ip',
    setup: [ADDR6],
    tc: ['-6', 'route', 'add', '2001:db8:3::/64', 'encap', 'seg6local', 'action', 'End.X', 'nh6', '2001:db8::5', 'oif', 'v1', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '2001:db8:3::/64', dev: 'v0', encap: { type: 'seg6local', action: 'End.X', nh6: '2001:db8::5', oif: 'v1' } }),
    want: { type: 'seg6local', action: 'End.X', nh6: '2001:db8::5', oif: expect.any(Number) },
  },
  {
    name: 'encap seg6local End.DX4 nh4',
    tool: 'ip',
    setup: [ADDR6],
    tc: ['-6', 'route', 'add', '2001:db8:3::/64', 'encap', 'seg6local', 'action', 'End.DX4', 'nh4', '10.0.0.5', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '2001:db8:3::/64', dev: 'v0', encap: { type: 'seg6local', action: 'End.DX4', nh4: '10.0.0.5' } }),
    want: { type: 'seg6local', action: 'End.DX4', nh4: '10.0.0.5' },
  },
  {
    name: 'encap seg6local End.T table',
    tool: 'ip',
    setup: [ADDR6],
    tc: ['-6', 'route', 'add', '2001:db8:3::/64', 'encap', 'seg6local', 'action', 'End.T', 'table', '100', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '2001:db8:3::/64', dev: 'v0', encap: { type: 'seg6local', action: 'End.T', table: 100 } }),
    want: { type: 'seg6local', action: 'End.T', table: 100 },
  },
  {
    name: 'encap seg6local End.DT4 vrftable',
    tool: 'ip',
    setup: [ADDR6],
    tc: ['-6', 'route', 'add', '2001:db8:3::/64', 'encap', 'seg6local', 'action', 'End.DT4', 'vrftable', '10', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '2001:db8:3::/64', dev: 'v0', encap: { type: 'seg6local', action: 'End.DT4', vrftable: 10 } }),
    want: { type: 'seg6local', action: 'End.DT4', vrftable: 10 },
  },
  {
    name: 'encap seg6local End.B6 srh',
    tool: 'ip',
    setup: [ADDR6],
    tc: ['-6', 'route', 'add', '2001:db8:3::/64', 'encap', 'seg6local', 'action', 'End.B6', 'srh', 'segs', '2001:db8::1,2001:db8::2', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '2001:db8:3::/64', dev: 'v0', encap: { type: 'seg6local', action: 'End.B6', srh: { segs: ['2001:db8::1', '2001:db8::2'] } } }),
    want: { type: 'seg6local', action: 'End.B6', srh: { segs: ['2001:db8::1', '2001:db8::2'] } },
  },
  {
    name: 'encap seg6local End.B6.Encaps srh hmac',
    tool: 'ip',
    setup: [ADDR6],
    tc: ['-6', 'route', 'add', '2001:db8:3::/64', 'encap', 'seg6local', 'action', 'End.B6.Encaps', 'srh', 'segs', '2001:db8::1', 'hmac', '9', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '2001:db8:3::/64', dev: 'v0', encap: { type: 'seg6local', action: 'End.B6.Encaps', srh: { segs: ['2001:db8::1'], hmac: 9 } } }),
    want: { type: 'seg6local', action: 'End.B6.Encaps', srh: { segs: ['2001:db8::1'], hmac: 9 } },
  },
  {
    name: 'multipath: a path with encap mpls, a path without',
    tool: 'ip',
    setup: [ADDR],
    tc: ['route', 'add', '10.5.0.0/24', 'nexthop', 'via', '10.0.0.2', 'dev', 'v0', 'encap', 'mpls', '300', 'nexthop', 'via', '10.0.0.3', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ dst: '10.5.0.0/24', nexthops: [{ via: '10.0.0.2', dev: 'v0', encap: { type: 'mpls', labels: [300] } }, { via: '10.0.0.3', dev: 'v0' }] }),
    nexthops: [{ type: 'mpls', labels: [300] }, undefined],
  },
  {
    name: 'multipath: encap ip in both paths',
    tool: 'ip',
    setup: [ADDR],
    tc: ['route', 'add', '10.5.0.0/24', 'nexthop', 'via', '10.0.0.2', 'dev', 'v0', 'encap', 'ip', 'id', '1', 'dst', '10.9.0.1', 'nexthop', 'via', '10.0.0.3', 'dev', 'v0', 'encap', 'ip', 'id', '2', 'dst', '10.9.0.2'],
    lib: (nl) =>
      nl.route.add({
        dst: '10.5.0.0/24',
        nexthops: [
          { via: '10.0.0.2', dev: 'v0', encap: { type: 'ip', id: 1, dst: '10.9.0.1' } },
          { via: '10.0.0.3', dev: 'v0', encap: { type: 'ip', id: 2, dst: '10.9.0.2' } },
        ],
      }),
    nexthops: [{ type: 'ip', id: 1, dst: '10.9.0.1' }, { type: 'ip', id: 2, dst: '10.9.0.2' }],
  },
]);

goldenCases('MPLS routes (ip -f mpls route): iproute2 bytes', [
  {
    name: 'add LABEL as LABEL/LABEL via inet ADDR dev DEV',
    tool: 'ip',
    tc: ['-f', 'mpls', 'route', 'add', '100', 'as', '200/300', 'via', 'inet', '10.0.0.2', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ family: 'mpls', dst: 100, newdst: [200, 300], via: '10.0.0.2', dev: 'v0' }),
    route: { family: 'mpls', dst: '100', newdst: [200, 300], gateway: '10.0.0.2', type: 'unicast', table: 'main', protocol: 'boot' },
  },
  {
    name: 'add LABEL via inet6 ADDR (the label as text)',
    tool: 'ip',
    tc: ['-f', 'mpls', 'route', 'add', '1048575', 'via', 'inet6', '2001:db8::2', 'dev', 'v0'],
    lib: (nl) => nl.route.add({ family: 'mpls', dst: '1048575', via: '2001:db8::2', dev: 'v0' }),
    route: { family: 'mpls', dst: '1048575', gateway: '2001:db8::2' },
  },
  {
    name: 'replace, protocol static',
    tool: 'ip',
    tc: ['-f', 'mpls', 'route', 'replace', '100', 'as', '200', 'via', 'inet', '10.0.0.2', 'dev', 'v0', 'proto', 'static'],
    lib: (nl) => nl.route.replace({ family: 'mpls', dst: 100, newdst: [200], via: '10.0.0.2', dev: 'v0', protocol: 'static' }),
    route: { family: 'mpls', dst: '100', newdst: [200], protocol: 'static' },
  },
  {
    name: 'del LABEL',
    tool: 'ip',
    tc: ['-f', 'mpls', 'route', 'del', '100'],
    lib: (nl) => nl.route.del({ family: 'mpls', dst: 100 }),
    route: { family: 'mpls', dst: '100' },
  },
  {
    name: 'multipath: nexthop as LABEL via inet ADDR dev DEV …',
    tool: 'ip',
    tc: ['-f', 'mpls', 'route', 'add', '102', 'nexthop', 'as', '200', 'via', 'inet', '10.0.0.2', 'dev', 'v0', 'nexthop', 'as', '300', 'via', 'inet', '10.0.0.3', 'dev', 'v1'],
    lib: (nl) =>
      nl.route.add({ family: 'mpls', dst: 102, nexthops: [{ newdst: [200], via: '10.0.0.2', dev: 'v0' }, { newdst: [300], via: '10.0.0.3', dev: 'v1' }] }),
    route: { family: 'mpls', dst: '102', nexthops: [expect.objectContaining({ newdst: [200], gateway: '10.0.0.2' }), expect.objectContaining({ newdst: [300], gateway: '10.0.0.3' })] },
  },
]);

/** Runs `fn` in a namespace with veth v0/v1 up and 10.0.0.1/24, 2001:db8:ff::1/64 on v0. */
function live(fn: (ns: TestNetns) => Promise<void>): Promise<void> {
  return withNs(async (ns) => {
    await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
    await ns.nl.link.set('v0', { up: true });
    await ns.nl.link.set('v1', { up: true });
    await ns.nl.address.add({ dev: 'v0', address: '10.0.0.1/24' });
    await ns.nl.address.add({ dev: 'v0', address: '2001:db8:ff::1/64', flags: ['nodad'] });
    await fn(ns);
  });
}

/** True when this kernel refuses the encapsulation (built without it): the error a live check skips on. */
async function refused(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return false;
  } catch (e) {
    if (e instanceof NetlinkError && (e.code === 'EOPNOTSUPP' || e.code === 'EAFNOSUPPORT')) return true;
    throw e;
  }
}

const find = (l: Route[], dst: string) => l.find((r) => r.dst === dst);

describe.skipIf(!haveIp())('route encap: live kernel state' + why(!haveIp(), "iproute2's ip (with -j) or nsenter missing"), () => {
  it('encap ip: the kernel keeps it, ip -j -d shows it, list reads it back, del by the listed route', () =>
    live(async (ns) => {
      await ns.nl.route.add({ dst: '10.1.0.0/24', dev: 'v0', encap: { type: 'ip', id: 5, dst: '10.0.0.9', src: '10.0.0.1', ttl: 10, tos: 4, key: true, csum: true } });
      const theirs = (ipJson(ns, '-d', 'route', 'show', '10.1.0.0/24') as Record<string, unknown>[])[0];
      expect(theirs).toMatchObject({ encap: 'ip', id: 5, dst: '10.0.0.9', src: '10.0.0.1', ttl: 10, tos: 4 });
      const r = find(await ns.nl.route.list({ family: 'inet' }), '10.1.0.0/24')!;
      expect(r.encap).toEqual({ type: 'ip', id: 5, dst: '10.0.0.9', src: '10.0.0.1', ttl: 10, tos: 4, csum: true, key: true });
      await ns.nl.route.del(r);
      expect(find(await ns.nl.route.list({ family: 'inet' }), '10.1.0.0/24')).toBeUndefined();
    }));

  it('del takes back a listed route whose encapsulation the library does not read (and leaves it out)', () =>
    live(async (ns) => {
      await ns.nl.route.add({ dst: '10.7.0.0/24', dev: 'v0' });
      await expect(ns.nl.route.add({ dst: '10.8.0.0/24', dev: 'v0', encap: { type: 'bpf' } as never })).rejects.toThrow(/route\.encap\.type must be one of/);
      await ns.nl.route.del({ dst: '10.7.0.0/24', dev: 'v0', encap: { type: 'bpf' } });
      expect(find(await ns.nl.route.list({ family: 'inet' }), '10.7.0.0/24')).toBeUndefined();
    }));

  it('encap ip6 on an IPv6 route, with a 64-bit id', () =>
    live(async (ns) => {
      await ns.nl.route.add({ dst: '2001:db8:1::/64', dev: 'v0', encap: { type: 'ip6', id: 2n ** 60n + 1n, dst: '2001:db8:9::1', hoplimit: 20, tc: 8, seq: true } });
      const theirs = (ipJson(ns, '-6', '-d', 'route', 'show', '2001:db8:1::/64') as Record<string, unknown>[])[0];
      expect(theirs).toMatchObject({ encap: 'ip6', dst: '2001:db8:9::1', hoplimit: 20, tc: 8 });
      const r = find(await ns.nl.route.list({ family: 'inet6' }), '2001:db8:1::/64')!;
      expect(r.encap).toEqual({ type: 'ip6', id: 2n ** 60n + 1n, dst: '2001:db8:9::1', src: '::', hoplimit: 20, tc: 8, seq: true });
    }));

  it('encap ip in a multipath route: each path keeps its own', () =>
    live(async (ns) => {
      await ns.nl.route.add({
        dst: '10.5.0.0/24',
        nexthops: [
          { via: '10.0.0.2', dev: 'v0', encap: { type: 'ip', id: 1, dst: '10.9.0.1' } },
          { via: '10.0.0.3', dev: 'v0' },
        ],
      });
      const theirs = (ipJson(ns, '-d', 'route', 'show', '10.5.0.0/24') as Record<string, any>[])[0];
      expect(theirs.nexthops[0]).toMatchObject({ encap: 'ip', id: 1, dst: '10.9.0.1' });
      expect(theirs.nexthops[1].encap).toBeUndefined();
      const r = find(await ns.nl.route.list({ family: 'inet' }), '10.5.0.0/24')!;
      expect(r.nexthops?.map((n) => n.encap)).toEqual([{ type: 'ip', id: 1, dst: '10.9.0.1', src: '0.0.0.0', ttl: 0, tos: 0 }, undefined]);
    }));

  for (const [name, opts] of [
    ['encap mpls', { dst: '10.2.0.0/24', via: '10.0.0.2', dev: 'v0', encap: { type: 'mpls', labels: [100, 200], ttl: 5 } }],
    ['encap seg6', { dst: '2001:db8:2::/64', dev: 'v0', encap: { type: 'seg6', mode: 'encap', segs: ['2001:db8::1', '2001:db8::2'], hmac: 3 } }],
    ['encap seg6local', { dst: '2001:db8:3::/64', dev: 'v0', encap: { type: 'seg6local', action: 'End.X', nh6: '2001:db8::5', oif: 'v1' } }],
  ] as const) {
    it(`${name}: the kernel keeps it and list reads it back (or the kernel lacks it: EOPNOTSUPP)`, async (ctx) => {
      await live(async (ns) => {
        if (await refused(ns.nl.route.add(opts as Parameters<typeof ns.nl.route.add>[0]))) {
          ctx.skip(`${name}: this kernel refuses it (EOPNOTSUPP: built without the encapsulation); the bytes are checked against iproute2 above`);
          return;
        }
        const r = find(await ns.nl.route.list(), opts.dst)!;
        const want: Record<string, unknown> = { ...opts.encap };
        if ('oif' in want) want.oif = (await ns.nl.link.get('v1')).index;
        expect(r.encap).toMatchObject(want);
      });
    });
  }
});

describe('MPLS routes: live kernel state', () => {
  it('add, list with family mpls, del (or the kernel lacks MPLS routing: EOPNOTSUPP)', async (ctx) => {
    await live(async (ns) => {
      if (await refused(ns.nl.route.add({ family: 'mpls', dst: 100, newdst: [200], via: '10.0.0.2', dev: 'v0' }))) {
        // the dump is still accepted (and finds none); inet routes are not mistaken for MPLS ones
        expect(await ns.nl.route.list({ family: 'mpls' })).toEqual([]);
        ctx.skip('this kernel has no MPLS routing (CONFIG_MPLS_ROUTING): RTM_NEWROUTE of AF_MPLS is EOPNOTSUPP; the bytes are checked against iproute2 above');
        return;
      }
      const l = await ns.nl.route.list({ family: 'mpls' });
      expect(l).toMatchObject([{ family: 'mpls', dst: '100', newdst: [200], gateway: '10.0.0.2', dev: 'v0' }]);
      expect(ipJson(ns, '-f', 'mpls', 'route', 'show')).toMatchObject([{ dst: '100' }]);
      await ns.nl.route.del(l[0]);
      expect(await ns.nl.route.list({ family: 'mpls' })).toEqual([]);
    });
  });
});

describe('MPLS routes: bad input is refused before sending', () => {
  const cases: [string, unknown, RegExp][] = [
    ['a label without family mpls', { dst: 100 }, /route\.dst must be .*got 100 \(a label is the dst of an MPLS route: add family: 'mpls'\)/],
    ['a prefix with family mpls', { family: 'mpls', dst: '10.0.0.0/8' }, /route\.dst of an MPLS route is its incoming label/],
    ['a label past 20 bits', { family: 'mpls', dst: 1 << 20 }, /route\.dst/],
    ['newdst on an IPv4 route', { dst: '10.9.0.0/24', newdst: [5] }, /route\.newdst applies to MPLS routes only/],
    ['a bad outgoing label', { family: 'mpls', dst: 100, newdst: [-1] }, /route\.newdst\[0\]/],
    ['metric on an MPLS route', { family: 'mpls', dst: 100, metric: 5 }, /route\.metric does not apply to MPLS routes/],
    ['encap on an MPLS route', { family: 'mpls', dst: 100, encap: { type: 'mpls', labels: [1] } }, /route\.encap does not apply to MPLS routes/],
    ['another table', { family: 'mpls', dst: 100, table: 100 }, /MPLS routes live in table main only/],
    ['type blackhole', { family: 'mpls', dst: 100, type: 'blackhole' }, /route\.type of an MPLS route is unicast/],
    ['via beside nexthops', { family: 'mpls', dst: 100, via: '10.0.0.2', nexthops: [{ via: '10.0.0.3' }] }, /route\.nexthops: give via\/dev\/newdst inside each/],
    ['onlink in an MPLS nexthop', { family: 'mpls', dst: 100, nexthops: [{ via: '10.0.0.3', onlink: true }] }, /route\.nexthops\[0\]\.onlink does not apply to MPLS routes/],
    ['an unknown filter family', 'x', /filter\.family must be one of/],
  ];
  for (const [name, input, msg] of cases)
    it(name, () =>
      withNs(async (ns) => {
        const p = input === 'x' ? ns.nl.route.list({ family: 'mpls4' as never }) : ns.nl.route.add(input as never);
        await expect(p).rejects.toThrow(msg);
      }),
    );
});

describe('route encap: bad input is refused before sending', () => {
  const cases: [string, unknown, RegExp][] = [
    ['no type', { labels: [1] }, /route\.encap\.type must be one of/],
    ['an unknown type', { type: 'bpf' }, /route\.encap\.type must be one of/],
    ['not an object', 'mpls', /route\.encap must be an encap object/],
    ['mpls without labels', { type: 'mpls' }, /route\.encap\.labels is required/],
    ['mpls: an empty stack', { type: 'mpls', labels: [] }, /route\.encap\.labels/],
    ['mpls: a label past 20 bits', { type: 'mpls', labels: [1 << 20] }, /route\.encap\.labels\[0\]/],
    ['mpls: 31 labels', { type: 'mpls', labels: Array(31).fill(16) }, /route\.encap\.labels/],
    ['mpls: ttl 256', { type: 'mpls', labels: [16], ttl: 256 }, /route\.encap\.ttl/],
    ['mpls: a field of another type', { type: 'mpls', labels: [16], mode: 'encap' }, /route\.encap: unknown option 'mode'/],
    ['ip: an IPv6 dst', { type: 'ip', dst: '2001:db8::1' }, /route\.encap\.dst must be an IPv4 address/],
    ['ip: a negative id', { type: 'ip', id: -1 }, /route\.encap\.id/],
    ['ip: an id past 2^64', { type: 'ip', id: 2n ** 64n }, /route\.encap\.id/],
    ['ip: key not a boolean', { type: 'ip', key: 1 }, /route\.encap\.key/],
    ['ip6: an IPv4 src', { type: 'ip6', src: '10.0.0.1' }, /route\.encap\.src must be an IPv6 address/],
    ['ip6: ttl (ip calls it hoplimit)', { type: 'ip6', ttl: 3 }, /route\.encap: an ip6 encap names them hoplimit and tc/],
    ['seg6 without mode', { type: 'seg6', segs: ['2001:db8::1'] }, /route\.encap\.mode is required/],
    ['seg6: an unknown mode', { type: 'seg6', mode: 'encaps', segs: ['2001:db8::1'] }, /route\.encap\.mode must be one of/],
    ['seg6: an IPv4 segment', { type: 'seg6', mode: 'encap', segs: ['10.0.0.1'] }, /route\.encap\.segs\[0\] must be an IPv6 address/],
    ['seg6: no segments', { type: 'seg6', mode: 'encap', segs: [] }, /route\.encap\.segs/],
    ['seg6: hmac 0 (ip reads it as none)', { type: 'seg6', mode: 'encap', segs: ['2001:db8::1'], hmac: 0 }, /route\.encap\.hmac/],
    ['seg6local without action', { type: 'seg6local' }, /route\.encap\.action is required/],
    ['seg6local: an unknown action', { type: 'seg6local', action: 'End.Y' }, /route\.encap\.action must be one of/],
    ['seg6local: End.X without nh6', { type: 'seg6local', action: 'End.X' }, /route\.encap\.nh6 is required by action End\.X/],
    ['seg6local: End with a table', { type: 'seg6local', action: 'End', table: 5 }, /route\.encap\.table does not apply to action End/],
    ['seg6local: End.DT6 without a table', { type: 'seg6local', action: 'End.DT6' }, /End\.DT6 needs table or vrftable/],
    ['seg6local: an srh without segs', { type: 'seg6local', action: 'End.B6', srh: {} }, /route\.encap\.srh\.segs is required/],
  ];
  for (const [name, encap, msg] of cases)
    it(name, () =>
      withNs(async (ns) => {
        const dst = (encap as { type?: string }).type?.startsWith('seg6') || (encap as { type?: string }).type === 'ip6' ? '2001:db8:3::/64' : '10.9.0.0/24';
        await expect(ns.nl.route.add({ dst, encap } as never)).rejects.toThrow(msg);
        // nothing was sent: the namespace has no such route
        expect((await ns.nl.route.list({ table: 'all' })).find((r) => r.dst === dst)).toBeUndefined();
      }),
    );

  it('seg6local on an IPv4 route', () =>
    withNs(async (ns) => {
      await expect(ns.nl.route.add({ dst: '10.9.0.0/24', encap: { type: 'seg6local', action: 'End' } })).rejects.toThrow(/seg6local applies to IPv6 routes only/);
    }));
  it('seg6 inline on an IPv4 route', () =>
    withNs(async (ns) => {
      await expect(ns.nl.route.add({ dst: '10.9.0.0/24', encap: { type: 'seg6', mode: 'inline', segs: ['2001:db8::1'] } })).rejects.toThrow(/inline applies to IPv6 routes only/);
    }));
  it('an encap inside a nexthop is checked too', () =>
    withNs(async (ns) => {
      await expect(ns.nl.route.add({ dst: '10.9.0.0/24', nexthops: [{ dev: 'lo' }, { dev: 'lo', encap: { type: 'mpls', labels: [-1] } }] })).rejects.toThrow(/route\.nexthops\[1\]\.encap\.labels\[0\]/);
    }));
  it('errors are TypeError or RangeError', () =>
    withNs(async (ns) => {
      await expect(ns.nl.route.add({ dst: '10.9.0.0/24', encap: { type: 'mpls', labels: [1 << 20] } })).rejects.toBeInstanceOf(RangeError);
      await expect(ns.nl.route.add({ dst: '10.9.0.0/24', encap: { type: 'nope' } as never })).rejects.toBeInstanceOf(TypeError);
    }));
});

describe('route encap: malformed encapsulations from the kernel are DecodeErrors (kernel-free)', () => {
  /** An IPv6 RTM_NEWROUTE payload (rtmsg + RTA_ENCAP + RTA_ENCAP_TYPE) around `inner`, the RTA_ENCAP payload. */
  function message(type: number, inner: Buffer): Buffer {
    const rt = Buffer.from([10, 64, 0, 0, 254, 3, 0, 1, 0, 0, 0, 0]);
    const nest = Buffer.alloc(4 + inner.length + ((4 - (inner.length % 4)) % 4));
    nest.writeUInt16LE(4 + inner.length, 0);
    nest.writeUInt16LE(22 | 0x8000, 2); // RTA_ENCAP
    inner.copy(nest, 4);
    const et = Buffer.from([6, 0, 21, 0, type, 0, 0, 0]); // RTA_ENCAP_TYPE
    return Buffer.concat([rt, nest, et]);
  }
  const attr = (type: number, payload: Buffer) => {
    const b = Buffer.alloc(4 + payload.length + ((4 - (payload.length % 4)) % 4));
    b.writeUInt16LE(4 + payload.length, 0);
    b.writeUInt16LE(type, 2);
    payload.copy(b, 4);
    return b;
  };

  it('an SRH whose first_segment runs past its bytes', () => {
    const srh = Buffer.alloc(4 + 8 + 16);
    srh[4 + 1] = 2; // hdrlen
    srh[4 + 2] = 4;
    srh[4 + 4] = 5; // first_segment 5, one segment present
    const m = message(5, attr(1, srh));
    expect(() => parseRoute(m, 0, m.length)).toThrow(/route\.encap\.srh: first_segment 5 runs past/);
  });
  it('a label stack that is not whole 4-byte entries', () => {
    const m = message(1, attr(1, Buffer.from([0, 6, 65, 0, 1, 2])));
    expect(() => parseRoute(m, 0, m.length)).toThrow(/route\.encap\.labels/);
  });
  it('an LWTUNNEL_IP_ID that is not 8 bytes', () => {
    const m = message(2, attr(1, Buffer.from([0, 0, 0, 5])));
    expect(() => parseRoute(m, 0, m.length)).toThrow(/route\.encap\.id/);
  });
  it('an encapsulation the library does not read keeps its type', () => {
    const m = message(6, attr(1, Buffer.from([1, 2, 3, 4]))); // LWTUNNEL_ENCAP_BPF
    expect(parseRoute(m, 0, m.length)!.encap).toEqual({ type: 'bpf' });
  });
});

/**
 * Nexthop objects with an encapsulation (NHA_ENCAP, NHA_ENCAP_TYPE: the same
 * tables as RTA_ENCAP): the library's request against iproute2's, padding
 * masked, then iproute2's request decoded by parseNexthop. Bytes only here:
 * this kernel refuses these encaps on nexthops (no MPLS_IPTUNNEL; ip/ip6/seg6
 * need a metadata tunnel or SEG6_LWTUNNEL).
 */
describe.skipIf(!haveStrace())('nexthop encap: golden bytes against iproute2, read back' + why(!haveStrace(), 'strace cannot run here (not installed, or no ptrace)'), () => {
  const ADDRS = [ADDR, ['-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad']];
  const cases: { name: string; tc: string[]; encap: Record<string, unknown>; opts: Record<string, unknown> }[] = [
    { name: 'encap mpls', tc: ['nexthop', 'add', 'id', '20', 'encap', 'mpls', '100/200', 'ttl', '9', 'via', '10.0.0.2', 'dev', 'v0'], encap: { type: 'mpls', labels: [100, 200], ttl: 9 }, opts: { id: 20, via: '10.0.0.2', dev: 'v0' } },
    { name: 'encap ip', tc: ['nexthop', 'add', 'id', '21', 'encap', 'ip', 'id', '5', 'dst', '10.0.0.9', 'ttl', '3', 'key', 'dev', 'v0'], encap: { type: 'ip', id: 5, dst: '10.0.0.9', ttl: 3, key: true }, opts: { id: 21, dev: 'v0' } },
    { name: 'encap ip6', tc: ['nexthop', 'add', 'id', '22', 'encap', 'ip6', 'id', '6', 'dst', '2001:db8::9', 'hoplimit', '7', 'via', '2001:db8::2', 'dev', 'v0'], encap: { type: 'ip6', id: 6, dst: '2001:db8::9', hoplimit: 7 }, opts: { id: 22, via: '2001:db8::2', dev: 'v0' } },
    { name: 'encap seg6', tc: ['nexthop', 'add', 'id', '23', 'encap', 'seg6', 'mode', 'encap', 'segs', '2001:db8::a,2001:db8::b', 'dev', 'v0'], encap: { type: 'seg6', mode: 'encap', segs: ['2001:db8::a', '2001:db8::b'] }, opts: { id: 23, dev: 'v0' } },
  ];
  for (const c of cases)
    it(`ip ${c.tc.join(' ')}`, async () => {
      const prepare = async (ns: TestNetns) => {
        await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
        await ns.nl.link.set('v0', { up: true });
        for (const s of ADDRS) captureTool(ns, 'ip', s);
      };
      const theirs = await withNs(async (ns) => (await prepare(ns), captureTool(ns, 'ip', c.tc).messages));
      const ours = await withNs(async (ns) => (await prepare(ns), (await captureLib(ns, () => (ns.nl as Handle).nexthop.add({ ...c.opts, encap: c.encap } as never))).messages));
      expect(theirs.length, `ip sent no request for: ip ${c.tc.join(' ')}`).toBeGreaterThan(0);
      expect(ours.map((m) => hex(maskPads(m, 8))), `ip ${c.tc.join(' ')}`).toEqual(theirs.map((m) => hex(maskPads(m, 8))));
      const m = theirs[theirs.length - 1];
      const n = parseNexthop(m, 16, m.length)!;
      expect(n.encap).toEqual(c.encap);
      expect(n.unknown).toBeUndefined();
    });
});
