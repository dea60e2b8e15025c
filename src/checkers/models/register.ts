/**
 * Register models: a single value read and written by clients (optionally compare-and-set).
 * Operations on different keys are independent registers (the models partition by key).
 * @module
 */
import { equalValue } from '../hash.ts';
import { partitionByKey } from '../operations.ts';
import type { Invocation, Model, Operation, StepResult } from '../types.ts';

/** A register value: any primitive (null is `nil`, the value before any write). */
export type RegisterValue = number | string | boolean | null;

/** How values appear in messages: `nil` for null, strings quoted. */
export function formatValue(v: unknown): string {
  if (v === null) return 'nil';
  if (v === undefined) return '?';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const same = (a: unknown, b: unknown): boolean => a === b || equalValue(a, b);

/** Check an operation's shape before the search, for a friendly error. */
function checkRegisterOp(op: Operation, allowCas: boolean): string | undefined {
  const { f, value } = op.input;
  if (f === 'read' || f === 'write') return undefined;
  if (f === 'cas' && allowCas) {
    if (!Array.isArray(value) || value.length !== 2) return `cas needs [from, to] as input, got ${formatValue(value)}`;
    if (op.output !== undefined && typeof op.output !== 'boolean') {
      return `cas must return true (swapped) or false (compare failed), got ${formatValue(op.output)}`;
    }
    return undefined;
  }
  return `the ${allowCas ? 'compare-and-set register' : 'register'} model knows ${allowCas ? 'read, write and cas' : 'read and write'}, not ${JSON.stringify(f)}`;
}

/** Options of {@link registerModel} and {@link casRegisterModel}. */
export interface RegisterOptions {
  /** Initial value (default null, i.e. nil). */
  initial?: RegisterValue;
}

/**
 * A read/write register. `read` returns the value (output), `write` sets `input.value`.
 * An indeterminate read accepts anything; an indeterminate write may take effect.
 */
export function registerModel(options: RegisterOptions = {}): Model<RegisterValue, RegisterValue, RegisterValue> {
  const initial = options.initial ?? null;
  return {
    name: 'register',
    init: () => initial,
    step(state, input, output): StepResult<RegisterValue> {
      if (input.f === 'read') return [output === undefined || same(state, output), state];
      return [true, input.value];
    },
    partition: partitionByKey,
    validate: (op) => checkRegisterOp(op as Operation, false),
    describeOperation: describeRegisterOp as Model<RegisterValue, RegisterValue, RegisterValue>['describeOperation'],
    describeState: formatValue,
    explainRejection: explainRegister as Model<RegisterValue, RegisterValue, RegisterValue>['explainRejection'],
  };
}

/** Input of a compare-and-set register: a value for write, `[from, to]` for cas, unused for read. */
export type CasInput = RegisterValue | readonly [RegisterValue, RegisterValue];
/** Output: the value read, or for cas true (swapped) / false (the compare failed). */
export type CasOutput = RegisterValue;

/**
 * A compare-and-set register, as in Jepsen's etcd test: `read`, `write v`, and `cas [from to]`
 * which sets `to` if the register holds `from` and returns true, else changes nothing and returns
 * false. A cas with unknown outcome (info) swaps exactly when the register holds `from`.
 */
export function casRegisterModel(options: RegisterOptions = {}): Model<RegisterValue, CasInput, CasOutput> {
  const initial = options.initial ?? null;
  return {
    name: 'compare-and-set register',
    init: () => initial,
    step(state, input, output): StepResult<RegisterValue> {
      const f = input.f;
      if (f === 'read') return [output === undefined || same(state, output), state];
      if (f === 'write') return [true, input.value as RegisterValue];
      const [from, to] = input.value as readonly [RegisterValue, RegisterValue];
      const matches = same(state, from);
      if (output === undefined) return [true, matches ? to : state];
      if (output === true) return [matches, matches ? to : state];
      return [!matches, state];
    },
    partition: partitionByKey,
    validate: (op) => checkRegisterOp(op as Operation, true),
    describeOperation: describeRegisterOp as Model<RegisterValue, CasInput, CasOutput>['describeOperation'],
    describeState: formatValue,
    explainRejection: explainRegister as Model<RegisterValue, CasInput, CasOutput>['explainRejection'],
  };
}

function describeRegisterOp(input: Invocation<unknown>, output: unknown): string {
  const on = input.key !== undefined ? ` ${input.key}` : '';
  switch (input.f) {
    case 'read':
      return `read${on} → ${output === undefined ? '? (unknown)' : formatValue(output)}`;
    case 'write':
      return `write${on} ${formatValue(input.value)}`;
    case 'cas': {
      const [from, to] = Array.isArray(input.value) ? (input.value as unknown[]) : [undefined, undefined];
      const how = output === undefined ? 'outcome unknown' : output === true ? 'swapped' : 'compare failed';
      return `cas${on} ${formatValue(from)}→${formatValue(to)} (${how})`;
    }
    default:
      return `${input.f}${on} ${formatValue(input.value)}`;
  }
}

function explainRegister(state: unknown, input: Invocation<unknown>, output: unknown): string {
  const held = `the register held ${formatValue(state)}`;
  if (input.f === 'read') return `${held}, not ${formatValue(output)}`;
  if (input.f === 'cas' && Array.isArray(input.value)) {
    const from = formatValue(input.value[0]);
    return output === true
      ? `a cas from ${from} only swaps when the register holds ${from}, but ${held}`
      : `the cas says its compare failed, but ${held}, so it would have swapped`;
  }
  return `the model rejects it (${held})`;
}
