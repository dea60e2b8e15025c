/**
 * The Wing–Gong–Lowe search for one partition, with Lowe's state cache (as in Porcupine).
 *
 * The history is a doubly linked list of call and return entries sorted by time. The search
 * walks the list from the head: at a call entry it tries to linearize that operation next
 * (the model must accept its output); if so, and if the resulting (set of linearized
 * operations, model state) pair was never seen before, it "lifts" the operation's call and
 * return entries out of the list and restarts from the head. Reaching a return entry means the
 * operation it belongs to should already have been linearized: backtrack (undo the last
 * choice, "unlift" its entries, try the next call). An empty stack at a return entry means no
 * linearization exists.
 *
 * Indeterminate ('info') operations have no return entry (they return at +infinity): they can
 * be linearized at any point after their call, and the search succeeds as soon as every 'ok'
 * operation is linearized (info operations left over simply never took effect).
 *
 * Hot-loop data lives in typed arrays; the cache is an open hash table keyed by a Zobrist hash
 * of the linearized-set bitset (updated in O(1) per step) combined with the state's hash, with
 * collision chains, the bitsets stored in one growing Uint32Array arena.
 *
 * @module
 */
import { equalValue, hashValue, mix32 } from './hash.ts';
import type { Model, Operation } from './types.ts';

/** What {@link searchLinearization} found (indexes are positions in the `ops` array given). */
export interface SearchOutcome<State> {
  result: 'linearizable' | 'not linearizable' | 'unknown';
  /** Positions in `ops`, in linearization order (when linearizable). */
  linearization?: number[];
  /** Deepest point reached by the search (when not linearizable, or unknown after a stuck point). */
  deepest?: {
    /** Positions in `ops` of the partial linearization. */
    linearized: number[];
    /** Model state after it. */
    state: State;
    /** Position of the operation whose return entry stopped the search. */
    blocked: number;
    /** Positions of the other operations still callable before the blocked one returned. */
    candidates: number[];
  };
  steps: number;
  cached: number;
}

/** Deterministic 32-bit random numbers for the Zobrist table. */
function zobristTable(n: number): Int32Array {
  const z = new Int32Array(n);
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    z[i] = mix32(x + i);
  }
  return z;
}

/**
 * Check one partition. `stop` is polled every few thousand steps; when it returns true the
 * outcome is 'unknown'.
 */
export function searchLinearization<State, Arg, Out>(
  model: Model<State, Arg, Out>,
  ops: readonly Operation<Arg, Out>[],
  stop: () => boolean,
): SearchOutcome<State> {
  const n = ops.length;
  const HEAD = 2 * n; // sentinel
  const NIL = -1;
  const next = new Int32Array(2 * n + 1).fill(NIL);
  const prev = new Int32Array(2 * n + 1).fill(NIL);
  const isOk = new Uint8Array(n);
  const inputs = new Array<Operation<Arg, Out>['input']>(n);
  const outputs = new Array<Out | undefined>(n);

  // Build the entry list: call of op i is entry 2i, return is 2i+1 (absent for info ops).
  const order: number[] = [];
  const time = new Float64Array(2 * n);
  let remaining = 0; // ok operations not yet linearized
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    inputs[i] = op.input;
    outputs[i] = op.output;
    time[2 * i] = op.start;
    order.push(2 * i);
    if (op.status === 'ok') {
      isOk[i] = 1;
      remaining++;
      time[2 * i + 1] = op.end;
      order.push(2 * i + 1);
    }
  }
  // By time; at equal times calls before returns (treated as concurrent), then by operation.
  order.sort((a, b) => time[a]! - time[b]! || (a & 1) - (b & 1) || a - b);
  let last = HEAD;
  for (const e of order) {
    next[last] = e;
    prev[e] = last;
    last = e;
  }

  const lift = (i: number): void => {
    const c = 2 * i;
    next[prev[c]!] = next[c]!;
    if (next[c] !== NIL) prev[next[c]!] = prev[c]!;
    if (isOk[i]) {
      const r = c + 1;
      next[prev[r]!] = next[r]!;
      if (next[r] !== NIL) prev[next[r]!] = prev[r]!;
    }
  };
  const unlift = (i: number): void => {
    const c = 2 * i;
    if (isOk[i]) {
      const r = c + 1;
      next[prev[r]!] = r;
      if (next[r] !== NIL) prev[next[r]!] = r;
    }
    next[prev[c]!] = c;
    if (next[c] !== NIL) prev[next[c]!] = c;
  };

  // Linearized set as a bitset, with an incrementally maintained Zobrist hash.
  const words = Math.max(1, (n + 31) >>> 5);
  const bits = new Uint32Array(words);
  const zob = zobristTable(n);
  let bitsHash = 0;

  // State hashing and equality: primitives inline, otherwise the model's (or JSON).
  const modelHash = model.hash ? model.hash.bind(model) : null;
  const modelEqual = model.equal ? model.equal.bind(model) : null;
  const hashState = (s: State): number => {
    if (modelHash) return modelHash(s) | 0;
    if (typeof s === 'number' && (s | 0) === s) return mix32(s ^ 0x2545f491);
    return hashValue(s);
  };
  const equalState = (a: State, b: State): boolean =>
    a === b || (modelEqual ? modelEqual(a, b) : typeof a === 'object' && equalValue(a, b));

  // The cache: open-addressed table of chain heads; entries in parallel arrays.
  let tableMask = 1023;
  let table = new Int32Array(tableMask + 1).fill(NIL);
  let cap = 1024;
  let cHash = new Int32Array(cap);
  let cNext = new Int32Array(cap);
  let cBits = new Uint32Array(cap * words);
  const cState: State[] = [];
  let cached = 0;

  const grow = (): void => {
    cap *= 2;
    const h = new Int32Array(cap);
    h.set(cHash);
    cHash = h;
    const nx = new Int32Array(cap);
    nx.set(cNext);
    cNext = nx;
    const b = new Uint32Array(cap * words);
    b.set(cBits);
    cBits = b;
    // Rehash into a table twice the size.
    tableMask = tableMask * 2 + 1;
    table = new Int32Array(tableMask + 1).fill(NIL);
    for (let k = 0; k < cached; k++) {
      const slot = cHash[k]! & tableMask;
      cNext[k] = table[slot]!;
      table[slot] = k;
    }
  };

  /** Add (bits, state) with hash h; false if it was already there. `bits` already updated. */
  const cacheAdd = (h: number, s: State): boolean => {
    const slot = h & tableMask;
    for (let k = table[slot]!; k !== NIL; k = cNext[k]!) {
      if (cHash[k] !== h) continue;
      const base = k * words;
      let same = true;
      for (let w = 0; w < words; w++) {
        if (cBits[base + w] !== bits[w]) {
          same = false;
          break;
        }
      }
      if (same && equalState(cState[k]!, s)) return false;
    }
    if (cached === cap) grow();
    const k = cached++;
    cHash[k] = h;
    cBits.set(bits, k * words);
    cState[k] = s;
    const slot2 = h & tableMask;
    cNext[k] = table[slot2]!;
    table[slot2] = k;
    return true;
  };

  // Stack of choices: operation linearized, and the state before it.
  const stackOp = new Int32Array(n);
  const stackState: State[] = new Array<State>(n);
  let sp = 0;

  let state = model.init();
  let steps = 0;
  let bestDepth = -1;
  let deepest: SearchOutcome<State>['deepest'];
  let entry = next[HEAD]!;

  while (remaining > 0) {
    if ((++steps & 4095) === 0 && stop()) {
      return { result: 'unknown', deepest, steps, cached };
    }
    // Cannot happen: an ok operation's return entry always lies ahead while one remains.
    if (entry === NIL) throw new Error('internal error: linearizability search ran off the entry list');
    if ((entry & 1) === 0) {
      // A call entry: try to linearize its operation now.
      const i = entry >>> 1;
      const r = model.step(state, inputs[i]!, outputs[i]);
      if (r[0]) {
        const ns = r[1];
        const bh = bitsHash ^ zob[i]!;
        const h = mix32(bh ^ Math.imul(hashState(ns), 0x9e3779b1));
        const w = i >>> 5;
        const m = 1 << (i & 31);
        bits[w] = bits[w]! | m;
        if (cacheAdd(h, ns)) {
          stackOp[sp] = i;
          stackState[sp] = state;
          sp++;
          state = ns;
          bitsHash = bh;
          lift(i);
          if (isOk[i]) remaining--;
          entry = next[HEAD]!;
          continue;
        }
        bits[w] = bits[w]! & ~m;
      }
      entry = next[entry]!;
    } else {
      // A return entry: its operation had to be linearized before now. Backtrack.
      if (sp > bestDepth) {
        bestDepth = sp;
        const candidates: number[] = [];
        for (let e = next[HEAD]!; e !== entry && e !== NIL; e = next[e]!) if ((e & 1) === 0) candidates.push(e >>> 1);
        deepest = { linearized: Array.from(stackOp.subarray(0, sp)), state, blocked: entry >>> 1, candidates };
      }
      if (sp === 0) return { result: 'not linearizable', deepest, steps, cached };
      sp--;
      const i = stackOp[sp]!;
      state = stackState[sp]!;
      stackState[sp] = undefined as State; // let it be collected
      bits[i >>> 5] = bits[i >>> 5]! & ~(1 << (i & 31));
      bitsHash ^= zob[i]!;
      unlift(i);
      if (isOk[i]) remaining++;
      entry = next[2 * i]!;
    }
  }
  return { result: 'linearizable', linearization: Array.from(stackOp.subarray(0, sp)), steps, cached };
}
