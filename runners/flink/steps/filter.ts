/**
 * `filter`: keeps the rows whose condition is exactly true (§4) — `IS TRUE`
 * in SQL, which is false for NULL as the rule wants. A condition the SQL
 * catalogue cannot say exactly (a function whose Flink built-in differs from
 * the rule, a field without a column) runs in GraalJS instead, as the
 * engine's own `compileExpr` (`ls_expr`), with this stage's dead letters for
 * an expression's run-time error (§15).
 *
 * @module
 */
import { compileSql } from "../../../src/expr/compile-sql.ts";
import type { FilterNode } from "../../../src/plan/ir.ts";
import { allColumns, selectList } from "../rel.ts";
import { view } from "../sql.ts";
import type { StepFn } from "../step.ts";
import { lit } from "./flat-map.ts";
import { jsResults } from "./js-stage.ts";
import { scopeOf } from "./scope.ts";

/** The step of a filter. */
export const filterStep: StepFn<FilterNode> = (n, [input], b) => {
  const rel = { ...input!, view: b.name(n.id) };
  const columns = selectList(allColumns(input!));
  const cond = compileSql(n.expr, scopeOf(input!), { path: `${n.id}.expr` });
  if (!("refused" in cond)) {
    // A condition that is not a boolean is never exactly true.
    const where = cond.kind === "boolean" ? `(${cond.sql}) IS TRUE` : "FALSE";
    b.define(view(rel.view, `SELECT ${columns} FROM ${input!.view} WHERE ${where}`));
    return rel;
  }
  const called = jsResults(n.id, input!, b, "ls_expr", [`'x' VALUE ${lit(n.id, JSON.stringify(n.expr))}`], false);
  b.define(view(rel.view, `SELECT ${columns} FROM ${called} WHERE JSON_VALUE(_y, '$.t') = '1'`));
  return rel;
};
