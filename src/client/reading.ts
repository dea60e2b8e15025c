/**
 * Chapter island: the reading-progress bar, the furthest point reached, the current
 * section in the table of contents, and the "Mark as read" button.
 */
import { progressStore } from './progress.ts';

const article = document.querySelector<HTMLElement>('[data-chapter-id]');
if (article) {
  const chapterId = article.dataset.chapterId!;
  const store = progressStore();
  const bar = document.querySelector<HTMLElement>('[data-reading-bar]');
  const readButtons = document.querySelectorAll<HTMLButtonElement>('[data-mark-read]');
  const storageNote = document.querySelector<HTMLElement>('[data-storage-note]');

  const fraction = (): number => {
    const rect = article.getBoundingClientRect();
    const total = rect.height - window.innerHeight;
    if (total <= 0) return 1;
    return Math.min(1, Math.max(0, -rect.top / total));
  };

  let saved = store.get(chapterId).furthest;
  let frame = 0;
  const onScroll = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      const f = fraction();
      if (bar) bar.style.transform = `scaleX(${f})`;
      // Save in 5% steps: enough for the course map, few writes.
      if (f > saved + 0.05 || (f === 1 && saved < 1)) {
        saved = f;
        store.update(chapterId, { furthest: f });
      }
    });
  };
  window.addEventListener('scroll', onScroll, { passive: true });
  window.addEventListener('resize', onScroll, { passive: true });
  onScroll();

  const render = () => {
    const p = store.get(chapterId);
    for (const b of readButtons) {
      b.setAttribute('aria-pressed', String(p.read));
      const label = b.querySelector('[data-label]');
      if (label) label.textContent = p.read ? 'Read' : 'Mark as read';
    }
    if (storageNote) storageNote.hidden = store.persistent;
  };
  for (const b of readButtons) {
    b.addEventListener('click', () => {
      store.update(chapterId, { read: !store.get(chapterId).read });
    });
  }
  store.subscribe(render);
  render();

  // Table of contents: mark the section being read.
  const links = new Map<string, HTMLAnchorElement>();
  for (const a of document.querySelectorAll<HTMLAnchorElement>('[data-toc] a[href^="#"]')) {
    links.set(decodeURIComponent(a.hash.slice(1)), a);
  }
  const headings = [...links.keys()]
    .map((id) => document.getElementById(id))
    .filter((h): h is HTMLElement => h !== null);
  if (headings.length && 'IntersectionObserver' in window) {
    const visible = new Set<string>();
    const observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (e.isIntersecting) visible.add(e.target.id);
          else visible.delete(e.target.id);
        }
        const firstVisible = headings.find((h) => visible.has(h.id));
        if (!firstVisible) return;
        for (const [id, a] of links) {
          if (id === firstVisible.id) a.setAttribute('aria-current', 'location');
          else a.removeAttribute('aria-current');
        }
      },
      { rootMargin: '-64px 0px -55% 0px' },
    );
    for (const h of headings) observer.observe(h);
  }
}
