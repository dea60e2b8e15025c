/**
 * Setup file of lab runs in the container (bundled to `.faultlines/setup.mjs`):
 * - appends a progress line, synchronously, to $FAULTLINES_PROGRESS_FILE when each test
 *   starts and when it has finished (with its state), so the page can tell which test never
 *   returned and what the tests before it did, even when the process must be killed (the
 *   watchdog; see ../protocol.ts). A file, not stdout: the test process and Vitest's main
 *   process share one output stream, and long lines from two writers interleave;
 * - keeps the kit's traces (failing seeded tests, `showRun`) in the test's `meta`, from
 *   where the reporter sends them to the page as `trace` events (like the browser runtime),
 *   instead of writing trace files.
 * Silent unless FAULTLINES_EVENTS=1 (a learner's own `npm test` in the shell prints nothing extra).
 * @module
 */
import { appendFileSync } from 'node:fs';
import { beforeEach, expect } from 'vitest';
import { setTraceSink } from 'faultlines/testing';
import type { RunEvent } from '../../runtime.ts';
import { TRACES_META, type ProgressLine } from '../protocol.ts';

const ANSI = /\x1b\[[0-9;]*m/g;
/** One append per line (synchronous: it is on disk before the test body runs). */
function writeLine(text: string): void {
  const file = process.env.FAULTLINES_PROGRESS_FILE;
  if (file) appendFileSync(file, text + '\n');
}

interface TaskLike {
  readonly timeout?: number;
  readonly meta: object;
  readonly result?: { readonly state?: string; readonly duration?: number; readonly errors?: readonly { name?: string; message?: string }[] };
}

function progress(event: ProgressLine['event'], task: TaskLike): void {
  const state = expect.getState() as { currentTestName?: string; testPath?: string };
  const path = state.testPath ?? '';
  const cwd = process.cwd() + '/';
  const line: ProgressLine = {
    event,
    name: state.currentTestName ?? '(unknown test)',
    file: path.startsWith(cwd) ? path.slice(cwd.length) : path,
    timeoutMs: task.timeout ?? (Number(process.env.FAULTLINES_TEST_TIMEOUT) || 5000),
  };
  if (event === 'end') {
    const s = task.result?.state;
    line.state = s === 'pass' ? 'pass' : s === 'fail' ? 'fail' : 'skip';
    line.durationMs = Math.round((task.result?.duration ?? 0) * 100) / 100;
    line.errors = (task.result?.errors ?? []).map((e) => ({ name: e.name ?? 'Error', message: String(e.message ?? '').replace(ANSI, '').slice(0, 2000) }));
  }
  writeLine(JSON.stringify(line));
}

let current: TaskLike | undefined;

if (process.env.FAULTLINES_EVENTS === '1') {
  beforeEach((ctx) => {
    current = ctx.task;
    progress('start', ctx.task);
    ctx.onTestFinished(() => {
      progress('end', ctx.task);
      current = undefined;
    });
  });
  setTraceSink(({ test, seed, trace, failed }) => {
    if (!current) return undefined;
    const event: Extract<RunEvent, { type: 'trace' }> = { type: 'trace', test, seed, failed, trace: JSON.parse(JSON.stringify(trace)) as typeof trace };
    const meta = current.meta as Record<string, unknown>;
    const list = (meta[TRACES_META] ??= []) as unknown[];
    list.push(event);
    return undefined;
  });
}
