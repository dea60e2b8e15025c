import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { chapterSchema, labSchema } from './lib/schemas.ts';

// Authors' tests point the build at broken fixtures through these variables.
const chaptersDir = process.env.FAULTLINES_CHAPTERS_DIR ?? './content/chapters';
const labsDir = process.env.FAULTLINES_LABS_DIR ?? './labs';

const chapters = defineCollection({
  loader: glob({ pattern: '**/*.mdx', base: chaptersDir }),
  schema: chapterSchema,
});

const labs = defineCollection({
  loader: glob({
    pattern: '*/lab.json',
    base: labsDir,
    // labs/<id>/lab.json has the id <id>.
    generateId: ({ entry }) => entry.split('/')[0] ?? entry,
  }),
  schema: labSchema,
});

export const collections = { chapters, labs };
