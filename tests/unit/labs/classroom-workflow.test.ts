/**
 * The GitHub Classroom workflow an instructor copies into an assignment template
 * (.github/classroom/faultlines-autograde.yml), read as GitHub reads it, and its own run:
 * scripts run on sample student repositories: the lab's solution and its starter. Only the
 * steps that fetch and install the course are left out; the course is this checkout.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLASSROOM_RESULTS_ENV, CLASSROOM_RUNNER, classroomPoints, type ClassroomResult } from '../../../src/labs/classroom-report.ts';
import { readTestList } from '../../../src/labs/test-list.ts';

const WORKFLOW = '.github/classroom/faultlines-autograde.yml';
const JOB = 'run-autograding-tests';
/** Steps the test does not run: they check out and install the course, which is this checkout here. */
const COURSE_STEPS = ['install'];

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  env: Record<string, string>;
  defaults?: { run?: { shell?: string } };
  jobs: Record<string, { steps: Step[]; 'runs-on': string }>;
}

const text = readFileSync(WORKFLOW, 'utf8');
const workflow = parse(text) as Workflow;
const steps = workflow.jobs[JOB]?.steps ?? [];

const tmp = mkdtempSync(join(tmpdir(), 'faultlines-classroom-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the GitHub Classroom workflow, as GitHub reads it', () => {
  test('the name, the one job and the triggers GitHub Classroom expects', () => {
    expect(workflow.name).toBe('Autograding Tests');
    expect(Object.keys(workflow.jobs)).toEqual([JOB]);
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['push', 'repository_dispatch']));
    expect(workflow.permissions).toEqual({ actions: 'read', contents: 'read' });
    expect(workflow.defaults?.run?.shell).toBe('bash');
    expect(workflow.env).toMatchObject({ COURSE_REPOSITORY: expect.any(String), COURSE_REF: expect.any(String), LAB: expect.any(String) });
  });

  test('every action is pinned to a commit, with its tag in a comment', () => {
    const uses = steps.filter((s) => s.uses).map((s) => s.uses!);
    expect(uses.length).toBeGreaterThanOrEqual(4);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    for (const line of text.split('\n').filter((l) => /^\s*uses:/.test(l))) expect(line).toMatch(/@[0-9a-f]{40} # v\d/);
  });

  test('the course is checked out at the instructor\'s repository and ref', () => {
    const course = steps.find((s) => s.uses?.startsWith('actions/checkout@') && s.with?.repository);
    expect(course?.with).toMatchObject({ repository: '${{ env.COURSE_REPOSITORY }}', ref: '${{ env.COURSE_REF }}', path: 'course' });
    const student = steps.find((s) => s.uses?.startsWith('actions/checkout@') && !s.with?.repository);
    expect(student?.with?.path).toBe('submission');
  });

  test('the reporter gets the grade step\'s result as <RUNNER>_RESULTS', () => {
    const reporter = steps.find((s) => s.uses?.startsWith('classroom-resources/autograding-grading-reporter@'));
    expect(reporter?.with?.runners).toBe(CLASSROOM_RUNNER);
    const grade = steps.find((s) => s.run?.includes('npm run grade'));
    expect(grade?.id).toBeTruthy();
    expect(reporter?.env).toEqual({ [CLASSROOM_RESULTS_ENV]: `\${{ steps.${grade!.id}.outputs.result }}` });
    expect(steps.indexOf(reporter!)).toBe(steps.length - 1);
  });

  test('no output of the grader can act as a workflow command (a forged "Points" annotation)', () => {
    const lines = (steps.find((s) => s.id === 'grade')?.run ?? '').split('\n');
    let stopped = false;
    // Lines that print the grader's output or its messages to the log (the summary is a file).
    const untrusted = /^\s*npm run grade|\.message(?!.*GITHUB_STEP_SUMMARY)/;
    expect(lines.filter((l) => untrusted.test(l)).length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      if (/echo "::stop-commands::\$resume"/.test(line)) stopped = true;
      else if (/echo "::\$resume::"/.test(line)) stopped = false;
      else if (untrusted.test(line) && !line.trim().startsWith('#')) expect(stopped, line).toBe(true);
    }
    expect(stopped).toBe(false);
  });

  test('run: scripts read only environment variables (no ${{ }} expressions to inject into)', () => {
    const runs = steps.filter((s) => s.run);
    expect(runs.map((s) => s.id)).toEqual(expect.arrayContaining(COURSE_STEPS));
    for (const s of runs) expect(s.run).not.toContain('${{');
  });
});

interface Outcome {
  ws: string;
  log: string;
  codes: number[];
  output: Record<string, string>;
  results: ClassroomResult;
}

/** Runs the workflow's run: steps, minus the course's, as the runner does: bash -eo pipefail, in $GITHUB_WORKSPACE. */
async function runWorkflow(name: string, learnerFile: string): Promise<Outcome> {
  const ws = join(tmp, name);
  const student = join(ws, 'submission');
  mkdirSync(join(student, '.github/workflows'), { recursive: true });
  copyFileSync(learnerFile, join(student, 'lamport.ts'));
  writeFileSync(join(student, '.faultlines-lab.json'), JSON.stringify({ lab: 'lamport-clocks' }) + '\n');
  copyFileSync(WORKFLOW, join(student, '.github/workflows/classroom.yml'));
  writeFileSync(join(ws, 'output'), '');
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...Object.fromEntries(Object.entries(workflow.env).filter(([, v]) => !String(v).includes('${{'))),
    GITHUB_WORKSPACE: ws,
    GITHUB_OUTPUT: join(ws, 'output'),
    GITHUB_STEP_SUMMARY: join(ws, 'summary.md'),
    COURSE_DIR: process.cwd(),
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
  let log = '';
  const codes: number[] = [];
  for (const [i, step] of steps.entries()) {
    if (!step.run || COURSE_STEPS.includes(step.id ?? '')) continue;
    const script = join(ws, `step-${i}.sh`);
    writeFileSync(script, step.run);
    const code = await new Promise<number>((done, fail) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (d: Buffer) => (log += d.toString()));
      child.stderr.on('data', (d: Buffer) => (log += d.toString()));
      child.on('error', fail);
      child.on('close', (c) => done(c ?? -1));
    });
    codes.push(code);
  }
  const output = Object.fromEntries(
    readFileSync(join(ws, 'output'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  // As the reporter reads it: Buffer.from(process.env.FAULTLINES_RESULTS, 'base64').
  const results = JSON.parse(Buffer.from(output.result ?? '', 'base64').toString('utf-8')) as ClassroomResult;
  return { ws, log, codes, output, results };
}

describe('the workflow\'s own commands grade a student repository', { timeout: 600_000 }, () => {
  const list = readTestList('labs/lamport-clocks')!;
  let solution: Outcome;
  let starter: Outcome;
  // Both at once, as two students pushing: each is one grading process.
  beforeAll(async () => {
    [solution, starter] = await Promise.all([
      runWorkflow('solution', 'labs/lamport-clocks/solution/lamport.ts'),
      runWorkflow('starter', 'labs/lamport-clocks/starter/lamport.ts'),
    ]);
  }, 600_000);

  test('the solution gets every point, and the artifact\'s files exist', () => {
    const { ws, log, codes, results } = solution;
    expect(codes.every((c) => c === 0), log).toBe(true);
    expect(results.status, log).toBe('pass');
    expect(classroomPoints(results)).toEqual({ points: list.length, maxPoints: list.length });
    expect(results.tests.map((t) => t.name)).toEqual(list);
    expect(results.tests.every((t) => t.status === 'pass')).toBe(true);
    expect(results.message).toMatch(/^PASS\. Graded by Fault Lines, lab lamport-clocks version \w+\./);
    // The file the workflow encoded is the grader's own, with the points of grades.json.
    expect(JSON.parse(readFileSync(join(ws, 'grades/classroom.json'), 'utf8'))).toEqual(results);
    const grades = JSON.parse(readFileSync(join(ws, 'grades/grades.json'), 'utf8')) as { submissions: { status: string; lab: string; points: number; maxPoints: number }[] };
    expect(grades.submissions).toMatchObject([{ status: 'passed', lab: 'lamport-clocks', points: list.length, maxPoints: list.length }]);
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    const paths = String(upload?.with?.path ?? '').split('\n').filter(Boolean);
    expect(paths).toEqual(expect.arrayContaining(['grades/grades.json', 'grades/junit.xml']));
    for (const p of paths) expect(existsSync(join(ws, p)), p).toBe(true);
    const junit = readFileSync(join(ws, 'grades/junit.xml'), 'utf8');
    expect(junit).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="Fault Lines grades" tests="\d+" failures="0" errors="0">/);
    expect(readFileSync(join(ws, 'summary.md'), 'utf8')).toContain(`## Fault Lines: PASS, ${list.length} of ${list.length} points`);
  });

  test('the starter gets fewer points and a FAIL, and the step still reports it', () => {
    const { ws, log, codes, results } = starter;
    expect(codes.every((c) => c === 0), log).toBe(true);
    expect(results.status, log).toBe('fail');
    const { points, maxPoints } = classroomPoints(results);
    expect(maxPoints).toBe(list.length);
    expect(points).toBeLessThan(list.length);
    const grades = JSON.parse(readFileSync(join(ws, 'grades/grades.json'), 'utf8')) as { submissions: { status: string; points: number; maxPoints: number }[] };
    expect(grades.submissions).toMatchObject([{ status: 'failed', points, maxPoints }]);
    expect(results.tests.filter((t) => t.status === 'fail').length).toBeGreaterThan(1);
    expect(results.message).toMatch(/^FAIL: /);
    expect(readFileSync(join(ws, 'grades/junit.xml'), 'utf8')).toMatch(/<failure /);
    // What failed, and why, is in the log for the student.
    expect(log).toMatch(/^FAIL tests\/lamport.test.ts > /m);
    expect(readFileSync(join(ws, 'summary.md'), 'utf8')).toContain(`## Fault Lines: FAIL, ${points} of ${list.length} points`);
  });
});
