/**
 * After `astro build` (see integration.ts): lists the built files with their sha256, compiles
 * the service worker with that list, writes the headers file, and sums up what the service
 * worker keeps for offline use. Node only.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { HEADER_CSP } from './csp.ts';
import { COEP, COOP } from './isolation.ts';
import type { ServiceWorkerConfig } from './sw.ts';

export interface PrecacheEntry {
  /** Absolute URL path, with the base: '/course/chapters/x/' for chapters/x/index.html. */
  url: string;
  /** Path inside dist/, with forward slashes. */
  file: string;
  bytes: number;
  /** Subresource Integrity value: 'sha256-…'. */
  integrity: string;
}

/** Files the site never loads: not precached. */
const SKIP: RegExp[] = [
  /^sw\.js$/,
  /^_headers$/,
  /^_redirects$/,
  /\.map$/,
  /(^|\/)\.DS_Store$/,
  // Pagefind writes UIs the site does not use (it loads pagefind-ui.js), and a playground.
  /^pagefind\/(pagefind-component-ui|pagefind-modular-ui|pagefind-highlight)\.(js|css)$/,
  /^pagefind\/playground\//,
  // `npm run build:webcontainer` output (MBs, and WebContainer needs the network anyway).
  /^webcontainer\//,
];

function walk(dir: string, root: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, root, out);
    else out.push(relative(root, full).split(sep).join('/'));
  }
}

/** Every file the service worker keeps, in a stable order. */
export function precacheEntries(dist: string, base: string): PrecacheEntry[] {
  const files: string[] = [];
  walk(dist, dist, files);
  return files
    .filter((f) => !SKIP.some((re) => re.test(f)))
    .map((file) => {
      const body = readFileSync(join(dist, file));
      const path = file === 'index.html' ? '' : file.endsWith('/index.html') ? file.slice(0, -'index.html'.length) : file;
      return {
        url: base + path,
        file,
        bytes: body.length,
        integrity: `sha256-${createHash('sha256').update(body).digest('base64')}`,
      };
    });
}

export interface CategorySummary {
  name: string;
  files: number;
  bytes: number;
}

const CATEGORIES: [string, (file: string) => boolean][] = [
  ['pages (HTML)', (f) => f.endsWith('.html')],
  ['lab bundles', (f) => /^labs\/.*\.json$/.test(f)],
  ['search index (Pagefind)', (f) => f.startsWith('pagefind/')],
  ['lab runtime worker', (f) => /^_astro\/worker[-.].*\.js$/.test(f)],
  ['scripts', (f) => f.endsWith('.js')],
  ['styles', (f) => f.endsWith('.css')],
  ['fonts', (f) => f.endsWith('.woff2') || f.endsWith('.woff')],
  ['icons and manifest', (f) => /\.(png|svg|ico|webmanifest)$/.test(f)],
  ['other', () => true],
];

export function summarize(entries: PrecacheEntry[]): { total: CategorySummary; categories: CategorySummary[] } {
  const categories = CATEGORIES.map(([name]) => ({ name, files: 0, bytes: 0 }));
  for (const e of entries) {
    const i = CATEGORIES.findIndex(([, test]) => test(e.file));
    categories[i]!.files++;
    categories[i]!.bytes += e.bytes;
  }
  const total = { name: 'total', files: entries.length, bytes: entries.reduce((n, e) => n + e.bytes, 0) };
  return { total, categories: categories.filter((c) => c.files > 0) };
}

export interface ServiceWorkerBuild {
  version: string;
  entries: PrecacheEntry[];
  /** Size of sw.js itself. */
  swBytes: number;
}

const swEntry = fileURLToPath(new URL('./sw.ts', import.meta.url));

/** Writes dist/sw.js for the files now in dist/ (run it last: after Pagefind). */
export async function writeServiceWorker(dist: string, opts: { base: string; isolation: boolean }): Promise<ServiceWorkerBuild> {
  const entries = precacheEntries(dist, opts.base);
  const files = entries.map((e): [string, string] => [e.url, e.integrity]);
  const version = createHash('sha256').update(JSON.stringify([opts, files])).digest('hex').slice(0, 12);
  const config: ServiceWorkerConfig = { version, base: opts.base, isolation: opts.isolation, coop: COOP, coep: COEP, files };
  const result = await build({
    entryPoints: [swEntry],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    minify: true,
    write: false,
    define: { __FAULTLINES_SW__: JSON.stringify(config) },
    banner: { js: `/* Fault Lines service worker, version ${version}: ${files.length} files. Source: src/offline/sw.ts */` },
  });
  const code = result.outputFiles[0]!.contents;
  writeFileSync(join(dist, 'sw.js'), code);
  return { version, entries, swBytes: code.length };
}

/**
 * dist/_headers (Netlify, Cloudflare Pages). Paths are the host's, so a sub-path build gets
 * its base in front. The same headers, for other servers, are in README.md (Hosting).
 */
export function headersFile(opts: { base: string; isolation: boolean }): string {
  const b = opts.base;
  const lines = [
    '# Written by the build (src/offline/build.ts). See README.md, Hosting.',
    `${b}*`,
    `  Content-Security-Policy: ${HEADER_CSP}`,
    '  X-Content-Type-Options: nosniff',
    '  Referrer-Policy: no-referrer',
    ...(opts.isolation ? [`  Cross-Origin-Opener-Policy: ${COOP}`, `  Cross-Origin-Embedder-Policy: ${COEP}`] : []),
    `${b}_astro/*`,
    '  Cache-Control: public, max-age=31536000, immutable',
    `${b}sw.js`,
    '  Cache-Control: no-cache',
    '',
  ];
  return lines.join('\n');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

/** The table the build prints and `npm run bench -- offline` prints. */
export function summaryTable(entries: PrecacheEntry[]): string {
  const { total, categories } = summarize(entries);
  const rows = [...categories, total].map((c) => `  ${c.name.padEnd(26)} ${String(c.files).padStart(5)} files ${formatBytes(c.bytes).padStart(10)}  (${c.bytes} bytes)`);
  return rows.join('\n');
}
