/** Course-map island: shows the learner's progress from this browser on each chapter card. */
import { progressStore, type ProgressSnapshot } from './progress.ts';

const LABELS = {
  read: ['Not read', 'Read'],
  quizPassed: ['Quiz not passed', 'Quiz passed'],
  labPassed: ['Lab not passed', 'Lab passed'],
} as const;
type Field = keyof typeof LABELS;

function render(snapshot: ProgressSnapshot): void {
  const cards = document.querySelectorAll<HTMLElement>('[data-chapter]');
  let read = 0;
  for (const card of cards) {
    const p = snapshot.chapters[card.dataset.chapter!];
    if (p?.read) read++;
    for (const badge of card.querySelectorAll<HTMLElement>('[data-progress]')) {
      const field = badge.dataset.progress as Field;
      const done = p?.[field] === true;
      badge.dataset.done = String(done);
      const text = badge.querySelector('[data-text]');
      let label: string = LABELS[field][done ? 1 : 0];
      if (field === 'read' && !done && p && p.furthest > 0.02) label = `${Math.round(p.furthest * 100)}% read`;
      if (text) text.textContent = label;
    }
  }
  const overall = document.querySelector('[data-overall-text]');
  if (overall) {
    const of = `You have read ${read} of ${cards.length} ${cards.length === 1 ? 'chapter' : 'chapters'}.`;
    overall.textContent = store.persistent
      ? `${of} Progress is kept in this browser.`
      : `${of} This browser is not keeping progress (storage is off or full).`;
  }
}

const store = progressStore();
store.subscribe(render);
render(store.all());

// Export and import of everything kept in this browser, as one file.
const note = document.querySelector<HTMLElement>('[data-backup-note]');
document.querySelector('[data-export]')?.addEventListener('click', async () => {
  const { downloadBackup } = await import('./backup.ts');
  try {
    downloadBackup();
    if (note) note.textContent = 'Downloaded.';
  } catch (e) {
    if (note) note.textContent = `Could not export: ${e instanceof Error ? e.message : String(e)}`;
  }
});
document.querySelector('[data-import]')?.addEventListener('click', () => {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = 'application/json,.json';
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    const { parseBackup, restoreBackup } = await import('./backup.ts');
    try {
      const n = restoreBackup(localStorage, parseBackup(await file.text()));
      store.reload();
      store.notify();
      if (note) note.textContent = `Imported ${n} entries from ${file.name}.`;
    } catch (e) {
      if (note) note.textContent = `Could not import ${file.name}: ${e instanceof Error ? e.message : String(e)}.`;
    }
  });
  input.click();
});
