/**
 * Choosing where a lab's tests run: the browser runtime (a Web Worker, offline, always
 * there) or a WebContainer (real Node.js from StackBlitz, where the browser allows it).
 *
 * - The learner's preference: `?runtime=browser|webcontainer|auto` in the URL wins, then
 *   localStorage `faultlines:runtime` (`auto` | `browser` | `webcontainer`), then `auto`.
 * - {@link decide} (pure) turns the preference and the browser's capabilities into a
 *   decision. `auto` picks WebContainer only on a cross-origin isolated page with
 *   SharedArrayBuffer, in a Chromium-based desktop browser, online; never on iOS/iPadOS,
 *   where it is unstable; Firefox and Safari (beta support) only when the learner asks.
 * - {@link chooseRuntime} returns a runtime at once (nothing starts until the learner
 *   starts the lab, like lazy-runtime.ts) and, on the first `warm()` or run, starts the
 *   WebContainer within a timeout, else falls back to the browser runtime. Runs asked for
 *   meanwhile wait. The status says which runtime runs the tests, and why, in one line.
 *
 * See README.md ("Choosing the runtime") for why the default is what it is.
 * @module
 */
import type { LazyRuntime } from './lazy-runtime.ts';
import type { LabRuntime, RunEvent, RunHandle, RunRequest, RunSummary } from './runtime.ts';
import type { Container } from './webcontainer/webcontainer-runtime.ts';

export type RuntimePreference = 'auto' | 'browser' | 'webcontainer';
export const PREFERENCE_KEY = 'faultlines:runtime';
const PREFERENCES: readonly RuntimePreference[] = ['auto', 'browser', 'webcontainer'];

/** What the browser offers, as far as WebContainer cares. */
export interface Capabilities {
  /** `crossOriginIsolated` (COOP + COEP headers, from the host or the service worker). */
  isolated: boolean;
  sharedArrayBuffer: boolean;
  engine: 'chromium' | 'firefox' | 'webkit' | 'other';
  /** A phone or tablet (other than iOS, which is {@link ios}). */
  mobile: boolean;
  /** iPhone, iPad (also iPadOS that says it is a Mac), iPod: every browser there is WebKit. */
  ios: boolean;
  online: boolean;
}

export interface Decision {
  /** What to start. `webcontainer` may still fall back (timeout, no archive, an error). */
  use: 'browser' | 'webcontainer';
  /** Why, in a few calm words (completes "Running tests in this browser: ..."). */
  reason: string;
  /** True when WebContainer was wanted (asked for, or auto would have liked it) but is not used. */
  fallback: boolean;
}

/** The pure decision over the capability matrix. */
export function decide(preference: RuntimePreference, caps: Capabilities): Decision {
  const browser = (reason: string, fallback: boolean): Decision => ({ use: 'browser', reason, fallback });
  if (preference === 'browser') return browser('you chose this browser', false);
  const forced = preference === 'webcontainer';
  // Hard requirements: without them WebContainer cannot run at all, whatever the learner asks.
  if (!caps.isolated) return browser('this page is not cross-origin isolated', forced);
  if (!caps.sharedArrayBuffer) return browser('this browser has no SharedArrayBuffer', forced);
  if (!caps.online) return browser('you are offline, and WebContainer needs StackBlitz', forced);
  if (forced) return { use: 'webcontainer', reason: 'you chose WebContainer', fallback: false };
  // auto: only where WebContainer is known to be solid.
  if (caps.ios) return browser('WebContainer is not reliable on iOS and iPadOS', false);
  if (caps.mobile) return browser('WebContainer is meant for desktop browsers', false);
  if (caps.engine === 'firefox') return browser('WebContainer is in beta on Firefox (choose it to try)', false);
  if (caps.engine === 'webkit') return browser('WebContainer is in beta on Safari (choose it to try)', false);
  if (caps.engine !== 'chromium') return browser('WebContainer supports Chromium-based browsers best', false);
  return { use: 'webcontainer', reason: 'a Chromium-based browser on a cross-origin isolated page', fallback: false };
}

interface NavigatorLike {
  userAgent: string;
  maxTouchPoints?: number;
  onLine?: boolean;
  userAgentData?: { brands?: { brand: string }[]; mobile?: boolean };
}

/** Reads the capabilities of this page and browser. */
export function detectCapabilities(g: { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown; navigator?: NavigatorLike } = globalThis as never): Capabilities {
  const nav = g.navigator ?? { userAgent: '' };
  const ua = nav.userAgent;
  const ios = /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && (nav.maxTouchPoints ?? 0) > 1);
  const brands = nav.userAgentData?.brands?.map((b) => b.brand) ?? [];
  const engine: Capabilities['engine'] = ios
    ? 'webkit'
    : brands.includes('Chromium') || /Chrome\/|Chromium\/|Edg\//.test(ua)
      ? 'chromium'
      : /Firefox\//.test(ua)
        ? 'firefox'
        : /AppleWebKit\//.test(ua)
          ? 'webkit'
          : 'other';
  return {
    isolated: g.crossOriginIsolated === true,
    sharedArrayBuffer: typeof g.SharedArrayBuffer === 'function',
    engine,
    mobile: !ios && (nav.userAgentData?.mobile ?? /Android|Mobile/.test(ua)),
    ios,
    online: nav.onLine !== false,
  };
}

const isPreference = (v: unknown): v is RuntimePreference => PREFERENCES.includes(v as RuntimePreference);

/** The preference in force: the URL's `?runtime=`, then localStorage, then `auto`. */
export function readPreference(search: string, storage: Pick<Storage, 'getItem'> | null): { preference: RuntimePreference; from: 'url' | 'storage' | 'default' } {
  const fromUrl = new URLSearchParams(search).get('runtime');
  if (isPreference(fromUrl)) return { preference: fromUrl, from: 'url' };
  let stored: string | null = null;
  try {
    stored = storage?.getItem(PREFERENCE_KEY) ?? null;
  } catch {
    stored = null;
  }
  if (isPreference(stored)) return { preference: stored, from: 'storage' };
  return { preference: 'auto', from: 'default' };
}

/** Saves the learner's choice (`auto` removes it). Returns false when storage refuses. */
export function savePreference(preference: RuntimePreference, storage: Pick<Storage, 'setItem' | 'removeItem'> | null): boolean {
  try {
    if (preference === 'auto') storage?.removeItem(PREFERENCE_KEY);
    else storage?.setItem(PREFERENCE_KEY, preference);
    return storage !== null;
  } catch {
    return false;
  }
}

/** What the status line shows. */
export interface RuntimeStatus {
  state: 'idle' | 'starting' | 'browser' | 'webcontainer';
  /** One calm line, e.g. "Runtime: in this browser (offline)". */
  text: string;
  /** The decision's reason (for a tooltip), or the fallback's. */
  reason: string;
  preference: RuntimePreference;
}

export interface ChooseOptions {
  createBrowser: () => LabRuntime;
  /** Boots and prepares a WebContainer. Default: ./webcontainer/boot.ts, imported only when needed. */
  startWebContainer?: (opts: { bootTimeoutMs: number }) => Promise<Container>;
  /** Default: ./webcontainer/webcontainer-runtime.ts, imported only when needed. */
  createWebContainerRuntime?: (container: Container) => LabRuntime | Promise<LabRuntime>;
  preference?: RuntimePreference;
  capabilities?: Capabilities;
  /** How long the WebContainer may take to boot before the browser runtime takes over. Default 20000 ms. */
  bootTimeoutMs?: number;
  onStatus?: (status: RuntimeStatus) => void;
}

export interface ChosenRuntime extends LazyRuntime {
  readonly status: RuntimeStatus;
  readonly decision: Decision;
  /**
   * The runtime's own interactive shell on a pseudo-terminal (WebContainer's jsh), or null
   * when the runtime in use has none (the browser runtime).
   */
  interactiveShell(size: { cols: number; rows: number }): Promise<InteractiveShellProcess> | null;
}

/** A process with a pseudo-terminal, as WebContainer's spawn returns it. */
export interface InteractiveShellProcess {
  output: ReadableStream<string>;
  input: WritableStream<string>;
  exit: Promise<number>;
  kill(): void;
  resize?(dimensions: { cols: number; rows: number }): void;
}

export const STATUS_TEXT = {
  idle: 'Runtime: picked when the lab starts',
  browser: 'Runtime: in this browser (offline)',
  starting: 'Runtime: starting Node.js in a WebContainer…',
  webcontainer: 'Runtime: Node.js in a WebContainer (StackBlitz)',
} as const;

/** A runtime that decides between WebContainer and the browser when the lab starts. */
export function chooseRuntime(opts: ChooseOptions): ChosenRuntime {
  const preference = opts.preference ?? 'auto';
  const decision = decide(preference, opts.capabilities ?? detectCapabilities());
  const bootTimeoutMs = opts.bootTimeoutMs ?? 20_000;
  let files: Record<string, string> = {};
  let real: LabRuntime | null = null;
  let pending: Promise<LabRuntime> | null = null;
  let disposed = false;
  let status: RuntimeStatus = {
    state: 'idle',
    text: decision.use === 'webcontainer' ? STATUS_TEXT.idle : decision.fallback ? `Running tests in this browser: ${decision.reason}` : STATUS_TEXT.browser,
    reason: decision.reason,
    preference,
  };
  const setStatus = (next: Omit<RuntimeStatus, 'preference'>) => {
    status = { ...next, preference };
    opts.onStatus?.(status);
  };

  const adopt = async (rt: LabRuntime): Promise<LabRuntime> => {
    await rt.reset({ ...files });
    real = rt;
    return rt;
  };
  const browserRuntime = (reason: string, fallback: boolean): Promise<LabRuntime> => {
    setStatus({ state: 'browser', text: fallback ? `Running tests in this browser: ${reason}` : STATUS_TEXT.browser, reason });
    return adopt(opts.createBrowser());
  };

  function start(): Promise<LabRuntime> {
    if (real) return Promise.resolve(real);
    pending ??= (async () => {
      if (decision.use === 'browser') return browserRuntime(decision.reason, decision.fallback);
      setStatus({ state: 'starting', text: STATUS_TEXT.starting, reason: decision.reason });
      try {
        const startWc = opts.startWebContainer ?? (async (o: { bootTimeoutMs: number }) => (await import('./webcontainer/boot.ts')).startWebContainer(o));
        const container = await startWc({ bootTimeoutMs });
        const make =
          opts.createWebContainerRuntime ?? (async (c: Container) => (await import('./webcontainer/webcontainer-runtime.ts')).createWebContainerRuntime({ container: c }));
        const rt = await make(container);
        if (disposed) {
          rt.dispose();
          return rt;
        }
        setStatus({ state: 'webcontainer', text: STATUS_TEXT.webcontainer, reason: decision.reason });
        return adopt(rt);
      } catch (e) {
        const known = e instanceof Error && e.name === 'WebContainerUnavailable';
        const reason = known ? e.message : `WebContainer could not start (${e instanceof Error ? e.message : String(e)})`;
        // In auto mode, a site that does not offer WebContainer is the normal case, not a fallback.
        const notOffered = known && (e as { notOffered?: boolean }).notOffered === true;
        return browserRuntime(reason, !(notOffered && preference === 'auto'));
      }
    })();
    return pending;
  }

  return {
    get kind() {
      return real?.kind ?? decision.use;
    },
    get started() {
      return pending !== null;
    },
    get status() {
      return status;
    },
    decision,
    interactiveShell(size) {
      const withShell = real as (LabRuntime & { shell?: (s: { cols: number; rows: number }) => Promise<InteractiveShellProcess> }) | null;
      return withShell?.shell ? withShell.shell(size) : null;
    },
    warm: () => void start(),
    async reset(next) {
      files = { ...next };
      if (real) await real.reset(next);
    },
    async update(path, content) {
      files = { ...files, [path]: content };
      if (real) await real.update(path, content);
    },
    run(request: RunRequest, sink: (e: RunEvent) => void): RunHandle {
      if (real) return real.run(request, sink);
      // Wait for the runtime; a cancel meanwhile ends the run at once.
      let inner: RunHandle | null = null;
      let cancelled = false;
      let resolve!: (s: RunSummary) => void;
      const done = new Promise<RunSummary>((r) => (resolve = r));
      const started = performance.now();
      void start().then((rt) => {
        if (cancelled) return;
        inner = rt.run(request, sink);
        void inner.done.then(resolve);
      });
      return {
        done,
        cancel() {
          if (inner) return inner.cancel();
          if (cancelled) return;
          cancelled = true;
          const summary: RunSummary = { state: 'cancelled', passed: 0, failed: 0, skipped: 0, tests: [], fileErrors: [], durationMs: Math.round(performance.now() - started) };
          sink({ type: 'done', summary });
          resolve(summary);
        },
      };
    },
    dispose() {
      disposed = true;
      real?.dispose();
    },
  };
}
