import { describe, expect, test } from 'vitest';
import { LabFailure, recordRun, seededTest, seedRange, seeds } from 'faultlines/testing';
import { latency, watchLeaders, type NodeId, type Simulation } from 'faultlines';
import { buildCluster, describeNodes, leaders, NODES, type RaftNode } from '../raft.ts';
import { electionTimeout, handleRequestVote, handleVoteReply, observeTerm, startElection } from '../election.ts';
import {
  ELECTION_TIMEOUT_MAX_MS,
  ELECTION_TIMEOUT_MIN_MS,
  type ElectionNode,
  type RaftMsg,
} from '../types.ts';

const FIVE = ['n1', 'n2', 'n3', 'n4', 'n5'] as const;

/** A node outside any cluster, with a storage we can look at. */
function node(id: NodeId = 'n1', init: Partial<Pick<ElectionNode, 'role' | 'currentTerm' | 'votedFor'>> = {}) {
  let r = 0x2545f491;
  const n: ElectionNode & { saved: { currentTerm: number; votedFor: NodeId | null } } = {
    id,
    nodes: FIVE,
    role: init.role ?? 'follower',
    currentTerm: init.currentTerm ?? 0,
    votedFor: init.votedFor ?? null,
    votesReceived: new Set(),
    saved: { currentTerm: init.currentTerm ?? 0, votedFor: init.votedFor ?? null },
    persist() {
      n.saved = { currentTerm: n.currentTerm, votedFor: n.votedFor };
    },
    random() {
      r = (Math.imul(r, 1103515245) + 12345) >>> 0;
      return r / 2 ** 32;
    },
  };
  return n;
}

const ask = (term: number, candidate: NodeId) => ({ type: 'request_vote' as const, term, candidate });
const vote = (term: number, granted = true) => ({ type: 'vote' as const, term, granted });

describe('the election rules, one at a time', () => {
  test('election timeouts are random, between the minimum and the maximum, so candidates rarely collide', () => {
    const n = node();
    const got = Array.from({ length: 40 }, () => electionTimeout(n));
    for (const t of got) {
      expect(t, `electionTimeout returned ${t} ms`).toBeGreaterThanOrEqual(ELECTION_TIMEOUT_MIN_MS);
      expect(t, `electionTimeout returned ${t} ms`).toBeLessThanOrEqual(ELECTION_TIMEOUT_MAX_MS);
    }
    const distinct = new Set(got).size;
    expect(distinct, `40 calls gave only ${distinct} different timeouts (${[...new Set(got)].join(', ')} ms): nodes that time out together split the vote, again and again`).toBeGreaterThanOrEqual(10);
  });

  test('a node that starts an election moves to a new term, votes for itself and saves both', () => {
    const n = node('n2', { currentTerm: 4, votedFor: 'n3' });
    const req = startElection(n);
    expect(req, 'startElection returned null for a follower').not.toBeNull();
    expect(n.role, 'role after startElection').toBe('candidate');
    expect(n.currentTerm, 'currentTerm after an election starts in term 4').toBe(5);
    expect(req!.term, 'the term in the RequestVote').toBe(5);
    expect(n.votedFor, 'votedFor after n2 (which had voted for n3 in term 4) starts an election for term 5: a candidate votes for itself').toBe('n2');
    expect([...n.votesReceived], 'votesReceived: its own vote counts').toEqual(['n2']);
    expect(n.saved, 'what persist() wrote: a crash now must not forget the new term or the vote').toEqual({ currentTerm: 5, votedFor: 'n2' });
  });

  test('a follower grants its vote to the first candidate of a term, and saves the vote before replying', () => {
    const n = node('n3', { currentTerm: 2 });
    const reply = handleRequestVote(n, ask(2, 'n1'));
    expect(reply, 'n3 (term 2, has not voted) was asked by n1 for term 2').toEqual({ type: 'vote', term: 2, granted: true });
    expect(n.saved.votedFor, 'the saved votedFor when the reply leaves: if n3 crashes now, it must still know it voted for n1').toBe('n1');
  });

  test('a node votes at most once per term: a second candidate of the same term is refused', () => {
    const n = node('n3', { currentTerm: 2 });
    handleRequestVote(n, ask(2, 'n1'));
    const second = handleRequestVote(n, ask(2, 'n5'));
    expect(second.granted, 'n3 already voted for n1 in term 2, then n5 asked for term 2: two votes in one term can make two leaders').toBe(false);
    const again = handleRequestVote(n, ask(2, 'n1'));
    expect(again.granted, 'n1 asked n3 again (the first reply may have been lost): the same vote may be given again').toBe(true);
  });

  test('a request from an older term is refused, and the reply tells the candidate the newer term', () => {
    const n = node('n4', { currentTerm: 7 });
    observeTerm(n, 6);
    const reply = handleRequestVote(n, ask(6, 'n2'));
    expect(reply, 'n4 is in term 7 and n2 asked for a vote in term 6').toEqual({ type: 'vote', term: 7, granted: false });
  });

  test('a node that sees a higher term adopts it, forgets its old vote, saves, and can vote in the new term', () => {
    const n = node('n4', { currentTerm: 3, votedFor: 'n4', role: 'candidate' });
    observeTerm(n, 5);
    expect({ term: n.currentTerm, votedFor: n.votedFor, role: n.role }, 'n4 (candidate in term 3) saw term 5').toEqual({ term: 5, votedFor: null, role: 'follower' });
    expect(n.saved, 'what persist() wrote after seeing term 5').toEqual({ currentTerm: 5, votedFor: null });
    expect(handleRequestVote(n, ask(5, 'n1')).granted, 'n1 then asked for a vote in term 5').toBe(true);
  });

  test('a leader that sees a higher term steps down', () => {
    const n = node('n1', { currentTerm: 3, votedFor: 'n1', role: 'leader' });
    observeTerm(n, 4);
    expect(n.role, 'n1 was leader of term 3 and received a message of term 4: a newer leader may exist').toBe('follower');
    expect(n.currentTerm, 'n1 currentTerm').toBe(4);
  });

  test('a candidate becomes leader with votes from a majority (3 of 5), counting each voter once', () => {
    // A candidate as startElection leaves it: term 2, its own vote counted.
    const n = node('n1', { currentTerm: 2, votedFor: 'n1', role: 'candidate' });
    n.votesReceived = new Set(['n1']);
    const term = n.currentTerm;
    expect(handleVoteReply(n, 'n2', vote(term)), 'n1 (candidate in term 2, votesReceived = {n1}) got a yes from n2: 2 of 5').toBe(false);
    expect(handleVoteReply(n, 'n2', vote(term)), 'n2 vote arrived twice (the network duplicates): still 2 of 5').toBe(false);
    expect(handleVoteReply(n, 'n3', vote(term, false)), 'n3 refused: still 2 of 5').toBe(false);
    expect(handleVoteReply(n, 'n4', vote(term)), 'n1, n2 and n4: 3 of 5, a majority').toBe(true);
    expect(n.role, 'n1 role after winning').toBe('leader');
    expect(handleVoteReply(n, 'n5', vote(term)), 'a vote that arrives after winning does not win again').toBe(false);
  });

  test('votes from an older term do not count in the current election', () => {
    const n = node('n1', { currentTerm: 1 });
    startElection(n); // term 2
    startElection(n); // term 2 was a split vote: term 3
    expect(n.currentTerm, 'term after two elections').toBe(3);
    handleVoteReply(n, 'n2', vote(2));
    const won = handleVoteReply(n, 'n3', vote(2));
    expect({ won, role: n.role }, 'n1 is a candidate in term 3 and got two late "yes" votes, from n2 and n3, both for term 2: they may have voted for someone else in term 3').toEqual({ won: false, role: 'candidate' });
  });
});

// ---------------------------------------------------------------- whole clusters

const SEEDS = seeds(seedRange(10));
const CHAOS_SEEDS = seeds(seedRange(16));

type Sim = Simulation<RaftMsg>;

type LogEvent = { node: NodeId; t: number; text: string; data: unknown };

function logsOf(sim: Sim, text: string, from = 0): LogEvent[] {
  return sim.trace.events.filter((e) => e.type === 'log' && e.text === text && e.t >= from) as LogEvent[];
}

const termOf = (e: LogEvent) => (e.data as { term: number }).term;

type Vote = { voter: NodeId; candidate: NodeId; term: number; t: number };

/** Every vote granted, from the voters' logs; a vote granted again (a duplicated request) once. */
function votesGiven(sim: Sim): Vote[] {
  const seen = new Set<string>();
  const out: Vote[] = [];
  // A candidate that voted for itself gave a vote too; the node logs its votedFor as it stands.
  const selfVotes = logsOf(sim, 'candidate').filter((e) => (e.data as { votedFor?: NodeId | null }).votedFor === e.node);
  const all = [...logsOf(sim, 'vote'), ...selfVotes].sort((a, b) => a.t - b.t);
  for (const e of all) {
    const v = { voter: e.node, candidate: e.text === 'candidate' ? e.node : (e.data as { for: NodeId }).for, term: termOf(e), t: e.t };
    const key = `${v.voter} ${v.candidate} ${v.term}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return out;
}

/** Who won `term` and with whose votes, and every vote given in it: the evidence for a failure message. */
function votesInTerm(sim: Sim, term: number): string {
  const won = logsOf(sim, 'leader').filter((e) => termOf(e) === term);
  const given = votesGiven(sim).filter((v) => v.term === term);
  const lines = won.map(
    (e) => `${e.node} won it at ${e.t.toFixed(1)} ms counting votes from ${((e.data as { votes?: NodeId[] }).votes ?? []).join(', ')}`,
  );
  lines.push(`votes granted in term ${term}: ${given.length > 0 ? given.map((v) => `${v.voter} → ${v.candidate} at ${v.t.toFixed(1)} ms`).join(', ') : 'none'}`);
  for (const [voter, to] of candidatesByVoter(sim, term)) {
    if (to.size > 1) lines.push(`${voter} voted for ${[...to].sort().join(' and ')} in the same term`);
  }
  return lines.join('; ');
}

/** The id of the reply that carried `vote`, so the picture can pick it out. */
function lateVote(sim: Sim, voter: NodeId, candidate: NodeId, vote: Vote | undefined): number[] {
  if (!vote) return [];
  const sent = sim.trace.events.find(
    (e) => e.type === 'send' && e.from === voter && e.to === candidate && e.t === vote.t && (e.msg as RaftMsg).type === 'vote',
  );
  return sent && sent.type === 'send' ? [sent.id] : [];
}

/**
 * Every leader must hold a real majority: each vote it counted was given to it, in the
 * term it leads. Checked from the trace, where voters log every vote they grant.
 */
function checkMandates(sim: Sim, onlyTerm?: number): void {
  const given = votesGiven(sim);
  for (const won of logsOf(sim, 'leader')) {
    const term = termOf(won);
    if (onlyTerm !== undefined && term !== onlyTerm) continue;
    for (const voter of (won.data as { votes?: NodeId[] }).votes ?? []) {
      if (voter === won.node) continue;
      const mine = given.filter((v) => v.voter === voter && v.candidate === won.node && v.t <= won.t);
      if (mine.some((v) => v.term === term)) continue;
      const earlier = mine.at(-1);
      throw new LabFailure(
        `${won.node} became leader of term ${term} at ${won.t.toFixed(1)} ms counting a vote from ${voter}, but ${voter} never voted for ${won.node} in term ${term}` +
          `${earlier ? `: its vote for ${won.node} was for term ${earlier.term}, given at ${earlier.t.toFixed(1)} ms, and arrived late` : ''}. ` +
          `A vote is a promise for one term only; in term ${term} ${voter} is free to vote for someone else, and two leaders can follow. ` +
          `Count a reply only if its term is your currentTerm.\nIn term ${term}: ${votesInTerm(sim, term)}.`,
        { nodes: [won.node, voter], messages: lateVote(sim, voter, won.node, earlier), at: [earlier?.t ?? won.t, won.t] },
      );
    }
  }
}

/** Whom each node voted for in `term`, its own candidacy included. */
function candidatesByVoter(sim: Sim, term: number): Map<NodeId, Set<NodeId>> {
  const to = new Map<NodeId, Set<NodeId>>();
  for (const v of votesGiven(sim)) if (v.term === term) to.set(v.voter, (to.get(v.voter) ?? new Set()).add(v.candidate));
  return to;
}

/** The nodes that voted for two different candidates in `term`. */
function votesGivenTwice(sim: Sim, term: number): Set<NodeId> {
  return new Set([...candidatesByVoter(sim, term)].filter(([, c]) => c.size > 1).map(([voter]) => voter));
}

/** Whether one of `voters` crashed between its two votes of `term` (then it forgot, rather than ignored, its first). */
function crashedBetweenVotes(sim: Sim, term: number, voters: NodeId[]): boolean {
  return voters.some((voter) => {
    const ts = votesGiven(sim).filter((v) => v.term === term && v.voter === voter).map((v) => v.t);
    const [a, b] = [Math.min(...ts), Math.max(...ts)];
    return sim.trace.events.some((e) => e.type === 'crash' && e.node === voter && e.t >= a && e.t <= b);
  });
}

/** When the votes of `term` were given, to draw them with the two leaders. */
const votes = (sim: Sim, term: number) => votesGiven(sim).filter((v) => v.term === term).map((v) => v.t);

/** Fails as soon as two nodes are leader in the same term, probing every millisecond. */
function watch(sim: Sim) {
  const w = watchLeaders(sim, (n: RaftNode) => ({ term: n.currentTerm, leader: n.role === 'leader' }));
  return () => {
    const r = w.result();
    if (r.ok) return;
    const m = /Two leaders in term (\d+): (n\d) became leader at \S+ ms and (n\d)/.exec(r.explanation);
    if (!m) throw new LabFailure(`${r.explanation}\nAt the end: ${describeNodes(sim)}.`);
    const term = Number(m[1]);
    const pair = [m[2]!, m[3]!];
    // The most specific explanation first: a leader that kept its role into a newer term,
    // or one that won with votes from another term, before the general rule.
    const winners = new Set(logsOf(sim, 'leader').filter((e) => termOf(e) === term).map((e) => e.node));
    const seen = [...r.explanation.matchAll(/at (\d+(?:\.\d+)?) ms/g)].map((x) => Number(x[1]));
    const inTerm = seen.length > 0 ? seen : [sim.now];
    const carried = pair.find((id) => !winners.has(id));
    if (carried) {
      const led = logsOf(sim, 'leader').filter((e) => e.node === carried && termOf(e) < term).at(-1);
      const moved = sim.trace.events.find((e) => e.type === 'log' && e.node === carried && e.text.startsWith('newer term') && termOf(e as LogEvent) === term) as LogEvent | undefined;
      throw new LabFailure(
        `Two leaders in term ${term}: ${pair.join(' and ')}. ${carried} never won an election in term ${term}: ` +
          `${led ? `it won term ${termOf(led)} at ${led.t.toFixed(1)} ms, ` : ''}then moved to term ${term} ${moved ? `at ${moved.t.toFixed(1)} ms on a message from ${(moved.data as { from: NodeId }).from}` : 'when it saw a message of that term'}, and went on acting as leader. ` +
          `A leader that sees a higher term must step down to follower.\nIn term ${term}: ${votesInTerm(sim, term)}.\nAt the end: ${describeNodes(sim)}.`,
        { nodes: pair, at: [Math.min(...inTerm, moved?.t ?? Infinity), Math.max(...inTerm)] },
      );
    }
    checkMandates(sim, term);
    // Both won an election in this term: say which rule the numbers show was broken.
    const wins = logsOf(sim, 'leader').filter((e) => termOf(e) === term && pair.includes(e.node));
    const majority = Math.floor(sim.nodes.length / 2) + 1;
    const short = wins.find((e) => ((e.data as { votes?: NodeId[] }).votes ?? []).length < majority);
    const twice = [...votesGivenTwice(sim, term)];
    const why = short
      ? `${short.node} counted ${((short.data as { votes?: NodeId[] }).votes ?? []).length} votes (${((short.data as { votes?: NodeId[] }).votes ?? []).join(', ')}) of ${sim.nodes.length}; a majority is ${majority}.`
      : twice.length > 0
        ? `${twice.length === 1 ? twice[0] : `${twice.slice(0, -1).join(', ')} and ${twice.at(-1)}`} voted for both in term ${term}: a node may vote only once per term${crashedBetweenVotes(sim, term, twice) ? ', and must remember its vote (persist votedFor) before replying, or a crash makes it forget' : ''}.`
        : 'Each needs votes from a majority, and a node votes at most once per term.';
    const times = wins.map((e) => e.t);
    throw new LabFailure(
      `Two leaders in term ${term}: ${wins.map((e) => `${e.node} won it at ${e.t.toFixed(1)} ms`).join(' and ')}. ${why}\nIn term ${term}: ${votesInTerm(sim, term)}.\nAt the end: ${describeNodes(sim)}.`,
      { nodes: pair, at: [Math.min(...times, ...votes(sim, term)), Math.max(...times, ...inTerm)] },
    );
  };
}

/** Runs until exactly one live node is leader (and `ok` accepts it), or `ms` pass. */
function runUntilLeader(sim: Sim, ms: number, ok: (l: { id: NodeId; term: number }) => boolean = () => true) {
  const end = sim.now + ms;
  while (sim.now < end) {
    sim.runSync({ for: 5 });
    const ls = leaders(sim).filter(ok);
    if (ls.length === 1) return ls[0]!;
  }
  return undefined;
}

const leaderLogs = (sim: Sim, from = 0) => logsOf(sim, 'leader', from);

describe('a cluster of five on a calm network', () => {
  seededTest('exactly one leader is elected at the start, and then the term stays the same', SEEDS, (seed) => {
    const sim = buildCluster(seed);
    recordRun(sim);
    const check = watch(sim);
    sim.runSync({ until: 1000 });
    const ls = leaders(sim);
    if (ls.length !== 1) {
      throw new LabFailure(
        `After 1000 ms there should be exactly one leader, but there ${ls.length === 0 ? 'is none' : `are ${ls.length}: ${ls.map((l) => `${l.id} (term ${l.term})`).join(', ')}`}. ` +
          `${describeNodes(sim)}. ${ls.length === 0 ? 'Candidates that time out together vote for themselves and split the vote, every time.' : ''}`,
        { nodes: ls.map((l) => l.id) },
      );
    }
    const leader = ls[0]!;
    sim.runSync({ until: 3000 });
    check();
    const later = leaderLogs(sim, 1000);
    const now = leaders(sim);
    if (later.length > 0 || now.length !== 1 || now[0]!.id !== leader.id || now[0]!.term !== leader.term) {
      throw new LabFailure(
        `${leader.id} was leader of term ${leader.term} at 1000 ms, with no faults and a heartbeat every 50 ms, yet by 3000 ms ` +
          `${later.length > 0 ? `${later[0]!.node} was elected again (term ${(later[0]!.data as { term: number }).term}) at ${later[0]!.t.toFixed(1)} ms` : `the leaders are ${now.map((l) => `${l.id} (term ${l.term})`).join(', ') || 'none'}`}. ` +
          `Without faults, nobody should start an election while the leader's heartbeats arrive. ${describeNodes(sim)}.`,
        { nodes: [leader.id], at: later.length > 0 ? [later[0]!.t - 50, later[0]!.t] : [1000, 3000] },
      );
    }
  });

  seededTest('when the leader crashes, the others elect a new leader within a second', SEEDS, (seed) => {
    const sim = buildCluster(seed, { loss: 0.05 });
    recordRun(sim);
    const check = watch(sim);
    const old = runUntilLeader(sim, 1000);
    if (!old) throw new LabFailure(`No single leader was elected within 1000 ms. ${describeNodes(sim)}.`);
    sim.runSync({ for: 100 });
    sim.crash(old.id);
    const crashedAt = sim.now;
    const next = runUntilLeader(sim, 1000);
    check();
    if (!next) {
      throw new LabFailure(
        `${old.id}, leader of term ${old.term}, crashed at ${crashedAt.toFixed(0)} ms, and 1000 ms later the other four still have no leader. ${describeNodes(sim)}.`,
        { nodes: sim.nodes.filter((n) => n !== old.id), at: [crashedAt, crashedAt + 1000] },
      );
    }
    expect(next.term, `the new leader ${next.id} must be in a newer term than the crashed ${old.id} (term ${old.term})`).toBeGreaterThan(old.term);
  });

  seededTest('a leader cut off from the majority is replaced, and steps down when it hears of the newer term', SEEDS, (seed) => {
    const sim = buildCluster(seed);
    recordRun(sim);
    const check = watch(sim);
    const old = runUntilLeader(sim, 1000);
    if (!old) throw new LabFailure(`No single leader was elected within 1000 ms. ${describeNodes(sim)}.`);
    const rest = sim.nodes.filter((n) => n !== old.id);
    sim.partition([[old.id], rest]);
    const cutAt = sim.now;
    const next = runUntilLeader(sim, 1000, (l) => l.id !== old.id);
    if (!next) {
      check(); // two leaders on the majority side is the more telling failure
      throw new LabFailure(
        `${old.id} (leader of term ${old.term}) was cut off from ${rest.join(', ')} at ${cutAt.toFixed(0)} ms; 1000 ms later the majority side has no single leader. ${describeNodes(sim)}.`,
        { nodes: rest, at: [cutAt, cutAt + 1000] },
      );
    }
    sim.runSync({ for: 200 });
    sim.heal();
    const healedAt = sim.now;
    sim.runSync({ for: 300 });
    check();
    const oldNode = sim.node<RaftNode>(old.id)!;
    if (oldNode.role === 'leader') {
      throw new LabFailure(
        `${old.id} led term ${old.term} until it was cut off. ${next.id} was then elected for term ${next.term}. The network healed at ${healedAt.toFixed(0)} ms and ${old.id} has since heard from the others, ` +
          `yet 300 ms later it still acts as leader (now in term ${oldNode.currentTerm}). A leader that sees a higher term in any message must step down to follower. ${describeNodes(sim)}.`,
        { nodes: [old.id, next.id], at: [healedAt, healedAt + 300] },
      );
    }
  });

  seededTest('no node becomes leader while no group of nodes holds a majority', SEEDS, (seed) => {
    const sim = buildCluster(seed, { duplicate: 0.3 });
    recordRun(sim);
    sim.partition([['n1', 'n2'], ['n3', 'n4'], ['n5']]);
    sim.runSync({ until: 1500 });
    const won = leaderLogs(sim);
    if (won.length > 0) {
      const w = won[0]!;
      const votes = (w.data as { votes?: string[] }).votes ?? [];
      throw new LabFailure(
        `The cluster was split into n1,n2 | n3,n4 | n5, so no side can reach 3 of 5 nodes, yet ${w.node} became leader of term ${(w.data as { term: number }).term} at ${w.t.toFixed(1)} ms with ${votes.join(', ')} in votesReceived: ${votes.length} of 5, where a majority is 3. ` +
          `A leader needs votes from more than half of ALL nodes, each voter counted once (the network duplicates messages).`,
        { nodes: [w.node], at: w.t },
      );
    }
  });
});

describe('a cluster of five under loss, duplication, reordering, partitions and crashes', () => {
  seededTest('there is never more than one leader in a term, and a leader emerges once the faults stop', CHAOS_SEEDS, (seed) => {
    const sim = buildCluster(seed, { loss: 0.1, duplicate: 0.1, reorder: 0.2 });
    recordRun(sim);
    const check = watch(sim);
    sim.nemesis({ every: 150, faults: ['partition', 'one-way', 'isolate', 'crash', 'pause'], stop: 2500 });
    sim.runSync({ until: 2500 });
    check();
    const l = runUntilLeader(sim, 1500);
    check();
    if (!l) {
      throw new LabFailure(`The faults stopped and the network healed at 2500 ms, yet by ${sim.now.toFixed(0)} ms there is no single leader. ${describeNodes(sim)}.`, {
        nodes: sim.nodes,
        at: [2500, sim.now],
      });
    }
  });

  seededTest('a candidate does not count late votes from an earlier election', CHAOS_SEEDS, (seed) => {
    // Everything sent to one node takes 200-450 ms, longer than an election timeout: when
    // the "yes" votes for its term-T election arrive, it is often a candidate in term T+1.
    const sim = buildCluster(seed);
    const slow = NODES[Math.floor(sim.stream('slow node').float() * NODES.length)]!;
    for (const n of NODES) if (n !== slow) sim.configureLink(n, slow, { latency: latency.uniform(200, 450) });
    recordRun(sim);
    const check = watch(sim);
    sim.nemesis({ every: 300, faults: ['crash'], stop: 3000 });
    sim.runSync({ until: 3000 });
    check();
    checkMandates(sim);
  });

  seededTest('a node that crashes and restarts remembers its term and its vote', CHAOS_SEEDS, (seed) => {
    const sim = buildCluster(seed, { loss: 0.1, duplicate: 0.1, reorder: 0.2 });
    recordRun(sim);
    const check = watch(sim);
    const r = sim.stream('churn');
    const down = new Set<NodeId>();
    const problems: string[] = [];
    const involved = new Set<NodeId>();
    const moments: number[] = [];
    const churn = (): void => {
      if (down.size < 2) {
        const id = sim.nodes[Math.floor(r.float() * sim.nodes.length)]!;
        const n = sim.node<RaftNode>(id);
        if (n && !down.has(id)) {
          const before = { term: n.currentTerm, votedFor: n.votedFor, at: sim.now };
          down.add(id);
          sim.crash(id);
          sim.at(sim.now + 10 + Math.floor(r.float() * 60), () => {
            sim.restart(id);
            down.delete(id);
            const after = sim.node<RaftNode>(id)!;
            const termLost = after.currentTerm < before.term;
            const voteLost = !termLost && after.currentTerm === before.term && before.votedFor !== null && after.votedFor !== before.votedFor;
            if (termLost || voteLost) {
              involved.add(id);
              // When the unsaved change happened: the node's last move to that term, or its vote.
              const mine = sim.trace.events.filter((e) => e.type === 'log' && e.node === id && e.t <= before.at) as LogEvent[];
              const changed = termLost
                ? mine.filter((e) => (e.text === 'candidate' || e.text.startsWith('newer term')) && termOf(e) === before.term).at(-1)
                : mine.filter((e) => e.text === 'vote' && termOf(e) === before.term && (e.data as { for: NodeId }).for === before.votedFor).at(-1);
              moments.push(changed?.t ?? before.at, sim.now);
              const when = changed ? ` at ${changed.t.toFixed(1)} ms` : '';
              problems.push(
                termLost
                  ? `${id}'s term went back from ${before.term} to ${after.currentTerm}: it moved to term ${before.term}${when}, crashed at ${before.at.toFixed(1)} ms and restarted at ${sim.now.toFixed(1)} ms without it`
                  : `${id} voted for ${before.votedFor} in term ${before.term}${when}, crashed at ${before.at.toFixed(1)} ms and restarted at ${sim.now.toFixed(1)} ms having voted for ${after.votedFor ?? 'nobody'}`,
              );
            }
          });
        }
      }
      if (sim.now < 2500) sim.at(sim.now + 20 + Math.floor(r.float() * 60), churn);
    };
    sim.at(50, churn);
    sim.runSync({ until: 3000 });
    if (problems.length > 0) {
      throw new LabFailure(
        `A restarted node lost its term or its vote: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}. ` +
          `Only what persist() saved survives a crash: after changing currentTerm or votedFor (in startElection, observeTerm and handleRequestVote), call persist() before anything leaves the node, or it may vote twice in one term.`,
        { nodes: [...involved], at: [moments[0]!, moments[1]!] },
      );
    }
    check();
  });
});
