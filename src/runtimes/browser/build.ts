/**
 * Bundles the worker (worker.ts with sucrase, Vitest's runner, fast-check and the kit)
 * into one ES module with esbuild, for tests and benchmarks. The site itself lets
 * Vite/Astro bundle worker.ts from `new URL('./worker.ts', import.meta.url)`.
 *
 * `keepNames` is required: Vitest finds its own stack frames by function name. Vitest's
 * modules go through ./hide-vitest-globals.ts (its state off `globalThis`), as in the site.
 *
 * CLI: `npx node src/runtimes/browser/build.ts [out.js] [--minify]`
 * @module
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import { hideVitestGlobalsEsbuild } from './hide-vitest-globals.ts';

export interface BuiltWorker {
  /** The worker script (format esm: load it with `new Worker(url, { type: 'module' })`). */
  code: string;
  bytes: number;
  buildMs: number;
}

const entry = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** Bundles the worker in memory. */
export async function buildWorker(opts: { minify?: boolean } = {}): Promise<BuiltWorker> {
  const t0 = performance.now();
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    keepNames: true,
    minify: opts.minify ?? true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [hideVitestGlobalsEsbuild()],
  });
  const code = result.outputFiles[0]!.text;
  return { code, bytes: Buffer.byteLength(code), buildMs: Math.round(performance.now() - t0) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'lab-worker.js';
  const built = await buildWorker({ minify: !process.argv.includes('--no-minify') });
  await writeFile(out, built.code);
  console.log(`${out}: ${(built.bytes / 1024).toFixed(0)} KB in ${built.buildMs} ms`);
}
