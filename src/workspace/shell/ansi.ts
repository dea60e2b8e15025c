/**
 * ANSI colours, visible widths and ANSI-aware word wrapping for the in-page terminal.
 * Pure string functions: no DOM, no terminal.
 * @module
 */

const ANSI_RE = /\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Removes ANSI escape sequences (colours, cursor moves). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_RE, '');
}

/** Colour helpers; with `enabled: false` every helper returns its text unchanged. */
export interface Colors {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  magenta(s: string): string;
  cyan(s: string): string;
  gray(s: string): string;
  /** White text on a red background (Vitest's ` FAIL ` badge). */
  badgeRed(s: string): string;
  /** Black text on a cyan background (Vitest's ` RUN ` badge). */
  badgeCyan(s: string): string;
  /** Black text on a yellow background. */
  badgeYellow(s: string): string;
}

const sgr = (open: number, close: number) => (s: string) => (s === '' ? s : `\x1b[${open}m${s}\x1b[${close}m`);

/** The colour helpers, on or off. */
export function colors(enabled: boolean): Colors {
  if (!enabled) {
    const id = (s: string) => s;
    return { enabled, bold: id, dim: id, red: id, green: id, yellow: id, blue: id, magenta: id, cyan: id, gray: id, badgeRed: id, badgeCyan: id, badgeYellow: id };
  }
  return {
    enabled,
    bold: sgr(1, 22),
    // "Dim" is grey, not SGR 2: terminals render SGR 2 at half contrast, below WCAG AA.
    dim: sgr(90, 39),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    blue: sgr(34, 39),
    magenta: sgr(35, 39),
    cyan: sgr(36, 39),
    gray: sgr(90, 39),
    badgeRed: (s) => `\x1b[41m\x1b[1m\x1b[97m${s}\x1b[39m\x1b[22m\x1b[49m`,
    badgeCyan: (s) => `\x1b[46m\x1b[1m\x1b[30m${s}\x1b[39m\x1b[22m\x1b[49m`,
    badgeYellow: (s) => `\x1b[43m\x1b[1m\x1b[30m${s}\x1b[39m\x1b[22m\x1b[49m`,
  };
}

/** Terminal cells one code point takes: 0 (combining, control), 1, or 2 (wide: CJK, most emoji). */
export function charWidth(cp: number): number {
  if (cp < 32 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0x200b && cp <= 0x200f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Width of a plain string (no ANSI) in terminal cells. */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** Width of a string in terminal cells, ignoring ANSI sequences. */
export function visibleWidth(text: string): number {
  return textWidth(stripAnsi(text));
}

interface Piece {
  /** The text, ANSI sequences included. */
  text: string;
  width: number;
  space: boolean;
}

/** Splits a line into words and single spaces; ANSI sequences stick to the text after them. */
function pieces(line: string): Piece[] {
  const out: Piece[] = [];
  let word = '';
  let width = 0;
  let pendingAnsi = '';
  const flush = () => {
    if (word !== '' || width > 0) out.push({ text: word, width, space: false });
    word = '';
    width = 0;
  };
  let i = 0;
  while (i < line.length) {
    ANSI_RE.lastIndex = i;
    const m = line[i] === '\x1b' ? ANSI_RE.exec(line) : null;
    if (m && m.index === i) {
      if (word === '') pendingAnsi += m[0];
      else word += m[0];
      i += m[0].length;
      continue;
    }
    const ch = String.fromCodePoint(line.codePointAt(i)!);
    i += ch.length;
    if (ch === ' ') {
      flush();
      out.push({ text: pendingAnsi + ' ', width: 1, space: true });
      pendingAnsi = '';
    } else {
      word += pendingAnsi + ch;
      pendingAnsi = '';
      width += charWidth(ch.codePointAt(0)!);
    }
  }
  if (pendingAnsi) word += pendingAnsi;
  flush();
  return out;
}

/** Splits a long word (with ANSI) into chunks of at most `max` cells. */
function breakWord(text: string, max: number): string[] {
  const chunks: string[] = [];
  let cur = '';
  let w = 0;
  let i = 0;
  while (i < text.length) {
    ANSI_RE.lastIndex = i;
    const m = text[i] === '\x1b' ? ANSI_RE.exec(text) : null;
    if (m && m.index === i) {
      cur += m[0];
      i += m[0].length;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    i += ch.length;
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > max && w > 0) {
      chunks.push(cur);
      cur = '';
      w = 0;
    }
    cur += ch;
    w += cw;
  }
  if (cur !== '') chunks.push(cur);
  return chunks;
}

/**
 * Word-wraps one line (no newlines) to `cols` cells; continuation lines start with
 * `indent`. ANSI sequences are kept and take no room (the terminal keeps the colour
 * across the line break). Leading spaces of the line are kept; words longer than a
 * line are broken.
 */
export function wrapLine(line: string, cols: number, indent = ''): string[] {
  return wrapRaw(line, cols, indent).map((l) => l.replace(/\u00a0/g, ' '));
}

/**
 * Glues the words of a command with non-breaking spaces, so that {@link wrapLine} never
 * breaks it across lines (they print as ordinary spaces).
 */
export function glue(text: string): string {
  return text.replace(/ /g, '\u00a0');
}

/** Lays out names in columns, like `ls`: column by column, as many columns as fit. */
export function columns(items: readonly string[], cols: number, gap = 2): string[][] {
  const widths = items.map((s) => visibleWidth(s));
  for (let rows = 1; rows <= items.length; rows++) {
    const ncols = Math.ceil(items.length / rows);
    const colW: number[] = [];
    for (let c = 0; c < ncols; c++) colW.push(Math.max(...widths.slice(c * rows, (c + 1) * rows)));
    const total = colW.reduce((a, b) => a + b, 0) + gap * (ncols - 1);
    if (total <= cols || rows === items.length) {
      const out: string[][] = [];
      for (let r = 0; r < rows; r++) {
        const cells: string[] = [];
        for (let c = 0; c < ncols; c++) {
          const i = c * rows + r;
          if (i >= items.length) continue;
          const last = c === ncols - 1 || (c + 1) * rows + r >= items.length;
          cells.push(last ? items[i]! : items[i]! + ' '.repeat(colW[c]! - widths[i]! + gap));
        }
        out.push(cells);
      }
      return out;
    }
  }
  return [];
}

function wrapRaw(line: string, cols: number, indent: string): string[] {
  if (cols <= 0 || visibleWidth(line) <= cols) return [line];
  let ind = indent;
  if (textWidth(ind) > cols / 2) ind = ' '.repeat(Math.floor(cols / 4));
  const indW = textWidth(ind);
  const lines: string[] = [];
  let cur = '';
  let curW = 0;
  let hasWord = false;
  let spaces = '';
  let spacesW = 0;
  const newLine = () => {
    lines.push(cur);
    cur = ind;
    curW = indW;
    hasWord = false;
    spaces = '';
    spacesW = 0;
  };
  const put = (text: string, width: number) => {
    cur += text;
    curW += width;
    hasWord = true;
  };
  for (const p of pieces(line)) {
    if (p.space) {
      if (!hasWord && lines.length === 0) {
        cur += p.text; // leading spaces of the first line
        curW += 1;
      } else {
        spaces += p.text;
        spacesW += 1;
      }
      continue;
    }
    if (curW + spacesW + p.width <= cols) {
      put(spaces + p.text, spacesW + p.width);
      spaces = '';
      spacesW = 0;
      continue;
    }
    if (hasWord) newLine();
    spaces = '';
    spacesW = 0;
    if (curW + p.width <= cols) {
      put(p.text, p.width);
      continue;
    }
    // Longer than a whole line: break it.
    const [first = '', ...rest] = breakWord(p.text, Math.max(1, cols - curW));
    put(first, visibleWidth(first));
    for (const chunk of rest.length ? breakWord(rest.join(''), Math.max(1, cols - indW)) : []) {
      newLine();
      put(chunk, visibleWidth(chunk));
    }
  }
  lines.push(cur);
  return lines;
}

/** Wraps every line of a (possibly multi-line) text; see {@link wrapLine}. */
export function wrapText(text: string, cols: number, indent = ''): string[] {
  return text.split('\n').flatMap((l) => wrapLine(l, cols, indent));
}

/** Cuts a line to at most `cols` cells, ending with `…` when it was cut. ANSI-aware. */
export function truncate(line: string, cols: number): string {
  if (visibleWidth(line) <= cols) return line;
  if (cols <= 1) return '…'.slice(0, cols);
  const [head] = breakWord(line, cols - 1);
  const hasAnsi = line.includes('\x1b');
  return `${head ?? ''}${hasAnsi ? '\x1b[0m' : ''}…`;
}
