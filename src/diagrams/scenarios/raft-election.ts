/**
 * Raft leader election (Ongaro and Ousterhout 2014) in five nodes, for the chapter
 * consensus-leader-election. A compact copy of the election rules (chapters do not import
 * lab solutions): terms, one persisted vote per term, majorities, randomised timeouts
 * between 150 and 300 ms, heartbeats every 50 ms. Three runs:
 * - `clean`: the first election on a calm network;
 * - `split`: n1, n2 and n3 happen to time out at the same moment; on most seeds the
 *   vote splits and the next, randomised, timeouts settle it;
 * - `partition`: the leader is cut off from the other four at 400 ms, they elect a new
 *   one, and after the heal at 800 ms the old leader hears of the newer term and steps down.
 * Nodes log `candidate`, `vote`, `leader` and `step-down`; the labels read `cand T1`
 * (became candidate for term 1), `→n4 T1` (voted for n4 in term 1), `LEAD T1` (won term 1), `down T2` (stepped down on seeing term 2).
 * @module
 */
import { latency, Simulation } from '../../sim/index.ts';
import type { Ctx, NodeId, SimNode, TimerId, Trace, TraceEvent } from '../../sim/index.ts';

type Msg =
  | { type: 'request_vote'; term: number; candidate: NodeId }
  | { type: 'vote'; term: number; granted: boolean }
  | { type: 'append_entries'; term: number; leader: NodeId }
  | { type: 'append_reply'; term: number; success: boolean };

export type RaftRun = 'clean' | 'split' | 'partition';

/** The election timeout range, in ms: each timer lasts `minMs` plus a uniform draw below `spreadMs`. */
export interface TimeoutRange {
  minMs: number;
  spreadMs: number;
}

/** The range Raft's paper recommends, and the lab uses. */
export const RAFT_TIMEOUTS: TimeoutRange = { minMs: 150, spreadMs: 150 };

class Node implements SimNode<Msg> {
  private readonly ctx: Ctx<Msg>;
  private readonly first: number | undefined;
  /** Changed between runs of the experiment: the next timer started uses it. */
  timeouts: TimeoutRange;
  role: 'follower' | 'candidate' | 'leader' = 'follower';
  term: number;
  votedFor: NodeId | null;
  private votes = new Set<NodeId>();
  private election: TimerId | null = null;
  private heartbeat: TimerId | null = null;

  constructor(ctx: Ctx<Msg>, firstTimeout?: number, timeouts: TimeoutRange = RAFT_TIMEOUTS) {
    this.ctx = ctx;
    this.first = firstTimeout;
    this.timeouts = timeouts;
    this.term = ctx.storage.get<number>('term') ?? 0;
    this.votedFor = ctx.storage.get<NodeId | null>('votedFor') ?? null;
  }
  private persist(): void {
    this.ctx.storage.set('term', this.term);
    this.ctx.storage.set('votedFor', this.votedFor);
  }
  private resetElection(ms?: number): void {
    if (this.election !== null) this.ctx.cancelTimer(this.election);
    // Whole milliseconds, like the lab's solution: a spread of 2 gives 150 or 151 ms.
    this.election = this.ctx.setTimer(ms ?? this.timeouts.minMs + Math.floor(this.ctx.random() * this.timeouts.spreadMs), 'election');
  }
  onStart(): void {
    this.resetElection(this.ctx.incarnation === 0 ? this.first : undefined);
  }
  onTimer(name: string): void {
    if (name === 'heartbeat') {
      this.heartbeat = null;
      if (this.role === 'leader') this.beat();
      return;
    }
    this.election = null;
    if (this.role === 'leader') return;
    this.term++;
    this.role = 'candidate';
    this.votedFor = this.ctx.id;
    this.votes = new Set([this.ctx.id]);
    this.persist();
    this.ctx.log('candidate', { term: this.term });
    for (const p of this.ctx.peers) this.ctx.send(p, { type: 'request_vote', term: this.term, candidate: this.ctx.id });
    this.resetElection();
  }
  onMessage(from: NodeId, m: Msg): void {
    if (m.term > this.term) {
      const wasLeader = this.role === 'leader';
      this.term = m.term;
      this.votedFor = null;
      this.role = 'follower';
      this.persist();
      if (wasLeader) {
        this.ctx.log('step-down', { term: this.term });
        if (this.heartbeat !== null) this.ctx.cancelTimer(this.heartbeat);
        this.heartbeat = null;
        this.resetElection();
      }
    }
    if (m.type === 'request_vote') {
      const granted = m.term === this.term && (this.votedFor === null || this.votedFor === m.candidate);
      if (granted) {
        this.votedFor = m.candidate;
        this.persist();
        this.ctx.log('vote', { term: this.term, for: m.candidate });
        this.resetElection();
      }
      this.ctx.send(from, { type: 'vote', term: this.term, granted });
    } else if (m.type === 'vote') {
      if (this.role !== 'candidate' || m.term !== this.term || !m.granted) return;
      this.votes.add(from);
      if (this.votes.size * 2 > this.ctx.nodes.length) {
        this.role = 'leader';
        this.ctx.log('leader', { term: this.term, votes: [...this.votes].sort() });
        if (this.election !== null) this.ctx.cancelTimer(this.election);
        this.election = null;
        this.beat();
      }
    } else if (m.type === 'append_entries') {
      if (m.term < this.term) {
        this.ctx.send(from, { type: 'append_reply', term: this.term, success: false });
        return;
      }
      if (this.role === 'candidate') this.role = 'follower';
      this.resetElection();
      this.ctx.send(from, { type: 'append_reply', term: this.term, success: true });
    }
  }
  private beat(): void {
    for (const p of this.ctx.peers) this.ctx.send(p, { type: 'append_entries', term: this.term, leader: this.ctx.id });
    this.heartbeat = this.ctx.setTimer(50, 'heartbeat');
  }
}

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];

/**
 * One trial of Raft's section 9.3 experiment: a cluster elects its first leader with Raft's
 * usual 150-300 ms timeouts, then every node switches to `timeouts` (each heartbeat restarts
 * the followers' timers with it), and the leader crashes at a random moment within a
 * heartbeat interval. Returns how long the cluster then had no leader (ms), or `capMs` if
 * none was elected within it; NaN if the run did not get as far as the crash.
 */
export function electionDowntime(seed: number, timeouts: TimeoutRange, capMs = 10_000): number {
  const sim = new Simulation<Msg>({ seed, network: { latency: latency.uniform(2, 12) }, trace: 'off' });
  sim.addNodes(NODES, (ctx) => new Node(ctx, undefined, RAFT_TIMEOUTS));
  const leader = (): NodeId | undefined => NODES.find((id) => sim.node<Node>(id)?.role === 'leader');
  while (leader() === undefined && sim.now < capMs) sim.runSync({ for: 10 });
  const old = leader();
  if (old === undefined) return Number.NaN;
  for (const id of NODES) sim.node<Node>(id)!.timeouts = timeouts;
  // Four heartbeats or more: every follower's timer has restarted with the new range.
  sim.runSync({ for: 200 + sim.stream('crash at').float() * 50 });
  const crashed = sim.node<Node>(old)!;
  if (crashed.role !== 'leader') return Number.NaN;
  sim.crash(old);
  const from = sim.now;
  while (sim.now - from < capMs) {
    sim.runSync({ for: 1 });
    const next = leader();
    if (next !== undefined) return sim.now - from;
  }
  return capMs;
}

/** One row of the table: how one timeout range fared over many crashed leaders. */
export interface DowntimeRow {
  range: TimeoutRange;
  /** Crashed leaders measured. */
  trials: number;
  /** Downtimes in ms, of the trials that elected a new leader within the cap. */
  medianMs: number | null;
  p90Ms: number | null;
  slowestMs: number | null;
  /** Trials with no leader within `capMs`. */
  noLeader: number;
  capMs: number;
}

/** Section 9.3's experiment in the simulator: seeds 1..trials for each range. */
export function downtimeTable(ranges: readonly TimeoutRange[], trials = 200, capMs = 10_000): DowntimeRow[] {
  return ranges.map((range) => {
    const times: number[] = [];
    let noLeader = 0;
    for (let seed = 1; seed <= trials; seed++) {
      const ms = electionDowntime(seed, range, capMs);
      if (ms >= capMs) noLeader++;
      else if (!Number.isNaN(ms)) times.push(ms);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => (times.length === 0 ? null : times[Math.min(times.length - 1, Math.floor(q * times.length))]!);
    // Runs that never reached the crash (none, with these settings) are not counted.
    return { range, trials: times.length + noLeader, medianMs: at(0.5), p90Ms: at(0.9), slowestMs: times.at(-1) ?? null, noLeader, capMs };
  });
}

export async function raftElection(seed: number, run: RaftRun): Promise<Trace> {
  const sim = new Simulation<Msg>({ seed, network: { latency: latency.uniform(2, 12) } });
  // In the split run n1, n2 and n3 time out together; the others much later.
  const first: Record<string, number | undefined> =
    run === 'split' ? { n1: 150, n2: 150, n3: 150, n4: 295, n5: 299 } : {};
  sim.addNodes(NODES, (ctx) => new Node(ctx, first[ctx.id]));
  let until = 320;
  if (run === 'split') until = 420;
  if (run === 'partition') {
    sim.at(400, () => {
      const leader = NODES.find((id) => sim.node<Node>(id)?.role === 'leader');
      if (leader) sim.partition([[leader], NODES.filter((n) => n !== leader)]);
    });
    sim.at(800, () => sim.heal());
    until = 900;
  }
  sim.runSync({ until });
  return sim.trace;
}

export function raftAnnotate(e: TraceEvent): string | undefined {
  if (e.type !== 'log') return undefined;
  const d = e.data as { term?: number; for?: string; votes?: string[] };
  if (e.text === 'candidate') return `cand T${d.term}`;
  if (e.text === 'vote') return `→${d.for} T${d.term}`;
  if (e.text === 'leader') return `LEAD T${d.term}`;
  if (e.text === 'step-down') return `down T${d.term}`;
  return undefined;
}
