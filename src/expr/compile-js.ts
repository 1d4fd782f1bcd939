// biome-ignore-all lint/suspicious/noExplicitAny: compiled expressions read rows of any shape (the plan, not the type system, knows it)
/**
 * Compiles an expression AST to a JavaScript function by code generation.
 *
 * Safety is the design constraint: the AST is validated first, and the
 * generated source is assembled only from compiler-owned text, numbers, and
 * strings passed through `JSON.stringify` (field names, literal strings).
 * Regex patterns and structured literals never enter the source at all; they
 * are built at compile time (RE2, `regex.ts`) and passed in as constants. Function names select
 * an entry of the fixed catalogue (`catalogue/`) and are never emitted; its emitters assemble
 * only operand code this module produced and text of their own. Runtime helpers are
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
import { argKind, catalogueHelpers, specOf } from "./catalogue/index.ts";
import type { JsContext } from "./catalogue/index.ts";
import { validateExpr } from "./codec.ts";
import { EmitterCore, NULL, all, deepFreeze, foldKindTest } from "./emit-core.ts";
import type { Operand, TestKind } from "./emit-core.ts";
import { REGEX_FIX, compileRegex, regexProblem, runtimeRegex } from "./regex.ts";

/**
 * Runtime helpers handed to every generated function: the compiler's own
 * (field reads, run-time patterns) and those the catalogue's emitters call.
 * The generated code uses exactly these names.
 */
const OWN_HELPERS = {
  isArray: Array.isArray,
  hasOwn: Object.hasOwn,
  // Patterns computed at run time; an invalid one throws ExpressionError (the element becomes a dead letter).
  rx: runtimeRegex,
};
const HELPERS: Readonly<Record<string, unknown>> = { ...OWN_HELPERS, ...catalogueHelpers("js", Object.keys(OWN_HELPERS)) };

const HELPER_NAMES = Object.keys(HELPERS).join(", ");

/** Generates the body of one function; one instance per compilation. */
class Emitter extends EmitterCore {
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

  bind(value: string): Operand {
    const t = this.temp();
    this.line(`${t} = ${value};`);
    return { code: t, kind: "unknown" };
  }

  is(o: Operand, type: TestKind): string {
    return foldKindTest(o, type, (code) => `typeof ${code} === "${type}"`);
  }

  /** `x - x` is 0 only for a finite x (and for null, which is already null). */
  protected finite(o: Operand): Operand {
    this.line(`if (${o.code} - ${o.code} !== 0) ${o.code} = null;`);
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

  /** The regex for pattern argument `i`: a compile-time constant for a literal string, else a runtime lookup. */
  private regex(e: CallExpr, i: number, p: Operand, path: string): string {
    const node = e.args[i]!;
    if (node.op !== "lit" || typeof node.value !== "string") return `rx(${p.code})`;
    const problem = regexProblem(node.value);
    if (problem !== undefined) {
      // Normally caught by validation already; kept so the compiler never depends on it.
      throw new DefinitionErrors([
        new DefinitionError(`${path}.args[${i}].value`, `invalid regular expression ${JSON.stringify(node.value)} for "${e.fn}": ${problem}`, REGEX_FIX),
      ]);
    }
    return this.konst(compileRegex(node.value));
  }

  /** A call: its catalogue entry's emitter, given the operands (emitted first unless the function is lazy). */
  private call(e: CallExpr, path: string): Operand {
    const spec = specOf(e.fn);
    const arg = (i: number): Operand => this.expr(e.args[i]!, `${path}.args[${i}]`);
    const args = spec.nulls === "lazy" ? [] : e.args.map((_, i) => arg(i));
    const test = all(
      args.map((o, i) => {
        const kind = argKind(spec, i);
        return kind === "any" ? "true" : this.is(o, kind === "pattern" ? "string" : kind);
      }),
    );
    const context: JsContext = {
      args,
      test,
      count: e.args.length,
      arg,
      is: (o, type) => this.is(o, type),
      bind: (value) => this.bind(value),
      guarded: (t, value) => this.guarded(t, value),
      numeric: (t, value) => this.numeric(t, value),
      pattern: (i) => this.regex(e, i, args[i]!, path),
      temp: () => this.temp(),
      line: (code) => this.line(code),
      block: (open, emit) => this.block(open, emit),
    };
    return spec.js(context);
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
