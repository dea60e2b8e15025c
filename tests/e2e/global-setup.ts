/**
 * Starts what every end-to-end test shares: a static server over dist/ and one Chromium.
 * Without a browser the layer fails under CI=true and is skipped loudly elsewhere.
 */
import { existsSync } from 'node:fs';
import { chromium, type BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_ARGS, findChromium } from '../support/browser.ts';
import { serveStatic, type StaticServer } from '../support/static-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** Playwright endpoint of the shared Chromium, or '' when there is none. */
    wsEndpoint: string;
  }
}

let server: StaticServer | undefined;
let browser: BrowserServer | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dist = process.env.FAULTLINES_DIST ?? 'dist';
  if (!existsSync(`${dist}/index.html`)) {
    throw new Error(`End-to-end tests need a built site in ${dist}/: run "npm run build" first (npm test does).`);
  }
  const executablePath = findChromium();
  if (!executablePath) {
    const message =
      'No Chromium found (looked at $FAULTLINES_CHROMIUM, $CHROMIUM_PATH, /usr/bin/chromium). ' +
      'Install it with "apt-get install -y chromium" or point FAULTLINES_CHROMIUM at one.';
    if (process.env.CI) throw new Error(`${message} CI=true, so the browser tests cannot be skipped.`);
    const bar = '!'.repeat(78);
    console.warn(`\n${bar}\n  SKIPPING THE BROWSER TESTS. ${message}\n${bar}\n`);
    project.provide('wsEndpoint', '');
    project.provide('baseUrl', '');
    return async () => {};
  }
  server = await serveStatic(dist);
  browser = await chromium.launchServer({ executablePath, args: CHROMIUM_ARGS, headless: true });
  project.provide('baseUrl', server.url);
  project.provide('wsEndpoint', browser.wsEndpoint());
  return async () => {
    await browser?.close();
    await server?.close();
  };
}
