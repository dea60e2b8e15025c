/**
 * Grades submissions, for instructors and autograders (GitHub Classroom and the like).
 *
 *   npm run grade -- <folder> [--lab <id>] [--out <dir>] [--jobs <n>] [--classroom <file>]
 *                             [--stall <seconds>] [--time-limit <seconds>]
 *
 * <folder> is one submission (a copy of a lab workspace: the learner's files, and a
 * .faultlines-lab.json naming the lab unless --lab is given), or a folder of submissions,
 * one per subfolder, graded in parallel (--jobs, default: one per core). Only the learner's
 * files (lab.json "files") are taken from a submission; each is graded from a fresh folder
 * outside the repository, with the learner's code in a sandbox of its own
 * (src/labs/grade-submission.ts).
 *
 * Writes <out>/grades.json and <out>/junit.xml (default out: <folder>/grades/), and with
 * --classroom the GitHub Classroom result of a single submission.
 * Exit codes: 0 every submission passed every test; 1 at least one failed or could not be
 * graded (ERROR: the reason is in the report); 2 bad input (no such folder, no submissions,
 * an unknown --lab).
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { toJUnit, type SubmissionGrade } from '../labs/grade-report.ts';
import { gradeSubmission, labIdOf, looksLikeSubmission } from '../labs/grade-submission.ts';
import { argsOrHelp, die } from './command.ts';

const USAGE =
  'Usage: npm run grade -- <submission folder, or a folder of them> [--lab <id>] [--out <dir>] [--jobs <n>] [--classroom <file>]\n' +
  '         [--stall <seconds with no test finishing before a run is stopped, default 60>] [--time-limit <seconds per submission, default 600>]';

const args = argsOrHelp(USAGE);
const flags: Record<string, string> = {};
const positional: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (['--lab', '--out', '--jobs', '--classroom', '--stall', '--time-limit'].includes(a)) {
    const v = args[++i];
    if (!v) die(2, `${a} needs a value.\n${USAGE}`);
    flags[a.slice(2)] = v;
  } else if (a.startsWith('-')) die(2, `Unknown option ${a}\n${USAGE}`);
  else positional.push(a);
}
if (positional.length !== 1) die(2, USAGE);
const root = positional[0]!;
if (!existsSync(root) || !statSync(root).isDirectory()) die(2, `${root}: no such folder.\n${USAGE}`);
if (flags.lab !== undefined) {
  try {
    labIdOf(root, flags.lab);
  } catch (e) {
    die(2, `--lab: ${(e as Error).message}`);
  }
}
const jobs = flags.jobs === undefined ? availableParallelism() : Number(flags.jobs);
if (!Number.isInteger(jobs) || jobs < 1) die(2, `--jobs needs a whole number of at least 1.\n${USAGE}`);
const seconds = (name: string): number | undefined => {
  if (flags[name] === undefined) return undefined;
  const n = Number(flags[name]);
  if (!(n > 0)) die(2, `--${name} needs a number of seconds above 0.\n${USAGE}`);
  return n * 1000;
};
const stallMs = seconds('stall');
const limitMs = seconds('time-limit');

const single = looksLikeSubmission(root);
const submissions = single
  ? [root]
  : readdirSync(root)
      .map((d) => join(root, d))
      // A link to a folder elsewhere (the course's own solutions, another cohort) is not a submission.
      .filter((d) => lstatSync(d).isDirectory() && basename(d) !== 'grades' && looksLikeSubmission(d))
      .sort();
if (!submissions.length) die(2, `${root}: no submissions found (a submission holds the learner's .ts files).`);
if (flags.classroom && submissions.length !== 1) die(2, `--classroom reports one submission; ${root} holds ${submissions.length}.`);

const nameOf = (dir: string) => (single ? basename(resolve(dir)) : basename(dir));
const grades: SubmissionGrade[] = new Array(submissions.length);
let next = 0;
async function worker(): Promise<void> {
  while (next < submissions.length) {
    const i = next++;
    const dir = submissions[i]!;
    const g = await gradeSubmission(dir, nameOf(dir), {
      ...(flags.lab ? { lab: flags.lab } : {}),
      ...(stallMs ? { stallMs } : {}),
      ...(limitMs ? { limitMs } : {}),
    });
    grades[i] = g;
    const mark = g.status === 'passed' ? 'PASS ' : g.status === 'failed' ? 'FAIL ' : 'ERROR';
    const reason = g.problems[0]?.split('\n')[0];
    console.log(`${mark} ${g.submission.padEnd(24)} ${(g.lab || '?').padEnd(18)} ${g.points ?? 0}/${g.maxPoints ?? g.total} points${reason ? `  ${reason}` : ''}`);
  }
}
const started = performance.now();
await Promise.all(Array.from({ length: Math.min(jobs, submissions.length) }, worker));

const out = flags.out ?? join(root, 'grades');
mkdirSync(out, { recursive: true });
const report = { gradedAt: new Date().toISOString(), grader: 'fault-lines', durationMs: Math.round(performance.now() - started), submissions: grades };
writeFileSync(join(out, 'grades.json'), JSON.stringify(report, null, 2) + '\n');
writeFileSync(join(out, 'junit.xml'), toJUnit(grades));
if (flags.classroom) {
  const { toClassroomResult } = await import('../labs/classroom-report.ts');
  writeFileSync(flags.classroom, JSON.stringify(toClassroomResult(grades[0]!), null, 2) + '\n');
}
const bad = grades.filter((g) => g.status !== 'passed').length;
console.log(`\nWrote ${join(out, 'grades.json')} and ${join(out, 'junit.xml')}${flags.classroom ? ` and ${flags.classroom}` : ''}.`);
console.log(`grade: ${grades.length - bad} passed, ${bad} failed or could not be graded (${(report.durationMs / 1000).toFixed(1)} s)`);
process.exit(bad ? 1 : 0);
