/** Bad input for facade: see harness.ts for the format. */
import type { BadCase, PropCase } from './harness.js';

export const cases: BadCase[] = [];

export const props: PropCase[] = [];
