/**
 * The learner's workspace in their own editor: workspace/<lab id>/, git-ignored. Created
 * once from the starter; after that it belongs to the learner and is never overwritten.
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

/** The lab a folder is a copy of, from its marker file, or null. */
export function readMarker(dir: string): Marker | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as Partial<Marker>;
    return typeof m.lab === 'string' ? { lab: m.lab, created: String(m.created ?? '') } : null;
  } catch {
    return null;
  }
}
