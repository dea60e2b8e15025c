/**
 * Grades submissions, for instructors and autograders (GitHub Classroom and the like).
 *
 *   npm run grade -- <folder> [--lab <id>] [--out <dir>]
 *
 * <folder> is one submission (a copy of a lab workspace: it holds the learner's files, and a
 * .faultlines-lab.json naming the lab unless --lab is given), or a folder of submissions,
 * one per subfolder. Only the learner's files (lab.json "files") are taken from a
 * submission; the tests and support code always come from this repository, so editing
 * the tests changes nothing.
 *
 * Writes <out>/grades.json and <out>/junit.xml (default out: <folder>/grades/).
 * Exit codes: 0 every submission passed every test; 1 at least one failed a test or could
 * not be run; 2 bad input (no such folder, no submissions, unknown lab).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { assembleLab } from '../labs/assemble.ts';
import { LabFormatError, loadLab, type LabFolder } from '../labs/lab-folder.ts';
import { materialize, runLabTests } from '../labs/node-run.ts';
import { typecheckLabFolder } from '../labs/typecheck.ts';
import { checkLearnerFiles } from '../labs/rules/learner-source.ts';
import { judge } from '../labs/verdict.ts';
import { MARKER, readMarker } from '../labs/workspace.ts';
import { toJUnit, type SubmissionGrade } from '../labs/grade-report.ts';
import { argsOrHelp, die } from './command.ts';

const USAGE = 'Usage: npm run grade -- <submission folder, or a folder of them> [--lab <id>] [--out <dir>]';

const args = argsOrHelp(USAGE);
let labFlag: string | undefined;
let outFlag: string | undefined;
const positional: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--lab' || a === '--out') {
    const v = args[++i];
    if (!v) die(2, `${a} needs a value.\n${USAGE}`);
    if (a === '--lab') labFlag = v;
    else outFlag = v;
  } else if (a.startsWith('-')) die(2, `Unknown option ${a}\n${USAGE}`);
  else positional.push(a);
}
if (positional.length !== 1) die(2, USAGE);
const root = positional[0]!;
if (!existsSync(root) || !statSync(root).isDirectory()) die(2, `${root}: no such folder.\n${USAGE}`);

const looksLikeSubmission = (dir: string) =>
  existsSync(join(dir, MARKER)) || readdirSync(dir).some((f) => f.endsWith('.ts'));
const submissions = looksLikeSubmission(root)
  ? [root]
  : readdirSync(root)
      .map((d) => join(root, d))
      .filter((d) => statSync(d).isDirectory() && basename(d) !== 'grades' && looksLikeSubmission(d))
      .sort();
if (!submissions.length) die(2, `${root}: no submissions found (a submission holds the learner's .ts files).`);

const labs = new Map<string, LabFolder>();
function labFor(id: string): LabFolder {
  let lab = labs.get(id);
  if (!lab) {
    try {
      lab = loadLab(id);
    } catch (e) {
      if (e instanceof LabFormatError) die(2, e.problems.join('\n'));
      throw e;
    }
    labs.set(id, lab);
  }
  return lab;
}

const grades: SubmissionGrade[] = [];
for (const dir of submissions) {
  const labId = labFlag ?? readMarker(dir)?.lab;
  if (!labId) die(2, `${dir}: which lab is this? It has no ${MARKER}; pass --lab <id>.`);
  const lab = labFor(labId);
  const name = submissions.length === 1 ? basename(resolve(dir)) : basename(dir);
  const grade: SubmissionGrade = { submission: name, path: dir, lab: labId, status: 'passed', passed: 0, failed: 0, total: 0, tests: [], problems: [] };
  const learner: Record<string, string> = {};
  for (const f of lab.meta.files) {
    const p = join(dir, f);
    if (existsSync(p)) learner[f] = readFileSync(p, 'utf8');
    else grade.problems.push(`missing ${f}`);
  }
  if (grade.problems.length) {
    grade.status = 'error';
  } else {
    const work = join('.faultlines/grade', String(process.pid), name);
    const files = assembleLab({ files: lab.meta.files, support: lab.support, tests: lab.tests }, learner);
    materialize(files, work);
    const typeErrors = typecheckLabFolder(work, lab.meta.files);
    const source = checkLearnerFiles(learner, lab.meta.files);
    const r = await runLabTests(work, { env: { FAULTLINES_LAB: labId }, learnerFiles: lab.meta.files, stallMs: 20_000 });
    grade.tests = r.tests.map((t) => ({ name: t.name, file: t.file, state: t.state, durationMs: t.durationMs, ...(t.message ? { message: t.message } : {}) }));
    grade.passed = r.tests.filter((t) => t.state === 'passed').length;
    grade.failed = r.tests.filter((t) => t.state === 'failed').length;
    grade.total = lab.testList?.length ?? r.tests.length;
    grade.warnings = typeErrors;
    const verdict = judge(r, lab.testList, source);
    grade.status = verdict.status;
    grade.problems.push(...verdict.reasons);
  }
  grades.push(grade);
  const mark = grade.status === 'passed' ? 'PASS ' : grade.status === 'failed' ? 'FAIL ' : 'ERROR';
  console.log(`${mark} ${name.padEnd(24)} ${labId.padEnd(18)} ${grade.passed}/${grade.total} tests${grade.problems.length ? `  ${grade.problems[0]!.split('\n')[0]}` : ''}`);
}

const out = outFlag ?? join(root, 'grades');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'grades.json'), JSON.stringify({ gradedAt: new Date().toISOString(), submissions: grades }, null, 2) + '\n');
writeFileSync(join(out, 'junit.xml'), toJUnit(grades));
const bad = grades.filter((g) => g.status !== 'passed').length;
console.log(`\nWrote ${join(out, 'grades.json')} and ${join(out, 'junit.xml')}.`);
console.log(`grade: ${grades.length - bad} passed, ${bad} failed`);
// The assembled copies were only needed to run them; the results are in the report.
rmSync(join('.faultlines/grade', String(process.pid)), { recursive: true, force: true });
process.exit(bad ? 1 : 0);
