/**
 * Diagram benchmark: render a 10,000-event trace as a space-time diagram (SVG string), in
 * Node and in headless Chromium (the renderer bundled with esbuild), plus the text timeline
 * and a happened-before cone. Medians of several rounds. Target: the SVG in under 1 s in Chromium.
 * Run with `npm run bench -- diagrams` (or `npx node tests/bench/diagrams.bench.ts`).
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildCausality, causalCone } from '../../src/diagrams/causality.ts';
import { renderDiagram } from '../../src/diagrams/svg.ts';
import { textTimeline } from '../../src/diagrams/text-timeline.ts';
import { GossipNode, Simulation, latency, type GossipMsg, type Trace } from '../../src/sim/index.ts';
import { CHROMIUM_ARGS, findChromium } from '../support/browser.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const EVENTS = 10_000;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// A busy run: 6 gossiping nodes under loss, duplication, a partition and a crash.
async function bigTrace(): Promise<Trace> {
  const sim = new Simulation<GossipMsg>({ seed: 7, network: { latency: latency.uniform(1, 6), loss: 0.05, duplicate: 0.02, reorder: 0.1, reorderMs: 5 } });
  const ids = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
  sim.addNodes(ids, (ctx) => new GossipNode(ctx, 4));
  sim.addClient('c1', async (c) => {
    for (let i = 0; i < 200; i++) {
      await c.invoke({ f: 'add', input: i, to: ids[i % ids.length]!, msg: { type: 'add', value: i }, timeoutMs: 20 });
      await c.sleep(3);
    }
  });
  sim.schedule('at 100 partition n1,n2 | n3,n4,n5,n6; at 250 heal; at 300 crash n3; at 380 restart n3; at 420 pause n5; at 460 resume n5');
  await sim.runUntil(() => sim.trace.events.length >= EVENTS, { for: 5000 });
  const t = sim.trace;
  return { ...t, events: t.events.slice(0, EVENTS) };
}

const trace = await bigTrace();
const span = trace.events[trace.events.length - 1]!.t;
const rows: string[][] = [];
const row = (where: string, what: string, times: number[], extra: string) =>
  rows.push([where, what, median(times).toFixed(1), Math.min(...times).toFixed(1), Math.max(...times).toFixed(1), extra]);

// Node.
{
  const times: number[] = [];
  let bytes = 0;
  let arrows = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const r = renderDiagram(trace);
    times.push(performance.now() - t0);
    bytes = r.svg.length;
    arrows = r.layout.arrows.length;
  }
  row('node', 'SVG, whole run', times, `${(bytes / 1024).toFixed(0)} KB, ${arrows} arrows`);
  const win: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    renderDiagram(trace, { from: span * 0.4, to: span * 0.5 });
    win.push(performance.now() - t0);
  }
  row('node', 'SVG, 10% window', win, '');
  const tt: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    textTimeline(trace, { width: 120 });
    tt.push(performance.now() - t0);
  }
  row('node', 'text timeline', tt, '');
  const cone: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    causalCone(buildCausality(trace), Math.floor(trace.events.length / 2));
    cone.push(performance.now() - t0);
  }
  row('node', 'causality + one cone', cone, '');
}

// Chromium.
const executablePath = findChromium();
if (!executablePath) {
  console.log('No Chromium found (see tests/support/browser.ts): browser timings skipped.');
} else {
  const bundle = await build({
    stdin: {
      contents: `import { renderDiagram } from './src/diagrams/svg.ts'; import { buildCausality, causalCone } from './src/diagrams/causality.ts'; globalThis.__rd = { renderDiagram, buildCausality, causalCone };`,
      resolveDir: fileURLToPath(new URL('../..', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'silent',
  });
  const code = bundle.outputFiles[0]!.text;
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  const page = await browser.newPage();
  await page.setContent('<!doctype html><title>bench</title>');
  await page.addScriptTag({ content: code });
  const r = await page.evaluate(
    ({ json, rounds, span }) => {
      const rd = (globalThis as unknown as { __rd: { renderDiagram: (t: unknown, o?: object) => { svg: string }; buildCausality: (t: unknown) => unknown; causalCone: (c: unknown, i: number) => unknown } }).__rd;
      const t = JSON.parse(json);
      const whole: number[] = [];
      const win: number[] = [];
      const cone: number[] = [];
      let bytes = 0;
      for (let i = 0; i < rounds; i++) {
        let t0 = performance.now();
        bytes = rd.renderDiagram(t).svg.length;
        whole.push(performance.now() - t0);
        t0 = performance.now();
        rd.renderDiagram(t, { from: span * 0.4, to: span * 0.5 });
        win.push(performance.now() - t0);
        t0 = performance.now();
        rd.causalCone(rd.buildCausality(t), Math.floor(t.events.length / 2));
        cone.push(performance.now() - t0);
      }
      // And putting it on screen once: parse + layout of the SVG by the browser.
      const t0 = performance.now();
      document.body.innerHTML = rd.renderDiagram(t).svg;
      document.body.getBoundingClientRect();
      const paint = performance.now() - t0;
      return { whole, win, cone, bytes, paint };
    },
    { json: JSON.stringify(trace), rounds: ROUNDS, span },
  );
  row('chromium', 'SVG, whole run', r.whole, `${(r.bytes / 1024).toFixed(0)} KB`);
  row('chromium', 'SVG, 10% window', r.win, '');
  row('chromium', 'causality + one cone', r.cone, '');
  rows.push(['chromium', 'render + insert into DOM', r.paint.toFixed(1), '', '', 'once']);
  await browser.close();
  console.log(`renderer bundle: ${(code.length / 1024).toFixed(0)} KB minified`);
}

const head = ['where', 'what', 'median ms', 'min', 'max', ''];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => (i < 2 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(`Space-time diagrams of a ${trace.events.length}-event trace (${trace.nodes.length} nodes, ${span.toFixed(0)} ms), ${ROUNDS} rounds. Target: SVG < 1000 ms in Chromium.`);
console.log(line(head));
for (const r of rows) console.log(line(r));
const chromiumWhole = rows.find((r) => r[0] === 'chromium' && r[1] === 'SVG, whole run');
if (chromiumWhole && Number(chromiumWhole[2]) >= 1000) {
  console.error('FAIL: over the 1 s budget');
  process.exit(1);
}
