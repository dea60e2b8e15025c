import { describe, expect, test } from 'vitest';
import { LabFailure, recordRun, seededTest, seedRange, seeds } from 'faultlines/testing';
import type { Trace } from 'faultlines';
import { RetryingClient } from '../client.ts';
import {
  appliedEffects,
  CLIENTS,
  REQUESTS_PER_CLIENT,
  runCluster,
  SERVER,
  type Applied,
  type Cluster,
  type LogicalRequest,
} from '../cluster.ts';
import type { Account, AddReply, AddRequest } from '../protocol.ts';
import { AccountServer } from '../server.ts';

const SEEDS = seeds(seedRange(8));

// ---------------------------------------------------------------------------------------
// Helpers for the unit tests.

/** An account that counts how often add() was called. */
class CountingAccount implements Account {
  balance = 0;
  adds = 0;
  add(amount: number): number {
    this.adds++;
    this.balance += amount;
    return this.balance;
  }
}

const req = (client: string, seq: number, amount: number): AddRequest => ({ type: 'add', client, seq, amount });
const idOf = (r: { client: string; seq: number }) => `${r.client}/${r.seq}`;
const showReply = (r: AddReply | undefined) => (r === undefined ? 'no reply' : `a reply with balance ${r.balance}`);

/** A fake network for one client: records every attempt, loses the first `lose` attempts of each request. */
function fakeServer(lose: number) {
  const sent: AddRequest[] = [];
  let balance = 0;
  let lostSoFar = 0;
  let lastAmount: number | undefined;
  const send = async (request: AddRequest): Promise<AddReply | undefined> => {
    sent.push({ ...request });
    if (request.amount !== lastAmount) {
      lastAmount = request.amount;
      lostSoFar = 0;
    }
    if (lostSoFar < lose) {
      lostSoFar++;
      return undefined;
    }
    balance += request.amount;
    return { type: 'add_ok', client: request.client, seq: request.seq, balance };
  };
  return { sent, send };
}

// ---------------------------------------------------------------------------------------
// Helpers for the cluster tests.

const runs = new Map<number, Promise<Cluster>>();
/** The cluster for one seed, run once and shared by the tests of that seed. */
async function clusterFor(seed: number): Promise<Cluster> {
  let run = runs.get(seed);
  if (!run) {
    run = runCluster(seed);
    runs.set(seed, run);
  }
  const cluster = await run;
  recordRun(cluster.sim);
  return cluster;
}

const name = (r: LogicalRequest) => `${r.client}'s request ${r.k} (add ${r.amount})`;
const msgIds = (r: LogicalRequest) => r.attempts.map((a) => a.msgId).filter((m): m is number => m !== undefined);
const listMsgs = (ids: readonly number[]) => ids.map((m) => `#${m}`).join(', ');

/** The logical request each request message belongs to. */
function requestByMessage(requests: readonly LogicalRequest[]): Map<number, LogicalRequest> {
  const out = new Map<number, LogicalRequest>();
  for (const r of requests) for (const a of r.attempts) if (a.msgId !== undefined) out.set(a.msgId, r);
  return out;
}

/** What became of every message in a run: copies delivered, drops, and the replies to each request. */
function fates(trace: Trace) {
  const delivered = new Map<number, number>(); // message id -> copies delivered on time
  const late = new Set<number>();
  const dropped = new Set<number>();
  const replies = new Map<number, number[]>(); // request id -> reply ids
  for (const e of trace.events) {
    if (e.type === 'deliver') {
      if (e.late) late.add(e.id);
      else delivered.set(e.id, (delivered.get(e.id) ?? 0) + 1);
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
    const head = `#${m} at ${a.t.toFixed(1)} ms (id ${idOf(a.request)})`;
    if (m === undefined) return head;
    const copies = f.delivered.get(m) ?? 0;
    if (copies === 0) return `${head} was lost on the way`;
    const reached = copies > 1 ? `reached ${SERVER} ${copies} times (the network copied it)` : `reached ${SERVER}`;
    const answers = (f.replies.get(m) ?? []).map((id) => {
      if (f.delivered.has(id)) return `reply #${id} got back in time`;
      if (f.late.has(id)) return `reply #${id} came after ${r.client} had given up`;
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

const uniq = <T,>(xs: readonly T[]): T[] => [...new Set(xs)];

// ---------------------------------------------------------------------------------------

describe('the client, rule by rule', () => {
  test('a retry carries the same request id as the first attempt', async () => {
    const net = fakeServer(2);
    const client = new RetryingClient('c1', net.send);
    await client.add(5);
    expect(net.sent.length, 'attempts sent (the first two get no reply)').toBe(3);
    const ids = net.sent.map(idOf);
    expect(ids, `the three attempts of one request carried the ids ${ids.join(', ')}: a retry must reuse the id, or the server cannot recognise it`).toEqual([ids[0], ids[0], ids[0]]);
  });

  test('every new request gets a new request id, with the client\'s own name in it', async () => {
    const net = fakeServer(0);
    const client = new RetryingClient('c7', net.send);
    for (let i = 1; i <= 4; i++) await client.add(i);
    const ids = net.sent.map(idOf);
    for (const r of net.sent) expect(r.client, `request ${idOf(r)} names its client`).toBe('c7');
    expect(new Set(ids).size, `four different requests were sent with the ids ${ids.join(', ')}: each needs its own`).toBe(4);
  });

  test('add() keeps trying until it gets a reply, and returns the balance from it', async () => {
    const net = fakeServer(3);
    const client = new RetryingClient('c1', net.send);
    const got = await client.add(42);
    expect(net.sent.length, 'attempts sent (the first three get no reply)').toBe(4);
    expect(got, 'add(42) on an empty account').toBe(42);
  });
});

describe('the server, rule by rule', () => {
  test('a new request is applied once and answered with the balance after it', () => {
    const account = new CountingAccount();
    const server = new AccountServer(account);
    const reply = server.handle(req('c1', 1, 5));
    expect(account.adds, 'account.add() calls for one request').toBe(1);
    expect(reply?.balance, `handle(c1/1 add 5) on an empty account returned ${showReply(reply)}`).toBe(5);
  });

  test('a repeat of a request is not applied again, and gets the same reply as the first time', () => {
    const account = new CountingAccount();
    const server = new AccountServer(account);
    const first = server.handle(req('c1', 1, 5));
    const again = server.handle(req('c1', 1, 5));
    expect(account.adds, 'c1/1 arrived twice: account.add() calls').toBe(1);
    expect(again, `the repeat of c1/1 got ${showReply(again)}; the client may have lost the first reply, so it needs it again`).toEqual(first);
  });

  test('two clients\' requests with the same sequence number are different requests', () => {
    const account = new CountingAccount();
    const server = new AccountServer(account);
    server.handle(req('c1', 1, 5));
    const r2 = server.handle(req('c2', 1, 7));
    expect(account.adds, 'c1/1 and then c2/1 arrived: account.add() calls').toBe(2);
    expect(r2?.balance, `c2/1 (add 7) after c1/1 (add 5) got ${showReply(r2)}`).toBe(12);
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
});

describe('three clients and a server over a network that loses, duplicates and delays messages', () => {
  seededTest('every request takes effect exactly once, however many copies arrive', SEEDS, async (seed) => {
    const { sim, requests } = await clusterFor(seed);
    const trace = sim.trace;
    const effects = effectsByRequest(trace, requests);
    for (const r of requests) {
      const applied = effects.get(r) ?? [];
      if (applied.length > 1) {
        const how = applied.map((a) => `at ${a.t.toFixed(1)} ms from message #${a.msgId} (id ${idOf(a)}), balance ${a.balance}`).join('; ');
        throw new LabFailure(
          `${name(r)} was applied ${applied.length} times by ${SERVER}: ${how}.\n` +
            `Its attempts: ${attemptStory(trace, r)}.\n` +
            `Every copy that reaches the server after the first, a retry or a duplicate made by the network, must be recognised and not executed again.`,
          { nodes: [r.client, SERVER], messages: uniq(applied.map((a) => a.msgId)) },
        );
      }
      if (applied.length === 0 && r.answer !== undefined) {
        throw new LabFailure(
          `${name(r)} was never applied, yet ${r.client} got an answer (balance ${r.answer}) at ${r.answeredAt!.toFixed(1)} ms.\n` +
            `Its attempts: ${attemptStory(trace, r)}.\n` +
            `${SERVER} must have taken it for a request it had already executed.`,
          { nodes: [r.client, SERVER], messages: msgIds(r).slice(0, 6) },
        );
      }
    }
  });

  seededTest('every client gets an answer to every request, and it is the balance right after its own addition', SEEDS, async (seed) => {
    const { sim, requests } = await clusterFor(seed);
    const trace = sim.trace;
    const effects = effectsByRequest(trace, requests);
    for (const c of CLIENTS) {
      const mine = requests.filter((r) => r.client === c);
      const stuck = mine.find((r) => r.answer === undefined);
      if (stuck) {
        const first = effects.get(stuck)?.[0];
        throw new LabFailure(
          `${name(stuck)} never got an answer: add() had not returned when the run ended at ${sim.now} ms, ` +
            `${stuck.attempts.length} attempts later, so ${c} never made its other ${REQUESTS_PER_CLIENT - stuck.k} requests.\n` +
            (first ? `${SERVER} applied it at ${first.t.toFixed(1)} ms (message #${first.msgId}). ` : `${SERVER} never applied it. `) +
            `Its attempts: ${attemptStory(trace, stuck)}.`,
          { nodes: [c, SERVER], messages: msgIds(stuck).slice(0, 6) },
        );
      }
      if (mine.length < REQUESTS_PER_CLIENT) {
        throw new LabFailure(`${c} made only ${mine.length} of its ${REQUESTS_PER_CLIENT} requests before the run ended at ${sim.now} ms.`, { nodes: [c] });
      }
      for (const r of mine) {
        const applied = effects.get(r) ?? [];
        // Applied twice or never: the test above explains that.
        if (applied.length !== 1 || applied[0]!.balance === r.answer) continue;
        const a = applied[0]!;
        const accepted = acceptedReplies(trace, r);
        throw new LabFailure(
          `${name(r)} took effect once, at ${a.t.toFixed(1)} ms (message #${a.msgId}), leaving the balance at ${a.balance}, ` +
            `but ${c} got the answer ${r.answer} (reply ${listMsgs(accepted)} at ${r.answeredAt!.toFixed(1)} ms).\n` +
            `Its attempts: ${attemptStory(trace, r)}.\n` +
            `A repeated request must get the reply remembered from its first execution, not one made up later.`,
          { nodes: [c, SERVER], messages: [a.msgId, ...accepted] },
        );
      }
    }
  });

  seededTest('every retry of a request carries the same request id, and no two requests share one', SEEDS, async (seed) => {
    const { requests } = await clusterFor(seed);
    const owner = new Map<string, LogicalRequest>();
    for (const r of requests) {
      const ids = uniq(r.attempts.map((a) => idOf(a.request)));
      if (ids.length > 1) {
        throw new LabFailure(
          `${name(r)} was sent ${r.attempts.length} times with ${ids.length} different request ids: ` +
            `${r.attempts.slice(0, 6).map((a) => `#${a.msgId} with ${idOf(a.request)}`).join(', ')}. To the server each looks like a new request.`,
          { nodes: [r.client, SERVER], messages: msgIds(r).slice(0, 6) },
        );
      }
      const id = ids[0];
      if (id === undefined) continue;
      const other = owner.get(id);
      if (other && other !== r) {
        throw new LabFailure(
          `${name(other)} (message #${msgIds(other)[0]}) and ${name(r)} (message #${msgIds(r)[0]}) were both sent with the request id ${id}: ` +
            `the server cannot tell them apart, so it will take the second for a retry of the first.`,
          { nodes: uniq([other.client, r.client, SERVER]), messages: [msgIds(other)[0]!, msgIds(r)[0]!] },
        );
      }
      owner.set(id, r);
    }
  });
});
