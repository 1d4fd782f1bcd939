import type { Agg, AggNeeds, AggOut } from "../aggregates.ts";
import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream, Windowing } from "../stream.ts";

/** The window bounds a windowed aggregate adds to its rows (`null` for the global window). */
export interface WindowFields {
  readonly windowStart: number | null;
  readonly windowEnd: number | null;
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Needs<A> = UnionToIntersection<{ [P in keyof A]: AggNeeds<A[P]> }[keyof A]>;

/** A combine's output row: the key fields, the window bounds when windowed, the aggregates. */
export type CombineOut<T, K, W extends Windowing, A> = K &
  (W extends "windowed" ? WindowFields : unknown) & { readonly [P in keyof A]: AggOut<T, A[P]> };

/**
 * Aggregates each key (and window) into one row. Without a `window` stage
 * upstream the whole input is one global window, emitted at end of input.
 *
 * @example L.combine({ events: L.count(), spent: L.sum("amount") })
 */
export const combine =
  <A extends Readonly<Record<string, Agg<any, any, any>>>>(aggs: A, opts?: StageOptions) =>
  <T extends Needs<A>, K extends object, W extends Windowing>(s: Stream<T, K, W>): Stream<CombineOut<T, K, W, A>, K, W> =>
    streamOf(
      node(
        "combine",
        [s.node],
        { aggs: Object.entries(aggs).map(([name, a]) => [name, a.spec] as const) },
        opts,
        { uses: Object.values(aggs).flatMap((a) => (a.combiner ? [a.combiner] : [])) },
      ),
    );
