import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetlinkError, type Addrlabel } from '../lib/index.js';
import { captureAll, captureLib, goldenCases, haveStrace, hex } from './golden.js';
import { clean, haveIp, ipJson, makeNetns, withNs, type TestNetns, why } from './helpers.js';

/** `ip -j addrlabel list` reshaped into what `addrlabel.list` returns. */
function ipLabels(ns: TestNetns): Record<string, unknown>[] {
  return (ipJson(ns, 'addrlabel', 'list') as Record<string, any>[]).map((l) => clean({ prefix: `${l.address}/${l.prefixlen}`, label: l.label, dev: l.ifname }));
}
const ours = (l: Addrlabel[]) => l.map((x) => clean({ ...x }));

/** The kernel's default policy (RFC 6724 as Linux has it), most specific first. */
const DEFAULTS = [
  { prefix: '::1/128', label: 0 },
  { prefix: '::/96', label: 3 },
  { prefix: '::ffff:0.0.0.0/96', label: 4 },
  { prefix: '2001::/32', label: 6 },
  { prefix: '2001:10::/28', label: 7 },
  { prefix: '3ffe::/16', label: 12 },
  { prefix: '2002::/16', label: 2 },
  { prefix: 'fec0::/10', label: 11 },
  { prefix: 'fc00::/7', label: 5 },
  { prefix: '::/0', label: 1 },
];

describe('addrlabel', () => {
  let ns: TestNetns;
  beforeAll(async () => {
    ns = makeNetns();
    await ns.nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } } });
  });
  afterAll(async () => {
    await ns?.close();
  });

  it("lists the kernel's default labels in a new namespace", async () => {
    expect(await ns.nl.addrlabel.list()).toEqual(DEFAULTS);
  });

  it('adds labels (on a link too); they list back as set, as ip shows them', async () => {
    const nl = ns.nl;
    await nl.addrlabel.add({ prefix: '2001:db8::/32', label: 100 });
    await nl.addrlabel.add({ prefix: '2001:db8:1::/48', label: 101, dev: 'va' });
    await nl.addrlabel.add({ prefix: '2001:db8:2::5', label: 102 });
    await nl.addrlabel.add({ prefix: '::ffff:0.0.0.0/96', label: 103, dev: 'vb' });
    const got = await nl.addrlabel.list();
    expect(got).toContainEqual({ prefix: '2001:db8::/32', label: 100 });
    expect(got).toContainEqual({ prefix: '2001:db8:1::/48', label: 101, dev: 'va' });
    expect(got).toContainEqual({ prefix: '2001:db8:2::5/128', label: 102 });
    expect(got).toContainEqual({ prefix: '::ffff:0.0.0.0/96', label: 103, dev: 'vb' });
    expect(got.length).toBe(DEFAULTS.length + 4);
    if (haveIp()) expect(ours(got)).toEqual(ipLabels(ns));
    expect(nl.sync.addrlabel.list()).toEqual(got);
  });

  it('filters', async () => {
    const nl = ns.nl;
    expect(await nl.addrlabel.list({ dev: 'vb' })).toEqual([{ prefix: '::ffff:0.0.0.0/96', label: 103, dev: 'vb' }]);
    expect(await nl.addrlabel.list({ dev: 'va' })).toEqual([{ prefix: '2001:db8:1::/48', label: 101, dev: 'va' }]);
    expect(await nl.addrlabel.list({ label: 100 })).toEqual([{ prefix: '2001:db8::/32', label: 100 }]);
    expect(await nl.addrlabel.list({ prefix: '::/0' })).toEqual([{ prefix: '::/0', label: 1 }]);
    expect(await nl.addrlabel.list({ prefix: '2001:db8::/33' })).toEqual([]);
  });

  it('refuses a prefix labelled twice; deletes by prefix and label, or a listed object', async () => {
    const nl = ns.nl;
    const e = await nl.addrlabel.add({ prefix: '2001:db8::/32', label: 200 }).catch((x) => x);
    expect(e).toBeInstanceOf(NetlinkError);
    expect(e).toMatchObject({ code: 'EEXIST', syscall: 'RTM_NEWADDRLABEL' });
    await nl.addrlabel.del({ prefix: '2001:db8::/32', label: 100 });
    const [l] = await nl.addrlabel.list({ dev: 'va' });
    await nl.addrlabel.del(l as never);
    const left = await nl.addrlabel.list();
    expect(left.some((x) => x.label === 100 || x.label === 101)).toBe(false);
    const f = await nl.addrlabel.del({ prefix: '2001:db8::/32', label: 100 }).catch((x) => x);
    expect(f).toBeInstanceOf(NetlinkError);
    expect(f.syscall).toBe('RTM_DELADDRLABEL');
    expect(f.code).toBe('ESRCH');
  });

  it('refuses bad input before anything is sent', async () => {
    const nl = ns.nl;
    const before = await nl.addrlabel.list();
    const bad: [() => Promise<unknown>, new (...a: any[]) => Error, RegExp][] = [
      [() => nl.addrlabel.add({ prefix: '10.0.0.0/8', label: 1 }), TypeError, /addrlabel\.prefix must be an IPv6 prefix/],
      [() => nl.addrlabel.add({ prefix: '2001:db8::/129', label: 1 }), RangeError, /addrlabel\.prefix/],
      [() => nl.addrlabel.add({ prefix: '::ffff:10.0.0.0/104', label: 1 }), RangeError, /IPv4-mapped prefix is at most \/96/],
      [() => nl.addrlabel.add({ prefix: '::10.0.0.0/104', label: 1 }), RangeError, /IPv4-compatible prefix is at most \/96/],
      [() => nl.addrlabel.add({ prefix: '::1/127', label: 1 }), RangeError, /::1\/128 only/],
      [() => nl.addrlabel.add({ prefix: 'fe80::1%va/64', label: 1 }), TypeError, /addrlabel\.prefix/],
      [() => nl.addrlabel.add({ prefix: '2001:db8::/32' } as never), TypeError, /addrlabel\.label is required/],
      [() => nl.addrlabel.add({ label: 1 } as never), TypeError, /addrlabel\.prefix is required/],
      [() => nl.addrlabel.add({ prefix: '2001:db8::/32', label: 0xffffffff }), RangeError, /addrlabel\.label/],
      [() => nl.addrlabel.add({ prefix: '2001:db8::/32', label: -1 }), RangeError, /addrlabel\.label/],
      [() => nl.addrlabel.add({ prefix: '2001:db8::/32', label: 1, dev: 'a b' }), TypeError, /addrlabel\.dev/],
      [() => nl.addrlabel.add({ prefix: '2001:db8::/32', label: 1, lable: 2 } as never), TypeError, /unknown option 'lable' \(did you mean 'label'\?\)/],
      [() => nl.addrlabel.del({ prefix: '2001:db8::/32' } as never), TypeError, /addrlabel\.label is required/],
      [() => nl.addrlabel.list({ label: 'x' } as never), TypeError, /filter\.label/],
      [() => nl.addrlabel.flush(undefined as never), TypeError, /needs a filter/],
      [() => nl.addrlabel.flush({}), TypeError, /needs a filter/],
      [() => nl.addrlabel.flush({ all: 1 } as never), TypeError, /filter\.all/],
    ];
    for (const [call, cls, re] of bad) {
      const { messages, error } = await captureLib(ns, call);
      expect(error, String(call)).toBeInstanceOf(cls);
      expect(String((error as Error).message), String(call)).toMatch(re);
      expect(messages, String(call)).toEqual([]);
    }
    expect(() => nl.sync.addrlabel.add({ prefix: '10.0.0.0/8', label: 1 })).toThrow(TypeError);
    expect(await nl.addrlabel.list()).toEqual(before);
  });

  it('flushes by filter, then everything (the defaults too) with all: true', async () => {
    const nl = ns.nl;
    await nl.addrlabel.add({ prefix: '2001:db8:7::/48', label: 7007, dev: 'va' });
    expect(await nl.addrlabel.flush({ dev: 'va' })).toBe(1);
    const n = (await nl.addrlabel.list()).length;
    expect(await nl.addrlabel.flush({ all: true })).toBe(n);
    expect(await nl.addrlabel.list()).toEqual([]);
    if (haveIp()) expect(ipLabels(ns)).toEqual([]);
  });
});

// Golden bytes: `ip addrlabel …` and the library's call for it (v0/v1 made in both namespaces).
const setup = [['addrlabel', 'add', 'prefix', '2001:db8::/32', 'label', '100']];
goldenCases('addrlabel: golden bytes against iproute2', [
  { name: 'add', tool: 'ip', tc: ['addrlabel', 'add', 'prefix', '2001:db8::/32', 'label', '100'], lib: (nl) => nl.addrlabel.add({ prefix: '2001:db8::/32', label: 100 }) },
  { name: 'add dev', tool: 'ip', tc: ['addrlabel', 'add', 'prefix', '2001:db8:1::/48', 'label', '101', 'dev', 'v0'], lib: (nl) => nl.addrlabel.add({ prefix: '2001:db8:1::/48', label: 101, dev: 'v0' }) },
  { name: 'add host', tool: 'ip', tc: ['addrlabel', 'add', 'prefix', '2001:db8::5', 'label', '5'], lib: (nl) => nl.addrlabel.add({ prefix: '2001:db8::5', label: 5 }) },
  { name: 'add v4-mapped dev', tool: 'ip', tc: ['addrlabel', 'add', 'prefix', '::ffff:0.0.0.0/96', 'label', '9', 'dev', 'v1'], lib: (nl) => nl.addrlabel.add({ prefix: '::ffff:0.0.0.0/96', label: 9, dev: 'v1' }) },
  { name: 'del', tool: 'ip', setup, tc: ['addrlabel', 'del', 'prefix', '2001:db8::/32', 'label', '100'], lib: (nl) => nl.addrlabel.del({ prefix: '2001:db8::/32', label: 100 }) },
]);

// Dumps (sent with sendto by iproute2) and flush, which deletes each label exactly as dumped (ifal_seq included).
describe.skipIf(!haveStrace())('addrlabel: list and flush against iproute2' + why(!haveStrace(), 'strace cannot run here (not installed, or no ptrace)'), () => {
  it('ip addrlabel list', async () => {
    const theirs = await withNs(async (ns) => captureAll(ns, 'ip', ['addrlabel', 'list']));
    const mine = await withNs(async (ns) => (await captureLib(ns, () => ns.nl.addrlabel.list())).messages);
    expect(theirs.length).toBe(1);
    expect(mine.map(hex)).toEqual(theirs.map(hex));
  });
  it('ip addrlabel flush', async () => {
    const prep = async (ns: TestNetns) => {
      await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
      await ns.nl.addrlabel.add({ prefix: '2001:db8::/32', label: 100, dev: 'v0' });
    };
    const theirs = await withNs(async (ns) => (await prep(ns), captureAll(ns, 'ip', ['addrlabel', 'flush'])));
    const mine = await withNs(async (ns) => (await prep(ns), (await captureLib(ns, () => ns.nl.addrlabel.flush({ all: true }))).messages));
    expect(theirs.length).toBe(DEFAULTS.length + 2); // the dump, then every label
    expect(mine.map(hex)).toEqual(theirs.map(hex));
  });
});
