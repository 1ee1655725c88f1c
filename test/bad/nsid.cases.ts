/** Bad input for the nsid calls of a handle (`nl.netns.*`): see harness.ts for the format. Nothing is opened or sent. */
import { nsidSchemas } from '../../lib/nsid.js';
import type { TestNetns } from '../helpers.js';
import type { BadCase, PropCase } from './harness.js';

const T = TypeError;
const R = RangeError;
/** A valid reference (the handle's own namespace): the other argument is the wrong one. */
const self = (ns: TestNetns) => ({ path: ns.path });

export const cases: BadCase[] = [
  // setId: the namespace
  { call: 'netns.setId', args: ['a/b', 1], error: T, message: /netns\.setId: 'a\/b' is not a namespace name/ },
  { call: 'netns.setId', args: ['a\0b', 1], error: T, message: /netns\.setId: .* is not a namespace name .*no NUL/, note: 'NUL in a namespace name' },
  { call: 'netns.setId', args: ['..'], error: T, message: /netns\.setId: '\.\.' is not a namespace name/ },
  { call: 'netns.setId', args: [{ fd: -1 }, 1], error: R, message: /netns\.setId\.fd/ },
  { call: 'netns.setId', args: [{ pid: 0 }, 1], error: R, message: /netns\.setId\.pid/ },
  { call: 'netns.setId', args: [{ path: '' }, 1], error: T, message: /netns\.setId\.path must be a non-empty path/ },
  { call: 'netns.setId', args: [{ fd: 3, pid: 4 }, 1], error: T, message: /netns\.setId must be a namespace name or one of/ },
  { call: 'netns.setId', args: [new Map(), 1], error: T, message: /netns\.setId must be a namespace name/ },
  { call: 'netns.setId', args: [42, 1], error: T, message: /netns\.setId must be a namespace name/ },
  { call: 'netns.setId', args: [], error: T, message: /netns\.setId must be a namespace name/ },
  // setId: the id
  { call: 'netns.setId', args: (ns) => [self(ns), -1], error: R, message: /netns\.setId nsid must be an integer in 0\.\.2147483647/, note: '-1 is "none" to the kernel' },
  { call: 'netns.setId', args: (ns) => [self(ns), 2 ** 31], error: R, message: /netns\.setId nsid/ },
  { call: 'netns.setId', args: (ns) => [self(ns), 1.5], error: R, message: /netns\.setId nsid/ },
  { call: 'netns.setId', args: (ns) => [self(ns), NaN], error: R, message: /netns\.setId nsid/ },
  { call: 'netns.setId', args: (ns) => [self(ns), Infinity], error: R, message: /netns\.setId nsid/ },
  { call: 'netns.setId', args: (ns) => [self(ns), 'AUTO'], error: T, message: /netns\.setId nsid .*did you mean 'auto'/ },
  { call: 'netns.setId', args: (ns) => [self(ns), 'constructor'], error: T, message: /netns\.setId nsid must be an nsid in 0\.\.2147483647 or 'auto'/ },
  { call: 'netns.setId', args: (ns) => [self(ns), null], error: T, message: /netns\.setId nsid/ },
  { call: 'netns.setId', args: (ns) => [self(ns), 7n], error: T, message: /netns\.setId nsid .*BigInt/ },
  { call: 'sync.netns.setId', args: ['..', 1], error: T, message: /netns\.setId/ },
  { call: 'sync.netns.setId', args: (ns) => [self(ns), -2], error: R, message: /netns\.setId nsid/ },
  // getId
  { call: 'netns.getId', args: [''], error: T, message: /netns\.getId: '' is not a namespace name/ },
  { call: 'netns.getId', args: [{}], error: T, message: /netns\.getId must be a namespace name or one of .*no keys/ },
  { call: 'netns.getId', args: [null], error: T, message: /netns\.getId must be a namespace name/ },
  { call: 'netns.getId', args: [], error: T, message: /netns\.getId must be a namespace name/ },
  { call: 'netns.getId', args: [{ path: 'a\0b' }], error: T, message: /netns\.getId\.path/ },
  { call: 'sync.netns.getId', args: [{ pid: 1.5 }], error: R, message: /netns\.getId\.pid/ },
  // listIds
  { call: 'netns.listIds', args: [{ target: -1 }], error: R, message: /netns\.listIds options\.target must be an integer in 0\.\.2147483647/ },
  { call: 'netns.listIds', args: [{ target: 1.5 }], error: R, message: /netns\.listIds options\.target/ },
  { call: 'netns.listIds', args: [{ target: '1' }], error: T, message: /netns\.listIds options\.target/ },
  { call: 'netns.listIds', args: [{ targt: 1 }], error: T, message: /netns\.listIds options: unknown option 'targt' \(did you mean 'target'\?\)/ },
  { call: 'netns.listIds', args: [new Map()], error: T, message: /^netns\.listIds options must be a plain object, got a Map/ },
  { call: 'netns.listIds', args: [null], error: T, message: /^netns\.listIds options must be a plain object, got null/ },
  { call: 'sync.netns.listIds', args: [{ bogus: true }], error: T, message: /netns\.listIds options: unknown option 'bogus'/ },
  // list takes no argument but call options
  { call: 'netns.list', args: ['x'], error: T, message: /netns\.list options must be a plain object/ },
];

export const props: PropCase[] = [
  { call: 'netns.listIds', base: () => [{ target: 0 }], position: 0, schema: nsidSchemas.listIds, path: 'netns.listIds options' },
  { call: 'sync.netns.listIds', base: () => [{ target: 5 }], position: 0, schema: nsidSchemas.listIds, path: 'netns.listIds options' },
];
