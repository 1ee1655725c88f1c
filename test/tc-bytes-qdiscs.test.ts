/**
 * Golden bytes of the qdisc kinds: for each case, the request this
 * machine's `tc` (iproute2 6.1) sends and the one the library sends for the
 * same call must be equal (seq and pid masked). This kernel lacks most of
 * these kinds; both sides send their request before it refuses them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Handle } from '../lib/index.js';
import { captureLib, goldenCases, type TcCase } from './golden.js';
import { toolEnv, withNs } from './helpers.js';

/** `tc qdisc add dev v0 root handle 1: KIND ARGS…` against `qdisc.add({ dev: 'v0', handle: '1:', kind, options })`. */
function root(name: string, kind: string, args: string[], options?: Record<string, unknown>, op: 'add' | 'change' | 'replace' = 'add', setup?: string[][]): TcCase {
  return {
    name,
    setup,
    tc: ['qdisc', op, 'dev', 'v0', 'root', 'handle', '1:', kind, ...args],
    lib: (nl: Handle) => nl.tc.qdisc[op]({ dev: 'v0', parent: 'root', handle: '1:', kind, options }),
  };
}

/** tc's experimental.dist (a table tc ships but the library does not name): the values of a custom table. */
const EXPERIMENTAL = '/usr/lib/x86_64-linux-gnu/tc/experimental.dist';
const experimental = existsSync(EXPERIMENTAL)
  ? readFileSync(EXPERIMENTAL, 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .join(' ')
      .trim()
      .split(/\s+/)
      .map((v) => Number.parseInt(v, 10))
  : undefined;

goldenCases('tc bytes: netem custom tables (tc reads experimental.dist)', experimental ? [
  root('netem custom delay table', 'netem', ['delay', '40ms', '10ms', 'distribution', 'experimental'], { delay: '40ms', jitter: '10ms', distribution: experimental }),
  root('netem custom slot table', 'netem', ['slot', 'distribution', 'experimental', '2ms', '1ms', 'packets', '8', 'bytes', '3000'], { slot: { distribution: experimental, delay: '2ms', jitter: '1ms', packets: 8, bytes: 3000 } }),
] : []);

goldenCases('tc bytes: netem', [
  root('netem limit as a size word', 'netem', ['limit', '1k', 'delay', '3ms'], { limit: '1k', delay: '3ms' }),
  root('netem rate in bytes per second', 'netem', ['rate', '100kbps'], { rate: '100kbps' }),
  root('netem (defaults)', 'netem', [], undefined),
  root('netem delay', 'netem', ['delay', '50ms'], { delay: '50ms' }),
  root('netem delay jitter correlation', 'netem', ['delay', '20ms', '5ms', '10%'], { delay: 20000, jitter: '5ms', delayCorrelation: '10%' }),
  root('netem delay jitter distribution normal', 'netem', ['delay', '100ms', '20ms', '25%', 'distribution', 'normal'], { delay: '100ms', jitter: '20ms', delayCorrelation: 25, distribution: 'normal' }),
  root('netem distribution pareto', 'netem', ['delay', '100ms', '20ms', 'distribution', 'pareto'], { delay: '100ms', jitter: '20ms', distribution: 'pareto' }),
  root('netem distribution paretonormal', 'netem', ['delay', '10ms', '3ms', 'distribution', 'paretonormal'], { delay: '10ms', jitter: '3ms', distribution: 'paretonormal' }),
  root('netem distribution uniform (= no table)', 'netem', ['delay', '10ms', '3ms'], { delay: '10ms', jitter: '3ms', distribution: 'uniform' }),
  root('netem odd times (ticks truncate)', 'netem', ['delay', '1.5ms', '7us'], { delay: 1500, jitter: '7us' }),
  root('netem delay 1s limit', 'netem', ['delay', '1s', 'limit', '5000'], { delay: '1s', limit: 5000 }),
  root('netem loss (random, old syntax)', 'netem', ['loss', '1%'], { loss: 1 }),
  root('netem loss random correlation', 'netem', ['loss', 'random', '0.3%', '25%'], { loss: { random: '0.3%', correlation: 25 } }),
  root('netem loss 30% (rint ties to even)', 'netem', ['loss', '30%'], { loss: 30 }),
  root('netem loss state p13', 'netem', ['loss', 'state', '1%'], { loss: { state: { p13: 1 } } }),
  root('netem loss state all five', 'netem', ['loss', 'state', '1%', '30%', '2%', '80%', '5%'], { loss: { state: { p13: 1, p31: 30, p32: '2%', p23: 80, p14: 5 } } }),
  root('netem loss gemodel p', 'netem', ['loss', 'gemodel', '1%'], { loss: { gemodel: { p: 1 } } }),
  root('netem loss gemodel p r 1-h 1-k', 'netem', ['loss', 'gemodel', '1%', '10%', '70%', '0.1%'], { loss: { gemodel: { p: 1, r: 10, h: 70, k: 0.1 } } }),
  root('netem loss ecn', 'netem', ['loss', '5%', 'ecn'], { loss: 5, ecn: true }),
  root('netem gemodel ecn', 'netem', ['loss', 'gemodel', '2%', '20%', 'ecn'], { loss: { gemodel: { p: 2, r: 20 } }, ecn: true }),
  root('netem duplicate', 'netem', ['duplicate', '1%'], { duplicate: 1 }),
  root('netem duplicate correlation (with a delay correlation)', 'netem', ['delay', '10ms', '1ms', '5%', 'duplicate', '1%', '20%'], { delay: '10ms', jitter: '1ms', delayCorrelation: 5, duplicate: 1, duplicateCorrelation: 20 }),
  root('netem corrupt', 'netem', ['corrupt', '0.1%'], { corrupt: 0.1 }),
  root('netem corrupt correlation', 'netem', ['corrupt', '0.1%', '25%'], { corrupt: '0.1%', corruptCorrelation: '25%' }),
  root('netem reorder (gap 1 by default)', 'netem', ['delay', '10ms', 'reorder', '25%'], { delay: '10ms', reorder: 25 }),
  root('netem reorder correlation gap', 'netem', ['delay', '10ms', 'reorder', '25%', '50%', 'gap', '5'], { delay: '10ms', reorder: 25, reorderCorrelation: 50, gap: 5 }),
  root('netem rate', 'netem', ['rate', '10mbit'], { rate: '10mbit' }),
  root('netem rate overheads', 'netem', ['rate', '100kbit', '20', '100', '-5'], { rate: 100e3, packetOverhead: 20, cellSize: 100, cellOverhead: -5 }),
  root('netem rate negative packet overhead', 'netem', ['rate', '1mbit', '-14'], { rate: '1mbit', packetOverhead: -14 }),
  root('netem rate above 32 bits (rate64)', 'netem', ['rate', '40gbit'], { rate: '40gbit' }),
  root('netem slot min max packets bytes', 'netem', ['slot', '800us', '1ms', 'packets', '32', 'bytes', '64k'], { slot: { min: '800us', max: 1000, packets: 32, bytes: '64k' } }),
  root('netem slot min only', 'netem', ['slot', '2ms'], { slot: { min: '2ms' } }),
  root('netem slot distribution', 'netem', ['slot', 'distribution', 'normal', '1ms', '500us', 'packets', '5'], { slot: { distribution: 'normal', delay: '1ms', jitter: '500us', packets: 5 } }),
  root('netem slot distribution pareto bytes', 'netem', ['slot', 'distribution', 'pareto', '3ms', '1ms', 'bytes', '1500'], { slot: { distribution: 'pareto', delay: 3000, jitter: 1000, bytes: 1500 } }),
  root(
    'netem everything at once',
    'netem',
    ['limit', '2000', 'delay', '30ms', '4ms', '20%', 'distribution', 'normal', 'loss', 'random', '2%', '10%', 'ecn', 'duplicate', '0.5%', 'corrupt', '0.2%', '5%', 'reorder', '10%', '20%', 'gap', '3', 'rate', '5mbit', '8', 'slot', '1ms', '2ms'],
    { limit: 2000, delay: '30ms', jitter: '4ms', delayCorrelation: 20, distribution: 'normal', loss: { random: 2, correlation: 10 }, ecn: true, duplicate: 0.5, corrupt: 0.2, corruptCorrelation: 5, reorder: 10, reorderCorrelation: 20, gap: 3, rate: '5mbit', packetOverhead: 8, slot: { min: '1ms', max: '2ms' } },
  ),
  root('netem replace', 'netem', ['delay', '5ms'], { delay: '5ms' }, 'replace'),
  root('netem change', 'netem', ['delay', '7ms', 'loss', '3%'], { delay: '7ms', loss: 3 }, 'change'),
]);

goldenCases('tc bytes: tbf', [
  root('tbf rate burst latency', 'tbf', ['rate', '1mbit', 'burst', '32kbit', 'latency', '400ms'], { rate: '1mbit', burst: '32kbit', latency: '400ms' }),
  root('tbf rate burst limit', 'tbf', ['rate', '10mbit', 'burst', '10kb', 'limit', '30000'], { rate: 10e6, burst: 10240, limit: 30000 }),
  root('tbf peakrate mtu', 'tbf', ['rate', '5mbit', 'burst', '20kb', 'latency', '50ms', 'peakrate', '10mbit', 'mtu', '1540'], { rate: '5mbit', burst: '20kb', latency: 50000, peakrate: '10mbit', mtu: 1540 }),
  root('tbf burst cell mpu overhead atm', 'tbf', ['rate', '2mbit', 'burst', '10kb/8', 'limit', '20kb', 'mpu', '64', 'overhead', '20', 'linklayer', 'atm'], { rate: '2mbit', burst: '10kb/8', limit: '20kb', mpu: 64, overhead: 20, linklayer: 'atm' }),
  root('tbf 40gbit (rate64) peak 50gbit (prate64)', 'tbf', ['rate', '40gbit', 'burst', '1mb', 'latency', '1ms', 'peakrate', '50gbit', 'mtu', '64kb'], { rate: '40gbit', burst: '1mb', latency: '1ms', peakrate: '50gbit', mtu: '64kb' }),
  root('tbf peak cell', 'tbf', ['rate', '1mbit', 'burst', '10kb', 'limit', '10000', 'peakrate', '2mbit', 'mtu', '2kb/8'], { rate: '1mbit', burst: '10kb', limit: 10000, peakrate: '2mbit', mtu: '2kb/8' }),
  root('tbf change', 'tbf', ['rate', '3mbit', 'burst', '5kb', 'latency', '70ms'], { rate: '3mbit', burst: '5kb', latency: '70ms' }, 'change'),
]);

goldenCases('tc bytes: prio, sfq, red', [
  root('prio (defaults)', 'prio', [], undefined),
  root('prio bands priomap', 'prio', ['bands', '4', 'priomap', '3', '2', '1', '0', '3', '2', '1', '0', '3', '2', '1', '0', '3', '2', '1', '0'], { bands: 4, priomap: [3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0] }),
  root('prio 16 bands', 'prio', ['bands', '16', 'priomap', '15', '14', '13', '12', '11', '10', '9', '8', '7', '6', '5', '4', '3', '2', '1', '0'], { bands: 16, priomap: [15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0] }),
  root('prio short priomap', 'prio', ['bands', '3', 'priomap', '0', '0', '0'], { bands: 3, priomap: [0, 0, 0] }),
  root('prio multiqueue', 'prio', ['bands', '8', 'priomap', '0', '1', '2', '3', '4', '5', '6', '7', '0', '1', '2', '3', '4', '5', '6', '7', 'multiqueue'], { bands: 8, priomap: [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7], multiqueue: true }),
  root('sfq (defaults: no options)', 'sfq', [], undefined),
  root('sfq perturb quantum limit', 'sfq', ['perturb', '10', 'quantum', '1514', 'limit', '100'], { perturb: 10, quantum: 1514, limit: 100 }),
  root('sfq divisor flows depth headdrop', 'sfq', ['divisor', '2048', 'flows', '512', 'depth', '64', 'headdrop'], { divisor: 2048, flows: 512, depth: 64, headdrop: true }),
  root('sfq red', 'sfq', ['limit', '3000', 'headdrop', 'flows', '512', 'divisor', '16384', 'redflowlimit', '100000', 'min', '8000', 'max', '60000', 'probability', '0.20', 'ecn'], { limit: 3000, headdrop: true, flows: 512, divisor: 16384, redflowlimit: 100000, min: 8000, max: 60000, probability: 0.2, ecn: true }),
  root('sfq red defaults', 'sfq', ['redflowlimit', '40000', 'harddrop'], { redflowlimit: 40000, harddrop: true }),
  root('red', 'red', ['limit', '400000', 'min', '30000', 'max', '90000', 'avpkt', '1000', 'burst', '55', 'ecn', 'adaptive', 'bandwidth', '10Mbit'], { limit: 400000, min: 30000, max: 90000, avpkt: 1000, burst: 55, ecn: true, adaptive: true, bandwidth: '10mbit' }),
  root('red defaults (10mbit)', 'red', ['limit', '100kb', 'avpkt', '1500'], { limit: '100kb', avpkt: 1500 }),
  root('red min only, probability, harddrop nodrop', 'red', ['limit', '1mb', 'avpkt', '1000', 'min', '50kb', 'probability', '0.1', 'harddrop', 'nodrop', 'bandwidth', '1gbit'], { limit: '1mb', avpkt: 1000, min: '50kb', probability: 0.1, harddrop: true, nodrop: true, bandwidth: '1gbit' }),
  root('red slow link', 'red', ['limit', '60000', 'avpkt', '1000', 'bandwidth', '128kbit'], { limit: 60000, avpkt: 1000, bandwidth: 128000 }),
]);

goldenCases('tc bytes: codel, fq_codel, fq', [
  root('codel (defaults)', 'codel', [], undefined),
  root('codel all', 'codel', ['limit', '2000', 'target', '3ms', 'interval', '40ms', 'ecn', 'ce_threshold', '1ms'], { limit: 2000, target: '3ms', interval: 40000, ecn: true, ceThreshold: '1ms' }),
  root('codel noecn', 'codel', ['noecn'], { ecn: false }),
  root('fq_codel (defaults)', 'fq_codel', [], undefined),
  root('fq_codel all', 'fq_codel', ['limit', '10240', 'flows', '2048', 'quantum', '1514', 'target', '5ms', 'interval', '100ms', 'ecn', 'ce_threshold', '2ms', 'ce_threshold_selector', '0x1/0x3', 'memory_limit', '32mb', 'drop_batch', '32'], {
    limit: 10240, flows: 2048, quantum: 1514, target: '5ms', interval: '100ms', ecn: true, ceThreshold: '2ms', ceThresholdSelector: '0x1/0x3', memoryLimit: '32mb', dropBatch: 32,
  }),
  root('fq_codel noecn selector object', 'fq_codel', ['noecn', 'ce_threshold', '500us', 'ce_threshold_selector', '4/252'], { ecn: false, ceThreshold: 500, ceThresholdSelector: { value: 4, mask: 252 } }),
  root('fq (defaults)', 'fq', [], undefined),
  root('fq all', 'fq', ['limit', '10000', 'flow_limit', '100', 'quantum', '3028', 'initial_quantum', '15140', 'maxrate', '1gbit', 'buckets', '1000', 'pacing', 'refill_delay', '40ms', 'low_rate_threshold', '550kbit', 'orphan_mask', '1023', 'timer_slack', '10us', 'ce_threshold', '4ms', 'horizon', '10s', 'horizon_drop', 'defrate', '10mbit'], {
    limit: 10000, flowLimit: 100, quantum: 3028, initialQuantum: 15140, maxrate: '1gbit', buckets: 1000, pacing: true, refillDelay: '40ms', lowRateThreshold: '550kbit', orphanMask: 1023, timerSlack: '10us', ceThreshold: '4ms', horizon: '10s', horizonDrop: true, defrate: '10mbit',
  }),
  root('fq maxrate 0 (no pacing limit)', 'fq', ['maxrate', '0'], { maxrate: 0 }),
  root('fq nopacing horizon_cap buckets 1024', 'fq', ['nopacing', 'horizon_cap', 'buckets', '1024'], { pacing: false, horizonDrop: false, buckets: 1024 }),
]);

goldenCases('tc bytes: cake', [
  root('cake (defaults)', 'cake', [], undefined),
  root('cake bandwidth', 'cake', ['bandwidth', '100mbit'], { bandwidth: '100mbit' }),
  root('cake unlimited', 'cake', ['unlimited'], { unlimited: true }),
  root('cake bandwidth autorate-ingress', 'cake', ['bandwidth', '20mbit', 'autorate-ingress'], { bandwidth: 20e6, autorateIngress: true }),
  root('cake rtt diffserv flows nat wash ack-filter', 'cake', ['bandwidth', '50mbit', 'rtt', '30ms', 'diffserv8', 'dual-dsthost', 'nat', 'wash', 'ack-filter', 'split-gso', 'ingress'], {
    bandwidth: '50mbit', rtt: '30ms', diffserv: 'diffserv8', flowMode: 'dual-dsthost', nat: true, wash: true, ackFilter: true, splitGso: true, ingress: true,
  }),
  root('cake preset besteffort nonat nowash aggressive egress', 'cake', ['internet', 'besteffort', 'flowblind', 'nonat', 'nowash', 'ack-filter-aggressive', 'no-split-gso', 'egress'], {
    preset: 'internet', diffserv: 'besteffort', flowMode: 'flowblind', nat: false, wash: false, ackFilter: 'aggressive', splitGso: false, ingress: false,
  }),
  root('cake overhead mpu atm', 'cake', ['bandwidth', '8mbit', 'atm', 'overhead', '44', 'mpu', '64'], { bandwidth: '8mbit', atm: 'atm', overhead: 44, mpu: 64 }),
  root('cake negative overhead ptm', 'cake', ['ptm', 'overhead', '-4'], { atm: 'ptm', overhead: -4 }),
  root('cake raw', 'cake', ['raw'], { raw: true }),
  root('cake framing pppoe-ptm ether-vlan', 'cake', ['pppoe-ptm', 'ether-vlan'], { framing: ['pppoe-ptm', 'ether-vlan'] }),
  root('cake framing ethernet docsis conservative', 'cake', ['ethernet'], { framing: ['ethernet'] }),
  root('cake docsis', 'cake', ['docsis'], { framing: ['docsis'] }),
  root('cake memlimit fwmark no-ack-filter datacentre', 'cake', ['memlimit', '32mb', 'fwmark', '0xff', 'no-ack-filter', 'datacentre', 'diffserv3'], { memlimit: '32mb', fwmark: 0xff, ackFilter: false, preset: 'datacentre', diffserv: 'diffserv3' }),
  root('cake precedence hosts interplanetary', 'cake', ['precedence', 'hosts', 'interplanetary'], { diffserv: 'precedence', flowMode: 'hosts', preset: 'interplanetary' }),
]);

goldenCases('tc bytes: listed-only kinds', [
  { name: 'mq', tc: ['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'mq'], lib: (nl) => nl.tc.qdisc.add({ dev: 'v0', parent: 'root', handle: '1:', kind: 'mq' }) },
  { name: 'noqueue', tc: ['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'noqueue'], lib: (nl) => nl.tc.qdisc.add({ dev: 'v0', parent: 'root', handle: '1:', kind: 'noqueue' }) },
]);

describe('listed back by this kernel (the kinds it has)', () => {
  it('pfifo_fast: bands and priomap', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
      await ns.nl.tc.qdisc.add({ dev: 'v0', parent: 'root', handle: '1:', kind: 'pfifo_fast' });
      const [q] = await ns.nl.tc.qdisc.list({ dev: 'v0' });
      expect(q).toMatchObject({ kind: 'pfifo_fast', handle: '1:', parent: 'root', options: { bands: 3, priomap: [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1] } });
    });
  });
  it('noqueue (a veth default) and mq (a multiqueue link)', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
      await ns.nl.link.set('v0', { up: true });
      const listed = await ns.nl.tc.qdisc.list({ dev: 'v0' });
      expect(listed.map((q) => q.kind)).toEqual(['noqueue']);
      expect(listed[0].options ?? {}).toEqual({});
      execFileSync('nsenter', [`--net=${ns.path}`, 'ip', 'link', 'add', 'm0', 'numtxqueues', '4', 'type', 'veth', 'peer', 'name', 'm1'], { env: toolEnv() });
      await ns.nl.tc.qdisc.add({ dev: 'm0', parent: 'root', handle: '1:', kind: 'mq' });
      const mq = (await ns.nl.tc.qdisc.list({ dev: 'm0' })).find((q) => q.kind === 'mq');
      expect(mq).toMatchObject({ kind: 'mq', handle: '1:' });
      expect(mq!.options ?? {}).toEqual({});
    });
  });
  it('bad options are refused before anything is sent', async () => {
    await withNs(async (ns) => {
      await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
      for (const [options, E, msg] of [
        [{ loss: 150 }, RangeError, /^qdisc\.options\.loss\b/],
        [{ delay: -1 }, RangeError, /^qdisc\.options\.delay\b/],
        [{ dealy: '1ms' }, TypeError, /did you mean 'delay'/],
      ] as const) {
        const { messages, error } = await captureLib(ns, () => ns.nl.tc.qdisc.add({ dev: 'v0', handle: '1:', kind: 'netem', options }));
        expect(error).toBeInstanceOf(E);
        expect((error as Error).message).toMatch(msg);
        expect(messages).toEqual([]);
      }
      const { messages, error } = await captureLib(ns, () => ns.nl.tc.qdisc.add({ dev: 'v0', handle: '1:', kind: 'tbf', options: { rate: 0, burst: '10kb', latency: '1ms' } }));
      expect(error).toBeInstanceOf(RangeError);
      expect(messages).toEqual([]);
    });
  });
});
