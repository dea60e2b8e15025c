/**
 * The WebContainer {@link LabRuntime}: runs a lab's tests with the real `vitest run` in
 * Node.js inside a WebContainer (StackBlitz's in-browser Node), on a project prepared by
 * ./boot.ts (the node_modules archive mounted, the lab's files written).
 *
 * It talks to the container only through {@link Container}, the small part of
 * `@webcontainer/api` it uses; ./node-container.ts implements the same interface with
 * real Node processes, which is how this file is tested on machines that cannot reach
 * StackBlitz.
 *
 * A run is one process: `node node_modules/vitest/vitest.mjs run --reporter=./.faultlines/reporter.mjs`.
 * The reporter prints one line per {@link RunEvent} (converted by results.ts, like the
 * browser runtime and the parity harness); the setup file prints a progress line, synchronously
 * from the test process, when each test starts and ends. A watchdog on those lines kills the
 * process when a test never returns (a synchronous endless loop defeats Vitest's own
 * timeout), as the browser runtime does with its worker. `cancel()` kills the process.
 * @module
 */
import type { FileSystemTree } from '@webcontainer/api';
import type { LabRuntime, RunError, RunEvent, RunHandle, RunRequest, RunSummary, TestResult } from '../runtime.ts';
import { lineSplitter, parseLine, PROGRESS_FILE, type ProgressLine } from './protocol.ts';
import { runCommand } from './project.ts';

/** A process in the container (a subset of `WebContainerProcess`). */
export interface ContainerProcess {
  /** Everything the process (and its children) print, stdout and stderr mixed. */
  output: ReadableStream<string>;
  exit: Promise<number>;
  input: WritableStream<string>;
  kill(): void;
  resize?(dimensions: { cols: number; rows: number }): void;
}

export interface ContainerSpawnOptions {
  env?: Record<string, string | number | boolean>;
  cwd?: string;
  terminal?: { cols: number; rows: number };
}

/** The part of a booted `WebContainer` this runtime uses (paths relative to the workdir). */
export interface Container {
  mount(tree: FileSystemTree): Promise<void>;
  fs: {
    readFile(path: string, encoding: 'utf-8'): Promise<string>;
    writeFile(path: string, data: string | Uint8Array): Promise<void>;
    mkdir(path: string, options: { recursive: true }): Promise<unknown>;
    rm(path: string, options?: { force?: boolean; recursive?: boolean }): Promise<void>;
  };
  spawn(command: string, args: string[], options?: ContainerSpawnOptions): Promise<ContainerProcess>;
}

export interface WebContainerRuntimeOptions {
  /** The prepared container (see boot.ts), or a promise of it. */
  container: Container | Promise<Container>;
  /** Extra time the watchdog allows beyond a test's timeout. Default 2000 ms (processes are slower to report than a worker). */
  graceMs?: number;
  /** Allowance for hooks and between tests. Default 10000 ms. */
  hookTimeoutMs?: number;
  /** Allowance for Vitest to start and load the first file (rolldown's WebAssembly starts slowly). Default 60000 ms. */
  startTimeoutMs?: number;
  /** How often the progress file is read while a run is going. Default 250 ms. */
  pollMs?: number;
}

interface ActiveRun {
  request: RunRequest;
  sink: (e: RunEvent) => void;
  resolve: (s: RunSummary) => void;
  done: Promise<RunSummary>;
  started: number;
  tests: TestResult[];
  fileErrors: { file: string; error: RunError }[];
  current: ProgressLine | null;
  file: string;
  /** Tests the setup file saw finish but the reporter has not reported yet (key: file + name). */
  unreported: Map<string, TestResult>;
  /** The last lines that were not protocol lines (shown when the process dies). */
  text: string[];
  process: ContainerProcess | null;
  over: boolean;
}

export type WebContainerRuntime = LabRuntime & {
  /**
   * Starts the container's interactive shell (jsh) on a pseudo-terminal, for the
   * workspace's terminal: pipe `output` to xterm (`term.write`), xterm's `onData` to
   * `input.getWriter().write`, and `resize` on fit.
   */
  shell(size: { cols: number; rows: number }): Promise<ContainerProcess>;
};

const TEXT_LINES_KEPT = 40;

export function createWebContainerRuntime(opts: WebContainerRuntimeOptions): WebContainerRuntime {
  const graceMs = opts.graceMs ?? 2000;
  const hookTimeoutMs = opts.hookTimeoutMs ?? 10_000;
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  const pollMs = opts.pollMs ?? 250;
  const containerPromise = Promise.resolve(opts.container);

  let files: Record<string, string> = {};
  /** What the container holds now, to write only what changed. */
  const written = new Map<string, string>();
  let active: ActiveRun | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  async function sync(c: Container): Promise<void> {
    for (const path of [...written.keys()]) {
      if (!(path in files)) {
        await c.fs.rm(path, { force: true });
        written.delete(path);
      }
    }
    for (const [path, content] of Object.entries(files)) {
      if (written.get(path) === content) continue;
      const slash = path.lastIndexOf('/');
      if (slash > 0) await c.fs.mkdir(path.slice(0, slash), { recursive: true });
      await c.fs.writeFile(path, content);
      written.set(path, content);
    }
  }

  function clearWatch(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  function arm(run: ActiveRun, ms: number, what: () => void): void {
    clearWatch();
    if (run.over) return;
    timer = setTimeout(what, ms);
  }

  function summaryOf(run: ActiveRun, state: RunSummary['state']): RunSummary {
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

  function finish(run: ActiveRun, summary: RunSummary): void {
    if (run.over) return;
    run.over = true;
    clearWatch();
    if (active === run) active = null;
    run.sink({ type: 'done', summary });
    run.resolve(summary);
  }

  function fileError(run: ActiveRun, file: string, error: RunError): void {
    run.fileErrors.push({ file, error });
    run.sink({ type: 'file-error', file, error });
  }

  /** Kills the process; blames the running test (timeout) or reports the crash; ends the run. */
  function stop(run: ActiveRun, reason: 'timeout' | 'crashed' | 'cancelled', afterMs = 0, detail = ''): void {
    if (run.over) return;
    try {
      run.process?.kill();
    } catch {
      // already gone
    }
    if (reason === 'cancelled') return finish(run, summaryOf(run, 'cancelled'));
    const elapsed = afterMs || Math.round(performance.now() - run.started);
    const cur = run.current;
    const output = run.text.filter((l) => l.trim()).slice(-15).join('\n');
    const message =
      reason === 'timeout'
        ? cur
          ? `this test did not finish within ${elapsed} ms: an infinite loop?`
          : `${run.file || 'the lab'} did not finish loading within ${elapsed} ms: an infinite loop at the top level or in a hook?`
        : `the test process stopped before reporting results${detail ? ` (${detail})` : ''}${cur ? ' while this test ran' : ''}${output ? `:\n${output}` : ''}`;
    const error: RunError = { name: reason === 'timeout' ? 'HungTestError' : 'ProcessCrashError', message, frames: [] };
    // Tests that finished before, whose results Vitest had not passed on yet.
    for (const result of run.unreported.values()) {
      run.tests.push(result);
      run.sink({ type: 'test-end', ...result });
    }
    run.unreported.clear();
    run.sink({ type: 'hung', file: cur?.file ?? run.file, fullName: cur?.name ?? '', reason, afterMs: elapsed });
    if (cur) {
      const name = cur.name.split(' > ').pop() ?? cur.name;
      const result: TestResult = { name, fullName: cur.name, file: cur.file, state: 'fail', durationMs: elapsed, errors: [error] };
      run.tests.push(result);
      run.sink({ type: 'test-end', ...result });
    } else {
      fileError(run, run.file, error);
    }
    finish(run, summaryOf(run, 'fail'));
  }

  function onProgress(run: ActiveRun, p: ProgressLine): void {
    if (run.over) return;
    if (p.event === 'start') {
      run.current = p;
      run.file = p.file || run.file;
      const limit = p.timeoutMs + graceMs;
      arm(run, limit, () => stop(run, 'timeout', limit));
      return;
    }
    run.current = null;
    run.unreported.set(`${p.file}\n${p.name}`, {
      name: p.name.split(' > ').pop() ?? p.name,
      fullName: p.name,
      file: p.file,
      state: p.state ?? 'pass',
      durationMs: p.durationMs ?? 0,
      errors: (p.errors ?? []).map((e) => ({ ...e, frames: [] })),
    });
    const limit = hookTimeoutMs + graceMs;
    arm(run, limit, () => stop(run, 'timeout', limit));
  }

  /** Reads what the test process appended to the progress file since the last look. */
  function pollProgress(c: Container, run: ActiveRun): () => Promise<void> {
    let consumed = 0;
    let busy = false;
    return async () => {
      if (busy || run.over) return;
      busy = true;
      try {
        const text = await c.fs.readFile(PROGRESS_FILE, 'utf-8').catch(() => '');
        const end = text.lastIndexOf('\n') + 1;
        if (end > consumed) {
          for (const line of text.slice(consumed, end).split('\n')) {
            if (!line) continue;
            try {
              onProgress(run, JSON.parse(line) as ProgressLine);
            } catch {
              // a torn line: ignore
            }
          }
          consumed = end;
        }
      } finally {
        busy = false;
      }
    };
  }

  function onLine(run: ActiveRun, line: string): void {
    if (run.over) return;
    const parsed = parseLine(line);
    if (parsed.kind === 'text') {
      run.text.push(line);
      if (run.text.length > TEXT_LINES_KEPT) run.text.shift();
      return;
    }
    const event = parsed.event;
    switch (event.type) {
      case 'file-start':
        run.file = event.file;
        if (!run.current) {
          const limit = hookTimeoutMs + graceMs;
          arm(run, limit, () => stop(run, 'timeout', limit));
        }
        break;
      case 'test-end': {
        const { type: _type, ...result } = event;
        run.tests.push(result);
        run.unreported.delete(`${result.file}\n${result.fullName}`);
        break;
      }
      case 'file-error':
        run.fileErrors.push({ file: event.file, error: event.error });
        break;
      case 'done':
        // The reporter's summary is the whole truth (same conversion as the parity harness).
        run.tests = event.summary.tests;
        run.fileErrors = event.summary.fileErrors;
        finish(run, event.summary);
        try {
          run.process?.kill(); // Vitest exits by itself; do not wait for it.
        } catch {
          // gone
        }
        return;
      default:
        break;
    }
    run.sink(event);
  }

  async function start(run: ActiveRun): Promise<void> {
    try {
      const c = await containerPromise;
      if (run.over) return;
      await sync(c);
      await c.fs.rm(PROGRESS_FILE, { force: true });
      if (run.over) return;
      const { command, args, env } = runCommand(run.request);
      const proc = await c.spawn(command, args, { env });
      run.process = proc;
      if (run.over) {
        proc.kill();
        return;
      }
      arm(run, startTimeoutMs, () => stop(run, 'timeout', startTimeoutMs));
      const poll = pollProgress(c, run);
      const poller = setInterval(() => void poll(), pollMs);
      void run.done.finally(() => clearInterval(poller));
      const split = lineSplitter((line) => onLine(run, line));
      const reading = proc.output
        .pipeTo(new WritableStream<string>({ write: (chunk) => split.push(chunk) }))
        .catch(() => undefined)
        .then(() => split.flush());
      const code = await proc.exit;
      // Let the last output through before deciding the process died without a summary.
      await Promise.race([reading, new Promise((r) => setTimeout(r, 500))]);
      if (!run.over) stop(run, 'crashed', 0, `exit code ${code}`);
    } catch (e) {
      if (!run.over) stop(run, 'crashed', 0, e instanceof Error ? e.message : String(e));
    }
  }

  return {
    kind: 'webcontainer',
    async reset(next) {
      files = { ...next };
    },
    async update(path, content) {
      files = { ...files, [path]: content };
    },
    run(request, sink): RunHandle {
      if (disposed) throw new Error('runtime disposed');
      if (active) throw new Error('a run is already in progress; cancel it first');
      let resolve!: (s: RunSummary) => void;
      const done = new Promise<RunSummary>((r) => (resolve = r));
      const run: ActiveRun = {
        request,
        sink,
        resolve,
        done,
        started: performance.now(),
        tests: [],
        fileErrors: [],
        current: null,
        file: '',
        text: [],
        unreported: new Map(),
        process: null,
        over: false,
      };
      active = run;
      void start(run);
      return {
        done,
        cancel() {
          stop(run, 'cancelled');
        },
      };
    },
    async shell(size) {
      const c = await containerPromise;
      await sync(c);
      return c.spawn('jsh', [], { terminal: size, env: { ...runCommand({ kind: 'test' }).env, FAULTLINES_EVENTS: '0' } });
    },
    dispose() {
      disposed = true;
      if (active) stop(active, 'cancelled');
      clearWatch();
    },
  };
}
