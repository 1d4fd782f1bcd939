/**
 * Arrow IPC ⇄ rows, through flechette (the Arrow library under arquero).
 *
 * Columns that hold objects, arrays or mixed kinds are written as canonical
 * JSON text in a utf8 column tagged with Arrow's canonical `arrow.json`
 * extension type; reading parses any column so tagged.
 *
 * @module
 */
import { Endianness, Table, Version, bool, columnFromArray, field, float64, int64, nullType, tableFromIPC, tableToIPC, utf8 } from "@uwdata/flechette";
import type { Column as ArrowColumn, DataType, Field } from "@uwdata/flechette";
import { toColumns } from "./columns.ts";
import type { Column, ColumnKind } from "./columns.ts";
import { toPlain } from "./plain.ts";

const EXTENSION = "ARROW:extension:name";
const JSON_EXTENSION = "arrow.json";

const TYPES: Record<ColumnKind, () => DataType> = {
  null: nullType,
  boolean: bool,
  integer: int64,
  number: float64,
  string: utf8,
  json: utf8,
};

const arrowColumn = (c: Column): ArrowColumn<unknown> => {
  // int64 columns take BigInt values; reading turns them back into numbers.
  const values = c.kind === "integer" ? c.values.map((v) => (v === null ? null : BigInt(v as number))) : c.values;
  return columnFromArray(values, TYPES[c.kind]());
};

/**
 * Arrow IPC file-format bytes for `rows`: one column per key (sorted),
 * typed bool, int64 (safe integers), float64, utf8, null, or utf8 +
 * `arrow.json` for nested or mixed values. A row without a key is null there.
 *
 * @throws RunError when a row is not an object
 */
export const rowsToArrow = (rows: readonly unknown[], where: string): Uint8Array => {
  const columns = toColumns(rows, where);
  const fields: Field[] = columns.map((c) => field(c.name, TYPES[c.kind](), true, c.kind === "json" ? new Map([[EXTENSION, JSON_EXTENSION]]) : new Map()));
  const table = new Table({ version: Version.V5, endianness: Endianness.Little, fields, metadata: null }, columns.map(arrowColumn));
  return tableToIPC(table, { format: "file" })!;
};

/**
 * The rows of Arrow IPC bytes (file or stream format) as plain JSON objects
 * (see `toPlain`: int64 beyond 2^53 becomes a string, timestamps ISO strings).
 */
export function* arrowToRows(bytes: Uint8Array): Generator<Record<string, unknown>> {
  const table = tableFromIPC(bytes, { useBigInt: true, useDate: true });
  const names = table.schema.fields.map((f) => f.name);
  const json = table.schema.fields.map((f) => f.metadata?.get(EXTENSION) === JSON_EXTENSION);
  const columns = names.map((_, i) => table.getChildAt(i)!);
  for (let r = 0; r < table.numRows; r++) {
    yield Object.fromEntries(
      names.map((name, i) => {
        const v = columns[i]!.at(r);
        return [name, json[i] && typeof v === "string" ? JSON.parse(v) : toPlain(v)];
      }),
    );
  }
}
