/**
 * The README's examples: each TypeScript block of README.md is a file under
 * scripts/examples/ (the block and the file are byte for byte the same), the
 * files compile as a user's code would (importing 'rtnetlink', the built
 * package), and each one runs to completion in a network namespace of its
 * own (`unshare --net`: a fresh namespace that dies with the process, so
 * nothing of the machine is touched).
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { toolEnv, why } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'scripts', 'examples');
const out = join(root, 'dist-examples');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
/** Examples the README shows by their commands, not their code (a long program with options). */
const runOnly = new Set(['lossy.ts']);

/** The README's TypeScript blocks, each with the example file its marker names. */
const blocks = [...readme.matchAll(/(?:<!-- example: (scripts\/examples\/[\w.-]+\.ts) -->\n)?```ts\n([\s\S]*?)```\n/g)].map((m) => ({ file: m[1], code: m[2] }));

let unshare = false;
try {
  execFileSync('unshare', ['--net', 'true'], { stdio: 'ignore', env: toolEnv() });
  unshare = true;
} catch {
  // no unshare(1), or no right to make a namespace
}

function run(file: string, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // The example is node loading the addon: under `npm run test:asan` it needs the ASan
    // runtime preloaded as this worker has it (unshare execs node, so it only passes it on).
    const env = process.env.LD_PRELOAD ? { ...toolEnv(), LD_PRELOAD: process.env.LD_PRELOAD } : toolEnv();
    execFile('unshare', ['--net', process.execPath, join(out, file.replace(/\.ts$/, '.js')), ...args], { timeout: 60_000, encoding: 'utf8', env }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

describe('README examples', () => {
  it('every TypeScript block of the README is an example file, identical to it', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    expect(blocks.filter((b) => !b.file).map((b) => b.code.split('\n')[0])).toEqual([]);
    for (const b of blocks) expect(b.code, b.file).toBe(readFileSync(join(root, b.file!), 'utf8'));
  });

  it('every example file is in the README', () => {
    const shown = new Set(blocks.map((b) => b.file!.slice('scripts/examples/'.length)));
    expect(files.filter((f) => !shown.has(f) && !runOnly.has(f))).toEqual([]);
    for (const f of runOnly) expect(readme).toContain(`scripts/examples/${f}`);
  });

  describe.skipIf(!unshare)('each runs in a fresh network namespace (unshare --net)' + why(!unshare, 'unshare(1) cannot make a network namespace here'), () => {
    beforeAll(() => {
      // As `npm install` does: the package's dist/, then the examples against it (dist-examples/).
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
      execFileSync(process.execPath, [tsc, '-p', dir], { stdio: 'inherit' });
    }, 180_000);

    it.each(files.filter((f) => !runOnly.has(f)))('%s', async (file) => {
      const r = await run(file);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
    });

    it('lossy.ts (netem)', async (ctx) => {
      const r = await run('lossy.ts', ['--count', '200', '--loss', '20']);
      if (r.code !== 0 && /lacks netem/.test(r.stderr + r.stdout)) ctx.skip('this kernel lacks netem (sch_netem): lossy.ts runs in the kernel VM');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/received\s+\d+/);
    });
  });
});
