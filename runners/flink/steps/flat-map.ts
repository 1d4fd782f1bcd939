/**
 * `flatMap` (§4): one element per item of the expression's array, each
 * `{ [as]: item }` — the expression and the rule (null yields nothing, a
 * non-array or, without `as`, a non-object item is a dead letter) run in
 * GraalJS as the engine's own `compileExpr` and `flatMapValues`, through the
 * table function `ls_js_flat` (arrays are not SQL columns here). Each output
 * is its canonical JSON (the new `_raw`) and the typed columns of the
 * stage's inferred row type; dead letters carry their reason (`js-stage.ts`).
 *
 * The outputs of one record share its `_line`: the order among them has no
 * column, so a later withTimestamps or dedupe (which read arrival order) is
 * refused (`Rel.fanned`). After a combine, the outputs of a pane keep its
 * output key (`_pk…`, `_pws`, `_pwe`): the final view holds them all as that
 * pane's rows, as the engine's does.
 *
 * @module
 */
import { sqlString } from "../../../src/expr/compile-sql.ts";
import type { FlatMapNode } from "../../../src/plan/ir.ts";
import type { Rel } from "../rel.ts";
import type { StepFn } from "../step.ts";
import { refuse } from "../step.ts";
import { colsSpec, jsOutputs, jsResults } from "./js-stage.ts";
import { columnsOfSchema } from "./source.ts";

/** A SQL string literal of `s`, or the stage refused. */
export const lit = (stage: string, s: string): string => {
  const l = sqlString(s);
  return typeof l === "string" ? l : refuse(stage, l.refused);
};

/** The step of a flatMap. */
export const flatMapStep: StepFn<FlatMapNode> = (n, [input], b) => {
  const rel = input!;
  const { fields, unsupported } = columnsOfSchema(b.rowOf(n.id));
  const called = jsResults(
    n.id,
    rel,
    b,
    "ls_flat",
    [
      `'x' VALUE ${lit(n.id, JSON.stringify(n.expr))}`,
      `'as' VALUE ${n.as === undefined ? "CAST(NULL AS STRING)" : lit(n.id, n.as)}`,
      `'cols' VALUE ${lit(n.id, colsSpec(fields))}`,
    ],
    true,
  );
  const out: Rel = { ...rel, view: b.name(n.id), fields, unsupported, raw: true, overlay: [], fanned: true };
  jsOutputs(out, called, b);
  return out;
};
