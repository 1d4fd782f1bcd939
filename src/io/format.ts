/**
 * Record file formats and how a path picks one.
 *
 * @module
 */
import { DefinitionError } from "../core/errors.ts";

/** A record file format. */
export type Format = "jsonl" | "csv" | "arrow" | "parquet";

/** Every format, for messages and CLI help. */
export const FORMATS: readonly Format[] = ["jsonl", "csv", "arrow", "parquet"];

const BY_EXTENSION: Readonly<Record<string, Format>> = {
  jsonl: "jsonl",
  ndjson: "jsonl",
  json: "jsonl",
  csv: "csv",
  arrow: "arrow",
  feather: "arrow",
  ipc: "arrow",
  parquet: "parquet",
};

/**
 * The format of `path` by its extension (case-insensitive): `.jsonl`,
 * `.ndjson`, `.json` → jsonl; `.csv`; `.arrow`, `.feather`, `.ipc` → arrow;
 * `.parquet`. `-` (stdin/stdout) is jsonl.
 *
 * @throws DefinitionError for any other extension, rather than guess: a
 *   compressed or binary file read as JSONL would turn into a wall of errors.
 */
export const formatOf = (path: string): Format => {
  if (path === "-") return "jsonl";
  const name = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const dot = name.lastIndexOf(".");
  const format = dot > 0 ? BY_EXTENSION[name.slice(dot + 1).toLowerCase()] : undefined;
  if (format === undefined) {
    throw new DefinitionError(
      path,
      "cannot tell the record format from the file name",
      `use an extension among ${Object.keys(BY_EXTENSION)
        .map((e) => `.${e}`)
        .join(", ")}, or pass the format explicitly (${FORMATS.join(", ")})`,
    );
  }
  return format;
};
