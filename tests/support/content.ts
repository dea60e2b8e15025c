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
