/**
 * Same seed, same code, same run: the simulator's trace hash must be identical in Node and
 * in a real Chromium. The probe module is bundled for the browser and run in a page.
 */
import { build } from 'esbuild';
import { expect, test } from 'vitest';
import { determinismProbe, determinismProbeAsync } from '../../src/sim/probe.ts';
import { baseUrl, describeInBrowser, openPage, useBrowser } from './helpers.ts';

const SEEDS = Array.from({ length: 25 }, (_, i) => i * 7919 + 1);

async function probeBundle(): Promise<string> {
  const result = await build({
    entryPoints: ['src/sim/probe.ts'],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'probe',
    platform: 'browser',
    target: 'es2022',
    // The same minifier settings a page build uses; names kept for readable traces.
    minify: true,
    keepNames: true,
  });
  return result.outputFiles[0]!.text;
}

describeInBrowser('determinism across runtimes', () => {
  const browser = useBrowser();

  test('the same seeds give byte-identical trace hashes in Node and in Chromium (sync and async scenarios)', async () => {
    const code = await probeBundle();
    const inNode = await Promise.all(SEEDS.map(async (s) => [determinismProbe(s), await determinismProbeAsync(s)]));
    const { page, errors, close } = await openPage(browser(), '/');
    expect(baseUrl).not.toBe('');
    // Not addScriptTag: the page's Content-Security-Policy blocks inline scripts.
    await page.evaluate(`${code};\nwindow.probe = probe;`);
    const inBrowser = await page.evaluate(async (seeds) => {
      const p = (window as unknown as { probe: { determinismProbe(s: number): string; determinismProbeAsync(s: number): Promise<string> } }).probe;
      const out: string[][] = [];
      for (const s of seeds) out.push([p.determinismProbe(s), await p.determinismProbeAsync(s)]);
      return out;
    }, SEEDS);
    expect(inBrowser).toEqual(inNode);
    // And the hashes really depend on the seed: a constant would pass the comparison above.
    expect(new Set(inNode.map((h) => h[0])).size).toBe(SEEDS.length);
    expect(new Set(inNode.map((h) => h[1])).size).toBe(SEEDS.length);
    expect(errors).toEqual([]);
    await close();
  });
});
