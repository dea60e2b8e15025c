/**
 * Test harness for the hostile-submission suite: writes a cohort folder of lab workspaces,
 * grades it with the real CLI (`npm run grade -- <cohort> --out <out>`, cwd = the repository,
 * in a process group of its own so that a submission that kills its whole group cannot
 * reach the test runner), and records what the grade left behind: hashes of every place a
 * submission must not touch (the repository's labs/ and src/, every submission folder, a
 * canary folder in the temp dir, the grader's output folder) and every connection made to
 * a local server.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const LAB = 'lamport-clocks';
export const STARTER = readFileSync(join(REPO, 'labs', LAB, 'starter/lamport.ts'), 'utf8');
export const SOLUTION = readFileSync(join(REPO, 'labs', LAB, 'solution/lamport.ts'), 'utf8');
export const SOLUTION_PATH = join(REPO, 'labs', LAB, 'solution/lamport.ts');
export const MARKER = '.faultlines-lab.json';

/** Everything a hostile file may want to name: where things are on this machine. */
export interface Where {
  repo: string;
  /** The cohort folder: one subfolder per submission. */
  cohort: string;
  /** The grader's output folder (--out). */
  out: string;
  /** A folder in the temp dir holding canary.txt; nothing may appear or change in it. */
  canary: string;
  /** Port of a local TCP server that must receive no connection. */
  port: number;
  /** The pid of the test process: a hostile file that kills processes must stop before it. */
  testPid: number;
}

/** One submission: its folder name and how to write it. */
export interface Submission {
  name: string;
  /** What it attacks, in words (the test's name). */
  attack: string;
  /** The learner file; null: none (setup writes what is there instead). */
  file: ((w: Where) => string) | null;
  /** The marker's content; default { "lab": "lamport-clocks" }; null: no marker. */
  marker?: ((w: Where) => string) | null;
  /** Extra setup in the submission folder (symlinks, extra files). */
  setup?: (dir: string, w: Where) => void;
  /** What the reason must say, beyond being words (a memory blow-up must be called one). */
  reason?: RegExp;
}

export function writeCohort(subs: readonly Submission[], w: Where): void {
  for (const s of subs) {
    const dir = join(w.cohort, s.name);
    mkdirSync(dir, { recursive: true });
    const marker = s.marker === undefined ? JSON.stringify({ lab: LAB }) : s.marker?.(w);
    if (marker !== undefined && marker !== null) writeFileSync(join(dir, MARKER), marker);
    if (s.file) writeFileSync(join(dir, 'lamport.ts'), s.file(w));
    s.setup?.(dir, w);
  }
}

export const symlink = (target: string, path: string) => symlinkSync(target, path);

// ---------------------------------------------------------------------------------------
// Snapshots

/** path -> what is there (file content hash, symlink target, or "dir"), without following symlinks. */
export type Snapshot = Map<string, string>;

export function hashTree(root: string, into: Snapshot = new Map(), prefix = root): Snapshot {
  let st;
  try {
    st = lstatSync(root);
  } catch {
    return into;
  }
  if (st.isSymbolicLink()) into.set(root, `symlink -> ${readlinkSync(root)}`);
  else if (st.isDirectory()) {
    into.set(root, 'dir');
    for (const e of readdirSync(root).sort()) hashTree(join(root, e), into, prefix);
  } else if (st.isFile()) into.set(root, `file ${st.mode.toString(8)} ${createHash('sha256').update(readFileSync(root)).digest('hex')}`);
  else into.set(root, `special ${st.mode.toString(8)}`);
  return into;
}

export interface Change {
  path: string;
  what: 'added' | 'removed' | 'changed';
  /** Up to 2 kB of the new content, to say which submission did it (every hostile write carries a tag). */
  content: string;
}

export function diff(before: Snapshot, after: Snapshot): Change[] {
  const out: Change[] = [];
  const peek = (p: string) => {
    try {
      return lstatSync(p).isFile() ? readFileSync(p, 'utf8').slice(0, 2048) : '';
    } catch {
      return '';
    }
  };
  for (const [p, h] of after) {
    if (!before.has(p)) out.push({ path: p, what: 'added', content: peek(p) });
    else if (before.get(p) !== h) out.push({ path: p, what: 'changed', content: peek(p) });
  }
  for (const p of before.keys()) if (!after.has(p)) out.push({ path: p, what: 'removed', content: '' });
  return out;
}

/** The places no submission may change, as one snapshot: labs/, src/, a few root files, the canary folder, every submission folder. */
export function snapshotProtected(w: Where, subs: readonly Submission[]): Snapshot {
  const s: Snapshot = new Map();
  hashTree(join(REPO, 'labs'), s);
  hashTree(join(REPO, 'src'), s);
  for (const f of ['package.json', 'package-lock.json', 'vitest.config.ts', 'tsconfig.json']) hashTree(join(REPO, f), s);
  hashTree(w.canary, s);
  for (const sub of subs) hashTree(join(w.cohort, sub.name), s);
  return s;
}

// ---------------------------------------------------------------------------------------
// A local server that must stay silent

export interface Listener {
  port: number;
  /** One entry per connection: the first bytes it sent (tags say who). */
  connections: string[];
  close(): Promise<void>;
}

export function listen(): Promise<Listener> {
  const connections: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    const i = connections.push('') - 1;
    sock.on('data', (d) => {
      connections[i] = (connections[i]! + d.toString('latin1')).slice(0, 2048);
      // Answer anything that looks like HTTP, so a fetch does not hang its caller.
      if (connections[i]!.includes('\r\n\r\n')) sock.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    });
    sock.on('error', () => {});
    sock.on('close', () => sockets.delete(sock));
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      done({
        port,
        connections,
        close: () =>
          new Promise<void>((closed) => {
            for (const s of sockets) s.destroy();
            server.close(() => closed());
          }),
      });
    });
  });
}

// ---------------------------------------------------------------------------------------
// Grading

export interface GradedSubmission {
  submission: string;
  status: string;
  problems: string[];
  passed?: number;
  total?: number;
  [k: string]: unknown;
}

export interface GradeRun {
  /** Exit code of `npm run grade`; null if it was killed by a signal or by the timeout. */
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  ms: number;
  /** The last 64 kB of stdout and stderr. */
  output: string;
  /** <out>/grades.json, or undefined if the grader wrote none (or not JSON). */
  report?: { submissions: GradedSubmission[] };
  reportError?: string;
  /** What changed in the protected places while it ran. */
  changes: Change[];
  /** Every file in <out>, with its text (the report, and anything a submission may have put there). */
  outFiles: { name: string; content: string }[];
}

const TAIL = 64 * 1024;

/** Base environment of every grade: this process's, minus every FAULTLINES_* setting. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('FAULTLINES_')) env[k] = v;
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

/**
 * Runs `npm run grade -- <cohort> --out <out>` from the repository and waits for it (or for
 * `timeoutMs`, after which its whole process group is killed). Snapshots are taken just
 * before and just after.
 */
export async function grade(w: Where, subs: readonly Submission[], opts: { env?: Record<string, string>; timeoutMs: number; target?: string }): Promise<GradeRun> {
  const before = snapshotProtected(w, subs);
  const started = performance.now();
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-TAIL);
  };
  const child = spawn('npm', ['run', 'grade', '--', opts.target ?? w.cohort, '--out', w.out], {
    cwd: REPO,
    env: cleanEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: `process.kill(0)` from a submission stops there
  });
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let timedOut = false;
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, opts.timeoutMs);
  const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((done) =>
    child.on('close', (code, signal) => done({ code, signal })),
  );
  clearTimeout(timer);
  killGroup(); // anything the grade left running in its group
  const run: GradeRun = { code: timedOut ? null : code, signal, timedOut, ms: performance.now() - started, output, changes: [], outFiles: [] };
  try {
    run.report = JSON.parse(readFileSync(join(w.out, 'grades.json'), 'utf8')) as GradeRun['report'];
  } catch (e) {
    run.reportError = (e as Error).message;
  }
  run.changes = diff(before, snapshotProtected(w, subs));
  if (existsSync(w.out)) {
    for (const name of readdirSync(w.out)) {
      let content = '';
      try {
        content = readFileSync(join(w.out, name), 'utf8');
      } catch {
        /* a folder, or unreadable */
      }
      run.outFiles.push({ name, content });
    }
  }
  return run;
}

/** The tag every write and request of hostile submission `name` carries. */
export const tag = (name: string) => `HOSTILE:${name}`;
/**
 * The mark a forged grades.json or junit.xml carries. The grader's own reports quote learner
 * source in error messages, so a tag written literally in a hostile file would show up in an
 * honest report too: a forger builds this one at run time (`'FORGED' + ':' + name`).
 */
export const forgedMark = (name: string) => `FORGED:${name}`;
const REPORTS = new Set(['grades.json', 'junit.xml']);

/** What a run's leftovers say a given submission did (its tag in a changed file, an out file, a connection). */
export function damageBy(name: string, run: GradeRun, connections: readonly string[]): string[] {
  const t = tag(name);
  const carries = (s: string) => s.includes(t) || s.includes(`hostile-${name}`);
  return [
    ...run.changes.filter((c) => carries(c.path) || carries(c.content)).map((c) => `${c.what} ${c.path}`),
    ...run.outFiles
      .filter((f) => (REPORTS.has(f.name) ? f.content.includes(forgedMark(name)) : carries(f.name) || carries(f.content)))
      .map((f) => `wrote ${f.name} in the grader's output folder`),
    ...connections.filter(carries).map((c) => `connected to the local server: ${JSON.stringify(c.slice(0, 120))}`),
  ];
}

/** Files in the grader's output folder that are not its own report: forged reports, or anything else a submission put there. */
export function foreignOutFiles(run: GradeRun): string[] {
  return run.outFiles.filter((f) => (REPORTS.has(f.name) ? /FORGED:/.test(f.content) : true)).map((f) => f.name);
}

export function describeRun(run: GradeRun): string {
  return `exit ${run.code}${run.signal ? ` (signal ${run.signal})` : ''}${run.timedOut ? ' (timed out, killed)' : ''} after ${(run.ms / 1000).toFixed(0)} s` +
    (run.reportError ? `; no grades.json (${run.reportError})` : '') + `\n--- last output ---\n${run.output.slice(-3000)}`;
}
