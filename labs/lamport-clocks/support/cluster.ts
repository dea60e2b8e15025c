/**
 * The cluster the tests run (you do not need to change it). A few nodes chat: every few
 * milliseconds of its own clock, each node either does a local step or sends a message to
 * a random peer. Every event is stamped by the node's LamportClock and logged to the
 * trace, so the tests can compare timestamps with what really happened before what.
 *
 * The tests run clusters of several sizes, with ids n1, n2, ..., up to n10. The network
 * loses, delays, reorders and duplicates messages, and each node's physical clock is
 * skewed and drifts, differently for every seed.
 */
import { latency, Simulation, type Ctx, type Envelope, type NodeId, type SimNode, type Trace } from 'faultlines';
import { LamportClock } from './lamport.ts';

export type ChatMsg = { type: 'chat'; ts: number; key: string };

/** One stamped event, as the node logged it. */
export interface LoggedEvent {
  node: NodeId;
  kind: 'local' | 'send' | 'receive';
  ts: number;
  /** Virtual true time of the event, in ms. */
  t: number;
  /** For send and receive: the message's key (sender and a counter), and its trace id. */
  key?: string;
  msgId?: number;
  /** For receive: the timestamp the message carried. */
  sentTs?: number;
}

class ChatNode implements SimNode<ChatMsg> {
  private readonly ctx: Ctx<ChatMsg>;
  private readonly clock: LamportClock;
  private sent = 0;

  constructor(ctx: Ctx<ChatMsg>) {
    this.ctx = ctx;
    this.clock = new LamportClock(() => ctx.now());
  }

  onStart(): void {
    this.ctx.setTimer(this.pause(), 'step');
  }

  onTimer(): void {
    if (this.ctx.random() < 0.3) {
      this.ctx.log('local', { kind: 'local', ts: this.clock.tick() });
    } else {
      const to = this.ctx.peers[Math.floor(this.ctx.random() * this.ctx.peers.length)]!;
      const key = `${this.ctx.id}:${++this.sent}`;
      const ts = this.clock.send();
      this.ctx.log('send', { kind: 'send', ts, key });
      this.ctx.send(to, { type: 'chat', ts, key });
    }
    this.ctx.setTimer(this.pause(), 'step');
  }

  onMessage(_from: NodeId, msg: ChatMsg, env: Envelope<ChatMsg>): void {
    const ts = this.clock.receive(msg.ts);
    this.ctx.log('receive', { kind: 'receive', ts, key: msg.key, msgId: env.id, sentTs: msg.ts });
  }

  private pause(): number {
    return 2 + Math.floor(this.ctx.random() * 12);
  }
}

/** The ids of an `n`-node cluster: n1, n2, ..., nN. */
export function nodeIds(n: number): NodeId[] {
  return Array.from({ length: n }, (_, i) => `n${i + 1}`);
}

/** Builds the cluster for one seed, with `nodes` nodes (3 unless told). Run it with `sim.runSync({ until })`. */
export function buildCluster(seed: number, nodes = 3): Simulation<ChatMsg> {
  const sim = new Simulation<ChatMsg>({
    seed,
    network: { latency: latency.uniform(1, 15), loss: 0.05, duplicate: 0.05, reorder: 0.2, reorderMs: 30 },
  });
  const ids = nodeIds(nodes);
  sim.addNodes(ids, (ctx) => new ChatNode(ctx));
  // Physical clocks disagree by tens of milliseconds, as they do after NTP on a busy network.
  const r = sim.stream('clock-skew');
  for (const id of ids) {
    sim.setClock(id, { skewMs: Math.round((r.float() - 0.5) * 120), drift: (r.float() - 0.5) * 0.002 });
  }
  return sim;
}

/** The run `npm run sim` shows: the 3-node cluster for one seed, for 600 ms. */
export function scenario(seed: number): Trace {
  const sim = buildCluster(seed);
  sim.runSync({ until: 600 });
  return sim.trace;
}

/** The stamped events of a run, in the order they happened. */
export function loggedEvents(trace: Trace): LoggedEvent[] {
  const out: LoggedEvent[] = [];
  for (const e of trace.events) {
    if (e.type !== 'log' || typeof e.data !== 'object' || e.data === null) continue;
    out.push({ node: e.node, t: e.t, ...(e.data as Omit<LoggedEvent, 'node' | 't'>) });
  }
  return out;
}
