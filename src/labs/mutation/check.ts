/**
 * The fast half of mutation testing, run by the plain `npm run verify-labs` (so by `npm test`):
 * no Stryker, only each lab's recorded run (labs/<id>/mutants.json) held against the lab as it
 * is now and against its justifications (labs/<id>/mutants.md).
 *
 * It is on by default. `--no-mutants-check` or FAULTLINES_MUTANTS_CHECK=off turns it off for
 * one run (while the labs are being rewritten and their records are expected to be stale).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabFormatError, loadLab, type LabFolder } from '../lab-folder.ts';
import { graderHash } from './hash.ts';
import { classifySurvivors, justificationLine, parseJustifications, type Classified } from './justifications.ts';
import { JUSTIFICATIONS_FILE, MIN_SCORE, meetsMinScore, percent, readRecord, recordPath, recount, score, type MutationCounts } from './record.ts';

export interface RecordCheck {
  lab: string;
  ok: boolean;
  /** One line for the table. */
  summary: string;
  /** Each a full sentence naming the lab and the file to change. */
  problems: string[];
}

export function mutantsCommandFor(id: string): string {
  return `npm run verify-labs -- --mutants ${id}`;
}

/** Reads labs/<id>/mutants.md (absent: nothing justified) and sorts the recorded survivors with it. */
export function readJustifications(labDir: string, survivorKeys: readonly string[]): Classified & { problems: string[]; path: string } {
  const path = join(labDir, JUSTIFICATIONS_FILE);
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const parsed = parseJustifications(text, path);
  return { ...classifySurvivors(survivorKeys, parsed.justifications), problems: parsed.problems, path };
}

export function checkMutationRecord(lab: Pick<LabFolder, 'id' | 'dir' | 'meta' | 'solution' | 'tests' | 'support'>): RecordCheck {
  const id = lab.id;
  const file = recordPath(lab.dir);
  const fail = (summary: string, problems: string[]): RecordCheck => ({ lab: id, ok: false, summary, problems });
  const record = readRecord(lab.dir);
  if ('missing' in record) {
    return fail('no recorded mutation run', [`lab "${id}": has no recorded mutation run (${file}); run ${mutantsCommandFor(id)}`]);
  }
  if ('invalid' in record) {
    return fail('unreadable record', [`lab "${id}": ${file} is not a mutation record: ${record.invalid}; run ${mutantsCommandFor(id)}`]);
  }
  const hash = graderHash({ files: lab.meta.files, solution: lab.solution, tests: lab.tests, support: lab.support });
  if (record.graderHash !== hash) {
    return fail(`stale: recorded ${record.date.slice(0, 10)}`, [
      `lab "${id}": its solution or tests changed since the recorded mutation run (${file}); run ${mutantsCommandFor(id)}`,
    ]);
  }
  const problems: string[] = [];
  const j = readJustifications(lab.dir, record.survivors.map((s) => s.key));
  problems.push(...j.problems.map((p) => `lab "${id}": ${p}`));
  const counts = recount(record, new Set(j.justified.keys()));
  if (j.unjustified.length) {
    problems.push(
      `lab "${id}": ${j.unjustified.length} surviving mutant${j.unjustified.length === 1 ? ' is' : 's are'} not justified in ${j.path} ` +
        `(kill each with a test, or add a line "${justificationLine('<key>', '<reason>')}"; ${mutantsCommandFor(id)} shows the code):\n      ` +
        j.unjustified.join('\n      '),
    );
  }
  for (const s of j.stale) {
    problems.push(`lab "${id}": ${j.path}:${s.line} justifies \`${s.key}\`, which is not a recorded survivor (killed since, or the code moved): remove or update the line`);
  }
  if (!meetsMinScore(counts)) problems.push(`lab "${id}": ${scoreSentence(counts)}, below the ${percent(MIN_SCORE)} required`);
  const summary =
    `${counts.total} mutants, score ${percent(score(counts))}` +
    (j.unjustified.length ? `, ${j.unjustified.length} unjustified` : '') +
    (j.stale.length ? `, ${j.stale.length} stale justification${j.stale.length === 1 ? '' : 's'}` : '') +
    `, recorded ${record.date.slice(0, 10)}`;
  return { lab: id, ok: !problems.length, summary, problems };
}

export function scoreSentence(c: MutationCounts): string {
  return (
    `mutation score ${percent(score(c))} (${c.killed + c.timedOut} of ${c.total - c.equivalent} mutants killed or timed out` +
    (c.equivalent ? `, ${c.equivalent} equivalent left out` : '') +
    ')'
  );
}

/** Off with `--no-mutants-check` (removed from args) or FAULTLINES_MUTANTS_CHECK=off|0|false. */
export function mutationCheckEnabled(args: string[], env: NodeJS.ProcessEnv = process.env): boolean {
  const i = args.indexOf('--no-mutants-check');
  if (i >= 0) {
    args.splice(i, 1);
    return false;
  }
  return !/^(off|0|false|no)$/i.test(env.FAULTLINES_MUTANTS_CHECK ?? '');
}

/**
 * What verify-labs calls: checks every lab's record, prints a short table, returns the
 * problems. A lab that does not load is skipped here (verify-labs already reports it).
 */
export function checkMutationRecords(ids: readonly string[], labsDir: string): string[] {
  const checks: RecordCheck[] = [];
  for (const id of ids) {
    let lab: LabFolder;
    try {
      lab = loadLab(id, labsDir);
    } catch (e) {
      if (e instanceof LabFormatError) continue;
      throw e;
    }
    checks.push(checkMutationRecord(lab));
  }
  console.log(`\nMutation records (labs/<id>/mutants.json; turn off with --no-mutants-check)`);
  for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.lab.padEnd(18)} ${c.summary}`);
  const failed = checks.filter((c) => !c.ok).length;
  console.log(`mutation records: ${checks.length - failed} ok, ${failed} failed`);
  return checks.flatMap((c) => c.problems);
}
