/**
 * Reading history files: format detection, parsing, pairing into operations, choosing a model.
 * No Node APIs (works on text); see `files.ts` for reading from disk.
 * @module
 */
import type { History } from '../history.ts';
import { casRegisterModel, registerModel } from '../models/register.ts';
import { kvModel } from '../models/kv.ts';
import { describeOpFull } from '../explain.ts';
import { HistoryError, historyToOperations } from '../operations.ts';
import type { Model, Operation } from '../types.ts';
import { ParseError } from './errors.ts';
import { looksLikeEtcd, parseEtcdLog } from './etcd.ts';
import { parseJsonHistory } from './json.ts';
import { parseKvEdn } from './kv.ts';
import type { ParsedEvents } from './types.ts';

/** Supported file formats. */
export type HistoryFormat = 'etcd' | 'kv' | 'json';
export const FORMATS: readonly HistoryFormat[] = ['etcd', 'kv', 'json'];

/** Built-in models by name (for files and the CLI). */
export const MODELS = {
  register: () => registerModel(),
  'cas-register': () => casRegisterModel(),
  kv: () => kvModel(),
} as const satisfies Record<string, () => Model<any, any, any>>;
export type ModelName = keyof typeof MODELS;
export const isModelName = (s: string): s is ModelName => Object.hasOwn(MODELS, s);

/**
 * Guess the format from the file name and the first lines; undefined if unsure.
 * `.log` → etcd, `.edn` → kv, `.json`/`.jsonl` → json; otherwise by content.
 */
export function detectFormat(text: string, fileName = ''): HistoryFormat | undefined {
  const name = fileName.toLowerCase();
  if (name.endsWith('.edn')) return 'kv';
  if (name.endsWith('.json') || name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'json';
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trimStart().startsWith(';'))?.trim() ?? '';
  if (looksLikeEtcd(text)) return 'etcd';
  if (/^\{\s*:/.test(first)) return 'kv';
  if (first.startsWith('[') || /^\{\s*"/.test(first)) return 'json';
  if (name.endsWith('.log')) return 'etcd';
  return undefined;
}

/** A parsed, paired history, ready for {@link checkOperations}. */
export interface LoadedHistory extends ParsedEvents {
  file: string;
  format: HistoryFormat;
  /** Model to check against (from the format, the file, or the caller). */
  modelName: ModelName;
  model: Model<any, any, any>;
  operations: Operation[];
  timeUnit: string;
}

/** Options of {@link parseHistory}. */
export interface ParseHistoryOptions {
  /** Name shown in error messages. */
  file?: string;
  /** Skip detection. */
  format?: HistoryFormat;
  /** Override the model (default: cas-register for etcd, kv for kv, the file's "model" or cas-register for json). */
  model?: ModelName;
}

/**
 * Parse a history file's text, pair invokes with completions and check every operation fits the
 * model. @throws {ParseError} with file, line and what is wrong.
 */
export function parseHistory(text: string, options: ParseHistoryOptions = {}): LoadedHistory {
  const file = options.file ?? '<input>';
  const format = options.format ?? detectFormat(text, file);
  if (!format) {
    throw new ParseError(
      'cannot tell the format: expected Jepsen etcd log lines ("INFO  jepsen.util - ..."), EDN maps ({:process ...}) or JSON; use --format etcd|kv|json',
      file,
      0,
    );
  }
  const parsed = format === 'etcd' ? parseEtcdLog(text, file) : format === 'kv' ? parseKvEdn(text, file) : parseJsonHistory(text, file);
  let modelName: ModelName;
  if (options.model) modelName = options.model;
  else if (format === 'etcd') modelName = 'cas-register';
  else if (format === 'kv') modelName = 'kv';
  else {
    const m = parsed.modelHint ?? 'cas-register';
    if (!isModelName(m)) {
      throw new ParseError(`unknown model ${JSON.stringify(m)}; known: ${Object.keys(MODELS).join(', ')}`, file, 0);
    }
    modelName = m;
  }
  const model = MODELS[modelName]() as Model<any, any, any>;
  const timeUnit = parsed.timeUnit ?? 'line';
  const at = (eventIndex: number, msg: string): ParseError => {
    const line = parsed.lines[eventIndex] ?? 0;
    const source = line > 0 ? text.split(/\r?\n/)[line - 1] : undefined;
    return new ParseError(line > 0 ? msg.replace(/^line \d+: /, '') : msg, file, line, undefined, source);
  };
  let operations: Operation[];
  try {
    operations = historyToOperations(parsed.history as History, {
      describeEvent: (i) => (parsed.lines[i] ? `line ${parsed.lines[i]}` : `event #${i}`),
    });
  } catch (err) {
    if (err instanceof HistoryError) throw at(err.eventIndex, err.message);
    throw err;
  }
  if (model.validate) {
    for (const op of operations) {
      const msg = model.validate(op);
      if (msg !== undefined) {
        throw at(op.eventIndexes[0], `${describeOpFull(model, op, timeUnit)}: ${msg} (checking against the ${modelName} model)`);
      }
    }
  }
  return { ...parsed, file, format, modelName, model, operations, timeUnit };
}
