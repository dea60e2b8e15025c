/**
 * The text alternative of a diagram: a short summary and the events in plain words.
 * Used for the SVG's <desc>, the <details> under a chapter's diagram, the aria-live text of
 * an interactive diagram, and the terminal.
 * @module
 */
import type { Trace, TraceEvent } from '../sim/trace.ts';
import { defaultAnnotate, fmtMs, msgType, pairMessages, pairOps, shortJSON } from './model.ts';
import type { Annotate, DiagramOptions } from './types.ts';

type Filter = Pick<DiagramOptions, 'from' | 'to' | 'nodes' | 'timers' | 'clients'>;

function visibleSet(trace: Trace, o: Filter): Set<string> {
  const all = [...(o.clients === false ? [] : trace.clients), ...trace.nodes];
  return new Set(o.nodes ? all.filter((x) => o.nodes!.includes(x)) : all);
}

/**
 * The events worth telling, in order (indexes into trace.events): messages, logs, faults and
 * client operations; not bookkeeping (timer set/cancel, storage writes, link changes), and
 * timer firings only when asked.
 */
export function storyEvents(trace: Trace, o: Filter = {}): number[] {
  const vis = visibleSet(trace, o);
  const from = o.from ?? -Infinity;
  const to = o.to ?? Infinity;
  const out: number[] = [];
  const ev = trace.events;
  for (let i = 0; i < ev.length; i++) {
    const e = ev[i]!;
    if (e.t < from) continue;
    if (e.t > to) break;
    const r = e as { node?: string; from?: string; to?: string; client?: string };
    switch (e.type) {
      case 'timer-set':
      case 'timer-cancel':
      case 'store':
      case 'network':
      case 'duplicate':
        continue;
      case 'start':
        if (e.t === 0 || e.incarnation > 0) continue;
        break;
      case 'timer-fire':
        if (!o.timers) continue;
        break;
      case 'partition':
      case 'heal':
        out.push(i);
        continue;
      default:
        break;
    }
    if ((r.node !== undefined && vis.has(r.node)) || (r.from !== undefined && vis.has(r.from)) || (r.to !== undefined && vis.has(r.to)) || (r.client !== undefined && vis.has(r.client))) {
      out.push(i);
    }
  }
  return out;
}

/** One event in plain words, e.g. `12.4 ms: n1 sends chat #3 to n2 (ts 5)`. */
export function describeEvent(trace: Trace, i: number, annotate: Annotate = defaultAnnotate): string {
  const e = trace.events[i]!;
  const note = annotate(e, i);
  const tail = note !== undefined && e.type !== 'log' ? ` (${note})` : '';
  return `${fmtMs(e.t)}: ${eventWords(e, note)}${tail}`;
}

function eventWords(e: TraceEvent, note: string | undefined): string {
  switch (e.type) {
    case 'send':
      return `${e.from} sends ${msgType(e.msg)} #${e.id} to ${e.to}${e.rpc === 'request' ? ' and waits for a reply' : e.rpc === 'reply' && e.re !== undefined ? `, answering #${e.re}` : ''}`;
    case 'deliver':
      return `${e.to} receives ${msgType(e.msg)} #${e.id} from ${e.from}${e.copy ? ', a duplicate copy' : ''}${e.late ? ', a reply that came too late and is ignored' : ''}${e.adv ? ` (${e.adv} by the adversary)` : ''}`;
    case 'drop':
      return e.reason === 'loss'
        ? `message #${e.id} from ${e.from} to ${e.to} is lost by the network`
        : e.reason === 'partition'
          ? `message #${e.id} from ${e.from} to ${e.to} is dropped: a partition separates them`
          : e.reason === 'crashed'
            ? `message #${e.id} from ${e.from} to ${e.to} is dropped: ${e.to} is down`
            : `message #${e.id} from ${e.from} to ${e.to} is dropped by the adversary`;
    case 'duplicate':
      return `the network duplicates message #${e.id} from ${e.from} to ${e.to}`;
    case 'timer-set':
      return `${e.node} sets timer ${e.name}`;
    case 'timer-fire':
      return `${e.node}'s timer ${e.name} fires`;
    case 'timer-cancel':
      return `${e.node} cancels timer ${e.name}`;
    case 'timeout':
      return `${e.node} gives up waiting for ${e.to} to answer #${e.id}`;
    case 'start':
      return `${e.node} starts`;
    case 'crash':
      return `${e.node} crashes`;
    case 'restart':
      return `${e.node} restarts (incarnation ${e.incarnation})`;
    case 'pause':
      return `${e.node} is paused: it does nothing while messages and timers queue up`;
    case 'resume':
      return `${e.node} resumes and handles ${e.held} queued event${e.held === 1 ? '' : 's'}`;
    case 'partition':
      return `the network is partitioned into ${e.groups.map((g) => g.join(', ')).join(' | ')}`;
    case 'block':
      return `messages from ${e.from} to ${e.to} are blocked (one way)`;
    case 'isolate':
      return `${e.node} is cut off from everyone`;
    case 'heal':
      return 'the network heals';
    case 'skew':
      return `${e.node}'s clock is set ${Math.abs(e.skewMs)} ms ${e.skewMs >= 0 ? 'ahead' : 'behind'}${e.drift ? `, running ${Math.abs(Math.round(e.drift * 1e6))} ppm ${e.drift > 0 ? 'fast' : 'slow'}` : ''}`;
    case 'network':
      return `the network settings change`;
    case 'log':
      return `${e.node}: ${e.text}${note !== undefined && note !== e.text ? ` (${note})` : e.data !== undefined && note === undefined ? ' ' + shortJSON(e.data, 60) : ''}`;
    case 'store':
      return `${e.node} writes ${e.key} to its storage`;
    case 'error':
      return `${e.node}'s handler throws: ${e.error}`;
    case 'forge':
      return `the adversary forges ${msgType(e.msg)} #${e.id} as if from ${e.from} to ${e.to}`;
    case 'tamper':
      return `the adversary changes message #${e.id} from ${e.from} to ${e.to}`;
    case 'replay':
      return `the adversary replays message #${e.of} from ${e.from} to ${e.to} as #${e.id}`;
    case 'invoke':
      return `${e.client} invokes ${e.f}${e.key !== undefined ? ' ' + e.key : ''}${e.input !== undefined ? ' ' + shortJSON(e.input, 30) : ''} on ${e.node}`;
    case 'complete':
      return e.status === 'ok'
        ? `${e.client}'s ${e.f} completes: ok${e.output !== undefined ? ', ' + shortJSON(e.output, 30) : ''}`
        : e.status === 'fail'
          ? `${e.client}'s ${e.f} fails${e.error ? ` (${e.error})` : ''}: it did not take effect`
          : `${e.client}'s ${e.f} ends without an answer${e.error ? ` (${e.error})` : ''}: it may or may not have taken effect`;
  }
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A short summary: lanes, messages (lost, duplicated), faults, client operations. */
export function summarizeRun(trace: Trace, o: Filter = {}): string {
  const vis = visibleSet(trace, o);
  const from = o.from ?? 0;
  const lastT = trace.events.length ? trace.events[trace.events.length - 1]!.t : 0;
  const to = o.to ?? lastT;
  const inWin = (t: number) => t >= from && t <= to;
  const nodes = trace.nodes.filter((x) => vis.has(x));
  const clients = trace.clients.filter((x) => vis.has(x));
  const parts: string[] = [];
  let head = `${plural(nodes.length, 'node')} (${nodes.join(', ')})`;
  if (clients.length) head += ` and ${plural(clients.length, 'client')} (${clients.join(', ')})`;
  parts.push(`A simulated run of ${head}, from ${fmtMs(from)} to ${fmtMs(to)}, seed ${trace.seed}.`);
  let sent = 0;
  let delivered = 0;
  let dup = 0;
  const lost: Record<string, number> = {};
  for (const m of pairMessages(trace).values()) {
    if (!vis.has(m.from) && !vis.has(m.to)) continue;
    if (m.origin >= 0 && inWin(m.t)) sent++;
    if (m.duplicated && inWin(m.t)) dup++;
    for (const out of m.outcomes) {
      if (!inWin(out.t)) continue;
      if (out.kind === 'deliver') delivered++;
      else lost[out.reason ?? 'loss'] = (lost[out.reason ?? 'loss'] ?? 0) + 1;
    }
  }
  const lostN = Object.values(lost).reduce((a, b) => a + b, 0);
  if (sent || delivered || lostN) {
    const why = Object.entries(lost)
      .map(([k, v]) => `${v} ${k === 'loss' ? 'by the network' : k === 'partition' ? 'by a partition' : k === 'crashed' ? 'to a crashed node' : 'by the adversary'}`)
      .join(', ');
    parts.push(`${plural(sent, 'message')} sent, ${delivered} delivered, ${lostN} lost${lostN ? ` (${why})` : ''}${dup ? `, ${dup} duplicated` : ''}.`);
  }
  const faults: string[] = [];
  const ev = trace.events;
  const openPart: { text: string; t: number }[] = [];
  const downAt = new Map<string, number>();
  const pausedAt = new Map<string, number>();
  for (let i = 0; i < ev.length; i++) {
    const e = ev[i]!;
    if (e.t > to) break;
    switch (e.type) {
      case 'partition':
        for (const p of openPart.splice(0)) if (p.t >= from) faults.push(`${p.text} from ${fmtMs(p.t)} to ${fmtMs(e.t)}`);
        openPart.push({ text: `partition ${e.groups.map((g) => g.join(' ')).join(' | ')}`, t: e.t });
        break;
      case 'isolate':
        openPart.push({ text: `${e.node} isolated`, t: e.t });
        break;
      case 'block':
        openPart.push({ text: `${e.from} → ${e.to} blocked`, t: e.t });
        break;
      case 'heal':
        for (const p of openPart.splice(0)) if (e.t >= from) faults.push(`${p.text} from ${fmtMs(p.t)} to ${fmtMs(e.t)}`);
        break;
      case 'crash':
        downAt.set(e.node, e.t);
        break;
      case 'restart': {
        const t0 = downAt.get(e.node);
        downAt.delete(e.node);
        if (vis.has(e.node) && e.t >= from) faults.push(`${e.node} crashed at ${fmtMs(t0 ?? e.t)} and restarted at ${fmtMs(e.t)}`);
        break;
      }
      case 'pause':
        pausedAt.set(e.node, e.t);
        break;
      case 'resume': {
        const t0 = pausedAt.get(e.node);
        pausedAt.delete(e.node);
        if (vis.has(e.node) && e.t >= from) faults.push(`${e.node} paused from ${fmtMs(t0 ?? e.t)} to ${fmtMs(e.t)}`);
        break;
      }
      case 'skew':
        if (vis.has(e.node)) faults.push(`${e.node}'s clock ${Math.abs(e.skewMs)} ms ${e.skewMs >= 0 ? 'ahead' : 'behind'}${e.drift ? ` and ${Math.abs(Math.round(e.drift * 1e6))} ppm ${e.drift > 0 ? 'fast' : 'slow'}` : ''}`);
        break;
      default:
        break;
    }
  }
  for (const p of openPart) faults.push(`${p.text} from ${fmtMs(p.t)} to the end`);
  for (const [n, t] of downAt) if (vis.has(n)) faults.push(`${n} crashed at ${fmtMs(t)} and stayed down`);
  for (const [n, t] of pausedAt) if (vis.has(n)) faults.push(`${n} paused at ${fmtMs(t)} until the end`);
  if (faults.length) parts.push(`Faults and clocks: ${faults.join('; ')}.`);
  const ops = pairOps(trace).filter((op) => vis.has(op.client) && op.t0 <= to && op.t1 >= from);
  if (ops.length) {
    const c = (s: string) => ops.filter((op) => op.status === s).length;
    const bits = [`${c('ok')} ok`, c('fail') ? `${c('fail')} failed` : '', c('info') ? `${c('info')} unknown (no answer in time)` : '', c('pending') ? `${c('pending')} unfinished` : ''].filter(Boolean);
    parts.push(`${plural(ops.length, 'client operation')}: ${bits.join(', ')}.`);
  }
  return parts.join(' ');
}

export interface RunDescription {
  summary: string;
  /** The events in plain words, in order. */
  items: string[];
  /** Event indexes of `items`. */
  events: number[];
  /** How many events were left out by `limit`. */
  more: number;
  /** `<p>summary</p><ol>...</ol>`, escaped. */
  html: string;
}

const escHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Summary and event list (at most `limit` events, default 300). */
export function describeRun(trace: Trace, o: Filter & { annotate?: Annotate; limit?: number } = {}): RunDescription {
  const summary = summarizeRun(trace, o);
  const all = storyEvents(trace, o);
  const limit = o.limit ?? 300;
  const events = all.slice(0, limit);
  const items = events.map((i) => describeEvent(trace, i, o.annotate));
  const more = all.length - events.length;
  const html =
    `<p>${escHtml(summary)}</p><ol class="rd-events">${items.map((s) => `<li>${escHtml(s)}</li>`).join('')}</ol>` +
    (more ? `<p>… and ${more} more events.</p>` : '');
  return { summary, items, events, more, html };
}
