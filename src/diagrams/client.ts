/**
 * The island of <RunDiagram interactive />: re-renders the diagram in the browser from the
 * trace embedded in the page. Zoom and pan in time (buttons, Ctrl/⌘ + wheel, drag, keys),
 * node filters, stepping through events (described in an aria-live region), payload
 * tooltips on hover and focus, and the happened-before cone of the selected event.
 * @module
 */
import type { Trace } from '../sim/trace.ts';
import { buildCausality, causalCone } from './causality.ts';
import { describeEvent, storyEvents } from './describe.ts';
import { NARROW_BELOW, NARROW_FIT } from './layout.ts';
import { renderDiagram } from './svg.ts';
import type { DiagramOptions } from './types.ts';

interface Data {
  trace: Trace;
  labels: (string | null)[];
  options: DiagramOptions;
  title: string;
  height: number;
}

const MIN_SPAN = 0.5;

function enhance(fig: HTMLElement): void {
  const raw = fig.querySelector('script[data-run-data]')?.textContent;
  const scroll = fig.querySelector<HTMLElement>('[data-scroll]');
  const live = fig.querySelector<HTMLElement>('[data-live]');
  const tip = fig.querySelector<HTMLElement>('[data-tip]');
  const controls = fig.querySelector<HTMLElement>('[data-controls]');
  if (!raw || !scroll || !live || !tip || !controls) return;
  const data = JSON.parse(raw) as Data;
  const trace = data.trace;
  const annotate = (_e: unknown, i: number) => data.labels[i] ?? undefined;
  const causality = buildCausality(trace);
  const lastT = trace.events.length ? trace.events[trace.events.length - 1]!.t : 0;
  const full = { from: data.options.from ?? 0, to: data.options.to ?? lastT };
  const lanes = [...fig.querySelectorAll<HTMLInputElement>('input[data-lane]')];
  const coneBox = fig.querySelector<HTMLInputElement>('input[data-act="cone"]')!;
  const state = { from: full.from, to: full.to, current: -1, cone: false };
  let story: number[] = [];
  let dirty = false;
  // The phone layout below NARROW_BELOW px, as the static SVGs do by a container query.
  const isNarrow = () => scroll.clientWidth > 0 && scroll.clientWidth < NARROW_BELOW;
  let narrow = isNarrow();
  new ResizeObserver(() => {
    if (isNarrow() === narrow) return;
    narrow = !narrow;
    schedule();
  }).observe(scroll);

  const visibleNodes = () => lanes.filter((l) => l.checked).map((l) => l.dataset.lane!);
  const recomputeStory = () => {
    story = storyEvents(trace, { nodes: visibleNodes(), timers: data.options.timers === true });
  };

  function render(): void {
    const focusedMsg = (document.activeElement as Element | null)?.closest?.('[data-msg]')?.getAttribute('data-msg');
    const opts: DiagramOptions = {
      ...data.options,
      from: state.from,
      to: state.to,
      nodes: visibleNodes(),
      annotate,
      idPrefix: fig.id,
      title: data.title,
      focusable: true,
      // Zooming in spreads the same height over less time.
      minHeight: Math.max(0, data.height - 150),
      maxHeight: Math.max(data.height, 400),
    };
    if (narrow) opts.fitWidth = NARROW_FIT;
    if (state.current >= 0) {
      opts.current = state.current;
      if (state.cone) {
        const c = causalCone(causality, state.current);
        opts.cone = { focus: state.current, past: c.past, future: c.future };
      }
    }
    const drawn = renderDiagram(trace, opts);
    scroll!.innerHTML = drawn.svg;
    // The SVG's CSS size limits follow the layout actually drawn.
    fig.style.setProperty('--rd-w', `${drawn.width}px`);
    if (focusedMsg) scroll!.querySelector<SVGElement>(`[data-msg="${focusedMsg}"][tabindex]`)?.focus();
    const zoomed = state.to - state.from < full.to - full.from - 1e-9;
    setDisabled('zoom-out', !zoomed);
    setDisabled('reset', !zoomed);
    setDisabled('earlier', state.from <= full.from + 1e-9);
    setDisabled('later', state.to >= full.to - 1e-9);
    setDisabled('zoom-in', state.to - state.from <= MIN_SPAN * 1.01);
  }
  const schedule = () => {
    if (dirty) return;
    dirty = true;
    requestAnimationFrame(() => {
      dirty = false;
      render();
    });
  };
  function setDisabled(act: string, off: boolean): void {
    const b = controls!.querySelector<HTMLButtonElement>(`button[data-act="${act}"]`);
    if (b) b.disabled = off;
  }

  function setWindow(from: number, to: number): void {
    let span = Math.min(full.to - full.from, Math.max(MIN_SPAN, to - from));
    let a = Math.max(full.from, Math.min(from, full.to - span));
    if (!Number.isFinite(a)) a = full.from;
    span = Math.min(span, full.to - a);
    state.from = a;
    state.to = a + span;
    schedule();
  }
  const zoom = (factor: number, around?: number) => {
    const span = state.to - state.from;
    const c = around ?? (state.current >= 0 ? trace.events[state.current]!.t : (state.from + state.to) / 2);
    const ns = span * factor;
    const k = span > 0 ? (c - state.from) / span : 0.5;
    setWindow(c - ns * k, c - ns * k + ns);
  };
  const pan = (frac: number) => {
    const span = state.to - state.from;
    setWindow(state.from + span * frac, state.to + span * frac);
  };

  function announce(): void {
    if (state.current < 0) {
      live!.textContent = 'No event selected. Use Next to step through the run.';
      return;
    }
    const k = story.indexOf(state.current);
    let s = `Event ${k >= 0 ? k + 1 : '?'} of ${story.length}. ${describeEvent(trace, state.current, annotate)}.`;
    if (state.cone) {
      const c = causalCone(causality, state.current);
      const past = story.filter((i) => c.past.has(i)).length;
      const future = story.filter((i) => c.future.has(i)).length;
      s += ` It could have been influenced by ${past} earlier event${past === 1 ? '' : 's'} (its causal past, solid) and could influence ${future} later one${future === 1 ? '' : 's'} (its causal future, dashed); the rest are concurrent with it.`;
    }
    live!.textContent = s;
  }
  function select(i: number): void {
    state.current = i;
    if (i >= 0) {
      const t = trace.events[i]!.t;
      if (t < state.from || t > state.to) {
        const span = state.to - state.from;
        setWindow(t - span / 2, t + span / 2);
      }
    }
    announce();
    schedule();
  }
  function step(dir: 1 | -1): void {
    if (!story.length) return;
    let k: number;
    if (state.current < 0) k = dir > 0 ? 0 : story.length - 1;
    else {
      const pos = story.indexOf(state.current);
      if (pos >= 0) k = pos + dir;
      else k = dir > 0 ? story.findIndex((i) => i > state.current) : story.length - 1 - [...story].reverse().findIndex((i) => i < state.current);
    }
    k = Math.max(0, Math.min(story.length - 1, k));
    select(story[k]!);
  }

  controls.addEventListener('click', (ev) => {
    const b = (ev.target as Element).closest<HTMLButtonElement>('button[data-act]');
    if (!b) return;
    switch (b.dataset.act) {
      case 'zoom-in':
        zoom(0.5);
        break;
      case 'zoom-out':
        zoom(2);
        break;
      case 'earlier':
        pan(-0.3);
        break;
      case 'later':
        pan(0.3);
        break;
      case 'reset':
        setWindow(full.from, full.to);
        break;
      case 'prev':
        step(-1);
        break;
      case 'next':
        step(1);
        break;
    }
  });
  controls.addEventListener('change', (ev) => {
    const input = ev.target as HTMLInputElement;
    if (input === coneBox) {
      state.cone = coneBox.checked;
      if (state.cone && state.current < 0) step(1);
      announce();
      schedule();
      return;
    }
    if (input.dataset.lane !== undefined) {
      if (!visibleNodes().length) input.checked = true; // keep at least one lane
      recomputeStory();
      schedule();
    }
  });

  // Keyboard, anywhere inside the figure except form fields.
  fig.addEventListener('keydown', (ev) => {
    const t = ev.target as HTMLElement;
    if (t.tagName === 'INPUT' && (ev.key === ' ' || ev.key === 'Enter')) return;
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const el = t.closest?.('[data-ev],[data-end]');
    switch (ev.key) {
      case '+':
      case '=':
        zoom(0.5);
        break;
      case '-':
      case '_':
        zoom(2);
        break;
      case '0':
        setWindow(full.from, full.to);
        break;
      case 'ArrowUp':
        pan(-0.3);
        break;
      case 'ArrowDown':
        pan(0.3);
        break;
      case 'ArrowRight':
      case 'n':
      case 'j':
        step(1);
        break;
      case 'ArrowLeft':
      case 'p':
      case 'k':
        step(-1);
        break;
      case 'c':
      case 'C':
        coneBox.checked = !coneBox.checked;
        coneBox.dispatchEvent(new Event('change', { bubbles: true }));
        break;
      case 'Enter':
      case ' ':
        if (el && scroll!.contains(el)) {
          select(eventOf(el));
          break;
        }
        return;
      case 'Escape':
        hideTip();
        if (state.current >= 0) select(-1);
        break;
      default:
        return;
    }
    ev.preventDefault();
  });

  const eventOf = (el: Element): number => Number(el.getAttribute('data-ev') ?? el.getAttribute('data-end') ?? -1);
  scroll.addEventListener('click', (ev) => {
    if (moved) return;
    const el = (ev.target as Element).closest('[data-ev],[data-end]');
    if (el) select(eventOf(el));
  });

  // Tooltips: what the arrow or bar is, and the payload.
  function showTip(el: Element): void {
    const label = el.getAttribute('aria-label') ?? el.querySelector('title')?.textContent ?? '';
    if (!label) return;
    const payload = el.getAttribute('data-payload');
    tip!.textContent = '';
    const p = document.createElement('div');
    p.textContent = label;
    tip!.append(p);
    if (payload) {
      const c = document.createElement('code');
      c.textContent = payload;
      tip!.append(c);
    }
    tip!.hidden = false;
    const box = (el as SVGGraphicsElement).getBoundingClientRect();
    const f = fig.getBoundingClientRect();
    const left = Math.max(4, Math.min(f.width - tip!.offsetWidth - 4, box.left - f.left + box.width / 2 - tip!.offsetWidth / 2));
    let top = box.bottom - f.top + 8;
    if (top + tip!.offsetHeight > f.height) top = box.top - f.top - tip!.offsetHeight - 8;
    tip!.style.left = `${left}px`;
    tip!.style.top = `${top}px`;
  }
  function hideTip(): void {
    tip!.hidden = true;
  }
  const tipTarget = (t: EventTarget | null) => (t as Element | null)?.closest?.('svg [tabindex][aria-label]') ?? null;
  scroll.addEventListener('pointerover', (ev) => {
    const el = tipTarget(ev.target);
    if (el && !dragging) showTip(el);
  });
  scroll.addEventListener('pointerout', (ev) => {
    if (tipTarget(ev.target) && !tipTarget(ev.relatedTarget)) hideTip();
  });
  scroll.addEventListener('focusin', (ev) => {
    const el = tipTarget(ev.target);
    if (el) showTip(el);
    else hideTip();
  });
  scroll.addEventListener('focusout', hideTip);

  // Ctrl/⌘ + wheel zooms around the pointer; plain wheel scrolls the page as usual.
  const timeAt = (clientY: number): number => {
    const svg = scroll!.querySelector('svg');
    if (!svg) return (state.from + state.to) / 2;
    const r = svg.getBoundingClientRect();
    const vb = svg.viewBox.baseVal;
    const y = ((clientY - r.top) / r.height) * vb.height;
    // Map through the tick marks' positions: the axis is piecewise linear.
    const from = Number(svg.getAttribute('data-from'));
    const to = Number(svg.getAttribute('data-to'));
    const lanes = svg.querySelectorAll('line.lane');
    let top = 0;
    let bottom = vb.height;
    if (lanes.length) {
      top = Number(lanes[0]!.getAttribute('y1'));
      bottom = Math.max(...[...lanes].map((l) => Number(l.getAttribute('y2')))) - 10;
    }
    return from + Math.min(1, Math.max(0, (y - top) / Math.max(1, bottom - top))) * (to - from);
  };
  scroll.addEventListener(
    'wheel',
    (ev) => {
      if (!(ev.ctrlKey || ev.metaKey)) return;
      ev.preventDefault();
      zoom(ev.deltaY > 0 ? 1.25 : 0.8, timeAt(ev.clientY));
    },
    { passive: false },
  );

  // Drag up and down to move in time (when zoomed in).
  let dragging = false;
  let moved = false;
  let startY = 0;
  let startFrom = 0;
  scroll.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0 || state.to - state.from >= full.to - full.from - 1e-9) return;
    dragging = true;
    moved = false;
    startY = ev.clientY;
    startFrom = state.from;
  });
  window.addEventListener('pointermove', (ev) => {
    if (!dragging) return;
    const dy = ev.clientY - startY;
    if (Math.abs(dy) < 4 && !moved) return;
    moved = true;
    fig.classList.add('rd-dragging');
    hideTip();
    const svg = scroll!.querySelector('svg');
    const h = svg ? svg.getBoundingClientRect().height : 400;
    const span = state.to - state.from;
    const from = startFrom - (dy / Math.max(100, h - 120)) * span;
    setWindow(from, from + span);
  });
  window.addEventListener('pointerup', () => {
    if (!dragging) return;
    dragging = false;
    fig.classList.remove('rd-dragging');
    setTimeout(() => (moved = false), 0);
  });

  recomputeStory();
  controls.hidden = false;
  live.hidden = false;
  fig.querySelector<HTMLElement>('[data-hint]')?.removeAttribute('hidden');
  announce();
  render();
}

for (const fig of document.querySelectorAll<HTMLElement>('figure[data-run-diagram="interactive"]')) enhance(fig);
