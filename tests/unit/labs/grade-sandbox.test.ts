/**
 * The grader's second wall: the test process of a graded run is under Node's permission
 * model. Learner code never gets Node's APIs (the realm has none), so this test plays the
 * part of code that did: a test file of the graded folder that tries what a submission
 * would, and must be refused each time.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { materialize, runLabTests } from '../../../src/labs/node-run.ts';

const tmp = mkdtempSync(join(tmpdir(), 'faultlines-wall-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a graded run\'s test process', { timeout: 300_000 }, () => {
  test('writes nothing, reads only its scratch folder and the kit, starts no process or thread', async () => {
    const canary = join(tmp, 'outside', 'canary.txt');
    const solution = resolve('labs/lamport-clocks/solution/lamport.ts');
    const dir = join(tmp, 'graded');
    materialize(
      {
        'x.ts': 'export const x = 1;\n',
        'tests/wall.test.ts': `
import { test, expect } from 'vitest';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as cp from 'node:child_process';
import { Worker } from 'node:worker_threads';
const denied = (f: () => unknown) => { try { f(); return 'allowed'; } catch (e) { return (e as { code?: string }).code ?? String(e); } };
test('no write outside', () => { expect(denied(() => { mkdirSync(${JSON.stringify(join(tmp, 'outside'))}, { recursive: true }); writeFileSync(${JSON.stringify(canary)}, 'x'); })).toBe('ERR_ACCESS_DENIED'); });
test('no read of the labs', () => { expect(denied(() => readFileSync(${JSON.stringify(solution)}, 'utf8'))).toBe('ERR_ACCESS_DENIED'); });
test('no read elsewhere', () => { expect(denied(() => readFileSync('/etc/hostname', 'utf8'))).toBe('ERR_ACCESS_DENIED'); });
test('no process', () => { expect(denied(() => cp.execFileSync('true'))).toBe('ERR_ACCESS_DENIED'); });
test('no thread', () => { expect(denied(() => new Worker('1', { eval: true }))).toBe('ERR_ACCESS_DENIED'); });
test('no write even in its own folder, so no link to lead out of it', () => {
  expect(denied(() => writeFileSync(${JSON.stringify(join(dir, 'mine.txt'))}, 'ok'))).toBe('ERR_ACCESS_DENIED');
  expect(denied(() => symlinkSync('/', ${JSON.stringify(join(dir, 'out'))}))).toBe('ERR_ACCESS_DENIED');
});
test('its own folder is readable', () => { expect(readFileSync(${JSON.stringify(join(dir, 'x.ts'))}, 'utf8')).toContain('export const x'); });
`,
      },
      dir,
    );
    const r = await runLabTests(dir, { learnerFiles: ['x.ts'], isolate: true, stallMs: 120_000 });
    expect(r.errors).toEqual([]);
    expect(r.tests.map((t) => [t.title, t.state, t.message?.split('\n')[0]])).toEqual([
      ['no write outside', 'passed', undefined],
      ['no read of the labs', 'passed', undefined],
      ['no read elsewhere', 'passed', undefined],
      ['no process', 'passed', undefined],
      ['no thread', 'passed', undefined],
      ['no write even in its own folder, so no link to lead out of it', 'passed', undefined],
      ['its own folder is readable', 'passed', undefined],
    ]);
    expect(existsSync(canary)).toBe(false);
  });
});
