/**
 * Offline benchmark: what the service worker of the built site (dist/) keeps for offline use,
 * by kind (files, bytes, gzip), and how long a first visit takes until all of it is cached
 * (median of several fresh browser profiles, local server, so transfer is near free).
 * Run with `npm run bench -- offline` after `npm run build`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { precacheEntries, summarize } from '../../src/offline/build.ts';
import { CHROMIUM_ARGS, findChromium } from '../support/browser.ts';
import { serveStatic } from '../support/static-server.ts';

const dist = process.env.FAULTLINES_DIST ?? 'dist';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
if (!existsSync(join(dist, 'sw.js'))) throw new Error(`no ${dist}/sw.js: run "npm run build" first`);

const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
const base = /base:"([^"]*)"/.exec(sw)?.[1] ?? '/';
const version = /version:"([^"]*)"/.exec(sw)?.[1] ?? '?';
const entries = precacheEntries(dist, base);
const gzip = new Map(entries.map((e) => [e.file, gzipSync(readFileSync(join(dist, e.file))).length]));
const { total, categories } = summarize(entries);

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`\nService worker precache (version ${version}, scope ${base}; sw.js ${kib(Buffer.byteLength(sw))})`);
console.log('| kind | files | bytes | size | gzip |');
console.log('| --- | ---: | ---: | ---: | ---: |');
const gz = (pred: (file: string) => boolean) => entries.filter((e) => pred(e.file)).reduce((n, e) => n + gzip.get(e.file)!, 0);
for (const c of [...categories, total]) {
  const files = new Set(summarizeFiles(c.name));
  const g = c.name === 'total' ? gz(() => true) : gz((f) => files.has(f));
  console.log(`| ${c.name} | ${c.files} | ${c.bytes} | ${kib(c.bytes)} | ${kib(g)} |`);
}

/** The files summarize() put in a category (it assigns each file to the first kind that fits). */
function summarizeFiles(name: string): string[] {
  return entries.filter((e) => summarize([e]).categories[0]?.name === name).map((e) => e.file);
}

const executablePath = findChromium();
if (executablePath) {
  const server = await serveStatic(dist, { prefix: base });
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const context = await browser.newContext({ serviceWorkers: 'allow' });
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(server.url + base, { waitUntil: 'load' });
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    times.push(performance.now() - t0);
    await context.close();
  }
  await browser.close();
  await server.close();
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`\nFirst visit until everything is cached (median of ${ROUNDS}, local server): ${Math.round(sorted[Math.floor(sorted.length / 2)]!)} ms`);
} else {
  console.log('\nFirst-visit timing skipped: no Chromium (set FAULTLINES_CHROMIUM)');
}
