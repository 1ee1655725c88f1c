/**
 * The neighbour messages' wire tables: struct ndmsg and NDA_*
 * (linux/neighbour.h), each entry `name: [id, type, 'UAPI_NAME']`.
 * @module
 */
import { attrs, struct, t } from '../codec.js';

/** struct ndmsg (linux/neighbour.h). */
export interface NdMsg {
  family: number;
  ifindex: number;
  state: number;
  flags: number;
  type: number;
}
/** The ndmsg header codec. */
export const ndmsg = struct<NdMsg>('ndmsg', [
  ['family', 'u8', 'ndm_family'],
  ['_pad1', 'pad8', 'ndm_pad1'],
  ['_pad2', 'pad16', 'ndm_pad2'],
  ['ifindex', 's32', 'ndm_ifindex'],
  ['state', 'u16', 'ndm_state'],
  ['flags', 'u8', 'ndm_flags'],
  ['type', 'u8', 'ndm_type'],
]);

/** Ages of an entry in clock ticks (struct nda_cacheinfo). */
export interface NdaCacheinfo {
  confirmed: number;
  used: number;
  updated: number;
  refcnt: number;
}
const ndaCacheinfo = struct<NdaCacheinfo>('nda_cacheinfo', [
  ['confirmed', 'u32', 'ndm_confirmed'],
  ['used', 'u32', 'ndm_used'],
  ['updated', 'u32', 'ndm_updated'],
  ['refcnt', 'u32', 'ndm_refcnt'],
]);

/** NDA_* (linux/neighbour.h), by their kernel meaning. */
export interface NdaAttrs {
  dst: string;
  lladdr: string;
  cacheinfo: NdaCacheinfo;
  probes: number;
  vlan: number;
  port: number;
  vni: number;
  ifindex: number;
  master: number;
  linkNetnsid: number;
  srcVni: number;
  /** RTPROT_* number (named by the family). */
  protocol: number;
  nhid: number;
  flagsExt: number;
}
/** The neighbour table. */
export const neighAttrs = attrs<NdaAttrs>('neigh', {
  dst: [1, t.ip, 'NDA_DST'],
  lladdr: [2, t.mac, 'NDA_LLADDR'],
  cacheinfo: [3, ndaCacheinfo, 'NDA_CACHEINFO'],
  probes: [4, t.u32, 'NDA_PROBES'],
  vlan: [5, t.u16, 'NDA_VLAN'],
  port: [6, t.be16, 'NDA_PORT'],
  vni: [7, t.u32, 'NDA_VNI'],
  ifindex: [8, t.u32, 'NDA_IFINDEX'],
  master: [9, t.u32, 'NDA_MASTER'],
  linkNetnsid: [10, t.s32, 'NDA_LINK_NETNSID'],
  srcVni: [11, t.u32, 'NDA_SRC_VNI'],
  protocol: [12, t.u8, 'NDA_PROTOCOL'],
  nhid: [13, t.u32, 'NDA_NH_ID'],
  flagsExt: [15, t.u32, 'NDA_FLAGS_EXT'],
});
