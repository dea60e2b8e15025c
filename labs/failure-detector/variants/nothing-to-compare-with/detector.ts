/**
 * Variant: phi accrual with nothing to start from: no first estimate in the window, so
 * before the first gap the mean is 0 / 0 = NaN, phi is NaN, every comparison with NaN is
 * false, and a worker that dies before its first heartbeat is never suspected.
 */

/** How many recent inter-arrival times to remember. */
const WINDOW = 100;
/**
 * Suspect when phi goes above this: one chance in 10^12 of being wrong, if the model held.
 * Akka's default is 8; Cassandra advises 10 or 12 where pauses and congestion are common.
 */
const PHI_THRESHOLD = 12;
/** A gap longer than this many intervals is an outage (a long stall, a restart), not the peer's rhythm. */
const OUTAGE_INTERVALS = 10;

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
  }

  /** A heartbeat from the peer arrived at `now`. */
  heartbeat(now: number): void {
    const gap = now - this.last;
    this.last = now;
    // Kept in the window, one 2 s outage would make the spread huge for the next 100
    // heartbeats, and the next crash would be caught in seconds instead of milliseconds.
    if (gap <= OUTAGE_INTERVALS * this.intervalMs) this.record(gap);
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
    // Far out in the tail it rounds to 0, and phi to Infinity: suspected, as it should be.
    const pLater = 1 / (1 + Math.exp(y * (1.5976 + 0.070566 * y * y)));
    return -Math.log10(pLater);
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
