/**
 * check-history: check history files for linearizability from the command line.
 *
 *     node src/checkers/cli.ts <file>... [--format etcd|kv|json] [--model NAME] [--timeout ms] [--explain] [--json]
 *
 * Exit codes: 0 linearizable, 1 not linearizable, 2 unknown (time budget ran out),
 * 3 bad input (usage error, unreadable file, parse error). With several files: the worst one
 * (3, then 1, then 2, then 0).
 * @module
 */
import { parseArgs } from 'node:util';
import { checkOperations } from './check.ts';
import { loadHistoryFile } from './files.ts';
import { ParseError } from './parsers/errors.ts';
import { FORMATS, MODELS, isModelName, type HistoryFormat, type ModelName } from './parsers/index.ts';
import type { CheckResult } from './types.ts';

export const EXIT = { linearizable: 0, 'not linearizable': 1, unknown: 2, badInput: 3 } as const;
const DEFAULT_TIMEOUT_MS = 30_000;

export const USAGE = `Usage: check-history <file>... [options]

Checks whether a recorded client history is linearizable.

Formats (detected from the file name and content unless --format is given):
  etcd   Jepsen etcd logs: INFO  jepsen.util - <process> :<type> :<f> <value>
         (a compare-and-set register: read, write, cas)
  kv     one EDN map a line: {:process 0, :type :invoke, :f :get, :key "k", :value nil}
         (a key/value store: get, put, append; checked key by key)
  json   an array of {"process","type","f","input","output","time","key"} events,
         {"model": "...", "history": [...]}, or one event object a line

Options:
  --format <etcd|kv|json>   skip format detection
  --model <${Object.keys(MODELS).join('|')}>
                            model to check against (default: from the format)
  --timeout <ms>            time budget; when it runs out the verdict is "unknown"
                            (default ${DEFAULT_TIMEOUT_MS}; 0 means no limit)
  --explain                 say why (which operations cannot be ordered, and why)
  --json                    print the full result as JSON
  -h, --help                show this help

Prints "linearizable", "not linearizable" or "unknown" (prefixed by the file name when
several files are given).

Exit codes:
  0  linearizable
  1  not linearizable
  2  unknown: the time budget ran out before a verdict (try a larger --timeout)
  3  bad input: usage error, unreadable file, or a file that cannot be parsed
     (the message says which file, which line, and what is wrong)
`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** Run the CLI with `argv` (without node and script); returns the exit code. */
export function main(argv: string[], io: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): number {
  let values: { format?: string; model?: string; timeout?: string; explain?: boolean; json?: boolean; help?: boolean };
  let files: string[];
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        model: { type: 'string' },
        timeout: { type: 'string' },
        explain: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    values = parsed.values;
    files = parsed.positionals;
  } catch (err) {
    io.err(`check-history: ${(err as Error).message}\nRun with --help for usage.\n`);
    return EXIT.badInput;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const usageError = (msg: string): number => {
    io.err(`check-history: ${msg}\nRun with --help for usage.\n`);
    return EXIT.badInput;
  };
  if (files.length === 0) return usageError('no history file given');
  if (values.format !== undefined && !(FORMATS as readonly string[]).includes(values.format)) {
    return usageError(`unknown --format ${JSON.stringify(values.format)}; use one of ${FORMATS.join(', ')}`);
  }
  if (values.model !== undefined && !isModelName(values.model)) {
    return usageError(`unknown --model ${JSON.stringify(values.model)}; use one of ${Object.keys(MODELS).join(', ')}`);
  }
  let timeoutMs: number | undefined = DEFAULT_TIMEOUT_MS;
  if (values.timeout !== undefined) {
    const t = Number(values.timeout);
    if (values.timeout.trim() === '' || !Number.isFinite(t) || t < 0) {
      return usageError(`--timeout wants a number of milliseconds (0 for no limit), not ${JSON.stringify(values.timeout)}`);
    }
    timeoutMs = t === 0 ? undefined : t;
  }

  const many = files.length > 1;
  const codes: number[] = [];
  const jsonOut: unknown[] = [];
  for (const file of files) {
    try {
      const loaded = loadHistoryFile(file, {
        ...(values.format ? { format: values.format as HistoryFormat } : {}),
        ...(values.model ? { model: values.model as ModelName } : {}),
      });
      const result: CheckResult = checkOperations(loaded.model, loaded.operations, {
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        timeUnit: loaded.timeUnit,
      });
      codes.push(EXIT[result.verdict]);
      if (values.json) {
        jsonOut.push({ file, format: loaded.format, model: loaded.modelName, ...result });
        continue;
      }
      io.out(`${many ? `${file}: ` : ''}${result.verdict}\n`);
      if (values.explain) {
        io.out(`${result.explanation}\n`);
        if (many) io.out('\n');
      }
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      codes.push(EXIT.badInput);
      io.err(`check-history: ${err.message}\n`);
      if (values.json) jsonOut.push({ file, error: err.message });
    }
  }
  if (values.json) io.out(JSON.stringify(many ? jsonOut : jsonOut[0], jsonReplacer, 2) + '\n');
  return worst(codes);
}

/** JSON cannot hold Infinity (an info operation's end): write null. */
function jsonReplacer(_k: string, v: unknown): unknown {
  return v === Infinity ? null : v;
}

function worst(codes: number[]): number {
  for (const c of [EXIT.badInput, EXIT['not linearizable'], EXIT.unknown]) if (codes.includes(c)) return c;
  return 0;
}

// Run when executed directly (not when imported by tests). Node >= 24.2 has import.meta.main.
if (import.meta.main) {
  process.exitCode = main(process.argv.slice(2));
}
