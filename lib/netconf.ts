/**
 * Per-link IP settings as the kernel reports them over netlink: `ip netconf
 * show [dev DEV]` over RTM_GETNETCONF (linux/netconf.h), for IPv4 and IPv6 —
 * forwarding, rp_filter, mc_forwarding, proxy_neigh,
 * ignore_routes_with_linkdown, input, bc_forwarding. Besides each link there
 * are the `all` and `default` settings (`net.ipv4.conf.all.*`, `….default.*`).
 *
 * Read only: the kernel takes no netconf changes over netlink (sysctl sets them).
 * @module
 */
import { NetlinkError } from './errors.js';
import { registerEvents, type EventDecoder } from './events.js';
import { NLM_F } from './protocol.js';
import { type Op, type Request } from './request.js';
import { dumpNamed, linkIndex, lookupMissing } from './resolve.js';
import { AF, type Family, type LinkRef } from './types.js';
import { custom, object, show } from './validate.js';
import type { Decoded, UnknownAttrs } from './codec.js';
import { familyCheck, linkRefCheck } from './vocab.js';
import { NETCONFA_IFINDEX, netconfAttrs, netconfmsg, type NetconfaAttrs } from './wire/netconf.js';
import { RTM } from './wire/rtm.js';

/** `rp_filter` as `ip netconf` prints it: 0 off, 1 strict (RFC 3704), 2 loose. */
export const RP_FILTER = { off: 0, strict: 1, loose: 2 } as const;
/** A reverse path filter mode (a number when the kernel reports one without a name). */
export type RpFilter = keyof typeof RP_FILTER | number;
const rpNames = new Map<number, keyof typeof RP_FILTER>(Object.entries(RP_FILTER).map(([k, v]) => [v, k as keyof typeof RP_FILTER]));

/** Whose settings: a link (name or index), or the `all` / `default` settings. */
export type NetconfDev = LinkRef | 'all' | 'default';

/** One family's settings of one link (or of `all` / `default`), as `ip -j netconf show` prints them. */
export interface Netconf {
  /** Attributes the kernel sent that no table of the library knows (a newer kernel's): type → payload as hex ({@link UnknownAttrs}). */
  unknown?: UnknownAttrs;
  family: Family;
  /** The link's name (its index when it has none this handle could see), or `'all'` / `'default'`. */
  dev: string | number;
  /** `forwarding`. */
  forwarding?: boolean;
  /** `rp_filter` (IPv4). */
  rpFilter?: RpFilter;
  /** `mc_forwarding`. */
  mcForwarding?: boolean;
  /** `proxy_neigh` (proxy_arp / proxy_ndp). */
  proxyNeigh?: boolean;
  /** `ignore_routes_with_linkdown`. */
  ignoreRoutesWithLinkdown?: boolean;
  /** `input` (IPv6 on newer kernels: accept packets at all). */
  input?: boolean;
  /** `bc_forwarding` (IPv4 broadcast forwarding; newer kernels). */
  bcForwarding?: boolean;
}

/** Filters of `netconf.list` (`ip [-4|-6] netconf show [dev DEV]`). */
export interface NetconfFilter {
  /** `-4` / `-6`; both by default. */
  family?: Family;
  /** `dev DEV` (or `'all'`, `'default'`): that one's settings only, one lookup per family (no dump). */
  dev?: NetconfDev;
}

/** What `netconf.get` takes: one link's settings in one family. */
export interface NetconfGetOptions {
  family: Family;
  dev: NetconfDev;
}

// ---------------------------------------------------------------------------
// Input

const dev = custom<NetconfDev>(`'all', 'default', or ${linkRefCheck.expects}`, linkRefCheck.wrong, (v, path) => (v === 'all' || v === 'default' ? v : linkRefCheck(v, path)));

/** The schemas the netconf calls apply to their input (the property test corrupts their fields). */
export const netconfSchemas = {
  /** `netconf.list` (path `filter`). */
  filter: object({ family: familyCheck, dev }),
  /** `netconf.get` (path `netconf`). */
  get: object({ family: { check: familyCheck, required: true }, dev: { check: dev, required: true } }),
};

const afOf = (f: Family): number => (f === 'inet' ? AF.INET : AF.INET6);

/** The NETCONFA_IFINDEX of a dev: a link's index, or NETCONFA_IFINDEX_ALL / _DEFAULT. */
function* indexOf(d: NetconfDev, where: string): Op<number> {
  if (d === 'all' || d === 'default') return NETCONFA_IFINDEX[d];
  return yield* linkIndex(d, where);
}

// ---------------------------------------------------------------------------
// Output

/** Decodes one RTM_NEWNETCONF payload (`dev` as the link's index, or `'all'` / `'default'`). */
export function parseNetconf(b: Buffer, off: number, end: number): Netconf | undefined {
  const h = netconfmsg.header(b, off, end, 'netconf');
  if (h.family !== AF.INET && h.family !== AF.INET6) return undefined;
  const a = netconfAttrs.decode(b, off + netconfmsg.size, end, undefined, 'netconf') as Decoded<NetconfaAttrs>;
  if (a.ifindex === undefined) return undefined;
  const n: Netconf = {
    family: h.family === AF.INET ? 'inet' : 'inet6',
    dev: a.ifindex === NETCONFA_IFINDEX.all ? 'all' : a.ifindex === NETCONFA_IFINDEX.default ? 'default' : a.ifindex,
  };
  if (a.forwarding !== undefined) n.forwarding = a.forwarding !== 0;
  if (a.rpFilter !== undefined) n.rpFilter = rpNames.get(a.rpFilter) ?? a.rpFilter;
  if (a.mcForwarding !== undefined) n.mcForwarding = a.mcForwarding !== 0;
  if (a.proxyNeigh !== undefined) n.proxyNeigh = a.proxyNeigh !== 0;
  if (a.ignoreRoutesWithLinkdown !== undefined) n.ignoreRoutesWithLinkdown = a.ignoreRoutesWithLinkdown !== 0;
  if (a.input !== undefined) n.input = a.input !== 0;
  if (a.bcForwarding !== undefined) n.bcForwarding = a.bcForwarding !== 0;
  if (a.unknown !== undefined) n.unknown = a.unknown;
  return n;
}

const linkOfEntry = (n: Netconf): number => (typeof n.dev === 'number' ? n.dev : 0);
function nameEntry(n: Netconf, names: Map<number, string>): void {
  if (typeof n.dev === 'number') n.dev = names.get(n.dev) ?? n.dev;
}

/** RTM_GETNETCONF for one link in one family (NETCONFA_IFINDEX; not a dump). */
function getRequest(family: number, index: number): Request<Netconf> {
  return {
    type: RTM.GETNETCONF,
    body(w) {
      netconfmsg.encode(w, { family }, 'netconf');
      netconfAttrs.encodeOne(w, 'ifindex', index);
    },
    parse: parseNetconf,
  };
}

function dumpRequest(family: number): Request<Netconf> {
  return { type: RTM.GETNETCONF, flags: NLM_F.DUMP, body: (w) => netconfmsg.encode(w, { family }, 'filter'), parse: parseNetconf };
}

/** Names the links of entries already read. */
function* nameAll(items: Netconf[], known?: [number, string]): Op<Netconf[]> {
  const names = new Map<number, string>(known ? [known] : []);
  yield* lookupMissing(items, names, linkOfEntry);
  for (const n of items) nameEntry(n, names);
  return items;
}

/** The netconf operations, written once and run async or sync by a handle. */
export const netconfOps = {
  /**
   * Lists IPv4 and IPv6 settings. Equivalent to `ip [-4|-6] netconf show
   * [dev DEV]`: with `dev`, one lookup per family (IPv6 is left out for a
   * link that has none, as one with an MTU below 1280); without, the
   * dump of every link and of `all` and `default`.
   */
  *list(filter: NetconfFilter = {}): Op<Netconf[]> {
    const f = netconfSchemas.filter(filter, 'filter');
    const fams = f.family ? [afOf(f.family)] : [AF.INET, AF.INET6];
    if (f.dev !== undefined) {
      const index = yield* indexOf(f.dev, 'filter.dev');
      const out: Netconf[] = [];
      for (const fam of fams) {
        try {
          out.push(...((yield getRequest(fam, index)) as Netconf[]));
        } catch (e) {
          // a link without IPv6 (MTU below 1280, a kind without it) has no inet6 settings: the kernel says EINVAL
          if (!(e instanceof NetlinkError) || f.family || e.code !== 'EINVAL' || fam !== AF.INET6) throw e;
        }
      }
      return yield* nameAll(out, typeof f.dev === 'string' && f.dev !== 'all' && f.dev !== 'default' ? [index, f.dev] : undefined);
    }
    return yield* dumpNamed(dumpRequest(f.family ? afOf(f.family) : AF.UNSPEC), { all: true }, linkOfEntry, nameEntry);
  },

  /** One link's (or `all`'s, `default`'s) settings in one family. Equivalent to `ip -4|-6 netconf show dev DEV`. */
  *get(options: NetconfGetOptions): Op<Netconf> {
    const o = netconfSchemas.get(options, 'netconf');
    const index = yield* indexOf(o.dev!, 'netconf.dev');
    const [n] = (yield getRequest(afOf(o.family!), index)) as Netconf[];
    if (!n) throw new NetlinkError(19, 'RTM_GETNETCONF', {}, `no ${o.family} settings for ${show(o.dev)}`);
    return (yield* nameAll([n], typeof o.dev === 'string' && o.dev !== 'all' && o.dev !== 'default' ? [index, o.dev] : undefined))[0];
  },
};

// Notifications (a setting changed, a link came or went) decode like the lists; `dev` is the link's index.
registerEvents('netconf', RTM.NEWNETCONF, RTM.DELNETCONF, ((b, off, end) => parseNetconf(b, off, end)) as EventDecoder);
