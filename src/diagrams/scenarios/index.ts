/**
 * Named, seeded simulated runs for chapters: `<RunDiagram scenario="lamport-skew" seed={3} />`.
 * Each scenario is a real simulation; the seed picks the run.
 * @module
 */
import type { Trace } from '../../sim/trace.ts';
import type { Annotate, DiagramOptions } from '../types.ts';
import { gossipAnnotate, gossipPartition } from './gossip-partition.ts';
import { lamportAnnotate, lamportSkew, physicalAnnotate } from './lamport-skew.ts';
import { lostReply, lostReplyAnnotate } from './lost-reply.ts';

export interface Scenario {
  /** Accessible title of the diagram. */
  title: string;
  /** Default caption (the chapter may pass its own). */
  caption: string;
  run(seed: number): Promise<Trace>;
  annotate?: Annotate;
  /** Default diagram options. */
  options?: DiagramOptions;
}

export const scenarios: Record<string, Scenario> = {
  'skewed-clocks': {
    title: 'Three nodes exchanging messages, with what their skewed clocks read',
    caption:
      'Three nodes chat; each event is labelled with what the node’s own clock read, in ms. n1’s clock runs 30 ms ahead of n2’s and n3’s 65 ms ahead. Sorted by those readings, many receives come before the sends that caused them.',
    run: (seed) => lamportSkew(seed),
    annotate: physicalAnnotate,
  },
  'lamport-skew': {
    title: 'Three nodes exchanging messages, with Lamport timestamps and skewed clocks',
    caption:
      'Three nodes chat. Each event is labelled with its Lamport timestamp C and the node’s own clock reading in ms. n1’s clock runs 30 ms ahead of n2’s and n3’s 65 ms ahead, so the clock readings often put a receive before its send; the Lamport timestamps never do.',
    run: (seed) => lamportSkew(seed),
    annotate: lamportAnnotate,
  },
  'gossip-partition': {
    title: 'Push gossip across a partition that heals',
    caption:
      'Four nodes gossip a grow-only set every 20 ms over a network that loses one message in ten. Between 50 and 130 ms a partition cuts n1 and n2 off from n3 and n4: gossip across the cut is dropped (✕). The value 2, added on n4 during the partition, reaches n1 and n2 only after the heal.',
    run: (seed) => gossipPartition(seed),
    annotate: gossipAnnotate,
    options: { maxHeight: 860 },
  },
  'lost-reply': {
    title: 'Client requests over a lossy network: timeouts and retries',
    caption:
      'Client c1 adds 10 to an account three times, over a network that loses about one message in seven. A bar is one operation, from invoke to answer. When a request or its reply is lost the client times out: the outcome is unknown (?), and it retries with the same request id, which the server recognises.',
    run: (seed) => lostReply(seed),
    annotate: lostReplyAnnotate,
  },
};

export function getScenario(name: string): Scenario {
  const s = scenarios[name];
  if (!s) throw new Error(`Unknown diagram scenario "${name}". Known: ${Object.keys(scenarios).join(', ')}`);
  return s;
}
