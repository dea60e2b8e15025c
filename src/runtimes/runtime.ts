/**
 * The lab runtime interface: everything the lab UI knows about running a learner's code.
 *
 * A runtime holds a file map (path -> source, paths relative to the lab root, e.g.
 * `counter.ts`, `counter.test.ts`) and runs the lab's Vitest suites on it. Two kinds exist
 * or are planned: `'browser'` (a Web Worker, see ./browser/) and `'webcontainer'`.
 *
 * Everything that crosses the boundary (requests, events, summaries) is plain JSON, so it
 * can travel through `postMessage` and be stored or compared as is.
 *
 * @example
 * const rt: LabRuntime = createBrowserRuntime();
 * await rt.reset({ 'counter.ts': src, 'counter.test.ts': tests });
 * const run = rt.run({ kind: 'test' }, (e) => { if (e.type === 'test-end') show(e); });
 * const summary = await run.done;   // run.cancel() on Ctrl+C
 * @module
 */

import type { Trace } from '../sim/trace.ts';

/** What to run. Only Vitest suites today. */
export interface RunRequest {
  kind: 'test';
  /** Only run tests whose full name ("describe > test") contains this text (`-t`). */
  filter?: string;
  /** Only these test files (lab-relative paths); default: every `*.test.ts` / `*.spec.ts`. */
  files?: string[];
  /** Seed for `sequence.seed` (shuffle order when `sequence.shuffle` is on; otherwise unused). */
  seed?: number;
  /** Values for `process.env` / `import.meta.env` inside the lab. */
  env?: Record<string, string>;
  /** Per-test timeout in ms (Vitest's `testTimeout`). Default 5000. */
  testTimeout?: number;
  /**
   * The files the learner edits (lab-relative). They may import only the lab's own files
   * (and types): an import of `vitest` or any other module from one of them is refused with
   * a message naming the file and the import. Test and support files keep their imports.
   */
  learnerFiles?: string[];
}

/** A position in a lab file (1-based line and column, like Vitest prints them). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One failure of a test (an assertion, a thrown error, a timeout...). */
export interface RunError {
  /** `"AssertionError"`, `"TypeError"`, ... */
  name: string;
  /** First line(s) of the message, without ANSI colours. */
  message: string;
  /** Vitest's "- Expected / + Received" diff, when the assertion has one (no colours). */
  diff?: string;
  /** Stack frames inside lab files only, mapped to the learner's source; innermost first. */
  frames: SourceLocation[];
  /** A few source lines around `frames[0]`, with a `>` marker, when known. */
  codeFrame?: string;
}

/** Outcome of one test. `skip` covers `.skip`, `.todo` and tests left out by `filter`. */
export type TestState = 'pass' | 'fail' | 'skip';

/** The result of one test, as a `test-end` event carries it. */
export interface TestResult {
  /** The test's own name. */
  name: string;
  /** Suite names and test name joined with `" > "`. */
  fullName: string;
  /** Lab-relative path of the test file. */
  file: string;
  state: TestState;
  durationMs: number;
  errors: RunError[];
}

/** Everything a run reports, in order. */
export type RunEvent =
  | { type: 'file-start'; file: string }
  /** `timeoutMs`: the test's own timeout (what the watchdog allows it, plus a grace period). */
  | { type: 'test-start'; file: string; fullName: string; timeoutMs: number }
  | ({ type: 'test-end' } & TestResult)
  /** An error outside any test: a syntax error, a failing import, an error in `beforeAll`. */
  | { type: 'file-error'; file: string; error: RunError }
  | { type: 'console'; stream: 'stdout' | 'stderr'; text: string; file?: string; fullName?: string }
  /**
   * A simulated run's trace, from `seededTest` (failing runs, and every run when a seed is
   * replayed) or from `npm run sim`. The workspace draws it ("Show run").
   */
  | { type: 'trace'; test: string; seed: number; failed: boolean; trace: Trace }
  /** The runtime stopped a test that never returned control (an endless loop, a memory blow-up). */
  | { type: 'hung'; file: string; fullName: string; reason: 'timeout' | 'crashed'; afterMs: number }
  | { type: 'done'; summary: RunSummary };

/** The end of a run. */
export interface RunSummary {
  /** `pass`: every test passed; `fail`: something failed; `cancelled`: `cancel()` was called. */
  state: 'pass' | 'fail' | 'cancelled';
  passed: number;
  failed: number;
  skipped: number;
  /** Every test result in file order (the same objects the `test-end` events carried). */
  tests: TestResult[];
  /** Errors outside tests, per file. */
  fileErrors: { file: string; error: RunError }[];
  durationMs: number;
}

/** A run in progress. */
export interface RunHandle {
  /** Stop now (Ctrl+C). `done` then resolves with state `'cancelled'`. */
  cancel(): void;
  /** Resolves when the run is over; never rejects (problems are reported as failures). */
  done: Promise<RunSummary>;
}

/** A place where a lab's tests run. */
export interface LabRuntime {
  readonly kind: 'browser' | 'webcontainer';
  /** Replace every file. */
  reset(files: Record<string, string>): Promise<void>;
  /** Create or change one file (e.g. on each edit in the editor). */
  update(path: string, content: string): Promise<void>;
  /** Start a run; `sink` receives every event, the last one being `done`. One run at a time. */
  run(request: RunRequest, sink: (event: RunEvent) => void): RunHandle;
  /** Stop everything and free the worker/container. */
  dispose(): void;
}
