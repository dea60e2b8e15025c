/**
 * Site benchmark: build time (median of several builds) and what a reader downloads, measured
 * in Chromium: JavaScript on a chapter page and on the course map, raw and gzipped.
 * Run with `npm run bench` (or `npx node tests/bench/site.bench.ts`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../support/browser.ts';
import { serveStatic } from '../support/static-server.ts';
import { chapterFacts } from '../support/content.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const work = mkdtempSync(join(tmpdir(), 'faultlines-bench-'));
const out = join(work, 'dist');
const times: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  rmSync(out, { recursive: true, force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build'], {
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', FAULTLINES_OUT_DIR: out, FAULTLINES_CACHE_DIR: join(work, 'cache') },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
  const t1 = performance.now();
  const p = spawnSync(process.execPath, ['node_modules/pagefind/lib/runner/bin.cjs', '--site', out, '--quiet'], { encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`pagefind failed:\n${p.stdout}\n${p.stderr}`);
  times.push(t1 - t0, performance.now() - t1);
}
const astroTimes = times.filter((_, i) => i % 2 === 0);
const pagefindTimes = times.filter((_, i) => i % 2 === 1);

interface Weight { js: number; jsGzip: number; jsFiles: number; total: number }
async function weigh(url: string, browser: import('playwright-core').Browser): Promise<Weight> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const bodies: Promise<{ type: string; body: Buffer }>[] = [];
  page.on('response', (res) => {
    bodies.push(res.body().then((body) => ({ type: res.request().resourceType(), body })).catch(() => ({ type: 'none', body: Buffer.alloc(0) })));
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  const all = await Promise.all(bodies);
  await context.close();
  const scripts = all.filter((b) => b.type === 'script');
  // Inline scripts count too: they are JavaScript the page ships.
  return {
    js: scripts.reduce((n, s) => n + s.body.length, 0),
    jsGzip: scripts.reduce((n, s) => n + gzipSync(s.body).length, 0),
    jsFiles: scripts.length,
    total: all.reduce((n, s) => n + s.body.length, 0),
  };
}

const rows: [string, string][] = [
  ['astro build (median of ' + ROUNDS + ')', `${(median(astroTimes) / 1000).toFixed(2)} s`],
  ['pagefind index (median)', `${(median(pagefindTimes) / 1000).toFixed(2)} s`],
];
const executablePath = findChromium();
if (executablePath) {
  const server = await serveStatic(out);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const chapter = chapterFacts()[0]!;
  for (const [label, path] of [['chapter page', `/chapters/${chapter.id}/`], ['course map', '/']] as const) {
    const w = await weigh(server.url + path, browser);
    const inline = await (async () => {
      const ctx = await browser.newContext();
      const pg = await ctx.newPage();
      await pg.goto(server.url + path);
      const n = await pg.evaluate(() => [...document.querySelectorAll('script:not([src])')].reduce((s, e) => s + (e.textContent?.length ?? 0), 0));
      await ctx.close();
      return n;
    })();
    rows.push([`${label}: JS files`, `${w.jsFiles} (+ ${inline} B inline)`]);
    rows.push([`${label}: JS bytes`, `${w.js} B raw, ${w.jsGzip} B gzip`]);
    rows.push([`${label}: all bytes`, `${(w.total / 1024).toFixed(1)} KiB`]);
  }
  await browser.close();
  await server.close();
} else {
  rows.push(['page weights', 'skipped: no Chromium (set FAULTLINES_CHROMIUM)']);
}
rmSync(work, { recursive: true, force: true });

const width = Math.max(...rows.map((r) => r[0].length));
console.log('\nSite');
console.log(`| ${'measure'.padEnd(width)} | value |`);
console.log(`| ${'-'.repeat(width)} | ----- |`);
for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);
