/**
 * Every bad input a clear error before anything is sent: the cases are data
 * (test/bad/*.cases.ts), one test each; test/bad/harness.ts asserts the error
 * class, that the message names the field, that nothing reached the native
 * socket, and that the kernel's state is unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology, type BadCase } from './bad/harness.js';
import { defineCases } from './bad/harness.js';
import * as address from './bad/address.cases.js';
import * as facade from './bad/facade.cases.js';
import * as link from './bad/link.cases.js';
import * as neigh from './bad/neigh.cases.js';
import * as nsid from './bad/nsid.cases.js';
import * as route from './bad/route.cases.js';
import * as rule from './bad/rule.cases.js';
import type { TestNetns } from './helpers.js';

const all: Record<string, BadCase[]> = { link: link.cases, address: address.cases, route: route.cases, rule: rule.cases, neigh: neigh.cases, nsid: nsid.cases, facade: facade.cases };

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
