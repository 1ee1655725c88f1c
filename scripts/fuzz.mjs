#!/usr/bin/env node
// The decoder fuzzer at scale (not in CI; test/fuzz.test.ts runs 20,000 inputs):
// captured replies mutated and fed to every decoder of the compiled library
// (dist/, or another build with --lib), reporting inputs per second and every
// input whose decode threw anything but a DecodeError or took too long.
//
//   npx tsc -p . && node scripts/fuzz.mjs [--count=1000000] [--seed=N] [--slow-ms=100] [--lib=DIR] [--show=3]
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { collectDecoders, corpusOf, fuzz } from './fuzz-core.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const count = Number(arg('count', 1_000_000));
const seed = Number(arg('seed', (Math.random() * 2 ** 32) >>> 0));
const slowMs = Number(arg('slow-ms', 100));
const show = Number(arg('show', 3));
const dist = resolve(arg('lib', join(root, 'dist')));
const load = (m) => import(pathToFileURL(join(dist, m)).href);

const { families } = await load('families.js');
const { DecodeError } = await load('errors.js');
const eventKinds = await load('events.js').then((m) => m.eventKinds, () => undefined); // older builds had no registry module
const corpus = corpusOf(JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'replies.json'), 'utf8')));
const decoders = collectDecoders({ families, eventKinds });

console.log(`fuzz: seed ${seed}, ${count} inputs, ${decoders.length} decoders, ${corpus.length} seed messages, library ${dist}`);
const t0 = performance.now();
const res = fuzz({
  decoders,
  corpus,
  DecodeError,
  seed,
  count,
  slowMs,
  maxFailures: 1000,
  onProgress: (n) => process.stderr.write(`  ${n} inputs, ${((n / (performance.now() - t0)) * 1000).toFixed(0)}/s\r`),
});
const s = (performance.now() - t0) / 1000;
console.log(
  `${res.inputs} inputs (${res.decodes} decodes) in ${s.toFixed(1)} s: ${((res.inputs / s) | 0).toLocaleString('en')} inputs/s; ` +
    `${res.values} values, ${res.decodeErrors} DecodeErrors, slowest decode ${res.slowestMs.toFixed(1)} ms; ${res.failures.length} failures`,
);
console.log(`mutations applied: ${Object.entries(res.perMutation).map(([k, v]) => `${k} ${v}`).join(', ')}`);
const kinds = new Map();
for (const f of res.failures) {
  const key = `${f.decoder}: ${f.error.split('\n')[0].replace(/\d+/g, 'N')}`;
  kinds.set(key, (kinds.get(key) ?? 0) + 1);
}
for (const [k, n] of kinds) console.log(`  ${n} x ${k}`);
for (const f of res.failures.slice(0, show)) console.log(`\ninput ${f.input} (${f.decoder}; ${f.mutations.join(', ')}):\n${f.error}\n${f.hex}`);
process.exitCode = res.failures.length ? 1 : 0;
