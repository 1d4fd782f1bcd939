import fc from "fast-check";
import { isRight } from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { DefinitionError } from "../../src/core/errors.ts";
import { FUNCTIONS, ast } from "../../src/expr/ast.ts";
import type { Expr } from "../../src/expr/ast.ts";
import { ExprCodec, validateExpr } from "../../src/expr/codec.ts";
import { exprArb } from "./arbitraries.ts";

const F = ast.field;
const L = ast.lit;
const C = ast.call;

/** The single error for `json`, asserting there is exactly one. */
const onlyError = (json: unknown, path = "nodes[2].expr"): DefinitionError => {
  const errors = validateExpr(json, path);
  expect(errors.map((e) => e.message)).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(DefinitionError);
  return errors[0]!;
};

describe("accepts", () => {
  it.each([
    ["field", F("a")],
    ["nested field", F("a", "b", "c")],
    ["empty field name", F("")],
    ["null literal", L(null)],
    ["structured literal", L({ a: [1, "x", null, { b: false }] })],
    ["row", ast.row()],
    [
      "struct",
      ast.struct([
        ["a", F("x")],
        ["b", L(1)],
      ]),
    ],
    ["empty struct", ast.struct([])],
    ["array", ast.array([F("x"), ast.row()])],
    ["call", C("add", F("x"), L(1))],
    ["optional argument", C("substring", F("s"), L(0), L(2))],
    ["variadic", C("concat", L("a"), L("b"), L("c"), L("d"))],
    ["valid literal regex", C("matches", F("s"), L("^[a-z]+$"))],
    ["non-literal regex", C("split", F("s"), F("p"))],
    ["deep nesting", C("if", C("and", C("gt", F("n"), L(0)), C("not", C("isNull", F("s")))), ast.struct([["v", C("upper", F("s"))]]), L(null))],
  ] as const)("%s", (_label, e) => {
    expect(validateExpr(e, "expr")).toEqual([]);
    expect(isRight(ExprCodec.decode(e))).toBe(true);
    expect(ExprCodec.is(e)).toBe(true);
  });

  it("every call shape the catalogue allows, at its minimum and maximum arity", () => {
    for (const [fn, [min, max]] of Object.entries(FUNCTIONS)) {
      for (const n of new Set([min, max === -1 ? min + 3 : max])) {
        const e = { op: "call", fn, args: Array.from({ length: n }, () => F("x")) };
        expect(validateExpr(e, "expr"), `${fn}/${n}`).toEqual([]);
      }
    }
  });

  it("random well-formed expressions, also after a JSON round trip", () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        expect(validateExpr(e, "expr")).toEqual([]);
        expect(validateExpr(JSON.parse(JSON.stringify(e)), "expr")).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("decodes to the input itself", () => {
    const e = C("add", F("x"), L(1));
    const r = ExprCodec.decode(e);
    expect(isRight(r) && r.right).toBe(e);
  });
});

describe("rejects", () => {
  it("an unknown op, listing the kinds and suggesting the closest", () => {
    const e = onlyError({ op: "call", fn: "add", args: [F("a"), { op: "feild", path: ["x"] }] });
    expect(e.path).toBe("nodes[2].expr.args[1].op");
    expect(e.problem).toBe('unknown op "feild"; expected one of: field, lit, row, struct, array, call');
    expect(e.fix).toMatch(/did you mean "field"\?/);
  });

  it("a missing op", () => {
    const e = onlyError({ path: ["x"] });
    expect(e.path).toBe("nodes[2].expr.op");
    expect(e.problem).toMatch(/^"op" must be a string, got nothing; expected one of: field, lit/);
  });

  it("a non-object expression", () => {
    const e = onlyError("a.b");
    expect(e.path).toBe("nodes[2].expr");
    expect(e.problem).toMatch(/expected an expression object .* got string "a\.b"/);
  });

  it("an unknown function, listing the catalogue and suggesting the closest", () => {
    const e = onlyError(C("upper", { op: "call", fn: "lowr", args: [F("s")] } as unknown as Expr));
    expect(e.path).toBe("nodes[2].expr.args[0].fn");
    expect(e.problem).toMatch(/^unknown function "lowr"; expected one of: add, sub, mul, .*, size$/);
    expect(e.fix).toBe('use a function from the catalogue (did you mean "lower"?)');
    expect(e.message).toMatch(/^nodes\[2\]\.expr\.args\[0\]\.fn: unknown function "lowr".*\. Fix: use a function/);
  });

  it("a function name from Object.prototype", () => {
    expect(onlyError({ op: "call", fn: "constructor", args: [] }).problem).toMatch(/^unknown function "constructor"/);
  });

  it.each([
    [C("split", F("s"), L(","), L(1)), '"split" takes 2 arguments, got 3', "pass exactly 2 arguments"],
    [C("neg"), '"neg" takes 1 argument, got 0', "pass exactly 1 argument"],
    [C("substring", F("s")), '"substring" takes 2 to 3 arguments, got 1', "pass 2 to 3 arguments"],
    [C("and", L(true)), '"and" takes at least 2 arguments, got 1', "pass 2 or more arguments"],
  ] as const)("wrong arity: %j", (e, problem, fix) => {
    const err = onlyError(e);
    expect(err.path).toBe("nodes[2].expr.args");
    expect(err.problem).toBe(problem);
    expect(err.fix).toBe(fix);
  });

  it("a non-array path, suggesting the array form", () => {
    const e = onlyError({ op: "field", path: "user.name" });
    expect(e.path).toBe("nodes[2].expr.path");
    expect(e.problem).toBe('"path" must be a non-empty array of strings, got string "user.name"');
    expect(e.fix).toBe('write the path as an array of field names such as ["user","name"]');
  });

  it("an empty path", () => {
    expect(onlyError({ op: "field", path: [] }).problem).toMatch(/non-empty array of strings, got an array of 0/);
  });

  it("a non-string path element", () => {
    const e = onlyError({ op: "field", path: ["a", 1] });
    expect(e.path).toBe("nodes[2].expr.path[1]");
    expect(e.problem).toBe("a path element must be a string, got number 1");
  });

  it("duplicate struct names, pointing at the second", () => {
    const e = onlyError(
      ast.struct([
        ["a", L(1)],
        ["b", L(2)],
        ["a", L(3)],
      ]),
    );
    expect(e.path).toBe("nodes[2].expr.fields[2][0]");
    expect(e.problem).toBe('duplicate struct field name "a" (first at fields[0])');
    expect(e.fix).toBe("give every field of a struct a different name");
  });

  it("an empty struct name", () => {
    const e = onlyError(ast.struct([["", L(1)]]));
    expect(e.path).toBe("nodes[2].expr.fields[0][0]");
    expect(e.problem).toMatch(/non-empty string, got string ""/);
  });

  it("a malformed struct entry", () => {
    const e = onlyError({ op: "struct", fields: [["a", L(1), "extra"]] });
    expect(e.path).toBe("nodes[2].expr.fields[0]");
    expect(e.problem).toMatch(/expected a \[name, expression\] pair, got an array of 3/);
  });

  it("an invalid expression inside a struct", () => {
    expect(onlyError(ast.struct([["a", { op: "nope" } as unknown as Expr]])).path).toBe("nodes[2].expr.fields[0][1].op");
  });

  it("non-array items and args", () => {
    expect(onlyError({ op: "array", items: F("a") }).path).toBe("nodes[2].expr.items");
    expect(onlyError({ op: "call", fn: "add", args: {} }).path).toBe("nodes[2].expr.args");
  });

  it.each([
    ["NaN", NaN, "nodes[2].expr.value", /non-finite number NaN/],
    ["Infinity deep inside", { a: [1, Infinity] }, "nodes[2].expr.value.a[1]", /non-finite number Infinity/],
    ["a function", () => 1, "nodes[2].expr.value", /a function is not JSON/],
    ["undefined member", { a: undefined }, "nodes[2].expr.value.a", /nothing is not JSON/],
    ["array hole", [1, , 3], "nodes[2].expr.value[1]", /nothing is not JSON/],
    ["a Date", new Date(0), "nodes[2].expr.value", /plain JSON object, got an instance of Date/],
    ["a bigint", 1n, "nodes[2].expr.value", /a bigint is not JSON/],
    ["an awkward key", { "a b": NaN }, 'nodes[2].expr.value["a b"]', /non-finite/],
  ])("a literal that is not JSON: %s", (_label, value, path, problem) => {
    const e = onlyError({ op: "lit", value });
    expect(e.path).toBe(path);
    expect(e.problem).toMatch(problem);
  });

  it("a cyclic literal", () => {
    const value: Record<string, unknown> = {};
    value["self"] = value;
    expect(onlyError({ op: "lit", value }).problem).toMatch(/contains itself/);
  });

  it("a lit without a value", () => {
    const e = onlyError({ op: "lit" });
    expect(e.path).toBe("nodes[2].expr.value");
    expect(e.fix).toMatch(/use null for a null literal/);
  });

  it("unexpected keys", () => {
    const e = onlyError({ op: "field", path: ["a"], args: [] });
    expect(e.path).toBe("nodes[2].expr.args");
    expect(e.problem).toBe('unexpected key "args" in a "field" expression; expected only: op, path');
  });

  it("an invalid literal regex pattern", () => {
    const e = onlyError(C("replace", F("s"), L("a(b"), L("")));
    expect(e.path).toBe("nodes[2].expr.args[1].value");
    expect(e.problem).toMatch(/^invalid regular expression "a\(b" for "replace": /);
  });

  it("reports several problems at once", () => {
    const errors = validateExpr({ op: "call", fn: "add", args: [{ op: "field", path: "a" }, { op: "lit", value: NaN }, L(1)] }, "e");
    expect(errors.map((e) => e.path)).toEqual(["e.args", "e.args[0].path", "e.args[1].value"]);
  });

  it("paths below an empty root", () => {
    expect(validateExpr({ op: "call", fn: "lowr", args: [] }, "")[0]!.path).toBe("fn");
    expect(validateExpr(null, "")[0]!.path).toBe("(expression)");
  });

  it("keeps a problem containing the fix separator intact", () => {
    const e = onlyError({ op: "call", fn: ". Fix: x", args: [] });
    expect(e.problem).toMatch(/^unknown function "\. Fix: x"/);
    expect(e.fix).toBe("use a function from the catalogue");
  });
});
