/**
 * A real cluster on this machine: N node processes (node-process.ts) that talk only through
 * this proxy, over TCP on 127.0.0.1. The proxy decides each message's fate: cut by a
 * partition, dropped at random, delayed; it kills and restarts node processes (storage is a
 * file per node, so it survives), and sends requests to nodes as the client `client`.
 * Client requests and replies are neither dropped, delayed nor cut: they are how you look.
 *
 * @example
 * const c = await startCluster({ nodes: ['n1', 'n2', 'n3'], program: 'gossip', dir });
 * await c.request('n1', { type: 'add', value: 1 });
 * c.partition([['n1'], ['n2', 'n3']]);
 * await c.kill('n3'); await c.restart('n3');
 * await c.stop();
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Message, NodeId } from '../sim/types.ts';
import { CLIENT_ID, encode, frameReader, type Frame, type WireMessage } from './protocol.ts';

export interface NetworkSettings {
  /** Probability that a message between nodes is lost. */
  drop: number;
  /** Each message waits a uniform delay in [min, max] ms. */
  delayMs: [number, number];
}

export interface ClusterOptions {
  nodes: NodeId[];
  /** `gossip`, `echo`, or `<module>#<export>` (see node-process.ts). */
  program: string;
  /** Where each node's storage file lives (`<dir>/<id>.json`). */
  dir: string;
  network?: Partial<NetworkSettings>;
  /** The node program's entry (default: node-process.ts next to this file; a bundled .mjs in a WebContainer). */
  nodeScript?: string;
  /** Every `ctx.log` line and lifecycle note. */
  onLog?: (line: { node: NodeId; t: number; text: string; data?: unknown }) => void;
  /** How long a node may take to connect and run onStart. Default 10000 ms. */
  startTimeoutMs?: number;
}

export interface ClusterStats {
  /** Delivered messages per `from>to` pair. */
  delivered: Record<string, number>;
  dropped: number;
  /** Messages a partition cut. */
  cut: number;
  /** Messages to a node that was down. */
  toDown: number;
}

export interface Cluster {
  readonly port: number;
  readonly nodes: readonly NodeId[];
  readonly stats: ClusterStats;
  /** Nodes in different groups cannot talk; nodes not listed form one more group. */
  partition(groups: NodeId[][]): void;
  heal(): void;
  configure(settings: Partial<NetworkSettings>): void;
  readonly network: NetworkSettings;
  /** SIGKILL: no goodbye, timers and memory gone; storage stays on disk. */
  kill(id: NodeId): Promise<void>;
  /** Starts the node again (incarnation + 1); resolves after its onStart ran. */
  restart(id: NodeId): Promise<void>;
  isUp(id: NodeId): boolean;
  /** The node's process id while it runs. */
  pid(id: NodeId): number | undefined;
  incarnation(id: NodeId): number;
  /** Sends `body` to a node as a request from `client`; rejects after `timeoutMs` without a reply. */
  request<M extends Message>(id: NodeId, body: M, timeoutMs?: number): Promise<Message>;
  stop(): Promise<void>;
}

interface Member {
  id: NodeId;
  child: ChildProcess | null;
  socket: Socket | null;
  incarnation: number;
  ready: (() => void) | null;
}

const defaultScript = fileURLToPath(new URL('./node-process.ts', import.meta.url));

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  mkdirSync(opts.dir, { recursive: true });
  const network: NetworkSettings = { drop: opts.network?.drop ?? 0, delayMs: opts.network?.delayMs ?? [1, 5] };
  const members = new Map<NodeId, Member>(opts.nodes.map((id) => [id, { id, child: null, socket: null, incarnation: -1, ready: null }]));
  const stats: ClusterStats = { delivered: {}, dropped: 0, cut: 0, toDown: 0 };
  let groupOf = new Map<NodeId, number>();
  const pending = new Map<number, { resolve(m: Message): void; timer: ReturnType<typeof setTimeout> }>();
  let nextClientId = 1;
  let stopped = false;
  const log = (node: NodeId, text: string, data?: unknown) => opts.onLog?.({ node, t: Date.now(), text, ...(data === undefined ? {} : { data }) });

  const separated = (a: NodeId, b: NodeId) => (groupOf.get(a) ?? -1) !== (groupOf.get(b) ?? -1);

  function route(msg: WireMessage): void {
    if (msg.to === CLIENT_ID) {
      const p = pending.get(msg.inReplyTo);
      if (p) {
        clearTimeout(p.timer);
        pending.delete(msg.inReplyTo);
        p.resolve(msg.body);
      }
      return;
    }
    const client = msg.from === CLIENT_ID;
    if (!client && separated(msg.from, msg.to)) {
      stats.cut++;
      return;
    }
    if (!client && Math.random() < network.drop) {
      stats.dropped++;
      return;
    }
    const [lo, hi] = network.delayMs;
    const delay = client ? 0 : lo + Math.random() * Math.max(0, hi - lo);
    setTimeout(() => {
      // A partition that started while the message was in flight cuts it too.
      if (!client && separated(msg.from, msg.to)) {
        stats.cut++;
        return;
      }
      const target = members.get(msg.to);
      if (!target?.socket || target.socket.destroyed) {
        stats.toDown++;
        return;
      }
      target.socket.write(encode({ type: 'msg', msg }));
      const key = `${msg.from}>${msg.to}`;
      stats.delivered[key] = (stats.delivered[key] ?? 0) + 1;
    }, delay);
  }

  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    let member: Member | undefined;
    socket.on(
      'data',
      frameReader((f: Frame) => {
        switch (f.type) {
          case 'hello':
            member = members.get(f.node);
            if (member && f.incarnation === member.incarnation) member.socket = socket;
            else socket.destroy();
            break;
          case 'ready':
            if (member?.socket === socket) {
              member.ready?.();
              member.ready = null;
            }
            break;
          case 'msg':
            if (member?.socket === socket) route({ ...f.msg, from: member.id });
            break;
          case 'log':
            opts.onLog?.({ node: f.node, t: f.t, text: f.text, ...(f.data === undefined ? {} : { data: f.data }) });
            break;
        }
      }),
    );
    socket.on('error', () => {});
    socket.on('close', () => {
      if (member && member.socket === socket) member.socket = null;
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;

  function launch(m: Member): Promise<void> {
    m.incarnation++;
    const incarnation = m.incarnation;
    const child = spawn(
      process.execPath,
      [
        opts.nodeScript ?? defaultScript,
        '--id', m.id,
        '--nodes', opts.nodes.join(','),
        '--port', String(port),
        '--storage', join(opts.dir, `${m.id}.json`),
        '--program', opts.program,
        '--incarnation', String(incarnation),
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    m.child = child;
    child.on('exit', (code, signal) => {
      if (m.child === child) m.child = null;
      if (!stopped) log(m.id, `process exited (${signal ?? `code ${code}`})`);
    });
    return new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`${m.id} did not start within ${opts.startTimeoutMs ?? 10_000} ms`)), opts.startTimeoutMs ?? 10_000);
      m.ready = () => {
        clearTimeout(timer);
        log(m.id, `up (incarnation ${incarnation}, pid ${child.pid})`);
        ok();
      };
    });
  }

  async function kill(id: NodeId): Promise<void> {
    const m = members.get(id);
    if (!m) throw new Error(`no node ${id}`);
    const child = m.child;
    m.socket?.destroy();
    m.socket = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((ok) => {
      child.once('exit', () => ok());
      child.kill('SIGKILL');
    });
  }

  const cluster: Cluster = {
    port,
    nodes: opts.nodes,
    stats,
    network,
    partition(groups) {
      groupOf = new Map();
      groups.forEach((g, i) => g.forEach((n) => groupOf.set(n, i)));
      log('proxy', `partition ${groups.map((g) => g.join(' ')).join(' | ')}`);
    },
    heal() {
      groupOf = new Map();
      log('proxy', 'healed');
    },
    configure(s) {
      if (s.drop !== undefined) network.drop = s.drop;
      if (s.delayMs) network.delayMs = s.delayMs;
    },
    kill,
    async restart(id) {
      const m = members.get(id);
      if (!m) throw new Error(`no node ${id}`);
      await kill(id);
      await launch(m);
    },
    isUp: (id) => Boolean(members.get(id)?.socket),
    pid: (id) => members.get(id)?.child?.pid,
    incarnation: (id) => members.get(id)?.incarnation ?? -1,
    request(id, body: Message, timeoutMs = 1000) {
      return new Promise<Message>((resolve, reject) => {
        const msgId = nextClientId++;
        const timer = setTimeout(() => {
          pending.delete(msgId);
          reject(new Error(`${id} did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(msgId, { resolve, timer });
        route({ id: msgId, from: CLIENT_ID, to: id, body, sentAt: Date.now(), isRequest: true, inReplyTo: -1 });
      });
    },
    async stop() {
      stopped = true;
      await Promise.all([...members.keys()].map((id) => kill(id)));
      for (const p of pending.values()) clearTimeout(p.timer);
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
  const onExit = () => {
    for (const m of members.values()) m.child?.kill('SIGKILL');
  };
  process.once('exit', onExit);
  try {
    await Promise.all([...members.values()].map((m) => launch(m)));
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}
