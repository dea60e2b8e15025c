import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation, latency, parseFaultPlan } from 'faultlines';
import type { Ctx, NodeId, SimNode, TraceEvent } from 'faultlines';

type M = { type: 'inc' } | { type: 'note'; k: number };

class Counter implements SimNode<M> {
  ctx: Ctx<M>;
  volatile = 0;
  fired: string[] = [];
  constructor(ctx: Ctx<M>) {
    this.ctx = ctx;
  }
  onMessage(_from: NodeId, msg: M) {
    if (msg.type === 'inc') {
      this.volatile++;
      this.ctx.storage.set('durable', (this.ctx.storage.get<number>('durable') ?? 0) + 1);
    }
  }
  onTimer(name: string) {
    this.fired.push(name);
  }
}

function incFrom(sim: Simulation<M>, at: number, to: NodeId) {
  sim.at(at, () => {
    const c = sim.node<Counter>('src')!;
    c.ctx.send(to, { type: 'inc' });
  });
}

describe('crash and restart', () => {
  it('a crash loses volatile state but keeps storage; restart builds a fresh object', () => {
    let built = 0;
    const sim = new Simulation<M>({ seed: 1, network: { latency: latency.constant(1) } });
    sim.addNode('src', (ctx) => new Counter(ctx));
    sim.addNode('n', (ctx) => (built++, new Counter(ctx)));
    for (let i = 0; i < 5; i++) incFrom(sim, 10 + i, 'n');
    sim.schedule('at 50 crash n; at 60 restart n');
    sim.runSync({ until: 40 });
    const before = sim.node<Counter>('n')!;
    expect(before.volatile).toBe(5);
    sim.runSync({ until: 55 });
    expect(sim.node('n')).toBeUndefined();
    expect(sim.isUp('n')).toBe(false);
    sim.runSync({ until: 100 });
    const after = sim.node<Counter>('n')!;
    expect(after).not.toBe(before);
    expect(after.volatile).toBe(0);
    expect(after.ctx.storage.get('durable')).toBe(5);
    expect(sim.storageOf('n')).toEqual({ durable: 5 });
    expect(after.ctx.incarnation).toBe(1);
    expect(built).toBe(2);
  });

  it('storage values are copies: mutating an object after set() changes nothing durable', () => {
    const sim = new Simulation<M>({ seed: 1 });
    sim.addNode('n', (ctx) => ({
      onStart() {
        const log = [1];
        ctx.storage.set('log', log);
        log.push(2);
        const got = ctx.storage.get<number[]>('log')!;
        got.push(3);
      },
    }));
    sim.runSync({ until: 1 });
    expect(sim.storageOf('n')).toEqual({ log: [1] });
  });

  it("a crashed node's timers never fire, not even after restart, and messages to it are dropped", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 0, max: 200 }), (crashAt, downFor) => {
        const sim = new Simulation<M>({ seed: crashAt, network: { latency: latency.constant(1) } });
        sim.addNode('src', (ctx) => new Counter(ctx));
        sim.addNode('n', (ctx) => {
          const c = new Counter(ctx);
          if (ctx.incarnation === 0) ctx.setTimer(100, 'old');
          else ctx.setTimer(10, 'new');
          return c;
        });
        sim.at(crashAt, () => sim.crash('n'));
        incFrom(sim, crashAt + 0.5, 'n');
        sim.at(crashAt + 1 + downFor, () => sim.restart('n'));
        sim.runSync({ until: 400 });
        const fires = sim.trace.events.filter((e) => e.type === 'timer-fire' && e.node === 'n').map((e) => (e as { name: string }).name);
        expect(fires).toEqual(['new']);
        expect(sim.node<Counter>('n')!.fired).toEqual(['new']);
        const drops = sim.trace.events.filter((e) => e.type === 'drop');
        expect(drops.map((d) => (d as { reason: string }).reason)).toEqual(['crashed']);
      }),
      { seed: 3, numRuns: 40 },
    );
  });

  it('continuations of an old incarnation never run after a crash, and its ctx does nothing', async () => {
    type R = { type: 'q' } | { type: 'a' };
    const ran: string[] = [];
    let oldCtx: Ctx<R> | undefined;
    const sim = new Simulation<R>({ seed: 1, network: { latency: latency.constant(10) } });
    sim.addNode('a', (ctx) => ({
      async onStart() {
        if (ctx.incarnation > 0) return;
        oldCtx = ctx;
        try {
          await ctx.request('b', { type: 'q' }, { timeoutMs: 100 });
          ran.push('reply');
        } catch {
          ran.push('timeout');
        }
      },
    }));
    sim.addNode('b', (ctx) => ({ onMessage: (_f: NodeId, m: R) => ctx.reply(m, { type: 'a' }) }));
    sim.schedule('at 15 crash a; at 16 restart a');
    await sim.run({ until: 300 });
    expect(ran).toEqual([]);
    // The reply reached the new incarnation as a late reply and was not handed to it.
    expect(sim.trace.events.some((e) => e.type === 'deliver' && e.to === 'a' && e.late === true)).toBe(true);
    const n = sim.stats.sent;
    oldCtx!.send('b', { type: 'q' });
    oldCtx!.storage.set('x', 1);
    expect(oldCtx!.setTimer(1, 'x')).toBe(-1);
    expect(sim.stats.sent).toBe(n);
    expect(sim.storageOf('a')).toEqual({});
  });
});

describe('pause and resume', () => {
  it('pause delays but does not lose: everything arrives after resume, in order; timers fire late', () => {
    const sim = new Simulation<M>({ seed: 1, network: { latency: latency.constant(1) } });
    sim.addNode('src', (ctx) => new Counter(ctx));
    sim.addNode('n', (ctx) => {
      const c = new Counter(ctx);
      ctx.setTimer(30, 't30');
      return c;
    });
    sim.addNode('m', (ctx) => {
      const c = new Counter(ctx);
      c.onMessage = (_f, msg) => {
        if (msg.type === 'note') c.fired.push(`k${msg.k}@${ctx.now()}`);
      };
      return c;
    });
    for (let k = 0; k < 10; k++) sim.at(20 + k, () => sim.node<Counter>('src')!.ctx.send('m', { type: 'note', k }));
    sim.schedule('at 10 pause n; at 10 pause m; at 100 resume n; at 100 resume m');
    sim.runSync({ until: 200 });
    expect(sim.node<Counter>('m')!.fired).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => `k${k}@100`));
    const fire = sim.trace.events.find((e) => e.type === 'timer-fire' && e.node === 'n')!;
    expect(fire.t).toBe(100);
    expect(sim.stats.dropped).toBe(0);
    expect(sim.trace.events.find((e) => e.type === 'resume' && e.node === 'm')).toMatchObject({ held: 10 });
  });

  it('a node crashed while paused drops what was held', () => {
    const sim = new Simulation<M>({ seed: 1, network: { latency: latency.constant(1) } });
    sim.addNode('src', (ctx) => new Counter(ctx));
    sim.addNode('n', (ctx) => new Counter(ctx));
    incFrom(sim, 20, 'n');
    incFrom(sim, 21, 'n');
    sim.schedule('at 10 pause n; at 50 crash n; at 60 restart n');
    sim.runSync({ until: 100 });
    expect(sim.stats.droppedCrashed).toBe(2);
    expect(sim.node<Counter>('n')!.volatile).toBe(0);
  });
});

describe('clocks', () => {
  it('local clock = skew + (1 + drift) * true time', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        fc.integer({ min: 0, max: 5000 }),
        (skewMs, drift, t) => {
          const sim = new Simulation<M>({ seed: 1 });
          let ctx: Ctx<M> | undefined;
          sim.addNode('n', (c) => ((ctx = c), {}));
          sim.setClock('n', { skewMs, drift });
          sim.runSync({ until: t });
          expect(sim.now).toBe(t);
          expect(ctx!.now()).toBeCloseTo(skewMs + (1 + drift) * t, 9);
          expect(sim.localTime('n')).toBe(ctx!.now());
        },
      ),
      { seed: 5, numRuns: 50 },
    );
  });

  it('timers run on the local clock: a fast clock fires early in true time', () => {
    const sim = new Simulation<M>({ seed: 1 });
    sim.addNodes(['fast', 'slow', 'exact'], (ctx) => ({ onStart: () => void ctx.setTimer(100, 't'), onTimer() {} }));
    sim.setClock('fast', { drift: 0.25 });
    sim.setClock('slow', { drift: -0.2, skewMs: 500 });
    sim.runSync({ until: 1000 });
    const at = Object.fromEntries(sim.trace.events.filter((e) => e.type === 'timer-fire').map((e) => [(e as { node: string }).node, e.t]));
    expect(at).toEqual({ fast: 80, slow: 125, exact: 100 });
  });

  it('skew is recorded in the trace', () => {
    const sim = new Simulation<M>({ seed: 1 });
    sim.addNode('n', () => ({}));
    sim.schedule('at 5 clock n skew -40 drift 0.01');
    sim.runSync({ until: 10 });
    expect(sim.trace.events.find((e) => e.type === 'skew')).toEqual({ t: 5, type: 'skew', node: 'n', skewMs: -40, drift: 0.01 });
  });
});

describe('fault plans and the nemesis', () => {
  it('parses the text form', () => {
    expect(parseFaultPlan('at 500 partition [[a,b],[c,d,e]]; at 2000 heal\nat 10ms block a -> b # comment\nat 1 crash a; at 2 restart a; at 3 pause b; at 4 resume b; at 5 isolate c; at 6 loss 0.2; at 7 clock a skew 30')).toEqual([
      { at: 500, fault: 'partition', groups: [['a', 'b'], ['c', 'd', 'e']] },
      { at: 2000, fault: 'heal' },
      { at: 10, fault: 'block', from: 'a', to: 'b' },
      { at: 1, fault: 'crash', node: 'a' },
      { at: 2, fault: 'restart', node: 'a' },
      { at: 3, fault: 'pause', node: 'b' },
      { at: 4, fault: 'resume', node: 'b' },
      { at: 5, fault: 'isolate', node: 'c' },
      { at: 6, fault: 'network', config: { loss: 0.2 } },
      { at: 7, fault: 'clock', node: 'a', skewMs: 30 },
    ]);
    expect(parseFaultPlan('at 1 partition a, b | c')).toEqual([{ at: 1, fault: 'partition', groups: [['a', 'b'], ['c']] }]);
    expect(() => parseFaultPlan('at x heal')).toThrow(/cannot read/);
    expect(() => parseFaultPlan('at 1 explode a')).toThrow(/unknown fault 'explode'/);
    expect(() => parseFaultPlan('at 1 block a b')).toThrow(/block n1 -> n2/);
  });

  it('applies plan steps at their times, in the trace', () => {
    const sim = new Simulation<M>({ seed: 1 });
    sim.addNodes(['a', 'b', 'c'], () => ({}));
    sim.schedule('at 500 partition a | b,c; at 2000 heal; at 700 crash c; at 900 restart c');
    sim.runSync({ until: 3000 });
    const faults = sim.trace.events.filter((e) => e.type !== 'start').map((e) => [e.t, e.type]);
    expect(faults).toEqual([
      [500, 'partition'],
      [700, 'crash'],
      [900, 'restart'],
      [2000, 'heal'],
    ]);
  });

  it('the random nemesis is drawn from the seed, injects varied faults, and heals everything at stop', () => {
    const run = (seed: number) => {
      const sim = new Simulation<M>({ seed });
      sim.addNodes(['a', 'b', 'c', 'd', 'e'], (ctx) => new Counter(ctx));
      sim.nemesis({ every: 100, faults: ['partition', 'crash', 'pause', 'clock', 'one-way', 'isolate', 'loss'], stop: 5000 });
      sim.runSync({ until: 6000 });
      return sim;
    };
    const kinds = (s: Simulation<M>) => s.trace.events.filter((e) => e.type !== 'start').map((e: TraceEvent) => `${e.t}:${e.type}`);
    const a = run(1);
    expect(kinds(run(1))).toEqual(kinds(a));
    expect(kinds(run(2))).not.toEqual(kinds(a));
    const types = new Set(a.trace.events.map((e) => e.type));
    for (const t of ['partition', 'heal', 'crash', 'restart', 'pause', 'resume', 'skew']) expect(types, t).toContain(t);
    for (const n of a.nodes) {
      expect(a.isUp(n)).toBe(true);
      expect(a.isPaused(n)).toBe(false);
      for (const m of a.nodes) if (m !== n) expect(a.isBlocked(n, m)).toBe(false);
    }
    expect(a.linkConfig('a', 'b').loss).toBe(0);
    expect(a.trace.events.filter((e) => e.t > 5000)).toEqual([]);
    // Never more than a minority down at once.
    let down = 0;
    for (const e of a.trace.events) {
      if (e.type === 'crash' || e.type === 'pause') down++;
      if (e.type === 'restart' || e.type === 'resume') down--;
      expect(down).toBeLessThanOrEqual(2);
    }
  });
});
