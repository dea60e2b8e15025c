/**
 * Reading a lab folder from disk (Node only) and checking its layout:
 *
 *   labs/<id>/lab.json             metadata (src/lib/schemas.ts: labSchema)
 *   labs/<id>/starter/<file>       what the learner gets: every file named in "files"
 *   labs/<id>/solution/<file>      the reference implementation: the same files
 *   labs/<id>/variants/<v>/<file>  known-buggy variants: some of those files, one folder each
 *   labs/<id>/support/**           code the learner reads but does not edit (optional)
 *   labs/<id>/tests/*.test.ts      Vitest suites; they import the learner's files as ../<file>
 *
 * Every problem is reported with the path it concerns.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { labSchema, type LabData } from '../lib/schemas.ts';
import type { FileMap } from './assemble.ts';
import { readTestList } from './test-list.ts';

export interface LabFolder {
  id: string;
  dir: string;
  meta: LabData;
  starter: FileMap;
  solution: FileMap;
  variants: { id: string; mistake: string; files: FileMap }[];
  /** Read-only support files, by path relative to support/. */
  support: FileMap;
  /** Test files, by path relative to tests/. */
  tests: FileMap;
  /** Every test of the lab (tests.json), or undefined if the lab has no list yet. */
  testList: string[] | undefined;
}

export class LabFormatError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.map((p) => `  - ${p}`).join('\n'));
    this.name = 'LabFormatError';
    this.problems = problems;
  }
}

export const LABS_DIR = 'labs';

/** Ids of every lab folder (a folder of labs/ holding a lab.json). */
export function listLabIds(root = LABS_DIR): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'lab.json')))
    .sort();
}

function readTree(dir: string): FileMap {
  const out: FileMap = {};
  if (!existsSync(dir)) return out;
  for (const rel of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = join(dir, rel);
    if (statSync(full).isFile()) out[rel.split('\\').join('/')] = readFileSync(full, 'utf8');
  }
  return out;
}

export function loadLab(id: string, root = LABS_DIR): LabFolder {
  const dir = join(root, id);
  const where = (p: string) => relative('.', join(dir, p)) || dir;
  if (!existsSync(join(dir, 'lab.json'))) {
    const known = listLabIds(root);
    throw new LabFormatError([
      `unknown lab "${id}": there is no ${where('lab.json')}` + (known.length ? `. Labs: ${known.join(', ')}` : ''),
    ]);
  }
  const problems: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8'));
  } catch (e) {
    throw new LabFormatError([`${where('lab.json')}: not valid JSON: ${(e as Error).message}`]);
  }
  const parsed = labSchema.safeParse(raw);
  if (!parsed.success) {
    throw new LabFormatError(
      parsed.error.issues.map((i) => `${where('lab.json')}: field "${i.path.join('.') || '(root)'}": ${i.message}`),
    );
  }
  const meta = parsed.data;
  const starter = readTree(join(dir, 'starter'));
  const solution = readTree(join(dir, 'solution'));
  const tests = readTree(join(dir, 'tests'));
  const support = readTree(join(dir, 'support'));

  for (const [name, files] of [['starter', starter], ['solution', solution]] as const) {
    for (const f of meta.files) if (!(f in files)) problems.push(`${where(`${name}/${f}`)}: missing (lab.json "files" lists ${f})`);
    for (const f of Object.keys(files)) {
      if (!meta.files.includes(f)) problems.push(`${where(`${name}/${f}`)}: not listed in lab.json "files"`);
    }
  }
  if (!Object.keys(tests).some((f) => f.endsWith('.test.ts'))) problems.push(`${where('tests')}: no *.test.ts file`);
  for (const f of Object.keys(support)) {
    if (meta.files.includes(f)) problems.push(`${where(`support/${f}`)}: has the name of a learner file`);
  }

  const variantDirs = existsSync(join(dir, 'variants')) ? readdirSync(join(dir, 'variants')).sort() : [];
  const variants: LabFolder['variants'] = [];
  meta.variants.forEach((v, i) => {
    if (!variantDirs.includes(v.id)) {
      problems.push(`${where('lab.json')}: field "variants.${i}.id": no folder ${where(`variants/${v.id}`)}`);
      return;
    }
    const files = readTree(join(dir, 'variants', v.id));
    if (!Object.keys(files).length) problems.push(`${where(`variants/${v.id}`)}: empty`);
    for (const f of Object.keys(files)) {
      if (!meta.files.includes(f)) problems.push(`${where(`variants/${v.id}/${f}`)}: not a learner file (lab.json "files")`);
    }
    variants.push({ id: v.id, mistake: v.mistake, files });
  });
  for (const d of variantDirs) {
    if (!meta.variants.some((v) => v.id === d)) problems.push(`${where(`variants/${d}`)}: not described in lab.json "variants"`);
  }
  let testList: string[] | undefined;
  try {
    testList = readTestList(dir);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length) throw new LabFormatError(problems);
  return { id, dir, meta, starter, solution, variants, support, tests, testList };
}
