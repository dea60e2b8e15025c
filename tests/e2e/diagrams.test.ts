import { expect, test } from 'vitest';
import type { Locator } from 'playwright-core';
import { chapterFacts } from '../support/content.ts';
import { baseUrl, describeInBrowser, openPage, seriousViolations, useBrowser } from './helpers.ts';

const CLOCKS = '/chapters/time-and-clocks/';
const chaptersWithDiagrams = chapterFacts().filter((c) => c.body.includes('<RunDiagram'));

/** How a figure's diagram sits in its frame and in the viewport, as the reader sees it. */
function fitOf(fig: Locator) {
  return fig.evaluate((f) => {
    const scroll = f.querySelector<HTMLElement>('[data-scroll]')!;
    const svgs = [...scroll.querySelectorAll<SVGSVGElement>('svg.rd')].filter((s) => s.getBoundingClientRect().width > 0);
    const svg = svgs[0]!;
    const frame = scroll.getBoundingClientRect();
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    // Every piece of text (lane names, labels, the time axis, the legend) inside the frame.
    const outside = [...svg.querySelectorAll('text')]
      .filter((t) => t.textContent!.trim() !== '')
      .map((t) => ({ text: t.textContent!, r: t.getBoundingClientRect() }))
      .filter(({ r }) => r.left < frame.left - 1 || r.right > frame.right + 1 || r.right > window.innerWidth)
      .map(({ text, r }) => `"${text}" at ${Math.round(r.left)}–${Math.round(r.right)} px`);
    const smallest = Math.min(...[...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
    return {
      visibleSvgs: svgs.length,
      scrolls: scroll.scrollWidth > scroll.clientWidth + 1,
      lanes: [...svg.querySelectorAll('.heads .lane-name')].length,
      outside,
      smallest,
      // Labels cut short with an ellipsis: the layout ran out of room for them.
      truncated: [...svg.querySelectorAll('text.lbl, .op text')].map((t) => t.textContent!).filter((t) => t.endsWith('…')),
    };
  });
}

describeInBrowser('run diagrams', () => {
  const browser = useBrowser();

  test('the diagrams are there without JavaScript, with their text alternative', async () => {
    const context = await browser().newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(baseUrl + CLOCKS, { waitUntil: 'networkidle' });
    const figs = page.locator('figure.run-diagram');
    const n = await figs.count();
    expect(n).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < n; i++) {
      // Two layouts in the page (usual and phone), one shown.
      const svg = figs.nth(i).locator('svg.rd:visible');
      expect(await svg.count()).toBe(1);
      expect(await svg.locator('g.msg').count()).toBeGreaterThan(5);
      const box = await svg.boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(await figs.nth(i).locator('details.rd-text li').count()).toBeGreaterThan(5);
    }
    // Controls that need the script stay hidden without it.
    expect(await page.locator('[data-controls]').isVisible()).toBe(false);
    await context.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`no serious accessibility violations, and the interactive diagram answers the keyboard (${theme})`, async () => {
      const { page, errors, close } = await openPage(browser(), CLOCKS, { theme });
      const fig = page.locator('figure[data-run-diagram="interactive"]');
      await fig.scrollIntoViewIfNeeded();
      expect(await fig.locator('[data-controls]').isVisible()).toBe(true);
      const live = fig.locator('[data-live]');
      expect(await live.getAttribute('aria-live')).toBe('polite');
      const before = await live.textContent();
      await fig.locator('[data-scroll]').focus();
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => live.textContent()).not.toBe(before);
      const first = await live.textContent();
      expect(first).toMatch(/^Event 1 of \d+\. /);
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => live.textContent()).toMatch(/^Event 2 of \d+\. /);
      expect(await fig.locator('svg.rd .ring').count()).toBe(1);
      // The cone: past and future of the current event.
      await page.keyboard.press('c');
      await expect.poll(() => fig.locator('svg.rd.has-cone').count()).toBe(1);
      expect(await live.textContent()).toMatch(/causal past, solid.*causal future, dashed/);
      // Zoom in with the keyboard: the window gets shorter.
      const span = async () => fig.locator('svg.rd').evaluate((s) => Number(s.getAttribute('data-to')) - Number(s.getAttribute('data-from')));
      const whole = await span();
      await page.keyboard.press('+');
      await expect.poll(span).toBeLessThan(whole * 0.6);
      // Message arrows are focusable and show their payload.
      const arrow = fig.locator('svg.rd g.msg[tabindex="0"]').first();
      await arrow.focus();
      await expect.poll(() => fig.locator('[data-tip]').isVisible()).toBe(true);
      expect(await fig.locator('[data-tip] code').textContent()).toContain('"type":"chat"');
      // Node filter.
      await fig.locator('input[data-lane="n2"]').uncheck();
      await expect.poll(() => fig.locator('svg.rd .lane-name').allTextContents()).not.toContain('n2');
      // Colours come from the theme.
      const ink = await fig.locator('svg.rd .lane-name').first().evaluate((el) => getComputedStyle(el).fill);
      expect(ink).toBe(theme === 'dark' ? 'rgb(226, 230, 235)' : 'rgb(28, 33, 40)');
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await close();
    });
  }

  test('the first chapter shows a run with a timeout on a phone, laid out to fit the screen', async () => {
    const { page, close } = await openPage(browser(), '/chapters/what-makes-a-system-distributed/', { width: 360, height: 740 });
    expect(await page.locator('figure.run-diagram').count()).toBeGreaterThan(0);
    // The lost-reply run: a client operation that timed out, and messages the network lost.
    const fig = page.locator('figure.run-diagram:has(g.op.info:visible)').first();
    expect(await fig.locator('g.op.info:visible').count()).toBeGreaterThan(0);
    expect(await fig.locator('g.msg.drop:visible').count()).toBeGreaterThan(0);
    const fit = await fitOf(fig);
    expect(fit.visibleSvgs).toBe(1);
    expect(fit.scrolls).toBe(false);
    expect(fit.outside).toEqual([]);
    // The operations' labels (add 10, ? timeout, ✓ → 20) are whole.
    expect(fit.truncated).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await seriousViolations(page)).toEqual([]);
    await close();
  });

  for (const chapter of chaptersWithDiagrams) {
    test(`${chapter.id}: on a 360 px phone every diagram fits, every lane and label in view, text legible`, async () => {
      const { page, errors, close } = await openPage(browser(), `/chapters/${chapter.id}/`, { width: 360, height: 740 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      const figs = page.locator('figure.run-diagram');
      const n = await figs.count();
      expect(n).toBeGreaterThan(0);
      for (let i = 0; i < n; i++) {
        const fig = figs.nth(i);
        await fig.scrollIntoViewIfNeeded();
        const id = await fig.getAttribute('id');
        const fit = await fitOf(fig);
        expect(fit.visibleSvgs, `${id}: one layout shown`).toBe(1);
        expect(fit.lanes, `${id}: lanes`).toBeGreaterThan(1);
        // No sideways scrolling: a watcher lane on the right (failure detection) or the fifth
        // Raft node is on screen with the rest, and so are the labels beside it.
        expect(fit.scrolls, `${id}: scrolls sideways`).toBe(false);
        expect(fit.outside, `${id}: text outside the frame`).toEqual([]);
        expect(fit.truncated, `${id}: labels cut short`).toEqual([]);
        expect(fit.smallest, `${id}: smallest text, px`).toBeGreaterThanOrEqual(8.9);
      }
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await close();
    });
  }

  test('a diagram’s frame is a keyboard stop only while it has something to scroll', async () => {
    const { page, errors, close } = await openPage(browser(), '/chapters/consensus-leader-election/', { width: 1280, height: 800 });
    const frames = page.locator('figure[data-run-diagram="static"] [data-scroll]');
    const n = await frames.count();
    expect(n).toBeGreaterThan(0);
    const state = () =>
      frames.evaluateAll((fs) =>
        fs.map((f) => ({ scrolls: f.scrollWidth > f.clientWidth + 1, tabindex: f.getAttribute('tabindex'), role: f.getAttribute('role'), label: f.getAttribute('aria-label') })),
      );
    const noStop = { scrolls: false, tabindex: null, role: null, label: null };
    // The diagrams fit a laptop's column: Tab does not stop on their frames.
    await expect.poll(state).toEqual(Array(n).fill(noStop));
    // Narrower than the phone layout (a small window zoomed in): each frame scrolls, and is a
    // named region the keyboard can reach to scroll it.
    await page.setViewportSize({ width: 240, height: 700 });
    await expect.poll(async () => (await state()).map((s) => s.scrolls)).toEqual(Array(n).fill(true));
    await expect.poll(state).toEqual(
      Array(n)
        .fill(0)
        .map(() => ({ scrolls: true, tabindex: '0', role: 'region', label: expect.stringMatching(/^Diagram: Raft/) })),
    );
    // axe's scrollable-region-focusable among them.
    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(state).toEqual(Array(n).fill(noStop));
    expect(errors).toEqual([]);
    await close();
    // The interactive diagram's frame is where its keys work: it stays a stop.
    const clocks = await openPage(browser(), CLOCKS, { width: 1280, height: 800 });
    const frame = clocks.page.locator('figure[data-run-diagram="interactive"] [data-scroll]');
    expect(await frame.getAttribute('tabindex')).toBe('0');
    expect(await frame.getAttribute('role')).toBe('region');
    await clocks.close();
  });

  test('the usual layout on a laptop; the interactive diagram switches layouts when the window narrows and widens', async () => {
    const { page, errors, close } = await openPage(browser(), CLOCKS, { width: 1280, height: 800 });
    const widths = () =>
      page.locator('figure.run-diagram svg.rd:visible').evaluateAll((svgs) => svgs.map((s) => (s as SVGSVGElement).viewBox.baseVal.width));
    const wide = await widths();
    expect(wide.length).toBeGreaterThan(1);
    for (const w of wide) expect(w).toBeGreaterThan(420);
    const fig = page.locator('figure[data-run-diagram="interactive"]');
    const drawn = () => fig.locator('svg.rd').evaluate((s) => (s as SVGSVGElement).viewBox.baseVal.width);
    const usual = await drawn();
    await page.setViewportSize({ width: 360, height: 740 });
    await expect.poll(drawn).toBeLessThanOrEqual(370);
    for (const w of await widths()) expect(w).toBeLessThanOrEqual(370);
    expect((await fitOf(fig)).scrolls).toBe(false);
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(drawn).toBe(usual);
    expect(errors).toEqual([]);
    await close();
  });
});
