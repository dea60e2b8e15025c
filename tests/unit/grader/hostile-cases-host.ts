/** Hostile submissions aimed at the host: the reference solution, other submissions, processes, files, the network. */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { LAB, REPO, SOLUTION, SOLUTION_PATH, STARTER, symlink, tag, type Submission, type Where } from './harness.ts';
import { edited, honest, escapeAtModule, escapeInConstructor, exportsFrom, fakeReport, lateExports, mark, q, starterPlus, STOPPED, TESTS_JSON, withRequire } from './hostile-helpers.ts';

export const hostCases: Submission[] = [
  // --- Getting the reference solution --------------------------------------------------
  { name: 'reexport-sibling-solution', attack: "export * from '../solution/lamport.ts'", file: () => `export * from '../solution/lamport.ts';\n` },
  {
    name: 'reexport-repo-relative',
    attack: "export * from '../../labs/lamport-clocks/solution/lamport.ts' (from a workspace/<id>/ copy)",
    file: () => `export * from '../../labs/lamport-clocks/solution/lamport.ts';\n`,
  },
  {
    name: 'reexport-scratch-relative',
    attack: "export * from '../../../../labs/...solution' (from today's grader scratch, .faultlines/grade/<pid>/<name>/)",
    file: () => `export * from '../../../../labs/lamport-clocks/solution/lamport.ts';\n`,
  },
  { name: 'reexport-absolute', attack: 'export * from the absolute path of the solution', file: () => `export * from ${q(SOLUTION_PATH)};\n` },
  { name: 'reexport-file-url', attack: 'export * from a file:// URL of the solution', file: () => `export * from ${q('file://' + SOLUTION_PATH)};\n` },
  { name: 'reexport-vite-fs', attack: "export * from Vite's /@fs/ path of the solution", file: () => `export * from ${q('/@fs' + SOLUTION_PATH)};\n` },
  {
    name: 'symlink-to-solution',
    attack: 'lamport.ts is a symlink to the reference solution',
    file: null,
    setup: (dir) => symlink(SOLUTION_PATH, join(dir, 'lamport.ts')),
  },
  {
    name: 'symlink-to-peer',
    attack: "lamport.ts is a symlink to a correct peer's file (../correct/lamport.ts)",
    file: null,
    setup: (dir) => symlink('../correct/lamport.ts', join(dir, 'lamport.ts')),
  },
  {
    name: 'imports-extra-file',
    attack: 'lamport.ts re-exports ./helper.ts, an extra file of the submission holding the solution',
    file: () => `export * from './helper.ts';\n`,
    setup: (dir) => writeFileSync(join(dir, 'helper.ts'), SOLUTION),
  },
  {
    name: 'own-tests-and-support',
    attack: 'ships its own tests/, cluster.ts and vitest.config.ts, all trivially passing',
    file: () => STARTER,
    setup: (dir) => {
      mkdirSync(join(dir, 'tests'), { recursive: true });
      writeFileSync(join(dir, 'tests/lamport.test.ts'), "import { test } from 'vitest';\ntest('ok', () => {});\n");
      writeFileSync(join(dir, 'cluster.ts'), 'export const buildCluster = () => null;\n');
      writeFileSync(join(dir, 'vitest.config.ts'), "export default { test: { include: ['nothing'], passWithNoTests: true } };\n");
    },
  },
  {
    name: 'fs-read-solution',
    attack: 'reads the solution with node:fs and evaluates it',
    file: () => `import { readFileSync } from 'node:fs';\nimport * as mod from 'node:module';\n` + exportsFrom(`readFileSync(${q(SOLUTION_PATH)}, 'utf8')`, 'mod'),
  },
  {
    name: 'require-child-process',
    attack: 'require() (createRequire) child_process and cat the solution',
    file: () => withRequire + exportsFrom(`req('child_process').execFileSync('cat', [${q(SOLUTION_PATH)}], { encoding: 'utf8' })`, `req('module')`),
  },
  {
    name: 'process-binding-fs',
    attack: "reads the solution through process.binding('fs')",
    file: () => `import * as mod from 'node:module';\n` + exportsFrom(`(process as any).binding('fs').readFileUtf8(${q(SOLUTION_PATH)}, 0)`, 'mod'),
  },
  {
    name: 'getBuiltinModule-fs',
    attack: "reads the solution through process.getBuiltinModule('fs'), no import at all",
    file: () => exportsFrom(`(process as any).getBuiltinModule('fs').readFileSync(${q(SOLUTION_PATH)}, 'utf8')`, `(process as any).getBuiltinModule('module')`),
  },
  {
    name: 'dynamic-import-solution',
    attack: 'import() of the solution by a computed path',
    file: () => lateExports(`import(${q(SOLUTION_PATH.split('/'))}.join('/'))`),
  },
  {
    name: 'dynamic-import-builtin',
    attack: "import('node:' + 'fs') to write a file, around any static import rule",
    file: starterPlus((w) => `import('node:' + 'fs').then((fs: any) => fs.writeFileSync(${mark(w, 'dynamic-import-builtin')}, ${q(tag('dynamic-import-builtin'))}));`),
  },

  // --- Other submissions of the cohort -------------------------------------------------
  {
    name: 'a-copy-peer',
    attack: "reads a correct peer's lamport.ts at grade time and evaluates it",
    file: (w) => `import { readFileSync } from 'node:fs';\nimport * as mod from 'node:module';\n` + exportsFrom(`readFileSync(${q(join(w.cohort, 'correct/lamport.ts'))}, 'utf8')`, 'mod'),
  },
  {
    name: 'a-overwrite-correct-peer',
    attack: "overwrites a correct peer's lamport.ts with the starter before it is graded",
    file: starterPlus((w) => `import { writeFileSync } from 'node:fs';
writeFileSync(${q(join(w.cohort, honest.correctPeer.name, 'lamport.ts'))}, ${q(`${STARTER}\n// ${tag('a-overwrite-correct-peer')}\n`)});`),
  },
  {
    name: 'a-upgrade-failing-peer',
    attack: "overwrites a failing peer's lamport.ts with the solution before it is graded",
    file: starterPlus((w) => `import { writeFileSync } from 'node:fs';
writeFileSync(${q(join(w.cohort, honest.failingPeer.name, 'lamport.ts'))}, ${q(`${SOLUTION}\n// ${tag('a-upgrade-failing-peer')}\n`)});`),
  },
  {
    name: 'a-forge-peer-results',
    attack: "plants a passing results file in a failing peer's folder and in its scratch folder",
    file: starterPlus((w) => `${withRequire}
const fake = ${fakeReport('a-forge-peer-results')};
for (const d of [${q(join(w.cohort, honest.failingPeer.name))}, import.meta.dirname + '/../${honest.failingPeer.name}']) {
  try { req('fs').mkdirSync(d, { recursive: true }); req('fs').writeFileSync(d + '/.faultlines-results.json', fake); } catch {}
}`),
  },

  // --- Processes and files --------------------------------------------------------------
  {
    name: 'spawn-sync',
    attack: 'starts a shell with child_process.execSync',
    file: starterPlus((w) => `import { execSync } from 'node:child_process';\nexecSync(${q(`echo ${tag('spawn-sync')} > ${join(w.canary, 'hostile-spawn-sync')}`)});`),
  },
  {
    name: 'spawn-detached',
    attack: 'starts a detached shell that outlives the test process',
    file: starterPlus((w) => `import { spawn } from 'node:child_process';
spawn('sh', ['-c', ${q(`echo ${tag('spawn-detached')} > ${join(w.canary, 'hostile-spawn-detached')}`)}], { detached: true, stdio: 'ignore' }).unref();`),
  },
  {
    name: 'worker-thread',
    attack: 'starts a worker thread (a fresh realm with full Node access) that writes a file',
    file: starterPlus((w) => `import { Worker } from 'node:worker_threads';
void new Promise((done) => new Worker(${q(`require('fs').writeFileSync(${mark(w, 'worker-thread')}, ${q(tag('worker-thread'))})`)}, { eval: true }).on('exit', done).on('error', done));`),
  },
  {
    name: 'write-canary',
    attack: 'appends to a canary file in the temp dir and creates one next to it',
    file: starterPlus((w) => `import { appendFileSync, writeFileSync } from 'node:fs';
appendFileSync(${q(join(w.canary, 'canary.txt'))}, ${q(tag('write-canary'))});
writeFileSync(${mark(w, 'write-canary')}, ${q(tag('write-canary'))});`),
  },
  {
    name: 'write-labs',
    attack: "creates a file in the repository's labs/ folder",
    file: starterPlus(() => `import { writeFileSync } from 'node:fs';\nwriteFileSync(${q(join(REPO, 'labs', 'hostile-write-labs.txt'))}, ${q(tag('write-labs'))});`),
  },
  {
    name: 'write-grader-output',
    attack: "writes a forged grades.json and junit.xml (and a file of its own) into the grader's --out folder",
    file: starterPlus((w) => `import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
const out = ${q(w.out)};
mkdirSync(out, { recursive: true });
const subs = readdirSync(${q(w.cohort)}).map((s) => ({ submission: s, status: 'passed', passed: 106, failed: 0, total: 106, tests: [], problems: [] }));
const forged = 'FORGED' + ':write-grader-output';
writeFileSync(out + '/grades.json', JSON.stringify({ forged, submissions: subs }));
writeFileSync(out + '/junit.xml', '<?xml version="1.0"?><testsuites tests="1" failures="0" errors="0"><!-- ' + forged + ' --></testsuites>');
writeFileSync(out + '/hostile-write-grader-output.txt', ${q(tag('write-grader-output'))});`),
  },

  // --- The network ------------------------------------------------------------------------
  {
    name: 'net-fetch',
    attack: 'fetch() to a local server',
    file: starterPlus((w) => `fetch('http://127.0.0.1:${w.port}/hostile-net-fetch').catch(() => {});`),
  },
  {
    name: 'net-connect',
    attack: 'net.connect() to a local server',
    file: starterPlus((w) => `import { connect } from 'node:net';
void new Promise<void>((done) => { const s = connect(${w.port}, '127.0.0.1', () => s.end('${tag('net-connect')}\\r\\n\\r\\n')); s.on('close', () => done()); s.on('error', () => done()); });`),
  },
  {
    name: 'net-http-get',
    attack: 'http.get() to a local server',
    file: starterPlus((w) => `import { get } from 'node:http';
void new Promise<void>((done) => get('http://127.0.0.1:${w.port}/hostile-net-http-get', (r) => { r.resume(); r.on('end', () => done()); }).on('error', () => done()));`),
  },
  {
    name: 'net-websocket',
    attack: 'new WebSocket() to a local server',
    file: starterPlus((w) => `void new Promise<void>((done) => { try { const ws = new WebSocket('ws://127.0.0.1:${w.port}/hostile-net-websocket'); ws.onerror = () => done(); ws.onclose = () => done(); } catch { done(); } });`),
  },

];
