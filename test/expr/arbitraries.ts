/**
 * fast-check generators for expressions and rows, shared by the expression
 * tests. Field names and strings come from small pools so that random
 * expressions actually hit fields and produce non-null values.
 */

import fc from "fast-check";
import { FUNCTIONS, ast } from "../../src/expr/ast.ts";
import type { Expr, FunctionName, Json } from "../../src/expr/ast.ts";
import { regexProblem } from "../../src/expr/codec.ts";

/** Field names random rows and random expressions share ("__proto__" checks it stays data). */
export const NAMES = ["a", "b", "c", "__proto__"] as const;

const STRINGS = [
  "",
  "a",
  "A",
  "abc",
  "a,b,,c",
  " x ",
  "1.5",
  "10",
  "ß",
  "😀",
  "é",
  "[0-9]+",
  "(b)",
  "(,)",
  "x*",
  ".",
  "true",
  "a1b2",
  "toString",
  "constructor",
  // regexes: catastrophic for a backtracking engine, refused by RE2 (so runtime patterns fail), RE2-only syntax
  "^(a+)+$",
  "(a|aa)*b",
  "(a)\\1",
  "a(?=b)",
  "\\pL+",
  "(?i)A",
  "\\x{e9}",
];

/** Strings, including random ones; `valid` keeps only patterns RE2 accepts (literal patterns are checked at compile time). */
const stringArb = (valid: boolean): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: valid ? fc.constantFrom(...STRINGS.filter((x) => regexProblem(x) === undefined)) : fc.constantFrom(...STRINGS) },
    { weight: 1, arbitrary: valid ? fc.string({ maxLength: 4 }).filter((s) => regexProblem(s) === undefined) : fc.string({ maxLength: 4 }) },
  );

const numberArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0, -0, 1, -1, 2, 3, -7, 7, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.1, 1e308, -1e308) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

const scalarArb = (valid: boolean): fc.Arbitrary<Json> => fc.oneof(fc.constant(null), fc.boolean(), numberArb, stringArb(valid));

/** A JSON value; `valid` restricts strings to valid regex patterns (for literals, which are checked at compile time). */
export const jsonArb = (valid: boolean): fc.Arbitrary<Json> =>
  fc.letrec<{ json: Json }>((tie) => ({
    json: fc.oneof(
      { maxDepth: 3, depthSize: "small" },
      scalarArb(valid),
      fc.array(tie("json"), { maxLength: 3 }),
      fc
        .uniqueArray(fc.tuple(fc.constantFrom(...NAMES), tie("json")), { selector: ([k]) => k, maxLength: 3 })
        // fromEntries defines own properties, so "__proto__" is a key, not the prototype.
        .map((entries) => Object.fromEntries(entries) as Json),
    ),
  })).json;

/** A row: usually an object over {@link NAMES}, sometimes any JSON value (including null). */
export const rowArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.uniqueArray(fc.tuple(fc.constantFrom(...NAMES), jsonArb(false)), { selector: ([k]) => k, maxLength: 4 }).map((e) => Object.fromEntries(e)),
  },
  { weight: 1, arbitrary: jsonArb(false) },
);

const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

const fieldArb = fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 2 }).map((p) => ast.field(...p));
/** Leaves lean on scalars: they are what most functions accept. */
const leafArb: fc.Arbitrary<Expr> = fc.oneof(
  { weight: 3, arbitrary: fieldArb },
  { weight: 3, arbitrary: scalarArb(true).map(ast.lit) },
  { weight: 1, arbitrary: jsonArb(true).map(ast.lit) },
  { weight: 1, arbitrary: fc.constant(ast.row()) },
);

/** A well-formed expression (passes the codec). */
export const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr; call: Expr; arg: Expr }>((tie) => ({
  expr: fc.oneof(
    { maxDepth: 4, depthSize: "medium" },
    { weight: 1, arbitrary: leafArb },
    { weight: 4, arbitrary: tie("call") },
    {
      weight: 1,
      arbitrary: fc.uniqueArray(fc.tuple(fc.constantFrom(...NAMES), tie("expr")), { selector: ([k]) => k, maxLength: 3 }).map(ast.struct),
    },
    { weight: 1, arbitrary: fc.array(tie("expr"), { maxLength: 3 }).map(ast.array) },
  ),
  call: fc.constantFrom(...FUNCTION_NAMES).chain((fn) => {
    const [min, max] = FUNCTIONS[fn];
    return fc.array(tie("arg"), { minLength: min, maxLength: max === -1 ? min + 2 : max }).map((args) => ast.call(fn, ...args));
  }),
  // Arguments are mostly leaves, so functions often see values of the kinds they accept.
  arg: fc.oneof({ weight: 3, arbitrary: leafArb }, { weight: 2, arbitrary: tie("expr") }),
})).expr;

/** True when `v` holds `undefined` or a non-finite number anywhere (results must hold neither). */
export const hasNonJson = (v: unknown): boolean => {
  if (v === undefined || (typeof v === "number" && !Number.isFinite(v))) return true;
  if (typeof v !== "object" || v === null) return false;
  return Object.values(v).some(hasNonJson) || (Array.isArray(v) && v.length !== Object.keys(v).length);
};
