import { describe, expect, test } from 'vitest';
import { judge } from '../../../src/labs/verdict.ts';
import type { LabRunResult, LabTestResult } from '../../../src/labs/node-run.ts';

const t = (name: string, state: LabTestResult['state'] = 'passed'): LabTestResult => ({ file: 'tests/a.test.ts', name, title: name, state, durationMs: 1 });
const run = (tests: LabTestResult[], errors: string[] = []): LabRunResult => ({ tests, errors, exitCode: 0, durationMs: 1 });
const LIST = ['tests/a.test.ts > one', 'tests/a.test.ts > two', 'tests/a.test.ts > three'];

describe('what a run of a lab means', () => {
  test('a pass is every listed test run and passed, nothing else', () => {
    expect(judge(run([t('one'), t('two'), t('three')]), LIST, [])).toEqual({ status: 'passed', reasons: [] });
  });
  test('a skipped test is not a pass', () => {
    const v = judge(run([t('one'), t('two', 'skipped'), t('three')]), LIST, []);
    expect(v.status).toBe('failed');
    expect(v.reasons.join('\n')).toMatch(/1 test was skipped, and a skipped test is not a pass: "two"/);
  });
  test('a listed test that did not run is not a pass (a process that stopped half way, a suite that registered fewer)', () => {
    const v = judge(run([t('one'), t('two')]), LIST, []);
    expect(v.status).toBe('failed');
    expect(v.reasons.join('\n')).toMatch(/1 of the lab's 3 tests did not run: "tests\/a.test.ts > three"/);
  });
  test('a test that is not the lab\'s is not a pass', () => {
    const v = judge(run([t('one'), t('two'), t('three'), t('mine')]), LIST, []);
    expect(v.reasons.join('\n')).toMatch(/1 test is not among the lab's tests: "tests\/a.test.ts > mine"/);
  });
  test('a broken format rule fails a run whose tests all pass', () => {
    const v = judge(run([t('one'), t('two'), t('three')]), LIST, [{ file: 'x.ts', line: 3, column: 1, rule: 'shared-state', message: 'x.ts:3: shared' }]);
    expect(v).toEqual({ status: 'failed', reasons: ['x.ts:3: shared'] });
  });
  test('errors (a syntax error, a hang) make an ERROR, and so does a run with no test', () => {
    expect(judge(run([], ['Syntax error at x.ts:1:1']), LIST, []).status).toBe('error');
    expect(judge(run([]), LIST, []).status).toBe('error');
  });
});
