/**
 * The netconf messages' wire tables: struct netconfmsg and NETCONFA_*
 * (linux/netconf.h), each entry `name: [id, type, 'UAPI_NAME']`.
 * @module
 */
import { attrs, struct, t } from '../codec.js';

/** struct netconfmsg (linux/netconf.h): one byte, padded to 4 as netlink aligns it. */
export const netconfmsg = struct<{ family: number }>('netconfmsg', [
  ['family', 'u8', 'ncm_family'],
  ['_pad1', 'pad8', ''],
  ['_pad2', 'pad16', ''],
]);

/** NETCONFA_IFINDEX_ALL / NETCONFA_IFINDEX_DEFAULT: the `all` and `default` settings, not a link's. */
export const NETCONFA_IFINDEX = { all: -1, default: -2 } as const;

/** NETCONFA_* (linux/netconf.h); every setting an s32. */
export interface NetconfaAttrs {
  ifindex: number;
  forwarding: number;
  rpFilter: number;
  mcForwarding: number;
  proxyNeigh: number;
  ignoreRoutesWithLinkdown: number;
  input: number;
  bcForwarding: number;
}
/** The netconf table. */
export const netconfAttrs = attrs<NetconfaAttrs>('netconf', {
  ifindex: [1, t.s32, 'NETCONFA_IFINDEX'],
  forwarding: [2, t.s32, 'NETCONFA_FORWARDING'],
  rpFilter: [3, t.s32, 'NETCONFA_RP_FILTER'],
  mcForwarding: [4, t.s32, 'NETCONFA_MC_FORWARDING'],
  proxyNeigh: [5, t.s32, 'NETCONFA_PROXY_NEIGH'],
  ignoreRoutesWithLinkdown: [6, t.s32, 'NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN'],
  input: [7, t.s32, 'NETCONFA_INPUT'],
  bcForwarding: [8, t.s32, 'NETCONFA_BC_FORWARDING'],
});
