import { describe, expect, test } from 'vitest';
import { checkLearnerSource } from '../../../src/labs/rules/learner-source.ts';

const rules = (text: string) => checkLearnerSource('node.ts', text).map((p) => `${p.rule}@${p.line}`);

describe('the format\'s static rules for learner files', () => {
  test('a module-level let that node code changes is shared state, reported where it changes', () => {
    expect(rules('let n = 0;\nexport function tick() {\n  n += 1;\n  return n;\n}')).toEqual(['shared-state@3']);
    expect(rules('var seen = 0;\nexport const f = () => { seen++; };')).toEqual(['shared-state@2']);
  });

  test('a module-level container that node code mutates is shared state (Map, Set, array, object)', () => {
    expect(rules('const votes = new Map<string, number>();\nexport function v(k: string) { votes.set(k, 1); }')).toEqual(['shared-state@2']);
    expect(rules('const log: number[] = [];\nexport function v() { log.push(1); }')).toEqual(['shared-state@2']);
    expect(rules('const st = { term: 0 };\nexport function v() { st.term = 2; }')).toEqual(['shared-state@2']);
    expect(rules('const byNode = new Map<string, number[]>();\nexport function v(k: string) { byNode.get(k)!.push(1); }')).toEqual(['shared-state@2']);
  });

  test('static fields changed by code, and writes to globalThis, are shared state', () => {
    expect(rules('export class C {\n  static count = 0;\n  bump() { C.count++; }\n}')).toEqual(['shared-state@3']);
    expect(rules('export class C {\n  static count = 0;\n  static bump() { this.count++; }\n}')).toEqual(['shared-state@3']);
    expect(rules('export function f() { (globalThis as any).x = 1; }')).toEqual(['shared-state@1']);
  });

  test('per-node state, constants, tables filled at load time and WeakMaps keyed by node are fine', () => {
    expect(rules('export class Clock {\n  private t = 0;\n  tick() { this.t += 1; return this.t; }\n}')).toEqual([]);
    expect(rules('const LIMIT = 3;\nlet unused = 5;\nexport const f = (x: number) => x < LIMIT + unused;')).toEqual([]);
    expect(rules('const table = new Map<string, number>();\ntable.set("a", 1);\nexport const f = (k: string) => table.get(k);')).toEqual([]);
    expect(rules('const extra = new WeakMap<object, number>();\nexport function f(node: object) { extra.set(node, 1); }')).toEqual([]);
    expect(rules('const votes = 1;\nexport function f(votes: number[]) { votes.push(1); return votes; }')).toEqual([]);
    expect(rules('const v = 1;\nexport function f() { const v: number[] = []; v.push(1); return v; }')).toEqual([]);
  });

  test('host time, randomness and timers are named wherever they are, with what to use instead', () => {
    const ps = checkLearnerSource('x.ts', 'export function f() {\n  return Math.random() + Date.now() + performance.now();\n}\nexport const g = () => { setTimeout(() => 0, 1); return new Date(); };\nexport const ok = new Date(0);');
    expect(ps.map((p) => p.message.split(' reads')[0])).toEqual(['x.ts:2: Math.random()', 'x.ts:2: Date.now()', 'x.ts:2: performance.now()', 'x.ts:4: setTimeout()', 'x.ts:4: new Date()']);
    expect(ps[0]!.message).toMatch(/ctx\.random\(\)/);
    expect(ps[1]!.message).toMatch(/ctx\.now\(\)/);
    expect(ps[3]!.message).toMatch(/ctx\.setTimer/);
    expect(rules('const pick = Math.random;\nexport const f = () => pick();')).toEqual(['host-api@1']);
  });

  test("a learner file imports only the lab's own files and types from faultlines", () => {
    const src = [
      "import type { NodeId } from 'faultlines';",
      "import { helper } from './util.ts';",
      "import { beforeAll } from 'vitest';",
      "import * as fs from 'node:fs';",
      "export * from '../solution/lamport.ts';",
      "export { x } from './sub/../../up.ts';",
      'export async function f() { await import("./util.ts"); return require("child_process"); }',
      'export const where = import.meta.url;',
    ].join('\n');
    const ps = checkLearnerSource('x.ts', src);
    expect(ps.filter((p) => p.rule === 'imports').map((p) => p.message.split(': a lab file')[0])).toEqual([
      "x.ts:3: imports 'vitest'",
      "x.ts:4: imports 'node:fs'",
      "x.ts:5: imports '../solution/lamport.ts'",
      "x.ts:6: imports './sub/../../up.ts'",
      'x.ts:7: loads a module with import()',
      'x.ts:7: calls require()',
      'x.ts:8: reads import.meta',
    ]);
    expect(ps[0]!.message).toMatch(/only the lab's own files \(like '\.\/types\.ts'\) and types from 'faultlines'/);
  });
});
