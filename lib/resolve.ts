/**
 * Lookups the families share: links by name or index (one RTM_GETLINK, never
 * a dump filtered here), the names of the links a list mentions, and the
 * namespaces a request points at (`netns NAME|{ path }|{ pid }|{ fd }`).
 * @module
 */
import { closeSync, openSync } from 'node:fs';
import type { Writer } from './codec.js';
import { NetlinkError } from './errors.js';
import { NLM_F } from './protocol.js';
import type { Op, Request } from './request.js';
import { checkIfname, checkInt, type LinkRef, type NetnsRef } from './types.js';
import { custom, isPlain, show } from './validate.js';
import { ifinfomsg, linkAttrs, linkNameAttrs, linkRequestAttrs, RTEXT_FILTER } from './wire/link.js';
import { RTM } from './wire/rtm.js';

// ---------------------------------------------------------------------------
// Namespaces

/** Where a named namespace lives (iproute2's convention). */
export const NETNS_RUN_DIR = '/run/netns';

/** An fd (or pid) for IFLA_NET_NS_* / NETNSA_*, opened for the request and closed after. */
export interface NsTarget {
  fd?: number;
  pid?: number;
  /** True when the fd was opened here (and must be closed by {@link closeNs}). */
  owned: boolean;
}

/**
 * Checks a namespace reference (opening it comes later): a name under
 * /run/netns, or a plain `{ path }`, `{ pid }` or `{ fd }` with that one key,
 * or an object that owns a namespace fd (a `netns.create()` object).
 */
export function checkNetnsRef(ref: unknown, where: string): void {
  if (typeof ref === 'string') {
    if (ref === '' || ref === '.' || ref === '..' || ref.includes('/') || ref.includes('\0'))
      throw new TypeError(`${where}: '${ref.replace(/\0/g, '\\0')}' is not a namespace name (one path component, not '.' or '..', no NUL)`);
    if (Buffer.byteLength(ref) > 255) throw new RangeError(`${where}: the namespace name is longer than 255 bytes`);
    return;
  }
  if (isPlain(ref)) {
    const keys = Object.keys(ref);
    if (keys.length !== 1 || !['fd', 'pid', 'path'].includes(keys[0]))
      throw new TypeError(`${where} must be a namespace name or one of { path }, { pid }, { fd }, got an object with ${keys.length ? keys.map((k) => `'${k}'`).join(', ') : 'no keys'}`);
    if (keys[0] === 'fd') return void checkInt(ref.fd, `${where}.fd`, 0, 0x7fffffff);
    if (keys[0] === 'pid') return void checkInt(ref.pid, `${where}.pid`, 1, 0x7fffffff);
    const p = ref.path;
    if (typeof p !== 'string' || p === '' || p.includes('\0')) throw new TypeError(`${where}.path must be a non-empty path without NUL, got ${show(p)}`);
    return;
  }
  // A namespace object (netns.create()): its fd getter says whether it is still open.
  if (ref && typeof ref === 'object' && 'fd' in ref && !(ref instanceof Map) && !(ref instanceof Date)) {
    return void checkInt((ref as { fd: unknown }).fd, `${where}.fd`, 0, 0x7fffffff);
  }
  throw new TypeError(`${where} must be a namespace name, { path }, { pid }, { fd } or a netns object, got ${show(ref)}`);
}

/** {@link checkNetnsRef} as a check of the validation layer. */
export const netnsRef = custom<NetnsRef>('a namespace name, { path }, { pid }, { fd } or a netns object', ['', '..', 'a/b', 'a\0b', 42, { fd: -1 }, { pid: 0 }, { path: '' }, { fd: 3, pid: 4 }, new Map()], (v, path) => {
  checkNetnsRef(v, path);
  return v as NetnsRef;
});

/** Opens what a {@link NetnsRef} names (`ip -n NAME`, `netns NAME|PID|PATH`). */
export function openNetns(ref: NetnsRef, where = 'netns'): NsTarget {
  checkNetnsRef(ref, where);
  if (typeof ref === 'string') return { fd: openNsFile(`${NETNS_RUN_DIR}/${ref}`, where), owned: true };
  if ('fd' in ref) return { fd: ref.fd, owned: false };
  if ('pid' in ref) return { pid: ref.pid, owned: false };
  return { fd: openNsFile(ref.path, where), owned: true };
}

function openNsFile(path: string, where: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw Object.assign(new Error(`${where}: cannot open ${path}: ${err.code}`), { code: err.code, errno: err.errno, path });
  }
}

/** Closes what {@link openNetns} opened (nothing for a caller's fd or a pid). */
export function closeNs(ns: NsTarget | undefined): void {
  if (ns?.owned && ns.fd !== undefined) closeSync(ns.fd);
}

// ---------------------------------------------------------------------------
// Links by name or index

/** Writes the body of a link lookup: ifinfomsg with the index, or index 0 and IFLA_IFNAME. */
function writeLookup(w: Writer, ref: LinkRef, stats: boolean): void {
  ifinfomsg.encode(w, { family: 0, type: 0, index: typeof ref === 'number' ? ref : 0, flags: 0, change: 0 }, 'link');
  if (typeof ref === 'string') linkAttrs.encodeOne(w, 'name', ref, 'name');
  linkRequestAttrs.encodeOne(w, 'extMask', stats ? 0 : RTEXT_FILTER.SKIP_STATS);
}

/** Reads a link message as `[index, name]` (`undefined` for one without a name). */
export function parseLinkName(b: Buffer, off: number, end: number): readonly [number, string] | undefined {
  const h = ifinfomsg.header(b, off, end, 'link');
  const { name } = linkNameAttrs.decode(b, off + ifinfomsg.size, end) as { name?: string };
  return name === undefined ? undefined : ([h.index, name] as const);
}

/** Reads a link message's index only. */
function linkIndexOf(b: Buffer, off: number, end: number): number {
  return ifinfomsg.header(b, off, end, 'link').index;
}

/**
 * A RTM_GETLINK by name or index (never a dump; `ip link show dev DEV`),
 * its reply read by `parse` (by default as `[index, name]`).
 */
export function getLinkRequest<T = readonly [number, string]>(
  ref: LinkRef,
  stats = true,
  parse: (b: Buffer, off: number, end: number) => T | undefined = parseLinkName as never,
): Request<T> {
  return { type: RTM.GETLINK, body: (w) => writeLookup(w, ref, stats), parse };
}

/** A dump of every link's index and name (stats skipped), for naming the links of other objects (`ip -o link`). */
export function linkNamesRequest(): Request<readonly [number, string]> {
  return {
    type: RTM.GETLINK,
    flags: NLM_F.DUMP,
    body(w) {
      ifinfomsg.encode(w, { family: 0, type: 0, index: 0, flags: 0, change: 0 }, 'filter');
      linkRequestAttrs.encodeOne(w, 'extMask', RTEXT_FILTER.SKIP_STATS);
    },
    parse: parseLinkName,
  };
}

/** Resolves a link name to its index (one RTM_GETLINK; `ip link show dev NAME`); numbers pass through. */
export function* linkIndex(ref: LinkRef, where = 'dev'): Op<number> {
  if (typeof ref === 'number') return ref;
  checkIfname(ref, where);
  try {
    const [index] = (yield getLinkRequest(ref, false, linkIndexOf)) as number[];
    return index;
  } catch (e) {
    if (e instanceof NetlinkError && e.code === 'ENODEV') throw new NetlinkError(19, 'RTM_GETLINK', {}, `${where}: no link named '${ref}'`);
    throw e;
  }
}

/** How a list finds the names of links: known already, one link, or all of them. */
export type NameSource = { known: Map<number, string> } | { one: number } | { all: true };

/**
 * Resolves the `dev` of a filter (`ip … show dev DEV`): the index to filter
 * on in the kernel, and where link names will come from.
 */
export function* resolveDev(dev: LinkRef | undefined, where: string): Op<{ index?: number; names: NameSource }> {
  if (dev === undefined) return { names: { all: true } };
  if (typeof dev === 'number') return { index: checkInt(dev, where, 1, 0x7fffffff), names: { one: dev } };
  const index = yield* linkIndex(dev, where);
  return { index, names: { known: new Map([[index, dev]]) } };
}

/**
 * Runs `dump` beside the name lookup `src` needs, then names the links of
 * each item (`indexes` gives them: one index as a number, or several; `assign` writes the names), as `ip` prints
 * `dev NAME`. Links the first lookup did not cover are looked up afterwards,
 * one by one when few.
 */
export function* dumpNamed<T>(
  dump: Request<T>,
  src: NameSource,
  indexes: (item: T) => number | Iterable<number>,
  assign: (item: T, names: Map<number, string>) => void,
): Op<T[]> {
  let items: T[];
  let names: Map<number, string>;
  if ('known' in src) {
    items = (yield dump) as T[];
    names = new Map(src.known);
  } else {
    const [links, got] = (yield ['one' in src ? getLinkRequest(src.one, false) : linkNamesRequest(), dump]) as [(readonly [number, string])[], T[]];
    items = got;
    names = new Map(links);
  }
  if (!('all' in src)) yield* lookupMissing(items, names, indexes);
  for (let k = 0; k < items.length; k++) assign(items[k], names);
  return items;
}

/** Looks up the names of links that `items` mention and `names` lacks. */
export function* lookupMissing<T>(items: readonly T[], names: Map<number, string>, indexes: (item: T) => number | Iterable<number>): Op<void> {
  const missing = new Set<number>();
  for (let k = 0; k < items.length; k++) {
    const x = indexes(items[k]);
    if (typeof x === 'number') {
      if (x > 0 && !names.has(x)) missing.add(x);
    } else for (const i of x) if (i > 0 && !names.has(i)) missing.add(i);
  }
  if (!missing.size) return;
  if (missing.size > 16) {
    for (const [i, n] of (yield linkNamesRequest()) as [number, string][]) names.set(i, n);
    return;
  }
  try {
    const found = (yield [...missing].map((i) => getLinkRequest(i, false))) as (readonly [number, string])[][];
    for (const [l] of found) if (l) names.set(l[0], l[1]);
  } catch (e) {
    if (!(e instanceof NetlinkError && e.code === 'ENODEV')) throw e; // a link went away meanwhile
  }
}

/** The names `src` needs, looked up before a stream starts. */
export function* namesFor(src: NameSource): Op<Map<number, string>> {
  if ('known' in src) return src.known;
  if ('one' in src) {
    try {
      return new Map((yield getLinkRequest(src.one, false)) as [number, string][]);
    } catch (e) {
      if (e instanceof NetlinkError && e.code === 'ENODEV') return new Map();
      throw e;
    }
  }
  return new Map((yield linkNamesRequest()) as [number, string][]);
}
