// Pure helpers of the W7/W8 peers (live-peer.js), kernel-free so a test can check them
// (test/bench-live.test.ts).

/** One of the producer's routes as the library yields it: 10.x.y.z(/32) in table main (the library writes no /32). */
export const ours = (r) => r.family === 'inet' && (r.table === 'main' || r.table === 254) && /^10\.\d+\.\d+\.\d+(\/32)?$/.test(r.dst ?? '');

/** The producer's JSON line ({ steps: { add: { n, ms } } }); throws on its error or on no JSON. */
export function parseProducer(stdout) {
  const out = JSON.parse(stdout.trim().split('\n').pop());
  if (out.error) throw new Error(`producer: ${out.error}`);
  return out;
}

/**
 * Counts the `ip monitor route` lines that are the producer's adds
 * ("10.0.0.1 dev lo proto boot scope link", not "Deleted …"), across chunks
 * that may split a line; `state` is { partial: '', count: 0 }. Returns the count.
 */
export function countRouteLines(state, chunk) {
  const lines = (state.partial + chunk).split('\n');
  state.partial = lines.pop();
  for (const l of lines) if (/^10\.\d+\.\d+\.\d+ dev lo /.test(l)) state.count++;
  return state.count;
}

/** `ip monitor`'s stderr without the line it prints at start in a namespace that has no nsids ("Peer netns reference is invalid"). */
export const ipMonitorErrors = (stderr) => stderr.split('\n').filter((l) => l.trim() && !/Peer netns reference is invalid/.test(l));
