/**
 * Submissions a red team wrote against the first version of the grader's sandbox, in four
 * labs; each then made `npm run grade` say PASS with full points, read the reference
 * solution, wrote outside its folder and reached the network (tests/fixtures/redteam/):
 *
 * - lamport-eval, vc-eval: a method that is the learner realm's `eval`, named across the
 *   membrane as a built-in, so the support code called the host's eval with learner text;
 * - raft-set: a host Set's forEach, handed out by reference, given eval as its callback;
 * - rpc-asyncfn: the constructor of a host async function (`send.constructor(body)`);
 * - lamport-forge, fd-forge: requests forged by hooking Array.prototype.toJSON in the
 *   learner's realm, re-prototyping the host's own services object.
 *
 * And a second round, against the hardened version, which again got PASS in every lab:
 *
 * - A-unhandled-*: `Promise.reject(array)` at load; Node hands the raw value of the learner's
 *   realm to the process's unhandledRejection listeners, and Vitest's called its forEach with
 *   a host callback, whose constructor is the host's Function;
 * - B-exportname-*: a string export name (`export { X as "a; code; b" }`) spliced into the
 *   stand-in module's code;
 * - C-membrane-arrayfrom-*: `Reflect.set(hostObject, 'from', f, Array)`, a set whose receiver
 *   was a host built-in, replacing Array.from (which Vitest's runner sends results through).
 *
 * Each must now be graded FAIL or ERROR, leave no file behind and make no connection.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { grade, listen, REPO, SOLUTION_PATH, type GradeRun, type Listener, type Where } from './harness.ts';

const FIXTURES = join(REPO, 'tests/fixtures/redteam');
const NAMES = readdirSync(FIXTURES).sort();
const tmp = mkdtempSync(join(tmpdir(), 'faultlines-redteam-'));
let server: Listener;
let run: GradeRun;
let w: Where;

let before: string[] = [];

beforeAll(async () => {
  before = readdirSync(tmpdir());
  server = await listen();
  w = { repo: REPO, cohort: join(tmp, 'cohort'), out: join(tmp, 'out'), canary: join(tmp, 'canary'), port: server.port, testPid: process.pid };
  mkdirSync(w.canary, { recursive: true });
  writeFileSync(join(w.canary, 'canary.txt'), 'untouched');
  for (const name of NAMES) {
    const dir = join(w.cohort, name);
    cpSync(join(FIXTURES, name), dir, { recursive: true });
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      const text = readFileSync(p, 'utf8')
        .split('@@CANARY@@').join(join(w.canary, `redteam-${name}`))
        .split('@@SOLUTION@@').join(SOLUTION_PATH)
        .split('@@REPO@@').join(REPO)
        .split('@@PORT@@').join(String(server.port));
      writeFileSync(p, text);
    }
  }
  run = await grade(w, [], { timeoutMs: 20 * 60_000 });
}, 25 * 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the red team\'s escapes', () => {
  test('the grade finishes, exits 1 and reports every submission', () => {
    expect(run.timedOut, run.output).toBe(false);
    expect(run.code, run.output).toBe(1);
    expect(run.report?.submissions.map((s) => s.submission).sort()).toEqual(NAMES);
  });

  for (const name of NAMES) {
    test(`${name}: graded FAIL or ERROR, with a reason`, () => {
      const g = run.report!.submissions.find((s) => s.submission === name)!;
      expect(['failed', 'error'], `${name}: ${g.status} ${g.problems.join('; ')}`).toContain(g.status);
      expect(g.problems.join(' ')).toMatch(/\w{3}/);
    });
  }

  test('nothing was written outside, and nothing reached the network', () => {
    expect(readdirSync(w.canary)).toEqual(['canary.txt']);
    // Some payloads are encoded and name their own places: /tmp/redteam2-canary-*.
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('redteam2-canary') && !before.includes(f))).toEqual([]);
    expect(readFileSync(join(w.canary, 'canary.txt'), 'utf8')).toBe('untouched');
    expect(server.connections).toEqual([]);
    expect(existsSync(join(w.out, 'grades.json'))).toBe(true);
  });
});
