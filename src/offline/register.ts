/**
 * Registers the service worker (src/offline/sw.ts) for the site's base path, and offers a new
 * version of the course calmly: a small notice with a Reload button. Nothing switches until the
 * learner clicks it; then the waiting worker takes over and the page reloads once.
 * Every page loads this, so it stays tiny and imports nothing heavy.
 */
import { BASE } from '../lib/site-url.ts';

/** True in built sites (set by src/offline/integration.ts), false in `astro dev`. */
declare const __FAULTLINES_REGISTER_SW__: boolean;

const container = navigator.serviceWorker as ServiceWorkerContainer | undefined;

function notice(text: string, onReload: () => void): void {
  if (document.querySelector('[data-sw-update]')) return;
  const box = document.createElement('section');
  box.className = 'sw-update';
  box.dataset.swUpdate = '';
  box.setAttribute('aria-label', 'Course update');
  const message = document.createElement('p');
  message.setAttribute('role', 'status');
  const reload = document.createElement('button');
  reload.type = 'button';
  reload.className = 'button';
  reload.textContent = 'Reload';
  reload.addEventListener('click', () => {
    reload.disabled = true;
    onReload();
  });
  const later = document.createElement('button');
  later.type = 'button';
  later.className = 'sw-later';
  later.textContent = 'Later';
  later.addEventListener('click', () => box.remove());
  box.append(message, reload, later);
  document.body.append(box);
  // Filled after insertion, so screen readers announce it (politely: no focus is taken).
  requestAnimationFrame(() => (message.textContent = text));
}

async function start(sw: ServiceWorkerContainer): Promise<void> {
  const hadController = Boolean(sw.controller);
  let reloading = false;
  sw.addEventListener('controllerchange', () => {
    if (reloading) return location.reload();
    // Another tab switched to the new version: this page's files may be gone from the cache.
    if (hadController) notice('The course was updated in another tab. Reload to use the new version.', () => location.reload());
  });
  const registration = await sw.register(`${BASE}sw.js`, { scope: BASE, updateViaCache: 'none' });
  const offer = (waiting: ServiceWorker) => {
    if (!sw.controller) return; // first install: nothing older is running
    notice('A new version of the course is available.', () => {
      reloading = true;
      waiting.postMessage({ type: 'skip-waiting' });
    });
  };
  if (registration.waiting) offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    installing?.addEventListener('statechange', () => {
      if (installing.state === 'installed') offer(installing);
    });
  });
}

// file:// cannot run a service worker; `astro dev` has none (and unregisters old ones).
if (container && location.protocol !== 'file:' && __FAULTLINES_REGISTER_SW__) {
  start(container).catch(() => {
    // No service worker (private mode, blocked storage): the site still works online.
  });
}
