import { rowOf } from "../expr.ts";
import type { Expr } from "../expr.ts";
import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream, Windowing } from "../stream.ts";

/**
 * Sets each element's event time (ms since the epoch) and advances its source
 * key's clock. An element whose time is not a finite number goes to the dead
 * letters.
 */
export const withTimestamps =
  <T, K = null, W extends Windowing = "none">(time: (e: Expr<T>) => Expr<number | null | undefined>, opts?: StageOptions) =>
  (s: Stream<T, K, W>): Stream<T, K, W> =>
    streamOf(node("withTimestamps", [s.node], { expr: time(rowOf<T>()).ast }, opts));
