/**
 * The lab project as it sits in the container (the WebContainer's workdir, or a temp
 * folder in plain Node):
 *
 * ```
 * package.json              "npm test" = vitest run (for the learner's shell)
 * vitest.config.mjs         tests/**, one file at a time, the setup file below
 * .faultlines/reporter.mjs  streams RunEvents (container/reporter.ts, bundled)
 * .faultlines/setup.mjs     progress lines + traces (container/setup.ts, bundled)
 * .faultlines/realnet*.mjs  `npm run realnet` (src/cli/realnet.ts, src/realnet/, bundled)
 * node_modules/             vitest, vite, rolldown (wasm binding), fast-check, faultlines (the kit, bundled)
 * <the lab's files>         lamport.ts, cluster.ts, tests/lamport.test.ts ...
 * ```
 *
 * Everything but the lab's files comes in one archive built by src/cli/webcontainer-deps.ts.
 * @module
 */
import type { RunRequest } from '../runtime.ts';
import { PROGRESS_FILE } from './protocol.ts';

/** Where the archive and its manifest are served from (below the site's base). */
export const ARCHIVE_DIR = 'webcontainer';
export const ARCHIVE_FILE = 'lab-deps.tar.gz';
export const MANIFEST_FILE = 'manifest.json';

/** What src/cli/webcontainer-deps.ts writes next to the archive. */
export interface ArchiveManifest {
  archive: string;
  bytes: number;
  unpackedBytes: number;
  files: number;
  /** name@version of every package in the archive's node_modules. */
  packages: string[];
  vitest: string;
  /** Environment every process in the container needs (NAPI_RS_FORCE_WASI...). */
  env: Record<string, string>;
}

/** Every process in the container loads rolldown's WebAssembly binding, never a native one. */
export const CONTAINER_ENV: Record<string, string> = {
  NAPI_RS_FORCE_WASI: 'error',
  // Node prints "WASI is an experimental feature" for every binding instance.
  NODE_NO_WARNINGS: '1',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

export const PACKAGE_JSON = JSON.stringify(
  {
    name: 'faultlines-lab',
    private: true,
    type: 'module',
    scripts: {
      test: 'vitest run',
      realnet: 'node .faultlines/realnet.mjs --node-script .faultlines/realnet-node.mjs --dir .faultlines/realnet-data',
    },
  },
  null,
  2,
);

/** Lab runs: test files anywhere but node_modules, one file at a time, like src/labs/vitest.lab.config.ts. */
export const VITEST_CONFIG = `// Fault Lines lab: written by the site, do not edit.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.{test,spec}.?(c|m)[jt]s?(x)'],
    exclude: ['**/node_modules/**', '.faultlines/**'],
    testTimeout: Number(process.env.FAULTLINES_TEST_TIMEOUT ?? 5000),
    fileParallelism: false,
    pool: 'forks',
    setupFiles: ['./.faultlines/setup.mjs'],
    sequence: { seed: Number(process.env.FAULTLINES_SEQUENCE_SEED ?? 1) },
  },
});
`;

/** Files the page writes on top of the archive (not lab files). */
export function projectFiles(): Record<string, string> {
  return { 'package.json': PACKAGE_JSON, 'vitest.config.mjs': VITEST_CONFIG };
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The command line and environment of one run (paths relative to the project folder). */
export function runCommand(request: RunRequest): { command: string; args: string[]; env: Record<string, string> } {
  const args = ['node_modules/vitest/vitest.mjs', 'run', '--reporter=./.faultlines/reporter.mjs', '--no-color'];
  if (request.filter) args.push('-t', escapeRegExp(request.filter));
  if (request.files?.length) args.push(...request.files);
  const env: Record<string, string> = {
    ...CONTAINER_ENV,
    FAULTLINES_EVENTS: '1',
    FAULTLINES_PROGRESS_FILE: PROGRESS_FILE,
    FAULTLINES_TEST_TIMEOUT: String(request.testTimeout ?? 5000),
    FAULTLINES_SEQUENCE_SEED: String(request.seed ?? 1),
    ...request.env,
  };
  return { command: 'node', args, env };
}
