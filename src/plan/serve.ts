/**
 * How a sink is served (docs/serving.md; the contract: docs/semantics.md §
 * "Serving"): typed request parameters and request-time stages applied to
 * the stored rows of one output key. Part of the sink node, so it is portable
 * JSON, covered by the plan's hash and validated at load time like every
 * other stage.
 *
 * Stage expressions are evaluated on a request scope, not on the row itself:
 * `{ row, params }` — the stored row and the decoded request parameters —
 * and, in `filterItems`, also `item` (one entry of the array being
 * filtered). So `params.limit` and `row.events` are ordinary field paths and
 * every reference is checked against the scope's type: an unknown parameter,
 * an unknown row field or a wrong type is a definition error naming the path.
 *
 * @module
 */
import * as t from "io-ts";
import { closest } from "../core/suggest.ts";
import type { Expr } from "../expr/ast.ts";
import { ExprCodec } from "../expr/codec.ts";
import type { SchemaJson } from "../schema/json-schema.ts";
import { SchemaJsonCodec } from "../schema/json-schema.ts";
import { badFieldReads, mayBeObject, typeOfExpr } from "./expr-types.ts";
import { describeSchema, fieldsOf, objectOf, readPath, UNKNOWN } from "./schema-fields.ts";

/** A request-time stage (each reads the request scope, see the module docs). */
export type ServeStage =
  /** Keeps a row when `expr` is exactly true. */
  | { readonly op: "filter"; readonly expr: Expr }
  /** Replaces each row with the object `expr` builds (e.g. a projection). */
  | { readonly op: "map"; readonly expr: Expr }
  /** In the array field `field` of each row, keeps the items for which `expr` (scope with `item`) is exactly true. */
  | { readonly op: "filterItems"; readonly field: string; readonly expr: Expr }
  /** Keeps the first `count` items of the array field `field`; a null count keeps all. */
  | { readonly op: "limit"; readonly field: string; readonly count: Expr }
  /** Runs a registered executor's hooks on each row (its `enrich` calls services under the plan's policies). */
  | { readonly op: "apply"; readonly executor: string };

/** A sink's serving declaration. */
export interface ServeSpec {
  /** The schema of the request parameters (an object: from `t.type`, `t.partial` or both). */
  readonly params: SchemaJson;
  readonly stages: readonly ServeStage[];
}

/** The codec of a serving declaration (strict: unknown fields are errors). */
export const ServeSpecCodec = t.strict({
  params: SchemaJsonCodec,
  stages: t.readonlyArray(
    t.union([
      t.strict({ op: t.literal("filter"), expr: ExprCodec }),
      t.strict({ op: t.literal("map"), expr: ExprCodec }),
      t.strict({ op: t.literal("filterItems"), field: t.string, expr: ExprCodec }),
      t.strict({ op: t.literal("limit"), field: t.string, count: ExprCodec }),
      t.strict({ op: t.literal("apply"), executor: t.string }),
    ]),
  ),
});

/** The names of a params schema's fields, or undefined when it is not an object schema. */
export const paramNames = (params: SchemaJson): string[] | undefined => {
  const f = fieldsOf(params);
  return f.object && !f.open ? [...f.fields.keys()] : undefined;
};

/** The type of the request scope for a row type (and an item type, in filterItems). */
export const scopeOf = (row: SchemaJson, params: SchemaJson, item?: SchemaJson): SchemaJson =>
  objectOf([["row", row], ["params", params], ...(item ? [["item", item] as const] : [])]);

/** A problem in a serving declaration: `path` is below the sink's `serve`. */
export interface ServeProblem {
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
}

const isNumeric = (s: SchemaJson): boolean => {
  if ("anyOf" in s) return s.anyOf.every(isNumeric);
  return "type" in s && (s.type === "number" || s.type === "integer" || s.type === "null" || s.type === "unknown");
};
const mayBeBoolean = (s: SchemaJson): boolean => {
  if ("anyOf" in s) return s.anyOf.some(mayBeBoolean);
  if ("const" in s) return typeof s.const === "boolean";
  return "type" in s && (s.type === "boolean" || s.type === "unknown");
};

/**
 * Every problem of `spec` for a sink whose rows have type `row`.
 *
 * @param hooks  an executor's hooks by reference, when known (an `apply`
 *   stage whose executor only filters keeps the row type; others open it)
 */
export const serveProblems = (
  spec: ServeSpec,
  sinkRow: SchemaJson,
  hooks: (ref: string) => readonly string[] | undefined = () => undefined,
): ServeProblem[] => {
  const out: ServeProblem[] = [];
  const names = paramNames(spec.params);
  if (names === undefined) {
    out.push({
      path: "serve.params",
      problem: `the request parameters are ${describeSchema(spec.params)}, not an object of named parameters`,
      fix: "declare them as an object codec, e.g. t.partial({ limit: t.number })",
    });
    return out;
  }
  const check = (path: string, e: Expr, scope: SchemaJson) => {
    for (const bad of badFieldReads(e, scope)) {
      const name = bad.path[bad.result.at]!;
      const within = bad.path.slice(0, bad.result.at).join(".");
      const hint = closest(name, bad.result.fields);
      const fix = hint !== undefined ? `did you mean "${[...bad.path.slice(0, bad.result.at), hint].join(".")}"?` : undefined;
      if (bad.result.at === 0) {
        out.push({
          path,
          problem: `reads "${bad.path.join(".")}", but a request stage reads only ${bad.result.fields.map((f) => (f === "params" ? "params.<name>" : `${f}.<field>`)).join(", ")}`,
          fix: fix ?? "read the stored row as row.<field> and a request parameter as params.<name>",
        });
      } else if (within === "params") {
        out.push({
          path,
          problem: `reads the request parameter "${name}", which is not declared (the parameters are ${names.length ? names.join(", ") : "none"})`,
          fix: fix ?? `declare "${name}" in serve.params, or correct the name`,
        });
      } else {
        out.push({
          path,
          problem: `reads "${bad.path.join(".")}", which does not exist: "${within}" has ${bad.result.fields.length ? `only the fields ${bad.result.fields.join(", ")}` : "no fields"}`,
          fix: fix ?? "read a field the sink's rows have (see lockstep graph), or add it upstream",
        });
      }
    }
  };
  let row = sinkRow;
  spec.stages.forEach((s, i) => {
    const at = `serve.stages[${i}] (${s.op})`;
    const scope = scopeOf(row, spec.params);
    switch (s.op) {
      case "filter":
        check(`${at}.expr`, s.expr, scope);
        if (!mayBeBoolean(typeOfExpr(s.expr, scope)))
          out.push({
            path: `${at}.expr`,
            problem: `yields ${describeSchema(typeOfExpr(s.expr, scope))}, not a boolean`,
            fix: "write a condition (e.g. .eq, .gt, .not)",
          });
        return;
      case "map": {
        check(`${at}.expr`, s.expr, scope);
        const type = typeOfExpr(s.expr, scope);
        if (!mayBeObject(type))
          out.push({ path: `${at}.expr`, problem: `yields ${describeSchema(type)}, not an object`, fix: "build the new row as an object of fields" });
        row = type;
        return;
      }
      case "filterItems":
      case "limit": {
        const f = readPath(row, [s.field]);
        let item: SchemaJson = UNKNOWN;
        if (!f.ok) {
          const hint = closest(s.field, f.fields);
          out.push({
            path: `${at}.field`,
            problem: `the row has no field "${s.field}" (it has ${f.fields.join(", ") || "no fields"})`,
            fix: hint ? `did you mean "${hint}"?` : "name an array field of the row",
          });
        } else if ("type" in f.type && f.type.type === "array") item = f.type.items;
        else if (!("type" in f.type && f.type.type === "unknown"))
          out.push({
            path: `${at}.field`,
            problem: `the row's field "${s.field}" is ${describeSchema(f.type)}, not an array`,
            fix: "name an array field of the row",
          });
        if (s.op === "filterItems") {
          const itemScope = scopeOf(row, spec.params, item);
          check(`${at}.expr`, s.expr, itemScope);
          if (!mayBeBoolean(typeOfExpr(s.expr, itemScope)))
            out.push({
              path: `${at}.expr`,
              problem: `yields ${describeSchema(typeOfExpr(s.expr, itemScope))}, not a boolean`,
              fix: "write a condition on item.…",
            });
        } else {
          check(`${at}.count`, s.count, scope);
          const type = typeOfExpr(s.count, scope);
          if (!isNumeric(type))
            out.push({
              path: `${at}.count`,
              problem: `yields ${describeSchema(type)}, not a number`,
              fix: "give a number, e.g. params.limit declared as t.number",
            });
        }
        return;
      }
      case "apply": {
        const h = hooks(s.executor);
        // Only an executor that merely filters or normalizes is known to keep the row's shape.
        if (!h || h.includes("featurize") || h.includes("enrich")) row = UNKNOWN;
        return;
      }
    }
  });
  return out;
};

/** The executors a serving declaration references. */
export const serveExecutors = (spec: ServeSpec | undefined): string[] => (spec?.stages ?? []).flatMap((s) => (s.op === "apply" ? [s.executor] : []));
