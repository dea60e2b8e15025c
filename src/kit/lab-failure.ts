/**
 * LabFailure, the failure a learner reads, and how its message names the moments to look
 * at. Kept apart from ./testing.ts (which needs Vitest) so the page's "Show run" can read
 * failures without loading a test runner.
 * @module
 */

/** What a {@link LabFailure} points at, so the run's picture can highlight and zoom to it. */
export interface Involved {
  nodes?: readonly string[];
  messages?: readonly number[];
  /** The stretch of virtual time to look at, in ms: one moment, or from and to. */
  at?: number | readonly [number, number];
}

/**
 * A failure a learner should read: what went wrong in plain words, and which nodes,
 * messages and moments were involved. The seed and how to replay it are added by
 * {@link seededTest}; "Show run" zooms to `at` and highlights the nodes and messages.
 * @example
 * throw new LabFailure(`n4 counted a vote n1 gave in term 2`, { nodes: ['n4', 'n1'], at: [456, 860.1] });
 */
export class LabFailure extends Error {
  readonly nodes: readonly string[];
  readonly messages: readonly number[];
  readonly at: readonly [number, number] | undefined;
  constructor(message: string, involved: Involved = {}) {
    const parts = [message];
    const at = involved.at === undefined ? undefined : typeof involved.at === 'number' ? ([involved.at, involved.at] as const) : involved.at;
    if (involved.nodes?.length) parts.push(`Nodes involved: ${involved.nodes.join(', ')}.`);
    if (involved.messages?.length) parts.push(`Messages involved: ${involved.messages.map((m) => `#${m}`).join(', ')}.`);
    if (at) parts.push(at[0] === at[1] ? `Look around ${fmt(at[0])} ms.` : `Look between ${fmt(at[0])} ms and ${fmt(at[1])} ms.`);
    super(parts.join('\n'));
    this.name = 'LabFailure';
    this.nodes = involved.nodes ?? [];
    this.messages = involved.messages ?? [];
    this.at = at;
  }
}

const fmt = (ms: number): string => String(Math.round(ms * 10) / 10);

/** The window a {@link LabFailure}'s message points at ("Look between 456 ms and 860.1 ms."), if any. */
export function failureWindow(message: string): [number, number] | undefined {
  const between = /Look between (\d+(?:\.\d+)?) ms and (\d+(?:\.\d+)?) ms\./.exec(message);
  if (between) return [Number(between[1]), Number(between[2])];
  const around = /Look around (\d+(?:\.\d+)?) ms\./.exec(message);
  return around ? [Number(around[1]), Number(around[1])] : undefined;
}

/** The window to draw for a failure's moments: them, with some context either side. */
export function viewAround([a, b]: readonly [number, number]): { from: number; to: number } {
  const pad = Math.max(20, (b - a) * 0.1);
  return { from: Math.max(0, a - pad), to: b + pad };
}
