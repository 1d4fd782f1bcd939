/**
 * Aggregates for `combine`. Each names the element field (or expression) it
 * reads; `combine` checks the field exists on the stream's element type.
 *
 * @module
 */
import { ast } from "../src/expr/ast.ts";
import type { Expr as Ast } from "../src/expr/ast.ts";
import type { AggSpec } from "../src/plan/ir.ts";
import type { CustomCombiner } from "../src/registry/executor.ts";
import { rowOf } from "./expr.ts";
import type { Expr } from "./expr.ts";

/** Aggregate kinds. */
export type AggKind = "count" | "sum" | "min" | "max" | "mean" | "first" | "last" | "topK" | "collect" | "countDistinct" | "custom";

/** An aggregate reading field `F` (or an expression when `F` is `null`), producing `O` (`unknown` = derived from the field). */
export interface Agg<F extends string | null, Kd extends AggKind, O = unknown> {
  readonly kind: "agg";
  readonly spec: AggSpec;
  readonly combiner?: CustomCombiner;
  /** @internal phantom */
  readonly _types?: { readonly f: F; readonly k: Kd; readonly o: O };
}

/** A field name or an expression over the element. */
// biome-ignore lint/suspicious/noExplicitAny: an aggregate input reads any row type; unknown would refuse Expr<Row> by variance
export type AggInput<F extends string> = F | ((e: Expr<any>) => Expr<unknown>);

// biome-ignore lint/suspicious/noExplicitAny: the row type is not known here: the expression only builds an AST
const inputAst = (x: AggInput<string>): Ast => (typeof x === "string" ? ast.field(x) : x(rowOf<any>()).ast);
type FieldOfInput<X> = X extends string ? X : null;

const agg = <F extends string | null, Kd extends AggKind, O = unknown>(spec: AggSpec, combiner?: CustomCombiner): Agg<F, Kd, O> => ({
  kind: "agg",
  spec,
  ...(combiner ? { combiner } : {}),
});

/** Number of elements. */
export const count = (): Agg<null, "count", number> => agg({ fn: "count" });
/** Exact sum of the numeric values (order-independent; none → 0). */
export const sum = <X extends AggInput<string>>(x: X): Agg<FieldOfInput<X>, "sum", number> => agg({ fn: "sum", input: inputAst(x) });
/** Smallest numeric value, or null. */
export const min = <X extends AggInput<string>>(x: X): Agg<FieldOfInput<X>, "min", number | null> => agg({ fn: "min", input: inputAst(x) });
/** Largest numeric value, or null. */
export const max = <X extends AggInput<string>>(x: X): Agg<FieldOfInput<X>, "max", number | null> => agg({ fn: "max", input: inputAst(x) });
/** Mean of the numeric values, or null. */
export const mean = <X extends AggInput<string>>(x: X): Agg<FieldOfInput<X>, "mean", number | null> => agg({ fn: "mean", input: inputAst(x) });
/** The value of the earliest element by event time (ties by value), or null. */
export const first = <X extends AggInput<string>>(x: X): Agg<FieldOfInput<X>, "first"> => agg({ fn: "first", input: inputAst(x) });
/** The value of the latest element by event time (ties by value), or null. */
export const last = <X extends AggInput<string>>(x: X): Agg<FieldOfInput<X>, "last"> => agg({ fn: "last", input: inputAst(x) });
/** The `k` largest numeric values, descending. */
export const topK = <X extends AggInput<string>>(x: X, k: number): Agg<FieldOfInput<X>, "topK", number[]> => agg({ fn: "topK", input: inputAst(x), k });
/** All non-null values ordered by event time, then value. */
export const collect = <X extends AggInput<string>>(x: X): Agg<FieldOfInput<X>, "collect"> => agg({ fn: "collect", input: inputAst(x) });
/** Number of distinct non-null values. */
export const countDistinct = <X extends AggInput<string>>(x: X): Agg<FieldOfInput<X>, "countDistinct", number> =>
  agg({ fn: "countDistinct", input: inputAst(x) });
/** A user combiner over a field, an expression, or (with `"*"`) the whole element. */
// biome-ignore lint/suspicious/noExplicitAny: a custom combiner of any accumulator and input type (unknown would refuse them by variance)
export const aggregate = <O, X extends AggInput<string>>(combiner: CustomCombiner<any, any, O>, x: X): Agg<FieldOfInput<X>, "custom", O> =>
  agg({ fn: "custom", combiner: combiner.ref, input: x === "*" ? ast.row() : inputAst(x) }, combiner);

/** The output type of an aggregate over elements of type `T`. */
export type AggOut<T, A> =
  A extends Agg<infer F, infer Kd, infer O>
    ? Kd extends "first" | "last"
      ? F extends keyof T
        ? NonNullable<T[F]> | null
        : unknown
      : Kd extends "collect"
        ? F extends keyof T
          ? NonNullable<T[F]>[]
          : unknown[]
        : O
    : never;

/** The element fields an aggregate needs. */
export type AggNeeds<A> =
  // biome-ignore lint/suspicious/noExplicitAny: any in an infer pattern matches every Agg instantiation
  A extends Agg<infer F, any, any> ? (F extends string ? (F extends "*" ? unknown : { readonly [P in F]?: unknown }) : unknown) : unknown;
