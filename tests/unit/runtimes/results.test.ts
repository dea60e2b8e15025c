import { describe, expect, it } from 'vitest';
import { codeFrame, parseStack, stripAnsi, toRunError } from '../../../src/runtimes/results.ts';
import { compareRuns, normalize } from '../../../src/runtimes/parity.ts';
import type { RunSummary } from '../../../src/runtimes/runtime.ts';

describe('parseStack', () => {
  it('reads V8 frames, with and without function names', () => {
    const stack = 'Error: x\n    at fn (/lab/a.ts:3:7)\n    at /lab/b.test.ts:10:2\n    at file:///tmp/x%20y/c.ts:1:1\n    at eval (eval at run (http://h/worker.js:1:2), /lab/d.ts:4:5)';
    expect(parseStack(stack)).toEqual([
      { file: '/lab/a.ts', line: 3, column: 7 },
      { file: '/lab/b.test.ts', line: 10, column: 2 },
      { file: '/tmp/x y/c.ts', line: 1, column: 1 },
      { file: '/lab/d.ts', line: 4, column: 5 },
    ]);
  });
});

describe('toRunError', () => {
  it('keeps lab frames only, strips colours, adds a code frame', () => {
    const e = toRunError(
      { name: 'AssertionError', message: '\x1b[31mexpected 1\x1b[39m', diff: '\x1b[32m- 2\x1b[39m', stack: 'AssertionError\n    at x (/vitest/dist/a.js:1:1)\n    at /lab/t.ts:2:3' } as never,
      (f) => (f.file.startsWith('/lab/') ? { file: f.file.slice(5), line: f.line, column: f.column } : null),
      () => 'one\ntwo\nthree',
    );
    expect(e).toEqual({
      name: 'AssertionError',
      message: 'expected 1',
      diff: '- 2',
      frames: [{ file: 't.ts', line: 2, column: 3 }],
      codeFrame: '  1 | one\n> 2 | two\n    |   ^\n  3 | three',
    });
  });
  it('strips ANSI', () => {
    expect(stripAnsi('\x1b[1mA\x1b[22m')).toBe('A');
    expect(codeFrame('a', 1, 1)).toBe('> 1 | a\n    | ^');
  });
});

describe('compareRuns', () => {
  const base: RunSummary = {
    state: 'fail', passed: 1, failed: 1, skipped: 0, durationMs: 5, fileErrors: [],
    tests: [
      { name: 'a', fullName: 'a', file: 't.ts', state: 'pass', durationMs: 1, errors: [] },
      { name: 'b', fullName: 'b', file: 't.ts', state: 'fail', durationMs: 1, errors: [{ name: 'Error', message: 'm', frames: [{ file: 't.ts', line: 4, column: 2 }] }] },
    ],
  };
  it('ignores timings and agrees with itself', () => {
    expect(compareRuns(base, { ...base, durationMs: 99 })).toEqual([]);
    expect(normalize(base)[1]).toEqual({ file: 't.ts', fullName: 'b', state: 'fail', error: 'Error: m', at: 't.ts:4:2' });
  });
  it('reports differing states and missing tests', () => {
    const other: RunSummary = { ...base, tests: [{ ...base.tests[0]!, state: 'fail' }] };
    const diff = compareRuns(base, other);
    expect(diff[0]).toMatch(/t.ts :: a: state differs/);
    expect(diff[1]).toMatch(/t.ts :: b: only in node/);
  });
});
