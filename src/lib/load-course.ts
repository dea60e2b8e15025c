import { getCollection } from 'astro:content';
import { buildCourse, type Course } from './course.ts';

let cached: Promise<Course> | undefined;

/** The validated course, loaded once per build. */
export function loadCourse(): Promise<Course> {
  cached ??= (async () => {
    const [chapters, labs] = await Promise.all([getCollection('chapters'), getCollection('labs')]);
    return buildCourse(chapters, labs);
  })();
  return cached;
}
