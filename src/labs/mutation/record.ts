/**
 * labs/<id>/mutants.json: the recorded result of the lab's last mutation run, checked in so
 * that the plain (fast) `npm run verify-labs` can hold every lab to it without running
 * Stryker. Written only by `npm run verify-labs -- --mutants <id>`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MutantOutcome, MutantStatus } from './report.ts';

/** The lowest mutation score a lab's grader may have. */
export const MIN_SCORE = 0.9;

export const RECORD_FILE = 'mutants.json';
export const JUSTIFICATIONS_FILE = 'mutants.md';

/**
 * What happened to the mutants. The buckets partition them: every mutant is in exactly one,
 * so they add up to `total`. A survivor (Stryker's Survived or NoCoverage) that mutants.md
 * justifies is counted as `equivalent` instead. `errors` (mutants that would not compile or
 * broke the run) stay in `total` and count against the score: nobody checked them.
 */
export interface MutationCounts {
  total: number;
  killed: number;
  timedOut: number;
  /** Survived and not justified. */
  survived: number;
  /** Not run by any test and not justified (the command runner has no coverage, so rare). */
  noCoverage: number;
  errors: number;
  /** Survived, and justified in mutants.md as equivalent. */
  equivalent: number;
}

export interface RecordedSurvivor {
  key: string;
  file: string;
  line: number;
  column: number;
  mutator: string;
  original: string;
  replacement: string;
  status: 'Survived' | 'NoCoverage';
}

export interface MutationRecord {
  lab: string;
  /** graderHash() of the lab the run measured. */
  graderHash: string;
  stryker: string;
  /** When the run finished (ISO 8601). */
  date: string;
  seconds: number;
  concurrency: number;
  /** The mutated (learner) files. */
  mutated: string[];
  /** As justified by mutants.md at the time of the run; verify-labs recounts with today's mutants.md. */
  counts: MutationCounts;
  /** (killed + timed out) / (total - equivalent), rounded to 4 decimals. */
  score: number;
  /** Every surviving mutant, justified or not, in code order. */
  survivors: RecordedSurvivor[];
}

export function isSurvivor(status: MutantStatus): status is 'Survived' | 'NoCoverage' {
  return status === 'Survived' || status === 'NoCoverage';
}

/** Sorts outcomes into the buckets; `justified` holds the keys of survivors mutants.md justifies. */
export function countOutcomes(mutants: readonly Pick<MutantOutcome, 'key' | 'status'>[], justified: ReadonlySet<string>): MutationCounts {
  const c: MutationCounts = { total: 0, killed: 0, timedOut: 0, survived: 0, noCoverage: 0, errors: 0, equivalent: 0 };
  for (const m of mutants) {
    // Ignored and Pending mutants were never meant to run (there are none with this config).
    if (m.status === 'Ignored' || m.status === 'Pending') continue;
    c.total++;
    if (m.status === 'Killed') c.killed++;
    else if (m.status === 'Timeout') c.timedOut++;
    else if (m.status === 'CompileError' || m.status === 'RuntimeError') c.errors++;
    else if (justified.has(m.key)) c.equivalent++;
    else if (m.status === 'Survived') c.survived++;
    else c.noCoverage++;
  }
  return c;
}

/**
 * Recounts a recorded run with another set of justified keys (today's mutants.md): killed,
 * timed out and errors are fixed by the run, the survivors move between the survivor buckets.
 */
export function recount(record: Pick<MutationRecord, 'counts' | 'survivors'>, justified: ReadonlySet<string>): MutationCounts {
  const { total, killed, timedOut, errors } = record.counts;
  const c: MutationCounts = { total, killed, timedOut, errors, survived: 0, noCoverage: 0, equivalent: 0 };
  for (const s of record.survivors) {
    if (justified.has(s.key)) c.equivalent++;
    else if (s.status === 'Survived') c.survived++;
    else c.noCoverage++;
  }
  return c;
}

/** (killed + timed out) / (total - equivalent); 1 when nothing is left to kill. */
export function score(c: MutationCounts): number {
  const denominator = c.total - c.equivalent;
  return denominator <= 0 ? 1 : (c.killed + c.timedOut) / denominator;
}

/** Whether the score reaches MIN_SCORE, compared in whole numbers so 90% exactly passes. */
export function meetsMinScore(c: MutationCounts, min = MIN_SCORE): boolean {
  const denominator = c.total - c.equivalent;
  if (denominator <= 0) return true;
  return (c.killed + c.timedOut) * 10_000 >= Math.round(min * 10_000) * denominator;
}

export function percent(x: number): string {
  return `${(Math.floor(x * 1000) / 10).toFixed(1)}%`;
}

export function recordPath(labDir: string): string {
  return join(labDir, RECORD_FILE);
}

export function writeRecord(labDir: string, record: MutationRecord): void {
  writeFileSync(recordPath(labDir), JSON.stringify(record, null, 2) + '\n');
}

/** The recorded run, or a string saying why there is none usable. */
export function readRecord(labDir: string): MutationRecord | { missing: true } | { invalid: string } {
  const path = recordPath(labDir);
  if (!existsSync(path)) return { missing: true };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { invalid: `not valid JSON: ${(e as Error).message}` };
  }
  const problem = recordProblem(raw);
  return problem ? { invalid: problem } : (raw as MutationRecord);
}

// A hand-edited or truncated record must fail with a message, not a TypeError later.
function recordProblem(raw: unknown): string | undefined {
  if (!raw || typeof raw !== 'object') return 'not an object';
  const r = raw as Record<string, unknown>;
  for (const f of ['lab', 'graderHash', 'stryker', 'date'] as const) if (typeof r[f] !== 'string') return `field "${f}" must be a string`;
  const counts = r.counts as Record<string, unknown> | undefined;
  if (!counts || typeof counts !== 'object') return 'field "counts" is missing';
  for (const f of ['total', 'killed', 'timedOut', 'survived', 'noCoverage', 'errors', 'equivalent'] as const) {
    if (!Number.isInteger(counts[f])) return `field "counts.${f}" must be a whole number`;
  }
  if (!Array.isArray(r.survivors)) return 'field "survivors" must be a list';
  for (const [i, s] of (r.survivors as unknown[]).entries()) {
    const o = s as Record<string, unknown> | null;
    if (!o || typeof o.key !== 'string' || (o.status !== 'Survived' && o.status !== 'NoCoverage')) {
      return `field "survivors.${i}" needs a "key" and a "status" of Survived or NoCoverage`;
    }
  }
  return undefined;
}
