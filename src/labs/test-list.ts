/**
 * A lab's list of tests: `labs/<id>/tests.json`, every test its solution runs, by file and
 * full name. It is what "all tests pass" means. A submission passes only if every test on
 * the list ran and passed: a test skipped, missing (a suite that registered fewer tests, a
 * process that died half way) or not on the list is never a pass. `npm run verify-labs`
 * checks the list against the solution's run; `--update-tests` rewrites it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabTestResult } from './node-run.ts';

export const TEST_LIST_FILE = 'tests.json';

/** A test's identity on the list: its file and full name. */
export const testKey = (t: Pick<LabTestResult, 'file' | 'name'>): string => `${t.file} > ${t.name}`;

export function testListPath(labDir: string): string {
  return join(labDir, TEST_LIST_FILE);
}

/** The list, or undefined when the lab has none yet. Throws with the path on a broken file. */
export function readTestList(labDir: string): string[] | undefined {
  const p = testListPath(labDir);
  if (!existsSync(p)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    throw new Error(`${p}: not valid JSON: ${(e as Error).message}`);
  }
  const tests = (data as { tests?: unknown }).tests;
  if (!Array.isArray(tests) || !tests.every((t) => typeof t === 'string')) throw new Error(`${p}: field "tests" must be a list of test names`);
  return tests as string[];
}

export function writeTestList(labDir: string, lab: string, tests: readonly LabTestResult[]): void {
  const keys = [...new Set(tests.map(testKey))];
  writeFileSync(testListPath(labDir), JSON.stringify({ lab, note: 'Every test of the lab, as its solution runs them. Written by npm run verify-labs -- --update-tests.', tests: keys }, null, 2) + '\n');
}

/** How a run's tests differ from the list. */
export function compareWithList(tests: readonly LabTestResult[], list: readonly string[]): { missing: string[]; extra: string[] } {
  const ran = new Set(tests.map(testKey));
  const listed = new Set(list);
  return { missing: list.filter((k) => !ran.has(k)), extra: [...ran].filter((k) => !listed.has(k)) };
}
