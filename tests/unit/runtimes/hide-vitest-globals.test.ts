import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hideVitestGlobals, PRIVATE_MODULE, VITEST_DIST } from '../../../src/runtimes/browser/hide-vitest-globals.ts';

const DIST = 'node_modules/vitest/dist';
function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
}
const KEYS = /\bglobalThis\[(NAME_WORKER_STATE|GLOBAL_EXPECT|MATCHERS_OBJECT|JEST_MATCHERS_OBJECT|ASYMMETRIC_MATCHERS_OBJECT|SAFE_TIMERS_SYMBOL)\]|\bglobalThis\.__vitest_worker__\b|defineProperty\(globalThis,\s*(GLOBAL_EXPECT|MATCHERS_OBJECT|JEST_MATCHERS_OBJECT|ASYMMETRIC_MATCHERS_OBJECT)\b/;

describe('hide-vitest-globals', () => {
  it("moves every lookup of Vitest's global state in its dist to the private object, keeping the lines", () => {
    let rewritten = 0;
    for (const file of jsFiles(DIST)) {
      expect(VITEST_DIST.test('/x/' + file)).toBe(true);
      const code = readFileSync(file, 'utf8');
      const out = hideVitestGlobals(code);
      if (out === null) {
        expect(KEYS.test(code), file).toBe(false);
        continue;
      }
      rewritten++;
      expect(KEYS.test(out), file).toBe(false);
      expect(out.split('\n').slice(0, code.split('\n').length).map((l) => l.length > 0)).toEqual(code.split('\n').map((l) => l.length > 0));
      expect(out.endsWith(`import { vitestPrivate as __faultlinesVitestPrivate } from ${JSON.stringify(PRIVATE_MODULE)};\n`)).toBe(true);
    }
    // The worker state, expect and timers: if a new vitest renames them, this and the browser tests say so.
    expect(rewritten).toBeGreaterThanOrEqual(4);
  });
  it('rewrites the patterns it knows and nothing else', () => {
    const code = 'const s = globalThis[NAME_WORKER_STATE];\nObject.defineProperty(globalThis, GLOBAL_EXPECT, { value: 1 });\nglobalThis.__vitest_worker__.x = 1;\nglobalThis.other = 2;\n';
    const out = hideVitestGlobals(code, '/p.ts')!;
    expect(out).toBe(
      'const s = __faultlinesVitestPrivate[NAME_WORKER_STATE];\nObject.defineProperty(__faultlinesVitestPrivate, GLOBAL_EXPECT, { value: 1 });\n__faultlinesVitestPrivate.__vitest_worker__.x = 1;\nglobalThis.other = 2;\n\nimport { vitestPrivate as __faultlinesVitestPrivate } from "/p.ts";\n',
    );
    expect(hideVitestGlobals('globalThis.setTimeout(f);')).toBeNull();
  });
});
