/**
 * Lab: Lamport clocks. A known-buggy variant: lab.json says what is wrong.
 *
 * The three rules (Lamport 1978): before each local event or send, add one; stamp every
 * message with the sender's clock; on receive, jump past both the local clock and the
 * message's timestamp. Then a -> b (a happened before b) implies C(a) < C(b).
 */

/** The clock of one node. */
export class LamportClock {
  private time = 0;

  /** The physical clock is not needed: a Lamport clock only counts events. */
  constructor(_physicalNow?: () => number) {}

  /** A local event happened. Returns its timestamp. */
  tick(): number {
    this.time += 1;
    return this.time;
  }

  /** A message is about to be sent. Returns the timestamp to stamp it with. */
  send(): number {
    this.time += 1;
    return this.time;
  }

  /** A message stamped `messageTs` arrived. Returns the timestamp of the receive event. */
  receive(messageTs: number): number {
    this.time = Math.max(this.time, messageTs);
    return this.time;
  }
}

/** An event as the tests see it: which node, and the timestamp your clock gave it. */
export interface StampedEvent {
  node: string;
  ts: number;
}

/**
 * Orders events for a log that every node agrees on: by timestamp, then by node id
 * compared as strings ("n10" before "n9"). Within one node timestamps are distinct, so
 * no two different events compare 0.
 */
export function compareEvents(a: StampedEvent, b: StampedEvent): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}
