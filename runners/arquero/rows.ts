/**
 * Element values ⇄ field columns: the row-at-a-time edges of the columnar
 * runner (decoded input, executor output, dead letters, late elements, sink
 * rows).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { COL, fieldColumn, fieldsOf, hasExotic, valuesOf } from "./columns.ts";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The element values of rows `rows` of `table` (all rows when omitted), as
 * plain objects with only the fields each row holds; a non-object element is
 * its own value.
 */
export const elementsOf = (table: ColumnTable, rows?: readonly number[]): unknown[] => {
  const fields = fieldsOf(table);
  const cols = fields.map((f) => valuesOf(table, fieldColumn(f)));
  const exotic = hasExotic(table) ? valuesOf(table, COL.x) : undefined;
  const index = rows ?? Array.from({ length: table.numRows() }, (_, i) => i);
  return index.map((r) => {
    if (exotic !== undefined && exotic[r] !== undefined) return exotic[r];
    const entries: [string, unknown][] = [];
    for (let f = 0; f < fields.length; f++) {
      const v = cols[f]![r];
      if (v !== undefined) entries.push([fields[f]!, v]);
    }
    // fromEntries defines own properties, so a "__proto__" field stays data.
    return Object.fromEntries(entries);
  });
};

/**
 * Field columns (and `_x` when some value is not an object) holding `values`,
 * one row per value.
 */
export const columnsOfValues = (values: readonly unknown[]): Record<string, unknown[]> => {
  const n = values.length;
  const cols = new Map<string, unknown[]>();
  let exotic: unknown[] | undefined;
  values.forEach((v, r) => {
    if (!isObject(v)) {
      (exotic ??= new Array(n))[r] = v;
      return;
    }
    for (const k of Object.keys(v)) {
      const x = v[k];
      if (x === undefined) continue;
      let col = cols.get(k);
      if (col === undefined) cols.set(k, (col = new Array(n)));
      col[r] = x;
    }
  });
  const out: Record<string, unknown[]> = {};
  for (const [k, col] of cols) out[fieldColumn(k)] = col;
  if (exotic !== undefined) out[COL.x] = exotic;
  return out;
};
