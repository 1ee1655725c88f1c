/**
 * Golden bytes for the filter and action kinds: for each case, the request
 * `tc` (iproute2 6.1) sends, captured with strace, and the one the library
 * sends for the same call must be equal (seq and pid masked). This kernel
 * lacks most of these kinds; both sides send their request before it refuses.
 */
import { goldenCases, type TcCase } from './golden.js';

const CLSACT = [['qdisc', 'add', 'dev', 'v0', 'clsact']];
const INGRESS = [['qdisc', 'add', 'dev', 'v0', 'ingress']];
const HTB = [['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb'], ['class', 'add', 'dev', 'v0', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '1mbit']];

/** A matchall filter on clsact ingress carrying `tcAction` / `libAction`. */
function withAction(name: string, tcAction: string[], libAction: Record<string, unknown>): TcCase {
  return {
    name: `action ${name}`,
    setup: CLSACT,
    tc: ['filter', 'add', 'dev', 'v0', 'ingress', 'pref', '1', 'handle', '1', 'matchall', 'action', ...tcAction],
    lib: (nl) => nl.tc.filter.add({ dev: 'v0', parent: 'ingress', pref: 1, handle: 1, kind: 'matchall', options: { actions: [libAction] } }),
  };
}

goldenCases('tc bytes: actions in filters', [
  withAction('skbedit mark', ['skbedit', 'mark', '5'], { kind: 'skbedit', mark: 5 }),
  withAction('skbedit mark/mask priority queue_mapping ptype', ['skbedit', 'queue_mapping', '3', 'priority', '1:10', 'mark', '0x5/0xff', 'ptype', 'host'], { kind: 'skbedit', queueMapping: 3, priority: '1:10', mark: '0x5/0xff', ptype: 'host' }),
  withAction('skbedit inheritdsfield pass index', ['skbedit', 'inheritdsfield', 'pass', 'index', '7'], { kind: 'skbedit', inheritDsfield: true, control: 'pass', index: 7 }),
  withAction('police rate burst', ['police', 'rate', '1mbit', 'burst', '10k'], { kind: 'police', rate: '1mbit', burst: '10k' }),
  withAction('police rate burst drop', ['police', 'rate', '1mbit', 'burst', '10k', 'drop'], { kind: 'police', rate: '1mbit', burst: '10k', control: 'drop' }),
  withAction('police conform-exceed drop/pipe', ['police', 'rate', '10mbit', 'burst', '64k', 'conform-exceed', 'drop/pipe'], { kind: 'police', rate: '10mbit', burst: '64k', conformExceed: 'drop/pipe' }),
  withAction('police peakrate mtu', ['police', 'rate', '1mbit', 'burst', '10k', 'mtu', '2k', 'peakrate', '2mbit'], { kind: 'police', rate: '1mbit', burst: '10k', mtu: '2k', peakrate: '2mbit' }),
  withAction('police overhead linklayer atm mpu', ['police', 'rate', '1mbit', 'burst', '10k', 'overhead', '20', 'linklayer', 'atm', 'mpu', '64'], { kind: 'police', rate: '1mbit', burst: '10k', overhead: 20, linklayer: 'atm', mpu: 64 }),
  withAction('police burst with cell', ['police', 'rate', '1mbit', 'burst', '10k/16'], { kind: 'police', rate: '1mbit', burst: '10k/16' }),
  withAction('police rate64', ['police', 'rate', '40gbit', 'burst', '1m'], { kind: 'police', rate: '40gbit', burst: '1m' }),
  withAction('police avrate', ['police', 'avrate', '1mbit', 'drop'], { kind: 'police', avrate: '1mbit', control: 'drop' }),
  withAction('police index', ['police', 'rate', '1mbit', 'burst', '10k', 'index', '4'], { kind: 'police', rate: '1mbit', burst: '10k', index: 4 }),
  withAction('vlan pop', ['vlan', 'pop'], { kind: 'vlan', vlanAction: 'pop' }),
  withAction('vlan push id', ['vlan', 'push', 'id', '100'], { kind: 'vlan', vlanAction: 'push', id: 100 }),
  withAction('vlan push id protocol priority', ['vlan', 'push', 'id', '10', 'protocol', '802.1ad', 'priority', '5'], { kind: 'vlan', vlanAction: 'push', id: 10, protocol: '802.1ad', priority: 5 }),
  withAction('vlan modify id pass', ['vlan', 'modify', 'id', '20', 'pass'], { kind: 'vlan', vlanAction: 'modify', id: 20, control: 'pass' }),
  withAction('pedit munge ip src', ['pedit', 'munge', 'ip', 'src', 'set', '10.0.0.1'], { kind: 'pedit', munge: [{ ip: 'src', set: '10.0.0.1' }] }),
  withAction('pedit munge ip dst + offset u32, pipe', ['pedit', 'munge', 'ip', 'dst', 'set', '192.168.1.2', 'munge', 'offset', '0', 'u32', 'set', '0x11223344', 'pipe'], { kind: 'pedit', munge: [{ ip: 'dst', set: '192.168.1.2' }, { offset: 0, u32: 0x11223344 }], control: 'pipe' }),
  { ...withAction('skbedit then gact drop', ['skbedit', 'mark', '1', 'action', 'drop'], { kind: 'skbedit', mark: 1 }), lib: (nl) => nl.tc.filter.add({ dev: 'v0', parent: 'ingress', pref: 1, handle: 1, kind: 'matchall', options: { actions: [{ kind: 'skbedit', mark: 1 }, { kind: 'gact', control: 'drop' }] } }) },
]);
