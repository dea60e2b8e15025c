import { describe, expect, it } from 'vitest';
import { layoutRun, NARROW_FIT, type RunLayout } from '../../../src/diagrams/layout.ts';
import { getScenario } from '../../../src/diagrams/scenarios/index.ts';
import { gapLabel, renderDiagram } from '../../../src/diagrams/svg.ts';
import type { DiagramOptions } from '../../../src/diagrams/types.ts';
import type { Trace } from '../../../src/sim/index.ts';

/** The Raft diagrams of the chapter consensus-leader-election, with their seeds there. */
const RAFT = [
  ['raft-clean-election', 1],
  ['raft-split-vote', 2],
  ['raft-partitioned-leader', 2],
] as const;

interface TextBox {
  what: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * Where each piece of text of a layout lands, estimated from its length (monospace: 0.6 em a
 * character; the sans-serif labels of marks and bands are narrower, so this is generous).
 * The text's baseline is y; it rises about 0.8 em above it and descends 0.2 em.
 */
function textBoxes(L: RunLayout): TextBox[] {
  const box = (what: string, x: number, y: number, text: string, px: number, anchor: 'start' | 'end' = 'start'): TextBox => {
    const w = [...text].length * px * 0.6;
    const x0 = anchor === 'start' ? x : x - w;
    return { what: `${what} "${text}" at ${Math.round(x0)},${Math.round(y)}`, x0, x1: x0 + w, y0: y - px * 0.8, y1: y + px * 0.2 };
  };
  const out: TextBox[] = [];
  for (const l of L.labels) out.push(box('event label', l.x, l.y, l.text, 11));
  for (const a of L.arrows) if (a.label) out.push(box('message label', a.label.x, a.label.y, a.label.text, 10.5));
  for (const m of L.marks) out.push(box('mark', m.x + 10, m.y + 4, m.text, 10.5));
  for (const r of L.regions) if (r.label && (r.kind === 'partition' || r.kind === 'isolate')) out.push(box('band', r.x0 + 5, r.y0 + 13, r.label, 10.5));
  for (const b of L.bars) {
    out.push(box('operation', b.x - 10, b.y0 + 4, b.startLabel, 11, 'end'));
    if (!b.open) out.push(box('operation', b.x - 10, Math.max(b.y1 + 4, b.y0 + 16), b.endLabel, 11, 'end'));
  }
  return out;
}

function overprints(boxes: TextBox[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) found.push(`${a.what} × ${b.what}`);
    }
  }
  return found;
}

async function raftLayouts(): Promise<{ name: string; trace: Trace; opts: DiagramOptions; L: RunLayout }[]> {
  const out = [];
  for (const [name, seed] of RAFT) {
    const sc = getScenario(name);
    const trace = await sc.run(seed);
    // As RunDiagram.astro draws them: the usual layout and the phone's.
    for (const fit of [undefined, NARROW_FIT]) {
      const opts: DiagramOptions = { maxHeight: 1500, ...sc.options, annotate: sc.annotate!, ...(fit ? { fitWidth: fit } : {}) };
      out.push({ name: `${name} seed ${seed}${fit ? ' (phone)' : ''}`, trace, opts, L: layoutRun(trace, opts) });
    }
  }
  return out;
}

describe('labels in the Raft diagrams', () => {
  it('no two labels overprint each other, nor a partition’s name', async () => {
    for (const { name, L } of await raftLayouts()) expect(overprints(textBoxes(L)), name).toEqual([]);
  });

  it('keeps every node’s annotation, near its event', async () => {
    for (const { name, trace, opts, L } of await raftLayouts()) {
      const annotated = trace.events.filter((e, i) => opts.annotate!(e, i) !== undefined).length;
      expect(L.labels.length, name).toBe(annotated);
      for (const l of L.labels) expect(Math.abs(l.y - 4 - L.scale.y(trace.events[l.ev]!.t)), `${name}: "${l.text}"`).toBeLessThanOrEqual(30);
    }
  });

  it('keeps the head of an arrow that arrives from the right clear of the event label beside it, where there is room', async () => {
    // Zoomed in on the old leader stepping down (808 to 826 ms), "down T2" has room to
    // move off the head of the reply that deposed it. In a crowd (three replies within 2 ms
    // on the full-run scale) a label may still cover a head: it is never dropped for that.
    const sc = getScenario('raft-partitioned-leader');
    const trace = await sc.run(2);
    const L = layoutRun(trace, { ...sc.options, annotate: sc.annotate!, from: 808, to: 826 });
    const down = L.labels.filter((l) => l.text.startsWith('down'));
    expect(down.length).toBe(1);
    for (const a of L.arrows) {
      if (a.kind === 'drop' || a.x1 <= a.x2 + 1) continue;
      for (const l of down) {
        const w = l.text.length * 6.6;
        const hit = l.x - 1 < a.x2 + 9 && l.x + w + 1 > a.x2 && l.y - 9 < a.y2 + 4 && l.y + 3 > a.y2 - 4;
        expect(hit, `"${l.text}" covers the head of the ${a.from}→${a.to} arrow`).toBe(false);
      }
    }
  });

  it('says "cut off" once for the messages a partition drops together', async () => {
    for (const { name, L } of await raftLayouts()) {
      const bursts = new Map<string, number>();
      for (const a of L.arrows) {
        if (a.kind !== 'drop') continue;
        const k = `${a.from} at ${a.t1}–${a.t2}`;
        bursts.set(k, (bursts.get(k) ?? 0) + (a.label ? 1 : 0));
      }
      for (const [k, labelled] of bursts) expect(labelled, `${name}: drops from ${k}`).toBeLessThanOrEqual(1);
      if (name.startsWith('raft-partitioned-leader')) {
        expect(bursts.size, name).toBeGreaterThan(0);
        // The leader's heartbeats to the four others, every 50 ms: one label each time, beside the farthest X.
        const beats = L.arrows.filter((a) => a.kind === 'drop' && a.label && a.reason === 'partition' && a.from === 'n1');
        expect(beats.length, name).toBeGreaterThan(4);
        for (const b of beats) {
          const same = L.arrows.filter((a) => a.kind === 'drop' && a.from === b.from && a.t1 === b.t1 && a.t2 === b.t2);
          expect(same.length).toBe(4);
          expect(Math.max(...same.map((a) => a.x2))).toBe(b.x2);
        }
      }
    }
  });

  it('draws labels over every arrow, each on a plate that hides the lines behind it', async () => {
    for (const { name, trace, opts, L } of await raftLayouts()) {
      const svg = renderDiagram(trace, opts).svg;
      // A message label inside its arrow's group would be crossed by every arrow drawn after it.
      if (L.arrows.some((a) => a.label)) expect(svg.indexOf('<g class="rd-x mlab'), name).toBeGreaterThan(svg.lastIndexOf('<g class="rd-x msg'));
      const plated = svg.match(/<rect class="plate"[^>]*\/><text class="m?lbl halo/g) ?? [];
      expect(plated.length, name).toBe(L.labels.length + L.arrows.filter((a) => a.label).length);
      // Every text in the plot has a halo, the gap labels excepted (they sit on their own strip).
      const plot = svg.slice(svg.indexOf('<g class="ops">'), svg.indexOf('<g class="heads">'));
      for (const t of plot.match(/<text[^>]*>/g) ?? []) expect(t, name).toMatch(/class="[^"]*\bhalo\b/);
    }
  });
});

describe('times in the margins', () => {
  it('labels a collapsed gap of seconds in seconds, once', () => {
    expect(gapLabel(12_000, false)).toBe('+12 s');
    expect(gapLabel(12_345, true)).toBe('+12.35 s');
    expect(gapLabel(42.5, false)).toBe('+42.5 ms');
    expect(gapLabel(42.5, true)).toBe('+43 ms');
    expect(gapLabel(5.25, true)).toBe('+5.25 ms');
    const t: Trace = { version: 1, seed: 1, level: 'full', nodes: ['A', 'B'], clients: [], events: [
      { t: 0, type: 'skew', node: 'A', skewMs: 12_000, drift: 0 },
      { t: 1, type: 'log', node: 'A', text: 'a' },
      { t: 2, type: 'log', node: 'B', text: 'b' },
      { t: 12_002, type: 'log', node: 'A', text: 'c' },
      { t: 12_003, type: 'log', node: 'B', text: 'd' },
    ] };
    for (const fitWidth of [undefined, NARROW_FIT]) {
      const { svg, layout } = renderDiagram(t, fitWidth ? { fitWidth } : {});
      expect(layout.breaks).toHaveLength(1);
      expect(svg).toMatch(/>\+1\d(\.\d+)? s<\/text>/);
      // The clock note in the header has the same unit.
      expect(layout.lanes[0]!.clock).toBe('clock +12 s');
      expect(svg).not.toMatch(/ s ms/);
    }
  });
});
