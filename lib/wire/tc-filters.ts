/**
 * Filter (classifier) kinds (`tc filter add … KIND …`): one entry per kind
 * with its TCA_<KIND>_* table (linux/pkt_cls.h), written
 * `name: [id, type, 'UAPI_NAME']`, its action list attribute, and how its
 * filter handle is written (`800::800` for u32, a number otherwise).
 * @module
 */
import { attrs, type StructOf, struct, t, type Writer } from '../codec.js';
import { parsePrefix } from '../types.js';
import { arrayOf, bool, closest, custom, int, isPlain, object, show, u16, u8 } from '../validate.js';
import { formatHandle, handleCheck } from '../tcunits.js';
import { actionKinds, actionLinks, actionsCheck, checkAction, decodeActions, encodeActions, type CheckedAction } from './tc-actions.js';
import { TCA_OPTIONS, type TcKind } from './tc.js';

/** A filter kind: a {@link TcKind} plus how its handles are written. */
export interface FilterKind<C = unknown> extends TcKind<C> {
  /** Parses a filter handle given as a string (`'800::800'` for u32). Default: a number. */
  parseHandle?(v: string, path: string): number;
  /** Formats a handle for lists. Default: the number. */
  formatHandle?(h: number): string | number;
}

/** Every filter kind the library writes, by `tc`'s name. Others are listed with their raw options. */
export const filterKinds: Record<string, FilterKind<any>> = Object.create(null);

/** Adds a kind to the registry (modules of further kinds call this when they load). */
export function registerFilter(name: string, kind: FilterKind<any>): void {
  filterKinds[name] = kind;
}

/** Writes TCA_OPTIONS around `body` (a nest without NLA_F_NESTED, as tc). */
function optionsNest(w: Writer, body: () => void): void {
  const at = w.beginAttr(TCA_OPTIONS);
  body();
  w.endAttr(at);
}

/** Writes an action list attribute `id` (TCA_<KIND>_ACT). */
export function writeActionList(w: Writer, id: number, list: readonly CheckedAction[], ctx: Parameters<TcKind['encode']>[2]): void {
  const at = w.beginAttr(id);
  encodeActions(w, list, ctx);
  w.endAttr(at);
}

const classidCheck = handleCheck('classid');

/**
 * A filter's own policer (`tc filter … u32 … police rate R burst B …`, the
 * older form of `action police`): the police action's options without `kind`.
 */
export const filterPoliceCheck = custom<CheckedAction>("police options such as { rate: '1mbit', burst: '10k' }", [null, 1, 'x'], (v, path) => {
  if (!isPlain(v)) throw new TypeError(`${path} must be police options such as { rate: '1mbit', burst: '10k' }, got ${show(v)}`);
  if (!actionKinds.police) throw new TypeError(`${path}: the police kind is not loaded`);
  if ('kind' in v || 'cookie' in v) throw new TypeError(`${path} takes the police options only (no kind or cookie)`);
  return checkAction({ ...v, kind: 'police' }, path);
});

/** Writes a filter's policer nest `id` (TCA_<KIND>_POLICE: the police attributes, no NLA_F_NESTED, as tc). */
export function writePolice(w: Writer, id: number, p: CheckedAction, ctx: Parameters<TcKind['encode']>[2]): void {
  const at = w.beginAttr(id);
  p.spec.encode(w, p.checked, ctx);
  w.endAttr(at);
}

/** Reads a filter's policer nest [off, end) as the police options (without the listed fields). */
export function decodePolice(b: Buffer, off: number, end: number, path: string): Record<string, unknown> {
  const out = actionKinds.police?.decode?.(b, off, end, path) ?? {};
  for (const k of ['ref', 'bind', 'tm']) delete out[k];
  if (out.index === 0) delete out.index;
  return out;
}

// ---------------------------------------------------------------------------
// u32 (struct tc_u32_sel, TCA_U32_*)

const u32Key = struct<{ mask: number; val: number; off: number; offmask: number }>('tc_u32_key', [
  ['mask', 'be32', 'mask'],
  ['val', 'be32', 'val'],
  ['off', 's32', 'off'],
  ['offmask', 's32', 'offmask'],
]);
/** struct tc_u32_sel without its keys (they follow it: `nkeys` × tc_u32_key). */
const u32SelHead = struct<{ flags: number; offshift: number; nkeys: number; offmask: number; off: number; offoff: number; hoff: number; hmask: number }>('tc_u32_sel', [
  ['flags', 'u8', 'flags'],
  ['offshift', 'u8', 'offshift'],
  ['nkeys', 'u8', 'nkeys'],
  ['_pad', 'pad8', 'pad'],
  ['offmask', 'be16', 'offmask'],
  ['off', 'u16', 'off'],
  ['offoff', 's16', 'offoff'],
  ['hoff', 's16', 'hoff'],
  ['hmask', 'be32', 'hmask'],
]);
/** TC_U32_* selector flags. */
const TC_U32 = { terminal: 1, offset: 2, varoffset: 4, eat: 8 } as const;

/** A selector: its head and keys, as one value codec. */
interface U32Sel {
  head: StructOf<typeof u32SelHead>;
  keys: (StructOf<typeof u32Key>)[];
}
const u32Sel = {
  min: u32SelHead.size,
  encode(w: Writer, v: U32Sel, field: string) {
    u32SelHead.encode(w, { ...v.head, nkeys: v.keys.length }, field);
    v.keys.forEach((k, i) => u32Key.encode(w, k, `${field}.keys[${i}]`));
  },
  decode(b: Buffer, off: number, len: number): U32Sel {
    const head = u32SelHead.decode(b, off, len, '', '') as U32Sel['head'];
    const keys: U32Sel['keys'] = [];
    for (let i = 0, p = off + u32SelHead.size; i < head.nkeys && p + u32Key.size <= off + len; i++, p += u32Key.size) keys.push(u32Key.decode(b, p, u32Key.size, '', '') as U32Sel['keys'][number]);
    return { head, keys };
  },
};

/** TCA_U32_* (linux/pkt_cls.h). */
interface U32Attrs {
  classid: number;
  hash: number;
  link: number;
  divisor: number;
  sel: U32Sel;
  indev: string;
  flags: number;
}
/** The TCA_U32_* table (TCA_U32_ACT is written by the action list encoder). */
export const u32Attrs = attrs<U32Attrs>('u32', {
  classid: [1, t.u32, 'TCA_U32_CLASSID'],
  hash: [2, t.u32, 'TCA_U32_HASH'],
  link: [3, t.u32, 'TCA_U32_LINK'],
  divisor: [4, t.u32, 'TCA_U32_DIVISOR'],
  sel: [5, u32Sel, 'TCA_U32_SEL'],
  indev: [8, t.string, 'TCA_U32_INDEV'],
  flags: [11, t.u32, 'TCA_U32_FLAGS'],
}, { TCA_U32_PAD: 12 });
const TCA_U32_ACT = 7;
const TCA_U32_POLICE = 6;

/**
 * A field value of a u32 match: the value (all of the field's bits), or
 * `[value, mask]` (tc's `match ip sport 80 0xffff`).
 */
export type U32Field = number | [value: number, mask: number];

/**
 * One u32 match, as `tc … u32 match …` writes it: raw
 * (`{ u32: VALUE, mask: MASK, at: OFFSET }`, likewise `u16`/`u8`; `nexthdr`
 * for `at nexthdr+OFFSET`), or by field: `ip` (src, dst, tos/dsfield, ihl,
 * protocol, sport, dport, icmpType, icmpCode), `ip6` (src, dst, priority,
 * protocol, flowlabel, sport, dport, icmpType, icmpCode), and after the
 * next header `tcp`/`udp` (src, dst) and `icmp` (type, code). Decoded
 * filters list their raw u32 keys.
 */
export type U32Match =
  | { u32: number; mask: number; at: number; nexthdr?: boolean }
  | { u16: number; mask: number; at: number; nexthdr?: boolean }
  | { u8: number; mask: number; at: number; nexthdr?: boolean }
  | { ip: { src?: string; dst?: string; tos?: U32Field; dsfield?: U32Field; ihl?: U32Field; protocol?: U32Field; sport?: U32Field; dport?: U32Field; icmpType?: U32Field; icmpCode?: U32Field } }
  | { ip6: { src?: string; dst?: string; priority?: U32Field; protocol?: U32Field; flowlabel?: U32Field; sport?: U32Field; dport?: U32Field; icmpType?: U32Field; icmpCode?: U32Field } }
  | { tcp: { src?: U32Field; dst?: U32Field } }
  | { udp: { src?: U32Field; dst?: U32Field } }
  | { icmp: { type?: U32Field; code?: U32Field } };

/**
 * `tc filter add … u32 [match …]… [offset plus N at N mask M shift N eat]
 * [hashkey mask M at N] [classid|flowid ID] [divisor N] [link ID] [ht ID]
 * [sample MATCH [divisor N]] [indev DEV] [skip_sw|skip_hw] [action …]`.
 * Attributes go out in tc's order: classid, divisor, link, indev and the
 * actions as given, then the hash table, the selector and the flags.
 */
export interface U32Options {
  /** The matches (all must hold). None: the filter matches every packet (`match u32 0 0`). */
  match?: U32Match[];
  /** `classid`/`flowid ID`: the class the packet goes to. */
  classid?: string | number;
  flowid?: string | number;
  /** `ht ID`: the hash table the filter goes into (`'800:'`, `'1:'`; with `sample`, its bucket is computed). */
  ht?: string | number;
  /** `link ID`: the hash table to continue in (a table: `'1:'`). */
  link?: string | number;
  /** `divisor N`: makes this filter a hash table of N buckets (1..256, a power of two). */
  divisor?: number;
  /** `hashkey mask M at N`: the word (N a multiple of 4) and mask that pick the bucket of `link`. */
  hashkey?: { mask: number; at?: number };
  /** `sample MATCH [divisor N]`: put the filter in the bucket MATCH hashes to (one key; default divisor 256). */
  sample?: U32Match & { divisor?: number };
  /** `offset plus N at N mask M shift N eat`: where the next header starts (for `nexthdr` matches and `link`). */
  offset?: { plus?: number; at?: number; mask?: number; shift?: number; eat?: boolean };
  /** `indev DEV`: only packets that came in on this link. */
  indev?: string;
  /** `skip_sw` / `skip_hw`. */
  skipSw?: boolean;
  skipHw?: boolean;
  /** The actions run on a match (`action …`). */
  actions?: unknown[];
  /** `police …`: the filter's own policer (the police action's options). */
  police?: Record<string, unknown>;
}

type Key = U32Sel['keys'][number];

/** A key of `bits` bits at byte `at` (as tc's pack_key: aligned into its 32-bit word). */
function packKey(keys: Key[], value: number, mask: number, at: number, bits: 8 | 16 | 32, offmask: number, path: string): void {
  const width = bits / 8;
  if ((at & (width - 1)) !== 0) throw new RangeError(`${path}.at must be a multiple of ${width} for a ${bits}-bit match, got ${at}`);
  const shift = bits === 32 ? 0 : (32 - bits - (at & 3) * 8);
  let m = bits === 32 ? mask >>> 0 : ((mask & (2 ** bits - 1)) << shift) >>> 0;
  let v = bits === 32 ? value >>> 0 : ((value & (2 ** bits - 1)) << shift) >>> 0;
  const off = at & ~3;
  v = (v & m) >>> 0;
  // tc merges keys on the same word
  const same = keys.find((k) => k.off === off && k.offmask === offmask);
  if (same) {
    if (((same.val ^ v) & same.mask & m) !== 0) throw new RangeError(`${path} contradicts an earlier match on the same word`);
    same.val = (same.val | v) >>> 0;
    same.mask = (same.mask | m) >>> 0;
    return;
  }
  keys.push({ mask: m, val: v, off, offmask });
}

const word = custom<number>('an integer 0..2^32-1', [-1, 2 ** 32, 1.5, 'x', null], (v, path) => int(0, 0xffffffff)(v, path));
const rawMatch = (bits: 'u32' | 'u16' | 'u8') => object({ [bits]: { check: word, required: true }, mask: { check: word, required: true }, at: { check: int(-0x80000000, 0x7fffffff), required: true }, nexthdr: bool } as Record<string, any>);
/** A field of `bits` bits: a value, or [value, mask]. */
const field = (bits: number) => {
  const max = 2 ** bits - 1;
  return custom<[number, number]>(`a value 0..${max} or [value, mask]`, [-1, max + 1, 'x', [1], [1, max + 1], null], (v, path) => {
    if (Array.isArray(v)) {
      if (v.length !== 2) throw new TypeError(`${path} must be a value or [value, mask], got ${show(v)}`);
      return [int(0, max)(v[0], `${path}[0]`), int(0, max)(v[1], `${path}[1]`)];
    }
    return [int(0, max)(v, path), max];
  });
};
const prefix = custom('a prefix', ['x', 1], (v, p) => parsePrefix(v, p));
const ipMatch = object({ ip: { check: object({ src: prefix, dst: prefix, tos: field(8), dsfield: field(8), ihl: field(8), protocol: field(8), sport: field(16), dport: field(16), icmpType: field(8), icmpCode: field(8) }), required: true } });
const ip6Match = object({ ip6: { check: object({ src: prefix, dst: prefix, priority: field(8), protocol: field(8), flowlabel: field(32), sport: field(16), dport: field(16), icmpType: field(8), icmpCode: field(8) }), required: true } });
const l4Match = (name: 'tcp' | 'udp') => object({ [name]: { check: object({ src: field(16), dst: field(16) }), required: true } } as Record<string, any>);
const icmpMatch = object({ icmp: { check: object({ type: field(8), code: field(8) }), required: true } });
const MATCH_KINDS = ['u32', 'u16', 'u8', 'ip', 'ip6', 'tcp', 'udp', 'icmp'];

/** Packs one match object's keys (tc's parse_selector). */
function u32Match(keys: Key[], m: unknown, at: string): void {
  if (!isPlain(m)) throw new TypeError(`${at} must be a match object such as { ip: { dst: '10.0.0.0/24' } } or { u32: 0, mask: 0, at: 0 }, got ${show(m)}`);
  const kind = MATCH_KINDS.find((k) => k in m);
  if (!kind) {
    const near = closest(Object.keys(m)[0] ?? '', MATCH_KINDS);
    throw new TypeError(`${at} must name what it matches: u32, u16, u8 (raw), ip, ip6, tcp, udp or icmp${near ? ` (did you mean '${near}'?)` : ''}`);
  }
  const f8 = (v: [number, number] | undefined, off: number, p: string, offmask = 0) => v && packKey(keys, v[0], v[1], off, 8, offmask, p);
  const f16 = (v: [number, number] | undefined, off: number, p: string, offmask = 0) => v && packKey(keys, v[0], v[1], off, 16, offmask, p);
  if (kind === 'u32' || kind === 'u16' || kind === 'u8') {
    const r = rawMatch(kind)(m, at) as Record<string, number> & { nexthdr?: boolean };
    packKey(keys, r[kind], r.mask, r.at, Number(kind.slice(1)) as 8 | 16 | 32, r.nexthdr ? -1 : 0, at);
  } else if (kind === 'ip') {
    const f = ipMatch(m, at).ip!;
    const p = `${at}.ip`;
    if (f.tos && f.dsfield) throw new TypeError(`${p}: tos and dsfield are the same byte: give one`);
    for (const [k, off] of [['src', 12], ['dst', 16]] as const) {
      const x = f[k];
      if (!x) continue;
      if (x.family !== 'inet') throw new TypeError(`${p}.${k} must be an IPv4 prefix (use ip6 for IPv6)`);
      packKey(keys, x.bytes.readUInt32BE(0), x.prefixlen ? (0xffffffff << (32 - x.prefixlen)) >>> 0 : 0, off, 32, 0, `${p}.${k}`);
    }
    f8(f.tos ?? f.dsfield, 1, `${p}.${f.tos ? 'tos' : 'dsfield'}`);
    f8(f.ihl, 0, `${p}.ihl`);
    f8(f.protocol, 9, `${p}.protocol`);
    f16(f.dport, 22, `${p}.dport`);
    f16(f.sport, 20, `${p}.sport`);
    f8(f.icmpType, 20, `${p}.icmpType`);
    f8(f.icmpCode, 21, `${p}.icmpCode`);
  } else if (kind === 'ip6') {
    const f = ip6Match(m, at).ip6!;
    const p = `${at}.ip6`;
    for (const [k, base] of [['src', 8], ['dst', 24]] as const) {
      const x = f[k];
      if (!x) continue;
      if (x.family !== 'inet6') throw new TypeError(`${p}.${k} must be an IPv6 prefix (use ip for IPv4)`);
      // tc writes one key per 32 bits the prefix covers (none for /0)
      const n = Math.ceil(x.prefixlen / 32);
      for (let i = 0, left = x.prefixlen; i < n; i++, left -= 32) {
        const bits = Math.max(0, Math.min(32, left));
        packKey(keys, x.bytes.readUInt32BE(i * 4), bits === 32 ? 0xffffffff : bits ? (0xffffffff << (32 - bits)) >>> 0 : 0, base + i * 4, 32, 0, `${p}.${k}`);
      }
    }
    // traffic class: bits 4..11 of the first word
    if (f.priority) packKey(keys, (f.priority[0] << 20) >>> 0, (f.priority[1] << 20) >>> 0, 0, 32, 0, `${p}.priority`);
    f8(f.protocol, 6, `${p}.protocol`);
    if (f.flowlabel) packKey(keys, f.flowlabel[0], f.flowlabel[1], 0, 32, 0, `${p}.flowlabel`);
    f16(f.dport, 42, `${p}.dport`);
    f16(f.sport, 40, `${p}.sport`);
    f8(f.icmpType, 40, `${p}.icmpType`);
    // tc 6.1 writes ip6 icmp_code with offmask 1 (its bytes are the reference)
    f8(f.icmpCode, 41, `${p}.icmpCode`, 1);
  } else if (kind === 'tcp' || kind === 'udp') {
    const f = l4Match(kind)(m, at)[kind] as { src?: [number, number]; dst?: [number, number] };
    f16(f.src, 0, `${at}.${kind}.src`, -1);
    f16(f.dst, 2, `${at}.${kind}.dst`, -1);
  } else {
    const f = icmpMatch(m, at).icmp!;
    f8(f.type, 0, `${at}.icmp.type`, -1);
    f8(f.code, 1, `${at}.icmp.code`, -1);
  }
}

function u32Keys(list: unknown[], path: string): Key[] {
  const keys: Key[] = [];
  list.forEach((m, i) => u32Match(keys, m, `${path}[${i}]`));
  return keys;
}

/** u32 handles: `htid:hash:node` in hex (`800::800`), as `tc` writes them. */
function parseU32Handle(v: string, path: string): number {
  const m = /^([0-9a-fA-F]{0,3}):([0-9a-fA-F]{0,2}):?([0-9a-fA-F]{0,3})$/.exec(v) ?? /^([0-9a-fA-F]{1,3})::?([0-9a-fA-F]{0,3})$/.exec(v);
  if (!m) throw new RangeError(`${path} must be a u32 handle 'HT:HASH:NODE' in hex (such as '800::800'), got ${show(v)}`);
  const [ht, hash, node] = m.length === 4 ? [m[1], m[2], m[3]] : [m[1], '', m[2]];
  return ((parseInt(ht || '0', 16) << 20) | (parseInt(hash || '0', 16) << 12) | parseInt(node || '0', 16)) >>> 0;
}
function formatU32Handle(h: number): string {
  const ht = h >>> 20;
  const hash = (h >>> 12) & 0xff;
  const node = h & 0xfff;
  // as tc's sprint_u32_handle: '800:' (a table), '800:1' (a bucket), '800::800', '800:1:5'
  if (!hash && !node) return `${ht.toString(16)}:`;
  return `${ht.toString(16)}:${hash ? hash.toString(16) : ''}${node ? `:${node.toString(16)}` : ''}`;
}
/** A u32 table or bucket: `'1:'` (table 1), `'1:2:'` (its bucket 2), or the number. */
const u32Table = custom<number>("a u32 hash table such as '800:' or '1:' (or its number)", ['x', -1, null, '1:2:3:4'], (v, path) => {
  if (typeof v !== 'string') return int(0, 0xffffffff)(v, path);
  if (/^[0-9a-fA-F]{1,3}:$/.test(v)) return (parseInt(v, 16) << 20) >>> 0;
  return parseU32Handle(v, path);
});

const divisorCheck = custom<number>('a power of two in 1..256', [0, 3, 512, 'x'], (v, path) => {
  const n = int(1, 256)(v, path);
  if (n & (n - 1)) throw new RangeError(`${path} must be a power of two in 1..256, got ${n}`);
  return n;
});
const u32Schema = object({
  match: arrayOf(custom('a match object', [], (v) => v)),
  classid: classidCheck,
  flowid: classidCheck,
  ht: u32Table,
  link: u32Table,
  divisor: divisorCheck,
  hashkey: object({ mask: { check: word, required: true }, at: custom<number>('a multiple of 4', [2, 'x', 1.5], (v, p) => {
    const n = int(-0x8000, 0x7fff)(v, p);
    if (n % 4) throw new RangeError(`${p} must be a multiple of 4, got ${n}`);
    return n;
  }) }),
  sample: custom('a match object with an optional divisor', [], (v) => v),
  offset: object({ plus: int(-0x8000, 0xffff), at: custom<number>('an even offset', [1, 'x'], (v, p) => {
    const n = int(-0x8000, 0x7fff)(v, p);
    if (n % 2) throw new RangeError(`${p} must be even (offset at), got ${n}`);
    return n;
  }), mask: u16, shift: u8, eat: bool }),
  indev: custom<string>('a link name', ['', 1], (v, path) => {
    if (typeof v !== 'string' || !v) throw new TypeError(`${path} must be a link name, got ${show(v)}`);
    return v;
  }),
  skipSw: bool,
  skipHw: bool,
  actions: actionsCheck,
  police: filterPoliceCheck,
});

/** An attribute tc writes while it reads the options, in their order. */
type U32Item = { name: 'classid' | 'divisor' | 'link'; v: number } | { name: 'indev'; v: string } | { name: 'actions' | 'police'; v: CheckedAction[] };

interface U32Checked {
  items: U32Item[];
  hash?: number;
  flags: number;
  sel?: U32Sel;
  actions?: CheckedAction[];
  /** A table (`divisor`) or a bucket (`ht` with node bits) given: what the handle must agree with. */
  hasNode?: boolean;
}

const TC_U32_NODE = (h: number) => h & 0xfff;

const u32: FilterKind<U32Checked> = {
  check(o, path) {
    const v = u32Schema(o ?? {}, path);
    if (v.classid !== undefined && v.flowid !== undefined) throw new TypeError(`${path}: give classid or flowid (the same thing), not both`);
    if (v.skipSw && v.skipHw) throw new TypeError(`${path}: skipSw and skipHw exclude each other`);
    if (v.link !== undefined && TC_U32_NODE(v.link)) throw new RangeError(`${path}.link must be a hash table (such as '1:'), not a filter handle`);
    if (v.ht !== undefined && TC_U32_NODE(v.ht)) throw new RangeError(`${path}.ht must be a hash table or bucket (such as '1:' or '1:2:'), not a filter handle`);
    const items: U32Item[] = [];
    for (const k of Object.keys(v)) {
      if ((k === 'classid' || k === 'flowid') && v[k] !== undefined) items.push({ name: 'classid', v: v[k]! });
      else if ((k === 'divisor' || k === 'link') && v[k] !== undefined) items.push({ name: k, v: v[k]! });
      else if (k === 'indev' && v.indev !== undefined) items.push({ name: 'indev', v: v.indev });
      else if (k === 'actions' && v.actions !== undefined) items.push({ name: 'actions', v: v.actions });
      else if (k === 'police' && v.police !== undefined) items.push({ name: 'police', v: [v.police] });
    }
    // the hash table: `ht` gives the table (and bucket), `sample` computes the bucket
    let hash = v.ht !== undefined ? (v.ht & 0xfffff000) >>> 0 : 0;
    if (v.sample !== undefined) {
      const s = v.sample as Record<string, unknown>;
      if (!isPlain(s)) throw new TypeError(`${path}.sample must be a match object such as { ip: { src: '10.0.0.0/24' }, divisor: 256 }, got ${show(s)}`);
      const { divisor, ...m } = s;
      const div = divisor === undefined ? 256 : divisorCheck(divisor, `${path}.sample.divisor`);
      const keys: Key[] = [];
      u32Match(keys, m, `${path}.sample`);
      if (keys.length !== 1) throw new TypeError(`${path}.sample must make exactly one key (one 32-bit word), got ${keys.length}`);
      const k = keys[0];
      const fshift = k.mask ? 31 - Math.clz32(k.mask & -k.mask) : 0;
      const fold = ((k.val & k.mask) >>> 0) >>> fshift;
      hash = (((fold % div) << 12) | (hash & 0xfff00000)) >>> 0;
    }
    const c: U32Checked = { items, hash: hash || undefined, flags: (v.skipHw ? 1 : 0) | (v.skipSw ? 2 : 0), actions: v.actions };
    if (v.divisor !== undefined) {
      // a hash table: tc sends no selector
      for (const f of ['match', 'hashkey', 'offset', 'sample'] as const) if (v[f] !== undefined) throw new TypeError(`${path}: a u32 hash table (divisor) takes no ${f}`);
      return c;
    }
    const head = { flags: 0, offshift: 0, nkeys: 0, offmask: 0, off: 0, offoff: 0, hoff: 0, hmask: 0 };
    if (v.classid !== undefined || v.flowid !== undefined || v.actions || v.police) head.flags |= TC_U32.terminal;
    if (v.hashkey) {
      head.hmask = v.hashkey.mask!;
      head.hoff = v.hashkey.at ?? 0;
    }
    const off = v.offset;
    if (off) {
      if (off.plus !== undefined) {
        head.off = off.plus & 0xffff;
        head.flags |= TC_U32.offset;
      }
      if (off.at !== undefined) {
        head.offoff = off.at;
        head.flags |= TC_U32.varoffset;
      }
      if (off.mask !== undefined) {
        head.offmask = off.mask;
        head.flags |= TC_U32.varoffset;
      }
      if (off.shift !== undefined) {
        head.offshift = off.shift;
        head.flags |= TC_U32.varoffset;
      }
      if (off.eat) head.flags |= TC_U32.eat;
    }
    const keys = v.match?.length ? u32Keys(v.match, `${path}.match`) : [{ mask: 0, val: 0, off: 0, offmask: 0 }];
    c.sel = { head, keys };
    return c;
  },
  links: (c) => (c.actions ? actionLinks(c.actions) : []),
  encode(w, c, ctx) {
    optionsNest(w, () => {
      for (const it of c.items) {
        if (it.name === 'actions') writeActionList(w, TCA_U32_ACT, it.v, ctx);
        else if (it.name === 'police') writePolice(w, TCA_U32_POLICE, it.v[0], ctx);
        else if (it.name === 'indev') u32Attrs.encodeOne(w, 'indev', it.v);
        else u32Attrs.encodeOne(w, it.name, it.v);
      }
      if (c.hash !== undefined) u32Attrs.encodeOne(w, 'hash', c.hash);
      if (c.sel) u32Attrs.encodeOne(w, 'sel', c.sel);
      if (c.flags) u32Attrs.encodeOne(w, 'flags', c.flags);
    });
  },
  decode(b, off, end, path) {
    const raw = u32Attrs.decode(b, off, end, undefined, path) as Partial<U32Attrs>;
    const out: Record<string, unknown> = {};
    if (raw.classid !== undefined) out.classid = formatHandle(raw.classid);
    if (raw.divisor !== undefined) out.divisor = raw.divisor;
    if (raw.link !== undefined) out.link = formatU32Handle(raw.link);
    if (raw.hash !== undefined) out.ht = formatU32Handle(raw.hash);
    if (raw.indev !== undefined) out.indev = raw.indev;
    if (raw.flags) {
      if (raw.flags & 1) out.skipHw = true;
      if (raw.flags & 2) out.skipSw = true;
    }
    if (raw.sel) {
      const h = raw.sel.head;
      out.match = raw.sel.keys.map((k) => (k.offmask ? { u32: k.val, mask: k.mask, at: k.off, nexthdr: true } : { u32: k.val, mask: k.mask, at: k.off }));
      if (h.hmask) out.hashkey = { mask: h.hmask, at: h.hoff };
      if (h.flags & (TC_U32.offset | TC_U32.varoffset | TC_U32.eat)) {
        const o: Record<string, unknown> = {};
        if (h.flags & TC_U32.offset) o.plus = h.off;
        if (h.flags & TC_U32.varoffset) Object.assign(o, { at: h.offoff, mask: h.offmask, shift: h.offshift });
        if (h.flags & TC_U32.eat) o.eat = true;
        out.offset = o;
      }
    }
    const acts = findAttr(b, off, end, TCA_U32_ACT);
    if (acts) out.actions = decodeActions(b, acts[0], acts[1], `${path}.actions`);
    const pol = findAttr(b, off, end, TCA_U32_POLICE);
    if (pol) out.police = decodePolice(b, pol[0], pol[1], `${path}.police`);
    return out;
  },
  parseHandle: parseU32Handle,
  formatHandle: formatU32Handle,
};

/** The payload span of the first attribute `id` in [off, end), if any. */
export function findAttr(b: Buffer, off: number, end: number, id: number): [number, number] | undefined {
  while (end - off >= 4) {
    const len = b.readUInt16LE(off);
    if (len < 4 || len > end - off) return undefined;
    if ((b.readUInt16LE(off + 2) & 0x3fff) === id) return [off + 4, off + len];
    off += (len + 3) & ~3;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// matchall (TCA_MATCHALL_*)

/** TCA_MATCHALL_*. */
export const matchallAttrs = attrs<{ classid: number; flags: number }>('matchall', {
  classid: [1, t.u32, 'TCA_MATCHALL_CLASSID'],
  flags: [3, t.u32, 'TCA_MATCHALL_FLAGS'],
}, { TCA_MATCHALL_PAD: 5 });
const TCA_MATCHALL_ACT = 2;

/** `tc filter add … matchall [classid ID] [skip_sw|skip_hw] [action …]`. */
export interface MatchallOptions {
  classid?: string | number;
  skipSw?: boolean;
  skipHw?: boolean;
  actions?: unknown[];
}
const matchallSchema = object({ classid: classidCheck, flowid: classidCheck, skipSw: bool, skipHw: bool, actions: actionsCheck });
const matchall: FilterKind<{ classid?: number; flags: number; actions?: CheckedAction[] }> = {
  check(o, path) {
    const v = matchallSchema(o ?? {}, path);
    return { classid: v.classid ?? v.flowid, flags: (v.skipHw ? 1 : 0) | (v.skipSw ? 2 : 0), actions: v.actions };
  },
  links: (c) => (c.actions ? actionLinks(c.actions) : []),
  encode(w, c, ctx) {
    optionsNest(w, () => {
      if (c.actions) writeActionList(w, TCA_MATCHALL_ACT, c.actions, ctx);
      if (c.classid !== undefined) matchallAttrs.encodeOne(w, 'classid', c.classid);
      if (c.flags) matchallAttrs.encodeOne(w, 'flags', c.flags);
    });
  },
  decode(b, off, end, path) {
    const raw = matchallAttrs.decode(b, off, end, undefined, path) as Partial<{ classid: number; flags: number }>;
    const out: Record<string, unknown> = {};
    if (raw.classid !== undefined) out.classid = formatHandle(raw.classid);
    if (raw.flags) {
      if (raw.flags & 1) out.skipHw = true;
      if (raw.flags & 2) out.skipSw = true;
    }
    const acts = findAttr(b, off, end, TCA_MATCHALL_ACT);
    if (acts) out.actions = decodeActions(b, acts[0], acts[1], `${path}.actions`);
    return out;
  },
};

registerFilter('u32', u32);
registerFilter('matchall', matchall);
