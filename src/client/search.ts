/**
 * Search island: Pagefind's own UI over the index that `npm run build` writes to
 * dist/pagefind. The index and UI are served by this site, so search works offline.
 * `?q=words` in the address starts a search (links from the 404 page use it).
 */
import { url } from '../lib/site-url.ts';

interface PagefindUIInstance {
  triggerSearch(term: string): void;
}
type PagefindUIConstructor = new (options: Record<string, unknown>) => PagefindUIInstance;

const host = document.querySelector<HTMLElement>('[data-search]');
const missing = document.querySelector<HTMLElement>('[data-search-missing]');

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(s);
  });
}

async function start(): Promise<void> {
  if (!host) return;
  try {
    await loadScript(url('pagefind/pagefind-ui.js'));
  } catch {
    if (missing) missing.hidden = false;
    return;
  }
  const PagefindUI = (window as unknown as { PagefindUI: PagefindUIConstructor }).PagefindUI;
  const ui = new PagefindUI({
    element: host,
    // Under a sub-path (FAULTLINES_BASE), results link there too.
    bundlePath: url('pagefind/'),
    baseUrl: url(),
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    autofocus: true,
    translations: { placeholder: 'Search chapters, e.g. "idempotency"' },
  });
  // Pagefind's input carries only a placeholder; tie it to the visible label above it.
  const input = host.querySelector<HTMLInputElement>('input');
  input?.setAttribute('aria-labelledby', 'search-label');
  const q = new URLSearchParams(location.search).get('q');
  if (q) ui.triggerSearch(q);
}

void start();
