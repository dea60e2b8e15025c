/**
 * Editions: an instructor can build a subset of the course.
 *
 *   FAULTLINES_PARTS=1,2                 only the chapters of parts 1 and 2
 *   FAULTLINES_CHAPTERS=raft,crdts       only these chapters (ids: file names without .mdx)
 *
 * Both together add up (parts 1 and 2, plus those chapters). The whole course is still read and
 * checked; chapters left out get no page, their labs no bundle, the search index does not hold
 * them, and links to them become plain text ("not in this edition"). Reading order and chapter
 * numbers are those of the edition.
 */
import type { Chapter, Course } from './course.ts';
import { PARTS } from './parts.ts';

export interface EditionFilter {
  parts: number[];
  chapters: string[];
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** The filter in the environment, or null for the whole course. Throws on a malformed value. */
export function editionFromEnv(env: Record<string, string | undefined>): EditionFilter | null {
  const parts = list(env.FAULTLINES_PARTS).map((p) => {
    const n = Number(p);
    if (!PARTS.some((part) => part.number === n)) {
      throw new Error(`FAULTLINES_PARTS: "${p}" is not a part; parts are ${PARTS.map((x) => x.number).join(', ')}`);
    }
    return n;
  });
  const chapters = list(env.FAULTLINES_CHAPTERS);
  return parts.length || chapters.length ? { parts, chapters } : null;
}

/** The course as this edition has it. Unknown chapter ids and an empty edition are errors. */
export function applyEdition(course: Course, filter: EditionFilter | null): Course {
  if (!filter) return course;
  const known = new Set(course.chapters.map((c) => c.id));
  const unknown = filter.chapters.filter((id) => !known.has(id));
  if (unknown.length) {
    throw new Error(`FAULTLINES_CHAPTERS: unknown chapter id${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; chapters: ${[...known].join(', ')}`);
  }
  const keep = (c: Chapter) => filter.parts.includes(c.data.part) || filter.chapters.includes(c.id);
  const kept = course.chapters.filter(keep);
  if (!kept.length) {
    const asked = [filter.parts.length ? `FAULTLINES_PARTS=${filter.parts.join(',')}` : '', filter.chapters.length ? `FAULTLINES_CHAPTERS=${filter.chapters.join(',')}` : ''].filter(Boolean).join(' ');
    throw new Error(`${asked} selects no chapter: this edition would be empty`);
  }
  const chapters = kept.map((c, i) => ({ ...c, position: i + 1 }));
  const minutesOf = (c: Chapter) => c.data.minutes + c.labs.reduce((s, l) => s + l.data.minutes, 0);
  const labIds = new Set(chapters.flatMap((c) => c.labs.map((l) => l.id)));
  return {
    chapters,
    parts: course.parts.map(({ part }) => {
      const inPart = chapters.filter((c) => c.data.part === part.number);
      return { part, chapters: inPart, minutes: inPart.reduce((s, c) => s + minutesOf(c), 0) };
    }),
    labs: course.labs.filter((l) => labIds.has(l.id)),
    totalMinutes: chapters.reduce((s, c) => s + minutesOf(c), 0),
    omitted: [...course.omitted, ...course.chapters.filter((c) => !keep(c))],
  };
}
