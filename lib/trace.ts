/**
 * Observability: every request a connection makes is published on Node's
 * `diagnostics_channel` (the way undici publishes its HTTP requests), and
 * `NODE_DEBUG=rtnetlink` prints each one in `ip`'s words with its outcome and
 * time. Nothing here runs unless someone listens: the connection checks
 * `requestStart.hasSubscribers` once per request, and the debug printer is a
 * subscriber like any other (it subscribes at load when NODE_DEBUG names
 * rtnetlink).
 *
 * Channels (each message is one {@link RequestTrace}; the same object goes
 * through `start` and then `end` or `error`; a request is traced when `start`
 * has a subscriber as it is made, so listen to `start` to get `end`/`error`):
 * - `rtnetlink:request:start` — a request was made (encoded, numbered); its
 *   bytes are readable during this callback only (`message`).
 * - `rtnetlink:request:end` — it settled well (`duration`, `replies`).
 * - `rtnetlink:request:error` — it failed (`error`, `code`, `errno`, `sent`).
 * - `rtnetlink:batch:start` / `rtnetlink:batch:end` — one `nl.batch()` ({@link BatchTrace}).
 * @module
 */
import { channel } from 'node:diagnostics_channel';
import { debuglog, getSystemErrorMap } from 'node:util';
import { NetlinkError } from './errors.js';
import { NLM_F, type Outcome } from './protocol.js';
import type { NetnsRef } from './types.js';
import { RTM, rtmName } from './wire/rtm.js';

/** `rtnetlink:request:start`: a request was made. */
export const requestStart = channel('rtnetlink:request:start');
/** `rtnetlink:request:end`: a request settled without error. */
export const requestEnd = channel('rtnetlink:request:end');
/** `rtnetlink:request:error`: a request failed (the kernel refused it, or its answer cannot come). */
export const requestError = channel('rtnetlink:request:error');
/** `rtnetlink:batch:start`: `nl.batch()` checked its operations and starts sending them. */
export const batchStart = channel('rtnetlink:batch:start');
/** `rtnetlink:batch:end`: every operation of a batch has its result. */
export const batchEnd = channel('rtnetlink:batch:end');

/** What the request channels publish: one request, from start to its outcome. */
export interface RequestTrace {
  /** The request in `ip`'s (or `tc`'s) words: `'route add'`, `'link list'`, `'qdisc replace'`. */
  op: string;
  /** The netlink message type (`RTM_NEWROUTE` = 24). */
  type: number;
  /** Its name, `'RTM_NEWROUTE'`. */
  name: string;
  /** The nlmsghdr flags as sent (`NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL` = 0x605). */
  flags: number;
  /** Sequence number (unique among the requests of one handle). */
  seq: number;
  /** Length of the message in bytes. */
  bytes: number;
  /** A dump (`NLM_F_DUMP`): many reply messages. */
  dump: boolean;
  /** The namespace the handle works in, as it was named to `open()` (undefined: the caller's own). */
  netns: string | undefined;
  /** The whole message (nlmsghdr included): readable during the `start` callback only (copy it to keep it), then undefined. */
  message: Uint8Array | undefined;
  /** `performance.now()` when the request was made. */
  start: number;
  /** Milliseconds from made to settled (set at `end`/`error`). */
  duration: number | undefined;
  /** Reply messages parsed (`end` of a get or a list; undefined for a stream, whose items went to the reader). */
  replies: number | undefined;
  /** Times it was sent (a dump interrupted by changes, or a read whose answer was dropped, is sent again). */
  tries: number | undefined;
  /** What it failed with (`error`): a `NetlinkError`, `OutcomeUnknownError`, `TimeoutError`, `AbortError`, `ClosedError`, `DecodeError`. */
  error: unknown;
  /** The error's `code` (`'EEXIST'`, `'ERR_OUTCOME_UNKNOWN'`, `'ETIMEDOUT'`, …). */
  code: string | undefined;
  /** The error's negative errno (`-17`), when it has one. */
  errno: number | undefined;
  /** Whether the kernel got the request (`error`): false means nothing changed. */
  sent: boolean | undefined;
}

/** What the batch channels publish: one `nl.batch()`. */
export interface BatchTrace {
  /** Operations in the batch. */
  ops: number;
  stopOnError: boolean;
  netns: string | undefined;
  start: number;
  /** Set at `end`: milliseconds, and how the results came out. */
  duration: number | undefined;
  ok: number | undefined;
  failed: number | undefined;
  skipped: number | undefined;
}

/** What a trace reads of a connection's request (lib/netlink.ts's `Pending`). */
export interface Traced {
  readonly conn: object;
  readonly req: { readonly type: number };
  readonly bytes: Uint8Array;
  readonly seq: number;
  readonly dump: boolean;
  readonly results: unknown[] | undefined;
  readonly sink: unknown;
  readonly tries: number;
}

// ---------------------------------------------------------------------------
// Names: message type + flags -> ip's words

/** The object word of each message type's family (`RTM_NEWLINK`..`RTM_SETLINK` -> link). */
const OBJECT: Record<string, [string, string]> = {
  LINK: ['link', 'links'], ADDR: ['address', 'addresses'], ROUTE: ['route', 'routes'], NEIGH: ['neigh', 'neighbours'],
  RULE: ['rule', 'rules'], QDISC: ['qdisc', 'qdiscs'], TCLASS: ['class', 'classes'], TFILTER: ['filter', 'filters'],
  ACTION: ['action', 'actions'], NEIGHTBL: ['ntable', 'ntables'], NSID: ['nsid', 'nsids'], CHAIN: ['chain', 'chains'],
  NEXTHOP: ['nexthop', 'nexthops'],
};
const objects = new Map<number, [string, string]>();
for (const [k, v] of Object.entries(RTM)) {
  const word = OBJECT[k.replace(/^(NEW|DEL|GET|SET)/, '')];
  if (word) objects.set(v & ~3, word);
}

/** The verb of an `RTM_NEW*` by its flags, as `ip` and `tc` choose them. */
function newVerb(base: number, flags: number): string {
  const create = (flags & NLM_F.CREATE) !== 0;
  if (create && flags & NLM_F.EXCL) return 'add';
  if (create && flags & NLM_F.REPLACE) return 'replace';
  if (create && flags & NLM_F.APPEND) return 'append';
  if (create) return base === RTM.NEWROUTE ? 'prepend' : 'add';
  if (flags & NLM_F.REPLACE) return base === RTM.NEWQDISC ? 'link' : 'change';
  return base === RTM.NEWLINK ? 'set' : 'change';
}

const opNames = new Map<number, string>();

/** `'route add'` for `RTM_NEWROUTE` with `NLM_F_CREATE|NLM_F_EXCL`, `'link list'` for a `RTM_GETLINK` dump, and so on. */
export function opName(type: number, flags: number): string {
  const key = type * 0x10000 + flags;
  let name = opNames.get(key);
  if (name === undefined) {
    const base = type & ~3;
    const object = objects.get(base)?.[0];
    const kind = type & 3;
    const verb = kind === 0 ? newVerb(base, flags) : kind === 1 ? 'del' : kind === 2 ? ((flags & NLM_F.DUMP) === NLM_F.DUMP ? 'list' : 'get') : base === RTM.NEWLINK ? 'set' : 'change';
    name = object === undefined || type < RTM.NEWLINK ? rtmName(type) : `${object} ${verb}`;
    if (opNames.size < 4096) opNames.set(key, name);
  }
  return name;
}

// ---------------------------------------------------------------------------
// Namespaces by the name the caller gave

const netnsOf = new WeakMap<object, NetnsRef>();

/** Remembers how a connection's namespace was named (`open({ netns })`), for traces. */
export function labelConnection(conn: object, netns: NetnsRef | undefined): void {
  if (netns !== undefined) netnsOf.set(conn, netns);
}

/** `'blue'`, `'/run/netns/blue'`, `'pid 42'`, `'fd 23'`. */
function netnsLabel(conn: object): string | undefined {
  const ref = netnsOf.get(conn) as NetnsRef & { name?: unknown };
  if (ref === undefined) return undefined;
  if (typeof ref === 'string') return ref;
  if (typeof ref.name === 'string') return ref.name;
  try {
    if ('pid' in ref) return `pid ${ref.pid}`;
    if ('fd' in ref) return `fd ${ref.fd}`;
    return ref.path;
  } catch {
    return 'closed namespace';
  }
}

// ---------------------------------------------------------------------------
// The hooks (called by the connection only when requestStart has subscribers)

/** A request was made: its trace, published on `rtnetlink:request:start`. */
export function traceStart(p: Traced): RequestTrace {
  const b = p.bytes;
  const type = p.req.type;
  const flags = b[6] | (b[7] << 8);
  const t: RequestTrace = {
    op: opName(type, flags),
    type,
    name: rtmName(type),
    flags,
    seq: p.seq,
    bytes: b.length,
    dump: p.dump,
    netns: netnsLabel(p.conn),
    message: b,
    start: performance.now(),
    duration: undefined,
    replies: undefined,
    tries: undefined,
    error: undefined,
    code: undefined,
    errno: undefined,
    sent: undefined,
  };
  requestStart.publish(t);
  t.message = undefined;
  return t;
}

/** A request settled: published on `rtnetlink:request:end` (no `error`) or `rtnetlink:request:error`. */
export function traceEnd(t: RequestTrace, p: Traced, o: Outcome, error: unknown): void {
  t.duration = performance.now() - t.start;
  t.tries = p.tries;
  if (o.kind === 'ok') {
    t.replies = p.sink === undefined ? (p.results?.length ?? 0) : undefined;
    requestEnd.publish(t);
    return;
  }
  t.error = error;
  const e = (error ?? {}) as { code?: unknown; errno?: unknown; sent?: unknown };
  t.code = typeof e.code === 'string' ? e.code : undefined;
  t.errno = typeof e.errno === 'number' ? e.errno : undefined;
  // A reply that could not be decoded was the kernel's answer: sent. Closed before sending: not.
  t.sent = typeof e.sent === 'boolean' ? e.sent : o.kind !== 'unsent' && o.kind !== 'sendFailed';
  requestError.publish(t);
}

/** `nl.batch()` starts sending: its trace, published on `rtnetlink:batch:start`. */
export function traceBatchStart(conn: object, ops: number, stopOnError: boolean): BatchTrace {
  const t: BatchTrace = { ops, stopOnError, netns: netnsLabel(conn), start: performance.now(), duration: undefined, ok: undefined, failed: undefined, skipped: undefined };
  batchStart.publish(t);
  return t;
}

/** Every operation of a batch has its result: published on `rtnetlink:batch:end`. */
export function traceBatchEnd(t: BatchTrace, results: readonly { ok: boolean; skipped?: boolean }[]): void {
  t.duration = performance.now() - t.start;
  let ok = 0;
  let skipped = 0;
  for (const r of results) {
    if (r.ok) ok++;
    else if (r.skipped) skipped++;
  }
  t.ok = ok;
  t.skipped = skipped;
  t.failed = results.length - ok - skipped;
  batchEnd.publish(t);
}

// ---------------------------------------------------------------------------
// NODE_DEBUG=rtnetlink

/**
 * Describes a request's message in `ip`'s words after its op name
 * (`'10.0.0.0/24 dev 3 table main'`); installed by lib/describe.ts, which
 * knows the families' decoders. Called during the `start` callback only.
 */
export type Describer = (type: number, message: Buffer, dump: boolean) => string;
let describer: Describer | undefined;

/** Installs the {@link Describer} the debug printer uses. */
export function setDescriber(fn: Describer): void {
  describer = fn;
}

/** `12µs`, `3.4ms`, `1.25s`. */
export function formatDuration(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

/** What a request was, in one line: `-n blue route add 10.0.0.0/24 dev 3 table main`. */
export function describeStart(t: RequestTrace): string {
  let detail = '';
  if (describer !== undefined && t.message !== undefined) {
    const m = t.message;
    try {
      detail = describer(t.type, Buffer.from(m.buffer, m.byteOffset, m.byteLength), t.dump);
    } catch {
      // a message its family cannot read back: the op name alone
    }
  }
  return `${t.netns !== undefined ? `-n ${t.netns} ` : ''}${t.op}${detail ? ` ${detail}` : ''}`;
}

let systemErrors: Map<number, [string, string]> | undefined;
/** ` (file already exists)` for -17: libuv's text of an errno. */
function errnoText(errno: number): string {
  const text = (systemErrors ??= getSystemErrorMap()).get(errno)?.[1];
  return text ? ` (${text})` : '';
}

/** What became of it: `ok 12µs`, `3 links 80µs`, `EEXIST (file already exists) 30µs`, `ERR_OUTCOME_UNKNOWN (sent) 60.0s`. */
export function describeEnd(t: RequestTrace, failed: boolean): string {
  const time = formatDuration(t.duration ?? 0);
  const tries = t.tries !== undefined && t.tries > 1 ? ` (${t.tries} tries)` : '';
  if (!failed) {
    const reads = t.dump || (t.type & 3) === 2;
    if (!reads) return `ok ${time}${tries}`;
    if (t.replies === undefined) return `streamed ${time}${tries}`;
    const word = objects.get(t.type & ~3);
    const noun = word ? word[t.replies === 1 ? 0 : 1] : t.replies === 1 ? 'message' : 'messages';
    return `${t.replies} ${noun} ${time}${tries}`;
  }
  const e = t.error as { extack?: unknown; message?: unknown } | undefined;
  const code = t.code ?? (e instanceof Error ? e.name : 'error');
  const text =
    typeof e?.extack === 'string'
      ? `: ${e.extack}`
      : t.errno !== undefined
        ? errnoText(t.errno)
        : e instanceof Error && typeof e.message === 'string'
          ? `: ${e.message}`
          : '';
  // A kernel refusal was seen by the kernel by definition; for the rest, say which way it went.
  const sent = t.sent === false ? ' (not sent)' : t.sent === true && !(e instanceof NetlinkError) ? ' (sent)' : '';
  return `${code}${text}${sent} ${time}${tries}`;
}

const debug = debuglog('rtnetlink');
if (debug.enabled) {
  // The printer is an ordinary subscriber: with NODE_DEBUG unset nothing listens and nothing runs.
  const lines = new WeakMap<RequestTrace, string>();
  const started = (m: unknown) => void lines.set(m as RequestTrace, describeStart(m as RequestTrace));
  const ended = (failed: boolean) => (m: unknown) => {
    const t = m as RequestTrace;
    debug('%s -> %s (seq %d)', lines.get(t) ?? t.op, describeEnd(t, failed), t.seq);
  };
  requestStart.subscribe(started);
  requestEnd.subscribe(ended(false));
  requestError.subscribe(ended(true));
  batchStart.subscribe(() => {}); // the batch's trace starts there
  batchEnd.subscribe((m) => {
    const t = m as BatchTrace;
    const skipped = t.skipped ? `, ${t.skipped} skipped` : '';
    debug('%sbatch of %d -> %d ok, %d failed%s %s', t.netns !== undefined ? `-n ${t.netns} ` : '', t.ops, t.ok, t.failed, skipped, formatDuration(t.duration ?? 0));
  });
}
