/**
 * The course as a whole: chapters in order, grouped by part, with their labs, plus the
 * cross-file rules that a per-file schema cannot check. Every page builds from here, so a
 * broken rule fails the build with a message that names the file and the field.
 */
import type { ChapterData, LabData } from './schemas.ts';
import { PARTS, type Part } from './parts.ts';

export interface Entry<T> {
  id: string;
  /** Path relative to the project root, as Astro reports it. */
  filePath?: string | undefined;
  data: T;
}

export interface Chapter {
  id: string;
  filePath: string;
  data: ChapterData;
  labs: Lab[];
  /** 1-based position in reading order. */
  position: number;
}

export interface Lab {
  id: string;
  filePath: string;
  data: LabData;
}

export interface Course {
  chapters: Chapter[];
  parts: { part: Part; chapters: Chapter[]; minutes: number }[];
  labs: Lab[];
  totalMinutes: number;
  /** Chapters that exist but are left out of this edition (src/lib/edition.ts). */
  omitted: Chapter[];
}

export class CourseError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      `The course content has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'CourseError';
    this.problems = problems;
  }
}

function where(entry: Entry<unknown>, fallbackDir: string): string {
  return entry.filePath ?? `${fallbackDir}/${entry.id}`;
}

/** Checks the rules that span files and returns the course in reading order. */
export function buildCourse(chapterEntries: Entry<ChapterData>[], labEntries: Entry<LabData>[]): Course {
  const problems: string[] = [];
  const labsById = new Map<string, Lab>();
  for (const e of labEntries) {
    labsById.set(e.id, { id: e.id, filePath: where(e, 'labs'), data: e.data });
  }
  const chaptersById = new Map(chapterEntries.map((e) => [e.id, e]));

  const byOrder = new Map<number, Entry<ChapterData>>();
  for (const e of chapterEntries) {
    const file = where(e, 'content/chapters');
    const clash = byOrder.get(e.data.order);
    if (clash) {
      problems.push(
        `${file}: field "order": ${e.data.order} is already used by ${where(clash, 'content/chapters')}; every chapter needs its own order`,
      );
    } else {
      byOrder.set(e.data.order, e);
    }

    e.data.labs.forEach((labId, i) => {
      if (!labsById.has(labId)) {
        const known = [...labsById.keys()].sort();
        problems.push(
          `${file}: field "labs[${i}]": unknown lab id "${labId}"; ` +
            (known.length ? `known labs: ${known.join(', ')}` : 'there are no labs in labs/ yet'),
        );
      }
    });

    e.data.prerequisites.forEach((preId, i) => {
      const pre = chaptersById.get(preId);
      if (preId === e.id) {
        problems.push(`${file}: field "prerequisites[${i}]": a chapter cannot be its own prerequisite`);
      } else if (!pre) {
        problems.push(`${file}: field "prerequisites[${i}]": unknown chapter id "${preId}"`);
      } else if (pre.data.order >= e.data.order) {
        problems.push(
          `${file}: field "prerequisites[${i}]": "${preId}" (order ${pre.data.order}) comes after this chapter (order ${e.data.order})`,
        );
      }
    });
  }

  // Parts must not interleave: reading order goes part by part.
  const sorted = [...chapterEntries].sort((a, b) => a.data.order - b.data.order);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.data.part < prev.data.part) {
      problems.push(
        `${where(cur, 'content/chapters')}: field "part": part ${cur.data.part} comes after part ${prev.data.part} ` +
          `(${where(prev, 'content/chapters')}) in reading order; give it a lower "order" or the right part`,
      );
    }
  }

  for (const lab of labsById.values()) {
    const owner = chaptersById.get(lab.data.chapter);
    if (!owner) {
      problems.push(`${lab.filePath}: field "chapter": unknown chapter id "${lab.data.chapter}"`);
    } else if (!owner.data.labs.includes(lab.id)) {
      problems.push(
        `${lab.filePath}: field "chapter": "${lab.data.chapter}" does not list this lab in its "labs" field (${where(owner, 'content/chapters')})`,
      );
    }
  }

  if (problems.length) throw new CourseError(problems);

  const chapters: Chapter[] = sorted.map((e, i) => ({
    id: e.id,
    filePath: where(e, 'content/chapters'),
    data: e.data,
    labs: e.data.labs.map((id) => labsById.get(id)!),
    position: i + 1,
  }));
  const minutesOf = (c: Chapter) => c.data.minutes + c.labs.reduce((s, l) => s + l.data.minutes, 0);
  const parts = PARTS.map((part) => {
    const inPart = chapters.filter((c) => c.data.part === part.number);
    return { part, chapters: inPart, minutes: inPart.reduce((s, c) => s + minutesOf(c), 0) };
  });
  return {
    chapters,
    parts,
    labs: [...labsById.values()],
    totalMinutes: chapters.reduce((s, c) => s + minutesOf(c), 0),
    omitted: [],
  };
}

/** "1 h 25 min", "40 min". */
export function formatMinutes(total: number): string {
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (!h) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}
