/**
 * Vite plugin for graded runs: an import of a learner file, from a test or from support
 * code, resolves to a stand-in module whose exports come from the learner's realm
 * (index.ts). The learner's source is never loaded into the tests' realm.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { exportedValueNames } from './exports.ts';

const REALM_MODULE = fileURLToPath(new URL('./index.ts', import.meta.url));
const MARK = '?faultlines-realm';

export function learnerRealmPlugin(learnerFiles: readonly string[]): Plugin {
  let root = process.cwd();
  return {
    name: 'faultlines-learner-realm',
    enforce: 'pre',
    configResolved(config) {
      root = config.root;
    },
    async resolveId(source, importer, options) {
      if (source.endsWith(MARK)) return source;
      if (!importer || importer.endsWith(MARK)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved) return null;
      const file = resolved.id.split('?')[0]!;
      const rel = relative(root, file).split('\\').join('/');
      return learnerFiles.includes(rel) ? file + MARK : null;
    },
    load(id) {
      if (!id.endsWith(MARK)) return null;
      const file = id.slice(0, -MARK.length);
      const rel = relative(root, file).split('\\').join('/');
      const read = (p: string) => {
        try {
          return readFileSync(join(root, p), 'utf8');
        } catch {
          return undefined;
        }
      };
      const names = exportedValueNames(rel, read(rel) ?? '', read);
      const lines = [
        `import { learnerModule } from ${JSON.stringify(REALM_MODULE)};`,
        `const m = learnerModule(${JSON.stringify(root)}, ${JSON.stringify(rel)});`,
      ];
      // Names are identifiers (exports.ts checks), and checked again here: nothing a learner
      // wrote is ever spliced into this module's code.
      for (const n of names) {
        if (!/^[A-Za-z_$][\w$]*$/.test(n)) continue;
        lines.push(n === 'default' ? 'export default m.default;' : `export const ${n} = m[${JSON.stringify(n)}];`);
      }
      return lines.join('\n') + '\n';
    },
  };
}
