/**
 * Proves every lab's grader honest, as part of `npm test`:
 *   - the solution passes every test on every default seed;
 *   - the starter fails at least one test (and loads: a crash is not a failing grade);
 *   - every known-buggy variant fails at least one test.
 * Usage: npm run verify-labs [-- <lab id> ...]
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { assembleLab, implementationLabel, type Implementation } from '../labs/assemble.ts';
import { LabFormatError, listLabIds, loadLab, type LabFolder } from '../labs/lab-folder.ts';
import { materialize, runLabTests, type LabRunResult } from '../labs/node-run.ts';
import { typecheckLabFolder } from '../labs/typecheck.ts';

// Usage: verify-labs [--labs-dir DIR] [lab id ...]
const args = process.argv.slice(2);
const dirFlag = args.indexOf('--labs-dir');
const labsDir = dirFlag >= 0 ? args.splice(dirFlag, 2)[1]! : 'labs';
const ids = args.length ? args : listLabIds(labsDir);
const problems: string[] = [];

function filesFor(lab: LabFolder, impl: Implementation) {
  const input = { files: lab.meta.files, support: lab.support, tests: lab.tests };
  if (impl.kind === 'starter') return assembleLab(input, lab.starter);
  if (impl.kind === 'solution') return assembleLab(input, lab.solution);
  const v = lab.variants.find((x) => x.id === impl.id)!;
  return assembleLab(input, v.files, lab.solution);
}

function failedNames(r: LabRunResult): string[] {
  return r.tests.filter((t) => t.state === 'failed').map((t) => t.name);
}

const rows: string[][] = [];
for (const id of ids) {
  let lab: LabFolder;
  try {
    lab = loadLab(id, labsDir);
  } catch (e) {
    if (e instanceof LabFormatError) {
      problems.push(`lab "${id}": the folder is not a valid lab:\n${e.message}`);
      rows.push([id, 'format', 'FAIL', '', '']);
      continue;
    }
    throw e;
  }
  const impls: Implementation[] = [
    { kind: 'solution' },
    { kind: 'starter' },
    ...lab.variants.map((v): Implementation => ({ kind: 'variant', id: v.id })),
  ];
  for (const impl of impls) {
    const dir = join('.faultlines/verify', String(process.pid), id, impl.kind === 'variant' ? `variant-${impl.id}` : impl.kind);
    const files = filesFor(lab, impl);
    materialize(files, dir);
    const label = implementationLabel(impl);
    // The learner's code and the tests must compile; a variant's bug is in behaviour, not types.
    const typeErrors = typecheckLabFolder(dir, Object.keys(files).filter((f) => f.endsWith('.ts')));
    if (typeErrors.length) {
      problems.push(`lab "${id}", ${label}: does not type-check:\n    ${typeErrors.slice(0, 8).join('\n    ')}`);
    }
    const r = await runLabTests(dir, { env: { FAULTLINES_LAB: id }, stallMs: 20_000 });
    const failed = failedNames(r);
    const passed = r.tests.filter((t) => t.state === 'passed').length;
    let verdict = typeErrors.length ? 'FAIL' : 'ok';
    if (impl.kind === 'solution') {
      if (failed.length || r.errors.length || !r.tests.length || r.tests.some((t) => t.state === 'skipped')) {
        verdict = 'FAIL';
        const why = [
          ...failed.slice(0, 5).map((n) => `fails "${n}": ${firstLine(r.tests.find((t) => t.name === n)?.message)}`),
          ...(failed.length > 5 ? [`and fails ${failed.length - 5} more tests`] : []),
          ...r.tests.filter((t) => t.state === 'skipped').map((t) => `skips "${t.name}"`),
          ...r.errors,
          ...(r.tests.length ? [] : ['ran no test']),
        ];
        problems.push(`lab "${id}", solution: must pass every test on every default seed, but it\n    ${why.join('\n    ')}`);
      }
    } else if (r.errors.length || !r.tests.length) {
      verdict = 'FAIL';
      problems.push(`lab "${id}", ${label}: must load and fail tests with readable messages, but the run broke: ${r.errors.join('; ') || 'no tests ran'}`);
    } else if (!failed.length) {
      verdict = 'FAIL';
      const mistake = impl.kind === 'variant' ? ` (${lab.variants.find((v) => v.id === impl.id)!.mistake})` : '';
      problems.push(`lab "${id}", ${label}${mistake}: passes all ${passed} tests; the grader must catch it`);
    }
    rows.push([
      id,
      label,
      verdict,
      `${passed} passed, ${failed.length} failed`,
      impl.kind === 'solution' ? '' : failed.length ? `caught by: ${failed.slice(0, 2).map(shorten).join('; ')}${failed.length > 2 ? '; …' : ''}` : '',
      `${(r.durationMs / 1000).toFixed(1)} s`,
    ]);
  }
}

function failedRuns(): number {
  return rows.filter((r) => r[2] !== 'ok').length;
}

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n')[0] ?? '';
}
function shorten(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

console.log('\nLab graders');
for (const r of rows) {
  const [lab = '', label = '', verdict = '', counts = '', caught = '', time = ''] = r;
  console.log(`  ${verdict === 'ok' ? 'ok  ' : 'FAIL'}  ${lab.padEnd(18)} ${label.padEnd(38)} ${counts.padEnd(22)} ${time.padStart(6)}  ${caught}`);
}
if (problems.length) {
  console.error(`\n${problems.length} grader problem${problems.length === 1 ? '' : 's'}:`);
  for (const p of problems) console.error(`  - ${p}`);
}
console.log(`\nlabs: ${rows.length - failedRuns()} passed, ${failedRuns()} failed`);
// Keep the assembled folders only when something failed: they are what to look at then.
if (!problems.length) rmSync(join('.faultlines/verify', String(process.pid)), { recursive: true, force: true });
process.exit(problems.length ? 1 : 0);
