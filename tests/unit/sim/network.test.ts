import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation, cloneData, latency } from 'faultlines';
import type { Ctx, LatencyDist, NodeId, SimNode, TraceEvent, TraceEventOf } from 'faultlines';

type M = { type: 'm'; k: number; obj?: { x: number } };

/** Each node sends `perTick` messages to every peer every ms, until `stopAt`. Receivers record (from, k). */
class Spammer implements SimNode<M> {
  ctx: Ctx<M>;
  got: { from: NodeId; k: number; t: number }[] = [];
  k = 0;
  stopAt: number;
  constructor(ctx: Ctx<M>, stopAt: number) {
    this.ctx = ctx;
    this.stopAt = stopAt;
  }
  onStart() {
    this.ctx.setTimer(1, 'tick');
  }
  onTimer() {
    for (const p of this.ctx.peers) this.ctx.send(p, { type: 'm', k: this.k++ });
    if (this.ctx.now() < this.stopAt) this.ctx.setTimer(1, 'tick');
  }
  onMessage(from: NodeId, msg: M) {
    this.got.push({ from, k: msg.k, t: this.ctx.now() });
  }
}

const of = <K extends TraceEvent['type']>(evs: readonly TraceEvent[], type: K) => evs.filter((e): e is TraceEventOf<K> => e.type === type);

describe('network: loss', () => {
  it('loss rate is close to p (5 sigma bound; seeds fixed by fast-check seed, so it cannot flake)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(0.01, 0.1, 0.3, 0.5, 0.9), (seed, p) => {
        const sim = new Simulation<M>({ seed, trace: 'off', network: { loss: p } });
        sim.addNodes(['a', 'b'], (ctx) => new Spammer(ctx, 1000));
        sim.runSync({ until: 1100 });
        const n = sim.stats.sent;
        const sd = Math.sqrt(n * p * (1 - p));
        expect(n).toBe(2000);
        expect(Math.abs(sim.stats.lost - n * p)).toBeLessThanOrEqual(5 * sd + 1);
        expect(sim.stats.delivered + sim.stats.lost).toBe(n);
      }),
      { seed: 20261121, numRuns: 25 },
    );
  });

  it('loss 0 loses nothing and loss 1 loses everything', () => {
    for (const p of [0, 1]) {
      const sim = new Simulation<M>({ seed: 3, network: { loss: p } });
      sim.addNodes(['a', 'b', 'c'], (ctx) => new Spammer(ctx, 50));
      sim.runSync({ until: 100 });
      expect(sim.stats.lost).toBe(p * sim.stats.sent);
      expect(of(sim.trace.events, 'drop').every((d) => d.reason === 'loss')).toBe(true);
    }
  });
});

describe('network: partitions', () => {
  it('partitioned links deliver nothing while partitioned; links inside a group keep working; heal restores', () => {
    const ids = ['n1', 'n2', 'n3', 'n4', 'n5'];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.shuffledSubarray(ids, { minLength: 1, maxLength: 4 }), (seed, g1) => {
        const sim = new Simulation<M>({ seed });
        sim.addNodes(ids, (ctx) => new Spammer(ctx, 400));
        sim.at(100, () => sim.partition([g1]));
        sim.at(250, () => sim.heal());
        sim.runSync({ until: 500 });
        const side = (n: string) => g1.includes(n);
        const dl = of(sim.trace.events, 'deliver');
        const crossing = dl.filter((e) => side(e.from) !== side(e.to));
        expect(crossing.filter((e) => e.t >= 100 && e.t < 250)).toEqual([]);
        expect(crossing.some((e) => e.t < 100)).toBe(true);
        expect(crossing.some((e) => e.t >= 250)).toBe(true);
        if (g1.length >= 2) expect(dl.some((e) => e.t > 100 && e.t < 250 && side(e.from) && side(e.to))).toBe(true);
        const drops = of(sim.trace.events, 'drop');
        expect(drops.length).toBeGreaterThan(0);
        expect(drops.every((d) => d.reason === 'partition' && side(d.from) !== side(d.to))).toBe(true);
      }),
      { seed: 7, numRuns: 20 },
    );
  });

  it('messages already in flight when a partition starts are dropped on arrival', () => {
    let ctxA: Ctx<M> | undefined;
    const sim2 = new Simulation<M>({ seed: 1, network: { latency: latency.constant(10) } });
    sim2.addNode('a', (ctx) => ((ctxA = ctx), { onMessage() {} }));
    sim2.addNode('b', () => ({ onMessage() {} }));
    sim2.at(1, () => ctxA!.send('b', { type: 'm', k: 1 }));
    sim2.at(5, () => sim2.partition([['a'], ['b']]));
    sim2.runSync({ until: 50 });
    const evs = sim2.trace.events.filter((e) => e.type === 'send' || e.type === 'drop' || e.type === 'deliver');
    expect(evs.map((e) => [e.type, e.t])).toEqual([
      ['send', 1],
      ['drop', 11],
    ]);
    expect(sim2.stats.partitioned).toBe(1);
  });

  it('one-way block stops only a -> b', () => {
    const sim = new Simulation<M>({ seed: 11 });
    sim.addNodes(['a', 'b', 'c'], (ctx) => new Spammer(ctx, 200));
    sim.schedule('at 0 block a -> b');
    sim.runSync({ until: 300 });
    const dl = of(sim.trace.events, 'deliver');
    expect(dl.filter((e) => e.from === 'a' && e.to === 'b')).toEqual([]);
    expect(dl.filter((e) => e.from === 'b' && e.to === 'a').length).toBeGreaterThan(100);
    expect(dl.filter((e) => e.from === 'a' && e.to === 'c').length).toBeGreaterThan(100);
    expect(sim.isBlocked('a', 'b')).toBe(true);
    expect(sim.isBlocked('b', 'a')).toBe(false);
  });

  it('isolate cuts a node off both ways, clients included; partition never cuts clients', () => {
    const sim = new Simulation<M>({ seed: 2 });
    sim.addNodes(['a', 'b', 'c'], (ctx) => new Spammer(ctx, 100));
    sim.addClient('c1');
    sim.partition([['a'], ['b', 'c']]);
    expect(sim.isBlocked('c1', 'a')).toBe(false);
    expect(sim.isBlocked('a', 'b')).toBe(true);
    sim.heal().isolate('b');
    for (const x of ['a', 'c', 'c1']) {
      expect(sim.isBlocked(x, 'b')).toBe(true);
      expect(sim.isBlocked('b', x)).toBe(true);
    }
    expect(sim.isBlocked('a', 'c')).toBe(false);
    expect(() => sim.partition([['c1']])).toThrow(/client/);
    expect(() => sim.partition([['a'], ['a']])).toThrow(/two groups/);
    expect(() => sim.partition([['zz']])).toThrow(/no node or client called 'zz'/);
  });
});

describe('network: duplication, latency, reordering', () => {
  it('duplicate = 1 gives exactly two deliveries of every message, one marked as the copy', () => {
    const sim = new Simulation<M>({ seed: 4, network: { duplicate: 1 } });
    sim.addNodes(['a', 'b'], (ctx) => new Spammer(ctx, 100));
    sim.runSync({ until: 200 });
    const count = new Map<number, { n: number; copies: number }>();
    for (const d of of(sim.trace.events, 'deliver')) {
      const c = count.get(d.id) ?? { n: 0, copies: 0 };
      c.n++;
      if (d.copy) c.copies++;
      count.set(d.id, c);
    }
    expect(count.size).toBe(sim.stats.sent);
    for (const c of count.values()) expect(c).toEqual({ n: 2, copies: 1 });
    expect(of(sim.trace.events, 'duplicate').length).toBe(sim.stats.sent);
    expect(sim.node<Spammer>('b')!.got.length).toBe(2 * (sim.stats.sent / 2));
  });

  it('duplicate = 0.3 duplicates about 30% (fixed seed)', () => {
    const sim = new Simulation<M>({ seed: 4, trace: 'off', network: { duplicate: 0.3 } });
    sim.addNodes(['a', 'b'], (ctx) => new Spammer(ctx, 1000));
    sim.runSync({ until: 1100 });
    const n = sim.stats.sent;
    expect(Math.abs(sim.stats.duplicated - 0.3 * n)).toBeLessThan(5 * Math.sqrt(n * 0.21));
    expect(sim.stats.delivered).toBe(n + sim.stats.duplicated);
  });

  const within = (d: LatencyDist, lo: number, hi: number) => {
    const sim = new Simulation<M>({ seed: 8, network: { latency: d } });
    sim.addNodes(['a', 'b'], (ctx) => new Spammer(ctx, 500));
    sim.runSync({ until: 100_000 });
    const sent = new Map(of(sim.trace.events, 'send').map((s) => [s.id, s.t]));
    const lat = of(sim.trace.events, 'deliver').map((d) => d.t - sent.get(d.id)!);
    expect(lat.length).toBeGreaterThan(900);
    for (const l of lat) {
      expect(l).toBeGreaterThanOrEqual(lo - 1e-9);
      expect(l).toBeLessThanOrEqual(hi + 1e-9);
    }
    return lat;
  };

  it('latency distributions stay in their ranges and have the right shape', () => {
    expect(new Set(within(latency.constant(7), 7, 7))).toEqual(new Set([7]));
    const u = within(latency.uniform(2, 4), 2, 4);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean(u) - 3)).toBeLessThan(0.1);
    const n = within(latency.normal(10, 2, 1), 1, 100);
    expect(Math.abs(mean(n) - 10)).toBeLessThan(0.3);
    const e = within(latency.exponential(5, 1), 1, 1000);
    expect(Math.abs(mean(e) - 6)).toBeLessThan(0.6);
    const p = within(latency.pareto(1, 1.5, 200), 1, 200);
    const sorted = p.slice().sort((a, b) => a - b);
    // Heavy tail: the 99th percentile is far above the median.
    expect(sorted[Math.floor(sorted.length * 0.99)]! / sorted[sorted.length >> 1]!).toBeGreaterThan(8);
  });

  const inversions = (got: { from: NodeId; k: number }[]) => {
    let inv = 0;
    const last = new Map<NodeId, number>();
    for (const g of got) {
      if ((last.get(g.from) ?? -1) > g.k) inv++;
      last.set(g.from, Math.max(last.get(g.from) ?? -1, g.k));
    }
    return inv;
  };

  it('random latency reorders; fifo links never do; the reorder knob reorders more', () => {
    const run = (cfg: Parameters<Simulation<M>['configureNetwork']>[0]) => {
      const sim = new Simulation<M>({ seed: 12, network: cfg });
      sim.addNodes(['a', 'b'], (ctx) => new Spammer(ctx, 300));
      sim.runSync({ until: 1000 });
      return inversions(sim.node<Spammer>('b')!.got);
    };
    const base = run({ latency: latency.uniform(1, 3) });
    expect(base).toBeGreaterThan(0);
    expect(run({ latency: latency.uniform(1, 20), fifo: true })).toBe(0);
    expect(run({ latency: latency.uniform(1, 3), reorder: 0.3, reorderMs: 50 })).toBeGreaterThan(base * 2);
    expect(run({ latency: latency.constant(2) })).toBe(0);
  });

  it('per-link configuration overrides the default for that direction only', () => {
    const sim = new Simulation<M>({ seed: 1, network: { latency: latency.constant(1) } });
    sim.addNodes(['a', 'b'], (ctx) => new Spammer(ctx, 20));
    sim.configureLink('a', 'b', { latency: latency.constant(9) });
    sim.runSync({ until: 100 });
    expect(sim.linkConfig('b', 'a').latency).toEqual(latency.constant(1));
    const sent = new Map(of(sim.trace.events, 'send').map((s) => [s.id, s.t]));
    for (const d of of(sim.trace.events, 'deliver')) expect(d.t - sent.get(d.id)!).toBe(d.from === 'a' ? 9 : 1);
    expect(() => sim.configureNetwork({ loss: 2 })).toThrow(/probability/);
  });
});

describe('messages are data on a wire', () => {
  it('are copied at send (sender may mutate) and frozen (receiver may not)', () => {
    const sim = new Simulation<M>({ seed: 1, onNodeError: 'log' });
    let seen: M | undefined;
    sim.addNode('a', (ctx) => ({
      onStart() {
        const m = { type: 'm' as const, k: 1, obj: { x: 1 } };
        ctx.send('b', m);
        m.obj.x = 99;
      },
    }));
    sim.addNode('b', () => ({
      onMessage(_f: NodeId, msg: M) {
        seen = msg;
        (msg.obj as { x: number }).x = 5;
      },
    }));
    sim.runSync({ until: 50 });
    expect(seen!.obj!.x).toBe(1);
    const err = sim.trace.events.find((e) => e.type === 'error');
    expect(err && err.type === 'error' && err.error).toMatch(/TypeError/);
  });

  it('non-plain data is refused with a readable error', () => {
    const sim = new Simulation<{ type: 'bad'; s: unknown }>({ seed: 1 });
    sim.addNode('a', (ctx) => ({ onStart: () => ctx.send('b', { type: 'bad', s: new Set([1]) }) }));
    sim.addNode('b', () => ({}));
    expect(() => sim.runSync({ until: 10 })).toThrow(/Set.*plain data/s);
  });

  it('a "__proto__" key parsed from JSON stays a plain key of the copy, and functions or bigints are refused', () => {
    const parsed = JSON.parse('{"type":"m","__proto__":{"admin":true}}') as Record<string, unknown>;
    const copy = cloneData(parsed, true, 'message');
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { admin?: boolean }).admin).toBeUndefined();
    expect(Object.keys(copy)).toEqual(['type', '__proto__']);
    expect(Object.isFrozen(copy)).toBe(true);
    expect(() => cloneData({ f: () => 1 }, true, 'message')).toThrow(/message contains a function/);
    expect(() => cloneData({ n: 1n }, true, 'message')).toThrow(/message contains a bigint/);
  });
});
