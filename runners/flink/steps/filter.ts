/**
 * `filter`: keeps the rows whose condition is exactly true (§4) — `IS TRUE`
 * in SQL, which is false for NULL as the rule wants.
 *
 * @module
 */
import type { FilterNode } from "../../../src/plan/ir.ts";
import { allColumns, selectList } from "../rel.ts";
import { view } from "../sql.ts";
import type { StepFn } from "../step.ts";
import { sqlOf } from "./scope.ts";

/** The step of a filter. */
export const filterStep: StepFn<FilterNode> = (n, [input], b) => {
  const cond = sqlOf(n.id, n.expr, input!, `${n.id}.expr`);
  const rel = { ...input!, view: b.name(n.id) };
  // A condition that is not a boolean is never exactly true.
  const where = cond.kind === "boolean" ? `(${cond.sql}) IS TRUE` : "FALSE";
  b.define(view(rel.view, `SELECT ${selectList(allColumns(input!))} FROM ${input!.view} WHERE ${where}`));
  return rel;
};
