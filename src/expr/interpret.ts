/**
 * A tree-walking interpreter for the expression AST: slow, short and meant to
 * be obviously correct. It is the oracle the code-generating compiler
 * (`compile-js.ts`) is tested against, and the executable statement of the
 * semantics the one-line rules of the catalogue (`catalogue/`) describe. It
 * does not read the catalogue on purpose: an oracle written apart from the
 * emitters is what makes comparing them with it worth something
 * (`test/expr/catalogue.test.ts` checks both name the same functions).
 *
 * Rules beyond the catalogue's one-liners, fixed here so every runner agrees:
 * - Values are classified as null (null or undefined), number, string,
 *   boolean, array, object or "other"; functions only accept the kinds their
 *   rule names, anything else gives `null`.
 * - A field path walks plain objects only, reading own properties; stepping
 *   into an array, a primitive or a missing key gives `null`.
 * - Evaluation is eager and left to right, except `and`/`or` (stop at the first
 *   `false`/`true`), `coalesce` (stops at the first non-null) and `if` (evaluates
 *   only the branch it takes). This only matters for errors: a regex pattern
 *   computed at run time that is invalid throws `ExpressionError` (regex.ts), which
 *   runners turn into a dead letter of the element.
 * - Any number result that is not finite is `null`.
 *
 * @module
 */

import { canonicalJson } from "../core/canonical.ts";
import type { Expr, FunctionName } from "./ast.ts";
import { runtimeRegex } from "./regex.ts";

/** The kind of a runtime value, as the function rules see it. */
type Kind = "null" | "number" | "string" | "boolean" | "array" | "object" | "other";

const kindOf = (v: unknown): Kind => {
  if (v === null || v === undefined) return "null";
  const t = typeof v;
  if (t === "number" || t === "string" || t === "boolean") return t;
  if (Array.isArray(v)) return "array";
  return t === "object" ? "object" : "other";
};

const hasOwn = (o: object, k: string): boolean => Object.hasOwn(o, k);

/** `undefined` never escapes an expression: it reads as `null`. */
const orNull = (v: unknown): unknown => (v === undefined ? null : v);

const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null);

const readPath = (row: unknown, path: readonly string[]): unknown => {
  let v = row;
  for (const k of path) {
    if (kindOf(v) !== "object" || !hasOwn(v as object, k)) return null;
    v = (v as Record<string, unknown>)[k];
  }
  return orNull(v);
};

/** Ordering is defined only between two numbers, two strings or two booleans. */
const comparable = (a: unknown, b: unknown): boolean => {
  const k = kindOf(a);
  return (k === "number" || k === "string" || k === "boolean") && kindOf(b) === k;
};

const equals = (a: unknown, b: unknown): boolean | null => {
  const k = kindOf(a);
  if (k !== kindOf(b)) return null;
  switch (k) {
    case "number":
    case "string":
    case "boolean":
      return a === b;
    case "array":
    case "object":
      return canonicalJson(a) === canonicalJson(b);
    default:
      return null;
  }
};

const round = (n: number): number => Math.sign(n) * Math.round(Math.abs(n));

const allStrings = (vs: unknown[]): vs is string[] => vs.every((v) => typeof v === "string");

/** The eager functions: all arguments already evaluated. */
const apply = (fn: FunctionName, a: unknown[]): unknown => {
  const [x, y, z] = a;
  const nums = a.every((v) => typeof v === "number");
  switch (fn) {
    case "add":
      return nums ? finiteOrNull((x as number) + (y as number)) : null;
    case "sub":
      return nums ? finiteOrNull((x as number) - (y as number)) : null;
    case "mul":
      return nums ? finiteOrNull((x as number) * (y as number)) : null;
    case "div":
      return nums && y !== 0 ? finiteOrNull((x as number) / (y as number)) : null;
    case "mod":
      return nums && y !== 0 ? finiteOrNull((x as number) % (y as number)) : null;
    case "neg":
      return nums ? finiteOrNull(-(x as number)) : null;
    case "abs":
      return nums ? finiteOrNull(Math.abs(x as number)) : null;
    case "floor":
      return nums ? finiteOrNull(Math.floor(x as number)) : null;
    case "ceil":
      return nums ? finiteOrNull(Math.ceil(x as number)) : null;
    case "round":
      return nums ? finiteOrNull(round(x as number)) : null;
    case "eq":
      return equals(x, y);
    case "neq": {
      const e = equals(x, y);
      return e === null ? null : !e;
    }
    // Same primitive kind, so JS operators order numbers, strings by UTF-16 code unit, and false < true.
    case "lt":
      return comparable(x, y) ? (x as number) < (y as number) : null;
    case "lte":
      return comparable(x, y) ? (x as number) <= (y as number) : null;
    case "gt":
      return comparable(x, y) ? (x as number) > (y as number) : null;
    case "gte":
      return comparable(x, y) ? (x as number) >= (y as number) : null;
    case "not":
      return x === true ? false : x === false ? true : null;
    case "isNull":
      return kindOf(x) === "null";
    case "lower":
      return typeof x === "string" ? x.toLowerCase() : null;
    case "upper":
      return typeof x === "string" ? x.toUpperCase() : null;
    case "trim":
      return typeof x === "string" ? x.trim() : null;
    case "length":
      return typeof x === "string" || Array.isArray(x) ? x.length : null;
    case "concat":
      return allStrings(a) ? a.join("") : null;
    case "substring": {
      if (typeof x !== "string" || typeof y !== "number") return null;
      if (a.length === 2) return x.substring(y);
      return typeof z === "number" ? x.substring(y, z) : null;
    }
    case "startsWith":
      return allStrings(a) ? a[0]!.startsWith(a[1]!) : null;
    case "endsWith":
      return allStrings(a) ? a[0]!.endsWith(a[1]!) : null;
    case "contains": {
      if (typeof x === "string") return typeof y === "string" ? x.includes(y) : null;
      if (Array.isArray(x) && kindOf(y) !== "null") return x.some((e) => canonicalJson(e) === canonicalJson(y));
      return null;
    }
    // One RE2 engine for every runner (regex.ts); an invalid pattern throws ExpressionError.
    case "replace":
      return allStrings(a) ? runtimeRegex(a[1]!).replaceAll(a[0]!, a[2]!) : null;
    case "split":
      return allStrings(a) ? runtimeRegex(a[1]!).split(a[0]!) : null;
    case "matches":
      return allStrings(a) ? runtimeRegex(a[1]!).test(a[0]!) : null;
    case "toString":
      switch (kindOf(x)) {
        case "number":
          return Number.isFinite(x) ? String(x) : null;
        case "boolean":
          return x ? "true" : "false";
        case "string":
          return x;
        case "array":
        case "object":
          return canonicalJson(x);
        default:
          return null;
      }
    case "toNumber":
      switch (kindOf(x)) {
        case "number":
          return finiteOrNull(x as number);
        case "string":
          return finiteOrNull(Number(x));
        case "boolean":
          return x ? 1 : 0;
        default:
          return null;
      }
    case "get":
      if (Array.isArray(x)) return Number.isInteger(y) && (y as number) >= 0 ? orNull(x[y as number]) : null;
      if (kindOf(x) === "object" && typeof y === "string") return hasOwn(x as object, y) ? orNull((x as Record<string, unknown>)[y]) : null;
      return null;
    case "size":
      if (Array.isArray(x)) return x.length;
      return kindOf(x) === "object" ? Object.keys(x as object).length : null;
    default:
      // and/or/coalesce/if are lazy and handled by `evaluate`.
      throw new Error(`function "${fn}" has no eager implementation`);
  }
};

/**
 * Evaluates `expr` against `row` by walking the tree.
 *
 * @param expr  a well-formed expression (run it through `validateExpr` first when it comes from JSON)
 * @param row   the current element
 * @returns the value; never `undefined`
 * @throws ExpressionError when a regex pattern is invalid (RE2 syntax, see regex.ts)
 */
export const evaluate = (expr: Expr, row: unknown): unknown => {
  switch (expr.op) {
    case "field":
      return readPath(row, expr.path);
    case "lit":
      return expr.value;
    case "row":
      return orNull(row);
    case "struct":
      // fromEntries defines own properties, so a field named "__proto__" stays data.
      return Object.fromEntries(expr.fields.map(([name, e]) => [name, evaluate(e, row)]));
    case "array":
      return expr.items.map((e) => evaluate(e, row));
    case "call":
      break;
  }
  const args = expr.args;
  switch (expr.fn) {
    case "and":
    case "or": {
      // SQL three-valued logic: the deciding value wins, else any unknown makes the result unknown.
      const decisive = expr.fn === "or";
      let result: boolean | null = !decisive;
      for (const e of args) {
        const v = evaluate(e, row);
        if (v === decisive) return decisive;
        if (typeof v !== "boolean") result = null;
      }
      return result;
    }
    case "coalesce":
      for (const e of args) {
        const v = evaluate(e, row);
        if (v !== null) return v;
      }
      return null;
    case "if":
      return evaluate(evaluate(args[0]!, row) === true ? args[1]! : args[2]!, row);
    default:
      return apply(
        expr.fn,
        args.map((e) => evaluate(e, row)),
      );
  }
};
