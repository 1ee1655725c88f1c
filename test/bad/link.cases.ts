/**
 * Bad input for link (`link.list`, `link.stream`, `link.get`, `link.add`,
 * `link.set`, `link.del` and their `sync.` twins): see harness.ts for the
 * format. The topology has `lo`, a veth pair `va`/`vb` and a bridge `br0`
 * with `vb` as its port.
 */
import { linkSchemas as schemas } from '../../lib/link.js';
import type { BadCase, PropCase } from './harness.js';

const T = TypeError;
const R = RangeError;
const mac7 = '02:00:00:00:00:01:07';
const mac5 = '02:00:00:00:01';
const mac33 = Array(33).fill('00').join(':');
/** A getter that throws, on a fresh object each run. */
const boom = <T extends object>(o: T, key: string): T =>
  Object.defineProperty(o, key, {
    enumerable: true,
    get() {
      throw new Error('boom');
    },
  });
class Opts {
  name = 'x0';
  kind = 'bridge';
}
const bridge = (extra: Record<string, unknown>) => ({ name: 'x0', kind: 'bridge', ...extra });

const add: BadCase[] = [
  // not an options object
  { call: 'link.add', args: [], error: T, message: /^link must be a plain object/, note: 'issue 14: no options (was "Cannot read properties of undefined")' },
  { call: 'link.add', args: [null], error: T, message: /^link must be a plain object.*got null/, note: 'issue 14: null (was "Cannot read properties of null")' },
  { call: 'link.add', args: ['va'], error: T, message: /^link must be a plain object.*got "va"/ },
  { call: 'link.add', args: [new Map([['name', 'x0'], ['kind', 'bridge']])], error: T, message: /^link must be a plain object.*a Map/, note: 'issue 14: a Map is no options object' },
  { call: 'link.add', args: [new Date(0)], error: T, message: /^link must be a plain object.*a Date/, note: 'issue 14: a Date is no options object' },
  { call: 'link.add', args: [[{ name: 'x0', kind: 'bridge' }]], error: T, message: /^link must be a plain object.*an array/ },
  { call: 'link.add', args: () => [new Opts()], error: T, message: /^link must be a plain object.*a Opts/, note: 'a class instance' },
  { call: 'link.add', args: () => [Object.create({ name: 'x0', kind: 'bridge' })], error: T, message: /^link must be a plain object/, note: 'issue 14: prototype trick: inherited name/kind are no options' },
  // name
  { call: 'link.add', args: [{ name: 'a\0b', kind: 'bridge' }], error: T, message: /link\.name must not contain a NUL/, note: "issue 14: NUL in a name (was: created 'a')" },
  { call: 'link.add', args: [{ name: 'x'.repeat(16), kind: 'bridge' }], error: R, message: /link\.name .*15 bytes/ },
  { call: 'link.add', args: [{ name: '', kind: 'bridge' }], error: T, message: /link\.name must not be empty/ },
  { call: 'link.add', args: [{ name: 42, kind: 'bridge' }], error: T, message: /link\.name must be a string/ },
  { call: 'link.add', args: [{ name: '..', kind: 'bridge' }], error: T, message: /link\.name '\.\.' is not a valid interface name/ },
  { call: 'link.add', args: [{ kind: 'bridge' }], error: T, message: /link\.name is required/ },
  // kind
  { call: 'link.add', args: [{ name: 'x0' }], error: T, message: /link\.kind is required/ },
  { call: 'link.add', args: [{ name: 'x0', kind: 'constructor' }], error: T, message: /link\.kind: unknown link kind 'constructor'/, note: 'issue 14: prototype keys are no kind names' },
  { call: 'link.add', args: [{ name: 'x0', kind: '__proto__' }], error: T, message: /link\.kind: unknown link kind '__proto__'/ },
  { call: 'link.add', args: [{ name: 'x0', kind: 'brige' }], error: T, message: /link\.kind: unknown link kind 'brige' \(did you mean 'bridge'\?\)/ },
  { call: 'link.add', args: [{ name: 'x0', kind: 'tun' }], error: T, message: /link\.kind: .*ioctl/ },
  { call: 'link.add', args: [{ name: 'x0', kind: 7 }], error: T, message: /link\.kind must be a link kind/ },
  // unknown and refused keys
  { call: 'link.add', args: [bridge({ mtuu: 1400 })], error: T, message: /link: unknown option 'mtuu' \(did you mean 'mtu'\?\)/, note: 'issue 14: a misspelt option is refused, with the closest one' },
  { call: 'link.add', args: [bridge({ index: 3 })], error: T, message: /link\.index is read only/ },
  { call: 'link.add', args: [bridge({ alias: 'side a' })], error: T, message: /link\.alias cannot be given to link\.add: the kernel ignores/, note: 'the kernel ignores IFLA_IFALIAS when it creates a link (measured on 6.18)' },
  { call: 'link.add', args: [bridge({ protoDown: true })], error: T, message: /link\.protoDown cannot be given to link\.add/, note: 'the kernel ignores IFLA_PROTO_DOWN when it creates a link (measured on 6.18)' },
  { call: 'link.add', args: [bridge({ slaveKind: 'bridge', slaveInfo: { cost: 1 } })], error: T, message: /link\.slaveKind cannot be given to link\.add/ },
  // numbers
  { call: 'link.add', args: [bridge({ mtu: 1.5 })], error: R, message: /link\.mtu must be an integer in 1\.\.2147483647, got 1\.5/ },
  { call: 'link.add', args: [bridge({ mtu: NaN })], error: R, message: /link\.mtu must be an integer.*NaN/ },
  { call: 'link.add', args: [bridge({ mtu: Infinity })], error: R, message: /link\.mtu must be an integer.*Infinity/ },
  { call: 'link.add', args: [bridge({ mtu: -1 })], error: R, message: /link\.mtu must be an integer in 1\.\./ },
  { call: 'link.add', args: [bridge({ mtu: 2 ** 32 })], error: R, message: /link\.mtu must be an integer.*4294967296/ },
  { call: 'link.add', args: [bridge({ mtu: 1400n })], error: T, message: /link\.mtu must be an integer.*BigInt/, note: 'issue 14: a BigInt (was "Cannot convert a BigInt")' },
  { call: 'link.add', args: [bridge({ mtu: '1400' })], error: T, message: /link\.mtu must be an integer/ },
  { call: 'link.add', args: [bridge({ mtu: Symbol('mtu') })], error: T, message: /link\.mtu must be an integer.*a Symbol/ },
  { call: 'link.add', args: [bridge({ txqlen: 2 ** 32 })], error: R, message: /link\.txqlen must be an integer in 0\.\.4294967295/ },
  { call: 'link.add', args: [bridge({ group: -1 })], error: R, message: /link\.group must be an integer in 0\.\.4294967295/ },
  { call: 'link.add', args: [bridge({ numTxQueues: 0 })], error: R, message: /link\.numTxQueues must be an integer in 1\.\.4096/ },
  { call: 'link.add', args: [bridge({ numRxQueues: 5000 })], error: R, message: /link\.numRxQueues must be an integer in 1\.\.4096/ },
  { call: 'link.add', args: [bridge({ gsoMaxSegs: 70000 })], error: R, message: /link\.gsoMaxSegs must be an integer in 0\.\.65535/ },
  { call: 'link.add', args: [bridge({ targetNetnsid: -1 })], error: R, message: /link\.targetNetnsid must be an integer in 0\.\./ },
  { call: 'link.add', args: [bridge({ linkmode: 'constructor' })], error: T, message: /link\.linkmode must be one of 'DEFAULT', 'DORMANT'/ },
  { call: 'link.add', args: [bridge({ linkmode: 3 })], error: R, message: /link\.linkmode must be .*0\.\.2/ },
  { call: 'link.add', args: [bridge({ up: 1 })], error: T, message: /link\.up must be a boolean/ },
  { call: 'link.add', args: [bridge({ arp: 'off' })], error: T, message: /link\.arp must be a boolean/ },
  // MACs: exactly the link type's length
  { call: 'link.add', args: [bridge({ address: mac7 })], error: R, message: /link\.address must be a 6-byte link-layer address, got 7 bytes/, note: 'issue 14: a 7-byte MAC (was sent and cut)' },
  { call: 'link.add', args: [bridge({ address: mac5 })], error: R, message: /link\.address must be a 6-byte link-layer address, got 5 bytes/ },
  { call: 'link.add', args: [bridge({ address: '02:00:zz:00:00:01' })], error: T, message: /link\.address must be a link-layer address/ },
  { call: 'link.add', args: [bridge({ address: mac33 })], error: R, message: /link\.address is longer than 32 bytes/ },
  { call: 'link.add', args: [bridge({ broadcast: 'ff:ff:ff:ff:ff:ff:ff' })], error: R, message: /link\.broadcast must be a 6-byte/, note: 'a 7-byte broadcast (measured: the kernel kept 6 of them)' },
  { call: 'link.add', args: [{ name: 'ib0', kind: 'ipoib', link: 'va', address: '02:00:00:00:00:01' }], error: R, message: /link\.address must be a 20-byte link-layer address/ },
  { call: 'link.add', args: [{ name: 'gre9', kind: 'gre', address: '0a:00:00:01', info: { local: '10.0.0.1' } }], error: T, message: /link\.address cannot be given for kind 'gre': .*info\.local/ },
  { call: 'link.add', args: [{ name: 'vcan9', kind: 'vcan', address: '02:00:00:00:00:01' }], error: T, message: /link\.address: a vcan link has no link-layer address/ },
  // references, resolved only after everything else was checked
  { call: 'link.add', args: [bridge({ master: 'a\0b' })], error: T, message: /link\.master must not contain a NUL/ },
  { call: 'link.add', args: [bridge({ master: 0 })], error: R, message: /link\.master must be an integer in 1\.\.2147483647/ },
  { call: 'link.add', args: [bridge({ master: { name: 'br0' } })], error: T, message: /link\.master must be a link name or an index/ },
  { call: 'link.add', args: [{ name: 'mv9', kind: 'macvlan', link: 2 ** 31 }], error: R, message: /link\.link must be an integer in 1\.\.2147483647/ },
  { call: 'link.add', args: [{ name: 'vl9', kind: 'vlan', info: { id: 9 } }], error: T, message: /link\.link is required for kind 'vlan'/ },
  { call: 'link.add', args: [bridge({ link: 'va' })], error: T, message: /link\.link: a bridge link has no lower device/, note: 'IFLA_LINK is ignored by kinds without a lower device (measured on 6.18)' },
  { call: 'link.add', args: [{ name: 'vx9', kind: 'vxlan', master: 'br0', info: { id: 9, dev: 'a\0b' } }], error: T, message: /link\.info\.dev must not contain a NUL/, note: 'issue 14: a bad name in kind options is refused before the master lookup' },
  { call: 'link.add', args: [bridge({ netns: { pid: -1 } })], error: R, message: /link\.netns\.pid must be in 1\.\./ },
  { call: 'link.add', args: [bridge({ netns: 'a\0b' })], error: T, message: /link\.netns: .*not a namespace name/ },
  { call: 'link.add', args: [bridge({ netns: new Map() })], error: T, message: /link\.netns must be a namespace name/ },
  { call: 'link.add', args: [bridge({ netns: { fd: 3, pid: 1 } })], error: T, message: /link\.netns must be a namespace name or one of/ },
  { call: 'link.add', args: [bridge({ netns: { pid: 1 }, targetNetnsid: 1 })], error: T, message: /link\.netns and link\.targetNetnsid cannot be combined/ },
  // throwing getters
  { call: 'link.add', args: () => [boom(bridge({}), 'mtu')], error: T, message: /link\.mtu could not be read: boom/, note: 'issue 14: a throwing getter is a TypeError naming the field' },
  { call: 'link.add', args: () => [bridge({ info: boom({}, 'priority') })], error: T, message: /link\.info\.priority could not be read: boom/ },
  // kind options (info)
  { call: 'link.add', args: [bridge({ info: new Map([['stpState', 1]]) })], error: T, message: /link\.info must be a plain object.*a Map/ },
  { call: 'link.add', args: [bridge({ info: [1] })], error: T, message: /link\.info must be a plain object.*an array/ },
  { call: 'link.add', args: [bridge({ info: { fowardDelay: 100 } })], error: T, message: /link\.info: unknown field 'fowardDelay' \(did you mean 'forwardDelay'\?\)/ },
  { call: 'link.add', args: () => [bridge({ info: Object.create({ stpState: 1 }) })], error: T, message: /link\.info must be a plain object/ },
  { call: 'link.add', args: [bridge({ info: { stpState: 2 } })], error: R, message: /link\.info\.stpState must be in 0\.\.1/, note: 'any non-zero stp_state means "on" to the kernel (measured: 5 read back as 1)' },
  { call: 'link.add', args: [bridge({ info: { priority: 65536 } })], error: R, message: /link\.info\.priority must be in 0\.\.65535/ },
  { call: 'link.add', args: [bridge({ info: { vlanDefaultPvid: 4095 } })], error: R, message: /link\.info\.vlanDefaultPvid must be in 0\.\.4094/ },
  { call: 'link.add', args: [bridge({ info: { groupAddr: '01:80:c2:00:00:00:00' } })], error: R, message: /link\.info\.groupAddr must be a 6-byte/ },
  { call: 'link.add', args: [bridge({ info: { vlanProtocol: 'toString' } })], error: T, message: /link\.info\.vlanProtocol must be one of/ },
  { call: 'link.add', args: [{ name: 'd0', kind: 'dummy', info: { x: 1 } }], error: T, message: /link\.info: kind 'dummy' takes no options/ },
  { call: 'link.add', args: [{ name: 'vrf9', kind: 'vrf', info: {} }], error: T, message: /link\.info\.table is required for kind 'vrf'/ },
  { call: 'link.add', args: [{ name: 'mv9', kind: 'macvlan', link: 'va', info: { mode: 'constructor' } }], error: T, message: /link\.info\.mode must be one of/ },
  { call: 'link.add', args: [{ name: 'mv9', kind: 'macvlan', link: 'va', info: { mode: 'source', macaddrData: ['02:00:00:00:00:01', mac7] } }], error: R, message: /link\.info\.macaddrData\[1\] must be a 6-byte/ },
  { call: 'link.add', args: [{ name: 'vx9', kind: 'vxlan', info: { id: 9, remote: 10n } }], error: T, message: /link\.info\.remote must be an IPv4 address.*BigInt/ },
  { call: 'link.add', args: [{ name: 'vx9', kind: 'vxlan', info: { id: 9, label: 0x100000 } }], error: R, message: /link\.info\.label must be in 0\.\.1048575/ },
  { call: 'link.add', args: [{ name: 'vx9', kind: 'vxlan', info: { id: 9, portRange: new Map() } }], error: T, message: /link\.info\.portRange must be a plain object/ },
  { call: 'link.add', args: [{ name: 'vx9', kind: 'vxlan', info: { id: 9, portRange: { low: 1000, hgh: 2000 } } }], error: T, message: /link\.info\.portRange: unknown field 'hgh' \(did you mean 'high'\?\)/ },
  { call: 'link.add', args: [{ name: 'vx9', kind: 'vxlan', info: { id: 9, portRange: { low: 1000 } } }], error: T, message: /link\.info\.portRange\.high is required/ },
  { call: 'link.add', args: [{ name: 'vl9', kind: 'vlan', link: 'va', info: { id: 4095 } }], error: R, message: /link\.info\.id must be in 0\.\.4094/ },
  { call: 'link.add', args: [{ name: 'vl9', kind: 'vlan', link: 'va', info: { id: 9, egressQos: [{ from: 1, to: 8 }] } }], error: R, message: /link\.info\.egressQos\[0\]\.to must be a VLAN priority in 0\.\.7/ },
  { call: 'link.add', args: [{ name: 'gre9', kind: 'gre', info: { remote: '10.0.0.2', icsum: 'yes' } }], error: T, message: /link\.info\.icsum must be a boolean/ },
  { call: 'link.add', args: [{ name: 'bond9', kind: 'bond', info: { adInfo: { aggregator: 1 } } }], error: T, message: /link\.info\.adInfo is read only/ },
  { call: 'link.add', args: [{ name: 'ms9', kind: 'macsec', link: 'va', info: { cipher: 'valueOf' } }], error: T, message: /link\.info\.cipher must be one of/ },
  { call: 'link.add', args: [{ name: 'ms9', kind: 'macsec', link: 'va', info: { cipher: -1n } }], error: R, message: /link\.info\.cipher must be in 0\.\.2\^64-1/ },
  { call: 'link.add', args: [{ name: 'ms9', kind: 'macsec', link: 'va', info: { encodingSa: 4 } }], error: R, message: /link\.info\.encodingSa must be in 0\.\.3/ },
  // the veth peer
  { call: 'link.add', args: [{ name: 'x0', kind: 'veth' }], error: T, message: /link\.info\.peer is required for kind 'veth'/ },
  { call: 'link.add', args: [{ name: 'x0', kind: 'veth', info: { peer: { name: 'a\0b' } } }], error: T, message: /link\.info\.peer\.name must not contain a NUL/, note: 'issue 14: NUL in a peer name' },
  { call: 'link.add', args: [{ name: 'x0', kind: 'veth', info: { peer: { mtu: 1400 } } }], error: T, message: /link\.info\.peer\.name is required/ },
  { call: 'link.add', args: [{ name: 'x0', kind: 'veth', info: { peer: new Map([['name', 'x1']]) } }], error: T, message: /link\.info\.peer must be a plain object.*a Map/ },
  { call: 'link.add', args: [{ name: 'x0', kind: 'veth', info: { peer: { name: 'x1', address: mac7 } } }], error: R, message: /link\.info\.peer\.address must be a 6-byte/, note: 'issue 14: a 7-byte peer MAC' },
  { call: 'link.add', args: [{ name: 'x0', kind: 'veth', info: { peer: { name: 'x1', broadcast: mac7 } } }], error: R, message: /link\.info\.peer\.broadcast must be a 6-byte/ },
  { call: 'link.add', args: [{ name: 'x0', kind: 'veth', info: { peer: { name: 'x1', up: true } } }], error: T, message: /link\.info\.peer\.up is not taken by the peer/ },
  { call: 'link.add', args: [{ name: 'x0', kind: 'veth', info: { peer: { name: 'x1', alias: 'b' } } }], error: T, message: /link\.info\.peer\.alias cannot be given/ },
  { call: 'link.add', args: [{ name: 'x0', kind: 'veth', info: { peer: { name: 'x1', targetNetnsid: 1 } } }], error: T, message: /link\.info\.peer\.targetNetnsid is not taken by a peer/, note: 'the kernel ignores IFLA_TARGET_NETNSID in a peer (measured on 6.18)' },
  { call: 'link.add', args: [{ name: 'x0', kind: 'veth', info: { peer: { name: 'x1', nam: 'x2' } } }], error: T, message: /link\.info\.peer: unknown option 'nam' \(did you mean 'name'\?\)/ },
  { call: 'link.add', args: [{ name: 'x0', kind: 'veth', info: { peer: { name: 'x1' }, mtu: 1400 } }], error: T, message: /link\.info: unknown field 'mtu'/ },
  { call: 'link.add', args: [{ name: 'x0', kind: 'vxcan', info: { peer: { name: 'x1', address: '02:00:00:00:00:01' } } }], error: T, message: /link\.info\.peer\.address: a vxcan link has no link-layer address/ },
  { call: 'link.add', args: () => [{ name: 'x0', kind: 'veth', info: { peer: boom({ name: 'x1' }, 'mtu') } }], error: T, message: /link\.info\.peer\.mtu could not be read: boom/ },
  // sync
  { call: 'sync.link.add', args: [{ name: 'a\0b', kind: 'bridge' }], error: T, message: /link\.name must not contain a NUL/ },
  { call: 'sync.link.add', args: [new Date(0)], error: T, message: /^link must be a plain object.*a Date/ },
  { call: 'sync.link.add', args: [bridge({ address: mac7 })], error: R, message: /link\.address must be a 6-byte/ },
];

const set: BadCase[] = [
  { call: 'link.set', args: ['va', new Map([['mtu', 1400]])], error: T, message: /^changes must be a plain object of changes, got a Map/, note: 'issue 14: link.set with a Map (resolved with nothing changed)' },
  { call: 'link.set', args: ['va', new Date(0)], error: T, message: /^changes must be a plain object.*a Date/, note: 'issue 14: link.set with a Date (resolved with nothing changed)' },
  { call: 'link.set', args: ['va', {}], error: T, message: /^changes: nothing to change/, note: 'issue 14: an empty change is refused, not a silent no-op' },
  { call: 'link.set', args: ['va'], error: T, message: /^changes must be a plain object/ },
  { call: 'link.set', args: ['va', null], error: T, message: /^changes must be a plain object.*got null/ },
  { call: 'link.set', args: () => ['va', Object.create({ mtu: 1400 })], error: T, message: /^changes must be a plain object/, note: 'issue 14: prototype trick: an inherited mtu is no change' },
  { call: 'link.set', args: ['va', { kind: 'toString' }], error: T, message: /changes\.kind: unknown link kind 'toString'/, note: "issue 14: link.set(dev, { kind: 'toString' }) (the kind was ignored)" },
  { call: 'link.set', args: ['va', { kind: 'hasOwnProperty', info: {} }], error: T, message: /changes\.kind: unknown link kind 'hasOwnProperty'/ },
  { call: 'link.set', args: ['a\0b', { up: true }], error: T, message: /^dev must not contain a NUL/, note: "issue 14: set('a\\0b') acted on 'a'" },
  { call: 'link.set', args: ['va', { name: 'a\0b' }], error: T, message: /changes\.name must not contain a NUL/, note: 'issue 14: NUL in a new name' },
  { call: 'link.set', args: [1.5, { up: true }], error: R, message: /^dev must be an integer in 1\.\.2147483647, got 1\.5/ },
  { call: 'link.set', args: [0, { up: true }], error: R, message: /^dev must be an integer in 1\.\./ },
  { call: 'link.set', args: [null, { up: true }], error: T, message: /^dev must be a link name or an index/ },
  { call: 'link.set', args: [1n, { up: true }], error: T, message: /^dev must be a link name or an index.*BigInt/ },
  { call: 'link.set', args: ['va', { mtuu: 1400 }], error: T, message: /changes: unknown option 'mtuu' \(did you mean 'mtu'\?\)/, note: 'issue 14: unknown keys in link.set' },
  { call: 'link.set', args: ['va', { MTU: 1400 }], error: T, message: /changes: unknown option 'MTU' \(did you mean 'mtu'\?\)/ },
  { call: 'link.set', args: ['va', { mtu: 2 ** 32 }], error: R, message: /changes\.mtu must be an integer in 1\.\.2147483647/ },
  { call: 'link.set', args: ['va', { mtu: NaN }], error: R, message: /changes\.mtu must be an integer/ },
  { call: 'link.set', args: ['va', { txqlen: -1 }], error: R, message: /changes\.txqlen must be an integer in 0\.\./ },
  { call: 'link.set', args: ['va', { group: 1.5 }], error: R, message: /changes\.group must be an integer/ },
  { call: 'link.set', args: ['va', { up: 'yes' }], error: T, message: /changes\.up must be a boolean/ },
  { call: 'link.set', args: () => ['va', boom({}, 'mtu')], error: T, message: /changes\.mtu could not be read: boom/, note: 'issue 14: a throwing getter' },
  { call: 'link.set', args: ['va', { numTxQueues: 2 }], error: T, message: /changes\.numTxQueues can only be given to link\.add/, note: 'the kernel ignores the queue counts of an existing link (measured on 6.18)' },
  { call: 'link.set', args: ['va', { link: 'vb' }], error: T, message: /changes\.link cannot be changed/, note: 'the kernel ignores IFLA_LINK on an existing link (measured on 6.18)' },
  { call: 'link.set', args: ['va', { alias: 'a\0b' }], error: T, message: /changes\.alias must not contain a NUL/ },
  { call: 'link.set', args: ['va', { alias: 'x'.repeat(256) }], error: R, message: /changes\.alias is longer than 255 bytes/ },
  { call: 'link.set', args: ['va', { index: 3 }], error: T, message: /changes\.index is read only/ },
  { call: 'link.set', args: ['va', { address: '02:00:00:00:00:zz' }], error: T, message: /changes\.address must be a link-layer address/ },
  { call: 'link.set', args: ['va', { address: mac33 }], error: R, message: /changes\.address is longer than 32 bytes/ },
  { call: 'link.set', args: ['va', { broadcast: 42 }], error: T, message: /changes\.broadcast must be a link-layer address/ },
  { call: 'link.set', args: ['va', { master: Symbol('br0') }], error: T, message: /changes\.master must be a link name or an index.*a Symbol/ },
  { call: 'link.set', args: ['va', { master: 'a b' }], error: T, message: /changes\.master 'a b' is not a valid interface name/ },
  { call: 'link.set', args: ['va', { netns: {} }], error: T, message: /changes\.netns must be a namespace name or one of/ },
  { call: 'link.set', args: ['va', { netns: '../x' }], error: T, message: /changes\.netns: .*not a namespace name/ },
  { call: 'link.set', args: ['va', { netns: { pid: 1 }, targetNetnsid: 1 }], error: T, message: /changes\.netns and changes\.targetNetnsid cannot be combined/ },
  { call: 'link.set', args: ['va', { master: 'br0', slaveInfo: { cost: 1 }, netns: { pid: 1 } }], error: T, message: /changes: port options and a namespace move cannot be combined/ },
  // kind and port options
  { call: 'link.set', args: ['br0', { info: { stpState: 1 } }], error: T, message: /changes\.kind is required with changes\.info/ },
  { call: 'link.set', args: ['br0', { kind: 'bridge', info: new Date(0) }], error: T, message: /changes\.info must be a plain object.*a Date/ },
  { call: 'link.set', args: ['br0', { kind: 'bridge', info: { mcastIgmpVersion: 4 } }], error: R, message: /changes\.info\.mcastIgmpVersion must be in 2\.\.3/ },
  { call: 'link.set', args: ['br0', { kind: 'bridge', info: { bridgeId: '8000.02:00:00:00:00:01' } }], error: T, message: /changes\.info\.bridgeId is read only/ },
  { call: 'link.set', args: ['va', { kind: 'veth', info: { peer: { name: 'x1' } } }], error: T, message: /changes\.info: a veth peer cannot be changed/ },
  { call: 'link.set', args: ['vb', { slaveKind: 'constructor', slaveInfo: {} }], error: T, message: /changes\.slaveKind must be one of 'bridge', 'bond', 'vrf'/ },
  { call: 'link.set', args: ['vb', { slaveKind: 'bridge', slaveInfo: { cost: -1 } }], error: R, message: /changes\.slaveInfo\.cost must be in 0\.\./ },
  { call: 'link.set', args: ['vb', { slaveKind: 'bridge', slaveInfo: { backupPort: 'a\0b' } }], error: T, message: /changes\.slaveInfo\.backupPort must not contain a NUL/ },
  { call: 'link.set', args: ['vb', { slaveInfo: new Map([['cost', 1]]) }], error: T, message: /changes\.slaveInfo must be a plain object.*a Map/ },
  { call: 'link.set', args: ['vb', { slaveInfo: { costt: 1 } }], error: T, message: /changes\.slaveInfo: unknown field 'costt' \(did you mean 'cost'\?\)/, note: 'port options without slaveKind: checked against every master kind before the lookup' },
  { call: 'link.set', args: ['va', { master: 'br0', slaveInfo: { multicastRouter: 4 } }], error: R, message: /changes\.slaveInfo\.multicastRouter must be in 0\.\.3/ },
  { call: 'link.set', args: ['vb', { slaveKind: 'bridge', slaveInfo: { state: 'constructor' } }], error: T, message: /changes\.slaveInfo\.state must be one of/ },
  { call: 'sync.link.set', args: ['va', {}], error: T, message: /^changes: nothing to change/ },
  { call: 'sync.link.set', args: ['a\0b', { mtu: 1400 }], error: T, message: /^dev must not contain a NUL/ },
  { call: 'sync.link.set', args: ['va', new Map()], error: T, message: /^changes must be a plain object.*a Map/ },
];

const get: BadCase[] = [
  { call: 'link.get', args: ['a\0b'], error: T, message: /^dev must not contain a NUL/, note: "issue 14: get('a\\0b') answered for 'a'" },
  { call: 'link.get', args: [''], error: T, message: /^dev must not be empty/ },
  { call: 'link.get', args: [], error: T, message: /^dev must be a link name or an index.*undefined/ },
  { call: 'link.get', args: [1.5], error: R, message: /^dev must be an integer in 1\.\.2147483647, got 1\.5/ },
  { call: 'link.get', args: [2 ** 31], error: R, message: /^dev must be an integer in 1\.\./ },
  { call: 'link.get', args: [NaN], error: R, message: /^dev must be an integer/ },
  { call: 'link.get', args: [-1], error: R, message: /^dev must be an integer/ },
  { call: 'link.get', args: [1n], error: T, message: /^dev must be a link name or an index.*BigInt/ },
  { call: 'link.get', args: [{ name: 'va' }], error: T, message: /^dev must be a link name or an index.*an object/ },
  { call: 'sync.link.get', args: ['a\0b'], error: T, message: /^dev must not contain a NUL/ },
];

const del: BadCase[] = [
  { call: 'link.del', args: ['a\0b'], error: T, message: /^dev must not contain a NUL/, note: "issue 14: del('a\\0b') deleted 'a'" },
  { call: 'link.del', args: [0], error: R, message: /^dev must be an integer in 1\.\./ },
  { call: 'link.del', args: [new Map([['name', 'va']])], error: T, message: /^target must be a link name or index, an array of them, a filter object or a predicate, got a Map/ },
  { call: 'link.del', args: [new Date(0)], error: T, message: /^target must be .*a Date/ },
  { call: 'link.del', args: [null], error: T, message: /^target must be .*got null/ },
  { call: 'link.del', args: [], error: T, message: /^target must be .*got undefined/ },
  { call: 'link.del', args: [true], error: T, message: /^target must be .*got true/ },
  { call: 'link.del', args: [1n], error: T, message: /^target must be .*BigInt/ },
  { call: 'link.del', args: () => [new Opts()], error: T, message: /^target must be .*a Opts/ },
  { call: 'link.del', args: [{}], error: T, message: /^filter: an empty filter would match every link/ },
  { call: 'link.del', args: () => [Object.create({ name: 'va' })], error: T, message: /^target must be/, note: 'issue 14: prototype trick: an inherited name is no filter' },
  { call: 'link.del', args: [{ nme: 'va' }], error: T, message: /^filter: unknown option 'nme' \(did you mean 'name'\?\)/ },
  { call: 'link.del', args: [{ stats: false }], error: T, message: /^filter: unknown option 'stats'/ },
  { call: 'link.del', args: [{ group: -1 }], error: R, message: /^filter\.group must be an integer in 0\.\./ },
  { call: 'link.del', args: [{ group: 2 ** 32 }], error: R, message: /^filter\.group must be an integer in 0\.\./ },
  { call: 'link.del', args: [{ kind: 'a\0b' }], error: T, message: /^filter\.kind must not contain a NUL/ },
  { call: 'link.del', args: [{ name: 'a\0b' }], error: T, message: /^filter\.name must not contain a NUL/ },
  { call: 'link.del', args: [{ master: 'br0', up: 'yes' }], error: T, message: /^filter\.up must be a boolean/ },
  { call: 'link.del', args: () => [boom({}, 'name')], error: T, message: /^filter\.name could not be read: boom/ },
  { call: 'link.del', args: [['va', 'a\0b']], error: T, message: /^dev\[1\] must not contain a NUL/ },
  { call: 'link.del', args: [[1.5]], error: R, message: /^dev\[0\] must be an integer/ },
  { call: 'link.del', args: [['va', null]], error: T, message: /^dev\[1\] must be a link name or an index/ },
  { call: 'sync.link.del', args: ['a\0b'], error: T, message: /^dev must not contain a NUL/ },
  { call: 'sync.link.del', args: [{}], error: T, message: /^filter: an empty filter would match every link/ },
];

const list: BadCase[] = [
  { call: 'link.list', args: [null], error: T, message: /^filter must be a filter object.*got null/ },
  { call: 'link.list', args: [new Map()], error: T, message: /^filter must be a filter object.*a Map/ },
  { call: 'link.list', args: ['va'], error: T, message: /^filter must be a filter object/ },
  { call: 'link.list', args: [{ colour: 1 }], error: T, message: /^filter: unknown option 'colour'/ },
  { call: 'link.list', args: [{ stat: false }], error: T, message: /^filter: unknown option 'stat' \(did you mean 'stats'\?\)/ },
  { call: 'link.list', args: [{ stats: 'no' }], error: T, message: /^filter\.stats must be a boolean/ },
  { call: 'link.list', args: [{ kind: 'a\0b' }], error: T, message: /^filter\.kind must not contain a NUL/ },
  { call: 'link.list', args: [{ kind: '' }], error: T, message: /^filter\.kind must be a string \(not empty\)/ },
  { call: 'link.list', args: [{ kind: 'x'.repeat(56) }], error: R, message: /^filter\.kind is longer than 55 bytes/ },
  { call: 'link.list', args: [{ name: 'a\0b' }], error: T, message: /^filter\.name must not contain a NUL/ },
  { call: 'link.list', args: [{ master: 'a\0b' }], error: T, message: /^filter\.master must not contain a NUL/ },
  { call: 'link.list', args: [{ master: -1 }], error: R, message: /^filter\.master must be an integer/ },
  { call: 'link.list', args: [{ group: NaN }], error: R, message: /^filter\.group must be an integer/ },
  { call: 'link.list', args: [{ up: 1 }], error: T, message: /^filter\.up must be a boolean/ },
  { call: 'link.stream', args: [{ up: true }], error: T, message: /^filter: unknown option 'up'/, note: 'a stream does not filter on up (it was ignored)' },
  { call: 'link.stream', args: [{ name: 'va' }], error: T, message: /^filter: unknown option 'name'/ },
  { call: 'link.stream', args: [new Date(0)], error: T, message: /^filter must be a filter object.*a Date/ },
  { call: 'link.stream', args: [{ kind: 'a\0b' }], error: T, message: /^filter\.kind must not contain a NUL/ },
  { call: 'link.stream', args: [{ master: 0 }], error: R, message: /^filter\.master must be an integer/ },
  { call: 'sync.link.list', args: [{ bogus: 1 }], error: T, message: /^filter: unknown option 'bogus'/ },
  { call: 'sync.link.stream', args: [{ group: 1 }], error: T, message: /^filter: unknown option 'group'/ },
];

export const cases: BadCase[] = [...add, ...set, ...get, ...del, ...list];

/** The flags and master both bases set. */
const controls = { up: true, promisc: false, arp: true, multicast: true, allmulticast: false, master: 'br0' };
const addBase = () => ({
  name: 'pt0',
  kind: 'macvlan',
  link: 'va',
  mtu: 1400,
  txqlen: 500,
  group: 5,
  address: '02:00:00:00:00:09',
  broadcast: 'ff:ff:ff:ff:ff:ff',
  ...controls,
  linkmode: 'DEFAULT',
  numTxQueues: 2,
  numRxQueues: 2,
  gsoMaxSegs: 100,
  gsoMaxSize: 65536,
  info: { mode: 'bridge' },
});
const setBase = () => ({
  mtu: 1400,
  txqlen: 1000,
  group: 0,
  alias: 'pt',
  ...controls,
  name: 'va',
  address: '02:00:00:00:00:0a',
  broadcast: 'ff:ff:ff:ff:ff:ff',
  linkmode: 'DEFAULT',
  protoDown: false,
  gsoMaxSegs: 100,
  kind: 'veth',
});

export const props: PropCase[] = [
  { call: 'link.add', base: () => [addBase()], position: 0, schema: schemas.add, path: 'link', keep: ['name', 'kind'] },
  { call: 'sync.link.add', base: () => [addBase()], position: 0, schema: schemas.add, path: 'link', keep: ['name', 'kind'] },
  { call: 'link.set', base: () => ['va', setBase()], position: 1, schema: schemas.set, path: 'changes' },
  { call: 'sync.link.set', base: () => ['va', setBase()], position: 1, schema: schemas.set, path: 'changes' },
  { call: 'link.list', base: () => [{ name: 'va', kind: 'veth', master: 'br0', up: true, group: 0, stats: false }], position: 0, schema: schemas.list, path: 'filter' },
  { call: 'link.stream', base: () => [{ kind: 'veth', master: 'br0', stats: false }], position: 0, schema: schemas.stream, path: 'filter' },
  { call: 'link.del', base: () => [{ name: 'va', kind: 'veth', master: 'br0', up: true, group: 0 }], position: 0, schema: schemas.del, path: 'filter' },
];
