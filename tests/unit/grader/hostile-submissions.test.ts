/**
 * Hostile submissions against `npm run grade` (issue 15): a failing Lamport starter plus a
 * line or two that try to make the grader say PASS, or to do damage. For every one: its
 * status in grades.json is "failed" or "error" with a reason in words, the grade exits
 * non-zero, and nothing outside its scratch folder changed (the repository's labs/ and src/,
 * every submission folder of the cohort, a canary folder in the temp dir, the grader's
 * output folder, a local server that must hear nothing). A correct submission graded among
 * them still passes.
 *
 * The grader runs five times, each a real `npm run grade` (slow: minutes):
 *   1. the main cohort: honest submissions and every hostile case that can share a run;
 *   2. bad lab ids in the marker, in a cohort with honest peers that must still be graded;
 *   3. a bad lab id as the only submission;
 *   4. honest submissions under FAULTLINES_* (and other) variables in the grader's environment;
 *   5. submissions that try to take the grader itself down (kill it, hang it, flood it).
 * The cases are in hostile-cases.ts; the harness in harness.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cohortCases, graderKillers, honest, markerCases, ownLabMarker, writeFakeLabsDir } from './hostile-cases.ts';
import { damageBy, describeRun, foreignOutFiles, grade, listen, REPO, writeCohort, type GradeRun, type Listener, type Submission, type Where } from './harness.ts';

const MINUTE = 60_000;
const tmp = mkdtempSync(join(tmpdir(), 'faultlines-hostile-'));
let server: Listener;

beforeAll(async () => {
  server = await listen();
});
afterAll(async () => {
  await server?.close();
  // HOSTILE_KEEP=1 keeps the cohorts and reports, to read the grader's full reasons.
  if (process.env.HOSTILE_KEEP) console.log(`hostile cohorts and reports kept in ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
  rmSync(join(REPO, 'labs', 'hostile-write-labs.txt'), { force: true }); // in case write-labs got through
});

/** Fresh folders for one grade: the cohort, the output, and a canary folder with one file. */
function where(label: string): Where {
  const base = join(tmp, label);
  const w: Where = { repo: REPO, cohort: join(base, 'cohort'), out: join(base, 'out'), canary: join(base, 'canary'), port: server.port, testPid: process.pid };
  mkdirSync(w.cohort, { recursive: true });
  mkdirSync(w.canary, { recursive: true });
  writeFileSync(join(w.canary, 'canary.txt'), 'a canary: no submission may change this file or add one next to it\n');
  return w;
}

interface Graded {
  w: Where;
  run: GradeRun;
  /** The connections the local server received during this grade. */
  connections: string[];
}

async function gradeCohort(label: string, subs: Submission[], opts: { timeoutMs: number; env?: (w: Where) => Record<string, string>; single?: boolean; setup?: (w: Where) => void }): Promise<Graded> {
  const w = where(label);
  opts.setup?.(w);
  writeCohort(subs, w);
  const from = server.connections.length;
  const target = opts.single ? join(w.cohort, subs[0]!.name) : w.cohort;
  const run = await grade(w, subs, { timeoutMs: opts.timeoutMs, env: opts.env?.(w), target });
  const g = { w, run, connections: server.connections.slice(from) };
  // The verdicts, for whoever reads the log.
  const lines = (run.report?.submissions ?? []).map((s) => `  ${s.status.padEnd(7)} ${s.submission.padEnd(32)} ${(s.problems?.[0] ?? '').split('\n')[0]!.slice(0, 140)}`);
  console.log(`[${label}] ${describeRun(run).split('\n')[0]}\n${lines.join('\n')}`);
  return g;
}

const entry = (g: Graded, name: string) => g.run.report?.submissions.find((s) => s.submission === name);

/** Everything wrong with how the grade treated hostile submission `name` (empty: all is well). */
function wrongs(g: Graded, name: string, allowed: readonly string[] = ['failed', 'error'], reason?: RegExp): string[] {
  const out: string[] = [];
  const s = entry(g, name);
  if (!g.run.report) out.push(`no grades.json: ${describeRun(g.run)}`);
  else if (!s) out.push(`grades.json has no entry for "${name}"`);
  else {
    if (!allowed.includes(s.status)) out.push(`status is "${s.status}", should be ${allowed.map((a) => `"${a}"`).join(' or ')} (problems: ${JSON.stringify(s.problems)})`);
    if (!Array.isArray(s.problems) || !/[a-z]{3}/i.test(s.problems.join(' '))) out.push(`no reason in words: problems = ${JSON.stringify(s.problems)}`);
    else if (reason && !reason.test(s.problems.join('\n'))) out.push(`the reason should match ${reason}: ${JSON.stringify(s.problems)}`);
  }
  if (g.run.code === 0) out.push('npm run grade exited 0');
  for (const d of damageBy(name, g.run, g.connections)) out.push(`damage: ${d}`);
  return out;
}

/** The checks every grade gets: it finished, it listed every submission, it changed nothing it must not. */
function runChecks(get: () => Graded, subs: () => Submission[]) {
  test('the grade finishes in time, exits non-zero, and grades.json lists every submission', () => {
    const g = get();
    expect(g.run.timedOut, describeRun(g.run)).toBe(false);
    expect(g.run.code, describeRun(g.run)).not.toBe(0);
    expect(g.run.report, describeRun(g.run)).toBeDefined();
    const listed = new Set(g.run.report!.submissions.map((s) => s.submission));
    expect(subs().map((s) => s.name).filter((n) => !listed.has(n)), 'submissions missing from grades.json').toEqual([]);
  });
  test('nothing outside the submissions\' scratch folders changed (labs/, src/, the cohort, the canary folder)', () => {
    const g = get();
    expect(g.run.changes.map((c) => `${c.what} ${c.path}${c.content ? `: ${JSON.stringify(c.content.slice(0, 100))}` : ''}`)).toEqual([]);
  });
  test('the grader\'s output folder holds its own report only, nothing forged', () => {
    const g = get();
    expect(foreignOutFiles(g.run)).toEqual([]);
  });
  test('the local server received no connection', () => {
    expect(get().connections).toEqual([]);
  });
}

function passes(g: Graded, name: string) {
  const s = entry(g, name);
  expect(s, `${name} is not in grades.json: ${describeRun(g.run)}`).toBeDefined();
  expect({ status: s!.status, problems: s!.problems }).toEqual({ status: 'passed', problems: [] });
  expect(s!.passed).toBe(s!.total);
}

// ---------------------------------------------------------------------------------------

const mainCohort: Submission[] = [honest.correct, honest.failing, honest.variant, honest.correctPeer, honest.failingPeer, ...cohortCases];
let main: Graded;

describe('one cohort: honest submissions graded side by side with hostile ones', () => {
  beforeAll(async () => {
    main = await gradeCohort('main', mainCohort, { timeoutMs: 30 * MINUTE });
  }, 31 * MINUTE);

  runChecks(() => main, () => mainCohort);

  test('the correct submissions pass, also the one a hostile peer tried to overwrite', () => {
    passes(main, honest.correct.name);
    passes(main, honest.correctPeer.name);
  });
  test('the starter and a buggy variant fail; so does the failing peer a hostile one tried to upgrade', () => {
    for (const s of [honest.failing, honest.variant, honest.failingPeer]) {
      expect(entry(main, s.name)?.status, `${s.name}: ${JSON.stringify(entry(main, s.name)?.problems)}`).toBe('failed');
    }
  });
  test.each(cohortCases)('$name: $attack', (c) => {
    expect(wrongs(main, c.name, undefined, c.reason)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------

const markerCohort: Submission[] = [honest.correct, honest.failing, ...markerCases];
let markers: Graded;

describe('lab ids in .faultlines-lab.json that do not name a lab: ERROR for that submission, the others still graded', () => {
  beforeAll(async () => {
    markers = await gradeCohort('markers', markerCohort, { timeoutMs: 10 * MINUTE });
  }, 11 * MINUTE);

  runChecks(() => markers, () => markerCohort);

  test('the honest peers are graded as usual', () => {
    passes(markers, honest.correct.name);
    expect(entry(markers, honest.failing.name)?.status).toBe('failed');
  });
  test.each(markerCases)('$name: $attack', (c) => {
    const out = wrongs(markers, c.name, ['error']);
    const s = entry(markers, c.name);
    // A clear reason names the lab id it refuses.
    const id = (() => {
      try {
        return (JSON.parse(c.marker?.(markers.w) ?? 'null') as { lab?: unknown } | null)?.lab;
      } catch {
        return undefined;
      }
    })();
    const why = (s?.problems ?? []).join('\n');
    if (s && !/lab/i.test(why)) out.push(`the reason does not say it is about the lab id: ${JSON.stringify(why)}`);
    if (s && typeof id === 'string' && id && !why.includes(id)) out.push(`the reason does not name the lab id ${JSON.stringify(id)}: ${JSON.stringify(why)}`);
    expect(out).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------

const alone = ownLabMarker('walks-out-alone');
let single: Graded;

describe('a lab id that walks out of labs/, as the only submission', () => {
  beforeAll(async () => {
    single = await gradeCohort('single', [alone], { timeoutMs: 5 * MINUTE, single: true });
  }, 6 * MINUTE);

  test(`${alone.name}: ${alone.attack}`, () => {
    expect(wrongs(single, alone.name, ['error'])).toEqual([]);
  });
  test('nothing outside its scratch folder changed', () => {
    expect(single.run.changes.map((c) => `${c.what} ${c.path}`)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------

const envReader = cohortCases.find((c) => c.name === 'reads-grader-env')!;
const envCohort: Submission[] = [honest.correct, honest.failing, honest.variant, envReader];
let env: Graded;

describe('the grader\'s own environment (FAULTLINES_SEED=3 and friends) changes no verdict', () => {
  beforeAll(async () => {
    env = await gradeCohort('env', envCohort, {
      timeoutMs: 10 * MINUTE,
      setup: (w) => writeFakeLabsDir(join(w.canary, 'labs')),
      env: (w) => ({
        FAULTLINES_SEED: '3',
        FAULTLINES_TEST_TIMEOUT: '1',
        FAULTLINES_MUTANTS_CHECK: 'off',
        FAULTLINES_STALL_MS: '1',
        FAULTLINES_SEQUENCE_SEED: '3',
        FAULTLINES_LAB: 'raft-election',
        FAULTLINES_LEARNER_FILES: 'nothing.ts',
        FAULTLINES_SOLUTIONS: 'off',
        FAULTLINES_LABS_DIR: join(w.canary, 'labs'), // a labs folder whose Lamport tests always pass
        FAULTLINES_TRACE_DIR: join(w.canary, 'traces'),
        FAULTLINES_WORKSPACE: join(w.canary, 'workspace'),
        GRADER_SECRET: 'a token in the instructor\'s shell',
      }),
    });
  }, 11 * MINUTE);

  runChecks(() => env, () => envCohort);

  test.each(envCohort)('$name: same verdict as in the main cohort, graded without those variables', (c) => {
    const without = entry(main, c.name);
    const withEnv = entry(env, c.name);
    expect(without, `no verdict for ${c.name} from the main cohort to compare with`).toBeDefined();
    expect(withEnv, describeRun(env.run)).toBeDefined();
    expect({ status: withEnv!.status, passed: withEnv!.passed, total: withEnv!.total, problems: withEnv!.problems.slice(0, 1) }).toEqual({
      status: without!.status,
      passed: without!.passed,
      total: without!.total,
      problems: without!.problems.slice(0, 1),
    });
  });
});

// ---------------------------------------------------------------------------------------

const killerCohort: Submission[] = [honest.correct, honest.failing, ...graderKillers];
let killers: Graded;

describe('submissions that try to take the grader itself down: the cohort still completes', () => {
  beforeAll(async () => {
    killers = await gradeCohort('killers', killerCohort, { timeoutMs: 6 * MINUTE });
  }, 7 * MINUTE);

  runChecks(() => killers, () => killerCohort);

  test('the honest peers are graded as usual', () => {
    passes(killers, honest.correct.name);
    expect(entry(killers, honest.failing.name)?.status).toBe('failed');
  });
  test.each(graderKillers)('$name: $attack', (c) => {
    expect(wrongs(killers, c.name, undefined, c.reason)).toEqual([]);
  });
});
