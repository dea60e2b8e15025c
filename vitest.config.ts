import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// One stable bare specifier for labs and tests: `import { ... } from 'faultlines'`, plus its
// test helpers at 'faultlines/testing'.
const alias = [
  { find: /^faultlines\/testing$/, replacement: fileURLToPath(new URL('./src/kit/testing.ts', import.meta.url)) },
  { find: /^faultlines$/, replacement: fileURLToPath(new URL('./src/kit/index.ts', import.meta.url)) },
];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // One browser, pages opened one file at a time: a 2-core machine runs this steadily.
          fileParallelism: false,
        },
      },
    ],
  },
});
