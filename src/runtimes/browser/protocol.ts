/**
 * Messages between the page (browser-runtime.ts) and the worker (worker.ts).
 * The worker is stateless between runs apart from its compile cache: every `run` carries
 * the whole file map, so a fresh worker (after a hang, a crash or a cancel) needs nothing else.
 * @module
 */
import type { RunEvent, RunRequest } from '../runtime.ts';

/** Page -> worker. */
export type ToWorker = { type: 'run'; runId: number; files: Record<string, string>; request: RunRequest };

/** Worker -> page. `ready` is sent once, when the worker has loaded. */
export type FromWorker = { type: 'ready' } | { type: 'event'; runId: number; event: RunEvent };
