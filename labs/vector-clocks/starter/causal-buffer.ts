/**
 * Lab: vector clocks and causal delivery. Part 2, the causal-delivery buffer.
 *
 * The buffer sits between the network and the chat. Every broadcast carries `deps`: how
 * many messages from each node its sender had delivered before sending it (for the
 * sender itself: how many it had sent before). stamp() computes that, and is done.
 *
 * The network reorders messages, so one can arrive before a message it depends on, and
 * in some tests it delivers a message twice: a second copy must be dropped, whether the
 * first copy was already delivered or is still waiting. The tests check that every node
 * delivers each message exactly once, only after everything that happened before it, and
 * that no message stays stuck in the buffer.
 *
 * This starter delivers every message the moment it arrives. Fix receive().
 */
import type { Vector } from './vector-clock.ts';

/** A broadcast as the buffer sees it: who sent it, its dependencies, and what it carries. */
export interface CausalMessage<P> {
  from: string;
  deps: Vector;
  payload: P;
}

/** The causal-delivery layer of one node. */
export class CausalBuffer<P> {
  private readonly self: string;
  /** How many messages from each node this node has delivered (its own: sent). */
  private readonly count: Vector = {};
  private readonly waiting: CausalMessage<P>[] = [];

  constructor(self: string, nodes: readonly string[]) {
    this.self = self;
    for (const n of nodes) this.count[n] = 0;
  }

  /**
   * This node is about to broadcast a message. Returns the `deps` to attach to it, and
   * counts the message as delivered here (a node sees its own messages at once).
   */
  stamp(): Vector {
    const deps = { ...this.count };
    this.count[this.self] = (this.count[this.self] ?? 0) + 1;
    return deps;
  }

  /**
   * A message from another node arrived from the network. Returns the messages that
   * can be delivered now, in the order to deliver them: none, this one, or several.
   * Keep the others in `this.waiting` until they can go.
   */
  receive(m: CausalMessage<P>): CausalMessage<P>[] {
    // TODO: hold `m` back while this node is missing a message it depends on.
    this.count[m.from] = (this.count[m.from] ?? 0) + 1;
    return [m];
  }

  /** Messages held back, waiting for something they depend on. */
  held(): CausalMessage<P>[] {
    return [...this.waiting];
  }

  /** How many messages from each node have been delivered here (a copy). */
  delivered(): Vector {
    return { ...this.count };
  }
}
