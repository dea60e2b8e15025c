/**
 * The cluster the tests run (you do not need to change it). n1 is a monitor, like the
 * coordinator of a cluster; the other nodes are workers that each send n1 a heartbeat every
 * interval of their own clock. n1 keeps one FailureDetector (your code) per worker, made with
 * `new FailureDetector(heartbeatMs, now)`, feeds it every heartbeat that arrives, and asks it
 * ten times per interval whether the worker is suspected. Whenever the answer changes, n1
 * logs it ("suspects n4", "trusts n4 again"): that log is what the tests grade.
 *
 * The seed decides the shape of the cluster:
 * - the heartbeat interval: 100, 50 or 200 ms (every worker of a run uses the same one);
 * - how many workers there are (2, 3, 4 or 6, so 3 to 7 nodes), and what each one does.
 * Everything that happens to a worker is timed in heartbeat intervals (I): a run lasts 210 I,
 * 21 s with heartbeats every 100 ms and 10.5 s with heartbeats every 50 ms.
 *
 * What a worker does, by its role (`role` in the run's plan):
 * - erratic: short of memory for the first 45 I: it stops for garbage collection, for up
 *   to 5 I, every few intervals. Then it is steady for more than 140 I, and crashes.
 * - stall: steady, but at some point stalls for 20 I (a long garbage-collection pause or a
 *   stopped VM), carries on, and crashes 15 to 40 I later.
 * - busy: short GC pauses of up to 3.5 I every 6 to 15 I, on a jittery link. Near the end
 *   it crashes.
 * - steady: steady on a quiet link. It crashes, restarts 30 I later, and crashes again 20
 *   to 45 I after that.
 * Every node's clock is skewed and drifts a little. Messages are never lost or duplicated.
 */
import { latency, Simulation, type Ctx, type FaultStep, type NodeId, type SimNode, type Trace } from 'faultlines';
import { FailureDetector } from './detector.ts';

export type HeartbeatMsg = { type: 'heartbeat'; seq: number };

export const MONITOR = 'n1';

export type Role = 'erratic' | 'stall' | 'busy' | 'steady';

/** The heartbeat intervals the seeds cycle through, in ms. */
export const INTERVALS = [100, 50, 200] as const;

/** The workers' roles the seeds cycle through: 5, 3, 4 and 7 nodes with the monitor. */
export const LAYOUTS: readonly (readonly Role[])[] = [
  ['erratic', 'stall', 'busy', 'steady'],
  ['steady', 'busy'],
  ['stall', 'busy', 'steady'],
  ['erratic', 'stall', 'busy', 'steady', 'busy', 'stall'],
];

const cycle = <T>(list: readonly T[], seed: number): T => list[(((seed - 1) % list.length) + list.length) % list.length]!;

/** The shape of the cluster on one seed. */
export interface Shape {
  /** How often every worker sends a heartbeat, in ms of its own clock. */
  heartbeatMs: number;
  /** How often n1 asks its detectors, in ms of its own clock: a tenth of the interval. */
  checkMs: number;
  /** n2, n3, ...: one role each. */
  workers: { id: NodeId; role: Role }[];
}

export function shapeFor(seed: number): Shape {
  const heartbeatMs = cycle(INTERVALS, seed);
  const roles = cycle(LAYOUTS, seed);
  return { heartbeatMs, checkMs: heartbeatMs / 10, workers: roles.map((role, i) => ({ id: `n${i + 2}`, role })) };
}

/** n1: one detector per worker, asked every `checkMs`. */
class Monitor implements SimNode<HeartbeatMsg> {
  private readonly ctx: Ctx<HeartbeatMsg>;
  private readonly shape: Shape;
  private readonly detectors = new Map<NodeId, FailureDetector>();
  private readonly suspected = new Set<NodeId>();

  constructor(ctx: Ctx<HeartbeatMsg>, shape: Shape) {
    this.ctx = ctx;
    this.shape = shape;
  }

  onStart(): void {
    for (const w of this.shape.workers) this.detectors.set(w.id, new FailureDetector(this.shape.heartbeatMs, this.ctx.now()));
    this.ctx.setTimer(this.shape.checkMs, 'check');
  }

  onMessage(from: NodeId, msg: HeartbeatMsg): void {
    if (msg.type === 'heartbeat') this.detectors.get(from)?.heartbeat(this.ctx.now());
  }

  onTimer(): void {
    const now = this.ctx.now();
    for (const [peer, detector] of this.detectors) {
      const suspects = detector.suspects(now);
      if (suspects && !this.suspected.has(peer)) {
        this.suspected.add(peer);
        this.ctx.log(`suspects ${peer}`, { peer, suspected: true });
      } else if (!suspects && this.suspected.has(peer)) {
        this.suspected.delete(peer);
        this.ctx.log(`trusts ${peer} again`, { peer, suspected: false });
      }
    }
    this.ctx.setTimer(this.shape.checkMs, 'check');
  }
}

/** A worker: a heartbeat to the monitor every `heartbeatMs`, starting at a random moment. */
class Worker implements SimNode<HeartbeatMsg> {
  private readonly ctx: Ctx<HeartbeatMsg>;
  private readonly heartbeatMs: number;
  private seq = 0;

  constructor(ctx: Ctx<HeartbeatMsg>, heartbeatMs: number) {
    this.ctx = ctx;
    this.heartbeatMs = heartbeatMs;
  }

  onStart(): void {
    this.ctx.setTimer(1 + Math.floor(this.ctx.random() * this.heartbeatMs), 'heartbeat');
  }

  onMessage(): void {}

  onTimer(): void {
    this.ctx.send(MONITOR, { type: 'heartbeat', seq: ++this.seq });
    this.ctx.setTimer(this.heartbeatMs, 'heartbeat');
  }
}

/** What happens to one worker in a run: true times in ms. */
export interface WorkerPlan {
  id: NodeId;
  role: Role;
  /** Short GC pauses, [from, to] (erratic: only early on; busy: all along). */
  pauses: [number, number][];
  /** erratic: steady from here (the end of its last pause) until it crashes. */
  steadyFrom?: number;
  /** stall: stalled from `stall[0]` to `stall[1]`. */
  stall?: [number, number];
  /** When it crashes (steady: the first time). */
  crash: number;
  /** steady: restarts here, and crashes again at `crashAgain`. */
  restart?: number;
  crashAgain?: number;
}

/** What happens in a run. */
export interface RunPlan extends Shape {
  plans: WorkerPlan[];
  /** n1 does not judge anyone before this, while its detectors learn: 30 intervals. */
  warmUp: number;
  /** The run ends here. */
  end: number;
}

/** The fault plan of one seed. */
export function planFor(sim: Simulation<HeartbeatMsg>, shape: Shape): RunPlan {
  const r = sim.stream('plan');
  // Every time is drawn in heartbeat intervals, then turned into ms.
  const I = shape.heartbeatMs;
  const at = (from: number, spread: number) => Math.round((from + r.float() * spread) * I);
  const pauses = (from: number, until: number, gap: [number, number], len: [number, number]) => {
    const out: [number, number][] = [];
    for (let t = at(from, gap[1]); t < until; t += at(gap[0], gap[1] - gap[0])) {
      const l = at(len[0], len[1] - len[0]);
      out.push([t, t + l]);
      t += l;
    }
    return out;
  };
  const plans = shape.workers.map(({ id, role }): WorkerPlan => {
    switch (role) {
      case 'erratic': {
        const list = pauses(2, 45 * I, [2, 9], [0.5, 5]);
        return { id, role, pauses: list, steadyFrom: list[list.length - 1]![1], crash: at(190, 8) };
      }
      case 'stall': {
        const from = at(60, 20);
        const to = from + 20 * I;
        return { id, role, pauses: [], stall: [from, to], crash: to + at(15, 25) };
      }
      case 'busy': {
        const crash = at(188, 10);
        return { id, role, pauses: pauses(3, crash - 5 * I, [6, 15], [0.3, 3.5]), crash };
      }
      case 'steady': {
        const crash = at(90, 15);
        const restart = crash + 30 * I;
        return { id, role, pauses: [], crash, restart, crashAgain: restart + at(20, 25) };
      }
    }
  });
  return { ...shape, plans, warmUp: 30 * I, end: 210 * I };
}

function gcPauses(node: NodeId, pauses: [number, number][]): FaultStep[] {
  return pauses.flatMap(([from, to]): FaultStep[] => [
    { at: from, fault: 'pause', node },
    { at: to, fault: 'resume', node },
  ]);
}

/** Builds the cluster for one seed, with its fault plan scheduled. Run it with `sim.runSync`. */
export function buildCluster(seed: number): { sim: Simulation<HeartbeatMsg>; plan: RunPlan } {
  const shape = shapeFor(seed);
  const I = shape.heartbeatMs;
  const sim = new Simulation<HeartbeatMsg>({ seed, network: { latency: latency.normal(3, 1, 0.5) } });
  sim.addNode(MONITOR, (ctx) => new Monitor(ctx, shape));
  for (const w of shape.workers) sim.addNode(w.id, (ctx) => new Worker(ctx, shape.heartbeatMs));

  // Clocks are skewed by up to a second and drift by up to 1000 ppm.
  const c = sim.stream('clocks');
  for (const id of [MONITOR, ...shape.workers.map((w) => w.id)]) {
    sim.setClock(id, { skewMs: Math.round((c.float() - 0.5) * 2_000), drift: (c.float() - 0.5) * 0.002 });
  }

  const plan = planFor(sim, shape);
  const steps: FaultStep[] = [];
  for (const p of plan.plans) {
    // A busy worker is on a jittery link all along.
    if (p.role === 'busy') sim.configureLink(p.id, MONITOR, { latency: latency.normal(I / 4, (I * 3) / 20, 1) });
    if (p.stall) steps.push({ at: p.stall[0], fault: 'pause', node: p.id }, { at: p.stall[1], fault: 'resume', node: p.id });
    steps.push({ at: p.crash, fault: 'crash', node: p.id });
    if (p.restart !== undefined) steps.push({ at: p.restart, fault: 'restart', node: p.id });
    if (p.crashAgain !== undefined) steps.push({ at: p.crashAgain, fault: 'crash', node: p.id });
    steps.push(...gcPauses(p.id, p.pauses));
  }
  sim.schedule(steps);
  return { sim, plan };
}

/** One change of n1's mind about a worker. `t` is true time in ms. */
export interface Verdict {
  t: number;
  peer: NodeId;
  suspected: boolean;
}

/** n1's verdicts in a run, in order. */
export function verdicts(trace: Trace): Verdict[] {
  const out: Verdict[] = [];
  for (const e of trace.events) {
    if (e.type !== 'log' || e.node !== MONITOR || typeof e.data !== 'object' || e.data === null) continue;
    const d = e.data as { peer?: string; suspected?: boolean };
    if (typeof d.peer === 'string' && typeof d.suspected === 'boolean') out.push({ t: e.t, peer: d.peer, suspected: d.suspected });
  }
  return out;
}

/**
 * The run `npm run sim` shows: the first 30 heartbeat intervals of a seed, with the busy
 * worker's short pauses and its jittery link; the crashes and the long stall come later in
 * the graded runs.
 */
export function scenario(seed: number): Trace {
  const { sim, plan } = buildCluster(seed);
  sim.runSync({ until: 30 * plan.heartbeatMs });
  return sim.trace;
}
