/**
 * Build-time rewrite of Vitest's modules for the browser worker: its global state moves from
 * `globalThis` to the module-private object of ./vitest-private.ts, out of lab code's reach
 * (see that file for why). Used by build.ts (esbuild, tests and benchmarks) and by the site's
 * build (a Vite plugin in astro.config.mjs, for the worker bundle).
 *
 * What is rewritten, in `node_modules/vitest/dist/**` only (vitest is pinned to an exact
 * version; tests/e2e/page-forgery.test.ts fails if a new version escapes the rewrite):
 *
 *   globalThis[NAME_WORKER_STATE], globalThis.__vitest_worker__   the worker state
 *   globalThis[GLOBAL_EXPECT | MATCHERS_OBJECT | JEST_MATCHERS_OBJECT | ASYMMETRIC_MATCHERS_OBJECT]
 *   globalThis[SAFE_TIMERS_SYMBOL]                               the real timers
 *   Object.defineProperty(globalThis, <one of those>, ...)
 *
 * Lines and columns stay where they were apart from the replaced words, and the import is
 * appended at the end of the file (imports are hoisted), so no line moves.
 *
 * Node only (build time).
 * @module
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Plugin as EsbuildPlugin } from 'esbuild';

/** The identifiers Vitest's dist uses for its global keys. */
const KEYS = ['NAME_WORKER_STATE', 'GLOBAL_EXPECT', 'MATCHERS_OBJECT', 'JEST_MATCHERS_OBJECT', 'ASYMMETRIC_MATCHERS_OBJECT', 'SAFE_TIMERS_SYMBOL'];
const KEY = `(?:${KEYS.join('|')})`;
const INDEXED = new RegExp(`\\bglobalThis\\[(${KEY})\\]`, 'g');
const DEFINED = new RegExp(`\\bObject\\.defineProperty\\(globalThis,(\\s*)(${KEY})\\b`, 'g');
const DOTTED = /\bglobalThis\.__vitest_worker__\b/g;

const HOLDER = '__faultlinesVitestPrivate';
/** The module that holds the state (absolute path: Vitest's files import it from node_modules). */
export const PRIVATE_MODULE = fileURLToPath(new URL('./vitest-private.ts', import.meta.url));

/** Files the rewrite applies to. */
export const VITEST_DIST = /[\\/]node_modules[\\/]vitest[\\/]dist[\\/].*\.js(?:\?.*)?$/;

/** Rewrites one of Vitest's modules; null when it has nothing to rewrite. */
export function hideVitestGlobals(code: string, privateModule = PRIVATE_MODULE): string | null {
  let count = 0;
  const out = code
    .replace(INDEXED, (_m, key: string) => (count++, `${HOLDER}[${key}]`))
    .replace(DEFINED, (_m, space: string, key: string) => (count++, `Object.defineProperty(${HOLDER},${space}${key}`))
    .replace(DOTTED, () => (count++, `${HOLDER}.__vitest_worker__`));
  if (count === 0) return null;
  return `${out}\nimport { vitestPrivate as ${HOLDER} } from ${JSON.stringify(privateModule)};\n`;
}

/** The rewrite as an esbuild plugin (build.ts). */
export function hideVitestGlobalsEsbuild(): EsbuildPlugin {
  return {
    name: 'faultlines-hide-vitest-globals',
    setup(build) {
      build.onLoad({ filter: VITEST_DIST }, async (args) => {
        const code = await readFile(args.path, 'utf8');
        return { contents: hideVitestGlobals(code) ?? code, loader: 'js' };
      });
    },
  };
}

/** The rewrite as a Vite plugin (the site's worker bundle). Typed loosely: Vite is Astro's. */
export function hideVitestGlobalsVite(): { name: string; enforce: 'pre'; transform(code: string, id: string): { code: string; map: null } | null } {
  return {
    name: 'faultlines-hide-vitest-globals',
    enforce: 'pre',
    transform(code, id) {
      if (!VITEST_DIST.test(id)) return null;
      const out = hideVitestGlobals(code);
      return out === null ? null : { code: out, map: null };
    },
  };
}
