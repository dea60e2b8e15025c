/**
 * The site behind a host that sends the headers of dist/_headers (Netlify, Cloudflare Pages, and
 * the nginx / Apache / Vercel snippets in README.md, which send the same): the pages are
 * cross-origin isolated from the first load, a page cannot `eval`, and yet the lab worker (which
 * takes its policy from its own response) runs the learner's code, and search's WebAssembly runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chapterFacts, distinctiveWord } from '../support/content.ts';
import { headersFromFile } from '../support/site-files.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';
import { describeInBrowser, hasBrowser, openPage, useBrowser } from './helpers.ts';
import { openLab, replaceEditorText, typeInTerminal } from './offline-helpers.ts';

const dist = process.env.FAULTLINES_DIST ?? 'dist';
const solution = readFileSync('labs/lamport-clocks/solution/lamport.ts', 'utf8');
let server: StaticServer | undefined;

beforeAll(async () => {
  if (hasBrowser) server = await serveStatic(dist, { headers: headersFromFile(readFileSync(join(dist, '_headers'), 'utf8')) });
});
afterAll(async () => {
  await server?.close();
});

describeInBrowser('with the headers of dist/_headers', () => {
  const browser = useBrowser();

  test('isolated from the first load; no eval in pages; the lab worker and search still run', async () => {
    const { page, errors, foreignRequests, close } = await openPage(browser(), '/chapters/time-and-clocks/', { baseUrl: server!.url });
    page.setDefaultTimeout(20_000);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // A string timer is eval: it runs later, as the page's own code (the DevTools protocol that
    // page.evaluate uses may eval whatever the policy says).
    const evalRan = await page.evaluate(async () => {
      const w = window as unknown as { __evalRan?: boolean; setTimeout(code: string, ms: number): number };
      w.setTimeout('window.__evalRan = true', 0);
      await new Promise((ok) => setTimeout(ok, 100));
      return w.__evalRan === true;
    });
    expect(evalRan, 'a page can eval').toBe(false);

    await openLab(page);
    await replaceEditorText(page, solution);
    await typeInTerminal(page, 'npm test', /Tests\s+(\d+) passed \(\1\)/);

    await page.goto(`${server!.url}/search/`, { waitUntil: 'load' });
    await page.locator('.pagefind-ui__search-input').fill(distinctiveWord(chapterFacts(), 0));
    await page.locator('.pagefind-ui__result-link', { hasText: chapterFacts()[0]!.title }).first().waitFor({ timeout: 10_000 });

    expect(foreignRequests).toEqual([]);
    // Expected: the refused eval above, and (isolated pages only) the lab runtime chooser's probe
    // for a WebContainer archive this build does not have (src/runtimes/webcontainer/boot.ts).
    expect(errors.filter((e) => !/unsafe-eval|evaluate a string/i.test(e) && !e.includes('/webcontainer/manifest.json'))).toEqual([]);
    await close();
  }, 60_000);
});
