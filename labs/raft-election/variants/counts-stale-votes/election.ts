/**
 * Raft leader election: the decisions. The node in raft.ts calls these functions and
 * does the sending, the timers and the heartbeats; you decide what each event means.
 * Read types.ts for the messages and the node state.
 */
import type { NodeId } from 'faultlines';
import type { ElectionNode, RequestVote, VoteReply } from './types.ts';

/**
 * How long a follower or candidate waits without hearing from a leader before it
 * starts an election, between node.electionTimeoutMinMs and node.electionTimeoutMaxMs.
 * Called every time the election timer is (re)started.
 */
export function electionTimeout(node: ElectionNode): number {
  const spread = node.electionTimeoutMaxMs - node.electionTimeoutMinMs;
  return node.electionTimeoutMinMs + Math.floor(node.random() * spread);
}

/**
 * The election timer fired. Return the RequestVote to send to every peer, or null to
 * start no election (a leader never needs one).
 */
export function startElection(node: ElectionNode): RequestVote | null {
  if (node.role === 'leader') return null;
  node.currentTerm += 1;
  node.role = 'candidate';
  node.votedFor = node.id;
  node.votesReceived = new Set([node.id]);
  node.persist();
  return { type: 'request_vote', term: node.currentTerm, candidate: node.id };
}

/**
 * Called with the term of EVERY message this node receives, before the message is
 * handled. A bigger term means this node is behind: whatever its role, it must catch up.
 */
export function observeTerm(node: ElectionNode, term: number): void {
  if (term > node.currentTerm) {
    node.currentTerm = term;
    node.votedFor = null;
    node.role = 'follower';
    node.persist();
  }
}

/** A RequestVote arrived (after observeTerm). Decide, and return the reply. */
export function handleRequestVote(node: ElectionNode, req: RequestVote): VoteReply {
  const granted =
    req.term === node.currentTerm && (node.votedFor === null || node.votedFor === req.candidate);
  if (granted && node.votedFor !== req.candidate) {
    node.votedFor = req.candidate;
    node.persist();
  }
  return { type: 'vote', term: node.currentTerm, granted };
}

/**
 * A vote reply from `from` arrived (after observeTerm). Count it. Return true only at
 * the moment this node wins: it has just become leader.
 */
export function handleVoteReply(node: ElectionNode, from: NodeId, reply: VoteReply): boolean {
  if (node.role !== 'candidate' || !reply.granted) return false;
  node.votesReceived.add(from);
  if (node.votesReceived.size * 2 > node.nodes.length) {
    node.role = 'leader';
    return true;
  }
  return false;
}
