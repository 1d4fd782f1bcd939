// biome-ignore-all lint/suspicious/noExplicitAny: compiled expressions read rows of any shape (the plan, not the type system, knows it)
/**
 * Compiles an expression AST to a JavaScript function by code generation.
 *
 * Safety is the design constraint: the AST is validated first, and the
 * generated source is assembled only from compiler-owned text, numbers, and
 * strings passed through `JSON.stringify` (field names, literal strings).
 * Regex patterns and structured literals never enter the source at all; they
 * are built at compile time (RE2, `regex.ts`) and passed in as constants. Function names select
 * an emitter from a fixed switch and are never emitted. Runtime helpers are
 * parameters of the generated factory, so the generated code reads no globals.
 *
 * Semantics are those of `interpret.ts` (the oracle the tests compare with);
 * this module only makes them fast: field reads are hoisted and shared, type
 * checks known statically from literals are dropped, arithmetic and simple
 * comparisons are inlined, and compiled functions are cached by canonical JSON.
 *
 * @module
 */

import { canonicalJson } from "../core/canonical.ts";
import { DefinitionError, DefinitionErrors } from "../core/errors.ts";
import type { Expr, CallExpr } from "./ast.ts";
import { validateExpr } from "./codec.ts";
import { REGEX_FIX, compileRegex, regexProblem, runtimeRegex } from "./regex.ts";
import { getMember, toNumberValue, toStringValue } from "./runtime.ts";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const comparable = (a: unknown, b: unknown): boolean => {
  const t = typeof a;
  return (t === "number" || t === "string" || t === "boolean") && typeof b === t;
};

const eq = (a: unknown, b: unknown): boolean | null => {
  if (a === null || b === null) return null;
  if (comparable(a, b)) return a === b;
  const arr = Array.isArray(a);
  if (arr !== Array.isArray(b) || typeof a !== "object" || typeof b !== "object") return null;
  return canonicalJson(a) === canonicalJson(b);
};

/**
 * Runtime helpers handed to every generated function. The generated code uses
 * exactly these names, so renaming one means changing the emitter too.
 */
const HELPERS = {
  isArray: Array.isArray,
  hasOwn: Object.hasOwn,
  abs: Math.abs,
  floor: Math.floor,
  ceil: Math.ceil,
  mround: Math.round,
  eq,
  neq: (a: unknown, b: unknown): boolean | null => {
    const e = eq(a, b);
    return e === null ? null : !e;
  },
  // `as number` only to let TS apply `<`: comparable() guarantees one primitive kind.
  lt: (a: unknown, b: unknown) => (comparable(a, b) ? (a as number) < (b as number) : null),
  lte: (a: unknown, b: unknown) => (comparable(a, b) ? (a as number) <= (b as number) : null),
  gt: (a: unknown, b: unknown) => (comparable(a, b) ? (a as number) > (b as number) : null),
  gte: (a: unknown, b: unknown) => (comparable(a, b) ? (a as number) >= (b as number) : null),
  contains: (a: unknown, b: unknown): boolean | null => {
    if (typeof a === "string") return typeof b === "string" ? a.includes(b) : null;
    if (!Array.isArray(a) || b === null) return null;
    const key = canonicalJson(b);
    for (const e of a) if (canonicalJson(e) === key) return true;
    return false;
  },
  // Patterns computed at run time; an invalid one throws ExpressionError (the element becomes a dead letter).
  rx: runtimeRegex,
  str: toStringValue,
  num: toNumberValue,
  get: getMember,
  size: (v: unknown): number | null => (Array.isArray(v) ? v.length : isObject(v) ? Object.keys(v).length : null),
};

const HELPER_NAMES = Object.keys(HELPERS).join(", ");

/** What the compiler knows statically about an operand (only literals are known). */
type Kind = "number" | "string" | "boolean" | "null" | "unknown";

/** A compiled sub-expression: JS source for its value (a temp, `r`, or a literal) and its static kind. */
interface Operand {
  readonly code: string;
  readonly kind: Kind;
}

const NULL: Operand = { code: "null", kind: "null" };

/** A type test that is folded to "true"/"false" when the operand's kind is known. */
const is = (o: Operand, type: "number" | "string" | "boolean"): string =>
  o.kind === type ? "true" : o.kind !== "unknown" ? "false" : `typeof ${o.code} === "${type}"`;

/** Conjunction of folded tests: "true", "false", or a JS condition. */
const all = (tests: string[]): string => {
  if (tests.includes("false")) return "false";
  const real = tests.filter((x) => x !== "true");
  return real.length === 0 ? "true" : real.join(" && ");
};

const deepFreeze = <T>(v: T): T => {
  if (typeof v === "object" && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
};

const BINARY_ARITHMETIC = { add: "+", sub: "-", mul: "*", div: "/", mod: "%" } as const;
const COMPARISON = { lt: "<", lte: "<=", gt: ">", gte: ">=" } as const;
const STRING_METHOD = { lower: "toLowerCase", upper: "toUpperCase", trim: "trim" } as const;

/** Generates the body of one function; one instance per compilation. */
class Emitter {
  private readonly reads: string[] = [];
  private readonly body: string[] = [];
  private readonly fieldTemps = new Map<string, string>();
  private temps = 0;
  private indent = "  ";
  /** Values the generated code receives as `K[i]`: frozen literals and compiled regexes. */
  readonly consts: unknown[] = [];

  private temp(): string {
    return `t${this.temps++}`;
  }

  private line(code: string): void {
    this.body.push(this.indent + code);
  }

  private block(open: string, emit: () => void): void {
    this.line(open + " {");
    this.indent += "  ";
    emit();
    this.indent = this.indent.slice(2);
    this.line("}");
  }

  private konst(value: unknown): string {
    this.consts.push(value);
    return `K[${this.consts.length - 1}]`;
  }

  /** Assigns `value` (a JS expression) to a fresh temp when `test` holds, else null. */
  private guarded(test: string, value: string): Operand {
    if (test === "false") return NULL;
    const t = this.temp();
    this.line(`${t} = ${test === "true" ? value : `${test} ? ${value} : null`};`);
    return { code: t, kind: "unknown" };
  }

  /** Like {@link guarded} for a number result: non-finite becomes null (`x - x` is 0 only for finite x, and for null). */
  private numeric(test: string, value: string): Operand {
    const o = this.guarded(test, value);
    if (o !== NULL) this.line(`if (${o.code} - ${o.code} !== 0) ${o.code} = null;`);
    return o;
  }

  /**
   * Reads a field path. Reads are pure, so they are hoisted to the top of the
   * function and shared by every use of the same path or prefix.
   */
  private field(path: readonly string[]): Operand {
    let parent = "r";
    for (let i = 1; i <= path.length; i++) {
      const key = JSON.stringify(path.slice(0, i));
      let t = this.fieldTemps.get(key);
      if (t === undefined) {
        t = this.temp();
        const name = JSON.stringify(path[i - 1]);
        this.reads.push(
          `  ${t} = typeof ${parent} === "object" && ${parent} !== null && !isArray(${parent}) && hasOwn(${parent}, ${name}) ? (${parent}[${name}] ?? null) : null;`,
        );
        this.fieldTemps.set(key, t);
      }
      parent = t;
    }
    return { code: parent, kind: "unknown" };
  }

  private literal(value: unknown): Operand {
    switch (typeof value) {
      case "number":
        return { code: value < 0 || Object.is(value, -0) ? `(${value})` : String(value), kind: "number" };
      case "string":
        return { code: JSON.stringify(value), kind: "string" };
      case "boolean":
        return { code: String(value), kind: "boolean" };
      default:
        if (value === null) return NULL;
        // A canonical, frozen copy: the function is cached by canonical JSON, so it must not share the caller's object.
        return { code: this.konst(deepFreeze(JSON.parse(canonicalJson(value)))), kind: "unknown" };
    }
  }

  /** Emits code computing `e`; `path` locates it for compile-time errors. */
  expr(e: Expr, path: string): Operand {
    switch (e.op) {
      case "field":
        return this.field(e.path);
      case "lit":
        return this.literal(e.value);
      case "row":
        return { code: "r", kind: "unknown" };
      case "struct": {
        const parts = e.fields.map(([name, x], i) => {
          // A non-computed "__proto__" key would set the prototype instead of defining a field.
          const key = name === "__proto__" ? `["__proto__"]` : JSON.stringify(name);
          return `${key}: ${this.expr(x, `${path}.fields[${i}][1]`).code}`;
        });
        return this.guarded("true", `{ ${parts.join(", ")} }`);
      }
      case "array":
        return this.guarded("true", `[${e.items.map((x, i) => this.expr(x, `${path}.items[${i}]`).code).join(", ")}]`);
      case "call":
        return this.call(e, path);
    }
  }

  private lazy(e: CallExpr, path: string): Operand {
    const t = this.temp();
    const arg = (i: number) => this.expr(e.args[i]!, `${path}.args[${i}]`);
    switch (e.fn) {
      case "and":
      case "or": {
        // Three-valued: the deciding value stops evaluation; anything but true/false makes the result unknown.
        const [win, lose] = e.fn === "and" ? ["false", "true"] : ["true", "false"];
        this.line(`${t} = ${lose};`);
        const step = (i: number): void => {
          const a = arg(i);
          if (i === e.args.length - 1) {
            this.line(`if (${a.code} === ${win}) ${t} = ${win}; else if (${a.code} !== ${lose}) ${t} = null;`);
            return;
          }
          this.line(`if (${a.code} === ${win}) ${t} = ${win};`);
          this.block("else", () => {
            this.line(`if (${a.code} !== ${lose}) ${t} = null;`);
            step(i + 1);
          });
        };
        step(0);
        break;
      }
      case "coalesce": {
        const step = (i: number): void => {
          const a = arg(i);
          if (i === e.args.length - 1) return this.line(`${t} = ${a.code};`);
          this.line(`if (${a.code} !== null) ${t} = ${a.code};`);
          this.block("else", () => step(i + 1));
        };
        step(0);
        break;
      }
      case "if": {
        const c = arg(0);
        this.block(`if (${c.code} === true)`, () => this.line(`${t} = ${arg(1).code};`));
        this.block("else", () => this.line(`${t} = ${arg(2).code};`));
        break;
      }
      default:
        throw new Error(`internal: "${e.fn}" is not lazy`);
    }
    return { code: t, kind: "unknown" };
  }

  /** The regex for a pattern operand: a compile-time constant for a literal string, else a runtime lookup. */
  private regex(e: CallExpr, p: Operand, path: string): string {
    const node = e.args[1]!;
    if (node.op !== "lit" || typeof node.value !== "string") return `rx(${p.code})`;
    const problem = regexProblem(node.value);
    if (problem !== undefined) {
      // Normally caught by validation already; kept so the compiler never depends on it.
      throw new DefinitionErrors([
        new DefinitionError(`${path}.args[1].value`, `invalid regular expression ${JSON.stringify(node.value)} for "${e.fn}": ${problem}`, REGEX_FIX),
      ]);
    }
    return this.konst(compileRegex(node.value));
  }

  private call(e: CallExpr, path: string): Operand {
    switch (e.fn) {
      case "and":
      case "or":
      case "coalesce":
      case "if":
        return this.lazy(e, path);
    }
    const a = e.args.map((x, i) => this.expr(x, `${path}.args[${i}]`));
    const [x, y, z] = a as [Operand, Operand, Operand];
    const nums = all(a.map((o) => is(o, "number")));
    const strs = all(a.map((o) => is(o, "string")));
    switch (e.fn) {
      case "add":
      case "sub":
      case "mul":
      case "div":
      case "mod":
        // Division or modulo by zero gives ±Infinity or NaN, which `numeric` turns into null.
        return this.numeric(nums, `${x.code} ${BINARY_ARITHMETIC[e.fn]} ${y.code}`);
      case "neg":
        return this.numeric(nums, `-${x.code}`);
      case "abs":
      case "floor":
      case "ceil":
        return this.numeric(nums, `${e.fn}(${x.code})`);
      case "round":
        // Half away from zero; Math.round alone rounds halves up (-2.5 → -2).
        return this.numeric(nums, `${x.code} < 0 ? -mround(-${x.code}) : mround(${x.code})`);
      case "eq":
      case "neq": {
        if (x.kind === "null" || y.kind === "null") return NULL;
        const [known, other] = x.kind !== "unknown" ? [x, y] : [y, x];
        if (known.kind === "unknown") return this.guarded("true", `${e.fn}(${x.code}, ${y.code})`);
        return this.guarded(is(other, known.kind as "number"), `${x.code} ${e.fn === "eq" ? "===" : "!=="} ${y.code}`);
      }
      case "lt":
      case "lte":
      case "gt":
      case "gte": {
        if (x.kind === "null" || y.kind === "null") return NULL;
        const [known, other] = x.kind !== "unknown" ? [x, y] : [y, x];
        if (known.kind === "unknown") return this.guarded("true", `${e.fn}(${x.code}, ${y.code})`);
        return this.guarded(is(other, known.kind as "number"), `${x.code} ${COMPARISON[e.fn]} ${y.code}`);
      }
      case "not":
        return this.guarded("true", `${x.code} === true ? false : ${x.code} === false ? true : null`);
      case "isNull":
        return this.guarded("true", `${x.code} === null`);
      case "lower":
      case "upper":
      case "trim":
        return this.guarded(strs, `${x.code}.${STRING_METHOD[e.fn]}()`);
      case "length":
        return this.guarded(
          x.kind === "string" ? "true" : x.kind !== "unknown" ? "false" : `(typeof ${x.code} === "string" || isArray(${x.code}))`,
          `${x.code}.length`,
        );
      case "concat":
        return this.guarded(strs, a.map((o) => o.code).join(" + "));
      case "substring":
        return this.guarded(
          all([is(x, "string"), ...a.slice(1).map((o) => is(o, "number"))]),
          `${x.code}.substring(${a
            .slice(1)
            .map((o) => o.code)
            .join(", ")})`,
        );
      case "startsWith":
      case "endsWith":
        return this.guarded(strs, `${x.code}.${e.fn}(${y.code})`);
      case "contains":
        return this.guarded("true", `contains(${x.code}, ${y.code})`);
      case "matches":
        // The string tests come first so a bad runtime pattern only throws when it would be used.
        return strs === "false" ? NULL : this.guarded(strs, `${this.regex(e, y, path)}.test(${x.code})`);
      case "replace":
        return strs === "false" ? NULL : this.guarded(strs, `${this.regex(e, y, path)}.replaceAll(${x.code}, ${z.code})`);
      case "split":
        return strs === "false" ? NULL : this.guarded(strs, `${this.regex(e, y, path)}.split(${x.code})`);
      case "toString":
        return this.guarded("true", `str(${x.code})`);
      case "toNumber":
        return this.guarded("true", `num(${x.code})`);
      case "get":
        return this.guarded("true", `get(${x.code}, ${y.code})`);
      case "size":
        return this.guarded("true", `size(${x.code})`);
    }
  }

  /** The factory source: takes helpers `H` and constants `K`, returns the row function. */
  source(result: Operand, predicate: boolean): string {
    const temps = Array.from({ length: this.temps }, (_, i) => `t${i}`);
    return [
      `"use strict";`,
      `const { ${HELPER_NAMES} } = H;`,
      `return function lockstepExpr(r) {`,
      ...(temps.length > 0 ? [`  let ${temps.join(", ")};`] : []),
      `  if (r === undefined) r = null;`,
      ...this.reads,
      ...this.body,
      `  return ${predicate ? `${result.code} === true` : result.code};`,
      `};`,
    ].join("\n");
  }
}

/** Throws every problem with `expr` at once; what follows may rely on a well-formed AST. */
const check = (expr: Expr, path: string): void => {
  const errors = validateExpr(expr, path);
  if (errors.length > 0) throw new DefinitionErrors(errors);
};

/** Generates the factory source and its constants for a validated expression. */
const generate = (expr: Expr, predicate: boolean, path: string): { source: string; consts: unknown[] } => {
  const emitter = new Emitter();
  const result = emitter.expr(expr, path);
  return { source: emitter.source(result, predicate), consts: emitter.consts };
};

const CACHE_LIMIT = 10_000;
const cache = new Map<string, (row: any) => any>();

const compile = (expr: Expr, predicate: boolean, path: string): ((row: any) => any) => {
  // Validate before the cache lookup: an invalid AST can share canonical JSON with a valid one
  // (`{"a": undefined}` and `{}`), and must fail whatever was compiled before.
  check(expr, path);
  const key = (predicate ? "p" : "v") + canonicalJson(expr);
  let fn = cache.get(key);
  if (fn === undefined) {
    const { source, consts } = generate(expr, predicate, path);
    fn = new Function("H", "K", source)(HELPERS, consts) as (row: any) => any;
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, fn);
  }
  return fn;
};

/**
 * Compiles `expr` to a function of the current element. Structurally equal
 * expressions (same canonical JSON) share one compiled function.
 *
 * @param expr  the expression; it is validated first, so it may come straight from JSON
 * @param path  where the expression sits in the plan, for error paths (default `"expr"`)
 * @returns a function giving the expression's value for a row; never `undefined`
 * @throws DefinitionErrors when `expr` is not a valid expression (including a literal regex pattern that does not compile)
 */
export const compileExpr = (expr: Expr, path = "expr"): ((row: any) => any) => compile(expr, false, path);

/**
 * Compiles `expr` as a filter: the function is true only when the expression
 * yields exactly `true` (null, missing and non-boolean values are false).
 *
 * @param expr  the expression; validated first
 * @param path  where the expression sits in the plan, for error paths (default `"expr"`)
 * @throws DefinitionErrors when `expr` is not a valid expression
 */
export const compilePredicate = (expr: Expr, path = "expr"): ((row: any) => boolean) => compile(expr, true, path);

/**
 * The generated factory source for `expr` (not cached), for debugging and for
 * tests that check what the compiler emits.
 *
 * @throws DefinitionErrors when `expr` is not a valid expression
 */
export const generatedSource = (expr: Expr): string => {
  check(expr, "expr");
  return generate(expr, false, "expr").source;
};
