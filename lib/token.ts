/**
 * IPv6 interface tokens: `ip token set|get|list|del` (the interface
 * identifier that SLAAC combines with a router's prefix, instead of the one
 * from the MAC). Set as AF_INET6 RTM_SETLINK with IFLA_AF_SPEC { AF_INET6 {
 * IFLA_INET6_TOKEN } }, the bytes `ip token set` sends; read from the
 * AF_INET6 link dump's IFLA_PROTINFO (`list`) or a link's IFLA_AF_SPEC (`get`).
 * @module
 */
import type { Writer } from './codec.js';
import { NLM_F } from './protocol.js';
import type { Op, Request } from './request.js';
import { getLinkRequest, linkIndex } from './resolve.js';
import { AF, checkIfname, parseIp, type LinkRef } from './types.js';
import { custom, object, show } from './validate.js';
import { linkRefCheck } from './vocab.js';
import { afSpecAttrs, ifinfomsg, inet6AfAttrs, inet6ProtinfoAttrs, linkAfSpecAttrs, linkAttrs } from './wire/link.js';
import { RTM } from './wire/rtm.js';

/** A link's token, as `token.list`/`get` return it (`ip token list`). */
export interface LinkToken {
  index: number;
  dev: string;
  /** The token (`::` when none is set). */
  token: string;
}

/** What `token.set` takes: `ip token set TOKEN dev DEV`. */
export interface TokenSetOptions {
  dev: LinkRef;
  /** An IPv6 address whose low bits are the identifier (`::1:2`, or `::1:2/64` as `ip` takes it: the length is not sent). */
  token: string;
}

/** `nl.token`: IPv6 interface tokens. */
export interface TokenOps {
  /** Sets a link's token. Equivalent to `ip token set TOKEN dev DEV`. */
  set(options: TokenSetOptions): Op<void>;
  /** Removes a link's token (sets `::`). Equivalent to `ip token del dev DEV`. */
  del(dev: LinkRef): Op<void>;
  /** One link's token. Equivalent to `ip token get dev DEV`. */
  get(dev: LinkRef): Op<LinkToken>;
  /** Every link's token. Equivalent to `ip token list`. */
  list(): Op<LinkToken[]>;
}

const TOKEN = "an IPv6 address, optionally with a prefix length ('::1:2', '::1:2/64')";
const token = custom<string>(TOKEN, ['10.0.0.1', '::1/129', 'x', '', '::1%eth0', 42, null], (v, path) => {
  if (typeof v !== 'string') throw new TypeError(`${path} must be ${TOKEN}, got ${show(v)}`);
  const [addr, len, more] = v.split('/');
  if (more !== undefined || (len !== undefined && !/^(\d|[1-9]\d|1[01]\d|12[0-8])$/.test(len))) throw new RangeError(`${path} must be ${TOKEN}, got ${show(v)}`);
  if (addr.includes('%')) throw new TypeError(`${path} must be ${TOKEN} (no zone), got ${show(v)}`);
  if (parseIp(addr, path).family !== 'inet6') throw new TypeError(`${path} must be ${TOKEN}, got the IPv4 address ${show(v)}`);
  return addr;
});
const setSchema = object({ dev: { check: linkRefCheck, required: true }, token: { check: token, required: true } }, { what: 'a plain object { dev, token }' });

/** The schemas of the token calls (for the property test). */
export const tokenSchemas = { set: setSchema };

function setRequest(index: number, value: string): Request {
  return {
    type: RTM.SETLINK,
    body(w: Writer) {
      ifinfomsg.encode(w, { family: AF.INET6, type: 0, index, flags: 0, change: 0 }, 'token');
      const a = linkAfSpecAttrs.beginNest(w, 'afSpec');
      const i6 = afSpecAttrs.beginNest(w, 'inet6');
      inet6AfAttrs.encodeOne(w, 'token', value, 'token.token');
      w.endAttr(i6);
      w.endAttr(a);
    },
  };
}

const nameOnly = linkAttrs.pick('token', ['name']);

/** An AF_INET6 link message of the dump: its token from IFLA_PROTINFO. */
function parseDumped(b: Buffer, off: number, end: number): LinkToken | undefined {
  const h = ifinfomsg.header(b, off, end, 'token');
  if (h.family !== AF.INET6) return undefined;
  const { name } = nameOnly.decode(b, off + ifinfomsg.size, end) as { name?: string };
  const { protinfo } = inet6ProtinfoAttrs.decode(b, off + ifinfomsg.size, end, undefined, 'token') as { protinfo?: { token?: string } };
  if (protinfo?.token === undefined) return undefined;
  return { index: h.index, dev: name ?? String(h.index), token: protinfo.token };
}

/** A link message (RTM_GETLINK of one link): its token from IFLA_AF_SPEC's AF_INET6 part. */
function parseOne(b: Buffer, off: number, end: number): LinkToken | undefined {
  const h = ifinfomsg.header(b, off, end, 'token');
  const { name } = nameOnly.decode(b, off + ifinfomsg.size, end) as { name?: string };
  const { afSpec } = linkAfSpecAttrs.decode(b, off + ifinfomsg.size, end, undefined, 'token') as { afSpec?: { inet6?: { token?: string } } };
  return { index: h.index, dev: name ?? String(h.index), token: afSpec?.inet6?.token ?? '::' };
}

/** The token operations, written once and run async or sync by a handle. */
export const tokenOps = {
  /** Sets a link's token. Equivalent to `ip token set TOKEN dev DEV` (the kernel wants IPv6 on and router solicitations allowed on DEV). */
  *set(options: TokenSetOptions): Op<void> {
    const o = setSchema(options, 'token');
    const index = yield* linkIndex(o.dev!, 'token.dev');
    yield setRequest(index, o.token!);
  },
  /** Removes a link's token. Equivalent to `ip token del dev DEV`. */
  *del(dev: LinkRef): Op<void> {
    const index = yield* linkIndex(linkRefCheck(dev, 'dev'), 'dev');
    yield setRequest(index, '::');
  },
  /** One link's token (`::` when none). Equivalent to `ip token get dev DEV`: one RTM_GETLINK, no dump. */
  *get(dev: LinkRef): Op<LinkToken> {
    const [t] = (yield getLinkRequest(linkRefCheck(dev, 'dev'), false, parseOne)) as LinkToken[];
    return t;
  },
  /** Every link's token. Equivalent to `ip token list` (the AF_INET6 link dump). */
  *list(): Op<LinkToken[]> {
    return (yield {
      type: RTM.GETLINK,
      flags: NLM_F.DUMP,
      body: (w: Writer) => ifinfomsg.encode(w, { family: AF.INET6, type: 0, index: 0, flags: 0, change: 0 }, 'token'),
      parse: parseDumped,
    } satisfies Request<LinkToken>) as LinkToken[];
  },
} satisfies TokenOps;
