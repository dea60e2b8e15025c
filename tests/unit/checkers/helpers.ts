import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Model, Operation } from '../../../src/checkers/index.ts';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/porcupine/', import.meta.url));

export interface Expected {
  file: string;
  invokes: number;
  processes: number;
  linearizable: boolean;
}

/** expected.tsv: file, invokes, processes, linearizable. */
export function readExpected(): Expected[] {
  const rows = readFileSync(FIXTURES + 'expected.tsv', 'utf8').trim().split('\n');
  const header = rows.shift()!.split('\t');
  if (header.join(',') !== 'file,invokes,processes,linearizable') throw new Error(`unexpected header ${header.join(',')}`);
  return rows.map((r) => {
    const [file, invokes, processes, lin] = r.split('\t');
    if (lin !== 'true' && lin !== 'false') throw new Error(`bad row ${r}`);
    return { file: file!, invokes: Number(invokes), processes: Number(processes), linearizable: lin === 'true' };
  });
}

/**
 * Independent check that `order` (op ids) is a linearization of `ops`: every ok op exactly once,
 * info ops at most once, real-time order respected, and the model accepts every step.
 * Returns a problem description, or undefined if valid.
 */
export function validateLinearization<S, A, O>(
  model: Model<S, A, O>,
  ops: readonly Operation<A, O>[],
  order: readonly number[],
): string | undefined {
  const byId = new Map(ops.map((o) => [o.id, o]));
  const seen = new Set<number>();
  for (const id of order) {
    if (!byId.has(id)) return `unknown op ${id}`;
    if (seen.has(id)) return `op ${id} twice`;
    seen.add(id);
  }
  for (const o of ops) if (o.status === 'ok' && !seen.has(o.id)) return `ok op ${o.id} missing`;
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      const a = byId.get(order[i]!)!;
      const b = byId.get(order[j]!)!;
      if (b.end < a.start) return `op ${b.id} completed before op ${a.id} was invoked, yet comes after it`;
    }
  }
  // Unplaced info ops must not be forced: fine by definition (they never took effect).
  let s = model.init();
  for (const id of order) {
    const o = byId.get(id)!;
    const [ok, ns] = model.step(s, o.input, o.output);
    if (!ok) return `model rejects op ${id}`;
    s = ns;
  }
  return undefined;
}

/**
 * Brute-force oracle for tiny histories: try every order of the operations that respects real
 * time, with info ops optional.
 */
export function bruteForceLinearizable<S, A, O>(model: Model<S, A, O>, ops: readonly Operation<A, O>[]): boolean {
  const n = ops.length;
  const placed = new Array<boolean>(n).fill(false);
  const go = (state: S, okLeft: number): boolean => {
    if (okLeft === 0) return true;
    for (let i = 0; i < n; i++) {
      if (placed[i]) continue;
      const c = ops[i]!;
      // c can go next only if no unplaced ok op completed before c was invoked.
      let minimal = true;
      for (let j = 0; j < n; j++) {
        if (!placed[j] && j !== i && ops[j]!.status === 'ok' && ops[j]!.end < c.start) {
          minimal = false;
          break;
        }
      }
      if (!minimal) continue;
      const [ok, ns] = model.step(state, c.input, c.output);
      if (!ok) continue;
      placed[i] = true;
      const r = go(ns, okLeft - (c.status === 'ok' ? 1 : 0));
      placed[i] = false;
      if (r) return true;
    }
    return false;
  };
  return go(model.init(), ops.filter((o) => o.status === 'ok').length);
}

/** Build an operation quickly (loosely typed: tests feed it to every model). */
export function op(
  id: number,
  f: string,
  value: unknown,
  output: unknown,
  start: number,
  end: number,
  extra: { process?: number; key?: string; info?: boolean } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Operation<any, any> {
  const info = extra.info ?? false;
  return {
    id,
    process: extra.process ?? id,
    input: { f, key: extra.key, value },
    output: info ? undefined : output,
    status: info ? 'info' : 'ok',
    start,
    end: info ? Infinity : end,
    eventIndexes: [-1, -1],
  };
}
