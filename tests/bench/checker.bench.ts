/**
 * Benchmark of the linearizability checker on Porcupine's test histories.
 * Run: npx node tests/bench/checker.bench.ts [--rounds N]
 *
 * Parsing is done once, outside the timings: only checkOperations is timed. Each round times
 * every file once; the table shows, per file, the median over rounds, and the summary lines
 * the medians over rounds of the per-round total / median / max.
 * Targets: the 52 etcd histories under 500 ms in total and none over 250 ms; each kv file
 * (split by key) under 20 ms.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkOperations } from '../../src/checkers/check.ts';
import { loadHistoryFile } from '../../src/checkers/files.ts';

const dir = fileURLToPath(new URL('../fixtures/porcupine/', import.meta.url));
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 7;

const expected = readFileSync(dir + 'expected.tsv', 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => {
    const [file, , , lin] = l.split('\t');
    return { file: file!, linearizable: lin === 'true' };
  });

const loaded = expected.map((e) => ({ ...e, h: loadHistoryFile(dir + e.file) }));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// Warm up the JIT.
for (const l of loaded) checkOperations(l.h.model, l.h.operations);

const times = new Map<string, number[]>(loaded.map((l) => [l.file, []]));
let wrong = 0;
for (let r = 0; r < ROUNDS; r++) {
  for (const l of loaded) {
    const t0 = performance.now();
    const res = checkOperations(l.h.model, l.h.operations);
    const dt = performance.now() - t0;
    times.get(l.file)!.push(dt);
    if ((res.verdict === 'linearizable') !== l.linearizable) wrong++;
  }
}

const ms = (x: number): string => x.toFixed(2).padStart(9);
console.log(`Linearizability checker benchmark (${ROUNDS} rounds, Node ${process.version})\n`);
console.log(`${'file'.padEnd(22)} ${'ops'.padStart(5)} ${'verdict'.padEnd(17)} ${'median ms'.padStart(9)} ${'min ms'.padStart(9)}`);
for (const l of loaded) {
  const ts = times.get(l.file)!;
  const verdict = l.linearizable ? 'linearizable' : 'not linearizable';
  console.log(`${l.file.padEnd(22)} ${String(l.h.operations.length).padStart(5)} ${verdict.padEnd(17)} ${ms(median(ts))} ${ms(Math.min(...ts))}`);
}

function summary(label: string, files: string[], targets: { total?: number; max: number }): boolean {
  const totals: number[] = [];
  const medians: number[] = [];
  const maxes: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round = files.map((f) => times.get(f)![r]!);
    totals.push(round.reduce((a, b) => a + b, 0));
    medians.push(median(round));
    maxes.push(Math.max(...round));
  }
  const total = median(totals);
  const max = median(maxes);
  const ok = (targets.total === undefined || total <= targets.total) && max <= targets.max;
  console.log(
    `${label.padEnd(8)} files ${String(files.length).padStart(3)}  total ${ms(total)} ms  median ${ms(median(medians))} ms  max ${ms(max)} ms` +
      `   target: ${targets.total !== undefined ? `total < ${targets.total} ms, ` : ''}each < ${targets.max} ms  ${ok ? 'OK' : 'MISSED'}`,
  );
  return ok;
}

console.log('\nMedians over rounds:');
const etcdOk = summary('etcd', loaded.filter((l) => l.file.startsWith('jepsen/')).map((l) => l.file), { total: 500, max: 250 });
const kvOk = summary('kv', loaded.filter((l) => l.file.startsWith('kv/')).map((l) => l.file), { max: 20 });
if (wrong) console.log(`\n${wrong} WRONG VERDICTS`);
process.exitCode = etcdOk && kvOk && !wrong ? 0 : 1;
