/**
 * Turning Vitest's task tree into the runtime's plain-JSON results. Shared by the browser
 * worker and the Node parity harness, so both sides are normalised by the same code.
 * Imports only types from Vitest: safe in a worker and in Node.
 * @module
 */
import type { RunnerTask, RunnerTestCase, RunnerTestFile, TestError } from 'vitest';
import type { RunError, SourceLocation, TestResult, TestState } from './runtime.ts';

const ANSI = /\x1b\[[0-9;]*m/g;

/** Removes ANSI colour codes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** A raw stack frame position, as the JavaScript engine printed it (1-based). */
export interface RawFrame {
  file: string;
  line: number;
  column: number;
}

const FRAME = /^\s*at (?:.*?\(|)(.+?):(\d+):(\d+)\)?\s*$/;

/** Parses V8 stack lines (`at fn (file:line:col)` / `at file:line:col`). Other lines are ignored. */
export function parseStack(stack: string | undefined): RawFrame[] {
  if (!stack) return [];
  const frames: RawFrame[] = [];
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line);
    if (!m) continue;
    let file = m[1]!;
    // `eval at f (x), /lab/a.ts` style and `file://` URLs.
    const comma = file.lastIndexOf(', ');
    if (comma >= 0) file = file.slice(comma + 2);
    if (file.startsWith('file://')) file = decodeURIComponent(file.slice(7));
    frames.push({ file, line: Number(m[2]), column: Number(m[3]) });
  }
  return frames;
}

/**
 * Maps a raw frame to a lab file position, or null for frames outside the lab (the runner,
 * Vitest, the kit). Supplied by each side: the worker maps through sucrase's source maps;
 * Node strips the temp directory (Vitest already source-mapped the stack).
 */
export type FrameMapper = (frame: RawFrame) => SourceLocation | null;

/** `  12 |   expect(x).toBe(2)` lines around a position, with `>` on the line itself. */
export function codeFrame(source: string, line: number, column: number, context = 2): string {
  const lines = source.split('\n');
  const from = Math.max(1, line - context);
  const to = Math.min(lines.length, line + context);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const text = (lines[n - 1] ?? '').replace(/\r$/, '');
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${text}`);
    if (n === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}

/** Converts a Vitest-processed error into a {@link RunError}. */
export function toRunError(err: TestError | undefined, map: FrameMapper, sourceOf?: (file: string) => string | undefined): RunError {
  const e = (err ?? {}) as TestError & { name?: string; message?: string; diff?: string; stack?: string };
  const frames: SourceLocation[] = [];
  for (const raw of parseStack(e.stack)) {
    const loc = map(raw);
    if (loc) frames.push(loc);
  }
  const out: RunError = {
    name: e.name ?? 'Error',
    message: stripAnsi(String(e.message ?? '')),
    frames,
  };
  if (e.diff) out.diff = stripAnsi(e.diff);
  const top = frames[0];
  const source = top && sourceOf?.(top.file);
  if (top && source !== undefined) out.codeFrame = codeFrame(source, top.line, top.column);
  return out;
}

/** Suite names and the test name, joined with `" > "` (without the file). */
export function fullNameOf(test: RunnerTestCase): string {
  if (test.fullTestName) return test.fullTestName;
  const names: string[] = [];
  let t: RunnerTask | undefined = test;
  while (t && t !== t.file) {
    names.unshift(t.name);
    t = t.suite;
  }
  return names.join(' > ');
}

function stateOf(test: RunnerTestCase): TestState {
  const s = test.result?.state;
  if (s === 'pass') return 'pass';
  if (s === 'fail') return 'fail';
  return 'skip';
}

/** The result of one finished test. `file` is the lab-relative path. */
export function testResult(test: RunnerTestCase, file: string, map: FrameMapper, sourceOf?: (file: string) => string | undefined): TestResult {
  return {
    name: test.name,
    fullName: fullNameOf(test),
    file,
    state: stateOf(test),
    durationMs: Math.round((test.result?.duration ?? 0) * 100) / 100,
    errors: (test.result?.errors ?? []).map((e) => toRunError(e, map, sourceOf)),
  };
}

/** Every test of a file task tree, in declaration order. */
export function testsOf(task: RunnerTask): RunnerTestCase[] {
  if (task.type === 'test') return [task];
  if ('tasks' in task) return task.tasks.flatMap(testsOf);
  return [];
}

/** Errors that belong to the file or a suite (collection, `beforeAll`, `afterAll`...). */
export function suiteErrorsOf(file: RunnerTestFile): TestError[] {
  const out: TestError[] = [];
  const walk = (t: RunnerTask): void => {
    if (t.type === 'test') return;
    out.push(...(t.result?.errors ?? []));
    if ('tasks' in t) t.tasks.forEach(walk);
  };
  walk(file);
  return out;
}
