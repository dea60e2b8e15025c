import { describe, expect, it } from 'vitest';
import { QUIZ_TITLE, quizHeadingId, withComponentHeadings } from '../../../src/lib/toc.ts';

const h = (depth: number, text: string) => ({ depth, slug: text.toLowerCase().replace(/\s+/g, '-'), text });

describe('the chapter table of contents', () => {
  it("puts a quiz's heading after the Markdown headings that come before it in the source", () => {
    const body = [
      "import Quiz from '../../src/components/Quiz.astro';",
      '## Lamport clocks',
      '```ts',
      '## not a heading: inside a code block',
      '```',
      '### A worked example',
      '<Quiz chapter="time-and-clocks">',
      '<Question prompt="Which clock?">',
      '</Question>',
      '</Quiz>',
      '## In the interview',
      '## Further reading',
    ].join('\n');
    const headings = [h(2, 'Lamport clocks'), h(3, 'A worked example'), h(2, 'In the interview'), h(2, 'Further reading')];
    expect(withComponentHeadings(headings, body).map((x) => x.text)).toEqual(['Lamport clocks', 'A worked example', QUIZ_TITLE, 'In the interview', 'Further reading']);
    expect(withComponentHeadings(headings, body)[2]).toEqual({ depth: 2, slug: quizHeadingId('time-and-clocks'), text: QUIZ_TITLE });
    // The input is left alone.
    expect(headings).toHaveLength(4);
  });

  it('reads a title given to the quiz, also from a tag over several lines', () => {
    const body = ['## One', '<Quiz', '  chapter="raft"', '  title="Test your understanding"', '>', '</Quiz>'].join('\n');
    expect(withComponentHeadings([h(2, 'One')], body)).toEqual([h(2, 'One'), { depth: 2, slug: 'quiz-raft-title', text: 'Test your understanding' }]);
  });

  it('changes nothing in a chapter without a quiz', () => {
    const headings = [h(2, 'One'), h(2, 'Two')];
    expect(withComponentHeadings(headings, '## One\n\ntext about <Quizzes>\n\n## Two\n')).toEqual(headings);
  });
});
