import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ast } from "../../src/expr/ast.ts";
import type { FunctionName, Json } from "../../src/expr/ast.ts";
import { argKind, catalogueEntries, catalogueHelpers } from "../../src/expr/catalogue/index.ts";
import type { ArgKind, FunctionSpec } from "../../src/expr/catalogue/index.ts";
import { validateExpr } from "../../src/expr/codec.ts";
import { evaluate } from "../../src/expr/interpret.ts";
import { jsonArb } from "./arbitraries.ts";

const NAMES = catalogueEntries().map(([name]) => name);

/** The argument counts a call of `spec` may have (variadic: up to two past the minimum). */
const counts = (spec: FunctionSpec): number[] => {
  const [min, max] = spec.arity;
  return Array.from({ length: (max === -1 ? min + 2 : max) - min + 1 }, (_, i) => min + i);
};

/** Values of another kind than `kind` requires, never null (the null rule is checked on its own). */
const wrongKinds = (kind: Exclude<ArgKind, "any">): Json[] => {
  const of = kind === "pattern" ? "string" : kind;
  return [1.5, "s", true, [1], { a: 1 }].filter((v) => typeof v !== of);
};

/** A non-null value of the kind an argument requires, so that only the operand under test can decide a null. */
const valueOfKind = (kind: ArgKind): fc.Arbitrary<Json> => {
  switch (kind) {
    case "number":
      return fc.constantFrom(0, 1, -2.5, 3);
    case "string":
      return fc.constantFrom("", "a", "abc", "a,b");
    case "pattern":
      return fc.constantFrom("a", ",", "[0-9]+");
    case "boolean":
      return fc.boolean();
    case "any":
      return jsonArb(true).filter((v) => v !== null);
  }
};

/** Every strict function, argument count and position, with arguments of the declared kinds. */
const strictCases = catalogueEntries().flatMap(([name, spec]) =>
  spec.nulls !== "strict"
    ? []
    : counts(spec).flatMap((n) =>
        Array.from({ length: n }, (_, i) => ({
          name,
          i,
          kind: argKind(spec, i),
          args: fc.tuple(...Array.from({ length: n }, (_, j) => valueOfKind(argKind(spec, j)))),
        })),
      ),
);

/** Evaluates a call of `fn` on literal arguments with the oracle. */
const call = (fn: FunctionName, args: readonly Json[]): unknown => evaluate(ast.call(fn, ...args.map(ast.lit)), null);

describe("the catalogue and the interpreter", () => {
  it("has an interpreter case for every catalogue function", () => {
    // interpret.ts throws "has no eager implementation" for a function it does not know.
    for (const [name, spec] of catalogueEntries()) expect(() => call(name, Array(spec.arity[0]).fill(null)), name).not.toThrow();
  });

  it("has a catalogue function for every interpreter case", () => {
    // Case labels of interpret.ts that are not value kinds or node kinds name functions (TypeScript
    // also refuses a case that is not a FunctionName; this says it in a test).
    const source = readFileSync(new URL("../../src/expr/interpret.ts", import.meta.url), "utf8");
    const labels = new Set([...source.matchAll(/case "([^"]+)":/g)].map((m) => m[1]!));
    for (const other of ["null", "number", "string", "boolean", "array", "object", "field", "lit", "row", "struct", "call"]) labels.delete(other);
    expect([...labels].sort()).toEqual([...NAMES].sort());
  });
});

describe("catalogue entries", () => {
  it("declare a kind for every argument position", () => {
    for (const [name, spec] of catalogueEntries()) {
      const [min, max] = spec.arity;
      expect(min, name).toBeGreaterThanOrEqual(1);
      if (max === -1) expect(spec.args.length, name).toBeLessThanOrEqual(min);
      else expect([name, spec.args.length]).toEqual([name, max]);
    }
  });

  it("declare their null rule truthfully: strict functions give null for a null operand", () => {
    expect(strictCases.length).toBeGreaterThan(0);
    for (const { name, i, args } of strictCases) {
      fc.assert(
        fc.property(args, (vs) => {
          expect(
            call(
              name,
              vs.map((v, j) => (j === i ? null : v)),
            ),
            `${name} with null at ${i}`,
          ).toBeNull();
        }),
        { numRuns: 10 },
      );
    }
  });

  it("declare their argument kinds truthfully: strict functions give null for an operand of another kind", () => {
    const typed = strictCases.filter((c) => c.kind !== "any");
    expect(typed.length).toBeGreaterThan(0);
    for (const { name, i, kind, args } of typed) {
      for (const wrong of wrongKinds(kind as Exclude<ArgKind, "any">)) {
        fc.assert(
          fc.property(args, (vs) => {
            expect(
              call(
                name,
                vs.map((v, j) => (j === i ? wrong : v)),
              ),
              `${name} with ${JSON.stringify(wrong)} at ${i}`,
            ).toBeNull();
          }),
          { numRuns: 5 },
        );
      }
    }
  });

  it("never give null when their rule is `never`", () => {
    const never = catalogueEntries().filter(([, s]) => s.nulls === "never");
    expect(never.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.constantFrom(...never), jsonArb(true), ([name], v) => {
        expect(call(name, [v])).not.toBeNull();
      }),
    );
  });

  it("have every literal pattern argument checked by the codec", () => {
    const withPatterns = catalogueEntries().filter(([, spec]) => spec.args.includes("pattern"));
    expect(withPatterns.length).toBeGreaterThan(0);
    for (const [name, spec] of withPatterns) {
      for (let i = 0; i < spec.arity[0]; i++) {
        if (argKind(spec, i) !== "pattern") continue;
        const args = Array.from({ length: spec.arity[0] }, (_, j) => ast.lit(j === i ? "(a)\\1" : "x"));
        const errors = validateExpr(ast.call(name, ...args), "e");
        expect(
          errors.map((e) => e.path),
          name,
        ).toEqual([`e.args[${i}].value`]);
      }
    }
  });

  it("name their arquero helpers ls_* so they never shadow an arquero function", () => {
    const names = Object.keys(catalogueHelpers("arquero"));
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(n).toMatch(/^ls_/);
  });

  it("may not take a helper name the compiler owns", () => {
    expect(() => catalogueHelpers("js", ["eq"])).toThrow(/"eq" of "eq" is a name the compiler owns/);
  });
});
