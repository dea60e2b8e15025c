/**
 * Compact trace recording (internal). The hot events (send, deliver, drop, duplicate,
 * timers, storage writes) are stored column-wise in typed arrays and turned into
 * {@link TraceEvent} objects only when someone reads the trace. This keeps full
 * tracing cheap: a few array writes per event and almost no garbage.
 * @module
 */
import type { DropReason, TraceEvent } from './trace.ts';
import type { AdversaryMark } from './types.ts';

const C_OBJ = 0;
const C_SEND = 1;
const C_DELIVER = 2;
const C_DROP = 3;
const C_DUP = 4;
const C_TSET = 5;
const C_TFIRE = 6;
const C_TCANCEL = 7;
const C_STORE = 8;

/** Deliver flags. */
export const D_COPY = 1;
export const D_LATE = 2;
const ADV_SHIFT = 2;

const REASONS: readonly DropReason[] = ['loss', 'partition', 'crashed', 'adversary'];
const ADV: readonly (AdversaryMark | null)[] = [null, 'forged', 'tampered', 'replayed'];

export function advCode(m: AdversaryMark | null): number {
  return m === null ? 0 : m === 'forged' ? 1 : m === 'tampered' ? 2 : 3;
}
export function reasonCode(r: DropReason): number {
  return r === 'loss' ? 0 : r === 'partition' ? 1 : r === 'crashed' ? 2 : 3;
}

/** Events per chunk. Fixed-size chunks: a long run never copies what it already recorded. */
const CHUNK_BITS = 14;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

class Chunk {
  readonly code = new Uint8Array(CHUNK);
  readonly t = new Float64Array(CHUNK);
  readonly x = new Float64Array(CHUNK);
  readonly a = new Int32Array(CHUNK);
  readonly b = new Int32Array(CHUNK);
  readonly c = new Int32Array(CHUNK);
  readonly d = new Int32Array(CHUNK);
  readonly ref: unknown[] = [];
}

export class TraceRecorder {
  n = 0;
  private readonly chunks: Chunk[] = [];
  private cur: Chunk | undefined;
  private readonly names: readonly string[];
  private readonly mat: TraceEvent[] = [];

  /** `names[i]` is the id of process i (grows as processes are added). */
  constructor(names: readonly string[]) {
    this.names = names;
  }

  private rec(code: number, tUs: number, a: number, b: number, c: number, d: number, x: number, ref: unknown): void {
    const i = this.n & MASK;
    let k = this.cur;
    if (i === 0 || k === undefined) {
      k = new Chunk();
      this.chunks.push(k);
      this.cur = k;
    }
    k.code[i] = code;
    k.t[i] = tUs;
    k.a[i] = a;
    k.b[i] = b;
    k.c[i] = c;
    k.d[i] = d;
    k.x[i] = x;
    k.ref.push(ref);
    this.n++;
  }

  /** Any event, stored as is. */
  obj(e: TraceEvent): void {
    this.rec(C_OBJ, 0, 0, 0, 0, 0, 0, e);
  }
  /** rpc: 0 none, 1 request, 2 reply (re = id answered). */
  send(tUs: number, id: number, from: number, to: number, rpc: number, re: number, msg: unknown): void {
    this.rec(C_SEND, tUs, id, from, to, rpc, re, msg);
  }
  deliver(tUs: number, id: number, from: number, to: number, flags: number, adv: number, msg: unknown): void {
    this.rec(C_DELIVER, tUs, id, from, to, flags | (adv << ADV_SHIFT), 0, msg);
  }
  drop(tUs: number, id: number, from: number, to: number, reason: number): void {
    this.rec(C_DROP, tUs, id, from, to, reason, 0, undefined);
  }
  dup(tUs: number, id: number, from: number, to: number): void {
    this.rec(C_DUP, tUs, id, from, to, 0, 0, undefined);
  }
  timerSet(tUs: number, node: number, timer: number, name: string, atUs: number): void {
    this.rec(C_TSET, tUs, timer, node, 0, 0, atUs, name);
  }
  timerFire(tUs: number, node: number, timer: number, name: string): void {
    this.rec(C_TFIRE, tUs, timer, node, 0, 0, 0, name);
  }
  timerCancel(tUs: number, node: number, timer: number, name: string): void {
    this.rec(C_TCANCEL, tUs, timer, node, 0, 0, 0, name);
  }
  store(tUs: number, node: number, key: string): void {
    this.rec(C_STORE, tUs, 0, node, 0, 0, 0, key);
  }

  /** All events as objects (materialised incrementally; the same array grows). */
  events(): TraceEvent[] {
    const out = this.mat;
    const names = this.names;
    for (let n = out.length; n < this.n; n++) {
      const k = this.chunks[n >> CHUNK_BITS]!;
      const i = n & MASK;
      const t = k.t[i]! / 1000;
      const a = k.a[i]!;
      const from = names[k.b[i]!]!;
      const to = names[k.c[i]!]!;
      const d = k.d[i]!;
      const ref = k.ref[i];
      switch (k.code[i]) {
        case C_OBJ:
          out.push(ref as TraceEvent);
          break;
        case C_SEND:
          if (d === 0) out.push({ t, type: 'send', id: a, from, to, msg: ref });
          else if (d === 1) out.push({ t, type: 'send', id: a, from, to, msg: ref, rpc: 'request' });
          else out.push({ t, type: 'send', id: a, from, to, msg: ref, rpc: 'reply', re: k.x[i]! });
          break;
        case C_DELIVER: {
          const e: TraceEvent & { type: 'deliver' } = { t, type: 'deliver', id: a, from, to, msg: ref };
          if ((d & D_COPY) !== 0) e.copy = true;
          if ((d & D_LATE) !== 0) e.late = true;
          const adv = ADV[d >> ADV_SHIFT];
          if (adv) e.adv = adv;
          out.push(e);
          break;
        }
        case C_DROP:
          out.push({ t, type: 'drop', id: a, from, to, reason: REASONS[d]! });
          break;
        case C_DUP:
          out.push({ t, type: 'duplicate', id: a, from, to });
          break;
        case C_TSET:
          out.push({ t, type: 'timer-set', node: from, timer: a, name: ref as string, at: k.x[i]! / 1000 });
          break;
        case C_TFIRE:
          out.push({ t, type: 'timer-fire', node: from, timer: a, name: ref as string });
          break;
        case C_TCANCEL:
          out.push({ t, type: 'timer-cancel', node: from, timer: a, name: ref as string });
          break;
        case C_STORE:
          out.push({ t, type: 'store', node: from, key: ref as string });
          break;
      }
    }
    return out;
  }
}
