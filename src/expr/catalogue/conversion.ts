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
  helpers: { js: { num: toNumberValue }, arquero: { ls_num: toNumberValue } },
};

/** The conversion functions. */
export const conversion = { toString: toStringSpec, toNumber: toNumberSpec } satisfies Record<string, FunctionSpec>;
