import type { APIRoute, GetStaticPaths } from 'astro';
import { loadCourse } from '../../lib/load-course.ts';
import { labBundleJson } from '../../workspace/lab-bundle-build.ts';

// Only the labs of the chapters in this edition (FAULTLINES_PARTS, FAULTLINES_CHAPTERS).
export const getStaticPaths: GetStaticPaths = async () => {
  const course = await loadCourse();
  return course.labs.map((l) => ({ params: { id: l.id } }));
};

export const GET: APIRoute = ({ params }) =>
  new Response(labBundleJson(params.id!), { headers: { 'content-type': 'application/json' } });
