/** Building blocks of the hostile submissions (hostile-cases-*.ts): the starter or solution plus hostile lines. */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { LAB, REPO, SOLUTION, SOLUTION_PATH, STARTER, symlink, tag, type Submission, type Where } from './harness.ts';

export const q = JSON.stringify;
/** The starter with `lines` appended: the "one-line change". */
export const starterPlus = (lines: (w: Where) => string) => (w: Where) => `${STARTER}\n${lines(w)}\n`;
/** The starter (or solution) with one piece of code replaced. */
export const edited = (base: string, from: string, to: (w: Where) => string) => (w: Where) => {
  if (!base.includes(from)) throw new Error(`hostile case: ${q(from)} is not in the file it edits`);
  return base.replace(from, to(w));
};
/** Where submission `name` leaves its mark in the canary folder. */
export const mark = (w: Where, name: string) => q(join(w.canary, `hostile-${name}`));
export const TESTS_JSON = join(REPO, 'labs', LAB, 'tests.json');
/** The reason a submission that never returns must give: that it was stopped, and why. */
export const STOPPED = /never returned|stopped|too long|time ?limit|timed out/i;

/**
 * Learner-file code that evaluates TypeScript source (the JS expression `src`) and exports
 * its LamportClock and compareEvents: types stripped with Node's own stripper (`mod` is an
 * expression for node:module), the rest run with `new Function`.
 */
export const exportsFrom = (src: string, mod: string) =>
  `const __js: string = ${mod}.stripTypeScriptTypes(${src}).replace(/\\bexport /g, '');\n` +
  `export const { LamportClock, compareEvents } = new Function(__js + '; return { LamportClock, compareEvents };')();\n` +
  `export interface StampedEvent { node: string; ts: number }\n`;

/**
 * A file whose exports delegate to a module that `load` (an expression for a promise of it,
 * such as a dynamic import) brings in while the tests load: no top-level await, and no
 * module-level variable that a function reassigns (a WeakMap is per-node state to the rules).
 */
export const lateExports = (load: string) => `const KEY = {};
const box = new WeakMap<object, any>();
${load}.then((m: any) => box.set(KEY, m));
export class LamportClock {
  private inner: any;
  constructor(now: () => number) { this.inner = new (box.get(KEY).LamportClock)(now); }
  tick(): number { return this.inner.tick(); }
  send(): number { return this.inner.send(); }
  receive(ts: number): number { return this.inner.receive(ts); }
}
export interface StampedEvent { node: string; ts: number }
export function compareEvents(a: StampedEvent, b: StampedEvent): number { return box.get(KEY).compareEvents(a, b); }
`;

/**
 * A file that gets the host's `process` from `escape` (an expression, evaluated at module
 * level), leaves its mark in the canary folder, and then exports the reference solution it
 * reads from disk through that process: a sandbox escape turned into a PASS.
 */
export const escapeAtModule = (name: string, escape: string, prelude = '') => (w: Where) =>
  `${prelude}\nconst P: any = ${escape};\n` +
  `P.getBuiltinModule('node:fs').writeFileSync(${mark(w, name)}, ${q(tag(name))});\n` +
  exportsFrom(`P.getBuiltinModule('node:fs').readFileSync(${q(SOLUTION_PATH)}, 'utf8')`, `P.getBuiltinModule('node:module')`);

/**
 * The same, but the escape happens in the LamportClock constructor, where `now` is the
 * function the support code (or a test) passes in, and `this` is the new clock; each clock
 * then delegates to a clock of the stolen solution.
 */
export const escapeInConstructor = (name: string, escape: string) => (w: Where) => `
export class LamportClock {
  private inner: any;
  constructor(now: () => number) {
    const P: any = ${escape};
    P.getBuiltinModule('node:fs').writeFileSync(${mark(w, name)}, ${q(tag(name))});
    const js: string = P.getBuiltinModule('node:module').stripTypeScriptTypes(P.getBuiltinModule('node:fs').readFileSync(${q(SOLUTION_PATH)}, 'utf8'));
    this.inner = new (new Function(js.replace(/\\bexport /g, '') + '; return LamportClock;')())();
  }
  tick(): number { return this.inner.tick(); }
  send(): number { return this.inner.send(); }
  receive(ts: number): number { return this.inner.receive(ts); }
}
export interface StampedEvent { node: string; ts: number }
export function compareEvents(a: StampedEvent, b: StampedEvent): number {
  return a.ts !== b.ts ? a.ts - b.ts : a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}
`;

/** A Vitest JSON report in which every test of the lab's list passed (what the grader reads today). */
export const fakeReport = (name: string) => `(() => {
  const list: string[] = JSON.parse(req('fs').readFileSync(${q(TESTS_JSON)}, 'utf8')).tests;
  return JSON.stringify({ success: true, forgedBy: ${q(tag(name))}, numFailedTests: 0, numPassedTests: list.length, testResults: [{
    name: '/x/tests/lamport.test.ts', status: 'passed', message: '',
    assertionResults: list.map((k) => ({ fullName: k.slice(k.indexOf(' > ') + 3), title: k, status: 'passed', failureMessages: [], duration: 1 })),
  }] });
})()`;
/** A CommonJS require of the host's (named req: a loader may already provide a `require` of its own). */
export const withRequire = `import { createRequire } from 'node:module';\nconst req = createRequire(import.meta.url);\n`;


// ---------------------------------------------------------------------------------------
// Honest submissions: graded in the same cohorts as the hostile ones.

export const honest = {
  correct: { name: 'correct', attack: 'the reference solution: must pass', file: () => SOLUTION },
  failing: { name: 'innocent-failing', attack: 'the untouched starter: must fail', file: () => STARTER },
  variant: {
    name: 'variant-receive-ticks-twice',
    attack: 'a known-buggy variant: must fail',
    file: () => readFileSync(join(REPO, 'labs', LAB, 'variants/receive-ticks-twice/lamport.ts'), 'utf8'),
  },
  /** Peers that hostile submissions of the cohort attack (graded after them today: z- sorts last). */
  correctPeer: { name: 'z-correct-peer', attack: 'a correct peer that a-overwrite-correct-peer overwrites with the starter: must still pass', file: () => SOLUTION },
  failingPeer: { name: 'z-failing-peer', attack: 'a failing peer that a-upgrade-failing-peer overwrites with the solution: must still fail', file: () => STARTER },
} satisfies Record<string, Submission>;

