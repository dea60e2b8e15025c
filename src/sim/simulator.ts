/**
 * The deterministic simulator. See README.md in this folder for a tour.
 *
 * Determinism and async/await: the event loop itself is synchronous. Handlers may be
 * `async` and `ctx.request` returns a Promise; when an event resolves or rejects a
 * simulator promise, or a handler returns a promise, the loop stops after that event
 * and waits for a macrotask boundary (`setImmediate` in Node, a `MessageChannel` in a
 * browser). JavaScript runs every pending microtask before any macrotask, so by then
 * all promise continuations caused by that event have run, in an order fixed by the
 * program, at the same virtual time. Only then is the next event taken. Runs without
 * promises never yield and pay nothing.
 *
 * Consequences for node code: never await anything the simulator does not control
 * (real timers, fetch, Date): it would escape virtual time. After a crash, promises of
 * the old incarnation never settle, so their continuations never run.
 * @module
 */
import { enterSimulation, leaveSimulation, setGuardContext } from './host-guard.ts';
import type { HistoryEvent } from '../checkers/history.ts';
import { cloneData } from './data.ts';
import { EventHeap } from './heap.ts';
import { DEFAULT_LINK, mergeLink, sampleLatency } from './network.ts';
import type { LinkConfig } from './network.ts';
import { Rng } from './rng.ts';
import { TRACE_VERSION } from './trace.ts';
import { D_COPY, D_LATE, TraceRecorder, advCode, reasonCode } from './recorder.ts';
import type { DropReason, Trace, TraceEvent, TraceLevel } from './trace.ts';
import { NodeError, RequestTimeout, isTimeout } from './types.ts';
import type { AdversaryMark, Ctx, Envelope, Message, NodeFactory, NodeId, SimNode, Storage, TimerId } from './types.ts';
import { applyFault, parseFaultPlan, startNemesis } from './faults.ts';
import type { FaultAction, FaultPlan, NemesisOptions } from './faults.ts';

const K_DELIVER = 0;
const K_TIMER = 1;
const K_RPC_TIMEOUT = 2;
const K_ACTION = 3;
const K_START = 4;

const F_REQUEST = 1;
const F_REPLY_TO_REQ = 2;
const F_COPY = 4;

const LVL_OFF = 0;
const LVL_SUMMARY = 1;
const LVL_FULL = 2;

/** A scheduled event. Message events double as the {@link Envelope} handed to nodes. */
class Ev implements Envelope<Message> {
  t = 0;
  seq = 0;
  kind = 0;
  /** Sender index (messages). */
  src = 0;
  /** Receiver index (messages) or owning process (timers). */
  dst = 0;
  /** Message id, timer id, or request id (timeouts). */
  id = 0;
  /** Incarnation of the owner (timers, timeouts). */
  inc = 0;
  flags = 0;
  inReplyTo = -1;
  sentUs = 0;
  from: NodeId = '';
  to: NodeId = '';
  body: Message = null as unknown as Message;
  name = '';
  data: unknown = undefined;
  fn: (() => unknown) | null = null;
  adversary: AdversaryMark | null = null;

  get sentAt(): number {
    return this.sentUs / 1000;
  }
  get isRequest(): boolean {
    return (this.flags & F_REQUEST) !== 0;
  }
}

interface Pending {
  resolve: (m: Message) => void;
  reject: (e: unknown) => void;
  to: NodeId;
  timeoutMs: number;
}

/** Per-endpoint state (server node or client). @internal */
class Proc {
  idx: number;
  id: NodeId;
  isClient: boolean;
  factory: NodeFactory<any> | null;
  handlers: SimNode<any> | null = null;
  up = false;
  paused = false;
  inc = 0;
  skewMs = 0;
  drift = 0;
  rng: Rng;
  store = new Map<string, unknown>();
  pending = new Map<number, Pending>();
  timers = new Map<number, Ev>();
  held: Ev[] = [];
  constructor(idx: number, id: NodeId, isClient: boolean, factory: NodeFactory<any> | null, seed: number) {
    this.idx = idx;
    this.id = id;
    this.isClient = isClient;
    this.factory = factory;
    this.rng = Rng.stream(seed, (isClient ? 'client:' : 'node:') + id);
  }
}

/** Options of {@link Simulation}. */
export interface SimOptions {
  /** The seed. Same seed + same code = the same run, byte for byte. Default 1. */
  seed?: number;
  /** Default behaviour of every link (latency, loss, duplication, reordering). */
  network?: Partial<LinkConfig>;
  /** How much to record; see {@link TraceLevel}. Default 'full'. */
  trace?: TraceLevel;
  /**
   * 'clone' (default): messages are deep-copied and frozen when sent, like bytes on a
   * wire. 'none': passed by reference (faster; only for trusted code such as benchmarks).
   */
  messageCopy?: 'clone' | 'none';
  /**
   * What happens when a handler throws: 'throw' (default) stops the run with a
   * {@link NodeError}; 'crash' crashes that node (like a process dying); 'log' records
   * the error in the trace and carries on.
   */
  onNodeError?: 'throw' | 'crash' | 'log';
}

/** Counters, kept at every trace level. */
export interface SimStats {
  events: number;
  sent: number;
  delivered: number;
  dropped: number;
  lost: number;
  partitioned: number;
  droppedCrashed: number;
  droppedAdversary: number;
  duplicated: number;
  timersFired: number;
}

/** Options of {@link Simulation.run}. */
export interface RunOptions {
  /** Stop at this virtual time (ms); the clock is left at exactly this time, even if the queue ran empty earlier. */
  until?: number;
  /** Run for this many ms from now (alternative to `until`). */
  for?: number;
  /** Stop after this many events. Without `until`/`for` a cap of 50 million applies (and hitting it throws). */
  maxEvents?: number;
}

/** Why a run stopped. */
export interface RunResult {
  reason: 'until' | 'idle' | 'predicate' | 'maxEvents';
  /** Virtual time (ms) at the end. */
  time: number;
  /** Events processed in this call. */
  events: number;
}

/** A message as the adversary sees it: the envelope in flight. */
export type InFlight<M extends Message = Message> = Envelope<M>;

/** What the adversary does with a message: nothing (deliver), drop it, or tamper. */
export type AdversaryVerdict<M extends Message = Message> = void | undefined | 'deliver' | 'drop' | { tamper: M };

/** Powers of the adversary besides judging each message. */
export interface AdversaryApi<M extends Message = Message> {
  /** Virtual time in ms. */
  now(): number;
  /** The adversary's own random stream. */
  random(): number;
  /**
   * Inject a message that claims to come from `from`. Delivered after `delayMs`
   * (default 1), ignoring loss and partitions. Returns its message id.
   */
  forge(from: NodeId, to: NodeId, msg: M, opts?: { delayMs?: number; request?: boolean; inReplyTo?: number }): number;
  /** Re-send a message seen earlier (by id), to its receiver or to `to`. Returns the new id. */
  replay(id: number, opts?: { to?: NodeId; delayMs?: number }): number;
  /** Every message seen on the wire since the adversary was installed, oldest first. */
  seen(): readonly InFlight<M>[];
}

/** The adversary hook: called for every message a node or client sends. */
export type Adversary<M extends Message = Message> = (msg: InFlight<M>, api: AdversaryApi<M>) => AdversaryVerdict<M>;

/** How a client operation ended (Jepsen semantics; see {@link HistoryEvent}). */
export type Completion<O = unknown> =
  | { type: 'ok'; output: O }
  | { type: 'fail'; error?: string }
  | { type: 'info'; error?: string };

/** Completion helpers for `interpret` functions. */
export const ok = <O>(output: O): Completion<O> => ({ type: 'ok', output });
export const fail = (error?: string): Completion<never> => (error === undefined ? { type: 'fail' } : { type: 'fail', error });
export const info = (error?: string): Completion<never> => (error === undefined ? { type: 'info' } : { type: 'info', error });

/** One client operation. */
export interface ClientOp<M extends Message, O = unknown> {
  /** Operation name recorded in the history, e.g. 'read', 'write', 'cas'. */
  f: string;
  /** Input recorded in the history (e.g. the value written). */
  input?: unknown;
  /** Optional key, for per-key checking. */
  key?: string;
  /** Which node to ask. */
  to: NodeId;
  /** The request message. */
  msg: M;
  /** Give up after this many ms: the operation then completes as `info`. Default 1000. */
  timeoutMs?: number;
  /**
   * Turn the reply into a completion. Default: a reply of type 'error' is `info`
   * (indeterminate, the safe choice), anything else is `ok` with the reply as output.
   * Return `fail` only when the operation certainly did not take effect.
   */
  interpret?: (reply: M) => Completion<O>;
}

function defaultInterpret(reply: Message): Completion<any> {
  if (reply.type === 'error') {
    const text = (reply as { text?: unknown }).text;
    return info(typeof text === 'string' ? text : 'error reply');
  }
  return ok(reply);
}

function errText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

type AnyFn = (...args: any[]) => unknown;

function isThenable(r: unknown): r is PromiseLike<unknown> {
  return r !== undefined && r !== null && typeof (r as { then?: unknown }).then === 'function';
}

/** Wait for a macrotask boundary: all pending microtasks will have run. */
const macrotask: () => Promise<void> = (() => {
  const g = globalThis as unknown as {
    setImmediate?: (cb: () => void) => unknown;
    MessageChannel?: new () => { port1: { onmessage: (() => void) | null }; port2: { postMessage(x: unknown): void } };
  };
  if (typeof g.setImmediate === 'function') {
    const si = g.setImmediate;
    return () => new Promise<void>((r) => si(r));
  }
  if (typeof g.MessageChannel === 'function') {
    const ch = new g.MessageChannel();
    const waiting: (() => void)[] = [];
    ch.port1.onmessage = () => {
      const r = waiting.shift();
      if (r) r();
    };
    return () =>
      new Promise<void>((r) => {
        waiting.push(r);
        ch.port2.postMessage(0);
      });
  }
  return () => new Promise<void>((r) => setTimeout(r, 0));
})();

/**
 * A deterministic simulation of a cluster of nodes on an unreliable network.
 *
 * @example
 * const sim = new Simulation<Msg>({ seed: 7, network: { latency: latency.uniform(1, 10), loss: 0.05 } });
 * sim.addNodes(['n1', 'n2', 'n3'], (ctx) => new MyNode(ctx));
 * sim.schedule('at 500 partition n1 | n2,n3; at 2000 heal');
 * await sim.run({ until: 5000 });
 * console.log(formatTrace(sim.trace, { node: 'n1', limit: 40 }));
 */
export class Simulation<M extends Message = Message> {
  /** The seed this run was built from. */
  readonly seed: number;
  /** Counters (cheap; kept at every trace level). */
  readonly stats: SimStats = {
    events: 0,
    sent: 0,
    delivered: 0,
    dropped: 0,
    lost: 0,
    partitioned: 0,
    droppedCrashed: 0,
    droppedAdversary: 0,
    duplicated: 0,
    timersFired: 0,
  };
  /** The client history (invoke / ok / fail / info), in order. */
  readonly history: HistoryEvent[] = [];

  private nowUs = 0;
  private seq = 0;
  private msgSeq = 0;
  private timerSeq = 0;
  private processSeq = 0;
  private started = false;
  private running = false;
  private needsDrain = false;
  private fatal: Error | null = null;
  private readonly heap = new EventHeap<Ev>();
  private readonly procs: Proc[] = [];
  private readonly index = new Map<NodeId, number>();
  private readonly nodeIds: NodeId[] = [];
  private readonly clientIds: NodeId[] = [];
  private readonly names: NodeId[] = [];
  private readonly rec = new TraceRecorder(this.names);
  private readonly lvl: number;
  private readonly level: TraceLevel;
  private readonly copy: boolean;
  private readonly onErr: 'throw' | 'crash' | 'log';
  private readonly netRng: Rng;
  private readonly advRng: Rng;
  private linkDefault: LinkConfig;
  private readonly linkOver: (LinkConfig | undefined)[][] = [];
  private readonly blocked: Uint8Array[] = [];
  private readonly fifoLast: Float64Array[] = [];
  private blockedAny = false;
  private readonly reqIndex = new WeakMap<object, Ev>();
  private adversaryFn: Adversary<M> | null = null;
  private advApi: AdversaryApi<M> | null = null;
  private readonly wire: Ev[] = [];
  private readonly wireById = new Map<number, Ev>();
  private nemesisCount = 0;

  constructor(opts: SimOptions = {}) {
    this.seed = opts.seed ?? 1;
    if (!Number.isInteger(this.seed)) throw new TypeError(`seed must be an integer, got ${this.seed}`);
    this.level = opts.trace ?? 'full';
    this.lvl = this.level === 'full' ? LVL_FULL : this.level === 'summary' ? LVL_SUMMARY : LVL_OFF;
    this.copy = (opts.messageCopy ?? 'clone') === 'clone';
    this.onErr = opts.onNodeError ?? 'throw';
    this.netRng = Rng.stream(this.seed, 'network');
    this.advRng = Rng.stream(this.seed, 'adversary');
    this.linkDefault = mergeLink(DEFAULT_LINK, opts.network ?? {});
  }

  // ------------------------------------------------------------------ setup

  /** Add a server node. Must happen before the first run. */
  addNode(id: NodeId, factory: NodeFactory<M, SimNode<M>>): this {
    if (this.started) throw new Error(`addNode('${id}'): nodes must be added before the simulation first runs`);
    const p = this.addProc(id, false, factory);
    this.nodeIds.push(id);
    const ev = new Ev();
    ev.kind = K_START;
    ev.dst = p.idx;
    this.schedule_(ev, this.nowUs);
    return this;
  }

  /** Add several nodes built by the same factory. */
  addNodes(ids: readonly NodeId[], factory: NodeFactory<M, SimNode<M>>): this {
    for (const id of ids) this.addNode(id, factory);
    return this;
  }

  /**
   * Add a client endpoint, optionally running `script` from `startAt` ms. Clients talk
   * to nodes through the network (latency, loss) but are never split off by
   * `partition` (only by `isolate` or `block`). See {@link Client}.
   * @example
   * sim.addClient('c1', async (c) => {
   *   for (let i = 0; i < 10; i++) {
   *     await c.invoke({ f: 'write', input: i, to: 'n1', msg: { type: 'write', value: i } });
   *     await c.sleep(10);
   *   }
   * });
   */
  addClient(id: NodeId, script?: (c: Client<M>) => unknown, opts: { startAt?: number } = {}): Client<M> {
    const p = this.addProc(id, true, null);
    this.clientIds.push(id);
    p.up = true;
    const c = new Client<M>(this, p, this.processSeq++);
    if (script) {
      this.at(opts.startAt ?? this.nowUs / 1000, () => {
        const r = script(c);
        if (isThenable(r)) {
          this.needsDrain = true;
          r.then(undefined, (e: unknown) => {
            this.fatal ??= new NodeError(`client ${id}'s script threw: ${errText(e)}. Replay with seed ${this.seed}.`, id, this.now, this.seed, e);
          });
        }
      });
    }
    return c;
  }

  private addProc(id: NodeId, isClient: boolean, factory: NodeFactory<any> | null): Proc {
    if (typeof id !== 'string' || id.length === 0) throw new TypeError('node ids must be non-empty strings');
    if (this.index.has(id)) throw new Error(`there is already a node or client called '${id}'`);
    const idx = this.procs.length;
    const p = new Proc(idx, id, isClient, factory, this.seed);
    this.procs.push(p);
    this.names.push(id);
    this.index.set(id, idx);
    const n = this.procs.length;
    for (let i = 0; i < n - 1; i++) {
      this.linkOver[i]!.push(undefined);
      this.blocked[i] = grow8(this.blocked[i]!, n);
      this.fifoLast[i] = grow64(this.fifoLast[i]!, n);
    }
    this.linkOver.push(new Array<LinkConfig | undefined>(n).fill(undefined));
    this.blocked.push(new Uint8Array(n));
    this.fifoLast.push(new Float64Array(n));
    return p;
  }

  /** Change the default behaviour of every link (only fields you give change). */
  configureNetwork(patch: Partial<LinkConfig>): this {
    this.linkDefault = mergeLink(this.linkDefault, patch);
    if (this.lvl >= LVL_SUMMARY) this.rec.obj({ t: this.now, type: 'network', config: cloneData(patch, false, 'config') });
    return this;
  }

  /** Override one directed link `from -> to` (and `to -> from` too with `bothWays`). */
  configureLink(from: NodeId, to: NodeId, patch: Partial<LinkConfig>, opts: { bothWays?: boolean } = {}): this {
    const a = this.idx(from, 'configureLink');
    const b = this.idx(to, 'configureLink');
    this.linkOver[a]![b] = mergeLink(this.linkOver[a]![b] ?? this.linkDefault, patch);
    if (opts.bothWays) this.linkOver[b]![a] = mergeLink(this.linkOver[b]![a] ?? this.linkDefault, patch);
    if (this.lvl >= LVL_SUMMARY) this.rec.obj({ t: this.now, type: 'network', from, to, config: cloneData(patch, false, 'config') });
    return this;
  }

  /** The effective configuration of link `from -> to`. */
  linkConfig(from: NodeId, to: NodeId): LinkConfig {
    return this.linkOver[this.idx(from, 'linkConfig')]![this.idx(to, 'linkConfig')] ?? this.linkDefault;
  }

  /**
   * Install (or with `null` remove) the adversary: a function that sees every message
   * sent by a node or client and may drop it, tamper with it, forge new messages or
   * replay old ones. Everything it does is recorded in the trace.
   * @example
   * sim.setAdversary((m, adv) => {
   *   if (m.body.type === 'transfer') adv.replay(m.id, { delayMs: 100 });
   *   if (m.body.type === 'vote') return { tamper: { ...m.body, term: 99 } };
   * });
   */
  setAdversary(fn: Adversary<M> | null): this {
    this.adversaryFn = fn;
    if (fn !== null && this.advApi === null) this.advApi = this.makeAdvApi();
    return this;
  }

  // ------------------------------------------------------------------ time & inspection

  /** Virtual (true) time in ms. */
  get now(): number {
    return this.nowUs / 1000;
  }

  /** Server node ids, in the order they were added. */
  get nodes(): readonly NodeId[] {
    return this.nodeIds;
  }

  /** The trace so far. Read it again after running more: the `events` array is extended in place. */
  get trace(): Trace {
    return { version: TRACE_VERSION, seed: this.seed, level: this.level, nodes: this.nodeIds.slice(), clients: this.clientIds.slice(), events: this.rec.events() };
  }

  /**
   * The current node object of `id` (what your factory returned), or undefined while
   * it is crashed. Use it to read state in tests and checks.
   */
  node<N = SimNode<M>>(id: NodeId): N | undefined {
    const p = this.procs[this.idx(id, 'node')]!;
    return (p.up ? p.handlers : undefined) as N | undefined;
  }

  /** A copy of node `id`'s durable storage. */
  storageOf(id: NodeId): Record<string, unknown> {
    const p = this.procs[this.idx(id, 'storageOf')]!;
    const out: Record<string, unknown> = {};
    for (const [k, v] of p.store) out[k] = cloneData(v, false, 'storage');
    return out;
  }

  /** Is the node running (not crashed)? Paused nodes are up. */
  isUp(id: NodeId): boolean {
    return this.procs[this.idx(id, 'isUp')]!.up;
  }

  isPaused(id: NodeId): boolean {
    return this.procs[this.idx(id, 'isPaused')]!.paused;
  }

  /** Node `id`'s local clock reading now (skew and drift applied). */
  localTime(id: NodeId): number {
    const p = this.procs[this.idx(id, 'localTime')]!;
    return p.skewMs + (1 + p.drift) * (this.nowUs / 1000);
  }

  /** Number of events waiting in the queue. */
  get pendingEvents(): number {
    return this.heap.size;
  }

  /** A fresh random stream derived from the seed and a label (for workloads, tests). */
  stream(label: string): Rng {
    return Rng.stream(this.seed, label);
  }

  // ------------------------------------------------------------------ running

  /**
   * Run until virtual time `until` (or for `for` ms), or until nothing is left to do.
   * Always `await` it: handlers may be async.
   */
  async run(opts: RunOptions = {}): Promise<RunResult> {
    return this.runLoop(opts, null);
  }

  /**
   * Run until `pred()` is true (checked before starting and after every event), time
   * `until`/`for` passes, or nothing is left to do. Resolves `reason: 'predicate'` on
   * success.
   * @example
   * const r = await sim.runUntil(() => leaders(sim).length === 1, { for: 5000 });
   * if (r.reason !== 'predicate') throw new Error('no leader elected within 5 s');
   */
  async runUntil(pred: () => boolean, opts: RunOptions = {}): Promise<RunResult> {
    return this.runLoop(opts, pred);
  }

  /** Process exactly one event (and let its promise continuations run). */
  async step(): Promise<boolean> {
    const r = await this.runLoop({ maxEvents: 1 }, null);
    return r.events > 0;
  }

  /**
   * Synchronous run for nodes that use no promises (no `request`, no async handlers,
   * no client scripts). Throws if a promise shows up. Same semantics as {@link run}.
   */
  runSync(opts: RunOptions = {}): RunResult {
    if (this.running) throw new Error('the simulation is already running');
    this.started = true;
    const untilUs = this.untilUs(opts);
    const before = this.stats.events;
    let r: number;
    enterSimulation();
    try {
      r = this.loop(untilUs, this.budget(opts, untilUs), null);
    } finally {
      leaveSimulation();
    }
    if (this.needsDrain) {
      throw new Error('runSync: a node or client used a promise (request, sleep, async handler). Use `await sim.run()` instead.');
    }
    return this.finish(r, untilUs, this.stats.events - before, opts);
  }

  private untilUs(opts: RunOptions): number {
    if (opts.until !== undefined) return Math.round(opts.until * 1000);
    if (opts.for !== undefined) return this.nowUs + Math.round(opts.for * 1000);
    return Infinity;
  }

  private async runLoop(opts: RunOptions, pred: (() => boolean) | null): Promise<RunResult> {
    if (this.running) throw new Error('the simulation is already running (did you forget an await?)');
    this.running = true;
    this.started = true;
    // Promise continuations of node code run during the drains, so the guard covers them too.
    enterSimulation();
    try {
      const untilUs = this.untilUs(opts);
      let budget = this.budget(opts, untilUs);
      let total = 0;
      if (this.needsDrain) {
        this.needsDrain = false;
        await macrotask();
        this.checkFatal();
      }
      if (pred !== null && pred()) return { reason: 'predicate', time: this.now, events: 0 };
      for (;;) {
        const before = this.stats.events;
        const r = this.loop(untilUs, budget, pred);
        const done = this.stats.events - before;
        total += done;
        budget -= done;
        if (this.needsDrain) {
          this.needsDrain = false;
          await macrotask();
          this.checkFatal();
          if (pred !== null && pred()) return { reason: 'predicate', time: this.now, events: total };
          if (r === R_DRAIN) continue;
        }
        return this.finish(r, untilUs, total, opts);
      }
    } finally {
      leaveSimulation();
      this.running = false;
    }
  }

  private budget(opts: RunOptions, untilUs: number): number {
    return opts.maxEvents ?? (untilUs === Infinity ? MAX_UNBOUNDED : Infinity);
  }

  private finish(r: number, untilUs: number, events: number, opts: RunOptions): RunResult {
    // Time passes up to `until` even when nothing happens.
    if ((r === R_UNTIL || r === R_IDLE) && untilUs !== Infinity && untilUs > this.nowUs) this.nowUs = untilUs;
    if (r === R_BUDGET && opts.maxEvents === undefined) {
      throw new Error(`run() without 'until' or 'for' stopped after ${events} events: periodic timers never let the queue run empty, so give it an end time`);
    }
    const reason = r === R_PRED ? 'predicate' : r === R_UNTIL ? 'until' : r === R_BUDGET ? 'maxEvents' : 'idle';
    return { reason, time: this.now, events };
  }

  private checkFatal(): void {
    const f = this.fatal;
    if (f !== null) {
      this.fatal = null;
      throw f;
    }
  }

  /** The synchronous core: process events in (time, seq) order. */
  private loop(untilUs: number, budget: number, pred: (() => boolean) | null): number {
    const heap = this.heap;
    const stats = this.stats;
    let n = 0;
    let r: number;
    for (;;) {
      const ev = heap.peek();
      if (ev === undefined) { r = R_IDLE; break; }
      if (ev.t > untilUs) { r = R_UNTIL; break; }
      if (n >= budget) { r = R_BUDGET; break; }
      heap.pop();
      this.nowUs = ev.t;
      n++;
      switch (ev.kind) {
        case K_DELIVER: this.deliver(ev); break;
        case K_TIMER: this.fireTimer(ev); break;
        case K_RPC_TIMEOUT: this.fireTimeout(ev); break;
        case K_ACTION: (ev.fn as () => void)(); break;
        case K_START: this.startProc(this.procs[ev.dst]!, false); break;
      }
      if (this.needsDrain) { r = R_DRAIN; break; }
      if (pred !== null && pred()) { r = R_PRED; break; }
    }
    stats.events += n;
    return r;
  }

  /** @internal Push an event at absolute time `tUs`. */
  private schedule_(ev: Ev, tUs: number): void {
    ev.t = tUs;
    ev.seq = ++this.seq;
    this.heap.push(ev);
  }

  /**
   * Run `fn` (or apply a fault) at virtual time `ms`.
   * @example sim.at(1500, { fault: 'crash', node: 'n2' });
   */
  at(ms: number, action: (() => void) | FaultAction): this {
    const tUs = Math.round(ms * 1000);
    if (tUs < this.nowUs) throw new RangeError(`at(${ms}): that is in the past (now is ${this.now} ms)`);
    const ev = new Ev();
    ev.kind = K_ACTION;
    ev.fn = typeof action === 'function' ? action : () => applyFault(this, action);
    this.schedule_(ev, tUs);
    return this;
  }

  /**
   * Schedule a fault plan, written as data or as text.
   * @example
   * sim.schedule('at 500 partition n1,n2 | n3,n4,n5; at 2000 heal; at 2500 crash n3; at 3000 restart n3');
   * sim.schedule([{ at: 500, fault: 'isolate', node: 'n1' }, { at: 900, fault: 'heal' }]);
   */
  schedule(plan: FaultPlan | string): this {
    const steps = typeof plan === 'string' ? parseFaultPlan(plan) : plan;
    for (const s of steps) this.at(s.at, s);
    return this;
  }

  /**
   * Start a random nemesis drawn from the seed: every `every` ms it either injects a
   * fault (partition, crash, pause, clock skew, ...) or heals everything it did.
   * @example sim.nemesis({ every: 400, faults: ['partition', 'crash'], stop: 8000 });
   */
  nemesis(opts: NemesisOptions = {}): this {
    startNemesis(this, opts, this.stream('nemesis:' + this.nemesisCount++));
    return this;
  }

  // ------------------------------------------------------------------ faults

  /** Split the server nodes into groups that cannot talk to each other. Unlisted nodes form one more group. */
  partition(groups: readonly (readonly NodeId[])[]): this {
    const g = new Map<number, number>();
    const out: NodeId[][] = [];
    for (const grp of groups) {
      const gi = out.length;
      const list: NodeId[] = [];
      for (const id of grp) {
        const i = this.idx(id, 'partition');
        if (this.procs[i]!.isClient) throw new Error(`partition: '${id}' is a client; use isolate or blockLink for clients`);
        if (g.has(i)) throw new Error(`partition: '${id}' is in two groups`);
        g.set(i, gi);
        list.push(id);
      }
      if (list.length > 0) out.push(list);
    }
    const rest = this.nodeIds.filter((id) => !g.has(this.index.get(id)!));
    if (rest.length > 0) {
      for (const id of rest) g.set(this.index.get(id)!, out.length);
      out.push(rest);
    }
    for (const [a, ga] of g) for (const [b, gb] of g) if (ga !== gb) this.blocked[a]![b] = 1;
    this.blockedAny = true;
    if (this.lvl >= LVL_SUMMARY) this.rec.obj({ t: this.now, type: 'partition', groups: out });
    return this;
  }

  /** Block messages from `from` to `to` only (a one-way partition). */
  blockLink(from: NodeId, to: NodeId): this {
    this.blocked[this.idx(from, 'blockLink')]![this.idx(to, 'blockLink')] = 1;
    this.blockedAny = true;
    if (this.lvl >= LVL_SUMMARY) this.rec.obj({ t: this.now, type: 'block', from, to });
    return this;
  }

  /** Cut `node` off from every node and client, both ways. */
  isolate(node: NodeId): this {
    const a = this.idx(node, 'isolate');
    for (let b = 0; b < this.procs.length; b++) {
      if (b === a) continue;
      this.blocked[a]![b] = 1;
      this.blocked[b]![a] = 1;
    }
    this.blockedAny = true;
    if (this.lvl >= LVL_SUMMARY) this.rec.obj({ t: this.now, type: 'isolate', node });
    return this;
  }

  /** Remove every partition, one-way block and isolation. */
  heal(): this {
    for (const row of this.blocked) row.fill(0);
    this.blockedAny = false;
    if (this.lvl >= LVL_SUMMARY) this.rec.obj({ t: this.now, type: 'heal' });
    return this;
  }

  /** Is `from -> to` currently blocked? */
  isBlocked(from: NodeId, to: NodeId): boolean {
    return this.blocked[this.idx(from, 'isBlocked')]![this.idx(to, 'isBlocked')] === 1;
  }

  /**
   * Crash a node: its object, timers and pending requests are gone; messages to it are
   * dropped; its durable storage stays. No effect if it is already down.
   */
  crash(id: NodeId): this {
    const p = this.procs[this.idx(id, 'crash')]!;
    if (p.isClient) throw new Error(`crash: '${id}' is a client`);
    if (!p.up) return this;
    p.up = false;
    p.paused = false;
    p.inc++;
    p.handlers = null;
    p.pending = new Map();
    p.timers.clear();
    const held = p.held;
    p.held = [];
    if (this.lvl >= LVL_SUMMARY) this.rec.obj({ t: this.now, type: 'crash', node: id, incarnation: p.inc - 1 });
    for (const ev of held) if (ev.kind === K_DELIVER) this.drop(ev, 'crashed');
    return this;
  }

  /** Restart a crashed node: a fresh object from the factory, same storage. No effect if it is up. */
  restart(id: NodeId): this {
    const p = this.procs[this.idx(id, 'restart')]!;
    if (p.isClient) throw new Error(`restart: '${id}' is a client`);
    if (p.up) return this;
    this.startProc(p, true);
    return this;
  }

  /** Pause a node (a long GC, a stopped VM): messages and timers queue up until `resume`. */
  pause(id: NodeId): this {
    const p = this.procs[this.idx(id, 'pause')]!;
    if (p.isClient) throw new Error(`pause: '${id}' is a client`);
    if (!p.up || p.paused) return this;
    p.paused = true;
    if (this.lvl >= LVL_SUMMARY) this.rec.obj({ t: this.now, type: 'pause', node: id });
    return this;
  }

  /** Resume a paused node: everything that queued up is processed now, in arrival order. */
  resume(id: NodeId): this {
    const p = this.procs[this.idx(id, 'resume')]!;
    if (!p.paused) return this;
    p.paused = false;
    const held = p.held;
    p.held = [];
    if (this.lvl >= LVL_SUMMARY) this.rec.obj({ t: this.now, type: 'resume', node: id, held: held.length });
    for (const ev of held) this.schedule_(ev, this.nowUs);
    return this;
  }

  /**
   * Set a node's clock: its local time becomes `skewMs + (1 + drift) * trueTime`.
   * @example sim.setClock('n3', { skewMs: 250, drift: 0.001 }); // 250 ms ahead, 1 ms/s fast
   */
  setClock(id: NodeId, clock: { skewMs?: number; drift?: number }): this {
    const p = this.procs[this.idx(id, 'setClock')]!;
    p.skewMs = clock.skewMs ?? p.skewMs;
    p.drift = clock.drift ?? p.drift;
    if (!(p.drift > -1)) throw new RangeError('setClock: drift must be greater than -1');
    if (this.lvl >= LVL_SUMMARY) this.rec.obj({ t: this.now, type: 'skew', node: id, skewMs: p.skewMs, drift: p.drift });
    return this;
  }

  // ------------------------------------------------------------------ internals

  /** @internal */
  idx(id: NodeId, where: string): number {
    const i = this.index.get(id);
    if (i === undefined) {
      const known = [...this.nodeIds, ...this.clientIds].join(', ');
      throw new Error(`${where}: there is no node or client called '${String(id)}' (known: ${known})`);
    }
    return i;
  }

  private startProc(p: Proc, restart: boolean): void {
    p.up = true;
    p.paused = false;
    const ctx = new NodeCtx<M>(this, p, this.nodeIds);
    if (this.lvl >= LVL_SUMMARY) this.rec.obj({ t: this.now, type: restart ? 'restart' : 'start', node: p.id, incarnation: p.inc });
    let h: SimNode<M>;
    setGuardContext(p.id, this);
    try {
      h = (p.factory as NodeFactory<M>)(ctx);
    } catch (e) {
      this.nodeError(p, e, restart ? 'restarting' : 'starting');
      return;
    }
    if (h === null || typeof h !== 'object') throw new TypeError(`the factory for node '${p.id}' must return an object with handlers, got ${String(h)}`);
    p.handlers = h;
    if (typeof h.onStart === 'function') this.invoke(p, h, h.onStart as AnyFn, undefined, undefined, undefined, 'onStart');
  }

  /** Call a handler and watch its result. */
  private invoke(p: Proc, h: SimNode<M>, fn: AnyFn, a: unknown, b: unknown, c: unknown, what: string): void {
    let r: unknown;
    setGuardContext(p.id, this);
    try {
      r = fn.call(h, a, b, c);
    } catch (e) {
      this.nodeError(p, e, what);
      return;
    }
    if (r !== undefined && isThenable(r)) this.track(p, r, what);
  }

  private track(p: Proc, r: PromiseLike<unknown>, what: string): void {
    this.needsDrain = true;
    const inc = p.inc;
    r.then(undefined, (e: unknown) => {
      if (p.inc !== inc) return;
      try {
        this.nodeError(p, e, what);
      } catch (err) {
        this.fatal ??= err as Error;
      }
    });
  }

  private nodeError(p: Proc, e: unknown, what: string): void {
    if (this.lvl >= LVL_SUMMARY) this.rec.obj({ t: this.now, type: 'error', node: p.id, error: errText(e) });
    if (this.onErr === 'log') return;
    if (this.onErr === 'crash') {
      this.crash(p.id);
      return;
    }
    const hint = isTimeout(e) ? ' (an unhandled request timeout: wrap `await ctx.request(...)` in try/catch)' : '';
    throw new NodeError(
      `node ${p.id} threw in ${what} at ${this.now} ms: ${errText(e)}${hint}. Replay with seed ${this.seed}.`,
      p.id,
      this.now,
      this.seed,
      e,
    );
  }

  private drop(ev: Ev, reason: DropReason): void {
    const s = this.stats;
    s.dropped++;
    if (reason === 'loss') s.lost++;
    else if (reason === 'partition') s.partitioned++;
    else if (reason === 'crashed') s.droppedCrashed++;
    else s.droppedAdversary++;
    if (this.lvl >= LVL_SUMMARY) this.rec.drop(this.nowUs, ev.id, ev.src, ev.dst, reasonCode(reason));
  }

  /** @internal Send from process `p`. Returns the message id. */
  send_(p: Proc, dst: number, body: Message, flags: number, re: number): number {
    const id = ++this.msgSeq;
    if (this.copy) body = cloneData(body, true, 'message');
    this.stats.sent++;
    const dp = this.procs[dst]!;
    if (this.lvl === LVL_FULL) this.rec.send(this.nowUs, id, p.idx, dst, re >= 0 ? 2 : (flags & F_REQUEST) !== 0 ? 1 : 0, re, body);
    const ev = new Ev();
    ev.kind = K_DELIVER;
    ev.src = p.idx;
    ev.dst = dst;
    ev.id = id;
    ev.flags = flags;
    ev.inReplyTo = re;
    ev.sentUs = this.nowUs;
    ev.from = p.id;
    ev.to = dp.id;
    ev.body = body;
    if (this.adversaryFn !== null && !this.judge(ev)) return id;
    this.transmit(ev);
    return id;
  }

  /** Put a message on the network: partition, loss, latency, duplication. */
  private transmit(ev: Ev): void {
    const src = ev.src;
    const dst = ev.dst;
    if (this.blockedAny && this.blocked[src]![dst] === 1) {
      this.drop(ev, 'partition');
      return;
    }
    const link = this.linkOver[src]![dst] ?? this.linkDefault;
    const rng = this.netRng;
    if (link.loss > 0 && rng.float() < link.loss) {
      this.drop(ev, 'loss');
      return;
    }
    this.schedule_(ev, this.nowUs + this.delayUs(link, src, dst));
    if (link.duplicate > 0 && rng.float() < link.duplicate) {
      const c = new Ev();
      c.kind = K_DELIVER;
      c.src = src;
      c.dst = dst;
      c.id = ev.id;
      c.flags = ev.flags | F_COPY;
      c.inReplyTo = ev.inReplyTo;
      c.sentUs = ev.sentUs;
      c.from = ev.from;
      c.to = ev.to;
      c.body = ev.body;
      c.adversary = ev.adversary;
      this.stats.duplicated++;
      if (this.lvl === LVL_FULL) this.rec.dup(this.nowUs, ev.id, src, dst);
      this.schedule_(c, this.nowUs + this.delayUs(link, src, dst));
    }
  }

  private delayUs(link: LinkConfig, src: number, dst: number): number {
    const rng = this.netRng;
    const lat = link.latency;
    let ms = lat.kind === 'constant' ? lat.ms : sampleLatency(lat, rng);
    if (link.reorder > 0 && rng.float() < link.reorder) ms += link.reorderMs * rng.float();
    let us = Math.round(ms * 1000);
    if (us < 0) us = 0;
    if (link.fifo) {
      const row = this.fifoLast[src]!;
      const last = row[dst]!;
      if (this.nowUs + us < last) us = last - this.nowUs;
      row[dst] = this.nowUs + us;
    }
    return us;
  }

  private deliver(ev: Ev): void {
    const p = this.procs[ev.dst]!;
    if (!p.up) {
      this.drop(ev, 'crashed');
      return;
    }
    if (p.paused) {
      p.held.push(ev);
      return;
    }
    if (this.blockedAny && this.blocked[ev.src]![ev.dst] === 1) {
      this.drop(ev, 'partition');
      return;
    }
    this.stats.delivered++;
    const re = ev.inReplyTo;
    let late = false;
    if (re >= 0) {
      const pend = p.pending.get(re);
      if (pend !== undefined && pend.to === ev.from) {
        p.pending.delete(re);
        if (this.lvl === LVL_FULL) this.recordDeliver(ev, false);
        this.needsDrain = true;
        pend.resolve(ev.body);
        return;
      }
      late = (ev.flags & F_REPLY_TO_REQ) !== 0;
    }
    if (this.lvl === LVL_FULL) this.recordDeliver(ev, late);
    if (late || p.isClient) return;
    const h = p.handlers!;
    const fn = h.onMessage;
    if (fn === undefined) {
      this.nodeError(p, new Error(`received ${ev.body.type} from ${ev.from} but has no onMessage handler`), 'onMessage');
      return;
    }
    if ((ev.flags & F_REQUEST) !== 0 && typeof ev.body === 'object' && ev.body !== null) this.reqIndex.set(ev.body, ev);
    this.invoke(p, h, fn as AnyFn, ev.from, ev.body, ev, 'onMessage');
  }

  private recordDeliver(ev: Ev, late: boolean): void {
    const f = ((ev.flags & F_COPY) !== 0 ? D_COPY : 0) | (late ? D_LATE : 0);
    this.rec.deliver(this.nowUs, ev.id, ev.src, ev.dst, f, ev.adversary === null ? 0 : advCode(ev.adversary), ev.body);
  }

  /** @internal */
  setTimer_(p: Proc, ms: number, nameOrFn: string | (() => unknown), data: unknown): TimerId {
    if (!(ms >= 0)) throw new RangeError(`setTimer: delay must be a number >= 0, got ${ms}`);
    const id = ++this.timerSeq;
    const ev = new Ev();
    ev.kind = K_TIMER;
    ev.dst = p.idx;
    ev.inc = p.inc;
    ev.id = id;
    if (typeof nameOrFn === 'string') {
      ev.name = nameOrFn;
      ev.data = data;
    } else {
      ev.fn = nameOrFn;
      ev.name = nameOrFn.name || 'callback';
    }
    const due = this.nowUs + this.localToTrueUs(p, ms);
    this.schedule_(ev, due);
    p.timers.set(id, ev);
    if (this.lvl === LVL_FULL) this.rec.timerSet(this.nowUs, p.idx, id, ev.name, due);
    return id;
  }

  /** @internal */
  cancelTimer_(p: Proc, id: TimerId): void {
    const ev = p.timers.get(id);
    if (ev === undefined) return;
    p.timers.delete(id);
    if (this.lvl === LVL_FULL) this.rec.timerCancel(this.nowUs, p.idx, id, ev.name);
  }

  private localToTrueUs(p: Proc, ms: number): number {
    const us = Math.round((ms * 1000) / (1 + p.drift));
    return us < 0 ? 0 : us;
  }

  private fireTimer(ev: Ev): void {
    const p = this.procs[ev.dst]!;
    if (ev.inc !== p.inc || !p.up || p.timers.get(ev.id) !== ev) return;
    if (p.paused) {
      p.held.push(ev);
      return;
    }
    p.timers.delete(ev.id);
    this.stats.timersFired++;
    if (this.lvl === LVL_FULL) this.rec.timerFire(this.nowUs, p.idx, ev.id, ev.name);
    if (ev.fn !== null) {
      let r: unknown;
      try {
        r = ev.fn();
      } catch (e) {
        this.nodeError(p, e, `timer ${ev.name}`);
        return;
      }
      if (r !== undefined && isThenable(r)) this.track(p, r, `timer ${ev.name}`);
      return;
    }
    const h = p.handlers!;
    const fn = h.onTimer;
    if (fn === undefined) {
      this.nodeError(p, new Error(`timer '${ev.name}' fired but the node has no onTimer handler`), 'onTimer');
      return;
    }
    this.invoke(p, h, fn as AnyFn, ev.name, ev.data, undefined, 'onTimer');
  }

  /** @internal Start a request from `p`; settles when the reply comes or the timeout fires. */
  request_(p: Proc, to: NodeId, msg: Message, timeoutMs: number): Promise<Message> {
    const dst = this.idx(to, `${p.id}: request`);
    if (!(timeoutMs >= 0)) throw new RangeError(`request: timeoutMs must be >= 0, got ${timeoutMs}`);
    return new Promise<Message>((resolve, reject) => {
      const id = this.send_(p, dst, msg, F_REQUEST, -1);
      p.pending.set(id, { resolve, reject, to, timeoutMs });
      const ev = new Ev();
      ev.kind = K_RPC_TIMEOUT;
      ev.dst = p.idx;
      ev.inc = p.inc;
      ev.id = id;
      this.schedule_(ev, this.nowUs + this.localToTrueUs(p, timeoutMs));
    });
  }

  private fireTimeout(ev: Ev): void {
    const p = this.procs[ev.dst]!;
    if (ev.inc !== p.inc || !p.up) return;
    const pend = p.pending.get(ev.id);
    if (pend === undefined) return;
    if (p.paused) {
      p.held.push(ev);
      return;
    }
    p.pending.delete(ev.id);
    if (this.lvl >= LVL_SUMMARY) this.rec.obj({ t: this.nowUs / 1000, type: 'timeout', node: p.id, id: ev.id, to: pend.to });
    this.needsDrain = true;
    pend.reject(new RequestTimeout(pend.to, ev.id, pend.timeoutMs));
  }

  /** @internal */
  reply_(p: Proc, req: unknown, msg: Message): void {
    let env: Ev | undefined;
    if (req instanceof Ev) env = req;
    else if (typeof req === 'object' && req !== null) env = this.reqIndex.get(req);
    if (env === undefined) {
      throw new Error(
        `${p.id}: reply() needs the message you received: the msg argument of onMessage (for messages sent with request) or the envelope (third argument of onMessage)`,
      );
    }
    this.send_(p, env.src, msg, (env.flags & F_REQUEST) !== 0 ? F_REPLY_TO_REQ : 0, env.id);
  }

  /** @internal */
  storeSet_(p: Proc, key: string, value: unknown): void {
    p.store.set(key, cloneData(value, false, `storage '${key}'`));
    if (this.lvl === LVL_FULL) this.rec.store(this.nowUs, p.idx, key);
  }

  /** @internal */
  storeDelete_(p: Proc, key: string): void {
    p.store.delete(key);
    if (this.lvl === LVL_FULL) this.rec.store(this.nowUs, p.idx, key);
  }

  /** @internal */
  log_(p: Proc, text: string, data: unknown): void {
    if (this.lvl === LVL_OFF) return;
    if (data === undefined) this.rec.obj({ t: this.nowUs / 1000, type: 'log', node: p.id, text: String(text) });
    else this.rec.obj({ t: this.nowUs / 1000, type: 'log', node: p.id, text: String(text), data: cloneData(data, true, 'log data') });
  }

  /** @internal */
  alive_(p: Proc, inc: number): boolean {
    return p.up && p.inc === inc;
  }

  /** @internal */
  clientInvoke_(c: Client<M>, p: Proc, process: number, op: ClientOp<M, any>): Promise<Completion<any>> {
    const dst = this.idx(op.to, `client ${p.id}: invoke`);
    if (this.procs[dst]!.isClient) throw new Error(`client ${p.id}: invoke must target a server node, not '${op.to}'`);
    const t = this.now;
    const h: HistoryEvent = { process, type: 'invoke', f: op.f, time: t };
    if (op.input !== undefined) h.input = cloneData(op.input, false, 'input');
    if (op.key !== undefined) h.key = op.key;
    this.history.push(h);
    if (this.lvl >= LVL_SUMMARY) {
      const e: TraceEvent & { type: 'invoke' } = { t, type: 'invoke', client: p.id, process, node: op.to, f: op.f };
      if (h.input !== undefined) e.input = h.input;
      if (op.key !== undefined) e.key = op.key;
      this.rec.obj(e);
    }
    const finish = (comp: Completion<any>): Completion<any> => {
      const done: HistoryEvent = { process, type: comp.type, f: op.f, time: this.now };
      if (h.input !== undefined) done.input = h.input;
      if (comp.type === 'ok' && comp.output !== undefined) done.output = cloneData(comp.output, false, 'output');
      if (op.key !== undefined) done.key = op.key;
      this.history.push(done);
      if (this.lvl >= LVL_SUMMARY) {
        const e: TraceEvent & { type: 'complete' } = { t: this.now, type: 'complete', client: p.id, process, f: op.f, status: comp.type };
        if (done.output !== undefined) e.output = done.output;
        if (comp.type !== 'ok' && comp.error !== undefined) e.error = comp.error;
        this.rec.obj(e);
      }
      if (comp.type === 'info') c.process = this.processSeq++;
      return comp;
    };
    const interpret = op.interpret ?? (defaultInterpret as (r: M) => Completion<any>);
    return this.request_(p, op.to, op.msg, op.timeoutMs ?? 1000).then(
      (reply) => {
        let comp: Completion<any>;
        try {
          comp = interpret(reply as M);
        } catch (e) {
          comp = info(`interpret threw: ${errText(e)}`);
        }
        return finish(comp);
      },
      (e: unknown) => {
        if (isTimeout(e)) return finish(info('timeout'));
        throw e;
      },
    );
  }

  /** @internal */
  sleep_(p: Proc, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const sleep = (): void => {
        this.needsDrain = true;
        resolve();
      };
      this.setTimer_(p, ms, sleep, undefined);
    });
  }

  private judge(ev: Ev): boolean {
    const fn = this.adversaryFn!;
    this.wire.push(ev);
    this.wireById.set(ev.id, ev);
    const v = fn(ev as unknown as InFlight<M>, this.advApi!);
    if (v === undefined || v === 'deliver') return true;
    if (v === 'drop') {
      this.drop(ev, 'adversary');
      return false;
    }
    if (typeof v === 'object' && v !== null && 'tamper' in v) {
      const before = ev.body;
      const after = cloneData(v.tamper, true, 'tampered message');
      ev.body = after;
      ev.adversary = 'tampered';
      if (this.lvl >= LVL_SUMMARY) this.rec.obj({ t: this.now, type: 'tamper', id: ev.id, from: ev.from, to: ev.to, before, after });
      return true;
    }
    throw new TypeError(`adversary returned ${String(v)}; expected nothing, 'deliver', 'drop' or { tamper: msg }`);
  }

  private makeAdvApi(): AdversaryApi<M> {
    const sim = this;
    const inject = (ev: Ev, delayMs: number | undefined): void => {
      const d = delayMs ?? 1;
      if (!(d >= 0)) throw new RangeError('adversary: delayMs must be >= 0');
      sim.schedule_(ev, sim.nowUs + Math.round(d * 1000));
    };
    return {
      now: () => sim.now,
      random: () => sim.advRng.float(),
      forge(from, to, msg, opts = {}) {
        const a = sim.idx(from, 'forge');
        const b = sim.idx(to, 'forge');
        const ev = new Ev();
        ev.kind = K_DELIVER;
        ev.src = a;
        ev.dst = b;
        ev.id = ++sim.msgSeq;
        ev.flags = opts.request ? F_REQUEST : 0;
        ev.inReplyTo = opts.inReplyTo ?? -1;
        if (ev.inReplyTo >= 0) ev.flags |= F_REPLY_TO_REQ;
        ev.sentUs = sim.nowUs;
        ev.from = from;
        ev.to = to;
        ev.body = cloneData(msg, true, 'forged message');
        ev.adversary = 'forged';
        if (sim.lvl >= LVL_SUMMARY) sim.rec.obj({ t: sim.now, type: 'forge', id: ev.id, from, to, msg: ev.body });
        inject(ev, opts.delayMs);
        return ev.id;
      },
      replay(id, opts = {}) {
        const orig = sim.wireById.get(id);
        if (orig === undefined) throw new Error(`adversary: cannot replay #${id}, it was never seen on the wire`);
        const ev = new Ev();
        ev.kind = K_DELIVER;
        ev.src = orig.src;
        ev.dst = opts.to === undefined ? orig.dst : sim.idx(opts.to, 'replay');
        ev.id = ++sim.msgSeq;
        ev.flags = orig.flags & ~F_COPY;
        ev.inReplyTo = orig.inReplyTo;
        ev.sentUs = sim.nowUs;
        ev.from = orig.from;
        ev.to = sim.procs[ev.dst]!.id;
        ev.body = orig.body;
        ev.adversary = 'replayed';
        if (sim.lvl >= LVL_SUMMARY) sim.rec.obj({ t: sim.now, type: 'replay', id: ev.id, of: id, from: ev.from, to: ev.to });
        inject(ev, opts.delayMs);
        return ev.id;
      },
      seen: () => sim.wire as unknown as readonly InFlight<M>[],
    };
  }
}

const MAX_UNBOUNDED = 50_000_000;
const R_IDLE = 0;
const R_UNTIL = 1;
const R_BUDGET = 2;
const R_DRAIN = 3;
const R_PRED = 4;

function grow8(a: Uint8Array, n: number): Uint8Array {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}
function grow64(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

/** The {@link Ctx} implementation; one per incarnation. */
class NodeCtx<M extends Message> implements Ctx<M> {
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  readonly nodes: readonly NodeId[];
  readonly incarnation: number;
  readonly storage: Storage;
  private readonly sim: Simulation<M>;
  private readonly p: Proc;

  constructor(sim: Simulation<M>, p: Proc, nodes: readonly NodeId[]) {
    this.sim = sim;
    this.p = p;
    this.id = p.id;
    this.incarnation = p.inc;
    this.nodes = Object.freeze(nodes.slice());
    this.peers = Object.freeze(nodes.filter((n) => n !== p.id));
    this.storage = new NodeStorage(sim, p, p.inc);
  }

  private get live(): boolean {
    return this.p.inc === this.incarnation && this.p.up;
  }

  send(to: NodeId, msg: M): void {
    const p = this.p;
    if (p.inc !== this.incarnation || !p.up) return;
    this.sim.send_(p, this.sim.idx(to, `${p.id}: send`), msg, 0, -1);
  }

  reply(req: M | Envelope<M>, msg: M): void {
    if (!this.live) return;
    this.sim.reply_(this.p, req, msg);
  }

  request(to: NodeId, msg: M, opts?: { timeoutMs?: number }): Promise<M> {
    if (!this.live) return new Promise<M>(() => {});
    return this.sim.request_(this.p, to, msg, opts?.timeoutMs ?? 1000) as Promise<M>;
  }

  now(): number {
    const p = this.p;
    return p.skewMs + (1 + p.drift) * this.sim.now;
  }

  setTimer(ms: number, nameOrFn: string | (() => void), data?: unknown): TimerId {
    if (!this.live) return -1;
    return this.sim.setTimer_(this.p, ms, nameOrFn, data);
  }

  cancelTimer(id: TimerId): void {
    if (!this.live) return;
    this.sim.cancelTimer_(this.p, id);
  }

  sleep(ms: number): Promise<void> {
    if (!this.live) return new Promise<void>(() => {});
    return this.sim.sleep_(this.p, ms);
  }

  random(): number {
    return this.p.rng.float();
  }

  log(text: string, data?: unknown): void {
    if (!this.live) return;
    this.sim.log_(this.p, text, data);
  }
}

class NodeStorage implements Storage {
  private readonly sim: Simulation<any>;
  private readonly p: Proc;
  private readonly inc: number;
  constructor(sim: Simulation<any>, p: Proc, inc: number) {
    this.sim = sim;
    this.p = p;
    this.inc = inc;
  }
  get<T = unknown>(key: string): T | undefined {
    const v = this.p.store.get(key);
    return v === undefined ? undefined : cloneData(v as T, false, 'storage');
  }
  set(key: string, value: unknown): void {
    if (!this.sim.alive_(this.p, this.inc)) return;
    this.sim.storeSet_(this.p, key, value);
  }
  delete(key: string): void {
    if (!this.sim.alive_(this.p, this.inc)) return;
    this.sim.storeDelete_(this.p, key);
  }
  has(key: string): boolean {
    return this.p.store.has(key);
  }
  keys(): string[] {
    return [...this.p.store.keys()];
  }
}

/**
 * A client process: issues operations against nodes and records a Jepsen-style
 * history in `sim.history`. One operation at a time; after a timeout (`info`) the
 * client continues under a fresh `process` id, as Jepsen does.
 */
export class Client<M extends Message = Message> {
  readonly id: NodeId;
  /** Current process id (changes after every `info` completion). */
  process: number;
  private readonly sim: Simulation<M>;
  private readonly p: Proc;
  private busy = false;

  /** @internal */
  constructor(sim: Simulation<M>, p: Proc, process: number) {
    this.sim = sim;
    this.p = p;
    this.id = p.id;
    this.process = process;
  }

  /** Server nodes of the simulation. */
  get nodes(): readonly NodeId[] {
    return this.sim.nodes;
  }

  /**
   * Invoke an operation: records `invoke`, sends `op.msg` to `op.to`, waits for the
   * reply or the timeout, records `ok` / `fail` / `info`, and returns the completion.
   * @example
   * const r = await c.invoke({ f: 'read', key: 'x', to: 'n2', msg: { type: 'read', key: 'x' },
   *   interpret: (m) => (m.type === 'read_ok' ? ok(m.value) : info(m.type)) });
   */
  async invoke<O = unknown>(op: ClientOp<M, O>): Promise<Completion<O>> {
    if (this.busy) throw new Error(`client ${this.id} already has an operation in flight; use one client per concurrent process`);
    this.busy = true;
    try {
      return (await this.sim.clientInvoke_(this, this.p, this.process, op)) as Completion<O>;
    } finally {
      this.busy = false;
    }
  }

  /** Wait `ms` of virtual time. */
  sleep(ms: number): Promise<void> {
    return this.sim.sleep_(this.p, ms);
  }

  /** Virtual time in ms (clients have perfect clocks). */
  now(): number {
    return this.sim.now;
  }

  /** Uniform [0, 1) from this client's own stream. */
  random(): number {
    return this.p.rng.float();
  }
}
