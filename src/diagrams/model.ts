/**
 * What a trace means for a picture: messages paired with their outcomes, client operations
 * paired with their completions (with the linearizability checker's operation ids), and which
 * lane (node or client) each event happens on. Pure data, no DOM, no Node APIs.
 * @module
 */
import type { Trace, TraceEvent } from '../sim/trace.ts';

/** How one copy of a message ended. */
export interface MessageOutcome {
  /** Index of the deliver or drop event in `trace.events`. */
  ev: number;
  kind: 'deliver' | 'drop';
  t: number;
  /** The second copy of a duplicated message. */
  copy: boolean;
  /** A reply that arrived after its request timed out (recorded, not handled). */
  late: boolean;
  adv?: 'forged' | 'tampered' | 'replayed';
  reason?: 'loss' | 'partition' | 'crashed' | 'adversary';
}

/** One message: where it came from, and every way a copy of it ended. */
export interface MessageInfo {
  id: number;
  from: string;
  to: string;
  /** Index of the event that put it on the wire (send, forge or replay), -1 if outside the trace. */
  origin: number;
  originKind: 'send' | 'forge' | 'replay';
  t: number;
  msg: unknown;
  rpc?: 'request' | 'reply';
  re?: number;
  /** The original message id, for a replay. */
  of?: number;
  duplicated: boolean;
  /** Index of a `tamper` event for this message, if any. */
  tamper?: number;
  outcomes: MessageOutcome[];
}

/** One client operation, from invoke to completion. */
export interface OpInfo {
  /**
   * The linearizability checker's operation id (`historyToOperations` order: invoke order,
   * failed operations left out), or undefined for a failed operation.
   */
  opId: number | undefined;
  /** Position among all operations of the trace, failed ones included. */
  index: number;
  client: string;
  process: number;
  node: string;
  f: string;
  input?: unknown;
  key?: string;
  invoke: number;
  /** Index of the complete event, -1 when the run ended first. */
  complete: number;
  status: 'ok' | 'fail' | 'info' | 'pending';
  output?: unknown;
  error?: string;
  t0: number;
  /** Completion time, or Infinity while pending. */
  t1: number;
}

/** Pair every message with its send and its outcomes. Keyed by message id, in id order. */
export function pairMessages(trace: Trace): Map<number, MessageInfo> {
  const out = new Map<number, MessageInfo>();
  const ev = trace.events;
  const get = (e: { id: number; from: string; to: string; t: number }, i: number): MessageInfo => {
    let m = out.get(e.id);
    if (!m) {
      // Seen only at its end (the trace starts after the send, or a 'summary' trace).
      m = { id: e.id, from: e.from, to: e.to, origin: -1, originKind: 'send', t: e.t, msg: undefined, duplicated: false, outcomes: [] };
      void i;
      out.set(e.id, m);
    }
    return m;
  };
  for (let i = 0; i < ev.length; i++) {
    const e = ev[i]!;
    switch (e.type) {
      case 'send': {
        const m: MessageInfo = { id: e.id, from: e.from, to: e.to, origin: i, originKind: 'send', t: e.t, msg: e.msg, duplicated: false, outcomes: [] };
        if (e.rpc) m.rpc = e.rpc;
        if (e.re !== undefined) m.re = e.re;
        out.set(e.id, m);
        break;
      }
      case 'forge':
        out.set(e.id, { id: e.id, from: e.from, to: e.to, origin: i, originKind: 'forge', t: e.t, msg: e.msg, duplicated: false, outcomes: [] });
        break;
      case 'replay': {
        const orig = out.get(e.of);
        const m: MessageInfo = { id: e.id, from: e.from, to: e.to, origin: i, originKind: 'replay', t: e.t, msg: orig?.msg, of: e.of, duplicated: false, outcomes: [] };
        out.set(e.id, m);
        break;
      }
      case 'tamper':
        get(e, i).tamper = i;
        break;
      case 'duplicate':
        get(e, i).duplicated = true;
        break;
      case 'deliver': {
        const m = get(e, i);
        if (m.msg === undefined) m.msg = e.msg;
        const o: MessageOutcome = { ev: i, kind: 'deliver', t: e.t, copy: e.copy === true, late: e.late === true };
        if (e.adv) o.adv = e.adv;
        m.outcomes.push(o);
        break;
      }
      case 'drop': {
        const m = get(e, i);
        // A duplicated message's second outcome is its copy.
        m.outcomes.push({ ev: i, kind: 'drop', t: e.t, copy: m.duplicated && m.outcomes.length > 0, late: false, reason: e.reason });
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** Pair invokes with completions, numbering them as the linearizability checker does. */
export function pairOps(trace: Trace): OpInfo[] {
  const ops: OpInfo[] = [];
  const pending = new Map<string, OpInfo>();
  const ev = trace.events;
  for (let i = 0; i < ev.length; i++) {
    const e = ev[i]!;
    if (e.type === 'invoke') {
      const op: OpInfo = { opId: undefined, index: ops.length, client: e.client, process: e.process, node: e.node, f: e.f, invoke: i, complete: -1, status: 'pending', t0: e.t, t1: Infinity };
      if (e.input !== undefined) op.input = e.input;
      if (e.key !== undefined) op.key = e.key;
      ops.push(op);
      pending.set(`${e.client}\u0000${e.process}`, op);
    } else if (e.type === 'complete') {
      const k = `${e.client}\u0000${e.process}`;
      const op = pending.get(k);
      if (!op) continue;
      pending.delete(k);
      op.complete = i;
      op.status = e.status;
      op.t1 = e.t;
      if (e.output !== undefined) op.output = e.output;
      if (e.error !== undefined) op.error = e.error;
    }
  }
  // The checker's ids: invoke order, failed operations dropped (they certainly did not happen).
  let id = 0;
  for (const op of ops) if (op.status !== 'fail') op.opId = id++;
  return ops;
}

/**
 * The lane (node or client) an event happens ON, for program order; undefined for events of
 * the network or the environment (drops, partitions, skew, the adversary, pauses).
 */
export function laneOf(e: TraceEvent): string | undefined {
  switch (e.type) {
    case 'send':
      return e.from;
    case 'deliver':
      return e.to;
    case 'invoke':
    case 'complete':
      return e.client;
    case 'start':
    case 'crash':
    case 'restart':
    case 'log':
    case 'timer-set':
    case 'timer-fire':
    case 'timer-cancel':
    case 'timeout':
    case 'store':
    case 'error':
      return e.node;
    default:
      return undefined;
  }
}

/** A short, JSON-ish rendering of a value, at most `max` characters. */
export function shortJSON(x: unknown, max = 60): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(x);
  } catch {
    s = String(x);
  }
  if (s === undefined) s = String(x);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/** The message's type tag, or '?' when it has none. */
export function msgType(msg: unknown): string {
  if (msg !== null && typeof msg === 'object' && typeof (msg as { type?: unknown }).type === 'string') return (msg as { type: string }).type;
  return msg === undefined ? 'message' : typeof msg;
}

/** Milliseconds for people: `12.3 ms`, `0.004 ms`, `1.25 s`. */
export function fmtMs(t: number): string {
  if (!Number.isFinite(t)) return String(t);
  const a = Math.abs(t);
  if (a >= 10_000) return `${(t / 1000).toFixed(2).replace(/\.?0+$/, '')} s`;
  const s = a >= 100 ? t.toFixed(1) : a >= 1 ? t.toFixed(2) : t.toFixed(3);
  return `${s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')} ms`;
}

/** The default annotation: a log's timestamp, term or role if its data has one, else its text. */
export function defaultAnnotate(e: TraceEvent): string | undefined {
  if (e.type !== 'log') return undefined;
  const d = e.data;
  if (d !== null && typeof d === 'object' && !Array.isArray(d)) {
    const r = d as Record<string, unknown>;
    const scalar = (v: unknown) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
    if (scalar(r.ts)) return `ts ${String(r.ts)}`;
    // In which term, then what the node did: "T2 candidate", "T2 vote", "T3 refuses n1: …"
    // (term first, so a narrow lane that cuts the label keeps it).
    if (scalar(r.term)) return `T${String(r.term)} ${e.text.length > 16 ? e.text.slice(0, 15) + '…' : e.text}`;
    if (scalar(r.role)) return String(r.role);
  }
  return e.text.length > 18 ? e.text.slice(0, 17) + '…' : e.text;
}
