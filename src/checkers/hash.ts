/**
 * Small, fast 32-bit hashes for model states (no Node APIs).
 * @module
 */

/** FNV-1a over UTF-16 code units, finished with a murmur3 mix. */
export function hashString(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return mix32(h ^ s.length);
}

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * Hash any value: primitives directly, other values through `JSON.stringify`
 * (give a model a `hash` for non-primitive states; this fallback is slow).
 */
export function hashValue(v: unknown): number {
  switch (typeof v) {
    case 'number':
      if ((v | 0) === v) return mix32(v ^ 0x2545f491);
      return hashString('n' + String(v));
    case 'string':
      return hashString(v);
    case 'boolean':
      return v ? 0x5bd1e995 : 0x1b873593;
    case 'undefined':
      return 0x68e31da4;
    case 'bigint':
      return hashString('b' + v.toString());
    default:
      if (v === null) return 0x7feb352d;
      return hashString('j' + stableJson(v));
  }
}

/** Equality for states: `===`, then structural (via JSON) for objects. */
export function equalValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  return stableJson(a) === stableJson(b);
}

/** JSON with object keys sorted, and Maps/Sets as sorted entry lists, so equal values give equal text. */
export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof Map) return { $map: [...x.entries()].sort((p, q) => (String(p[0]) < String(q[0]) ? -1 : 1)) };
    if (x instanceof Set) return { $set: [...x].sort() };
    if (x && typeof x === 'object' && !Array.isArray(x)) {
      const o = x as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(o).sort()) out[k] = o[k];
      return out;
    }
    return x;
  });
}
