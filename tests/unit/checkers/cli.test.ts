import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers.ts';

const CLI = fileURLToPath(new URL('../../../src/checkers/cli.ts', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'check-history-'));

function run(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: FIXTURES, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('check-history CLI', () => {
  it('runs on Node >= 24 (type stripping)', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });

  it('--help prints usage and exit codes', () => {
    const r = run('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: check-history');
    expect(r.out).toMatch(/Exit codes:[\s\S]*3 {2}bad input/);
  });

  it('exit 0 for a linearizable history', () => {
    const r = run('jepsen/etcd_002.log');
    expect(r).toMatchObject({ code: 0, out: 'linearizable\n' });
  });

  it('exit 1 for a non-linearizable one, with --explain saying why', () => {
    expect(run('kv/c01-bad.txt')).toMatchObject({ code: 1, out: 'not linearizable\n' });
    const r = run('jepsen/etcd_000.log', '--explain');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^not linearizable\nNot linearizable\./);
    expect(r.out).toContain('Stuck at: read → 2 (process 11, lines 85–86)');
  });

  it('exit 2 (unknown) when the time budget runs out', () => {
    const r = run('jepsen/etcd_002.log', '--timeout', '1');
    expect(r).toMatchObject({ code: 2, out: 'unknown\n' });
  });

  it('exit 3 with a clear message for bad input', () => {
    const missing = run('nope/missing.log');
    expect(missing.code).toBe(3);
    expect(missing.err).toMatch(/nope\/missing\.log: cannot read the file: no such file/);
    expect(missing.out).toBe('');

    const bad = join(tmp, 'bad.log');
    writeFileSync(bad, 'INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\tthree\n');
    const r = run(bad);
    expect(r.code).toBe(3);
    expect(r.err).toContain(`${bad}:2:`);
    expect(r.err).toContain('a read returns nil or an integer, found three');

    expect(run('kv/c01-ok.txt', '--format', 'etcd').err).toMatch(/no history lines found/);
    expect(run(tmp).err).toMatch(/is a directory/);
  });

  it('exit 3 for usage errors', () => {
    for (const args of [[], ['--bogus', 'x.log'], ['--timeout', 'soon', 'a.log'], ['--format', 'csv', 'a.log'], ['--model', 'queue', 'a.log']]) {
      const r = run(...args);
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.err, args.join(' ')).toMatch(/^check-history: .*\nRun with --help/);
    }
  });

  it('several files: one line each, the worst exit code', () => {
    const r = run('jepsen/etcd_002.log', 'jepsen/etcd_000.log', 'kv/c10-ok.txt');
    expect(r.code).toBe(1);
    expect(r.out).toBe('jepsen/etcd_002.log: linearizable\njepsen/etcd_000.log: not linearizable\nkv/c10-ok.txt: linearizable\n');
    expect(run('jepsen/etcd_002.log', 'missing.log', 'jepsen/etcd_000.log').code).toBe(3);
  });

  it('--json prints the full result', () => {
    const r = run('kv/c01-bad.txt', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { verdict: string; format: string; failure: { blocked: number; linearized: number[] } };
    expect(j.verdict).toBe('not linearizable');
    expect(j.format).toBe('kv');
    expect(typeof j.failure.blocked).toBe('number');
  });
});
