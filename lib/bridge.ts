/**
 * Bridge ports and VLANs as the `bridge` tool speaks of them: `bridge link
 * set|show` (port options over AF_BRIDGE: IFLA_PROTINFO) and `bridge vlan
 * add|del|show` (IFLA_AF_SPEC's IFLA_BRIDGE_VLAN_INFO and VLAN-to-tunnel
 * mappings). Requests are AF_BRIDGE RTM_SETLINK/RTM_DELLINK/RTM_GETLINK,
 * written in the order `bridge` writes them.
 *
 * Every call checks its whole input (and encodes it once into scratch) before
 * its first request, so nothing is half done for a wrong field.
 * @module
 */
import { forEachAttr, Writer, type UnknownAttrs } from './codec.js';
import { NLM_F } from './protocol.js';
import type { Op, Request } from './request.js';
import { linkIndex, lookupMissing } from './resolve.js';
import { AF, checkIfname, type LinkRef } from './types.js';
import { bool, custom, int, isPlain, object, oneOf, show, type Check } from './validate.js';
import { linkRefCheck } from './vocab.js';
import {
  BRIDGE_FLAGS,
  BRIDGE_VLAN_INFO,
  bridgeAfAttrs,
  bridgeLinkAttrs,
  bridgeVlanInfo,
  bridgeVlanTunnelAttrs,
  brportAttrs,
  type BridgeVlanTunnel,
} from './wire/bridge.js';
import type { BridgePortInfo } from './wire/kinds.js';
import { ifinfomsg, linkAttrs, linkRequestAttrs, RTEXT_FILTER, type OperState } from './wire/link.js';
import { RTM } from './wire/rtm.js';

/** Port options that `bridge link set` may change (the read-only STP counters left out). */
export type BridgePortOptions = Omit<
  BridgePortInfo,
  'rootId' | 'bridgeId' | 'designatedPort' | 'designatedCost' | 'id' | 'no' | 'topologyChangeAck' | 'configPending' | 'messageAgeTimer' | 'forwardDelayTimer' | 'holdTimer' | 'mcastEhtHostsCnt' | 'mcastNGroups'
>;

/** What `bridge.link.set` takes: `bridge link set dev DEV [learning on|off] [flood on|off] … [hwmode vepa|veb] [self] [master]`. */
export interface BridgeLinkSetOptions extends BridgePortOptions {
  /** `hwmode veb|vepa` (IFLA_BRIDGE_MODE; for devices whose driver bridges in hardware: implies `self` unless `master` is given). */
  hwmode?: 'veb' | 'vepa';
  /** `self`: the request is for the device itself (its driver), not its master (BRIDGE_FLAGS_SELF). */
  self?: boolean;
  /** `master`: the request is for the master bridge (BRIDGE_FLAGS_MASTER; the default when neither is given). */
  master?: boolean;
}

/** A bridge port as `bridge.link.list` returns it (`bridge -d -j link show`). */
export interface BridgePort extends BridgePortInfo {
  /** Attributes the kernel sent that in IFLA_PROTINFO (IFLA_BRPORT_*) that no table of the library knows (a newer kernel's): type → payload as hex ({@link UnknownAttrs}). */
  unknown?: UnknownAttrs;
  index: number;
  /** The port's name. */
  dev: string;
  /** The bridge (its name, or index when unknown). */
  master?: string | number;
  mtu?: number;
  operstate?: OperState | number;
  /** The port's MAC address. */
  address?: string;
  /** `hwmode` when the device reports one (IFLA_BRIDGE_MODE). */
  hwmode?: 'veb' | 'vepa' | number;
}

/** Filters of `bridge.link.list` (`bridge link show [dev DEV] [master BR]`). */
export interface BridgeLinkFilter {
  dev?: LinkRef;
  /** Ports of this bridge only. */
  master?: LinkRef;
}

/** One VLAN (or range) of a port, as `bridge vlan add|del` takes it and `bridge vlan show` reports it. */
export interface BridgeVlan {
  /** `vid VID` (1..4094). */
  vid: number;
  /** `vid VID-VIDEND`: the last VLAN of a range. */
  vidEnd?: number;
  /** `pvid`: untagged ingress goes to this VLAN (not with a range). */
  pvid?: boolean;
  /** `untagged`: egress leaves untagged. */
  untagged?: boolean;
}

/** A VLAN-to-tunnel mapping (`bridge vlan add dev vx vid 10 tunnel_info id 100`), as `bridge vlan tunnelshow` reports it. */
export interface BridgeVlanTunnelMap {
  vid: number;
  vidEnd?: number;
  /** `tunnel_info id N` (a VNI: 1..2^24-1 for vxlan). */
  tunnelId: number;
  tunnelIdEnd?: number;
}

/** What `bridge.vlan.add`/`del` take: `bridge vlan add|del dev DEV vid VID[-VIDEND] [tunnel_info id ID[-IDEND]] [pvid] [untagged] [self] [master]`. */
export interface BridgeVlanOptions extends BridgeVlan {
  /** `dev DEV`: the port (or, with `self`, the bridge itself). */
  dev: LinkRef;
  /** `tunnel_info id ID`: map the VLAN(s) to this tunnel id (a vxlan port with `vlan_tunnel on`). */
  tunnelId?: number;
  /** `tunnel_info id ID-IDEND`: a range as long as the VLAN range. */
  tunnelIdEnd?: number;
  /** `self`: the VLAN of the device itself (the bridge's own VLAN with `dev` the bridge). */
  self?: boolean;
  /** `master` (the default when neither is given). */
  master?: boolean;
}

/** A port's VLANs, as `bridge.vlan.list` returns them (`bridge -j vlan show` and `bridge vlan tunnelshow`). */
export interface BridgeVlanPort {
  index: number;
  dev: string;
  vlans: BridgeVlan[];
  /** VLAN-to-tunnel mappings, when the port has any. */
  tunnels?: BridgeVlanTunnelMap[];
}

/** Filters of `bridge.vlan.list` (`bridge vlan show [dev DEV]`). */
export interface BridgeVlanFilter {
  dev?: LinkRef;
}

/** The bridge operations (`nl.bridge.link`, `nl.bridge.vlan`): the family API a handle binds. */
export interface BridgeOps {
  link: {
    /** Changes a port's bridge options. Equivalent to `bridge link set dev DEV [learning off] [flood off] [cost N] … [self|master]`. */
    set(dev: LinkRef, options: BridgeLinkSetOptions): Op<void>;
    /** Lists bridge ports with their options. Equivalent to `bridge -d link show [dev DEV] [master BR]`. */
    list(filter?: BridgeLinkFilter): Op<BridgePort[]>;
  };
  vlan: {
    /** Adds a VLAN (or range, or tunnel mapping) to a port. Equivalent to `bridge vlan add dev DEV vid VID[-END] [pvid] [untagged] [tunnel_info id ID] [self|master]`. */
    add(options: BridgeVlanOptions): Op<void>;
    /** Removes a VLAN (or range, or tunnel mapping). Equivalent to `bridge vlan del dev DEV vid VID[-END] [tunnel_info id ID] [self|master]`. */
    del(options: BridgeVlanOptions): Op<void>;
    /** Lists the ports' VLANs and tunnel mappings. Equivalent to `bridge vlan show [dev DEV]` and `bridge vlan tunnelshow`. */
    list(filter?: BridgeVlanFilter): Op<BridgeVlanPort[]>;
  };
}

// ---------------------------------------------------------------------------
// Input

const vid = int(1, 4094);
/** A tunnel id (IFLA_BRIDGE_VLAN_TUNNEL_ID is a u32; vxlan takes 24 bits, checked by the kernel per device). */
const tunnelId = int(1, 0xffffffff);

/** The order `bridge link set` writes IFLA_BRPORT_* in (iproute2 6.1); other fields follow in table order. */
const BRPORT_ORDER = [
  'guard', 'hairpin', 'fastleave', 'rootBlock', 'flood', 'multicastRouter', 'mcastFlood', 'bcastFlood', 'mcastToUnicast',
  'learning', 'learningSync', 'cost', 'priority', 'state', 'proxyArp', 'proxyArpWifi', 'neighSuppress', 'vlanTunnel',
  'isolated', 'locked', 'backupPort',
];

/** `bridge.link.set(dev, options)`: the port fields are checked by the IFLA_BRPORT_* table (in a dry-run encode). */
const portOptions: Check<Record<string, unknown>> = custom('a plain object of port options { learning?, flood?, cost?, … }', [null, 'x', 42, [], new Map()], (v, path) => {
  if (!isPlain(v)) throw new TypeError(`${path} must be a plain object of port options { learning?, flood?, cost?, … }, got ${show(v)}`);
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v)) if (v[k] !== undefined) o[k] = v[k];
  return o;
});
const linkSetControl = object({ hwmode: oneOf<'veb' | 'vepa'>(['veb', 'vepa']), self: bool, master: bool });

const vlanSchema = object(
  {
    dev: { check: linkRefCheck, required: true },
    vid: { check: vid, required: true },
    vidEnd: vid,
    pvid: bool,
    untagged: bool,
    tunnelId,
    tunnelIdEnd: tunnelId,
    self: bool,
    master: bool,
  },
  { what: 'a plain object { dev, vid, vidEnd?, pvid?, untagged?, tunnelId?, self?, master? }' },
);
const linkFilterSchema = object({ dev: linkRefCheck, master: linkRefCheck }, { what: 'a filter object { dev?, master? }' });
const vlanFilterSchema = object({ dev: linkRefCheck }, { what: 'a filter object { dev? }' });

/** The schemas of the bridge calls (for the property test). */
export const bridgeSchemas = { vlan: vlanSchema, linkFilter: linkFilterSchema, vlanFilter: vlanFilterSchema };

const scratch = new Writer(4096);
function dryRun(fn: (w: Writer) => void): void {
  scratch.pos = 0;
  try {
    fn(scratch);
  } finally {
    scratch.pos = 0;
  }
}

function flagsOf(o: { self?: boolean; master?: boolean }): number {
  return (o.master ? BRIDGE_FLAGS.MASTER : 0) | (o.self ? BRIDGE_FLAGS.SELF : 0);
}

function header(w: Writer, index: number): void {
  ifinfomsg.encode(w, { family: AF.BRIDGE, type: 0, index, flags: 0, change: 0 }, 'bridge');
}

// ---------------------------------------------------------------------------
// bridge link

/** Splits `bridge link set` options into port fields (in iproute2's order) and the AF_SPEC controls. */
function checkLinkSet(options: unknown): { port: Record<string, unknown>; ctl: { hwmode?: 'veb' | 'vepa'; self?: boolean; master?: boolean } } {
  const all = portOptions(options, 'options');
  const ctlIn: Record<string, unknown> = {};
  const port: Record<string, unknown> = {};
  for (const k of BRPORT_ORDER) if (k in all) port[k] = all[k];
  for (const [k, v] of Object.entries(all)) {
    if (k === 'hwmode' || k === 'self' || k === 'master') ctlIn[k] = v;
    else if (!(k in port)) port[k] = v;
  }
  const ctl = linkSetControl(ctlIn, 'options');
  if (Object.keys(port).length === 0 && ctl.hwmode === undefined)
    throw new TypeError('options: nothing to change; give a port option (learning, flood, cost, priority, state, …) or hwmode');
  if (typeof port.backupPort === 'string') checkIfname(port.backupPort, 'options.backupPort');
  return { port, ctl };
}

function writeLinkSet(w: Writer, index: number, port: Record<string, unknown>, ctl: { hwmode?: string; self?: boolean; master?: boolean }): void {
  header(w, index);
  const p = bridgeLinkAttrs.beginNest(w, 'protinfo');
  brportAttrs().encode(w, port, 'options');
  w.endAttr(p);
  // `hwmode` is for the device's own driver: SELF unless the caller says (as `bridge link set … hwmode` does)
  const flags = flagsOf(ctl) || (ctl.hwmode !== undefined ? BRIDGE_FLAGS.SELF : 0);
  if (flags) {
    const a = bridgeLinkAttrs.beginNest(w, 'afSpec');
    if (flags) bridgeAfAttrs.encodeOne(w, 'flags', flags);
    if (ctl.hwmode !== undefined) bridgeAfAttrs.encodeOne(w, 'mode', ctl.hwmode, 'options.hwmode');
    w.endAttr(a);
  }
}

const portTable = bridgeLinkAttrs.pick('bridge', ['protinfo']);
const portLinkAttrs = linkAttrs.pick('bridge', ['name', 'master', 'mtu', 'operstate', 'address']);
const AF_SPEC = bridgeLinkAttrs.idOf('afSpec');
const VLAN_INFO = bridgeAfAttrs.idOf('vlanInfo');
const TUNNEL_INFO = bridgeAfAttrs.idOf('vlanTunnelInfo');
const MODE = bridgeAfAttrs.idOf('mode');
const modeTable = bridgeAfAttrs.pick('af_spec', ['mode']);

/** The AF_SPEC of an AF_BRIDGE link message: its VLANs (ranges joined), tunnel mappings and mode. */
function readAfSpec(b: Buffer, off: number, end: number): { vlans: BridgeVlan[]; tunnels: BridgeVlanTunnelMap[]; mode?: number | string } {
  const vlans: BridgeVlan[] = [];
  const tunnels: BridgeVlanTunnelMap[] = [];
  let mode: number | string | undefined;
  let begin: BridgeVlan | undefined;
  let tBegin: BridgeVlanTunnel | undefined;
  forEachAttr(b, off, end, 'bridge', (type, p, len) => {
    if (type !== AF_SPEC) return;
    forEachAttr(b, p, p + len, 'bridge.afSpec', (t, q, l) => {
      if (t === MODE) {
        mode = (modeTable.decode(b, q - 4, q + l) as { mode?: number | string }).mode;
      } else if (t === VLAN_INFO) {
        if (l < bridgeVlanInfo.size) return;
        const v = bridgeVlanInfo.decode(b, q, l, 'bridge.afSpec', 'vlanInfo');
        const e: BridgeVlan = { vid: v.vid };
        if (v.flags & BRIDGE_VLAN_INFO.PVID) e.pvid = true;
        if (v.flags & BRIDGE_VLAN_INFO.UNTAGGED) e.untagged = true;
        if (v.flags & BRIDGE_VLAN_INFO.RANGE_BEGIN) begin = e;
        else if (v.flags & BRIDGE_VLAN_INFO.RANGE_END && begin) {
          if (v.vid !== begin.vid) begin.vidEnd = v.vid;
          vlans.push(begin);
          begin = undefined;
        } else vlans.push(e);
      } else if (t === TUNNEL_INFO) {
        const x = bridgeVlanTunnelAttrs.decode(b, q, q + l, undefined, 'bridge.afSpec.vlanTunnelInfo') as BridgeVlanTunnel;
        if (x.vid === undefined || x.id === undefined) return;
        const flags = x.flags ?? 0;
        if (flags & BRIDGE_VLAN_INFO.RANGE_BEGIN) tBegin = x;
        else if (flags & BRIDGE_VLAN_INFO.RANGE_END && tBegin) {
          const m: BridgeVlanTunnelMap = { vid: tBegin.vid!, tunnelId: tBegin.id! };
          if (x.vid !== tBegin.vid) Object.assign(m, { vidEnd: x.vid, tunnelIdEnd: x.id });
          tunnels.push(m);
          tBegin = undefined;
        } else tunnels.push({ vid: x.vid, tunnelId: x.id });
      }
    });
  });
  return { vlans, tunnels, mode };
}

/** Decodes one AF_BRIDGE RTM_NEWLINK payload into a {@link BridgePort}. */
export function parseBridgePort(b: Buffer, off: number, end: number): BridgePort | undefined {
  const h = ifinfomsg.header(b, off, end, 'bridge');
  if (h.family !== AF.BRIDGE) return undefined;
  const a = portLinkAttrs.decode(b, off + ifinfomsg.size, end) as { name?: string; master?: number; mtu?: number; operstate?: OperState | number; address?: string };
  const { protinfo } = portTable.decode(b, off + ifinfomsg.size, end) as { protinfo?: BridgePortInfo };
  const port: BridgePort = { index: h.index, dev: a.name ?? String(h.index), ...protinfo };
  if (a.master !== undefined) port.master = a.master;
  if (a.mtu !== undefined) port.mtu = a.mtu;
  if (a.operstate !== undefined) port.operstate = a.operstate;
  if (a.address !== undefined) port.address = a.address;
  const { mode } = readAfSpec(b, off + ifinfomsg.size, end);
  if (mode !== undefined) port.hwmode = mode as BridgePort['hwmode'];
  return port;
}

/** Decodes one AF_BRIDGE RTM_NEWLINK payload of a VLAN dump into a {@link BridgeVlanPort}. */
export function parseBridgeVlans(b: Buffer, off: number, end: number): BridgeVlanPort | undefined {
  const h = ifinfomsg.header(b, off, end, 'bridge');
  if (h.family !== AF.BRIDGE) return undefined;
  const { name } = portLinkAttrs.decode(b, off + ifinfomsg.size, end) as { name?: string };
  const { vlans, tunnels } = readAfSpec(b, off + ifinfomsg.size, end);
  const out: BridgeVlanPort = { index: h.index, dev: name ?? String(h.index), vlans };
  if (tunnels.length) out.tunnels = tunnels;
  return out;
}

/** `bridge link show`: RTM_GETLINK dump of family AF_BRIDGE, no attributes (as `bridge` sends it). */
export function bridgeLinkDump(): Request<BridgePort> {
  return { type: RTM.GETLINK, flags: NLM_F.DUMP, body: (w) => header(w, 0), parse: parseBridgePort };
}

/** `bridge vlan show`: the AF_BRIDGE dump with IFLA_EXT_MASK asking for VLANs, ranges compressed. */
export function bridgeVlanDump(): Request<BridgeVlanPort> {
  return {
    type: RTM.GETLINK,
    flags: NLM_F.DUMP,
    body(w) {
      header(w, 0);
      linkRequestAttrs.encodeOne(w, 'extMask', RTEXT_FILTER.BRVLAN_COMPRESSED);
    },
    parse: parseBridgeVlans,
  };
}

// ---------------------------------------------------------------------------
// bridge vlan

type VlanInput = ReturnType<typeof vlanSchema>;

function checkVlan(options: unknown): VlanInput {
  const o = vlanSchema(options, 'vlan');
  if (o.vidEnd !== undefined && o.vidEnd < o.vid!) throw new RangeError(`vlan.vidEnd (${o.vidEnd}) must not be below vlan.vid (${o.vid})`);
  const range = o.vidEnd !== undefined && o.vidEnd !== o.vid;
  if (range && o.pvid) throw new TypeError('vlan.pvid cannot be given for a range (one VLAN is the pvid)');
  if (o.tunnelIdEnd !== undefined && o.tunnelId === undefined) throw new TypeError('vlan.tunnelIdEnd needs vlan.tunnelId');
  if (o.tunnelId !== undefined) {
    if (o.pvid || o.untagged) throw new TypeError('vlan.pvid and vlan.untagged do not apply to a tunnel mapping (tunnel_info)');
    const tEnd = o.tunnelIdEnd ?? o.tunnelId;
    if (tEnd < o.tunnelId) throw new RangeError(`vlan.tunnelIdEnd (${tEnd}) must not be below vlan.tunnelId (${o.tunnelId})`);
    if (tEnd - o.tunnelId !== (o.vidEnd ?? o.vid!) - o.vid!)
      throw new RangeError(`vlan: the tunnel id range (${o.tunnelId}-${tEnd}) must be as long as the VLAN range (${o.vid}-${o.vidEnd ?? o.vid})`);
  }
  return o;
}

function writeVlan(w: Writer, index: number, o: VlanInput): void {
  header(w, index);
  const a = bridgeLinkAttrs.beginNest(w, 'afSpec');
  const flags = flagsOf(o);
  if (flags) bridgeAfAttrs.encodeOne(w, 'flags', flags);
  const first = o.vid!;
  const last = o.vidEnd ?? first;
  if (o.tunnelId !== undefined) {
    const tunnel = (vid: number, id: number, fl: number) => {
      const n = bridgeAfAttrs.beginNest(w, 'vlanTunnelInfo');
      bridgeVlanTunnelAttrs.encode(w, { id, vid, flags: fl }, 'vlan');
      w.endAttr(n);
    };
    if (last === first) tunnel(first, o.tunnelId, 0);
    else {
      tunnel(first, o.tunnelId, BRIDGE_VLAN_INFO.RANGE_BEGIN);
      tunnel(last, o.tunnelIdEnd!, BRIDGE_VLAN_INFO.RANGE_END);
    }
  } else {
    const vf = (o.pvid ? BRIDGE_VLAN_INFO.PVID : 0) | (o.untagged ? BRIDGE_VLAN_INFO.UNTAGGED : 0);
    if (last === first) bridgeAfAttrs.encodeOne(w, 'vlanInfo', { flags: vf, vid: first });
    else {
      bridgeAfAttrs.encodeOne(w, 'vlanInfo', { flags: vf | BRIDGE_VLAN_INFO.RANGE_BEGIN, vid: first });
      bridgeAfAttrs.encodeOne(w, 'vlanInfo', { flags: vf | BRIDGE_VLAN_INFO.RANGE_END, vid: last });
    }
  }
  w.endAttr(a);
}

function* vlanChange(options: unknown, type: number): Op<void> {
  const o = checkVlan(options);
  dryRun((w) => writeVlan(w, 1, o));
  const index = yield* linkIndex(o.dev!, 'vlan.dev');
  yield { type, body: (w: Writer) => writeVlan(w, index, o) } satisfies Request;
}

/** Names the `master` (a bridge index) of listed ports. */
function namePort(p: BridgePort, names: Map<number, string>): void {
  if (typeof p.master === 'number') p.master = names.get(p.master) ?? p.master;
}

/** The bridge operations, written once and run async or sync by a handle. */
export const bridgeLinkOps = {
  /**
   * Changes a port's bridge options (AF_BRIDGE RTM_SETLINK with IFLA_PROTINFO).
   * Equivalent to `bridge link set dev DEV [learning on|off] [flood on|off]
   * [mcast_flood …] [bcast_flood …] [hairpin …] [guard …] [root_block …]
   * [cost N] [priority N] [state S] [neigh_suppress …] [vlan_tunnel …]
   * [isolated …] [locked …] [backup_port DEV] [hwmode veb|vepa] [self] [master]`.
   */
  *set(dev: LinkRef, options: BridgeLinkSetOptions): Op<void> {
    const ref = linkRefCheck(dev, 'dev');
    const { port, ctl } = checkLinkSet(options);
    dryRun((w) => writeLinkSet(w, 1, typeof port.backupPort === 'string' ? { ...port, backupPort: 0 } : port, ctl));
    const index = yield* linkIndex(ref, 'dev');
    const resolved = typeof port.backupPort === 'string' ? { ...port, backupPort: yield* linkIndex(port.backupPort, 'options.backupPort') } : port;
    yield { type: RTM.SETLINK, body: (w: Writer) => writeLinkSet(w, index, resolved, ctl) } satisfies Request;
  },

  /** Lists bridge ports and their options. Equivalent to `bridge -d link show [dev DEV] [master BR]`. */
  *list(filter: BridgeLinkFilter = {}): Op<BridgePort[]> {
    const f = linkFilterSchema(filter, 'filter');
    const dev = f.dev === undefined ? undefined : yield* linkIndex(f.dev, 'filter.dev');
    const master = f.master === undefined ? undefined : yield* linkIndex(f.master, 'filter.master');
    // filtered by index first, then the masters named (a few bridges: looked up one by one)
    const ports = ((yield bridgeLinkDump()) as BridgePort[]).filter((p) => (dev === undefined || p.index === dev) && (master === undefined || p.master === master));
    const names = new Map<number, string>();
    if (typeof f.master === 'string' && master !== undefined) names.set(master, f.master);
    yield* lookupMissing(ports, names, (p) => (typeof p.master === 'number' ? p.master : 0));
    for (const p of ports) namePort(p, names);
    return ports;
  },
} satisfies BridgeOps['link'];

/** `bridge vlan` operations. */
export const bridgeVlanOps = {
  /**
   * Adds a VLAN, a range, or a VLAN-to-tunnel mapping to a port (AF_BRIDGE
   * RTM_SETLINK, IFLA_AF_SPEC). Equivalent to `bridge vlan add dev DEV vid
   * VID[-VIDEND] [pvid] [untagged] [tunnel_info id ID[-IDEND]] [self] [master]`.
   * Needs a bridge with `vlanFiltering` (else EOPNOTSUPP).
   */
  add(options: BridgeVlanOptions): Op<void> {
    return vlanChange(options, RTM.SETLINK);
  },
  /** Removes a VLAN (range, tunnel mapping). Equivalent to `bridge vlan del dev DEV vid VID[-VIDEND] [tunnel_info id ID] [self] [master]`. */
  del(options: BridgeVlanOptions): Op<void> {
    return vlanChange(options, RTM.DELLINK);
  },
  /**
   * Lists the VLANs of every bridge port (ranges compressed, with their
   * tunnel mappings). Equivalent to `bridge -c vlan show [dev DEV]` and
   * `bridge vlan tunnelshow`.
   */
  *list(filter: BridgeVlanFilter = {}): Op<BridgeVlanPort[]> {
    const f = vlanFilterSchema(filter, 'filter');
    const dev = f.dev === undefined ? undefined : yield* linkIndex(f.dev, 'filter.dev');
    const ports = (yield bridgeVlanDump()) as BridgeVlanPort[];
    return dev === undefined ? ports : ports.filter((p) => p.index === dev);
  },
} satisfies BridgeOps['vlan'];
