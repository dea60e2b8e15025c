/**
 * The trace: a JSON-serialisable log of everything that happened in a run.
 *
 * Schema version 1. Every event has `t` (virtual true time in ms) and `type`. Message
 * events carry the message `id` (deterministic: the n-th message sent in a run has id
 * n), `from`, `to` and, for `send`/`deliver`, the payload `msg`.
 *
 * | type          | fields                                                         |
 * |---------------|----------------------------------------------------------------|
 * | start         | node, incarnation                                              |
 * | send          | id, from, to, msg, rpc? ('request' or 'reply'), re? (id answered) |
 * | deliver       | id, from, to, msg, copy? (the duplicate), late? (reply after timeout), adv? |
 * | drop          | id, from, to, reason: loss, partition, crashed, adversary      |
 * | duplicate     | id, from, to                                                   |
 * | timer-set     | node, timer, name, at (true time it is due)                    |
 * | timer-fire    | node, timer, name                                              |
 * | timer-cancel  | node, timer, name                                              |
 * | timeout       | node, id, to (a `request` gave up)                             |
 * | crash / restart | node, incarnation                                            |
 * | pause / resume | node (resume: held = number of queued events released)        |
 * | partition     | groups                                                         |
 * | block         | from, to (one-way)                                             |
 * | isolate       | node                                                           |
 * | heal          | (all partitions and blocks removed)                            |
 * | skew          | node, skewMs, drift                                            |
 * | network       | from?, to?, config (a link configuration changed)              |
 * | log           | node, text, data?                                              |
 * | store         | node, key (a durable write)                                    |
 * | error         | node, error (a handler threw)                                  |
 * | forge         | id, from, to, msg                                              |
 * | tamper        | id, from, to, before, after                                    |
 * | replay        | id, of, from, to                                               |
 * | invoke        | client, process, node, f, input?, key?                         |
 * | complete      | client, process, f, status: ok/fail/info, output?, error?      |
 *
 * Levels: `'full'` records everything; `'summary'` leaves out send, deliver, duplicate,
 * timer and store events (the high-volume ones) but keeps drops, faults, logs and
 * client events; `'off'` records nothing (the counters in `sim.stats` still work).
 * @module
 */
import { Fnv64 } from './hash.ts';
import type { AdversaryMark, NodeId } from './types.ts';

export const TRACE_VERSION = 1;

export type TraceLevel = 'full' | 'summary' | 'off';
export type DropReason = 'loss' | 'partition' | 'crashed' | 'adversary';

export type TraceEvent =
  | { t: number; type: 'start'; node: NodeId; incarnation: number }
  | { t: number; type: 'send'; id: number; from: NodeId; to: NodeId; msg: unknown; rpc?: 'request' | 'reply'; re?: number }
  | { t: number; type: 'deliver'; id: number; from: NodeId; to: NodeId; msg: unknown; copy?: true; late?: true; adv?: AdversaryMark }
  | { t: number; type: 'drop'; id: number; from: NodeId; to: NodeId; reason: DropReason }
  | { t: number; type: 'duplicate'; id: number; from: NodeId; to: NodeId }
  | { t: number; type: 'timer-set'; node: NodeId; timer: number; name: string; at: number }
  | { t: number; type: 'timer-fire'; node: NodeId; timer: number; name: string }
  | { t: number; type: 'timer-cancel'; node: NodeId; timer: number; name: string }
  | { t: number; type: 'timeout'; node: NodeId; id: number; to: NodeId }
  | { t: number; type: 'crash'; node: NodeId; incarnation: number }
  | { t: number; type: 'restart'; node: NodeId; incarnation: number }
  | { t: number; type: 'pause'; node: NodeId }
  | { t: number; type: 'resume'; node: NodeId; held: number }
  | { t: number; type: 'partition'; groups: NodeId[][] }
  | { t: number; type: 'block'; from: NodeId; to: NodeId }
  | { t: number; type: 'isolate'; node: NodeId }
  | { t: number; type: 'heal' }
  | { t: number; type: 'skew'; node: NodeId; skewMs: number; drift: number }
  | { t: number; type: 'network'; from?: NodeId; to?: NodeId; config: unknown }
  | { t: number; type: 'log'; node: NodeId; text: string; data?: unknown }
  | { t: number; type: 'store'; node: NodeId; key: string }
  | { t: number; type: 'error'; node: NodeId; error: string }
  | { t: number; type: 'forge'; id: number; from: NodeId; to: NodeId; msg: unknown }
  | { t: number; type: 'tamper'; id: number; from: NodeId; to: NodeId; before: unknown; after: unknown }
  | { t: number; type: 'replay'; id: number; of: number; from: NodeId; to: NodeId }
  | { t: number; type: 'invoke'; client: NodeId; process: number; node: NodeId; f: string; input?: unknown; key?: string }
  | { t: number; type: 'complete'; client: NodeId; process: number; f: string; status: 'ok' | 'fail' | 'info'; output?: unknown; error?: string };

export type TraceEventType = TraceEvent['type'];

/** Narrow a trace event by its type. */
export type TraceEventOf<K extends TraceEventType> = Extract<TraceEvent, { type: K }>;

/** A whole run. */
export interface Trace {
  version: typeof TRACE_VERSION;
  seed: number;
  level: TraceLevel;
  /** Server nodes, in the order they were added. */
  nodes: NodeId[];
  /** Client endpoints, in the order they were added. */
  clients: NodeId[];
  events: TraceEvent[];
}

/** Serialise a trace (stable: same trace, same string). */
export function traceToJSON(trace: Trace): string {
  return JSON.stringify(trace);
}

/** Parse a trace written by {@link traceToJSON}; checks the schema version. */
export function traceFromJSON(json: string): Trace {
  const x = JSON.parse(json) as Partial<Trace> | null;
  if (x === null || typeof x !== 'object' || !Array.isArray(x.events)) throw new Error('not a Fault Lines trace');
  if (x.version !== TRACE_VERSION) throw new Error(`trace schema version ${String(x.version)} is not supported (expected ${TRACE_VERSION})`);
  return x as Trace;
}

/**
 * A 64-bit fingerprint (16 hex digits) of a trace: FNV-1a over its JSON Lines form
 * (header, then one JSON line per event). Equal traces give equal hashes; use it to
 * check that a seed replays identically.
 */
export function traceHash(trace: Trace): string {
  const h = new Fnv64();
  h.update(JSON.stringify({ version: trace.version, seed: trace.seed, level: trace.level, nodes: trace.nodes, clients: trace.clients }));
  const ev = trace.events;
  for (let i = 0; i < ev.length; i++) {
    h.update('\n');
    h.update(JSON.stringify(ev[i]));
  }
  return h.hex();
}

function show(x: unknown): string {
  const s = JSON.stringify(x);
  return s === undefined ? String(x) : s.length > 120 ? s.slice(0, 117) + '...' : s;
}

function fmtT(t: number): string {
  return t.toFixed(3).padStart(10) + ' ms';
}

/** One event as a human-readable line. */
export function formatEvent(e: TraceEvent): string {
  const head = fmtT(e.t) + '  ';
  switch (e.type) {
    case 'send':
      return `${head}${e.from} -> ${e.to}  send #${e.id}${e.rpc ? ` (${e.rpc}${e.re !== undefined ? ` to #${e.re}` : ''})` : ''} ${show(e.msg)}`;
    case 'deliver':
      return `${head}${e.from} -> ${e.to}  deliver #${e.id}${e.copy ? ' (duplicate copy)' : ''}${e.late ? ' (late reply, ignored)' : ''}${e.adv ? ` (${e.adv} by adversary)` : ''} ${show(e.msg)}`;
    case 'drop':
      return `${head}${e.from} -> ${e.to}  DROP #${e.id} (${e.reason})`;
    case 'duplicate':
      return `${head}${e.from} -> ${e.to}  duplicate #${e.id}`;
    case 'timer-set':
      return `${head}${e.node}  timer ${e.name} (#${e.timer}) set, due at ${e.at.toFixed(3)} ms`;
    case 'timer-fire':
      return `${head}${e.node}  timer ${e.name} (#${e.timer}) fires`;
    case 'timer-cancel':
      return `${head}${e.node}  timer ${e.name} (#${e.timer}) cancelled`;
    case 'timeout':
      return `${head}${e.node}  request #${e.id} to ${e.to} timed out`;
    case 'start':
    case 'crash':
    case 'restart':
      return `${head}${e.node}  ${e.type.toUpperCase()} (incarnation ${e.incarnation})`;
    case 'pause':
      return `${head}${e.node}  PAUSE`;
    case 'resume':
      return `${head}${e.node}  RESUME (${e.held} held events released)`;
    case 'partition':
      return `${head}PARTITION ${e.groups.map((g) => '[' + g.join(',') + ']').join(' | ')}`;
    case 'block':
      return `${head}BLOCK ${e.from} -> ${e.to} (one-way)`;
    case 'isolate':
      return `${head}ISOLATE ${e.node}`;
    case 'heal':
      return `${head}HEAL`;
    case 'skew':
      return `${head}${e.node}  clock skew ${e.skewMs} ms, drift ${e.drift}`;
    case 'network':
      return `${head}network ${e.from ?? '*'} -> ${e.to ?? '*'} ${show(e.config)}`;
    case 'log':
      return `${head}${e.node}  log: ${e.text}${e.data !== undefined ? ' ' + show(e.data) : ''}`;
    case 'store':
      return `${head}${e.node}  storage write ${e.key}`;
    case 'error':
      return `${head}${e.node}  ERROR ${e.error}`;
    case 'forge':
      return `${head}${e.from} -> ${e.to}  FORGED #${e.id} ${show(e.msg)}`;
    case 'tamper':
      return `${head}${e.from} -> ${e.to}  TAMPERED #${e.id} ${show(e.before)} => ${show(e.after)}`;
    case 'replay':
      return `${head}${e.from} -> ${e.to}  REPLAYED #${e.of} as #${e.id}`;
    case 'invoke':
      return `${head}${e.client} (process ${e.process}) -> ${e.node}  invoke ${e.f}${e.key !== undefined ? ' ' + e.key : ''} ${show(e.input)}`;
    case 'complete':
      return `${head}${e.client} (process ${e.process})  ${e.status} ${e.f}${e.output !== undefined ? ' ' + show(e.output) : ''}${e.error ? ' ' + e.error : ''}`;
  }
}

/**
 * Render a trace (or a slice of it) as text, one event per line.
 * @example console.log(formatTrace(sim.trace, { from: 100, to: 200, node: 'n2' }));
 */
export function formatTrace(trace: Trace, opts: { from?: number; to?: number; node?: NodeId; limit?: number } = {}): string {
  const out: string[] = [];
  const limit = opts.limit ?? Infinity;
  for (const e of trace.events) {
    if (opts.from !== undefined && e.t < opts.from) continue;
    if (opts.to !== undefined && e.t > opts.to) break;
    if (opts.node !== undefined && !involves(e, opts.node)) continue;
    out.push(formatEvent(e));
    if (out.length >= limit) break;
  }
  return out.join('\n');
}

/** Does an event involve this node (as sender, receiver, subject or client)? */
export function involves(e: TraceEvent, node: NodeId): boolean {
  const r = e as { node?: string; from?: string; to?: string; client?: string; groups?: string[][] };
  return r.node === node || r.from === node || r.to === node || r.client === node || (r.groups !== undefined && r.groups.some((g) => g.includes(node)));
}
