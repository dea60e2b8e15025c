/**
 * The mutation-testing part of `npm run verify-labs`, as the two calls verify-labs.ts makes,
 * so that its own code only gains two clearly marked lines:
 *
 *   --mutants [--concurrency N]   run Stryker on the labs (run.ts) instead of the usual checks
 *   --no-mutants-check            skip the check of the recorded runs (check.ts); so does
 *                                 FAULTLINES_MUTANTS_CHECK=off
 */
import { mutationCheckEnabled } from './check.ts';
import { takeMutantsArgs, type MutantsOptions } from './run.ts';

export { checkMutationRecords } from './check.ts';
export { mutantsCommand } from './run.ts';

export interface MutationMode {
  /** Set with --mutants: run Stryker with these options. */
  run?: MutantsOptions;
  /** Check labs/<id>/mutants.json and mutants.md (on unless turned off). */
  check: boolean;
}

/** Takes the mutation flags out of `args` (in place, so the rest are lab ids); exits 2 on a bad one. */
export function mutationMode(args: string[]): MutationMode {
  const run = takeMutantsArgs(args);
  if (run && 'error' in run) {
    console.error(run.error);
    process.exit(2);
  }
  const check = mutationCheckEnabled(args);
  return run ? { run, check } : { check };
}
