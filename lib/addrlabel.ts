/**
 * IPv6 address labels (RFC 6724 source/destination selection policy):
 * `ip addrlabel add|del|list|flush` over RTM_NEWADDRLABEL/RTM_DELADDRLABEL/
 * RTM_GETADDRLABEL (linux/if_addrlabel.h). The kernel keeps labels for IPv6
 * prefixes only (an IPv4 address is `::ffff:a.b.c.d/…`).
 *
 * Every call checks its whole input first (the schemas below): nothing is
 * sent for a wrong input, and `flush` needs a selector or `all: true`.
 * @module
 */
import type { Decoded, UnknownAttrs, Writer } from './codec.js';
import { NetlinkError } from './errors.js';
import { NLM_F } from './protocol.js';
import { type Op, type Request } from './request.js';
import { dumpNamed, resolveDev } from './resolve.js';
import { AF, parseIp, type LinkRef } from './types.js';
import { custom, int, object, show, type Snapshot } from './validate.js';
import { allCheck, linkOf, linkRefCheck, prefixCheck, requireSelector, type CheckedPrefix } from './vocab.js';
import { addrlabelAttrs, ifaddrlblmsg, type IfAddrLblMsg, type IfalAttrs } from './wire/addrlabel.js';
import { RTM } from './wire/rtm.js';

/** What `addrlabel.add`/`del` take: `ip addrlabel add|del prefix PREFIX label N [dev DEV]`. */
export interface AddrlabelOptions {
  /** `prefix PREFIX` — an IPv6 prefix (a bare address is a /128). */
  prefix: string;
  /** `label N` (0..2^32-2; 2^32-1 is the kernel's "no label"). Required by del too: the kernel checks it. */
  label: number;
  /** `dev DEV` — the label applies on that link only. */
  dev?: LinkRef;
}

/** A label as `addrlabel.list` returns it (`ip -j addrlabel list`). */
export interface Addrlabel {
  /** Attributes the kernel sent that no table of the library knows (a newer kernel's): type → payload as hex ({@link UnknownAttrs}). */
  unknown?: UnknownAttrs;
  /** The prefix, always with its length (`'::1/128'`). */
  prefix: string;
  label: number;
  /** The link it is limited to (its name; its index when the name was not found). */
  dev?: string | number;
}

/** Filters of `addrlabel.list` (checked in the library: the kernel dumps every label). */
export interface AddrlabelFilter {
  /** Labels of this exact prefix. */
  prefix?: string;
  /** Labels with this number. */
  label?: number;
  /** Labels limited to this link. */
  dev?: LinkRef;
}

/** What `addrlabel.flush` takes: a filter, or `{ all: true }` for every label (`ip addrlabel flush`, the kernel's defaults included). */
export interface AddrlabelFlushFilter extends AddrlabelFilter {
  all?: true;
}

// ---------------------------------------------------------------------------
// Input

const v6prefix = prefixCheck();
/**
 * The kinds of address the kernel gives a narrower rule (ip6addrlbl_alloc):
 * IPv4-mapped (`::ffff:a.b.c.d`) and IPv4-compatible (`::a.b.c.d`) prefixes
 * at most /96, the loopback address `::1` only as /128.
 */
function embeddedRule(b: Uint8Array): 'mapped' | 'compat' | 'loopback' | undefined {
  for (let i = 0; i < 10; i++) if (b[i]) return undefined;
  if (b[10] === 0xff && b[11] === 0xff) return 'mapped';
  if (b[10] || b[11]) return undefined;
  const last = ((b[12] << 24) | (b[13] << 16) | (b[14] << 8) | b[15]) >>> 0;
  return last === 0 ? undefined : last === 1 ? 'loopback' : 'compat';
}

const prefix = custom<CheckedPrefix>('an IPv6 prefix such as "2001:db8::/32" (address labels are IPv6 only; IPv4 is ::ffff:a.b.c.d/…)', [...v6prefix.wrong, '10.0.0.0/8', '::ffff:10.0.0.0/104', '::1/64'], (v, path) => {
  const p = v6prefix(v, path);
  if (p.family !== 'inet6') throw new TypeError(`${path} must be an IPv6 prefix (address labels are IPv6 only; write IPv4 as ::ffff:${p.address}/${96 + p.prefixlen}), got ${show(v)}`);
  const kind = embeddedRule(p.bytes);
  if ((kind === 'mapped' || kind === 'compat') && p.prefixlen > 96)
    throw new RangeError(`${path}: an IPv4-${kind === 'mapped' ? 'mapped' : 'compatible'} prefix is at most /96 to the kernel (the label covers the whole IPv4 space there), got ${show(v)}`);
  if (kind === 'loopback' && p.prefixlen !== 128) throw new RangeError(`${path}: the loopback address ::1 is labelled as ::1/128 only (the kernel's rule), got ${show(v)}`);
  return p;
});
const label = int(0, 0xfffffffe);

const labelFields = { prefix: { check: prefix, required: true }, label: { check: label, required: true }, dev: linkRefCheck };
const filterFields = { prefix, label, dev: linkRefCheck };

/** The schemas the addrlabel calls apply to their input (the property test corrupts their fields). */
export const addrlabelSchemas = {
  /** `addrlabel.add` / `del` (path `addrlabel`). */
  addrlabel: object(labelFields, { what: 'an address label { prefix, label, dev }' }),
  /** `addrlabel.list` (path `filter`). */
  filter: object(filterFields),
  /** `addrlabel.flush` (path `filter`). */
  flushFilter: object({ ...filterFields, all: allCheck }),
};

/** Writes a label as `ip addrlabel` does: the header, then label, then address. */
function writeLabel(w: Writer, h: IfAddrLblMsg, a: { label: number; address: Uint8Array }): void {
  ifaddrlblmsg.encode(w, h, 'addrlabel');
  addrlabelAttrs.encodeOne(w, 'label', a.label);
  addrlabelAttrs.encodeBytes(w, 'address', a.address);
}

/** Writes a label as the kernel dumped it (header with its ifal_seq; address, then label), as `ip addrlabel flush` sends it back. */
function writeListed(w: Writer, l: Listed): void {
  ifaddrlblmsg.encode(w, l.h, 'addrlabel');
  addrlabelAttrs.encodeBytes(w, 'address', l.raw.address);
  addrlabelAttrs.encodeOne(w, 'label', l.raw.label);
}

function* modify(input: unknown, type: number, flags: number): Op<void> {
  const o = addrlabelSchemas.addrlabel(input, 'addrlabel');
  const index = (yield* linkOf(o.dev, undefined, 'addrlabel')) ?? 0;
  const p = o.prefix!;
  yield { type, flags, body: (w: Writer) => writeLabel(w, { family: AF.INET6, prefixlen: p.prefixlen, flags: 0, index, seq: 0 }, { label: o.label!, address: p.bytes }) } satisfies Request;
}

// ---------------------------------------------------------------------------
// Output

interface Listed {
  label: Addrlabel;
  h: IfAddrLblMsg;
  raw: { label: number; address: Buffer };
}

function decode(b: Buffer, off: number, end: number): Listed | undefined {
  const h = ifaddrlblmsg.header(b, off, end, 'addrlabel');
  if (h.family !== AF.INET6) return undefined;
  const a = addrlabelAttrs.decode(b, off + ifaddrlblmsg.size, end, undefined, 'addrlabel') as Decoded<IfalAttrs>;
  if (a.address === undefined || a.label === undefined) return undefined;
  const l: Addrlabel = { prefix: `${a.address}/${h.prefixlen}`, label: a.label };
  if (h.index) l.dev = h.index;
  if (a.unknown !== undefined) l.unknown = a.unknown;
  return { label: l, h, raw: { label: a.label, address: Buffer.from(parseIp(a.address, 'addrlabel.address').bytes) } };
}

/** Decodes one RTM_NEWADDRLABEL payload (`dev` as the link's index). */
export function parseAddrlabel(b: Buffer, off: number, end: number): Addrlabel | undefined {
  return decode(b, off, end)?.label;
}

interface Compiled {
  prefix?: CheckedPrefix;
  label?: number;
  index?: number;
}

function labelDump(c: Compiled): Request<Listed> {
  return {
    type: RTM.GETADDRLABEL,
    flags: NLM_F.DUMP,
    body: (w) => ifaddrlblmsg.encode(w, { family: AF.INET6, prefixlen: 0, flags: 0, index: 0, seq: 0 }, 'filter'),
    parse(b, off, end) {
      const l = decode(b, off, end);
      if (!l) return undefined;
      if (c.label !== undefined && l.label.label !== c.label) return undefined;
      if (c.index !== undefined && l.h.index !== c.index) return undefined;
      if (c.prefix && (l.h.prefixlen !== c.prefix.prefixlen || Buffer.compare(l.raw.address, Buffer.from(c.prefix.bytes)) !== 0)) return undefined;
      return l;
    },
  };
}

function* listed(f: Snapshot<typeof filterFields>): Op<Listed[]> {
  const { index, names } = yield* resolveDev(f.dev, 'filter.dev');
  return yield* dumpNamed(
    labelDump({ prefix: f.prefix, label: f.label, index }),
    names,
    (l) => l.h.index,
    (l, map) => {
      if (typeof l.label.dev === 'number') l.label.dev = map.get(l.label.dev) ?? l.label.dev;
    },
  );
}

/** The address label operations, written once and run async or sync by a handle. */
export const addrlabelOps = {
  /** Adds a label. Equivalent to `ip addrlabel add prefix PREFIX label N [dev DEV]`; EEXIST when that prefix (on that link) has one. */
  add(options: AddrlabelOptions): Op<void> {
    return modify(options, RTM.NEWADDRLABEL, NLM_F.CREATE | NLM_F.EXCL);
  },

  /**
   * Deletes a label. Equivalent to `ip addrlabel del prefix PREFIX label N
   * [dev DEV]` (the label is required, as the kernel requires it); an object
   * that `list` returned deletes that label. ESRCH when there is none.
   */
  del(options: AddrlabelOptions): Op<void> {
    return modify(options, RTM.DELADDRLABEL, 0);
  },

  /** Lists the labels, most specific prefix first. Equivalent to `ip addrlabel list`. */
  *list(filter: AddrlabelFilter = {}): Op<Addrlabel[]> {
    return ((yield* listed(addrlabelSchemas.filter(filter, 'filter'))) as Listed[]).map((l) => l.label);
  },

  /**
   * Deletes the labels that match; resolves with how many went. `{ all: true }`
   * is `ip addrlabel flush`: every label, the kernel's default policy
   * included (it is not restored). Each label is deleted exactly as listed.
   */
  *flush(filter: AddrlabelFlushFilter): Op<number> {
    requireSelector(filter, 'addrlabel', '{ dev: "eth0" } or { all: true }', (f) => Object.keys(f).some((k) => f[k] !== undefined));
    const { all: _all, ...f } = addrlabelSchemas.flushFilter(filter, 'filter');
    const found = (yield* listed(f)) as Listed[];
    if (!found.length) return 0;
    try {
      yield found.map((l): Request => ({ type: RTM.DELADDRLABEL, body: (w: Writer) => writeListed(w, l) }));
    } catch (e) {
      if (!(e instanceof NetlinkError) || e.code !== 'ESRCH') throw e;
    }
    return found.length;
  },
};
