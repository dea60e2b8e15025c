import type { APIRoute, GetStaticPaths } from 'astro';
import { getCollection } from 'astro:content';
import { loadLab } from '../../labs/lab-folder.ts';
import { solutionsIncluded, type LabBundle } from '../../workspace/lab-bundle.ts';

export const getStaticPaths: GetStaticPaths = async () => {
  const labs = await getCollection('labs');
  return labs.map((l) => ({ params: { id: l.id } }));
};

export const GET: APIRoute = ({ params }) => {
  const lab = loadLab(params.id!, process.env.FAULTLINES_LABS_DIR ?? 'labs');
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
    ...(solutionsIncluded(process.env) ? { solution: lab.solution } : {}),
  };
  return new Response(JSON.stringify(bundle), { headers: { 'content-type': 'application/json' } });
};
