/**
 * The cluster the tests run (you do not need to change it). Three nodes share a chat
 * room: every few milliseconds each node either does a local step (edits a draft) or
 * broadcasts a message to both other nodes. Each node owns
 *
 * - a VectorClock (vector-clock.ts), which stamps every event: local steps, sends, and
 *   deliveries. The tests compare those stamps with what really happened before what.
 * - a CausalBuffer (causal-buffer.ts), which sits between the network and the chat: it
 *   holds back a message until everything it causally depends on has been delivered.
 *
 * The network delays and reorders messages (a later message often overtakes an earlier
 * one) but never loses or duplicates them. Each node does 25 steps and then stops, so
 * the network goes quiet long before the run ends.
 *
 * Each event is logged to the trace with its vector, like `deliver n2:4 {n1:1, n2:4, n3:2}`
 * (the delivery at this node of n2's 4th message, stamped by this node's VectorClock).
 */
import { latency, Simulation, type Ctx, type NodeId, type SimNode, type Trace } from 'faultlines';
import { CausalBuffer } from './causal-buffer.ts';
import { VectorClock, type Vector } from './vector-clock.ts';

/** What travels on the wire: one broadcast, sent to each peer. */
export type ChatMsg = { type: 'chat'; from: NodeId; id: string; deps: Vector; vc: Vector };

/** What the buffer carries for the chat: the message id and the sender's vector clock. */
export type Payload = { id: string; vc: Vector };

export const NODES = ['n1', 'n2', 'n3'] as const;
/** Steps (local events or broadcasts) each node takes before it stops. */
export const STEPS = 25;
/** The run's length: far longer than the nodes' work plus the slowest message. */
export const RUN_MS = 500;

export class ChatNode implements SimNode<ChatMsg> {
  private readonly ctx: Ctx<ChatMsg>;
  readonly clock: VectorClock;
  readonly buffer: CausalBuffer<Payload>;
  private steps = 0;
  private sent = 0;

  constructor(ctx: Ctx<ChatMsg>) {
    this.ctx = ctx;
    this.clock = new VectorClock(ctx.id, ctx.nodes);
    this.buffer = new CausalBuffer<Payload>(ctx.id, ctx.nodes);
  }

  onStart(): void {
    this.ctx.setTimer(this.pause(), 'step');
  }

  onTimer(): void {
    if (this.ctx.random() < 0.3) {
      const vc = this.clock.tick();
      this.ctx.log(`local ${show(vc)}`, { kind: 'local', vc });
    } else {
      const id = `${this.ctx.id}:${++this.sent}`;
      const deps = this.buffer.stamp();
      const vc = this.clock.tick();
      this.ctx.log(`send ${id} ${show(vc)}`, { id, kind: 'send', vc, deps });
      for (const peer of this.ctx.peers) this.ctx.send(peer, { type: 'chat', from: this.ctx.id, id, deps, vc });
    }
    if (++this.steps < STEPS) this.ctx.setTimer(this.pause(), 'step');
  }

  onMessage(_from: NodeId, msg: ChatMsg): void {
    const ready = this.buffer.receive({ from: msg.from, deps: msg.deps, payload: { id: msg.id, vc: msg.vc } });
    if (!ready.some((m) => m.payload.id === msg.id)) this.ctx.log(`hold ${msg.id} deps ${show(msg.deps)}`, { kind: 'hold', id: msg.id });
    for (const m of ready) {
      const vc = this.clock.receive(m.payload.vc);
      this.ctx.log(`deliver ${m.payload.id} ${show(vc)}`, { id: m.payload.id, kind: 'deliver', from: m.from, vc, deps: m.deps });
    }
  }

  private pause(): number {
    return 3 + Math.floor(this.ctx.random() * 10);
  }
}

/** Builds the cluster for one seed. Run it with `sim.runSync({ until: RUN_MS })`. */
export function buildCluster(seed: number): Simulation<ChatMsg> {
  const sim = new Simulation<ChatMsg>({
    seed,
    network: { latency: latency.uniform(1, 20), reorder: 0.3, reorderMs: 40 },
  });
  sim.addNodes(NODES, (ctx) => new ChatNode(ctx));
  return sim;
}

/** The run `npm run sim` shows: the cluster for one seed, until the network is quiet. */
export function scenario(seed: number): Trace {
  const sim = buildCluster(seed);
  sim.runSync({ until: 400 });
  return sim.trace;
}

/** `{n1:1, n2:4, n3:2}` */
export function show(v: Vector): string {
  if (typeof v !== 'object' || v === null) return String(v);
  return `{${Object.keys(v).sort().map((k) => `${k}:${v[k]}`).join(', ')}}`;
}

/** One application event, as the node logged it. */
export interface AppEvent {
  node: NodeId;
  kind: 'local' | 'send' | 'deliver';
  /** Virtual true time of the event, in ms. */
  t: number;
  /** The vector timestamp your VectorClock gave the event. */
  vc: Vector;
  /** For send and deliver: the message id, like 'n2:4' (n2's 4th message). */
  id?: string;
  /** For send and deliver: the deps the message carried. */
  deps?: Vector;
  /** For deliver: the sender. */
  from?: NodeId;
}

/** The application events of a run, in the order they happened. */
export function appEvents(trace: Trace): AppEvent[] {
  const out: AppEvent[] = [];
  for (const e of trace.events) {
    if (e.type !== 'log' || typeof e.data !== 'object' || e.data === null) continue;
    const kind = (e.data as { kind?: unknown }).kind;
    if (kind !== 'local' && kind !== 'send' && kind !== 'deliver') continue;
    out.push({ node: e.node, t: e.t, ...(e.data as Omit<AppEvent, 'node' | 't'>) });
  }
  return out;
}
