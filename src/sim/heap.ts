/**
 * A binary min-heap ordered by (t, seq). `seq` is a strictly increasing insertion
 * number, so items scheduled for the same virtual time come out in the order they were
 * scheduled: the tie-break is stable and deterministic.
 * @module
 */

/** Anything the heap can hold. */
export interface HeapItem {
  t: number;
  seq: number;
}

export class EventHeap<T extends HeapItem> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(x: T): void {
    const a = this.items;
    let i = a.length;
    a.push(x);
    const t = x.t;
    const seq = x.seq;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const y = a[p] as T;
      if (y.t < t || (y.t === t && y.seq < seq)) break;
      a[i] = y;
      i = p;
    }
    a[i] = x;
  }

  pop(): T | undefined {
    const a = this.items;
    const n = a.length;
    if (n === 0) return undefined;
    const top = a[0] as T;
    const last = a.pop() as T;
    if (n === 1) return top;
    const m = n - 1;
    const t = last.t;
    const seq = last.seq;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= m) break;
      let y = a[c] as T;
      const r = c + 1;
      if (r < m) {
        const z = a[r] as T;
        if (z.t < y.t || (z.t === y.t && z.seq < y.seq)) {
          c = r;
          y = z;
        }
      }
      if (t < y.t || (t === y.t && seq < y.seq)) break;
      a[i] = y;
      i = c;
    }
    a[i] = last;
    return top;
  }

  /** Remove every item (used when a simulation is reset). */
  clear(): void {
    this.items.length = 0;
  }
}
