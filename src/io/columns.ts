/**
 * Rows → named, typed columns, for the writers that need a fixed set of
 * columns (CSV, Arrow, Parquet). One column per key (sorted union of keys),
 * typed by what its values hold.
 *
 * @module
 */
import { canonicalJson, compareStrings } from "../core/canonical.ts";
import { RunError } from "../core/errors.ts";

/**
 * A column's type: `json` holds objects, arrays, or a mix of kinds, written
 * as canonical JSON text and parsed back on read. `integer` is every number
 * a safe integer (written as int64), `number` any other numbers (float64).
 */
export type ColumnKind = "null" | "boolean" | "integer" | "number" | "string" | "json";

/** One column: its name, kind, and values (`null` where a row lacks the key). */
export interface Column {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly values: unknown[];
}

const isRow = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u);

/**
 * The sorted union of the keys of `rows`.
 * @throws RunError when a row is not an object, or no row has a field
 *   (CSV and columnar formats cannot hold records without columns)
 */
export const columnNames = (rows: Iterable<unknown>, where: string): string[] => {
  const names = new Set<string>();
  let i = 0;
  for (const row of rows) {
    if (!isRow(row)) {
      throw new RunError(
        `${where}: row ${i + 1} is ${Array.isArray(row) ? "an array" : JSON.stringify(row)}, not an object; CSV, Arrow and Parquet need objects. Fix: write objects, or write JSONL`,
        `write ${where}`,
      );
    }
    for (const k of Object.keys(row)) if (row[k] !== undefined) names.add(k);
    i++;
  }
  if (i > 0 && names.size === 0) {
    throw new RunError(
      `${where}: the ${i} rows have no fields, and CSV, Arrow and Parquet cannot hold rows without columns. Fix: write JSONL`,
      `write ${where}`,
    );
  }
  return [...names].sort(compareStrings);
};

const kindOf = (v: unknown): ColumnKind => {
  switch (typeof v) {
    case "boolean":
      return "boolean";
    case "number":
      return Number.isSafeInteger(v) ? "integer" : "number";
    case "bigint":
      return "json"; // outside JSON proper: written as its digits
    case "string":
      return "string";
    default:
      return "json";
  }
};

const merge = (a: ColumnKind, b: ColumnKind): ColumnKind => {
  if (a === b || b === "null") return a;
  if (a === "null") return b;
  if ((a === "integer" && b === "number") || (a === "number" && b === "integer")) return "number";
  return "json";
};

/** JSON has no NaN/Infinity (canonical JSON writes null): keep columnar output identical. */
const normalize = (v: unknown): unknown => (v === undefined || (typeof v === "number" && !Number.isFinite(v)) ? null : v);

/**
 * The columns of `rows`, sorted by name.
 * @throws RunError when a row is not an object
 */
export const toColumns = (rows: readonly unknown[], where: string): Column[] =>
  columnNames(rows, where).map((name) => {
    let kind = "null" as ColumnKind;
    const values = (rows as readonly Record<string, unknown>[]).map((row) => {
      const v = normalize(Object.hasOwn(row, name) ? row[name] : undefined);
      if (v !== null) kind = merge(kind, kindOf(v));
      return v;
    });
    return { name, kind, values: kind === "json" ? values.map((v) => (v === null ? null : canonicalJson(v))) : values };
  });
