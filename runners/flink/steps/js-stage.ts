/**
 * A stage computed in GraalJS by the bundle's functions (`js/functions.ts`):
 * the call's JSON result per row (`_y`), this stage's dead letters from the
 * rows whose result is `{ dead: reason }` (an expression's run-time error,
 * §15; a flatMap's refused items), and the rows that come out: `{ raw, c }`,
 * the output's canonical JSON (the new `_raw`) and its typed columns (the
 * stage's inferred row type). Shared by map, flatMap and filter.
 *
 * @module
 */
import type { FieldColumn, Rel } from "../rel.ts";
import { allColumns, metaColumns, selectList } from "../rel.ts";
import { fileTable, view } from "../sql.ts";
import type { Build } from "../step.ts";
import { sqlType } from "../step.ts";
import { elementArgSql, jsCall, jsColumn } from "./element-json.ts";

/**
 * Calls `fn` on every row of `rel` (its element, and `extra` members, as the argument;
 * `ls_js_flat` when `flat`) into the view it returns, whose `_y` is the result, and writes the
 * rows whose result is a dead letter to this stage's dead-letter table.
 */
export const jsResults = (stage: string, rel: Rel, b: Build, fn: string, extra: readonly string[], flat: boolean): string => {
  const arg = elementArgSql(stage, rel, extra);
  const called = b.name(`${stage}_js`);
  const columns = selectList(allColumns(rel));
  b.define(
    view(
      called,
      flat
        ? `SELECT ${columns}, _y FROM ${rel.view}, LATERAL TABLE(${jsCall(b, fn, arg, "ls_js_flat")}) AS _f(_y)`
        : `SELECT ${columns}, ${jsCall(b, fn, arg)} AS _y FROM ${rel.view}`,
    ),
  );
  const dead = b.name(`dl_${stage}`);
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
    `INSERT INTO ${dead} SELECT ${deadCols.map(([c]) => (c === "_reason" ? "JSON_VALUE(_y, '$.dead') AS _reason" : c)).join(", ")} FROM ${called} WHERE JSON_VALUE(_y, '$.dead') IS NOT NULL`,
  );
  b.output({ kind: "deadLetters", what: "reason", stage, table: dead, path, raw: rel.raw, overlay: rel.overlay ?? [], fields: rel.fields, pane: null });
  return called;
};

/** The `cols` member telling the bundle which typed columns to return (`[[name, column, kind], …]` as JSON text). */
export const colsSpec = (fields: readonly FieldColumn[]): string => JSON.stringify(fields.map((f) => [f.name, f.column, f.kind]));

/** The view of the output rows of `called` (a {@link jsResults} view): `out`'s meta columns, the new `_raw`, its columns. */
export const jsOutputs = (out: Rel, called: string, b: Build): void => {
  const meta = selectList(metaColumns(out), { _raw: "JSON_VALUE(_y, '$.raw')" });
  b.define(
    view(
      out.view,
      `SELECT ${[meta, ...out.fields.map((f) => jsColumn("_y", f.column, f.kind))].join(", ")} FROM ${called} WHERE JSON_VALUE(_y, '$.dead') IS NULL`,
    ),
  );
};
