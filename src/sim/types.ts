/**
 * Public types of the node programming model.
 * @module
 */

/** A node's name, e.g. `'n1'`. Clients have names too, e.g. `'c1'`. */
export type NodeId = string;

/**
 * Every message is a plain-data object with a `type` tag. Describe a protocol as a
 * discriminated union, and TypeScript narrows `msg` for you in a `switch (msg.type)`:
 *
 * @example
 * type Msg =
 *   | { type: 'ping'; n: number }
 *   | { type: 'pong'; n: number };
 *
 * Messages must be JSON-like data (objects, arrays, strings, numbers, booleans, null).
 * The simulator copies a message when it is sent (the sender may keep mutating its own
 * objects) and freezes the copy (the receiver must copy before modifying).
 */
export interface Message {
  readonly type: string;
}

/** How a message travelled; the third argument of `onMessage`. */
export interface Envelope<M extends Message = Message> {
  /** Unique, deterministic message id (the same id on every replay of a seed). */
  readonly id: number;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly body: M;
  /** Virtual (true) time in ms when the message was sent. */
  readonly sentAt: number;
  /** True when the sender used `ctx.request` and expects `ctx.reply`. */
  readonly isRequest: boolean;
  /** If this message is a reply, the id of the message it answers; otherwise -1. */
  readonly inReplyTo: number;
  /** Set when the adversary forged, tampered with or replayed this message. */
  readonly adversary: AdversaryMark | null;
}

/** What the adversary did to a message. */
export type AdversaryMark = 'forged' | 'tampered' | 'replayed';

/** JSON-like data, the only thing messages, logs and storage may hold. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json | undefined };

/** Options for {@link Ctx.request}. */
export interface RequestOptions {
  /** How long to wait for the reply, measured on the node's LOCAL clock. Default 1000. */
  timeoutMs?: number;
}

/**
 * Durable key-value storage of one node. It survives `crash` + `restart`; everything
 * else (fields of your node object, pending timers and requests) does not. Values are
 * copied in and out, so changing an object you got from `get` changes nothing until
 * you `set` it again.
 *
 * @example
 * // Raft: persist before you answer a vote request.
 * ctx.storage.set('term', this.term);
 * ctx.storage.set('votedFor', candidate);
 * ctx.reply(req, { type: 'vote_ok', term: this.term });
 */
export interface Storage {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  has(key: string): boolean;
  /** Keys in the order they were first written. */
  keys(): string[];
}

/** A timer handle returned by {@link Ctx.setTimer}. */
export type TimerId = number;

/**
 * The context a node receives: its name, the network, its clock, timers, storage,
 * randomness and logging. One context per incarnation: after a crash, every method of
 * the old context does nothing, and its timers, pending requests and promise
 * continuations never run.
 */
export interface Ctx<M extends Message = Message> {
  /** This node's name. */
  readonly id: NodeId;
  /** The other server nodes (not clients), in the order they were added. */
  readonly peers: readonly NodeId[];
  /** All server nodes including this one. */
  readonly nodes: readonly NodeId[];
  /** 0 at first start, then +1 for every crash. */
  readonly incarnation: number;
  /** Durable storage; see {@link Storage}. */
  readonly storage: Storage;

  /**
   * Send a one-way message. It may be lost, duplicated, delayed or reordered,
   * depending on the network configuration.
   * @example ctx.send('n2', { type: 'ping', n: 1 });
   */
  send(to: NodeId, msg: M): void;

  /**
   * Answer a message. `req` is the received message (the `msg` argument of `onMessage`
   * for messages sent with `request`) or its envelope (the third argument, works for
   * any message).
   * @example
   * onMessage(from, msg) {
   *   if (msg.type === 'ping') ctx.reply(msg, { type: 'pong', n: msg.n });
   * }
   */
  reply(req: M | Envelope<M>, msg: M): void;

  /**
   * Send a message and wait for the reply. Rejects with {@link RequestTimeout} when no
   * reply arrives within `timeoutMs` of local time. A reply that arrives after the
   * timeout is dropped (recorded in the trace as a late delivery).
   * @example
   * try {
   *   const r = await ctx.request('n2', { type: 'ping', n: 1 }, { timeoutMs: 100 });
   *   if (r.type === 'pong') ctx.log('got pong', { n: r.n });
   * } catch (e) {
   *   if (!isTimeout(e)) throw e;
   *   ctx.log('n2 did not answer');
   * }
   */
  request(to: NodeId, msg: M, opts?: RequestOptions): Promise<M>;

  /**
   * This node's LOCAL clock in ms: `skew + (1 + drift) * trueTime`. Two nodes' clocks
   * may disagree; use it the way real code uses `Date.now()`.
   */
  now(): number;

  /**
   * Start a timer that fires after `ms` of LOCAL time (a fast clock fires early in true
   * time). With a name, `onTimer(name, data)` is called; with a function, the function.
   * @example
   * onStart() { ctx.setTimer(50, 'heartbeat'); }
   * onTimer(name) { if (name === 'heartbeat') { ...; ctx.setTimer(50, 'heartbeat'); } }
   */
  setTimer(ms: number, nameOrFn: string | (() => void), data?: unknown): TimerId;
  /** Cancel a pending timer (no effect if it already fired). */
  cancelTimer(id: TimerId): void;
  /** A promise that resolves after `ms` of local time. */
  sleep(ms: number): Promise<void>;

  /** Uniform random float in [0, 1), from this node's own seeded stream. */
  random(): number;

  /**
   * Write a line into the trace. `data` (JSON-like) is kept as structured data, which
   * is what the trace checks read (e.g. `ctx.log('leader', { term })`).
   */
  log(text: string, data?: unknown): void;
}

/**
 * A node: an object with handlers. Every handler may be `async`; the simulator waits
 * for all promise continuations to settle before it processes the next event.
 *
 * @example
 * type Msg = { type: 'echo'; text: string } | { type: 'echo_ok'; text: string };
 *
 * class Echo implements SimNode<Msg> {
 *   ctx: Ctx<Msg>;
 *   constructor(ctx: Ctx<Msg>) { this.ctx = ctx; }
 *   onMessage(from: NodeId, msg: Msg) {
 *     if (msg.type === 'echo') this.ctx.reply(msg, { type: 'echo_ok', text: msg.text });
 *   }
 * }
 * sim.addNodes(['n1', 'n2'], (ctx) => new Echo(ctx));
 */
export interface SimNode<M extends Message = Message> {
  /** Called when the node starts, and again (on a fresh object) after each restart. */
  onStart?(): void | Promise<void>;
  /** Called for each delivered message (except replies to your pending requests). */
  onMessage?(from: NodeId, msg: M, env: Envelope<M>): void | Promise<void>;
  /** Called when a named timer fires. */
  onTimer?(name: string, data: unknown): void | Promise<void>;
}

/** Builds a node for a context. Called at start and at every restart. */
export type NodeFactory<M extends Message = Message, N extends SimNode<M> = SimNode<M>> = (ctx: Ctx<M>) => N;

/** The error `ctx.request` (and `client.invoke`) reject with when no reply comes in time. */
export class RequestTimeout extends Error {
  override name = 'RequestTimeout';
  /** The node the request went to. */
  readonly to: NodeId;
  /** Id of the request message. */
  readonly messageId: number;
  readonly timeoutMs: number;
  constructor(to: NodeId, messageId: number, timeoutMs: number) {
    super(`request #${messageId} to ${to} timed out after ${timeoutMs} ms`);
    this.to = to;
    this.messageId = messageId;
    this.timeoutMs = timeoutMs;
  }
}

/** True if `e` is a {@link RequestTimeout}. */
export function isTimeout(e: unknown): e is RequestTimeout {
  return e instanceof RequestTimeout;
}

/** Thrown by `sim.run` when a node's handler throws (with `onNodeError: 'throw'`). */
export class NodeError extends Error {
  override name = 'NodeError';
  readonly node: NodeId;
  readonly time: number;
  readonly seed: number;
  constructor(message: string, node: NodeId, time: number, seed: number, cause: unknown) {
    super(message, { cause });
    this.node = node;
    this.time = time;
    this.seed = seed;
  }
}

/** Helper for type inference when a node is written as a factory of an object literal. */
export function defineNode<M extends Message, N extends SimNode<M> = SimNode<M>>(factory: (ctx: Ctx<M>) => N): NodeFactory<M, N> {
  return factory;
}
