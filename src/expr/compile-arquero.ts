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
 * call the `ls_*` helpers of `arquero-functions.ts`.
 *
 * @module
 */
import { canonicalJson } from "../core/canonical.ts";
import { DefinitionError, DefinitionErrors } from "../core/errors.ts";
import type { CallExpr, Expr } from "./ast.ts";
import { registerArqueroFunctions } from "./arquero-functions.ts";
import { validateExpr } from "./codec.ts";
import { REGEX_FIX, compileRegex, regexProblem } from "./regex.ts";
import { compileExpr } from "./compile-js.ts";

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

/** What is known statically about an operand (only literals are known). */
type Kind = "number" | "string" | "boolean" | "null" | "unknown";

/** Generated code for a value: a temp, a literal, or a parameter, and its static kind. */
interface Operand {
  readonly code: string;
  readonly kind: Kind;
}

const NULL: Operand = { code: "null", kind: "null" };

/** Raised while generating when the expression needs the JavaScript fallback. */
class NeedsFallback extends Error {}

/** A type test, folded to "true"/"false" when the kind is known. */
const is = (o: Operand, type: "number" | "string" | "boolean"): string =>
  o.kind === type ? "true" : o.kind !== "unknown" ? "false" : `typeof (${o.code} ?? null) === "${type}"`;

/** Conjunction of folded tests. */
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

const ARITHMETIC = { add: "+", sub: "-", mul: "*", div: "/", mod: "%" } as const;
const COMPARISON = { lt: "<", lte: "<=", gt: ">", gte: ">=" } as const;
const STRING_FN = { lower: "op.lower", upper: "op.upper", trim: "op.trim", startsWith: "op.startswith", endsWith: "op.endswith" } as const;

/** Generates one expression's statements. */
class Emitter {
  private readonly reads: string[] = [];
  private readonly body: string[] = [];
  private readonly fieldTemps = new Map<string, string>();
  private temps = 0;
  readonly params: Record<string, unknown> = {};
  private nparams = 0;

  constructor(
    private readonly scope: ArqueroScope,
    private readonly prefix: string,
  ) {}

  /** Binds `value` to a fresh temp; `into` picks the hoisted reads or the body. */
  private bind(value: string, into: string[] = this.body): Operand {
    const t = `t${this.temps++}`;
    into.push(`const ${t} = ${value};`);
    return { code: t, kind: "unknown" };
  }

  private guarded(test: string, value: string): Operand {
    if (test === "false") return NULL;
    return this.bind(test === "true" ? value : `${test} ? ${value} : null`);
  }

  /** A number result: non-finite becomes null. */
  private numeric(test: string, value: string): Operand {
    const o = this.guarded(test, value);
    return o === NULL ? o : this.bind(`op.is_finite(${o.code}) ? ${o.code} : null`);
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

  /** A compiled literal pattern (RE2, `regex.ts`) as a parameter; a computed pattern needs the fallback. */
  private regex(e: CallExpr, path: string): string {
    const node = e.args[1]!;
    if (node.op !== "lit" || typeof node.value !== "string") {
      throw new NeedsFallback(`"${e.fn}" with a pattern computed at run time (its regular expression can only be built, and checked, row by row)`);
    }
    const problem = regexProblem(node.value);
    if (problem !== undefined) {
      throw new DefinitionErrors([
        new DefinitionError(`${path}.args[1].value`, `invalid regular expression ${JSON.stringify(node.value)} for "${e.fn}": ${problem}`, REGEX_FIX),
      ]);
    }
    return this.param(compileRegex(node.value));
  }

  private call(e: CallExpr, path: string): Operand {
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
        return this.numeric(nums, `${x.code} ${ARITHMETIC[e.fn]} ${y.code}`);
      case "neg":
        return this.numeric(nums, `-${x.code}`);
      case "abs":
      case "floor":
      case "ceil":
        return this.numeric(nums, `op.${e.fn}(${x.code})`);
      case "round":
        // Half away from zero; Math.round alone rounds halves up (-2.5 → -2).
        return this.numeric(nums, `${x.code} < 0 ? -op.round(-${x.code}) : op.round(${x.code})`);
      case "eq":
      case "neq": {
        if (x.kind === "null" || y.kind === "null") return NULL;
        const [known, other] = x.kind !== "unknown" ? [x, y] : [y, x];
        if (known.kind === "unknown") {
          const eq = this.bind(`op.ls_eq(${x.code}, ${y.code})`);
          return e.fn === "eq" ? eq : this.bind(`${eq.code} === null ? null : !${eq.code}`);
        }
        return this.guarded(is(other, known.kind as "number"), `${x.code} ${e.fn === "eq" ? "===" : "!=="} ${y.code}`);
      }
      case "lt":
      case "lte":
      case "gt":
      case "gte": {
        if (x.kind === "null" || y.kind === "null") return NULL;
        const [known, other] = x.kind !== "unknown" ? [x, y] : [y, x];
        const cmp = `${x.code} ${COMPARISON[e.fn]} ${y.code}`;
        if (known.kind !== "unknown") return this.guarded(is(other, known.kind as "number"), cmp);
        // Ordering exists only between two numbers, two strings or two booleans.
        const k = this.bind(`typeof (${x.code} ?? null)`);
        return this.guarded(`(${k.code} === "number" || ${k.code} === "string" || ${k.code} === "boolean") && ${k.code} === typeof (${y.code} ?? null)`, cmp);
      }
      case "and":
      case "or": {
        // Three-valued logic, evaluated eagerly (see the module note): the deciding value wins, else unknown.
        const [win, lose] = e.fn === "and" ? ["false", "true"] : ["true", "false"];
        const wins = a.map((o) => `${o.code} === ${win}`).join(" || ");
        const loses = a.map((o) => `${o.code} === ${lose}`).join(" && ");
        return this.bind(`${wins} ? ${win} : ${loses} ? ${lose} : null`);
      }
      case "not":
        return this.bind(`${x.code} === true ? false : ${x.code} === false ? true : null`);
      case "isNull":
        return this.bind(`${x.code} === null`);
      case "coalesce":
        return this.bind(
          a
            .slice(0, -1)
            .map((o) => `${o.code} !== null ? ${o.code} : `)
            .join("") + a[a.length - 1]!.code,
        );
      case "if":
        return this.bind(`${x.code} === true ? ${y.code} : ${z.code}`);
      case "lower":
      case "upper":
      case "trim":
      case "startsWith":
      case "endsWith":
        return this.guarded(strs, `${STRING_FN[e.fn]}(${a.map((o) => o.code).join(", ")})`);
      case "length": {
        const test = x.kind === "string" ? "true" : x.kind !== "unknown" ? "false" : `(typeof (${x.code} ?? null) === "string" || op.ls_isarr(${x.code}))`;
        return this.guarded(test, `op.length(${x.code})`);
      }
      case "concat":
        return this.guarded(strs, a.map((o) => o.code).join(" + "));
      case "substring":
        return this.guarded(all([is(x, "string"), ...a.slice(1).map((o) => is(o, "number"))]), `op.substring(${a.map((o) => o.code).join(", ")})`);
      case "contains":
        if (x.kind === "string" && y.kind === "string") return this.bind(`op.includes(${x.code}, ${y.code})`);
        return this.bind(`op.ls_contains(${x.code}, ${y.code})`);
      // arquero's op.match/replace/split take a RegExp; these helpers take the RE2 regex every runner shares.
      case "matches":
        return this.guarded(strs, `op.ls_match(${x.code}, ${this.regex(e, path)})`);
      case "replace":
        return this.guarded(strs, `op.ls_replace(${x.code}, ${this.regex(e, path)}, ${z.code})`);
      case "split":
        return this.guarded(strs, `op.ls_split(${x.code}, ${this.regex(e, path)})`);
      case "toString":
        return this.bind(`op.ls_str(${x.code})`);
      case "toNumber":
        return this.bind(`op.ls_num(${x.code})`);
      case "get":
        return this.bind(`op.ls_get(${x.code}, ${y.code})`);
      case "size":
        return this.bind(`op.ls_size(${x.code})`);
    }
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
