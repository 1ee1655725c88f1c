/**
 * Bad input for neigh: see harness.ts for the format. Every case is refused
 * before anything is sent, link lookups included (an lladdr whose length only
 * the link knows is refused after its lookup: test/neigh.test.ts has those).
 */
import { neighSchemas } from '../../lib/neigh.js';
import type { BadCase, PropCase } from './harness.js';

const T = TypeError;
const R = RangeError;
const MAC = '02:00:00:00:00:09';
const ip = (extra: Record<string, unknown> = {}) => ({ dev: 'va', address: '10.0.0.3', lladdr: MAC, ...extra });
const fdb = (extra: Record<string, unknown> = {}) => ({ family: 'bridge', dev: 'vb', lladdr: MAC, master: true, ...extra });
const throwing = () => ({
  dev: 'va',
  get address(): string {
    throw new Error('boom');
  },
});

export const cases: BadCase[] = [
  // issue 14
  { call: 'neigh.add', args: [ip({ dev: 'va\0x' })], error: T, message: /neigh\.dev must not contain a NUL byte/, note: 'issue 14: NUL in neigh dev was sent and cut by the kernel' },
  { call: 'neigh.del', args: [{ dev: 'a\0b', address: '10.0.0.2' }], error: T, message: /neigh\.dev must not contain a NUL byte/ },
  { call: 'neigh.add', args: [ip({ dev: 2, index: 3 })], error: T, message: /neigh\.dev \(2\) and neigh\.index \(3\) name different links/, note: 'issue 14: neigh.add ignored index when dev was given' },
  { call: 'neigh.del', args: [{ dev: 1, index: 2, address: '10.0.0.2' }], error: T, message: /name different links/ },
  { call: 'neigh.add', args: [fdb({ lladdr: '02:00:00:00:00:00:07' })], error: R, message: /neigh\.lladdr must be a 6-byte MAC address for a bridge FDB entry, got 7 bytes/, note: 'issue 14: a 7-byte MAC was sent and truncated' },
  { call: 'neigh.add', args: [fdb({ lladdr: '02:00:00:00:00' })], error: R, message: /neigh\.lladdr must be a 6-byte MAC/ },
  { call: 'neigh.add', args: [ip({ lladdr: Array(33).fill('02').join(':') })], error: R, message: /neigh\.lladdr must be a link-layer address .*got 33 bytes/, note: 'longer than any link address (MAX_ADDR_LEN)' },
  { call: 'neigh.add', args: [ip({ state: 'toString' })], error: T, message: /neigh\.state must be one of 'incomplete'/, note: "issue 14: state 'toString'" },
  { call: 'neigh.add', args: [ip({ state: 'constructor' })], error: T, message: /neigh\.state/ },
  { call: 'neigh.add', args: [ip({ state: ['permanent', '__proto__'] })], error: T, message: /neigh\.state\[1\]/ },
  { call: 'neigh.add', args: [ip({ state: [] })], error: R, message: /neigh\.state must be .*got an empty array/ },
  { call: 'neigh.add', args: [ip({ state: 'all' })], error: T, message: /neigh\.state/, note: "'all' is a filter's word, not a state" },
  { call: 'neigh.add', args: [ip({ state: 'Permanent' })], error: T, message: /did you mean 'permanent'/ },
  // not plain objects, getters, keys
  { call: 'neigh.add', args: [new Map()], error: T, message: /^neigh must be a plain object, got a Map/ },
  { call: 'neigh.add', args: [[]], error: T, message: /^neigh must be a plain object, got an array/ },
  { call: 'neigh.del', args: [new Date()], error: T, message: /^neigh must be a plain object, got a Date/ },
  { call: 'neigh.add', args: [Object.create(ip())], error: T, message: /^neigh must be a plain object/, note: 'a prototype trick' },
  { call: 'neigh.add', args: () => [throwing()], error: T, message: /neigh\.address could not be read: boom/, note: 'a throwing getter' },
  { call: 'neigh.add', args: [ip({ mac: MAC })], error: T, message: /neigh: unknown option 'mac'/ },
  { call: 'neigh.add', args: [{ dev: 'va', adress: '10.0.0.3' }], error: T, message: /unknown option 'adress' \(did you mean 'address'\?\)/ },
  { call: 'neigh.add', args: [], error: T, message: /^neigh must be a plain object, got undefined/ },
  // links
  { call: 'neigh.add', args: [ip({ dev: 0 })], error: R, message: /neigh\.dev must be an integer in 1\.\./ },
  { call: 'neigh.add', args: [ip({ dev: -1 })], error: R, message: /neigh\.dev/ },
  { call: 'neigh.add', args: [ip({ dev: 1.5 })], error: R, message: /neigh\.dev/ },
  { call: 'neigh.add', args: [ip({ dev: NaN })], error: R, message: /neigh\.dev/ },
  { call: 'neigh.add', args: [ip({ dev: 2 ** 31 })], error: R, message: /neigh\.dev/ },
  { call: 'neigh.add', args: [ip({ dev: 2n })], error: T, message: /neigh\.dev must be a link name .*BigInt/ },
  { call: 'neigh.add', args: [ip({ dev: '' })], error: T, message: /neigh\.dev must not be empty/ },
  { call: 'neigh.add', args: [ip({ dev: 'x'.repeat(16) })], error: R, message: /neigh\.dev .*longer than 15 bytes/ },
  { call: 'neigh.add', args: [ip({ dev: null })], error: T, message: /neigh\.dev must be a link name/ },
  { call: 'neigh.add', args: [{ address: '10.0.0.3', lladdr: MAC }], error: T, message: /neigh\.dev is required/ },
  { call: 'neigh.add', args: [ip({ dev: undefined, index: 0 })], error: R, message: /neigh\.index/ },
  { call: 'neigh.add', args: [fdb({ via: 'a\0b' })], error: T, message: /neigh\.via must not contain a NUL/ },
  // addresses
  { call: 'neigh.add', args: [ip({ address: '10.0.0.300' })], error: T, message: /neigh\.address must be an IPv4 or IPv6 address/ },
  { call: 'neigh.add', args: [ip({ address: '10.0.0.3/24' })], error: T, message: /neigh\.address/ },
  { call: 'neigh.add', args: [ip({ address: 'fe80::1%va' })], error: T, message: /neigh\.address must be an address without a zone/ },
  { call: 'neigh.add', args: [{ dev: 'va', lladdr: MAC }], error: T, message: /neigh\.address \(the neighbour's IP address\) is required/ },
  { call: 'neigh.add', args: [ip({ lladdr: '02:00:00:00:00:zz' })], error: T, message: /neigh\.lladdr must be a link-layer address/ },
  { call: 'neigh.add', args: [ip({ lladdr: 'a\0b' })], error: T, message: /neigh\.lladdr/ },
  { call: 'neigh.add', args: [ip({ lladdr: 0x020000000009 })], error: T, message: /neigh\.lladdr/ },
  { call: 'neigh.add', args: [ip({ family: 'inet6' })], error: T, message: /neigh\.family is 'inet6' but neigh\.address 10\.0\.0\.3 is inet/ },
  { call: 'neigh.add', args: [ip({ family: 'ipx' })], error: T, message: /neigh\.family must be one of 'inet', 'inet6', 'bridge'/ },
  // fields of the other kind of entry
  { call: 'neigh.add', args: [ip({ vlan: 5 })], error: T, message: /neigh\.vlan applies to bridge FDB entries/ },
  { call: 'neigh.add', args: [ip({ nhid: 5 })], error: T, message: /neigh\.nhid applies to bridge FDB entries/, note: 'the kernel ignores NDA_NH_ID on ARP/NDP entries' },
  { call: 'neigh.add', args: [ip({ self: true })], error: T, message: /neigh\.self applies to bridge FDB entries/ },
  { call: 'neigh.add', args: [ip({ master: true })], error: T, message: /neigh\.master applies to bridge FDB entries/ },
  { call: 'neigh.add', args: [ip({ dst: '10.0.0.4' })], error: T, message: /neigh\.dst applies to bridge FDB entries/ },
  { call: 'neigh.add', args: [fdb({ address: '10.0.0.3' })], error: T, message: /neigh\.address is for ARP\/NDP entries/ },
  { call: 'neigh.add', args: [fdb({ lladdr: undefined })], error: T, message: /neigh\.lladdr \(the MAC address\) is required for a bridge FDB entry/ },
  { call: 'neigh.add', args: [fdb({ master: 'br0' })], error: T, message: /neigh\.master must be a boolean on add/ },
  // bridge FDB numbers
  { call: 'neigh.add', args: [fdb({ vlan: 0 })], error: R, message: /neigh\.vlan must be an integer in 1\.\.4094/ },
  { call: 'neigh.add', args: [fdb({ vlan: 4095 })], error: R, message: /neigh\.vlan/ },
  { call: 'neigh.add', args: [fdb({ vni: 2 ** 24 })], error: R, message: /neigh\.vni/ },
  { call: 'neigh.add', args: [fdb({ srcVni: -1 })], error: R, message: /neigh\.srcVni/ },
  { call: 'neigh.add', args: [fdb({ port: 65536 })], error: R, message: /neigh\.port/ },
  { call: 'neigh.add', args: [fdb({ nhid: 0 })], error: R, message: /neigh\.nhid/ },
  { call: 'neigh.add', args: [fdb({ dst: 'far' })], error: T, message: /neigh\.dst must be an IPv4 or IPv6 address/ },
  // flags, protocol, reported fields
  { call: 'neigh.add', args: [ip({ router: 'yes' })], error: T, message: /neigh\.router must be a boolean/ },
  { call: 'neigh.add', args: [ip({ extLearned: 1 })], error: T, message: /neigh\.extLearned must be a boolean/ },
  { call: 'neigh.add', args: [ip({ protocol: 'constructor' })], error: T, message: /neigh\.protocol/ },
  { call: 'neigh.add', args: [ip({ protocol: 256 })], error: R, message: /neigh\.protocol/ },
  { call: 'neigh.del', args: [{ dev: 'va', address: '10.0.0.2', cacheinfo: { used: -1 } }], error: R, message: /neigh\.cacheinfo\.used/ },
  { call: 'neigh.del', args: [{ dev: 'va', address: '10.0.0.2', probes: 'x' }], error: T, message: /neigh\.probes/ },
  // replace, del, get
  { call: 'neigh.replace', args: [ip({ address: 'x' })], error: T, message: /neigh\.address/ },
  { call: 'neigh.replace', args: [ip({ state: 'sleepy' })], error: T, message: /neigh\.state/ },
  { call: 'neigh.del', args: [{}], error: T, message: /neigh\.dev is required/ },
  { call: 'neigh.get', args: [{ dev: 'va' }], error: T, message: /neigh\.address .* is required/ },
  { call: 'neigh.get', args: [{ dev: 'va', address: '10.0.0.2', vlan: 5 }], error: T, message: /neigh\.vlan applies to bridge FDB entries/ },
  { call: 'neigh.get', args: [new Map()], error: T, message: /^neigh must be a plain object, got a Map/ },
  { call: 'sync.neigh.add', args: [ip({ vlan: 5 })], error: T, message: /neigh\.vlan/ },
  { call: 'sync.neigh.get', args: [{ family: 'bridge', dev: 'vb' }], error: T, message: /neigh\.lladdr \(the MAC address\) is required/ },
  // list and stream
  { call: 'neigh.list', args: [{ dev: 'a\0b' }], error: T, message: /filter\.dev must not contain a NUL byte/ },
  { call: 'neigh.list', args: [{ dev: 0 }], error: R, message: /filter\.dev/ },
  { call: 'neigh.list', args: [{ state: 'constructor' }], error: T, message: /filter\.state/ },
  { call: 'neigh.list', args: [{ family: 'inet6', to: '10.0.0.0/8' }], error: T, message: /filter\.to 10\.0\.0\.0\/8 is inet, but filter\.family is 'inet6'/ },
  { call: 'neigh.list', args: [{ vlan: 5 }], error: T, message: /filter\.vlan applies to bridge FDB entries/ },
  { call: 'neigh.list', args: [{ to: '10.0.0.0/33' }], error: R, message: /filter\.to/ },
  { call: 'neigh.list', args: [{ to: 'fe80::%va/64' }], error: T, message: /filter\.to must be a prefix without a zone/ },
  { call: 'neigh.list', args: [{ proxy: 'yes' }], error: T, message: /filter\.proxy must be a boolean/ },
  { call: 'neigh.list', args: [new Map()], error: T, message: /^filter must be a plain object, got a Map/ },
  { call: 'neigh.list', args: [null], error: T, message: /^filter must be a plain object, got null/ },
  { call: 'neigh.list', args: [{ all: true }], error: T, message: /filter: unknown option 'all'/, note: 'all is a flush word' },
  { call: 'neigh.stream', args: [{ master: 0 }], error: R, message: /filter\.master/ },
  { call: 'neigh.stream', args: [{ famliy: 'inet' }], error: T, message: /did you mean 'family'/ },
  { call: 'sync.neigh.list', args: [{ state: [] }], error: R, message: /filter\.state/ },
  { call: 'sync.neigh.stream', args: [{ family: 'bridge', vlan: 1.5 }], error: R, message: /filter\.vlan/ },
  // flush needs a selector
  { call: 'neigh.flush', args: [{}], error: T, message: /neigh\.flush needs a filter/ },
  { call: 'neigh.flush', args: [], error: T, message: /neigh\.flush needs a filter/ },
  { call: 'neigh.flush', args: [{ proxy: false }], error: T, message: /neigh\.flush needs a filter/, note: 'proxy: false selects nothing in particular' },
  { call: 'neigh.flush', args: [{ all: false }], error: T, message: /filter\.all must be true/ },
  { call: 'neigh.flush', args: [new Map()], error: T, message: /^filter must be a plain object, got a Map/ },
  { call: 'neigh.flush', args: [{ dev: 'va\0' }], error: T, message: /filter\.dev must not contain a NUL byte/ },
  { call: 'neigh.flush', args: [{ state: 'toString' }], error: T, message: /filter\.state/ },
  { call: 'sync.neigh.flush', args: [{}], error: T, message: /neigh\.flush needs a filter/ },
];

export const props: PropCase[] = [
  { call: 'neigh.add', base: () => [{ dev: 'va', address: '10.0.0.3', lladdr: MAC, state: 'permanent', protocol: 'static', router: false, extLearned: true }], position: 0, schema: neighSchemas.neigh, path: 'neigh' },
  { call: 'neigh.replace', base: () => [{ dev: 'va', address: '2001:db8::3', lladdr: MAC, state: ['stale'], router: true }], position: 0, schema: neighSchemas.neigh, path: 'neigh' },
  {
    call: 'sync.neigh.add',
    base: () => [{ family: 'bridge', dev: 'vb', lladdr: MAC, master: true, vlan: 5, sticky: true, state: ['permanent', 'noarp'] }],
    position: 0,
    schema: neighSchemas.neigh,
    path: 'neigh',
  },
  { call: 'neigh.del', base: () => [{ dev: 'va', index: 2, address: '10.0.0.2', lladdr: MAC, state: 'permanent', probes: 0 }], position: 0, schema: neighSchemas.neigh, path: 'neigh' },
  { call: 'neigh.get', base: () => [{ dev: 'va', address: '10.0.0.2', proxy: false }], position: 0, schema: neighSchemas.neigh, path: 'neigh' },
  { call: 'neigh.list', base: () => [{ dev: 'va', family: 'inet', state: ['permanent', 'stale'], proxy: false, to: '10.0.0.0/24' }], position: 0, schema: neighSchemas.filter, path: 'filter' },
  { call: 'neigh.stream', base: () => [{ master: 'br0', family: 'bridge', vlan: 1 }], position: 0, schema: neighSchemas.filter, path: 'filter' },
  { call: 'neigh.flush', base: () => [{ dev: 'va', family: 'inet', state: 'stale', to: '10.0.0.0/24', all: true }], position: 0, schema: neighSchemas.flushFilter, path: 'filter' },
];
