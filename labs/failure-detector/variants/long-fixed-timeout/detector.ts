/**
 * Variant: one generous fixed timeout, ten heartbeat intervals (1 s at 100 ms), so that
 * the busy worker's GC pauses are never mistaken for a crash, and so every crash, of a
 * steady worker too, is caught slowly.
 */

/** Suspect a worker after this many heartbeat intervals without a heartbeat. */
const TIMEOUT_INTERVALS = 10;

export class FailureDetector {
  private readonly intervalMs: number;
  private last: number;

  /**
   * `intervalMs` is how often the worker promised to send heartbeats; `now` is when
   * monitoring starts, on the monitor's clock.
   */
  constructor(intervalMs: number, now: number) {
    this.intervalMs = intervalMs;
    this.last = now;
  }

  /** A heartbeat from the worker arrived at `now`. */
  heartbeat(now: number): void {
    this.last = now;
  }

  /** Should the monitor treat the worker as failed at `now`? */
  suspects(now: number): boolean {
    return now - this.last > TIMEOUT_INTERVALS * this.intervalMs;
  }
}
