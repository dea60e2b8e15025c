/**
 * Tiny example clusters, used in the README and in tests.
 * @module
 */
import type { Ctx, NodeId, SimNode } from './types.ts';

/** Messages of the echo service. */
export type EchoMsg = { type: 'echo'; text: string } | { type: 'echo_ok'; text: string };

/**
 * The smallest useful node: answers every `echo` with an `echo_ok`.
 * @example
 * const sim = new Simulation<EchoMsg>({ seed: 1 });
 * sim.addNodes(['n1', 'n2'], (ctx) => new EchoNode(ctx));
 */
export class EchoNode implements SimNode<EchoMsg> {
  ctx: Ctx<EchoMsg>;
  constructor(ctx: Ctx<EchoMsg>) {
    this.ctx = ctx;
  }
  onMessage(_from: NodeId, msg: EchoMsg): void {
    if (msg.type === 'echo') this.ctx.reply(msg, { type: 'echo_ok', text: msg.text });
  }
}

/** Messages of the gossip set. */
export type GossipMsg =
  | { type: 'add'; value: number }
  | { type: 'add_ok' }
  | { type: 'read' }
  | { type: 'read_ok'; values: number[] }
  | { type: 'gossip'; values: number[] };

/**
 * A grow-only set replicated by push gossip: every `intervalMs` (local time) a node
 * sends everything it knows to one random peer. Values are persisted, so a restarted
 * node remembers what it had. It converges after partitions heal, whatever the loss.
 */
export class GossipNode implements SimNode<GossipMsg> {
  ctx: Ctx<GossipMsg>;
  values = new Set<number>();
  intervalMs: number;
  constructor(ctx: Ctx<GossipMsg>, intervalMs = 20) {
    this.ctx = ctx;
    this.intervalMs = intervalMs;
    for (const v of ctx.storage.get<number[]>('values') ?? []) this.values.add(v);
  }
  onStart(): void {
    this.ctx.setTimer(this.intervalMs, 'gossip');
  }
  onMessage(_from: NodeId, msg: GossipMsg): void {
    switch (msg.type) {
      case 'add':
        this.learn([msg.value]);
        this.ctx.reply(msg, { type: 'add_ok' });
        break;
      case 'read':
        this.ctx.reply(msg, { type: 'read_ok', values: this.sorted() });
        break;
      case 'gossip':
        this.learn(msg.values);
        break;
      default:
        break;
    }
  }
  onTimer(name: string): void {
    if (name !== 'gossip') return;
    const peers = this.ctx.peers;
    if (peers.length > 0 && this.values.size > 0) {
      const to = peers[Math.floor(this.ctx.random() * peers.length)]!;
      this.ctx.send(to, { type: 'gossip', values: this.sorted() });
    }
    this.ctx.setTimer(this.intervalMs, 'gossip');
  }
  sorted(): number[] {
    return [...this.values].sort((a, b) => a - b);
  }
  private learn(vs: readonly number[]): void {
    let changed = false;
    for (const v of vs) {
      if (!this.values.has(v)) {
        this.values.add(v);
        changed = true;
      }
    }
    if (changed) this.ctx.storage.set('values', this.sorted());
  }
}
