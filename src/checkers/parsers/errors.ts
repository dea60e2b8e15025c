/**
 * Parse errors that say where and what.
 * @module
 */

/** A problem in a history file: `file:line:column: message`, plus the offending line. */
export class ParseError extends Error {
  readonly file: string;
  /** 1-based line number (0 when the problem is about the whole file). */
  readonly line: number;
  /** 1-based column, if known. */
  readonly column: number | undefined;
  /** The text of the offending line, if any. */
  readonly source: string | undefined;
  /** The problem alone, without the location. */
  readonly problem: string;
  constructor(problem: string, file: string, line: number, column?: number, source?: string) {
    const where = line > 0 ? `${file}:${line}${column !== undefined ? `:${column}` : ''}` : file;
    let msg = `${where}: ${problem}`;
    if (source !== undefined && line > 0) {
      const flat = source.replace(/\t/g, ' ');
      const shown = flat.length > 160 ? flat.slice(0, 157) + '...' : flat;
      msg += `\n  ${line} | ${shown}`;
      if (column !== undefined && column <= shown.length + 1) {
        msg += `\n  ${' '.repeat(String(line).length)} | ${' '.repeat(column - 1)}^`;
      }
    }
    super(msg);
    this.name = 'ParseError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.source = source;
    this.problem = problem;
  }
}
