/** Reads chapter facts straight from content/ so tests never hard-code the syllabus. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ChapterFacts {
  id: string;
  title: string;
  order: number;
  body: string;
}

export function chapterFacts(dir = 'content/chapters'): ChapterFacts[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.mdx'))
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      const [, front = '', body = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text) ?? [];
      const title = /^title:\s*(.+)$/m.exec(front)?.[1]?.trim().replace(/^['"]|['"]$/g, '') ?? '';
      const order = Number(/^order:\s*(\d+)/m.exec(front)?.[1]);
      return { id: f.replace(/\.mdx$/, ''), title, order, body };
    })
    .sort((a, b) => a.order - b.order);
}

/** The prose of an MDX body: no imports, components, code blocks or front matter. */
function prose(body: string): string {
  return body
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/^(import|export)\s.*$/gm, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .toLowerCase();
}

/** A long word of a chapter's prose that no other chapter uses, and not in its title. */
export function distinctiveWord(chapters: { body: string; title: string }[], index: number): string {
  const own = chapters[index]!;
  const others = chapters.filter((_, i) => i !== index).map((c) => prose(c.body)).join(' ');
  const words = prose(own.body).match(/\b[a-z]{9,}\b/g) ?? [];
  const word = words.find((w) => !own.title.toLowerCase().includes(w) && !new RegExp(`\\b${w}\\b`).test(others));
  if (!word) throw new Error(`no distinctive word in "${own.title}"`);
  return word;
}
