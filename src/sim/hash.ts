/**
 * 64-bit FNV-1a over UTF-16 code units, computed with two 32-bit halves (no BigInt),
 * so it runs the same in Node and in a browser worker.
 * @module
 */

/** Incremental FNV-1a-64 state. Feed strings with {@link Fnv64.update}, read {@link Fnv64.hex}. */
export class Fnv64 {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;

  /** Mix in every UTF-16 code unit of `s`. */
  update(s: string): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < s.length; i++) {
      lo = (lo ^ s.charCodeAt(i)) >>> 0;
      // (hi:lo) * 0x100000001b3 = (hi:lo) * 0x1b3 + ((lo << 40) mod 2^64)
      const loProd = lo * 0x1b3;
      const carry = Math.floor(loProd / 4294967296);
      hi = (hi * 0x1b3 + carry + ((lo << 8) >>> 0)) >>> 0;
      lo = loProd >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  /** The 64-bit digest as 16 lowercase hex digits. */
  hex(): string {
    return (this.hi >>> 0).toString(16).padStart(8, '0') + (this.lo >>> 0).toString(16).padStart(8, '0');
  }
}

/** FNV-1a-64 of a string, as 16 hex digits. */
export function fnv1a64(s: string): string {
  return new Fnv64().update(s).hex();
}
