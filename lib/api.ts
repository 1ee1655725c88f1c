/**
 * The families' API as declared interfaces, one per family, each method
 * documented with its `ip`/`tc` equivalent and an example. A handle's getters
 * (`nl.link`, `nl.sync.route`, `nl.tc.qdisc`, …) and a batch's builder
 * return these, so editors and TypeDoc show the documentation.
 *
 * One interface serves the three ways a call runs, by its {@link CallMode}:
 * `'async'` (promises, `nl.link.add`), `'sync'` (blocking, `nl.sync.link.add`)
 * and `'batch'` (queued in {@link Handle.batch}, returning a
 * {@link BatchToken}). The runtime operations live in each family's module;
 * families.ts checks, at compile time, that every interface here matches them.
 *
 * What lists, gets and events return is never cut short by a newer kernel:
 * an attribute no table of the library knows is kept on the object as
 * `unknown` (type → payload as hex, an {@link UnknownAttrs}; in a nest, on
 * the nest's object: a kind's `info.unknown`, a link's `linkinfoUnknown`,
 * a route path's or metrics' `unknown`), and is never an error. Attributes
 * the library knows but deliberately leaves undecoded (IFLA_STATS, padding,
 * …) never appear there.
 *
 * A new family adds: its interface here (methods documented as below), a
 * line in {@link Families}/{@link BatchBuilder}, and its entry in the
 * `ApiMatchesOps` check of families.ts.
 * @module
 */
import type { UnknownAttrs } from './types.js';
import type { Address, AddressDelOptions, AddressFilter, AddressFlushFilter, AddressOptions } from './address.js';
import type { Link, LinkAddOptions, LinkDelTarget, LinkGroupSetOptions, LinkGroupTarget, LinkListFilter, LinkSetOptions } from './link.js';
import type { Neighbour, NeighFilter, NeighFlushFilter, NeighOptions } from './neigh.js';
import type { CallOptions } from './netlink.js';
import type { NamedNetns, NetnsId } from './nsid.js';
import type { Route, RouteDelOptions, RouteFilter, RouteFlushFilter, RouteGetOptions, RouteOptions } from './route.js';
import type { Rule, RuleFilter, RuleFlushFilter, RuleOptions } from './rule.js';
import type { ActionFilter, ClassFilter, ClassOptions, Filter, FilterFilter, FilterOptions, ListedAction, Qdisc, QdiscFilter, QdiscOptions, TcClass, TcHandle } from './tc.js';
import type { LinkRef, NetnsRef } from './types.js';
import type { NexthopBucket, NexthopBucketFilter, NexthopDelOptions, NexthopFilter, NexthopFlushFilter, NexthopObject, NexthopOptions } from './nexthop.js';
import type { Addrlabel, AddrlabelFilter, AddrlabelFlushFilter, AddrlabelOptions } from './addrlabel.js';
import type { Netconf, NetconfFilter, NetconfGetOptions } from './netconf.js';
import type { BridgeLinkFilter, BridgeLinkSetOptions, BridgePort, BridgeVlanFilter, BridgeVlanOptions, BridgeVlanPort } from './bridge.js';
import type { LinkToken, TokenSetOptions } from './token.js';

/**
 * How a family's calls run: `'async'` returns promises (`nl.link`), `'sync'`
 * blocks and returns the value (`nl.sync.link`), `'batch'` queues the call in
 * a batch and returns its {@link BatchToken} (`nl.batch(b => b.link.add(…))`).
 */
export type CallMode = 'async' | 'sync' | 'batch';

declare const tokenResult: unique symbol;
/**
 * What a call queued in a batch returns: its place in the batch (a number),
 * typed by the value the call resolves with. Return the tokens from the
 * batch's build function (`b => [b.link.add(…), b.route.get(…)]`) and the
 * batch resolves with a tuple of results typed by each call.
 */
export type BatchToken<T> = number & { readonly [tokenResult]: T };

/** What a call returns in mode `M`: a promise of `T`, `T`, or a batch token. */
export type Returns<M extends CallMode, T> = M extends 'sync' ? T : M extends 'batch' ? BatchToken<T> : Promise<T>;
/** What a stream call returns in mode `M`: an async generator, or (sync) an array. */
export type Rows<M extends CallMode, T> = M extends 'sync' ? T[] : AsyncGenerator<T>;
/**
 * The trailing call options (`{ signal, timeout }`) a call takes in mode
 * `M`; none in a batch (give them to `batch()` itself).
 */
export type Call<M extends CallMode> = M extends 'batch' ? [] : [call?: CallOptions];

/** Links: `ip link` (`nl.link`, `nl.sync.link`). */
export interface LinkApi<M extends CallMode = 'async'> {
  /**
   * Lists links. Equivalent to `ip -d -s link show [dev NAME] [master DEV] [type KIND] [up] [group N]`.
   * Kind and master are filtered in the kernel; a name is one RTM_GETLINK.
   * @example
   * const veths = await nl.link.list({ kind: 'veth', up: true }); // ip link show type veth up
   */
  list(filter?: LinkListFilter, ...call: Call<M>): Returns<M, Link[]>;
  /**
   * Streams the link dump with bounded memory. Equivalent to `ip link show [master DEV] [type KIND]` piped.
   * @example
   * for await (const l of nl.link.stream({ master: 'br0' })) console.log(l.name); // ip link show master br0
   */
  stream(filter?: Omit<LinkListFilter, 'name' | 'up' | 'group'>, ...call: Call<M>): Rows<M, Link>;
  /**
   * One link by name or index; rejects with ENODEV if there is none. Equivalent to `ip -d -s link show dev DEV`.
   * @example
   * const { index, mtu } = await nl.link.get('eth0'); // ip link show dev eth0
   */
  get(dev: LinkRef, ...call: Call<M>): Returns<M, Link>;
  /**
   * Creates a link. Equivalent to `ip link add [link DEV] NAME [options] type KIND [kind options]`;
   * `info` holds the kind's options, typed by `kind` (a veth's `peer` is required).
   * @example
   * await nl.link.add({ name: 'veth0', kind: 'veth', info: { peer: { name: 'veth1' } } }); // ip link add veth0 type veth peer name veth1
   */
  add(options: LinkAddOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Changes a link. Equivalent to `ip link set DEV [up|down] [mtu N] [master DEV|nomaster]
   * [name NEW] [address MAC] [netns NS] … [type KIND options]`; any subset, at least one field.
   * With `dev` = `{ group: N }` it is `ip link set group N …`: one request changes every link of the group
   * (names, addresses, the group itself and namespaces are per link, so refused there).
   * @example
   * await nl.link.set('veth0', { master: 'br0', up: true, mtu: 1400 }); // ip link set veth0 master br0 up mtu 1400
   * await nl.link.set({ group: 7 }, { up: true }); // ip link set group 7 up
   */
  set(dev: LinkRef | LinkGroupTarget, changes: LinkSetOptions | LinkGroupSetOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Deletes links. Equivalent to `ip link del dev DEV`, or `ip link del group N`: several links
   * (an array, a filter such as `{ kind: 'veth' }`, or a predicate) go in one group delete,
   * ~80× faster than one by one (their `group` changes just before they go).
   * @example
   * await nl.link.del('veth0');              // ip link del veth0
   * await nl.link.del({ kind: 'veth' });     // every veth, one group delete
   */
  del(target: LinkDelTarget, ...call: Call<M>): Returns<M, void>;
}

/** Addresses: `ip address` (`nl.address`, `nl.sync.address`). */
export interface AddressApi<M extends CallMode = 'async'> {
  /**
   * Adds an address. Equivalent to `ip address add ADDRESS/LEN [peer P] [broadcast B|+] [label L]
   * [scope S] [valid_lft N] [preferred_lft N] [metric N] [FLAGS…] dev DEV`; EEXIST if the link has it.
   * @example
   * await nl.address.add({ dev: 'br0', address: '10.0.0.1/24' }); // ip address add 10.0.0.1/24 dev br0
   */
  add(options: AddressOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Adds an address or updates it in place (lifetimes, flags, …). Equivalent to `ip address replace …`.
   * @example
   * await nl.address.replace({ dev: 'br0', address: '10.0.0.1/24', validLft: 300 }); // ip address replace 10.0.0.1/24 dev br0 valid_lft 300
   */
  replace(options: AddressOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Changes an address the link has (lifetimes, flags, …). Equivalent to `ip address change …` (NLM_F_REPLACE without
   * NLM_F_CREATE; the kernel adds an address the link lacks, as with `ip address change`).
   * @example
   * await nl.address.change({ dev: 'br0', address: '10.0.0.1/24', preferredLft: 0 }); // ip address change 10.0.0.1/24 dev br0 preferred_lft 0
   */
  change(options: AddressOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Removes an address. Equivalent to `ip address del ADDRESS[/LEN] [peer P] [label L] dev DEV`;
   * an object that `list` returned deletes exactly that address.
   * @example
   * await nl.address.del({ dev: 'br0', address: '10.0.0.1/24' }); // ip address del 10.0.0.1/24 dev br0
   */
  del(options: AddressDelOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Lists addresses. Equivalent to `ip address show [dev DEV] [-4|-6] [scope S] [label L] [to PREFIX]`
   * (both families unless `family` says).
   * @example
   * const v4 = await nl.address.list({ dev: 'br0', family: 'inet' }); // ip -4 address show dev br0
   */
  list(filter?: AddressFilter, ...call: Call<M>): Returns<M, Address[]>;
  /**
   * Streams the address dump with bounded memory; same filters as `list`. Equivalent to `ip address show` piped.
   * @example
   * for await (const a of nl.address.stream({ family: 'inet6' })) console.log(a.address); // ip -6 address show
   */
  stream(filter?: AddressFilter, ...call: Call<M>): Rows<M, Address>;
  /**
   * Removes every address that matches and resolves with how many went. Equivalent to
   * `ip address flush [dev DEV] [-4|-6] [scope S] [label L] [to PREFIX]`; a filter is required
   * (one that selects everything needs `all: true`).
   * @example
   * const n = await nl.address.flush({ dev: 'br0', family: 'inet' }); // ip -4 address flush dev br0
   */
  flush(filter: AddressFlushFilter, ...call: Call<M>): Returns<M, number>;
}

/** Routes: `ip route` (`nl.route`, `nl.sync.route`). */
export interface RouteApi<M extends CallMode = 'async'> {
  /**
   * Adds a route. Equivalent to `ip route add [TYPE] PREFIX [via ADDR] [dev DEV] [src ADDR] [table T]
   * [proto P] [scope S] [metric N] [onlink] [mtu N …] [encap mpls|ip|ip6|seg6|seg6local …] [nexthop …]`
   * with `ip`'s defaults (table main, proto boot); EEXIST if present. With `family: 'mpls'` it is
   * `ip -f mpls route add LABEL [as LABEL…] [via inet|inet6 ADDR] [dev DEV]`.
   * @example
   * await nl.route.add({ dst: '10.9.0.0/16', via: '10.0.0.254' }); // ip route add 10.9.0.0/16 via 10.0.0.254
   * await nl.route.add({ dst: '10.8.0.0/16', via: '10.0.0.254', encap: { type: 'mpls', labels: [100] } }); // ip route add 10.8.0.0/16 encap mpls 100 via 10.0.0.254
   * await nl.route.add({ family: 'mpls', dst: 100, newdst: [200], via: '10.0.0.254', dev: 'veth0' }); // ip -f mpls route add 100 as 200 via inet 10.0.0.254 dev veth0
   */
  add(options: RouteOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Adds a route or replaces the one with the same key. Equivalent to `ip route replace …`.
   * @example
   * await nl.route.replace({ dst: 'default', via: '10.0.0.1' }); // ip route replace default via 10.0.0.1
   */
  replace(options: RouteOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Adds a route beside existing ones with the same key. Equivalent to `ip route append …`.
   * @example
   * await nl.route.append({ dst: '10.9.0.0/16', dev: 'veth1' }); // ip route append 10.9.0.0/16 dev veth1
   */
  append(options: RouteOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Replaces the route with the same key; ENOENT if there is none. Equivalent to `ip route change …`.
   * @example
   * await nl.route.change({ dst: '10.9.0.0/16', via: '10.0.0.254' }); // ip route change 10.9.0.0/16 via 10.0.0.254
   */
  change(options: RouteOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Adds a route before existing ones with the same key. Equivalent to `ip route prepend …` (NLM_F_CREATE alone).
   * @example
   * await nl.route.prepend({ dst: '10.9.0.0/16', dev: 'veth1' }); // ip route prepend 10.9.0.0/16 dev veth1
   */
  prepend(options: RouteOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Deletes a route. Equivalent to `ip route del [TYPE] PREFIX [via ADDR] [dev DEV] [table T] [metric N] …`:
   * what is given must match; an object that `list` returned deletes that route.
   * @example
   * await nl.route.del({ dst: '10.9.0.0/16' }); // ip route del 10.9.0.0/16
   */
  del(options: RouteDelOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Lists routes. Equivalent to `ip -d route show [table T|all] [proto P] [type T] [dev DEV] [scope S]`
   * (IPv4 and IPv6 unless `family` says; `family: 'mpls'` is `ip -f mpls route show`; table main unless
   * `table` says). A route's `encap` comes back with the fields `add` takes.
   * @example
   * const routes = await nl.route.list({ table: 'main', family: 'inet' }); // ip -4 route show table main
   */
  list(filter?: RouteFilter, ...call: Call<M>): Returns<M, Route[]>;
  /**
   * Streams the route dump with bounded memory; same filters as `list`. Equivalent to `ip route show` piped.
   * @example
   * for await (const r of nl.route.stream({ table: 'all' })) console.log(r.dst); // ip route show table all
   */
  stream(filter?: RouteFilter, ...call: Call<M>): Rows<M, Route>;
  /**
   * Deletes every route that matches and resolves with how many went. Equivalent to
   * `ip route flush [table T|all] [proto P] [type T] [dev DEV] [scope S]`; a selector is required
   * (a family alone, or `table: 'all'`, needs `all: true`).
   * @example
   * const n = await nl.route.flush({ dev: 'veth0' }); // ip route flush dev veth0
   */
  flush(filter: RouteFlushFilter, ...call: Call<M>): Returns<M, number>;
  /**
   * Asks the kernel which route a packet would take. Equivalent to `ip route get ADDRESS [from ADDR]
   * [iif DEV] [oif DEV] [mark N] [uid N] [ipproto P] [sport N] [dport N] [fibmatch]`.
   * @example
   * const { dev, gateway } = await nl.route.get('10.9.1.1'); // ip route get 10.9.1.1
   */
  get(destination: string, options?: RouteGetOptions, ...call: Call<M>): Returns<M, Route>;
}

/** Policy rules: `ip rule` (`nl.rule`, `nl.sync.rule`). */
export interface RuleApi<M extends CallMode = 'async'> {
  /**
   * Adds a rule. Equivalent to `ip rule add [not] [from P] [to P] [fwmark N[/M]] [iif D] [oif D]
   * [priority N] [lookup T | goto N | nop | blackhole | unreachable | prohibit] …`; a catch-all
   * (`{}`) is refused: say `{ table: 'main' }` or `{ from: 'all' }` on purpose.
   * @example
   * await nl.rule.add({ from: '10.1.0.0/16', table: 100, priority: 1000 }); // ip rule add from 10.1.0.0/16 lookup 100 priority 1000
   */
  add(options: RuleOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Deletes the first rule that matches everything given. Equivalent to `ip rule del [priority N]
   * [from P] … [table T]`; an object that `list` returned deletes that rule; a selector is required.
   * @example
   * await nl.rule.del({ priority: 1000 }); // ip rule del priority 1000
   */
  del(options: RuleOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Lists rules. Equivalent to `ip [-4|-6] rule show [table T] [pref N] …` (both families unless `family` says).
   * @example
   * const rules = await nl.rule.list({ family: 'inet' }); // ip -4 rule show
   */
  list(filter?: RuleFilter, ...call: Call<M>): Returns<M, Rule[]>;
  /**
   * Streams the rule dump; same filters as `list`. Equivalent to `ip rule show` piped.
   * @example
   * for await (const r of nl.rule.stream()) console.log(r.priority, r.table); // ip rule show
   */
  stream(filter?: RuleFilter, ...call: Call<M>): Rows<M, Rule>;
  /**
   * Deletes the rules of one family that match, except priority 0's; resolves with how many went.
   * Equivalent to `ip -4 rule flush` / `ip -6 rule flush [table T]`.
   * @example
   * const n = await nl.rule.flush({ family: 'inet', table: 100 }); // ip -4 rule flush table 100
   */
  flush(filter: RuleFlushFilter, ...call: Call<M>): Returns<M, number>;
}

/** Neighbours (ARP/NDP, bridge FDB): `ip neigh`, `bridge fdb` (`nl.neigh`, `nl.sync.neigh`). */
export interface NeighApi<M extends CallMode = 'async'> {
  /**
   * Adds an entry. Equivalent to `ip neigh add ADDR [lladdr MAC] [nud STATE] [router] [proxy] dev DEV`
   * (default `nud permanent`), or with family `'bridge'`, `bridge fdb add MAC dev DEV …`; EEXIST if present.
   * @example
   * await nl.neigh.add({ dev: 'br0', address: '10.0.0.7', lladdr: '02:00:00:00:00:07' }); // ip neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev br0
   */
  add(options: NeighOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Adds or updates an entry. Equivalent to `ip neigh replace …` / `bridge fdb replace …`.
   * @example
   * await nl.neigh.replace({ dev: 'br0', address: '10.0.0.7', lladdr: '02:00:00:00:00:08' }); // ip neigh replace …
   */
  replace(options: NeighOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Changes an existing entry; ENOENT if there is none. Equivalent to `ip neigh change …` / `bridge fdb change …`.
   * @example
   * await nl.neigh.change({ dev: 'br0', address: '10.0.0.7', lladdr: '02:00:00:00:00:09' }); // ip neigh change 10.0.0.7 lladdr … dev br0
   */
  change(options: NeighOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Adds a bridge FDB entry beside those with the same MAC (family `'bridge'` only). Equivalent to `bridge fdb append MAC dev DEV [dst IP] [vni N]`.
   * @example
   * await nl.neigh.append({ family: 'bridge', dev: 'vx0', lladdr: '00:00:00:00:00:00', dst: '192.0.2.2' }); // bridge fdb append 00:00:00:00:00:00 dev vx0 dst 192.0.2.2
   */
  append(options: NeighOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Removes an entry. Equivalent to `ip neigh del ADDR dev DEV` / `bridge fdb del MAC dev DEV …`;
   * an entry that `list` returned deletes itself.
   * @example
   * await nl.neigh.del({ dev: 'br0', address: '10.0.0.7' }); // ip neigh del 10.0.0.7 dev br0
   */
  del(options: NeighOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Lists entries. Equivalent to `ip neigh show nud all [dev D] [master D] [proxy] [to PREFIX]`,
   * or `bridge fdb show [brport D] [br B]` with family `'bridge'`.
   * @example
   * const arp = await nl.neigh.list({ dev: 'br0', family: 'inet' }); // ip -4 neigh show dev br0
   */
  list(filter?: NeighFilter, ...call: Call<M>): Returns<M, Neighbour[]>;
  /**
   * Streams the neighbour dump; same filters as `list`. Equivalent to `ip neigh show` piped.
   * @example
   * for await (const n of nl.neigh.stream({ family: 'bridge' })) console.log(n.lladdr); // bridge fdb show
   */
  stream(filter?: NeighFilter, ...call: Call<M>): Rows<M, Neighbour>;
  /**
   * Removes matching entries and resolves with how many went. Equivalent to
   * `ip neigh flush [dev D] [nud S] [to PREFIX]` (permanent and noarp entries stay unless `state` says);
   * `{ all: true }` is `ip neigh flush all`.
   * @example
   * const n = await nl.neigh.flush({ dev: 'br0' }); // ip neigh flush dev br0
   */
  flush(filter: NeighFlushFilter, ...call: Call<M>): Returns<M, number>;
  /**
   * Looks one entry up in the kernel; ENOENT when there is none. Equivalent to
   * `ip neigh get ADDR dev DEV [proxy]`, or `bridge fdb get MAC dev DEV …` with family `'bridge'`.
   * @example
   * const { lladdr, state } = await nl.neigh.get({ dev: 'br0', address: '10.0.0.7' }); // ip neigh get 10.0.0.7 dev br0
   */
  get(options: NeighOptions, ...call: Call<M>): Returns<M, Neighbour>;
}

/** Namespace ids seen from the handle's namespace: `ip netns set|list-id` (`nl.netns`, `nl.sync.netns`). */
export interface NetnsIdApi<M extends CallMode = 'async'> {
  /**
   * Assigns `nsid` (or, with `'auto'` or none, the lowest free id) to the namespace `ref` inside the
   * handle's namespace and resolves with the id. Equivalent to `ip netns set NAME NSID|auto`;
   * EEXIST when `ref` has an id already or the id is taken.
   * @example
   * const id = await nl.netns.setId('blue', 'auto'); // ip netns set blue auto
   */
  setId(ref: NetnsRef, nsid?: number | 'auto', ...call: Call<M>): Returns<M, number>;
  /**
   * The nsid the handle's namespace gives `ref`, or `undefined` when it has none.
   * Equivalent to `ip netns list`, its `(id: N)`.
   * @example
   * const id = await nl.netns.getId('blue'); // ip netns list → blue (id: 0)
   */
  getId(ref: NetnsRef, ...call: Call<M>): Returns<M, number | undefined>;
  /**
   * Every nsid the handle's namespace has assigned, with the name under /run/netns where there is one.
   * Equivalent to `ip netns list-id [target-nsid N]` (with `target`: the ids the namespace with id
   * `target` gives, each with `currentNsid`).
   * @example
   * for (const { nsid, name } of await nl.netns.listIds()) console.log(nsid, name); // ip netns list-id
   */
  listIds(options?: { target?: number }, ...call: Call<M>): Returns<M, NetnsId[]>;
  /**
   * The named namespaces (/run/netns), each with the nsid the handle's namespace gives it.
   * Equivalent to `ip netns list`.
   * @example
   * const names = (await nl.netns.list()).map((n) => n.name); // ip netns list
   */
  list(...call: Call<M>): Returns<M, NamedNetns[]>;
}

/** Qdiscs: `tc qdisc` (`nl.tc.qdisc`, `nl.sync.tc.qdisc`). */
export interface QdiscApi<M extends CallMode = 'async'> {
  /**
   * Adds a qdisc and resolves with its handle (the kernel's choice when none was given).
   * Equivalent to `tc qdisc add dev DEV [parent P|root] [handle H] KIND [OPTIONS]`.
   * @example
   * await nl.tc.qdisc.add({ dev: 'eth0', handle: '1:', kind: 'htb', options: { default: 0x10 } }); // tc qdisc add dev eth0 root handle 1: htb default 10
   */
  add(options: QdiscOptions, ...call: Call<M>): Returns<M, { handle: string }>;
  /**
   * Adds or replaces the qdisc at `parent`. Equivalent to `tc qdisc replace …`.
   * @example
   * await nl.tc.qdisc.replace({ dev: 'eth0', kind: 'pfifo', options: { limit: 100 } }); // tc qdisc replace dev eth0 root pfifo limit 100
   */
  replace(options: QdiscOptions, ...call: Call<M>): Returns<M, { handle: string }>;
  /**
   * Changes an existing qdisc's options. Equivalent to `tc qdisc change …`.
   * @example
   * await nl.tc.qdisc.change({ dev: 'eth0', handle: '1:', kind: 'pfifo', options: { limit: 50 } }); // tc qdisc change dev eth0 handle 1: pfifo limit 50
   */
  change(options: QdiscOptions, ...call: Call<M>): Returns<M, { handle: string }>;
  /**
   * Replaces an existing qdisc only (never creates one). Equivalent to `tc qdisc link …`.
   * @example
   * await nl.tc.qdisc.link({ dev: 'eth0', kind: 'pfifo' }); // tc qdisc link dev eth0 root pfifo
   */
  link(options: QdiscOptions, ...call: Call<M>): Returns<M, { handle: string }>;
  /**
   * Deletes a qdisc (and what hangs below it). Equivalent to `tc qdisc del dev DEV [parent P|root|ingress] [handle H] [KIND]`.
   * @example
   * await nl.tc.qdisc.del({ dev: 'eth0', parent: 'root' }); // tc qdisc del dev eth0 root
   */
  del(options: QdiscOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Lists qdiscs. Equivalent to `tc -s qdisc show [dev DEV] [invisible]`.
   * @example
   * const qdiscs = await nl.tc.qdisc.list({ dev: 'eth0' }); // tc -s qdisc show dev eth0
   */
  list(filter?: QdiscFilter, ...call: Call<M>): Returns<M, Qdisc[]>;
  /**
   * Streams the qdisc dump; same filters as `list`. Equivalent to `tc qdisc show` piped.
   * @example
   * for await (const q of nl.tc.qdisc.stream()) console.log(q.dev, q.kind); // tc qdisc show
   */
  stream(filter?: QdiscFilter, ...call: Call<M>): Rows<M, Qdisc>;
  /**
   * One qdisc by link and handle (or parent); ENOENT when there is none.
   * Equivalent to `tc qdisc show dev DEV handle H` (`parent P`).
   * @example
   * const { kind, stats } = await nl.tc.qdisc.get({ dev: 'eth0', handle: '1:' }); // tc -s qdisc show dev eth0 handle 1:
   */
  get(options: QdiscOptions, ...call: Call<M>): Returns<M, Qdisc>;
}

/** Classes: `tc class` (`nl.tc.class`, `nl.sync.tc.class`). */
export interface ClassApi<M extends CallMode = 'async'> {
  /**
   * Adds a class. Equivalent to `tc class add dev DEV parent P classid C KIND [OPTIONS]`.
   * @example
   * await nl.tc.class.add({ dev: 'eth0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '10mbit' } }); // tc class add dev eth0 parent 1: classid 1:10 htb rate 10mbit
   */
  add(options: ClassOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Adds or replaces a class. Equivalent to `tc class replace …`.
   * @example
   * await nl.tc.class.replace({ dev: 'eth0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '20mbit' } }); // tc class replace … htb rate 20mbit
   */
  replace(options: ClassOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Changes a class's options. Equivalent to `tc class change …`.
   * @example
   * await nl.tc.class.change({ dev: 'eth0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '5mbit' } }); // tc class change … htb rate 5mbit
   */
  change(options: ClassOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Deletes a class. Equivalent to `tc class del dev DEV classid C`.
   * @example
   * await nl.tc.class.del({ dev: 'eth0', classid: '1:10' }); // tc class del dev eth0 classid 1:10
   */
  del(options: ClassOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Lists classes. Equivalent to `tc -s class show dev DEV` (every link when `dev` is left out).
   * @example
   * const classes = await nl.tc.class.list({ dev: 'eth0' }); // tc -s class show dev eth0
   */
  list(filter?: ClassFilter, ...call: Call<M>): Returns<M, TcClass[]>;
  /**
   * One class. Equivalent to `tc class get dev DEV classid C`.
   * @example
   * const { stats } = await nl.tc.class.get({ dev: 'eth0', classid: '1:10' }); // tc -s class get dev eth0 classid 1:10
   */
  get(options: ClassOptions, ...call: Call<M>): Returns<M, TcClass>;
}

/** Filters: `tc filter` (`nl.tc.filter`, `nl.sync.tc.filter`). */
export interface FilterApi<M extends CallMode = 'async'> {
  /**
   * Adds a filter and resolves with its pref and handle (the kernel's choice when left out).
   * Equivalent to `tc filter add dev DEV parent P [protocol P] [pref N] [handle H] KIND [OPTIONS] [action …]`.
   * @example
   * const { pref } = await nl.tc.filter.add({ dev: 'eth0', parent: '1:', kind: 'matchall', options: { flowid: '1:10' } }); // tc filter add dev eth0 parent 1: matchall flowid 1:10
   */
  add(options: FilterOptions, ...call: Call<M>): Returns<M, { pref: number; handle?: string | number }>;
  /**
   * Adds or replaces a filter. Equivalent to `tc filter replace …`.
   * @example
   * await nl.tc.filter.replace({ dev: 'eth0', parent: '1:', pref: 10, kind: 'matchall', options: { flowid: '1:20' } }); // tc filter replace … pref 10 matchall flowid 1:20
   */
  replace(options: FilterOptions, ...call: Call<M>): Returns<M, { pref: number; handle?: string | number }>;
  /**
   * Changes a filter (pref and handle required). Equivalent to `tc filter change …`.
   * @example
   * await nl.tc.filter.change({ dev: 'eth0', parent: '1:', pref: 10, handle: 1, kind: 'matchall', options: { flowid: '1:30' } }); // tc filter change …
   */
  change(options: FilterOptions, ...call: Call<M>): Returns<M, { pref: number; handle?: string | number }>;
  /**
   * Deletes the filters of one pref (or, with `handle`, one filter).
   * Equivalent to `tc filter del dev DEV parent P pref N [protocol P] [handle H KIND]`.
   * @example
   * await nl.tc.filter.del({ dev: 'eth0', parent: '1:', pref: 10 }); // tc filter del dev eth0 parent 1: pref 10
   */
  del(options: FilterOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Deletes every filter of a parent. Equivalent to `tc filter del dev DEV parent P` (no pref).
   * @example
   * await nl.tc.filter.flush({ dev: 'eth0', parent: 'ingress' }); // tc filter del dev eth0 ingress
   */
  flush(options: { dev: LinkRef; parent: TcHandle; chain?: number }, ...call: Call<M>): Returns<M, void>;
  /**
   * Lists filters. Equivalent to `tc filter show dev DEV parent P`.
   * @example
   * const filters = await nl.tc.filter.list({ dev: 'eth0', parent: '1:' }); // tc filter show dev eth0 parent 1:
   */
  list(filter: FilterFilter, ...call: Call<M>): Returns<M, Filter[]>;
  /**
   * One filter (pref, protocol and handle required).
   * Equivalent to `tc filter get dev DEV parent P pref N protocol P handle H KIND`.
   * @example
   * const f = await nl.tc.filter.get({ dev: 'eth0', parent: '1:', pref: 10, protocol: 'all', handle: 1, kind: 'matchall' }); // tc filter get …
   */
  get(options: FilterOptions, ...call: Call<M>): Returns<M, Filter>;
}

/** Standalone actions, shared by filters that bind them by index: `tc actions` (`nl.tc.action`). */
export interface ActionApi<M extends CallMode = 'async'> {
  /**
   * Adds actions. Equivalent to `tc actions add action KIND … [index N] [action …]`.
   * @example
   * await nl.tc.action.add([{ kind: 'gact', action: 'drop', index: 7 }]); // tc actions add action drop index 7
   */
  add(actions: unknown[], ...call: Call<M>): Returns<M, void>;
  /**
   * Adds or replaces actions. Equivalent to `tc actions replace …`.
   * @example
   * await nl.tc.action.replace([{ kind: 'gact', action: 'pass', index: 7 }]); // tc actions replace action pass index 7
   */
  replace(actions: unknown[], ...call: Call<M>): Returns<M, void>;
  /**
   * Deletes an action. Equivalent to `tc actions del action KIND index N`.
   * @example
   * await nl.tc.action.del({ kind: 'gact', index: 7 }); // tc actions del action gact index 7
   */
  del(action: { kind: string; index: number }, ...call: Call<M>): Returns<M, void>;
  /**
   * One action. Equivalent to `tc actions get action KIND index N`.
   * @example
   * const a = await nl.tc.action.get({ kind: 'gact', index: 7 }); // tc actions get action gact index 7
   */
  get(action: { kind: string; index: number }, ...call: Call<M>): Returns<M, ListedAction>;
  /**
   * Lists the actions of a kind. Equivalent to `tc actions ls action KIND`.
   * @example
   * const all = await nl.tc.action.list({ kind: 'mirred' }); // tc actions ls action mirred
   */
  list(filter: ActionFilter, ...call: Call<M>): Returns<M, ListedAction[]>;
}

/** Traffic control's families, by the name `tc` gives them (`nl.tc.qdisc`, `nl.sync.tc.class`, …). */
export interface TcApi<M extends CallMode = 'async'> {
  /** Qdiscs: `tc qdisc`. */
  readonly qdisc: QdiscApi<M>;
  /** Classes: `tc class`. */
  readonly class: ClassApi<M>;
  /** Filters: `tc filter`. */
  readonly filter: FilterApi<M>;
  /** Standalone actions: `tc actions`. */
  readonly action: ActionApi<M>;
}

/** Nexthop objects and groups: `ip nexthop` (`nl.nexthop`); routes use them with `nhid`. */
export interface NexthopApi<M extends CallMode = 'async'> {
  /**
   * Adds a nexthop or group; EEXIST if the id is taken.
   * Equivalent to `ip nexthop add id N via ADDR dev DEV | blackhole | group ID[,WEIGHT]/… [type mpath|resilient] [fdb]`.
   * @example
   * await nl.nexthop.add({ id: 1, via: '10.0.0.1', dev: 'eth0' }); // ip nexthop add id 1 via 10.0.0.1 dev eth0
   * await nl.nexthop.add({ id: 10, group: [{ id: 1 }, { id: 2, weight: 3 }] }); // ip nexthop add id 10 group 1/2,3
   */
  add(options: NexthopOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Adds or replaces the nexthop with this id. Equivalent to `ip nexthop replace id N …`.
   * @example
   * await nl.nexthop.replace({ id: 1, via: '10.0.0.2', dev: 'eth0' }); // ip nexthop replace id 1 via 10.0.0.2 dev eth0
   */
  replace(options: NexthopOptions & { id: number }, ...call: Call<M>): Returns<M, void>;
  /**
   * Deletes a nexthop (routes using it go with it). Equivalent to `ip nexthop del id N`.
   * @example
   * await nl.nexthop.del({ id: 1 }); // ip nexthop del id 1
   */
  del(options: NexthopDelOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * One nexthop by id; ENOENT when there is none. Equivalent to `ip nexthop get id N`.
   * @example
   * const nh = await nl.nexthop.get(10); // ip nexthop get id 10
   */
  get(id: number, ...call: Call<M>): Returns<M, NexthopObject>;
  /**
   * Lists nexthops. Equivalent to `ip nexthop show [id N] [dev DEV] [master DEV] [groups] [fdb]`.
   * @example
   * const groups = await nl.nexthop.list({ groups: true }); // ip nexthop show groups
   */
  list(filter?: NexthopFilter, ...call: Call<M>): Returns<M, NexthopObject[]>;
  /**
   * Deletes the nexthops that match; resolves with how many. Equivalent to `ip nexthop flush [dev DEV] …`.
   * @example
   * const n = await nl.nexthop.flush({ dev: 'eth0' }); // ip nexthop flush dev eth0
   */
  flush(filter: NexthopFlushFilter, ...call: Call<M>): Returns<M, number>;
  /**
   * The buckets of resilient groups. Equivalent to `ip nexthop bucket show [id ID] [nhid ID] [dev DEV] [master DEV]`.
   * @example
   * const buckets = await nl.nexthop.buckets({ id: 10 }); // ip nexthop bucket show id 10
   */
  buckets(filter?: NexthopBucketFilter, ...call: Call<M>): Returns<M, NexthopBucket[]>;
}

/** IPv6 address labels (RFC 6724 policy): `ip addrlabel` (`nl.addrlabel`). */
export interface AddrlabelApi<M extends CallMode = 'async'> {
  /**
   * Adds a label; EEXIST for a prefix (and link) already labelled. Equivalent to `ip addrlabel add prefix PREFIX label N [dev DEV]`.
   * @example
   * await nl.addrlabel.add({ prefix: '2001:db8::/32', label: 100 }); // ip addrlabel add prefix 2001:db8::/32 label 100
   */
  add(options: AddrlabelOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Deletes a label; ESRCH when there is none. Equivalent to `ip addrlabel del prefix PREFIX label N [dev DEV]`.
   * @example
   * await nl.addrlabel.del({ prefix: '2001:db8::/32', label: 100 }); // ip addrlabel del prefix 2001:db8::/32 label 100
   */
  del(options: AddrlabelOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Lists the labels, most specific first. Equivalent to `ip addrlabel list`.
   * @example
   * const labels = await nl.addrlabel.list(); // ip addrlabel list
   */
  list(filter?: AddrlabelFilter, ...call: Call<M>): Returns<M, Addrlabel[]>;
  /**
   * Deletes the labels that match; resolves with how many. Equivalent to `ip addrlabel flush` (with `all: true`).
   * @example
   * await nl.addrlabel.flush({ all: true }); // ip addrlabel flush
   */
  flush(filter: AddrlabelFlushFilter, ...call: Call<M>): Returns<M, number>;
}

/** Per-link IPv4/IPv6 settings: `ip netconf` (`nl.netconf`). */
export interface NetconfApi<M extends CallMode = 'async'> {
  /**
   * Lists settings (every link, `all` and `default` without `dev`). Equivalent to `ip [-4|-6] netconf show [dev DEV]`.
   * @example
   * const conf = await nl.netconf.list({ family: 'inet' }); // ip -4 netconf show
   */
  list(filter?: NetconfFilter, ...call: Call<M>): Returns<M, Netconf[]>;
  /**
   * One link's settings in one family; ENODEV when there is no such link. Equivalent to `ip -4|-6 netconf show dev DEV`.
   * @example
   * const { forwarding, rpFilter } = await nl.netconf.get({ family: 'inet', dev: 'eth0' }); // ip -4 netconf show dev eth0
   */
  get(options: NetconfGetOptions, ...call: Call<M>): Returns<M, Netconf>;
}

/** IPv6 interface tokens: `ip token` (`nl.token`). */
export interface TokenApi<M extends CallMode = 'async'> {
  /**
   * Sets a link's token (the kernel wants IPv6 on and router solicitations allowed on the link).
   * Equivalent to `ip token set TOKEN dev DEV`.
   * @example
   * await nl.token.set({ dev: 'eth0', token: '::1a:2b' }); // ip token set ::1a:2b dev eth0
   */
  set(options: TokenSetOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Removes a link's token (sets `::`). Equivalent to `ip token del dev DEV`.
   * @example
   * await nl.token.del('eth0'); // ip token del dev eth0
   */
  del(dev: LinkRef, ...call: Call<M>): Returns<M, void>;
  /**
   * One link's token (`::` when none): one RTM_GETLINK. Equivalent to `ip token get dev DEV`.
   * @example
   * const { token } = await nl.token.get('eth0'); // ip token get dev eth0
   */
  get(dev: LinkRef, ...call: Call<M>): Returns<M, LinkToken>;
  /**
   * Every link's token. Equivalent to `ip token list`.
   * @example
   * const tokens = await nl.token.list(); // ip token list
   */
  list(...call: Call<M>): Returns<M, LinkToken[]>;
}

/** Bridge ports' options over AF_BRIDGE: `bridge link` (`nl.bridge.link`). */
export interface BridgeLinkApi<M extends CallMode = 'async'> {
  /**
   * Changes a port's bridge options. Equivalent to `bridge link set dev DEV [learning off] [flood off] [cost N] … [self|master]`.
   * @example
   * await nl.bridge.link.set('veth0', { learning: false, cost: 10 }); // bridge link set dev veth0 learning off cost 10
   */
  set(dev: LinkRef, options: BridgeLinkSetOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Lists bridge ports with their options. Equivalent to `bridge -d link show [dev DEV] [master BR]`.
   * @example
   * const ports = await nl.bridge.link.list({ master: 'br0' }); // bridge -d link show master br0
   */
  list(filter?: BridgeLinkFilter, ...call: Call<M>): Returns<M, BridgePort[]>;
}

/** Bridge VLANs per port: `bridge vlan` (`nl.bridge.vlan`). */
export interface BridgeVlanApi<M extends CallMode = 'async'> {
  /**
   * Adds a VLAN (or range, or tunnel mapping) to a port.
   * Equivalent to `bridge vlan add dev DEV vid VID[-END] [pvid] [untagged] [tunnel_info id ID] [self|master]`.
   * @example
   * await nl.bridge.vlan.add({ dev: 'veth0', vid: 10, pvid: true, untagged: true }); // bridge vlan add dev veth0 vid 10 pvid untagged
   */
  add(options: BridgeVlanOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Removes a VLAN (or range, or tunnel mapping). Equivalent to `bridge vlan del dev DEV vid VID[-END] [tunnel_info id ID] [self|master]`.
   * @example
   * await nl.bridge.vlan.del({ dev: 'veth0', vid: 10 }); // bridge vlan del dev veth0 vid 10
   */
  del(options: BridgeVlanOptions, ...call: Call<M>): Returns<M, void>;
  /**
   * Lists the ports' VLANs and tunnel mappings. Equivalent to `bridge vlan show [dev DEV]` and `bridge vlan tunnelshow`.
   * @example
   * const vlans = await nl.bridge.vlan.list({ dev: 'veth0' }); // bridge vlan show dev veth0
   */
  list(filter?: BridgeVlanFilter, ...call: Call<M>): Returns<M, BridgeVlanPort[]>;
}

/** The `bridge` tool's families (`nl.bridge.link`, `nl.bridge.vlan`). */
export interface BridgeApi<M extends CallMode = 'async'> {
  /** Bridge ports: `bridge link`. */
  readonly link: BridgeLinkApi<M>;
  /** Bridge VLANs: `bridge vlan`. */
  readonly vlan: BridgeVlanApi<M>;
}

/** Every family of a handle in one mode: `nl.sync` is `Families<'sync'>`. */
export interface Families<M extends 'async' | 'sync' = 'async'> {
  /** Links: `ip link`. */
  readonly link: LinkApi<M>;
  /** Addresses: `ip address`. */
  readonly address: AddressApi<M>;
  /** Routes: `ip route`. */
  readonly route: RouteApi<M>;
  /** Policy rules: `ip rule`. */
  readonly rule: RuleApi<M>;
  /** Neighbours (ARP/NDP, bridge FDB): `ip neigh`, `bridge fdb`. */
  readonly neigh: NeighApi<M>;
  /** Namespace ids seen from this handle's namespace: `ip netns set|list-id`. */
  readonly netns: NetnsIdApi<M>;
  /** Nexthop objects and groups: `ip nexthop`. */
  readonly nexthop: NexthopApi<M>;
  /** IPv6 address labels: `ip addrlabel`. */
  readonly addrlabel: AddrlabelApi<M>;
  /** Per-link IPv4/IPv6 settings: `ip netconf`. */
  readonly netconf: NetconfApi<M>;
  /** Traffic control: `tc qdisc`, `tc class`, `tc filter`, `tc actions`. */
  readonly tc: TcApi<M>;
}

/** A family's batch calls: every call but the streams, each returning its {@link BatchToken}. */
export type Queued<F> = Omit<F, 'stream'>;

/**
 * What a batch's build function receives: every family, each call queued
 * instead of run, returning a {@link BatchToken} typed by what the call
 * resolves with. Calls take no call options (give them to `batch()`).
 */
export interface BatchBuilder {
  /** Links: `ip link`. */
  readonly link: Queued<LinkApi<'batch'>>;
  /** Addresses: `ip address`. */
  readonly address: Queued<AddressApi<'batch'>>;
  /** Routes: `ip route`. */
  readonly route: Queued<RouteApi<'batch'>>;
  /** Policy rules: `ip rule`. */
  readonly rule: Queued<RuleApi<'batch'>>;
  /** Neighbours: `ip neigh`, `bridge fdb`. */
  readonly neigh: Queued<NeighApi<'batch'>>;
  /** Namespace ids: `ip netns set|list-id`. */
  readonly netns: NetnsIdApi<'batch'>;
  /** Nexthop objects and groups: `ip nexthop`. */
  readonly nexthop: NexthopApi<'batch'>;
  /** IPv6 address labels: `ip addrlabel`. */
  readonly addrlabel: AddrlabelApi<'batch'>;
  /** Per-link IPv4/IPv6 settings: `ip netconf`. */
  readonly netconf: NetconfApi<'batch'>;
  /** Traffic control: `tc qdisc`, `tc class`, `tc filter`, `tc actions`. */
  readonly tc: {
    /** Qdiscs: `tc qdisc`. */
    readonly qdisc: Queued<QdiscApi<'batch'>>;
    /** Classes: `tc class`. */
    readonly class: ClassApi<'batch'>;
    /** Filters: `tc filter`. */
    readonly filter: FilterApi<'batch'>;
    /** Standalone actions: `tc actions`. */
    readonly action: ActionApi<'batch'>;
  };
}
