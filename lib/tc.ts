/**
 * Traffic control: `tc qdisc`, `tc class`, `tc filter` and `tc actions`
 * over RTM_{NEW,DEL,GET}{QDISC,TCLASS,TFILTER,ACTION}. Kinds live in their
 * tables (lib/wire/tc-qdiscs.ts, tc-filters.ts, tc-actions.ts); this module
 * checks the common fields (link, handles, parent, protocol, pref), resolves
 * link names, and turns kernel messages into the objects lists return.
 *
 * Every call checks its whole input before anything is sent. Handles are
 * written as `tc` writes them (`'1:'`, `'1:10'`, `'root'`, `'ingress'`) or as
 * numbers; lists return them as strings. A kernel-chosen handle (a qdisc
 * added without one, a filter without pref or handle) is returned by `add`.
 * @module
 */
import type { Decoded as Attrs, UnknownAttrs, Writer } from './codec.js';
import { NetlinkError } from './errors.js';
import { registerEvents, type EventDecoder } from './events.js';
import { NLM_F } from './protocol.js';
import { streaming, type Op, type Request } from './request.js';
import { dumpNamed, linkIndex, lookupMissing, namesFor, resolveDev, type NameSource } from './resolve.js';
import { formatHandle, parseHandle, TC_H_ROOT, type TcHandle } from './tcunits.js';
import type { LinkRef } from './types.js';
import { bool, closest, custom, int, isPlain, object, own, show, u32, type Check } from './validate.js';
import { checkSameLink, linkRefCheck } from './vocab.js';
import { RTM } from './wire/rtm.js';
import { tcaAttrs, tcmsg, type TcaAttrs, type TcEncodeContext, type TcKind, type TcMsg } from './wire/tc.js';
import { actionKinds, actionLinks, actionsCheck, parseActionsMsg, statsOf, writeActionSelectors, writeActionsMsg, type ListedAction } from './wire/tc-actions.js';
import { filterKinds, type FilterKind } from './wire/tc-filters.js';
import { qdiscKinds } from './wire/tc-qdiscs.js';
import './wire/tc-kinds.js';

export type { TcHandle } from './tcunits.js';
export type { TcControl, MirredAction, GactAction, ListedAction } from './wire/tc-actions.js';
export type { HtbQdiscOptions, HtbClassOptions, FifoOptions } from './wire/tc-qdiscs.js';
export type { NetemOptions } from './wire/tc-netem.js';
export type { TbfOptions, PrioOptions, SfqOptions, RedOptions, CodelOptions, FqCodelOptions, FqOptions, CakeOptions } from './wire/tc-sched.js';
export type { U32Options, U32Match, MatchallOptions } from './wire/tc-filters.js';
export type { NetemDistribution, NetemPercent, NetemTime } from './wire/tc-netem.js';
export type { FlowerOptions } from './wire/tc-flower.js';
export type { BpfOptions } from './wire/tc-bpf.js';
export type { PeditAction, PeditMunge, PoliceAction, SkbeditAction, VlanAction } from './wire/tc-actions-more.js';

// ---------------------------------------------------------------------------
// Shapes

/** Statistics of a qdisc, class or action (TCA_STATS2), as `tc -s -j` prints them; rates in bits/s. */
export interface TcStats {
  bytes: number;
  packets: number;
  drops: number;
  overlimits: number;
  requeues: number;
  backlog: number;
  qlen: number;
  /** Rate estimate (only with an estimator): bits per second. */
  bps?: number;
  pps?: number;
}

/** What `tc.qdisc.add` (and replace, change, link, del, get) take: `tc qdisc add dev DEV [parent ID|root|ingress|clsact] [handle ID] KIND [OPTIONS]`. */
export interface QdiscOptions {
  /** `dev DEV`: the link, by name or index. */
  dev?: LinkRef;
  /** The link's index (what `list` returns); an alternative to `dev`. */
  index?: number;
  /** The kind: `'htb'`, `'netem'`, `'tbf'`, `'pfifo'`, `'ingress'`, `'clsact'`, … */
  kind?: string;
  /** `parent ID` or `'root'` (default `'root'`; `'ingress'`/`'clsact'` for those kinds). */
  parent?: TcHandle;
  /** `handle ID` (`'1:'`; left out on add: the kernel picks one and `add` returns it). */
  handle?: TcHandle;
  /** The kind's options (`{ default: 0x10 }` for htb, `{ delay: '50ms', loss: 20 }` for netem…). */
  options?: Record<string, unknown>;
  /** `ingress_block N` (ingress/clsact: a shared filter block). */
  ingressBlock?: number;
  /** `egress_block N` (clsact). */
  egressBlock?: number;
  /** Reported by `list`; ignored on input. */
  stats?: TcStats;
  /** Reported by `list`; ignored on input. */
  xstats?: Record<string, unknown>;
  /** Reported by `list`; ignored on input. */
  refcnt?: number;
}

/** A qdisc as `tc.qdisc.list` returns it (`tc -s -j qdisc show`). */
export interface Qdisc {
  /** Attributes the kernel sent that no table of the library knows (a newer kernel's): type → payload as hex ({@link UnknownAttrs}). */
  unknown?: UnknownAttrs;
  /** The link's name, when known. */
  dev?: string;
  index: number;
  kind: string;
  /** `'1:'`, `'ffff:'`, or `'0:'` for a default qdisc without a handle. */
  handle: string;
  /** `'root'`, a class (`'1:10'`) or `'ffff:fff1'` (ingress/clsact). */
  parent: string;
  options?: Record<string, unknown>;
  stats?: TcStats;
  xstats?: Record<string, unknown>;
  refcnt?: number;
  /** `ingress_block`, `egress_block`. */
  ingressBlock?: number;
  egressBlock?: number;
  /** Offloaded to hardware. */
  offloaded?: boolean;
}

/** What `tc.class.add` (and replace, change, del, get) take: `tc class add dev DEV parent ID classid ID KIND [OPTIONS]`. */
export interface ClassOptions {
  dev?: LinkRef;
  index?: number;
  /** `parent ID`: the qdisc (`'1:'`) or the parent class (`'1:1'`). */
  parent?: TcHandle;
  /** `classid ID` (`'1:10'`): required on add. */
  classid?: TcHandle;
  kind?: string;
  options?: Record<string, unknown>;
  /** Reported by `list`; ignored on input. */
  stats?: TcStats;
  xstats?: Record<string, unknown>;
  leaf?: string;
}

/** A class as `tc.class.list` returns it (`tc -s -j class show dev DEV`). */
export interface TcClass {
  /** Attributes the kernel sent that no table of the library knows (a newer kernel's): type → payload as hex ({@link UnknownAttrs}). */
  unknown?: UnknownAttrs;
  dev?: string;
  index: number;
  kind: string;
  classid: string;
  parent: string;
  /** The handle of the qdisc attached to this class, if any. */
  leaf?: string;
  options?: Record<string, unknown>;
  stats?: TcStats;
  xstats?: Record<string, unknown>;
}

/** Ethernet protocols by `tc`'s names (`protocol ip`), ETH_P_* (linux/if_ether.h). */
export const ETH_P = {
  all: 0x0003, ip: 0x0800, arp: 0x0806, ipv6: 0x86dd, '802.1q': 0x8100, '802.1ad': 0x88a8, mpls_uc: 0x8847, mpls_mc: 0x8848, rarp: 0x8035, ipx: 0x8137, lldp: 0x88cc, '8021q': 0x8100,
} as const;
/** A protocol: a name of {@link ETH_P}, or its 16-bit number. */
export type EthProtocol = keyof typeof ETH_P | number;

/** What `tc.filter.add` (and replace, change, del, get) take: `tc filter add dev DEV parent ID|ingress|egress [protocol P] [pref N] [handle H] [chain N] KIND [OPTIONS]`. */
export interface FilterOptions {
  dev?: LinkRef;
  index?: number;
  /** `parent ID`, or `'ingress'`/`'egress'` (the clsact/ingress hooks: ffff:fff2, ffff:fff3). */
  parent?: TcHandle;
  /** `protocol P` (default `'all'`). */
  protocol?: EthProtocol;
  /** `pref N` / `prio N` (1..65535; left out on add: the kernel picks one and `add` returns it). */
  pref?: number;
  /** `handle H`: the filter's own handle (u32: `'800::800'`; others a number). */
  handle?: string | number;
  /** `chain N`. */
  chain?: number;
  kind?: string;
  /** The kind's options, with its actions in `actions`. */
  options?: Record<string, unknown>;
}

/** A filter as `tc.filter.list` returns it (`tc -j filter show dev DEV parent ID`). */
export interface Filter {
  /** Attributes the kernel sent that no table of the library knows (a newer kernel's): type → payload as hex ({@link UnknownAttrs}). */
  unknown?: UnknownAttrs;
  dev?: string;
  index: number;
  parent: string;
  protocol: EthProtocol;
  pref: number;
  kind: string;
  handle?: string | number;
  chain?: number;
  options?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------
// Common checks

const ETH_NAMES = new Map<number, EthProtocol>(Object.entries(ETH_P).filter(([k]) => k !== '8021q').map(([k, v]) => [v, k as EthProtocol]));

const protocolCheck: Check<number> = custom(`a protocol name (${Object.keys(ETH_P).join(', ')}) or number 0..65535`, ['constructor', 'ipv5', -1, 0x10000, 1.5, null], (v, path) => {
  if (typeof v === 'number') return int(0, 0xffff)(v, path);
  if (typeof v === 'string') {
    const n = own(ETH_P, v);
    if (n !== undefined) return n;
    const near = closest(v, Object.keys(ETH_P));
    throw new RangeError(`${path} must be ${protocolCheck.expects}, got ${show(v)}${near ? ` (did you mean '${near}'?)` : ''}`);
  }
  throw new TypeError(`${path} must be ${protocolCheck.expects}, got ${show(v)}`);
});

const htons = (v: number) => ((v & 0xff) << 8) | (v >> 8);

const known = (table: Record<string, unknown>) => Object.keys(table).join(', ');

const kindName = custom<string>('a kind name (such as htb)', ['', 'a\0b', 1, null], (v, path) => {
  if (typeof v !== 'string' || !v || v.includes('\0') || v.length > 15) throw new TypeError(`${path} must be a kind name (1..15 characters), got ${show(v)}`);
  return v;
});

/** The schema fields a listed object brings back (ignored on input). */
const listed = { stats: custom('statistics (as list reports them)', [], (v) => v), xstats: custom('statistics', [], (v) => v) };

const qdiscSchema = object({
  dev: linkRefCheck,
  index: int(1, 0x7fffffff),
  kind: kindName,
  parent: custom("a parent such as 'root', 'ingress' or '1:10'", ['x', -1, null], (v, p) => parseHandle(v, p, 'parent')),
  handle: custom("a handle such as '1:'", ['1:10', 'x', -1, null], (v, p) => parseHandle(v, p, 'qdisc')),
  options: custom('an options object', [], (v) => v),
  ingressBlock: int(1, 0xffffffff),
  egressBlock: int(1, 0xffffffff),
  refcnt: u32,
  offloaded: bool,
  ...listed,
});
const classSchema = object({
  dev: linkRefCheck,
  index: int(1, 0x7fffffff),
  kind: kindName,
  parent: custom("a parent such as '1:' or '1:1'", ['x', -1, null], (v, p) => parseHandle(v, p, 'parent')),
  classid: custom("a class id such as '1:10'", ['x', -1, null], (v, p) => parseHandle(v, p, 'classid')),
  options: custom('an options object', [], (v) => v),
  leaf: custom('a handle', [], (v) => v),
  ...listed,
});
const filterSchema = object({
  dev: linkRefCheck,
  index: int(1, 0x7fffffff),
  kind: kindName,
  parent: custom("a parent such as 'ingress', 'egress' or '1:'", ['x', -1, null], (v, p) => parseHandle(v, p, 'filterParent')),
  protocol: protocolCheck,
  pref: int(1, 0xffff),
  prio: int(1, 0xffff),
  handle: custom('a filter handle', [-1, null, {}], (v, p) => {
    if (typeof v === 'number') return u32(v, p);
    if (typeof v === 'string') return v;
    throw new TypeError(`${p} must be a filter handle (a number, or u32's 'HT:HASH:NODE'), got ${show(v)}`);
  }),
  chain: u32,
  options: custom('an options object', [], (v) => v),
});

/** Checks a kind's options by its entry (an unknown kind is a RangeError naming the known ones). */
function kindOf<K>(table: Record<string, K>, kind: string | undefined, what: string, path: string): K {
  if (kind === undefined) throw new TypeError(`${path}.kind is required (${known(table)})`);
  const k = own(table, kind);
  if (!k) {
    const near = closest(kind, Object.keys(table));
    throw new RangeError(`${path}.kind: unknown ${what} kind ${show(kind)}${near ? ` (did you mean '${near}'?)` : ''}; known: ${known(table)}`);
  }
  return k;
}

function checkOptions(o: unknown, path: string): Record<string, unknown> | undefined {
  if (o === undefined) return undefined;
  if (!isPlain(o)) throw new TypeError(`${path} must be a plain object of the kind's options, got ${show(o)}`);
  return o;
}

/** Resolves the links a checked kind names, then gives its encoder their indexes. */
function* contextFor(refs: readonly LinkRef[], path: string): Op<TcEncodeContext> {
  const map = new Map<LinkRef, number>();
  for (const r of refs) if (!map.has(r)) map.set(r, yield* linkIndex(r, `${path}.dev`));
  return { index: (r) => map.get(r) ?? (r as number) };
}

function* linkFor(dev: LinkRef | undefined, index: number | undefined, path: string, required = true): Op<number> {
  checkSameLink(dev, index, path);
  if (dev === undefined && index === undefined) {
    if (required) throw new TypeError(`${path}.dev is required (the link, by name or index)`);
    return 0;
  }
  const i = dev === undefined ? index! : yield* linkIndex(dev, `${path}.dev`);
  if (index !== undefined && i !== index) throw new TypeError(`${path}.dev ${show(dev)} is the link with index ${i}, but ${path}.index is ${index}`);
  return i;
}

/** Kernel refusals of tc requests name the object and its kind (extack already carries the kernel's text). */
function writeKind(w: Writer, kind: string | undefined): void {
  if (kind !== undefined) tcaAttrs.encodeOne(w, 'kind', kind, 'kind');
}

// ---------------------------------------------------------------------------
// Decoding

interface Decoded {
  h: TcMsg;
  raw: Attrs<TcaAttrs>;
}
function decodeTc(b: Buffer, off: number, end: number, path: string): Decoded {
  const h = tcmsg.header(b, off, end, path);
  const raw = tcaAttrs.decode(b, off + tcmsg.size, end, undefined, path) as Attrs<TcaAttrs>;
  return { h, raw };
}

function kindPayload(b: Buffer, kind: TcKind | undefined, raw: Attrs<TcaAttrs>, path: string): Record<string, unknown> | undefined {
  if (!raw.options) return undefined;
  const { off, end } = raw.options;
  if (kind?.decode) return kind.decode(b, off, end, `${path}.options`);
  return end > off ? { raw: Buffer.from(b.subarray(off, end)).toString('hex') } : {};
}

function xstatsOf(b: Buffer, kind: TcKind | undefined, raw: Attrs<TcaAttrs>, path: string): Record<string, unknown> | undefined {
  const s = raw.stats2?.app ?? raw.xstats;
  if (!s || !kind?.xstats || s.end <= s.off) return undefined;
  return kind.xstats(b, s.off, s.end, `${path}.xstats`);
}

function parseQdisc(b: Buffer, off: number, end: number): Qdisc | undefined {
  const { h, raw } = decodeTc(b, off, end, 'qdisc');
  const kind = raw.kind ?? '';
  const entry = own(qdiscKinds, kind);
  const q: Qdisc = { index: h.ifindex, kind, handle: formatHandle(h.handle), parent: formatHandle(h.parent) };
  if (h.handle === 0) q.handle = '0:';
  const options = kindPayload(b, entry?.qdisc, raw, 'qdisc');
  if (options) q.options = options;
  if (raw.stats2) q.stats = statsOf(raw.stats2);
  const xs = xstatsOf(b, entry?.qdisc, raw, 'qdisc');
  if (xs) q.xstats = xs;
  q.refcnt = h.info;
  if (raw.ingressBlock) q.ingressBlock = raw.ingressBlock;
  if (raw.egressBlock) q.egressBlock = raw.egressBlock;
  if (raw.hwOffload) q.offloaded = true;
  if (raw.unknown !== undefined) q.unknown = raw.unknown;
  return q;
}

function parseClass(b: Buffer, off: number, end: number): TcClass | undefined {
  const { h, raw } = decodeTc(b, off, end, 'class');
  const kind = raw.kind ?? '';
  const entry = own(qdiscKinds, kind);
  const c: TcClass = { index: h.ifindex, kind, classid: formatHandle(h.handle), parent: formatHandle(h.parent) };
  if (h.info) c.leaf = formatHandle(h.info);
  const options = kindPayload(b, entry?.class, raw, 'class');
  if (options) c.options = options;
  if (raw.stats2) c.stats = statsOf(raw.stats2);
  const xs = xstatsOf(b, entry?.class, raw, 'class');
  if (xs) c.xstats = xs;
  if (raw.unknown !== undefined) c.unknown = raw.unknown;
  return c;
}

function parseFilter(b: Buffer, off: number, end: number): Filter | undefined {
  const { h, raw } = decodeTc(b, off, end, 'filter');
  const kind = raw.kind ?? '';
  const entry = own(filterKinds, kind);
  const proto = htons(h.info & 0xffff);
  const f: Filter = { index: h.ifindex, parent: formatHandle(h.parent), protocol: ETH_NAMES.get(proto) ?? proto, pref: h.info >>> 16, kind };
  // the first message of a pref (handle 0) describes the classifier itself
  if (h.handle) f.handle = entry?.formatHandle ? entry.formatHandle(h.handle) : h.handle;
  if (raw.chain !== undefined) f.chain = raw.chain;
  const options = kindPayload(b, entry, raw, 'filter');
  if (options) f.options = options;
  if (raw.unknown !== undefined) f.unknown = raw.unknown;
  return f;
}

function nameIt(o: { index: number; dev?: string }, names: Map<number, string>): void {
  const n = names.get(o.index);
  if (n !== undefined) o.dev = n;
}
function* indexes(o: { index: number; options?: Record<string, unknown> }): Generator<number> {
  yield o.index;
}

/** Names the links inside listed actions (mirred's target) after the dump. */
function* nameActions(items: readonly { options?: Record<string, unknown> }[]): Op<void> {
  const acts: ListedAction[] = [];
  for (const it of items) if (Array.isArray(it.options?.actions)) acts.push(...(it.options.actions as ListedAction[]));
  yield* nameActionList(acts);
}
function* nameActionList(acts: readonly ListedAction[]): Op<void> {
  const withDev = acts.filter((a) => typeof a.dev === 'number');
  if (!withDev.length) return;
  const names = new Map<number, string>();
  yield* lookupMissing(withDev, names, (a) => [a.dev as number]);
  for (const a of withDev) a.dev = names.get(a.dev as number) ?? a.dev;
}

// ---------------------------------------------------------------------------
// Qdiscs

/** What every checked tc object carries: its link, its kind's entry and the kind's checked options. */
interface CheckedObject<K extends TcKind = TcKind> {
  dev?: LinkRef;
  index?: number;
  kind?: string;
  entry?: K;
  checked?: unknown;
}

interface QdiscChecked extends CheckedObject {
  parent: number;
  handle?: number;
  ingressBlock?: number;
  egressBlock?: number;
}

function checkQdisc(input: unknown, op: 'add' | 'change' | 'del' | 'get'): QdiscChecked {
  const v = qdiscSchema(input, 'qdisc');
  const c: QdiscChecked = { dev: v.dev, index: v.index, kind: v.kind, parent: v.parent ?? TC_H_ROOT, handle: v.handle, ingressBlock: v.ingressBlock, egressBlock: v.egressBlock };
  const options = checkOptions(v.options, 'qdisc.options');
  if (op === 'add' || op === 'change') {
    const e = kindOf(qdiscKinds, v.kind, 'qdisc', 'qdisc');
    if (!e.qdisc) throw new RangeError(`qdisc.kind: '${v.kind}' is a class kind only`);
    c.entry = e.qdisc;
    c.checked = e.qdisc.check(options, 'qdisc.options');
    if (e.placement) {
      if (v.parent !== undefined && v.parent !== e.placement.parent) throw new RangeError(`qdisc.parent: the ${v.kind} qdisc sits at 'ingress' (ffff:fff1), got ${formatHandle(v.parent)}`);
      if (v.handle !== undefined && v.handle !== e.placement.handle) throw new RangeError(`qdisc.handle: the ${v.kind} qdisc's handle is 'ffff:', got ${formatHandle(v.handle)}`);
      c.parent = e.placement.parent;
      c.handle = e.placement.handle;
    } else if (v.ingressBlock !== undefined || v.egressBlock !== undefined) {
      throw new TypeError(`qdisc.ingressBlock/egressBlock apply to the ingress and clsact qdiscs only`);
    }
  } else {
    if (v.options !== undefined) throw new TypeError(`qdisc.options: qdisc.${op} takes no options (the qdisc is named by dev, parent and handle)`);
    const e = v.kind === undefined ? undefined : own(qdiscKinds, v.kind);
    if (e?.placement && v.parent === undefined) {
      c.parent = e.placement.parent;
      c.handle ??= e.placement.handle;
    }
  }
  return c;
}

function* qdiscRequest(input: unknown, type: number, flags: number, op: 'add' | 'change' | 'del'): Op<{ handle: string } | void> {
  const c = checkQdisc(input, op);
  const ifindex = yield* linkFor(c.dev, c.index, 'qdisc');
  const ctx = yield* contextFor(c.entry?.links?.(c.checked) ?? [], 'qdisc.options');
  const echo = op !== 'del' && c.handle === undefined && flags & NLM_F.CREATE;
  const req: Request<Qdisc> = {
    type,
    flags: flags | (echo ? NLM_F.ECHO : 0),
    body(w) {
      tcmsg.encode(w, { family: 0, ifindex, handle: c.handle ?? 0, parent: c.parent, info: 0 }, 'qdisc');
      writeKind(w, c.kind);
      if (c.entry) c.entry.encode(w, c.checked, ctx);
      if (c.ingressBlock !== undefined) tcaAttrs.encodeOne(w, 'ingressBlock', c.ingressBlock);
      if (c.egressBlock !== undefined) tcaAttrs.encodeOne(w, 'egressBlock', c.egressBlock);
    },
    parse: (b, off, end, t) => (t === RTM.NEWQDISC ? parseQdisc(b, off, end) : undefined),
  };
  const got = (yield req) as Qdisc[];
  if (op === 'del') return;
  if (c.handle !== undefined) return { handle: formatHandle(c.handle) };
  const mine = got.find((q) => q.index === ifindex && q.parent === formatHandle(c.parent));
  return { handle: mine?.handle ?? got[0]?.handle ?? 'none' };
}

/** Filters of `tc.qdisc.list`: `tc qdisc show [dev DEV] [root|ingress|handle H|parent P] [invisible]`. */
export interface QdiscFilter {
  dev?: LinkRef;
  kind?: string;
  handle?: TcHandle;
  parent?: TcHandle;
  /** `invisible`: also the default qdiscs the kernel hides (`TCA_DUMP_INVISIBLE`). */
  invisible?: boolean;
}
const qdiscFilterSchema = object({
  dev: linkRefCheck,
  kind: kindName,
  handle: custom("a handle such as '1:'", ['x', null], (v, p) => parseHandle(v, p, 'qdisc')),
  parent: custom("a parent such as 'root'", ['x', null], (v, p) => parseHandle(v, p, 'parent')),
  invisible: bool,
});

function* qdiscDumpOp(filter: unknown): Op<{ req: Request<Qdisc>; names: NameSource }> {
  const f = qdiscFilterSchema(filter === undefined ? {} : filter, 'filter');
  const { index, names } = yield* resolveDev(f.dev, 'filter.dev');
  const req: Request<Qdisc> = {
    type: RTM.GETQDISC,
    flags: NLM_F.DUMP,
    body(w) {
      tcmsg.encode(w, { family: 0, ifindex: index ?? 0, handle: 0, parent: 0, info: 0 }, 'filter');
      if (f.invisible) tcaAttrs.encodeOne(w, 'dumpInvisible', true);
    },
    parse(b, off, end) {
      const q = parseQdisc(b, off, end);
      if (!q) return undefined;
      if (index && q.index !== index) return undefined;
      if (f.kind !== undefined && q.kind !== f.kind) return undefined;
      if (f.handle !== undefined && q.handle !== formatHandle(f.handle)) return undefined;
      if (f.parent !== undefined && q.parent !== formatHandle(f.parent)) return undefined;
      return q;
    },
  };
  return { req, names };
}

/** The qdisc operations, written once and run async or sync by a handle (`nl.tc.qdisc`). */
export const qdiscOps = {
  /**
   * Adds a qdisc. Equivalent to `tc qdisc add dev DEV [parent P|root] [handle H] KIND [OPTIONS]`.
   * Resolves with its handle (the kernel's choice when none was given).
   */
  add(options: QdiscOptions): Op<{ handle: string }> {
    return qdiscRequest(options, RTM.NEWQDISC, NLM_F.CREATE | NLM_F.EXCL, 'add') as Op<{ handle: string }>;
  },
  /** Adds or replaces the qdisc at `parent`. Equivalent to `tc qdisc replace …`. */
  replace(options: QdiscOptions): Op<{ handle: string }> {
    return qdiscRequest(options, RTM.NEWQDISC, NLM_F.CREATE | NLM_F.REPLACE, 'add') as Op<{ handle: string }>;
  },
  /** Changes an existing qdisc's options. Equivalent to `tc qdisc change …`. */
  change(options: QdiscOptions): Op<{ handle: string }> {
    return qdiscRequest(options, RTM.NEWQDISC, 0, 'change') as Op<{ handle: string }>;
  },
  /** Replaces an existing qdisc only (never creates). Equivalent to `tc qdisc link …`. */
  link(options: QdiscOptions): Op<{ handle: string }> {
    return qdiscRequest(options, RTM.NEWQDISC, NLM_F.REPLACE, 'change') as Op<{ handle: string }>;
  },
  /** Deletes a qdisc (and what hangs below it). Equivalent to `tc qdisc del dev DEV [parent P|root|ingress] [handle H] [KIND]`. */
  *del(options: QdiscOptions): Op<void> {
    yield* qdiscRequest(options, RTM.DELQDISC, 0, 'del');
  },
  /** Lists qdiscs. Equivalent to `tc -s qdisc show [dev DEV] [invisible]`. */
  *list(filter: QdiscFilter = {}): Op<Qdisc[]> {
    const { req, names } = yield* qdiscDumpOp(filter);
    return yield* dumpNamed(req, names, indexes, nameIt);
  },
  /** Streams the qdisc dump; same filters as `list`. */
  stream: streaming(function* (filter: QdiscFilter = {}): Op<Request<Qdisc>> {
    const { req, names } = yield* qdiscDumpOp(filter);
    const map = yield* namesFor(names);
    return { ...req, parse: (b: Buffer, off: number, end: number, t: number) => { const q = req.parse!(b, off, end, t); if (q) nameIt(q, map); return q; } };
  }),
  /**
   * One qdisc by link and handle (or parent), ENOENT when there is none.
   * Equivalent to `tc qdisc show dev DEV handle H` (`parent P`): read from
   * the link's dump, where the kernel reports the qdisc's real parent.
   */
  *get(options: QdiscOptions): Op<Qdisc> {
    const c = checkQdisc(options, 'get');
    const o = options as QdiscOptions;
    if (o.handle === undefined && o.parent === undefined && !c.kind) throw new TypeError("qdisc.handle or qdisc.parent is required (such as { handle: '1:' } or { parent: 'root' })");
    const ifindex = yield* linkFor(c.dev, c.index, 'qdisc');
    const { req } = yield* qdiscDumpOp({ dev: ifindex, handle: o.handle !== undefined || c.handle !== undefined ? c.handle : undefined, parent: o.parent !== undefined || o.handle === undefined ? c.parent : undefined });
    const [q] = (yield req) as Qdisc[];
    if (!q) throw new NetlinkError(-2, 'RTM_GETQDISC', {}, `no qdisc ${o.handle !== undefined ? `with handle ${formatHandle(c.handle!)}` : `at parent ${formatHandle(c.parent)}`} on the link`);
    if (typeof c.dev === 'string') q.dev = c.dev;
    else yield* nameOne(q);
    return q;
  },
};

/**
 * One object by a tc GET (class, filter): the kernel answers it only to an
 * ECHO request (else only to the multicast group), as tc sends it.
 */
function* getOne<T>(type: number, body: (w: Writer) => void, parse: (b: Buffer, off: number, end: number) => T | undefined, what: string): Op<T> {
  const [got] = (yield { type, flags: NLM_F.ECHO, body, parse } satisfies Request<T>) as T[];
  if (!got) throw new NetlinkError(-2, `RTM_GET${what === 'class' ? 'TCLASS' : 'TFILTER'}`, {}, `no such ${what}`);
  return got;
}

function* nameOne(o: { index: number; dev?: string }): Op<void> {
  const names = new Map<number, string>();
  yield* lookupMissing([o], names, (x) => [x.index]);
  nameIt(o, names);
}

// ---------------------------------------------------------------------------
// Classes

interface ClassChecked extends CheckedObject {
  parent?: number;
  classid?: number;
}
function checkClass(input: unknown, op: 'add' | 'change' | 'del' | 'get'): ClassChecked {
  const v = classSchema(input, 'class');
  const c: ClassChecked = { dev: v.dev, index: v.index, kind: v.kind, parent: v.parent, classid: v.classid };
  const options = checkOptions(v.options, 'class.options');
  if (op === 'add' || op === 'change') {
    const e = kindOf(qdiscKinds, v.kind, 'class', 'class');
    if (!e.class) throw new RangeError(`class.kind: '${v.kind}' has no classes (classful kinds: ${Object.keys(qdiscKinds).filter((k) => qdiscKinds[k].class).join(', ')})`);
    c.entry = e.class;
    c.checked = e.class.check(options, 'class.options');
    if (op === 'add' && v.classid === undefined) throw new TypeError("class.classid is required (such as '1:10')");
    if (op === 'add' && v.parent === undefined) throw new TypeError("class.parent is required: the qdisc ('1:') or parent class ('1:1') of class.classid");
  } else {
    if (v.classid === undefined) throw new TypeError("class.classid is required (such as '1:10')");
    if (v.options !== undefined) throw new TypeError(`class.options: class.${op} takes no options`);
  }
  // '1:' is the qdisc itself; a class needs its minor number ('root' stands for the top of the tree)
  if (c.classid !== undefined && c.classid !== TC_H_ROOT && (c.classid & 0xffff) === 0)
    throw new RangeError(`class.classid: a class id needs a minor number (such as '${(c.classid >>> 16).toString(16)}:10'), got ${formatHandle(c.classid)}`);
  if (c.classid !== undefined && c.parent !== undefined && c.parent !== TC_H_ROOT && c.classid >>> 16 !== c.parent >>> 16 && c.classid >>> 16)
    throw new RangeError(`class.classid ${formatHandle(c.classid)} must belong to the qdisc of class.parent ${formatHandle(c.parent)} (same major number)`);
  return c;
}

function* classRequest(input: unknown, type: number, flags: number, op: 'add' | 'change' | 'del'): Op<void> {
  const c = checkClass(input, op);
  const ifindex = yield* linkFor(c.dev, c.index, 'class');
  const ctx = yield* contextFor(c.entry?.links?.(c.checked) ?? [], 'class.options');
  yield {
    type,
    flags,
    body(w: Writer) {
      tcmsg.encode(w, { family: 0, ifindex, handle: c.classid ?? 0, parent: c.parent ?? 0, info: 0 }, 'class');
      writeKind(w, c.kind);
      if (c.entry) c.entry.encode(w, c.checked, ctx);
    },
  } satisfies Request;
}

/** Filters of `tc.class.list`: `tc class show dev DEV [parent P] [classid C]`. */
export interface ClassFilter {
  /** The link (every link when left out). */
  dev?: LinkRef;
  parent?: TcHandle;
  classid?: TcHandle;
  kind?: string;
}
const classFilterSchema = object({
  dev: linkRefCheck,
  parent: custom("a parent such as '1:'", ['x', null], (v, p) => parseHandle(v, p, 'parent')),
  classid: custom("a class id such as '1:10'", ['x', null], (v, p) => parseHandle(v, p, 'classid')),
  kind: kindName,
});

function classDump(ifindex: number, f: { parent?: number; classid?: number; kind?: string }): Request<TcClass> {
  return {
    type: RTM.GETTCLASS,
    flags: NLM_F.DUMP,
    body: (w) => tcmsg.encode(w, { family: 0, ifindex, handle: 0, parent: 0, info: 0 }, 'filter'),
    parse(b, off, end) {
      const c = parseClass(b, off, end);
      if (!c || c.index !== ifindex) return undefined;
      if (f.parent !== undefined && c.parent !== formatHandle(f.parent)) return undefined;
      if (f.classid !== undefined && c.classid !== formatHandle(f.classid)) return undefined;
      if (f.kind !== undefined && c.kind !== f.kind) return undefined;
      return c;
    },
  };
}

/** The class operations (`nl.tc.class`). */
export const classOps = {
  /** Adds a class. Equivalent to `tc class add dev DEV parent P classid C KIND [OPTIONS]`. */
  add(options: ClassOptions): Op<void> {
    return classRequest(options, RTM.NEWTCLASS, NLM_F.CREATE | NLM_F.EXCL, 'add');
  },
  /** Adds or replaces a class. Equivalent to `tc class replace …` (NLM_F_CREATE alone, as tc). */
  replace(options: ClassOptions): Op<void> {
    return classRequest(options, RTM.NEWTCLASS, NLM_F.CREATE, 'add');
  },
  /** Changes a class's options. Equivalent to `tc class change …`. */
  change(options: ClassOptions): Op<void> {
    return classRequest(options, RTM.NEWTCLASS, 0, 'change');
  },
  /** Deletes a class. Equivalent to `tc class del dev DEV classid C`. */
  del(options: ClassOptions): Op<void> {
    return classRequest(options, RTM.DELTCLASS, 0, 'del');
  },
  /** Lists classes. Equivalent to `tc -s class show dev DEV` (every link when `dev` is left out). */
  *list(filter: ClassFilter = {}): Op<TcClass[]> {
    const f = classFilterSchema(filter === undefined ? {} : filter, 'filter');
    if (f.dev !== undefined) {
      const { index, names } = yield* resolveDev(f.dev, 'filter.dev');
      return yield* dumpNamed(classDump(index!, f), names, indexes, nameIt);
    }
    const links = (yield* namesFor({ all: true })) as Map<number, string>;
    const per = (yield [...links.keys()].map((i) => classDump(i, f))) as TcClass[][];
    const out = per.flat();
    for (const c of out) nameIt(c, links);
    return out;
  },
  /** One class. Equivalent to `tc class get dev DEV classid C`. */
  *get(options: ClassOptions): Op<TcClass> {
    const c = checkClass(options, 'get');
    const ifindex = yield* linkFor(c.dev, c.index, 'class');
    const got = yield* getOne(RTM.GETTCLASS, (w) => tcmsg.encode(w, { family: 0, ifindex, handle: c.classid!, parent: c.parent ?? 0, info: 0 }, 'class'), parseClass, 'class');
    yield* nameOne(got);
    return got;
  },
};

// ---------------------------------------------------------------------------
// Filters

interface FilterChecked extends CheckedObject<FilterKind> {
  parent: number;
  protocol: number;
  pref: number;
  handle?: number;
  chain?: number;
}
function checkFilter(input: unknown, op: 'add' | 'change' | 'del' | 'get'): FilterChecked {
  const v = filterSchema(input, 'filter');
  if (v.pref !== undefined && v.prio !== undefined && v.pref !== v.prio) throw new TypeError('filter.pref and filter.prio are the same thing: give one');
  if (v.parent === undefined) throw new TypeError("filter.parent is required ('ingress', 'egress', or a qdisc/class such as '1:')");
  const c: FilterChecked = { dev: v.dev, index: v.index, kind: v.kind, parent: v.parent, protocol: v.protocol ?? (op === 'add' ? ETH_P.all : 0), pref: v.pref ?? v.prio ?? 0, chain: v.chain };
  const options = checkOptions(v.options, 'filter.options');
  const entry = op === 'add' || op === 'change' ? kindOf(filterKinds, v.kind, 'filter', 'filter') : v.kind === undefined ? undefined : own(filterKinds, v.kind);
  if (op === 'add' || op === 'change') {
    c.entry = entry;
    c.checked = entry!.check(options, 'filter.options', { protocol: c.protocol });
  } else if (v.options !== undefined) throw new TypeError(`filter.options: filter.${op} takes no options (the filter is named by parent, pref, protocol and handle)`);
  if (v.handle !== undefined) {
    if (typeof v.handle === 'string') {
      if (!entry?.parseHandle) throw new TypeError(`filter.handle: a string handle needs filter.kind 'u32' (its 'HT:HASH:NODE'); other kinds take a number`);
      c.handle = entry.parseHandle(v.handle, 'filter.handle');
    } else c.handle = v.handle;
  }
  if (op === 'del' && !c.pref) throw new TypeError('filter.pref is required to delete a filter (without it `tc filter del` deletes every filter of the parent: use tc.filter.flush for that)');
  if ((op === 'change' || op === 'get') && c.handle === undefined) throw new TypeError(`filter.handle is required for filter.${op}`);
  if ((op === 'change' || op === 'get') && !c.pref) throw new TypeError(`filter.pref is required for filter.${op}`);
  return c;
}

function writeFilterHead(w: Writer, c: FilterChecked, ifindex: number, path: string): void {
  tcmsg.encode(w, { family: 0, ifindex, handle: c.handle ?? 0, parent: c.parent, info: ((c.pref << 16) | htons(c.protocol)) >>> 0 }, path);
  // tc writes `chain N` as it reads it, always before the kind
  if (c.chain !== undefined) tcaAttrs.encodeOne(w, 'chain', c.chain);
  writeKind(w, c.kind);
}

function* filterRequest(input: unknown, type: number, flags: number, op: 'add' | 'change' | 'del'): Op<{ pref: number; handle?: string | number } | void> {
  const c = checkFilter(input, op);
  const ifindex = yield* linkFor(c.dev, c.index, 'filter');
  const ctx = yield* contextFor(c.entry?.links?.(c.checked) ?? [], 'filter.options.actions');
  const echo = op === 'add' && (!c.pref || c.handle === undefined);
  const req: Request<Filter> = {
    type,
    flags: flags | (echo ? NLM_F.ECHO : 0),
    body(w) {
      writeFilterHead(w, c, ifindex, 'filter');
      if (c.entry) c.entry.encode(w, c.checked, ctx);
    },
    parse: (b, off, end, t) => (t === RTM.NEWTFILTER ? parseFilter(b, off, end) : undefined),
  };
  // what the kernel reads while it handles the request (a pinned program's fd) is open until it answered
  const release = c.entry?.acquire?.(c.checked, 'filter.options');
  let got: Filter[];
  try {
    got = (yield req) as Filter[];
  } finally {
    release?.();
  }
  if (op === 'del') return;
  const mine = got.find((f) => f.index === ifindex) ?? got[0];
  const fmt = c.handle === undefined ? undefined : c.entry?.formatHandle ? c.entry.formatHandle(c.handle) : c.handle;
  return { pref: c.pref || mine?.pref || 0, handle: fmt ?? mine?.handle };
}

/** Filters of `tc.filter.list`: `tc filter show dev DEV parent P|ingress|egress [pref N] [protocol P] [chain N]`. */
export interface FilterFilter {
  /** The link (required: the kernel lists filters per link). */
  dev: LinkRef;
  /** The parent (default `'root'`, the root qdisc's filters). */
  parent?: TcHandle;
  pref?: number;
  protocol?: EthProtocol;
  chain?: number;
  kind?: string;
}
const filterFilterSchema = object({
  dev: { check: linkRefCheck, required: true },
  parent: custom("a parent such as 'ingress' or '1:'", ['x', null], (v, p) => parseHandle(v, p, 'filterParent')),
  pref: int(1, 0xffff),
  protocol: protocolCheck,
  chain: u32,
  kind: kindName,
});

function* filterDumpOp(filter: unknown): Op<{ req: Request<Filter>; names: NameSource }> {
  if (filter === undefined) throw new TypeError('filter.dev is required (the kernel lists filters per link): tc.filter.list({ dev, parent })');
  const f = filterFilterSchema(filter, 'filter');
  const { index, names } = yield* resolveDev(f.dev, 'filter.dev');
  const proto = f.protocol ?? 0;
  const req: Request<Filter> = {
    type: RTM.GETTFILTER,
    flags: NLM_F.DUMP,
    body(w) {
      tcmsg.encode(w, { family: 0, ifindex: index!, handle: 0, parent: f.parent ?? TC_H_ROOT, info: (((f.pref ?? 0) << 16) | htons(proto)) >>> 0 }, 'filter');
      if (f.chain !== undefined) tcaAttrs.encodeOne(w, 'chain', f.chain);
    },
    parse(b, off, end) {
      const x = parseFilter(b, off, end);
      if (!x || x.handle === undefined) return undefined; // the per-pref head message carries no filter
      if (f.kind !== undefined && x.kind !== f.kind) return undefined;
      return x;
    },
  };
  return { req, names };
}

/** The filter operations (`nl.tc.filter`). */
export const filterOps = {
  /**
   * Adds a filter. Equivalent to `tc filter add dev DEV parent P [protocol P] [pref N] [handle H] KIND [OPTIONS] [action …]`.
   * Resolves with its pref and handle (the kernel's choice when left out).
   */
  add(options: FilterOptions): Op<{ pref: number; handle?: string | number }> {
    return filterRequest(options, RTM.NEWTFILTER, NLM_F.CREATE | NLM_F.EXCL, 'add') as Op<{ pref: number; handle?: string | number }>;
  },
  /** Adds or replaces a filter. Equivalent to `tc filter replace …`. */
  replace(options: FilterOptions): Op<{ pref: number; handle?: string | number }> {
    return filterRequest(options, RTM.NEWTFILTER, NLM_F.CREATE, 'add') as Op<{ pref: number; handle?: string | number }>;
  },
  /** Changes a filter (pref and handle required). Equivalent to `tc filter change …`. */
  change(options: FilterOptions): Op<{ pref: number; handle?: string | number }> {
    return filterRequest(options, RTM.NEWTFILTER, 0, 'change') as Op<{ pref: number; handle?: string | number }>;
  },
  /** Deletes the filters of one pref (or, with `handle`, one filter). Equivalent to `tc filter del dev DEV parent P pref N [protocol P] [handle H KIND]`. */
  *del(options: FilterOptions): Op<void> {
    yield* filterRequest(options, RTM.DELTFILTER, 0, 'del');
  },
  /** Deletes every filter of a parent. Equivalent to `tc filter del dev DEV parent P` (no pref). */
  *flush(options: { dev: LinkRef; parent: TcHandle; chain?: number }): Op<void> {
    const v = object({ dev: { check: linkRefCheck, required: true }, parent: { check: custom("a parent such as 'ingress'", ['x', null], (x, p) => parseHandle(x, p, 'filterParent')), required: true }, chain: u32 })(options, 'filter');
    const ifindex = yield* linkIndex(v.dev!, 'filter.dev');
    yield {
      type: RTM.DELTFILTER,
      body(w: Writer) {
        tcmsg.encode(w, { family: 0, ifindex, handle: 0, parent: v.parent!, info: 0 }, 'filter');
        if (v.chain !== undefined) tcaAttrs.encodeOne(w, 'chain', v.chain);
      },
    } satisfies Request;
  },
  /** Lists filters. Equivalent to `tc filter show dev DEV parent P`. */
  *list(filter: FilterFilter): Op<Filter[]> {
    const { req, names } = yield* filterDumpOp(filter);
    const out = yield* dumpNamed(req, names, indexes, nameIt);
    yield* nameActions(out);
    return out;
  },
  /** One filter (pref, protocol and handle required). Equivalent to `tc filter get dev DEV parent P pref N protocol P handle H KIND`. */
  *get(options: FilterOptions): Op<Filter> {
    const c = checkFilter(options, 'get');
    const ifindex = yield* linkFor(c.dev, c.index, 'filter');
    const got = yield* getOne(RTM.GETTFILTER, (w) => writeFilterHead(w, c, ifindex, 'filter'), parseFilter, 'filter');
    yield* nameOne(got);
    yield* nameActions([got]);
    return got;
  },
};

// ---------------------------------------------------------------------------
// Actions on their own (`tc actions`)

/** What `tc.action.list` takes: `tc actions ls action KIND`. */
export interface ActionFilter {
  kind: string;
}

const actionSelector = object({ kind: { check: kindName, required: true }, index: { check: int(1, 0xffffffff), required: true } });

/** The standalone action operations (`nl.tc.action`): shared actions that filters can bind by index. */
export const actionOps = {
  /** Adds actions. Equivalent to `tc actions add action KIND … [index N] [action …]`. */
  *add(actions: unknown[]): Op<void> {
    const list = actionsCheck(actions, 'actions');
    const ctx = yield* contextFor(actionLinks(list), 'actions');
    yield { type: RTM.NEWACTION, flags: NLM_F.CREATE | NLM_F.EXCL, body: (w: Writer) => writeActionsMsg(w, list, ctx) } satisfies Request;
  },
  /** Adds or replaces actions. Equivalent to `tc actions replace …`. */
  *replace(actions: unknown[]): Op<void> {
    const list = actionsCheck(actions, 'actions');
    const ctx = yield* contextFor(actionLinks(list), 'actions');
    yield { type: RTM.NEWACTION, flags: NLM_F.CREATE | NLM_F.REPLACE, body: (w: Writer) => writeActionsMsg(w, list, ctx) } satisfies Request;
  },
  /** Deletes an action. Equivalent to `tc actions del action KIND index N`. */
  *del(action: { kind: string; index: number }): Op<void> {
    const s = actionSelector(action, 'action');
    if (!own(actionKinds, s.kind!)) throw new RangeError(`action.kind: unknown action kind ${show(s.kind)}; known: ${known(actionKinds)}`);
    yield { type: RTM.DELACTION, body: (w: Writer) => writeActionSelectors(w, [s as { kind: string; index: number }]) } satisfies Request;
  },
  /** One action. Equivalent to `tc actions get action KIND index N`. */
  *get(action: { kind: string; index: number }): Op<ListedAction> {
    const s = actionSelector(action, 'action');
    const [got] = (yield { type: RTM.GETACTION, body: (w: Writer) => writeActionSelectors(w, [s as { kind: string; index: number }]), parse: parseActionsMsg }) as ListedAction[][];
    const a = got?.[0];
    if (!a) throw new NetlinkError(-2, 'RTM_GETACTION', {}, 'no such action');
    yield* nameActionList([a]);
    return a;
  },
  /** Lists the actions of a kind. Equivalent to `tc actions ls action KIND`. */
  *list(filter: ActionFilter): Op<ListedAction[]> {
    const f = object({ kind: { check: kindName, required: true } })(filter, 'filter');
    const pages = (yield {
      type: RTM.GETACTION,
      flags: NLM_F.DUMP,
      body(w: Writer) {
        writeActionSelectors(w, [{ kind: f.kind! }], true);
      },
      parse: parseActionsMsg,
    }) as ListedAction[][];
    const out = pages.flat();
    yield* nameActionList(out);
    return out;
  },
};

// Notifications decode exactly like the lists (events.ts, read by monitor.ts).
registerEvents('qdisc', RTM.NEWQDISC, RTM.DELQDISC, ((b, off, end) => parseQdisc(b, off, end)) as EventDecoder);
registerEvents('class', RTM.NEWTCLASS, RTM.DELTCLASS, ((b, off, end) => parseClass(b, off, end)) as EventDecoder);
registerEvents('filter', RTM.NEWTFILTER, RTM.DELTFILTER, ((b, off, end) => parseFilter(b, off, end)) as EventDecoder);
registerEvents('action', RTM.NEWACTION, RTM.DELACTION, ((b, off, end) => ({ actions: parseActionsMsg(b, off, end) })) as EventDecoder);


/** The schemas of the tc calls' arguments (for the property test of the validation layer). */
export const tcSchemas = {
  /** `tc.qdisc.*` (path `qdisc`). */
  qdisc: qdiscSchema,
  /** `tc.class.*` (path `class`). */
  class: classSchema,
  /** `tc.filter.*` (path `filter`). */
  filter: filterSchema,
  /** `tc.qdisc.list` / `stream` (path `filter`). */
  qdiscFilter: qdiscFilterSchema,
  /** `tc.class.list` (path `filter`). */
  classFilter: classFilterSchema,
  /** `tc.filter.list` (path `filter`). */
  filterFilter: filterFilterSchema,
};
