/**
 * Client histories, with Jepsen's semantics.
 *
 * A client process invokes an operation, then completes it with exactly one of:
 * - `ok`: the operation took effect (and `output` is what it returned);
 * - `fail`: the operation certainly did NOT take effect;
 * - `info`: indeterminate. It may or may not have taken effect, at any time after its
 *   invocation (a timeout, a crash of the node that was serving it). A linearizability
 *   checker treats an `info` operation as possibly concurrent with everything after it.
 *
 * A process has at most one outstanding operation; after an `info`, Jepsen retires the
 * process and the client continues under a fresh process id.
 */
export type HistoryEventType = 'invoke' | 'ok' | 'fail' | 'info';

export interface HistoryEvent<Input = unknown, Output = unknown> {
  /** Which client process (one outstanding operation at a time). */
  process: number;
  type: HistoryEventType;
  /** Operation name, e.g. 'read', 'write', 'cas', 'get', 'put', 'append'. */
  f: string;
  /** For invoke: the input. For completions: the same input (Jepsen repeats it). */
  input?: Input;
  /** For ok: what the operation returned. */
  output?: Output;
  /** Virtual time in ms (or any monotonic clock) when the event was observed. */
  time: number;
  /** Optional key, for models that split the history by key. */
  key?: string;
}

export type History<Input = unknown, Output = unknown> = HistoryEvent<Input, Output>[];
