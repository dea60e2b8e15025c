/**
 * The one rule for what a run of a lab's tests means, used by the grader, verify-labs and
 * the lab CLI alike: PASS only if every test on the lab's list ran and passed and the
 * learner's files keep the format's static rules; anything else is FAIL or ERROR, with the
 * reasons in words.
 */
import type { LabRunResult } from './node-run.ts';
import type { SourceProblem } from './rules/learner-source.ts';
import { compareWithList } from './test-list.ts';

export interface Verdict {
  status: 'passed' | 'failed' | 'error';
  /** Why it is not a pass, one sentence each, most important first. */
  reasons: string[];
}

const list = (xs: readonly string[], n = 3) => xs.slice(0, n).map((x) => `"${x}"`).join(', ') + (xs.length > n ? ` and ${xs.length - n} more` : '');

export function judge(run: LabRunResult, testList: readonly string[] | undefined, source: readonly SourceProblem[]): Verdict {
  const reasons: string[] = [];
  if (run.errors.length) return { status: 'error', reasons: [...run.errors] };
  if (!run.tests.length) return { status: 'error', reasons: ['no test ran'] };
  for (const p of source) reasons.push(p.message);
  const failed = run.tests.filter((t) => t.state === 'failed');
  if (failed.length) reasons.push(`${failed.length} of ${run.tests.length} tests failed`);
  const skipped = run.tests.filter((t) => t.state === 'skipped');
  if (skipped.length) reasons.push(`${skipped.length} test${skipped.length === 1 ? ' was' : 's were'} skipped, and a skipped test is not a pass: ${list(skipped.map((t) => t.name))}`);
  if (testList) {
    const { missing, extra } = compareWithList(run.tests, testList);
    if (missing.length) reasons.push(`${missing.length} of the lab's ${testList.length} tests did not run: ${list(missing)}`);
    if (extra.length) reasons.push(`${extra.length} test${extra.length === 1 ? ' is' : 's are'} not among the lab's tests: ${list(extra)}`);
  }
  return { status: reasons.length ? 'failed' : 'passed', reasons };
}
