/**
 * What lab code may not use in the test worker: the network, other code, and anything that
 * outlives the run. The worker calls {@link lockDown} once, after Vitest and the engine have
 * loaded and before it says it is ready, so no lab module is ever evaluated before it.
 *
 * Why in JavaScript and not only in the Content-Security-Policy: a worker takes its policy
 * from its own response headers, and the site also runs where nobody sends them (`npm start`,
 * `astro preview`, a plain static server, a folder on an intranet). There, `fetch`,
 * `importScripts` or `import('https://…')` from a string would reach anything. So the worker
 * removes those APIs from the global object and from every prototype it inherits from (a
 * deleted property cannot be put back: nothing else holds the original), and it takes away
 * compiling code from strings (`eval`, `Function` and its async/generator kin, string
 * timers), which is the only way left to write a dynamic `import()` that the module loader
 * (modules.ts, where `import()` becomes `require`) does not see.
 *
 * What stays: timers, `MessageChannel` (Vitest's fake timers use it; a port it makes is
 * connected to nothing), `WebAssembly` (bytes only), `crypto`, `performance`, `navigator`'s
 * plain properties. Time and randomness inside a simulation are the host guard's
 * (src/sim/host-guard.ts), which wraps the timers this file leaves in place.
 * @module
 */

/** Global names removed: network, code loading, other workers and contexts, storage that outlives a run, the worker's own channel. */
export const REMOVED_GLOBALS: readonly string[] = [
  // the network
  'fetch',
  'XMLHttpRequest',
  'XMLHttpRequestUpload',
  'XMLHttpRequestEventTarget',
  'WebSocket',
  'WebSocketStream',
  'WebSocketError',
  'WebTransport',
  'WebTransportError',
  'WebTransportBidirectionalStream',
  'WebTransportDatagramDuplexStream',
  'EventSource',
  'FontFace', // new FontFace(name, 'url(…)').load() fetches
  'FontFaceSet',
  'fonts',
  'Notification', // its icon is fetched
  'RTCPeerConnection',
  'RTCDataChannel',
  'webkitRTCPeerConnection',
  'TCPSocket',
  'TCPServerSocket',
  'UDPSocket',
  // code from elsewhere, other workers and contexts
  'importScripts',
  'Worker',
  'SharedWorker',
  'ServiceWorker',
  'ServiceWorkerContainer',
  'ServiceWorkerRegistration',
  'BroadcastChannel',
  'ShadowRealm',
  'eval',
  // storage that would survive into the next run's fresh worker
  'indexedDB',
  'IDBFactory',
  'caches',
  'CacheStorage',
  'Cache',
  'StorageManager',
  'StorageBucketManager',
  'LockManager',
  'FileSystemHandle',
  'FileSystemDirectoryHandle',
  'FileSystemFileHandle',
  'FileSystemSyncAccessHandle',
  'webkitRequestFileSystem',
  'webkitRequestFileSystemSync',
  'webkitResolveLocalFileSystemURL',
  'webkitResolveLocalFileSystemSyncURL',
  'cookieStore',
  'CookieStore',
  // the worker's channel to the page (results go on a private port) and its off switch
  'postMessage',
  'close',
];

/** `navigator` members removed (on WorkerNavigator's prototype chain). */
export const REMOVED_NAVIGATOR: readonly string[] = [
  'sendBeacon',
  'serviceWorker',
  'storage',
  'storageBuckets',
  'locks',
  'usb',
  'hid',
  'serial',
  'bluetooth',
];

/** Deletes `name` from `obj` and every object on its prototype chain. True if it is gone everywhere. */
function deleteEverywhere(obj: object | null, name: string): boolean {
  let gone = true;
  for (let o = obj; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    if (!Object.prototype.hasOwnProperty.call(o, name)) continue;
    if (!Reflect.deleteProperty(o, name)) {
      // Not configurable: make it useless if it can still be written.
      try {
        Object.defineProperty(o, name, { value: undefined, writable: false });
      } catch {
        gone = false;
      }
    }
  }
  return gone;
}

function refuse(what: string): never {
  throw new EvalError(`${what}: lab code cannot compile code from strings in the browser runtime (and cannot load code from elsewhere).`);
}

/**
 * `Function`, `AsyncFunction`, `GeneratorFunction`, `AsyncGeneratorFunction`: each
 * prototype's `constructor` (and the global `Function`) becomes a function that throws, with
 * the same `prototype`, so `instanceof Function` and `fn.constructor.name` still work.
 */
function tameFunctionConstructors(): void {
  const kinds: [string, object][] = [
    ['Function', function () {}],
    ['AsyncFunction', async function () {}],
    ['GeneratorFunction', function* () {}],
    ['AsyncGeneratorFunction', async function* () {}],
  ];
  for (const [name, sample] of kinds) {
    const proto = Object.getPrototypeOf(sample) as { constructor: { prototype: object } };
    const original = proto.constructor;
    const tamed = function () {
      refuse(`new ${name}()`);
    };
    Object.defineProperty(tamed, 'name', { value: name });
    Object.defineProperty(tamed, 'prototype', { value: original.prototype, writable: false });
    Object.defineProperty(proto, 'constructor', { value: tamed, writable: false, enumerable: false, configurable: false });
    if (name === 'Function') {
      Object.defineProperty(globalThis, 'Function', { value: tamed, writable: false, enumerable: false, configurable: false });
    }
  }
}

/** `setTimeout('code')` / `setInterval('code')` compile a string: refused; functions pass through. */
function refuseStringTimers(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of ['setTimeout', 'setInterval']) {
    const original = g[name] as (...args: unknown[]) => unknown;
    if (typeof original !== 'function') continue;
    const apply = Reflect.apply;
    const guarded = {
      [name](handler: unknown, ...rest: unknown[]): unknown {
        if (typeof handler !== 'function') refuse(`${name}() with a string`);
        return apply(original, globalThis, [handler, ...rest]);
      },
    }[name]!;
    // Writable and configurable: the host guard and Vitest's fake timers replace timers.
    Object.defineProperty(g, name, { value: guarded, writable: true, enumerable: true, configurable: true });
  }
}

export interface LockdownReport {
  /** Names that existed and are gone now. */
  removed: string[];
  /** Names that existed and could not be removed (should stay empty). */
  kept: string[];
}

let done: LockdownReport | null = null;

/** Locks the worker's realm down (once). Call it before any lab code is evaluated. */
export function lockDown(): LockdownReport {
  if (done) return done;
  const report: LockdownReport = { removed: [], kept: [] };
  const g = globalThis as unknown as Record<string, unknown>;
  const nav = g.navigator as object | undefined;
  if (nav) {
    for (const name of REMOVED_NAVIGATOR) {
      if (!(name in nav)) continue;
      if (deleteEverywhere(nav, name)) report.removed.push(`navigator.${name}`);
      else report.kept.push(`navigator.${name}`);
    }
  }
  for (const name of REMOVED_GLOBALS) {
    if (!(name in g)) continue;
    if (deleteEverywhere(g, name)) report.removed.push(name);
    else report.kept.push(name);
  }
  tameFunctionConstructors();
  refuseStringTimers();
  done = report;
  return report;
}
