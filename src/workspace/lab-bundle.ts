/**
 * What the page needs to run a lab, as one JSON file per lab (/labs/<id>.json), written at
 * build time and fetched only when the learner opens the lab.
 */
export interface LabBundle {
  id: string;
  title: string;
  chapter: string;
  /** The files the learner edits. */
  files: string[];
  hints: string[];
  /** Module exporting `scenario(seed)`, for `npm run sim`. */
  scenario?: string;
  starter: Record<string, string>;
  /** Read-only support files and tests, by their path in the flat lab folder. */
  support: Record<string, string>;
  tests: Record<string, string>;
  /** Absent from builds made with FAULTLINES_SOLUTIONS=off. */
  solution?: Record<string, string>;
  /** How many tests the lab has (its tests.json): "Lab done" needs every one of them passed. */
  testCount?: number;
}

/** Builds with FAULTLINES_SOLUTIONS=off leave reference solutions out (for graded cohorts). */
export function solutionsIncluded(env: Record<string, string | undefined>): boolean {
  return env.FAULTLINES_SOLUTIONS !== 'off';
}

/** The lab folder as the runtime sees it: learner files, support files, tests/. */
export function labFiles(bundle: LabBundle, learner: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...bundle.support };
  for (const f of bundle.files) out[f] = learner[f] ?? bundle.starter[f] ?? '';
  for (const [path, text] of Object.entries(bundle.tests)) out[`tests/${path}`] = text;
  return out;
}
