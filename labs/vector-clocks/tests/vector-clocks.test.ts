import { describe, expect, test } from 'vitest';
import { LabFailure, recordRun, seededTest, seedRange, seeds } from 'faultlines/testing';
import type { Trace } from 'faultlines';
import { appEvents, buildCluster, RUN_MS, type AppEvent } from '../cluster.ts';
import { CausalBuffer, type CausalMessage } from '../causal-buffer.ts';
import { compare, VectorClock, type Vector } from '../vector-clock.ts';

const SEEDS = seeds(seedRange(8));
const NODES = ['n1', 'n2', 'n3'];

/** `{n1:2, n2:0, n3:1}`, with missing entries shown as 0. */
function fmt(v: Vector | undefined): string {
  if (!v || typeof v !== 'object') return String(v);
  const keys = [...new Set([...NODES, ...Object.keys(v)])].sort();
  return `{${keys.map((k) => `${k}:${v[k] ?? 0}`).join(', ')}}`;
}

const ms = (t: number) => `${t.toFixed(1)} ms`;

/** "n2's send of n2:4 at 31.0 ms, stamped {...}" */
function show(e: AppEvent): string {
  const what = e.kind === 'local' ? 'local step' : e.kind === 'send' ? `send of ${e.id}` : `delivery of ${e.id}`;
  return `${e.node}'s ${what} at ${ms(e.t)}, stamped ${fmt(e.vc)}`;
}

// ------------------------------------------------------------------ the vector clock

describe('VectorClock and compare, rule by rule', () => {
  test('tick() adds one to this node\'s own entry and leaves the other entries alone', () => {
    const clock = new VectorClock('n2', NODES);
    const first = clock.tick();
    expect(fmt(first), 'n2\'s first event').toBe('{n1:0, n2:1, n3:0}');
    clock.tick();
    expect(fmt(clock.tick()), 'n2\'s third event').toBe('{n1:0, n2:3, n3:0}');
  });

  test('receive() takes the larger of each pair of entries, then counts the receive itself', () => {
    const clock = new VectorClock('n2', NODES);
    clock.tick();
    clock.tick(); // n2 is at {n1:0, n2:2, n3:0}
    const got = clock.receive({ n1: 3, n2: 1, n3: 0 });
    expect(fmt(got), 'n2 at {n1:0, n2:2, n3:0} receives a message stamped {n1:3, n2:1, n3:0}').toBe('{n1:3, n2:3, n3:0}');
    const again = clock.receive({ n1: 1, n2: 0, n3: 4 });
    expect(fmt(again), 'then n2 receives a message stamped {n1:1, n2:0, n3:4}').toBe('{n1:3, n2:4, n3:4}');
  });

  test('the vectors a clock hands out are copies: they do not change when the clock moves on', () => {
    const clock = new VectorClock('n1', NODES);
    const first = clock.tick();
    const before = fmt(first);
    clock.tick();
    clock.receive({ n1: 0, n2: 5, n3: 0 });
    expect(fmt(first), 'the vector tick() returned for n1\'s first event, read again after two more events').toBe(before);
  });

  test('compare() says "before" when every entry is smaller or equal and at least one is smaller', () => {
    const a = { n1: 2, n2: 0, n3: 1 };
    const b = { n1: 2, n2: 1, n3: 1 };
    expect(compare(a, b), `compare(${fmt(a)}, ${fmt(b)}): only n2's entry differs`).toBe('before');
    expect(compare(b, a), `compare(${fmt(b)}, ${fmt(a)})`).toBe('after');
    const c = { n1: 1, n2: 0, n3: 0 };
    const d = { n1: 4, n2: 2, n3: 3 };
    expect(compare(c, d), `compare(${fmt(c)}, ${fmt(d)}): every entry is smaller`).toBe('before');
  });

  test('compare() says "concurrent" when each vector is ahead in some entry', () => {
    const x = { n1: 2, n2: 1, n3: 0 };
    const y = { n1: 1, n2: 2, n3: 0 };
    expect(compare(x, y), `compare(${fmt(x)}, ${fmt(y)})`).toBe('concurrent');
    expect(compare(y, x), `compare(${fmt(y)}, ${fmt(x)})`).toBe('concurrent');
  });

  test('compare() says "equal" for equal vectors, and counts a missing entry as 0', () => {
    expect(compare({ n1: 1, n2: 2, n3: 0 }, { n1: 1, n2: 2, n3: 0 }), 'compare({n1:1, n2:2, n3:0}, the same)').toBe('equal');
    expect(compare({ n1: 1 }, { n1: 1, n2: 0 }), 'compare({n1:1}, {n1:1, n2:0})').toBe('equal');
    expect(compare({ n1: 1 }, { n1: 1, n2: 1 }), 'compare({n1:1}, {n1:1, n2:1})').toBe('before');
  });
});

// ------------------------------------------------------------------ the causal buffer

const msg = (from: string, deps: Vector, id: string): CausalMessage<string> => ({ from, deps, payload: id });
const ids = (ms: CausalMessage<string>[] | undefined) => `[${(ms ?? []).map((m) => m.payload).join(', ')}]`;

describe('CausalBuffer, rule by rule (messages are named like n2:1, n2\'s first message)', () => {
  test('a message whose dependencies have all been delivered is delivered at once', () => {
    const b = new CausalBuffer<string>('n3', NODES);
    expect(ids(b.receive(msg('n1', { n1: 0, n2: 0, n3: 0 }, 'n1:1'))), 'n3 receives n1:1, which depends on nothing').toBe('[n1:1]');
    expect(ids(b.receive(msg('n2', { n1: 0, n2: 0, n3: 0 }, 'n2:1'))), 'then n2:1, concurrent with n1:1').toBe('[n2:1]');
  });

  test('messages from one sender are delivered in the order they were sent, even when they arrive in reverse', () => {
    const b = new CausalBuffer<string>('n3', NODES);
    expect(ids(b.receive(msg('n1', { n1: 1, n2: 0, n3: 0 }, 'n1:2'))), 'n3 receives n1:2 before n1:1: it must wait').toBe('[]');
    expect(ids(b.receive(msg('n1', { n1: 0, n2: 0, n3: 0 }, 'n1:1'))), 'then n1:1 arrives').toBe('[n1:1, n1:2]');
  });

  test('a message waits for a message from another node that its sender had already delivered', () => {
    const b = new CausalBuffer<string>('n3', NODES);
    // n2 delivered n1:1, then sent n2:1; n3 receives n2:1 first.
    expect(ids(b.receive(msg('n2', { n1: 1, n2: 0, n3: 0 }, 'n2:1'))), 'n3 receives n2:1 (deps {n1:1, n2:0, n3:0}) before n1:1').toBe('[]');
    expect(ids(b.receive(msg('n1', { n1: 0, n2: 0, n3: 0 }, 'n1:1'))), 'then n1:1 arrives').toBe('[n1:1, n2:1]');
  });

  test('one delivery can release a whole chain of held messages, in causal order', () => {
    const b = new CausalBuffer<string>('n3', NODES);
    expect(ids(b.receive(msg('n2', { n1: 1, n2: 1, n3: 0 }, 'n2:2'))), 'n3 receives n2:2 first').toBe('[]');
    expect(ids(b.receive(msg('n2', { n1: 1, n2: 0, n3: 0 }, 'n2:1'))), 'then n2:1').toBe('[]');
    expect(ids(b.receive(msg('n1', { n1: 0, n2: 0, n3: 0 }, 'n1:1'))), 'then n1:1, which both were waiting for').toBe('[n1:1, n2:1, n2:2]');
    expect(b.held().length, 'messages still held after all three were delivered').toBe(0);
  });

  test('stamp() gives each of this node\'s messages the counts of what it has delivered and sent so far', () => {
    const b = new CausalBuffer<string>('n1', NODES);
    b.receive(msg('n2', { n1: 0, n2: 0, n3: 0 }, 'n2:1'));
    expect(fmt(b.stamp()), 'n1\'s first message, after delivering n2:1').toBe('{n1:0, n2:1, n3:0}');
    expect(fmt(b.stamp()), 'n1\'s second message').toBe('{n1:1, n2:1, n3:0}');
  });
});

// ------------------------------------------------------------------ the cluster

interface Run {
  trace: Trace;
  events: AppEvent[];
  /** past[j] has bit i set when event i happened before event j. */
  past: Uint32Array[];
  sendIndex: Map<string, number>;
  /** Trace message id of the copy of broadcast `id` sent to `to`: key `${id}>${to}`. */
  wire: Map<string, { msgId: number; arrived?: number }>;
}

const runs = new Map<number, Run>();

/** Runs the cluster for one seed (once per seed) and works out what happened before what. */
function runCluster(seed: number): Run {
  let run = runs.get(seed);
  if (!run) {
    const sim = buildCluster(seed);
    sim.runSync({ until: RUN_MS });
    const trace = sim.trace;
    const events = appEvents(trace);
    const words = Math.ceil(events.length / 32);
    const past: Uint32Array[] = [];
    const lastOn = new Map<string, number>();
    const sendIndex = new Map<string, number>();
    events.forEach((e, i) => {
      const p = new Uint32Array(words);
      const add = (j: number) => {
        const q = past[j]!;
        for (let w = 0; w < words; w++) p[w]! |= q[w]!;
        p[j >> 5]! |= 1 << (j & 31);
      };
      const prev = lastOn.get(e.node);
      if (prev !== undefined) add(prev);
      if (e.kind === 'deliver' && e.id !== undefined) {
        const s = sendIndex.get(e.id);
        if (s !== undefined) add(s);
      }
      if (e.kind === 'send' && e.id !== undefined) sendIndex.set(e.id, i);
      lastOn.set(e.node, i);
      past.push(p);
    });
    const wire = new Map<string, { msgId: number; arrived?: number }>();
    for (const e of trace.events) {
      if (e.type === 'send') wire.set(`${(e.msg as { id: string }).id}>${e.to}`, { msgId: e.id });
      if (e.type === 'deliver') {
        const w = wire.get(`${(e.msg as { id: string }).id}>${e.to}`);
        if (w && w.arrived === undefined) w.arrived = e.t;
      }
    }
    run = { trace, events, past, sendIndex, wire };
    runs.set(seed, run);
  }
  recordRun(run.trace);
  return run;
}

const before = (run: Run, a: number, b: number) => ((run.past[b]![a >> 5]! >>> (a & 31)) & 1) === 1;
const wireId = (run: Run, id: string, to: string) => run.wire.get(`${id}>${to}`)?.msgId;
const defined = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined);

describe('a three-node chat on a network that delays and reorders messages', () => {
  seededTest('each entry of an event\'s vector counts the events on that node that happened before it (or are it)', SEEDS, (seed) => {
    const run = runCluster(seed);
    const { events } = run;
    expect(events.filter((e) => e.kind === 'send').length, 'messages the nodes broadcast').toBeGreaterThan(20);
    for (let j = 0; j < events.length; j++) {
      const e = events[j]!;
      const count: Record<string, number> = { n1: 0, n2: 0, n3: 0 };
      const lastOn: Record<string, AppEvent | undefined> = {};
      for (let i = 0; i <= j; i++) {
        if (i === j || before(run, i, j)) {
          const x = events[i]!;
          count[x.node] = (count[x.node] ?? 0) + 1;
          lastOn[x.node] = x;
        }
      }
      for (const k of NODES) {
        const got = e.vc?.[k] ?? 0;
        if (got !== count[k]) {
          const last = lastOn[k];
          throw new LabFailure(
            `${show(e)}.\nIts entry ${k} is ${got}, but this event knows of exactly ${count[k]} event${count[k] === 1 ? '' : 's'} on ${k}` +
              ` (events on ${k} that happened before it${k === e.node ? ', and itself' : ''}` +
              (last && last !== e ? `; the latest: ${show(last)}).` : ').') +
              ` Entry ${k} of a vector clock counts the events on ${k} that the event knows about.`,
            { nodes: [...new Set([e.node, k])], messages: defined([e.id && e.kind === 'deliver' ? wireId(run, e.id, e.node) : undefined]) },
          );
        }
      }
    }
  });

  seededTest('when one event happened before another, compare() says "before" (and "after" the other way round)', SEEDS, (seed) => {
    const run = runCluster(seed);
    const { events } = run;
    for (let j = 0; j < events.length; j++) {
      for (let i = 0; i < j; i++) {
        if (!before(run, i, j)) continue;
        const a = events[i]!;
        const b = events[j]!;
        const ab = compare(a.vc, b.vc);
        const ba = compare(b.vc, a.vc);
        if (ab !== 'before' || ba !== 'after') {
          const why =
            a.node === b.node
              ? `both on ${a.node}, in this order`
              : a.kind === 'send' && b.kind === 'deliver' && a.id === b.id
                ? `the send and the delivery of the same message`
                : `through a chain of messages`;
          throw new LabFailure(
            `The first of these events happened before the second (${why}):\n  ${show(a)}\n  ${show(b)}\n` +
              `compare(first, second) returned '${ab}' (expected 'before') and compare(second, first) returned '${ba}' (expected 'after').`,
            { nodes: [...new Set([a.node, b.node])], messages: defined([b.kind === 'deliver' && b.id ? wireId(run, b.id, b.node) : undefined]) },
          );
        }
      }
    }
  });

  seededTest('events that no chain of messages connects compare as "concurrent"', SEEDS, (seed) => {
    const run = runCluster(seed);
    const { events } = run;
    let concurrentPairs = 0;
    for (let j = 0; j < events.length; j++) {
      for (let i = 0; i < j; i++) {
        if (before(run, i, j)) continue;
        concurrentPairs++;
        const a = events[i]!;
        const b = events[j]!;
        const ab = compare(a.vc, b.vc);
        const ba = compare(b.vc, a.vc);
        if (ab !== 'concurrent' || ba !== 'concurrent') {
          throw new LabFailure(
            `These two events are concurrent: no chain of messages leads from one to the other.\n  ${show(a)}\n  ${show(b)}\n` +
              `But compare(first, second) returned '${ab}' and compare(second, first) returned '${ba}'. Both should be 'concurrent'.`,
            { nodes: [...new Set([a.node, b.node])] },
          );
        }
      }
    }
    expect(concurrentPairs, 'pairs of concurrent events in the run').toBeGreaterThan(0);
  });

  seededTest('every node delivers a message only after everything that happened before it', SEEDS, (seed) => {
    const run = runCluster(seed);
    const { events } = run;
    const sends = events.map((e, i) => [e, i] as const).filter(([e]) => e.kind === 'send');
    const deliveredAt = new Map<string, Map<string, number>>(NODES.map((n) => [n, new Map()]));
    const counts = new Map<string, Record<string, number>>(NODES.map((n) => [n, { n1: 0, n2: 0, n3: 0 }]));
    for (const e of events) {
      const mine = deliveredAt.get(e.node)!;
      const count = counts.get(e.node)!;
      if (e.kind === 'send') {
        mine.set(e.id!, e.t);
        count[e.node]! += 1;
        continue;
      }
      if (e.kind !== 'deliver') continue;
      const s = run.sendIndex.get(e.id!);
      if (s === undefined) continue;
      const send = events[s]!;
      for (const [p, pi] of sends) {
        if (!before(run, pi, s) || p.node === e.node || mine.has(p.id!)) continue;
        const senderSaw = events.findIndex((x, xi) => xi < s && x.node === send.node && x.kind === 'deliver' && x.id === p.id);
        const why =
          p.node === send.node
            ? `${send.node} sent ${p.id} before ${send.id}`
            : senderSaw >= 0
              ? `${send.node} had delivered ${p.id} (at ${ms(events[senderSaw]!.t)}) before it sent ${send.id} (at ${ms(send.t)})`
              : `${p.id} happened before ${send.id} through a chain of messages`;
        throw new LabFailure(
          `${e.node} delivered ${send.id} at ${ms(e.t)} before ${p.id}, but ${p.id} happened before ${send.id}: ${why}.\n` +
            `${send.id} carried deps ${fmt(send.deps)}. When ${e.node} delivered it, ${e.node} had delivered ${fmt(count)} messages ` +
            `(its own included), so it was still missing something ${send.id} depends on: it should have held ${send.id} back.`,
          { nodes: [...new Set([e.node, send.node, p.node])], messages: defined([wireId(run, p.id!, e.node), wireId(run, send.id!, e.node)]) },
        );
      }
      mine.set(e.id!, e.t);
      count[send.node]! += 1;
    }
  });

  seededTest('every message is delivered exactly once at every other node, once the network is quiet', SEEDS, (seed) => {
    const run = runCluster(seed);
    const { events } = run;
    const sends = events.filter((e) => e.kind === 'send');
    expect(sends.length, 'messages the nodes broadcast').toBeGreaterThan(20);
    for (const node of NODES) {
      const got = new Map<string, AppEvent[]>();
      const count: Record<string, number> = { n1: 0, n2: 0, n3: 0 };
      for (const e of events) {
        if (e.node !== node) continue;
        if (e.kind === 'send') count[node]! += 1;
        if (e.kind !== 'deliver') continue;
        const list = got.get(e.id!) ?? [];
        list.push(e);
        got.set(e.id!, list);
        const from = e.id!.split(':')[0]!;
        count[from] = (count[from] ?? 0) + 1;
      }
      for (const [id, list] of got) {
        if (list.length > 1) {
          throw new LabFailure(
            `${node} delivered ${id} ${list.length} times (at ${list.map((e) => ms(e.t)).join(', ')}). Each message must reach the chat exactly once.`,
            { nodes: [node], messages: defined([wireId(run, id, node)]) },
          );
        }
        if (!run.sendIndex.has(id)) {
          throw new LabFailure(`${node} delivered ${id}, but no node ever sent a message with that id.`, { nodes: [node] });
        }
      }
      const missing = sends.filter((s) => s.node !== node && !got.has(s.id!));
      if (missing.length === 0) continue;
      const unmet = (s: AppEvent) =>
        NODES.filter((k) => (k === s.node ? (s.deps?.[k] ?? 0) !== count[k] : (s.deps?.[k] ?? 0) > count[k]!));
      const stuck = missing.find((s) => unmet(s).length === 0) ?? missing[0]!;
      const arrived = run.wire.get(`${stuck.id}>${node}`)?.arrived;
      const where = arrived !== undefined ? `It reached ${node} at ${ms(arrived)}` : `It never reached ${node}`;
      const list = missing.map((s) => s.id).slice(0, 8).join(', ') + (missing.length > 8 ? ', ...' : '');
      const waits = unmet(stuck);
      throw new LabFailure(
        `At the end of the run (${RUN_MS} ms, long after the last message arrived), ${node} had never delivered ${missing.length} message${missing.length > 1 ? 's' : ''}: ${list}.\n` +
          `${where}; ${stuck.id} carries deps ${fmt(stuck.deps)}, and ${node} had delivered ${fmt(count)}.\n` +
          (waits.length === 0
            ? `So everything ${stuck.id} depends on was delivered, yet ${stuck.id} never was. After each delivery, look again at the held messages: one may now be deliverable.`
            : `${stuck.id} is still waiting on ${waits.join(' and ')}: check how the deps are compared with what has been delivered.`),
        { nodes: [node, stuck.node], messages: defined([wireId(run, stuck.id!, node)]) },
      );
    }
  });
});
