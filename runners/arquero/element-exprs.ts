/**
 * Arquero expressions over a whole element (its field columns, or `_x`):
 * the element as an object, or its canonical JSON — for keyed stages that
 * keep or compare whole elements (join sides, groupByKey, sequence ties).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { COL, fieldsOf, fieldColumn, hasExotic } from "./columns.ts";

let calls = 0;

/**
 * `{ source, params }` for an expression giving each row's element as an
 * object (`"object"`) or as canonical JSON (`"json"`). Pass `params` to
 * `table.params` before the verb.
 */
export const elementExpr = (table: ColumnTable, as: "object" | "json"): { source: string; params: Record<string, unknown> } => {
  const fields = fieldsOf(table);
  const name = `el${calls++}`;
  const cols = fields.map((f) => `d[${JSON.stringify(fieldColumn(f))}]`);
  const fn = hasExotic(table) ? (as === "object" ? "ls_row" : "ls_rowjson") : as === "object" ? "ls_obj" : "ls_objjson";
  const args = [`$.${name}`, ...(hasExotic(table) ? [`d.${COL.x}`] : []), ...cols];
  return { source: `(d, $) => op.${fn}(${args.join(", ")})`, params: { [name]: fields } };
};
