import { describe, expect, it } from 'vitest';
import { checkHistory, registerModel } from '../../../src/checkers/index.ts';
import { describeRun, summarizeRun } from '../../../src/diagrams/describe.ts';
import { renderRunForLearner } from '../../../src/diagrams/learner.ts';
import { scenarios } from '../../../src/diagrams/scenarios/index.ts';
import { renderDiagram } from '../../../src/diagrams/svg.ts';
import { info, latency, ok, Simulation, traceFromJSON, traceToJSON, type Ctx, type NodeId, type SimNode } from '../../../src/sim/index.ts';
import { faultyGossip, workedExample } from './fixtures.ts';

describe('rendering', () => {
  it('is deterministic: the same trace gives the same bytes, also after a JSON round trip', async () => {
    const { trace } = await faultyGossip();
    const a = renderDiagram(trace).svg;
    const b = renderDiagram(traceFromJSON(traceToJSON(trace))).svg;
    expect(b).toBe(a);
    const { trace: again } = await faultyGossip();
    expect(renderDiagram(again).svg).toBe(a);
  });

  it('runs every scenario deterministically, and each one draws something', async () => {
    for (const [name, sc] of Object.entries(scenarios)) {
      const one = renderDiagram(await sc.run(3), { ...sc.options, ...(sc.annotate ? { annotate: sc.annotate } : {}) });
      const two = renderDiagram(await sc.run(3), { ...sc.options, ...(sc.annotate ? { annotate: sc.annotate } : {}) });
      expect(two.svg, name).toBe(one.svg);
      expect(one.layout.arrows.length, name).toBeGreaterThan(5);
      expect(one.svg).not.toMatch(/NaN|undefined|Infinity/);
    }
  });

  it('is accessible: role img, a title and a description; escapes text', () => {
    const t = workedExample();
    t.events[0] = { t: 1, type: 'log', node: 'B', text: '<b>&"x"' };
    const svg = renderDiagram(t, { title: 'A <run>', idPrefix: 'x1' }).svg;
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="x1-t x1-d"/);
    expect(svg).toContain('<title id="x1-t">A &lt;run&gt;</title>');
    expect(svg).toMatch(/<desc id="x1-d">A simulated run of 3 nodes \(A, B, C\)/);
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;&amp;&quot;x&quot;');
    // Interactive diagrams: a group whose arrows are keyboard-focusable buttons.
    const inter = renderDiagram(t, { focusable: true }).svg;
    expect(inter).toMatch(/^<svg [^>]*role="group"/);
    expect(inter.match(/<g class="rd-x msg[^"]*" data-msg="\d+"[^>]*tabindex="0" role="button" aria-label="/g)?.length).toBe(3);
  });

  it('uses only CSS classes and variables for colour, so both themes work', () => {
    const svg = renderDiagram(workedExample(), { embedStyle: false }).svg;
    expect(svg).not.toMatch(/(fill|stroke)="#/);
    expect(svg).not.toMatch(/style="/);
  });

  it('describes the run in plain words', async () => {
    const { trace } = await faultyGossip();
    const s = summarizeRun(trace);
    expect(s).toMatch(/^A simulated run of 3 nodes \(n1, n2, n3\) and 1 client \(c1\)/);
    expect(s).toMatch(/\d+ messages sent, \d+ delivered, \d+ lost \(.*\d+ by the network/);
    expect(s).toMatch(/lost \(.*\d+ by a partition.*\d+ to a crashed node/);
    expect(s).toContain('partition n1 | n2 n3 from 20 ms to 40 ms');
    expect(s).toContain('n2 crashed at 60 ms and restarted at 70 ms');
    expect(s).toContain('n1 paused from 75 ms to 80 ms');
    const d = describeRun(trace, { limit: 10 });
    expect(d.items).toHaveLength(10);
    expect(d.more).toBeGreaterThan(0);
    expect(d.html).toMatch(/^<p>A simulated run.*<\/p><ol class="rd-events"><li>0 ms: c1 invokes add 0 on n1<\/li>/);
    const w = describeRun(workedExample());
    expect(w.items).toContain('3 ms: A sends m1 #1 to B');
    expect(w.items).toContain('5 ms: B receives m1 #1 from A');
  });
});

// A register "replicated" on two nodes that never talk to each other: stale reads.
type RMsg = { type: 'write'; value: number } | { type: 'write_ok' } | { type: 'read' } | { type: 'read_ok'; value: number | null };
class Replica implements SimNode<RMsg> {
  ctx: Ctx<RMsg>;
  value: number | null = null;
  constructor(ctx: Ctx<RMsg>) {
    this.ctx = ctx;
  }
  onMessage(_from: NodeId, m: RMsg): void {
    if (m.type === 'write') {
      this.value = m.value;
      this.ctx.reply(m, { type: 'write_ok' });
    } else if (m.type === 'read') this.ctx.reply(m, { type: 'read_ok', value: this.value });
  }
}

describe('renderRunForLearner', () => {
  it('highlights the operations a linearizability failure cannot order', async () => {
    const sim = new Simulation<RMsg>({ seed: 4, network: { latency: latency.uniform(1, 3) } });
    sim.addNodes(['n1', 'n2'], (ctx) => new Replica(ctx));
    sim.addClient('c1', async (c) => {
      await c.invoke({ f: 'write', input: 1, to: 'n1', msg: { type: 'write', value: 1 }, interpret: (m) => (m.type === 'write_ok' ? ok(undefined) : info()) });
      await c.sleep(1); // equal times would count as concurrent
      await c.invoke({ f: 'read', to: 'n2', msg: { type: 'read' }, interpret: (m) => (m.type === 'read_ok' ? ok(m.value) : info()) });
    });
    await sim.run({ until: 50 });
    const r = checkHistory(registerModel(), sim.history);
    expect(r.verdict).toBe('not linearizable');
    const run = renderRunForLearner(sim.trace, { failure: { linearizability: r.failure!, nodes: ['n2'] }, testName: 'reads see writes', seed: 4 });
    expect(run.svg).toMatch(/^<svg [^>]*class="rd has-hl"/);
    expect(run.svg).toContain('<title id="learner-t">reads see writes: the run of seed 4</title>');
    expect(run.svg).toMatch(/<g class="rd-x op ok hl[^"]*" data-ev="\d+" data-end="\d+" data-op="1"/);
    expect(run.svg).toContain('✗ stuck');
    expect(run.explanation).toContain('Stuck at: c1 (process 0) operation 1: read');
    expect(run.text.html).toMatch(/^<p><strong>What went wrong:<\/strong>/);
    // Without a failure: a plain picture.
    const plain = renderRunForLearner(sim.trace, { testName: 't', seed: 4 });
    expect(plain.explanation).toBe('');
    expect(plain.svg).toMatch(/^<svg [^>]*class="rd"/);
  });
});
