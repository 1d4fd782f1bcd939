/** The `topK` aggregate. @module */

import type { Combiner } from "../types.ts";
import { numericInput } from "./numeric.ts";

/**
 * The `k` largest numeric inputs in descending order, duplicates kept
 * (non-numbers and null ignored; -0 counts as 0); none → [].
 * Accumulator: the current top list, descending, at most `k` long.
 */
export const topKCombiner = (k: number): Combiner<number[], unknown, number[]> => ({
  create: () => [],
  add: (acc, input) => {
    const x = numericInput(input);
    if (x === null || (acc.length >= k && x <= acc[acc.length - 1]!)) return acc;
    // Binary search for the first position holding a smaller value.
    let lo = 0;
    let hi = acc.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (acc[mid]! >= x) lo = mid + 1;
      else hi = mid;
    }
    acc.splice(lo, 0, x);
    if (acc.length > k) acc.pop();
    return acc;
  },
  merge: (a, b) => {
    const out: number[] = [];
    let i = 0;
    let j = 0;
    while (out.length < k && (i < a.length || j < b.length)) {
      out.push(j >= b.length || (i < a.length && a[i]! >= b[j]!) ? a[i++]! : b[j++]!);
    }
    return out;
  },
  extract: (acc) => acc.slice(),
});
