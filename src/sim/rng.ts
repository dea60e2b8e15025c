/**
 * Seeded pseudo-random numbers and deterministic math.
 *
 * Everything here uses only integer operations, `Math.imul`, `+ - * /` and
 * `Math.sqrt` (all of which IEEE 754 and ECMAScript define exactly), so a given seed
 * gives the same numbers in every JavaScript engine. `Math.log`/`Math.exp` are
 * "implementation-approximated" by the spec and are therefore NOT used.
 *
 * @module
 */

/** 32-bit string hash (FNV-1a), used to derive independent stream seeds from labels. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One step of splitmix32: a good scrambler for turning seeds into generator state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * xoshiro128** generator (Blackman and Vigna), seeded through splitmix32.
 *
 * @example
 * const rng = Rng.stream(42, 'network');
 * rng.float();      // in [0, 1)
 * rng.int(6);       // 0..5
 * rng.chance(0.01); // true about 1% of the time
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const st = { s: seed | 0 };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /**
   * An independent stream for `label` under `seed`. Streams with different labels do not
   * affect each other: drawing more numbers from one never shifts another.
   */
  static stream(seed: number, label: string): Rng {
    return new Rng((Math.imul(seed | 0, 0x9e3779b1) ^ hash32(label)) | 0);
  }

  /** Next unsigned 32-bit integer. */
  next(): number {
    const b = this.b;
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    const t = b << 9;
    this.c ^= this.a;
    this.d ^= b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r >>> 0;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** True with probability p. Draws exactly one number, whatever p is. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A uniformly chosen element (throws on an empty array). */
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('Rng.pick: empty array');
    return xs[this.int(xs.length)] as T;
  }

  /** Fisher-Yates shuffle into a new array. */
  shuffle<T>(xs: readonly T[]): T[] {
    const out = xs.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** Standard normal deviate (Marsaglia polar method, deterministic log). */
  normal(): number {
    for (;;) {
      const u = 2 * this.float() - 1;
      const v = 2 * this.float() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt((-2 * detLog(s)) / s);
    }
  }

  /** Exponential deviate with the given mean. */
  exponential(mean: number): number {
    return -mean * detLog(1 - this.float());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** ln 2 */
const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;

/**
 * Natural logarithm using only exactly-specified operations (same bits everywhere).
 * Accurate to about 1e-15 relative error. Returns -Infinity for 0 and NaN for negatives.
 */
export function detLog(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  let e = 0;
  let m = x;
  while (m >= 2) { m /= 2; e++; }
  while (m < 1) { m *= 2; e--; }
  if (m > SQRT2) { m /= 2; e++; }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let term = s;
  let sum = 0;
  for (let k = 1; k < 40; k += 2) {
    sum += term / k;
    term *= s2;
  }
  return e * LN2 + 2 * sum;
}

/** e^x using only exactly-specified operations. */
export function detExp(x: number): number {
  if (x !== x) return NaN;
  if (x > 709) return Infinity;
  if (x < -745) return 0;
  const k = Math.round(x / LN2);
  const r = x - k * LN2;
  let term = 1;
  let sum = 1;
  for (let i = 1; i < 30; i++) {
    term *= r / i;
    sum += term;
  }
  let scale = 1;
  if (k > 0) for (let i = 0; i < k; i++) scale *= 2;
  else for (let i = 0; i < -k; i++) scale /= 2;
  return sum * scale;
}
