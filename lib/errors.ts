/**
 * The library's errors. Kernel refusals are {@link NetlinkError}s in the shape
 * of Node's system errors; bad input is a plain `TypeError`/`RangeError`
 * thrown before anything is sent. When the kernel's answer can no longer
 * arrive, the error says whether the request was sent: {@link ClosedError} and
 * a `sent: false` abort or timeout mean the kernel never saw it;
 * {@link OutcomeUnknownError} and a `sent: true` abort or timeout mean it may
 * have been applied.
 * @module
 */
import { constants } from 'node:os';

const errnoNames = new Map<number, string>();
for (const [name, n] of Object.entries(constants.errno)) if (!errnoNames.has(n)) errnoNames.set(n, name);
// Linux names 95 EOPNOTSUPP (strerrorname_np, the kernel's own headers); Node lists ENOTSUP first.
if (constants.errno.EOPNOTSUPP !== undefined) errnoNames.set(constants.errno.EOPNOTSUPP, 'EOPNOTSUPP');

/** The symbolic name of a (positive or negative) errno: `17` → `'EEXIST'`. */
export function errnoName(errno: number): string {
  return errnoNames.get(Math.abs(errno)) ?? `E${Math.abs(errno)}`;
}

/** What the kernel said about a failed request, besides the errno. */
export interface ExtAck {
  /** The kernel's extended-ack text (`NLMSGERR_ATTR_MSG`). */
  message?: string;
  /** Byte offset of the offending attribute in the request (`NLMSGERR_ATTR_OFFS`). */
  offset?: number;
  /** Attribute type the kernel missed (`NLMSGERR_ATTR_MISS_TYPE`). */
  missingType?: number;
}

/**
 * A request the kernel refused (or a socket failure). Shaped like Node's
 * SystemError: `code` is stable (`'EEXIST'`, `'ENODEV'`, …), `errno` is
 * negative so `util.getSystemErrorName(err.errno)` works, `syscall` names the
 * request (`'RTM_NEWLINK'`), `extack` holds the kernel's own explanation.
 */
export class NetlinkError extends Error {
  override name = 'NetlinkError';
  /** Symbolic errno, e.g. `'EEXIST'`. */
  readonly code: string;
  /** Negative errno, e.g. `-17`. */
  readonly errno: number;
  /** The request type that failed, e.g. `'RTM_NEWLINK'` (or a system call: `'setns'`, `'socket'`). */
  readonly syscall: string;
  /** The kernel's extended-ack message, when it sent one. */
  readonly extack?: string;
  /** Offset of the attribute the kernel pointed at, when it did. */
  readonly extackOffset?: number;
  /** The caller's field the kernel pointed at (mapped from the offset), when known. */
  readonly field?: string;
  /**
   * Whether the kernel received the request. A kernel refusal is `true` (it
   * saw it and said no); a send failure is `false`.
   */
  sent?: boolean;
  /** What a dump had returned before it failed (`EINTR`: the kernel marked it inconsistent every time). */
  partial?: unknown[];

  constructor(errno: number, syscall: string, ack: ExtAck = {}, detail?: string, field?: string) {
    const code = errnoName(errno);
    const text = ack.message ? `: ${ack.message}` : '';
    super(`${syscall} failed: ${code}${text}${detail ? ` (${detail})` : ''}${field ? ` [${field}]` : ''}`);
    this.code = code;
    this.errno = -Math.abs(errno);
    this.syscall = syscall;
    if (ack.message !== undefined) this.extack = ack.message;
    if (ack.offset !== undefined) this.extackOffset = ack.offset;
    if (field !== undefined) this.field = field;
  }
}

/** Rejected by a handle that was closed before the request was sent: the kernel never saw it. */
export class ClosedError extends Error {
  override name = 'ClosedError';
  /** Always `'ERR_HANDLE_CLOSED'`. */
  readonly code = 'ERR_HANDLE_CLOSED';
  /** Always `false`: nothing was sent. */
  readonly sent = false;
  constructor(what = 'netlink handle', detail = '; the request was not sent') {
    super(`${what} is closed${detail}`);
  }
}

/**
 * The request was sent, but its answer can no longer arrive (the handle was
 * closed with `force`, or the kernel dropped replies under memory pressure):
 * it may or may not have been applied. Look at the kernel's state to know.
 */
export class OutcomeUnknownError extends Error {
  override name = 'OutcomeUnknownError';
  /** Always `'ERR_OUTCOME_UNKNOWN'`. */
  readonly code = 'ERR_OUTCOME_UNKNOWN';
  /** Always `true`: the kernel received the request. */
  readonly sent = true;
  /** The request type, e.g. `'RTM_NEWROUTE'`. */
  readonly syscall: string;
  /** Why the answer is missing. */
  readonly reason: 'closed' | 'overrun';
  constructor(syscall: string, reason: 'closed' | 'overrun') {
    super(
      `${syscall}: the request was sent but its answer ${reason === 'closed' ? 'was abandoned when the handle was closed' : 'was dropped by the kernel (receive buffer overrun, ENOBUFS)'}; it may or may not have been applied`,
    );
    this.syscall = syscall;
    this.reason = reason;
  }
}

/** Node's AbortError shape (`name: 'AbortError'`, `code: 'ABORT_ERR'`), saying whether the request was sent. */
export class AbortError extends Error {
  override name = 'AbortError';
  /** Always `'ABORT_ERR'`, as Node's own. */
  readonly code = 'ABORT_ERR';
  /** True when the kernel had received the request before the abort (it may have been applied). */
  readonly sent: boolean;
  constructor(sent: boolean, cause?: unknown, what = 'The operation') {
    super(`${what} was aborted${sent ? ' after the request was sent; it may have been applied' : ' before the request was sent'}`, cause === undefined ? undefined : { cause });
    this.sent = sent;
  }
}

/** No answer came within the handle's (or the call's) `timeout`; says whether the request was sent. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
  /** Always `'ETIMEDOUT'`. */
  readonly code = 'ETIMEDOUT';
  /** True when the kernel had received the request (it may have been applied). */
  readonly sent: boolean;
  /** The timeout in milliseconds. */
  readonly timeout: number;
  constructor(sent: boolean, timeout: number, syscall: string) {
    super(`${syscall}: no answer within ${timeout} ms${sent ? '; the request was sent and may have been applied' : '; the request was not sent'}`);
    this.sent = sent;
    this.timeout = timeout;
  }
}

/**
 * A reply the library could not decode (an attribute shorter or longer than
 * its type, a message cut short). Rejects the request it answered; the
 * connection goes on.
 */
export class DecodeError extends Error {
  override name = 'DecodeError';
  /** Always `'ERR_NETLINK_DECODE'`. */
  readonly code = 'ERR_NETLINK_DECODE';
  /** The attribute path, e.g. `'link.mtu'` or `'route.multipath[1].gateway'`. */
  readonly path: string;
  constructor(path: string, detail: string) {
    super(`cannot decode ${path}: ${detail}`);
    this.path = path;
  }
}
