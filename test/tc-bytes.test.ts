/**
 * Golden bytes for tc: for each case, the request `tc` sends (strace) and
 * the one the library sends for the same call must be equal (seq and pid
 * masked). Kinds this kernel lacks are compared too: both sides send their
 * request before the kernel refuses it.
 */
import { goldenCases } from './golden.js';

goldenCases('tc bytes: qdiscs and classes live here', [
  { name: 'htb qdisc', tc: ['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb', 'default', '10'], lib: (nl) => nl.tc.qdisc.add({ dev: 'v0', parent: 'root', handle: '1:', kind: 'htb', options: { default: 0x10 } }) },
  { name: 'htb qdisc r2q direct_qlen', tc: ['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '2:', 'htb', 'r2q', '5', 'direct_qlen', '100'], lib: (nl) => nl.tc.qdisc.add({ dev: 'v0', handle: '2:', kind: 'htb', options: { r2q: 5, directQlen: 100 } }) },
  { name: 'htb qdisc replace', tc: ['qdisc', 'replace', 'dev', 'v0', 'root', 'handle', '1:', 'htb'], lib: (nl) => nl.tc.qdisc.replace({ dev: 'v0', handle: '1:', kind: 'htb' }) },
  {
    name: 'htb class rate',
    setup: [['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb']],
    tc: ['class', 'add', 'dev', 'v0', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '1mbit'],
    lib: (nl) => nl.tc.class.add({ dev: 'v0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '1mbit' } }),
  },
  {
    name: 'htb class rate ceil burst cburst prio quantum',
    setup: [['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb']],
    tc: ['class', 'add', 'dev', 'v0', 'parent', '1:', 'classid', '1:20', 'htb', 'rate', '10mbit', 'ceil', '100mbit', 'burst', '15kb', 'cburst', '20kb', 'prio', '2', 'quantum', '3000'],
    lib: (nl) => nl.tc.class.add({ dev: 'v0', parent: '1:', classid: '1:20', kind: 'htb', options: { rate: 10e6, ceil: '100mbit', burst: '15kb', cburst: 20480, prio: 2, quantum: 3000 } }),
  },
  {
    name: 'htb class above 32-bit bytes/s (rate64)',
    setup: [['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb']],
    tc: ['class', 'add', 'dev', 'v0', 'parent', '1:', 'classid', '1:30', 'htb', 'rate', '40gbit'],
    lib: (nl) => nl.tc.class.add({ dev: 'v0', parent: '1:', classid: '1:30', kind: 'htb', options: { rate: '40gbit' } }),
  },
  {
    name: 'htb class mpu overhead linklayer atm',
    setup: [['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb']],
    tc: ['class', 'add', 'dev', 'v0', 'parent', '1:', 'classid', '1:40', 'htb', 'rate', '2mbit', 'mpu', '64', 'overhead', '10', 'linklayer', 'atm'],
    lib: (nl) => nl.tc.class.add({ dev: 'v0', parent: '1:', classid: '1:40', kind: 'htb', options: { rate: '2mbit', mpu: 64, overhead: 10, linklayer: 'atm' } }),
  },
  {
    name: 'htb class change',
    setup: [['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb'], ['class', 'add', 'dev', 'v0', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '1mbit']],
    tc: ['class', 'change', 'dev', 'v0', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '3mbit'],
    lib: (nl) => nl.tc.class.change({ dev: 'v0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '3mbit' } }),
  },
  {
    name: 'class del',
    setup: [['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb'], ['class', 'add', 'dev', 'v0', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '1mbit']],
    tc: ['class', 'del', 'dev', 'v0', 'classid', '1:10'],
    lib: (nl) => nl.tc.class.del({ dev: 'v0', classid: '1:10' }),
  },
  { name: 'pfifo', tc: ['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'pfifo'], lib: (nl) => nl.tc.qdisc.add({ dev: 'v0', handle: '1:', kind: 'pfifo' }) },
  { name: 'pfifo limit', tc: ['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'pfifo', 'limit', '50'], lib: (nl) => nl.tc.qdisc.add({ dev: 'v0', handle: '1:', kind: 'pfifo', options: { limit: 50 } }) },
  { name: 'bfifo limit 10kb', tc: ['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'bfifo', 'limit', '10kb'], lib: (nl) => nl.tc.qdisc.add({ dev: 'v0', handle: '1:', kind: 'bfifo', options: { limit: '10kb' } }) },
  {
    name: 'pfifo under an htb class',
    setup: [['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb'], ['class', 'add', 'dev', 'v0', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '1mbit']],
    tc: ['qdisc', 'add', 'dev', 'v0', 'parent', '1:10', 'handle', '10:', 'pfifo', 'limit', '5'],
    lib: (nl) => nl.tc.qdisc.add({ dev: 'v0', parent: '1:10', handle: '10:', kind: 'pfifo', options: { limit: 5 } }),
  },
  { name: 'ingress', tc: ['qdisc', 'add', 'dev', 'v0', 'ingress'], lib: (nl) => nl.tc.qdisc.add({ dev: 'v0', kind: 'ingress' }) },
  { name: 'clsact', tc: ['qdisc', 'add', 'dev', 'v0', 'clsact'], lib: (nl) => nl.tc.qdisc.add({ dev: 'v0', kind: 'clsact' }) },
  { name: 'qdisc del root', setup: [['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb']], tc: ['qdisc', 'del', 'dev', 'v0', 'root'], lib: (nl) => nl.tc.qdisc.del({ dev: 'v0', parent: 'root' }) },
  { name: 'qdisc del clsact', setup: [['qdisc', 'add', 'dev', 'v0', 'clsact']], tc: ['qdisc', 'del', 'dev', 'v0', 'clsact'], lib: (nl) => nl.tc.qdisc.del({ dev: 'v0', kind: 'clsact' }) },
  { name: 'qdisc change htb', setup: [['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb']], tc: ['qdisc', 'change', 'dev', 'v0', 'root', 'handle', '1:', 'htb', 'r2q', '5'], lib: (nl) => nl.tc.qdisc.change({ dev: 'v0', handle: '1:', kind: 'htb', options: { r2q: 5 } }) },
]);

goldenCases('tc bytes: filters and actions live here', [
  {
    name: 'u32 match all, mirred egress redirect',
    setup: [['qdisc', 'add', 'dev', 'v0', 'clsact']],
    tc: ['filter', 'add', 'dev', 'v0', 'ingress', 'pref', '1', 'handle', '800::800', 'u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'egress', 'redirect', 'dev', 'v1'],
    lib: (nl) => nl.tc.filter.add({ dev: 'v0', parent: 'ingress', pref: 1, handle: '800::800', kind: 'u32', options: { match: [{ u32: 0, mask: 0, at: 0 }], actions: [{ kind: 'mirred', mirredAction: 'redirect', dev: 'v1' }] } }),
  },
  {
    name: 'u32 ip dst and sport, flowid',
    setup: [['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb']],
    tc: ['filter', 'add', 'dev', 'v0', 'parent', '1:', 'pref', '10', 'handle', '800::1', 'protocol', 'ip', 'u32', 'match', 'ip', 'dst', '10.0.0.0/24', 'match', 'ip', 'sport', '80', '0xffff', 'flowid', '1:10'],
    lib: (nl) => nl.tc.filter.add({ dev: 'v0', parent: '1:', pref: 10, handle: '800::1', protocol: 'ip', kind: 'u32', options: { match: [{ ip: { dst: '10.0.0.0/24' } }, { ip: { sport: 80 } }], flowid: '1:10' } }),
  },
  {
    name: 'u32 ingress mirred mirror, gact drop',
    setup: [['qdisc', 'add', 'dev', 'v0', 'ingress']],
    tc: ['filter', 'add', 'dev', 'v0', 'parent', 'ffff:', 'pref', '5', 'handle', '800::5', 'u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'ingress', 'mirror', 'dev', 'v1', 'action', 'drop'],
    lib: (nl) => nl.tc.filter.add({ dev: 'v0', parent: 'ffff:', pref: 5, handle: '800::5', kind: 'u32', options: { actions: [{ kind: 'mirred', direction: 'ingress', mirredAction: 'mirror', dev: 'v1' }, { kind: 'gact', control: 'drop' }] } }),
  },
  {
    name: 'filter replace (protocol all by default)',
    setup: [['qdisc', 'add', 'dev', 'v0', 'clsact']],
    tc: ['filter', 'replace', 'dev', 'v0', 'egress', 'pref', '7', 'handle', '800::7', 'u32', 'match', 'u32', '0', '0', 'action', 'pass'],
    lib: (nl) => nl.tc.filter.replace({ dev: 'v0', parent: 'egress', pref: 7, handle: '800::7', kind: 'u32', options: { actions: [{ kind: 'gact', control: 'pass' }] } }),
  },
  {
    name: 'filter change (no protocol by default)',
    setup: [['qdisc', 'add', 'dev', 'v0', 'clsact'], ['filter', 'add', 'dev', 'v0', 'ingress', 'pref', '3', 'handle', '800::3', 'u32', 'match', 'u32', '0', '0', 'action', 'pass']],
    tc: ['filter', 'change', 'dev', 'v0', 'ingress', 'pref', '3', 'handle', '800::3', 'u32', 'match', 'u32', '0', '0', 'action', 'drop'],
    lib: (nl) => nl.tc.filter.change({ dev: 'v0', parent: 'ingress', pref: 3, handle: '800::3', kind: 'u32', options: { actions: [{ kind: 'gact', control: 'drop' }] } }),
  },
  {
    name: 'class replace',
    setup: [['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb']],
    tc: ['class', 'replace', 'dev', 'v0', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '5mbit', 'ceil', '6mbit'],
    lib: (nl) => nl.tc.class.replace({ dev: 'v0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: '5mbit', ceil: '6mbit' } }),
  },
  {
    name: 'tc actions add gact index',
    tc: ['actions', 'add', 'action', 'drop', 'index', '7'],
    lib: (nl) => nl.tc.action.add([{ kind: 'gact', control: 'drop', index: 7 }]),
  },
  {
    name: 'tc actions del',
    setup: [['actions', 'add', 'action', 'drop', 'index', '7']],
    tc: ['actions', 'del', 'action', 'gact', 'index', '7'],
    lib: (nl) => nl.tc.action.del({ kind: 'gact', index: 7 }),
  },
  {
    name: 'filter del by pref',
    setup: [['qdisc', 'add', 'dev', 'v0', 'clsact'], ['filter', 'add', 'dev', 'v0', 'ingress', 'pref', '3', 'u32', 'match', 'u32', '0', '0', 'action', 'pass']],
    tc: ['filter', 'del', 'dev', 'v0', 'ingress', 'pref', '3'],
    lib: (nl) => nl.tc.filter.del({ dev: 'v0', parent: 'ingress', pref: 3 }),
  },
]);
