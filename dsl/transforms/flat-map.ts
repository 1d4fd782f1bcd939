import { rowOf } from "../expr.ts";
import type { Expr } from "../expr.ts";
import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream, Windowing } from "../stream.ts";

/** Options of {@link flatMap}. */
export interface FlatMapOptions<A extends string> extends StageOptions {
  /** Wrap each item as `{ [as]: item }` (needed when items are not objects). */
  readonly as: A;
}

/**
 * Replaces each element with the items of an array expression; a `null`
 * array yields nothing. Items inherit the element's event time and key.
 *
 * @example L.flatMap((e) => e.field("line").lower().split(/[^a-z']+/), { as: "word" })
 */
export const flatMap =
  <T, I, A extends string, K = null, W extends Windowing = "none">(items: (e: Expr<T>) => Expr<readonly I[] | I[] | null>, opts: FlatMapOptions<A>) =>
  (s: Stream<T, K, W>): Stream<{ [P in A]: I }, K, W> =>
    streamOf(node("flatMap", [s.node], { expr: items(rowOf<T>()).ast, as: opts.as }, opts));
