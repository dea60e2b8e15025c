/**
 * What the shell needs from the outside world: a terminal to draw in and a host (the lab
 * workspace) that owns the files and the runtime.
 * @module
 */
import type { RunEvent, RunHandle, RunSummary } from '../../runtimes/runtime.ts';

/** The part of a terminal the shell uses. xterm's `Terminal` satisfies it. */
export interface TerminalLike {
  write(data: string): void;
  readonly cols: number;
  onData(cb: (data: string) => void): { dispose(): void };
}

/** Options of one test run, as the learner typed them. */
export interface ShellTestOptions {
  /** Only tests whose full name contains this (`-t <filter>`). */
  filter?: string;
  /**
   * Only these test files (lab-relative paths), from positional arguments matched against
   * the lab's test files the way `vitest run <filter>` does. Absent: every test file.
   */
  files?: string[];
  /** Replay one seed (`--seed N`, `FAULTLINES_SEED=N`): the host sets `FAULTLINES_SEED`. */
  seed?: number;
}

/** The next hint of the lab, counted from 1. */
export interface ShellHint {
  index: number;
  total: number;
  text: string;
}

/** The lab workspace, as the shell sees it. */
export interface ShellHost {
  /** The lab id, e.g. `lamport-clocks` (shown in the prompt). */
  readonly labId: string;
  /** The lab title, e.g. `Lamport clocks` (shown in the welcome). */
  readonly labTitle: string;
  /** The files the learner edits (lab.json `files`), used in the reset question. */
  readonly editableFiles?: readonly string[];
  /** Every file of the lab (lab-relative paths, e.g. `lamport.ts`, `tests/lamport.test.ts`). */
  listFiles(): string[];
  /** The current text of a file, or undefined when there is no such file. */
  readFile(path: string): string | undefined;
  /** Starts a test run; `onEvent` gets every event, the last one being `done`. */
  runTests(opts: ShellTestOptions, onEvent: (e: RunEvent) => void): RunHandle;
  /** The text timeline of the lab's scenario for a seed (`npm run sim`). */
  runSim(opts: { seed?: number }): Promise<{ timeline: string } | { error: string }>;
  /** The next hint, or null when every hint has been shown (or the lab has none). */
  nextHint(): ShellHint | null;
  /** Puts the starter back; null when there is nothing to reset. `undo` restores what was there. */
  reset(): { undo: () => void } | null;
  /** Called after every test run (also cancelled ones), e.g. to enable "Show run" or save progress. */
  onRunFinished?(summary: RunSummary): void;
}

/** How the shell looks and remembers. */
export interface ShellOptions {
  /** ANSI colours (default true). */
  color?: boolean;
  /** Earlier history to start with, oldest first (e.g. what the workspace saved). */
  history?: readonly string[];
  /** At most this many history entries are kept (default 200). */
  historyLimit?: number;
  /** Called whenever the history changes, with the whole list (oldest first), to persist it. */
  onHistory?(history: string[]): void;
  /** Print the welcome text (default true). */
  welcome?: boolean;
  /** The label of the workspace button that shows a failing run (default `Show run`). */
  showRunLabel?: string;
  /** Extra text after "undo with reset --undo", e.g. `or use Undo in the editor`. */
  undoNote?: string;
}

/** A running shell. */
export interface Shell {
  /** Commands entered, oldest first (what `history` prints). */
  readonly history: readonly string[];
  /** True while a command runs (input other than Ctrl+C is ignored). */
  readonly busy: boolean;
  /**
   * Runs a command line as if the learner typed it (e.g. a "Run tests" button): the line
   * appears after the prompt. Resolves false, without running, when a command is already
   * running; true when it has finished.
   */
  execute(line: string): Promise<boolean>;
  /** Prints text above the prompt without losing what the learner is typing. */
  notify(text: string): void;
  /** Redraws the prompt and the line being typed (e.g. after the terminal was resized). */
  refresh(): void;
  /** Stops listening to the terminal (a running test run is cancelled). */
  dispose(): void;
}
