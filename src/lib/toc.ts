/**
 * The chapter page's table of contents. Markdown headings come from the MDX processor; a
 * heading that a component renders itself (the quiz's "Check yourself") is invisible to it,
 * so it is found in the chapter's source and put in its place among the others.
 */

export interface TocHeading {
  depth: number;
  slug: string;
  text: string;
}

export const QUIZ_TITLE = 'Check yourself';

/** The id of a quiz's heading (Quiz.astro renders it; the table of contents links to it). */
export function quizHeadingId(chapter: string): string {
  return `quiz-${chapter}-title`;
}

/** A string attribute of a JSX tag: name="…", name='…' or name={"…"}. */
function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}=(?:"([^"]*)"|'([^']*)'|\\{\\s*["'\`]([^"'\`]*)["'\`]\\s*\\})`).exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/**
 * `headings` (every Markdown heading, in order) with the heading of each `<Quiz>` in `body`
 * (the MDX source) inserted after the Markdown headings that come before it.
 */
export function withComponentHeadings(headings: readonly TocHeading[], body: string): TocHeading[] {
  const out = [...headings];
  let before = 0; // Markdown headings seen so far
  let inserted = 0;
  let fence: string | undefined;
  let offset = 0;
  for (const line of body.split('\n')) {
    const start = offset;
    offset += line.length + 1;
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1]![0]!;
      else if (f[1]![0] === fence) fence = undefined;
      continue;
    }
    if (fence) continue;
    if (/^\s{0,3}#{1,6}\s/.test(line)) {
      before++;
      continue;
    }
    const k = line.search(/<Quiz\b/);
    if (k < 0) continue;
    // The tag, whose attributes may run over several lines.
    const end = body.indexOf('>', start + k);
    const tag = body.slice(start + k, end < 0 ? undefined : end + 1);
    const chapter = attribute(tag, 'chapter');
    if (chapter === undefined) continue;
    const at = Math.min(before + inserted, out.length);
    out.splice(at, 0, { depth: 2, slug: quizHeadingId(chapter), text: attribute(tag, 'title') ?? QUIZ_TITLE });
    inserted++;
  }
  return out;
}
