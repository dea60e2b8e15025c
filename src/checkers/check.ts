/**
 * Checking a history or a list of operations against a model.
 * @module
 */
import { buildFailureReport, describeOpFull } from './explain.ts';
import type { History } from './history.ts';
import { HistoryError, historyToOperations } from './operations.ts';
import type { CheckOptions, CheckResult, Model, Operation, PartitionResult, SearchStats, Verdict } from './types.ts';
import { searchLinearization } from './wgl.ts';

const defaultNow = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Check a Jepsen-style event history (see `history.ts`) for linearizability against `model`.
 * Failed operations are dropped; `info` and never-completed operations may or may not have
 * taken effect.
 *
 * @throws {HistoryError} if the history is malformed or has an operation the model cannot handle.
 * @example
 * const r = checkHistory(casRegisterModel(), history, { timeoutMs: 1000 });
 * if (r.verdict === 'not linearizable') console.log(r.explanation);
 */
export function checkHistory<S, A, O>(
  model: Model<S, A, O>,
  history: History<A, O>,
  options: CheckOptions = {},
): CheckResult<A, O> {
  return checkOperations(model, historyToOperations(history), options);
}

/**
 * Check operations (invoke/completion pairs, see {@link historyToOperations}) for
 * linearizability against `model`. The history is split with `model.partition` when the model
 * has one, and each partition is searched with the Wing–Gong–Lowe algorithm.
 *
 * Verdicts: 'linearizable' (every partition has a linearization), 'not linearizable' (some
 * partition has none; `failure` and `explanation` say where the search got stuck), 'unknown'
 * (the time budget ran out or `shouldStop` said so before a verdict: never a guess).
 *
 * @throws {HistoryError} if an operation is one the model cannot handle (`model.validate`).
 */
export function checkOperations<S, A, O>(
  model: Model<S, A, O>,
  operations: readonly Operation<A, O>[],
  options: CheckOptions = {},
): CheckResult<A, O> {
  const now = options.now ?? defaultNow;
  const unit = options.timeUnit ?? 'ms';
  const t0 = now();
  const deadline = options.timeoutMs === undefined ? Infinity : t0 + options.timeoutMs;
  const shouldStop = options.shouldStop;
  const stop = (): boolean => now() > deadline || (shouldStop !== undefined && shouldStop());

  const ops = operations.slice();
  if (model.validate) {
    for (const op of ops) {
      const msg = model.validate(op);
      if (msg !== undefined) {
        throw new HistoryError(`operation ${op.id} (${describeOpFull(model, op, unit)}): ${msg}`, op.eventIndexes[0]);
      }
    }
  }
  const groups = model.partition ? model.partition(ops) : [ops];

  const partitions: PartitionResult[] = [];
  let failure: CheckResult<A, O>['failure'];
  let steps = 0;
  let cached = 0;
  let stopped = false;
  for (let gi = 0; gi < groups.length; gi++) {
    const group = groups[gi]!;
    const key = commonKey(group);
    const ids = group.map((o) => o.id);
    const where = key !== undefined ? ` (key ${JSON.stringify(key)})` : groups.length > 1 ? ` (partition ${gi})` : '';
    if (stopped || (options.stopAtFirstFailure && failure)) {
      partitions.push({ index: gi, key, verdict: 'unknown', operations: ids, stats: { steps: 0, cached: 0, elapsedMs: 0 } });
      continue;
    }
    if (now() > deadline || (shouldStop !== undefined && shouldStop())) {
      stopped = true;
      partitions.push({ index: gi, key, verdict: 'unknown', operations: ids, stats: { steps: 0, cached: 0, elapsedMs: 0 } });
      continue;
    }
    const p0 = now();
    const out = searchLinearization(model, group, stop);
    const stats: SearchStats = { steps: out.steps, cached: out.cached, elapsedMs: now() - p0 };
    steps += out.steps;
    cached += out.cached;
    const pr: PartitionResult = { index: gi, key, verdict: out.result, operations: ids, stats };
    if (out.result === 'linearizable') {
      pr.linearization = out.linearization!.map((p) => group[p]!.id);
    } else if (out.result === 'not linearizable') {
      pr.failure = buildFailureReport(model, group, out.deepest!, unit, where);
      failure ??= { ...pr.failure, partition: gi };
    } else {
      stopped = true;
    }
    partitions.push(pr);
  }

  const verdict: Verdict = partitions.some((p) => p.verdict === 'not linearizable')
    ? 'not linearizable'
    : partitions.some((p) => p.verdict === 'unknown')
      ? 'unknown'
      : 'linearizable';
  const elapsedMs = now() - t0;
  const result: CheckResult<A, O> = {
    verdict,
    partitions,
    operations: ops,
    explanation: '',
    stats: { steps, cached, elapsedMs },
  };
  if (failure) result.failure = failure;
  result.explanation = summarize(model, result);
  return result;
}

function commonKey(group: readonly Operation<unknown, unknown>[]): string | undefined {
  const k = group[0]?.input.key;
  return group.every((o) => o.input.key === k) ? k : undefined;
}

function summarize<S, A, O>(model: Model<S, A, O>, r: CheckResult<A, O>): string {
  const n = r.operations.length;
  const parts = r.partitions.length;
  const inParts = parts > 1 ? ` in ${parts} independent partitions` : '';
  const ms = r.stats.elapsedMs.toFixed(1);
  if (r.verdict === 'linearizable') {
    return (
      `Linearizable: all ${n} operations${inParts} can be put in one order that respects real time ` +
      `(an operation that completed before another was invoked comes first) and the ${model.name}'s rules. ` +
      `(${r.stats.steps} search steps, ${ms} ms)`
    );
  }
  if (r.verdict === 'unknown') {
    const done = r.partitions.filter((p) => p.verdict === 'linearizable').length;
    return (
      `Unknown: the checker stopped after ${ms} ms and ${r.stats.steps} search steps, before reaching a verdict ` +
      `(${done} of ${parts} partitions checked, all linearizable so far). This is not a verdict: give it more time.`
    );
  }
  const bad = r.partitions.filter((p) => p.verdict === 'not linearizable').length;
  const head = parts > 1 ? `${bad} of ${parts} partitions cannot be linearized. First one:\n` : '';
  return head + (r.failure?.text ?? 'Not linearizable.');
}
