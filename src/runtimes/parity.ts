/**
 * Parity harness (Node only): runs a lab file map with the real `vitest run` and turns the
 * result into the same {@link RunSummary} the browser runtime produces, then compares the
 * two as normalised records.
 *
 * @example
 * const node = await runInNode(files);
 * const browser = await runInBrowser(files);      // e.g. through a page, see tests/e2e
 * expect(compareRuns(node, browser)).toEqual([]);
 *
 * CLI: `npx node src/runtimes/parity.ts tests/fixtures/runtime/counter` prints the records.
 * @module
 */
import { mkdtemp, mkdir, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunnerTestFile } from 'vitest';
import { createVitest } from 'vitest/node';
import { summarize } from './webcontainer/container/summary.ts';
import type { RunError, RunRequest, RunSummary } from './runtime.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The same aliases as vitest.config.ts: the kit and its test helpers. */
const alias = [
  { find: /^faultlines\/testing$/, replacement: fileURLToPath(new URL('../kit/testing.ts', import.meta.url)) },
  { find: /^faultlines$/, replacement: fileURLToPath(new URL('../kit/index.ts', import.meta.url)) },
];

/** Same rule as the browser runtime (engine.ts). */
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;

/** Reads every file under `dir` into a lab file map (paths relative to `dir`, `/`-separated). */
export async function readLab(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) await walk(full);
      else files[relative(dir, full).split(sep).join('/')] = await readFile(full, 'utf8');
    }
  };
  await walk(dir);
  return files;
}

/**
 * Runs `files` with `vitest run` in Node: files are written to a temp dir (with a
 * `node_modules` link to this repo's, so `vitest` and `fast-check` resolve; `faultlines` and
 * `faultlines/testing` are aliased to the kit as in vitest.config.ts).
 */
export async function runInNode(files: Record<string, string>, request: RunRequest = { kind: 'test' }): Promise<RunSummary> {
  const started = performance.now();
  const root = await realpath(await mkdtemp(join(tmpdir(), 'faultlines-parity-')));
  try {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    }
    await symlink(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
    const testFiles = (request.files ?? Object.keys(files).filter((f) => TEST_FILE.test(f))).slice().sort();
    const vitest = await createVitest(
      'test',
      {
        root,
        config: false,
        watch: false,
        reporters: [],
        include: testFiles,
        testTimeout: request.testTimeout ?? 5000,
        testNamePattern: request.filter?.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
        sequence: { seed: request.seed ?? 1 },
        env: request.env,
        color: false,
      } as never,
      { resolve: { alias }, logLevel: 'silent' },
    );
    try {
      await vitest.start();
      const tasks = vitest.state.getFiles() as RunnerTestFile[];
      return toSummary(tasks, root, files, performance.now() - started);
    } finally {
      await vitest.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The same conversion the WebContainer reporter uses, so both Node paths agree by construction. */
function toSummary(tasks: RunnerTestFile[], root: string, files: Record<string, string>, ms: number): RunSummary {
  return summarize(tasks, root, (f) => files[f], ms);
}

/** What must be equal between Node and the browser for one test (or one file error). */
export interface ComparableRecord {
  file: string;
  /** Test full name, or `<file error>`. */
  fullName: string;
  state: string;
  /** First error's name and message (first line of the message is not enough for diffs of objects, so all of it). */
  error?: string;
  /** The first error's diff, if any. */
  diff?: string;
  /** Where the first error points in the learner's code: `file:line`. */
  at?: string;
}

/** Reduces a summary to comparable records (timings and stack details beyond the top lab frame dropped). */
export function normalize(summary: RunSummary): ComparableRecord[] {
  const records: ComparableRecord[] = [];
  const describe = (e: RunError | undefined): Partial<ComparableRecord> => {
    if (!e) return {};
    const out: Partial<ComparableRecord> = { error: `${e.name}: ${e.message}` };
    if (e.diff) out.diff = e.diff;
    const top = e.frames[0];
    if (top) out.at = `${top.file}:${top.line}:${top.column}`;
    return out;
  };
  for (const t of summary.tests) records.push({ file: t.file, fullName: t.fullName, state: t.state, ...describe(t.errors[0]) });
  for (const fe of summary.fileErrors) records.push({ file: fe.file, fullName: '<file error>', state: 'fail', ...describe(fe.error) });
  return records;
}

/** Differences between two runs, as readable lines; empty when they agree. */
export type ComparedField = 'state' | 'error' | 'diff' | 'at';

/**
 * Compares two runs test by test. `fields` narrows what must match: code that reads the
 * host's clock or randomness (a buggy variant, on purpose) prints different numbers on
 * every run, anywhere, so for it only states and locations can be compared.
 */
export function compareRuns(
  expected: RunSummary,
  actual: RunSummary,
  labels: [string, string] = ['node', 'browser'],
  fields: readonly ComparedField[] = ['state', 'error', 'diff', 'at'],
): string[] {
  const key = (r: ComparableRecord): string => `${r.file} :: ${r.fullName}`;
  const a = new Map(normalize(expected).map((r) => [key(r), r]));
  const b = new Map(normalize(actual).map((r) => [key(r), r]));
  const out: string[] = [];
  for (const [k, ra] of a) {
    const rb = b.get(k);
    if (!rb) {
      out.push(`${k}: only in ${labels[0]}`);
      continue;
    }
    for (const field of fields) {
      if (ra[field] !== rb[field]) out.push(`${k}: ${field} differs\n  ${labels[0]}: ${JSON.stringify(ra[field])}\n  ${labels[1]}: ${JSON.stringify(rb[field])}`);
    }
  }
  for (const k of b.keys()) if (!a.has(k)) out.push(`${k}: only in ${labels[1]}`);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: npx node src/runtimes/parity.ts <lab dir>');
  const summary = await runInNode(await readLab(dir));
  console.log(JSON.stringify(normalize(summary), null, 2));
  console.log(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped in ${summary.durationMs} ms`);
}
