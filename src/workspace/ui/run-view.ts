/** "Show run": the failing run's space-time diagram, from the same trace the grader judged. */
import type { Trace } from '../../sim/trace.ts';
import { el } from './dom.ts';
import { failureWindow, viewAround } from '../../kit/lab-failure.ts';

export interface RecordedRun {
  test: string;
  seed: number;
  failed: boolean;
  trace: Trace;
  /** From the failure message (LabFailure's "Nodes involved" / "Messages involved"). */
  nodes?: string[];
  messages?: number[];
  /** The time window the failure points at (LabFailure's "Look between ... ms"). */
  at?: [number, number];
  message?: string;
}

/** Reads the nodes, messages and moments a LabFailure names, so the diagram can highlight and zoom. */
export function involvedIn(message: string): { nodes: string[]; messages: number[]; at?: [number, number] } {
  const nodes = /Nodes involved: ([^.\n]+)\./.exec(message)?.[1]?.split(/,\s*/) ?? [];
  const messages = (/Messages involved: ([^.\n]+)\./.exec(message)?.[1] ?? '').match(/\d+/g)?.map(Number) ?? [];
  const at = failureWindow(message);
  return at ? { nodes, messages, at } : { nodes, messages };
}

export async function openRunView(host: HTMLElement, recorded: RecordedRun[]): Promise<void> {
  if (!recorded.length) return;
  // A replayed seed records every test's run; the failing ones are what the learner came for.
  const runs = [...recorded.filter((r) => r.failed), ...recorded.filter((r) => !r.failed)];
  const { renderRunForLearner, NARROW_BELOW, NARROW_FIT } = await import('../../diagrams/index.ts');
  const dialog = el('dialog', { class: 'ws-dialog ws-runview', 'aria-label': 'The run as a diagram' }) as HTMLDialogElement;
  const close = el('button', { type: 'button', class: 'button' }, ['Close']);
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  const picker = el('select', { 'aria-label': 'Which run' }) as HTMLSelectElement;
  runs.forEach((r, i) => picker.append(el('option', { value: String(i) }, [`${r.failed ? 'Failed: ' : ''}${r.test} (seed ${r.seed})`])));
  const figure = el('div', { class: 'ws-runview-figure' });
  const show = () => {
    const run = runs[Number(picker.value)]!;
    // Highlight the messages the failure names; failing that, its nodes.
    const failure = !run.failed ? undefined : run.messages?.length ? { messages: run.messages } : run.nodes?.length ? { nodes: run.nodes } : undefined;
    const window = run.failed && run.at ? viewAround(run.at) : undefined;
    // On a phone, the layout that fits the width (as chapter diagrams do), not a shrunken desktop one.
    const room = figure.clientWidth || host.clientWidth;
    const fit = room > 0 && room < NARROW_BELOW ? { fitWidth: Math.max(NARROW_FIT, Math.floor(room)) } : {};
    const out = renderRunForLearner(run.trace, { testName: run.test, seed: run.seed, ...(failure ? { failure } : {}), options: { ...window, ...fit } });
    figure.innerHTML = out.svg;
    const words = run.message?.split('\n\nSeed')[0] ?? out.explanation;
    if (words) figure.prepend(el('p', { class: 'ws-runview-why' }, [words]));
    const alt = el('details', { class: 'ws-runview-alt' }, [el('summary', {}, ['The run in words'])]);
    alt.insertAdjacentHTML('beforeend', out.text.html);
    figure.append(alt);
  };
  picker.addEventListener('change', show);
  dialog.append(el('div', { class: 'ws-compare-head' }, [el('h3', {}, ['The run']), picker, close]), figure);
  host.append(dialog);
  show();
  dialog.showModal();
  close.focus();
}
