/**
 * The nsid messages' wire tables: struct rtgenmsg and NETNSA_*
 * (linux/net_namespace.h), each entry `name: [id, type, 'UAPI_NAME']`.
 * @module
 */
import { attrs, struct, t, type UnknownAttrs } from '../codec.js';

/** struct rtgenmsg (linux/rtnetlink.h), padded to 4 bytes as netlink aligns it. */
export const rtgenmsg = struct<{ family: number }>('rtgenmsg', [
  ['family', 'u8', 'rtgen_family'],
  ['_pad1', 'pad8', ''],
  ['_pad2', 'pad16', ''],
]);

/** NETNSA_* attributes. */
export interface NsidAttrs {
  nsid?: number;
  pid?: number;
  fd?: number;
  targetNsid?: number;
  currentNsid?: number;
  /** NETNSA_* no table knows. */
  unknown?: UnknownAttrs;
}
/** The nsid table. */
export const nsidAttrs = attrs<NsidAttrs>('netns', {
  nsid: [1, t.s32, 'NETNSA_NSID'],
  pid: [2, t.u32, 'NETNSA_PID'],
  fd: [3, t.u32, 'NETNSA_FD'],
  targetNsid: [4, t.s32, 'NETNSA_TARGET_NSID'],
  currentNsid: [5, t.s32, 'NETNSA_CURRENT_NSID'],
});

/** NETNSA_NSID_NOT_ASSIGNED: the namespace has no id (or asks the kernel to pick one). */
export const NSID_NOT_ASSIGNED = -1;
