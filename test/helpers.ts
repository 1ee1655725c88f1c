/**
 * Test scaffolding: every test file works only inside network namespaces it
 * made itself (anonymous ones, held by an fd), never in the machine's own.
 */
import { closeSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { native } from '../lib/native.js';
import { openSync, type Handle } from '../lib/index.js';

/** A fresh network namespace with a handle inside it. */
export interface TestNetns {
  fd: number;
  nl: Handle;
  /** /proc path of the namespace (for `nsenter --net=…`). */
  path: string;
  close(): Promise<void>;
}

/** Creates a throw-away namespace (only `lo`, down) and opens a handle in it. */
export function makeNetns(): TestNetns {
  const fd = native.netnsCreate();
  const nl = openSync({ netns: { fd } });
  return {
    fd,
    nl,
    path: `/proc/${process.pid}/fd/${fd}`,
    async close() {
      await nl.close();
      closeSync(fd);
    },
  };
}

/**
 * The environment for every external program a test runs (ip, nsenter, sh,
 * unshare, programs started through netns.spawn): process.env without
 * LD_PRELOAD. `npm run test:asan` (scripts/asan.sh) preloads the ASan runtime
 * into node; it must not reach programs that are not instrumented. The
 * ASAN_OPTIONS/UBSAN_OPTIONS stay: uninstrumented programs ignore them, and
 * the instrumented rtnetlink-nsexec helper reports where the run looks.
 */
export function toolEnv(): NodeJS.ProcessEnv {
  const { LD_PRELOAD: _preload, ...env } = process.env;
  return env;
}

let ipChecked: boolean | undefined;
/** True when iproute2's `ip` (with JSON output) and `nsenter` are available. */
export function haveIp(): boolean {
  if (ipChecked === undefined) {
    try {
      execFileSync('ip', ['-j', '-V'], { stdio: 'ignore', env: toolEnv() });
      execFileSync('nsenter', ['--version'], { stdio: 'ignore', env: toolEnv() });
      ipChecked = true;
    } catch {
      ipChecked = false;
    }
  }
  return ipChecked;
}

/** Runs `ip ARGS…` inside the test namespace and returns its parsed JSON. */
export function ipJson(ns: TestNetns, ...args: string[]): any {
  const out = execFileSync('nsenter', [`--net=${ns.path}`, 'ip', '-j', ...args], { encoding: 'utf8', env: toolEnv() });
  return out.trim() ? JSON.parse(out) : [];
}

/** Runs `ip ARGS…` inside the test namespace. */
export function ip(ns: TestNetns, ...args: string[]): string {
  return execFileSync('nsenter', [`--net=${ns.path}`, 'ip', ...args], { encoding: 'utf8', env: toolEnv() });
}

/**
 * Our list and `ip`'s, taken when ours did not change around ip's run: the
 * kernel adds some objects by itself a moment after a link comes up (IPv6
 * link-local addresses and routes, MLD neighbours), and a snapshot taken
 * while that happens would compare two different moments.
 */
export async function agree<T>(ours: () => Promise<T>, theirs: () => T): Promise<[T, T]> {
  for (let i = 0; ; i++) {
    const a = JSON.stringify(await ours());
    const b = theirs();
    const c = await ours();
    if (a === JSON.stringify(c) || i === 20) return [c, b];
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Drops keys whose value is undefined (for deep equality with `ip -j` objects). */
export function clean(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** Runs `fn` with a fresh namespace, closed afterwards even on failure. */
export async function withNs<T>(fn: (ns: TestNetns) => Promise<T>): Promise<T> {
  const ns = makeNetns();
  // A test that hangs says what its handle was waiting for (before vitest's own timeout).
  const dog = setTimeout(() => console.error(`withNs: still running after 45 s; the handle: ${JSON.stringify(ns.nl.conn.debugState())}`), 45_000);
  dog.unref();
  try {
    return await fn(ns);
  } finally {
    clearTimeout(dog);
    await ns.close();
  }
}

/**
 * True in the machine's initial user namespace (root as root), false in a
 * rootless run (scripts/rootless.sh: a user namespace). Some kernel checks
 * ask for capabilities in the initial one: loading eBPF programs, standalone
 * tc actions.
 */
export function inInitialUserns(): boolean {
  try {
    return /^\s*0\s+0\s+4294967295\s*$/m.test(readFileSync('/proc/self/uid_map', 'utf8'));
  } catch {
    return false;
  }
}

/** What a skipped block's title adds so the report says why: ` (skipped: REASON)`, or nothing when it runs. */
export function why(skipped: boolean, reason: string): string {
  return skipped ? ` (skipped: ${reason})` : '';
}
