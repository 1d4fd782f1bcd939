/**
 * Strings: a non-string operand gives null (`length` and `contains` also
 * take arrays). Lengths and offsets are in UTF-16 code units, as in JavaScript.
 *
 * @module
 */
import { canonicalJson } from "../../core/canonical.ts";
import { NULL } from "../emit-core.ts";
import type { FunctionSpec } from "./spec.ts";
import { BOOLEAN, NUMBER, STRING } from "./types.ts";

/** A `String.prototype` method without arguments; arquero's `op` function of the same rule. */
const method = (name: "toLowerCase" | "toUpperCase" | "trim", op: string, rule: string): FunctionSpec => ({
  rule,
  arity: [1, 1],
  args: ["string"],
  nulls: "strict",
  result: STRING,
  js: (c) => c.guarded(c.test, `${c.args[0]!.code}.${name}()`),
  arquero: (c) => c.guarded(c.test, `${op}(${c.args[0]!.code})`),
  // Flink's TRIM removes spaces only, JavaScript's trim every Unicode white space and line terminator.
  sql: (c) =>
    name === "trim"
      ? c.refuse("trim: Flink's TRIM removes only spaces, JavaScript's trim all white space")
      : c.guarded(c.test, `${name === "toLowerCase" ? "LOWER" : "UPPER"}(${c.args[0]!.code})`),
});

const affix = (fn: "startsWith" | "endsWith"): FunctionSpec => ({
  rule: `String.prototype.${fn}`,
  arity: [2, 2],
  args: ["string", "string"],
  nulls: "strict",
  result: BOOLEAN,
  js: (c) => c.guarded(c.test, `${c.args[0]!.code}.${fn}(${c.args[1]!.code})`),
  arquero: (c) => c.guarded(c.test, `op.${fn.toLowerCase()}(${c.args.map((o) => o.code).join(", ")})`),
  // A prefix (suffix) in code points is one in code units: both sides count the same way.
  sql: (c) => c.guarded(c.test, `${fn === "startsWith" ? "LEFT" : "RIGHT"}(${c.args[0]!.code}, CHAR_LENGTH(${c.args[1]!.code})) = ${c.args[1]!.code}`),
});

/** `contains` at run time: substring test, or element test by canonical JSON. */
const contains = (a: unknown, b: unknown): boolean | null => {
  if (typeof a === "string") return typeof b === "string" ? a.includes(b) : null;
  if (!Array.isArray(a) || b === null) return null;
  // A string's canonical JSON equals another value's only when that value is the same string: no
  // JSON text per element then (request stages test every item of a sequence against a list).
  if (typeof b === "string") {
    for (const e of a) if (e === b) return true;
    return false;
  }
  const key = canonicalJson(b);
  for (const e of a) if (canonicalJson(e) === key) return true;
  return false;
};

const concat: FunctionSpec["arquero"] = (c) => c.guarded(c.test, c.args.map((o) => o.code).join(" + "));

/** The string functions. */
export const string = {
  lower: method("toLowerCase", "op.lower", "lower case"),
  upper: method("toUpperCase", "op.upper", "upper case"),
  trim: method("trim", "op.trim", "without leading and trailing white space"),
  length: {
    rule: "string length in UTF-16 code units, or array length",
    arity: [1, 1],
    args: ["any"],
    nulls: "strict",
    result: NUMBER,
    js: (c) => {
      const x = c.args[0]!;
      const test = x.kind === "string" ? "true" : x.kind !== "unknown" ? "false" : `(${c.is(x, "string")} || isArray(${x.code}))`;
      return c.guarded(test, `${x.code}.length`);
    },
    arquero: (c) => {
      const x = c.args[0]!;
      const test = x.kind === "string" ? "true" : x.kind !== "unknown" ? "false" : `(${c.is(x, "string")} || op.ls_isarr(${x.code}))`;
      return c.guarded(test, `op.length(${x.code})`);
    },
    sql: (c) => c.refuse("length: Flink's CHAR_LENGTH counts code points, lockstep UTF-16 code units"),
  },
  concat: {
    rule: "string concatenation; any null → null",
    arity: [2, -1],
    args: ["string"],
    nulls: "strict",
    result: STRING,
    js: concat,
    arquero: concat,
    sql: (c) => c.guarded(c.test, c.args.map((o) => o.code).join(" || ")),
  },
  substring: {
    rule: "substring(s, start, end?) as String.prototype.substring",
    arity: [2, 3],
    args: ["string", "number", "number"],
    nulls: "strict",
    result: STRING,
    js: (c) =>
      c.guarded(
        c.test,
        `${c.args[0]!.code}.substring(${c.args
          .slice(1)
          .map((o) => o.code)
          .join(", ")})`,
      ),
    arquero: (c) => c.guarded(c.test, `op.substring(${c.args.map((o) => o.code).join(", ")})`),
    sql: (c) => c.refuse("substring: Flink's SUBSTRING counts code points from 1 and does not clamp or swap as JavaScript's does"),
  },
  startsWith: affix("startsWith"),
  endsWith: affix("endsWith"),
  contains: {
    rule: "substring test for strings; element test (canonical equality) for arrays",
    arity: [2, 2],
    args: ["any", "any"],
    nulls: "strict",
    result: BOOLEAN,
    js: (c) => c.guarded("true", `contains(${c.args[0]!.code}, ${c.args[1]!.code})`),
    arquero: (c) => {
      const x = c.args[0]!;
      const y = c.args[1]!;
      if (x.kind === "string" && y.kind === "string") return c.bind(`op.includes(${x.code}, ${y.code})`);
      return c.bind(`op.ls_contains(${x.code}, ${y.code})`);
    },
    // Kinds are static: two strings test a substring; any other pair of scalars is null (no arrays in SQL rows yet).
    sql: (c) => (c.args[0]!.kind === "string" && c.args[1]!.kind === "string" ? c.bind(`POSITION(${c.args[1]!.code} IN ${c.args[0]!.code}) > 0`) : NULL),
    helpers: { js: { contains }, arquero: { ls_contains: contains } },
  },
} satisfies Record<string, FunctionSpec>;
