/**
 * Lab: vector clocks and causal delivery. Part 1, the vector clock. Known-buggy variant: increments on receive only.
 *
 * Fidge (1988) and Mattern (1989): each node keeps one counter per node. Before a local
 * event or a send, add one to your own entry; on receive, take the entry-by-entry maximum
 * with the message's vector, then add one to your own entry. Then
 * a -> b (a happened before b) if and only if V(a) < V(b).
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
    this.v[self] = 0;
  }

  /** A local event or a send happened here. Returns its timestamp (a copy). */
  tick(): Vector {
    return { ...this.v };
  }

  /** A message stamped `remote` is delivered here. Returns the receive's timestamp. */
  receive(remote: Vector): Vector {
    for (const [node, n] of Object.entries(remote)) {
      this.v[node] = Math.max(this.v[node] ?? 0, n);
    }
    this.v[this.self] = (this.v[this.self] ?? 0) + 1;
    return { ...this.v };
  }

  /** The clock's current value (a copy). Reading it is not an event. */
  read(): Vector {
    return { ...this.v };
  }
}

/**
 * Compares two vector timestamps: 'before' if `a` happened before `b` (every entry of
 * `a` at most `b`'s, and at least one strictly smaller), 'after' the other way round,
 * 'equal' if all entries match, 'concurrent' if each is ahead somewhere.
 */
export function compare(a: Vector, b: Vector): Order {
  let aBehind = false; // some entry of a is smaller than b's
  let bBehind = false; // some entry of b is smaller than a's
  for (const node of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[node] ?? 0;
    const y = b[node] ?? 0;
    if (x < y) aBehind = true;
    if (y < x) bBehind = true;
  }
  if (aBehind && bBehind) return 'concurrent';
  if (aBehind) return 'before';
  if (bBehind) return 'after';
  return 'equal';
}
