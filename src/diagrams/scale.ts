/**
 * The vertical time axis: virtual time (ms) to y (px), piecewise linear, with long quiet gaps
 * collapsed into short "break" pieces so that bursty runs stay readable.
 * @module
 */

/** One linear piece of the axis. */
export interface Piece {
  t0: number;
  t1: number;
  y0: number;
  y1: number;
  /** A collapsed quiet gap (drawn with a break mark). */
  collapsed: boolean;
}

export interface TimeScale {
  from: number;
  to: number;
  top: number;
  bottom: number;
  /** Pixels per ms in the pieces that are not collapsed. */
  pxPerMs: number;
  pieces: Piece[];
  /** time → y. Monotone; times outside [from, to] are clamped. */
  y(t: number): number;
  /** y → time (the inverse, for pointer interaction). */
  t(y: number): number;
}

export interface ScaleOptions {
  from: number;
  to: number;
  top: number;
  /** Times where something is drawn (any order, duplicates fine). */
  times: number[];
  /** Gaps between consecutive event times on one lane, for choosing the density. */
  laneGaps: number[];
  pxPerMs?: number | undefined;
  /** Collapse gaps longer than this (ms); Infinity for none. */
  minGapMs: number;
  /** Largest height of the plot area, px. */
  maxPlot: number;
  /** Smallest height of the plot area, px. */
  minPlot?: number;
  /** Fit maxPlot even if events end up on top of each other (default: stay legible, grow taller). */
  squash?: boolean;
  /** Height of a collapsed gap, px. */
  breakPx?: number;
}

const BREAK_PX = 26;
/** Uncompressed time kept either side of a break, in px. */
const PAD_PX = 10;
/** Events on one lane should sit at least this far apart (px) in a typical run. */
const MIN_SEP_PX = 22;
/** ... and never closer than this, however long the run. */
const MIN_LEGIBLE_PX = 6;

function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** The quiet gaps (pairs of consecutive event times further apart than minGapMs). */
export function quietGaps(times: number[], from: number, to: number, minGapMs: number): [number, number][] {
  if (!Number.isFinite(minGapMs)) return [];
  const ts = [...new Set(times.filter((t) => t >= from && t <= to))].sort((a, b) => a - b);
  const all = [from, ...ts, to];
  const gaps: [number, number][] = [];
  for (let i = 1; i < all.length; i++) {
    const a = all[i - 1]!;
    const b = all[i]!;
    if (b - a > minGapMs) gaps.push([a, b]);
  }
  return gaps;
}

/** An automatic threshold for quiet gaps: several times the typical gap between events. */
export function autoMinGap(times: number[]): number {
  const ts = [...new Set(times)].sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < ts.length; i++) gaps.push(ts[i]! - ts[i - 1]!);
  const med = quantile(gaps, 0.5);
  return Math.max(12, Number.isFinite(med) ? 10 * med : 12);
}

export function buildScale(o: ScaleOptions): TimeScale {
  const from = o.from;
  const to = Math.max(o.to, o.from + 1e-3);
  const breakPx = o.breakPx ?? BREAK_PX;
  const gaps = quietGaps(o.times, from, to, o.minGapMs);
  const span = to - from;
  // Density: typical same-lane neighbours MIN_SEP_PX apart, within sane bounds.
  let px = o.pxPerMs ?? NaN;
  // The sparsest density that still keeps typical same-lane neighbours apart: a long,
  // busy run is drawn taller than maxPlot (and scrolls) rather than squashed flat.
  let legible = 0.005;
  if (!(px > 0)) {
    const lg = o.laneGaps.filter((g) => g > 1e-9 && g <= o.minGapMs);
    const q = quantile(lg, 0.2);
    px = Number.isFinite(q) ? MIN_SEP_PX / Math.max(q, 0.05) : 400 / span;
    px = Math.min(60, Math.max(0.02, px));
    if (Number.isFinite(q) && !o.squash) legible = Math.min(px, MIN_LEGIBLE_PX / Math.max(q, 0.05));
  }
  const collapsedMs = (p: number) => gaps.reduce((s, [a, b]) => s + Math.max(0, b - a - (2 * PAD_PX) / p), 0);
  const heightAt = (p: number) => (span - collapsedMs(p)) * p + gaps.length * breakPx;
  if (o.pxPerMs === undefined) {
    // Too tall: lower the density until it fits (a few fixed-point rounds are plenty).
    for (let k = 0; k < 8 && heightAt(px) > o.maxPlot; k++) {
      const fixed = gaps.length * breakPx + gaps.length * 2 * PAD_PX;
      const linMs = Math.max(1e-6, span - gaps.reduce((s, [a, b]) => s + (b - a), 0));
      px = Math.max(legible, Math.min(px * 0.999, (o.maxPlot - fixed) / linMs));
    }
    const minPlot = o.minPlot ?? 0;
    if (heightAt(px) < minPlot) px = Math.min(60, px * (minPlot / Math.max(1, heightAt(px))));
  }
  const pad = PAD_PX / px;
  const pieces: Piece[] = [];
  let t = from;
  let y = o.top;
  const linear = (t1: number) => {
    if (t1 <= t) return;
    const y1 = y + (t1 - t) * px;
    pieces.push({ t0: t, t1, y0: y, y1, collapsed: false });
    t = t1;
    y = y1;
  };
  for (const [a, b] of gaps) {
    const inner0 = Math.min(a + pad, (a + b) / 2);
    const inner1 = Math.max(b - pad, (a + b) / 2);
    linear(inner0);
    if (inner1 > inner0) {
      pieces.push({ t0: inner0, t1: inner1, y0: y, y1: y + breakPx, collapsed: true });
      t = inner1;
      y += breakPx;
    }
  }
  linear(to);
  if (!pieces.length) pieces.push({ t0: from, t1: to, y0: o.top, y1: o.top + 1, collapsed: false });
  const bottom = pieces[pieces.length - 1]!.y1;
  const find = (key: 't0' | 'y0', v: number) => {
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid]![key] <= v) lo = mid;
      else hi = mid - 1;
    }
    return pieces[lo]!;
  };
  return {
    from,
    to,
    top: o.top,
    bottom,
    pxPerMs: px,
    pieces,
    y(tt: number) {
      const c = Math.min(to, Math.max(from, tt));
      const p = find('t0', c);
      return p.t1 === p.t0 ? p.y0 : p.y0 + ((c - p.t0) / (p.t1 - p.t0)) * (p.y1 - p.y0);
    },
    t(yy: number) {
      const c = Math.min(bottom, Math.max(o.top, yy));
      const p = find('y0', c);
      return p.y1 === p.y0 ? p.t0 : p.t0 + ((c - p.y0) / (p.y1 - p.y0)) * (p.t1 - p.t0);
    },
  };
}

/** Tick step (ms) giving ticks at least `minPx` apart. */
export function tickStep(pxPerMs: number, minPx = 44): number {
  const raw = minPx / pxPerMs;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}
