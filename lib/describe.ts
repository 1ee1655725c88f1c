/**
 * A request's message in `ip`'s (and `tc`'s) words, for `NODE_DEBUG=rtnetlink`
 * (lib/trace.ts): the message is read back by its family's own decoder (the
 * one events use, lib/events.ts; a request has the layout of the
 * notification of its type) and the fields a person would have typed are
 * printed in `ip`'s order: `10.0.0.0/24 via 10.0.0.254 dev 3 table main`.
 * Runs only while the debug printer listens.
 * @module
 */
import { eventKind } from './events.js';
import { NLMSG_HDRLEN } from './wire/rtm.js';
import { setDescriber } from './trace.js';

type Fields = Record<string, unknown>;
type Words = (string | number)[];

const has = (v: unknown): boolean => v !== undefined && v !== null && v !== '' && v !== 0;
const put = (w: Words, word: string, v: unknown): void => {
  if (has(v)) w.push(word, String(v));
};
const dev = (d: Fields): unknown => d.dev ?? d.index;

/** The words of each family, from its decoded message. */
const FAMILIES: Record<string, (d: Fields, dump: boolean) => Words> = {
  link(d) {
    const w: Words = [];
    if (has(d.name)) w.push(String(d.name));
    else put(w, 'dev', d.index);
    put(w, 'group', d.group);
    put(w, 'master', d.master);
    put(w, 'mtu', d.mtu);
    if (d.up === true) w.push('up');
    put(w, 'type', d.kind);
    return w;
  },
  address(d) {
    const w: Words = [];
    const a = d.local ?? d.address;
    if (has(a)) w.push(d.prefixlen !== undefined ? `${a}/${d.prefixlen}` : String(a));
    put(w, 'dev', dev(d));
    return w;
  },
  route(d, dump) {
    const w: Words = [];
    if (has(d.type) && d.type !== 'unicast' && d.type !== 'unspec') w.push(String(d.type));
    if (!dump || (has(d.dst) && d.dst !== 'default')) w.push(String(d.dst ?? 'default'));
    put(w, 'from', d.from);
    put(w, 'via', d.gateway);
    put(w, 'dev', d.dev ?? d.oif);
    for (const nh of (d.nexthops as Fields[] | undefined) ?? []) {
      w.push('nexthop');
      put(w, 'via', nh.gateway);
      put(w, 'dev', nh.dev ?? nh.oif);
    }
    put(w, 'src', d.prefsrc);
    if (d.table !== 'unspec') put(w, 'table', d.table);
    put(w, 'metric', d.metric);
    return w;
  },
  neigh(d, dump) {
    const w: Words = [];
    if (has(d.address)) w.push(String(d.address));
    put(w, 'lladdr', d.lladdr);
    put(w, 'dev', dev(d));
    put(w, 'master', d.master);
    put(w, 'dst', d.dst);
    put(w, 'vlan', d.vlan);
    if (!dump && typeof d.state === 'string' && d.state !== 'none') w.push('nud', d.state);
    return w;
  },
  rule(d, dump) {
    const w: Words = [];
    put(w, 'from', d.from);
    put(w, 'to', d.to);
    put(w, 'fwmark', d.fwmark);
    put(w, 'iif', d.iif);
    put(w, 'oif', d.oif);
    if (d.action === 'lookup' || d.action === undefined) put(w, 'lookup', d.table);
    else if (d.action !== 'unspec') w.push(String(d.action));
    if (d.priority !== undefined && (!dump || has(d.priority))) w.push('priority', String(d.priority));
    return w;
  },
  qdisc(d) {
    return tcWords(d, 'handle');
  },
  class(d) {
    return tcWords(d, 'classid');
  },
  filter(d) {
    return tcWords(d, 'handle');
  },
  action(d) {
    const acts = (d.actions as Fields[] | undefined) ?? [];
    return acts.map((a) => String(a.kind ?? '?'));
  },
};

/** `dev 3 root handle 1: htb`, `dev 3 parent 1: classid 1:10 htb`, `dev 3 parent 1: pref 49152 protocol ip u32`. */
function tcWords(d: Fields, id: string): Words {
  const w: Words = [];
  put(w, 'dev', dev(d));
  if (d.parent === 'root' || d.parent === 'ingress' || d.parent === 'egress') w.push(d.parent);
  else if (d.parent !== 'none') put(w, 'parent', d.parent);
  if (d[id] !== '0:' && d[id] !== 0) put(w, id, d[id]);
  put(w, 'pref', d.pref);
  put(w, 'protocol', d.protocol);
  put(w, 'chain', d.chain);
  if (has(d.kind)) w.push(String(d.kind));
  return w;
}

/** Any other family: its plain fields as `key value`. */
function generic(d: Fields): Words {
  const w: Words = [];
  for (const [k, v] of Object.entries(d)) if (typeof v === 'number' || typeof v === 'string') put(w, k, v);
  return w;
}

/** The words after a request's op name; '' when its family does not read it back. */
export function describeMessage(type: number, message: Buffer, dump: boolean): string {
  // GET/SET/DEL messages have the layout of the family's RTM_NEW* notification.
  const kind = eventKind(type & ~3);
  if (kind === undefined || message.length < NLMSG_HDRLEN) return '';
  const d = kind.decode(message, NLMSG_HDRLEN, message.length, type);
  if (d === undefined) return '';
  return (FAMILIES[kind.family] ?? generic)(d, dump).join(' ');
}

setDescriber(describeMessage);
