/**
 * Reading record files: JSONL, CSV, Arrow IPC, Parquet, or JSONL on stdin.
 *
 * @module
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { SchemaJson } from "../schema/json-schema.ts";
import { dropAbsentNulls } from "./csv-coerce.ts";
import { flattenBatches } from "./batches.ts";
import { coerceCsvRow } from "./csv-coerce.ts";
import { csvRecordBatches } from "./csv-read.ts";
import { formatOf } from "./format.ts";
import type { Format } from "./format.ts";
import { parseLine } from "./jsonl.ts";
import { readLineBatches } from "./lines.ts";
import type { InputRecord } from "./records.ts";

/** Options for {@link readRecords}. */
export interface ReadOptions {
  /** The format, when the file name does not tell it (default: by extension; `-` is JSONL). */
  readonly format?: Format;
  /** For CSV: convert each row's strings to what this schema accepts (see `coerceCsvRow`). */
  readonly schema?: SchemaJson;
  /**
   * Told after each batch of records: how many, and how many bytes of the
   * file have been consumed so far (when the reader can tell: always for
   * files, never for stdin). Drives the progress bar (`src/run/progress.ts`).
   */
  readonly onRead?: (records: number, position?: number) => void;
}

const CHUNK_BYTES = 1 << 20; // 1 MiB reads: fewer, larger batches measured faster than the 64 KiB default
const ROW_BATCH = 4096;

/**
 * The records of the file at `path` (`-` is stdin), format chosen by
 * extension (see `formatOf`) unless `opts.format` is given.
 *
 * - JSONL streams line by line; offsets are line numbers. Every line is a
 *   record: a trailing `\r` is stripped; a blank line, a line that is not a
 *   JSON object and a line that is not UTF-8 become error records (see
 *   `parseJsonLine`, `invalidUtf8Record`).
 * - CSV streams too (RFC 4180, header row); values are strings and an empty
 *   unquoted field is `null`, unless `opts.schema` converts them. Offsets are
 *   the line a record starts on; malformed records become error records.
 * - Arrow (file or stream format) and Parquet yield plain objects; offsets
 *   are 1-based row numbers. A null cell reads as `null` (these formats
 *   cannot tell an absent field from a null one). 64-bit integers beyond
 *   2^53 read as decimal strings, timestamps as ISO strings.
 *   Arrow files are read whole; Parquet one row group at a time.
 *
 * Each iteration reads the file afresh. I/O failures (missing file) throw
 * when iteration starts.
 */
export const readRecords = (path: string, opts: ReadOptions = {}): AsyncIterable<InputRecord> => {
  const format = opts.format ?? formatOf(path); // throws now, not on first next()
  const onRead = opts.onRead;
  return {
    [Symbol.asyncIterator]: () => {
      const meter: ByteMeter = { position: () => undefined };
      const batches = batchesOf(path, format, opts.schema, meter);
      return flattenBatches(onRead ? reported(batches, meter, onRead) : batches);
    },
  };
};

/** How far into its file a reader is, in bytes (undefined: it cannot tell). */
interface ByteMeter {
  position: () => number | undefined;
}

/** `batches`, telling `onRead` each batch's size and the reader's position. */
async function* reported(
  batches: AsyncGenerator<InputRecord[]>,
  meter: ByteMeter,
  onRead: (records: number, position?: number) => void,
): AsyncGenerator<InputRecord[]> {
  for await (const batch of batches) {
    onRead(batch.length, meter.position());
    yield batch;
  }
}

const openText = (path: string, meter: ByteMeter): Readable => {
  if (path === "-") return process.stdin;
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  // bytesRead counts what the stream took from the file, at most a chunk or two ahead of the parser.
  meter.position = () => stream.bytesRead;
  return stream;
};

const readBytes = async (path: string): Promise<Uint8Array> => {
  if (path !== "-") return readFile(path);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

function batchesOf(path: string, format: Format, schema: SchemaJson | undefined, meter: ByteMeter): AsyncGenerator<InputRecord[]> {
  switch (format) {
    case "jsonl":
      return jsonlBatches(openText(path, meter));
    case "csv":
      return csvBatches(openText(path, meter), path, schema);
    case "arrow":
      return withAbsentDropped(arrowBatches(path, meter), schema);
    case "parquet":
      return withAbsentDropped(parquetBatches(path, meter), schema);
  }
}

/** Columnar rows read with a schema: optional fields that are null were absent (see `dropAbsentNulls`). */
async function* withAbsentDropped(batches: AsyncGenerator<InputRecord[]>, schema: SchemaJson | undefined): AsyncGenerator<InputRecord[]> {
  if (schema === undefined) return yield* batches;
  const drop = dropAbsentNulls(schema);
  for await (const batch of batches) {
    yield batch.map((r) =>
      r.error === undefined && typeof r.value === "object" && r.value !== null && !Array.isArray(r.value)
        ? { ...r, value: drop(r.value as Record<string, unknown>) }
        : r,
    );
  }
}

async function* jsonlBatches(input: Readable): AsyncGenerator<InputRecord[]> {
  let offset = 0;
  for await (const lines of readLineBatches(input)) {
    const out: InputRecord[] = [];
    for (const line of lines) out.push(parseLine(line, ++offset));
    if (out.length > 0) yield out;
  }
}

async function* csvBatches(input: Readable, path: string, schema: SchemaJson | undefined): AsyncGenerator<InputRecord[]> {
  const batches = csvRecordBatches(readLineBatches(input), path);
  if (schema === undefined) return yield* batches;
  for await (const batch of batches) {
    yield batch.map((r) => (r.error === undefined ? { offset: r.offset, value: coerceCsvRow(r.value as Record<string, string | null>, schema) } : r));
  }
}

// Arrow and Parquet readers (flechette, hyparquet: ~120 modules) load only
// for those formats, so a JSONL run does not pay for them at start-up.
async function* arrowBatches(path: string, meter: ByteMeter): AsyncGenerator<InputRecord[]> {
  const { arrowToRows } = await import("./arrow.ts");
  let out: InputRecord[] = [];
  let offset = 0;
  const bytes = await readBytes(path);
  if (path !== "-") meter.position = () => bytes.byteLength; // read whole: decoding rows is what remains
  for (const value of arrowToRows(bytes)) {
    out.push({ offset: ++offset, value });
    if (out.length === ROW_BATCH) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

async function* parquetBatches(path: string, meter: ByteMeter): AsyncGenerator<InputRecord[]> {
  const [{ asyncBufferFromFile }, { bufferOf, parquetRowBatches }] = await Promise.all([import("hyparquet"), import("./parquet.ts")]);
  const file = path === "-" ? bufferOf(await readBytes(path)) : await asyncBufferFromFile(path);
  let offset = 0;
  // Row groups are read one at a time: the share of rows done stands for the share of bytes.
  const onGroup = path === "-" ? undefined : (share: number) => void (meter.position = () => Math.round(share * file.byteLength));
  for await (const rows of parquetRowBatches(file, onGroup)) yield rows.map((value) => ({ offset: ++offset, value }));
}
