/**
 * More tc action kinds (`tc … action KIND …`): skbedit, police, vlan and
 * pedit (basic munges), each with its TCA_<KIND>_* table from
 * linux/tc_act/tc_<kind>.h written `name: [id, type, 'UAPI_NAME']`. They
 * register into the action registry of tc-actions.ts when this module loads.
 * Every kind decodes its options back to the names it takes.
 * @module
 */
import { attrs, type StructOf, struct, t } from '../codec.js';
import { LINKLAYER, parseRate, parseSize, parseSizeAndCell, rateTable, xmitSize, xmitTime } from '../tcunits.js';
import { formatHandle, handleCheck } from '../tcunits.js';
import { parseIp } from '../types.js';
import { arrayOf, bool, custom, int, object, oneOf, show, u16, u32 } from '../validate.js';
import { controlCheck, controlName, genOut, registerAction, TC_ACT, tcGen, type ActionCommon, type ActionKind, type ActionListed, type TcControl } from './tc-actions.js';
import { ratespec, tcfT, type TcRatespec } from './tc.js';

const indexCheck = int(0, 0xffffffff);
const cookieField = custom('hex', [], (v) => v);
type Gen = { index: number; capab: number; action: number; refcnt: number; bindcnt: number };

// ---------------------------------------------------------------------------
// skbedit (linux/tc_act/tc_skbedit.h)

/** `action skbedit [queue_mapping Q] [priority P] [mark M[/MASK]] [ptype T] [inheritdsfield] [VERDICT]`. */
export interface SkbeditAction extends ActionCommon {
  kind: 'skbedit';
  /** `queue_mapping Q`: the transmit queue. */
  queueMapping?: number;
  /** `priority P`: skb->priority, a class handle such as `'1:10'` (or its number). */
  priority?: string | number;
  /** `mark M` or `mark M/MASK` (a number, or `'0x5/0xff'`). */
  mark?: number | string;
  /** `ptype host|broadcast|multicast|otherhost`: the packet type. */
  ptype?: 'host' | 'broadcast' | 'multicast' | 'otherhost';
  /** `inheritdsfield`: priority from the IP dsfield. */
  inheritDsfield?: boolean;
  /** The verdict (default `pipe`, as tc). */
  control?: TcControl;
}

const skbeditParms = struct<Gen>('tc_skbedit', [...tcGen]);
/** TCA_SKBEDIT_* (linux/tc_act/tc_skbedit.h): what `tc … action skbedit …` writes. */
export const skbeditAttrs = attrs<{ tm: object; parms: Gen; priority: number; queueMapping: number; mark: number; ptype: number; mask: number; flags: number }>('skbedit', {
  tm: [1, tcfT, 'TCA_SKBEDIT_TM'],
  parms: [2, skbeditParms, 'TCA_SKBEDIT_PARMS'],
  priority: [3, t.u32, 'TCA_SKBEDIT_PRIORITY'],
  queueMapping: [4, t.u16, 'TCA_SKBEDIT_QUEUE_MAPPING'],
  mark: [5, t.u32, 'TCA_SKBEDIT_MARK'],
  ptype: [7, t.u16, 'TCA_SKBEDIT_PTYPE'],
  mask: [8, t.u32, 'TCA_SKBEDIT_MASK'],
  flags: [9, t.u64, 'TCA_SKBEDIT_FLAGS'],
});
/** PACKET_* (linux/if_packet.h) by skbedit's names. */
const PTYPE = { host: 0, broadcast: 1, multicast: 2, otherhost: 3 } as const;
const PTYPE_NAMES = Object.keys(PTYPE) as (keyof typeof PTYPE)[];
/** SKBEDIT_F_INHERITDSFIELD: a bit of TCA_SKBEDIT_FLAGS. */
const SKBEDIT_F_INHERITDSFIELD = 0x20;

const markCheck = custom<{ mark: number; mask?: number }>("a mark 0..2^32-1, or 'MARK/MASK' such as '0x5/0xff'", [-1, 2 ** 32, 'x', '1/', '/1', 1.5, null], (v, path) => {
  if (typeof v === 'number') return { mark: u32(v, path) };
  if (typeof v !== 'string') throw new TypeError(`${path} must be a mark number or 'MARK/MASK', got ${show(v)}`);
  const m = /^(0x[0-9a-fA-F]+|\d+)(?:\/(0x[0-9a-fA-F]+|\d+))?$/.exec(v);
  if (!m) throw new RangeError(`${path} must be a mark such as 5, '0x5' or '0x5/0xff', got ${show(v)}`);
  const mark = Number(m[1]);
  const mask = m[2] === undefined ? undefined : Number(m[2]);
  if (mark > 0xffffffff || (mask ?? 0) > 0xffffffff) throw new RangeError(`${path}: mark and mask are 32-bit, got ${show(v)}`);
  return { mark, mask };
});
const skbeditSchema = object({
  kind: oneOf(['skbedit']),
  queueMapping: u16,
  priority: handleCheck('classid'),
  mark: markCheck,
  ptype: oneOf(PTYPE_NAMES),
  inheritDsfield: bool,
  control: controlCheck,
  index: indexCheck,
  cookie: cookieField,
});
interface SkbeditChecked {
  index?: number;
  action: number;
  queueMapping?: number;
  priority?: number;
  mark?: number;
  mask?: number;
  ptype?: number;
  flags?: number;
}
const skbedit: ActionKind<SkbeditChecked> = {
  check(o, path) {
    const v = skbeditSchema(o, path);
    const c: SkbeditChecked = { index: v.index, action: v.control ?? TC_ACT.pipe, queueMapping: v.queueMapping, priority: v.priority, mark: v.mark?.mark, mask: v.mark?.mask };
    if (v.ptype !== undefined) c.ptype = PTYPE[v.ptype as keyof typeof PTYPE];
    if (v.inheritDsfield) c.flags = SKBEDIT_F_INHERITDSFIELD;
    return c;
  },
  encode(w, c) {
    // tc's order: parms, queue_mapping, priority, mark, mask, ptype, flags
    skbeditAttrs.encodeOne(w, 'parms', { index: c.index ?? 0, action: c.action });
    if (c.queueMapping !== undefined) skbeditAttrs.encodeOne(w, 'queueMapping', c.queueMapping);
    if (c.priority !== undefined) skbeditAttrs.encodeOne(w, 'priority', c.priority);
    if (c.mark !== undefined) skbeditAttrs.encodeOne(w, 'mark', c.mark);
    if (c.mask !== undefined) skbeditAttrs.encodeOne(w, 'mask', c.mask);
    if (c.ptype !== undefined) skbeditAttrs.encodeOne(w, 'ptype', c.ptype);
    if (c.flags !== undefined) skbeditAttrs.encodeOne(w, 'flags', c.flags);
  },
  decode(b, off, end, path) {
    const raw = skbeditAttrs.decode(b, off, end, undefined, path) as Partial<{ tm: ActionListed['tm']; parms: Gen; priority: number; queueMapping: number; mark: number; ptype: number; mask: number; flags: number }>;
    const out: Record<string, unknown> = {};
    if (raw.queueMapping !== undefined) out.queueMapping = raw.queueMapping;
    if (raw.priority !== undefined) out.priority = formatHandle(raw.priority);
    if (raw.mark !== undefined) out.mark = raw.mask !== undefined ? `0x${raw.mark.toString(16)}/0x${raw.mask.toString(16)}` : raw.mark;
    if (raw.ptype !== undefined) out.ptype = PTYPE_NAMES[raw.ptype] ?? raw.ptype;
    if (raw.flags !== undefined && Number(raw.flags) & SKBEDIT_F_INHERITDSFIELD) out.inheritDsfield = true;
    if (raw.parms) genOut(out, raw.parms);
    if (raw.tm) out.tm = raw.tm;
    return out;
  },
};

// ---------------------------------------------------------------------------
// police (linux/tc_act/tc_police.h, struct tc_police in linux/pkt_cls.h)

/**
 * `action police [rate R burst B[/CELL]] [mtu M[/CELL]] [peakrate P] [overhead N]
 * [linklayer ethernet|atm] [avrate A] [conform-exceed EXCEED[/CONFORM]]`.
 */
export interface PoliceAction extends ActionCommon {
  kind: 'police';
  /** `rate R`: the token bucket's rate (bits/s, or `'1mbit'`). Needs `burst`. */
  rate?: number | string;
  /** `burst B` (`buffer`, `maxburst`): the bucket's size, optionally `'10kb/8'` with a cell size. */
  burst?: number | string;
  /** `mtu M` (`minburst`): largest packet the bucket lets through; required with `peakrate`. */
  mtu?: number | string;
  /** `mpu N`: smallest packet size accounted. */
  mpu?: number | string;
  /** `peakrate P`: a second bucket's rate (needs `rate` and `mtu`). */
  peakrate?: number | string;
  /** `overhead N`: bytes added to every packet's size. */
  overhead?: number;
  /** `linklayer ethernet|atm`. */
  linklayer?: 'ethernet' | 'atm';
  /** `avrate A`: police on the rate estimator instead (not with `rate`). */
  avrate?: number | string;
  /** `conform-exceed EXCEED[/CONFORM]`: the verdict over the limit (default `reclassify`) and, after a slash, under it. */
  conformExceed?: string;
  /** `pkts_rate N`: police packets per second instead of bytes (needs `pktsBurst`; not with `rate`). */
  pktsRate?: number;
  /** `pkts_burst N`: the packet bucket's size in packets. */
  pktsBurst?: number;
}

/** struct tc_police (linux/pkt_cls.h): not tc_gen's order. */
const policeTbf = struct<{ index: number; action: number; limit: number; burst: number; mtu: number; rate: TcRatespec; peakrate: TcRatespec; refcnt: number; bindcnt: number; capab: number }>('tc_police', [
  ['index', 'u32', 'index'],
  ['action', 's32', 'action'],
  ['limit', 'u32', 'limit'],
  ['burst', 'u32', 'burst'],
  ['mtu', 'u32', 'mtu'],
  ['rate', ratespec, 'rate'],
  ['peakrate', ratespec, 'peakrate'],
  ['refcnt', 's32', 'refcnt'],
  ['bindcnt', 's32', 'bindcnt'],
  ['capab', 'u32', 'capab'],
]);
type PoliceTbf = StructOf<typeof policeTbf>;
/** TCA_POLICE_* (linux/pkt_cls.h): what `tc … action police …` writes. */
export const policeAttrs = attrs<{ tbf: PoliceTbf; rate: Uint8Array; peakrate: Uint8Array; avrate: number; result: number; tm: object; rate64: number; peakrate64: number; pktRate64: number; pktBurst64: number }>('police', {
  tbf: [1, policeTbf, 'TCA_POLICE_TBF'],
  rate: [2, t.binary, 'TCA_POLICE_RATE'],
  peakrate: [3, t.binary, 'TCA_POLICE_PEAKRATE'],
  avrate: [4, t.u32, 'TCA_POLICE_AVRATE'],
  result: [5, t.s32, 'TCA_POLICE_RESULT'],
  tm: [6, tcfT, 'TCA_POLICE_TM'],
  rate64: [8, t.u64, 'TCA_POLICE_RATE64'],
  peakrate64: [9, t.u64, 'TCA_POLICE_PEAKRATE64'],
  pktRate64: [10, t.u64, 'TCA_POLICE_PKTRATE64'],
  pktBurst64: [11, t.u64, 'TCA_POLICE_PKTBURST64'],
}, { TCA_POLICE_PAD: 7 });

const rateField = custom<number>("a rate such as '1mbit' (or bits per second)", ['x', -1, null], (v, path) => parseRate(v, path, { positive: true }));
const sizeCell = custom<{ size: number; cellLog?: number }>("a size such as '10kb' or '10kb/8'", ['x', -1, null], (v, path) => parseSizeAndCell(v, path));
const conformExceedCheck = custom<{ exceed: number; conform?: number }>("'EXCEED' or 'EXCEED/CONFORM' verdicts such as 'drop/pass'", ['dorp', 'drop/', 1, null], (v, path) => {
  if (typeof v !== 'string') throw new TypeError(`${path} must be ${conformExceedCheck.expects}, got ${show(v)}`);
  const [e, c, more] = v.split('/');
  if (more !== undefined) throw new RangeError(`${path} must be ${conformExceedCheck.expects}, got ${show(v)}`);
  return { exceed: controlCheck(e, path), conform: c === undefined ? undefined : controlCheck(c, path) };
});
const policeSchema = object({
  kind: oneOf(['police']),
  rate: rateField,
  burst: sizeCell,
  mtu: sizeCell,
  mpu: custom<number>('a size', ['x', -1], (v, path) => parseSize(v, path)),
  peakrate: rateField,
  overhead: u16,
  linklayer: oneOf(['ethernet', 'atm']),
  avrate: custom<number>("a rate such as '1mbit'", ['x', -1], (v, path) => {
    const r = parseRate(v, path, { positive: true });
    if (r > 0xffffffff) throw new RangeError(`${path} is above 2^32-1 bytes per second (tc's avrate is 32-bit)`);
    return r;
  }),
  conformExceed: conformExceedCheck,
  pktsRate: int(1, Number.MAX_SAFE_INTEGER),
  pktsBurst: int(1, Number.MAX_SAFE_INTEGER),
  control: controlCheck,
  index: indexCheck,
  cookie: cookieField,
});
interface PoliceChecked {
  pktRate64?: number;
  pktBurst64?: number;
  index?: number;
  tbf: Partial<PoliceTbf>;
  rtab?: Buffer;
  ptab?: Buffer;
  rate64?: number;
  peakrate64?: number;
  avrate?: number;
  result?: number;
}
const police: ActionKind<PoliceChecked> = {
  check(o, path) {
    const v = policeSchema(o, path);
    if (v.control !== undefined && v.conformExceed !== undefined) throw new TypeError(`${path}: give control (the exceed verdict) or conformExceed, not both`);
    if (v.rate !== undefined && v.avrate !== undefined) throw new TypeError(`${path}: rate and avrate do not go together (a token bucket or the rate estimator)`);
    if (v.rate === undefined && v.avrate === undefined && !v.index && v.mtu === undefined && v.pktsRate === undefined) throw new TypeError(`${path}.rate is required (or avrate, mtu, pktsRate, or the index of an existing policer)`);
    if (v.pktsRate !== undefined && v.pktsBurst === undefined) throw new TypeError(`${path}.pktsBurst is required with pktsRate`);
    if (v.pktsBurst !== undefined && v.pktsRate === undefined) throw new TypeError(`${path}.pktsBurst needs pktsRate`);
    if (v.pktsRate !== undefined && v.rate !== undefined) throw new TypeError(`${path}: rate and pktsRate do not go together (one action polices bytes or packets)`);
    if (v.rate !== undefined && v.burst === undefined) throw new TypeError(`${path}.burst is required with rate (the bucket's size, such as '10kb')`);
    if (v.peakrate !== undefined && v.rate === undefined) throw new TypeError(`${path}.peakrate needs rate`);
    if (v.peakrate !== undefined && v.mtu === undefined) throw new TypeError(`${path}.mtu is required with peakrate`);
    const mtu = v.mtu?.size ?? 0;
    const linklayer = LINKLAYER[(v.linklayer ?? 'ethernet') as keyof typeof LINKLAYER];
    const exceed = v.conformExceed?.exceed ?? v.control ?? TC_ACT.reclassify;
    const c: PoliceChecked = { index: v.index, tbf: { index: v.index ?? 0, action: exceed, mtu }, avrate: v.avrate };
    if (v.conformExceed?.conform) c.result = v.conformExceed.conform;
    if (v.pktsRate !== undefined) {
      c.pktRate64 = v.pktsRate;
      c.pktBurst64 = xmitTime(v.pktsRate, v.pktsBurst!);
    }
    const common = { mtu, mpu: v.mpu ?? 0, overhead: v.overhead ?? 0, linklayer };
    if (v.rate !== undefined) {
      const r = rateTable(v.rate, { ...common, cellLog: v.burst?.cellLog });
      c.tbf.rate = r.spec;
      c.rtab = r.table;
      c.tbf.burst = xmitTime(v.rate, v.burst?.size ?? 0);
      if (v.rate >= 2 ** 32) c.rate64 = v.rate;
    }
    if (v.peakrate !== undefined) {
      const p = rateTable(v.peakrate, { ...common, cellLog: v.mtu?.cellLog });
      c.tbf.peakrate = p.spec;
      c.ptab = p.table;
      if (v.peakrate >= 2 ** 32) c.peakrate64 = v.peakrate;
    }
    return c;
  },
  encode(w, c) {
    policeAttrs.encodeOne(w, 'tbf', c.tbf as PoliceTbf);
    if (c.rtab) {
      policeAttrs.encodeBytes(w, 'rate', c.rtab);
      if (c.rate64 !== undefined) policeAttrs.encodeOne(w, 'rate64', c.rate64);
    }
    if (c.ptab) {
      policeAttrs.encodeBytes(w, 'peakrate', c.ptab);
      if (c.peakrate64 !== undefined) policeAttrs.encodeOne(w, 'peakrate64', c.peakrate64);
    }
    if (c.avrate) policeAttrs.encodeOne(w, 'avrate', c.avrate);
    if (c.result) policeAttrs.encodeOne(w, 'result', c.result);
    if (c.pktRate64 !== undefined) {
      policeAttrs.encodeOne(w, 'pktRate64', c.pktRate64);
      policeAttrs.encodeOne(w, 'pktBurst64', c.pktBurst64!);
    }
  },
  decode(b, off, end, path) {
    const raw = policeAttrs.decode(b, off, end, undefined, path) as Partial<{ tbf: PoliceTbf; avrate: number; result: number; tm: ActionListed['tm']; rate64: number; peakrate64: number; pktRate64: number; pktBurst64: number }>;
    const out: Record<string, unknown> = {};
    const p = raw.tbf;
    if (p) {
      const rate = raw.rate64 ?? p.rate.rate;
      if (rate) {
        out.rate = rate * 8;
        out.burst = xmitSize(rate, p.burst);
      }
      if (p.mtu) out.mtu = p.mtu;
      const peak = raw.peakrate64 ?? p.peakrate.rate;
      if (peak) out.peakrate = peak * 8;
      if (p.rate.mpu) out.mpu = p.rate.mpu;
      if (p.rate.overhead) out.overhead = p.rate.overhead;
      if (rate && p.rate.linklayer === LINKLAYER.atm) out.linklayer = 'atm';
      const ex = controlName(p.action);
      out.conformExceed = raw.result !== undefined ? `${ex}/${controlName(raw.result)}` : `${ex}`;
      out.index = p.index;
      out.ref = p.refcnt;
      out.bind = p.bindcnt;
    }
    if (raw.avrate) out.avrate = raw.avrate * 8;
    if (raw.pktRate64) {
      out.pktsRate = raw.pktRate64;
      out.pktsBurst = xmitSize(raw.pktRate64, raw.pktBurst64 ?? 0);
    }
    if (raw.tm) out.tm = raw.tm;
    return out;
  },
};

// ---------------------------------------------------------------------------
// vlan (linux/tc_act/tc_vlan.h)

/** `action vlan pop | push id ID [protocol 802.1q|802.1ad] [priority P] | modify id ID … [VERDICT]`. */
export interface VlanAction extends ActionCommon {
  kind: 'vlan';
  /** `pop`, `push` or `modify`. */
  vlanAction: 'pop' | 'push' | 'modify';
  /** `id ID` (0..4095): required for push and modify. */
  id?: number;
  /** `protocol 802.1q|802.1ad`. */
  protocol?: '802.1q' | '802.1ad';
  /** `priority P` (0..7). */
  priority?: number;
  /** The verdict (default `pipe`, as tc). */
  control?: TcControl;
}

const vlanParms = struct<Gen & { vAction: number }>('tc_vlan', [...tcGen, ['vAction', 's32', 'v_action']]);
/** TCA_VLAN_* (linux/tc_act/tc_vlan.h): what `tc … action vlan …` writes. */
export const vlanAttrs = attrs<{ tm: object; parms: Gen & { vAction: number }; id: number; protocol: number; priority: number }>('vlan', {
  tm: [1, tcfT, 'TCA_VLAN_TM'],
  parms: [2, vlanParms, 'TCA_VLAN_PARMS'],
  id: [3, t.u16, 'TCA_VLAN_PUSH_VLAN_ID'],
  protocol: [4, t.be16, 'TCA_VLAN_PUSH_VLAN_PROTOCOL'],
  priority: [6, t.u8, 'TCA_VLAN_PUSH_VLAN_PRIORITY'],
});
/** TCA_VLAN_ACT_*. */
const VLAN_ACT = { pop: 1, push: 2, modify: 3 } as const;
const VLAN_PROTO = { '802.1q': 0x8100, '802.1ad': 0x88a8 } as const;
const vlanSchema = object({
  kind: oneOf(['vlan']),
  vlanAction: { check: oneOf(['pop', 'push', 'modify']), required: true },
  id: int(0, 4095),
  protocol: oneOf(['802.1q', '802.1ad']),
  priority: int(0, 7),
  control: controlCheck,
  index: indexCheck,
  cookie: cookieField,
});
interface VlanChecked {
  index?: number;
  action: number;
  vAction: number;
  id?: number;
  protocol?: number;
  priority?: number;
}
const vlan: ActionKind<VlanChecked> = {
  check(o, path) {
    const v = vlanSchema(o, path);
    const act = v.vlanAction!;
    if (act === 'pop') {
      for (const f of ['id', 'protocol', 'priority'] as const) if (v[f] !== undefined) throw new TypeError(`${path}.${f} belongs to push and modify, not pop`);
    } else if (v.id === undefined) throw new TypeError(`${path}.id is required for vlan ${act} (0..4095)`);
    return { index: v.index, action: v.control ?? TC_ACT.pipe, vAction: VLAN_ACT[act as keyof typeof VLAN_ACT], id: v.id, protocol: v.protocol === undefined ? undefined : VLAN_PROTO[v.protocol as keyof typeof VLAN_PROTO], priority: v.priority };
  },
  encode(w, c) {
    vlanAttrs.encodeOne(w, 'parms', { index: c.index ?? 0, action: c.action, vAction: c.vAction });
    if (c.id !== undefined) vlanAttrs.encodeOne(w, 'id', c.id);
    if (c.protocol !== undefined) vlanAttrs.encodeOne(w, 'protocol', c.protocol);
    if (c.priority !== undefined) vlanAttrs.encodeOne(w, 'priority', c.priority);
  },
  decode(b, off, end, path) {
    const raw = vlanAttrs.decode(b, off, end, undefined, path) as Partial<{ tm: ActionListed['tm']; parms: Gen & { vAction: number }; id: number; protocol: number; priority: number }>;
    const out: Record<string, unknown> = {};
    if (raw.parms) out.vlanAction = (Object.keys(VLAN_ACT) as (keyof typeof VLAN_ACT)[]).find((k) => VLAN_ACT[k] === raw.parms!.vAction) ?? raw.parms.vAction;
    if (raw.id !== undefined) out.id = raw.id;
    if (raw.protocol !== undefined) out.protocol = raw.protocol === 0x88a8 ? '802.1ad' : raw.protocol === 0x8100 ? '802.1q' : raw.protocol;
    if (raw.priority !== undefined) out.priority = raw.priority;
    if (raw.parms) genOut(out, raw.parms);
    if (raw.tm) out.tm = raw.tm;
    return out;
  },
};

// ---------------------------------------------------------------------------
// pedit (linux/tc_act/tc_pedit.h), the classic (non-`ex`) form

/**
 * One pedit munge: `munge ip src|dst set ADDR` (`{ ip: 'src', set: '10.0.0.1' }`),
 * `munge ip tos|dsfield|ttl|protocol set N` (`{ ip: 'ttl', set: 64 }`), or
 * raw `munge offset N u32|u16|u8 set V` (`{ offset: N, u32: V }`; u32 at a
 * multiple of 4). Listed munges read back as ip src/dst or raw u32 words
 * (`{ offset, u32, mask }`, mask the bits kept).
 */
export type PeditMunge = { ip: 'src' | 'dst'; set: string } | { ip: 'tos' | 'dsfield' | 'ttl' | 'protocol'; set: number } | { offset: number; u32: number } | { offset: number; u16: number } | { offset: number; u8: number };

/** `action pedit munge …[ munge …] [VERDICT]`. */
export interface PeditAction extends ActionCommon {
  kind: 'pedit';
  /** The munges, in order (1..128). */
  munge: PeditMunge[];
  /** The verdict (default `pass`, as tc). */
  control?: TcControl;
}

const peditKey = struct<{ mask: number; val: number; off: number; at: number; offmask: number; shift: number }>('tc_pedit_key', [
  ['mask', 'be32', 'mask'],
  ['val', 'be32', 'val'],
  ['off', 'u32', 'off'],
  ['at', 'u32', 'at'],
  ['offmask', 'u32', 'offmask'],
  ['shift', 'u32', 'shift'],
]);
type PeditKey = StructOf<typeof peditKey>;
const peditSelHead = struct<Gen & { nkeys: number; flags: number }>('tc_pedit_sel', [...tcGen, ['nkeys', 'u8', 'nkeys'], ['flags', 'u8', 'flags'], ['_pad', 'pad16', 'pad']]);
interface PeditSel {
  head: StructOf<typeof peditSelHead>;
  keys: PeditKey[];
}
const peditSel = {
  min: peditSelHead.size,
  encode(w: Parameters<typeof peditSelHead.encode>[0], v: PeditSel, field: string) {
    peditSelHead.encode(w, { ...v.head, nkeys: v.keys.length }, field);
    v.keys.forEach((k, i) => peditKey.encode(w, k, `${field}.keys[${i}]`));
  },
  decode(b: Buffer, off: number, len: number): PeditSel {
    const head = peditSelHead.decode(b, off, len, '', '') as PeditSel['head'];
    const keys: PeditKey[] = [];
    for (let i = 0, p = off + peditSelHead.size; i < head.nkeys && p + peditKey.size <= off + len; i++, p += peditKey.size) keys.push(peditKey.decode(b, p, peditKey.size, '', '') as PeditKey);
    return { head, keys };
  },
};
/** TCA_PEDIT_* (linux/tc_act/tc_pedit.h): what `tc … action pedit …` writes (the classic form: TCA_PEDIT_PARMS). */
export const peditAttrs = attrs<{ tm: object; parms: PeditSel; parmsEx: PeditSel }>('pedit', {
  tm: [1, tcfT, 'TCA_PEDIT_TM'],
  parms: [2, peditSel, 'TCA_PEDIT_PARMS'],
  parmsEx: [4, peditSel, 'TCA_PEDIT_PARMS_EX'],
});

/** A sub-word set as tc's pack_key8/pack_key16: the value shifted into its 32-bit word, the mask keeping the rest. */
function packSub(value: number, off: number, bytes: 1 | 2, retain: number, path: string): PeditKey {
  const ind = off & 3;
  if (bytes === 2 && ind === 3) throw new RangeError(`${path}.offset: a u16 munge cannot start at the last byte of a word (offset ${off})`);
  const stride = 8 * (4 - bytes - ind);
  const keep = bytes === 1 ? [0x00ffffff, 0xff00ffff, 0xffff00ff, 0xffffff00][ind] : [0x0000ffff, 0xff0000ff, 0xffff0000][ind];
  const val = ((value & retain) << stride) >>> 0;
  const mask = ((((~retain) << stride) | keep) >>> 0);
  return { mask, val, off: (off & ~3) >>> 0, at: 0, offmask: 0, shift: 0 };
}
/** `munge ip FIELD set N`: the byte fields of the IPv4 header pedit names. */
const IP_BYTE = { tos: 1, dsfield: 1, ttl: 8, protocol: 9 } as const;

const mungeCheck = custom<PeditKey>("a munge such as { ip: 'src', set: '10.0.0.1' }, { ip: 'ttl', set: 64 } or { offset: 0, u32: 0x11223344 }", [{}, { ip: 'len', set: 1 }, { offset: 2, u32: 1 }, null], (v, path) => {
  if (v && typeof v === 'object' && 'ip' in v) {
    const f = (v as { ip: unknown }).ip;
    if (f === 'src' || f === 'dst') {
      const m = object({ ip: oneOf(['src', 'dst']), set: { check: custom<Buffer>('an IPv4 address', ['x', 1], (a, p) => {
        const ip = parseIp(a, p);
        if (ip.family !== 'inet') throw new TypeError(`${p} must be an IPv4 address (pedit ip munges IPv4 headers), got ${show(a)}`);
        return ip.bytes;
      }), required: true } })(v, path);
      return { mask: 0, val: m.set!.readUInt32BE(0), off: m.ip === 'src' ? 12 : 16, at: 0, offmask: 0, shift: 0 };
    }
    const m = object({ ip: { check: oneOf(['src', 'dst', 'tos', 'dsfield', 'ttl', 'protocol']), required: true }, set: { check: int(0, 0xff), required: true } })(v, path);
    return packSub(m.set!, IP_BYTE[m.ip as keyof typeof IP_BYTE], 1, 0xff, path);
  }
  const width = v && typeof v === 'object' ? (['u32', 'u16', 'u8'] as const).find((k) => k in v) : undefined;
  if (!width) throw new TypeError(`${path} must be ${mungeCheck.expects}, got ${show(v)}`);
  const max = width === 'u32' ? 0xffffffff : width === 'u16' ? 0xffff : 0xff;
  const m = object({ offset: { check: int(-0x80000000, 0x7fffffff), required: true }, [width]: { check: int(0, max), required: true } } as Record<string, any>)(v, path) as { offset: number } & Record<string, number>;
  if (width === 'u32') {
    if (m.offset % 4) throw new RangeError(`${path}.offset must be a multiple of 4 for a u32 munge, got ${m.offset}`);
    return { mask: 0, val: m.u32, off: m.offset >>> 0, at: 0, offmask: 0, shift: 0 };
  }
  return packSub(m[width], m.offset, width === 'u16' ? 2 : 1, max, path);
});
const peditSchema = object({
  kind: oneOf(['pedit']),
  munge: { check: arrayOf(mungeCheck, { min: 1, max: 128 }), required: true },
  control: controlCheck,
  index: indexCheck,
  cookie: cookieField,
});
const pedit: ActionKind<{ index?: number; action: number; keys: PeditKey[] }> = {
  check(o, path) {
    const v = peditSchema(o, path);
    return { index: v.index, action: v.control ?? TC_ACT.ok, keys: v.munge! };
  },
  encode(w, c) {
    peditAttrs.encodeOne(w, 'parms', { head: { index: c.index ?? 0, capab: 0, action: c.action, refcnt: 0, bindcnt: 0, nkeys: 0, flags: 0 }, keys: c.keys });
  },
  decode(b, off, end, path) {
    const raw = peditAttrs.decode(b, off, end, undefined, path) as Partial<{ tm: ActionListed['tm']; parms: PeditSel; parmsEx: PeditSel }>;
    const out: Record<string, unknown> = {};
    const sel = raw.parms ?? raw.parmsEx;
    if (sel) {
      out.munge = sel.keys.map((k) => {
        if (k.mask === 0 && k.at === 0 && k.offmask === 0 && (k.off === 12 || k.off === 16)) {
          const a = Buffer.alloc(4);
          a.writeUInt32BE(k.val);
          return { ip: k.off === 12 ? 'src' : 'dst', set: `${a[0]}.${a[1]}.${a[2]}.${a[3]}` };
        }
        return { offset: k.off | 0, u32: k.val, ...(k.mask ? { mask: k.mask } : {}) };
      });
      genOut(out, sel.head);
    }
    if (raw.tm) out.tm = raw.tm;
    return out;
  },
};

registerAction('skbedit', skbedit);
registerAction('police', police);
registerAction('vlan', vlan);
registerAction('pedit', pedit);
