/**
 * The expression scope of a stage's rows: each field's SQL column, or the
 * reason it has none; and compiling an expression of a stage, refusing the
 * stage when the expression cannot be SQL.
 *
 * @module
 */
import { compileSql } from "../../../src/expr/compile-sql.ts";
import type { SqlKind, SqlScope } from "../../../src/expr/compile-sql.ts";
import type { Expr } from "../../../src/expr/ast.ts";
import type { Rel } from "../rel.ts";
import { refuse } from "../step.ts";

/** The scope of `rel`'s fields. */
export const scopeOf = (rel: Rel): SqlScope => {
  const byName = new Map(rel.fields.map((f) => [f.name, f]));
  return {
    column: (field) => {
      const f = byName.get(field);
      if (f !== undefined) return { code: f.column, kind: f.kind };
      // A field the row type does not have reads as null (validation refuses reads of unknown fields of closed rows).
      return { refused: rel.unsupported.get(field) ?? `the field "${field}" is not a known column of this stage's rows` };
    },
  };
};

/** `expr` as SQL over `rel`'s columns, or the stage refused with where and why. */
export const sqlOf = (stage: string, expr: Expr, rel: Rel, path: string): { sql: string; kind: SqlKind | "null" } => {
  const out = compileSql(expr, scopeOf(rel), { path });
  if ("refused" in out) return refuse(stage, `${out.refused.path}: ${out.refused.reason}`);
  return out;
};
