/** The `first` and `last` aggregates. @module */

import type { Json } from "../../expr/ast.ts";
import { toPlainJson } from "../json.ts";
import type { Combiner } from "../types.ts";
import { checkTs, compareTimed } from "./timed.ts";

/** Accumulator of `first`/`last`: the chosen input (as plain JSON) and its event time, or null before any input. */
export type TimedValue = { ts: number; value: Json } | null;

// `sign` 1 keeps the smallest (ts, value) in value order, -1 the largest.
const byTime = (name: string, sign: 1 | -1): Combiner<TimedValue, unknown, Json> => {
  const better = (a: { ts: number; value: Json }, b: { ts: number; value: Json }): boolean => sign * compareTimed(a.ts, a.value, b.ts, b.value) < 0;
  return {
    create: () => null,
    add: (acc, input, ts) => {
      const value = toPlainJson(input);
      if (value === null) return acc;
      const cand = { ts: checkTs(ts, name), value };
      return acc === null || better(cand, acc) ? cand : acc;
    },
    merge: (a, b) => (a === null ? b : b === null ? a : better(b, a) ? b : a),
    extract: (acc) => (acc === null ? null : acc.value),
  };
};

/**
 * The input with the smallest event time; ties go to the smallest value
 * in value order. Null inputs are ignored; none → null.
 */
export const firstCombiner = byTime("first", 1);

/**
 * The input with the largest event time; ties go to the largest value
 * in value order. Null inputs are ignored; none → null.
 */
export const lastCombiner = byTime("last", -1);
