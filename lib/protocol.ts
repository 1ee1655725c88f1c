/**
 * The netlink protocol, kept free of I/O: message framing constants and (below)
 * the state machine that decides what is sent when and what each reply means.
 * @module
 */

/** nlmsghdr flags (linux/netlink.h). */
export const NLM_F = {
  REQUEST: 0x1,
  MULTI: 0x2,
  ACK: 0x4,
  ECHO: 0x8,
  DUMP_INTR: 0x10,
  DUMP_FILTERED: 0x20,
  ROOT: 0x100,
  MATCH: 0x200,
  DUMP: 0x300,
  REPLACE: 0x100,
  EXCL: 0x200,
  CREATE: 0x400,
  APPEND: 0x800,
  NONREC: 0x100,
  BULK: 0x200,
  CAPPED: 0x100,
  ACK_TLVS: 0x200,
} as const;

/** Control message types (linux/netlink.h). */
export const NLMSG = { NOOP: 1, ERROR: 2, DONE: 3, OVERRUN: 4, MIN_TYPE: 0x10 } as const;
