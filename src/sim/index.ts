/**
 * The deterministic simulator: public API.
 * @module
 */
export { Simulation, Client, ok, fail, info } from './simulator.ts';
export type {
  SimOptions,
  SimStats,
  RunOptions,
  RunResult,
  InFlight,
  Adversary,
  AdversaryApi,
  AdversaryVerdict,
  Completion,
  ClientOp,
} from './simulator.ts';
export { RequestTimeout, NodeError, isTimeout, defineNode } from './types.ts';
export type { NodeId, Message, Envelope, AdversaryMark, Json, RequestOptions, Storage, TimerId, Ctx, SimNode, NodeFactory } from './types.ts';
export { latency, DEFAULT_LINK } from './network.ts';
export type { LatencyDist, LinkConfig } from './network.ts';
export { parseFaultPlan, applyFault } from './faults.ts';
export type { FaultAction, FaultStep, FaultPlan, NemesisFault, NemesisOptions } from './faults.ts';
export { TRACE_VERSION, traceToJSON, traceFromJSON, traceHash, formatEvent, formatTrace, involves } from './trace.ts';
export type { Trace, TraceEvent, TraceEventOf, TraceEventType, TraceLevel, DropReason } from './trace.ts';
export { checkConverged, checkExactlyOnce, checkCausalDelivery, checkOneLeaderPerTerm, watchLeaders, replayHint } from './trace-checks.ts';
export type { TraceCheckResult, DeliveryLogOptions, LeaderLogOptions } from './trace-checks.ts';
export { Rng, detLog, detExp, hash32 } from './rng.ts';
export { fnv1a64, Fnv64 } from './hash.ts';
export { cloneData, canonicalJSON } from './data.ts';
export { EchoNode, GossipNode } from './examples.ts';
export type { EchoMsg, GossipMsg } from './examples.ts';
export { determinismProbe, determinismProbeAsync } from './probe.ts';
export { HostNondeterminismError, describeHostCall, setLearnerFiles, takeHostCalls } from './host-guard.ts';
export type { HostCall } from './host-guard.ts';
