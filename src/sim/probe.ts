/**
 * Fixed scenarios whose trace hash must be identical everywhere (Node, Chromium...).
 * @module
 */
import { GossipNode } from './examples.ts';
import type { GossipMsg } from './examples.ts';
import { latency } from './network.ts';
import { Simulation, ok, info } from './simulator.ts';
import type { Completion } from './simulator.ts';
import { traceHash } from './trace.ts';
import type { Ctx, Message, NodeId, SimNode } from './types.ts';
import { isTimeout } from './types.ts';

function buildSyncScenario(seed: number): Simulation<GossipMsg> {
  const sim = new Simulation<GossipMsg>({ seed, network: { latency: latency.exponential(3, 0.5), loss: 0.05, duplicate: 0.05, reorder: 0.1 } });
  const ids = ['n1', 'n2', 'n3', 'n4', 'n5'];
  sim.addNodes(ids, (ctx) => new GossipNode(ctx, 10));
  sim.configureLink('n1', 'n2', { latency: latency.pareto(1, 1.2, 500) });
  sim.configureLink('n4', 'n5', { latency: latency.normal(5, 2), fifo: true }, { bothWays: true });
  // Seed every node with values through timers, so the work depends on ctx.random.
  sim.at(1, () => {
    for (const id of ids) {
      const n = sim.node<GossipNode>(id);
      if (n) n.values.add(Math.floor(n.ctx.random() * 1000));
    }
  });
  sim.schedule('at 150 partition n1,n2 | n3,n4,n5; at 400 heal; at 450 crash n3; at 600 restart n3; at 500 pause n4; at 700 resume n4; at 50 clock n2 skew 40 drift 0.002; at 800 block n5 -> n1; at 900 heal');
  sim.nemesis({ every: 120, faults: ['partition', 'one-way', 'crash', 'pause', 'clock', 'isolate', 'loss'], start: 1000, stop: 1800 });
  let n = 0;
  sim.setAdversary((m, adv) => {
    n++;
    if (n % 97 === 0) return 'drop';
    if (n % 89 === 0 && m.body.type === 'gossip') return { tamper: { type: 'gossip', values: [...m.body.values, 4242] } };
    if (n % 83 === 0) adv.replay(m.id, { delayMs: 5 + 10 * adv.random() });
    if (n % 211 === 0) adv.forge('n1', m.to, { type: 'gossip', values: [7777] });
    return undefined;
  });
  return sim;
}

/**
 * Run a fixed, promise-free scenario (gossip with loss, duplication, reordering, long
 * tails, partitions, crash/restart, pause, clock skew, a nemesis and an adversary)
 * synchronously and return its trace hash. Must give the same string in Node and in
 * a browser for the same seed.
 */
export function determinismProbe(seed: number): string {
  const sim = buildSyncScenario(seed);
  sim.runSync({ until: 2000 });
  return traceHash(sim.trace);
}

type KvMsg =
  | { type: 'put'; key: string; value: number }
  | { type: 'put_ok' }
  | { type: 'get'; key: string }
  | { type: 'get_ok'; value: number | null }
  | { type: 'sync'; key: string; value: number }
  | { type: 'sync_ok' };

/** A naive async primary-copy store: the receiving node forwards writes to peers with request(). */
function kvNode(ctx: Ctx<KvMsg>): SimNode<KvMsg> & { data: Map<string, number> } {
  const data = new Map<string, number>();
  return {
    data,
    async onMessage(_from: NodeId, msg: KvMsg) {
      switch (msg.type) {
        case 'put': {
          data.set(msg.key, msg.value);
          ctx.storage.set(msg.key, msg.value);
          const acks = await Promise.all(
            ctx.peers.map(async (p) => {
              try {
                await ctx.request(p, { type: 'sync', key: msg.key, value: msg.value }, { timeoutMs: 30 });
                return 1;
              } catch (e) {
                if (!isTimeout(e)) throw e;
                ctx.log('sync timeout', { peer: p });
                return 0;
              }
            }),
          );
          const n = acks.reduce<number>((a, b) => a + b, 0);
          if (n + 1 > ctx.nodes.length / 2) ctx.reply(msg, { type: 'put_ok' });
          break;
        }
        case 'sync':
          await ctx.sleep(1);
          data.set(msg.key, msg.value);
          ctx.reply(msg, { type: 'sync_ok' });
          break;
        case 'get':
          ctx.reply(msg, { type: 'get_ok', value: data.get(msg.key) ?? null });
          break;
        default:
          break;
      }
    },
  };
}

/** The same idea with promises: async handlers, requests with timeouts, clients. */
export async function determinismProbeAsync(seed: number): Promise<string> {
  const sim = new Simulation<KvMsg>({ seed, network: { latency: latency.uniform(1, 8), loss: 0.05, duplicate: 0.05 } });
  sim.addNodes(['n1', 'n2', 'n3'], kvNode);
  sim.schedule('at 100 partition n1 | n2,n3; at 250 heal; at 300 crash n2; at 380 restart n2; at 420 pause n3; at 470 resume n3');
  const interpret = (m: Message): Completion<unknown> =>
    m.type === 'get_ok' ? ok((m as unknown as { value: unknown }).value) : m.type === 'put_ok' ? ok(undefined) : info(m.type);
  for (const c of ['c1', 'c2']) {
    sim.addClient(c, async (cl) => {
      for (let i = 0; i < 15; i++) {
        const to = cl.nodes[Math.floor(cl.random() * cl.nodes.length)]!;
        if (cl.random() < 0.5) await cl.invoke({ f: 'write', key: 'x', input: i, to, msg: { type: 'put', key: 'x', value: i }, timeoutMs: 60, interpret });
        else await cl.invoke({ f: 'read', key: 'x', to, msg: { type: 'get', key: 'x' }, timeoutMs: 60, interpret });
        await cl.sleep(10 * cl.random());
      }
    });
  }
  await sim.run({ until: 1500 });
  return traceHash(sim.trace) + ':' + sim.history.length;
}
