/**
 * Setup file for lab runs: writes one line to stdout, synchronously, when each test starts
 * and ends. Vitest's own reporter events are batched and never arrive if learner code spins
 * forever; a synchronous write from the test process itself always does, so the process
 * that runs the lab can say which test never returned.
 */
import { writeSync } from 'node:fs';
import { afterEach, beforeEach, expect } from 'vitest';

export const PROGRESS_PREFIX = '@@faultlines ';

function emit(event: 'start' | 'end'): void {
  const name = expect.getState().currentTestName ?? '(unknown test)';
  writeAll(Buffer.from(`${PROGRESS_PREFIX}${JSON.stringify({ event, name })}\n`));
}

/**
 * stdout is a non-blocking pipe: when the parent reads slowly (a busy machine), writeSync
 * throws EAGAIN or writes part of the line. Either would fail a correct test at random, so
 * keep writing until the whole line is out.
 */
function writeAll(bytes: Buffer): void {
  let off = 0;
  let spins = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(1, bytes, off, bytes.length - off);
      spins = 0;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      // Wait a little without yielding to the event loop (the test must not move on before its line is out).
      if (++spins > 1) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(50, spins));
    }
  }
}

if (process.env.FAULTLINES_PROGRESS) {
  beforeEach(() => emit('start'));
  afterEach(() => emit('end'));
}
