/** Tiny DOM helpers for the workspace: elements, a modal dialog, a toast. */
type Child = Node | string | null | undefined | false;

export function el(tag: string, attrs: Record<string, string> = {}, children: Child[] = []): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

export interface ConfirmOptions {
  title: string;
  body: string;
  confirm: string;
  /** A second action; the promise resolves to 'extra' when chosen. */
  extra?: string;
}

/** A modal <dialog> (focus trapped and restored by the browser). Resolves true, false or 'extra'. */
export function confirmDialog(host: HTMLElement, opts: ConfirmOptions): Promise<boolean | 'extra'> {
  return new Promise((resolve) => {
    const titleId = `dlg-${Math.random().toString(36).slice(2)}`;
    const dialog = el('dialog', { class: 'ws-dialog', 'aria-labelledby': titleId }) as HTMLDialogElement;
    const done = (v: boolean | 'extra') => {
      dialog.close();
      dialog.remove();
      resolve(v);
    };
    const ok = el('button', { type: 'button', class: 'button ws-primary' }, [opts.confirm]);
    const extra = opts.extra ? el('button', { type: 'button', class: 'button' }, [opts.extra]) : null;
    const cancel = el('button', { type: 'button', class: 'button' }, ['Cancel']);
    ok.addEventListener('click', () => done(true));
    extra?.addEventListener('click', () => done('extra'));
    cancel.addEventListener('click', () => done(false));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(false);
    });
    dialog.append(
      el('h3', { id: titleId }, [opts.title]),
      el('p', {}, [opts.body]),
      el('div', { class: 'ws-dialog-actions' }, [ok, extra, cancel]),
    );
    host.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** A short message in the workspace, with an optional action (e.g. Undo). */
export function toast(host: HTMLElement, text: string, action?: { action: string; run: () => void }): void {
  const box = el('div', { class: 'ws-toast', role: 'status' }, [el('span', {}, [text])]);
  if (action) {
    const b = el('button', { type: 'button', class: 'button' }, [action.action]);
    b.addEventListener('click', () => {
      action.run();
      box.remove();
    });
    box.append(b);
  }
  const close = el('button', { type: 'button', class: 'ws-toast-close', 'aria-label': 'Dismiss' }, ['×']);
  close.addEventListener('click', () => box.remove());
  box.append(close);
  host.querySelector('.ws-toast')?.remove();
  host.append(box);
  setTimeout(() => box.remove(), 15_000);
}
