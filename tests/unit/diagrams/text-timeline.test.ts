import { describe, expect, it } from 'vitest';
import { textTimeline } from '../../../src/diagrams/text-timeline.ts';
import { faultyGossip, workedExample } from './fixtures.ts';

const visible = (s: string) => [...s.replace(/\x1b\[[0-9;]*m/g, '')].length;

describe('text timeline', () => {
  it('draws lanes as columns and messages as arrows between them', () => {
    const out = textTimeline(workedExample(), { width: 90 });
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^\s+time\s+A\s+B\s+C$/);
    expect(lines[1]).toMatch(/^─+\s+─+$/);
    // a2: A sends m1 to B, left to right; c3: C sends m3 to A, right to left.
    expect(out).toMatch(/3\.00 ms\s+●─*m1 #1─*▶│/);
    expect(out).toMatch(/9\.00 ms\s+│◀─*m3 #3─*●/);
    expect(out).toContain('m1 #1 A→B arrives 5 ms');
    // Logs with labels are events on their lane.
    expect(out).toMatch(/1\.00 ms\s+│\s+○\s+│\s+B: b1/);
    expect(out).not.toContain('\x1b[');
  });

  it('fits the width, colours only when asked, hides timers by default and filters nodes', async () => {
    const { trace } = await faultyGossip();
    for (const width of [60, 80, 120]) {
      const out = textTimeline(trace, { width, color: true });
      for (const l of out.split('\n')) expect(visible(l), l).toBeLessThanOrEqual(width);
    }
    const colour = textTimeline(trace, { width: 100, color: true });
    expect(colour).toContain('\x1b[31m');
    const plain = textTimeline(trace, { width: 130 });
    expect(plain).toContain('✕ lost by the network');
    expect(plain).toContain('✕ cut off by a partition');
    expect(plain).toMatch(/═+.*PARTITION n1 \| n2 n3/);
    expect(plain).toContain('n2 CRASHES');
    expect(plain).toContain('┊'); // n2's lane while it is down
    expect(plain).toContain('c1 invokes add 0 on n1');
    expect(plain).not.toContain('timer');
    expect(textTimeline(trace, { width: 100, timers: true })).toContain('timer gossip');
    const n1 = textTimeline(trace, { width: 100, nodes: ['n1'] });
    expect(n1.split('\n')[0]).toMatch(/^\s+time\s+n1$/);
    expect(n1).not.toContain('n2 CRASHES');
  });

  it('falls back to one line per event when the columns do not fit, and honours limit and window', async () => {
    const { trace } = await faultyGossip();
    const narrow = textTimeline(trace, { width: 40, limit: 12 });
    const lines = narrow.split('\n');
    expect(lines).toHaveLength(13);
    expect(narrow).toMatch(/c1 ──add #1──▶ n1 arrives/);
    expect(lines[12]).toMatch(/^… \d+ more rows/);
    const win = textTimeline(trace, { width: 100, from: 20, to: 40 });
    const times = [...win.matchAll(/^\s+(\d+\.\d+) ms/gm)].map((m) => Number(m[1]));
    expect(times.length).toBeGreaterThan(3);
    for (const t of times) expect(t >= 20 && t <= 40).toBe(true);
  });
});

describe('text timeline of a Raft-like run', () => {
  const trace = {
    version: 1,
    seed: 1,
    level: 'full',
    nodes: ['n1', 'n2'],
    clients: [],
    events: [
      { t: 5, type: 'store', node: 'n1', key: 'currentTerm' },
      { t: 5, type: 'store', node: 'n1', key: 'votedFor' },
      { t: 5, type: 'log', node: 'n1', text: 'vote', data: { term: 2, for: 'n2' } },
      { t: 5, type: 'send', id: 1, from: 'n1', to: 'n2', msg: { type: 'vote', term: 2, granted: true } },
      { t: 7, type: 'deliver', id: 1, from: 'n1', to: 'n2', msg: { type: 'vote', term: 2, granted: true } },
    ],
  } as unknown as Parameters<typeof textTimeline>[0];

  it('shows what a node saved (one row per moment), its logs with their term, and payloads without the type', () => {
    const out = textTimeline(trace, { width: 140 });
    expect(out).toMatch(/5\.00 ms\s+▪\s+│\s+n1 saves currentTerm, votedFor/);
    expect(out).toContain('n1: vote  [term 2, for n2]');
    expect(out).toContain('{"term":2,"granted":true}');
    expect(out).not.toContain('"type":"vote"');
  });
});

describe('text timeline of a duplicated message', () => {
  /** The network's extra copy of #1 overtakes the original: the second arrival is the duplicate. */
  const trace = {
    version: 1,
    seed: 1,
    level: 'full',
    nodes: ['n1', 'n2'],
    clients: [],
    events: [
      { t: 1, type: 'send', id: 1, from: 'n1', to: 'n2', msg: { type: 'ping' } },
      { t: 1, type: 'duplicate', id: 1, from: 'n1', to: 'n2' },
      { t: 3, type: 'deliver', id: 1, from: 'n1', to: 'n2', msg: { type: 'ping' }, copy: true },
      { t: 6, type: 'deliver', id: 1, from: 'n1', to: 'n2', msg: { type: 'ping' } },
    ],
  } as unknown as Parameters<typeof textTimeline>[0];

  it('tells the first arrival on the send row and calls the second one the duplicate, window or not', () => {
    const out = textTimeline(trace, { width: 140 });
    expect(out).toContain('ping #1 n1→n2 arrives 3 ms, duplicated');
    expect(out).toMatch(/6\.00 ms.*n2 gets #1 again \(duplicated by the network\) from n1/);
    expect(out).not.toMatch(/3\.00 ms.*n2 gets #1/);
    expect(textTimeline(trace, { width: 140, from: 5 })).toMatch(/6\.00 ms.*n2 gets #1 again/);
  });
});
