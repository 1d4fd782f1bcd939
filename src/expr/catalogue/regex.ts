/**
 * Regular expressions: RE2 (linear time; no backreferences or lookaround),
 * one engine for every runner (`../regex.ts`). The pattern is argument 1; a
 * literal one is checked by the codec and compiled once, a computed one is
 * compiled row by row and throws `ExpressionError` when invalid.
 *
 * @module
 */
import { NULL } from "../emit-core.ts";
import type { Regex } from "../regex.ts";
import type { FunctionSpec } from "./spec.ts";
import { BOOLEAN, STRING } from "./types.ts";

/** The JavaScript emitter: the string tests come first, so a bad run-time pattern only throws when it would be used. */
const js =
  (call: (re: string, s: string, rest: readonly string[]) => string): FunctionSpec["js"] =>
  (c) =>
    c.test === "false"
      ? NULL
      : c.guarded(
          c.test,
          call(
            c.pattern(1),
            c.args[0]!.code,
            c.args.slice(2).map((o) => o.code),
          ),
        );

/** The arquero emitter: a computed pattern needs the JavaScript fallback, whatever the other operands. */
const arquero =
  (helper: string): FunctionSpec["arquero"] =>
  (c) =>
    c.guarded(c.test, `op.${helper}(${[c.args[0]!.code, c.pattern(1), ...c.args.slice(2).map((o) => o.code)].join(", ")})`);

/** Why regular expressions are refused in SQL: Flink's REGEXP functions are java.util.regex, not RE2. */
const RE2_IN_SQL = "regular expressions: Flink's REGEXP functions use java.util.regex, not RE2 (needs an RE2 UDF)";

// arquero's op.match/replace/split take a backtracking RegExp; these helpers take the RE2 regex every runner shares.

/** The regular-expression functions. */
export const regex = {
  replace: {
    rule: "replace(s, pattern, replacement): all matches of the regex `pattern`; `$1`, `$<name>`, `$&`, `$$` as in JS",
    arity: [3, 3],
    args: ["string", "pattern", "string"],
    nulls: "strict",
    result: STRING,
    js: js((re, s, [replacement]) => `${re}.replaceAll(${s}, ${replacement})`),
    arquero: arquero("ls_replace"),
    sql: (c) => c.refuse(RE2_IN_SQL),
    helpers: { arquero: { ls_replace: (s: string, re: Regex, replacement: string): string => re.replaceAll(s, replacement) } },
  },
  split: {
    rule: "split(s, pattern): pieces of s split by the regex `pattern` (cut as JS split cuts), empty pieces kept",
    arity: [2, 2],
    args: ["string", "pattern"],
    nulls: "strict",
    result: { type: "array", items: STRING },
    js: js((re, s) => `${re}.split(${s})`),
    arquero: arquero("ls_split"),
    sql: (c) => c.refuse(RE2_IN_SQL),
    // The pieces between matches, never capture groups.
    helpers: { arquero: { ls_split: (s: string, re: Regex): string[] => re.split(s) } },
  },
  matches: {
    rule: "regex test: does some part of s match `pattern`",
    arity: [2, 2],
    args: ["string", "pattern"],
    nulls: "strict",
    result: BOOLEAN,
    js: js((re, s) => `${re}.test(${s})`),
    arquero: arquero("ls_match"),
    sql: (c) => c.refuse(RE2_IN_SQL),
    helpers: { arquero: { ls_match: (s: string, re: Regex): boolean => re.test(s) } },
  },
} satisfies Record<string, FunctionSpec>;
