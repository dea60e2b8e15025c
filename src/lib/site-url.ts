/**
 * Every URL the site writes goes through here, so the built site works at the root of a host
 * or under a sub-path chosen at build time (`FAULTLINES_BASE=/course/ npm run build`, which
 * becomes Astro's `base` and `import.meta.env.BASE_URL`).
 */
import { withSlashes } from './base-path.ts';

// Compiled in by astro.config.mjs (vite.define). Not import.meta.env.BASE_URL: in server code
// Astro lets a BASE_URL environment variable override that one (Vitest sets BASE_URL=/).
declare const __FAULTLINES_BASE__: string | undefined;

/** The base path of this build, with a leading and a trailing slash ('/' or '/course/'). */
export const BASE: string = withSlashes(typeof __FAULTLINES_BASE__ === 'string' ? __FAULTLINES_BASE__ : import.meta.env.BASE_URL);

/** An absolute path inside the site: `url('chapters/x/')` is '/course/chapters/x/' under /course/. */
export function url(path = ''): string {
  return BASE + path.replace(/^\/+/, '');
}
