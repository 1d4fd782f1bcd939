/**
 * Compiles an expression AST to an arquero table-expression string, for the
 * batch runner. Arquero re-parses expression source (closures do not
 * survive), so the expression is generated as text from the validated AST:
 *
 *     (d, $) => { const t0 = d[".x"] ?? null; const t1 = typeof (t0 ?? null) === "number" ? t0 + 1 : null; …; return t4; }
 *
 * Rows are columns: each top-level field lives in a column named by the
 * caller's {@link ArqueroScope} (a missing field is `undefined` there and
 * reads as `null`); an element that is not an object has its value in the
 * scope's `exotic` column. Constants that are not scalars (object and array
 * literals, compiled regular expressions, name lists) are passed as table
 * parameters (`$.p0`), never as source text.
 *
 * Semantics are those of `interpret.ts`, with explicit null and kind checks
 * because JavaScript's operators are not the catalogue's (`null < 1` is
 * true in JS). Evaluation is eager: every sub-expression is computed even in
 * an untaken `if` branch. That is safe because only one construct can throw
 * — a regular expression whose pattern is computed at run time — and an
 * expression holding one is not compiled here at all: it falls back to the
 * JavaScript compiler (see {@link CompiledArquero.fallback}), which keeps the
 * lazy evaluation order the error rules depend on.
 *
 * Two arquero quirks shape the output: its code generator drops the space
 * after `typeof` (`typeof t0` becomes `typeoft0`), so the operand is always
 * parenthesized as `typeof (t0 ?? null)`; and function calls must name a
 * registered function, so the rules arquero's library cannot state exactly
 * call `ls_*` helpers (declared by the catalogue entries that call them,
 * registered by `arquero-functions.ts`).
 *
 * The functions themselves are the catalogue's (`catalogue/`); this module
 * has the arquero syntax: bindings, kind tests, field reads, literals, patterns.
 *
 * @module
 */
import { canonicalJson } from "../core/canonical.ts";
import { DefinitionError, DefinitionErrors } from "../core/errors.ts";
import type { CallExpr, Expr } from "./ast.ts";
import { registerArqueroFunctions } from "./arquero-functions.ts";
import { argKind, specOf } from "./catalogue/index.ts";
import type { ArqueroContext } from "./catalogue/index.ts";
import { validateExpr } from "./codec.ts";
import { compileExpr } from "./compile-js.ts";
import { EmitterCore, NULL, all, deepFreeze, foldKindTest } from "./emit-core.ts";
import type { Operand, TestKind } from "./emit-core.ts";
import { REGEX_FIX, compileRegex, regexProblem } from "./regex.ts";

/** Where the fields of the current element live. */
export interface ArqueroScope {
  /** Field name → column name, for every field some row may hold. Other fields read as null. */
  readonly columns: ReadonlyMap<string, string>;
  /** The column holding the value of elements that are not objects (`undefined` for objects), if any. */
  readonly exotic?: string;
}

/** Options of {@link compileArquero}. */
export interface CompileArqueroOptions {
  /** Return `=== true` of the value, for filters. */
  readonly predicate?: boolean;
  /** Prefix of the parameter names, so several expressions can share one table's parameters (default `"p"`). */
  readonly params?: string;
  /** Where the expression sits in the plan, for error paths (default `"expr"`). */
  readonly path?: string;
}

/** An expression the runner must evaluate row at a time, and why. */
export interface ArqueroFallback {
  readonly reason: string;
  /** The compiled JavaScript function of the element. */
  readonly fn: (row: unknown) => unknown;
  /** Top-level fields it reads, or `"all"` when it reads the whole element. */
  readonly fields: readonly string[] | "all";
}

/** The result: arquero source and its parameters, or a fallback. */
export type CompiledArquero =
  | { readonly source: string; readonly params: Readonly<Record<string, unknown>>; readonly fallback?: undefined }
  | { readonly source?: undefined; readonly params?: undefined; readonly fallback: ArqueroFallback };

/** Raised while generating when the expression needs the JavaScript fallback. */
class NeedsFallback extends Error {}

/** Generates one expression's statements. */
class Emitter extends EmitterCore {
  private readonly reads: string[] = [];
  private readonly body: string[] = [];
  private readonly fieldTemps = new Map<string, string>();
  private temps = 0;
  readonly params: Record<string, unknown> = {};
  private nparams = 0;

  constructor(
    private readonly scope: ArqueroScope,
    private readonly prefix: string,
  ) {
    super();
  }

  /** Binds `value` to a fresh temp; `into` picks the hoisted reads or the body. */
  bind(value: string, into: string[] = this.body): Operand {
    const t = `t${this.temps++}`;
    into.push(`const ${t} = ${value};`);
    return { code: t, kind: "unknown" };
  }

  /** arquero's code generator drops the space after `typeof`, hence the parentheses (module note). */
  is(o: Operand, type: TestKind): string {
    return foldKindTest(o, type, (code) => `typeof (${code} ?? null) === "${type}"`);
  }

  protected finite(o: Operand): Operand {
    return this.bind(`op.is_finite(${o.code}) ? ${o.code} : null`);
  }

  /** A parameter holding `value`, read as `$.<name>`. */
  private param(value: unknown): string {
    const name = `${this.prefix}${this.nparams++}`;
    this.params[name] = value;
    return `$.${name}`;
  }

  /** Reads a field path; reads are hoisted and shared by every use of a path or prefix. */
  private field(path: readonly string[]): Operand {
    const column = this.scope.columns.get(path[0]!);
    if (column === undefined) return NULL;
    let parent = "";
    for (let i = 1; i <= path.length; i++) {
      const key = JSON.stringify(path.slice(0, i));
      let t = this.fieldTemps.get(key);
      if (t === undefined) {
        const value = i === 1 ? `d[${JSON.stringify(column)}] ?? null` : `op.ls_step(${parent}, ${JSON.stringify(path[i - 1])})`;
        t = this.bind(value, this.reads).code;
        this.fieldTemps.set(key, t);
      }
      parent = t;
    }
    return { code: parent, kind: "unknown" };
  }

  private literal(value: unknown): Operand {
    switch (typeof value) {
      case "number":
        return { code: value < 0 || Object.is(value, -0) ? `(${value === 0 ? "-0" : String(value)})` : String(value), kind: "number" };
      case "string":
        return { code: JSON.stringify(value), kind: "string" };
      case "boolean":
        return { code: String(value), kind: "boolean" };
      default:
        if (value === null) return NULL;
        return { code: this.param(deepFreeze(JSON.parse(canonicalJson(value)))), kind: "unknown" };
    }
  }

  /** The whole element. */
  private row(): Operand {
    const names = [...this.scope.columns.keys()];
    const cols = names.map((n) => `d[${JSON.stringify(this.scope.columns.get(n))}]`);
    const list = this.param(Object.freeze(names));
    if (this.scope.exotic === undefined) return this.bind(`op.ls_obj(${[list, ...cols].join(", ")})`);
    return this.bind(`op.ls_row(${[list, `d[${JSON.stringify(this.scope.exotic)}]`, ...cols].join(", ")})`);
  }

  expr(e: Expr, path: string): Operand {
    switch (e.op) {
      case "field":
        return this.field(e.path);
      case "lit":
        return this.literal(e.value);
      case "row":
        return this.row();
      case "struct": {
        // Computed keys: a plain "__proto__" key would set the prototype instead of a field.
        const parts = e.fields.map(([name, x], i) => `[${JSON.stringify(name)}]: ${this.expr(x, `${path}.fields[${i}][1]`).code}`);
        return this.bind(`({ ${parts.join(", ")} })`);
      }
      case "array":
        return this.bind(`[${e.items.map((x, i) => this.expr(x, `${path}.items[${i}]`).code).join(", ")}]`);
      case "call":
        return this.call(e, path);
    }
  }

  /** A compiled literal pattern (RE2, `regex.ts`) for argument `i`, as a parameter; a computed pattern needs the fallback. */
  private regex(e: CallExpr, i: number, path: string): string {
    const node = e.args[i]!;
    if (node.op !== "lit" || typeof node.value !== "string") {
      throw new NeedsFallback(`"${e.fn}" with a pattern computed at run time (its regular expression can only be built, and checked, row by row)`);
    }
    const problem = regexProblem(node.value);
    if (problem !== undefined) {
      throw new DefinitionErrors([
        new DefinitionError(`${path}.args[${i}].value`, `invalid regular expression ${JSON.stringify(node.value)} for "${e.fn}": ${problem}`, REGEX_FIX),
      ]);
    }
    return this.param(compileRegex(node.value));
  }

  /** A call: operands first (evaluation is eager here), then its catalogue entry's emitter. */
  private call(e: CallExpr, path: string): Operand {
    const spec = specOf(e.fn);
    const args = e.args.map((x, i) => this.expr(x, `${path}.args[${i}]`));
    const test = all(
      args.map((o, i) => {
        const kind = argKind(spec, i);
        return kind === "any" ? "true" : this.is(o, kind === "pattern" ? "string" : kind);
      }),
    );
    const context: ArqueroContext = {
      args,
      test,
      is: (o, type) => this.is(o, type),
      bind: (value) => this.bind(value),
      guarded: (t, value) => this.guarded(t, value),
      numeric: (t, value) => this.numeric(t, value),
      pattern: (i) => this.regex(e, i, path),
    };
    return spec.arquero(context);
  }

  /** The arrow function source. */
  source(result: Operand, predicate: boolean): string {
    const ret = predicate ? `${result.code} === true` : result.code;
    return `(d, $) => { ${[...this.reads, ...this.body, `return ${ret};`].join(" ")} }`;
  }
}

/** Top-level fields `expr` reads, or "all" when it reads the whole element. */
export const fieldsRead = (expr: Expr): readonly string[] | "all" => {
  const out = new Set<string>();
  let whole = false;
  const visit = (e: Expr): void => {
    switch (e.op) {
      case "field":
        out.add(e.path[0]!);
        break;
      case "row":
        whole = true;
        break;
      case "struct":
        e.fields.forEach(([, x]) => visit(x));
        break;
      case "array":
        e.items.forEach(visit);
        break;
      case "call":
        e.args.forEach(visit);
        break;
      default:
        break;
    }
  };
  visit(expr);
  return whole ? "all" : [...out];
};

/**
 * Compiles `expr` to an arquero expression over the columns of `scope`.
 *
 * @returns `{ source, params }` to pass to a verb (after `table.params(params)`),
 *   or `{ fallback }` when the expression computes a regular expression's
 *   pattern at run time — the caller evaluates `fallback.fn` row at a time
 *   (through `aq.escape`) and says so in its log
 * @throws DefinitionErrors when `expr` is not a valid expression (including an invalid literal pattern)
 */
export const compileArquero = (expr: Expr, scope: ArqueroScope, opts: CompileArqueroOptions = {}): CompiledArquero => {
  const path = opts.path ?? "expr";
  const errors = validateExpr(expr, path);
  if (errors.length > 0) throw new DefinitionErrors(errors);
  registerArqueroFunctions();
  const emitter = new Emitter(scope, opts.params ?? "p");
  try {
    const result = emitter.expr(expr, path);
    return { source: emitter.source(result, opts.predicate === true), params: emitter.params };
  } catch (e) {
    if (!(e instanceof NeedsFallback)) throw e;
    const fn = compileExpr(expr, path);
    return { fallback: { reason: e.message, fn: opts.predicate ? (row) => fn(row) === true : fn, fields: fieldsRead(expr) } };
  }
};
