/**
 * Golden bytes: the request iproute2 sends for a command, captured with
 * strace in the test's own namespace, next to the request the library sends
 * for the same call (recorded from the handle's connection). Sequence number
 * and port id are masked; everything else must be equal byte for byte.
 *
 * iproute2 sends its request even when this kernel lacks the kind (the
 * kernel refuses it afterwards), so kinds missing here are still compared.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Handle } from '../lib/index.js';
import { toolEnv, withNs, type TestNetns } from './helpers.js';
import { LOOKUPS, masked, parseTrace, straceArgs } from '../scripts/strace-netlink.mjs';

let straceOk: boolean | undefined;
/** True when strace and tc can run here (strace needs ptrace). */
export function haveStrace(): boolean {
  if (straceOk === undefined) {
    try {
      execFileSync('strace', ['-qq', '-e', 'trace=none', 'tc', '-V'], { stdio: 'ignore', env: toolEnv() });
      straceOk = true;
    } catch {
      straceOk = false;
    }
  }
  return straceOk;
}

// The trace reader, the masking and the lookup types are shared with scripts/capture-golden.mjs.
export { masked };

/**
 * Runs `tool ARGS…` inside the namespace under strace and returns the
 * netlink messages it sent with sendmsg (lookups such as RTM_GETLINK left
 * out), seq/pid masked. The command may fail (a kind this kernel lacks):
 * its bytes are still returned, with its exit status and stderr.
 */
export function captureTool(ns: TestNetns, tool: 'tc' | 'ip' | 'bridge', args: string[]): { messages: Buffer[]; status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'golden-'));
  const out = join(dir, 'trace');
  try {
    const r = spawnSync('nsenter', [`--net=${ns.path}`, 'strace', ...straceArgs(out), tool, ...args], { encoding: 'utf8', env: toolEnv() });
    const messages: Buffer[] = parseTrace(readFileSync(out, 'utf8'));
    return { messages: messages.filter((m) => !LOOKUPS.has(m.readUInt16LE(4))).map(masked), status: r.status, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Every request `tool ARGS…` sends inside the namespace, dumps included:
 * iproute2 sends dumps with sendto, which {@link captureTool} leaves out.
 * Lookups such as RTM_GETLINK are left out here too; seq/pid masked.
 */
export function captureAll(ns: TestNetns, tool: 'tc' | 'ip' | 'bridge', args: string[]): Buffer[] {
  const dir = mkdtempSync(join(tmpdir(), 'golden-'));
  const out = join(dir, 'trace');
  try {
    spawnSync('nsenter', [`--net=${ns.path}`, 'strace', '-qq', '-f', '-e', 'trace=sendmsg,sendto', '-e', 'write=all', '-o', out, tool, ...args], { encoding: 'utf8', env: toolEnv() });
    const text = readFileSync(out, 'utf8').replace(/^(\d+\s+)?sendto\(/gm, '$1sendmsg(');
    return parseTrace(text).filter((m) => !LOOKUPS.has(m.readUInt16LE(4))).map(masked);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The requests the library sends while `fn` runs on the namespace's handle
 * (lookups left out, seq/pid masked). The call may fail in the kernel (a
 * kind this kernel lacks): the bytes are what is compared.
 */
export async function captureLib(ns: TestNetns, fn: () => Promise<unknown>): Promise<{ messages: Buffer[]; error?: unknown }> {
  const got: Buffer[] = [];
  const conn = ns.nl.conn;
  conn.tap = (m) => got.push(m);
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  } finally {
    conn.tap = undefined;
  }
  return { messages: got.filter((m) => !LOOKUPS.has(m.readUInt16LE(4))).map(masked), error };
}

/** A hex dump of a message for failure output (16 bytes a line). */
export function hex(b: Buffer): string {
  return (b.toString('hex').match(/.{1,32}/g) ?? []).map((l) => l.replace(/(..)/g, '$1 ').trim()).join('\n');
}

/** One comparison: tc's arguments, and the library's call for the same thing. */
export interface TcCase {
  name: string;
  /** The tool (default tc). */
  tool?: 'tc' | 'ip' | 'bridge';
  tc: string[];
  lib: (nl: Handle) => Promise<unknown>;
  /** Commands run first (both sides), e.g. a parent qdisc. */
  setup?: string[][];
}

/** Runs the cases of a file, each in a fresh namespace with veth pair v0/v1 up. */
export function goldenCases(title: string, cases: TcCase[]): void {
  describe.skipIf(!haveStrace())(title, () => {
    for (const c of cases)
      it(c.name, async () => {
        // two namespaces made alike, so that the links have the same indexes on both sides
        const theirs = await withNs((ns) => fresh(ns, c, () => captureTool(ns, c.tool ?? 'tc', c.tc).messages));
        const ours = await withNs((ns) => fresh(ns, c, async () => (await captureLib(ns, () => c.lib(ns.nl))).messages));
        expect(theirs.length, `tc sent no request for: tc ${c.tc.join(' ')}`).toBeGreaterThan(0);
        expect(ours.map(hex), `tc ${c.tc.join(' ')}`).toEqual(theirs.map(hex));
      });
  });
}

/** Runs `capture` in a namespace with veth v0/v1 up and the case's setup done. */
async function fresh<T>(ns: TestNetns, c: TcCase, capture: () => T | Promise<T>): Promise<T> {
  await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
  await ns.nl.link.set('v0', { up: true });
  await ns.nl.link.set('v1', { up: true });
  for (const s of c.setup ?? []) captureTool(ns, c.tool ?? 'tc', s);
  return capture();
}


/**
 * An eBPF object tc can load (a classifier that returns 0), built with llc
 * from LLVM IR (no clang here); undefined when llc is missing.
 */
export function bpfObject(): string | undefined {
  const ir = [
    'target datalayout = "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128"',
    'target triple = "bpf"',
    '@_license = dso_local global [4 x i8] c"GPL\\00", section "license", align 1',
    '@llvm.used = appending global [1 x i8*] [i8* getelementptr inbounds ([4 x i8], [4 x i8]* @_license, i32 0, i32 0)], section "llvm.metadata"',
    'define dso_local i32 @cls(i8* nocapture readnone %skb) section "classifier" {',
    '  ret i32 0',
    '}',
  ].join('\n');
  try {
    const dir = mkdtempSync(join(tmpdir(), 'bpfobj-'));
    writeFileSync(join(dir, 'prog.ll'), ir);
    execFileSync('llc', ['-march=bpf', '-filetype=obj', join(dir, 'prog.ll'), '-o', join(dir, 'prog.o')], { stdio: 'ignore' });
    return join(dir, 'prog.o');
  } catch {
    return undefined;
  }
}
