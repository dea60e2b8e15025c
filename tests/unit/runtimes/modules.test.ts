import { describe, expect, it } from 'vitest';
import { alignColumn, compile, CompileCache, ModuleRegistry, normalizePath, resolveLabPath } from '../../../src/runtimes/browser/modules.ts';

const globals = { env: { MODE: 'test' }, process: { env: { MODE: 'test' } } };

function registry(files: Record<string, string>, builtins: Record<string, unknown> = {}): ModuleRegistry {
  return new ModuleRegistry(files, builtins, new CompileCache(), globals);
}

describe('resolveLabPath', () => {
  const files = { 'a.ts': '', 'lib/index.ts': '', 'lib/b.ts': '', 'data.json': '', 'tests/x.test.ts': '' };
  it.each([
    ['tests/x.test.ts', '../a', 'a.ts'],
    ['tests/x.test.ts', '../a.ts', 'a.ts'],
    ['tests/x.test.ts', '../a.js', 'a.ts'],
    ['a.ts', './lib', 'lib/index.ts'],
    ['lib/index.ts', './b.js', 'lib/b.ts'],
    ['a.ts', './data.json', 'data.json'],
    ['a.ts', '/lib/b', 'lib/b.ts'],
    ['a.ts', './missing', null],
  ])('from %s, %s -> %s', (from, spec, want) => {
    expect(resolveLabPath(files, from, spec)).toBe(want);
  });
  it('normalises paths', () => {
    expect(normalizePath('/a/./b/../c')).toBe('a/c');
  });
});

describe('compile', () => {
  it('strips types and keeps line numbers', () => {
    const src = "import { x } from './x';\ntype T = { a: number };\nexport const y: T = { a: x };\ninterface I {}\nexport function f(a: number): number {\n  return a;\n}\n";
    const out = compile('m.ts', src).code;
    expect(out.split('\n').length).toBe(src.split('\n').length);
    expect(out).not.toMatch(/: number/);
    expect(out.split('\n')[4]).toContain('function f(a)');
  });
  it('hoists vi.mock above the imports and rewrites import.meta without moving columns', () => {
    const src = "import { a } from './a';\nconsole.log(import.meta.env.MODE, a);\nvi.mock('./a', () => ({ a: 1 }));\n";
    const out = compile('t.ts', src).code.split('\n');
    expect(out[0]!.indexOf('__jestHoist()')).toBeLessThan(out[0]!.indexOf("require('./a')"));
    expect(out[1]!.indexOf('_importMeta.env')).toBe(src.split('\n')[1]!.indexOf('import.meta.env'));
  });
});

describe('ModuleRegistry', () => {
  it('evaluates each module once per registry, with live bindings and JSON', () => {
    const files = {
      'state.ts': 'export let n = 0;\nexport function inc() { n += 1; }\n',
      'main.ts': "import { n, inc } from './state';\nimport cfg from './cfg.json';\ninc(); inc();\nexport const seen = n;\nexport const q = cfg.q;\n",
      'cfg.json': '{ "q": 2 }',
    };
    const r = registry(files);
    expect(r.load('main.ts')).toMatchObject({ seen: 2, q: 2 });
    expect((r.require('./state', 'main.ts') as { n: number }).n).toBe(2);
    // A new registry starts from scratch.
    expect((registry(files).require('./state', 'main.ts') as { n: number }).n).toBe(0);
  });
  it('serves builtins by bare name and explains unknown ones', () => {
    const r = registry({ 'a.ts': "import { k } from 'kit';\nexport const v = k;\n", 'b.ts': "import 'left-pad';\n" }, { kit: { __esModule: true, k: 7 } });
    expect(r.load('a.ts')).toMatchObject({ v: 7 });
    expect(() => r.load('b.ts')).toThrow(/Cannot find module 'left-pad'.*'kit'/);
  });
  it("lets the learner's files import only lab files (and types), naming the file and the import", () => {
    const vitest = { __esModule: true, afterEach: () => {} };
    const kit = { __esModule: true, latency: 1 };
    const files = {
      'lamport.ts': "import { afterEach } from 'vitest';\nafterEach(() => {});\nexport const x = 1;\n",
      'typed.ts': "import type { NodeId } from 'faultlines';\nimport { Ctx } from 'faultlines';\nimport { helper } from './support.ts';\nexport const id: NodeId = 'n1';\nexport let c: Ctx;\nexport const h = helper;\n",
      'valued.ts': "import { latency } from 'faultlines';\nexport const l = latency;\n",
      'dyn.ts': "export const p = import('https://example.com/x.js');\n",
      'support.ts': "import { latency } from 'faultlines';\nexport const helper = latency;\n",
      'tests/a.test.ts': "import { afterEach } from 'vitest';\nimport { x } from '../lamport.ts';\nexport const y = x;\n",
    };
    const r = () => new ModuleRegistry(files, { vitest, faultlines: kit }, new CompileCache(), globals, { learnerFiles: ['lamport.ts', 'typed.ts', 'valued.ts', 'dyn.ts'] });
    expect(() => r().load('tests/a.test.ts')).toThrow("lamport.ts imports 'vitest': a lab file may import only the lab's own files and types from 'faultlines'.");
    // Types are erased before the loader sees them; a support file keeps its imports.
    expect(r().load('typed.ts')).toMatchObject({ id: 'n1', h: 1 });
    expect(() => r().load('valued.ts')).toThrow(/^valued\.ts imports 'faultlines': .*import type/);
    // import() compiles to require: refused too, as the promise's reason.
    return expect((r().load('dyn.ts') as { p: Promise<unknown> }).p).rejects.toThrow("dyn.ts imports 'https://example.com/x.js'");
  });
  it('reports a missing relative import with the importer', () => {
    expect(() => registry({ 'a.ts': "import './nope';\n" }).load('a.ts')).toThrow("Cannot find module './nope' imported from 'a.ts'");
  });
  it('applies hoisted vi.mock factories to every importer', () => {
    const files = {
      'clock.ts': 'export const now = () => 1;\n',
      'greet.ts': "import { now } from './clock';\nexport const at = () => now();\n",
      't.test.ts': "import { at } from './greet';\nvi.mock('./clock', () => ({ now: () => 42 }));\nexport const got = at();\n",
    };
    expect(registry(files).load('t.test.ts')).toMatchObject({ got: 42 });
  });
  it('gives lab code process and import.meta.env', () => {
    const r = registry({ 'e.ts': 'export const a = import.meta.env.MODE;\nexport const b = process.env.MODE;\n' });
    expect(r.load('e.ts')).toMatchObject({ a: 'test', b: 'test' });
  });
  it('names lab files in stack traces with the original line', () => {
    const r = registry({ 'boom.ts': "export function boom(): never {\n  // line 2\n  throw new Error('x');\n}\n", 'm.ts': "import { boom } from './boom';\nboom();\n" });
    try {
      r.load('m.ts');
      expect.unreachable();
    } catch (e) {
      expect((e as Error).stack).toContain('/lab/boom.ts:3:');
    }
  });
});

describe('alignColumn', () => {
  it('maps columns across sucrase insertions', () => {
    const src = "  it('x', () => {";
    const gen = "  _vitest.it.call(void 0, 'x', () => {";
    expect(alignColumn(src, gen, gen.indexOf('it.call'))).toBe(2);
    expect(alignColumn(src, gen, gen.indexOf("'x'"))).toBe(src.indexOf("'x'"));
  });
  it('maps past a removed type annotation', () => {
    const src = 'const a: number = f(1).g();';
    const gen = 'const a = f(1).g();';
    expect(alignColumn(src, gen, gen.indexOf('g('))).toBe(src.indexOf('g('));
  });
});
