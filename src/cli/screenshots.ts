/**
 * Screenshots of the built site for people to look at: every listed page, light and dark,
 * laptop (1280x720) and phone (360x740). Writes PNGs to test-results/screens/.
 * Usage: npm run build && npm run screenshots [-- /path/ ...]
 */
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../tests/support/browser.ts';
import { serveStatic } from '../../tests/support/static-server.ts';

const paths = process.argv.slice(2).length ? process.argv.slice(2) : ['/', '/chapters/what-makes-a-system-distributed/', '/search/?q=idempotent', '/missing/'];
const executablePath = findChromium();
if (!executablePath) throw new Error('No Chromium: apt-get install -y chromium, or set FAULTLINES_CHROMIUM');
const out = 'test-results/screens';
mkdirSync(out, { recursive: true });
const server = await serveStatic('dist');
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
const full = process.env.FULL_PAGE === '1';
for (const path of paths) {
  for (const theme of ['light', 'dark'] as const) {
    for (const [label, width, height] of [['laptop', 1280, 720], ['phone', 360, 740]] as const) {
      const context = await browser.newContext({ viewport: { width, height }, colorScheme: theme, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(server.url + path, { waitUntil: 'networkidle' });
      await page.waitForTimeout(300);
      const name = `${out}/${path.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '') || 'home'}-${theme}-${label}.png`;
      await page.screenshot({ path: name, fullPage: full });
      console.log(name);
      await context.close();
    }
  }
}
await browser.close();
await server.close();
