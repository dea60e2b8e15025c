/**
 * The consensus chapter prints Raft's election-timeout experiment as the simulator runs it
 * (src/components/ElectionDowntime.astro) and then describes the numbers in words. These
 * tests hold the words to the numbers: if the simulator changes and the shape changes, the
 * chapter's paragraph after the table must change too.
 */
import { describe, expect, test } from 'vitest';
import { downtimeTable, electionDowntime } from '../../../src/diagrams/scenarios/raft-election.ts';

const TRIALS = 200;
const [fixed, twoValues, fiveMs, fiftyMs, raft] = downtimeTable(
  [0, 2, 5, 50, 150].map((spreadMs) => ({ minMs: 150, spreadMs })),
  TRIALS,
);

describe('the election-timeout experiment the consensus chapter shows', () => {
  test('is deterministic: the same seeds give the same downtimes', () => {
    for (const seed of [1, 7, 99]) {
      expect(electionDowntime(seed, { minMs: 150, spreadMs: 50 })).toBe(electionDowntime(seed, { minMs: 150, spreadMs: 50 }));
    }
  });

  test('every run gets as far as crashing a leader it elected', () => {
    for (const row of [fixed, twoValues, fiveMs, fiftyMs, raft]) expect(row!.trials).toBe(TRIALS);
  });

  test('"with a fixed timeout, more than half the crashes leave the cluster without a leader for the whole 10 s"', () => {
    expect(fixed!.noLeader).toBeGreaterThan(TRIALS / 2);
    expect(fixed!.noLeader).toBeLessThan(TRIALS);
  });

  test('"timeouts of 150 or 151 ms are better but still bad: about one run in five never elects a leader, and the median of the rest is over a second"', () => {
    expect(twoValues!.noLeader).toBeGreaterThan(TRIALS / 10);
    expect(twoValues!.noLeader).toBeLessThan(TRIALS / 4);
    expect(twoValues!.medianMs!).toBeGreaterThan(1_000);
  });

  test('"a few milliseconds of spread end the livelocks, though the median election still takes several rounds"', () => {
    expect(fiveMs!.noLeader).toBe(0);
    expect(fiveMs!.medianMs!).toBeGreaterThan(3 * 150);
  });

  test('"a spread of tens of milliseconds makes almost every election succeed at the first attempt"', () => {
    // First attempt: within the longest timeout plus a round trip, not a second timeout later.
    expect(fiftyMs!.noLeader).toBe(0);
    expect(fiftyMs!.p90Ms!).toBeLessThan(150 + 50 + 2 * 12 + 150);
  });

  test('"more spread costs a little in the median and buys a shorter worst case"', () => {
    expect(raft!.noLeader).toBe(0);
    expect(raft!.medianMs!).toBeGreaterThanOrEqual(fiftyMs!.medianMs!);
    expect(raft!.medianMs! - fiftyMs!.medianMs!).toBeLessThan(50);
    expect(raft!.slowestMs!).toBeLessThanOrEqual(fiftyMs!.slowestMs!);
  });
});
