/**
 * Parquet ⇄ rows, through hyparquet and hyparquet-writer.
 *
 * Columns that hold objects, arrays or mixed kinds are written as canonical
 * JSON text in a STRING column (not Parquet's JSON type, whose writer does
 * not keep canonical key order), and their names are listed in the file's
 * key-value metadata under `lockstep.json_columns`; reading parses them.
 * Other tools see the JSON text as strings.
 *
 * @module
 */
import { parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import type { AsyncBuffer } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { ColumnSource } from "hyparquet-writer";
import { toColumns } from "./columns.ts";
import type { Column } from "./columns.ts";
import { toPlain } from "./plain.ts";

const JSON_COLUMNS_KEY = "lockstep.json_columns";

const source = (c: Column): ColumnSource => {
  switch (c.kind) {
    case "boolean":
      return { name: c.name, data: c.values as boolean[], type: "BOOLEAN" };
    case "integer":
      return { name: c.name, data: c.values.map((v) => (v === null ? null : BigInt(v as number))), type: "INT64" };
    case "number":
      return { name: c.name, data: c.values as number[], type: "DOUBLE" };
    default:
      return { name: c.name, data: c.values as string[], type: "STRING" };
  }
};

/**
 * Parquet bytes for `rows`: one column per key (sorted), typed BOOLEAN,
 * INT64 (safe integers), DOUBLE, or STRING (strings, all-null columns, and
 * canonical JSON text for nested or mixed values). A row without a key is
 * null there.
 *
 * @throws RunError when a row is not an object
 */
export const rowsToParquet = (rows: readonly unknown[], where: string): Uint8Array => {
  const columns = toColumns(rows, where);
  const json = columns.filter((c) => c.kind === "json").map((c) => c.name);
  const buffer = parquetWriteBuffer({
    columnData: columns.map(source),
    kvMetadata: json.length > 0 ? [{ key: JSON_COLUMNS_KEY, value: JSON.stringify(json) }] : [],
  });
  return new Uint8Array(buffer);
};

/** An AsyncBuffer over bytes already in memory (stdin). */
export const bufferOf = (bytes: Uint8Array): AsyncBuffer => ({
  byteLength: bytes.byteLength,
  slice: (start, end) => bytes.slice(start, end).buffer,
});

/**
 * The rows of a Parquet file as plain JSON objects, one batch per row group
 * so large files are not decoded at once (see `toPlain`: INT64 beyond 2^53
 * becomes a string, timestamps ISO strings). `onGroup` is told the share
 * of the file's rows read after each row group (for progress).
 */
export async function* parquetRowBatches(file: AsyncBuffer, onGroup?: (share: number) => void): AsyncGenerator<Record<string, unknown>[]> {
  const metadata = await parquetMetadataAsync(file);
  const total = Number(metadata.num_rows);
  const listed = metadata.key_value_metadata?.find((kv) => kv.key === JSON_COLUMNS_KEY)?.value;
  const json = new Set<string>(listed ? (JSON.parse(listed) as string[]) : []);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd });
    onGroup?.(total > 0 ? rowEnd / total : 1);
    yield rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, json.has(k) && typeof v === "string" ? JSON.parse(v) : toPlain(v)])));
    rowStart = rowEnd;
  }
}
