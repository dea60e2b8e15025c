/**
 * `faultlines`: the one import labs need.
 *
 * @example
 * import { Simulation, latency, type Ctx, type SimNode, checkHistory } from 'faultlines';
 * @module
 */
export * from '../sim/index.ts';
export * from '../checkers/index.ts';
