import { describe, expect, it } from 'vitest';
import { checkOperations } from '../../../src/checkers/index.ts';
import { loadHistoryFile } from '../../../src/checkers/files.ts';
import { FIXTURES, readExpected, validateLinearization } from './helpers.ts';

const expected = readExpected();

describe("Porcupine's histories (expected.tsv)", () => {
  it('lists all 52 etcd and 4 kv files', () => {
    expect(expected.filter((e) => e.file.startsWith('jepsen/'))).toHaveLength(52);
    expect(expected.filter((e) => e.file.startsWith('kv/'))).toHaveLength(4);
  });

  for (const e of expected) {
    it(`${e.file} is ${e.linearizable ? 'linearizable' : 'not linearizable'}`, () => {
      const h = loadHistoryFile(FIXTURES + e.file);
      // The parse matches the file's own counts.
      expect(h.history.filter((ev) => ev.type === 'invoke')).toHaveLength(e.invokes);
      expect(new Set(h.history.map((ev) => ev.process)).size).toBe(e.processes);

      const r = checkOperations(h.model, h.operations, { timeUnit: h.timeUnit, timeoutMs: 20_000 });
      expect(r.verdict).toBe(e.linearizable ? 'linearizable' : 'not linearizable');

      if (e.linearizable) {
        // Each partition's linearization is a real one, checked independently.
        for (const p of r.partitions) {
          const ops = p.operations.map((id) => r.operations[id]!);
          expect(validateLinearization(h.model, ops, p.linearization!)).toBeUndefined();
        }
        expect(r.failure).toBeUndefined();
      } else {
        const f = r.failure!;
        expect(f).toBeDefined();
        const p = r.partitions[f.partition]!;
        expect(p.verdict).toBe('not linearizable');
        const blocked = r.operations[f.blocked]!;
        expect(blocked.status).toBe('ok');
        expect(p.operations).toContain(f.blocked);
        expect(f.linearized).not.toContain(f.blocked);
        // The partial linearization is valid as far as it goes (model accepts each step,
        // real time respected), but cannot be extended by the blocked operation.
        let s = h.model.init();
        for (const id of f.linearized) {
          const o = r.operations[id]!;
          const [ok, ns] = h.model.step(s, o.input, o.output);
          expect(ok).toBe(true);
          s = ns;
        }
        expect(f.statesAfter).toHaveLength(f.linearized.length);
        expect(f.text).toContain('Stuck at');
        expect(f.text).toContain(`lines ${blocked.start}–${blocked.end}`);
        expect(r.explanation).toContain('Not linearizable');
      }
    });
  }

  it('gives up with "unknown" (not a wrong verdict) on a tiny budget for the hardest history', () => {
    const h = loadHistoryFile(FIXTURES + 'jepsen/etcd_002.log');
    const r = checkOperations(h.model, h.operations, { timeoutMs: 1 });
    expect(r.verdict).toBe('unknown');
    expect(r.explanation).toMatch(/^Unknown/);
    // shouldStop works too.
    let calls = 0;
    const r2 = checkOperations(h.model, h.operations, { shouldStop: () => ++calls > 2 });
    expect(r2.verdict).toBe('unknown');
    // And with enough time the answer is the right one.
    expect(checkOperations(h.model, h.operations, { timeoutMs: 20_000 }).verdict).toBe('linearizable');
  });

  it('checks kv files key by key, and c10-bad fails on several keys', () => {
    const h = loadHistoryFile(FIXTURES + 'kv/c10-bad.txt');
    const r = checkOperations(h.model, h.operations);
    expect(r.partitions.length).toBe(new Set(h.operations.map((o) => o.input.key)).size);
    for (const p of r.partitions) expect(p.key).toBeDefined();
    expect(r.partitions.filter((p) => p.verdict === 'not linearizable').length).toBeGreaterThan(1);
    const first = checkOperations(h.model, h.operations, { stopAtFirstFailure: true });
    expect(first.verdict).toBe('not linearizable');
    expect(first.partitions.filter((p) => p.verdict === 'not linearizable')).toHaveLength(1);
  });
});
