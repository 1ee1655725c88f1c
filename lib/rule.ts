/**
 * Policy routing rules: `ip rule add|del|show|flush` over
 * RTM_NEWRULE/RTM_DELRULE/RTM_GETRULE, IPv4 and IPv6.
 * @module
 */
import { flagBits, flagNames, type Writer } from './codec.js';
import { NetlinkError } from './errors.js';
import { registerEvents, type EventDecoder } from './events.js';
import { NLM_F } from './protocol.js';
import { streaming, type Op, type Request } from './request.js';
import { AF, checkIfname, checkInt, parsePrefix, type Family, type Prefix } from './types.js';
import {
  familyNumber,
  ipprotoName,
  ipprotoNumber,
  protocolName,
  protocolNumber,
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
const actionNames = new Map<number, RuleAction>(Object.entries(FR_ACT).filter(([k]) => k !== 'unspec').map(([k, v]) => [v, k as RuleAction]));

const FIB_RULE = { permanent: 0x1, invert: 0x2, unresolved: 0x4, iifDetached: 0x8, oifDetached: 0x10, findSaddr: 0x10000 } as const;
/** Flags a rule reports (`FIB_RULE_*`): `unresolved` (a goto to nowhere), `iifDetached`, … */
export type RuleFlag = keyof typeof FIB_RULE;

/** What `rule.add`/`del` take: the selectors and action of `ip rule add …`. */
export interface RuleOptions {
  /** `-4`/`-6`; taken from `from`/`to` when they are given, else `'inet'`. */
  family?: Family;
  /** `priority N` (`pref`); the kernel picks one when absent. */
  priority?: number;
  /** `from PREFIX` (or `'all'`). */
  from?: string;
  /** `to PREFIX` (or `'all'`). */
  to?: string;
  /** `not` — invert the selectors. */
  not?: boolean;
  /** `tos N` (`dsfield`). */
  tos?: number;
  /** `fwmark N`. */
  fwmark?: number;
  /** The mask of `fwmark N/MASK`. */
  fwmask?: number;
  /** `iif NAME` (the link need not exist). */
  iif?: string;
  /** `oif NAME` (the link need not exist). */
  oif?: string;
  /** `lookup TABLE` / `table TABLE` (default `main` when the action is `lookup`). */
  table?: RouteTable;
  /** `lookup` (default), `goto`, `nop`, `blackhole`, `unreachable`, `prohibit` (or an `FR_ACT_*` number). */
  action?: RuleAction | number;
  /** `goto N` — the priority to jump to (implies action `goto`). */
  goto?: number;
  /** `suppress_prefixlength N`. */
  suppressPrefixlen?: number;
  /** `suppress_ifgroup N`. */
  suppressIfgroup?: number;
  /** `realms N`. */
  realms?: number;
  /** `tun_id N`. */
  tunId?: number;
  /** `l3mdev`. */
  l3mdev?: boolean;
  /** `uidrange A-B`. */
  uidrange?: RuleRange;
  /** `protocol P`. */
  protocol?: RouteProtocol;
  /** `ipproto P`. */
  ipproto?: IpProto;
  /** `sport N|A-B`. */
  sport?: RuleRange;
  /** `dport N|A-B`. */
  dport?: RuleRange;
  /** `dscp N` (newer kernels). */
  dscp?: number;
  /** `flowlabel N` (IPv6, newer kernels). */
  flowlabel?: number;
  /** The mask of `flowlabel N/MASK`. */
  flowlabelMask?: number;
  /** The mask of `sport N/MASK` (newer kernels). */
  sportMask?: number;
  /** The mask of `dport N/MASK` (newer kernels). */
  dportMask?: number;
  /** The mask of `dscp N/MASK` (newer kernels). */
  dscpMask?: number;
  /** Reported by `list`; ignored on input except `invert` (same as `not`). */
  flags?: (RuleFlag | number)[];
}

/** A rule as `rule.list` returns it (`ip -j rule show`). */
export interface Rule extends Omit<RuleOptions, 'family' | 'action' | 'table' | 'flags'> {
  family: Family;
  priority: number;
  action: RuleAction | number;
  /** The table, for `lookup` rules. */
  table?: RouteTable;
  flags: (RuleFlag | number)[];
}

/** Filters of `rule.list`/`flush` (`ip [-4|-6] rule show [table T] [pref N] …`). */
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
  /** `action A`. */
  action?: RuleAction;
}

const ruleKeys = new Set([
  'family', 'priority', 'from', 'to', 'not', 'tos', 'fwmark', 'fwmask', 'iif', 'oif', 'table', 'action', 'goto',
  'suppressPrefixlen', 'suppressIfgroup', 'realms', 'tunId', 'l3mdev', 'uidrange', 'protocol', 'ipproto', 'sport',
  'dport', 'dscp', 'flowlabel', 'flowlabelMask', 'sportMask', 'dportMask', 'dscpMask', 'flags',
]);
const plainKeys = [
  'priority', 'fwmark', 'fwmask', 'iif', 'oif', 'goto', 'suppressPrefixlen', 'suppressIfgroup', 'realms', 'tunId',
  'l3mdev', 'uidrange', 'protocol', 'ipproto', 'sport', 'dport', 'dscp', 'flowlabel', 'flowlabelMask', 'sportMask',
  'dportMask', 'dscpMask',
] as const;

interface Checked {
  h: FibRuleHdr;
  table?: number;
  from?: Prefix;
  to?: Prefix;
  attrs: Partial<FraAttrs>;
}

function prefixOrAll(v: unknown, field: string): Prefix | undefined {
  if (v === undefined || v === 'all') return undefined;
  return parsePrefix(v, field);
}

function checkRule(o: RuleOptions, op: 'add' | 'del'): Checked {
  const where = 'rule';
  if (!o || typeof o !== 'object') throw new TypeError(`rule.${op} needs an options object`);
  const r = o as Record<string, unknown>;
  for (const k in r) if (!ruleKeys.has(k) && r[k] !== undefined) throw new TypeError(`${where}: unknown field '${k}'`);
  const from = prefixOrAll(o.from, `${where}.from`);
  const to = prefixOrAll(o.to, `${where}.to`);
  let family = o.family !== undefined ? familyNumber(o.family, `${where}.family`) : undefined;
  for (const [p, name] of [[from, 'from'], [to, 'to']] as const) {
    if (!p) continue;
    const f = p.family === 'inet' ? AF.INET : AF.INET6;
    if (family !== undefined && f !== family) throw new TypeError(`${where}.${name} ${p.address} is ${p.family}, but the rule is ${family === AF.INET ? 'inet' : 'inet6'} (address family mismatch)`);
    family = f;
  }
  family ??= AF.INET;
  const a: Partial<FraAttrs> = {};
  for (const k of plainKeys) if (o[k] !== undefined) (a as Record<string, unknown>)[k] = o[k];
  if (o.protocol !== undefined) a.protocol = protocolNumber(o.protocol, `${where}.protocol`);
  if (o.ipproto !== undefined) a.ipproto = ipprotoNumber(o.ipproto, `${where}.ipproto`);
  if (o.iif !== undefined) checkIfname(o.iif, `${where}.iif`);
  if (o.oif !== undefined) checkIfname(o.oif, `${where}.oif`);
  if (o.priority !== undefined) checkInt(o.priority, `${where}.priority`, 0, 0xffffffff);
  if (o.flowlabel !== undefined && family !== AF.INET6) throw new TypeError(`${where}.flowlabel applies to IPv6 rules only`);
  if (from) a.from = from.address;
  if (to) a.to = to.address;
  let action: number;
  if (typeof o.action === 'number') action = checkInt(o.action, `${where}.action`, 0, 255);
  else if (o.action !== undefined) {
    action = Object.hasOwn(FR_ACT, o.action) ? FR_ACT[o.action] : (undefined as unknown as number);
    if (action === undefined || o.action === ('unspec' as string)) throw new TypeError(`${where}.action must be one of ${[...actionNames.values()].join(', ')}, got ${JSON.stringify(o.action)}`);
  } else if (o.goto !== undefined) action = FR_ACT.goto;
  else action = op === 'add' || o.table !== undefined ? FR_ACT.lookup : FR_ACT.unspec;
  if (action === FR_ACT.goto && o.goto === undefined && op === 'add') throw new TypeError(`${where}.goto (the target priority) is required with action 'goto'`);
  let table = o.table !== undefined ? tableNumber(o.table, `${where}.table`) : undefined;
  if (table === undefined && action === FR_ACT.lookup && op === 'add') table = TABLES.main; // `ip rule add` looks up main
  if (table !== undefined && table >= 256) a.tableId = table;
  let flags = 0;
  if (o.not !== undefined) {
    if (typeof o.not !== 'boolean') throw new TypeError(`${where}.not must be a boolean`);
    if (o.not) flags |= FIB_RULE.invert;
  }
  if (o.flags !== undefined) flags |= flagBits(FIB_RULE, o.flags, `${where}.flags`) & FIB_RULE.invert;
  return {
    h: {
      family,
      dstLen: to?.prefixlen ?? 0,
      srcLen: from?.prefixlen ?? 0,
      tos: o.tos !== undefined ? checkInt(o.tos, `${where}.tos`, 0, 255) : 0,
      table: table !== undefined && table < 256 ? table : 0,
      action,
      flags,
    },
    table,
    from,
    to,
    attrs: a,
  };
}

function writeRule(w: Writer, c: Checked): void {
  fibRuleHdr.encode(w, c.h, 'rule');
  ruleAttrs.encode(w, c.attrs, 'rule');
}

function* modify(o: RuleOptions, type: number, flags: number, op: 'add' | 'del'): Op<void> {
  const c = checkRule(o, op);
  yield { type, flags, body: (w: Writer) => writeRule(w, c) } satisfies Request;
}

/** Decodes one RTM_NEWRULE payload. */
export function parseRule(b: Buffer, off: number, end: number): Rule | undefined {
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
  return r;
}

interface CompiledFilter {
  family: number;
  table?: number;
  priority?: number;
  fwmark?: number;
  iif?: string;
  oif?: string;
  protocol?: RouteProtocol;
  action?: number;
}

function compileFilter(f: RuleFilter): CompiledFilter {
  if (!f || typeof f !== 'object') throw new TypeError('filter must be an object');
  for (const k in f) if (!['family', 'table', 'priority', 'fwmark', 'iif', 'oif', 'protocol', 'action'].includes(k)) throw new TypeError(`filter: unknown field '${k}'`);
  const c: CompiledFilter = { family: f.family === undefined ? AF.UNSPEC : familyNumber(f.family, 'filter.family') };
  if (f.table !== undefined) c.table = tableNumber(f.table, 'filter.table');
  if (f.priority !== undefined) c.priority = checkInt(f.priority, 'filter.priority', 0, 0xffffffff);
  if (f.fwmark !== undefined) c.fwmark = checkInt(f.fwmark, 'filter.fwmark', 0, 0xffffffff);
  if (f.iif !== undefined) c.iif = checkIfname(f.iif, 'filter.iif');
  if (f.oif !== undefined) c.oif = checkIfname(f.oif, 'filter.oif');
  if (f.protocol !== undefined) c.protocol = f.protocol;
  if (f.action !== undefined) {
    c.action = Object.hasOwn(FR_ACT, f.action) ? FR_ACT[f.action] : undefined;
    if (c.action === undefined) throw new TypeError(`filter.action must be one of ${[...actionNames.values()].join(', ')}`);
  }
  return c;
}

function matches(r: Rule, c: CompiledFilter): boolean {
  if (c.table !== undefined && (r.table === undefined || tableNumber(r.table, 'table') !== c.table)) return false;
  if (c.priority !== undefined && r.priority !== c.priority) return false;
  if (c.fwmark !== undefined && r.fwmark !== c.fwmark) return false;
  if (c.iif !== undefined && r.iif !== c.iif) return false;
  if (c.oif !== undefined && r.oif !== c.oif) return false;
  if (c.protocol !== undefined && r.protocol !== c.protocol) return false;
  if (c.action !== undefined && FR_ACT[r.action as RuleAction] !== c.action) return false;
  return true;
}

/** The rule dump: the kernel filters by family only; the rest is checked per message. */
function ruleDump(c: CompiledFilter): Request<Rule> {
  return {
    type: RTM.GETRULE,
    flags: NLM_F.DUMP,
    body: (w) => fibRuleHdr.encode(w, { family: c.family, dstLen: 0, srcLen: 0, tos: 0, table: 0, action: 0, flags: 0 }, 'filter'),
    parse(b, off, end) {
      const r = parseRule(b, off, end);
      return r && matches(r, c) ? r : undefined;
    },
  };
}

/** Deletes exactly this listed rule (its priority and selectors). */
function delRequest(r: Rule): Request {
  const { flags: _f, ...rest } = r;
  const c = checkRule({ ...rest, not: undefined, flags: r.not ? ['invert'] : undefined }, 'del');
  return { type: RTM.DELRULE, body: (w: Writer) => writeRule(w, c) };
}

/** The rule operations, written once and run async or sync by a handle. */
export const ruleOps = {
  /**
   * Adds a rule. Equivalent to `ip rule add [not] [from P] [to P] [tos N]
   * [fwmark N[/M]] [iif D] [oif D] [priority N] [lookup T | goto N | nop |
   * blackhole | unreachable | prohibit] [suppress_prefixlength N] …`
   * (lookup main when neither action nor table is given).
   */
  add(options: RuleOptions): Op<void> {
    return modify(options, RTM.NEWRULE, NLM_F.CREATE | NLM_F.EXCL, 'add');
  },

  /**
   * Deletes the first rule that matches everything given. Equivalent to
   * `ip rule del [priority N] [from P] … [table T]`; an object that `list`
   * returned deletes that rule.
   */
  del(options: RuleOptions): Op<void> {
    return modify(options, RTM.DELRULE, 0, 'del');
  },

  /** Lists rules. Equivalent to `ip [-4|-6] rule show [table T] [pref N] …` (both families unless `family` says). */
  *list(filter: RuleFilter = {}): Op<Rule[]> {
    return (yield ruleDump(compileFilter(filter))) as Rule[];
  },

  /** Streams the rule dump; same filters as `list`. */
  stream: streaming(function* (filter: RuleFilter = {}): Op<Request<Rule>> {
    return ruleDump(compileFilter(filter));
  }),

  /**
   * Deletes the matching rules except the `local` lookup at priority 0;
   * resolves with how many went. Equivalent to `ip rule flush` (which also
   * removes the `main` and `default` lookups unless a filter spares them).
   */
  *flush(filter: RuleFilter = {}): Op<number> {
    const c = compileFilter(filter);
    const found = ((yield ruleDump(c)) as Rule[]).filter((r) => r.priority !== 0);
    if (!found.length) return 0;
    try {
      yield found.map(delRequest);
    } catch (e) {
      if (!(e instanceof NetlinkError) || e.code !== 'ENOENT') throw e;
    }
    return found.length;
  },
};

// Notifications decode exactly like the lists (events.ts, read by monitor.ts).
registerEvents('rule', RTM.NEWRULE, RTM.DELRULE, ((b, off, end) => parseRule(b, off, end)) as EventDecoder);
