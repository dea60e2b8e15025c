/**
 * Heartbeat failure detection. n3 monitors two workers that each send it a heartbeat every
 * 20 ms: n1 is busy (a jittery link and short pauses, like garbage-collection pauses) and
 * n2 is steady until it crashes. n3 asks its detector every 2 ms and logs each change of
 * mind. (The monitor is n3 so that its lane is on the right and its labels clear the arrows.) The same seed gives the same messages whichever detector n1 runs, so the two
 * scenarios show two detectors judging one run:
 * - `fixed`: suspect after a fixed 50 ms without a heartbeat;
 * - `phi`: phi accrual over the recent gaps (Hayashibara et al. 2004), threshold 8.
 * @module
 */
import { latency, Simulation } from '../../sim/index.ts';
import type { Ctx, NodeId, SimNode, Trace, TraceEvent } from '../../sim/index.ts';

type Msg = { type: 'heartbeat'; seq: number };

const INTERVAL = 20;
const CHECK = 2;
const MONITOR = 'n3';
const WORKERS = ['n1', 'n2'];

interface Detector {
  heartbeat(now: number): void;
  /** The suspicion level, or undefined for a plain timeout. */
  level(now: number): number | undefined;
  suspects(now: number): boolean;
}

class FixedTimeout implements Detector {
  private last: number;
  constructor(now: number) {
    this.last = now;
  }
  heartbeat(now: number): void {
    this.last = now;
  }
  level(): undefined {
    return undefined;
  }
  suspects(now: number): boolean {
    return now - this.last > 2.5 * INTERVAL;
  }
}

/** Phi accrual, as in the lab's reference solution (chapters do not import solutions). */
class PhiAccrual implements Detector {
  private last: number;
  private readonly gaps: number[] = [INTERVAL * 0.75, INTERVAL * 1.25];
  constructor(now: number) {
    this.last = now;
  }
  heartbeat(now: number): void {
    this.gaps.push(now - this.last);
    if (this.gaps.length > 100) this.gaps.shift();
    this.last = now;
  }
  level(now: number): number {
    const n = this.gaps.length;
    const mean = this.gaps.reduce((a, b) => a + b, 0) / n;
    const sd = Math.max(Math.sqrt(this.gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / n), INTERVAL / 10);
    const y = (now - this.last - mean - INTERVAL) / sd;
    const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
    const p = y > 0 ? e / (1 + e) : 1 - 1 / (1 + e);
    return -Math.log10(Math.max(p, 1e-300));
  }
  suspects(now: number): boolean {
    return this.level(now) > 8;
  }
}

class Monitor implements SimNode<Msg> {
  private readonly ctx: Ctx<Msg>;
  private readonly kind: 'fixed' | 'phi';
  private readonly detectors = new Map<NodeId, Detector>();
  private readonly suspected = new Set<NodeId>();
  constructor(ctx: Ctx<Msg>, kind: 'fixed' | 'phi') {
    this.ctx = ctx;
    this.kind = kind;
  }
  onStart(): void {
    const now = this.ctx.now();
    for (const w of WORKERS) this.detectors.set(w, this.kind === 'fixed' ? new FixedTimeout(now) : new PhiAccrual(now));
    this.ctx.setTimer(CHECK, 'check');
  }
  private readonly lastBeat = new Map<NodeId, number>();
  onMessage(from: NodeId): void {
    const now = this.ctx.now();
    const d = this.detectors.get(from);
    if (!d) return;
    // A heartbeat after a long gap: note how long, and how suspicious n1 had become.
    const gap = now - (this.lastBeat.get(from) ?? now);
    if (gap > 1.6 * INTERVAL) {
      const phi = d.level(now);
      this.ctx.log(`heartbeat from ${from} after ${Math.round(gap)} ms`, { peer: from, gap, ...(phi === undefined ? {} : { phi }) });
    }
    this.lastBeat.set(from, now);
    d.heartbeat(now);
  }
  onTimer(): void {
    const now = this.ctx.now();
    for (const [peer, d] of this.detectors) {
      const s = d.suspects(now);
      if (s === this.suspected.has(peer)) continue;
      if (s) this.suspected.add(peer);
      else this.suspected.delete(peer);
      const phi = d.level(now);
      this.ctx.log(s ? `suspects ${peer}` : `trusts ${peer} again`, { peer, suspected: s, ...(phi === undefined ? {} : { phi }) });
    }
    this.ctx.setTimer(CHECK, 'check');
  }
}

class Worker implements SimNode<Msg> {
  private readonly ctx: Ctx<Msg>;
  private seq = 0;
  constructor(ctx: Ctx<Msg>) {
    this.ctx = ctx;
  }
  onStart(): void {
    this.ctx.setTimer(1 + Math.floor(this.ctx.random() * INTERVAL), 'beat');
  }
  onMessage(): void {}
  onTimer(): void {
    this.ctx.send(MONITOR, { type: 'heartbeat', seq: ++this.seq });
    this.ctx.setTimer(INTERVAL, 'beat');
  }
}

export async function heartbeats(seed: number, kind: 'fixed' | 'phi'): Promise<Trace> {
  const sim = new Simulation<Msg>({ seed, network: { latency: latency.normal(3, 0.5, 1) } });
  sim.addNodes(WORKERS, (ctx) => new Worker(ctx));
  sim.addNode(MONITOR, (ctx) => new Monitor(ctx, kind));
  sim.configureLink('n1', MONITOR, { latency: latency.normal(6, 3, 1) });
  // n1 pauses now and then, as a busy JVM does for garbage collection; n2 crashes.
  const r = sim.stream('pauses');
  let t = 30 + Math.floor(r.float() * 20);
  while (t < 330) {
    const len = 25 + Math.floor(r.float() * 30);
    sim.schedule([{ at: t, fault: 'pause', node: 'n1' }, { at: t + len, fault: 'resume', node: 'n1' }]);
    t += len + 40 + Math.floor(r.float() * 50);
  }
  sim.schedule([{ at: 300, fault: 'crash', node: 'n2' }]);
  await sim.run({ until: 400 });
  return sim.trace;
}

/** Labels the monitor's changes of mind, and the heartbeats that end a long gap. */
export function heartbeatAnnotate(e: TraceEvent): string | undefined {
  if (e.type !== 'log' || e.node !== MONITOR) return undefined;
  const d = (e.data ?? {}) as { peer?: string; suspected?: boolean; phi?: number; gap?: number };
  if (d.peer === undefined) return undefined;
  if (d.gap !== undefined) {
    const gap = `gap ${Math.round(d.gap)}`;
    return d.phi === undefined ? `${gap} ms` : `${gap}, φ ${d.phi.toFixed(1)}`;
  }
  return d.suspected ? `suspect ${d.peer}` : `trust ${d.peer}`;
}
