/**
 * The Content-Security-Policy of the built site, in its two forms:
 *
 * - PAGE (a <meta http-equiv> on every page, so it holds on any static host): scripts only from
 *   this origin plus the inline theme script by its hash, WebAssembly for the Pagefind search,
 *   no `eval`, no plugins, nothing from another origin.
 * - HEADER (for hosts that can send headers: dist/_headers, and the nginx, Apache and Vercel
 *   snippets in README.md). It is sent with every response, the lab runtime's worker script
 *   included, and a worker takes its policy from its own response, not from the page. The
 *   worker evaluates the learner's code, so this one allows 'unsafe-eval'. On a page both
 *   policies apply and a browser enforces each of them, so a page still has no `eval`.
 *
 * Styles allow 'unsafe-inline': CodeMirror, xterm and Pagefind's UI add style elements and
 * attributes at run time. Scripts are the part that matters, and they stay strict.
 */
import { createHash } from 'node:crypto';
import { THEME_INIT_SCRIPT } from '../client/theme-init.ts';

export function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** Hashes of every inline script a page carries (only the theme script). */
export const INLINE_SCRIPT_HASHES: readonly string[] = [sha256Source(THEME_INIT_SCRIPT)];

/**
 * Origins a build that offers the WebContainer runtime must let the page frame: boot() inserts
 * a hidden iframe from StackBlitz. Only builds made with FAULTLINES_WEBCONTAINER=on allow it;
 * the default build frames nothing from another origin. (Unverified here: this machine cannot
 * reach StackBlitz. The list follows StackBlitz's documentation of the headless frame.)
 */
export const WEBCONTAINER_FRAME_ORIGINS = ['https://stackblitz.com', 'https://*.stackblitz.com'] as const;

/** Whether this build offers WebContainer (read at build time). */
export function webcontainerEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return env.FAULTLINES_WEBCONTAINER === 'on';
}

function frameSources(env: Record<string, string | undefined>): string[] {
  return webcontainerEnabled(env) ? [`frame-src 'self' ${WEBCONTAINER_FRAME_ORIGINS.join(' ')}`] : ["frame-src 'self'"];
}

function policy(scriptSrc: string[], extra: string[] = []): string {
  return [
    "default-src 'self'",
    `script-src ${scriptSrc.join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    ...extra,
  ].join('; ');
}

/** The <meta> policy: no 'unsafe-eval'. (frame-ancestors is ignored in a meta tag, so it is left out.) */
export function pageCsp(env: Record<string, string | undefined> = process.env): string {
  return policy(["'self'", ...INLINE_SCRIPT_HASHES, "'wasm-unsafe-eval'"], frameSources(env));
}
export const PAGE_CSP = pageCsp();

/** The header policy: also valid for the lab worker, which needs 'unsafe-eval'. */
export function headerCsp(env: Record<string, string | undefined> = process.env): string {
  return policy(["'self'", ...INLINE_SCRIPT_HASHES, "'wasm-unsafe-eval'", "'unsafe-eval'"], [...frameSources(env), "frame-ancestors 'self'"]);
}
export const HEADER_CSP = headerCsp();
