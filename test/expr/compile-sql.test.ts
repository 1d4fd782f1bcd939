/**
 * The SQL target without a Flink (values are checked on a real one in
 * test/runners/flink/expressions.test.ts): literals read back as the same
 * double, compiled expressions have the kind of what the interpreter
 * yields, and refusals name a node path of the expression.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Expr } from "../../src/expr/ast.ts";
import { compileSql, sqlNumber, sqlString } from "../../src/expr/compile-sql.ts";
import type { SqlScope } from "../../src/expr/compile-sql.ts";
import { evaluate } from "../../src/expr/interpret.ts";
import { exprArb } from "./arbitraries.ts";

const KINDS = { a: "number", b: "string", c: "boolean" } as const;
const scope: SqlScope = {
  column: (f) => (Object.hasOwn(KINDS, f) ? { code: `f_${f}`, kind: KINDS[f as keyof typeof KINDS] } : { refused: `no column ${f}` }),
};

/** The node at `path` ("expr.args[0].args[1]") of `e`, or undefined. */
const nodeAt = (e: Expr, path: string): unknown => {
  let x: unknown = e;
  for (const m of path.replace(/^expr/, "").matchAll(/\.(\w+)|\[(\d+)\]/g)) x = (x as Record<string, unknown>)?.[m[1] ?? Number(m[2])];
  return x;
};

describe("compileSql", () => {
  it("a number literal is a DOUBLE literal that reads back as the same double", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const text = sqlNumber(n);
        expect(text).toMatch(/E/);
        expect(Object.is(Number(text.replace(/[()]/g, "")), n)).toBe(true);
      }),
    );
  });

  it("a string literal doubles quotes and refuses control characters", () => {
    expect(sqlString("O'Neil")).toBe("'O''Neil'");
    expect(sqlString("a\nb")).toHaveProperty("refused");
    expect(sqlString("\ud800")).toHaveProperty("refused");
  });

  it("an accepted expression has the kind of every value the interpreter yields; a refusal names a node", () => {
    const rows = [{ a: 1.5, b: "x", c: true }, { a: -0, b: "", c: false }, {}, { a: null, b: null, c: null }];
    let accepted = 0;
    fc.assert(
      fc.property(exprArb, (e) => {
        const out = compileSql(e, scope);
        if ("refused" in out) {
          expect(nodeAt(e, out.refused.path)).toBeDefined();
          return;
        }
        accepted++;
        for (const row of rows) {
          const v = evaluate(e, row) ?? null;
          if (v !== null) expect(typeof v).toBe(out.kind);
        }
      }),
      { numRuns: 500, seed: 15 },
    );
    expect(accepted).toBeGreaterThan(50);
  });
});
