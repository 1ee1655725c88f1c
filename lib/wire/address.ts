/**
 * The address messages' wire tables: struct ifaddrmsg and IFA_*
 * (linux/if_addr.h), each entry `name: [id, type, 'UAPI_NAME']`.
 * @module
 */
import { attrs, enumOf, struct, t } from '../codec.js';

/** struct ifaddrmsg (linux/if_addr.h). */
export interface IfAddrMsg {
  family: number;
  prefixlen: number;
  flags: number;
  scope: number;
  index: number;
}
/** The ifaddrmsg header codec. */
export const ifaddrmsg = struct<IfAddrMsg>('ifaddrmsg', [
  ['family', 'u8', 'ifa_family'],
  ['prefixlen', 'u8', 'ifa_prefixlen'],
  ['flags', 'u8', 'ifa_flags'],
  ['scope', 'u8', 'ifa_scope'],
  ['index', 'u32', 'ifa_index'],
]);

/** Address origins (`IFAPROT_*`), as `ip address … proto` names them. */
export const addressProtos = { unspec: 0, kernel_lo: 1, kernel_ra: 2, kernel_ll: 3 } as const;
/** `proto`: who configured an address (a name or a number 0–255). */
export type AddressProto = keyof typeof addressProtos | number;

/** Lifetimes and timestamps of an address (struct ifa_cacheinfo). */
export interface IfaCacheinfo {
  preferred: number;
  valid: number;
  cstamp: number;
  tstamp: number;
}
const cacheinfo = struct<IfaCacheinfo>('ifa_cacheinfo', [
  ['preferred', 'u32', 'ifa_prefered'],
  ['valid', 'u32', 'ifa_valid'],
  ['cstamp', 'u32', 'cstamp'],
  ['tstamp', 'u32', 'tstamp'],
]);

/** IFA_* (linux/if_addr.h), by their kernel meaning. */
export interface IfaAttrs {
  ifaAddress: string;
  ifaLocal: string;
  label: string;
  broadcast: string;
  anycast: string;
  cacheinfo: IfaCacheinfo;
  multicast: string;
  ifaFlags: number;
  metric: number;
  proto: AddressProto;
  /** A dump request's: the namespace of this nsid (replies carry it back; not decoded). */
  targetNetnsid: number;
}
/** The address table. */
export const addrAttrs = attrs<IfaAttrs>('address', {
  ifaAddress: [1, t.ip, 'IFA_ADDRESS'],
  ifaLocal: [2, t.ip, 'IFA_LOCAL'],
  label: [3, t.string, 'IFA_LABEL'],
  broadcast: [4, t.ip, 'IFA_BROADCAST'],
  anycast: [5, t.ip, 'IFA_ANYCAST'],
  cacheinfo: [6, cacheinfo, 'IFA_CACHEINFO'],
  multicast: [7, t.ip, 'IFA_MULTICAST'],
  ifaFlags: [8, t.u32, 'IFA_FLAGS'],
  metric: [9, t.u32, 'IFA_RT_PRIORITY'],
  targetNetnsid: { id: 10, uapi: 'IFA_TARGET_NETNSID', codec: t.s32, writeOnly: true },
  proto: [11, enumOf(t.u8, addressProtos), 'IFA_PROTO'],
});
