/**
 * Fault Lines linearizability checker: public API (browser-safe; for files on disk import
 * `loadHistoryFile` from './files.ts' in Node).
 *
 * @example
 * import { checkHistory, casRegisterModel } from './index.ts';
 * const result = checkHistory(casRegisterModel(), history, { timeoutMs: 2000 });
 * result.verdict;      // 'linearizable' | 'not linearizable' | 'unknown'
 * result.explanation;  // plain words, for learners
 * result.failure;      // ids of the operations to highlight in a diagram
 * @module
 */
export type { History, HistoryEvent, HistoryEventType } from './history.ts';
export type {
  Candidate,
  CheckOptions,
  CheckResult,
  FailureReport,
  Invocation,
  Model,
  Operation,
  PartitionResult,
  SearchStats,
  StepResult,
  Verdict,
} from './types.ts';
export { checkHistory, checkOperations } from './check.ts';
export { HistoryError, historyToOperations, partitionByKey } from './operations.ts';
export { searchLinearization, type SearchOutcome } from './wgl.ts';
export { casRegisterModel, registerModel, formatValue, type CasInput, type CasOutput, type RegisterOptions, type RegisterValue } from './models/register.ts';
export { kvModel, type KvValue } from './models/kv.ts';
export { describeOp, describeOpFull, formatSpan } from './explain.ts';
export { hashString, hashValue, equalValue, mix32 } from './hash.ts';
export { ParseError } from './parsers/errors.ts';
export { parseEtcdLog } from './parsers/etcd.ts';
export { parseKvEdn } from './parsers/kv.ts';
export { parseJsonHistory } from './parsers/json.ts';
export type { ParsedEvents } from './parsers/types.ts';
export {
  FORMATS,
  MODELS,
  detectFormat,
  isModelName,
  parseHistory,
  type HistoryFormat,
  type LoadedHistory,
  type ModelName,
  type ParseHistoryOptions,
} from './parsers/index.ts';
