/**
 * A bpf filter from a pinned program (`tc filter add … bpf object-pinned
 * PATH`): a classifier built with llc is loaded and pinned by bpftool into a
 * BPF filesystem mounted on a temporary directory for this test; the library
 * opens it for the request and closes it after, the kernel attaches it, and
 * the request's bytes equal tc's (the fd number masked: each process has its
 * own). Skipped where llc, bpftool or a BPF filesystem mount is not available.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { native } from '../lib/native.js';
import { bpfObject, captureLib, captureTool, hex } from './golden.js';
import { toolEnv, withNs, type TestNetns } from './helpers.js';

const OBJ = bpfObject();

function haveBpftool(): boolean {
  try {
    execFileSync('bpftool', ['version'], { stdio: 'ignore', env: toolEnv() });
    return true;
  } catch {
    return false;
  }
}

/** A BPF filesystem on a fresh directory (unmounted by `done`), or why there is none. */
function bpffs(): { dir: string; done(): void } | string {
  const dir = mkdtempSync(join(tmpdir(), 'bpffs-'));
  try {
    native.mount('bpf', dir, 'bpf', 0, null);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot mount a BPF filesystem here: ${(e as Error).message}`;
  }
  return {
    dir,
    done() {
      native.umount(dir, 2 /* MNT_DETACH */);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The message with the value of TCA_BPF_FD (inside TCA_OPTIONS) zeroed. */
function fdMasked(m: Buffer): Buffer {
  const b = Buffer.from(m);
  // tcmsg ends at 36; walk TCA_* to TCA_OPTIONS, then TCA_BPF_* to TCA_BPF_FD (6)
  for (let off = 36; off + 4 <= b.length; ) {
    const len = b.readUInt16LE(off);
    if (len < 4) break;
    if ((b.readUInt16LE(off + 2) & 0x3fff) === 2)
      for (let p = off + 4; p + 4 <= off + len; ) {
        const l = b.readUInt16LE(p);
        if (l < 4) break;
        if ((b.readUInt16LE(p + 2) & 0x3fff) === 6) b.writeUInt32LE(0, p + 4);
        p += (l + 3) & ~3;
      }
    off += (len + 3) & ~3;
  }
  return b;
}

async function veth(ns: TestNetns): Promise<void> {
  await ns.nl.link.add({ name: 'v0', kind: 'veth', info: { peer: { name: 'v1' } } });
  await ns.nl.tc.qdisc.add({ dev: 'v0', kind: 'clsact' });
}

const NO_TOOLS = !OBJ ? 'skipped: llc is not installed (it builds the eBPF object)' : !haveBpftool() ? 'skipped: bpftool is not installed (it loads and pins the program)' : '';
describe.skipIf(!!NO_TOOLS)(`bpf filter from a pinned program${NO_TOOLS ? ` — ${NO_TOOLS}` : ''}`, () => {
  it('is attached live, reads back with its id, and its request is tc\'s (fd masked)', async (t) => {
    const fs = bpffs();
    if (typeof fs === 'string') return t.skip(fs);
    try {
      const pin = join(fs.dir, 'cls');
      execFileSync('bpftool', ['prog', 'load', OBJ!, pin, 'type', 'classifier'], { stdio: 'pipe', env: toolEnv() });
      /** This process's fds that are BPF programs. */
      const progFds = () => readdirSync('/proc/self/fd').filter((f) => {
        try {
          return readlinkSync(`/proc/self/fd/${f}`).includes('bpf-prog');
        } catch {
          return false;
        }
      });
      const before = progFds();
      const ours = await withNs(async (ns) => {
        await veth(ns);
        const got = await captureLib(ns, () => ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', pref: 1, handle: 1, kind: 'bpf', options: { pinned: pin, directAction: true } }));
        expect(got.error).toBeUndefined();
        const [f] = (await ns.nl.tc.filter.list({ dev: 'v0', parent: 'ingress' })).filter((x) => x.kind === 'bpf');
        expect(f.options).toMatchObject({ name: 'cls:[*fsobj]', directAction: true, id: expect.any(Number), tag: expect.stringMatching(/^[0-9a-f]{16}$/) });
        return got.messages;
      });
      // the program's fd was closed once the kernel had answered
      expect(progFds()).toEqual(before);
      const theirs = await withNs(async (ns) => {
        await veth(ns);
        return captureTool(ns, 'tc', ['filter', 'add', 'dev', 'v0', 'ingress', 'pref', '1', 'handle', '1', 'bpf', 'object-pinned', pin, 'da']).messages;
      });
      expect(ours.map(fdMasked).map(hex)).toEqual(theirs.map(fdMasked).map(hex));
      // a path that is not there: the error names the field, and no filter request is sent
      await withNs(async (ns) => {
        await veth(ns);
        const got = await captureLib(ns, () => ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', pref: 2, kind: 'bpf', options: { pinned: join(fs.dir, 'nope') } }));
        expect(got.error).toMatchObject({ code: 'ENOENT', syscall: 'bpf', message: expect.stringMatching(/^filter\.options\.pinned: cannot open/) });
        expect(got.messages).toEqual([]);
      });
    } finally {
      fs.done();
    }
  });

  it('bad pinned paths are refused before anything is sent', () =>
    withNs(async (ns) => {
      await veth(ns);
      for (const pinned of ['relative/path', '', 42, '/a\0b'])
        await expect(ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', kind: 'bpf', options: { pinned } as never })).rejects.toThrow(/filter\.options\.pinned must be the absolute path/);
      await expect(ns.nl.tc.filter.add({ dev: 'v0', parent: 'ingress', kind: 'bpf', options: { pinned: '/x', fd: 3 } })).rejects.toThrow(/give one of fd, pinned/);
    }));
});
