import { describe, expect, it } from 'vitest';
import { casRegisterModel, kvModel, registerModel, type Invocation } from '../../../src/checkers/index.ts';
import { op } from './helpers.ts';

const inv = <A>(f: string, value: A, key?: string): Invocation<A> => ({ f, key, value });

describe('registerModel', () => {
  const m = registerModel();
  it('starts at nil (or the given initial value)', () => {
    expect(m.init()).toBe(null);
    expect(registerModel({ initial: 7 }).init()).toBe(7);
  });
  it('reads must return the current value', () => {
    expect(m.step(3, inv('read', null), 3)).toEqual([true, 3]);
    expect(m.step(3, inv('read', null), 4)[0]).toBe(false);
    expect(m.step(null, inv('read', null), null)[0]).toBe(true);
    expect(m.step(null, inv('read', null), 0)[0]).toBe(false);
  });
  it('a read with unknown result accepts anything; writes set the value', () => {
    expect(m.step(3, inv('read', null), undefined)).toEqual([true, 3]);
    expect(m.step(3, inv('write', 5), undefined)).toEqual([true, 5]);
    expect(m.step(3, inv('write', 'a'), 'a')).toEqual([true, 'a']);
  });
  it('rejects unknown operations up front with a clear message', () => {
    expect(m.validate!(op(0, 'cas', [1, 2], true, 0, 1))).toMatch(/read and write, not "cas"/);
    expect(m.validate!(op(0, 'read', null, 1, 0, 1))).toBeUndefined();
  });
  it('describes and explains', () => {
    expect(m.describeOperation!(inv('read', null), 3)).toBe('read → 3');
    expect(m.describeOperation!(inv('read', null, 'x'), null)).toBe('read x → nil');
    expect(m.describeOperation!(inv('write', 4), undefined)).toBe('write 4');
    expect(m.explainRejection!(2, inv('read', null), 3)).toBe('the register held 2, not 3');
  });
});

describe('casRegisterModel', () => {
  const m = casRegisterModel();
  it('cas swaps only when the value matches, and says so', () => {
    expect(m.step(1, inv('cas', [1, 2]), true)).toEqual([true, 2]);
    expect(m.step(3, inv('cas', [1, 2]), true)).toEqual([false, 3]);
    expect(m.step(3, inv('cas', [1, 2]), false)).toEqual([true, 3]);
    expect(m.step(1, inv('cas', [1, 2]), false)).toEqual([false, 1]);
  });
  it('a cas with unknown outcome swaps exactly when it would have', () => {
    expect(m.step(1, inv('cas', [1, 2]), undefined)).toEqual([true, 2]);
    expect(m.step(5, inv('cas', [1, 2]), undefined)).toEqual([true, 5]);
  });
  it('cas against nil', () => {
    expect(m.step(null, inv('cas', [null, 1]), true)).toEqual([true, 1]);
    expect(m.step(null, inv('cas', [0, 1]), true)[0]).toBe(false);
  });
  it('read/write behave like the plain register', () => {
    expect(m.step(2, inv('read', null), 2)).toEqual([true, 2]);
    expect(m.step(2, inv('read', null), 1)[0]).toBe(false);
    expect(m.step(2, inv('write', 9), undefined)).toEqual([true, 9]);
  });
  it('validates cas inputs and outputs', () => {
    expect(m.validate!(op(0, 'cas', 3, true, 0, 1))).toMatch(/\[from, to\]/);
    expect(m.validate!(op(0, 'cas', [1, 2], 5, 0, 1))).toMatch(/true .* or false/);
    expect(m.validate!(op(0, 'cas', [1, 2], false, 0, 1))).toBeUndefined();
    expect(m.validate!(op(0, 'incr', 1, 1, 0, 1))).toMatch(/not "incr"/);
  });
  it('describes and explains cas', () => {
    expect(m.describeOperation!(inv('cas', [3, 0]), true)).toBe('cas 3→0 (swapped)');
    expect(m.describeOperation!(inv('cas', [3, 0]), false)).toBe('cas 3→0 (compare failed)');
    expect(m.describeOperation!(inv('cas', [3, 0]), undefined)).toBe('cas 3→0 (outcome unknown)');
    expect(m.explainRejection!(2, inv('cas', [3, 0]), true)).toMatch(/only swaps when the register holds 3, but the register held 2/);
    expect(m.explainRejection!(3, inv('cas', [3, 0]), false)).toMatch(/compare failed, but the register held 3/);
  });
  it('partitions by key', () => {
    const ops = [op(0, 'write', 1, undefined, 0, 1, { key: 'a' }), op(1, 'write', 1, undefined, 0, 1, { key: 'b' }), op(2, 'read', null, 1, 2, 3, { key: 'a' })];
    expect(m.partition!(ops).map((g) => g.map((o) => o.id))).toEqual([[0, 2], [1]]);
  });
});

describe('kvModel', () => {
  const m = kvModel();
  it('get returns "" for a missing key, then what put/append left', () => {
    expect(m.init()).toBe('');
    expect(m.step('', inv('get', null, 'k'), '')).toEqual([true, '']);
    expect(m.step('', inv('put', 'a', 'k'), undefined)).toEqual([true, 'a']);
    expect(m.step('a', inv('append', 'b', 'k'), undefined)).toEqual([true, 'ab']);
    expect(m.step('ab', inv('get', null, 'k'), 'ab')[0]).toBe(true);
    expect(m.step('ab', inv('get', null, 'k'), 'a')[0]).toBe(false);
    expect(m.step('ab', inv('put', 'c', 'k'), undefined)).toEqual([true, 'c']);
  });
  it('an indeterminate get accepts anything', () => {
    expect(m.step('ab', inv('get', null, 'k'), undefined)).toEqual([true, 'ab']);
  });
  it('partitions by key and validates', () => {
    const ops = [op(0, 'put', 'x', undefined, 0, 1, { key: '1' }), op(1, 'get', null, '', 0, 1, { key: '2' }), op(2, 'get', null, 'x', 2, 3, { key: '1' })];
    expect(m.partition!(ops).map((g) => g.map((o) => o.id))).toEqual([[0, 2], [1]]);
    expect(m.validate!(op(0, 'delete', null, undefined, 0, 1))).toMatch(/get, put and append, not "delete"/);
    expect(m.validate!(op(0, 'put', null, undefined, 0, 1))).toMatch(/put needs a string/);
    expect(m.validate!(op(0, 'get', null, null, 0, 1))).toMatch(/get must return a string/);
  });
  it('describes and explains', () => {
    expect(m.describeOperation!(inv('get', null, 'k'), 'v')).toBe('get("k") → "v"');
    expect(m.describeOperation!(inv('append', 'v', 'k'), undefined)).toBe('append("k", "v")');
    expect(m.explainRejection!('ab', inv('get', null, 'k'), 'a')).toBe('key "k" held "ab", not "a"');
  });
});
