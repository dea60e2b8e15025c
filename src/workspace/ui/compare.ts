/** "Compare with the solution": a side-by-side diff of the learner's files and the reference. */
import { MergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import type { LabBundle } from '../lab-bundle.ts';
import { baseExtensions } from './editor.ts';
import { el } from './dom.ts';

export function openCompare(host: HTMLElement, bundle: LabBundle, learner: Record<string, string>): void {
  const dialog = el('dialog', { class: 'ws-dialog ws-compare', 'aria-label': 'Your code compared with the reference solution' }) as HTMLDialogElement;
  const close = el('button', { type: 'button', class: 'button' }, ['Close']);
  close.addEventListener('click', () => { dialog.close(); dialog.remove(); });
  dialog.addEventListener('close', () => dialog.remove());
  dialog.append(el('div', { class: 'ws-compare-head' }, [el('h3', {}, ['Your code (left) and the reference solution (right)']), close]));
  for (const f of bundle.files) {
    const box = el('div', { class: 'ws-merge' });
    dialog.append(el('h4', {}, [f]), box);
    const ro = [...baseExtensions(), EditorState.readOnly.of(true)];
    new MergeView({
      a: { doc: learner[f] ?? '', extensions: [...ro, EditorView.contentAttributes.of({ 'aria-label': `${f}, your code` })] },
      b: { doc: bundle.solution?.[f] ?? '', extensions: [...ro, EditorView.contentAttributes.of({ 'aria-label': `${f}, reference solution` })] },
      parent: box,
      collapseUnchanged: { margin: 3, minSize: 6 },
    });
  }
  host.append(dialog);
  dialog.showModal();
  close.focus();
}
