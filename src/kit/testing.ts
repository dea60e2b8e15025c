/**
 * `faultlines/testing`: what a lab's tests use on top of Vitest.
 *
 * - {@link seeds}: the fixed seeds a test runs by default, or the one being replayed.
 * - {@link seededTest}: one Vitest test per seed. A failure says which seed, how to replay
 *   it, and saves the run's trace so the CLI and the site can show it.
 * - {@link recordRun}: tells the harness which simulation the current test ran.
 *
 * @example
 * import { seededTest, seeds, recordRun, LabFailure } from 'faultlines/testing';
 *
 * seededTest('every node learns every value after the partition heals', seeds([1, 2, 3]), (seed) => {
 *   const sim = buildCluster(seed);
 *   recordRun(sim);
 *   sim.runSync({ until: 5_000 });
 *   if (!converged(sim)) throw new LabFailure('n3 never learned 42 from n1', { nodes: ['n1', 'n3'] });
 * });
 */
import { test } from 'vitest';
import type { Trace } from '../sim/trace.ts';
import { describeHostCall, HostNondeterminismError, setLearnerFiles, takeHostCalls } from '../sim/host-guard.ts';
import { LabFailure } from './lab-failure.ts';
import { fnv1a64 } from '../sim/hash.ts';
import { replayFailure } from './replay-check.ts';

type Env = Record<string, string | undefined>;

function env(): Env {
  const p = (globalThis as { process?: { env?: Env } }).process;
  return p?.env ?? {};
}

/**
 * The seeds to run: `defaults`, unless one seed is being replayed
 * (`FAULTLINES_SEED=N`, which `npm run lab -- <id> --seed N` sets).
 */
export function seeds(defaults: readonly number[]): number[] {
  const one = env().FAULTLINES_SEED;
  if (one !== undefined && one !== '') {
    const n = Number(one);
    if (!Number.isInteger(n)) throw new Error(`FAULTLINES_SEED must be an integer, not "${one}"`);
    return [n];
  }
  return [...defaults];
}

/** Seeds 1..count: a convenient default set. */
export function seedRange(count: number, first = 1): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

/** Something with a trace: a Simulation, or a trace itself. */
export type HasTrace = { trace: Trace } | Trace;

/** Where a failing run's trace goes. Node writes a file; the browser runtime posts it to the page. */
export type TraceSink = (run: { test: string; seed: number; trace: Trace; failed: boolean }) => string | undefined;

let sink: TraceSink | undefined;

/** Replaces where traces go (the browser runtime installs one). */
export function setTraceSink(fn: TraceSink | undefined): void {
  sink = fn;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/** @internal The file a run's trace is saved to: `<test>.seed-<n>[.failed].json`. */
export function traceFileName(test: string, seed: number, failed: boolean): string {
  // Long names that share their first 80 characters must not share a file: add a short hash.
  const name = slug(test);
  const unique = test.length > 60 ? `${name.slice(0, 60)}-${fnv1a64(test).slice(0, 8)}` : name;
  return `${unique}.seed-${seed}${failed ? '.failed' : ''}.json`;
}

/** The default sink in Node: $FAULTLINES_TRACE_DIR/<test>.seed-<n>[.failed].json. */
const fileSink: TraceSink = ({ test: name, seed, trace, failed }) => {
  const dir = env().FAULTLINES_TRACE_DIR;
  const p = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
  if (!dir || !p?.getBuiltinModule) return undefined;
  const fs = p.getBuiltinModule('node:fs') as typeof import('node:fs');
  const path = p.getBuiltinModule('node:path') as typeof import('node:path');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, traceFileName(name, seed, failed));
  fs.writeFileSync(file, JSON.stringify(trace));
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
};

interface CurrentRun {
  test: string;
  seed: number;
  /** Read its trace only when the test ends: a simulation's trace is materialised lazily. */
  source?: HasTrace;
}
let current: CurrentRun | undefined;

const traceOf = (run: HasTrace): Trace => ('events' in run ? run : run.trace);

/** Tells the harness which simulation (or trace) the running seeded test is about. */
export function recordRun(run: HasTrace): void {
  if (!current) throw new Error('recordRun() was called outside a seededTest');
  current.source = run;
}

export { LabFailure, failureWindow, viewAround, type Involved } from './lab-failure.ts';

function replayHint(seed: number): string {
  const lab = env().FAULTLINES_LAB;
  return lab ? `npm run lab -- ${lab} --seed ${seed}` : `FAULTLINES_SEED=${seed} npx vitest run`;
}

/**
 * Defines one test per seed, named "<name> (seed N)". The body builds and runs a
 * simulation for that seed and throws (an `expect` failure or a {@link LabFailure}) if
 * the learner's code misbehaved.
 *
 * The format's checks come with it, for every lab:
 * - host time, randomness and timers called by lab code during the run fail the test, even
 *   if the node code caught the error (see `faultlines`' host guard);
 * - the first seed of the list is run twice and must give the same trace (replay works),
 *   unless one seed is being replayed.
 */
export function seededTest(
  name: string,
  seedList: readonly number[],
  body: (seed: number) => void | Promise<void>,
  options: { timeout?: number } = {},
): void {
  const replaying = env().FAULTLINES_SEED !== undefined && env().FAULTLINES_SEED !== '';
  seedList.forEach((seed, i) => {
    const fullName = `${name} (seed ${seed})`;
    const record = (trace: Trace, failed: boolean) => (sink ?? fileSink)({ test: name, seed, trace, failed });
    const checkReplay = i === 0 && !replaying;
    test(
      fullName,
      async () => {
        const run: CurrentRun = { test: fullName, seed };
        try {
          await runBody(run, body);
          if (checkReplay && run.source) {
            const again: CurrentRun = { test: fullName, seed };
            await runBody(again, body);
            const broken = again.source ? replayFailure(seed, traceOf(run.source), traceOf(again.source)) : undefined;
            if (broken) throw broken;
          }
          if (replaying && run.source) record(traceOf(run.source), false);
        } catch (error) {
          const lines = [`Seed ${seed}. Replay it with: ${replayHint(seed)}`];
          if (run.source) {
            const where = record(traceOf(run.source), true);
            if (where) lines.push(`The run's trace: ${where}`);
          }
          if (error instanceof Error) {
            error.message = `${error.message}\n\n${lines.join('\n')}`;
          }
          throw error;
        }
      },
      options.timeout,
    );
  });
}

/** Runs one seed's body as the current run, and fails it for any refused host call. */
async function runBody(run: CurrentRun, body: (seed: number) => void | Promise<void>): Promise<void> {
  // The runner (CLI, grader, page) says which files are the learner's, so the host-time
  // guard points at their lines and not at support code. Read per run: in the page the kit
  // outlives one run.
  setLearnerFiles(env().FAULTLINES_LEARNER_FILES?.split(',').filter(Boolean));
  takeHostCalls();
  current = run;
  try {
    await body(run.seed);
  } catch (error) {
    // The guard's own error says it best; a failure it caused downstream says less.
    const refused = takeHostCalls();
    if (refused.length && !(error instanceof HostNondeterminismError)) throw new LabFailure(describeHostCall(refused[0]!));
    throw error;
  } finally {
    current = undefined;
  }
  const refused = takeHostCalls();
  if (refused.length) throw new LabFailure(describeHostCall(refused[0]!));
}

/**
 * Hands a run to whoever shows runs (the workspace's "Show run", the CLI's trace folder),
 * pass or fail. `npm run sim` uses it to show a lab's scenario.
 */
export function showRun(run: HasTrace, opts: { name: string; seed: number }): string | undefined {
  const trace = traceOf(run);
  return (sink ?? fileSink)({ test: opts.name, seed: opts.seed, trace, failed: false });
}
