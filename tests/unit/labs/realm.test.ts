/**
 * The learner realm and its membrane (src/labs/realm/): lab code behaves as it would in the
 * tests' own realm, and nothing it does reaches the tests' realm. Each "cannot" case is an
 * attack a submission could try; each must leave the host untouched.
 */
import { describe, expect, test } from 'vitest';
import { LearnerRealm } from '../../../src/labs/realm/learner-realm.ts';
import { enterSimulation, leaveSimulation, setLearnerFiles, takeHostCalls } from '../../../src/sim/host-guard.ts';

function realmOf(source: string, extra: Record<string, string> = {}, print?: (level: string, text: string) => void) {
  return new LearnerRealm({ root: '/lab', files: { 'code.ts': source, ...extra }, ...(print ? { print } : {}) }).require('code.ts') as Record<string, any>;
}

describe("lab code in its realm behaves as lab code", { timeout: 120_000 }, () => {
  test('classes, methods, fields and getters', () => {
    const m = realmOf(`
      export class Clock { time = 0; tick() { return ++this.time; } get double() { return this.time * 2; } }
      export const make = () => new Clock();`);
    const c = new m.Clock();
    expect(c.tick()).toBe(1);
    expect(c.tick()).toBe(2);
    expect(c.time).toBe(2);
    expect(c.double).toBe(4);
    c.time = 10;
    expect(c.tick()).toBe(11);
    expect(m.make()).toBeInstanceOf(m.Clock);
    expect(Object.keys(c)).toEqual(['time']);
  });

  test('plain data, arrays, Sets and Maps cross both ways, and writes to the tests\' objects are seen', () => {
    const m = realmOf(`
      export function vote(node: { votes: Set<string>; term: number; log: number[] }, from: string) {
        node.votes.add(from); node.term += 1; node.log.push(node.term); return [...node.votes].sort();
      }
      export function index(xs: string[]) { const m = new Map<string, number>(); xs.forEach((x, i) => m.set(x, i)); return m; }`);
    const node = { votes: new Set(['n1']), term: 1, log: [] as number[] };
    expect(m.vote(node, 'n3')).toEqual(['n1', 'n3']);
    expect([...node.votes]).toEqual(['n1', 'n3']);
    expect(node.term).toBe(2);
    expect(node.log).toEqual([2]);
    const idx = m.index(['a', 'b']);
    expect(idx).toBeInstanceOf(Map);
    expect(idx.get('b')).toBe(1);
    expect(idx).toEqual(new Map([['a', 0], ['b', 1]]));
    expect(Array.isArray(m.vote(node, 'n2'))).toBe(true);
  });

  test('frozen messages arrive as frozen copies; the learner\'s own objects stay live', () => {
    const m = realmOf(`
      let kept: { ts: number } | undefined;
      export function receive(msg: { ts: number }) { return [Object.isFrozen(msg), msg.ts]; }
      export function state() { const s = { n: 1 }; return { s, bump() { s.n++; } }; }`);
    expect(m.receive(Object.freeze({ ts: 7 }))).toEqual([true, 7]);
    const st = m.state();
    st.bump();
    expect(st.s.n).toBe(2);
  });

  test('callbacks, async functions and promises, both ways', async () => {
    const m = realmOf(`
      export async function retry(send: (n: number) => Promise<number | undefined>) {
        for (let i = 0; ; i++) { const r = await send(i); if (r !== undefined) return r * 10; }
      }`);
    const calls: number[] = [];
    const send = async (n: number) => (calls.push(n), n < 2 ? undefined : n);
    await expect(m.retry(send)).resolves.toBe(20);
    expect(calls).toEqual([0, 1, 2]);
  });

  test('errors cross with their message, their kind and the learner\'s line', () => {
    const m = realmOf(`
      export function boom(): never {
        throw new RangeError('too far');
      }
      export function callBack(f: () => void) { try { f(); return 'no'; } catch (e) { return (e as Error).message; } }`);
    let caught: unknown;
    try {
      m.boom();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RangeError);
    expect((caught as Error).message).toBe('too far');
    expect((caught as Error).stack).toMatch(/\/lab\/code\.ts:3:/);
    expect(m.callBack(() => expect(1).toBe(2))).toMatch(/expected 1 to be 2/);
  });

  test('objects that cross and are dropped are released, and the realm keeps working', { timeout: 300_000 }, async () => {
    // Each call hands the realm a fresh object: its stand-in dies, and the release of its
    // number travels with a later request. Yielding lets the collector's callbacks run.
    const m = realmOf(`export const field = (o: { n: number }) => o.n; export const make = (n: number) => ({ n, box: new Set([n]) });`);
    let sum = 0;
    for (let i = 0; i < 25; i++) {
      for (let j = 0; j < 1000; j++) sum += m.field({ n: 1 }) + m.make(j).box.size;
      await new Promise((r) => setImmediate(r));
    }
    expect(sum).toBe(50_000);
  });

  test('a lab file imports the lab\'s other files; types from faultlines vanish', () => {
    const m = realmOf(
      `import type { NodeId } from 'faultlines';
       import { double } from './util.ts';
       export const f = (x: number, id: NodeId) => id + ':' + double(x);`,
      { 'util.ts': 'export const double = (x: number) => 2 * x;' },
    );
    expect(m.f(4, 'n1')).toBe('n1:8');
  });

  test('console output reaches the test\'s output, as text, and a flood is cut short', () => {
    const lines: string[] = [];
    const m = realmOf(`export function talk() { console.log('hello', { a: 1 }, [1, 2]); for (let i = 0; i < 20000; i++) console.log('x'.repeat(100)); }`, {}, (_l, t) => lines.push(t));
    m.talk();
    expect(lines[0]).toBe("hello { a: 1 } [ 1, 2 ]");
    expect(lines.length).toBeLessThan(20000);
    expect(lines.at(-1)).toMatch(/printed more than/);
  });
});

describe("lab code cannot reach the tests' realm", { timeout: 120_000 }, () => {
  test('no process, require, fetch, timers, file system or code from strings', () => {
    const m = realmOf(`
      export function probe() {
        const g = globalThis as any;
        const tryIt = (f: () => unknown) => { try { return String(f()); } catch (e) { return 'threw ' + (e as Error).name; } };
        return {
          process: typeof g.process, require: typeof g.require, fetch: typeof g.fetch, Buffer: typeof g.Buffer,
          setTimeout: tryIt(() => g.setTimeout(() => 0, 1)),
          fn: tryIt(() => new Function('return 1')()),
          ev: tryIt(() => (0, eval)('1')),
          ctorCtor: tryIt(() => ({}).constructor.constructor('return process')()),
        };
      }`);
    expect(m.probe()).toEqual({
      process: 'undefined', require: 'undefined', fetch: 'undefined', Buffer: 'undefined',
      setTimeout: 'threw HostNondeterminismError', fn: 'threw EvalError', ev: 'threw EvalError', ctorCtor: 'threw EvalError',
    });
  });

  test("an object or function of the tests leads only to the learner's own built-ins", () => {
    const m = realmOf(`
      export function walk(obj: any, fn: any) {
        return [
          obj.constructor === Object, typeof fn.constructor, Object.getPrototypeOf(obj) === Object.prototype,
          Object.getPrototypeOf(fn) === Function.prototype, (obj.__lookupGetter__('__proto__') as any).call(obj) === Object.prototype,
          obj.constructor.constructor === Function, typeof (async () => 0).constructor,
        ];
      }`);
    // The host's Function and eval never cross: a function's constructor is not there at all.
    expect(m.walk({ a: 1 }, () => 1)).toEqual([true, 'undefined', true, true, true, true, 'function']);
  });

  test('patching its own built-ins changes nothing here', () => {
    const m = realmOf(`
      export function vandal() {
        (Object.prototype as any).toJSON = () => 'forged';
        Array.prototype.push = () => 0;
        JSON.stringify = () => '{"state":"pass"}';
        (Object.prototype as any).then = undefined;
        Object.defineProperty(Object.prototype, 'state', { get: () => 'pass', configurable: true });
        return 'done';
      }`);
    // Its own answers may break now (its JSON is patched): that can only fail its tests.
    try {
      m.vandal();
    } catch {
      // expected either way
    }
    const o: Record<string, unknown> = {};
    expect(o.state).toBeUndefined();
    expect(JSON.stringify({ a: [1] })).toBe('{"a":[1]}');
    const xs: number[] = [];
    xs.push(1);
    expect(xs).toEqual([1]);
  });

  test("it cannot change the tests' functions or classes, only the objects it is handed", () => {
    class Node_ {
      role = 'follower';
      persist() {
        return 'saved';
      }
    }
    const m = realmOf(`
      export function tamper(n: any) {
        const out: string[] = [];
        const tryIt = (name: string, f: () => void) => { try { f(); out.push(name + ' ok'); } catch (e) { out.push(name + ' refused'); } };
        tryIt('field', () => { n.role = 'leader'; });
        tryIt('prototype', () => { Object.getPrototypeOf(n).persist = () => 'skipped'; });
        tryIt('class', () => { n.constructor.prototype.persist = () => 'skipped'; });
        tryIt('static', () => { n.constructor.x = 1; });
        return out;
      }`);
    const n = new Node_();
    expect(m.tamper(n)).toEqual(['field ok', 'prototype refused', 'class refused', 'static refused']);
    expect(n.role).toBe('leader');
    expect(new Node_().persist()).toBe('saved');
  });

  test("native functions of the host that are not JavaScript's built-ins never cross", () => {
    const m = realmOf(`export const kind = (f: unknown) => typeof f;`);
    expect(m.kind((process as unknown as { binding: unknown }).binding)).toBe('undefined');
    expect(m.kind(process.exit)).toBe('undefined');
    expect(m.kind(Math.max)).toBe('function');
  });

  test('an object the learner returns cannot decide how it compares (asymmetricMatch)', () => {
    const m = realmOf(`
      export const sneaky = () => ({ asymmetricMatch: () => true, $$typeof: Symbol.for('jest.asymmetricMatcher'), n: 1 });`);
    const x = m.sneaky();
    expect(x).not.toEqual({ n: 2 });
    expect(x).not.toEqual([1, 2, 3]);
    expect(x).toEqual({ n: 1 });
    expect('asymmetricMatch' in x).toBe(false);
  });

  test('no Error.prepareStackTrace to collect the host\'s frames with', () => {
    const m = realmOf(`
      export function grab(f: () => void) {
        try { (Error as any).prepareStackTrace = (_e: unknown, frames: any[]) => frames; } catch (e) { return 'refused'; }
        return 'installed';
      }`);
    expect(m.grab(() => {})).toBe('refused');
  });

  test('throwing a Proxy, or an object with traps, gives the host a value, not a trap', () => {
    const m = realmOf(`
      export function throwProxy() {
        throw new Proxy({}, { get() { throw new Error('trap ran'); }, getPrototypeOf() { throw new Error('trap ran'); } });
      }`);
    let caught: unknown;
    try {
      m.throwProxy();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(String(caught)).toMatch(/threw an object that is not an Error/);
  });
});

// Escapes a red team found in the first version of the membrane, each now a test.
describe('escapes that once worked', { timeout: 120_000 }, () => {
  const pwned = () => (globalThis as Record<string, unknown>).__faultlinesPwned;
  const PAYLOAD = 'globalThis.__faultlinesPwned = 1';

  test("a learner's method that is its realm's eval runs the learner's eval (no code), never the host's", () => {
    const m = realmOf(`export class Clock { receive = (0, eval); }`);
    const c = new m.Clock();
    expect(() => c.receive(PAYLOAD)).toThrow(/Code generation from strings disallowed/);
    expect(pwned()).toBeUndefined();
  });

  test("a host Set's forEach given the learner's eval as callback runs nothing in the host", () => {
    const m = realmOf(`export function go(s: Set<string>, code: string) { s.add(code); try { s.forEach((0, eval) as any); } catch (e) { return (e as Error).name; } return 'ran'; }`);
    expect(m.go(new Set<string>(), PAYLOAD)).toBe('EvalError');
    expect(pwned()).toBeUndefined();
  });

  test("a host async function's constructor is not there", () => {
    // Its prototype is named, so the learner's side gets its own, whose constructor makes no code either.
    const m = realmOf(`
      const own = [(async () => 0).constructor, (function* () {}).constructor];
      export const ctor = (f: any) => [typeof f.constructor, own.includes(Object.getPrototypeOf(f).constructor)];`);
    expect(m.ctor(async () => 1)).toEqual(['undefined', true]);
    expect(m.ctor(function* () {})).toEqual(['undefined', true]);
  });

  test('requests cannot be forged: a learner who hooks toJSON, call and the setters of its realm changes no frame', () => {
    const m = realmOf(`
      export function forge() {
        Object.defineProperty(Array.prototype, 'toJSON', { configurable: true, value() {
          return ['set', 0, ['s', '__proto__'], ['I', '%AsyncFunction%.prototype'], ['R', 0]];
        } });
        Function.prototype.call = function () { return 'hooked'; } as any;
        Function.prototype.apply = function () { return 'hooked'; } as any;
        Object.defineProperty(Array.prototype, '0', { configurable: true, set() {}, get() { return 'set'; } });
        console.log('carrier');
        return 'done';
      }`, {}, () => {});
    m.forge();
    expect(pwned()).toBeUndefined();
    // The host's services object is untouched: the realm still works after the attempt.
    const again = realmOf(`export const one = () => 1;`);
    expect(again.one()).toBe(1);
  });

  test("the host's objects keep their prototypes: __proto__ is refused", () => {
    const m = realmOf(`
      export function reproto(o: any) { try { o.__proto__ = { injected: true }; return 'set'; } catch (e) { return 'refused'; } }
      export function define(o: any) { try { Object.defineProperty(o, '__proto__', { value: 1 }); return 'set'; } catch (e) { return 'refused'; } }`);
    const o = { a: 1 };
    expect(m.reproto(o)).toBe('refused');
    expect(m.define(o)).toBe('refused');
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
  });

  test("a set whose receiver is one of the host's built-ins writes only to the object itself", () => {
    const m = realmOf(`export function poke(o: any) { Reflect.set(o, 'from', () => 'forged', Array); Reflect.set(o, 'is', () => true, Object); return 'done'; }`);
    const from = Array.from;
    const is = Object.is;
    const o: Record<string, unknown> = {};
    expect(m.poke(o)).toBe('done');
    expect(Array.from).toBe(from);
    expect(Object.is).toBe(is);
    expect(typeof o.from).toBe('function');
  });

  test('a string export name is never spliced into the stand-in module', async () => {
    const { exportedValueNames } = await import('../../../src/labs/realm/exports.ts');
    const src = 'export class A {}\nexport { A as "x = 1; globalThis.pwned = 1; export const y" } from "./code.ts";\nexport { A as B };';
    expect(exportedValueNames('code.ts', src, () => undefined)).toEqual(['A', 'B']);
  });

  test('Error cannot be replaced to get at prepareStackTrace', () => {
    const m = realmOf(`
      export function swap() { try { (globalThis as any).Error = { prepareStackTrace: (_e: unknown, s: unknown) => s }; return 'swapped'; } catch (e) { return 'refused'; } }`);
    expect(m.swap()).toBe('refused');
  });
});

describe('host time and randomness in the realm', { timeout: 120_000 }, () => {
  test('refused during a simulation run, named by the learner\'s line, and recorded; refused outside too, unrecorded', () => {
    setLearnerFiles(['code.ts']);
    const m = realmOf(`
      export function roll() {
        return Math.random();
      }
      export const now = () => Date.now();`);
    takeHostCalls();
    expect(() => m.roll()).toThrow(/Math\.random\(\).*code\.ts:3/s);
    expect(takeHostCalls()).toEqual([]);
    enterSimulation();
    try {
      expect(() => m.roll()).toThrow(/Math\.random\(\).*code\.ts:3/s);
      expect(() => m.now()).toThrow(/Date\.now\(\)/);
    } finally {
      leaveSimulation();
      setLearnerFiles(undefined);
    }
    expect(takeHostCalls().map((c) => [c.api, c.where])).toEqual([['Math.random()', 'code.ts:3'], ['Date.now()', 'code.ts:5']]);
  });
});
