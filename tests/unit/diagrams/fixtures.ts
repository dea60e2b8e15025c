/** Small real runs for the diagram tests. */
import { GossipNode, Simulation, latency, ok, type GossipMsg, type Trace, type TraceEvent } from '../../../src/sim/index.ts';

/** Gossip under loss and duplication, with every kind of fault and a client. */
export async function faultyGossip(seed = 21): Promise<{ trace: Trace; history: Simulation<GossipMsg>['history'] }> {
  const sim = new Simulation<GossipMsg>({ seed, network: { latency: latency.uniform(1, 4), loss: 0.1, duplicate: 0.1 } });
  sim.addNodes(['n1', 'n2', 'n3'], (ctx) => new GossipNode(ctx, 5));
  sim.addClient('c1', async (c) => {
    for (let i = 0; i < 5; i++) await c.invoke({ f: 'add', input: i, to: c.nodes[i % 3]!, msg: { type: 'add', value: i }, timeoutMs: 10, interpret: () => ok(undefined) });
  });
  sim.schedule('at 20 partition n1 | n2,n3; at 40 heal; at 60 crash n2; at 70 restart n2; at 75 pause n1; at 80 resume n1');
  await sim.run({ until: 100 });
  return { trace: sim.trace, history: sim.history };
}

/**
 * The chapter's worked example, written by hand: A, B, C; m1 A→B, m2 B→C, m3 C→A.
 * Event indexes: 0 b1, 1 a1, 2 a2 (send m1), 3 b2 (recv m1), 4 b3 (send m2), 5 c1,
 * 6 c2 (recv m2), 7 c3 (send m3), 8 a3, 9 a4 (recv m3).
 */
export function workedExample(): Trace {
  const log = (t: number, node: string, text: string): TraceEvent => ({ t, type: 'log', node, text });
  const send = (t: number, id: number, from: string, to: string): TraceEvent => ({ t, type: 'send', id, from, to, msg: { type: `m${id}` } });
  const deliver = (t: number, id: number, from: string, to: string): TraceEvent => ({ t, type: 'deliver', id, from, to, msg: { type: `m${id}` } });
  return {
    version: 1,
    seed: 0,
    level: 'full',
    nodes: ['A', 'B', 'C'],
    clients: [],
    events: [
      log(1, 'B', 'b1'),
      log(2, 'A', 'a1'),
      send(3, 1, 'A', 'B'),
      deliver(5, 1, 'A', 'B'),
      send(6, 2, 'B', 'C'),
      log(6.5, 'C', 'c1'),
      deliver(8, 2, 'B', 'C'),
      send(9, 3, 'C', 'A'),
      log(10, 'A', 'a3'),
      deliver(12, 3, 'C', 'A'),
    ],
  };
}
