/**
 * The grader's seam: each learner file the tests (or support code) import is replaced by a
 * stand-in module (see vitest-plugin.ts) that takes its exports from this test file's
 * learner realm. Vitest gives every test file fresh module instances, so every test file
 * gets a fresh realm too, as it would get fresh learner modules without the sandbox.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LearnerRealm } from './learner-realm.ts';

export { LearnerRealm } from './learner-realm.ts';

const realms = new Map<string, LearnerRealm>();

/** The lab's own files (learner files and support files; not the tests), by lab-relative path. */
export function labSources(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(root)) {
    const full = join(root, name);
    if (/\.tsx?$/.test(name) && statSync(full).isFile()) out[name] = readFileSync(full, 'utf8');
  }
  return out;
}

export function learnerModule(root: string, path: string): Record<string, unknown> {
  let realm = realms.get(root);
  if (!realm) {
    realm = new LearnerRealm({ root, files: labSources(root) });
    realms.set(root, realm);
  }
  return realm.require(path);
}
