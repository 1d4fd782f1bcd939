/** The `collect` aggregate. @module */

import type { Json } from "../../expr/ast.ts";
import { toPlainJson } from "../json.ts";
import type { Combiner } from "../types.ts";
import { checkTs, compareTimed } from "./timed.ts";

/**
 * All non-null inputs, ordered by event time and then by value order;
 * none → []. Accumulator: unordered `[ts, value]` pairs — sorting is left to
 * `extract`, so `add` stays O(1).
 */
export const collectCombiner: Combiner<[number, Json][], unknown, Json[]> = {
  create: () => [],
  add: (acc, input, ts) => {
    const value = toPlainJson(input);
    if (value !== null) acc.push([checkTs(ts, "collect"), value]);
    return acc;
  },
  merge: (a, b) => {
    // A loop, not push(...b): spreading a large array overflows the call stack.
    for (const pair of b) a.push(pair);
    return a;
  },
  extract: (acc) => [...acc].sort(([ta, va], [tb, vb]) => compareTimed(ta, va, tb, vb)).map(([, value]) => value),
};
