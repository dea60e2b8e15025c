import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventHeap } from '../../../src/sim/heap.ts';
import { Fnv64, GossipNode, Rng, Simulation, TRACE_VERSION, detExp, detLog, fnv1a64, formatTrace, latency, traceFromJSON, traceHash, traceToJSON } from 'faultlines';
import type { GossipMsg, Trace } from 'faultlines';

async function richTrace(level: 'full' | 'summary' | 'off' = 'full'): Promise<Trace> {
  const sim = new Simulation<GossipMsg>({ seed: 21, trace: level, network: { latency: latency.uniform(1, 4), loss: 0.1, duplicate: 0.1 } });
  sim.addNodes(['n1', 'n2', 'n3'], (ctx) => new GossipNode(ctx, 5));
  sim.addClient('c1', async (c) => {
    for (let i = 0; i < 5; i++) await c.invoke({ f: 'add', input: i, to: c.nodes[i % 3]!, msg: { type: 'add', value: i }, timeoutMs: 10 });
  });
  sim.schedule('at 20 partition n1 | n2,n3; at 40 heal; at 45 block n1 -> n2; at 50 isolate n3; at 55 heal; at 60 crash n2; at 70 restart n2; at 75 pause n1; at 80 resume n1; at 5 clock n3 skew 3 drift 0.1; at 90 loss 0');
  sim.at(30, () => sim.node<GossipNode>('n1')?.ctx.log('hello', { a: [1, 2], b: null }));
  let k = 0;
  sim.setAdversary((m, adv) => {
    k++;
    if (k === 3) adv.forge('n2', 'n1', { type: 'gossip', values: [99] });
    if (k === 4) adv.replay(1);
    if (k === 5) return { tamper: { type: 'gossip', values: [] } };
    return undefined;
  });
  await sim.run({ until: 120 });
  return sim.trace;
}

describe('trace schema', () => {
  it('has a version and covers every kind of event', async () => {
    const t = await richTrace();
    expect(t.version).toBe(TRACE_VERSION);
    expect(t.nodes).toEqual(['n1', 'n2', 'n3']);
    expect(t.clients).toEqual(['c1']);
    const types = new Set(t.events.map((e) => e.type));
    for (const ty of ['start', 'send', 'deliver', 'drop', 'duplicate', 'timer-set', 'timer-fire', 'crash', 'restart', 'pause', 'resume', 'partition', 'block', 'isolate', 'heal', 'skew', 'network', 'log', 'store', 'forge', 'tamper', 'replay', 'invoke', 'complete']) {
      expect(types, ty).toContain(ty);
    }
    // Times never go backwards.
    for (let i = 1; i < t.events.length; i++) expect(t.events[i]!.t).toBeGreaterThanOrEqual(t.events[i - 1]!.t);
  });

  it('round-trips through JSON exactly', async () => {
    const t = await richTrace();
    const json = traceToJSON(t);
    const back = traceFromJSON(json);
    expect(back).toEqual(JSON.parse(JSON.stringify(t)));
    expect(traceToJSON(back)).toBe(json);
    expect(traceHash(back)).toBe(traceHash(t));
  });

  it('rejects other versions and non-traces', () => {
    expect(() => traceFromJSON('{"version":2,"events":[]}')).toThrow(/version 2/);
    expect(() => traceFromJSON('[1,2]')).toThrow(/not a Fault Lines trace/);
  });

  it('summary keeps faults, drops, logs and client events but not sends/deliveries/timers; off keeps nothing', async () => {
    const full = await richTrace('full');
    const summary = await richTrace('summary');
    const off = await richTrace('off');
    const hot = new Set(['send', 'deliver', 'duplicate', 'timer-set', 'timer-fire', 'timer-cancel', 'store']);
    expect(summary.events).toEqual(full.events.filter((e) => !hot.has(e.type)));
    expect(off.events).toEqual([]);
  });

  it('traceHash changes when any event changes', async () => {
    const t = await richTrace();
    const h = traceHash(t);
    const copy = traceFromJSON(traceToJSON(t));
    const i = copy.events.findIndex((e) => e.type === 'deliver');
    (copy.events[i] as { t: number }).t += 0.001;
    expect(traceHash(copy)).not.toBe(h);
    expect(h).toMatch(/^[0-9a-f]{16}$/);
  });

  it('formatTrace renders readable lines and filters by node and time', async () => {
    const t = await richTrace();
    const s = formatTrace(t, { node: 'n3', from: 50, to: 55 });
    expect(s).toContain('ISOLATE n3');
    expect(s.split('\n').every((l) => l.includes('n3') || l.includes('HEAL'))).toBe(true);
    expect(formatTrace(t, { limit: 3 }).split('\n')).toHaveLength(3);
  });
});

describe('building blocks', () => {
  it('FNV-1a 64 matches the reference vectors, also incrementally', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
    expect(new Fnv64().update('foo').update('bar').hex()).toBe('85944171f73967e8');
  });

  it('Rng streams are reproducible and independent of each other', () => {
    const a = Rng.stream(1, 'network');
    const first = [a.next(), a.next(), a.next()];
    const b = Rng.stream(1, 'network');
    const other = Rng.stream(1, 'node:n1');
    for (let i = 0; i < 100; i++) other.next();
    expect([b.next(), b.next(), b.next()]).toEqual(first);
    expect(Rng.stream(2, 'network').next()).not.toBe(first[0]);
    // Pinned: changing the generator changes every seed's run.
    expect(first).toEqual(pinnedFirst);
  });

  it('Rng.float is uniform enough and int/pick/shuffle stay in range', () => {
    const r = new Rng(5);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[Math.floor(r.float() * 10)]!++;
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 1000 }), (seed, n) => {
        const g = new Rng(seed);
        const x = g.int(n);
        expect(Number.isInteger(x) && x >= 0 && x < n).toBe(true);
        const xs = Array.from({ length: Math.min(n, 20) }, (_, i) => i);
        expect(g.shuffle(xs).sort((p, q) => p - q)).toEqual(xs);
      }),
      { seed: 1 },
    );
  });

  it('detLog and detExp agree with Math.log / Math.exp to ~1e-14 relative error', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (x) => {
        expect(Math.abs(detLog(x) - Math.log(x))).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(Math.log(x))));
      }),
      { seed: 2 },
    );
    fc.assert(
      fc.property(fc.double({ min: -700, max: 700, noNaN: true }), (x) => {
        expect(Math.abs(detExp(x) - Math.exp(x)) / Math.exp(x)).toBeLessThanOrEqual(1e-13);
      }),
      { seed: 3 },
    );
    expect(detLog(0)).toBe(-Infinity);
    expect(detLog(-1)).toBeNaN();
    expect(detLog(1)).toBe(0);
  });

  it('the event heap pops in (time, insertion) order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(-1)), { maxLength: 300 }), (ops) => {
        const h = new EventHeap<{ t: number; seq: number }>();
        const ref: { t: number; seq: number }[] = [];
        let seq = 0;
        for (const op of ops) {
          if (op >= 0) {
            const x = { t: op, seq: ++seq };
            h.push(x);
            ref.push(x);
          } else {
            ref.sort((a, b) => a.t - b.t || a.seq - b.seq);
            expect(h.pop()).toBe(ref.shift());
          }
          expect(h.size).toBe(ref.length);
        }
      }),
      { seed: 4 },
    );
  });
});

const pinnedFirst = [3650359444, 181086655, 2551911282];

describe('long traces', () => {
  /** A chatty run: well over 16,384 recorded events, the size of one recorder chunk. */
  function chatty(readEvery?: number) {
    const sim = new Simulation<GossipMsg>({ seed: 5, network: { latency: latency.uniform(1, 4), loss: 0.05, duplicate: 0.05 } });
    sim.addNodes(['n1', 'n2', 'n3', 'n4'], (ctx) => new GossipNode(ctx, 1));
    const seen: number[] = [];
    for (let t = 0; t < 7000; t += readEvery ?? 7000) {
      sim.runSync({ until: t + (readEvery ?? 7000) });
      if (readEvery) seen.push(sim.trace.events.length);
    }
    return { sim, seen };
  }

  it('records every event across chunk boundaries, whether it is read during the run or only at the end', () => {
    const once = chatty().sim;
    const { sim: often, seen } = chatty(250);
    const events = once.trace.events;
    expect(events.length).toBeGreaterThan(3 * 16_384);
    expect(events.filter((e) => e.type === 'send').length).toBe(once.stats.sent);
    expect(events.filter((e) => e.type === 'deliver').length).toBe(once.stats.delivered);
    for (let i = 1; i < events.length; i++) expect(events[i]!.t).toBeGreaterThanOrEqual(events[i - 1]!.t);
    expect(seen.every((n, i) => i === 0 || n >= seen[i - 1]!)).toBe(true);
    expect(traceHash(often.trace)).toBe(traceHash(once.trace));
  });
});

