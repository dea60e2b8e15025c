// Runs every test layer in order and prints one summary:
//   types (astro check) -> unit (Vitest) -> build (astro + pagefind) -> browser (Vitest + Chromium).
// A later layer still runs when an earlier one fails, unless it needs that layer's output.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

mkdirSync('test-results', { recursive: true });

function run(cmd, args, capture) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    });
    child.stdout?.on('data', (chunk) => {
      process.stdout.write(chunk);
      capture.text += chunk.toString();
    });
    child.on('close', (code, signal) => resolve(signal ? 1 : code ?? 1));
  });
}

function vitestCounts(file) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    return {
      passed: r.numPassedTests ?? 0,
      failed: r.numFailedTests ?? 0,
      skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0),
    };
  } catch {
    return null;
  }
}

const results = [];
async function layer(name, fn) {
  const banner = `\n=== ${name} ${'='.repeat(Math.max(0, 70 - name.length))}`;
  console.log(banner);
  const start = performance.now();
  const r = await fn();
  results.push({ name, seconds: (performance.now() - start) / 1000, ...r });
  return r.ok;
}

async function vitestLayer(project) {
  const out = `test-results/vitest-${project}.json`;
  rmSync(out, { force: true });
  const code = await run('vitest', ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile=${out}`]);
  const counts = vitestCounts(out) ?? { passed: 0, failed: 1, skipped: 0 };
  // Vitest exits non-zero for errors outside tests too (a crashed file, a failed setup).
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  return { ok: code === 0, ...counts };
}

// verify-labs ends with "labs: N passed, M failed" (one check per solution, starter, variant).
function countsFromClosingLine(code, text) {
  const m = /labs: (\d+) passed, (\d+) failed/.exec(text);
  const passed = m ? Number(m[1]) : 0;
  const failed = m ? Number(m[2]) : 1;
  return { ok: code === 0, passed, failed: code !== 0 && failed === 0 ? 1 : failed, skipped: 0 };
}

const check = (code) => ({ ok: code === 0, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 });

await layer('types (astro check)', async () => check(await run('astro', ['check'])));
await layer('unit tests', () => vitestLayer('unit'));
await layer('lab graders (solution passes, starter and variants fail)', async () => {
  const captured = { text: '' };
  const code = await run('node', ['src/cli/verify-labs.ts'], captured);
  return countsFromClosingLine(code, captured.text);
});
const built = await layer('build (astro build + pagefind)', async () => check(await run('npm', ['run', '--silent', 'build'])));
if (built) {
  await layer('browser tests (Chromium)', () => vitestLayer('e2e'));
} else {
  results.push({ name: 'browser tests (Chromium)', ok: false, seconds: 0, passed: 0, failed: 1, skipped: 0, note: 'not run: the build failed' });
}

const total = results.reduce(
  (t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log('\n=== summary ' + '='.repeat(62));
for (const r of results) {
  const status = r.ok ? 'ok  ' : 'FAIL';
  const counts = `${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`;
  console.log(`${status}  ${r.name.padEnd(58)} ${counts.padEnd(34)} ${r.seconds.toFixed(1).padStart(6)} s${r.note ? `  (${r.note})` : ''}`);
}
if (total.skipped) console.log(`\n${total.skipped} tests were skipped: read the messages above.`);
console.log(`\ntests: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
