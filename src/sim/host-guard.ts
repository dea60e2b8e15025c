/**
 * Host time and randomness inside a simulation.
 *
 * A run replays from its seed only if node code takes time, randomness and timers from the
 * simulation (`ctx.now()`, `ctx.random()`, `ctx.setTimer()`). `Date.now()`, `Math.random()`
 * or a host `setTimeout` give a different run every time, and the bug the learner is
 * chasing vanishes on replay. So while a simulation runs, those host APIs refuse to answer
 * when lab code (a file that is not the kit's and not a dependency's) calls them: the call
 * throws a {@link HostNondeterminismError} that names the line and what to use instead, and
 * the call is recorded so a test fails even if the node code swallows the error.
 *
 * The guard is installed on first use and costs nothing outside a run: the patched functions
 * only look at the stack while a simulation is running (`enterSimulation`), and only lab
 * frames count, so Vitest's own timers and clocks keep working during async drains.
 * @module
 */

/** One refused call. */
export interface HostCall {
  /** What was called, e.g. `Math.random()`. */
  api: string;
  /** Where, as `file.ts:line` (lab-relative), when the stack shows it. */
  where?: string;
  /** The node whose handler was running, when known. */
  node?: string;
  /** Virtual time of the call, in ms, when known. */
  t?: number;
  /** What to use instead. */
  instead: string;
}

/** Thrown at a refused call: its message is written for the learner. */
export class HostNondeterminismError extends Error {
  readonly call: HostCall;
  constructor(call: HostCall) {
    super(describeHostCall(call));
    this.name = 'HostNondeterminismError';
    this.call = call;
  }
}

const TIME = "the node's own clock, ctx.now() (node.now() where the lab's node has it): virtual time that replays from the seed";
const RANDOM = "the node's seeded random stream, ctx.random() (node.random() where the lab's node has it)";
const TIMER = 'the simulation\'s timers: ctx.setTimer(ms, name) and onTimer, or await ctx.sleep(ms)';

/** The sentence a learner reads. */
export function describeHostCall(c: HostCall): string {
  const who = c.node ? `${c.node} called ${c.api}` : `${c.api} was called`;
  const where = c.where ? ` at ${c.where}` : '';
  const when = c.t !== undefined ? ` (${c.t.toFixed(1)} ms into the run)` : '';
  const kind = c.instead === RANDOM ? 'Host randomness' : c.instead === TIMER ? 'A host timer' : 'Host time';
  return (
    `${who}${where}${when} while the simulation was running. ${kind} is different on every run, ` +
    `so this seed could not be replayed and the tests could not trust what they saw. Use ${c.instead}.`
  );
}

/** Something that knows the virtual time, in ms (the running Simulation). */
interface Clock {
  readonly now: number;
}

let depth = 0;
let currentNode: string | undefined;
let currentClock: Clock | undefined;
let learnerFiles: readonly string[] | undefined;
const recorded: HostCall[] = [];
let installed = false;

/**
 * Tells the guard which files are the learner's (names relative to the lab folder, like
 * `election.ts`). Without it, any frame outside the kit and node_modules counts as lab code.
 */
export function setLearnerFiles(files: readonly string[] | undefined): void {
  learnerFiles = files && files.length ? [...files] : undefined;
}

/** Marks the start of a run of node code; pair with {@link leaveSimulation}. */
export function enterSimulation(): void {
  if (!installed) install();
  depth++;
}

export function leaveSimulation(): void {
  if (depth > 0) depth--;
  if (depth === 0) {
    currentNode = undefined;
    currentClock = undefined;
  }
}

/** Which node's handler is about to run, and whose clock to read (for the message). Cheap: it is called per event. */
export function setGuardContext(node: string | undefined, clock: Clock): void {
  currentNode = node;
  currentClock = clock;
}

/** The refused calls since the last {@link takeHostCalls}, and forgets them. */
export function takeHostCalls(): HostCall[] {
  return recorded.splice(0, recorded.length);
}

// Frames of the kit itself (simulator, checkers, testing) and of dependencies never count:
// in Node they are under src/{sim,kit,checkers} or node_modules; in the browser worker
// they are bundled scripts, while lab files are evaluated under the lab root ("/lab/").
const KIT_FRAME = /[\\/](node_modules|src[\\/](sim|kit|checkers|runtimes|labs))[\\/]|\/_astro\/|\.m?js:\d+:\d+\)?$/;
const FRAME_FILE = /\(?((?:[a-zA-Z]+:\/\/[^\s)]*?|\/)?[^\s()]*?\.tsx?):(\d+):(\d+)\)?\s*$/;

/** The first stack frame that is lab code, as `file.ts:line`, or undefined if none. */
function labFrame(stack: string): string | undefined {
  const lines = stack.split('\n').slice(1);
  for (const line of lines) {
    const m = FRAME_FILE.exec(line.trim());
    if (!m) continue;
    const file = m[1]!;
    if (KIT_FRAME.test(line)) continue;
    const base = file.split(/[\\/]/).pop()!;
    const parent = file.split(/[\\/]/).slice(-2, -1)[0];
    if (parent === 'tests' || base.endsWith('.test.ts')) continue;
    if (learnerFiles && !learnerFiles.includes(base) && !learnerFiles.some((f) => file.endsWith('/' + f))) continue;
    // File and line only: the page runs type-stripped code whose columns differ from the source's.
    return `${base}:${m[2]}`;
  }
  return undefined;
}

/** Throws (and records) if lab code is calling `api` inside a run. */
function check(api: string, instead: string): void {
  if (depth === 0) return;
  const where = labFrame(new Error().stack ?? '');
  if (where === undefined) return;
  const call: HostCall = { api, where, instead };
  if (currentNode !== undefined) call.node = currentNode;
  if (currentClock !== undefined) call.t = currentClock.now;
  recorded.push(call);
  throw new HostNondeterminismError(call);
}

const INSTEAD: Record<string, string> = {
  'Math.random()': RANDOM,
  'Date.now()': TIME,
  'new Date()': TIME,
  'Date()': TIME,
  'performance.now()': TIME,
  'setTimeout()': TIMER,
  'setInterval()': TIMER,
  'setImmediate()': TIMER,
};

/**
 * The same rule for lab code that runs in its own realm (the grader's sandbox, which has
 * its own Math and Date): given the API and the stack at the call, records the call and
 * returns the error's message if it is refused, or undefined if it is allowed.
 */
export function hostCallRefusal(api: string, stack: string, always = false): string | undefined {
  if (depth === 0 && !always) return undefined;
  const where = labFrame(stack);
  if (where === undefined && !always) return undefined;
  const call: HostCall = { api, where: where ?? 'lab code', instead: INSTEAD[api] ?? TIME };
  // Outside a run nothing is recorded (no test is running a simulation); the call still throws.
  if (depth === 0) return new HostNondeterminismError(call).message;
  if (currentNode !== undefined) call.node = currentNode;
  if (currentClock !== undefined) call.t = currentClock.now;
  recorded.push(call);
  return new HostNondeterminismError(call).message;
}

type AnyFn = (...args: unknown[]) => unknown;

function wrap(owner: Record<string, unknown> | undefined, key: string, api: string, instead: string): void {
  if (!owner) return;
  const original = owner[key];
  if (typeof original !== 'function') return;
  const fn = original as AnyFn;
  const guarded = function (this: unknown, ...args: unknown[]): unknown {
    check(api, instead);
    return fn.apply(this, args);
  };
  try {
    Object.defineProperty(owner, key, { value: guarded, writable: true, configurable: true });
  } catch {
    // A frozen host object: leave it; the static check of learner files still names the call.
  }
}

function install(): void {
  installed = true;
  const g = globalThis as unknown as Record<string, unknown>;
  wrap(g.Math as Record<string, unknown>, 'random', 'Math.random()', RANDOM);
  const OrigDate = g.Date as DateConstructor;
  wrap(OrigDate as unknown as Record<string, unknown>, 'now', 'Date.now()', TIME);
  wrap(g.performance as Record<string, unknown> | undefined, 'now', 'performance.now()', TIME);
  const crypto = g.crypto as Record<string, unknown> | undefined;
  wrap(crypto, 'getRandomValues', 'crypto.getRandomValues()', RANDOM);
  wrap(crypto, 'randomUUID', 'crypto.randomUUID()', RANDOM);
  for (const t of ['setTimeout', 'setInterval', 'setImmediate'] as const) wrap(g, t, `${t}()`, TIMER);
  // `new Date()` and `Date()` read the host clock; `new Date(ms)` does not.
  g.Date = new Proxy(OrigDate, {
    construct(target, args, newTarget) {
      if (args.length === 0) check('new Date()', TIME);
      return Reflect.construct(target, args, newTarget) as object;
    },
    apply(target, self, args) {
      check('Date()', TIME);
      return Reflect.apply(target, self, args) as unknown;
    },
  });
}
