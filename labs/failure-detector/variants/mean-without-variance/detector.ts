/**
 * Variant: adapts to the average gap between heartbeats, but not to how much the gaps
 * vary: it suspects a worker after 2.5 times its mean gap.
 */
const WINDOW = 100;

export class FailureDetector {
  private readonly intervalMs: number;
  private last: number;
  private readonly gaps: number[] = [];

  constructor(intervalMs: number, now: number) {
    this.intervalMs = intervalMs;
    this.last = now;
  }

  heartbeat(now: number): void {
    this.gaps.push(now - this.last);
    if (this.gaps.length > WINDOW) this.gaps.shift();
    this.last = now;
  }

  suspects(now: number): boolean {
    const mean = this.gaps.length ? this.gaps.reduce((a, b) => a + b, 0) / this.gaps.length : this.intervalMs;
    return now - this.last > 2.5 * mean;
  }
}
