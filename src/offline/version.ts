/** A short, URL-safe form of a file's sha256 (base64), for `?v=` in URLs. Shared by the page and the service worker. */
export function shortVersion(sha256Base64: string): string {
  return sha256Base64.replace(/^sha256-/, '').slice(0, 16).replace(/\+/g, '-').replace(/\//g, '_');
}
