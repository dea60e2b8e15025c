/**
 * Starting a WebContainer for the labs (browser only): once per page, when a learner
 * starts a lab and the chooser (../choose.ts) picked WebContainer.
 *
 * 1. `manifest.json` of the prepared archive is fetched from this site first: a build
 *    without `npm run build:webcontainer` has none, and then nothing is asked of StackBlitz.
 * 2. `@webcontainer/api` is imported (a separate chunk), the API key configured when the
 *    build has one, and `WebContainer.boot({ coep })` called, while the archive downloads.
 *    boot() inserts a hidden iframe from https://stackblitz.com; the runtime comes from
 *    StackBlitz's servers, so this needs the network.
 * 3. The archive is mounted and unpacked (prepare.ts): no `npm install` in the container.
 *
 * COEP: boot's `coep` must equal the Cross-Origin-Embedder-Policy the site sends (headers
 * file, service worker); both use {@link COEP} from src/offline/isolation.ts. It is fixed at
 * the first boot of a page.
 *
 * Licence: WebContainer is free for personal and open-source use; commercial production use
 * needs a StackBlitz licence and an API key, given at build time as
 * PUBLIC_FAULTLINES_WEBCONTAINER_KEY (inlined into the page by Astro; it is a public client id).
 * @module
 */
import type { WebContainer } from '@webcontainer/api';
import { COEP } from '../../offline/isolation.ts';
import { url } from '../../lib/site-url.ts';
import { ARCHIVE_DIR, MANIFEST_FILE, type ArchiveManifest } from './project.ts';
import { prepareProject } from './prepare.ts';
import type { Container } from './webcontainer-runtime.ts';

/** The COEP value given to boot(): the site's own (see src/offline/isolation.ts). */
export const WEBCONTAINER_COEP = COEP;
/** Where StackBlitz serves the iframe boot() inserts (a CSP needs `frame-src` for it). */
export const WEBCONTAINER_ORIGIN = 'https://stackblitz.com';

/** A calm, one-line reason the WebContainer could not be used. */
export class WebContainerUnavailable extends Error {
  override name = 'WebContainerUnavailable';
  /** True when this deployment simply does not offer WebContainer (not worth a fallback notice in auto mode). */
  readonly notOffered: boolean;
  constructor(message: string, opts: { notOffered?: boolean } = {}) {
    super(message);
    this.notOffered = opts.notOffered ?? false;
  }
}

let booting: Promise<WebContainer> | null = null;

/** Boots the page's one WebContainer (later calls get the same one). */
export function bootOnce(): Promise<WebContainer> {
  booting ??= (async () => {
    const api = await import('@webcontainer/api');
    const key = (import.meta.env as Record<string, string | undefined>).PUBLIC_FAULTLINES_WEBCONTAINER_KEY;
    if (key) api.configureAPIKey(key);
    return api.WebContainer.boot({ coep: WEBCONTAINER_COEP, workdirName: 'lab' });
  })();
  return booting;
}

function within<T>(promise: Promise<T>, ms: number, reason: string): Promise<T> {
  return new Promise<T>((ok, fail) => {
    const t = setTimeout(() => fail(new WebContainerUnavailable(reason)), ms);
    promise.then(
      (v) => {
        clearTimeout(t);
        ok(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        fail(e);
      },
    );
  });
}

/** Rejects as soon as the page's CSP blocks StackBlitz's frame (instead of waiting for the timeout). */
function blockedByPolicy(): { promise: Promise<never>; stop(): void } {
  let stop = () => {};
  const promise = new Promise<never>((_, fail) => {
    const onViolation = (e: SecurityPolicyViolationEvent) => {
      if (e.blockedURI.startsWith(WEBCONTAINER_ORIGIN)) fail(new WebContainerUnavailable("this site's Content-Security-Policy does not allow StackBlitz's frame"));
    };
    document.addEventListener('securitypolicyviolation', onViolation);
    stop = () => document.removeEventListener('securitypolicyviolation', onViolation);
  });
  promise.catch(() => {});
  return { promise, stop };
}

export interface StartOptions {
  /** How long boot() may take. Default 20000 ms (about 10 s cold is usual). */
  bootTimeoutMs?: number;
  /** How long downloading and mounting the archive may take. Default 60000 ms. */
  prepareTimeoutMs?: number;
}

/** Boots (once), mounts the prepared project, and returns the container; rejects with a {@link WebContainerUnavailable}. */
export async function startWebContainer(opts: StartOptions = {}): Promise<Container> {
  const bootTimeoutMs = opts.bootTimeoutMs ?? 20_000;
  const base = url(`${ARCHIVE_DIR}/`);
  const manifestResponse = await fetch(base + MANIFEST_FILE, { cache: 'no-cache' }).catch(() => null);
  if (!manifestResponse?.ok) throw new WebContainerUnavailable('this site does not offer WebContainer (built without npm run build:webcontainer)', { notOffered: true });
  const manifest = (await manifestResponse.json()) as ArchiveManifest;
  const archive = fetch(base + manifest.archive).then(async (r) => {
    if (!r.ok) throw new WebContainerUnavailable(`the WebContainer files could not be loaded (${r.status})`);
    return new Uint8Array(await r.arrayBuffer());
  });
  archive.catch(() => {});
  const policy = blockedByPolicy();
  try {
    const wc = await Promise.race([within(bootOnce(), bootTimeoutMs, `WebContainer did not start within ${Math.round(bootTimeoutMs / 1000)} s`), policy.promise]);
    const container: Container = wc;
    await within(
      archive.then((bytes) => prepareProject(container, bytes)),
      opts.prepareTimeoutMs ?? 60_000,
      'the WebContainer files took too long to load',
    );
    return container;
  } catch (e) {
    if (e instanceof WebContainerUnavailable) throw e;
    throw new WebContainerUnavailable(`WebContainer could not start (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    policy.stop();
  }
}
