/**
 * Runs a lab's Vitest suites inside a Web Worker with Vitest's own runner.
 *
 * The seam is the one Vitest's browser mode uses: a stubbed `globalThis.__vitest_worker__`
 * state, a subclass of `TestRunner` from 'vitest' whose `importFile` evaluates the test
 * file from the in-memory file system (./modules.ts), and `startTests` from
 * 'vitest/internal/browser', called once per test file with a fresh module registry.
 * `vitest/internal/browser` is internal API: vitest is pinned to an exact version.
 *
 * Vitest's global state (the worker state, the global expect, its matchers) lives in
 * ./vitest-private.ts, not on `globalThis`, when the bundle was built with
 * ./hide-vitest-globals.ts: lab code cannot look up the running test and rewrite its result.
 * @module
 */
import './no-color.ts'; // must run before vitest's modules are evaluated
import * as vitestApi from 'vitest';
import { EvaluatedModules, TestRunner, vi } from 'vitest';
import type { RunnerTestCase, RunnerTestFile, SerializedConfig, WorkerGlobalState } from 'vitest';
import { format, setupCommonEnv, startTests } from 'vitest/internal/browser';
import * as kit from '../../kit/index.ts';
import * as kitTesting from '../../kit/testing.ts';
import type { RunError, RunEvent, RunRequest, RunSummary, SourceLocation, TestResult } from '../runtime.ts';
import { suiteErrorsOf, testResult, testsOf, toRunError, type RawFrame } from '../results.ts';
import { alignColumn, CompileCache, LAB_ROOT, ModuleRegistry, type ModuleGlobals } from './modules.ts';
import { vitestPrivate, vitestStateIsPrivate } from './vitest-private.ts';

// Vitest is loaded: drop the temporary `process` of ./no-color.ts (lab code gets its own shim).
{
  const g = globalThis as { process?: unknown; __faultlinesProcessShim?: boolean };
  if (g.__faultlinesProcessShim) {
    delete g.process;
    delete g.__faultlinesProcessShim;
  }
}

/** Length of the wrapper put in front of line 1 of every module (see modules.ts). */
const WRAPPER_PREFIX = '(function (exports, require, module, __filename, __dirname, jest, _importMeta, process) {'.length;

/** Test files of a lab: `*.test.ts`, `*.spec.ts` (and js/tsx variants). */
export const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;

/** A builtin's exports as one frozen object, shared by every file of a run: no file can change it for the others. */
function asEsm(ns: object): Record<string, unknown> {
  return Object.freeze(Object.assign({}, ns, { __esModule: true }));
}

/** Bare imports a lab may use. */
const BUILTINS: Record<string, unknown> = {
  vitest: asEsm(vitestApi),
  faultlines: asEsm(kit),
  'faultlines/testing': asEsm(kitTesting),
};

/**
 * Large libraries only some labs use, loaded the first time a lab imports them: fast-check
 * alone is a fifth of the worker, and most labs never need it.
 */
const LAZY_BUILTINS: Record<string, () => Promise<object>> = {
  'fast-check': () => import('fast-check'),
};

async function loadLazyBuiltins(files: Record<string, string>): Promise<void> {
  for (const [name, load] of Object.entries(LAZY_BUILTINS)) {
    if (name in BUILTINS) continue;
    const used = (text: string) => text.includes(`'${name}'`) || text.includes(`"${name}"`);
    if (Object.values(files).some(used)) BUILTINS[name] = asEsm(await load());
  }
}

/** A snapshot environment with no files: snapshots are not kept between runs in the browser. */
const memorySnapshots = {
  getVersion: () => '1',
  getHeader: () => '// Vitest Snapshot v1, https://vitest.dev/guide/snapshot.html',
  resolvePath: async (p: string) => p + '.snap',
  resolveRawPath: async (_test: string, raw: string) => raw,
  prepareDirectory: async () => {},
  saveSnapshotFile: async () => {},
  readSnapshotFile: async () => null,
  removeSnapshotFile: async () => {},
};

/** The serialized config `vitest run` would hand its workers, trimmed to what the runner reads. */
function makeConfig(request: RunRequest): SerializedConfig {
  const escaped = request.filter?.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const config = {
    root: LAB_ROOT.slice(0, -1),
    name: '',
    mode: 'test',
    isolate: true,
    defines: {},
    setupFiles: [],
    allowOnly: true,
    passWithNoTests: false,
    testTimeout: request.testTimeout ?? 5000,
    hookTimeout: 10000,
    teardownTimeout: 10000,
    clearMocks: true,
    mockReset: false,
    restoreMocks: false,
    unstubEnvs: false,
    unstubGlobals: false,
    maxConcurrency: 5,
    pool: 'browser',
    globals: false,
    expect: {},
    snapshotSerializers: [],
    snapshotOptions: { updateSnapshot: 'none', snapshotFormat: {}, expand: false, snapshotEnvironment: memorySnapshots },
    sequence: { seed: request.seed ?? 1, hooks: 'stack', shuffle: false, concurrent: false },
    fakeTimers: { loopLimit: 10000, shouldClearNativeTimers: true },
    deps: { moduleDirectories: ['/node_modules/'] },
    env: { MODE: 'test', DEV: true, PROD: false, BASE_URL: '/', ...request.env },
    testNamePattern: escaped ? new RegExp(escaped) : undefined,
    benchmark: { enabled: false },
    experimental: { importDurations: { limit: 0 }, viteModuleRunner: true, traceTimeline: false },
    includeTaskLocation: false,
    tags: [],
    strictTags: false,
    slowTestThreshold: 300,
    disableConsoleIntercept: true,
    taskTitleValueFormatTruncate: 40,
    retry: 0,
  };
  return config as unknown as SerializedConfig;
}

const cleanups: (() => unknown)[] = [];
let state: WorkerGlobalState | undefined;

/**
 * Installs Vitest's worker state `__vitest_worker__` (once per worker): in ./vitest-private.ts
 * when Vitest was bundled to read it there, else (a dev server's unbundled Vitest) on
 * `globalThis`, where lab code can reach it.
 */
function installState(config: SerializedConfig, metaEnv: Record<string, unknown>): WorkerGlobalState {
  const rpc = new Proxy({}, { get: () => async () => undefined });
  const s = {
    ctx: {
      pool: 'browser',
      workerId: 1,
      config,
      projectName: '',
      files: [],
      environment: { name: 'node', options: null },
      providedContext: {},
      invalidates: [],
    },
    config,
    rpc,
    metaEnv,
    environment: { name: 'node', viteEnvironment: 'ssr', setup: () => { throw new Error('not in the browser'); } },
    evaluatedModules: new EvaluatedModules(),
    resolvingModules: new Set<string>(),
    moduleExecutionInfo: new Map(),
    onCancel: () => () => {},
    onCleanup: (fn: () => unknown) => cleanups.push(fn),
    providedContext: {},
    durations: { environment: 0, prepare: 0, fetch: 0 },
  };
  const hidden = vitestStateIsPrivate();
  if (!hidden) console.warn('faultlines: this worker was bundled without hide-vitest-globals; Vitest state is on globalThis, in reach of lab code.');
  Object.defineProperty(hidden ? vitestPrivate : globalThis, '__vitest_worker__', { value: s, configurable: true, writable: true, enumerable: false });
  return s as unknown as WorkerGlobalState;
}

const traces = { $: (_name: string, a: unknown, b?: unknown) => (typeof a === 'function' ? (a as () => unknown)() : (b as () => unknown)()) };

/** TestRunner that imports from the in-memory file system and reports each test as it goes. */
class LabRunner extends TestRunner {
  registry: ModuleRegistry | null = null;
  hooks: { start(test: RunnerTestCase): void; end(test: RunnerTestCase): void };

  constructor(config: SerializedConfig, hooks: LabRunner['hooks']) {
    super(config);
    this.hooks = hooks;
    (this as unknown as { __setTraces(t: unknown): void }).__setTraces(traces);
  }
  override importFile(filepath: string): Promise<void> {
    if (!this.registry) throw new Error('no module registry');
    this.registry.load(filepath.slice(LAB_ROOT.length));
    return Promise.resolve();
  }
  override async onBeforeRunTask(test: RunnerTestCase): Promise<void> {
    await super.onBeforeRunTask(test);
    if (test.mode === 'run' || test.mode === 'queued') this.hooks.start(test);
  }
  override onAfterRunTask(test: RunnerTestCase): void {
    super.onAfterRunTask(test);
    this.hooks.end(test);
  }
}

/** The worker's long-lived pieces: compiled files survive between runs. */
const compileCache = new CompileCache();
/** Files of the run in progress (for mapping frames). */
let currentFiles: Record<string, string> = {};
let commonEnvReady = false;
let emitConsole: ((stream: 'stdout' | 'stderr', text: string) => void) | null = null;

function patchConsole(): void {
  const c = globalThis.console as unknown as Record<string, (...args: unknown[]) => void>;
  const out = (stream: 'stdout' | 'stderr', original: (...args: unknown[]) => void) =>
    (...args: unknown[]): void => {
      if (emitConsole) emitConsole(stream, format(args));
      else original.apply(console, args);
    };
  for (const m of ['log', 'info', 'debug']) c[m] = out('stdout', c[m]!);
  for (const m of ['warn', 'error', 'trace']) c[m] = out('stderr', c[m]!);
}
patchConsole();

/** Maps a frame of eval'd lab code back to the learner's source: same line (sucrase keeps lines), column by alignment. */
function mapFrame(frame: RawFrame): SourceLocation | null {
  if (!frame.file.startsWith(LAB_ROOT)) return null;
  const path = frame.file.slice(LAB_ROOT.length);
  const compiled = compileCache.peek(path);
  const source = currentFiles[path];
  if (!compiled || source === undefined) return { file: path, line: frame.line, column: frame.column };
  const genLine = compiled.code.split('\n')[frame.line - 1] ?? '';
  const srcLine = source.split('\n')[frame.line - 1] ?? '';
  let genCol = Math.max(0, frame.column - 1 - (frame.line === 1 ? WRAPPER_PREFIX : 0));
  // `it(...)` compiles to `_vitest.it.call(void 0, ...)` and V8 points at `call`: point at `it`.
  if (genLine.startsWith('call(void 0', genCol) && genLine[genCol - 1] === '.') {
    genCol--;
    while (genCol > 0 && /[\w$]/.test(genLine[genCol - 1]!)) genCol--;
  }
  return { file: path, line: frame.line, column: alignColumn(srcLine, genLine, genCol) + 1 };
}

/** A plain error (not from Vitest) as a RunError, e.g. a crash of the runner itself. */
export function plainError(e: unknown, files: Record<string, string>): RunError {
  const err = e instanceof Error ? e : new Error(String(e));
  return toRunError({ name: err.name, message: err.message, stack: err.stack } as never, mapFrame, (f) => files[f]);
}

/**
 * Sets Vitest up before any run (the worker does it before it says it is ready): the worker
 * state and the common environment, with a default config that each run replaces.
 */
export async function prepareEngine(): Promise<void> {
  const config = makeConfig({ kind: 'test' });
  if (!state) state = installState(config, { ...config.env });
  if (!commonEnvReady) {
    await setupCommonEnv(config);
    commonEnvReady = true;
  }
}

/**
 * Work a spare worker does ahead of its run, with the files it expects to run: compiles
 * them (sucrase: types stripped, nothing evaluated) and loads the builtins they import, so
 * a run on a fresh worker starts where a reused one would. A file that changes before the
 * run is compiled again then; one that does not compile is reported by the run.
 */
export async function precompile(files: Record<string, string>): Promise<void> {
  for (const [path, source] of Object.entries(files)) {
    if (!/\.[cm]?[jt]sx?$/.test(path)) continue;
    try {
      compileCache.get(path, source);
    } catch {
      // The run reports it, with its location.
    }
  }
  await loadLazyBuiltins(files);
}

/**
 * Runs the lab's test files one after another and reports through `emit`.
 * Each file gets a fresh module registry; `vitest`, `faultlines` and `fast-check` are shared.
 * `request.learnerFiles` may import only lab files (modules.ts).
 */
export async function runLab(files: Record<string, string>, request: RunRequest, emit: (e: RunEvent) => void): Promise<RunSummary> {
  const started = performance.now();
  currentFiles = files;
  await loadLazyBuiltins(files);
  const config = makeConfig(request);
  const env: Record<string, unknown> = { ...config.env };
  await prepareEngine();
  state!.config = config;
  state!.ctx.config = config;
  state!.metaEnv = env as never;
  // Lab code (and faultlines/testing, which reads FAULTLINES_SEED) sees a small `process`
  // with the run's env, as a global and as a module-scope name. No nextTick/hrtime: Vitest's
  // timers and fake timers then behave as in any browser.
  const labProcess = { env, argv: [], platform: 'browser', browser: true, cwd: () => LAB_ROOT };
  (globalThis as { process?: unknown }).process = labProcess;
  const globals: ModuleGlobals = { env, process: labProcess };
  const sourceOf = (f: string): string | undefined => files[f];
  const testFiles = (request.files ?? Object.keys(files).filter((f) => TEST_FILE.test(f))).slice().sort();
  const results: TestResult[] = [];
  const fileErrors: { file: string; error: RunError }[] = [];
  let currentFile = '';
  let currentTest: string | undefined;
  const reported = new Map<string, TestResult>();

  const runner = new LabRunner(config, {
    start(test) {
      currentTest = test.fullTestName;
      emit({ type: 'test-start', file: currentFile, fullName: test.fullTestName, timeoutMs: test.timeout ?? config.testTimeout });
    },
    end(test) {
      currentTest = undefined;
      if (reported.has(test.id)) return;
      const result = testResult(test, currentFile, mapFrame, sourceOf);
      reported.set(test.id, result);
      emit({ type: 'test-end', ...result });
    },
  });
  emitConsole = (stream, text) => emit({ type: 'console', stream, text, file: currentFile || undefined, fullName: currentTest });
  // Traces of simulated runs go to the page, which draws them; nothing is written anywhere.
  kitTesting.setTraceSink(({ test, seed, trace, failed }) => {
    emit({ type: 'trace', test, seed, failed, trace: JSON.parse(JSON.stringify(trace)) as typeof trace });
    return undefined;
  });

  try {
    for (const file of testFiles) {
      currentFile = file;
      emit({ type: 'file-start', file });
      runner.registry = new ModuleRegistry(files, BUILTINS, compileCache, globals, { learnerFiles: request.learnerFiles });
      state!.filepath = LAB_ROOT + file;
      let task: RunnerTestFile | undefined;
      try {
        [task] = await startTests([LAB_ROOT + file], runner);
      } catch (e) {
        const error = plainError(e, files);
        fileErrors.push({ file, error });
        emit({ type: 'file-error', file, error });
        continue;
      } finally {
        vi.resetConfig();
        vi.restoreAllMocks();
        vi.useRealTimers();
      }
      if (!task) continue;
      for (const err of suiteErrorsOf(task)) {
        const error = toRunError(err, mapFrame, sourceOf);
        fileErrors.push({ file, error });
        emit({ type: 'file-error', file, error });
      }
      for (const test of testsOf(task)) {
        let result = reported.get(test.id);
        if (!result) {
          // Skipped tests (filter, .skip, .todo) never reach onAfterRunTask.
          result = testResult(test, file, mapFrame, sourceOf);
          reported.set(test.id, result);
          emit({ type: 'test-end', ...result });
        }
        results.push(result);
      }
    }
  } finally {
    emitConsole = null;
  }
  const passed = results.filter((t) => t.state === 'pass').length;
  const failed = results.filter((t) => t.state === 'fail').length;
  const skipped = results.length - passed - failed;
  return {
    state: failed > 0 || fileErrors.length > 0 ? 'fail' : 'pass',
    passed,
    failed,
    skipped,
    tests: results,
    fileErrors,
    durationMs: Math.round(performance.now() - started),
  };
}
