/**
 * The grader hash: what a recorded mutation run (labs/<id>/mutants.json) was measured on.
 *
 * Mutants are made from the solution and killed by the tests, with the support files in
 * between, so those three trees and the list of learner files are exactly what can change a
 * mutation score. The starter and the variants are left out on purpose: editing a variant
 * must not demand a new (slow) mutation run.
 */
import { createHash } from 'node:crypto';
import type { FileMap } from '../assemble.ts';

export interface GraderInput {
  /** lab.json "files": which files are mutated. */
  files: readonly string[];
  solution: FileMap;
  tests: FileMap;
  support: FileMap;
}

/** `sha256:<hex>` over the sorted paths and contents of solution/, tests/, support/ and lab.json "files". */
export function graderHash(lab: GraderInput): string {
  const entries: [string, string][] = [];
  for (const [tree, files] of [['solution', lab.solution], ['tests', lab.tests], ['support', lab.support]] as const) {
    for (const [path, text] of Object.entries(files)) entries.push([`${tree}/${path}`, text]);
  }
  // Only the list matters, not lab.json's prose: rewording a hint is not a grader change.
  entries.push(['lab.json#files', JSON.stringify(lab.files)]);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const h = createHash('sha256');
  // Lengths before contents, so no choice of file text can make two different trees collide.
  for (const [path, text] of entries) {
    h.update(`${Buffer.byteLength(path)}:${path}\n${Buffer.byteLength(text)}:`);
    h.update(text);
    h.update('\n');
  }
  return `sha256:${h.digest('hex')}`;
}
