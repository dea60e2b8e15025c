import { getCollection } from 'astro:content';
import { buildCourse, type Course } from './course.ts';
import { applyEdition, editionFromEnv } from './edition.ts';

let cached: Promise<Course> | undefined;

/**
 * The validated course, loaded once per build: every chapter is checked, then the edition
 * chosen with FAULTLINES_PARTS / FAULTLINES_CHAPTERS (if any) is what the pages are built from.
 */
export function loadCourse(): Promise<Course> {
  cached ??= (async () => {
    const [chapters, labs] = await Promise.all([getCollection('chapters'), getCollection('labs')]);
    return applyEdition(buildCourse(chapters, labs), editionFromEnv(process.env));
  })();
  return cached;
}
