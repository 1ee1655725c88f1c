/**
 * Golden bytes of the qdisc kinds: for each case, the request this
 * machine's `tc` (iproute2 6.1) sends and the one the library sends for the
 * same call must be equal (seq and pid masked). This kernel lacks most of
 * these kinds; both sides send their request before it refuses them.
 */
import type { Handle } from '../lib/index.js';
import { goldenCases, type TcCase } from './golden.js';

/** `tc qdisc add dev v0 root handle 1: KIND ARGS…` against `qdisc.add({ dev: 'v0', handle: '1:', kind, options })`. */
function root(name: string, kind: string, args: string[], options?: Record<string, unknown>, op: 'add' | 'change' | 'replace' = 'add', setup?: string[][]): TcCase {
  return {
    name,
    setup,
    tc: ['qdisc', op, 'dev', 'v0', 'root', 'handle', '1:', kind, ...args],
    lib: (nl: Handle) => nl.tc.qdisc[op]({ dev: 'v0', parent: 'root', handle: '1:', kind, options }),
  };
}

goldenCases('tc bytes: netem', [
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
