/**
 * Lab: Raft leader election.
 *
 * The node in raft.ts calls these functions and does the sending, the timers and the
 * heartbeats; you decide what each event means. Read types.ts for the messages and the
 * node state. The goal: at most one leader in any term, whatever the network and the
 * crashes do, and a new leader soon after the old one is gone.
 *
 * This starter elects leaders, but too eagerly: run the tests and read what goes wrong.
 */
import type { NodeId } from 'faultlines';
import type { ElectionNode, RequestVote, VoteReply } from './types.ts';

/**
 * How long a follower or candidate waits without hearing from a leader before it
 * starts an election, between node.electionTimeoutMinMs and node.electionTimeoutMaxMs.
 * Called every time the election timer is (re)started.
 */
export function electionTimeout(node: ElectionNode): number {
  // TODO: somewhere between node.electionTimeoutMinMs and node.electionTimeoutMaxMs, but where?
  return node.electionTimeoutMinMs;
}

/**
 * The election timer fired. Return the RequestVote to send to every peer, or null to
 * start no election (a leader never needs one).
 */
export function startElection(node: ElectionNode): RequestVote | null {
  if (node.role === 'leader') return null;
  node.currentTerm += 1;
  node.role = 'candidate';
  node.votesReceived = new Set();
  // TODO: a candidate votes for itself (votedFor, and its own id in votesReceived), and
  // remembers it durably.
  return { type: 'request_vote', term: node.currentTerm, candidate: node.id };
}

/**
 * Called with the term of EVERY message this node receives, before the message is
 * handled. A bigger term means this node is behind: whatever its role, it must catch up.
 */
export function observeTerm(node: ElectionNode, term: number): void {
  if (term > node.currentTerm) {
    node.currentTerm = term;
    // TODO: what else changes when a node learns that a newer term exists?
  }
}

/** A RequestVote arrived (after observeTerm). Decide, and return the reply. */
export function handleRequestVote(node: ElectionNode, req: RequestVote): VoteReply {
  // TODO: every candidate gets a vote here. Which ones must not?
  node.votedFor = req.candidate;
  return { type: 'vote', term: node.currentTerm, granted: true };
}

/**
 * A vote reply from `from` arrived (after observeTerm). Count it. Return true only at
 * the moment this node wins: it has just become leader.
 */
export function handleVoteReply(node: ElectionNode, from: NodeId, reply: VoteReply): boolean {
  if (!reply.granted) return false;
  node.votesReceived.add(from);
  // TODO: which replies should not count? How many votes make a majority?
  if (node.role === 'candidate' && node.votesReceived.size >= 2) {
    node.role = 'leader';
    return true;
  }
  return false;
}
