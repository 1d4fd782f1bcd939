/**
 * The one rule for a typed column's value: the field when it has the
 * column's kind, else null (a missing field reads as null, §1). The edge
 * applies it to decoded records and the GraalJS functions to executor
 * outputs, so a column always reads the element the same way.
 *
 * A string with a lone surrogate (valid JSON, `"\ud800"`) cannot be a
 * column: Flink's STRING is UTF-8, which has no such code unit, and would
 * hold `?` instead — so two different strings would compare equal and a
 * rebuilt element would differ. Such a value fails the run, naming it,
 * rather than giving another answer (`LONE_SURROGATE_PROBLEM`).
 *
 * @module
 */
import type { FieldColumn } from "./rel.ts";

/** The value of column `f` of element `v`. */
export const columnValue = (v: Readonly<Record<string, unknown>>, f: Pick<FieldColumn, "name" | "kind">): unknown => {
  const x = Object.hasOwn(v, f.name) ? v[f.name] : null;
  return typeof x === f.kind ? x : null;
};

/** A lone surrogate: a high one not followed by a low one, or a low one not after a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What every error about such a value says (tests match it). */
export const LONE_SURROGATE_PROBLEM = "holds a lone surrogate, which Flink's STRING columns (UTF-8) cannot hold";

/** Why column `f`'s value `x` cannot be a Flink column, or undefined when it can. */
export const columnProblem = (f: Pick<FieldColumn, "name">, x: unknown): string | undefined =>
  typeof x === "string" && LONE_SURROGATE.test(x) ? `the field "${f.name}" ${LONE_SURROGATE_PROBLEM}` : undefined;
