import { describe, expect, test } from 'vitest';
import { LabFailure, recordRun, seededTest, seedRange, seeds } from 'faultlines/testing';
import { buildCluster, loggedEvents, type LoggedEvent } from '../cluster.ts';
import { compareEvents, LamportClock, type StampedEvent } from '../lamport.ts';

const SEEDS = seeds(seedRange(3));
/** Cluster sizes, odd and even; the 10-node cluster has ids that sort as strings (n10 before n2). */
const SIZES = [3, 4, 5, 7, 10];
const RUN_MS = 600;

/** Runs an `n`-node cluster for one seed and returns every stamped event, in real order. */
function runCluster(seed: number, n: number): LoggedEvent[] {
  const sim = buildCluster(seed, n);
  recordRun(sim);
  sim.runSync({ until: RUN_MS });
  return loggedEvents(sim.trace);
}

const show = (e: LoggedEvent) =>
  `${e.kind} on ${e.node} at ${e.t.toFixed(1)} ms${e.msgId !== undefined ? ` (message #${e.msgId})` : ''} got timestamp ${e.ts}`;
const sender = (e: LoggedEvent) => e.key!.split(':')[0]!;
const kindName = (e: LoggedEvent) => (e.kind === 'local' ? 'a local event' : `a ${e.kind}`);
const msgs = (...es: LoggedEvent[]) => es.map((e) => e.msgId).filter((m): m is number => m !== undefined);

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

/** The agreed order: by timestamp, then by node id compared as strings. */
const agreedOrder = (a: StampedEvent, b: StampedEvent): number =>
  a.ts !== b.ts ? Math.sign(a.ts - b.ts) : a.node < b.node ? -1 : a.node > b.node ? 1 : 0;

/** Why `a` comes before `b` in the agreed order. */
function whyFirst(a: StampedEvent, b: StampedEvent): string {
  if (a.ts !== b.ts) return `events are ordered by timestamp first, and ${a.ts} is smaller than ${b.ts}`;
  return `the timestamps are equal, so the node ids decide, compared as strings: "${a.node}" < "${b.node}"`;
}

const stamped = (e: StampedEvent) => `{ node: '${e.node}', ts: ${e.ts} }`;

type Step = ['tick'] | ['send'] | ['receive', number];

/**
 * Runs `steps` on `clock` and checks each return value against the three rules, counting
 * from `start` (a new clock starts at 0). Fails at the first wrong value, with what came before.
 */
function checkSteps(clock: LamportClock, steps: Step[], intro = 'A new clock (it starts at 0)', start = 0): void {
  let time = start;
  const done: string[] = [];
  for (const step of steps) {
    const [kind] = step;
    const call = kind === 'receive' ? `receive(${step[1]})` : `${kind}()`;
    const want = kind === 'receive' ? Math.max(time, step[1]) + 1 : time + 1;
    const rule = kind === 'receive' ? `max(${time}, ${step[1]}) + 1 = ${want}` : `${time} + 1 = ${want}`;
    const got = kind === 'receive' ? clock.receive(step[1]) : kind === 'tick' ? clock.tick() : clock.send();
    const before = done.length ? `, then ${done.join(', ')}` : '';
    expect(got, `${intro}${before}: ${call} returned ${got}, but it should return ${rule}`).toBe(want);
    done.push(`${call} returned ${got}`);
    time = want;
  }
}

describe('LamportClock, rule by rule', () => {
  const stoppedClock = () => 1_000; // a physical clock that does not move between events

  test('a new clock starts at 0, so its first event gets timestamp 1, whatever kind it is', () => {
    checkSteps(new LamportClock(stoppedClock), [['tick']]);
    checkSteps(new LamportClock(stoppedClock), [['send']]);
    checkSteps(new LamportClock(stoppedClock), [['receive', 1]]);
    checkSteps(new LamportClock(stoppedClock), [['receive', 6]]);
  });

  test('tick() and send() each add exactly one to the clock', () => {
    checkSteps(new LamportClock(stoppedClock), [['tick'], ['send'], ['tick'], ['send'], ['send'], ['tick'], ['tick']]);
  });

  test('receive() of a message from a node far ahead jumps to one past the message: max(clock, message) + 1', () => {
    checkSteps(new LamportClock(stoppedClock), [['tick'], ['receive', 5_000]]);
  });

  test('receive() of a message from a node behind adds one to the local clock', () => {
    checkSteps(new LamportClock(stoppedClock), [['tick'], ['tick'], ['tick'], ['tick'], ['tick'], ['receive', 1]]);
  });

  test('receive() of a message stamped with exactly the local clock, or one more, still goes past both', () => {
    checkSteps(new LamportClock(stoppedClock), [['tick'], ['send'], ['tick'], ['receive', 3]]);
    checkSteps(new LamportClock(stoppedClock), [['tick'], ['send'], ['tick'], ['receive', 4]]);
    checkSteps(new LamportClock(stoppedClock), [['tick'], ['send'], ['tick'], ['receive', 2]]);
  });

  test('a duplicate (the same message received twice) is two receive events, each with its own bigger timestamp', () => {
    checkSteps(new LamportClock(stoppedClock), [['tick'], ['receive', 7], ['receive', 7], ['tick']]);
    checkSteps(new LamportClock(stoppedClock), [['tick'], ['tick'], ['tick'], ['receive', 2], ['receive', 2]]);
  });

  test('a message that arrives late, after a newer one, still moves the clock forward by one', () => {
    checkSteps(new LamportClock(stoppedClock), [['receive', 10], ['receive', 4], ['send']]);
  });

  test("events after a receive count on from the receive's timestamp", () => {
    checkSteps(new LamportClock(stoppedClock), [['send'], ['receive', 20], ['tick'], ['send'], ['receive', 9], ['send']]);
  });

  test('the physical clock plays no part: a clock that jumps around gives the same timestamps', () => {
    const readings = [5_000, -300, 1e9, 0.5, 42, 7_777];
    let i = 0;
    const jumpy = () => readings[i++ % readings.length]!;
    checkSteps(new LamportClock(jumpy), [['tick'], ['send'], ['receive', 10], ['tick'], ['receive', 3], ['send']], 'A new clock whose physical clock jumps around');
  });

  test("two clocks do not share a counter: events on one node do not move another node's clock", () => {
    const a = new LamportClock(stoppedClock);
    const b = new LamportClock(stoppedClock);
    checkSteps(a, [['tick'], ['send'], ['tick']], 'A new clock a');
    checkSteps(b, [['tick']], 'A second new clock b, after three events on a');
    checkSteps(a, [['send']], 'Clock a, at 3 after its three events and one event on b', 3);
  });

  test("the worked example from the chapter gets exactly the timestamps in its table", () => {
    const clocks = { A: new LamportClock(stoppedClock), B: new LamportClock(stoppedClock), C: new LamportClock(stoppedClock) };
    const got: Record<string, number> = {};
    const table: [string, keyof typeof clocks, string, () => number, number][] = [
      ['b1', 'B', 'local event', () => clocks.B.tick(), 1],
      ['a1', 'A', 'local event', () => clocks.A.tick(), 1],
      ['a2', 'A', 'sends m1 to B', () => clocks.A.send(), 2],
      ['b2', 'B', 'receives m1', () => clocks.B.receive(got.a2!), 3],
      ['b3', 'B', 'sends m2 to C', () => clocks.B.send(), 4],
      ['c1', 'C', 'local event', () => clocks.C.tick(), 1],
      ['c2', 'C', 'receives m2', () => clocks.C.receive(got.b3!), 5],
      ['c3', 'C', 'sends m3 to A', () => clocks.C.send(), 6],
      ['a3', 'A', 'local event', () => clocks.A.tick(), 3],
      ['a4', 'A', 'receives m3', () => clocks.A.receive(got.c3!), 7],
    ];
    const done: string[] = [];
    for (const [name, node, what, run, want] of table) {
      got[name] = run();
      const before = done.length ? ` (so far: ${done.join(', ')})` : '';
      expect(got[name], `${name} on ${node} (${what}) got ${got[name]}, but the chapter's table gives it ${want}${before}`).toBe(want);
      done.push(`${name}=${want}`);
    }
  });
});

describe('compareEvents, rule by rule', () => {
  const expectOrder = (a: StampedEvent, b: StampedEvent) => {
    const want = agreedOrder(a, b);
    const got = compareEvents(a, b);
    const should =
      want === 0
        ? 'it should return 0: it is the same event'
        : `it should be ${want < 0 ? 'negative' : 'positive'}, because ${stamped(want < 0 ? a : b)} comes first: ${want < 0 ? whyFirst(a, b) : whyFirst(b, a)}`;
    expect(Math.sign(got), `compareEvents(${stamped(a)}, ${stamped(b)}) returned ${got}; ${should}`).toBe(want);
  };
  const bothWays = (a: StampedEvent, b: StampedEvent) => {
    expectOrder(a, b);
    expectOrder(b, a);
  };

  test('compareEvents puts the smaller timestamp first, whatever the node ids', () => {
    bothWays({ node: 'n3', ts: 2 }, { node: 'n1', ts: 9 });
    bothWays({ node: 'n1', ts: 2 }, { node: 'n3', ts: 9 });
    bothWays({ node: 'n2', ts: 5 }, { node: 'n2', ts: 6 });
    bothWays({ node: 'n2', ts: 9 }, { node: 'n1', ts: 10 });
    bothWays({ node: 'n1', ts: 99 }, { node: 'n2', ts: 100 });
    bothWays({ node: 'n12', ts: 5 }, { node: 'n1', ts: 6 });
  });

  test('compareEvents breaks a tie between two nodes by node id, the same way from both sides', () => {
    bothWays({ node: 'n1', ts: 7 }, { node: 'n2', ts: 7 });
    bothWays({ node: 'n3', ts: 1 }, { node: 'n4', ts: 1 });
    bothWays({ node: 'n2', ts: 40 }, { node: 'n7', ts: 40 });
  });

  test('compareEvents compares node ids as strings, with <: n10 comes before n9, and Zeta before alpha', () => {
    bothWays({ node: 'n10', ts: 5 }, { node: 'n9', ts: 5 });
    bothWays({ node: 'n1', ts: 5 }, { node: 'n10', ts: 5 });
    bothWays({ node: 'n10', ts: 3 }, { node: 'n2', ts: 3 });
    bothWays({ node: 'db-east', ts: 3 }, { node: 'db-west', ts: 3 });
    bothWays({ node: 'Zeta', ts: 8 }, { node: 'alpha', ts: 8 }); // < puts capitals first, whatever the locale
  });

  test('compareEvents returns 0 for an event compared with itself', () => {
    expectOrder({ node: 'n2', ts: 4 }, { node: 'n2', ts: 4 });
    expectOrder({ node: 'n10', ts: 1 }, { node: 'n10', ts: 1 });
  });

  test('compareEvents sorts a shuffled log into timestamp order, ties broken by node id', () => {
    const log: StampedEvent[] = [
      { node: 'n2', ts: 3 }, { node: 'n10', ts: 5 }, { node: 'n1', ts: 5 }, { node: 'n9', ts: 5 }, { node: 'n3', ts: 1 },
      { node: 'n1', ts: 12 }, { node: 'n2', ts: 10 }, { node: 'n11', ts: 9 }, { node: 'n1', ts: 2 }, { node: 'n2', ts: 9 },
    ];
    const line = (es: StampedEvent[]) => es.map((e) => `${e.node}@${e.ts}`).join(' ');
    const got = line([...log].sort(compareEvents));
    const want = line([...log].sort(agreedOrder));
    expect(got, `sorted with compareEvents: ${got}\n  but the agreed order is: ${want}`).toBe(want);
  });
});

for (const n of SIZES) {
  describe(`a ${n}-node cluster with skewed clocks and a lossy, reordering network`, () => {
    seededTest('each node stamps its own events with ever bigger timestamps', SEEDS, (seed) => {
      const events = runCluster(seed, n);
      const last = new Map<string, LoggedEvent>();
      for (const e of events) {
        const prev = last.get(e.node);
        if (prev && e.ts <= prev.ts) {
          throw new LabFailure(
            `On ${e.node}, ${kindName(prev).replace(/^an? /, 'the ')} at ${prev.t.toFixed(1)} ms got timestamp ${prev.ts}, and the next event, ` +
              `${kindName(e)} at ${e.t.toFixed(1)} ms, got ${e.ts}. Each event on a node must get a bigger timestamp than the one before it.`,
            { nodes: [e.node], messages: msgs(prev, e), at: [prev.t, e.t] },
          );
        }
        last.set(e.node, e);
      }
      expect(events.length, 'the cluster should have done some work').toBeGreaterThan(50 * n);
    });

    seededTest('a message is always received with a bigger timestamp than it was sent with', SEEDS, (seed) => {
      for (const e of runCluster(seed, n)) {
        if (e.kind === 'receive' && e.ts <= e.sentTs!) {
          const from = sender(e);
          throw new LabFailure(
            `${e.node} received message #${e.msgId} from ${from}, which was stamped ${e.sentTs}, and gave the receive ` +
              `timestamp ${e.ts}. The send happened before the receive, so the receive needs a bigger timestamp.`,
            { nodes: [from, e.node], messages: [e.msgId!], at: e.t },
          );
        }
      }
    });

    seededTest('every event gets exactly the timestamp the three rules give it', SEEDS, (seed) => {
      const events = runCluster(seed, n);
      const last = new Map<string, LoggedEvent>();
      const received = new Map<string, LoggedEvent>(); // node + message id -> first receive
      let duplicates = 0;
      let behind = 0;
      let ahead = 0;
      for (const e of events) {
        const prev = last.get(e.node);
        const clock = prev?.ts ?? 0;
        const before = prev
          ? `The event before it on ${e.node} (${kindName(prev)} at ${prev.t.toFixed(1)} ms) got ${clock}`
          : `It is ${e.node}'s first event, and a new clock starts at 0`;
        let want: number;
        let rule: string;
        let what: string;
        let dup = '';
        if (e.kind === 'receive') {
          const sentTs = e.sentTs!;
          want = Math.max(clock, sentTs) + 1;
          rule = `a receive takes the larger of the clock and the message's timestamp and adds one: max(${clock}, ${sentTs}) + 1 = ${want}`;
          what = `the receive of message #${e.msgId} (sent by ${sender(e)} with timestamp ${sentTs})`;
          const first = received.get(`${e.node}#${e.msgId}`);
          if (first) {
            duplicates++;
            dup = ` This was a duplicate: ${e.node} had already received this message at ${first.t.toFixed(1)} ms, and a duplicate is a receive event like any other.`;
          } else received.set(`${e.node}#${e.msgId}`, e);
          if (sentTs < clock) behind++;
          if (sentTs > clock) ahead++;
        } else {
          want = clock + 1;
          rule = `a ${e.kind === 'send' ? 'send' : 'local event'} adds one to the clock: ${clock} + 1 = ${want}`;
          what = e.kind === 'send' ? `the send of message ${e.key}` : 'a local event';
        }
        if (e.ts !== want) {
          throw new LabFailure(
            `On ${e.node}, ${what} at ${e.t.toFixed(1)} ms got timestamp ${e.ts}. ${before}; ${rule}.${dup}`,
            { nodes: e.kind === 'receive' ? [sender(e), e.node] : [e.node], messages: msgs(e), at: prev ? [prev.t, e.t] : e.t },
          );
        }
        last.set(e.node, e);
      }
      // The run must exercise the receive rule's cases; if not, this run tests too little.
      expect(duplicates, 'the network should have delivered some message twice in this run').toBeGreaterThan(0);
      expect(behind, 'some message should have arrived stamped lower than the receiver\'s clock').toBeGreaterThan(0);
      expect(ahead, 'some message should have arrived stamped higher than the receiver\'s clock').toBeGreaterThan(0);
    });

    seededTest('ordering all events with compareEvents never puts an event before one that happened before it', SEEDS, (seed) => {
      const events = runCluster(seed, n);
      for (const [a, b, why] of happenedBeforeEdges(events)) {
        if (compareEvents(a, b) >= 0) {
          throw new LabFailure(
            `This ${a.kind} happened before that ${b.kind} (${why}), but compareEvents does not order it first:\n` +
              `  ${show(a)}\n  ${show(b)}`,
            { nodes: [...new Set([a.node, b.node])], messages: msgs(a, b), at: [a.t, b.t] },
          );
        }
      }
    });

    seededTest('compareEvents orders every pair of events by timestamp, then by node id', SEEDS, (seed) => {
      const events = runCluster(seed, n);
      const wrong = misorderedPair(events);
      if (wrong) {
        const { x, y, got, first, second } = wrong;
        const says = got === 0 ? 'calls them equal' : `puts ${stamped(got < 0 ? x : y)} first`;
        throw new LabFailure(
          `compareEvents(${stamped(x)}, ${stamped(y)}) returned ${got}, so it ${says}. But ${stamped(first)} comes first: ` +
            `${whyFirst(first, second)}.\n  ${show(first)}\n  ${show(second)}`,
          { nodes: [...new Set([x.node, y.node])], messages: msgs(x, y), at: [Math.min(x.t, y.t), Math.max(x.t, y.t)] },
        );
      }
    });

    seededTest('compareEvents puts all the events of a run in one total order, with no ties', SEEDS, (seed) => {
      const events = runCluster(seed, n);
      const sorted = [...events].sort(compareEvents);
      for (let i = 1; i < sorted.length; i++) {
        const a = sorted[i - 1]!;
        const b = sorted[i]!;
        if (compareEvents(a, b) === 0) {
          throw new LabFailure(
            `Two different events compare as equal, so nodes could put them in different orders:\n  ${show(a)}\n  ${show(b)}`,
            { nodes: [...new Set([a.node, b.node])], messages: msgs(a, b), at: [Math.min(a.t, b.t), Math.max(a.t, b.t)] },
          );
        }
      }
    });
  });
}

interface Misordered {
  /** compareEvents(x, y) returned `got`, */
  x: LoggedEvent;
  y: LoggedEvent;
  got: number;
  /** but in the agreed order `first` comes before `second`. */
  first: LoggedEvent;
  second: LoggedEvent;
}

/**
 * A call of compareEvents on two events of the run that gets their order wrong, or
 * undefined if it gets every pair right (both ways round). Checks every pair whose
 * timestamps are at most one apart, then sorts with compareEvents; only if that sort
 * differs from the agreed order does it try every pair.
 */
function misorderedPair(events: LoggedEvent[]): Misordered | undefined {
  const ordered = [...events].sort(agreedOrder);
  const check = (first: LoggedEvent, second: LoggedEvent): Misordered | undefined => {
    if (agreedOrder(first, second) === 0) return undefined; // the same node and timestamp: a broken clock, reported elsewhere
    const ab = compareEvents(first, second);
    if (!(ab < 0)) return { x: first, y: second, got: ab, first, second };
    const ba = compareEvents(second, first);
    if (!(ba > 0)) return { x: second, y: first, got: ba, first, second };
    return undefined;
  };
  for (let i = 0; i < ordered.length; i++) {
    for (let j = i + 1; j < ordered.length && ordered[j]!.ts <= ordered[i]!.ts + 1; j++) {
      const w = check(ordered[i]!, ordered[j]!);
      if (w) return w;
    }
  }
  const sorted = [...events].sort(compareEvents);
  if (sorted.every((e, i) => agreedOrder(e, ordered[i]!) === 0)) return undefined;
  for (let i = 0; i < ordered.length; i++) {
    for (let j = i + 1; j < ordered.length; j++) {
      const w = check(ordered[i]!, ordered[j]!);
      if (w) return w;
    }
  }
  return undefined;
}
