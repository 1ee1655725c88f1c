/**
 * Traffic control's wire tables common to every kind: struct tcmsg and
 * TCA_* (linux/rtnetlink.h), the statistics (TCA_STATS2, linux/gen_stats.h),
 * the generic action attributes (TCA_ACT_*, linux/pkt_cls.h), struct
 * tcamsg, and the interface each qdisc, class, filter and action kind
 * implements (its own table, in lib/wire/tc-*.ts). Entries are written
 * `name: [id, type, 'UAPI_NAME']`.
 * @module
 */
import { attrs, struct, t, type ValueCodec, type Writer } from '../codec.js';
import type { RateSpec } from '../tcunits.js';
import type { LinkRef } from '../types.js';

/** struct tcmsg (linux/rtnetlink.h). */
export interface TcMsg {
  family: number;
  ifindex: number;
  handle: number;
  parent: number;
  /** Qdisc: refcount; class: the leaf qdisc's handle; filter: (pref << 16) | htons(protocol). */
  info: number;
}
/** The tcmsg header codec. */
export const tcmsg = struct<TcMsg>('tcmsg', [
  ['family', 'u8', 'tcm_family'],
  ['_pad1', 'pad8', 'tcm__pad1'],
  ['_pad2', 'pad16', 'tcm__pad2'],
  ['ifindex', 's32', 'tcm_ifindex'],
  ['handle', 'u32', 'tcm_handle'],
  ['parent', 'u32', 'tcm_parent'],
  ['info', 'u32', 'tcm_info'],
]);

/** struct tcamsg (linux/rtnetlink.h): the header of RTM_*ACTION messages. */
export const tcamsg = struct<{ family: number }>('tcamsg', [
  ['family', 'u8', 'tca_family'],
  ['_pad1', 'pad8', 'tca__pad1'],
  ['_pad2', 'pad16', 'tca__pad2'],
]);

/** Where a kind-specific payload lies in the buffer, until the kind is known. */
export interface Span {
  off: number;
  end: number;
}
/** A payload read as its span (TCA_OPTIONS, TCA_XSTATS: the kind decides how to read them). */
export const span: ValueCodec<Span> = {
  encode() {
    throw new Error('a kind payload is written by its kind');
  },
  decode: (_b, off, len) => ({ off, end: off + len }),
};

/** struct gnet_stats_basic: bytes and packets (12 bytes of data; the kernel sends 16 with padding). */
const statsBasic = struct<{ bytes: number; packets: number }>('gnet_stats_basic', [
  ['bytes', 'u64', 'bytes'],
  ['packets', 'u32', 'packets'],
]);
/** struct gnet_stats_rate_est. */
const rateEst = struct<{ bps: number; pps: number }>('gnet_stats_rate_est', [
  ['bps', 'u32', 'bps'],
  ['pps', 'u32', 'pps'],
]);
/** struct gnet_stats_rate_est64. */
const rateEst64 = struct<{ bps: number; pps: number }>('gnet_stats_rate_est64', [
  ['bps', 'u64', 'bps'],
  ['pps', 'u64', 'pps'],
]);
/** struct gnet_stats_queue. */
const statsQueue = struct<{ qlen: number; backlog: number; drops: number; requeues: number; overlimits: number }>('gnet_stats_queue', [
  ['qlen', 'u32', 'qlen'],
  ['backlog', 'u32', 'backlog'],
  ['drops', 'u32', 'drops'],
  ['requeues', 'u32', 'requeues'],
  ['overlimits', 'u32', 'overlimits'],
]);

/** TCA_STATS_* (linux/gen_stats.h), as decoded. */
export interface TcaStats2 {
  basic: { bytes: number; packets: number };
  rateEst: { bps: number; pps: number };
  queue: { qlen: number; backlog: number; drops: number; requeues: number; overlimits: number };
  app: Span;
  rateEst64: { bps: number; pps: number };
  basicHw: { bytes: number; packets: number };
  pkt64: number;
}
/** The TCA_STATS2 table. */
export const stats2Attrs = attrs<TcaStats2>('stats', {
  basic: [1, statsBasic, 'TCA_STATS_BASIC'],
  rateEst: [2, rateEst, 'TCA_STATS_RATE_EST'],
  queue: [3, statsQueue, 'TCA_STATS_QUEUE'],
  app: [4, span, 'TCA_STATS_APP'],
  rateEst64: [5, rateEst64, 'TCA_STATS_RATE_EST64'],
  basicHw: [7, statsBasic, 'TCA_STATS_BASIC_HW'],
  pkt64: [8, t.u64, 'TCA_STATS_PKT64'],
}, { TCA_STATS_PAD: 6 });

/** TCA_* (linux/rtnetlink.h), as decoded (kind payloads as spans). */
export interface TcaAttrs {
  kind: string;
  options: Span;
  xstats: Span;
  stats2: Partial<TcaStats2>;
  chain: number;
  hwOffload: number;
  ingressBlock: number;
  egressBlock: number;
  dumpInvisible: boolean;
  extWarnMsg: string;
}
/** The TCA_* table of qdisc, class and filter messages. */
export const tcaAttrs = attrs<TcaAttrs>('tc', {
  kind: [1, t.string, 'TCA_KIND'],
  options: [2, span, 'TCA_OPTIONS'],
  xstats: [4, span, 'TCA_XSTATS'],
  stats2: { id: 7, nest: stats2Attrs, uapi: 'TCA_STATS2' },
  dumpInvisible: [10, t.flag, 'TCA_DUMP_INVISIBLE'],
  chain: [11, t.u32, 'TCA_CHAIN'],
  hwOffload: [12, t.u8, 'TCA_HW_OFFLOAD'],
  ingressBlock: [13, t.u32, 'TCA_INGRESS_BLOCK'],
  egressBlock: [14, t.u32, 'TCA_EGRESS_BLOCK'],
  extWarnMsg: [16, t.string, 'TCA_EXT_WARN_MSG'],
}, { TCA_STATS: 3, TCA_RATE: 5, TCA_FCNT: 6, TCA_PAD: 9 }); // the old tc_stats (TCA_STATS2 has it), estimator, filter count, padding

/** TCA_ACT_* (linux/pkt_cls.h): one action of a list, as decoded. */
export interface TcaActAttrs {
  kind: string;
  options: Span;
  index: number;
  stats: Partial<TcaStats2>;
  cookie: Uint8Array;
  inHwCount: number;
}
/** The TCA_ACT_* table. */
export const actAttrs = attrs<TcaActAttrs>('action', {
  kind: [1, t.string, 'TCA_ACT_KIND'],
  options: [2, span, 'TCA_ACT_OPTIONS'],
  index: [3, t.u32, 'TCA_ACT_INDEX'],
  stats: { id: 4, nest: stats2Attrs, uapi: 'TCA_ACT_STATS' },
  cookie: [6, t.binary, 'TCA_ACT_COOKIE'],
  inHwCount: [10, t.u32, 'TCA_ACT_IN_HW_COUNT'],
}, { TCA_ACT_PAD: 5 });

/** TCA_ROOT_* (linux/rtnetlink.h): the top of RTM_*ACTION messages. */
export const actRootAttrs = attrs<{ tab: Span; flags: number; count: number; timeDelta: number }>('actions', {
  tab: [1, span, 'TCA_ACT_TAB'],
  count: [3, t.u32, 'TCA_ROOT_COUNT'],
  timeDelta: [4, t.u32, 'TCA_ROOT_TIME_DELTA'],
});
/** TCA_ROOT_FLAGS (a bitfield32) id, written by hand: TCA_ACT_FLAG_LARGE_DUMP_ON. */
export const TCA_ROOT_FLAGS = 2;

/** struct tcf_t: an action's times in jiffies (TCA_*_TM). */
export const tcfT = struct<{ install: number; lastuse: number; expires: number; firstuse: number }>('tcf_t', [
  ['install', 'u64', 'install'],
  ['lastuse', 'u64', 'lastuse'],
  ['expires', 'u64', 'expires'],
  ['firstuse', 'u64', 'firstuse'],
]);

/** struct tc_ratespec (linux/pkt_sched.h), as lib/tcunits.ts fills it. */
export type TcRatespec = RateSpec;
/** The tc_ratespec codec (12 bytes). */
export const ratespec = struct<TcRatespec>('tc_ratespec', [
  ['cellLog', 'u8', 'cell_log'],
  ['linklayer', 'u8', 'linklayer'],
  ['overhead', 'u16', 'overhead'],
  ['cellAlign', 's16', 'cell_align'],
  ['mpu', 'u16', 'mpu'],
  ['rate', 'u32', 'rate'],
]);

// ---------------------------------------------------------------------------
// The interface of a kind

/** What a kind's encoder may ask of the family: the index of a link named in its options. */
export interface TcEncodeContext {
  /** The index of a link the kind asked for in {@link TcKind.links} (resolved before anything is sent). */
  index(ref: LinkRef): number;
}

/**
 * One qdisc, class, filter or action kind: how its options are checked,
 * written into TCA_OPTIONS and read back (the same field names both ways),
 * and how its extended statistics read.
 */
export interface TcKind<C = unknown> {
  /**
   * Checks the caller's options whole (unknown fields, ranges, what belongs
   * together) and returns what {@link TcKind.encode} writes; throws a
   * TypeError/RangeError naming `path.field`. `undefined` options: the kind's defaults.
   * A filter kind also gets the filter's head (`protocol`: what `tc filter … protocol P` sets, host order).
   */
  check(options: unknown, path: string, head?: { protocol?: number }): C;
  /** Links named in the checked options (resolved to indexes before sending: a mirred target). */
  links?(checked: C): LinkRef[];
  /**
   * Writes TCA_OPTIONS (header included: some kinds send a bare struct,
   * some a nest, some nothing at all, exactly as `tc` does).
   */
  encode(w: Writer, checked: C, ctx: TcEncodeContext): void;
  /**
   * Opens what the request refers to and the kernel reads while it handles
   * it (a pinned BPF program's fd), right before the request is written;
   * returns the release, called once the kernel has answered (or the call
   * failed). The checked value then carries what was opened.
   */
  acquire?(checked: C, path: string): () => void;
  /** Reads TCA_OPTIONS' payload [off, end) into the caller's vocabulary. */
  decode?(b: Buffer, off: number, end: number, path: string): Record<string, unknown>;
  /** Reads the kind's extended statistics (TCA_XSTATS / TCA_STATS_APP). */
  xstats?(b: Buffer, off: number, end: number, path: string): Record<string, unknown>;
}

/** TCA_OPTIONS' id (what every kind's encoder opens). */
export const TCA_OPTIONS = 2;
/** TCA_ACT_OPTIONS' id (what every action kind's encoder opens, with NLA_F_NESTED as tc sets it). */
export const TCA_ACT_OPTIONS = 2;
