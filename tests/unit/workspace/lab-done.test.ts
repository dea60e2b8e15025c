import { describe, expect, it } from 'vitest';
import type { RunSummary, TestResult } from '../../../src/runtimes/runtime.ts';
import { isFullRun, labDone } from '../../../src/workspace/lab-done.ts';

const test = (fullName: string, state: TestResult['state'] = 'pass'): TestResult => ({ name: fullName, fullName, file: 'tests/a.test.ts', state, durationMs: 1, errors: [] });
function summary(tests: TestResult[], extra: Partial<RunSummary> = {}): RunSummary {
  const passed = tests.filter((t) => t.state === 'pass').length;
  const failed = tests.filter((t) => t.state === 'fail').length;
  return { state: failed ? 'fail' : 'pass', passed, failed, skipped: tests.length - passed - failed, tests, fileErrors: [], durationMs: 1, ...extra };
}
const three = [test('a'), test('b'), test('c')];

describe('labDone', () => {
  it('is true for a full run in which every test of the lab passed', () => {
    expect(labDone(summary(three), {}, 3)).toBe(true);
    expect(labDone(summary(three), {}, undefined)).toBe(true);
  });
  it('is false for part of the suite: a filter, a file list, a replayed seed', () => {
    expect(isFullRun({ filter: 'a' })).toBe(false);
    expect(labDone(summary(three), { filter: 'a' }, 3)).toBe(false);
    expect(labDone(summary(three), { files: ['tests/a.test.ts'] }, 3)).toBe(false);
    expect(labDone(summary(three), { seed: 2 }, 3)).toBe(false);
  });
  it('never counts a skipped test as a pass, nor a run with fewer (or more) tests than the lab has', () => {
    expect(labDone(summary([test('a'), test('b'), test('c', 'skip')]), {}, 3)).toBe(false);
    expect(labDone(summary([test('a'), test('b')]), {}, 3)).toBe(false);
    expect(labDone(summary([...three, test('d')]), {}, 3)).toBe(false);
    expect(labDone(summary([]), {}, undefined)).toBe(false);
  });
  it('is false for a failure, an error outside a test, a cancel, or the same test twice', () => {
    expect(labDone(summary([test('a'), test('b', 'fail'), test('c')]), {}, 3)).toBe(false);
    expect(labDone(summary(three, { fileErrors: [{ file: '', error: { name: 'Error', message: 'x', frames: [] } }] }), {}, 3)).toBe(false);
    expect(labDone(summary(three, { state: 'cancelled' }), {}, 3)).toBe(false);
    expect(labDone(summary([test('a'), test('a'), test('c')]), {}, 3)).toBe(false);
  });
  it('does not believe counts that disagree with the tests (a forged summary)', () => {
    expect(labDone(summary([test('a', 'fail')], { state: 'pass', passed: 3, failed: 0, skipped: 0 }), {}, 3)).toBe(false);
    expect(labDone({ ...summary([]), passed: 3 }, {}, 3)).toBe(false);
    expect(labDone(summary(three, { skipped: 1 }), {}, 3)).toBe(false);
  });
});
