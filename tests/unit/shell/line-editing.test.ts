import { describe, expect, test } from 'vitest';
import { decodeInput, LineBuffer, redrawLine } from '../../../src/workspace/shell/line-editor.ts';
import { result } from '../../../src/workspace/shell/testing.ts';
import { KEY, PROMPT, settle, start, typeChars } from './helpers.ts';

describe('decodeInput', () => {
  test('decodes printable runs, control keys and escape sequences', () => {
    expect(decodeInput('ab\x1b[D\x7f\r\n\x1bOH\x1b[3~\x03\t')).toEqual([
      { kind: 'text', text: 'ab' },
      { kind: 'left' },
      { kind: 'backspace' },
      { kind: 'enter' },
      { kind: 'home' },
      { kind: 'delete' },
      { kind: 'interrupt' },
      { kind: 'tab' },
    ]);
    expect(decodeInput('\x1b[1;5D\x1bf\x1b[200~x\x1b[201~').map((k) => k.kind)).toEqual(['word-left', 'word-right', 'paste-start', 'text', 'paste-end']);
  });
});

describe('LineBuffer', () => {
  test('edits by code point, so an emoji is one character', () => {
    const b = new LineBuffer();
    b.insert('a😀b');
    b.left();
    b.backspace();
    expect(b.text).toBe('ab');
    expect(b.cursor).toBe(1);
  });
  test('Ctrl+W deletes the word before the cursor, Ctrl+U everything before it', () => {
    const b = new LineBuffer();
    b.set('npm test -- --seed 3  ');
    b.killWord();
    expect(b.text).toBe('npm test -- --seed ');
    b.set('npm test -- --seed 3', 8);
    b.killBefore();
    expect(b.text).toBe(' -- --seed 3');
    expect(b.cursor).toBe(0);
  });
});

describe('typing at the prompt', () => {
  test('shows the prompt, and the typed text after it', () => {
    const { term } = start();
    typeChars(term, 'ls');
    expect(term.currentLine()).toBe(`${PROMPT}ls`);
    expect(term.cursor.x).toBe(PROMPT.length + 2);
  });

  test('"npm tset", Left x2, Backspace, Right, "s" runs "npm test"', async () => {
    const { term, host } = start({ host: { script: (r) => r.finish() } });
    typeChars(term, 'npm tset');
    term.keys(KEY.left, KEY.left, KEY.backspace);
    expect(term.currentLine()).toBe(`${PROMPT}npm tet`);
    term.keys(KEY.right, 's');
    expect(term.currentLine()).toBe(`${PROMPT}npm test`);
    term.type(KEY.enter);
    await settle();
    expect(host.runs).toHaveLength(1);
  });

  test('Home/End, Ctrl+A/Ctrl+E and Delete', async () => {
    const { term, shell } = start();
    typeChars(term, 'istory');
    term.keys(KEY.home, 'h', KEY.end, 'X', KEY.backspace, KEY.ctrlA, KEY.del, 'h', KEY.ctrlE);
    expect(term.currentLine()).toBe(`${PROMPT}history`);
    expect(term.cursor.x).toBe(PROMPT.length + 7);
    term.keys(KEY.ctrlA);
    expect(term.cursor.x).toBe(PROMPT.length);
    term.type(KEY.enter);
    await settle();
    expect(shell.history).toEqual(['history']);
  });

  test('Ctrl+U kills the line, Ctrl+W kills a word, Ctrl+K kills to the end', () => {
    const { term } = start();
    typeChars(term, 'cat lamport.ts');
    term.type(KEY.ctrlW);
    expect(term.currentLine()).toBe(`${PROMPT}cat`);
    typeChars(term, ' x');
    term.type(KEY.ctrlU);
    expect(term.currentLine()).toBe(PROMPT.trimEnd());
    typeChars(term, 'hint please');
    term.keys(KEY.altB, KEY.left, KEY.ctrlK);
    expect(term.currentLine()).toBe(`${PROMPT}hint`);
  });

  test('Ctrl+C at the prompt prints ^C and gives a fresh prompt without running anything', async () => {
    const { term, host, shell } = start();
    typeChars(term, 'npm test');
    term.type(KEY.ctrlC);
    await settle();
    expect(term.lines()).toEqual([`${PROMPT}npm test^C`, PROMPT.trimEnd()]);
    expect(host.runs).toHaveLength(0);
    expect(shell.history).toEqual([]);
  });

  test('Ctrl+L clears the screen and keeps the line being typed', async () => {
    const { term, enter } = start();
    await enter('help');
    typeChars(term, 'hi');
    term.type(KEY.ctrlL);
    expect(term.lines()).toEqual([`${PROMPT}hi`]);
  });

  test('a long line wraps, and editing in its middle redraws it correctly', () => {
    const { term } = start({ cols: 30 });
    const text = 'npm test -- -t "a message is always received with a bigger timestamp"';
    typeChars(term, text);
    expect(term.lines(false).join('')).toBe(PROMPT + text);
    for (let i = 0; i < 40; i++) term.type(KEY.left);
    term.type('XY');
    const expected = PROMPT + text.slice(0, text.length - 40) + 'XY' + text.slice(text.length - 40);
    expect(term.lines(false).join('')).toBe(expected);
    const at = PROMPT.length + text.length - 40 + 2;
    expect(term.cursor).toEqual({ x: at % 30, y: Math.floor(at / 30) });
    term.type(KEY.ctrlU);
    // Shorter now: the rows it no longer needs are cleared.
    expect(term.lines(false).join('')).toBe(PROMPT + text.slice(text.length - 40));
    expect(term.lines()).toHaveLength(3);
    expect(term.cursor).toEqual({ x: PROMPT.length, y: 0 });
  });

  test('a line that exactly fills the row puts the cursor on the next row', () => {
    const { term } = start({ cols: 25 });
    typeChars(term, 'abcd'); // 21 + 4 = 25
    expect(term.lines()[0]).toBe(`${PROMPT}abcd`);
    expect(term.cursor).toEqual({ x: 0, y: 1 });
    term.type(KEY.backspace);
    expect(term.lines()).toEqual([`${PROMPT}abc`]);
    expect(term.cursor).toEqual({ x: 24, y: 0 });
  });

  test('redrawLine moves up from the cursor row before redrawing', () => {
    const r = redrawLine('$ ', 'x'.repeat(20), 3, 10, 2);
    expect(r.data.startsWith('\x1b[2A\r\x1b[J$ ')).toBe(true);
    expect(r.cursorRow).toBe(0);
  });
});

describe('history', () => {
  test('Up and Down walk through earlier commands and come back to the draft', async () => {
    const { term, enter } = start();
    await enter('ls');
    await enter('hint');
    typeChars(term, 'cat l');
    term.type(KEY.up);
    expect(term.currentLine()).toBe(`${PROMPT}hint`);
    term.type(KEY.up);
    expect(term.currentLine()).toBe(`${PROMPT}ls`);
    term.type(KEY.up); // stays at the oldest
    expect(term.currentLine()).toBe(`${PROMPT}ls`);
    term.type(KEY.down);
    expect(term.currentLine()).toBe(`${PROMPT}hint`);
    term.type(KEY.down);
    expect(term.currentLine()).toBe(`${PROMPT}cat l`);
  });

  test('skips empty lines and repeats, starts from saved history, and reports changes', async () => {
    const changes: (readonly string[])[] = [];
    const { term, shell, enter } = start({ shell: { history: ['npm test'], onHistory: (h) => changes.push(h) } });
    await enter('');
    await enter('ls');
    await enter('ls');
    expect(shell.history).toEqual(['npm test', 'ls']);
    expect(changes).toEqual([['npm test', 'ls']]);
    term.keys(KEY.up, KEY.up);
    expect(term.currentLine()).toBe(`${PROMPT}npm test`);
  });

  test('keeps at most historyLimit entries', async () => {
    const { shell, enter } = start({ shell: { historyLimit: 2 } });
    await enter('ls');
    await enter('hint');
    await enter('help');
    expect(shell.history).toEqual(['hint', 'help']);
  });

  test('the history command lists them, history -c clears them', async () => {
    const { term, shell, enter } = start();
    await enter('ls');
    await enter('history');
    expect(term.text()).toMatch(/ {4}1 {2}ls\n {4}2 {2}history/);
    await enter('history -c');
    expect(shell.history).toEqual([]);
  });
});

describe('tab completion', () => {
  test('completes a unique command, then a unique subcommand', () => {
    const { term } = start();
    typeChars(term, 'his');
    term.type(KEY.tab);
    expect(term.lineWithCursor()).toBe(`${PROMPT}history |`);
    term.type(KEY.ctrlU);
    typeChars(term, 'npm r');
    term.type(KEY.tab);
    expect(term.lineWithCursor()).toBe(`${PROMPT}npm run |`);
    term.type('s');
    term.type(KEY.tab);
    expect(term.lineWithCursor()).toBe(`${PROMPT}npm run sim |`);
  });

  test('completes file names for cat, including paths in folders', () => {
    const { term } = start();
    typeChars(term, 'cat la');
    term.type(KEY.tab);
    expect(term.lineWithCursor()).toBe(`${PROMPT}cat lamport.ts |`);
    term.type(KEY.ctrlU);
    typeChars(term, 'cat t');
    term.type(KEY.tab);
    expect(term.lineWithCursor()).toBe(`${PROMPT}cat tests/lamport.test.ts |`);
  });

  test('extends to the common prefix, then lists the candidates when ambiguous', () => {
    const { term } = start({ host: { files: { 'lamport.ts': '', 'lamport.test.ts': '', 'cluster.ts': '' } } });
    typeChars(term, 'cat l');
    term.type(KEY.tab);
    expect(term.lineWithCursor()).toBe(`${PROMPT}cat lamport.t|`);
    term.type(KEY.tab);
    const lines = term.lines();
    expect(lines).toContain('lamport.test.ts  lamport.ts');
    expect(lines[lines.length - 1]).toBe(`${PROMPT}cat lamport.t`);
    term.type('s');
    expect(term.currentLine()).toBe(`${PROMPT}cat lamport.ts`);
  });

  test('lists commands on an empty line; completes in the middle of a line', () => {
    const { term } = start();
    term.type(KEY.tab);
    expect(term.text()).toContain('npm');
    expect(term.text()).toContain('history');
    typeChars(term, 'h ls');
    term.keys(KEY.left, KEY.left, KEY.left);
    typeChars(term, 'in');
    term.type(KEY.tab);
    expect(term.lineWithCursor()).toBe(`${PROMPT}hint |ls`);
  });

  test('completes test options and, after a run, test names for -t (quoted)', async () => {
    const { term, enter } = start({
      host: { script: (r) => (r.emitFile('tests/lamport.test.ts', [result('receive works', 'pass', { suite: 'LamportClock', file: 'tests/lamport.test.ts' })]), r.finish()) },
    });
    typeChars(term, 'npm test --se');
    term.type(KEY.tab);
    expect(term.lineWithCursor()).toBe(`${PROMPT}npm test --seed |`);
    term.type(KEY.ctrlU);
    await enter('npm test');
    typeChars(term, 'npx vitest run -t rec');
    term.type(KEY.tab);
    expect(term.lineWithCursor()).toBe(`${PROMPT}npx vitest run -t 'receive works' |`);
  });
});

describe('paste', () => {
  test('pasted lines run in order, one after the other', async () => {
    const { term, host, shell } = start({ host: { script: (r) => r.finish() } });
    term.type('hint\r\nls\nnpm test\n');
    await settle();
    await settle();
    expect(host.hintsShown).toBe(1);
    expect(host.runs).toHaveLength(1);
    expect(shell.history).toEqual(['hint', 'ls', 'npm test']);
    const text = term.text();
    expect(text.indexOf(`${PROMPT}hint`)).toBeLessThan(text.indexOf(`${PROMPT}ls`));
    expect(text.indexOf(`${PROMPT}ls`)).toBeLessThan(text.indexOf(`${PROMPT}npm test`));
  });

  test('text after the last newline stays on the line, unsent; a paste without newline is just inserted', async () => {
    const { term, shell } = start();
    term.type('ls\ncat lam');
    await settle();
    expect(shell.history).toEqual(['ls']);
    expect(term.currentLine()).toBe(`${PROMPT}cat lam`);
    term.type('port.ts');
    expect(term.currentLine()).toBe(`${PROMPT}cat lamport.ts`);
  });

  test('a pasted line waits for a running test run before it runs', async () => {
    const { term, host } = start();
    term.type('npm test\nhint\n');
    await settle();
    expect(host.hintsShown).toBe(0);
    host.lastRun().finish();
    await settle();
    await settle();
    expect(host.hintsShown).toBe(1);
  });
});

describe('while a command runs', () => {
  test('typing is ignored; Ctrl+C cancels the run, prints ^C and a new prompt', async () => {
    const { term, host, shell } = start();
    term.type('npm test\r');
    await settle();
    const run = host.lastRun();
    run.emit({ type: 'file-start', file: 'tests/lamport.test.ts' });
    run.emit({ type: 'test-start', file: 'tests/lamport.test.ts', fullName: 'slow one', timeoutMs: 5000 });
    expect(shell.busy).toBe(true);
    typeChars(term, 'ls');
    term.type(KEY.up);
    expect(term.text()).not.toContain(`${PROMPT}ls`);
    term.type(KEY.ctrlC);
    await settle();
    expect(run.cancelled).toBe(true);
    expect(shell.busy).toBe(false);
    const lines = term.lines();
    expect(lines.slice(-3)).toEqual(['^C', 'Test run cancelled.', PROMPT.trimEnd()]);
    // Events arriving after the cancel print nothing.
    run.emit({ type: 'test-end', ...result('slow one', 'fail', { file: 'tests/lamport.test.ts' }) });
    expect(term.lines().slice(-1)).toEqual([PROMPT.trimEnd()]);
    expect(host.finished.map((s) => s.state)).toEqual(['cancelled']);
  });

  test('Ctrl+C during npm run sim stops waiting for it', async () => {
    let resolve!: (v: { timeline: string }) => void;
    const { term, shell } = start({ host: { sim: () => new Promise((r) => (resolve = r)) } });
    term.type('npm run sim\r');
    await settle();
    expect(shell.busy).toBe(true);
    term.type(KEY.ctrlC);
    await settle();
    expect(shell.busy).toBe(false);
    resolve({ timeline: 'LATE' });
    await settle();
    expect(term.text()).not.toContain('LATE');
    expect(term.lines().slice(-2)).toEqual(['^C', PROMPT.trimEnd()]);
  });
});
