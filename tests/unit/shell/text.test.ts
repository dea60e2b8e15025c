import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Terminal } from '@xterm/xterm';
import { columns, glue, stripAnsi, truncate, visibleWidth, wrapLine } from '../../../src/workspace/shell/ansi.ts';
import { closest, editDistance, parseCommandLine, parseTestArgs, splitWords } from '../../../src/workspace/shell/parse.ts';
import type { TerminalLike } from '../../../src/workspace/shell/types.ts';

// Compile-time check: xterm's Terminal can be handed to createShell as it is.
export const xtermFits = (t: Terminal): TerminalLike => t;

describe('wrapLine', () => {
  test('wraps at spaces with a hanging indent, ignoring colour codes', () => {
    const line = `\x1b[31mAssertionError\x1b[39m: expected the receive to be later than the send`;
    const out = wrapLine(line, 30, '  ');
    expect(out.map(stripAnsi)).toEqual(['AssertionError: expected the', '  receive to be later than the', '  send']);
    expect(out[0]).toContain('\x1b[31m');
  });
  test('keeps leading spaces, breaks words longer than a line', () => {
    expect(wrapLine('   abcdefghij', 6)).toEqual(['   abc', 'defghi', 'j']);
  });
  test('never splits glued commands and prints them with plain spaces', () => {
    const out = wrapLine(`replay it: ${glue('npm test -- --seed 3')} now`, 24);
    expect(out).toEqual(['replay it:', 'npm test -- --seed 3 now']);
  });
  test('wide characters take two cells', () => {
    expect(visibleWidth('日本')).toBe(4);
    expect(wrapLine('日本 日本 日本', 9)).toEqual(['日本 日本', '日本']);
  });
  test('truncate ends with … and keeps within the width', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(stripAnsi(truncate('\x1b[32mabcdef\x1b[39m', 4))).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });
  test('columns lays names out column by column', () => {
    expect(columns(['a', 'bb', 'c', 'dd'], 9).map((r) => r.join(''))).toEqual(['a   c', 'bb  dd']);
    expect(columns(['a', 'bb'], 80).map((r) => r.join(''))).toEqual(['a  bb']);
  });
});

describe('parsing', () => {
  test('splitWords handles quotes and escapes', () => {
    expect(splitWords(`npm test -- -t "a b" 'c d' e\\ f`)).toEqual(['npm', 'test', '--', '-t', 'a b', 'c d', 'e f']);
    expect(splitWords(`-t ''`)).toEqual(['-t', '']);
    expect(() => splitWords(`"open`)).toThrow(/unterminated/);
  });
  test('parseCommandLine separates leading assignments', () => {
    expect(parseCommandLine('FAULTLINES_SEED=3 A=b npm test')).toEqual({ env: { FAULTLINES_SEED: '3', A: 'b' }, argv: ['npm', 'test'] });
  });
  test('parseTestArgs', () => {
    expect(parseTestArgs(['run', 'lamport', '-t', 'tie', '--seed', '9'])).toEqual({ patterns: ['lamport'], filter: 'tie', seed: 9, run: true, ignored: [] });
    expect(parseTestArgs(['--', '--seed=2', '--testNamePattern=x'])).toMatchObject({ seed: 2, filter: 'x' });
    expect(parseTestArgs(['-tfoo'])).toMatchObject({ filter: 'foo' });
    expect(parseTestArgs([], { FAULTLINES_SEED: '4' })).toMatchObject({ seed: 4 });
    expect(parseTestArgs(['--seed', '-3'])).toMatchObject({ seed: -3 });
    expect(parseTestArgs(['--seed']).error).toMatch(/--seed needs a whole number/);
    expect(parseTestArgs(['-t']).error).toMatch(/-t needs/);
  });
  test('editDistance counts a swap as one edit; closest allows about one typo per three letters', () => {
    expect(editDistance('tset', 'test')).toBe(1);
    expect(editDistance('tst', 'test')).toBe(1);
    expect(closest('tset', ['test', 'run'])).toBe('test');
    expect(closest('hnit', ['hint', 'help'])).toBe('hint');
    expect(closest('xyz', ['test', 'run'])).toBeUndefined();
    expect(closest('test', ['test'])).toBeUndefined();
  });
});

test('nothing in src/workspace/shell touches the DOM at module level', () => {
  const dir = new URL('../../../src/workspace/shell/', import.meta.url);
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const src = readFileSync(new URL(f, dir), 'utf8');
    expect(src, f).not.toMatch(/\b(document|window|navigator|localStorage|HTMLElement)\b/);
  }
});
