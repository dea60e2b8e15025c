/**
 * Vitest's task tree -> {@link RunSummary}, for a lab folder at `root`. The same rules as
 * the parity harness (parity.ts `runInNode`): files sorted by path, tests in declaration
 * order, frames kept only inside the lab (not node_modules, not the kit), converted by
 * the shared helpers of results.ts.
 * @module
 */
import type { RunnerTestFile } from 'vitest';
import { suiteErrorsOf, testResult, testsOf, toRunError, type FrameMapper } from '../../results.ts';
import type { RunError, RunSummary, TestResult } from '../../runtime.ts';

/** Maps frames inside `root` (but not its node_modules) to lab-relative positions. */
export function labFrameMapper(root: string): FrameMapper {
  const base = root.replace(/\/+$/, '') + '/';
  return (f) => {
    if (!f.file.startsWith(base)) return null;
    const file = f.file.slice(base.length);
    if (file.startsWith('node_modules/') || file.startsWith('.faultlines/')) return null;
    return { file, line: f.line, column: f.column };
  };
}

export function labRelative(root: string, path: string): string {
  const base = root.replace(/\/+$/, '') + '/';
  return path.startsWith(base) ? path.slice(base.length) : path;
}

export function summarize(tasks: readonly RunnerTestFile[], root: string, sourceOf: (file: string) => string | undefined, ms: number): RunSummary {
  const map = labFrameMapper(root);
  const tests: TestResult[] = [];
  const fileErrors: { file: string; error: RunError }[] = [];
  for (const task of [...tasks].sort((a, b) => a.filepath.localeCompare(b.filepath))) {
    const file = labRelative(root, task.filepath);
    for (const err of suiteErrorsOf(task)) fileErrors.push({ file, error: toRunError(err, map, sourceOf) });
    for (const t of testsOf(task)) tests.push(testResult(t, file, map, sourceOf));
  }
  const passed = tests.filter((t) => t.state === 'pass').length;
  const failed = tests.filter((t) => t.state === 'fail').length;
  return {
    state: failed > 0 || fileErrors.length > 0 ? 'fail' : 'pass',
    passed,
    failed,
    skipped: tests.length - passed - failed,
    tests,
    fileErrors,
    durationMs: Math.round(ms),
  };
}
