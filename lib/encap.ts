/**
 * Lightweight-tunnel encapsulation in ip's words (`encap mpls|ip|ip6|seg6|seg6local …`),
 * shared by the families that carry one: routes (RTA_ENCAP, per path too) and
 * nexthop objects (NHA_ENCAP). The checks of a caller's `encap` object, what
 * the wire tables write from it, and a received one read back as the fields
 * `add` takes. The attribute tables themselves are in ./wire/route.ts.
 * @module
 */
import { linkIndex } from './resolve.js';
import type { Op } from './request.js';
import { AF, formatIp, type LinkRef } from './types.js';
import { arrayOf, bool, custom, int, isPlain, object, oneOf, show, u8, type Check } from './validate.js';
import { ipCheck, linkRefCheck, tableCheck, tableName, type RouteTable } from './vocab.js';
import {
  encapTypes,
  readEncap,
  seg6localActions,
  seg6Modes,
  tunnelFlags,
  type EncapIn,
  type EncapKind,
  type EncapTypeName,
  type RawEncap,
  type Seg6localAction,
  type Seg6Mode,
  type Srh,
} from './wire/route.js';

/** `encap mpls LABEL[/LABEL…] [ttl N]` — push an MPLS label stack (LWTUNNEL_ENCAP_MPLS). */
export interface MplsEncap {
  type: 'mpls';
  /** The labels to push, outermost first (`100/200` is `[100, 200]`); each 0–1048575, at most 30. */
  labels: number[];
  /** `ttl N` — the TTL of the pushed labels (default: propagated from the packet). */
  ttl?: number;
}
/** What `encap ip` and `encap ip6` share: the tunnel key and its flags, for a tunnel link in metadata mode (`external`). */
interface TunnelEncapBase {
  /** `id ID` — the tunnel key (VNI, GRE key), a 64-bit number (a BigInt past 2^53). */
  id?: number | bigint;
  /** `key` — send the key (TUNNEL_KEY). */
  key?: boolean;
  /** `csum` — checksum the tunnel (TUNNEL_CSUM). */
  csum?: boolean;
  /** `seq` — sequence numbers (TUNNEL_SEQ). */
  seq?: boolean;
}
/** `encap ip [id ID] [dst ADDR] [src ADDR] [ttl N] [tos N] [key] [csum] [seq]` — IPv4 tunnel metadata (LWTUNNEL_ENCAP_IP). */
export interface IpEncap extends TunnelEncapBase {
  type: 'ip';
  /** `dst ADDR` — the remote tunnel endpoint (IPv4). */
  dst?: string;
  /** `src ADDR` — the local tunnel endpoint (IPv4). */
  src?: string;
  /** `ttl N`. */
  ttl?: number;
  /** `tos N`. */
  tos?: number;
}
/** `encap ip6 [id ID] [dst ADDR] [src ADDR] [hoplimit N] [tc N] [key] [csum] [seq]` — IPv6 tunnel metadata (LWTUNNEL_ENCAP_IP6). */
export interface Ip6Encap extends TunnelEncapBase {
  type: 'ip6';
  /** `dst ADDR` — the remote tunnel endpoint (IPv6). */
  dst?: string;
  /** `src ADDR` — the local tunnel endpoint (IPv6). */
  src?: string;
  /** `hoplimit N`. */
  hoplimit?: number;
  /** `tc N` — the traffic class. */
  tc?: number;
}
/** `encap seg6 mode M segs A,B,… [hmac KEYID]` — SRv6 encapsulation (LWTUNNEL_ENCAP_SEG6). */
export interface Seg6Encap {
  type: 'seg6';
  /** `mode inline|encap|l2encap|encap.red|l2encap.red` (inline needs an IPv6 route). */
  mode: Seg6Mode;
  /** `segs A,B,…` — the IPv6 segments, the first to visit first. */
  segs: string[];
  /** `hmac KEYID` — add an HMAC TLV with this key id. */
  hmac?: number;
}
/** `encap seg6local action A [nh4 A] [nh6 A] [table T] [vrftable T] [iif D] [oif D] [srh segs … [hmac K]]` — an SRv6 local function (LWTUNNEL_ENCAP_SEG6_LOCAL, IPv6 routes only). */
export interface Seg6localEncap {
  type: 'seg6local';
  /** `action End|End.X|End.T|End.DX2|End.DX4|End.DX6|End.DT4|End.DT6|End.DT46|End.B6|End.B6.Encaps|…`. */
  action: Seg6localAction;
  /** `nh4 ADDR` (End.DX4). */
  nh4?: string;
  /** `nh6 ADDR` (End.X, End.DX6). */
  nh6?: string;
  /** `table T` (End.T, End.DT6). */
  table?: RouteTable;
  /** `vrftable T` (End.DT4, End.DT6, End.DT46). */
  vrftable?: RouteTable;
  /** `iif DEV`. */
  iif?: LinkRef;
  /** `oif DEV` (End.DX2; optional for End.X, End.DX4, End.DX6). */
  oif?: LinkRef;
  /** `srh segs A,B,… [hmac K]` (End.B6, End.B6.Encaps). */
  srh?: Srh;
}
/** A route's encapsulation (`ip route add … encap TYPE …`), by its `type`. */
export type RouteEncap = MplsEncap | IpEncap | Ip6Encap | Seg6Encap | Seg6localEncap;
/** What `list` returns for an encapsulation the library does not decode (bpf, ila, rpl, ioam6, xfrm). */
export interface OtherEncap {
  type: Exclude<EncapTypeName, EncapKind> | number;
}

/** An address of one family, kept as text. */
const addrOf = (family: 'inet' | 'inet6'): Check<string> =>
  custom(`an ${family === 'inet' ? 'IPv4' : 'IPv6'} address`, ['10.0.0.1/24', family === 'inet' ? '::1' : '10.0.0.1', 5], (v, path) => {
    const p = ipCheck(v, path);
    if (p.family !== family) throw new TypeError(`${path} must be an ${family === 'inet' ? 'IPv4' : 'IPv6'} address, got ${show(v)}`);
    return formatIp(p.bytes);
  });
const tunnelId = custom<number | bigint>('an integer in 0..2^64-1 (a BigInt past 2^53)', [-1, 1.5, 'x', 2n ** 64n], (v, path) => {
  if (typeof v === 'bigint') {
    if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`${path} must be in 0..2^64-1, got ${v}`);
    return v;
  }
  if (typeof v !== 'number') throw new TypeError(`${path} must be an integer in 0..2^64-1, got ${show(v)}`);
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${path} must be an integer in 0..2^53-1 (a BigInt past that), got ${v}`);
  return v;
});
/** `hmac KEYID`: a key id of `ip sr hmac set` (0 is none in ip, so refused here). */
const hmacKey = int(1, 0xffffffff);
const srhSchema = object({ segs: { check: arrayOf(addrOf('inet6'), { min: 1, max: 254 }), required: true }, hmac: hmacKey }, { what: 'an SRH object { segs, hmac }' });
const tunnelFields = { id: tunnelId, key: bool, csum: bool, seq: bool };
const encapSchemas = {
  mpls: object({ type: oneOf(['mpls']), labels: { check: arrayOf(int(0, 0xfffff), { min: 1, max: 30 }), required: true }, ttl: u8 }, { what: "an encap object { type: 'mpls', labels, ttl }" }),
  ip: object({ type: oneOf(['ip']), ...tunnelFields, dst: addrOf('inet'), src: addrOf('inet'), ttl: u8, tos: u8 }, { what: "an encap object { type: 'ip', id, dst, src, ttl, tos, … }" }),
  ip6: object({ type: oneOf(['ip6']), ...tunnelFields, dst: addrOf('inet6'), src: addrOf('inet6'), hoplimit: u8, tc: u8 }, { what: "an encap object { type: 'ip6', id, dst, src, hoplimit, tc, … }" }),
  seg6: object({ type: oneOf(['seg6']), mode: { check: oneOf(Object.keys(seg6Modes) as Seg6Mode[]), required: true }, segs: { check: arrayOf(addrOf('inet6'), { min: 1, max: 254 }), required: true }, hmac: hmacKey }, { what: "an encap object { type: 'seg6', mode, segs, hmac }" }),
  seg6local: object(
    { type: oneOf(['seg6local']), action: { check: oneOf(Object.keys(seg6localActions) as Seg6localAction[]), required: true }, nh4: addrOf('inet'), nh6: addrOf('inet6'), table: tableCheck, vrftable: tableCheck, iif: linkRefCheck, oif: linkRefCheck, srh: srhSchema },
    { what: "an encap object { type: 'seg6local', action, nh6, table, … }" },
  ),
};
const encapNames = Object.keys(encapSchemas) as EncapKind[];
/** `encap`: an object whose `type` picks its fields. */
export const encapCheck = custom<{ type: EncapKind } & Record<string, unknown>>("an encap object { type: 'mpls' | 'ip' | 'ip6' | 'seg6' | 'seg6local', … }", [null, 'mpls', { type: 'bpf' }, { type: 'mpls' }], (v, path) => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`${path} must be ${encapCheck.expects}, got ${show(v)}`);
  const type = oneOf(encapNames)((v as { type?: unknown }).type, `${path}.type`);
  if (type === 'ip6' && ('ttl' in v || 'tos' in v)) throw new TypeError(`${path}: an ip6 encap names them hoplimit and tc (as ip does), not ttl and tos`);
  return encapSchemas[type](v, path) as { type: EncapKind } & Record<string, unknown>;
});

/** `encap` of `route.del`: also one `list` reported but the library does not send (bpf, ila, …): such a one is left out of the request. */
export const encapDelCheck = custom<({ type: EncapKind } & Record<string, unknown>) | undefined>(encapCheck.expects, [null, 'mpls', { type: 'nope' }, { type: 'bpf', x: 1 }, { type: 'mpls' }], (v, path) => {
  const type = isPlain(v) ? v.type : undefined;
  const other = typeof type === 'number' || (typeof type === 'string' && Object.hasOwn(encapTypes, type) && !Object.hasOwn(encapSchemas, type));
  return other && Object.keys(v as object).length === 1 ? undefined : encapCheck(v, path);
});

/**
 * What each seg6local action needs and may carry (the kernel's seg6_action_table):
 * [required, optional] attribute names.
 */
const seg6localParams: Partial<Record<Seg6localAction, [string[], string[]]>> = {
  End: [[], []],
  'End.X': [['nh6'], ['oif']],
  'End.T': [['table'], []],
  'End.DX2': [['oif'], []],
  'End.DX6': [['nh6'], ['oif']],
  'End.DX4': [['nh4'], ['oif']],
  'End.DT6': [[], ['table', 'vrftable']],
  'End.DT4': [['vrftable'], []],
  'End.DT46': [['vrftable'], []],
  'End.B6': [['srh'], []],
  'End.B6.Encaps': [['srh'], []],
};

/** Checks an `encap` against the route's family and builds what the wire table writes. */
export function encapIn(e: { type: EncapKind } & Record<string, unknown>, family: number, path: string): EncapIn {
  const flags = (Object.keys(tunnelFlags) as (keyof typeof tunnelFlags)[]).filter((k) => e[k] === true);
  switch (e.type) {
    case 'mpls':
      return { type: 'mpls', attrs: { labels: e.labels, ttl: e.ttl } };
    case 'ip':
      return { type: 'ip', attrs: { id: e.id, dst: e.dst, src: e.src, ttl: e.ttl, tos: e.tos, flags: flags.length ? flags : undefined } };
    case 'ip6':
      return { type: 'ip6', attrs: { id: e.id, dst: e.dst, src: e.src, hoplimit: e.hoplimit, tc: e.tc, flags: flags.length ? flags : undefined } };
    case 'seg6':
      if (e.mode === 'inline' && family !== AF.INET6) throw new TypeError(`${path}.mode inline applies to IPv6 routes only (use encap)`);
      return { type: 'seg6', attrs: { srh: { mode: e.mode, segs: e.segs, hmac: e.hmac } } };
    case 'seg6local': {
      if (family !== AF.INET6) throw new TypeError(`${path}: seg6local applies to IPv6 routes only`);
      const params = seg6localParams[e.action as Seg6localAction];
      if (params) {
        const [need, may] = params;
        for (const k of need) if (e[k] === undefined) throw new TypeError(`${path}.${k} is required by action ${String(e.action)}`);
        if (e.action === 'End.DT6' && e.table === undefined && e.vrftable === undefined) throw new TypeError(`${path}: action End.DT6 needs table or vrftable`);
        for (const k of ['nh4', 'nh6', 'table', 'vrftable', 'iif', 'oif', 'srh'])
          if (e[k] !== undefined && !need.includes(k) && !may.includes(k)) throw new TypeError(`${path}.${k} does not apply to action ${String(e.action)}`);
      }
      const { type: _t, ...attrs } = e;
      if (attrs.srh !== undefined) attrs.srh = { ...(attrs.srh as Srh), slot: e.action !== 'End.B6.Encaps' };
      return { type: 'seg6local', attrs };
    }
  }
}

/** Looks up seg6local's `iif`/`oif` given by name. */
export function* encapLinks(e: EncapIn | undefined, path: string): Op<void> {
  if (e?.type !== 'seg6local') return;
  for (const k of ['iif', 'oif'])
    if (typeof e.attrs[k] === 'string') e.attrs[k] = yield* linkIndex(e.attrs[k] as string, `${path}.${k}`);
}

/** A received encapsulation (RTA_ENCAP, NHA_ENCAP) as `list` returns it: the fields `add` takes. */
export function encapOut(type: number, raw: RawEncap, path: string): Record<string, unknown> {
  const { type: name, attrs: a } = readEncap(type, raw, path);
  const out: Record<string, unknown> = { type: name };
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined) continue;
    if (k === 'flags') for (const f of v as (string | number)[]) out[typeof f === 'string' ? f : `flag${f}`] = true;
    else if (name === 'seg6' && k === 'srh') Object.assign(out, v);
    else if (name === 'seg6local' && (k === 'table' || k === 'vrftable')) out[k] = tableName(v as number);
    else out[k] = v;
  }
  return out;
}
