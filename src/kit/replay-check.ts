/**
 * The format's replay check: one seed, run twice with the same code, must give the same
 * trace. When it does not, every "replay it with seed N" the grader prints is a lie, so the
 * difference is a failure of its own, and it says where the two runs part.
 * @module
 */
import { formatEvent, traceHash, type Trace, type TraceEvent } from '../sim/trace.ts';
import { LabFailure } from './lab-failure.ts';

/** Where two traces first differ, or undefined when they are the same run. */
export function firstDifference(a: Trace, b: Trace): { index: number; first?: TraceEvent; second?: TraceEvent } | undefined {
  // A lab that shares one run between several tests hands the same trace twice.
  if (a === b || traceHash(a) === traceHash(b)) return undefined;
  const n = Math.max(a.events.length, b.events.length);
  for (let i = 0; i < n; i++) {
    const x = a.events[i];
    const y = b.events[i];
    if (x === undefined || y === undefined || JSON.stringify(x) !== JSON.stringify(y)) {
      const out: { index: number; first?: TraceEvent; second?: TraceEvent } = { index: i };
      if (x) out.first = x;
      if (y) out.second = y;
      return out;
    }
  }
  // Same events, different header (nodes, seed): say so at event 0.
  return { index: 0 };
}

const show = (e: TraceEvent | undefined): string => (e ? formatEvent(e).trim() : '(the run had already ended)');

/** The failure a learner reads when a seed does not replay. */
export function replayFailure(seed: number, a: Trace, b: Trace): LabFailure | undefined {
  const d = firstDifference(a, b);
  if (!d) return undefined;
  const at = d.first?.t ?? d.second?.t;
  const nodes = [...new Set([d.first, d.second].flatMap((e) => (e && 'node' in e && typeof e.node === 'string' ? [e.node] : [])))];
  const lines = [
    `Replay is broken: seed ${seed} ran twice with the same code and gave two different runs, so no failure on this seed could be replayed.`,
    `The runs part at event ${d.index + 1} of ${a.events.length}${at !== undefined ? ` (${at.toFixed(1)} ms)` : ''}:`,
    `  first run:  ${show(d.first)}`,
    `  second run: ${show(d.second)}`,
    'The code depends on something besides the seed. Usual causes: state kept at module level (outside any node), ' +
      'which every node and every run shares, so the second run starts where the first one stopped; host time or ' +
      'randomness (Date.now, Math.random); iterating over something whose order the seed does not fix.',
  ];
  const involved: { nodes?: string[]; at?: number } = {};
  if (nodes.length) involved.nodes = nodes;
  if (at !== undefined) involved.at = at;
  return new LabFailure(lines.join('\n'), involved);
}
