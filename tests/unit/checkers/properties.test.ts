import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { casRegisterModel, checkOperations, kvModel, type Operation, type RegisterValue } from '../../../src/checkers/index.ts';
import { loadHistoryFile } from '../../../src/checkers/files.ts';
import { FIXTURES, bruteForceLinearizable, op, validateLinearization } from './helpers.ts';

const cas = casRegisterModel();
type CasOp = Operation<unknown, unknown>;

interface Spec {
  f: 'read' | 'write' | 'cas';
  a: number;
  b: number;
  start: number;
  dur: number;
  at: number; // where in [start, end] it takes effect, 0..1
  info: boolean;
  happens: boolean; // for info ops: whether it took effect at all
}

const specArb = (maxTime: number): fc.Arbitrary<Spec> =>
  fc.record({
    f: fc.constantFrom('read', 'write', 'cas'),
    a: fc.integer({ min: 0, max: 3 }),
    b: fc.integer({ min: 0, max: 3 }),
    start: fc.integer({ min: 0, max: maxTime }),
    dur: fc.integer({ min: 0, max: 30 }),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    info: fc.integer({ min: 0, max: 6 }).map((x) => x === 0),
    happens: fc.boolean(),
  });

/**
 * Run the operations on a real register, each at a point inside its interval, and record what
 * it returned: the result is linearizable by construction.
 */
function execute(specs: Spec[], withInfo: boolean): CasOp[] {
  const ops = specs.map((s, id) => ({ s, id, point: s.start + s.at * s.dur }));
  const outputs = new Map<number, unknown>();
  let state: RegisterValue = null;
  for (const { s, id } of [...ops].sort((x, y) => x.point - y.point)) {
    const info = withInfo && s.info;
    if (info && !s.happens) continue;
    if (s.f === 'read') outputs.set(id, state);
    else if (s.f === 'write') state = s.a;
    else {
      const swapped = state === s.a;
      if (swapped) state = s.b;
      outputs.set(id, swapped);
    }
  }
  return ops.map(({ s, id }) =>
    op(id, s.f, s.f === 'read' ? null : s.f === 'write' ? s.a : [s.a, s.b], outputs.get(id), s.start, s.start + s.dur, {
      info: withInfo && s.info,
    }),
  );
}

describe('property: histories from real executions are linearizable', () => {
  it('sequential histories (no overlap) are linearizable, in their real order', () => {
    fc.assert(
      fc.property(fc.array(specArb(0), { minLength: 1, maxLength: 40 }), (specs) => {
        // Lay the operations end to end.
        let t = 0;
        for (const s of specs) {
          s.start = t;
          t += s.dur + 1;
        }
        const ops = execute(specs, false);
        const r = checkOperations(cas, ops);
        expect(r.verdict).toBe('linearizable');
        expect(r.partitions[0]!.linearization).toEqual(ops.map((o) => o.id));
      }),
    );
  });

  it('with random overlaps and indeterminate operations, still linearizable (and the linearization is valid)', () => {
    fc.assert(
      fc.property(fc.array(specArb(100), { minLength: 1, maxLength: 30 }), fc.boolean(), (specs, withInfo) => {
        const ops = execute(specs, withInfo);
        const r = checkOperations(cas, ops, { timeoutMs: 5000 });
        expect(r.verdict).toBe('linearizable');
        expect(validateLinearization(cas, ops, r.partitions[0]!.linearization!)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });
});

describe('property: stale reads are caught', () => {
  it('a read returning an overwritten value after the overwrite completed is not linearizable', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 20 }),
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 20, maxLength: 20 }),
        (values, pick, overlaps) => {
          // Writes of unique values, each starting before the previous one ends (overlapping in
          // pairs, still ordered by the one after next), then a read after all of them.
          const ops: CasOp[] = values.map((v, i) => op(i, 'write', v, undefined, i * 10 - overlaps[i]!, i * 10 + 5));
          const end = values.length * 10 + 10;
          // The last write is only forced after the second-to-last by their intervals if they don't overlap;
          // read a value overwritten by a write that completed before a later, non-overlapping write.
          const stale = pick % (values.length - 1); // any but the last
          const lastStart = (values.length - 1) * 10 - overlaps[values.length - 1]!;
          const staleEnd = stale * 10 + 5;
          fc.pre(staleEnd < lastStart); // the stale write completed before the last write began
          const read = op(values.length, 'read', null, values[stale], end, end + 5);
          const r = checkOperations(cas, [...ops, read]);
          expect(r.verdict).toBe('not linearizable');
          expect(r.failure!.blocked).toBe(read.id);
          // Reading the last value instead is fine.
          const fresh = op(values.length, 'read', null, values[values.length - 1], end, end + 5);
          expect(checkOperations(cas, [...ops, fresh]).verdict).toBe('linearizable');
        },
      ),
    );
  });
});

describe('property: agrees with a brute-force oracle on small random histories', () => {
  const anyOutput = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 2 }), fc.boolean());
  const smallOp = fc.record({
    f: fc.constantFrom('read', 'write', 'cas'),
    a: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 2 })),
    b: fc.integer({ min: 0, max: 2 }),
    out: anyOutput,
    start: fc.integer({ min: 0, max: 20 }),
    dur: fc.integer({ min: 0, max: 10 }),
    info: fc.integer({ min: 0, max: 5 }).map((x) => x === 0),
  });
  it('cas register, up to 7 operations with arbitrary (often wrong) outputs', () => {
    let lin = 0;
    let notLin = 0;
    fc.assert(
      fc.property(fc.array(smallOp, { minLength: 0, maxLength: 7 }), (raw) => {
        const ops = raw.map((r, id) => {
          const out = r.f === 'read' ? (typeof r.out === 'boolean' ? null : r.out) : r.f === 'cas' ? typeof r.out === 'boolean' && r.out : undefined;
          return op(id, r.f, r.f === 'read' ? null : r.f === 'write' ? r.b : [r.a, r.b], out, r.start, r.start + r.dur, { info: r.info });
        });
        const expected = bruteForceLinearizable(cas, ops);
        const r = checkOperations(cas, ops);
        expect(r.verdict).toBe(expected ? 'linearizable' : 'not linearizable');
        if (expected) {
          lin++;
          // (an empty history has no partitions)
          expect(validateLinearization(cas, ops, r.partitions[0]?.linearization ?? [])).toBeUndefined();
        } else notLin++;
      }),
      { numRuns: 1000 },
    );
    // The generator exercises both verdicts.
    expect(lin).toBeGreaterThan(50);
    expect(notLin).toBeGreaterThan(50);
  });

  it('kv store on several keys (partitioned) agrees with the oracle run per key', () => {
    const kvOp = fc.record({
      f: fc.constantFrom('get', 'put', 'append'),
      key: fc.constantFrom('a', 'b'),
      v: fc.constantFrom('x', 'y'),
      out: fc.constantFrom('', 'x', 'y', 'xy', 'yx', 'xx'),
      start: fc.integer({ min: 0, max: 20 }),
      dur: fc.integer({ min: 0, max: 10 }),
    });
    const kv = kvModel();
    fc.assert(
      fc.property(fc.array(kvOp, { maxLength: 10 }), (raw) => {
        const ops = raw.map((r, id) =>
          op(id, r.f, r.f === 'get' ? null : r.v, r.f === 'get' ? r.out : undefined, r.start, r.start + r.dur, { key: r.key }),
        );
        const expected = ['a', 'b'].every((k) => bruteForceLinearizable(kv, ops.filter((o) => o.input.key === k)));
        expect(checkOperations(kv, ops).verdict).toBe(expected ? 'linearizable' : 'not linearizable');
      }),
      { numRuns: 500 },
    );
  });
});

describe('property: a budget never produces a wrong verdict', () => {
  const h = loadHistoryFile(FIXTURES + 'jepsen/etcd_002.log');
  it('stopping after any number of polls gives unknown or the right answer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), (k) => {
        let polls = 0;
        const r = checkOperations(h.model, h.operations, { shouldStop: () => ++polls > k });
        expect(['unknown', 'linearizable']).toContain(r.verdict);
      }),
      { numRuns: 15 },
    );
  });
});
