import { expect, test } from 'vitest';
import { chapterFacts } from '../support/content.ts';
import { describeInBrowser, openPage, useBrowser } from './helpers.ts';

const chapters = chapterFacts();

/** A distinctive word from the body (not the title) of a chapter. */
function bodyWord(body: string, title: string): string {
  // Prose only: not MDX imports, components or code, which the index does not hold as words.
  const prose = body
    .replace(/^(import|export) .*$/gm, '')
    .replace(/```[\s\S]*?```/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/`[^`]*`/g, '');
  const words = prose.match(/\b[a-z]{9,}\b/g) ?? [];
  const word = words.find((w) => !title.toLowerCase().includes(w));
  if (!word) throw new Error('no long word in the chapter body');
  return word;
}

describeInBrowser('search', () => {
  const browser = useBrowser();

  test('finds a chapter by a word that appears only in its body', async () => {
    const c = chapters[0]!;
    const word = bodyWord(c.body, c.title);
    const { page, errors, foreignRequests, close } = await openPage(browser(), '/search/');
    const input = page.locator('.pagefind-ui__search-input');
    await input.fill(word);
    const result = page.locator('.pagefind-ui__result-link').first();
    await expect.poll(() => result.textContent(), { timeout: 10_000 }).toContain(c.title);
    expect(await result.getAttribute('href')).toContain(`/chapters/${c.id}/`);
    expect(errors).toEqual([]);
    expect(foreignRequests).toEqual([]);
    await close();
  });

  test('?q= in the address runs a search on arrival', async () => {
    const c = chapters[0]!;
    const { page, close } = await openPage(browser(), `/search/?q=${encodeURIComponent(bodyWord(c.body, c.title))}`);
    await expect.poll(() => page.locator('.pagefind-ui__result-link').first().textContent(), { timeout: 10_000 }).toContain(c.title);
    await close();
  });
});
