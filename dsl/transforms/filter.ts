import { rowOf } from "../expr.ts";
import type { Expr } from "../expr.ts";
import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream, Windowing } from "../stream.ts";

/** Keeps the elements for which the condition is exactly `true` (`null` drops). */
export const filter =
  <T, K = null, W extends Windowing = "none">(cond: (e: Expr<T>) => Expr<boolean | null>, opts?: StageOptions) =>
  (s: Stream<T, K, W>): Stream<T, K, W> =>
    streamOf(node("filter", [s.node], { expr: cond(rowOf<T>()).ast }, opts));
