import { describe, expect, it } from 'vitest';
import { GossipNode, Simulation, TRACE_VERSION, checkCausalDelivery, checkConverged, checkExactlyOnce, checkOneLeaderPerTerm, latency, watchLeaders } from 'faultlines';
import type { Ctx, GossipMsg, NodeId, SimNode, Trace, TraceEvent } from 'faultlines';

// ------------------------------------------------------------ a reliable-delivery layer

type RMsg = { type: 'data'; id: string; text: string } | { type: 'ack'; id: string };

/** Sends 20 numbered messages to the next node; variants leave out retransmission or dedup. */
function reliable(bug: 'none' | 'no-dedup' | 'no-retry') {
  return (ctx: Ctx<RMsg>): SimNode<RMsg> => {
    const unacked = new Map<string, { to: NodeId; text: string }>();
    const seen = new Set<string>();
    return {
      onStart() {
        const to = ctx.peers[0]!;
        for (let i = 0; i < 20; i++) {
          const id = `${ctx.id}-${i}`;
          ctx.log('app-send', { id, to });
          unacked.set(id, { to, text: `hello ${i}` });
          ctx.send(to, { type: 'data', id, text: `hello ${i}` });
        }
        ctx.setTimer(10, 'retry');
      },
      onTimer() {
        if (bug !== 'no-retry') for (const [id, m] of unacked) ctx.send(m.to, { type: 'data', id, text: m.text });
        if (unacked.size > 0) ctx.setTimer(10, 'retry');
      },
      onMessage(from, msg) {
        if (msg.type === 'ack') unacked.delete(msg.id);
        else {
          ctx.send(from, { type: 'ack', id: msg.id });
          if (bug === 'no-dedup' || !seen.has(msg.id)) ctx.log('app-deliver', { id: msg.id });
          seen.add(msg.id);
        }
      },
    };
  };
}

function runReliable(bug: 'none' | 'no-dedup' | 'no-retry', seed = 5): Trace {
  const sim = new Simulation<RMsg>({ seed, network: { latency: latency.uniform(1, 6), loss: 0.2, duplicate: 0.1 } });
  sim.addNodes(['n1', 'n2'], reliable(bug));
  sim.runSync({ until: 2000 });
  return sim.trace;
}

describe('checkExactlyOnce', () => {
  it('passes a correct reliable layer under loss and duplication', () => {
    for (const seed of [1, 2, 3, 4, 5]) expect(checkExactlyOnce(runReliable('none', seed))).toEqual({ ok: true });
  });

  it('catches duplicate deliveries and says which message, where, when, and how to replay', () => {
    const r = checkExactlyOnce(runReliable('no-dedup'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.explanation).toMatch(/message n[12]-\d+ \(sent by n[12] at [\d.]+ ms\) was delivered \d times: n[12] at/);
    expect(r.explanation).toMatch(/seed 5/);
  });

  it('catches lost messages', () => {
    const r = checkExactlyOnce(runReliable('no-retry'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.explanation).toMatch(/was never delivered.*keep retransmitting/);
  });

  it('refuses a trace without logs', () => {
    const t: Trace = { version: TRACE_VERSION, seed: 1, level: 'off', nodes: [], clients: [], events: [] };
    const r = checkExactlyOnce(t);
    expect(r.ok).toBe(false);
  });
});

// ------------------------------------------------------------ causal delivery

function mk(events: [number, NodeId, 'app-send' | 'app-deliver', string][]): Trace {
  const ev: TraceEvent[] = events.map(([t, node, text, id]) => ({ t, type: 'log', node, text, data: { id } }));
  return { version: TRACE_VERSION, seed: 99, level: 'full', nodes: ['a', 'b', 'c'], clients: [], events: ev };
}

describe('checkCausalDelivery', () => {
  it('accepts causally ordered deliveries', () => {
    const t = mk([
      [1, 'a', 'app-send', 'm1'],
      [2, 'b', 'app-deliver', 'm1'],
      [3, 'b', 'app-send', 'm2'],
      [4, 'c', 'app-deliver', 'm1'],
      [5, 'c', 'app-deliver', 'm2'],
      [6, 'a', 'app-deliver', 'm2'],
    ]);
    expect(checkCausalDelivery(t)).toEqual({ ok: true });
  });

  it('accepts concurrent messages in any order', () => {
    const t = mk([
      [1, 'a', 'app-send', 'm1'],
      [1, 'b', 'app-send', 'm2'],
      [4, 'c', 'app-deliver', 'm2'],
      [5, 'c', 'app-deliver', 'm1'],
    ]);
    expect(checkCausalDelivery(t)).toEqual({ ok: true });
  });

  it('rejects a delivery that overtakes its cause, and explains the happened-before', () => {
    const t = mk([
      [1, 'a', 'app-send', 'm1'],
      [2, 'b', 'app-deliver', 'm1'],
      [3, 'b', 'app-send', 'm2'],
      [4, 'c', 'app-deliver', 'm2'],
      [5, 'c', 'app-deliver', 'm1'],
    ]);
    const r = checkCausalDelivery(t);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.explanation).toContain('Causal order violated at c: it delivered message m2 (from b, sent at 3 ms) at 4 ms before message m1 (from a, sent at 1 ms)');
    expect(r.explanation).toContain('b had already delivered m1 (at 2 ms) when it sent m2 at 3 ms');
    expect(r.explanation).toContain('seed 99');
  });

  it('follows chains transitively (a -> b -> c, checked at d)', () => {
    const t = mk([
      [1, 'a', 'app-send', 'm1'],
      [2, 'b', 'app-deliver', 'm1'],
      [3, 'b', 'app-send', 'm2'],
      [3.5, 'c', 'app-deliver', 'm1'],
      [4, 'c', 'app-deliver', 'm2'],
      [5, 'c', 'app-send', 'm3'],
      [6, 'd', 'app-deliver', 'm3'],
    ]);
    const r = checkCausalDelivery(t);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.explanation).toMatch(/at d: it delivered message m3 .* before message m1 \(from a/);
    // The same run, with d delivering in causal order, is fine.
    t.events.splice(t.events.length - 1, 0, ...mk([[5.5, 'd', 'app-deliver', 'm1'], [5.6, 'd', 'app-deliver', 'm2']]).events);
    expect(checkCausalDelivery(t)).toEqual({ ok: true });
  });
});

// ------------------------------------------------------------ leaders

describe('checkOneLeaderPerTerm and watchLeaders', () => {
  const leaderTrace = (pairs: [number, NodeId, number][]): Trace => ({
    version: TRACE_VERSION,
    seed: 4,
    level: 'full',
    nodes: ['n1', 'n2', 'n3'],
    clients: [],
    events: pairs.map(([t, node, term]) => ({ t, type: 'log', node, text: 'leader', data: { term } })),
  });

  it('accepts one leader per term, even the same node twice', () => {
    expect(checkOneLeaderPerTerm(leaderTrace([[10, 'n1', 1], [20, 'n1', 1], [30, 'n2', 2]]))).toEqual({ ok: true });
  });

  it('rejects two leaders in one term and names both', () => {
    const r = checkOneLeaderPerTerm(leaderTrace([[10, 'n1', 1], [15, 'n2', 2], [20, 'n3', 2]]));
    expect(r).toEqual({ ok: false, explanation: expect.stringContaining('Two leaders in term 2: n2 became leader at 15 ms and n3 at 20 ms') });
  });

  it('watchLeaders probes state without changing the run', async () => {
    type L = { type: 'x' };
    class Fake implements SimNode<L> {
      term = 0;
      leader = false;
      ctx: Ctx<L>;
      constructor(ctx: Ctx<L>) {
        this.ctx = ctx;
      }
      onStart() {
        this.ctx.setTimer(10 + 10 * this.ctx.nodes.indexOf(this.ctx.id), 'elect');
      }
      onTimer() {
        this.term = 1; // buggy: everybody claims term 1
        this.leader = true;
      }
    }
    const build = () => {
      const sim = new Simulation<L>({ seed: 8 });
      sim.addNodes(['n1', 'n2'], (ctx) => new Fake(ctx));
      return sim;
    };
    const plain = build();
    await plain.run({ until: 100 });
    const watched = build();
    const w = watchLeaders(watched, (n: Fake) => ({ term: n.term, leader: n.leader }), { everyMs: 1, until: 100 });
    await watched.run({ until: 100 });
    const r = w.result();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.explanation).toContain('Two leaders in term 1: n1 became leader at 10 ms and n2 at 20 ms');
    expect(JSON.stringify(watched.trace)).toBe(JSON.stringify(plain.trace));
  });
});

// ------------------------------------------------------------ convergence

describe('checkConverged', () => {
  const run = async (intervalMs: number) => {
    const sim = new Simulation<GossipMsg>({ seed: 12, network: { loss: 0.3 } });
    sim.addNodes(['n1', 'n2', 'n3'], (ctx) => new GossipNode(ctx, intervalMs));
    sim.addClient('c1', async (c) => {
      for (let i = 0; i < 6; i++) await c.invoke({ f: 'add', input: i, to: c.nodes[i % 3]!, msg: { type: 'add', value: i }, timeoutMs: 50 });
    });
    sim.schedule('at 0 partition n1 | n2,n3; at 500 heal');
    await sim.run({ until: 1500 });
    return { sim, r: checkConverged(sim, (n: GossipNode) => n.values) };
  };

  it('passes when gossip repairs the partition', async () => {
    expect((await run(20)).r).toEqual({ ok: true });
  });

  it('fails when nodes never gossip, naming who holds what and when the network healed', async () => {
    const { r } = await run(1e9);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.explanation).toMatch(/^The network was last healed at 500 ms, yet at 1500 ms the replicas have not converged: n1 has Set\[/);
    expect(r.explanation).toContain('seed 12');
  });
});
