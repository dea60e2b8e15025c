/**
 * Where Vitest's worker-global state lives in the browser worker, instead of on `globalThis`.
 *
 * Vitest keeps its state on the global object: the worker state (`__vitest_worker__`, whose
 * `current` is the running test), the global `expect` (`Symbol.for('expect-global')`), its
 * matchers and equality testers (`Symbol.for('$$jest-matchers-object')`...) and the real
 * timers. Any code in the realm can look those up, and lab code that can reach the running
 * test can rewrite its result. When the worker is bundled, hide-vitest-globals.ts rewrites
 * those lookups in Vitest's own modules to this object, which only Vitest's modules and the
 * engine import: lab code is never handed it, and no global property leads to it.
 * @module
 */

/** Vitest's global state, keyed as Vitest keys it on `globalThis`. */
export const vitestPrivate: Record<PropertyKey, unknown> = Object.create(null) as Record<PropertyKey, unknown>;

/**
 * True when the bundled Vitest keeps its state here (the bundle was built with the
 * rewrite: the site's build and build.ts). Vitest's expect module defines the global
 * expect as it loads, so after `import 'vitest'` one of the two places holds it.
 */
export function vitestStateIsPrivate(): boolean {
  return Object.getOwnPropertySymbols(vitestPrivate).some((s) => s.description === 'expect-global');
}
