import { describe, expect, it } from 'vitest';
import { Simulation, checkHistory, registerModel, latency, ok, info } from 'faultlines';
import type { Ctx, NodeId, SimNode } from 'faultlines';

type KV = { type: 'read' } | { type: 'read_ok'; value: number | null } | { type: 'write'; value: number } | { type: 'write_ok' };

/** Each node keeps its own copy and never replicates: fine alone, stale reads with two. */
class Register implements SimNode<KV> {
  ctx: Ctx<KV>;
  value: number | null = null;
  constructor(ctx: Ctx<KV>) {
    this.ctx = ctx;
  }
  onMessage(_f: NodeId, m: KV) {
    if (m.type === 'write') {
      this.value = m.value;
      this.ctx.reply(m, { type: 'write_ok' });
    } else if (m.type === 'read') this.ctx.reply(m, { type: 'read_ok', value: this.value });
  }
}

async function run(nodes: string[]) {
  const sim = new Simulation<KV>({ seed: 3, network: { latency: latency.uniform(1, 5) } });
  sim.addNodes(nodes, (ctx) => new Register(ctx));
  const interpret = (m: KV) => (m.type === 'read_ok' ? ok(m.value) : m.type === 'write_ok' ? ok(undefined) : info(m.type));
  for (const c of ['c1', 'c2', 'c3']) {
    sim.addClient(c, async (cl) => {
      for (let i = 0; i < 10; i++) {
        const to = cl.nodes[Math.floor(cl.random() * cl.nodes.length)]!;
        if (cl.random() < 0.5) await cl.invoke({ f: 'write', input: i, to, msg: { type: 'write', value: i }, interpret });
        else await cl.invoke({ f: 'read', to, msg: { type: 'read' }, interpret });
      }
    });
  }
  await sim.run({ until: 2000 });
  return checkHistory(registerModel(), sim.history as never);
}

describe('the kit: simulator histories feed the linearizability checker', () => {
  it('one register node is linearizable', async () => {
    const r = await run(['n1']);
    expect(r.verdict).toBe('linearizable');
  });
  it('two unreplicated copies are not', async () => {
    expect((await run(['n1', 'n2'])).verdict).toBe('not linearizable');
  });
});
