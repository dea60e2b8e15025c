/**
 * Test output that looks like `vitest run`'s default reporter, built from the runtime's
 * {@link RunEvent}s: a line per test file (with the tests of failing files), the failures
 * with their diffs, code frames and locations, and the summary block. Seeds in failure
 * messages are made prominent, with how to replay them in the page.
 *
 * While a file runs, a one-row status line (rewritten in place) shows progress; it is
 * cleared before anything else is printed.
 * @module
 */
import type { RunError, RunEvent, RunSummary, TestResult } from '../../runtimes/runtime.ts';
import { colors, glue, truncate, visibleWidth, wrapLine, type Colors } from './ansi.ts';

/** Where the reporter writes. `cols` is read on every line, so a resize is picked up. */
export interface ReporterOutput {
  write(data: string): void;
  readonly cols: number;
}

export interface ReporterOptions {
  color?: boolean;
  /** The workspace button that shows a failing run (default `Show run`). */
  showRunLabel?: string;
  /** Show the one-row progress line while files run (default true). */
  progress?: boolean;
}

/** What the run was asked to do, for the header line. */
export interface RunDescription {
  labId: string;
  seed?: number;
  filter?: string;
  files?: string[];
}

export interface TestReporter {
  /** Prints the ` RUN ` header. */
  start(run: RunDescription): void;
  /** Feeds one runtime event (a `done` event prints the failures and the summary). */
  event(e: RunEvent): void;
  /** Prints the failures and summary from `summary`, unless a `done` event already did. */
  finish(summary: RunSummary): void;
  /**
   * The learner pressed Ctrl+C: clears the progress line, ignores later events, and returns
   * what to say (e.g. `Test run cancelled after 12 tests.`) for the caller to print after `^C`.
   */
  interrupt(): string;
  /** Seeds of failing seeded tests seen so far, in order, without repeats. */
  readonly failingSeeds: readonly number[];
}

const SEED_LINE = /^Seed (-?\d+)\. Replay it with: (.+)$/;

/** The seed in a failure message written by `seededTest` ("Seed N. Replay it with: ..."), if any. */
export function seedOf(message: string): number | undefined {
  for (const line of message.split('\n')) {
    const m = SEED_LINE.exec(line.trim());
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** `918ms`, `1.24s`, `12.5s`: like Vitest. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  return `${s < 10 ? s.toFixed(2) : s.toFixed(1)}s`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

interface FileState {
  file: string;
  tests: TestResult[];
  errors: RunError[];
  printed: boolean;
}

/** `──── Failed Tests 3 ────` fitted to the width (box-drawing glyphs xterm draws itself). */
function banner(c: Colors, label: string, cols: number): string {
  const total = Math.max(label.length + 4, Math.min(cols, 64));
  const side = Math.max(1, Math.floor((total - label.length - 2) / 2));
  return c.red(`${'─'.repeat(side)}`) + c.badgeRed(` ${label} `) + c.red('─'.repeat(Math.max(1, total - side - label.length - 2)));
}

/** Creates a reporter writing to `out`. */
export function createTestReporter(out: ReporterOutput, opts: ReporterOptions = {}): TestReporter {
  const c = colors(opts.color ?? true);
  const showRun = opts.showRunLabel ?? 'Show run';
  const progress = opts.progress ?? true;
  const files = new Map<string, FileState>();
  const order: string[] = [];
  const unhandled: RunError[] = [];
  const hung: { file: string; fullName: string; reason: string; afterMs: number }[] = [];
  const seeds: number[] = [];
  let current: FileState | undefined;
  let running: string | undefined;
  let statusShown = false;
  let finished = false;
  let interrupted = false;
  let run: RunDescription | undefined;

  const cols = () => Math.max(20, out.cols || 80);

  /** Writes lines, word-wrapped; continuation lines start with `indent`. */
  const emit = (text: string, indent = '') => {
    for (const line of text.split('\n')) {
      for (const l of wrapLine(line, cols(), indent)) out.write(`${l}\r\n`);
    }
  };
  /** Writes one line cut to the width (code frames). */
  const emitCut = (line: string) => out.write(`${truncate(line, cols())}\r\n`);

  const clearStatus = () => {
    if (statusShown) out.write('\r\x1b[K');
    statusShown = false;
  };
  const showStatus = () => {
    if (!progress || !current || finished || interrupted) return;
    const done = current.tests.length;
    let line = ` ${c.yellow('❯')} ${current.file} ${c.dim(`${done}/…`)}`;
    if (running) line += ` ${c.dim(running)}`;
    out.write(`\r\x1b[K${truncate(line, cols() - 1)}`);
    statusShown = true;
  };

  const fileOf = (file: string): FileState => {
    let f = files.get(file);
    if (!f) {
      f = { file, tests: [], errors: [], printed: false };
      files.set(file, f);
      order.push(file);
    }
    return f;
  };

  const noteSeed = (t: TestResult) => {
    for (const e of t.errors) {
      const s = seedOf(e.message);
      if (s !== undefined && !seeds.includes(s)) seeds.push(s);
    }
  };

  const duration = (ms: number) => {
    const d = formatDuration(ms);
    return ms > 300 ? c.yellow(d) : c.green(d);
  };

  /** The file line, and for a failing file every test under its suite. */
  const printFile = (f: FileState) => {
    if (f.printed) return;
    f.printed = true;
    clearStatus();
    const failed = f.tests.filter((t) => t.state === 'fail').length;
    const skipped = f.tests.filter((t) => t.state === 'skip').length;
    const total = f.tests.length;
    const ms = f.tests.reduce((s, t) => s + t.durationMs, 0);
    const bad = failed > 0 || f.errors.length > 0;
    const allSkipped = total > 0 && skipped === total;
    const sym = bad ? c.red('❯') : allSkipped ? c.dim('↓') : c.green('✓');
    let counts = c.dim(`(${plural(total, 'test')}`);
    if (failed) counts += c.dim(' | ') + c.red(`${failed} failed`);
    if (skipped && !allSkipped) counts += c.dim(` | ${skipped} skipped`);
    counts += c.dim(')');
    emit(` ${sym} ${f.file} ${counts} ${duration(ms)}`, '   ');
    if (!bad) return;
    let suite: string | undefined;
    for (const t of f.tests) {
      const path = t.fullName.endsWith(t.name) ? t.fullName.slice(0, t.fullName.length - t.name.length).replace(/ > $/, '') : '';
      if (path && path !== suite) {
        suite = path;
        const inSuite = f.tests.filter((x) => x.fullName.startsWith(`${path} > `));
        const suiteFailed = inSuite.some((x) => x.state === 'fail');
        emit(`   ${suiteFailed ? c.red('❯') : c.green('✓')} ${path} ${c.dim(`(${inSuite.length})`)}`, '     ');
      }
      const pad = path ? '     ' : '   ';
      if (t.state === 'fail') emit(`${pad}${c.red('×')} ${c.red(t.name)} ${duration(t.durationMs)}`, `${pad}  `);
      else if (t.state === 'pass') emit(`${pad}${c.green('✓')} ${t.name} ${duration(t.durationMs)}`, `${pad}  `);
      else emit(`${pad}${c.dim(`↓ ${t.name}`)}`, `${pad}  `);
    }
  };

  const finishCurrent = () => {
    if (current) printFile(current);
    current = undefined;
    running = undefined;
  };

  /** Vitest's code frame from the runtime's (`> 45 | code` and `   | ^`). */
  const printCodeFrame = (frame: string) => {
    const lines = frame.split('\n');
    const parsed = lines.map((l) => /^([> ]) ( *\d*) \| ?(.*)$/.exec(l));
    if (parsed.some((m) => !m)) {
      for (const l of lines) emitCut(c.gray(`    ${l}`));
      return;
    }
    for (const m of parsed) {
      const [, , num, code] = m!;
      const isCaret = num!.trim() === '';
      if (isCaret) {
        const col = code!.indexOf('^');
        const prefix = `    ${num}| `;
        if (visibleWidth(prefix) + col + 1 > cols()) continue; // the caret would be cut off
        out.write(`    ${c.gray(`${num}|`)} ${' '.repeat(Math.max(0, col))}${c.red('^')}\r\n`);
      } else {
        emitCut(`    ${c.gray(`${num}|`)} ${code}`);
      }
    }
  };

  const printError = (e: RunError) => {
    const lines = e.message.split('\n');
    const first = lines.shift() ?? '';
    emit(c.red(`${c.bold(e.name)}${first ? `: ${first}` : ''}`));
    for (const line of lines) {
      const m = SEED_LINE.exec(line.trim());
      if (m) {
        emit(c.yellow(c.bold(line.replace(/: (.+)$/, (_m, cmd: string) => `: ${glue(cmd)}`))), '  ');
        emit(
          `${c.cyan('↳')} Replay it here: ${c.bold(c.cyan(glue(`npm test -- --seed ${m[1]}`)))}${c.dim(',')} and see the run with the ${c.bold(glue(`"${showRun}"`))} button.`,
          '  ',
        );
      } else {
        emit(c.red(line), '  ');
      }
    }
    if (e.diff) {
      out.write('\r\n');
      for (const line of e.diff.split('\n')) {
        if (line.startsWith('-')) emit(c.green(line));
        else if (line.startsWith('+')) emit(c.red(line));
        else emit(c.dim(line));
      }
      out.write('\r\n');
    }
    const [top, ...rest] = e.frames;
    if (top) emit(c.cyan(` ❯ ${top.file}:${c.dim(`${top.line}:${top.column}`)}`), '   ');
    if (e.codeFrame) printCodeFrame(e.codeFrame);
    for (const f of rest.slice(0, 3)) emit(c.gray(` ❯ ${f.file}:${f.line}:${f.column}`), '   ');
  };

  const separator = (i: number, n: number) => {
    const tag = `[${i}/${n}]`;
    const width = Math.min(cols(), 40);
    out.write(`\r\n${c.red(c.dim(`${'─'.repeat(Math.max(1, width - tag.length - 1))}${tag}─`))}\r\n\r\n`);
  };

  const printFailures = (summary: RunSummary) => {
    const suiteErrors = order.flatMap((file) => (file === '' ? [] : files.get(file)!.errors.map((error) => ({ file, error }))));
    if (suiteErrors.length) {
      out.write('\r\n');
      emit(banner(c, `Failed Suites ${suiteErrors.length}`, cols()));
      out.write('\r\n');
      suiteErrors.forEach(({ file, error }, i) => {
        emit(`${c.badgeRed(' FAIL ')} ${file}`, '  ');
        printError(error);
        separator(i + 1, suiteErrors.length);
      });
    }
    const failed = summary.tests.filter((t) => t.state === 'fail');
    if (failed.length) {
      out.write('\r\n');
      emit(banner(c, `Failed Tests ${failed.length}`, cols()));
      out.write('\r\n');
      failed.forEach((t, i) => {
        emit(`${c.badgeRed(' FAIL ')} ${t.file}${c.dim(' > ')}${t.fullName.split(' > ').join(c.dim(' > '))}`, '  ');
        if (t.errors.length === 0) emit(c.red('The test failed without an error.'));
        t.errors.forEach(printError);
        separator(i + 1, failed.length);
      });
    }
    if (unhandled.length) {
      out.write('\r\n');
      emit(banner(c, 'Unhandled Errors', cols()));
      out.write('\r\n');
      emit(c.red(`${plural(unhandled.length, 'error')} happened outside any test, for example in a callback that ran after its test had finished.`));
      out.write('\r\n');
      unhandled.forEach((e, i) => {
        printError(e);
        separator(i + 1, unhandled.length);
      });
    }
  };

  const printSummary = (summary: RunSummary) => {
    const label = (s: string) => c.dim(` ${s.padStart(10)} `) + ' ';
    const fileStates = order.filter((f) => f !== '').map((f) => files.get(f)!);
    const filesFailed = fileStates.filter((f) => f.errors.length || f.tests.some((t) => t.state === 'fail')).length;
    const filesSkipped = fileStates.filter((f) => !f.errors.length && f.tests.length > 0 && f.tests.every((t) => t.state === 'skip')).length;
    const filesPassed = fileStates.length - filesFailed - filesSkipped;
    const parts = (failed: number, passed: number, skipped: number, total: number) => {
      const p: string[] = [];
      if (failed) p.push(c.bold(c.red(`${failed} failed`)));
      if (passed) p.push(c.bold(c.green(`${passed} passed`)));
      if (skipped) p.push(c.yellow(`${skipped} skipped`));
      if (!p.length) p.push('no tests');
      return `${p.join(c.dim(' | '))} ${c.gray(`(${total})`)}`;
    };
    out.write('\r\n');
    emit(`${label('Test Files')}${parts(filesFailed, filesPassed, filesSkipped, fileStates.length)}`, ' '.repeat(13));
    const total = summary.passed + summary.failed + summary.skipped;
    emit(`${label('Tests')}${parts(summary.failed, summary.passed, summary.skipped, total)}`, ' '.repeat(13));
    for (const h of hung) emit(`${label('Stopped')}${c.red(`${h.fullName || h.file} never returned`)}`, ' '.repeat(13));
    if (summary.state === 'cancelled') emit(`${label('Cancelled')}${c.yellow('the run was stopped before the end')}`, ' '.repeat(13));
    emit(`${label('Duration')}${formatDuration(summary.durationMs)}`, ' '.repeat(13));
    out.write('\r\n');
    if (total > 0 && summary.skipped === total && run?.filter !== undefined) {
      emit(c.yellow(`No test name contains "${run.filter}". Names are matched as "describe > test"; try a shorter part.`));
      out.write('\r\n');
    }
    if (seeds.length) {
      const s = seeds[0]!;
      const more = seeds.length > 1 ? c.dim(` (failing seeds: ${seeds.join(', ')})`) : '';
      emit(
        `${c.yellow('Replay a failing seed in this page:')} ${c.bold(c.cyan(glue(`npm test -- --seed ${s}`)))}${more}${c.dim('.')} Then press ${c.bold(glue(`"${showRun}"`))} to step through that run.`,
        '  ',
      );
      out.write('\r\n');
    }
  };

  const reporter: TestReporter = {
    get failingSeeds() {
      return seeds;
    },
    start(r) {
      run = r;
      const bits: string[] = [];
      if (r.seed !== undefined) bits.push(`seed ${r.seed}`);
      if (r.filter !== undefined) bits.push(`-t "${r.filter}"`);
      if (r.files?.length) bits.push(r.files.join(' '));
      out.write('\r\n');
      emit(`${c.badgeCyan(' RUN ')} ${c.cyan(r.labId)}${bits.length ? ' ' + c.dim(bits.join(' · ')) : ''}`, '      ');
      out.write('\r\n');
    },
    event(e) {
      if (finished || interrupted) return;
      switch (e.type) {
        case 'file-start':
          finishCurrent();
          current = fileOf(e.file);
          showStatus();
          break;
        case 'test-start':
          if (!current || current.file !== e.file) {
            finishCurrent();
            current = fileOf(e.file);
          }
          running = e.fullName;
          showStatus();
          break;
        case 'test-end': {
          const { type: _type, ...result } = e;
          const f = fileOf(e.file);
          f.tests.push(result);
          noteSeed(result);
          running = undefined;
          showStatus();
          break;
        }
        case 'file-error':
          if (e.file === '') unhandled.push(e.error);
          else fileOf(e.file).errors.push(e.error);
          break;
        case 'console': {
          clearStatus();
          const where = [e.file, e.fullName].filter(Boolean).join(' > ');
          emit(c.dim(`${e.stream}${where ? ` | ${where}` : ''}`));
          const text = e.text.replace(/\n$/, '');
          emit(e.stream === 'stderr' ? c.red(text) : text);
          out.write('\r\n');
          showStatus();
          break;
        }
        case 'hung': {
          clearStatus();
          hung.push(e);
          const secs = (e.afterMs / 1000).toFixed(1);
          out.write('\r\n');
          emit(`${c.badgeRed(' STOPPED ')} ${c.red(`${e.file}${e.fullName ? ` > ${e.fullName}` : ''}`)}`, '  ');
          if (e.reason === 'timeout') {
            emit(c.red(`${e.fullName ? 'This test' : 'This file'} never returned: it ran for ${secs} s without giving control back. An infinite loop?`), '  ');
          } else {
            emit(c.red(`The test runtime crashed while running ${e.fullName ? 'this test' : 'this file'} (after ${secs} s). Out of memory?`), '  ');
          }
          emit(c.red('The test runtime was restarted. Tests after this one did not run.'), '  ');
          out.write('\r\n');
          break;
        }
        case 'done':
          reporter.finish(e.summary);
          break;
      }
    },
    finish(summary) {
      if (finished || interrupted) return;
      finishCurrent();
      // Anything the events did not bring (a reporter attached late, a host that only sends `done`).
      const seen = new Set(order.flatMap((f) => files.get(f)!.tests.map((t) => `${t.file}\u0000${t.fullName}`)));
      for (const t of summary.tests) {
        if (!seen.has(`${t.file}\u0000${t.fullName}`)) {
          fileOf(t.file).tests.push(t);
          noteSeed(t);
        }
      }
      for (const fe of summary.fileErrors) {
        const list = fe.file === '' ? unhandled : fileOf(fe.file).errors;
        if (!list.some((x) => x.message === fe.error.message && x.name === fe.error.name)) list.push(fe.error);
      }
      finished = true;
      clearStatus();
      for (const f of order) if (f !== '') printFile(files.get(f)!);
      if (order.filter((f) => f !== '').length === 0 && summary.tests.length === 0 && !unhandled.length) {
        out.write('\r\n');
        emit(c.yellow('No tests ran.'));
      }
      printFailures(summary);
      printSummary(summary);
    },
    interrupt() {
      if (finished || interrupted) return '';
      clearStatus();
      interrupted = true;
      const done = order.reduce((n, f) => n + files.get(f)!.tests.length, 0);
      return `Test run cancelled${done ? ` after ${plural(done, 'test')}` : ''}.`;
    },
  };
  return reporter;
}
