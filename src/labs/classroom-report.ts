/**
 * One graded submission as GitHub Classroom's autograding reads it.
 *
 * GitHub Classroom takes its points from the reporter action,
 * classroom-resources/autograding-grading-reporter@v1. For every id in its `runners` input
 * the reporter reads the environment variable `<ID in capitals>_RESULTS`: base64 of a JSON
 * object { version, status, max_score, tests: [{ name, status, score, message, test_code,
 * filename, line_no, duration }] }, the shape the official graders
 * (autograding-command-grader, autograding-python-grader) write. It then
 * - posts "Points <sum of tests[].score>/<sum of max_score>" as the annotations Classroom
 *   reads ("Autograding complete", and "Autograding report" with the same as JSON);
 * - prints each test and a table whose score is (tests with status "pass" / tests.length) *
 *   max_score, and "tests passed: <pass>/<tests.length>";
 * - fails the run when a status is "fail" or "error".
 *
 * The points are the grader's own (SubmissionGrade.points, src/labs/grade-submission.ts): one
 * per test on the lab's list that passed in a run that counts; a run that broke a rule of the
 * lab or did not run every test on the list earns none, and so does an ERROR. So only a PASS
 * gets full marks, and Classroom shows the points of grades.json. Here every test on the list
 * is one entry worth one point, status "pass" exactly when it scores, and max_score is the
 * number of entries: the reporter's two sums then agree. A test that passed in a run that
 * does not count is a "fail" (or "error") whose message says why it scores nothing.
 */
import type { GradedTest, SubmissionGrade } from './grade-report.ts';
import { testKey } from './test-list.ts';

/** The reporter's runner id for Fault Lines: its results go in FAULTLINES_RESULTS. */
export const CLASSROOM_RUNNER = 'faultlines';
export const CLASSROOM_RESULTS_ENV = `${CLASSROOM_RUNNER.toUpperCase()}_RESULTS`;

/** The one entry of a submission that could not be graded before any test was known. */
export const UNGRADABLE_TEST = 'Fault Lines can grade this submission';

export type ClassroomStatus = 'pass' | 'fail' | 'error';

export interface ClassroomTest {
  name: string;
  status: ClassroomStatus;
  score: number;
  message: string;
  test_code: string;
  filename: string;
  line_no: number;
  /** Milliseconds, as the command grader reports it. */
  duration: number;
}

export interface ClassroomResult {
  version: 1;
  status: ClassroomStatus;
  /** The verdict in words: PASS, FAIL or ERROR, the reasons, and which grader graded it. */
  message: string;
  max_score: number;
  tests: ClassroomTest[];
}

const STATUS: Record<SubmissionGrade['status'], ClassroomStatus> = { passed: 'pass', failed: 'fail', error: 'error' };
/** The reporter's input reaches it as one environment variable (at most 128 KiB on Linux). */
const MAX_JSON = 64 * 1024;
const MESSAGE_CAPS = [1000, 200, 0];

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').trim();
const firstLine = (s: string) => plain(s).split('\n')[0] ?? '';

/**
 * The reporter's input for one graded submission. `testList` is the lab's list of tests
 * (LabFolder.testList); without it the tests that ran stand for the list, padded to
 * `grade.total` with tests that did not run.
 */
export function toClassroomResult(grade: SubmissionGrade, testList?: readonly string[]): ClassroomResult {
  const status = STATUS[grade.status];
  const graded = grade.status !== 'error';
  const why = firstLine(grade.problems[0] ?? (graded ? 'not every test on the list passed' : 'ERROR'));
  const scoresNothing = graded ? `the run does not count (${why})` : `the submission could not be graded (${why})`;
  // The grader's points when it gives them; else its rule: points only from a PASS, or from a
  // FAIL whose only reasons are failed tests.
  const graderPoints = typeof grade.points === 'number' || grade.tests.some((t) => t.points !== undefined);
  const counts = grade.status === 'passed' || (grade.status === 'failed' && grade.problems.every((p) => / tests? failed$/.test(p)));
  const score = (runs: GradedTest[]) =>
    graderPoints ? Math.min(1, runs.reduce((n, t) => n + (t.points ?? 0), 0)) : counts && runs.length && runs.every((t) => t.state === 'passed') ? 1 : 0;

  const ran = new Map<string, GradedTest[]>();
  for (const t of grade.tests) {
    const key = testKey(t);
    ran.set(key, [...(ran.get(key) ?? []), t]);
  }
  const listed = testList ? [...new Set(testList)] : [...ran.keys()];

  const entries: ClassroomTest[] = listed.map((key) => {
    const runs = ran.get(key) ?? [];
    const entry = (s: ClassroomStatus, points: number, message: string): ClassroomTest => ({
      name: key,
      status: s,
      score: points,
      // The reporter prints only the message of an errored test, not its name.
      message: s === 'error' ? `${key}: ${message}` : message,
      test_code: '',
      filename: runs[0]?.file ?? key.split(' > ')[0] ?? '',
      line_no: 0,
      duration: Math.round(runs.reduce((ms, t) => ms + t.durationMs, 0)),
    });
    const points = score(runs);
    if (points > 0) return entry('pass', points, '');
    const s = graded ? 'fail' : 'error';
    const failed = runs.find((t) => t.state === 'failed');
    if (failed) return entry(s, 0, plain(failed.message ?? 'failed'));
    if (!runs.length) return entry(s, 0, graded ? 'did not run' : `did not run: ${scoresNothing}`);
    if (runs.some((t) => t.state !== 'passed')) return entry(s, 0, 'skipped, and a skipped test is not a pass');
    return entry(s, 0, `passed, but scores nothing: ${scoresNothing}`);
  });
  if (!testList) {
    for (let i = entries.length; i < grade.total; i++) {
      const name = `test ${i + 1} of the lab's ${grade.total}`;
      entries.push({ name, status: graded ? 'fail' : 'error', score: 0, message: graded ? 'did not run' : `${name}: did not run`, test_code: '', filename: '', line_no: 0, duration: 0 });
    }
  }
  if (!entries.length) {
    // Not even the lab was known (a marker naming no lab of the course): one point, not scored.
    entries.push({ name: UNGRADABLE_TEST, status: 'error', score: 0, message: `${UNGRADABLE_TEST}: ${grade.problems.map(plain).join('\n') || why}`, test_code: '', filename: '', line_no: 0, duration: 0 });
  }

  const version = grade.labVersion ? ` version ${grade.labVersion}` : '';
  const gradedBy = `Graded by Fault Lines, lab ${grade.lab || '(none)'}${version}.`;
  const reasons = grade.problems.map(plain).filter(Boolean);
  const message =
    status === 'pass'
      ? [`PASS. ${gradedBy}`, ...(grade.warnings?.length ? [`Type errors (reported, not graded): ${grade.warnings.length}`] : [])].join('\n')
      : [`${status === 'fail' ? 'FAIL' : 'ERROR'}: ${reasons.join('\n') || why}`, gradedBy].join('\n');

  // Keep the whole report small enough for one environment variable: shorten messages first.
  let result: ClassroomResult = { version: 1, status, message, max_score: entries.length, tests: entries };
  for (const cap of MESSAGE_CAPS) {
    const cut = (m: string) => (m.length > cap ? (cap ? m.slice(0, cap - 1) + '…' : '') : m);
    result = { ...result, message: cut(message) || message.slice(0, 200), tests: entries.map((t) => ({ ...t, message: cut(t.message) })) };
    if (JSON.stringify(result).length <= MAX_JSON) break;
  }
  return result;
}

/** The value of FAULTLINES_RESULTS: base64 of the result's JSON, as the reporter decodes it. */
export function encodeClassroomResult(result: ClassroomResult): string {
  return Buffer.from(JSON.stringify(result), 'utf8').toString('base64');
}

/** The points the reporter posts to Classroom ("Points <points>/<maxPoints>"). */
export function classroomPoints(result: ClassroomResult): { points: number; maxPoints: number } {
  return { points: result.tests.reduce((n, t) => n + t.score, 0), maxPoints: result.max_score };
}
