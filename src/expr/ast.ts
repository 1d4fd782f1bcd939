/**
 * The expression AST: the serializable form of every expression a pipeline
 * definition holds (filters, maps, keys, timestamps, aggregate inputs).
 *
 * It is plain JSON so a definition can travel between processes and runners,
 * and it is closed: only the operators listed in {@link FUNCTIONS} exist, so a
 * loaded definition can never run code its author did not write into lockstep.
 *
 * Null semantics (see docs/semantics.md, "Expressions"): a missing field reads
 * as `null`; every operator except `and`, `or`, `isNull`, `coalesce` and `if`
 * returns `null` when any operand is `null`; arithmetic that yields a
 * non-finite number (division by zero, overflow) yields `null`.
 *
 * @module
 */
import { catalogueEntries } from "./catalogue/index.ts";
import type { CatalogueName } from "./catalogue/index.ts";

/** Any JSON value a literal may hold. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A read of the current element: `path` walks nested objects (`["a","b"]` is `row.a.b`). */
export interface FieldExpr {
  readonly op: "field";
  readonly path: readonly string[];
}

/** A constant. */
export interface LitExpr {
  readonly op: "lit";
  readonly value: Json;
}

/** The current element as a whole (used by flatMap items and custom aggregate inputs). */
export interface RowExpr {
  readonly op: "row";
}

/** An object built from named sub-expressions; field order is kept. */
export interface StructExpr {
  readonly op: "struct";
  readonly fields: readonly (readonly [string, Expr])[];
}

/** An array built from sub-expressions. */
export interface ArrayExpr {
  readonly op: "array";
  readonly items: readonly Expr[];
}

/** A call of one of the closed set of {@link FUNCTIONS}. */
export interface CallExpr {
  readonly op: "call";
  readonly fn: FunctionName;
  readonly args: readonly Expr[];
}

/** Every expression node. */
export type Expr = FieldExpr | LitExpr | RowExpr | StructExpr | ArrayExpr | CallExpr;

/** Names of the functions an expression may call (the entries of `catalogue/`). */
export type FunctionName = CatalogueName;

/**
 * The closed function catalogue's arities `[min, max]` (max `-1` = variadic),
 * read from the catalogue (`src/expr/catalogue/`, where each function's
 * one-line rule, argument kinds, null rule and emitters are); the codec checks
 * calls against it.
 */
export const FUNCTIONS: { readonly [F in FunctionName]: readonly [number, number] } = Object.freeze(
  Object.fromEntries(catalogueEntries().map(([name, spec]) => [name, spec.arity])) as { [F in FunctionName]: readonly [number, number] },
);

/** True when `name` is a function in the catalogue. */
export const isFunctionName = (name: string): name is FunctionName => Object.hasOwn(FUNCTIONS, name);

/** Constructors for AST nodes (used by the DSL builder and by tests). */
export const ast = {
  field: (...path: string[]): FieldExpr => ({ op: "field", path }),
  lit: (value: Json): LitExpr => ({ op: "lit", value }),
  row: (): RowExpr => ({ op: "row" }),
  struct: (fields: readonly (readonly [string, Expr])[]): StructExpr => ({ op: "struct", fields }),
  array: (items: readonly Expr[]): ArrayExpr => ({ op: "array", items }),
  call: (fn: FunctionName, ...args: Expr[]): CallExpr => ({ op: "call", fn, args }),
};
