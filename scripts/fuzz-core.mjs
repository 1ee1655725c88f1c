// The decoder fuzzer shared by test/fuzz.test.ts (20,000 inputs, in CI) and
// scripts/fuzz.mjs (a million and more): captured reply messages mutated many
// ways, fed to every decoder the way the engine feeds them, each decode either
// returning a value or throwing a DecodeError, within a time bound.
//
// It knows nothing of the library's sources: the caller hands in the families,
// the event registry and the DecodeError class (from lib/ or from dist/).

/** A small, fast, seedable PRNG (mulberry32): the same seed replays the same inputs. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
  };
}

const HDR = 16;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;

/** The fixed header after nlmsghdr, by message type (ifinfomsg, ifaddrmsg, rtmsg, ndmsg, fib_rule_hdr, rtgenmsg). */
function fixedHeader(type) {
  if (type >= 16 && type <= 19) return 16;
  if (type >= 20 && type <= 23) return 8;
  if (type >= 24 && type <= 27) return 12;
  if (type >= 28 && type <= 31) return 12;
  if (type >= 32 && type <= 35) return 12;
  if (type >= 88 && type <= 90) return 4;
  return 0;
}

/**
 * True when [off, end) is exactly a chain of records whose u16 length comes
 * first and covers a `head`-byte header: attributes (4) or rtnexthops (8).
 */
function isChain(b, off, end, head) {
  if (end - off < head) return false;
  while (end - off >= head) {
    const len = b.readUInt16LE(off);
    if (len < head || len > end - off) return false;
    off += (len + 3) & ~3;
  }
  return off >= end;
}

/**
 * The structure of a block of messages, for targeted mutations: length
 * fields (nlmsg_len, nla_len, rtnh_len) and attributes with the chain of
 * length fields that enclose them.
 */
function structure(b) {
  const lengths = []; // { at, size }
  const attrs = []; // { off, len, parents: [{ at, size }] }
  const messages = [];
  const walkAttrs = (off, end, parents, depth) => {
    while (end - off >= 4) {
      const len = b.readUInt16LE(off);
      if (len < 4 || len > end - off) return;
      const field = { at: off, size: 2 };
      lengths.push(field);
      attrs.push({ off, len, parents });
      if (depth < 8) {
        if (isChain(b, off + 4, off + len, 4)) walkAttrs(off + 4, off + len, [...parents, field], depth + 1);
        else if (isChain(b, off + 4, off + len, 8)) {
          for (let p = off + 4; p + 8 <= off + len; ) {
            const l = b.readUInt16LE(p);
            const nh = { at: p, size: 2 };
            lengths.push(nh);
            walkAttrs(p + 8, p + l, [...parents, field, nh], depth + 1);
            p += (l + 3) & ~3;
          }
        }
      }
      off += (len + 3) & ~3;
    }
  };
  for (let off = 0; off + HDR <= b.length; ) {
    const len = b.readUInt32LE(off);
    if (len < HDR || off + len > b.length) break;
    const field = { at: off, size: 4 };
    lengths.push(field);
    const type = b.readUInt16LE(off + 4);
    messages.push({ off, len, type });
    const start = off + HDR + fixedHeader(type);
    if (start <= off + len) walkAttrs(start, off + len, [field], 0);
    off += (len + 3) & ~3;
  }
  return { lengths, attrs, messages };
}

const readLen = (b, f) => (f.size === 2 ? b.readUInt16LE(f.at) : b.readUInt32LE(f.at));
const writeLen = (b, f, v) => (f.size === 2 ? b.writeUInt16LE(v & 0xffff, f.at) : b.writeUInt32LE(v >>> 0, f.at));

/** Inserts `piece` at `at` inside the enclosing `parents`, growing each of their lengths. */
function insert(b, at, piece, parents) {
  for (const p of parents) if (readLen(b, p) + piece.length > (p.size === 2 ? 0xffff : 0xffffffff)) return b;
  const out = Buffer.concat([b.subarray(0, at), piece, b.subarray(at)]);
  for (const p of parents) writeLen(out, p.at < at ? p : { ...p, at: p.at + piece.length }, readLen(b, p) + piece.length);
  return out;
}

/** The mutations; each takes (block, rng, corpus) and returns a new block. */
const mutations = {
  bitFlip(b, r) {
    if (!b.length) return b;
    const i = r.int(b.length);
    b[i] ^= 1 << r.int(8);
    return b;
  },
  byteSet(b, r) {
    if (!b.length) return b;
    b[r.int(b.length)] = r.pick([0, 0xff, r.int(256), 1, 0x7f, 0x80]);
    return b;
  },
  lengthEdit(b, r) {
    const s = structure(b);
    if (!s.lengths.length) return b;
    const f = r.pick(s.lengths);
    const v = readLen(b, f);
    const max = f.size === 2 ? 0xffff : 0xffffffff;
    writeLen(b, f, r.pick([0, 1, 3, 4, 7, 8, 15, 16, v + 1, v - 1, v + 4, v - 4, max, max - 3, r.int(max + 1), r.int(v + 64)]));
    return b;
  },
  truncate(b, r) {
    // at every class of position: inside nlmsghdr, the fixed header, an attribute header, a payload
    const s = structure(b);
    const candidates = [r.int(b.length + 1)];
    for (const m of s.messages) candidates.push(m.off + r.int(HDR), m.off + HDR + r.int(fixedHeader(m.type) + 1));
    for (const a of s.attrs) candidates.push(a.off + r.int(4), a.off + 4 + r.int(Math.max(1, a.len - 4)));
    const at = Math.min(b.length, r.pick(candidates));
    const out = Buffer.from(b.subarray(0, at));
    // also fix the cut message's nlmsg_len to the cut (else the engine's walk never hands it on)
    if (r.next() < 0.7) {
      const m = s.messages.find((x) => x.off < at && x.off + x.len >= at);
      if (m && at - m.off >= 4) out.writeUInt32LE(at - m.off, m.off);
    }
    return out;
  },
  splice(b, r, corpus) {
    // an attribute of another message (any family) inserted at an attribute boundary here
    const s = structure(b);
    const donor = r.pick(corpus);
    const ds = structure(donor).attrs;
    if (!s.attrs.length || !ds.length) return b;
    const d = r.pick(ds);
    const piece = Buffer.from(donor.subarray(d.off, d.off + ((d.len + 3) & ~3)));
    const at = r.pick(s.attrs);
    return insert(b, r.next() < 0.5 ? at.off : at.off + ((at.len + 3) & ~3), piece, at.parents);
  },
  duplicate(b, r) {
    const s = structure(b);
    if (!s.attrs.length) return b;
    const a = r.pick(s.attrs);
    const piece = Buffer.from(b.subarray(a.off, a.off + ((a.len + 3) & ~3)));
    return insert(b, a.off, piece, a.parents);
  },
  nest(b, r) {
    // wraps an attribute into many levels of attributes of one type (deep nesting)
    const s = structure(b);
    if (!s.attrs.length) return b;
    const a = r.pick(s.attrs);
    const depth = 1 + r.int(r.next() < 0.1 ? 2000 : 40);
    const type = r.next() < 0.5 ? b.readUInt16LE(a.off + 2) : r.int(64) | (r.next() < 0.5 ? 0x8000 : 0);
    let inner = Buffer.from(b.subarray(a.off, a.off + ((a.len + 3) & ~3)));
    for (let i = 0; i < depth && inner.length + 4 <= 0xffff; i++) {
      const h = Buffer.alloc(4);
      h.writeUInt16LE(inner.length + 4, 0);
      h.writeUInt16LE(type, 2);
      inner = Buffer.concat([h, inner]);
    }
    const out = Buffer.concat([b.subarray(0, a.off), inner, b.subarray(a.off + ((a.len + 3) & ~3))]);
    const grow = inner.length - ((a.len + 3) & ~3);
    for (const p of a.parents) {
      const v = readLen(b, p) + grow;
      if (v > (p.size === 2 ? 0xffff : 0xffffffff)) return b;
      writeLen(out, p, v);
    }
    return out;
  },
  concat(b, r, corpus) {
    // a second message behind the first (as in one datagram)
    return Buffer.concat([b, r.pick(corpus)]);
  },
};
const mutationNames = Object.keys(mutations);

/** What a DecodeError's path looks like: a family's root, then fields and indexes. */
const goodPath = /^(link|address|route|rule|neigh|netns|qdisc|class|filter|actions|action|nexthop|addrlabel|netconf)((\.[A-Za-z][A-Za-z0-9]*)|\[\d+\])*$/;

/** The decoders a handle's requests carry, and those of the event registry: `{ name, types, decode(b, off, end, type) }`. */
export function collectDecoders({ families, eventKinds }) {
  const out = [];
  const fromOp = (name, op, types) => {
    const step = op.next();
    const reqs = Array.isArray(step.value) ? step.value : [step.value];
    for (const r of reqs) if (r?.parse) out.push({ name: `${name} (${r.type})`, types: types ?? [r.type - 2], decode: r.parse });
  };
  const L = families;
  fromOp('link.list', L.link.list({}), [16, 17]);
  fromOp('link.list stats:false', L.link.list({ stats: false }), [16, 17]);
  fromOp('link.get', L.link.get('x'), [16]);
  fromOp('address.list', L.address.list({}), [16, 20, 21]);
  fromOp('address.list filtered', L.address.list({ dev: 1, family: 'inet', to: '10.0.0.0/8', label: 'va*', flags: ['permanent'], scope: 'global' }), [16, 20]);
  fromOp('route.list all', L.route.list({ table: 'all' }), [16, 24, 25]);
  fromOp('route.list filtered', L.route.list({ table: 100, protocol: 'static', type: 'unicast', scope: 'link', family: 'inet' }), [24]);
  fromOp('route.get', L.route.get('10.0.0.1'), [24]);
  fromOp('rule.list', L.rule.list({}), [32, 33]);
  fromOp('rule.list filtered', L.rule.list({ table: 100, priority: 100, fwmark: 16, iif: 'va', oif: 'vc', protocol: 'static', action: 'lookup' }), [32]);
  fromOp('neigh.list', L.neigh.list({}), [16, 28, 29]);
  fromOp('neigh.list filtered', L.neigh.list({ dev: 1, family: 'bridge', state: ['permanent', 'stale'], vlan: 1 }), [28]);
  // (a prefix and the bridge family exclude each other: FDB entries have no address)
  fromOp('neigh.list to', L.neigh.list({ dev: 1, family: 'inet', state: ['permanent', 'stale'], to: '10.0.0.0/8' }), [28]);
  fromOp('neigh.get', L.neigh.get({ index: 1, address: '10.0.0.1' }), [28]);
  fromOp('netns.listIds', L.netns.listIds({}), [88]);
  fromOp('netns.getId', L.netns.getId({ fd: 0 }), [88]);
  if (L.nexthop) fromOp('nexthop.list', L.nexthop.list({}), [104]);
  if (L.nexthop) fromOp('nexthop.get', L.nexthop.get(1), [104]);
  if (L.nexthop) fromOp('nexthop.buckets', L.nexthop.buckets({ id: 1 }), [116]);
  if (L.addrlabel) fromOp('addrlabel.list', L.addrlabel.list({}), [72]);
  if (L.netconf) fromOp('netconf.list', L.netconf.list({}), [80]);
  for (const [type, k] of eventKinds?.() ?? []) out.push({ name: `event ${k.family} ${k.action} (${type})`, types: [type], decode: k.decode });
  return out;
}

/** Messages of the captured replies (test/fixtures/replies.json), each a Buffer with its nlmsghdr. */
export function corpusOf(replies) {
  return replies.replies.flatMap((r) => r.messages.map((h) => Buffer.from(h, 'hex')));
}

/**
 * Runs `count` mutated inputs over `decoders`, seeded by `seed`. An input is a
 * block of one or more messages, fed the way the engine's walk feeds them:
 * each whole message (not ERROR or DONE) as (buffer, payloadOffset,
 * messageEnd, type). Returns the counts and the failures: any exception other
 * than a `DecodeError` (or one whose path is not `family.field…`), or a decode
 * slower than `slowMs`.
 */
export function fuzz({ decoders, corpus, DecodeError, seed, count, slowMs = 100, maxFailures = 20, onProgress }) {
  const r = prng(seed);
  const byType = new Map();
  for (const m of corpus) {
    const t = m.readUInt16LE(4);
    if (!byType.has(t)) byType.set(t, []);
    byType.get(t).push(m);
  }
  const failures = [];
  let decodes = 0;
  let values = 0;
  let decodeErrors = 0;
  let slowest = 0;
  const perMutation = Object.fromEntries(mutationNames.map((n) => [n, 0]));
  for (let i = 0; i < count && failures.length < maxFailures; i++) {
    const d = decoders[i % decoders.length];
    // mostly messages of the decoder's own types, sometimes any (a reply of the wrong family)
    const own = d.types.flatMap((t) => byType.get(t) ?? []);
    let b = Buffer.from(r.pick(own.length && r.next() < 0.85 ? own : corpus));
    const steps = 1 + r.int(r.next() < 0.2 ? 6 : 3);
    const applied = [];
    for (let k = 0; k < steps; k++) {
      const name = r.pick(mutationNames);
      applied.push(name);
      perMutation[name]++;
      b = mutations[name](b, r, corpus);
    }
    for (let off = 0; off + HDR <= b.length; ) {
      const len = b.readUInt32LE(off);
      if (len < HDR || off + len > b.length) break;
      const type = b.readUInt16LE(off + 4);
      if (type !== NLMSG_ERROR && type !== NLMSG_DONE) {
        const t0 = performance.now();
        try {
          const v = d.decode(b, off + HDR, off + len, type);
          if (v !== undefined) values++;
        } catch (e) {
          if (e instanceof DecodeError && goodPath.test(e.path)) decodeErrors++;
          else failures.push({ input: i, decoder: d.name, mutations: applied, error: String(e?.stack ?? e), hex: b.toString('hex') });
        }
        const ms = performance.now() - t0;
        slowest = Math.max(slowest, ms);
        if (ms > slowMs) failures.push({ input: i, decoder: d.name, mutations: applied, error: `took ${ms.toFixed(1)} ms`, hex: b.toString('hex') });
        decodes++;
      }
      off += (len + 3) & ~3;
    }
    if (onProgress && (i + 1) % 100000 === 0) onProgress(i + 1);
  }
  return { seed, inputs: count, decoders: decoders.length, decodes, values, decodeErrors, slowestMs: slowest, perMutation, failures };
}
