import { describe, expect, test } from 'vitest';
import type { RunError } from '../../../src/runtimes/runtime.ts';
import { createTestReporter, formatDuration, seedOf } from '../../../src/workspace/shell/reporter.ts';
import { FakeRun, FakeTerminal, result, summarize } from '../../../src/workspace/shell/testing.ts';
import { PROMPT, settle, start } from './helpers.ts';

const FILE = 'tests/lamport.test.ts';
const diffError: RunError = {
  name: 'AssertionError',
  message: 'compareEvents(n1@7, n2@7): expected +0 to be -1 // Object.is equality',
  diff: '- Expected\n+ Received\n\n- -1\n+ 0',
  frames: [{ file: FILE, line: 68, column: 12 }],
  codeFrame: "  66 |     const a = { node: 'n1', ts: 7 };\n  67 |     const b = { node: 'n2', ts: 7 };\n> 68 |     expect(Math.sign(compareEvents(a, b))).toBe(-1);\n     |            ^\n  69 |   });",
};
const seedError: RunError = {
  name: 'LabFailure',
  message:
    'On n2, the receive at 35.7 ms got timestamp 45, and the next event, a send at 36.0 ms, got 45.\nNodes involved: n2.\n\nSeed 3. Replay it with: npm run lab -- lamport-clocks --seed 3',
  frames: [{ file: FILE, line: 81, column: 15 }],
};

/** A reporter on a fake terminal, fed the events of `play`. */
function report(cols: number, play: (run: FakeRun) => void, opts: { seed?: number; filter?: string } = {}) {
  const term = new FakeTerminal(cols);
  const reporter = createTestReporter(term);
  reporter.start({ labId: 'lamport-clocks', ...opts });
  const run = new FakeRun({}, (e) => reporter.event(e));
  play(run);
  return { term, reporter, run };
}

const twoSuites = (run: FakeRun) => {
  run.emitFile(FILE, [
    result('tick() gives a bigger timestamp', 'pass', { suite: 'LamportClock', file: FILE, durationMs: 4 }),
    result('compareEvents breaks a tie', 'fail', { suite: 'LamportClock', file: FILE, durationMs: 3, errors: [diffError] }),
    result('each node stamps its own events (seed 3)', 'fail', { suite: 'a cluster', file: FILE, durationMs: 5, errors: [seedError] }),
    result('each node stamps its own events (seed 4)', 'pass', { suite: 'a cluster', file: FILE, durationMs: 450 }),
  ]);
  run.finish({ durationMs: 918 });
};

describe('a passing run', () => {
  test('one line per file and the summary block', () => {
    const { term } = report(80, (run) => {
      run.emitFile(FILE, [result('a', 'pass', { file: FILE, durationMs: 2 }), result('b', 'pass', { file: FILE, durationMs: 3 })]);
      run.emitFile('tests/other.test.ts', [result('c', 'pass', { file: 'tests/other.test.ts' })]);
      run.finish({ durationMs: 1534 });
    });
    expect(term.text()).toBe(
      [
        '',
        ' RUN  lamport-clocks',
        '',
        ' ✓ tests/lamport.test.ts (2 tests) 5ms',
        ' ✓ tests/other.test.ts (1 test) 1ms',
        '',
        ' Test Files  2 passed (2)',
        '      Tests  3 passed (3)',
        '   Duration  1.53s',
      ].join('\n'),
    );
  });

  test('colours like Vitest: green ticks, cyan RUN badge', () => {
    const { term } = report(80, (run) => {
      run.emitFile(FILE, [result('a', 'pass', { file: FILE })]);
      run.finish();
    });
    expect(term.raw).toContain('\x1b[32m✓\x1b[39m');
    expect(term.raw).toContain('\x1b[46m');
  });
});

describe('a failing run', () => {
  test('lists the tests of the failing file under their suites, with durations', () => {
    const { term } = report(100, twoSuites);
    expect(term.text()).toContain(
      [
        ' ❯ tests/lamport.test.ts (4 tests | 2 failed) 462ms',
        '   ❯ LamportClock (2)',
        '     ✓ tick() gives a bigger timestamp 4ms',
        '     × compareEvents breaks a tie 3ms',
        '   ❯ a cluster (2)',
        '     × each node stamps its own events (seed 3) 5ms',
        '     ✓ each node stamps its own events (seed 4) 450ms',
      ].join('\n'),
    );
  });

  test('prints each failure: name path, message, coloured diff, location and code frame', () => {
    const { term } = report(80, twoSuites);
    const text = term.text();
    expect(text).toContain(' Failed Tests 2 ');
    expect(text).toContain(
      [
        ' FAIL  tests/lamport.test.ts > LamportClock > compareEvents breaks a tie',
        'AssertionError: compareEvents(n1@7, n2@7): expected +0 to be -1 // Object.is',
        'equality',
        '',
        '- Expected',
        '+ Received',
        '',
        '- -1',
        '+ 0',
        '',
        ' ❯ tests/lamport.test.ts:68:12',
        "    66|     const a = { node: 'n1', ts: 7 };",
        "    67|     const b = { node: 'n2', ts: 7 };",
        '    68|     expect(Math.sign(compareEvents(a, b))).toBe(-1);',
        '      |            ^',
        '    69|   });',
      ].join('\n'),
    );
    expect(text).toMatch(/─+\[1\/2\]─/);
    expect(term.raw).toContain('\x1b[32m- -1\x1b[39m');
    expect(term.raw).toContain('\x1b[31m+ 0\x1b[39m');
    expect(term.raw).toContain('\x1b[41m'); // the FAIL badge
  });

  test('makes the seed prominent and says how to replay it in the page', () => {
    const { term, reporter } = report(80, twoSuites);
    const text = term.text();
    expect(text).toContain(
      [
        'Seed 3. Replay it with: npm run lab -- lamport-clocks --seed 3',
        '↳ Replay it here: npm test -- --seed 3, and see the run with the "Show run"',
        '  button.',
      ].join('\n'),
    );
    expect(term.raw).toMatch(/\x1b\[33m\x1b\[1mSeed 3\. Replay it with/);
    expect(text).toMatch(/Replay a failing seed in this page: npm test -- --seed 3\. Then press "Show run"\s+to step through that run\./);
    expect(reporter.failingSeeds).toEqual([3]);
    expect(seedOf(seedError.message)).toBe(3);
    expect(seedOf('no seed')).toBeUndefined();
  });

  test('the summary counts failed, passed and skipped tests and files', () => {
    const { term } = report(80, (run) => {
      run.emitFile(FILE, [result('a', 'fail', { file: FILE }), result('b', 'pass', { file: FILE }), result('c', 'skip', { file: FILE })]);
      run.emitFile('tests/b.test.ts', [result('d', 'pass', { file: 'tests/b.test.ts' })]);
      run.finish({ durationMs: 40 });
    });
    expect(term.text()).toMatch(/ Test Files {2}1 failed \| 1 passed \(2\)\n {6}Tests {2}1 failed \| 2 passed \| 1 skipped \(4\)\n {3}Duration {2}40ms$/);
  });

  test('a file that fails to load: a suite error with its location', () => {
    const { term } = report(80, (run) => {
      run.emit({ type: 'file-start', file: FILE });
      run.emit({
        type: 'file-error',
        file: FILE,
        error: { name: 'SyntaxError', message: "lamport.ts: Unexpected token, expected \";\" (12:5)", frames: [{ file: 'lamport.ts', line: 12, column: 5 }] },
      });
      run.finish();
    });
    const text = term.text();
    expect(text).toContain(' ❯ tests/lamport.test.ts (0 tests)');
    expect(text).toContain(' Failed Suites 1 ');
    expect(text).toContain(' FAIL  tests/lamport.test.ts\nSyntaxError: lamport.ts: Unexpected token, expected ";" (12:5)\n ❯ lamport.ts:12:5');
    expect(text).toContain(' Test Files  1 failed (1)');
    expect(text).toContain('      Tests  no tests (0)');
  });

  test('errors outside any test are shown as unhandled errors', () => {
    const { term } = report(80, (run) => {
      run.emitFile(FILE, [result('a', 'pass', { file: FILE })]);
      run.emit({ type: 'file-error', file: '', error: { name: 'Error', message: 'late timer blew up', frames: [] } });
      run.finish();
    });
    expect(term.text()).toContain(' Unhandled Errors ');
    expect(term.text()).toContain('Error: late timer blew up');
  });
});

describe('a hung test', () => {
  test('a red notice names the test, suspects a loop and says the runtime restarted', () => {
    const { term } = report(80, (run) => {
      run.emit({ type: 'file-start', file: FILE });
      run.emit({ type: 'test-start', file: FILE, fullName: 'LamportClock > receive()', timeoutMs: 5000 });
      run.emit({ type: 'hung', file: FILE, fullName: 'LamportClock > receive()', reason: 'timeout', afterMs: 6000 });
      run.emit({
        type: 'test-end',
        ...result('receive()', 'fail', {
          suite: 'LamportClock',
          file: FILE,
          durationMs: 6000,
          errors: [{ name: 'Error', message: 'this test did not finish within 6000 ms: an infinite loop?', frames: [] }],
        }),
      });
      run.finish({ durationMs: 6100 });
    });
    const text = term.text();
    expect(text).toContain(
      [
        ' STOPPED  tests/lamport.test.ts > LamportClock > receive()',
        'This test never returned: it ran for 6.0 s without giving control back. An',
        '  infinite loop?',
        'The test runtime was restarted. Tests after this one did not run.',
      ].join('\n'),
    );
    expect(text).toContain('    Stopped  LamportClock > receive() never returned');
    expect(term.raw).toMatch(/\x1b\[31mThis test never returned/);
  });

  test('a crash says so', () => {
    const { term } = report(80, (run) => {
      run.emit({ type: 'hung', file: FILE, fullName: 'big', reason: 'crashed', afterMs: 1200 });
      run.finish();
    });
    expect(term.text()).toContain('The test runtime crashed while running this test (after 1.2 s). Out of memory?');
  });
});

describe('progress and console output', () => {
  test('a one-row progress line shows the running test, and is gone from the final output', () => {
    const { term, run } = report(60, () => {});
    run.emit({ type: 'file-start', file: FILE });
    run.emit({ type: 'test-start', file: FILE, fullName: 'a cluster > a very long test name that does not fit in sixty columns at all', timeoutMs: 5000 });
    const status = term.currentLine();
    expect(status).toMatch(/^ ❯ tests\/lamport\.test\.ts 0\/… a cluster > a very/);
    expect(status.length).toBeLessThan(60);
    expect(status.endsWith('…')).toBe(true);
    run.emit({ type: 'test-end', ...result('x', 'pass', { file: FILE }) });
    run.finish();
    expect(term.text()).not.toContain('0/…');
    expect(term.text()).not.toContain('1/…');
  });

  test('console output is printed with where it came from', () => {
    const { term } = report(80, (run) => {
      run.emit({ type: 'file-start', file: FILE });
      run.emit({ type: 'console', stream: 'stdout', text: 'clock is 3\n', file: FILE, fullName: 'LamportClock > tick' });
      run.emit({ type: 'test-end', ...result('tick', 'pass', { suite: 'LamportClock', file: FILE }) });
      run.finish();
    });
    expect(term.text()).toContain('stdout | tests/lamport.test.ts > LamportClock > tick\nclock is 3\n');
  });

  test('the header names the seed and filter being run', () => {
    const { term } = report(80, (run) => run.finish(), { seed: 3, filter: 'receive' });
    expect(term.text()).toContain(' RUN  lamport-clocks seed 3 · -t "receive"');
  });

  test('a filter that matches no test name says so', () => {
    const { term } = report(80, (run) => {
      run.emitFile(FILE, [result('a', 'skip', { file: FILE })]);
      run.finish();
    }, { filter: 'nope' });
    expect(term.text()).toContain('No test name contains "nope".');
  });

  test('finish() without events prints everything from the summary', () => {
    const term = new FakeTerminal(80);
    const reporter = createTestReporter(term);
    reporter.finish(summarize([result('a', 'fail', { file: FILE, errors: [seedError] })]));
    expect(term.text()).toContain(' ❯ tests/lamport.test.ts (1 test | 1 failed)');
    expect(term.text()).toContain('Seed 3. Replay it with');
    reporter.finish(summarize([]));
    expect(term.text().match(/Test Files/g)).toHaveLength(1);
  });
});

describe('narrow terminals', () => {
  test('at 40 columns every row fits, commands are not split, code frames are cut', () => {
    const { term } = report(40, twoSuites);
    for (const l of term.lines()) expect(l.length, l).toBeLessThanOrEqual(40);
    const text = term.text();
    expect(text).toMatch(/npm test -- --seed 3/);
    expect(text).toContain('     × each node stamps its own events\n       (seed 3) 5ms');
    expect(text).toMatch(/ {4}68\| {5}expect\(Math\.sign\(compare\w*…/);
  });

  test('at 24 columns nothing breaks', () => {
    const { term } = report(24, twoSuites);
    for (const l of term.lines()) expect(l.length, l).toBeLessThanOrEqual(24);
    expect(term.text()).toContain('Tests  2 failed');
  });
});

describe('inside the shell', () => {
  test('npm test shows the whole report, then the prompt', async () => {
    const { term, enter } = start({ host: { script: twoSuites } });
    await enter('npm test');
    const lines = term.lines();
    expect(lines[0]).toBe(`${PROMPT}npm test`);
    expect(term.text()).toContain(' Failed Tests 2 ');
    expect(lines[lines.length - 1]).toBe(PROMPT.trimEnd());
  });

  test('a replayed seed run passes the seed and says so in the header', async () => {
    const { term, host, enter } = start({ host: { script: (r) => r.finish() } });
    await enter('npm test -- --seed 3');
    await settle();
    expect(host.lastRun().request).toEqual({ seed: 3 });
    expect(term.text()).toContain(' RUN  lamport-clocks seed 3');
  });
});

test('formatDuration', () => {
  expect(formatDuration(0.4)).toBe('0ms');
  expect(formatDuration(918)).toBe('918ms');
  expect(formatDuration(1234)).toBe('1.23s');
  expect(formatDuration(12_345)).toBe('12.3s');
});
