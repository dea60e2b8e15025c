/** Hostile submissions aimed at the sandbox: escapes, host time and randomness, resources. */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { LAB, REPO, SOLUTION, SOLUTION_PATH, STARTER, symlink, tag, type Submission, type Where } from './harness.ts';
import { edited, honest, escapeAtModule, escapeInConstructor, exportsFrom, fakeReport, lateExports, mark, q, starterPlus, STOPPED, TESTS_JSON, withRequire } from './hostile-helpers.ts';

export const sandboxCases: Submission[] = [
  // --- Escaping a JavaScript sandbox (each then reads the solution through the host) --------
  { name: 'escape-object-constructor', attack: "({}).constructor.constructor('return process')()", file: escapeAtModule('escape-object-constructor', `({}).constructor.constructor('return process')()`) },
  { name: 'escape-new-function', attack: "new Function('return process')()", file: escapeAtModule('escape-new-function', `new Function('return process')()`) },
  { name: 'escape-indirect-eval', attack: "(0, eval)('process')", file: escapeAtModule('escape-indirect-eval', `(0, eval)('process')`) },
  { name: 'escape-globalThis', attack: "globalThis['pro' + 'cess']", file: escapeAtModule('escape-globalThis', `(globalThis as any)['pro' + 'cess']`) },
  {
    name: 'escape-callee-caller',
    attack: 'arguments.callee.caller from sloppy code, then its constructor',
    file: escapeAtModule(
      'escape-callee-caller',
      `(((sloppy() ?? sloppy) as any).constructor)('return process')()`,
      `const sloppy = Function('return function () { return arguments.callee.caller; }')();`,
    ),
  },
  {
    name: 'escape-prepareStackTrace',
    attack: "Error.prepareStackTrace to get the stack's CallSite objects, and the functions and receivers behind them",
    file: escapeAtModule(
      'escape-prepareStackTrace',
      'steal()',
      `function steal(): any {
  const prev = Error.prepareStackTrace;
  Error.prepareStackTrace = (_e, frames) => frames;
  const frames: any = new Error().stack;
  Error.prepareStackTrace = prev;
  for (const f of frames) for (const o of [f.getFunction?.(), f.getThis?.(), f]) {
    try { const p = o?.constructor?.constructor('return process')(); if (p?.getBuiltinModule) return p; } catch {}
  }
  throw new Error('no way out');
}`,
    ),
  },
  {
    name: 'escape-this-constructor',
    attack: "this.constructor.constructor('return process')() in the LamportClock constructor",
    file: escapeInConstructor('escape-this-constructor', `(this as any).constructor.constructor('return process')()`),
  },
  {
    name: 'escape-argument',
    attack: "_physicalNow.constructor.constructor('return process')(): through the function the support code passes in",
    file: escapeInConstructor('escape-argument', `(now as any).constructor.constructor('return process')()`),
  },
  {
    name: 'escape-throw-proxy',
    attack: 'throws a Proxy from tick(); its traps run when the host inspects the error, and try every value they are handed',
    file: edited(STARTER, 'tick(): number {', (w) => `tick(): number {
    const leak = (...xs: any[]) => {
      for (const o of xs) {
        try { const p = o?.constructor?.constructor('return process')(); p.getBuiltinModule('node:fs').writeFileSync(${mark(w, 'escape-throw-proxy')}, ${q(tag('escape-throw-proxy'))}); } catch {}
      }
    };
    throw new Proxy(new Error('tick'), {
      get: (t, k, r) => { leak(t, k, r); return Reflect.get(t, k, r); },
      getPrototypeOf: (t) => { leak(t); return Reflect.getPrototypeOf(t); },
      ownKeys: (t) => { leak(t); return Reflect.ownKeys(t); },
    });`),
  },
  {
    name: 'escape-import-meta',
    attack: 'finds the repository from import.meta.url and imports the solution from there',
    file: () => lateExports(`import(new URL('../../../../labs/lamport-clocks/solution/lamport.ts', import.meta.url).href)`),
  },

  // --- Host nondeterminism that happens to pass -------------------------------------------
  {
    name: 'host-random-plain',
    attack: 'the solution, plus a Math.random() call whose value never matters',
    file: edited(SOLUTION, 'constructor(_physicalNow?: () => number) {}', () => 'constructor(_physicalNow?: () => number) {\n    if (Math.random() > 2) this.time = 1;\n  }'),
  },
  {
    name: 'host-random-hidden-in-receive',
    attack: "the solution, plus Math['ran' + 'dom']() in receive(), hidden from a static rule",
    file: edited(SOLUTION, 'receive(messageTs: number): number {', () => "receive(messageTs: number): number {\n    if ((Math as any)['ran' + 'dom']() > 2) this.time = -1;"),
  },
  {
    name: 'host-date-hidden-at-import',
    attack: "the solution, plus Date['no' + 'w']() read at import time, outside any simulation",
    file: (w) =>
      edited(SOLUTION, 'constructor(_physicalNow?: () => number) {}', () => 'constructor(_physicalNow?: () => number) {\n    if (BORN < 0) this.time = 5;\n  }')(w) +
      `\nconst BORN: number = (Date as any)['no' + 'w']();\n`,
  },
  {
    name: 'reads-grader-env',
    attack: "the solution only if it can see the grader's environment (FAULTLINES_SEED=3 or GRADER_SECRET), else the starter's bug",
    file: edited(SOLUTION, 'private time = 0;', () => "private time = process.env.FAULTLINES_SEED === '3' || process.env.GRADER_SECRET ? 0 : 1000;"),
  },

  // --- Resources --------------------------------------------------------------------------
  { name: 'infinite-loop-in-tick', attack: 'tick() never returns', file: edited(STARTER, 'tick(): number {', () => 'tick(): number {\n    for (;;) {}'), reason: STOPPED },
  { name: 'infinite-loop-at-import', attack: 'the file never finishes loading', file: starterPlus(() => `for (;;) {}`), reason: STOPPED },
  {
    name: 'stack-overflow-in-tick',
    attack: 'tick() recurses until the stack is exhausted (inside whatever sandbox it runs in)',
    file: edited(STARTER, 'tick(): number {', () => 'tick(): number {\n    return this.tick();'),
  },
  {
    name: 'huge-file',
    attack: 'the solution padded with 5 MB of comments (for the type checker, the static rules, the loader)',
    file: () => `${SOLUTION}\n${('// ' + 'x'.repeat(1021) + '\n').repeat(5 * 1024)}`,
  },
  {
    name: 'memory-blowup',
    reason: /memory|heap/i,
    attack: 'tick() allocates until the heap is full',
    file: edited(STARTER, 'tick(): number {', () => 'tick(): number {\n    const hog: number[][] = [];\n    for (;;) hog.push(new Array(1_000_000).fill(7));'),
  },
  {
    name: 'console-flood',
    attack: 'logs 50 MB while loading',
    file: starterPlus(() => `for (let i = 0; i < 50_000; i++) console.log('flood ' + i + ' ' + 'x'.repeat(1000));`),
  },
];
