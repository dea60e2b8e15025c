/**
 * A build for a sub-path without solutions (FAULTLINES_BASE=/course/ FAULTLINES_SOLUTIONS=off),
 * served under /course/ like a GitHub Pages project site: every link stays under /course/ and
 * resolves, the service worker works there offline, and no reference solution is reachable.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chapterFacts, distinctiveWord } from '../support/content.ts';
import { brokenLinks, filesIn, foreignLoads } from '../support/site-files.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { describeInBrowser, hasBrowser, openPage, useBrowser } from './helpers.ts';
import { openLab, serviceWorkerStatus, typeInTerminal } from './offline-helpers.ts';

const BASE = '/course/';
const work = mkdtempSync(join(tmpdir(), 'faultlines-subpath-'));
const out = join(work, 'dist');
let server: StaticServer | undefined;

beforeAll(async () => {
  const r = spawnSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build'], {
    encoding: 'utf8',
    env: {
      ...process.env,
      ASTRO_TELEMETRY_DISABLED: '1',
      NODE_ENV: 'production', // Vitest sets NODE_ENV=test; build as `npm run build` does
      FAULTLINES_BASE: BASE,
      FAULTLINES_SOLUTIONS: 'off',
      FAULTLINES_OUT_DIR: out,
      FAULTLINES_CACHE_DIR: join(work, 'cache'),
    },
  });
  if (r.status !== 0) throw new Error(`the sub-path build failed:\n${r.stdout}\n${r.stderr}`);
  if (hasBrowser) server = await serveStatic(out, { prefix: BASE });
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Lines of a lab's solution that the starter, tests, support code and chapters do not show anyway. */
function solutionOnlyLines(labId: string): string[] {
  const dir = join('labs', labId);
  const read = (sub: string) => (existsSync(join(dir, sub)) ? filesIn(join(dir, sub)).map((f) => readFileSync(join(dir, sub, f), 'utf8')).join('\n') : '');
  const open = [read('starter'), read('tests'), read('support'), ...readdirSync('content/chapters').map((f) => readFileSync(join('content/chapters', f), 'utf8'))].join('\n');
  return read('solution')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length >= 20 && !open.includes(l));
}

test('every internal link and asset is under /course/ and resolves; nothing loads from another origin', () => {
  expect(brokenLinks(out, BASE)).toEqual([]);
  expect(foreignLoads(out)).toEqual([]);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.webmanifest'), 'utf8')) as { start_url: string; scope: string; icons: { src: string }[] };
  expect(manifest.start_url).toBe(BASE);
  expect(manifest.scope).toBe(BASE);
  for (const icon of manifest.icons) expect(existsSync(join(out, icon.src.slice(BASE.length)))).toBe(true);
  expect(readFileSync(join(out, "sw.js"), "utf8")).toMatch(/base:"\/course\/"/);
});

test('without solutions, no solution text is in any file of the build', () => {
  const labs = readdirSync(join(out, 'labs')).map((f) => f.replace(/\.json$/, ''));
  expect(labs.length).toBeGreaterThan(0);
  const built = filesIn(out).map((f) => readFileSync(join(out, f), 'latin1')).join('\n');
  for (const id of labs) {
    const bundle = JSON.parse(readFileSync(join(out, 'labs', `${id}.json`), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(bundle)).not.toContain('solution');
    const lines = solutionOnlyLines(id);
    expect(lines.length, `${id} has solution lines to look for`).toBeGreaterThan(0);
    expect(lines.filter((l) => built.includes(l)), `${id}: solution lines found in the build`).toEqual([]);
  }
});

describeInBrowser('under /course/', () => {
  const browser = useBrowser();

  test('the course works under the sub-path, then offline; the lab offers no solution', async () => {
    const site = server!.url;
    const { page, context, errors, foreignRequests, close } = await openPage(browser(), BASE, { serviceWorkers: 'allow', baseUrl: site });
    page.setDefaultTimeout(20_000);
    const status = await serviceWorkerStatus(page);
    expect(status.scope).toBe(`${site}${BASE}`);
    expect(status.cached).toBe(status.files);

    await context.setOffline(true);
    await page.reload({ waitUntil: 'load' });
    const [first] = chapterFacts();
    await page.click(`main a[href="${BASE}chapters/${first!.id}/"]`);
    await expect.poll(() => page.textContent('h1')).toBe(first!.title);
    await page.click(`.site-nav a[href="${BASE}search/"]`);
    await page.locator('.pagefind-ui__search-input').fill(distinctiveWord(chapterFacts(), 0));
    const result = page.locator('.pagefind-ui__result-link', { hasText: first!.title }).first();
    await result.waitFor({ timeout: 10_000 });
    expect(await result.getAttribute('href')).toContain(`${BASE}chapters/${first!.id}/`);

    await page.goto(`${site}${BASE}chapters/time-and-clocks/`, { waitUntil: 'load' });
    await openLab(page);
    expect(await page.locator('[data-workspace] button', { hasText: 'Compare with solution' }).count()).toBe(0);
    await typeInTerminal(page, 'npm test', /Tests\s+\d+ failed/);

    expect(foreignRequests).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  }, 90_000);
});
