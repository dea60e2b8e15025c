/**
 * The browser {@link LabRuntime}: runs a lab's Vitest suites in a Web Worker and guards the
 * page against code that never yields.
 *
 * Watchdog: a synchronous endless loop blocks the worker, so Vitest's own timeout never
 * fires. The page therefore watches the worker's messages: while a test runs it allows the
 * test's timeout plus `graceMs` since the last message (hooks and file loading get
 * `hookTimeoutMs` plus grace). When that passes in silence, or the worker dies (a memory
 * blow-up), the page terminates the worker, reports a `hung` event and the test as failed
 * ("this test did not finish within N ms: an infinite loop?"), ends the run, and starts a
 * fresh worker for the next run. `cancel()` does the same without blaming a test.
 * @module
 */
import type { LabRuntime, RunError, RunEvent, RunHandle, RunRequest, RunSummary, TestResult } from '../runtime.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

export interface BrowserRuntimeOptions {
  /** Makes the worker. Default: the bundled ./worker.ts (Vite/Astro bundle it from this URL). */
  createWorker?: () => Worker;
  /** Extra time the watchdog allows beyond a test's timeout. Default 1000 ms. */
  graceMs?: number;
  /** Allowance for hooks and file loading (Vitest's hookTimeout). Default 10000 ms. */
  hookTimeoutMs?: number;
  /** Allowance for a fresh worker to load its script. Default 15000 ms. */
  bootTimeoutMs?: number;
}

const defaultWorker = (): Worker => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });

interface ActiveRun {
  runId: number;
  request: RunRequest;
  sink: (e: RunEvent) => void;
  resolve: (s: RunSummary) => void;
  started: number;
  tests: TestResult[];
  fileErrors: { file: string; error: RunError }[];
  current: { file: string; fullName: string; timeoutMs: number } | null;
  file: string;
}

/** Creates the browser runtime. The worker starts at once, so the first run is warmer. */
export function createBrowserRuntime(opts: BrowserRuntimeOptions = {}): LabRuntime & {
  /** Workers started so far (1 + restarts); for tests and diagnostics. */
  readonly workersStarted: number;
} {
  const createWorker = opts.createWorker ?? defaultWorker;
  const graceMs = opts.graceMs ?? 1000;
  const hookTimeoutMs = opts.hookTimeoutMs ?? 10_000;
  const bootTimeoutMs = opts.bootTimeoutMs ?? 15_000;

  let files: Record<string, string> = {};
  let worker: Worker | null = null;
  let ready = false;
  let workersStarted = 0;
  let nextRunId = 1;
  let active: ActiveRun | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  function spawn(): void {
    ready = false;
    workersStarted++;
    const w = createWorker();
    worker = w;
    w.onmessage = (e: MessageEvent<FromWorker>) => {
      if (w !== worker) return;
      onMessage(e.data);
    };
    // The worker reports errors of lab code itself; an 'error' here means it failed to load or died.
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      if (w === worker) kill('crashed', e.message || 'the worker stopped');
    };
    w.onmessageerror = () => {
      if (w === worker) kill('crashed', 'a message from the worker could not be read');
    };
  }

  function clearWatch(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  /** (Re)arms the watchdog after every sign of life from the worker. */
  function arm(): void {
    clearWatch();
    if (!active) return;
    const limit = !ready ? bootTimeoutMs : active.current ? active.current.timeoutMs + graceMs : hookTimeoutMs + graceMs;
    timer = setTimeout(() => kill('timeout', null, limit), limit);
  }

  function onMessage(msg: FromWorker): void {
    if (msg.type === 'ready') {
      ready = true;
      arm();
      return;
    }
    const run = active;
    if (!run || msg.runId !== run.runId) return;
    const event = msg.event;
    switch (event.type) {
      case 'file-start':
        run.file = event.file;
        break;
      case 'test-start':
        run.current = { file: event.file, fullName: event.fullName, timeoutMs: event.timeoutMs };
        break;
      case 'test-end': {
        run.current = null;
        const { type: _type, ...result } = event;
        run.tests.push(result);
        break;
      }
      case 'file-error':
        run.fileErrors.push({ file: event.file, error: event.error });
        break;
      case 'done':
        finish(run, event.summary);
        return;
      default:
        break;
    }
    run.sink(event);
    arm();
  }

  function finish(run: ActiveRun, summary: RunSummary): void {
    clearWatch();
    active = null;
    run.sink({ type: 'done', summary });
    run.resolve(summary);
  }

  /** Summary of a run that the page had to stop (hang, crash, cancel). */
  function partialSummary(run: ActiveRun, state: RunSummary['state']): RunSummary {
    const passed = run.tests.filter((t) => t.state === 'pass').length;
    const failed = run.tests.filter((t) => t.state === 'fail').length;
    return {
      state,
      passed,
      failed,
      skipped: run.tests.length - passed - failed,
      tests: run.tests,
      fileErrors: run.fileErrors,
      durationMs: Math.round(performance.now() - run.started),
    };
  }

  /** Terminates the worker, blames the running test (if any), ends the run, respawns. */
  function kill(reason: 'timeout' | 'crashed' | 'cancelled', detail: string | null, afterMs = 0): void {
    clearWatch();
    worker?.terminate();
    worker = null;
    const run = active;
    if (run && reason !== 'cancelled') {
      const elapsed = afterMs || Math.round(performance.now() - run.started);
      const cur = run.current;
      const message =
        reason === 'timeout'
          ? cur
            ? `this test did not finish within ${elapsed} ms: an infinite loop?`
            : ready
              ? `${run.file || 'the lab'} did not finish loading within ${elapsed} ms: an infinite loop at the top level or in a hook?`
              : `the test worker did not start within ${elapsed} ms`
          : `the test worker crashed (${detail ?? 'out of memory?'})${cur ? ' while this test ran' : ''}`;
      const error: RunError = { name: reason === 'timeout' ? 'HungTestError' : 'WorkerCrashError', message, frames: [] };
      run.sink({ type: 'hung', file: cur?.file ?? run.file, fullName: cur?.fullName ?? '', reason, afterMs: elapsed });
      if (cur) {
        const name = cur.fullName.split(' > ').pop() ?? cur.fullName;
        const result: TestResult = { name, fullName: cur.fullName, file: cur.file, state: 'fail', durationMs: elapsed, errors: [error] };
        run.tests.push(result);
        run.sink({ type: 'test-end', ...result });
      } else {
        run.fileErrors.push({ file: run.file, error });
        run.sink({ type: 'file-error', file: run.file, error });
      }
      finish(run, partialSummary(run, 'fail'));
    } else if (run) {
      finish(run, partialSummary(run, 'cancelled'));
    }
    if (!disposed) spawn();
  }

  spawn();

  return {
    kind: 'browser',
    get workersStarted() {
      return workersStarted;
    },
    async reset(next) {
      files = { ...next };
    },
    async update(path, content) {
      files = { ...files, [path]: content };
    },
    run(request, sink): RunHandle {
      if (disposed) throw new Error('runtime disposed');
      if (active) throw new Error('a run is already in progress; cancel it first');
      if (!worker) spawn();
      const runId = nextRunId++;
      let resolve!: (s: RunSummary) => void;
      const done = new Promise<RunSummary>((r) => (resolve = r));
      const run: ActiveRun = { runId, request, sink, resolve, started: performance.now(), tests: [], fileErrors: [], current: null, file: '' };
      active = run;
      const msg: ToWorker = { type: 'run', runId, files, request };
      worker!.postMessage(msg);
      arm();
      return {
        done,
        cancel() {
          if (active === run) kill('cancelled', null);
        },
      };
    },
    dispose() {
      disposed = true;
      if (active) kill('cancelled', null);
      clearWatch();
      worker?.terminate();
      worker = null;
    },
  };
}
