import * as aq from "arquero";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical.ts";
import { DefinitionErrors } from "../../src/core/errors.ts";
import { ast } from "../../src/expr/ast.ts";
import type { Expr } from "../../src/expr/ast.ts";
import { compileArquero } from "../../src/expr/compile-arquero.ts";
import type { ArqueroScope } from "../../src/expr/compile-arquero.ts";
import { evaluate } from "../../src/expr/interpret.ts";
import { exprArb, hasNonJson, rowArb } from "./arbitraries.ts";

const F = ast.field;
const L = ast.lit;
const C = ast.call;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Rows as the batch runner holds them: one column per field ("." + name, undefined when absent), non-objects in "_x". */
const tableOf = (rows: readonly unknown[]): { table: aq.ColumnTable; scope: ArqueroScope } => {
  const names = [...new Set(rows.flatMap((r) => (isObject(r) ? Object.keys(r) : [])))];
  const cols: Record<string, unknown[]> = {};
  for (const n of names) cols["." + n] = rows.map((r) => (isObject(r) && Object.hasOwn(r, n) ? r[n] : undefined));
  const exotic = rows.some((r) => !isObject(r));
  if (exotic) cols._x = rows.map((r) => (isObject(r) ? undefined : r));
  cols._n = rows.map((_, i) => i);
  return { table: aq.table(cols), scope: { columns: new Map(names.map((n) => [n, "." + n])), ...(exotic ? { exotic: "_x" } : {}) } };
};

/** A throw records the error's name: the only run-time error an expression may raise is ExpressionError (a dead letter). */
type Outcome = { value: string } | { threw: string };

/** Evaluates `expr` on every row through arquero; the fallback goes through aq.escape as the runner does. */
const viaArquero = (expr: Expr, rows: readonly unknown[], predicate = false): Outcome[] => {
  const { table, scope } = tableOf(rows);
  const c = compileArquero(expr, scope, { predicate });
  if (c.fallback) {
    return rows.map((r) => {
      try {
        return { value: canonicalJson(c.fallback.fn(r)) };
      } catch (e) {
        return { threw: (e as Error).name };
      }
    });
  }
  const out = table.params(c.params).derive({ out: c.source }).array("out") as unknown[];
  return out.map((v) => {
    expect(hasNonJson(v)).toBe(false);
    return { value: canonicalJson(v) };
  });
};

const viaInterpreter = (expr: Expr, rows: readonly unknown[], predicate = false): Outcome[] =>
  rows.map((r) => {
    try {
      const v = evaluate(expr, r);
      return { value: canonicalJson(predicate ? v === true : v) };
    } catch (e) {
      return { threw: (e as Error).name };
    }
  });

describe("compileArquero", () => {
  it("generates an arquero expression with explicit null checks", () => {
    const c = compileArquero(C("lt", F("a"), L(1)), { columns: new Map([["a", ".a"]]) });
    expect(c.source).toContain('d[".a"] ?? null');
    expect(c.source).toContain('typeof (t0 ?? null) === "number"');
    // null < 1 is true in JavaScript, false/null in the catalogue.
    expect(viaArquero(C("lt", F("a"), L(1)), [{ a: null }, {}, { a: 0 }, { a: "0" }])).toEqual([
      { value: "null" },
      { value: "null" },
      { value: "true" },
      { value: "null" },
    ]);
  });

  it("reads fields outside the scope as null without a column", () => {
    const c = compileArquero(C("isNull", F("nope")), { columns: new Map() });
    expect(c.source).not.toContain("nope");
  });

  it("keeps constants out of the source", () => {
    const c = compileArquero(C("eq", F("a"), L({ x: [1, "y"] })), { columns: new Map([["a", ".a"]]) });
    expect(c.source).not.toContain('"y"');
    expect(Object.values(c.params ?? {})).toEqual([{ x: [1, "y"] }]);
  });

  it("falls back to the JavaScript compiler for a pattern computed at run time", () => {
    const c = compileArquero(C("matches", F("a"), F("b")), { columns: new Map() });
    expect(c.fallback?.reason).toMatch(/computed at run time/);
    expect(c.fallback?.fields).toEqual(["a", "b"]);
  });

  it("rejects an invalid literal pattern at compile time", () => {
    expect(() => compileArquero(C("matches", F("a"), L("(")), { columns: new Map() })).toThrow(DefinitionErrors);
  });

  it.each([
    [`"]); process.exit(1); //`],
    ["`${globalThis.__pwned = 1}`"],
    ["a\nglobalThis.__pwned = 1\n"],
    ["x\u2028y\u2029z"],
    ["\ud800 lone surrogate"],
    ["__proto__"],
    ["*/ globalThis.__pwned = 1; /*"],
  ])("treats %j as data", (evil) => {
    const row = Object.fromEntries([[evil, Object.fromEntries([[evil, "nested"]])]]);
    expect(viaArquero(F(evil, evil), [row])).toEqual([{ value: '"nested"' }]);
    expect(viaArquero(L(evil), [row])).toEqual([{ value: canonicalJson(evil) }]);
    expect(viaArquero(ast.struct([[evil, L(evil)]]), [row])).toEqual([{ value: canonicalJson({ [evil]: evil }) }]);
    expect(viaArquero(C("replace", L(evil), L("(?s)."), L("$&")), [row])).toEqual([{ value: canonicalJson(evil) }]);
    expect((globalThis as Record<string, unknown>)["__pwned"]).toBeUndefined();
  });

  it("agrees with the interpreter on random expressions and rows", () => {
    fc.assert(
      fc.property(exprArb, fc.array(rowArb, { minLength: 1, maxLength: 4 }), fc.boolean(), (expr, rows, predicate) => {
        expect(viaArquero(expr, rows, predicate)).toEqual(viaInterpreter(expr, rows, predicate));
      }),
      { numRuns: 2000 },
    );
  });
});
