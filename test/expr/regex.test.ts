/**
 * Regular expressions in expressions (issue 13, defect 4): one linear-time
 * RE2 engine for the interpreter, the JavaScript compiler and the arquero
 * compiler; patterns RE2 refuses are invalid definitions when literal and
 * an `ExpressionError` (a dead letter, see test/runners/arquero/regex.test.ts)
 * when computed from a record.
 */
import * as aq from "arquero";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DefinitionErrors } from "../../src/core/errors.ts";
import { ast } from "../../src/expr/ast.ts";
import type { Expr } from "../../src/expr/ast.ts";
import { validateExpr } from "../../src/expr/codec.ts";
import { compileArquero } from "../../src/expr/compile-arquero.ts";
import { compileExpr } from "../../src/expr/compile-js.ts";
import { evaluate } from "../../src/expr/interpret.ts";
import { ExpressionError, re2Only, runsOnV8, runtimeRegex } from "../../src/expr/regex.ts";

const F = ast.field;
const L = ast.lit;
const C = ast.call;

/** `expr` on one row through arquero, as the batch runner evaluates it (fields `s`, `p`, `r` as columns). */
const viaArquero = (expr: Expr, row: Record<string, unknown>): unknown => {
  const names = ["s", "p", "r"];
  const c = compileArquero(expr, { columns: new Map(names.map((n) => [n, "." + n])) });
  if (c.fallback) return c.fallback.fn(row);
  const table = aq.table(Object.fromEntries(names.map((n) => ["." + n, [row[n]]])));
  return table.params(c.params).derive({ out: c.source }).array("out")[0];
};

/** The value of `expr` on `row` on every runner's evaluator: interpreter, JS compiler, arquero. */
const everywhere = (expr: Expr, row: Record<string, unknown>): unknown[] => [evaluate(expr, row), compileExpr(expr)(row), viaArquero(expr, row)];

/** 30 a's then "!": a backtracking engine tries ~2^30 ways to split the a's between the two loops. */
const EVIL_INPUT = "a".repeat(30) + "!";

describe("catastrophic patterns run in linear time", () => {
  // Before RE2 each of these took minutes (V8: 24 a's ≈ 1.3 s, ×4 per two more a's): the test timed out.
  it("a literal ^(a+)+$ on 30 a's and a bang is false on every evaluator", () => {
    expect(everywhere(C("matches", F("s"), L("^(a+)+$")), { s: EVIL_INPUT })).toEqual([false, false, false]);
  });

  it("the same pattern taken from a record field is false on every evaluator", () => {
    expect(everywhere(C("matches", F("s"), F("p")), { s: EVIL_INPUT, p: "^(a+)+$" })).toEqual([false, false, false]);
  });

  it("replace and split with a nested quantifier finish too", () => {
    const s = EVIL_INPUT + EVIL_INPUT;
    expect(everywhere(C("replace", F("s"), L("(a|aa)+$"), L("-")), { s })).toEqual([s, s, s]);
    expect(everywhere(C("split", F("s"), L("(a*)*b")), { s })).toEqual([[s], [s], [s]]);
  });
});

describe("patterns RE2 refuses", () => {
  it.each([
    ["a backreference", "(a)\\1"],
    ["a lookahead", "a(?=b)"],
    ["a negative lookahead", "a(?!b)"],
    ["a lookbehind", "(?<=a)b"],
    ["a negative lookbehind", "(?<!a)b"],
    ["a possessive quantifier", "a++"],
  ])("%s is an invalid definition naming the node and the fix", (_label, pattern) => {
    const e = C("if", L(true), C("matches", F("s"), L(pattern)), L(null));
    const errors = validateExpr(e, "nodes[2].expr");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe("nodes[2].expr.args[1].args[1].value");
    expect(errors[0]!.problem).toContain(`invalid regular expression ${JSON.stringify(pattern)} for "matches"`);
    expect(errors[0]!.fix).toMatch(/RE2 syntax.*backreferences.*lookaround/);
    expect(() => compileExpr(e)).toThrow(DefinitionErrors);
    expect(() => compileArquero(e, { columns: new Map() })).toThrow(DefinitionErrors);
  });

  it("a refused pattern computed from a record throws ExpressionError with the reason, on every evaluator", () => {
    const e = C("matches", F("s"), F("p"));
    const row = { s: "aa", p: "(a)\\1" };
    for (const run of [() => evaluate(e, row), () => compileExpr(e)(row), () => viaArquero(e, row)]) {
      expect(run).toThrow(ExpressionError);
      expect(run).toThrow(/invalid regular expression "\(a\)\\\\1" computed at run time: .*invalid escape.*Fix: write the pattern in RE2 syntax/);
    }
  });

  it("cuts a huge refused pattern in the message", () => {
    const p = "(".repeat(100_000);
    let message = "";
    try {
      compileExpr(C("matches", F("s"), F("p")))({ s: "x", p });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^invalid regular expression "\(+…" computed at run time/);
    expect(message.length).toBeLessThan(1500);
  });
});

describe("the dialect (docs/semantics.md §15)", () => {
  it.each([
    ["\\d, \\w and \\s are ASCII", C("matches", L("\u00a0"), L("^\\s$")), false],
    ["\\pL is Unicode letters", C("matches", L("été"), L("^\\pL+$")), true],
    ["\\x{…} is a code point", C("matches", L("é"), L("^\\x{e9}$")), true],
    ["inline flags", C("matches", L("ABC"), L("(?i)^abc$")), true],
    [". is a code point, not \\n", C("split", L("😀\n😀"), L(".")), ["", "\n", ""]],
    ["alternation prefers the left", C("replace", L("abc"), L("a|ab"), L("[$&]")), "[a]bc"],
    ["replacement references as in JavaScript", C("replace", L("ab"), L("(?P<x>a)(b)"), L("$2$<x>$$")), "ba$"],
    ["split cuts where JavaScript cuts on empty matches", C("split", L("abc"), L("b*")), ["a", "c"]],
    ["split keeps empty pieces, drops groups", C("split", L("a,,b,"), L("(,)")), ["a", "", "b", ""]],
  ] as const)("%s", (_label, e, expected) => {
    expect(everywhere(e, {})).toEqual([expected, expected, expected]);
  });
});

/**
 * Generated patterns whose meaning RE2 and JavaScript share — quantifiers
 * only on single characters, so no loop can match empty, the one place the
 * two engines pick different matches — agree with V8 on ASCII input: this
 * checks `split`'s cutting rule and `replace`'s references against the
 * reference implementation of what the dialect promises.
 */
describe("agrees with JavaScript where the dialects coincide", () => {
  const atom = fc.constantFrom("a", "b", ",", ".", "[ab]", "[^a]", "\\d", "\\w", "\\s", "\\.");
  const quantified = fc.tuple(atom, fc.constantFrom("", "", "*", "+", "?", "*?", "+?", "{1,2}")).map(([a, q]) => a + q);
  const pattern: fc.Arbitrary<string> = fc.letrec<{ alt: string; seq: string; item: string }>((tie) => ({
    alt: fc.array(tie("seq"), { minLength: 1, maxLength: 3 }).map((xs) => xs.join("|")),
    seq: fc.array(tie("item"), { minLength: 1, maxLength: 4 }).map((xs) => xs.join("")),
    item: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      quantified,
      quantified,
      fc.constantFrom("^", "$", "\\b"),
      tie("alt").map((x) => `(${x})`),
      tie("alt").map((x) => `(?:${x})`),
    ),
  })).alt;
  const input = fc.array(fc.constantFrom("a", "b", ",", "1", " ", "."), { maxLength: 8 }).map((xs) => xs.join(""));

  it("matches, replace and split", () => {
    fc.assert(
      fc.property(pattern, input, (p, s) => {
        const js = new RegExp(p, "u");
        const groups = new RegExp(`(?:${p})|`, "u").exec("")!.length - 1;
        const row = { s, p };
        expect(everywhere(C("matches", F("s"), L(p)), row)).toEqual(Array(3).fill(js.test(s)));
        expect(everywhere(C("replace", F("s"), F("p"), L("<$&>")), row)).toEqual(Array(3).fill(s.replace(new RegExp(p, "gu"), "<$&>")));
        const pieces = s.split(js).filter((_, i) => i % (groups + 1) === 0);
        expect(everywhere(C("split", F("s"), L(p)), row)).toEqual(Array(3).fill(pieces));
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * The shapes run on V8's RegExp for speed (a class or character with an
 * optional `+`, `*`, `?`, or a short literal) must mean what RE2 means, on
 * any string: astral characters, lone surrogates and U+FFFD included.
 */
describe("the V8 fast path is RE2", () => {
  const ch = fc.constantFrom("a", "b", "z", "A", ",", " ", "'", "-", "é", "😀", "🙂", "\\.", "\\]", "\\|", "\\\\");
  const classCh = fc.constantFrom("a", "b", "z", "A", ",", " ", "'", "é", "😀", "🙂", "\\.", "\\]", "\\-", "\\|", "\\\\", "\\^");
  const item = fc.oneof(classCh, fc.constantFrom("a-z", "0-9", "😀-🙂", "a-é"));
  const cls = fc.tuple(fc.boolean(), fc.array(item, { minLength: 1, maxLength: 3 })).map(([neg, xs]) => `[${neg ? "^" : ""}${xs.join("")}]`);
  const simple = fc.oneof(
    fc.tuple(fc.oneof(cls, ch), fc.constantFrom("", "+", "*", "?")).map(([a, q]) => a + q),
    fc.array(ch, { minLength: 1, maxLength: 4 }).map((xs) => xs.join("")),
  );
  const unit = fc.constantFrom("a", "b", "z", ",", " ", "'", ".", "]", "-", "|", "\\", "é", "e\u0301", "😀", "🙂", "\ud83d", "\ude00", "\ufffd", "1");
  const text = fc.array(unit, { maxLength: 10 }).map((xs) => xs.join(""));

  it("on test, replace and split", () => {
    fc.assert(
      fc.property(simple, text, (p, s) => {
        expect(runsOnV8(p)).toBe(true);
        const fast = runtimeRegex(p);
        const re2 = re2Only(p);
        expect(fast.test(s)).toBe(re2.test(s));
        expect(fast.replaceAll(s, "<$&>")).toBe(re2.replaceAll(s, "<$&>"));
        expect(fast.split(s)).toEqual(re2.split(s));
      }),
      { numRuns: 1000 },
    );
  });

  it("leaves shapes whose meaning differs to RE2", () => {
    for (const p of ["\\-", "[-a]", "\\s", "\\d+", ".", "\\w*", "a|b", "(a)", "^a", "a$", "\\b", "(?i)a", "a{2}", "a+?", "[[:alpha:]]", "\\x{41}", "\\pL"])
      expect(runsOnV8(p)).toBe(false);
  });
});
