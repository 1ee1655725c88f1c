/** Bad input for rule: see harness.ts for the format. Every case is refused before anything is sent. */
import { ruleSchemas } from '../../lib/rule.js';
import type { BadCase, PropCase } from './harness.js';

const T = TypeError;
const R = RangeError;
const boom = () => ({
  get priority(): number {
    throw new Error('boom');
  },
});
const SELECTOR = /rule\.del needs a selector/;

export const cases: BadCase[] = [
  // destructive defaults (issue 14)
  { call: 'rule.del', args: [{}], error: T, message: SELECTOR, note: 'issue 14: rule.del({}) deleted the priority-0 local rule' },
  { call: 'rule.del', args: [[]], error: T, message: /^rule must be a plain object, got an array/, note: 'issue 14: rule.del([]) deleted the priority-0 local rule' },
  { call: 'rule.del', args: [new Map()], error: T, message: /^rule must be a plain object, got a Map/, note: 'issue 14: rule.del(new Map()) deleted the priority-0 local rule' },
  { call: 'rule.del', args: [new Date()], error: T, message: /^rule must be a plain object, got a Date/, note: 'issue 14: rule.del(new Date()) deleted the priority-0 local rule' },
  { call: 'rule.del', args: [{ family: 'inet' }], error: T, message: SELECTOR, note: 'a family alone selects every rule of it' },
  { call: 'rule.del', args: [{ family: 'inet6', from: 'all', to: 'all' }], error: T, message: SELECTOR, note: "'all' selects nothing" },
  { call: 'rule.del', args: [{ to: '0.0.0.0/0' }], error: T, message: SELECTOR, note: 'a /0 prefix selects nothing' },
  { call: 'rule.del', args: [{ not: true, flags: ['invert'] }], error: T, message: SELECTOR, note: 'the kernel does not compare flags' },
  { call: 'rule.del', args: [{ protocol: 'unspec', l3mdev: false }], error: T, message: SELECTOR, note: 'zeros the kernel reads as "any"' },
  { call: 'sync.rule.del', args: [{}], error: T, message: SELECTOR },
  { call: 'rule.del', args: [], error: T, message: /^rule must be a plain object, got undefined/ },
  { call: 'rule.flush', args: [], error: T, message: /rule\.flush needs a filter with a family/, note: 'issue 14: rule.flush() removed every IPv4 and IPv6 rule but priority 0' },
  { call: 'rule.flush', args: [new Map()], error: T, message: /^filter must be a plain object, got a Map/, note: 'issue 14: rule.flush(new Map()) removed every rule' },
  { call: 'rule.flush', args: [{}], error: T, message: /filter\.family is required .*one family/, note: 'flushes take a family, as ip -4|-6 rule flush' },
  { call: 'rule.flush', args: [{ table: 100 }], error: T, message: /filter\.family is required/ },
  { call: 'sync.rule.flush', args: [], error: T, message: /rule\.flush needs a filter with a family/ },
  { call: 'rule.flush', args: [{ family: 'inet', all: true }], error: T, message: /filter: unknown option 'all'/ },
  { call: 'rule.flush', args: [{ family: 'ipv4' }], error: T, message: /filter\.family must be one of 'inet', 'inet6'/ },
  { call: 'rule.add', args: [new Date()], error: T, message: /^rule must be a plain object, got a Date/, note: 'issue 14: rule.add(new Date()) added from all lookup main' },
  { call: 'rule.add', args: [{}], error: T, message: /rule\.add needs arguments, as `ip rule add` does/, note: "rule.add({}) added a catch-all 'from all lookup main' ahead of the other rules" },
  { call: 'sync.rule.add', args: [{ family: 'inet6', flags: [] }], error: T, message: /rule\.add needs arguments/ },
  { call: 'rule.add', args: [], error: T, message: /^rule must be a plain object, got undefined/ },
  { call: 'rule.add', args: [null], error: T, message: /^rule must be a plain object, got null/ },
  { call: 'rule.add', args: [Object.create({ priority: 5 })], error: T, message: /^rule must be a plain object/, note: 'a prototype trick' },
  // NUL bytes and names (issue 14)
  { call: 'rule.add', args: [{ iif: 'va\0x', table: 100 }], error: T, message: /rule\.iif must not contain a NUL byte/, note: 'issue 14: NUL in rule iif was sent and cut by the kernel' },
  { call: 'rule.add', args: [{ oif: 'a\0b', table: 100 }], error: T, message: /rule\.oif must not contain a NUL byte/, note: 'issue 14: NUL in rule oif was sent and cut by the kernel' },
  { call: 'rule.del', args: [{ iif: 'va\0' }], error: T, message: /rule\.iif must not contain a NUL byte/ },
  { call: 'rule.add', args: [{ iif: 'x'.repeat(16) }], error: R, message: /rule\.iif .*longer than 15 bytes/ },
  { call: 'rule.add', args: [{ oif: 'a b' }], error: T, message: /rule\.oif .*not a valid interface name/ },
  { call: 'rule.add', args: [{ iif: 42 }], error: T, message: /rule\.iif must be a string/ },
  // prototype keys as names (issue 14)
  { call: 'rule.add', args: [{ action: 'constructor' }], error: T, message: /rule\.action must be one of 'lookup'/, note: "issue 14: action 'constructor'" },
  { call: 'rule.add', args: [{ table: 'constructor' }], error: T, message: /rule\.table must be one of 'main'/, note: "issue 14: table 'constructor'" },
  { call: 'rule.add', args: [{ protocol: 'toString', table: 100 }], error: T, message: /rule\.protocol/ },
  { call: 'rule.add', args: [{ ipproto: '__proto__', table: 100 }], error: T, message: /rule\.ipproto/ },
  { call: 'rule.add', args: [{ flags: ['constructor'] }], error: T, message: /rule\.flags\[0\] must be one of permanent/ },
  { call: 'rule.add', args: [{ action: 'Blackhole' }], error: T, message: /did you mean 'blackhole'/ },
  // numbers (issue 14)
  { call: 'rule.add', args: [{ priority: NaN, table: 100 }], error: R, message: /rule\.priority must be an integer in 0\.\.4294967295, got NaN/ },
  { call: 'rule.add', args: [{ priority: Infinity, table: 100 }], error: R, message: /rule\.priority/ },
  { call: 'rule.add', args: [{ priority: -1, table: 100 }], error: R, message: /rule\.priority/ },
  { call: 'rule.add', args: [{ priority: 2 ** 32, table: 100 }], error: R, message: /rule\.priority/ },
  { call: 'sync.rule.add', args: [{ priority: 1.5, table: 100 }], error: R, message: /rule\.priority.*1\.5/ },
  { call: 'rule.add', args: [{ priority: 5n, table: 100 }], error: T, message: /rule\.priority .*BigInt/ },
  { call: 'rule.add', args: [{ table: 0 }], error: R, message: /rule\.table/ },
  { call: 'rule.add', args: [{ table: 2 ** 32 }], error: R, message: /rule\.table/ },
  { call: 'rule.add', args: [{ fwmark: 0 }], error: T, message: /rule\.fwmark 0 without rule\.fwmask would match every packet/ },
  { call: 'rule.add', args: [{ fwmark: 1, fwmask: -1 }], error: R, message: /rule\.fwmask/ },
  { call: 'rule.add', args: [{ tos: 0 }], error: R, message: /rule\.tos must be a DS field byte/ },
  { call: 'rule.add', args: [{ tos: 0x11 }], error: R, message: /rule\.tos .*ECN/ },
  { call: 'rule.add', args: [{ tos: 16, dscp: 4 }], error: T, message: /rule\.tos and rule\.dscp exclude each other/ },
  { call: 'rule.add', args: [{ dscp: 64 }], error: R, message: /rule\.dscp/ },
  { call: 'rule.add', args: [{ dscp: 5, dscpMask: 2 }], error: R, message: /rule\.dscp 5 has bits outside rule\.dscpMask/ },
  { call: 'rule.add', args: [{ dscpMask: 0x3f }], error: T, message: /rule\.dscpMask needs rule\.dscp/ },
  { call: 'rule.add', args: [{ tunId: 0 }], error: R, message: /rule\.tunId/ },
  { call: 'rule.add', args: [{ tunId: 2 ** 53 }], error: R, message: /rule\.tunId/ },
  { call: 'rule.add', args: [{ ipproto: 0 }], error: R, message: /rule\.ipproto/ },
  { call: 'rule.add', args: [{ suppressPrefixlen: 129 }], error: R, message: /rule\.suppressPrefixlen/ },
  { call: 'rule.add', args: [{ suppressIfgroup: 2 ** 32 - 1 }], error: R, message: /rule\.suppressIfgroup/ },
  { call: 'rule.add', args: [{ realms: 'x' }], error: T, message: /rule\.realms/ },
  // ranges and masks
  { call: 'rule.add', args: [{ sport: [2000, 1000] }], error: R, message: /rule\.sport .*ends before it starts/ },
  { call: 'rule.add', args: [{ dport: 65535 }], error: R, message: /rule\.dport must be an integer in 1\.\.65534/ },
  { call: 'rule.add', args: [{ dport: 0 }], error: R, message: /rule\.dport/ },
  { call: 'rule.add', args: [{ sport: [1, 70000] }], error: R, message: /rule\.sport\[1\]/ },
  { call: 'rule.add', args: [{ uidrange: [1, 2, 3] }], error: T, message: /rule\.uidrange must be a uid/ },
  { call: 'rule.add', args: [{ uidrange: '0-100' }], error: T, message: /rule\.uidrange/ },
  { call: 'rule.add', args: [{ sportMask: 0xff }], error: T, message: /rule\.sportMask needs rule\.sport/ },
  { call: 'rule.add', args: [{ dport: [10, 20], dportMask: 0xff }], error: T, message: /rule\.dportMask applies to a single port/ },
  { call: 'rule.add', args: [{ family: 'inet6', flowlabel: 0x100, flowlabelMask: 0xf }], error: R, message: /rule\.flowlabel 256 has bits outside/ },
  // fields that disagree
  { call: 'rule.add', args: [{ flowlabel: 5 }], error: T, message: /rule\.flowlabel applies to IPv6 rules only/ },
  { call: 'rule.add', args: [{ family: 'inet6', flowlabel: 0x100000 }], error: R, message: /rule\.flowlabel/ },
  { call: 'rule.add', args: [{ from: '10.0.0.0/8', family: 'inet6' }], error: T, message: /rule\.from .*family mismatch/ },
  { call: 'rule.add', args: [{ from: '10.0.0.0/8', to: '2001:db8::/32' }], error: T, message: /rule\.to .*family mismatch/ },
  { call: 'rule.add', args: [{ goto: 10, priority: 20 }], error: R, message: /rule\.goto \(10\) must be above rule\.priority \(20\)/ },
  { call: 'rule.add', args: [{ action: 'goto' }], error: T, message: /rule\.goto \(the target priority\) is required/ },
  { call: 'rule.add', args: [{ action: 'lookup', table: 'main', goto: 5 }], error: T, message: /rule\.goto is the target of action 'goto'/ },
  { call: 'rule.add', args: [{ l3mdev: true, table: 100 }], error: T, message: /rule\.l3mdev and rule\.table exclude each other/ },
  // prefixes
  { call: 'rule.add', args: [{ from: '10.0.0.0/33' }], error: R, message: /rule\.from: prefix length 33 is out of range 0\.\.32/ },
  { call: 'rule.add', args: [{ from: 'fe80::%lo/64' }], error: T, message: /rule\.from must be a prefix without a zone/ },
  { call: 'rule.add', args: [{ to: 'everywhere' }], error: T, message: /rule\.to must be an IPv4 or IPv6 address/ },
  { call: 'rule.add', args: [{ to: '' }], error: T, message: /rule\.to/ },
  // types and keys
  { call: 'rule.add', args: [{ not: 1 }], error: T, message: /rule\.not must be a boolean/ },
  { call: 'rule.add', args: [{ l3mdev: 'yes' }], error: T, message: /rule\.l3mdev must be a boolean/ },
  { call: 'rule.add', args: [{ action: 4.5 }], error: R, message: /rule\.action/ },
  { call: 'rule.add', args: [{ pref: 5 }], error: T, message: /^rule: unknown option 'pref'/ },
  { call: 'rule.add', args: [{ prority: 5 }], error: T, message: /rule: unknown option 'prority' \(did you mean 'priority'\?\)/ },
  { call: 'rule.del', args: [{ tablee: 100 }], error: T, message: /did you mean 'table'/ },
  { call: 'rule.add', args: () => [boom()], error: T, message: /rule\.priority could not be read: boom/, note: 'a throwing getter' },
  // list and stream
  { call: 'rule.list', args: [{ familly: 'inet' }], error: T, message: /filter: unknown option 'familly' \(did you mean 'family'\?\)/ },
  { call: 'rule.list', args: [{ family: 'ipv4' }], error: T, message: /filter\.family must be one of 'inet', 'inet6'/ },
  { call: 'rule.list', args: [new Map()], error: T, message: /^filter must be a plain object, got a Map/ },
  { call: 'rule.list', args: [null], error: T, message: /^filter must be a plain object, got null/ },
  { call: 'rule.list', args: [{ table: 0 }], error: R, message: /filter\.table/ },
  { call: 'rule.list', args: [{ action: 'constructor' }], error: T, message: /filter\.action/ },
  { call: 'rule.list', args: [{ protocol: 'valueOf' }], error: T, message: /filter\.protocol/ },
  { call: 'rule.stream', args: [{ iif: 'a\0b' }], error: T, message: /filter\.iif must not contain a NUL byte/ },
  { call: 'rule.stream', args: [{ priority: -1 }], error: R, message: /filter\.priority/ },
  { call: 'rule.stream', args: [[]], error: T, message: /^filter must be a plain object, got an array/ },
  { call: 'sync.rule.list', args: [{ bogus: 1 }], error: T, message: /filter: unknown option 'bogus'/ },
  { call: 'sync.rule.stream', args: [{ fwmark: 1.5 }], error: R, message: /filter\.fwmark/ },
];

export const props: PropCase[] = [
  {
    call: 'rule.add',
    base: () => [
      { family: 'inet', priority: 4000, from: '10.1.0.0/16', to: '10.2.0.0/16', tos: 16, fwmark: 5, fwmask: 0xff, iif: 'va', oif: 'vb', table: 200, suppressPrefixlen: 0, realms: 1, uidrange: [0, 100], protocol: 'static', ipproto: 'tcp', sport: [1000, 2000], dport: 53, not: false },
    ],
    position: 0,
    schema: ruleSchemas.rule,
    path: 'rule',
  },
  { call: 'sync.rule.add', base: () => [{ family: 'inet6', priority: 4001, to: '2001:db8:1::/48', goto: 5000, dscp: 8, dscpMask: 0x3f, flowlabel: 0x12345 }], position: 0, schema: ruleSchemas.rule, path: 'rule' },
  { call: 'rule.del', base: () => [{ priority: 4000, from: '10.1.0.0/16', table: 200, fwmark: 5, iif: 'va', protocol: 'static' }], position: 0, schema: ruleSchemas.rule, path: 'rule', keep: ['priority'] },
  { call: 'rule.list', base: () => [{ family: 'inet', table: 100, priority: 1000, fwmark: 1, iif: 'va', oif: 'vb', protocol: 'boot', action: 'lookup' }], position: 0, schema: ruleSchemas.filter, path: 'filter' },
  { call: 'rule.stream', base: () => [{ family: 'inet6', table: 'main', action: 'lookup' }], position: 0, schema: ruleSchemas.filter, path: 'filter' },
  { call: 'rule.flush', base: () => [{ family: 'inet', table: 4242, priority: 4242, iif: 'va', protocol: 'static' }], position: 0, schema: ruleSchemas.flushFilter, path: 'filter', keep: ['family'] },
];
