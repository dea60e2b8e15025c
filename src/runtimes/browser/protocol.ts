/**
 * Messages between the page (browser-runtime.ts) and the worker (worker.ts).
 *
 * A worker runs exactly one run, then the page terminates it: nothing a run does survives
 * into the next. On the worker's own channel only these travel: `ready` (worker -> page,
 * once, after the worker has loaded and locked itself down), `prepare` (page -> worker,
 * files to compile ahead) and `run` (page -> worker, once). The `run` message transfers a port of a fresh MessageChannel; every event
 * of the run comes back on that port, tagged with the run's nonce (a random string the
 * page made). The worker captures the port before any lab code exists and never hands it
 * out, so lab code can post nothing the page reads (see README.md, "Honest results").
 * @module
 */
import type { RunEvent, RunRequest } from '../runtime.ts';

/**
 * Page -> worker. `prepare` (to a spare, before its run; any number): the files it will
 * probably run, to compile ahead (nothing is evaluated). `run`, with the run's port in
 * `ports[0]`: the whole file map and the request.
 */
export type ToWorker =
  | { type: 'prepare'; files: Record<string, string> }
  | { type: 'run'; nonce: string; files: Record<string, string>; request: RunRequest };

/** Worker -> page, on the worker's own channel: it has loaded and is locked down. */
export type FromWorker = { type: 'ready' };

/** Worker -> page, on the run's private port. */
export type FromRun = { nonce: string; event: RunEvent };
