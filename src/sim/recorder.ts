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

export class TraceRecorder {
  n = 0;
  private cap = 1024;
  private code = new Uint8Array(1024);
  private t = new Float64Array(1024);
  private x = new Float64Array(1024);
  private a = new Int32Array(1024);
  private b = new Int32Array(1024);
  private c = new Int32Array(1024);
  private d = new Int32Array(1024);
  private ref: unknown[] = [];
  private readonly names: readonly string[];
  private readonly mat: TraceEvent[] = [];

  /** `names[i]` is the id of process i (grows as processes are added). */
  constructor(names: readonly string[]) {
    this.names = names;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g8 = (o: Uint8Array) => { const z = new Uint8Array(cap); z.set(o); return z; };
    const g64 = (o: Float64Array) => { const z = new Float64Array(cap); z.set(o); return z; };
    const g32 = (o: Int32Array) => { const z = new Int32Array(cap); z.set(o); return z; };
    this.code = g8(this.code);
    this.t = g64(this.t);
    this.x = g64(this.x);
    this.a = g32(this.a);
    this.b = g32(this.b);
    this.c = g32(this.c);
    this.d = g32(this.d);
    this.cap = cap;
  }

  private rec(code: number, tUs: number, a: number, b: number, c: number, d: number, x: number, ref: unknown): void {
    let i = this.n;
    if (i === this.cap) this.grow();
    this.code[i] = code;
    this.t[i] = tUs;
    this.a[i] = a;
    this.b[i] = b;
    this.c[i] = c;
    this.d[i] = d;
    this.x[i] = x;
    this.ref.push(ref);
    this.n = ++i;
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
    for (let i = out.length; i < this.n; i++) {
      const t = this.t[i]! / 1000;
      const a = this.a[i]!;
      const from = names[this.b[i]!]!;
      const to = names[this.c[i]!]!;
      const d = this.d[i]!;
      const ref = this.ref[i];
      switch (this.code[i]) {
        case C_OBJ:
          out.push(ref as TraceEvent);
          break;
        case C_SEND:
          if (d === 0) out.push({ t, type: 'send', id: a, from, to, msg: ref });
          else if (d === 1) out.push({ t, type: 'send', id: a, from, to, msg: ref, rpc: 'request' });
          else out.push({ t, type: 'send', id: a, from, to, msg: ref, rpc: 'reply', re: this.x[i]! });
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
          out.push({ t, type: 'timer-set', node: from, timer: a, name: ref as string, at: this.x[i]! / 1000 });
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
