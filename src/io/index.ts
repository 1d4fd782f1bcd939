/**
 * Reading and writing record files (JSONL, CSV, Arrow IPC, Parquet).
 *
 * @module
 */
export type { Format } from "./format.ts";
export { FORMATS, formatOf } from "./format.ts";
export type { ErrorRecord, InputRecord, ValueRecord } from "./records.ts";
export type { ReadOptions } from "./read.ts";
export { readRecords } from "./read.ts";
export type { WriteOptions } from "./write.ts";
export { writeRecords } from "./write.ts";
export { coerceCsvRow } from "./csv-coerce.ts";
export type { CsvParse } from "./csv.ts";
export { csvField, parseCsvRecord } from "./csv.ts";
