/**
 * The runtime chooser in a real Chromium, on a machine that cannot reach StackBlitz:
 *
 * - default (auto) on a page that is not cross-origin isolated: the browser runtime, no
 *   request to another origin, @webcontainer/api never loaded;
 * - `?runtime=webcontainer` on such a page: the browser runtime, and the status line says why;
 * - auto on a cross-origin isolated page (COOP/COEP as the site's headers file and service
 *   worker send them) of a site that ships the WebContainer files: WebContainer is tried,
 *   cannot start (the page's CSP blocks StackBlitz's frame; without that CSP, StackBlitz does
 *   not answer and boot() times out), and the lab falls back to the browser runtime, says why
 *   in one line, and runs the tests. Only StackBlitz may be asked for anything.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildLabDeps } from '../../src/cli/webcontainer-deps.ts';
import { COEP, COOP } from '../../src/offline/isolation.ts';
import { ARCHIVE_FILE, MANIFEST_FILE } from '../../src/runtimes/webcontainer/project.ts';
import { baseUrl, describeInBrowser, openPage, useBrowser } from './helpers.ts';

const CHAPTER = '/chapters/time-and-clocks/';

function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const term = (document.querySelector('[data-workspace]') as unknown as { xterm: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } } } } }).xterm;
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i).translateToString(true));
    return lines.join('\n');
  });
}

/** The runtime part of the status line: its text (without the choice menu), state and reason. */
function runtimeStatus(page: Page): Promise<{ text: string; state: string; reason: string }> {
  return page.evaluate(() => {
    const item = document.querySelector<HTMLElement>('[data-workspace] [data-runtime]')!;
    return { text: (item.firstChild?.textContent ?? '').trim(), state: item.dataset.runtime ?? '', reason: item.title };
  });
}

/** Opens the Lamport lab, clicks "Run tests", waits for Vitest's summary in the terminal. */
async function runTests(page: Page, timeout: number): Promise<string> {
  await page.click('[data-lab="lamport-clocks"] [data-lab-open]');
  await page.waitForSelector('[data-workspace] .xterm', { timeout: 20_000 });
  await page.click('[data-workspace] .ws-primary');
  let text = '';
  await expect.poll(async () => /Tests\s+\d+ failed/.test((text = await terminalText(page))), { timeout }).toBe(true);
  return text;
}

/** Every script URL the page loaded. */
function scripts(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') urls.push(r.url());
  });
  return urls;
}

describeInBrowser('WebContainer runtime: choosing and falling back', () => {
  const browser = useBrowser();

  test('auto on a page that is not isolated: the browser runtime, nothing from another origin, no WebContainer code', async () => {
    const { page, errors, foreignRequests, close } = await openPage(browser(), CHAPTER);
    const loaded = scripts(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await runTests(page, 30_000);
    expect(await runtimeStatus(page)).toEqual({ text: 'Runtime: in this browser (offline)', state: 'browser', reason: 'this page is not cross-origin isolated' });
    expect(await page.locator('iframe').count()).toBe(0);
    expect(loaded.filter((u) => /\/boot\.[\w-]+\.js|webcontainer/i.test(u))).toEqual([]);
    expect(foreignRequests).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  }, 60_000);

  test('?runtime=webcontainer on a page that is not isolated: the browser runtime, and the status line says why', async () => {
    const { page, errors, foreignRequests, close } = await openPage(browser(), `${CHAPTER}?runtime=webcontainer`);
    await runTests(page, 30_000);
    expect(await runtimeStatus(page)).toMatchObject({ text: 'Running tests in this browser: this page is not cross-origin isolated', state: 'browser' });
    expect(await page.locator('[data-workspace] select.ws-runtime-choice').inputValue()).toBe('webcontainer');
    expect(foreignRequests).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  }, 60_000);

  describe('on a cross-origin isolated page of a site that ships the WebContainer files', () => {
    let server: Server;
    let site = '';
    let files = '';
    const served: string[] = [];

    /** A proxy over the shared static server that adds COOP/COEP, serves /webcontainer/, and can drop the page's CSP. */
    beforeAll(async () => {
      const built = await buildLabDeps();
      files = mkdtempSync(join(tmpdir(), 'faultlines-wc-site-'));
      writeFileSync(join(files, ARCHIVE_FILE), built.gz);
      writeFileSync(join(files, MANIFEST_FILE), JSON.stringify(built.manifest));
      server = createServer(async (req, res) => {
        const path = req.url ?? '/';
        served.push(path);
        const headers: Record<string, string> = { 'cross-origin-opener-policy': COOP, 'cross-origin-embedder-policy': COEP };
        if (path.startsWith('/webcontainer/')) {
          const name = path.slice('/webcontainer/'.length).split('?')[0]!;
          const body = name === ARCHIVE_FILE ? built.gz : name === MANIFEST_FILE ? JSON.stringify(built.manifest) : null;
          res.writeHead(body ? 200 : 404, { ...headers, 'content-type': name.endsWith('.json') ? 'application/json' : 'application/gzip' });
          res.end(body ?? 'Not found');
          return;
        }
        const upstream = await fetch(baseUrl + path);
        const type = upstream.headers.get('content-type') ?? 'application/octet-stream';
        let body: Buffer | string = Buffer.from(await upstream.arrayBuffer());
        if (type.startsWith('text/html') && new URL(path, 'http://x').searchParams.has('no-csp')) {
          body = body.toString('utf8').replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/i, '');
        }
        res.writeHead(upstream.status, { ...headers, 'content-type': type });
        res.end(body);
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      const address = server.address();
      site = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    }, 120_000);
    afterAll(async () => {
      await new Promise((ok) => server?.close(ok));
      if (files) rmSync(files, { recursive: true, force: true });
    });

    test('auto tries WebContainer, the CSP stops StackBlitz at once, and the tests run in the browser', async () => {
      const { page, errors, foreignRequests, close } = await openPage(browser(), CHAPTER, { baseUrl: site });
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      const t0 = Date.now();
      await runTests(page, 40_000);
      expect(Date.now() - t0).toBeLessThan(20_000); // no waiting for the boot timeout
      expect(await runtimeStatus(page)).toMatchObject({
        text: "Running tests in this browser: this site's Content-Security-Policy does not allow StackBlitz's frame",
        state: 'browser',
      });
      expect(served).toContain(`/webcontainer/${MANIFEST_FILE}`);
      expect(foreignRequests.filter((u) => new URL(u).hostname !== 'stackblitz.com')).toEqual([]);
      // The CSP violation is reported by Chromium as a console error; nothing else may be.
      expect(errors.filter((e) => !/Content Security Policy|frame-src|stackblitz/i.test(e))).toEqual([]);
      await close();
    }, 60_000);

    test('without that CSP, StackBlitz is asked (and only StackBlitz), boot() times out, the lab falls back and runs', async () => {
      const { page, errors, foreignRequests, close } = await openPage(browser(), `${CHAPTER}?no-csp`, { baseUrl: site });
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      const text = await runTests(page, 45_000);
      expect(text).toMatch(/Tests\s+\d+ failed/);
      expect(await runtimeStatus(page)).toMatchObject({ text: 'Running tests in this browser: WebContainer did not start within 20 s', state: 'browser' });
      expect(foreignRequests.length).toBeGreaterThan(0);
      expect(foreignRequests.filter((u) => new URL(u).hostname !== 'stackblitz.com')).toEqual([]);
      expect(errors.filter((e) => !/stackblitz|ERR_NAME_NOT_RESOLVED|net::/i.test(e))).toEqual([]);
      await close();
    }, 70_000);
  });
});
