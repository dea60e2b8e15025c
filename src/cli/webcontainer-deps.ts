/**
 * Builds what a WebContainer needs to run a lab's tests without installing anything:
 * one archive (`dist/webcontainer/lab-deps.tar.gz`) holding exactly the node_modules the
 * labs' tests load at run time, the simulation kit bundled to JavaScript, and the
 * reporter and setup file of the lab runs (see src/runtimes/webcontainer/project.ts).
 * The svelte.dev approach: prepare node_modules at site build time, mount and unpack it
 * in the container.
 *
 * - Packages: the closure of `vitest` and `fast-check` over dependencies, optional
 *   dependencies and required peers (vite), copied from this project's node_modules (the
 *   very versions the project's own tests use), minus type declarations, source maps and
 *   docs.
 * - Native code: packages limited to a cpu/os (rolldown's and lightningcss's Linux
 *   binaries) are left out. WebContainer cannot load `.node` files; rolldown loads its
 *   WebAssembly binding instead (`@rolldown/binding-wasm32-wasi`, fetched once with npm
 *   into node_modules/.cache, with its @napi-rs/@emnapi runtime), and every run sets
 *   `NAPI_RS_FORCE_WASI=error` so it never tries native code. lightningcss is only loaded
 *   for CSS, which lab tests never import.
 *
 * Usage: `npm run build:webcontainer` (after `npm run build`; writes into dist/), or
 * `npx node src/cli/webcontainer-deps.ts --out <dir>`.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { ARCHIVE_FILE, CONTAINER_ENV, MANIFEST_FILE, type ArchiveManifest } from '../runtimes/webcontainer/project.ts';
import { writeTar, type TarEntry } from '../runtimes/webcontainer/tar.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const NODE_MODULES = join(ROOT, 'node_modules');
/** What lab tests import: `vitest`, `fast-check` (and `faultlines`, bundled below). */
export const ROOT_PACKAGES = ['vitest', 'fast-check'];
/** Not needed at run time. */
const SKIP_PACKAGES = /^@types\//;
const SKIP_FILES = /\.d\.[cm]?ts$|\.map$|\.tsbuildinfo$|(?:^|\/)(?:CHANGELOG|README|HISTORY)[^/]*$|\.md$/i;

interface PackageJson {
  name: string;
  version: string;
  cpu?: string[];
  os?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

interface FoundPackage {
  dir: string;
  /** Path inside the archive, e.g. `node_modules/vite` or `node_modules/a/node_modules/b`. */
  at: string;
  pkg: PackageJson;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** Node's lookup: `<dir>/node_modules/<name>`, then the parent folders, up to `top`. */
function lookup(name: string, from: string, top: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === top || dirname(dir) === dir) return null;
  }
}

/** Packages reachable from `roots`, found below `base` (a folder holding node_modules). */
export function packageClosure(roots: readonly string[], base: string): { found: FoundPackage[]; skipped: string[] } {
  const found = new Map<string, FoundPackage>();
  const skipped = new Set<string>();
  const queue: [string, string][] = roots.map((r) => [r, base]);
  while (queue.length) {
    const [name, from] = queue.shift()!;
    if (SKIP_PACKAGES.test(name)) continue;
    const dir = lookup(name, from, base);
    if (!dir) continue; // an optional dependency for another platform, not installed here
    if (found.has(dir)) continue;
    const pkg = readJson<PackageJson>(join(dir, 'package.json'));
    // WebAssembly packages declare cpu "wasm32" and run anywhere; other cpu/os limits mean native code.
    if ((pkg.cpu && !pkg.cpu.includes('wasm32')) || pkg.os) {
      skipped.add(`${pkg.name}@${pkg.version} (native: ${[...(pkg.os ?? []), ...(pkg.cpu ?? [])].join('/')})`);
      continue;
    }
    found.set(dir, { dir, at: relative(base, dir).split(sep).join('/'), pkg });
    const next = { ...pkg.dependencies, ...pkg.optionalDependencies };
    for (const peer of Object.keys(pkg.peerDependencies ?? {})) if (!pkg.peerDependenciesMeta?.[peer]?.optional) next[peer] = '*';
    for (const dep of Object.keys(next)) queue.push([dep, dir]);
  }
  return { found: [...found.values()], skipped: [...skipped] };
}

function packageFiles(p: FoundPackage, out: TarEntry[]): number {
  let bytes = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules' || entry.name === '.bin') continue; // nested packages come through the closure
        walk(full);
      } else if (entry.isFile()) {
        const rel = relative(p.dir, full).split(sep).join('/');
        if (rel !== 'package.json' && SKIP_FILES.test(rel)) continue;
        const data = readFileSync(full);
        bytes += data.length;
        out.push({ path: `${p.at}/${rel}`, data, mode: statSync(full).mode & 0o777 });
      }
    }
  };
  walk(p.dir);
  return bytes;
}

/** Installs rolldown's WebAssembly binding (same version as rolldown) into a cache folder, once. */
export function stageWasiBinding(rolldownVersion: string, cacheDir = join(NODE_MODULES, '.cache', 'faultlines-webcontainer')): string {
  const dir = join(cacheDir, `rolldown-wasi-${rolldownVersion}`);
  const marker = join(dir, 'node_modules', '@rolldown', 'binding-wasm32-wasi', 'package.json');
  if (!existsSync(marker)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
    // --force: the package declares cpu "wasm32", which npm otherwise refuses on x64.
    execFileSync(
      'npm',
      ['install', '--no-package-lock', '--no-save', '--ignore-scripts', '--force', '--no-audit', '--no-fund', '--loglevel=error', `@rolldown/binding-wasm32-wasi@${rolldownVersion}`],
      { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  return dir;
}

async function bundle(entryPoints: Record<string, string>, external: string[], splitting: boolean): Promise<Record<string, string>> {
  const result = await build({
    entryPoints,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    splitting,
    outdir: '/out',
    keepNames: true,
    minify: false,
    legalComments: 'inline',
    logLevel: 'silent',
    external,
  });
  const files: Record<string, string> = {};
  for (const f of result.outputFiles) files[f.path.slice('/out/'.length)] = f.text;
  return files;
}

/** The kit (`faultlines`, `faultlines/testing`) as a package, and the container's reporter and setup file. */
export async function bundleProjectCode(): Promise<TarEntry[]> {
  const enc = new TextEncoder();
  const entries: TarEntry[] = [];
  const kit = await bundle({ index: join(ROOT, 'src/kit/index.ts'), testing: join(ROOT, 'src/kit/testing.ts') }, ['vitest', 'node:*'], true);
  for (const [path, text] of Object.entries(kit)) entries.push({ path: `node_modules/faultlines/${path}`, data: enc.encode(text) });
  const kitPackage = { name: 'faultlines', version: '0.0.0', private: true, type: 'module', exports: { '.': './index.js', './testing': './testing.js' } };
  entries.push({ path: 'node_modules/faultlines/package.json', data: enc.encode(JSON.stringify(kitPackage, null, 2)) });
  const dir = join(ROOT, 'src/runtimes/webcontainer/container');
  const own = await bundle({ reporter: join(dir, 'reporter.ts'), setup: join(dir, 'setup.ts') }, ['vitest', 'vitest/*', 'faultlines', 'faultlines/*', 'node:*'], false);
  for (const [path, text] of Object.entries(own)) entries.push({ path: `.faultlines/${path.replace(/\.js$/, '.mjs')}`, data: enc.encode(text) });
  // realnet, so `npm run realnet` works in the container's shell as in a terminal.
  const realnet = await bundle(
    { realnet: join(ROOT, 'src/cli/realnet.ts'), 'realnet-node': join(ROOT, 'src/realnet/node-process.ts') },
    ['faultlines', 'faultlines/*', 'node:*'],
    false,
  );
  for (const [path, text] of Object.entries(realnet)) entries.push({ path: `.faultlines/${path.replace(/\.js$/, '.mjs')}`, data: enc.encode(text) });
  return entries;
}

export interface BuiltDeps {
  tar: Uint8Array;
  gz: Uint8Array;
  manifest: ArchiveManifest;
  skipped: string[];
  ms: number;
}

/** Builds the archive in memory. */
export async function buildLabDeps(opts: { cacheDir?: string } = {}): Promise<BuiltDeps> {
  const t0 = performance.now();
  const entries: TarEntry[] = [];
  const { found, skipped } = packageClosure(ROOT_PACKAGES, ROOT);
  const rolldown = found.find((p) => p.pkg.name === 'rolldown');
  if (rolldown) {
    const staged = stageWasiBinding(rolldown.pkg.version, opts.cacheDir);
    const wasi = packageClosure(['@rolldown/binding-wasm32-wasi'], staged);
    for (const p of wasi.found) {
      if (found.some((q) => q.at === p.at)) throw new Error(`${p.at} is both in the project's closure and the wasm binding's`);
      found.push(p);
    }
  }
  let unpacked = 0;
  for (const p of found.sort((a, b) => a.at.localeCompare(b.at))) unpacked += packageFiles(p, entries);
  for (const e of await bundleProjectCode()) {
    unpacked += e.data.length;
    entries.push(e);
  }
  const tar = writeTar(entries);
  const gz = new Uint8Array(gzipSync(tar, { level: 9 }));
  const manifest: ArchiveManifest = {
    archive: ARCHIVE_FILE,
    bytes: gz.length,
    unpackedBytes: unpacked,
    files: entries.length,
    packages: found.map((p) => `${p.pkg.name}@${p.pkg.version}`).sort(),
    vitest: found.find((p) => p.pkg.name === 'vitest')?.pkg.version ?? '?',
    env: CONTAINER_ENV,
  };
  return { tar, gz, manifest, skipped, ms: Math.round(performance.now() - t0) };
}

/** Writes `<out>/lab-deps.tar.gz` and `<out>/manifest.json`. */
export async function writeLabDeps(out: string): Promise<BuiltDeps> {
  const built = await buildLabDeps();
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, ARCHIVE_FILE), built.gz);
  writeFileSync(join(out, MANIFEST_FILE), JSON.stringify(built.manifest, null, 2) + '\n');
  return built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const i = process.argv.indexOf('--out');
  const out = resolve(i >= 0 ? process.argv[i + 1]! : join(ROOT, 'dist', 'webcontainer'));
  const built = await writeLabDeps(out);
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  console.log(
    `${relative(process.cwd(), join(out, ARCHIVE_FILE))}: ${mb(built.manifest.bytes)} (${mb(built.manifest.unpackedBytes)} unpacked, ` +
      `${built.manifest.files} files, ${built.manifest.packages.length} packages) in ${built.ms} ms`,
  );
  for (const s of built.skipped) console.log(`  left out ${s}`);
}
