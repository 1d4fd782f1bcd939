/** The `countDistinct` aggregate. @module */

import { canonicalJson } from "../../core/canonical.ts";
import type { Combiner } from "../types.ts";

/** Accumulator of `countDistinct`: one key per distinct value's canonical JSON (the value is always 1). */
export type DistinctAcc = { [canonical: string]: 1 };

/**
 * Number of distinct non-null inputs, compared by canonical JSON (so `1` and
 * `1.0`, or objects differing only in key order, are the same value).
 */
export const countDistinctCombiner: Combiner<DistinctAcc, unknown, number> = {
  create: () => ({}),
  add: (acc, input) => {
    const key = canonicalJson(input);
    // Keys are canonical JSON texts, never "__proto__" (strings keep their quotes).
    if (key !== "null") acc[key] = 1;
    return acc;
  },
  merge: (a, b) => Object.assign(a, b),
  extract: (acc) => Object.keys(acc).length,
};
