/** Every page, both themes, laptop and phone: no foreign requests, no errors, no serious axe violations. */
import { expect, test } from 'vitest';
import { chapterFacts } from '../support/content.ts';
import { describeInBrowser, openPage, seriousViolations, useBrowser } from './helpers.ts';

const pages = ['/', `/chapters/${chapterFacts()[0]!.id}/`, '/search/', '/no-such-page/'];
const views = [
  { theme: 'light', width: 1280, height: 720 },
  { theme: 'dark', width: 360, height: 740 },
  { theme: 'dark', width: 1280, height: 720 },
  { theme: 'light', width: 360, height: 740 },
] as const;

describeInBrowser('every page', () => {
  const browser = useBrowser();

  for (const path of pages) {
    for (const view of views) {
      test(`${path} in ${view.theme} at ${view.width}px: same-origin only, no errors, no serious axe violations`, async () => {
        const { page, errors, foreignRequests, close } = await openPage(browser(), path, view);
        expect(foreignRequests, 'requests to another origin').toEqual([]);
        expect(errors.filter((e) => !(path === '/no-such-page/' && e.includes('404'))), 'console errors').toEqual([]);
        expect(await seriousViolations(page)).toEqual([]);
        // Nothing sideways-scrolls the page at phone width.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);
        await close();
      });
    }
  }
});
