/**
 * The browser {@link LabRuntime}: runs a lab's Vitest suites in a Web Worker and guards the
 * page against code that never yields, and against lab code that tries to fake its results.
 *
 * One worker per run: each run takes a fresh worker, and the page terminates it when the run
 * ends, so nothing a run does (a patched global, a replaced function of the runner) survives
 * into the next. A spare worker is started in advance (when the runtime is created, and when
 * a run ends), loads, locks itself down and compiles the lab's files, so the next run finds
 * it ready and does not wait for a worker to start.
 *
 * Honest results: each run gets a new MessageChannel and a random nonce; one port goes to the
 * worker inside the `run` message, and the page listens only on its own end, for messages
 * with that nonce, while that run is the active one. The worker's global channel carries
 * nothing but `ready`. The page keeps its own tally of the tests from the `test-end` events
 * and builds the summary from it; the worker's own summary is only the sign that the run is
 * over. See README.md ("Honest results").
 *
 * Watchdog: a synchronous endless loop blocks the worker, so Vitest's own timeout never
 * fires. The page therefore watches the run's messages: while a test runs it allows the
 * test's timeout plus `graceMs` since the last message (hooks and file loading get
 * `hookTimeoutMs` plus grace). When that passes in silence, or the worker dies (a memory
 * blow-up), the page terminates the worker, reports a `hung` event and the test as failed
 * ("this test did not finish within N ms: an infinite loop?") and ends the run. `cancel()`
 * does the same without blaming a test.
 * @module
 */
import type { LabRuntime, RunError, RunEvent, RunHandle, RunRequest, RunSummary, TestResult } from '../runtime.ts';
import type { FromRun, ToWorker } from './protocol.ts';

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

/** A worker, and whether it has said `ready` (loaded, Vitest set up, locked down). */
interface Slot {
  worker: Worker;
  ready: boolean;
}

interface ActiveRun {
  nonce: string;
  slot: Slot;
  port: MessagePort;
  request: RunRequest;
  sink: (e: RunEvent) => void;
  resolve: (s: RunSummary) => void;
  started: number;
  tests: TestResult[];
  fileErrors: { file: string; error: RunError }[];
  current: { file: string; fullName: string; timeoutMs: number } | null;
  file: string;
}

/** A random run id (128 bits, hex): nothing outside the page can guess it. */
function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const EVENT_TYPES = new Set<string>(['file-start', 'test-start', 'test-end', 'file-error', 'console', 'trace', 'done']);

/** Creates the browser runtime. A spare worker starts at once, so the first run is warmer. */
export function createBrowserRuntime(opts: BrowserRuntimeOptions = {}): LabRuntime & {
  /** Workers started so far (the spares and any started for a run); for tests and diagnostics. */
  readonly workersStarted: number;
} {
  const createWorker = opts.createWorker ?? defaultWorker;
  const graceMs = opts.graceMs ?? 1000;
  const hookTimeoutMs = opts.hookTimeoutMs ?? 10_000;
  const bootTimeoutMs = opts.bootTimeoutMs ?? 15_000;

  let files: Record<string, string> = {};
  let spare: Slot | null = null;
  let workersStarted = 0;
  let active: ActiveRun | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  function spawn(): Slot {
    workersStarted++;
    const slot: Slot = { worker: createWorker(), ready: false };
    // The worker's own channel carries `ready` and nothing else: results come on the run's port.
    slot.worker.onmessage = (e: MessageEvent<unknown>) => {
      if (slot.ready || (e.data as { type?: unknown } | null)?.type !== 'ready') return;
      slot.ready = true;
      if (active?.slot === slot) arm();
    };
    // The worker reports errors of lab code itself; an 'error' here means it failed to load or died.
    slot.worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      if (active?.slot === slot) kill('crashed', e.message || 'the worker stopped');
      else if (spare === slot) {
        // A spare that failed to load: drop it; the next run starts another and reports if that fails too.
        slot.worker.terminate();
        spare = null;
      }
    };
    return slot;
  }

  /** Starts the spare for the next run, and has it compile the current files ahead. */
  function ensureSpare(): void {
    if (disposed || spare) return;
    spare = spawn();
    if (Object.keys(files).length) spare.worker.postMessage({ type: 'prepare', files } satisfies ToWorker);
  }

  function clearWatch(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  /** (Re)arms the watchdog after every sign of life from the run. */
  function arm(): void {
    clearWatch();
    const run = active;
    if (!run) return;
    const limit = !run.slot.ready ? bootTimeoutMs : run.current ? run.current.timeoutMs + graceMs : hookTimeoutMs + graceMs;
    timer = setTimeout(() => kill('timeout', null, limit), limit);
  }

  function onRunMessage(run: ActiveRun, data: unknown): void {
    if (active !== run) return;
    const msg = data as Partial<FromRun> | null;
    if (!msg || typeof msg !== 'object' || msg.nonce !== run.nonce) return;
    const event = msg.event;
    if (!event || typeof event !== 'object' || !EVENT_TYPES.has(event.type)) return;
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
        // The worker's own counts are not used: the page's tally is the summary.
        finish(run, summaryOf(run, null));
        return;
      default:
        break;
    }
    run.sink(event);
    arm();
  }

  /** Ends the run: the worker is terminated (a worker runs once), a spare is made ready for the next run. */
  function finish(run: ActiveRun, summary: RunSummary): void {
    clearWatch();
    active = null;
    run.port.onmessage = null;
    run.port.close();
    run.slot.worker.terminate();
    ensureSpare();
    run.sink({ type: 'done', summary });
    run.resolve(summary);
  }

  /** The summary from what the page itself received: passed means a `test-end` with state `pass`, nothing else. */
  function summaryOf(run: ActiveRun, stopped: 'fail' | 'cancelled' | null): RunSummary {
    const passed = run.tests.filter((t) => t.state === 'pass').length;
    const failed = run.tests.filter((t) => t.state === 'fail').length;
    const state = stopped ?? (failed > 0 || run.fileErrors.length > 0 ? 'fail' : 'pass');
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

  /** Terminates the run's worker, blames the running test (if any), ends the run. */
  function kill(reason: 'timeout' | 'crashed' | 'cancelled', detail: string | null, afterMs = 0): void {
    const run = active;
    if (!run) return;
    clearWatch();
    run.slot.worker.terminate();
    if (reason === 'cancelled') {
      finish(run, summaryOf(run, 'cancelled'));
      return;
    }
    const elapsed = afterMs || Math.round(performance.now() - run.started);
    const cur = run.current;
    const message =
      reason === 'timeout'
        ? cur
          ? `this test did not finish within ${elapsed} ms: an infinite loop?`
          : run.slot.ready
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
    finish(run, summaryOf(run, 'fail'));
  }

  ensureSpare();

  return {
    kind: 'browser',
    get workersStarted() {
      return workersStarted;
    },
    async reset(next) {
      files = { ...next };
      // A spare started before the files were known compiles them now.
      spare?.worker.postMessage({ type: 'prepare', files } satisfies ToWorker);
    },
    async update(path, content) {
      files = { ...files, [path]: content };
    },
    run(request, sink): RunHandle {
      if (disposed) throw new Error('runtime disposed');
      if (active) throw new Error('a run is already in progress; cancel it first');
      const slot = spare ?? spawn();
      spare = null;
      const channel = new MessageChannel();
      let resolve!: (s: RunSummary) => void;
      const done = new Promise<RunSummary>((r) => (resolve = r));
      const run: ActiveRun = {
        nonce: newNonce(),
        slot,
        port: channel.port1,
        request,
        sink,
        resolve,
        started: performance.now(),
        tests: [],
        fileErrors: [],
        current: null,
        file: '',
      };
      active = run;
      channel.port1.onmessage = (e: MessageEvent<unknown>) => onRunMessage(run, e.data);
      channel.port1.onmessageerror = () => {
        if (active === run) kill('crashed', 'a message from the worker could not be read');
      };
      const msg: ToWorker = { type: 'run', nonce: run.nonce, files, request };
      slot.worker.postMessage(msg, [channel.port2]);
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
      spare?.worker.terminate();
      spare = null;
    },
  };
}
