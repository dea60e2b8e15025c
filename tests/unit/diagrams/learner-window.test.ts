/**
 * "Show run" on a long, busy run: the picture zooms to the moments the failure names, and
 * a run too busy to fit is drawn taller, never squashed flat.
 */
import { describe, expect, test } from 'vitest';
import { LabFailure } from '../../../src/kit/testing.ts';
import { renderRunForLearner } from '../../../src/diagrams/learner.ts';
import { involvedIn } from '../../../src/workspace/ui/run-view.ts';
import { latency, Simulation, type Ctx, type SimNode } from '../../../src/sim/index.ts';

type Ping = { type: 'ping' };

/** Every node pings every other every 40 ms, like heartbeats. */
class Pinger implements SimNode<Ping> {
  private readonly ctx: Ctx<Ping>;
  constructor(ctx: Ctx<Ping>) {
    this.ctx = ctx;
  }
  onStart(): void {
    this.ctx.setTimer(this.ctx.random() * 40, 'beat');
  }
  onTimer(): void {
    for (const p of this.ctx.peers) this.ctx.send(p, { type: 'ping' });
    this.ctx.setTimer(40, 'beat');
  }
  onMessage(): void {}
}

/** Three seconds of five chatty nodes, one of them crashing: a few thousand events. */
function busyRun() {
  const sim = new Simulation<Ping>({ seed: 2, network: { latency: latency.uniform(1, 10), loss: 0.05 } });
  sim.addNodes(['n1', 'n2', 'n3', 'n4', 'n5'], (ctx) => new Pinger(ctx));
  sim.at(1500, () => sim.crash('n3'));
  sim.runSync({ until: 3000 });
  return sim.trace;
}

describe('a failure points at moments, and the run view zooms to them', () => {
  test('LabFailure writes the window, and the workspace reads it back with the nodes', () => {
    const e = new LabFailure('n4 counted a late vote', { nodes: ['n4', 'n1'], at: [456, 860.14] });
    expect(e.message).toContain('Look between 456 ms and 860.1 ms.');
    expect(e.at).toEqual([456, 860.14]);
    expect(involvedIn(e.message)).toEqual({ nodes: ['n4', 'n1'], messages: [], at: [456, 860.1] });
    expect(involvedIn(new LabFailure('late', { at: 12.25 }).message).at).toEqual([12.3, 12.3]);
    expect(involvedIn('no window here').at).toBeUndefined();
  });

  test('a busy three-second run is drawn legibly: at least 6 px per typical gap, so taller than the 1500 px default', () => {
    const trace = busyRun();
    expect(trace.events.length).toBeGreaterThan(1000);
    const whole = renderRunForLearner(trace, { testName: 't', seed: 2 });
    expect(whole.height).toBeGreaterThan(1500);
    const zoomed = renderRunForLearner(trace, { testName: 't', seed: 2, failure: { nodes: ['n4'] }, options: { from: 430, to: 900 } });
    expect([zoomed.from, zoomed.to]).toEqual([430, 900]);
    expect(zoomed.height).toBeLessThan(whole.height);
    expect(zoomed.height).toBeGreaterThan(300);
  });
});
