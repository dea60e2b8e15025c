/**
 * Proves every lab's grader honest, as part of `npm test`:
 *   - the solution passes every test on every default seed;
 *   - the starter fails at least one test (and loads: a crash is not a failing grade);
 *   - every known-buggy variant fails at least one test.
 * Usage: npm run verify-labs [-- <lab id> ...]
 *        npm run verify-labs -- --update-tests [<lab id> ...]   (rewrite labs/<id>/tests.json from the solution's run)
 *        npm run verify-labs -- --mutants [--concurrency N] [<lab id> ...]   (mutation testing, src/labs/mutation/)
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { assembleLab, implementationLabel, type Implementation } from '../labs/assemble.ts';
import { LabFormatError, listLabIds, loadLab, type LabFolder } from '../labs/lab-folder.ts';
import { materialize, runLabTests, type LabRunResult } from '../labs/node-run.ts';
import { typecheckLabFolder } from '../labs/typecheck.ts';
import { checkMutationRecords, mutantsCommand, mutationMode } from '../labs/mutation/cli.ts';
import { checkLearnerFiles } from '../labs/rules/learner-source.ts';
import { compareWithList, writeTestList } from '../labs/test-list.ts';

// Usage: verify-labs [--labs-dir DIR] [lab id ...]
const args = process.argv.slice(2);
const dirFlag = args.indexOf('--labs-dir');
const labsDir = dirFlag >= 0 ? args.splice(dirFlag, 2)[1]! : 'labs';
// --update-tests: write each lab's tests.json from its solution's run (after changing its tests).
const updateFlag = args.indexOf('--update-tests');
const updateTests = updateFlag >= 0;
if (updateTests) args.splice(updateFlag, 1);
// ---- Mutation testing (src/labs/mutation/): takes its flags out of args; --mutants runs Stryker instead. ----
const mutation = mutationMode(args);
const ids = args.length ? args : listLabIds(labsDir);
if (mutation.run) process.exit(await mutantsCommand(ids, labsDir, mutation.run));
// ---- end mutation testing ----
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
    // The graded way: the learner's files in their own realm, as `npm run grade` runs them.
    const r = await runLabTests(dir, { env: { FAULTLINES_LAB: id }, learnerFiles: lab.meta.files, stallMs: 60_000, isolate: true });
    if (impl.kind !== 'variant') {
      // The learner's way (npm run lab, the page's engine) must give every test the same outcome.
      const plain = await runLabTests(dir, { env: { FAULTLINES_LAB: id }, learnerFiles: lab.meta.files, stallMs: 60_000 });
      const differ = sandboxDifferences(r, plain);
      if (differ.length) problems.push(`lab "${id}", ${label}: the grader's sandbox and a plain run disagree on ${differ.length} tests, e.g. ${differ.slice(0, 3).join('; ')}`);
    }
    const failed = failedNames(r);
    const passed = r.tests.filter((t) => t.state === 'passed').length;
    const source = checkLearnerFiles(files, lab.meta.files);
    const listed = lab.testList ? compareWithList(r.tests, lab.testList) : undefined;
    let verdict = typeErrors.length ? 'FAIL' : 'ok';
    if (impl.kind === 'solution') {
      const skipped = r.tests.filter((t) => t.state === 'skipped');
      if (failed.length || r.errors.length || !r.tests.length || skipped.length || source.length) {
        verdict = 'FAIL';
        const why = [
          ...failed.slice(0, 5).map((n) => `fails "${n}": ${firstLine(r.tests.find((t) => t.name === n)?.message)}`),
          ...(failed.length > 5 ? [`and fails ${failed.length - 5} more tests`] : []),
          ...skipped.map((t) => `skips "${t.name}"`),
          ...source.map((p) => `breaks a rule of the format: ${p.message}`),
          ...r.errors,
          ...(r.tests.length ? [] : ['ran no test']),
        ];
        problems.push(`lab "${id}", solution: must pass every test on every default seed, but it\n    ${why.join('\n    ')}`);
      } else if (updateTests) {
        writeTestList(lab.dir, id, r.tests);
        console.log(`wrote ${join(lab.dir, 'tests.json')} (${r.tests.length} tests)`);
      } else if (!lab.testList) {
        verdict = 'FAIL';
        problems.push(`lab "${id}": has no list of its tests (${join(lab.dir, 'tests.json')}); write it with: npm run verify-labs -- --update-tests ${id}`);
      } else if (listed && (listed.missing.length || listed.extra.length)) {
        verdict = 'FAIL';
        problems.push(
          `lab "${id}": ${join(lab.dir, 'tests.json')} does not match the tests the solution ran ` +
            `(${listed.missing.length} listed but not run${listed.missing.length ? `, e.g. "${listed.missing[0]}"` : ''}; ` +
            `${listed.extra.length} run but not listed${listed.extra.length ? `, e.g. "${listed.extra[0]}"` : ''}). ` +
            `If the tests changed on purpose: npm run verify-labs -- --update-tests ${id}`,
        );
      }
    } else if (r.errors.length || !r.tests.length) {
      verdict = 'FAIL';
      problems.push(`lab "${id}", ${label}: must load and fail tests with readable messages, but the run broke: ${r.errors.join('; ') || 'no tests ran'}`);
    } else if (impl.kind === 'starter' && !failed.length) {
      verdict = 'FAIL';
      problems.push(`lab "${id}", starter: passes all ${passed} tests; a learner would have nothing to do`);
    } else if (!failed.length && !source.length && !listed?.missing.length) {
      verdict = 'FAIL';
      const mistake = impl.kind === 'variant' ? ` (${lab.variants.find((v) => v.id === impl.id)!.mistake})` : '';
      problems.push(`lab "${id}", ${label}${mistake}: passes all ${passed} tests; the grader must catch it`);
    }
    const caughtBy = [
      ...source.map((p) => `format rule (${p.rule}) at ${p.file}:${p.line}`),
      ...failed.slice(0, 2).map(shorten),
    ];
    rows.push([
      id,
      label,
      verdict,
      `${passed} passed, ${failed.length} failed`,
      impl.kind === 'solution' ? '' : caughtBy.length ? `caught by: ${caughtBy.slice(0, 2).join('; ')}${caughtBy.length > 2 || failed.length > 2 ? '; …' : ''}` : '',
      `${(r.durationMs / 1000).toFixed(1)} s`,
    ]);
  }
}

/** Tests whose outcome differs between two runs of the same code (a test missing from one counts). */
function sandboxDifferences(a: LabRunResult, b: LabRunResult): string[] {
  const state = (r: LabRunResult) => new Map(r.tests.map((t) => [`${t.file} > ${t.name}`, t.state]));
  const sa = state(a);
  const sb = state(b);
  const out: string[] = [];
  for (const k of new Set([...sa.keys(), ...sb.keys()])) if (sa.get(k) !== sb.get(k)) out.push(`"${k}" ${sa.get(k) ?? 'missing'} in the sandbox, ${sb.get(k) ?? 'missing'} plain`);
  if (!!a.errors.length !== !!b.errors.length) out.push(`errors in the sandbox: ${a.errors[0] ?? 'none'}; plain: ${b.errors[0] ?? 'none'}`);
  return out;
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
// ---- Mutation records (src/labs/mutation/check.ts): labs/<id>/mutants.json current, 90%, survivors justified. ----
if (mutation.check) problems.push(...checkMutationRecords(ids, labsDir));
// ---- end mutation records ----
if (problems.length) {
  console.error(`\n${problems.length} grader problem${problems.length === 1 ? '' : 's'}:`);
  for (const p of problems) console.error(`  - ${p}`);
}
console.log(`\nlabs: ${rows.length - failedRuns()} passed, ${failedRuns()} failed`);
// Keep the assembled folders only when something failed: they are what to look at then.
if (!problems.length) rmSync(join('.faultlines/verify', String(process.pid)), { recursive: true, force: true });
process.exit(problems.length ? 1 : 0);
