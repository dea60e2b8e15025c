/**
 * Setup file of graded runs. Node reports an unhandled rejection or an uncaught exception to
 * the whole process, with the raw value: one made by lab code would hand an object of the
 * learner's realm, unwrapped, to whatever listens (Vitest's own handler reads it and calls
 * its methods). Here nothing else listens, and the value is never looked at: the run fails.
 */
import { afterAll } from 'vitest';

let stray = 0;
for (const event of ['unhandledRejection', 'uncaughtException'] as const) {
  process.removeAllListeners(event);
  process.on(event, () => {
    stray++;
  });
}

afterAll(() => {
  if (stray) {
    throw new Error(
      `lab code left ${stray} error${stray === 1 ? '' : 's'} that nothing caught (a promise rejected with no handler, or a throw from a callback): ` +
        'a graded run with one does not count.',
    );
  }
});
