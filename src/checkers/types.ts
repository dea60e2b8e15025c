/**
 * Types shared by the linearizability checker, its models and its parsers.
 *
 * Runs anywhere (Node, browsers, Web Workers): no Node-only APIs here.
 * @module
 */

/** What a client asked for: the operation name, the optional key, and the argument. */
export interface Invocation<Arg = unknown> {
  /** Operation name, e.g. 'read', 'write', 'cas', 'get', 'put', 'append'. */
  f: string;
  /** Key, for models that split the history by key (undefined when there is none). */
  key: string | undefined;
  /** The argument (`HistoryEvent.input`): a written value, `[from, to]` for a cas, ... */
  value: Arg;
}

/**
 * A completed (or indeterminate) operation: an invoke event paired with its completion.
 * Built from a {@link History} by `historyToOperations`.
 */
export interface Operation<Arg = unknown, Out = unknown> {
  /** Index in the operations array: stable, use it to highlight operations in diagrams. */
  id: number;
  process: number;
  input: Invocation<Arg>;
  /**
   * What the operation returned. `undefined` when `status` is 'info': the result is unknown,
   * and a model must accept any result (it still applies the operation's effect).
   */
  output: Out | undefined;
  /** 'ok': it took effect; 'info': it may or may not have taken effect, at any time after `start`. */
  status: 'ok' | 'info';
  /** Time of the invoke event. */
  start: number;
  /** Time of the completion; `Infinity` for 'info' operations. */
  end: number;
  /** Indexes of the invoke and completion events in the source history (completion -1 if none). */
  eventIndexes: [invoke: number, completion: number];
}

/** The result of one model step: whether the output is possible, and the state afterwards. */
export type StepResult<State> = [ok: boolean, next: State];

/**
 * A sequential specification: the object the history claims to be a linearizable copy of.
 *
 * States should be immutable values. Primitive states (number, string, boolean, null) are
 * compared with `===` and hashed by the checker; other states need `equal` and `hash`
 * (otherwise they fall back to `JSON.stringify`, which is slow).
 */
export interface Model<State = unknown, Arg = unknown, Out = unknown> {
  /** Short name for messages, e.g. 'register'. */
  name: string;
  /** The initial state. */
  init(): State;
  /**
   * Apply `input` to `state`. Return `[true, next]` if `output` is a possible result of the
   * operation in `state`, else `[false, state]`. `output` is `undefined` for an indeterminate
   * ('info') operation: accept it and apply the effect the operation would have had.
   */
  step(state: State, input: Invocation<Arg>, output: Out | undefined): StepResult<State>;
  /** State equality (default `===`, or JSON for objects). */
  equal?(a: State, b: State): boolean;
  /** A 32-bit hash of a state, consistent with `equal` (default: built in for primitives). */
  hash?(state: State): number;
  /**
   * Split the operations into independent groups (e.g. by key), each checked on its own.
   * Valid only if the model is P-compositional over the groups. Default: one group.
   */
  partition?(operations: readonly Operation<Arg, Out>[]): Operation<Arg, Out>[][];
  /**
   * Optional check of one operation before the search: return a message if this model cannot
   * handle it (unknown `f`, malformed input), else undefined. The checker then reports a
   * friendly error instead of a wrong verdict.
   */
  validate?(op: Operation<Arg, Out>): string | undefined;
  /** Human description of an operation, e.g. `read → 3`, `write 4`, `cas 1→2 (failed)`. */
  describeOperation?(input: Invocation<Arg>, output: Out | undefined): string;
  /** Human description of a state, e.g. `3` or `"x 1 y"`. */
  describeState?(state: State): string;
  /**
   * Why `step(state, input, output)` is rejected, in plain words (only called when it is),
   * e.g. `the register held 2, not 3`.
   */
  explainRejection?(state: State, input: Invocation<Arg>, output: Out | undefined): string;
}

/** The verdict of a check. 'unknown' means the time budget ran out first: it is never a guess. */
export type Verdict = 'linearizable' | 'not linearizable' | 'unknown';

/** An operation that could have gone next at the point where the search got stuck. */
export interface Candidate {
  id: number;
  /** Whether the model accepts it in the stuck state (if so, every continuation failed later). */
  accepted: boolean;
  /** Plain-words reason. */
  reason: string;
}

/**
 * Why a partition is not linearizable, from the deepest point the search reached
 * (as in Porcupine's visualisation): the longest valid partial ordering found, the operation
 * that then could not be placed, and the other operations that could have gone next.
 */
export interface FailureReport {
  /** Operation ids (see {@link Operation.id}) of the longest partial linearization found, in order. */
  linearized: number[];
  /** Described model state after each operation of `linearized`. */
  statesAfter: string[];
  /** The state after `linearized`, described. */
  state: string;
  /**
   * The operation that could not be placed: it returned before others were invoked, so it had
   * to take effect next (or after one of the `candidates`), and no choice worked.
   */
  blocked: number;
  /** Why the blocked operation itself cannot go next in `state` (if the model rejects it). */
  blockedReason: string;
  /** Other pending operations that could have gone first at that point, with what happens if they do. */
  candidates: Candidate[];
  /**
   * Operations overlapping the blocked one in real time (so they may be ordered before or after
   * it), whether or not the partial linearization already placed them.
   */
  concurrent: number[];
  /** Plain-words explanation for learners. */
  text: string;
}

/** Counters from one search. */
export interface SearchStats {
  /** Model steps attempted. */
  steps: number;
  /** Distinct (linearized set, state) pairs cached. */
  cached: number;
  /** Wall time in ms. */
  elapsedMs: number;
}

/** The outcome for one partition (one key, for a model that partitions by key). */
export interface PartitionResult {
  index: number;
  /** The key shared by the partition's operations, if they all have the same one. */
  key: string | undefined;
  verdict: Verdict;
  /** Operation ids in this partition. */
  operations: number[];
  /** A full linearization (op ids in order, info ops that may never have happened left out), when linearizable. */
  linearization?: number[];
  failure?: FailureReport;
  stats: SearchStats;
}

/** The outcome of {@link checkOperations} / {@link checkHistory}. */
export interface CheckResult<Arg = unknown, Out = unknown> {
  verdict: Verdict;
  /** Per-partition results (partitions not reached before a timeout are 'unknown'). */
  partitions: PartitionResult[];
  /** The operations the checker saw (failed operations already dropped). */
  operations: Operation<Arg, Out>[];
  /** Plain-words summary (with details of the first non-linearizable partition). */
  explanation: string;
  /** Failure report of the first non-linearizable partition, if any. */
  failure?: FailureReport & { partition: number };
  stats: SearchStats;
}

/** Options for {@link checkOperations} / {@link checkHistory}. */
export interface CheckOptions {
  /** Time budget in ms for the whole check; when it runs out the verdict is 'unknown'. Default: none. */
  timeoutMs?: number;
  /** Called now and then; return true to stop (verdict 'unknown'). E.g. a cancel button. */
  shouldStop?: () => boolean;
  /** Stop at the first non-linearizable partition (default false: check every partition). */
  stopAtFirstFailure?: boolean;
  /** Unit of the times, for explanations: 'ms' (default), 'line' for parsed log files, or any word. */
  timeUnit?: string;
  /** Clock for the budget (default `performance.now`). */
  now?: () => number;
}
