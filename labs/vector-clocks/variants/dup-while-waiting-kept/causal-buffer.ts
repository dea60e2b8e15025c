/**
 * Lab: vector clocks and causal delivery. Part 2, the causal-delivery buffer. Known-buggy
 * variant: a copy that arrives while the first is held is held too, and dropped only once
 * the first is delivered (causal broadcast, after Birman, Schiper and Stephenson 1991).
 *
 * Every broadcast carries `deps`: how many messages from each node its sender had
 * delivered before sending it (for the sender itself: how many it had sent). A receiver
 * may deliver a message from `s` when it is the next one from `s`
 * (deps[s] === delivered[s]) and the receiver has delivered everything else the sender
 * had (deps[k] <= delivered[k] for every other k). Anything else waits in the buffer,
 * except a second copy of a message (deps[s] below delivered[s], or the same as a message
 * already waiting): the network duplicates messages, and a copy is dropped.
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
    this.count[self] = 0;
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
   */
  receive(m: CausalMessage<P>): CausalMessage<P>[] {
    // A second copy (the network duplicates messages): drop it, whether the first copy
    // was already delivered or is still waiting here.
    const seq = m.deps[m.from] ?? 0;
    if (seq < (this.count[m.from] ?? 0)) return [];
    // wrong: no check for a copy already waiting; copies are cleaned up after a delivery
    this.waiting.push(m);
    const out: CausalMessage<P>[] = [];
    let progress = true;
    while (progress) {
      progress = false;
      for (let i = 0; i < this.waiting.length; i++) {
        const w = this.waiting[i]!;
        if (this.canDeliver(w)) {
          this.waiting.splice(i, 1);
          this.count[w.from] = (this.count[w.from] ?? 0) + 1;
          out.push(w);
          for (let j = this.waiting.length - 1; j >= 0; j--) {
            const x = this.waiting[j]!;
            if ((x.deps[x.from] ?? 0) < (this.count[x.from] ?? 0)) this.waiting.splice(j, 1);
          }
          progress = true;
          break;
        }
      }
    }
    return out;
  }

  /** The next message from its sender, and nothing it depends on is missing here. */
  private canDeliver(m: CausalMessage<P>): boolean {
    if ((m.deps[m.from] ?? 0) !== (this.count[m.from] ?? 0)) return false;
    for (const [node, n] of Object.entries(m.deps)) {
      if (node !== m.from && n > (this.count[node] ?? 0)) return false;
    }
    return true;
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
