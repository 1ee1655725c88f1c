/**
 * Bad input for bridge link/vlan, ip token and ip tuntap: see harness.ts for
 * the format. Every case is refused before anything is sent (and, for
 * tuntap, before /dev/net/tun is opened: the kernel state stays as it was).
 */
import { bridgeSchemas } from '../../lib/bridge.js';
import { tokenSchemas } from '../../lib/token.js';
import { tuntapSchemas } from '../../lib/tuntap.js';
import type { BadCase, PropCase } from './harness.js';

const T = TypeError;
const R = RangeError;
const vlan = (extra: Record<string, unknown> = {}) => ({ dev: 'vb', vid: 10, ...extra });

export const cases: BadCase[] = [
  { call: 'bridge.link.set', args: ['vb', { learning: 'off' }], error: T, message: /options\.learning must be a boolean/ },
  { call: 'bridge.link.set', args: ['vb', { lerning: false }], error: T, message: /unknown field 'lerning' \(did you mean 'learning'\?\)/ },
  { call: 'bridge.link.set', args: ['vb', { state: 'constructor' }], error: T, message: /options\.state must be one of/ },
  { call: 'bridge.link.set', args: ['vb', { cost: 2 ** 32 }], error: R, message: /options\.cost/ },
  { call: 'bridge.link.set', args: ['vb', { hwmode: 'toString' }], error: T, message: /options\.hwmode/ },
  { call: 'bridge.link.set', args: ['vb', {}], error: T, message: /nothing to change/ },
  { call: 'bridge.link.set', args: ['v\0b', { learning: false }], error: T, message: /dev must not contain a NUL byte/ },
  { call: 'bridge.link.set', args: ['vb', new Map()], error: T, message: /options must be a plain object/ },
  { call: 'sync.bridge.link.set', args: ['vb', { designatedPort: 1 }], error: T, message: /options\.designatedPort is read only/ },
  { call: 'bridge.vlan.add', args: [vlan({ vid: 4095 })], error: R, message: /vlan\.vid/ },
  { call: 'bridge.vlan.add', args: [vlan({ vidEnd: 5 })], error: R, message: /vlan\.vidEnd \(5\) must not be below vlan\.vid \(10\)/ },
  { call: 'bridge.vlan.add', args: [vlan({ vidEnd: 12, pvid: true })], error: T, message: /pvid cannot be given for a range/ },
  { call: 'bridge.vlan.del', args: [vlan({ tunnelId: 100, vidEnd: 11 })], error: R, message: /as long as the VLAN range/ },
  { call: 'bridge.vlan.add', args: [vlan({ constructor: 1 })], error: T, message: /vlan: unknown option 'constructor'/ },
  { call: 'bridge.vlan.list', args: [{ dev: '' }], error: T, message: /filter\.dev/ },
  { call: 'bridge.link.list', args: [{ master: 0 }], error: R, message: /filter\.master/ },
  { call: 'token.set', args: [{ dev: 'va', token: '10.0.0.1' }], error: T, message: /token\.token must be an IPv6 address/ },
  { call: 'token.set', args: [{ dev: 'va', token: '::1/200' }], error: R, message: /token\.token/ },
  { call: 'sync.token.del', args: ['x'.repeat(16)], error: R, message: /dev/ },
  { call: 'token.get', args: [0], error: R, message: /dev/ },
  { call: 'tuntap.add', args: [{ name: 'tap0', mode: 'tup' }], error: T, message: /tuntap\.mode must be one of 'tun', 'tap'/ },
  { call: 'tuntap.add', args: [{ name: 'tap0' }], error: T, message: /tuntap\.mode is required/ },
  { call: 'tuntap.add', args: [{ name: 'a/b', mode: 'tap' }], error: T, message: /tuntap\.name/ },
  { call: 'tuntap.add', args: [{ name: 'tap0', mode: 'tap', user: 'a:b' }], error: T, message: /tuntap\.user/ },
  { call: 'tuntap.open', args: [{ name: 'tap0', mode: 'tap', persist: 'yes' }], error: T, message: /tuntap\.persist must be a boolean/ },
  { call: 'tuntap.del', args: [{ name: 'tap0', mode: 'tap', multiQueue: 1 }], error: T, message: /tuntap\.multiQueue must be a boolean/ },
];

export const props: PropCase[] = [
  { call: 'bridge.vlan.add', base: () => [vlan({ vidEnd: 20, untagged: true, master: true })], position: 0, schema: bridgeSchemas.vlan, path: 'vlan', keep: ['dev', 'vid'] },
  { call: 'sync.bridge.vlan.del', base: () => [vlan({ vidEnd: 12, tunnelId: 100, tunnelIdEnd: 102, self: false })], position: 0, schema: bridgeSchemas.vlan, path: 'vlan', keep: ['dev', 'vid'] },
  { call: 'bridge.link.list', base: () => [{ dev: 'vb', master: 'br0' }], position: 0, schema: bridgeSchemas.linkFilter, path: 'filter' },
  { call: 'bridge.vlan.list', base: () => [{ dev: 'vb' }], position: 0, schema: bridgeSchemas.vlanFilter, path: 'filter' },
  { call: 'token.set', base: () => [{ dev: 'va', token: '::1:2/64' }], position: 0, schema: tokenSchemas.set, path: 'token', keep: ['dev', 'token'] },
  { call: 'tuntap.add', base: () => [{ name: 'tap7', mode: 'tap', user: 0, group: 0, multiQueue: true, vnetHdr: false, pi: false }], position: 0, schema: tuntapSchemas.add, path: 'tuntap', keep: ['mode'] },
  { call: 'tuntap.open', base: () => [{ name: 'tap7', mode: 'tun', persist: false, pi: true }], position: 0, schema: tuntapSchemas.open, path: 'tuntap', keep: ['mode'] },
  { call: 'tuntap.del', base: () => [{ name: 'tap7', mode: 'tap', multiQueue: false }], position: 0, schema: tuntapSchemas.del, path: 'tuntap', keep: ['name'] },
];
