/**
 * Conversion between strings, numbers and booleans.
 *
 * @module
 */
import { toNumberValue, toStringValue } from "../runtime.ts";
import type { FunctionSpec } from "./spec.ts";
import { NUMBER, STRING } from "./types.ts";

// Named constants: an object literal's `toString` key gets no contextual type from `satisfies`.
const toStringSpec: FunctionSpec = {
  rule: 'numbers via JS String(), booleans "true"/"false", strings unchanged, others → canonical JSON',
  arity: [1, 1],
  args: ["any"],
  nulls: "strict",
  result: STRING,
  js: (c) => c.guarded("true", `str(${c.args[0]!.code})`),
  arquero: (c) => c.bind(`op.ls_str(${c.args[0]!.code})`),
  // A string is itself; Flink's CAST(DOUBLE AS STRING) prints numbers unlike JavaScript's String().
  sql: (c) =>
    c.args[0]!.kind === "string" ? c.args[0]! : c.refuse("toString of a non-string: Flink's CAST AS STRING formats numbers and booleans unlike JavaScript"),
  helpers: { js: { str: toStringValue }, arquero: { ls_str: toStringValue } },
};

const toNumberSpec: FunctionSpec = {
  rule: "Number(s) for strings when finite, else null; numbers unchanged; booleans 1/0",
  arity: [1, 1],
  args: ["any"],
  nulls: "strict",
  result: NUMBER,
  js: (c) => c.guarded("true", `num(${c.args[0]!.code})`),
  arquero: (c) => c.bind(`op.ls_num(${c.args[0]!.code})`),
  sql: (c) => {
    const x = c.args[0]!;
    if (x.kind === "number") return x;
    if (x.kind === "boolean") return c.bind(`CASE WHEN ${x.code} THEN 1E0 ELSE 0E0 END`);
    return c.refuse("toNumber of a string: Flink's CAST AS DOUBLE parses text unlike JavaScript's Number()");
  },
  helpers: { js: { num: toNumberValue }, arquero: { ls_num: toNumberValue } },
};

/** The conversion functions. */
export const conversion = { toString: toStringSpec, toNumber: toNumberSpec } satisfies Record<string, FunctionSpec>;
