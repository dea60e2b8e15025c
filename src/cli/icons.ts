/**
 * Draws the web app icons from public/favicon.svg with the system Chromium (no network) into
 * public/icons/: icon-192.png and icon-512.png (the mark as it is, transparent corners),
 * maskable-192.png and maskable-512.png (the mark's lines on a full-bleed square, inside the
 * 80% safe zone that launchers may crop to), apple-touch-icon.png (180 px, full bleed).
 * The PNGs are committed; run this again after changing the favicon: npm run icons
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../tests/support/browser.ts';

const svg = readFileSync('public/favicon.svg', 'utf8');
const fill = /<rect[^>]*fill="(#[0-9a-f]{3,6})"/i.exec(svg)?.[1] ?? '#b3400b';
// Full bleed: the rounded plate becomes the whole square, the lines shrink into the safe zone.
const inner = svg.replace(/<rect[^>]*\/>/, '').replace(/^<svg[^>]*>|<\/svg>$/g, '');
const fullBleed = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="${fill}"/><g transform="translate(16 16) scale(0.72) translate(-16 -15)">${inner}</g></svg>`;

const executablePath = findChromium();
if (!executablePath) throw new Error('No Chromium: apt-get install -y chromium, or set FAULTLINES_CHROMIUM');
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
mkdirSync('public/icons', { recursive: true });
const jobs: [string, string, number][] = [
  ['icon-192.png', svg, 192],
  ['icon-512.png', svg, 512],
  ['maskable-192.png', fullBleed, 192],
  ['maskable-512.png', fullBleed, 512],
  ['apple-touch-icon.png', fullBleed, 180],
];
for (const [name, source, size] of jobs) {
  const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
  const sized = source.replace('<svg ', `<svg width="${size}" height="${size}" `);
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`);
  await page.screenshot({ path: `public/icons/${name}`, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  await page.close();
  console.log(`public/icons/${name}`);
}
await browser.close();
