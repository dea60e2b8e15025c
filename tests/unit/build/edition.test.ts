/**
 * A real build of an edition (FAULTLINES_CHAPTERS): left-out chapters get no page, their labs no
 * bundle, the search index does not hold them, a prerequisite left out is named without a link,
 * and every link of the edition resolves.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, expect, test } from 'vitest';
import { chapterFacts } from '../../support/content.ts';
import { brokenLinks } from '../../support/site-files.ts';

const work = mkdtempSync(join(tmpdir(), 'faultlines-edition-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The chapter with a prerequisite: the edition keeps it and leaves its prerequisite out. */
function chosen(): { keep: string; prerequisite: string } {
  for (const f of readdirSync('content/chapters')) {
    const m = /^prerequisites:\s*\[([^\]]+)\]/m.exec(readFileSync(join('content/chapters', f), 'utf8'));
    if (m) return { keep: f.replace(/\.mdx$/, ''), prerequisite: m[1]!.split(',')[0]!.trim() };
  }
  throw new Error('no chapter has a prerequisite');
}

test('FAULTLINES_CHAPTERS builds only those chapters, with valid links and search', { timeout: 180_000 }, () => {
  const { keep, prerequisite } = chosen();
  const out = join(work, 'dist');
  const r = spawnSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build'], {
    encoding: 'utf8',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', FAULTLINES_CHAPTERS: keep, FAULTLINES_OUT_DIR: out, FAULTLINES_CACHE_DIR: join(work, 'cache') },
  });
  expect(r.status, r.stdout + r.stderr).toBe(0);

  const all = chapterFacts();
  const left = all.filter((c) => c.id !== keep);
  expect(readdirSync(join(out, 'chapters'))).toEqual([keep]);
  const map = readFileSync(join(out, 'index.html'), 'utf8');
  for (const c of left) expect(map).not.toContain(`/chapters/${c.id}/`);

  const page = readFileSync(join(out, 'chapters', keep, 'index.html'), 'utf8');
  const title = all.find((c) => c.id === prerequisite)!.title;
  expect(page).toContain(title);
  expect(page).toContain('not in this edition');
  expect(page).not.toContain(`/chapters/${prerequisite}/`);
  expect(brokenLinks(out)).toEqual([]);

  // Labs: only those of the chapter kept.
  const labs = existsSync(join(out, 'labs')) ? readdirSync(join(out, 'labs')) : [];
  for (const f of labs) {
    const bundle = JSON.parse(readFileSync(join(out, 'labs', f), 'utf8')) as { chapter: string };
    expect(bundle.chapter).toBe(keep);
  }

  // Search: the index holds the kept chapter only.
  const urls = readdirSync(join(out, 'pagefind/fragment')).map((f) => {
    const text = gunzipSync(readFileSync(join(out, 'pagefind/fragment', f))).toString('utf8');
    return /"url":"([^"]+)"/.exec(text)?.[1];
  });
  expect(urls.filter((u) => u?.startsWith('/chapters/'))).toEqual([`/chapters/${keep}/`]);

  // The service worker precaches what was built, nothing else.
  const sw = readFileSync(join(out, 'sw.js'), 'utf8');
  for (const c of left) expect(sw).not.toContain(`/chapters/${c.id}/`);
});
