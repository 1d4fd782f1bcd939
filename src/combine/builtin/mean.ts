/** The `mean` aggregate. @module */

import { fsumAdd, fsumValue } from "../fsum.ts";
import type { Combiner } from "../types.ts";
import { numericInput } from "./numeric.ts";

/** Accumulator of `mean`: `n` numeric inputs whose exact sum is held as fsum partials `p`. */
export type MeanAcc = { n: number; p: number[] };

/**
 * The exact sum of the numeric inputs (correctly rounded) divided by their
 * count; non-numbers and null are ignored; none → null.
 */
export const meanCombiner: Combiner<MeanAcc, unknown, number | null> = {
  create: () => ({ n: 0, p: [] }),
  add: (acc, input) => {
    const x = numericInput(input);
    if (x !== null) {
      fsumAdd(acc.p, x);
      acc.n += 1;
    }
    return acc;
  },
  merge: (a, b) => {
    for (const p of b.p) fsumAdd(a.p, p);
    a.n += b.n;
    return a;
  },
  extract: (acc) => (acc.n === 0 ? null : fsumValue(acc.p) / acc.n),
};
