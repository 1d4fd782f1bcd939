/**
 * `map`: the element rebuilt from the struct's expressions, one new column
 * per field (`f0`, …); `_raw` is dropped, since the element is no longer
 * the source record. Meta columns (time, clock, key) travel on (§4, §6).
 * When a field is one SQL cannot compute exactly, the whole object is
 * computed in GraalJS by the engine's `compileExpr` (`ls_map`, `js-stage.ts`):
 * its canonical JSON is the new `_raw`, its columns the inferred row type's.
 *
 * @module
 */
import type { MapNode } from "../../../src/plan/ir.ts";
import type { FieldColumn, Rel } from "../rel.ts";
import { metaColumns, selectList } from "../rel.ts";
import { view } from "../sql.ts";
import type { StepFn } from "../step.ts";
import { refuse } from "../step.ts";
import { compileSql } from "../../../src/expr/compile-sql.ts";
import { lit } from "./flat-map.ts";
import { colsSpec, jsOutputs, jsResults } from "./js-stage.ts";
import { scopeOf } from "./scope.ts";
import { columnsOfSchema } from "./source.ts";

/** The step of a map. */
export const mapStep: StepFn<MapNode> = (n, [input], b) => {
  if (n.expr.op !== "struct") return refuse(n.id, "a map whose expression is not an object literal: only `{ field: expr, … }` maps are SQL in the Flink slice");
  const fields: FieldColumn[] = [];
  const exprs: string[] = [];
  const seen = new Set<string>();
  let inJs = false;
  n.expr.fields.forEach(([name, e], i) => {
    if (seen.has(name)) refuse(n.id, `the map builds the field "${name}" twice`);
    seen.add(name);
    const out = compileSql(e, scopeOf(input!), { path: `${n.id}.expr.fields[${i}][1]` });
    if ("refused" in out) inJs = true;
    else {
      fields.push({ name, column: `f${i}`, kind: out.kind });
      exprs.push(`${out.sql} AS f${i}`);
    }
  });
  if (inJs) {
    // A field SQL cannot compute exactly: the whole object in GraalJS, by the engine's compileExpr.
    const { fields: cols, unsupported } = columnsOfSchema(b.rowOf(n.id));
    const called = jsResults(n.id, input!, b, "ls_map", [`'x' VALUE ${lit(n.id, JSON.stringify(n.expr))}`, `'cols' VALUE ${lit(n.id, colsSpec(cols))}`], false);
    const out: Rel = { ...input!, view: b.name(n.id), fields: cols, unsupported, raw: true, overlay: [] };
    jsOutputs(out, called, b);
    return out;
  }
  const rel: Rel = { ...input!, view: b.name(n.id), fields, unsupported: new Map(), raw: false, overlay: [] };
  const meta = selectList(metaColumns(input!), { _raw: "CAST(NULL AS STRING)" });
  b.define(view(rel.view, `SELECT ${[meta, ...exprs].join(", ")} FROM ${input!.view}`));
  return rel;
};
