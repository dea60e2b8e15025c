/**
 * Lab loader: the only lab code a chapter page ships. The workspace (editor, terminal,
 * runtime: a few hundred KB) loads when the learner opens a lab.
 */
import { hasSavedWork } from '../workspace/saved-work.ts';

for (const card of document.querySelectorAll<HTMLElement>('[data-lab]')) {
  const id = card.dataset.lab!;
  const button = card.querySelector<HTMLButtonElement>('[data-lab-open]');
  const label = card.querySelector('[data-lab-open-label]');
  if (!button) continue;
  if (hasSavedWork(id) && label) label.textContent = 'Continue the lab';
  const open = async () => {
    button.disabled = true;
    if (label) label.textContent = 'Loading the lab…';
    try {
      const { mountWorkspace } = await import('../workspace/ui/mount.ts');
      await mountWorkspace(card);
    } catch (e) {
      button.disabled = false;
      if (label) label.textContent = 'Open the lab';
      const note = document.createElement('p');
      note.setAttribute('role', 'alert');
      note.textContent = `The lab could not load: ${e instanceof Error ? e.message : String(e)}. Reload the page to try again.`;
      card.querySelector('[data-lab-mount]')?.append(note);
    }
  };
  button.addEventListener('click', () => void open());
  if (location.hash === `#lab-${id}-card` && hasSavedWork(id)) void open();
}
