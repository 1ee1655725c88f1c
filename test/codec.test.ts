/**
 * The codec without a kernel: attribute lengths checked per type before they
 * are read, malformed replies as DecodeErrors naming the attribute's path,
 * valid ones decoded as the kernel sent them (the captured fixtures).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Writer } from '../lib/codec.js';
import { DecodeError } from '../lib/errors.js';
import { parseLink } from '../lib/link.js';
import { parseRoute } from '../lib/route.js';
import { linkinfoAttrs, kinds } from '../lib/wire/kinds.js';
import { ifinfomsg, linkAttrs } from '../lib/wire/link.js';
import { metricsTable, routeAttrs, rtmsg } from '../lib/wire/route.js';

/** One attribute: header (with `len` as given, or the true one), payload, padding. */
function attr(type: number, payload: Buffer | number[], len?: number): Buffer {
  const p = Buffer.from(payload);
  const b = Buffer.alloc(4 + p.length + ((4 - (p.length % 4)) % 4));
  b.writeUInt16LE(len ?? 4 + p.length, 0);
  b.writeUInt16LE(type, 2);
  p.copy(b, 4);
  return b;
}

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};

function linkMsg(...attrs: Buffer[]): Buffer {
  const w = new Writer(64);
  ifinfomsg.encode(w, { family: 0, type: 1, index: 7, flags: 1, change: 0 }, 'test');
  return Buffer.concat([w.buf.subarray(0, w.pos), ...attrs]);
}

function routeMsg(...attrs: Buffer[]): Buffer {
  const w = new Writer(64);
  rtmsg.encode(w, { family: 2, dstLen: 24, srcLen: 0, tos: 0, table: 254, protocol: 4, scope: 0, type: 1, flags: 0 }, 'test');
  return Buffer.concat([w.buf.subarray(0, w.pos), ...attrs]);
}

/** Runs `fn`, expecting a DecodeError for `path`; returns it. */
function decodeError(fn: () => unknown, path: string): DecodeError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DecodeError);
  expect((err as DecodeError).path).toBe(path);
  expect((err as DecodeError).code).toBe('ERR_NETLINK_DECODE');
  return err as DecodeError;
}

const link = (b: Buffer) => parseLink(b, 0, b.length);
const route = (b: Buffer) => parseRoute(b, 0, b.length);
const IFLA = (name: string) => linkAttrs.idOf(name);
const RTA = (name: Parameters<typeof routeAttrs.idOf>[0]) => routeAttrs.idOf(name);

describe('attribute lengths are checked per type before they are read', () => {
  it('a 1-byte IFLA_MTU', () => {
    const e = decodeError(() => link(linkMsg(attr(IFLA('mtu'), [1]))), 'link.mtu');
    expect(e.message).toMatch(/1 byte.*exactly 4 bytes/);
  });

  it('a 3-byte IPv4 RTA_DST', () => {
    decodeError(() => route(routeMsg(attr(RTA('dst'), [10, 0, 0]))), 'route.dst');
  });

  it('IP addresses are 4 or 16 bytes, fixed-size integers exactly their size', () => {
    decodeError(() => route(routeMsg(attr(RTA('gateway'), Buffer.alloc(8)))), 'route.gateway');
    decodeError(() => route(routeMsg(attr(RTA('oif'), Buffer.alloc(8)))), 'route.oif');
    decodeError(() => link(linkMsg(attr(IFLA('carrier'), [1, 0]))), 'link.carrier');
    decodeError(() => link(linkMsg(attr(IFLA('linkNetnsid'), [1, 2, 3]))), 'link.linkNetnsid');
    // strings and binary: any length; a link-layer address: any length
    expect(link(linkMsg(attr(IFLA('name'), Buffer.from('x')), attr(IFLA('address'), [2, 0, 0]))).name).toBe('x');
  });

  it('a struct decodes the fields that fit (newer kernels append, older send fewer)', () => {
    const stats = Buffer.alloc(8 * 3 + 5);
    stats.writeUInt32LE(11, 0);
    stats.writeUInt32LE(22, 8);
    stats.writeUInt32LE(1, 16 + 4); // high half of the third counter: 2^32
    expect(link(linkMsg(attr(IFLA('stats64'), stats))).stats64).toEqual({ rxPackets: 11, txPackets: 22, rxBytes: 2 ** 32 });
  });

  it('nests are checked recursively, bounded by their parent', () => {
    const metrics = attr(metricsTable.idOf('mtu'), [1, 2]);
    decodeError(() => route(routeMsg(attr(RTA('metrics'), metrics))), 'route.metrics.mtu');
    const info = attr(linkinfoAttrs.idOf('info'), attr(kinds.bridge.data!.idOf('forwardDelay'), [1, 0]));
    const li = attr(IFLA('linkinfo'), Buffer.concat([attr(linkinfoAttrs.idOf('kind'), Buffer.from('bridge')), info]));
    decodeError(() => link(linkMsg(li)), 'link.linkinfo.info.forwardDelay');
  });

  it('each path of RTA_MULTIPATH: its head checked, its attributes named by index', () => {
    const nh = (gw: number[]) => {
      const inner = attr(RTA('gateway'), gw);
      const h = Buffer.alloc(8);
      h.writeUInt16LE(8 + inner.length, 0);
      h[3] = 0;
      h.writeInt32LE(2, 4);
      return Buffer.concat([h, inner]);
    };
    decodeError(() => route(routeMsg(attr(RTA('multipath'), Buffer.concat([nh([10, 0, 0, 1]), nh([10, 0, 0])])))), 'route.multipath[1].gateway');
    const bad = Buffer.concat([nh([10, 0, 0, 1])]);
    bad.writeUInt16LE(200, 0); // rtnh_len past the attribute
    decodeError(() => route(routeMsg(attr(RTA('multipath'), bad))), 'route.multipath[0]');
    const ok = route(routeMsg(attr(RTA('dst'), [10, 9, 0, 0]), attr(RTA('multipath'), Buffer.concat([nh([10, 0, 0, 1]), nh([10, 0, 0, 2])]))));
    expect(ok?.nexthops?.map((n) => n.gateway)).toEqual(['10.0.0.1', '10.0.0.2']);
  });
});

describe('malformed messages', () => {
  it('an attribute length past the message', () => {
    const a = attr(IFLA('mtu'), u32(1500));
    a.writeUInt16LE(40, 0);
    const e = decodeError(() => link(linkMsg(a)), 'link.mtu');
    expect(e.message).toMatch(/runs past its parent/);
    // an unknown attribute that overruns is named by its number
    const u = attr(999, u32(1));
    u.writeUInt16LE(40, 0);
    expect(decodeError(() => link(linkMsg(u)), 'link').message).toMatch(/attribute 999/);
  });

  it('an attribute length below its own header', () => {
    const a = attr(IFLA('mtu'), u32(1500));
    a.writeUInt16LE(2, 0);
    decodeError(() => link(linkMsg(a)), 'link.mtu');
  });

  it('a truncated ifinfomsg, rtmsg', () => {
    const e = decodeError(() => link(linkMsg().subarray(0, 10)), 'link');
    expect(e.message).toMatch(/ifinfomsg/);
    decodeError(() => route(routeMsg().subarray(0, 11)), 'route');
  });

  it('a message end past the buffer', () => {
    const b = linkMsg();
    decodeError(() => parseLink(b, 0, b.length + 4), 'link');
  });

  it('a nested attribute overrunning its nest', () => {
    const kind = attr(linkinfoAttrs.idOf('kind'), Buffer.from('veth'));
    kind.writeUInt16LE(kind.length + 8, 0); // runs past IFLA_LINKINFO, not past the message
    const li = attr(IFLA('linkinfo'), kind);
    decodeError(() => link(linkMsg(li, attr(IFLA('mtu'), u32(1500)), attr(IFLA('group'), u32(0)))), 'link.linkinfo.kind');
  });

  it('unknown attribute ids are skipped, never fatal; padding after the last attribute is fine', () => {
    const l = link(linkMsg(attr(999, [1, 2, 3]), attr(IFLA('mtu'), u32(1400)), Buffer.from([0, 0])));
    expect(l).toMatchObject({ index: 7, mtu: 1400, up: true });
  });
});

describe('valid messages decode as before', () => {
  const fixtures = JSON.parse(readFileSync(new URL('./fixtures/replies.json', import.meta.url), 'utf8')) as {
    replies: { name: string; request: string; messages: string[] }[];
  };
  const messages = (name: string, request: string) =>
    fixtures.replies.filter((r) => r.name === name && r.request === request).flatMap((r) => r.messages.map((h) => Buffer.from(h, 'hex')));

  it('links of the captured topology', () => {
    const links = messages('link.list', 'RTM_GETLINK').map((m) => parseLink(m, 16, m.readUInt32LE(0)));
    const by = (n: string) => links.find((l) => l.name === n)!;
    expect(by('lo')).toMatchObject({ linkType: 'loopback', up: true });
    expect(by('va')).toMatchObject({ kind: 'veth', mtu: 1400, alias: 'side a', up: true });
    expect(by('vb')).toMatchObject({ slaveKind: 'bridge', slaveInfo: { cost: 7, priority: 3, learning: false, hairpin: true } });
    expect(by('br0')).toMatchObject({ kind: 'bridge', info: { forwardDelay: 400, helloTime: 100, priority: 4096, noLinklocalLearn: true } });
    expect(by('vx0')).toMatchObject({ kind: 'vxlan', info: { id: 42, remote: '192.0.2.9', dstport: 4789, portRange: { low: 1000, high: 2000 } } });
    expect(by('ve').linkNetnsid).toBe(5);
    expect(by('va').stats64).toMatchObject({ rxPackets: expect.any(Number) });
  });

  it('routes of the captured topology', () => {
    const routes = messages('route.list', 'RTM_GETROUTE').map((m) => parseRoute(m, 16, m.readUInt32LE(0))!);
    const by = (dst: string) => routes.find((r) => r.dst === dst)!;
    expect(by('10.1.0.0/24')).toMatchObject({ gateway: '10.0.0.254', metric: 5, metrics: { mtu: 1400, lock: ['mtu'], ccAlgo: 'cubic' } });
    expect(by('10.2.0.0/24').nexthops).toMatchObject([{ gateway: '10.0.0.253', weight: 2 }, { gateway: '10.0.1.252' }, { realm: 4 }]);
    expect(by('10.7.0.0/24')).toMatchObject({ table: 1000, tos: 8, protocol: 'bird' });
    expect(by('10.10.0.0/24').gateway).toBe('2001:db8::77');
    expect(by('2001:db8:3::/48')).toMatchObject({ pref: 'high', table: 100 });
  });
});
