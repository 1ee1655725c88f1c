/**
 * Observability: the `rtnetlink:request:*` and `rtnetlink:batch:*`
 * diagnostics channels seen by a subscriber while real requests run in a
 * namespace of the test's own; `NODE_DEBUG=rtnetlink` in a child process
 * (stderr names each request in ip's words with its outcome); the op names
 * of message type + flags (kernel-free); the words given to iproute2's own
 * request bytes (captured with strace).
 */
import { execFile } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClosedError, NetlinkError, openSync, TimeoutError, type Handle } from '../lib/index.js';
import { describeMessage } from '../lib/describe.js';
import { NLM_F } from '../lib/protocol.js';
import { describeEnd, opName, requestStart, type BatchTrace, type RequestTrace } from '../lib/trace.js';
import { RTM } from '../lib/wire/rtm.js';
import { captureTool, haveStrace } from './golden.js';
import { haveIp, ipJson, makeNetns, type TestNetns } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A second handle on a test namespace (to look at it after its own handle closed). */
const makeNetnsHandle = (fd: number): Handle => openSync({ netns: { fd } });

/** Every message of the five channels while `fn` runs, in publishing order. */
async function recording<T>(fn: () => Promise<T> | T): Promise<{ value?: T; error?: unknown; seen: { ch: string; m: any; at: Record<string, unknown> }[] }> {
  const seen: { ch: string; m: any; at: Record<string, unknown> }[] = [];
  const names = ['rtnetlink:request:start', 'rtnetlink:request:end', 'rtnetlink:request:error', 'rtnetlink:batch:start', 'rtnetlink:batch:end'];
  // A snapshot of the message at publish time (the same object goes on to end/error), and for start the bytes.
  const subs = names.map((ch) => {
    const f = (m: unknown) => {
      const t = m as RequestTrace;
      seen.push({ ch, m, at: { ...t, message: t.message ? Buffer.from(t.message) : undefined } });
    };
    subscribe(ch, f);
    return [ch, f] as const;
  });
  try {
    return { value: await fn(), seen };
  } catch (error) {
    return { error, seen };
  } finally {
    for (const [ch, f] of subs) unsubscribe(ch, f);
  }
}

describe('op names from message type and flags (kernel-free)', () => {
  const R = NLM_F.REQUEST | NLM_F.ACK;
  it.each([
    [RTM.NEWROUTE, R | NLM_F.CREATE | NLM_F.EXCL, 'route add'],
    [RTM.NEWROUTE, R | NLM_F.CREATE | NLM_F.REPLACE, 'route replace'],
    [RTM.NEWROUTE, R | NLM_F.CREATE | NLM_F.APPEND, 'route append'],
    [RTM.NEWROUTE, R | NLM_F.CREATE, 'route prepend'],
    [RTM.NEWROUTE, R | NLM_F.REPLACE, 'route change'],
    [RTM.DELROUTE, R, 'route del'],
    [RTM.GETROUTE, R, 'route get'],
    [RTM.GETROUTE, NLM_F.REQUEST | NLM_F.DUMP, 'route list'],
    [RTM.NEWLINK, R | NLM_F.CREATE | NLM_F.EXCL, 'link add'],
    [RTM.NEWLINK, R, 'link set'],
    [RTM.SETLINK, R, 'link set'],
    [RTM.GETLINK, NLM_F.REQUEST | NLM_F.DUMP, 'link list'],
    [RTM.NEWADDR, R | NLM_F.CREATE | NLM_F.REPLACE, 'address replace'],
    [RTM.DELADDR, R, 'address del'],
    [RTM.NEWNEIGH, R | NLM_F.CREATE | NLM_F.EXCL, 'neigh add'],
    [RTM.DELRULE, R, 'rule del'],
    [RTM.NEWQDISC, R | NLM_F.CREATE | NLM_F.EXCL, 'qdisc add'],
    [RTM.NEWQDISC, R | NLM_F.REPLACE, 'qdisc link'],
    [RTM.NEWQDISC, R, 'qdisc change'],
    [RTM.NEWTCLASS, R | NLM_F.CREATE | NLM_F.REPLACE, 'class replace'],
    [RTM.DELTFILTER, R, 'filter del'],
    [RTM.GETACTION, NLM_F.REQUEST | NLM_F.DUMP, 'action list'],
    [RTM.NEWNSID, R, 'nsid change'],
    [3, R, 'message type 3'],
  ])('type %i flags %s: %s', (type, flags, name) => {
    expect(opName(type, flags)).toBe(name);
  });
});

describe('debug lines: outcomes and times (kernel-free)', () => {
  const trace = (over: Partial<RequestTrace>): RequestTrace => ({
    op: 'route add', type: RTM.NEWROUTE, name: 'RTM_NEWROUTE', flags: 0x605, seq: 1, bytes: 36, dump: false, netns: undefined, message: undefined,
    start: 0, duration: 0.012, replies: 0, tries: 1, error: undefined, code: undefined, errno: undefined, sent: undefined, ...over,
  });
  const failed = (error: Error & { code?: string; errno?: number; sent?: boolean }) =>
    describeEnd(trace({ error, code: error.code, errno: error.errno, sent: error.sent }), true);
  it('successes: ok for a change, the count of what a read returned, streamed for a stream', () => {
    expect(describeEnd(trace({}), false)).toBe('ok 12µs');
    expect(describeEnd(trace({ op: 'link list', type: RTM.GETLINK, dump: true, replies: 3, duration: 0.08 }), false)).toBe('3 links 80µs');
    expect(describeEnd(trace({ op: 'link get', type: RTM.GETLINK, replies: 1, duration: 2.5 }), false)).toBe('1 link 2.50ms');
    expect(describeEnd(trace({ op: 'address list', type: RTM.GETADDR, dump: true, replies: 2, duration: 12.25 }), false)).toBe('2 addresses 12.3ms');
    expect(describeEnd(trace({ op: 'route list', type: RTM.GETROUTE, dump: true, replies: undefined, tries: 2, duration: 1500 }), false)).toBe('streamed 1.50s (2 tries)');
  });
  it('failures: the code, the kernel\'s extack or the errno\'s text, and whether it was sent when that is in doubt', () => {
    const eexist = Object.assign(new NetlinkError(17, 'RTM_NEWROUTE'), { sent: true });
    expect(failed(eexist)).toBe('EEXIST (file already exists) 12µs');
    const enetdown = Object.assign(new NetlinkError(100, 'RTM_NEWROUTE', { message: 'Device for nexthop is not up' }), { sent: true });
    expect(failed(enetdown)).toBe('ENETDOWN: Device for nexthop is not up 12µs');
    expect(failed(new TimeoutError(true, 5, 'RTM_NEWROUTE'))).toMatch(/^ETIMEDOUT: .* \(sent\) 12µs$/);
    expect(failed(new TimeoutError(false, 5, 'RTM_NEWROUTE'))).toMatch(/^ETIMEDOUT: .* \(not sent\) 12µs$/);
    expect(failed(new ClosedError())).toMatch(/^ERR_HANDLE_CLOSED: .* \(not sent\) 12µs$/);
  });
});

describe('diagnostics channels in a namespace', () => {
  let ns: TestNetns;
  let va: number;
  const dsts = async (h = ns.nl) => (await h.route.list()).map((r) => r.dst);
  beforeAll(async () => {
    ns = makeNetns();
    await ns.nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } }, up: true });
    await ns.nl.link.set('vb', { up: true });
    va = (await ns.nl.link.get('va')).index;
  });
  afterAll(async () => {
    await ns?.close();
  });
  afterEach(() => {
    expect(requestStart.hasSubscribers).toBe(false); // every test unsubscribed
  });

  it('a successful add: start (its bytes, type, flags, op) then end, the same object, with its duration', async () => {
    const { error, seen } = await recording(() => ns.nl.route.add({ dst: '10.1.0.0/24', dev: va }));
    expect(error).toBeUndefined();
    expect(seen.map((s) => s.ch)).toEqual(['rtnetlink:request:start', 'rtnetlink:request:end']);
    const [start, end] = seen;
    expect(end.m).toBe(start.m);
    const msg = start.at.message as Buffer;
    expect(start.at).toMatchObject({ op: 'route add', type: RTM.NEWROUTE, name: 'RTM_NEWROUTE', dump: false, netns: `fd ${ns.fd}`, duration: undefined, error: undefined });
    expect(start.at.flags).toBe(NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL);
    // The bytes are the message sent: its own header says so.
    expect({ len: msg.readUInt32LE(0), type: msg.readUInt16LE(4), flags: msg.readUInt16LE(6), seq: msg.readUInt32LE(8) }).toEqual({
      len: start.at.bytes,
      type: RTM.NEWROUTE,
      flags: start.at.flags,
      seq: start.at.seq,
    });
    expect(describeMessage(RTM.NEWROUTE, msg, false)).toBe(`10.1.0.0/24 dev ${va} table main`);
    expect(end.at.duration).toBeGreaterThan(0);
    expect(end.at).toMatchObject({ replies: 0, tries: 1, error: undefined, code: undefined, sent: undefined });
    expect(end.m.message).toBeUndefined(); // the view is not kept past start
    // What the end reported is the kernel's state.
    expect(await dsts()).toContain('10.1.0.0/24');
  });

  it('a failing add: start then error with the errno, code and sent: true, and the error the call rejected with', async () => {
    const { error, seen } = await recording(() => ns.nl.route.add({ dst: '10.1.0.0/24', dev: 'va' }));
    expect(error).toBeInstanceOf(NetlinkError);
    const route = seen.filter((s) => s.at.type === RTM.NEWROUTE); // the name lookup of 'va' is traced too
    expect(route.map((s) => s.ch)).toEqual(['rtnetlink:request:start', 'rtnetlink:request:error']);
    expect(seen.filter((s) => s.at.type === RTM.GETLINK).map((s) => [s.ch, s.at.op, s.at.replies])).toEqual([
      ['rtnetlink:request:start', 'link get', undefined],
      ['rtnetlink:request:end', 'link get', 1],
    ]);
    const e = route[1];
    expect(e.m).toBe(route[0].m);
    expect(e.at).toMatchObject({ op: 'route add', code: 'EEXIST', errno: -17, sent: true });
    expect(e.at.error).toBe(error);
    expect(e.at.duration).toBeGreaterThan(0);
  });

  it('an abort before the request left: error with sent: false, and nothing in the kernel', async () => {
    const ac = new AbortController();
    // Aborted from inside the start callback: made, then withdrawn before the end of its tick.
    const f = () => ac.abort();
    subscribe('rtnetlink:request:start', f);
    let r;
    try {
      r = await recording(() => ns.nl.route.add({ dst: '10.4.0.0/24', dev: va }, { signal: ac.signal }));
    } finally {
      unsubscribe('rtnetlink:request:start', f);
    }
    expect(r.error).toMatchObject({ code: 'ABORT_ERR', sent: false });
    expect(r.seen.map((s) => [s.ch, s.at.code, s.at.sent])).toEqual([
      ['rtnetlink:request:start', undefined, undefined],
      ['rtnetlink:request:error', 'ABORT_ERR', false],
    ]);
    expect(r.seen[1].at.error).toBe(r.error);
    expect(await dsts()).not.toContain('10.4.0.0/24');
  });

  it('close({ force }) with a request made: the error channel says what the call says, and sent: false means absent', async () => {
    const other = makeNetns();
    const look = makeNetnsHandle(other.fd);
    try {
      await other.nl.link.set('lo', { up: true });
      const { error, seen } = await recording(() => {
        const p = other.nl.route.add({ dst: '10.2.0.0/24', dev: 1 });
        void other.nl.close({ force: true });
        return p;
      });
      const failed = seen.filter((s) => s.ch === 'rtnetlink:request:error').map((s) => s.at);
      expect(failed.length).toBe(1);
      const sent = (error as { sent?: boolean }).sent;
      expect(failed[0]).toMatchObject({ op: 'route add', sent, code: sent ? 'ERR_OUTCOME_UNKNOWN' : 'ERR_HANDLE_CLOSED' });
      expect(failed[0].error).toBe(error);
      if (sent === false) expect(await dsts(look)).not.toContain('10.2.0.0/24');
    } finally {
      await look.close();
      await other.close();
    }
  });

  it('lists report their reply count; sync calls and streams are traced too', async () => {
    const { seen } = await recording(async () => {
      await ns.nl.link.list();
      ns.nl.sync.route.add({ dst: '10.5.0.0/24', dev: va });
      for await (const _ of ns.nl.route.stream({ table: 'main' })) void _;
    });
    const ends = seen.filter((s) => s.ch === 'rtnetlink:request:end').map((s) => [s.at.op, s.at.dump, s.at.replies]);
    const links = (await ns.nl.link.list()).length;
    expect(ends).toEqual([
      ['link list', true, links],
      ['route add', false, 0],
      ['link list', true, links], // the stream resolves link names first
      ['route list', true, undefined], // a stream's items went to the reader
    ]);
  });

  it('a batch: batch:start and batch:end with the counts, and each request in between', async () => {
    const { value, seen } = await recording(() =>
      ns.nl.batch((b) => {
        b.route.add({ dst: '10.6.0.0/24', dev: va });
        b.route.add({ dst: '10.6.0.0/24', dev: va }); // EEXIST
        b.route.add({ dst: '10.7.0.0/24', dev: va });
      }),
    );
    expect(value!.map((r) => r.ok)).toEqual([true, false, true]);
    expect(seen.map((s) => s.ch)).toEqual([
      'rtnetlink:batch:start',
      ...Array(3).fill('rtnetlink:request:start'),
      'rtnetlink:request:end',
      'rtnetlink:request:error',
      'rtnetlink:request:end',
      'rtnetlink:batch:end',
    ]);
    const b = seen.at(-1)!.m as BatchTrace;
    expect(b).toBe(seen[0].m);
    expect(b).toMatchObject({ ops: 3, stopOnError: false, ok: 2, failed: 1, skipped: 0, netns: `fd ${ns.fd}` });
    expect(b.duration).toBeGreaterThan(0);
  });

  it('after unsubscribing nothing is published, and requests carry no trace', async () => {
    const got: unknown[] = [];
    const f = (m: unknown) => got.push(m);
    subscribe('rtnetlink:request:start', f);
    await ns.nl.route.add({ dst: '10.8.0.0/24', dev: va });
    unsubscribe('rtnetlink:request:start', f);
    await ns.nl.route.add({ dst: '10.9.0.0/24', dev: va });
    expect(got.map((m) => (m as RequestTrace).op)).toEqual(['route add']);
    expect(await dsts()).toEqual(expect.arrayContaining(['10.8.0.0/24', '10.9.0.0/24']));
  });
});

describe.skipIf(!haveStrace() || !haveIp())("requests described in ip's words: iproute2's own bytes read back (needs strace and ip)", () => {
  let ns: TestNetns;
  let index: number;
  beforeAll(async () => {
    ns = makeNetns();
    await ns.nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } }, up: true });
    index = (await ns.nl.link.get('va')).index;
  });
  afterAll(async () => {
    await ns?.close();
  });
  const cases: [string, string[], (i: number) => string][] = [
    ['ip', ['route', 'add', '10.1.0.0/24', 'dev', 'va', 'table', '100', 'metric', '7'], (i) => `route add 10.1.0.0/24 dev ${i} table 100 metric 7`],
    ['ip', ['address', 'add', '10.0.0.1/24', 'dev', 'va'], (i) => `address add 10.0.0.1/24 dev ${i}`],
    // (its gateway is on the prefix of the address above)
    ['ip', ['route', 'replace', 'default', 'via', '10.0.0.254', 'dev', 'va'], (i) => `route replace default via 10.0.0.254 dev ${i} table main`],
    ['ip', ['route', 'append', 'blackhole', '10.3.0.0/16'], () => 'route append blackhole 10.3.0.0/16 table main'],
    ['ip', ['link', 'add', 'br9', 'type', 'bridge'], () => 'link add br9 type bridge'],
    ['ip', ['link', 'set', 'va', 'mtu', '1400'], (i) => `link set dev ${i} mtu 1400`],
    ['ip', ['neigh', 'replace', '10.0.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'va', 'nud', 'permanent'], (i) => `neigh replace 10.0.0.9 lladdr 02:00:00:00:00:09 dev ${i} nud permanent`],
    ['ip', ['rule', 'add', 'from', '10.0.0.0/8', 'lookup', '100', 'priority', '10'], () => 'rule add from 10.0.0.0/8 lookup 100 priority 10'],
    ['tc', ['qdisc', 'add', 'dev', 'va', 'root', 'handle', '1:', 'htb'], (i) => `qdisc add dev ${i} root handle 1: htb`],
    ['tc', ['class', 'add', 'dev', 'va', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10mbit'], (i) => `class add dev ${i} parent 1: classid 1:10 htb`],
  ];
  for (const [tool, args, want] of cases)
    it(`${tool} ${args.join(' ')}`, () => {
      const { messages, status, stderr } = captureTool(ns, tool as 'ip' | 'tc', args);
      expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
      const [m] = messages;
      const type = m.readUInt16LE(4);
      const flags = m.readUInt16LE(6);
      expect(`${opName(type, flags)} ${describeMessage(type, m, false)}`).toBe(want(index));
    });
  it('the kernel has what those commands made (the captures were real)', () => {
    expect(ipJson(ns, 'route', 'show', 'table', '100').map((r: any) => r.dst)).toEqual(['10.1.0.0/24']);
  });
});

describe('NODE_DEBUG=rtnetlink (a child process)', () => {
  let dir: string;
  beforeAll(() => {
    // The child runs plain JavaScript: lib/ as it is now, transpiled (no type check) into a
    // folder whose build/ and node_modules/ are the repository's.
    dir = mkdtempSync(join(tmpdir(), 'rtnetlink-observe-'));
    const lib = join(root, 'lib');
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
    for (const f of walk(lib)) {
      const js = ts.transpileModule(readFileSync(f, 'utf8'), { fileName: f, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      const out = join(dir, 'lib', relative(lib, f)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, js);
    }
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    symlinkSync(join(root, 'build'), join(dir, 'build'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(
      join(dir, 'child.js'),
      `import { openSync } from './lib/index.js';
import { native } from './lib/native.js';
import { requestStart } from './lib/trace.js';
const fd = native.netnsCreate();
const nl = openSync({ netns: { fd } });
await nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } }, up: true });
await nl.route.add({ dst: '10.1.0.0/24', dev: 'va' });
const again = await nl.route.add({ dst: '10.1.0.0/24', dev: 'va' }).then(() => 'ok', (e) => e.code);
const links = (await nl.link.list()).length;
await nl.close();
console.log(JSON.stringify({ fd, again, links, listening: requestStart.hasSubscribers }));
`,
    );
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const runChild = (env: NodeJS.ProcessEnv) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(dir, 'child.js')], { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });

  it("prints each request in ip's words with its outcome and time on stderr", async () => {
    const { NODE_DEBUG: _, ...env } = process.env;
    const r = await runChild({ ...env, NODE_DEBUG: 'rtnetlink' });
    expect({ code: r.code, stderrTail: r.code === 0 ? '' : r.stderr.slice(-2000) }).toEqual({ code: 0, stderrTail: '' });
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ again: 'EEXIST', listening: true });
    const lines = r.stderr.trim().split('\n');
    const pre = `^RTNETLINK \\d+: -n fd ${out.fd} `;
    const time = '\\d+(\\.\\d+)?(µs|ms|s)';
    const expected = [
      `link add va up type veth -> ok ${time} \\(seq \\d+\\)$`,
      `link get va -> 1 link ${time}`,
      `route add 10\\.1\\.0\\.0/24 dev \\d+ table main -> ok ${time}`,
      `link get va -> 1 link ${time}`,
      `route add 10\\.1\\.0\\.0/24 dev \\d+ table main -> EEXIST \\(file already exists\\) ${time}`,
      `link list -> ${out.links} links ${time}`,
    ];
    expect(lines.length).toBe(expected.length);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(pre + expected[i])));
  });

  it('without NODE_DEBUG: nothing printed, nobody listening', async () => {
    const { NODE_DEBUG: _, ...env } = process.env;
    const r = await runChild(env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toMatchObject({ again: 'EEXIST', listening: false });
  });
});
