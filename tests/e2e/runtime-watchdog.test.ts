/**
 * A test that never yields (`while (true) {}`) cannot be stopped by Vitest's timeout. The
 * page-side watchdog must terminate the worker, blame that test, keep the page responsive,
 * and run the next (fixed) attempt in a fresh worker.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src/runtimes/browser/testing.ts';
import { readLab } from '../../src/runtimes/parity.ts';
import type { RunEvent, RunSummary } from '../../src/runtimes/runtime.ts';
import { describeInBrowser, useBrowser } from './helpers.ts';

type Win = {
  faultlinesReady?: boolean;
  faultlinesRuntime(o?: object): {
    reset(f: Record<string, string>): Promise<void>;
    update(p: string, c: string): Promise<void>;
    run(r: object, s: (e: RunEvent) => void): { done: Promise<RunSummary>; cancel(): void };
    workersStarted: number;
  };
  rt: ReturnType<Win['faultlinesRuntime']>;
  events: RunEvent[];
  done: Promise<RunSummary>;
  cancel: () => void;
};

describeInBrowser('browser lab runtime: watchdog', () => {
  const browser = useBrowser();
  let harness: Harness;
  let page: Page;

  beforeAll(async () => {
    harness = await startHarness();
    page = await browser().newPage();
    await page.goto(harness.url);
    await page.waitForFunction(() => (window as unknown as Win).faultlinesReady === true);
  });
  afterAll(async () => {
    await page?.close();
    await harness?.close();
  });

  /** Starts a run in the page without waiting for it. */
  async function start(request: object): Promise<void> {
    await page.evaluate((request) => {
      const w = window as unknown as Win;
      w.events = [];
      const handle = w.rt.run(request, (e) => w.events.push(e));
      w.done = handle.done;
      w.cancel = () => handle.cancel();
    }, request);
  }

  it('stops an endless loop, names the test, stays responsive, and recovers', async () => {
    const files = await readLab('tests/fixtures/runtime/hang');
    await page.evaluate(async (files) => {
      const w = window as unknown as Win;
      w.rt = w.faultlinesRuntime({ graceMs: 500 });
      await w.rt.reset(files);
    }, files);

    const testTimeout = 1000;
    const t0 = Date.now();
    await start({ kind: 'test', testTimeout });
    await page.waitForFunction(() =>
      (window as unknown as Win).events.some((e) => e.type === 'test-start' && e.fullName === 'loops forever'),
    );
    // The worker spins; the page does not.
    for (let i = 0; i < 3; i++) {
      const t = Date.now();
      expect(await page.evaluate(() => 6 * 7)).toBe(42);
      expect(Date.now() - t).toBeLessThan(250);
    }
    const summary = await page.evaluate(() => (window as unknown as Win).done);
    const elapsed = Date.now() - t0;
    const events = await page.evaluate(() => (window as unknown as Win).events);

    expect(elapsed).toBeLessThan(testTimeout + 500 + 1500);
    expect(events.find((e) => e.type === 'hung')).toMatchObject({ fullName: 'loops forever', reason: 'timeout', file: 'loop.test.ts' });
    expect(summary.state).toBe('fail');
    expect(summary.tests.map((t) => [t.fullName, t.state])).toEqual([
      ['finishes first', 'pass'],
      ['loops forever', 'fail'],
    ]);
    expect(summary.tests[1]!.errors[0]!.message).toBe('this test did not finish within 1500 ms: an infinite loop?');

    // Fix the loop; the next run uses a fresh worker (as every run does) and passes.
    const fixed = files['loop.ts']!.replace(/while \(true\) \{\s*n\+\+;\s*\}/, 'n++;');
    expect(fixed).not.toBe(files['loop.ts']);
    const next = await page.evaluate(async ({ fixed, testTimeout }) => {
      const w = window as unknown as Win;
      await w.rt.update('loop.ts', fixed);
      const events: RunEvent[] = [];
      const summary = await w.rt.run({ kind: 'test', testTimeout }, (e) => events.push(e)).done;
      return { summary, workers: w.rt.workersStarted };
    }, { fixed, testTimeout });
    // The hung run's worker, the next run's (the spare started when the first one was
    // stopped), and the spare started when that run ended.
    expect(next.workers).toBe(3);
    expect(next.summary).toMatchObject({ state: 'pass', passed: 3, failed: 0 });
  });

  it('cancel() stops a slow run at once and the next run works', async () => {
    const files = {
      'slow.test.ts': "import { it, expect } from 'vitest';\nit('waits', async () => { await new Promise((r) => setTimeout(r, 20_000)); });\n",
      'ok.test.ts': "import { it, expect } from 'vitest';\nit('ok', () => { expect(1 + 1).toBe(2); });\n",
    };
    await page.evaluate(async (files) => {
      const w = window as unknown as Win;
      w.rt = w.faultlinesRuntime();
      await w.rt.reset(files);
    }, files);
    await start({ kind: 'test', testTimeout: 30_000, files: ['slow.test.ts'] });
    await page.waitForFunction(() => (window as unknown as Win).events.some((e) => e.type === 'test-start'));
    const t = Date.now();
    const summary = await page.evaluate(() => {
      const w = window as unknown as Win;
      w.cancel();
      return w.done;
    });
    expect(Date.now() - t).toBeLessThan(1000);
    expect(summary.state).toBe('cancelled');
    const again = await page.evaluate(() => (window as unknown as Win).rt.run({ kind: 'test', files: ['ok.test.ts'] }, () => {}).done);
    expect(again).toMatchObject({ state: 'pass', passed: 1 });
  });
});
