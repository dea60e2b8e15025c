/**
 * Test doubles for the shell: a terminal that keeps a screen the way xterm would (so tests
 * read what a learner sees, like `term.buffer.active`), and a lab host whose test runs are
 * scripted. No DOM; usable from Node unit tests and by the workspace's own tests.
 * @module
 */
import type { RunError, RunEvent, RunHandle, RunSummary, TestResult } from '../../runtimes/runtime.ts';
import { charWidth, stripAnsi } from './ansi.ts';
import type { ShellHint, ShellHost, ShellTestOptions, TerminalLike } from './types.ts';

/**
 * A terminal with a screen model: printable text with auto-wrap (and xterm's "wait at the
 * last column" rule), CR, LF (no implicit CR, like xterm's default), tabs, cursor moves
 * (CSI A/B/C/D/H), erase (CSI J/K, 2J). Colours are ignored. The screen never scrolls
 * away: row 0 is the first row ever written (or the top after a clear).
 */
export class FakeTerminal implements TerminalLike {
  cols: number;
  /** Everything written, escape sequences included. */
  raw = '';
  private grid: string[][] = [[]];
  private x = 0;
  private y = 0;
  private pendingWrap = false;
  private listeners: ((data: string) => void)[] = [];

  constructor(cols = 80) {
    this.cols = cols;
  }

  onData(cb: (data: string) => void): { dispose(): void } {
    this.listeners.push(cb);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== cb);
      },
    };
  }

  /** Sends input as if the learner typed (or pasted) it. */
  type(data: string): void {
    for (const l of [...this.listeners]) l(data);
  }

  /** Types each key separately (each string is one onData call). */
  keys(...keys: string[]): void {
    for (const k of keys) this.type(k);
  }

  get listenerCount(): number {
    return this.listeners.length;
  }

  /** The cursor: column and row. */
  get cursor(): { x: number; y: number } {
    return { x: this.x, y: this.y };
  }

  private row(y: number): string[] {
    while (this.grid.length <= y) this.grid.push([]);
    return this.grid[y]!;
  }

  write(data: string): void {
    this.raw += data;
    let i = 0;
    while (i < data.length) {
      const ch = data[i]!;
      if (ch === '\x1b') {
        const m = /^\x1b\[([0-9;?]*)([ -\/]*)([@-~])/.exec(data.slice(i));
        if (m) {
          this.csi(m[1]!, m[3]!);
          i += m[0].length;
        } else {
          i += 2;
        }
        continue;
      }
      if (ch === '\r') {
        this.x = 0;
        this.pendingWrap = false;
      } else if (ch === '\n') {
        this.y++;
        this.row(this.y);
        this.pendingWrap = false;
      } else if (ch === '\t') {
        this.x = Math.min(this.cols - 1, (Math.floor(this.x / 8) + 1) * 8);
      } else if (ch === '\x07' || ch === '\b') {
        if (ch === '\b') this.x = Math.max(0, this.x - 1);
      } else {
        const s = String.fromCodePoint(data.codePointAt(i)!);
        i += s.length - 1;
        this.put(s);
      }
      i++;
    }
  }

  private put(ch: string): void {
    const w = charWidth(ch.codePointAt(0)!);
    if (w === 0) return;
    if (this.pendingWrap || this.x + w > this.cols) {
      this.x = 0;
      this.y++;
      this.pendingWrap = false;
    }
    const r = this.row(this.y);
    while (r.length < this.x) r.push(' ');
    r[this.x] = ch;
    if (w === 2) r[this.x + 1] = '';
    this.x += w;
    if (this.x >= this.cols) {
      this.x = this.cols - 1;
      this.pendingWrap = true;
    }
  }

  private csi(params: string, final: string): void {
    const n = Math.max(1, Number(params.split(';')[0]) || 1);
    switch (final) {
      case 'A':
        this.y = Math.max(0, this.y - n);
        break;
      case 'B':
        this.y += n;
        this.row(this.y);
        break;
      case 'C':
        this.x = Math.min(this.cols - 1, this.x + n);
        break;
      case 'D':
        this.x = Math.max(0, this.x - n);
        break;
      case 'H':
        this.x = 0;
        this.y = 0;
        break;
      case 'J':
        if (params === '2' || params === '3') {
          if (params === '2') this.grid = [[]];
        } else {
          this.row(this.y).splice(this.x);
          this.grid.splice(this.y + 1);
        }
        break;
      case 'K':
        this.row(this.y).splice(this.x);
        break;
      default:
        break; // colours and modes
    }
    this.pendingWrap = false;
  }

  /** The screen's rows, without trailing spaces (unless `trim` is false). */
  lines(trim = true): string[] {
    return this.grid.map((r) => (trim ? r.join('').replace(/\s+$/, '') : Array.from(r, (ch) => ch ?? ' ').join('')));
  }

  /** The cursor's row with `|` at the cursor (trailing spaces up to the cursor kept). */
  lineWithCursor(): string {
    const l = (this.lines(false)[this.y] ?? '').padEnd(this.x);
    return `${l.slice(0, this.x)}|${l.slice(this.x)}`.replace(/\s+$/, '');
  }

  /** The whole screen as text, without trailing empty rows. */
  text(): string {
    return this.lines().join('\n').replace(/\n+$/, '');
  }

  /** The row the cursor is on. */
  currentLine(): string {
    return this.lines()[this.y] ?? '';
  }

  /** Everything written, colours removed, as plain text (no screen model). */
  plain(): string {
    return stripAnsi(this.raw);
  }

  /** Clears the screen and the raw log (between steps of a test). */
  reset(): void {
    this.raw = '';
    this.grid = [[]];
    this.x = 0;
    this.y = 0;
    this.pendingWrap = false;
  }
}

/** A test run the test controls: emit events, then finish. */
export class FakeRun implements RunHandle {
  readonly request: ShellTestOptions;
  cancelled = false;
  finished = false;
  readonly done: Promise<RunSummary>;
  private resolve!: (s: RunSummary) => void;
  private readonly sink: (e: RunEvent) => void;
  private readonly tests: TestResult[] = [];
  private readonly fileErrors: { file: string; error: RunError }[] = [];

  constructor(request: ShellTestOptions, sink: (e: RunEvent) => void) {
    this.request = request;
    this.sink = sink;
    this.done = new Promise((r) => (this.resolve = r));
  }

  /** Sends one event (test-end and file-error are also remembered for the summary). */
  emit(e: RunEvent): void {
    if (this.finished) return;
    if (e.type === 'test-end') {
      const { type: _t, ...result } = e;
      this.tests.push(result);
    }
    if (e.type === 'file-error') this.fileErrors.push({ file: e.file, error: e.error });
    this.sink(e);
  }

  /** Sends file-start, then test-start/test-end for each result. */
  emitFile(file: string, results: TestResult[]): void {
    this.emit({ type: 'file-start', file });
    for (const r of results) {
      this.emit({ type: 'test-start', file, fullName: r.fullName, timeoutMs: 5000 });
      this.emit({ type: 'test-end', ...r });
    }
  }

  /** The summary of what was emitted so far. */
  summary(state?: RunSummary['state'], durationMs = 123): RunSummary {
    return summarize(this.tests, this.fileErrors, state, durationMs);
  }

  /** Sends `done` (unless `sendDoneEvent` is false) and resolves `done`. */
  finish(opts: { state?: RunSummary['state']; durationMs?: number; sendDoneEvent?: boolean } = {}): RunSummary {
    const s = this.summary(opts.state, opts.durationMs);
    if (opts.sendDoneEvent ?? true) this.emit({ type: 'done', summary: s });
    this.finished = true;
    this.resolve(s);
    return s;
  }

  cancel(): void {
    if (this.finished) return;
    this.cancelled = true;
    this.finished = true;
    this.resolve(this.summary('cancelled'));
  }
}

/** A summary of results, like the runtime computes it. */
export function summarize(
  tests: TestResult[],
  fileErrors: { file: string; error: RunError }[] = [],
  state?: RunSummary['state'],
  durationMs = 123,
): RunSummary {
  const failed = tests.filter((t) => t.state === 'fail').length;
  return {
    state: state ?? (failed || fileErrors.length ? 'fail' : 'pass'),
    passed: tests.filter((t) => t.state === 'pass').length,
    failed,
    skipped: tests.filter((t) => t.state === 'skip').length,
    tests,
    fileErrors,
    durationMs,
  };
}

/** A test result; `fullName` defaults to `suite > name` when a suite is given. */
export function result(name: string, state: TestResult['state'], opts: { file?: string; suite?: string; durationMs?: number; errors?: RunError[] } = {}): TestResult {
  return {
    name,
    fullName: opts.suite ? `${opts.suite} > ${name}` : name,
    file: opts.file ?? 'tests/lab.test.ts',
    state,
    durationMs: opts.durationMs ?? 1,
    errors: opts.errors ?? (state === 'fail' ? [{ name: 'AssertionError', message: 'expected 1 to be 2', frames: [] }] : []),
  };
}

export interface FakeHostOptions {
  labId?: string;
  labTitle?: string;
  files?: Record<string, string>;
  editableFiles?: string[];
  hints?: string[];
  /** What `runSim` answers (default: a two-line timeline naming the seed). */
  sim?: (opts: { seed?: number }) => Promise<{ timeline: string } | { error: string }>;
  /**
   * Plays a run as soon as it starts. Without it, runs wait for the test to drive them
   * through `host.runs`.
   */
  script?: (run: FakeRun) => void;
}

/** A host with in-memory files, hints and scripted runs; it records what the shell asked. */
export interface FakeHost extends ShellHost {
  files: Record<string, string>;
  readonly runs: FakeRun[];
  readonly sims: { seed?: number }[];
  readonly finished: RunSummary[];
  hintsShown: number;
  resets: number;
  undos: number;
  /** The last run started. */
  lastRun(): FakeRun;
}

/** A fake lab (a Lamport-clocks-like file set by default). */
export function createFakeHost(o: FakeHostOptions = {}): FakeHost {
  const starter: Record<string, string> = o.files ?? {
    'lamport.ts': 'export class LamportClock {\n  tick(): number {\n    return Date.now();\n  }\n}\n',
    'cluster.ts': 'export function buildCluster() {}\n',
    'tests/lamport.test.ts': "import { test } from 'vitest';\ntest('x', () => {});\n",
  };
  const editable = o.editableFiles ?? ['lamport.ts'];
  const hints = o.hints ?? ['First hint.', 'Second hint.'];
  const host: FakeHost = {
    labId: o.labId ?? 'lamport-clocks',
    labTitle: o.labTitle ?? 'Lamport clocks',
    editableFiles: editable,
    files: { ...starter },
    runs: [],
    sims: [],
    finished: [],
    hintsShown: 0,
    resets: 0,
    undos: 0,
    listFiles() {
      return Object.keys(host.files);
    },
    readFile(path) {
      return host.files[path];
    },
    runTests(opts, onEvent) {
      const run = new FakeRun(opts, onEvent);
      host.runs.push(run);
      o.script?.(run);
      return run;
    },
    runSim(opts) {
      host.sims.push(opts);
      return o.sim ? o.sim(opts) : Promise.resolve({ timeline: `t=0 n1 start (seed ${opts.seed ?? 1})\nt=5 n1 -> n2 #1` });
    },
    nextHint(): ShellHint | null {
      if (host.hintsShown >= hints.length) return null;
      const text = hints[host.hintsShown++]!;
      return { index: host.hintsShown, total: hints.length, text };
    },
    reset() {
      const before = { ...host.files };
      if (editable.every((f) => host.files[f] === starter[f])) return null;
      for (const f of editable) if (starter[f] !== undefined) host.files[f] = starter[f];
      host.resets++;
      return {
        undo: () => {
          host.files = before;
          host.undos++;
        },
      };
    },
    onRunFinished(summary) {
      host.finished.push(summary);
    },
    lastRun() {
      const r = host.runs[host.runs.length - 1];
      if (!r) throw new Error('no run was started');
      return r;
    },
  };
  return host;
}

/** Waits until pending promise callbacks (and a macrotask) have run. */
export function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
}
