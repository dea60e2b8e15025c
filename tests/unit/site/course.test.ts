import { describe, expect, test } from 'vitest';
import { buildCourse, CourseError, formatMinutes, type Entry } from '../../../src/lib/course.ts';
import type { ChapterData, LabData } from '../../../src/lib/schemas.ts';

function chapter(id: string, over: Partial<ChapterData> = {}): Entry<ChapterData> {
  return {
    id,
    filePath: `content/chapters/${id}.mdx`,
    data: {
      title: id,
      part: 1,
      order: 1,
      summary: 'A summary long enough to pass.',
      objectives: ['Do a thing well.'],
      prerequisites: [],
      minutes: 20,
      labs: [],
      ...over,
    },
  };
}

function lab(id: string, chapterId: string, minutes = 30): Entry<LabData> {
  return {
    id,
    filePath: `labs/${id}/lab.json`,
    data: {
      title: id,
      chapter: chapterId,
      summary: 'A lab summary long enough.',
      goal: 'Learn the one idea.',
      difficulty: 'core',
      minutes,
      files: ['node.ts'],
      hints: ['Look at the retry.', 'Reuse the request id.'],
      variants: [
        { id: 'v1', mistake: 'Forgets the first thing.' },
        { id: 'v2', mistake: 'Forgets the second thing.' },
        { id: 'v3', mistake: 'Forgets the third thing.' },
      ],
    },
  };
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof CourseError) return e.problems;
    throw e;
  }
  throw new Error('expected a CourseError');
}

describe('buildCourse', () => {
  test('orders chapters by "order", numbers them, and groups them by part with minutes including labs', () => {
    const course = buildCourse(
      [chapter('b', { order: 2, part: 2, labs: ['l1'] }), chapter('a', { order: 1 })],
      [lab('l1', 'b', 45)],
    );
    expect(course.chapters.map((c) => [c.id, c.position])).toEqual([['a', 1], ['b', 2]]);
    expect(course.chapters[1]!.labs.map((l) => l.id)).toEqual(['l1']);
    expect(course.parts.find((p) => p.part.number === 2)!.minutes).toBe(65);
    expect(course.totalMinutes).toBe(85);
  });

  test('a duplicate order names both files and the field', () => {
    const [p] = problems(() => buildCourse([chapter('a', { order: 3 }), chapter('b', { order: 3 })], []));
    expect(p).toContain('content/chapters/b.mdx: field "order": 3 is already used by content/chapters/a.mdx');
  });

  test('an unknown lab id names the file, the field with its index, and the known labs', () => {
    const ps = problems(() =>
      buildCourse([chapter('a', { labs: ['l1', 'nope'] })], [lab('l1', 'a')]),
    );
    expect(ps).toEqual(['content/chapters/a.mdx: field "labs[1]": unknown lab id "nope"; known labs: l1']);
  });

  test('unknown, self and later prerequisites are each reported', () => {
    const ps = problems(() =>
      buildCourse(
        [
          chapter('a', { order: 1, prerequisites: ['b'] }),
          chapter('b', { order: 2, prerequisites: ['b', 'ghost'] }),
        ],
        [],
      ),
    );
    expect(ps).toHaveLength(3);
    expect(ps[0]).toContain('content/chapters/a.mdx: field "prerequisites[0]": "b" (order 2) comes after this chapter');
    expect(ps[1]).toContain('content/chapters/b.mdx: field "prerequisites[0]": a chapter cannot be its own prerequisite');
    expect(ps[2]).toContain('content/chapters/b.mdx: field "prerequisites[1]": unknown chapter id "ghost"');
  });

  test('parts may not interleave in reading order', () => {
    const ps = problems(() => buildCourse([chapter('a', { order: 1, part: 2 }), chapter('b', { order: 2, part: 1 })], []));
    expect(ps[0]).toContain('content/chapters/b.mdx: field "part"');
  });

  test('a lab must belong to a chapter that embeds it', () => {
    const ps = problems(() => buildCourse([chapter('a')], [lab('l1', 'a'), lab('l2', 'zzz')]));
    expect(ps).toContain('labs/l1/lab.json: field "chapter": "a" does not list this lab in its "labs" field (content/chapters/a.mdx)');
    expect(ps).toContain('labs/l2/lab.json: field "chapter": unknown chapter id "zzz"');
  });

  test('all problems are reported at once, in one error message', () => {
    try {
      buildCourse([chapter('a', { order: 1, labs: ['x'] }), chapter('b', { order: 1 })], []);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(/^The course content has 2 problems:\n {2}- /);
    }
  });
});

test('formatMinutes', () => {
  expect(formatMinutes(40)).toBe('40 min');
  expect(formatMinutes(60)).toBe('1 h');
  expect(formatMinutes(85)).toBe('1 h 25 min');
});
