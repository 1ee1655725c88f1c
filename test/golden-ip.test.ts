/**
 * Golden bytes against iproute2 for links, addresses, routes, rules,
 * neighbours, fdb entries and namespace ids: each row of
 * test/golden-ip-cases.mjs pairs an `ip`/`bridge` command with the library
 * call for the same thing. iproute2's request comes from
 * test/fixtures/golden-ip.json (recorded by scripts/capture-golden.mjs, with
 * the iproute2 and kernel versions that made it); the library's is recorded
 * from its connection while the call runs in a namespace set up as the capture
 * was (same links, same indexes). Both are compared after {@link normalise}:
 * seq and pid masked, sibling attributes sorted.
 *
 * A row marked `differs` (the library sends other bytes on purpose) compares
 * the kernel state instead: the command with `ip` in one namespace, the
 * library call in another, then `ip -j -d … show` of both. A row marked
 * `known` is a difference that is a bug today: it runs as `it.fails`, so it
 * turns red when the bug is fixed and the mark must go
 * (`GOLDEN_KNOWN_AS_IT=1` runs them as plain tests, to see each difference).
 *
 * Re-record after changing a row's command: `node scripts/capture-golden.mjs [NAME…]`
 * (root, or under scripts/rootless.sh: same bytes).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { captureLib, haveStrace } from './golden.js';
import { NetlinkError } from '../lib/index.js';
import { native } from '../lib/native.js';
import { haveIp, ip, ipJson, makeNetns, toolEnv, withNs, type TestNetns } from './helpers.js';
// @ts-ignore: plain ESM module (the table shared with scripts/capture-golden.mjs)
import { BASE_SETUP, PEER_RUN, cases as rawCases } from './golden-ip-cases.mjs';

interface Row {
  name: string;
  cmd: string[];
  tool?: 'ip' | 'bridge';
  lib: (nl: TestNetns['nl'], peer?: string) => Promise<unknown>;
  peer?: boolean;
  setup?: string[][];
  differs?: string;
  known?: string;
  show?: string[];
}
const cases = rawCases as Row[];
const FIXTURE = new URL('./fixtures/golden-ip.json', import.meta.url);
const fixture: { iproute2: string; kernel: string; rows: Record<string, { cmd: string[]; status: number; messages: string[] }> } | undefined = existsSync(FIXTURE)
  ? JSON.parse(readFileSync(FIXTURE, 'utf8'))
  : undefined;

// ---------------------------------------------------------------------------
// The normaliser

/** Size of the fixed header after nlmsghdr, by message type. */
function familyHeader(type: number): number {
  if (type >= 16 && type <= 19) return 16; // ifinfomsg
  if (type >= 20 && type <= 23) return 8; // ifaddrmsg
  if (type >= 24 && type <= 27) return 12; // rtmsg
  if (type >= 28 && type <= 30) return 12; // ndmsg
  if (type >= 32 && type <= 34) return 12; // fib_rule_hdr
  if (type >= 88 && type <= 90) return 4; // rtgenmsg (nsid), padded
  return 0;
}

/**
 * Which attributes are nests whose children are an unordered set of
 * attributes, by message class and path of attribute types (flags masked):
 * these, and the top level, have their children sorted. `*` matches any type.
 * A nest not listed here is compared as raw bytes: lists whose order means
 * something (RTA_MULTIPATH's nexthops, vlan qos maps, bond ARP targets,
 * macvlan's MAC list) stay as they are.
 *
 * link:  IFLA_LINKINFO (18) → IFLA_INFO_DATA (2), IFLA_INFO_SLAVE_DATA (5);
 *        the veth/vxcan peer (VETH_INFO_PEER, 1 inside IFLA_INFO_DATA: an
 *        ifinfomsg, then attributes, sorted again at its own top level and
 *        IFLA_LINKINFO); IFLA_AF_SPEC (26) → each family → (AF_INET's
 *        IFLA_INET_CONF, AF_INET6's attributes); IFLA_PROP_LIST (52)
 * route: RTA_METRICS (8), RTA_ENCAP (22)
 * neigh: NDA_FDB_EXT_ATTRS (23)
 */
const NESTS: Record<string, string[]> = {
  link: ['18', '18.2', '18.5', '26', '26.*', '52'],
  route: ['8', '22'],
  neigh: ['23'],
};
function classOf(type: number): string {
  if (type >= 16 && type <= 19) return 'link';
  if (type >= 24 && type <= 27) return 'route';
  if (type >= 28 && type <= 30) return 'neigh';
  return 'other';
}

/** One message as lines: the header, then attributes (nests indented), siblings sorted where {@link NESTS} says. */
export function normalise(msg: Buffer): string[] {
  const type = msg.readUInt16LE(4);
  const hdr = familyHeader(type);
  const cls = classOf(type);
  const nests = new Set(NESTS[cls] ?? []);
  const head = `nlmsg len=${msg.readUInt32LE(0)} type=${type} flags=0x${msg.readUInt16LE(6).toString(16)} seq/pid masked | ${msg.subarray(16, 16 + hdr).toString('hex')}`;
  return [head, ...attrs(msg, 16 + hdr, msg.length, [], nests, 1)];
}

function attrs(b: Buffer, off: number, end: number, path: string[], nests: Set<string>, depth: number): string[] {
  const items: string[][] = [];
  const ind = '  '.repeat(depth);
  while (off + 4 <= end) {
    const len = b.readUInt16LE(off);
    const raw = b.readUInt16LE(off + 2);
    if (len < 4 || off + len > end) {
      items.push([`${ind}malformed at ${off}: ${b.subarray(off, end).toString('hex')}`]);
      break;
    }
    const type = raw & 0x3fff;
    const p = [...path, String(type)];
    const key = p.join('.');
    const wild = [...path, '*'].join('.');
    const label = `${ind}${type}${raw & 0x8000 ? ' (NLA_F_NESTED)' : ''}${raw & 0x4000 ? ' (NLA_F_NET_BYTEORDER)' : ''} len=${len}`;
    const isPeer = key === '18.2.1' && nests.has('18.2');
    if (isPeer && len >= 4 + 16) {
      // VETH_INFO_PEER / VXCAN_INFO_PEER: an ifinfomsg, then link attributes
      items.push([`${label} peer | ${b.subarray(off + 4, off + 20).toString('hex')}`, ...attrs(b, off + 20, off + len, [], nests, depth + 1)]);
    } else if (nests.has(key) || nests.has(wild)) {
      items.push([`${label} nest`, ...attrs(b, off + 4, off + len, p, nests, depth + 1)]);
    } else {
      items.push([`${label} ${b.subarray(off + 4, off + len).toString('hex')}`]);
    }
    off += (len + 3) & ~3;
  }
  if (path.length === 0 || nests.has(path.join('.')) || nests.has([...path.slice(0, -1), '*'].join('.')))
    items.sort((x, y) => num(x[0]) - num(y[0]) || (x.join('\n') < y.join('\n') ? -1 : x.join('\n') > y.join('\n') ? 1 : 0));
  return items.flat();
}
const num = (line: string) => Number(/^\s*(\d+)/.exec(line)![1]);

describe('normalise (kernel-free)', () => {
  const msg = (hdr: number[], ...attrList: Buffer[]) => {
    const body = Buffer.concat([Buffer.from(hdr), ...attrList]);
    const b = Buffer.alloc(16 + body.length);
    b.writeUInt32LE(b.length, 0);
    b.writeUInt16LE(16, 4);
    body.copy(b, 16);
    return b;
  };
  const attr = (type: number, payload: Buffer) => {
    const b = Buffer.alloc((4 + payload.length + 3) & ~3);
    b.writeUInt16LE(4 + payload.length, 0);
    b.writeUInt16LE(type, 2);
    payload.copy(b, 4);
    return b;
  };
  const ifi = new Array(16).fill(0);
  it('sorts siblings at the top level and inside IFLA_LINKINFO / IFLA_INFO_DATA', () => {
    const data = (order: number[]) => attr(2, Buffer.concat(order.map((t) => attr(t, Buffer.from([t])))));
    const a = msg(ifi, attr(3, Buffer.from('a\0')), attr(18, Buffer.concat([attr(1, Buffer.from('vxlan\0')), data([1, 5, 2])])));
    const b = msg(ifi, attr(18, Buffer.concat([data([5, 2, 1]), attr(1, Buffer.from('vxlan\0'))])), attr(3, Buffer.from('a\0')));
    expect(normalise(a)).toEqual(normalise(b));
  });
  it('keeps a difference of value, length, flags or an unlisted nest\'s order', () => {
    const base = msg(ifi, attr(3, Buffer.from('a\0')), attr(4, Buffer.from([0, 5, 0, 0])));
    expect(normalise(base)).not.toEqual(normalise(msg(ifi, attr(3, Buffer.from('b\0')), attr(4, Buffer.from([0, 5, 0, 0])))));
    expect(normalise(base)).not.toEqual(normalise(msg(ifi, attr(3, Buffer.from('a\0')), attr(4 | 0x8000, Buffer.from([0, 5, 0, 0])))));
    // IFLA_AF_SPEC's children are sorted, but an unlisted nest (IFLA_VFINFO_LIST, 22) is not
    const list = (order: number[]) => msg(ifi, attr(22, Buffer.concat(order.map((t) => attr(t, Buffer.from([t]))))));
    expect(normalise(list([1, 2]))).not.toEqual(normalise(list([2, 1])));
    const af = (order: number[]) => msg(ifi, attr(26, Buffer.concat(order.map((t) => attr(t, Buffer.from([t]))))));
    expect(normalise(af([1, 2]))).toEqual(normalise(af([2, 1])));
  });
});

// ---------------------------------------------------------------------------
// The table

/**
 * BASE_SETUP, made with the library (no fork): the same links, MACs, states
 * and indexes as `ip` makes them in the capture (checked by the first test).
 */
async function baseSetup(ns: TestNetns): Promise<void> {
  await ns.nl.link.add({ name: 'v0', kind: 'veth', address: '02:00:00:00:00:01', info: { peer: { name: 'v1', address: '02:00:00:00:00:02' } } });
  await ns.nl.link.set('v0', { up: true });
  await ns.nl.link.set('v1', { up: true });
}

/** Runs BASE_SETUP and the row's setup inside the namespace. */
async function setUp(ns: TestNetns, c: Row): Promise<void> {
  await baseSetup(ns);
  for (const a of c.setup ?? []) {
    if (a[0] === 'bridge') tool(ns, 'bridge', a.slice(1));
    else ip(ns, ...a);
  }
}

/** `ip -j -d SHOW` without what differs between two namespaces made alike (random MACs, timers, counters). */
function state(ns: TestNetns, show: string[]): unknown {
  const VOLATILE = /^(stats64?|.*_timer|address|perm_address|broadcast|.*_cnt|ifindex|link_index|operstate|linkmode|.*_lft|addr_info_timer|used|updated|confirmed|.*probes|bridge_id|root_id|designated_.*|port_id|no)$/;
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !VOLATILE.test(k)).map(([k, x]) => [k, strip(x)]));
    return v;
  };
  if (show[0] === 'bridge') return strip(JSON.parse(execFileSync('nsenter', [`--net=${ns.path}`, 'bridge', '-j', ...show.slice(1)], { encoding: 'utf8', env: toolEnv() }) || '[]'));
  return strip(ipJson(ns, '-d', ...show));
}

/** Runs fn in a namespace, with a second one's path when the row needs it; both closed after. */
async function withPeer<T>(c: Row, fn: (ns: TestNetns, peer?: string) => T | Promise<T>): Promise<T> {
  const peer = c.peer ? makeNetns() : undefined;
  try {
    return await withNs(async (ns) => fn(ns, peer?.path));
  } finally {
    await peer?.close();
  }
}

/**
 * Runs `ip …` or `bridge …` inside the namespace; with `peer`, in a mount
 * namespace of its own where that namespace is the named one 'peer' (as the
 * capture script does it; the machine's /run is not touched).
 */
function tool(ns: TestNetns, name: 'ip' | 'bridge', args: string[], peer?: string): void {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  if (peer) {
    const script = ['set -e', ...(PEER_RUN(q(peer)) as string[]), `exec ${name} ${args.map(q).join(' ')}`].join('\n');
    execFileSync('nsenter', [`--net=${ns.path}`, 'unshare', '--mount', '--', 'sh', '-c', script], { env: toolEnv() });
  } else if (name === 'ip') ip(ns, ...args);
  else execFileSync('nsenter', [`--net=${ns.path}`, 'bridge', ...args], { env: toolEnv() });
}

/** True when this process may make a network namespace (root, or root of a user namespace). */
function canNetns(): boolean {
  try {
    closeSync(native.netnsCreate());
    return true;
  } catch {
    return false;
  }
}

const reason = !fixture
  ? 'test/fixtures/golden-ip.json is missing (node scripts/capture-golden.mjs)'
  : !haveStrace() || !haveIp()
    ? 'needs ip, nsenter and strace (ptrace)'
    : !canNetns()
      ? 'cannot make a network namespace here (run as root or under scripts/rootless.sh)'
      : '';

describe.concurrent.skipIf(reason !== '')(`golden bytes against ${fixture?.iproute2 ?? 'iproute2'} (recorded on kernel ${fixture?.kernel ?? '?'})${reason ? `: ${reason}` : ''}`, () => {
  it('has at least 200 rows, each recorded', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(cases.filter((c) => !fixture!.rows[c.name]).map((c) => c.name)).toEqual([]);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });
  it('the library-made base setup equals the ip-made one (links, MACs, flags, indexes)', async () => {
    const show = (ns: TestNetns) => state(ns, ['link', 'show']) as Record<string, unknown>[];
    const byIp = await withNs(async (ns) => {
      for (const a of BASE_SETUP as string[][]) ip(ns, ...a);
      return [show(ns), ipJson(ns, 'link', 'show').map((l: { ifindex: number; address: string }) => [l.ifindex, l.address])];
    });
    const byLib = await withNs(async (ns) => {
      await baseSetup(ns);
      return [show(ns), ipJson(ns, 'link', 'show').map((l: { ifindex: number; address: string }) => [l.ifindex, l.address])];
    });
    expect(byLib).toEqual(byIp);
  });
  for (const c of cases) {
    const title = `${c.tool ?? 'ip'} ${c.cmd.join(' ')}${c.known ? ` [known: ${c.known}]` : ''}${c.differs ? ` [differs: ${c.differs}]` : ''}`;
    const test = c.known && !process.env.GOLDEN_KNOWN_AS_IT ? it.fails : it;
    if (c.differs) {
      test(title, async () => {
        const rec = fixture!.rows[c.name];
        const show = c.show ?? ['link', 'show'];
        const theirs = await withPeer(c, async (ns, peer) => {
          await setUp(ns, c);
          tool(ns, c.tool ?? 'ip', c.cmd, peer);
          return state(ns, show);
        });
        const ours = await withPeer(c, async (ns, peer) => {
          await setUp(ns, c);
          await c.lib(ns.nl, peer);
          return state(ns, show);
        });
        expect(rec, 'the row is recorded').toBeDefined();
        expect(ours).toEqual(theirs);
      });
    } else {
      test(title, async () => {
        const rec = fixture!.rows[c.name];
        expect(rec, 'the row is recorded').toBeDefined();
        const ours = await withNs(async (ns) => {
          await setUp(ns, c);
          const got = await captureLib(ns, () => c.lib(ns.nl));
          // the kernel may refuse (a kind it lacks); the library must not
          if (got.error !== undefined && !(got.error instanceof NetlinkError)) throw got.error;
          return got.messages;
        });
        const theirs = rec.messages.map((h) => Buffer.from(h, 'hex'));
        expect(ours.map(normalise), `${c.tool ?? 'ip'} ${c.cmd.join(' ')}`).toEqual(theirs.map(normalise));
      });
    }
  }
});
