import { describe, expect, it } from 'vitest';
import { historyToOperations } from '../../../src/checkers/index.ts';
import { layoutRun, NARROW_FIT } from '../../../src/diagrams/layout.ts';
import { getScenario } from '../../../src/diagrams/scenarios/index.ts';
import { renderDiagram } from '../../../src/diagrams/svg.ts';
import type { Trace } from '../../../src/sim/index.ts';
import { faultyGossip, workedExample } from './fixtures.ts';

describe('layout of a space-time diagram', () => {
  it('draws one arrow per delivery, from its send to its delivery', async () => {
    const { trace } = await faultyGossip();
    const L = layoutRun(trace);
    const delivers = trace.events.map((e, i) => [e, i] as const).filter(([e]) => e.type === 'deliver');
    expect(delivers.length).toBeGreaterThan(20);
    for (const [e, i] of delivers) {
      const arrows = L.arrows.filter((a) => a.end === i);
      expect(arrows, `deliver #${i}`).toHaveLength(1);
      const a = arrows[0]!;
      if (e.type !== 'deliver') throw new Error('unreachable');
      expect(a.msg).toBe(e.id);
      expect(a.kind === 'deliver' || a.kind === 'late').toBe(true);
      expect(a.y2).toBeCloseTo(L.scale.y(e.t), 0);
      const lane = (id: string) => L.lanes.find((l) => l.id === id)!.x;
      expect(a.x2).toBeCloseTo(lane(e.to), 0);
      const origin = trace.events[a.origin]!;
      if (origin.type === 'send') {
        expect(origin.id).toBe(e.id);
        expect(a.x1).toBeCloseTo(lane(e.from), 0);
        expect(a.y1).toBeCloseTo(L.scale.y(origin.t), 0);
      } else {
        expect(['forge', 'replay']).toContain(origin.type);
      }
    }
    // Both copies of a duplicated message are drawn, the second marked as the copy.
    const copies = L.arrows.filter((a) => a.copy && a.kind !== 'drop');
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies) expect(L.arrows.some((a) => a.msg === c.msg && !a.copy)).toBe(true);
  });

  it('ends a dropped message at its drop time, with an X and a reason', async () => {
    const { trace } = await faultyGossip();
    const L = layoutRun(trace);
    const drops = trace.events.map((e, i) => [e, i] as const).filter(([e]) => e.type === 'drop');
    expect(drops.length).toBeGreaterThan(3);
    const reasons = new Set<string>();
    for (const [e, i] of drops) {
      const a = L.arrows.find((x) => x.end === i);
      expect(a, `drop event ${i}`).toBeDefined();
      expect(a!.kind).toBe('drop');
      expect(a!.y2).toBeCloseTo(L.scale.y(e.t), 0);
      if (e.type === 'drop') reasons.add(e.reason);
      expect(a!.reason).toBe((e as { reason: string }).reason);
    }
    expect(reasons).toContain('loss');
    expect(reasons).toContain('partition');
    const svg = renderDiagram(trace).svg;
    const plot = svg.slice(0, svg.indexOf('<g class="legend"'));
    expect(plot.match(/<path class="x"/g)?.length).toBe(drops.length);
  });

  it('shades a partition over the cut-off lanes, from the partition to the heal', async () => {
    const { trace } = await faultyGossip();
    const L = layoutRun(trace);
    const parts = L.regions.filter((r) => r.kind === 'partition');
    expect(parts).toHaveLength(1);
    const p = parts[0]!;
    expect(p.lanes).toEqual(['n1']);
    expect(p.t0).toBe(20);
    expect(p.t1).toBe(40);
    expect(p.y0).toBeCloseTo(L.scale.y(20), 0);
    expect(p.y1).toBeCloseTo(L.scale.y(40), 0);
    const n1 = L.lanes.find((l) => l.id === 'n1')!.x;
    expect(p.x0).toBeLessThan(n1);
    expect(p.x1).toBeGreaterThan(n1);
    expect(p.label).toBe('partition n1 | n2 n3');
  });

  it('shares one band between neighbouring lanes of a group', () => {
    const t: Trace = { version: 1, seed: 1, level: 'full', nodes: ['a', 'b', 'c', 'd'], clients: [], events: [
      { t: 0, type: 'partition', groups: [['a'], ['b', 'c', 'd']] },
      { t: 5, type: 'heal' },
      { t: 6, type: 'partition', groups: [['b', 'c'], ['a', 'd', 'x']] },
      { t: 9, type: 'log', node: 'a', text: 'end' },
    ] };
    const L = layoutRun(t);
    const parts = L.regions.filter((r) => r.kind === 'partition');
    expect(parts.map((r) => [r.lanes, r.t0, r.t1, r.end])).toEqual([
      [['a'], 0, 5, 1],
      [['b', 'c'], 6, 9, -1],
    ]);
  });

  it('breaks the lane of a crashed node, hatches a pause, and marks crash and restart', async () => {
    const { trace } = await faultyGossip();
    const L = layoutRun(trace);
    const down = L.regions.find((r) => r.kind === 'down')!;
    expect([down.lane, down.t0, down.t1]).toEqual(['n2', 60, 70]);
    const n2 = L.lanes.find((l) => l.id === 'n2')!;
    expect(n2.segments.map((s) => s.state)).toEqual(['up', 'down', 'up']);
    expect(n2.segments[1]!.y0).toBeCloseTo(L.scale.y(60), 0);
    const pause = L.regions.find((r) => r.kind === 'pause')!;
    expect([pause.lane, pause.t0, pause.t1]).toEqual(['n1', 75, 80]);
    expect(L.marks.filter((m) => m.kind === 'crash' || m.kind === 'restart').map((m) => [m.kind, m.lane])).toEqual([
      ['crash', 'n2'],
      ['restart', 'n2'],
    ]);
    expect(L.legend).toEqual(expect.arrayContaining(['crash', 'pause', 'partition', 'lost', 'duplicate']));
  });

  it('draws client operations as bars numbered like the linearizability checker', async () => {
    const { trace, history } = await faultyGossip();
    const L = layoutRun(trace);
    const ops = historyToOperations(history);
    expect(L.bars.length).toBeGreaterThan(0);
    expect(L.bars.filter((b) => b.op.opId !== undefined)).toHaveLength(ops.length);
    for (const b of L.bars) {
      if (b.op.opId === undefined) continue;
      const op = ops[b.op.opId]!;
      expect(b.op.t0).toBe(op.start);
      expect(b.op.status === 'ok' ? b.op.t1 : Infinity).toBe(op.end);
      expect(b.y0).toBeCloseTo(L.scale.y(op.start), 0);
    }
    // ok, fail and unknown differ in shape (pattern, dashes, a question mark), not only colour.
    const svg = renderDiagram(trace).svg;
    expect(svg).toMatch(/class="rd-x op ok/);
  });

  it('collapses long quiet gaps and marks them', () => {
    const base = workedExample();
    const t: Trace = { ...base, events: [...base.events, { t: 400, type: 'log', node: 'A', text: 'later' }, { t: 401, type: 'log', node: 'B', text: 'later' }] };
    const squeezed = layoutRun(t);
    const plain = layoutRun(t, { compress: false, pxPerMs: squeezed.scale.pxPerMs });
    expect(squeezed.breaks).toHaveLength(1);
    expect(squeezed.breaks[0]!.ms).toBeGreaterThan(300);
    expect(plain.breaks).toHaveLength(0);
    expect(squeezed.height).toBeLessThan(plain.height / 3);
    // Still monotone in time.
    let last = -Infinity;
    for (let x = 0; x <= 401; x += 0.5) {
      const y = squeezed.scale.y(x);
      expect(y).toBeGreaterThanOrEqual(last);
      last = y;
    }
    expect(renderDiagram(t).svg).toContain('class="brk"');
  });

  it('respects a time window and a node filter, and keeps within the height limit', async () => {
    const { trace } = await faultyGossip();
    const L = layoutRun(trace, { from: 30, to: 50, nodes: ['n1', 'n2'] });
    expect(L.lanes.map((l) => l.id)).toEqual(['n1', 'n2']);
    for (const a of L.arrows) {
      expect(a.y1).toBeGreaterThanOrEqual(L.plotTop - 0.1);
      expect(a.y2).toBeLessThanOrEqual(L.plotBottom + 0.1);
      expect(a.from === 'n1' || a.from === 'n2' || a.to === 'n1' || a.to === 'n2').toBe(true);
    }
    expect(L.arrows.some((a) => a.kind === 'out' || a.kind === 'in')).toBe(true);
    const big = layoutRun(trace, { maxHeight: 500 });
    expect(big.height).toBeLessThanOrEqual(520);
  });

  it('highlights what it is asked to, and dims the rest', async () => {
    const { trace } = await faultyGossip();
    const plain = renderDiagram(trace).svg;
    expect(plain.slice(0, 200)).toMatch(/^<svg [^>]*class="rd"/);
    const r = renderDiagram(trace, { highlight: { messages: [3], ops: [0] } });
    expect(r.svg).toContain('class="rd has-hl"');
    expect(r.layout.arrows.filter((a) => a.hl).every((a) => a.msg === 3)).toBe(true);
    expect(r.layout.arrows.some((a) => a.hl)).toBe(true);
    expect(r.layout.bars.filter((b) => b.hl).map((b) => b.op.opId)).toEqual([0]);
  });

  describe('fitted to a phone (fitWidth)', () => {
    // A watcher with long labels on the right, five Raft nodes, clients with labelled operations.
    for (const [name, seed] of [['heartbeat-timeout', 12], ['raft-clean-election', 1], ['lost-reply', 9]] as const) {
      it(`${name}: every lane and every label within the width, nothing cut short`, async () => {
        const sc = getScenario(name);
        const trace = await sc.run(seed);
        const opts = { ...sc.options, ...(sc.annotate ? { annotate: sc.annotate } : {}) };
        const usual = layoutRun(trace, opts);
        const L = layoutRun(trace, { ...opts, fitWidth: NARROW_FIT });
        expect(L.compact).toBe(true);
        expect(L.width).toBeLessThanOrEqual(NARROW_FIT + 10);
        expect(L.width).toBeLessThan(usual.width);
        expect(L.lanes.map((l) => l.id)).toEqual(usual.lanes.map((l) => l.id));
        for (let i = 1; i < L.lanes.length; i++) expect(L.lanes[i]!.x - L.lanes[i - 1]!.x).toBeGreaterThanOrEqual(44);
        // Labels beside events: whole, and inside the picture (11 px monospace, 6.6 px a character).
        expect(L.labels.length).toBeGreaterThan(0);
        for (const l of L.labels) {
          expect(l.text, 'label cut short').not.toMatch(/…$/);
          expect(l.x + l.text.length * 6.6, `"${l.text}"`).toBeLessThanOrEqual(L.width);
        }
        for (const b of L.bars) {
          for (const t of [b.startLabel, b.endLabel]) {
            expect(t, 'operation label cut short').not.toMatch(/…$/);
            expect(b.x - 10 - t.length * 6.6, `"${t}"`).toBeGreaterThanOrEqual(L.gutter);
          }
        }
        // The same time axis: only the horizontal layout (and the legend's rows) change.
        expect(L.arrows.map((a) => [a.y1, a.y2])).toEqual(usual.arrows.map((a) => [a.y1, a.y2]));
      });
    }

    it('leaves the usual layout as it was without fitWidth', async () => {
      const { trace } = await faultyGossip();
      const L = layoutRun(trace);
      expect(L.compact).toBe(false);
      expect(L.width).toBe(L.gutter + L.lanes.length * L.laneWidth + 8);
      L.lanes.forEach((l, i) => expect(l.x).toBeCloseTo(L.gutter + (i + 0.5) * L.laneWidth, 1));
    });
  });
});

describe('clock notes under the lane names', () => {
  /** Five nodes with skewed, drifting clocks, pinging n1: the failure detector's picture. */
  function skewedRun(): Trace {
    const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
    const skews = [112, 8, -877, -762, 667];
    const drifts = [80, -837, 294, 87, -613];
    const events: Trace['events'] = nodes.map((node, i) => ({ t: 0, type: 'skew' as const, node, skewMs: skews[i]!, drift: drifts[i]! / 1e6 }));
    nodes.slice(1).forEach((from, i) => {
      events.push({ t: 10 + i, type: 'send', id: i + 1, from, to: 'n1', msg: { type: 'heartbeat' } });
      events.push({ t: 14 + i, type: 'deliver', id: i + 1, from, to: 'n1', msg: { type: 'heartbeat' } });
    });
    return { version: 1, seed: 1, level: 'full', nodes, clients: [], events } as Trace;
  }

  it('fit their lanes: on one line when there is room, offset above drift on a phone', () => {
    const wide = layoutRun(skewedRun());
    expect(wide.lanes.map((l) => l.clock)).toEqual(['+112 ms, +80 ppm', '+8 ms, −837 ppm', '−877 ms, +294 ppm', '−762 ms, +87 ppm', '+667 ms, −613 ppm']);
    const narrow = layoutRun(skewedRun(), { fitWidth: NARROW_FIT });
    expect(narrow.lanes.map((l) => l.clock)).toEqual(['+112 ms\n+80 ppm', '+8 ms\n−837 ppm', '−877 ms\n+294 ppm', '−762 ms\n+87 ppm', '+667 ms\n−613 ppm']);
    expect(narrow.plotTop).toBeGreaterThan(wide.plotTop);
    for (const line of narrow.lanes.flatMap((l) => l.clock!.split('\n'))) expect(line.length * 5.6).toBeLessThanOrEqual(narrow.laneWidth);
    expect(renderDiagram(skewedRun(), { fitWidth: NARROW_FIT }).svg).toContain('+112 ms<tspan');
  });
});
