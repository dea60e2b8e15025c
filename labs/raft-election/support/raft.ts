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
 * A leader sends a heartbeat to every peer every HEARTBEAT_MS. Nodes log what the
 * timelines show: `candidate`, `vote`, `refuses n1: voted for n2` (and the like), `newer
 * term` (moved to a newer term), `step-down` and `leader { term, votes }`. The tests watch every node's
 * role and term every millisecond, so a node that stays leader after it should have
 * stepped down is seen.
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
import { HEARTBEAT_MS, type ElectionNode, type RaftMsg, type Role } from './types.ts';

export class RaftNode implements SimNode<RaftMsg>, ElectionNode {
  readonly id: NodeId;
  readonly nodes: readonly NodeId[];
  role: Role = 'follower';
  currentTerm: number;
  votedFor: NodeId | null;
  votesReceived = new Set<NodeId>();
  /**
   * The term votedFor was set in, as this node saw it change (for failure messages: a vote
   * left over from an older term reads "voted for n4 in term 1").
   */
  votedForTerm: number;
  private lastVotedFor: NodeId | null;
  /** The leader this node last heard a heartbeat from, in currentTerm. */
  leaderId: NodeId | null = null;
  private readonly ctx: Ctx<RaftMsg>;
  private electionTimer: TimerId | null = null;
  private heartbeatTimer: TimerId | null = null;

  constructor(ctx: Ctx<RaftMsg>) {
    this.ctx = ctx;
    this.id = ctx.id;
    this.nodes = ctx.nodes;
    // After a restart, only what was persisted is still here.
    this.currentTerm = ctx.storage.get<number>('currentTerm') ?? 0;
    this.votedFor = ctx.storage.get<NodeId | null>('votedFor') ?? null;
    this.votedForTerm = this.currentTerm;
    this.lastVotedFor = this.votedFor;
  }

  /** Called after each of the learner's functions: remembers when votedFor changed. */
  private noteVote(): void {
    if (this.votedFor !== this.lastVotedFor) {
      this.lastVotedFor = this.votedFor;
      this.votedForTerm = this.currentTerm;
    }
  }

  persist(): void {
    this.ctx.storage.set('currentTerm', this.currentTerm);
    this.ctx.storage.set('votedFor', this.votedFor);
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
      const req = startElection(this);
      if (req === null) return;
      this.noteVote();
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
        const reply = handleRequestVote(this, msg);
        this.noteVote();
        if (reply.granted) {
          this.ctx.log('vote', { term: this.currentTerm, for: msg.candidate });
          this.resetElectionTimer();
        } else {
          // Why not, as far as the node's state shows (the learner's rule decided).
          const why = msg.term < this.currentTerm ? `asked for term ${msg.term}` : this.votedFor !== null ? `voted for ${this.votedFor}${this.votedForTerm !== this.currentTerm ? ` in term ${this.votedForTerm}` : ''}` : 'has not voted';
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
    this.heartbeatTimer = this.ctx.setTimer(HEARTBEAT_MS, 'heartbeat');
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

export const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'] as const;

export interface ClusterOptions {
  /** Fraction of messages lost, duplicated, and delayed extra so that later ones overtake them. */
  loss?: number;
  duplicate?: number;
  reorder?: number;
  /** The longest extra delay of a reordered message, in ms. Default 40. */
  reorderMs?: number;
}

/** Builds a five-node cluster for one seed. Run it with `sim.runSync({ until })`. */
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
  sim.addNodes(NODES, (ctx) => new RaftNode(ctx));
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
      const old = n.votedFor !== null && n.votedForTerm !== n.currentTerm ? ` in term ${n.votedForTerm}` : '';
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
