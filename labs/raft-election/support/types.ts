/**
 * The messages and the node state your election code works on (you do not need to
 * change this file). These are the election half of Raft's messages (Ongaro and
 * Ousterhout 2014, Figure 2): RequestVote and its reply, and AppendEntries with no
 * entries, which the leader sends as a heartbeat.
 */
import type { NodeId } from 'faultlines';

/** A candidate asks for a vote in `term`. */
export type RequestVote = { type: 'request_vote'; term: number; candidate: NodeId };
/** The answer: `term` is the voter's currentTerm, so a stale candidate can catch up. */
export type VoteReply = { type: 'vote'; term: number; granted: boolean };
/** A heartbeat from the leader of `term` (AppendEntries without entries). */
export type Heartbeat = { type: 'append_entries'; term: number; leader: NodeId };
/** The answer to a heartbeat: `term` is the follower's currentTerm. */
export type HeartbeatReply = { type: 'append_reply'; term: number; success: boolean };

export type RaftMsg = RequestVote | VoteReply | Heartbeat | HeartbeatReply;

export type Role = 'follower' | 'candidate' | 'leader';

/**
 * What your functions read and change. `currentTerm` and `votedFor` are the durable
 * part: after changing either, call `persist()` before anything leaves the node.
 * Everything else is lost in a crash.
 */
export interface ElectionNode {
  readonly id: NodeId;
  /** Every node in the cluster, this one included (the tests run clusters of 3, 4, 5 and 7). */
  readonly nodes: readonly NodeId[];
  role: Role;
  currentTerm: number;
  votedFor: NodeId | null;
  /** Who voted for this node in currentTerm, itself included (only meaningful while candidate). */
  votesReceived: Set<NodeId>;
  /** Writes currentTerm and votedFor to durable storage (ctx.storage). */
  persist(): void;
  /** Uniform in [0, 1), from this node's own seeded stream. Never use Math.random. */
  random(): number;
  /**
   * This cluster's election timeout range, in ms: every timeout electionTimeout() returns
   * must lie between the two. The tests run clusters with different ranges (and
   * heartbeat intervals to match), so read them here rather than writing numbers in.
   */
  readonly electionTimeoutMinMs: number;
  readonly electionTimeoutMaxMs: number;
}
