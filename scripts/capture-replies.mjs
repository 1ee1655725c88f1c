#!/usr/bin/env node
// Records the kernel's raw reply messages for the decoder fuzz test and the
// decode micro-benchmark (kernel-free both), from a throw-away network
// namespace this script makes itself (never the machine's own).
//
//   npx tsc -p . && sudo node scripts/capture-replies.mjs [--no-bench]
//
// Writes:
//   test/fixtures/replies.json        a varied topology: every dump and a few
//                                     GET answers, each message as hex
//   test/fixtures/bench/*.bin.gz      big dumps (2000 links, 5k addresses,
//                                     10k and 100k routes), raw messages back to
//                                     back, described by bench/index.json
// (--no-bench: only replies.json)
//
// The requests are the library's own: each family's operation is driven here
// step by step (the way a handle runs it) over a plain native socket's
// blocking path (sendSync/recvSync return every reply byte as framed records),
// so nothing of the protocol machine is involved.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { native } = await import('../dist/native.js');
const { openSync } = await import('../dist/handle.js');
const { families } = await import('../dist/families.js');
const { NetlinkError } = await import('../dist/errors.js');
const { Writer } = await import('../dist/codec.js');
const { rtmName } = await import('../dist/wire/rtm.js');

const withBench = !process.argv.includes('--no-bench');
const HDR = 16;
const NLM_F_REQUEST = 1;
const NLM_F_ACK = 4;
const NLM_F_DUMP = 0x300;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const RTM_GETLINK = 18;

/** A namespace with a library handle (to build the topology) and a bare socket (to record). */
function namespace() {
  const fd = native.netnsCreate();
  const nl = openSync({ netns: { fd } });
  const sock = new native.Socket({ netnsFd: fd }, () => {});
  sock.openSync();
  return {
    fd,
    nl,
    sock,
    path: `/proc/${process.pid}/fd/${fd}`,
    async close() {
      sock.destroy();
      await nl.close();
      closeSync(fd);
    },
  };
}

/** Sends one message on the blocking socket and returns its reply datagrams, concatenated (up to its ACK or DONE). */
function requestSync(sock, bytes, mySeq) {
  const err = sock.sendSync(bytes);
  if (err) throw new NetlinkError(err, 'sendmsg');
  const parts = [];
  for (;;) {
    const block = sock.recvSync(5000);
    if (block === null) throw new Error('no answer within 5 s');
    let end = false;
    for (let off = 0; off + 8 <= block.length; ) {
      const len = block.readUInt32LE(off);
      const kind = block.readUInt16LE(off + 6);
      const data = block.subarray(off + 8, off + 8 + len);
      if (kind !== 0) throw new Error(`socket said ${kind === 2 ? `errno ${data.readInt32LE(0)}` : `record kind ${kind}`}`);
      parts.push(data);
      for (let p = 0; p + HDR <= data.length; p += (data.readUInt32LE(p) + 3) & ~3) {
        const type = data.readUInt16LE(p + 4);
        if (data.readUInt32LE(p + 8) === mySeq && (type === NLMSG_ERROR || type === NLMSG_DONE)) end = true;
        if (data.readUInt32LE(p) < HDR) break;
      }
      off += 8 + ((len + 3) & ~3);
    }
    if (end) return Buffer.concat(parts);
  }
}

let seq = 1;
/** Sends one request, returns its reply messages (raw, header included) and the parsed values. */
function exchange(sock, req) {
  const w = new Writer(4096);
  w.pos = HDR;
  req.body(w);
  const dump = ((req.flags ?? 0) & NLM_F_DUMP) === NLM_F_DUMP;
  w.setU32(0, w.pos);
  w.setU16(4, req.type);
  w.setU16(6, NLM_F_REQUEST | (req.flags ?? 0) | (dump ? 0 : NLM_F_ACK));
  w.setU32(8, seq++);
  const reply = requestSync(sock, w.buf.subarray(0, w.pos), seq - 1);
  const messages = [];
  const values = [];
  for (let off = 0; off + HDR <= reply.length; ) {
    const len = reply.readUInt32LE(off);
    const type = reply.readUInt16LE(off + 4);
    if (len < HDR || off + len > reply.length) break;
    if (type === NLMSG_ERROR) {
      const errno = reply.readInt32LE(off + HDR);
      if (errno) throw new NetlinkError(-errno, rtmName(req.type));
    } else if (type !== NLMSG_DONE) {
      messages.push(Buffer.from(reply.subarray(off, off + len)));
      const v = req.parse?.(reply, off + HDR, off + len, type);
      if (v !== undefined) values.push(v);
    }
    off += (len + 3) & ~3;
  }
  return { messages, values };
}

/** Runs a family operation over `sock` as a handle would; `record(req, messages)` sees every exchange. */
function run(sock, op, record) {
  let step = op.next();
  while (!step.done) {
    const batch = Array.isArray(step.value);
    const reqs = batch ? step.value : [step.value];
    let replies;
    try {
      replies = reqs.map((r) => {
        const { messages, values } = exchange(sock, r);
        record(r, messages);
        return values;
      });
    } catch (e) {
      step = op.throw(e);
      continue;
    }
    step = op.next(batch ? replies : replies[0]);
  }
  return step.value;
}

/** Runs `ip ARGS…` inside the namespace (only for what the library cannot make: tun/tap). */
function ip(ns, ...args) {
  try {
    execFileSync('nsenter', [`--net=${ns.path}`, 'ip', ...args], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function variedTopology() {
  const ns = namespace();
  const other = namespace();
  const { nl } = ns;
  const s = nl.sync;
  try {
    s.link.set('lo', { up: true });
    s.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb', mtu: 1400 } }, mtu: 1400 });
    s.link.set('va', { alias: 'side a' }); // the kernel takes IFLA_IFALIAS on a change only
    s.link.add({ name: 'vc', kind: 'veth', info: { peer: { name: 'vd' } }, txqlen: 500, group: 7 });
    // a peer born in another namespace: linkNetnsid on this side (the id first, or the kernel picks one)
    s.netns.setId({ fd: other.fd }, 5);
    s.link.add({ name: 've', kind: 'veth', info: { peer: { name: 'vf', netns: { fd: other.fd } } } });
    s.link.add({ name: 'br0', kind: 'bridge', info: { stpState: 0, forwardDelay: 400, helloTime: 100, priority: 4096, mcastSnooping: false, noLinklocalLearn: true } });
    s.link.set('vb', { master: 'br0', up: true });
    s.link.set('vd', { master: 'br0', up: true });
    s.link.set('vb', { slaveKind: 'bridge', slaveInfo: { cost: 7, priority: 3, learning: false, hairpin: true } });
    s.link.add({ name: 'mv0', kind: 'macvlan', link: 'va', info: { mode: 'bridge' }, address: '02:00:00:00:10:01' });
    s.link.add({ name: 'mvt0', kind: 'macvtap', link: 'vc', info: { mode: 'vepa' } });
    s.link.add({ name: 'vx0', kind: 'vxlan', info: { id: 42, remote: '192.0.2.9', local: '10.0.0.1', dstport: 4789, dev: 'va', ttl: 9, learning: false, portRange: { low: 1000, high: 2000 } } });
    s.link.add({ name: 'vx6', kind: 'vxlan', info: { id: 43, group: 'ff05::9', local: '2001:db8::1', dstport: 4790, dev: 'va' } });
    s.link.add({ name: 'ifb0', kind: 'ifb' });
    ip(ns, 'tuntap', 'add', 'mode', 'tap', 'tap0');
    ip(ns, 'tuntap', 'add', 'mode', 'tun', 'tun0', 'multi_queue');
    for (const l of ['va', 'vc', 've', 'br0', 'mv0', 'vx0', 'ifb0']) s.link.set(l, { up: true });

    s.address.add({ dev: 'va', address: '10.0.0.1/24', broadcast: '+', label: 'va:one' });
    s.address.add({ dev: 'va', address: '10.0.0.2/24' }); // secondary
    s.address.add({ dev: 'va', address: '10.9.0.1/32', peer: '10.9.0.2/32' });
    s.address.add({ dev: 'va', address: '10.0.5.1/24', validLft: 3600, preferredLft: 1800, metric: 20, proto: 'kernel_ra' });
    s.address.add({ dev: 'va', address: '2001:db8::1/64', flags: ['nodad'] });
    s.address.add({ dev: 'va', address: '2001:db8:1::1/64', flags: ['nodad', 'noprefixroute'], validLft: 7200, preferredLft: 600 });
    s.address.add({ dev: 'vc', address: '2001:db8:9::1/128', peer: '2001:db8:9::2/128', flags: ['nodad'] });
    s.address.add({ dev: 'br0', address: '192.168.50.1/24', anycast: undefined });
    s.address.add({ dev: 'vc', address: '10.0.1.1/24' });

    s.route.add({ dst: '10.1.0.0/24', via: '10.0.0.254', metric: 5, metrics: { mtu: 1400, advmss: 1300, rtt: 10, rttvar: 4, hoplimit: 10, lock: ['mtu'], ccAlgo: 'cubic', initcwnd: 10, features: ['ecn'] } });
    s.route.add({ dst: '10.2.0.0/24', nexthops: [{ via: '10.0.0.253', weight: 2 }, { via: '10.0.1.252', dev: 'vc', onlink: true }, { dev: 'va', realm: 4 }] });
    s.route.add({ dst: '10.3.0.0/16', type: 'blackhole' });
    s.route.add({ dst: '10.4.0.0/16', type: 'unreachable', metric: 9 });
    s.route.add({ dst: '10.5.0.0/16', type: 'prohibit', table: 100 });
    s.route.add({ dst: '10.6.0.0/24', dev: 'va', src: '10.0.0.1', table: 100, protocol: 'static', realm: 7 });
    s.route.add({ dst: '10.7.0.0/24', via: '10.0.0.250', table: 1000, tos: 8, protocol: 'bird' });
    s.route.add({ dst: 'default', via: '10.0.0.254', table: 1000 });
    s.route.add({ dst: '10.8.0.1', dev: 'va', scope: 'link' });
    s.route.add({ dst: '10.10.0.0/24', via: '2001:db8::77', dev: 'va' }); // RTA_VIA (IPv4 over IPv6)
    s.route.add({ dst: '2001:db8:2::/64', nexthops: [{ via: '2001:db8::4', dev: 'va' }, { via: '2001:db8::5', dev: 'va', weight: 3 }] });
    s.route.add({ dst: '2001:db8:3::/48', dev: 'va', metric: 77, pref: 'high', table: 100, metrics: { mtu: 1350 } });
    s.route.add({ dst: '2001:db8:4::/48', via: '2001:db8::9', expires: 600 });
    s.route.add({ dst: '2001:db8:5::/48', type: 'unreachable' });
    s.route.add({ dst: '2001:db8:6::/64', from: '2001:db8:1::/64', dev: 'va' });

    s.rule.add({ priority: 100, from: '10.0.0.0/8', table: 100 });
    s.rule.add({ priority: 101, to: '192.0.2.0/24', not: true, fwmark: 0x10, fwmask: 0xff, table: 1000 });
    s.rule.add({ priority: 102, iif: 'va', oif: 'vc', action: 'blackhole' });
    s.rule.add({ priority: 103, uidrange: [1000, 2000], ipproto: 'tcp', sport: [1024, 2048], dport: 443, table: 'main', suppressPrefixlen: 0 });
    s.rule.add({ priority: 104, goto: 200 });
    s.rule.add({ priority: 200, tos: 16, protocol: 'static', action: 'unreachable' });
    s.rule.add({ family: 'inet6', priority: 105, from: '2001:db8::/32', table: 100, suppressIfgroup: 3 });
    s.rule.add({ family: 'inet6', priority: 106, flowlabel: 0x12345, flowlabelMask: 0xfffff, action: 'prohibit' });

    s.neigh.add({ dev: 'va', address: '10.0.0.99', lladdr: '02:00:00:00:00:99' });
    s.neigh.add({ dev: 'va', address: '10.0.0.98', lladdr: '02:00:00:00:00:98', state: 'stale' });
    s.neigh.add({ dev: 'va', address: '2001:db8::99', lladdr: '02:00:00:00:00:97', router: true });
    s.neigh.add({ dev: 'va', address: '10.0.0.97', proxy: true });
    s.neigh.add({ dev: 'vb', family: 'bridge', lladdr: '02:00:00:00:01:01', master: true, state: 'permanent' });
    s.neigh.add({ dev: 'vd', family: 'bridge', lladdr: '02:00:00:00:01:02', master: true, sticky: true, state: 'reachable' });
    s.neigh.add({ dev: 'vx0', family: 'bridge', lladdr: '02:00:00:00:02:02', dst: '192.0.2.10', vni: 42, port: 4789, via: 'va' });
    s.neigh.add({ dev: 'vx0', family: 'bridge', lladdr: '02:00:00:00:02:01', dst: '192.0.2.11' });

    const replies = [];
    const seen = new Set();
    const record = (name) => (req, messages) => {
      // other families' link-name lookups repeat what link.list recorded
      if (req.type === RTM_GETLINK && !name.startsWith('link.')) return;
      const hex = messages.map((m) => m.toString('hex'));
      const key = hex.join();
      if (!hex.length || seen.has(key)) return;
      seen.add(key);
      replies.push({ name, request: rtmName(req.type), messages: hex });
    };
    const op = (family, name, ...args) => run(ns.sock, families[family][name](...args), record(`${family}.${name}`));
    op('link', 'list', {});
    op('link', 'list', { stats: false });
    op('link', 'get', 'br0');
    op('link', 'get', 'vx0');
    op('link', 'get', 'mvt0');
    op('address', 'list', {});
    op('route', 'list', { table: 'all' });
    op('route', 'get', '10.1.0.9');
    op('route', 'get', '2001:db8:2::1');
    op('route', 'get', '10.7.0.1', { mark: 0x10, uid: 1500, ipproto: 'tcp', dport: 443 });
    op('route', 'get', '10.0.0.1', { from: '10.0.0.50', iif: 'va' });
    op('route', 'get', '10.2.0.1', { fibmatch: true });
    op('rule', 'list', {});
    op('neigh', 'list', {});
    op('neigh', 'list', { proxy: true });
    op('neigh', 'list', { family: 'bridge' });
    op('neigh', 'get', { dev: 'va', address: '10.0.0.99' });
    op('netns', 'listIds', {});
    op('netns', 'getId', { fd: other.fd });
    return replies;
  } finally {
    await ns.close();
    await other.close();
  }
}

/** One big dump: the library's request for `family.name(args)`, its reply bytes back to back. */
async function bigDump(what, build, family, name, args) {
  const ns = namespace();
  try {
    await build(ns.nl);
    const chunks = [];
    // only the family's own dump, not the link-name lookup that runs beside it
    const wanted = { link: RTM_GETLINK, address: 22, route: 26 }[family];
    run(ns.sock, families[family][name](args), (req, messages) => {
      if (req.type === wanted) chunks.push(...messages);
    });
    const bytes = Buffer.concat(chunks);
    const file = join(root, 'test', 'fixtures', 'bench', `${what}.bin.gz`);
    writeFileSync(file, gzipSync(bytes, { level: 9 }));
    console.error(`${what}: ${chunks.length} messages, ${bytes.length} bytes`);
    return { file: `${what}.bin.gz`, messages: chunks.length, bytes: bytes.length, request: `${family}.${name}` };
  } finally {
    await ns.close();
  }
}

async function vethPairs(nl, n) {
  for (let i = 0; i < n; i += 500) {
    await nl.batch((b) => {
      for (let j = i; j < Math.min(n, i + 500); j++) b.link.add({ name: `a${j}`, kind: 'veth', info: { peer: { name: `b${j}` } } });
    });
  }
}

async function routes(nl, n) {
  await nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } } });
  await nl.link.set('va', { up: true });
  await nl.link.set('vb', { up: true });
  await nl.address.add({ dev: 'va', address: '10.0.0.1/24' });
  for (let i = 0; i < n; i += 5000) {
    const res = await nl.batch((b) => {
      for (let j = i; j < Math.min(n, i + 5000); j++)
        b.route.add({ dst: `10.${128 + (j >> 16)}.${(j >> 8) & 255}.${j & 255}`, via: '10.0.0.2', metric: j % 7 === 0 ? 100 : undefined });
    });
    const bad = res.find((r) => !r.ok);
    if (bad) throw bad.error;
  }
}

async function addresses(nl, n) {
  await nl.link.add({ name: 'va', kind: 'veth', info: { peer: { name: 'vb' } } });
  await nl.link.set('va', { up: true });
  for (let i = 0; i < n; i += 1000) {
    const res = await nl.batch((b) => {
      for (let j = i; j < Math.min(n, i + 1000); j++)
        b.address.add(j % 2 ? { dev: 'va', address: `2001:db8:${(j >> 8).toString(16)}::${(j & 255).toString(16)}:1/64`, flags: ['nodad'] } : { dev: 'va', address: `10.${100 + (j >> 16)}.${(j >> 8) & 255}.${j & 255}/16` });
    });
    const bad = res.find((r) => !r.ok);
    if (bad) throw bad.error;
  }
}

if (process.getuid?.() !== 0) {
  console.error('capture-replies needs root, or run it in a user namespace: bash scripts/rootless.sh node scripts/capture-replies.mjs');
  process.exit(1);
}
mkdirSync(join(root, 'test', 'fixtures', 'bench'), { recursive: true });
const meta = { kernel: release(), node: process.version, captured: new Date().toISOString().slice(0, 10) };
const out = {
  note: "Raw rtnetlink reply messages (nlmsghdr included, hex) of the library's own requests, from scripts/capture-replies.mjs; input of test/fuzz.test.ts.",
  ...meta,
  replies: await variedTopology(),
};
writeFileSync(join(root, 'test', 'fixtures', 'replies.json'), JSON.stringify(out, null, 1) + '\n');
console.error(`replies.json: ${out.replies.length} exchanges, ${out.replies.reduce((n, r) => n + r.messages.length, 0)} messages (kernel ${out.kernel})`);
if (withBench) {
  const bench = {
    note: 'Big dump replies (raw messages back to back, gzip) from scripts/capture-replies.mjs; input of scripts/bench/decode.js.',
    ...meta,
    links2000: await bigDump('links-2000', (nl) => vethPairs(nl, 1000), 'link', 'list', {}),
    addresses5k: await bigDump('addresses-5k', (nl) => addresses(nl, 5000), 'address', 'list', {}),
    routes10k: await bigDump('routes-10k', (nl) => routes(nl, 10000), 'route', 'list', {}),
    routes100k: await bigDump('routes-100k', (nl) => routes(nl, 100000), 'route', 'list', {}),
  };
  writeFileSync(join(root, 'test', 'fixtures', 'bench', 'index.json'), JSON.stringify(bench, null, 1) + '\n');
}
