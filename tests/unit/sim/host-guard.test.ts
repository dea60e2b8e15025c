import { describe, expect, it } from 'vitest';
import { NodeError, Simulation, takeHostCalls } from 'faultlines';
import { callers, hostUser, type Tick } from '../../fixtures/host-guard/nodes.ts';

function runWith(use: () => unknown, swallow = false) {
  takeHostCalls();
  const sim = new Simulation<Tick>({ seed: 1, onNodeError: 'throw' });
  sim.addNodes(['n1'], hostUser(use, swallow));
  return sim;
}

describe('host time, randomness and timers inside a simulation', () => {
  for (const [name, api] of [
    ['random', 'Math.random()'],
    ['dateNow', 'Date.now()'],
    ['newDate', 'new Date()'],
    ['perfNow', 'performance.now()'],
    ['timeout', 'setTimeout()'],
  ] as const) {
    it(`${api} called by node code is refused, naming the node, the line and what to use`, () => {
      const sim = runWith(callers[name]);
      let error: unknown;
      try {
        sim.runSync({ until: 50 });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NodeError);
      const msg = (error as Error).message;
      expect(msg).toContain(`n1 called ${api} at nodes.ts:`);
      expect(msg).toMatch(/5\.0 ms into the run/);
      expect(msg).toMatch(/ctx\.(random|now|setTimer)\(/);
    });
  }

  it('a refused call is recorded even when the node code swallows the error', () => {
    const sim = runWith(callers.random, true);
    sim.runSync({ until: 50 });
    const calls = takeHostCalls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ api: 'Math.random()', node: 'n1' });
  });

  it('new Date(ms) does not read the host clock and is allowed', () => {
    const sim = runWith(callers.dateAt);
    sim.runSync({ until: 50 });
    expect(takeHostCalls()).toEqual([]);
  });

  it('outside a run, and from the test itself, the host APIs work as usual', () => {
    expect(typeof Math.random()).toBe('number');
    expect(Date.now()).toBeGreaterThan(0);
    expect(new Date()).toBeInstanceOf(Date);
    expect(callers.random()).toBeLessThan(1);
    expect(takeHostCalls()).toEqual([]);
  });
});
