import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { chapterFacts } from '../support/content.ts';
import { describeInBrowser, openPage, useBrowser } from './helpers.ts';

const chapters = chapterFacts();
const withCode = chapters.find((c) => /```(ts|typescript)\n/.test(c.body));

/** Colour of the first highlighted keyword token in the first code block, and its background. */
function codeColours(page: Page) {
  return page.evaluate(() => {
    const pre = document.querySelector('pre.astro-code')!;
    const spans = [...pre.querySelectorAll('span[style]')] as HTMLElement[];
    const colours = new Set(spans.map((s) => getComputedStyle(s).color));
    return { tokenColours: colours.size, background: getComputedStyle(pre).backgroundColor, first: getComputedStyle(spans[1]!).color };
  });
}

describeInBrowser('chapter page', () => {
  const browser = useBrowser();

  test('at least one chapter has a TypeScript code block to check highlighting with', () => {
    expect(withCode, 'add a ```ts block to a chapter').toBeDefined();
  });

  test('code is highlighted in the light theme and in the dark theme, with different colours', async () => {
    const light = await openPage(browser(), `/chapters/${withCode!.id}/`, { theme: 'light' });
    expect(await light.page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    const l = await codeColours(light.page);
    const dark = await openPage(browser(), `/chapters/${withCode!.id}/`, { theme: 'dark' });
    expect(await dark.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const d = await codeColours(dark.page);
    // Highlighted means several token colours, not one colour for all text.
    expect(l.tokenColours).toBeGreaterThan(3);
    expect(d.tokenColours).toBeGreaterThan(3);
    expect(d.background).not.toBe(l.background);
    expect(d.first).not.toBe(l.first);
    await light.close();
    await dark.close();
  });

  test('the theme toggle switches the theme and the choice survives a reload', async () => {
    const { page, close } = await openPage(browser(), `/chapters/${chapters[0]!.id}/`, { theme: 'light' });
    const toggle = page.locator('[data-theme-toggle]');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await close();
  });

  test('has a title, objectives, a table of contents whose links reach their headings, and next/previous links', async () => {
    const c = chapters[0]!;
    const { page, close } = await openPage(browser(), `/chapters/${c.id}/`);
    expect(await page.locator('h1').textContent()).toContain(c.title);
    expect(await page.locator('.objectives li').count()).toBeGreaterThan(0);
    const targets = await page.locator('[data-toc] a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).hash.slice(1)));
    expect(targets.length).toBeGreaterThan(2);
    for (const id of targets) expect(await page.locator(`[id="${id}"]`).count(), `heading #${id}`).toBe(1);
    const nav = page.locator('nav.prev-next a');
    expect(await nav.count()).toBeGreaterThan(0);
    await close();
  });

  for (const c of chapters.filter((ch) => ch.body.includes('<Quiz'))) {
    for (const width of [1280, 360]) {
      test(`${c.id} (${width} px): the table of contents has the quiz and the interview questions, in page order, and the quiz link reaches its heading`, async () => {
        const { page, errors, close } = await openPage(browser(), `/chapters/${c.id}/`, { width, height: 800 });
        // The wide sidebar or, on a phone, the collapsed list above the text.
        const toc = width >= 1100 ? page.locator('[data-toc]') : page.locator('details.toc-narrow');
        if (width < 1100) await toc.locator('summary').click();
        const entries = await toc.locator('a').evaluateAll((as) => as.map((a) => ({ text: a.textContent!.trim(), id: decodeURIComponent((a as HTMLAnchorElement).hash.slice(1)) })));
        const texts = entries.map((e) => e.text);
        expect(texts).toContain('Check yourself');
        expect(texts).toContain('In the interview');
        // Every target exists once, and the entries follow the page's order.
        const inOrder = await page.evaluate((ids) => {
          const els = ids.map((id) => document.querySelectorAll(`[id="${CSS.escape(id)}"]`));
          if (els.some((l) => l.length !== 1)) return `missing or repeated: ${ids.filter((_, i) => els[i]!.length !== 1).join(', ')}`;
          for (let i = 1; i < els.length; i++) {
            if (!(els[i - 1]![0]!.compareDocumentPosition(els[i]![0]!) & Node.DOCUMENT_POSITION_FOLLOWING)) return `#${ids[i]} comes before #${ids[i - 1]}`;
          }
          return 'ok';
        }, entries.map((e) => e.id));
        expect(inOrder).toBe('ok');
        const quiz = entries.find((e) => e.text === 'Check yourself')!;
        expect(await page.locator(`[id="${quiz.id}"]`).evaluate((h) => h.tagName + ' in ' + h.closest('section')?.className)).toBe('H2 in quiz');
        await toc.locator('a', { hasText: 'Check yourself' }).click();
        await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash.slice(1)))).toBe(quiz.id);
        // The heading is in view, below the sticky header, and the sidebar marks it as the current section.
        await expect.poll(() => page.locator(`[id="${quiz.id}"]`).evaluate((h) => Math.round(h.getBoundingClientRect().top))).toBeGreaterThanOrEqual(40);
        expect(await page.locator(`[id="${quiz.id}"]`).evaluate((h) => h.getBoundingClientRect().bottom < window.innerHeight / 2)).toBe(true);
        if (width >= 1100) await expect.poll(() => page.locator('[data-toc] a[aria-current]').textContent()).toBe('Check yourself');
        expect(errors).toEqual([]);
        await close();
      });
    }
  }

  test('the reading-progress bar follows the scroll position', async () => {
    const { page, close } = await openPage(browser(), `/chapters/${chapters[0]!.id}/`);
    const scale = () => page.locator('[data-reading-bar]').evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);
    await expect.poll(scale).toBeLessThan(0.05);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await expect.poll(scale).toBeGreaterThan(0.95);
    await close();
  });

  test('keyboard: the skip link is the first stop and moves focus to the content', async () => {
    const { page, close } = await openPage(browser(), `/chapters/${chapters[0]!.id}/`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
    await close();
  });
});
