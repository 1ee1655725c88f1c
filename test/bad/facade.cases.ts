/** Bad input for the facade: open, monitor, batch, close, call options, the netns module. See harness.ts. */
import { batchOptions } from '../../lib/batch.js';
import { openOptions } from '../../lib/handle.js';
import { monitorOptions } from '../../lib/monitor.js';
import { callOptions } from '../../lib/netlink.js';
import type { BadCase, PropCase } from './harness.js';

const T = TypeError;
const R = RangeError;
const boom = () => ({
  get timeout(): number {
    throw new Error('boom');
  },
});
class Opts {
  rcvbuf = 65536;
}
const noop = () => {};

export const cases: BadCase[] = [
  // open / openSync
  { call: 'openSync', args: [{ rcvbuf: 'x', bogus: 1 }], error: T, message: /open options\.rcvbuf must be an integer/, note: "issue 14: open({ rcvbuf: 'x', bogus: 1 })" },
  { call: 'openSync', args: [{ bogus: 1 }], error: T, message: /open options: unknown option 'bogus'/, note: 'issue 14: unknown keys of open' },
  { call: 'openSync', args: [{ timeuot: 5 }], error: T, message: /unknown option 'timeuot' \(did you mean 'timeout'\?\)/ },
  { call: 'openSync', args: [{ rcvbuf: 100 }], error: R, message: /open options\.rcvbuf must be an integer in 1024\.\./ },
  { call: 'openSync', args: [{ rcvbuf: 2 ** 31 }], error: R, message: /open options\.rcvbuf/ },
  { call: 'openSync', args: [{ rcvbuf: 1.5 }], error: R, message: /open options\.rcvbuf/ },
  { call: 'openSync', args: [{ rcvbuf: NaN }], error: R, message: /open options\.rcvbuf/ },
  { call: 'openSync', args: [{ rcvbuf: 65536n }], error: T, message: /open options\.rcvbuf.*BigInt/ },
  { call: 'openSync', args: [{ timeout: -1 }], error: R, message: /open options\.timeout/ },
  { call: 'openSync', args: [{ timeout: Infinity }], error: R, message: /open options\.timeout/ },
  { call: 'openSync', args: [{ netns: 'a/b' }], error: T, message: /open options\.netns/ },
  { call: 'openSync', args: [{ netns: 'a\0b' }], error: T, message: /open options\.netns.*NUL/ },
  { call: 'openSync', args: [{ netns: '' }], error: T, message: /open options\.netns/ },
  { call: 'openSync', args: [{ netns: { fd: -1 } }], error: R, message: /open options\.netns\.fd/ },
  { call: 'openSync', args: [{ netns: { pid: 0 } }], error: R, message: /open options\.netns\.pid/ },
  { call: 'openSync', args: [{ netns: { fd: 3, pid: 1 } }], error: T, message: /open options\.netns must be .*'fd', 'pid'/ },
  { call: 'openSync', args: [{ netns: { path: '' } }], error: T, message: /open options\.netns\.path/ },
  { call: 'openSync', args: [{ netns: new Map() }], error: T, message: /open options\.netns/ },
  { call: 'openSync', args: [{ netns: 42 }], error: T, message: /open options\.netns/ },
  { call: 'openSync', args: [null], error: T, message: /open options must be a plain object, got null/ },
  { call: 'openSync', args: [[]], error: T, message: /open options must be a plain object, got an array/ },
  { call: 'openSync', args: [new Map()], error: T, message: /open options must be a plain object, got a Map/ },
  { call: 'openSync', args: [new Opts()], error: T, message: /open options must be a plain object, got a Opts/ },
  { call: 'openSync', args: [Object.create({ rcvbuf: 1 })], error: T, message: /open options must be a plain object/, note: 'a prototype trick' },
  { call: 'openSync', args: () => [boom()], error: T, message: /open options: unknown option 'timeout'|open options\.timeout could not be read: boom/ },
  { call: 'open', args: [{ rcvbuf: Symbol('x') }], error: T, message: /open options\.rcvbuf.*Symbol/ },
  { call: 'open', args: [{ bogus: true }], error: T, message: /open options: unknown option 'bogus'/ },
  // monitor
  { call: 'monitor', args: [{ families: [] }], error: R, message: /monitor options\.families must be an array of at least 1/, note: 'issue 14: monitor({ families: [] }) waited forever' },
  { call: 'monitor', args: [{ highWaterMark: 0 }], error: R, message: /monitor options\.highWaterMark/, note: 'issue 14: monitor({ highWaterMark: 0 }) stalled' },
  { call: 'monitor', args: [{ highWaterMark: Symbol('x') }], error: T, message: /monitor options\.highWaterMark.*Symbol/, note: 'issue 14: a Symbol threw inside the native callback' },
  { call: 'monitor', args: [{ highWaterMark: 1.5 }], error: R, message: /monitor options\.highWaterMark/ },
  { call: 'monitor', args: [{ overflow: 'bogus' }], error: T, message: /monitor options\.overflow must be one of 'throw', 'resync'/, note: "issue 14: monitor({ overflow: 'bogus' })" },
  { call: 'monitor', args: [{ overflow: 'Resync' }], error: T, message: /did you mean 'resync'/ },
  { call: 'monitor', args: [{ families: ['links'] }], error: T, message: /monitor options\.families\[0\] .*did you mean 'link'/ },
  { call: 'monitor', args: [{ families: 'link' }], error: T, message: /monitor options\.families must be an array/ },
  { call: 'monitor', args: [{ families: ['constructor'] }], error: T, message: /monitor options\.families\[0\]/ },
  { call: 'monitor', args: [{ families: new Set(['link']) }], error: T, message: /monitor options\.families must be an array/ },
  { call: 'monitor', args: [{ signal: {} }], error: T, message: /monitor options\.signal must be an AbortSignal/ },
  { call: 'monitor', args: [{ rcvbuf: -1 }], error: R, message: /monitor options\.rcvbuf/ },
  { call: 'monitor', args: [{ netns: '..' }], error: T, message: /monitor options\.netns/ },
  { call: 'monitor', args: [{ famillies: ['link'] }], error: T, message: /unknown option 'famillies' \(did you mean 'families'\?\)/ },
  { call: 'monitor', args: [new Date()], error: T, message: /monitor options must be a plain object, got a Date/ },
  // batch
  { call: 'batch', args: [noop, { window: NaN }], error: R, message: /batch options\.window/, note: 'issue 14: batch({ window: NaN }) resolved [] and sent nothing' },
  { call: 'batch', args: [noop, { window: 'x' }], error: T, message: /batch options\.window/, note: 'issue 14: a non-numeric window' },
  { call: 'batch', args: [noop, { window: 0 }], error: R, message: /batch options\.window/ },
  { call: 'batch', args: [noop, { stopOnError: 1 }], error: T, message: /batch options\.stopOnError must be a boolean/ },
  { call: 'batch', args: [noop, { stoponerror: true }], error: T, message: /did you mean 'stopOnError'/ },
  { call: 'batch', args: [noop, { signal: 'x' }], error: T, message: /batch options\.signal/ },
  { call: 'batch', args: [noop, { timeout: -5 }], error: R, message: /batch options\.timeout/ },
  { call: 'batch', args: [noop, new Map()], error: T, message: /batch options must be a plain object/ },
  { call: 'batch', args: ['not a function'], error: T, message: /batch build must be a function/ },
  { call: 'batch', args: [async () => {}], error: T, message: /batch build must queue its calls synchronously/ },
  {
    call: 'batch',
    args: [(b: any) => { b.route.add({ dst: '10.7.0.0/24', type: 'blackhole' }); b.route.add({ dst: '10.7.1.0/33', type: 'blackhole' }); }],
    error: R,
    message: /route\.dst|prefix length 33/,
    note: 'bad input anywhere in a batch: nothing of it is sent',
  },
  {
    call: 'batch',
    args: [(b: any) => b.link.set('lo', { up: true }, { timeout: 5 })],
    error: T,
    message: /batch link\.set takes 2 arguments/,
  },
  // close
  { call: 'close', args: [{ forse: true }], error: T, message: /close options: unknown option 'forse' \(did you mean 'force'\?\)/ },
  { call: 'close', args: [{ force: 'yes' }], error: T, message: /close options\.force must be a boolean/ },
  { call: 'close', args: [{ timeout: 1.5 }], error: R, message: /close options\.timeout/ },
  { call: 'close', args: [null], error: T, message: /close options must be a plain object/ },
  // call options, on every kind of call
  { call: 'link.list', args: [{}, { timeout: -1 }], error: R, message: /link\.list options\.timeout/ },
  { call: 'link.get', args: ['lo', { signal: 'abort' }], error: T, message: /link\.get options\.signal must be an AbortSignal/ },
  { call: 'link.set', args: ['lo', { up: true }, { timout: 5 }], error: T, message: /link\.set options: unknown option 'timout' \(did you mean 'timeout'\?\)/ },
  { call: 'link.set', args: ['lo', { up: true }, {}, {}], error: T, message: /link\.set takes at most 3 arguments/ },
  { call: 'route.get', args: ['10.0.0.1', {}, { timeout: NaN }], error: R, message: /route\.get options\.timeout/ },
  { call: 'route.add', args: [{ dst: '10.6.0.0/24', type: 'blackhole' }, new Map()], error: T, message: /route\.add options must be a plain object/ },
  { call: 'address.list', args: [{}, { signal: true }], error: T, message: /address\.list options\.signal/ },
  { call: 'route.stream', args: [{}, { timeout: 'soon' }], error: T, message: /route\.stream options\.timeout/ },
  { call: 'sync.link.list', args: [{}, { timeout: -1 }], error: R, message: /sync\.link\.list options\.timeout/ },
  { call: 'sync.route.add', args: [{ dst: '10.6.0.0/24', type: 'blackhole' }, { bogus: 1 }], error: T, message: /sync\.route\.add options: unknown option 'bogus'/ },
  // the netns module
  { call: 'netns.add', args: ['a/b'], error: T, message: /netns\.add: 'a\/b' is not a valid namespace name/ },
  { call: 'netns.add', args: ['a\0b'], error: T, message: /netns\.add/, note: 'NUL in a namespace name' },
  { call: 'netns.add', args: ['..'], error: T, message: /netns\.add/ },
  { call: 'netns.add', args: [42], error: T, message: /netns\.add: the namespace name must be a string/ },
  { call: 'netns.add', args: ['x'.repeat(256)], error: R, message: /netns\.add: the namespace name is longer than 255 bytes/ },
  { call: 'netns.addSync', args: [''], error: T, message: /netns\.add/ },
  { call: 'netns.del', args: ['a/b'], error: T, message: /netns\.del/ },
  { call: 'netns.exists', args: [{}], error: T, message: /netns\.exists/ },
  { call: 'netns.attach', args: ['ok-name', { pid: -3 }], error: R, message: /netns\.attach\.pid/ },
  { call: 'netns.attach', args: ['ok-name', { fd: 1, path: '/x' }], error: T, message: /netns\.attach must be a namespace name or one of/ },
  { call: 'netns.identify', args: [{ pid: 1.5 }], error: R, message: /netns\.identify\.pid/ },
  { call: 'netns.create', args: [{ nmae: 'x' }], error: T, message: /netns\.create options: unknown option 'nmae' \(did you mean 'name'\?\)/, note: 'a misspelt name made an anonymous namespace before' },
  { call: 'netns.create', args: [{ name: 'a/b' }], error: T, message: /netns\.create options\.name/ },
  { call: 'netns.createSync', args: [new Map()], error: T, message: /netns\.create options must be a plain object/ },
  { call: 'netns.socket', args: [null, { type: 'sctp' }], error: T, message: /netns\.socket options\.type must be one of 'tcp', 'udp'/ },
  { call: 'netns.socket', args: [null, {}], error: T, message: /netns\.socket options\.type is required/ },
  { call: 'netns.socket', args: [null, { type: 'tcp', bind: { port: 70000 } }], error: R, message: /netns\.socket options\.bind\.port/ },
  { call: 'netns.socket', args: [null, { type: 'tcp', bind: { adress: '::' } }], error: T, message: /did you mean 'address'/ },
  { call: 'netns.socket', args: [null, { type: 'udp', family: 5 }], error: T, message: /netns\.socket options\.family must be 4 or 6/ },
  { call: 'netns.listen', args: [null, { port: -1 }], error: R, message: /netns\.listen options\.port/ },
  { call: 'netns.listen', args: [null, { backlog: 1.5 }], error: R, message: /netns\.listen options\.backlog/ },
  { call: 'netns.listen', args: [null, { prot: 80 }], error: T, message: /did you mean 'port'/ },
  { call: 'netns.connect', args: [null, { port: 80 }], error: T, message: /netns\.connect options\.host is required/ },
  { call: 'netns.connect', args: [null, { host: '127.0.0.1', port: 80, signal: 'x' }], error: T, message: /netns\.connect options\.signal/ },
  { call: 'netns.connect', args: [null, { host: '127.0.0.1' }], error: T, message: /netns\.connect options\.port is required/ },
  { call: 'netns.udp', args: [null, { port: 'x' }], error: T, message: /netns\.udp options\.port/ },
  { call: 'netns.spawn', args: [null, ''], error: T, message: /netns\.spawn: command must be a non-empty string/ },
  { call: 'netns.spawn', args: [null, 'true', 'not-an-array'], error: T, message: /netns\.spawn: args must be an array of strings/ },
];

export const props: PropCase[] = [
  { call: 'openSync', base: () => [{ rcvbuf: 1 << 16, timeout: 1000 }], position: 0, schema: openOptions, path: 'open options' },
  { call: 'monitor', base: () => [{ families: ['link'], highWaterMark: 16, overflow: 'resync', rcvbuf: 1 << 16 }], position: 0, schema: monitorOptions, path: 'monitor options' },
  { call: 'batch', base: () => [() => {}, { stopOnError: true, window: 8, timeout: 1000 }], position: 1, schema: batchOptions, path: 'batch options' },
  { call: 'link.list', base: () => [{}, { timeout: 1000 }], position: 1, schema: callOptions, path: 'link.list options' },
  { call: 'sync.route.list', base: () => [{}, { timeout: 1000 }], position: 1, schema: callOptions, path: 'sync.route.list options' },
];
