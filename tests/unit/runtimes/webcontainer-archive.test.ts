/**
 * The prepared node_modules archive and the WebContainer runtime, checked in plain Node:
 * the archive is built (src/cli/webcontainer-deps.ts), unpacked into a temp folder with the
 * same code the page uses (prepare.ts, tar.ts), and the WebContainer runtime runs real
 * `vitest run` there through a Node stand-in for the container (node-container.ts).
 * rolldown runs on its WebAssembly binding (NAPI_RS_FORCE_WASI=error; the archive holds
 * no native binary), as it must inside a WebContainer. Results must equal the project's
 * own run (parity.ts runInNode): same tests, states, errors, diffs and locations.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLabDeps, type BuiltDeps } from '../../../src/cli/webcontainer-deps.ts';
import { compareRuns, readLab, runInNode } from '../../../src/runtimes/parity.ts';
import type { RunEvent, RunSummary } from '../../../src/runtimes/runtime.ts';
import { createNodeContainer, type NodeContainer } from '../../../src/runtimes/webcontainer/node-container.ts';
import { prepareProject } from '../../../src/runtimes/webcontainer/prepare.ts';
import { readTar } from '../../../src/runtimes/webcontainer/tar.ts';
import { createWebContainerRuntime, type WebContainerRuntime } from '../../../src/runtimes/webcontainer/webcontainer-runtime.ts';

const LAB = 'labs/lamport-clocks';

/** The lab folder as the workspace hands it to a runtime (lab-bundle.ts labFiles). */
function lamport(impl: 'solution' | 'starter'): Record<string, string> {
  const read = (p: string) => readFileSync(join(LAB, p), 'utf8');
  return {
    'cluster.ts': read('support/cluster.ts'),
    'lamport.ts': read(`${impl}/lamport.ts`),
    'tests/lamport.test.ts': read('tests/lamport.test.ts'),
  };
}

describe('WebContainer lab deps archive and runtime (in plain Node)', { timeout: 120_000 }, () => {
  let built: BuiltDeps;
  let container: NodeContainer;
  let runtime: WebContainerRuntime;

  beforeAll(async () => {
    built = await buildLabDeps();
    container = createNodeContainer();
    await prepareProject(container, built.gz);
    runtime = createWebContainerRuntime({ container, graceMs: 1500 });
  }, 180_000);
  afterAll(async () => {
    runtime?.dispose();
    await container?.dispose();
  });

  async function run(files: Record<string, string>, request: Parameters<WebContainerRuntime['run']>[0] = { kind: 'test' }) {
    await runtime.reset(files);
    const events: RunEvent[] = [];
    const summary = await runtime.run(request, (e) => events.push(e)).done;
    return { summary, events };
  }

  it('holds exactly the run-time packages, with no native binary', () => {
    const paths = readTar(built.tar).map((e) => e.path);
    expect(paths.filter((p) => p.endsWith('.node'))).toEqual([]);
    expect(built.manifest.packages.map((p) => p.replace(/@[^@]+$/, ''))).toEqual(
      expect.arrayContaining(['vitest', 'vite', 'rolldown', '@rolldown/binding-wasm32-wasi', 'fast-check']),
    );
    expect(built.manifest.packages.some((p) => /binding-linux|lightningcss-linux|@esbuild\//.test(p))).toBe(false);
    expect(paths).toEqual(expect.arrayContaining(['node_modules/faultlines/index.js', 'node_modules/faultlines/testing.js', '.faultlines/reporter.mjs', '.faultlines/setup.mjs']));
    expect(paths.some((p) => p.endsWith('.d.ts'))).toBe(false);
    // A size budget: about 6 MB gzip today (rolldown's wasm is 12 MB of the 21 MB unpacked).
    expect(built.manifest.bytes).toBeLessThan(12 * 1024 * 1024);
  });

  for (const impl of ['solution', 'starter'] as const) {
    it(`runs the Lamport lab's ${impl} with the same results as the project's own vitest run`, async () => {
      const files = lamport(impl);
      const [{ summary, events }, expected] = await Promise.all([run(files), runInNode(files)]);
      expect(compareRuns(expected, summary, ['project', 'container'])).toEqual([]);
      expect(summary.tests.map((t) => [t.fullName, t.state])).toEqual(expected.tests.map((t) => [t.fullName, t.state]));
      expect(summary.tests.length).toBeGreaterThan(10);
      // Streamed as it ran, in the runtime's event model, ending with `done`.
      expect(events.filter((e) => e.type === 'test-end')).toHaveLength(summary.tests.length);
      expect(events.filter((e) => e.type === 'test-start').length).toBe(summary.tests.length);
      expect(events.at(-1)).toEqual({ type: 'done', summary });
      if (impl === 'solution') expect(summary.state).toBe('pass');
      else {
        expect(summary.failed).toBeGreaterThan(0);
        // Failing seeded tests send their trace to the page ("Show run"), as in the browser runtime.
        expect(events.some((e) => e.type === 'trace' && e.failed)).toBe(true);
      }
    });
  }

  it('runs the runtime fixtures with the same results as the project (modules, mocks, hooks, diffs)', async () => {
    for (const fixture of ['counter', 'modules']) {
      const files = await readLab(`tests/fixtures/runtime/${fixture}`);
      const [{ summary }, expected] = await Promise.all([run(files), runInNode(files)]);
      expect(compareRuns(expected, summary, ['project', 'container']), fixture).toEqual([]);
    }
  });

  it('applies filter, files and env', async () => {
    const { summary } = await run(lamport('solution'), { kind: 'test', filter: 'rule by rule', env: { FAULTLINES_SEED: '3' } });
    const ran = summary.tests.filter((t) => t.state !== 'skip');
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((t) => t.fullName.includes('rule by rule'))).toBe(true);
  });

  it('stops a test that never returns, names it, and runs again afterwards', async () => {
    const files = await readLab('tests/fixtures/runtime/hang');
    const t0 = performance.now();
    const { summary, events } = await run(files, { kind: 'test', testTimeout: 1000 });
    expect(performance.now() - t0).toBeLessThan(20_000);
    const hung = events.find((e) => e.type === 'hung');
    expect(hung).toMatchObject({ reason: 'timeout', fullName: 'loops forever', file: 'loop.test.ts' });
    expect(summary.tests.find((t) => t.fullName === 'loops forever')).toMatchObject({ state: 'fail', errors: [{ name: 'HungTestError' }] });
    expect(summary.tests.find((t) => t.fullName === 'finishes first')?.state).toBe('pass');
    const again = await run(lamport('solution'), { kind: 'test', filter: 'rule by rule' });
    expect(again.summary.passed).toBeGreaterThan(0);
  });

  it('runs realnet from the archive (the bundled CLI and node program, as `npm run realnet` in the container)', async () => {
    const proc = await container.spawn('node', ['.faultlines/realnet.mjs', 'gossip', '--nodes', '2', '--node-script', '.faultlines/realnet-node.mjs', '--dir', '.faultlines/realnet-data'], {});
    const writer = proc.input.getWriter();
    await writer.write('send n1 {"type":"add","value":9}\nwait 400\nsend n2 {"type":"read"}\nkill n2\nrestart n2\nsend n2 {"type":"read"}\nquit\n');
    let out = '';
    const reading = proc.output.pipeTo(new WritableStream({ write: (c) => void (out += c) }));
    expect(await proc.exit, out).toBe(0);
    await reading;
    expect(out.match(/\{"type":"read_ok","values":\[9\]\}/g)?.length, out).toBe(2);
  });

  it('cancel() kills the run', async () => {
    await runtime.reset(await readLab('tests/fixtures/runtime/hang'));
    const events: RunEvent[] = [];
    const handle = runtime.run({ kind: 'test', testTimeout: 60_000 }, (e) => events.push(e));
    // Wait until Vitest runs the file (the endless test follows at once), then cancel.
    const started = performance.now();
    while (!events.some((e) => e.type === 'file-start') && performance.now() - started < 30_000) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    const t0 = performance.now();
    handle.cancel();
    const summary: RunSummary = await handle.done;
    expect(summary.state).toBe('cancelled');
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(events.at(-1)?.type).toBe('done');
  });
});
