/**
 * The typed expression builder. Callbacks such as `L.filter((e) => …)` receive
 * an {@link Expr} for the element and build an AST with it; the callback runs
 * once, when the pipeline is defined, never per element. Field names are
 * checked by the compiler: `e.field("userI")` does not type-check.
 *
 * @module
 */
import { DefinitionError } from "../src/core/errors.ts";
import { ast } from "../src/expr/ast.ts";
import type { Expr as Ast, FunctionName, Json } from "../src/expr/ast.ts";

/** `T` without `null`/`undefined`. */
type NN<T> = NonNullable<T>;
/** `null` when `T` may be null or missing, else never. */
type Nullish<T> = undefined extends T ? null : null extends T ? null : never;
/** The type a field of `T` reads as (missing fields read as null). */
type FieldOf<T, F extends keyof NN<T>> = Exclude<NN<T>[F], undefined> | Nullish<T> | (undefined extends NN<T>[F] ? null : never);

/** A value or an expression of it, accepted wherever an operand is expected. */
export type Operand<T> = Expr<T> | T;
type Num = number | null | undefined;
type Str = string | null | undefined;
type Bool = boolean | null | undefined;

/** An expression yielding a `T`, with builder methods for every catalogue function. */
export class Expr<T> {
  /** @internal phantom */
  declare readonly _T: T;
  constructor(readonly ast: Ast) {}

  /** Reads a field of an object-valued expression. */
  field<F extends keyof NN<T> & string>(name: F): Expr<FieldOf<T, F>> {
    const a = this.ast;
    // Field of a field keeps one flat path so compiled code walks it in one go.
    if (a.op === "field") return new Expr(ast.field(...a.path, name));
    if (a.op === "row") return new Expr(ast.field(name));
    return new Expr(ast.call("get", a, ast.lit(name)));
  }

  // arithmetic
  add(this: Expr<Num>, b: Operand<Num>): Expr<number | null> {
    return call("add", this, b);
  }
  sub(this: Expr<Num>, b: Operand<Num>): Expr<number | null> {
    return call("sub", this, b);
  }
  mul(this: Expr<Num>, b: Operand<Num>): Expr<number | null> {
    return call("mul", this, b);
  }
  div(this: Expr<Num>, b: Operand<Num>): Expr<number | null> {
    return call("div", this, b);
  }
  mod(this: Expr<Num>, b: Operand<Num>): Expr<number | null> {
    return call("mod", this, b);
  }
  neg(this: Expr<Num>): Expr<number | null> {
    return call("neg", this);
  }
  abs(this: Expr<Num>): Expr<number | null> {
    return call("abs", this);
  }
  floor(this: Expr<Num>): Expr<number | null> {
    return call("floor", this);
  }
  ceil(this: Expr<Num>): Expr<number | null> {
    return call("ceil", this);
  }
  round(this: Expr<Num>): Expr<number | null> {
    return call("round", this);
  }

  // comparison
  eq(b: Operand<T>): Expr<boolean | null> {
    return call("eq", this, b);
  }
  neq(b: Operand<T>): Expr<boolean | null> {
    return call("neq", this, b);
  }
  lt(b: Operand<T>): Expr<boolean | null> {
    return call("lt", this, b);
  }
  lte(b: Operand<T>): Expr<boolean | null> {
    return call("lte", this, b);
  }
  gt(b: Operand<T>): Expr<boolean | null> {
    return call("gt", this, b);
  }
  gte(b: Operand<T>): Expr<boolean | null> {
    return call("gte", this, b);
  }

  // boolean logic (three-valued)
  and(this: Expr<Bool>, ...bs: Operand<Bool>[]): Expr<boolean | null> {
    return call("and", this, ...bs);
  }
  or(this: Expr<Bool>, ...bs: Operand<Bool>[]): Expr<boolean | null> {
    return call("or", this, ...bs);
  }
  not(this: Expr<Bool>): Expr<boolean | null> {
    return call("not", this);
  }

  // null handling
  isNull(): Expr<boolean> {
    return call("isNull", this);
  }
  isNotNull(): Expr<boolean | null> {
    return call("not", call("isNull", this));
  }
  /** The first non-null of this and the fallbacks. */
  orElse(...fallbacks: Operand<NN<T>>[]): Expr<NN<T>> {
    return call("coalesce", this, ...fallbacks);
  }

  // strings
  lower(this: Expr<Str>): Expr<string | null> {
    return call("lower", this);
  }
  upper(this: Expr<Str>): Expr<string | null> {
    return call("upper", this);
  }
  trim(this: Expr<Str>): Expr<string | null> {
    return call("trim", this);
  }
  length(this: Expr<Str | readonly unknown[]>): Expr<number | null> {
    return call("length", this);
  }
  concat(this: Expr<Str>, ...bs: Operand<Str>[]): Expr<string | null> {
    return call("concat", this, ...bs);
  }
  substring(this: Expr<Str>, start: Operand<Num>, end?: Operand<Num>): Expr<string | null> {
    return end === undefined ? call("substring", this, start) : call("substring", this, start, end);
  }
  startsWith(this: Expr<Str>, b: Operand<Str>): Expr<boolean | null> {
    return call("startsWith", this, b);
  }
  endsWith(this: Expr<Str>, b: Operand<Str>): Expr<boolean | null> {
    return call("endsWith", this, b);
  }
  contains(b: Operand<unknown>): Expr<boolean | null> {
    return call("contains", this, b);
  }
  /** Replaces every match of a regular expression (a `RegExp` literal's source is used, flag `u`). */
  replace(this: Expr<Str>, pattern: RegExp | string, replacement: Operand<Str>): Expr<string | null> {
    return call("replace", this, patternOf(pattern), replacement);
  }
  /** Splits by a regular expression; empty pieces are kept. */
  split(this: Expr<Str>, pattern: RegExp | string): Expr<string[] | null> {
    return call("split", this, patternOf(pattern));
  }
  matches(this: Expr<Str>, pattern: RegExp | string): Expr<boolean | null> {
    return call("matches", this, patternOf(pattern));
  }

  // conversion and containers
  /** As a string (numbers as JavaScript prints them). */
  asString(): Expr<string | null> {
    return call("toString", this);
  }
  /** As a number (strings parsed; not a finite number → null). */
  asNumber(): Expr<number | null> {
    return call("toNumber", this);
  }
  get(key: Operand<string | number>): Expr<unknown> {
    return call("get", this, key);
  }
  size(): Expr<number | null> {
    return call("size", this);
  }
}

const patternOf = (p: RegExp | string): Expr<string> => {
  if (typeof p === "string") return lit(p);
  if (p.flags.replace(/[gu]/g, "") !== "") {
    throw new DefinitionError(
      `regular expression /${p.source}/${p.flags}`,
      "only the g and u flags are supported (all matches are used, and u is always on)",
      "drop the other flags",
    );
  }
  return lit(p.source);
};

/** Turns an operand into its AST. */
export const toAst = (x: Operand<unknown>): Ast => (x instanceof Expr ? x.ast : ast.lit(x as Json));

const call = <R>(fn: FunctionName, ...args: Operand<unknown>[]): Expr<R> => new Expr<R>(ast.call(fn, ...args.map(toAst)));

/** A constant. */
export const lit = <T extends Json>(value: T): Expr<T> => new Expr<T>(ast.lit(value));

/** `then` when `cond` is exactly true, else `otherwise`. */
export const when = <A>(cond: Operand<Bool>, then: Operand<A>, otherwise: Operand<A>): Expr<A> => call<A>("if", cond, then, otherwise);

/** The first non-null argument. */
export const coalesce = <A>(...xs: Operand<A>[]): Expr<NN<A>> => call<NN<A>>("coalesce", ...xs);

/** Logical and of several conditions. */
export const and = (...xs: Operand<Bool>[]): Expr<boolean | null> => call("and", ...xs);
/** Logical or of several conditions. */
export const or = (...xs: Operand<Bool>[]): Expr<boolean | null> => call("or", ...xs);
/** String concatenation. */
export const concat = (...xs: Operand<Str>[]): Expr<string | null> => call("concat", ...xs);

/** The expression for the whole element of type `T`. */
export const rowOf = <T>(): Expr<T> => new Expr<T>(ast.row());

/** What a record of operands evaluates to. */
export type ValuesOf<R> = { -readonly [K in keyof R]: R[K] extends Expr<infer U> ? U : R[K] };

/** A record of operands, as used by `map`. */
export type Fields = Readonly<Record<string, Operand<unknown>>>;

/** Builds the struct AST of a record of operands (key order kept). */
export const structOf = (fields: Fields): Ast => ast.struct(Object.entries(fields).map(([k, v]) => [k, toAst(v)] as const));

/** Element types' expression builder callback. */
export type ExprFn<T, R> = (e: Expr<T>) => R;
