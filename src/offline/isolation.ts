/**
 * Cross-origin isolation: the headers that make `crossOriginIsolated` true (SharedArrayBuffer,
 * and what WebContainer's boot() requires). Hosts that can send headers send them (dist/_headers,
 * README.md); on hosts that cannot (GitHub Pages), the service worker adds them to every response
 * it serves, which isolates every page from the second load on.
 *
 * On by default: every resource of this site is same-origin, so COEP blocks nothing here.
 * `FAULTLINES_ISOLATION=off npm run build` leaves the headers out (for a host that embeds the
 * course in a cross-origin frame, say, where COOP and COEP could get in the way).
 */

export const COOP = 'same-origin';

/**
 * 'credentialless' rather than 'require-corp': cross-origin subresources still load (without
 * cookies) instead of needing a Cross-Origin-Resource-Policy header. WebContainer's
 * `boot({ coep })` must be given this SAME value (it is fixed at first boot): import it from here.
 */
export const COEP = 'credentialless';

export function isolationEnabled(env: Record<string, string | undefined>): boolean {
  const v = (env.FAULTLINES_ISOLATION ?? 'on').toLowerCase();
  if (v !== 'on' && v !== 'off') throw new Error(`FAULTLINES_ISOLATION="${env.FAULTLINES_ISOLATION}": use on or off`);
  return v === 'on';
}
