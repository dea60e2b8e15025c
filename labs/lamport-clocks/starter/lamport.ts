/**
 * Lab: Lamport clocks.
 *
 * Every node in the cluster (see cluster.ts) owns one LamportClock and asks it for a
 * timestamp at each event: a local step, sending a message, receiving one. The tests
 * check that whenever one event happened before another, its timestamp is smaller, and
 * that every timestamp is exactly the one the three rules of the chapter give.
 *
 * This starter stamps events with the node's physical clock. It looks right, and it
 * works while every clock agrees. The simulated cluster has skewed clocks. Fix it.
 */

/** The clock of one node. */
export class LamportClock {
  private readonly physicalNow: () => number;

  /** `physicalNow` reads this node's (possibly skewed) physical clock, in ms. */
  constructor(physicalNow: () => number) {
    this.physicalNow = physicalNow;
  }

  /** A local event happened. Returns its timestamp. */
  tick(): number {
    return Math.floor(this.physicalNow());
  }

  /** A message is about to be sent. Returns the timestamp to stamp it with. */
  send(): number {
    return Math.floor(this.physicalNow());
  }

  /** A message stamped `messageTs` arrived. Returns the timestamp of the receive event. */
  receive(messageTs: number): number {
    void messageTs;
    return Math.floor(this.physicalNow());
  }
}

/** An event as the tests see it: which node, and the timestamp your clock gave it. */
export interface StampedEvent {
  node: string;
  ts: number;
}

/**
 * Orders events for a log that every node agrees on: negative if `a` comes first,
 * positive if `b` does, 0 only when `a` and `b` are the same event. By timestamp, then,
 * for equal timestamps, by node id compared as strings (with `<`, so "n10" comes before
 * "n9"; not localeCompare, which depends on the locale): every node must use exactly the
 * same rule to compute the same order.
 */
export function compareEvents(a: StampedEvent, b: StampedEvent): number {
  return a.ts - b.ts;
}
