/**
 * Parsing command lines: words with shell quoting, leading `NAME=value` assignments,
 * the options of the test commands, and "did you mean" suggestions.
 * @module
 */

/** A parsed command line. */
export interface CommandLine {
  /** `NAME=value` words before the command (`FAULTLINES_SEED=3 npm test`). */
  env: Record<string, string>;
  /** The command and its arguments, quotes removed. */
  argv: string[];
}

/**
 * Splits a line into words like a POSIX shell would (single and double quotes, backslash
 * escapes). Throws on an unterminated quote.
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === '\\')) cur += line[++i];
      else cur += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote === '"' ? 'double' : 'single'} quote`);
  if (inWord) words.push(cur);
  return words;
}

/** Parses a line into env assignments and argv. Throws on an unterminated quote. */
export function parseCommandLine(line: string): CommandLine {
  const words = splitWords(line);
  const env: Record<string, string> = {};
  while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) {
    const w = words.shift()!;
    const eq = w.indexOf('=');
    env[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return { env, argv: words };
}

/** Quotes a word for a command line when it needs it. */
export function quoteWord(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_./:@%+=,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The options of `npm test` / `vitest run` that the page understands. */
export interface TestArgs {
  /** `-t`, `--testNamePattern`. */
  filter?: string;
  /** Positional arguments: parts of test file paths. */
  patterns: string[];
  seed?: number;
  /** `run` or `--run` was given (vitest without it would watch). */
  run: boolean;
  /** Options that were not understood (reported, then ignored). */
  ignored: string[];
  /** A problem that stops the command (e.g. `--seed` without a number). */
  error?: string;
}

const IGNORED_WITH_VALUE = new Set(['--reporter', '--project', '--root', '--config', '-c', '-r', '--dir', '--pool', '--environment']);
const IGNORED_FLAGS = new Set(['--run', '--no-watch', '--silent', '--passWithNoTests', '--bail', '--coverage', '--ui', '--no-color', '--color', '--verbose']);

function parseSeed(v: string | undefined, from: string): number | string {
  if (v === undefined || !/^-?\d+$/.test(v.trim())) {
    return `${from} needs a whole number, like ${from === 'FAULTLINES_SEED' ? 'FAULTLINES_SEED=3 npm test' : `${from} 3`}${v === undefined || v === '' ? '' : ` (got "${v}")`}`;
  }
  return Number(v);
}

/** Parses the arguments after `npm test` / `npx vitest`. */
export function parseTestArgs(args: readonly string[], env: Record<string, string> = {}): TestArgs {
  const out: TestArgs = { patterns: [], run: false, ignored: [] };
  if (env.FAULTLINES_SEED !== undefined) {
    const s = parseSeed(env.FAULTLINES_SEED, 'FAULTLINES_SEED');
    if (typeof s === 'string') return { ...out, error: s };
    out.seed = s;
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const value = () => (inline !== undefined ? inline : args[++i]);
    if (a === '--') continue;
    if (i === 0 && a === 'run') {
      out.run = true;
    } else if (name === '--seed') {
      const s = parseSeed(value(), '--seed');
      if (typeof s === 'string') return { ...out, error: s };
      out.seed = s;
    } else if (name === '-t' || name === '--testNamePattern') {
      const v = value();
      if (v === undefined) return { ...out, error: `${name} needs a part of a test name, like -t "receive"` };
      out.filter = v;
    } else if (a.startsWith('-t') && a.length > 2 && !a.startsWith('--')) {
      out.filter = a.slice(2).replace(/^=/, '');
    } else if (name === '--run' || name === '--no-watch') {
      out.run = true;
    } else if (IGNORED_WITH_VALUE.has(name)) {
      const v = value();
      out.ignored.push(v === undefined || inline !== undefined ? a : `${a} ${v}`);
    } else if (IGNORED_FLAGS.has(name) || a.startsWith('-')) {
      out.ignored.push(a);
    } else {
      out.patterns.push(a);
    }
  }
  return out;
}

/** Edit distance with adjacent swaps counting as one edit ("tset" is 1 from "test"). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate within a small distance (about one typo per 4 letters), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  const limit = Math.max(1, Math.floor(Math.max(word.length, 3) / 3));
  return bestD > 0 && bestD <= limit ? best : undefined;
}
