/**
 * The library's errors. Kernel refusals are {@link NetlinkError}s in the shape
 * of Node's system errors; bad input is a plain `TypeError`/`RangeError`
 * thrown before anything is sent.
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
  /** The request type that failed, e.g. `'RTM_NEWLINK'`. */
  readonly syscall: string;
  /** The kernel's extended-ack message, when it sent one. */
  readonly extack?: string;
  /** Offset of the attribute the kernel pointed at, when it did. */
  readonly extackOffset?: number;
  /** The caller's field the kernel pointed at (mapped from the offset), when known. */
  readonly field?: string;

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

/** Rejected by a handle that was closed before the request completed. */
export class ClosedError extends Error {
  override name = 'ClosedError';
  /** Always `'ERR_HANDLE_CLOSED'`. */
  readonly code = 'ERR_HANDLE_CLOSED';
  constructor(what = 'netlink handle') {
    super(`${what} is closed`);
  }
}
