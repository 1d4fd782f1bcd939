/** The `min` and `max` aggregates. @module */

import type { Combiner } from "../types.ts";
import { numericInput } from "./numeric.ts";

// numericInput turns -0 into 0, so Math.min(0, -0) never yields -0 here.
const extreme = (pick: (a: number, b: number) => number): Combiner<number | null, unknown, number | null> => ({
  create: () => null,
  add: (acc, input) => {
    const x = numericInput(input);
    return x === null ? acc : acc === null ? x : pick(acc, x);
  },
  merge: (a, b) => (a === null ? b : b === null ? a : pick(a, b)),
  extract: (acc) => acc,
});

/** Smallest numeric input (non-numbers and null ignored; -0 counts as 0); none → null. Accumulator: the minimum or null. */
export const minCombiner = extreme(Math.min);

/** Largest numeric input (non-numbers and null ignored; -0 counts as 0); none → null. Accumulator: the maximum or null. */
export const maxCombiner = extreme(Math.max);
