/**
 * The lab tooling as learners, instructors and CI use it: real child processes, real labs,
 * fixture labs whose graders are broken on purpose.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadLab, LabFormatError } from '../../../src/labs/lab-folder.ts';
import { toJUnit } from '../../../src/labs/grade-report.ts';
import { makeBrokenLab } from './broken-labs.ts';

const tmp = mkdtempSync(join(tmpdir(), 'faultlines-labs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [`src/cli/${script}.ts`, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('lab folders', () => {
  test('the Lamport clocks lab loads: 1 learner file, 4 variants, tests and support', () => {
    const lab = loadLab('lamport-clocks');
    expect(lab.meta.files).toEqual(['lamport.ts']);
    expect(lab.variants.length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(lab.tests)).toContain('lamport.test.ts');
    expect(Object.keys(lab.support)).toContain('cluster.ts');
  });

  test('a malformed lab folder is rejected with every problem, each naming its path', () => {
    const labsDir = join(tmp, 'broken');
    // Problems name paths relative to where the command runs.
    const dir = relative(process.cwd(), makeBrokenLab(labsDir, 'bad-format'));
    let problems: string[] = [];
    try {
      loadLab('bad-format', labsDir);
    } catch (e) {
      problems = (e as LabFormatError).problems;
    }
    expect(problems).toContain(`${dir}/solution/lamport.ts: missing (lab.json "files" lists lamport.ts)`);
    expect(problems).toContain(`${dir}/lab.json: field "variants.1.id": no folder ${dir}/variants/send-without-tick`);
    expect(problems).toContain(`${dir}/variants/undocumented: not described in lab.json "variants"`);
  });

  test('an unknown lab id names the labs that exist', () => {
    expect(() => loadLab('no-such-lab')).toThrow(/unknown lab "no-such-lab": there is no labs\/no-such-lab\/lab.json. Labs: .*lamport-clocks/);
  });
});

describe('verify-labs catches dishonest graders', { timeout: 120_000 }, () => {
  test('a variant that passes every test fails verification, naming the lab and the variant', () => {
    makeBrokenLab(join(tmp, 'broken'), 'dishonest');
    // The mutation record belongs to the real lab; what is tested here is the variant check.
    const { code, out } = run('verify-labs', ['--labs-dir', join(tmp, 'broken'), '--no-mutants-check', 'dishonest']);
    expect(code).toBe(1);
    expect(out).toMatch(/lab "dishonest", variant "ties-not-broken" \(Orders events by timestamp only[^)]*\): passes all \d+ tests; the grader must catch it/);
    expect(out).toContain('labs: 4 passed, 1 failed');
  });

  test('a solution that fails fails verification, naming the failing tests', () => {
    makeBrokenLab(join(tmp, 'broken'), 'broken-solution');
    const { code, out } = run('verify-labs', ['--labs-dir', join(tmp, 'broken'), '--no-mutants-check', 'broken-solution']);
    expect(code).toBe(1);
    expect(out).toMatch(/lab "broken-solution", solution: must pass every test on every default seed, but it\n\s+fails "LamportClock, rule by rule /);
  });
});

describe('npm run lab', { timeout: 120_000 }, () => {
  const workspace = join(tmp, 'workspace');
  const env = { FAULTLINES_WORKSPACE: workspace };

  test('an unknown lab is a clear message and exit code 2', () => {
    const { code, out } = run('lab', ['no-such-lab', '--once'], env);
    expect(code).toBe(2);
    expect(out).toContain('unknown lab "no-such-lab"');
    expect(out).not.toMatch(/\n\s+at /); // no stack trace
  });

  test('a bad --seed is a clear message and exit code 2', () => {
    const { code, out } = run('lab', ['lamport-clocks', '--seed', 'soon'], env);
    expect(code).toBe(2);
    expect(out).toContain('--seed needs a whole number, like --seed 17 (got "soon")');
  });

  test('copies the starter once and never overwrites the learner\'s work', () => {
    const first = run('lab', ['lamport-clocks', '--once'], env);
    expect(first.code).toBe(1); // the starter fails its tests
    expect(first.out).toContain(`Created ${workspace}/lamport-clocks/ from the starter`);
    const mine = readFileSync('labs/lamport-clocks/solution/lamport.ts', 'utf8');
    writeFileSync(join(workspace, 'lamport-clocks/lamport.ts'), mine);
    const second = run('lab', ['lamport-clocks', '--once'], env);
    expect(second.out).toContain('Using your work in');
    expect(readFileSync(join(workspace, 'lamport-clocks/lamport.ts'), 'utf8')).toBe(mine);
    expect(second.code).toBe(0);
  });

  test('--seed N replays one seed and prints a timeline of that run', () => {
    cpSync('labs/lamport-clocks/starter/lamport.ts', join(workspace, 'lamport-clocks/lamport.ts'));
    const { code, out } = run('lab', ['lamport-clocks', '--seed', '5'], env);
    expect(code).toBe(1);
    expect(out).toContain('(seed 5)');
    expect(out).not.toContain('(seed 1)');
    expect(out).toContain('Seed 5. Replay it with: npm run lab -- lamport-clocks --seed 5');
    expect(out).toMatch(/── Timeline of seed 5/);
    expect(out).toMatch(/chat #\d+ n\d→n\d (arrives|✕)/);
  });

  test('--seed shows the failing runs\' timelines, lists the passing ones, and --from/--to cut a window', () => {
    run('lab', ['raft-election', '--once'], env); // creates the workspace copy
    cpSync('labs/raft-election/variants/counts-stale-votes/election.ts', join(workspace, 'raft-election/election.ts'));
    const { code, out } = run('lab', ['raft-election', '--seed', '2', '--from', '400', '--to', '900'], env);
    expect(code).toBe(1);
    expect(out).toContain('── Timeline of seed 2 (failed): a candidate does not count late votes from an earlier election');
    expect(out).toMatch(/\d runs of seed 2 passed \(add --all to see their timelines\): .*exactly one leader is elected/);
    const times = [...out.matchAll(/^\s*(\d+(?:\.\d+)?) ms /gm)].map((m) => Number(m[1]));
    expect(times.length).toBeGreaterThan(5);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(400);
    expect(Math.max(...times)).toBeLessThanOrEqual(900);
    // The late vote the failure names is in the window: sent at 456 ms, arriving at 860.1 ms.
    expect(out).toMatch(/vote #\d+ n1→n4 arrives 860\.1 ms/);

    // Without --from/--to, a failing run opens on the moments its failure names.
    const focused = run('lab', ['raft-election', '--seed', '2'], env).out;
    expect(focused).toContain('from an earlier election, 415.6 ms to 900.5 ms ──');
    expect(focused).toContain('(the moments the failure names; --from 0 shows the run from the start)');

    const all = run('lab', ['raft-election', '--seed', '2', '--all'], env).out;
    const headers = [...all.matchAll(/── Timeline of seed 2.*\n\s+nodes: .*; (\d+) events/g)];
    expect(headers.length).toBeGreaterThan(3);
    // Every run's trace is complete, even when its test never read the trace itself.
    for (const h of headers) expect(Number(h[1])).toBeGreaterThan(0);
  });

  test('the course\'s tests and support files are brought up to date before a run; the learner\'s files are not touched', () => {
    const dir = join(workspace, 'raft-election');
    const mine = readFileSync(join(dir, 'election.ts'), 'utf8');
    writeFileSync(join(dir, 'tests/election.test.ts'), "import { test } from 'vitest';\ntest('always passes', () => {});\n");
    writeFileSync(join(dir, 'raft.ts'), '// an old copy\n');
    const { out } = run('lab', ['raft-election', '--once'], env);
    expect(out).toContain("Brought the lab's own files up to date with the course: raft.ts, tests/election.test.ts.");
    expect(readFileSync(join(dir, 'tests/election.test.ts'), 'utf8')).toBe(readFileSync('labs/raft-election/tests/election.test.ts', 'utf8'));
    expect(readFileSync(join(dir, 'election.ts'), 'utf8')).toBe(mine);
    expect(run('lab', ['raft-election', '--once'], env).out).not.toContain('Brought');
  });

  test('--from without --seed, or a window that ends before it starts, is a clear message', () => {
    expect(run('lab', ['lamport-clocks', '--from', '10'], env)).toMatchObject({ code: 2, out: expect.stringContaining('--from, --to and --all go with --seed N') });
    expect(run('lab', ['lamport-clocks', '--seed', '1', '--from', '50', '--to', '10'], env)).toMatchObject({ code: 2, out: expect.stringContaining('--from 50 is after --to 10') });
    expect(run('lab', ['lamport-clocks', '--seed', '1', '--to', 'later'], env)).toMatchObject({ code: 2, out: expect.stringContaining('--to needs a time in ms, like --to 1200 (got "later")') });
  });
});

describe('npm run grade', { timeout: 180_000 }, () => {
  test('grades a folder of submissions: pass, fail, syntax error, throw at import, hang, missing file', () => {
    const subs = join(tmp, 'subs');
    const put = (who: string, text: string | null) => {
      mkdirSync(join(subs, who), { recursive: true });
      writeFileSync(join(subs, who, '.faultlines-lab.json'), JSON.stringify({ lab: 'lamport-clocks' }));
      if (text !== null) writeFileSync(join(subs, who, 'lamport.ts'), text);
    };
    const solution = readFileSync('labs/lamport-clocks/solution/lamport.ts', 'utf8');
    put('ada', solution);
    put('bo', readFileSync('labs/lamport-clocks/starter/lamport.ts', 'utf8'));
    put('cy', 'export class LamportClock { tick( {');
    put('di', `${solution}\nthrow new Error('boom at import');\n`);
    put('ed', solution.replace('this.time += 1;\n    return this.time;', 'for (;;) this.time += 1;'));
    put('flo', null);
    // An edited test file in a submission must change nothing.
    mkdirSync(join(subs, 'bo', 'tests'), { recursive: true });
    writeFileSync(join(subs, 'bo', 'tests', 'lamport.test.ts'), "import { test } from 'vitest'; test('ok', () => {});");

    const { code, out } = run('grade', [subs, '--stall', '15']);
    expect(code).toBe(1);
    const report = JSON.parse(readFileSync(join(subs, 'grades/grades.json'), 'utf8')) as {
      submissions: { submission: string; status: string; passed: number; total: number; problems: string[] }[];
    };
    const by = Object.fromEntries(report.submissions.map((s) => [s.submission, s]));
    const all = loadLab('lamport-clocks').testList!.length;
    expect(by.ada).toMatchObject({ status: 'passed', passed: all, total: all });
    expect(by.bo).toMatchObject({ status: 'failed', total: all });
    expect(by.bo!.passed).toBeLessThan(all);
    expect(by.cy!.status).toBe('error');
    expect(by.cy!.problems[0]).toMatch(/^Syntax error at lamport\.ts:1:\d+: /);
    expect(by.di!.problems[0]).toContain('Error: boom at import');
    expect(by.di!.problems[0]).toContain('lamport.ts:');
    expect(by.ed!.status).toBe('error');
    expect(by.ed!.problems[0]).toMatch(/^Stopped after 15 s with no test finishing, in "LamportClock, rule by rule > /);
    expect(by.flo).toMatchObject({ status: 'error', problems: ["lamport.ts is missing: the lab's files are lamport.ts"] });
    expect(out).toContain('grade: 1 passed, 5 failed');
    const junit = readFileSync(join(subs, 'grades/junit.xml'), 'utf8');
    expect(junit).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="Fault Lines grades" tests="\d+" failures="(\d+)" errors="4">/);
    expect(Number(/failures="(\d+)"/.exec(junit)![1])).toBe(all - by.bo!.passed);
    expect(junit).not.toMatch(/\x1b/);
  });

  test('a folder that is not there is exit code 2', () => {
    const { code, out } = run('grade', [join(tmp, 'nowhere')]);
    expect(code).toBe(2);
    expect(out).toContain('no such folder');
  });

  test('JUnit output escapes what learners write', () => {
    const xml = toJUnit([
      { submission: 'x<y', path: '.', lab: 'l', status: 'failed', passed: 0, failed: 1, total: 1, problems: [],
        tests: [{ name: 'a "quoted" & <tagged> test', file: 't', state: 'failed', durationMs: 1, message: 'expected <1> & "2"' }] },
    ]);
    expect(xml).toContain('name="a &quot;quoted&quot; &amp; &lt;tagged&gt; test"');
    expect(xml).toContain('<failure message="expected &lt;1&gt; &amp; &quot;2&quot;">');
  });
});
