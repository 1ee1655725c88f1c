/**
 * Qdisc and class kinds (`tc qdisc|class add … KIND …`): one entry per kind
 * with its TCA_<KIND>_* table or struct (linux/pkt_sched.h), written
 * `name: [id, type, 'UAPI_NAME']`. Each entry checks the caller's options,
 * writes TCA_OPTIONS exactly as `tc` does (some kinds send a bare struct,
 * some a nest, some nothing) and reads it back under the same field names.
 * Rates are bits per second, sizes bytes, times microseconds, as numbers or
 * `tc` strings ('1mbit', '64kb', '20ms').
 *
 * Kinds in their own modules register here too (`registerQdisc`), so the
 * family sees one registry.
 * @module
 */
import { attrs, type StructOf, struct, t, type Writer } from '../codec.js';
import { LINKLAYER, parseRate, parseSizeAndCell, rateTable, schedClock, xmitSize, xmitTime } from '../tcunits.js';
import { bool, custom, int, object, oneOf, show, u16, u32, type Check } from '../validate.js';
import { ratespec, TCA_OPTIONS, type TcKind, type TcRatespec } from './tc.js';

/** Where a kind can be used. */
export interface QdiscKindEntry {
  /** The qdisc kind (absent: the kind has no qdisc options of its own to write, e.g. a class-only entry). */
  qdisc?: TcKind<any>;
  /** The class kind of a classful qdisc (htb, prio…). */
  class?: TcKind<any>;
  /** Where the qdisc sits by default and its fixed handle (ingress, clsact). */
  placement?: { parent: number; handle: number };
}

/** Every qdisc kind the library writes, by `tc`'s name. Others are listed with their raw options. */
export const qdiscKinds: Record<string, QdiscKindEntry> = Object.create(null);

/** Adds a kind to the registry (modules of further kinds call this when they load). */
export function registerQdisc(name: string, entry: QdiscKindEntry): void {
  qdiscKinds[name] = entry;
}

/** Writes TCA_OPTIONS around `body` (a nest without NLA_F_NESTED, as tc's addattr_nest). */
export function optionsNest(w: Writer, body: () => void): void {
  const at = w.beginAttr(TCA_OPTIONS);
  body();
  w.endAttr(at);
}

/** A kind without options (ingress, clsact): nothing is written, anything given is refused. */
function noOptions(kind: string): TcKind<undefined> {
  return {
    check(o, path) {
      if (o !== undefined && !(typeof o === 'object' && o !== null && Object.keys(o).length === 0))
        throw new TypeError(`${path}: the ${kind} qdisc takes no options, got ${show(o)}`);
      return undefined;
    },
    encode() {},
    decode: () => ({}),
  };
}

const ratespecOut = (r: TcRatespec, rate64: number | undefined) => (rate64 ?? r.rate) * 8;
const LINKLAYER_NAMES = { 1: 'ethernet', 2: 'atm' } as Record<number, string>;

// ---------------------------------------------------------------------------
// fifo: pfifo, bfifo, pfifo_head_drop (struct tc_fifo_qopt as the whole of TCA_OPTIONS)

const fifoQopt = struct<{ limit: number }>('tc_fifo_qopt', [['limit', 'u32', 'limit']]);

/** `tc qdisc add … pfifo|bfifo|pfifo_head_drop [limit N]`: packets (pfifo) or bytes (bfifo). Default: the link's txqueuelen (× its mtu for bfifo). */
export interface FifoOptions {
  /** `limit N`: packets for pfifo/pfifo_head_drop, bytes for bfifo (a number, or a size string such as '10kb'). */
  limit?: number | string;
}

function fifo(bytes: boolean): TcKind<{ limit?: number }> {
  const schema = object({
    limit: bytes
      ? custom<number>("a size in bytes (such as 10240 or '10kb')", [-1, 'x', 1.5, null], (v, path) => parseSizeAndCell(v, path).size)
      : int(0, 0xffffffff),
  });
  return {
    check: (o, path) => schema(o ?? {}, path) as { limit?: number },
    encode(w, c) {
      // tc sends TCA_OPTIONS only when a limit is given
      if (c.limit === undefined) return;
      const at = w.beginAttr(TCA_OPTIONS);
      fifoQopt.encode(w, { limit: c.limit }, 'options');
      w.endAttr(at);
    },
    decode(b, off, end) {
      return end - off >= 4 ? fifoQopt.decode(b, off, end - off, '', '') : {};
    },
  };
}

// ---------------------------------------------------------------------------
// htb (linux/pkt_sched.h: struct tc_htb_glob, struct tc_htb_opt, TCA_HTB_*)

const htbGlob = struct<{ version: number; rate2quantum: number; defcls: number; debug: number; directPkts: number }>('tc_htb_glob', [
  ['version', 'u32', 'version'],
  ['rate2quantum', 'u32', 'rate2quantum'],
  ['defcls', 'u32', 'defcls'],
  ['debug', 'u32', 'debug'],
  ['directPkts', 'u32', 'direct_pkts'],
]);
const htbOpt = struct<{ rate: TcRatespec; ceil: TcRatespec; buffer: number; cbuffer: number; quantum: number; level: number; prio: number }>('tc_htb_opt', [
  ['rate', ratespec, 'rate'],
  ['ceil', ratespec, 'ceil'],
  ['buffer', 'u32', 'buffer'],
  ['cbuffer', 'u32', 'cbuffer'],
  ['quantum', 'u32', 'quantum'],
  ['level', 'u32', 'level'],
  ['prio', 'u32', 'prio'],
]);
const htbXstats = struct<{ lends: number; borrows: number; giants: number; tokens: number; ctokens: number }>('tc_htb_xstats', [
  ['lends', 'u32', 'lends'],
  ['borrows', 'u32', 'borrows'],
  ['giants', 'u32', 'giants'],
  ['tokens', 's32', 'tokens'],
  ['ctokens', 's32', 'ctokens'],
]);

/** TCA_HTB_* as the tables read them. */
interface HtbAttrs {
  parms: StructOf<typeof htbOpt>;
  init: StructOf<typeof htbGlob>;
  ctab: Uint8Array;
  rtab: Uint8Array;
  directQlen: number;
  rate64: number;
  ceil64: number;
  offload: boolean;
}
/** The TCA_HTB_* table. */
export const htbAttrs = attrs<HtbAttrs>('htb', {
  parms: [1, htbOpt, 'TCA_HTB_PARMS'],
  init: [2, htbGlob, 'TCA_HTB_INIT'],
  ctab: [3, t.binary, 'TCA_HTB_CTAB'],
  rtab: [4, t.binary, 'TCA_HTB_RTAB'],
  directQlen: [5, t.u32, 'TCA_HTB_DIRECT_QLEN'],
  rate64: [6, t.u64, 'TCA_HTB_RATE64'],
  ceil64: [7, t.u64, 'TCA_HTB_CEIL64'],
  offload: [9, t.flag, 'TCA_HTB_OFFLOAD'],
}, { TCA_HTB_PAD: 8 });

/** `tc qdisc add … htb [default ID] [r2q N] [direct_qlen N] [offload]`. */
export interface HtbQdiscOptions {
  /** `default ID`: the minor number of the class unclassified traffic goes to (tc writes it in hex: `default 10` is 0x10). A number, or a hex string. */
  default?: number | string;
  /** `r2q N`: the divisor that turns a class's rate into its quantum (default 10). */
  r2q?: number;
  /** `direct_qlen N`: the queue of packets sent without shaping. */
  directQlen?: number;
  /** `offload`: hardware offload. */
  offload?: boolean;
  /** Listed only: packets sent without shaping (`direct_packets_stat`). */
  directPacketsStat?: number;
}

/** `tc class add … htb rate R [ceil R] [burst B] [cburst B] [prio P] [quantum Q] [mtu M] [mpu M] [overhead O] [linklayer L]`. */
export interface HtbClassOptions {
  /** `rate R` (required): bits per second, or a string such as '1mbit'. */
  rate: number | string;
  /** `ceil R` (default: rate). */
  ceil?: number | string;
  /** `burst B`: bytes at ceil speed (default: rate / HZ + mtu); `'10kb/8'` also sets the cell. */
  burst?: number | string;
  /** `cburst B` (default: ceil / HZ + mtu). */
  cburst?: number | string;
  /** `prio P` (0..7; lower is served first). */
  prio?: number;
  /** `quantum Q` bytes (default: rate / r2q). */
  quantum?: number;
  /** `mtu M` for the rate tables (default 1600). */
  mtu?: number;
  /** `mpu M`: the least packet size counted. */
  mpu?: number;
  /** `overhead O` bytes added to every packet. */
  overhead?: number;
  /** `linklayer ethernet|atm` (default ethernet). */
  linklayer?: 'ethernet' | 'atm';
  /** Listed only: the class's depth in the tree. */
  level?: number;
}

const hexMinor: Check<number> = custom<number>("a class minor number (a number, or hex as tc writes it: '10' = 0x10)", [-1, 0x10000, 'xyz', '1:10', null, 1.5], (v, path) => {
  if (typeof v === 'number') return int(0, 0xffff)(v, path);
  if (typeof v === 'string' && /^(0x)?[0-9a-fA-F]{1,4}$/.test(v)) return parseInt(v.replace(/^0x/, ''), 16);
  throw new (typeof v === 'string' ? RangeError : TypeError)(`${path} must be ${hexMinor.expects}, got ${show(v)}`);
});
const htbQdiscSchema = object({ default: hexMinor, r2q: int(1, 0xffffffff), directQlen: u32, offload: bool, directPacketsStat: u32 });
const rateCheck = (positive: boolean): Check<number> => custom("a rate (bits per second, or a string such as '1mbit')", [-1, 'fast', '1mbitz', null, {}], (v, path) => parseRate(v, path, { positive }));
const burstCheck = custom<{ size: number; cellLog?: number }>("a size in bytes (or a string such as '15kb', '15kb/8')", [-1, 'x', '10kb/3', null], (v, path) => parseSizeAndCell(v, path));
const htbClassSchema = object({
  rate: { check: rateCheck(true), required: true },
  ceil: rateCheck(true),
  burst: burstCheck,
  cburst: burstCheck,
  prio: int(0, 7),
  quantum: u32,
  mtu: int(1, 0xffffffff),
  mpu: u16,
  overhead: u16,
  linklayer: oneOf(['ethernet', 'atm']),
  level: u32,
});

const htbQdisc: TcKind<{ glob: StructOf<typeof htbGlob>; directQlen?: number; offload?: boolean }> = {
  check(o, path) {
    const v = htbQdiscSchema(o ?? {}, path);
    return { glob: { version: 3, rate2quantum: v.r2q ?? 10, defcls: v.default ?? 0, debug: 0, directPkts: 0 }, directQlen: v.directQlen, offload: v.offload };
  },
  encode(w, c) {
    optionsNest(w, () => {
      htbAttrs.encodeOne(w, 'init', c.glob);
      if (c.directQlen !== undefined) htbAttrs.encodeOne(w, 'directQlen', c.directQlen);
      if (c.offload) htbAttrs.encodeOne(w, 'offload', true);
    });
  },
  decode(b, off, end, path) {
    const raw = htbAttrs.decode(b, off, end, undefined, path) as Partial<HtbAttrs>;
    const out: Record<string, unknown> = {};
    if (raw.init) Object.assign(out, { r2q: raw.init.rate2quantum, default: raw.init.defcls, directPacketsStat: raw.init.directPkts });
    if (raw.directQlen !== undefined) out.directQlen = raw.directQlen;
    if (raw.offload) out.offload = true;
    return out;
  },
};

interface HtbClassChecked {
  rate64: number;
  ceil64: number;
  opt: StructOf<typeof htbOpt>;
  rtab: Buffer;
  ctab: Buffer;
}
const htbClass: TcKind<HtbClassChecked> = {
  check(o, path) {
    if (o === undefined) throw new TypeError(`${path}.rate is required (an htb class needs a rate, such as '1mbit')`);
    const v = htbClassSchema(o, path);
    const rate64 = v.rate!;
    const ceil64 = v.ceil ?? rate64;
    const mtu = v.mtu ?? 1600;
    const hz = schedClock().hz;
    const linklayer = LINKLAYER[(v.linklayer ?? 'ethernet') as keyof typeof LINKLAYER];
    const buffer64 = v.burst?.size || Math.floor(rate64 / hz) + mtu;
    const cbuffer = v.cburst?.size || Math.floor(ceil64 / hz) + mtu;
    const common = { mtu, mpu: v.mpu ?? 0, overhead: v.overhead ?? 0, linklayer };
    const r = rateTable(rate64, { ...common, cellLog: v.burst?.cellLog });
    const c = rateTable(ceil64, { ...common, cellLog: v.cburst?.cellLog });
    const buffer = xmitTime(rate64, buffer64);
    if (buffer === 0xffffffff) throw new RangeError(`${path}.burst is out of range for this rate`);
    const opt = { rate: r.spec, ceil: c.spec, buffer, cbuffer: xmitTime(ceil64, cbuffer), quantum: v.quantum ?? 0, level: 0, prio: v.prio ?? 0 };
    return { rate64, ceil64, opt, rtab: r.table, ctab: c.table };
  },
  encode(w, c) {
    optionsNest(w, () => {
      if (c.rate64 >= 2 ** 32) htbAttrs.encodeOne(w, 'rate64', c.rate64);
      if (c.ceil64 >= 2 ** 32) htbAttrs.encodeOne(w, 'ceil64', c.ceil64);
      htbAttrs.encodeOne(w, 'parms', c.opt);
      htbAttrs.encodeBytes(w, 'rtab', c.rtab);
      htbAttrs.encodeBytes(w, 'ctab', c.ctab);
    });
  },
  decode(b, off, end, path) {
    const raw = htbAttrs.decode(b, off, end, undefined, path) as Partial<HtbAttrs>;
    const out: Record<string, unknown> = {};
    const p = raw.parms;
    if (p) {
      const rate = ratespecOut(p.rate, raw.rate64);
      const ceil = ratespecOut(p.ceil, raw.ceil64);
      Object.assign(out, {
        rate,
        ceil,
        burst: xmitSize(rate / 8, p.buffer),
        cburst: xmitSize(ceil / 8, p.cbuffer),
        prio: p.prio,
        quantum: p.quantum,
        level: p.level,
      });
      if (p.rate.overhead) out.overhead = p.rate.overhead;
      if (p.rate.mpu) out.mpu = p.rate.mpu;
      if (p.rate.linklayer && p.rate.linklayer !== LINKLAYER.ethernet) out.linklayer = LINKLAYER_NAMES[p.rate.linklayer] ?? p.rate.linklayer;
    }
    return out;
  },
  xstats: (b, off, end) => htbXstats.decode(b, off, end - off, '', ''),
};

registerQdisc('pfifo', { qdisc: fifo(false) });
registerQdisc('pfifo_head_drop', { qdisc: fifo(false) });
registerQdisc('bfifo', { qdisc: fifo(true) });
registerQdisc('htb', { qdisc: htbQdisc, class: htbClass });
registerQdisc('ingress', { qdisc: noOptions('ingress'), placement: { parent: 0xfffffff1, handle: 0xffff0000 } });
registerQdisc('clsact', { qdisc: noOptions('clsact'), placement: { parent: 0xfffffff1, handle: 0xffff0000 } });
