/**
 * A space-time diagram as an SVG string: `renderDiagram(trace, options)`. No DOM: it runs at
 * build time in Node and in the browser alike, and the same trace and options always give
 * the same bytes.
 * @module
 */
import type { Trace } from '../sim/trace.ts';
import { summarizeRun } from './describe.ts';
import { CHAR_W, layoutRun, r1, type ArrowLayout, type BarLayout, type LegendKey, type RunLayout } from './layout.ts';
import { fmtMs } from './model.ts';
import { DIAGRAM_CSS } from './style.ts';
import type { DiagramOptions } from './types.ts';

export interface RenderedDiagram {
  svg: string;
  width: number;
  height: number;
  layout: RunLayout;
}

/** Escape text for XML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const cls = (...xs: (string | false | undefined)[]): string => xs.filter(Boolean).join(' ');

/** The label of a collapsed quiet gap in time: `+42.5 ms`, `+12 s`; a narrow axis has no room for decimals. */
export function gapLabel(ms: number, compact: boolean): string {
  return `+${compact && ms >= 10 && ms < 10_000 ? `${Math.round(ms)} ms` : fmtMs(ms)}`;
}

/**
 * An opaque plate behind a monospace label (`size` px), so that an arrow passing behind it
 * does not strike through the text; a halo alone leaves the line showing between letters.
 */
function plate(x: number, y: number, text: string, size: number): string {
  const w = [...text].length * CHAR_W * (size / 11);
  return `<rect class="plate" x="${r1(x - 2)}" y="${r1(y - size * 0.82)}" width="${r1(w + 4)}" height="${r1(size * 1.12)}" rx="2"/>`;
}

function head(a: ArrowLayout, len = 7.5, half = 3.6): string {
  const dx = a.x2 - a.x1;
  const dy = a.y2 - a.y1;
  const d = Math.hypot(dx, dy) || 1;
  const ux = dx / d;
  const uy = dy / d;
  // Stop just short of the receiving dot.
  const tx = a.x2 - ux * 3.2;
  const ty = a.y2 - uy * 3.2;
  const bx = tx - ux * len;
  const by = ty - uy * len;
  return `M${r1(tx)} ${r1(ty)}L${r1(bx - uy * half)} ${r1(by + ux * half)}L${r1(bx + uy * half)} ${r1(by - ux * half)}Z`;
}

const arrowClasses = (a: ArrowLayout): (string | false | undefined)[] => [a.kind, a.copy && 'copy', a.duplicated && !a.copy && 'dup', a.adv && 'adv', a.hl && 'hl', a.cone, a.current && 'cur'];
const arrowEvents = (a: ArrowLayout): string => `${a.origin >= 0 ? ` data-ev="${a.origin}"` : ''}${a.end >= 0 ? ` data-end="${a.end}"` : ''}`;

function arrowSvg(a: ArrowLayout, focusable: boolean): string {
  const k = cls('rd-x msg', ...arrowClasses(a));
  const attrs = focusable ? ` tabindex="0" role="button" aria-label="${esc(a.title)}" data-payload="${esc(a.payload)}"` : '';
  let s = `<g class="${k}" data-msg="${a.msg}"${arrowEvents(a)}${attrs}><title>${esc(a.title)}${a.payload ? '\n' + esc(a.payload) : ''}</title>`;
  // Leave room for the dots at the ends.
  const dx = a.x2 - a.x1;
  const dy = a.y2 - a.y1;
  const d = Math.hypot(dx, dy) || 1;
  const sx = a.cut1 ? a.x1 : a.x1 + (dx / d) * 3.5;
  const sy = a.cut1 ? a.y1 : a.y1 + (dy / d) * 3.5;
  if (focusable) s += `<line class="hit" x1="${a.x1}" y1="${a.y1}" x2="${a.x2}" y2="${a.y2}"/>`;
  if (a.kind === 'drop') {
    s += `<line class="ln" x1="${r1(sx)}" y1="${r1(sy)}" x2="${a.x2}" y2="${a.y2}"/>`;
    const c = 4.5;
    s += `<path class="x" d="M${r1(a.x2 - c)} ${r1(a.y2 - c)}L${r1(a.x2 + c)} ${r1(a.y2 + c)}M${r1(a.x2 - c)} ${r1(a.y2 + c)}L${r1(a.x2 + c)} ${r1(a.y2 - c)}"/>`;
  } else {
    const ex = a.x2 - (dx / d) * (a.cut2 ? 0 : 9);
    const ey = a.y2 - (dy / d) * (a.cut2 ? 0 : 9);
    s += `<line class="ln" x1="${r1(sx)}" y1="${r1(sy)}" x2="${r1(ex)}" y2="${r1(ey)}"/>`;
    if (!a.cut2) s += `<path class="hd" d="${head(a)}"/>`;
  }
  return s + '</g>';
}

/** A message's label, drawn over every arrow (inside its own arrow's group, later arrows would cross it). */
function arrowLabelSvg(a: ArrowLayout): string {
  if (!a.label) return '';
  const { x, y, text } = a.label;
  return `<g class="${cls('rd-x mlab', ...arrowClasses(a))}" data-msg="${a.msg}"${arrowEvents(a)}>${plate(x, y, text, 10.5)}<text class="mlbl halo" x="${x}" y="${y}">${esc(text)}</text></g>`;
}

function barSvg(b: BarLayout, focusable: boolean, prefix: string): string {
  const st = b.op.status;
  const k = cls('rd-x op', st, b.hl && 'hl', b.cone, b.current && 'cur', b.badge?.startsWith('✗') && 'blocked');
  const attrs = focusable ? ` tabindex="0" role="button" aria-label="${esc(b.title)}"` : '';
  let s = `<g class="${k}" data-ev="${b.op.invoke}"${b.op.complete >= 0 ? ` data-end="${b.op.complete}"` : ''}${b.op.opId !== undefined ? ` data-op="${b.op.opId}"` : ''}${attrs}><title>${esc(b.title)}</title>`;
  const h = Math.max(4, b.y1 - b.y0);
  const fill = st === 'fail' ? ` fill="url(#${prefix}-fail)"` : '';
  s += `<rect class="bar" x="${r1(b.x - 5)}" y="${b.y0}" width="10" height="${r1(h)}" rx="2.5"${fill}/>`;
  if (b.open) {
    s += `<path class="opencap" d="M${r1(b.x - 4)} ${r1(b.y1 + 3)}L${b.x} ${r1(b.y1 + 8)}L${r1(b.x + 4)} ${r1(b.y1 + 3)}"/>`;
  } else if (st === 'info') {
    s += `<circle class="q" cx="${b.x}" cy="${b.y1}" r="3.2"/>`;
  }
  const lx = r1(b.x - 10);
  s += `<text class="halo mono" x="${lx}" y="${r1(b.y0 + 4)}">${esc(b.startLabel)}</text>`;
  if (!b.open) {
    const ey = Math.max(b.y1 + 4, b.y0 + 16);
    s += `<text class="end halo mono" x="${lx}" y="${r1(ey)}">${esc(b.endLabel)}</text>`;
  }
  if (b.badge) s += `<text class="badge halo mono" x="${r1(b.x + 9)}" y="${r1(b.y0 + 9)}">${esc(b.badge)}</text>`;
  return s + '</g>';
}

function legendGlyph(k: LegendKey, x: number, y: number, prefix: string): string {
  const m = y - 4;
  switch (k) {
    case 'message':
      return `<g class="msg"><line class="ln" x1="${x}" y1="${m - 3}" x2="${x + 12}" y2="${m + 2}"/><path class="hd" d="M${x + 18} ${m + 4}L${x + 10} ${m + 4.6}L${x + 12.5} ${m - 1.6}Z"/></g>`;
    case 'local':
      return `<circle class="dot local" cx="${x + 8}" cy="${m}" r="3.5"/>`;
    case 'lost':
      return `<g class="msg drop"><line class="ln" x1="${x}" y1="${m}" x2="${x + 11}" y2="${m}"/><path class="x" d="M${x + 11} ${m - 4}l8 8M${x + 11} ${m + 4}l8 -8"/></g>`;
    case 'duplicate':
      return `<g class="msg copy"><line class="ln" x1="${x}" y1="${m}" x2="${x + 18}" y2="${m}"/></g>`;
    case 'late':
      return `<g class="msg late"><line class="ln" x1="${x}" y1="${m}" x2="${x + 12}" y2="${m}"/><path class="hd" d="M${x + 19} ${m}L${x + 12} ${m - 3.5}L${x + 12} ${m + 3.5}Z"/></g>`;
    case 'partition':
      return `<rect class="band" x="${x}" y="${m - 6}" width="18" height="12"/><rect x="${x}" y="${m - 6}" width="18" height="12" fill="url(#${prefix}-part)"/>`;
    case 'pause':
      return `<rect class="pause" x="${x + 3}" y="${m - 6}" width="12" height="12" fill="url(#${prefix}-pause)"/>`;
    case 'crash':
      return `<g class="mark crash"><path d="M${x + 4} ${m - 5}l10 10M${x + 4} ${m + 5}l10 -10"/></g>`;
    case 'ok':
    case 'fail':
    case 'info': {
      const fill = k === 'fail' ? ` fill="url(#${prefix}-fail)"` : '';
      return `<g class="op ${k}"><rect class="bar" x="${x + 4}" y="${m - 7}" width="9" height="14" rx="2"${fill}/></g>`;
    }
    case 'highlight':
      return `<g class="msg hl"><line class="ln" x1="${x}" y1="${m}" x2="${x + 18}" y2="${m}"/></g>`;
    case 'past':
      return `<g class="msg past"><line class="ln" x1="${x}" y1="${m}" x2="${x + 12}" y2="${m}"/></g><circle class="dot past" cx="${x + 15}" cy="${m}" r="3.4"/>`;
    case 'future':
      return `<g class="msg future"><line class="ln" x1="${x}" y1="${m}" x2="${x + 12}" y2="${m}"/></g><circle class="dot future" cx="${x + 15}" cy="${m}" r="3.4"/>`;
  }
}

const LEGEND_TEXT: Record<LegendKey, string> = {
  message: 'message',
  local: 'local event',
  lost: 'lost / dropped',
  duplicate: 'duplicate copy',
  late: 'late reply',
  partition: 'partitioned',
  pause: 'paused',
  crash: 'crash',
  ok: 'op ok ✓',
  fail: 'op failed ✗',
  info: 'op unknown ?',
  highlight: 'highlighted',
  past: 'causal past',
  future: 'causal future',
};

/** Turn a layout into SVG markup. */
export function layoutToSvg(L: RunLayout, trace: Trace, opts: DiagramOptions = {}): string {
  const prefix = opts.idPrefix ?? 'rd';
  const focusable = opts.focusable === true;
  const W = L.width;
  const H = L.height;
  const title = opts.title ?? `Space-time diagram of a simulated run (seed ${trace.seed})`;
  const desc = opts.description ?? summarizeRun(trace, opts);
  const out: string[] = [];
  const role = focusable ? 'group' : 'img';
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="${cls('rd', L.hasHighlight && 'has-hl', L.hasCone && 'has-cone')}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="${role}" aria-labelledby="${prefix}-t ${prefix}-d" data-from="${r1(L.from * 1000) / 1000}" data-to="${r1(L.to * 1000) / 1000}">`,
  );
  out.push(`<title id="${prefix}-t">${esc(title)}</title><desc id="${prefix}-d">${esc(desc)}</desc>`);
  if (opts.embedStyle !== false) out.push(`<style>${DIAGRAM_CSS}</style>`);
  out.push(
    `<defs>` +
      `<pattern id="${prefix}-part" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line class="pat part" x1="0" y1="0" x2="0" y2="7"/></pattern>` +
      `<pattern id="${prefix}-pause" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><line class="pat pause" x1="0" y1="0" x2="0" y2="5"/></pattern>` +
      `<pattern id="${prefix}-fail" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line class="pat fail" x1="0" y1="0" x2="0" y2="4"/></pattern>` +
      `</defs>`,
  );
  // Axis: grid lines and times.
  out.push('<g class="axis" aria-hidden="true">');
  for (const t of L.ticks) {
    out.push(`<line class="grid" x1="${L.gutter - 4}" y1="${t.y}" x2="${W - 4}" y2="${t.y}"/><text class="tick" x="${L.gutter - 8}" y="${r1(t.y + 3.5)}">${esc(t.text)}</text>`);
  }
  out.push('</g>');
  // Bands under everything else; their names go over the arrows, with the other labels.
  const bandLabels: string[] = [];
  out.push('<g class="bands">');
  for (const r of L.regions) {
    const h = r1(Math.max(3, r.y1 - r.y0));
    const w = r1(r.x1 - r.x0);
    const t = `<title>${esc(regionTitle(r.kind, r.lanes.join(" and "), r.label, r.t0, r.end >= 0 ? r.t1 : undefined))}</title>`;
    if (r.kind === 'partition' || r.kind === 'isolate') {
      out.push(`<g class="${cls('rd-x', r.hl && 'hl')}" data-ev="${r.start}">${t}<rect class="${cls('band', r.hl && 'hl')}" x="${r.x0}" y="${r.y0}" width="${w}" height="${h}" rx="4"/><rect x="${r.x0}" y="${r.y0}" width="${w}" height="${h}" rx="4" fill="url(#${prefix}-part)"/></g>`);
      if (r.label) bandLabels.push(`<text class="${cls('rd-x band-label halo', r.hl && 'hl')}" data-ev="${r.start}" x="${r1(r.x0 + 5)}" y="${r1(r.y0 + 13)}">${esc(r.label)}</text>`);
    } else if (r.kind === 'block') {
      out.push(`<g class="rd-x" data-ev="${r.start}">${t}<rect class="band block" x="${r.x0}" y="${r.y0}" width="${w}" height="${h}" rx="3"/></g>`);
      if (r.label) bandLabels.push(`<text class="rd-x band-label halo" data-ev="${r.start}" x="${r1(r.x1 + 4)}" y="${r1(r.y0 + 11)}">${esc(r.label)}</text>`);
    } else if (r.kind === 'pause') {
      out.push(`<g class="rd-x" data-ev="${r.start}">${t}<rect class="pause" x="${r.x0}" y="${r.y0}" width="${w}" height="${h}" rx="3" fill="url(#${prefix}-pause)"/></g>`);
      bandLabels.push(`<text class="rd-x pause-label halo" data-ev="${r.start}" x="${r1(r.x1 + 4)}" y="${r1(r.y0 + 11)}">paused</text>`);
    }
  }
  out.push('</g>');
  // Lanes.
  out.push('<g class="lanes">');
  for (const l of L.lanes) {
    for (const s of l.segments) {
      out.push(`<line class="${cls('lane', l.kind === 'client' && 'client', s.state === 'down' && 'down', l.highlighted && 'hl')}" x1="${l.x}" y1="${s.y0}" x2="${l.x}" y2="${s.y1}"/>`);
    }
  }
  out.push('</g>');
  // Breaks in time, over the lanes.
  if (L.breaks.length) {
    out.push('<g class="brk" aria-hidden="true">');
    for (const b of L.breaks) {
      const x0 = L.gutter - 2;
      const y0 = b.y0 + 5;
      const y1 = b.y1 - 5;
      let z0 = `M${x0} ${y0}`;
      let z1 = `M${x0} ${y1}`;
      for (let x = x0, k = 0; x < W - 6; x += 6, k++) {
        z0 += `L${x + 6} ${k % 2 ? y0 : y0 - 3}`;
        z1 += `L${x + 6} ${k % 2 ? y1 : y1 - 3}`;
      }
      out.push(`<rect x="${x0}" y="${r1(y0 - 1)}" width="${r1(W - 6 - x0)}" height="${r1(Math.max(1, y1 - y0 - 1))}"/><path d="${z0}"/><path d="${z1}"/>`);
      out.push(`<text x="${L.gutter - 8}" y="${r1((b.y0 + b.y1) / 2 + 3.5)}">${esc(gapLabel(b.ms, L.compact))}</text>`);
    }
    out.push('</g>');
  }
  if (L.currentY !== undefined) out.push(`<line class="cur-guide" x1="${L.gutter - 4}" y1="${L.currentY}" x2="${W - 4}" y2="${L.currentY}"/>`);
  // Operations, messages, events, labels.
  out.push('<g class="ops">');
  for (const b of L.bars) out.push(barSvg(b, focusable, prefix));
  out.push('</g><g class="msgs">');
  for (const a of L.arrows) out.push(arrowSvg(a, focusable));
  // Inside a keyboard-focusable arrow its label was part of the arrow's name; here it would be read twice.
  out.push('</g><g class="labels" aria-hidden="true">');
  for (const a of L.arrows) out.push(arrowLabelSvg(a));
  out.push('</g><g class="band-labels">', ...bandLabels, '</g><g class="events">');
  for (const m of L.marks) {
    const k = cls('rd-x mark', m.kind, m.hl && 'hl', m.cone, m.current && 'cur');
    let g = '';
    if (m.kind === 'crash') g = `<path d="M${r1(m.x - 6)} ${r1(m.y - 6)}l12 12M${r1(m.x - 6)} ${r1(m.y + 6)}l12 -12"/>`;
    else if (m.kind === 'restart') g = `<path d="M${r1(m.x - 8)} ${r1(m.y - 2)}h16M${r1(m.x - 8)} ${r1(m.y + 2)}h16"/>`;
    else g = `<path d="M${r1(m.x - 6)} ${m.y}h12"/>`;
    out.push(`<g class="${k}" data-ev="${m.ev}"><title>${esc(m.title)}</title>${g}<text class="halo" x="${r1(m.x + 10)}" y="${r1(m.y + 4)}">${esc(m.text)}</text></g>`);
  }
  for (const d of L.dots) {
    const k = cls('rd-x dot', d.kind, d.hl && 'hl', d.cone, d.current && 'cur');
    const f = focusable && d.kind === 'local' ? ` tabindex="0" role="button" aria-label="${esc(d.title)}"` : '';
    if (d.kind === 'timer') {
      out.push(`<path class="${k}" data-ev="${d.ev}" d="M${r1(d.x - 9)} ${d.y}h6"><title>${esc(d.title)}</title></path>`);
    } else if (d.kind === 'adv') {
      out.push(`<path class="${k}" data-ev="${d.ev}" d="M${d.x} ${r1(d.y - 4.5)}l4.5 4.5l-4.5 4.5l-4.5 -4.5Z"><title>${esc(d.title)}</title></path>`);
    } else {
      const rr = d.cone === 'focus' ? 5.5 : d.kind === 'local' ? 3.6 : 3.2;
      out.push(`<circle class="${k}" data-ev="${d.ev}" cx="${d.x}" cy="${d.y}" r="${rr}"${f}><title>${esc(d.title)}</title></circle>`);
    }
  }
  if (L.currentX !== undefined && L.currentY !== undefined) out.push(`<circle class="ring" cx="${L.currentX}" cy="${L.currentY}" r="8"/>`);
  for (const l of L.labels) {
    out.push(`<g class="${cls('rd-x', l.hl && 'hl', l.cone)}" data-ev="${l.ev}">${plate(l.x, l.y, l.text, 11)}<text class="${cls('lbl halo', l.hl && 'hl', l.cone)}" x="${l.x}" y="${l.y}">${esc(l.text)}</text></g>`);
  }
  out.push('</g>');
  // Lane names, on top; again at the bottom of tall diagrams.
  out.push('<g class="heads">');
  const names = (y: number, withClock: boolean) => {
    for (const l of L.lanes) {
      out.push(`<text class="lane-name halo${l.highlighted ? ' hl' : ''}" x="${l.x}" y="${y}">${esc(l.id)}</text>`);
      if (withClock && l.kind === 'client') out.push(`<text class="lane-kind" x="${l.x}" y="${y + 14}">client</text>`);
      else if (withClock && l.clock) {
        const [first, second] = l.clock.split('\n');
        out.push(`<text class="clock" x="${l.x}" y="${y + 14}">${esc(first!)}${second ? `<tspan x="${l.x}" dy="12">${esc(second)}</tspan>` : ''}</text>`);
      }
    }
  };
  names(22, true);
  out.push(`<text class="tick" x="${L.gutter - 8}" y="22">true</text><text class="tick" x="${L.gutter - 8}" y="35">time</text>`);
  if (L.footer) names(L.plotBottom + 26, false);
  out.push('</g>');
  if (L.legend.length) {
    out.push('<g class="legend" aria-hidden="true">');
    const perRow = Math.max(1, Math.floor((W - 16) / 118));
    L.legend.forEach((k, i) => {
      const x = 10 + (i % perRow) * 118;
      const y = L.legendTop + Math.floor(i / perRow) * 20 + 12;
      const text = k === 'message' && L.commonType ? L.commonType : LEGEND_TEXT[k];
      out.push(legendGlyph(k, x, y, prefix) + `<text x="${x + 24}" y="${y}">${esc(text)}</text>`);
    });
    out.push('</g>');
  }
  out.push('</svg>');
  const svg = out.join('');
  // Hover titles are a third of a busy diagram's bytes; only the picture's own title stays.
  return opts.tooltips === false ? svg.replace(/<title>[^<]*<\/title>/g, '') : svg;
}

function regionTitle(kind: string, lane: string, label: string | undefined, t0: number, t1: number | undefined): string {
  const span = `from ${fmtMs(t0)}${t1 !== undefined ? ` to ${fmtMs(t1)}` : ' to the end'}`;
  if (kind === 'partition') return `${label ?? 'partition'}: ${lane} cut off ${span}`;
  if (kind === 'isolate') return `${lane} isolated ${span}`;
  if (kind === 'block') return `${lane} ${label ?? 'blocked'} ${span}`;
  if (kind === 'pause') return `${lane} paused ${span}`;
  return `${lane} down ${span}`;
}

/** Render a trace as a space-time diagram (SVG markup). */
export function renderDiagram(trace: Trace, opts: DiagramOptions = {}): RenderedDiagram {
  const layout = layoutRun(trace, opts);
  return { svg: layoutToSvg(layout, trace, opts), width: layout.width, height: layout.height, layout };
}
