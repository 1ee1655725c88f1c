#!/usr/bin/env node
// Decode micro-benchmark, kernel-free: the big dump replies captured by
// scripts/capture-replies.mjs (test/fixtures/bench) decoded many times by the
// parsers the library's own dump requests carry, fed the way the engine feeds
// them: parse(buffer, payloadOffset, messageEnd, type) per message.
//
//   npx tsc -p . && node --expose-gc scripts/bench/decode.js [--rounds=N] [--only=routes100k,links2000] [--lib=DIR] [--json]
//
// Prints, per dump, the best, median and mean time of a whole decode over
// the rounds (and per message; without --expose-gc the mean includes the
// garbage collection the decoding causes), the time of a bare walk over the same messages
// (the floor), and a checksum of the decoded objects, so two builds can be
// compared both for speed and for output.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
// --lib=DIR: another build of the library (to compare two versions on the same fixtures)
const { families } = await import(pathToFileURL(join(resolve(arg('lib') ?? join(root, 'dist')), 'families.js')).href);

const rounds = Number(arg('rounds') ?? 30);
const only = arg('only')?.split(',');
const dir = join(root, 'test', 'fixtures', 'bench');
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));

/** The dump request an operation sends first (of the given message type), as a handle would get it. */
function dumpRequest(family, args, type) {
  const step = families[family].list(args).next();
  const reqs = Array.isArray(step.value) ? step.value : [step.value];
  return reqs.find((r) => r.type === type);
}

const cases = {
  links2000: () => dumpRequest('link', {}, 18),
  addresses5k: () => dumpRequest('address', {}, 22),
  routes10k: () => dumpRequest('route', {}, 26),
  routes100k: () => dumpRequest('route', {}, 26),
};

/** The messages of a block, as [offset, length, type]. */
function messages(b) {
  const out = [];
  for (let off = 0; off + 16 <= b.length; ) {
    const len = b.readUInt32LE(off);
    if (len < 16 || off + len > b.length) break;
    out.push([off, len, b.readUInt16LE(off + 4)]);
    off += (len + 3) & ~3;
  }
  return out;
}

function decodeAll(b, parse, sink) {
  // The engine's walk: header fields read per message, parse on the payload.
  let n = 0;
  for (let off = 0; off + 16 <= b.length; ) {
    const len = b.readUInt32LE(off);
    if (len < 16 || off + len > b.length) break;
    const v = parse(b, off + 16, off + len, b.readUInt16LE(off + 4));
    if (v !== undefined) {
      n++;
      if (sink) sink.push(v);
    }
    off += (len + 3) & ~3;
  }
  return n;
}

function walkOnly(b) {
  let n = 0;
  for (let off = 0; off + 16 <= b.length; ) {
    const len = b.readUInt32LE(off);
    if (len < 16 || off + len > b.length) break;
    n += b.readUInt16LE(off + 4);
    off += (len + 3) & ~3;
  }
  return n;
}

function time(fn) {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { best: s[0], median: s[s.length >> 1], mean: s.reduce((a, b) => a + b, 0) / s.length };
};

console.log(`decode benchmark: node ${process.version}, ${rounds} rounds${globalThis.gc ? ', gc between rounds' : ''}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}, fixtures from kernel ${index.kernel}`);
const rows = [];
for (const [name, make] of Object.entries(cases)) {
  if (only && !only.includes(name)) continue;
  const b = gunzipSync(readFileSync(join(dir, index[name].file)));
  const req = make();
  const count = messages(b).length;
  const out = [];
  decodeAll(b, req.parse, out);
  const sum = createHash('sha1').update(JSON.stringify(out)).digest('hex').slice(0, 12);
  for (let i = 0; i < 3; i++) decodeAll(b, req.parse); // warm up
  const ts = [];
  const walks = [];
  for (let i = 0; i < rounds; i++) {
    walks.push(time(() => walkOnly(b)));
    globalThis.gc?.(); // every round starts from the same heap (run with --expose-gc)
    ts.push(time(() => decodeAll(b, req.parse)));
  }
  const t = stats(ts);
  const w = stats(walks);
  rows.push({ name, count, bestMs: t.best, medianMs: t.median, meanMs: t.mean, nsPerMsg: (t.best * 1e6) / count, walkMs: w.best, checksum: sum });
}
console.table(
  Object.fromEntries(
    rows.map((r) => [
      r.name,
      { messages: r.count, 'best ms': r.bestMs.toFixed(2), 'median ms': r.medianMs.toFixed(2), 'mean ms': r.meanMs.toFixed(2), 'ns/msg (best)': r.nsPerMsg.toFixed(0), 'walk ms': r.walkMs.toFixed(2), checksum: r.checksum },
    ]),
  ),
);
if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
