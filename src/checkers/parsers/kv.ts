/**
 * Parser for EDN key/value histories (Porcupine's kv test data, Jepsen-style), one map a line:
 *
 *     {:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}
 *     {:process 0, :type :ok, :f :get, :key "7", :value ""}
 *
 * `:type` is :invoke, :ok, :fail or :info; `:f` is :get, :put or :append; `:key` a string (a
 * number or keyword is taken as its text); `:value` a string or nil. Invokes carry the argument
 * (a get carries nil); an ok get carries the value read ("" for a missing key). Other keys
 * (:time, :index, ...) are ignored; `:process :nemesis` lines and blank lines are skipped.
 * Events get time = line number.
 * @module
 */
import type { HistoryEvent } from '../history.ts';
import { EdnReader, isKeyword, isMap, showEdn, type EdnValue } from './edn.ts';
import { ParseError } from './errors.ts';
import type { ParsedEvents } from './types.ts';

const TYPES = ['invoke', 'ok', 'fail', 'info'];
const FS = ['get', 'put', 'append'];

/** Parse the text of an EDN key/value history. @throws {ParseError} naming the file, line and problem. */
export function parseKvEdn(text: string, file = '<input>'): ParsedEvents {
  const history: HistoryEvent[] = [];
  const lines: number[] = [];
  let skipped = 0;
  const src = text.split(/\r?\n/);
  for (let li = 0; li < src.length; li++) {
    const line = src[li]!;
    const lineNo = li + 1;
    const r: EdnReader = new EdnReader(line, file, lineNo);
    if (r.atEnd()) continue; // blank or comment
    const at0 = r.pos;
    const v = r.read();
    if (!isMap(v)) r.fail(`expected a map like {:process 0, :type :invoke, :f :get, :key "k", :value nil}, found ${showEdn(v)}`, at0);
    if (!r.atEnd()) r.fail('unexpected text after the map (one map per line)');
    const m = v.map;
    const fail: (msg: string) => never = (msg) => {
      throw new ParseError(msg, file, lineNo, undefined, line);
    };
    const need = (k: string): EdnValue => {
      if (!m.has(k)) fail(`missing :${k}`);
      return m.get(k)!;
    };
    const proc = need('process');
    if (isKeyword(proc)) {
      skipped++;
      continue;
    }
    if (typeof proc !== 'number' || !Number.isInteger(proc)) fail(`:process must be an integer, found ${showEdn(proc)}`);
    const type = need('type');
    if (!isKeyword(type) || !TYPES.includes(type.kw)) {
      fail(`:type must be :invoke, :ok, :fail or :info, found ${showEdn(type)}`);
    }
    const f = need('f');
    if (!isKeyword(f) || !FS.includes(f.kw)) fail(`:f must be :get, :put or :append, found ${showEdn(f)}`);
    const keyV = need('key');
    let key: string;
    if (typeof keyV === 'string') key = keyV;
    else if (typeof keyV === 'number') key = String(keyV);
    else if (isKeyword(keyV)) key = ':' + keyV.kw;
    else return fail(`:key must be a string, found ${showEdn(keyV)}`);
    const value = m.has('value') ? m.get('value')! : null;
    if (value !== null && typeof value !== 'string') fail(`:value must be a string or nil, found ${showEdn(value)}`);
    const t = (type as { kw: string }).kw as HistoryEvent['type'];
    const fn = (f as { kw: string }).kw;
    const e: HistoryEvent = { process: proc as number, type: t, f: fn, key, time: lineNo };
    if (t === 'invoke') {
      if (fn === 'get' && value !== null) fail(`a get is invoked with :value nil, found ${showEdn(value)}`);
      if (fn !== 'get' && value === null) fail(`${fn} is invoked with a string :value, found nil`);
      e.input = value;
    } else if (t === 'ok') {
      if (fn === 'get') {
        if (value === null) fail('an ok get must carry the value read as a string ("" for a missing key), found nil');
        e.output = value;
      } else {
        e.input = value;
      }
    } else {
      e.input = value;
    }
    history.push(e);
    lines.push(lineNo);
  }
  if (history.length === 0) {
    throw new ParseError('no operations found: expected one EDN map per line, like {:process 0, :type :invoke, :f :get, :key "1", :value nil}', file, 0);
  }
  return { history, lines, skipped };
}
