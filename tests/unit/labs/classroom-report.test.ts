/**
 * The grader's result for one submission as GitHub Classroom's reporter reads it
 * (classroom-resources/autograding-grading-reporter@v1): the points it posts to Classroom are
 * the grader's, the table it prints agrees with them, and only a PASS reaches full marks.
 */
import { describe, expect, test } from 'vitest';
import {
  CLASSROOM_RESULTS_ENV,
  CLASSROOM_RUNNER,
  UNGRADABLE_TEST,
  classroomPoints,
  encodeClassroomResult,
  toClassroomResult,
  type ClassroomResult,
} from '../../../src/labs/classroom-report.ts';
import type { GradedTest, SubmissionGrade } from '../../../src/labs/grade-report.ts';
import { readTestList } from '../../../src/labs/test-list.ts';

const LIST = ['tests/a.test.ts > one', 'tests/a.test.ts > two', 'tests/a.test.ts > three'];
const t = (name: string, state: GradedTest['state'] = 'passed', extra: Partial<GradedTest> = {}): GradedTest => ({ name, file: 'tests/a.test.ts', state, durationMs: 2.4, ...extra });
/** A test as the grader reports it: with its points (1 if it passed in a run that counts). */
const p = (name: string, state: GradedTest['state'], points: number, message?: string) => t(name, state, { points, ...(message ? { message } : {}) });

function grade(over: Partial<SubmissionGrade>): SubmissionGrade {
  const tests = over.tests ?? [];
  return {
    submission: 'alice',
    path: '/tmp/alice',
    lab: 'demo',
    status: 'passed',
    passed: tests.filter((x) => x.state === 'passed').length,
    failed: tests.filter((x) => x.state === 'failed').length,
    total: 3,
    tests,
    problems: [],
    ...(tests.some((x) => x.points !== undefined) ? { points: tests.reduce((n, x) => n + (x.points ?? 0), 0), maxPoints: 3 } : {}),
    ...over,
  };
}

/** What the reporter does with the value of FAULTLINES_RESULTS (its main.js, console-results.js, notify-classroom.js). */
function reporter(encoded: string) {
  const result = JSON.parse(Buffer.from(encoded, 'base64').toString('utf-8')) as ClassroomResult;
  const posted = { points: result.tests.reduce((n, x) => n + x.score, 0), max: result.max_score };
  const passed = result.tests.filter((x) => x.status === 'pass').length;
  const table = (passed / result.tests.length) * result.max_score;
  const failsRun = result.status === 'fail' || result.status === 'error';
  return { result, posted, table, failsRun };
}

/** The reporter's view: the posted points and its table agree, and are the grader's points. */
function seen(g: SubmissionGrade, list?: readonly string[]) {
  const r = toClassroomResult(g, list);
  const view = reporter(encodeClassroomResult(r));
  expect(view.result).toEqual(r);
  expect(view.table).toBe(view.posted.points);
  expect(view.failsRun).toBe(g.status !== 'passed');
  if (g.points !== undefined) expect(view.posted.points).toBe(g.points);
  if (g.maxPoints) expect(view.posted.max).toBe(g.maxPoints);
  return r;
}

describe('GitHub Classroom results', () => {
  test('the runner id and its environment variable', () => {
    expect(CLASSROOM_RUNNER).toMatch(/^[a-zA-Z0-9]+$/); // the reporter's own check on `runners`
    expect(CLASSROOM_RESULTS_ENV).toBe('FAULTLINES_RESULTS');
  });

  test('a PASS: every test on the list scores its point', () => {
    const g = grade({ tests: [p('one', 'passed', 1), p('two', 'passed', 1), p('three', 'passed', 1)], labVersion: '0123abcd', warnings: ['x.ts:1: type error'] });
    const r = seen(g, LIST);
    expect(r).toMatchObject({ version: 1, status: 'pass', max_score: 3 });
    expect(r.tests.map((x) => [x.name, x.status, x.score])).toEqual([
      ['tests/a.test.ts > one', 'pass', 1],
      ['tests/a.test.ts > two', 'pass', 1],
      ['tests/a.test.ts > three', 'pass', 1],
    ]);
    expect(r.tests[0]).toEqual({ name: 'tests/a.test.ts > one', status: 'pass', score: 1, message: '', test_code: '', filename: 'tests/a.test.ts', line_no: 0, duration: 2 });
    expect(r.message).toBe('PASS. Graded by Fault Lines, lab demo version 0123abcd.\nType errors (reported, not graded): 1');
    expect(classroomPoints(r)).toEqual({ points: 3, maxPoints: 3 });
  });

  test('a FAIL by failed tests: the tests that passed keep their points', () => {
    const g = grade({
      status: 'failed',
      tests: [p('one', 'passed', 1), p('two', 'failed', 0, '\x1b[31mexpected 2 to be 3\x1b[39m\n  at lamport.ts:4'), p('three', 'passed', 1)],
      problems: ['1 of 3 tests failed'],
    });
    const r = seen(g, LIST);
    expect(r.status).toBe('fail');
    expect(r.tests.map((x) => [x.status, x.score])).toEqual([['pass', 1], ['fail', 0], ['pass', 1]]);
    expect(r.tests[1]!.message).toBe('expected 2 to be 3\n  at lamport.ts:4');
    expect(r.message).toBe('FAIL: 1 of 3 tests failed\nGraded by Fault Lines, lab demo.');
  });

  test('a FAIL whose tests all pass (a broken rule of the lab) scores nothing, and each test says why', () => {
    const g = grade({ status: 'failed', tests: [p('one', 'passed', 0), p('two', 'passed', 0), p('three', 'passed', 0)], problems: ['lamport.ts:3: module-level state is shared by every node'] });
    const r = seen(g, LIST);
    expect(classroomPoints(r)).toEqual({ points: 0, maxPoints: 3 });
    expect(r.tests.every((x) => x.status === 'fail')).toBe(true);
    expect(r.tests[0]!.message).toBe('passed, but scores nothing: the run does not count (lamport.ts:3: module-level state is shared by every node)');
  });

  test('skipped, missing and extra tests: the list is what is reported, and nothing scores', () => {
    const g = grade({
      status: 'failed',
      total: 4,
      tests: [p('one', 'passed', 0), p('mine', 'passed', 0), p('three', 'skipped', 0)],
      problems: ['1 test was skipped, and a skipped test is not a pass: "three"', '2 of the lab\'s 4 tests did not run', '1 test is not among the lab\'s tests: "tests/a.test.ts > mine"'],
      points: 0,
      maxPoints: 4,
    });
    const r = seen(g, [...LIST, 'tests/a.test.ts > four']);
    expect(r.tests.map((x) => [x.name, x.status, x.score])).toEqual([
      ['tests/a.test.ts > one', 'fail', 0],
      ['tests/a.test.ts > two', 'fail', 0],
      ['tests/a.test.ts > three', 'fail', 0],
      ['tests/a.test.ts > four', 'fail', 0],
    ]);
    expect(r.tests.map((x) => x.message.split(':')[0])).toEqual(['passed, but scores nothing', 'did not run', 'skipped, and a skipped test is not a pass', 'did not run']);
    expect(r.message).toMatch(/^FAIL: 1 test was skipped.*\n2 of the lab's 4 tests did not run\n1 test is not among the lab's tests/);
  });

  test('an ERROR scores nothing, and every message names its test (the reporter prints only the message of an error)', () => {
    const g = grade({ status: 'error', tests: [p('one', 'passed', 0), p('two', 'failed', 0, 'boom')], problems: ['Stopped after 20 s with no test finishing, in "three"'] });
    const r = seen(g, LIST);
    expect(r.status).toBe('error');
    expect(classroomPoints(r)).toEqual({ points: 0, maxPoints: 3 });
    expect(r.tests.map((x) => x.status)).toEqual(['error', 'error', 'error']);
    expect(r.tests[0]!.message).toBe('tests/a.test.ts > one: passed, but scores nothing: the submission could not be graded (Stopped after 20 s with no test finishing, in "three")');
    expect(r.tests[1]!.message).toBe('tests/a.test.ts > two: boom');
    expect(r.tests[2]!.message).toMatch(/^tests\/a.test.ts > three: did not run: the submission could not be graded/);
    expect(r.message).toMatch(/^ERROR: Stopped after 20 s/);
  });

  test('a file missing: nothing ran; without the list, the lab\'s total still sets max_score', () => {
    const g = grade({ status: 'error', problems: ['lamport.ts is missing: the lab\'s files are lamport.ts'], points: 0, maxPoints: 3 });
    const r = seen(g);
    expect(r.max_score).toBe(3);
    expect(r.tests.map((x) => [x.name, x.status])).toEqual([
      ["test 1 of the lab's 3", 'error'],
      ["test 2 of the lab's 3", 'error'],
      ["test 3 of the lab's 3", 'error'],
    ]);
  });

  test('not even the lab is known: one unscored point, saying why', () => {
    const g = grade({ status: 'error', lab: '', total: 0, problems: ['"../x" is not a lab of this course'], points: 0, maxPoints: 0 });
    const r = seen(g);
    expect(r.max_score).toBe(1);
    expect(r.tests).toMatchObject([{ name: UNGRADABLE_TEST, status: 'error', score: 0, message: `${UNGRADABLE_TEST}: "../x" is not a lab of this course` }]);
    expect(r.message).toBe('ERROR: "../x" is not a lab of this course\nGraded by Fault Lines, lab (none).');
  });

  test('without the grader\'s points, the same rule: a FAIL by failed tests keeps its points, a broken rule none', () => {
    const byTests = seen(grade({ status: 'failed', tests: [t('one'), t('two', 'failed'), t('three')], problems: ['1 of 3 tests failed'] }), LIST);
    expect(classroomPoints(byTests)).toEqual({ points: 2, maxPoints: 3 });
    const byRule = seen(grade({ status: 'failed', tests: [t('one'), t('two'), t('three')], problems: ['x.ts:1: reads the host clock'] }), LIST);
    expect(classroomPoints(byRule)).toEqual({ points: 0, maxPoints: 3 });
    const pass = seen(grade({ tests: [t('one'), t('two'), t('three')] }), LIST);
    expect(classroomPoints(pass)).toEqual({ points: 3, maxPoints: 3 });
  });

  test('the report stays small enough for one environment variable, however long the failures', () => {
    const list = Array.from({ length: 120 }, (_, i) => `tests/a.test.ts > t${i}`);
    const tests = list.map((_, i) => p(`t${i}`, 'failed', 0, 'x'.repeat(5000)));
    const r = seen(grade({ status: 'failed', total: 120, tests, problems: ['120 of 120 tests failed'], points: 0, maxPoints: 120 }), list);
    expect(JSON.stringify(r).length).toBeLessThanOrEqual(64 * 1024);
    expect(encodeClassroomResult(r).length).toBeLessThan(128 * 1024);
    expect(r.max_score).toBe(120);
    expect(r.tests[0]!.message.length).toBeLessThanOrEqual(200);
  });

  test('a real lab: Lamport clocks has one point per test of labs/lamport-clocks/tests.json', () => {
    const list = readTestList('labs/lamport-clocks')!;
    const tests = list.map((key) => {
      const [file, ...name] = key.split(' > ');
      return { ...p(name.join(' > '), 'passed', 1), file: file! };
    });
    const r = seen(grade({ lab: 'lamport-clocks', total: list.length, tests, points: list.length, maxPoints: list.length }), list);
    expect(classroomPoints(r)).toEqual({ points: list.length, maxPoints: list.length });
    expect(r.tests.map((x) => x.name)).toEqual(list);
    // Without the list (how npm run grade --classroom calls it), the same.
    expect(toClassroomResult(grade({ lab: 'lamport-clocks', total: list.length, tests, points: list.length, maxPoints: list.length }))).toEqual(r);
  });
});
