/**
 * The learner's realm: lab files evaluated in their own node:vm context, reached from the
 * tests only through a membrane that passes primitives (membrane.js). The grader uses it so that the
 * verdict comes from a realm learner code cannot touch: the test runner, `expect`, the
 * simulator and the reporter live in the host realm, and nothing of the host realm is ever
 * handed to learner code (see membrane.js for why that holds).
 *
 *   const realm = new LearnerRealm({ root, files: { 'lamport.ts': source, ... } });
 *   const { LamportClock } = realm.require('lamport.ts');   // a Proxy of the learner's class
 *
 * What lab code gets there: JavaScript's built-ins; `console` (text, to the test's output);
 * `Math.random`, `Date`, `performance.now` that the host guard refuses during a run; no
 * timers, no `process`, no `require` but of the lab's own files, no `eval` or `Function`
 * from strings, no network or file system.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { compile } from '../../runtimes/browser/modules.ts';
import { hostCallRefusal } from '../../sim/host-guard.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const MEMBRANE = readFileSync(here('./membrane.js'), 'utf8');
const BOOTSTRAP = readFileSync(here('./bootstrap.js'), 'utf8');

/** A request is JSON text; an answer is JSON text, or a number, boolean, undefined or null as itself. */
type Answer = string | number | boolean | undefined | null;
type Receive = (text: string) => Answer;
interface Half {
  receive: Receive;
  remoteRoot(): LearnerLoader;
}
type MakeHalf = (sendRaw: Receive, optionsJson: string, root: object) => Half;
interface LearnerLoader {
  require(path: string): Record<string, unknown>;
  seal(): void;
}

/**
 * Host objects (and the functions on them) that never cross, whatever path leads to them.
 * No lab object should lead there; this is the second line if one ever does.
 */
const WITHHELD = [['process'], ['process', 'stdout'], ['process', 'stderr'], ['process', 'env'], ['console'], ['Buffer'], ['require'], ['module'], ['fetch'], ['WebAssembly']];

/**
 * What the tests' realm never reads from a learner's object: the test runner's own
 * protocols, through which a returned object could decide how it compares (an object with
 * `asymmetricMatch() { return true }` would equal anything in `toEqual`).
 */
const HIDDEN_KEYS = ['asymmetricMatch', '$$typeof'];
const HIDDEN_SYMBOLS = ['jest.asymmetricMatcher', 'vitest:SnapshotSerializer'];

/** How much a realm's console may print before the rest is dropped (a flood must not sink the run). */
const OUTPUT_LIMIT = 1_000_000;

export interface RealmOptions {
  /** The folder the lab's files are in (stack frames name them by their path there). */
  root: string;
  /** The files lab code may load, by lab-relative path: the learner's files and the lab's support files. */
  files: Record<string, string>;
  /** Where console output goes (default: this process's console). */
  print?: (level: string, text: string) => void;
}

/** Compiles a lab file, turning the compiler's complaint into "Syntax error at file:line:column: what". */
function compileOrExplain(path: string, source: string): { code: string } {
  try {
    return compile(path, source);
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    const at = /\((\d+):(\d+)\)\s*$/.exec(message);
    const what = message.replace(/^Error transforming [^:]*: /, '').replace(/\s*\(\d+:\d+\)\s*$/, '');
    throw new SyntaxError(at ? `Syntax error at ${path}:${at[1]}:${Number(at[2]) + 1}: ${what}` : `Syntax error in ${path}: ${what}`);
  }
}

export class LearnerRealm {
  private readonly loader: LearnerLoader;
  private printed = 0;

  constructor(opts: RealmOptions) {
    const print = opts.print ?? ((level: string, text: string) => (level === 'error' || level === 'warn' ? console.error(text) : console.log(text)));
    // A frozen object with no prototype: the learner's side can call these three, nothing more.
    const services = {
      __proto__: null,
      // Stricter than the tests' realm, where host time outside a run is allowed: lab code
      // never needs it, and a grade must not depend on when or where it was graded.
      guard: (api: unknown, stack: unknown): string => hostCallRefusal(String(api), String(stack), true) ?? '',
      now: (kind: unknown): number => (kind === 'monotonic' ? performance.now() : Date.now()),
      log: (level: unknown, text: unknown): void => {
        const t = String(text);
        if (this.printed > OUTPUT_LIMIT) return;
        this.printed += t.length;
        if (this.printed > OUTPUT_LIMIT) print('warn', `(lab code printed more than ${OUTPUT_LIMIT} characters; the rest is not shown)`);
        // A line that looks like the harness's progress line is lab output, and is shown as such.
        else print(String(level), t.replace(/^@@faultlines/gm, '  @@faultlines'));
      },
    };
    const makeHostHalf = vm.runInThisContext(MEMBRANE, { filename: 'faultlines-membrane.js' }) as MakeHalf;
    let toRealm: Receive = () => {
      throw new Error('the learner realm is not ready');
    };
    const hostHalf = makeHostHalf(
      (text) => toRealm(text),
      JSON.stringify({ side: 'host', withhold: WITHHELD, hideKeys: HIDDEN_KEYS, hideRegisteredSymbols: HIDDEN_SYMBOLS }),
      Object.freeze(services),
    );
    const context = vm.createContext(vm.constants?.DONT_CONTEXTIFY ?? {}, {
      name: 'lab code',
      codeGeneration: { strings: false, wasm: false },
    });
    const makeRealmHalf = vm.runInContext(MEMBRANE, context, { filename: 'faultlines-membrane.js' }) as unknown;
    const bootstrap = vm.runInContext(BOOTSTRAP, context, { filename: 'faultlines-bootstrap.js' }) as (
      make: unknown,
      send: Receive,
      optionsJson: string,
    ) => unknown;
    const example = Object.keys(opts.files)[0] ?? 'file.ts';
    const realmReceive = bootstrap(makeRealmHalf, hostHalf.receive, JSON.stringify({ example }));
    // The one object of the learner's realm the host holds: its half's receive function,
    // made by this file's code before any lab code ran. It is only ever called with a string.
    toRealm = (text) => {
      let reply: unknown;
      try {
        reply = (realmReceive as Receive)(text);
      } catch {
        throw new Error('lab code broke the sandbox it runs in (out of stack space?)');
      }
      if (typeof reply === 'object' && reply !== null) throw new Error('lab code broke the sandbox it runs in');
      if (typeof reply === 'function' || typeof reply === 'symbol' || typeof reply === 'bigint') throw new Error('lab code broke the sandbox it runs in');
      return reply as Answer;
    };
    for (const [path, source] of Object.entries(opts.files)) {
      const { code } = compileOrExplain(path, source);
      const wrapped = `__faultlinesRegister(${JSON.stringify(path)}, function (exports, require, module) {${code}\n});`;
      new vm.Script(wrapped, { filename: join(opts.root, path) }).runInContext(context);
    }
    this.loader = hostHalf.remoteRoot();
    this.loader.seal();
  }

  /** The exports of one lab file, loaded (once) in the learner's realm. */
  require(path: string): Record<string, unknown> {
    return this.loader.require(path);
  }
}
