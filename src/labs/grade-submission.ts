/**
 * Grading one submission, the way `npm run grade` does it for every submission of a cohort.
 *
 * A submission is untrusted input. Only the learner's files named in lab.json are taken from
 * it (regular files, not links, of a sane size); they are assembled with the lab's own tests
 * and support files in a fresh folder outside the repository, and run with the learner's
 * files in a realm of their own (src/labs/realm/): learner code has no file system, no
 * processes, no network, no timers and no way to reach the test runner or its results. The
 * verdict is judge()'s: PASS only if every test on the lab's list ran and passed.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleLab } from './assemble.ts';
import { LabFormatError, listLabIds, loadLab, type LabFolder } from './lab-folder.ts';
import { materialize, runLabTests } from './node-run.ts';
import { checkLearnerFiles } from './rules/learner-source.ts';
import { typecheckLabFolder } from './typecheck.ts';
import { testKey } from './test-list.ts';
import { judge } from './verdict.ts';
import { MARKER, readMarker } from './workspace.ts';
import type { SubmissionGrade } from './grade-report.ts';

/** A learner file larger than this is not source code a learner wrote. */
export const MAX_FILE_BYTES = 256 * 1024;
const LAB_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const PROJECT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The code that decides a verdict besides the lab's own files: part of the grader's version. */
const GRADER_SOURCES = ['src/kit', 'src/sim', 'src/checkers', 'src/labs/realm'];

const labs = new Map<string, LabFolder>();
function labById(id: string): LabFolder {
  let lab = labs.get(id);
  if (!lab) {
    lab = loadLab(id);
    labs.set(id, lab);
  }
  return lab;
}

/**
 * Which lab a submission is for: the --lab flag, or the marker file. Throws a sentence if it
 * is not the id of a lab of this course (a path, a name with '..', an unknown lab).
 */
export function labIdOf(dir: string, flag?: string): string {
  const id = flag ?? readMarker(dir)?.lab;
  if (id === undefined) throw new Error(`which lab is this? It has no ${MARKER} naming one (or pass --lab <id>).`);
  const known = listLabIds();
  if (!LAB_ID.test(id) || !known.includes(id)) {
    throw new Error(`${JSON.stringify(id)} is not a lab of this course: a lab id is one of ${known.join(', ')} (a name, not a path).`);
  }
  return id;
}

/** A hash of everything that decides a lab's verdict: its tests, list of tests, support files, and the grader's own code. */
export function labVersion(lab: LabFolder): string {
  const h = createHash('sha256');
  const add = (name: string, text: string) => h.update(`${name}\0${text}\0`);
  add('lab.json', JSON.stringify(lab.meta));
  add('tests.json', JSON.stringify(lab.testList ?? null));
  for (const [p, t] of Object.entries(lab.tests).sort()) add(`tests/${p}`, t);
  for (const [p, t] of Object.entries(lab.support).sort()) add(`support/${p}`, t);
  for (const dir of GRADER_SOURCES) {
    const root = join(PROJECT, dir);
    for (const rel of readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()) {
      const full = join(root, rel);
      if (/\.(ts|js)$/.test(rel) && !/\.test\.ts$/.test(rel) && statSync(full).isFile()) add(`${dir}/${rel}`, readFileSync(full, 'utf8'));
    }
  }
  return h.digest('hex').slice(0, 16);
}

/** Reads the learner's files of `lab` from `dir`, refusing anything that is not a plain file of source. */
export function readLearnerFiles(dir: string, files: readonly string[]): { learner: Record<string, string>; problems: string[] } {
  const learner: Record<string, string> = {};
  const problems: string[] = [];
  for (const f of files) {
    const p = join(dir, f);
    let st;
    try {
      st = lstatSync(p);
    } catch {
      problems.push(`${f} is missing: the lab's files are ${files.join(', ')}`);
      continue;
    }
    if (st.isSymbolicLink()) problems.push(`${f} is a symbolic link: submit the file itself`);
    else if (!st.isFile()) problems.push(`${f} is not a file`);
    else if (st.size > MAX_FILE_BYTES) problems.push(`${f} is ${Math.round(st.size / 1024)} KB: a learner file may be at most ${MAX_FILE_BYTES / 1024} KB`);
    else learner[f] = readFileSync(p, 'utf8');
  }
  return { learner, problems };
}

export interface GradeOptions {
  /** The lab, if not the submission's marker. */
  lab?: string;
  /** Stop a run after this long with no test finishing (default 60 s: a busy machine is slow, and the sandbox slower). */
  stallMs?: number;
  /** Stop a run after this long in all (default 10 min): a submission that waits a little in every test must not hold a core for an hour. */
  limitMs?: number;
}

/** Grades the submission in `dir`. Never throws for a bad submission: that is an ERROR grade with the reason. */
export async function gradeSubmission(dir: string, name: string, opts: GradeOptions = {}): Promise<SubmissionGrade> {
  const started = performance.now();
  const grade: SubmissionGrade = { submission: name, path: dir, lab: opts.lab ?? '', status: 'error', passed: 0, failed: 0, total: 0, points: 0, maxPoints: 0, tests: [], problems: [] };
  const finish = () => ({ ...grade, durationMs: Math.round(performance.now() - started) });
  let lab: LabFolder;
  try {
    grade.lab = labIdOf(dir, opts.lab);
    lab = labById(grade.lab);
  } catch (e) {
    grade.problems.push(e instanceof LabFormatError ? e.problems.join('\n') : (e as Error).message);
    return finish();
  }
  grade.labVersion = labVersion(lab);
  grade.total = lab.testList?.length ?? 0;
  grade.maxPoints = grade.total;
  const { learner, problems } = readLearnerFiles(dir, lab.meta.files);
  if (problems.length) {
    grade.problems.push(...problems);
    return finish();
  }
  const scratch = mkdtempSync(join(tmpdir(), 'faultlines-grade-'));
  try {
    const work = join(scratch, 'lab');
    materialize(assembleLab({ files: lab.meta.files, support: lab.support, tests: lab.tests }, learner), work);
    const typeErrors = typecheckLabFolder(work, lab.meta.files);
    const source = checkLearnerFiles(learner, lab.meta.files);
    const run = await runLabTests(work, { env: { FAULTLINES_LAB: grade.lab }, learnerFiles: lab.meta.files, isolate: true, stallMs: opts.stallMs ?? 60_000, limitMs: opts.limitMs ?? 600_000 });
    const verdict = judge(run, lab.testList, source);
    const listed = new Set(lab.testList ?? run.tests.map(testKey));
    // Points only from a run that counts: one that broke a rule of the format, or did not run every test, earns none.
    const counts = verdict.status === 'passed' || verdict.reasons.every((r) => / tests? failed$/.test(r));
    grade.tests = run.tests.map((t) => ({
      name: t.name,
      file: t.file,
      state: t.state,
      durationMs: t.durationMs,
      points: counts && t.state === 'passed' && listed.delete(testKey(t)) ? 1 : 0,
      ...(t.message ? { message: t.message } : {}),
    }));
    grade.passed = run.tests.filter((t) => t.state === 'passed').length;
    grade.failed = run.tests.filter((t) => t.state === 'failed').length;
    grade.points = grade.tests.reduce((n, t) => n + (t.points ?? 0), 0);
    if (typeErrors.length) grade.warnings = typeErrors;
    grade.status = verdict.status;
    grade.problems.push(...verdict.reasons);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return finish();
}

/** A folder that holds one submission (a marker, or the learner's .ts files) rather than a folder of them. */
export function looksLikeSubmission(dir: string): boolean {
  return existsSync(join(dir, MARKER)) || readdirSync(dir).some((f) => f.endsWith('.ts'));
}
