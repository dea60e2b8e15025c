/**
 * When a run in the page marks a lab done ("Lab done" on the course map). Decided in the
 * page, from the summary the page's runtime built from the events it accepted (for the
 * browser runtime: its own tally of `test-end` events on the run's private port, never the
 * worker's counts), and from the request the page itself made.
 * @module
 */
import type { RunSummary } from '../runtimes/runtime.ts';

/** What the page asked for: any of these makes the run a part of the suite. */
export interface RunScope {
  filter?: string;
  files?: string[];
  seed?: number;
}

/** A run that covers the whole suite: no name filter, no file list, no replayed seed. */
export function isFullRun(scope: RunScope): boolean {
  return !scope.filter && !scope.files && scope.seed === undefined;
}

/**
 * True only for a full run in which every test of the lab ran and passed: not cancelled, no
 * error outside a test, no test failed or skipped (a skipped test is not a pass), every test
 * at most once, and as many tests as the lab has (`testCount`, from its list of tests; a run
 * that ended early or lost tests has fewer). Without a `testCount` (a lab with no list yet),
 * at least one test must have run.
 */
export function labDone(summary: RunSummary, scope: RunScope, testCount: number | undefined): boolean {
  if (!isFullRun(scope)) return false;
  if (summary.state !== 'pass' || summary.fileErrors.length > 0) return false;
  const seen = new Set<string>();
  for (const t of summary.tests) {
    if (t.state !== 'pass') return false;
    const key = `${t.file}\n${t.fullName}`;
    if (seen.has(key)) return false;
    seen.add(key);
  }
  if (seen.size === 0) return false;
  if (summary.passed !== seen.size || summary.failed !== 0 || summary.skipped !== 0) return false;
  return testCount === undefined || seen.size === testCount;
}
