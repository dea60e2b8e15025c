/**
 * Lamport's happened-before relation over the events of a trace, and the "light cone" of an
 * event: everything that could have influenced it (its causal past) and everything it could
 * have influenced (its causal future).
 *
 * Edges: program order (each event to the next one on the same node or client: sends,
 * deliveries, logs, timers, crashes, restarts, client invokes and completions), and each
 * message's send to every delivery of it (both copies of a duplicate; a drop also follows its
 * send). Network and environment events (partitions, skew, pauses) are not events of any
 * process, so they have no cone.
 * @module
 */
import type { Trace } from '../sim/trace.ts';
import { laneOf, pairMessages } from './model.ts';

export interface Causality {
  /** Number of events in the trace. */
  size: number;
  /** Previous event on the same lane, -1 if none (or the event is on no lane). */
  prevOnLane: Int32Array;
  /** For a deliver or drop: the event that sent the message (-1 if none). */
  cause: Int32Array;
  /** The lane of each event, undefined for network and environment events. */
  lane: (string | undefined)[];
  /** Successors, compressed: succ[succStart[i] .. succStart[i+1]). */
  succStart: Int32Array;
  succ: Int32Array;
}

export function buildCausality(trace: Trace): Causality {
  const ev = trace.events;
  const n = ev.length;
  const prevOnLane = new Int32Array(n).fill(-1);
  const cause = new Int32Array(n).fill(-1);
  const lane: (string | undefined)[] = new Array(n);
  const last = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const l = laneOf(ev[i]!);
    lane[i] = l;
    if (l === undefined) continue;
    const p = last.get(l);
    if (p !== undefined) prevOnLane[i] = p;
    last.set(l, i);
  }
  for (const m of pairMessages(trace).values()) {
    if (m.origin < 0) continue;
    for (const o of m.outcomes) cause[o.ev] = m.origin;
  }
  // Successor lists (at most two predecessors per event, so edges < 2n).
  const count = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    if (prevOnLane[i]! >= 0) count[prevOnLane[i]! + 1]!++;
    if (cause[i]! >= 0) count[cause[i]! + 1]!++;
  }
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const succStart = Int32Array.from(count);
  const fillAt = Int32Array.from(count);
  const succ = new Int32Array(count[n]!);
  for (let i = 0; i < n; i++) {
    const p = prevOnLane[i]!;
    if (p >= 0) succ[fillAt[p]!++] = i;
    const c = cause[i]!;
    if (c >= 0) succ[fillAt[c]!++] = i;
  }
  return { size: n, prevOnLane, cause, lane, succStart, succ };
}

/** Is the event part of the relation (an event of some process, a drop, or a forge/replay)? */
function inGraph(c: Causality, i: number): boolean {
  return c.lane[i] !== undefined || c.cause[i]! >= 0 || c.succStart[i + 1]! > c.succStart[i]!;
}

/** Every event that happened before `i` (its causal past), and every event `i` happened before. */
export function causalCone(c: Causality, i: number): { past: Set<number>; future: Set<number> } {
  const past = new Set<number>();
  const future = new Set<number>();
  if (i < 0 || i >= c.size || !inGraph(c, i)) return { past, future };
  const stack = [i];
  while (stack.length) {
    const x = stack.pop()!;
    for (const p of [c.prevOnLane[x]!, c.cause[x]!]) {
      if (p >= 0 && !past.has(p)) {
        past.add(p);
        stack.push(p);
      }
    }
  }
  stack.push(i);
  while (stack.length) {
    const x = stack.pop()!;
    for (let k = c.succStart[x]!; k < c.succStart[x + 1]!; k++) {
      const s = c.succ[k]!;
      if (!future.has(s)) {
        future.add(s);
        stack.push(s);
      }
    }
  }
  return { past, future };
}

/** a → b: did event a happen before event b? */
export function happenedBefore(c: Causality, a: number, b: number): boolean {
  if (a === b) return false;
  return causalCone(c, b).past.has(a);
}

/** Neither a → b nor b → a (and a ≠ b). */
export function concurrent(c: Causality, a: number, b: number): boolean {
  return a !== b && !happenedBefore(c, a, b) && !happenedBefore(c, b, a);
}
