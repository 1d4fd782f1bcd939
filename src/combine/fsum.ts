/**
 * Exact floating-point summation (Shewchuk's algorithm, as Python's
 * `math.fsum`): the running sum is kept exactly as a list of non-overlapping
 * doubles ("partials"), so the final, correctly rounded result does not depend
 * on the order the numbers were added — which every runner needs for
 * identical `sum` and `mean` results.
 *
 * Reference: J. R. Shewchuk, "Adaptive Precision Floating-Point Arithmetic
 * and Fast Robust Geometric Predicates" (1997); CPython `Modules/mathmodule.c`.
 *
 * @module
 */

/**
 * Adds `x` to `partials` exactly, in place, and returns `partials`.
 * Afterwards the partials are non-zero, non-overlapping and increasing in
 * magnitude, and their exact sum is the exact sum of every number added.
 *
 * @throws RangeError when `x` is not finite, or when the exact running sum
 *   exceeds ±`Number.MAX_VALUE` (the partials are then unusable)
 */
export const fsumAdd = (partials: number[], x: number): number[] => {
  if (!Number.isFinite(x)) {
    throw new RangeError(`fsum: cannot add ${x}; only finite numbers have an exact sum. Fix: filter out NaN and ±Infinity before summing`);
  }
  let i = 0;
  for (let j = 0; j < partials.length; j++) {
    let y = partials[j]!;
    if (Math.abs(x) < Math.abs(y)) {
      const t = x;
      x = y;
      y = t;
    }
    const hi = x + y;
    if (!Number.isFinite(hi)) throw overflow();
    // Two-sum with |x| ≥ |y|: lo is exactly the rounding error of hi.
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  partials.length = i;
  // Zero partials carry nothing; leaving them out keeps accumulators small.
  if (x !== 0) partials.push(x);
  return partials;
};

const overflow = (): RangeError =>
  new RangeError("fsum: the running sum exceeded ±Number.MAX_VALUE (about 1.8e308). Fix: scale the values down before summing");

/**
 * The exact sum of `partials` rounded once to the nearest double (ties to
 * even). `-0` is returned as `0`; no partials give `0`.
 */
export const fsumValue = (partials: readonly number[]): number => {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n]!;
  let lo = 0;
  // Add from the largest partial down until the sum stops being exact.
  while (n > 0) {
    const x = hi;
    const y = partials[--n]!;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  // hi + lo rounded to even may be wrong when the remaining partials push the
  // exact value off the halfway point in the same direction as lo: re-round.
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi === 0 ? 0 : hi;
};

/** The correctly rounded sum of `values` (a convenience over {@link fsumAdd} and {@link fsumValue}). */
export const fsum = (values: Iterable<number>): number => {
  const partials: number[] = [];
  for (const v of values) fsumAdd(partials, v);
  return fsumValue(partials);
};
