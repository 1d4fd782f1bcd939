import { rowOf, structOf } from "../expr.ts";
import type { Expr, Fields, ValuesOf } from "../expr.ts";
import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream, Windowing } from "../stream.ts";

/**
 * Replaces each element with a new object built from expressions.
 *
 * @example L.map((e) => ({ userId: e.field("userId"), seconds: e.field("ms").div(1000) }))
 */
export const map =
  <T, R extends Fields, K = null, W extends Windowing = "none">(build: (e: Expr<T>) => R, opts?: StageOptions) =>
  (s: Stream<T, K, W>): Stream<ValuesOf<R>, K, W> =>
    streamOf(node("map", [s.node], { expr: structOf(build(rowOf<T>())) }, opts));
