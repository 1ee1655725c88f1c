/**
 * Network namespaces (lib/netns.ts, lib/nsid.ts): named ones compatible with
 * `ip netns`, anonymous ones owned by an object, sockets and processes inside
 * them, nsids. Every namespace used here is one this file made: anonymous
 * ones, or named ones called `rtnl-test-<pid>-<n>` that afterEach deletes.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ClosedError, netns, open, type Handle } from '../lib/index.js';
import { _setSpawnHelper } from '../lib/nsexec.js';
import { haveIp, toolEnv } from './helpers.js';

let counter = 0;
const made: string[] = [];
/** A fresh unique name, deleted after the test whatever happens. */
function uniqueName(): string {
  const n = `rtnl-test-${process.pid}-${++counter}`;
  made.push(n);
  return n;
}
afterEach(() => {
  for (const n of made.splice(0)) {
    try {
      netns.delSync(n);
    } catch {
      // already gone (deleted by the test itself)
    }
  }
});

const mountPoints = (): string[] =>
  fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')[4]);
const ourMounts = (): string[] => mountPoints().filter((m) => m.startsWith(`/run/netns/rtnl-test-${process.pid}-`));
const fdLinks = (): string[] =>
  fs.readdirSync('/proc/self/fd').map((f) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${f}`);
    } catch {
      return '';
    }
  });
const threadCount = (): number => fs.readdirSync('/proc/self/task').length;
/** The 100-namespace loops take well under 2 s here; an emulated VM kernel is ~100x slower at namespace teardown. */
const SLOW = 600_000;

async function until(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `ip address add` through the library, or iproute2 run inside the namespace while lib/address.ts is not there. */
async function addAddress(nl: Handle, ns: netns.Netns, dev: string, cidr: string): Promise<void> {
  if (typeof (nl.address as { add?: unknown }).add === 'function') {
    await nl.address.add({ dev, address: cidr });
    return;
  }
  const r = ns.spawnSync('ip', ['address', 'add', cidr, 'dev', dev], { encoding: 'utf8', env: toolEnv() });
  if (r.status !== 0) throw new Error(`ip address add failed: ${r.stderr}`);
}

/** Reads everything a socket sends until it ends. */
async function readAll(s: net.Socket): Promise<string> {
  let out = '';
  s.setEncoding('utf8');
  for await (const chunk of s) out += chunk;
  return out;
}

const echo = (s: net.Socket) => s.once('data', (d) => s.end(`echo:${d}`));

describe('anonymous namespaces', () => {
  it('a fresh namespace has only lo, down; TCP to 127.0.0.1 fails until lo is up, then works', async () => {
    await using ns = await netns.create();
    const nl = ns.open();
    const links = await nl.link.list();
    expect(links.map((l) => [l.name, l.up])).toEqual([['lo', false]]);

    // 127.0.0.1 is lo's even while lo is down: binding works, connecting does not.
    const server = await ns.listen({ address: '127.0.0.1', port: 0 }, echo);
    const { port } = server.address() as net.AddressInfo;
    await expect(ns.connect({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'ENETUNREACH' });

    await nl.link.set('lo', { up: true });
    const client = await ns.connect({ host: '127.0.0.1', port });
    expect(client.remoteAddress).toBe('127.0.0.1');
    client.write('ping');
    expect(await readAll(client)).toBe('echo:ping');
    await expect(ns.listen({ address: '127.0.0.1', port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    server.close();
  });

  it('UDP datagrams over lo inside a namespace (dgram adopts the fd)', async () => {
    await using ns = await netns.create();
    await ns.open().link.set('lo', { up: true });
    const a = await ns.udp({ address: '127.0.0.1' });
    const b = await ns.udp({ address: '127.0.0.1' });
    try {
      const got = once(b, 'message');
      a.send('hello', (b.address() as net.AddressInfo).port, '127.0.0.1');
      const [msg, rinfo] = (await got) as [Buffer, { port: number }];
      expect(String(msg)).toBe('hello');
      expect(rinfo.port).toBe(a.address().port);
    } finally {
      a.close();
      b.close();
    }
  });

  it('IPv6 over lo inside a namespace', async () => {
    await using ns = await netns.create();
    await ns.open().link.set('lo', { up: true });
    const server = await ns.listen({ address: '::1' }, echo);
    const client = await ns.connect({ host: '::1', port: (server.address() as net.AddressInfo).port });
    client.write('six');
    expect(await readAll(client)).toBe('echo:six');
    server.close();
  });

  it('two namespaces joined by a veth pair exchange TCP and UDP (server in one, client in the other)', async () => {
    await using a = await netns.create();
    await using b = await netns.create();
    const na = a.open();
    const nb = b.open();
    // the peer is born inside b: one request
    await na.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb', netns: b } } });
    expect((await nb.link.list()).map((l) => l.name).sort()).toEqual(['lo', 'vb']);
    await addAddress(na, a, 'va', '10.0.0.1/24');
    await addAddress(nb, b, 'vb', '10.0.0.2/24');
    await na.link.set('va', { up: true });
    await nb.link.set('vb', { up: true });

    const server = await b.listen({ address: '10.0.0.2', port: 5000 }, echo);
    const client = await a.connect({ host: '10.0.0.2', port: 5000 });
    expect(client.localAddress).toBe('10.0.0.1');
    client.write('across');
    expect(await readAll(client)).toBe('echo:across');
    server.close();

    const ua = await a.udp({ address: '10.0.0.1', port: 6000 });
    const ub = await b.udp({ address: '10.0.0.2', port: 6000 });
    try {
      const got = once(ub, 'message');
      ua.send('dgram', 6000, '10.0.0.2');
      const [msg, rinfo] = (await got) as [Buffer, { address: string }];
      expect(String(msg)).toBe('dgram');
      expect(rinfo.address).toBe('10.0.0.1');
    } finally {
      ua.close();
      ub.close();
    }
  });

  it('closing releases the handles, the fd and the namespace; closed objects fail clearly', async () => {
    const ns = await netns.create();
    const h = ns.open();
    const own = await open({ netns: ns }); // a handle the object does not own
    await ns.close();
    expect(ns.closed).toBe(true);
    expect(h.closed).toBe(true);
    await expect(h.link.list()).rejects.toBeInstanceOf(ClosedError);
    expect(() => h.sync.link.list()).toThrow(ClosedError);
    expect(() => ns.fd).toThrow(ClosedError);
    expect(() => ns.open()).toThrow(ClosedError);
    await ns.close(); // idempotent
    ns[Symbol.dispose]();
    // the other handle still holds the namespace and works
    expect((await own.link.list()).map((l) => l.name)).toEqual(['lo']);
    await own.close();

    let inner: Handle;
    {
      using scoped = netns.createSync();
      inner = scoped.open();
      expect(inner.sync.link.list()).toHaveLength(1);
    }
    await inner.conn.closed;
    expect(inner.closed).toBe(true);
  });

  it('rejects bad input before doing anything', async () => {
    await using ns = await netns.create();
    expect(() => netns.socket(ns, { type: 'sctp' as 'tcp' })).toThrow(TypeError);
    expect(() => netns.socket(ns, { type: 'tcp', bind: { address: 'nope' } })).toThrow(TypeError);
    expect(() => netns.socket(ns, { type: 'tcp', family: 4, bind: { address: '::1' } })).toThrow(TypeError);
    expect(() => netns.socket(ns, { type: 'udp', bind: { port: 70000 } })).toThrow(RangeError);
    await expect(ns.connect({ host: '127.0.0.1', port: -1 })).rejects.toBeInstanceOf(RangeError);
    await expect(ns.listen({ family: 5 as 4 })).rejects.toBeInstanceOf(TypeError);
    expect(() => netns.addSync('a/b')).toThrow(TypeError);
    expect(() => netns.addSync('..')).toThrow(TypeError);
    expect(() => netns.addSync('x'.repeat(256))).toThrow(RangeError);
    expect(() => netns.socket({ bad: 1 } as never, { type: 'tcp' })).toThrow(TypeError);
    expect(() => netns.spawn(ns, '')).toThrow(TypeError);
    const ac = new AbortController();
    ac.abort();
    await expect(ns.connect({ host: '127.0.0.1', port: 1, signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('sockets by name, path, pid and fd reach the same namespace', async () => {
    const name = uniqueName();
    await using ns = await netns.create({ name });
    expect(ns.path).toBe(`/run/netns/${name}`);
    await ns.open().link.set('lo', { up: true });
    const server = await netns.listen(name, { address: '127.0.0.1', port: 7000 }, echo);
    const sleeper = ns.spawn('sh', ['-c', 'echo ready; exec sleep 30'], { stdio: ['ignore', 'pipe', 'inherit'], env: toolEnv() });
    try {
      await once(sleeper.stdout!, 'data');
      for (const ref of [name, { path: `/run/netns/${name}` }, { fd: ns.fd }, { pid: sleeper.pid! }, ns]) {
        const c = await netns.connect(ref, { host: '127.0.0.1', port: 7000 });
        c.write('r');
        expect(await readAll(c)).toBe('echo:r');
      }
      // the caller's own namespace is the default, and a different one
      expect(netns.identifySync()).not.toContain(name);
      expect(netns.identifySync({ pid: sleeper.pid! })).toEqual([name]);
      expect(netns.identifySync(ns)).toEqual([name]);
    } finally {
      sleeper.kill();
      server.close();
    }
  });
});

describe('named namespaces, as ip netns makes them', () => {
  it('add/list/exists/del, EEXIST, ENOENT; /run/netns is a shared mount', async () => {
    const name = uniqueName();
    await netns.add(name);
    expect(await netns.list()).toContain(name);
    expect(netns.listSync()).toContain(name);
    expect(await netns.exists(name)).toBe(true);
    expect(ourMounts()).toEqual([`/run/netns/${name}`]);
    // the topmost mount on /run/netns (an older one may lie hidden under a tmpfs on /run)
    const dir = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').findLast((l) => l.split(' ')[4] === '/run/netns');
    expect(dir).toMatch(/ shared:\d+/);
    await expect(netns.add(name)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(() => netns.addSync(name)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(ourMounts()).toHaveLength(1); // a failed add leaves nothing
    const nl = await open({ netns: name });
    expect((await nl.link.list()).map((l) => l.name)).toEqual(['lo']);
    await nl.close();
    await netns.del(name);
    expect(await netns.list()).not.toContain(name);
    expect(netns.existsSync(name)).toBe(false);
    expect(fs.existsSync(`/run/netns/${name}`)).toBe(false);
    expect(ourMounts()).toEqual([]);
    await expect(netns.del(name)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(open({ netns: name })).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a stale file without a mount is not a namespace; del removes it', () => {
    const name = uniqueName();
    netns.addSync(name);
    netns.delSync(name);
    fs.closeSync(fs.openSync(`/run/netns/${name}`, 'wx', 0));
    expect(netns.listSync()).toContain(name);
    expect(netns.existsSync(name)).toBe(false);
    netns.delSync(name);
    expect(netns.listSync()).not.toContain(name);
  });

  it.skipIf(!haveIp())('ip netns list sees ours, ip -n works in it, and ours works in one made by ip netns add', async () => {
    const ours = uniqueName();
    netns.addSync(ours);
    const listed = JSON.parse(execFileSync('ip', ['-j', 'netns', 'list'], { encoding: 'utf8', env: toolEnv() }) || '[]') as { name: string }[];
    expect(listed.map((e) => e.name)).toContain(ours);
    execFileSync('ip', ['-n', ours, 'link', 'add', 'x0', 'type', 'veth', 'peer', 'name', 'x1'], { env: toolEnv() });
    const nl = await open({ netns: ours });
    expect((await nl.link.list()).map((l) => l.name).sort()).toEqual(['lo', 'x0', 'x1']);
    await nl.link.add({ name: 'y0', kind: 'veth', info: { peer: { name: 'y1' } } });
    await nl.close();
    const seen = JSON.parse(execFileSync('ip', ['-n', ours, '-j', 'link', 'show'], { encoding: 'utf8', env: toolEnv() })) as { ifname: string }[];
    expect(seen.map((l) => l.ifname).sort()).toEqual(['lo', 'x0', 'x1', 'y0', 'y1']);
    netns.delSync(ours);
    const after = execFileSync('ip', ['-j', 'netns', 'list'], { encoding: 'utf8', env: toolEnv() });
    expect(after.includes(`"${ours}"`)).toBe(false);

    const theirs = uniqueName();
    execFileSync('ip', ['netns', 'add', theirs], { env: toolEnv() });
    expect(netns.existsSync(theirs)).toBe(true);
    expect(netns.identifySync({ path: `/run/netns/${theirs}` })).toEqual([theirs]);
    const h = await open({ netns: theirs });
    expect((await h.link.list()).map((l) => [l.name, l.up])).toEqual([['lo', false]]);
    await h.link.add({ name: 'z0', kind: 'veth', info: { peer: { name: 'z1' } } });
    await h.close();
    const theirLinks = JSON.parse(execFileSync('ip', ['-n', theirs, '-j', 'link', 'show'], { encoding: 'utf8', env: toolEnv() })) as { ifname: string }[];
    expect(theirLinks.map((l) => l.ifname).sort()).toEqual(['lo', 'z0', 'z1']);
    await netns.del(theirs); // the library deletes what ip made
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', env: toolEnv() }).includes(theirs)).toBe(false);
    expect(ourMounts()).toEqual([]);
  });

  it('attach names an anonymous namespace (ip netns attach)', async () => {
    await using ns = await netns.create();
    await ns.open().link.add({ name: 'a0', kind: 'veth', info: { peer: { name: 'a1' } } });
    const name = uniqueName();
    netns.attachSync(name, ns);
    expect(netns.identifySync(ns)).toEqual([name]);
    const h = await open({ netns: name });
    expect((await h.link.list()).map((l) => l.name).sort()).toEqual(['a0', 'a1', 'lo']);
    await h.close();
    expect(() => netns.attachSync(name, ns)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(() => netns.attachSync(uniqueName(), { path: '/proc/self/status' })).toThrow(TypeError);
    netns.delSync(name);
    expect(ourMounts()).toEqual([]);
  });

  it('create({ name }) is named until closed', async () => {
    const name = uniqueName();
    const ns = netns.createSync({ name });
    expect(netns.existsSync(name)).toBe(true);
    expect(ourMounts()).toEqual([`/run/netns/${name}`]);
    await ns.close();
    expect(netns.existsSync(name)).toBe(false);
    expect(ourMounts()).toEqual([]);
  });

  it('100 namespaces created, used (a veth into each) and deleted leave no mounts, fds, threads or links behind', { timeout: SLOW }, async () => {
    await using hub = await netns.create();
    const nl = hub.open();
    await nl.link.list(); // the handle's pooled dump channel and the process's I/O threads exist from here on
    const fdsBefore = fdLinks();
    const threadsBefore = threadCount();
    const N = 100;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const name = uniqueName();
      await netns.add(name);
      await nl.link.add({ name: `h${i}`, kind: 'veth', info: { peer: { name: 'eth0', netns: name } } });
      const inner = await open({ netns: name });
      await inner.link.set('eth0', { up: true });
      expect((await inner.link.get('eth0')).up).toBe(true);
      await inner.close();
      await netns.del(name);
    }
    const perNs = (performance.now() - t0) / N;
    console.log(`netns: create + veth into it + handle inside + delete: ${perNs.toFixed(2)} ms per namespace (mean of ${N})`);
    expect(ourMounts()).toEqual([]);
    expect(netns.listSync().filter((n) => n.startsWith(`rtnl-test-${process.pid}-`))).toEqual([]);
    // the kernel tears a dead namespace down asynchronously; its veth ends go with it
    expect(await until(async () => (await nl.link.list()).length === 1)).toBe(true);
    expect((await nl.link.list()).map((l) => l.name)).toEqual(['lo']);
    expect(await until(() => threadCount() <= threadsBefore)).toBe(true);
    const fdsAfter = fdLinks();
    expect(fdsAfter.filter((l) => l.startsWith('net:['))).toEqual(fdsBefore.filter((l) => l.startsWith('net:[')));
    expect(fdsAfter.length).toBe(fdsBefore.length);
  });

  it('100 anonymous namespaces, each with a veth peer born inside, closed, leave nothing behind', { timeout: SLOW }, async () => {
    await using hub = await netns.create();
    const nl = hub.open();
    await nl.link.list(); // its pooled dump channel exists from here on
    const fdsBefore = fdLinks().length;
    const N = 100;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const ns = await netns.create();
      await nl.link.add({ name: `h${i}`, kind: 'veth', info: { peer: { name: 'eth0', netns: ns } } });
      const inner = ns.open();
      await inner.link.set('eth0', { up: true });
      await ns.close();
    }
    const perNs = (performance.now() - t0) / N;
    console.log(`netns: anonymous create + veth into it + handle inside + close: ${perNs.toFixed(2)} ms per namespace (mean of ${N})`);
    expect(await until(async () => (await nl.link.list()).length === 1)).toBe(true);
    expect(fdLinks().length).toBe(fdsBefore);
  });
});

describe('nsid (ip netns set / list-id)', () => {
  it('sets, reads and lists ids; peer links report them as linkNetnsid', async () => {
    await using hub = await netns.create();
    const name = uniqueName();
    await using other = await netns.create({ name });
    await using third = await netns.create();
    const nl = hub.open();
    expect(await nl.netns.getId(other)).toBeUndefined();
    expect(await nl.netns.setId(other, 7)).toBe(7);
    expect(await nl.netns.getId(other)).toBe(7);
    expect(await nl.netns.getId(name)).toBe(7);
    expect(nl.sync.netns.getId({ path: `/run/netns/${name}` })).toBe(7);
    await expect(nl.netns.setId(other, 8)).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(nl.netns.setId(third, 7)).rejects.toMatchObject({ code: 'EEXIST' });
    const auto = await nl.netns.setId(third); // lowest free id
    expect(auto).toBe(0);
    expect(await nl.netns.getId(third)).toBe(0);
    expect(() => nl.sync.netns.setId(third, -2)).toThrow(RangeError);

    const ids = await nl.netns.listIds();
    expect(ids.sort((x, y) => x.nsid - y.nsid)).toEqual([{ nsid: 0 }, { nsid: 7, name }]);
    expect((await nl.netns.list()).find((e) => e.name === name)).toEqual({ name, id: 7 });

    // a veth whose peer lives in `other` shows the id this namespace gives it
    await nl.link.add({ name: 'p0', kind: 'veth', info: { peer: { name: 'p1', netns: other } } });
    expect((await nl.link.get('p0')).linkNetnsid).toBe(7);
    // ids are per namespace: `other` names hub by an id of its own table
    const fromOther = other.open();
    const p1 = await fromOther.link.get('p1');
    expect(p1.linkNetnsid).toBeTypeOf('number');
    expect(await fromOther.netns.getId(hub)).toBe(p1.linkNetnsid);
  });

  it.skipIf(!haveIp())('ip netns list-id inside the namespace agrees', async () => {
    await using hub = await netns.create();
    const name = uniqueName();
    await using other = await netns.create({ name });
    await hub.open().netns.setId(other, 42);
    const r = hub.spawnSync('ip', ['-j', 'netns', 'list-id'], { encoding: 'utf8', env: toolEnv() });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout as string)).toEqual([{ nsid: 42, name }]);
    const l = hub.spawnSync('ip', ['-j', 'netns', 'list'], { encoding: 'utf8', env: toolEnv() });
    expect((JSON.parse(l.stdout as string) as { name: string; id?: number }[]).find((e) => e.name === name)).toEqual({ name, id: 42 });
  });

  it('creates a link directly inside another namespace with IFLA_TARGET_NETNSID', async (ctx) => {
    await using hub = await netns.create();
    await using other = await netns.create();
    const nl = hub.open();
    const id = await nl.netns.setId(other, 3);
    try {
      await nl.link.add({ name: 'br-t', kind: 'bridge', targetNetnsid: id } as Parameters<typeof nl.link.add>[0]);
    } catch (e) {
      if (e instanceof TypeError) ctx.skip(`lib/link.ts does not take targetNetnsid (IFLA_TARGET_NETNSID): ${e.message}`);
      throw e;
    }
    expect((await nl.link.list()).map((l) => l.name)).toEqual(['lo']);
    expect((await other.open().link.list()).map((l) => l.name).sort()).toEqual(['br-t', 'lo']);
  });
});

describe('processes inside a namespace (spawn)', () => {
  it('spawn and spawnSync run programs that see the namespace, and get no extra fd', async () => {
    await using ns = await netns.create();
    await ns.open().link.add({ name: 's0', kind: 'veth', info: { peer: { name: 's1' } } });
    const child = ns.spawn('cat', ['/proc/net/dev'], { env: toolEnv() });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d) => (out += d));
    const [code] = await once(child, 'close');
    expect(code).toBe(0);
    const devs = out.split('\n').slice(2).filter(Boolean).map((l) => l.split(':')[0].trim()).sort();
    expect(devs).toEqual(['lo', 's0', 's1']);

    if (haveIp()) {
      const r = netns.spawnSync(ns, 'ip', ['-j', 'link', 'show'], { encoding: 'utf8', env: toolEnv() });
      expect(r.status).toBe(0);
      expect((JSON.parse(r.stdout as string) as { ifname: string }[]).map((l) => l.ifname).sort()).toEqual(['lo', 's0', 's1']);
    }
    // the namespace fd was closed by the helper before exec
    const fds = ns.spawnSync('sh', ['-c', 'for f in /proc/$$/fd/*; do readlink "$f"; done'], { encoding: 'utf8', env: toolEnv() });
    expect((fds.stdout as string).split('\n').filter((l) => l.startsWith('net:'))).toEqual([]);
    // shell, argv0, env, cwd pass through; a missing program exits 127
    const sh = ns.spawnSync('echo $0 $FOO; pwd', [], { shell: true, encoding: 'utf8', env: { FOO: 'bar', PATH: process.env.PATH }, cwd: '/' });
    expect(sh.stdout).toBe('/bin/sh bar\n/\n');
    const a0 = ns.spawnSync('sh', ['-c', 'echo $0'], { argv0: 'custom', encoding: 'utf8', env: toolEnv() });
    expect(a0.stdout).toBe('custom\n');
    const missing = ns.spawnSync('/nonexistent/program', [], { encoding: 'utf8', env: toolEnv() });
    expect(missing.status).toBe(127);
    expect(missing.stderr).toMatch(/nonexistent/);
    // no namespace: the caller's own
    const own = netns.spawnSync(undefined, 'sh', ['-c', 'readlink /proc/self/ns/net'], { encoding: 'utf8', env: toolEnv() });
    expect((own.stdout as string).trim()).toBe(fs.readlinkSync('/proc/self/ns/net'));
  });

  it('falls back to nsenter(1) when the helper is not built', async (ctx) => {
    try {
      execFileSync('nsenter', ['--version'], { stdio: 'ignore', env: toolEnv() });
    } catch {
      ctx.skip('nsenter(1) is not installed');
    }
    await using ns = await netns.create();
    _setSpawnHelper(null);
    try {
      const r = ns.spawnSync('sh', ['-c', 'readlink /proc/self/ns/net'], { encoding: 'utf8', env: toolEnv() });
      expect(r.status).toBe(0);
      expect((r.stdout as string).trim()).toBe(fs.readlinkSync(`/proc/self/fd/${ns.fd}`));
    } finally {
      _setSpawnHelper(undefined);
    }
  });
});
