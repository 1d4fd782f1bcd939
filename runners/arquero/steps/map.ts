/**
 * `map`: replaces each element with the object its struct expression builds.
 * Each struct field is one derived column; the old fields are dropped.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { Expr } from "../../../src/expr/ast.ts";
import type { MapNode } from "../../../src/plan/ir.ts";
import { fieldColumn, internalColumns } from "../columns.ts";
import { deriveExprs, exprSource, fallbackOf } from "../expressions.ts";
import { columnsOfValues } from "../rows.ts";
import type { Runtime, Step } from "../step.ts";

/** Struct fields with later duplicates winning, as `Object.fromEntries` does. */
const fieldsOfStruct = (e: Expr & { op: "struct" }): [string, Expr][] => [...new Map(e.fields.map(([k, v]) => [k, v] as [string, Expr]))];

const NON_STRUCT = "a map to an expression that is not a struct: the fields of its values are only known row by row";

const mapStruct = (input: ColumnTable, fields: [string, Expr][], id: string, rt: Runtime): ColumnTable => {
  const temp = fields.map((_, i) => `_m${i}`);
  const t = deriveExprs(
    input,
    fields.map(([, e], i) => [temp[i]!, e] as const),
    id,
    rt,
  );
  return t
    .select([...internalColumns(input), ...temp])
    .rename(Object.fromEntries(fields.map(([name], i) => [temp[i]!, fieldColumn(name)])))
    .reify();
};

const mapValues = (input: ColumnTable, expr: Expr, id: string, rt: Runtime): ColumnTable => {
  rt.log(`stage "${id}": ${NON_STRUCT}; its output columns are built row at a time`);
  // The derived table, not `input`: rows whose expression failed are dead letters and gone from it.
  const t = deriveExprs(input, [["_mv", expr]], id, rt);
  const values = t.array("_mv") as unknown[];
  return t.select(internalColumns(input)).assign(columnsOfValues(values)).reify();
};

/** The step of a map. */
export const mapStep = (n: MapNode): Step => {
  const struct = n.expr.op === "struct" ? fieldsOfStruct(n.expr) : undefined;
  const fbs = (struct ? struct.map(([, e]) => fallbackOf(e)) : [fallbackOf(n.expr), NON_STRUCT]).filter((x): x is string => x !== undefined);
  return {
    stage: n.id,
    op: n.op,
    mode: fbs.length > 0 ? "row-at-a-time" : "columnar",
    verbs: struct
      ? [`derive({ ${struct.map(([name, e]) => `${JSON.stringify(fieldColumn(name))}: ${exprSource(e)}`).join(", ")} })`, "select(the new fields)"]
      : [`derive({ _mv: ${exprSource(n.expr)} })`, "explode _mv into field columns (row at a time)"],
    fallbacks: fbs,
    run: ([input], rt) => {
      const out = struct ? mapStruct(input!, struct, n.id, rt) : mapValues(input!, n.expr, n.id, rt);
      const m = rt.metrics(n.id);
      m.in += input!.numRows();
      m.out += out.numRows();
      return out;
    },
  };
};
