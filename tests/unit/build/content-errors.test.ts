/**
 * Real builds of broken content: the build must fail, and its message must name the file
 * and the field, so an author can fix it without reading a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const work = mkdtempSync(join(tmpdir(), 'faultlines-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function buildFixture(name: string): { status: number | null; output: string } {
  const dir = `tests/fixtures/content/${name}`;
  const result = spawnSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build'], {
    encoding: 'utf8',
    env: {
      ...process.env,
      ASTRO_TELEMETRY_DISABLED: '1',
      FORCE_COLOR: '0',
      NO_COLOR: '1',
      FAULTLINES_CHAPTERS_DIR: `${dir}/chapters`,
      FAULTLINES_LABS_DIR: `${dir}/labs`,
      FAULTLINES_OUT_DIR: join(work, name, 'dist'),
      FAULTLINES_CACHE_DIR: join(work, name, 'cache'),
    },
    timeout: 120_000,
  });
  // Strip ANSI so assertions read the words a person sees.
  return { status: result.status, output: (result.stdout + result.stderr).replace(/\x1b\[[0-9;]*m/g, '') };
}

describe('a build of broken content fails and names the file and the field', { timeout: 120_000 }, () => {
  test('a field of the wrong type', () => {
    const { status, output } = buildFixture('bad-field');
    expect(status).not.toBe(0);
    expect(output).toContain('tests/fixtures/content/bad-field/chapters/broken.mdx');
    expect(output).toMatch(/minutes.*Expected type `"number"`, received `"string"`/);
  });

  test('a misspelt field name', () => {
    const { status, output } = buildFixture('misspelt-field');
    expect(status).not.toBe(0);
    expect(output).toContain('tests/fixtures/content/misspelt-field/chapters/typo.mdx');
    expect(output).toContain('objectves');
  });

  test('two chapters with the same order', () => {
    const { status, output } = buildFixture('duplicate-order');
    expect(status).not.toBe(0);
    expect(output).toMatch(
      /tests\/fixtures\/content\/duplicate-order\/chapters\/(first|second)\.mdx: field "order": 1 is already used by tests\/fixtures\/content\/duplicate-order\/chapters\/(first|second)\.mdx/,
    );
  });

  test('a chapter that embeds a lab that does not exist', () => {
    const { status, output } = buildFixture('unknown-lab');
    expect(status).not.toBe(0);
    expect(output).toContain(
      'tests/fixtures/content/unknown-lab/chapters/with-lab.mdx: field "labs[1]": unknown lab id "ghost-lab"; known labs: real-lab',
    );
  });
});
