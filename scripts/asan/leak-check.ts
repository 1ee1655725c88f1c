/**
 * vitest setup file of `npm run test:asan` only (scripts/asan/vitest.config.ts):
 * after each test file, once its own afterAll hooks have closed what it opened,
 * collects garbage, lets node-api run the finalizers it defers to setImmediate,
 * and asks LeakSanitizer for a leak check through the helper scripts/asan.sh
 * built (scripts/asan/lsan.c). scripts/asan/leaks.mjs then keeps the leaks the
 * addon allocated; node and V8 keep much of their own bookkeeping where
 * LeakSanitizer cannot see it, and those are not ours to report.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll } from 'vitest';

const helper = process.env.ASAN_LSAN_HELPER;
const record = process.env.ASAN_LSAN_RECORD;

// vitest reads the hook's first parameter as fixtures: it must be a destructuring pattern
afterAll(async ({}, suite) => {
  if (!helper) return;
  const { leakCheck } = createRequire(import.meta.url)(helper) as { leakCheck(): number };
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setImmediate(r));
  }
  const found = leakCheck();
  // one line per check, so scripts/asan.sh can tell that the checks ran and
  // which addon binaries this worker had loaded
  const file = suite.file?.filepath ?? (suite as { filepath?: string }).filepath ?? '?';
  const addons = new Set(readFileSync('/proc/self/maps', 'utf8').match(/\/\S+\.node$/gm) ?? []);
  if (record) appendFileSync(record, `${process.pid}\t${found}\t${file}\t${[...addons].join(',')}\n`);
});
