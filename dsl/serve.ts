/**
 * Serving declarations: how a sink's stored view is answered at request
 * time (docs/serving.md). `L.serve(params, stages)` goes into a sink's
 * options:
 *
 * ```ts
 * sink("sequences", {
 *   serve: L.serve(t.partial({ limit: t.number, hide: t.array(t.string) }), (q) => [
 *     L.serving.filterItems("events", (item) => q.params.field("hide").orElse([]).contains(item.field("type")).not()),
 *     L.serving.limit("events", q.params.field("limit")),
 *   ]),
 * })
 * ```
 *
 * Stages build expressions on the request scope: `q.row` (the stored row),
 * `q.params` (the decoded request parameters, typed by the codec) and, in
 * `filterItems`, `item`. The row's fields are checked when the pipeline is
 * compiled (its type is not known where a sink's options are written).
 *
 * @module
 */
import type * as t from "io-ts";
import { ast } from "../src/expr/ast.ts";
import type { ServeSpec, ServeStage } from "../src/plan/serve.ts";
import type { Executor } from "../src/registry/executor.ts";
import type { Registrable } from "../src/registry/registry.ts";
import { toSchema } from "../src/schema/to-schema.ts";
import { Expr, structOf, toAst } from "./expr.ts";
import type { Fields, Operand } from "./expr.ts";

/**
 * A stored row as the request stages see it. Its fields are checked by
 * validation when the definition is compiled, not by TypeScript.
 */
// biome-ignore lint/suspicious/noExplicitAny: the sink's row type is not known where its options are written; compile checks every row field read
export type StoredRow = any;

/** What request stages read: the stored row and the request parameters. */
export interface RequestScope<P> {
  readonly row: Expr<StoredRow>;
  readonly params: Expr<P>;
}

/** One request-time stage, as built by {@link serving}. */
export interface ServingStage {
  readonly stage: ServeStage;
  readonly uses?: readonly Registrable[];
}

/** A sink's serving declaration, as built by {@link serve}. */
export interface Serving {
  readonly spec: ServeSpec;
  readonly uses: readonly Registrable[];
}

/** Declares how a sink is served: its request parameters (an io-ts object codec) and request-time stages. */
export const serve = <C extends t.Mixed>(params: C, stages: (q: RequestScope<t.TypeOf<C>>) => readonly ServingStage[] = () => []): Serving => {
  const built = stages({ row: new Expr(ast.field("row")), params: new Expr(ast.field("params")) });
  return { spec: { params: toSchema(params), stages: built.map((s) => s.stage) }, uses: built.flatMap((s) => s.uses ?? []) };
};

/** The request-time stages. */
export const serving = {
  /** Keeps a row when `cond` is exactly true. */
  filter: (cond: Operand<boolean | null | undefined>): ServingStage => ({ stage: { op: "filter", expr: toAst(cond) } }),
  /** Replaces each row with an object built from expressions (e.g. a projection of `q.row`'s fields). */
  map: (fields: Fields): ServingStage => ({ stage: { op: "map", expr: structOf(fields) } }),
  /** In the array field `field` of each row, keeps the items for which `cond(item)` is exactly true. */
  filterItems: (field: string, cond: (item: Expr<StoredRow>) => Operand<boolean | null | undefined>): ServingStage => ({
    stage: { op: "filterItems", field, expr: toAst(cond(new Expr(ast.field("item")))) },
  }),
  /** Keeps the first `count` items of the array field `field`; a null count (e.g. a parameter not given) keeps all. */
  limit: (field: string, count: Operand<number | null | undefined>): ServingStage => ({ stage: { op: "limit", field, count: toAst(count) } }),
  /** Runs a registered executor's hooks on each row at request time (`enrich` under the plan's service policies). */
  apply: <I, O>(executor: Executor<I, O>): ServingStage => ({ stage: { op: "apply", executor: executor.ref }, uses: [executor] }),
};
