/**
 * A hostile student in the page: the Lamport lab's starter plus a few lines that forge a
 * "done" message, rewrite results (from a Vitest import, from Vitest's globals), patch the
 * worker for later runs, or reach the network and code from elsewhere. For each, in the
 * built site served as a plain static server (no CSP headers), the page must show no pass,
 * no "Lab done", record no progress, and the next run of the untouched starter must fail
 * exactly as a clean starter run does. The reference solution still passes and is recorded.
 *
 * The last part checks the worker's realm directly (the harness worker, built like the
 * site's): what lab code finds missing, and that Vitest's state is not on any global.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runInPage, startHarness } from '../../src/runtimes/browser/testing.ts';
import { REMOVED_GLOBALS, REMOVED_NAVIGATOR } from '../../src/runtimes/browser/lockdown.ts';
import { describeInBrowser, openPage, useBrowser, type OpenedPage } from './helpers.ts';
import { hostileCases, LAMPORT_TESTS, SOLUTION, STARTER } from './page-hostile.ts';

const CHAPTER = '/chapters/time-and-clocks/';
const LAB_KEY = 'faultlines:lab:lamport-clocks:v1';
const PROGRESS_KEY = 'faultlines:progress:v1';
/** The chapter's other lab is done, so a pass of this one would mark the chapter's labs done. */
const OTHER_LAB_DONE = JSON.stringify({ version: 1, files: {}, updated: 1, passed: true, history: [], hintsShown: 0 });

/** The terminal's whole buffer (xterm draws only visible rows into the DOM), wrapped rows joined into their line. */
function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => {
    type Line = { isWrapped: boolean; translateToString(trim: boolean): string };
    const term = (document.querySelector('[data-workspace]') as unknown as { xterm: { buffer: { active: { length: number; getLine(i: number): Line | undefined } } } }).xterm;
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) {
      const line = b.getLine(i)!;
      const text = line.translateToString(!b.getLine(i + 1)?.isWrapped);
      if (line.isWrapped && lines.length) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    return lines.join('\n');
  });
}

/** Opens the Lamport lab, and remembers every "Lab done" toast the page ever shows. */
async function openLab(opened: OpenedPage): Promise<Page> {
  const { page } = opened;
  await page.evaluate(() => {
    const w = window as unknown as { labDoneSeen: number };
    w.labDoneSeen = 0;
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if ((n as HTMLElement).textContent?.includes('Lab done')) w.labDoneSeen++;
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.click('[data-lab="lamport-clocks"] [data-lab-open]');
  await page.waitForSelector('[data-workspace] .xterm', { timeout: 20_000 });
  return page;
}

async function replaceEditorText(page: Page, text: string): Promise<void> {
  await page.click('[data-workspace] .cm-content');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
}

interface RunOutcome {
  /** The status line: "N passed, M failed[, K errors]". */
  lastRun: string;
  /** The terminal output of this run. */
  output: string;
}

/** Polls `check` until it returns a value (also outside a test, unlike expect.poll). */
async function waitFor<T>(page: Page, what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await page.waitForTimeout(100);
  }
}

/** Runs `npm test` in the terminal and waits until the run is over. */
async function npmTest(page: Page): Promise<RunOutcome> {
  await page.click('[data-workspace] .xterm');
  const before = (await terminalText(page)).length;
  await page.keyboard.type('npm test');
  await page.keyboard.press('Enter');
  const output = await waitFor(page, 'the end of the run', async () => {
    const text = (await terminalText(page)).slice(Math.max(0, before - 10));
    return /Duration\s+\S/.test(text) ? text : undefined;
  });
  const lastRun = await waitFor(page, 'the status line', async () => {
    const text = (await page.textContent('[data-last-run]')) ?? '';
    return /Last run: \d+ passed, \d+ failed/.test(text) ? text : undefined;
  });
  return { lastRun: lastRun.replace(/^Last run: /, ''), output };
}

/** What the page recorded: the toast, the lab's saved state, the chapter's progress. */
async function recorded(page: Page): Promise<{ toasts: number; labPassed: boolean | undefined; chapterLabPassed: boolean | undefined }> {
  return page.evaluate(
    ({ LAB_KEY, PROGRESS_KEY }) => {
      const lab = JSON.parse(localStorage.getItem(LAB_KEY) ?? '{}') as { passed?: boolean };
      const progress = JSON.parse(localStorage.getItem(PROGRESS_KEY) ?? '{}') as { chapters?: Record<string, { labPassed?: boolean }> };
      return {
        toasts: (window as unknown as { labDoneSeen: number }).labDoneSeen,
        labPassed: lab.passed,
        chapterLabPassed: progress.chapters?.['time-and-clocks']?.labPassed,
      };
    },
    { LAB_KEY, PROGRESS_KEY },
  );
}

/** Records every request and WebSocket upgrade that reaches it. */
function startProbe(): Promise<{ url: string; hits: string[]; server: Server }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/javascript', 'access-control-allow-origin': '*' }).end('export {};');
  });
  server.on('upgrade', (req, socket) => {
    hits.push(`upgrade ${req.url ?? ''}`);
    socket.destroy();
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hostile-`, hits, server })));
}

describeInBrowser('the page is not fooled by lab code', () => {
  const browser = useBrowser();
  let probe: Awaited<ReturnType<typeof startProbe>>;
  /** A clean run of the untouched starter, for comparison. */
  let clean: RunOutcome;

  beforeAll(async () => {
    probe = await startProbe();
    const opened = await openPage(browser(), CHAPTER);
    const page = await openLab(opened);
    await replaceEditorText(page, STARTER);
    clean = await npmTest(page);
    expect(clean.lastRun).toMatch(/^\d+ passed, [1-9]\d* failed$/);
    await opened.close();
  }, 120_000);
  afterAll(async () => {
    await new Promise((ok) => probe?.server.close(ok));
  });

  for (const hostile of hostileCases) {
    test(`${hostile.name}: ${hostile.attack}`, async () => {
      const opened = await openPage(browser(), CHAPTER, { localStorage: { 'faultlines:lab:vector-clocks:v1': OTHER_LAB_DONE } });
      const page = await openLab(opened);
      await replaceEditorText(page, hostile.file(probe.url));
      const run = await npmTest(page);
      // No pass: some tests fail (or no test ran at all), and the terminal says so.
      expect(run.lastRun).not.toMatch(new RegExp(`^${LAMPORT_TESTS} passed, 0 failed$`));
      expect(run.output).not.toMatch(new RegExp(`Tests\\s+${LAMPORT_TESTS} passed \\(${LAMPORT_TESTS}\\)`));
      // The reporter wraps long lines to the terminal's width.
      if (hostile.says) expect(run.output.replace(/\s+/g, ' ')).toMatch(hostile.says);

      // The untouched starter, in the same page, fails exactly as in a clean page.
      await replaceEditorText(page, STARTER);
      const after = await npmTest(page);
      expect(after.lastRun).toBe(clean.lastRun);

      // Saved within a moment of the run (the workspace saves 250 ms after a change).
      await expect.poll(async () => (await recorded(page)).labPassed).toBe(false);
      const saved = await recorded(page);
      expect(saved.toasts).toBe(0);
      expect(saved.chapterLabPassed).not.toBe(true);
      expect(probe.hits).toEqual([]);
      expect(opened.foreignRequests.filter((u) => !u.startsWith(probe.url))).toEqual([]);
      await opened.close();
    }, 120_000);
  }

  test('the reference solution still passes and is recorded: Lab done', async () => {
    const opened = await openPage(browser(), CHAPTER, { localStorage: { 'faultlines:lab:vector-clocks:v1': OTHER_LAB_DONE } });
    const page = await openLab(opened);
    await replaceEditorText(page, SOLUTION);
    const run = await npmTest(page);
    expect(run.lastRun).toBe(`${LAMPORT_TESTS} passed, 0 failed`);
    await expect.poll(() => recorded(page)).toEqual({ toasts: 1, labPassed: true, chapterLabPassed: true });
    expect(opened.errors).toEqual([]);
    await opened.close();
  }, 120_000);

  test("in the worker, lab code finds no network, no code loading, no compiling of strings, and none of Vitest's state", async () => {
    const harness = await startHarness();
    const page = await browser().newPage();
    try {
      await page.goto(harness.url);
      const names = JSON.stringify(REMOVED_GLOBALS);
      const nav = JSON.stringify(REMOVED_NAVIGATOR);
      const files = {
        'probe.ts': `export const g: any = globalThis;\n`,
        'realm.test.ts': `import { expect, test } from 'vitest';
import { g } from './probe.ts';
test('removed globals are gone, also from the prototype chain', () => {
  const left = ${names}.filter((n: string) => n in g || (typeof g[n] !== 'undefined'));
  expect(left).toEqual([]);
  const navLeft = ${nav}.filter((n: string) => n in g.navigator);
  expect(navLeft).toEqual([]);
});
test('strings cannot be compiled', () => {
  expect(() => new Function('return 1')).toThrow(EvalError);
  expect(() => (function () {}).constructor('return 1')).toThrow(EvalError);
  expect(() => (async function () {}).constructor('return 1')).toThrow(EvalError);
  expect(() => (function* () {}).constructor('return 1')).toThrow(EvalError);
  expect(() => (async function* () {}).constructor('return 1')).toThrow(EvalError);
  expect(() => g.setTimeout('1', 0)).toThrow(EvalError);
  expect(typeof g.eval).toBe('undefined');
  expect((() => {}) instanceof Function).toBe(true);
});
test("no global leads to Vitest's state", () => {
  const keys = [...Object.getOwnPropertyNames(g), ...Object.getOwnPropertySymbols(g)].map(String);
  expect(keys.filter((k) => /vitest|jest|chai|matchers|expect/i.test(k))).toEqual([]);
  expect(g[Symbol.for('expect-global')]).toBeUndefined();
  expect(g[Symbol.for('$$jest-matchers-object')]).toBeUndefined();
});
test('timers still work', async () => {
  await new Promise((ok) => setTimeout(ok, 1));
});
`,
      };
      const { summary } = await runInPage(page, files, { kind: 'test', learnerFiles: ['probe.ts'] });
      expect(summary.tests.map((t) => [t.name, t.state, t.errors[0]?.message])).toEqual([
        ['removed globals are gone, also from the prototype chain', 'pass', undefined],
        ['strings cannot be compiled', 'pass', undefined],
        ["no global leads to Vitest's state", 'pass', undefined],
        ['timers still work', 'pass', undefined],
      ]);
    } finally {
      await page.close();
      await harness.close();
    }
  }, 120_000);
});
