/**
 * A client adds to an account on a server over a lossy network. When the request or the
 * reply is lost, the client times out (the operation's outcome is unknown) and retries with
 * the same request id; the server remembers replies by id, so a retry is never applied twice.
 * A second client reads the balance now and then.
 * @module
 */
import { info, latency, ok, Simulation } from '../../sim/index.ts';
import type { Ctx, NodeId, SimNode, Trace, TraceEvent } from '../../sim/index.ts';

type Msg =
  | { type: 'add'; client: string; seq: number; amount: number }
  | { type: 'add_ok'; seq: number; balance: number }
  | { type: 'read' }
  | { type: 'read_ok'; balance: number };

class AccountServer implements SimNode<Msg> {
  private readonly ctx: Ctx<Msg>;
  private balance = 0;
  private readonly last = new Map<string, { seq: number; reply: Msg }>();
  constructor(ctx: Ctx<Msg>) {
    this.ctx = ctx;
  }
  onMessage(_from: NodeId, msg: Msg): void {
    if (msg.type === 'read') {
      this.ctx.reply(msg, { type: 'read_ok', balance: this.balance });
    } else if (msg.type === 'add') {
      const seen = this.last.get(msg.client);
      if (seen && msg.seq <= seen.seq) {
        this.ctx.log('duplicate request, same answer', { seq: msg.seq });
        this.ctx.reply(msg, seen.reply);
        return;
      }
      this.balance += msg.amount;
      const reply: Msg = { type: 'add_ok', seq: msg.seq, balance: this.balance };
      this.last.set(msg.client, { seq: msg.seq, reply });
      this.ctx.log('applied', { seq: msg.seq, balance: this.balance });
      this.ctx.reply(msg, reply);
    }
  }
}

export async function lostReply(seed: number): Promise<Trace> {
  const sim = new Simulation<Msg>({ seed, network: { latency: latency.uniform(2, 8), loss: 0.15 } });
  sim.addNodes(['n1'], (ctx) => new AccountServer(ctx));
  sim.addClient('c1', async (c) => {
    for (let seq = 1; seq <= 3; seq++) {
      for (let attempt = 0; attempt < 4; attempt++) {
        const r = await c.invoke({
          f: 'add',
          input: 10,
          to: 'n1',
          timeoutMs: 25,
          msg: { type: 'add', client: c.id, seq, amount: 10 },
          interpret: (m) => (m.type === 'add_ok' ? ok(m.balance) : info(m.type)),
        });
        if (r.type === 'ok') break;
        await c.sleep(3);
      }
      await c.sleep(6);
    }
  });
  sim.addClient('c2', async (c) => {
    for (let i = 0; i < 2; i++) {
      await c.sleep(40);
      await c.invoke({ f: 'read', to: 'n1', timeoutMs: 25, msg: { type: 'read' }, interpret: (m) => (m.type === 'read_ok' ? ok(m.balance) : info(m.type)) });
    }
  });
  await sim.run({ until: 200 });
  return sim.trace;
}

export function lostReplyAnnotate(e: TraceEvent): string | undefined {
  if (e.type !== 'log') return undefined;
  const d = (e.data ?? {}) as { seq?: number; balance?: number };
  if (e.text === 'applied') return `+10 → ${d.balance}`;
  if (e.text.startsWith('duplicate')) return `seen: resend`;
  return undefined;
}
