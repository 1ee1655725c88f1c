/**
 * Fuzzes every decoder, kernel-free: 20,000 inputs mutated from the captured
 * replies (bit flips, bytes set, length fields edited, truncations, spliced,
 * duplicated and deeply nested attributes, messages back to back), fed the
 * way the engine feeds them. Every decode returns a value or throws a
 * DecodeError, and none takes long. scripts/fuzz.mjs runs the same with a
 * million inputs and more.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types, shared with scripts/fuzz.mjs
import { collectDecoders, corpusOf, fuzz } from '../scripts/fuzz-core.mjs';
import { DecodeError } from '../lib/errors.js';
import { eventKinds } from '../lib/events.js';
import { families } from '../lib/families.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x13c0de);
const COUNT = Number(process.env.FUZZ_COUNT ?? 20_000);

describe('fuzz', () => {
  it(`${COUNT} mutated replies over every decoder (seed ${SEED})`, () => {
    const replies = JSON.parse(readFileSync(new URL('./fixtures/replies.json', import.meta.url), 'utf8'));
    const decoders = collectDecoders({ families, eventKinds });
    // every family's list decoder and every registered event type is there
    expect(decoders.length).toBeGreaterThanOrEqual(15 + 12);
    const res = fuzz({ decoders, corpus: corpusOf(replies), DecodeError, seed: SEED, count: COUNT, slowMs: 250 });
    console.log(
      `fuzz seed ${res.seed} (FUZZ_SEED to replay): ${res.inputs} inputs, ${res.decodes} decodes over ${res.decoders} decoders, ` +
        `${res.values} values, ${res.decodeErrors} DecodeErrors, slowest ${res.slowestMs.toFixed(1)} ms`,
    );
    for (const f of res.failures.slice(0, 3)) console.log(`input ${f.input} (${f.decoder}; ${f.mutations.join(', ')}): ${f.error}\n${f.hex}`);
    expect(res.failures.map((f: { decoder: string; error: string }) => `${f.decoder}: ${f.error.split('\n')[0]}`)).toEqual([]);
    expect(res.decodeErrors).toBeGreaterThan(0);
    expect(res.values).toBeGreaterThan(0);
  });
});
