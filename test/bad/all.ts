/** Every family's bad-input cases and property inputs, by family. */
import * as address from './address.cases.js';
import * as bridge from './bridge.cases.js';
import * as facade from './facade.cases.js';
import type { BadCase, PropCase } from './harness.js';
import * as link from './link.cases.js';
import * as neigh from './neigh.cases.js';
import * as nsid from './nsid.cases.js';
import * as objects from './objects.cases.js';
import * as route from './route.cases.js';
import * as rule from './rule.cases.js';
import * as tc from './tc.cases.js';

const families = { link, address, route, rule, neigh, nsid, tc, objects, facade, bridge };

/** The cases, by family. */
export const cases: Record<string, BadCase[]> = Object.fromEntries(Object.entries(families).map(([k, m]) => [k, m.cases]));
/** The property inputs of every family. */
export const props: PropCase[] = Object.values(families).flatMap((m) => m.props);
