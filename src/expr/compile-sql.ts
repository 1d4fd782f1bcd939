/**
 * Compiles an expression AST to a Flink SQL expression, for the Flink
 * runner: the third target of the catalogue (`catalogue/`, each entry's
 * `sql` emitter), beside JavaScript and arquero.
 *
 * SQL columns are typed, so every operand has a static kind — a column's
 * kind comes from the row type (the caller's {@link SqlScope}), a literal's
 * from its value, a call's from its catalogue entry's `result` — and the
 * kind tests the catalogue's null rule asks for fold away. Null is typed
 * too (`CAST(NULL AS DOUBLE)`), since Flink refuses an untyped NULL in most
 * places. Where the rule and SQL's built-ins differ (string order, string
 * length, regular expressions, number formatting, …) the emitter refuses,
 * and so does an expression reading a field that has no SQL column (nested
 * values, unions of kinds): the result is a {@link SqlRefusal} naming the
 * node path and the reason, never a query that computes something else.
 *
 * Safety: the SQL text is assembled from compiler-owned text, column names
 * quoted by the caller, numbers printed as double literals and strings as
 * SQL literals with `'` doubled (control characters and lone surrogates
 * are refused rather than escaped).
 *
 * Sub-expressions are written inline (SQL has no temps in an expression),
 * so a deeply nested expression repeats its operands' text; the finite
 * check of arithmetic (`numeric`) is the only place an operand is repeated.
 *
 * @module
 */
import { DefinitionErrors } from "../core/errors.ts";
import type { SchemaJson } from "../schema/json-schema.ts";
import type { CallExpr, Expr } from "./ast.ts";
import { argKind, specOf } from "./catalogue/index.ts";
import type { SqlContext } from "./catalogue/index.ts";
import { validateExpr } from "./codec.ts";
import { EmitterCore, NULL, all, foldKindTest } from "./emit-core.ts";
import type { Operand, TestKind } from "./emit-core.ts";

/** The kinds a SQL column or expression can have. */
export type SqlKind = TestKind;

/** The SQL type of each kind. */
export const SQL_TYPES: { readonly [K in SqlKind]: string } = { number: "DOUBLE", string: "STRING", boolean: "BOOLEAN" };

/** A typed SQL null of `kind`. */
export const sqlNull = (kind: SqlKind): string => `CAST(NULL AS ${SQL_TYPES[kind]})`;

/** A column of the current row: its SQL text (quoted) and its kind (`null`: null in every row). */
export interface SqlColumn {
  readonly code: string;
  readonly kind: SqlKind | "null";
}

/** Where the fields of the current row live: a column, or why the field has none. */
export interface SqlScope {
  column(field: string): SqlColumn | { readonly refused: string };
}

/** Why an expression cannot be compiled to SQL, and where. */
export interface SqlRefusal {
  readonly path: string;
  readonly reason: string;
}

/** A compiled expression: SQL text and its kind (`null` when it is statically null). */
export type CompiledSql = { readonly sql: string; readonly kind: SqlKind | "null" } | { readonly refused: SqlRefusal };

/** Thrown inside the emitter, caught by {@link compileSql}. */
class Refused extends Error {
  constructor(readonly refusal: SqlRefusal) {
    super(refusal.reason);
  }
}

/** The largest finite double, as a SQL double literal. */
const MAX_DOUBLE = "1.7976931348623157E308";

/** A number as a SQL DOUBLE literal (an exponent makes it approximate, not DECIMAL); negatives parenthesized. */
export const sqlNumber = (n: number): string => {
  const s = String(Math.abs(n)).toUpperCase().replace("E+", "E");
  const text = s.includes("E") ? s : `${s}E0`;
  return n < 0 || Object.is(n, -0) ? `(-${text})` : text;
};

/** A string as a SQL literal, or the reason it is refused. */
export const sqlString = (s: string): string | { readonly refused: string } => {
  if (/[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)) {
    return { refused: `the string literal ${JSON.stringify(s)} holds a control character or a lone surrogate` };
  }
  return `'${s.replaceAll("'", "''")}'`;
};

/** The kind of a result schema, `null`, or undefined when it is not one SQL kind. */
const kindOfSchema = (s: SchemaJson): SqlKind | "null" | undefined => {
  if ("anyOf" in s) {
    const kinds = new Set(s.anyOf.map(kindOfSchema));
    kinds.delete("null");
    if (kinds.size === 0) return "null";
    return kinds.size === 1 && !kinds.has(undefined) ? [...kinds][0] : undefined;
  }
  if ("type" in s) {
    if (s.type === "number" || s.type === "integer") return "number";
    if (s.type === "string" || s.type === "boolean" || s.type === "null") return s.type;
  }
  return undefined;
};

const schemaOfKind = (k: Operand["kind"]): SchemaJson => ({ type: k === "unknown" ? "unknown" : k });

/** Generates one expression's SQL. */
class Emitter extends EmitterCore {
  constructor(private readonly scope: SqlScope) {
    super();
  }

  /** SQL has no temps: a bound value is the parenthesized expression (its kind is set by the caller). */
  bind(value: string): Operand {
    return { code: `(${value})`, kind: "unknown" };
  }

  is(o: Operand, type: TestKind): string {
    return foldKindTest(o, type, () => {
      throw new Error(`internal: SQL operand ${o.code} has no static kind`);
    });
  }

  protected finite(o: Operand): Operand {
    // NaN fails the comparison too, so it becomes null like ±Infinity.
    return this.bind(`CASE WHEN ABS(${o.code}) <= ${MAX_DOUBLE} THEN ${o.code} END`);
  }

  override guarded(test: string, value: string): Operand {
    if (test === "false") return NULL;
    return this.bind(test === "true" ? value : `CASE WHEN ${test} THEN ${value} END`);
  }

  expr(e: Expr, path: string): Operand {
    switch (e.op) {
      case "field": {
        if (e.path.length !== 1)
          throw new Refused({ path, reason: `the nested field ${e.path.join(".")}: nested values are not SQL columns in the Flink slice yet` });
        const c = this.scope.column(e.path[0]!);
        if ("refused" in c) throw new Refused({ path, reason: c.refused });
        return c;
      }
      case "lit": {
        const v = e.value;
        if (v === null) return NULL;
        if (typeof v === "number") return { code: sqlNumber(v), kind: "number" };
        if (typeof v === "boolean") return { code: v ? "TRUE" : "FALSE", kind: "boolean" };
        if (typeof v === "string") {
          const s = sqlString(v);
          if (typeof s !== "string") throw new Refused({ path, reason: s.refused });
          return { code: s, kind: "string" };
        }
        throw new Refused({ path, reason: "an array or object literal: arrays and objects are not SQL values in the Flink slice yet" });
      }
      case "row":
        throw new Refused({ path, reason: "row(): the whole element as a value is not a SQL value in the Flink slice yet" });
      case "struct":
      case "array":
        throw new Refused({ path, reason: `an ${e.op === "struct" ? "object" : "array"} built inside an expression: not a SQL value in the Flink slice yet` });
      case "call":
        return this.call(e, path);
    }
  }

  /** The kind of a call's result, from its catalogue entry. */
  private resultKind(e: CallExpr, args: readonly Operand[], path: string): SqlKind | "null" {
    const result = specOf(e.fn).result;
    const schema =
      result === undefined
        ? undefined
        : typeof result === "function"
          ? result(
              args.map((o) => schemaOfKind(o.kind)),
              (members) => (members.length === 1 ? members[0]! : members.length === 0 ? { type: "null" } : { anyOf: members }),
            )
          : result;
    const kind = schema === undefined ? undefined : kindOfSchema(schema);
    if (kind === undefined) throw new Refused({ path, reason: `"${e.fn}" here yields values of more than one kind; a SQL column has one type` });
    return kind;
  }

  /** A call: operands first, then its catalogue entry's `sql` emitter; a null result is typed. */
  private call(e: CallExpr, path: string): Operand {
    const spec = specOf(e.fn);
    const raw = e.args.map((x, i) => this.expr(x, `${path}.args[${i}]`));
    const kind = this.resultKind(e, raw, path);
    // A null operand is written as a null of the result's kind (or BOOLEAN), so CASE and COALESCE type-check.
    const typedNull = sqlNull(kind === "null" ? "boolean" : kind);
    const args = raw.map((o) => (o.kind === "null" ? { code: typedNull, kind: "null" as const } : o));
    const test = all(
      args.map((o, i) => {
        const k = argKind(spec, i);
        return k === "any" ? "true" : this.is(o, k === "pattern" ? "string" : k);
      }),
    );
    const context: SqlContext = {
      args,
      test,
      is: (o, type) => this.is(o, type),
      bind: (value) => this.bind(value),
      guarded: (t, value) => this.guarded(t, value),
      numeric: (t, value) => this.numeric(t, value),
      pattern: () => {
        throw new Refused({ path, reason: "a regular expression pattern in SQL" });
      },
      refuse: (reason) => {
        throw new Refused({ path, reason });
      },
    };
    const out = spec.sql(context);
    if (out.kind === "null" || kind === "null") return { code: sqlNull(kind === "null" ? "boolean" : kind), kind: "null" };
    return { code: out.code, kind };
  }
}

/** Options of {@link compileSql}. */
export interface CompileSqlOptions {
  /** Where the expression sits in the plan, for refusal paths (default `"expr"`). */
  readonly path?: string;
}

/**
 * Compiles `expr` to a Flink SQL expression over the columns of `scope`.
 *
 * @returns `{ sql, kind }`, or `{ refused }` with the node path and the reason
 * @throws DefinitionErrors when `expr` is not a valid expression
 */
export const compileSql = (expr: Expr, scope: SqlScope, opts: CompileSqlOptions = {}): CompiledSql => {
  const path = opts.path ?? "expr";
  const errors = validateExpr(expr, path);
  if (errors.length > 0) throw new DefinitionErrors(errors);
  try {
    const out = new Emitter(scope).expr(expr, path);
    return { sql: out.kind === "null" ? sqlNull("boolean") : out.code, kind: out.kind === "unknown" ? "null" : out.kind };
  } catch (e) {
    if (e instanceof Refused) return { refused: e.refusal };
    throw e;
  }
};
