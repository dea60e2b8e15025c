/**
 * Quiz island: instant feedback on each answer, a score, and "quiz passed" in the learner's
 * progress once every question has been answered correctly. Right and wrong are said in
 * words and marked with a symbol, not by colour alone.
 */
import { progressStore } from './progress.ts';

for (const quiz of document.querySelectorAll<HTMLElement>('[data-quiz]')) {
  const chapter = quiz.dataset.quiz!;
  const questions = [...quiz.querySelectorAll<HTMLElement>('[data-quiz-question]')];
  const score = quiz.querySelector<HTMLElement>('[data-quiz-score]');
  const store = progressStore();
  const solved = new Set<number>();
  const firstTry = new Set<number>();
  const tried = new Set<number>();

  questions.forEach((q, qi) => {
    const choices = [...q.querySelectorAll<HTMLElement>('[data-quiz-choice]')];
    choices.forEach((choice, ci) => {
      const input = choice.querySelector('input')!;
      input.name = `${chapter}-q${qi + 1}`;
      input.id = `${chapter}-q${qi + 1}-c${ci + 1}`;
      choice.querySelector('label')!.htmlFor = input.id;
      input.addEventListener('change', () => answer(qi, choices, choice));
    });
  });

  function answer(qi: number, choices: HTMLElement[], picked: HTMLElement) {
    const right = picked.dataset.correct === 'true';
    if (!tried.has(qi) && right) firstTry.add(qi);
    tried.add(qi);
    for (const c of choices) {
      const why = c.querySelector<HTMLElement>('[data-quiz-why]')!;
      const verdict = c.querySelector<HTMLElement>('[data-quiz-verdict]')!;
      if (c === picked) {
        c.dataset.state = right ? 'right' : 'wrong';
        verdict.textContent = right ? '✓ Right.' : '✗ Not quite.';
        why.hidden = false;
      } else {
        delete c.dataset.state;
        why.hidden = true;
      }
    }
    if (right) solved.add(qi);
    render();
  }

  function render() {
    if (!score) return;
    if (solved.size === questions.length) {
      score.textContent = `Quiz passed: all ${questions.length} answered correctly (${firstTry.size} on the first try). It is marked on the course map.`;
      store.update(chapter, { quizPassed: true });
    } else if (tried.size) {
      score.textContent = `${solved.size} of ${questions.length} answered correctly so far.`;
    } else {
      score.textContent = store.get(chapter).quizPassed ? 'You have passed this quiz before. Try it again any time.' : '';
    }
  }

  quiz.querySelector('[data-quiz-reset]')?.addEventListener('click', () => {
    solved.clear();
    firstTry.clear();
    tried.clear();
    for (const c of quiz.querySelectorAll<HTMLElement>('[data-quiz-choice]')) {
      delete c.dataset.state;
      c.querySelector<HTMLInputElement>('input')!.checked = false;
      c.querySelector<HTMLElement>('[data-quiz-why]')!.hidden = true;
    }
    render();
    quiz.querySelector<HTMLInputElement>('input')?.focus();
  });
  render();
}
