/**
 * Lab: an adaptive heartbeat failure detector (reference solution: phi accrual).
 *
 * The monitor keeps one FailureDetector per peer. It calls heartbeat(now) whenever a
 * heartbeat from that peer arrives and suspects(now) every 10 ms. All times are the
 * monitor's own clock, in ms: compare them only with each other.
 */

/** How many recent inter-arrival times to remember. */
const WINDOW = 100;
/** Suspect when phi goes above this: one chance in 10^8 of being wrong, if the model holds. */
const PHI_THRESHOLD = 8;

export class FailureDetector {
  private readonly intervalMs: number;
  private last: number;
  /** Recent inter-arrival times, oldest first. */
  private readonly gaps: number[] = [];
  private sum = 0;
  private sumSq = 0;

  /**
   * `intervalMs` is how often the peer promised to send heartbeats; `now` is when
   * monitoring starts, on the monitor's clock.
   */
  constructor(intervalMs: number, now: number) {
    this.intervalMs = intervalMs;
    this.last = now;
    // Bootstrap: pretend we saw two heartbeats about one interval apart, so the first
    // real gaps are judged against something sensible.
    this.record(intervalMs - intervalMs / 4);
    this.record(intervalMs + intervalMs / 4);
  }

  /** A heartbeat from the peer arrived at `now`. */
  heartbeat(now: number): void {
    this.record(now - this.last);
    this.last = now;
  }

  /** Should the monitor treat the peer as failed at `now`? */
  suspects(now: number): boolean {
    return this.phi(now) > PHI_THRESHOLD;
  }

  /** The suspicion level: -log10 of the chance that a heartbeat still comes this late. */
  phi(now: number): number {
    const n = this.gaps.length;
    const mean = this.sum / n;
    const variance = Math.max(0, this.sumSq / n - mean * mean);
    // A floor on the standard deviation: a perfectly regular peer must not be
    // suspected the moment one heartbeat is a millisecond late.
    const sd = Math.max(Math.sqrt(variance), this.intervalMs / 10);
    // Real gaps have a longer tail than a normal distribution (GC pauses), so allow one
    // extra interval on top of the mean, as Akka's acceptable-heartbeat-pause does.
    const expected = mean + this.intervalMs;
    const y = (now - this.last - expected) / sd;
    // P(a gap at least this long), for a normal distribution (logistic approximation).
    const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
    const pLater = y > 0 ? e / (1 + e) : 1 - 1 / (1 + e);
    return -Math.log10(Math.max(pLater, 1e-300));
  }

  private record(gap: number): void {
    this.gaps.push(gap);
    this.sum += gap;
    this.sumSq += gap * gap;
    if (this.gaps.length > WINDOW) {
      const old = this.gaps.shift()!;
      this.sum -= old;
      this.sumSq -= old * old;
    }
  }
}
