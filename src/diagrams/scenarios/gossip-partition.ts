/**
 * Four nodes replicate a grow-only set by push gossip (src/sim/examples.ts), over a network
 * that loses one message in ten. A partition cuts n1, n2 off from n3, n4; a value added on
 * n4 during the partition reaches n1 and n2 only after the network heals.
 * @module
 */
import { GossipNode, latency, ok, Simulation } from '../../sim/index.ts';
import type { GossipMsg, Trace, TraceEvent } from '../../sim/index.ts';

export async function gossipPartition(seed: number): Promise<Trace> {
  const sim = new Simulation<GossipMsg>({ seed, network: { latency: latency.uniform(2, 9), loss: 0.1 } });
  sim.addNodes(['n1', 'n2', 'n3', 'n4'], (ctx) => new GossipNode(ctx, 20));
  sim.addClient('c1', async (c) => {
    await c.sleep(4);
    await c.invoke({ f: 'add', input: 1, to: 'n1', msg: { type: 'add', value: 1 }, timeoutMs: 40, interpret: () => ok(undefined) });
    await c.sleep(66);
    await c.invoke({ f: 'add', input: 2, to: 'n4', msg: { type: 'add', value: 2 }, timeoutMs: 40, interpret: () => ok(undefined) });
  });
  sim.schedule('at 50 partition n1,n2 | n3,n4; at 130 heal');
  await sim.run({ until: 190 });
  return sim.trace;
}

/** Label deliveries of gossip with the set they carry. */
export function gossipAnnotate(e: TraceEvent): string | undefined {
  if (e.type === 'deliver' && e.msg !== null && typeof e.msg === 'object' && (e.msg as GossipMsg).type === 'gossip') {
    return `{${(e.msg as { values: number[] }).values.join(',')}}`;
  }
  return undefined;
}
