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

/**
 * The closed function catalogue with arity `[min, max]` (max `-1` = variadic).
 * Semantics of each, in one line, because this table is the contract the JS and
 * arquero compilers both implement:
 */
export const FUNCTIONS = {
  // arithmetic (numbers; null in → null out; non-finite result → null)
  add: [2, 2], // a + b
  sub: [2, 2], // a - b
  mul: [2, 2], // a * b
  div: [2, 2], // a / b; b = 0 → null
  mod: [2, 2], // a % b (sign of a, like JS); b = 0 → null
  neg: [1, 1], // -a
  abs: [1, 1],
  floor: [1, 1],
  ceil: [1, 1],
  round: [1, 1], // half away from zero: round(-2.5) = -3, round(2.5) = 3
  // comparison (numbers with numbers, strings with strings by UTF-16 code unit,
  // booleans with booleans; mixed types → null; null operand → null)
  eq: [2, 2], // deep equality for arrays/objects (canonical JSON equality)
  neq: [2, 2],
  lt: [2, 2],
  lte: [2, 2],
  gt: [2, 2],
  gte: [2, 2],
  // three-valued boolean logic (SQL): and(false, null) = false, and(true, null) = null,
  // or(true, null) = true, or(false, null) = null, not(null) = null. Non-boolean → null.
  and: [2, -1],
  or: [2, -1],
  not: [1, 1],
  // null handling
  isNull: [1, 1], // true when null or missing, never null itself
  coalesce: [2, -1], // first non-null argument, else null
  if: [3, 3], // if(cond, then, else): `then` only when cond is exactly true
  // strings (non-string operand → null)
  lower: [1, 1],
  upper: [1, 1],
  trim: [1, 1],
  length: [1, 1], // string length in UTF-16 code units, or array length
  concat: [2, -1], // string concatenation; any null → null
  substring: [2, 3], // substring(s, start, end?) as String.prototype.substring
  startsWith: [2, 2],
  endsWith: [2, 2],
  contains: [2, 2], // substring test for strings; element test (canonical equality) for arrays
  // regexes are RE2 (linear time; no backreferences or lookaround), one engine for every runner: src/expr/regex.ts
  replace: [3, 3], // replace(s, pattern, replacement): all matches of the regex `pattern`; `$1`, `$<name>`, `$&`, `$$` as in JS
  split: [2, 2], // split(s, pattern): pieces of s split by the regex `pattern` (cut as JS split cuts), empty pieces kept
  matches: [2, 2], // regex test: does some part of s match `pattern`
  // conversion
  toString: [1, 1], // numbers via JS String(), booleans "true"/"false", strings unchanged, others → canonical JSON
  toNumber: [1, 1], // Number(s) for strings when finite, else null; numbers unchanged; booleans 1/0
  // arrays and objects
  get: [2, 2], // get(objectOrArray, keyOrIndex): member access with a computed key; missing → null
  size: [1, 1], // number of elements of an array or keys of an object
} as const satisfies Record<string, readonly [number, number]>;

/** Names of the functions an expression may call. */
export type FunctionName = keyof typeof FUNCTIONS;

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
