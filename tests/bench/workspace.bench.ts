/**
 * The lab workspace in Chromium: what a chapter page with a lab ships before the learner
 * opens it, what opening it loads, and "npm test" typed in the terminal to the summary
 * printed: cold (first run after the page loads) and warm (the run after). Needs dist/.
 */
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../support/browser.ts';
import { serveStatic } from '../support/static-server.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const executablePath = findChromium();
if (!executablePath) {
  console.log('workspace bench skipped: no Chromium (set FAULTLINES_CHROMIUM)');
  process.exit(0);
}
const LABS = [{ id: 'lamport-clocks', chapter: '/chapters/time-and-clocks/' }];
const server = await serveStatic('dist');
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });

function summaryPrinted(page: Page, runsBefore: number): Promise<unknown> {
  return page.waitForFunction((n) => {
    const t = (document.querySelector('[data-workspace]') as unknown as { xterm: { buffer: { active: { length: number; getLine(i: number): { translateToString(b: boolean): string } } } } }).xterm;
    const b = t.buffer.active;
    let count = 0;
    for (let i = 0; i < b.length; i++) if (/^\s*Duration\s/.test(b.getLine(i).translateToString(true))) count++;
    return count > n;
  }, runsBefore, { timeout: 30_000, polling: 'raf' });
}

async function typeNpmTest(page: Page, runsBefore: number): Promise<number> {
  await page.click('[data-workspace] .xterm');
  await page.keyboard.type('npm test');
  const t0 = await page.evaluate(() => performance.now());
  await page.keyboard.press('Enter');
  await summaryPrinted(page, runsBefore);
  return (await page.evaluate(() => performance.now())) - t0;
}

console.log('\nLab workspace in Chromium');
console.log('| lab | JS before opening | opening the lab (editor, terminal) | test runtime (on first use) | workspace total | npm test cold | warm | targets |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const lab of LABS) {
  const cold: number[] = [];
  const warm: number[] = [];
  let before = 0;
  let opened = 0;
  let runtimeJs = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const js: Buffer[] = [];
    let phase: 'page' | 'workspace' | 'runtime' = 'page';
    const sizes = { page: 0, workspace: 0, runtime: 0 };
    page.on('response', async (res) => {
      const type = res.request().resourceType();
      if (type !== 'script' && !res.url().endsWith('.js')) return;
      const body = await res.body().catch(() => Buffer.alloc(0));
      js.push(body);
      sizes[phase] += gzipSync(body).length;
    });
    await page.goto(server.url + lab.chapter, { waitUntil: 'networkidle' });
    phase = 'workspace';
    await page.click(`[data-lab="${lab.id}"] [data-lab-open]`);
    await page.waitForSelector('[data-workspace] .xterm');
    await page.waitForLoadState('networkidle');
    phase = 'runtime';
    cold.push(await typeNpmTest(page, 0));
    warm.push(await typeNpmTest(page, 1));
    await page.waitForLoadState('networkidle');
    before = sizes.page;
    opened = sizes.workspace;
    runtimeJs = sizes.runtime;
    await context.close();
  }
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const c = median(cold);
  const w = median(warm);
  const total = opened + runtimeJs;
  const verdict = (name: string, ok: boolean) => `${name}: ${ok ? 'met' : 'MISSED'}`;
  const targets = [
    verdict('before < 30 KB', before < 30 * 1024),
    verdict('workspace total < 350 KB', total < 350 * 1024),
    verdict('cold < 500 ms', c < 500),
    verdict('warm < 200 ms', w < 200),
  ].join('; ');
  console.log(`| ${lab.id} | ${kb(before)} | ${kb(opened)} | ${kb(runtimeJs)} | ${kb(total)} | ${c.toFixed(0)} ms | ${w.toFixed(0)} ms | ${targets} |`);
}
await browser.close();
await server.close();
