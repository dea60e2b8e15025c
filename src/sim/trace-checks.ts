/**
 * Checks for labs that read a trace (or probe live nodes) and explain failures in plain
 * words: which nodes, which messages, when, and how to replay the seed.
 *
 * Conventions (override them through the options):
 * - A reliable-delivery or broadcast layer logs `ctx.log('app-send', { id })` when the
 *   application hands it a message and `ctx.log('app-deliver', { id })` when it hands a
 *   message up to the application. `id` is any string or number unique per message.
 * - A leader logs `ctx.log('leader', { term })` when it becomes leader.
 * @module
 */
import { canonicalJSON } from './data.ts';
import type { Simulation } from './simulator.ts';
import type { Trace, TraceEvent } from './trace.ts';
import type { Message, NodeId, SimNode } from './types.ts';

/** The result of a check. */
export type TraceCheckResult = { ok: true } | { ok: false; explanation: string };

const OK: TraceCheckResult = { ok: true };

function ms(t: number): string {
  return `${Number(t.toFixed(3))} ms`;
}

/** The sentence every failure ends with. */
export function replayHint(seed: number, from?: number, to?: number): string {
  const window = from !== undefined ? `, e.g. formatTrace(sim.trace, { from: ${Math.max(0, Math.floor(from - 10))}, to: ${Math.ceil((to ?? from) + 10)} })` : '';
  return `To replay this exact run, use seed ${seed} (new Simulation({ seed: ${seed} }) or the lab's --seed ${seed} option) and read the trace around these times${window}.`;
}

function fail(explanation: string): TraceCheckResult {
  return { ok: false, explanation };
}

function show(x: unknown): string {
  const s = canonicalJSON(x);
  return s.length > 160 ? s.slice(0, 157) + '...' : s;
}

type LogEvent = TraceEvent & { type: 'log' };

function logs(trace: Trace, text: string): LogEvent[] {
  const out: LogEvent[] = [];
  for (const e of trace.events) if (e.type === 'log' && e.text === text) out.push(e);
  return out;
}

function needLogs(trace: Trace): string | null {
  return trace.level === 'off' ? 'This check reads log events from the trace, but the simulation ran with trace: "off". Use "summary" or "full".' : null;
}

// ---------------------------------------------------------------- convergence

/**
 * Do all running replicas hold the same state? Call it after the last heal, once the
 * system has had time to settle. `read` extracts the state to compare from a node
 * object (compared structurally: key order, Set and Map order do not matter).
 * @example
 * sim.schedule('at 500 partition n1 | n2,n3; at 2000 heal');
 * await sim.run({ until: 4000 });
 * const r = checkConverged(sim, (n: GossipNode) => [...n.values]);
 * expect(r.ok, r.ok ? '' : r.explanation).toBe(true);
 */
export function checkConverged<M extends Message, N = SimNode<M>>(
  sim: Simulation<M>,
  read: (node: N, id: NodeId) => unknown,
  opts: { nodes?: readonly NodeId[] } = {},
): TraceCheckResult {
  const ids = opts.nodes ?? sim.nodes;
  const groups = new Map<string, { nodes: NodeId[]; state: unknown }>();
  const down: NodeId[] = [];
  for (const id of ids) {
    const n = sim.node<N>(id);
    if (n === undefined) {
      down.push(id);
      continue;
    }
    const state = read(n, id);
    const key = canonicalJSON(state);
    const g = groups.get(key);
    if (g) g.nodes.push(id);
    else groups.set(key, { nodes: [id], state });
  }
  if (groups.size <= 1) return OK;
  let lastHeal: number | undefined;
  let lastFault: number | undefined;
  for (const e of sim.trace.events) {
    if (e.type === 'heal') lastHeal = e.t;
    if (e.type === 'partition' || e.type === 'block' || e.type === 'isolate' || e.type === 'crash' || e.type === 'restart' || e.type === 'pause' || e.type === 'resume') lastFault = e.t;
  }
  const parts = [...groups.values()].map((g) => `${g.nodes.join(', ')} ${g.nodes.length > 1 ? 'have' : 'has'} ${show(g.state)}`);
  const since =
    lastHeal !== undefined
      ? `The network was last healed at ${ms(lastHeal)}, yet at ${ms(sim.now)}`
      : lastFault !== undefined
        ? `The last fault happened at ${ms(lastFault)}, yet at ${ms(sim.now)}`
        : `At ${ms(sim.now)}`;
  return fail(
    `${since} the replicas have not converged: ${parts.join('; ')}.` +
      (down.length > 0 ? ` (Not compared, because they are crashed: ${down.join(', ')}.)` : '') +
      ` Replicas that can talk to each other again must end with the same state: check that every update is eventually sent to every replica (retries or anti-entropy after a partition) and that merging is order-independent. ` +
      replayHint(sim.seed, lastHeal ?? lastFault ?? sim.now, sim.now),
  );
}

// ---------------------------------------------------------------- exactly once

export interface DeliveryLogOptions {
  /** Log text of a send by the application. Default 'app-send'. */
  sendLog?: string;
  /** Log text of a delivery to the application. Default 'app-deliver'. */
  deliverLog?: string;
  /** Message identity from the log data. Default `data.id`. */
  idOf?: (data: unknown) => string | number | undefined;
}

function defaultId(d: unknown): string | number | undefined {
  const id = (d as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/**
 * Every message the application sent was delivered to the application exactly once:
 * none lost, none twice, none out of thin air. If the `app-send` data has a `to`
 * field, the delivery must also happen at that node.
 */
export function checkExactlyOnce(trace: Trace, opts: DeliveryLogOptions = {}): TraceCheckResult {
  const off = needLogs(trace);
  if (off) return fail(off);
  const sendLog = opts.sendLog ?? 'app-send';
  const deliverLog = opts.deliverLog ?? 'app-deliver';
  const idOf = opts.idOf ?? defaultId;
  const sent = new Map<string, { node: NodeId; t: number; to?: NodeId; data: unknown }>();
  const delivered = new Map<string, { node: NodeId; t: number }[]>();
  for (const e of trace.events) {
    if (e.type !== 'log') continue;
    if (e.text === sendLog) {
      const id = idOf(e.data);
      if (id === undefined) return fail(`${e.node} logged '${sendLog}' at ${ms(e.t)} without an id in its data (${show(e.data)}). Log it as ctx.log('${sendLog}', { id }).`);
      const to = (e.data as { to?: unknown }).to;
      const rec: { node: NodeId; t: number; to?: NodeId; data: unknown } = { node: e.node, t: e.t, data: e.data };
      if (typeof to === 'string') rec.to = to;
      sent.set(String(id), rec);
    } else if (e.text === deliverLog) {
      const id = idOf(e.data);
      if (id === undefined) return fail(`${e.node} logged '${deliverLog}' at ${ms(e.t)} without an id in its data (${show(e.data)}). Log it as ctx.log('${deliverLog}', { id }).`);
      const k = String(id);
      const list = delivered.get(k);
      if (list) list.push({ node: e.node, t: e.t });
      else delivered.set(k, [{ node: e.node, t: e.t }]);
    }
  }
  const problems: string[] = [];
  let first: number | undefined;
  const note = (t: number) => {
    if (first === undefined || t < first) first = t;
  };
  for (const [id, d] of delivered) {
    const s = sent.get(id);
    if (!s) {
      problems.push(`message ${id} was delivered by ${d[0]!.node} at ${ms(d[0]!.t)} but the application never sent it`);
      note(d[0]!.t);
      continue;
    }
    const wrong = s.to !== undefined ? d.filter((x) => x.node !== s.to) : [];
    if (wrong.length > 0) {
      problems.push(`message ${id} from ${s.node} to ${s.to} was delivered at the wrong node ${wrong[0]!.node} (${ms(wrong[0]!.t)})`);
      note(wrong[0]!.t);
    }
    if (d.length > 1) {
      problems.push(`message ${id} (sent by ${s.node} at ${ms(s.t)}) was delivered ${d.length} times: ${d.map((x) => `${x.node} at ${ms(x.t)}`).join(', ')}. Remember which ids you already delivered, and deliver each only once`);
      note(d[1]!.t);
    }
  }
  for (const [id, s] of sent) {
    if (!delivered.has(id)) {
      problems.push(`message ${id} sent by ${s.node}${s.to ? ` to ${s.to}` : ''} at ${ms(s.t)} was never delivered. The network may lose any message: keep retransmitting until it is acknowledged`);
      note(s.t);
    }
  }
  if (problems.length === 0) return OK;
  const shown = problems.slice(0, 5);
  return fail(
    `Exactly-once delivery is broken (${problems.length} problem${problems.length > 1 ? 's' : ''}): ` +
      shown.join('; ') +
      (problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '') +
      '. ' +
      replayHint(trace.seed, first),
  );
}

// ---------------------------------------------------------------- causal order

/**
 * Causal delivery: if message A happened-before message B (B's sender had sent or
 * delivered A, directly or through a chain, before sending B), then every node that
 * delivers B must have delivered A first. A node's own messages count as delivered
 * when it sends them. Happened-before is computed from the `app-send` / `app-deliver`
 * logs in the trace, so your vector clocks are checked, not trusted.
 */
export function checkCausalDelivery(trace: Trace, opts: DeliveryLogOptions = {}): TraceCheckResult {
  const off = needLogs(trace);
  if (off) return fail(off);
  const sendLog = opts.sendLog ?? 'app-send';
  const deliverLog = opts.deliverLog ?? 'app-deliver';
  const idOf = opts.idOf ?? defaultId;
  /** Per node: every message in its causal past so far. */
  const causal = new Map<NodeId, Set<string>>();
  /** Per node: messages it sent or delivered directly. */
  const direct = new Map<NodeId, Map<string, number>>();
  const delivered = new Map<NodeId, Set<string>>();
  const past = new Map<string, Set<string>>();
  const info = new Map<string, { node: NodeId; t: number }>();
  const get = <V>(m: Map<NodeId, V>, k: NodeId, mk: () => V): V => {
    let v = m.get(k);
    if (v === undefined) {
      v = mk();
      m.set(k, v);
    }
    return v;
  };
  for (const e of trace.events) {
    if (e.type !== 'log' || (e.text !== sendLog && e.text !== deliverLog)) continue;
    const raw = idOf(e.data);
    if (raw === undefined) return fail(`${e.node} logged '${e.text}' at ${ms(e.t)} without an id in its data (${show(e.data)}).`);
    const id = String(raw);
    const mine = get(causal, e.node, () => new Set<string>());
    const dir = get(direct, e.node, () => new Map<string, number>());
    const dl = get(delivered, e.node, () => new Set<string>());
    if (e.text === sendLog) {
      past.set(id, new Set(mine));
      info.set(id, { node: e.node, t: e.t });
      mine.add(id);
      dir.set(id, e.t);
      dl.add(id);
      continue;
    }
    const src = info.get(id);
    if (src === undefined) return fail(`${e.node} delivered message ${id} at ${ms(e.t)}, but no node ever sent it. ${replayHint(trace.seed, e.t)}`);
    const need = past.get(id)!;
    for (const p of need) {
      const pInfo = info.get(p)!;
      if (pInfo.node === e.node || dl.has(p)) continue;
      const senderSaw = direct.get(src.node)?.get(p);
      const why =
        senderSaw !== undefined
          ? `${src.node} had already ${pInfo.node === src.node ? 'sent' : 'delivered'} ${p} (at ${ms(senderSaw)}) when it sent ${id} at ${ms(src.t)}`
          : `${p} happened-before ${id} through a chain of messages`;
      return fail(
        `Causal order violated at ${e.node}: it delivered message ${id} (from ${src.node}, sent at ${ms(src.t)}) at ${ms(e.t)} before message ${p} (from ${pInfo.node}, sent at ${ms(pInfo.t)}). ` +
          `${p} happened-before ${id}: ${why}. A node must hold back a message until it has delivered everything its sender had seen; compare vector clocks before delivering. ` +
          replayHint(trace.seed, pInfo.t, e.t),
      );
    }
    dl.add(id);
    dir.set(id, e.t);
    mine.add(id);
    for (const p of need) mine.add(p);
  }
  return OK;
}

// ---------------------------------------------------------------- leaders

export interface LeaderLogOptions {
  /** Log text written when a node becomes leader. Default 'leader'. */
  log?: string;
  /** Term from the log data. Default `data.term`. */
  termOf?: (data: unknown) => number | undefined;
}

function twoLeaders(seed: number, term: number, a: { node: NodeId; t: number }, b: { node: NodeId; t: number }): TraceCheckResult {
  return fail(
    `Two leaders in term ${term}: ${a.node} became leader at ${ms(a.t)} and ${b.node} at ${ms(b.t)}. ` +
      `Election safety requires at most one leader per term: a candidate needs votes from a majority, and each node may vote at most once per term (persist votedFor before replying). ` +
      replayHint(seed, a.t, b.t),
  );
}

/** At most one node becomes leader in any term (election safety), from `leader` logs. */
export function checkOneLeaderPerTerm(trace: Trace, opts: LeaderLogOptions = {}): TraceCheckResult {
  const off = needLogs(trace);
  if (off) return fail(off);
  const text = opts.log ?? 'leader';
  const termOf = opts.termOf ?? ((d: unknown) => {
    const t = (d as { term?: unknown } | undefined)?.term;
    return typeof t === 'number' ? t : undefined;
  });
  const first = new Map<number, { node: NodeId; t: number }>();
  for (const e of logs(trace, text)) {
    const term = termOf(e.data);
    if (term === undefined) return fail(`${e.node} logged '${text}' at ${ms(e.t)} without a term (${show(e.data)}). Log it as ctx.log('${text}', { term }).`);
    const prev = first.get(term);
    if (prev === undefined) first.set(term, { node: e.node, t: e.t });
    else if (prev.node !== e.node) return twoLeaders(trace.seed, term, prev, { node: e.node, t: e.t });
  }
  return OK;
}

/**
 * Watch leaders by probing node state every `everyMs` of virtual time (for labs where
 * nodes do not log). Probing adds no randomness and records nothing, so it does not
 * change the run. Call `result()` at the end.
 * @example
 * const w = watchLeaders(sim, (n: RaftNode) => ({ term: n.term, leader: n.role === 'leader' }));
 * await sim.run({ until: 5000 });
 * const r = w.result();
 */
export function watchLeaders<M extends Message, N = SimNode<M>>(
  sim: Simulation<M>,
  read: (node: N, id: NodeId) => { term: number; leader: boolean } | undefined,
  opts: { everyMs?: number; until?: number } = {},
): { result(): TraceCheckResult } {
  const every = opts.everyMs ?? 1;
  const first = new Map<number, { node: NodeId; t: number }>();
  let bad: TraceCheckResult | null = null;
  const probe = (): void => {
    if (bad !== null) return;
    for (const id of sim.nodes) {
      const n = sim.node<N>(id);
      if (n === undefined) continue;
      const s = read(n, id);
      if (!s || !s.leader) continue;
      const prev = first.get(s.term);
      if (prev === undefined) first.set(s.term, { node: id, t: sim.now });
      else if (prev.node !== id) {
        bad = twoLeaders(sim.seed, s.term, prev, { node: id, t: sim.now });
        return;
      }
    }
    const next = sim.now + every;
    if (opts.until === undefined || next <= opts.until) sim.at(next, probe);
  };
  sim.at(sim.now, probe);
  return { result: () => bad ?? OK };
}
