/**
 * Plain-words explanations of checker results, for learners.
 * @module
 */
import { formatValue } from './models/register.ts';
import type { Candidate, FailureReport, Model, Operation } from './types.ts';
import type { SearchOutcome } from './wgl.ts';

/** `read → 3` style description, from the model or a generic fallback. */
export function describeOp<S, A, O>(model: Model<S, A, O>, op: Operation<A, O>): string {
  if (model.describeOperation) return model.describeOperation(op.input, op.output);
  const key = op.input.key !== undefined ? ` ${op.input.key}` : '';
  const out = op.status === 'info' ? '? (unknown)' : formatValue(op.output);
  return `${op.input.f}${key} ${formatValue(op.input.value)} → ${out}`;
}

/** A model state in words. */
export function describeState<S>(model: Model<S, never, never>, s: S): string {
  return model.describeState ? model.describeState(s) : formatValue(s);
}

const cap = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1);

function fmtTime(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(2).replace(/\.?0+$/, '');
}

/** "lines 12–15", "120–140 ms", "from 120 ms, never completed". */
export function formatSpan(op: Pick<Operation, 'start' | 'end'>, unit = 'ms'): string {
  const line = unit === 'line';
  if (unit === 'event') {
    return op.end === Infinity ? `event #${op.start}, never completed` : `events #${op.start}–#${op.end}`;
  }
  if (op.end === Infinity) {
    return line ? `invoked at line ${fmtTime(op.start)}, never completed` : `invoked at ${fmtTime(op.start)} ${unit}, never completed`;
  }
  return line ? `lines ${fmtTime(op.start)}–${fmtTime(op.end)}` : `${fmtTime(op.start)}–${fmtTime(op.end)} ${unit}`;
}

/** "read → 3 (process 4, lines 120–140)". */
export function describeOpFull<S, A, O>(model: Model<S, A, O>, op: Operation<A, O>, unit = 'ms'): string {
  const info = op.status === 'info' ? ', indeterminate' : '';
  return `${describeOp(model, op)} (process ${op.process}, ${formatSpan(op, unit)}${info})`;
}

/**
 * Build the failure report of a non-linearizable partition from the deepest point of the search.
 * `ops` are the partition's operations (positions in the outcome refer to it).
 */
export function buildFailureReport<S, A, O>(
  model: Model<S, A, O>,
  ops: readonly Operation<A, O>[],
  deepest: NonNullable<SearchOutcome<S>['deepest']>,
  unit: string,
  where: string,
): FailureReport {
  const st = (s: S): string => describeState(model as Model<S, never, never>, s);
  // Replay the partial linearization to describe the state after each step.
  const statesAfter: string[] = [];
  let s = model.init();
  for (const p of deepest.linearized) {
    const op = ops[p]!;
    s = model.step(s, op.input, op.output)[1];
    statesAfter.push(st(s));
  }
  const state = deepest.state;
  const blockedOp = ops[deepest.blocked]!;
  const why = (op: Operation<A, O>): { accepted: boolean; reason: string } => {
    const [ok, ns] = model.step(state, op.input, op.output);
    if (ok) {
      return {
        accepted: true,
        reason: `it could go next (state becomes ${st(ns)}), but every ordering continuing from there gets stuck too`,
      };
    }
    const reason = model.explainRejection
      ? model.explainRejection(state, op.input, op.output)
      : `the ${model.name} model rejects it in state ${st(state)}`;
    return { accepted: false, reason };
  };
  const blockedWhy = why(blockedOp);
  const candidates: Candidate[] = deepest.candidates
    .filter((p) => p !== deepest.blocked)
    .map((p) => ({ id: ops[p]!.id, ...why(ops[p]!) }));

  const lines: string[] = [];
  const n = deepest.linearized.length;
  lines.push(`Not linearizable${where}.`);
  if (n === 0) {
    lines.push(`No operation can even go first: the ${model.name} starts as ${st(model.init())}.`);
  } else {
    lines.push(
      `The longest valid ordering found places ${n} of ${ops.length} operations, leaving the ${model.name} at ${st(state)}.`,
    );
    const tail = deepest.linearized.slice(-3).map((p) => ops[p]!);
    const before = (op: Operation<A, O>): string => (op.end < blockedOp.start ? ', completed before the stuck operation was invoked' : '');
    lines.push(
      `It ends with:\n${tail.map((op) => `  - ${describeOpFull(model, op, unit).replace(/\)$/, `${before(op)})`)}`).join('\n')}`,
    );
  }
  const ret = blockedOp.end;
  const at = unit === 'line' ? `line ${fmtTime(ret)}` : unit === 'event' ? `event #${ret}` : `${fmtTime(ret)} ${unit}`;
  lines.push(
    `Stuck at: ${describeOpFull(model, blockedOp, unit)}. It completed at ${at}, so it must take effect before ` +
      `anything invoked after that. ` +
      (blockedWhy.accepted ? `${cap(blockedWhy.reason)}.` : `It cannot go next: ${blockedWhy.reason}.`),
  );
  if (candidates.length > 0) {
    lines.push(`The only other operations that could still go before it at that point:`);
    for (const c of candidates) lines.push(`  - ${describeOpFull(model, ops.find((o) => o.id === c.id)!, unit)}: ${c.reason}.`);
  }
  const concurrentOps = ops.filter((o) => o !== blockedOp && o.start <= blockedOp.end && o.end >= blockedOp.start);
  const placed = new Set(deepest.linearized.map((p) => ops[p]!.id));
  const others = concurrentOps.filter((o) => !candidates.some((c) => c.id === o.id));
  if (others.length > 0) {
    lines.push('Operations overlapping it in time (free to be ordered before or after it), none of which makes it fit:');
    for (const o of others.slice(0, 8)) {
      lines.push(`  - ${describeOpFull(model, o, unit)}${placed.has(o.id) ? '' : ' (not placed)'}`);
    }
    if (others.length > 8) lines.push(`  - ... and ${others.length - 8} more`);
  } else if (candidates.length === 0) {
    lines.push('No other operation overlaps it in time: everything before it was forced by real time.');
  }
  return {
    linearized: deepest.linearized.map((p) => ops[p]!.id),
    statesAfter,
    state: st(state),
    blocked: blockedOp.id,
    blockedReason: blockedWhy.reason,
    candidates,
    concurrent: concurrentOps.map((o) => o.id),
    text: lines.join('\n'),
  };
}
