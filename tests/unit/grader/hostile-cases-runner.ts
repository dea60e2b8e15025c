/** Hostile submissions aimed at the test runner: skipping tests, rewriting results, killing the test process. */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { LAB, REPO, SOLUTION, SOLUTION_PATH, STARTER, symlink, tag, type Submission, type Where } from './harness.ts';
import { edited, honest, escapeAtModule, escapeInConstructor, exportsFrom, fakeReport, lateExports, mark, q, starterPlus, STOPPED, TESTS_JSON, withRequire } from './hostile-helpers.ts';

export const runnerCases: Submission[] = [
  // --- Skipping the tests --------------------------------------------------------------
  {
    name: 'skip-beforeEach',
    attack: 'skips every test from a beforeEach hook registered at import (ctx.skip())',
    file: starterPlus(() => `import { beforeEach } from 'vitest';\nbeforeEach((ctx) => ctx.skip());`),
  },
  {
    name: 'skip-beforeAll-modes',
    attack: "marks every collected test mode 'skip' from beforeAll",
    file: starterPlus(() => `import { beforeAll } from 'vitest';
beforeAll((_ctx, suite: any) => { const walk = (s: any) => s.tasks?.forEach((t: any) => { t.mode = 'skip'; walk(t); }); walk(suite); });`),
  },
  {
    name: 'todo-beforeAll-modes',
    attack: "marks every collected test mode 'todo' from beforeAll",
    file: starterPlus(() => `import { beforeAll } from 'vitest';
beforeAll((_ctx, suite: any) => { const walk = (s: any) => s.tasks?.forEach((t: any) => { t.mode = 'todo'; walk(t); }); walk(suite); });`),
  },
  {
    name: 'skip-via-globals',
    attack: 'reaches Vitest without importing it (globalThis.__vitest_index__) and skips every test',
    file: starterPlus(() => `(globalThis as any)['__vitest_' + 'index__'].beforeEach((ctx: any) => ctx.skip());`),
  },
  {
    name: 'aroundEach-skips-body',
    attack: 'an aroundEach hook that never runs the test body',
    file: starterPlus(() => `import { aroundEach } from 'vitest';\naroundEach(async () => {});`),
  },
  {
    name: 'aroundAll-skips-suite',
    attack: 'an aroundAll hook that never runs the suite',
    file: starterPlus(() => `import { aroundAll } from 'vitest';\naroundAll(async () => {});`),
  },
  {
    name: 'adds-own-tests',
    attack: 'registers a test of its own from the learner file',
    file: starterPlus(() => `import { test as t } from 'vitest';\nt('every timestamp is fine', () => {});`),
  },

  // --- Rewriting results ---------------------------------------------------------------
  {
    name: 'rewrite-afterEach',
    attack: "rewrites each test's result to pass in afterEach",
    file: starterPlus(() => `import { afterEach } from 'vitest';
afterEach((ctx) => { const r: any = ctx.task.result; if (r) { r.state = 'pass'; r.errors = []; } });`),
  },
  {
    name: 'rewrite-onTestFinished',
    attack: "rewrites each test's result to pass in onTestFinished",
    file: starterPlus(() => `import { beforeEach } from 'vitest';
beforeEach((ctx) => ctx.onTestFinished((c) => { const r: any = c.task.result; if (r) { r.state = 'pass'; r.errors = []; } }));`),
  },
  {
    name: 'rewrite-afterAll-suite',
    attack: 'rewrites every result of the file to pass in afterAll',
    file: starterPlus(() => `import { afterAll } from 'vitest';
afterAll((_ctx, suite: any) => { const walk = (s: any) => s.tasks?.forEach((t: any) => { if (t.result) { t.result.state = 'pass'; t.result.errors = []; } walk(t); }); walk(suite); });`),
  },
  {
    name: 'forge-rpc-updates',
    attack: "sends forged 'pass' task updates over Vitest's worker RPC after each test and at the end",
    file: starterPlus(() => `import { afterAll, afterEach } from 'vitest';
const w: any = (globalThis as any).__vitest_worker__;
const forge = (t: any) => [t.id, { ...t.result, state: 'pass', errors: undefined }, t.meta];
afterEach((ctx) => { try { w.rpc.onTaskUpdate([forge(ctx.task)], []); } catch {} });
afterAll((_ctx, suite: any) => { const all: any[] = []; const walk = (s: any) => s.tasks?.forEach((t: any) => { if (t.type === 'test') all.push(forge(t)); walk(t); }); walk(suite); try { w.rpc.onTaskUpdate(all, []); } catch {} });`),
  },
  {
    name: 'patch-expect-extend',
    attack: 'replaces toBe and friends with matchers that always pass (expect.extend)',
    file: starterPlus(() => `import { expect } from 'vitest';
const yes = () => ({ pass: true, message: () => '' });
expect.extend({ toBe: yes, toEqual: yes, toStrictEqual: yes, toBeGreaterThan: yes, toBeLessThan: yes, toBeTruthy: yes });`),
  },
  {
    name: 'patch-jest-matchers-object',
    attack: "patches globalThis[Symbol.for('$$jest-matchers-object')] so matchers never fail",
    file: starterPlus(() => `const jm: any = (globalThis as any)[Symbol.for('$$jest-matchers-object')];
for (const k of Object.keys(jm.matchers)) jm.matchers[k] = function (this: any) { return this; };
jm.state.assertionCalls = 0;`),
  },
  {
    name: 'patch-assertion-prototype',
    attack: "overwrites the assertion prototype's toBe/toBeGreaterThan with no-ops",
    file: starterPlus(() => `import { expect } from 'vitest';
const proto = Object.getPrototypeOf(expect(0));
for (const k of ['toBe', 'toEqual', 'toStrictEqual', 'toBeGreaterThan', 'toBeLessThan', 'toBeTruthy']) Object.defineProperty(proto, k, { configurable: true, value: function (this: any) { return this; } });`),
  },
  {
    name: 'patch-object-is',
    attack: 'makes Object.is (behind toBe) always true',
    file: starterPlus(() => `Object.is = () => true;`),
  },
  {
    name: 'patch-object-prototype-toJSON',
    attack: "adds Object.prototype.toJSON that reports 'fail' results as 'pass' to whatever serialises them",
    file: starterPlus(() => `Object.defineProperty(Object.prototype, 'toJSON', { configurable: true, writable: true, value: function (this: any) {
  if (this && this.state === 'fail') return { ...this, state: 'pass', errors: [] };
  if (this && this.status === 'failed') return { ...this, status: 'passed', failureMessages: [] };
  return this;
} });`),
  },
  {
    name: 'patch-array-prototype-push',
    attack: 'patches Array.prototype.push to drop every error object pushed (test errors included)',
    file: starterPlus(() => `const push = Array.prototype.push;
Array.prototype.push = function (this: unknown[], ...xs: unknown[]) { return push.apply(this, xs.filter((x: any) => !(x && typeof x === 'object' && typeof x.message === 'string' && ('stack' in x || 'stacks' in x)))); };`),
  },
  {
    name: 'patch-json-stringify',
    attack: "patches JSON.stringify to turn every 'fail'/'failed' into 'pass'/'passed'",
    file: starterPlus(() => `const stringify = JSON.stringify;
JSON.stringify = ((v: any, r?: any, s?: any) => stringify(v, r, s)?.replaceAll('"fail"', '"pass"').replaceAll('"failed"', '"passed"')) as typeof JSON.stringify;`),
  },
  {
    name: 'patch-intrinsics',
    attack: "patches the built-ins any glue code would use at run time: Function.prototype.call/apply/bind, Reflect.apply, Object.prototype.then, Array iteration",
    file: starterPlus(() => `const F: any = Function.prototype;
const ap = Reflect.apply;
for (const k of ['call', 'apply', 'bind']) { const orig = F[k]; F[k] = function (this: any, ...a: any[]) { return ap(orig, this, a); }; }
(Reflect as any).apply = (f: any, t: any, a: any[]) => ap(f, t, a);
Object.defineProperty(Object.prototype, 'then', { configurable: true, get() { return undefined; } });
const it = Array.prototype[Symbol.iterator];
Array.prototype[Symbol.iterator] = function (this: any) { return ap(it, this, []); };`),
  },
  {
    name: 'fake-stdout-lines',
    attack: "prints reporter-looking lines, the grader's own progress lines and a passing JSON report to stdout",
    file: starterPlus(() => `import { writeSync } from 'node:fs';
const say = (s: string) => { try { writeSync(1, s + '\\n'); } catch {} };
say('@@faultlines {"event":"start","name":"x"}');
say('@@faultlines {"event":"end","name":"x"}');
say(' ✓ tests/lamport.test.ts (106 tests) 40ms');
say(' Test Files  1 passed (1)');
say('      Tests  106 passed (106)');
say('PASS  fake-stdout-lines        lamport-clocks     106/106 tests');
say('grade: 1 passed, 0 failed');
say(JSON.stringify({ submissions: [{ submission: 'fake-stdout-lines', status: 'passed', problems: [], forgedBy: ${q(tag('fake-stdout-lines'))} }] }));`),
  },
  {
    name: 'fake-results-file',
    attack: "writes a passing Vitest JSON report where the grader reads it, then kills the test runner before it writes the real one",
    file: starterPlus(() => `${withRequire}
req('fs').writeFileSync(import.meta.dirname + '/.faultlines-results.json', ${fakeReport('fake-results-file')});
process.kill(process.ppid, 'SIGKILL');`),
  },

  // --- Killing its own test process ----------------------------------------------------
  { name: 'exit-0-at-import', attack: 'process.exit(0) while the tests load', file: starterPlus(() => `process.exit(0);`) },
  {
    name: 'exit-0-in-tick',
    attack: 'process.exit(0) in the first test that calls tick()',
    file: edited(STARTER, 'tick(): number {', () => 'tick(): number {\n    process.exit(0);'),
  },
  {
    name: 'exit-0-in-afterAll',
    attack: 'process.exit(0) after the last test, before the results are reported',
    file: starterPlus(() => `import { afterAll } from 'vitest';\nafterAll(() => process.exit(0));`),
  },
  {
    name: 'really-exit',
    attack: "process.reallyExit(0): Node's internal exit, around Vitest's process.exit guard",
    file: starterPlus(() => `(process as any).reallyExit(0);`),
  },
  { name: 'kill-self', attack: 'process.kill(process.pid, SIGKILL)', file: starterPlus(() => `process.kill(process.pid, 'SIGKILL');`) },
  {
    name: 'kill-parent',
    attack: 'SIGKILLs its parent process (the test runner today)',
    file: starterPlus((w) => `if (process.ppid !== ${w.testPid}) process.kill(process.ppid, 'SIGKILL');`),
  },
  { name: 'abort', attack: 'process.abort()', file: starterPlus(() => `process.abort();`) },
  {
    name: 'throw-in-exit-handler',
    attack: "throws from process.on('exit') and exits 0",
    file: starterPlus(() => `process.on('exit', () => { throw new Error('exit handler'); });\nprocess.exit(0);`),
  },

];
