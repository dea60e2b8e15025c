/**
 * The lab bundle as the build writes it (/labs/<id>.json), and its version: the page that
 * embeds a lab asks for exactly this version (`?v=`), so a page never runs another build's
 * bundle, from a cache or from the network. Node only (reads labs/ from disk).
 */
import { createHash } from 'node:crypto';
import { loadLab } from '../labs/lab-folder.ts';
import { shortVersion } from '../offline/version.ts';
import { solutionsIncluded, type LabBundle } from './lab-bundle.ts';

const built = new Map<string, string>();

/** The JSON text of /labs/<id>.json; without solutions when FAULTLINES_SOLUTIONS=off. */
export function labBundleJson(id: string, env: Record<string, string | undefined> = process.env): string {
  const key = `${id}\n${env.FAULTLINES_LABS_DIR ?? ''}\n${solutionsIncluded(env)}`;
  let text = built.get(key);
  if (text === undefined) {
    const lab = loadLab(id, env.FAULTLINES_LABS_DIR ?? 'labs');
    const bundle: LabBundle = {
      id: lab.id,
      title: lab.meta.title,
      chapter: lab.meta.chapter,
      files: lab.meta.files,
      hints: lab.meta.hints,
      ...(lab.meta.scenario ? { scenario: lab.meta.scenario } : {}),
      starter: lab.starter,
      support: lab.support,
      tests: lab.tests,
      ...(solutionsIncluded(env) ? { solution: lab.solution } : {}),
      ...(lab.testList ? { testCount: lab.testList.length } : {}),
    };
    text = JSON.stringify(bundle);
    built.set(key, text);
  }
  return text;
}

/** The `?v=` of a bundle: the start of its sha256, as the service worker computes it too. */
export function labBundleVersion(id: string, env: Record<string, string | undefined> = process.env): string {
  return shortVersion(createHash('sha256').update(labBundleJson(id, env), 'utf8').digest('base64'));
}
