/** Pure helpers for the base path (no import.meta.env: astro.config.mjs and Node scripts use them). */

/** '/', '/course', 'course/' → '/', '/course/'. */
export function withSlashes(base: string | undefined): string {
  const trimmed = (base ?? '/').trim().replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}/` : '/';
}
