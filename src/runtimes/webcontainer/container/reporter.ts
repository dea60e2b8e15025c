/**
 * A Vitest reporter that streams the run as {@link RunEvent} lines (see ../protocol.ts).
 * It runs in Vitest's main process inside the container (or in plain Node, in tests) and
 * is bundled at build time to `.faultlines/reporter.mjs` with results.ts inside, so the
 * conversion is the very code the browser runtime and the parity harness use.
 *
 * Used as `vitest run --reporter=./.faultlines/reporter.mjs`.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunnerTestCase, RunnerTestFile, SerializedError } from 'vitest';
import { experimental_getRunnerTask, type Reporter, type TestCase, type TestModule, type Vitest } from 'vitest/node';
import { testResult, toRunError } from '../../results.ts';
import type { RunEvent } from '../../runtime.ts';
import { EVENT_PREFIX, TRACES_META } from '../protocol.ts';
import { labFrameMapper, labRelative, summarize } from './summary.ts';

function emit(event: RunEvent): void {
  process.stdout.write(`${EVENT_PREFIX}${JSON.stringify(event)}\n`);
}

export default class FaultlinesReporter implements Reporter {
  private vitest: Vitest | undefined;
  private started = performance.now();
  private root = process.cwd();
  private readonly sources = new Map<string, string | undefined>();

  private sourceOf = (file: string): string | undefined => {
    if (!this.sources.has(file)) {
      let text: string | undefined;
      try {
        text = readFileSync(join(this.root, file), 'utf8');
      } catch {
        text = undefined;
      }
      this.sources.set(file, text);
    }
    return this.sources.get(file);
  };

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
    this.root = vitest.config.root;
  }

  onTestRunStart(): void {
    this.started = performance.now();
  }

  onTestModuleStart(module: TestModule): void {
    emit({ type: 'file-start', file: labRelative(this.root, module.moduleId) });
  }

  onTestCaseReady(test: TestCase): void {
    const timeoutMs = test.options.timeout ?? this.vitest?.config.testTimeout ?? 5000;
    emit({ type: 'test-start', file: labRelative(this.root, test.module.moduleId), fullName: test.fullName, timeoutMs });
  }

  onTestCaseResult(test: TestCase): void {
    const traces = (test.meta() as Record<string, unknown>)[TRACES_META];
    if (Array.isArray(traces)) for (const t of traces as RunEvent[]) emit(t);
    const task = experimental_getRunnerTask(test) as RunnerTestCase;
    const result = testResult(task, labRelative(this.root, test.module.moduleId), labFrameMapper(this.root), this.sourceOf);
    emit({ type: 'test-end', ...result });
  }

  onUserConsoleLog(log: { content: string; type: 'stdout' | 'stderr' }): void {
    emit({ type: 'console', stream: log.type, text: log.content });
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    const files = modules.map((m) => experimental_getRunnerTask(m) as RunnerTestFile);
    const summary = summarize(files, this.root, this.sourceOf, performance.now() - this.started);
    for (const fe of summary.fileErrors) emit({ type: 'file-error', file: fe.file, error: fe.error });
    // Like the browser runtime: errors outside any test file are file errors with file ''.
    for (const err of unhandled) {
      const error = toRunError(err as never, labFrameMapper(this.root), this.sourceOf);
      summary.fileErrors.push({ file: '', error });
      summary.state = 'fail';
      emit({ type: 'file-error', file: '', error });
    }
    emit({ type: 'done', summary });
  }
}
