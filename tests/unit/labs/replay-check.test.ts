import { describe, expect, test } from 'vitest';
import { Simulation, GossipNode, latency } from 'faultlines';
import { firstDifference, replayFailure } from '../../../src/kit/replay-check.ts';

function gossip(seed: number, extraLoss = 0) {
  const sim = new Simulation({ seed, network: { latency: latency.uniform(1, 9), loss: 0.05 + extraLoss } });
  sim.addNodes(['n1', 'n2', 'n3'], (ctx) => new GossipNode(ctx as never, 10));
  sim.at(1, () => sim.node<GossipNode>('n1')!.values.add(7));
  sim.runSync({ until: 200 });
  return sim.trace;
}

describe('the replay check', () => {
  test('one seed run twice is the same run', () => {
    expect(firstDifference(gossip(4), gossip(4))).toBeUndefined();
    expect(replayFailure(4, gossip(4), gossip(4))).toBeUndefined();
  });
  test('two different runs are told apart at the first event that differs, and the learner reads where and why', () => {
    const a = gossip(4);
    const b = gossip(4, 0.3);
    const d = firstDifference(a, b);
    expect(d).toBeDefined();
    for (let i = 0; i < d!.index; i++) expect(JSON.stringify(a.events[i])).toBe(JSON.stringify(b.events[i]));
    const f = replayFailure(4, a, b)!;
    expect(f.message).toMatch(/Replay is broken: seed 4 ran twice with the same code and gave two different runs/);
    expect(f.message).toMatch(new RegExp(`part at event ${d!.index + 1} of `));
    expect(f.message).toMatch(/first run: .*\n {2}second run: /);
    expect(f.message).toMatch(/state kept at module level/);
  });
});
