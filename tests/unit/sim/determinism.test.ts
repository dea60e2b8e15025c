import { describe, expect, it } from 'vitest';
import { Simulation, determinismProbe, determinismProbeAsync, latency, traceHash, traceToJSON } from 'faultlines';
import type { Ctx, NodeId, SimNode, TraceEvent } from 'faultlines';

describe('determinism', () => {
  it('200 seeds, each run twice, give identical trace hashes (loss, dup, partitions, crashes, nemesis, adversary, async requests, clients)', async () => {
    const hashes = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const a = determinismProbe(seed) + '/' + (await determinismProbeAsync(seed));
      const b = determinismProbe(seed) + '/' + (await determinismProbeAsync(seed));
      expect(b, `seed ${seed}`).toBe(a);
      hashes.add(a);
    }
    // Different seeds must give different runs, or the test above would prove nothing.
    expect(hashes.size).toBeGreaterThan(195);
  }, 60_000);

  it('the same seed gives a byte-identical JSON trace', async () => {
    const run = async () => {
      const sim = buildPingPong(17, false);
      await sim.run({ until: 500 });
      return traceToJSON(sim.trace);
    };
    const a = await run();
    const b = await run();
    expect(a.length).toBeGreaterThan(1000);
    expect(b).toBe(a);
  });

  it('pins the probe hash for seed 1 (a change here means old seeds replay differently: bump TRACE_VERSION and tell learners)', () => {
    expect(determinismProbe(1)).toBe('d1140659d4362123');
  });

  it('logging does not change the network: streams are independent', async () => {
    const net = (evs: readonly TraceEvent[]) => evs.filter((e) => e.type === 'send' || e.type === 'deliver' || e.type === 'drop').map((e) => JSON.stringify(e));
    const quiet = buildPingPong(5, false);
    const chatty = buildPingPong(5, true);
    await quiet.run({ until: 400 });
    await chatty.run({ until: 400 });
    expect(chatty.trace.events.some((e) => e.type === 'log')).toBe(true);
    expect(net(chatty.trace.events)).toEqual(net(quiet.trace.events));
    expect(traceHash(chatty.trace)).not.toBe(traceHash(quiet.trace));
  });

  it('a node drawing extra random numbers does not change network randomness', () => {
    const run = (extra: number) => {
      const sim = new Simulation<Tick>({ seed: 9, network: { latency: latency.exponential(4), loss: 0.2 } });
      sim.addNodes(['a', 'b'], (ctx) => ({
        onStart() {
          ctx.setTimer(1, 'go');
        },
        onTimer() {
          for (let i = 0; i < extra; i++) ctx.random();
          ctx.send(ctx.peers[0]!, { type: 'tick' });
          ctx.setTimer(1, 'go');
        },
        onMessage() {},
      }));
      sim.runSync({ until: 200 });
      return sim.trace.events.filter((e) => e.type === 'deliver' || e.type === 'drop').map((e) => `${e.t}:${e.type}:${e.id}`);
    };
    expect(run(3)).toEqual(run(0));
  });
});

type Tick = { type: 'tick' };
type PP = { type: 'ping'; n: number } | { type: 'pong'; n: number };

function buildPingPong(seed: number, chatty: boolean): Simulation<PP> {
  const sim = new Simulation<PP>({ seed, network: { latency: latency.normal(5, 3), loss: 0.1, duplicate: 0.1 } });
  class Pinger implements SimNode<PP> {
    ctx: Ctx<PP>;
    n = 0;
    constructor(ctx: Ctx<PP>) {
      this.ctx = ctx;
    }
    async onStart() {
      while (true) {
        const to = this.ctx.peers[this.n % this.ctx.peers.length]!;
        try {
          const r = await this.ctx.request(to, { type: 'ping', n: this.n }, { timeoutMs: 20 });
          if (chatty) this.ctx.log('pong', r);
        } catch {
          if (chatty) this.ctx.log('timeout');
        }
        this.n++;
        await this.ctx.sleep(3);
      }
    }
    onMessage(_from: NodeId, msg: PP) {
      if (msg.type === 'ping') this.ctx.reply(msg, { type: 'pong', n: msg.n });
    }
  }
  sim.addNodes(['n1', 'n2', 'n3'], (ctx) => new Pinger(ctx));
  sim.schedule('at 100 partition n1 | n2,n3; at 200 heal; at 250 crash n2; at 300 restart n2');
  return sim;
}
