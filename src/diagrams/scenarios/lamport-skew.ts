/**
 * Three nodes chat, each stamping its events with a Lamport clock, while their physical
 * clocks disagree by tens of milliseconds. The labels show both: `C=5 · 41` is Lamport
 * timestamp 5, taken when the node's own clock read 41 ms.
 * @module
 */
import { latency, Simulation } from '../../sim/index.ts';
import type { Ctx, Envelope, NodeId, SimNode, Trace, TraceEvent } from '../../sim/index.ts';

type ChatMsg = { type: 'chat'; ts: number; key: string };

/** The three rules, written out again here (chapters do not import lab solutions). */
class Lamport {
  time = 0;
  tick(): number {
    return ++this.time;
  }
  receive(ts: number): number {
    this.time = Math.max(this.time, ts) + 1;
    return this.time;
  }
}

class ChatNode implements SimNode<ChatMsg> {
  private readonly ctx: Ctx<ChatMsg>;
  private readonly clock = new Lamport();
  private sent = 0;
  constructor(ctx: Ctx<ChatMsg>) {
    this.ctx = ctx;
  }
  onStart(): void {
    this.ctx.setTimer(this.pause(), 'step');
  }
  onTimer(): void {
    const pt = Math.round(this.ctx.now());
    if (this.ctx.random() < 0.25) {
      this.ctx.log('local', { kind: 'local', ts: this.clock.tick(), pt });
    } else {
      const to = this.ctx.peers[Math.floor(this.ctx.random() * this.ctx.peers.length)]!;
      const key = `${this.ctx.id}:${++this.sent}`;
      const ts = this.clock.tick();
      this.ctx.log('send', { kind: 'send', ts, key, pt });
      this.ctx.send(to, { type: 'chat', ts, key });
    }
    this.ctx.setTimer(this.pause(), 'step');
  }
  onMessage(_from: NodeId, msg: ChatMsg, env: Envelope<ChatMsg>): void {
    const ts = this.clock.receive(msg.ts);
    this.ctx.log('receive', { kind: 'receive', ts, key: msg.key, msgId: env.id, sentTs: msg.ts, pt: Math.round(this.ctx.now()) });
  }
  private pause(): number {
    return 4 + Math.floor(this.ctx.random() * 12);
  }
}

/** Clock offsets (ms): n1 a little ahead, n3 far ahead of n2. */
export const SKEWS: Record<string, number> = { n1: 30, n2: 0, n3: 65 };

export async function lamportSkew(seed: number, untilMs = 48): Promise<Trace> {
  const sim = new Simulation<ChatMsg>({
    seed,
    network: { latency: latency.uniform(2, 12), loss: 0.04, duplicate: 0.03, reorder: 0.15, reorderMs: 10 },
  });
  sim.addNodes(['n1', 'n2', 'n3'], (ctx) => new ChatNode(ctx));
  for (const [id, skewMs] of Object.entries(SKEWS)) sim.setClock(id, { skewMs, drift: 0 });
  await sim.run({ until: untilMs });
  return sim.trace;
}

/** `C=5 · 41`: the Lamport timestamp, then the node's own clock in ms. */
export function lamportAnnotate(e: TraceEvent): string | undefined {
  if (e.type !== 'log' || e.data === null || typeof e.data !== 'object') return undefined;
  const d = e.data as { ts?: number; pt?: number };
  if (typeof d.ts !== 'number') return undefined;
  return typeof d.pt === 'number' ? `C=${d.ts} · ${d.pt}` : `C=${d.ts}`;
}

/** Only the physical clock: `clock 75` is what the node's own clock read at the event. */
export function physicalAnnotate(e: TraceEvent): string | undefined {
  if (e.type !== 'log' || e.data === null || typeof e.data !== 'object') return undefined;
  const d = e.data as { pt?: number };
  return typeof d.pt === 'number' ? `clock ${d.pt}` : undefined;
}
