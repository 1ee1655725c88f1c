/**
 * The mirror (nl.watch): kept by events, with the kernel's silent cascades
 * modelled, checked by verify() against fresh dumps after churn made by
 * another process (ip -batch inside the test's namespace).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { haveIp, ip, ipJson, makeNetns, toolEnv, withNs, type TestNetns, why } from './helpers.js';
import { monitor, netns, openSync, watch, type MonitorEvent, type WatchChange } from '../lib/index.js';

function ipBatch(ns: TestNetns, lines: string[]): Promise<number | null> {
  const child = spawn('nsenter', [`--net=${ns.path}`, 'ip', '-batch', '-'], { env: toolEnv(), stdio: ['pipe', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  child.stdin.end(lines.join('\n') + '\n');
  return exited;
}

function churn(i: number): string[] {
  const a = `c${i}a`, b = `c${i}b`, c = `c${i}c`, d = `c${i}d`;
  return [
    `link add ${a} type veth peer name ${b}`,
    `link add ${c} type veth peer name ${d}`,
    `link set ${a} up`,
    `link set ${b} up`,
    `link set ${c} up`,
    `address add 10.${i}.1.1/24 dev ${a}`,
    `address add 10.${i}.2.1/24 dev ${c}`,
    `address add fd${i}::1/64 dev ${a} nodad`,
    `route add 10.${100 + i}.0.0/16 via 10.${i}.1.2`,
    `route add 10.${100 + i}.1.0/24 dev ${c}`,
    `route add fd${i}:1::/64 dev ${a}`,
    `neigh add 10.${i}.1.9 lladdr 00:11:22:33:44:${(i + 16).toString(16)} dev ${a}`,
    `link set ${c} down`, // its IPv4 routes go without an event
    `link del ${a}`, // its addresses, routes (IPv4: no event), neighbours go
  ];
}

describe.skipIf(!haveIp())('watch under churn' + why(!haveIp(), "iproute2's ip (with -j) or nsenter missing"), () => {
  it('verify() finds 0 differences after each of 20 churn runs by another process', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.set('lo', { up: true });
      await using w = await ns.nl.watch();
      const changes: WatchChange[] = [];
      for (const k of ['add', 'change', 'delete'] as const) w.on(k, (c: WatchChange) => changes.push(c));
      const results: number[] = [];
      for (let i = 1; i <= 20; i++) {
        expect(await ipBatch(ns, churn(i))).toBe(0);
        const drift = await w.verify();
        if (drift.length) console.error(`run ${i}:`, JSON.stringify(drift.slice(0, 5)));
        results.push(drift.length);
      }
      expect(results).toEqual(Array(20).fill(0));
      // The cascades happened and were the mirror's own doing.
      expect(changes.some((c) => c.cause === 'cascade' && c.table === 'route' && (c.value as any).family === 'inet')).toBe(true);
      expect(w.get('link', 'c1a')).toBeUndefined();
      expect(w.get('link', 'c1c')).toMatchObject({ name: 'c1c' });
      expect(w.list('route', { dev: 'c1c' })).toEqual([]);
      // list() answers as the family's list does (the same objects, less the names).
      const kernel = (await ns.nl.link.list()).map((l) => l.index).sort((x, y) => x - y);
      expect(w.list('link').map((l) => l.index).sort((x, y) => x - y)).toEqual(kernel);
    });
  }, 120_000);
});

describe('watch: the kernel cascades, per family', () => {
  it('a link deleted: IPv4 routes go without an event, IPv6 routes with one; the mirror drops both', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.add({ name: 'ka', kind: 'veth', info: { peer: { name: 'kb' } } });
      await ns.nl.link.set('kb', { up: true });
      await ns.nl.link.set('ka', { up: true });
      await ns.nl.address.add({ dev: 'ka', address: '10.5.0.1/24' });
      await ns.nl.route.add({ dst: '10.6.0.0/16', gateway: '10.5.0.2' });
      await ns.nl.route.add({ dst: 'fd05::/64', dev: 'ka' });
      await using w = await ns.nl.watch({ tables: ['link', 'address', 'route'] });
      const raw = monitor({ netns: { fd: ns.fd }, families: ['route', 'link'] });
      const deletes: WatchChange[] = [];
      w.on('delete', (c: WatchChange) => deletes.push(c));
      await ns.nl.link.del('ka');
      const evs: MonitorEvent[] = [];
      for (;;) {
        const e = (await raw.next()).value as MonitorEvent;
        evs.push(e);
        if (e.type === 'link' && e.action === 'del' && e.data.name === 'ka') break;
      }
      // Events that follow the link's deletion within a moment (IPv6's come around it).
      const late = monitorFor(raw, 200);
      evs.push(...(await late));
      await raw.close();
      const routeDels = evs.filter((e) => e.type === 'route' && e.action === 'del').map((e) => (e as any).data.dst);
      expect(routeDels).not.toContain('10.6.0.0/16'); // the kernel said nothing of it
      expect(routeDels).toContain('fd05::/64'); // but it did of the IPv6 one
      const dropped = deletes.filter((c) => c.table === 'route').map((c) => [(c.value as any).dst, c.cause]);
      expect(dropped).toContainEqual(['10.6.0.0/16', 'cascade']);
      expect(dropped.map(([d]) => d)).toContain('fd05::/64');
      expect(w.list('address', { dev: 'ka' })).toEqual([]);
      expect(await w.verify()).toEqual([]);
    });
  });

  it('a link moved to another namespace: its state leaves the mirror', async () => {
    const other = makeNetns();
    try {
      await withNs(async (ns) => {
        await ns.nl.link.add({ name: 'ma', kind: 'veth', info: { peer: { name: 'mb' } } });
        await ns.nl.link.set('mb', { up: true });
        await ns.nl.link.set('ma', { up: true });
        await ns.nl.address.add({ dev: 'ma', address: '10.7.0.1/24' });
        await ns.nl.route.add({ dst: '10.8.0.0/16', gateway: '10.7.0.2' });
        await ns.nl.address.add({ dev: 'mb', address: '10.9.0.1/24' }); // mb stays and loses its carrier: its routes turn linkdown silently
        await using w = await ns.nl.watch();
        const index = w.get('link', 'ma')!.index;
        expect(w.list('route', { dev: index })).not.toEqual([]);
        await ns.nl.link.set('ma', { netns: { fd: other.fd } });
        await ns.nl.waitFor('link', () => true); // a round trip on another socket
        for (let i = 0; i < 50 && w.get('link', index); i++) await new Promise((r) => setTimeout(r, 10));
        expect(w.get('link', index)).toBeUndefined();
        expect(w.list('route', { dev: index, table: 'all' })).toEqual([]);
        expect(w.list('address', { dev: index })).toEqual([]);
        const drift = await w.verify();
        if (drift.length) console.error(JSON.stringify(drift));
        expect(drift).toEqual([]);
      });
    } finally {
      await other.close();
    }
  });

  it('an abort ends the mirror quietly; it keeps its last state', async () => {
    await withNs(async (ns) => {
      const ac = new AbortController();
      const w = await ns.nl.watch({ tables: ['link'], signal: ac.signal });
      const errors: unknown[] = [];
      w.on('error', (e) => errors.push(e));
      ac.abort();
      await w.done;
      expect(errors).toEqual([]);
      expect(w.error).toBeUndefined();
      expect(w.get('link', 'lo')).toMatchObject({ name: 'lo' });
      await w.close();
    });
  });

  it('validates its input', async () => {
    await expect(watch({ tables: ['qdisc' as never] })).rejects.toThrow(/tables/);
    await expect(watch({ tables: [] })).rejects.toThrow(RangeError);
  });
});

async function monitorFor(it: AsyncIterator<MonitorEvent>, ms: number): Promise<MonitorEvent[]> {
  const out: MonitorEvent[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const r = await Promise.race([it.next(), new Promise<null>((r) => setTimeout(() => r(null), end - Date.now()))]);
    if (!r || r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('lifecycle', () => {
  const count = (p: string) => readdirSync(p).length;
  it('a close() awaited by nothing else that holds the handle resolves, even when a GC runs meanwhile', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const settle = (p: Promise<void>) => Promise.race([p.then(() => 'closed'), new Promise((r) => setTimeout(() => r('hung'), 500))]);
    const outcomes: unknown[] = [];
    for (let i = 0; i < 40; i++) {
      const p = i % 2 ? openSync().close() : monitor({ families: ['link'] }).close();
      setImmediate(gc); // between the sockets' destruction and the engine's word that they are closed
      outcomes.push(await settle(p));
    }
    expect(outcomes.filter((o) => o !== 'closed')).toEqual([]);
  });

  it('1,000 monitors and mirrors opened and ended (break, abort, dispose) leave no fd or thread', async () => {
    await withNs(async (ns) => {
      let where = '';
      const dog = setTimeout(() => console.error(`lifecycle: stuck at ${where}`), 30_000);
      const fds0 = count('/proc/self/fd');
      const tasks0 = count('/proc/self/task');
      for (let i = 0; i < 250; i++) {
        where = `break ${i}`;
        const m = monitor({ netns: { fd: ns.fd }, families: ['link'], listExisting: true });
        for await (const _ of m) break;
      }
      for (let i = 0; i < 250; i++) {
        where = `abort ${i}`;
        const ac = new AbortController();
        const m = monitor({ netns: { fd: ns.fd }, families: ['address'], signal: ac.signal });
        const p = m.next();
        ac.abort();
        await p.catch(() => undefined);
      }
      for (let i = 0; i < 250; i++) {
        where = `dispose ${i}`;
        await using _m = monitor({ netns: { fd: ns.fd }, families: ['route'] });
      }
      for (let i = 0; i < 250; i++) {
        where = `watch ${i}`;
        const w = await ns.nl.watch({ tables: i % 2 ? ['link', 'route'] : undefined });
        if (i % 2) await w.close();
        else await w[Symbol.asyncDispose]();
      }
      clearTimeout(dog);
      await new Promise((r) => setTimeout(r, 50));
      expect(count('/proc/self/fd')).toBeLessThanOrEqual(fds0);
      expect(count('/proc/self/task')).toBeLessThanOrEqual(tasks0);
    });
  }, 120_000);
});

describe.skipIf(!haveIp())('watch: routes keyed as the kernel keys them; replace and append' + why(!haveIp(), "iproute2's ip (with -j) or nsenter missing"), () => {
  /** Two links up with addresses, then each `ip route` step; after every step the mirror holds what `ip route` shows. */
  async function steps(family: '-4' | '-6', prefix: string, cmds: string[][], expected: number[]) {
    await withNs(async (ns) => {
      ip(ns, 'link', 'add', 'ra', 'type', 'veth', 'peer', 'name', 'rb');
      ip(ns, 'link', 'add', 'rc', 'type', 'veth', 'peer', 'name', 'rd');
      for (const d of ['ra', 'rb', 'rc', 'rd']) ip(ns, 'link', 'set', d, 'up');
      ip(ns, 'address', 'add', '10.1.0.1/24', 'dev', 'ra');
      ip(ns, 'address', 'add', '10.2.0.1/24', 'dev', 'rc');
      // The links' IPv6 link-local addresses finish DAD first (a busy machine can take its events past verify's settle time).
      for (let i = 0; i < 100 && (await ns.nl.address.list()).some((a) => a.flags.includes('tentative')); i++) await new Promise((r) => setTimeout(r, 50));
      await using w = await ns.nl.watch({ tables: ['link', 'address', 'route'] });
      const seen: number[] = [];
      for (const c of cmds) {
        ip(ns, family, 'route', ...c);
        const kernel = ipJson(ns, family, 'route', 'show', prefix);
        expect(await w.verify(), `after ip route ${c.join(' ')}`).toEqual([]);
        const mine = w.list('route', { family: family === '-4' ? 'inet' : 'inet6' }).filter((r) => r.dst === prefix);
        const legs = (rs: any[]) => rs.map((r) => (r.nexthops ? r.nexthops.map((n: any) => `${n.gateway ?? ''}@${n.dev ?? n.oif}`).sort().join('+') : `${r.gateway ?? ''}@${r.dev ?? r.oif}`));
        const name = (i: number) => w.get('link', i)!.name;
        const mineLegs = legs(mine.map((r) => (r.nexthops ? { ...r, nexthops: r.nexthops.map((n) => ({ ...n, dev: name(n.oif) })) } : { ...r, dev: name(r.oif!) }))).sort();
        expect(mineLegs, `after ip route ${c.join(' ')}`).toEqual(legs(kernel).sort());
        seen.push(mine.length);
      }
      expect(seen).toEqual(expected);
    });
  }

  it('IPv4: append makes aliases of one prefix (one entry each); replace takes the first alias; prepend goes first', async () => {
    const p = '10.9.0.0/16';
    await steps('-4', p, [
      ['add', p, 'dev', 'ra'],
      ['append', p, 'dev', 'rc'],
      ['append', p, 'via', '10.2.0.2', 'dev', 'rc'],
      ['replace', p, 'via', '10.1.0.2', 'dev', 'ra'], // replaces `dev ra`, the first alias
      ['prepend', p, 'via', '10.2.0.3', 'dev', 'rc'],
      ['replace', p, 'via', '10.2.0.4', 'dev', 'rc'], // replaces the prepended one
      ['del', p, 'dev', 'rc'],
      ['del', p],
    ], [1, 2, 3, 3, 4, 4, 3, 2]);
  });

  it('IPv6: replace moves a route to another link (no del event for the old); appended gateways join one multipath entry', async () => {
    const p = 'fd09::/64';
    await steps('-6', p, [
      ['add', p, 'dev', 'ra'],
      ['replace', p, 'dev', 'rc'],
      ['append', p, 'via', 'fe80::1', 'dev', 'ra'],
      ['append', p, 'via', 'fe80::2', 'dev', 'rc'], // a second leg of the multipath entry
      ['append', p, 'via', 'fe80::3', 'dev', 'rc'],
      ['del', p, 'via', 'fe80::2', 'dev', 'rc'], // one leg goes; the kernel says nothing of the rest
      ['del', p, 'via', 'fe80::3', 'dev', 'rc'], // one leg left: a plain route again
      ['replace', p, 'via', 'fe80::4', 'dev', 'rc'], // replaces the gateway route
      ['append', p, 'dev', 'rb'],
      ['replace', p, 'dev', 'ra'], // replaces the first link route (`dev rc`), not the gateway one
      ['add', p, 'metric', '7', 'nexthop', 'via', 'fe80::5', 'dev', 'ra', 'nexthop', 'via', 'fe80::6', 'dev', 'rc'],
      ['replace', p, 'dev', 'rc', 'metric', '7'], // the multipath group is replaced whole
      ['del', p],
    ], [1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 4, 4, 3]);
  });

  it('events carry the request flags of the notification (nlmsgFlags)', async () => {
    await withNs(async (ns) => {
      ip(ns, 'link', 'add', 'fa', 'type', 'veth', 'peer', 'name', 'fb');
      ip(ns, 'link', 'set', 'fa', 'up');
      const mon = monitor({ netns: { fd: ns.fd }, families: ['route'] });
      try {
        const p = '10.3.0.0/16';
        for (const c of [['add', p], ['append', p, 'proto', 'static'], ['prepend', p, 'proto', '98'], ['replace', p, 'proto', '99'], ['del', p], ['del', p], ['del', p]]) ip(ns, 'route', ...c, 'dev', 'fa');
        const got: unknown[] = [];
        while (got.length < 7) {
          const e = (await mon.next()).value as MonitorEvent;
          if (e.type === 'route' && e.data.family === 'inet' && e.data.table === 'main') got.push([e.action, e.data.dst, e.nlmsgFlags]);
        }
        expect(got).toEqual([
          ['new', '10.3.0.0/16', ['excl', 'create']],
          ['new', '10.3.0.0/16', ['create', 'append']],
          ['new', '10.3.0.0/16', ['create']],
          ['new', '10.3.0.0/16', ['replace']],
          ['del', '10.3.0.0/16', undefined],
          ['del', '10.3.0.0/16', undefined],
          ['del', '10.3.0.0/16', undefined],
        ]);
      } finally {
        await mon.close();
      }
    });
  });
});

/** Polls `ok` every 10 ms for up to `ms`. */
async function until(ok: () => boolean, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (ok()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return ok();
}

describe('watch({ allNsid }): the links and addresses of every namespace with an nsid here', () => {
  it('lists the peers, follows them, lists one given an id later, and empties one when the kernel destroys it (RTM_DELNSID)', async () => {
    const b = makeNetns();
    let c: TestNetns | undefined = makeNetns();
    try {
      await withNs(async (ns) => {
        await b.nl.link.add({ name: 'pb1', kind: 'veth', info: { peer: { name: 'pb2' } } });
        await b.nl.address.add({ dev: 'pb1', address: '10.51.0.1/24' });
        expect(await ns.nl.netns.setId({ fd: b.fd }, 5)).toBe(5);
        await using w = await ns.nl.watch({ tables: ['link', 'address', 'route'], allNsid: true });
        const changes: WatchChange[] = [];
        for (const k of ['add', 'change', 'delete'] as const) w.on(k, (ch: WatchChange) => changes.push(ch));
        expect(w.peers()).toEqual([{ nsid: 5 }]);
        expect(w.list('link', { nsid: 5 }).map((l) => l.name).sort()).toEqual(['lo', 'pb1', 'pb2']);
        expect(w.list('address', { nsid: 5, dev: 'pb1' }).map((a) => a.address)).toEqual(['10.51.0.1']);
        expect(w.get('link', 'pb1')).toBeUndefined(); // not this namespace's
        expect(() => w.list('route', { nsid: 5 })).toThrow(/links and addresses/);
        // Followed: a change in b reaches the mirror under b's nsid.
        await b.nl.address.add({ dev: 'pb2', address: '10.52.0.1/24' });
        expect(await until(() => w.list('address', { nsid: 5, dev: 'pb2' }).length === 1)).toBe(true);
        expect(changes.find((ch) => ch.table === 'address' && (ch.value as any).address === '10.52.0.1')).toMatchObject({ action: 'add', nsid: 5, cause: 'event' });
        // A namespace given an id after the mirror started is listed then.
        await c!.nl.link.add({ name: 'pc1', kind: 'veth', info: { peer: { name: 'pc2' } } });
        await c!.nl.address.add({ dev: 'pc1', address: '10.53.0.1/24' });
        const idC = await ns.nl.netns.setId({ fd: c!.fd });
        expect(await until(() => w.list('address', { nsid: idC }).length === 1)).toBe(true);
        expect(w.peers().map((p) => p.nsid)).toEqual([5, idC].sort((x, y) => x - y));
        // A link deleted in a peer takes its addresses with it.
        await c!.nl.link.del('pc1');
        expect(await until(() => w.list('address', { nsid: idC }).length === 0 && !w.get('link', 'pc1', { nsid: idC }))).toBe(true);
        expect(await w.verify()).toEqual([]);
        await c!.nl.link.add({ name: 'pc3', kind: 'veth', info: { peer: { name: 'pc4' } } });
        await c!.nl.address.add({ dev: 'pc3', address: '10.55.0.1/24' });
        expect(await until(() => w.list('address', { nsid: idC }).length === 1)).toBe(true);
        // c destroyed (its last fd and sockets closed): the kernel sends RTM_DELNSID, and no
        // event for the links and addresses that go with the namespace: the mirror deletes them.
        const before = changes.length;
        await c!.close();
        c = undefined;
        expect(await until(() => !w.peers().some((p) => p.nsid === idC))).toBe(true);
        const gone = changes.slice(before).filter((ch) => ch.nsid === idC && ch.action === 'delete');
        expect(gone.map((ch) => [ch.table, ch.table === 'link' ? (ch.value as any).name : (ch.value as any).address, ch.cause]).sort()).toEqual([
          ['address', '10.55.0.1', 'cascade'],
          ['link', 'lo', 'cascade'],
          ['link', 'pc3', 'cascade'],
          ['link', 'pc4', 'cascade'],
        ]);
        expect(w.list('link', { nsid: idC })).toEqual([]);
        // b is still there, and this namespace's own tables never had any of it.
        expect(w.list('link', { nsid: 5 }).length).toBe(3);
        expect(w.list('address').some((a) => a.address.startsWith('10.5'))).toBe(false);
        expect(await w.verify()).toEqual([]);
      });
    } finally {
      await c?.close();
      await b.close();
    }
  });

  it.skipIf(!haveIp())('verify() finds 0 differences in the peers too after churn there by another process, 10 of 10' + why(!haveIp(), "iproute2's ip (with -j) or nsenter missing"), async () => {
    const b = makeNetns();
    try {
      await withNs(async (ns) => {
        const id = await ns.nl.netns.setId({ fd: b.fd });
        await using w = await ns.nl.watch({ allNsid: true });
        const results: number[] = [];
        for (let i = 1; i <= 10; i++) {
          expect(await ipBatch(b, churn(i))).toBe(0);
          const drift = await w.verify();
          if (drift.length) console.error(`peer run ${i}:`, JSON.stringify(drift.slice(0, 3).map((d) => [d.table, d.nsid, d.key, d.kind])));
          results.push(drift.length);
        }
        expect(results).toEqual(Array(10).fill(0));
        // A veth pair across the two namespaces: each half names the other's namespace.
        await ns.nl.link.add({ name: 'xa', kind: 'veth', info: { peer: { name: 'xb', netns: { fd: b.fd } } } });
        expect(await until(() => w.get('link', 'xb', { nsid: id }) !== undefined)).toBe(true);
        const across = await w.verify();
        if (across.length) console.error('across:', JSON.stringify(across.map((d) => { const { stats64: _a, ...m } = d.mirror as any; const { stats64: _b, ...k } = d.kernel as any; return [m, k]; })));
        expect(across).toEqual([]);
        // Listing xb by nsid made the kernel give this namespace an nsid for itself (xb's
        // link-netnsid, as this namespace numbers it): this namespace's own events now carry it.
        const self = await ns.nl.netns.getId({ path: `/proc/${process.pid}/fd/${ns.fd}` });
        await ns.nl.address.add({ dev: 'xa', address: '10.56.0.1/24' });
        expect(await until(() => w.list('address', { dev: 'xa' }).length === 1)).toBe(true);
        expect(w.peers().map((p) => p.nsid)).toEqual([id]);
        expect(self === undefined || self !== id).toBe(true);
        expect(await w.verify()).toEqual([]);
        expect(w.get('link', 'c1c', { nsid: id })).toMatchObject({ name: 'c1c' });
        expect(w.get('link', 'c1a', { nsid: id })).toBeUndefined();
        expect(w.list('address', { nsid: id, dev: 'c1c' }).map((a) => a.address)).toContain('10.1.2.1');
      });
    } finally {
      await b.close();
    }
  }, 120_000);

  it('events and changes carry the name of a named namespace (/run/netns)', async (ctx) => {
    const name = `rtnl-mirror-${process.pid}`;
    const b = makeNetns();
    try {
      await netns.attach(name, { fd: b.fd });
    } catch (e) {
      await b.close();
      // Without a writable /run/netns (rootless without its own /run) there are no names to carry.
      return ctx.skip(`no named namespace could be made: ${(e as Error).message}`);
    }
    try {
      await withNs(async (ns) => {
        const id = await ns.nl.netns.setId({ fd: b.fd });
        const mon = monitor({ netns: { fd: ns.fd }, families: ['link'], allNsid: true });
        await using w = await ns.nl.watch({ tables: ['link'], allNsid: true });
        expect(w.peers()).toEqual([{ nsid: id, netnsName: name }]);
        const changes: WatchChange[] = [];
        w.on('add', (ch: WatchChange) => changes.push(ch));
        await b.nl.link.add({ name: 'nb1', kind: 'veth', info: { peer: { name: 'nb2' } } });
        try {
          for (;;) {
            const e = (await mon.next()).value as MonitorEvent;
            if (e.type === 'link' && e.data.name === 'nb1') {
              expect(e).toMatchObject({ nsid: id, netnsName: name });
              break;
            }
          }
        } finally {
          await mon.close();
        }
        expect(await until(() => changes.some((ch) => (ch.value as any).name === 'nb1'))).toBe(true);
        expect(changes.find((ch) => (ch.value as any).name === 'nb1')).toMatchObject({ nsid: id, netnsName: name });
      });
    } finally {
      await netns.del(name).catch(() => undefined);
      await b.close();
    }
  });

  it("`ip netns del` of the mirror's own namespace removes its name only: the mirror's socket keeps it alive and followed", async (ctx) => {
    const name = `rtnl-mirror-own-${process.pid}`;
    const made = makeNetns();
    try {
      await netns.attach(name, { fd: made.fd });
    } catch (e) {
      await made.close();
      return ctx.skip(`no named namespace could be made: ${(e as Error).message}`);
    }
    const nl = openSync({ netns: name });
    await made.close(); // from here on, the name and the sockets hold the namespace
    try {
      await using w = await watch({ netns: name, tables: ['link', 'address'] });
      await netns.del(name); // ip netns del NAME: the bind mount goes, the namespace does not
      expect(await netns.exists(name)).toBe(false);
      await nl.link.add({ name: 'od1', kind: 'veth', info: { peer: { name: 'od2' } } });
      await nl.address.add({ dev: 'od1', address: '10.54.0.1/24' });
      expect(await until(() => w.list('address', { dev: 'od1' }).length === 1)).toBe(true);
      expect(await w.verify()).toEqual([]);
    } finally {
      await nl.close();
      await netns.del(name).catch(() => undefined);
    }
  });
});
