/**
 * The cluster the tests run (you do not need to change it). A few nodes (three, four, five
 * or seven, depending on the test) share a chat room: every few milliseconds each node
 * either does a local step (edits a draft) or broadcasts a message to every other node.
 * Each node owns
 *
 * - a VectorClock (vector-clock.ts), which stamps every event: local steps, sends, and
 *   deliveries. The tests compare those stamps with what really happened before what.
 * - a CausalBuffer (causal-buffer.ts), which sits between the network and the chat: it
 *   holds back a message until everything it causally depends on has been delivered.
 *
 * Both are built with `nodes` listing this node first, then its peers (so n2 gets
 * ['n2', 'n1', 'n3', ...]): look nodes up by id, not by position. In some tests, though,
 * each node's VectorClock starts knowing only itself (`nodes` is just ['n2']) and learns of
 * the other nodes from the vectors that messages bring: a node the clock does not list yet
 * counts as 0 until then.
 *
 * The network delays and reorders messages (a later message often overtakes an earlier
 * one) and, in some tests, delivers a message twice; it never loses one. Each node takes a
 * fixed number of steps and then stops, so the network goes quiet long before the run ends.
 *
 * Each event is logged to the trace with its vector, like `deliver n2:4 {n1:1, n2:4, n3:2}`
 * (the delivery at this node of n2's 4th message, stamped by this node's VectorClock).
 * A message the buffer keeps is logged `hold` (with how many copies of it held() then lists);
 * one it neither keeps nor delivers, `drop`.
 */
import { latency, Simulation, type Ctx, type NodeId, type SimNode, type Trace } from 'faultlines';
import { CausalBuffer } from './causal-buffer.ts';
import { VectorClock, type Vector } from './vector-clock.ts';

/** What travels on the wire: one broadcast, sent to each peer. */
export type ChatMsg = { type: 'chat'; from: NodeId; id: string; deps: Vector; vc: Vector };

/** What the buffer carries for the chat: the message id and the sender's vector clock. */
export type Payload = { id: string; vc: Vector };

/** How one test's cluster is set up. */
export interface ClusterOptions {
  /** How many nodes, named n1, n2, ...: 3 unless given. */
  nodes?: number;
  /** Steps (local events or broadcasts) each node takes before it stops: 25 unless given. */
  steps?: number;
  /** Probability that the network delivers a message twice: 0 unless given. */
  duplicate?: number;
  /** If true, each node's VectorClock is built knowing only its own node: false unless given. */
  clockStartsAlone?: boolean;
}

/** The node ids of a cluster of `count` nodes: n1, n2, ... */
export function nodeIds(count: number): NodeId[] {
  return Array.from({ length: count }, (_, i) => `n${i + 1}`);
}

/** The run's length: far longer than the nodes' work (at most 25 steps of at most 12 ms) plus the slowest message. */
export const RUN_MS = 500;

export class ChatNode implements SimNode<ChatMsg> {
  private readonly ctx: Ctx<ChatMsg>;
  private readonly stepsToTake: number;
  readonly clock: VectorClock;
  readonly buffer: CausalBuffer<Payload>;
  private steps = 0;
  private sent = 0;

  constructor(ctx: Ctx<ChatMsg>, steps: number, clockStartsAlone: boolean) {
    this.ctx = ctx;
    this.stepsToTake = steps;
    const nodes = [ctx.id, ...ctx.peers];
    this.clock = new VectorClock(ctx.id, clockStartsAlone ? [ctx.id] : nodes);
    this.buffer = new CausalBuffer<Payload>(ctx.id, nodes);
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
    if (++this.steps < this.stepsToTake) this.ctx.setTimer(this.pause(), 'step');
  }

  onMessage(_from: NodeId, msg: ChatMsg): void {
    const heldBefore = this.heldCopies(msg.id);
    const ready = this.buffer.receive({ from: msg.from, deps: msg.deps, payload: { id: msg.id, vc: msg.vc } });
    if (!ready.some((m) => m.payload.id === msg.id)) {
      const copies = this.heldCopies(msg.id);
      if (copies > heldBefore) this.ctx.log(`hold ${msg.id} deps ${show(msg.deps)}`, { kind: 'hold', id: msg.id, copies });
      else this.ctx.log(`drop ${msg.id} deps ${show(msg.deps)}`, { kind: 'drop', id: msg.id });
    }
    for (const m of ready) {
      const vc = this.clock.receive(m.payload.vc);
      this.ctx.log(`deliver ${m.payload.id} ${show(vc)}`, { id: m.payload.id, kind: 'deliver', from: m.from, vc, deps: m.deps });
    }
  }

  private heldCopies(id: string): number {
    return this.buffer.held().filter((m) => m.payload?.id === id).length;
  }

  /** 3 to 12 ms between two steps. */
  private pause(): number {
    return 3 + Math.floor(this.ctx.random() * 10);
  }
}

/** Builds the cluster for one seed. Run it with `sim.runSync({ until: RUN_MS })`. */
export function buildCluster(seed: number, opts: ClusterOptions = {}): Simulation<ChatMsg> {
  const steps = opts.steps ?? 25;
  const sim = new Simulation<ChatMsg>({
    seed,
    network: { latency: latency.uniform(1, 20), reorder: 0.3, reorderMs: 40, duplicate: opts.duplicate ?? 0 },
  });
  const alone = opts.clockStartsAlone ?? false;
  sim.addNodes(nodeIds(opts.nodes ?? 3), (ctx) => new ChatNode(ctx, steps, alone));
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
  return `{${Object.keys(v).sort(byNode).map((k) => `${k}:${v[k]}`).join(', ')}}`;
}

/** Orders node ids n1, n2, ..., n10 (by number, not as text). */
export function byNode(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
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
