import { expect, test } from 'vitest';
import { attachProcess, type InteractiveProcess } from '../../../src/workspace/ui/process-terminal.ts';
import { FakeTerminal } from '../../../src/workspace/shell/testing.ts';

function fakeProcess() {
  let push!: (s: string) => void;
  let end!: () => void;
  const typed: string[] = [];
  let killed = false;
  let resized: { cols: number; rows: number } | undefined;
  let exit!: (code: number) => void;
  const proc: InteractiveProcess = {
    output: new ReadableStream<string>({
      start(controller) {
        push = (s) => controller.enqueue(s);
        end = () => controller.close();
      },
    }),
    input: new WritableStream<string>({ write: (s) => void typed.push(s) }),
    exit: new Promise<number>((r) => (exit = r)),
    kill: () => {
      killed = true;
    },
    resize: (d) => {
      resized = d;
    },
  };
  return { proc, push: (s: string) => push(s), end: () => end(), exit: (c: number) => exit(c), typed, killed: () => killed, resized: () => resized };
}

test('output reaches the terminal, typing reaches the process, resize is forwarded, detach kills it', async () => {
  const term = new FakeTerminal();
  const p = fakeProcess();
  const a = attachProcess(term, p.proc);
  p.push('~/lab ❯ ');
  await new Promise((r) => setTimeout(r, 0));
  expect(term.text()).toContain('~/lab ❯');
  term.type('npm test\r');
  await new Promise((r) => setTimeout(r, 0));
  expect(p.typed.join('')).toBe('npm test\r');
  a.resize(100, 30);
  expect(p.resized()).toEqual({ cols: 100, rows: 30 });
  a.detach();
  expect(p.killed()).toBe(true);
  term.type('ls\r');
  await new Promise((r) => setTimeout(r, 0));
  expect(p.typed.join('')).toBe('npm test\r');
});

test('when the process exits by itself, typing stops going to it', async () => {
  const term = new FakeTerminal();
  const p = fakeProcess();
  const a = attachProcess(term, p.proc);
  p.exit(0);
  expect(await a.exit).toBe(0);
  term.type('x');
  await new Promise((r) => setTimeout(r, 0));
  expect(p.typed).toEqual([]);
});
