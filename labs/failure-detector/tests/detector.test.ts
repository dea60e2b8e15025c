import { describe, expect, test } from 'vitest';
import { LabFailure, recordRun, seededTest, seedRange, seeds } from 'faultlines/testing';
import type { Trace } from 'faultlines';
import { buildCluster, MONITOR, shapeFor, verdicts, type Role, type RunPlan, type Verdict, type WorkerPlan } from '../cluster.ts';
import { FailureDetector } from '../detector.ts';

/**
 * 24 seeds: every cluster layout (3, 4, 5 and 7 nodes) with every heartbeat interval
 * (50, 100 and 200 ms), twice.
 */
const SEEDS = seeds(seedRange(24));

/** Detection limits the tests hold you to, in heartbeat intervals. */
const STEADY_DETECT = 3;
const BUSY_DETECT = 10;
const TRUST_AGAIN = 3;
/** A peer that never sends a heartbeat must be suspected within this many intervals. */
const SILENT_DETECT = 5;
/** False suspicions allowed per live worker and run, after the warm-up. */
const FALSE_BUDGET = 1;

const ms = (t: number) => `${Math.round(t)} ms`;
/** A time as an argument in a message: suspects(1234.5). */
const arg = (t: number) => `${+t.toFixed(1)}`;
const iv = (t: number, interval: number) => `${(t / interval).toFixed(1)} intervals`;

// ---------------------------------------------------------------------------------------
// Rule by rule: a detector fed made-up heartbeat times, asked ten times per interval.
// ---------------------------------------------------------------------------------------

/** A small deterministic generator, so these tests need no simulator. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

type Change = { t: number; suspected: boolean };

/** Feeds `arrivals` to a fresh detector started at `start`, asks it every tenth of an interval until `until`. */
function drive(interval: number, start: number, arrivals: number[], until: number): Change[] {
  const d = new FailureDetector(interval, start);
  const changes: Change[] = [];
  let suspected = false;
  let i = 0;
  for (let k = 1; start + (k * interval) / 10 <= until; k++) {
    const t = start + (k * interval) / 10;
    while (i < arrivals.length && arrivals[i]! <= t) d.heartbeat(arrivals[i++]!);
    const s = d.suspects(t);
    if (s !== suspected) changes.push({ t, suspected: s });
    suspected = s;
  }
  return changes;
}

/** When the detector first suspected the peer at or after `t` (already suspected at `t` counts as `t`). */
function suspectedFrom(changes: Change[], t: number): number | undefined {
  const before = changes.filter((c) => c.t <= t).at(-1);
  if (before?.suspected) return t;
  return changes.find((c) => c.suspected && c.t > t)?.t;
}

/** Arrival times from a list of gaps, starting at `start`. */
function fromGaps(start: number, gaps: number[]): number[] {
  const out: number[] = [];
  let t = start;
  for (const g of gaps) out.push((t += g));
  return out;
}

/** Every interval, give or take 2%. */
const steadyGaps = (n: number, interval: number, rand: () => number) => Array.from({ length: n }, () => interval * (0.98 + rand() * 0.04));

/** Every interval, but one gap in five is a GC pause of 1.5 to 4.5 intervals. */
const pausyGaps = (n: number, interval: number, rand: () => number) =>
  Array.from({ length: n }, () => interval * (rand() < 0.2 ? 1.5 + rand() * 3 : 0.95 + rand() * 0.1));

function caughtWithin(changes: Change[], last: number, limit: number, interval: number, story: string): void {
  const caught = suspectedFrom(changes, last);
  const took = caught === undefined ? undefined : caught - last;
  expect(
    took ?? Infinity,
    `${story}; heartbeats stopped after ${ms(last)}, and the detector suspected the peer ` +
      `${took === undefined ? 'never' : `at ${ms(caught!)}, ${ms(took)} (${iv(took, interval)}) later`}. ` +
      `The limit is ${limit} intervals (${ms(limit * interval)})`,
  ).toBeLessThanOrEqual(limit * interval);
}

/** The intervals the unit tests promise: none of them is the cluster's. */
const UNIT_INTERVALS = [100, 40, 250];

describe.each(UNIT_INTERVALS)('FailureDetector, rule by rule (heartbeats promised every %i ms, fed by hand)', (I) => {
  test('a peer that has not had time to send its first heartbeat is not suspected', () => {
    // The monitor's clock can read anything, zero and below zero included.
    for (const start of [5_000, 0, -730]) {
      const d = new FailureDetector(I, start);
      for (const k of [0, 1, 5, 10, 15]) {
        const t = start + (k * I) / 10;
        expect(
          d.suspects(t),
          `suspects(${arg(t)}): monitoring started at ${start}, and a worker sends its first heartbeat up to one ` +
            `interval (${I} ms) later, plus network delay, so it is too early to suspect it`,
        ).toBe(false);
      }
    }
  });

  test(`a peer that never sends a heartbeat is suspected within ${SILENT_DETECT} intervals of monitoring starting, and stays suspected`, () => {
    for (const start of [5_000, 0, -730]) {
      const d = new FailureDetector(I, start);
      for (const k of [SILENT_DETECT, 2 * SILENT_DETECT, 100, 10_000]) {
        expect(
          d.suspects(start + k * I),
          `suspects(${arg(start + k * I)}): ${k} intervals (${ms(k * I)}) after monitoring started at ${start}, with no heartbeat at all`,
        ).toBe(true);
      }
    }
  });

  test('a peer that sends a heartbeat every interval, give or take 2%, is never suspected', () => {
    const arrivals = fromGaps(0, steadyGaps(300, I, prng(1)));
    const first = drive(I, 0, arrivals, arrivals.at(-1)!).find((c) => c.suspected);
    expect(first, first ? `the detector suspected a perfectly steady peer at ${ms(first.t)}` : '').toBeUndefined();
  });

  test(`a steady peer that stops is suspected within ${STEADY_DETECT} intervals of its last heartbeat`, () => {
    const arrivals = fromGaps(0, steadyGaps(200, I, prng(2)));
    const last = arrivals.at(-1)!;
    caughtWithin(drive(I, 0, arrivals, last + 20 * I), last, STEADY_DETECT, I, `a peer sent a heartbeat every ${I} ms, give or take 2%`);
  });

  test('a peer whose heartbeats have been exactly one interval apart is not suspected when one comes 3/4 of an interval late', () => {
    const gaps = Array.from({ length: 150 }, () => I);
    gaps.push(1.75 * I, ...Array.from({ length: 20 }, () => I));
    const arrivals = fromGaps(0, gaps);
    const first = drive(I, 0, arrivals, arrivals.at(-1)!).find((c) => c.suspected);
    expect(
      first,
      first
        ? `after 150 gaps of exactly ${ms(I)}, one heartbeat came ${ms(0.75 * I)} late (at ${ms(151.75 * I)}), and the ` +
            `detector suspected the peer at ${ms(first.t)}, ${ms(first.t - 150 * I)} after the heartbeat before. ` +
            'Gaps that never vary have a spread of zero: a floor under it keeps a steady peer from being suspected for one late heartbeat'
        : '',
    ).toBeUndefined();
  });

  test(`a perfectly regular peer that stops is suspected within ${STEADY_DETECT} intervals, even on a clock that has run for a year`, () => {
    // A monotonic clock a year after boot, in ms with a fraction; the peer's clock runs 0.3 ppm fast.
    const start = 31_536_000_000.5;
    for (let n = 105; n <= 300; n += 5) {
      const d = new FailureDetector(I, start);
      let last = start;
      for (let k = 1; k <= n; k++) d.heartbeat((last = start + k * I * (1 + 3e-7)));
      const t = last + STEADY_DETECT * I;
      if (!d.suspects(t)) {
        throw new Error(
          `Monitoring started at ${arg(start)} ms; the peer sent ${n} heartbeats exactly ${arg(I * (1 + 3e-7))} ms apart, the last at ` +
            `${arg(last)}, then stopped. ${STEADY_DETECT} intervals later, suspects(${arg(t)}) said false. (If the variance is ` +
            'the mean of the squares minus the square of the mean, readings this large can make it come out a hair below zero, ' +
            'and its square root is NaN.)',
        );
      }
    }
  });

  test('a peer that pauses now and then (gaps of 1 to 4.5 intervals) is not suspected during its pauses', () => {
    const arrivals = fromGaps(0, pausyGaps(300, I, prng(3)));
    // Allow the first 50 intervals for learning what this peer is like.
    const bad = drive(I, 0, arrivals, arrivals.at(-1)!).filter((c) => c.suspected && c.t > 50 * I);
    if (bad.length > 0) {
      const t = bad[0]!.t;
      const before = arrivals.filter((a) => a < t).at(-1)!;
      const after = arrivals.find((a) => a >= t);
      throw new Error(
        `The detector suspected the peer ${bad.length} time(s) after its first 50 intervals, first at ${ms(t)}: ` +
          `${ms(t - before)} after its last heartbeat, in a gap of ${after ? ms(after - before) : '?'}. ` +
          `This peer has had gaps like that all along (one gap in five is 1.5 to 4.5 intervals: ${ms(1.5 * I)} to ${ms(4.5 * I)}).`,
      );
    }
  });

  test('a peer that pauses now and then is still suspected within 12 intervals when it stops for good', () => {
    const arrivals = fromGaps(0, pausyGaps(200, I, prng(4)));
    const last = arrivals.at(-1)!;
    caughtWithin(drive(I, 0, arrivals, last + 30 * I), last, 12, I, 'a peer paused for 1.5 to 4.5 intervals in one gap out of five');
  });

  test(`after a peer's heartbeats speed up from every 5 intervals to every interval, and stay fast for 150 intervals, a stop is caught within ${STEADY_DETECT} intervals`, () => {
    const rand = prng(5);
    const slow = fromGaps(0, Array.from({ length: 100 }, () => I * (4.8 + rand() * 0.4)));
    const fast = fromGaps(slow.at(-1)!, steadyGaps(150, I, rand));
    const arrivals = [...slow, ...fast];
    const last = arrivals.at(-1)!;
    caughtWithin(
      drive(I, 0, arrivals, last + 30 * I),
      last,
      STEADY_DETECT,
      I,
      `the peer sent a heartbeat every ${ms(5 * I)} for 100 heartbeats, then every ${ms(I)} for 150. Judge a peer by its recent heartbeats`,
    );
  });

  test('after a peer\'s heartbeats slow down from every interval to every 3 intervals, it is no longer suspected once 20 slow gaps have been seen', () => {
    const rand = prng(6);
    const fast = fromGaps(0, steadyGaps(100, I, rand));
    const slowGaps = Array.from({ length: 60 }, () => I * (2.95 + rand() * 0.1));
    const arrivals = [...fast, ...fromGaps(fast.at(-1)!, slowGaps)];
    const learned = arrivals[100 + 20]!;
    const bad = drive(I, 0, arrivals, arrivals.at(-1)!).filter((c) => c.suspected && c.t > learned);
    expect(
      bad.map((c) => ms(c.t)),
      `the peer sent a heartbeat every ${ms(I)}, then from ${ms(fast.at(-1)!)} on every ${ms(3 * I)}, steadily. ` +
        `After 20 such gaps (at ${ms(learned)}) that is its rhythm, but the detector still suspected it at these times ` +
        `(a gap of 3 intervals is slow, not an outage: a detector that leaves such gaps out of its window never learns the new rhythm)`,
    ).toEqual([]);
  });

  test(`a crash soon after a long stall or a restart is caught within ${STEADY_DETECT} intervals, as fast as any other`, () => {
    for (const outage of [20, 35]) {
      const rand = prng(7 + outage);
      const before = fromGaps(0, steadyGaps(100, I, rand));
      const back = before.at(-1)! + outage * I;
      const after = fromGaps(back, steadyGaps(25, I, rand));
      const arrivals = [...before, back, ...after];
      const last = arrivals.at(-1)!;
      caughtWithin(
        drive(I, 0, arrivals, last + 30 * I),
        last,
        STEADY_DETECT,
        I,
        `a steady peer went silent for ${outage} intervals (${ms(before.at(-1)!)} to ${ms(back)}), then sent 26 steady heartbeats ` +
          `(an outage is not the peer's rhythm: if its gap stays in the window, the spread of the gaps stays huge for the next 100 heartbeats)`,
      );
    }
  });

  test('a suspected peer is trusted again as soon as a heartbeat arrives, and stays trusted while they keep coming', () => {
    const rand = prng(8);
    const before = fromGaps(0, steadyGaps(50, I, rand));
    const back = before.at(-1)! + 20 * I;
    const after = fromGaps(back, steadyGaps(20, I, rand));
    const d = new FailureDetector(I, 0);
    for (const a of before) d.heartbeat(a);
    expect(d.suspects(back - 1), `no heartbeat for 20 intervals (since ${ms(before.at(-1)!)}): suspects(${arg(back - 1)})`).toBe(true);
    d.heartbeat(back);
    expect(d.suspects(back), `a heartbeat arrived at ${ms(back)}: suspects(${arg(back)}) right after it`).toBe(false);
    for (const a of after) {
      expect(d.suspects(a - 1), `heartbeats arriving every interval again: suspects(${arg(a - 1)})`).toBe(false);
      d.heartbeat(a);
    }
  });

  test('once a silent peer is suspected, it stays suspected until a heartbeat arrives, however long the silence', () => {
    for (const [what, gaps] of [
      ['A steady peer', steadyGaps(150, I, prng(9))],
      ['A peer that pauses now and then', pausyGaps(150, I, prng(10))],
    ] as const) {
      const arrivals = fromGaps(0, gaps);
      const last = arrivals.at(-1)!;
      const d = new FailureDetector(I, 0);
      for (const a of arrivals) d.heartbeat(a);
      let since: number | undefined;
      const times = [...Array.from({ length: 2_000 }, (_, k) => last + (k * I) / 10), last + 1e4 * I, last + 1e6 * I, last + 1e9];
      for (const t of times) {
        const s = d.suspects(t);
        if (s && since === undefined) since = t;
        if (!s && since !== undefined) {
          throw new Error(
            `${what} sent its last heartbeat at ${ms(last)}. The detector suspected it from ${ms(since)}, ` +
              `but at ${ms(t)} (${iv(t - last, I)} of silence) suspects(${arg(t)}) said false again, with no heartbeat in between. ` +
              `A longer silence is never better news: the suspicion may only be taken back when a heartbeat arrives.`,
          );
        }
      }
      expect(since, `${what} went silent after ${ms(last)} and was never suspected`).toBeDefined();
    }
  });

  test('asking does not change the answer: a detector asked 10 times as often, or not at all for a while, says the same', () => {
    const rand = prng(11);
    const first = fromGaps(0, pausyGaps(120, I, rand));
    const back = first.at(-1)! + 25 * I;
    const arrivals = [...first, back, ...fromGaps(back, pausyGaps(60, I, rand))];
    const until = arrivals.at(-1)! + 30 * I;
    const often = new FailureDetector(I, 0);
    const normal = new FailureDetector(I, 0);
    const lazy = new FailureDetector(I, 0);
    let i = 0;
    for (let k = 1; (k * I) / 100 <= until; k++) {
      const t = (k * I) / 100;
      while (i < arrivals.length && arrivals[i]! <= t) {
        for (const d of [often, normal, lazy]) d.heartbeat(arrivals[i]!);
        i++;
      }
      const a = often.suspects(t);
      if (k % 10 !== 0) continue;
      const b = normal.suspects(t);
      // `lazy` is asked only every 5 intervals.
      const c = k % 500 === 0 ? lazy.suspects(t) : b;
      if (a !== b || b !== c) {
        throw new Error(
          `Three detectors were fed the same heartbeats; at ${ms(t)} the one asked every ${ms(I / 100)} said ${a}, the one asked ` +
            `every ${ms(I / 10)} said ${b}${k % 500 === 0 ? `, and the one asked every ${ms(5 * I)} said ${c}` : ''}. suspects(now) is a question: ` +
            'the answer may depend on now, the last heartbeat and the gaps before it, never on how often it was asked.',
        );
      }
    }
  });

  test('detectors of different peers do not share anything: heartbeats fed to one never change what another says', () => {
    const steady = fromGaps(0, steadyGaps(30, I, prng(12)));
    // The other peer is slow and irregular: a heartbeat every 2 to 5 intervals.
    const slow = fromGaps(0, Array.from({ length: 40 }, (_, j) => I * (2 + ((j * 7) % 4))));
    const times = Array.from({ length: 1_200 }, (_, k) => ((k + 1) * I) / 10);
    /** What a detector made at `made` and fed `feed` says at `times`, with `others` detectors fed `slow` alongside. */
    const answers = (made: number, feed: number[], others: number): boolean[] => {
      const d = new FailureDetector(I, made);
      const rest = Array.from({ length: others }, () => new FailureDetector(I, 0));
      const out: boolean[] = [];
      let i = 0;
      let j = 0;
      for (const t of times) {
        while (i < feed.length && feed[i]! <= t) d.heartbeat(feed[i++]!);
        while (j < slow.length && slow[j]! <= t) {
          for (const o of rest) o.heartbeat(slow[j]!);
          j++;
        }
        out.push(t >= made ? d.suspects(t) : false);
      }
      return out;
    };
    const compare = (what: string, alone: boolean[], together: boolean[]) => {
      const k = alone.findIndex((a, n) => a !== together[n]);
      if (k < 0) return;
      throw new Error(
        `${what}: at ${ms(times[k]!)} the one made alone said suspects = ${alone[k]}, and the one made next to a detector being fed ` +
          `a slow peer's heartbeats (every 2 to 5 intervals) said ${together[k]}. What one detector was fed reached the other; n1 keeps ` +
          'one detector per worker, and each must keep its own state (nothing at module level, no static fields).',
      );
    };
    compare('Two detectors made at 0 were never fed a heartbeat', answers(0, [], 0), answers(0, [], 1));
    compare(`Two detectors made at ${ms(40 * I)} (a worker that joins late) were never fed a heartbeat`, answers(40 * I, [], 0), answers(40 * I, [], 1));
    compare(`Two detectors were fed the same 30 heartbeats of a steady peer, one every ${ms(I)}, then nothing`, answers(0, steady, 0), answers(0, steady, 2));
  });

  test('a heartbeat at the very moment monitoring starts, or two at the same moment, does not break the detector', () => {
    const rand = prng(13);
    const gaps = [0, ...steadyGaps(60, I, rand), 0, ...steadyGaps(60, I, rand)];
    const arrivals = fromGaps(1_000, gaps);
    const last = arrivals.at(-1)!;
    const changes = drive(I, 1_000, arrivals, last + 20 * I);
    const early = changes.find((c) => c.suspected && c.t <= last);
    expect(early, early ? `a steady peer was suspected at ${ms(early.t)}, before it stopped` : '').toBeUndefined();
    caughtWithin(
      changes,
      last,
      STEADY_DETECT,
      I,
      `monitoring started at 1000 ms and the first heartbeat arrived at that same moment; heartbeats ${61} and ${62} arrived together`,
    );
  });
});

// ---------------------------------------------------------------------------------------
// The cluster: n1 monitors the workers (see cluster.ts for what happens to each).
// ---------------------------------------------------------------------------------------

interface Arrival {
  t: number;
  id: number;
}

interface Run {
  trace: Trace;
  plan: RunPlan;
  verdicts: Verdict[];
  /** Per worker: heartbeat arrivals at n1, with message ids. */
  arrivals: Map<string, Arrival[]>;
}

function simulate(seed: number): Run {
  const { sim, plan } = buildCluster(seed);
  sim.runSync({ until: plan.end });
  const trace = sim.trace;
  const arrivals = new Map<string, Arrival[]>(plan.plans.map((w) => [w.id, []]));
  for (const e of trace.events) {
    if (e.type === 'deliver' && e.to === MONITOR && !e.late) arrivals.get(e.from)?.push({ t: e.t, id: e.id });
  }
  return { trace, plan, verdicts: verdicts(trace), arrivals };
}

const runs = new Map<number, Run>();
const asked = new Set<string>();

/**
 * The run of one seed, shared by the tests. A test that asks twice for the same seed (the
 * harness runs the first seed twice to check that it replays) gets a fresh run.
 */
function clusterRun(seed: number, test: string): Run {
  const key = `${test} ${seed}`;
  let run = asked.has(key) ? undefined : runs.get(seed);
  asked.add(key);
  if (!run) {
    run = simulate(seed);
    runs.set(seed, run);
  }
  recordRun(run.trace);
  return run;
}

/** Was n1 suspecting `peer` at time t (after every verdict up to and including t)? */
function suspectedAt(run: Run, peer: string, t: number): boolean {
  let s = false;
  for (const v of run.verdicts) {
    if (v.t > t) break;
    if (v.peer === peer) s = v.suspected;
  }
  return s;
}

function lastArrivalBefore(run: Run, peer: string, t: number): Arrival | undefined {
  return run.arrivals.get(peer)!.filter((a) => a.t <= t).at(-1);
}

/** Seeds whose cluster has a worker with this role. */
const seedsWith = (role: Role) => SEEDS.filter((s) => shapeFor(s).workers.some((w) => w.role === role));
const workersWith = (run: Run, role: Role) => run.plan.plans.filter((p) => p.role === role);

/** "heartbeats every 50 ms", for the messages. */
const rhythm = (run: Run) => `on this seed the workers send a heartbeat every ${ms(run.plan.heartbeatMs)}`;

/** How heartbeats from `peer` arrived in the 100 intervals (at most) before `t`, in words. */
function recentGaps(run: Run, peer: string, t: number): string {
  const from = Math.max(0, t - 100 * run.plan.heartbeatMs);
  const ts = run.arrivals.get(peer)!.filter((a) => a.t >= from && a.t <= t).map((a) => a.t);
  const span = from === 0 ? `before ${ms(t)}` : `from ${ms(from)} to ${ms(t)}`;
  if (ts.length < 2) return `${peer} sent almost no heartbeats ${span}`;
  const gaps = ts.slice(1).map((x, i) => x - ts[i]!);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  return `${span}, ${peer}'s heartbeats arrived every ${ms(mean)} on average, the longest gap being ${ms(Math.max(...gaps))}`;
}

function checkDetection(run: Run, peer: string, crashAt: number, limit: number, about: string): void {
  const I = run.plan.heartbeatMs;
  const caught = suspectedAt(run, peer, crashAt)
    ? crashAt
    : run.verdicts.find((v) => v.peer === peer && v.suspected && v.t >= crashAt)?.t;
  const took = caught === undefined ? undefined : caught - crashAt;
  if (took !== undefined && took <= limit * I) return;
  const last = lastArrivalBefore(run, peer, crashAt);
  throw new LabFailure(
    `${peer} (${about}) crashed at ${ms(crashAt)}. Its last heartbeat reached n1 at ${last ? ms(last.t) : '?'}` +
      `${last ? ` (message #${last.id})` : ''}. ` +
      (caught === undefined
        ? `n1 never suspected it: the run ended at ${ms(run.plan.end)}, ${ms(run.plan.end - crashAt)} after the crash.`
        : `n1 suspected it only at ${ms(caught)}, ${ms(took!)} (${iv(took!, I)}) after the crash.`) +
      ` The limit is ${limit} intervals: ${ms(limit * I)}, as ${rhythm(run)}. For comparison: ${recentGaps(run, peer, crashAt)}.`,
    {
      nodes: [MONITOR, peer],
      messages: last ? [last.id] : [],
      at: [last?.t ?? crashAt, Math.min(run.plan.end, caught ?? crashAt + limit * I * 2)],
    },
  );
}

/** Times when a worker is not alive, or stalled for long enough that suspecting it is fair. */
function excused(p: WorkerPlan, t: number): boolean {
  if (p.stall && t >= p.stall[0] && t < p.stall[1]) return true;
  if (t >= p.crash && (p.restart === undefined || t < p.restart)) return true;
  return p.crashAgain !== undefined && t >= p.crashAgain;
}

function pauseAround(p: WorkerPlan, t: number, interval: number): string {
  const last = p.pauses.filter(([from]) => from <= t).at(-1);
  if (!last) return '';
  return t <= last[1] + 1.5 * interval
    ? ` ${p.id} was alive, in a GC pause from ${ms(last[0])} to ${ms(last[1])}.`
    : ` ${p.id}'s last GC pause had ended at ${ms(last[1])}; this gap was jitter.`;
}

const roleWords: Record<Role, string> = {
  erratic: 'erratic early on, steady since',
  stall: 'steady, with one long stall',
  busy: 'GC pauses of up to 3.5 intervals and a jittery link',
  steady: 'steady, on a quiet link',
};

describe('n1 monitoring its workers: steady, stalling, busy and crashing (3 to 7 nodes, heartbeats every 50 to 200 ms)', () => {
  seededTest(`a steady worker that crashes is suspected within ${STEADY_DETECT} heartbeat intervals`, seedsWith('steady'), (seed) => {
    const run = clusterRun(seed, 'steady');
    for (const p of workersWith(run, 'steady')) checkDetection(run, p.id, p.crash, STEADY_DETECT, roleWords.steady);
  });

  seededTest(
    `a worker that was erratic early on but has been steady for more than 140 intervals since is suspected within ${STEADY_DETECT} intervals of crashing`,
    seedsWith('erratic'),
    (seed) => {
      const run = clusterRun(seed, 'erratic');
      for (const p of workersWith(run, 'erratic')) {
        checkDetection(run, p.id, p.crash, STEADY_DETECT, `erratic until ${ms(p.steadyFrom!)}, steady since`);
      }
    },
  );

  seededTest(`a busy worker with GC pauses and a jittery link is suspected within ${BUSY_DETECT} intervals of crashing`, seedsWith('busy'), (seed) => {
    const run = clusterRun(seed, 'busy');
    for (const p of workersWith(run, 'busy')) checkDetection(run, p.id, p.crash, BUSY_DETECT, roleWords.busy);
  });

  seededTest('a crash soon after a stall or a restart is detected as fast as any other crash', SEEDS, (seed) => {
    const run = clusterRun(seed, 'after outage');
    for (const p of run.plan.plans) {
      if (p.stall) {
        checkDetection(run, p.id, p.crash, STEADY_DETECT, `steady; it had come back from a ${ms(p.stall[1] - p.stall[0])} stall at ${ms(p.stall[1])}`);
      }
      if (p.restart !== undefined && p.crashAgain !== undefined) {
        checkDetection(run, p.id, p.crashAgain, STEADY_DETECT, `steady; it had crashed at ${ms(p.crash)} and restarted at ${ms(p.restart)}`);
      }
    }
  });

  seededTest(
    `each live worker is falsely suspected at most ${FALSE_BUDGET === 1 ? 'once' : `${FALSE_BUDGET} times`} per run, GC pauses and jitter included (after a warm-up of 30 intervals)`,
    SEEDS,
    (seed) => {
      const run = clusterRun(seed, 'false');
      const I = run.plan.heartbeatMs;
      const byPeer = new Map(run.plan.plans.map((p) => [p.id, p]));
      const bad = run.verdicts.filter((v) => v.suspected && v.t >= run.plan.warmUp && !excused(byPeer.get(v.peer)!, v.t));
      const counts = new Map<string, number>();
      for (const v of bad) counts.set(v.peer, (counts.get(v.peer) ?? 0) + 1);
      const over = [...counts].filter(([, n]) => n > FALSE_BUDGET).map(([peer]) => peer);
      if (over.length === 0) return;
      const shown = bad.filter((v) => over.includes(v.peer)).slice(0, 5);
      const lines = shown.map((v) => {
        const last = lastArrivalBefore(run, v.peer, v.t);
        const next = run.arrivals.get(v.peer)!.find((a) => a.t > v.t);
        const back = run.verdicts.find((w) => w.peer === v.peer && !w.suspected && w.t > v.t);
        return (
          `  n1 suspected ${v.peer} at ${ms(v.t)}, ${last ? `${ms(v.t - last.t)} (${iv(v.t - last.t, I)}) after its last heartbeat (message #${last.id})` : 'before any heartbeat'}; ` +
          `the next one arrived at ${next ? `${ms(next.t)} (message #${next.id})` : 'the end'}` +
          `${back ? ` and n1 trusted it again at ${ms(back.t)}` : ''}.${pauseAround(byPeer.get(v.peer)!, v.t, I)} ` +
          `For comparison: ${recentGaps(run, v.peer, v.t)}.`
        );
      });
      const total = bad.filter((v) => over.includes(v.peer)).length;
      throw new LabFailure(
        `n1 suspected live workers after the warm-up (${ms(run.plan.warmUp)}) more than ${FALSE_BUDGET === 1 ? 'once' : `${FALSE_BUDGET} times`} each: ` +
          `${over.map((p) => `${p} ${counts.get(p)} times`).join(', ')}; ${rhythm(run)}.\n${lines.join('\n')}` +
          `${total > shown.length ? `\n  ... and ${total - shown.length} more.` : ''}`,
        {
          nodes: [MONITOR, ...over],
          messages: shown.flatMap((v) => lastArrivalBefore(run, v.peer, v.t)?.id ?? []),
          // The first false suspicion shown, from the heartbeat before it.
          at: [lastArrivalBefore(run, shown[0]!.peer, shown[0]!.t)?.t ?? shown[0]!.t, shown[0]!.t],
        },
      );
    },
  );

  seededTest(`a worker is trusted again within ${TRUST_AGAIN} intervals after it comes back from a stall or a restart`, SEEDS, (seed) => {
    const run = clusterRun(seed, 'trust again');
    const I = run.plan.heartbeatMs;
    for (const p of run.plan.plans) {
      const back = p.stall?.[1] ?? p.restart;
      if (back === undefined) continue;
      const what = p.stall ? `resumed after a stall of ${ms(p.stall[1] - p.stall[0])}` : 'restarted after a crash';
      const at = back + TRUST_AGAIN * I;
      if (!suspectedAt(run, p.id, at)) continue;
      const first = run.arrivals.get(p.id)!.find((a) => a.t >= back);
      const trusted = run.verdicts.find((v) => v.peer === p.id && !v.suspected && v.t >= back);
      throw new LabFailure(
        `${p.id} ${what} at ${ms(back)}, and its first heartbeat since reached n1 at ${first ? `${ms(first.t)} (message #${first.id})` : '?'}, ` +
          `but n1 still suspected ${p.id} ${TRUST_AGAIN} intervals (${ms(TRUST_AGAIN * I)}) later` +
          `${trusted ? `; it trusted it again only at ${ms(trusted.t)}` : ', and never trusted it again'}. ` +
          `A detector must take a suspicion back when heartbeats return.`,
        { nodes: [MONITOR, p.id], messages: first ? [first.id] : [], at: [back, Math.min(run.plan.end, trusted?.t ?? at)] },
      );
    }
  });

  seededTest('a suspected worker stays suspected until a heartbeat from it arrives (no change of mind on silence alone)', SEEDS, (seed) => {
    const run = clusterRun(seed, 'stays suspected');
    // Walk the trace in order: a heartbeat delivered to n1 is evidence, a suspicion uses it up.
    const since = new Map<string, { t: number; last?: Arrival }>();
    const lastSeen = new Map<string, Arrival>();
    for (const e of run.trace.events) {
      if (e.type === 'deliver' && e.to === MONITOR && !e.late) {
        lastSeen.set(e.from, { t: e.t, id: e.id });
        since.delete(e.from);
        continue;
      }
      if (e.type !== 'log' || e.node !== MONITOR || typeof e.data !== 'object' || e.data === null) continue;
      const d = e.data as { peer?: string; suspected?: boolean };
      if (typeof d.peer !== 'string' || typeof d.suspected !== 'boolean') continue;
      if (d.suspected) {
        const last = lastSeen.get(d.peer);
        since.set(d.peer, last ? { t: e.t, last } : { t: e.t });
        continue;
      }
      const s = since.get(d.peer);
      if (!s) continue;
      throw new LabFailure(
        `n1 suspected ${d.peer} at ${ms(s.t)} and trusted it again at ${ms(e.t)}, but no heartbeat from ${d.peer} reached n1 in between ` +
          `(the last one before had arrived at ${s.last ? `${ms(s.last.t)}, message #${s.last.id}` : 'no time: none had arrived yet'}). ` +
          `Nothing but a longer silence happened, and a longer silence is never better news: take a suspicion back only when a heartbeat arrives.`,
        { nodes: [MONITOR, d.peer], messages: s.last ? [s.last.id] : [], at: [s.last?.t ?? s.t, e.t] },
      );
    }
  });
});
