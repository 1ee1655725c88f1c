/**
 * Lifecycle as a feature: processes that end with handles open (naturally and
 * by process.exit), worker threads that own handles and end in every way,
 * handles dropped without close() and collected. Each scenario runs in child
 * processes (test/children/*.mjs) against a fresh build of lib/ (dist-test/),
 * so that a crash is an exit status here, not a lost test run.
 */
import { execFile, execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist-test');
const child = (name: string) => join(root, 'test', 'children', name);

interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], timeout = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout, encoding: 'utf8', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

/** Runs `count` children, `parallel` at a time. */
async function many(count: number, parallel: number, args: () => string[]): Promise<Run[]> {
  const out: Run[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        next++;
        out.push(await run(args()));
      }
    }),
  );
  return out;
}

const summary = (runs: Run[]) => {
  const bad = runs.filter((r) => r.code !== 0);
  return { ok: runs.length - bad.length, bad: bad.slice(0, 3).map((r) => ({ code: r.code, signal: r.signal, stderr: r.stderr.slice(-2000) })) };
};

beforeAll(() => {
  // The children run plain JavaScript: a build of lib/ as it is now.
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', dist], { stdio: 'inherit' });
}, 120_000);

describe('process exit with handles open', () => {
  for (const n of [0, 1, 5, 50]) {
    it(`natural exit with ${n} open handles (requests in flight, paused monitors): exit code 0 in 100 of 100 runs`, { timeout: 300_000 }, async () => {
      const runs = await many(100, 4, () => [child('exit.mjs'), dist, String(n), 'natural']);
      const s = summary(runs);
      console.log(`natural exit, ${n} handles: ${s.ok}/100 exit 0`);
      expect(s).toEqual({ ok: 100, bad: [] });
    });
  }
  it('process.exit(0) with 5 and 50 handles and work in flight: exit code 0 in 50 of 50 runs each', { timeout: 300_000 }, async () => {
    for (const n of [5, 50]) {
      const runs = await many(50, 4, () => [child('exit.mjs'), dist, String(n), 'exit']);
      const s = summary(runs);
      console.log(`process.exit, ${n} handles: ${s.ok}/50 exit 0`);
      expect(s).toEqual({ ok: 50, bad: [] });
    }
  });
});

describe('worker threads', () => {
  it('100 workers with handles, ended by return, throw, process.exit, terminate() mid-request and close: the process survives; threads and fds return to baseline', { timeout: 300_000 }, async () => {
    const r = await run([child('workers.mjs'), dist, '100'], 240_000);
    expect({ code: r.code, signal: r.signal, stderr: r.code === 0 ? '' : r.stderr.slice(-3000) }).toEqual({ code: 0, signal: null, stderr: '' });
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!);
    console.log(`workers: ${JSON.stringify(res)}`);
    expect(res.ends).toEqual({ return: 20, throw: 20, exit: 20, terminate: 20, close: 20 });
    expect(res.after.threads).toBe(res.base.threads);
    expect(res.after.fds).toBe(res.base.fds);
    expect(res.links).toBeGreaterThan(1); // the workers' requests reached the kernel
  });
});

describe('dropped handles', () => {
  it('200 handles dropped without close(), then gc(): fds back to baseline; requests in flight when dropped still settle', { timeout: 120_000 }, async () => {
    const r = await run(['--expose-gc', child('gc.mjs'), dist, '200']);
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr.slice(-3000) }).toEqual({ code: 0, stderr: '' });
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!);
    console.log(`dropped handles: ${JSON.stringify(res)}`);
    expect(res.peak).toBeGreaterThan(res.base.fds + 200);
    expect(res.after.fds).toBe(res.base.fds);
    expect(res.after.threads).toBe(res.base.threads);
    expect(res.settled).toBe(res.inflight);
  });
});
