/**
 * Fault plans (scheduled in advance) and the random nemesis (drawn from the seed).
 * @module
 */
import type { LinkConfig } from './network.ts';
import type { Rng } from './rng.ts';
import type { NodeId } from './types.ts';
import type { Simulation } from './simulator.ts';

/** One fault, as data. */
export type FaultAction =
  | { fault: 'partition'; groups: NodeId[][] }
  | { fault: 'heal' }
  | { fault: 'block'; from: NodeId; to: NodeId }
  | { fault: 'isolate'; node: NodeId }
  | { fault: 'crash'; node: NodeId }
  | { fault: 'restart'; node: NodeId }
  | { fault: 'pause'; node: NodeId }
  | { fault: 'resume'; node: NodeId }
  | { fault: 'clock'; node: NodeId; skewMs?: number; drift?: number }
  | { fault: 'network'; config: Partial<LinkConfig> };

/** A fault at a virtual time (ms). */
export type FaultStep = FaultAction & { at: number };
export type FaultPlan = readonly FaultStep[];

/** Apply one fault now. */
export function applyFault(sim: Simulation<any>, a: FaultAction): void {
  switch (a.fault) {
    case 'partition': sim.partition(a.groups); break;
    case 'heal': sim.heal(); break;
    case 'block': sim.blockLink(a.from, a.to); break;
    case 'isolate': sim.isolate(a.node); break;
    case 'crash': sim.crash(a.node); break;
    case 'restart': sim.restart(a.node); break;
    case 'pause': sim.pause(a.node); break;
    case 'resume': sim.resume(a.node); break;
    case 'clock': {
      const c: { skewMs?: number; drift?: number } = {};
      if (a.skewMs !== undefined) c.skewMs = a.skewMs;
      if (a.drift !== undefined) c.drift = a.drift;
      sim.setClock(a.node, c);
      break;
    }
    case 'network': sim.configureNetwork(a.config); break;
    default: throw new Error(`unknown fault ${JSON.stringify(a)}`);
  }
}

const WORD = /^[A-Za-z0-9_.:-]+$/;

function ids(s: string, stmt: string): NodeId[] {
  const out = s.replace(/[[\]]/g, ' ').split(/[\s,]+/).filter((x) => x.length > 0);
  for (const x of out) if (!WORD.test(x)) throw new SyntaxError(`fault plan: bad node name '${x}' in "${stmt}"`);
  return out;
}

/**
 * Parse a fault plan written as text: statements separated by `;` or new lines,
 * each `at <ms> <fault> <args>`:
 *
 * ```text
 * at 500 partition n1,n2 | n3,n4,n5     (also: partition [[n1,n2],[n3,n4,n5]])
 * at 2000 heal
 * at 100 block n1 -> n2                  (one-way)
 * at 100 isolate n3
 * at 300 crash n1
 * at 900 restart n1
 * at 400 pause n2
 * at 700 resume n2
 * at 0 clock n3 skew 250 drift 0.001     (either part may be left out)
 * at 1000 loss 0.2                       (network-wide loss probability)
 * at 1000 duplicate 0.1
 * ```
 */
export function parseFaultPlan(text: string): FaultStep[] {
  const out: FaultStep[] = [];
  for (const raw of text.split(/[;\n]/)) {
    const stmt = raw.replace(/#.*$/, '').trim();
    if (stmt === '') continue;
    const m = /^at\s+([0-9]+(?:\.[0-9]+)?)\s*(?:ms)?\s+([a-z-]+)\s*(.*)$/i.exec(stmt);
    if (!m) throw new SyntaxError(`fault plan: cannot read "${stmt}" (expected: at <ms> <fault> <args>)`);
    const at = Number(m[1]);
    const verb = m[2]!.toLowerCase();
    const rest = m[3]!.trim();
    const one = (): NodeId => {
      const x = ids(rest, stmt);
      if (x.length !== 1) throw new SyntaxError(`fault plan: "${stmt}" needs exactly one node`);
      return x[0]!;
    };
    switch (verb) {
      case 'partition': {
        const compact = rest.replace(/\s+/g, '');
        const parts = compact.startsWith('[[') ? compact.slice(2, -2).split('],[') : compact.split('|');
        const groups = parts.map((g) => ids(g, stmt)).filter((g) => g.length > 0);
        if (groups.length === 0) throw new SyntaxError(`fault plan: "${stmt}" needs groups, e.g. partition n1,n2 | n3`);
        out.push({ at, fault: 'partition', groups });
        break;
      }
      case 'heal':
        out.push({ at, fault: 'heal' });
        break;
      case 'block': {
        const mm = /^([A-Za-z0-9_.:-]+)\s*->\s*([A-Za-z0-9_.:-]+)$/.exec(rest);
        if (!mm) throw new SyntaxError(`fault plan: "${stmt}" should look like: block n1 -> n2`);
        out.push({ at, fault: 'block', from: mm[1]!, to: mm[2]! });
        break;
      }
      case 'isolate':
      case 'crash':
      case 'restart':
      case 'pause':
      case 'resume':
        out.push({ at, fault: verb, node: one() });
        break;
      case 'clock':
      case 'skew': {
        const mm = /^([A-Za-z0-9_.:-]+)(?:\s+skew\s+([-+]?[0-9.]+))?(?:\s+drift\s+([-+]?[0-9.eE-]+))?$/.exec(rest);
        if (!mm) throw new SyntaxError(`fault plan: "${stmt}" should look like: clock n1 skew 250 drift 0.001`);
        const step: FaultStep = { at, fault: 'clock', node: mm[1]! };
        if (mm[2] !== undefined) step.skewMs = Number(mm[2]);
        if (mm[3] !== undefined) step.drift = Number(mm[3]);
        out.push(step);
        break;
      }
      case 'loss':
      case 'duplicate':
      case 'reorder': {
        const p = Number(rest);
        if (!(p >= 0 && p <= 1)) throw new SyntaxError(`fault plan: "${stmt}" needs a probability between 0 and 1`);
        out.push({ at, fault: 'network', config: { [verb]: p } });
        break;
      }
      default:
        throw new SyntaxError(`fault plan: unknown fault '${verb}' in "${stmt}"`);
    }
  }
  return out;
}

/** Kinds of fault the random nemesis can inject. */
export type NemesisFault = 'partition' | 'one-way' | 'isolate' | 'crash' | 'pause' | 'clock' | 'loss';

export interface NemesisOptions {
  /** Which faults to draw from. Default: partition, crash, pause, clock. */
  faults?: readonly NemesisFault[];
  /** Mean time between nemesis actions in ms (each gap is uniform in [0.5, 1.5] x every). Default 500. */
  every?: number;
  /** First action at this time (ms). Default: now + every. */
  start?: number;
  /** At this time everything is healed, restarted and resumed, and the nemesis stops. Default: never. */
  stop?: number;
  /** Max nodes crashed or paused at once. Default: a minority, floor((n - 1) / 2). */
  maxDown?: number;
  /** Bound for random clock skew (ms). Default 200. */
  maxSkewMs?: number;
  /** Bound for random clock drift. Default 0.01. */
  maxDrift?: number;
  /** Loss probability used by the 'loss' fault. Default 0.3. */
  loss?: number;
}

/**
 * Alternate between injecting one random fault and undoing everything the nemesis did
 * (heal, restart, resume, restore loss). Clock faults persist. All choices come from
 * `rng`, a stream of the simulation seed.
 */
export function startNemesis(sim: Simulation<any>, opts: NemesisOptions, rng: Rng): void {
  const faults = opts.faults ?? ['partition', 'crash', 'pause', 'clock'];
  if (faults.length === 0) return;
  const every = opts.every ?? 500;
  const n = sim.nodes.length;
  const maxDown = opts.maxDown ?? Math.max(1, Math.floor((n - 1) / 2));
  const maxSkew = opts.maxSkewMs ?? 200;
  const maxDrift = opts.maxDrift ?? 0.01;
  let partitioned = false;
  let lossy = false;
  let savedLoss = 0;
  const crashed: NodeId[] = [];
  const paused: NodeId[] = [];

  const active = (): boolean => partitioned || lossy || crashed.length > 0 || paused.length > 0;
  const recover = (): void => {
    if (partitioned) sim.heal();
    for (const id of crashed) sim.restart(id);
    for (const id of paused) sim.resume(id);
    if (lossy) sim.configureNetwork({ loss: savedLoss });
    partitioned = false;
    lossy = false;
    crashed.length = 0;
    paused.length = 0;
  };
  const pickSome = (candidates: NodeId[]): NodeId[] => {
    const k = 1 + rng.int(Math.min(maxDown, candidates.length));
    return rng.shuffle(candidates).slice(0, k);
  };
  const inject = (): void => {
    const nodes = sim.nodes.slice();
    const kind = rng.pick(faults);
    switch (kind) {
      case 'partition': {
        if (n < 2) return;
        const order = rng.shuffle(nodes);
        const cut = 1 + rng.int(n - 1);
        sim.partition([order.slice(0, cut), order.slice(cut)]);
        partitioned = true;
        return;
      }
      case 'one-way': {
        if (n < 2) return;
        const order = rng.shuffle(nodes);
        sim.blockLink(order[0]!, order[1]!);
        partitioned = true;
        return;
      }
      case 'isolate':
        sim.isolate(rng.pick(nodes));
        partitioned = true;
        return;
      case 'crash': {
        const up = nodes.filter((id) => sim.isUp(id));
        if (up.length === 0) return;
        for (const id of pickSome(up)) {
          sim.crash(id);
          crashed.push(id);
        }
        return;
      }
      case 'pause': {
        const up = nodes.filter((id) => sim.isUp(id) && !sim.isPaused(id));
        if (up.length === 0) return;
        for (const id of pickSome(up)) {
          sim.pause(id);
          paused.push(id);
        }
        return;
      }
      case 'clock': {
        const id = rng.pick(nodes);
        const skewMs = Math.round((2 * rng.float() - 1) * maxSkew);
        const drift = Math.round((2 * rng.float() - 1) * maxDrift * 1e6) / 1e6;
        sim.setClock(id, { skewMs, drift });
        return;
      }
      case 'loss':
        savedLoss = sim.linkConfig(nodes[0]!, nodes[0]!).loss;
        sim.configureNetwork({ loss: opts.loss ?? 0.3 });
        lossy = true;
        return;
    }
  };
  const gap = (): number => Math.round(every * (0.5 + rng.float()) * 1000) / 1000;
  const tick = (): void => {
    if (opts.stop !== undefined && sim.now >= opts.stop) return;
    if (active()) recover();
    else inject();
    const next = sim.now + gap();
    if (opts.stop !== undefined && next >= opts.stop) return;
    sim.at(next, tick);
  };
  const first = opts.start ?? sim.now + every;
  if (opts.stop === undefined || first < opts.stop) sim.at(first, tick);
  if (opts.stop !== undefined) sim.at(opts.stop, recover);
}
