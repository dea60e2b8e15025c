/**
 * Offline: after one visit the service worker holds the whole course, and with the network gone
 * the pages, the search and the lab (with its tests) all still work, cross-origin isolated.
 * An update waits for the learner's "Reload". Runs against the shared build (dist/).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { writeServiceWorker } from '../../src/offline/build.ts';
import { chapterFacts, distinctiveWord } from '../support/content.ts';
import { serveStatic } from '../support/static-server.ts';
import { describeInBrowser, openPage, seriousViolations, useBrowser } from './helpers.ts';
import { openLab, replaceEditorText, serviceWorkerStatus, typeInTerminal } from './offline-helpers.ts';

const solution = readFileSync('labs/lamport-clocks/solution/lamport.ts', 'utf8');
const dist = process.env.FAULTLINES_DIST ?? 'dist';

describeInBrowser('offline', () => {
  const browser = useBrowser();

  test('after one visit: pages, search and the lab run with no network', async () => {
    const { page, context, errors, foreignRequests, close } = await openPage(browser(), '/', { serviceWorkers: 'allow' });
    page.setDefaultTimeout(20_000);
    const status = await serviceWorkerStatus(page);
    expect(status.cached, 'every file precached').toBe(status.files);
    expect(status.files).toBeGreaterThan(20);

    await context.setOffline(true);
    await page.reload({ waitUntil: 'load' });
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    // The service worker adds COOP and COEP: the page is cross-origin isolated (WebContainer-ready).
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

    // Navigate by links, as a reader does.
    const [first, second] = chapterFacts();
    await page.click(`main a[href$="/chapters/${first!.id}/"]`);
    await expect.poll(() => page.textContent('h1')).toBe(first!.title);
    if (second) {
      await page.click('a[rel="next"]');
      await expect.poll(() => page.textContent('h1')).toBe(second.title);
    }

    // Search: Pagefind's UI, index and WebAssembly all come from the cache.
    await page.click('.site-nav a[href$="/search/"]');
    const input = page.locator('.pagefind-ui__search-input');
    await input.fill(distinctiveWord(chapterFacts(), 0));
    await expect.poll(() => page.locator('.pagefind-ui__result-link').allTextContents(), { timeout: 10_000 }).toContainEqual(expect.stringContaining(first!.title));

    // An unknown page offline: the cached 404 page.
    const missing = await page.goto(new URL('/no-such-page/', page.url()).href);
    expect(missing?.status()).toBe(404);
    expect(await page.textContent('h1')).toContain('lost in transit');

    // The lab: bundle, editor, terminal, the runtime worker and Vitest, all offline.
    await page.goto(new URL('/chapters/time-and-clocks/', page.url()).href, { waitUntil: 'load' });
    await openLab(page);
    await replaceEditorText(page, solution);
    const passing = await typeInTerminal(page, 'npm test', /Tests\s+(\d+) passed \(\1\)/);
    expect(passing).not.toMatch(/\d+ failed/);

    expect(foreignRequests).toEqual([]);
    expect(errors.filter((e) => !e.includes('/no-such-page/'))).toEqual([]);
    await close();
  }, 90_000);

  test('a new version waits for the learner: a calm prompt, then Reload switches pages and bundles together', async () => {
    // A copy of the build, so it can be "deployed again" with a change.
    const copy = mkdtempSync(join(tmpdir(), 'faultlines-update-'));
    cpSync(dist, copy, { recursive: true });
    const server = await serveStatic(copy);
    try {
      const { page, errors, close } = await openPage(browser(), '/', { serviceWorkers: 'allow', baseUrl: server.url });
      const before = await serviceWorkerStatus(page);
      const heading = (await page.textContent('h1'))!;

      // Deploy a new version: a changed page, and the service worker that lists it.
      const index = join(copy, 'index.html');
      writeFileSync(index, readFileSync(index, 'utf8').replace(heading, `${heading} (new)`));
      const next = await writeServiceWorker(copy, { base: '/', isolation: true });
      expect(next.version).not.toBe(before.version);

      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
      const prompt = page.locator('[data-sw-update]');
      await prompt.waitFor({ timeout: 20_000 });
      await expect.poll(() => prompt.textContent()).toContain('A new version of the course is available');
      expect(await seriousViolations(page), 'axe, with the prompt showing').toEqual([]);
      // Until the learner says so, the old version keeps serving, even across a reload.
      expect(await page.textContent('h1')).toBe(heading);
      await page.reload({ waitUntil: 'load' });
      expect(await page.textContent('h1')).toBe(heading);
      await prompt.waitFor();

      // Keyboard only: Tab to Reload, press Enter.
      await page.locator('[data-sw-update] button', { hasText: 'Reload' }).focus();
      await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
      await expect.poll(() => page.textContent('h1')).toBe(`${heading} (new)`);
      expect(await page.locator('[data-sw-update]').count()).toBe(0);
      const after = await serviceWorkerStatus(page);
      expect(after.version).toBe(next.version);
      // One version's cache only: nothing of the old build is left to mix in.
      expect(await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('faultlines-')))).toEqual([`faultlines-${next.version}`]);
      expect(errors).toEqual([]);
      await close();
    } finally {
      await server.close();
      rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);
});
