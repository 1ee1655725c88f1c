/**
 * tc actions (`tc … action KIND …`, `tc actions add|del|ls`): the verdicts
 * every action ends with (TC_ACT_*), the list format filters and RTM_*ACTION
 * messages share (TCA_ACT_TAB: nests 1..n of TCA_ACT_*), and one entry per
 * action kind (its TCA_<KIND>_* table in linux/tc_act/tc_<kind>.h, written
 * `name: [id, type, 'UAPI_NAME']`). Field names follow `tc -j` output.
 * @module
 */
import { attrs, type StructOf, pathOf, struct, t, type Struct, type Writer } from '../codec.js';
import type { LinkRef } from '../types.js';
import { closest, custom, int, isPlain, object, oneOf, optional, own, show, u32, type Check } from '../validate.js';
import { checkIfname } from '../types.js';
import { actAttrs, actRootAttrs, stats2Attrs, tcamsg, tcfT, TCA_ROOT_FLAGS, TCA_ACT_OPTIONS, type Span, type TcaStats2, type TcEncodeContext, type TcKind } from './tc.js';

const NLA_F_NESTED = 0x8000;

// ---------------------------------------------------------------------------
// Verdicts (TC_ACT_*, linux/pkt_cls.h)

/** The verdicts of an action, by `tc`'s names. */
export const TC_ACT = {
  unspec: -1, ok: 0, reclassify: 1, drop: 2, pipe: 3, stolen: 4, queued: 5, repeat: 6, redirect: 7, trap: 8,
} as const;
/** TC_ACT_JUMP and TC_ACT_GOTO_CHAIN: opcodes in the top 4 bits. */
const EXT_SHIFT = 28;
const ACT_JUMP = 1 << EXT_SHIFT;
const ACT_GOTO_CHAIN = 2 << EXT_SHIFT;

/**
 * What happens after an action: a verdict (`'pass'` = `'ok'`, `'drop'` =
 * `'shot'`, `'pipe'`, `'reclassify'`, `'continue'` = `'unspec'`, `'stolen'`,
 * `'trap'`…), `'jump N'` (skip N actions) or `'goto chain N'`.
 */
export type TcControl = keyof typeof TC_ACT | 'pass' | 'shot' | 'continue' | `jump ${number}` | `goto chain ${number}`;

const CONTROL_ALIASES: Record<string, number> = { ...TC_ACT, pass: 0, shot: 2, continue: -1 };
const CONTROL_NAMES = new Map<number, TcControl>([[-1, 'continue'], [0, 'pass'], [1, 'reclassify'], [2, 'drop'], [3, 'pipe'], [4, 'stolen'], [5, 'queued'], [6, 'repeat'], [7, 'redirect'], [8, 'trap']]);

/** A control verdict as the kernel's number. */
export const controlCheck: Check<number> = custom<number>(
  `a verdict (${[...CONTROL_NAMES.values()].join(', ')}, 'ok', 'shot', 'jump N' or 'goto chain N')`,
  ['constructor', 'dorp', 'jump', 'jump -1', 'goto chain x', 1.5, {}, null],
  (v, path) => {
    if (typeof v === 'string') {
      const n = own(CONTROL_ALIASES, v);
      if (n !== undefined) return n;
      let m = /^jump (\d+)$/.exec(v);
      if (m && Number(m[1]) < 1 << EXT_SHIFT) return ACT_JUMP | Number(m[1]);
      m = /^goto chain (\d+)$/.exec(v);
      if (m && Number(m[1]) < 1 << EXT_SHIFT) return ACT_GOTO_CHAIN | Number(m[1]);
      const near = closest(v, Object.keys(CONTROL_ALIASES));
      throw new RangeError(`${path} must be ${controlCheck.expects}, got ${show(v)}${near ? ` (did you mean '${near}'?)` : ''}`);
    }
    throw new TypeError(`${path} must be ${controlCheck.expects}, got ${show(v)}`);
  },
);

/** The kernel's verdict number as a {@link TcControl}. */
export function controlName(n: number): TcControl | number {
  const op = (n >>> EXT_SHIFT) & 0xf;
  if (op === 1) return `jump ${n & 0x0fffffff}`;
  if (op === 2) return `goto chain ${n & 0x0fffffff}`;
  return CONTROL_NAMES.get(n) ?? n;
}

// ---------------------------------------------------------------------------
// struct tc_gen and the common fields of every action

/** tc_gen, the head of every action's parameters struct. */
export const tcGen = [
  ['index', 'u32', 'index'],
  ['capab', 'u32', 'capab'],
  ['action', 's32', 'action'],
  ['refcnt', 's32', 'refcnt'],
  ['bindcnt', 's32', 'bindcnt'],
] as const;

/** The fields every action takes besides its own: `index N`, `cookie HEX`. */
export interface ActionCommon {
  /** The action's kind: `'mirred'`, `'gact'`, … */
  kind: string;
  /** `index N`: the action's number in its kind's table (0 or absent: the kernel picks one). */
  index?: number;
  /** `cookie HEX`: up to 16 bytes of the caller's own, as hex. */
  cookie?: string;
}

/** What `list` adds to every action. */
export interface ActionListed {
  /** `ref`: references held (filters bound plus one for the action itself). */
  ref?: number;
  /** `bind`: filters bound to it. */
  bind?: number;
  /** `tm`: install/lastuse/expires/firstuse in jiffies. */
  tm?: { install: number; lastuse: number; expires: number; firstuse: number };
  /** Packets and bytes it saw. */
  stats?: { bytes: number; packets: number; drops?: number; overlimits?: number };
}

/** An action kind: the generic {@link TcKind} whose checked value carries `index`. */
export type ActionKind<C extends { index?: number } = { index?: number }> = TcKind<C>;

/** Reads the tc_gen of a parameters struct into the listed fields (`index`, `ref`, `bind`, control as `control`). */
export function genOut(out: Record<string, unknown>, p: { index: number; action: number; refcnt: number; bindcnt: number }, control = true): void {
  out.index = p.index;
  if (control) out.control = controlName(p.action);
  out.ref = p.refcnt;
  out.bind = p.bindcnt;
}

// ---------------------------------------------------------------------------
// mirred (linux/tc_act/tc_mirred.h)

/** TCA_EGRESS_REDIR …: mirred's eaction. */
const EACTION = { 'egress redirect': 1, 'egress mirror': 2, 'ingress redirect': 3, 'ingress mirror': 4 } as const;

/** `action mirred egress|ingress redirect|mirror dev DEV`. */
export interface MirredAction extends ActionCommon {
  kind: 'mirred';
  /** `egress` (default) or `ingress`: where the packet enters `dev`. */
  direction?: 'egress' | 'ingress';
  /** `redirect` (the packet goes to `dev`; verdict stolen) or `mirror` (a copy; verdict pipe). */
  mirredAction: 'redirect' | 'mirror';
  /** `dev DEV`: the link the packet goes to (by name or index). */
  dev: LinkRef;
  /** The verdict (default: `stolen` for redirect, `pipe` for mirror, as `tc`). */
  control?: TcControl;
}

const mirredParms = struct<{ index: number; capab: number; action: number; refcnt: number; bindcnt: number; eaction: number; ifindex: number }>('tc_mirred', [
  ...tcGen,
  ['eaction', 's32', 'eaction'],
  ['ifindex', 'u32', 'ifindex'],
]);
/** TCA_MIRRED_*. */
export const mirredAttrs = attrs<{ tm: object; parms: StructOf<typeof mirredParms> }>('mirred', {
  tm: [1, tcfT, 'TCA_MIRRED_TM'],
  parms: [2, mirredParms, 'TCA_MIRRED_PARMS'],
});

const indexCheck = int(0, 0xffffffff);
/** A link by name or index (a mirred target). */
const linkRefCheck = custom<LinkRef>('a link name or index', ['', 'a/b', 0, -1, 1.5, null], (v, path) => {
  if (typeof v === 'number') return int(1, 0x7fffffff)(v, path);
  if (typeof v === 'string') return checkIfname(v, path);
  throw new TypeError(`${path} must be a link name or index, got ${show(v)}`);
});
const mirredSchema = object({
  kind: oneOf(['mirred']),
  direction: oneOf(['egress', 'ingress']),
  mirredAction: { check: oneOf(['redirect', 'mirror']), required: true },
  dev: { check: linkRefCheck, required: true },
  control: controlCheck,
  index: indexCheck,
  cookie: custom('hex', [], (v) => v),
});

const mirred: ActionKind<{ index?: number; dev: LinkRef; eaction: number; action: number }> = {
  check(o, path) {
    const v = mirredSchema(o, path);
    const eaction = EACTION[`${v.direction ?? 'egress'} ${v.mirredAction!}` as keyof typeof EACTION];
    return { index: v.index, dev: v.dev!, eaction, action: v.control ?? (v.mirredAction === 'redirect' ? TC_ACT.stolen : TC_ACT.pipe) };
  },
  links: (c) => [c.dev],
  encode(w, c, ctx) {
    mirredAttrs.encodeOne(w, 'parms', { index: c.index ?? 0, action: c.action, eaction: c.eaction, ifindex: ctx.index(c.dev) });
  },
  decode(b, off, end, path) {
    const raw = mirredAttrs.decode(b, off, end, undefined, path) as Partial<{ tm: ActionListed['tm']; parms: StructOf<typeof mirredParms> }>;
    const out: Record<string, unknown> = {};
    if (raw.parms) {
      const p = raw.parms;
      const [dir, mode] = (Object.keys(EACTION).find((k) => EACTION[k as keyof typeof EACTION] === p.eaction) ?? 'egress redirect').split(' ');
      out.direction = dir;
      out.mirredAction = mode;
      out.dev = p.ifindex;
      genOut(out, p);
    }
    if (raw.tm) out.tm = raw.tm;
    return out;
  },
};

// ---------------------------------------------------------------------------
// gact (linux/tc_act/tc_gact.h)

/** `action pass|drop|pipe|reclassify|continue [random determ|netrand VERDICT VAL]`. */
export interface GactAction extends ActionCommon {
  kind: 'gact';
  /** The verdict (`tc … action drop`). Default `pass`. */
  control?: TcControl;
  /** `random netrand VERDICT PERCENT` (random with probability) or `random determ VERDICT N` (every Nth packet). */
  random?: { type: 'netrand' | 'determ'; control: TcControl; value: number };
}

const gactParms = struct<{ index: number; capab: number; action: number; refcnt: number; bindcnt: number }>('tc_gact', [...tcGen]);
const gactProb = struct<{ ptype: number; pval: number; paction: number }>('tc_gact_p', [
  ['ptype', 'u16', 'ptype'],
  ['pval', 'u16', 'pval'],
  ['paction', 's32', 'paction'],
]);
/** TCA_GACT_*. */
export const gactAttrs = attrs<{ tm: object; parms: StructOf<typeof gactParms>; prob: StructOf<typeof gactProb> }>('gact', {
  tm: [1, tcfT, 'TCA_GACT_TM'],
  parms: [2, gactParms, 'TCA_GACT_PARMS'],
  prob: [3, gactProb, 'TCA_GACT_PROB'],
});
const PGACT = { netrand: 1, determ: 2 } as const;
const gactSchema = object({
  kind: oneOf(['gact']),
  control: controlCheck,
  random: object({ type: { check: oneOf(['netrand', 'determ']), required: true }, control: { check: controlCheck, required: true }, value: { check: int(1, 10000), required: true } }),
  index: indexCheck,
  cookie: custom('hex', [], (v) => v),
});
const gact: ActionKind<{ index?: number; action: number; prob?: { ptype: number; pval: number; paction: number } }> = {
  check(o, path) {
    const v = gactSchema(o, path);
    const r = v.random;
    return { index: v.index, action: v.control ?? TC_ACT.ok, prob: r && { ptype: PGACT[r.type as keyof typeof PGACT], pval: r.value!, paction: r.control! } };
  },
  encode(w, c) {
    gactAttrs.encodeOne(w, 'parms', { index: c.index ?? 0, action: c.action });
    if (c.prob) gactAttrs.encodeOne(w, 'prob', c.prob);
  },
  decode(b, off, end, path) {
    const raw = gactAttrs.decode(b, off, end, undefined, path) as Partial<{ tm: ActionListed['tm']; parms: StructOf<typeof gactParms>; prob: StructOf<typeof gactProb> }>;
    const out: Record<string, unknown> = {};
    if (raw.parms) genOut(out, raw.parms);
    if (raw.prob && raw.prob.ptype) out.random = { type: raw.prob.ptype === 1 ? 'netrand' : 'determ', control: controlName(raw.prob.paction), value: raw.prob.pval };
    if (raw.tm) out.tm = raw.tm;
    return out;
  },
};

// ---------------------------------------------------------------------------
// The registry and the list format

/** Every action kind the library writes, by `tc`'s name. Others are listed with their raw options. */
export const actionKinds: Record<string, ActionKind<any>> = Object.assign(Object.create(null) as Record<string, ActionKind<any>>, { mirred, gact });

/** Adds an action kind to the registry (`tc … action NAME …`): modules of further kinds call this when they load. */
export function registerAction(name: string, kind: ActionKind<any>): void {
  actionKinds[name] = kind;
}

/** An action as checked: its kind, its kind's checked options, its cookie. */
export interface CheckedAction {
  kind: string;
  spec: ActionKind<any>;
  checked: { index?: number };
  cookie?: Buffer;
}

const COOKIE_MAX = 16;
/** Checks one action object (`path` = `…actions[i]`). */
export function checkAction(v: unknown, path: string): CheckedAction {
  if (!isPlain(v)) throw new TypeError(`${path} must be an action object such as { kind: 'mirred', mirredAction: 'redirect', dev: 'ifb0' }, got ${show(v)}`);
  const kind = v.kind;
  if (typeof kind !== 'string') throw new TypeError(`${path}.kind is required: the action's kind (${Object.keys(actionKinds).join(', ')})`);
  const spec = own(actionKinds, kind);
  if (!spec) {
    const near = closest(kind, Object.keys(actionKinds));
    throw new RangeError(`${path}.kind: unknown action kind ${show(kind)}${near ? ` (did you mean '${near}'?)` : ''}; known: ${Object.keys(actionKinds).join(', ')}`);
  }
  let cookie: Buffer | undefined;
  if (v.cookie !== undefined) {
    if (typeof v.cookie !== 'string' || !/^([0-9a-fA-F]{2}){1,16}$/.test(v.cookie)) throw new TypeError(`${path}.cookie must be 1..${COOKIE_MAX} bytes as hex (such as 'a1b2c3'), got ${show(v.cookie)}`);
    cookie = Buffer.from(v.cookie, 'hex');
  }
  return { kind, spec, checked: spec.check(v, path), cookie };
}

/** Checks a list of actions (non-empty, at most TCA_ACT_MAX_PRIO = 32). */
export const actionsCheck: Check<CheckedAction[]> = custom('a non-empty array of action objects (at most 32)', [[], {}, 'drop', [null], [{ kind: 'nope' }]], (v, path) => {
  if (!Array.isArray(v)) throw new TypeError(`${path} must be ${actionsCheck.expects}, got ${show(v)}`);
  if (!v.length || v.length > 32) throw new RangeError(`${path} must hold 1..32 actions, got ${v.length}`);
  return v.map((a, i) => checkAction(a, `${path}[${i}]`));
});

/** Links the actions name (their targets, resolved before sending). */
export function actionLinks(list: readonly CheckedAction[]): LinkRef[] {
  return list.flatMap((a) => a.spec.links?.(a.checked) ?? []);
}

/** Writes the nests 1..n of a TCA_ACT_TAB-format list (the caller has opened the list attribute). */
export function encodeActions(w: Writer, list: readonly CheckedAction[], ctx: TcEncodeContext): void {
  list.forEach((a, i) => {
    const at = w.beginAttr(i + 1);
    actAttrs.encodeOne(w, 'kind', a.kind);
    const opt = w.beginAttr(TCA_ACT_OPTIONS | NLA_F_NESTED);
    a.spec.encode(w, a.checked, ctx);
    w.endAttr(opt);
    if (a.cookie) actAttrs.encodeBytes(w, 'cookie', a.cookie);
    w.endAttr(at);
  });
}

/** An action as listed: its kind, its options by its kind's names, and the listed fields. */
export type ListedAction = { kind: string; [field: string]: unknown } & ActionListed;

/** Reads a TCA_ACT_TAB-format list [off, end) (order by the nest ids). */
export function decodeActions(b: Buffer, off: number, end: number, path: string): ListedAction[] {
  const out: [number, ListedAction][] = [];
  let i = 0;
  while (end - off >= 4) {
    const len = b.readUInt16LE(off);
    if (len < 4 || len > end - off) break;
    const prio = b.readUInt16LE(off + 2) & 0x3fff;
    out.push([prio, decodeAction(b, off + 4, off + len, `${path}[${i++}]`)]);
    off += (len + 3) & ~3;
  }
  return out.sort((x, y) => x[0] - y[0]).map(([, a]) => a);
}

/** Reads one action's TCA_ACT_* [off, end). */
export function decodeAction(b: Buffer, off: number, end: number, path: string): ListedAction {
  const raw = actAttrs.decode(b, off, end, undefined, path) as Partial<{ kind: string; options: Span; index: number; stats: Partial<TcaStats2>; cookie: Uint8Array }>;
  const kind = raw.kind ?? '';
  const a: ListedAction = { kind };
  const spec = own(actionKinds, kind);
  if (raw.options) {
    if (spec?.decode) Object.assign(a, spec.decode(b, raw.options.off, raw.options.end, pathOf(path, 'options')));
    else a.options = Buffer.from(b.subarray(raw.options.off, raw.options.end)).toString('hex');
  }
  if (raw.index !== undefined && a.index === undefined) a.index = raw.index;
  if (raw.cookie) a.cookie = Buffer.from(raw.cookie).toString('hex');
  if (raw.stats) a.stats = statsOf(raw.stats);
  return a;
}

/** The statistics of TCA_STATS2 (or TCA_ACT_STATS) flattened as `tc -s -j` prints them. */
export function statsOf(s: Partial<TcaStats2>): { bytes: number; packets: number; drops: number; overlimits: number; requeues: number; backlog: number; qlen: number; bps?: number; pps?: number } {
  const out = {
    bytes: s.basic?.bytes ?? 0,
    packets: s.basic?.packets ?? 0,
    drops: s.queue?.drops ?? 0,
    overlimits: s.queue?.overlimits ?? 0,
    requeues: s.queue?.requeues ?? 0,
    backlog: s.queue?.backlog ?? 0,
    qlen: s.queue?.qlen ?? 0,
  } as ReturnType<typeof statsOf>;
  if (s.pkt64 !== undefined) out.packets = s.pkt64;
  const est = s.rateEst64 ?? s.rateEst;
  if (est) Object.assign(out, { bps: est.bps * 8, pps: est.pps });
  return out;
}

/** Writes an RTM_*ACTION body: struct tcamsg and TCA_ACT_TAB with the actions (`tc actions add`). */
export function writeActionsMsg(w: Writer, list: readonly CheckedAction[], ctx: TcEncodeContext): void {
  tcamsg.encode(w, { family: 0 }, 'actions');
  const at = w.beginAttr(actRootAttrs.idOf('tab'));
  encodeActions(w, list, ctx);
  w.endAttr(at);
}

/**
 * Writes an RTM_*ACTION body naming actions by kind (and index), as
 * `tc actions get|del|ls action KIND [index N]`; `largeDump` adds
 * TCA_ROOT_FLAGS with TCA_ACT_FLAG_LARGE_DUMP_ON, as `tc actions ls` does.
 */
export function writeActionSelectors(w: Writer, sel: readonly { kind: string; index?: number }[], largeDump = false): void {
  tcamsg.encode(w, { family: 0 }, 'actions');
  const at = w.beginAttr(actRootAttrs.idOf('tab'));
  sel.forEach((s, i) => {
    const a = w.beginAttr(i + 1);
    actAttrs.encodeOne(w, 'kind', s.kind);
    if (s.index !== undefined) actAttrs.encodeOne(w, 'index', s.index);
    w.endAttr(a);
  });
  w.endAttr(at);
  if (largeDump) {
    const f = w.beginAttr(TCA_ROOT_FLAGS);
    w.u32(1); // value: TCA_ACT_FLAG_LARGE_DUMP_ON
    w.u32(1); // selector
    w.endAttr(f);
  }
}

/** Reads an RTM_*ACTION message's actions (struct tcamsg, then TCA_ACT_TAB). */
export function parseActionsMsg(b: Buffer, off: number, end: number): ListedAction[] {
  tcamsg.header(b, off, end, 'actions');
  const raw = actRootAttrs.decode(b, off + tcamsg.size, end, undefined, 'actions') as Partial<{ tab: Span }>;
  return raw.tab ? decodeActions(b, raw.tab.off, raw.tab.end, 'actions') : [];
}
