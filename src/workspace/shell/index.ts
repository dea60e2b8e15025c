/**
 * The lab workspace's terminal shell. See README.md.
 * @module
 */
export { createShell, COMMANDS } from './shell.ts';
export { createTestReporter, formatDuration, seedOf } from './reporter.ts';
export type { ReporterOptions, ReporterOutput, RunDescription, TestReporter } from './reporter.ts';
export { stripAnsi, visibleWidth, wrapLine, wrapText, truncate } from './ansi.ts';
export type { Shell, ShellHint, ShellHost, ShellOptions, ShellTestOptions, TerminalLike } from './types.ts';
