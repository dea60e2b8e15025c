import { describe, expect, test } from 'vitest';
import { createShell } from '../../../src/workspace/shell/index.ts';
import { createFakeHost, FakeTerminal, result } from '../../../src/workspace/shell/testing.ts';
import { KEY, PROMPT, settle, start } from './helpers.ts';

/** The output of the last command: the rows between its prompt line and the next prompt. */
function lastOutput(term: FakeTerminal): string {
  const lines = term.lines();
  let i = lines.length - 2;
  while (i >= 0 && !lines[i]!.startsWith(PROMPT.trimEnd())) i--;
  return lines.slice(i + 1, -1).join('\n');
}

describe('start', () => {
  test('prints a welcome with the lab title and a coloured prompt', () => {
    const term = new FakeTerminal(80);
    createShell(term, createFakeHost());
    expect(term.text()).toContain('Fault Lines · Lamport clocks');
    expect(term.text()).toMatch(/Type npm test to run them,\s+or help/);
    expect(term.currentLine()).toBe(PROMPT.trimEnd());
    expect(term.raw).toContain('\x1b[36mlab:lamport-clocks\x1b[39m');
  });

  test('without colour there is no escape sequence but cursor control', () => {
    const term = new FakeTerminal(80);
    createShell(term, createFakeHost(), { color: false });
    expect(term.raw).not.toMatch(/\x1b\[\d*m/);
  });

  test('dispose stops listening and cancels a running test run', async () => {
    const { term, host, shell } = start();
    term.type('npm test\r');
    await settle();
    shell.dispose();
    expect(host.lastRun().cancelled).toBe(true);
    expect(term.listenerCount).toBe(0);
  });
});

describe('test commands', () => {
  const cases: [string, object][] = [
    ['npm test', {}],
    ['npm run test', {}],
    ['npm t', {}],
    ['npx vitest run', {}],
    ['vitest run', {}],
    ['npm test -- --seed 3', { seed: 3 }],
    ['npm test -- --seed=4', { seed: 4 }],
    ['FAULTLINES_SEED=5 npm test', { seed: 5 }],
    ['npx vitest run -t receive', { filter: 'receive' }],
    ['npm test -- -t "compareEvents breaks"', { filter: 'compareEvents breaks' }],
    ['vitest run lamport --seed 7', { files: ['tests/lamport.test.ts'], seed: 7 }],
  ];
  for (const [line, request] of cases) {
    test(`${line} -> runTests(${JSON.stringify(request)})`, async () => {
      const { host, enter } = start({ host: { script: (r) => r.finish() } });
      await enter(line);
      expect(host.runs.map((r) => r.request)).toEqual([request]);
    });
  }

  test('a bad seed is refused without running', async () => {
    const { term, host, enter } = start();
    await enter('npm test -- --seed x');
    expect(host.runs).toHaveLength(0);
    expect(lastOutput(term)).toBe('--seed needs a whole number, like --seed 3 (got "x")');
    await enter('FAULTLINES_SEED=abc npm test');
    expect(lastOutput(term)).toMatch(/^FAULTLINES_SEED needs a whole number/);
  });

  test('a file filter that matches no test file says so, like Vitest', async () => {
    const { term, host, enter } = start();
    await enter('npx vitest run nothing');
    expect(host.runs).toHaveLength(0);
    expect(lastOutput(term)).toContain('No test files found, exiting with code 1');
    expect(lastOutput(term)).toContain('filter: nothing');
  });

  test('vitest without run runs once and says there is no watch mode', async () => {
    const { term, host, enter } = start({ host: { script: (r) => r.finish() } });
    await enter('npx vitest');
    expect(host.runs).toHaveLength(1);
    expect(term.text()).toContain('here it runs once');
  });

  test('unknown options are reported and ignored', async () => {
    const { term, host, enter } = start({ host: { script: (r) => r.finish() } });
    await enter('npx vitest run --reporter verbose --bail');
    expect(host.runs).toHaveLength(1);
    expect(term.text()).toContain('(ignored here: --reporter verbose --bail)');
  });

  test('the host hears about every finished run', async () => {
    const { host, enter } = start({ host: { script: (r) => (r.emitFile('tests/lamport.test.ts', [result('a', 'pass')]), r.finish()) } });
    await enter('npm test');
    expect(host.finished).toHaveLength(1);
    expect(host.finished[0]!.passed).toBe(1);
  });

  test('a host that throws when starting a run gets a message, and the prompt comes back', async () => {
    const { term, host, shell, enter } = start();
    host.runTests = () => {
      throw new Error('runtime not ready');
    };
    await enter('npm test');
    expect(term.text()).toContain('The tests could not start: runtime not ready');
    expect(shell.busy).toBe(false);
  });

  test('shell.execute() types a command for a button and resolves when it is over', async () => {
    const { term, host, shell } = start({ host: { script: (r) => r.finish() } });
    expect(await shell.execute('npm test')).toBe(true);
    expect(host.runs).toHaveLength(1);
    expect(term.text()).toContain(`${PROMPT}npm test`);
    expect(shell.history).toEqual(['npm test']);
  });

  test('shell.execute() refuses while something runs', async () => {
    const { term, shell } = start();
    term.type('npm test\r');
    await settle();
    expect(await shell.execute('ls')).toBe(false);
  });
});

describe('npm run sim', () => {
  test('prints the timeline for a seed', async () => {
    const { term, host, enter } = start();
    await enter('npm run sim -- --seed 4');
    expect(host.sims).toEqual([{ seed: 4 }]);
    expect(term.text()).toContain('SIM  lamport-clocks seed 4');
    expect(term.text()).toContain('t=0 n1 start (seed 4)\nt=5 n1 -> n2 #1');
  });

  test('without a seed, says how to pick one; an error is shown in red', async () => {
    const { term, enter } = start({ host: { sim: async () => ({ error: 'lamport.ts: SyntaxError: Unexpected token' }) } });
    await enter('npm run sim');
    expect(term.text()).toContain('lamport.ts: SyntaxError: Unexpected token');
    expect(term.raw).toContain('\x1b[31mlamport.ts: SyntaxError');
  });
});

describe('files', () => {
  test('ls lists the files, marking which are the learner\'s', async () => {
    const { term, enter } = start();
    await enter('ls');
    expect(lastOutput(term)).toBe('cluster.ts  lamport.ts  tests/lamport.test.ts\nlamport.ts: yours to edit. The rest is read-only.');
    await enter('ls tests');
    expect(lastOutput(term)).toBe('tests/lamport.test.ts');
    await enter('ls nope');
    expect(lastOutput(term)).toBe("ls: cannot access 'nope': No such file or directory");
  });

  test('ls puts one file per row on a narrow terminal', async () => {
    const { term, enter } = start({ cols: 24 });
    await enter('ls');
    expect(term.text()).toContain('cluster.ts\nlamport.ts\ntests/lamport.test.ts');
  });

  test('cat prints a file; cat -n numbers the lines', async () => {
    const { term, enter } = start();
    await enter('cat lamport.ts');
    expect(lastOutput(term)).toBe('export class LamportClock {\n  tick(): number {\n    return Date.now();\n  }\n}');
    await enter('cat -n cluster.ts');
    expect(lastOutput(term)).toBe('1  export function buildCluster() {}');
  });

  test('cat of a missing file suggests the right path', async () => {
    const { term, enter } = start();
    await enter('cat lamport.test.ts');
    expect(lastOutput(term)).toBe('cat: lamport.test.ts: No such file or directory\nDid you mean cat tests/lamport.test.ts?');
    await enter('cat lamprot.ts');
    expect(lastOutput(term)).toContain('Did you mean cat lamport.ts?');
    await enter('cat');
    expect(lastOutput(term)).toBe('cat: which file? For example: cat lamport.ts');
  });
});

describe('hint', () => {
  test('shows the hints one by one, then says there are no more', async () => {
    const { term, enter } = start();
    await enter('hint');
    expect(lastOutput(term)).toBe('Hint 1 of 2: First hint.\nType hint again for the next one.');
    await enter('hint');
    expect(lastOutput(term)).toBe('Hint 2 of 2: Second hint.');
    await enter('hint');
    expect(lastOutput(term)).toBe('No more hints for this lab: you have seen them all.');
  });

  test('a long hint wraps at word boundaries with an indent', async () => {
    const { term, enter } = start({ cols: 40, host: { hints: ['On receive, the new timestamp must be bigger than the local counter and bigger than the timestamp on the message.'] } });
    await enter('hint');
    for (const l of term.lines()) expect(l.length).toBeLessThanOrEqual(40);
    expect(lastOutput(term)).toBe(
      ['Hint 1 of 1: On receive, the new', '  timestamp must be bigger than the', '  local counter and bigger than the', '  timestamp on the message.'].join('\n'),
    );
  });
});

describe('reset', () => {
  test('asks first; "y" resets and says how to undo; reset --undo puts the code back', async () => {
    const { term, host, enter } = start({ shell: { undoNote: '(or Undo in the editor)' } });
    host.files['lamport.ts'] = 'my work';
    term.type('reset\r');
    await settle();
    expect(term.currentLine()).toBe('Reset lamport.ts to the starter? [y/N]');
    expect(host.resets).toBe(0);
    term.type('y\r');
    await settle();
    expect(host.resets).toBe(1);
    expect(host.files['lamport.ts']).toContain('LamportClock');
    expect(lastOutput(term)).toBe('Reset lamport.ts to the starter? [y/N] y\nReset lamport.ts to the starter.\nChanged your mind? Type reset --undo (or Undo in the editor) to get your code\nback.');
    await enter('reset --undo');
    expect(host.files['lamport.ts']).toBe('my work');
    expect(lastOutput(term)).toBe('Your code is back as it was before the reset.');
    await enter('reset --undo');
    expect(lastOutput(term)).toMatch(/^Nothing to undo/);
  });

  test('anything but yes keeps the code; Ctrl+C at the question too', async () => {
    const { term, host, shell, enter } = start();
    host.files['lamport.ts'] = 'my work';
    await enter('reset');
    await enter('');
    expect(lastOutput(term)).toBe('Reset lamport.ts to the starter? [y/N]\nNothing was reset.');
    term.type('reset\r');
    await settle();
    typeChars(term, 'ye');
    term.type(KEY.ctrlC);
    await settle();
    expect(host.resets).toBe(0);
    expect(shell.busy).toBe(false);
    expect(term.lines().slice(-2)).toEqual(['Reset lamport.ts to the starter? [y/N] ye^C', PROMPT.trimEnd()]);
  });

  test('reset -y skips the question; nothing to reset when the code is the starter', async () => {
    const { term, host, enter } = start();
    await enter('reset -y');
    expect(lastOutput(term)).toBe('Nothing to reset: lamport.ts is already the starter.');
    host.files['lamport.ts'] = 'changed';
    await enter('reset --yes');
    expect(host.resets).toBe(1);
  });

  test('a pasted "reset" and "y" answer the question in order', async () => {
    const { term, host } = start();
    host.files['lamport.ts'] = 'changed';
    term.type('reset\ny\nhint\n');
    await settle();
    await settle();
    expect(host.resets).toBe(1);
    expect(host.hintsShown).toBe(1);
  });
});

describe('other commands', () => {
  test('help lists the commands; narrow terminals get one column', async () => {
    const { term, enter } = start();
    await enter('help');
    const out = lastOutput(term);
    expect(out).toContain('npm test -- --seed N');
    expect(out).toContain('npm run sim -- --seed N');
    for (const cmd of ['ls', 'cat <file>', 'hint', 'reset', 'history', 'clear']) expect(out).toContain(`  ${cmd}`);
    const narrow = start({ cols: 40 });
    await narrow.enter('help');
    for (const l of narrow.term.lines()) expect(l.length).toBeLessThanOrEqual(40);
    expect(narrow.term.text()).toContain('  npm test -- --seed N\n      replay one seed of the seeded\n      tests');
  });

  test('clear empties the screen', async () => {
    const { term, enter } = start();
    await enter('help');
    await enter('clear');
    expect(term.lines()).toEqual([PROMPT.trimEnd()]);
  });

  test('npm run lists the scripts', async () => {
    const { term, enter } = start();
    await enter('npm run');
    expect(lastOutput(term)).toMatch(/Scripts available here:\n {2}test +vitest run/);
  });
});

describe('mistakes and commands that do not exist here', () => {
  const cases: [string, RegExp][] = [
    ['npm tset', /npm error Unknown command: "tset"\nDid you mean npm test\?\nType help/],
    ['npm tst -- --seed 2', /./], // npm's own alias: runs
    ['nmp test', /command not found: nmp\nDid you mean npm test\?/],
    ['npx vitets run', /Did you mean npx vitest run\?/],
    ['hnit', /command not found: hnit\nDid you mean hint\?/],
    ['test', /command not found: test\nDid you mean npm test\?/],
    ['frobnicate', /^command not found: frobnicate\nType help to see what works here\.$/],
    ['npm run simm', /npm error Missing script: "simm"\nDid you mean npm run sim\?/],
    ['npm run build', /npm error Missing script: "build"\nScripts here: test, sim/],
    ['node lamport.ts', /node can't run here: this terminal runs the lab's tests in your browser[\s\S]*run:\n  npm run lab -- lamport-clocks$/],
    ['npx tsx lamport.ts', /npx tsx can't run here/],
    ['npm install lodash', /Packages can't be installed here[\s\S]*npm run lab -- lamport-clocks/],
    ['git status', /There is no git here[\s\S]*npm run lab -- lamport-clocks/],
    ['npm run lab -- lamport-clocks', /npm run lab is the command-line version of this page/],
    ['cd tests', /cd: not available here\. Edit files in the editor/],
    ['ls && npm test', /One command at a time here/],
    ['echo "unclosed', /shell: unterminated double quote/],
    ['FOO=1', /Variables only work in front of a command here, like: FOO=1 npm test/],
  ];
  for (const [line, expected] of cases) {
    test(line, async () => {
      const { term, host, enter } = start({ host: { script: (r) => r.finish() } });
      await enter(line);
      if (line.startsWith('npm tst')) {
        expect(host.runs.map((r) => r.request)).toEqual([{ seed: 2 }]);
        return;
      }
      expect(host.runs).toHaveLength(0);
      expect(lastOutput(term)).toMatch(expected);
    });
  }
});

function typeChars(term: FakeTerminal, text: string) {
  for (const ch of text) term.type(ch);
}

describe('notify', () => {
  test('prints above the prompt and keeps what the learner was typing', () => {
    const { term, shell } = start();
    for (const ch of 'npm te') term.type(ch);
    shell.notify('Saved lamport.ts');
    expect(term.lines()).toEqual(['Saved lamport.ts', `${PROMPT}npm te`]);
    expect(term.lineWithCursor()).toBe(`${PROMPT}npm te|`);
  });
});
