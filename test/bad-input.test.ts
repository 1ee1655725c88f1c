/**
 * Every bad input a clear error before anything is sent: the cases are data
 * (test/bad/*.cases.ts), one test each; test/bad/harness.ts asserts the error
 * class, that the message names the field, that nothing reached the native
 * socket, and that the kernel's state is unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCases, topology } from './bad/harness.js';
import { cases as all } from './bad/all.js';
import type { TestNetns } from './helpers.js';

let ns: TestNetns;
beforeAll(async () => {
  ns = await topology();
});
afterAll(async () => {
  await ns?.close();
});

it('the suite has at least 300 cases', () => {
  const n = Object.values(all).reduce((s, c) => s + c.length, 0);
  console.log(`bad-input cases: ${n} (${Object.entries(all).map(([k, c]) => `${k} ${c.length}`).join(', ')})`);
  expect(n).toBeGreaterThanOrEqual(300);
});

for (const [family, cases] of Object.entries(all)) describe(family, () => defineCases(cases, () => ns));
