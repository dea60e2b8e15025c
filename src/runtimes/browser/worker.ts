/**
 * Web Worker entry of the browser lab runtime. A normal module: Vite/Astro bundle it from
 * `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`, and
 * build.ts bundles it with esbuild for tests and benchmarks.
 *
 * One worker, one run (protocol.ts). In order: Vitest and the engine load, the engine
 * prepares Vitest's state, the realm is locked down (lockdown.ts: no network, no code from
 * elsewhere), and only then the worker says `ready`. The `run` message brings the run's
 * private port; it is captured here, with the functions that post on it, before any lab
 * code is evaluated, and lab code is never given it.
 *
 * It evaluates lab code with `eval`: a worker served with a Content-Security-Policy needs
 * `script-src 'self' 'unsafe-eval'`.
 * @module
 */
import { plainError, precompile, prepareEngine, runLab } from './engine.ts';
import { lockDown } from './lockdown.ts';
import type { FromRun, FromWorker, ToWorker } from './protocol.ts';
import type { RunError, RunEvent } from '../runtime.ts';

const scope = globalThis as unknown as {
  postMessage(m: FromWorker): void;
  addEventListener(type: 'message', fn: (e: MessageEvent<ToWorker>) => void): void;
  addEventListener(type: 'unhandledrejection', fn: (e: PromiseRejectionEvent) => void): void;
  addEventListener(type: 'error', fn: (e: ErrorEvent) => void): void;
};

// Taken before lab code exists: lab code that replaces MessagePort.prototype.postMessage,
// Reflect.apply or the global postMessage later changes nothing here.
const apply = Reflect.apply;
const portPost = MessagePort.prototype.postMessage;
const postReady = scope.postMessage;

/** The run in progress, and errors that escaped every test (they fail the run). */
let current: { files: Record<string, string>; emit: (e: RunEvent) => void; stray: RunError[] } | null = null;
let used = false;

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

// Vitest's state, then the lockdown: both before `ready`, and before any run starts.
const prepared = prepareEngine().then(() => {
  lockDown();
});

/**
 * Compiling ahead, in the order the page asked; the run waits for it. It rejects if the
 * lockdown did not happen: then no run starts (and the page, never told `ready`, says the
 * worker did not start).
 */
let ahead: Promise<void> = prepared;

scope.addEventListener('message', (e) => {
  const msg = e.data;
  if (used || !msg) return;
  if (msg.type === 'prepare') {
    const files = msg.files;
    ahead = ahead.then(() => precompile(files).catch(() => {}));
    return;
  }
  const port = e.ports[0];
  // One run per worker; the page sends exactly one.
  if (msg.type !== 'run' || !port) return;
  used = true;
  const { nonce, files, request } = msg;
  const emit = (event: RunEvent): void => {
    const out: FromRun = { nonce, event };
    try {
      apply(portPost, port, [out]);
    } catch (err) {
      // An event that cannot be cloned: say so rather than lose it silently.
      const error: RunError = { name: 'DataCloneError', message: `the test worker could not send a ${event.type} event: ${String(err)}`, frames: [] };
      apply(portPost, port, [{ nonce, event: { type: 'file-error', file: '', error } } satisfies FromRun]);
    }
  };
  void ahead.then(async () => {
    const run = { files, emit, stray: [] as RunError[] };
    current = run;
    try {
      const summary = await runLab(files, request, emit);
      if (run.stray.length) {
        summary.fileErrors.push(...run.stray.map((error) => ({ file: '', error })));
        summary.state = 'fail';
      }
      emit({ type: 'done', summary });
    } catch (err) {
      const error = plainError(err, files);
      emit({ type: 'file-error', file: '', error });
      emit({ type: 'done', summary: { state: 'fail', passed: 0, failed: 0, skipped: 0, tests: [], fileErrors: [{ file: '', error }], durationMs: 0 } });
    } finally {
      current = null;
    }
  });
});

void prepared.then(() => apply(postReady, scope, [{ type: 'ready' } satisfies FromWorker]));
