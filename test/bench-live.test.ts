// Kernel-free checks of the pure helpers of the W7/W8 benchmark peers (scripts/bench/live-parse.js).
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .js module of the benchmark, without declarations
import { countRouteLines, ipMonitorErrors, ours, parseProducer } from '../scripts/bench/live-parse.js';

describe('bench W7/W8 helpers', () => {
  it('counts the producer\'s route lines of `ip monitor route` across split chunks', () => {
    const state = { partial: '', count: 0 };
    countRouteLines(state, '10.0.0.1 dev lo proto boot scope link \n10.0.0.2 dev l');
    expect(state.count).toBe(1);
    countRouteLines(state, 'o proto boot scope link \nDeleted 10.0.0.1 dev lo proto boot scope link \n');
    expect(state.count).toBe(2);
    // other routes and a line not yet ended do not count
    expect(countRouteLines(state, 'local 127.0.0.1 dev lo table local \n192.168.0.0/24 dev eth0 \n10.0.0.3 dev lo proto boot scope link ')).toBe(2);
    expect(countRouteLines(state, '\n')).toBe(3);
  });

  it('knows the producer\'s routes as the library yields them', () => {
    expect(ours({ family: 'inet', table: 'main', dst: '10.0.0.1' })).toBe(true);
    expect(ours({ family: 'inet', table: 254, dst: '10.1.134.160/32' })).toBe(true);
    expect(ours({ family: 'inet', table: 'local', dst: '10.0.0.1' })).toBe(false);
    expect(ours({ family: 'inet', table: 'main', dst: '10.0.0.0/8' })).toBe(false);
    expect(ours({ family: 'inet6', table: 'main', dst: '10.0.0.1' })).toBe(false);
    expect(ours({ family: 'inet', table: 'main' })).toBe(false);
  });

  it('reads the producer\'s JSON and throws its error', () => {
    expect(parseProducer('noise\n{"steps":{"add":{"n":3,"ms":1.5}},"checks":{}}\n').steps.add).toEqual({ n: 3, ms: 1.5 });
    expect(() => parseProducer('{"error":"kernel: File exists "}\n')).toThrow(/producer: kernel: File exists/);
    expect(() => parseProducer('')).toThrow(SyntaxError);
  });

  it('keeps `ip monitor`\'s real errors, not its start-up nsid line', () => {
    expect(ipMonitorErrors('Error: Peer netns reference is invalid.\nnetlink receive error No buffer space available (105)\n\n')).toEqual(['netlink receive error No buffer space available (105)']);
  });
});
