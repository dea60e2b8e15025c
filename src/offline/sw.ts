/**
 * The site's one service worker (dist/sw.js, scope: the base path). Built by build.ts with
 * esbuild after every `astro build`; the precache list of this build is compiled in.
 *
 * - Install: downloads every file of the build (pages, lab bundles, scripts and the lab
 *   worker, styles, fonts, the search index, icons) into a cache named after this build's
 *   version, each checked against its sha256 (Subresource Integrity), so the cache holds
 *   exactly this build. Files whose hash did not change are copied from the previous
 *   version's cache instead of downloaded again.
 * - Fetch: whatever this build contains is answered from this build's cache, HTML included,
 *   so a page and its scripts, lab bundles and search index always come from one build and
 *   everything works offline. The rest goes to the network; an unknown page offline gets the
 *   cached 404 page.
 * - Update: a new build means a new sw.js (its version and list differ). The browser installs
 *   it beside the running one; it waits until the learner clicks "Reload" in the page's
 *   prompt (message 'skip-waiting'), then activates, deletes older caches and takes over.
 * - Isolation: when the build has it on (src/offline/isolation.ts), every response served gets
 *   Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy, so hosts that cannot send
 *   headers still give cross-origin isolated pages (from the second load on).
 * @module
 */
import { shortVersion } from './version.ts';

export interface ServiceWorkerConfig {
  /** Build version: a hash of the precache list. */
  version: string;
  /** Base path with slashes, like '/' or '/course/'. */
  base: string;
  isolation: boolean;
  coop: string;
  coep: string;
  /** [absolute path, 'sha256-…' integrity] of every precached file. */
  files: [string, string][];
}

declare const __FAULTLINES_SW__: ServiceWorkerConfig;

interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(r: Response | Promise<Response>): void;
}
interface ExtendableMessageEvent extends ExtendableEvent {
  readonly data: unknown;
  readonly ports: readonly MessagePort[];
}
interface ServiceWorkerScope {
  readonly location: { readonly origin: string };
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', fn: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', fn: (e: FetchEvent) => void): void;
  addEventListener(type: 'message', fn: (e: ExtendableMessageEvent) => void): void;
}

const sw = globalThis as unknown as ServiceWorkerScope;
const config = __FAULTLINES_SW__;
const PREFIX = 'faultlines-';
const CACHE = `${PREFIX}${config.version}`;
/** Where each cache keeps its own list, so a later version can reuse unchanged files. */
const LIST_KEY = `${config.base}__faultlines-precache.json`;
const files = new Map(config.files);

sw.addEventListener('install', (event) => {
  event.waitUntil(precache());
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('message', (event) => {
  const type = (event.data as { type?: string } | null)?.type;
  if (type === 'skip-waiting') event.waitUntil(sw.skipWaiting());
  if (type === 'status') {
    event.waitUntil(
      (async () => {
        const cache = await caches.open(CACHE);
        const cached = (await cache.keys()).length - 1;
        event.ports[0]?.postMessage({ version: config.version, files: files.size, cached, isolation: config.isolation });
      })(),
    );
  }
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin || !url.pathname.startsWith(config.base)) return;
  if (url.pathname === `${config.base}sw.js`) return;
  event.respondWith(respond(request, url));
});

async function precache(): Promise<void> {
  const cache = await caches.open(CACHE);
  const previous = await previousCaches();
  const queue = [...files];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const [path, integrity] = item;
      if (await cache.match(path)) continue; // an earlier, interrupted install of this version
      const response = (await reuse(previous, path, integrity)) ?? (await download(path, integrity));
      await cache.put(path, response);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  await cache.put(LIST_KEY, new Response(JSON.stringify(config.files), { headers: { 'content-type': 'application/json' } }));
}

async function previousCaches(): Promise<{ cache: Cache; files: Map<string, string> }[]> {
  const out: { cache: Cache; files: Map<string, string> }[] = [];
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const cache = await caches.open(name);
    const list = await cache.match(LIST_KEY);
    if (!list) continue;
    try {
      out.push({ cache, files: new Map((await list.json()) as [string, string][]) });
    } catch {
      // An unreadable list: download everything.
    }
  }
  return out;
}

async function reuse(previous: { cache: Cache; files: Map<string, string> }[], path: string, integrity: string): Promise<Response | undefined> {
  for (const p of previous) {
    if (p.files.get(path) !== integrity) continue;
    const hit = await p.cache.match(path);
    if (hit) return hit;
  }
  return undefined;
}

async function download(path: string, integrity: string): Promise<Response> {
  // no-cache: revalidate with the server, never trust a stale HTTP cache; integrity: the bytes
  // must be this build's, or the install fails and the current version keeps serving.
  const response = await fetch(new Request(path, { cache: 'no-cache', credentials: 'same-origin', integrity }));
  if (!response.ok) throw new Error(`precache: ${path} answered ${response.status}`);
  // A redirected response cannot answer a navigation: keep the body and headers only.
  return response.redirected ? copy(response, response.status, new Headers(response.headers)) : response;
}

async function respond(request: Request, url: URL): Promise<Response> {
  const path = url.pathname;
  const integrity = files.get(path) ?? (path.endsWith('/index.html') ? files.get(path.slice(0, -'index.html'.length)) : undefined);
  const key = files.has(path) ? path : path.slice(0, -'index.html'.length);
  // `?v=` names the version a page expects (lab bundles): never answer it with another one.
  const wanted = url.searchParams.get('v');
  if (integrity && (!wanted || wanted === shortVersion(integrity))) {
    const hit = await caches.match(key, { cacheName: CACHE });
    if (hit) return isolate(hit);
  }
  if (!integrity && !path.endsWith('/') && files.has(`${path}/`)) {
    return Response.redirect(`${url.origin}${path}/${url.search}`, 301);
  }
  try {
    return isolate(await fetch(request));
  } catch (error) {
    if (request.mode === 'navigate') {
      const notFound = await caches.match(`${config.base}404.html`, { cacheName: CACHE });
      if (notFound) return isolate(new Response(notFound.body, { status: 404, statusText: 'Not Found', headers: notFound.headers }));
    }
    throw error;
  }
}

function copy(response: Response, status: number, headers: Headers): Response {
  return new Response(response.body, { status, statusText: response.statusText, headers });
}

/** Adds COOP and COEP when the build asks for isolation. */
function isolate(response: Response): Response {
  if (!config.isolation || response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  if ([101, 204, 205, 304].includes(response.status)) return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', config.coop);
  headers.set('Cross-Origin-Embedder-Policy', config.coep);
  return copy(response, response.status, headers);
}
