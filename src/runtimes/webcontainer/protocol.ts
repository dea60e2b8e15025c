/**
 * How the processes inside the container (the reporter and the setup file, ./container/)
 * talk to the page (webcontainer-runtime.ts).
 *
 * - Events: the reporter, in Vitest's main process, prints one line per {@link RunEvent}
 *   starting with {@link EVENT_PREFIX}. A WebContainer process has one output stream (a
 *   pseudo-terminal: stdout and stderr mixed, `\r\n` line ends), so the marker separates
 *   them from anything else printed.
 * - Progress: the setup file, in the test process, appends a {@link ProgressLine} to
 *   {@link PROGRESS_FILE} synchronously when a test starts and ends. It arrives even when
 *   the test then spins forever (reporter events are batched by Vitest and would not), and
 *   it is a file because two processes writing long lines to one stream interleave them.
 *   The page polls it for its watchdog.
 * - Traces: kept in the test's `meta` under {@link TRACES_META}; the reporter emits them.
 * @module
 */
import type { RunEvent } from '../runtime.ts';

export const EVENT_PREFIX = '@@faultlines-event ';
/** Relative to the project folder; the runtime passes it as $FAULTLINES_PROGRESS_FILE. */
export const PROGRESS_FILE = '.faultlines/progress.jsonl';
export const TRACES_META = 'faultlinesTraces';

export interface ProgressLine {
  event: 'start' | 'end';
  /** `expect.getState().currentTestName`: suite names and test name joined with `" > "`. */
  name: string;
  /** Lab-relative path of the test file. */
  file: string;
  /** The test's own timeout in ms. */
  timeoutMs: number;
  /** On `end`: the outcome (kept when the run must be killed before the reporter reports it). */
  state?: 'pass' | 'fail' | 'skip';
  durationMs?: number;
  /** On `end`: failures, name and message only (no stack locations). */
  errors?: { name: string; message: string }[];
}

export type ParsedLine = { kind: 'event'; event: RunEvent } | { kind: 'text'; text: string };

/** Classifies one output line (without its line end). */
export function parseLine(line: string): ParsedLine {
  const at = line.indexOf(EVENT_PREFIX);
  if (at >= 0) {
    try {
      return { kind: 'event', event: JSON.parse(line.slice(at + EVENT_PREFIX.length)) as RunEvent };
    } catch {
      // A marker with a broken payload is shown as text.
    }
  }
  return { kind: 'text', text: line };
}

/** Splits a stream of chunks into lines (`\n` or `\r\n`); `flush()` passes on the unfinished rest. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let buffer = '';
  return {
    push(chunk) {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        onLine(buffer.slice(0, nl).replace(/\r$/, ''));
        buffer = buffer.slice(nl + 1);
      }
    },
    flush() {
      if (buffer) onLine(buffer.replace(/\r$/, ''));
      buffer = '';
    },
  };
}
