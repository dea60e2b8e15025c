import { describe, expect, test } from 'vitest';
import { LabFailure, recordRun, seededTest, seedRange, seeds } from 'faultlines/testing';
import { latency, watchLeaders, type NodeId, type Simulation } from 'faultlines';
import { buildCluster, DEFAULT_TIMING, describeNodes, leaders, nodeIds, type ClusterOptions, type RaftNode, type Timing } from '../raft.ts';
import { electionTimeout, handleRequestVote, handleVoteReply, observeTerm, startElection } from '../election.ts';
import type { ElectionNode, RaftMsg, Role } from '../types.ts';

type TestNode = ElectionNode & { saved: { currentTerm: number; votedFor: NodeId | null }; saves: number };

/** A seeded stream of numbers in [0, 1), the same for the same seed. */
function stream(seed = 0x2545f491): () => number {
  let r = seed >>> 0;
  return () => {
    r = (Math.imul(r, 1103515245) + 12345) >>> 0;
    return r / 2 ** 32;
  };
}

interface NodeInit {
  role?: Role;
  currentTerm?: number;
  votedFor?: NodeId | null;
  votesReceived?: NodeId[];
  /** Cluster size: nodes n1..nN. Default 5. */
  size?: number;
  timeouts?: [number, number];
  random?: () => number;
}

/** A node outside any cluster, with a storage we can look at. */
function node(id: NodeId = 'n1', init: NodeInit = {}): TestNode {
  const [min, max] = init.timeouts ?? [DEFAULT_TIMING.electionTimeoutMinMs, DEFAULT_TIMING.electionTimeoutMaxMs];
  const random = init.random ?? stream();
  const n: TestNode = {
    id,
    nodes: nodeIds(init.size ?? 5),
    role: init.role ?? 'follower',
    currentTerm: init.currentTerm ?? 0,
    votedFor: init.votedFor ?? null,
    votesReceived: new Set(init.votesReceived ?? []),
    electionTimeoutMinMs: min,
    electionTimeoutMaxMs: max,
    saved: { currentTerm: init.currentTerm ?? 0, votedFor: init.votedFor ?? null },
    saves: 0,
    persist() {
      n.saved = { currentTerm: n.currentTerm, votedFor: n.votedFor };
      n.saves++;
    },
    random,
  };
  return n;
}

const ask = (term: number, candidate: NodeId) => ({ type: 'request_vote' as const, term, candidate });
const vote = (term: number, granted = true) => ({ type: 'vote' as const, term, granted });
const stateOf = (n: ElectionNode) => ({ role: n.role, currentTerm: n.currentTerm, votedFor: n.votedFor, votesReceived: [...n.votesReceived].sort() });
const describeState = (n: ElectionNode) =>
  `${n.role} in term ${n.currentTerm}, votedFor ${n.votedFor ?? 'null'}, votesReceived {${[...n.votesReceived].sort().join(', ')}}`;

/** Timeout ranges the rule-by-rule tests use: the paper's and others, as the cluster tests do. */
const RANGES: [number, number][] = [
  [150, 300],
  [60, 120],
  [600, 1200],
  [200, 260],
];

describe('the election rules, one at a time', () => {
  test('an election timeout lies between node.electionTimeoutMinMs and node.electionTimeoutMaxMs, whatever range the cluster uses', () => {
    for (const [min, max] of RANGES) {
      const n = node('n1', { timeouts: [min, max] });
      for (let i = 0; i < 200; i++) {
        const t = electionTimeout(n);
        if (!(typeof t === 'number' && t >= min && t <= max)) {
          throw new Error(
            `With node.electionTimeoutMinMs = ${min} and node.electionTimeoutMaxMs = ${max}, electionTimeout returned ${String(t)}${typeof t === 'number' ? ' ms' : ''}. ` +
              `The tests run clusters with different timings (a leader's heartbeats come more or less often): read the range from the node, do not write numbers in.`,
          );
        }
      }
    }
  });

  test('election timeouts are spread over the whole range, so candidates rarely collide', () => {
    for (const [min, max] of RANGES) {
      const n = node('n1', { timeouts: [min, max] });
      const got = Array.from({ length: 200 }, () => electionTimeout(n));
      const spread = max - min;
      const distinct = new Set(got).size;
      const lo = Math.min(...got);
      const hi = Math.max(...got);
      if (distinct < Math.min(20, spread / 3) || lo > min + spread / 10 || hi < max - spread / 10) {
        throw new Error(
          `With the range ${min} to ${max} ms, 200 calls of electionTimeout gave ${distinct} different values, from ${lo} to ${hi} ms. ` +
            `They should be spread over the whole range (some within ${spread / 10} ms of each end): the wider the spread compared with a message's travel time, ` +
            `the more often the first candidate's RequestVotes arrive before anyone else's timer runs out.`,
        );
      }
    }
  });

  test('election timeouts come from node.random(), so that a seed replays the same run', () => {
    const a = node('n1', { random: stream(7) });
    const b = node('n2', { random: stream(7) });
    const ta = Array.from({ length: 20 }, () => electionTimeout(a));
    const tb = Array.from({ length: 20 }, () => electionTimeout(b));
    expect(
      tb,
      `two nodes whose node.random() gives the same numbers got different timeouts (${ta.slice(0, 5).join(', ')} ms and ${tb.slice(0, 5).join(', ')} ms): draw the randomness from node.random(), never Math.random() or the clock`,
    ).toEqual(ta);
  });

  test('a node that starts an election moves to a new term, votes for itself and saves both', () => {
    const n = node('n2', { currentTerm: 4, votedFor: 'n3' });
    const req = startElection(n);
    expect(req, 'the RequestVote n2 (a follower in term 4) sends when its election timer runs out').toEqual({ type: 'request_vote', term: 5, candidate: 'n2' });
    expect(n.role, 'role after startElection').toBe('candidate');
    expect(n.currentTerm, 'currentTerm after an election starts in term 4').toBe(5);
    expect(n.votedFor, 'votedFor after n2 (which had voted for n3 in term 4) starts an election for term 5: a candidate votes for itself').toBe('n2');
    expect([...n.votesReceived], 'votesReceived: its own vote counts').toEqual(['n2']);
    expect(n.saved, 'what persist() wrote: a crash now must not forget the new term or the vote').toEqual({ currentTerm: 5, votedFor: 'n2' });
  });

  test('a candidate whose election failed starts the next one afresh: a new term, and only its own vote', () => {
    const n = node('n1', { role: 'candidate', currentTerm: 3, votedFor: 'n1', votesReceived: ['n1', 'n2'] });
    const req = startElection(n);
    expect(req, 'n1 (candidate in term 3 with votes from n1 and n2; no majority) timed out again').toEqual({ type: 'request_vote', term: 4, candidate: 'n1' });
    expect(
      stateOf(n),
      'n1 after standing again: n2 voted for it in term 3, not in term 4, so that vote must not be counted in term 4 (start votesReceived afresh)',
    ).toEqual({ role: 'candidate', currentTerm: 4, votedFor: 'n1', votesReceived: ['n1'] });
    expect(n.saved, 'what persist() wrote').toEqual({ currentTerm: 4, votedFor: 'n1' });
  });

  test('a leader starts no election: startElection returns null and changes nothing', () => {
    const n = node('n1', { role: 'leader', currentTerm: 3, votedFor: 'n1', votesReceived: ['n1', 'n2', 'n3'] });
    const req = startElection(n);
    expect(req, 'startElection on n1, the leader of term 3').toBeNull();
    expect(stateOf(n), 'n1 after startElection returned: a leader that stood again would end its own term').toEqual({
      role: 'leader',
      currentTerm: 3,
      votedFor: 'n1',
      votesReceived: ['n1', 'n2', 'n3'],
    });
  });

  test('a follower grants its vote to the first candidate of a term, and saves the vote before replying', () => {
    const n = node('n3', { currentTerm: 2 });
    const reply = handleRequestVote(n, ask(2, 'n1'));
    expect(reply, 'n3 (term 2, has not voted) was asked by n1 for term 2').toEqual({ type: 'vote', term: 2, granted: true });
    expect(n.votedFor, 'n3 votedFor after granting n1').toBe('n1');
    expect(n.saved.votedFor, 'the saved votedFor when the reply leaves: if n3 crashes now, it must still know it voted for n1').toBe('n1');
  });

  test('a node votes at most once per term: a second candidate of the same term is refused', () => {
    const n = node('n3', { currentTerm: 2 });
    handleRequestVote(n, ask(2, 'n1'));
    const second = handleRequestVote(n, ask(2, 'n5'));
    expect(second, 'n3 already voted for n1 in term 2, then n5 asked for term 2: two votes in one term can make two leaders').toEqual({ type: 'vote', term: 2, granted: false });
    expect({ votedFor: n.votedFor, saved: n.saved.votedFor }, 'n3 votedFor (and what it saved) after refusing n5').toEqual({ votedFor: 'n1', saved: 'n1' });
    const again = handleRequestVote(n, ask(2, 'n1'));
    expect(again.granted, 'n1 asked n3 again (the network duplicates messages, and a reply may be lost): the same vote may be given again').toBe(true);
  });

  test('a candidate or a leader refuses the other candidates of its term: it voted for itself', () => {
    for (const role of ['candidate', 'leader'] as const) {
      const n = node('n2', { role, currentTerm: 4, votedFor: 'n2', votesReceived: ['n2'] });
      const reply = handleRequestVote(n, ask(4, 'n4'));
      expect(reply, `n2 (${role} in term 4, voted for itself) was asked by n4 for term 4`).toEqual({ type: 'vote', term: 4, granted: false });
      expect(n.votedFor, `n2 votedFor after refusing n4`).toBe('n2');
    }
  });

  test('a request from an older term is refused, and the reply tells the candidate the newer term', () => {
    const n = node('n4', { currentTerm: 7 });
    observeTerm(n, 6);
    const reply = handleRequestVote(n, ask(6, 'n2'));
    expect(reply, 'n4 is in term 7 (has not voted) and n2 asked for a vote in term 6').toEqual({ type: 'vote', term: 7, granted: false });
    expect(n.votedFor, 'n4 votedFor after refusing n2: a refused request gives no vote').toBeNull();
    expect(handleRequestVote(n, ask(7, 'n3')).granted, 'n3 then asked n4 for a vote in term 7, where n4 has not voted yet').toBe(true);
  });

  test('a node that sees a higher term adopts it, forgets its old vote, saves, and can vote in the new term', () => {
    const n = node('n4', { currentTerm: 3, votedFor: 'n4', role: 'candidate', votesReceived: ['n4'] });
    observeTerm(n, 5);
    expect({ term: n.currentTerm, votedFor: n.votedFor, role: n.role }, 'n4 (candidate in term 3) saw term 5').toEqual({ term: 5, votedFor: null, role: 'follower' });
    expect(n.saved, 'what persist() wrote after seeing term 5').toEqual({ currentTerm: 5, votedFor: null });
    expect(handleRequestVote(n, ask(5, 'n1')).granted, 'n1 then asked for a vote in term 5').toBe(true);
  });

  test('a leader that sees a higher term steps down', () => {
    const n = node('n1', { currentTerm: 3, votedFor: 'n1', role: 'leader' });
    observeTerm(n, 4);
    expect(n.role, 'n1 was leader of term 3 and received a message of term 4: a newer leader may exist').toBe('follower');
    expect({ currentTerm: n.currentTerm, votedFor: n.votedFor }, 'n1 term and vote after seeing term 4').toEqual({ currentTerm: 4, votedFor: null });
    expect(n.saved, 'what persist() wrote after seeing term 4').toEqual({ currentTerm: 4, votedFor: null });
  });

  test('a message of the current term or an older one changes nothing: no new term, no forgotten vote, no change of role', () => {
    const cases: NodeInit[] = [
      { role: 'follower', currentTerm: 6, votedFor: 'n2' },
      { role: 'follower', currentTerm: 6, votedFor: null },
      { role: 'candidate', currentTerm: 6, votedFor: 'n1', votesReceived: ['n1', 'n3'] },
      { role: 'leader', currentTerm: 6, votedFor: 'n1', votesReceived: ['n1', 'n3', 'n4'] },
    ];
    for (const init of cases) {
      for (const term of [6, 5, 1]) {
        const n = node('n1', init);
        const before = describeState(n);
        const want = stateOf(n);
        observeTerm(n, term);
        expect(stateOf(n), `n1 was ${before} and received a message of term ${term}; it is now ${describeState(n)}`).toEqual(want);
        expect(n.saved, `what n1 (${before}) saved after a message of term ${term}`).toEqual({ currentTerm: 6, votedFor: init.votedFor ?? null });
      }
    }
  });

  test('a candidate becomes leader with votes from a majority (3 of 5), counting each voter once', () => {
    // A candidate as startElection leaves it: term 2, its own vote counted.
    const n = node('n1', { currentTerm: 2, votedFor: 'n1', role: 'candidate', votesReceived: ['n1'] });
    const term = n.currentTerm;
    expect(handleVoteReply(n, 'n2', vote(term)), 'n1 (candidate in term 2, votesReceived = {n1}) got a yes from n2: 2 of 5').toBe(false);
    expect(handleVoteReply(n, 'n2', vote(term)), 'n2 vote arrived twice (the network duplicates): still 2 of 5').toBe(false);
    expect(handleVoteReply(n, 'n3', vote(term, false)), 'n3 refused: still 2 of 5').toBe(false);
    expect(handleVoteReply(n, 'n4', vote(term)), 'n1, n2 and n4: 3 of 5, a majority').toBe(true);
    expect(n.role, 'n1 role after winning').toBe('leader');
    expect([...n.votesReceived].sort(), 'n1 votesReceived after winning: the voters, each once').toEqual(['n1', 'n2', 'n4']);
    expect(handleVoteReply(n, 'n5', vote(term)), 'a vote that arrives after winning does not win again').toBe(false);
  });

  test('a majority is more than half of ALL the nodes, whatever the cluster size: 2 of 3, 3 of 4, 3 of 5, 4 of 7', () => {
    for (const size of [3, 4, 5, 7]) {
      const majority = Math.floor(size / 2) + 1;
      const n = node('n1', { size, currentTerm: 2, votedFor: 'n1', role: 'candidate', votesReceived: ['n1'] });
      const voters = n.nodes.filter((id) => id !== 'n1');
      // Refusals and duplicates first: none of them may count.
      for (const v of voters) {
        const won = handleVoteReply(n, v, vote(2, false));
        expect(won, `in a cluster of ${size}, n1 (candidate in term 2) won on a refusal from ${v}`).toBe(false);
      }
      for (let k = 2; k <= size; k++) {
        const from = voters[k - 2]!;
        const won = handleVoteReply(n, from, vote(2));
        const dup = k < majority && handleVoteReply(n, from, vote(2));
        const have = ['n1', ...voters.slice(0, k - 1)].join(', ');
        if (k < majority && (won || dup)) {
          throw new Error(
            `In a cluster of ${size}, n1 (candidate in term 2) became leader with ${k - 1 + 1} votes (${have})${dup && !won ? `, on the second copy of ${from}'s vote` : ''}, but a majority of ${size} is ${majority}: more than half of ALL nodes (node.nodes.length), so that two majorities always share a node.`,
          );
        }
        if (k === majority) {
          if (!won) {
            throw new Error(
              `In a cluster of ${size}, n1 (candidate in term 2) had ${k} votes (${have}), a majority of ${size}, but handleVoteReply returned false and n1 is ${n.role}. A majority is more than half of node.nodes.length: ${majority} of ${size}.`,
            );
          }
          expect(n.role, `n1 role after winning with ${majority} of ${size}`).toBe('leader');
        }
        if (k > majority) expect(won, `in a cluster of ${size}, a vote that arrives after n1 won (${have}) won again`).toBe(false);
      }
    }
  });

  test('only a candidate counts votes: a follower (it heard from its term\'s leader) or a leader ignores vote replies', () => {
    const f = node('n1', { role: 'follower', currentTerm: 3, votedFor: 'n1', votesReceived: ['n1', 'n2'] });
    const wonF = [handleVoteReply(f, 'n3', vote(3)), handleVoteReply(f, 'n4', vote(3))];
    expect({ won: wonF, role: f.role }, 'n1 stood in term 3, then a heartbeat from n5, leader of term 3, made it a follower; late yes votes from n3 and n4 arrived').toEqual({ won: [false, false], role: 'follower' });
    const l = node('n1', { role: 'leader', currentTerm: 3, votedFor: 'n1', votesReceived: ['n1', 'n2', 'n3'] });
    expect(handleVoteReply(l, 'n4', vote(3)), 'n1 already leads term 3 and a late yes from n4 arrived: it won once, and must not win again').toBe(false);
    expect(l.role, 'n1 role').toBe('leader');
  });

  test('votes from an older term do not count in the current election', () => {
    const n = node('n1', { currentTerm: 1 });
    startElection(n); // term 2
    startElection(n); // term 2 was a split vote: term 3
    expect(n.currentTerm, 'term after two elections').toBe(3);
    handleVoteReply(n, 'n2', vote(2));
    const won = handleVoteReply(n, 'n3', vote(2));
    expect({ won, role: n.role }, 'n1 is a candidate in term 3 and got two late "yes" votes, from n2 and n3, both for term 2: they may have voted for someone else in term 3').toEqual({ won: false, role: 'candidate' });
    expect([...n.votesReceived], 'n1 votesReceived in term 3').toEqual(['n1']);
  });
});

// ---------------------------------------------------------------- whole clusters

type Sim = Simulation<RaftMsg>;

type LogEvent = { node: NodeId; t: number; text: string; data: unknown };
type Delivery = Extract<Sim['trace']['events'][number], { type: 'deliver' }>;

/** Every message delivered in the run. */
const deliveries = (sim: Sim): Delivery[] => sim.trace.events.filter((e): e is Delivery => e.type === 'deliver');

function logsOf(sim: Sim, text: string, from = 0): LogEvent[] {
  return sim.trace.events.filter((e) => e.type === 'log' && e.text === text && e.t >= from) as LogEvent[];
}

const termOf = (e: LogEvent) => (e.data as { term: number }).term;
const ms = (t: number) => `${t.toFixed(1)} ms`;
const list = (xs: readonly string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

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
  const lines = won.map((e) => `${e.node} won it at ${ms(e.t)} counting votes from ${((e.data as { votes?: NodeId[] }).votes ?? []).join(', ')}`);
  const shown = given.slice(0, 12).map((v) => `${v.voter} → ${v.candidate} at ${ms(v.t)}`);
  if (given.length > shown.length) shown.push(`and ${given.length - shown.length} more`);
  lines.push(`votes granted in term ${term}: ${given.length > 0 ? shown.join(', ') : 'none'}`);
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
      // When that vote reached the winner, and whether it was already in the newer term then.
      const stood = logsOf(sim, 'candidate').filter((e) => e.node === won.node && termOf(e) === term && e.t <= won.t).at(-1);
      const arrived = earlier
        ? sim.trace.events.find((e) => {
            if (e.type !== 'deliver' || e.from !== voter || e.to !== won.node || e.t < earlier.t) return false;
            const m = e.msg as RaftMsg;
            return m.type === 'vote' && m.granted && m.term === earlier.term;
          })
        : undefined;
      const refusal = deliveries(sim).filter((e) => {
        if (e.from !== voter || e.to !== won.node || e.t > won.t) return false;
        const m = e.msg as RaftMsg;
        return m.type === 'vote' && !m.granted;
      }).at(-1);
      const how = !earlier
        ? refusal
          ? `: its reply of term ${(refusal.msg as RaftMsg).term}, received at ${ms(refusal.t)}, was a refusal (granted: false). Count only the replies that grant the vote`
          : `: it never voted for ${won.node} at all`
        : arrived && stood && arrived.t >= stood.t
          ? `: its vote for ${won.node} was for term ${earlier.term}, given at ${ms(earlier.t)}, and arrived at ${ms(arrived.t)}, after ${won.node} had started its election for term ${term} at ${ms(stood.t)}. Count a reply only if its term is your currentTerm`
          : arrived && stood
            ? `: its vote for ${won.node} was for term ${earlier.term}, given at ${ms(earlier.t)} and received at ${ms(arrived.t)}, before ${won.node} started its election for term ${term} at ${ms(stood.t)}, yet it was still counted in term ${term}. A new election starts with only the candidate's own vote`
            : `: its vote for ${won.node} was for term ${earlier.term}, given at ${ms(earlier.t)}. Count a reply only if its term is your currentTerm, and start each election with only your own vote`;
      throw new LabFailure(
        `${won.node} became leader of term ${term} at ${ms(won.t)} counting a vote from ${voter}, but ${voter} never voted for ${won.node} in term ${term}${how}. ` +
          `${earlier ? `A vote is a promise for one term only; in term ${term} ${voter} is free to vote for someone else, and two leaders can follow.` : 'A leader needs votes really given to it, from a majority.'}\nIn term ${term}: ${votesInTerm(sim, term)}.`,
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

/** When `id` left `term` (stood again, moved to a newer term, or crashed), after `since`. */
function leftTermAt(sim: Sim, id: NodeId, term: number, since: number): number {
  for (const e of sim.trace.events) {
    if (e.t < since || !('node' in e) || e.node !== id) continue;
    if (e.type === 'crash') return e.t;
    if (e.type === 'log' && (e.text === 'candidate' || e.text.startsWith('newer term')) && termOf(e as LogEvent) > term) return e.t;
  }
  return Infinity;
}

/** The election timers started between `from` and `to`, and how long each was set for. */
function electionTimers(sim: Sim, from: number, to: number): { node: NodeId; t: number; ms: number; fires: number }[] {
  const out: { node: NodeId; t: number; ms: number; fires: number }[] = [];
  for (const e of sim.trace.events) {
    if (e.type === 'timer-set' && e.name === 'election' && e.t >= from && e.t <= to) out.push({ node: e.node, t: e.t, ms: Math.round((e.at - e.t) * 10) / 10, fires: e.at });
  }
  return out;
}

/** "were set for 150 to 299 ms" (and whether that is outside the cluster's range). */
function timersText(sim: Sim, from: number, to: number): string {
  const timers = electionTimers(sim, from, to).map((x) => x.ms);
  if (timers.length === 0) return 'no election timer was started';
  const lo = Math.min(...timers);
  const hi = Math.max(...timers);
  const any = sim.nodes.map((id) => sim.node<RaftNode>(id)).find((n) => n !== undefined);
  const outside = any && (lo < any.electionTimeoutMinMs || hi > any.electionTimeoutMaxMs) ? `, outside this cluster's range of ${any.electionTimeoutMinMs} to ${any.electionTimeoutMaxMs} ms (node.electionTimeoutMinMs and node.electionTimeoutMaxMs)` : '';
  return `${lo === hi ? `every election timer started was set for ${lo} ms` : `the election timers started were set for ${lo} to ${hi} ms`}${outside}`;
}

/**
 * What the elections between `from` and `to` show, term by term: who stood and when, who
 * voted for whom, who won, and a conclusion only where the trace shows it. `show` picks
 * the first or the last few terms.
 */
function electionsBetween(sim: Sim, from: number, to: number, show: 'first' | 'last' = 'last'): string {
  const n = sim.nodes.length;
  const majority = Math.floor(n / 2) + 1;
  const events = sim.trace.events.filter((e) => e.t >= from && e.t <= to);
  const timerText = timersText(sim, from, to);
  const stood = events.filter((e) => e.type === 'log' && e.text === 'candidate') as LogEvent[];
  const at = (t: number) => (Number.isInteger(t) ? String(t) : t.toFixed(1));
  const span = `between ${at(from)} and ${at(to)} ms`;
  if (stood.length === 0) {
    const idle = events.find((e) => e.type === 'log' && e.text === 'timeout, no election') as LogEvent | undefined;
    return (
      `No node stood for election ${span} (${timerText})` +
      (idle ? `; ${idle.node}'s election timer ran out at ${ms(idle.t)} but startElection returned null (it was ${(idle.data as { role: Role }).role} in term ${termOf(idle)}), so it set no new timer` : '') +
      '.'
    );
  }
  const given = votesGiven(sim);
  const won = logsOf(sim, 'leader');
  const byTerm = new Map<number, LogEvent[]>();
  for (const e of stood) byTerm.set(termOf(e), [...(byTerm.get(termOf(e)) ?? []), e]);
  const terms = [...byTerm.keys()].sort((a, b) => a - b);
  const split: number[] = [];
  const gaps: number[] = [];
  const uncounted: string[] = [];
  const lines: string[] = [];
  for (const term of terms) {
    const cands = byTerm.get(term)!;
    const winner = won.find((e) => termOf(e) === term);
    if (new Set(cands.map((c) => c.node)).size > 1 && !winner) {
      split.push(term);
      gaps.push(Math.max(...cands.map((c) => c.t)) - Math.min(...cands.map((c) => c.t)));
    }
    const parts = cands.map((c) => {
      const got = given.filter((v) => v.term === term && v.candidate === c.node).map((v) => v.voter);
      const w = won.find((e) => e.node === c.node && termOf(e) === term);
      // Yes votes of this term that reached it while it was still in the term.
      const left = leftTermAt(sim, c.node, term, c.t);
      const reached = new Set<NodeId>([c.node]);
      for (const e of sim.trace.events) {
        if (e.type !== 'deliver' || e.to !== c.node || e.t < c.t || e.t >= left) continue;
        const m = e.msg as RaftMsg;
        if (m.type === 'vote' && m.term === term && m.granted) reached.add(e.from);
      }
      if (!w && reached.size >= majority) {
        uncounted.push(
          `${c.node} stood for term ${term}, and yes votes from ${list([...reached].filter((v) => v !== c.node).sort())} reached it while it was still in that term: ${reached.size} of ${n} with its own, a majority, yet handleVoteReply never made it leader`,
        );
      }
      // The reasons for refusing a lone candidate say why it lost; in a split vote they are plain.
      const refusals =
        cands.length > 1
          ? []
          : (events.filter((e) => e.type === 'log' && e.text.startsWith(`refuses ${c.node}: `) && termOf(e as LogEvent) === term) as LogEvent[]).map(
              (e) => `${e.node} (${e.text.slice(`refuses ${c.node}: `.length)})`,
            );
      return (
        `${c.node} stood at ${ms(c.t)} and was given ${got.length === 1 && got[0] === c.node ? 'only its own vote' : `${got.length} vote${got.length === 1 ? '' : 's'}${got.length ? ` (${got.join(', ')})` : ''}`}` +
        (refusals.length ? `, refused by ${list(refusals)}` : '') +
        (w ? `, and won at ${ms(w.t)}` : '')
      );
    });
    const alone = cands.every((c) => given.filter((v) => v.term === term && v.candidate === c.node).every((v) => v.voter === c.node));
    if (cands.length > 2 && alone && !winner) {
      const ts = cands.map((c) => c.t);
      const when = Math.min(...ts) === Math.max(...ts) ? `all at ${ms(ts[0]!)}` : `between ${ms(Math.min(...ts))} and ${ms(Math.max(...ts))}`;
      lines.push(`term ${term}: ${list(cands.map((c) => c.node))} stood, ${when}, and each was given only its own vote`);
    } else lines.push(`term ${term}: ${parts.join('; ')}`);
  }
  const k = 2;
  const shown = show === 'first' ? lines.slice(0, k) : lines.slice(-k);
  const which = shown.length === lines.length ? '' : show === 'first' ? `the first ${shown.length}: ` : `the last ${shown.length}: `;
  let out =
    `${span[0]!.toUpperCase()}${span.slice(1)} there ${stood.length === 1 ? 'was 1 candidacy' : `were ${stood.length} candidacies`} in ${terms.length} term${terms.length === 1 ? '' : 's'}` +
    ` (${which}${shown.join('. ')}); a majority is ${majority} of ${n}, and ${timerText}.`;
  const stepDowns = show === 'last' ? (events.filter((e) => e.type === 'log' && e.text === 'step-down') as LogEvent[]).slice(-1) : [];
  for (const s of stepDowns) out += ` ${s.node} stepped down at ${ms(s.t)} on a message of term ${(s.data as { sawTerm: number }).sawTerm} from ${(s.data as { from: NodeId }).from}.`;
  // A refusal because of a vote from an older term (the node's log says "voted for n3 in term 10").
  const stale = (events.filter((e) => e.type === 'log' && /^refuses n\d+: voted for n\d+ in term \d+$/.test(e.text)) as LogEvent[]).at(-1);
  if (stale) {
    const [, cand, whom, old] = /^refuses (n\d+): voted for (n\d+) in term (\d+)$/.exec(stale.text)!;
    out += ` At ${ms(stale.t)} ${stale.node} refused ${cand} in term ${termOf(stale)} because of its vote for ${whom} in term ${old}: a vote belongs to its term, and a node that moves to a newer term has not voted in it yet.`;
  }
  if (uncounted.length > 0) out += ` ${uncounted[0]}.`;
  else if (split.length === terms.length) {
    const gap = Math.max(...gaps);
    out +=
      ` Every one of these elections was a split vote: two or more nodes stood for the same term, each voting for itself, and nobody reached ${majority}. ` +
      `Their election timers ran out ${gap === 0 ? 'at the same moment' : `at most ${gap.toFixed(1)} ms apart`}, too close for one candidate's RequestVotes to arrive first.`;
  } else if (split.length > 0) {
    out += ` ${split.length} of the ${terms.length} elections ${split.length === 1 ? 'was a split vote' : 'were split votes'} (two or more candidates in the same term, nobody with ${majority}).`;
  }
  return out;
}

/** Fails as soon as two nodes are leader in the same term, probing every millisecond. */
function watch(sim: Sim) {
  const w = watchLeaders(sim, (n: RaftNode) => ({ term: n.currentTerm, leader: n.role === 'leader' }));
  return () => {
    const r = w.result();
    if (r.ok) return;
    const m = /Two leaders in term (\d+): (n\d+) became leader at \S+ ms and (n\d+)/.exec(r.explanation);
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
          `${led ? `it won term ${termOf(led)} at ${ms(led.t)}, ` : ''}then moved to term ${term} ${moved ? `at ${ms(moved.t)} on a message from ${(moved.data as { from: NodeId }).from}` : 'when it saw a message of that term'}, and went on acting as leader. ` +
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
        ? `${list(twice)} voted for both in term ${term}: a node may vote only once per term${crashedBetweenVotes(sim, term, twice) ? ', and must remember its vote (persist votedFor) before replying, or a crash makes it forget' : ''}.`
        : 'Each needs votes from a majority, and a node votes at most once per term.';
    const times = wins.map((e) => e.t);
    throw new LabFailure(
      `Two leaders in term ${term}: ${wins.map((e) => `${e.node} won it at ${ms(e.t)}`).join(' and ')}. ${why}\nIn term ${term}: ${votesInTerm(sim, term)}.\nAt the end: ${describeNodes(sim)}.`,
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

// ---------------------------------------------------------------- the clusters the tests run

interface Cluster {
  size: number;
  timing: Timing;
  /** Seeds of the calm-network tests and of the fault tests. */
  calm: number[];
  faults: number[];
  /** Put before each test name, so that every test (and its saved run) has a name of its own. */
  prefix: string;
  calmTitle: string;
  faultsTitle: string;
}

const WORDS: Record<number, string> = { 3: 'three', 4: 'four', 5: 'five', 7: 'seven' };

function cluster(size: number, timing: Timing, calm: number, faults: number, plain = false): Cluster {
  const about = plain
    ? ''
    : `, heartbeats every ${timing.heartbeatMs} ms and election timeouts of ${timing.electionTimeoutMinMs} to ${timing.electionTimeoutMaxMs} ms,`;
  return {
    size,
    timing,
    calm: seeds(seedRange(calm)),
    faults: seeds(seedRange(faults)),
    prefix: plain ? '' : `${size} nodes: `,
    calmTitle: `a cluster of ${WORDS[size]}${about} on a calm network`,
    faultsTitle: `a cluster of ${WORDS[size]}${about} under loss, duplication, reordering, partitions and crashes`,
  };
}

/**
 * The five-node cluster with the paper's timing, then other sizes (even ones too, where
 * "half" and "a majority" differ) and other timings, so that no number written into the
 * code fits them all.
 */
const CLUSTERS: Cluster[] = [
  cluster(5, DEFAULT_TIMING, 16, 20, true),
  cluster(4, { heartbeatMs: 200, electionTimeoutMinMs: 600, electionTimeoutMaxMs: 1200 }, 6, 6),
  cluster(3, { heartbeatMs: 20, electionTimeoutMinMs: 60, electionTimeoutMaxMs: 120 }, 6, 6),
  cluster(7, { heartbeatMs: 40, electionTimeoutMinMs: 210, electionTimeoutMaxMs: 360 }, 6, 6),
];

for (const c of CLUSTERS) {
  const { size, timing, prefix } = c;
  const hb = timing.heartbeatMs;
  const max = timing.electionTimeoutMaxMs;
  /** Times in the tests scale with the timeouts: the paper's 300 ms maximum gives the round numbers. */
  const scaled = (t: number) => Math.round((t * max) / 300);
  const electWithin = scaled(1000);
  const majority = Math.floor(size / 2) + 1;
  const build = (seed: number, opts: ClusterOptions = {}) => buildCluster(seed, { ...opts, size, timing });
  const within = electWithin % 1000 === 0 ? `${electWithin === 1000 ? 'a second' : `${electWithin / 1000} s`}` : `${electWithin} ms`;

  describe(c.calmTitle, () => {
    seededTest(`${prefix}exactly one leader is elected at the start, and then the term stays the same`, c.calm, (seed) => {
      const sim = build(seed);
      recordRun(sim);
      const check = watch(sim);
      sim.runSync({ until: electWithin });
      const ls = leaders(sim);
      if (ls.length !== 1) {
        check();
        throw new LabFailure(
          `After ${electWithin} ms there should be exactly one leader, but there ${ls.length === 0 ? 'is none' : `are ${ls.length}: ${ls.map((l) => `${l.id} (term ${l.term})`).join(', ')}`}. ` +
            `${electionsBetween(sim, 0, electWithin)}\nAt the end: ${describeNodes(sim)}.`,
          { nodes: ls.map((l) => l.id), at: [0, electWithin] },
        );
      }
      const leader = ls[0]!;
      const end = scaled(3000);
      sim.runSync({ until: end });
      check();
      const later = leaderLogs(sim, electWithin);
      const now = leaders(sim);
      if (later.length > 0 || now.length !== 1 || now[0]!.id !== leader.id || now[0]!.term !== leader.term) {
        // The candidacy that ended the leader's term: the one that won next, or else the first after it.
        const next = later[0];
        const first = next
          ? logsOf(sim, 'candidate').filter((e) => e.node === next.node && termOf(e) === termOf(next) && e.t <= next.t).at(-1)
          : (sim.trace.events.find((e) => e.type === 'log' && e.t >= electWithin && e.text === 'candidate') as LogEvent | undefined);
        // Why it stood: the timer that ran out, and the last heartbeat before it.
        const timer = first && electionTimers(sim, 0, first.t).filter((x) => x.node === first.node && Math.abs(x.fires - first.t) < 1e-6).at(-1);
        const beat = first && sim.trace.events.filter((e) => e.type === 'deliver' && e.to === first.node && e.t <= first.t && (e.msg as RaftMsg).type === 'append_entries').at(-1);
        const why = first
          ? `${first.node} stood for term ${termOf(first)} at ${ms(first.t)}` +
            (timer ? `: its election timer, set for ${timer.ms} ms at ${ms(timer.t)}, ran out` : '') +
            (beat ? `; the last heartbeat had reached it at ${ms(beat.t)}` : '') +
            '. '
          : '';
        throw new LabFailure(
          `${leader.id} was leader of term ${leader.term} at ${electWithin} ms, with no faults and a heartbeat every ${hb} ms, yet by ${end} ms ` +
            `${later.length > 0 ? `${later[0]!.node} won a new election (term ${termOf(later[0]!)}) at ${ms(later[0]!.t)}` : `the leaders are ${now.map((l) => `${l.id} (term ${l.term})`).join(', ') || 'none'}`}. ` +
            why +
            `Without faults, nobody should start an election while the leader's heartbeats arrive: an election timeout is at least node.electionTimeoutMinMs (${timing.electionTimeoutMinMs} ms here), several heartbeats. ` +
            `${electionsBetween(sim, Math.min(electWithin, first?.t ?? electWithin), end, 'first')}\nAt the end: ${describeNodes(sim)}.`,
          { nodes: [leader.id, ...(first ? [first.node] : [])], at: first ? [first.t - hb, first.t + hb] : [electWithin, end] },
        );
      }
    });

    seededTest(
      `${prefix}when the leader crashes, and with it as many others as the majority can spare, the rest elect a new leader within ${within}`,
      c.calm,
      (seed) => {
        const sim = build(seed);
        recordRun(sim);
        const check = watch(sim);
        const old = runUntilLeader(sim, electWithin);
        if (!old) throw new LabFailure(`No single leader was elected within ${electWithin} ms. ${electionsBetween(sim, 0, sim.now)}\nAt the end: ${describeNodes(sim)}.`, { at: [0, sim.now] });
        sim.runSync({ for: 2 * hb });
        const r = sim.stream('who else crashes');
        const others = sim.nodes.filter((n) => n !== old.id);
        const down = [old.id];
        while (sim.nodes.length - down.length > majority) {
          const up = others.filter((n) => !down.includes(n));
          down.push(up[Math.floor(r.float() * up.length)]!);
        }
        for (const id of down) sim.crash(id);
        const crashedAt = sim.now;
        const rest = sim.nodes.filter((n) => !down.includes(n));
        const next = runUntilLeader(sim, electWithin);
        check();
        if (!next) {
          throw new LabFailure(
            `${old.id}, leader of term ${old.term}, crashed at ${crashedAt.toFixed(0)} ms${down.length > 1 ? ` with ${list(down.slice(1))}` : ''}. ` +
              `${list(rest)} are ${rest.length} of ${size}, a majority, and should elect a leader among themselves; ${electWithin} ms later they have none. ` +
              `${electionsBetween(sim, crashedAt, sim.now)}\nAt the end: ${describeNodes(sim)}.`,
            { nodes: rest, at: [crashedAt, sim.now] },
          );
        }
        expect(next.term, `the new leader ${next.id} must be in a newer term than the crashed ${old.id} (term ${old.term})`).toBeGreaterThan(old.term);
      },
    );

    seededTest(`${prefix}a leader cut off from the majority is replaced, and steps down when it hears of the newer term`, c.calm, (seed) => {
      const sim = build(seed);
      recordRun(sim);
      const check = watch(sim);
      const old = runUntilLeader(sim, electWithin);
      if (!old) throw new LabFailure(`No single leader was elected within ${electWithin} ms. ${electionsBetween(sim, 0, sim.now)}\nAt the end: ${describeNodes(sim)}.`, { at: [0, sim.now] });
      const rest = sim.nodes.filter((n) => n !== old.id);
      sim.partition([[old.id], rest]);
      const cutAt = sim.now;
      const next = runUntilLeader(sim, electWithin, (l) => l.id !== old.id);
      if (!next) {
        check(); // two leaders on the majority side is the more telling failure
        throw new LabFailure(
          `${old.id} (leader of term ${old.term}) was cut off from ${list(rest)} at ${cutAt.toFixed(0)} ms; ${electWithin} ms later the majority side has no single leader. ` +
            `${electionsBetween(sim, cutAt, sim.now)}\nAt the end: ${describeNodes(sim)}.`,
          { nodes: rest, at: [cutAt, sim.now] },
        );
      }
      sim.runSync({ for: scaled(200) });
      sim.heal();
      const healedAt = sim.now;
      const wait = 2 * hb + 50;
      sim.runSync({ for: wait });
      check();
      const oldNode = sim.node<RaftNode>(old.id)!;
      if (oldNode.role === 'leader') {
        const heard = sim.trace.events.find((e) => e.type === 'deliver' && e.to === old.id && e.t >= healedAt && (e.msg as RaftMsg).term > old.term);
        throw new LabFailure(
          `${old.id} led term ${old.term} until it was cut off. ${next.id} was then elected for term ${next.term}. The network healed at ${healedAt.toFixed(0)} ms` +
            `${heard && heard.type === 'deliver' ? ` and at ${ms(heard.t)} ${old.id} received a message of term ${(heard.msg as RaftMsg).term} from ${heard.from}` : ''}, ` +
            `yet ${wait} ms after the heal it still acts as leader (now in term ${oldNode.currentTerm}). A leader that sees a higher term in any message must step down to follower. ${describeNodes(sim)}.`,
          { nodes: [old.id, next.id], at: [healedAt, healedAt + wait] },
        );
      }
    });

    const half = Math.floor(size / 2);
    const groups = Array.from({ length: Math.ceil(size / half) }, (_, i) => nodeIds(size).slice(i * half, (i + 1) * half));
    seededTest(`${prefix}no node becomes leader while no group of nodes holds a majority`, c.calm, (seed) => {
      const sim = build(seed, { duplicate: 0.3 });
      recordRun(sim);
      sim.partition(groups);
      const end = scaled(1500);
      sim.runSync({ until: end });
      const won = leaderLogs(sim);
      if (won.length > 0) {
        const w = won[0]!;
        const votes = (w.data as { votes?: string[] }).votes ?? [];
        throw new LabFailure(
          `The cluster was split into ${groups.map((g) => g.join(',')).join(' | ')}, so no side can reach ${majority} of ${size} nodes, yet ${w.node} became leader of term ${termOf(w)} at ${ms(w.t)} with ${votes.join(', ')} in votesReceived: ${votes.length} of ${size}, where a majority is ${majority}. ` +
            `A leader needs votes from more than half of ALL nodes (node.nodes.length), each voter counted once (the network duplicates messages).`,
          { nodes: [w.node], at: w.t },
        );
      }
    });
  });

  describe(c.faultsTitle, () => {
    seededTest(`${prefix}there is never more than one leader in a term, and a leader emerges once the faults stop`, c.faults, (seed) => {
      const sim = build(seed, { loss: 0.1, duplicate: 0.1, reorder: 0.2 });
      recordRun(sim);
      const check = watch(sim);
      const stop = scaled(2500);
      sim.nemesis({ every: scaled(150), faults: ['partition', 'one-way', 'isolate', 'crash', 'pause'], stop });
      sim.runSync({ until: stop });
      check();
      const l = runUntilLeader(sim, scaled(1500));
      check();
      if (!l) {
        throw new LabFailure(
          `The faults stopped and the network healed at ${stop} ms, yet by ${sim.now.toFixed(0)} ms there is no single leader. ${electionsBetween(sim, stop, sim.now)}\nAt the end: ${describeNodes(sim)}.`,
          { nodes: sim.nodes, at: [stop, sim.now] },
        );
      }
    });

    seededTest(`${prefix}a candidate does not count late votes from an earlier election`, c.faults, (seed) => {
      // Everything sent to one node takes longer than an election timeout: when the "yes"
      // votes for its term-T election arrive, it is often a candidate in term T+1.
      const sim = build(seed);
      const slow = sim.nodes[Math.floor(sim.stream('slow node').float() * sim.nodes.length)]!;
      for (const n of sim.nodes) if (n !== slow) sim.configureLink(n, slow, { latency: latency.uniform(scaled(200), scaled(450)) });
      recordRun(sim);
      const check = watch(sim);
      sim.nemesis({ every: scaled(300), faults: ['crash'], stop: scaled(3000) });
      sim.runSync({ until: scaled(3000) });
      check();
      checkMandates(sim);
    });

    seededTest(`${prefix}a node that crashes and restarts remembers its term and its vote`, c.faults, (seed) => {
      const sim = build(seed, { loss: 0.1, duplicate: 0.1, reorder: 0.2 });
      recordRun(sim);
      const check = watch(sim);
      const r = sim.stream('churn');
      const down = new Set<NodeId>();
      const maxDown = Math.max(1, Math.floor((size - 1) / 2));
      const problems: string[] = [];
      const involved = new Set<NodeId>();
      const moments: number[] = [];
      const churn = (): void => {
        if (down.size < maxDown) {
          const id = sim.nodes[Math.floor(r.float() * sim.nodes.length)]!;
          const n = sim.node<RaftNode>(id);
          if (n && !down.has(id)) {
            const before = { term: n.currentTerm, votedFor: n.votedFor, at: sim.now };
            down.add(id);
            sim.crash(id);
            sim.at(sim.now + scaled(10) + Math.floor(r.float() * scaled(60)), () => {
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
                  : mine.filter((e) => (e.text === 'vote' || e.text === 'candidate') && termOf(e) === before.term).at(-1);
                moments.push(changed?.t ?? before.at, sim.now);
                const when = changed ? ` at ${ms(changed.t)}` : '';
                problems.push(
                  termLost
                    ? `${id}'s term went back from ${before.term} to ${after.currentTerm}: it moved to term ${before.term}${when}, crashed at ${ms(before.at)} and restarted at ${ms(sim.now)} without it`
                    : `${id} voted for ${before.votedFor} in term ${before.term}${when}, crashed at ${ms(before.at)} and restarted at ${ms(sim.now)} having voted for ${after.votedFor ?? 'nobody'}`,
                );
              }
            });
          }
        }
        if (sim.now < scaled(2500)) sim.at(sim.now + scaled(20) + Math.floor(r.float() * scaled(60)), churn);
      };
      sim.at(scaled(50), churn);
      sim.runSync({ until: scaled(3000) });
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
}
