/**
 * The built-in aggregates by name. Their semantics are a cross-runner
 * contract: results do not depend on the order inputs are added or
 * accumulators merged.
 *
 * @module
 */

import { DefinitionError } from "../core/errors.ts";
import { collectCombiner } from "./builtin/collect.ts";
import { countDistinctCombiner } from "./builtin/count-distinct.ts";
import { countCombiner } from "./builtin/count.ts";
import { firstCombiner, lastCombiner } from "./builtin/firstlast.ts";
import { meanCombiner } from "./builtin/mean.ts";
import { maxCombiner, minCombiner } from "./builtin/minmax.ts";
import { sumCombiner } from "./builtin/sum.ts";
import { topKCombiner } from "./builtin/topk.ts";
import type { BuiltinAgg, Combiner } from "./types.ts";

/** Names of the built-in aggregates. */
export const BUILTIN_AGGS = ["count", "sum", "min", "max", "mean", "first", "last", "topK", "collect", "countDistinct"] as const;

/** Every problem with a built-in aggregate spec (unknown `fn`, bad `k`); `where` prefixes each path. */
export const validateBuiltinAgg = (agg: BuiltinAgg, where: string): DefinitionError[] => {
  const fn: unknown = agg?.fn;
  if (typeof fn !== "string" || !(BUILTIN_AGGS as readonly string[]).includes(fn)) {
    return [
      new DefinitionError(
        `${where}.fn`,
        `unknown aggregate ${JSON.stringify(fn) ?? String(fn)}`,
        `use one of ${BUILTIN_AGGS.join(", ")}, or a custom combiner`,
      ),
    ];
  }
  if (fn === "topK") {
    const k: unknown = (agg as { k?: unknown }).k;
    if (typeof k !== "number" || !Number.isSafeInteger(k) || k < 1) {
      return [
        new DefinitionError(
          `${where}.k`,
          `topK needs k, a whole number ≥ 1, got ${JSON.stringify(k) ?? String(k)}`,
          `set k to how many of the largest values to keep, e.g. 3`,
        ),
      ];
    }
  }
  return [];
};

/**
 * The combiner for a built-in aggregate:
 *
 * - `count`: number of inputs, nulls included.
 * - `sum`: exact sum of the numeric inputs, correctly rounded (Shewchuk / fsum); none → 0.
 * - `mean`: that exact sum divided by the number of numeric inputs; none → null.
 * - `min`, `max`: of the numeric inputs, -0 read as 0; none → null.
 * - `first`, `last`: the input with the smallest / largest event time, ties to the
 *   smallest / largest canonical JSON; none → null.
 * - `topK(k)`: the k largest numeric inputs, descending, duplicates kept; none → [].
 * - `collect`: all non-null inputs by (event time, canonical JSON) ascending; none → [].
 * - `countDistinct`: number of distinct non-null inputs by canonical JSON.
 *
 * "Numeric" means a finite number: null, strings, booleans, NaN and ±Infinity
 * are ignored by the numeric aggregates. Null (and undefined) inputs are ignored
 * by all but `count`. Value results are plain-JSON copies of the inputs
 * (keys sorted, -0 as 0).
 *
 * @param where  path named in errors (defaults to `"aggregate"`)
 * @throws DefinitionError for an unknown `fn` or a bad `k`
 */
export const builtinCombiner = (agg: BuiltinAgg, where?: string): Combiner => {
  const errors = validateBuiltinAgg(agg, where ?? "aggregate");
  if (errors.length > 0) throw errors[0]!;
  switch (agg.fn) {
    case "count":
      return countCombiner;
    case "sum":
      return sumCombiner;
    case "mean":
      return meanCombiner;
    case "min":
      return minCombiner;
    case "max":
      return maxCombiner;
    case "first":
      return firstCombiner;
    case "last":
      return lastCombiner;
    case "topK":
      return topKCombiner(agg.k);
    case "collect":
      return collectCombiner;
    case "countDistinct":
      return countDistinctCombiner;
  }
};
