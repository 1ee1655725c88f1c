/**
 * rtnetlink message types and multicast groups (linux/rtnetlink.h).
 * @module
 */

/** rtnetlink message types (`RTM_*`). */
export const RTM = {
  NEWLINK: 16, DELLINK: 17, GETLINK: 18, SETLINK: 19,
  NEWADDR: 20, DELADDR: 21, GETADDR: 22,
  NEWROUTE: 24, DELROUTE: 25, GETROUTE: 26,
  NEWNEIGH: 28, DELNEIGH: 29, GETNEIGH: 30,
  NEWRULE: 32, DELRULE: 33, GETRULE: 34,
  NEWQDISC: 36, DELQDISC: 37, GETQDISC: 38,
  NEWTCLASS: 40, DELTCLASS: 41, GETTCLASS: 42,
  NEWTFILTER: 44, DELTFILTER: 45, GETTFILTER: 46,
  NEWACTION: 48, DELACTION: 49, GETACTION: 50,
  NEWNEIGHTBL: 64, GETNEIGHTBL: 66, SETNEIGHTBL: 67,
  NEWADDRLABEL: 72, DELADDRLABEL: 73, GETADDRLABEL: 74,
  NEWNETCONF: 80, DELNETCONF: 81, GETNETCONF: 82,
  NEWNSID: 88, DELNSID: 89, GETNSID: 90,
  NEWCHAIN: 100, DELCHAIN: 101, GETCHAIN: 102,
  NEWNEXTHOP: 104, DELNEXTHOP: 105, GETNEXTHOP: 106,
  NEWNEXTHOPBUCKET: 116, DELNEXTHOPBUCKET: 117, GETNEXTHOPBUCKET: 118,
} as const;

const rtmNames = new Map<number, string>(Object.entries(RTM).map(([k, v]) => [v, `RTM_${k}`]));

/** `'RTM_NEWLINK'` for 16, and so on. */
export function rtmName(type: number): string {
  return rtmNames.get(type) ?? `message type ${type}`;
}

/**
 * True for a request that only reads (`RTM_GET*`: rtnetlink numbers its
 * types NEW, DEL, GET, SET from a multiple of 4): losing its answer changes
 * nothing in the kernel, so it may simply be asked again.
 */
export function isGetRequest(type: number): boolean {
  return type >= RTM.NEWLINK && (type & 3) === 2;
}

/** rtnetlink multicast groups (`RTNLGRP_*`) that monitors subscribe to. */
export const RTNLGRP = {
  LINK: 1, NOTIFY: 2, NEIGH: 3, TC: 4, IPV4_IFADDR: 5, IPV4_MROUTE: 6, IPV4_ROUTE: 7,
  IPV4_RULE: 8, IPV6_IFADDR: 9, IPV6_MROUTE: 10, IPV6_ROUTE: 11, IPV6_IFINFO: 12,
  IPV6_PREFIX: 18, IPV6_RULE: 19, ND_USEROPT: 20, NSID: 28, MPLS_ROUTE: 27,
  IPV4_NETCONF: 24, IPV6_NETCONF: 25, NEXTHOP: 32, BRVLAN: 33, MCTP_IFADDR: 34,
} as const;

/** sizeof(struct nlmsghdr): where a message's payload (its fixed header) starts. */
export const NLMSG_HDRLEN = 16;
