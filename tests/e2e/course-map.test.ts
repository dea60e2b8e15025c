import { expect, test } from 'vitest';
import { chapterFacts } from '../support/content.ts';
import { describeInBrowser, openPage, useBrowser } from './helpers.ts';

const chapters = chapterFacts();

describeInBrowser('course map', () => {
  const browser = useBrowser();

  test('lists every chapter in reading order, each linking to its page', async () => {
    const { page, close } = await openPage(browser(), '/');
    const links = await page.locator('.chapter-card h3 a').evaluateAll((as) =>
      as.map((a) => ({ text: a.textContent?.trim() ?? '', href: a.getAttribute('href') })),
    );
    expect(links.map((l) => l.href)).toEqual(chapters.map((c) => `/chapters/${c.id}/`));
    chapters.forEach((c, i) => expect(links[i]!.text).toContain(c.title));
    await close();
  });

  test('shows progress from this browser: a chapter marked read on its page shows as read on the map', async () => {
    const first = chapters[0]!;
    const { page, close } = await openPage(browser(), `/chapters/${first.id}/`);
    const button = page.locator('[data-mark-read]');
    await expect.poll(() => button.getAttribute('aria-pressed')).toBe('false');
    await button.click();
    await expect.poll(() => button.getAttribute('aria-pressed')).toBe('true');
    await page.goto(new URL('/', page.url()).href);
    const badge = page.locator(`[data-chapter="${first.id}"] [data-progress="read"]`);
    await expect.poll(() => badge.getAttribute('data-done')).toBe('true');
    expect(await badge.textContent()).toContain('Read');
    await expect.poll(() => page.locator('[data-overall-text]').textContent()).toContain(`read 1 of ${chapters.length}`);
    await close();
  });

  test('unreadable stored progress neither breaks the page nor is thrown away', async () => {
    const garbage = '{"chapters": [not json';
    const { page, errors, close } = await openPage(browser(), '/', {
      localStorage: { 'faultlines:progress:v1': garbage },
    });
    await expect.poll(() => page.locator('[data-overall-text]').textContent()).toContain('read 0 of');
    const backups = await page.evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.startsWith('faultlines:progress:unreadable:'))
        .map((k) => localStorage.getItem(k)),
    );
    expect(backups).toEqual([garbage]);
    expect(errors).toEqual([]);
    await close();
  });
});
