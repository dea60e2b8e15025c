import { describe, expect, test } from 'vitest';
import { LabFailure, recordRun, seededTest, seedRange, seeds } from 'faultlines/testing';
import { buildCluster, loggedEvents, type LoggedEvent } from '../cluster.ts';
import { compareEvents, LamportClock } from '../lamport.ts';

const SEEDS = seeds(seedRange(8));
const RUN_MS = 600;

/** Runs the cluster for one seed and returns every stamped event, in real order. */
function runCluster(seed: number): LoggedEvent[] {
  const sim = buildCluster(seed);
  recordRun(sim);
  sim.runSync({ until: RUN_MS });
  return loggedEvents(sim.trace);
}

const show = (e: LoggedEvent) =>
  `${e.kind} on ${e.node} at ${e.t.toFixed(1)} ms${e.msgId !== undefined ? ` (message #${e.msgId})` : ''} got timestamp ${e.ts}`;

/** Every direct happened-before edge: consecutive events on one node, and send -> receive. */
function happenedBeforeEdges(events: LoggedEvent[]): [LoggedEvent, LoggedEvent, string][] {
  const edges: [LoggedEvent, LoggedEvent, string][] = [];
  const lastOn = new Map<string, LoggedEvent>();
  const sends = new Map<string, LoggedEvent>();
  for (const e of events) {
    const prev = lastOn.get(e.node);
    if (prev) edges.push([prev, e, `both on ${e.node}, one after the other`]);
    lastOn.set(e.node, e);
    if (e.kind === 'send') sends.set(e.key!, e);
    if (e.kind === 'receive') {
      const send = sends.get(e.key!);
      if (send) edges.push([send, e, `the message was sent by ${send.node} and received by ${e.node}`]);
    }
  }
  return edges;
}

describe('LamportClock, rule by rule', () => {
  const stoppedClock = () => 1_000; // a physical clock that does not move between events

  test('tick() and send() give each new event a bigger timestamp than the one before', () => {
    const clock = new LamportClock(stoppedClock);
    const stamps = [clock.tick(), clock.send(), clock.tick(), clock.send(), clock.send()];
    for (let i = 1; i < stamps.length; i++) {
      expect(stamps[i], `event ${i + 1} of 5 got ${stamps[i]} after ${stamps[i - 1]}`).toBeGreaterThan(stamps[i - 1]!);
    }
  });

  test('receive() stamps the receive later than the message, when the sender is far ahead', () => {
    const clock = new LamportClock(stoppedClock);
    clock.tick();
    const sentTs = 5_000;
    const got = clock.receive(sentTs);
    expect(got, `receive(${sentTs}) returned ${got}: the receive happened after the send`).toBeGreaterThan(sentTs);
  });

  test('receive() stamps the receive later than the node\'s own last event, when the sender is behind', () => {
    const clock = new LamportClock(stoppedClock);
    let last = 0;
    for (let i = 0; i < 5; i++) last = clock.tick();
    const got = clock.receive(1);
    expect(got, `receive(1) returned ${got}, but this node's last event had ${last}`).toBeGreaterThan(last);
  });

  test('compareEvents breaks a tie between two nodes by node id, the same way from both sides', () => {
    const a = { node: 'n1', ts: 7 };
    const b = { node: 'n2', ts: 7 };
    expect(Math.sign(compareEvents(a, b)), 'compareEvents(n1@7, n2@7)').toBe(-1);
    expect(Math.sign(compareEvents(b, a)), 'compareEvents(n2@7, n1@7)').toBe(1);
    expect(Math.sign(compareEvents({ node: 'n3', ts: 2 }, { node: 'n1', ts: 9 })), 'a smaller timestamp comes first').toBe(-1);
  });
});

describe('a cluster with skewed clocks and a lossy, reordering network', () => {
  seededTest('each node stamps its own events with ever bigger timestamps', SEEDS, (seed) => {
    const events = runCluster(seed);
    const last = new Map<string, LoggedEvent>();
    for (const e of events) {
      const prev = last.get(e.node);
      if (prev && e.ts <= prev.ts) {
        throw new LabFailure(
          `On ${e.node}, the ${prev.kind} at ${prev.t.toFixed(1)} ms got timestamp ${prev.ts}, and the next event, ` +
            `a ${e.kind} at ${e.t.toFixed(1)} ms, got ${e.ts}. Each event on a node must get a bigger timestamp than the one before it.`,
          { nodes: [e.node], messages: [prev.msgId, e.msgId].filter((m): m is number => m !== undefined) },
        );
      }
      last.set(e.node, e);
    }
    expect(events.length, 'the cluster should have done some work').toBeGreaterThan(50);
  });

  seededTest('a message is always received with a bigger timestamp than it was sent with', SEEDS, (seed) => {
    for (const e of runCluster(seed)) {
      if (e.kind === 'receive' && e.ts <= e.sentTs!) {
        const from = e.key!.split(':')[0]!;
        throw new LabFailure(
          `${e.node} received message #${e.msgId} from ${from}, which was stamped ${e.sentTs}, and gave the receive ` +
            `timestamp ${e.ts}. The send happened before the receive, so the receive needs a bigger timestamp.`,
          { nodes: [from, e.node], messages: [e.msgId!] },
        );
      }
    }
  });

  seededTest('ordering all events with compareEvents never puts an event before one that happened before it', SEEDS, (seed) => {
    const events = runCluster(seed);
    for (const [a, b, why] of happenedBeforeEdges(events)) {
      if (compareEvents(a, b) >= 0) {
        throw new LabFailure(
          `This ${a.kind} happened before that ${b.kind} (${why}), but compareEvents does not order it first:\n` +
            `  ${show(a)}\n  ${show(b)}`,
          { nodes: [...new Set([a.node, b.node])], messages: [a.msgId, b.msgId].filter((m): m is number => m !== undefined) },
        );
      }
    }
  });

  seededTest('compareEvents puts all the events of a run in one total order, with no ties', SEEDS, (seed) => {
    const events = runCluster(seed);
    const sorted = [...events].sort(compareEvents);
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1]!;
      const b = sorted[i]!;
      if (compareEvents(a, b) === 0) {
        throw new LabFailure(
          `Two different events compare as equal, so nodes could put them in different orders:\n  ${show(a)}\n  ${show(b)}`,
          { nodes: [...new Set([a.node, b.node])] },
        );
      }
    }
  });
});
