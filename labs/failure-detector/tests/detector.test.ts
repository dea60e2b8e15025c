import { describe, expect, test } from 'vitest';
import { LabFailure, recordRun, seededTest, seedRange, seeds } from 'faultlines/testing';
import type { Trace } from 'faultlines';
import { buildCluster, MONITOR, verdicts, WORKERS, type RunPlan, type Verdict } from '../cluster.ts';
import { FailureDetector } from '../detector.ts';

const SEEDS = seeds(seedRange(8));

/** Detection limits the tests hold you to, in ms. */
const STEADY_DETECT_MS = 300;
const BUSY_DETECT_MS = 1_500;
const TRUST_AGAIN_MS = 300;
/** False suspicions allowed per run, after the warm-up. */
const FALSE_BUDGET = 1;
const WARM_UP_MS = 3_000;

const ms = (t: number) => `${Math.round(t)} ms`;

// ---------------------------------------------------------------------------------------
// Rule by rule: a detector fed made-up heartbeat times, asked every 10 ms.
// ---------------------------------------------------------------------------------------

/** A small deterministic generator, so these tests need no simulator. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Feed {
  /** Heartbeat arrival times, increasing. */
  arrivals: number[];
  /** Stop asking at this time. */
  until: number;
}

/** Feeds the arrivals to a fresh detector (started at 0) and asks it every 10 ms. */
function drive(feed: Feed): { t: number; suspected: boolean }[] {
  const d = new FailureDetector(100, 0);
  const changes: { t: number; suspected: boolean }[] = [];
  let suspected = false;
  let i = 0;
  for (let t = 10; t <= feed.until; t += 10) {
    while (i < feed.arrivals.length && feed.arrivals[i]! <= t) d.heartbeat(feed.arrivals[i++]!);
    const s = d.suspects(t);
    if (s !== suspected) changes.push({ t, suspected: s });
    suspected = s;
  }
  return changes;
}

/** When the detector first suspected the peer at or after `t` (already suspected at `t` counts as `t`). */
function suspectedFrom(changes: { t: number; suspected: boolean }[], t: number): number | undefined {
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

const steadyGaps = (n: number, rand: () => number) => Array.from({ length: n }, () => 98 + rand() * 4);

/** Every 100 ms, but one gap in five is a GC pause of 150 to 450 ms. */
const pausyGaps = (n: number, rand: () => number) =>
  Array.from({ length: n }, () => (rand() < 0.2 ? 150 + rand() * 300 : 95 + rand() * 10));

describe('FailureDetector, rule by rule (heartbeats fed by hand, asked every 10 ms)', () => {
  test('a peer that has not had time to send its first heartbeat is not suspected', () => {
    const d = new FailureDetector(100, 5_000);
    for (const t of [5_010, 5_050, 5_100, 5_150]) {
      expect(
        d.suspects(t),
        `suspects(${t}): monitoring started at 5000 ms, and a worker sends its first heartbeat up to one ` +
          `interval (100 ms) later, plus network delay, so it is too early to suspect it`,
      ).toBe(false);
    }
  });

  test('a peer that never sends a heartbeat is suspected within 1.5 s of monitoring starting', () => {
    const d = new FailureDetector(100, 5_000);
    expect(d.suspects(6_500), 'suspects(6500), 1.5 s after monitoring started at 5000 ms with no heartbeat at all').toBe(true);
  });

  test('a peer that sends a heartbeat every 100 ms, give or take 2 ms, is never suspected', () => {
    const rand = prng(1);
    const arrivals = fromGaps(0, steadyGaps(300, rand));
    const changes = drive({ arrivals, until: arrivals.at(-1)! });
    const first = changes.find((c) => c.suspected);
    expect(first, first ? `the detector suspected a perfectly steady peer at ${ms(first.t)}` : '').toBeUndefined();
  });

  test('a steady peer (every 100 ms) that stops is suspected within 300 ms of its last heartbeat', () => {
    const rand = prng(2);
    const arrivals = fromGaps(0, steadyGaps(200, rand));
    const last = arrivals.at(-1)!;
    const changes = drive({ arrivals, until: last + 2_000 });
    const caught = suspectedFrom(changes, last);
    expect(caught ?? Infinity, `heartbeats stopped after ${ms(last)}; suspected at ${caught !== undefined ? ms(caught) : 'never (within 2 s)'}`).toBeLessThanOrEqual(last + 300);
  });

  test('a peer that pauses now and then (gaps of 100 to 450 ms) is not suspected during its pauses', () => {
    const rand = prng(3);
    const gaps = pausyGaps(300, rand);
    const arrivals = fromGaps(0, gaps);
    const changes = drive({ arrivals, until: arrivals.at(-1)! });
    // Allow the first 5 s for learning what this peer is like.
    const bad = changes.filter((c) => c.suspected && c.t > 5_000);
    if (bad.length > 0) {
      const t = bad[0]!.t;
      const before = arrivals.filter((a) => a < t).at(-1)!;
      const after = arrivals.find((a) => a >= t);
      throw new Error(
        `The detector suspected the peer ${bad.length} time(s) after its first 5 s, first at ${ms(t)}: ` +
          `${ms(t - before)} after its last heartbeat, in a gap of ${after ? ms(after - before) : '?'}. ` +
          `This peer has had gaps like that all along (one in five gaps is 150 to 450 ms).`,
      );
    }
  });

  test('a peer that pauses now and then is still suspected within 1.5 s when it stops for good', () => {
    const rand = prng(4);
    const arrivals = fromGaps(0, pausyGaps(200, rand));
    const last = arrivals.at(-1)!;
    const changes = drive({ arrivals, until: last + 3_000 });
    const caught = suspectedFrom(changes, last);
    expect(caught ?? Infinity, `heartbeats stopped after ${ms(last)}; suspected at ${caught !== undefined ? ms(caught) : 'never (within 3 s)'}`).toBeLessThanOrEqual(last + 1_500);
  });

  test('after a peer\'s heartbeats speed up from every 500 ms to every 100 ms, and stay fast for 15 s, a stop is caught within 300 ms', () => {
    const rand = prng(5);
    const slow = fromGaps(0, Array.from({ length: 100 }, () => 480 + rand() * 40));
    const fast = fromGaps(slow.at(-1)!, steadyGaps(150, rand));
    const arrivals = [...slow, ...fast];
    const last = arrivals.at(-1)!;
    const changes = drive({ arrivals, until: last + 3_000 });
    const caught = suspectedFrom(changes, last);
    expect(
      caught ?? Infinity,
      `the peer sent every 500 ms for 50 s, then every 100 ms for 15 s, then stopped at ${ms(last)}; ` +
        `suspected at ${caught !== undefined ? ms(caught) : 'never (within 3 s)'}. Judge a peer by its recent heartbeats`,
    ).toBeLessThanOrEqual(last + 300);
  });

  test('a suspected peer is trusted again as soon as a heartbeat arrives, and stays trusted while they keep coming', () => {
    const rand = prng(6);
    const before = fromGaps(0, steadyGaps(50, rand));
    const back = before.at(-1)! + 2_000;
    const after = fromGaps(back, steadyGaps(20, rand));
    const d = new FailureDetector(100, 0);
    for (const a of before) d.heartbeat(a);
    expect(d.suspects(back - 1), `no heartbeat for 2 s (since ${ms(before.at(-1)!)}): suspects(${back - 1})`).toBe(true);
    d.heartbeat(back);
    expect(d.suspects(back), `a heartbeat arrived at ${ms(back)}: suspects(${back}) right after it`).toBe(false);
    for (const a of after) {
      expect(d.suspects(a - 1), `heartbeats arriving every 100 ms again: suspects(${Math.round(a - 1)})`).toBe(false);
      d.heartbeat(a);
    }
  });
});

// ---------------------------------------------------------------------------------------
// The cluster: n1 monitors n2..n5 (see cluster.ts for what happens to each).
// ---------------------------------------------------------------------------------------

interface Run {
  trace: Trace;
  plan: RunPlan;
  verdicts: Verdict[];
  /** Per worker: heartbeat arrivals at n1, with message ids. */
  arrivals: Map<string, { t: number; id: number }[]>;
}

const runs = new Map<number, Run>();

/** Runs (once) and records the cluster for one seed. */
function clusterRun(seed: number): Run {
  let run = runs.get(seed);
  if (!run) {
    const { sim, plan } = buildCluster(seed);
    sim.runSync({ until: plan.end });
    const trace = sim.trace;
    const arrivals = new Map<string, { t: number; id: number }[]>(WORKERS.map((w) => [w, []]));
    for (const e of trace.events) {
      if (e.type === 'deliver' && e.to === MONITOR && !e.late) arrivals.get(e.from)?.push({ t: e.t, id: e.id });
    }
    run = { trace, plan, verdicts: verdicts(trace), arrivals };
    runs.set(seed, run);
  }
  recordRun(run.trace);
  return run;
}

/** Was n1 suspecting `peer` at time t (after every verdict up to and including t)? */
function suspectedAt(run: Run, peer: string, t: number): boolean {
  let s = false;
  for (const v of run.verdicts) if (v.peer === peer && v.t <= t) s = v.suspected;
  return s;
}

function lastArrivalBefore(run: Run, peer: string, t: number) {
  return run.arrivals.get(peer)!.filter((a) => a.t <= t).at(-1);
}

/** How heartbeats from `peer` arrived in the 10 s (at most) before `t`, in words. */
function recentGaps(run: Run, peer: string, t: number): string {
  const from = Math.max(0, t - 10_000);
  const ts = run.arrivals.get(peer)!.filter((a) => a.t >= from && a.t <= t).map((a) => a.t);
  const span = from === 0 ? `before ${ms(t)}` : `from ${ms(from)} to ${ms(t)}`;
  if (ts.length < 2) return `${peer} sent almost no heartbeats ${span}`;
  const gaps = ts.slice(1).map((x, i) => x - ts[i]!);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  return `${span}, ${peer}'s heartbeats arrived every ${ms(mean)} on average, the longest gap being ${ms(Math.max(...gaps))}`;
}

function checkDetection(run: Run, peer: string, crashAt: number, limit: number, about: string): void {
  const caught = suspectedAt(run, peer, crashAt)
    ? crashAt
    : run.verdicts.find((v) => v.peer === peer && v.suspected && v.t >= crashAt)?.t;
  const took = caught === undefined ? undefined : caught - crashAt;
  if (took !== undefined && took <= limit) return;
  const last = lastArrivalBefore(run, peer, crashAt);
  throw new LabFailure(
    `${peer} (${about}) crashed at ${ms(crashAt)}. Its last heartbeat reached n1 at ${last ? ms(last.t) : '?'}` +
      `${last ? ` (message #${last.id})` : ''}. ` +
      (caught === undefined
        ? `n1 never suspected it: the run ended at ${ms(run.plan.end)}, ${ms(run.plan.end - crashAt)} after the crash.`
        : `n1 suspected it only at ${ms(caught)}, ${ms(took!)} after the crash.`) +
      ` The limit is ${ms(limit)}. For comparison: ${recentGaps(run, peer, crashAt)}.`,
    { nodes: [MONITOR, peer], messages: last ? [last.id] : [], at: [last?.t ?? crashAt, caught ?? Math.min(run.plan.end, crashAt + limit * 2)] },
  );
}

/** Times when a worker is not alive, or stalled for long enough that suspecting it is fair. */
function excused(plan: RunPlan, peer: string, t: number): boolean {
  if (peer === 'n2' && t >= plan.n2Crash) return true;
  if (peer === 'n4' && t >= plan.n4Crash) return true;
  if (peer === 'n5' && t >= plan.n5Crash && t < plan.n5Restart) return true;
  if (peer === 'n3' && t >= plan.n3Pause[0] && t < plan.n3Pause[1]) return true;
  return false;
}

function pauseAround(plan: RunPlan, peer: string, t: number): string {
  const list = peer === 'n2' ? plan.n2Pauses : peer === 'n4' ? plan.n4Pauses : [];
  const p = list.filter(([from]) => from <= t).at(-1);
  if (!p) return '';
  return t <= p[1] + 150
    ? ` ${peer} was alive, in a GC pause from ${ms(p[0])} to ${ms(p[1])}.`
    : ` ${peer}'s last GC pause had ended at ${ms(p[1])}; this gap was jitter.`;
}

describe('n1 monitoring four workers: steady, stalling, busy and crashing (27 s per seed)', () => {
  seededTest(`a steady worker that crashes (n5) is suspected within ${STEADY_DETECT_MS} ms`, SEEDS, (seed) => {
    const run = clusterRun(seed);
    checkDetection(run, 'n5', run.plan.n5Crash, STEADY_DETECT_MS, 'steady, on a quiet link');
  });

  seededTest(
    `a worker that was erratic early on but has been steady for the last 14 s (n2) is suspected within ${STEADY_DETECT_MS} ms of crashing`,
    SEEDS,
    (seed) => {
      const run = clusterRun(seed);
      checkDetection(run, 'n2', run.plan.n2Crash, STEADY_DETECT_MS, `erratic until ${ms(run.plan.n2SteadyFrom)}, steady since`);
    },
  );

  seededTest(`a busy worker with GC pauses and a jittery link (n4) is suspected within ${BUSY_DETECT_MS / 1000} s of crashing`, SEEDS, (seed) => {
    const run = clusterRun(seed);
    checkDetection(run, 'n4', run.plan.n4Crash, BUSY_DETECT_MS, 'GC pauses of up to 350 ms and a jittery link');
  });

  seededTest(
    `live workers are falsely suspected at most ${FALSE_BUDGET === 1 ? 'once' : `${FALSE_BUDGET} times`} per run, GC pauses and jitter included (after a ${WARM_UP_MS / 1000} s warm-up)`,
    SEEDS,
    (seed) => {
      const run = clusterRun(seed);
      const bad = run.verdicts.filter((v) => v.suspected && v.t >= WARM_UP_MS && !excused(run.plan, v.peer, v.t));
      if (bad.length <= FALSE_BUDGET) return;
      const lines = bad.slice(0, 5).map((v) => {
        const last = lastArrivalBefore(run, v.peer, v.t);
        const next = run.arrivals.get(v.peer)!.find((a) => a.t > v.t);
        const back = run.verdicts.find((w) => w.peer === v.peer && !w.suspected && w.t > v.t);
        return (
          `  n1 suspected ${v.peer} at ${ms(v.t)}, ${last ? `${ms(v.t - last.t)} after its last heartbeat (message #${last.id})` : 'before any heartbeat'}; ` +
          `the next one arrived at ${next ? `${ms(next.t)} (message #${next.id})` : 'the end'}` +
          `${back ? ` and n1 trusted it again at ${ms(back.t)}` : ''}.${pauseAround(run.plan, v.peer, v.t)} ` +
          `For comparison: ${recentGaps(run, v.peer, v.t)}.`
        );
      });
      const peers = [...new Set(bad.map((v) => v.peer))];
      throw new LabFailure(
        `n1 suspected live workers ${bad.length} times after the warm-up (at most ${FALSE_BUDGET} allowed):\n${lines.join('\n')}` +
          `${bad.length > 5 ? `\n  ... and ${bad.length - 5} more.` : ''}`,
        {
          nodes: [MONITOR, ...peers],
          messages: bad.slice(0, 5).flatMap((v) => lastArrivalBefore(run, v.peer, v.t)?.id ?? []),
          // The first false suspicion, from the heartbeat before it.
          at: [lastArrivalBefore(run, bad[0]!.peer, bad[0]!.t)?.t ?? bad[0]!.t, bad[0]!.t],
        },
      );
    },
  );

  seededTest(
    `a worker is trusted again within ${TRUST_AGAIN_MS} ms after it comes back from a 2 s stall (n3) or a restart (n5)`,
    SEEDS,
    (seed) => {
      const run = clusterRun(seed);
      for (const [peer, back, what] of [
        ['n3', run.plan.n3Pause[1], 'resumed after a 2 s stall'],
        ['n5', run.plan.n5Restart, 'restarted after a crash'],
      ] as const) {
        const at = back + TRUST_AGAIN_MS;
        if (!suspectedAt(run, peer, at)) continue;
        const first = run.arrivals.get(peer)!.find((a) => a.t >= back);
        const trusted = run.verdicts.find((v) => v.peer === peer && !v.suspected && v.t >= back);
        throw new LabFailure(
          `${peer} ${what} at ${ms(back)}, and its first heartbeat since reached n1 at ${first ? `${ms(first.t)} (message #${first.id})` : '?'}, ` +
            `but n1 still suspected ${peer} ${ms(TRUST_AGAIN_MS)} later` +
            `${trusted ? `; it trusted it again only at ${ms(trusted.t)}` : ', and never trusted it again'}. ` +
            `A detector must take a suspicion back when heartbeats return.`,
          { nodes: [MONITOR, peer], messages: first ? [first.id] : [], at: [back, trusted?.t ?? at] },
        );
      }
    },
  );
});
