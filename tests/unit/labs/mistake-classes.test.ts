/**
 * The mistake classes the lab format catches in every lab, not only in the labs whose
 * authors thought of them. Each case takes a lab's reference solution, puts ONE mistake of
 * the class into it (the way a learner would write it), grades the cohort with the real
 * `npm run grade`, and checks the verdict and the sentence the learner reads.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadLab } from '../../../src/labs/lab-folder.ts';
import type { SubmissionGrade } from '../../../src/labs/grade-report.ts';

const tmp = mkdtempSync(join(tmpdir(), 'faultlines-mistakes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A learner's edit: the solution's file with `edit` applied; throws if the edit found nothing to change. */
function edited(lab: string, file: string, edit: (text: string) => string): Record<string, string> {
  const l = loadLab(lab);
  const files = { ...l.solution };
  const before = files[file];
  if (before === undefined) throw new Error(`${lab} has no learner file ${file}`);
  const after = edit(before);
  if (after === before) throw new Error(`the edit changed nothing in ${lab}/${file}: the solution changed, update the test`);
  files[file] = after;
  return files;
}

/** Inserts `statement` at the start of the body of the first method or function named `name`. */
function atStartOf(name: string, statement: string) {
  return (text: string) => {
    const re = new RegExp(`(\\b${name}\\s*(<[^>]*>)?\\s*\\([^)]*\\)[^{;]*\\{)`);
    return text.replace(re, `$1\n    ${statement}`);
  };
}

const prepend = (line: string) => (text: string) => `${line}\n${text}`;

interface Case {
  name: string;
  lab: string;
  files: () => Record<string, string>;
  /** What the learner must read (in the grade's problems or a failing test's message). */
  says: RegExp;
  /** What the grade must be (default: failed). */
  status?: 'failed' | 'error';
}

const CASES: Case[] = [
  // Host time and randomness: refused while the simulation runs, naming the line.
  {
    name: 'host-random-lamport',
    lab: 'lamport-clocks',
    files: () => edited('lamport-clocks', 'lamport.ts', atStartOf('send', 'if (Math.random() < 0) this.tick();')),
    says: /Math\.random\(\)[^\n]*lamport\.ts:\d+.*node's seeded random stream/s,
  },
  {
    name: 'host-random-raft',
    lab: 'raft-election',
    files: () => edited('raft-election', 'election.ts', atStartOf('startElection', 'void Math.random();')),
    says: /Math\.random\(\)[^\n]*election\.ts:\d+.*seeded random stream/s,
  },
  {
    name: 'host-time-detector',
    lab: 'failure-detector',
    files: () => edited('failure-detector', 'detector.ts', prepend('const hostNow = (): number => Date.now();\nvoid hostNow;')),
    says: /detector\.ts:\d+: Date\.now\(\) reads the host computer's clock/,
  },
  {
    name: 'host-timer-rpc',
    lab: 'at-most-once-rpc',
    files: () => edited('at-most-once-rpc', 'client.ts', atStartOf('add', 'setTimeout(() => undefined, 0);')),
    says: /client\.ts:\d+: setTimeout\(\) reads the host computer's timers.*simulation's timers/,
  },
  // State shared between nodes: module-level state that node code changes.
  {
    name: 'shared-counter-lamport',
    lab: 'lamport-clocks',
    files: () => edited('lamport-clocks', 'lamport.ts', (t) => atStartOf('tick', 'eventsSeen += 1;')(prepend('let eventsSeen = 0;')(t))),
    says: /lamport\.ts:\d+: `eventsSeen` \(line 1\) is declared at module level, outside any node.*Every node shares it/s,
  },
  {
    name: 'shared-map-vector',
    lab: 'vector-clocks',
    files: () => edited('vector-clocks', 'causal-buffer.ts', (t) => prepend('const delivered = new Map<string, number>();')(t.replace(/(\bclass CausalBuffer[^{]*\{)/, '$1\n  static noted(k: string): void { delivered.set(k, (delivered.get(k) ?? 0) + 1); }'))),
    says: /causal-buffer\.ts:\d+: `delivered` \(line 1\) is declared at module level.*changes its contents \(delivered\.set/s,
  },
  {
    name: 'shared-static-raft',
    lab: 'raft-election',
    files: () => edited('raft-election', 'election.ts', (t) => atStartOf('startElection', 'Tally.elections += 1;')(prepend('class Tally { static elections = 0; }')(t))),
    says: /election\.ts:\d+: `Tally` \(line 1\) is declared at module level/,
  },
  // Replay: state that hides from the static rules (a closure) still breaks determinism.
  {
    // Which of several deliverable messages goes first: either order is causal, but a
    // closure that outlives the run (a call counter) makes a later run of a seed choose
    // differently from the first.
    name: 'replay-vector-closure-order',
    lab: 'vector-clocks',
    files: () =>
      edited('vector-clocks', 'causal-buffer.ts', (t) =>
        prepend('const warmedUp = (() => { let calls = 0; return () => ++calls > 100; })();')(
          t.replace(/(\n(\s*)while \(progress\) \{)/, '\n$2const backwards = warmedUp();$1').replace(
            /for \(let i = 0; i < this\.waiting\.length; i\+\+\) \{\n(\s*)const w = this\.waiting\[i\]!;/,
            'for (let k = 0; k < this.waiting.length; k++) {\n$1const i = backwards ? this.waiting.length - 1 - k : k;\n$1const w = this.waiting[i]!;',
          ),
        ),
      ),
    says: /Replay is broken: seed \d+ ran twice with the same code and gave two different runs/,
  },
  {
    name: 'replay-lamport-global-clock',
    lab: 'lamport-clocks',
    files: () =>
      edited('lamport-clocks', 'lamport.ts', (t) =>
        atStartOf('send', 'this.time = Math.max(this.time, globalTick());')(prepend('const globalTick = (() => { let n = 0; return () => ++n; })();')(t)),
      ),
    says: /Replay is broken: seed \d+ ran twice/,
  },
  // Parameters, not constants: a cluster size or a client list copied from the default run.
  {
    name: 'fixed-nodes-vector',
    lab: 'vector-clocks',
    files: () => edited('vector-clocks', 'vector-clock.ts', (t) => t.replace('for (const node of new Set([...Object.keys(a), ...Object.keys(b)])) {', "for (const node of ['n1', 'n2', 'n3']) {")),
    says: /\b(n4|n5|n7)\b/,
  },
  {
    name: 'fixed-clients-rpc',
    lab: 'at-most-once-rpc',
    files: () =>
      edited('at-most-once-rpc', 'server.ts', (t) =>
        t.replace('const seen = this.last.get(request.client);', "const seen = ['c1', 'c2', 'c3'].includes(request.client) ? this.last.get(request.client) : undefined;"),
      ),
    says: /\bc[4-7]\b/,
  },
  // The faults the chapter names: duplicates must be dropped.
  {
    name: 'keeps-duplicates-vector',
    lab: 'vector-clocks',
    files: () => edited('vector-clocks', 'causal-buffer.ts', (t) => t.replace(/\n\s*if \(this\.waiting\.some\(\(w\) => w\.from === m\.from[^\n]*\n/, '\n')),
    says: /copy|twice|duplicate/i,
  },
  {
    name: 'executes-duplicates-rpc',
    lab: 'at-most-once-rpc',
    files: () => edited('at-most-once-rpc', 'server.ts', (t) => t.replace('request.seq === seen.seq', 'request.seq === seen.seq && request.amount < 0')),
    says: /twice|again|more than once|executed/i,
  },
  // Every test counts: a skipped test is not a pass.
  {
    name: 'skips-lamport',
    lab: 'lamport-clocks',
    files: () => edited('lamport-clocks', 'lamport.ts', prepend("import { beforeEach } from 'vitest';\nbeforeEach((ctx) => { if (/seed [2-9]/.test(ctx.task.name)) ctx.skip(); });")),
    // Lab code has no 'vitest' to import where the grader runs it: it cannot reach the runner at all.
    status: 'error',
    says: /lamport\.ts imports 'vitest': a lab file may import only the lab's own files/,
  },
  {
    name: 'skips-vector',
    lab: 'vector-clocks',
    files: () => edited('vector-clocks', 'vector-clock.ts', prepend("import { beforeEach } from 'vitest';\nbeforeEach((ctx) => { if (/seed/.test(ctx.task.name)) ctx.skip(); });")),
    status: 'error',
    says: /vector-clock\.ts imports 'vitest': a lab file may import only the lab's own files/,
  },
];

let grades: Map<string, SubmissionGrade>;
let gradeOutput = '';

beforeAll(() => {
  const cohort = join(tmp, 'cohort');
  for (const c of CASES) {
    const dir = join(cohort, c.name);
    mkdirSync(dir, { recursive: true });
    for (const [f, text] of Object.entries(c.files())) writeFileSync(join(dir, f), text);
    writeFileSync(join(dir, '.faultlines-lab.json'), JSON.stringify({ lab: c.lab, created: 'test' }));
  }
  // A replay variable left in the instructor's shell must not change what is graded.
  const r = spawnSync(process.execPath, ['src/cli/grade.ts', cohort, '--out', join(tmp, 'out')], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', FAULTLINES_SEED: '3' },
    timeout: 590_000,
  });
  gradeOutput = r.stdout + r.stderr;
  const report = JSON.parse(readFileSync(join(tmp, 'out', 'grades.json'), 'utf8')) as { submissions: SubmissionGrade[] };
  grades = new Map(report.submissions.map((g) => [g.submission, g]));
}, 600_000);

describe('every lab catches the format\'s mistake classes', () => {
  for (const c of CASES) {
    test(`${c.name}: graded ${c.status === 'error' ? 'ERROR' : 'FAIL'}, and the learner reads why`, () => {
      const g = grades.get(c.name);
      expect(g, `no grade for ${c.name}:\n${gradeOutput}`).toBeDefined();
      expect(g!.status, `${c.name}: ${g!.problems.join('\n')}`).toBe(c.status ?? 'failed');
      const text = [...g!.problems, ...g!.tests.map((t) => t.message ?? '')].join('\n');
      expect(text).toMatch(c.says);
      // No temporary folder of the grader's, and no frame inside Vitest, reaches the learner.
      expect(text).not.toMatch(/node_modules|\.faultlines\/grade|\/tmp\//);
    });
  }

  test('FAULTLINES_SEED in the grader\'s environment changes nothing: every test of the lab is graded', () => {
    const g = grades.get('host-random-lamport')!;
    const list = loadLab('lamport-clocks').testList;
    expect(list, 'labs/lamport-clocks/tests.json').toBeDefined();
    expect(g.tests.length).toBe(list!.length);
    expect(g.total).toBe(list!.length);
  });
});
