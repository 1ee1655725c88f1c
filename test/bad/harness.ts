/**
 * The bad-input suite's data format and runner. Each `*.cases.ts` file lists
 * wrong calls as data: the call, its arguments, the error class and a
 * fragment of its message naming the field. The runner makes one namespace
 * with a small topology, and for every case asserts the error, that no
 * request reached the native boundary (the socket's counters), and that the
 * kernel's state is unchanged.
 */
import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as lib from '../../lib/index.js';
import type { Handle } from '../../lib/index.js';
import type { ObjectCheck } from '../../lib/validate.js';
import { makeNetns, type TestNetns } from '../helpers.js';

type ErrorClass = new (...a: any[]) => Error;

/** One wrong call. */
export interface BadCase {
  /**
   * What is called: a handle method by its path (`'link.add'`, `'sync.route.get'`,
   * `'batch'`, `'close'`), or a module function (`'open'`, `'openSync'`,
   * `'monitor'`, `'netns.add'`, …).
   */
  call: string;
  /** The arguments; a function makes them afresh for each run (getters that throw, signals). */
  args: readonly unknown[] | ((ns: TestNetns) => unknown[]);
  /** `TypeError` or `RangeError`. */
  error: ErrorClass;
  /** A fragment of the message: the field's path at least. */
  message: RegExp;
  /** Why the case exists (a regression names what it was). */
  note?: string;
}

/** One call for the property test: a valid input and the schema of the argument to corrupt. */
export interface PropCase {
  call: string;
  /** Valid arguments (never sent: only corrupted copies are). */
  base: (ns: TestNetns) => unknown[];
  /** Which argument the schema describes. */
  position: number;
  /** The schema of that argument (its fields say which values are wrong). */
  schema: ObjectCheck<any>;
  /** The path its messages use for that argument (`'route'`, `'filter'`, `'changes'`). */
  path: string;
  /** Fields that must stay as in `base` (required ones, and those others depend on). */
  keep?: readonly string[];
}

/** The namespace every case runs in: links, addresses, routes, a rule, a neighbour. */
export async function topology(): Promise<TestNetns> {
  const ns = makeNetns();
  const nl = ns.nl;
  await nl.link.set('lo', { up: true });
  await nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } } });
  await nl.link.add({ name: 'br0', kind: 'bridge' });
  await nl.link.set('vb', { master: 'br0', up: true });
  await nl.link.set('va', { up: true });
  await nl.link.set('br0', { up: true });
  await nl.address.add({ dev: 'va', address: '10.0.0.1/24' });
  await nl.address.add({ dev: 'va', address: '2001:db8::1/64', flags: ['nodad'] });
  await nl.route.add({ dst: '10.9.0.0/16', via: '10.0.0.2' });
  await nl.route.add({ dst: '10.8.0.0/16', type: 'blackhole', table: 100 });
  await nl.rule.add({ from: '10.0.0.0/24', table: 100, priority: 1000 });
  await nl.rule.add({ family: 'inet6', from: '2001:db8::/64', table: 100, priority: 1000 });
  await nl.neigh.add({ dev: 'va', address: '10.0.0.2', lladdr: '02:00:00:00:00:02' });
  // traffic control for the tc cases to leave alone: an htb tree on va, a filter on its clsact hook
  await nl.tc.qdisc.add({ dev: 'va', handle: '1:', kind: 'htb', options: { default: 0x10 } });
  await nl.tc.class.add({ dev: 'va', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '1mbit' } });
  await nl.tc.qdisc.add({ dev: 'va', kind: 'clsact' });
  await nl.tc.filter.add({ dev: 'va', parent: 'ingress', pref: 1, kind: 'u32', options: { classid: '1:10' } });
  // Let what the kernel does by itself after links come up settle first.
  for (let last = state(nl), i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = state(nl);
    if (now === last) break;
    last = now;
  }
  return ns;
}

/** What bad input must leave alone: the kernel state a handle can see, minus what changes by itself. */
export function state(nl: Handle): string {
  const s = nl.sync;
  const links = s.link.list({ stats: false }).map((l) => [l.index, l.name, l.up, l.mtu, l.master, l.group, l.address, l.alias, l.txqlen, l.kind]);
  // IPv6 link-local addresses come and go by themselves (the kernel adds them when a link comes up)
  const addrs = s.address.list().filter((a) => !(a.family === 'inet6' && a.scope === 'link')).map((a) => [a.index, a.address, a.prefixlen, a.label, a.scope]);
  const routes = s.route.list({ table: 'all' }).filter((r) => r.protocol !== 'kernel' && r.protocol !== 'ra').map((r) => [r.family, r.table, r.dst, r.type, r.gateway, r.oif, r.metric]);
  const rules = s.rule.list().map((r) => [r.family, r.priority, r.from, r.to, r.table, r.action]);
  // noarp entries (multicast) are the kernel's own and come as groups are joined
  const neigh = s.neigh.list().filter((n) => n.state === 'permanent').map((n) => [n.family, n.index, n.address, n.lladdr, n.state]);
  const qdiscs = s.tc.qdisc.list().map((q) => [q.index, q.kind, q.handle, q.parent, JSON.stringify(q.options)]);
  const classes = s.tc.class.list({ dev: 'va' }).map((c) => [c.classid, c.parent, JSON.stringify(c.options)]);
  const filters = s.tc.filter.list({ dev: 'va', parent: 'ingress' }).map((f) => [f.pref, f.protocol, f.handle, JSON.stringify(f.options)]);
  return JSON.stringify({ links, addrs, routes, rules, neigh, qdiscs, classes, filters });
}

const netnsFiles = () => {
  try {
    return readdirSync('/run/netns').join(',');
  } catch {
    return '';
  }
};
const fds = () => readdirSync('/proc/self/fd').length;

/** Resolves a case's call to a function. */
function target(nl: Handle, call: string): (...a: unknown[]) => unknown {
  const mod = lib as unknown as Record<string, unknown>;
  if (call === 'open' || call === 'openSync' || call === 'monitor') return mod[call] as (...a: unknown[]) => unknown;
  // nl.netns.* are the nsid operations of a handle; the other netns.* are the module's functions
  if (call.startsWith('netns.') && !['netns.setId', 'netns.getId', 'netns.listIds', 'netns.list'].includes(call))
    return (lib.netns as unknown as Record<string, (...a: unknown[]) => unknown>)[call.slice(6)];
  if (call === 'batch' || call === 'close') return (nl[call] as (...a: unknown[]) => unknown).bind(nl);
  let fn: unknown = nl;
  for (const part of call.split('.')) fn = (fn as Record<string, unknown>)[part];
  if (typeof fn !== 'function') throw new Error(`no call ${call}`);
  return fn as (...a: unknown[]) => unknown;
}

/** Runs `f`, returning what it threw (sync or async) or undefined. Streams are iterated. */
async function thrown(f: () => unknown): Promise<unknown> {
  try {
    const r = f();
    if (r && typeof (r as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function' && !(r instanceof Promise)) {
      for await (const _ of r as AsyncIterable<unknown>) void _;
      return undefined;
    }
    await r;
    return undefined;
  } catch (e) {
    return e;
  }
}

/** Asserts that calling `call(...args)` on `ns` is refused with `error` /`message`/ before anything is sent. */
export async function expectRefused(ns: TestNetns, call: string, args: unknown[], error: ErrorClass, message: RegExp, before = state(ns.nl)): Promise<void> {
  const nl = ns.nl;
  const stats = nl.conn.stats();
  const files = netnsFiles();
  const fdsBefore = fds();
  const err = await thrown(() => target(nl, call)(...args));
  const what = `${call}(${args.map((a) => safe(a)).join(', ')})`;
  if (err === undefined) expect.fail(`${what} was accepted`);
  // `Error` stands for "a TypeError or a RangeError" (the property test does not know which).
  if (error === Error) expect(err instanceof TypeError || err instanceof RangeError, `${what}: ${String(err)}`).toBe(true);
  else expect(err, `${what}: ${String(err)}`).toBeInstanceOf(error);
  expect((err as Error).message, what).toMatch(message);
  expect(nl.conn.stats(), `${what}: something was sent`).toEqual(stats);
  expect(netnsFiles(), `${what}: /run/netns changed`).toBe(files);
  if (call === 'open' || call === 'openSync' || call === 'monitor') expect(fds(), `${what}: an fd was left open`).toBe(fdsBefore);
  expect(state(nl), `${what}: the kernel state changed`).toBe(before);
}

function safe(v: unknown): string {
  try {
    if (typeof v === 'function') return 'fn';
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Map) return 'Map';
    if (v instanceof Date) return 'Date';
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Registers one test per case (the namespace is made once, in `get`). */
export function defineCases(cases: readonly BadCase[], get: () => TestNetns): void {
  for (const c of cases) {
    it(`${c.call}: ${c.note ?? c.message.source}`, async () => {
      const ns = get();
      const args = typeof c.args === 'function' ? c.args(ns) : [...c.args];
      await expectRefused(ns, c.call, args, c.error, c.message);
    });
  }
}
