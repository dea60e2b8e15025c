/**
 * A run diagram's frame scrolls sideways only when the diagram is wider than the frame, which
 * is rare now that phones get a layout that fits. The page is built with the frame as a
 * keyboard stop (a labelled region, so that without JavaScript a keyboard can still scroll
 * it); here it stays one only while it overflows, so that Tab does not stop on a frame with
 * nothing to scroll. axe's scrollable-region-focusable asks for exactly this.
 * The interactive diagram keeps its stop: its frame is where its keys work.
 * @module
 */

function watch(frame: HTMLElement): void {
  const label = frame.getAttribute('aria-label') ?? '';
  const update = (): void => {
    if (frame.scrollWidth > frame.clientWidth + 1) {
      frame.tabIndex = 0;
      frame.setAttribute('role', 'region');
      frame.setAttribute('aria-label', label);
    } else {
      frame.removeAttribute('tabindex');
      frame.removeAttribute('role');
      frame.removeAttribute('aria-label');
    }
  };
  // The frame's width follows the page; the diagram's (and which layout shows) follows the frame.
  const observer = new ResizeObserver(update);
  observer.observe(frame);
  for (const svg of frame.querySelectorAll('svg')) observer.observe(svg);
  update();
}

for (const frame of document.querySelectorAll<HTMLElement>('figure[data-run-diagram="static"] [data-scroll]')) watch(frame);
