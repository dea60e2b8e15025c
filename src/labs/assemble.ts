/**
 * A lab as the learner sees it: one flat folder. Runtimes (Node, the browser worker,
 * WebContainer) all receive the same file map, so a run means the same thing everywhere.
 *
 *   <learner files>      lamport.ts ...      (from starter/, solution/, a variant, or a submission)
 *   <support files>      cluster.ts ...      (read-only)
 *   tests/<name>.test.ts                     (the grader; learners can read it)
 */
export type FileMap = Record<string, string>;

export interface AssembleInput {
  files: readonly string[];
  support: FileMap;
  tests: FileMap;
}

/** Puts a lab together with `learner` as the learner's files (missing ones come from `fallback`). */
export function assembleLab(lab: AssembleInput, learner: FileMap, fallback: FileMap = {}): FileMap {
  const out: FileMap = {};
  for (const [path, text] of Object.entries(lab.support)) out[path] = text;
  for (const f of lab.files) {
    const text = learner[f] ?? fallback[f];
    if (text !== undefined) out[f] = text;
  }
  for (const [path, text] of Object.entries(lab.tests)) out[`tests/${path}`] = text;
  return out;
}

/** Which implementation of a lab to put together. */
export type Implementation = { kind: 'starter' } | { kind: 'solution' } | { kind: 'variant'; id: string };

export function implementationLabel(impl: Implementation): string {
  return impl.kind === 'variant' ? `variant "${impl.id}"` : impl.kind;
}
