/**
 * Policy routing rules: `ip rule add|del|show|flush` over
 * RTM_NEWRULE/RTM_DELRULE/RTM_GETRULE, IPv4 and IPv6.
 *
 * Every call checks its whole input first (the schemas below): nothing is
 * sent for a wrong input, and no call acts on every rule by default —
 * `del` needs a selector, `flush` a family.
 * @module
 */
import { flagNames, type UnknownAttrs, type Writer } from './codec.js';
import { NetlinkError } from './errors.js';
import { registerEvents, type EventDecoder } from './events.js';
import { NLM_F } from './protocol.js';
import { streaming, type Op, type Request } from './request.js';
import { AF, checkIfname, parsePrefix, type Family, type Prefix } from './types.js';
import { arrayOf, bool, custom, int, nameOrInt, object, oneOf, own, show, u16, u32, u8, type Check, type Snapshot } from './validate.js';
import {
  familyNumber,
  IPPROTO,
  ipprotoName,
  ipprotoNumber,
  protocolName,
  protocolNumber,
  RTPROT,
  tableName,
  tableNumber,
  TABLES,
  type IpProto,
  type RouteProtocol,
  type RouteTable,
} from './vocab.js';
import { fibRuleHdr, ruleAttrs, type FibRuleHdr, type FraAttrs, type RuleRange } from './wire/rule.js';
import { RTM } from './wire/rtm.js';

export type { FibRuleHdr, RuleRange } from './wire/rule.js';

/** Rule actions (`FR_ACT_*`), as `ip rule` names them (`lookup` is `FR_ACT_TO_TBL`). */
export const FR_ACT = { unspec: 0, lookup: 1, goto: 2, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8 } as const;
/** What a rule does: look a table up, jump, or drop. */
export type RuleAction = Exclude<keyof typeof FR_ACT, 'unspec'>;
const actionList = Object.keys(FR_ACT).filter((k) => k !== 'unspec') as RuleAction[];
const actionNames = new Map<number, RuleAction>(actionList.map((k) => [FR_ACT[k], k]));

const FIB_RULE = { permanent: 0x1, invert: 0x2, unresolved: 0x4, iifDetached: 0x8, oifDetached: 0x10, findSaddr: 0x10000 } as const;
/** Flags a rule reports (`FIB_RULE_*`): `unresolved` (a goto to nowhere), `iifDetached`, … */
export type RuleFlag = keyof typeof FIB_RULE;

/** What `rule.add`/`del` take: the selectors and action of `ip rule add …`. */
export interface RuleOptions {
  /** `-4`/`-6`; taken from `from`/`to` when they are given, else `'inet'`. */
  family?: Family;
  /** `priority N` (`pref`, 0..2^32-1); the kernel picks one when absent. */
  priority?: number;
  /** `from PREFIX` (or `'all'`); no zone (`%…`). */
  from?: string;
  /** `to PREFIX` (or `'all'`); no zone (`%…`). */
  to?: string;
  /** `not` — invert the selectors. */
  not?: boolean;
  /**
   * `tos N` (`dsfield`): a DS field byte with the ECN bits (0x03) clear, 4..252.
   * Not 0: the kernel reads 0 as "any", so `tos 0` would match every packet
   * (use `dscp: 0` for "DSCP 0"). Not together with `dscp`.
   */
  tos?: number;
  /**
   * `fwmark N` (0..2^32-1). A zero mark is "no mark" to the kernel, so
   * `fwmark: 0` needs an explicit `fwmask` (0xffffffff: unmarked packets).
   */
  fwmark?: number;
  /** The mask of `fwmark N/MASK`. */
  fwmask?: number;
  /** `iif NAME` (the link need not exist). */
  iif?: string;
  /** `oif NAME` (the link need not exist). */
  oif?: string;
  /** `lookup TABLE` / `table TABLE` (default `main` when the action is `lookup`, unless `l3mdev`). */
  table?: RouteTable;
  /** `lookup` (default), `goto`, `nop`, `blackhole`, `unreachable`, `prohibit` (or an `FR_ACT_*` number 1..255). */
  action?: RuleAction | number;
  /** `goto N` — the priority to jump to (implies action `goto`; above `priority`: no backward jumps). */
  goto?: number;
  /** `suppress_prefixlength N` (0..128). */
  suppressPrefixlen?: number;
  /** `suppress_ifgroup N` (0..2^32-2). */
  suppressIfgroup?: number;
  /** `realms N`. */
  realms?: number;
  /** `tun_id N` (1..2^53-1; 0 is "any" to the kernel). */
  tunId?: number;
  /** `l3mdev` (the table of the packet's VRF); not together with `table`. */
  l3mdev?: boolean;
  /** `uidrange A-B` (uids 0..2^32-2). */
  uidrange?: RuleRange;
  /** `protocol P`. */
  protocol?: RouteProtocol;
  /** `ipproto P` (a name or 1..255; 0 is "any" to the kernel). */
  ipproto?: IpProto;
  /** `sport N|A-B` (ports 1..65534, as the kernel takes them). */
  sport?: RuleRange;
  /** `dport N|A-B` (ports 1..65534). */
  dport?: RuleRange;
  /** `dscp N` (0..63; newer kernels). */
  dscp?: number;
  /** `flowlabel N` (IPv6, 20 bits; newer kernels). */
  flowlabel?: number;
  /** The mask of `flowlabel N/MASK` (20 bits; covers every bit of `flowlabel`). */
  flowlabelMask?: number;
  /** The mask of `sport N/MASK` (with a single `sport` port; newer kernels). */
  sportMask?: number;
  /** The mask of `dport N/MASK` (with a single `dport` port; newer kernels). */
  dportMask?: number;
  /** The mask of `dscp N/MASK` (0..63, covers every bit of `dscp`; newer kernels). */
  dscpMask?: number;
  /** Reported by `list`; ignored on input except `invert` (same as `not`). */
  flags?: (RuleFlag | number)[];
}

/** A rule as `rule.list` returns it (`ip -j rule show`). */
export interface Rule extends Omit<RuleOptions, 'family' | 'action' | 'table' | 'flags'> {
  /** Attributes the kernel sent that no table of the library knows (a newer kernel's): type → payload as hex ({@link UnknownAttrs}). */
  unknown?: UnknownAttrs;
  family: Family;
  priority: number;
  action: RuleAction | number;
  /** The table, for `lookup` rules. */
  table?: RouteTable;
  flags: (RuleFlag | number)[];
}

/** Filters of `rule.list`/`stream` (`ip [-4|-6] rule show [table T] [pref N] …`). */
export interface RuleFilter {
  /** `-4` / `-6`; both by default. */
  family?: Family;
  /** `table T`. */
  table?: RouteTable;
  /** `priority N`. */
  priority?: number;
  /** `fwmark N`. */
  fwmark?: number;
  /** `iif NAME`. */
  iif?: string;
  /** `oif NAME`. */
  oif?: string;
  /** `protocol P`. */
  protocol?: RouteProtocol;
  /** `action A` (a name, or an `FR_ACT_*` number as `list` reports unnamed ones). */
  action?: RuleAction | number;
}

/** What `rule.flush` takes: a {@link RuleFilter} whose `family` is required (a flush works on one family, as `ip -4|-6 rule flush`). */
export interface RuleFlushFilter extends RuleFilter {
  family: Family;
}

// ---------------------------------------------------------------------------
// Input: the checks of each field, then the schemas of the calls

/** An interface name as `iif`/`oif` take it (the link need not exist). */
const ifname = custom<string>('an interface name (1..15 bytes; no NUL, "/", ":" or white space)', ['', 'a\0b', 'x'.repeat(16), 'a b', 'a/b', 42, null], (v, path) =>
  checkIfname(v, path),
);

/** `from`/`to`: a prefix (a bare address is a host prefix), or `'all'` (no selector: `undefined`). */
const prefix = custom<Prefix | undefined>("a prefix such as '10.0.0.0/8' (or 'all')", ['10.0.0.0/33', '2001:db8::/129', '10.0.0.300', 'fe80::1%lo', 'x', '', 42, null], (v, path) => {
  if (v === 'all') return undefined;
  if (typeof v === 'string' && v.includes('%')) throw new TypeError(`${path} must be a prefix without a zone ('%…'), got ${show(v)}`);
  return parsePrefix(v, path);
});

const TOS_EXPECTS = 'a DS field byte 4..252 with the ECN bits (0x03) clear (0 is "any" to the kernel: leave tos out, or use dscp)';
const tos = custom<number>(TOS_EXPECTS, [0, 1, 3, 0x1e, 256, -4, 1.5, NaN, '16', null], (v, path) => {
  const n = u8(v, path);
  if (n === 0 || n & 3) throw new RangeError(`${path} must be ${TOS_EXPECTS}, got ${n}`);
  return n;
});

/** A port or uid range: one number, or `[first, last]` with first <= last. */
function range(min: number, max: number, what: string): Check<RuleRange> {
  const one = int(min, max);
  const expects = `${what} in ${min}..${max}, or [first, last] of them with first <= last`;
  return custom(expects, [min - 1, max + 1, 1.5, [min + 2, min + 1], [min], [min, min, min], `${min + 1}`, null, {}], (v, path) => {
    if (typeof v === 'number') return one(v, path);
    if (!Array.isArray(v) || v.length !== 2) throw new TypeError(`${path} must be ${expects}, got ${show(v)}`);
    const a = one(v[0], `${path}[0]`);
    const b = one(v[1], `${path}[1]`);
    if (b < a) throw new RangeError(`${path} must be ${expects}: [${a}, ${b}] ends before it starts`);
    return [a, b] as const;
  });
}

const tunId = custom<number>('an integer in 1..2^53-1 (0 is "any" to the kernel)', [0, -1, 1.5, 2 ** 53, NaN, '1', 1n, null], (v, path) => {
  if (typeof v !== 'number') throw new TypeError(`${path} must be an integer in 1..2^53-1, got ${show(v)}`);
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${path} must be an integer in 1..2^53-1 (0 is "any" to the kernel), got ${v}`);
  return v;
});

const ruleFlag = custom<RuleFlag | number>(`a flag name (${Object.keys(FIB_RULE).join(', ')}) or number`, ['constructor', 'bogus', -1, 1.5, null], (v, path) => {
  if (typeof v === 'number') return u32(v, path);
  if (own(FIB_RULE, v) === undefined) throw new TypeError(`${path} must be one of ${Object.keys(FIB_RULE).join(', ')} or a number, got ${show(v)}`);
  return v as RuleFlag;
});

const family = oneOf(['inet', 'inet6'] as const);
const table = nameOrInt(['main', 'local', 'default'] as const, 1, 0xffffffff);
const action = nameOrInt(actionList, 1, 255);
const protocol = nameOrInt(Object.keys(RTPROT) as (keyof typeof RTPROT)[], 0, 255);
const ipproto = nameOrInt(Object.keys(IPPROTO) as (keyof typeof IPPROTO)[], 1, 255);
const dscp = int(0, 63);
const flowlabel = int(0, 0xfffff);

const ruleFields = {
  family,
  priority: u32,
  from: prefix,
  to: prefix,
  not: bool,
  tos,
  fwmark: u32,
  fwmask: u32,
  iif: ifname,
  oif: ifname,
  table,
  action,
  goto: int(1, 0xffffffff),
  suppressPrefixlen: int(0, 128),
  suppressIfgroup: int(0, 0xfffffffe),
  realms: u32,
  tunId,
  l3mdev: bool,
  uidrange: range(0, 0xfffffffe, 'a uid'),
  protocol,
  ipproto,
  sport: range(1, 65534, 'a port'),
  dport: range(1, 65534, 'a port'),
  dscp,
  flowlabel,
  flowlabelMask: flowlabel,
  sportMask: u16,
  dportMask: u16,
  dscpMask: dscp,
  flags: arrayOf(ruleFlag),
};
const filterFields = { family, table, priority: u32, fwmark: u32, iif: ifname, oif: ifname, protocol, action };

/** The schemas the rule calls apply to their input (the property test corrupts their fields). */
export const ruleSchemas = {
  /** `rule.add` / `rule.del` (path `rule`). */
  rule: object(ruleFields),
  /** `rule.list` / `rule.stream` (path `filter`). */
  filter: object(filterFields),
  /** `rule.flush` (path `filter`): `family` is required. */
  flushFilter: object({
    ...filterFields,
    family: { check: custom("'inet' or 'inet6' (a flush works on one family, as `ip -4|-6 rule flush`)", family.wrong, family), required: true },
  }),
};

type RuleInput = Snapshot<typeof ruleFields>;

interface Checked {
  h: FibRuleHdr;
  attrs: Partial<FraAttrs>;
}

/** Whether a checked `rule.del` input narrows the kernel's search at all (else it deletes the first rule: priority 0's `local` lookup). */
function selects(o: RuleInput, action: number): boolean {
  const { family: _f, not: _n, flags: _g, from, to, fwmark, fwmask, protocol: p, l3mdev, action: _a, ...rest } = o;
  // zeros the kernel reads as "any": a /0 prefix, mark or mask 0, protocol 0, no l3mdev, action unspec
  if ((from && from.prefixlen) || (to && to.prefixlen) || fwmark || fwmask || l3mdev || action) return true;
  if (p !== undefined && protocolNumber(p, 'rule.protocol') !== 0) return true;
  return Object.values(rest).some((v) => v !== undefined);
}

/** `mask` (the field `name + 'Mask'`) needs its value and must cover every bit of it. */
function checkMask(value: RuleRange | number | undefined, mask: number | undefined, name: string, single = false): void {
  if (mask === undefined) return;
  if (value === undefined) throw new TypeError(`rule.${name}Mask needs rule.${name} (the value it masks)`);
  if (single && typeof value !== 'number') throw new TypeError(`rule.${name}Mask applies to a single port, not the range rule.${name} [${value.join(', ')}]`);
  const v = typeof value === 'number' ? value : value[0];
  if ((v & ~mask) >>> 0) throw new RangeError(`rule.${name} ${v} has bits outside rule.${name}Mask ${mask}: it could never match`);
}

/** Checks the whole input of `rule.add`/`del` (schema, then what the fields say together) and makes the message. */
function checkRule(input: unknown, op: 'add' | 'del'): Checked {
  const o = ruleSchemas.rule(input, 'rule');
  let fam = o.family !== undefined ? familyNumber(o.family) : undefined;
  for (const [p, name] of [[o.from, 'from'], [o.to, 'to']] as const) {
    if (!p) continue;
    const f = p.family === 'inet' ? AF.INET : AF.INET6;
    if (fam !== undefined && f !== fam) throw new TypeError(`rule.${name} ${p.address} is ${p.family}, but the rule is ${fam === AF.INET ? 'inet' : 'inet6'} (address family mismatch)`);
    fam = f;
  }
  fam ??= AF.INET;
  if (fam !== AF.INET6)
    for (const k of ['flowlabel', 'flowlabelMask'] as const) if (o[k] !== undefined) throw new TypeError(`rule.${k} applies to IPv6 rules only (family 'inet6')`);

  let act = o.action === undefined ? undefined : typeof o.action === 'number' ? o.action : FR_ACT[o.action];
  if (o.goto !== undefined) {
    if (act !== undefined && act !== FR_ACT.goto) throw new TypeError(`rule.goto is the target of action 'goto'; this rule's action is ${show(o.action)}`);
    act = FR_ACT.goto;
    if (op === 'add' && o.priority !== undefined && o.goto <= o.priority)
      throw new RangeError(`rule.goto (${o.goto}) must be above rule.priority (${o.priority}): the kernel refuses backward jumps`);
  } else if (act === FR_ACT.goto && op === 'add') throw new TypeError(`rule.goto (the target priority) is required with action 'goto'`);
  if (o.l3mdev && o.table !== undefined) throw new TypeError(`rule.l3mdev and rule.table exclude each other (l3mdev looks up the table of the packet's VRF)`);
  if (o.fwmark === 0 && o.fwmask === undefined)
    throw new TypeError('rule.fwmark 0 without rule.fwmask would match every packet (the kernel reads a zero mark as "any"); add fwmask: 0xffffffff to match unmarked packets');
  if (o.tos !== undefined && o.dscp !== undefined) throw new TypeError('rule.tos and rule.dscp exclude each other (dscp is the newer spelling of the same field)');
  checkMask(o.dscp, o.dscpMask, 'dscp');
  checkMask(o.flowlabel, o.flowlabelMask, 'flowlabel');
  checkMask(o.sport, o.sportMask, 'sport', true);
  checkMask(o.dport, o.dportMask, 'dport', true);
  if (op === 'add' && !Object.keys(o).some((k) => k !== 'family' && k !== 'flags') && !o.flags?.includes('invert'))
    throw new TypeError(
      "rule.add needs arguments, as `ip rule add` does: {} would add 'from all lookup main' ahead of the rules already there " +
        "(say { table: 'main' } or { from: 'all' } to mean that)",
    );
  act ??= op === 'add' || o.table !== undefined ? FR_ACT.lookup : FR_ACT.unspec;
  if (op === 'del' && !selects(o, act))
    throw new TypeError(
      'rule.del needs a selector (priority, from, to, table, fwmark, iif, oif, …), as `ip rule del` does: with none the kernel deletes the first rule, ' +
        "priority 0's local lookup (say { priority: 0 } to mean that one)",
    );

  let tbl = o.table !== undefined ? tableNumber(o.table, 'rule.table') : undefined;
  if (tbl === undefined && act === FR_ACT.lookup && op === 'add' && !o.l3mdev) tbl = TABLES.main; // `ip rule add` looks up main
  const a: Partial<FraAttrs> = {};
  const plain = ['priority', 'fwmark', 'fwmask', 'iif', 'oif', 'goto', 'suppressPrefixlen', 'suppressIfgroup', 'realms', 'tunId', 'uidrange', 'sport', 'dport', 'dscp', 'flowlabel', 'flowlabelMask', 'sportMask', 'dportMask', 'dscpMask'] as const;
  for (const k of plain) if (o[k] !== undefined) (a as Record<string, unknown>)[k] = o[k];
  if (o.l3mdev) a.l3mdev = true; // the kernel takes FRA_L3MDEV 1 only: false is "not sent"
  if (o.protocol !== undefined) a.protocol = protocolNumber(o.protocol, 'rule.protocol');
  if (o.ipproto !== undefined) a.ipproto = ipprotoNumber(o.ipproto, 'rule.ipproto');
  if (o.from) a.from = o.from.address;
  if (o.to) a.to = o.to.address;
  if (tbl !== undefined && tbl >= 256) a.tableId = tbl;
  const invert = o.not || o.flags?.some((f) => f === 'invert' || (typeof f === 'number' && f & FIB_RULE.invert));
  return {
    h: {
      family: fam,
      dstLen: o.to?.prefixlen ?? 0,
      srcLen: o.from?.prefixlen ?? 0,
      tos: o.tos ?? 0,
      table: tbl !== undefined && tbl < 256 ? tbl : 0,
      action: act,
      flags: invert ? FIB_RULE.invert : 0,
    },
    attrs: a,
  };
}

function writeRule(w: Writer, c: Checked): void {
  fibRuleHdr.encode(w, c.h, 'rule');
  ruleAttrs.encode(w, c.attrs, 'rule');
}

function* modify(input: unknown, type: number, flags: number, op: 'add' | 'del'): Op<void> {
  const c = checkRule(input, op);
  yield { type, flags, body: (w: Writer) => writeRule(w, c) } satisfies Request;
}

// ---------------------------------------------------------------------------
// Output: rule messages as objects

/** One RTM_NEWRULE as the kernel sent it: its header and attributes, and the rule they make. */
interface Listed {
  rule: Rule;
  raw: Checked;
}

function decode(b: Buffer, off: number, end: number): Listed | undefined {
  const h = fibRuleHdr.header(b, off, end, 'rule');
  if (h.family !== AF.INET && h.family !== AF.INET6) return undefined;
  const raw = ruleAttrs.decode(b, off + fibRuleHdr.size, end, undefined, 'rule') as Partial<FraAttrs>;
  const { tableId, from, to, ...rest } = raw;
  const r = {
    family: h.family === AF.INET ? 'inet' : 'inet6',
    priority: raw.priority ?? 0,
    action: actionNames.get(h.action) ?? h.action,
    flags: flagNames(FIB_RULE, h.flags),
    ...rest,
  } as Rule;
  if (rest.protocol !== undefined) r.protocol = protocolName(rest.protocol);
  if (rest.ipproto !== undefined) r.ipproto = ipprotoName(rest.ipproto);
  // the kernel reports -1 for "no suppression"
  if (r.suppressPrefixlen === 0xffffffff) delete r.suppressPrefixlen;
  if (r.suppressIfgroup === 0xffffffff) delete r.suppressIfgroup;
  const max = h.family === AF.INET ? 32 : 128;
  if (from !== undefined && h.srcLen) r.from = h.srcLen === max ? from : `${from}/${h.srcLen}`;
  if (to !== undefined && h.dstLen) r.to = h.dstLen === max ? to : `${to}/${h.dstLen}`;
  if (h.tos) r.tos = h.tos;
  if (h.flags & FIB_RULE.invert) r.not = true;
  const table = tableId ?? h.table;
  if (table) r.table = tableName(table);
  return { rule: r, raw: { h, attrs: raw } };
}

/** Decodes one RTM_NEWRULE payload. */
export function parseRule(b: Buffer, off: number, end: number): Rule | undefined {
  return decode(b, off, end)?.rule;
}

interface CompiledFilter {
  family: number;
  table?: number;
  priority?: number;
  fwmark?: number;
  iif?: string;
  oif?: string;
  protocol?: number;
  action?: number;
}

function compileFilter(f: Snapshot<typeof filterFields>): CompiledFilter {
  const c: CompiledFilter = { family: f.family === undefined ? AF.UNSPEC : familyNumber(f.family) };
  if (f.table !== undefined) c.table = tableNumber(f.table, 'filter.table');
  if (f.protocol !== undefined) c.protocol = protocolNumber(f.protocol, 'filter.protocol');
  if (f.action !== undefined) c.action = typeof f.action === 'number' ? f.action : FR_ACT[f.action];
  c.priority = f.priority;
  c.fwmark = f.fwmark;
  c.iif = f.iif;
  c.oif = f.oif;
  return c;
}

const actionNumber = (a: RuleAction | number): number => (typeof a === 'number' ? a : FR_ACT[a]);

function matches(r: Rule, c: CompiledFilter): boolean {
  if (c.table !== undefined && (r.table === undefined || tableNumber(r.table, 'table') !== c.table)) return false;
  if (c.priority !== undefined && r.priority !== c.priority) return false;
  if (c.fwmark !== undefined && r.fwmark !== c.fwmark) return false;
  if (c.iif !== undefined && r.iif !== c.iif) return false;
  if (c.oif !== undefined && r.oif !== c.oif) return false;
  if (c.protocol !== undefined && (r.protocol === undefined ? 0 : protocolNumber(r.protocol, 'protocol')) !== c.protocol) return false;
  if (c.action !== undefined && actionNumber(r.action) !== c.action) return false;
  return true;
}

/** The rule dump: the kernel filters by family only; the rest is checked per message. */
function ruleDump<T>(c: CompiledFilter, pick: (l: Listed) => T): Request<T> {
  return {
    type: RTM.GETRULE,
    flags: NLM_F.DUMP,
    body: (w) => fibRuleHdr.encode(w, { family: c.family, dstLen: 0, srcLen: 0, tos: 0, table: 0, action: 0, flags: 0 }, 'filter'),
    parse(b, off, end) {
      const l = decode(b, off, end);
      return l && matches(l.rule, c) ? pick(l) : undefined;
    },
  };
}

const listFilter = (filter: unknown): CompiledFilter => compileFilter(ruleSchemas.filter(filter, 'filter'));
const ruleOf = (l: Listed): Rule => l.rule;

/** The rule operations, written once and run async or sync by a handle. */
export const ruleOps = {
  /**
   * Adds a rule. Equivalent to `ip rule add [not] [from P] [to P] [tos N]
   * [fwmark N[/M]] [iif D] [oif D] [priority N] [lookup T | goto N | nop |
   * blackhole | unreachable | prohibit] [suppress_prefixlength N] …`
   * (lookup main when neither action nor table is given). Arguments are
   * required, as `ip rule add` requires them: `{}` (or a family alone) would
   * add a catch-all `lookup main` ahead of the rules already there, and is
   * refused; `{ table: 'main' }` or `{ from: 'all' }` says it on purpose.
   */
  add(options: RuleOptions): Op<void> {
    return modify(options, RTM.NEWRULE, NLM_F.CREATE | NLM_F.EXCL, 'add');
  },

  /**
   * Deletes the first rule that matches everything given. Equivalent to
   * `ip rule del [priority N] [from P] … [table T]`; an object that `list`
   * returned deletes that rule. A selector is required, as `ip rule del`
   * requires one: `{}`, `{ family }`, `{ from: 'all' }` and the like select
   * nothing, so the kernel would delete the first rule (priority 0's `local`
   * lookup) — they are refused; `{ priority: 0 }` says it on purpose.
   */
  del(options: RuleOptions): Op<void> {
    return modify(options, RTM.DELRULE, 0, 'del');
  },

  /** Lists rules. Equivalent to `ip [-4|-6] rule show [table T] [pref N] …` (both families unless `family` says). */
  *list(filter: RuleFilter = {}): Op<Rule[]> {
    return (yield ruleDump(listFilter(filter), ruleOf)) as Rule[];
  },

  /** Streams the rule dump; same filters as `list`. */
  stream: streaming(function* (filter: RuleFilter = {}): Op<Request<Rule>> {
    return ruleDump(listFilter(filter), ruleOf);
  }),

  /**
   * Deletes the rules of one family that match the filter, except those at
   * priority 0 (the `local` lookup); resolves with how many went. The family
   * is required: `{ family: 'inet' }` is `ip -4 rule flush` (ip's default),
   * every IPv4 rule but priority 0's, the `main` and `default` lookups
   * included, as with `ip`; other fields narrow it (`ip -6 rule flush table 100`).
   * Each rule is deleted exactly as listed.
   */
  *flush(filter: RuleFlushFilter): Op<number> {
    if (filter === undefined) throw new TypeError("rule.flush needs a filter with a family: { family: 'inet' } is `ip -4 rule flush`, { family: 'inet6' } `ip -6 rule flush`");
    const c = compileFilter(ruleSchemas.flushFilter(filter, 'filter'));
    const found = ((yield ruleDump(c, (l) => l)) as Listed[]).filter((l) => l.rule.priority !== 0);
    if (!found.length) return 0;
    try {
      yield found.map((l): Request => ({ type: RTM.DELRULE, body: (w: Writer) => writeRule(w, l.raw) }));
    } catch (e) {
      if (!(e instanceof NetlinkError) || e.code !== 'ENOENT') throw e;
    }
    return found.length;
  },
};

// Notifications decode exactly like the lists (events.ts, read by monitor.ts).
registerEvents('rule', RTM.NEWRULE, RTM.DELRULE, ((b, off, end) => parseRule(b, off, end)) as EventDecoder);
