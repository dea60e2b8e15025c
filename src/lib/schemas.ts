import { z } from 'astro/zod';

/** Lowercase words joined by hyphens: chapter and lab ids, which become URLs. */
const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use lowercase words joined by hyphens, like "time-and-clocks"');

/**
 * Chapter frontmatter. Strict: a misspelt field ("objectves") is an error, not silently ignored.
 * Cross-entry rules (unique order, known labs and prerequisites) live in course.ts.
 */
export const chapterSchema = z
  .object({
    title: z.string().min(3),
    /** Part of the course, 1 to 5 (see src/lib/parts.ts). */
    part: z.number().int().min(1).max(5),
    /** Position in the whole course; unique across chapters. */
    order: z.number().int().positive(),
    summary: z.string().min(20).max(320),
    objectives: z.array(z.string().min(5)).min(1),
    /** Ids of chapters to read first (file names without .mdx). */
    prerequisites: z.array(slug).default([]),
    /** Estimated reading time, not counting labs. */
    minutes: z.number().int().min(5).max(240),
    /** Ids of labs the chapter embeds (folder names under labs/). */
    labs: z.array(slug).default([]),
  })
  .strict();

export type ChapterData = z.infer<typeof chapterSchema>;

/**
 * Lab metadata: labs/<id>/lab.json. The folder layout around it is documented in
 * labs/README.md and checked by src/labs/lab-folder.ts.
 */
export const labSchema = z
  .object({
    title: z.string().min(3),
    /** Id of the chapter that embeds the lab. */
    chapter: slug,
    summary: z.string().min(20).max(320),
    /** The one idea the lab teaches, as the learner will be able to say it afterwards. */
    goal: z.string().min(10),
    difficulty: z.enum(['intro', 'core', 'stretch']),
    minutes: z.number().int().min(5).max(180),
    /** Files the learner edits: each exists in starter/ and solution/. */
    files: z.array(z.string().regex(/^[\w.-]+\.ts$/, 'a file name like "lamport.ts" (no folders)')).min(1),
    /** Hints in order, from a nudge to nearly the answer. */
    hints: z.array(z.string().min(5)).min(2),
    /**
     * A learner or support file exporting `scenario(seed): Trace | Promise<Trace>`: the run
     * that `npm run sim` in the workspace shows as a timeline.
     */
    scenario: z.string().regex(/^[\w.-]+\.ts$/).optional(),
    /** Known-buggy variants: each is a folder variants/<id>/ with a mistake real learners make. */
    variants: z
      .array(
        z
          .object({
            id: slug,
            /** What the mistake is, in one line a learner would recognise. */
            mistake: z.string().min(10),
          })
          .strict(),
      )
      .min(3),
  })
  .strict();

export type LabData = z.infer<typeof labSchema>;
