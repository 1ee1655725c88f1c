/**
 * Type test (compiled by test/types.test.ts, never run): each misuse below
 * must fail to compile, with an error that names the mistake (the text after
 * `@ts-expect-error` must appear in the compiler's message); everything else
 * must compile.
 */
import type { BatchResult, Handle, Link, Route } from '../../lib/index.js';

export async function misuses(nl: Handle): Promise<void> {
  // A veth needs its peer, at the type level as at run time.
  // @ts-expect-error Property 'info' is missing
  await nl.link.add({ name: 'veth0', kind: 'veth' });
  // @ts-expect-error Property 'peer' is missing
  await nl.link.add({ name: 'veth0', kind: 'veth', info: {} });
  // @ts-expect-error Property 'peer' is missing
  nl.sync.link.add({ name: 'vx0', kind: 'vxcan', info: {} });
  // A peer's options are checked too.
  // @ts-expect-error 'mtuu' does not exist
  await nl.link.add({ name: 'veth0', kind: 'veth', info: { peer: { name: 'veth1', mtuu: 1400 } } });
  // A misspelt kind option names itself and the kind's options (not "not assignable to never").
  // @ts-expect-error 'stpStat' does not exist in type 'BridgeInfo'
  await nl.link.add({ name: 'br0', kind: 'bridge', info: { stpStat: 0 } });
  // @ts-expect-error 'stpStat' does not exist in type 'BridgeInfo'
  await nl.link.set('br0', { kind: 'bridge', info: { stpStat: 0 } });
  // @ts-expect-error 'mod' does not exist in type 'MacvlanInfo'
  await nl.link.add({ name: 'mv0', kind: 'macvlan', link: 'eth0', info: { mod: 'bridge' } });
  // @ts-expect-error 'portt' does not exist in type 'VxlanInfo
  await nl.link.add({ name: 'vx0', kind: 'vxlan', info: { id: 42, portt: 4789 } });
  // Required kind options and lower devices.
  // @ts-expect-error Type '{}' is not assignable to type 'VxlanInfo & ({ id: number; } | { external: true; } | { vnifilter: true; })'
  await nl.link.add({ name: 'vx0', kind: 'vxlan', info: {} });
  // @ts-expect-error Property 'link' is missing
  await nl.link.add({ name: 'eth0.5', kind: 'vlan', info: { id: 5 } });
  // A misspelt link option.
  // @ts-expect-error 'mtuu' does not exist
  await nl.link.set('br0', { mtuu: 1400 });
  // An unknown kind.
  // @ts-expect-error "dumy"
  await nl.link.add({ name: 'd0', kind: 'dumy' });
  // A veth's peer is fixed once made.
  // @ts-expect-error not assignable to type 'undefined'
  await nl.link.set('veth0', { kind: 'veth', info: { peer: { name: 'x' } } });

  // Batch results are typed by the call that queued each.
  const [added, route] = await nl.batch((b) => [b.link.add({ name: 'd0', kind: 'dummy' }), b.route.get('10.0.0.1')]);
  if (route.ok) {
    // @ts-expect-error Type 'Route' is not assignable to type 'number'
    const n: number = route.value;
    void n;
  }
  if (added.ok) {
    // @ts-expect-error Type 'void' is not assignable to type 'Link'
    const l: Link = added.value;
    void l;
  }
  // @ts-expect-error Property 'value' does not exist
  void route.value; // not before narrowing on ok
  // Batch calls take no call options (the batch has them), and there are no streams in a batch.
  // @ts-expect-error Expected 1 arguments, but got 2
  await nl.batch((b) => [b.route.add({ dst: '10.9.0.0/16', dev: 'veth0' }, { timeout: 5 })]);
  // @ts-expect-error Property 'stream' does not exist
  await nl.batch((b) => [b.link.stream()]);
  // Results of a tuple batch: as many as the calls.
  const two = await nl.batch((b) => [b.link.del('a'), b.link.del('b')]);
  // @ts-expect-error Tuple type '[BatchResult<void>, BatchResult<void>]' of length '2' has no element at index '2'
  void two[2];

  // Blocking calls return values, promise calls promises.
  // @ts-expect-error Property 'then' does not exist on type 'Link[]'
  void nl.sync.link.list().then;
  // @ts-expect-error Property 'name' does not exist on type 'Promise<Link>'
  void nl.link.get('lo').name;
  // Call options are the last argument, checked.
  // @ts-expect-error 'timout' does not exist in type 'CallOptions'
  await nl.route.list({}, { timout: 5 });
  // @ts-expect-error Expected 0-1 arguments, but got 2
  await nl.netns.list({}, {});
}

export async function uses(nl: Handle, signal: AbortSignal): Promise<void> {
  await nl.link.add({ name: 'veth0', kind: 'veth', info: { peer: { name: 'veth1', mtu: 1400 } } });
  await nl.link.add({ name: 'br0', kind: 'bridge', up: true, info: { stpState: 0 } });
  await nl.link.add({ name: 'd0', kind: 'dummy' });
  await nl.link.add({ name: 'd1', kind: 'dummy', info: {} });
  await nl.link.add({ name: 'eth0.5', kind: 'vlan', link: 'eth0', info: { id: 5 } });
  await nl.link.set('veth0', { master: 'br0', up: true, mtu: 1400 }, { signal });
  await nl.link.set('veth0', { slaveKind: 'bridge', slaveInfo: { cost: 10 } });
  const links: Link[] = nl.sync.link.list({ kind: 'veth' });
  for (const l of links) if (l.kind === 'bridge') void l.info.stpState;
  for await (const r of nl.route.stream({ table: 'main' })) void r.dst;
  const id: number = await nl.netns.setId('blue');
  void id;
  const { handle } = nl.sync.tc.qdisc.add({ dev: 'eth0', kind: 'htb', handle: '1:', options: { default: 0x10 } });
  void handle;

  // Typed batch: each result by its call.
  const [added, route, flushed] = await nl.batch((b) => [b.link.add({ name: 'd0', kind: 'dummy' }), b.route.get('10.0.0.1'), b.address.flush({ dev: 'd0' })], { stopOnError: true });
  if (route.ok) {
    const r: Route = route.value;
    void r.dev;
  } else void route.error;
  if (flushed.ok) {
    const n: number = flushed.value;
    void n;
  }
  const a: BatchResult<void> = added;
  void a;
  // Many calls from a loop: an array of results of that call's type.
  const results = await nl.batch((b) => ['10.1.0.0/16', '10.2.0.0/16'].map((dst) => b.route.add({ dst, dev: 'veth0' })));
  const all: BatchResult<void>[] = results;
  void all;
  // A build that returns nothing: one untyped result per call, as before.
  const untyped: BatchResult[] = await nl.batch((b) => {
    b.route.add({ dst: '10.3.0.0/16', dev: 'veth0' });
    b.tc.qdisc.add({ dev: 'eth0', kind: 'pfifo' });
  });
  void untyped;
}
