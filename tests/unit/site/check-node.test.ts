import { expect, test } from 'vitest';
import { nodeVersionProblem as problem } from '../../../src/cli/check-node.mjs';

test('Node 20 and 22.11 are refused with instructions naming the version and what to run', () => {
  for (const v of ['20.20.2', 'v22.11.0', '18.0.0']) {
    const msg = problem(v, '/usr/bin/node');
    expect(msg).toContain(`this is Node ${v}`);
    expect(msg).toContain('npm install');
    expect(msg).toContain('--ignore-scripts');
  }
});

test('Node 22.12, 24 and 26 are accepted', () => {
  for (const v of ['22.12.0', '24.9.0', 'v26.1.0']) expect(problem(v, 'node')).toBeNull();
});

test('the Node running the tests is the project one, not the machine one', () => {
  expect(problem(process.versions.node, process.execPath)).toBeNull();
});
