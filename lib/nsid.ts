/**
 * Namespace ids (nsid): the numbers a network namespace gives to other
 * namespaces, which links whose other end lives elsewhere report as
 * `linkNetnsid` (`link-netnsid` in `ip -d link`). RTM_NEWNSID / RTM_GETNSID
 * with a `rtgenmsg` header and NETNSA_* attributes (linux/net_namespace.h).
 *
 * These are the `nl.netns` operations of a {@link Handle}: ids are always
 * those of the handle's own namespace.
 * @module
 */
import { readdirSync } from 'node:fs';
import type { UnknownAttrs, Writer } from './codec.js';
import { registerEvents, type EventDecoder } from './events.js';
import { NLM_F } from './protocol.js';
import { type Op, type Request } from './request.js';
import { checkNetnsRef, closeNs, netnsRef, NETNS_RUN_DIR, openNetns, type NsTarget } from './resolve.js';
import type { NetnsRef } from './types.js';
import { custom, int, object } from './validate.js';
import { nsidAttrs, NSID_NOT_ASSIGNED as NOT_ASSIGNED, rtgenmsg, type NsidAttrs } from './wire/nsid.js';
import { RTM } from './wire/rtm.js';

/** One entry of {@link NetnsIdApi.listIds} (`ip -j netns list-id`). */
export interface NetnsId {
  /** Attributes the kernel sent that no table of the library knows (a newer kernel's): type → payload as hex ({@link UnknownAttrs}). */
  unknown?: UnknownAttrs;
  /** The id this namespace gives the other one. */
  nsid: number;
  /** With `target`: the id the target namespace gives the same namespace. */
  currentNsid?: number;
  /** The name under /run/netns of that namespace, when it has one. */
  name?: string;
}

/** One entry of {@link NetnsIdApi.list} (`ip -j netns list`). */
export interface NamedNetns {
  name: string;
  /** Its nsid in the handle's namespace, when one is assigned. */
  id?: number;
}

/** An opened reference for NETNSA_FD / NETNSA_PID. */
type Target = NsTarget;

function release(ts: (Target | undefined)[]): void {
  for (const x of ts) closeNs(x);
}

/** Decodes one RTM_NEWNSID payload (rtgenmsg, then NETNSA_*). */
function parseNsid(b: Buffer, off: number, end: number): NsidAttrs {
  rtgenmsg.header(b, off, end, 'netns');
  return nsidAttrs.decode(b, off + rtgenmsg.size, end, undefined, 'netns');
}

function writeTarget(w: Writer, x: Target): void {
  rtgenmsg.encode(w, { family: 0 }, 'netns');
  if (x.fd !== undefined) nsidAttrs.encode(w, { fd: x.fd });
  else nsidAttrs.encode(w, { pid: x.pid });
}

function getRequest(x: Target): Request<NsidAttrs> {
  return { type: RTM.GETNSID, body: (w) => writeTarget(w, x), parse: parseNsid };
}

const idOf = (r: NsidAttrs[] | undefined): number | undefined =>
  r?.[0]?.nsid === undefined || r[0].nsid === NOT_ASSIGNED ? undefined : r[0].nsid;

/** Names under /run/netns, in directory order (none when the folder is absent). */
function runDirNames(): string[] {
  try {
    return readdirSync(NETNS_RUN_DIR);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * The ids of the named namespaces as one pipelined batch; a name that is not
 * a namespace (a stale file) or vanished meanwhile gets `undefined`.
 */
function* idsOfNames(names: string[]): Op<(number | undefined)[]> {
  const targets = names.map((n) => {
    try {
      return openNetns(n);
    } catch {
      return undefined;
    }
  });
  try {
    const live = targets.filter((x): x is Target => x !== undefined);
    if (!live.length) return names.map(() => undefined);
    let replies: NsidAttrs[][];
    try {
      replies = yield live.map(getRequest);
    } catch {
      // one of them is no namespace: ask one by one, keeping the good answers
      replies = [];
      for (const x of live) {
        try {
          replies.push((yield getRequest(x)) as NsidAttrs[]);
        } catch {
          replies.push([]);
        }
      }
    }
    let i = 0;
    return targets.map((x) => (x ? idOf(replies[i++]) : undefined));
  } finally {
    release(targets);
  }
}

/** An nsid: 0..2^31-1 (the kernel's ids are non-negative ints; -1 is "none"). */
const nsidNumber = int(0, 0x7fffffff);

/** The id `setId` asks for: a number, or `'auto'`/nothing for the lowest free one. */
const requestedId = custom<number>("an nsid in 0..2147483647, or 'auto'", [-1, 2 ** 31, 1.5, NaN, 'AUTO', 'constructor', null, 1n], (v, path) => {
  if (v === undefined || v === 'auto') return NOT_ASSIGNED;
  if (typeof v === 'string') throw new TypeError(`${path} must be an nsid in 0..2147483647 or 'auto', got ${JSON.stringify(v)}${v.toLowerCase() === 'auto' ? " (did you mean 'auto'?)" : ''}`);
  return nsidNumber(v, path);
});

/** The schemas the nsid calls apply to their input (the property test corrupts their fields). */
export const nsidSchemas = {
  /** `netns.listIds` options (path `netns.listIds options`). */
  listIds: object({ target: nsidNumber }),
  /** `netns.setId`/`getId`'s namespace (path `netns.setId`, `netns.getId`). */
  ref: netnsRef,
  /** `netns.setId`'s id (path `netns.setId nsid`). */
  nsid: requestedId,
};

/** The nsid operations, run async or sync by a handle (`nl.netns`, `nl.sync.netns`). */
export const netnsOps = {
  /**
   * Assigns `nsid` (or, with `'auto'`/omitted, the lowest free id) to the
   * namespace `ref` inside the handle's namespace; returns the id.
   * Equivalent to `ip netns set NAME NSID|auto`. EEXIST when `ref` already
   * has an id or the id is taken.
   */
  *setId(ref: NetnsRef, nsid?: number | 'auto'): Op<number> {
    nsidSchemas.ref(ref, 'netns.setId');
    const id = nsidSchemas.nsid(nsid, 'netns.setId nsid');
    const x = openNetns(ref, 'netns.setId');
    try {
      // NLM_F_ECHO: the kernel sends the new RTM_NEWNSID back, with the id it chose.
      const echoed = (yield {
        type: RTM.NEWNSID,
        flags: NLM_F.ECHO,
        body(w: Writer) {
          writeTarget(w, x);
          nsidAttrs.encode(w, { nsid: id });
        },
        parse: parseNsid,
      } satisfies Request<NsidAttrs>) as NsidAttrs[];
      const got = idOf(echoed) ?? idOf((yield getRequest(x)) as NsidAttrs[]);
      if (got === undefined) throw new Error('netns.setId: the kernel reported no id after assigning one');
      return got;
    } finally {
      release([x]);
    }
  },

  /**
   * The nsid that the handle's namespace gives `ref`, or `undefined` when it
   * has none. Equivalent to the `(id: N)` of `ip netns list`.
   */
  *getId(ref: NetnsRef): Op<number | undefined> {
    const x = openNetns(nsidSchemas.ref(ref, 'netns.getId'), 'netns.getId');
    try {
      return idOf((yield getRequest(x)) as NsidAttrs[]);
    } finally {
      release([x]);
    }
  },

  /**
   * Every nsid the handle's namespace has assigned, with the name under
   * /run/netns of that namespace where there is one. Equivalent to
   * `ip netns list-id [target-nsid N]`: with `target`, lists the ids of the
   * namespace that has id `target` here, each with `currentNsid`.
   */
  *listIds(options: { target?: number } = {}): Op<NetnsId[]> {
    const { target } = nsidSchemas.listIds(options, 'netns.listIds options');
    const ids = (yield {
      type: RTM.GETNSID,
      flags: NLM_F.DUMP,
      body(w: Writer) {
        rtgenmsg.encode(w, { family: 0 }, 'netns');
        if (target !== undefined) nsidAttrs.encode(w, { targetNsid: target });
      },
      parse: parseNsid,
    } satisfies Request<NsidAttrs>) as NsidAttrs[];
    const out: NetnsId[] = ids.map((r) => {
      const e: NetnsId = { nsid: r.nsid ?? NOT_ASSIGNED };
      if (r.currentNsid !== undefined && r.currentNsid !== NOT_ASSIGNED) e.currentNsid = r.currentNsid;
      if (r.unknown !== undefined) e.unknown = r.unknown;
      return e;
    });
    if (target === undefined && out.length) {
      const names = runDirNames();
      const named = yield* idsOfNames(names);
      const byId = new Map<number, string>();
      named.forEach((id, i) => id !== undefined && !byId.has(id) && byId.set(id, names[i]));
      for (const e of out) {
        const n = byId.get(e.nsid);
        if (n !== undefined) e.name = n;
      }
    }
    return out;
  },

  /**
   * The named namespaces (/run/netns) with the nsid the handle's namespace
   * gives each. Equivalent to `ip netns list`.
   */
  *list(): Op<NamedNetns[]> {
    const names = runDirNames();
    const ids = yield* idsOfNames(names);
    return names.map((name, i) => (ids[i] === undefined ? { name } : { name, id: ids[i] }));
  },
};

// Notifications (`ip monitor nsid`) decode like the answers above (events.ts, read by monitor.ts).
registerEvents('nsid', RTM.NEWNSID, RTM.DELNSID, parseNsid as unknown as EventDecoder);
