/**
 * `flatMap` (§4): one element per item of the expression's array, each
 * `{ [as]: item }` — the expression and the rule (null yields nothing, a
 * non-array or, without `as`, a non-object item is a dead letter) run in
 * GraalJS as the engine's own `compileExpr` and `flatMapValues`, through the
 * table function `ls_js_flat` (arrays are not SQL columns here). Each output
 * is its canonical JSON (the new `_raw`) and the typed columns of the
 * stage's inferred row type; dead letters carry their reason in `_reason`.
 *
 * The outputs of one record share its `_line`: the order among them has no
 * column, so a later withTimestamps or dedupe (which read arrival order) is
 * refused (`Rel.fanned`).
 *
 * @module
 */
import { sqlString } from "../../../src/expr/compile-sql.ts";
import type { FlatMapNode } from "../../../src/plan/ir.ts";
import type { Rel } from "../rel.ts";
import { allColumns, metaColumns, selectList } from "../rel.ts";
import { fileTable, view } from "../sql.ts";
import type { StepFn } from "../step.ts";
import { refuse, sqlType } from "../step.ts";
import { elementArgSql, jsCall, jsColumn } from "./element-json.ts";
import { columnsOfSchema } from "./source.ts";

/** A SQL string literal of `s`, or the stage refused. */
const lit = (stage: string, s: string): string => {
  const l = sqlString(s);
  return typeof l === "string" ? l : refuse(stage, l.refused);
};

/** The step of a flatMap. */
export const flatMapStep: StepFn<FlatMapNode> = (n, [input], b) => {
  const rel = input!;
  if (rel.pane !== null) return refuse(n.id, "a flatMap after a combine is not in the Flink slice yet");
  const { fields, unsupported } = columnsOfSchema(b.rowOf(n.id));
  const cols = JSON.stringify(fields.map((f) => [f.name, f.column, f.kind]));
  const arg = elementArgSql(n.id, rel, [
    `'x' VALUE ${lit(n.id, JSON.stringify(n.expr))}`,
    `'as' VALUE ${n.as === undefined ? "CAST(NULL AS STRING)" : lit(n.id, n.as)}`,
    `'cols' VALUE ${lit(n.id, cols)}`,
  ]);
  const items = b.name(`${n.id}_items`);
  b.define(view(items, `SELECT ${selectList(allColumns(rel))}, _y FROM ${rel.view}, LATERAL TABLE(${jsCall(b, "ls_flat", arg, "ls_js_flat")}) AS _f(_y)`));

  const dead = b.name(`dl_${n.id}`);
  const deadCols: [string, string][] = [
    ["_line", "BIGINT"],
    ["_src", "STRING"],
    ["_raw", "STRING"],
    ...rel.fields.map((f): [string, string] => [f.column, sqlType(f.kind)]),
    ["_reason", "STRING"],
  ];
  const path = b.path("out", dead);
  b.define(fileTable(dead, deadCols, path));
  b.insert(
    `INSERT INTO ${dead} SELECT ${deadCols.map(([c]) => (c === "_reason" ? "JSON_VALUE(_y, '$.dead') AS _reason" : c)).join(", ")} FROM ${items} WHERE JSON_VALUE(_y, '$.dead') IS NOT NULL`,
  );
  b.output({ kind: "deadLetters", what: "reason", stage: n.id, table: dead, path, raw: rel.raw, overlay: rel.overlay ?? [], fields: rel.fields, pane: null });

  const out: Rel = { ...rel, view: b.name(n.id), fields, unsupported, raw: true, overlay: [], fanned: true };
  const meta = selectList(metaColumns(out), { _raw: "JSON_VALUE(_y, '$.raw')" });
  b.define(
    view(out.view, `SELECT ${[meta, ...fields.map((f) => jsColumn("_y", f.column, f.kind))].join(", ")} FROM ${items} WHERE JSON_VALUE(_y, '$.dead') IS NULL`),
  );
  return out;
};
