/**
 * Key/value store model with get/put/append (as in Porcupine's kv tests and 6.5840's lab).
 * Keys are independent, so the model partitions by key and the state of one partition is just
 * the string stored under that key ("" when missing).
 * @module
 */
import { partitionByKey } from '../operations.ts';
import type { Invocation, Model, Operation, StepResult } from '../types.ts';

/** Input value: the string to put/append (`get` carries null). Output of `get`: the string read. */
export type KvValue = string | null;

/**
 * get(k) returns the value of k ("" if missing); put(k, v) sets it; append(k, v) appends v.
 * An indeterminate put/append may take effect; an indeterminate get accepts anything.
 */
export function kvModel(): Model<string, KvValue, KvValue> {
  return {
    name: 'key-value store',
    init: () => '',
    step(state, input, output): StepResult<string> {
      const f = input.f;
      if (f === 'get') return [output === undefined || output === state, state];
      if (f === 'put') return [true, input.value ?? ''];
      return [true, state + (input.value ?? '')];
    },
    partition: partitionByKey,
    validate(op: Operation<KvValue, KvValue>) {
      const { f, value } = op.input;
      if (f !== 'get' && f !== 'put' && f !== 'append') {
        return `the key-value model knows get, put and append, not ${JSON.stringify(f)}`;
      }
      if (f !== 'get' && typeof value !== 'string') return `${f} needs a string value, got ${JSON.stringify(value)}`;
      if (f === 'get' && op.output !== undefined && typeof op.output !== 'string') {
        return `get must return a string ("" for a missing key), got ${JSON.stringify(op.output)}`;
      }
      return undefined;
    },
    describeOperation: describeKvOp,
    describeState: (s) => JSON.stringify(s),
    explainRejection(state, input, output) {
      return `key ${JSON.stringify(input.key ?? '')} held ${JSON.stringify(state)}, not ${JSON.stringify(output)}`;
    },
  };
}

function describeKvOp(input: Invocation<KvValue>, output: KvValue | undefined): string {
  const k = JSON.stringify(input.key ?? '');
  if (input.f === 'get') return `get(${k}) → ${output === undefined ? '? (unknown)' : JSON.stringify(output)}`;
  return `${input.f}(${k}, ${JSON.stringify(input.value)})`;
}
