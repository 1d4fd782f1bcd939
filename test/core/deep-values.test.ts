/** Canonical JSON and value order on values of any depth (issue 13, defect 3): never a stack overflow. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical.ts";
import { MAX_DEPTH, deepPathOf, deeperThan } from "../../src/core/depth.ts";
import { compareValues } from "../../src/core/order.ts";

const nest = (n: number, inner: unknown, wrap: (x: unknown) => unknown = (x) => [x]): unknown => {
  let v = inner;
  for (let i = 0; i < n; i++) v = wrap(v);
  return v;
};

describe("values nested 100,000 deep", () => {
  const N = 100_000;
  it("canonical JSON writes them", () => {
    expect(canonicalJson(nest(N, 1))).toBe("[".repeat(N) + "1" + "]".repeat(N));
    expect(canonicalJson(nest(N, null, (x) => ({ b: x, a: 1 })))).toBe('{"a":1,"b":'.repeat(N) + "null" + "}".repeat(N));
  });

  it("value order compares them", () => {
    expect(compareValues(nest(N, 1), nest(N, 2))).toBeLessThan(0);
    expect(compareValues(nest(N, 2), nest(N, 1))).toBeGreaterThan(0);
    expect(compareValues(nest(N, 1), nest(N, 1))).toBe(0);
    expect(compareValues(nest(N, [1, 2]), nest(N, [1]))).toBeGreaterThan(0);
  });

  it("the depth checks see them without recursing", () => {
    expect(deeperThan(nest(N, 1))).toBe(true);
    expect(deepPathOf(nest(N, 1))?.path.length).toBe(MAX_DEPTH);
    expect(deeperThan(nest(MAX_DEPTH, 1))).toBe(false);
    expect(deeperThan(nest(MAX_DEPTH + 1, 1))).toBe(true);
    expect(deepPathOf(nest(3, nest(MAX_DEPTH, 0), (x) => ({ x })))?.path).toEqual([".x", ".x", ".x", ...Array(MAX_DEPTH - 3).fill("[0]")]);
  });
});

describe("past the recursion threshold the text is the same as near the top", () => {
  it("for random JSON leaves nested 500 to 700 deep", () => {
    fc.assert(
      fc.property(fc.integer({ min: 500, max: 700 }), fc.jsonValue({ maxDepth: 4 }), (n, leaf) => {
        const v = nest(n, leaf, (x) => ({ k: x, j: [1, "a"] }));
        expect(canonicalJson(v)).toBe('{"j":[1,"a"],"k":'.repeat(n) + canonicalJson(leaf) + "}".repeat(n));
      }),
      { numRuns: 30 },
    );
  });
});
