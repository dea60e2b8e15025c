/**
 * The cluster the tests run (you do not need to change it). n1 is a monitor, like the
 * coordinator of a cluster; n2 to n5 are workers that each send n1 a heartbeat every
 * 100 ms of their own clock. n1 keeps one FailureDetector (your code) per worker, feeds it
 * every heartbeat that arrives, and asks it every 10 ms whether the worker is suspected.
 * Whenever the answer changes, n1 logs it ("suspects n4", "trusts n4 again"): that log is
 * what the tests grade.
 *
 * What happens to the workers, differently on every seed:
 * - n2 is short of memory for the first 8 s: it stops for garbage collection, for up to
 *   half a second, several times a second. Then it is steady for a long while, and crashes.
 * - n3 is steady, but at some point stalls for 2 s (a long garbage-collection pause or a
 *   stopped VM) and then carries on.
 * - n4 is a busy node on a jittery link: short GC pauses of up to a third of a second
 *   every second or so, all run long. Near the end it crashes.
 * - n5 is steady. It crashes, and restarts 3 s later.
 * Every node's clock is skewed and drifts a little. Messages are never lost.
 */
import { latency, Simulation, type Ctx, type FaultStep, type NodeId, type SimNode, type Trace } from 'faultlines';
import { FailureDetector } from './detector.ts';

export type HeartbeatMsg = { type: 'heartbeat'; seq: number };

/** How often each worker sends a heartbeat, in ms of its own clock. */
export const HEARTBEAT_MS = 100;
/** How often the monitor asks its detectors, in ms of its own clock. */
export const CHECK_MS = 10;

export const MONITOR = 'n1';
export const WORKERS = ['n2', 'n3', 'n4', 'n5'] as const;
export const NODES = [MONITOR, ...WORKERS];

/** n1: one detector per worker, asked every CHECK_MS. */
class Monitor implements SimNode<HeartbeatMsg> {
  private readonly ctx: Ctx<HeartbeatMsg>;
  private readonly detectors = new Map<NodeId, FailureDetector>();
  private readonly suspected = new Set<NodeId>();

  constructor(ctx: Ctx<HeartbeatMsg>) {
    this.ctx = ctx;
  }

  onStart(): void {
    for (const w of WORKERS) this.detectors.set(w, new FailureDetector(HEARTBEAT_MS, this.ctx.now()));
    this.ctx.setTimer(CHECK_MS, 'check');
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
    this.ctx.setTimer(CHECK_MS, 'check');
  }
}

/** n2..n5: a heartbeat to the monitor every HEARTBEAT_MS, starting at a random moment. */
class Worker implements SimNode<HeartbeatMsg> {
  private readonly ctx: Ctx<HeartbeatMsg>;
  private seq = 0;

  constructor(ctx: Ctx<HeartbeatMsg>) {
    this.ctx = ctx;
  }

  onStart(): void {
    this.ctx.setTimer(1 + Math.floor(this.ctx.random() * HEARTBEAT_MS), 'heartbeat');
  }

  onMessage(): void {}

  onTimer(): void {
    this.ctx.send(MONITOR, { type: 'heartbeat', seq: ++this.seq });
    this.ctx.setTimer(HEARTBEAT_MS, 'heartbeat');
  }
}

/** What happens to the workers in a run: true times in ms. */
export interface RunPlan {
  /** n2's GC pauses at the start, [from, to]. */
  n2Pauses: [number, number][];
  /** n2 is steady from here until it crashes. */
  n2SteadyFrom: number;
  n2Crash: number;
  /** n3 stalls from `n3Pause[0]` to `n3Pause[1]`. */
  n3Pause: [number, number];
  /** n4's short GC pauses, [from, to]. */
  n4Pauses: [number, number][];
  n4Crash: number;
  n5Crash: number;
  n5Restart: number;
  /** The run ends here. */
  end: number;
}

/** The fault plan of one seed. */
export function planFor(sim: Simulation<HeartbeatMsg>): RunPlan {
  const r = sim.stream('plan');
  const at = (from: number, spread: number) => from + Math.floor(r.float() * spread);
  const n3Start = at(8_000, 2_000);
  const n5Crash = at(12_000, 1_500);
  const n2Crash = at(22_000, 1_000);
  const n4Crash = at(25_000, 1_000);
  const pauses = (from: number, until: number, gap: [number, number], len: [number, number]) => {
    const out: [number, number][] = [];
    for (let t = at(from, gap[1]); t < until; t += gap[0] + Math.floor(r.float() * (gap[1] - gap[0]))) {
      const l = len[0] + Math.floor(r.float() * (len[1] - len[0]));
      out.push([t, t + l]);
      t += l;
    }
    return out;
  };
  const n2Pauses = pauses(200, 7_500, [200, 900], [50, 500]);
  const n4Pauses = pauses(300, n4Crash - 500, [600, 1_500], [30, 350]);
  return {
    n2Pauses,
    n2SteadyFrom: n2Pauses[n2Pauses.length - 1]![1],
    n2Crash,
    n3Pause: [n3Start, n3Start + 2_000],
    n4Pauses,
    n4Crash,
    n5Crash,
    n5Restart: n5Crash + 3_000,
    end: 27_500,
  };
}

function gcPauses(node: NodeId, pauses: [number, number][]): FaultStep[] {
  return pauses.flatMap(([from, to]): FaultStep[] => [
    { at: from, fault: 'pause', node },
    { at: to, fault: 'resume', node },
  ]);
}

/** Builds the cluster for one seed, with its fault plan scheduled. Run it with `sim.runSync`. */
export function buildCluster(seed: number): { sim: Simulation<HeartbeatMsg>; plan: RunPlan } {
  const sim = new Simulation<HeartbeatMsg>({ seed, network: { latency: latency.normal(3, 1, 0.5) } });
  sim.addNode(MONITOR, (ctx) => new Monitor(ctx));
  for (const w of WORKERS) sim.addNode(w, (ctx) => new Worker(ctx));

  // Clocks are skewed by up to a second and drift by up to 1000 ppm.
  const c = sim.stream('clocks');
  for (const id of NODES) {
    sim.setClock(id, { skewMs: Math.round((c.float() - 0.5) * 2_000), drift: (c.float() - 0.5) * 0.002 });
  }

  const plan = planFor(sim);
  // n4: a jittery link all along.
  sim.configureLink('n4', MONITOR, { latency: latency.normal(25, 15, 1) });

  sim.schedule([
    { at: plan.n3Pause[0], fault: 'pause', node: 'n3' },
    { at: plan.n3Pause[1], fault: 'resume', node: 'n3' },
    { at: plan.n5Crash, fault: 'crash', node: 'n5' },
    { at: plan.n5Restart, fault: 'restart', node: 'n5' },
    { at: plan.n2Crash, fault: 'crash', node: 'n2' },
    { at: plan.n4Crash, fault: 'crash', node: 'n4' },
    ...gcPauses('n2', plan.n2Pauses),
    ...gcPauses('n4', plan.n4Pauses),
  ]);
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
 * The run `npm run sim` shows: the first 3 s of a seed, with n4's short pauses and n2's
 * congested link; the crashes and the long pause come later in the graded runs.
 */
export function scenario(seed: number): Trace {
  const { sim } = buildCluster(seed);
  sim.runSync({ until: 3_000 });
  return sim.trace;
}
