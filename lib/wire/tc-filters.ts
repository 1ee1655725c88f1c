/**
 * Filter (classifier) kinds (`tc filter add … KIND …`): one entry per kind
 * with its TCA_<KIND>_* table (linux/pkt_cls.h), written
 * `name: [id, type, 'UAPI_NAME']`, its action list attribute, and how its
 * filter handle is written (`800::800` for u32, a number otherwise).
 * @module
 */
import { attrs, type StructOf, struct, t, type Writer } from '../codec.js';
import { parsePrefix } from '../types.js';
import { arrayOf, bool, custom, int, isPlain, object, show, u16, u8 } from '../validate.js';
import { formatHandle, handleCheck } from '../tcunits.js';
import { actionLinks, actionsCheck, decodeActions, encodeActions, type CheckedAction } from './tc-actions.js';
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
});
const TCA_U32_ACT = 7;

/**
 * One u32 match, as `tc … u32 match …` writes it: raw
 * (`{ u32: VALUE, mask: MASK, at: OFFSET }`, likewise `u16`/`u8`; `nexthdr`
 * for offsets after the next header), or by field
 * (`{ ip: { dst: '10.0.0.0/24' } }`, `{ ip: { protocol: 17, dport: 53 } }`,
 * `{ ip6: { src: 'fd00::/64' } }`). A list returns raw u32 keys.
 */
export type U32Match =
  | { u32: number; mask: number; at: number; nexthdr?: boolean }
  | { u16: number; mask: number; at: number; nexthdr?: boolean }
  | { u8: number; mask: number; at: number; nexthdr?: boolean }
  | { ip: { src?: string; dst?: string; protocol?: number; tos?: number; sport?: number; dport?: number } }
  | { ip6: { src?: string; dst?: string; protocol?: number; sport?: number; dport?: number } };

/** `tc filter add … u32 [match …]… [classid|flowid ID] [ht ID] [link ID] [divisor N] [action …]`. */
export interface U32Options {
  /** The matches (all must hold). None: the filter matches every packet (`match u32 0 0`). */
  match?: U32Match[];
  /** `classid`/`flowid ID`: the class the packet goes to. */
  classid?: string | number;
  /** `ht ID`: the hash table the filter goes into (`'800:'` … ). */
  ht?: string | number;
  /** `link ID`: the hash table to continue in. */
  link?: string | number;
  /** `divisor N`: makes this filter a hash table of N buckets (1..256, a power of two). */
  divisor?: number;
  /** `indev DEV`: only packets that came in on this link. */
  indev?: string;
  /** `skip_sw` / `skip_hw`. */
  skipSw?: boolean;
  skipHw?: boolean;
  /** The actions run on a match (`action …`). */
  actions?: unknown[];
}

type Key = U32Sel['keys'][number];

/** A key of `bits` bits at byte `at` (as tc's pack_key: aligned into its 32-bit word). */
function packKey(keys: Key[], value: number, mask: number, at: number, bits: 8 | 16 | 32, nexthdr: boolean, path: string): void {
  const width = bits / 8;
  if ((at & (width - 1)) !== 0) throw new RangeError(`${path}.at must be a multiple of ${width} for a ${bits}-bit match, got ${at}`);
  const shift = bits === 32 ? 0 : (32 - bits - (at & 3) * 8);
  let m = bits === 32 ? mask >>> 0 : ((mask & (2 ** bits - 1)) << shift) >>> 0;
  let v = bits === 32 ? value >>> 0 : ((value & (2 ** bits - 1)) << shift) >>> 0;
  const off = at & ~3;
  v = (v & m) >>> 0;
  const offmask = nexthdr ? -1 : 0;
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
const ipFields = { src: custom('a prefix', ['x', 1], (v, p) => parsePrefix(v, p)), dst: custom('a prefix', ['x', 1], (v, p) => parsePrefix(v, p)), protocol: u8, tos: u8, sport: u16, dport: u16 };
const ipMatch = object({ ip: { check: object(ipFields), required: true } });
const ip6Match = object({ ip6: { check: object({ src: ipFields.src, dst: ipFields.dst, protocol: u8, sport: u16, dport: u16 }), required: true } });

function u32Keys(list: unknown[], path: string): Key[] {
  const keys: Key[] = [];
  list.forEach((m, i) => {
    const at = `${path}[${i}]`;
    if (!isPlain(m)) throw new TypeError(`${at} must be a match object such as { ip: { dst: '10.0.0.0/24' } } or { u32: 0, mask: 0, at: 0 }, got ${show(m)}`);
    const kind = ['u32', 'u16', 'u8', 'ip', 'ip6'].find((k) => k in m);
    if (!kind) throw new TypeError(`${at} must name what it matches: u32, u16, u8 (raw), ip or ip6`);
    if (kind === 'u32' || kind === 'u16' || kind === 'u8') {
      const r = rawMatch(kind)(m, at) as Record<string, number> & { nexthdr?: boolean };
      packKey(keys, r[kind], r.mask, r.at, Number(kind.slice(1)) as 8 | 16 | 32, !!r.nexthdr, at);
    } else if (kind === 'ip') {
      const f = ipMatch(m, at).ip!;
      if (f.tos !== undefined) packKey(keys, f.tos, 0xff, 1, 8, false, `${at}.ip.tos`);
      if (f.protocol !== undefined) packKey(keys, f.protocol, 0xff, 9, 8, false, `${at}.ip.protocol`);
      for (const [k, off] of [['src', 12], ['dst', 16]] as const) {
        const p = f[k];
        if (!p) continue;
        if (p.family !== 'inet') throw new TypeError(`${at}.ip.${k} must be an IPv4 prefix (use ip6 for IPv6)`);
        const mask = p.prefixlen ? (0xffffffff << (32 - p.prefixlen)) >>> 0 : 0;
        packKey(keys, p.bytes.readUInt32BE(0), mask, off, 32, false, `${at}.ip.${k}`);
      }
      if (f.sport !== undefined) packKey(keys, f.sport, 0xffff, 20, 16, false, `${at}.ip.sport`);
      if (f.dport !== undefined) packKey(keys, f.dport, 0xffff, 22, 16, false, `${at}.ip.dport`);
    } else {
      const f = ip6Match(m, at).ip6!;
      if (f.protocol !== undefined) packKey(keys, f.protocol, 0xff, 6, 8, false, `${at}.ip6.protocol`);
      for (const [k, base] of [['src', 8], ['dst', 24]] as const) {
        const p = f[k];
        if (!p) continue;
        if (p.family !== 'inet6') throw new TypeError(`${at}.ip6.${k} must be an IPv6 prefix (use ip for IPv4)`);
        for (let i = 0, left = p.prefixlen; i < 4 && left > 0; i++, left -= 32) {
          const bits = Math.min(32, left);
          packKey(keys, p.bytes.readUInt32BE(i * 4), bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0, base + i * 4, 32, false, `${at}.ip6.${k}`);
        }
      }
      if (f.sport !== undefined) packKey(keys, f.sport, 0xffff, 40, 16, false, `${at}.ip6.sport`);
      if (f.dport !== undefined) packKey(keys, f.dport, 0xffff, 42, 16, false, `${at}.ip6.dport`);
    }
  });
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
const u32Table = custom<number>("a u32 hash table such as '800:' (or its number)", ['x', -1, null], (v, path) => (typeof v === 'string' ? parseU32Handle(v.replace(/:$/, ''), path) || parseU32Handle(v, path) : int(0, 0xffffffff)(v, path)));

const u32Schema = object({
  match: arrayOf(custom('a match object', [], (v) => v)),
  classid: classidCheck,
  flowid: classidCheck,
  ht: u32Table,
  link: u32Table,
  divisor: custom<number>('a power of two in 1..256', [0, 3, 512, 'x'], (v, path) => {
    const n = int(1, 256)(v, path);
    if (n & (n - 1)) throw new RangeError(`${path} must be a power of two in 1..256, got ${n}`);
    return n;
  }),
  indev: custom<string>('a link name', ['', 1], (v, path) => {
    if (typeof v !== 'string' || !v) throw new TypeError(`${path} must be a link name, got ${show(v)}`);
    return v;
  }),
  skipSw: bool,
  skipHw: bool,
  actions: actionsCheck,
});

interface U32Checked {
  classid?: number;
  ht?: number;
  link?: number;
  divisor?: number;
  indev?: string;
  flags: number;
  keys?: Key[];
  actions?: CheckedAction[];
}

const u32: FilterKind<U32Checked> = {
  check(o, path) {
    const v = u32Schema(o ?? {}, path);
    if (v.classid !== undefined && v.flowid !== undefined) throw new TypeError(`${path}: give classid or flowid (the same thing), not both`);
    const c: U32Checked = { classid: v.classid ?? v.flowid, ht: v.ht, link: v.link, divisor: v.divisor, indev: v.indev, flags: (v.skipHw ? 1 : 0) | (v.skipSw ? 2 : 0), actions: v.actions };
    // a divisor makes a hash table: no selector then (tc sends none)
    if (v.divisor === undefined) c.keys = v.match?.length ? u32Keys(v.match, `${path}.match`) : [{ mask: 0, val: 0, off: 0, offmask: 0 }];
    else if (v.match?.length) throw new TypeError(`${path}: a u32 hash table (divisor) takes no match`);
    return c;
  },
  links: (c) => (c.actions ? actionLinks(c.actions) : []),
  encode(w, c, ctx) {
    optionsNest(w, () => {
      if (c.classid !== undefined) u32Attrs.encodeOne(w, 'classid', c.classid);
      if (c.divisor !== undefined) u32Attrs.encodeOne(w, 'divisor', c.divisor);
      if (c.ht !== undefined) u32Attrs.encodeOne(w, 'hash', c.ht);
      if (c.link !== undefined) u32Attrs.encodeOne(w, 'link', c.link);
      if (c.indev !== undefined) u32Attrs.encodeOne(w, 'indev', c.indev);
      if (c.flags) u32Attrs.encodeOne(w, 'flags', c.flags);
      if (c.actions) writeActionList(w, TCA_U32_ACT, c.actions, ctx);
      if (c.keys) u32Attrs.encodeOne(w, 'sel', { head: { flags: TC_U32.terminal, offshift: 0, nkeys: 0, offmask: 0, off: 0, offoff: 0, hoff: 0, hmask: 0 }, keys: c.keys });
    });
  },
  decode(b, off, end, path) {
    const raw = u32Attrs.decode(b, off, end, undefined, path) as Partial<U32Attrs>;
    const out: Record<string, unknown> = {};
    if (raw.classid !== undefined) out.classid = formatHandle(raw.classid);
    if (raw.divisor !== undefined) out.divisor = raw.divisor;
    if (raw.link !== undefined) out.link = formatU32Handle(raw.link);
    if (raw.indev !== undefined) out.indev = raw.indev;
    if (raw.flags) {
      if (raw.flags & 1) out.skipHw = true;
      if (raw.flags & 2) out.skipSw = true;
    }
    if (raw.sel) out.match = raw.sel.keys.map((k) => (k.offmask ? { u32: k.val, mask: k.mask, at: k.off, nexthdr: true } : { u32: k.val, mask: k.mask, at: k.off }));
    const acts = findAttr(b, off, end, TCA_U32_ACT);
    if (acts) out.actions = decodeActions(b, acts[0], acts[1], `${path}.actions`);
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
});
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
