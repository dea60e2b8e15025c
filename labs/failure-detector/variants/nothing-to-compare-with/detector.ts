/**
 * Variant: mean + 10 standard deviations of the recent gaps, with nothing to start from:
 * before the first two heartbeats there is no mean, so it never suspects anyone.
 */
const WINDOW = 100;
const K = 10;

export class FailureDetector {
  private readonly intervalMs: number;
  private last: number;
  private seen = 0;
  private readonly gaps: number[] = [];

  constructor(intervalMs: number, now: number) {
    this.intervalMs = intervalMs;
    this.last = now;
  }

  heartbeat(now: number): void {
    // The first gap would be measured from when monitoring started: skip it.
    if (this.seen++ > 0) {
      this.gaps.push(now - this.last);
      if (this.gaps.length > WINDOW) this.gaps.shift();
    }
    this.last = now;
  }

  suspects(now: number): boolean {
    const n = this.gaps.length;
    const mean = this.gaps.reduce((a, b) => a + b, 0) / n;
    const variance = this.gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    const sd = Math.max(Math.sqrt(variance), this.intervalMs / 10);
    // With no gaps yet, mean is NaN, and every comparison with NaN is false.
    return now - this.last > mean + K * sd;
  }
}
