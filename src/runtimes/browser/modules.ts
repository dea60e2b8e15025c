/**
 * The in-memory module system of the browser runtime.
 *
 * Lab files are TypeScript/JavaScript sources keyed by lab-relative path. Each file is
 * compiled once per source text with sucrase (`typescript` + `imports` + `jest` transforms:
 * types stripped, ESM turned into CommonJS, `vi.mock` calls hoisted; line numbers kept) and
 * evaluated CommonJS-style. Stack columns are mapped back with {@link alignColumn}. A {@link ModuleRegistry} is one fresh set of module instances:
 * the runner makes a new one for every test file, as `vitest run` isolates test files.
 *
 * Resolution: `./x`, `../x` and `/x` against the importing file, trying the exact path,
 * then `.ts`, `.tsx`, `.js`, `.mjs`, `/index.ts`, `/index.js`; a `.js` specifier also
 * finds the `.ts` file (TypeScript's convention). Bare specifiers come from the
 * `builtins` map (`vitest`, `faultlines`, `fast-check`, ...), nothing else.
 *
 * The learner's files (`learnerFiles`) may import only the lab's own files: a bare import
 * from one of them (`vitest`, `faultlines/testing`, a value from `faultlines`) is refused
 * with a message naming the file and the import. Imports used only as types are erased by
 * the compiler and never reach the loader. Test and support files keep every builtin.
 * @module
 */
import { transform } from 'sucrase';

/** Lab files live under this virtual directory, so stack frames read `/lab/counter.ts:3:7`. */
export const LAB_ROOT = '/lab/';

/** A compiled file: CommonJS code with the same line numbers as the source. */
export interface Compiled {
  code: string;
}

const EXTENSIONS = ['', '.ts', '.tsx', '.js', '.mjs', '.cjs', '/index.ts', '/index.js'];

/** `import.meta` cannot appear in an eval'd script; `_importMeta` has the same length (columns stay). */
const IMPORT_META = /\bimport\.meta\b/g;
/** `vi.mock(` -> `jest.mock(` so sucrase's jest transform hoists it above the imports. */
const VI_HOISTED = /(?<![\w$.])vi\.(mock|unmock)\(/g;

/** Compiles a lab file; throws sucrase's SyntaxError (with a location) when it cannot parse. */
export function compile(path: string, source: string): Compiled {
  const prepared = source.replace(IMPORT_META, '_importMeta').replace(VI_HOISTED, 'jest.$1(');
  const out = transform(prepared, {
    transforms: ['typescript', 'imports', 'jest'],
    filePath: LAB_ROOT + path,
    keepUnusedImports: false,
    disableESTransforms: true,
  });
  return { code: out.code };
}

/** Caches compilations by path and source text (editing a file recompiles only that file). */
export class CompileCache {
  private cache = new Map<string, { source: string; compiled: Compiled }>();
  get(path: string, source: string): Compiled {
    const hit = this.cache.get(path);
    if (hit && hit.source === source) return hit.compiled;
    const compiled = compile(path, source);
    this.cache.set(path, { source, compiled });
    return compiled;
  }
  /** The last compilation of `path`, if any (for mapping stack frames). */
  peek(path: string): Compiled | undefined {
    return this.cache.get(path)?.compiled;
  }
}

/** Normalises `a/./b/../c` and leading slashes into a lab-relative path. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/**
 * Resolves `spec` imported from lab file `from` to a lab path, or null when no file matches.
 * Bare specifiers are not handled here.
 */
export function resolveLabPath(files: Readonly<Record<string, string>>, from: string, spec: string): string | null {
  const base = spec.startsWith('/') ? normalizePath(spec) : normalizePath(dirname(from) + '/' + spec);
  for (const ext of EXTENSIONS) if (Object.hasOwn(files, base + ext)) return base + ext;
  // TypeScript style: `import './x.js'` for a file written as x.ts.
  const js = /\.(m|c)?js$/.exec(base);
  if (js) {
    const stem = base.slice(0, -js[0].length);
    for (const ext of ['.ts', '.tsx', '.mts', '.cts']) if (Object.hasOwn(files, stem + ext)) return stem + ext;
  }
  return null;
}

/** What every lab module sees besides `require`/`module`/`exports`. */
export interface ModuleGlobals {
  /** `process` inside lab code (a small shim: `env`, `argv`, `platform`, `nextTick`). */
  process: unknown;
  /** The object behind `import.meta.env`. */
  env: Record<string, unknown>;
}

interface ModuleRecord {
  exports: unknown;
  loaded: boolean;
}

type Factory = (importOriginal?: () => Promise<unknown>) => unknown;

/**
 * The global `eval`, taken when this module loads: the worker's lockdown (lockdown.ts) then
 * removes it from the global object, so only this loader can still compile lab code.
 */
const indirectEval: (code: string) => unknown = globalThis.eval;

/** Why a learner file's import is refused (the file and the import are named first). */
export function refusedImport(from: string, spec: string): string {
  const hint = spec === 'faultlines' ? " (a type is fine: write `import type { ... } from 'faultlines'`)" : '';
  return `${from} imports '${spec}': a lab file may import only the lab's own files and types from 'faultlines'${hint}.`;
}

/** Wraps compiled code on its first line, so line N of the source is line N of the script. */
function evaluate(path: string, code: string): (...args: unknown[]) => void {
  const wrapped =
    '(function (exports, require, module, __filename, __dirname, jest, _importMeta, process) {' +
    code +
    '\n})\n//# sourceURL=' +
    LAB_ROOT +
    path;
  // Indirect eval: global scope, no access to this module's variables.
  return indirectEval(wrapped) as (...args: unknown[]) => void;
}

/**
 * One set of module instances over a file map. `require` of a lab file evaluates it at most
 * once per registry; builtins are shared objects.
 */
export class ModuleRegistry {
  private records = new Map<string, ModuleRecord>();
  private mocks = new Map<string, Factory | null>();
  private files: Readonly<Record<string, string>>;
  private builtins: Readonly<Record<string, unknown>>;
  private cache: CompileCache;
  private globals: ModuleGlobals;
  private learnerFiles: ReadonlySet<string>;

  constructor(
    files: Readonly<Record<string, string>>,
    builtins: Readonly<Record<string, unknown>>,
    cache: CompileCache,
    globals: ModuleGlobals,
    options: { learnerFiles?: readonly string[] } = {},
  ) {
    this.files = files;
    this.builtins = builtins;
    this.cache = cache;
    this.globals = globals;
    this.learnerFiles = new Set((options.learnerFiles ?? []).map(normalizePath));
  }

  /** Loads a lab file by its lab path (the test file itself). */
  load(path: string): unknown {
    return this.require(path, null);
  }

  private key(from: string | null, spec: string): string {
    if (from === null) return spec;
    if (spec.startsWith('.') || spec.startsWith('/')) {
      const path = resolveLabPath(this.files, from, spec);
      if (path === null) {
        throw new Error(`Cannot find module '${spec}' imported from '${from}': no such file in this lab.`);
      }
      return path;
    }
    if (this.learnerFiles.has(from)) throw new Error(refusedImport(from, spec));
    if (!Object.hasOwn(this.builtins, spec)) {
      throw new Error(
        `Cannot find module '${spec}' imported from '${from}'. ` +
          `In the browser runtime a lab can import its own files and ${Object.keys(this.builtins)
            .map((k) => `'${k}'`)
            .join(', ')}.`,
      );
    }
    return 'builtin:' + spec;
  }

  require(spec: string, from: string | null): unknown {
    const key = this.key(from, spec);
    if (this.mocks.has(key)) return this.mocked(key);
    if (key.startsWith('builtin:')) return this.builtins[key.slice(8)];
    return this.evaluateFile(key);
  }

  private mocked(key: string): unknown {
    const recKey = 'mock:' + key;
    const rec = this.records.get(recKey);
    if (rec) return rec.exports;
    const factory = this.mocks.get(key);
    if (!factory) throw new Error(`vi.mock('${key}') without a factory (automocking) is not supported in the browser runtime.`);
    const importOriginal = (): Promise<unknown> =>
      Promise.resolve(key.startsWith('builtin:') ? this.builtins[key.slice(8)] : this.evaluateFile(key));
    const value = factory(importOriginal);
    if (value && typeof (value as Promise<unknown>).then === 'function') {
      throw new Error(`vi.mock('${key}'): the factory returned a Promise; the browser runtime supports synchronous factories only.`);
    }
    const exports = value !== null && typeof value === 'object' && !('__esModule' in value) ? { __esModule: true, ...value } : value;
    this.records.set(recKey, { exports, loaded: true });
    return exports;
  }

  private evaluateFile(path: string): unknown {
    const existing = this.records.get(path);
    if (existing) return existing.exports;
    const source = this.files[path];
    if (source === undefined) throw new Error(`Cannot find module '${path}'`);
    if (path.endsWith('.json')) {
      const rec = { exports: JSON.parse(source) as unknown, loaded: true };
      this.records.set(path, rec);
      return rec.exports;
    }
    const { code } = this.cache.get(path, source);
    const module = { exports: {} as unknown, id: LAB_ROOT + path, loaded: false };
    this.records.set(path, module);
    const fn = evaluate(path, code);
    const require = (spec: string): unknown => this.require(spec, path);
    const jest = this.jestShim(path);
    const importMeta = { env: this.globals.env, url: 'file://' + LAB_ROOT + path, filename: LAB_ROOT + path, dirname: LAB_ROOT + dirname(path) };
    try {
      fn.call(module.exports, module.exports, require, module, LAB_ROOT + path, LAB_ROOT + dirname(path), jest, importMeta, this.globals.process);
    } catch (e) {
      this.records.delete(path);
      throw e;
    }
    module.loaded = true;
    return module.exports;
  }

  /** Target of the hoisted `vi.mock` / `vi.unmock` calls (rewritten to `jest.*`). */
  private jestShim(from: string): { mock(spec: string, factory?: Factory): void; unmock(spec: string): void } {
    return {
      mock: (spec, factory) => {
        this.mocks.set(this.key(from, spec), factory ?? null);
      },
      unmock: (spec) => {
        this.mocks.delete(this.key(from, spec));
      },
    };
  }
}

/**
 * Maps a 0-based column of a compiled line back to the same line of the source.
 * Sucrase keeps lines but inserts text (`_vitest.expect.call(void 0, ...)`) and removes
 * types; its source maps lose columns after some tokens (template literals), so the two
 * lines are aligned character by character (longest common subsequence) instead.
 * Lines longer than `limit` fall back to the compiled column.
 */
export function alignColumn(source: string, compiled: string, column: number, limit = 3000): number {
  const n = compiled.length;
  const m = source.length;
  if (n === 0 || m === 0 || n > limit || m > limit) return Math.min(column, Math.max(0, m - 1));
  // lcs[i][j]: LCS length of compiled[..i) and source[..j). Walking back from the ends makes
  // ties go to the latest match: `_vitest.it(` aligns `it` with `it`, not with `_v(it)est`.
  const w = m + 1;
  const lcs = new Uint16Array((n + 1) * w);
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      lcs[i * w + j] =
        compiled.charCodeAt(i - 1) === source.charCodeAt(j - 1) ? lcs[(i - 1) * w + j - 1]! + 1 : Math.max(lcs[(i - 1) * w + j]!, lcs[i * w + j - 1]!);
    }
  }
  let best = -1;
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    if (compiled.charCodeAt(i - 1) === source.charCodeAt(j - 1) && lcs[i * w + j] === lcs[(i - 1) * w + j - 1]! + 1) {
      if (i - 1 < column) break;
      best = j - 1; // the earliest matched compiled char at or after `column` so far
      i--;
      j--;
    } else if (lcs[(i - 1) * w + j]! >= lcs[i * w + j - 1]!) i--;
    else j--;
  }
  return best >= 0 ? best : Math.min(column, Math.max(0, m - 1));
}
