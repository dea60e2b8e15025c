import { describe, expect, it } from 'vitest';
import {
  HistoryError,
  casRegisterModel,
  checkHistory,
  checkOperations,
  historyToOperations,
  registerModel,
  type History,
  type Model,
} from '../../../src/checkers/index.ts';
import { op, validateLinearization } from './helpers.ts';

const reg = registerModel();

describe('checkOperations on small register histories', () => {
  it('a write then a read of it is linearizable', () => {
    const ops = [op(0, 'write', 1, undefined, 0, 10), op(1, 'read', null, 1, 20, 30)];
    const r = checkOperations(reg, ops);
    expect(r.verdict).toBe('linearizable');
    expect(r.partitions[0]!.linearization).toEqual([0, 1]);
  });

  it('a stale read after a completed write is not', () => {
    const ops = [op(0, 'write', 1, undefined, 0, 10), op(1, 'write', 2, undefined, 20, 30), op(2, 'read', null, 1, 40, 50)];
    const r = checkOperations(reg, ops);
    expect(r.verdict).toBe('not linearizable');
    expect(r.failure!.blocked).toBe(2);
    expect(r.failure!.linearized).toEqual([0, 1]);
    expect(r.failure!.state).toBe('2');
    expect(r.failure!.blockedReason).toBe('the register held 2, not 1');
    expect(r.explanation).toContain('read → 1 (process 2, 40–50 ms)');
    expect(r.explanation).toContain('the register held 2, not 1');
  });

  it('the same read overlapping the second write is fine', () => {
    const ops = [op(0, 'write', 1, undefined, 0, 10), op(1, 'write', 2, undefined, 20, 45), op(2, 'read', null, 1, 40, 50)];
    const r = checkOperations(reg, ops);
    expect(r.verdict).toBe('linearizable');
    expect(r.partitions[0]!.linearization).toEqual([0, 2, 1]);
  });

  it('reports the concurrent candidates at the stuck point', () => {
    // read 3 can never be explained: only 1 and 2 were written.
    const ops = [op(0, 'write', 1, undefined, 0, 100), op(1, 'write', 2, undefined, 0, 100), op(2, 'read', null, 3, 10, 20)];
    const r = checkOperations(reg, ops);
    expect(r.verdict).toBe('not linearizable');
    const f = r.failure!;
    expect(f.blocked).toBe(2);
    expect(f.concurrent.sort()).toEqual([0, 1]);
    expect(f.blockedReason).toMatch(/held [12], not 3/);
    expect(f.text).toContain('write 1');
    expect(f.text).toContain('write 2');
  });

  it('two readers seeing the new and then the old value (a new/old inversion) is not linearizable', () => {
    const ops = [
      op(0, 'write', 1, undefined, 0, 100), // slow write
      op(1, 'read', null, 1, 10, 20), // sees new value
      op(2, 'read', null, null, 30, 40), // later sees old value
    ];
    expect(checkOperations(reg, ops).verdict).toBe('not linearizable');
  });

  it('equal timestamps count as concurrent', () => {
    const ops = [op(0, 'read', null, 1, 0, 10), op(1, 'write', 1, undefined, 10, 20)];
    expect(checkOperations(reg, ops).verdict).toBe('linearizable');
    const ops2 = [op(0, 'read', null, 1, 0, 10), op(1, 'write', 1, undefined, 11, 20)];
    expect(checkOperations(reg, ops2).verdict).toBe('not linearizable');
  });

  it('an empty history is linearizable', () => {
    expect(checkOperations(reg, []).verdict).toBe('linearizable');
  });
});

describe('Jepsen semantics of fail and info', () => {
  const w = (p: number, v: number, t: number): History[number] => ({ process: p, type: 'invoke', f: 'write', input: v, time: t });
  const r = (p: number, t: number): History[number] => ({ process: p, type: 'invoke', f: 'read', input: null, time: t });
  const ok = (p: number, f: string, t: number, output?: unknown): History[number] => ({ process: p, type: 'ok', f, output, time: t });

  it('a failed write did not happen: reading its value is not linearizable', () => {
    const h: History = [w(0, 1, 0), { process: 0, type: 'fail', f: 'write', input: 1, time: 10 }, r(1, 20), ok(1, 'read', 30, 1)];
    expect(checkHistory(reg, h).verdict).toBe('not linearizable');
    expect(historyToOperations(h)).toHaveLength(1);
  });

  it('an info write may take effect later, even long after', () => {
    const h: History = [
      w(0, 1, 0),
      { process: 0, type: 'info', f: 'write', input: 1, time: 10 },
      r(1, 20),
      ok(1, 'read', 30, null),
      r(1, 40),
      ok(1, 'read', 50, 1),
    ];
    const res = checkHistory(reg, h);
    expect(res.verdict).toBe('linearizable');
    expect(res.operations[0]!.end).toBe(Infinity);
  });

  it('an info write may never take effect', () => {
    const h: History = [w(0, 1, 0), { process: 0, type: 'info', f: 'write', input: 1, time: 10 }, r(1, 20), ok(1, 'read', 30, null)];
    const res = checkHistory(reg, h);
    expect(res.verdict).toBe('linearizable');
    expect(res.partitions[0]!.linearization).toEqual([1]);
  });

  it('an info write cannot take effect before it was invoked', () => {
    const h: History = [r(1, 0), ok(1, 'read', 5, 1), w(0, 1, 10), { process: 0, type: 'info', f: 'write', input: 1, time: 20 }];
    expect(checkHistory(reg, h).verdict).toBe('not linearizable');
  });

  it('an invoke with no completion is indeterminate', () => {
    const h: History = [w(0, 1, 0), r(1, 20), ok(1, 'read', 30, 1)];
    expect(checkHistory(reg, h).verdict).toBe('linearizable');
    expect(historyToOperations(h)[0]!.status).toBe('info');
  });

  it('an info cas swaps only if it matches', () => {
    const cas = casRegisterModel();
    const h: History = [
      w(0, 1, 0),
      ok(0, 'write', 1),
      { process: 1, type: 'invoke', f: 'cas', input: [5, 2], time: 2 },
      { process: 1, type: 'info', f: 'cas', input: [5, 2], time: 3 },
      r(2, 4),
      ok(2, 'read', 5, 2),
    ];
    expect(checkHistory(cas, h).verdict).toBe('not linearizable');
    h[2]!.input = [1, 2];
    h[3]!.input = [1, 2];
    expect(checkHistory(cas, h).verdict).toBe('linearizable');
  });
});

describe('historyToOperations errors', () => {
  it('completion without invoke', () => {
    expect(() => historyToOperations([{ process: 3, type: 'ok', f: 'read', output: 1, time: 0 }])).toThrow(
      /event #0: process 3 completes read \(ok\) but has no pending invoke/,
    );
  });
  it('two outstanding operations on one process', () => {
    const e = (() => {
      try {
        historyToOperations([
          { process: 1, type: 'invoke', f: 'read', time: 0 },
          { process: 1, type: 'invoke', f: 'write', input: 1, time: 1 },
        ]);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(HistoryError);
    expect((e as HistoryError).eventIndex).toBe(1);
    expect((e as HistoryError).message).toMatch(/still pending/);
  });
  it('mismatched f and time going backwards', () => {
    expect(() =>
      historyToOperations([
        { process: 1, type: 'invoke', f: 'read', time: 0 },
        { process: 1, type: 'ok', f: 'write', time: 1 },
      ]),
    ).toThrow(/its pending operation \(event #0\) is read/);
    expect(() =>
      historyToOperations([
        { process: 1, type: 'invoke', f: 'read', time: 5 },
        { process: 1, type: 'ok', f: 'read', output: null, time: 1 },
      ]),
    ).toThrow(/before its invoke/);
  });
  it('an operation the model does not know', () => {
    const h: History = [{ process: 1, type: 'invoke', f: 'incr', input: 1, time: 0 }];
    expect(() => checkHistory(reg, h)).toThrow(/register model knows read and write, not "incr"/);
  });
});

describe('custom models', () => {
  // A set with add/contains, state as a sorted array: needs the JSON fallback or a hash.
  const setModel = (withHash: boolean): Model<number[], number, boolean> => ({
    name: 'set',
    init: () => [],
    step(s, input, output) {
      if (input.f === 'add') return [true, s.includes(input.value) ? s : [...s, input.value].sort((a, b) => a - b)];
      return [output === undefined || output === s.includes(input.value), s];
    },
    ...(withHash
      ? { hash: (s: number[]) => s.reduce((h, x) => Math.imul(h ^ x, 16777619), 2166136261), equal: (a: number[], b: number[]) => a.join() === b.join() }
      : {}),
  });
  for (const withHash of [false, true]) {
    it(`works with object states (${withHash ? 'model hash/equal' : 'JSON fallback'})`, () => {
      const m = setModel(withHash);
      const ops = [op(0, 'add', 1, true, 0, 10), op(1, 'add', 2, true, 0, 10), op(2, 'contains', 1, true, 20, 30), op(3, 'contains', 2, false, 20, 30)];
      expect(checkOperations(m, ops).verdict).toBe('not linearizable');
      ops[3] = op(3, 'contains', 2, true, 5, 30);
      const r = checkOperations(m, ops);
      expect(r.verdict).toBe('linearizable');
      expect(validateLinearization(m, ops, r.partitions[0]!.linearization!)).toBeUndefined();
    });
  }
});
