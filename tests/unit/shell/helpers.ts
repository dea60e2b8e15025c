import { createShell } from '../../../src/workspace/shell/shell.ts';
import { createFakeHost, FakeTerminal, settle, type FakeHostOptions } from '../../../src/workspace/shell/testing.ts';
import type { ShellOptions } from '../../../src/workspace/shell/types.ts';

export const PROMPT = 'lab:lamport-clocks $ ';
export const KEY = {
  left: '\x1b[D',
  right: '\x1b[C',
  up: '\x1b[A',
  down: '\x1b[B',
  home: '\x1b[H',
  end: '\x1b[F',
  del: '\x1b[3~',
  backspace: '\x7f',
  tab: '\t',
  enter: '\r',
  ctrlA: '\x01',
  ctrlE: '\x05',
  ctrlC: '\x03',
  ctrlK: '\x0b',
  ctrlL: '\x0c',
  ctrlU: '\x15',
  ctrlW: '\x17',
  altB: '\x1bb',
} as const;

/** A shell on a fake terminal and a fake host; `welcome` off unless asked for. */
export function start(o: { cols?: number; host?: FakeHostOptions; shell?: ShellOptions } = {}) {
  const term = new FakeTerminal(o.cols ?? 80);
  const host = createFakeHost(o.host);
  const shell = createShell(term, host, { welcome: false, ...o.shell });
  /** Types a line and presses Enter, then lets promises settle. */
  const enter = async (line: string) => {
    term.type(line);
    term.type('\r');
    await settle();
  };
  return { term, host, shell, enter };
}

/** Types each character as its own onData call. */
export function typeChars(term: FakeTerminal, text: string): void {
  for (const ch of text) term.type(ch);
}

export { settle };
