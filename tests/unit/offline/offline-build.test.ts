/** The pieces of the offline build: base paths, the precache list, the headers, the policies. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { THEME_INIT_SCRIPT } from '../../../src/client/theme-init.ts';
import { withSlashes } from '../../../src/lib/base-path.ts';
import { headersFile, precacheEntries, summarize, writeServiceWorker } from '../../../src/offline/build.ts';
import { HEADER_CSP, PAGE_CSP } from '../../../src/offline/csp.ts';
import { COEP, isolationEnabled } from '../../../src/offline/isolation.ts';
import { shortVersion } from '../../../src/offline/version.ts';

const work = mkdtempSync(join(tmpdir(), 'faultlines-offline-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function site(files: Record<string, string>): string {
  const dir = mkdtempSync(join(work, 'dist-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('base path', () => {
  test('always a leading and a trailing slash', () => {
    expect(withSlashes(undefined)).toBe('/');
    expect(withSlashes('')).toBe('/');
    expect(withSlashes('/')).toBe('/');
    expect(withSlashes('course')).toBe('/course/');
    expect(withSlashes('/course')).toBe('/course/');
    expect(withSlashes('/a/b/')).toBe('/a/b/');
  });
});

describe('precache list', () => {
  const dist = site({
    'index.html': 'home',
    'chapters/x/index.html': 'chapter',
    'labs/l.json': '{}',
    '_astro/a.123.js': 'js',
    'pagefind/pagefind-ui.js': 'ui',
    'pagefind/pagefind-modular-ui.js': 'unused',
    'sw.js': 'old worker',
    '_headers': 'h',
  });

  test('every file the site loads, as URLs under the base, with its sha256; not the worker itself', () => {
    const entries = precacheEntries(dist, '/course/');
    expect(entries.map((e) => e.url)).toEqual(['/course/_astro/a.123.js', '/course/chapters/x/', '/course/', '/course/labs/l.json', '/course/pagefind/pagefind-ui.js']);
    const home = entries.find((e) => e.file === 'index.html')!;
    expect(home.integrity).toBe(`sha256-${createHash('sha256').update('home').digest('base64')}`);
    expect(home.bytes).toBe(4);
  });

  test('the summary adds up by kind', () => {
    const { total, categories } = summarize(precacheEntries(dist, '/'));
    expect(total).toEqual({ name: 'total', files: 5, bytes: 2 + 7 + 4 + 2 + 2 });
    expect(categories.find((c) => c.name === 'pages (HTML)')).toEqual({ name: 'pages (HTML)', files: 2, bytes: 11 });
  });

  test('sw.js carries the list and a version that changes with any file', async () => {
    const first = await writeServiceWorker(dist, { base: '/', isolation: true });
    const code = readFileSync(join(dist, 'sw.js'), 'utf8');
    expect(code).toContain(`"/chapters/x/"`);
    expect(code).toContain(first.version);
    expect(code).toContain(COEP);
    writeFileSync(join(dist, 'labs/l.json'), '{"changed":true}');
    const second = await writeServiceWorker(dist, { base: '/', isolation: true });
    expect(second.version).not.toBe(first.version);
  });
});

describe('headers and policies', () => {
  test('the page policy allows the inline theme script by its hash, and no eval', () => {
    const hash = createHash('sha256').update(THEME_INIT_SCRIPT).digest('base64');
    expect(PAGE_CSP).toContain(`'sha256-${hash}'`);
    expect(PAGE_CSP).not.toContain("'unsafe-eval'");
    expect(PAGE_CSP).not.toContain('frame-ancestors'); // ignored (with a console error) in a meta tag
    expect(HEADER_CSP).toContain("'unsafe-eval'"); // the lab worker takes this one
    for (const policy of [PAGE_CSP, HEADER_CSP]) expect(policy).not.toMatch(/https?:|\*/);
  });

  test('_headers: the policy, isolation when on, immutable assets, under the base', () => {
    const on = headersFile({ base: '/course/', isolation: true });
    expect(on).toContain(`/course/*\n  Content-Security-Policy: ${HEADER_CSP}`);
    expect(on).toContain(`Cross-Origin-Embedder-Policy: ${COEP}`);
    expect(on).toContain('/course/_astro/*\n  Cache-Control: public, max-age=31536000, immutable');
    expect(headersFile({ base: '/', isolation: false })).not.toContain('Cross-Origin');
  });

  test('README shows the same policy the build writes, for every server it documents', () => {
    const readme = readFileSync('README.md', 'utf8');
    const hosting = readme.slice(readme.indexOf('## Hosting'));
    expect(hosting.split(HEADER_CSP).length - 1, 'nginx, Apache and Vercel snippets').toBeGreaterThanOrEqual(3);
    expect(hosting).toContain(COEP);
  });

  test('isolation is on unless turned off, and only on or off', () => {
    expect(isolationEnabled({})).toBe(true);
    expect(isolationEnabled({ FAULTLINES_ISOLATION: 'off' })).toBe(false);
    expect(() => isolationEnabled({ FAULTLINES_ISOLATION: 'yes' })).toThrow(/use on or off/);
  });

  test('?v= versions are short and URL-safe', () => {
    expect(shortVersion('sha256-ab+/cdefghijklmnopq=')).toBe('ab-_cdefghijklmn');
  });
});

test('only a build made with FAULTLINES_WEBCONTAINER=on lets the page frame StackBlitz', async () => {
  const { pageCsp, headerCsp } = await import('../../../src/offline/csp.ts');
  for (const make of [pageCsp, headerCsp]) {
    expect(make({})).toMatch(/frame-src 'self'(;|$)/);
    expect(make({})).not.toContain('stackblitz');
    expect(make({ FAULTLINES_WEBCONTAINER: 'on' })).toMatch(/frame-src 'self' https:\/\/stackblitz\.com https:\/\/\*\.stackblitz\.com/);
  }
});
