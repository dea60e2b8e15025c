/**
 * Simulator benchmark. Run: `npx node tests/bench/sim.bench.ts [runs]`
 *
 * Standard scenario: 5 nodes gossiping ("hot potato" rumours with a hop budget, new
 * rumours from a 2 ms timer on every node) under 1% loss and uniform 1-5 ms latency,
 * until at least 1,000,000 deliveries. For each configuration it reports the median of
 * N runs (default 5): deliveries per second, events per second, and the ratio to a
 * bare event loop that does the same number of heap push/pop operations (a minimal
 * binary heap of {t, seq} objects, defined below) with nothing else.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Simulation, latency } from '../../src/sim/index.ts';
import type { Ctx, NodeId, SimNode, SimOptions, TraceLevel } from '../../src/sim/index.ts';

type BMsg = { type: 'gossip'; ttl: number; n: number };

class BenchNode implements SimNode<BMsg> {
  ctx: Ctx<BMsg>;
  known = 0;
  constructor(ctx: Ctx<BMsg>) {
    this.ctx = ctx;
  }
  onStart(): void {
    this.ctx.setTimer(2, 'tick');
  }
  onTimer(): void {
    this.known++;
    this.forward(20);
    this.forward(20);
    this.ctx.setTimer(2, 'tick');
  }
  onMessage(_from: NodeId, msg: BMsg): void {
    if (msg.n > this.known) this.known = msg.n;
    if (msg.ttl > 0) this.forward(msg.ttl - 1);
  }
  private forward(ttl: number): void {
    const peers = this.ctx.peers;
    const to = peers[Math.floor(this.ctx.random() * peers.length)]!;
    this.ctx.send(to, { type: 'gossip', ttl, n: this.known });
  }
}

const TARGET = 1_000_000;

// Collect garbage between measurements so one run's garbage is not billed to the next.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface SimRun {
  seconds: number;
  deliveries: number;
  events: number;
  heapSize: number;
  traceEvents: number;
}

function runSim(trace: TraceLevel, messageCopy: SimOptions['messageCopy']): SimRun {
  const sim = new Simulation<BMsg>({ seed: 42, trace, messageCopy, network: { latency: latency.uniform(1, 5), loss: 0.01 } });
  sim.addNodes(['n1', 'n2', 'n3', 'n4', 'n5'], (ctx) => new BenchNode(ctx));
  gc();
  let heapSum = 0;
  let samples = 0;
  const t0 = performance.now();
  let until = 0;
  while (sim.stats.delivered < TARGET) {
    until += 500;
    sim.runSync({ until });
    heapSum += sim.pendingEvents;
    samples++;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, deliveries: sim.stats.delivered, events: sim.stats.events, heapSize: Math.round(heapSum / samples), traceEvents: sim.trace.events.length };
}

// ---------------------------------------------------------------- bare loop

class BareEv {
  t: number;
  seq: number;
  constructor(t: number, seq: number) {
    this.t = t;
    this.seq = seq;
  }
}

function barePush(a: BareEv[], x: BareEv): void {
  let i = a.length;
  a.push(x);
  while (i > 0) {
    const p = (i - 1) >> 1;
    const y = a[p]!;
    if (y.t < x.t || (y.t === x.t && y.seq < x.seq)) break;
    a[i] = y;
    i = p;
  }
  a[i] = x;
}

function barePop(a: BareEv[]): BareEv {
  const top = a[0]!;
  const last = a.pop()!;
  const m = a.length;
  if (m === 0) return top;
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= m) break;
    let y = a[c]!;
    if (c + 1 < m) {
      const z = a[c + 1]!;
      if (z.t < y.t || (z.t === y.t && z.seq < y.seq)) {
        c++;
        y = z;
      }
    }
    if (last.t < y.t || (last.t === y.t && last.seq < y.seq)) break;
    a[i] = y;
    i = c;
  }
  a[i] = last;
  return top;
}

/** Pop one event, push one event with a pseudo-random delay: `ops` times, heap of `size`. */
function runBare(ops: number, size: number): number {
  const a: BareEv[] = [];
  let x = 123456789;
  let seq = 0;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    barePush(a, new BareEv((x >>> 0) % 5000, ++seq));
  }
  gc();
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) {
    const e = barePop(a);
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    barePush(a, new BareEv(e.t + 1000 + ((x >>> 0) % 4000), ++seq));
  }
  const s = (performance.now() - t0) / 1000;
  if (a.length !== size) throw new Error('bare heap size changed');
  return s;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const runs = Number(process.argv[2] ?? 5);
const configs: { name: string; trace: TraceLevel; copy: SimOptions['messageCopy'] }[] = [
  { name: "trace 'off', messageCopy 'none'", trace: 'off', copy: 'none' },
  { name: "trace 'off', messageCopy 'clone' (default copy)", trace: 'off', copy: 'clone' },
  { name: "trace 'summary', messageCopy 'clone'", trace: 'summary', copy: 'clone' },
  { name: "trace 'full', messageCopy 'clone' (defaults)", trace: 'full', copy: 'clone' },
];

console.log(`Fault Lines simulator benchmark: 5-node gossip, 1% loss, >= ${TARGET.toLocaleString('en-US')} deliveries, median of ${runs} runs (Node ${process.versions.node})\n`);
console.log('| configuration | deliveries | events | deliveries/s | events/s | bare loop events/s | sim / bare |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
runBare(1_000_000, 500); // warm-up
for (const c of configs) {
  runSim(c.trace, c.copy); // warm-up
  const dps: number[] = [];
  const eps: number[] = [];
  const bare: number[] = [];
  const ratio: number[] = [];
  let last: SimRun | undefined;
  for (let i = 0; i < runs; i++) {
    const r = runSim(c.trace, c.copy);
    const b = runBare(r.events, r.heapSize);
    dps.push(r.deliveries / r.seconds);
    eps.push(r.events / r.seconds);
    bare.push(r.events / b);
    ratio.push(b / r.seconds);
    last = r;
  }
  const f = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log(
    `| ${c.name} | ${f(last!.deliveries)} | ${f(last!.events)} | ${f(median(dps))} | ${f(median(eps))} | ${f(median(bare))} | ${(median(ratio) * 100).toFixed(1)}% |`,
  );
}
console.log('\n"sim / bare" = time of a bare heap loop doing the same number of push/pop operations (same average heap size) divided by the simulator time.');
