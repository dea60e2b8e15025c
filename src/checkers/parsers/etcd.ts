/**
 * Parser for Jepsen etcd logs (a compare-and-set register), as in Porcupine's test data:
 *
 *     INFO  jepsen.util - <process>\t:<type>\t:<f>\t<value>
 *
 * Fields may be separated by tabs or spaces. Lines without `jepsen.util -` (other log output)
 * and nemesis lines are skipped.
 *
 * Mapping onto {@link HistoryEvent}s (time = line number):
 * - `:invoke :read nil`, `:invoke :write 3`, `:invoke :cas [1 2]`: invokes.
 * - `:ok :read 3` (or `nil`): ok with output 3 (null); `:ok :write 3`: ok; `:ok :cas [1 2]`: ok, output true.
 * - `:fail :cas [1 2]`: the compare failed: the cas happened and returned false, so it becomes
 *   an `ok` event with output false (it must be linearized as a no-op returning false).
 * - `:fail ... :timed-out` and `:info ...`: indeterminate (`info`).
 * - any other `:fail`: the operation did not happen (`fail`).
 * @module
 */
import type { HistoryEvent } from '../history.ts';
import { EdnReader, isKeyword, showEdn, type EdnValue } from './edn.ts';
import { ParseError } from './errors.ts';
import type { ParsedEvents } from './types.ts';

const MARK = /jepsen\.util\s+-\s+/;
const TYPES = ['invoke', 'ok', 'fail', 'info'] as const;
type T = (typeof TYPES)[number];

const isInt = (v: EdnValue): v is number => typeof v === 'number' && Number.isInteger(v);

/** Parse the text of a Jepsen etcd log. @throws {ParseError} naming the file, line and problem. */
export function parseEtcdLog(text: string, file = '<input>'): ParsedEvents {
  const history: HistoryEvent[] = [];
  const lines: number[] = [];
  let skipped = 0;
  const src = text.split(/\r?\n/);
  const pendingInput = new Map<number, { f: string; input: unknown }>();
  for (let li = 0; li < src.length; li++) {
    const line = src[li]!;
    const lineNo = li + 1;
    const m = MARK.exec(line);
    if (!m) {
      if (line.trim() !== '') skipped++;
      continue;
    }
    const r: EdnReader = new EdnReader(line, file, lineNo, m.index + m[0].length);
    const fail: (msg: string, at?: number) => never = (msg, at) => r.fail(msg, at);
    const tokens: { v: EdnValue; at: number }[] = [];
    while (!r.atEnd()) {
      const at = r.pos;
      tokens.push({ v: r.read(), at });
    }
    const [proc, type, fTok, val, extra] = tokens;
    if (proc && isKeyword(proc.v)) {
      skipped++; // :nemesis and other non-client processes
      continue;
    }
    if (!proc || !isInt(proc.v)) {
      fail(`expected a process number after "jepsen.util -", found ${proc ? showEdn(proc.v) : 'nothing'}`, proc?.at);
    }
    if (!type || !isKeyword(type.v) || !(TYPES as readonly string[]).includes(type.v.kw)) {
      fail(`expected the type :invoke, :ok, :fail or :info, found ${type ? showEdn(type.v) : 'nothing'}`, type?.at ?? r.pos);
    }
    if (!fTok || !isKeyword(fTok.v) || !['read', 'write', 'cas'].includes(fTok.v.kw)) {
      fail(`expected the operation :read, :write or :cas, found ${fTok ? showEdn(fTok.v) : 'nothing'}`, fTok?.at ?? r.pos);
    }
    if (!val) fail(`the ${showEdn(fTok.v)} line has no value (use nil for none)`, r.pos);
    if (extra) fail(`unexpected ${showEdn(extra.v)} after the value`, extra.at);
    const process = proc.v;
    const t = (type.v as { kw: string }).kw as T;
    const f = (fTok.v as { kw: string }).kw;
    const v = val.v;
    const timedOut = isKeyword(v) && v.kw === 'timed-out';
    const push = (e: HistoryEvent): void => {
      history.push(e);
      lines.push(lineNo);
    };

    if (t === 'invoke') {
      let input: unknown;
      if (f === 'read') {
        if (v !== null) fail(`a read is invoked with nil, found ${showEdn(v)}`, val.at);
        input = null;
      } else if (f === 'write') {
        if (!isInt(v)) fail(`a write is invoked with an integer, found ${showEdn(v)}`, val.at);
        input = v;
      } else {
        if (!Array.isArray(v) || v.length !== 2 || !isInt(v[0]!) || !isInt(v[1]!)) {
          fail(`a cas is invoked with [from to] (two integers), found ${showEdn(v)}`, val.at);
        }
        input = [v[0], v[1]];
      }
      pendingInput.set(process, { f, input });
      push({ process, type: 'invoke', f, input, time: lineNo });
      continue;
    }
    const input = pendingInput.get(process)?.input;
    pendingInput.delete(process);
    if (t === 'info' || (t === 'fail' && timedOut)) {
      push({ process, type: 'info', f, input, time: lineNo });
      continue;
    }
    if (timedOut) fail(`:timed-out only makes sense with :info or :fail, not :${t}`, val.at);
    if (t === 'ok') {
      let output: unknown;
      if (f === 'read') {
        if (v !== null && !isInt(v)) fail(`a read returns nil or an integer, found ${showEdn(v)}`, val.at);
        output = v;
      } else if (f === 'write') {
        if (!isInt(v)) fail(`an ok write repeats the integer written, found ${showEdn(v)}`, val.at);
      } else {
        if (!Array.isArray(v) || v.length !== 2) fail(`an ok cas repeats [from to], found ${showEdn(v)}`, val.at);
        output = true;
      }
      push({ process, type: 'ok', f, input, output, time: lineNo });
      continue;
    }
    // :fail
    if (f === 'cas') {
      if (!Array.isArray(v) || v.length !== 2) fail(`a failed cas repeats [from to], found ${showEdn(v)}`, val.at);
      push({ process, type: 'ok', f, input, output: false, time: lineNo });
    } else {
      push({ process, type: 'fail', f, input, time: lineNo });
    }
  }
  if (history.length === 0) {
    throw new ParseError(
      'no history lines found: expected lines like "INFO  jepsen.util - 3\t:invoke\t:write\t4" (is this an etcd log? try --format)',
      file,
      0,
    );
  }
  return { history, lines, skipped };
}

/** Guard used by the format detector. */
export const looksLikeEtcd = (text: string): boolean => MARK.test(text.slice(0, 4096));
