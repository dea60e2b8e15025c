/**
 * Static rules every learner file must keep, whatever the lab: checked by the grader,
 * `verify-labs` and the lab CLI before the tests run, because no test can see them reliably.
 *
 * - No state shared between nodes. Every node of a simulated cluster runs in one JavaScript
 *   module instance, so a module-level variable that node code changes is one variable for
 *   the whole cluster (and for every test run after it): n2's clock moves when n1 ticks.
 *   Flagged: a module-level (or imported) binding that code inside a function reassigns,
 *   or whose object it mutates (a property write, `push`, `set`, `add`, `delete`...);
 *   `this.x` writes in static methods; writes to `globalThis` and friends.
 * - No host time, randomness or timers (`Date.now`, `Math.random`, `setTimeout`...): a run
 *   would no longer replay from its seed. The simulator refuses them at run time too; this
 *   names the line even when no test reaches it.
 *
 * Initialising a module-level table once at load time is fine: only changes made from
 * inside functions (that is, by node code) count. A module-level WeakMap or WeakSet is
 * allowed: keyed by the node object, it is per-node state that a restart forgets.
 */
import ts from 'typescript';

export interface SourceProblem {
  file: string;
  line: number;
  column: number;
  rule: 'shared-state' | 'host-api' | 'imports';
  message: string;
}

const MUTATORS = new Set([
  'push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin',
  'set', 'add', 'delete', 'clear',
]);
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self', 'global']);

const TIME = 'use the node\'s clock (ctx.now(), or node.now() where the lab gives one)';
const RANDOM = 'use the node\'s seeded random stream (ctx.random(), or node.random() where the lab gives one)';
const TIMER = 'use the simulation\'s timers (ctx.setTimer and onTimer, or await ctx.sleep)';
const HOST_MEMBERS: Record<string, Record<string, string>> = {
  Math: { random: RANDOM },
  Date: { now: TIME },
  performance: { now: TIME },
  crypto: { getRandomValues: RANDOM, randomUUID: RANDOM, randomBytes: RANDOM, randomInt: RANDOM },
  process: { hrtime: TIME, uptime: TIME },
};
const HOST_TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate']);

/** An access path: `a.b[c].d` is root `a`; `this.x` is root `this`. */
function rootOf(e: ts.Expression): ts.Identifier | ts.ThisExpression | undefined {
  let x: ts.Expression = e;
  for (;;) {
    if (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x)) x = x.expression;
    else if (ts.isParenthesizedExpression(x) || ts.isNonNullExpression(x) || ts.isAsExpression(x)) x = x.expression;
    else if (ts.isCallExpression(x) && ts.isPropertyAccessExpression(x.expression) && x.expression.name.text === 'get') x = x.expression.expression;
    else break;
  }
  if (ts.isIdentifier(x)) return x;
  if (x.kind === ts.SyntaxKind.ThisKeyword) return x as ts.ThisExpression;
  return undefined;
}

function firstMember(e: ts.Expression): string | undefined {
  let x: ts.Expression = e;
  let name: string | undefined;
  while (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x)) {
    name = ts.isPropertyAccessExpression(x) ? x.name.text : undefined;
    x = x.expression;
  }
  return name;
}

function bindingNames(name: ts.BindingName, out: ts.Identifier[]): void {
  if (ts.isIdentifier(name)) out.push(name);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, out);
}

const isAssignmentOperator = (k: ts.SyntaxKind) => k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;

/** Checks one learner file. `file` is its name as the learner sees it (e.g. `election.ts`). */
export function checkLearnerSource(file: string, text: string): SourceProblem[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const problems: SourceProblem[] = [];
  const at = (node: ts.Node) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    return { line: line + 1, column: character + 1 };
  };
  const add = (node: ts.Node, rule: SourceProblem['rule'], message: string) => {
    const p = at(node);
    problems.push({ file, ...p, rule, message: `${file}:${p.line}: ${message}` });
  };

  // Module-level bindings: declarations and imports, with how each was declared.
  const moduleBindings = new Map<string, { node: ts.Node; kind: string }>();
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) {
      const flags = st.declarationList.flags;
      const kind = flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
      for (const d of st.declarationList.declarations) {
        const ids: ts.Identifier[] = [];
        bindingNames(d.name, ids);
        // A WeakMap/WeakSet keyed by the node object is per-node state (a restarted node is a new object).
        const init = d.initializer;
        if (init && ts.isNewExpression(init) && ts.isIdentifier(init.expression) && /^Weak(Map|Set)$/.test(init.expression.text)) continue;
        for (const id of ids) moduleBindings.set(id.text, { node: d, kind });
      }
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) {
      moduleBindings.set(st.name.text, { node: st, kind: ts.isClassDeclaration(st) ? 'class' : 'function' });
    } else if (ts.isImportDeclaration(st) && st.importClause && !st.importClause.isTypeOnly) {
      const c = st.importClause;
      if (c.name) moduleBindings.set(c.name.text, { node: c, kind: 'import' });
      const nb = c.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) moduleBindings.set(nb.name.text, { node: nb, kind: 'import' });
      if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) if (!el.isTypeOnly) moduleBindings.set(el.name.text, { node: el, kind: 'import' });
    }
  }

  const reported = new Set<string>();
  const sharedWrite = (root: ts.Identifier, where: ts.Node, how: string) => {
    const b = moduleBindings.get(root.text);
    if (!b || reported.has(root.text)) return;
    if (shadowed(root)) return;
    reported.add(root.text);
    const decl = at(b.node);
    const what =
      b.kind === 'import'
        ? `\`${root.text}\` is imported from another module, so it is one object for the whole cluster`
        : `\`${root.text}\` (line ${decl.line}) is declared at module level, outside any node, so it is one ${b.kind === 'let' || b.kind === 'var' ? 'variable' : 'object'} for the whole cluster`;
    add(
      where,
      'shared-state',
      `${what}, and this line ${how}. Every node shares it, and so does every test run after the first: when one node changes it, the others see the change. ` +
        'Keep per-node state inside the node (a field of its class or of the state object it is given).',
    );
  };

  // A name declared again inside a function (a parameter, a local) is not the module binding.
  const shadowed = (id: ts.Identifier): boolean => {
    for (let n: ts.Node | undefined = id.parent; n && n !== sf; n = n.parent) {
      if (ts.isFunctionLike(n)) {
        for (const p of n.parameters) {
          const ids: ts.Identifier[] = [];
          bindingNames(p.name, ids);
          if (ids.some((x) => x.text === id.text)) return true;
        }
      }
      if (ts.isBlock(n) || ts.isSourceFile(n) || ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n)) {
        if (n === sf) break;
        const locals = ts.isBlock(n) ? n.statements : [];
        for (const s of locals) {
          if (ts.isVariableStatement(s)) {
            for (const d of s.declarationList.declarations) {
              const ids: ts.Identifier[] = [];
              bindingNames(d.name, ids);
              if (ids.some((x) => x.text === id.text)) return true;
            }
          }
          if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name?.text === id.text) return true;
        }
        if ((ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n)) && n.initializer && ts.isVariableDeclarationList(n.initializer)) {
          for (const d of n.initializer.declarations) {
            const ids: ts.Identifier[] = [];
            bindingNames(d.name, ids);
            if (ids.some((x) => x.text === id.text)) return true;
          }
        }
      }
    }
    return false;
  };

  const inStaticMember = (n: ts.Node): boolean => {
    for (let p: ts.Node | undefined = n.parent; p; p = p.parent) {
      if (ts.isClassStaticBlockDeclaration(p)) return true;
      if (ts.isMethodDeclaration(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p) || ts.isPropertyDeclaration(p)) {
        return !!ts.getModifiers(p)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
      }
      if (ts.isFunctionExpression(p) || ts.isFunctionDeclaration(p)) return false;
    }
    return false;
  };

  const onWrite = (target: ts.Expression, where: ts.Node, how: string, inFunction: boolean) => {
    const root = rootOf(target);
    if (!root) return;
    if (ts.isIdentifier(root)) {
      if (GLOBAL_OBJECTS.has(root.text) && target !== root && !moduleBindings.has(root.text)) {
        add(where, 'shared-state', `writes to \`${root.text}\`: a global is one object for the whole cluster, shared by every node. Keep per-node state inside the node.`);
        return;
      }
      if (inFunction) sharedWrite(root, where, how);
    } else if (inFunction && target !== root && inStaticMember(where)) {
      const key = `this.${firstMember(target) ?? ''}`;
      if (reported.has(key)) return;
      reported.add(key);
      add(where, 'shared-state', 'changes a static field of a class: a static field belongs to the class, not to one node, so every node shares it. Make it an instance field.');
    }
  };

  const hostApi = (node: ts.Node, api: string, instead: string) =>
    add(node, 'host-api', `${api} reads the host computer's ${instead === TIMER ? 'timers' : instead === RANDOM ? 'randomness' : 'clock'}, which differs on every run, so a failing seed could not be replayed: ${instead}.`);

  const visit = (node: ts.Node, inFunction: boolean): void => {
    const fnHere = inFunction || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node);
    if (ts.isBinaryExpression(node) && isAssignmentOperator(node.operatorToken.kind)) {
      const how = ts.isIdentifier(node.left) ? `assigns it (${node.left.text} ${node.operatorToken.getText(sf)} ...)` : `changes what it holds (${node.left.getText(sf)} ${node.operatorToken.getText(sf)} ...)`;
      onWrite(node.left, node, how, inFunction);
    } else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
      (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) {
      onWrite(node.operand, node, `changes it (${node.getText(sf)})`, inFunction);
    } else if (ts.isDeleteExpression(node)) {
      onWrite(node.expression, node, `deletes from it (${node.getText(sf)})`, inFunction);
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const recv = node.expression.expression;
      const recvRoot = rootOf(recv);
      const hostOwner = ts.isIdentifier(recv) ? HOST_MEMBERS[recv.text] : undefined;
      if (hostOwner && hostOwner[method] && !moduleBindings.has((recv as ts.Identifier).text)) {
        hostApi(node, `${(recv as ts.Identifier).text}.${method}()`, hostOwner[method]!);
      } else if (MUTATORS.has(method) && recvRoot) {
        // `x.set(k, v)` on a module-level Map; `x.get(k).push(v)` too.
        onWrite(node.expression, node, `changes its contents (${node.expression.getText(sf)}(...))`, inFunction);
      }
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const name = node.expression.text;
      if (HOST_TIMERS.has(name) && !moduleBindings.has(name)) hostApi(node, `${name}()`, TIMER);
      if (name === 'Date' && !moduleBindings.has('Date')) hostApi(node, 'Date()', TIME);
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date' && !node.arguments?.length) {
      if (!moduleBindings.has('Date')) hostApi(node, 'new Date()', TIME);
    } else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && !ts.isCallExpression(node.parent)) {
      // `const now = Date.now; now()` and `[].map(Math.random)`: a host function passed around.
      const owner = HOST_MEMBERS[node.expression.text];
      if (owner && owner[node.name.text] && !moduleBindings.has(node.expression.text)) hostApi(node, `${node.expression.text}.${node.name.text}`, owner[node.name.text]!);
    }
    ts.forEachChild(node, (c) => visit(c, fnHere));
  };
  visit(sf, false);
  problems.push(...importProblems(file, sf));
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

const IMPORT_RULE = "a lab file may import only the lab's own files (like './types.ts') and types from 'faultlines'";

/**
 * What a learner file may load: the lab's own files and types from `faultlines`. Nothing
 * else is there when the grader runs it (no `vitest`, no `node:` modules, no files outside
 * the lab), so say so now, at the line, rather than as a failure at run time.
 */
function importProblems(file: string, sf: ts.SourceFile): SourceProblem[] {
  const out: SourceProblem[] = [];
  const flag = (node: ts.Node, what: string) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    out.push({ file, line: line + 1, column: character + 1, rule: 'imports', message: `${file}:${line + 1}: ${what}: ${IMPORT_RULE}.` });
  };
  const allowed = (spec: string) =>
    spec === 'faultlines' || spec === 'faultlines/testing' ? 'types' : spec.startsWith('./') && !spec.slice(2).split('/').includes('..') ? 'ok' : 'no';
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      if (allowed(spec) === 'no') flag(node, `imports '${spec}'`);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      flag(node, 'loads a module with import()');
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') {
      flag(node, 'calls require()');
    } else if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      flag(node, 'reads import.meta');
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Checks every learner file of a submission. */
export function checkLearnerFiles(files: Record<string, string>, learnerFiles: readonly string[]): SourceProblem[] {
  return learnerFiles.flatMap((f) => (files[f] === undefined ? [] : checkLearnerSource(f, files[f]!)));
}
