/**
 * Every built page (every .html file under dist/): no request to another origin, no console error,
 * no serious axe violation, under the Content-Security-Policy each page carries. The main
 * pages again in both themes, laptop and phone. And a static scan of every file: links resolve,
 * nothing references another origin.
 */
import { expect, test } from 'vitest';
import { chapterFacts } from '../support/content.ts';
import { brokenLinks, foreignLoads, pagePaths } from '../support/site-files.ts';
import { describeInBrowser, openPage, seriousViolations, useBrowser } from './helpers.ts';

const dist = process.env.FAULTLINES_DIST ?? 'dist';

test('every internal link and asset of every page resolves to a built file', () => {
  expect(brokenLinks(dist)).toEqual([]);
});

test('no page, style sheet or icon references another origin', () => {
  expect(foreignLoads(dist)).toEqual([]);
});

const pages = ['/', `/chapters/${chapterFacts()[0]!.id}/`, '/search/', '/no-such-page/'];
const views = [
  { theme: 'light', width: 1280, height: 720 },
  { theme: 'dark', width: 360, height: 740 },
  { theme: 'dark', width: 1280, height: 720 },
  { theme: 'light', width: 360, height: 740 },
] as const;
// Every other built page, once (the pages above get all four views).
const builtPages = pagePaths(dist)
  .map((p) => (p === '/404.html' ? '/no-such-page/' : p))
  .filter((p) => !pages.includes(p));

describeInBrowser('every page', () => {
  const browser = useBrowser();

  for (const path of builtPages) {
    test(`built page ${path}: same-origin only, no errors (CSP included), no serious axe violations`, async () => {
      const { page, errors, foreignRequests, close } = await openPage(browser(), path);
      expect(foreignRequests, 'requests to another origin').toEqual([]);
      expect(errors.filter((e) => !(path === '/no-such-page/' && e.includes('404'))), 'console errors').toEqual([]);
      expect(await seriousViolations(page)).toEqual([]);
      await close();
    });
  }

  for (const path of pages) {
    for (const view of views) {
      test(`${path} in ${view.theme} at ${view.width}px: same-origin only, no errors, no serious axe violations`, async () => {
        const { page, errors, foreignRequests, close } = await openPage(browser(), path, view);
        expect(foreignRequests, 'requests to another origin').toEqual([]);
        expect(errors.filter((e) => !(path === '/no-such-page/' && e.includes('404'))), 'console errors').toEqual([]);
        expect(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content')).toContain("script-src 'self'");
        expect(await seriousViolations(page)).toEqual([]);
        // Nothing sideways-scrolls the page at phone width.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);
        await close();
      });
    }
  }
});
