/** The `count` aggregate. @module */

import type { Combiner } from "../types.ts";

/** Number of inputs, nulls included; the input itself is ignored. Accumulator: the count. */
export const countCombiner: Combiner<number, unknown, number> = {
  create: () => 0,
  add: (acc) => acc + 1,
  merge: (a, b) => a + b,
  extract: (acc) => acc,
};
