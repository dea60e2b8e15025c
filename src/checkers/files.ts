/**
 * Reading history files from disk (Node only; everything else in src/checkers runs in browsers).
 * @module
 */
import { readFileSync } from 'node:fs';

import { ParseError } from './parsers/errors.ts';
import { parseHistory, type LoadedHistory, type ParseHistoryOptions } from './parsers/index.ts';

/**
 * Read and parse a history file.
 * @throws {ParseError} if it cannot be read or parsed (the message names the file and line).
 */
export function loadHistoryFile(path: string, options: Omit<ParseHistoryOptions, 'file'> = {}): LoadedHistory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : code === 'EACCES' ? 'permission denied' : String((err as Error).message);
    throw new ParseError(`cannot read the file: ${why}`, path, 0);
  }
  if (text.includes('\u0000')) throw new ParseError('this looks like a binary file, not a text history', path, 0);
  return parseHistory(text, { ...options, file: path });
}

