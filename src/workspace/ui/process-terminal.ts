/**
 * Connects a terminal to an interactive process with a pseudo-terminal (the WebContainer's
 * jsh): what the process prints goes to the terminal, what the learner types goes to the
 * process, and a resize follows the terminal. `detach()` undoes it and stops the process.
 */
import type { TerminalLike } from '../shell/index.ts';

export interface InteractiveProcess {
  output: ReadableStream<string>;
  input: WritableStream<string>;
  exit: Promise<number>;
  kill(): void;
  resize?(dimensions: { cols: number; rows: number }): void;
}

export interface Attached {
  /** Call after the terminal is resized. */
  resize(cols: number, rows: number): void;
  /** Stops forwarding and kills the process. */
  detach(): void;
  /** Resolves with the exit code when the process ends by itself. */
  exit: Promise<number>;
}

export function attachProcess(term: TerminalLike, proc: InteractiveProcess): Attached {
  let attached = true;
  const writer = proc.input.getWriter();
  const typing = term.onData((data) => {
    if (attached) void writer.write(data).catch(() => {});
  });
  const reader = proc.output.getReader();
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done || !attached) break;
      if (value !== undefined) term.write(value);
    }
  })();
  const detach = () => {
    if (!attached) return;
    attached = false;
    typing.dispose();
    void reader.cancel().catch(() => {});
    writer.releaseLock();
    proc.kill();
  };
  return {
    resize: (cols, rows) => proc.resize?.({ cols, rows }),
    detach,
    exit: proc.exit.then((code) => {
      if (attached) {
        attached = false;
        typing.dispose();
      }
      return code;
    }),
  };
}
