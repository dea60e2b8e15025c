/**
 * Mutation testing of the lab graders (src/labs/mutation/), without running Stryker (one run
 * takes minutes): the grader hash, the justifications file, the score, reading Stryker's
 * report, and the fast check that `npm run verify-labs` makes of each recorded run, on a
 * fresh copy of the Lamport clocks lab with a record made up for it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadLab } from '../../../src/labs/lab-folder.ts';
import { LAB_CONFIG } from '../../../src/labs/node-run.ts';
import { checkMutationRecord, mutationCheckEnabled } from '../../../src/labs/mutation/check.ts';
import { strykerConfig, testCommand } from '../../../src/labs/mutation/config.ts';
import { graderHash } from '../../../src/labs/mutation/hash.ts';
import { classifySurvivors, justificationLine, parseJustifications } from '../../../src/labs/mutation/justifications.ts';
import {
  countOutcomes,
  meetsMinScore,
  percent,
  recount,
  score,
  writeRecord,
  type MutationCounts,
  type MutationRecord,
} from '../../../src/labs/mutation/record.ts';
import { excerpt, mutantKey, parseStrykerReport, type MutantStatus } from '../../../src/labs/mutation/report.ts';
import { strykerEnv, takeMutantsArgs } from '../../../src/labs/mutation/run.ts';

const tmp = mkdtempSync(join(tmpdir(), 'faultlines-mutants-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let copies = 0;
/** A fresh copy of the Lamport clocks lab; returns its labs folder and id. */
function copyLab(): { labsDir: string; id: string; dir: string } {
  const labsDir = join(tmp, `labs-${++copies}`);
  const id = 'lamport-copy';
  const dir = join(labsDir, id);
  cpSync('labs/lamport-clocks', dir, { recursive: true });
  rmSync(join(dir, 'mutants.json'), { force: true });
  rmSync(join(dir, 'mutants.md'), { force: true });
  return { labsDir, id, dir };
}

const hashOf = (id: string, labsDir: string) => {
  const lab = loadLab(id, labsDir);
  return graderHash({ files: lab.meta.files, solution: lab.solution, tests: lab.tests, support: lab.support });
};

describe('the grader hash', () => {
  test('changes when a test, the solution or a support file changes, or the list of learner files', () => {
    const { labsDir, id, dir } = copyLab();
    const before = hashOf(id, labsDir);
    expect(before).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hashOf(id, labsDir)).toBe(before);

    writeFileSync(join(dir, 'tests/lamport.test.ts'), '// one more line\n', { flag: 'a' });
    const afterTest = hashOf(id, labsDir);
    expect(afterTest).not.toBe(before);

    writeFileSync(join(dir, 'solution/lamport.ts'), '// one more line\n', { flag: 'a' });
    const afterSolution = hashOf(id, labsDir);
    expect(afterSolution).not.toBe(afterTest);

    writeFileSync(join(dir, 'support/cluster.ts'), '// one more line\n', { flag: 'a' });
    expect(hashOf(id, labsDir)).not.toBe(afterSolution);
  });

  test('does not change when a variant, the starter or lab.json\'s prose changes', () => {
    const { labsDir, id, dir } = copyLab();
    const before = hashOf(id, labsDir);
    const lab = loadLab(id, labsDir);
    const variant = lab.variants[0]!;
    writeFileSync(join(dir, 'variants', variant.id, 'lamport.ts'), '// a different bug\n', { flag: 'a' });
    writeFileSync(join(dir, 'starter/lamport.ts'), '// a different start\n', { flag: 'a' });
    writeFileSync(join(dir, 'lab.json'), JSON.stringify({ ...lab.meta, summary: lab.meta.summary + ' Now reworded.' }, null, 2));
    expect(hashOf(id, labsDir)).toBe(before);
  });

  test('a file moved between trees is a different grader', () => {
    const base = { files: ['a.ts'], solution: { 'a.ts': 'x' }, tests: {}, support: {} };
    expect(graderHash({ ...base, tests: { 't.test.ts': 'y' } })).not.toBe(graderHash({ ...base, support: { 't.test.ts': 'y' } }));
    expect(graderHash({ ...base, files: ['a.ts', 'b.ts'] })).not.toBe(graderHash(base));
  });
});

describe('mutants.md', () => {
  const md = [
    '# Mutants of the Lamport clocks lab that survive on purpose',
    '',
    'Prose is ignored, and so are other list items:',
    '- a note',
    '',
    '- `lamport.ts:49:10 EqualityOperator "a.node <= b.node"`: node ids are never equal between two events',
    '* `lamport.ts:14:43 BlockStatement "{}"` : the constructor body only silences an unused parameter',
    '- `lamport.ts:3:1 StringLiteral ""`: this mutant was killed since',
  ].join('\n');

  test('a survivor listed with a reason is justified; one not listed is not; a listed key that did not survive is stale', () => {
    const { justifications, problems } = parseJustifications(md);
    expect(problems).toEqual([]);
    expect(justifications.map((j) => j.line)).toEqual([6, 7, 8]);
    const c = classifySurvivors(
      ['lamport.ts:14:43 BlockStatement "{}"', 'lamport.ts:49:10 EqualityOperator "a.node <= b.node"', 'lamport.ts:49:33 ConditionalExpression "true"'],
      justifications,
    );
    expect([...c.justified.keys()]).toEqual(['lamport.ts:14:43 BlockStatement "{}"', 'lamport.ts:49:10 EqualityOperator "a.node <= b.node"']);
    expect(c.justified.get('lamport.ts:14:43 BlockStatement "{}"')).toBe('the constructor body only silences an unused parameter');
    expect(c.unjustified).toEqual(['lamport.ts:49:33 ConditionalExpression "true"']);
    expect(c.stale.map((s) => [s.key, s.line])).toEqual([['lamport.ts:3:1 StringLiteral ""', 8]]);
  });

  test('a line without a reason, an unclosed key or a repeated key is a problem that names its line', () => {
    const { justifications, problems } = parseJustifications(
      ['- `a.ts:1:1 X "y"`', '- `a.ts:2:1 X "y"`:   ', '- `a.ts:3:1 X "y": reason', '- `a.ts:4:1 X "y"`: one', '- `a.ts:4:1 X "y"`: two'].join('\n'),
      'labs/x/mutants.md',
    );
    expect(justifications.map((j) => j.key)).toEqual(['a.ts:4:1 X "y"']);
    expect(problems).toEqual([
      'labs/x/mutants.md:1: `a.ts:1:1 X "y"` has no reason (write "- `key`: why this mutant is equivalent")',
      'labs/x/mutants.md:2: `a.ts:2:1 X "y"` has no reason (write "- `key`: why this mutant is equivalent")',
      'labs/x/mutants.md:3: the key\'s opening ` is never closed',
      'labs/x/mutants.md:5: `a.ts:4:1 X "y"` is already justified on line 4',
    ]);
  });

  test('the line printed for pasting reads back as the same key, even with backticks in it', () => {
    for (const key of ['clock.ts:5:9 StringLiteral ""', 'clock.ts:7:3 StringLiteral "``"', 'c.ts:1:1 StringLiteral "`x${y}`"']) {
      const { justifications, problems } = parseJustifications(justificationLine(key, 'because'));
      expect(problems).toEqual([]);
      expect(justifications).toEqual([{ key, reason: 'because', line: 1 }]);
    }
  });
});

describe('the score', () => {
  const counts = (c: Partial<MutationCounts>): MutationCounts => ({
    total: 0, killed: 0, timedOut: 0, survived: 0, noCoverage: 0, errors: 0, equivalent: 0, ...c,
  });

  test('is (killed + timed out) / (total - equivalent)', () => {
    expect(score(counts({ total: 22, killed: 18, survived: 4 }))).toBeCloseTo(18 / 22);
    expect(score(counts({ total: 22, killed: 16, timedOut: 2, survived: 1, equivalent: 3 }))).toBeCloseTo(18 / 19);
    // Errors stay in the denominator: nobody checked those mutants.
    expect(score(counts({ total: 10, killed: 9, errors: 1 }))).toBeCloseTo(0.9);
    expect(score(counts({ total: 3, equivalent: 3 }))).toBe(1);
  });

  test('90% exactly passes; just under fails; the printed percent never rounds up to 90%', () => {
    expect(meetsMinScore(counts({ total: 10, killed: 9, survived: 1 }))).toBe(true);
    expect(meetsMinScore(counts({ total: 1000, killed: 899, survived: 101 }))).toBe(false);
    expect(meetsMinScore(counts({ total: 1000, killed: 898, timedOut: 2, survived: 100 }))).toBe(true);
    expect(meetsMinScore(counts({ total: 23, killed: 18, survived: 2, equivalent: 3 }))).toBe(true); // 18/20
    expect(percent(0.8999)).toBe('89.9%');
    expect(percent(18 / 22)).toBe('81.8%');
  });

  test('counting sorts every mutant into one bucket; a justified survivor is equivalent', () => {
    const m = (key: string, status: MutantStatus) => ({ key, status });
    const mutants = [
      m('a', 'Killed'), m('b', 'Killed'), m('c', 'Timeout'), m('d', 'Survived'), m('e', 'Survived'),
      m('f', 'NoCoverage'), m('g', 'RuntimeError'), m('h', 'Ignored'),
    ];
    const c = countOutcomes(mutants, new Set(['e', 'a']));
    expect(c).toEqual({ total: 7, killed: 2, timedOut: 1, survived: 1, noCoverage: 1, errors: 1, equivalent: 1 });
    expect(c.killed + c.timedOut + c.survived + c.noCoverage + c.errors + c.equivalent).toBe(c.total);
    // Recounting a record with today's justifications moves survivors only.
    const record = {
      counts: c,
      survivors: [
        { key: 'd', status: 'Survived' as const },
        { key: 'e', status: 'Survived' as const },
        { key: 'f', status: 'NoCoverage' as const },
      ].map((s) => ({ ...s, file: 'x.ts', line: 1, column: 1, mutator: 'M', original: 'o', replacement: 'r' })),
    };
    expect(recount(record, new Set(['d', 'f']))).toEqual({ total: 7, killed: 2, timedOut: 1, survived: 1, noCoverage: 0, errors: 1, equivalent: 2 });
    expect(recount(record, new Set())).toEqual({ total: 7, killed: 2, timedOut: 1, survived: 2, noCoverage: 1, errors: 1, equivalent: 0 });
  });
});

describe("Stryker's JSON report", () => {
  const source = 'export function f(a: number, b: number) {\n  return a < b ? -1 : 1;\n}\n';
  const mutant = (id: string, mutatorName: string, replacement: string, line: number, column: number, endColumn: number, status: MutantStatus) => ({
    id, mutatorName, replacement, status, location: { start: { line, column }, end: { line, column: endColumn } },
  });

  test('gives each mutant its original code and a key of file, place, mutator and replacement, in code order', () => {
    const r = parseStrykerReport({
      framework: { name: 'StrykerJS', version: '10.1.1' },
      files: {
        'f.ts': {
          source,
          mutants: [
            mutant('9', 'EqualityOperator', 'a <= b', 2, 10, 15, 'Survived'),
            mutant('1', 'ConditionalExpression', 'true', 2, 10, 15, 'Killed'),
            mutant('2', 'ConditionalExpression', 'true', 2, 10, 11, 'Killed'),
            mutant('4', 'ConditionalExpression', 'false', 2, 10, 15, 'Killed'),
            mutant('5', 'ConditionalExpression', 'false', 2, 10, 15, 'Killed'),
            mutant('3', 'UnaryOperator', '+1', 2, 18, 20, 'Timeout'),
          ],
        },
      },
    });
    expect(r.strykerVersion).toBe('10.1.1');
    expect(r.mutants.map((m) => m.key)).toEqual([
      // Same start, mutator and replacement: told apart by the code they replace, else numbered.
      'f.ts:2:10 ConditionalExpression "false" on "a < b"',
      'f.ts:2:10 ConditionalExpression "false" on "a < b" #2',
      'f.ts:2:10 ConditionalExpression "true" on "a"',
      'f.ts:2:10 ConditionalExpression "true" on "a < b"',
      'f.ts:2:10 EqualityOperator "a <= b"',
      'f.ts:2:18 UnaryOperator "+1"',
    ]);
    expect(r.mutants.map((m) => m.original)).toEqual(['a < b', 'a < b', 'a', 'a < b', 'a < b', '-1']);
    expect(r.sources['f.ts']).toBe(source);
  });

  test('an excerpt numbers the lines around the mutant and marks its own', () => {
    expect(excerpt(source, 2)).toEqual([
      '  1 | export function f(a: number, b: number) {',
      '> 2 |   return a < b ? -1 : 1;',
      '  3 | }',
    ]);
  });

  test('a key keeps a long or multi-line replacement on one short line', () => {
    const key = mutantKey({ file: 'a.ts', line: 3, column: 5, mutator: 'BlockStatement', replacement: `{\n    ${'x'.repeat(80)};\n  }` });
    expect(key).toMatch(/^a\.ts:3:5 BlockStatement "\{ x+…"$/);
    expect(key.length).toBeLessThan(80);
  });
});

describe('the Stryker run', () => {
  test('runs the whole lab suite with the lab config in the sandbox, mutating only the learner files', () => {
    const config = strykerConfig({ mutate: ['client.ts', 'server.ts'], concurrency: 2, reportFile: '/r/mutation.json' });
    expect(config).toMatchObject({ testRunner: 'command', coverageAnalysis: 'off', mutate: ['client.ts', 'server.ts'], concurrency: 2 });
    expect(config.jsonReporter).toEqual({ fileName: '/r/mutation.json' });
    const command = testCommand('/opt/node 24/bin/node');
    expect(command).toContain("'/opt/node 24/bin/node' ");
    expect(command).toContain(`vitest.mjs run --config ${LAB_CONFIG} --root .`);
  });

  test("gets none of the caller's FAULTLINES_* replay variables, and the lab's id", () => {
    const env = strykerEnv('raft-election', { PATH: '/bin', FAULTLINES_SEED: '7', FAULTLINES_TRACE_DIR: '/t', FAULTLINES_LAB: 'other', FORCE_COLOR: '1' });
    expect(env).toEqual({ PATH: '/bin', FAULTLINES_LAB: 'raft-election', FORCE_COLOR: '0', NO_COLOR: '1' });
  });

  test('--mutants and --concurrency N are taken out of the arguments, leaving the lab ids', () => {
    const args = ['raft-election', '--mutants', '--concurrency', '1', 'lamport-clocks'];
    expect(takeMutantsArgs(args)).toEqual({ concurrency: 1 });
    expect(args).toEqual(['raft-election', 'lamport-clocks']);
    expect(takeMutantsArgs(['--mutants', '--concurrency', 'lots'])).toEqual({ error: expect.stringContaining('got "lots"') });
    expect(takeMutantsArgs(['lamport-clocks'])).toBeUndefined();
  });

  test('a bad --concurrency is exit code 2 before anything runs', () => {
    const r = spawnSync(process.execPath, ['src/cli/verify-labs.ts', '--mutants', '--concurrency', '0'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--concurrency needs a whole number of workers');
  }, 60_000); // a child process: slow to start on a busy 2-core machine
});

describe('verify-labs holds each lab to its recorded mutation run', () => {
  /** A record of a made-up run of the copy's current grader: 20 killed, 2 survivors. */
  function record(id: string, labsDir: string, over: Partial<MutationRecord> = {}): MutationRecord {
    const survivor = (key: string, line: number) => ({
      key, file: 'lamport.ts', line, column: 10, mutator: 'EqualityOperator', original: 'a < b', replacement: 'a <= b', status: 'Survived' as const,
    });
    return {
      lab: id,
      graderHash: hashOf(id, labsDir),
      stryker: '10.1.1',
      date: '2026-12-01T10:00:00.000Z',
      seconds: 20,
      concurrency: 2,
      mutated: ['lamport.ts'],
      counts: { total: 22, killed: 20, timedOut: 0, survived: 2, noCoverage: 0, errors: 0, equivalent: 0 },
      score: 0.9091,
      survivors: [survivor('lamport.ts:49:10 EqualityOperator "a <= b"', 49), survivor('lamport.ts:50:10 EqualityOperator "a <= b"', 50)],
      ...over,
    };
  }
  const justify = (dir: string, lines: string[]) => writeFileSync(join(dir, 'mutants.md'), ['# Equivalent mutants', '', ...lines, ''].join('\n'));

  test('a missing record says which command makes it', () => {
    const { labsDir, id } = copyLab();
    const c = checkMutationRecord(loadLab(id, labsDir));
    expect(c.ok).toBe(false);
    expect(c.problems).toEqual([`lab "${id}": has no recorded mutation run (${labsDir}/${id}/mutants.json); run npm run verify-labs -- --mutants ${id}`]);
  });

  test('a current record with every survivor justified and a score of 90% or more passes', () => {
    const { labsDir, id, dir } = copyLab();
    writeRecord(dir, record(id, labsDir));
    justify(dir, ['- `lamport.ts:49:10 EqualityOperator "a <= b"`: ids are unique', '- `lamport.ts:50:10 EqualityOperator "a <= b"`: ids are unique']);
    const c = checkMutationRecord(loadLab(id, labsDir));
    expect(c.problems).toEqual([]);
    expect(c.ok).toBe(true);
    expect(c.summary).toBe('22 mutants, score 100.0%, recorded 2026-12-01');
  });

  test('a changed test makes the record stale, naming the lab, the file and the command', () => {
    const { labsDir, id, dir } = copyLab();
    writeRecord(dir, record(id, labsDir));
    writeFileSync(join(dir, 'tests/lamport.test.ts'), '// a new test\n', { flag: 'a' });
    const c = checkMutationRecord(loadLab(id, labsDir));
    expect(c.ok).toBe(false);
    expect(c.problems).toEqual([
      `lab "${id}": its solution or tests changed since the recorded mutation run (${labsDir}/${id}/mutants.json); run npm run verify-labs -- --mutants ${id}`,
    ]);
  });

  test('a changed variant does not', () => {
    const { labsDir, id, dir } = copyLab();
    writeRecord(dir, record(id, labsDir));
    justify(dir, ['- `lamport.ts:49:10 EqualityOperator "a <= b"`: ids are unique', '- `lamport.ts:50:10 EqualityOperator "a <= b"`: ids are unique']);
    const v = loadLab(id, labsDir).variants[0]!;
    writeFileSync(join(dir, 'variants', v.id, 'lamport.ts'), '// another bug\n', { flag: 'a' });
    expect(checkMutationRecord(loadLab(id, labsDir)).ok).toBe(true);
  });

  test('an unjustified survivor fails and is named; a justification of no survivor is stale', () => {
    const { labsDir, id, dir } = copyLab();
    writeRecord(dir, record(id, labsDir));
    justify(dir, ['- `lamport.ts:49:10 EqualityOperator "a <= b"`: ids are unique', '- `lamport.ts:12:3 BooleanLiteral "false"`: killed long ago']);
    const c = checkMutationRecord(loadLab(id, labsDir));
    expect(c.ok).toBe(false);
    expect(c.problems).toHaveLength(2);
    expect(c.problems[0]).toMatch(new RegExp(`^lab "${id}": 1 surviving mutant is not justified in ${labsDir}/${id}/mutants.md .*\\n\\s+lamport.ts:50:10 EqualityOperator "a <= b"$`));
    expect(c.problems[1]).toBe(
      `lab "${id}": ${labsDir}/${id}/mutants.md:4 justifies \`lamport.ts:12:3 BooleanLiteral "false"\`, which is not a recorded survivor (killed since, or the code moved): remove or update the line`,
    );
    expect(c.summary).toBe('22 mutants, score 95.2%, 1 unjustified, 1 stale justification, recorded 2026-12-01');
  });

  test('a score under 90% fails even with every survivor justified', () => {
    const { labsDir, id, dir } = copyLab();
    writeRecord(dir, record(id, labsDir, { counts: { total: 22, killed: 17, timedOut: 0, survived: 2, noCoverage: 0, errors: 3, equivalent: 0 } }));
    justify(dir, ['- `lamport.ts:49:10 EqualityOperator "a <= b"`: ids are unique', '- `lamport.ts:50:10 EqualityOperator "a <= b"`: ids are unique']);
    const c = checkMutationRecord(loadLab(id, labsDir));
    expect(c.problems).toEqual([`lab "${id}": mutation score 85.0% (17 of 20 mutants killed or timed out, 2 equivalent left out), below the 90.0% required`]);
  });

  test('a hand-broken record is reported, not thrown', () => {
    const { labsDir, id, dir } = copyLab();
    writeFileSync(join(dir, 'mutants.json'), JSON.stringify({ ...record(id, labsDir), survivors: [{ key: 'x' }] }));
    expect(checkMutationRecord(loadLab(id, labsDir)).problems[0]).toMatch(/mutants.json is not a mutation record: field "survivors.0" needs a "key"/);
  });

  test('is on unless --no-mutants-check or FAULTLINES_MUTANTS_CHECK=off turns it off', () => {
    const args = ['lamport-clocks', '--no-mutants-check'];
    expect(mutationCheckEnabled(args, {})).toBe(false);
    expect(args).toEqual(['lamport-clocks']);
    expect(mutationCheckEnabled([], {})).toBe(true);
    expect(mutationCheckEnabled([], { FAULTLINES_MUTANTS_CHECK: 'off' })).toBe(false);
    expect(mutationCheckEnabled([], { FAULTLINES_MUTANTS_CHECK: 'on' })).toBe(true);
  });
});
