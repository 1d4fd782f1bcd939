import { DefinitionError } from "../../src/core/errors.ts";
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
export type CombineOut<T, K, W extends Windowing, A> = K & (W extends "windowed" ? WindowFields : unknown) & { readonly [P in keyof A]: AggOut<T, A[P]> };

/**
 * Aggregates each key (and window) into one row. Without a `window` stage
 * upstream the whole input is one global window, emitted at end of input.
 *
 * Aggregates have no default output name: each is named by its key in
 * `aggs`, so `L.combine(L.count())` is refused here, at build time.
 *
 * @example L.combine({ events: L.count(), spent: L.sum("amount") })
 */
// biome-ignore lint/suspicious/noExplicitAny: a constraint that accepts every Agg instantiation
export const combine = <A extends Readonly<Record<string, Agg<any, any, any>>>>(aggs: A, opts?: StageOptions) => {
  checkAggs(aggs, opts);
  return <T extends Needs<A>, K extends object, W extends Windowing>(s: Stream<T, K, W>): Stream<CombineOut<T, K, W, A>, K, W> =>
    streamOf(
      node("combine", [s.node], { aggs: Object.entries(aggs).map(([name, a]) => [name, a.spec] as const) }, opts, {
        uses: Object.values(aggs).flatMap((a) => (a.combiner ? [a.combiner] : [])),
      }),
    );
};

// biome-ignore lint/suspicious/noExplicitAny: a guard for every Agg instantiation
const isAgg = (x: unknown): x is Agg<any, any, any> =>
  typeof x === "object" && x !== null && (x as { kind?: unknown }).kind === "agg" && typeof (x as { spec?: unknown }).spec === "object";

/** Refuses what plain JavaScript (or a TypeScript file that is not type-checked) can pass in place of named aggregates. */
const checkAggs = (aggs: unknown, opts: StageOptions | undefined): void => {
  const at = opts?.name !== undefined ? `stage "${opts.name}" (combine)` : "combine";
  if (isAgg(aggs)) {
    const fn = aggs.spec.fn;
    const call = fn === "count" ? "L.count()" : fn === "custom" ? "L.aggregate(…)" : `L.${fn}(…)`;
    throw new DefinitionError(
      at,
      `the ${fn} aggregate has no output name (combine takes an object of named aggregates; there is no default name)`,
      `name it: L.combine({ ${fn === "custom" ? "value" : fn}: ${call} })`,
    );
  }
  if (typeof aggs !== "object" || aggs === null || Array.isArray(aggs)) {
    throw new DefinitionError(
      at,
      `expected an object of named aggregates, found ${Array.isArray(aggs) ? "an array" : String(aggs)}`,
      'write e.g. L.combine({ events: L.count(), spent: L.sum("amount") })',
    );
  }
  for (const [name, a] of Object.entries(aggs)) {
    if (!isAgg(a))
      throw new DefinitionError(at, `the aggregate "${name}" is not an aggregate`, `use one of L.count(), L.sum(…), L.min(…), … e.g. { ${name}: L.count() }`);
  }
};
