/** A build made with FAULTLINES_SOLUTIONS=off ships no reference solution, and no way to see one. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const work = mkdtempSync(join(tmpdir(), 'faultlines-nosolutions-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

test('FAULTLINES_SOLUTIONS=off leaves solutions out of the lab bundles and the pages', { timeout: 120_000 }, () => {
  const out = join(work, 'dist');
  const r = spawnSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build'], {
    encoding: 'utf8',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', FAULTLINES_SOLUTIONS: 'off', FAULTLINES_OUT_DIR: out, FAULTLINES_CACHE_DIR: join(work, 'cache') },
  });
  expect(r.status, r.stderr).toBe(0);
  const bundle = JSON.parse(readFileSync(join(out, 'labs/lamport-clocks.json'), 'utf8')) as Record<string, unknown>;
  expect(Object.keys(bundle)).not.toContain('solution');
  expect(bundle.starter).toBeDefined();
  const solution = readFileSync('labs/lamport-clocks/solution/lamport.ts', 'utf8');
  const marker = 'this.time = Math.max(this.time, messageTs) + 1;';
  expect(solution).toContain(marker);
  expect(readFileSync(join(out, 'labs/lamport-clocks.json'), 'utf8')).not.toContain(marker);
  const page = readFileSync(join(out, 'chapters/time-and-clocks/index.html'), 'utf8');
  expect(page).toContain('data-solutions="off"');
  expect(existsSync(join(out, 'index.html'))).toBe(true);
});
