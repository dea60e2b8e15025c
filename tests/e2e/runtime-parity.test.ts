/**
 * The browser lab runtime must report what `vitest run` reports: the same tests, states,
 * error messages, diffs and source positions. Each case runs one file map both ways.
 * To cover a new lab or fixture, call `expectParity(name, files)` with its file map.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runInPage, startHarness, type Harness } from '../../src/runtimes/browser/testing.ts';
import { compareRuns, readLab, runInNode } from '../../src/runtimes/parity.ts';
import type { RunRequest, RunSummary } from '../../src/runtimes/runtime.ts';
import { describeInBrowser, useBrowser } from './helpers.ts';

const FIXTURES = 'tests/fixtures/runtime';

/** Every implementation of every lab in labs/ (solution, starter, variants), once the lab format is there. */
interface LabCase {
  name: string;
  files: Record<string, string>;
  /** Reads the host's clock or randomness (a variant that does on purpose): its messages differ on every run. */
  usesHostTime: boolean;
}
async function labCases(): Promise<LabCase[]> {
  if (!existsSync('src/labs/lab-folder.ts') || !existsSync('labs')) return [];
  const { listLabIds, loadLab } = await import('../../src/labs/lab-folder.ts');
  const { assembleLab } = await import('../../src/labs/assemble.ts');
  const { checkLearnerFiles } = await import('../../src/labs/rules/learner-source.ts');
  const cases: LabCase[] = [];
  for (const id of listLabIds()) {
    const lab = loadLab(id);
    const parts = { files: lab.meta.files, support: lab.support, tests: lab.tests };
    const add = (name: string, files: Record<string, string>) =>
      cases.push({ name, files, usesHostTime: checkLearnerFiles(files, lab.meta.files).some((p) => p.rule === 'host-api') });
    add(`${id}/solution`, assembleLab(parts, lab.solution));
    add(`${id}/starter`, assembleLab(parts, lab.starter, lab.solution));
    for (const v of lab.variants) add(`${id}/variants/${v.id}`, assembleLab(parts, v.files, lab.solution));
  }
  return cases;
}
const labs = await labCases();

describeInBrowser('browser lab runtime: parity with vitest run in Node', () => {
  const browser = useBrowser();
  let harness: Harness;
  let page: Page;
  let compared = 0;

  beforeAll(async () => {
    harness = await startHarness();
    page = await browser().newPage();
    await page.goto(harness.url);
  });
  afterAll(async () => {
    await page?.close();
    await harness?.close();
    console.log(`runtime parity: ${compared} test results compared`);
  });

  async function expectParity(
    name: string,
    files: Record<string, string>,
    request: RunRequest = { kind: 'test' },
    fields?: Parameters<typeof compareRuns>[3],
  ): Promise<{ node: RunSummary; browser: RunSummary }> {
    const node = await runInNode(files, request);
    const { summary } = await runInPage(page, files, request);
    expect(node.tests.length, `${name}: Node ran no tests`).toBeGreaterThan(0);
    expect(compareRuns(node, summary, ['node', 'browser'], fields), name).toEqual([]);
    compared += summary.tests.length + summary.fileErrors.length;
    return { node, browser: summary };
  }

  it('a counter lab: diffs, thrown errors, async, a timeout, fast-check, skip/todo', async () => {
    const { browser: b } = await expectParity('counter', await readLab(`${FIXTURES}/counter`));
    expect([b.passed, b.failed, b.skipped]).toEqual([8, 8, 2]);
    const wrong = b.tests.find((t) => t.fullName === 'commands > has a wrong expectation')!;
    expect(wrong.errors[0]).toMatchObject({
      name: 'AssertionError',
      message: 'expected 6 to be 7 // Object.is equality',
      diff: '- Expected\n+ Received\n\n- 7\n+ 6',
      frames: [{ file: 'counter.test.ts', line: 90, column: 28 }],
    });
    expect(wrong.errors[0]!.codeFrame).toContain('> 90 |     expect(sum([1, 2, 3])).toBe(7);');
    expect(wrong.errors[0]!.message).not.toMatch(/\x1b\[/); // no ANSI colours
    const thrown = b.tests.find((t) => t.fullName === 'commands > throws on unknown verbs (uncaught)')!;
    expect(thrown.errors[0]!.frames[0]).toEqual({ file: 'counter.ts', line: 57, column: 9 });
  });

  it('module resolution, JSON, live bindings, vi.mock, hooks that fail, fresh modules per file', async () => {
    const { browser: b } = await expectParity('modules', await readLab(`${FIXTURES}/modules`));
    expect(b.fileErrors.map((e) => e.error.message)).toEqual(['setup failed: no leader']);
  });

  it('a name filter skips the same tests', async () => {
    await expectParity('counter -t merge', await readLab(`${FIXTURES}/counter`), { kind: 'test', filter: 'merge' });
  });

  // A lab suite runs twice here (Node, then the page), hundreds of tests on a busy machine:
  // no short limit, a hang is still caught by each test's own timeout inside the run.
  for (const c of labs) {
    it(`lab ${c.name}`, { timeout: 600_000 }, async () => {
      await expectParity(c.name, c.files, { kind: 'test', testTimeout: 10_000 }, c.usesHostTime ? ['state', 'at'] : undefined);
    });
  }
});
