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
  writeSync(1, `${PROGRESS_PREFIX}${JSON.stringify({ event, name })}\n`);
}

if (process.env.FAULTLINES_PROGRESS) {
  beforeEach(() => emit('start'));
  afterEach(() => emit('end'));
}
