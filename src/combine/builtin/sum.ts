/** The `sum` aggregate. @module */

import { fsumAdd, fsumValue } from "../fsum.ts";
import type { Combiner } from "../types.ts";
import { numericInput } from "./numeric.ts";

/**
 * Exact, order-independent sum of the numeric inputs (non-numbers and null
 * ignored), correctly rounded once; no inputs → 0.
 * Accumulator: the fsum partials array.
 */
export const sumCombiner: Combiner<number[], unknown, number> = {
  create: () => [],
  add: (acc, input) => {
    const x = numericInput(input);
    return x === null ? acc : fsumAdd(acc, x);
  },
  merge: (a, b) => {
    for (const p of b) fsumAdd(a, p);
    return a;
  },
  extract: fsumValue,
};
