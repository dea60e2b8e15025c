/**
 * Layout of a space-time diagram: where every lane, arrow, mark, band and bar goes.
 * Time flows DOWN, one column (lane) per node and per client. Pure data: the SVG writer
 * (svg.ts) only turns it into markup, and the tests check it directly.
 * @module
 */
import type { Trace, TraceEvent } from '../sim/trace.ts';
import { defaultAnnotate, fmtMs, laneOf, msgType, pairMessages, pairOps, shortJSON, type MessageInfo, type OpInfo } from './model.ts';
import { autoMinGap, buildScale, tickStep, type TimeScale } from './scale.ts';
import type { DiagramOptions } from './types.ts';

export interface LaneLayout {
  id: string;
  kind: 'node' | 'client';
  x: number;
  /** Clock note for the header, e.g. `+40 ms, +500 ppm`. */
  /** Clock offset and drift under the lane's name; a line break where it is split in two. */
  clock?: string;
  highlighted: boolean;
  /** Stretches of the lane; 'down' between a crash and its restart. */
  segments: { y0: number; y1: number; state: 'up' | 'down' }[];
}

export type ArrowKind = 'deliver' | 'late' | 'drop' | 'out' | 'in' | 'flight';

export interface ArrowLayout {
  msg: number;
  from: string;
  to: string;
  /** Event that sent it (send, forge, replay), -1 if outside the trace. */
  origin: number;
  /** Event that ended it (deliver or drop). */
  end: number;
  kind: ArrowKind;
  copy: boolean;
  duplicated: boolean;
  adv?: string;
  reason?: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  t1: number;
  t2: number;
  /** The start or end is cut by the time window (no dot, no head there). */
  cut1: boolean;
  cut2: boolean;
  label?: { x: number; y: number; text: string };
  /** Plain-words description (tooltip and accessible name). */
  title: string;
  payload: string;
  hl: boolean;
  cone?: 'past' | 'future';
  current: boolean;
}

export interface DotLayout {
  ev: number;
  lane: string;
  x: number;
  y: number;
  kind: 'send' | 'deliver' | 'local' | 'timer' | 'adv';
  title: string;
  hl: boolean;
  cone?: 'past' | 'future' | 'focus';
  current: boolean;
}

export interface LabelLayout {
  ev: number;
  x: number;
  y: number;
  text: string;
  hl: boolean;
  cone?: 'past' | 'future' | 'focus';
}

export type RegionKind = 'partition' | 'isolate' | 'block' | 'pause' | 'down';

export interface RegionLayout {
  kind: RegionKind;
  /** The first lane it covers; `lanes` lists all of them (neighbours share one band). */
  lane: string;
  lanes: string[];
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  t0: number;
  t1: number;
  /** Event that began it and the one that ended it (-1: still going at the end of the window). */
  start: number;
  end: number;
  label?: string;
  hl: boolean;
}

export type MarkKind = 'crash' | 'restart' | 'skew' | 'timeout' | 'error' | 'resume';

export interface MarkLayout {
  kind: MarkKind;
  ev: number;
  lane: string;
  x: number;
  y: number;
  text: string;
  title: string;
  hl: boolean;
  cone?: 'past' | 'future' | 'focus';
  current: boolean;
}

export interface BarLayout {
  op: OpInfo;
  lane: string;
  x: number;
  y0: number;
  y1: number;
  /** The operation goes on past the window (pending, or cut). */
  open: boolean;
  startLabel: string;
  endLabel: string;
  badge?: string;
  title: string;
  hl: boolean;
  cone?: 'past' | 'future' | 'focus';
  current: boolean;
}

export interface BreakLayout {
  y0: number;
  y1: number;
  ms: number;
}

export interface TickLayout {
  y: number;
  t: number;
  text: string;
}

export type LegendKey = 'message' | 'lost' | 'duplicate' | 'late' | 'partition' | 'pause' | 'crash' | 'ok' | 'fail' | 'info' | 'local' | 'past' | 'future' | 'highlight';

export interface RunLayout {
  width: number;
  height: number;
  gutter: number;
  /** Laid out to fit a narrow width (`fitWidth`). */
  compact: boolean;
  laneWidth: number;
  plotTop: number;
  plotBottom: number;
  /** Repeat lane names under the plot (tall diagrams). */
  footer: boolean;
  legendTop: number;
  lanes: LaneLayout[];
  arrows: ArrowLayout[];
  dots: DotLayout[];
  labels: LabelLayout[];
  regions: RegionLayout[];
  marks: MarkLayout[];
  bars: BarLayout[];
  breaks: BreakLayout[];
  ticks: TickLayout[];
  legend: LegendKey[];
  /** The message type left unlabelled because it is most of the traffic (the legend names it). */
  commonType?: string;
  /** A horizontal guide at the current event, if any, and its lane. */
  currentY?: number;
  currentX?: number;
  scale: TimeScale;
  from: number;
  to: number;
  hasHighlight: boolean;
  hasCone: boolean;
  messages: Map<number, MessageInfo>;
  ops: OpInfo[];
}

const GUTTER = 60;
/**
 * Run diagrams on a page come in two layouts: the usual one, and one that fits a phone
 * (`fitWidth: NARROW_FIT`), shown when the figure is narrower than NARROW_BELOW px, where the
 * usual one (never shrunk below 0.8x, to stay legible) would have to scroll sideways.
 * RunDiagram.astro's container query repeats NARROW_BELOW.
 */
export const NARROW_FIT = 360;
export const NARROW_BELOW = 520;
/** With `fitWidth`: a narrower time axis, lanes no narrower than this, a last-lane margin up to this. */
const COMPACT_GUTTER = 52;
const COMPACT_MIN_LANE = 44;
const COMPACT_MAX_PAD = 100;
const HEADER = 44;
const HEADER_CLOCK = 56;
/** Width of a character of a clock note (10.5 px sans-serif), for fitting it to its lane. */
const CLOCK_CHAR_W = 5.6;
export const CHAR_W = 6.6; // 11 px monospace
const LABEL_H = 12;
/** Where an event's label may go, from its usual place beside the event (px, down). */
const EVENT_LABEL_DY = [0, -9, 9, LABEL_H * 2, LABEL_H * 2.5];
/** Labels on arrows when 'auto': only when there are this few arrows. */
const AUTO_LABELS = 36;

/** Round to 0.1 px: smaller files, identical output everywhere. */
export const r1 = (x: number): number => Math.round(x * 10) / 10;

function clockNote(skewMs: number, drift: number): string {
  const s = `${skewMs >= 0 ? '+' : '−'}${fmtMs(Math.abs(skewMs))}`;
  if (!drift) return `clock ${s}`;
  const ppm = Math.round(drift * 1e6);
  return `${s}, ${ppm >= 0 ? '+' : '−'}${Math.abs(ppm)} ppm`;
}

function fit(text: string, px: number): string {
  const n = Math.max(2, Math.floor(px / CHAR_W));
  return text.length > n ? text.slice(0, n - 1) + '…' : text;
}

function opStartLabel(op: OpInfo): string {
  const arg = op.input === undefined ? '' : ' ' + shortJSON(op.input, 14);
  return `${op.key !== undefined ? op.key + ' ' : ''}${op.f}${arg}`;
}

function opEndLabel(op: OpInfo): string {
  switch (op.status) {
    case 'ok': {
      const o = op.output;
      const simple = o === null || typeof o !== 'object' || Array.isArray(o);
      return simple && o !== undefined ? `✓ → ${shortJSON(o, 12)}` : '✓ ok';
    }
    case 'fail':
      return `✗ ${op.error ? shortJSON(op.error, 12).replace(/^"|"$/g, '') : 'failed'}`;
    case 'info':
      return `? ${op.error ? op.error.slice(0, 12) : 'unknown'}`;
    case 'pending':
      return '… no reply yet';
  }
}

export function describeOp(op: OpInfo): string {
  const what = opStartLabel(op);
  const end =
    op.status === 'ok'
      ? `returned ${op.output === undefined ? 'ok' : shortJSON(op.output, 40)} at ${fmtMs(op.t1)}`
      : op.status === 'fail'
        ? `failed${op.error ? ` (${op.error})` : ''} at ${fmtMs(op.t1)}: it certainly did not take effect`
        : op.status === 'info'
          ? `ended without an answer${op.error ? ` (${op.error})` : ''} at ${fmtMs(op.t1)}: it may or may not have taken effect`
          : 'had not finished when the run ended';
  const id = op.opId !== undefined ? `operation ${op.opId}` : 'operation';
  return `${op.client} (process ${op.process}) ${id}: ${what} on ${op.node}, invoked at ${fmtMs(op.t0)}, ${end}`;
}

export function describeMessage(m: MessageInfo, o: { kind: 'deliver' | 'drop'; t: number; copy: boolean; late: boolean; reason?: string; adv?: string } | undefined): string {
  const name = `${msgType(m.msg)} #${m.id}`;
  const how = m.originKind === 'forge' ? 'forged by the adversary as if from' : m.originKind === 'replay' ? `replayed (a copy of #${m.of ?? '?'}) as if from` : 'from';
  let s = `${name} ${how} ${m.from} to ${m.to}`;
  if (m.origin >= 0) s += `, sent at ${fmtMs(m.t)}`;
  if (!o) return s + ', still in flight';
  if (o.kind === 'drop') {
    const why = o.reason === 'loss' ? 'lost by the network' : o.reason === 'partition' ? 'dropped by a partition' : o.reason === 'crashed' ? `dropped: ${m.to} was down` : 'dropped by the adversary';
    return `${s}, ${o.copy ? 'its duplicate ' : ''}${why} at ${fmtMs(o.t)}`;
  }
  return `${s}, ${o.copy ? 'duplicate copy ' : ''}delivered at ${fmtMs(o.t)}${o.late ? ' (a late reply, ignored)' : ''}${o.adv ? ` (${o.adv} by the adversary)` : ''}`;
}

function eventTitle(e: TraceEvent, label: string | undefined): string {
  const at = fmtMs(e.t);
  switch (e.type) {
    case 'log':
      return `${e.node} logs "${e.text}"${e.data !== undefined ? ' ' + shortJSON(e.data, 80) : ''} at ${at}`;
    case 'timer-fire':
      return `${e.node}: timer ${e.name} fires at ${at}`;
    case 'crash':
      return `${e.node} crashes at ${at}: it loses everything but its storage`;
    case 'restart':
      return `${e.node} restarts at ${at} (incarnation ${e.incarnation})`;
    case 'skew':
      return `${e.node}'s clock is set to ${clockNote(e.skewMs, e.drift)} at ${at}`;
    case 'timeout':
      return `${e.node}: request #${e.id} to ${e.to} times out at ${at}`;
    case 'error':
      return `${e.node}: a handler threw at ${at}: ${e.error}`;
    case 'resume':
      return `${e.node} resumes at ${at}; ${e.held} queued events run now`;
    default:
      return `${e.type} at ${at}${label ? ` (${label})` : ''}`;
  }
}

/** Lay out a trace. Same trace and options, same layout (no randomness, no clocks). */
export function layoutRun(trace: Trace, opts: DiagramOptions = {}): RunLayout {
  const ev = trace.events;
  const lastT = ev.length ? ev[ev.length - 1]!.t : 0;
  const from = opts.from ?? 0;
  const to = Math.max(opts.to ?? lastT, from + 1e-3);
  const showClients = opts.clients !== false;
  const filter = opts.nodes ? new Set(opts.nodes) : undefined;
  const laneIds: { id: string; kind: 'node' | 'client' }[] = [];
  // Clients first: operations read left to right into the servers they call.
  if (showClients) for (const c of trace.clients) if (!filter || filter.has(c)) laneIds.push({ id: c, kind: 'client' });
  for (const n of trace.nodes) if (!filter || filter.has(n)) laneIds.push({ id: n, kind: 'node' });
  const laneIdx = new Map(laneIds.map((l, i) => [l.id, i] as const));
  const n = Math.max(1, laneIds.length);
  const visible = (id: string | undefined) => id !== undefined && laneIdx.has(id);
  const inWin = (t: number) => t >= from && t <= to;
  const annotate = opts.annotate ?? defaultAnnotate;
  const compact = opts.fitWidth !== undefined;
  const gutter = compact ? COMPACT_GUTTER : GUTTER;
  const firstLane = laneIds[0];
  const lastLane = laneIds[laneIds.length - 1]?.id;
  let laneWidth: number;
  let leftPad: number;
  let rightPad: number;
  if (opts.fitWidth !== undefined) {
    // A phone cannot scroll a space-time diagram sideways usefully (both ends of an arrow
    // must be in view), so the lanes share the width, and the labels that hang off the outer
    // lanes (a watcher's verdicts on the right, a client's operations on the left) get
    // margins of their own instead of widening every lane.
    let right = 0;
    for (let i = 0; i < ev.length; i++) {
      const e = ev[i]!;
      const lane = e.type === 'log' ? e.node : e.type === 'send' ? e.from : e.type === 'deliver' ? e.to : undefined;
      if (lane === undefined || lane !== lastLane || !inWin(e.t)) continue;
      right = Math.max(right, annotate(e, i)?.length ?? 0);
    }
    let left = 0;
    if (firstLane?.kind === 'client') {
      for (const op of pairOps(trace)) if (op.client === firstLane.id) left = Math.max(left, opStartLabel(op).length, opEndLabel(op).length);
    }
    const room = opts.fitWidth - gutter - 8;
    const wantLeft = left ? Math.min(left * CHAR_W + 12, COMPACT_MAX_PAD) : 0;
    const wantRight = right ? Math.min(right * CHAR_W + 12, COMPACT_MAX_PAD) : 0;
    laneWidth = room / n;
    for (let k = 0; k < 3 && n > 1; k++) {
      laneWidth = (room - Math.max(laneWidth / 2, wantLeft) - Math.max(laneWidth / 2, wantRight)) / (n - 1);
    }
    laneWidth = Math.max(COMPACT_MIN_LANE, Math.floor(laneWidth));
    leftPad = Math.max(laneWidth / 2, wantLeft);
    rightPad = Math.max(laneWidth / 2, wantRight);
  } else {
    laneWidth = opts.laneWidth ?? Math.min(140, Math.max(104, Math.floor((640 - GUTTER - 8) / n)));
    leftPad = laneWidth / 2;
    rightPad = laneWidth / 2;
  }
  const width = Math.round(gutter + leftPad + (n - 1) * laneWidth + rightPad + 8);
  const xOf = (id: string) => gutter + leftPad + laneIdx.get(id)! * laneWidth;
  const midX = gutter + leftPad + ((n - 1) * laneWidth) / 2;
  /** Room for a label beside an event on this lane, in px. */
  const labelRoom = (lane: string): number => {
    if (!compact) return laneWidth / 2 - 4;
    if (lane === lastLane) return rightPad - 10;
    // A client lane's bar labels hang to its left, into this lane's right half.
    return laneIds[laneIdx.get(lane)! + 1]?.kind === 'client' ? laneWidth / 2 - 4 : laneWidth - 8;
  };
  /** Room for a client operation's labels, which hang to the left of its bar. */
  const barRoom = (lane: string): number => {
    if (!compact) return laneWidth / 2 - 8;
    // Clients come first, so the lane to the left is another client's, with nothing on its right.
    return lane === firstLane?.id ? leftPad - 12 : laneWidth - 18;
  };
  const timers = opts.timers === true;

  const hl = opts.highlight;
  const hlEvents = new Set(hl?.events ?? []);
  const hlMsgs = new Set(hl?.messages ?? []);
  const hlOps = new Set(hl?.ops ?? []);
  const hlNodes = new Set(hl?.nodes ?? []);
  const hasHighlight = hlEvents.size + hlMsgs.size + hlOps.size + hlNodes.size > 0;
  const cone = opts.cone;
  const coneOf = (i: number): 'past' | 'future' | 'focus' | undefined =>
    !cone ? undefined : i === cone.focus ? 'focus' : cone.past.has(i) ? 'past' : cone.future.has(i) ? 'future' : undefined;
  const current = opts.current ?? -1;

  // Clock notes known before anything happens go in the header.
  const firstActivity = ev.find((e) => e.type !== 'skew' && e.type !== 'network' && e.type !== 'start')?.t ?? 0;
  const headerClock = new Map<string, string>();
  for (const e of ev) {
    if (e.type === 'skew' && e.t <= Math.max(firstActivity, from)) headerClock.set(e.node, clockNote(e.skewMs, e.drift));
  }

  // ---- times, for the scale ----
  const messages = pairMessages(trace);
  const ops = pairOps(trace);
  const times: number[] = [];
  const perLane = new Map<string, number[]>();
  const mark = (lane: string | undefined, t: number) => {
    if (!inWin(t)) return;
    times.push(t);
    if (lane !== undefined) {
      let a = perLane.get(lane);
      if (!a) perLane.set(lane, (a = []));
      a.push(t);
    }
  };
  for (let i = 0; i < ev.length; i++) {
    const e = ev[i]!;
    switch (e.type) {
      case 'send':
        if (visible(e.from) || visible(e.to)) mark(visible(e.from) ? e.from : undefined, e.t);
        break;
      case 'deliver':
        if (visible(e.from) || visible(e.to)) mark(visible(e.to) ? e.to : undefined, e.t);
        break;
      case 'drop':
      case 'forge':
      case 'replay':
        if (visible(e.from) || visible(e.to)) mark(undefined, e.t);
        break;
      case 'invoke':
      case 'complete':
        if (visible(e.client)) mark(e.client, e.t);
        break;
      case 'timer-fire':
        if (timers && visible(e.node)) mark(e.node, e.t);
        break;
      case 'log':
        if (visible(e.node) && annotate(e, i) !== undefined) mark(e.node, e.t);
        break;
      case 'crash':
      case 'restart':
      case 'pause':
      case 'resume':
      case 'timeout':
      case 'error':
      case 'isolate':
        if (visible(e.node)) mark(e.node, e.t);
        break;
      case 'skew':
        if (visible(e.node) && e.t > Math.max(firstActivity, from)) mark(e.node, e.t);
        break;
      case 'partition':
      case 'heal':
      case 'block':
        mark(undefined, e.t);
        break;
      default:
        break;
    }
  }
  const laneGaps: number[] = [];
  for (const ts of perLane.values()) {
    ts.sort((a, b) => a - b);
    for (let i = 1; i < ts.length; i++) if (ts[i]! > ts[i - 1]!) laneGaps.push(ts[i]! - ts[i - 1]!);
  }
  const compress = opts.compress ?? true;
  const minGapMs = compress === false ? Infinity : typeof compress === 'number' ? compress : autoMinGap(times);
  const anyClock = headerClock.size > 0;
  // A note wider than its lane ("+112 ms, +80 ppm" over a phone's narrow lane) goes on two
  // lines, offset above drift, rather than running into its neighbours'.
  let clockLines = 1;
  for (const [id, note] of headerClock) {
    if (note.length * CLOCK_CHAR_W > laneWidth - 6 && note.includes(', ')) {
      headerClock.set(id, note.replace(', ', '\n'));
      clockLines = 2;
    }
  }
  const plotTop = (anyClock ? HEADER_CLOCK + (clockLines - 1) * 12 : HEADER) + 6;
  const maxHeight = opts.maxHeight ?? 1500;
  const scale = buildScale({
    from,
    to,
    top: plotTop,
    times,
    laneGaps,
    pxPerMs: opts.pxPerMs,
    minGapMs,
    maxPlot: Math.max(120, maxHeight - plotTop - 110),
    // The default height is a wish; a maxHeight the caller set is a limit.
    squash: opts.maxHeight !== undefined,
    minPlot: opts.minHeight ?? 0,
  });
  const Y = (t: number) => r1(scale.y(t));
  const plotBottom = r1(scale.bottom);

  // ---- lanes, crash segments, regions ----
  const lanes: LaneLayout[] = laneIds.map(({ id, kind }) => {
    const l: LaneLayout = { id, kind, x: r1(xOf(id)), highlighted: hlNodes.has(id), segments: [] };
    const c = headerClock.get(id);
    if (c) l.clock = c;
    return l;
  });
  const regions: RegionLayout[] = [];
  const marks: MarkLayout[] = [];
  const open = new Map<string, RegionLayout[]>(); // 'net' | 'pause:n1' | 'down:n1'
  const downSince = new Map<string, number>();
  const bandX = (id: string, inset: number): [number, number] => {
    const x = xOf(id);
    return [r1(x - laneWidth / 2 + inset), r1(x + laneWidth / 2 - inset)];
  };
  const openRegion = (key: string, kind: RegionKind, lane: string, i: number, label?: string, narrow = false, span?: string[]) => {
    const last = span ? span[span.length - 1]! : lane;
    const [x0, x1] = narrow ? [r1(xOf(lane) - 9), r1(xOf(lane) + 9)] : [bandX(lane, 5)[0], bandX(last, 5)[1]];
    const reg: RegionLayout = { kind, lane, lanes: span ?? [lane], x0, x1, y0: 0, y1: 0, t0: ev[i]!.t, t1: to, start: i, end: -1, hl: hlEvents.has(i) || (span ?? [lane]).some((l) => hlNodes.has(l)) };
    if (label) reg.label = label;
    let a = open.get(key);
    if (!a) open.set(key, (a = []));
    a.push(reg);
  };
  const closeRegions = (key: string, i: number) => {
    const a = open.get(key);
    if (!a) return;
    for (const reg of a) {
      reg.t1 = i >= 0 ? ev[i]!.t : to;
      reg.end = i;
      if (i >= 0 && hlEvents.has(i)) reg.hl = true;
      if (reg.t1 >= from && reg.t0 <= to && reg.t1 > reg.t0 - 1e-9) {
        reg.y0 = Y(reg.t0);
        reg.y1 = Math.max(Y(reg.t1), reg.y0 + 3);
        regions.push(reg);
      }
    }
    open.delete(key);
  };
  for (let i = 0; i < ev.length; i++) {
    const e = ev[i]!;
    if (e.t > to && e.type !== 'heal' && e.type !== 'resume' && e.type !== 'restart') continue;
    switch (e.type) {
      case 'partition': {
        closeRegions('net', i);
        const groups = e.groups.map((g) => g.filter((x) => visible(x)));
        // The biggest group stays unshaded; the others are the ones cut off.
        let big = 0;
        e.groups.forEach((g, k) => {
          if (g.length > e.groups[big]!.length) big = k;
        });
        const text = `partition ${e.groups.map((g) => g.join(' ')).join(' | ')}`;
        let first = true;
        groups.forEach((g, k) => {
          if (k === big) return;
          // Neighbouring lanes of one group share one band.
          const idx = g.map((id) => laneIdx.get(id)!).sort((a, b) => a - b);
          for (let s0 = 0; s0 < idx.length; ) {
            let s1 = s0;
            while (s1 + 1 < idx.length && idx[s1 + 1] === idx[s1]! + 1) s1++;
            const ids = idx.slice(s0, s1 + 1).map((q) => laneIds[q]!.id);
            openRegion('net', 'partition', ids[0]!, i, first ? text : undefined, false, ids);
            first = false;
            s0 = s1 + 1;
          }
        });
        break;
      }
      case 'isolate':
        if (visible(e.node)) openRegion('net', 'isolate', e.node, i, `isolated`);
        break;
      case 'block':
        if (visible(e.from)) openRegion('net', 'block', e.from, i, `blocks → ${e.to}`, true);
        break;
      case 'heal':
        closeRegions('net', i);
        break;
      case 'pause':
        if (visible(e.node)) openRegion(`pause:${e.node}`, 'pause', e.node, i, 'paused', true);
        break;
      case 'resume':
        closeRegions(`pause:${e.node}`, i);
        break;
      case 'crash':
        if (visible(e.node)) {
          openRegion(`down:${e.node}`, 'down', e.node, i, undefined, true);
          downSince.set(e.node, i);
        }
        break;
      case 'restart':
        closeRegions(`down:${e.node}`, i);
        break;
      default:
        break;
    }
  }
  for (const key of [...open.keys()]) closeRegions(key, -1);
  regions.sort((a, b) => a.t0 - b.t0 || a.x0 - b.x0);
  for (const l of lanes) {
    const downs = regions.filter((r) => r.kind === 'down' && r.lane === l.id).sort((a, b) => a.y0 - b.y0);
    let y = scale.top;
    for (const d of downs) {
      if (d.y0 > y) l.segments.push({ y0: r1(y), y1: d.y0, state: 'up' });
      l.segments.push({ y0: d.y0, y1: d.y1, state: 'down' });
      y = d.y1;
    }
    if (plotBottom + 10 > y) l.segments.push({ y0: r1(y), y1: plotBottom + 10, state: 'up' });
  }

  // ---- arrows and their dots ----
  const arrows: ArrowLayout[] = [];
  const dots: DotLayout[] = [];
  const labels: LabelLayout[] = [];
  const dotAt = new Set<string>();
  const addDot = (d: DotLayout) => {
    const k = `${d.ev}`;
    if (dotAt.has(k)) return;
    dotAt.add(k);
    dots.push(d);
  };
  const legend = new Set<LegendKey>();
  const hlMsg = (m: MessageInfo, end: number) => hlMsgs.has(m.id) || hlEvents.has(end) || (m.origin >= 0 && hlEvents.has(m.origin)) || hlNodes.has(m.from) || hlNodes.has(m.to);
  for (const m of messages.values()) {
    const fromV = visible(m.from);
    const toV = visible(m.to);
    if (!fromV && !toV) continue;
    const ends = m.outcomes.length ? m.outcomes : [undefined];
    for (const o of ends) {
      const t1 = m.origin >= 0 ? m.t : (o?.t ?? m.t);
      const t2 = o ? o.t : to;
      if (t2 < from || t1 > to) continue;
      const endIdx = o ? o.ev : -1;
      let kind: ArrowKind = !o ? 'deliver' : o.kind === 'drop' ? 'drop' : o.late ? 'late' : 'deliver';
      const xf = fromV ? xOf(m.from) : NaN;
      const xt = toV ? xOf(m.to) : NaN;
      let x1: number, x2: number;
      let y1 = scale.y(t1);
      let y2 = scale.y(t2);
      if (!o && fromV && toV) {
        // Still in flight when the window ends: where it will land is not known yet.
        kind = 'flight';
        x1 = xf;
        x2 = xf + (xt - xf) * 0.3;
        y2 = Math.max(y1 + 6, scale.y(to));
      } else if (kind === 'drop') {
        // It died on the way: an X part-way, at the time of the drop.
        const dir = fromV && toV ? Math.sign(xt - xf) || 1 : 1;
        const atSend = t2 - t1 < 1e-9;
        if (fromV && toV) {
          const frac = atSend ? 0.4 : 0.82;
          x1 = xf;
          x2 = xf + (xt - xf) * frac;
        } else if (fromV) {
          x1 = xf;
          x2 = xf + dir * laneWidth * 0.4;
        } else {
          x1 = xt - laneWidth * 0.5;
          x2 = xt - laneWidth * 0.12;
        }
        legend.add('lost');
      } else if (fromV && toV) {
        x1 = xf;
        x2 = xt;
      } else if (fromV) {
        kind = 'out';
        x1 = xf;
        x2 = xf + (xf < midX ? 1 : -1) * laneWidth * 0.42;
      } else {
        kind = 'in';
        x2 = xt;
        x1 = xt + (xt < midX ? 1 : -1) * laneWidth * 0.42;
      }
      const cut1 = t1 < from;
      const cut2 = t2 > to || !o;
      if ((cut1 || cut2) && o) {
        // Clip the line to the window, keeping its slope in time.
        const full = (t: number) => x1 + ((t - t1) / Math.max(1e-9, t2 - t1)) * (x2 - x1);
        const a = Math.max(t1, from);
        const b = Math.min(t2, to);
        const nx1 = full(a);
        const nx2 = full(b);
        x1 = nx1;
        x2 = nx2;
        y1 = scale.y(a);
        y2 = scale.y(b);
      }
      const title = describeMessage(m, o);
      const a: ArrowLayout = {
        msg: m.id,
        from: m.from,
        to: m.to,
        origin: m.origin,
        end: endIdx,
        kind,
        copy: o?.copy ?? false,
        duplicated: m.duplicated,
        x1: r1(x1),
        y1: r1(y1),
        x2: r1(x2),
        y2: r1(y2),
        t1,
        t2,
        cut1,
        cut2,
        title,
        payload: shortJSON(m.msg, 160),
        hl: hlMsg(m, endIdx),
        current: current >= 0 && (current === endIdx || current === m.origin),
      };
      if (o?.adv) a.adv = o.adv;
      else if (m.originKind !== 'send') a.adv = m.originKind === 'forge' ? 'forged' : 'replayed';
      if (o?.reason) a.reason = o.reason;
      if (cone) {
        if (endIdx >= 0 && (cone.past.has(endIdx) || endIdx === cone.focus)) a.cone = 'past';
        else if (m.origin >= 0 && (cone.future.has(m.origin) || m.origin === cone.focus)) a.cone = 'future';
      }
      if (m.duplicated) legend.add('duplicate');
      if (kind === 'late') legend.add('late');
      legend.add('message');
      arrows.push(a);
      if (fromV && !cut1 && m.origin >= 0) {
        addDot({ ev: m.origin, lane: m.from, x: r1(xf), y: r1(scale.y(t1)), kind: m.originKind === 'send' ? 'send' : 'adv', title: `${m.from} sends ${msgType(m.msg)} #${m.id} at ${fmtMs(m.t)}`, hl: a.hl, current: current === m.origin, ...optCone(coneOf(m.origin)) });
      }
      if (toV && o && o.kind === 'deliver' && !cut2) {
        addDot({ ev: o.ev, lane: m.to, x: r1(xt), y: r1(scale.y(t2)), kind: 'deliver', title: title, hl: a.hl, current: current === o.ev, ...optCone(coneOf(o.ev)) });
      }
    }
  }
  // Message labels: few arrows, or asked for. Lost ones always say so. In 'auto', a type
  // that makes up most of the traffic is not repeated on every arrow: the legend names it.
  const mode = opts.messageLabels ?? 'auto';
  const typeCount = new Map<string, number>();
  for (const a of arrows) {
    const ty = msgType(messages.get(a.msg)!.msg);
    typeCount.set(ty, (typeCount.get(ty) ?? 0) + 1);
  }
  let dominant: string | undefined;
  for (const [ty, c] of typeCount) if (c > 8 && c > arrows.length / 2) dominant = ty;
  if (mode === 'auto' && typeCount.size === 1) dominant = [...typeCount.keys()][0];
  const labelAll = mode === 'all' || (mode === 'auto' && arrows.length <= AUTO_LABELS);

  // ---- events on lanes: logs, timers, faults, client operations ----
  const bars: BarLayout[] = [];
  const laneLabels = new Map<string, LabelLayout[]>();
  const addLabel = (lane: string, l: LabelLayout) => {
    let a = laneLabels.get(lane);
    if (!a) laneLabels.set(lane, (a = []));
    a.push(l);
  };
  const msgDotAt = new Set(dots.map((d) => `${d.lane}@${d.y}`));
  const opByInvoke = new Map(ops.map((o) => [o.invoke, o] as const));
  for (let i = 0; i < ev.length; i++) {
    const e = ev[i]!;
    if (!inWin(e.t) && e.type !== 'invoke') continue;
    switch (e.type) {
      case 'log':
      case 'send':
      case 'deliver': {
        const lane = e.type === 'log' ? e.node : e.type === 'send' ? e.from : e.to;
        if (!visible(lane)) break;
        const text = annotate(e, i);
        if (text === undefined) break;
        const x = xOf(lane);
        const y = scale.y(e.t);
        if (e.type === 'log' && !msgDotAt.has(`${lane}@${r1(y)}`)) {
          addDot({ ev: i, lane, x: r1(x), y: r1(y), kind: 'local', title: eventTitle(e, text), hl: hlEvents.has(i) || hlNodes.has(lane), current: current === i, ...optCone(coneOf(i)) });
          legend.add('local');
        }
        addLabel(lane, { ev: i, x: r1(x + 8), y: r1(y + 4), text: fit(text, labelRoom(lane)), hl: hlEvents.has(i), ...optCone(coneOf(i)) });
        break;
      }
      case 'timer-fire':
        if (timers && visible(e.node)) {
          addDot({ ev: i, lane: e.node, x: r1(xOf(e.node)), y: Y(e.t), kind: 'timer', title: eventTitle(e, undefined), hl: hlEvents.has(i), current: current === i, ...optCone(coneOf(i)) });
        }
        break;
      case 'crash':
      case 'restart':
      case 'timeout':
      case 'error':
      case 'skew': {
        if (!visible(e.node)) break;
        if (e.type === 'skew' && e.t <= Math.max(firstActivity, from)) break;
        // A client's timeout is already the end of its operation's bar.
        if (e.type === 'timeout' && trace.clients.includes(e.node)) break;
        const text = e.type === 'crash' ? 'crash' : e.type === 'restart' ? 'restart' : e.type === 'timeout' ? 'timeout' : e.type === 'error' ? 'error!' : clockNote(e.skewMs, e.drift);
        if (e.type === 'crash') legend.add('crash');
        marks.push({ kind: e.type, ev: i, lane: e.node, x: r1(xOf(e.node)), y: Y(e.t), text: fit(text, labelRoom(e.node) - 8), title: eventTitle(e, undefined), hl: hlEvents.has(i) || hlNodes.has(e.node), current: current === i, ...optCone(coneOf(i)) });
        break;
      }
      case 'invoke': {
        const op = opByInvoke.get(i);
        if (!op || !visible(op.client)) break;
        const end = op.t1;
        if (op.t0 > to || end < from) break;
        const y0 = Y(Math.max(op.t0, from));
        const openEnd = !Number.isFinite(end) || end > to;
        const y1 = Math.max(Y(Math.min(end, to)), y0 + 4);
        const bar: BarLayout = {
          op,
          lane: op.client,
          x: r1(xOf(op.client)),
          y0,
          y1,
          open: openEnd,
          startLabel: fit(opStartLabel(op), barRoom(op.client)),
          endLabel: fit(opEndLabel(op), barRoom(op.client)),
          title: describeOp(op),
          hl: (op.opId !== undefined && hlOps.has(op.opId)) || hlEvents.has(op.invoke) || (op.complete >= 0 && hlEvents.has(op.complete)) || hlNodes.has(op.client),
          current: current === op.invoke || current === op.complete,
        };
        const badge = opts.opBadges?.get(op.index);
        if (badge) bar.badge = badge;
        if (cone) {
          const c = coneOf(op.invoke) ?? (op.complete >= 0 ? coneOf(op.complete) : undefined);
          if (c) bar.cone = c;
        }
        legend.add(op.status === 'ok' ? 'ok' : op.status === 'fail' ? 'fail' : 'info');
        bars.push(bar);
        break;
      }
      default:
        break;
    }
  }
  // ---- labels: none may overprint another, an X or a band's name ----
  // Event labels first (what a node did, the point of the picture), then why messages were
  // lost, then message types, which the legend and the arrows' ends also tell. A label that
  // finds no free place is left out.
  const ROW = 24;
  const boxRows = new Map<number, Box[]>();
  const rowsOf = (y0: number, y1: number): number[] => {
    const rows: number[] = [];
    for (let r = Math.floor(y0 / ROW); r <= Math.floor(y1 / ROW); r++) rows.push(r);
    return rows;
  };
  const overlaps = (b: Box): boolean => rowsOf(b.y0, b.y1).some((r) => boxRows.get(r)?.some((p) => boxesMeet(b, p)) ?? false);
  const place = (b: Box): void => {
    for (const r of rowsOf(b.y0, b.y1)) {
      let a = boxRows.get(r);
      if (!a) boxRows.set(r, (a = []));
      a.push(b);
    }
  };
  const arrowRows = new Map<number, ArrowLayout[]>();
  for (const a of arrows) {
    for (const r of rowsOf(Math.min(a.y1, a.y2), Math.max(a.y1, a.y2))) {
      let l = arrowRows.get(r);
      if (!l) arrowRows.set(r, (l = []));
      l.push(a);
    }
  }
  /** How many arrows strike through this box. */
  const crossings = (b: Box): number => {
    const seen = new Set<ArrowLayout>();
    for (const r of rowsOf(b.y0, b.y1)) for (const a of arrowRows.get(r) ?? []) if (segmentHitsBox(a, b)) seen.add(a);
    return seen.size;
  };
  for (const a of arrows) if (a.kind === 'drop') place({ x0: a.x2 - 6, x1: a.x2 + 6, y0: a.y2 - 6, y1: a.y2 + 6 });
  // An arrow that arrives from the right ends in its head just where an event's label would
  // start: keep the head clear, so the label's plate does not hide which way it points.
  // Not a hard obstacle: a label that finds no other place may still cover a head.
  const heads: Box[] = arrows.filter((a) => a.kind !== 'drop' && a.x1 > a.x2 + 1).map((a) => ({ x0: a.x2, x1: a.x2 + 9, y0: a.y2 - 4, y1: a.y2 + 4 }));
  const hidesHead = (b: Box): boolean => heads.some((h) => boxesMeet(b, h));
  for (const r of regions) {
    if (r.kind === 'partition' || r.kind === 'isolate') {
      if (r.label) place({ x0: r.x0 + 4, x1: r.x0 + 6 + r.label.length * CHAR_W, y0: r.y0 + 3, y1: r.y0 + 16 });
    } else if (r.kind === 'block' || r.kind === 'pause') {
      const text = r.kind === 'pause' ? 'paused' : (r.label ?? '');
      place({ x0: r.x1 + 3, x1: r.x1 + 5 + text.length * CHAR_W, y0: r.y0 + 1, y1: r.y0 + 14 });
    }
  }
  for (const m of marks) place({ x0: m.x - 6, x1: m.x + 11 + m.text.length * CHAR_W, y0: m.y - 6, y1: m.y + 6 });
  for (const b of bars) {
    const ey = Math.max(b.y1 + 4, b.y0 + 16);
    place({ x0: b.x - 6, x1: b.x + 6, y0: b.y0, y1: b.y1 });
    place({ x0: b.x - 11 - b.startLabel.length * CHAR_W, x1: b.x - 9, y0: b.y0 - 6, y1: b.y0 + 6 });
    if (!b.open) place({ x0: b.x - 11 - b.endLabel.length * CHAR_W, x1: b.x - 9, y0: ey - 10, y1: ey + 2 });
  }
  const laneDots = new Map<string, number[]>();
  for (const d of [...dots, ...marks]) {
    let a = laneDots.get(d.lane);
    if (!a) laneDots.set(d.lane, (a = []));
    a.push(d.y);
  }
  // On each lane, in time order: beside the event if no arrow strikes through it there,
  // else a little above or below where none does, if that is not nearer another event;
  // never onto another label.
  for (const [lane, ls] of [...laneLabels].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const ys = laneDots.get(lane) ?? [];
    ls.sort((a, b) => a.y - b.y || a.ev - b.ev);
    let last = -Infinity;
    for (const l of ls) {
      const w = l.text.length * CHAR_W;
      let best: { y: number; box: Box; score: number } | undefined;
      // Never above the lane's previous label, so events close in time keep their order; just
      // under it is a place too.
      const under = last + LABEL_H - l.y;
      const dys = under > 0 ? [...EVENT_LABEL_DY, under, under + LABEL_H] : EVENT_LABEL_DY;
      for (const dy of dys.filter((d) => d <= LABEL_H * 2.5 && l.y + d > last).sort((a, b) => Math.abs(a) - Math.abs(b) || b - a)) {
        const y = l.y + dy;
        const box = { x0: l.x - 1, x1: l.x + w + 1, y0: y - 9, y1: y + 3 };
        if (overlaps(box)) continue;
        const n = crossings({ x0: l.x, x1: l.x + w, y0: y - 8, y1: y + 1 });
        // Far from its event, or moved towards another event or label, a label reads as
        // another's: that only to make room, never to dodge an arrow (its plate keeps it
        // legible over one).
        const far = Math.abs(dy) > LABEL_H && dy !== under;
        const own = l.y - 4;
        const astray =
          dy !== 0 &&
          dy !== under &&
          (ys.some((d) => Math.abs(d - own) > 0.5 && Math.sign(d - own) === Math.sign(dy) && Math.abs(d - own) < Math.abs(dy) + LABEL_H * 2) || (dy < 0 && y - last < LABEL_H * 2));
        const head = hidesHead(box);
        const score = (far ? 1000 : 0) + (astray ? 500 : 0) + (head ? 300 : 0) + n * 100 + Math.abs(dy);
        if (!best || score < best.score) best = { y, box, score };
        if (n === 0 && !far && !astray && !head) break;
      }
      if (!best) continue;
      place(best.box);
      last = Math.max(last, best.y);
      labels.push({ ...l, y: r1(best.y) });
    }
  }
  // Messages lost together (one sender, one moment, one reason, such as a heartbeat to every
  // node across a partition) share one label, beside the farthest X: the others would repeat it.
  const burst = new Map<string, ArrowLayout>();
  for (const a of arrows) {
    if (a.kind !== 'drop') continue;
    const k = `${a.from}|${a.reason ?? ''}|${a.t1}|${a.t2}|${Math.sign(a.x2 - a.x1)}`;
    const b = burst.get(k);
    if (!b || Math.abs(a.x2 - a.x1) > Math.abs(b.x2 - b.x1)) burst.set(k, a);
  }
  const burstLabel = new Set(burst.values());
  for (const a of arrows) {
    const lost = a.kind === 'drop';
    if (lost && !burstLabel.has(a)) continue;
    const m = messages.get(a.msg)!;
    const base = msgType(m.msg);
    if (!lost) {
      if (mode === 'none') continue;
      if (!labelAll && !a.copy) continue;
      if (mode === 'auto' && base === dominant && !a.copy && a.kind !== 'late') continue;
    }
    const text = lost
      ? a.reason === 'loss'
        ? 'lost'
        : a.reason === 'partition'
          ? 'cut off'
          : a.reason === 'crashed'
            ? 'to a dead node'
            : 'dropped'
      : a.copy
        ? `${base} (copy)`
        : a.kind === 'late'
          ? `${base} (late)`
          : base;
    const w = text.length * CHAR_W;
    if (lost) {
      // Beside the X, on the side away from the sender; else above or below it.
      const right = a.x2 >= a.x1;
      const xs = [right ? a.x2 + 8 : a.x2 - 8 - w, right ? a.x2 - 8 - w : a.x2 + 8];
      let done = false;
      for (const dy of [4, -9, 17]) {
        for (const x0 of xs) {
          const x = Math.max(gutter + 2, Math.min(width - w - 2, x0));
          const box = { x0: x, x1: x + w, y0: a.y2 + dy - 10, y1: a.y2 + dy + 2 };
          if (!overlaps(box)) {
            place(box);
            a.label = { x: r1(x), y: r1(a.y2 + dy), text };
            done = true;
            break;
          }
        }
        if (done) break;
      }
      continue;
    }
    // Half a lane from the sender: between it and its neighbour, away from other lanes'
    // labels; if taken, a little further along or nearer the sender.
    const dx = a.x2 - a.x1;
    for (const k of [0.5, 0.8, 0.3]) {
      const f = Math.abs(dx) < 1 ? 0.5 : Math.min(k === 0.5 ? 0.5 : 0.7, (laneWidth * k) / Math.abs(dx));
      const x = a.x1 + dx * f - w / 2;
      const y = a.y1 + (a.y2 - a.y1) * f - 3;
      const box = { x0: x - 2, x1: x + w + 2, y0: y - 10, y1: y + 3 };
      if (overlaps(box)) continue;
      place(box);
      a.label = { x: r1(x), y: r1(y), text };
      break;
    }
  }
  for (const r of regions) {
    if (r.kind === 'partition' || r.kind === 'isolate') legend.add('partition');
    if (r.kind === 'pause') legend.add('pause');
  }
  if (cone) {
    legend.add('past');
    legend.add('future');
  }
  if (hasHighlight) legend.add('highlight');

  // ---- axis ----
  const ticks: TickLayout[] = [];
  const step = tickStep(scale.pxPerMs);
  const seen = new Set<number>();
  let lastTickY = -Infinity;
  for (const p of scale.pieces) {
    if (p.collapsed) continue;
    for (let k = Math.ceil(p.t0 / step - 1e-9); k * step <= p.t1 + 1e-9; k++) {
      const t = Math.round(k * step * 1e6) / 1e6;
      if (seen.has(t)) continue;
      seen.add(t);
      const y = Y(t);
      if (y - lastTickY < 26) continue;
      lastTickY = y;
      ticks.push({ y, t, text: fmtMs(t) });
    }
  }
  const breaks: BreakLayout[] = scale.pieces.filter((p) => p.collapsed).map((p) => ({ y0: r1(p.y0), y1: r1(p.y1), ms: p.t1 - p.t0 }));

  const footer = plotBottom - plotTop > 520;
  const legendTop = plotBottom + (footer ? 44 : 24);
  const legendKeys = LEGEND_ORDER.filter((k) => legend.has(k));
  const perRow = Math.max(1, Math.floor((width - 16) / 118));
  const legendRows = Math.ceil(legendKeys.length / perRow);
  const height = Math.round(legendTop + legendRows * 20 + 8);
  let currentY: number | undefined;
  let currentX: number | undefined;
  if (current >= 0 && current < ev.length && inWin(ev[current]!.t)) {
    currentY = Y(ev[current]!.t);
    const e = ev[current]!;
    const lane = laneOf(e) ?? (e as { node?: string }).node ?? (e as { from?: string }).from;
    if (lane !== undefined && visible(lane)) currentX = r1(xOf(lane));
  }

  return {
    width,
    height,
    gutter,
    compact,
    laneWidth,
    plotTop,
    plotBottom,
    footer,
    legendTop,
    lanes,
    arrows,
    dots,
    labels,
    regions,
    marks,
    bars,
    breaks,
    ticks,
    legend: legendKeys,
    ...(dominant !== undefined && mode === 'auto' ? { commonType: dominant } : {}),
    ...(currentY !== undefined ? { currentY } : {}),
    ...(currentX !== undefined ? { currentX } : {}),
    scale,
    from,
    to,
    hasHighlight,
    hasCone: cone !== undefined,
    messages,
    ops,
  };
}

const LEGEND_ORDER: LegendKey[] = ['message', 'local', 'lost', 'duplicate', 'late', 'partition', 'pause', 'crash', 'ok', 'fail', 'info', 'highlight', 'past', 'future'];

interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

function boxesMeet(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && a.x1 > b.x0 && a.y0 < b.y1 && a.y1 > b.y0;
}

/** Whether a line from (x1, y1) to (x2, y2) passes through the box (Liang and Barsky's clipping). */
function segmentHitsBox(a: { x1: number; y1: number; x2: number; y2: number }, b: Box): boolean {
  const dx = a.x2 - a.x1;
  const dy = a.y2 - a.y1;
  const p = [-dx, dx, -dy, dy];
  const q = [a.x1 - b.x0, b.x1 - a.x1, a.y1 - b.y0, b.y1 - a.y1];
  let t0 = 0;
  let t1 = 1;
  for (let i = 0; i < 4; i++) {
    const pi = p[i]!;
    const qi = q[i]!;
    if (pi === 0) {
      if (qi < 0) return false;
      continue;
    }
    const t = qi / pi;
    if (pi < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

function optCone(c: 'past' | 'future' | 'focus' | undefined): { cone?: 'past' | 'future' | 'focus' } {
  return c ? { cone: c } : {};
}
