import { describe, expect, it } from 'vitest';
import { NodeError, RequestTimeout, Simulation, fail, info, isTimeout, latency, ok } from 'faultlines';
import type { Ctx, Envelope, NodeId, SimNode } from 'faultlines';

type M = { type: 'get'; key: string } | { type: 'get_ok'; value: number } | { type: 'slow' } | { type: 'error'; text: string } | { type: 'noop' };

class Store implements SimNode<M> {
  ctx: Ctx<M>;
  data: Record<string, number> = { x: 42 };
  constructor(ctx: Ctx<M>) {
    this.ctx = ctx;
  }
  async onMessage(_from: NodeId, msg: M, env: Envelope<M>) {
    if (msg.type === 'get') {
      if (!(msg.key in this.data)) return this.ctx.reply(env, { type: 'error', text: 'no such key' });
      this.ctx.reply(msg, { type: 'get_ok', value: this.data[msg.key]! });
    }
    if (msg.type === 'slow') {
      await this.ctx.sleep(50);
      this.ctx.reply(msg, { type: 'noop' });
    }
  }
}

describe('request / reply', () => {
  it('resolves with the reply; continuations run at the delivery time, before the next event', async () => {
    const sim = new Simulation<M>({ seed: 1, network: { latency: latency.constant(5) } });
    const seen: string[] = [];
    sim.addNode('s', (ctx) => new Store(ctx));
    sim.addNode('c', (ctx) => ({
      async onStart() {
        const r = await ctx.request('s', { type: 'get', key: 'x' });
        await Promise.resolve();
        await null;
        seen.push(`${JSON.stringify(r)}@${ctx.now()}`);
        ctx.log('after three awaits');
      },
    }));
    // Scheduled at 6, after the reply (sent at 5) is already in flight: same time, later sequence.
    sim.at(6, () => sim.at(10, () => seen.push('event@10')));
    await sim.run({ until: 100 });
    expect(seen).toEqual(['{"type":"get_ok","value":42}@10', 'event@10']);
    const log = sim.trace.events.find((e) => e.type === 'log')!;
    expect(log.t).toBe(10);
  });

  it('rejects with RequestTimeout after timeoutMs of local time; a late reply is recorded but not handed to onMessage', async () => {
    const sim = new Simulation<M>({ seed: 1, network: { latency: latency.constant(1) } });
    const got: unknown[] = [];
    let err: unknown;
    sim.addNode('s', (ctx) => new Store(ctx));
    sim.addNode('c', (ctx) => ({
      async onStart() {
        try {
          await ctx.request('s', { type: 'slow' }, { timeoutMs: 20 });
        } catch (e) {
          err = e;
          got.push(`timeout@${ctx.now()}`);
        }
      },
      onMessage(_f: NodeId, m: M) {
        got.push(m);
      },
    }));
    sim.setClock('c', { drift: 1 }); // twice as fast: 20 local ms = 10 true ms
    await sim.run({ until: 200 });
    expect(isTimeout(err)).toBe(true);
    expect(err).toBeInstanceOf(RequestTimeout);
    expect((err as RequestTimeout).to).toBe('s');
    expect(got).toEqual(['timeout@20']);
    expect(sim.trace.events.find((e) => e.type === 'timeout')).toMatchObject({ t: 10, node: 'c', to: 's' });
    expect(sim.trace.events.find((e) => e.type === 'deliver' && e.to === 'c')).toMatchObject({ late: true, t: 52 });
  });

  it('reply() needs the received message or envelope', async () => {
    const sim = new Simulation<M>({ seed: 1 });
    sim.addNode('a', (ctx) => ({ onStart: () => ctx.send('b', { type: 'noop' }) }));
    sim.addNode('b', (ctx) => ({ onMessage: (_f: NodeId, m: M) => ctx.reply(m, { type: 'noop' }) }));
    await expect(sim.run({ until: 50 })).rejects.toThrow(/reply\(\) needs the message you received/);
  });

  it('an uncaught error stops the run with the node, time and seed', async () => {
    const sim = new Simulation<M>({ seed: 77, network: { latency: latency.constant(1) } });
    sim.addNode('s', () => ({ onMessage() {} }));
    sim.addNode('c', (ctx) => ({
      async onStart() {
        await ctx.request('s', { type: 'slow' }, { timeoutMs: 5 });
      },
    }));
    const e = await sim.run({ until: 50 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NodeError);
    expect((e as Error).message).toMatch(/node c threw in onStart at 5 ms: RequestTimeout.*try\/catch.*seed 77/);
  });

  it("onNodeError 'crash' crashes the node; 'log' records and continues", async () => {
    for (const mode of ['crash', 'log'] as const) {
      const sim = new Simulation<M>({ seed: 1, onNodeError: mode });
      sim.addNode('a', () => ({
        onStart() {
          throw new Error('boom');
        },
      }));
      await sim.run({ until: 10 });
      expect(sim.trace.events.find((e) => e.type === 'error')).toMatchObject({ node: 'a', error: 'Error: boom' });
      expect(sim.isUp('a')).toBe(mode === 'log');
    }
  });

  it('runSync refuses promises', () => {
    const sim = new Simulation<M>({ seed: 1 });
    sim.addNode('a', () => ({ async onStart() {} }));
    expect(() => sim.runSync({ until: 10 })).toThrow(/await sim.run/);
  });

  it('runUntil stops when the predicate holds', async () => {
    const sim = new Simulation<M>({ seed: 1, network: { latency: latency.constant(3) } });
    let done = false;
    sim.addNode('s', (ctx) => new Store(ctx));
    sim.addNode('c', (ctx) => ({
      async onStart() {
        await ctx.request('s', { type: 'get', key: 'x' });
        done = true;
      },
    }));
    const r = await sim.runUntil(() => done, { for: 1000 });
    expect(r).toMatchObject({ reason: 'predicate', time: 6 });
    const r2 = await sim.runUntil(() => false, { for: 10 });
    expect(r2).toMatchObject({ reason: 'until', time: 16 });
  });
});

describe('clients and histories', () => {
  it('record invoke / ok / fail / info with Jepsen semantics; a timeout retires the process', async () => {
    const sim = new Simulation<M>({ seed: 1, network: { latency: latency.constant(2) } });
    sim.addNode('s', (ctx) => new Store(ctx));
    const results: string[] = [];
    sim.addClient('c1', async (c) => {
      const interpret = (m: M) => (m.type === 'get_ok' ? ok(m.value) : m.type === 'error' ? fail(m.text) : info(m.type));
      results.push(JSON.stringify(await c.invoke({ f: 'read', key: 'x', to: 's', msg: { type: 'get', key: 'x' }, interpret })));
      results.push(JSON.stringify(await c.invoke({ f: 'read', key: 'y', to: 's', msg: { type: 'get', key: 'y' }, interpret })));
      results.push(JSON.stringify(await c.invoke({ f: 'read', key: 'x', to: 's', msg: { type: 'get', key: 'x' } })));
      sim.isolate('s');
      results.push(JSON.stringify(await c.invoke({ f: 'read', input: 1, to: 's', msg: { type: 'get', key: 'x' }, timeoutMs: 30 })));
      results.push(`process ${c.process}`);
    });
    await sim.run({ until: 500 });
    expect(results).toEqual([
      '{"type":"ok","output":42}',
      '{"type":"fail","error":"no such key"}',
      '{"type":"ok","output":{"type":"get_ok","value":42}}',
      '{"type":"info","error":"timeout"}',
      'process 1',
    ]);
    expect(sim.history).toEqual([
      { process: 0, type: 'invoke', f: 'read', time: 0, key: 'x' },
      { process: 0, type: 'ok', f: 'read', time: 4, output: 42, key: 'x' },
      { process: 0, type: 'invoke', f: 'read', time: 4, key: 'y' },
      { process: 0, type: 'fail', f: 'read', time: 8, key: 'y' },
      { process: 0, type: 'invoke', f: 'read', time: 8, key: 'x' },
      { process: 0, type: 'ok', f: 'read', time: 12, output: { type: 'get_ok', value: 42 }, key: 'x' },
      { process: 0, type: 'invoke', f: 'read', time: 12, input: 1 },
      { process: 0, type: 'info', f: 'read', time: 42, input: 1 },
    ]);
    expect(sim.trace.events.filter((e) => e.type === 'invoke' || e.type === 'complete').length).toBe(8);
  });

  it('an error reply is info by default (indeterminate), and one client runs one operation at a time', async () => {
    const sim = new Simulation<M>({ seed: 1 });
    sim.addNode('s', (ctx) => new Store(ctx));
    let second: unknown;
    sim.addClient('c1', async (c) => {
      const p = c.invoke({ f: 'read', to: 's', msg: { type: 'get', key: 'nope' } });
      second = await c.invoke({ f: 'read', to: 's', msg: { type: 'get', key: 'x' } }).catch((e: Error) => e.message);
      await p;
    });
    await sim.run({ until: 100 });
    expect(second).toMatch(/already has an operation in flight/);
    expect(sim.history.map((h) => h.type)).toEqual(['invoke', 'info']);
  });
});

describe('the adversary', () => {
  type S = { type: 'pay'; amount: number } | { type: 'hello' };
  const build = () => {
    const sim = new Simulation<S>({ seed: 3, network: { latency: latency.constant(1) } });
    const got: string[] = [];
    sim.addNode('a', (ctx) => ({
      onStart() {
        ctx.send('b', { type: 'pay', amount: 10 });
        ctx.send('b', { type: 'pay', amount: 20 });
        ctx.send('b', { type: 'hello' });
      },
    }));
    sim.addNode('b', () => ({
      onMessage(from: NodeId, m: S, env: Envelope<S>) {
        got.push(`${from}:${JSON.stringify(m)}:${env.adversary ?? 'clean'}`);
      },
    }));
    return { sim, got };
  };

  it('can tamper, drop, replay and forge, and all of it is recorded and delivered', async () => {
    const { sim, got } = build();
    sim.setAdversary((m, adv) => {
      if (m.body.type === 'pay' && m.body.amount === 10) {
        adv.replay(m.id, { delayMs: 5 });
        return { tamper: { type: 'pay', amount: 1000 } };
      }
      if (m.body.type === 'pay') return 'drop';
      adv.forge('a', 'b', { type: 'pay', amount: 7 }, { delayMs: 3 });
      return undefined;
    });
    await sim.run({ until: 50 });
    expect(got).toEqual(['a:{"type":"pay","amount":1000}:tampered', 'a:{"type":"hello"}:clean', 'a:{"type":"pay","amount":7}:forged', 'a:{"type":"pay","amount":10}:replayed']);
    const ev = sim.trace.events.filter((e) => ['tamper', 'forge', 'replay', 'drop'].includes(e.type));
    expect(ev).toEqual([
      { t: 0, type: 'replay', id: 2, of: 1, from: 'a', to: 'b' },
      { t: 0, type: 'tamper', id: 1, from: 'a', to: 'b', before: { type: 'pay', amount: 10 }, after: { type: 'pay', amount: 1000 } },
      { t: 0, type: 'drop', id: 3, from: 'a', to: 'b', reason: 'adversary' },
      { t: 0, type: 'forge', id: 5, from: 'a', to: 'b', msg: { type: 'pay', amount: 7 } },
    ]);
    const advMarks = sim.trace.events.filter((e) => e.type === 'deliver').map((e) => (e as { adv?: string }).adv ?? '-');
    expect(advMarks).toEqual(['tampered', '-', 'forged', 'replayed']);
    expect(sim.stats.droppedAdversary).toBe(1);
  });

  it('without an adversary the same run is clean', async () => {
    const { sim, got } = build();
    await sim.run({ until: 50 });
    expect(got.every((g) => g.endsWith(':clean'))).toBe(true);
    expect(got).toHaveLength(3);
  });
});
