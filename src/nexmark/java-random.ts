/**
 * `java.util.Random`, bit for bit: the 48-bit linear congruential generator the JDK specifies
 * (`seed = seed × 0x5DEECE66D + 0xB mod 2^48`), so that a Nexmark event generated here is the event
 * Apache Beam's Java generator makes from the same seed.
 *
 * Why limbs: the product of a 48-bit seed and the 35-bit multiplier needs 83 bits, more than a double
 * holds exactly, and BigInt is far slower in the hot path. The seed is kept as two 24-bit halves;
 * every partial product is exact in a double or needed only modulo 2^32.
 *
 * @module
 */

const TWO_24 = 0x1000000;
const MASK_24 = 0xffffff;
const TWO_48 = 2 ** 48;
const INV_TWO_24 = 1 / TWO_24;
/** 0x5DEECE66D split into 24-bit halves. */
const MULT_HI = 0x5de;
const MULT_LO = 0xece66d;
const ADDEND = 0xb;

/** A `java.util.Random` with the JDK's exact sequence for a given seed. */
export class JavaRandom {
  private hi = 0;
  private lo = 0;

  /** `new Random(seed)`: `seed` is any integer in ±2^53 (Java's `long` beyond that is not needed here). */
  constructor(seed: number) {
    this.setSeed(seed);
  }

  /** `setSeed(seed)`: scrambles with the multiplier and keeps the low 48 bits, as the JDK does. */
  setSeed(seed: number): void {
    // Two's complement of a negative seed in its low 48 bits, computed without 64-bit integers.
    // Event ids (the seeds Nexmark uses) are below 2^48: skip the floating-point remainders then.
    const s = seed >= 0 && seed < TWO_48 ? seed : seed < 0 ? TWO_48 + (seed % TWO_48) : seed % TWO_48;
    const hi = Math.floor(s * INV_TWO_24); // < 2^24, and a power-of-two scale is exact
    const lo = s - hi * TWO_24;
    this.lo = (lo ^ MULT_LO) & MASK_24;
    this.hi = (hi ^ MULT_HI) & MASK_24;
  }

  /** `next(bits)` for 24 ≤ bits ≤ 32: the top `bits` of the new seed, as Java's signed `int`. */
  private next(bits: number): number {
    const { hi, lo } = this;
    // Low bits of a sum or product depend only on low bits of its terms, so wherever only the low 24
    // bits survive the mod 2^48, 32-bit integer arithmetic (Math.imul) is exact and much cheaper. The
    // next low half is such a case, and keeping it integer keeps the serial seed-to-seed chain short
    // (this is latency-bound: every draw waits for the previous seed).
    this.lo = (Math.imul(lo, MULT_LO) + ADDEND) & MASK_24;
    // The carry into the high half needs the whole product: < 2^48, exact in a double, and the
    // power-of-two scale is exact, so truncating to an int is the floor.
    const carry = ((lo * MULT_LO + ADDEND) * INV_TWO_24) | 0;
    this.hi = (Math.imul(hi, MULT_LO) + Math.imul(lo, MULT_HI) + carry) & MASK_24;
    return (this.hi << (bits - 24)) | (this.lo >>> (48 - bits));
  }

  /** `nextInt()`: a uniformly distributed signed 32-bit integer. */
  nextInt(): number {
    return this.next(32);
  }

  /**
   * `count` successive `nextInt()`s into `into[0 … count)`: the same values as that many calls, with
   * the seed in locals for the whole run rather than loaded from and stored to the object each draw
   * (the `extra` padding takes ~12 ints an event, the generator's largest single cost).
   */
  fillInts(into: Int32Array, count: number): void {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < count; i++) {
      const carry = ((lo * MULT_LO + ADDEND) * INV_TWO_24) | 0;
      hi = (Math.imul(hi, MULT_LO) + Math.imul(lo, MULT_HI) + carry) & MASK_24;
      lo = (Math.imul(lo, MULT_LO) + ADDEND) & MASK_24;
      into[i] = (hi << 8) | (lo >>> 16);
    }
    this.hi = hi;
    this.lo = lo;
  }

  /** `nextInt(bound)`: uniform in `[0, bound)` for 1 ≤ bound < 2^31, with the JDK's rejection loop. */
  nextIntBelow(bound: number): number {
    let r = this.next(31);
    const m = bound - 1;
    // A power of two: Java takes the top bits, `(bound · r) >> 31`, which is a shift by clz32(bound).
    if ((bound & m) === 0) return r >>> Math.clz32(bound);
    // Java retries while `u − r + m` overflows an int, so the accepted values are exactly uniform.
    for (let u = r; ((u - (r = u % bound) + m) | 0) < 0; ) u = this.next(31);
    return r;
  }

  /** `nextDouble()`: `(next(26) · 2^27 + next(27)) · 2^−53`. */
  nextDouble(): number {
    const a = this.next(26);
    const b = this.next(27);
    return (a * 134217728 + b) / 9007199254740992;
  }
}
