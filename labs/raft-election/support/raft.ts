/**
 * The Raft node the tests run (you do not need to change it). It owns the timers, the
 * network and the durable storage, and calls your functions in election.ts for every
 * decision:
 *
 * - the election timer fires        -> startElection(), then RequestVote to every peer
 * - any message arrives             -> observeTerm(msg.term) first, then:
 *   - RequestVote                   -> handleRequestVote(), the reply goes back
 *   - a vote reply                  -> handleVoteReply(); if it returns true: leader
 *   - a heartbeat (AppendEntries)   -> from the current leader: reset the election timer
 * - every time the election timer is started, it lasts electionTimeout() ms.
 *
 * A leader sends a heartbeat to every peer every `heartbeatMs`. The tests build clusters
 * of different sizes and timings (see {@link Timing}); your code reads the cluster from
 * `node.nodes` and the timeout range from `node.electionTimeoutMinMs` and
 * `node.electionTimeoutMaxMs`. Nodes log what the timelines show: `candidate`, `vote`,
 * `refuses n1: voted for n2` (and the like), `newer term` (moved to a newer term),
 * `step-down` and `leader { term, votes }`. The tests watch every node's role and term
 * every millisecond, so a node that stays leader after it should have stepped down is seen.
 */
import {
  latency,
  Simulation,
  type Ctx,
  type NodeId,
  type SimNode,
  type TimerId,
  type Trace,
} from 'faultlines';
import { electionTimeout, handleRequestVote, handleVoteReply, observeTerm, startElection } from './election.ts';
import type { ElectionNode, RaftMsg, Role } from './types.ts';

/** A cluster's timing, in ms. */
export interface Timing {
  /** How often a leader sends heartbeats. */
  heartbeatMs: number;
  /** The election timeout range: electionTimeout() must return a value between the two. */
  electionTimeoutMinMs: number;
  electionTimeoutMaxMs: number;
}

/** The timing of Raft's paper, and of the cluster the chapter shows. The tests use others too. */
export const DEFAULT_TIMING: Timing = { heartbeatMs: 50, electionTimeoutMinMs: 150, electionTimeoutMaxMs: 300 };

/**
 * The term of the vote each node last saved with persist(), kept by the cluster (not by the
 * nodes) so that a failure message can say which term a restored vote belongs to.
 */
type SavedVoteTerms = Map<NodeId, number | null>;

export class RaftNode implements SimNode<RaftMsg>, ElectionNode {
  readonly id: NodeId;
  readonly nodes: readonly NodeId[];
  readonly electionTimeoutMinMs: number;
  readonly electionTimeoutMaxMs: number;
  readonly heartbeatMs: number;
  role: Role = 'follower';
  currentTerm: number;
  votedFor: NodeId | null;
  votesReceived = new Set<NodeId>();
  /**
   * The term in which this node gave the vote votedFor holds (for failure messages: a vote
   * left over from an older term reads "voted for n4 in term 1"); null if not known.
   */
  votedForTerm: number | null;
  private lastVotedFor: NodeId | null;
  /** While one of the learner's functions runs: whom a vote given now would be for. */
  private deciding: NodeId | null = null;
  private readonly savedVoteTerms: SavedVoteTerms;
  /** The leader this node last heard a heartbeat from, in currentTerm. */
  leaderId: NodeId | null = null;
  private readonly ctx: Ctx<RaftMsg>;
  private electionTimer: TimerId | null = null;
  private heartbeatTimer: TimerId | null = null;

  constructor(ctx: Ctx<RaftMsg>, timing: Timing = DEFAULT_TIMING, savedVoteTerms: SavedVoteTerms = new Map()) {
    this.ctx = ctx;
    this.id = ctx.id;
    this.nodes = ctx.nodes;
    this.heartbeatMs = timing.heartbeatMs;
    this.electionTimeoutMinMs = timing.electionTimeoutMinMs;
    this.electionTimeoutMaxMs = timing.electionTimeoutMaxMs;
    this.savedVoteTerms = savedVoteTerms;
    // After a restart, only what was persisted is still here.
    this.currentTerm = ctx.storage.get<number>('currentTerm') ?? 0;
    this.votedFor = ctx.storage.get<NodeId | null>('votedFor') ?? null;
    this.votedForTerm = this.votedFor === null ? null : (savedVoteTerms.get(this.id) ?? null);
    this.lastVotedFor = this.votedFor;
  }

  /** The term of the vote votedFor holds right now. */
  private voteTermNow(): number | null {
    if (this.votedFor === null) return null;
    if (this.votedFor !== this.lastVotedFor || this.votedFor === this.deciding) return this.currentTerm;
    return this.votedForTerm;
  }

  /**
   * Called after each of the learner's functions: remembers in which term votedFor was
   * given. `given` is the vote just (re)given, if any: a candidate's own, or a granted one.
   */
  private noteVote(given: NodeId | null = null): void {
    this.deciding = given;
    this.votedForTerm = this.voteTermNow();
    this.lastVotedFor = this.votedFor;
    this.deciding = null;
  }

  persist(): void {
    this.ctx.storage.set('currentTerm', this.currentTerm);
    this.ctx.storage.set('votedFor', this.votedFor);
    this.savedVoteTerms.set(this.id, this.voteTermNow());
  }

  random(): number {
    return this.ctx.random();
  }

  onStart(): void {
    this.resetElectionTimer();
  }

  onTimer(name: string): void {
    if (name === 'election') {
      this.electionTimer = null;
      this.deciding = this.id;
      const req = startElection(this);
      this.deciding = null;
      if (req === null) {
        this.noteVote();
        this.ctx.log('timeout, no election', { term: this.currentTerm, role: this.role });
        return;
      }
      this.noteVote(this.id);
      this.ctx.log('candidate', { term: this.currentTerm, votedFor: this.votedFor });
      this.leaderId = null;
      for (const p of this.ctx.peers) this.ctx.send(p, { ...req });
      if (this.role === 'leader') this.becameLeader(); // a one-node cluster wins at once
      else this.resetElectionTimer();
    } else if (name === 'heartbeat') {
      this.heartbeatTimer = null;
      if (this.role !== 'leader') return;
      this.sendHeartbeats();
    }
  }

  onMessage(from: NodeId, msg: RaftMsg): void {
    const before = this.role;
    const termBefore = this.currentTerm;
    observeTerm(this, msg.term);
    this.noteVote();
    if (this.currentTerm !== termBefore) {
      this.leaderId = null;
      // In the timeline: a node moving to a newer term, and whether it stopped leading.
      this.ctx.log(this.role === 'leader' ? 'newer term, still leader!' : 'newer term', { term: this.currentTerm, role: this.role, was: termBefore, from });
    }
    if (before === 'leader' && this.role !== 'leader') {
      this.ctx.log('step-down', { term: this.currentTerm, from, sawTerm: msg.term });
      this.stopHeartbeats();
      this.resetElectionTimer();
    }
    switch (msg.type) {
      case 'request_vote': {
        this.deciding = msg.candidate;
        const reply = handleRequestVote(this, msg);
        this.deciding = null;
        this.noteVote(reply.granted ? msg.candidate : null);
        if (reply.granted) {
          this.ctx.log('vote', { term: this.currentTerm, for: msg.candidate });
          this.resetElectionTimer();
        } else {
          // Why not, as far as the node's state shows (the learner's rule decided).
          const old = this.votedForTerm !== null && this.votedForTerm !== this.currentTerm ? ` in term ${this.votedForTerm}` : '';
          const why = msg.term < this.currentTerm ? `asked for term ${msg.term}` : this.votedFor !== null ? `voted for ${this.votedFor}${old}` : 'has not voted';
          this.ctx.log(`refuses ${msg.candidate}: ${why}`, { term: this.currentTerm });
        }
        this.ctx.send(from, reply);
        break;
      }
      case 'vote': {
        if (handleVoteReply(this, from, msg)) this.becameLeader();
        break;
      }
      case 'append_entries': {
        if (msg.term < this.currentTerm) {
          this.ctx.send(from, { type: 'append_reply', term: this.currentTerm, success: false });
          break;
        }
        // A heartbeat of our own term: there is a leader, so stop campaigning.
        if (this.role === 'candidate') this.role = 'follower';
        if (this.role === 'leader') break; // another leader in our term: the tests report it
        this.leaderId = msg.leader;
        this.resetElectionTimer();
        this.ctx.send(from, { type: 'append_reply', term: this.currentTerm, success: true });
        break;
      }
      case 'append_reply':
        break; // observeTerm has already done the only thing that matters here
    }
  }

  private becameLeader(): void {
    this.ctx.log('leader', { term: this.currentTerm, votes: [...this.votesReceived].sort() });
    this.leaderId = this.id;
    if (this.electionTimer !== null) this.ctx.cancelTimer(this.electionTimer);
    this.electionTimer = null;
    this.sendHeartbeats();
  }

  private sendHeartbeats(): void {
    for (const p of this.ctx.peers) {
      this.ctx.send(p, { type: 'append_entries', term: this.currentTerm, leader: this.id });
    }
    this.heartbeatTimer = this.ctx.setTimer(this.heartbeatMs, 'heartbeat');
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer !== null) this.ctx.cancelTimer(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private resetElectionTimer(): void {
    if (this.electionTimer !== null) this.ctx.cancelTimer(this.electionTimer);
    this.electionTimer = this.ctx.setTimer(electionTimeout(this), 'election');
  }
}

/** The ids of a cluster of `size` nodes: n1, n2, ... */
export function nodeIds(size: number): NodeId[] {
  return Array.from({ length: size }, (_, i) => `n${i + 1}`);
}

export interface ClusterOptions {
  /** How many nodes. Default 5. */
  size?: number;
  /** Heartbeat interval and election timeout range. Default {@link DEFAULT_TIMING}. */
  timing?: Timing;
  /** Fraction of messages lost, duplicated, and delayed extra so that later ones overtake them. */
  loss?: number;
  duplicate?: number;
  reorder?: number;
  /** The longest extra delay of a reordered message, in ms. Default 40. */
  reorderMs?: number;
}

/** Builds a cluster (five nodes unless told) for one seed. Run it with `sim.runSync({ until })`. */
export function buildCluster(seed: number, opts: ClusterOptions = {}): Simulation<RaftMsg> {
  const sim = new Simulation<RaftMsg>({
    seed,
    network: {
      latency: latency.uniform(1, 10),
      loss: opts.loss ?? 0,
      duplicate: opts.duplicate ?? 0,
      reorder: opts.reorder ?? 0,
      reorderMs: opts.reorderMs ?? 40,
    },
  });
  const timing = opts.timing ?? DEFAULT_TIMING;
  const savedVoteTerms: SavedVoteTerms = new Map();
  sim.addNodes(nodeIds(opts.size ?? 5), (ctx) => new RaftNode(ctx, timing, savedVoteTerms));
  return sim;
}

/** The live nodes that currently believe they are leader, with their terms. */
export function leaders(sim: Simulation<RaftMsg>): { id: NodeId; term: number }[] {
  const out: { id: NodeId; term: number }[] = [];
  for (const id of sim.nodes) {
    const n = sim.node<RaftNode>(id);
    if (n && n.role === 'leader') out.push({ id, term: n.currentTerm });
  }
  return out;
}

/** One line per node: role, term, vote and votes received, for failure messages. */
export function describeNodes(sim: Simulation<RaftMsg>): string {
  return sim.nodes
    .map((id) => {
      const n = sim.node<RaftNode>(id);
      if (!n) return `${id} is crashed`;
      const votes = n.role === 'candidate' ? `, votes from ${[...n.votesReceived].sort().join(', ') || 'nobody'}` : '';
      const old = n.votedFor !== null && n.votedForTerm !== null && n.votedForTerm !== n.currentTerm ? ` in term ${n.votedForTerm}` : '';
      return `${id} is ${n.role} in term ${n.currentTerm} (voted for ${n.votedFor ?? 'nobody'}${old}${votes})`;
    })
    .join('; ');
}

/** The run the site shows: an election, then the leader crashes at 500 ms and the rest elect a new one. */
export function scenario(seed: number): Trace {
  const sim = buildCluster(seed);
  sim.at(500, () => {
    const l = leaders(sim)[0];
    if (l) sim.crash(l.id);
  });
  sim.runSync({ until: 1200 });
  return sim.trace;
}
