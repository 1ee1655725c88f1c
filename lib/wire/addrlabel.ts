/**
 * The address label messages' wire tables: struct ifaddrlblmsg and IFAL_*
 * (linux/if_addrlabel.h), each entry `name: [id, type, 'UAPI_NAME']`.
 * @module
 */
import { attrs, struct, t } from '../codec.js';

/** struct ifaddrlblmsg (linux/if_addrlabel.h). */
export interface IfAddrLblMsg {
  family: number;
  prefixlen: number;
  flags: number;
  index: number;
  /** ifal_seq: the kernel's label list generation, reported in dumps. */
  seq: number;
}
/** The ifaddrlblmsg header codec. */
export const ifaddrlblmsg = struct<IfAddrLblMsg>('ifaddrlblmsg', [
  ['family', 'u8', 'ifal_family'],
  ['_reserved', 'pad8', '__ifal_reserved'],
  ['prefixlen', 'u8', 'ifal_prefixlen'],
  ['flags', 'u8', 'ifal_flags'],
  ['index', 'u32', 'ifal_index'],
  ['seq', 'u32', 'ifal_seq'],
]);

/** IFAL_* (linux/if_addrlabel.h). */
export interface IfalAttrs {
  address: string;
  label: number;
}
/** The address label table. */
export const addrlabelAttrs = attrs<IfalAttrs>('addrlabel', {
  address: [1, t.ip, 'IFAL_ADDRESS'],
  label: [2, t.u32, 'IFAL_LABEL'],
});
