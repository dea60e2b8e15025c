/**
 * Imported first by the worker: Vitest's colour library (tinyrainbow) decides at load time
 * and turns ANSI colours ON when there is no `process` (as in a Worker). A temporary
 * `process` with NO_COLOR makes it pick plain text; engine.ts removes it once Vitest is loaded.
 * @module
 */
const g = globalThis as { process?: unknown; __faultlinesProcessShim?: boolean };
if (typeof g.process === 'undefined') {
  g.process = { env: { NO_COLOR: '1' }, argv: ['--no-color'] };
  g.__faultlinesProcessShim = true;
}
export {};
