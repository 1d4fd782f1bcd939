/**
 * Element values ⇄ field columns: the row-at-a-time edges of the columnar
 * runner (decoded input, executor output, dead letters, late elements, sink
 * rows).
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import { COL, fieldColumn, fieldsOf, hasExotic, valuesOf } from "./columns.ts";
import { isObject, setOwnField } from "../../src/core/fields.ts";

/**
 * The element values of rows `rows` of `table` (all rows when omitted), as
 * plain objects with only the fields each row holds; a non-object element is
 * its own value.
 */
export const elementsOf = (table: ColumnTable, rows?: readonly number[]): unknown[] => {
  const fields = fieldsOf(table);
  const cols = fields.map((f) => valuesOf(table, fieldColumn(f)));
  const exotic = hasExotic(table) ? valuesOf(table, COL.x) : undefined;
  const count = rows ? rows.length : table.numRows();
  const out = new Array<unknown>(count);
  for (let i = 0; i < count; i++) {
    const r = rows ? rows[i]! : i;
    if (exotic !== undefined && exotic[r] !== undefined) {
      out[i] = exotic[r];
      continue;
    }
    const o: Record<string, unknown> = {};
    for (let f = 0; f < fields.length; f++) {
      const v = cols[f]![r];
      if (v === undefined) continue;
      setOwnField(o, fields[f]!, v);
    }
    out[i] = o;
  }
  return out;
};

/** True when `v` is exactly the element row `r` of `cols` holds: same defined fields, same values (shallow). */
export const sameElement = (v: unknown, fields: readonly string[], cols: readonly (readonly unknown[])[], r: number): boolean => {
  if (!isObject(v)) return false;
  let n = 0;
  for (let f = 0; f < fields.length; f++) {
    const old = cols[f]![r];
    if (old === undefined) continue;
    n++;
    if (!Object.hasOwn(v, fields[f]!) || v[fields[f]!] !== old) return false;
  }
  return Object.keys(v).length === n;
};

/**
 * Field columns (and `_x` when some value is not an object) holding `values`,
 * one row per value.
 */
export const columnsOfValues = (values: readonly unknown[]): Record<string, unknown[]> => {
  const n = values.length;
  const cols = new Map<string, unknown[]>();
  let exotic: unknown[] | undefined;
  // Rows of one source mostly share their keys: reuse the previous row's column lookups.
  let lastKeys: string[] = [];
  let lastCols: unknown[][] = [];
  for (let r = 0; r < n; r++) {
    const v = values[r];
    if (!isObject(v)) {
      (exotic ??= new Array(n))[r] = v;
      continue;
    }
    const keys = Object.keys(v);
    let same = keys.length === lastKeys.length;
    for (let i = 0; same && i < keys.length; i++) same = keys[i] === lastKeys[i];
    if (!same) {
      lastKeys = keys;
      lastCols = keys.map((k) => {
        let col = cols.get(k);
        if (col === undefined) cols.set(k, (col = new Array(n)));
        return col;
      });
    }
    for (let i = 0; i < keys.length; i++) {
      const x = v[keys[i]!];
      if (x !== undefined) lastCols[i]![r] = x;
    }
  }
  const out: Record<string, unknown[]> = {};
  for (const [k, col] of cols) out[fieldColumn(k)] = col;
  if (exotic !== undefined) out[COL.x] = exotic;
  return out;
};
