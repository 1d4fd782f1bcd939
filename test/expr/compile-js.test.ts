import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { canonicalJson } from "../../src/core/canonical.ts";
import { DefinitionErrors } from "../../src/core/errors.ts";
import { ast } from "../../src/expr/ast.ts";
import type { Expr, Json } from "../../src/expr/ast.ts";
import { compileExpr, compilePredicate, generatedSource } from "../../src/expr/compile-js.ts";
import { evaluate } from "../../src/expr/interpret.ts";
import { exprArb, hasNonJson, rowArb } from "./arbitraries.ts";

const F = ast.field;
const L = ast.lit;
const C = ast.call;

/** The row every hand-computed case reads; "nope" is never present. */
const R = {
  n: 7,
  m: -2,
  z: 0,
  f: 1.25,
  big: 1e308,
  s: "Hello World",
  e: "",
  sp: "  pad  ",
  u: "ÉCOLE straße",
  csv: "a,b,,c",
  t: true,
  fl: false,
  nul: null,
  arr: [1, "two", null, { k: 1 }],
  o: { a: { b: { c: 42 } }, x: null, k: "v" },
};

type Case = readonly [label: string, expr: Expr, expected: unknown];

/** Hand-computed expectations per catalogue family, each including null/missing and mixed-type operands. */
const CASES: Record<string, Case[]> = {
  arithmetic: [
    ["add ints", C("add", F("n"), L(3)), 10],
    ["add fractions", C("add", F("n"), F("f")), 8.25],
    ["add float rounding", C("add", L(0.1), L(0.2)), 0.30000000000000004],
    ["add null", C("add", F("n"), F("nul")), null],
    ["add missing", C("add", F("nope"), L(1)), null],
    ["add string", C("add", F("n"), L("3")), null],
    ["add boolean", C("add", F("t"), L(1)), null],
    ["add overflow", C("add", F("big"), F("big")), null],
    ["sub", C("sub", F("n"), F("m")), 9],
    ["sub string", C("sub", F("s"), L(1)), null],
    ["mul", C("mul", F("m"), L(2.5)), -5],
    ["mul overflow", C("mul", F("big"), L(10)), null],
    ["mul null literal", C("mul", L(null), L(2)), null],
    ["div", C("div", F("n"), L(2)), 3.5],
    ["div by zero", C("div", F("n"), F("z")), null],
    ["div zero by zero", C("div", F("z"), L(0)), null],
    ["div missing", C("div", F("n"), F("nope")), null],
    ["mod", C("mod", F("n"), L(3)), 1],
    ["mod negative dividend keeps its sign", C("mod", L(-7), L(3)), -1],
    ["mod negative divisor", C("mod", L(7), L(-3)), 1],
    ["mod fraction", C("mod", L(5.5), L(2)), 1.5],
    ["mod by zero", C("mod", F("n"), L(0)), null],
    ["neg", C("neg", F("n")), -7],
    ["neg negative literal", C("neg", L(-3)), 3],
    ["neg null", C("neg", F("nul")), null],
    ["neg string", C("neg", L("1")), null],
    ["abs", C("abs", F("m")), 2],
    ["abs missing", C("abs", F("nope")), null],
    ["floor", C("floor", F("f")), 1],
    ["floor negative", C("floor", L(-1.5)), -2],
    ["floor string", C("floor", L("1.5")), null],
    ["ceil", C("ceil", F("f")), 2],
    ["ceil negative", C("ceil", L(-1.5)), -1],
    ["ceil null", C("ceil", F("nul")), null],
    ["round half up", C("round", L(2.5)), 3],
    ["round half away from zero", C("round", L(-2.5)), -3],
    ["round down", C("round", L(2.4)), 2],
    ["round negative", C("round", L(-2.6)), -3],
    ["round small negative", C("round", L(-0.4)), 0],
    ["round field", C("round", F("f")), 1],
    ["round boolean", C("round", F("t")), null],
    ["round missing", C("round", F("nope")), null],
  ],
  comparison: [
    ["eq numbers", C("eq", F("n"), L(7)), true],
    ["eq number and string", C("eq", F("n"), L("7")), null],
    ["eq strings", C("eq", F("s"), L("Hello World")), true],
    ["eq booleans", C("eq", F("t"), F("fl")), false],
    ["eq true literal", C("eq", F("t"), L(true)), true],
    ["eq null null", C("eq", F("nul"), L(null)), null],
    ["eq missing", C("eq", F("nope"), L(1)), null],
    ["eq arrays deep", C("eq", F("arr"), L([1, "two", null, { k: 1 }])), true],
    ["eq objects deep", C("eq", F("o", "a"), L({ b: { c: 42 } })), true],
    ["eq objects key order ignored", C("eq", L({ a: 1, b: 2 }), L({ b: 2, a: 1 })), true],
    ["eq array and object", C("eq", F("arr"), F("o")), null],
    ["eq array and number", C("eq", L([1]), L(1)), null],
    ["eq two fields", C("eq", F("o", "a"), F("o", "a")), true],
    ["neq", C("neq", F("n"), L(8)), true],
    ["neq equal", C("neq", F("n"), L(7)), false],
    ["neq mixed", C("neq", F("n"), L("7")), null],
    ["neq null", C("neq", F("nul"), L(1)), null],
    ["neq arrays", C("neq", L([1, 2]), L([2, 1])), true],
    ["lt numbers", C("lt", F("n"), L(10)), true],
    ["lt strings", C("lt", F("s"), L("Hello")), false],
    ["lt code units: upper before lower", C("lt", L("B"), L("a")), true],
    ["lt code units: U+FFFF after a surrogate pair", C("lt", L("\uffff"), L("😀")), false],
    ["lt booleans", C("lt", F("fl"), F("t")), true],
    ["lt booleans reversed", C("lt", F("t"), F("fl")), false],
    ["lt mixed", C("lt", F("n"), L("8")), null],
    ["lt arrays", C("lt", L([1]), L([2])), null],
    ["lt missing", C("lt", F("nope"), L(1)), null],
    ["lt two fields", C("lt", F("m"), F("n")), true],
    ["lte equal", C("lte", F("n"), L(7)), true],
    ["lte greater", C("lte", L(8), F("n")), false],
    ["lte null", C("lte", L(null), F("n")), null],
    ["gt strings", C("gt", F("s"), L("Hello")), true],
    ["gt null", C("gt", L(1), F("nul")), null],
    ["gt mixed fields", C("gt", F("n"), F("s")), null],
    ["gte equal", C("gte", F("n"), L(7)), true],
    ["gte booleans", C("gte", F("fl"), F("t")), false],
    ["gte mixed", C("gte", L("a"), L(1)), null],
  ],
  logic: [
    ["and true true", C("and", F("t"), L(true)), true],
    ["and true false", C("and", F("t"), F("fl")), false],
    ["and false null", C("and", F("fl"), F("nul")), false],
    ["and null false", C("and", F("nul"), F("fl")), false],
    ["and true null", C("and", F("t"), F("nul")), null],
    ["and true missing", C("and", F("t"), F("nope")), null],
    ["and true non-boolean", C("and", F("t"), L(1)), null],
    ["and false non-boolean", C("and", F("fl"), L(1)), false],
    ["and variadic false", C("and", F("t"), F("t"), F("fl")), false],
    ["and variadic true", C("and", F("t"), F("t"), L(true)), true],
    ["and variadic null", C("and", F("t"), F("nul"), F("t")), null],
    ["or false true", C("or", F("fl"), F("t")), true],
    ["or null true", C("or", F("nul"), F("t")), true],
    ["or false null", C("or", F("fl"), F("nul")), null],
    ["or false false", C("or", F("fl"), L(false)), false],
    ["or false non-boolean", C("or", F("fl"), L("x")), null],
    ["or true non-boolean", C("or", L("x"), F("t")), true],
    ["or variadic", C("or", F("fl"), F("fl"), F("t")), true],
    ["not true", C("not", F("t")), false],
    ["not false", C("not", F("fl")), true],
    ["not null", C("not", F("nul")), null],
    ["not non-boolean", C("not", L(1)), null],
  ],
  nulls: [
    ["isNull null", C("isNull", F("nul")), true],
    ["isNull missing", C("isNull", F("nope")), true],
    ["isNull nested null", C("isNull", F("o", "x")), true],
    ["isNull zero", C("isNull", F("z")), false],
    ["isNull empty string", C("isNull", F("e")), false],
    ["isNull of isNull", C("isNull", C("isNull", F("nul"))), false],
    ["coalesce first non-null", C("coalesce", F("nope"), F("nul"), L(3)), 3],
    ["coalesce all null", C("coalesce", F("nope"), F("nul")), null],
    ["coalesce zero is not null", C("coalesce", F("z"), L(5)), 0],
    ["coalesce false is not null", C("coalesce", F("fl"), F("t")), false],
    ["coalesce empty string is not null", C("coalesce", F("e"), L("x")), ""],
    ["if true", C("if", F("t"), L(1), L(2)), 1],
    ["if false", C("if", F("fl"), L(1), L(2)), 2],
    ["if null", C("if", F("nul"), L(1), L(2)), 2],
    ["if string true is not true", C("if", L("true"), L(1), L(2)), 2],
    ["if 1 is not true", C("if", L(1), L(1), L(2)), 2],
    ["if computed", C("if", C("gt", F("n"), L(5)), L("big"), L("small")), "big"],
    ["if branch missing", C("if", F("t"), F("nope"), L(2)), null],
  ],
  strings: [
    ["lower", C("lower", F("s")), "hello world"],
    ["lower unicode", C("lower", F("u")), "école straße"],
    ["lower missing", C("lower", F("nope")), null],
    ["upper unicode", C("upper", F("u")), "ÉCOLE STRASSE"],
    ["upper number", C("upper", F("n")), null],
    ["trim", C("trim", F("sp")), "pad"],
    ["trim line separators", C("trim", L("\u2028 x\t\n\u2029")), "x"],
    ["trim number", C("trim", L(1)), null],
    ["length string", C("length", F("s")), 11],
    ["length UTF-16 code units", C("length", L("😀")), 2],
    ["length empty", C("length", F("e")), 0],
    ["length array", C("length", F("arr")), 4],
    ["length object", C("length", F("o")), null],
    ["length number", C("length", F("n")), null],
    ["length null", C("length", F("nul")), null],
    ["concat", C("concat", F("s"), L("!")), "Hello World!"],
    ["concat variadic", C("concat", L("a"), L("b"), L("c")), "abc"],
    ["concat empty", C("concat", F("e"), F("e")), ""],
    ["concat null", C("concat", L("a"), F("nul")), null],
    ["concat number", C("concat", L("a"), L(1)), null],
    ["substring from", C("substring", F("s"), L(6)), "World"],
    ["substring range", C("substring", F("s"), L(0), L(5)), "Hello"],
    ["substring swaps reversed bounds", C("substring", F("s"), L(5), L(0)), "Hello"],
    ["substring clamps negatives", C("substring", F("s"), L(-3), L(2)), "He"],
    ["substring truncates fractions", C("substring", F("s"), L(1.7), L(3.2)), "el"],
    ["substring null start", C("substring", F("s"), F("nul")), null],
    ["substring null end", C("substring", F("s"), L(0), F("nul")), null],
    ["substring string start", C("substring", F("s"), L("1")), null],
    ["substring of number", C("substring", F("n"), L(0)), null],
    ["startsWith", C("startsWith", F("s"), L("Hell")), true],
    ["startsWith case-sensitive", C("startsWith", F("s"), L("hell")), false],
    ["startsWith null", C("startsWith", F("s"), F("nul")), null],
    ["startsWith number", C("startsWith", F("n"), L("7")), null],
    ["endsWith", C("endsWith", F("s"), L("World")), true],
    ["endsWith empty", C("endsWith", F("s"), F("e")), true],
    ["endsWith missing", C("endsWith", F("nope"), L("d")), null],
    ["contains substring", C("contains", F("s"), L("lo W")), true],
    ["contains substring absent", C("contains", F("s"), L("xyz")), false],
    ["contains string and number", C("contains", F("s"), L(1)), null],
    ["contains array element", C("contains", F("arr"), L("two")), true],
    ["contains array object element", C("contains", F("arr"), L({ k: 1 })), true],
    ["contains array absent", C("contains", F("arr"), L(2)), false],
    ["contains array no type coercion", C("contains", F("arr"), L("1")), false],
    ["contains array null", C("contains", F("arr"), F("nul")), null],
    ["contains object", C("contains", F("o"), L("k")), null],
    ["contains null", C("contains", F("nul"), L("a")), null],
    ["replace all matches", C("replace", F("s"), L("o"), L("0")), "Hell0 W0rld"],
    ["replace with groups", C("replace", F("s"), L("(\\w+) (\\w+)"), L("$2 $1")), "World Hello"],
    ["replace escaped dot", C("replace", L("a.b.c"), L("\\."), L("-")), "a-b-c"],
    ["replace flag u: dot is a code point", C("replace", L("😀x😀"), L("."), L("-")), "---"],
    ["replace empty pattern", C("replace", L("aaa"), L(""), L("-")), "-a-a-a-"],
    ["replace dynamic pattern", C("replace", F("csv"), F("e"), L("|")), "|a|,|b|,|,|c|"],
    ["replace null pattern", C("replace", F("s"), F("nul"), L("x")), null],
    ["replace number replacement", C("replace", F("s"), L("o"), L(1)), null],
    ["split keeps empty pieces", C("split", F("csv"), L(",")), ["a", "b", "", "c"]],
    ["split drops capture groups", C("split", L("a1b2c"), L("(\\d)")), ["a", "b", "c"]],
    ["split drops unmatched capture groups", C("split", L("x"), L("(a)|x")), ["", ""]],
    ["split empty string", C("split", F("e"), L(",")), [""]],
    ["split flag u: by code point", C("split", L("😀😀"), L("")), ["😀", "😀"]],
    ["split dynamic pattern", C("split", F("csv"), C("concat", L(","), L(","))), ["a,b", "c"]],
    ["split null pattern", C("split", F("s"), F("nul")), null],
    ["split number", C("split", F("n"), L(",")), null],
    ["matches", C("matches", F("s"), L("^H.*d$")), true],
    ["matches case-sensitive", C("matches", F("s"), L("^h")), false],
    ["matches flag u", C("matches", L("😀"), L("^.$")), true],
    ["matches number", C("matches", F("n"), L("7")), null],
    ["matches null pattern", C("matches", F("s"), F("nul")), null],
  ],
  conversion: [
    ["toString int", C("toString", F("n")), "7"],
    ["toString fraction", C("toString", F("f")), "1.25"],
    ["toString exponent", C("toString", L(1e21)), "1e+21"],
    ["toString negative zero", C("toString", C("round", L(-0.4))), "0"],
    ["toString boolean", C("toString", F("t")), "true"],
    ["toString string", C("toString", F("s")), "Hello World"],
    ["toString object is canonical", C("toString", L({ b: 1, a: [1, "x"] })), '{"a":[1,"x"],"b":1}'],
    ["toString array", C("toString", F("arr")), '[1,"two",null,{"k":1}]'],
    ["toString null", C("toString", F("nul")), null],
    ["toString missing", C("toString", F("nope")), null],
    ["toNumber int", C("toNumber", L("42")), 42],
    ["toNumber padded", C("toNumber", L(" 1.5 ")), 1.5],
    ["toNumber not a number", C("toNumber", L("abc")), null],
    ['toNumber empty string is 0 (as Number(""))', C("toNumber", F("e")), 0],
    ["toNumber overflow", C("toNumber", L("1e999")), null],
    ["toNumber number", C("toNumber", F("n")), 7],
    ["toNumber true", C("toNumber", F("t")), 1],
    ["toNumber false", C("toNumber", F("fl")), 0],
    ["toNumber null", C("toNumber", F("nul")), null],
    ["toNumber array", C("toNumber", F("arr")), null],
  ],
  collections: [
    ["get index", C("get", F("arr"), L(1)), "two"],
    ["get null element", C("get", F("arr"), L(2)), null],
    ["get out of range", C("get", F("arr"), L(9)), null],
    ["get negative index", C("get", F("arr"), L(-1)), null],
    ["get fractional index", C("get", F("arr"), L(1.5)), null],
    ["get string index of array", C("get", F("arr"), L("1")), null],
    ["get key", C("get", F("o"), L("k")), "v"],
    ["get computed key", C("get", F("o"), C("lower", L("K"))), "v"],
    ["get missing key", C("get", F("o"), L("zz")), null],
    ["get number key of object", C("get", F("o"), L(1)), null],
    ["get inherited key", C("get", F("o"), L("toString")), null],
    ["get nested object", C("get", F("o", "a"), L("b")), { c: 42 }],
    ["get from null", C("get", F("nul"), L("a")), null],
    ["get from string", C("get", F("s"), L(0)), null],
    ["size array", C("size", F("arr")), 4],
    ["size object", C("size", F("o")), 3],
    ["size empty object", C("size", L({})), 0],
    ["size string", C("size", F("s")), null],
    ["size null", C("size", F("nul")), null],
  ],
  fields: [
    ["nested path", F("o", "a", "b", "c"), 42],
    ["missing middle", F("o", "a", "nope", "c"), null],
    ["missing top", F("nope"), null],
    ["into a number", F("n", "x"), null],
    ["arrays are not walked", F("arr", "0"), null],
    ["string length is not a field", F("s", "length"), null],
    ["inherited names are missing", F("toString"), null],
    ["constructor is missing", F("constructor"), null],
    ["__proto__ is missing", F("__proto__"), null],
    ["null value", F("o", "x"), null],
    ["object value", F("o", "a"), { b: { c: 42 } }],
  ],
  construction: [
    [
      "struct",
      ast.struct([
        ["a", F("n")],
        ["b", F("nope")],
        ["c", ast.array([L(1), F("s")])],
      ]),
      { a: 7, b: null, c: [1, "Hello World"] },
    ],
    ["empty struct", ast.struct([]), {}],
    ["array", ast.array([F("nope"), F("n"), C("add", F("n"), L(1))]), [null, 7, 8]],
    ["empty array", ast.array([]), []],
    ["nested", ast.array([ast.struct([["x", ast.array([F("t")])]])]), [{ x: [true] }]],
    ["object literal", L({ b: [1, { c: null }], a: "x" }), { a: "x", b: [1, { c: null }] }],
    ["array literal", L([1, "a", null, true]), [1, "a", null, true]],
  ],
};

/** Expected values compared as canonical JSON (so -0 and 0 agree, as they do in output). */
const expectValue = (got: unknown, expected: unknown): void => {
  expect(hasNonJson(got)).toBe(false);
  expect(canonicalJson(got)).toBe(canonicalJson(expected));
};

describe.each(Object.entries(CASES))("%s", (_family, cases) => {
  it.each(cases)("%s", (_label, expr, expected) => {
    expectValue(compileExpr(expr)(R), expected);
    expectValue(evaluate(expr, R), expected);
  });
});

describe("catalogue coverage", () => {
  it("has a hand-computed case for every function", async () => {
    const { FUNCTIONS } = await import("../../src/expr/ast.ts");
    const called = new Set<string>();
    const visit = (e: Expr): void => {
      if (e.op === "call") {
        called.add(e.fn);
        e.args.forEach(visit);
      }
    };
    Object.values(CASES)
      .flat()
      .forEach(([, e]) => visit(e));
    expect([...called].sort()).toEqual(Object.keys(FUNCTIONS).sort());
  });
});

describe("rows", () => {
  it("row() is the whole element, and undefined reads as null", () => {
    expect(compileExpr(ast.row())(R)).toBe(R);
    expect(compileExpr(ast.row())(undefined)).toBeNull();
    expect(evaluate(ast.row(), undefined)).toBeNull();
  });

  it("fields of a non-object row are null", () => {
    for (const row of [null, undefined, 5, "s", [1, 2]]) {
      expect(compileExpr(F("a"))(row)).toBeNull();
      expect(evaluate(F("a"), row)).toBeNull();
    }
  });

  it("a field whose value is undefined reads as null", () => {
    const row = { a: undefined, b: { c: undefined } };
    expect(compileExpr(F("a"))(row)).toBeNull();
    expect(compileExpr(ast.array([F("b", "c")]))(row)).toEqual([null]);
    expect(evaluate(F("b", "c"), row)).toBeNull();
  });

  it("an own __proto__ field is data", () => {
    const row = JSON.parse('{"__proto__": {"x": 1}}');
    expect(compileExpr(F("__proto__", "x"))(row)).toBe(1);
    expect(evaluate(F("__proto__", "x"), row)).toBe(1);
  });

  it("a struct field named __proto__ is an own property, not the prototype", () => {
    const e = ast.struct([
      ["__proto__", L(1)],
      ["a", L(2)],
    ]);
    for (const v of [compileExpr(e)(R), evaluate(e, R)] as Record<string, unknown>[]) {
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      expect(Object.keys(v)).toEqual(["__proto__", "a"]);
      expect(Object.getOwnPropertyDescriptor(v, "__proto__")?.value).toBe(1);
    }
  });

  it("keeps struct field order", () => {
    const v = compileExpr(
      ast.struct([
        ["z", L(1)],
        ["a", L(2)],
        ["m", L(3)],
      ]),
    )(R);
    expect(Object.keys(v)).toEqual(["z", "a", "m"]);
  });
});

describe("evaluation order", () => {
  const bad = ast.struct([["p", L("(")]]); // a pattern computed at run time, so only checked when used
  const badMatch = C("matches", L("x"), C("get", bad, L("p")));

  it("throws a clear error for an invalid pattern computed at run time", () => {
    expect(() => compileExpr(badMatch)(R)).toThrow(/invalid regular expression "\(" computed at run time.*Fix: /);
    expect(() => evaluate(badMatch, R)).toThrow(/invalid regular expression/);
  });

  it.each([
    ["and stops at false", C("and", L(false), badMatch), false],
    ["or stops at true", C("or", L(true), badMatch), true],
    ["coalesce stops at non-null", C("coalesce", L(1), badMatch), 1],
    ["if evaluates only the taken branch", C("if", L(true), L(1), badMatch), 1],
    ["string checks come before the pattern", C("matches", L(1), C("get", bad, L("p"))), null],
  ] as const)("%s", (_label, e, expected) => {
    expect(compileExpr(e)(R)).toBe(expected);
    expect(evaluate(e, R)).toBe(expected);
  });

  it("does not short-circuit past an undecided and", () => {
    expect(() => compileExpr(C("and", L(null), badMatch))(R)).toThrow(/invalid regular expression/);
    expect(() => evaluate(C("and", L(null), badMatch), R)).toThrow(/invalid regular expression/);
  });
});

describe("compileExpr", () => {
  it("rejects an invalid literal regex at compile time, even in an untaken branch", () => {
    const e = C("if", L(false), C("matches", F("s"), L("a(")), L(1));
    expect(() => compileExpr(e)).toThrow(DefinitionErrors);
    expect(() => compileExpr(e)).toThrow(/expr\.args\[1\]\.args\[1\]\.value: invalid regular expression "a\(".*Fix: /);
  });

  it("rejects an invalid AST with its path", () => {
    const e = { op: "call", fn: "lowr", args: [F("s")] } as unknown as Expr;
    expect(() => compileExpr(e, "nodes[0].expr")).toThrow(/nodes\[0\]\.expr\.fn: unknown function "lowr"/);
  });

  it("caches one function per canonical JSON", () => {
    const a = compileExpr(C("add", F("n"), L({ x: 1, y: 2 })));
    const b = compileExpr(JSON.parse(JSON.stringify(C("add", F("n"), L({ y: 2, x: 1 })))));
    expect(a).toBe(b);
    expect(compilePredicate(C("gt", F("n"), L(1)))).not.toBe(compileExpr(C("gt", F("n"), L(1))));
  });

  it("rejects an invalid AST even when a valid one with the same canonical JSON is cached", () => {
    expect(compileExpr(L({}))(R)).toEqual({});
    expect(() => compileExpr(L({ a: undefined } as unknown as Json))).toThrow(/expr\.value\.a: nothing is not JSON/);
  });

  it("does not share literal objects with the caller's AST", () => {
    const value = { list: [1] };
    const f = compileExpr(L(value));
    value.list.push(2);
    expect(f(R)).toEqual({ list: [1] });
    expect(Object.isFrozen(f(R))).toBe(true);
  });

  it("inlines arithmetic and comparisons with literals, and reads each field path once", () => {
    const src = generatedSource(C("and", C("gt", C("add", F("o", "a"), L(1)), L(3)), C("lt", F("o", "a"), L(9))));
    expect(src).toMatch(/typeof t\d+ === "number" \? t\d+ \+ 1 : null/);
    expect(src).toMatch(/t\d+ > 3/);
    expect(src.match(/hasOwn\(r, "o"\)/g)).toHaveLength(1);
    expect(src.match(/hasOwn\(t\d+, "a"\)/g)).toHaveLength(1);
  });

  it("generated code references no globals", () => {
    const src = generatedSource(C("size", C("split", C("toString", F("a")), F("p"))));
    // Everything it calls is destructured from H or a method on a value.
    expect(src).not.toMatch(/\b(Math|Object|Array|JSON|RegExp|globalThis|process|require)\b/);
  });
});

describe("compilePredicate", () => {
  it.each([
    [C("gt", F("n"), L(5)), true],
    [C("gt", F("n"), L(50)), false],
    [C("gt", F("nope"), L(5)), false],
    [L(1), false],
    [L("true"), false],
    [L(null), false],
    [F("t"), true],
  ] as const)("%j → %s", (e, expected) => {
    expect(compilePredicate(e)(R)).toBe(expected);
  });
});

describe("safety: AST strings are data, never code", () => {
  const EVIL = [
    `"]); process.exit(1); //`,
    `'); process.exit(1); //`,
    "`${process.exit(1)}`",
    "${globalThis.__pwned = 1}",
    '\\"; globalThis.__pwned = 1; "',
    "a\nglobalThis.__pwned = 1\n",
    "x\u2028globalThis.__pwned = 1\u2029y",
    "*/ globalThis.__pwned = 1; /*",
    "</script><script>globalThis.__pwned = 1</script>",
    "\ud800 lone surrogate",
    "__proto__",
    "constructor",
  ];
  const escapeRegex = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");

  let exit: ReturnType<typeof vi.spyOn>;
  beforeAll(() => {
    exit = vi.spyOn(process, "exit").mockImplementation((() => {
      throw new Error("process.exit was called");
    }) as never);
  });
  afterAll(() => exit.mockRestore());
  afterEach(() => {
    expect(exit).not.toHaveBeenCalled();
    expect((globalThis as Record<string, unknown>)["__pwned"]).toBeUndefined();
  });

  it.each(EVIL)("%j", (evil) => {
    const row = Object.fromEntries([[evil, Object.fromEntries([[evil, "nested"]])]]);
    expect(compileExpr(F(evil, evil))(row)).toBe("nested");
    expect(compileExpr(F(evil))({ other: 1 })).toBeNull();
    expect(compileExpr(L(evil))(null)).toBe(evil);
    expect(compileExpr(L({ [evil]: [evil] }))(null)).toEqual({ [evil]: [evil] });
    const struct = compileExpr(ast.struct([[evil, L(evil)]]))(null);
    expect(Object.getOwnPropertyDescriptor(struct, evil)?.value).toBe(evil);
    expect(compileExpr(C("matches", L(evil), L(`^${escapeRegex(evil)}$`)))(null)).toBe(true);
    expect(compileExpr(C("replace", L(evil), L(escapeRegex(evil)), L("ok")))(null)).toBe("ok");
    // Used raw, the text is a regex or a compile error; either way nothing runs.
    try {
      expect(typeof compileExpr(C("matches", L(evil), L(evil)))(null)).toBe("boolean");
    } catch (e) {
      expect(e).toBeInstanceOf(DefinitionErrors);
    }
  });
});

describe("compiler agrees with the interpreter", () => {
  /** A throw records the error's name: the only run-time error an expression may raise is ExpressionError (a dead letter). */
  type Outcome = { value: string } | { threw: string };
  const outcome = (run: () => unknown): Outcome => {
    let v: unknown;
    try {
      v = run();
    } catch (e) {
      return { threw: (e as Error).name };
    }
    expect(hasNonJson(v)).toBe(false);
    return { value: canonicalJson(v) };
  };

  it("on random well-formed expressions and rows", () => {
    fc.assert(
      fc.property(exprArb, fc.array(rowArb, { minLength: 1, maxLength: 4 }), (expr, rows) => {
        const f = compileExpr(expr);
        const p = compilePredicate(expr);
        for (const row of rows) {
          const expected = outcome(() => evaluate(expr, row));
          expect(outcome(() => f(row))).toEqual(expected);
          if ("value" in expected) expect(p(row)).toBe(expected.value === "true");
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("on expressions that round-trip through JSON", () => {
    fc.assert(
      fc.property(exprArb, rowArb, (expr, row) => {
        const json = JSON.parse(JSON.stringify(expr)) as Expr;
        expect(outcome(() => compileExpr(json)(row))).toEqual(outcome(() => evaluate(expr, row)));
      }),
      { numRuns: 300 },
    );
  });
});
