/**
 * Web Worker entry of the browser lab runtime. A normal module: Vite/Astro bundle it from
 * `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`, and
 * build.ts bundles it with esbuild for tests and benchmarks.
 *
 * It evaluates lab code with `eval`: a worker served with a Content-Security-Policy needs
 * `script-src 'self' 'unsafe-eval'`.
 * @module
 */
import { plainError, runLab } from './engine.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import type { RunError, RunEvent } from '../runtime.ts';

const scope = globalThis as unknown as {
  postMessage(m: FromWorker): void;
  addEventListener(type: 'message', fn: (e: MessageEvent<ToWorker>) => void): void;
  addEventListener(type: 'unhandledrejection', fn: (e: PromiseRejectionEvent) => void): void;
  addEventListener(type: 'error', fn: (e: ErrorEvent) => void): void;
};

let queue: Promise<void> = Promise.resolve();
/** The run in progress, and errors that escaped every test (they fail the run). */
let current: { runId: number; files: Record<string, string>; emit: (e: RunEvent) => void; stray: RunError[] } | null = null;

function stray(error: RunError): void {
  if (!current) return;
  current.stray.push(error);
  current.emit({ type: 'file-error', file: '', error });
}

scope.addEventListener('unhandledrejection', (e) => {
  // Vitest in Node reports these as "Unhandled Rejection" errors of the run.
  e.preventDefault();
  if (current) stray({ ...plainError(e.reason, current.files), name: 'Unhandled Rejection' });
});

// Errors thrown outside any test (e.g. from a learner's setTimeout callback) are reported,
// not left to reach the page: there an 'error' event means the worker itself failed.
scope.addEventListener('error', (e) => {
  e.preventDefault();
  if (current) stray({ ...plainError(e.error ?? e.message, current.files), name: 'Uncaught Error' });
});

scope.addEventListener('message', (e) => {
  const msg = e.data;
  if (msg.type !== 'run') return;
  // Runs are serialised: the page sends one at a time anyway.
  queue = queue.then(async () => {
    const emit = (event: RunEvent): void => scope.postMessage({ type: 'event', runId: msg.runId, event });
    const run = { runId: msg.runId, files: msg.files, emit, stray: [] as RunError[] };
    current = run;
    try {
      const summary = await runLab(msg.files, msg.request, emit);
      if (run.stray.length) {
        summary.fileErrors.push(...run.stray.map((error) => ({ file: '', error })));
        summary.state = 'fail';
      }
      emit({ type: 'done', summary });
    } catch (err) {
      const error = plainError(err, msg.files);
      emit({ type: 'file-error', file: '', error });
      emit({ type: 'done', summary: { state: 'fail', passed: 0, failed: 0, skipped: 0, tests: [], fileErrors: [{ file: '', error }], durationMs: 0 } });
    } finally {
      current = null;
    }
  });
});

scope.postMessage({ type: 'ready' });
