/**
 * Named, seeded simulated runs for chapters: `<RunDiagram scenario="lamport-skew" seed={3} />`.
 * Each scenario is a real simulation; the seed picks the run.
 * @module
 */
import type { Trace } from '../../sim/trace.ts';
import type { Annotate, DiagramOptions } from '../types.ts';
import { causalAnnotate, causalDelivery } from './causal-delivery.ts';
import { gossipAnnotate, gossipPartition } from './gossip-partition.ts';
import { heartbeatAnnotate, heartbeats } from './heartbeats.ts';
import { lamportAnnotate, lamportSkew, physicalAnnotate } from './lamport-skew.ts';
import { lostReply, lostReplyAnnotate } from './lost-reply.ts';
import { raftAnnotate, raftElection } from './raft-election.ts';
import { retryWithoutId, retryWithoutIdAnnotate } from './rpc.ts';

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
  'retry-without-id': {
    title: 'Retrying without request ids: one request executed twice',
    caption:
      'Client c1 adds 10 to an account three times, over a network that loses one message in five, and the server executes every request that arrives. A lost reply makes the client retry work that was already done, so the server adds 10 once too often.',
    run: (seed) => retryWithoutId(seed),
    annotate: retryWithoutIdAnnotate,
  },
  'heartbeat-timeout': {
    title: 'Heartbeats judged by a fixed timeout: a pause and a crash',
    caption:
      'n1 and n2 send n3 a heartbeat every 20 ms. n1 is busy: its link is jittery and it pauses now and then (hatched), as a process does for garbage collection. n2 crashes at 300 ms. n3 suspects a worker after 50 ms without a heartbeat: it catches the crash, and it also suspects n1, which was alive, during its pauses.',
    run: (seed) => heartbeats(seed, 'fixed'),
    annotate: heartbeatAnnotate,
    options: { maxHeight: 900, laneWidth: 190 },
  },
  'phi-accrual': {
    title: 'The same heartbeats judged by a phi accrual detector',
    caption:
      'The same run, with n3 running a phi accrual detector (threshold 8) instead of a fixed timeout. Each heartbeat from n1 that ends a long gap is labelled with the gap and the suspicion level φ n3 had reached when it arrived: as the detector learns how n1 behaves, similar gaps look less suspicious. n2’s crash is still caught within a few tens of milliseconds.',
    run: (seed) => heartbeats(seed, 'phi'),
    annotate: heartbeatAnnotate,
    options: { maxHeight: 900, laneWidth: 190 },
  },
  'raft-clean-election': {
    title: 'Raft: the first election in a five-node cluster',
    caption:
      'Five nodes start as followers with random election timeouts between 150 and 300 ms. The first to time out becomes a candidate for term 1, votes for itself and asks the others; each grants its one vote for term 1, and with three of five the candidate is leader and starts sending heartbeats every 50 ms.',
    run: (seed) => raftElection(seed, 'clean'),
    annotate: raftAnnotate,
  },
  'raft-split-vote': {
    title: 'Raft: a split vote, and the randomised retry that ends it',
    caption:
      'n1, n2 and n3 time out at the same moment and all stand for term 1. Each votes for itself, and n4 and n5 give their votes to different candidates, so nobody reaches three of five. The candidates time out again after fresh random delays; the first to do so stands for term 2 and wins.',
    run: (seed) => raftElection(seed, 'split'),
    annotate: raftAnnotate,
  },
  'raft-partitioned-leader': {
    title: 'Raft: a leader cut off from the majority, replaced, and stepping down',
    caption:
      'At 400 ms the leader is cut off from the other four (shaded). They stop hearing heartbeats, elect a new leader in a higher term, and carry on. The old leader still believes it leads its old term, but it cannot reach a majority. When the network heals at 800 ms, the first message it gets carries the newer term and it steps down.',
    run: (seed) => raftElection(seed, 'partition'),
    annotate: raftAnnotate,
  },
  'causal-delivery': {
    title: 'Causal broadcast: a reply held back until the message it answers is delivered',
    caption:
      'n1 broadcasts a question (Q); n2 delivers it and broadcasts an answer (A); n3 posts a hello (H). Vectors are [n1,n2,n3]: a send shows the deps it carries, a delivery (✓) the node’s delivered counts afterwards. The link from n1 to n3 is slow, so A reaches n3 first: its deps [1,0,0] say n2 had delivered one message from n1, and n3 has delivered none, so n3 holds A until Q arrives, then delivers both in causal order. H depends on nothing and is delivered on arrival everywhere.',
    run: (seed) => causalDelivery(seed),
    annotate: causalAnnotate,
  },
};

export function getScenario(name: string): Scenario {
  const s = scenarios[name];
  if (!s) throw new Error(`Unknown diagram scenario "${name}". Known: ${Object.keys(scenarios).join(', ')}`);
  return s;
}
