/**
 * Lab: vector clocks and causal delivery. Part 1, the vector clock.
 *
 * Every node in the cluster (see cluster.ts) owns one VectorClock and asks it for a
 * timestamp at each event: a local step, a send, and the delivery of a message. The
 * tests check that compare() on two events' vectors says exactly what really happened:
 * 'before' when the first happened before the second, 'concurrent' when no chain of
 * messages connects them.
 *
 * This starter is a Lamport clock in disguise: each node only counts in its own entry,
 * receive() ignores the vector that came with the message, and compare() adds the
 * entries up into one number. It runs, but it never finds two events concurrent.
 */

/** A vector timestamp: one counter per node id. A missing node counts as 0. */
export type Vector = Record<string, number>;

/** How two vector timestamps are related. */
export type Order = 'before' | 'after' | 'concurrent' | 'equal';

/** The vector clock of one node. */
export class VectorClock {
  private readonly self: string;
  private readonly v: Vector = {};

  /**
   * `self` is this node's id; `nodes` lists the nodes it knows of at the start (this one
   * included): usually every node, in some tests only itself. A message's vector may name
   * a node the clock does not list yet; a missing entry counts as 0.
   */
  constructor(self: string, nodes: readonly string[]) {
    this.self = self;
    for (const n of nodes) this.v[n] = 0;
  }

  /** A local event or a send happened here. Returns its timestamp (a copy). */
  tick(): Vector {
    this.v[this.self] = (this.v[this.self] ?? 0) + 1;
    return { ...this.v };
  }

  /** A message stamped `remote` is delivered here. Returns the receive's timestamp. */
  receive(remote: Vector): Vector {
    void remote; // TODO: what did the sender know that this node does not?
    return this.tick();
  }

  /** The clock's current value (a copy). Reading it is not an event. */
  read(): Vector {
    return { ...this.v };
  }
}

const total = (v: Vector) => Object.values(v).reduce((sum, n) => sum + n, 0);

/**
 * Compares two vector timestamps: 'before' if `a` happened before `b`, 'after' if `b`
 * happened before `a`, 'equal' if they are the same, 'concurrent' if neither.
 */
export function compare(a: Vector, b: Vector): Order {
  // TODO: one number cannot say "concurrent". Compare entry by entry.
  const x = total(a);
  const y = total(b);
  if (x < y) return 'before';
  if (x > y) return 'after';
  return 'equal';
}
