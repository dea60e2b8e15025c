/**
 * Turning a Jepsen-style event history into operations (invoke + completion pairs).
 * @module
 */
import type { History, HistoryEvent } from './history.ts';
import type { Operation } from './types.ts';

/** A history that does not make sense (e.g. a completion without an invoke). */
export class HistoryError extends Error {
  /** Index of the offending event in the history. */
  readonly eventIndex: number;
  constructor(message: string, eventIndex: number) {
    super(message);
    this.name = 'HistoryError';
    this.eventIndex = eventIndex;
  }
}

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

/**
 * Pair each invoke with its completion, per process, with Jepsen's semantics:
 * - `ok`: the operation took effect, `output` is its result;
 * - `fail`: it did not take effect, so it is dropped;
 * - `info`, or no completion by the end of the history: indeterminate, it may take effect at
 *   any time after its invoke, or never (`status: 'info'`, `end: Infinity`, `output: undefined`).
 *
 * @throws {HistoryError} for a malformed history (naming the event index and what is wrong).
 */
export function historyToOperations<Arg = unknown, Out = unknown>(
  history: History<Arg, Out> | readonly HistoryEvent<Arg, Out>[],
  options: {
    /** How to name event i in messages (default `event #i`; parsers say `line N`). */
    describeEvent?: (index: number) => string;
  } = {},
): Operation<Arg, Out>[] {
  const ev = options.describeEvent ?? ((i: number) => `event #${i}`);
  const pending = new Map<number, { index: number; event: HistoryEvent<Arg, Out>; slot: number }>();
  // Slots keep operations in invoke order; failed ones become null and are dropped at the end.
  const slots: (Operation<Arg, Out> | null)[] = [];
  for (let i = 0; i < history.length; i++) {
    const e = history[i]!;
    const where = ev(i);
    if (e === null || typeof e !== 'object') throw new HistoryError(`${where} is not an object`, i);
    if (!TYPES.has(e.type)) {
      throw new HistoryError(`${where}: type must be invoke, ok, fail or info, not ${JSON.stringify(e.type)}`, i);
    }
    if (typeof e.process !== 'number' || !Number.isFinite(e.process)) {
      throw new HistoryError(`${where}: process must be a number, not ${JSON.stringify(e.process)}`, i);
    }
    if (typeof e.f !== 'string') throw new HistoryError(`${where}: f must be a string`, i);
    if (typeof e.time !== 'number' || Number.isNaN(e.time)) {
      throw new HistoryError(`${where}: time must be a number, not ${JSON.stringify(e.time)}`, i);
    }
    if (e.type === 'invoke') {
      const prev = pending.get(e.process);
      if (prev) {
        throw new HistoryError(
          `${where}: process ${e.process} invokes ${e.f} while its ${prev.event.f} (${ev(prev.index)}) is still pending; ` +
            'a process has at most one outstanding operation',
          i,
        );
      }
      pending.set(e.process, { index: i, event: e, slot: slots.length });
      slots.push(null);
      continue;
    }
    const p = pending.get(e.process);
    if (!p) {
      throw new HistoryError(`${where}: process ${e.process} completes ${e.f} (${e.type}) but has no pending invoke`, i);
    }
    if (p.event.f !== e.f) {
      throw new HistoryError(
        `${where}: process ${e.process} completes ${e.f} but its pending operation (${ev(p.index)}) is ${p.event.f}`,
        i,
      );
    }
    if (e.time < p.event.time) {
      throw new HistoryError(`${where}: completes at time ${e.time}, before its invoke (${ev(p.index)}, time ${p.event.time})`, i);
    }
    pending.delete(e.process);
    if (e.type === 'fail') continue;
    slots[p.slot] = makeOp(p.event, p.index, e.type === 'ok' ? e : undefined, i);
  }
  for (const p of pending.values()) slots[p.slot] = makeOp(p.event, p.index, undefined, -1);
  const ops: Operation<Arg, Out>[] = [];
  for (const op of slots) {
    if (op) {
      op.id = ops.length;
      ops.push(op);
    }
  }
  return ops;
}

function makeOp<Arg, Out>(
  inv: HistoryEvent<Arg, Out>,
  invIndex: number,
  ok: HistoryEvent<Arg, Out> | undefined,
  completionIndex: number,
): Operation<Arg, Out> {
  return {
    id: -1,
    process: inv.process,
    input: { f: inv.f, key: inv.key, value: inv.input as Arg },
    output: ok ? ok.output : undefined,
    status: ok ? 'ok' : 'info',
    start: inv.time,
    end: ok ? ok.time : Infinity,
    eventIndexes: [invIndex, completionIndex],
  };
}

/** Group operations by `input.key` (first-seen order). Handy as a model's `partition`. */
export function partitionByKey<Arg, Out>(ops: readonly Operation<Arg, Out>[]): Operation<Arg, Out>[][] {
  const groups = new Map<string | undefined, Operation<Arg, Out>[]>();
  for (const op of ops) {
    let g = groups.get(op.input.key);
    if (!g) groups.set(op.input.key, (g = []));
    g.push(op);
  }
  return [...groups.values()];
}
