/**
 * Lab: an adaptive heartbeat failure detector.
 *
 * The monitor n1 (see cluster.ts) keeps one FailureDetector per worker. It calls
 * heartbeat(now) whenever a heartbeat from that worker arrives, and suspects(now) ten times
 * per heartbeat interval; the tests grade its answers. All times are in ms on the monitor's
 * own clock: compare them only with each other.
 *
 * This starter uses one fixed timeout for every worker: two and a half heartbeat
 * intervals. It catches a crash of a steady worker quickly, and it suspects a busy worker
 * every time that worker pauses for GC. Make it learn from the gaps between heartbeats it
 * has seen from this worker.
 *
 * The interval is not always 100 ms: the tests use 40 to 250 ms. Work every time in here
 * out from `intervalMs`.
 */

/** Suspect a worker after this many heartbeat intervals without a heartbeat. */
const TIMEOUT_INTERVALS = 2.5;

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
