/**
 * The lab CLI, for people who prefer their own editor.
 *
 *   npm run lab -- <id>            copy the starter to workspace/<id>/ (once) and run its tests in watch mode
 *   npm run lab -- <id> --once     run the tests once and exit (0: all pass, 1: some fail)
 *   npm run lab -- <id> --seed N   replay seed N once and print a text timeline of each failing run
 *        [--from MS] [--to MS]      only the part of the timeline between these times
 *        [--all]                    the timelines of the runs that passed, too
 *   npm run lab -- --list          list the labs
 *
 * Exit codes: 0 all tests passed (or watch mode ended), 1 some test failed,
 * 2 bad input (unknown lab, bad flag), 3 the lab's code could not be run (syntax error,
 * a throw at import, code that never returns).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { traceFromJSON, traceHash, type Trace } from '../sim/index.ts';
import { textTimeline } from '../diagrams/text-timeline.ts';
import { failureWindow, viewAround } from '../kit/lab-failure.ts';
import { traceFileName } from '../kit/testing.ts';
import { LabFormatError, listLabIds, loadLab, type LabFolder } from '../labs/lab-folder.ts';
import { checkLearnerFiles } from '../labs/rules/learner-source.ts';
import { inheritedEnv, labEnv, runLabTests, vitestArgs, type LabTestResult } from '../labs/node-run.ts';
import { ensureWorkspace, syncCourseFiles, workspacePath } from '../labs/workspace.ts';
import { argsOrHelp, die } from './command.ts';

const USAGE = `Usage:
  npm run lab -- <lab id>            copy the starter to workspace/<id>/ once, then run its tests on every save
  npm run lab -- <lab id> --once     run the tests once
  npm run lab -- <lab id> --seed N   replay one seed and print a timeline of each failing run
      --from MS --to MS              only the part of the timeline between these times (ms)
      --all                          also the timelines of the runs that passed
  npm run lab -- --list              list the labs`;

const args = argsOrHelp(USAGE);
if (args.includes('--list')) {
  for (const id of listLabIds()) {
    const lab = loadLab(id);
    console.log(`${id.padEnd(22)} ${lab.meta.title} (${lab.meta.minutes} min, chapter: ${lab.meta.chapter})`);
  }
  process.exit(0);
}

let seed: number | undefined;
let once = false;
let showAll = false;
const window: { from?: number; to?: number } = {};
const positional: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--seed') {
    const v = args[++i];
    if (v === undefined || !/^-?\d+$/.test(v)) die(2, `--seed needs a whole number, like --seed 17${v === undefined ? '' : ` (got "${v}")`}\n\n${USAGE}`);
    seed = Number(v);
  } else if (a === '--from' || a === '--to') {
    const v = args[++i];
    if (v === undefined || !Number.isFinite(Number(v)) || v.trim() === '') die(2, `${a} needs a time in ms, like ${a} 1200${v === undefined ? '' : ` (got "${v}")`}\n\n${USAGE}`);
    window[a === '--from' ? 'from' : 'to'] = Number(v);
  } else if (a === '--all') {
    showAll = true;
  } else if (a === '--once') {
    once = true;
  } else if (a.startsWith('-')) {
    die(2, `Unknown option ${a}\n\n${USAGE}`);
  } else {
    positional.push(a);
  }
}
if ((window.from !== undefined || window.to !== undefined || showAll) && seed === undefined) die(2, `--from, --to and --all go with --seed N.\n\n${USAGE}`);
if (window.from !== undefined && window.to !== undefined && window.from > window.to) die(2, `--from ${window.from} is after --to ${window.to}.`);
if (positional.length !== 1) die(2, `Name one lab.\n\n${USAGE}\n\nLabs: ${listLabIds().join(', ')}`);
const id = positional[0]!;

let lab: LabFolder;
try {
  lab = loadLab(id);
} catch (e) {
  if (e instanceof LabFormatError) die(2, e.problems.join('\n'));
  throw e;
}

const dir = workspacePath(id);
if (ensureWorkspace(lab, dir)) {
  console.log(`Created ${dir}/ from the starter. Edit ${lab.meta.files.map((f) => `${dir}/${f}`).join(', ')}.`);
} else {
  console.log(`Using your work in ${dir}/ (never overwritten; delete the folder to start again).`);
  const updated = syncCourseFiles(lab, dir);
  if (updated.length) console.log(`Brought the lab's own files up to date with the course: ${updated.join(', ')}.`);
}
for (const f of lab.meta.files) {
  if (!existsSync(join(dir, f))) die(2, `${dir}/${f} is missing. Restore it, or delete ${dir}/ to start again from the starter.`);
}

// The format's static rules (state shared between nodes, host time and randomness): no test
// can see them reliably, and the grader fails a submission that breaks them, so say it first.
const ruleProblems = checkLearnerFiles(Object.fromEntries(lab.meta.files.map((f) => [f, readFileSync(join(dir, f), 'utf8')])), lab.meta.files);
if (ruleProblems.length) {
  console.log(`\nYour code breaks ${ruleProblems.length === 1 ? 'a rule' : 'rules'} that every lab checks (the grader fails it even if every test passes):`);
  for (const p of ruleProblems) console.log(`  ${dir}/${p.message}`);
  console.log('');
}

if (seed === undefined && !once) {
  // Watch mode: Vitest's own, in the workspace, until Ctrl+C.
  const child = spawn(process.execPath, vitestArgs(dir, ['watch']), {
    stdio: 'inherit',
    env: { ...inheritedEnv(), ...labEnv({ traceDir: join(dir, '.runs'), learnerFiles: lab.meta.files }), FAULTLINES_LAB: id, FORCE_COLOR: '1' },
  });
  child.on('close', (code) => process.exit(code ?? 0));
} else {
  const traceDir = join(dir, '.runs', seed === undefined ? 'last' : `seed-${seed}`);
  rmSync(traceDir, { recursive: true, force: true });
  // Replaying a seed runs only the seeded tests: the rule-by-rule ones do not change with it.
  if (seed !== undefined) console.log(`Replaying seed ${seed}: only the tests that run on seeds.`);
  const result = await runLabTests(dir, {
    echo: true,
    traceDir,
    env: { FAULTLINES_LAB: id },
    learnerFiles: lab.meta.files,
    ...(seed === undefined ? {} : { seed, filter: `\\(seed ${seed}\\)` }),
  });
  if (result.errors.length) {
    console.error(`\nThe lab's code could not be run:\n  ${result.errors.map((e) => e.split('\n').slice(0, 6).join('\n    ')).join('\n  ')}`);
    process.exit(3);
  }
  if (seed !== undefined) printTimelines(traceDir, seed, runsOfTests(result.tests, seed));
  const failed = result.tests.filter((t) => t.state === 'failed').length;
  process.exit(failed || ruleProblems.length ? 1 : 0);
}

/** Each trace file's test: its full name (the file name is a shortened slug of it) and, for a failure, the moments it names. */
function runsOfTests(tests: LabTestResult[], s: number): Map<string, { title: string; window?: { from: number; to: number } }> {
  const out = new Map<string, { title: string; window?: { from: number; to: number } }>();
  for (const t of tests) {
    // seededTest named it "<test> (seed N)" and saved its trace under "<test>".
    const title = t.title.replace(/ \(seed -?\d+\)$/, '');
    const at = t.state === 'failed' && t.message ? failureWindow(t.message) : undefined;
    out.set(traceFileName(title, s, t.state === 'failed'), at ? { title, window: viewAround(at) } : { title });
  }
  return out;
}

function printTimelines(traceDir: string, s: number, tests: Map<string, { title: string; window?: { from: number; to: number } }>): void {
  if (!existsSync(traceDir)) {
    console.log(`\nNo test recorded a run for seed ${s} (its tests may not use seeds).`);
    return;
  }
  const runs = readdirSync(traceDir)
    .sort()
    .map((file) => ({ file, failed: file.endsWith('.failed.json'), name: tests.get(file)?.title ?? file.replace(/\.seed-\d+(\.failed)?\.json$/, '').replace(/-/g, ' ') }))
    .sort((a, b) => Number(b.failed) - Number(a.failed));
  const anyFailed = runs.some((r) => r.failed);
  const notShown: string[] = [];
  // Several tests often run the same cluster: one timeline, naming every test that ran it.
  const groups = new Map<string, { run: (typeof runs)[number]; trace: Trace; alsoIn: string[] }>();
  for (const run of runs) {
    if (anyFailed && !run.failed && !showAll) {
      notShown.push(run.name);
      continue;
    }
    const trace = traceFromJSON(readFileSync(join(traceDir, run.file), 'utf8'));
    const hash = traceHash(trace);
    const g = groups.get(hash);
    if (g) g.alsoIn.push(run.name);
    else groups.set(hash, { run, trace, alsoIn: [] });
  }
  for (const { run, trace, alsoIn } of groups.values()) {
    const LIMIT = 400;
    // Timers are bookkeeping; the story is in messages, faults and what nodes logged.
    const story = { ...trace, events: trace.events.filter((e) => !e.type.startsWith('timer-')) };
    // The window asked for, or else the moments the failure itself points at.
    const asked = window.from !== undefined || window.to !== undefined;
    const shown = asked ? window : (tests.get(run.file)?.window ?? {});
    const r1 = (x: number) => Math.round(x * 10) / 10;
    const span = shown.from !== undefined || shown.to !== undefined ? `, ${r1(shown.from ?? 0)} ms to ${shown.to === undefined ? 'the end' : `${r1(shown.to)} ms`}` : '';
    console.log(`\n── Timeline of seed ${s}${run.failed ? ' (failed)' : ''}: ${run.name}${span} ──`);
    if (alsoIn.length) console.log(`   (the same run as: ${alsoIn.join('; ')})`);
    console.log(`   nodes: ${trace.nodes.join(', ')}; ${trace.events.length} events (timers not shown); trace file: ${join(traceDir, run.file)}`);
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    // Piped output has no width: $COLUMNS if set, else wide enough for a message's payload.
    const width = process.stdout.columns || Number(process.env.COLUMNS) || 140;
    console.log(textTimeline(story, { width, color, limit: LIMIT, ...shown }));
    if (!asked && shown.from !== undefined) console.log(`   (the moments the failure names; --from 0 shows the run from the start)`);
  }
  if (notShown.length > 0) {
    console.log(`\n${notShown.length} run${notShown.length === 1 ? '' : 's'} of seed ${s} passed (add --all to see ${notShown.length === 1 ? 'its timeline' : 'their timelines'}): ${notShown.join('; ')}.`);
  }
}
