/**
 * Writing record files: JSONL, CSV, Arrow IPC, Parquet, or JSONL on stdout.
 *
 * @module
 */
import { csvChunks } from "./csv.ts";
import { formatOf } from "./format.ts";
import type { Format } from "./format.ts";
import { jsonlChunks } from "./jsonl.ts";
import { writeOutput } from "./sink.ts";

/** Options for {@link writeRecords}. */
export interface WriteOptions {
  /** The format, when the file name does not tell it (default: by extension; `-` is JSONL). */
  readonly format?: Format;
}

/**
 * Writes `rows` to `path` (`-` is stdout), format chosen by extension
 * (see `formatOf`) unless `opts.format` is given. Parent directories are
 * created; files appear atomically (written aside, then renamed).
 *
 * - JSONL: `canonicalJson(row)` and `\n` per row (the last included);
 *   zero rows write an empty file. Any JSON value may be a row.
 * - CSV: header = sorted union of keys; numbers and booleans as JSON,
 *   objects and arrays as canonical JSON; `null`/absent as an empty field,
 *   the empty string as `""`; RFC 4180 quoting; `\n` line ends.
 * - Arrow IPC (file format) and Parquet: one typed column per key (sorted);
 *   objects, arrays and mixed-kind columns as canonical JSON text (tagged so
 *   `readRecords` parses them back). Absent keys become nulls.
 *
 * `rows` may be any iterable that can be iterated more than once (CSV reads
 * it twice: the header, then the lines); JSONL and CSV stream it, Arrow and
 * Parquet build their columns from all of it at once.
 *
 * @throws RunError for CSV/Arrow/Parquet when a row is not an object
 */
export const writeRecords = async (path: string, rows: Iterable<unknown>, opts: WriteOptions = {}): Promise<void> => {
  const format = opts.format ?? formatOf(path);
  switch (format) {
    case "jsonl":
      return writeOutput(path, jsonlChunks(rows));
    case "csv":
      return writeOutput(path, csvChunks(rows, path));
    // Loaded only for their formats (see read.ts).
    case "arrow":
      return writeOutput(path, [(await import("./arrow.ts")).rowsToArrow(arrayOf(rows), path)]);
    case "parquet":
      return writeOutput(path, [(await import("./parquet.ts")).rowsToParquet(arrayOf(rows), path)]);
  }
};

/** The rows as an array (the columnar formats need them all at once). */
const arrayOf = (rows: Iterable<unknown>): readonly unknown[] => (Array.isArray(rows) ? rows : [...rows]);
