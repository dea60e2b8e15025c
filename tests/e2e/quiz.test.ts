/** Chapter quizzes: instant feedback with an explanation for every answer, and the result kept in progress. */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { describeInBrowser, openPage, useBrowser } from './helpers.ts';

const chaptersWithQuiz = readdirSync('dist/chapters').filter((id) => readFileSync(`dist/chapters/${id}/index.html`, 'utf8').includes('data-quiz='));

describeInBrowser('quizzes', () => {
  const browser = useBrowser();

  test('every chapter has a quiz of at least six questions, every answer with an explanation', () => {
    expect(chaptersWithQuiz.sort()).toEqual(readdirSync('dist/chapters').sort());
    for (const id of chaptersWithQuiz) {
      const html = readFileSync(`dist/chapters/${id}/index.html`, 'utf8');
      expect((html.match(/data-quiz-question/g) ?? []).length, `${id}: questions`).toBeGreaterThanOrEqual(6);
      const choices = (html.match(/data-quiz-choice/g) ?? []).length;
      expect((html.match(/data-quiz-why/g) ?? []).length, `${id}: an explanation per answer`).toBe(choices);
    }
  });

  for (const id of chaptersWithQuiz) {
    test(`${id}: a wrong answer says so and why; answering all correctly passes the quiz on the course map`, async () => {
      const { page, errors, close } = await openPage(browser(), `/chapters/${id}/`);
      const questions = page.locator('[data-quiz-question]');
      const n = await questions.count();
      for (let i = 0; i < n; i++) {
        const q = questions.nth(i);
        const wrong = q.locator('[data-quiz-choice][data-correct="false"]').first();
        if ((await wrong.count()) > 0) {
          await wrong.locator('label').click();
          await expect.poll(() => wrong.locator('[data-quiz-why]').isVisible()).toBe(true);
          expect(await wrong.locator('[data-quiz-verdict]').textContent()).toContain('Not quite');
        }
        const right = q.locator('[data-quiz-choice][data-correct="true"]').first();
        await right.locator('label').click();
        expect(await right.locator('[data-quiz-verdict]').textContent()).toContain('Right');
      }
      await expect.poll(() => page.textContent('[data-quiz-score]')).toContain('Quiz passed');
      await page.goto(new URL('/', page.url()).href, { waitUntil: 'networkidle' });
      await expect.poll(() => page.getAttribute(`[data-chapter="${id}"] [data-progress="quizPassed"]`, 'data-done')).toBe('true');
      expect(errors).toEqual([]);
      await close();
    }, 60_000);
  }
});
