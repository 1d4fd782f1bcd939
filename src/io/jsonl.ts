/**
 * JSONL: one JSON object per line.
 *
 * @module
 */
import { canonicalJson } from "../core/canonical.ts";
import type { InputRecord } from "./records.ts";

const describe = (u: unknown): string => (u === null ? "null" : Array.isArray(u) ? "an array" : `a ${typeof u}`);

/**
 * The record on one JSONL line, or `undefined` for a blank line (only
 * whitespace). A trailing `\r` is stripped. A line that is not JSON, or is
 * JSON but not an object, becomes an error record with the line as `raw`.
 */
export const parseJsonLine = (line: string, offset: number): InputRecord | undefined => {
  if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
  if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === "")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { offset, error: `invalid JSON: ${(e as Error).message}`, raw: line };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { offset, error: `invalid JSON: expected an object on each line, got ${describe(value)}`, raw: line };
  }
  return { offset, value };
};

const CHUNK_CHARS = 1 << 20;

/** JSONL text for `rows` in chunks of about 1 MiB: `canonicalJson(row)` and `\n` per row. */
export function* jsonlChunks(rows: readonly unknown[]): Generator<string> {
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
