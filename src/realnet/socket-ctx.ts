/**
 * A {@link Ctx} for a node that runs as a real process: real time (`Date.now()`), real
 * timers, messages over a socket to the realnet proxy, and storage in a JSON file that
 * survives the process being killed and restarted. The node code is the same `SimNode`
 * the simulator runs.
 *
 * Differences from the simulator, on purpose: nothing is deterministic (real clocks,
 * `Math.random`, the OS scheduler), and there is no trace, only `ctx.log` lines.
 * @module
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { RequestTimeout, type Ctx, type Envelope, type Message, type NodeId, type RequestOptions, type SimNode, type Storage, type TimerId } from '../sim/types.ts';
import type { WireMessage } from './protocol.ts';

/** Storage in one JSON file, rewritten (atomically, by rename) on every change. */
export function fileStorage(file: string): Storage {
  const data = new Map<string, unknown>(existsSync(file) ? Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : []);
  const save = () => {
    writeFileSync(`${file}.tmp`, JSON.stringify(Object.fromEntries(data)));
    renameSync(`${file}.tmp`, file);
  };
  const copy = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
  return {
    get: <T>(key: string) => copy(data.get(key)) as T | undefined,
    set(key, value) {
      data.set(key, copy(value));
      save();
    },
    delete(key) {
      data.delete(key);
      save();
    },
    has: (key) => data.has(key),
    keys: () => [...data.keys()],
  };
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

export interface SocketCtxOptions {
  id: NodeId;
  nodes: readonly NodeId[];
  incarnation: number;
  storageFile: string;
  /** Puts a message on the wire (to the proxy). */
  transmit(msg: WireMessage): void;
  log(text: string, data?: unknown): void;
  /** A handler threw or rejected. */
  onError(error: unknown, where: string): void;
}

export interface SocketNode<M extends Message> {
  ctx: Ctx<M>;
  /** Builds the node and runs `onStart`. */
  start(factory: (ctx: Ctx<M>) => SimNode<M>): Promise<void>;
  /** A message from the wire. */
  deliver(msg: WireMessage): void;
}

export function createSocketNode<M extends Message>(opts: SocketCtxOptions): SocketNode<M> {
  let node: SimNode<M> | undefined;
  let nextId = 1;
  // Ids unique across nodes and incarnations: node index, incarnation, counter.
  const idBase = (opts.nodes.indexOf(opts.id) + 1) * 1e9 + opts.incarnation * 1e6;
  const pending = new Map<number, { resolve(m: M): void; reject(e: unknown): void; timer: ReturnType<typeof setTimeout> }>();
  /** Every request this incarnation made: a reply to one that is no longer pending is late. */
  const requested = new Set<number>();
  const envelopes = new WeakMap<object, Envelope<M>>();
  const timers = new Map<TimerId, ReturnType<typeof setTimeout>>();
  let nextTimer = 1;

  const guard = (where: string, fn: () => void | Promise<void>) => {
    try {
      const r = fn();
      if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch((e: unknown) => opts.onError(e, where));
    } catch (e) {
      opts.onError(e, where);
    }
  };

  const wire = (to: NodeId, body: M, isRequest: boolean, inReplyTo: number): number => {
    const id = idBase + nextId++;
    opts.transmit({ id, from: opts.id, to, body: JSON.parse(JSON.stringify(body)) as M, sentAt: Date.now(), isRequest, inReplyTo });
    return id;
  };

  const ctx: Ctx<M> = {
    id: opts.id,
    peers: opts.nodes.filter((n) => n !== opts.id),
    nodes: [...opts.nodes],
    incarnation: opts.incarnation,
    storage: fileStorage(opts.storageFile),
    send: (to, msg) => void wire(to, msg, false, -1),
    reply(req, msg) {
      const env = 'body' in req && 'inReplyTo' in req ? (req as Envelope<M>) : envelopes.get(req as object);
      if (!env) throw new Error('reply(): pass the message you received (or its envelope)');
      wire(env.from, msg, false, env.id);
    },
    request(to, msg, o: RequestOptions = {}) {
      const timeoutMs = o.timeoutMs ?? 1000;
      return new Promise<M>((resolve, reject) => {
        const id = wire(to, msg, true, -1);
        requested.add(id);
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new RequestTimeout(to, id, timeoutMs));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
      });
    },
    now: () => Date.now(),
    setTimer(ms, nameOrFn, data) {
      const id = nextTimer++;
      timers.set(
        id,
        setTimeout(() => {
          timers.delete(id);
          if (typeof nameOrFn === 'function') guard('timer', nameOrFn);
          else guard(`onTimer(${nameOrFn})`, () => node?.onTimer?.(nameOrFn, data));
        }, Math.max(0, ms)),
      );
      return id;
    },
    cancelTimer(id) {
      clearTimeout(timers.get(id));
      timers.delete(id);
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms))),
    random: () => Math.random(),
    log: (text, data) => opts.log(text, data),
  };

  return {
    ctx,
    async start(factory) {
      node = factory(ctx);
      await node.onStart?.();
    },
    deliver(w) {
      const body = deepFreeze(w.body as M);
      const env: Envelope<M> = { id: w.id, from: w.from, to: w.to, body, sentAt: w.sentAt, isRequest: w.isRequest, inReplyTo: w.inReplyTo, adversary: null };
      if (w.inReplyTo >= 0 && requested.has(w.inReplyTo)) {
        const p = pending.get(w.inReplyTo);
        if (p) {
          clearTimeout(p.timer);
          pending.delete(w.inReplyTo);
          p.resolve(body);
        }
        return; // a late reply: dropped, as in the simulator
      }
      if (typeof body === 'object' && body !== null) envelopes.set(body, env);
      guard('onMessage', () => node?.onMessage?.(w.from, body, env));
    },
  };
}
