import { describe, expect, it } from 'vitest';
import { buildCausality, causalCone, concurrent, happenedBefore } from '../../../src/diagrams/causality.ts';
import { renderDiagram } from '../../../src/diagrams/svg.ts';
import { lamportSkew } from '../../../src/diagrams/scenarios/lamport-skew.ts';
import { workedExample } from './fixtures.ts';

// Indexes in workedExample(): 0 b1, 1 a1, 2 a2, 3 b2, 4 b3, 5 c1, 6 c2, 7 c3, 8 a3, 9 a4.
const [b1, a1, a2, b2, b3, c1, c2, c3, a3, a4] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const sorted = (s: Set<number>) => [...s].sort((x, y) => x - y);

describe('happened-before cone', () => {
  const c = buildCausality(workedExample());

  it('gives the exact causal past and future in the chapter’s worked example', () => {
    expect(sorted(causalCone(c, c2).past)).toEqual([b1, a1, a2, b2, b3, c1]);
    expect(sorted(causalCone(c, c2).future)).toEqual([c3, a4]);
    expect(sorted(causalCone(c, a3).past)).toEqual([a1, a2]);
    expect(sorted(causalCone(c, a3).future)).toEqual([a4]);
    expect(sorted(causalCone(c, b1).past)).toEqual([]);
    expect(sorted(causalCone(c, b1).future)).toEqual([b2, b3, c2, c3, a4]);
    expect(sorted(causalCone(c, a4).past)).toEqual([b1, a1, a2, b2, b3, c1, c2, c3, a3]);
    expect(sorted(causalCone(c, a4).future)).toEqual([]);
  });

  it('decides the pairs the chapter discusses', () => {
    expect(concurrent(c, c1, a2)).toBe(true);
    expect(concurrent(c, a3, c2)).toBe(true);
    expect(concurrent(c, a1, b1)).toBe(true);
    expect(happenedBefore(c, a2, c3)).toBe(true);
    expect(happenedBefore(c, c3, a2)).toBe(false);
    expect(happenedBefore(c, a1, a1)).toBe(false);
  });

  it('has no cone for events of the network, and follows a drop from its send', () => {
    const t = workedExample();
    t.events.push({ t: 13, type: 'partition', groups: [['A'], ['B', 'C']] }, { t: 14, type: 'send', id: 4, from: 'A', to: 'B', msg: {} }, { t: 14, type: 'drop', id: 4, from: 'A', to: 'B', reason: 'partition' });
    const k = buildCausality(t);
    expect(causalCone(k, 10).past.size + causalCone(k, 10).future.size).toBe(0);
    expect(causalCone(k, 12).past.has(11)).toBe(true);
    expect(causalCone(k, 11).future).toEqual(new Set([12]));
  });

  it('agrees with the Lamport clocks of a real run: everything in the past has a smaller timestamp', async () => {
    const trace = await lamportSkew(5, 60);
    const k = buildCausality(trace);
    const ts = new Map<number, number>();
    trace.events.forEach((e, i) => {
      if (e.type === 'log' && typeof (e.data as { ts?: number })?.ts === 'number') ts.set(i, (e.data as { ts: number }).ts);
    });
    expect(ts.size).toBeGreaterThan(10);
    for (const [i, ci] of ts) {
      const { past, future } = causalCone(k, i);
      for (const p of past) if (ts.has(p)) expect(ts.get(p)!).toBeLessThan(ci);
      for (const f of future) if (ts.has(f)) expect(ts.get(f)!).toBeGreaterThan(ci);
    }
  });

  it('colours the cone in the diagram: past solid, future dashed, the rest dimmed', () => {
    const t = workedExample();
    const cone = causalCone(buildCausality(t), c2);
    const r = renderDiagram(t, { cone: { focus: c2, ...cone }, current: c2 });
    expect(r.svg).toMatch(/^<svg [^>]*class="rd has-cone"/);
    const m1 = r.layout.arrows.find((a) => a.msg === 1)!;
    const m3 = r.layout.arrows.find((a) => a.msg === 3)!;
    expect(m1.cone).toBe('past');
    expect(m3.cone).toBe('future');
    expect(r.layout.dots.find((d) => d.ev === c1)!.cone).toBe('past');
    expect(r.layout.dots.find((d) => d.ev === a3)!.cone).toBeUndefined();
    expect(r.layout.legend).toEqual(expect.arrayContaining(['past', 'future']));
    expect(r.svg).toContain('class="ring"');
  });
});
