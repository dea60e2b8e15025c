/**
 * The picture of a failing test's run, for the lab workspace: the diagram with what the
 * grader complained about highlighted, and its text alternative.
 * @module
 */
import type { FailureReport } from '../checkers/types.ts';
import type { Trace } from '../sim/trace.ts';
import { describeRun, type RunDescription } from './describe.ts';
import { describeOp } from './layout.ts';
import { pairOps } from './model.ts';
import { renderDiagram } from './svg.ts';
import type { Annotate, DiagramOptions } from './types.ts';

export interface LearnerFailure {
  /** Nodes the explanation names. */
  nodes?: string[];
  /** Message ids the explanation names. */
  messages?: number[];
  /** Trace event indexes the explanation names. */
  events?: number[];
  /** The linearizability checker's failure report (`result.failure`). */
  linearizability?: FailureReport;
}

export interface LearnerRun {
  svg: string;
  width: number;
  height: number;
  /** Summary and event list, with the failure explained first. */
  text: RunDescription;
  /** What is highlighted, in plain words (empty when nothing failed). */
  explanation: string;
  /** The time window shown. */
  from: number;
  to: number;
}

/**
 * Render a run for a learner, highlighting the failure. For a linearizability failure the
 * operations that cannot be ordered (the blocked one and those it overlaps) are highlighted,
 * the partial linearization found is numbered 1, 2, 3 ..., and the window zooms to them.
 */
export function renderRunForLearner(
  trace: Trace,
  o: { failure?: LearnerFailure; testName: string; seed: number; annotate?: Annotate; idPrefix?: string; options?: DiagramOptions },
): LearnerRun {
  const f = o.failure;
  const ops = pairOps(trace);
  const byId = new Map(ops.filter((op) => op.opId !== undefined).map((op) => [op.opId!, op] as const));
  const highlight = { events: [...(f?.events ?? [])], messages: [...(f?.messages ?? [])], ops: [] as number[], nodes: [...(f?.nodes ?? [])] };
  const badges = new Map<number, string>();
  const lines: string[] = [];
  let from: number | undefined;
  let to: number | undefined;
  const lin = f?.linearizability;
  if (lin) {
    const involved = [lin.blocked, ...lin.candidates.map((c) => c.id), ...lin.concurrent];
    highlight.ops.push(...new Set(involved));
    lin.linearized.forEach((id, k) => {
      const op = byId.get(id);
      if (op) badges.set(op.index, String(k + 1));
    });
    const blocked = byId.get(lin.blocked);
    if (blocked) badges.set(blocked.index, '✗ stuck');
    const inv = involved.map((id) => byId.get(id)).filter((x) => x !== undefined);
    if (inv.length) {
      const lo = Math.min(...inv.map((op) => op.t0));
      const hiFinite = inv.map((op) => (Number.isFinite(op.t1) ? op.t1 : op.t0));
      const hi = Math.max(...hiFinite);
      const pad = Math.max(2, (hi - lo) * 0.15);
      from = Math.max(0, lo - pad);
      to = hi + pad;
    }
    lines.push(lin.text);
    if (blocked) lines.push(`Stuck at: ${describeOp(blocked)}.`);
    for (const id of lin.concurrent) {
      const op = byId.get(id);
      if (op && id !== lin.blocked) lines.push(`Overlaps it: ${describeOp(op)}.`);
    }
    if (lin.linearized.length) lines.push(`Numbered 1 to ${lin.linearized.length}: the longest order the checker could find before it got stuck.`);
  }
  if (f?.nodes?.length) lines.push(`Nodes involved: ${f.nodes.join(', ')}.`);
  if (f?.messages?.length) lines.push(`Messages involved: ${f.messages.map((m) => `#${m}`).join(', ')}.`);
  const explanation = lines.join(' ');
  const opts: DiagramOptions = {
    ...o.options,
    highlight,
    opBadges: badges,
    title: `${o.testName}: the run of seed ${o.seed}`,
    idPrefix: o.idPrefix ?? 'learner',
    ...(o.annotate ? { annotate: o.annotate } : {}),
    ...(from !== undefined && o.options?.from === undefined ? { from } : {}),
    ...(to !== undefined && o.options?.to === undefined ? { to } : {}),
  };
  const r = renderDiagram(trace, opts);
  const text = describeRun(trace, { ...(opts.from !== undefined ? { from: opts.from } : {}), ...(opts.to !== undefined ? { to: opts.to } : {}), ...(o.annotate ? { annotate: o.annotate } : {}) });
  if (explanation) {
    const escHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    text.summary = `${explanation} ${text.summary}`;
    text.html = `<p><strong>What went wrong:</strong> ${escHtml(explanation)}</p>${text.html}`;
  }
  return { svg: r.svg, width: r.width, height: r.height, text, explanation, from: r.layout.from, to: r.layout.to };
}
