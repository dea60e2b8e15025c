/**
 * A tiny reader for the EDN subset found in Jepsen histories: maps, vectors, lists, keywords,
 * strings, integers, floats, nil, true/false, symbols. Commas are whitespace.
 * @module
 */
import { ParseError } from './errors.ts';

/** An EDN keyword, e.g. `:invoke`, kept apart from strings. */
export interface Keyword {
  kw: string;
}
/** EDN symbol (bare word other than nil/true/false). */
export interface Sym {
  sym: string;
}
export type EdnValue = null | boolean | number | string | Keyword | Sym | EdnValue[] | EdnMap;
/** EDN map with keyword keys (others are stringified), in order. */
export interface EdnMap {
  map: Map<string, EdnValue>;
}

export const isKeyword = (v: EdnValue | undefined): v is Keyword =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'kw' in v;
export const isMap = (v: EdnValue | undefined): v is EdnMap =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'map' in v && v.map instanceof Map;

/** Show a value as EDN, for messages. */
export function showEdn(v: EdnValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map(showEdn).join(' ')}]`;
  if (isKeyword(v)) return `:${v.kw}`;
  if ('sym' in v) return v.sym;
  return `{${[...v.map].map(([k, x]) => `:${k} ${showEdn(x)}`).join(', ')}}`;
}

const DELIM = /[\s,()[\]{}"]/;

/**
 * Read one EDN value from `text` starting at `pos`. `line` and `file` are for errors (columns
 * are 1-based positions in `text`, which is one line).
 */
export class EdnReader {
  pos = 0;
  readonly text: string;
  readonly file: string;
  readonly line: number;
  constructor(text: string, file: string, line: number, pos = 0) {
    this.text = text;
    this.file = file;
    this.line = line;
    this.pos = pos;
  }

  fail(msg: string, at = this.pos): never {
    throw new ParseError(msg, this.file, this.line, at + 1, this.text);
  }

  skipWs(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === ' ' || c === '\t' || c === ',' || c === '\r' || c === '\n') this.pos++;
      else if (c === ';') this.pos = t.length; // comment to end of line
      else break;
    }
  }

  atEnd(): boolean {
    this.skipWs();
    return this.pos >= this.text.length;
  }

  read(): EdnValue {
    this.skipWs();
    const t = this.text;
    const start = this.pos;
    if (start >= t.length) this.fail('unexpected end of line: a value is missing');
    const c = t[start]!;
    if (c === '{') return this.readMap();
    if (c === '[' || c === '(') return this.readSeq(c === '[' ? ']' : ')');
    if (c === '"') return this.readString();
    if (c === '}' || c === ']' || c === ')') this.fail(`unexpected "${c}"`);
    // A token: keyword, number, nil/true/false, symbol.
    let end = start + 1;
    while (end < t.length && !DELIM.test(t[end]!)) end++;
    const tok = t.slice(start, end);
    this.pos = end;
    if (c === ':') {
      if (tok.length === 1) this.fail('a keyword needs a name after ":"', start);
      return { kw: tok.slice(1) };
    }
    if (/^[+-]?\d+N?$/.test(tok)) return Number(tok.replace(/N$/, ''));
    if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/.test(tok)) return Number(tok.replace(/M$/, ''));
    if (tok === 'nil') return null;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    return { sym: tok };
  }

  private readString(): string {
    const t = this.text;
    const start = this.pos;
    let out = '';
    let i = start + 1;
    while (i < t.length) {
      const c = t[i]!;
      if (c === '"') {
        this.pos = i + 1;
        return out;
      }
      if (c === '\\') {
        const e = t[i + 1];
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
        if (e !== undefined && e in map) {
          out += map[e];
          i += 2;
          continue;
        }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(t.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        this.fail(`unknown escape "\\${e ?? ''}" in string`, i);
      }
      out += c;
      i++;
    }
    return this.fail('string is not closed (missing ")', start);
  }

  private readSeq(close: string): EdnValue[] {
    const open = this.pos;
    this.pos++;
    const items: EdnValue[] = [];
    for (;;) {
      this.skipWs();
      if (this.pos >= this.text.length) this.fail(`"${this.text[open]}" is not closed (missing "${close}")`, open);
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      items.push(this.read());
    }
  }

  private readMap(): EdnMap {
    const open = this.pos;
    this.pos++;
    const map = new Map<string, EdnValue>();
    for (;;) {
      this.skipWs();
      if (this.pos >= this.text.length) this.fail('"{" is not closed (missing "}")', open);
      if (this.text[this.pos] === '}') {
        this.pos++;
        return { map };
      }
      const kpos = this.pos;
      const k = this.read();
      const key = isKeyword(k) ? k.kw : showEdn(k);
      this.skipWs();
      if (this.pos >= this.text.length || this.text[this.pos] === '}') {
        this.fail(`map key ${showEdn(k)} has no value (a map needs key value pairs)`, kpos);
      }
      if (map.has(key)) this.fail(`map key ${showEdn(k)} appears twice`, kpos);
      map.set(key, this.read());
    }
  }
}
