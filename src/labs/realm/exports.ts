/**
 * The names a lab file exports as values (not types), read from its source with
 * TypeScript's parser: the grader's stand-in module for a learner file must declare them.
 */
import ts from 'typescript';

/** `readFile(path)` gives another lab file's source (for `export * from './x.ts'`), or undefined. */
export function exportedValueNames(file: string, source: string, readFile: (path: string) => string | undefined, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  const exported = (n: ts.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const isDefault = (n: ts.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  for (const st of sf.statements) {
    if (ts.isExportAssignment(st)) names.add('default');
    else if (ts.isExportDeclaration(st)) {
      if (st.isTypeOnly) continue;
      if (st.exportClause && ts.isNamedExports(st.exportClause)) {
        // Only identifiers: a string export name ("a; evil(); b") would be spliced into code.
        for (const el of st.exportClause.elements) if (!el.isTypeOnly && ts.isIdentifier(el.name)) names.add(el.name.text);
      } else if (st.exportClause && ts.isNamespaceExport(st.exportClause)) {
        if (ts.isIdentifier(st.exportClause.name)) names.add(st.exportClause.name.text);
      } else if (!st.exportClause && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
        const target = resolveSibling(file, st.moduleSpecifier.text);
        const text = target ? readFile(target) : undefined;
        if (target && text !== undefined) for (const n of exportedValueNames(target, text, readFile, seen)) if (n !== 'default') names.add(n);
      }
    } else if (exported(st)) {
      if (isDefault(st)) names.add('default');
      else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) names.add(st.name.text);
      else if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) bind(d.name);
      else if (ts.isEnumDeclaration(st) && !(ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.ConstKeyword)) names.add(st.name.text);
    }
  }
  return [...names].filter((n) => IDENTIFIER.test(n));
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `./x.ts` from `dir/y.ts` -> `dir/x.ts`; undefined if it leaves the lab folder. */
export function resolveSibling(from: string, spec: string): string | undefined {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return undefined;
  const out = from.split('/').slice(0, -1);
  for (const p of spec.split('/')) {
    if (p === '.' || p === '') continue;
    if (p === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else out.push(p);
  }
  const path = out.join('/');
  return path.endsWith('.js') ? path.slice(0, -3) + '.ts' : /\.tsx?$/.test(path) ? path : path + '.ts';
}
