/**
 * Reading Stryker's JSON report (the mutation-testing-report-schema format, written by its
 * "json" reporter) into one flat, sorted list of mutants with stable keys.
 *
 * Only the few fields used here are typed: the schema is a dependency of Stryker's, not of
 * this project, and a local type says what this code relies on.
 */
import { readFileSync } from 'node:fs';

/** Statuses of mutation-testing-report-schema 3.x. */
export type MutantStatus = 'Killed' | 'Survived' | 'NoCoverage' | 'CompileError' | 'RuntimeError' | 'Timeout' | 'Ignored' | 'Pending';

interface SchemaPosition {
  line: number; // 1-based
  column: number; // 1-based
}

interface SchemaReport {
  schemaVersion?: string;
  framework?: { name?: string; version?: string };
  files: Record<string, { source: string; mutants: SchemaMutant[] }>;
}

interface SchemaMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  location: { start: SchemaPosition; end: SchemaPosition };
  status: MutantStatus;
}

export interface MutantOutcome {
  /** Stable across reruns of the same code: file, position, mutator and replacement. */
  key: string;
  /** The learner file, relative to the lab folder (e.g. "election.ts"). */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  mutator: string;
  /** The solution's code that the mutant replaces. */
  original: string;
  replacement: string;
  status: MutantStatus;
}

export interface ReadReport {
  /** Stryker's version, as it wrote it in the report. */
  strykerVersion?: string;
  mutants: MutantOutcome[];
  /** The unmutated source of every mutated file, for excerpts. */
  sources: Record<string, string>;
}

export function readStrykerReport(path: string): ReadReport {
  return parseStrykerReport(JSON.parse(readFileSync(path, 'utf8')) as SchemaReport);
}

export function parseStrykerReport(report: SchemaReport): ReadReport {
  if (!report || typeof report.files !== 'object') throw new Error('not a mutation-testing-report-schema report (no "files")');
  const mutants: MutantOutcome[] = [];
  const sources: Record<string, string> = {};
  for (const [file, { source, mutants: ms }] of Object.entries(report.files)) {
    const path = file.split('\\').join('/');
    sources[path] = source;
    const starts = lineStarts(source);
    for (const m of ms) {
      const { start, end } = m.location;
      const replacement = m.replacement ?? '';
      mutants.push({
        key: '',
        file: path,
        line: start.line,
        column: start.column,
        endLine: end.line,
        endColumn: end.column,
        mutator: m.mutatorName,
        original: source.slice(offset(starts, start), offset(starts, end)),
        replacement,
        status: m.status,
      });
    }
  }
  // Stryker's ids are its own numbering of one run; order by place in the code instead.
  mutants.sort(
    (a, b) =>
      cmp(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      cmp(a.mutator, b.mutator) ||
      cmp(a.replacement, b.replacement) ||
      a.endLine - b.endLine ||
      a.endColumn - b.endColumn,
  );
  assignKeys(mutants);
  return { strykerVersion: report.framework?.version, mutants, sources };
}

const KEY_REPLACEMENT_MAX = 40;

/**
 * Sets each mutant's key. Two mutants can share a start, a mutator and a replacement (`a && b`
 * and its `a` both replaced by `true`); then each key also names the code it replaces:
 * `c.ts:78:11 ConditionalExpression "true" on "node !== m.from"`. Only as a last resort
 * (the same code too) are they numbered, "#2" and on.
 */
function assignKeys(mutants: MutantOutcome[]): void {
  const groups = new Map<string, MutantOutcome[]>();
  for (const m of mutants) {
    const base = mutantKey(m);
    groups.set(base, [...(groups.get(base) ?? []), m]);
  }
  const used = new Map<string, number>();
  for (const [base, group] of groups) {
    for (const m of group) {
      const key = group.length === 1 ? base : `${base} on "${oneLine(m.original, KEY_REPLACEMENT_MAX)}"`;
      const n = (used.get(key) ?? 0) + 1;
      used.set(key, n);
      m.key = n === 1 ? key : `${key} #${n}`;
    }
  }
}

/** `election.ts:42:17 ConditionalExpression "true"`: whitespace collapsed, long replacements cut. */
export function mutantKey(m: Pick<MutantOutcome, 'file' | 'line' | 'column' | 'mutator' | 'replacement'>): string {
  return `${m.file}:${m.line}:${m.column} ${m.mutator} "${oneLine(m.replacement, KEY_REPLACEMENT_MAX)}"`;
}

/** Collapses whitespace to single spaces and cuts to `max` characters (with "…"). */
export function oneLine(s: string, max = Infinity): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') starts.push(i + 1);
  return starts;
}

function offset(starts: number[], p: SchemaPosition): number {
  return (starts[p.line - 1] ?? 0) + p.column - 1;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A few numbered lines of `source` around lines `from`..`to`, the mutated ones marked with ">". */
export function excerpt(source: string, from: number, to = from, context = 1): string[] {
  const lines = source.split('\n');
  const first = Math.max(1, from - context);
  const last = Math.min(lines.length, to + context);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const mark = n >= from && n <= to ? '>' : ' ';
    out.push(`${mark} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
  }
  return out;
}
