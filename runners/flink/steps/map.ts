/**
 * `map`: the element rebuilt from the struct's expressions, one new column
 * per field (`f0`, …); `_raw` is dropped, since the element is no longer
 * the source record. Meta columns (time, clock, key) travel on (§4, §6).
 *
 * @module
 */
import type { MapNode } from "../../../src/plan/ir.ts";
import type { FieldColumn, Rel } from "../rel.ts";
import { metaColumns, selectList } from "../rel.ts";
import { view } from "../sql.ts";
import type { StepFn } from "../step.ts";
import { refuse } from "../step.ts";
import { sqlOf } from "./scope.ts";

/** The step of a map. */
export const mapStep: StepFn<MapNode> = (n, [input], b) => {
  if (n.expr.op !== "struct") return refuse(n.id, "a map whose expression is not an object literal: only `{ field: expr, … }` maps are SQL in the Flink slice");
  const fields: FieldColumn[] = [];
  const exprs: string[] = [];
  const seen = new Set<string>();
  n.expr.fields.forEach(([name, e], i) => {
    if (seen.has(name)) refuse(n.id, `the map builds the field "${name}" twice`);
    seen.add(name);
    const out = sqlOf(n.id, e, input!, `${n.id}.expr.fields[${i}][1]`);
    fields.push({ name, column: `f${i}`, kind: out.kind });
    exprs.push(`${out.sql} AS f${i}`);
  });
  const rel: Rel = { ...input!, view: b.name(n.id), fields, unsupported: new Map(), raw: false, overlay: [] };
  const meta = selectList(metaColumns(input!), { _raw: "CAST(NULL AS STRING)" });
  b.define(view(rel.view, `SELECT ${[meta, ...exprs].join(", ")} FROM ${input!.view}`));
  return rel;
};
