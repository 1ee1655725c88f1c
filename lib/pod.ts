/**
 * A container's network in one call: what a CNI bridge plugin does per pod
 * (a veth pair, the host end on a bridge and up, the other end inside the
 * pod's namespace, renamed, addressed, up, with a default route), and its
 * teardown, one pod or many at once (one group delete).
 *
 * ```ts
 * await nl.pod.add({ netns: 'pod3', hostIfname: 'veth3', bridge: 'cni0', address: '10.22.1.3/16', gateway: '10.22.0.1' });
 * await nl.pod.del(['veth3', 'veth4']);   // bulk: the group moves pipelined, one group delete
 * ```
 * @module
 */
import { addressOps } from './address.js';
import { linkOps } from './link.js';
import { Connection, type CallOptions } from './netlink.js';
import type { Op } from './request.js';
import { closeNs, linkIndex, netnsRef, openNetns } from './resolve.js';
import { routeOps } from './route.js';
import { labelConnection } from './trace.js';
import { checkIfname, type LinkRef, type NetnsRef } from './types.js';
import { arrayOf, either, int, object, str } from './validate.js';
import { ifnameCheck, linkRefCheck } from './vocab.js';

/** What `pod.add` sets up (the CNI bridge plugin's ADD, without IPAM: the addresses are given). */
export interface PodAddOptions {
  /** The pod's network namespace (it exists already): a name under /run/netns, `{ path }`, `{ pid }` or `{ fd }`. */
  netns: NetnsRef;
  /** The host end of the veth pair (`ip link add HOST type veth peer name IFNAME netns NS`). */
  hostIfname: string;
  /** The pod end's name inside the pod's namespace (default `'eth0'`). */
  ifname?: string;
  /** The bridge the host end joins (`ip link set HOST master BRIDGE`), by name or index. */
  bridge?: LinkRef;
  /** Addresses of the pod end, with their prefix length (`ip -n NS address add A/LEN dev IFNAME`). */
  address?: string | readonly string[];
  /** Default route(s) via these gateways, at most one per family (`ip -n NS route add default via GW dev IFNAME`). */
  gateway?: string | readonly string[];
  /** MTU of both ends (`mtu N`). */
  mtu?: number;
}

/** What `pod.add` made. */
export interface PodInfo {
  /** The host end's name. */
  hostIfname: string;
  /** The pod end's name, in the pod's namespace. */
  ifname: string;
  /** The pod end's index, in the pod's namespace. */
  index: number;
}

/** Pod-network operations of a handle (the handle's namespace is the host side). */
export interface PodOps {
  /**
   * Sets up a pod's network: the veth pair (host end on `bridge` and up; the
   * other end made inside `netns`, named `ifname`), then inside the pod: its
   * addresses, the link up, its default routes. Equivalent to
   * `ip link add HOST mtu M master BR up type veth peer name IFNAME netns NS mtu M;
   * ip -n NS address add A dev IFNAME; ip -n NS link set IFNAME up;
   * ip -n NS route add default via GW dev IFNAME`. If a later step fails, the
   * pair is deleted again (nothing half made stays) and the error is thrown.
   * @example
   * await nl.pod.add({ netns: 'pod3', hostIfname: 'veth3', bridge: 'cni0', address: '10.22.1.3/16', gateway: '10.22.0.1' });
   */
  add(options: PodAddOptions, call?: CallOptions): Promise<PodInfo>;
  /**
   * Tears pods down by their host ends (the pod ends, their addresses and
   * routes go with them). Many at once: one link dump, the group moves
   * pipelined, one group delete. Equivalent to `ip link del HOST` (one) or
   * `ip link set HOST group G` for each and `ip link del group G`.
   * @example
   * await nl.pod.del(['veth3', 'veth4']); // one group delete
   */
  del(hostIfname: string | readonly string[], call?: CallOptions): Promise<void>;
}

const strings = either(str({ nonEmpty: true }), arrayOf(str({ nonEmpty: true }), { max: 64 }), 'a string or an array of strings');
const podSchema = object(
  {
    netns: { check: netnsRef, required: true },
    hostIfname: { check: ifnameCheck, required: true },
    ifname: ifnameCheck,
    bridge: linkRefCheck,
    address: strings,
    gateway: strings,
    mtu: int(68, 0xffff),
  },
  { what: 'an options object { netns, hostIfname, bridge?, address?, gateway?, … }' },
);
const list = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

/** Runs an operation's first step without sending: its own validation (field names as that operation names them). */
function precheck(op: Op<unknown>, where: string): void {
  try {
    op.next();
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) e.message = `${where}: ${e.message}`;
    throw e;
  }
}

type Checked = { netns: NetnsRef; hostIfname: string; ifname: string; bridge?: LinkRef; addresses: readonly string[]; gateways: readonly string[]; mtu?: number };

/** Checks everything `pod.add` will send before anything is. */
function checkPod(input: unknown): Checked {
  const o = podSchema(input, 'pod') as PodAddOptions;
  const ifname = o.ifname ?? 'eth0';
  const addresses = list(o.address);
  const gateways = list(o.gateway);
  addresses.forEach((a, i) => precheck(addressOps.add({ dev: 1, address: a }), `pod.address[${i}]`));
  const families = new Set<string>();
  gateways.forEach((g, i) => {
    precheck(routeOps.add({ dst: 'default', gateway: g, dev: 1 }), `pod.gateway[${i}]`);
    const fam = g.includes(':') ? 'inet6' : 'inet';
    if (families.has(fam)) throw new RangeError(`pod.gateway[${i}]: a second ${fam} default route (give at most one gateway per family)`);
    families.add(fam);
  });
  return { netns: o.netns, hostIfname: o.hostIfname, ifname, bridge: o.bridge, addresses, gateways, mtu: o.mtu };
}

function checkHosts(target: unknown): string | string[] {
  if (typeof target === 'string') return checkIfname(target, 'hostIfname');
  if (!Array.isArray(target)) throw new TypeError(`hostIfname must be an interface name or an array of them, got ${typeof target}`);
  return target.map((n, i) => checkIfname(n, `hostIfname[${i}]`));
}

async function add(conn: Connection, p: Checked, call: CallOptions | undefined): Promise<PodInfo> {
  let ns = openNetns(p.netns, 'pod.netns');
  try {
    if (ns.fd === undefined) {
      closeNs(ns);
      ns = openNetns({ path: `/proc/${ns.pid}/ns/net` }, 'pod.netns');
    }
    const mtu = p.mtu === undefined ? {} : { mtu: p.mtu };
    await conn.run(
      linkOps.add({
        name: p.hostIfname,
        kind: 'veth',
        info: { peer: { name: p.ifname, netns: { fd: ns.fd! }, ...mtu } },
        ...(p.bridge === undefined ? {} : { master: p.bridge }),
        up: true,
        ...mtu,
      }),
      call,
    );
    try {
      const pod = new Connection({ netnsFd: ns.fd, timeout: conn.timeout, inline: conn.inline });
      labelConnection(pod, p.netns);
      try {
        // The index (the addresses need it), then in one go, in this order: the addresses,
        // the link up (which adds their prefix routes), the default routes (via those prefixes).
        const index = await pod.run(linkIndex(p.ifname, 'pod.ifname'), call);
        await Promise.all([
          ...p.addresses.map((a) => pod.run(addressOps.add({ dev: index, address: a }), call)),
          pod.run(linkOps.set(index, { up: true }), call),
          ...p.gateways.map((g) => pod.run(routeOps.add({ dst: 'default', gateway: g, dev: index }), call)),
        ]);
        return { hostIfname: p.hostIfname, ifname: p.ifname, index };
      } finally {
        void pod.close();
      }
    } catch (e) {
      // Nothing half made stays: the pair goes (its pod end with it).
      try {
        await conn.run(linkOps.del(p.hostIfname));
      } catch {
        // already gone, or the handle closed: the original error says what happened
      }
      throw e;
    }
  } finally {
    closeNs(ns);
  }
}

/** @internal Binds the pod operations to a handle's connection. */
export function podOps(conn: Connection): PodOps {
  return {
    add(options, call) {
      try {
        const p = checkPod(options);
        return add(conn, p, call);
      } catch (e) {
        return Promise.reject(e);
      }
    },
    del(hostIfname, call) {
      try {
        return conn.run(linkOps.del(checkHosts(hostIfname)), call);
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };
}
