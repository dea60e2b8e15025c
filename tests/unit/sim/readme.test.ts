import { describe, expect, it } from 'vitest';
import { Simulation, latency, isTimeout, formatTrace, EchoNode, type EchoMsg, type Ctx, type SimNode, type NodeId } from 'faultlines';

// The README's first example, verbatim apart from the assertions.
type Msg = { type: 'ping'; n: number } | { type: 'pong'; n: number };

class Pinger implements SimNode<Msg> {
  ctx: Ctx<Msg>;
  pongs = 0;
  constructor(ctx: Ctx<Msg>) {
    this.ctx = ctx;
  }
  async onStart() {
    for (let n = 0; n < 3; n++) {
      try {
        const reply = await this.ctx.request(this.ctx.peers[0]!, { type: 'ping', n }, { timeoutMs: 50 });
        if (reply.type === 'pong') this.pongs++;
      } catch (e) {
        if (!isTimeout(e)) throw e;
        this.ctx.log('no answer', { n });
      }
    }
  }
  onMessage(_from: NodeId, msg: Msg) {
    if (msg.type === 'ping') this.ctx.reply(msg, { type: 'pong', n: msg.n });
  }
}

describe('README examples', () => {
  it('the ping cluster runs and every ping is answered or logged as unanswered', async () => {
    const sim = new Simulation<Msg>({ seed: 42, network: { latency: latency.uniform(1, 10), loss: 0.1 } });
    sim.addNodes(['n1', 'n2'], (ctx) => new Pinger(ctx));
    await sim.run({ until: 1000 });
    const text = formatTrace(sim.trace, { limit: 20 });
    expect(text).toContain('n1 -> n2  send #1 (request) {"type":"ping","n":0}');
    for (const id of ['n1', 'n2']) {
      const unanswered = sim.trace.events.filter((e) => e.type === 'log' && e.node === id).length;
      expect(sim.node<Pinger>(id)!.pongs + unanswered).toBe(3);
    }
  });

  it('echo', async () => {
    const sim = new Simulation<EchoMsg>({ seed: 1 });
    sim.addNodes(['n1', 'n2'], (ctx) => new EchoNode(ctx));
    let got: unknown;
    sim.addClient('c1', async (c) => {
      got = await c.invoke({ f: 'echo', to: 'n2', msg: { type: 'echo', text: 'hi' } });
    });
    await sim.run({ until: 100 });
    expect(got).toEqual({ type: 'ok', output: { type: 'echo_ok', text: 'hi' } });
  });
});
