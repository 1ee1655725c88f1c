// The suite's own config plus, for `npm run test:asan` (scripts/asan.sh):
// - the ASan runtime preloaded into the forks workers only (the processes that
//   load the addon), not into vitest's main process, so nothing it starts
//   (esbuild) inherits it; tests start external programs with toolEnv();
// - a leak check after each test file (leak-check.ts) and a collectable heap
//   for it (--expose-gc).
import { mergeConfig } from 'vitest/config';
import base from '../../vitest.config.ts';

const preload = process.env.ASAN_WORKER_PRELOAD;

export default mergeConfig(base, {
  test: {
    env: preload ? { LD_PRELOAD: preload } : {},
    setupFiles: ['scripts/asan/leak-check.ts'],
    execArgv: ['--expose-gc'],
  },
});
