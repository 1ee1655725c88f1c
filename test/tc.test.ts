/**
 * Traffic control, live: qdiscs, classes, filters and actions added, changed
 * and deleted in throw-away namespaces, read back by our lists and by
 * `tc -j -s … show` run inside the same namespace, field by field; counters
 * moved by real traffic between two namespaces; the IFB recipe; monitor,
 * batch, the sync API, a handle opened into another namespace, and the
 * kernel's refusals. Only what this branch writes and this kernel has:
 * htb, pfifo, bfifo, ingress, clsact, u32, mirred (gact, matchall, ifb and
 * tbf are checked for and skipped when missing).
 */
import { execFileSync } from 'node:child_process';
import type { Socket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { monitor, NetlinkError, open, type Filter, type MonitorEvent, type Qdisc, type TcClass } from '../lib/index.js';
import { udp } from '../lib/netns.js';
import { agree, makeNetns, toolEnv, withNs, type TestNetns } from './helpers.js';

// ---------------------------------------------------------------------------
// tc(8) inside a test namespace

let tcChecked: boolean | undefined;
function haveTc(): boolean {
  if (tcChecked === undefined) {
    try {
      execFileSync('tc', ['-V'], { stdio: 'ignore', env: toolEnv() });
      execFileSync('nsenter', ['--version'], { stdio: 'ignore', env: toolEnv() });
      tcChecked = true;
    } catch {
      tcChecked = false;
    }
  }
  return tcChecked;
}
const itTc = (name: string, fn: () => Promise<void>) => (haveTc() ? it(name, fn) : it.skip(`${name} (tc or nsenter not installed)`, fn));

function tcRun(ns: TestNetns, ...args: string[]): string {
  return execFileSync('nsenter', [`--net=${ns.path}`, 'tc', ...args], { encoding: 'utf8', env: toolEnv() });
}
/** `tc -j ARGS…`, parsed; repeated keys (u32's `match`) become arrays under `match`. */
function tcJson(ns: TestNetns, ...args: string[]): any[] {
  let out = tcRun(ns, '-j', ...args).trim();
  if (!out) return [];
  let n = 0;
  out = out.replace(/"match":\{/g, () => `"match#${n++}":{`);
  return JSON.parse(out, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => k.startsWith('match#'))) {
      const o: Record<string, unknown> = {};
      const match: unknown[] = [];
      for (const [k, x] of Object.entries(v)) if (k.startsWith('match#')) match.push(x);
      else o[k] = x;
      o.match = match;
      return o;
    }
    return v;
  });
}

/** tc's rate and size words ('1Mbit', '1600b', '15Kb') as numbers. */
function tcNumber(s: string): number {
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(s);
  if (!m) throw new Error(`not a tc number: ${s}`);
  const scale: Record<string, number> = { bit: 1, Kbit: 1e3, Mbit: 1e6, Gbit: 1e9, Tbit: 1e12, b: 1, Kb: 1024, Mb: 1024 ** 2, Gb: 1024 ** 3, '': 1 };
  return Number(m[1]) * scale[m[2]];
}

/** A size as iproute2 6.1's sprint_size prints it (so '20468' is '20Kb'). */
function tcSize(sz: number): string {
  if (sz >= 1024 * 1024 && Math.abs(1024 * 1024 * Math.round(sz / (1024 * 1024)) - sz) < 1024) return `${Math.round(sz / (1024 * 1024))}Mb`;
  if (sz >= 1024 && Math.abs(1024 * Math.round(sz / 1024) - sz) < 16) return `${Math.round(sz / 1024)}Kb`;
  return `${sz}b`;
}

/** `tc -s class show dev D` (iproute2 6.1 prints htb classes as text even with -j), parsed. */
function tcClasses(ns: TestNetns, dev: string): Record<string, any>[] {
  const out = tcRun(ns, '-s', 'class', 'show', 'dev', dev);
  return out
    .split(/\n(?=class )/)
    .filter((b) => b.startsWith('class '))
    .map((block) => {
      const head = /^class (\S+) (\S+) (?:(root)|parent (\S+))(?: leaf (\S+))?(?: prio (\d+))? rate (\S+) ceil (\S+) burst (\S+) cburst (\S+)/.exec(block);
      if (!head) throw new Error(`unparsed class line: ${block}`);
      const sent = /Sent (\d+) bytes (\d+) pkt \(dropped (\d+), overlimits (\d+) requeues (\d+)\)/.exec(block)!;
      const backlog = /backlog (\d+)b (\d+)p/.exec(block)!;
      return {
        kind: head[1],
        classid: head[2],
        parent: head[3] ? 'root' : head[4],
        leaf: head[5],
        prio: head[6] === undefined ? undefined : Number(head[6]),
        rate: tcNumber(head[7]),
        ceil: tcNumber(head[8]),
        burst: head[9],
        cburst: head[10],
        stats: { bytes: Number(sent[1]), packets: Number(sent[2]), drops: Number(sent[3]), overlimits: Number(sent[4]), requeues: Number(sent[5]), backlog: Number(backlog[1]), qlen: Number(backlog[2]) },
      };
    });
}

/** The fields of our qdisc as `tc -j -s qdisc show` names them. */
function qdiscAsTc(q: Qdisc): Record<string, unknown> {
  const o: Record<string, unknown> = { kind: q.kind, handle: q.handle };
  if (q.parent === 'root') o.root = true;
  else o.parent = q.parent;
  if (q.refcnt !== 1) o.refcnt = q.refcnt;
  const opt = q.options ?? {};
  if (q.kind === 'htb') o.options = { r2q: opt.r2q, default: opt.default ? `0x${(opt.default as number).toString(16)}` : '0', direct_packets_stat: opt.directPacketsStat, direct_qlen: opt.directQlen };
  else if (q.kind === 'pfifo' || q.kind === 'bfifo') o.options = { limit: opt.limit };
  else o.options = {};
  Object.assign(o, q.stats);
  return o;
}
function tcQdisc(t: Record<string, any>): Record<string, unknown> {
  const { offloaded: _o, ...rest } = t;
  if (rest.kind === 'pfifo' || rest.kind === 'bfifo') rest.options = { limit: rest.options.limit };
  return rest;
}

async function qdiscsAgree(ns: TestNetns, dev: string): Promise<Qdisc[]> {
  const [ours, theirs] = await agree(
    () => ns.nl.tc.qdisc.list({ dev }),
    () => tcJson(ns, '-s', 'qdisc', 'show', 'dev', dev),
  );
  expect(ours.map(qdiscAsTc)).toEqual(theirs.map(tcQdisc));
  return ours;
}

async function classesAgree(ns: TestNetns, dev: string): Promise<TcClass[]> {
  const [ours, theirs] = await agree(
    () => ns.nl.tc.class.list({ dev }),
    () => tcClasses(ns, dev),
  );
  const byId = (a: { classid: string }, b: { classid: string }) => a.classid.localeCompare(b.classid);
  const mine = ours.map((c) => ({
    kind: c.kind,
    classid: c.classid,
    parent: c.parent,
    leaf: c.leaf,
    prio: c.options!.level ? undefined : c.options!.prio, // tc prints no prio for inner classes
    rate: c.options!.rate,
    ceil: c.options!.ceil,
    burst: tcSize(c.options!.burst as number),
    cburst: tcSize(c.options!.cburst as number),
    stats: c.stats,
  }));
  expect(mine.sort(byId)).toEqual(theirs.sort(byId));
  return ours;
}

/** Our u32 key as tc -j prints it. */
const keyAsTc = (k: { u32: number; mask: number; at: number; nexthdr?: boolean }) => ({ value: k.u32.toString(16), mask: k.mask.toString(16), offmask: k.nexthdr ? 'nexthdr+' : '', off: k.at });

function actionAsTc(a: Record<string, any>, order: number): Record<string, unknown> {
  const o: Record<string, unknown> = { order, kind: a.kind };
  if (a.kind === 'mirred') Object.assign(o, { mirred_action: a.mirredAction, direction: a.direction, to_dev: a.dev });
  Object.assign(o, { control_action: { type: a.control }, index: a.index, ref: a.ref, bind: a.bind });
  if (a.stats) o.stats = a.stats;
  return o;
}
function tcAction(t: Record<string, any>): Record<string, unknown> {
  const { installed: _i, last_used: _l, first_used: _f, not_in_hw: _n, used_hw_stats: _u, expires: _e, ...rest } = t;
  return rest;
}

/** Our filters against `tc -j -s filter show dev D PARENT…`, field by field (the per-pref heads tc prints are skipped). */
async function filtersAgree(ns: TestNetns, dev: string, parent: string): Promise<Filter[]> {
  const where = parent === 'ingress' || parent === 'egress' ? [parent] : ['parent', parent];
  // action times (tm, in jiffies) move by themselves: left out of the comparison
  const untimed = (l: Filter[]) => {
    for (const f of l) for (const a of (f.options?.actions as Record<string, unknown>[] | undefined) ?? []) delete a.tm;
    return l;
  };
  const [ours, theirs] = await agree(
    () => ns.nl.tc.filter.list({ dev, parent }).then(untimed),
    () => tcJson(ns, '-s', 'filter', 'show', 'dev', dev, ...where).filter((f) => f.options?.fh),
  );
  const mine = ours.map((f) => {
    const o = f.options ?? {};
    const t: Record<string, unknown> = { protocol: f.protocol, pref: f.pref, kind: f.kind, chain: f.chain, fh: f.handle };
    if (o.divisor !== undefined) t.ht_divisor = o.divisor;
    if (o.classid !== undefined) t.flowid = o.classid;
    if (o.match) t.match = (o.match as Parameters<typeof keyAsTc>[0][]).map(keyAsTc);
    if (o.actions) t.actions = (o.actions as Record<string, any>[]).map((a, i) => actionAsTc(a, i + 1));
    return t;
  });
  const tcs = theirs.map((f) => {
    const { fh, ht_divisor, flowid, match, actions } = f.options;
    const t: Record<string, unknown> = { protocol: f.protocol, pref: f.pref, kind: f.kind, chain: f.chain, fh };
    if (ht_divisor !== undefined) t.ht_divisor = ht_divisor;
    if (flowid !== undefined) t.flowid = flowid;
    if (match) t.match = match;
    if (actions) t.actions = actions.map(tcAction);
    return t;
  });
  expect(mine).toEqual(tcs);
  return ours;
}

// ---------------------------------------------------------------------------
// Topologies

/**
 * A veth pair (v0, v1) inside `ns`, left down: no packet moves (a mirred
 * redirect from v0 to v1 on an up pair would loop forever).
 */
async function vethPair(ns: TestNetns): Promise<void> {
  await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
}

/** Retries `fn` while the kernel is still letting go of something (filters are freed after an RCU grace period). */
async function eventually<T>(fn: () => Promise<T>, tries = 50): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= tries || !(e instanceof NetlinkError)) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Two namespaces joined by a veth: va 10.0.0.1 in `a`, vb 10.0.0.2 in `b`. */
async function withTwo(fn: (a: TestNetns, b: TestNetns) => Promise<void>): Promise<void> {
  await withNs(async (a) => {
    const b = makeNetns();
    try {
      await a.nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb', netns: { fd: b.fd } } } });
      await a.nl.address.add({ dev: 'va', address: '10.0.0.1/24' });
      await b.nl.address.add({ dev: 'vb', address: '10.0.0.2/24' });
      await a.nl.link.set('va', { up: true });
      await b.nl.link.set('vb', { up: true });
      await a.nl.link.set('lo', { up: true });
      await b.nl.link.set('lo', { up: true });
      await fn(a, b);
    } finally {
      await b.close();
    }
  });
}

/** Sends `n` datagrams of `size` bytes from a (10.0.0.1) to b (10.0.0.2:7000); resolves with how many b received. */
async function blast(a: TestNetns, b: TestNetns, n: number, size: number): Promise<number> {
  const tx = await udp({ fd: a.fd }, { address: '10.0.0.1' });
  const rx: Socket = await udp({ fd: b.fd }, { address: '10.0.0.2', port: 7000 });
  let got = 0;
  rx.on('message', () => got++);
  try {
    const payload = Buffer.alloc(size, 0x61);
    for (let i = 0; i < n; i++) await new Promise<void>((res, rej) => tx.send(payload, 7000, '10.0.0.2', (e) => (e ? rej(e) : res())));
    // sent one by one; wait for them to land (or stop moving)
    for (let i = 0, last = -1; i < 40 && got < n; i++) {
      await new Promise((r) => setTimeout(r, 25));
      if (got === last && i > 10) break;
      last = got;
    }
    return got;
  } finally {
    tx.close();
    rx.close();
  }
}

/** An ifb link, or undefined when this kernel has none. */
async function tryIfb(ns: TestNetns, name = 'ifb0'): Promise<boolean> {
  try {
    await ns.nl.link.add({ name, kind: 'ifb' });
    await ns.nl.link.set(name, { up: true });
    return true;
  } catch (e) {
    if (e instanceof NetlinkError && (e.code === 'EOPNOTSUPP' || e.code === 'ENOENT' || e.code === 'EINVAL')) return false;
    throw e;
  }
}

/**
 * Whether RTM_NEWACTION is allowed here: the kernel checks CAP_NET_ADMIN in
 * the initial user namespace for standalone actions (act_api's
 * netlink_capable), so a rootless run (a user namespace) gets EPERM.
 * Actions inside a filter are checked against the namespace and work.
 */
let actionsOk: boolean | undefined;
async function standaloneActions(): Promise<boolean> {
  if (actionsOk !== undefined) return actionsOk;
  return withNs(async (ns) => {
    try {
      await ns.nl.tc.action.add([{ kind: 'mirred', mirredAction: 'mirror', dev: 1, index: 1 }]);
      return (actionsOk = true);
    } catch (e) {
      if (e instanceof NetlinkError && e.code === 'EPERM') return (actionsOk = false);
      throw e;
    }
  });
}
const NO_ACTIONS = 'standalone tc actions need CAP_NET_ADMIN in the initial user namespace (EPERM rootless)';

let gactKnown: boolean | undefined;
async function haveGact(): Promise<boolean> {
  if (gactKnown !== undefined) return gactKnown;
  return withNs(async (ns) => {
    await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
    await ns.nl.tc.qdisc.add({ dev: 'v0', kind: 'clsact' });
    try {
      await ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', pref: 1, kind: 'u32', options: { actions: [{ kind: 'gact', control: 'pass' }] } });
      return (gactKnown = true);
    } catch (e) {
      if (e instanceof NetlinkError && e.code === 'ENOENT') return (gactKnown = false);
      throw e;
    }
  });
}

// ---------------------------------------------------------------------------

describe('qdiscs', () => {
  itTc('htb: add, change, replace, link, get, del; list equals tc -j -s qdisc show', async () => {
    await withNs(async (ns) => {
      await vethPair(ns);
      const tc = ns.nl.tc;
      expect(await tc.qdisc.add({ dev: 'v0', handle: '1:', kind: 'htb', options: { default: 0x10 } })).toEqual({ handle: '1:' });
      let [q] = await qdiscsAgree(ns, 'v0');
      expect(q).toMatchObject({ dev: 'v0', kind: 'htb', handle: '1:', parent: 'root', options: { r2q: 10, default: 0x10, directQlen: 1000 } });
      // an existing one is refused on add
      await expect(tc.qdisc.add({ dev: 'v0', handle: '1:', kind: 'htb' })).rejects.toMatchObject({ code: 'EEXIST', syscall: 'RTM_NEWQDISC' });

      // this kernel's htb has no change operation for the qdisc itself: the refusal says so
      const e = await tc.qdisc.change({ dev: 'v0', handle: '1:', kind: 'htb', options: { r2q: 5, default: '20' } }).catch((x) => x);
      expect(e).toMatchObject({ code: 'EINVAL', syscall: 'RTM_NEWQDISC' });
      expect(e.extack).toMatch(/change/i);
      // nor does replace at the same handle (it is a change); replace by another handle grafts a new one
      await expect(tc.qdisc.replace({ dev: 'v0', handle: '1:', kind: 'htb', options: { r2q: 7 } })).rejects.toMatchObject({ code: 'EINVAL' });
      expect(await tc.qdisc.replace({ dev: 'v0', handle: '2:', kind: 'htb', options: { r2q: 7, directQlen: 50, default: '20' } })).toEqual({ handle: '2:' });
      [q] = await qdiscsAgree(ns, 'v0');
      expect(q).toMatchObject({ handle: '2:', options: { r2q: 7, default: 0x20, directQlen: 50 } });
      // a kind at the same handle must match the existing one
      await expect(tc.qdisc.replace({ dev: 'v0', handle: '2:', kind: 'pfifo' })).rejects.toMatchObject({ code: 'EINVAL', extack: expect.stringMatching(/qdisc name/) });

      // link: grafts an existing qdisc only, never creates one
      await expect(tc.qdisc.link({ dev: 'v1', handle: '7:', kind: 'htb' })).rejects.toBeInstanceOf(NetlinkError);
      expect(await tc.qdisc.list({ dev: 'v1', kind: 'htb' })).toEqual([]);

      // get by handle, by parent, by index
      const byHandle = await tc.qdisc.get({ dev: 'v0', handle: '2:' });
      const byParent = await tc.qdisc.get({ dev: 'v0', parent: 'root' });
      const byIndex = await tc.qdisc.get({ index: byHandle.index, handle: '2:' });
      for (const g of [byHandle, byParent, byIndex]) expect({ ...g, stats: undefined }).toEqual({ ...q, stats: undefined });
      await expect(tc.qdisc.get({ dev: 'v0', handle: '9:' })).rejects.toMatchObject({ code: 'ENOENT' });

      await tc.qdisc.del({ dev: 'v0', parent: 'root' });
      const after = await tc.qdisc.list({ dev: 'v0' });
      expect(after.some((x) => x.kind === 'htb')).toBe(false);
      await expect(tc.qdisc.del({ dev: 'v0', handle: '2:', parent: 'root' })).rejects.toBeInstanceOf(NetlinkError);
    });
  });

  itTc('kernel-chosen handles: returned by add, equal to what list and tc show', async () => {
    await withNs(async (ns) => {
      await vethPair(ns);
      const tc = ns.nl.tc;
      const { handle } = await tc.qdisc.add({ dev: 'v1', kind: 'pfifo', options: { limit: 30 } });
      expect(handle).toMatch(/^[0-9a-f]+:$/);
      expect(handle).not.toBe('0:');
      const [q] = await qdiscsAgree(ns, 'v1');
      expect(q).toMatchObject({ kind: 'pfifo', handle, parent: 'root', options: { limit: 30 } });
      expect(tcJson(ns, 'qdisc', 'show', 'dev', 'v1')[0].handle).toBe(handle);

      // under an htb class, also without a handle; class.list reports it as the leaf
      await tc.qdisc.add({ dev: 'v0', handle: '1:', kind: 'htb' });
      await tc.class.add({ dev: 'v0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '2mbit' } });
      const leaf = await tc.qdisc.add({ dev: 'v0', parent: '1:10', kind: 'bfifo', options: { limit: '3kb' } });
      const qs = await qdiscsAgree(ns, 'v0');
      expect(qs.find((x) => x.parent === '1:10')).toMatchObject({ kind: 'bfifo', handle: leaf.handle, options: { limit: 3072 } });
      const [c] = await classesAgree(ns, 'v0');
      expect(c.leaf).toBe(leaf.handle);
      // replace without a handle at the same parent: the kernel's choice again
      const again = await tc.qdisc.replace({ dev: 'v0', parent: '1:10', kind: 'pfifo' });
      expect((await tc.qdisc.list({ dev: 'v0', parent: '1:10' })).map((x) => x.handle)).toEqual([again.handle]);
    });
  });

  itTc('pfifo and bfifo: limits as numbers and strings, change, replace by another kind', async () => {
    await withNs(async (ns) => {
      await vethPair(ns);
      const tc = ns.nl.tc;
      await tc.qdisc.add({ dev: 'v0', handle: '2:', kind: 'pfifo' });
      let [q] = await qdiscsAgree(ns, 'v0');
      expect(q.options!.limit).toBe(1000); // the link's txqueuelen
      await tc.qdisc.change({ dev: 'v0', handle: '2:', kind: 'pfifo', options: { limit: 12 } });
      [q] = await qdiscsAgree(ns, 'v0');
      expect(q.options).toEqual({ limit: 12 });
      // replace at the same handle is a change (same kind only); another handle grafts a new qdisc
      await tc.qdisc.replace({ dev: 'v0', handle: '2:', kind: 'pfifo', options: { limit: 13 } });
      [q] = await qdiscsAgree(ns, 'v0');
      expect(q.options).toEqual({ limit: 13 });
      await tc.qdisc.replace({ dev: 'v0', handle: '4:', kind: 'bfifo', options: { limit: '10kb' } });
      [q] = await qdiscsAgree(ns, 'v0');
      expect(q).toMatchObject({ kind: 'bfifo', handle: '4:', options: { limit: 10240 } });
      // bfifo's default is txqueuelen × (mtu + the link header)
      await tc.qdisc.add({ dev: 'v1', handle: '3:', kind: 'bfifo' });
      const [b] = await qdiscsAgree(ns, 'v1');
      expect(b.options!.limit).toBe(1000 * (1500 + 14));
      // list filters
      expect((await tc.qdisc.list({ dev: 'v0', kind: 'bfifo' })).length).toBe(1);
      expect(await tc.qdisc.list({ dev: 'v0', kind: 'htb' })).toEqual([]);
      expect((await tc.qdisc.list({ handle: '3:' })).map((x) => x.dev)).toEqual(['v1']);
      const streamed: Qdisc[] = [];
      for await (const x of tc.qdisc.stream({ dev: 'v0' })) streamed.push(x);
      expect(streamed.map((x) => x.handle)).toEqual(['4:']);
      await tc.qdisc.del({ dev: 'v0', handle: '4:' });
      await tc.qdisc.del({ dev: 'v1', parent: 'root' });
      expect((await qdiscsAgree(ns, 'v0')).filter((x) => x.kind === 'bfifo' || x.kind === 'pfifo')).toEqual([]);
    });
  });

  itTc('ingress and clsact: fixed handle and parent, del by kind, invisible defaults', async () => {
    await withNs(async (ns) => {
      await vethPair(ns);
      const tc = ns.nl.tc;
      expect(await tc.qdisc.add({ dev: 'v0', kind: 'ingress' })).toEqual({ handle: 'ffff:' });
      expect(await tc.qdisc.add({ dev: 'v1', kind: 'clsact' })).toEqual({ handle: 'ffff:' });
      const i = (await qdiscsAgree(ns, 'v0')).find((x) => x.kind === 'ingress');
      expect(i).toMatchObject({ kind: 'ingress', handle: 'ffff:', parent: 'ffff:fff1', options: {} });
      const c = (await qdiscsAgree(ns, 'v1')).find((x) => x.kind === 'clsact');
      expect(c).toMatchObject({ kind: 'clsact', handle: 'ffff:', parent: 'ffff:fff1' });
      // both at once is refused by the kernel
      await expect(tc.qdisc.add({ dev: 'v0', kind: 'clsact' })).rejects.toBeInstanceOf(NetlinkError);
      expect((await tc.qdisc.get({ dev: 'v1', kind: 'clsact' })).kind).toBe('clsact');
      // invisible: at least what the plain list has (tc qdisc show invisible)
      const all = await tc.qdisc.list({ dev: 'v0', invisible: true });
      expect(all.map((x) => x.kind).sort()).toEqual(tcJson(ns, 'qdisc', 'show', 'dev', 'v0', 'invisible').map((x) => x.kind).sort());
      expect(all.map((x) => x.kind)).toContain('ingress');
      await tc.qdisc.del({ dev: 'v0', kind: 'ingress' });
      await tc.qdisc.del({ dev: 'v1', kind: 'clsact' });
      expect((await qdiscsAgree(ns, 'v0')).filter((x) => x.kind === 'ingress')).toEqual([]);
      expect((await qdiscsAgree(ns, 'v1')).filter((x) => x.kind === 'clsact')).toEqual([]);
    });
  });
});

describe('classes', () => {
  itTc('htb classes: add, change, replace, get, del; list equals tc class show', async () => {
    await withNs(async (ns) => {
      await vethPair(ns);
      const tc = ns.nl.tc;
      await tc.qdisc.add({ dev: 'v0', handle: '1:', kind: 'htb', options: { default: 0x20 } });
      await tc.class.add({ dev: 'v0', parent: '1:', classid: '1:1', kind: 'htb', options: { rate: '100mbit' } });
      await tc.class.add({ dev: 'v0', parent: '1:1', classid: '1:10', kind: 'htb', options: { rate: '10mbit', ceil: '50mbit', burst: '15kb', cburst: 20480, prio: 2 } });
      await tc.class.add({ dev: 'v0', parent: '1:1', classid: '1:20', kind: 'htb', options: { rate: 2_000_000, quantum: 3000 } });
      let cs = await classesAgree(ns, 'v0');
      const c10 = cs.find((c) => c.classid === '1:10')!;
      expect(c10).toMatchObject({ dev: 'v0', kind: 'htb', parent: '1:1', options: { rate: 10e6, ceil: 50e6, burst: 15360, prio: 2 } });
      // sizes go through the kernel's ticks and come back truncated, as tc computes them (tc prints 20468 as '20Kb')
      expect(c10.options!.cburst).toBe(20468);
      expect(cs.find((c) => c.classid === '1:1')!.options!.level).toBe(7); // an inner class
      expect(cs.find((c) => c.classid === '1:20')!.options!.quantum).toBe(3000);
      await expect(tc.class.add({ dev: 'v0', parent: '1:1', classid: '1:20', kind: 'htb', options: { rate: 1000 } })).rejects.toMatchObject({ code: 'EEXIST' });

      await tc.class.change({ dev: 'v0', parent: '1:1', classid: '1:20', kind: 'htb', options: { rate: '3mbit', ceil: '4mbit' } });
      await tc.class.replace({ dev: 'v0', parent: '1:1', classid: '1:10', kind: 'htb', options: { rate: '5mbit' } });
      await tc.class.replace({ dev: 'v0', parent: '1:1', classid: '1:30', kind: 'htb', options: { rate: '1mbit' } }); // creates
      cs = await classesAgree(ns, 'v0');
      expect(cs.find((c) => c.classid === '1:20')!.options).toMatchObject({ rate: 3e6, ceil: 4e6 });
      expect(cs.find((c) => c.classid === '1:10')!.options).toMatchObject({ rate: 5e6, ceil: 5e6 });
      expect(cs.map((c) => c.classid).sort()).toEqual(['1:1', '1:10', '1:20', '1:30']);

      const g = await tc.class.get({ dev: 'v0', classid: '1:20' });
      expect({ ...g, stats: undefined, xstats: undefined }).toEqual({ ...cs.find((c) => c.classid === '1:20'), stats: undefined, xstats: undefined });
      expect((await tc.class.list({ dev: 'v0', parent: '1:1' })).map((c) => c.classid).sort()).toEqual(['1:10', '1:20', '1:30']);
      expect((await tc.class.list({ dev: 'v0', classid: '1:30' })).length).toBe(1);
      expect((await tc.class.list()).every((c) => c.dev === 'v0')).toBe(true);

      // an inner class with children cannot go; its leaves can
      await expect(tc.class.del({ dev: 'v0', classid: '1:1' })).rejects.toBeInstanceOf(NetlinkError);
      await tc.class.del({ dev: 'v0', classid: '1:30' });
      await expect(tc.class.get({ dev: 'v0', classid: '1:30' })).rejects.toMatchObject({ code: 'ENOENT' });
      expect((await classesAgree(ns, 'v0')).length).toBe(3);
    });
  });
});

describe('filters and actions', () => {
  itTc('u32 + mirred on clsact ingress: kernel-chosen pref and handle equal list and tc filter show', async () => {
    await withNs(async (ns) => {
      await vethPair(ns);
      const tc = ns.nl.tc;
      await tc.qdisc.add({ dev: 'v0', kind: 'clsact' });
      const got = await tc.filter.add({ dev: 'v0', parent: 'ingress', kind: 'u32', options: { actions: [{ kind: 'mirred', mirredAction: 'redirect', dev: 'v1' }] } });
      expect(got).toEqual({ pref: 49152, handle: '800::800' });
      let fs = await filtersAgree(ns, 'v0', 'ingress');
      const f = fs.find((x) => x.handle === got.handle)!;
      expect(f).toMatchObject({ dev: 'v0', parent: 'ffff:fff2', protocol: 'all', pref: got.pref, kind: 'u32', chain: 0 });
      expect(f.options!.match).toEqual([{ u32: 0, mask: 0, at: 0 }]);
      expect((f.options!.actions as any[])[0]).toMatchObject({ kind: 'mirred', direction: 'egress', mirredAction: 'redirect', dev: 'v1', control: 'stolen', bind: 1 });
      // the hash table it went into is listed too, as tc writes it
      expect(fs.find((x) => x.options?.divisor)!.handle).toBe('800:');

      // a second filter without pref: the kernel picks a lower one; with pref, no handle
      const second = await tc.filter.add({ dev: 'v0', parent: 'ingress', protocol: 'ip', kind: 'u32', options: { match: [{ ip: { dst: '10.1.0.0/16' } }, { ip: { protocol: 17, dport: 53 } }], actions: [{ kind: 'mirred', mirredAction: 'mirror', direction: 'ingress', dev: 'v1' }] } });
      expect(second.pref).toBe(49151);
      const third = await tc.filter.add({ dev: 'v0', parent: 'egress', pref: 10, protocol: 'ipv6', kind: 'u32', options: { match: [{ ip6: { dst: 'fd00::/64' } }], actions: [{ kind: 'mirred', mirredAction: 'mirror', dev: 1 }] } });
      expect(third.pref).toBe(10);
      expect(third.handle).toMatch(/^[0-9a-f]+::800$/);
      fs = await filtersAgree(ns, 'v0', 'ingress');
      const s = fs.find((x) => x.pref === second.pref && x.handle === second.handle)!;
      expect(s.protocol).toBe('ip');
      // keys in the order of the matches, as tc writes them
      expect(s.options!.match).toEqual([
        { u32: 0x0a010000, mask: 0xffff0000, at: 16 },
        { u32: 0x110000, mask: 0xff0000, at: 8 },
        { u32: 53, mask: 0xffff, at: 20 },
      ]);
      const e = await filtersAgree(ns, 'v0', 'egress');
      expect(e.find((x) => x.handle === third.handle)).toMatchObject({ protocol: 'ipv6', parent: 'ffff:fff3', options: { actions: [{ dev: 'lo' }] } });

      // get, change, list filters
      const g = await tc.filter.get({ dev: 'v0', parent: 'ingress', pref: got.pref, handle: got.handle, kind: 'u32' });
      expect({ ...g, options: undefined }).toEqual({ ...f, options: undefined });
      await tc.filter.change({ dev: 'v0', parent: 'ingress', pref: got.pref, handle: got.handle, kind: 'u32', options: { classid: '1:5', actions: [{ kind: 'mirred', mirredAction: 'mirror', dev: 'v1' }] } });
      fs = await filtersAgree(ns, 'v0', 'ingress');
      expect(fs.find((x) => x.handle === got.handle)!.options).toMatchObject({ classid: '1:5', actions: [{ mirredAction: 'mirror', control: 'pipe' }] });
      expect((await tc.filter.list({ dev: 'v0', parent: 'ingress', pref: second.pref })).every((x) => x.pref === second.pref)).toBe(true);
      expect((await tc.filter.list({ dev: 'v0', parent: 'ingress', protocol: 'ip' })).every((x) => x.protocol === 'ip')).toBe(true);

      // del one pref, then flush the rest
      await tc.filter.del({ dev: 'v0', parent: 'ingress', pref: second.pref });
      expect((await tc.filter.list({ dev: 'v0', parent: 'ingress' })).some((x) => x.pref === second.pref)).toBe(false);
      await tc.filter.flush({ dev: 'v0', parent: 'ingress' });
      expect(await tc.filter.list({ dev: 'v0', parent: 'ingress' })).toEqual([]);
      expect((await tc.filter.list({ dev: 'v0', parent: 'egress' })).length).toBeGreaterThan(0);
      expect(tcJson(ns, 'filter', 'show', 'dev', 'v0', 'ingress')).toEqual([]);
    });
  });

  itTc('u32 classifying into htb classes (flowid), replace by pref and handle', async () => {
    await withNs(async (ns) => {
      await vethPair(ns);
      const tc = ns.nl.tc;
      await tc.qdisc.add({ dev: 'v0', handle: '1:', kind: 'htb' });
      await tc.class.add({ dev: 'v0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '1mbit' } });
      await tc.class.add({ dev: 'v0', parent: '1:', classid: '1:20', kind: 'htb', options: { rate: '1mbit' } });
      const a = await tc.filter.add({ dev: 'v0', parent: '1:', pref: 10, handle: '800::1', protocol: 'ip', kind: 'u32', options: { match: [{ ip: { dst: '10.0.0.0/24' } }, { ip: { sport: 80 } }], flowid: '1:10' } });
      expect(a).toEqual({ pref: 10, handle: '800::1' });
      const b = await tc.filter.add({ dev: 'v0', parent: '1:', protocol: 'ip', kind: 'u32', options: { match: [{ u16: 0x0800, mask: 0xffff, at: 20 }], classid: '1:20' } });
      let fs = await filtersAgree(ns, 'v0', '1:');
      expect(fs.find((x) => x.handle === '800::1')!.options).toMatchObject({ classid: '1:10', match: [{ u32: 0x0a000000, mask: 0xffffff00, at: 16 }, { u32: 80 << 16, mask: 0xffff0000, at: 20 }] });
      expect(fs.find((x) => x.handle === b.handle)!.options).toMatchObject({ classid: '1:20', match: [{ u32: 0x0800 << 16, mask: 0xffff0000, at: 20 }] }); // 16 bits at 20: the word's upper half
      await tc.filter.replace({ dev: 'v0', parent: '1:', pref: 10, handle: '800::1', protocol: 'ip', kind: 'u32', options: { match: [{ ip: { dst: '10.0.1.0/24' } }], flowid: '1:20' } });
      fs = await filtersAgree(ns, 'v0', '1:');
      // the kernel's u32 keeps an existing node's selector on replace (tc's too): only classid and actions change
      expect(fs.find((x) => x.handle === '800::1')!.options).toMatchObject({ classid: '1:20', match: [{ u32: 0x0a000000, mask: 0xffffff00, at: 16 }, { u32: 80 << 16, mask: 0xffff0000, at: 20 }] });
      // del of one handle within a pref
      await tc.filter.del({ dev: 'v0', parent: '1:', pref: 10, protocol: 'ip', handle: '800::1', kind: 'u32' });
      expect((await tc.filter.list({ dev: 'v0', parent: '1:' })).some((x) => x.handle === '800::1')).toBe(false);
    });
  });

  it('standalone mirred actions: add, replace, get, list equal tc actions ls; a filter binds one by index; del', async (ctx) => {
    if (!haveTc()) return ctx.skip();
    if (!(await standaloneActions())) return ctx.skip(NO_ACTIONS);
    await withNs(async (ns) => {
      await vethPair(ns);
      const tc = ns.nl.tc;
      await tc.action.add([{ kind: 'mirred', mirredAction: 'mirror', dev: 'v1', index: 7 }, { kind: 'mirred', mirredAction: 'redirect', dev: 'v0', index: 8 }]);
      const ours = await tc.action.list({ kind: 'mirred' });
      const theirs = tcJson(ns, '-s', 'actions', 'ls', 'action', 'mirred')[1].actions;
      expect(ours.map((a, i) => ({ ...actionAsTc(a, i) }))).toEqual(theirs.map(tcAction));
      expect(ours.map((a) => [a.index, a.dev, a.mirredAction, a.control, a.ref, a.bind])).toEqual([
        [7, 'v1', 'mirror', 'pipe', 1, 0],
        [8, 'v0', 'redirect', 'stolen', 1, 0],
      ]);
      await expect(tc.action.add([{ kind: 'mirred', mirredAction: 'mirror', dev: 'v1', index: 7 }])).rejects.toMatchObject({ code: 'EEXIST', syscall: 'RTM_NEWACTION' });
      await tc.action.replace([{ kind: 'mirred', mirredAction: 'mirror', direction: 'ingress', dev: 'v0', index: 7, control: 'pipe' }]);
      const g = await tc.action.get({ kind: 'mirred', index: 7 });
      expect(g).toMatchObject({ kind: 'mirred', index: 7, direction: 'ingress', mirredAction: 'mirror', dev: 'v0' });
      const t = tcJson(ns, 'actions', 'get', 'action', 'mirred', 'index', '7')[1].actions[0];
      expect({ kind: t.kind, index: t.index, direction: t.direction, mirred_action: t.mirred_action, to_dev: t.to_dev }).toEqual({ kind: 'mirred', index: 7, direction: 'ingress', mirred_action: 'mirror', to_dev: 'v0' });

      // a filter binds action 8 by index: bind goes to 1
      await tc.qdisc.add({ dev: 'v0', kind: 'clsact' });
      await tc.filter.add({ dev: 'v0', parent: 'egress', pref: 1, kind: 'u32', options: { actions: [{ kind: 'mirred', mirredAction: 'redirect', dev: 'v0', index: 8 }] } });
      expect(await tc.action.get({ kind: 'mirred', index: 8 })).toMatchObject({ ref: 2, bind: 1 });
      await expect(tc.action.del({ kind: 'mirred', index: 8 })).rejects.toBeInstanceOf(NetlinkError); // bound
      await tc.filter.del({ dev: 'v0', parent: 'egress', pref: 1 });
      await eventually(() => tc.action.del({ kind: 'mirred', index: 8 }));
      await tc.action.del({ kind: 'mirred', index: 7 });
      expect(await tc.action.list({ kind: 'mirred' })).toEqual([]);
      await expect(tc.action.get({ kind: 'mirred', index: 7 })).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });

  it('gact: drop and pass actions live (skipped when this kernel has no gact)', async (ctx) => {
    if (!(await haveGact())) return ctx.skip();
    await withNs(async (ns) => {
      await vethPair(ns);
      await ns.nl.tc.qdisc.add({ dev: 'v0', kind: 'clsact' });
      await ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', pref: 1, kind: 'u32', options: { actions: [{ kind: 'gact', control: 'drop' }] } });
      const [f] = await ns.nl.tc.filter.list({ dev: 'v0', parent: 'ingress' }).then((l) => l.filter((x) => x.options?.actions));
      expect((f.options!.actions as any[])[0]).toMatchObject({ kind: 'gact', control: 'drop' });
      if (await standaloneActions()) {
        await ns.nl.tc.action.add([{ kind: 'gact', control: 'pass', index: 3 }]);
        expect(await ns.nl.tc.action.get({ kind: 'gact', index: 3 })).toMatchObject({ control: 'pass' });
      }
    });
  });
});

describe('statistics move with traffic', () => {
  itTc('htb qdisc and class counters, a u32 flowid filter, a mirred mirror action: equal to tc -s', async () => {
    await withTwo(async (a, b) => {
      const tc = a.nl.tc;
      await tc.qdisc.add({ dev: 'va', handle: '1:', kind: 'htb', options: { default: 0x20 } });
      await tc.class.add({ dev: 'va', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '100mbit' } });
      await tc.class.add({ dev: 'va', parent: '1:', classid: '1:20', kind: 'htb', options: { rate: '100mbit' } });
      // UDP to 10.0.0.2 goes to 1:10; the rest (ARP) to the default 1:20
      await tc.filter.add({ dev: 'va', parent: '1:', pref: 1, protocol: 'ip', kind: 'u32', options: { match: [{ ip: { dst: '10.0.0.2/32', protocol: 17 } }], flowid: '1:10' } });
      // on b, an ingress filter mirrors the datagrams to a spare veth (sink → sink1): its action counts them
      await b.nl.tc.qdisc.add({ dev: 'vb', kind: 'clsact' });
      await b.nl.link.add({ name: 'sink', kind: 'veth', info: { peer: { name: 'sink1' } } });
      await b.nl.link.set('sink', { up: true });
      await b.nl.link.set('sink1', { up: true });
      await b.nl.tc.filter.add({ dev: 'vb', parent: 'ingress', pref: 1, protocol: 'ip', kind: 'u32', options: { match: [{ ip: { protocol: 17 } }], actions: [{ kind: 'mirred', mirredAction: 'mirror', dev: 'sink' }] } });

      const q0 = (await tc.qdisc.get({ dev: 'va', handle: '1:' })).stats!;
      const n = 40;
      const size = 200;
      expect(await blast(a, b, n, size)).toBe(n);
      const [q] = await qdiscsAgree(a, 'va');
      expect(q.stats!.packets - q0.packets).toBeGreaterThanOrEqual(n);
      expect(q.stats!.bytes - q0.bytes).toBeGreaterThanOrEqual(n * (size + 28 + 14));
      const cs = await classesAgree(a, 'va');
      const c10 = cs.find((c) => c.classid === '1:10')!.stats!;
      expect(c10.packets).toBe(n);
      expect(c10.bytes).toBe(n * (size + 28 + 14));
      // on b: the filter's action saw every datagram, and tc agrees
      const fs = await filtersAgree(b, 'vb', 'ingress');
      const act = (fs.find((f) => f.options?.actions)!.options!.actions as any[])[0];
      expect(act.stats.packets).toBe(n);
      expect(act.stats.bytes).toBe(n * (size + 28)); // ingress: the Ethernet header is already pulled
      const sink1 = await b.nl.link.get('sink1');
      expect(sink1.stats64!.rxPackets).toBeGreaterThanOrEqual(n); // the copies arrived
      const clsact = (await b.nl.tc.qdisc.get({ dev: 'vb', kind: 'clsact' })).stats!;
      expect(clsact.packets).toBeGreaterThanOrEqual(n);
    });
  });

  it('the IFB recipe: ingress (and clsact) + u32 match-all + mirred egress redirect to ifb0 + a shaping qdisc on ifb0', async (ctx) => {
    if (!haveTc()) return ctx.skip();
    await withTwo(async (a, b) => {
      if (!(await tryIfb(b))) return ctx.skip();
      const tc = b.nl.tc;
      await tc.qdisc.add({ dev: 'vb', kind: 'ingress' });
      const f = await tc.filter.add({ dev: 'vb', parent: 'ffff:', protocol: 'all', kind: 'u32', options: { match: [{ u32: 0, mask: 0, at: 0 }], actions: [{ kind: 'mirred', direction: 'egress', mirredAction: 'redirect', dev: 'ifb0' }] } });
      await tc.qdisc.add({ dev: 'ifb0', handle: '1:', kind: 'htb', options: { default: 0x10 } });
      await tc.class.add({ dev: 'ifb0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '50mbit' } });
      await tc.qdisc.add({ dev: 'ifb0', parent: '1:10', handle: '10:', kind: 'pfifo', options: { limit: 500 } });
      const n = 30;
      const size = 300;
      // ifb hands the packets back to vb's ingress: they still arrive
      expect(await blast(a, b, n, size)).toBe(n);
      const qs = await qdiscsAgree(b, 'ifb0');
      const root = qs.find((q) => q.handle === '1:')!.stats!;
      const leaf = qs.find((q) => q.handle === '10:')!.stats!;
      expect(root.packets).toBeGreaterThanOrEqual(n);
      expect(leaf.packets).toBeGreaterThanOrEqual(n);
      expect(leaf.bytes).toBeGreaterThanOrEqual(n * (size + 28));
      expect((await classesAgree(b, 'ifb0'))[0].stats!.packets).toBeGreaterThanOrEqual(n);
      const fs = await filtersAgree(b, 'vb', 'ffff:');
      const act = (fs.find((x) => x.handle === f.handle)!.options!.actions as any[])[0];
      expect(act).toMatchObject({ kind: 'mirred', mirredAction: 'redirect', dev: 'ifb0', control: 'stolen' });
      expect(act.stats.packets).toBeGreaterThanOrEqual(n);

      // the same with clsact on a's side (egress of va), into an ifb there
      expect(await tryIfb(a, 'ifb1')).toBe(true);
      await a.nl.tc.qdisc.add({ dev: 'va', kind: 'clsact' });
      await a.nl.tc.filter.add({ dev: 'va', parent: 'egress', kind: 'u32', options: { actions: [{ kind: 'mirred', mirredAction: 'redirect', dev: 'ifb1' }] } });
      const { handle } = await a.nl.tc.qdisc.add({ dev: 'ifb1', kind: 'pfifo' });
      expect(await blast(a, b, n, size)).toBe(n);
      const [p] = await qdiscsAgree(a, 'ifb1');
      expect(p.handle).toBe(handle);
      expect(p.stats!.packets).toBeGreaterThanOrEqual(n);
    });
  });
});

describe('monitor, batch, sync, other namespaces, refusals', () => {
  it('monitor yields qdisc, class, filter and action events with the fields list returns', async () => {
    const actions = await standaloneActions(); // rootless: no standalone action (see NO_ACTIONS)
    await withNs(async (ns) => {
      await vethPair(ns);
      const mon = monitor({ netns: { fd: ns.fd }, families: ['qdisc', 'class', 'filter', 'action'] });
      const events: MonitorEvent[] = [];
      try {
        const tc = ns.nl.tc;
        await tc.qdisc.add({ dev: 'v0', handle: '1:', kind: 'htb', options: { default: 0x10 } });
        await tc.class.add({ dev: 'v0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '1mbit' } });
        await tc.qdisc.add({ dev: 'v0', kind: 'clsact' });
        const f = await tc.filter.add({ dev: 'v0', parent: 'ingress', pref: 3, kind: 'u32', options: { actions: [{ kind: 'mirred', mirredAction: 'redirect', dev: 'v1' }] } });
        if (actions) await tc.action.add([{ kind: 'mirred', mirredAction: 'mirror', dev: 'v1', index: 42 }]);
        const lists = {
          qdisc: await tc.qdisc.list({ dev: 'v0' }),
          class: await tc.class.list({ dev: 'v0' }),
          filter: await tc.filter.list({ dev: 'v0', parent: 'ingress' }),
        };
        await tc.filter.del({ dev: 'v0', parent: 'ingress', pref: 3 });
        await tc.class.del({ dev: 'v0', classid: '1:10' });
        await tc.qdisc.del({ dev: 'v0', parent: 'root' });
        if (actions) await tc.action.del({ kind: 'mirred', index: 42 });
        const want = (e: MonitorEvent) => (actions ? e.type === 'action' && e.action === 'del' : e.type === 'qdisc' && e.action === 'del' && e.data.kind === 'htb');
        for (;;) {
          const r = await mon.next();
          if (r.done) break;
          events.push(r.value);
          if (want(r.value)) break;
        }
        const find = (type: string, action: string, pred: (d: any) => boolean) => events.find((e) => e.type === type && e.action === action && pred(e.data))?.data as any;
        const strip = (o: any) => ({ ...o, stats: undefined, xstats: undefined, refcnt: undefined, dev: undefined });
        const htb = find('qdisc', 'new', (d) => d.kind === 'htb');
        expect(strip(htb)).toEqual(strip(lists.qdisc.find((q) => q.kind === 'htb')));
        expect(strip(find('qdisc', 'new', (d) => d.kind === 'clsact'))).toEqual(strip(lists.qdisc.find((q) => q.kind === 'clsact')));
        expect(strip(find('class', 'new', (d) => d.classid === '1:10'))).toEqual(strip(lists.class[0]));
        const fe = find('filter', 'new', (d) => d.handle === f.handle);
        const fl = lists.filter.find((x) => x.handle === f.handle)!;
        expect({ ...fe, dev: undefined, options: { ...fe.options, actions: undefined } }).toEqual({ ...fl, dev: undefined, options: { ...fl.options, actions: undefined } });
        // events carry the mirred target by index (a monitor looks nothing up); list names it
        const v1 = (await ns.nl.link.get('v1')).index;
        expect(fe.options.actions[0]).toMatchObject({ kind: 'mirred', mirredAction: 'redirect', dev: v1 });
        expect((fl.options!.actions as any[])[0].dev).toBe('v1');
        if (actions) {
          const ae = find('action', 'new', (d) => d.actions?.some((x: any) => x.index === 42));
          expect(ae.actions[0]).toMatchObject({ kind: 'mirred', index: 42, mirredAction: 'mirror' });
        }
        expect(find('filter', 'del', (d) => d.pref === 3)).toBeDefined();
        expect(find('class', 'del', (d) => d.classid === '1:10')).toBeDefined();
        expect(find('qdisc', 'del', (d) => d.kind === 'htb')).toMatchObject({ handle: '1:', parent: 'root', index: htb.index });
      } finally {
        await mon.close();
      }
    });
  });

  it('batch: tc operations queued with others, results in order, failures their own', async () => {
    await withNs(async (ns) => {
      await vethPair(ns);
      const res = await ns.nl.batch((b) => {
        b.tc.qdisc.add({ dev: 'v0', handle: '1:', kind: 'htb', options: { default: 0x10 } });
        b.tc.class.add({ dev: 'v0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '1mbit' } });
        b.tc.class.add({ dev: 'v0', parent: '1:', classid: '1:20', kind: 'htb', options: { rate: '2mbit' } });
        b.tc.qdisc.add({ dev: 'v1', kind: 'pfifo' });
        b.tc.qdisc.add({ dev: 'v1', kind: 'clsact' });
        b.tc.filter.add({ dev: 'v1', parent: 'ingress', kind: 'u32', options: { actions: [{ kind: 'mirred', mirredAction: 'redirect', dev: 'v0' }] } });
        b.tc.class.add({ dev: 'v0', parent: '9:', classid: '9:1', kind: 'htb', options: { rate: '1mbit' } }); // no such qdisc
        b.link.set('v0', { mtu: 1400 });
      });
      expect(res.map((r) => r.ok)).toEqual([true, true, true, true, true, true, false, true]);
      expect(res[0]).toMatchObject({ ok: true, value: { handle: '1:' } });
      const pf = res[3] as { ok: true; value: { handle: string } };
      expect(pf.value.handle).toMatch(/^[0-9a-f]+:$/);
      expect(res[5]).toMatchObject({ ok: true, value: { pref: 49152, handle: '800::800' } });
      expect((res[6] as { ok: false; error: NetlinkError }).error).toMatchObject({ code: 'ENOENT', syscall: 'RTM_NEWTCLASS' });
      expect((await ns.nl.tc.class.list({ dev: 'v0' })).map((c) => c.classid).sort()).toEqual(['1:10', '1:20']);
      expect((await ns.nl.tc.qdisc.list({ dev: 'v1', kind: 'pfifo' }))[0].handle).toBe(pf.value.handle);
      expect((await ns.nl.link.get('v0')).mtu).toBe(1400);
    });
  });

  it('the sync API: nl.sync.tc.* does the same', async () => {
    await withNs(async (ns) => {
      await vethPair(ns);
      const s = ns.nl.sync.tc;
      expect(s.qdisc.add({ dev: 'v0', handle: '1:', kind: 'htb' })).toEqual({ handle: '1:' });
      s.class.add({ dev: 'v0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '1mbit' } });
      s.class.change({ dev: 'v0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '2mbit' } });
      expect(s.class.get({ dev: 'v0', classid: '1:10' }).options).toMatchObject({ rate: 2e6 });
      expect(s.qdisc.add({ dev: 'v0', kind: 'clsact' })).toEqual({ handle: 'ffff:' });
      const f = s.filter.add({ dev: 'v0', parent: 'egress', kind: 'u32', options: { classid: '1:10' } });
      expect(f).toEqual({ pref: 49152, handle: '800::800' });
      expect(s.filter.get({ dev: 'v0', parent: 'egress', pref: f.pref, handle: f.handle, kind: 'u32' }).options).toMatchObject({ classid: '1:10' });
      expect(s.filter.list({ dev: 'v0', parent: 'egress' }).map((x) => x.handle)).toEqual(['800:', '800::800']);
      if (await standaloneActions()) {
        s.action.add([{ kind: 'mirred', mirredAction: 'mirror', dev: 'v1', index: 5 }]);
        expect(s.action.list({ kind: 'mirred' }).map((a) => a.index)).toEqual([5]);
        expect(s.action.get({ kind: 'mirred', index: 5 })).toMatchObject({ dev: 'v1', mirredAction: 'mirror' });
        s.action.del({ kind: 'mirred', index: 5 });
      } else expect(() => s.action.add([{ kind: 'mirred', mirredAction: 'mirror', dev: 'v1', index: 5 }])).toThrow(/EPERM/);
      s.filter.flush({ dev: 'v0', parent: 'egress' });
      s.class.del({ dev: 'v0', classid: '1:10' });
      expect(s.qdisc.get({ dev: 'v0', handle: '1:' }).kind).toBe('htb');
      s.qdisc.del({ dev: 'v0', parent: 'root' });
      s.qdisc.del({ dev: 'v0', kind: 'clsact' });
      expect(s.qdisc.list({ dev: 'v0' })).toEqual([]);
      expect(() => s.class.add({ dev: 'v0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '1mbit' } })).toThrow(NetlinkError);
    });
  });

  itTc('a handle opened into another namespace (open({ netns: { fd } })) changes that namespace only', async () => {
    await withNs(async (a) => {
      const b = makeNetns();
      try {
        await b.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
        await a.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
        const nb = await open({ netns: { fd: b.fd } });
        try {
          expect(await nb.tc.qdisc.add({ dev: 'v0', handle: '4:', kind: 'htb' })).toEqual({ handle: '4:' });
          await nb.tc.class.add({ dev: 'v0', parent: '4:', classid: '4:1', kind: 'htb', options: { rate: '1mbit' } });
          expect(tcJson(b, 'qdisc', 'show', 'dev', 'v0').map((q) => q.handle)).toEqual(['4:']);
          expect(tcJson(a, 'qdisc', 'show', 'dev', 'v0').some((q) => q.kind === 'htb')).toBe(false);
          expect(await a.nl.tc.class.list({ dev: 'v0' })).toEqual([]);
          expect((await b.nl.tc.class.list({ dev: 'v0' })).map((c) => c.classid)).toEqual(['4:1']);
        } finally {
          await nb.close();
        }
      } finally {
        await b.close();
      }
    });
  });

  it('kernel refusals carry code, errno, syscall and the kernel extack text', async () => {
    await withNs(async (ns) => {
      await vethPair(ns);
      const tc = ns.nl.tc;
      // an htb class on a qdisc that is not there
      const e1 = await tc.class.add({ dev: 'v0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '1mbit' } }).catch((e) => e);
      expect(e1).toBeInstanceOf(NetlinkError);
      expect(e1).toMatchObject({ code: 'ENOENT', errno: -2, syscall: 'RTM_NEWTCLASS', sent: true });
      // a classifier this kernel lacks (the library writes matchall; the kernel may not have it)
      const e2 = await (async () => {
        await tc.qdisc.add({ dev: 'v0', kind: 'clsact' });
        return tc.filter.add({ dev: 'v0', parent: 'ingress', pref: 1, kind: 'matchall', options: {} }).then(() => undefined, (e) => e);
      })();
      if (e2) {
        expect(e2).toMatchObject({ code: 'ENOENT', errno: -2, syscall: 'RTM_NEWTFILTER' });
        expect(e2.extack).toMatch(/classifier/i);
        expect(e2.message).toContain(e2.extack);
      }
      // an action kind this kernel lacks (gact), or else a mirred target that does not exist
      if (!(await haveGact())) {
        const e3 = await tc.filter.add({ dev: 'v0', parent: 'ingress', pref: 3, kind: 'u32', options: { actions: [{ kind: 'gact', control: 'drop' }] } }).catch((e) => e);
        expect(e3).toMatchObject({ code: 'ENOENT', syscall: 'RTM_NEWTFILTER' });
        expect(e3.extack).toMatch(/action/i);
        if (await standaloneActions()) {
          const e3b = await tc.action.add([{ kind: 'gact', control: 'drop' }]).catch((e) => e);
          expect(e3b).toMatchObject({ code: 'ENOENT', syscall: 'RTM_NEWACTION', extack: expect.stringMatching(/action/i) });
        }
      }
      const e4 = await tc.filter.add({ dev: 'v0', parent: 'ingress', pref: 2, kind: 'u32', options: { actions: [{ kind: 'mirred', mirredAction: 'redirect', dev: 999 }] } }).catch((e) => e);
      expect(e4).toBeInstanceOf(NetlinkError);
      expect(e4).toMatchObject({ syscall: 'RTM_NEWTFILTER', sent: true });
      expect(['ENODEV', 'EINVAL']).toContain(e4.code);
      // a filter on a qdisc that is not there; a qdisc the library does not know is refused before sending
      const e5 = await tc.filter.add({ dev: 'v1', parent: '5:', pref: 1, kind: 'u32', options: {} }).catch((e) => e);
      expect(e5).toMatchObject({ syscall: 'RTM_NEWTFILTER' });
      expect(['ENOENT', 'EINVAL', 'EOPNOTSUPP']).toContain(e5.code);
      expect(() => ns.nl.sync.tc.qdisc.add({ dev: 'v0', kind: 'netemm' })).toThrow(/unknown qdisc kind "netemm" \(did you mean 'netem'\?\)/);
      // a kind the library writes but this kernel may lack: the kernel's refusal, with its text
      const e7 = await tc.qdisc.add({ dev: 'v1', kind: 'netem', options: { delay: '1ms' } }).then(() => undefined, (e) => e);
      if (e7) expect(e7).toMatchObject({ code: 'ENOENT', syscall: 'RTM_NEWQDISC', sent: true, extack: expect.stringMatching(/unknown/i) });
      // htb on clsact's place
      const e6 = await tc.qdisc.add({ dev: 'v0', parent: 'ingress', handle: '3:', kind: 'htb' }).catch((e) => e);
      expect(e6).toBeInstanceOf(NetlinkError);
      // an unknown link is the library's lookup: ENODEV before any tc request
      await expect(tc.qdisc.add({ dev: 'nope0', kind: 'pfifo' })).rejects.toMatchObject({ code: 'ENODEV' });
    });
  });
});
