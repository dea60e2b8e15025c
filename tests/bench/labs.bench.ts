/**
 * Each lab's full suite on its default seeds, in Node, with the reference solution:
 * wall time of the whole `vitest run` (process start included) and Vitest's own test time.
 * Target: under 2 s per lab. Run with `npm run bench -- labs`.
 */
import { join } from 'node:path';
import { assembleLab } from '../../src/labs/assemble.ts';
import { listLabIds, loadLab } from '../../src/labs/lab-folder.ts';
import { materialize, runLabTests } from '../../src/labs/node-run.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

console.log(`\nLab suites in Node (solution, default seeds, median of ${ROUNDS})`);
console.log('| lab | tests | wall time | time inside tests | target |');
console.log('| --- | ---: | ---: | ---: | --- |');
for (const id of listLabIds()) {
  const lab = loadLab(id);
  const dir = join('.faultlines/bench', id);
  materialize(assembleLab({ files: lab.meta.files, support: lab.support, tests: lab.tests }, lab.solution), dir);
  const walls: number[] = [];
  const inside: number[] = [];
  let count = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const r = await runLabTests(dir);
    if (r.errors.length || r.tests.some((t) => t.state !== 'passed')) throw new Error(`${id}: the solution did not pass`);
    walls.push(r.durationMs);
    inside.push(r.tests.reduce((s, t) => s + t.durationMs, 0));
    count = r.tests.length;
  }
  const wall = median(walls);
  console.log(`| ${id} | ${count} | ${(wall / 1000).toFixed(2)} s | ${median(inside).toFixed(0)} ms | ${wall < 2000 ? 'met (< 2 s)' : 'MISSED (< 2 s)'} |`);
}
