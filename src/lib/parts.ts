/** The five parts of the course, in order (see the syllabus). */
export const PARTS = [
  { number: 1, title: 'Foundations', blurb: 'Messages, partial failure, time and clocks, and knowing when a node is gone.' },
  { number: 2, title: 'Agreement', blurb: 'Consensus with Raft: electing a leader, then replicating a log.' },
  { number: 3, title: 'Consistency and replication', blurb: 'What "consistent" means, quorums, and data types that merge themselves.' },
  { number: 4, title: 'Scale and transactions', blurb: 'Sharding, distributed transactions, and patterns that keep a system standing.' },
  { number: 5, title: 'Security and operations', blurb: 'Authenticated messages, observability, and testing distributed systems.' },
] as const;

export type Part = (typeof PARTS)[number];

export function partTitle(n: number): string {
  return PARTS.find((p) => p.number === n)?.title ?? `Part ${n}`;
}

const ROMAN = ['', 'I', 'II', 'III', 'IV', 'V'];
export function partNumeral(n: number): string {
  return ROMAN[n] ?? String(n);
}
