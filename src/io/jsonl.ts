/**
 * JSONL: one JSON object per line.
 *
 * @module
 */
import { canonicalJson } from "../core/canonical.ts";
import { recordProblem } from "../core/depth.ts";
import type { Line } from "./lines.ts";
import type { InputRecord } from "./records.ts";
import { invalidUtf8Record, utf8Decode, validUtf8 } from "./utf8.ts";

const describe = (u: unknown): string => (u === null ? "null" : Array.isArray(u) ? "an array" : `a ${typeof u}`);

/** The reason for a line (or message) with no JSON text: empty, or only whitespace. */
export const EMPTY_RECORD = "empty record: the line holds no JSON (only whitespace or nothing)";

/**
 * The record on one JSONL line (or in one Kafka message). A trailing `\r` is
 * stripped. Every line read is a record (docs/semantics.md §2): a line that
 * is empty or only whitespace is an error record ({@link EMPTY_RECORD}); a
 * line that is not JSON, is JSON but not an object, is nested deeper than the
 * limit or holds a number JSON cannot carry (`1e400`) is an error record with
 * the line as `raw`.
 */
export const parseJsonLine = (line: string, offset: number): InputRecord => {
  if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
  if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === "")) return { offset, error: EMPTY_RECORD, raw: line };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { offset, error: `invalid JSON: ${(e as Error).message}`, raw: line };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { offset, error: `invalid JSON: expected an object on each line, got ${describe(value)}`, raw: line };
  }
  const problem = recordProblem(value);
  if (problem !== undefined) return { offset, error: `invalid JSON: ${problem}`, raw: line };
  return { offset, value };
};

/** The record in `bytes` (a line or a message): {@link parseJsonLine} of its text, or an invalid-UTF-8 error record. */
export const parseJsonBytes = (bytes: Uint8Array, offset: number): InputRecord => {
  if (!validUtf8(bytes)) return invalidUtf8Record(bytes[bytes.length - 1] === 13 ? bytes.subarray(0, -1) : bytes, offset);
  return parseJsonLine(utf8Decode(bytes), offset);
};

/** The reason for a Kafka message with no value (a tombstone): a dead letter with neither raw text nor value. */
export const NULL_VALUE_RECORD = "empty record (null value)";

/**
 * The record in a message read as text: `invalid`, its bytes when they are not UTF-8 (then `text`
 * is only a rendering), else `text`, its value decoded (null: no value): the record a JSONL line
 * with those bytes would be ({@link parseJsonBytes}), or the error record of a null value.
 */
export const parseMessage = (text: string | null, invalid: Uint8Array | undefined, offset: number): InputRecord =>
  invalid !== undefined ? parseJsonBytes(invalid, offset) : text === null ? { offset, error: NULL_VALUE_RECORD } : parseJsonLine(text, offset);

/** The record on a line from `readLineBatches`. */
export const parseLine = (line: Line, offset: number): InputRecord =>
  typeof line === "string" ? parseJsonLine(line, offset) : parseJsonBytes(line.invalid, offset);

const CHUNK_CHARS = 1 << 20;

/** JSONL text for `rows` in chunks of about 1 MiB: `canonicalJson(row)` and `\n` per row. */
export function* jsonlChunks(rows: Iterable<unknown>): Generator<string> {
  let buf = "";
  for (const row of rows) {
    buf += canonicalJson(row) + "\n";
    if (buf.length >= CHUNK_CHARS) {
      yield buf;
      buf = "";
    }
  }
  if (buf.length > 0) yield buf;
}
