/**
 * The shell of the lab workspace's terminal: a prompt with line editing, history and tab
 * completion, and the few commands a learner needs (`npm test`, `npx vitest run`,
 * `npm run sim`, `ls`, `cat`, `hint`, `reset`, ...). Framework-free and DOM-free: it talks
 * to a {@link TerminalLike} (xterm's Terminal) and a {@link ShellHost} (the workspace).
 * @module
 */
import type { RunHandle } from '../../runtimes/runtime.ts';
import { colors, columns, glue, visibleWidth, wrapLine } from './ansi.ts';
import { decodeInput, LineBuffer, moveToEnd, printable, redrawLine } from './line-editor.ts';
import { closest, parseCommandLine, parseTestArgs, quoteWord, splitWords } from './parse.ts';
import { createTestReporter } from './reporter.ts';
import type { Shell, ShellHost, ShellOptions, ShellTestOptions, TerminalLike } from './types.ts';

/** The commands the shell knows, for completion, help and "did you mean". */
export const COMMANDS = ['npm', 'npx', 'vitest', 'ls', 'cat', 'help', 'hint', 'reset', 'clear', 'history'] as const;

const NPM_SUBCOMMANDS = ['test', 'run'];
const NPM_SCRIPTS = ['test', 'sim'];
const NODE_LIKE = new Set(['node', 'tsx', 'ts-node', 'deno', 'bun', 'python', 'python3']);
const PACKAGE_MANAGERS = new Set(['yarn', 'pnpm']);
const NPM_PACKAGE_COMMANDS = new Set(['install', 'i', 'ci', 'add', 'uninstall', 'un', 'remove', 'rm', 'update', 'up', 'upgrade', 'link']);
const FILE_COMMANDS = new Set(['cd', 'mkdir', 'rmdir', 'rm', 'mv', 'cp', 'touch', 'vim', 'vi', 'nano', 'emacs', 'code', 'less', 'more', 'head', 'tail', 'grep', 'find', 'pwd', 'echo', 'sudo']);
/** Words that are not commands here but clearly mean one. */
const MEANT: Record<string, string> = { test: 'npm test', tests: 'npm test', run: 'npm test', sim: 'npm run sim', hints: 'hint', dir: 'ls', type: 'cat', cls: 'clear', man: 'help', '?': 'help' };

const isTestFile = (f: string) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(f);
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Token {
  live: boolean;
}

/** What a running command can do. */
interface Ctx {
  /** False once the learner pressed Ctrl+C: output is dropped from then on. */
  readonly live: boolean;
  /** Prints text (several lines allowed), word-wrapped to the terminal. */
  print(text: string, indent?: string): void;
  /** Writes raw terminal data (newlines must be `\r\n`). */
  raw(data: string): void;
  /** Runs `fn` on Ctrl+C, before `^C` is printed; a returned text is printed after it. */
  onCancel(fn: () => string | void): void;
  /** Asks a question on the prompt line; resolves with the answer, or null on Ctrl+C. */
  ask(question: string): Promise<string | null>;
}

interface Queued {
  /** Input up to (not including) a newline. */
  data: string;
  /** A newline followed it. */
  submit: boolean;
  /** Part of a multi-line paste: a Tab inserts a space instead of completing. */
  pasted: boolean;
}

/** Starts a shell in `term` for the lab `host`. */
export function createShell(term: TerminalLike, host: ShellHost, opts: ShellOptions = {}): Shell {
  const c = colors(opts.color ?? true);
  const limit = Math.max(1, opts.historyLimit ?? 200);
  const history: string[] = [...(opts.history ?? [])].slice(-limit);
  const showRunLabel = opts.showRunLabel ?? 'Show run';
  const line = new LineBuffer();
  const queue: Queued[] = [];
  let histPos = history.length;
  let draft = '';
  let cursorRow = 0;
  let promptShown = false;
  let busy = false;
  let asking: { prompt: string; resolve(answer: string | null): void } | null = null;
  let cancelHooks: (() => string | void)[] = [];
  let stopCurrent: (() => void) | null = null;
  let current: Promise<void> = Promise.resolve();
  let pendingRun: Promise<unknown> | null = null;
  let undo: (() => void) | null = null;
  let testNames: string[] = [];
  let disposed = false;

  const cols = () => Math.max(10, term.cols || 80);
  const write = (data: string) => {
    if (!disposed) term.write(data);
  };
  const print = (text: string, indent = '') => {
    for (const l of text.split('\n')) for (const w of wrapLine(l, cols(), indent)) write(`${w}\r\n`);
  };
  const promptText = () => asking?.prompt ?? `${c.cyan(`lab:${host.labId}`)} ${c.bold('$')} `;

  // ---- drawing the line ---------------------------------------------------------------

  const render = () => {
    const r = redrawLine(promptText(), line.text, line.cursor, cols(), cursorRow);
    write(r.data);
    cursorRow = r.cursorRow;
  };
  const showPrompt = () => {
    line.set('');
    cursorRow = 0;
    histPos = history.length;
    draft = '';
    write(promptText());
    promptShown = true;
  };
  /** Leaves the current line: the cursor goes below it, at column 0. */
  const leaveLine = (suffix = '') => {
    write(moveToEnd(promptText(), line.text, cols(), cursorRow) + suffix + '\r\n');
    cursorRow = 0;
    promptShown = false;
  };

  // ---- history -------------------------------------------------------------------------

  const addHistory = (text: string) => {
    if (!text.trim()) return;
    if (history[history.length - 1] !== text) {
      history.push(text);
      if (history.length > limit) history.splice(0, history.length - limit);
      opts.onHistory?.(history.slice());
    }
  };
  const historyUp = () => {
    if (histPos === 0) return;
    if (histPos === history.length) draft = line.text;
    histPos--;
    line.set(history[histPos]!);
    render();
  };
  const historyDown = () => {
    if (histPos >= history.length) return;
    histPos++;
    line.set(histPos === history.length ? draft : history[histPos]!);
    render();
  };

  // ---- completion ----------------------------------------------------------------------

  const testFiles = () => host.listFiles().filter(isTestFile);
  const testArgCandidates = (args: string[], cur: string, withRun: boolean, dashDash: boolean): string[] => {
    const prev = args[args.length - 1];
    if (prev === '-t' || prev === '--testNamePattern') return testNames;
    if (prev === '--seed') return [];
    if (cur.startsWith('-')) return [...(dashDash && !args.includes('--') ? ['--'] : []), '--seed', '-t'];
    return [...(withRun && args.length === 0 ? ['run'] : []), ...testFiles()];
  };
  const candidatesFor = (words: string[], cur: string): string[] => {
    while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) words.shift();
    const [cmd, ...rest] = words;
    if (cmd === undefined) return [...COMMANDS];
    switch (cmd) {
      case 'npm':
        if (rest.length === 0) return NPM_SUBCOMMANDS;
        if (rest[0] === 'run' && rest.length === 1) return NPM_SCRIPTS;
        if (rest[0] === 'test' || rest[0] === 't') return testArgCandidates(rest.slice(1), cur, false, true);
        if (rest[0] === 'run' && rest[1] === 'test') return testArgCandidates(rest.slice(2), cur, false, true);
        if (rest[0] === 'run' && rest[1] === 'sim') return rest.includes('--') ? ['--seed'] : ['--'];
        return [];
      case 'npx':
        if (rest.length === 0) return ['vitest'];
        return rest[0] === 'vitest' ? testArgCandidates(rest.slice(1), cur, true, false) : [];
      case 'vitest':
        return testArgCandidates(rest, cur, true, false);
      case 'cat':
      case 'ls':
        return host.listFiles().sort();
      case 'help':
        return rest.length ? [] : [...COMMANDS];
      case 'reset':
        return ['--undo', '--yes'];
      case 'history':
        return ['-c'];
      default:
        return [];
    }
  };

  const showCandidates = (list: string[]) => {
    leaveLine();
    const shown = list.slice(0, 100);
    for (const row of columns(shown, cols())) write(`${row.join('')}\r\n`);
    if (list.length > shown.length) write(c.dim(`… and ${list.length - shown.length} more`) + '\r\n');
    render();
    promptShown = true;
  };

  const complete = () => {
    const before = line.beforeCursor;
    const after = line.text.slice(before.length);
    let quote: string | null = null;
    let start = 0;
    for (let i = 0; i < before.length; i++) {
      const ch = before[i]!;
      if (quote) {
        if (ch === quote) quote = null;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === ' ') start = i + 1;
    }
    const raw = before.slice(start);
    let words: string[];
    try {
      words = splitWords(before.slice(0, start));
    } catch {
      return;
    }
    const openQuote = /^["']/.test(raw) ? raw[0]! : '';
    const value = openQuote ? raw.slice(1).replace(new RegExp(openQuote, 'g'), '') : raw;
    const matches = [...new Set(candidatesFor(words, value))].filter((s) => s.startsWith(value));
    if (matches.length === 0) return;
    const replace = (text: string) => {
      const head = before.slice(0, start) + text;
      line.set(head + after, Array.from(head).length);
      render();
    };
    if (matches.length === 1) {
      const word = openQuote ? `${openQuote}${matches[0]}${openQuote}` : quoteWord(matches[0]!);
      replace(after.startsWith(' ') ? word : `${word} `);
      if (after.startsWith(' ')) {
        line.right();
        render();
      }
      return;
    }
    let prefix = matches[0]!;
    for (const m of matches) while (!m.startsWith(prefix)) prefix = prefix.slice(0, -1);
    if (prefix.length > value.length) {
      const q = openQuote || (quoteWord(prefix) !== prefix ? "'" : '');
      replace(`${q}${prefix}`);
      return;
    }
    showCandidates(matches);
  };

  // ---- running commands ----------------------------------------------------------------

  const ctxFor = (token: Token): Ctx => ({
    get live() {
      return token.live;
    },
    print: (text, indent) => {
      if (token.live) print(text, indent);
    },
    raw: (data) => {
      if (token.live) write(data);
    },
    onCancel: (fn) => {
      cancelHooks.push(fn);
    },
    ask: (question) =>
      new Promise<string | null>((resolve) => {
        if (!token.live) return resolve(null);
        asking = { prompt: question, resolve };
        showPrompt();
        drain();
      }),
  });

  const execute = async (text: string): Promise<void> => {
    busy = true;
    const token: Token = { live: true };
    cancelHooks = [];
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    stopCurrent = () => {
      token.live = false;
      stop();
    };
    const ctx = ctxFor(token);
    try {
      await Promise.race([dispatch(ctx, text), stopped]);
    } catch (err) {
      if (token.live) print(c.red(`shell: ${err instanceof Error ? err.message : String(err)}`));
    }
    token.live = false;
    stopCurrent = null;
    cancelHooks = [];
    busy = false;
    asking = null;
    if (disposed) return;
    showPrompt();
    drain();
  };

  const submit = () => {
    const text = line.text;
    leaveLine();
    if (asking) {
      const a = asking;
      asking = null;
      a.resolve(text);
      return;
    }
    addHistory(text);
    current = execute(text);
  };

  /** Feeds queued input (typed or pasted lines) while nothing runs. */
  const drain = () => {
    while (queue.length && (!busy || asking)) {
      const item = queue.shift()!;
      applyKeys(item.data, item.pasted);
      if (item.submit && !disposed && (!busy || asking)) submit();
    }
  };

  /** Ctrl+C while a command runs. */
  const interrupt = () => {
    queue.length = 0;
    const messages: string[] = [];
    for (const hook of cancelHooks) {
      try {
        const m = hook();
        if (m) messages.push(m);
      } catch {
        // a failing cancel must not keep the prompt away
      }
    }
    write(`${c.dim('^C')}\r\n`);
    for (const m of messages) print(c.yellow(m));
    stopCurrent?.();
  };

  // ---- input ---------------------------------------------------------------------------

  const onData = (data: string) => {
    if (disposed) return;
    if (busy && !asking) {
      if (data.includes('\x03')) interrupt();
      return;
    }
    const parts = data.replace(/\x1b\[20[01]~/g, '').split(/\r\n|\r|\n/);
    const last = parts.pop()!;
    const pasted = parts.length > 1 || (parts.length === 1 && last !== '');
    for (const p of parts) queue.push({ data: p, submit: true, pasted });
    if (last !== '') queue.push({ data: last, submit: false, pasted });
    drain();
  };

  /** Applies keys (no newlines) to the line being edited. */
  const applyKeys = (data: string, pasted: boolean) => {
    for (const key of decodeInput(data)) {
      if (busy && !asking) {
        if (key.kind === 'interrupt') interrupt();
        continue;
      }
      switch (key.kind) {
        case 'text':
          line.insert(printable(key.text));
          render();
          break;
        case 'backspace':
          if (line.backspace()) render();
          break;
        case 'delete':
          if (line.deleteForward()) render();
          break;
        case 'eof':
          if (line.deleteForward()) render();
          break;
        case 'left':
          if (line.left()) render();
          break;
        case 'right':
          if (line.right()) render();
          break;
        case 'home':
          line.home();
          render();
          break;
        case 'end':
          line.end();
          render();
          break;
        case 'word-left':
          line.wordLeft();
          render();
          break;
        case 'word-right':
          line.wordRight();
          render();
          break;
        case 'kill-before':
          line.killBefore();
          render();
          break;
        case 'kill-after':
          line.killAfter();
          render();
          break;
        case 'kill-word':
          line.killWord();
          render();
          break;
        case 'up':
          historyUp();
          break;
        case 'down':
          historyDown();
          break;
        case 'tab':
          if (pasted) {
            line.insert(' ');
            render();
          } else complete();
          break;
        case 'clear-screen':
          write('\x1b[H\x1b[2J');
          cursorRow = 0;
          render();
          break;
        case 'interrupt':
          queue.length = 0;
          leaveLine(c.dim('^C'));
          if (asking) {
            const a = asking;
            asking = null;
            a.resolve(null);
          } else {
            showPrompt();
          }
          break;
        default:
          break;
      }
    }
  };

  // ---- the commands --------------------------------------------------------------------

  const notHere = (ctx: Ctx, what: string) => {
    ctx.print(`${c.yellow(what)}`);
    ctx.print(c.dim('To work in your own editor with real Node, clone the course and run:'));
    ctx.print(`  ${c.cyan(`npm run lab -- ${host.labId}`)}`);
  };

  const table = (ctx: Ctx, rows: [string, string][]) => {
    const w = cols();
    const left = Math.min(28, Math.max(...rows.map(([a]) => visibleWidth(a))) + 2);
    for (const [a, b] of rows) {
      if (w >= 60) ctx.print(`  ${c.cyan(a)}${' '.repeat(Math.max(1, left - visibleWidth(a)))}${b}`, ' '.repeat(left + 2));
      else {
        ctx.print(`  ${c.cyan(a)}`);
        ctx.print(`      ${c.dim(b)}`, '      ');
      }
    }
  };

  const help = (ctx: Ctx) => {
    ctx.print(c.bold('Commands in this terminal:'));
    table(ctx, [
      ['npm test', "run the lab's tests (also: npx vitest run)"],
      ['npm test -- --seed N', 'replay one seed of the seeded tests'],
      ['npm test -- -t <text>', 'only the tests whose name contains <text>'],
      ['npx vitest run <file>', 'only the test files whose path contains <file>'],
      ['npm run sim -- --seed N', "print a timeline of the lab's scenario"],
      ['ls', "list the lab's files"],
      ['cat <file>', 'print a file (cat -n: with line numbers)'],
      ['hint', 'show the next hint'],
      ['reset', 'put the starter code back (can be undone)'],
      ['history', 'the commands you typed (history -c clears it)'],
      ['clear', 'clear the terminal'],
    ]);
    ctx.print(c.dim('Keys: ↑/↓ history · Tab completes · Ctrl+C stops a run · Ctrl+L clears · Ctrl+A/Ctrl+E start/end · Ctrl+U/Ctrl+W delete'), '  ');
  };

  const listFiles = (ctx: Ctx, args: string[]) => {
    const all = host.listFiles().sort();
    const paths = args.filter((a) => !a.startsWith('-'));
    let shown = all;
    if (paths.length) {
      shown = [];
      for (const p of paths) {
        const dir = p.replace(/^\.\/?/, '').replace(/\/$/, '');
        const hits = dir === '' ? all : all.filter((f) => f === dir || f.startsWith(`${dir}/`));
        if (!hits.length) ctx.print(c.red(`ls: cannot access '${p}': No such file or directory`));
        shown.push(...hits);
      }
    }
    if (!shown.length) return;
    const editable = new Set(host.editableFiles ?? []);
    const paint = (f: string) => (editable.has(f) ? c.bold(c.green(f)) : isTestFile(f) ? c.cyan(f) : f);
    for (const row of columns(shown, cols())) ctx.raw(`${row.map((cell) => cell.replace(/\S+/, paint)).join('')}\r\n`);
    if (editable.size && !paths.length) ctx.print(c.dim(`${[...editable].join(', ')}: yours to edit. The rest is read-only.`));
  };

  const cat = (ctx: Ctx, args: string[]) => {
    const numbered = args.includes('-n');
    const names = args.filter((a) => !a.startsWith('-'));
    if (!names.length) {
      ctx.print(c.red(`cat: which file? For example: cat ${host.editableFiles?.[0] ?? host.listFiles()[0] ?? 'file.ts'}`));
      return;
    }
    const all = host.listFiles();
    for (const name of names) {
      const path = name.replace(/^\.\//, '');
      const text = host.readFile(path);
      if (text === undefined) {
        ctx.print(c.red(`cat: ${name}: No such file or directory`));
        const byBase = all.find((f) => f.endsWith(`/${path}`));
        const guess = byBase ?? closest(path, all);
        if (guess) ctx.print(`Did you mean ${c.cyan(glue(`cat ${guess}`))}?`);
        continue;
      }
      const lines = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
      const w = String(lines.length).length;
      for (const [i, l] of lines.entries()) {
        const safe = l.replace(/\x1b/g, '␛').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
        ctx.raw(`${numbered ? c.gray(`${String(i + 1).padStart(w)}  `) : ''}${safe}\r\n`);
      }
    }
  };

  const hint = (ctx: Ctx) => {
    const h = host.nextHint();
    if (!h) {
      ctx.print(c.dim('No more hints for this lab: you have seen them all.'));
      return;
    }
    ctx.print(`${c.bold(c.yellow(`Hint ${h.index} of ${h.total}:`))} ${h.text}`, '  ');
    if (h.index < h.total) ctx.print(c.dim('Type hint again for the next one.'));
  };

  const reset = async (ctx: Ctx, args: string[]) => {
    if (args.includes('--undo')) {
      if (!undo) {
        ctx.print(c.dim('Nothing to undo: there was no reset since this page opened.'));
        return;
      }
      const u = undo;
      undo = null;
      u();
      ctx.print(c.green('Your code is back as it was before the reset.'));
      return;
    }
    const what = host.editableFiles?.length ? host.editableFiles.join(', ') : 'your files';
    if (!args.some((a) => a === '-y' || a === '--yes' || a === '-f' || a === '--force')) {
      const answer = await ctx.ask(`Reset ${what} to the starter? ${c.dim('[y/N]')} `);
      if (answer === null || !ctx.live) return;
      if (!/^\s*y(es)?\s*$/i.test(answer)) {
        ctx.print('Nothing was reset.');
        return;
      }
    }
    const r = host.reset();
    if (!r) {
      ctx.print(`Nothing to reset: ${what} ${what.includes(',') || what === 'your files' ? 'are' : 'is'} already the starter.`);
      return;
    }
    undo = r.undo;
    ctx.print(c.green(`Reset ${what} to the starter.`));
    ctx.print(`Changed your mind? Type ${c.cyan(glue('reset --undo'))}${opts.undoNote ? ` ${opts.undoNote}` : ''} to get your code back.`);
  };

  const runTests = async (ctx: Ctx, args: string[], env: Record<string, string>, vitest: boolean) => {
    const t = parseTestArgs(args, env);
    if (t.error) {
      ctx.print(c.red(t.error));
      return;
    }
    if (t.ignored.length) ctx.print(c.dim(`(ignored here: ${t.ignored.join(' ')})`));
    let files: string[] | undefined;
    if (t.patterns.length) {
      files = testFiles().filter((f) => t.patterns.some((p) => f.includes(p)));
      if (!files.length) {
        ctx.print(c.red('No test files found, exiting with code 1'));
        ctx.print(`${c.dim('filter:')} ${t.patterns.join(', ')}`);
        ctx.print(`${c.dim('test files:')} ${testFiles().join(', ') || '(none)'}`);
        ctx.print(c.dim('Words after the command pick test files. To pick tests by name, use -t: npm test -- -t "receive"'));
        return;
      }
    }
    if (vitest && !t.run) ctx.print(c.dim('(vitest without "run" would watch for changes; here it runs once. ↑ Enter runs it again.)'));
    const reporter = createTestReporter(
      {
        write: (d) => ctx.raw(d),
        get cols() {
          return cols();
        },
      },
      { color: c.enabled, showRunLabel },
    );
    reporter.start({ labId: host.labId, seed: t.seed, filter: t.filter, files });
    if (pendingRun) await Promise.race([pendingRun, delay(3000)]);
    if (!ctx.live) return;
    const request: ShellTestOptions = {};
    if (t.filter !== undefined) request.filter = t.filter;
    if (files) request.files = files;
    if (t.seed !== undefined) request.seed = t.seed;
    let handle: RunHandle;
    try {
      handle = host.runTests(request, (e) => {
        if (ctx.live) reporter.event(e);
      });
    } catch (err) {
      ctx.print(c.red(`The tests could not start: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    ctx.onCancel(() => {
      handle.cancel();
      return reporter.interrupt();
    });
    const done = handle.done;
    pendingRun = done.then(
      () => undefined,
      () => undefined,
    );
    const summary = await done;
    const names = new Set<string>();
    for (const test of summary.tests) {
      names.add(test.name);
      const parts = test.fullName.split(' > ');
      for (let i = 1; i < parts.length; i++) names.add(parts.slice(0, i).join(' > '));
    }
    testNames = [...names];
    try {
      host.onRunFinished?.(summary);
    } finally {
      if (ctx.live) reporter.finish(summary);
    }
  };

  const sim = async (ctx: Ctx, args: string[], env: Record<string, string>) => {
    const t = parseTestArgs(args, env);
    if (t.error) {
      ctx.print(c.red(t.error));
      return;
    }
    const extra = [...t.patterns, ...t.ignored, ...(t.filter !== undefined ? ['-t'] : [])];
    if (extra.length) ctx.print(c.dim(`(ignored here: ${extra.join(' ')}; npm run sim only takes --seed N)`));
    ctx.raw('\r\n');
    ctx.print(`${c.badgeYellow(' SIM ')} ${c.cyan(host.labId)}${t.seed !== undefined ? ' ' + c.dim(`seed ${t.seed}`) : ''}`);
    ctx.raw('\r\n');
    let result: { timeline: string } | { error: string };
    try {
      result = await host.runSim(t.seed === undefined ? {} : { seed: t.seed });
    } catch (err) {
      result = { error: err instanceof Error ? err.message : String(err) };
    }
    if (!ctx.live) return;
    if ('error' in result) {
      ctx.print(c.red(result.error));
      return;
    }
    for (const l of result.timeline.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n')) ctx.raw(`${l}\r\n`);
    if (t.seed === undefined) ctx.print(c.dim('\nOther seeds: npm run sim -- --seed N'));
  };

  const unknown = (ctx: Ctx, argv: string[], what: string) => {
    ctx.print(c.red(what));
    const [cmd = '', sub] = argv;
    let suggestion: string | undefined;
    const meant = MEANT[cmd];
    if (meant) suggestion = meant;
    else if (cmd === 'npm' && sub !== undefined) {
      const s = closest(sub, [...NPM_SUBCOMMANDS, 't']);
      if (s) suggestion = ['npm', s === 't' ? 'test' : s, ...argv.slice(2)].join(' ');
    } else if (cmd === 'npx' && sub !== undefined) {
      if (closest(sub, ['vitest'])) suggestion = ['npx', 'vitest', ...argv.slice(2)].join(' ');
    } else {
      const s = closest(cmd, COMMANDS);
      if (s) suggestion = [s, ...argv.slice(1)].join(' ');
    }
    if (suggestion) ctx.print(`Did you mean ${c.cyan(glue(suggestion))}?`);
    ctx.print(c.dim('Type help to see what works here.'));
  };

  const dispatch = async (ctx: Ctx, text: string): Promise<void> => {
    if (!text.trim()) return;
    let env: Record<string, string>;
    let argv: string[];
    try {
      ({ env, argv } = parseCommandLine(text.trim()));
    } catch (err) {
      ctx.print(c.red(`shell: ${(err as Error).message}`));
      return;
    }
    if (argv.length === 0) {
      ctx.print(c.dim(`Variables only work in front of a command here, like: ${Object.keys(env)[0] ?? 'FAULTLINES_SEED'}=${Object.values(env)[0] ?? '3'} npm test`));
      return;
    }
    if (argv.some((a) => ['&&', '||', '|', ';', '>', '>>', '<'].includes(a))) {
      ctx.print(c.yellow('One command at a time here: no &&, ;, | or redirections.'));
      return;
    }
    const [cmd, ...args] = argv as [string, ...string[]];
    switch (cmd) {
      case 'help':
        return help(ctx);
      case 'ls':
        return listFiles(ctx, args);
      case 'cat':
        return cat(ctx, args);
      case 'hint':
        return hint(ctx);
      case 'reset':
        return reset(ctx, args);
      case 'clear':
        ctx.raw('\x1b[H\x1b[2J\x1b[3J');
        return;
      case 'history':
        if (args[0] === '-c') {
          history.length = 0;
          opts.onHistory?.([]);
          return;
        }
        history.forEach((h, i) => ctx.raw(`${c.gray(String(i + 1).padStart(5))}  ${h}\r\n`));
        return;
      case 'vitest':
        return runTests(ctx, args, env, true);
      case 'npx':
        if (args[0] === 'vitest') return runTests(ctx, args.slice(1), env, true);
        if (args[0] !== undefined && NODE_LIKE.has(args[0])) return notHere(ctx, nodeNote(`npx ${args[0]}`));
        return unknown(ctx, argv, args[0] === undefined ? 'npx: which command? Here npx runs vitest only: npx vitest run' : `npx ${args[0]}: not available here. npx runs vitest only: npx vitest run`);
      case 'npm': {
        const [sub, ...rest] = args;
        if (sub === 'test' || sub === 't' || sub === 'tst') return runTests(ctx, rest, env, false);
        if (sub === 'run' || sub === 'run-script') {
          const [script, ...more] = rest;
          if (script === undefined) {
            ctx.print('Scripts available here:');
            table(ctx, [
              ['test', "vitest run: the lab's tests"],
              ['sim', "a timeline of the lab's scenario (-- --seed N)"],
            ]);
            return;
          }
          if (script === 'test') return runTests(ctx, more, env, false);
          if (script === 'sim') return sim(ctx, more, env);
          if (script === 'lab') {
            return notHere(ctx, 'npm run lab is the command-line version of this page, for your own editor. Here, use npm test (and npm test -- --seed N to replay a seed).');
          }
          ctx.print(c.red(`npm error Missing script: "${script}"`));
          const s = closest(script, NPM_SCRIPTS);
          if (s) ctx.print(`Did you mean ${c.cyan(['npm run', s, ...more].join(' '))}?`);
          ctx.print(c.dim('Scripts here: test, sim (npm run lists them).'));
          return;
        }
        if (sub !== undefined && NPM_PACKAGE_COMMANDS.has(sub)) return notHere(ctx, packageNote());
        if (sub === 'start') return notHere(ctx, 'There is nothing to start here: the lab is a set of tests. Run them with npm test.');
        if (sub === undefined || sub === 'help') {
          ctx.print('npm here knows: npm test, npm run sim (npm run lists the scripts).');
          return;
        }
        return unknown(ctx, argv, `npm error Unknown command: "${sub}"`);
      }
      case 'git':
        return notHere(ctx, 'There is no git here: your code is saved in this browser as you type.');
      case 'exit':
      case 'logout':
        ctx.print(c.dim('This terminal belongs to the lab page and stays open. clear empties it.'));
        return;
      default:
        if (NODE_LIKE.has(cmd)) return notHere(ctx, nodeNote(cmd));
        if (PACKAGE_MANAGERS.has(cmd)) return notHere(ctx, packageNote());
        if (FILE_COMMANDS.has(cmd)) {
          ctx.print(c.yellow(`${cmd}: not available here. Edit files in the editor; ls lists them and cat prints one.`));
          return;
        }
        return unknown(ctx, argv, `command not found: ${cmd}`);
    }
  };

  const nodeNote = (cmd: string) =>
    `${cmd} can't run here: this terminal runs the lab's tests in your browser, with no Node.js process behind it. Run the tests with npm test, and put a console.log in your code to see values (it shows up in the test output).`;
  const packageNote = () =>
    "Packages can't be installed here: the page runs the tests with a fixed set of modules (vitest, fast-check, faultlines), and the lab needs nothing else.";

  // ---- start ---------------------------------------------------------------------------

  const subscription = term.onData(onData);
  if (opts.welcome ?? true) {
    print(`${c.bold(`Fault Lines · ${host.labTitle}`)}`);
    print(`This terminal runs the lab's tests in your browser. Type ${c.cyan(glue('npm test'))} to run them, or ${c.cyan('help')} for the commands.`);
    write('\r\n');
  }
  showPrompt();

  return {
    get history() {
      return history.slice();
    },
    get busy() {
      return busy;
    },
    async execute(text: string) {
      if (busy || disposed) return false;
      line.set(text.replace(/[\r\n]+/g, ' '));
      render();
      submit();
      await current;
      return true;
    },
    notify(text: string) {
      if (disposed) return;
      if (promptShown && (!busy || asking)) {
        write((cursorRow > 0 ? `\x1b[${cursorRow}A` : '') + '\r\x1b[J');
        cursorRow = 0;
        print(text);
        render();
      } else {
        write('\r\x1b[K');
        print(text);
      }
    },
    refresh() {
      if (promptShown && (!busy || asking)) render();
    },
    dispose() {
      if (disposed) return;
      if (busy && !asking) {
        for (const hook of cancelHooks) {
          try {
            hook();
          } catch {
            // ignore
          }
        }
      }
      stopCurrent?.();
      asking?.resolve(null);
      disposed = true;
      subscription.dispose();
    },
  };
}
