import { describe, expect, test } from 'vitest';
import { LabFailure, recordRun, seededTest, seedRange, seeds } from 'faultlines/testing';
import type { Trace } from 'faultlines';
import { RetryingClient } from '../client.ts';
import {
  appliedEffects,
  attachMessageIds,
  buildCluster,
  DEFAULT_CLUSTER,
  SERVER,
  type Applied,
  type Cluster,
  type ClusterConfig,
  type LogicalRequest,
} from '../cluster.ts';
import type { Account, AddReply, AddRequest } from '../protocol.ts';
import { AccountServer } from '../server.ts';

const SEEDS = seeds(seedRange(10));

// ---------------------------------------------------------------------------------------
// Helpers for the unit tests.

/** An account that counts how often add() was called. */
class CountingAccount implements Account {
  balance: number;
  adds = 0;
  constructor(start = 0) {
    this.balance = start;
  }
  add(amount: number): number {
    this.adds++;
    this.balance += amount;
    return this.balance;
  }
}

const req = (client: string, seq: number, amount: number): AddRequest => ({ type: 'add', client, seq, amount });
const idOf = (r: { client: string; seq: number }) => `${r.client}/${r.seq}`;
const showReply = (r: AddReply | undefined) =>
  r === undefined ? 'no reply' : `a reply for ${idOf(r)} with balance ${r.balance}`;

/** More attempts than any client test needs: a client still sending then never stops. */
const MAX_FAKE_ATTEMPTS = 200;

/**
 * A fake network and server for the client tests: records every attempt, gets no reply
 * for the attempts `lost` says (counted from 0 over the whole test), and answers the
 * others with the balance of an account that already holds `start`.
 */
function fakeServer(lost: (attempt: number) => boolean, start = 0) {
  const sent: AddRequest[] = [];
  let balance = start;
  let answered = 0;
  const send = async (request: AddRequest): Promise<AddReply | undefined> => {
    const attempt = sent.length;
    if (attempt >= MAX_FAKE_ATTEMPTS) {
      throw new Error(
        `the test stopped add() at its attempt ${attempt + 1}: ` +
          (answered ? `it had been answered ${answered === 1 ? 'once' : `${answered} times`} and was still sending` : 'none of them had been answered'),
      );
    }
    sent.push({ ...request });
    if (lost(attempt)) return undefined;
    answered++;
    balance += request.amount;
    return { type: 'add_ok', client: request.client, seq: request.seq, balance };
  };
  return { sent, send };
}

/** Calls add() and returns what it threw, as text, or undefined if it returned. */
async function addThrows(client: RetryingClient, amount: number): Promise<string | undefined> {
  return client.add(amount).then(
    () => undefined,
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
}

// ---------------------------------------------------------------------------------------
// The clusters the tests run: several numbers of clients, attempt timeouts and networks.

const CLUSTERS: ClusterConfig[] = [
  DEFAULT_CLUSTER,
  {
    clients: ['c1', 'c2'],
    requestsPerClient: 8,
    timeoutMs: 20,
    loss: 0.2,
    duplicate: 0.2,
    hold: 0.3,
    holdMs: 200,
    runMs: 2_000,
  },
  {
    clients: ['c1', 'c2', 'c3', 'c4'],
    requestsPerClient: 5,
    timeoutMs: 45,
    loss: 0.3,
    duplicate: 0.1,
    hold: 0.2,
    holdMs: 200,
    sameAmount: 10,
    runMs: 3_000,
  },
  {
    clients: ['c1', 'c2', 'c3', 'c4', 'c5'],
    requestsPerClient: 5,
    timeoutMs: 25,
    loss: 0.2,
    duplicate: 0.15,
    hold: 0.2,
    holdMs: 120,
    runMs: 2_000,
  },
  {
    clients: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'],
    requestsPerClient: 4,
    timeoutMs: 60,
    loss: 0.25,
    duplicate: 0.1,
    hold: 0.2,
    holdMs: 200,
    runMs: 3_000,
  },
];

const pct = (x: number) => `${Math.round(x * 100)}%`;
function describeCluster(c: ClusterConfig): string {
  const adds = c.sameAmount !== undefined ? `, all adding ${c.sameAmount}` : '';
  return (
    `${c.clients.length} clients, ${c.requestsPerClient} requests each${adds}, ${c.timeoutMs} ms per attempt ` +
    `(${pct(c.loss)} lost, ${pct(c.duplicate)} copied, ${pct(c.hold)} held back up to ${c.holdMs} ms)`
  );
}

// ---------------------------------------------------------------------------------------
// Helpers for the cluster tests.

interface Run {
  cluster: Cluster;
  /** An error thrown by the learner's code that stopped the run. */
  error?: unknown;
}

async function runOnce(config: ClusterConfig, seed: number): Promise<Run> {
  const cluster = buildCluster(seed, config);
  try {
    await cluster.sim.run({ until: config.runMs });
    return { cluster };
  } catch (error) {
    return { cluster, error };
  } finally {
    attachMessageIds(cluster.sim.trace, cluster.requests);
  }
}

const runs = new Map<string, { run: Promise<Run>; usedBy: Set<string> }>();
/**
 * The cluster for one shape and seed, run once and shared by the tests of that seed. A test
 * that asks twice (the harness runs a seed twice to check it replays the same) gets a fresh
 * run the second time.
 */
async function clusterFor(config: ClusterConfig, seed: number): Promise<Cluster> {
  const key = `${CLUSTERS.indexOf(config)}/${seed}`;
  const testName = expect.getState().currentTestName ?? '';
  let shared = runs.get(key);
  if (!shared) {
    shared = { run: runOnce(config, seed), usedBy: new Set() };
    runs.set(key, shared);
  }
  const run = shared.usedBy.has(testName) ? runOnce(config, seed) : shared.run;
  shared.usedBy.add(testName);
  const { cluster, error } = await run;
  recordRun(cluster.sim);
  if (error !== undefined) throw explainCrash(cluster, error);
  return cluster;
}

/** A throw from the learner's code, said in terms of the learner's code. */
function explainCrash(cluster: Cluster, error: unknown): Error {
  const e = error as { name?: string; node?: string; time?: number; cause?: unknown; message?: string };
  if (e?.name !== 'NodeError' || e.node === undefined) return error instanceof Error ? error : new Error(String(error));
  const cause = e.cause instanceof Error ? `${e.cause.name}: ${e.cause.message}` : String(e.cause);
  const t = e.time ?? cluster.sim.now;
  const where =
    e.node === SERVER
      ? `${SERVER}'s AccountServer.handle() threw while handling a request`
      : `${e.node}'s RetryingClient.add() threw (the run stopped there)`;
  const mine = cluster.requests.filter((r) => r.client === e.node && r.answer === undefined);
  const open = mine.length ? ` It was working on ${name(mine[mine.length - 1]!)}, after ${mine[mine.length - 1]!.attempts.length} attempts.` : '';
  return new LabFailure(`At ${t.toFixed(1)} ms ${where}: ${cause}.${open}`, { nodes: [e.node], at: t });
}

const name = (r: LogicalRequest) => `${r.client}'s request ${r.k} (add ${r.amount})`;
const msgIds = (r: LogicalRequest) => r.attempts.map((a) => a.msgId).filter((m): m is number => m !== undefined);
const listMsgs = (ids: readonly number[]) => ids.map((m) => `#${m}`).join(', ');
const ms = (t: number) => `${t.toFixed(1)} ms`;

/** The logical request each request message belongs to. */
function requestByMessage(requests: readonly LogicalRequest[]): Map<number, LogicalRequest> {
  const out = new Map<number, LogicalRequest>();
  for (const r of requests) for (const a of r.attempts) if (a.msgId !== undefined) out.set(a.msgId, r);
  return out;
}

/** What became of every message in a run: copies delivered, drops, and the replies to each request. */
function fates(trace: Trace) {
  const delivered = new Map<number, number[]>(); // message id -> times of the copies delivered on time
  const late = new Set<number>();
  const dropped = new Set<number>();
  const replies = new Map<number, number[]>(); // request id -> reply ids
  for (const e of trace.events) {
    if (e.type === 'deliver') {
      if (e.late) late.add(e.id);
      else delivered.set(e.id, [...(delivered.get(e.id) ?? []), e.t]);
    } else if (e.type === 'drop') dropped.add(e.id);
    else if (e.type === 'send' && e.rpc === 'reply' && e.re !== undefined) replies.set(e.re, [...(replies.get(e.re) ?? []), e.id]);
  }
  return { delivered, late, dropped, replies };
}

/** The reply messages the client accepted for a request's attempts. */
function acceptedReplies(trace: Trace, r: LogicalRequest): number[] {
  const f = fates(trace);
  return msgIds(r).flatMap((m) => (f.replies.get(m) ?? []).filter((id) => f.delivered.has(id)));
}

/** What happened to each attempt of a request, in words. */
function attemptStory(trace: Trace, r: LogicalRequest, limit = 6): string {
  const f = fates(trace);
  const parts = r.attempts.slice(0, limit).map((a) => {
    const m = a.msgId;
    const head = `#${m} at ${ms(a.t)} (id ${idOf(a.request)})`;
    if (m === undefined) return head;
    const arrivals = f.delivered.get(m) ?? [];
    if (arrivals.length === 0) return `${head} was lost on the way`;
    const reached =
      arrivals.length > 1
        ? `reached ${SERVER} ${arrivals.length} times (the network copied it), at ${arrivals.map(ms).join(' and ')}`
        : `reached ${SERVER} at ${ms(arrivals[0]!)}`;
    const answers = (f.replies.get(m) ?? []).map((id) => {
      if (f.delivered.has(id)) return `reply #${id} got back in time`;
      if (f.late.has(id)) return `reply #${id} came after ${r.client} had given up on that attempt`;
      if (f.dropped.has(id)) return `reply #${id} was lost`;
      return `reply #${id} was still on its way`;
    });
    return `${head} ${reached}, ${answers.length ? answers.join(', ') : 'with no answer'}`;
  });
  if (r.attempts.length > limit) parts.push(`... and ${r.attempts.length - limit} more`);
  return parts.join('; ');
}

/** The changes to the account each logical request caused, via the messages of its attempts. */
function effectsByRequest(trace: Trace, requests: readonly LogicalRequest[]): Map<LogicalRequest, Applied[]> {
  const byMsg = requestByMessage(requests);
  const out = new Map<LogicalRequest, Applied[]>();
  for (const a of appliedEffects(trace)) {
    const r = byMsg.get(a.msgId);
    if (r) out.set(r, [...(out.get(r) ?? []), a]);
  }
  return out;
}

/**
 * For an application of `r` after its client already had the answer: the copy was old.
 * Says when it was sent, when the client got its answer, and what the client was doing by then.
 */
function oldCopyNote(r: LogicalRequest, a: Applied, requests: readonly LogicalRequest[]): string | undefined {
  if (r.answeredAt === undefined || a.t <= r.answeredAt) return undefined;
  const sent = r.attempts.find((x) => x.msgId === a.msgId);
  const newer = requests.filter((x) => x.client === r.client && x.k > r.k && x.startedAt <= a.t);
  const latest = newer[newer.length - 1];
  const movedOn = latest ? ` and had moved on to its request ${latest.k}` : '';
  return (
    `At ${ms(a.t)} message #${a.msgId}${sent ? `, sent at ${ms(sent.t)},` : ''} reached ${SERVER} and was executed again, ` +
    `though ${r.client} had had its answer since ${ms(r.answeredAt)}${movedOn}: an old copy, held back by the network.`
  );
}

const uniq = <T,>(xs: readonly T[]): T[] => [...new Set(xs)];

// ---------------------------------------------------------------------------------------

describe('the client, rule by rule', () => {
  test('a retry carries the same request id as the first attempt', async () => {
    const net = fakeServer((i) => i < 2);
    const client = new RetryingClient('c1', net.send);
    await client.add(5);
    expect(net.sent.length, 'attempts sent (the first two get no reply)').toBe(3);
    const ids = net.sent.map(idOf);
    expect(ids, `the three attempts of one request carried the ids ${ids.join(', ')}: a retry must reuse the id, or the server cannot recognise it`).toEqual([ids[0], ids[0], ids[0]]);
  });

  test('every retry sends the same request again, however many attempts are lost', async () => {
    const net = fakeServer((i) => i < 12);
    const client = new RetryingClient('c1', net.send);
    const threw = await addThrows(client, 5);
    expect(threw, `add(5), whose first 12 attempts got no reply, threw after ${net.sent.length} attempts`).toBeUndefined();
    const first = net.sent[0]!;
    net.sent.forEach((r, i) => {
      expect(r, `attempt ${i + 1} of add(5), after ${i} attempts with no reply, next to the first attempt ${JSON.stringify(first)}`).toEqual(first);
    });
  });

  test('a client numbers its requests 1, 2, 3, ... and puts its own name in each', async () => {
    const net = fakeServer(() => false);
    const client = new RetryingClient('c7', net.send);
    for (let i = 1; i <= 4; i++) await client.add(i);
    for (const r of net.sent) expect(r.client, `request ${idOf(r)} names its client`).toBe('c7');
    const seqs = net.sent.map((r) => r.seq);
    expect(seqs, `the seq of four requests, one after the other, sent with the ids ${net.sent.map(idOf).join(', ')}`).toEqual([1, 2, 3, 4]);
  });

  test('two clients number their requests independently, each from 1', async () => {
    const netA = fakeServer(() => false);
    const netB = fakeServer(() => false);
    const a = new RetryingClient('c1', netA.send);
    const b = new RetryingClient('c2', netB.send);
    for (let i = 1; i <= 3; i++) {
      await a.add(i);
      await b.add(i);
    }
    const ids = [...netA.sent, ...netB.sent].map(idOf);
    expect(ids, 'c1 and c2 made three requests each, taking turns: the ids they sent').toEqual(['c1/1', 'c1/2', 'c1/3', 'c2/1', 'c2/2', 'c2/3']);
  });

  test('add() keeps trying until it gets a reply, and then stops', async () => {
    const net = fakeServer((i) => i < 20);
    const client = new RetryingClient('c1', net.send);
    const threw = await addThrows(client, 42);
    expect(threw, `add(42), whose first 20 attempts got no reply, threw after ${net.sent.length} attempts`).toBeUndefined();
    expect(net.sent.length, 'attempts add(42) sent when the first 20 got no reply (the 21st did)').toBe(21);
  });

  test('add() returns the balance in the reply, which includes other clients\' additions', async () => {
    const net = fakeServer((i) => i === 1, 1_000);
    const client = new RetryingClient('c1', net.send);
    const first = await client.add(42);
    expect(first, 'add(42) on an account already holding 1000 (from other clients), answered with balance 1042').toBe(1_042);
    const second = await client.add(8);
    expect(second, 'then add(8), answered on its second attempt with balance 1050').toBe(1_050);
  });

  test('a reply with balance 0 (or below) is a reply: add() returns that balance and stops sending', async () => {
    const net = fakeServer((i) => i === 0, 5);
    const client = new RetryingClient('c1', net.send);
    const zero = await client.add(-5).catch((e: unknown) => `an error (${e instanceof Error ? e.message : String(e)})`);
    expect(net.sent.length, 'attempts add(-5) sent on an account holding 5: the first got no reply, the second a reply with balance 0, so there should be no third').toBe(2);
    expect(zero, 'what add(-5) returned, answered on its second attempt with balance 0').toBe(0);
    const below = await client.add(-3).catch((e: unknown) => `an error (${e instanceof Error ? e.message : String(e)})`);
    expect(net.sent.length - 2, 'attempts the next request, add(-3), sent: its first attempt got a reply with balance -3').toBe(1);
    expect(below, 'what add(-3) returned, answered at once with balance -3').toBe(-3);
  });
});

describe('the server, rule by rule', () => {
  test('a new request is applied once and answered with the balance right after it, under its own request id', () => {
    const account = new CountingAccount(100);
    const server = new AccountServer(account);
    const reply = server.handle(req('c1', 1, 5));
    expect(account.adds, 'account.add() calls for one request').toBe(1);
    expect(reply, `handle(c1/1 add 5) on an account holding 100 returned ${showReply(reply)}`).toMatchObject({ type: 'add_ok', client: 'c1', seq: 1, balance: 105 });
  });

  test('a repeat of a request is not applied again, and gets the same reply as the first time', () => {
    const account = new CountingAccount();
    const server = new AccountServer(account);
    const first = server.handle(req('c1', 1, 5));
    const again = server.handle(req('c1', 1, 5));
    const third = server.handle(req('c1', 1, 5));
    expect(account.adds, 'c1/1 arrived three times: account.add() calls').toBe(1);
    expect(again, `the second copy of c1/1 got ${showReply(again)}; the client may have lost the first reply, so it needs it again`).toEqual(first);
    expect(third, `the third copy of c1/1 got ${showReply(third)}`).toEqual(first);
  });

  test('a client\'s next request is a new request, even when it adds the same amount', () => {
    const account = new CountingAccount();
    const server = new AccountServer(account);
    server.handle(req('c1', 1, 10));
    const second = server.handle(req('c1', 2, 10));
    expect(account.adds, 'c1/1 (add 10) and then c1/2 (add 10) arrived: account.add() calls').toBe(2);
    expect(second, `c1/2 got ${showReply(second)}`).toMatchObject({ type: 'add_ok', client: 'c1', seq: 2, balance: 20 });
  });

  test('two clients\' requests with the same sequence number are different requests', () => {
    const account = new CountingAccount();
    const server = new AccountServer(account);
    server.handle(req('c1', 1, 5));
    const r2 = server.handle(req('c2', 1, 7));
    expect(account.adds, 'c1/1 and then c2/1 arrived: account.add() calls').toBe(2);
    expect(r2?.balance, `c2/1 (add 7) after c1/1 (add 5) got ${showReply(r2)}`).toBe(12);
  });

  test('c1\'s request 11 and c11\'s request 1 are different requests', () => {
    const account = new CountingAccount();
    const server = new AccountServer(account);
    server.handle(req('c1', 11, 5));
    const other = server.handle(req('c11', 1, 7));
    expect(
      account.adds,
      `c1/11 (add 5) and then c11/1 (add 7) arrived: account.add() calls. A key made by gluing "c1" and "11" together is the same as one made from "c11" and "1"`,
    ).toBe(2);
    expect(other?.balance, `c11/1 got ${showReply(other)}`).toBe(12);
  });

  test('a retry that arrives after another client\'s request still gets its remembered reply', () => {
    const account = new CountingAccount();
    const server = new AccountServer(account);
    server.handle(req('c1', 1, 5)); // balance 5: imagine this reply is lost
    server.handle(req('c2', 1, 7)); // balance 12
    const retry = server.handle(req('c1', 1, 5));
    expect(account.adds, 'c1/1, c2/1, then c1/1 again: account.add() calls').toBe(2);
    expect(
      retry?.balance,
      `the retry of c1/1 got ${showReply(retry)}. Its addition left the balance at 5; the balance now (12) includes c2's request`,
    ).toBe(5);
  });

  test('with eight clients, every client\'s retry is recognised after all the others\' requests', () => {
    const account = new CountingAccount();
    const server = new AccountServer(account);
    const clients = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'];
    const firsts = clients.map((c, i) => server.handle(req(c, 1, i + 1)));
    clients.forEach((c, i) => {
      const before = account.adds;
      const retry = server.handle(req(c, 1, i + 1));
      expect(account.adds - before, `${c}/1 again, after c1/1 to c8/1 had each been executed once: account.add() calls`).toBe(0);
      expect(retry, `the retry of ${c}/1 got ${showReply(retry)}`).toEqual(firsts[i]);
    });
  });

  test('an old copy of a request, arriving after the client\'s next request, is not applied again', () => {
    const account = new CountingAccount();
    const server = new AccountServer(account);
    const first = server.handle(req('c1', 1, 5)); // balance 5
    server.handle(req('c1', 2, 7)); // balance 12: c1 had its answer to c1/1 and moved on
    const old = server.handle(req('c1', 1, 5)); // a copy of c1/1, held back in the network
    expect(account.adds, 'c1/1, c1/2, then a late copy of c1/1: account.add() calls').toBe(2);
    if (old !== undefined) {
      expect(
        old,
        `the late copy of c1/1 got ${showReply(old)}. Its client already has its answer, so there is nothing to say; ` +
          `a reply, if any, must be c1/1's own`,
      ).toEqual(first);
    }
  });

  test('after an old copy, the latest request is still recognised and the next one executed', () => {
    const account = new CountingAccount();
    const server = new AccountServer(account);
    server.handle(req('c1', 1, 5)); // balance 5
    const second = server.handle(req('c1', 2, 7)); // balance 12
    server.handle(req('c1', 1, 5)); // a late copy of c1/1
    const retry = server.handle(req('c1', 2, 7));
    expect(account.adds, 'c1/1, c1/2, a late copy of c1/1, then a retry of c1/2: account.add() calls').toBe(2);
    expect(retry, `the retry of c1/2 got ${showReply(retry)}`).toEqual(second);
    const third = server.handle(req('c1', 3, 1));
    expect(third, `then c1/3 (add 1) got ${showReply(third)}`).toMatchObject({ type: 'add_ok', client: 'c1', seq: 3, balance: 13 });
  });
});

for (const config of CLUSTERS) {
  describe(describeCluster(config), () => {
    seededTest('every request takes effect exactly once, however many copies arrive', SEEDS, async (seed) => {
      const { sim, requests } = await clusterFor(config, seed);
      const trace = sim.trace;
      const effects = effectsByRequest(trace, requests);
      for (const r of requests) {
        const applied = effects.get(r) ?? [];
        if (applied.length > 1) {
          const how = applied.map((a) => `at ${ms(a.t)} from message #${a.msgId} (id ${idOf(a)}), balance ${a.balance}`).join('; ');
          const old = applied.slice(1).map((a) => oldCopyNote(r, a, requests)).find((n) => n !== undefined);
          throw new LabFailure(
            `${name(r)} was applied ${applied.length} times by ${SERVER}: ${how}.\n` +
              `Its attempts: ${attemptStory(trace, r)}.\n` +
              (old ? `${old}\n` : '') +
              `Every copy that reaches the server after the first (a retry, a duplicate made by the network, ` +
              `or an old copy that arrives after the client has moved on) must be recognised and not executed again.`,
            { nodes: [r.client, SERVER], messages: uniq(applied.map((a) => a.msgId)), at: [r.startedAt, applied[applied.length - 1]!.t] },
          );
        }
        if (applied.length === 0 && r.answer !== undefined) {
          const same = appliedEffects(trace).filter((a) => a.balance === r.answer && a.t <= r.answeredAt!);
          const whose =
            same.length === 1
              ? ` That is the balance ${SERVER} reached at ${ms(same[0]!.t)} executing ${idOf(same[0]!)} (message #${same[0]!.msgId}).`
              : '';
          throw new LabFailure(
            `${name(r)} was never applied, yet ${r.client} got an answer (balance ${r.answer}) at ${ms(r.answeredAt!)}.\n` +
              `Its attempts: ${attemptStory(trace, r)}.\n` +
              `${SERVER} answered it without executing it.${whose} A request the server has not executed before must be executed.`,
            { nodes: [r.client, SERVER], messages: msgIds(r).slice(0, 6), at: [r.startedAt, r.answeredAt!] },
          );
        }
      }
    });

    seededTest('every client gets an answer to every request, and it is the balance right after its own addition', SEEDS, async (seed) => {
      const { sim, requests } = await clusterFor(config, seed);
      const trace = sim.trace;
      const effects = effectsByRequest(trace, requests);
      for (const c of config.clients) {
        const mine = requests.filter((r) => r.client === c);
        const stuck = mine.find((r) => r.answer === undefined);
        if (stuck) {
          const first = effects.get(stuck)?.[0];
          const answered = acceptedReplies(trace, stuck);
          throw new LabFailure(
            `${name(stuck)} never got an answer: add() had not returned when the run ended at ${sim.now} ms, ` +
              `${stuck.attempts.length} attempts later, so ${c} never made its other ${config.requestsPerClient - stuck.k} requests.\n` +
              (first ? `${SERVER} applied it at ${ms(first.t)} (message #${first.msgId}). ` : `${SERVER} never applied it. `) +
              (answered.length
                ? `${answered.length} of its replies got back in time (${listMsgs(answered.slice(0, 3))}${answered.length > 3 ? ', ...' : ''}), and add() kept sending. `
                : '') +
              `Its attempts: ${attemptStory(trace, stuck)}.`,
            { nodes: [c, SERVER], messages: msgIds(stuck).slice(0, 6), at: [stuck.startedAt, stuck.attempts[Math.min(5, stuck.attempts.length - 1)]?.t ?? stuck.startedAt] },
          );
        }
        if (mine.length < config.requestsPerClient) {
          throw new LabFailure(`${c} made only ${mine.length} of its ${config.requestsPerClient} requests before the run ended at ${sim.now} ms.`, { nodes: [c] });
        }
        for (const r of mine) {
          const applied = effects.get(r) ?? [];
          // Applied twice or never: the test above explains that.
          if (applied.length !== 1 || applied[0]!.balance === r.answer) continue;
          const a = applied[0]!;
          const accepted = acceptedReplies(trace, r);
          throw new LabFailure(
            `${name(r)} took effect once, at ${ms(a.t)} (message #${a.msgId}), leaving the balance at ${a.balance}, ` +
              `but ${c} got the answer ${r.answer} (reply ${listMsgs(accepted)} at ${ms(r.answeredAt!)}).\n` +
              `Its attempts: ${attemptStory(trace, r)}.\n` +
              `A repeated request must get the reply remembered from its first execution, not one made up later.`,
            { nodes: [c, SERVER], messages: [a.msgId, ...accepted], at: [r.startedAt, r.answeredAt!] },
          );
        }
      }
    });

    seededTest('every retry of a request carries the same request id, and no two requests share one', SEEDS, async (seed) => {
      const { requests } = await clusterFor(config, seed);
      const owner = new Map<string, LogicalRequest>();
      for (const r of requests) {
        const ids = uniq(r.attempts.map((a) => idOf(a.request)));
        if (ids.length > 1) {
          throw new LabFailure(
            `${name(r)} was sent ${r.attempts.length} times with ${ids.length} different request ids: ` +
              `${r.attempts.slice(0, 6).map((a) => `#${a.msgId} with ${idOf(a.request)}`).join(', ')}. To the server each looks like a new request.`,
            { nodes: [r.client, SERVER], messages: msgIds(r).slice(0, 6), at: [r.startedAt, r.attempts[Math.min(5, r.attempts.length - 1)]!.t] },
          );
        }
        const id = ids[0];
        if (id === undefined) continue;
        const other = owner.get(id);
        if (other && other !== r) {
          throw new LabFailure(
            `${name(other)} (message #${msgIds(other)[0]}) and ${name(r)} (message #${msgIds(r)[0]}) were both sent with the request id ${id}: ` +
              `the server cannot tell them apart, so it will take the second for a retry of the first.`,
            { nodes: uniq([other.client, r.client, SERVER]), messages: [msgIds(other)[0]!, msgIds(r)[0]!], at: [other.startedAt, r.startedAt] },
          );
        }
        owner.set(id, r);
      }
    });
  });
}
