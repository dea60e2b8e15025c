/**
 * The learner's workspace in their own editor: workspace/<lab id>/, git-ignored. Created
 * once from the starter; after that the learner's files belong to the learner and are never
 * overwritten. The tests and support files are the course's: they are brought up to date
 * before every run, so the workspace grades exactly as `npm run grade` and the site do.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleLab } from './assemble.ts';
import type { LabFolder } from './lab-folder.ts';

const PROJECT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Git-ignored; FAULTLINES_WORKSPACE moves it (the CLI's own tests do). */
export const WORKSPACE_DIR = process.env.FAULTLINES_WORKSPACE ?? 'workspace';
/** Marks a folder as a Fault Lines lab copy, and says which lab. */
export const MARKER = '.faultlines-lab.json';

export interface Marker {
  lab: string;
  created: string;
}

export function workspacePath(id: string): string {
  return join(WORKSPACE_DIR, id);
}

/** Creates workspace/<id>/ from the starter unless it exists. Returns whether it was created. */
export function ensureWorkspace(lab: LabFolder, dir = workspacePath(lab.id)): boolean {
  if (existsSync(dir)) return false;
  const files = assembleLab({ files: lab.meta.files, support: lab.support, tests: lab.tests }, lab.starter);
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  const marker: Marker = { lab: lab.id, created: new Date().toISOString() };
  writeFileSync(join(dir, MARKER), JSON.stringify(marker, null, 2) + '\n');
  // So an editor opened on the folder resolves 'faultlines' and type-checks like the grader.
  const up = relative(resolve(dir), PROJECT).split('\\').join('/');
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        extends: `${up}/tsconfig.json`,
        compilerOptions: {
          baseUrl: up,
          paths: { faultlines: ['src/kit/index.ts'], 'faultlines/testing': ['src/kit/testing.ts'] },
        },
        include: ['**/*.ts'],
        exclude: [],
      },
      null,
      2,
    ) + '\n',
  );
  return true;
}

/**
 * Rewrites the lab's support and test files in `dir` where they differ from the course's
 * (after the course was updated, or if they were edited by mistake). Never touches the
 * learner's files. Returns the paths it rewrote.
 */
export function syncCourseFiles(lab: LabFolder, dir = workspacePath(lab.id)): string[] {
  const course = assembleLab({ files: [], support: lab.support, tests: lab.tests }, {});
  const changed: string[] = [];
  for (const [path, text] of Object.entries(course)) {
    if (lab.meta.files.includes(path)) continue;
    const full = join(dir, path);
    if (existsSync(full) && readFileSync(full, 'utf8') === text) continue;
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    changed.push(path);
  }
  return changed;
}

/** The lab a folder is a copy of, from its marker file, or null. */
export function readMarker(dir: string): Marker | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as Partial<Marker>;
    return typeof m.lab === 'string' ? { lab: m.lab, created: String(m.created ?? '') } : null;
  } catch {
    return null;
  }
}
