/**
 * The cluster the tests run (you do not need to change it). One server, n1, holds a bank
 * account that starts at 0. A few clients (c1, c2, ...) each make a few requests "add X to
 * the account", one after the other, through your RetryingClient. The server node passes
 * every request that arrives to your AccountServer and sends back whatever it returns.
 *
 * The tests build this cluster in several shapes (a `ClusterConfig`): from 2 to 7 clients,
 * attempts that wait from 20 to 60 ms for their reply, and networks that lose up to one
 * message in three, copy some, and hold some back for much longer than a client waits, so
 * that a copy of an old request can reach the server after its client has moved on. What
 * changes from seed to seed is which messages the network loses, copies and delays.
 * `DEFAULT_CLUSTER` is the shape `npm run sim` shows.
 *
 * Everything the server does goes into the trace: `apply` when the account changes (with
 * the request id and the message that carried it), then `answer` or `no answer` for the copy.
 */
import { info, latency, ok, Simulation, type Ctx, type Envelope, type NodeId, type SimNode, type Trace } from 'faultlines';
import { RetryingClient } from './client.ts';
import type { Account, AddReply, AddRequest, BankMsg, Send } from './protocol.ts';
import { AccountServer } from './server.ts';

export const SERVER = 'n1';

/** One shape of the cluster: who the clients are, how long they wait, what the network does. */
export interface ClusterConfig {
  /** The clients' names, e.g. ['c1', 'c2', 'c3']. */
  clients: readonly string[];
  /** How many requests each client makes, one after the other. */
  requestsPerClient: number;
  /** How long one attempt waits for its reply before the client retries, in ms. */
  timeoutMs: number;
  /** The fraction of messages (requests and replies alike) the network loses. */
  loss: number;
  /** The fraction of messages the network delivers twice. */
  duplicate: number;
  /** The fraction of message copies the network holds back, by up to `holdMs` more. */
  hold: number;
  holdMs: number;
  /** If set, every request adds this amount; if not, c1 adds 1, 2, 3 ..., c2 adds 10, 20, 30 ... */
  sameAmount?: number;
  /** How long the tests run the cluster, in ms: plenty for every request to get its answer. */
  runMs: number;
}

/** Three clients, six requests each, 30 ms per attempt: the cluster `npm run sim` shows. */
export const DEFAULT_CLUSTER: ClusterConfig = {
  clients: ['c1', 'c2', 'c3'],
  requestsPerClient: 6,
  timeoutMs: 30,
  loss: 0.2,
  duplicate: 0.1,
  hold: 0.25,
  holdMs: 150,
  runMs: 2_000,
};

/** The amount a client adds in its k-th request (k from 1): the first client adds 1, 2, 3 ..., the second 10, 20, 30 ... */
export function amountFor(config: ClusterConfig, client: string, k: number): number {
  return config.sameAmount ?? k * 10 ** Math.max(0, config.clients.indexOf(client));
}

/** One attempt: one request message the client sent. */
export interface Attempt {
  /** When it was sent, in ms. */
  t: number;
  /** The request exactly as it was sent. */
  request: AddRequest;
  /** Its message id in the trace (filled in by `attachMessageIds`). */
  msgId?: number;
}

/** One logical request: a call to `add()` on a client, with every attempt it made. */
export interface LogicalRequest {
  client: string;
  /** 1 for the client's first call to add(), 2 for its second, ... */
  k: number;
  amount: number;
  startedAt: number;
  attempts: Attempt[];
  /** What add() returned, and when; undefined if it never returned. */
  answer?: number;
  answeredAt?: number;
}

/** The server's account: every change is logged to the trace, naming the message that caused it. */
class LoggedAccount implements Account {
  private value = 0;
  /** The message being handled right now (set by the server node around handle()). */
  current: { msgId: number; request: AddRequest } | undefined;
  private readonly ctx: Ctx<BankMsg>;

  constructor(ctx: Ctx<BankMsg>) {
    this.ctx = ctx;
  }

  get balance(): number {
    return this.value;
  }

  add(amount: number): number {
    if (!Number.isFinite(amount)) throw new Error(`account.add(${amount}): the amount must be a number`);
    this.value += amount;
    const c = this.current;
    const id = c ? `${c.request.client}/${c.request.seq}` : '?';
    this.ctx.log(`apply ${id} +${amount}`, {
      msgId: c?.msgId ?? -1,
      client: c?.request.client ?? '?',
      seq: c?.request.seq ?? -1,
      amount,
      balance: this.value,
    });
    return this.value;
  }
}

class ServerNode implements SimNode<BankMsg> {
  private readonly ctx: Ctx<BankMsg>;
  private readonly account: LoggedAccount;
  private readonly server: AccountServer;

  constructor(ctx: Ctx<BankMsg>) {
    this.ctx = ctx;
    this.account = new LoggedAccount(ctx);
    this.server = new AccountServer(this.account);
  }

  onMessage(_from: NodeId, msg: BankMsg, env: Envelope<BankMsg>): void {
    if (msg.type !== 'add') return;
    this.account.current = { msgId: env.id, request: msg };
    let reply: AddReply | undefined;
    try {
      reply = this.server.handle(msg);
    } finally {
      this.account.current = undefined;
    }
    const id = `${msg.client}/${msg.seq}`;
    if (reply === undefined) {
      this.ctx.log(`no answer ${id}`, { msgId: env.id, client: msg.client, seq: msg.seq });
    } else {
      this.ctx.log(`answer ${id} = ${reply.balance}`, { msgId: env.id, client: msg.client, seq: msg.seq, balance: reply.balance });
      this.ctx.reply(env, reply);
    }
  }
}

/** A simulation of the cluster for one seed, and the record of every logical request. */
export interface Cluster {
  config: ClusterConfig;
  sim: Simulation<BankMsg>;
  requests: LogicalRequest[];
}

/** Builds the cluster for one seed. Run it with `await sim.run({ until: config.runMs })`. */
export function buildCluster(seed: number, config: ClusterConfig = DEFAULT_CLUSTER): Cluster {
  const sim = new Simulation<BankMsg>({
    seed,
    network: { latency: latency.uniform(2, 12), loss: config.loss, duplicate: config.duplicate, reorder: config.hold, reorderMs: config.holdMs },
  });
  sim.addNodes([SERVER], (ctx) => new ServerNode(ctx));
  const requests: LogicalRequest[] = [];
  for (const id of config.clients) {
    sim.addClient(id, async (c) => {
      let current: LogicalRequest | undefined;
      const send: Send = async (request) => {
        current?.attempts.push({ t: c.now(), request: { ...request } });
        const r = await c.invoke({
          f: 'add',
          input: request.amount,
          to: SERVER,
          timeoutMs: config.timeoutMs,
          msg: request,
          interpret: (m) => (m.type === 'add_ok' ? ok(m) : info(m.type)),
        });
        return r.type === 'ok' ? (r.output as AddReply) : undefined;
      };
      const client = new RetryingClient(id, send);
      for (let k = 1; k <= config.requestsPerClient; k++) {
        current = { client: id, k, amount: amountFor(config, id, k), startedAt: c.now(), attempts: [] };
        requests.push(current);
        const balance = await client.add(current.amount);
        current.answer = balance;
        current.answeredAt = c.now();
        await c.sleep(1 + Math.floor(c.random() * 10));
      }
    });
  }
  return { config, sim, requests };
}

/** Runs the cluster for one seed and fills in the message id of every attempt. */
export async function runCluster(seed: number, config: ClusterConfig = DEFAULT_CLUSTER): Promise<Cluster> {
  const cluster = buildCluster(seed, config);
  await cluster.sim.run({ until: config.runMs });
  attachMessageIds(cluster.sim.trace, cluster.requests);
  return cluster;
}

/** Matches each attempt with its request message in the trace (a client's sends are in order). */
export function attachMessageIds(trace: Trace, requests: LogicalRequest[]): void {
  const clients = new Set(requests.map((r) => r.client));
  const sends = new Map<string, number[]>();
  for (const e of trace.events) {
    if (e.type === 'send' && e.rpc === 'request' && clients.has(e.from)) {
      const list = sends.get(e.from) ?? [];
      list.push(e.id);
      sends.set(e.from, list);
    }
  }
  const next = new Map<string, number>();
  for (const r of requests) {
    for (const a of r.attempts) {
      const i = next.get(r.client) ?? 0;
      a.msgId = sends.get(r.client)?.[i];
      next.set(r.client, i + 1);
    }
  }
}

/** One change to the account, as the server logged it. */
export interface Applied {
  t: number;
  msgId: number;
  client: string;
  seq: number;
  amount: number;
  balance: number;
}

/** Every change to the account in a run, in order. */
export function appliedEffects(trace: Trace): Applied[] {
  const out: Applied[] = [];
  for (const e of trace.events) {
    if (e.type === 'log' && e.text.startsWith('apply ')) out.push({ t: e.t, ...(e.data as Omit<Applied, 't'>) });
  }
  return out;
}

/** The run `npm run sim` shows: the default cluster for one seed, until every request is answered (at most 2 s). */
export async function scenario(seed: number): Promise<Trace> {
  const config = DEFAULT_CLUSTER;
  const { sim, requests } = buildCluster(seed, config);
  const total = config.clients.length * config.requestsPerClient;
  await sim.runUntil(() => requests.length === total && requests.every((r) => r.answer !== undefined), { for: config.runMs });
  return sim.trace;
}
