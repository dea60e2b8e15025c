import { describe, expect, it } from 'vitest';
import { chooseRuntime, decide, detectCapabilities, readPreference, savePreference, type Capabilities, type RuntimeStatus } from '../../../src/runtimes/choose.ts';
import type { LabRuntime, RunEvent, RunSummary } from '../../../src/runtimes/runtime.ts';
import type { Container } from '../../../src/runtimes/webcontainer/webcontainer-runtime.ts';

const desktopChrome: Capabilities = { isolated: true, sharedArrayBuffer: true, engine: 'chromium', mobile: false, ios: false, online: true };

describe('decide: the capability matrix', () => {
  const cases: [string, Partial<Capabilities>, 'auto' | 'browser' | 'webcontainer', 'browser' | 'webcontainer', boolean, RegExp][] = [
    ['auto, desktop Chromium, isolated', {}, 'auto', 'webcontainer', false, /Chromium/],
    ['auto, not isolated', { isolated: false }, 'auto', 'browser', false, /not cross-origin isolated/],
    ['auto, no SharedArrayBuffer', { sharedArrayBuffer: false }, 'auto', 'browser', false, /SharedArrayBuffer/],
    ['auto, offline', { online: false }, 'auto', 'browser', false, /offline/],
    ['auto, iOS', { ios: true, engine: 'webkit' }, 'auto', 'browser', false, /iOS/],
    ['auto, iPadOS Chrome (WebKit inside)', { ios: true, engine: 'webkit' }, 'auto', 'browser', false, /iPadOS/],
    ['auto, Android Chrome', { mobile: true }, 'auto', 'browser', false, /desktop/],
    ['auto, Firefox', { engine: 'firefox' }, 'auto', 'browser', false, /beta on Firefox/],
    ['auto, Safari', { engine: 'webkit' }, 'auto', 'browser', false, /beta on Safari/],
    ['auto, unknown engine', { engine: 'other' }, 'auto', 'browser', false, /Chromium/],
    ['browser chosen, even where WebContainer would work', {}, 'browser', 'browser', false, /you chose/],
    ['webcontainer chosen in Firefox: tried', { engine: 'firefox' }, 'webcontainer', 'webcontainer', false, /you chose/],
    ['webcontainer chosen on iOS: tried', { ios: true, engine: 'webkit' }, 'webcontainer', 'webcontainer', false, /you chose/],
    ['webcontainer chosen, not isolated: a fallback', { isolated: false }, 'webcontainer', 'browser', true, /not cross-origin isolated/],
    ['webcontainer chosen, no SharedArrayBuffer: a fallback', { sharedArrayBuffer: false }, 'webcontainer', 'browser', true, /SharedArrayBuffer/],
    ['webcontainer chosen, offline: a fallback', { online: false }, 'webcontainer', 'browser', true, /offline/],
  ];
  for (const [name, caps, pref, use, fallback, reason] of cases) {
    it(name, () => {
      const d = decide(pref, { ...desktopChrome, ...caps });
      expect(d.use).toBe(use);
      expect(d.fallback).toBe(fallback);
      expect(d.reason).toMatch(reason);
      expect(d.reason).not.toMatch(/\n|!|error/i);
    });
  }
});

describe('detectCapabilities', () => {
  const ua = {
    chrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
    edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0',
    firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0',
    safari: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/19.0 Safari/605.1.15',
    iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 19_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/142.0 Mobile/15E148 Safari/604.1',
    android: 'Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36',
  };
  const caps = (userAgent: string, extra: object = {}) =>
    detectCapabilities({ crossOriginIsolated: true, SharedArrayBuffer, navigator: { userAgent, onLine: true, ...extra } });
  it('tells the engines and platforms apart', () => {
    expect(caps(ua.chrome)).toEqual(desktopChrome);
    expect(caps(ua.edge).engine).toBe('chromium');
    expect(caps(ua.firefox).engine).toBe('firefox');
    expect(caps(ua.safari)).toMatchObject({ engine: 'webkit', ios: false });
    expect(caps(ua.iphone)).toMatchObject({ engine: 'webkit', ios: true, mobile: false });
    expect(caps(ua.safari, { maxTouchPoints: 5 })).toMatchObject({ ios: true }); // iPadOS says it is a Mac
    expect(caps(ua.android)).toMatchObject({ engine: 'chromium', mobile: true });
    expect(caps(ua.chrome, { onLine: false }).online).toBe(false);
  });
  it('reads isolation and SharedArrayBuffer', () => {
    expect(detectCapabilities({ crossOriginIsolated: false, navigator: { userAgent: ua.chrome } })).toMatchObject({ isolated: false, sharedArrayBuffer: false });
  });
});

describe('the preference', () => {
  const store = (init: Record<string, string> = {}) => {
    const m = new Map(Object.entries(init));
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
  };
  it('URL beats storage beats the default; junk is ignored', () => {
    expect(readPreference('?runtime=webcontainer', store({ 'faultlines:runtime': 'browser' }))).toEqual({ preference: 'webcontainer', from: 'url' });
    expect(readPreference('?runtime=nonsense', store({ 'faultlines:runtime': 'browser' }))).toEqual({ preference: 'browser', from: 'storage' });
    expect(readPreference('', store({ 'faultlines:runtime': 'junk' }))).toEqual({ preference: 'auto', from: 'default' });
    expect(readPreference('', null)).toEqual({ preference: 'auto', from: 'default' });
    const throwing = { getItem: () => { throw new Error('denied'); } };
    expect(readPreference('', throwing).preference).toBe('auto');
  });
  it('is saved, and auto clears it', () => {
    const s = store();
    expect(savePreference('webcontainer', s)).toBe(true);
    expect(s.m.get('faultlines:runtime')).toBe('webcontainer');
    savePreference('auto', s);
    expect(s.m.has('faultlines:runtime')).toBe(false);
  });
});

/** A runtime that records what it got and passes every run. */
function fakeRuntime(kind: 'browser' | 'webcontainer') {
  const got: { files: Record<string, string>; runs: number } = { files: {}, runs: 0 };
  const rt: LabRuntime = {
    kind,
    async reset(f) {
      got.files = { ...f };
    },
    async update(p, c) {
      got.files[p] = c;
    },
    run(_req, sink) {
      got.runs++;
      const summary: RunSummary = { state: 'pass', passed: 1, failed: 0, skipped: 0, tests: [], fileErrors: [], durationMs: 1 };
      sink({ type: 'done', summary });
      return { cancel() {}, done: Promise.resolve(summary) };
    },
    dispose() {},
  };
  return { rt, got };
}

describe('chooseRuntime', () => {
  it('starts nothing until warmed, then falls back calmly when the WebContainer does not boot in time', async () => {
    const browser = fakeRuntime('browser');
    const statuses: RuntimeStatus[] = [];
    let boots = 0;
    const rt = chooseRuntime({
      createBrowser: () => browser.rt,
      capabilities: desktopChrome,
      bootTimeoutMs: 50,
      startWebContainer: ({ bootTimeoutMs }) => {
        boots++;
        return new Promise<Container>((_, fail) => setTimeout(() => fail(Object.assign(new Error(`WebContainer did not start within ${bootTimeoutMs} ms`), { name: 'WebContainerUnavailable' })), bootTimeoutMs));
      },
      onStatus: (s) => statuses.push(s),
    });
    await rt.reset({ 'a.ts': '1' });
    expect(rt.started).toBe(false);
    expect(boots).toBe(0);
    expect(rt.status.text).toBe('Runtime: picked when the lab starts');
    const events: RunEvent[] = [];
    await rt.update('a.ts', '2');
    const summary = await rt.run({ kind: 'test' }, (e) => events.push(e)).done;
    expect(summary.state).toBe('pass');
    expect(boots).toBe(1);
    expect(browser.got.files).toEqual({ 'a.ts': '2' });
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'browser']);
    expect(rt.status.text).toBe('Running tests in this browser: WebContainer did not start within 50 ms');
    expect(rt.kind).toBe('browser');
    rt.warm();
    expect(boots).toBe(1); // once per page
  });

  it('uses the WebContainer runtime when it starts', async () => {
    const wc = fakeRuntime('webcontainer');
    const rt = chooseRuntime({
      createBrowser: () => { throw new Error('not this one'); },
      capabilities: desktopChrome,
      startWebContainer: async () => ({}) as Container,
      createWebContainerRuntime: () => wc.rt,
    });
    await rt.reset({ 'x.ts': 'x' });
    rt.warm();
    await rt.run({ kind: 'test' }, () => {}).done;
    expect(wc.got.runs).toBe(1);
    expect(wc.got.files).toEqual({ 'x.ts': 'x' });
    expect(rt.status).toMatchObject({ state: 'webcontainer', text: 'Runtime: Node.js in a WebContainer (StackBlitz)' });
  });

  it('never tries WebContainer in auto mode on a page that is not isolated', async () => {
    const browser = fakeRuntime('browser');
    const rt = chooseRuntime({
      createBrowser: () => browser.rt,
      capabilities: { ...desktopChrome, isolated: false },
      startWebContainer: () => { throw new Error('must not be called'); },
    });
    await rt.run({ kind: 'test' }, () => {}).done;
    expect(rt.status).toMatchObject({ state: 'browser', text: 'Runtime: in this browser (offline)', reason: 'this page is not cross-origin isolated' });
  });

  it('in auto mode, a site without the WebContainer files is no fallback worth a notice; asked for, it is', async () => {
    const notOffered = () => Promise.reject(Object.assign(new Error('this site does not offer WebContainer'), { name: 'WebContainerUnavailable', notOffered: true }));
    const auto = chooseRuntime({ createBrowser: () => fakeRuntime('browser').rt, capabilities: desktopChrome, startWebContainer: notOffered });
    await auto.run({ kind: 'test' }, () => {}).done;
    expect(auto.status).toMatchObject({ state: 'browser', text: 'Runtime: in this browser (offline)', reason: 'this site does not offer WebContainer' });
    const asked = chooseRuntime({ createBrowser: () => fakeRuntime('browser').rt, capabilities: desktopChrome, preference: 'webcontainer', startWebContainer: notOffered });
    await asked.run({ kind: 'test' }, () => {}).done;
    expect(asked.status.text).toBe('Running tests in this browser: this site does not offer WebContainer');
  });

  it('says why when the learner asked for WebContainer and the page cannot have it', () => {
    const rt = chooseRuntime({ createBrowser: () => fakeRuntime('browser').rt, preference: 'webcontainer', capabilities: { ...desktopChrome, isolated: false } });
    expect(rt.status.text).toBe('Running tests in this browser: this page is not cross-origin isolated');
  });

  it('a run cancelled while the runtime starts ends at once', async () => {
    const rt = chooseRuntime({ createBrowser: () => fakeRuntime('browser').rt, capabilities: desktopChrome, startWebContainer: () => new Promise(() => {}) });
    const events: RunEvent[] = [];
    const handle = rt.run({ kind: 'test' }, (e) => events.push(e));
    handle.cancel();
    expect((await handle.done).state).toBe('cancelled');
    expect(events).toHaveLength(1);
  });
});

describe('the interactive shell', () => {
  it('is the WebContainer runtime\'s jsh once it runs there, and absent with the browser runtime', async () => {
    const wc = fakeRuntime('webcontainer');
    const sizes: { cols: number; rows: number }[] = [];
    const proc = { output: new ReadableStream<string>(), input: new WritableStream<string>(), exit: new Promise<number>(() => {}), kill() {} };
    const withShell = Object.assign(wc.rt, { shell: async (size: { cols: number; rows: number }) => (sizes.push(size), proc) });
    const rt = chooseRuntime({
      createBrowser: () => { throw new Error('not this one'); },
      capabilities: desktopChrome,
      startWebContainer: async () => ({}) as Container,
      createWebContainerRuntime: () => withShell,
    });
    expect(rt.interactiveShell({ cols: 80, rows: 24 })).toBeNull(); // nothing started yet
    await rt.run({ kind: 'test' }, () => {}).done;
    expect(await rt.interactiveShell({ cols: 100, rows: 30 })).toBe(proc);
    expect(sizes).toEqual([{ cols: 100, rows: 30 }]);

    const browser = fakeRuntime('browser');
    const inBrowser = chooseRuntime({ createBrowser: () => browser.rt, capabilities: { ...desktopChrome, isolated: false } });
    await inBrowser.run({ kind: 'test' }, () => {}).done;
    expect(inBrowser.interactiveShell({ cols: 80, rows: 24 })).toBeNull();
  });
});
