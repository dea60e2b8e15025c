/** What every browser test needs: a page on the built site that records what went wrong. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, inject } from 'vitest';

export const baseUrl = inject('baseUrl');
const wsEndpoint = inject('wsEndpoint');
export const hasBrowser = wsEndpoint !== '';

/** describe() that is skipped (loudly, by global setup) when there is no browser outside CI. */
export const describeInBrowser = describe.skipIf(!hasBrowser);

let browser: Browser | undefined;
export function useBrowser(): () => Browser {
  beforeAll(async () => {
    if (hasBrowser) browser = await chromium.connect(wsEndpoint);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('browser not connected');
    return browser;
  };
}

export interface OpenOptions {
  theme?: 'light' | 'dark';
  width?: number;
  height?: number;
  /** Storage to put in place before any page script runs. */
  localStorage?: Record<string, string>;
  /**
   * 'block' (the default) keeps the site's service worker out, so each test sees the site as
   * served, without a background download of the whole course. tests/e2e/offline.test.ts allows it.
   */
  serviceWorkers?: 'allow' | 'block';
  /** The site's address, when not the shared server's. */
  baseUrl?: string;
}

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** console.error messages and uncaught exceptions. */
  errors: string[];
  /** Requests that left the site's origin. */
  foreignRequests: string[];
  close(): Promise<void>;
}

export async function openPage(browser: Browser, path: string, opts: OpenOptions = {}): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 720 },
    colorScheme: opts.theme ?? 'light',
    reducedMotion: 'reduce',
    serviceWorkers: opts.serviceWorkers ?? 'block',
  });
  if (opts.localStorage) {
    await context.addInitScript((entries: Record<string, string>) => {
      if (sessionStorage.getItem('__seeded')) return;
      sessionStorage.setItem('__seeded', '1');
      for (const [k, v] of Object.entries(entries)) localStorage.setItem(k, v);
    }, opts.localStorage);
  }
  const page = await context.newPage();
  const errors: string[] = [];
  const foreignRequests: string[] = [];
  const site = opts.baseUrl ?? baseUrl;
  const origin = new URL(site).origin;
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin) foreignRequests.push(url);
  });
  await page.goto(site + path, { waitUntil: 'networkidle' });
  return { page, context, errors, foreignRequests, close: () => context.close() };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's Content-Security-Policy allows no
  // inline script, and an injected <script> tag would be blocked (and logged as a violation).
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}`);
}
