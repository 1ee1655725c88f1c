import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetlinkError, type Rule } from '../lib/index.js';
import { clean, haveIp, ipJson, makeNetns, type TestNetns } from './helpers.js';

const hex = (v: unknown) => (typeof v === 'string' ? Number(v) : v);

/** `ip -j [-6] rule show` reshaped into what `rule.list` returns (the fields `ip` prints). */
function ipRules(ns: TestNetns, family: '-4' | '-6'): Record<string, unknown>[] {
  return (ipJson(ns, family, 'rule', 'show') as Record<string, any>[]).map((r) => {
    const pfx = (a: string | undefined, len: number | undefined) => (a === undefined || a === 'all' ? undefined : len === undefined ? a : `${a}/${len}`);
    const range = (one: unknown, a: unknown, b: unknown) => (one !== undefined ? one : a === undefined ? undefined : a === b ? a : [a, b]);
    return clean({
      priority: r.priority,
      not: 'not' in r ? true : undefined,
      from: pfx(r.src, r.srclen),
      to: pfx(r.dst, r.dstlen),
      tos: hex(r.tos),
      fwmark: hex(r.fwmark),
      fwmask: hex(r.fwmask),
      iif: r.iif,
      oif: r.oif,
      table: r.table === undefined ? undefined : /^\d+$/.test(r.table) ? Number(r.table) : r.table,
      action: r.action ?? (r.goto !== undefined ? 'goto' : 'nop' in r ? 'nop' : 'lookup'),
      goto: r.goto,
      suppressPrefixlen: r.suppress_prefixlen,
      ipproto: r.ipproto,
      sport: range(r.sport, r.sport_start, r.sport_end),
      dport: range(r.dport, r.dport_start, r.dport_end),
      uidrange: range(undefined, r.uid_start, r.uid_end),
    });
  });
}

function ours(list: Rule[]): Record<string, unknown>[] {
  return list.map((r) =>
    clean({
      priority: r.priority,
      not: r.not,
      from: r.from,
      to: r.to,
      tos: r.tos,
      fwmark: r.fwmark,
      fwmask: r.fwmask === 0xffffffff ? undefined : r.fwmask, // ip leaves the full mask out
      iif: r.iif,
      oif: r.oif,
      table: r.table,
      action: r.action,
      goto: r.goto,
      suppressPrefixlen: r.suppressPrefixlen,
      ipproto: r.ipproto,
      sport: r.sport,
      dport: r.dport,
      uidrange: r.uidrange,
    }),
  );
}

describe('rule', () => {
  let ns: TestNetns;
  beforeAll(async () => {
    ns = makeNetns();
    await ns.nl.link.set('lo', { up: true });
    await ns.nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } } });
  });
  afterAll(async () => {
    await ns?.close();
  });

  it('lists the default rules of a new namespace', async () => {
    const rules = await ns.nl.rule.list();
    expect(rules.map((r) => `${r.family} ${r.priority} ${r.action} ${r.table}`)).toEqual([
      'inet 0 lookup local',
      'inet 32766 lookup main',
      'inet 32767 lookup default',
      'inet6 0 lookup local',
      'inet6 32766 lookup main',
    ]);
    expect(rules.every((r) => r.protocol === 'kernel')).toBe(true);
  });

  it('round-trips IPv4 and IPv6 rules: what was set lists back equal', async () => {
    const nl = ns.nl;
    const set = [
      { priority: 100, fwmark: 0x10, fwmask: 0xff, table: 100 },
      { priority: 200, from: '10.0.0.0/8', to: '192.168.0.0/16', iif: 'va', action: 'blackhole' },
      { priority: 210, from: '10.1.0.0/16', oif: 'vb', action: 'unreachable' },
      { priority: 220, to: '10.2.0.5', action: 'prohibit', tos: 0x10 },
      { priority: 230, goto: 32766 },
      { priority: 240, action: 'nop' },
      { priority: 250, not: true, fwmark: 1, table: 'main', sport: [1000, 2000], dport: 53, ipproto: 'udp', uidrange: 0 }, // uid 0 is mapped rootless too
      { priority: 260, table: 'main', suppressPrefixlen: 0 },
      { priority: 270, table: 5000, protocol: 'static' },
      { priority: 300, from: '2001:db8::/32', table: 1000, suppressPrefixlen: 0 },
      { priority: 310, family: 'inet6', fwmark: 7, action: 'prohibit' },
    ] as const;
    for (const r of set) await nl.rule.add(r);
    const got = await nl.rule.list();
    for (const r of set) {
      const l = got.find((x) => x.priority === r.priority)!;
      const expected: Record<string, unknown> = { ...r };
      delete expected.family;
      if (!('action' in r) && !('goto' in r)) expected.action = 'lookup';
      expect(l, JSON.stringify(r)).toMatchObject(expected);
      expect(l.family).toBe('from' in r && r.from.includes(':') ? 'inet6' : 'family' in r ? r.family : 'inet');
    }
    expect(got.find((x) => x.priority === 230)).toMatchObject({ action: 'goto', goto: 32766 });
    // a rule without priority gets one from the kernel (just before the last one added)
    await nl.rule.add({ fwmark: 0x99, table: 99 });
    const auto = (await nl.rule.list({ fwmark: 0x99 }))[0];
    expect(auto.priority).toBeGreaterThan(0);
    expect(auto.priority).toBeLessThan(32766);
  });

  it.skipIf(!haveIp())('lists what `ip -j rule show` shows', async () => {
    expect(ours(await ns.nl.rule.list({ family: 'inet' }))).toEqual(ipRules(ns, '-4'));
    expect(ours(await ns.nl.rule.list({ family: 'inet6' }))).toEqual(ipRules(ns, '-6'));
  });

  it('filters', async () => {
    const nl = ns.nl;
    expect((await nl.rule.list({ table: 100 })).map((r) => r.priority)).toEqual([100]);
    expect((await nl.rule.list({ table: 'main' })).map((r) => `${r.family} ${r.priority}`)).toEqual(['inet 250', 'inet 260', 'inet 32766', 'inet6 32766']);
    expect((await nl.rule.list({ iif: 'va' })).map((r) => r.priority)).toEqual([200]);
    expect((await nl.rule.list({ action: 'prohibit' })).map((r) => r.priority)).toEqual([220, 310]);
    expect((await nl.rule.list({ priority: 0 })).length).toBe(2);
    expect((await nl.rule.list({ protocol: 'static' })).map((r) => r.priority)).toEqual([270]);
    const streamed: Rule[] = [];
    for await (const r of nl.rule.stream({ family: 'inet6' })) streamed.push(r);
    expect(streamed).toEqual(await nl.rule.list({ family: 'inet6' }));
    expect(nl.sync.rule.list({ family: 'inet6' })).toEqual(streamed);
  });

  it('deletes by selectors, a listed rule, and flushes', async () => {
    const nl = ns.nl;
    await nl.rule.del({ priority: 200 });
    await nl.rule.del({ fwmark: 0x10, fwmask: 0xff, table: 100 });
    const [l] = await nl.rule.list({ priority: 250 });
    await nl.rule.del(l);
    const left = (await nl.rule.list()).map((r) => r.priority);
    for (const p of [100, 200, 250]) expect(left).not.toContain(p);
    const e = await nl.rule.del({ priority: 4242 }).catch((x) => x);
    expect(e).toBeInstanceOf(NetlinkError);
    expect(e).toMatchObject({ code: 'ENOENT', syscall: 'RTM_DELRULE' });
    expect(await nl.rule.flush({ family: 'inet', table: 99 })).toBe(1);
    const v6 = (await nl.rule.list({ family: 'inet6' })).length;
    // `ip -6 rule flush`: everything but the local lookup at priority 0
    expect(await nl.rule.flush({ family: 'inet6' })).toBe(v6 - 1);
    expect((await nl.rule.list({ family: 'inet6' })).map((r) => r.priority)).toEqual([0]);
  });

  it('refuses bad input before anything is sent', async () => {
    const nl = ns.nl;
    const before = await nl.rule.list();
    const bad: [unknown, new (...a: any[]) => Error, RegExp][] = [
      [{ from: '10.0.0.0/33' }, RangeError, /0\.\.32/],
      [{ from: '10.0.0.0/8', to: '2001:db8::/32' }, TypeError, /family mismatch/],
      [{ from: '10.0.0.0/8', family: 'inet6' }, TypeError, /family mismatch/],
      [{ to: 'everywhere' }, TypeError, /IPv4 or IPv6/],
      [{ table: 0 }, RangeError, /table/],
      [{ table: 2 ** 32 }, RangeError, /table/],
      [{ table: 'bogus' }, TypeError, /table/],
      [{ action: 'teleport' }, TypeError, /action/],
      [{ action: 'goto' }, TypeError, /goto/],
      [{ priority: -1 }, RangeError, /priority/],
      [{ fwmark: 2 ** 32 }, RangeError, /fwmark/],
      [{ sport: [2000, 1000] }, RangeError, /sport/],
      [{ iif: 'bad name' }, TypeError, /interface name/],
      [{ flowlabel: 5 }, TypeError, /IPv6/],
      [{ pref: 5 }, TypeError, /unknown option 'pref'/],
      [{ priority: 501, action: 'lookup', table: 'main', goto: 5 }, TypeError, /goto is the target of action 'goto'/],
    ];
    for (const [o, cls, re] of bad) {
      const e = await nl.rule.add(o as never).catch((x) => x);
      expect(e, JSON.stringify(o)).toBeInstanceOf(cls);
      expect(String(e.message), JSON.stringify(o)).toMatch(re);
    }
    expect(await nl.rule.list()).toEqual(before);
  });

  it('kernel refusals carry code, errno, request and extack', async () => {
    const nl = ns.nl;
    await nl.rule.add({ priority: 500, fwmark: 5, table: 5 });
    const e = await nl.rule.add({ priority: 500, fwmark: 5, table: 5 }).catch((x) => x);
    expect(e).toBeInstanceOf(NetlinkError);
    expect(e).toMatchObject({ code: 'EEXIST', errno: -17, syscall: 'RTM_NEWRULE' });
    // without a priority the kernel picks one (just below the lowest non-zero one): a jump to 1 goes backwards
    const f = await nl.rule.add({ goto: 1 }).catch((x) => x);
    expect(f).toBeInstanceOf(NetlinkError);
    expect(f.code).toBe('EINVAL');
    expect(f.extack).toMatch(/backward goto/i);
  });
});

describe('rule: policy routing', () => {
  it.skipIf(!haveIp())('a rule for a fwmark to table 100 with a local default route there (the kernel selftest)', async () => {
    const ns = makeNetns();
    try {
      const nl = ns.nl;
      await nl.link.set('lo', { up: true });
      await nl.rule.add({ fwmark: 0x10, table: 100 });
      await nl.route.add({ dst: 'default', type: 'local', dev: 'lo', table: 100 });
      await nl.rule.add({ family: 'inet6', fwmark: 0x10, table: 100 });
      await nl.route.add({ dst: '::/0', type: 'local', dev: 'lo', table: 100 });

      const r = await nl.route.get('198.51.100.7', { mark: 0x10 });
      expect(r).toMatchObject({ type: 'local', table: 100, dev: 'lo', mark: 0x10 });
      const [j] = ipJson(ns, 'route', 'get', '198.51.100.7', 'mark', '0x10');
      expect({ type: j.type, table: Number(j.table), dev: j.dev, prefsrc: j.prefsrc, mark: j.mark }).toEqual({ type: r.type, table: r.table, dev: r.dev, prefsrc: r.prefsrc, mark: r.mark });

      const r6 = await nl.route.get('2001:db8::7', { mark: 0x10 });
      expect(r6).toMatchObject({ type: 'local', table: 100, dev: 'lo' });
      const [j6] = ipJson(ns, 'route', 'get', '2001:db8::7', 'mark', '0x10');
      expect({ type: j6.type, table: Number(j6.table), dev: j6.dev }).toEqual({ type: r6.type, table: r6.table, dev: r6.dev });

      // without the mark there is no route at all
      const e = await nl.route.get('198.51.100.7').catch((x) => x);
      expect(e).toMatchObject({ code: 'ENETUNREACH', syscall: 'RTM_GETROUTE' });
      // another mark: neither
      expect(await nl.route.get('198.51.100.7', { mark: 0x11 }).catch((x) => x.code)).toBe('ENETUNREACH');
    } finally {
      await ns.close();
    }
  });
});
