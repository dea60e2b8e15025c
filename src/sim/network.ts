/**
 * Network model: latency distributions and per-link behaviour.
 * @module
 */
import type { Rng } from './rng.ts';
import { detExp, detLog } from './rng.ts';

/**
 * A latency distribution in ms. Build them with {@link latency}.
 * - `constant`: always `ms`.
 * - `uniform`: uniform in [min, max].
 * - `normal`: mean and standard deviation, cut at `min` (default 0).
 * - `exponential`: `min` plus an exponential with the given `mean` (long-ish tail).
 * - `pareto`: heavy tail: `scale / u^(1/shape)`; most messages are near `scale`, a few
 *   are much slower (queueing, GC pauses, retransmits).
 */
export type LatencyDist =
  | { readonly kind: 'constant'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly sd: number; readonly min: number }
  | { readonly kind: 'exponential'; readonly mean: number; readonly min: number }
  | { readonly kind: 'pareto'; readonly scale: number; readonly shape: number; readonly max: number };

/**
 * Constructors for latency distributions.
 * @example
 * sim.configureNetwork({ latency: latency.uniform(1, 10) });
 * sim.configureLink('n1', 'n2', { latency: latency.pareto(2, 1.5) });
 */
export const latency = {
  constant: (ms: number): LatencyDist => ({ kind: 'constant', ms }),
  uniform: (min: number, max: number): LatencyDist => ({ kind: 'uniform', min, max }),
  normal: (mean: number, sd: number, min = 0): LatencyDist => ({ kind: 'normal', mean, sd, min }),
  exponential: (mean: number, min = 0): LatencyDist => ({ kind: 'exponential', mean, min }),
  pareto: (scale: number, shape: number, max = 60_000): LatencyDist => ({ kind: 'pareto', scale, shape, max }),
} as const;

/** How one directed link (or the whole network by default) behaves. */
export interface LinkConfig {
  /** Delay distribution. Default `uniform(1, 5)`. */
  latency: LatencyDist;
  /** Probability that a message is lost. Default 0. */
  loss: number;
  /** Probability that a (not lost) message is delivered twice. Default 0. */
  duplicate: number;
  /**
   * Probability that a message is held back by an extra uniform delay in
   * [0, `reorderMs`], so later messages overtake it. Default 0. (Random latency
   * reorders messages anyway; this knob makes it happen more.)
   */
  reorder: number;
  /** Extra delay bound for `reorder`, in ms. Default 50. */
  reorderMs: number;
  /** If true the link never reorders: like a TCP connection. Default false. */
  fifo: boolean;
}

export const DEFAULT_LINK: LinkConfig = Object.freeze({
  latency: latency.uniform(1, 5),
  loss: 0,
  duplicate: 0,
  reorder: 0,
  reorderMs: 50,
  fifo: false,
});

/** Draw one latency in ms. */
export function sampleLatency(d: LatencyDist, rng: Rng): number {
  switch (d.kind) {
    case 'constant':
      return d.ms;
    case 'uniform':
      return d.min + (d.max - d.min) * rng.float();
    case 'normal': {
      const x = d.mean + d.sd * rng.normal();
      return x < d.min ? d.min : x;
    }
    case 'exponential':
      return d.min + d.mean * -detLog(1 - rng.float());
    case 'pareto': {
      const u = 1 - rng.float(); // (0, 1]
      const x = d.scale * detExp(-detLog(u) / d.shape);
      return x > d.max ? d.max : x;
    }
  }
}

/** Validate a (partial) link config and fill in defaults from `base`. */
export function mergeLink(base: LinkConfig, patch: Partial<LinkConfig>): LinkConfig {
  const out: LinkConfig = {
    latency: patch.latency ?? base.latency,
    loss: patch.loss ?? base.loss,
    duplicate: patch.duplicate ?? base.duplicate,
    reorder: patch.reorder ?? base.reorder,
    reorderMs: patch.reorderMs ?? base.reorderMs,
    fifo: patch.fifo ?? base.fifo,
  };
  for (const k of ['loss', 'duplicate', 'reorder'] as const) {
    const p = out[k];
    if (!(p >= 0 && p <= 1)) throw new RangeError(`network: ${k} must be a probability in [0, 1], got ${p}`);
  }
  return out;
}
