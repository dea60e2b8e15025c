import { describe, expect, it } from 'vitest';
import {
  ParseError,
  checkOperations,
  detectFormat,
  parseEtcdLog,
  parseHistory,
  parseJsonHistory,
  parseKvEdn,
} from '../../../src/checkers/index.ts';

const L = (p: number | string, type: string, f: string, v: string, sep = '\t'): string =>
  `INFO  jepsen.util - ${p}${sep}:${type}${sep}:${f}${sep}${v}`;

/** The ParseError thrown by fn (fails the test if none). */
function parseError(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ParseError) return err;
    throw err;
  }
  throw new Error('expected a ParseError');
}

describe('etcd log parser', () => {
  it('parses every line shape', () => {
    const text = [
      L(0, 'invoke', 'read', 'nil'),
      L(0, 'ok', 'read', 'nil'),
      L(1, 'invoke', 'write', '3'),
      L(1, 'ok', 'write', '3'),
      L(2, 'invoke', 'cas', '[3 4]'),
      L(2, 'ok', 'cas', '[3 4]'),
      L(3, 'invoke', 'cas', '[1 2]'),
      L(3, 'fail', 'cas', '[1 2]'),
      L(4, 'invoke', 'read', 'nil', '   '), // spaces instead of tabs (etcd_100)
      L(4, 'fail', 'read', ':timed-out', '  '),
      L(5, 'invoke', 'write', '9'),
      L(5, 'info', 'write', ':timed-out'),
      L(6, 'invoke', 'cas', '[9 1]'),
      L(6, 'info', 'cas', ':timed-out'),
      'INFO  jepsen.core - some other log line',
      L(':nemesis', 'info', 'start', 'nil'),
      '',
      L(7, 'invoke', 'read', 'nil'),
      L(7, 'ok', 'read', '4'),
    ].join('\n');
    const p = parseEtcdLog(text, 'x.log');
    expect(p.skipped).toBe(2);
    expect(p.history.map((e) => [e.process, e.type, e.f, e.input, e.output])).toEqual([
      [0, 'invoke', 'read', null, undefined],
      [0, 'ok', 'read', null, null],
      [1, 'invoke', 'write', 3, undefined],
      [1, 'ok', 'write', 3, undefined],
      [2, 'invoke', 'cas', [3, 4], undefined],
      [2, 'ok', 'cas', [3, 4], true],
      [3, 'invoke', 'cas', [1, 2], undefined],
      [3, 'ok', 'cas', [1, 2], false], // a failed cas happened and returned false
      [4, 'invoke', 'read', null, undefined],
      [4, 'info', 'read', null, undefined], // timed-out read: indeterminate
      [5, 'invoke', 'write', 9, undefined],
      [5, 'info', 'write', 9, undefined],
      [6, 'invoke', 'cas', [9, 1], undefined],
      [6, 'info', 'cas', [9, 1], undefined],
      [7, 'invoke', 'read', null, undefined],
      [7, 'ok', 'read', null, 4],
    ]);
    expect(p.lines.slice(0, 3)).toEqual([1, 2, 3]);
    expect(p.history[0]!.time).toBe(1);
    expect(p.lines.at(-1)).toBe(19);
    // And it checks: the final read of 4 is explained by the cas 3→4.
    const h = parseHistory(text, { file: 'x.log' });
    expect(h.modelName).toBe('cas-register');
    expect(checkOperations(h.model, h.operations).verdict).toBe('linearizable');
  });

  it('names the file, line and problem', () => {
    const bad = [L(0, 'invoke', 'read', 'nil'), L(0, 'ok', 'raed', '3')].join('\n');
    const e = parseError(() => parseEtcdLog(bad, 'my.log'));
    expect(e.file).toBe('my.log');
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/^my\.log:2:\d+: expected the operation :read, :write or :cas, found :raed/);
    expect(e.message).toContain('2 | INFO  jepsen.util - 0 :ok :raed 3');
    expect(e.message).toMatch(/\n {4}\| {27}\^/); // caret under :raed

    expect(parseError(() => parseEtcdLog(L(0, 'invoke', 'cas', '[1]'), 'a.log')).message).toMatch(
      /a\.log:1:\d+: a cas is invoked with \[from to\] \(two integers\), found \[1\]/,
    );
    expect(parseError(() => parseEtcdLog(L(0, 'invoke', 'write', 'nil'))).message).toMatch(/a write is invoked with an integer, found nil/);
    expect(parseError(() => parseEtcdLog(L(0, 'done', 'write', '1'))).message).toMatch(/expected the type :invoke, :ok, :fail or :info, found :done/);
    expect(parseError(() => parseEtcdLog(L('x', 'invoke', 'write', '1'))).message).toMatch(/expected a process number/);
    expect(parseError(() => parseEtcdLog('INFO  jepsen.util - 0\t:invoke\t:write')).message).toMatch(/has no value/);
    expect(parseError(() => parseEtcdLog(L(0, 'invoke', 'write', '1 2'))).message).toMatch(/unexpected 2 after the value/);
    expect(parseError(() => parseEtcdLog(L(0, 'invoke', 'cas', '[1 2'))).message).toMatch(/"\[" is not closed/);
    expect(parseError(() => parseEtcdLog('hello\nworld', 'w.log')).message).toMatch(/^w\.log: no history lines found/);
  });

  it('reports pairing problems with line numbers', () => {
    const e = parseError(() => parseHistory([L(0, 'invoke', 'read', 'nil'), L(1, 'ok', 'read', '3')].join('\n'), { file: 'p.log' }));
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/^p\.log:2: process 1 completes read \(ok\) but has no pending invoke/);
    const e2 = parseError(() => parseHistory([L(0, 'invoke', 'read', 'nil'), L(0, 'invoke', 'write', '1')].join('\n'), { file: 'p.log' }));
    expect(e2.message).toMatch(/^p\.log:2: process 0 invokes write while its read \(line 1\) is still pending/);
  });
});

describe('EDN kv parser', () => {
  it('parses the kv line shapes', () => {
    const text = [
      '{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}',
      '{:process 1, :type :invoke, :f :get, :key "0", :value nil}',
      '{:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}',
      '{:process 1, :type :ok, :f :get, :key "0", :value ""}',
      '{:type :invoke :process 2 :f :put :key "1" :value "a \\"q\\""} ; comment, key order and commas do not matter',
      '{:process 2, :type :info, :f :put, :key "1", :value "a \\"q\\"", :time 12345, :index 7}',
      '{:process :nemesis, :type :info, :f :start, :value nil}',
    ].join('\n');
    const p = parseKvEdn(text, 'kv.edn');
    expect(p.skipped).toBe(1);
    expect(p.history.map((e) => [e.process, e.type, e.f, e.key, e.input, e.output])).toEqual([
      [0, 'invoke', 'append', '0', 'x 0 0 y', undefined],
      [1, 'invoke', 'get', '0', null, undefined],
      [0, 'ok', 'append', '0', 'x 0 0 y', undefined],
      [1, 'ok', 'get', '0', undefined, ''],
      [2, 'invoke', 'put', '1', 'a "q"', undefined],
      [2, 'info', 'put', '1', 'a "q"', undefined],
    ]);
    const h = parseHistory(text, { file: 'kv.edn' });
    expect(h.format).toBe('kv');
    expect(h.operations.map((o) => o.status)).toEqual(['ok', 'ok', 'info']);
    expect(checkOperations(h.model, h.operations).verdict).toBe('linearizable');
  });

  it('names the file, line and problem', () => {
    const ok = '{:process 0, :type :invoke, :f :get, :key "0", :value nil}';
    const cases: [string, RegExp][] = [
      ['{:process 0, :type :invoke, :f :get, :key "0"', /"\{" is not closed/],
      ['{:process 0, :type :invoke, :f :get, :key "0, :value nil}', /string is not closed/],
      ['{:process 0, :f :get, :key "0", :value nil}', /missing :type/],
      ['{:process 0, :type :done, :f :get, :key "0", :value nil}', /:type must be :invoke, :ok, :fail or :info, found :done/],
      ['{:process 0, :type :invoke, :f :delete, :key "0", :value nil}', /:f must be :get, :put or :append, found :delete/],
      ['{:process 0, :type :invoke, :f :put, :key "0", :value 3}', /:value must be a string or nil, found 3/],
      ['{:process "p", :type :invoke, :f :put, :key "0", :value "v"}', /:process must be an integer, found "p"/],
      ['{:process 0, :type :invoke, :f :put, :key "0", :value}', /map key :value has no value/],
      ['[1 2]', /expected a map/],
      ['{:process 0, :type :ok, :f :get, :key "0", :value nil}', /an ok get must carry the value read as a string/],
    ];
    for (const [line, re] of cases) {
      const e = parseError(() => parseKvEdn(`${ok}\n${line}`, 'h.txt'));
      expect(e.line, line).toBe(2);
      expect(e.message, line).toMatch(/^h\.txt:2(:\d+)?: /);
      expect(e.problem, line).toMatch(re);
    }
  });
});

describe('JSON histories', () => {
  const events = [
    { process: 0, type: 'invoke', f: 'write', input: 1, time: 0 },
    { process: 0, type: 'ok', f: 'write', time: 10 },
    { process: 1, type: 'invoke', f: 'read', time: 20 },
    { process: 1, type: 'ok', f: 'read', output: 1, time: 30 },
  ];
  it('reads arrays, documents and JSON lines', () => {
    for (const text of [JSON.stringify(events), JSON.stringify({ model: 'register', history: events }), events.map((e) => JSON.stringify(e)).join('\n')]) {
      const h = parseHistory(text, { file: 'h.json' });
      expect(h.operations).toHaveLength(2);
      expect(h.timeUnit).toBe('ms');
      expect(checkOperations(h.model, h.operations).verdict).toBe('linearizable');
    }
    expect(parseHistory(JSON.stringify({ model: 'register', history: events })).modelName).toBe('register');
  });
  it('reports bad JSON and bad events with a location', () => {
    const jl = events.map((e) => JSON.stringify(e));
    jl[2] = '{"process": 1, "type": "invoke", "f": "read", "time": 20';
    const e = parseError(() => parseJsonHistory(jl.join('\n'), 'h.jsonl'));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^h\.jsonl:3:\d+: invalid JSON/);
    const e2 = parseError(() => parseJsonHistory(JSON.stringify([{ process: 0, type: 'start', f: 'read' }]), 'a.json'));
    expect(e2.message).toMatch(/a\.json: event #0: "type" must be "invoke", "ok", "fail" or "info", found "start"/);
    const e3 = parseError(() => parseHistory(JSON.stringify({ model: 'queue', history: events }), { file: 'q.json' }));
    expect(e3.message).toMatch(/unknown model "queue"/);
  });
});

describe('format detection', () => {
  it('by name and content', () => {
    expect(detectFormat(L(0, 'invoke', 'read', 'nil'), 'x.txt')).toBe('etcd');
    expect(detectFormat('{:process 0}', 'x.txt')).toBe('kv');
    expect(detectFormat('[]', 'x')).toBe('json');
    expect(detectFormat('{"process":0}', 'x')).toBe('json');
    expect(detectFormat('', 'x.edn')).toBe('kv');
    expect(detectFormat('hello', 'x.txt')).toBeUndefined();
    expect(parseError(() => parseHistory('hello', { file: 'x.txt' })).message).toMatch(/x\.txt: cannot tell the format.*--format/);
  });
});
