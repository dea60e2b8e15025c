/**
 * JSON histories: the {@link HistoryEvent} shape of `history.ts`, as
 * - a JSON array of events,
 * - an object `{ "model": "cas-register", "timeUnit": "ms", "history": [ ...events ] }`, or
 * - JSON Lines (one event object per line).
 * @module
 */
import type { HistoryEvent } from '../history.ts';
import { ParseError } from './errors.ts';
import type { ParsedEvents } from './types.ts';

/** Line and column of character offset `pos` in `text`. */
function lineCol(text: string, pos: number): [number, number] {
  let line = 1;
  let last = -1;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return [line, pos - last];
}

function parseJsonAt(text: string, file: string, lineOffset: number): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const m = /position (\d+)/.exec(msg);
    if (m) {
      const [l, c] = lineCol(text, Number(m[1]));
      const srcLine = text.split('\n')[l - 1];
      throw new ParseError(`invalid JSON: ${msg.replace(/ in JSON at position \d+.*$/s, '')}`, file, l + lineOffset, c, srcLine);
    }
    throw new ParseError(`invalid JSON: ${msg}`, file, lineOffset + 1);
  }
}

/** Parse a JSON / JSON Lines history. @throws {ParseError}. */
export function parseJsonHistory(text: string, file = '<input>'): ParsedEvents {
  const trimmed = text.trimStart();
  let events: unknown[];
  let lines: number[];
  let model: string | undefined;
  let timeUnit: string | undefined;
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && /^\{\s*"(history|model|timeUnit)"/.test(trimmed))) {
    const doc = parseJsonAt(text, file, 0);
    if (Array.isArray(doc)) {
      events = doc;
    } else if (doc && typeof doc === 'object' && Array.isArray((doc as { history?: unknown }).history)) {
      const d = doc as { history: unknown[]; model?: unknown; timeUnit?: unknown };
      events = d.history;
      if (d.model !== undefined) {
        if (typeof d.model !== 'string') throw new ParseError('"model" must be a string', file, 0);
        model = d.model;
      }
      if (d.timeUnit !== undefined) {
        if (typeof d.timeUnit !== 'string') throw new ParseError('"timeUnit" must be a string', file, 0);
        timeUnit = d.timeUnit;
      }
    } else {
      throw new ParseError('expected a JSON array of events, or an object with a "history" array', file, 0);
    }
    lines = events.map(() => 0);
  } else {
    events = [];
    lines = [];
    const src = text.split(/\r?\n/);
    for (let i = 0; i < src.length; i++) {
      if (src[i]!.trim() === '') continue;
      events.push(parseJsonAt(src[i]!, file, i));
      lines.push(i + 1);
    }
  }
  const history: HistoryEvent[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const where = lines[i] ? lines[i]! : 0;
    const bad: (msg: string) => never = (msg) => {
      throw new ParseError(where ? msg : `event #${i}: ${msg}`, file, where);
    };
    if (!e || typeof e !== 'object' || Array.isArray(e)) bad('an event must be an object like {"process":0,"type":"invoke","f":"read","time":0}');
    const ev = e as Record<string, unknown>;
    if (typeof ev.process !== 'number') bad(`"process" must be a number, found ${JSON.stringify(ev.process)}`);
    if (!['invoke', 'ok', 'fail', 'info'].includes(ev.type as string)) {
      bad(`"type" must be "invoke", "ok", "fail" or "info", found ${JSON.stringify(ev.type)}`);
    }
    if (typeof ev.f !== 'string') bad(`"f" must be a string, found ${JSON.stringify(ev.f)}`);
    if (ev.time !== undefined && typeof ev.time !== 'number') bad(`"time" must be a number, found ${JSON.stringify(ev.time)}`);
    if (ev.key !== undefined && typeof ev.key !== 'string') bad(`"key" must be a string, found ${JSON.stringify(ev.key)}`);
    const out: HistoryEvent = {
      process: ev.process as number,
      type: ev.type as HistoryEvent['type'],
      f: ev.f as string,
      time: typeof ev.time === 'number' ? ev.time : i,
    };
    if ('input' in ev) out.input = ev.input;
    if ('output' in ev) out.output = ev.output;
    if (typeof ev.key === 'string') out.key = ev.key;
    history.push(out);
  }
  if (history.length === 0) throw new ParseError('no events found', file, 0);
  const allTimed = events.every((e) => typeof (e as { time?: unknown }).time === 'number');
  if (!allTimed) history.forEach((e, i) => (e.time = i)); // no (complete) clock: use event order
  return { history, lines, skipped: 0, timeUnit: allTimed ? (timeUnit ?? 'ms') : 'event', ...(model ? { modelHint: model } : {}) };
}
