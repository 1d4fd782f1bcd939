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
import { compileSql, sqlString } from "../../../src/expr/compile-sql.ts";
import type { FilterNode } from "../../../src/plan/ir.ts";
import { allColumns, selectList } from "../rel.ts";
import { fileTable, view } from "../sql.ts";
import type { StepFn } from "../step.ts";
import { refuse, sqlType } from "../step.ts";
import { elementArgSql, jsCall } from "./element-json.ts";
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
  // In GraalJS: the engine's compiled expression on the element.
  const x = sqlString(JSON.stringify(n.expr));
  if (typeof x !== "string") return refuse(n.id, `${cond.refused.path}: ${cond.refused.reason}`);
  const judged = b.name(`${n.id}_js`);
  b.define(view(judged, `SELECT ${columns}, ${jsCall(b, "ls_expr", elementArgSql(n.id, input!, [`'x' VALUE ${x}`]))} AS _y FROM ${input!.view}`));
  const dead = b.name(`dl_${n.id}`);
  const deadCols: [string, string][] = [
    ["_line", "BIGINT"],
    ["_src", "STRING"],
    ["_raw", "STRING"],
    ...input!.fields.map((f): [string, string] => [f.column, sqlType(f.kind)]),
    ["_reason", "STRING"],
  ];
  const path = b.path("out", dead);
  b.define(fileTable(dead, deadCols, path));
  b.insert(
    `INSERT INTO ${dead} SELECT ${deadCols.map(([c]) => (c === "_reason" ? "JSON_VALUE(_y, '$.dead') AS _reason" : c)).join(", ")} FROM ${judged} WHERE JSON_VALUE(_y, '$.dead') IS NOT NULL`,
  );
  b.output({
    kind: "deadLetters",
    what: "reason",
    stage: n.id,
    table: dead,
    path,
    raw: input!.raw,
    overlay: input!.overlay ?? [],
    fields: input!.fields,
    pane: null,
  });
  b.define(view(rel.view, `SELECT ${columns} FROM ${judged} WHERE JSON_VALUE(_y, '$.t') = '1'`));
  return rel;
};
