/**
 * Runtime helpers shared by both expression compilers (JavaScript and
 * arquero): the catalogue rules that are functions rather than operators.
 * One implementation, so the two targets cannot drift.
 *
 * @module
 */
import { canonicalJson } from "../core/canonical.ts";

/** A plain object (not an array, not null). */
import { isObject } from "../core/fields.ts";

export { isObject };

/** `toString`: numbers as JavaScript prints them, booleans `"true"`/`"false"`, others canonical JSON. */
export const toStringValue = (v: unknown): string | null => {
  switch (typeof v) {
    case "number":
      return Number.isFinite(v) ? String(v) : null;
    case "boolean":
      return v ? "true" : "false";
    case "string":
      return v;
    case "object":
      return v === null ? null : canonicalJson(v);
    default:
      return null;
  }
};

/** `toNumber`: strings parsed, booleans 1/0; not a finite number → null. */
export const toNumberValue = (v: unknown): number | null => {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : typeof v === "boolean" ? (v ? 1 : 0) : NaN;
  return Number.isFinite(n) ? n : null;
};

/** `get`: an array element by non-negative integer index, or an own member by string key; else null. */
export const getMember = (c: unknown, k: unknown): unknown => {
  if (Array.isArray(c)) return Number.isInteger(k) && (k as number) >= 0 ? (c[k as number] ?? null) : null;
  return isObject(c) && typeof k === "string" && Object.hasOwn(c, k) ? (c[k] ?? null) : null;
};
