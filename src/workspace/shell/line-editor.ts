/**
 * Line editing: turning terminal input into keys, the edited line itself, and the escape
 * sequences that redraw a prompt and a line that may wrap over several rows.
 * @module
 */
import { textWidth, visibleWidth } from './ansi.ts';

/** One key (or a run of printable text) decoded from terminal input. */
export type Key =
  | { kind: 'text'; text: string }
  | {
      kind:
        | 'enter'
        | 'backspace'
        | 'delete'
        | 'left'
        | 'right'
        | 'up'
        | 'down'
        | 'home'
        | 'end'
        | 'word-left'
        | 'word-right'
        | 'kill-before' // Ctrl+U
        | 'kill-after' // Ctrl+K
        | 'kill-word' // Ctrl+W, Alt+Backspace
        | 'interrupt' // Ctrl+C
        | 'clear-screen' // Ctrl+L
        | 'tab'
        | 'eof' // Ctrl+D
        | 'paste-start'
        | 'paste-end'
        | 'ignored';
    };

/** Every key but text. */
export type NamedKey = Exclude<Key, { kind: 'text' }>['kind'];

const CSI_KEYS: Record<string, NamedKey> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
  '1~': 'home',
  '7~': 'home',
  '4~': 'end',
  '8~': 'end',
  '3~': 'delete',
  '200~': 'paste-start',
  '201~': 'paste-end',
  '1;5C': 'word-right',
  '1;5D': 'word-left',
  '1;3C': 'word-right',
  '1;3D': 'word-left',
};

const CONTROL_KEYS: Record<string, NamedKey> = {
  '\r': 'enter',
  '\n': 'enter',
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\t': 'tab',
  '\x01': 'home', // Ctrl+A
  '\x05': 'end', // Ctrl+E
  '\x02': 'left', // Ctrl+B
  '\x06': 'right', // Ctrl+F
  '\x10': 'up', // Ctrl+P
  '\x0e': 'down', // Ctrl+N
  '\x15': 'kill-before', // Ctrl+U
  '\x0b': 'kill-after', // Ctrl+K
  '\x17': 'kill-word', // Ctrl+W
  '\x03': 'interrupt', // Ctrl+C
  '\x0c': 'clear-screen', // Ctrl+L
  '\x04': 'eof', // Ctrl+D
};

/** Decodes what a terminal sends (xterm's `onData`) into keys. `\r\n` counts as one Enter. */
export function decodeInput(data: string): Key[] {
  const keys: Key[] = [];
  let text = '';
  const flush = () => {
    if (text) keys.push({ kind: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < data.length) {
    const ch = data[i]!;
    if (ch === '\x1b') {
      flush();
      const rest = data.slice(i);
      const csi = /^\x1b\[([0-9;?]*[ -\/]*[@-~])/.exec(rest);
      if (csi) {
        keys.push({ kind: CSI_KEYS[csi[1]!] ?? 'ignored' });
        i += csi[0].length;
        continue;
      }
      const ss3 = /^\x1bO([A-Za-z])/.exec(rest);
      if (ss3) {
        keys.push({ kind: CSI_KEYS[ss3[1]!] ?? 'ignored' });
        i += 3;
        continue;
      }
      const next = data[i + 1];
      if (next === 'b') keys.push({ kind: 'word-left' });
      else if (next === 'f') keys.push({ kind: 'word-right' });
      else if (next === '\x7f') keys.push({ kind: 'kill-word' });
      else keys.push({ kind: 'ignored' });
      i += next === undefined ? 1 : 2;
      continue;
    }
    const control = CONTROL_KEYS[ch];
    if (control) {
      flush();
      keys.push({ kind: control });
      i += ch === '\r' && data[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    if (ch < ' ') {
      flush();
      keys.push({ kind: 'ignored' });
      i++;
      continue;
    }
    text += ch;
    i++;
  }
  flush();
  return keys;
}

/** Printable characters only (what a paste may insert into a line). */
export function printable(text: string): string {
  return text.replace(/\t/g, ' ').replace(/[\x00-\x1f\x7f]/g, '');
}

/** The line being edited: characters (code points) and a cursor between them. */
export class LineBuffer {
  private chars: string[] = [];
  private pos = 0;

  get text(): string {
    return this.chars.join('');
  }
  /** The cursor, in characters from the start. */
  get cursor(): number {
    return this.pos;
  }
  /** The text left of the cursor. */
  get beforeCursor(): string {
    return this.chars.slice(0, this.pos).join('');
  }
  /** Replaces the text; the cursor goes to the end (or to `cursor`). */
  set(text: string, cursor?: number): void {
    this.chars = Array.from(text);
    this.pos = Math.max(0, Math.min(cursor ?? this.chars.length, this.chars.length));
  }
  insert(text: string): void {
    const add = Array.from(text);
    this.chars.splice(this.pos, 0, ...add);
    this.pos += add.length;
  }
  backspace(): boolean {
    if (this.pos === 0) return false;
    this.chars.splice(--this.pos, 1);
    return true;
  }
  deleteForward(): boolean {
    if (this.pos >= this.chars.length) return false;
    this.chars.splice(this.pos, 1);
    return true;
  }
  left(): boolean {
    if (this.pos === 0) return false;
    this.pos--;
    return true;
  }
  right(): boolean {
    if (this.pos >= this.chars.length) return false;
    this.pos++;
    return true;
  }
  home(): void {
    this.pos = 0;
  }
  end(): void {
    this.pos = this.chars.length;
  }
  /** Start of the word before the cursor (spaces, then non-spaces), like bash's Ctrl+W. */
  private wordStart(): number {
    let p = this.pos;
    while (p > 0 && this.chars[p - 1] === ' ') p--;
    while (p > 0 && this.chars[p - 1] !== ' ') p--;
    return p;
  }
  wordLeft(): void {
    this.pos = this.wordStart();
  }
  wordRight(): void {
    let p = this.pos;
    while (p < this.chars.length && this.chars[p] === ' ') p++;
    while (p < this.chars.length && this.chars[p] !== ' ') p++;
    this.pos = p;
  }
  /** Deletes from the start of the line to the cursor (Ctrl+U). */
  killBefore(): void {
    this.chars.splice(0, this.pos);
    this.pos = 0;
  }
  /** Deletes from the cursor to the end (Ctrl+K). */
  killAfter(): void {
    this.chars.splice(this.pos);
  }
  /** Deletes the word before the cursor (Ctrl+W). */
  killWord(): void {
    const start = this.wordStart();
    this.chars.splice(start, this.pos - start);
    this.pos = start;
  }
}

/**
 * Escape sequences that redraw `prompt` + `text` from the prompt's first row, leaving the
 * terminal cursor `cursor` characters into `text`. `cursorRow` is the row (counted from
 * the prompt's first row) the terminal cursor is on now; the result says where it ends.
 * Works when the line wraps: rows are computed from `cols`.
 */
export function redrawLine(prompt: string, text: string, cursor: number, cols: number, cursorRow: number): { data: string; cursorRow: number } {
  const w = Math.max(1, cols);
  let data = cursorRow > 0 ? `\x1b[${cursorRow}A` : '';
  data += '\r\x1b[J' + prompt + text;
  const total = visibleWidth(prompt) + textWidth(text);
  // After exactly filling a row the cursor waits at its last column: step onto the next row.
  if (total > 0 && total % w === 0) data += '\r\n';
  const endRow = Math.floor(total / w);
  const at = visibleWidth(prompt) + textWidth(Array.from(text).slice(0, cursor).join(''));
  const row = Math.floor(at / w);
  const col = at % w;
  if (endRow > row) data += `\x1b[${endRow - row}A`;
  data += '\r';
  if (col > 0) data += `\x1b[${col}C`;
  return { data, cursorRow: row };
}

/** Escape sequences that move the cursor from `cursorRow` to just after the end of the line. */
export function moveToEnd(prompt: string, text: string, cols: number, cursorRow: number): string {
  const w = Math.max(1, cols);
  const total = visibleWidth(prompt) + textWidth(text);
  const endRow = total > 0 && total % w === 0 ? total / w - 1 : Math.floor(total / w);
  const col = total > 0 && total % w === 0 ? w : total % w;
  let data = '';
  if (endRow > cursorRow) data += `\x1b[${endRow - cursorRow}B`;
  else if (endRow < cursorRow) data += `\x1b[${cursorRow - endRow}A`;
  data += '\r';
  if (col > 0) data += `\x1b[${col}C`;
  return data;
}
