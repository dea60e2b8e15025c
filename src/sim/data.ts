/**
 * Copying and comparing plain data (messages, logs, storage values).
 * @module
 */

/**
 * Deep-copy JSON-like data, optionally freezing the copy. Throws a readable error for
 * things that are not plain data (functions, Maps, Sets, class instances, bigint...),
 * because those would not survive a real network or disk.
 */
export function cloneData<T>(v: T, freeze: boolean, what: string): T {
  return copy(v, freeze, what, 0) as T;
}

function prim(x: unknown, path: string): unknown {
  const ty = typeof x;
  if (ty === 'function' || ty === 'bigint' || ty === 'symbol') {
    throw new TypeError(`${path} contains a ${ty}; messages, logs and storage may only hold plain data (JSON)`);
  }
  return x;
}

function copy(v: unknown, freeze: boolean, path: string, depth: number): unknown {
  if (v === null || typeof v !== 'object') {
    const ty = typeof v;
    if (ty === 'function' || ty === 'bigint' || ty === 'symbol') {
      throw new TypeError(`${path} is a ${ty}; messages, logs and storage may only hold plain data (JSON)`);
    }
    return v;
  }
  if (depth > 200) throw new TypeError(`${path} is nested too deeply (a cycle?)`);
  if (Array.isArray(v)) {
    const n = v.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = copy(v[i], freeze, path, depth + 1);
    return freeze ? Object.freeze(out) : out;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const name = (v as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new TypeError(
      `${path} contains a ${name}; messages, logs and storage may only hold plain data (objects, arrays, strings, numbers, booleans, null). Convert it, e.g. [...set] or Object.fromEntries(map).`,
    );
  }
  // Object spread is V8's fastest shallow copy of a plain object (it clones the shape);
  // then nested values are copied and primitives checked. For the usual flat message this
  // is about twice as fast as Object.assign with a helper call per value.
  const out = { ...(v as Record<string, unknown>) };
  for (const k in out) {
    const x = out[k];
    const ty = typeof x;
    if (ty === 'object') {
      if (x !== null) out[k] = copy(x, freeze, path, depth + 1);
    } else if (ty === 'function' || ty === 'bigint' || ty === 'symbol') prim(x, path);
  }
  return freeze ? Object.freeze(out) : out;
}

/**
 * JSON with object keys sorted, so two structurally equal values give the same string
 * regardless of the order their keys were inserted. Used to compare replica states.
 */
export function canonicalJSON(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? String(v);
  if (Array.isArray(v)) return '[' + v.map((x) => (x === undefined ? 'null' : canonicalJSON(x))).join(',') + ']';
  if (v instanceof Set) return 'Set' + canonicalJSON([...v].map((x) => canonicalJSON(x)).sort());
  if (v instanceof Map) return 'Map' + canonicalJSON([...v.entries()].map(([k, x]) => [canonicalJSON(k), canonicalJSON(x)]).sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0)));
  const keys = Object.keys(v).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined) continue;
    parts.push(JSON.stringify(k) + ':' + canonicalJSON(x));
  }
  return '{' + parts.join(',') + '}';
}
