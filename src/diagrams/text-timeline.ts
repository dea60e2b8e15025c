/**
 * A space-time diagram for terminals: one column per node (and client), one row per thing
 * that happened, time flowing down.
 *
 * ```
 *     time  n1      n2      n3
 *  ───────  ──────────────────────
 *   3.2 ms  ●──────▶│       │        chat #1 → n2 at 7.40 ms
 *   7.4 ms  │       ○       │        n2: C=3
 *  12.0 ms  │       ●───✕   │        chat #4 → n3 LOST (network)
 * ```
 *
 * Width-aware (falls back to one line per event, `n1 ──chat #3──▶ n2`, when the columns do
 * not fit), optional ANSI colour, timers hidden unless asked for. Pure: no Node APIs.
 * @module
 */
import type { Trace } from '../sim/trace.ts';
import { defaultAnnotate, fmtMs, msgType, pairMessages, pairOps, shortJSON } from './model.ts';
import type { Annotate } from './types.ts';

export interface TextTimelineOptions {
  /** Total width in columns (default 100). */
  width?: number;
  /** ANSI colours (default false). */
  color?: boolean;
  /** Lanes to show (nodes and clients; default all). */
  nodes?: readonly string[];
  from?: number;
  to?: number;
  /** At most this many rows (default: all). */
  limit?: number;
  /** Show timer firings (default false: they are bookkeeping). */
  timers?: boolean;
  /** Labels for events (default: logs' timestamps, terms or texts). */
  annotate?: Annotate;
  /** Say how many rows `limit` left out (default true). */
  footer?: boolean;
}

type Tone = 'dim' | 'red' | 'green' | 'yellow' | 'magenta' | 'cyan' | 'bold' | undefined;
const ANSI: Record<Exclude<Tone, undefined>, [string, string]> = {
  dim: ['\x1b[2m', '\x1b[22m'],
  bold: ['\x1b[1m', '\x1b[22m'],
  red: ['\x1b[31m', '\x1b[39m'],
  green: ['\x1b[32m', '\x1b[39m'],
  yellow: ['\x1b[33m', '\x1b[39m'],
  magenta: ['\x1b[35m', '\x1b[39m'],
  cyan: ['\x1b[36m', '\x1b[39m'],
};

interface Row {
  t: number;
  /** Marks in the lane area: column index → char (and tone). */
  draw: (cells: string[], tones: Tone[]) => void;
  text: string;
  tone: Tone;
  /** A lane goes down (crash, pause) or comes back: drawn ┊ while down. */
  lane?: [string, boolean];
}

const TIME_W = 11;

export function textTimeline(trace: Trace, opts: TextTimelineOptions = {}): string {
  const width = Math.max(40, Math.floor(opts.width ?? 100));
  const color = opts.color === true;
  const annotate = opts.annotate ?? defaultAnnotate;
  const from = opts.from ?? -Infinity;
  const to = opts.to ?? Infinity;
  const filter = opts.nodes ? new Set(opts.nodes) : undefined;
  const lanes = [...trace.clients, ...trace.nodes].filter((x) => !filter || filter.has(x));
  const col = new Map(lanes.map((l, i) => [l, i] as const));
  const vis = (x: string | undefined) => x !== undefined && col.has(x);
  const paint = (s: string, tone: Tone) => (color && tone ? ANSI[tone][0] + s + ANSI[tone][1] : s);

  // Columns if they fit with room for a description, else one line per event.
  const longest = Math.max(2, ...lanes.map((l) => l.length));
  const colW = Math.min(12, Math.max(longest + 2, Math.floor((width - TIME_W - 2 - 44) / Math.max(1, lanes.length))));
  const columns = lanes.length > 0 && TIME_W + 2 + colW * lanes.length + 24 <= width && colW >= 4;
  const area = columns ? colW * lanes.length : 0;
  const cx = (lane: string) => col.get(lane)! * colW + Math.floor((colW - 1) / 2);

  const messages = pairMessages(trace);
  const ops = pairOps(trace);
  const opByInvoke = new Map(ops.map((o) => [o.invoke, o] as const));
  const opByComplete = new Map(ops.filter((o) => o.complete >= 0).map((o) => [o.complete, o] as const));
  const rows: Row[] = [];
  /** How many times each message has arrived so far (the second arrival is the duplicate). */
  const arrivals = new Map<number, number>();
  // Lane states for drawing the verticals: up, down (crashed), paused, cut off.
  const ev = trace.events;

  const arrow = (a: string | undefined, b: string | undefined, endFrac: number | undefined, label: string, tone: Tone) => (cells: string[], tones: Tone[]) => {
    if (a === undefined || b === undefined || !vis(a) || !vis(b)) {
      const x = a !== undefined && vis(a) ? cx(a) : b !== undefined && vis(b) ? cx(b) : -1;
      if (x >= 0) {
        cells[x] = '●';
        tones[x] = tone;
      }
      return;
    }
    const xa = cx(a);
    const xb = cx(b);
    const dir = xb > xa ? 1 : -1;
    const end = endFrac === undefined ? xb - dir : Math.round(xa + (xb - xa) * endFrac);
    for (let x = xa + dir; x !== end; x += dir) {
      cells[x] = '─';
      tones[x] = tone;
    }
    cells[xa] = '●';
    tones[xa] = tone;
    cells[end] = endFrac === undefined ? (dir > 0 ? '▶' : '◀') : '✕';
    tones[end] = endFrac === undefined ? tone : 'red';
    // The label inside the line, when it fits.
    const lo = Math.min(xa, end) + 1;
    const hi = Math.max(xa, end) - 1;
    if (label && hi - lo + 1 >= label.length + 2) {
      const start = lo + Math.floor((hi - lo + 1 - label.length) / 2);
      for (let k = 0; k < label.length; k++) {
        cells[start + k] = label[k]!;
        tones[start + k] = tone;
      }
    }
  };
  const at = (lane: string, ch: string, tone: Tone) => (cells: string[], tones: Tone[]) => {
    if (!vis(lane)) return;
    cells[cx(lane)] = ch;
    tones[cx(lane)] = tone;
  };
  const across = (ch: string, tone: Tone) => (cells: string[], tones: Tone[]) => {
    for (let x = 0; x < cells.length; x++) {
      if (cells[x] === ' ') {
        cells[x] = ch;
        tones[x] = tone;
      }
    }
  };

  for (let i = 0; i < ev.length; i++) {
    const e = ev[i]!;
    if (e.t < from) {
      if (e.type === 'deliver') arrivals.set(e.id, (arrivals.get(e.id) ?? 0) + 1);
      continue;
    }
    if (e.t > to) break;
    switch (e.type) {
      case 'send':
      case 'forge':
      case 'replay': {
        if (!vis(e.from) && !vis(e.to)) break;
        const m = messages.get(e.id);
        if (!m) break;
        const ty = msgType(m.msg);
        const first = m.outcomes[0];
        const lost = first?.kind === 'drop' ? first : undefined;
        const how = e.type === 'forge' ? 'FORGED ' : e.type === 'replay' ? `REPLAY of #${e.of} ` : '';
        let text = `${how}${ty} #${m.id} ${e.from}→${e.to}`;
        let tone: Tone = e.type === 'send' ? undefined : 'yellow';
        if (lost) {
          const why = lost.reason === 'loss' ? 'lost by the network' : lost.reason === 'partition' ? 'cut off by a partition' : lost.reason === 'crashed' ? `${e.to} is down` : 'dropped by the adversary';
          text += ` ✕ ${why}${lost.t > m.t ? ` at ${fmtMs(lost.t)}` : ''}`;
          tone = 'red';
        } else if (first) {
          text += ` arrives ${fmtMs(first.t)}${first.late ? ' (too late, ignored)' : ''}`;
        } else {
          text += ' (still in flight)';
        }
        if (m.duplicated) {
          text += ', duplicated';
          if (tone !== 'red') tone = 'magenta';
        }
        // The row already names the type: show the rest, where the term or the verdict is.
        const payload = shortJSON(withoutType(m.msg), 60);
        rows.push({ t: e.t, draw: arrow(e.from, e.to, lost ? (lost.t > m.t ? 0.8 : 0.45) : undefined, `${ty} #${m.id}`, tone), text: `${text}  ${payload}`, tone });
        break;
      }
      case 'deliver': {
        // The first arrival of a message is told on its send row ("arrives …"); a duplicate is
        // whichever copy arrives second, even when the network's extra copy overtook the original.
        const nth = (arrivals.get(e.id) ?? 0) + 1;
        arrivals.set(e.id, nth);
        if (!vis(e.to)) break;
        const note = annotate(e, i);
        const again = nth > 1;
        if (!again && !e.late && !e.adv && note === undefined) break;
        const what = again ? `gets #${e.id} again (duplicated by the network)` : e.late ? `gets #${e.id} too late (ignored)` : e.adv ? `gets #${e.id} (${e.adv})` : `gets #${e.id}`;
        rows.push({ t: e.t, draw: at(e.to, '▼', again ? 'magenta' : 'cyan'), text: `${e.to} ${what} from ${e.from}${note !== undefined ? `  ${note}` : ''}`, tone: again ? 'magenta' : undefined });
        break;
      }
      case 'drop': {
        const m = messages.get(e.id);
        // Drops are told with their send; a copy lost later gets its own line.
        if (!m || !vis(e.to) || m.outcomes[0]?.ev === i) break;
        rows.push({ t: e.t, draw: at(e.to, '✕', 'red'), text: `copy of #${e.id} to ${e.to} dropped (${e.reason})`, tone: 'red' });
        break;
      }
      case 'log': {
        if (!vis(e.node)) break;
        const note = annotate(e, i);
        if (note === undefined) break;
        // A row has room for the whole text; a term (Raft's logs carry one) goes after it.
        const d = e.data as { term?: unknown; role?: unknown } | null;
        const term = d !== null && typeof d === 'object' && (typeof d.term === 'number' || typeof d.term === 'string') ? d.term : undefined;
        const text =
          term !== undefined && opts.annotate === undefined
            ? `${e.text}  [${logFacts(d as Record<string, unknown>)}]`
            : note === e.text
              ? note
              : `${note}  (${e.text})`;
        rows.push({ t: e.t, draw: at(e.node, '○', 'cyan'), text: `${e.node}: ${text}`, tone: 'cyan' });
        break;
      }
      case 'store': {
        // What a node wrote to durable storage: what survives its next crash. Writes of the
        // same moment (currentTerm and votedFor together) share a row.
        if (!vis(e.node)) break;
        const prev = rows.at(-1);
        const key = `${e.node} saves `;
        if (prev && prev.t === e.t && prev.text.startsWith(key)) prev.text += `, ${e.key}`;
        else rows.push({ t: e.t, draw: at(e.node, '▪', 'dim'), text: `${key}${e.key}`, tone: 'dim' });
        break;
      }
      case 'timer-fire':
        if (opts.timers && vis(e.node)) rows.push({ t: e.t, draw: at(e.node, '·', 'dim'), text: `${e.node} timer ${e.name}`, tone: 'dim' });
        break;
      case 'timeout':
        if (vis(e.node) && !trace.clients.includes(e.node)) rows.push({ t: e.t, draw: at(e.node, '⧗', 'yellow'), text: `${e.node} gives up on #${e.id} to ${e.to}`, tone: 'yellow' });
        break;
      case 'crash':
        if (vis(e.node)) rows.push({ t: e.t, draw: at(e.node, '✕', 'red'), text: `${e.node} CRASHES`, tone: 'red', lane: [e.node, true] });
        break;
      case 'restart':
        if (vis(e.node)) rows.push({ t: e.t, draw: at(e.node, '↻', 'green'), text: `${e.node} restarts (incarnation ${e.incarnation})`, tone: 'green', lane: [e.node, false] });
        break;
      case 'pause':
        if (vis(e.node)) rows.push({ t: e.t, draw: at(e.node, '‖', 'yellow'), text: `${e.node} paused`, tone: 'yellow', lane: [e.node, true] });
        break;
      case 'resume':
        if (vis(e.node)) rows.push({ t: e.t, draw: at(e.node, '▷', 'yellow'), text: `${e.node} resumes (${e.held} queued)`, tone: 'yellow', lane: [e.node, false] });
        break;
      case 'partition':
        rows.push({ t: e.t, draw: across('═', 'yellow'), text: `PARTITION ${e.groups.map((g) => g.join(' ')).join(' | ')}`, tone: 'yellow' });
        break;
      case 'isolate':
        rows.push({ t: e.t, draw: at(e.node, '⊘', 'yellow'), text: `${e.node} ISOLATED`, tone: 'yellow' });
        break;
      case 'block':
        rows.push({ t: e.t, draw: at(e.from, '⊘', 'yellow'), text: `BLOCK ${e.from} → ${e.to}`, tone: 'yellow' });
        break;
      case 'heal':
        rows.push({ t: e.t, draw: across('─', 'green'), text: 'HEAL: the network is whole again', tone: 'green' });
        break;
      case 'skew':
        if (vis(e.node)) rows.push({ t: e.t, draw: at(e.node, '◷', 'yellow'), text: `${e.node} clock ${e.skewMs >= 0 ? '+' : ''}${e.skewMs} ms${e.drift ? `, drift ${e.drift}` : ''}`, tone: 'yellow' });
        break;
      case 'error':
        if (vis(e.node)) rows.push({ t: e.t, draw: at(e.node, '!', 'red'), text: `${e.node} ERROR ${e.error}`, tone: 'red' });
        break;
      case 'invoke': {
        const op = opByInvoke.get(i);
        if (!op || !vis(e.client)) break;
        rows.push({ t: e.t, draw: at(e.client, '┬', 'bold'), text: `${e.client} invokes ${e.key !== undefined ? e.key + ' ' : ''}${e.f}${e.input !== undefined ? ' ' + shortJSON(e.input, 24) : ''} on ${e.node}`, tone: 'bold' });
        break;
      }
      case 'complete': {
        const op = opByComplete.get(i);
        if (!op || !vis(e.client)) break;
        const tone: Tone = e.status === 'ok' ? 'green' : e.status === 'fail' ? 'red' : 'yellow';
        const mark = e.status === 'ok' ? '✓' : e.status === 'fail' ? '✗' : '?';
        const what =
          e.status === 'ok'
            ? `ok${e.output !== undefined ? ' ' + shortJSON(e.output, 24) : ''}`
            : e.status === 'fail'
              ? `FAILED${e.error ? ` (${e.error})` : ''}`
              : `UNKNOWN${e.error ? ` (${e.error})` : ''}: may or may not have happened`;
        rows.push({ t: e.t, draw: at(e.client, '┴', tone), text: `${e.client} ${mark} ${e.f} ${what} after ${fmtMs(e.t - op.t0)}`, tone });
        break;
      }
      default:
        break;
    }
  }

  const out: string[] = [];
  const clip = (s: string, n: number) => ([...s].length > n ? [...s].slice(0, Math.max(0, n - 1)).join('') + '…' : s);
  if (columns) {
    const head = new Array<string>(area).fill(' ');
    for (const l of lanes) {
      const start = Math.max(0, Math.min(area - l.length, cx(l) - Math.floor((l.length - 1) / 2)));
      for (let k = 0; k < l.length; k++) head[start + k] = l[k]!;
    }
    out.push(paint('time'.padStart(TIME_W - 1), 'dim') + '  ' + paint(head.join('').trimEnd(), 'bold'));
    out.push(paint('─'.repeat(TIME_W - 1), 'dim') + '  ' + paint('─'.repeat(area), 'dim'));
  }
  // Lane state, replayed row by row for the verticals.
  const down = new Set<string>();
  const limit = opts.limit ?? Infinity;
  let shown = 0;
  for (const row of rows) {
    if (shown >= limit) break;
    shown++;
    const time = `${row.t.toFixed(2)} ms`.padStart(TIME_W - 1);
    if (!columns) {
      if (row.lane) {
        if (row.lane[1]) down.add(row.lane[0]);
        else down.delete(row.lane[0]);
      }
      out.push(paint(time, 'dim') + '  ' + paint(clip(compactLine(row), width - TIME_W - 1), row.tone));
      continue;
    }
    const cells = new Array<string>(area).fill(' ');
    const tones = new Array<Tone>(area).fill(undefined);
    for (const l of lanes) {
      cells[cx(l)] = down.has(l) ? '┊' : '│';
      tones[cx(l)] = 'dim';
    }
    row.draw(cells, tones);
    if (row.lane) {
      if (row.lane[1]) down.add(row.lane[0]);
      else down.delete(row.lane[0]);
    }
    let line = '';
    if (color) {
      let k = 0;
      while (k < area) {
        let j = k;
        while (j < area && tones[j] === tones[k]) j++;
        line += paint(cells.slice(k, j).join(''), tones[k]);
        k = j;
      }
    } else {
      line = cells.join('');
    }
    const room = width - TIME_W - 1 - area - 2;
    out.push(paint(time, 'dim') + '  ' + line + '  ' + paint(clip(row.text, room), row.tone));
  }
  if (rows.length > shown && opts.footer !== false) out.push(paint(`… ${rows.length - shown} more rows (narrow it with --from and --to)`, 'dim'));
  if (!rows.length) out.push(paint('(nothing happened in this window)', 'dim'));
  return out.map((l) => l.trimEnd()).join('\n');
}

/** One-line form for narrow terminals: `n1 ──chat #3──▶ n2  arrives 15.3 ms`. */
function compactLine(row: Row): string {
  const m = /^(FORGED |REPLAY of #\d+ )?(\S+) #(\d+) (\S+)→(\S+) (.*)$/.exec(row.text);
  if (m) {
    const [, how, ty, id, a, b, rest] = m;
    const lost = rest!.startsWith('✕');
    return lost ? `${a} ──${how ?? ''}${ty} #${id}──${rest}` : `${a} ──${how ?? ''}${ty} #${id}──▶ ${b} ${rest}`;
  }
  return row.text;
}

function withoutType(msg: unknown): unknown {
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg) || !('type' in msg)) return msg;
  const { type: _type, ...rest } = msg as Record<string, unknown>;
  return rest;
}

/** "term 2, for n4": a log's data in a few words, term first, plain values only. */
function logFacts(d: Record<string, unknown>): string {
  const parts = [`term ${String(d.term)}`];
  for (const [k, v] of Object.entries(d)) {
    if (k === 'term') continue;
    if (k === 'role' && typeof v === 'string') parts.push(v);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') parts.push(`${k} ${String(v)}`);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) parts.push(`${k} ${v.join(',')}`);
    else if (v === null) parts.push(`${k} none`);
  }
  return parts.join(', ');
}
