import { expect, test } from 'vitest';
import { baseUrl, describeInBrowser, openPage, seriousViolations, useBrowser } from './helpers.ts';

const CLOCKS = '/chapters/time-and-clocks/';

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
      const svg = figs.nth(i).locator('svg.rd');
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

  test('the first chapter shows a run with a timeout on a phone, scrolling sideways rather than shrinking', async () => {
    const { page, close } = await openPage(browser(), '/chapters/what-makes-a-system-distributed/', { width: 360, height: 740 });
    expect(await page.locator('figure.run-diagram').count()).toBeGreaterThan(0);
    // The lost-reply run: a client operation that timed out, and messages the network lost.
    const fig = page.locator('figure.run-diagram:has(g.op.info)').first();
    expect(await fig.locator('g.op.info').count()).toBeGreaterThan(0);
    expect(await fig.locator('g.msg.drop').count()).toBeGreaterThan(0);
    const { scrollW, clientW, svgW, vbW } = await fig.locator('[data-scroll]').evaluate((el) => ({
      scrollW: el.scrollWidth,
      clientW: el.clientWidth,
      svgW: el.querySelector('svg')!.getBoundingClientRect().width,
      vbW: (el.querySelector('svg') as SVGSVGElement).viewBox.baseVal.width,
    }));
    // Never shrunk below 0.8x; wider than that, it scrolls inside its frame.
    expect(svgW / vbW).toBeGreaterThanOrEqual(0.79);
    if (vbW * 0.8 > clientW) expect(scrollW).toBeGreaterThan(clientW);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await seriousViolations(page)).toEqual([]);
    await close();
  });
});
