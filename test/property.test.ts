/**
 * A property test of the validation layer: valid inputs of each call (from
 * test/bad/*.cases.ts), with random optional fields dropped and one field
 * replaced by a value its own schema refuses, are refused before anything is
 * sent, by an error that names that field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefused, state, topology } from './bad/harness.js';
import { props } from './bad/all.js';
import type { TestNetns } from './helpers.js';

const SEED = Number(process.env.PROPERTY_SEED ?? 0x5eed14);
const TRIALS = Number(process.env.PROPERTY_TRIALS ?? 40);

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let ns: TestNetns;
beforeAll(async () => {
  ns = await topology();
});
afterAll(async () => {
  await ns?.close();
});

it('there are property cases for every family', () => {
  console.log(`property test: seed ${SEED}, ${TRIALS} trials for each of ${props.length} calls`);
  expect(props.length).toBeGreaterThanOrEqual(20);
});

describe('one corrupted field is refused, named, before anything is sent', () => {
  for (const p of props) {
    it(`${p.call} (${p.path})`, async () => {
      const rnd = prng(SEED ^ [...p.call].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7));
      const before = state(ns.nl);
      const fields = Object.keys(p.schema.fields);
      for (let trial = 0; trial < TRIALS; trial++) {
        const args = p.base(ns);
        const base = args[p.position] as Record<string, unknown>;
        const input: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(base)) if (p.keep?.includes(k) || rnd() < 0.6) input[k] = v;
        const field = fields[Math.floor(rnd() * fields.length)];
        const wrong = p.schema.fields[field].check.wrong;
        if (!wrong.length) continue;
        input[field] = wrong[Math.floor(rnd() * wrong.length)];
        args[p.position] = input;
        await expectRefused(ns, p.call, args, Error, new RegExp(`${escape(p.path)}\\.${escape(field)}\\b`), before);
      }
    });
  }
});
