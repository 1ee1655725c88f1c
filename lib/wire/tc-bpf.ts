/**
 * The bpf classifier (`tc filter add … bpf …`): its TCA_BPF_* table
 * (linux/pkt_cls.h), written `name: [id, type, 'UAPI_NAME']`. An eBPF
 * program is given as a file descriptor the caller holds (`fd`, with the
 * `name` tc would write, such as `'prog.o:[classifier]'`), or a classic BPF
 * program as its instructions (`bytecode`, tc's `bytecode 'N,c t f k,…'`).
 * A pinned program (`pinned`, tc's `object-pinned PATH`) is opened with
 * BPF_OBJ_GET just before the request and closed once the kernel answered.
 * Loading object files (tc's `object-file`) is left to bpftool or libbpf.
 * @module
 */
import { closeSync } from 'node:fs';
import { basename } from 'node:path';
import { attrs, t, type Writer } from '../codec.js';
import { native } from '../native.js';
import { formatHandle, handleCheck } from '../tcunits.js';
import { closest, int, isPlain, show, bool } from '../validate.js';
import { actionLinks, actionsCheck, decodeActions, type CheckedAction } from './tc-actions.js';
import { decodePolice, filterPoliceCheck, findAttr, registerFilter, writeActionList, writePolice, type FilterKind } from './tc-filters.js';
import { TCA_OPTIONS } from './tc.js';

/** TCA_BPF_* as decoded. */
interface BpfAttrs {
  classid: number;
  opsLen: number;
  ops: Uint8Array;
  fd: number;
  name: string;
  flags: number;
  flagsGen: number;
  tag: Uint8Array;
  id: number;
}
/** The TCA_BPF_* table: what `tc filter add … bpf …` writes (TCA_BPF_ACT = 1 is written by the action list encoder). */
export const bpfAttrs = attrs<BpfAttrs>('bpf', {
  classid: [3, t.u32, 'TCA_BPF_CLASSID'],
  opsLen: [4, t.u16, 'TCA_BPF_OPS_LEN'],
  ops: [5, t.binary, 'TCA_BPF_OPS'],
  fd: [6, t.u32, 'TCA_BPF_FD'],
  name: [7, t.string, 'TCA_BPF_NAME'],
  flags: [8, t.u32, 'TCA_BPF_FLAGS'],
  flagsGen: [9, t.u32, 'TCA_BPF_FLAGS_GEN'],
  tag: [10, t.binary, 'TCA_BPF_TAG'],
  id: [11, t.u32, 'TCA_BPF_ID'],
});
const TCA_BPF_ACT = 1;
const TCA_BPF_POLICE = 2;
/** TCA_BPF_FLAG_ACT_DIRECT: the program's return value is the verdict (`direct-action`). */
const TCA_BPF_FLAG_ACT_DIRECT = 1;
/** BPF_MAXINSNS (linux/bpf_common.h): the most classic instructions a program has. */
const BPF_MAXINSNS = 4096;
/** Host byte order (struct sock_filter is host order). */
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One classic BPF instruction (struct sock_filter): `[code, jt, jf, k]`, one `code jt jf k` of tc's `bytecode`. */
export type SockFilter = [code: number, jt: number, jf: number, k: number];

/**
 * `tc filter add … bpf [fd FD name NAME | bytecode 'N,c t f k,…'] [direct-action|da]
 * [classid ID] [skip_sw|skip_hw] [police …] [action …]`, or `object-pinned PATH`
 * (`pinned`); tc's `object-file` is left to a loader (pass the loaded program's fd).
 */
export interface BpfOptions {
  /** The fd of a loaded eBPF program (BPF_PROG_TYPE_SCHED_CLS) this process holds. */
  fd?: number;
  /** The name shown in lists (tc writes `'FILE:[SECTION]'`). Needs `fd`. */
  name?: string;
  /** A classic BPF program: its instructions, or tc's string `'N,code jt jf k,…'`. */
  bytecode?: SockFilter[] | string;
  /** `direct-action` / `da`: the program's return value is the action's verdict. */
  directAction?: boolean;
  /** `classid`/`flowid ID`. */
  classid?: string | number;
  flowid?: string | number;
  /** `skip_sw` / `skip_hw`. */
  skipSw?: boolean;
  skipHw?: boolean;
  /** The actions run on a match. */
  actions?: unknown[];
  /** `police …`: the filter's own policer (the police action's options). */
  police?: Record<string, unknown>;
  /**
   * `object-pinned PATH` / `pinned PATH`: a program pinned in a BPF filesystem
   * (absolute path). Opened for the request only; its name defaults to tc's
   * `'FILE:[*fsobj]'`. Lists report the program's `id` and `tag`, not a path.
   */
  pinned?: string;
}

const KNOWN = ['fd', 'name', 'bytecode', 'directAction', 'classid', 'flowid', 'skipSw', 'skipHw', 'actions', 'police', 'pinned'];
const classidCheck = handleCheck('classid');

/** tc's bytecode string, or a list of instructions, as 8-byte sock_filters. */
function bytecodeCheck(v: unknown, path: string): SockFilter[] {
  let list: unknown[];
  if (typeof v === 'string') {
    const parts = v.split(',').map((s) => s.trim()).filter((s, i, a) => s !== '' || i < a.length - 1);
    const n = Number(parts[0]);
    if (!/^\d+$/.test(parts[0] ?? '') || n !== parts.length - 1) throw new RangeError(`${path} must be tc's 'N,code jt jf k,…' with N instructions, got ${show(v)}`);
    list = parts.slice(1).map((p) => p.split(/\s+/).map(Number));
  } else if (Array.isArray(v)) list = v;
  else throw new TypeError(`${path} must be a list of [code, jt, jf, k] instructions or tc's 'N,code jt jf k,…', got ${show(v)}`);
  if (!list.length || list.length > BPF_MAXINSNS) throw new RangeError(`${path} must hold 1..${BPF_MAXINSNS} instructions, got ${list.length}`);
  return list.map((ins, i) => {
    const at = `${path}[${i}]`;
    if (!Array.isArray(ins) || ins.length !== 4) throw new TypeError(`${at} must be [code, jt, jf, k], got ${show(ins)}`);
    return [int(0, 0xffff)(ins[0], `${at}.code`), int(0, 0xff)(ins[1], `${at}.jt`), int(0, 0xff)(ins[2], `${at}.jf`), int(0, 0xffffffff)(ins[3], `${at}.k`)] as SockFilter;
  });
}

interface BpfChecked {
  items: ({ as: 'classid'; v: number } | { as: 'actions' | 'police'; v: CheckedAction[] })[];
  fd?: number;
  /** The pinned program's path; its fd is opened by `acquire`. */
  pinned?: string;
  name?: string;
  ops?: SockFilter[];
  flags: number;
  flagsGen: number;
  actions?: CheckedAction[];
}

const bpf: FilterKind<BpfChecked> = {
  check(o, path) {
    if (!isPlain(o)) throw new TypeError(`${path} must be an object of bpf options (fd or bytecode required), got ${show(o)}`);
    for (const k of Object.keys(o)) {
      if (!KNOWN.includes(k)) {
        const near = closest(k, KNOWN);
        throw new TypeError(`${path}.${k} is not a bpf option${near ? ` (did you mean '${near}'?)` : ''}; bpf takes ${KNOWN.join(', ')}`);
      }
    }
    const given = (['fd', 'pinned', 'bytecode'] as const).filter((k) => o[k] !== undefined);
    if (!given.length) throw new TypeError(`${path}.fd is required (a loaded eBPF program's file descriptor), or pinned (its path in a BPF filesystem), or bytecode for a classic BPF program`);
    if (given.length > 1) throw new TypeError(`${path}: give one of fd, pinned (eBPF) or bytecode (classic BPF), got ${given.join(' and ')}`);
    if (o.name !== undefined && o.fd === undefined && o.pinned === undefined) throw new TypeError(`${path}.name goes with fd or pinned (classic bytecode has no name)`);
    if (o.classid !== undefined && o.flowid !== undefined) throw new TypeError(`${path}: give classid or flowid (the same thing), not both`);
    const c: BpfChecked = { items: [], flags: 0, flagsGen: 0 };
    if (o.fd !== undefined) c.fd = int(0, 0x7fffffff)(o.fd, `${path}.fd`);
    if (o.pinned !== undefined) {
      if (typeof o.pinned !== 'string' || !o.pinned.startsWith('/') || o.pinned.includes('\0') || o.pinned.length > 4095)
        throw new TypeError(`${path}.pinned must be the absolute path of a pinned program (such as '/sys/fs/bpf/prog'), got ${show(o.pinned)}`);
      c.pinned = o.pinned;
      c.name = `${basename(o.pinned)}:[*fsobj]`;
    }
    if (o.name !== undefined) {
      if (typeof o.name !== 'string' || o.name.includes('\0')) throw new TypeError(`${path}.name must be a string without NUL, got ${show(o.name)}`);
      c.name = o.name;
    }
    if (o.bytecode !== undefined) c.ops = bytecodeCheck(o.bytecode, `${path}.bytecode`);
    if (o.directAction !== undefined && bool(o.directAction, `${path}.directAction`)) c.flags |= TCA_BPF_FLAG_ACT_DIRECT;
    if (o.skipHw !== undefined && bool(o.skipHw, `${path}.skipHw`)) c.flagsGen |= 1;
    if (o.skipSw !== undefined && bool(o.skipSw, `${path}.skipSw`)) c.flagsGen |= 2;
    // classid and actions go where they are given, as tc writes them while reading
    for (const k of Object.keys(o)) {
      if ((k === 'classid' || k === 'flowid') && o[k] !== undefined) c.items.push({ as: 'classid', v: classidCheck(o[k], `${path}.${k}`) });
      if (k === 'police' && o.police !== undefined) c.items.push({ as: 'police', v: [filterPoliceCheck(o.police, `${path}.police`)] });
      if (k === 'actions' && o.actions !== undefined) {
        c.actions = actionsCheck(o.actions, `${path}.actions`);
        c.items.push({ as: 'actions', v: c.actions });
      }
    }
    return c;
  },
  links: (c) => (c.actions ? actionLinks(c.actions) : []),
  acquire(c, path) {
    if (c.pinned === undefined) return () => {};
    let fd: number;
    try {
      fd = native.bpfObjGet(c.pinned);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw Object.assign(new Error(`${path}.pinned: cannot open ${c.pinned}: ${err.message}`, { cause: e }), { code: err.code, errno: err.errno, syscall: 'bpf' });
    }
    c.fd = fd;
    return () => {
      c.fd = undefined;
      closeSync(fd);
    };
  },
  encode(w: Writer, c, ctx) {
    const at = w.beginAttr(TCA_OPTIONS);
    for (const it of c.items) {
      if (it.as === 'classid') bpfAttrs.encodeOne(w, 'classid', it.v);
      else if (it.as === 'police') writePolice(w, TCA_BPF_POLICE, it.v[0], ctx);
      else writeActionList(w, TCA_BPF_ACT, it.v, ctx);
    }
    if (c.fd !== undefined) {
      bpfAttrs.encodeOne(w, 'fd', c.fd);
      // tc always names the program (its 'FILE:[SECTION]')
      bpfAttrs.encodeOne(w, 'name', c.name ?? '');
    }
    if (c.ops) {
      bpfAttrs.encodeOne(w, 'opsLen', c.ops.length);
      const b = Buffer.alloc(c.ops.length * 8);
      c.ops.forEach(([code, jt, jf, k], i) => {
        if (LE) b.writeUInt16LE(code, i * 8);
        else b.writeUInt16BE(code, i * 8);
        b[i * 8 + 2] = jt;
        b[i * 8 + 3] = jf;
        if (LE) b.writeUInt32LE(k, i * 8 + 4);
        else b.writeUInt32BE(k, i * 8 + 4);
      });
      bpfAttrs.encodeBytes(w, 'ops', b);
    }
    if (c.flagsGen) bpfAttrs.encodeOne(w, 'flagsGen', c.flagsGen);
    if (c.flags) bpfAttrs.encodeOne(w, 'flags', c.flags);
    w.endAttr(at);
  },
  decode(b, off, end, path) {
    const r = bpfAttrs.decode(b, off, end, undefined, path) as Partial<BpfAttrs>;
    const out: Record<string, unknown> = {};
    if (r.classid !== undefined) out.classid = formatHandle(r.classid);
    if (r.fd !== undefined) out.fd = r.fd;
    if (r.name !== undefined) out.name = r.name;
    if (r.ops) {
      const ops = Buffer.from(r.ops);
      const list: SockFilter[] = [];
      for (let i = 0; i + 8 <= ops.length; i += 8) list.push(LE ? [ops.readUInt16LE(i), ops[i + 2], ops[i + 3], ops.readUInt32LE(i + 4)] : [ops.readUInt16BE(i), ops[i + 2], ops[i + 3], ops.readUInt32BE(i + 4)]);
      out.bytecode = list;
    }
    if (r.flags && r.flags & TCA_BPF_FLAG_ACT_DIRECT) out.directAction = true;
    if (r.flagsGen) {
      if (r.flagsGen & 1) out.skipHw = true;
      if (r.flagsGen & 2) out.skipSw = true;
    }
    if (r.tag) out.tag = Buffer.from(r.tag).toString('hex');
    if (r.id !== undefined) out.id = r.id;
    const acts = findAttr(b, off, end, TCA_BPF_ACT);
    if (acts) out.actions = decodeActions(b, acts[0], acts[1], `${path}.actions`);
    const pol = findAttr(b, off, end, TCA_BPF_POLICE);
    if (pol) out.police = decodePolice(b, pol[0], pol[1], `${path}.police`);
    return out;
  },
};

registerFilter('bpf', bpf);
