/**
 * The page side of the browser runtime with fake workers (Node's MessageChannel): what it
 * accepts as a run's results, and that every run gets a fresh worker.
 */
import { describe, expect, it } from 'vitest';
import { createBrowserRuntime } from '../../../src/runtimes/browser/browser-runtime.ts';
import type { ToWorker } from '../../../src/runtimes/browser/protocol.ts';
import type { RunEvent, RunSummary, TestResult } from '../../../src/runtimes/runtime.ts';

/** A stand-in for the worker: records what the page sends; the test plays the worker's part. */
class FakeWorker {
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: ((e: { preventDefault(): void; message: string }) => void) | null = null;
  received: ToWorker[] = [];
  port: MessagePort | null = null;
  terminated = false;
  postMessage(msg: ToWorker, transfer: MessagePort[] = []): void {
    this.received.push(msg);
    if (msg.type === 'run') this.port = transfer[0] ?? null;
  }
  terminate(): void {
    this.terminated = true;
  }
  /** A message on the worker's own channel (what `self.postMessage` in lab code would send). */
  global(data: unknown): void {
    this.onmessage?.({ data });
  }
  get nonce(): string {
    const run = this.received.find((m) => m.type === 'run');
    if (!run || run.type !== 'run') throw new Error('no run yet');
    return run.nonce;
  }
  /** An event on the run's private port. */
  send(event: RunEvent, nonce = this.nonce): void {
    this.port!.postMessage({ nonce, event });
  }
}

const pass = (name: string): TestResult => ({ name, fullName: name, file: 'a.test.ts', state: 'pass', durationMs: 1, errors: [] });
const fail = (name: string): TestResult => ({ ...pass(name), state: 'fail', errors: [{ name: 'AssertionError', message: 'no', frames: [] }] });
const forged: RunSummary = { state: 'pass', passed: 106, failed: 0, skipped: 0, tests: [pass('x')], fileErrors: [], durationMs: 1 };
const tick = () => new Promise((ok) => setTimeout(ok, 0));

function setup() {
  const workers: FakeWorker[] = [];
  const rt = createBrowserRuntime({
    createWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w as unknown as Worker;
    },
  });
  return { rt, workers };
}

describe('browser runtime (page side)', () => {
  it('accepts results only on the run port, with the run nonce, and tallies them itself', async () => {
    const { rt, workers } = setup();
    await rt.reset({ 'a.test.ts': '' });
    const events: RunEvent[] = [];
    const handle = rt.run({ kind: 'test' }, (e) => events.push(e));
    const w = workers[0]!;
    w.global({ type: 'ready' });
    expect(w.nonce).toMatch(/^[0-9a-f]{32}$/);

    // Lab code's postMessage lands on the worker's own channel: ignored, whatever it says.
    w.global({ type: 'event', runId: 1, event: { type: 'done', summary: forged } });
    w.global({ nonce: w.nonce, event: { type: 'done', summary: forged } });
    // A wrong nonce on the port: ignored.
    w.send({ type: 'test-end', ...pass('forged') }, 'not-the-nonce');
    w.send({ type: 'done', summary: forged }, 'not-the-nonce');
    await tick();

    w.send({ type: 'test-start', file: 'a.test.ts', fullName: 'one', timeoutMs: 5000 });
    w.send({ type: 'test-end', ...pass('one') });
    w.send({ type: 'test-end', ...fail('two') });
    // The worker's own summary says every test passed: the page keeps its own count.
    w.send({ type: 'done', summary: forged });
    const summary = await handle.done;
    expect(summary).toMatchObject({ state: 'fail', passed: 1, failed: 1, skipped: 0 });
    expect(summary.tests.map((t) => t.fullName)).toEqual(['one', 'two']);
    expect(events.filter((e) => e.type === 'test-end').map((e) => (e as TestResult).fullName)).toEqual(['one', 'two']);
    rt.dispose();
  });

  it('gives every run a fresh worker: the used one is terminated, the next run takes the spare', async () => {
    const { rt, workers } = setup();
    await rt.reset({ 'a.test.ts': 'x' });
    // A spare starts with the runtime and is told the files to compile ahead.
    expect(workers).toHaveLength(1);
    expect(workers[0]!.received).toEqual([{ type: 'prepare', files: { 'a.test.ts': 'x' } }]);

    const first = rt.run({ kind: 'test' }, () => {});
    workers[0]!.global({ type: 'ready' });
    workers[0]!.send({ type: 'test-end', ...pass('one') });
    workers[0]!.send({ type: 'done', summary: forged });
    expect((await first.done).passed).toBe(1);
    expect(workers[0]!.terminated).toBe(true);
    // The spare for the next run is already started (and compiling).
    expect(workers).toHaveLength(2);
    expect(workers[1]!.terminated).toBe(false);

    const second = rt.run({ kind: 'test' }, () => {});
    expect(workers[1]!.received.map((m) => m.type)).toEqual(['prepare', 'run']);
    expect(workers[1]!.nonce).not.toBe(workers[0]!.nonce);
    // The old worker's port is closed and forgotten: nothing it sends counts any more.
    workers[0]!.send({ type: 'test-end', ...pass('late') });
    workers[1]!.global({ type: 'ready' });
    workers[1]!.send({ type: 'test-end', ...fail('one') });
    workers[1]!.send({ type: 'done', summary: forged });
    expect(await second.done).toMatchObject({ state: 'fail', passed: 0, failed: 1 });
    rt.dispose();
    expect(workers.every((w) => w.terminated)).toBe(true);
  });

  it('a run that ends early (cancelled) is never a pass, and its worker is gone', async () => {
    const { rt, workers } = setup();
    const handle = rt.run({ kind: 'test' }, () => {});
    workers[0]!.global({ type: 'ready' });
    workers[0]!.send({ type: 'test-end', ...pass('one') });
    await tick();
    handle.cancel();
    expect(await handle.done).toMatchObject({ state: 'cancelled', passed: 1 });
    expect(workers[0]!.terminated).toBe(true);
    rt.dispose();
  });
});
