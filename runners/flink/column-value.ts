/**
 * The one rule for a typed column's value: the field when it has the
 * column's kind, else null (a missing field reads as null, §1). The edge
 * applies it to decoded records and the GraalJS functions to executor
 * outputs, so a column always reads the element the same way.
 *
 * @module
 */
import type { FieldColumn } from "./rel.ts";

/** The value of column `f` of element `v`. */
export const columnValue = (v: Readonly<Record<string, unknown>>, f: Pick<FieldColumn, "name" | "kind">): unknown => {
  const x = Object.hasOwn(v, f.name) ? v[f.name] : null;
  return typeof x === f.kind ? x : null;
};
