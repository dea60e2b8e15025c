/**
 * Browser lab runtime benchmark: time from run() to the summary in headless Chromium, for
 * a cold runtime (a new runtime: worker start + first run), the next run at once ("next",
 * back to back), and a run after the learner paused for a second ("after pause": the usual
 * case, when the spare worker the runtime starts after each run is loaded and ready),
 * medians of several repetitions. Every run gets a fresh worker (nothing one run does
 * survives into the next), so no run reuses the JIT-warm code of the one before.
 * Targets (the product's, not yet met): cold < 300 ms, any later run < 120 ms.
 * Run with `npm run bench -- runtime` (or `npx node tests/bench/runtime.bench.ts`).
 */
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { buildWorker } from '../../src/runtimes/browser/build.ts';
import { runInPage, startHarness } from '../../src/runtimes/browser/testing.ts';
import { readLab } from '../../src/runtimes/parity.ts';
import { CHROMIUM_ARGS, findChromium } from '../support/browser.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
/** The learner's pause before the "after pause" run. */
const PAUSE_MS = 1000;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const labs: { name: string; files: Record<string, string> }[] = [
  { name: 'fixture counter', files: await readLab('tests/fixtures/runtime/counter') },
  { name: 'fixture modules', files: await readLab('tests/fixtures/runtime/modules') },
];
if (existsSync('src/labs/lab-folder.ts')) {
  const { listLabIds, loadLab } = await import('../../src/labs/lab-folder.ts');
  const { assembleLab } = await import('../../src/labs/assemble.ts');
  // Every real lab's reference solution: what a learner's "npm test" costs in the page.
  for (const id of listLabIds()) {
    const lab = loadLab(id);
    labs.push({ name: `${id} solution`, files: assembleLab({ files: lab.meta.files, support: lab.support, tests: lab.tests }, lab.solution) });
  }
}

const executablePath = findChromium();
if (!executablePath) throw new Error('No Chromium found (see tests/support/browser.ts).');
const worker = await buildWorker();
const harness = await startHarness();
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
const page = await browser.newPage();
await page.goto(harness.url);

const rows: string[][] = [];
for (const lab of labs) {
  const cold: number[] = [];
  const warm: number[] = [];
  const paused: number[] = [];
  let tests = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const first = await runInPage(page, lab.files, { kind: 'test', testTimeout: 10_000 }, { fresh: true });
    const second = await runInPage(page, lab.files, { kind: 'test', testTimeout: 10_000 });
    await new Promise((ok) => setTimeout(ok, PAUSE_MS));
    const third = await runInPage(page, lab.files, { kind: 'test', testTimeout: 10_000 });
    cold.push(first.ms);
    warm.push(second.ms);
    paused.push(third.ms);
    tests = first.summary.tests.length;
  }
  rows.push([lab.name, String(tests), cold[0]!.toFixed(0), median(cold).toFixed(0), median(warm).toFixed(0), median(paused).toFixed(0), Math.min(...cold).toFixed(0), Math.min(...paused).toFixed(0)]);
}
await browser.close();
await harness.close();

const head = ['lab', 'tests', 'first cold ms', 'cold median ms', 'next median ms', 'after pause median ms', 'cold min', 'after pause min'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(`Browser lab runtime, ${ROUNDS} rounds (cold = new runtime + first run; next = the next run at once; after pause = a run ${PAUSE_MS} ms later, on the ready spare). Targets: cold < 300, next and after pause < 120.`);
console.log(line(head));
for (const r of rows) console.log(line(r));
console.log(`worker bundle: ${(worker.bytes / 1024).toFixed(0)} KB, ${(gzipSync(worker.code).length / 1024).toFixed(0)} KB gzip (esbuild ${worker.buildMs} ms)`);
