#!/usr/bin/env node
// Records the requests iproute2 sends for every row of test/golden-ip-cases.mjs
// into test/fixtures/golden-ip.json, which test/golden-ip.test.ts compares with
// the library's own encoding (kernel-free on iproute2's side).
//
//   node scripts/capture-golden.mjs            (as root, or under scripts/rootless.sh)
//   node scripts/capture-golden.mjs NAME…      only the rows whose names contain NAME
//
// Each row runs in its own throw-away network namespace (`unshare --net`, gone
// when the command ends; never the machine's own): the common setup (veth
// v0/v1 with fixed MACs, both up), the row's setup commands, then the row's
// command under `strace -f -e trace=sendmsg -e write=all`. Lookups (RTM_GETLINK
// a name → index) are left out, seq and pid zeroed. The command may fail here
// (this kernel lacks most link kinds): iproute2 sends its request first, so the
// bytes are recorded all the same, with its exit status and stderr.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOOKUPS, masked, parseTrace, straceArgs } from './strace-netlink.mjs';
import { BASE_SETUP, PEER_RUN, cases } from '../test/golden-ip-cases.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = join(root, 'test/fixtures/golden-ip.json');
const only = process.argv.slice(2);
const env = { ...process.env };
delete env.LD_PRELOAD;

const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const line = (argv) => argv.map(q).join(' ');

/** Runs one row in a fresh namespace; returns what the tool sent. */
function capture(c) {
  const dir = mkdtempSync(join(tmpdir(), 'golden-ip-'));
  const out = join(dir, 'trace');
  try {
    const setup = [...BASE_SETUP, ...(c.setup ?? [])].map((a) => (a[0] === 'bridge' ? `bridge ${line(a.slice(1))} >/dev/null` : `ip ${line(a)} >/dev/null`));
    const tool = c.tool ?? 'ip';
    const args = line(c.cmd);
    const script = [
      'set -e',
      // a second throw-away namespace (held by a sleeping process), named 'peer' under a private /run
      ...(c.peer ? ['unshare --net sleep 600 & PID=$!', 'trap "kill $PID" EXIT', 'while [ "$(readlink /proc/$PID/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do sleep 0.01; done', ...PEER_RUN('/proc/$PID/ns/net')] : []),
      ...setup,
      'set +e',
      `strace ${line(straceArgs(out))} ${tool} ${args}`,
      'echo "status=$?" >&2',
    ].join('\n');
    const r = spawnSync('unshare', ['--net', '--mount', '--', 'sh', '-c', script], { encoding: 'utf8', env });
    const m = /status=(\d+)\s*$/.exec(r.stderr);
    if (!m) throw new Error(`${c.name}: the setup failed (${r.status}): ${r.stderr.trim()}`);
    const messages = parseTrace(readFileSync(out, 'utf8')).filter((b) => !LOOKUPS.has(b.readUInt16LE(4)));
    if (messages.length === 0) {
      failed.push(`${c.name}: ${tool} ${c.cmd.join(' ')} sent no request (${r.stderr.trim().split('\n')[0]})`);
      return undefined;
    }
    return {
      cmd: [tool, ...c.cmd],
      ...(c.setup ? { setup: c.setup.map((a) => (a[0] === 'bridge' ? a : ['ip', ...a])) } : {}),
      status: Number(m[1]),
      ...(Number(m[1]) ? { stderr: r.stderr.replace(/status=\d+\s*$/, '').trim() } : {}),
      messages: messages.map((b) => masked(b).toString('hex')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const failed = [];
let old = { rows: {} };
try {
  old = JSON.parse(readFileSync(fixture, 'utf8'));
} catch {}
const rows = only.length ? { ...old.rows } : {};
for (const c of cases) {
  if (only.length && !only.some((s) => c.name.includes(s))) continue;
  const got = capture(c);
  if (got) rows[c.name] = got;
  else delete rows[c.name];
}
const doc = {
  about: 'requests iproute2 sent for the rows of test/golden-ip-cases.mjs (scripts/capture-golden.mjs); seq and pid zeroed, RTM_GETLINK lookups left out',
  iproute2: execFileSync('ip', ['-V'], { encoding: 'utf8', env }).trim(),
  bridge: execFileSync('bridge', ['-V'], { encoding: 'utf8', env }).trim(),
  kernel: release(),
  captured: new Date().toISOString(),
  rows: Object.fromEntries(cases.filter((c) => rows[c.name]).map((c) => [c.name, rows[c.name]])),
};
// one row a line: diffs of a re-capture show which rows changed
const { rows: all, ...head } = doc;
const body = Object.entries(all).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n');
writeFileSync(fixture, `${JSON.stringify(head, null, 1).slice(0, -2)},\n "rows": {\n${body}\n }\n}\n`);
console.log(`${Object.keys(doc.rows).length} rows → ${fixture} (${doc.iproute2}, kernel ${doc.kernel})`);
if (failed.length) {
  console.error(`${failed.length} rows not recorded:\n  ${failed.join('\n  ')}`);
  process.exitCode = 1;
}
