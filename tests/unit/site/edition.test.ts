/** Editions: FAULTLINES_PARTS and FAULTLINES_CHAPTERS pick a subset of the course. */
import { describe, expect, test } from 'vitest';
import { buildCourse, type Entry } from '../../../src/lib/course.ts';
import { applyEdition, editionFromEnv } from '../../../src/lib/edition.ts';
import type { ChapterData, LabData } from '../../../src/lib/schemas.ts';

function chapter(id: string, part: number, order: number, over: Partial<ChapterData> = {}): Entry<ChapterData> {
  return {
    id,
    data: { title: `Title ${id}`, part, order, summary: 'A summary long enough to pass.', objectives: ['Do a thing well.'], prerequisites: [], minutes: 20, labs: [], ...over },
  };
}
function lab(id: string, chapterId: string): Entry<LabData> {
  return {
    id,
    data: {
      title: id, chapter: chapterId, summary: 'A lab summary long enough.', goal: 'Learn the one idea.', difficulty: 'core', minutes: 30,
      files: ['node.ts'], hints: ['Look at the retry.', 'Reuse the request id.'],
      variants: [{ id: 'v1', mistake: 'Forgets the first thing.' }, { id: 'v2', mistake: 'Forgets the second thing.' }, { id: 'v3', mistake: 'Forgets the third thing.' }],
    },
  };
}

const course = buildCourse(
  [
    chapter('intro', 1, 1),
    chapter('clocks', 1, 2, { prerequisites: ['intro'], labs: ['lamport'] }),
    chapter('raft', 2, 3, { prerequisites: ['clocks'], labs: ['election'] }),
    chapter('crdts', 3, 4, { prerequisites: ['intro'] }),
  ],
  [lab('lamport', 'clocks'), lab('election', 'raft')],
);

describe('editionFromEnv', () => {
  test('no variables: the whole course', () => {
    expect(editionFromEnv({})).toBeNull();
    expect(editionFromEnv({ FAULTLINES_PARTS: ' ', FAULTLINES_CHAPTERS: '' })).toBeNull();
  });
  test('reads comma-separated parts and chapter ids', () => {
    expect(editionFromEnv({ FAULTLINES_PARTS: '1, 2', FAULTLINES_CHAPTERS: 'raft,crdts' })).toEqual({ parts: [1, 2], chapters: ['raft', 'crdts'] });
  });
  test('a part that does not exist is an error that names the parts', () => {
    expect(() => editionFromEnv({ FAULTLINES_PARTS: '1,9' })).toThrow(/FAULTLINES_PARTS: "9" is not a part; parts are 1, 2, 3, 4, 5/);
  });
});

describe('applyEdition', () => {
  test('the whole course when there is no filter', () => {
    expect(applyEdition(course, null)).toBe(course);
  });
  test('parts: keeps their chapters and labs, renumbers, and lists what was left out', () => {
    const e = applyEdition(course, { parts: [2, 3], chapters: [] });
    expect(e.chapters.map((c) => [c.id, c.position])).toEqual([['raft', 1], ['crdts', 2]]);
    expect(e.labs.map((l) => l.id)).toEqual(['election']);
    expect(e.omitted.map((c) => c.id)).toEqual(['intro', 'clocks']);
    expect(e.parts.find((p) => p.part.number === 1)!.chapters).toEqual([]);
    expect(e.totalMinutes).toBe(20 + 30 + 20);
  });
  test('parts and chapters add up', () => {
    const e = applyEdition(course, { parts: [1], chapters: ['crdts'] });
    expect(e.chapters.map((c) => c.id)).toEqual(['intro', 'clocks', 'crdts']);
    expect(e.labs.map((l) => l.id)).toEqual(['lamport']);
  });
  test('an unknown chapter id is an error that lists the chapters', () => {
    expect(() => applyEdition(course, { parts: [], chapters: ['rafft'] })).toThrow(/unknown chapter id "rafft"; chapters: intro, clocks, raft, crdts/);
  });
  test('an edition with no chapter is an error', () => {
    expect(() => applyEdition(course, { parts: [5], chapters: [] })).toThrow(/FAULTLINES_PARTS=5 selects no chapter/);
  });
});
