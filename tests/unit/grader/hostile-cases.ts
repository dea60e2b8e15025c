/**
 * Hostile submissions to the Lamport clocks lab. Each is a lab workspace folder (lamport.ts
 * and a .faultlines-lab.json marker), most of them the failing starter plus a line or two
 * that try to make the grader say PASS anyway, or to do damage. Every write and every
 * request a hostile file makes carries its tag (`HOSTILE:<name>`, or `hostile-<name>` in a
 * path), so the suite can say which submission left a trace where.
 *
 * Paths are absolute (w.repo, w.cohort...): the new grader runs each submission from a fresh
 * folder outside the repository, where a relative path would find nothing anyway.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { LAB, REPO, SOLUTION, SOLUTION_PATH, STARTER, symlink, tag, type Submission, type Where } from './harness.ts';
import { edited, honest, mark, q, starterPlus, STOPPED, TESTS_JSON, withRequire } from './hostile-helpers.ts';

export { honest };
import { runnerCases } from './hostile-cases-runner.ts';
import { hostCases } from './hostile-cases-host.ts';
import { sandboxCases } from './hostile-cases-sandbox.ts';
// ---------------------------------------------------------------------------------------
// The main cohort: everything that can be graded side by side in one run.

export const cohortCases: Submission[] = [...runnerCases, ...hostCases, ...sandboxCases];

// ---------------------------------------------------------------------------------------
// Submissions that may take down the grader itself (graded in a cohort of their own).

export const graderKillers: Submission[] = [
  {
    name: 'kill-grader',
    attack: 'walks up /proc to the grader and SIGKILLs it (and the test runner under it)',
    file: starterPlus((w) => `import { readFileSync } from 'node:fs';
const ppidOf = (pid: number) => { const s = readFileSync('/proc/' + pid + '/stat', 'utf8'); return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]); };
let pid = process.ppid;
for (let i = 0; i < 2 && pid > 1 && pid !== ${w.testPid}; i++) { const up = ppidOf(pid); try { process.kill(pid, 'SIGKILL'); } catch {} pid = up; }`),
  },
  {
    name: 'kill-process-group',
    attack: 'process.kill(0, SIGKILL): its whole process group, the grader included',
    file: starterPlus(() => `process.kill(0, 'SIGKILL');`),
  },
  {
    name: 'learner-file-is-directory',
    attack: 'lamport.ts is a directory',
    file: null,
    setup: (dir) => mkdirSync(join(dir, 'lamport.ts')),
  },
  {
    name: 'learner-file-is-fifo',
    attack: 'lamport.ts is a named pipe that never delivers (reading it blocks forever)',
    file: null,
    setup: (dir) => {
      const r = spawnSync('mkfifo', [join(dir, 'lamport.ts')]);
      if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
    },
  },
  {
    name: 'stdout-flood',
    attack: "writes to fd 1 without end and without a newline, straight into the grader's pipe",
    file: (w) =>
      withRequire +
      edited(STARTER, 'tick(): number {', () => "tick(): number {\n    const chunk = Buffer.from('flood '.padEnd(65_536, 'x'));\n    for (;;) { try { req('fs').writeSync(1, chunk); } catch {} }")(w),
  },
  {
    name: 'console-fake-progress-malformed',
    attack: "console.log()s a line that starts like the grader's own progress lines but is not JSON",
    file: starterPlus(() => `console.log('@@faultlines {not json');`),
  },
  {
    name: 'hang-with-fake-progress',
    attack: "never returns from tick(), but prints the grader's progress lines so that its stall timer never fires",
    file: (w) =>
      withRequire +
      edited(STARTER, 'tick(): number {', () => `tick(): number {
    for (;;) {
      try { req('fs').writeSync(1, '@@faultlines {"event":"start","name":"still working"}\\n'); } catch {}
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }`)(w),
  },
];
// ---------------------------------------------------------------------------------------
// Lab ids in the marker that are not the name of a lab (graded in a cohort of their own,
// with two honest peers that must still be graded).

/** Copies the Lamport lab into `dir` with one test that always passes and no list of tests. */
export function writeOwnLab(dir: string): void {
  cpSync(join(REPO, 'labs', LAB), dir, { recursive: true });
  for (const f of ['tests.json', 'mutants.json']) rmSync(join(dir, f), { force: true });
  rmSync(join(dir, 'tests'), { recursive: true, force: true });
  mkdirSync(join(dir, 'tests'));
  writeFileSync(join(dir, 'tests/lamport.test.ts'), "import { test } from 'vitest';\ntest('every timestamp is right', () => {});\n");
}

/** A marker whose lab id walks from labs/ to a lab the submitter wrote, inside its own folder. */
export const ownLabMarker = (name: string): Submission => ({
  name,
  attack: "its marker's lab id walks out of labs/ to a lab of its own, whose only test always passes",
  file: () => STARTER,
  marker: (w) => q({ lab: relative(join(REPO, 'labs'), join(w.cohort, name, 'own-lab')) }),
  setup: (dir) => writeOwnLab(join(dir, 'own-lab')),
});

export const markerCases: Submission[] = [
  ownLabMarker('marker-own-lab'),
  { name: 'marker-into-tests', attack: 'lab id "../tests/fixtures": walks into the repository\'s tests', file: () => STARTER, marker: () => q({ lab: '../tests/fixtures' }) },
  { name: 'marker-absolute', attack: 'lab id is the absolute path of the real lab (with the solution)', file: () => SOLUTION, marker: () => q({ lab: join(REPO, 'labs', LAB) }) },
  { name: 'marker-dot-path', attack: 'lab id "./lamport-clocks": a path, even if it lands on the right lab (with the solution)', file: () => SOLUTION, marker: () => q({ lab: `./${LAB}` }) },
  { name: 'marker-dotdot-sibling', attack: 'lab id "lamport-clocks/../raft-election"', file: () => STARTER, marker: () => q({ lab: `${LAB}/../raft-election` }) },
  { name: 'marker-deep-traversal', attack: 'lab id "../../../../../../etc"', file: () => STARTER, marker: () => q({ lab: '../../../../../../etc' }) },
  { name: 'marker-proto', attack: 'lab id "__proto__"', file: () => STARTER, marker: () => q({ lab: '__proto__' }) },
  { name: 'marker-not-string', attack: 'lab id is a list, not a string', file: () => STARTER, marker: () => q({ lab: [LAB] }) },
  { name: 'marker-empty', attack: 'lab id is ""', file: () => STARTER, marker: () => q({ lab: '' }) },
  { name: 'marker-malformed', attack: 'the marker is not JSON', file: () => STARTER, marker: () => '{ lab: lamport-clocks' },
  { name: 'marker-missing', attack: 'no marker at all (a cohort without --lab)', file: () => STARTER, marker: null },
];

/** The fake labs folder FAULTLINES_LABS_DIR points at in the environment run: its Lamport tests always pass. */
export function writeFakeLabsDir(dir: string): void {
  writeOwnLab(join(dir, LAB));
}
