/**
 * Running an assembled lab's tests with Vitest in Node, in a child process so that learner
 * code that never returns can be stopped, and the harness says which test it was in.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileMap } from './assemble.ts';
const PROGRESS_PREFIX = '@@faultlines '; // see progress-setup.ts

const PROJECT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const LAB_CONFIG = join(PROJECT, 'src/labs/vitest.lab.config.ts');
export const VITEST = join(PROJECT, 'node_modules/vitest/vitest.mjs');
/** Graded runs: the learner's files in their own realm (src/labs/realm/). */
export const GRADE_CONFIG = join(PROJECT, 'src/labs/vitest.grade.config.ts');

export interface LabTestResult {
  file: string;
  /** Suite names and test name, as Vitest reports them. */
  name: string;
  /** The test's own name, without its suites. */
  title: string;
  state: 'passed' | 'failed' | 'skipped';
  /** The failure, as Vitest reported it (message first). */
  message?: string;
  durationMs: number;
}

export interface LabRunResult {
  tests: LabTestResult[];
  /** A problem outside any test: a syntax error, code that throws on import, a hang. */
  errors: string[];
  /** The test that was running when the run was stopped for taking too long. */
  hung?: string;
  exitCode: number | null;
  durationMs: number;
}

export interface RunOptions {
  /** Replay one seed (tests read it through `seeds()` in faultlines/testing). */
  seed?: number;
  /** Where failing (or, with a seed, all) runs write their traces. */
  traceDir?: string;
  /** Only tests whose name contains this. */
  filter?: string;
  /** Stop the whole run after this long without a test finishing (default 30 s). */
  stallMs?: number;
  /** Stop the whole run after this long in all (default: none). */
  limitMs?: number;
  /** Print Vitest's own output as it runs. */
  echo?: boolean;
  /** Extra environment for the test process. */
  env?: Record<string, string>;
  /** The learner's files (lab.json "files"): the host-time guard names their lines. */
  learnerFiles?: readonly string[];
  /** Load the learner's files in a realm of their own (the grader's sandbox); needs `learnerFiles`. */
  isolate?: boolean;
  /** Set by runLabTests: the folder a graded run may write. */
  isolateRoot?: string;
}

/** Writes a file map into `dir` (emptied first). */
export function materialize(files: FileMap, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
}

export function vitestArgs(dir: string, extra: string[] = [], config = LAB_CONFIG): string[] {
  return [VITEST, ...extra, '--config', config, '--root', resolve(dir)];
}

export function labEnv(opts: RunOptions): Record<string, string> {
  const env: Record<string, string> = opts.echo ? { FORCE_COLOR: '1', ...opts.env } : { FORCE_COLOR: '0', NO_COLOR: '1', ...opts.env };
  if (opts.seed !== undefined) env.FAULTLINES_SEED = String(opts.seed);
  if (opts.traceDir) env.FAULTLINES_TRACE_DIR = resolve(opts.traceDir);
  if (opts.learnerFiles?.length) env.FAULTLINES_LEARNER_FILES = opts.learnerFiles.join(',');
  if (opts.isolate) env.FAULTLINES_GRADE_ROOT = resolve(opts.isolateRoot ?? '.');
  return env;
}

/**
 * The environment a lab's test process inherits: this process's, minus every FAULTLINES_*
 * setting. What is run (a replayed seed, a trace folder, a test timeout) is decided by the
 * options of the run, never by a variable left in the caller's shell: a grader started with
 * FAULTLINES_SEED=3 in its environment must still grade every seed.
 */
export function inheritedEnv(from: NodeJS.ProcessEnv = process.env, graded = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(from)) {
    if (v === undefined || k.startsWith('FAULTLINES_')) continue;
    // A graded run is what the grader says it is: no preloaded code, no Vitest settings from the shell.
    if (graded && (k === 'NODE_OPTIONS' || k.startsWith('VITEST') || k.startsWith('VITE_'))) continue;
    out[k] = v;
  }
  return out;
}

/** Runs the tests of the lab folder `dir` once. */
export function runLabTests(dir: string, opts: RunOptions = {}): Promise<LabRunResult> {
  const jsonFile = join(resolve(dir), '.faultlines-results.json');
  rmSync(jsonFile, { force: true });
  const args = vitestArgs(dir, ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`], opts.isolate ? GRADE_CONFIG : LAB_CONFIG);
  if (opts.filter) args.push('-t', opts.filter);
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, args, {
      cwd: PROJECT,
      env: { ...inheritedEnv(process.env, opts.isolate), ...labEnv({ ...opts, isolateRoot: dir }), FAULTLINES_PROGRESS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A graded run gets its own process group: a signal to "every process of my group" from
      // it stops there, and a stopped run is ended group and all.
      detached: !!opts.isolate,
    });
    if (opts.isolate) running_groups.add(child.pid!);
    const killGroup = () => {
      try {
        if (opts.isolate) process.kill(-child.pid!, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // gone already
      }
    };
    let running: string | undefined;
    let hung: string | undefined;
    let overTime = false;
    const stdout = new BoundedText();
    const stderr = new BoundedText();
    let buffer = '';
    const stallMs = opts.stallMs ?? 30_000;
    let timer = setTimeout(stop, stallMs);
    const limit = opts.limitMs ? setTimeout(() => ((overTime = true), stop()), opts.limitMs) : undefined;
    function stop() {
      hung = running ?? '(loading the test files)';
      killGroup();
    }
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      // A flood without line breaks must not grow without bound.
      if (buffer.length > LINE_LIMIT) buffer = buffer.slice(-LINE_LIMIT);
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const progress = line.startsWith(PROGRESS_PREFIX) ? parseProgress(line.slice(PROGRESS_PREFIX.length)) : undefined;
        if (progress) {
          running = progress.event === 'start' ? progress.name : undefined;
          clearTimeout(timer);
          timer = setTimeout(stop, stallMs);
        } else {
          stdout.add(line + '\n');
          if (opts.echo) process.stdout.write(line + '\n');
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.add(chunk.toString());
      if (opts.echo) process.stderr.write(chunk);
    });
    child.on('close', (code, signal) => {
      if (opts.isolate) killGroup(); // whatever the run left behind in its group
      running_groups.delete(child.pid!);
      clearTimeout(timer);
      if (limit) clearTimeout(limit);
      const errText = stderr.text();
      const outText = stdout.text();
      const result = readResults(jsonFile, errText, dir);
      // Vitest's own report says where a file failed to load; keep that, minus the harness.
      const suites = failedSuiteBlocks(outText + errText, dir);
      if (suites.length && result.errors.length) result.errors = suites;
      rmSync(jsonFile, { force: true });
      if (hung) {
        result.errors.unshift(
          overTime
            ? `Stopped after ${Math.round(opts.limitMs! / 1000)} s in all, in "${hung}": the tests take far longer than they should (code that waits or spins in every test).`
            : `Stopped after ${Math.round(stallMs / 1000)} s with no test finishing, in "${hung}": ` +
                'the code under test never returned (an infinite loop, or a wait for something that never happens).',
        );
        result.hung = hung;
        result.errors = result.errors.filter((e) => e !== NO_RESULTS);
      } else if (OUT_OF_MEMORY.test(outText + errText)) {
        result.errors.unshift(`The test process ran out of memory${running ? ` in "${running}"` : ''}: the code under test keeps more and more data (a list or map that only grows, or a copy made on every event).`);
      } else if ((code !== 0 && code !== 1) || signal || CRASHED.test(outText + errText)) {
        result.errors.unshift(`The test process stopped before the tests were done${running ? `, in "${running}"` : ''} (exit ${signal ?? code}): it crashed or was killed, so the tests that did not run count as not passed.`);
      }
      done({ ...result, exitCode: code, durationMs: performance.now() - started });
    });
  });
}

const NO_RESULTS = 'Vitest produced no results';

/** Process groups of the runs still going: ended if this process ends first. */
const running_groups = new Set<number>();
process.on('exit', () => {
  for (const pid of running_groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
});
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|ERR_WORKER_OUT_OF_MEMORY|Allocation failed/i;
const CRASHED = /Worker exited unexpectedly|Channel closed|ERR_IPC_CHANNEL_CLOSED|\[vitest-pool\]/;
const LINE_LIMIT = 1 << 20;

function parseProgress(json: string): { event: string; name: string } | undefined {
  try {
    const e = JSON.parse(json) as { event?: unknown; name?: unknown };
    return (e.event === 'start' || e.event === 'end') && typeof e.name === 'string' ? { event: e.event, name: e.name } : undefined;
  } catch {
    return undefined;
  }
}

/** Output kept for reading: the first and the last megabytes of it (a flood keeps both ends, not all). */
class BoundedText {
  private head = '';
  private tail = '';
  private dropped = 0;
  add(s: string): void {
    if (this.head.length < LINE_LIMIT) {
      const room = LINE_LIMIT - this.head.length;
      this.head += s.slice(0, room);
      s = s.slice(room);
    }
    if (!s) return;
    this.tail += s;
    if (this.tail.length > 2 * LINE_LIMIT) {
      this.dropped += this.tail.length - LINE_LIMIT;
      this.tail = this.tail.slice(-LINE_LIMIT);
    }
  }
  text(): string {
    return this.dropped ? `${this.head}\n[... ${this.dropped} characters of output left out ...]\n${this.tail}` : this.head + this.tail;
  }
}

const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * The "Failed Suites" part of Vitest's report (a syntax error, a throw at import), as short
 * plain-text blocks: the message, the learner's line, no stack frames inside the harness.
 */
export function failedSuiteBlocks(stdout: string, dir: string): string[] {
  const plain = stdout.replace(ANSI, '');
  const start = plain.indexOf('Failed Suites');
  if (start < 0) return [];
  const section = plain.slice(plain.indexOf('\n', start) + 1);
  const abs = resolve(dir) + '/';
  const blocks = section.split(/\n⎯+\[\d+\/\d+\]⎯*\n/);
  const out: string[] = [];
  for (const block of blocks) {
    const m = /^\s*FAIL\s+(\S+)/m.exec(block);
    if (!m) continue;
    const lines = block
      .split('\n')
      .filter((l) => !/^\s*FAIL\s/.test(l))
      .filter((l) => !/node_modules|^\s*(Plugin|File):/.test(l))
      .map((l) => l.split(abs).join('').split(relativeTo(dir)).join(''));
    const text = lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
    const parse = /\[PARSE_ERROR\]\s*(.+)[\s\S]*?\[\s*(\S+:\d+:\d+)\s*\]/.exec(text);
    // A learner file that does not compile in the grader's sandbox says so in the same words.
    const realm = /(Syntax error (?:at|in) \S+: [^\n]*)/.exec(text);
    out.push(parse ? `Syntax error at ${parse[2]}: ${parse[1]}` : realm ? realm[1]! : `${m[1]} could not be loaded:\n${text}`);
  }
  return out;
}

function relativeTo(dir: string): string {
  const r = dir.replace(/\/+$/, '');
  return r + '/';
}

interface JsonReport {
  testResults?: {
    name: string;
    status: string;
    message?: string;
    assertionResults?: { fullName: string; title?: string; status: string; failureMessages?: string[]; duration?: number }[];
  }[];
}

function readResults(jsonFile: string, stderr: string, labDir: string): Pick<LabRunResult, 'tests' | 'errors' | 'hung'> {
  let report: JsonReport;
  try {
    report = JSON.parse(readFileSync(jsonFile, 'utf8')) as JsonReport;
  } catch {
    return { tests: [], errors: stderr.trim() ? [stderr.trim()] : [NO_RESULTS] };
  }
  const tests: LabTestResult[] = [];
  const errors: string[] = [];
  for (const file of report.testResults ?? []) {
    const rel = file.name.split('/tests/').pop() ?? file.name;
    if (file.message) errors.push(`tests/${rel}: ${file.message}`);
    for (const a of file.assertionResults ?? []) {
      const state = a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'skipped';
      const test: LabTestResult = { file: `tests/${rel}`, name: a.fullName, title: a.title ?? a.fullName, state, durationMs: a.duration ?? 0 };
      if (a.failureMessages?.length) test.message = cleanFailure(a.failureMessages[0]!, labDir);
      tests.push(test);
    }
  }
  return { tests, errors };
}

/**
 * A failure as the learner reads it: the message and the frames of the lab's own files
 * (their code, the tests), with paths relative to the lab folder. Frames inside Vitest,
 * Node and the kit say nothing to a learner, and an absolute path names a temporary folder
 * of the grader's.
 */
export function cleanFailure(message: string, labDir: string): string {
  const abs = resolve(labDir) + '/';
  const lines = message.split('\n');
  const out: string[] = [];
  for (const line of lines) {
    const frame = /^\s+at /.test(line);
    if (frame && (!line.includes(abs) || /node_modules|node:internal/.test(line))) continue;
    out.push(line.split('file://' + abs).join('').split(abs).join(''));
  }
  return out.join('\n').replace(/\n+$/, '');
}
