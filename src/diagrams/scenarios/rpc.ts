/**
 * Retrying without request ids: a client adds 10 to an account, three times, over a lossy
 * network, and the server executes every request that arrives. When a reply is lost, the
 * client's retry is executed a second time, so one "add 10" adds 20. The run the chapter
 * sets beside `lost-reply`, where request ids and a table of replies prevent exactly this.
 * @module
 */
import { info, latency, ok, Simulation } from '../../sim/index.ts';
import type { Ctx, NodeId, SimNode, Trace, TraceEvent } from '../../sim/index.ts';

type Msg = { type: 'add'; amount: number } | { type: 'add_ok'; balance: number };

/** Executes every request that arrives: no ids, no memory of what it has done. */
class ForgetfulServer implements SimNode<Msg> {
  private readonly ctx: Ctx<Msg>;
  private balance = 0;
  constructor(ctx: Ctx<Msg>) {
    this.ctx = ctx;
  }
  onMessage(_from: NodeId, msg: Msg): void {
    if (msg.type !== 'add') return;
    this.balance += msg.amount;
    this.ctx.log('applied', { amount: msg.amount, balance: this.balance });
    this.ctx.reply(msg, { type: 'add_ok', balance: this.balance });
  }
}

export async function retryWithoutId(seed: number): Promise<Trace> {
  const sim = new Simulation<Msg>({ seed, network: { latency: latency.uniform(2, 8), loss: 0.2 } });
  sim.addNodes(['n1'], (ctx) => new ForgetfulServer(ctx));
  sim.addClient('c1', async (c) => {
    for (let n = 1; n <= 3; n++) {
      for (let attempt = 0; attempt < 4; attempt++) {
        const r = await c.invoke({
          f: 'add',
          input: 10,
          to: 'n1',
          timeoutMs: 25,
          msg: { type: 'add', amount: 10 },
          interpret: (m) => (m.type === 'add_ok' ? ok(m.balance) : info(m.type)),
        });
        if (r.type === 'ok') break;
        await c.sleep(3);
      }
      await c.sleep(6);
    }
  });
  await sim.run({ until: 200 });
  return sim.trace;
}

export function retryWithoutIdAnnotate(e: TraceEvent): string | undefined {
  if (e.type !== 'log' || e.text !== 'applied') return undefined;
  const d = (e.data ?? {}) as { amount?: number; balance?: number };
  return `+${d.amount} → ${d.balance}`;
}
