/**
 * labs/<id>/mutants.md: the lab author's reasons why some surviving mutants are equivalent
 * (no learner could tell them from the solution through the tests, or no test should try).
 *
 * Format: one markdown list item per mutant, its key (from mutants.json) in backticks, a
 * colon, and a one-line reason:
 *
 *   - `election.ts:42:17 ConditionalExpression "true"`: the lab's network never delivers a vote twice
 *
 * Anything else in the file (headings, prose, other list items) is ignored, so the file can
 * explain itself. A key that holds a backtick is written between double backticks with a
 * space inside each (``  `like this`  ``), as in CommonMark; justificationLine() does that.
 */

export interface Justification {
  key: string;
  reason: string;
  /** 1-based line in mutants.md, for messages. */
  line: number;
}

export interface ParsedJustifications {
  justifications: Justification[];
  /** Lines that look like a justification but are not one (no reason, unclosed key, a repeat). */
  problems: string[];
}

// A list item ("- " or "* ") whose text starts with a code span.
const ITEM = /^\s*[-*]\s+(`+)/;

export function parseJustifications(text: string, where = 'mutants.md'): ParsedJustifications {
  const justifications: Justification[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const m = ITEM.exec(raw);
    if (!m) return;
    const fence = m[1]!;
    const start = m[0].length;
    const end = findClosingFence(raw, start, fence.length);
    if (end < 0) {
      problems.push(`${where}:${line}: the key's opening ${fence} is never closed`);
      return;
    }
    let key = raw.slice(start, end);
    // CommonMark: one space on each side is padding, there so a key can start or end with `.
    if (key.length > 2 && key.startsWith(' ') && key.endsWith(' ')) key = key.slice(1, -1);
    const rest = raw.slice(end + fence.length);
    const r = /^\s*:\s*(.*)$/.exec(rest);
    const reason = r?.[1]?.trim() ?? '';
    if (!r || !reason) {
      problems.push(`${where}:${line}: \`${key}\` has no reason (write "- \`key\`: why this mutant is equivalent")`);
      return;
    }
    const before = seen.get(key);
    if (before !== undefined) {
      problems.push(`${where}:${line}: \`${key}\` is already justified on line ${before}`);
      return;
    }
    seen.set(key, line);
    justifications.push({ key, reason, line });
  });
  return { justifications, problems };
}

/** Index of the next run of exactly `n` backticks at or after `from`, or -1. */
function findClosingFence(s: string, from: number, n: number): number {
  let i = from;
  while (i < s.length) {
    if (s[i] !== '`') {
      i++;
      continue;
    }
    let j = i;
    while (s[j] === '`') j++;
    if (j - i === n) return i;
    i = j;
  }
  return -1;
}

/** The markdown line a lab author pastes into mutants.md to justify `key` (then writes the reason). */
export function justificationLine(key: string, reason = '<why no test can or should tell it from the solution>'): string {
  const longest = Math.max(0, ...[...key.matchAll(/`+/g)].map((m) => m[0].length));
  if (!longest) return `- \`${key}\`: ${reason}`;
  const fence = '`'.repeat(longest + 1);
  return `- ${fence} ${key} ${fence}: ${reason}`;
}

export interface Classified {
  /** Survivors that mutants.md justifies, with the reason. */
  justified: Map<string, string>;
  /** Survivors that mutants.md does not mention. */
  unjustified: string[];
  /** Justifications that name no survivor: the mutant was killed since, or its line moved. */
  stale: Justification[];
}

export function classifySurvivors(survivorKeys: readonly string[], justifications: readonly Justification[]): Classified {
  const byKey = new Map(justifications.map((j) => [j.key, j] as const));
  const justified = new Map<string, string>();
  const unjustified: string[] = [];
  for (const key of survivorKeys) {
    const j = byKey.get(key);
    if (j) justified.set(key, j.reason);
    else unjustified.push(key);
  }
  const survivors = new Set(survivorKeys);
  const stale = justifications.filter((j) => !survivors.has(j.key));
  return { justified, unjustified, stale };
}
