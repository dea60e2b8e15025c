/**
 * Vitest configuration for one assembled lab folder (a learner's workspace, a grading
 * submission, a verification run). Used with `--root <folder>`; the kit resolves from
 * this project whatever folder the lab is in.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^faultlines\/testing$/, replacement: here('../kit/testing.ts') },
      { find: /^faultlines$/, replacement: here('../kit/index.ts') },
      // Labs may use fast-check in their tests; a graded submission lives in a folder outside
      // this project, where Node's resolution would not find the project's node_modules.
      { find: /^fast-check$/, replacement: here('../../node_modules/fast-check') },
    ],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: Number(process.env.FAULTLINES_TEST_TIMEOUT ?? 10_000),
    // One file at a time in one worker: predictable on 2 cores, and a hang names one test.
    fileParallelism: false,
    pool: 'forks',
    setupFiles: [here('./progress-setup.ts')],
  },
});
