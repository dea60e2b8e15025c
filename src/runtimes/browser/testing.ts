/**
 * Test and benchmark harness (Node only): bundles the worker and a tiny page that exposes
 * {@link createBrowserRuntime} as `window.faultlinesRuntime`, serves them on 127.0.0.1, and
 * drives the runtime from Playwright.
 *
 * @example
 * const harness = await startHarness();
 * await page.goto(harness.url);
 * const { summary, events } = await runInPage(page, files);
 * await harness.close();
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import type { RunEvent, RunRequest, RunSummary } from '../runtime.ts';
import { buildWorker } from './build.ts';

export interface Harness {
  /** The page that hosts the runtime. */
  url: string;
  workerBytes: number;
  close(): Promise<void>;
}

const runtimeEntry = fileURLToPath(new URL('./browser-runtime.ts', import.meta.url));

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>lab runtime harness</title>
<script type="module" src="/page.js"></script></head><body><main>lab runtime harness</main></body></html>`;

/** Bundles and serves the harness page and worker. */
export async function startHarness(opts: { minify?: boolean } = {}): Promise<Harness> {
  const worker = await buildWorker({ minify: opts.minify ?? true });
  const page = await build({
    stdin: {
      contents:
        `import { createBrowserRuntime } from ${JSON.stringify(runtimeEntry)};\n` +
        `window.faultlinesRuntime = (o = {}) => createBrowserRuntime({ createWorker: () => new Worker('/worker.js', { type: 'module' }), ...o });\n` +
        `window.faultlinesReady = true;\n`,
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  const assets: Record<string, [string, string]> = {
    '/': ['text/html; charset=utf-8', PAGE],
    '/page.js': ['text/javascript; charset=utf-8', page.outputFiles[0]!.text],
    '/worker.js': ['text/javascript; charset=utf-8', worker.code],
  };
  const server = createServer((req, res) => {
    const asset = assets[(req.url ?? '/').split('?')[0]!];
    if (!asset) {
      res.writeHead(404).end('not found');
      return;
    }
    // The CSP a real deployment needs for the worker: eval of lab code.
    res.writeHead(200, { 'content-type': asset[0], 'content-security-policy': "script-src 'self' 'unsafe-eval'" });
    res.end(asset[1]);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    workerBytes: worker.bytes,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/** What {@link runInPage} returns. */
export interface PageRun {
  summary: RunSummary;
  events: RunEvent[];
  /** run() to summary, measured in the page. */
  ms: number;
}

/**
 * Runs `files` in the page's runtime (`window.labRuntime`, created on first use; pass
 * `fresh: true` for a new runtime, i.e. a cold worker).
 */
export async function runInPage(page: Page, files: Record<string, string>, request: RunRequest = { kind: 'test' }, opts: { fresh?: boolean } = {}): Promise<PageRun> {
  await page.waitForFunction(() => (window as unknown as { faultlinesReady?: boolean }).faultlinesReady === true);
  return page.evaluate(
    async ({ files, request, fresh }) => {
      type Rt = { reset(f: Record<string, string>): Promise<void>; run(r: unknown, s: (e: unknown) => void): { done: Promise<unknown> }; dispose(): void };
      const w = window as unknown as { faultlinesRuntime(): Rt; labRuntime?: Rt };
      if (fresh && w.labRuntime) {
        w.labRuntime.dispose();
        w.labRuntime = undefined;
      }
      const t0 = performance.now();
      w.labRuntime ??= w.faultlinesRuntime();
      const rt = w.labRuntime;
      await rt.reset(files);
      const events: unknown[] = [];
      const summary = await rt.run(request, (e) => events.push(e)).done;
      return { summary, events, ms: performance.now() - t0 } as never;
    },
    { files, request, fresh: opts.fresh ?? false },
  );
}
