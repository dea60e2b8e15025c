/**
 * Type-checks an assembled lab folder the way a learner's editor would: strict TypeScript,
 * 'faultlines' resolved to the kit. "The starter compiles" is checked here, not assumed.
 */
import { fileURLToPath } from 'node:url';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const PROJECT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export const LAB_COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  verbatimModuleSyntax: true,
  erasableSyntaxOnly: true,
  noEmit: true,
  skipLibCheck: true,
  types: ['node'],
  typeRoots: [join(PROJECT, 'node_modules/@types')],
  baseUrl: PROJECT,
  paths: {
    faultlines: [join(PROJECT, 'src/kit/index.ts')],
    'faultlines/testing': [join(PROJECT, 'src/kit/testing.ts')],
  },
};

/** Type errors in the .ts files of `dir` (kit errors are not the lab's business), as "file:line:col: message". */
export function typecheckLabFolder(dir: string, files: readonly string[]): string[] {
  const root = resolve(dir);
  const program = ts.createProgram(files.map((f) => join(root, f)), LAB_COMPILER_OPTIONS);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const out: string[] = [];
  for (const d of diagnostics) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file) {
      out.push(text);
      continue;
    }
    if (!d.file.fileName.startsWith(root)) continue;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    out.push(`${relative(root, d.file.fileName)}:${line + 1}:${character + 1}: ${text}`);
  }
  return out;
}
