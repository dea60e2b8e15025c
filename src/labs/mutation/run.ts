/**
 * `npm run verify-labs -- --mutants [--concurrency N] [lab ...]`: mutation testing of each
 * lab's grader with StrykerJS. For each lab it assembles the reference solution into
 * .faultlines/mutants/<id>/lab/, has Stryker mutate only the learner files there and run the
 * lab's whole Vitest suite per mutant, then writes labs/<id>/mutants.json and prints what
 * survived, with the code, so the lab's author can kill it with a test or justify it.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { assembleLab } from '../assemble.ts';
import { LabFormatError, loadLab, type LabFolder } from '../lab-folder.ts';
import { inheritedEnv, materialize } from '../node-run.ts';
import { mutantsCommandFor, readJustifications } from './check.ts';
import { STRYKER_BIN, STRYKER_PACKAGE, writeStrykerConfig } from './config.ts';
import { graderHash } from './hash.ts';
import { justificationLine } from './justifications.ts';
import { countOutcomes, isSurvivor, MIN_SCORE, meetsMinScore, percent, score, writeRecord, type MutationCounts, type MutationRecord } from './record.ts';
import { excerpt, oneLine, readStrykerReport, type MutantOutcome } from './report.ts';

export const MUTANTS_DIR = '.faultlines/mutants';

export interface MutantsOptions {
  concurrency: number;
}

/**
 * Two Stryker workers on two cores: each mutant is a Vitest start-up (mostly one busy core)
 * and a short suite, so two overlap well; more would only make every run slower and push
 * slow runs towards Stryker's timeout. `--concurrency N` overrides it.
 */
export function defaultConcurrency(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/** Removes `--mutants` and `--concurrency N` from `args` (in place); undefined without `--mutants`. */
export function takeMutantsArgs(args: string[]): MutantsOptions | { error: string } | undefined {
  const at = args.indexOf('--mutants');
  if (at < 0) return undefined;
  args.splice(at, 1);
  let concurrency = defaultConcurrency();
  const c = args.indexOf('--concurrency');
  if (c >= 0) {
    const value = args[c + 1];
    args.splice(c, 2);
    concurrency = Number(value);
    if (!Number.isInteger(concurrency) || concurrency < 1) return { error: `--concurrency needs a whole number of workers, like --concurrency 2 (got "${value ?? ''}")` };
  }
  return { concurrency };
}

/** The environment Stryker (and so every Vitest run) gets: none of the caller's FAULTLINES_* replay settings. */
export function strykerEnv(id: string, from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  // A seed to replay, a trace folder, a test timeout: each would make the run measure something else.
  return { ...inheritedEnv(from), FAULTLINES_LAB: id, FORCE_COLOR: '0', NO_COLOR: '1' };
}

interface LabOutcome {
  id: string;
  counts?: MutationCounts;
  seconds: number;
  ok: boolean;
}

/** Runs mutation testing of `ids`; returns the exit code (0: every lab at 90% with no unjustified survivor). */
export async function mutantsCommand(ids: readonly string[], labsDir: string, opts: MutantsOptions): Promise<number> {
  const stryker = (JSON.parse(readFileSync(STRYKER_PACKAGE, 'utf8')) as { version: string }).version;
  console.log(`Mutation testing with StrykerJS ${stryker} (command runner, concurrency ${opts.concurrency}): ${ids.join(', ')}`);
  const outcomes: LabOutcome[] = [];
  const problems: string[] = [];
  for (const id of ids) {
    const started = performance.now();
    const o = await mutateLab(id, labsDir, opts, stryker, problems);
    outcomes.push({ id, ...o, seconds: (performance.now() - started) / 1000 });
  }
  printTable(outcomes);
  if (problems.length) {
    console.error(`\n${problems.length} mutation problem${problems.length === 1 ? '' : 's'}:`);
    for (const p of problems) console.error(`  - ${p}`);
  }
  const failed = outcomes.filter((o) => !o.ok).length;
  console.log(`\nmutation testing: ${outcomes.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

async function mutateLab(
  id: string,
  labsDir: string,
  opts: MutantsOptions,
  stryker: string,
  problems: string[],
): Promise<Omit<LabOutcome, 'id' | 'seconds'>> {
  let lab: LabFolder;
  try {
    lab = loadLab(id, labsDir);
  } catch (e) {
    if (!(e instanceof LabFormatError)) throw e;
    problems.push(`lab "${id}": the folder is not a valid lab:\n${e.message}`);
    return { ok: false };
  }
  const hashOf = (l: LabFolder) => graderHash({ files: l.meta.files, solution: l.solution, tests: l.tests, support: l.support });
  const hash = hashOf(lab);
  const work = resolve(MUTANTS_DIR, id);
  const folder = join(work, 'lab');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  materialize(assembleLab({ files: lab.meta.files, support: lab.support, tests: lab.tests }, lab.solution), folder);
  const reportFile = join(work, 'mutation.json');
  const configFile = join(work, 'stryker.config.json');
  writeStrykerConfig(configFile, { mutate: lab.meta.files, concurrency: opts.concurrency, reportFile });

  console.log(`\n── ${id}: mutating ${lab.meta.files.join(', ')} (Stryker's log: ${join(MUTANTS_DIR, id, 'stryker.log')})`);
  const started = performance.now();
  const code = await runStryker(id, folder, configFile, join(work, 'stryker.log'));
  const seconds = (performance.now() - started) / 1000;
  let report;
  try {
    report = readStrykerReport(reportFile);
  } catch (e) {
    problems.push(strykerFailure(id, code, (e as Error).message, join(work, 'stryker.log')));
    return { ok: false };
  }

  // Another author may have changed the lab while it ran (minutes). The record still says
  // truly what was measured (the copy assembled at the start, whose hash it carries), so it
  // is written; verify-labs will call it stale.
  let after: string | undefined;
  try {
    after = hashOf(loadLab(id, labsDir));
  } catch (e) {
    if (!(e instanceof LabFormatError)) throw e; // mid-edit: it has changed, that is all we need to know
  }
  const survivors = report.mutants.filter((m) => isSurvivor(m.status));
  const j = readJustifications(lab.dir, survivors.map((m) => m.key));
  const counts = countOutcomes(report.mutants, new Set(j.justified.keys()));
  const s = score(counts);
  const record: MutationRecord = {
    lab: id,
    graderHash: hash,
    stryker: report.strykerVersion ?? stryker,
    date: new Date().toISOString(),
    seconds: Math.round(seconds),
    concurrency: opts.concurrency,
    mutated: [...lab.meta.files],
    counts,
    score: Math.round(s * 10_000) / 10_000,
    survivors: survivors.map((m) => ({
      key: m.key,
      file: m.file,
      line: m.line,
      column: m.column,
      mutator: m.mutator,
      original: m.original,
      replacement: m.replacement,
      status: m.status as 'Survived' | 'NoCoverage',
    })),
  };
  writeRecord(lab.dir, record);
  const changed = after !== hash;
  if (changed) {
    problems.push(
      `lab "${id}": its solution, tests or support files changed during the run, so ${join(lab.dir, 'mutants.json')} describes the version before; run ${mutantsCommandFor(id)} again`,
    );
  }

  const unjustified = survivors.filter((m) => !j.justified.has(m.key));
  if (unjustified.length) {
    const lines = [
      `lab "${id}": ${unjustified.length} surviving mutant${unjustified.length === 1 ? '' : 's'} not justified in ${j.path}. ` +
        `Kill each with a test, or, if no learner's code could differ from the solution that way, paste its last line into ${j.path} with the reason:`,
    ];
    for (const m of unjustified) lines.push(...describeSurvivor(m, report.sources[m.file] ?? ''));
    problems.push(lines.join('\n'));
  }
  problems.push(...j.problems.map((p) => `lab "${id}": ${p}`));
  for (const st of j.stale) problems.push(`lab "${id}": ${j.path}:${st.line} justifies \`${st.key}\`, which no longer survives (killed, or the code moved): remove or update the line`);
  if (!meetsMinScore(counts)) problems.push(`lab "${id}": mutation score ${percent(s)} is below the ${percent(MIN_SCORE)} required`);
  return { counts, ok: !changed && !unjustified.length && !j.problems.length && !j.stale.length && meetsMinScore(counts) };
}

/** Why Stryker gave no report, as plainly as its log allows. */
function strykerFailure(id: string, code: number | null, reportError: string, logFile: string): string {
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  const where = `(Stryker's log: ${join(MUTANTS_DIR, id, 'stryker.log')})`;
  if (log.includes('There were failed tests in the initial test run')) {
    // Stryker first runs the suite on the unmutated solution; it must pass for any mutant to mean anything.
    const failing = [...log.matchAll(/^\s*FAIL\s+(.+)$/gm)].map((m) => m[1]!.trim()).slice(0, 3);
    return `lab "${id}": the solution fails its own tests under Stryker, so no mutant was run ${where}:\n      ${failing.join('\n      ') || '(see the log)'}`;
  }
  return `lab "${id}": Stryker ${code === 0 ? 'wrote no readable report' : `failed (exit code ${code})`}: ${reportError} ${where}`;
}

/** The key, the code around the mutant, what it became, and the line to paste to justify it. */
function describeSurvivor(m: MutantOutcome, source: string): string[] {
  const to = Math.min(m.endLine, m.line + 2); // a whole mutated block would drown the point
  return [
    '',
    `    ${m.key}${m.status === 'NoCoverage' ? ' (no test ran it)' : ''}`,
    ...excerpt(source, m.line, to).map((l) => `      ${l}`),
    `      was:    ${oneLine(m.original, 100)}`,
    `      mutant: ${oneLine(m.replacement, 100) || '(removed)'}`,
    `      justify: ${justificationLine(m.key)}`,
  ];
}

/** Runs Stryker in `folder`, with its output in `logFile` and its progress lines on our stdout. */
function runStryker(id: string, folder: string, configFile: string, logFile: string): Promise<number | null> {
  return new Promise((done) => {
    const log = createWriteStream(logFile);
    const child = spawn(process.execPath, [STRYKER_BIN, 'run', configFile], { cwd: folder, env: strykerEnv(id), stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    const echo = (chunk: Buffer) => {
      log.write(chunk);
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trimEnd();
        buffer = buffer.slice(nl + 1);
        // Progress and trouble; Stryker's other chatter stays in the log.
        if (/Mutation testing \d+%|Initial test run|ERROR|WARN|Done in/.test(line)) console.log(`   ${id}: ${line.replace(/^\S+ \S+ /, '')}`);
      }
    };
    child.stdout.on('data', echo);
    child.stderr.on('data', echo);
    child.on('close', (code) => log.end(() => done(code)));
  });
}

function printTable(outcomes: LabOutcome[]): void {
  const head = ['', 'lab', 'mutants', 'killed', 'timed out', 'survived', 'equivalent', 'score', 'time'];
  const rows = outcomes.map((o) => {
    const c = o.counts;
    const n = (x: number | undefined) => (c && x !== undefined ? String(x) : '-');
    return [
      o.ok ? 'ok' : 'FAIL',
      o.id,
      n(c?.total),
      n(c?.killed),
      n(c?.timedOut),
      // Run by no test is as bad as survived: neither is justified.
      c ? String(c.survived + c.noCoverage) + (c.errors ? ` (+${c.errors} errors)` : '') : '-',
      n(c?.equivalent),
      c ? percent(score(c)) : '-',
      `${o.seconds.toFixed(0)} s`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => '  ' + r.map((x, i) => (i < 2 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  console.log('\nMutation testing: survived = not justified in labs/<id>/mutants.md, equivalent = justified there;');
  console.log(`score = (killed + timed out) / (mutants - equivalent), at least ${percent(MIN_SCORE)} with no unjustified survivor`);
  console.log(fmt(head));
  for (const r of rows) console.log(fmt(r));
}
